"""Tests of minikeras.regularizers: penalty values, registry, errors."""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras import regularizers

W = np.array([[1., -2.], [0.5, -0.25]], 'float32')


def _penalty(reg, w=W):
    return float(K.eval(reg(K.constant(w))))


def test_values():
    np.testing.assert_allclose(_penalty(regularizers.l1(0.1)), 0.1 * np.abs(W).sum(), rtol=1e-6)
    np.testing.assert_allclose(_penalty(regularizers.l2(0.3)), 0.3 * (W ** 2).sum(), rtol=1e-6)
    np.testing.assert_allclose(_penalty(regularizers.l1_l2(l1=0.1, l2=0.2)),
                               0.1 * np.abs(W).sum() + 0.2 * (W ** 2).sum(), rtol=1e-6)
    assert _penalty(regularizers.L1L2()) == 0.
    assert _penalty(regularizers.Regularizer()) == 0.
    np.testing.assert_allclose(_penalty(regularizers.L1(0.5)), 0.5 * np.abs(W).sum(), rtol=1e-6)
    np.testing.assert_allclose(_penalty(regularizers.L2()), 0.01 * (W ** 2).sum(), rtol=1e-6)


def test_penalty_is_differentiable():
    w = K.variable(W)
    grad = K.eval(K.gradients(regularizers.l1_l2(0.1, 0.2)(w), [w])[0])
    np.testing.assert_allclose(grad, 0.1 * np.sign(W) + 0.4 * W, rtol=1e-6)


def test_defaults_from_strings():
    for name, l1, l2 in [('l1', 0.01, 0.), ('l2', 0., 0.01), ('l1_l2', 0.01, 0.01), ('L1L2', 0., 0.),
                         ('L1', 0.01, 0.), ('L2', 0., 0.01)]:
        reg = regularizers.get(name)
        assert np.isclose(float(reg.l1), l1) and np.isclose(float(reg.l2), l2), name


@pytest.mark.parametrize('reg', [regularizers.l1(0.3), regularizers.l2(0.2), regularizers.l1_l2(0.1, 0.4),
                                 regularizers.L1(0.5), regularizers.L2(0.25)])
def test_serialize_round_trip(reg):
    config = regularizers.serialize(reg)
    clone = regularizers.deserialize(config)
    assert type(clone) is type(reg)
    assert clone.get_config() == reg.get_config()
    assert _penalty(clone) == pytest.approx(_penalty(reg))


def test_keras2_config_format():
    assert regularizers.serialize(regularizers.l2(0.5)) == {'class_name': 'L1L2',
                                                            'config': {'l1': 0.0, 'l2': 0.5}}
    reg = regularizers.get({'class_name': 'L2', 'config': {'l2': 0.009999999776482582}})
    assert isinstance(reg, regularizers.L2)


def test_custom_callable_and_errors():
    def my_regularizer(w):
        return 0.5 * K.sum(K.abs(w))

    assert regularizers.get(my_regularizer) is my_regularizer
    assert regularizers.get(None) is None
    assert regularizers.deserialize('my_regularizer', custom_objects={'my_regularizer': my_regularizer}) \
        is my_regularizer
    with pytest.raises(ValueError, match='l3'):
        regularizers.get('l3')
    with pytest.raises(ValueError, match='Could not interpret'):
        regularizers.get(0.1)
