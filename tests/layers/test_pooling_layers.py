"""Pooling layers: every public pooling fixture (driven as the conformance checker
does), `layer_test` over the argument space, numpy references (including 'same'
average pooling and channels_first), masking in GlobalAveragePooling1D, tf_keras
`keepdims`, aliases, configs and errors."""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras import layers
from minikeras.models import Model, Sequential
from minikeras.utils.test_utils import layer_test
from keras2_fixtures import case_names, check_layer_fixture, load_case

CLASSES = {'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D',
           'AveragePooling3D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalMaxPooling3D',
           'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalAveragePooling3D'}
CASES = [name for name in case_names('layers') if load_case('layers', name)[0]['class_name'] in CLASSES]


def test_cases_found():
    assert len(CASES) >= 14
    for name in ('maxpool1d', 'avgpool2d_same_strides', 'avgpool3d_same', 'global_avgpool1d', 'global_maxpool3d'):
        assert name in CASES


@pytest.mark.parametrize('name', CASES)
def test_fixture(name):
    meta, arrays, layer, model = check_layer_fixture(name)
    assert K.int_shape(model.outputs[0])[1:] == tuple(meta['output_shapes'][0][1:])
    config = layer.get_config()
    assert 'keepdims' not in config  # Keras 2.2 config (written only when true)
    again = layers.deserialize(layers.serialize(layer))
    assert again.get_config() == config


@pytest.mark.parametrize('cls, kwargs, shape', [
    (layers.MaxPooling1D, {}, (2, 6, 3)),
    (layers.MaxPooling1D, {'pool_size': 3, 'strides': 2, 'padding': 'same'}, (2, 7, 3)),
    (layers.AveragePooling1D, {'pool_size': 2, 'data_format': 'channels_first'}, (2, 3, 6)),
    (layers.AveragePooling1D, {'pool_size': 3, 'strides': 1, 'padding': 'same'}, (2, 5, 2)),
    (layers.MaxPooling2D, {'pool_size': (2, 3)}, (2, 4, 6, 2)),
    (layers.MaxPooling2D, {'pool_size': 3, 'strides': 2, 'padding': 'same', 'data_format': 'channels_first'},
     (2, 2, 5, 4)),
    (layers.AveragePooling2D, {'pool_size': 2, 'strides': 1}, (2, 4, 3, 2)),
    (layers.AveragePooling2D, {'pool_size': 3, 'strides': 2, 'padding': 'same'}, (2, 5, 4, 2)),
    (layers.MaxPooling3D, {'pool_size': 2}, (2, 4, 4, 2, 2)),
    (layers.AveragePooling3D, {'pool_size': 2, 'padding': 'same', 'data_format': 'channels_first'},
     (2, 2, 3, 3, 3)),
    (layers.GlobalMaxPooling1D, {}, (2, 5, 3)),
    (layers.GlobalAveragePooling1D, {'data_format': 'channels_first'}, (2, 3, 5)),
    (layers.GlobalMaxPooling2D, {'data_format': 'channels_first'}, (2, 3, 4, 5)),
    (layers.GlobalAveragePooling2D, {}, (2, 4, 5, 3)),
    (layers.GlobalAveragePooling2D, {'keepdims': True}, (2, 4, 5, 3)),
    (layers.GlobalMaxPooling3D, {}, (2, 2, 3, 2, 3)),
    (layers.GlobalAveragePooling3D, {'data_format': 'channels_first', 'keepdims': True}, (2, 3, 2, 3, 2)),
])
def test_layer_test(cls, kwargs, shape):
    layer_test(cls, kwargs=kwargs, input_shape=shape)


