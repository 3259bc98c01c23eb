"""CIFAR-100, read from the Keras 2 cache (`datasets/cifar-100-python/`, from its tarball).

100 fine classes grouped into 20 coarse ones, 32x32 RGB images.
"""
import os

import numpy as np

from .cifar import load_batch, to_data_format
from .files import fetch

ORIGIN = 'https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz'
DIRNAME = 'cifar-100-python'


def load_data(label_mode='fine'):
    """Loads CIFAR-100: 50,000 training and 10,000 test images.

    Args:
        label_mode: 'fine' (100 classes) or 'coarse' (20 superclasses).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(n, 32, 32, 3)`
        (channel-first under 'channels_first') and int64 labels `(n, 1)`.

    Raises:
        ValueError: an unknown `label_mode`, or a malformed file.
        DownloadError: the data is not cached and cannot be downloaded.
    """
    if label_mode not in ('fine', 'coarse'):
        raise ValueError("cifar100.load_data: label_mode must be 'fine' or 'coarse'; received %r" % (label_mode,))
    path = fetch(DIRNAME, ORIGIN, untar=True)
    out = []
    for name in ('train', 'test'):
        x, y = load_batch(os.path.join(path, name), label_key=label_mode + '_labels')
        out.append((to_data_format(x), np.asarray(y, dtype='int64').reshape(-1, 1)))
    return tuple(out)
