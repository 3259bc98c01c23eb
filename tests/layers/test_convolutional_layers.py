"""Convolution, cropping, upsampling and zero-padding layers: every public fixture
(driven as the conformance checker does: `layers.deserialize`, `Input`, `Model`,
`set_weights`, `predict`, `K.gradients` on the layer output), `layer_test`
(numeric gradients, config/HDF5 round trips) over the argument space, numpy
references for channels_first/causal/transpose shapes, configs and errors."""
import json

import numpy as np
import pytest

from minikeras import backend as K
from minikeras import layers
from minikeras.models import Model, Sequential
from minikeras.utils.test_utils import layer_test
from keras2_fixtures import case_names, check_layer_fixture, load_case

CLASSES = {'Conv1D', 'Conv2D', 'Conv3D', 'SeparableConv1D', 'SeparableConv2D', 'DepthwiseConv2D',
           'Conv2DTranspose', 'Conv3DTranspose', 'Cropping1D', 'Cropping2D', 'Cropping3D', 'UpSampling1D',
           'UpSampling2D', 'UpSampling3D', 'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D'}
CASES = [name for name in case_names('layers') if load_case('layers', name)[0]['class_name'] in CLASSES]


def run_fixture(name):
    """Checks one layer fixture as the conformance checker does (outputs, then
    gradients w.r.t. inputs and trainable weights), plus the static output shape."""
    meta, arrays, layer, model = check_layer_fixture(name)
    assert K.int_shape(model.outputs[0])[1:] == tuple(meta['output_shapes'][0][1:])
    return layer


def test_cases_found():
    for name in ('conv1d_causal_dilation', 'conv2d_channels_first', 'conv2d_transpose_output_padding',
                 'conv3d_transpose', 'separable_conv1d', 'depthwise_conv2d', 'cropping3d', 'upsampling2d',
                 'zeropadding1d'):
        assert name in CASES
    assert len(CASES) >= 27


@pytest.mark.parametrize('name', CASES)
def test_fixture(name):
    run_fixture(name)


@pytest.mark.parametrize('name', CASES)
def test_fixture_config_round_trip(name):
    """Our config for a fixture layer rebuilds a layer with the same output."""
    meta, arrays = load_case('layers', name)
    layer = layers.deserialize({'class_name': meta['class_name'], 'config': meta['config']})
    x = layers.Input(shape=tuple(meta['input_shapes'][0][1:]))
    model = Model(x, layer(x))
    weights = [arrays['w%d' % j] for j in range(len(meta['weight_names']))]
    layer.set_weights(weights)
    config = json.loads(json.dumps(layers.serialize(layer)))
    again = layers.deserialize(config)
    x2 = layers.Input(shape=tuple(meta['input_shapes'][0][1:]))
    model2 = Model(x2, again(x2))
    again.set_weights(weights)
    np.testing.assert_allclose(model2.predict(arrays['x0']), model.predict(arrays['x0']), rtol=1e-6, atol=1e-6)
    assert again.get_config() == layer.get_config()
    for key in ('groups', 'module', 'registered_name'):
        assert key not in layer.get_config()


# layer_test over the argument space -------------------------------------------------------------------------
@pytest.mark.parametrize('kwargs', [
    {'filters': 3, 'kernel_size': 3},
    {'filters': 2, 'kernel_size': 2, 'padding': 'same', 'strides': 2},
    {'filters': 2, 'kernel_size': 3, 'padding': 'causal', 'dilation_rate': 2, 'activation': 'tanh'},
    {'filters': 2, 'kernel_size': 3, 'data_format': 'channels_first', 'use_bias': False},
    {'filters': 2, 'kernel_size': 2, 'padding': 'same', 'kernel_regularizer': 'l2', 'bias_regularizer': 'l1',
     'activity_regularizer': 'l2', 'kernel_constraint': 'max_norm', 'bias_constraint': 'non_neg'},
])
def test_conv1d_layer_test(kwargs):
    layer_test(layers.Conv1D, kwargs=kwargs, input_shape=(3, 7, 4))


@pytest.mark.parametrize('kwargs', [
    {'filters': 3, 'kernel_size': (3, 2)},
    {'filters': 2, 'kernel_size': 3, 'padding': 'same', 'strides': (2, 1), 'activation': 'relu'},
    {'filters': 2, 'kernel_size': 2, 'dilation_rate': (2, 1)},
    {'filters': 2, 'kernel_size': 3, 'data_format': 'channels_first', 'padding': 'same', 'strides': 2},
])
def test_conv2d_layer_test(kwargs):
    shape = (2, 3, 6, 5) if kwargs.get('data_format') == 'channels_first' else (2, 6, 5, 3)
    layer_test(layers.Conv2D, kwargs=kwargs, input_shape=shape)


