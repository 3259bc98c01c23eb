"""Locally-connected layers: the public fixtures (driven as the conformance
checker does), `layer_test`, a per-position numpy reference for both data
formats, weight shapes, configs (tf_keras `implementation` accepted) and errors."""
import numpy as np
import pytest

from minikeras import layers
from minikeras.models import Model, Sequential
from minikeras.utils.test_utils import layer_test
from keras2_fixtures import case_names, check_layer_fixture, load_case

CASES = [name for name in case_names('layers')
         if load_case('layers', name)[0]['class_name'] in ('LocallyConnected1D', 'LocallyConnected2D')]


def test_cases_found():
    assert CASES == ['locally_connected1d', 'locally_connected2d'] or len(CASES) >= 2


@pytest.mark.parametrize('name', CASES)
def test_fixture(name):
    meta, arrays, layer, model = check_layer_fixture(name)
    assert [w.shape for w in layer.get_weights()] == [tuple(s) for s in meta['weight_shapes']]


@pytest.mark.parametrize('cls, kwargs, shape', [
    (layers.LocallyConnected1D, {'filters': 3, 'kernel_size': 2}, (2, 5, 3)),
    (layers.LocallyConnected1D, {'filters': 2, 'kernel_size': 3, 'strides': 2, 'activation': 'tanh',
                                 'data_format': 'channels_first'}, (2, 3, 7)),
    (layers.LocallyConnected1D, {'filters': 2, 'kernel_size': 2, 'use_bias': False, 'kernel_regularizer': 'l2'},
     (2, 4, 2)),
    (layers.LocallyConnected2D, {'filters': 2, 'kernel_size': (2, 3)}, (2, 4, 5, 2)),
    (layers.LocallyConnected2D, {'filters': 2, 'kernel_size': 2, 'strides': 2, 'data_format': 'channels_first'},
     (2, 3, 4, 5)),
])
def test_layer_test(cls, kwargs, shape):
    layer_test(cls, kwargs=kwargs, input_shape=shape)


def _lc2d_ref(x, kernel, bias, ksize, strides, channels_first):
    if channels_first:
        x = x.transpose(0, 2, 3, 1)
    rows = (x.shape[1] - ksize[0]) // strides[0] + 1
    cols = (x.shape[2] - ksize[1]) // strides[1] + 1
    y = np.zeros((x.shape[0], rows, cols, kernel.shape[-1]))
    for i in range(rows):
        for j in range(cols):
            patch = x[:, i * strides[0]:i * strides[0] + ksize[0], j * strides[1]:j * strides[1] + ksize[1]]
            if channels_first:
                patch = patch.transpose(0, 3, 1, 2)  # features ordered (channel, row, col)
            y[:, i, j] = patch.reshape(x.shape[0], -1) @ kernel[i * cols + j]
    if channels_first:
        # Keras reshapes (not transposes) the (rows, cols, filters) bias to (filters, rows, cols).
        return y.transpose(0, 3, 1, 2) + bias.reshape(1, bias.shape[-1], rows, cols)
    return y + bias


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_locally_connected_2d_reference(data_format):
    rng = np.random.RandomState(0)
    shape = (2, 3, 5, 6) if data_format == 'channels_first' else (2, 5, 6, 3)
    x = rng.randn(*shape).astype('float32')
    layer = layers.LocallyConnected2D(4, (2, 3), strides=(1, 2), data_format=data_format,
                                      bias_initializer='random_normal')
    inp = layers.Input(shape[1:])
    y = Model(inp, layer(inp)).predict(x)
    kernel, bias = layer.get_weights()
    assert kernel.shape == (4 * 2, 2 * 3 * 3, 4) and bias.shape == (4, 2, 4)
    np.testing.assert_allclose(y, _lc2d_ref(x, kernel, bias, (2, 3), (1, 2), data_format == 'channels_first'),
                               rtol=1e-4, atol=1e-5)


def test_locally_connected_1d_channels_first_bias_is_reshaped_as_keras():
    """tf_keras/Keras 2.2 values for a channels_first LocallyConnected1D (bias reshaped, not transposed)."""
    layer = layers.LocallyConnected1D(2, 1, data_format='channels_first', kernel_initializer='ones')
    inp = layers.Input((1, 3))
    model = Model(inp, layer(inp))
    bias = np.arange(6, dtype='float32').reshape(3, 2)  # (steps, filters)
    layer.set_weights([np.ones((3, 1, 2), 'float32'), bias])
    y = model.predict(np.zeros((1, 1, 3), 'float32'))
    np.testing.assert_allclose(y[0], bias.reshape(2, 3))


def test_seed_shapes():
    model = Sequential([layers.LocallyConnected1D(64, 3, input_shape=(10, 32)), layers.LocallyConnected1D(32, 3)])
    assert model.output_shape == (None, 6, 32)
    assert model.layers[0].output_shape == (None, 8, 64)
    model = Sequential([layers.LocallyConnected2D(8, (3, 3), input_shape=(12, 12, 3)),
                        layers.LocallyConnected2D(4, (3, 3))])
    assert model.output_shape == (None, 8, 8, 4)


def test_config_accepts_implementation():
    layer = layers.LocallyConnected2D(2, 2, implementation=2)
    assert 'implementation' not in layer.get_config()
    with pytest.raises(ValueError, match='implementation'):
        layers.LocallyConnected1D(2, 2, implementation=4)


def test_errors():
    with pytest.raises(ValueError, match='valid'):
        layers.LocallyConnected1D(2, 3, padding='same')
    with pytest.raises(ValueError, match='must be known'):
        layers.LocallyConnected1D(2, 3)(layers.Input((None, 4)))
    with pytest.raises(ValueError, match='lc_small'):
        layers.LocallyConnected2D(2, 4, name='lc_small')(layers.Input((3, 5, 1)))
