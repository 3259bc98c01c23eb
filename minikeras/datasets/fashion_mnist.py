"""Fashion-MNIST, read from the Keras 2 cache (`datasets/fashion-mnist/*.gz`, IDX files).

Ten classes of clothing (0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress,
4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot), same shapes as MNIST.
"""
import os

from .files import fetch, read_idx

BASE_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'
FILES = ['train-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz',
         't10k-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz']
CACHE_SUBDIR = os.path.join('datasets', 'fashion-mnist')


def load_data():
    """Loads Fashion-MNIST: 60,000 training and 10,000 test 28x28 grayscale images.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(n, 28, 28)` and
        uint8 labels `(n,)`.

    Raises:
        DownloadError: a file is not cached and cannot be downloaded.
        ValueError: a file is not a valid IDX file, or images and labels differ in count.
    """
    y_train, x_train, y_test, x_test = [read_idx(fetch(name, BASE_URL + name, cache_subdir=CACHE_SUBDIR))
                                        for name in FILES]
    for x, y, part in ((x_train, y_train, 'train'), (x_test, y_test, 't10k')):
        if x.ndim != 3 or y.ndim != 1 or len(x) != len(y):
            raise ValueError('Fashion-MNIST %s files disagree: images %s, labels %s (expected (n, 28, 28) '
                             'and (n,)).' % (part, x.shape, y.shape))
    return (x_train, y_train), (x_test, y_test)
