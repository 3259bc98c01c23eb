"""Loads the keras alias in every Python process started with this folder on PYTHONPATH.

The compat runner puts this folder on PYTHONPATH, so worker processes that
`multiprocessing` spawns (they import the test modules, which import `keras`)
resolve `keras` to `minikeras` too. Nothing of the package imports this.
"""
import keras_alias  # noqa: F401