@pytest.mark.parametrize('kwargs', [
    {'filters': 2, 'kernel_size': 2},
    {'filters': 2, 'kernel_size': (2, 3, 2), 'padding': 'same', 'strides': 2, 'data_format': 'channels_first'},
])
def test_conv3d_layer_test(kwargs):
    shape = (2, 2, 4, 5, 3) if kwargs.get('data_format') == 'channels_first' else (2, 4, 5, 3, 2)
    layer_test(layers.Conv3D, kwargs=kwargs, input_shape=shape)


@pytest.mark.parametrize('kwargs', [
    {'filters': 2, 'kernel_size': 3},
    {'filters': 2, 'kernel_size': 3, 'strides': 2, 'padding': 'same', 'output_padding': 1},
    {'filters': 3, 'kernel_size': (2, 3), 'strides': (3, 2), 'padding': 'valid'},
    {'filters': 2, 'kernel_size': 2, 'strides': 2, 'data_format': 'channels_first', 'activation': 'relu'},
    {'filters': 2, 'kernel_size': 3, 'dilation_rate': 2, 'padding': 'same'},
])
def test_conv2d_transpose_layer_test(kwargs):
    shape = (2, 2, 3, 4) if kwargs.get('data_format') == 'channels_first' else (2, 3, 4, 2)
    layer_test(layers.Conv2DTranspose, kwargs=kwargs, input_shape=shape)


@pytest.mark.parametrize('kwargs', [
    {'filters': 2, 'kernel_size': 2, 'strides': 2},
    {'filters': 2, 'kernel_size': 3, 'strides': 2, 'padding': 'same', 'output_padding': (1, 0, 1),
     'data_format': 'channels_first'},
])
def test_conv3d_transpose_layer_test(kwargs):
    shape = (2, 2, 2, 3, 2) if kwargs.get('data_format') == 'channels_first' else (2, 2, 3, 2, 2)
    layer_test(layers.Conv3DTranspose, kwargs=kwargs, input_shape=shape)


@pytest.mark.parametrize('kwargs', [
    {'filters': 3, 'kernel_size': 3, 'depth_multiplier': 2},
    {'filters': 2, 'kernel_size': 2, 'padding': 'same', 'strides': 2, 'data_format': 'channels_first'},
    {'filters': 2, 'kernel_size': 3, 'padding': 'causal', 'dilation_rate': 2},
])
def test_separable_conv1d_layer_test(kwargs):
    shape = (2, 3, 7) if kwargs.get('data_format') == 'channels_first' else (2, 7, 3)
    layer_test(layers.SeparableConv1D, kwargs=kwargs, input_shape=shape)


@pytest.mark.parametrize('kwargs', [
    {'filters': 3, 'kernel_size': 3, 'depth_multiplier': 2, 'activation': 'relu'},
    {'filters': 2, 'kernel_size': 2, 'padding': 'same', 'strides': 2, 'data_format': 'channels_first'},
    {'filters': 2, 'kernel_size': 2, 'dilation_rate': 2, 'depthwise_regularizer': 'l2',
     'pointwise_constraint': 'unit_norm', 'use_bias': False},
])
def test_separable_conv2d_layer_test(kwargs):
    shape = (2, 3, 5, 6) if kwargs.get('data_format') == 'channels_first' else (2, 5, 6, 3)
    layer_test(layers.SeparableConv2D, kwargs=kwargs, input_shape=shape)


@pytest.mark.parametrize('kwargs', [
    {'kernel_size': 3, 'depth_multiplier': 2},
    {'kernel_size': (2, 3), 'padding': 'same', 'strides': 2, 'data_format': 'channels_first'},
    {'kernel_size': 2, 'dilation_rate': 2, 'use_bias': False, 'activation': 'tanh'},
])
def test_depthwise_conv2d_layer_test(kwargs):
    shape = (2, 3, 5, 6) if kwargs.get('data_format') == 'channels_first' else (2, 5, 6, 3)
    layer_test(layers.DepthwiseConv2D, kwargs=kwargs, input_shape=shape)


