"""The 8x8 handwritten digits dataset, shipped inside the package.

This is the "Optical Recognition of Handwritten Digits" data set of the UCI
Machine Learning Repository (E. Alpaydin and C. Kaynak, Bogazici University,
1998; https://archive.ics.uci.edu/ml/datasets/Optical+Recognition+of+Handwritten+Digits),
licensed under Creative Commons Attribution 4.0 (CC BY 4.0). minikeras ships
its writer-independent test part: 1,797 grayscale 8x8 images of the digits
0-9, each pixel an integer 0..16 (the number of "on" pixels in a 4x4 block of
a 32x32 bitmap). The file `minikeras/datasets/data/digits.csv.gz` is an
unmodified copy of the one scikit-learn ships (`sklearn/datasets/data/`);
scikit-learn is not a dependency. See `minikeras/datasets/data/README` for the
checksum and attribution.

Split: a fixed, stratified split of 1,437 training and 360 test images. The
images are shuffled with `numpy.random.RandomState(SEED).permutation` (whose
stream numpy guarantees stable across versions) and, for each class, the
first images of that class in the shuffled order go to the test set; how many
per class is the class's share of 360 (largest-remainder rounding, ties to the
lower class). Both sets keep the shuffled order. The split does not depend on,
or change, the global numpy random state, so every call returns the same
arrays.

Example::

    from minikeras.datasets import digits
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x_train.shape, y_train.shape   # (1437, 8, 8), (1437,)
    x_test.shape, y_test.shape     # (360, 8, 8), (360,)
"""
import gzip
import os

import numpy as np

#: Seed of the permutation that defines the train/test split.
SEED = 1797
#: Number of images in the whole dataset, the training set and the test set.
NUM_SAMPLES = 1797
NUM_TRAIN = 1437
NUM_TEST = 360
#: Number of classes (the digits 0-9) and the largest pixel value.
NUM_CLASSES = 10
MAX_PIXEL_VALUE = 16

DATA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'digits.csv.gz')


def _read_all():
    """All 1,797 images in file order: x uint8 (1797, 8, 8), y uint8 (1797,)."""
    if not os.path.exists(DATA_PATH):
        raise IOError('The bundled digits data file is missing: %s. Reinstall minikeras '
                      '(the file is package data under minikeras/datasets/data/).' % DATA_PATH)
    with gzip.open(DATA_PATH, 'rt') as f:
        table = np.loadtxt(f, delimiter=',', dtype=np.int64, ndmin=2)
    if table.shape != (NUM_SAMPLES, 65):
        raise ValueError('Corrupt digits data file %s: expected %d rows of 65 values, got shape %s.'
                         % (DATA_PATH, NUM_SAMPLES, table.shape))
    pixels, labels = table[:, :64], table[:, 64]
    if pixels.min() < 0 or pixels.max() > MAX_PIXEL_VALUE or labels.min() < 0 or labels.max() >= NUM_CLASSES:
        raise ValueError('Corrupt digits data file %s: values out of range.' % DATA_PATH)
    return pixels.reshape(-1, 8, 8).astype(np.uint8), labels.astype(np.uint8)


def _split_indices(y):
    """(train_idx, test_idx): the fixed stratified split described in the module docstring."""
    n = len(y)
    perm = np.random.RandomState(SEED).permutation(n)
    counts = np.bincount(y, minlength=NUM_CLASSES)
    quota = counts * float(NUM_TEST) / n
    per_class = np.floor(quota).astype(np.int64)
    leftover = NUM_TEST - int(per_class.sum())
    order = np.argsort(-(quota - per_class), kind='stable')
    per_class[order[:leftover]] += 1
    taken = np.zeros(NUM_CLASSES, dtype=np.int64)
    is_test = np.zeros(n, dtype=bool)
    for pos, index in enumerate(perm):
        c = y[index]
        if taken[c] < per_class[c]:
            taken[c] += 1
            is_test[pos] = True
    return perm[~is_test], perm[is_test]


def load_data():
    """Loads the bundled 8x8 digits dataset with its fixed train/test split.

    # Returns
        Tuple of numpy arrays: `(x_train, y_train), (x_test, y_test)`.
        `x_train` (1437, 8, 8) and `x_test` (360, 8, 8) are uint8 images with
        values 0..16; `y_train` (1437,) and `y_test` (360,) are uint8 labels
        0..9. Every class is in both sets, in proportion to its size. Each
        call reads the file afresh and returns new arrays, identical on every
        call.
    """
    x, y = _read_all()
    train_idx, test_idx = _split_indices(y)
    return (x[train_idx], y[train_idx]), (x[test_idx], y[test_idx])