def _avg_same_ref(x, pool, stride):
    """'same' average pooling of (batch, steps, channels), dividing by the unpadded count (TensorFlow)."""
    n = x.shape[1]
    n_out = -(-n // stride)
    pad_total = max((n_out - 1) * stride + pool - n, 0)
    start = -(pad_total // 2)
    y = np.zeros((x.shape[0], n_out, x.shape[2]))
    for t in range(n_out):
        lo = max(start + t * stride, 0)
        hi = min(start + t * stride + pool, n)
        y[:, t] = x[:, lo:hi].mean(axis=1)
    return y


def test_average_pooling_same_divides_by_real_entries():
    x = np.random.RandomState(0).rand(2, 7, 3).astype('float32')
    inp = layers.Input((7, 3))
    y = Model(inp, layers.AveragePooling1D(4, strides=3, padding='same')(inp)).predict(x)
    np.testing.assert_allclose(y, _avg_same_ref(x, 4, 3), rtol=1e-5)


def test_max_pooling_2d_reference_channels_first():
    x = np.random.RandomState(1).randn(2, 3, 6, 4).astype('float32')
    inp = layers.Input((3, 6, 4))
    y = Model(inp, layers.MaxPooling2D((3, 2), data_format='channels_first')(inp)).predict(x)
    ref = x.reshape(2, 3, 2, 3, 2, 2).max(axis=(3, 5))
    np.testing.assert_allclose(y, ref)


def test_strides_default_to_pool_size():
    assert layers.MaxPooling2D((2, 3)).strides == (2, 3)
    assert layers.AveragePooling1D(4).get_config()['strides'] == (4,)
    model = Sequential([layers.MaxPooling1D(5, input_shape=(1000, 128))])
    assert model.output_shape == (None, 200, 128)


def test_global_average_pooling_1d_masking():
    ids = np.array([[3, 4, 0, 0], [1, 2, 5, 0]])
    inp = layers.Input((4,), dtype='int32')
    emb = layers.Embedding(6, 2, mask_zero=True)
    out = layers.GlobalAveragePooling1D()(emb(inp))
    model = Model(inp, out)
    table = emb.get_weights()[0]
    expected = np.stack([table[[3, 4]].mean(axis=0), table[[1, 2, 5]].mean(axis=0)])
    np.testing.assert_allclose(model.predict(ids), expected, rtol=1e-5)


def test_keepdims_shapes():
    inp = layers.Input((4, 5, 3))
    assert K.int_shape(layers.GlobalMaxPooling2D(keepdims=True)(inp)) == (None, 1, 1, 3)
    inp = layers.Input((3, 4, 5))
    out = layers.GlobalAveragePooling2D(data_format='channels_first', keepdims=True)(inp)
    assert K.int_shape(out) == (None, 3, 1, 1)


def test_aliases():
    assert layers.MaxPool1D is layers.MaxPooling1D
    assert layers.MaxPool2D is layers.MaxPooling2D
    assert layers.MaxPool3D is layers.MaxPooling3D
    assert layers.AvgPool1D is layers.AveragePooling1D
    assert layers.AvgPool2D is layers.AveragePooling2D
    assert layers.AvgPool3D is layers.AveragePooling3D
    assert layers.GlobalMaxPool2D is layers.GlobalMaxPooling2D
    assert layers.GlobalAvgPool1D is layers.GlobalAveragePooling1D
    assert layers.GlobalAvgPool3D is layers.GlobalAveragePooling3D
    assert isinstance(layers.deserialize({'class_name': 'MaxPool2D', 'config': {}}), layers.MaxPooling2D)


@pytest.mark.parametrize('make, match', [
    (lambda: layers.MaxPooling2D(padding='causal'), 'padding'),
    (lambda: layers.MaxPooling2D(pool_size=(2, 2, 2)), 'pool_size'),
    (lambda: layers.AveragePooling1D(0), 'pool_size'),
    (lambda: layers.GlobalMaxPooling2D(data_format='NHWC'), 'data_format'),
])
def test_argument_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_too_small_input_names_layer():
    with pytest.raises(ValueError, match='pool_small'):
        layers.MaxPooling2D(3, name='pool_small')(layers.Input((2, 2, 1)))