@pytest.mark.parametrize('cls, kwargs, shape', [
    (layers.Cropping1D, {'cropping': (1, 2)}, (2, 6, 3)),
    (layers.Cropping1D, {'cropping': 2}, (2, 6, 3)),
    (layers.Cropping2D, {'cropping': ((1, 0), (0, 2))}, (2, 4, 5, 2)),
    (layers.Cropping2D, {'cropping': 1, 'data_format': 'channels_first'}, (2, 2, 4, 5)),
    (layers.Cropping3D, {'cropping': (1, 0, 1)}, (2, 3, 4, 3, 2)),
    (layers.ZeroPadding1D, {'padding': (2, 0)}, (2, 3, 2)),
    (layers.ZeroPadding2D, {'padding': (1, 2)}, (2, 3, 3, 2)),
    (layers.ZeroPadding2D, {'padding': ((0, 1), (2, 0)), 'data_format': 'channels_first'}, (2, 2, 3, 3)),
    (layers.ZeroPadding3D, {'padding': 1, 'data_format': 'channels_first'}, (2, 1, 2, 2, 2)),
    (layers.UpSampling1D, {'size': 3}, (2, 3, 2)),
    (layers.UpSampling2D, {'size': (2, 3)}, (2, 3, 2, 2)),
    (layers.UpSampling2D, {'size': 2, 'data_format': 'channels_first'}, (2, 2, 3, 2)),
    (layers.UpSampling2D, {'size': (2, 3), 'interpolation': 'bilinear'}, (2, 3, 2, 2)),
    (layers.UpSampling2D, {'size': 2, 'interpolation': 'bilinear', 'data_format': 'channels_first'},
     (2, 2, 3, 2)),
    (layers.UpSampling3D, {'size': (1, 2, 2), 'data_format': 'channels_first'}, (2, 1, 2, 2, 3)),
])
def test_spatial_layers_layer_test(cls, kwargs, shape):
    layer_test(cls, kwargs=kwargs, input_shape=shape)


# Numpy references --------------------------------------------------------------------------------------------
def _conv1d_ref(x, w, b, stride=1, dilation=1, left=0, right=0):
    """Plain-loop 1D convolution (channels_last) with explicit zero padding."""
    x = np.pad(x, [(0, 0), (left, right), (0, 0)])
    k = w.shape[0]
    extent = (k - 1) * dilation + 1
    n_out = (x.shape[1] - extent) // stride + 1
    y = np.zeros((x.shape[0], n_out, w.shape[2]))
    for t in range(n_out):
        for j in range(k):
            y[:, t] += x[:, t * stride + j * dilation] @ w[j]
    return y + b


def _predict(layer, x):
    inp = layers.Input(shape=x.shape[1:])
    return Model(inp, layer(inp)).predict(x)


def test_conv1d_causal_matches_reference_and_is_causal():
    rng = np.random.RandomState(0)
    x = rng.randn(2, 9, 3).astype('float32')
    layer = layers.Conv1D(4, 3, padding='causal', dilation_rate=2)
    y = _predict(layer, x)
    w, b = layer.get_weights()
    np.testing.assert_allclose(y, _conv1d_ref(x, w, b, dilation=2, left=4), rtol=1e-5, atol=1e-5)
    x2 = x.copy()
    x2[:, 5:] = rng.randn(2, 4, 3)  # the future does not change the first outputs
    np.testing.assert_allclose(_predict(layer, x2)[:, :5], y[:, :5], rtol=1e-6, atol=1e-6)


def test_conv1d_channels_first_equals_transposed_channels_last():
    rng = np.random.RandomState(1)
    x = rng.randn(2, 8, 3).astype('float32')
    last = layers.Conv1D(2, 3, strides=2, padding='same')
    first = layers.Conv1D(2, 3, strides=2, padding='same', data_format='channels_first')
    y_last = _predict(last, x)
    first_in = layers.Input(shape=(3, 8))
    model = Model(first_in, first(first_in))
    first.set_weights(last.get_weights())
    np.testing.assert_allclose(model.predict(x.transpose(0, 2, 1)), y_last.transpose(0, 2, 1), rtol=1e-5,
                               atol=1e-6)


def test_conv2d_channels_first_equals_channels_last():
    rng = np.random.RandomState(2)
    x = rng.randn(2, 7, 6, 3).astype('float32')
    last = layers.Conv2D(4, (3, 2), strides=(2, 1), padding='same', activation='relu')
    y = _predict(last, x)
    first = layers.Conv2D(4, (3, 2), strides=(2, 1), padding='same', activation='relu',
                          data_format='channels_first')
    inp = layers.Input(shape=(3, 7, 6))
    model = Model(inp, first(inp))
    first.set_weights(last.get_weights())
    np.testing.assert_allclose(model.predict(x.transpose(0, 3, 1, 2)), y.transpose(0, 3, 1, 2), rtol=1e-5,
                               atol=1e-6)


