"""The deprecated Keras 1 layers Keras 2.2.4 still ships: Highway, MaxoutDense, Atrous*, Recurrent bases."""
import warnings

import numpy as np
import pytest

from minikeras import backend as K
from minikeras import constraints, regularizers
from minikeras.layers import Conv1D, Conv2D, Input
from minikeras.legacy import layers as legacy_layers
from minikeras.models import Model, Sequential
from minikeras.utils.test_utils import layer_test

pytestmark = pytest.mark.filterwarnings('ignore:The `')


def test_highway_layer_test_and_formula():
    layer_test(legacy_layers.Highway, kwargs={}, input_shape=(3, 2))
    layer_test(legacy_layers.Highway, kwargs={'activation': 'tanh', 'W_regularizer': regularizers.l2(0.01),
                                              'b_regularizer': regularizers.l1(0.01),
                                              'W_constraint': constraints.MaxNorm(1)}, input_shape=(3, 2))
    rng = np.random.RandomState(0)
    w, wc, b, bc = rng.randn(2, 2), rng.randn(2, 2), rng.randn(2), rng.randn(2)
    layer = legacy_layers.Highway(activation='tanh', weights=[w, wc, b, bc], input_dim=2)
    x = rng.randn(4, 2).astype('float32')
    out = Sequential([layer]).predict(x)
    gate = 1 / (1 + np.exp(-(x.dot(wc) + bc)))
    np.testing.assert_allclose(out, np.tanh(x.dot(w) + b) * gate + (1 - gate) * x, rtol=1e-5, atol=1e-6)
    assert [v.name.split('/')[-1] for v in layer.weights] == ['W', 'W_carry', 'b', 'b_carry']


def test_maxout_dense_layer_test_and_formula():
    layer_test(legacy_layers.MaxoutDense, kwargs={'output_dim': 3}, input_shape=(3, 2))
    layer_test(legacy_layers.MaxoutDense, kwargs={'output_dim': 3, 'bias': False}, input_shape=(3, 2))
    rng = np.random.RandomState(1)
    w, b = rng.randn(4, 2, 3), rng.randn(4, 3)
    layer = legacy_layers.MaxoutDense(3, weights=[w, b], input_dim=2)
    x = rng.randn(5, 2).astype('float32')
    expected = (np.einsum('ni,fio->nfo', x, w) + b).max(axis=1)
    np.testing.assert_allclose(Sequential([layer]).predict(x), expected, rtol=1e-5, atol=1e-6)


def test_highway_rejects_non_2d_inputs():
    with pytest.raises(ValueError, match='ndim=2'):
        legacy_layers.Highway()(Input((3, 2)))


def test_atrous_convolutions_are_dilated_convolutions():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        layer = legacy_layers.AtrousConvolution2D(4, (3, 3), atrous_rate=(2, 2))
    assert type(layer) is Conv2D and layer.dilation_rate == (2, 2)
    assert any('deprecated' in str(w.message) for w in caught)
    layer = legacy_layers.AtrousConvolution1D(4, 3)
    assert type(layer) is Conv1D and layer.dilation_rate == (1,)


class MinimalRNN(legacy_layers.Recurrent):
    """A Keras 2.0-style recurrent layer: h_t = tanh(x_t W + h_{t-1} U)."""

    def __init__(self, units, **kwargs):
        super(MinimalRNN, self).__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        if isinstance(input_shape, list):  # called with initial states
            input_shape = input_shape[0]
        self.input_spec[0].shape = (input_shape[0], None, input_shape[2])
        self.states = [None]
        if self.stateful:
            self.reset_states()
        self.kernel = self.add_weight(name='kernel', shape=(input_shape[2], self.units), initializer='uniform')
        self.recurrent_kernel = self.add_weight(name='recurrent_kernel', shape=(self.units, self.units),
                                                initializer='uniform')
        self.built = True

    def step(self, inputs, states):
        h = K.tanh(K.dot(inputs, self.kernel) + K.dot(states[0], self.recurrent_kernel))
        return h, [h]

    def get_config(self):
        config = super(MinimalRNN, self).get_config()
        config['units'] = self.units
        return config


def _reference(x, w, u, h0=None):
    h = np.zeros((x.shape[0], w.shape[1])) if h0 is None else h0
    outs = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t].dot(w) + h.dot(u))
        outs.append(h)
    return np.stack(outs, 1)


def test_recurrent_base_runs_a_step_subclass():
    x = np.random.RandomState(2).randn(3, 4, 2).astype('float32')
    inputs = Input((4, 2))
    layer = MinimalRNN(5, return_sequences=True)
    model = Model(inputs, layer(inputs))
    w, u = K.get_value(layer.kernel), K.get_value(layer.recurrent_kernel)
    np.testing.assert_allclose(model.predict(x), _reference(x, w, u), rtol=1e-5, atol=1e-6)
    last = Model(inputs, MinimalRNN(5)(inputs))
    assert last.output_shape == (None, 5)
    model.compile('sgd', 'mse')
    model.fit(x, np.zeros((3, 4, 5)), epochs=1, verbose=0)


def test_recurrent_base_initial_state_and_return_state():
    x = np.random.RandomState(3).randn(2, 3, 2).astype('float32')
    h0 = np.random.RandomState(4).randn(2, 5).astype('float32')
    inputs, state = Input((3, 2)), Input((5,))
    layer = MinimalRNN(5, return_sequences=True, return_state=True)
    seq, last = layer(inputs, initial_state=[state])
    model = Model([inputs, state], [seq, last])
    out_seq, out_last = model.predict([x, h0])
    expected = _reference(x, K.get_value(layer.kernel), K.get_value(layer.recurrent_kernel), h0)
    np.testing.assert_allclose(out_seq, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out_last, expected[:, -1], rtol=1e-5, atol=1e-6)


def test_recurrent_base_stateful_and_reset_states():
    layer = MinimalRNN(2, stateful=True)
    inputs = Input(batch_shape=(1, 3, 2))
    model = Model(inputs, layer(inputs))
    x = np.ones((1, 3, 2), 'float32')
    first = model.predict(x)
    assert not np.allclose(model.predict(x), first)  # the state carried over
    layer.reset_states()
    np.testing.assert_allclose(model.predict(x), first, rtol=1e-6)
    with pytest.raises(ValueError, match='expected shape'):
        layer.reset_states([np.zeros((2, 2))])
    with pytest.raises(AttributeError, match='stateful'):
        MinimalRNN(2).reset_states()


def test_conv_recurrent_2d_output_shapes():
    layer = legacy_layers.ConvRecurrent2D(6, (3, 3), padding='valid', return_sequences=True)
    layer.states = [None, None]
    assert layer.compute_output_shape((None, 4, 10, 12, 3)) == (None, 4, 8, 10, 6)
    layer = legacy_layers.ConvRecurrent2D(6, 3, data_format='channels_first', strides=2, padding='same')
    layer.states = [None, None]
    assert layer.compute_output_shape((None, 4, 3, 10, 12)) == (None, 6, 5, 6)
    assert layer.get_config()['kernel_size'] == (3, 3)
