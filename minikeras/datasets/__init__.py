"""Datasets (`minikeras.datasets`), with Keras-style `load_data()` loaders.

- `digits`: the 8x8 UCI handwritten digits (1,797 images), shipped inside the
  package: works offline.
- `mnist`, `fashion_mnist`, `cifar10`, `cifar100`, `imdb`, `reuters`,
  `boston_housing`: the Keras 2 datasets, read from the Keras 2 cache
  (`$KERAS_HOME/datasets`, else `~/.keras/datasets`), so files an existing
  Keras install downloaded are reused; a missing file is downloaded with
  `utils.get_file` (offline, the error says where to place it by hand).
  Return shapes, dtypes and splits are those of Keras 2.2.4.
"""
from . import digits  # noqa: F401
from . import boston_housing, cifar10, cifar100, fashion_mnist, imdb, mnist, reuters  # noqa: F401
