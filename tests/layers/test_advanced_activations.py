"""Advanced activation layers: `layer_test` for each (shapes, numeric gradients, config
round trips) and every matching fixture, driven as the conformance checker does."""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras import layers
from minikeras.models import Model
from minikeras.utils.test_utils import layer_test
from keras2_fixtures import case_names, check_layer_fixture, load_case

CLASSES = {'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax', 'ReLU'}
CASES = [name for name in case_names('layers') if load_case('layers', name)[0]['class_name'] in CLASSES]


def test_cases_found():
    for name in ('leaky_relu', 'prelu', 'prelu_shared_axes', 'elu_layer', 'thresholded_relu',
                 'softmax_layer_axis1', 'relu_max_value', 'relu_negative_slope_threshold'):
        assert name in CASES


@pytest.mark.parametrize('name', CASES)
def test_activation_fixture(name):
    check_layer_fixture(name)


def _signed_data(shape, seed=0):
    """Values of both signs, kept away from the kinks at 0, 0.3, 0.5 and 1."""
    rng = np.random.RandomState(seed)
    data = rng.uniform(-3, 3, size=shape)
    for kink in (0.0, 0.3, 0.5, 1.0, 2.0):
        close = np.abs(data - kink) < 0.02
        data[close] += 0.05
    return data.astype('float32')


@pytest.mark.parametrize('layer_cls,kwargs,shape', [
    (layers.LeakyReLU, {}, (3, 4)),
    (layers.LeakyReLU, {'alpha': 0.1}, (3, 2, 4)),
    (layers.PReLU, {}, (3, 4)),
    (layers.PReLU, {'alpha_initializer': 'ones', 'alpha_regularizer': 'l2', 'alpha_constraint': 'non_neg'},
     (3, 4)),
    (layers.PReLU, {'alpha_initializer': 'random_uniform', 'shared_axes': [1, 2]}, (3, 2, 3, 4)),
    (layers.PReLU, {'alpha_initializer': 'random_uniform', 'shared_axes': 1}, (3, 2, 4)),
    (layers.ELU, {}, (3, 4)),
    (layers.ELU, {'alpha': 0.5}, (3, 2, 4)),
    (layers.ThresholdedReLU, {}, (3, 4)),
    (layers.ThresholdedReLU, {'theta': 0.5}, (3, 2, 4)),
    (layers.Softmax, {}, (3, 4)),
    (layers.Softmax, {'axis': 1}, (3, 2, 4)),
    (layers.ReLU, {}, (3, 4)),
    (layers.ReLU, {'max_value': 2.0}, (3, 4)),
    (layers.ReLU, {'max_value': 2.0, 'negative_slope': 0.2, 'threshold': 0.3}, (3, 2, 4)),
])
def test_layer_test(layer_cls, kwargs, shape):
    layer_test(layer_cls, kwargs=kwargs, input_data=_signed_data(shape))


def _run(layer, data):
    x = layers.Input(shape=data.shape[1:])
    return Model(x, layer(x)).predict(data)


def test_values_against_numpy():
    x = _signed_data((4, 5))
    np.testing.assert_allclose(_run(layers.LeakyReLU(), x), np.where(x > 0, x, 0.3 * x), rtol=1e-6)
    np.testing.assert_allclose(_run(layers.ELU(alpha=0.5), x), np.where(x > 0, x, 0.5 * (np.exp(x) - 1)),
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(_run(layers.ThresholdedReLU(), x), np.where(x > 1, x, 0), rtol=1e-6)
    e = np.exp(x - x.max(0, keepdims=True))
    np.testing.assert_allclose(_run(layers.Softmax(axis=0), x), e / e.sum(0, keepdims=True), rtol=1e-5)
    relu = np.where(x >= 0.3, np.minimum(x, 2.0), 0.2 * (x - 0.3))
    np.testing.assert_allclose(_run(layers.ReLU(max_value=2.0, negative_slope=0.2, threshold=0.3), x), relu,
                               rtol=1e-5, atol=1e-7)
    prelu = layers.PReLU(alpha_initializer='ones')
    out = _run(prelu, x)
    np.testing.assert_allclose(out, x, rtol=1e-6)


def test_prelu_weights_and_input_spec():
    layer = layers.PReLU(shared_axes=[1, 2])
    layer(layers.Input(shape=(5, 6, 3)))
    assert [K.int_shape(w) for w in layer.weights] == [(1, 1, 3)]
    assert layer.weights[0].name.endswith('alpha')
    assert layer.input_spec.axes == {3: 3}
    with pytest.raises(ValueError) as info:
        layer(layers.Input(shape=(5, 6, 4)))
    assert layer.name in str(info.value) and '(None, 5, 6, 4)' in str(info.value)
    reg = layers.PReLU(alpha_regularizer='l2')
    reg(layers.Input(shape=(3,)))
    assert len(reg.losses) == 1
    with pytest.raises(ValueError) as info:
        layers.PReLU(shared_axes=[3], name='bad_prelu')(layers.Input(shape=(4, 2)))
    assert 'bad_prelu' in str(info.value) and '(None, 4, 2)' in str(info.value)


def test_defaults_and_configs():
    assert layers.LeakyReLU().get_config()['alpha'] == pytest.approx(0.3)
    assert layers.ELU().get_config()['alpha'] == 1.0
    assert layers.ThresholdedReLU().get_config()['theta'] == 1.0
    assert layers.Softmax().get_config()['axis'] == -1
    relu = layers.ReLU().get_config()
    assert (relu['max_value'], relu['negative_slope'], relu['threshold']) == (None, 0.0, 0.0)
    prelu = layers.PReLU().get_config()
    assert prelu['alpha_initializer']['class_name'] == 'Zeros'
    assert prelu['alpha_regularizer'] is None and prelu['alpha_constraint'] is None
    assert prelu['shared_axes'] is None
    K.clear_session()
    assert layers.LeakyReLU().name == 'leaky_re_lu_1'
    assert layers.PReLU().name == 'p_re_lu_1'
    assert layers.PReLU().name == 'p_re_lu_2'


def test_relu_rejects_negative_arguments():
    with pytest.raises(ValueError, match='max_value'):
        layers.ReLU(max_value=-1.)
    with pytest.raises(ValueError, match='negative_slope'):
        layers.ReLU(negative_slope=-0.1)


def test_masks_pass_through():
    x = layers.Input(shape=(3, 2))
    masked = layers.Masking(0.)(x)
    for layer in (layers.LeakyReLU(), layers.PReLU(), layers.ELU(), layers.ThresholdedReLU(), layers.Softmax(),
                  layers.ReLU()):
        out = layer(masked)
        assert layer.get_output_mask_at(0) is not None, type(layer).__name__
        assert K.int_shape(out) == (None, 3, 2)
