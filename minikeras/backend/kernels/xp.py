"""The array-library binding used by every kernel and op forward.

`xp` is a module with the numpy API. Binding it in one place is what lets a
third party swap numpy for a numpy-compatible library.
"""
import numpy as xp  # noqa: F401
