"""Datasets (`minikeras.datasets`): small datasets shipped inside the package,
with Keras-style `load_data()` loaders that need no network access.

- `digits`: the 8x8 UCI optical-recognition handwritten digits (1,797 images).
"""
from . import digits  # noqa: F401
