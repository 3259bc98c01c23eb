"""Tests of minikeras.activations: fixtures, formulas, registry and errors."""
import numpy as np
import pytest

from keras2_fixtures import assert_close, case_names, load_case
from minikeras import activations
from minikeras import backend as K

ACTIVATION_CASES = [n for n in case_names('layers') if n.startswith('activation_')]


def test_every_keras2_activation_has_a_fixture():
    names = sorted(n[len('activation_'):] for n in ACTIVATION_CASES)
    assert names == sorted(activations._ACTIVATIONS)


@pytest.mark.parametrize('case', ACTIVATION_CASES)
def test_activation_fixture(case):
    meta, arrays = load_case('layers', case)
    fn = activations.get(meta['config']['activation'])
    out = K.eval(fn(K.constant(arrays['x0'])))
    assert_close(out, arrays['y'], meta['tol'], what=case)


def _eval(fn, x, **kwargs):
    return K.eval(fn(K.constant(np.asarray(x, 'float32')), **kwargs))


def test_formulas_against_numpy():
    x = np.linspace(-4, 4, 17).reshape(1, 17).astype('float32')
    np.testing.assert_allclose(_eval(activations.elu, x, alpha=0.5), np.where(x > 0, x, 0.5 * np.expm1(x)),
                               rtol=1e-6, atol=1e-6)
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    np.testing.assert_allclose(_eval(activations.selu, x), scale * np.where(x > 0, x, alpha * np.expm1(x)),
                               rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(_eval(activations.softplus, x), np.log1p(np.exp(x)), rtol=1e-6)
    np.testing.assert_allclose(_eval(activations.softsign, x), x / (1 + np.abs(x)), rtol=1e-6)
    np.testing.assert_allclose(_eval(activations.hard_sigmoid, x), np.clip(0.2 * x + 0.5, 0, 1), atol=1e-7)
    np.testing.assert_allclose(_eval(activations.exponential, x), np.exp(x), rtol=1e-6)
    np.testing.assert_allclose(_eval(activations.sigmoid, x), 1 / (1 + np.exp(-x)), rtol=1e-6)
    np.testing.assert_allclose(_eval(activations.tanh, x), np.tanh(x), rtol=1e-6)
    np.testing.assert_array_equal(_eval(activations.linear, x), x)


def test_relu_options():
    x = np.array([[-2., -0.5, 0., 0.5, 1., 3.]], 'float32')
    np.testing.assert_allclose(_eval(activations.relu, x), np.maximum(x, 0))
    np.testing.assert_allclose(_eval(activations.relu, x, alpha=0.1), np.where(x > 0, x, 0.1 * x), atol=1e-7)
    np.testing.assert_allclose(_eval(activations.relu, x, max_value=1.), np.clip(x, 0, 1))
    expected = np.where(x > 0.5, x, 0.2 * (x - 0.5))
    np.testing.assert_allclose(_eval(activations.relu, x, alpha=0.2, threshold=0.5), expected, atol=1e-7)


def test_softmax_axes_and_rank():
    x = np.random.randn(2, 3, 4).astype('float32')
    out = _eval(activations.softmax, x)
    e = np.exp(x - x.max(-1, keepdims=True))
    np.testing.assert_allclose(out, e / e.sum(-1, keepdims=True), rtol=1e-5)
    out1 = _eval(activations.softmax, x, axis=1)
    e = np.exp(x - x.max(1, keepdims=True))
    np.testing.assert_allclose(out1, e / e.sum(1, keepdims=True), rtol=1e-5)
    with pytest.raises(ValueError, match='1D'):
        activations.softmax(K.constant(np.ones(3, 'float32')))


def test_get_and_serialize():
    assert activations.get(None) is activations.linear
    assert activations.get('relu') is activations.relu
    assert activations.get(activations.tanh) is activations.tanh
    for name in activations._ACTIVATIONS:
        fn = activations.get(name)
        assert activations.serialize(fn) == name
        assert activations.deserialize(activations.serialize(fn)) is fn

    def my_act(x):
        return x * 2.

    assert activations.deserialize('my_act', custom_objects={'my_act': my_act}) is my_act
    assert activations.serialize(my_act) == 'my_act'


def test_unknown_name_raises_naming_it():
    with pytest.raises(ValueError, match='not_an_activation'):
        activations.get('not_an_activation')
    with pytest.raises(ValueError, match='Could not interpret'):
        activations.get(42)
