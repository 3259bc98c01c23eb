"""minikeras.datasets.digits: the bundled 8x8 digits and its fixed split."""
import gzip
import hashlib
import os

import numpy as np
import pytest

from minikeras.datasets import digits


@pytest.fixture(scope='module')
def data():
    return digits.load_data()


def test_shapes_and_split_sizes(data):
    (x_train, y_train), (x_test, y_test) = data
    assert x_train.shape == (1437, 8, 8)
    assert y_train.shape == (1437,)
    assert x_test.shape == (360, 8, 8)
    assert y_test.shape == (360,)
    assert digits.NUM_TRAIN + digits.NUM_TEST == digits.NUM_SAMPLES == 1797


def test_dtypes_and_value_ranges(data):
    (x_train, y_train), (x_test, y_test) = data
    for x in (x_train, x_test):
        assert x.dtype == np.uint8
        assert x.min() == 0 and x.max() == 16
    for y in (y_train, y_test):
        assert y.dtype == np.uint8
        assert y.min() == 0 and y.max() == 9


def test_every_class_in_both_sets_stratified(data):
    (_, y_train), (_, y_test) = data
    train_counts = np.bincount(y_train, minlength=10)
    test_counts = np.bincount(y_test, minlength=10)
    assert len(train_counts) == len(test_counts) == 10
    assert (train_counts > 0).all() and (test_counts > 0).all()
    # stratified: each class's test share is its share of 360, rounded
    total = train_counts + test_counts
    assert np.abs(test_counts - total * 360.0 / 1797).max() < 1
    assert total.sum() == 1797


def test_deterministic_and_independent_of_global_seed(data):
    (x_train, y_train), (x_test, y_test) = data
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    np.random.seed(0)
    (x_train2, y_train2), (x_test2, y_test2) = digits.load_data()
    assert np.array_equal(np.random.get_state()[1], before)  # global RNG untouched
    np.random.seed(12345)
    (x_train3, y_train3), (x_test3, y_test3) = digits.load_data()
    for a, b, c in ((x_train, x_train2, x_train3), (y_train, y_train2, y_train3),
                    (x_test, x_test2, x_test3), (y_test, y_test2, y_test3)):
        assert np.array_equal(a, b) and np.array_equal(a, c)
    # fresh arrays on each call: mutating one result does not leak into the next
    x_train2[0, 0, 0] = 99
    assert digits.load_data()[0][0][0, 0, 0] != 99


def test_split_is_a_partition_of_the_whole_file(data):
    (x_train, y_train), (x_test, y_test) = data
    x_all, y_all = digits._read_all()
    train_idx, test_idx = digits._split_indices(y_all)
    assert len(np.intersect1d(train_idx, test_idx)) == 0
    assert np.array_equal(np.sort(np.concatenate([train_idx, test_idx])), np.arange(1797))
    assert np.array_equal(x_all[train_idx], x_train) and np.array_equal(y_all[test_idx], y_test)
    # the split is shuffled, not file order
    assert not np.array_equal(train_idx, np.sort(train_idx))


def test_split_is_pinned(data):
    # Guards the documented split against accidental change (seed, algorithm).
    (x_train, y_train), (x_test, y_test) = data
    assert np.bincount(y_test, minlength=10).tolist() == [36, 37, 35, 37, 36, 36, 36, 36, 35, 36]
    digest = hashlib.sha256(y_train.tobytes() + y_test.tobytes() + x_test.tobytes()).hexdigest()
    assert digest == PINNED_DIGEST


def test_first_image_matches_file():
    x_all, y_all = digits._read_all()
    with gzip.open(digits.DATA_PATH, 'rt') as f:
        first = [int(float(v)) for v in f.readline().split(',')]
    assert x_all[0].ravel().tolist() == first[:64]
    assert y_all[0] == first[64] == 0


def test_shipped_file_is_small_and_documented():
    assert os.path.getsize(digits.DATA_PATH) < 100 * 1024
    readme = os.path.join(os.path.dirname(digits.DATA_PATH), 'README')
    with open(readme) as f:
        text = f.read()
    assert 'CC BY 4.0' in text and 'UCI' in text
    assert 'CC BY 4.0' in digits.__doc__


def test_package_exposes_digits():
    import minikeras.datasets as datasets
    assert datasets.digits is digits


PINNED_DIGEST = '25c6ea93e2e91d6d974e19b71fd75676634de05e48da945d556b0e74a5fedc28'
