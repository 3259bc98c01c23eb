"""Boston housing prices, read from the Keras 2 cache (`datasets/boston_housing.npz`).

506 samples of 13 features; the target is the median home value in k$.
"""
import numpy as np

from .files import fetch, load_npz

ORIGIN = 'https://s3.amazonaws.com/keras-datasets/boston_housing.npz'
FILE_HASH = 'f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5'


def load_data(path='boston_housing.npz', test_split=0.2, seed=113):
    """Loads the Boston housing data, shuffled and split into train and test.

    The shuffle is the permutation Keras 2.2.4 draws after `np.random.seed(seed)`,
    drawn from a private `RandomState(seed)`, so the split is the same and the
    global random state is left alone.

    Args:
        path: file name under the cache's `datasets` folder (or an absolute path).
        test_split: fraction of the samples kept for the test set, in [0, 1).
        seed: seed of the shuffle.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: float64 features `(n, 13)` and
        targets `(n,)`; the first `int(506 * (1 - test_split))` shuffled samples train.

    Raises:
        ValueError: `test_split` outside [0, 1), or a malformed file.
        DownloadError: the file is not cached and cannot be downloaded.
    """
    if not 0 <= test_split < 1:
        raise ValueError('boston_housing.load_data: test_split must be in [0, 1); received %r' % (test_split,))
    arrays = load_npz(fetch(path, ORIGIN, FILE_HASH), ['x', 'y'])
    x, y = arrays['x'], arrays['y']
    if len(x) != len(y):
        raise ValueError('%s: %d feature rows but %d targets' % (path, len(x), len(y)))
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    split = int(len(x) * (1 - test_split))
    return (x[:split], y[:split]), (x[split:], y[split:])
