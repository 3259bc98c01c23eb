"""CIFAR-10, read from the Keras 2 cache (`datasets/cifar-10-batches-py/`, from its tarball).

Ten classes (0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog,
7 horse, 8 ship, 9 truck), 32x32 RGB images.
"""
import os

import numpy as np

from .cifar import load_batch, to_data_format
from .files import fetch

ORIGIN = 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz'
DIRNAME = 'cifar-10-batches-py'
TRAIN_BATCHES = ['data_batch_%d' % i for i in range(1, 6)]


def load_data():
    """Loads CIFAR-10: 50,000 training images (five batch files) and 10,000 test images.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(n, 32, 32, 3)`
        (`(n, 3, 32, 32)` when `K.image_data_format()` is 'channels_first')
        and labels `(n, 1)`, uint8 for training and int64 for test, as in Keras 2.2.4.

    Raises:
        DownloadError: the data is not cached and cannot be downloaded.
        ValueError: a batch file is malformed.
    """
    path = fetch(DIRNAME, ORIGIN, untar=True)
    parts = [load_batch(os.path.join(path, name)) for name in TRAIN_BATCHES]
    x_train = np.concatenate([x for x, _ in parts]).astype('uint8')
    y_train = np.concatenate([np.asarray(y, dtype='uint8') for _, y in parts]).reshape(-1, 1)
    x_test, y_test = load_batch(os.path.join(path, 'test_batch'))
    y_test = np.asarray(y_test, dtype='int64').reshape(-1, 1)
    return (to_data_format(x_train), y_train), (to_data_format(x_test), y_test)
