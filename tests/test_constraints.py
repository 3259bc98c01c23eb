"""Tests of minikeras.constraints: effects on weights, registry, errors."""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras import constraints

EPS = 1e-7


def _apply(constraint, w):
    return K.eval(constraint(K.constant(np.asarray(w, 'float32'))))


def _col_norms(w, axis=0):
    return np.sqrt((np.asarray(w, np.float64) ** 2).sum(axis=axis))


def test_max_norm():
    w = np.random.randn(6, 5).astype('float32') * 3
    w[:, 0] *= 0.01  # a column inside the bound stays (almost) unchanged
    out = _apply(constraints.MaxNorm(max_value=2.), w)
    assert np.all(_col_norms(out) <= 2. + 1e-5)
    np.testing.assert_allclose(out[:, 0], w[:, 0], rtol=1e-4)
    big = _col_norms(w) > 2
    np.testing.assert_allclose(_col_norms(out)[big], 2., rtol=1e-5)
    out1 = _apply(constraints.max_norm(1., axis=1), w)
    assert np.all(_col_norms(out1, axis=1) <= 1. + 1e-5)


def test_max_norm_conv_axes():
    w = np.random.randn(3, 3, 4, 2).astype('float32')
    out = _apply(constraints.MaxNorm(1., axis=[0, 1, 2]), w)
    norms = np.sqrt((out.astype(np.float64) ** 2).sum(axis=(0, 1, 2)))
    np.testing.assert_allclose(norms, np.minimum(1., np.sqrt((w ** 2).sum(axis=(0, 1, 2)))), rtol=1e-5)


def test_non_neg():
    w = np.array([[-1., 2.], [0., -0.5]], 'float32')
    np.testing.assert_array_equal(_apply(constraints.NonNeg(), w), np.maximum(w, 0))


def test_unit_norm():
    w = np.random.randn(4, 3).astype('float32')
    np.testing.assert_allclose(_col_norms(_apply(constraints.UnitNorm(), w)), 1., rtol=1e-5)
    np.testing.assert_allclose(_col_norms(_apply(constraints.unit_norm(axis=1), w), axis=1), 1., rtol=1e-5)


def test_min_max_norm():
    w = np.random.randn(8, 6).astype('float32')
    w[:, :2] *= 0.01
    w[:, 2:4] *= 10
    out = _apply(constraints.MinMaxNorm(min_value=0.5, max_value=1.5), w)
    norms = _col_norms(out)
    assert np.all(norms >= 0.5 - 1e-4) and np.all(norms <= 1.5 + 1e-4)
    half = _apply(constraints.MinMaxNorm(min_value=0.5, max_value=1.5, rate=0.5), w)
    n0 = _col_norms(w)
    expected = 0.5 * np.clip(n0, 0.5, 1.5) + 0.5 * n0
    np.testing.assert_allclose(_col_norms(half), expected * n0 / (EPS + n0), rtol=1e-4)


def test_constraint_on_variable_in_function():
    w = K.variable(np.array([[3.], [4.]]))
    f = K.function([], [], updates=[K.update(w, constraints.MaxNorm(1.)(w))])
    f([])
    np.testing.assert_allclose(K.get_value(w), [[0.6], [0.8]], rtol=1e-5)


@pytest.mark.parametrize('c', [constraints.MaxNorm(3., axis=1), constraints.NonNeg(),
                               constraints.UnitNorm(axis=[0, 1]),
                               constraints.MinMaxNorm(0.2, 0.9, 0.7, axis=0)])
def test_serialize_round_trip(c):
    config = constraints.serialize(c)
    clone = constraints.deserialize(config)
    assert type(clone) is type(c)
    assert clone.get_config() == c.get_config()


def test_aliases_and_strings():
    for name, cls in [('max_norm', constraints.MaxNorm), ('maxnorm', constraints.MaxNorm),
                      ('non_neg', constraints.NonNeg), ('nonneg', constraints.NonNeg),
                      ('unit_norm', constraints.UnitNorm), ('unitnorm', constraints.UnitNorm),
                      ('min_max_norm', constraints.MinMaxNorm), ('MaxNorm', constraints.MaxNorm)]:
        assert isinstance(constraints.get(name), cls), name
    assert constraints.get(None) is None


def test_custom_and_errors():
    def clip_weights(w):
        return K.clip(w, -1., 1.)

    assert constraints.get(clip_weights) is clip_weights
    with pytest.raises(ValueError, match='max_normal'):
        constraints.get('max_normal')
    with pytest.raises(ValueError, match='Could not interpret'):
        constraints.get(1)