def test_conv2d_transpose_is_adjoint_of_conv2d():
    """<conv(u), v> == <u, conv_transpose(v)> with the same kernel."""
    rng = np.random.RandomState(3)
    kernel = rng.randn(3, 3, 2, 4).astype('float64')  # conv: 2 -> 4 channels; transpose: 4 -> 2
    u = rng.randn(1, 7, 7, 2)
    conv = layers.Conv2D(4, 3, strides=2, padding='same', use_bias=False, dtype='float64')
    out_u = _predict_with(conv, u, [kernel])
    v = rng.randn(*out_u.shape)
    transpose = layers.Conv2DTranspose(2, 3, strides=2, padding='same', output_padding=0, use_bias=False,
                                       dtype='float64')
    back = _predict_with(transpose, v, [kernel])
    assert back.shape == u.shape
    np.testing.assert_allclose(np.sum(out_u * v), np.sum(u * back), rtol=1e-10)


def _predict_with(layer, x, weights):
    inp = layers.Input(shape=x.shape[1:], dtype=x.dtype.name)
    model = Model(inp, layer(inp))
    layer.set_weights(weights)
    return model.predict(x)


@pytest.mark.parametrize('padding, strides, kernel, output_padding, length, expected', [
    ('valid', 2, 3, None, 3, 7),
    ('valid', 3, 2, None, 3, 9),   # kernel < stride: in * stride
    ('same', 2, 3, None, 4, 8),
    ('same', 2, 3, 1, 4, 8),
    ('same', 2, 3, 0, 4, 7),
    ('valid', 2, 3, 1, 3, 8),
])
def test_conv2d_transpose_output_shapes(padding, strides, kernel, output_padding, length, expected):
    layer = layers.Conv2DTranspose(2, kernel, strides=strides, padding=padding, output_padding=output_padding)
    x = np.random.rand(1, length, length, 3).astype('float32')
    y = _predict(layer, x)
    assert y.shape == (1, expected, expected, 2)
    assert layer.compute_output_shape((None, length, length, 3)) == (None, expected, expected, 2)


def test_depthwise_output_channel_order():
    """Output channel c * depth_multiplier + m comes from input channel c."""
    x = np.zeros((1, 3, 3, 2), 'float32')
    x[..., 1] = 1.0
    layer = layers.DepthwiseConv2D(3, depth_multiplier=3, use_bias=False)
    y = _predict_with(layer, x, [np.ones((3, 3, 2, 3), 'float32')])
    np.testing.assert_allclose(y.reshape(-1), [0, 0, 0, 9, 9, 9])


def test_separable_conv1d_seed_example():
    """SEED CONV-03: SeparableConv1D(2, 4, use_bias=False) on (10, 3): 12 + 6 weights, output (None, 7, 2)."""
    model = Sequential([layers.SeparableConv1D(filters=2, kernel_size=4, use_bias=False, depth_multiplier=1,
                                               input_shape=(10, 3))])
    assert model.output_shape == (None, 7, 2)
    assert model.count_params() == 18
    dw, pw = model.get_weights()
    y = model.predict(np.ones((1, 10, 3), 'float32'))
    np.testing.assert_allclose(y[0, 0], (dw.sum(axis=0).reshape(-1)) @ pw[0], rtol=1e-5)


def test_seed_param_counts():
    assert Sequential([layers.Conv1D(2, 4, use_bias=False, input_shape=(10, 3))]).count_params() == 24
    model = Sequential([layers.Conv1D(2, 4, use_bias=False, padding='same', input_shape=(10, 3))])
    assert model.output_shape == (None, 10, 2) and model.count_params() == 24
    model = Sequential([layers.Conv2D(32, (3, 3), padding='same', input_shape=(32, 32, 3))])
    assert model.output_shape == (None, 32, 32, 32)
    model = Sequential([layers.Cropping2D(((2, 2), (4, 4)), input_shape=(28, 28, 3))])
    assert model.output_shape == (None, 24, 20, 3)


def test_data_format_default_follows_backend():
    old = K.image_data_format()
    try:
        K.set_image_data_format('channels_first')
        assert layers.Conv2D(2, 3).data_format == 'channels_first'
        assert layers.UpSampling2D().data_format == 'channels_first'
        assert layers.Conv1D(2, 3).data_format == 'channels_last'  # 1D defaults to channels_last (Keras 2.2)
    finally:
        K.set_image_data_format(old)


