"""minikeras.utils.np_utils: to_categorical and normalize (Keras 2 semantics)."""
import numpy as np
import pytest

from minikeras import utils
from minikeras.utils import normalize, to_categorical
from minikeras.utils import np_utils


def test_exported_from_utils():
    assert utils.to_categorical is np_utils.to_categorical
    assert utils.normalize is np_utils.normalize


def test_to_categorical_basic():
    out = to_categorical([0, 2, 1], num_classes=3)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[1, 0, 0], [0, 0, 1], [0, 1, 0]])


def test_to_categorical_infers_num_classes():
    out = to_categorical(np.array([3, 0, 1]))
    assert out.shape == (3, 4)
    np.testing.assert_array_equal(out.argmax(-1), [3, 0, 1])
    assert out.sum() == 3


@pytest.mark.parametrize('shape, expected', [
    ((6,), (6, 5)),
    ((6, 1), (6, 5)),       # trailing axis of 1 dropped, as in Keras 2
    ((2, 3), (2, 3, 5)),
    ((2, 3, 1), (2, 3, 5)),
    ((1,), (1, 5)),
])
def test_to_categorical_shapes(shape, expected):
    labels = np.arange(int(np.prod(shape))) % 5
    y = labels.reshape(shape)
    out = to_categorical(y, 5)
    assert out.shape == expected
    np.testing.assert_array_equal(out.reshape(-1, 5).argmax(-1), labels)


def test_to_categorical_dtype_and_input_kinds():
    assert to_categorical([1, 0], 2, dtype='int32').dtype == np.int32
    assert to_categorical(np.array([1, 0], dtype=np.uint8), 2).dtype == np.float32
    np.testing.assert_array_equal(to_categorical([1.0, 0.0], 2), [[0, 1], [1, 0]])
    np.testing.assert_array_equal(to_categorical(np.array([True, False])), [[0, 1], [1, 0]])


def test_to_categorical_empty_with_num_classes():
    out = to_categorical(np.zeros((0,), dtype=int), num_classes=4)
    assert out.shape == (0, 4)


def test_to_categorical_label_too_large_names_value_and_num_classes():
    with pytest.raises(ValueError) as e:
        to_categorical([0, 7, 2], num_classes=5)
    msg = str(e.value)
    assert '7' in msg and 'num_classes=5' in msg


def test_to_categorical_negative_label():
    with pytest.raises(ValueError, match='-1'):
        to_categorical([0, -1, 2], num_classes=3)


def test_to_categorical_non_integer_labels():
    with pytest.raises(ValueError, match='1.5'):
        to_categorical([0, 1.5], num_classes=3)
    with pytest.raises(ValueError, match='integer'):
        to_categorical([0, np.nan], num_classes=3)
    with pytest.raises(ValueError, match='integer'):
        to_categorical(['a', 'b'])


@pytest.mark.parametrize('bad', [0, -2, 2.5, True])
def test_to_categorical_bad_num_classes(bad):
    with pytest.raises(ValueError, match='num_classes'):
        to_categorical([0], num_classes=bad)


def test_to_categorical_empty_without_num_classes():
    with pytest.raises(ValueError, match='num_classes'):
        to_categorical([])


def test_normalize_l2_last_axis():
    x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]])
    out = normalize(x)
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0], [1.0, 0.0]])
    np.testing.assert_array_equal(x, [[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]])  # input untouched


def test_normalize_axis_and_order():
    rng = np.random.RandomState(0)
    x = rng.randn(4, 3, 5)
    for axis in (0, 1, 2, -1, -2):
        out = normalize(x, axis=axis)
        np.testing.assert_allclose(np.linalg.norm(out, axis=axis), 1.0, rtol=1e-6)
    out = normalize(x, axis=1, order=1)
    np.testing.assert_allclose(np.abs(out).sum(axis=1), 1.0, rtol=1e-6)


def test_normalize_1d_and_integer_input():
    np.testing.assert_allclose(normalize([3, 4]), [[0.6, 0.8]])  # Keras 2: atleast_1d norm keeps a leading axis
    np.testing.assert_allclose(normalize(np.array([[3, 4]])), [[0.6, 0.8]])


def test_normalize_errors():
    with pytest.raises(ValueError, match='axis=2'):
        normalize(np.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match='scalar'):
        normalize(np.float64(3.0))
