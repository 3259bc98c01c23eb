"""The public `layer_test` helper: it passes for every core layer and catches broken layers."""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras import layers
from minikeras.engine.base_layer import Layer
from minikeras.utils.test_utils import check_layer_gradients, layer_test

CORE_CASES = [
    (layers.Dense, {'units': 3}, (3, 2)),
    (layers.Dense, {'units': 3, 'activation': 'tanh', 'use_bias': False}, (3, 4, 2)),
    (layers.Dense, {'units': 2, 'kernel_regularizer': 'l2', 'activity_regularizer': 'l1',
                    'kernel_constraint': 'max_norm'}, (3, 2)),
    (layers.Activation, {'activation': 'softmax'}, (3, 2, 4)),
    (layers.Activation, {'activation': 'relu'}, (3, 5)),
    (layers.Dropout, {'rate': 0.5}, (3, 2)),
    (layers.Dropout, {'rate': 0.5, 'noise_shape': [None, 1]}, (3, 2)),
    (layers.SpatialDropout1D, {'rate': 0.5}, (2, 3, 4)),
    (layers.SpatialDropout2D, {'rate': 0.5}, (2, 3, 4, 5)),
    (layers.SpatialDropout2D, {'rate': 0.5, 'data_format': 'channels_first'}, (2, 3, 4, 5)),
    (layers.SpatialDropout3D, {'rate': 0.5}, (2, 3, 4, 4, 5)),
    (layers.Flatten, {}, (3, 2, 4)),
    (layers.Flatten, {'data_format': 'channels_first'}, (3, 2, 4, 5)),
    (layers.Reshape, {'target_shape': (8, 1)}, (3, 2, 4)),
    (layers.Reshape, {'target_shape': (-1, 1)}, (3, 2, 4)),
    (layers.Reshape, {'target_shape': (-1, 2)}, (None, None, 2)),
    (layers.Permute, {'dims': (2, 1)}, (3, 2, 4)),
    (layers.Permute, {'dims': (3, 1, 2)}, (3, 2, 4, 5)),
    (layers.RepeatVector, {'n': 3}, (3, 2)),
    (layers.Lambda, {'function': lambda x: x ** 2}, (3, 2)),
    (layers.Lambda, {'function': lambda x, k: x * k, 'arguments': {'k': 3.}, 'output_shape': (2,)}, (3, 2)),
    (layers.ActivityRegularization, {'l1': 0.1, 'l2': 0.1}, (3, 2)),
    (layers.Masking, {'mask_value': 0.}, (3, 2, 3)),
]


@pytest.mark.parametrize('layer_cls,kwargs,input_shape', CORE_CASES,
                         ids=['%s-%d' % (c[0].__name__, i) for i, c in enumerate(CORE_CASES)])
def test_core_layers(layer_cls, kwargs, input_shape):
    out = layer_test(layer_cls, kwargs=kwargs, input_shape=input_shape)
    assert isinstance(out, np.ndarray)


def test_expected_output_checked():
    x = np.arange(6, dtype='float32').reshape(3, 2)
    layer_test(layers.Reshape, kwargs={'target_shape': (2, 1)}, input_data=x, expected_output=x.reshape(3, 2, 1))
    with pytest.raises(AssertionError):
        layer_test(layers.Reshape, kwargs={'target_shape': (2, 1)}, input_data=x,
                   expected_output=x.reshape(3, 2, 1) + 1)


def test_fixed_batch_size_and_dtype():
    out = layer_test(layers.Dense, kwargs={'units': 2}, input_shape=(4, 3), fixed_batch_size=True)
    assert out.shape == (4, 2)
    with pytest.raises(AssertionError):
        layer_test(layers.Dense, kwargs={'units': 2}, input_shape=(4, 3), expected_output_dtype='float64')


class WrongGradient(Layer):
    """x * w whose gradient is deliberately wrong (stop_gradient on half of it)."""

    def build(self, input_shape):
        self.w = self.add_weight(name='w', shape=(input_shape[-1],), initializer='ones')
        self.built = True

    def call(self, inputs):
        return inputs * self.w + K.stop_gradient(inputs * self.w)


class WrongShape(Layer):
    def compute_output_shape(self, input_shape):
        return input_shape[:-1] + (input_shape[-1] + 1,)


class NoFromConfig(Layer):
    def __init__(self, factor, **kwargs):
        super(NoFromConfig, self).__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor


def test_gradient_check_catches_wrong_gradient():
    with pytest.raises(AssertionError, match='gradient check failed'):
        layer_test(WrongGradient, input_shape=(3, 2))


def test_gradient_check_passes_for_correct_custom_layer():
    x = np.random.rand(2, 3)
    check_layer_gradients(layers.Dense, layers.Dense(4, activation='sigmoid').get_config(), x,
                          [np.random.rand(3, 4), np.random.rand(4)])


def test_shape_check_catches_wrong_compute_output_shape():
    with pytest.raises(AssertionError, match='compute_output_shape'):
        layer_test(WrongShape, input_shape=(3, 2))


def test_config_round_trip_is_checked():
    with pytest.raises(TypeError):
        layer_test(NoFromConfig, kwargs={'factor': 2.}, input_shape=(3, 2))


# --- several inputs ------------------------------------------------------------------

class WrongSecondInputGradient(Layer):
    """a + b whose gradient w.r.t. `b` is cut in half."""

    def call(self, inputs):
        a, b = inputs
        return a + 0.5 * b + 0.5 * K.stop_gradient(b)

    def compute_output_shape(self, input_shape):
        return input_shape[0]


@pytest.mark.parametrize('layer_cls,kwargs', [(layers.Add, {}), (layers.Concatenate, {'axis': 1}),
                                              (layers.Dot, {'axes': 1})])
def test_several_inputs_from_shapes(layer_cls, kwargs):
    out = layer_test(layer_cls, kwargs=kwargs, input_shape=[(None, 3), (None, 3)])
    assert out.ndim == 2
    out = layer_test(layer_cls, kwargs=kwargs, input_shape=[(4, 3), (4, 3)], input_dtype=['float64', 'float64'],
                     fixed_batch_size=True)
    assert out.shape[0] == 4 and out.dtype == np.float64


def test_several_inputs_from_data_returns_functional_output():
    a, b = np.random.rand(3, 2).astype('float32'), np.random.rand(3, 2).astype('float32')
    out = layer_test(layers.Subtract, input_data=[a, b], expected_output=a - b)
    np.testing.assert_allclose(out, a - b, rtol=1e-6)
    with pytest.raises(AssertionError, match='Subtract output'):
        layer_test(layers.Subtract, input_data=[a, b], expected_output=a + b)


def test_several_inputs_gradient_check_names_the_input():
    with pytest.raises(AssertionError, match='gradient check failed for input 1'):
        layer_test(WrongSecondInputGradient, input_shape=[(3, 2), (3, 2)])


def test_several_inputs_shape_check():
    class BadConcat(layers.Concatenate):
        def compute_output_shape(self, input_shape):
            return input_shape[0]

    with pytest.raises(AssertionError, match='compute_output_shape'):
        layer_test(BadConcat, input_shape=[(3, 2), (3, 2)])


def test_mismatched_input_lists():
    with pytest.raises(ValueError, match='2 input arrays, 3 input shapes'):
        layer_test(layers.Add, input_data=[np.ones((2, 3))] * 2, input_shape=[(2, 3)] * 3)
    with pytest.raises(ValueError, match='1 input dtypes for 2 input shapes'):
        layer_test(layers.Add, input_shape=[(2, 3)] * 2, input_dtype=['float32'])


# --- construction with weights= -------------------------------------------------------

class DropsInitialWeights(layers.Dense):
    """A Dense that takes `weights` through **kwargs but never uses it."""

    def __init__(self, units, **kwargs):
        kwargs.pop('weights', None)
        super(DropsInitialWeights, self).__init__(units, **kwargs)


def test_construction_with_weights_is_checked_for_kwargs_layers():
    layer_test(layers.Dense, kwargs={'units': 2}, input_shape=(3, 4))  # takes `weights` through **kwargs
    with pytest.raises(AssertionError, match='after construction with weights='):
        layer_test(DropsInitialWeights, kwargs={'units': 2}, input_shape=(3, 4))


def test_given_weights_are_kept_and_checked():
    kernel, bias = np.arange(8, dtype='float32').reshape(4, 2), np.array([1., -1.], 'float32')
    x = np.random.rand(3, 4).astype('float32')
    out = layer_test(layers.Dense, kwargs={'units': 2, 'weights': [kernel, bias]}, input_data=x,
                     expected_output=x.dot(kernel) + bias)
    np.testing.assert_allclose(out, x.dot(kernel) + bias, rtol=1e-5)