def test_aliases():
    assert layers.Convolution1D is layers.Conv1D
    assert layers.Convolution2D is layers.Conv2D
    assert layers.Convolution3D is layers.Conv3D
    assert layers.Deconvolution2D is layers.Conv2DTranspose is layers.Deconv2D
    assert layers.Deconvolution3D is layers.Conv3DTranspose is layers.Deconv3D
    assert layers.SeparableConvolution1D is layers.SeparableConv1D
    assert layers.SeparableConvolution2D is layers.SeparableConv2D
    layer = layers.deserialize({'class_name': 'Convolution2D', 'config': {'filters': 2, 'kernel_size': 3}})
    assert isinstance(layer, layers.Conv2D)


def test_keras22_configs():
    config = layers.Conv2D(4, 3, name='c').get_config()
    assert set(config) == {'name', 'trainable', 'dtype', 'filters', 'kernel_size', 'strides', 'padding',
                           'data_format', 'dilation_rate', 'activation', 'use_bias', 'kernel_initializer',
                           'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer',
                           'kernel_constraint', 'bias_constraint'}
    assert config['kernel_size'] == (3, 3) and config['activation'] == 'linear'
    sep = layers.SeparableConv2D(4, 3).get_config()
    assert 'kernel_initializer' not in sep and sep['depth_multiplier'] == 1 and 'pointwise_initializer' in sep
    dw = layers.DepthwiseConv2D(3).get_config()
    assert 'filters' not in dw and 'depthwise_initializer' in dw
    assert layers.Conv2DTranspose(2, 3).get_config()['output_padding'] is None
    assert 'dilation_rate' not in layers.Conv3DTranspose(2, 3).get_config()
    assert layers.ZeroPadding2D(1).get_config()['padding'] == ((1, 1), (1, 1))
    zp1 = layers.ZeroPadding1D(2).get_config()
    assert zp1['padding'] == (2, 2) and 'data_format' not in zp1
    assert layers.Cropping2D(1).get_config()['cropping'] == ((1, 1), (1, 1))
    assert layers.UpSampling1D(3).get_config()['size'] == 3


@pytest.mark.parametrize('make, match', [
    (lambda: layers.Conv2D(2, 3, padding='causal'), 'padding'),
    (lambda: layers.Conv2D(2, (3, 3, 3)), 'kernel_size'),
    (lambda: layers.Conv2D(0, 3), 'filters'),
    (lambda: layers.Conv2D(2, 3, data_format='nchw'), 'data_format'),
    (lambda: layers.Conv2D(2, 3, groups=2), 'groups'),
    (lambda: layers.Conv2DTranspose(2, 3, strides=2, output_padding=2), 'output_padding'),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0), 'depth_multiplier'),
    (lambda: layers.UpSampling2D(interpolation='bicubic'), 'interpolation'),
    (lambda: layers.ZeroPadding2D(((1, 2, 3), (1, 1))), 'padding'),
    (lambda: layers.Cropping2D(-1), 'cropping'),
])
def test_argument_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_shape_errors_name_layer_and_shapes():
    with pytest.raises(ValueError, match=r'conv_small.*too small'):
        layers.Conv2D(2, 5, name='conv_small')(layers.Input((3, 3, 1)))
    with pytest.raises(ValueError, match=r'channel dimension'):
        layers.Conv2D(2, 3)(layers.Input((4, 4, None)))
    with pytest.raises(ValueError, match=r'crop_more.*removes more than the 4 entries'):
        layers.Cropping1D((3, 2), name='crop_more')(layers.Input((4, 3)))
    with pytest.raises(ValueError):
        layers.Conv2D(2, 3)(layers.Input((5, 5)))  # rank 3 input for a 2D convolution


def test_cropping_everything_leaves_an_empty_axis():
    # Keras 2.2 accepts a cropping that removes the whole axis.
    layer = layers.Cropping1D((2, 2))
    x = layers.Input((4, 3))
    y = layer(x)
    assert K.int_shape(y) == (None, 0, 3)
    assert K.function([x], [y])([np.ones((2, 4, 3))])[0].shape == (2, 0, 3)
    layer_test(layers.Cropping1D, kwargs={'cropping': (2, 2)}, input_shape=(2, 4, 2))


def test_conv_in_sequential_trains():
    rng = np.random.RandomState(0)
    x = rng.rand(16, 8, 8, 1).astype('float32')
    y = np.eye(2, dtype='float32')[(x.mean(axis=(1, 2, 3)) > 0.5).astype(int)]
    model = Sequential([layers.Conv2D(4, 3, activation='relu', input_shape=(8, 8, 1)),
                        layers.Conv2D(4, 3, padding='same', activation='relu'),
                        layers.Flatten(), layers.Dense(2, activation='softmax')])
    model.compile('adam', 'categorical_crossentropy')
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before
