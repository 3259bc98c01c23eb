"""MNIST handwritten digits, read from the Keras 2 cache (`datasets/mnist.npz`).

Example::

    from minikeras.datasets import mnist
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    x_train.shape, x_train.dtype   # (60000, 28, 28), uint8
    y_train.shape, y_train.dtype   # (60000,), uint8
"""
from .files import fetch, load_npz

ORIGIN = 'https://s3.amazonaws.com/img-datasets/mnist.npz'
FILE_HASH = '8a61469f7ea1b51cbae51d4f78837e45'


def load_data(path='mnist.npz'):
    """Loads MNIST: 60,000 training and 10,000 test 28x28 grayscale images of the digits 0-9.

    Args:
        path: file name under the cache's `datasets` folder (or an absolute path).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(n, 28, 28)`
        with values 0..255 and uint8 labels `(n,)`, as stored in the file.

    Raises:
        DownloadError: the file is not cached and cannot be downloaded.
        ValueError: the file lacks one of the four arrays.
    """
    arrays = load_npz(fetch(path, ORIGIN, FILE_HASH), ['x_train', 'y_train', 'x_test', 'y_test'])
    return (arrays['x_train'], arrays['y_train']), (arrays['x_test'], arrays['y_test'])
