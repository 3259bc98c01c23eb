"""Keras 1 / Theano weight layouts converted on load (`minikeras.engine.legacy_weights`).

The Keras 1 arrays are built with numpy from the Keras 1 layouts (per-gate
`W_i, U_i, b_i, ...`, `th`-ordered kernels); loading them must give the
same predictions as a model given the equivalent Keras 2 arrays directly.
"""
import json
import warnings

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.engine import saving
from minikeras.models import Model, Sequential

h5py = pytest.importorskip('h5py')

RNG = np.random.RandomState(7)


def _randomize(model):
    """Random weights (positive where a variance is stored)."""
    values = []
    for w in model.weights:
        shape = keras.backend.int_shape(w)
        low = 0.5 if 'variance' in w.name else -0.5
        values.append(RNG.uniform(low, low + 1., size=shape).astype('float32'))
    model.set_weights(values)
    return model


def _file_order(layer):
    """A layer's variables in the order files store them: trainable, then non-trainable."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _set(layer, arrays):
    variables = _file_order(layer)
    assert [keras.backend.int_shape(v) for v in variables] == [a.shape for a in arrays]
    keras.backend.batch_set_value(list(zip(variables, arrays)))


def _convert(layer, weights, version='1', backend=None):
    return saving.preprocess_weights_for_loading(layer, weights, original_keras_version=version,
                                                 original_backend=backend)


def _assert_loads_as(model, keras1_weights, x, version='1', backend=None):
    """Sets the converted Keras 1 arrays on a clone of `model` and compares predictions with `model`."""
    expected = model.predict(x)
    clone = keras.models.clone_model(model)
    converted = _convert(clone, keras1_weights, version, backend)
    _set(clone, converted)
    np.testing.assert_allclose(clone.predict(x), expected, rtol=1e-5, atol=1e-6)
    return converted


def _split_gates(weights, n_gates, file_order):
    """Keras 2 fused (kernel, recurrent_kernel, bias) -> Keras 1 per-gate W, U, b triples in `file_order`."""
    split = [np.split(w, n_gates, axis=-1) for w in weights]
    out = []
    for gate in file_order:
        out += [split[0][gate], split[1][gate], split[2][gate]]
    return out


# Keras 2 gate index of each Keras 1 LSTM triple: the file holds i, c, f, o; the fused kernel i, f, c, o.
LSTM_FILE_ORDER = (0, 2, 1, 3)


def test_lstm_per_gate_weights():
    model = _randomize(Sequential([layers.LSTM(3, input_shape=(4, 5))]))
    keras1 = _split_gates(model.get_weights(), 4, LSTM_FILE_ORDER)
    assert len(keras1) == 12 and keras1[0].shape == (5, 3) and keras1[1].shape == (3, 3)
    _assert_loads_as(model, keras1, RNG.rand(2, 4, 5).astype('float32'))


def test_gru_per_gate_weights():
    model = _randomize(Sequential([layers.GRU(3, input_shape=(4, 5))]))
    keras1 = _split_gates(model.get_weights(), 3, (0, 1, 2))
    _assert_loads_as(model, keras1, RNG.rand(2, 4, 5).astype('float32'))


def test_fused_recurrent_weights_pass_through():
    """consume_less='gpu' LSTMs, SimpleRNN, Dense, Embedding and BatchNormalization kept Keras 2's layout."""
    model = _randomize(Sequential([layers.Embedding(10, 4, input_length=3), layers.SimpleRNN(3, return_sequences=True),
                                   layers.LSTM(2), layers.Dense(3), layers.BatchNormalization()]))
    x = RNG.randint(0, 10, size=(2, 3))
    saved = keras.backend.batch_get_value(_file_order(model))
    converted = _assert_loads_as(model, saved, x)
    for a, b in zip(converted, saved):
        np.testing.assert_array_equal(a, b)


def test_conv2d_channels_first_th_kernel():
    model = _randomize(Sequential([layers.Conv2D(4, (3, 2), data_format='channels_first', input_shape=(2, 6, 5))]))
    kernel, bias = model.get_weights()
    th_kernel = np.transpose(kernel, (3, 2, 0, 1))  # (filters, channels, rows, cols)
    assert th_kernel.shape == (4, 2, 3, 2)
    _assert_loads_as(model, [th_kernel, bias], RNG.rand(2, 2, 6, 5).astype('float32'))


def test_conv2d_channels_last_and_keras2_arrays_are_kept():
    model = _randomize(Sequential([layers.Conv2D(4, (3, 3), input_shape=(6, 6, 2))]))
    converted = _assert_loads_as(model, model.get_weights(), RNG.rand(2, 6, 6, 2).astype('float32'))
    np.testing.assert_array_equal(converted[0], model.get_weights()[0])
    # channels_first, but the arrays already are in the layer's layout (not readable as th): kept
    cf = _randomize(Sequential([layers.Conv2D(4, (3, 3), data_format='channels_first', input_shape=(2, 6, 6))]))
    np.testing.assert_array_equal(_convert(cf.layers[0], cf.get_weights())[0], cf.get_weights()[0])


def test_conv2d_channels_first_ambiguous_shape_reads_keras1_layout():
    layer = layers.Conv2D(3, (3, 3), data_format='channels_first')
    Sequential([layer]).build((None, 3, 5, 5))
    th_kernel = RNG.rand(3, 3, 3, 3)
    np.testing.assert_array_equal(_convert(layer, [th_kernel, np.zeros(3)])[0], np.transpose(th_kernel, (2, 3, 1, 0)))


@pytest.mark.parametrize('legacy', [False, True], ids=['keras1.2', 'keras1.1'])
def test_conv1d_kernel(legacy):
    model = _randomize(Sequential([layers.Conv1D(4, 3, input_shape=(7, 2))]))
    kernel, bias = model.get_weights()  # (length, channels, filters)
    keras1 = kernel[:, np.newaxis, :, :]  # (length, 1, channels, filters)
    if legacy:
        keras1 = np.transpose(keras1, (3, 2, 0, 1))  # (filters, channels, length, 1)
    _assert_loads_as(model, [keras1, bias], RNG.rand(2, 7, 2).astype('float32'))


def test_conv3d_channels_first_th_kernel():
    model = _randomize(Sequential([layers.Conv3D(3, (2, 2, 2), data_format='channels_first',
                                                 input_shape=(2, 4, 4, 4))]))
    kernel, bias = model.get_weights()
    _assert_loads_as(model, [np.transpose(kernel, (4, 3, 0, 1, 2)), bias], RNG.rand(2, 2, 4, 4, 4).astype('float32'))


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_conv2d_transpose_kernel(data_format):
    shape = (5, 5, 2) if data_format == 'channels_last' else (2, 5, 5)
    model = _randomize(Sequential([layers.Conv2DTranspose(3, (3, 3), data_format=data_format, input_shape=shape)]))
    kernel, bias = model.get_weights()  # (rows, cols, out, in)
    if data_format == 'channels_last':
        keras1 = np.transpose(kernel, (0, 1, 3, 2))  # (rows, cols, in, out)
    else:
        keras1 = np.transpose(kernel, (2, 3, 0, 1))  # (out, in, rows, cols)
    _assert_loads_as(model, [keras1, bias], RNG.rand(2, *shape).astype('float32'))


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_conv_lstm2d_per_gate_weights(data_format):
    shape = (3, 5, 5, 2) if data_format == 'channels_last' else (3, 2, 5, 5)
    model = _randomize(Sequential([layers.ConvLSTM2D(2, (3, 3), data_format=data_format, input_shape=shape)]))
    keras1 = _split_gates(model.get_weights(), 4, LSTM_FILE_ORDER)
    if data_format == 'channels_first':
        keras1 = [np.transpose(w, (3, 2, 0, 1)) if w.ndim == 4 else w for w in keras1]
        assert keras1[0].shape == (2, 2, 3, 3)
    _assert_loads_as(model, keras1, RNG.rand(2, *shape).astype('float32'))


def test_wrappers_and_nested_models():
    """Bidirectional(LSTM), TimeDistributed(Conv2D th) and a nested model with BatchNormalization."""
    inner = Sequential([layers.Dense(3, input_shape=(3,)), layers.BatchNormalization(), layers.Dense(2)])
    inputs = layers.Input((4, 2, 5, 5))
    x = layers.TimeDistributed(layers.Conv2D(3, (3, 3), data_format='channels_first'))(inputs)
    x = layers.TimeDistributed(layers.Flatten())(x)
    x = layers.Bidirectional(layers.LSTM(2, return_sequences=True))(x)
    x = layers.TimeDistributed(layers.Dense(3))(x)
    x = layers.LSTM(3)(x)
    outputs = inner(x)
    model = _randomize(Model(inputs, outputs))
    x_data = RNG.rand(2, 4, 2, 5, 5).astype('float32')
    expected = model.predict(x_data)

    clone = keras.models.clone_model(model)
    for layer, source in zip(clone.layers, model.layers):
        weights = source.get_weights()
        if isinstance(source, layers.TimeDistributed) and isinstance(source.layer, layers.Conv2D):
            weights = [np.transpose(weights[0], (3, 2, 0, 1)), weights[1]]
        elif isinstance(source, layers.Bidirectional):
            weights = _split_gates(weights[:3], 4, LSTM_FILE_ORDER) + _split_gates(weights[3:], 4, LSTM_FILE_ORDER)
        elif isinstance(source, layers.LSTM):
            weights = _split_gates(weights, 4, LSTM_FILE_ORDER)
        elif isinstance(source, Sequential):
            weights = keras.backend.batch_get_value(_file_order(source))
        _set(layer, _convert(layer, weights))
    np.testing.assert_allclose(clone.predict(x_data), expected, rtol=1e-5, atol=1e-6)


def test_nested_model_with_keras1_per_gate_lstm():
    """The 12 per-gate arrays of a nested LSTM are told apart from the 3 fused ones by the total count."""
    inner = Sequential([layers.LSTM(2, input_shape=(3, 4)), layers.BatchNormalization()])
    model = _randomize(Sequential([inner]))
    x = RNG.rand(2, 3, 4).astype('float32')
    expected = model.predict(x)
    saved = keras.backend.batch_get_value(_file_order(inner))  # kernel, recurrent, bias, gamma, beta, mean, variance
    keras1 = _split_gates(saved[:3], 4, LSTM_FILE_ORDER) + saved[3:]
    clone = keras.models.clone_model(model)
    converted = _convert(clone.layers[0], keras1)
    assert len(converted) == 7
    _set(clone.layers[0], converted)
    np.testing.assert_allclose(clone.predict(x), expected, rtol=1e-5, atol=1e-6)


def test_keras2_arrays_are_not_converted_without_keras1_version():
    model = _randomize(Sequential([layers.Conv2D(3, (3, 3), data_format='channels_first', input_shape=(3, 5, 5))]))
    weights = model.get_weights()
    np.testing.assert_array_equal(_convert(model.layers[0], weights, version='2.2.4')[0], weights[0])
    lstm = Sequential([layers.LSTM(2, input_shape=(3, 4))]).layers[0]
    with pytest.raises(ValueError, match='expecting 3 weights'):
        lstm.set_weights(_convert(lstm, _split_gates(lstm.get_weights(), 4, LSTM_FILE_ORDER), version='2.2.4'))


def test_theano_kernels_are_flipped():
    """Theano convolved (flipped kernel); minikeras cross-correlates: the spatial axes are reversed on load."""
    conv = _randomize(Sequential([layers.Conv2D(2, (3, 2), input_shape=(5, 5, 2))]))
    kernel, bias = conv.get_weights()
    converted = _convert(conv.layers[0], [kernel, bias], version='2.2.4', backend='theano')
    np.testing.assert_array_equal(converted[0], kernel[::-1, ::-1, :, :])
    np.testing.assert_array_equal(_convert(conv.layers[0], [kernel, bias], '2.2.4', 'tensorflow')[0], kernel)
    clstm = Sequential([layers.ConvLSTM2D(2, (3, 3), input_shape=(2, 5, 5, 1))]).layers[0]
    weights = clstm.get_weights()
    converted = _convert(clstm, weights, version='2.2.4', backend='theano')
    for k in (0, 1):
        np.testing.assert_array_equal(converted[k], weights[k][::-1, ::-1])
    np.testing.assert_array_equal(converted[2], weights[2])
    dense = Sequential([layers.Dense(2, input_shape=(3,))]).layers[0]
    np.testing.assert_array_equal(_convert(dense, dense.get_weights(), '1', 'theano')[0], dense.get_weights()[0])


def _true_convolution_th(x, th_kernel, bias):
    """What Theano computed for a Keras 1 `th` Convolution2D (valid padding): a true convolution."""
    n, c, h, w = x.shape
    f, _, r, s = th_kernel.shape
    flipped = th_kernel[:, :, ::-1, ::-1]
    out = np.zeros((n, f, h - r + 1, w - s + 1))
    for i in range(h - r + 1):
        for j in range(w - s + 1):
            out[:, :, i, j] = np.einsum('ncrs,fcrs->nf', x[:, :, i:i + r, j:j + s], flipped)
    return out + bias[None, :, None, None]


def _write_keras1_file(path, model_config, layer_weights, backend='theano'):
    """A file as Keras 1.2 `save_model` wrote it: no `keras_version` in `model_weights`, names like `dense_1_W`."""
    with h5py.File(path, 'w') as f:
        f.attrs['keras_version'] = b'1.2.2'
        f.attrs['model_config'] = json.dumps(model_config).encode('utf8')
        group = f.create_group('model_weights')
        if backend:
            group.attrs['backend'] = backend.encode('utf8')
        group.attrs['layer_names'] = [name.encode('utf8') for name, _ in layer_weights]
        for name, arrays in layer_weights:
            layer_group = group.create_group(name)
            names = ['%s_%s' % (name, suffix) for suffix, _ in arrays]
            layer_group.attrs['weight_names'] = [n.encode('utf8') for n in names]
            for n, (_, value) in zip(names, arrays):
                layer_group.create_dataset(n, data=value)


def _keras1_config():
    """A Keras 1.2.2 Sequential config (`model.to_json()`): Keras 1 class names and argument spellings."""
    def base(name, **extra):
        config = {'name': name, 'trainable': True}
        config.update(extra)
        return config
    return {'class_name': 'Sequential', 'keras_version': '1.2.2', 'config': [
        {'class_name': 'Convolution2D', 'config': base(
            'convolution2d_1', batch_input_shape=[None, 2, 6, 6], input_dtype='float32', nb_filter=3, nb_row=3,
            nb_col=2, init='glorot_uniform', activation='linear', border_mode='valid', subsample=[1, 1],
            dim_ordering='th', W_regularizer={'name': 'L1L2Regularizer', 'l1': 0.0, 'l2': 0.01}, b_regularizer=None,
            activity_regularizer=None, W_constraint={'name': 'MaxNorm', 'm': 2, 'axis': 0}, b_constraint=None,
            bias=True)},
        {'class_name': 'Reshape', 'config': base('reshape_1', target_shape=[3, 20])},
        {'class_name': 'Permute', 'config': base('permute_1', dims=[2, 1])},
        {'class_name': 'LSTM', 'config': base(
            'lstm_1', output_dim=4, init='glorot_uniform', inner_init='orthogonal', forget_bias_init='one',
            activation='tanh', inner_activation='hard_sigmoid', W_regularizer=None, U_regularizer=None,
            b_regularizer=None, dropout_W=0.0, dropout_U=0.0, return_sequences=False, go_backwards=False,
            stateful=False, unroll=False, consume_less='cpu', input_dim=3, input_length=None)},
        {'class_name': 'BatchNormalization', 'config': base(
            'batchnormalization_1', epsilon=0.001, mode=0, axis=-1, momentum=0.99, gamma_regularizer=None,
            beta_regularizer=None)},
        {'class_name': 'Dense', 'config': base(
            'dense_1', output_dim=2, init='glorot_uniform', activation='linear', W_regularizer=None,
            b_regularizer=None, activity_regularizer=None, W_constraint=None, b_constraint=None, bias=True,
            input_dim=4)},
    ]}


def _keras1_arrays():
    rng = np.random.RandomState(3)
    th_kernel = rng.uniform(-0.5, 0.5, (3, 2, 3, 2)).astype('float32')
    conv_bias = rng.uniform(-0.5, 0.5, 3).astype('float32')
    lstm = []
    for gate in ('i', 'c', 'f', 'o'):
        lstm += [('W_' + gate, rng.uniform(-0.5, 0.5, (3, 4)).astype('float32')),
                 ('U_' + gate, rng.uniform(-0.5, 0.5, (4, 4)).astype('float32')),
                 ('b_' + gate, rng.uniform(-0.5, 0.5, 4).astype('float32'))]
    bn = [('gamma', rng.uniform(0.5, 1.5, 4).astype('float32')), ('beta', rng.uniform(-0.5, 0.5, 4).astype('float32')),
          ('running_mean', rng.uniform(-0.5, 0.5, 4).astype('float32')),
          ('running_std', rng.uniform(0.5, 1.5, 4).astype('float32'))]
    dense = [('W', rng.uniform(-0.5, 0.5, (4, 2)).astype('float32')),
             ('b', rng.uniform(-0.5, 0.5, 2).astype('float32'))]
    return [('convolution2d_1', [('W', th_kernel), ('b', conv_bias)]), ('lstm_1', lstm),
            ('batchnormalization_1', bn), ('dense_1', dense)]


def _expected_predictions(x, arrays):
    """The Keras 1 model computed by hand in numpy (Theano's true convolution, Keras 1 LSTM gates)."""
    conv, lstm, bn, dense = [dict(a) for _, a in arrays]
    h = _true_convolution_th(x, conv['W'], conv['b'])           # (n, 3, 4, 5)
    seq = h.reshape(len(x), 3, 20).transpose(0, 2, 1)          # (n, 20, 3)
    hard_sigmoid = lambda v: np.clip(0.2 * v + 0.5, 0., 1.)  # noqa: E731
    state, cell = np.zeros((len(x), 4)), np.zeros((len(x), 4))
    for t in range(seq.shape[1]):
        pre = {g: seq[:, t] @ lstm['W_' + g] + state @ lstm['U_' + g] + lstm['b_' + g] for g in 'icfo'}
        cell = hard_sigmoid(pre['f']) * cell + hard_sigmoid(pre['i']) * np.tanh(pre['c'])
        state = hard_sigmoid(pre['o']) * np.tanh(cell)
    normed = (state - bn['running_mean']) / np.sqrt(bn['running_std'] + 1e-3) * bn['gamma'] + bn['beta']
    return normed @ dense['W'] + dense['b']


def test_keras1_theano_file_loads_with_load_model_and_load_weights(tmp_path):
    path = str(tmp_path / 'keras1.h5')
    arrays = _keras1_arrays()
    _write_keras1_file(path, _keras1_config(), arrays)
    x = np.random.RandomState(0).rand(2, 2, 6, 6).astype('float32')
    expected = _expected_predictions(x, arrays)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # the Keras 1 spellings warn, as in Keras 2.2
        model = keras.models.load_model(path, compile=False)
    conv = model.layers[0]
    assert isinstance(conv, layers.Conv2D) and conv.data_format == 'channels_first'
    assert conv.kernel_size == (3, 2) and conv.kernel_constraint.max_value == 2
    assert conv.kernel_regularizer.l2 == pytest.approx(0.01)
    np.testing.assert_allclose(model.predict(x), expected, rtol=1e-4, atol=1e-5)

    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        fresh = keras.models.model_from_json(json.dumps(_keras1_config()))
    with h5py.File(path, 'r') as f:
        fresh.load_weights(f['model_weights'])
    np.testing.assert_allclose(fresh.predict(x), expected, rtol=1e-4, atol=1e-5)
    fresh.set_weights([np.zeros_like(w) for w in fresh.get_weights()])
    with h5py.File(path, 'r') as f:
        saving.load_weights_from_hdf5_group_by_name(f['model_weights'], fresh.layers)
    np.testing.assert_allclose(fresh.predict(x), expected, rtol=1e-4, atol=1e-5)


def test_keras1_weights_file_without_backend_loads_into_keras2_model(tmp_path):
    """A Keras 1 `save_weights` file (only `layer_names`) from the TensorFlow-ordered world: no flip."""
    path = str(tmp_path / 'keras1_weights.h5')
    model = _randomize(Sequential([layers.Conv2D(3, (3, 3), input_shape=(5, 5, 2), name='conv'),
                                   layers.Reshape((9, 3)), layers.GRU(2, name='gru')]))
    kernel, bias = model.layers[0].get_weights()
    gru = _split_gates(model.layers[2].get_weights(), 3, (0, 1, 2))
    _write_keras1_file(path, {}, [('conv', [('W', kernel), ('b', bias)]),
                                  ('gru', list(zip(['W_z', 'U_z', 'b_z', 'W_r', 'U_r', 'b_r', 'W_h', 'U_h', 'b_h'],
                                                   gru)))], backend=None)
    x = RNG.rand(2, 5, 5, 2).astype('float32')
    clone = keras.models.clone_model(model)
    clone.load_weights(path)
    np.testing.assert_allclose(clone.predict(x), model.predict(x), rtol=1e-5, atol=1e-6)


def test_unknown_keras1_regularizer_is_a_clear_error():
    with pytest.raises(ValueError, match='EigenvalueRegularizer'):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            layers.Dense(output_dim=2, W_regularizer={'name': 'EigenvalueRegularizer', 'k': 1})


def test_keras1_functional_config_with_wrappers_loads():
    """Keras 1 `InputLayer` (`input_dtype`), 3-element inbound nodes, Bidirectional/TimeDistributed configs."""
    lstm = {'class_name': 'LSTM', 'config': {
        'name': 'lstm_1', 'trainable': True, 'return_sequences': True, 'go_backwards': False, 'stateful': False,
        'unroll': False, 'consume_less': 'cpu', 'input_dim': 3, 'input_length': None, 'output_dim': 2,
        'init': 'glorot_uniform', 'inner_init': 'orthogonal', 'forget_bias_init': 'one', 'activation': 'tanh',
        'inner_activation': 'hard_sigmoid', 'W_regularizer': None, 'U_regularizer': None, 'b_regularizer': None,
        'dropout_W': 0.0, 'dropout_U': 0.0}}
    dense = {'class_name': 'Dense', 'config': {
        'name': 'dense_1', 'trainable': True, 'output_dim': 2, 'init': 'glorot_uniform', 'activation': 'linear',
        'W_regularizer': None, 'b_regularizer': None, 'activity_regularizer': None, 'W_constraint': None,
        'b_constraint': None, 'bias': True, 'input_dim': 4}}
    config = {'class_name': 'Model', 'keras_version': '1.2.2', 'config': {'name': 'model_1', 'layers': [
        {'name': 'input_1', 'class_name': 'InputLayer', 'inbound_nodes': [], 'config': {
            'batch_input_shape': [None, 5, 3], 'input_dtype': 'float32', 'sparse': False, 'name': 'input_1'}},
        {'name': 'bidirectional_1', 'class_name': 'Bidirectional', 'inbound_nodes': [[['input_1', 0, 0]]],
         'config': {'name': 'bidirectional_1', 'trainable': True, 'merge_mode': 'concat', 'layer': lstm}},
        {'name': 'timedistributed_1', 'class_name': 'TimeDistributed', 'inbound_nodes': [[['bidirectional_1', 0, 0]]],
         'config': {'name': 'timedistributed_1', 'trainable': True, 'layer': dense}}],
        'input_layers': [['input_1', 0, 0]], 'output_layers': [['timedistributed_1', 0, 0]]}}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        model = keras.models.model_from_json(json.dumps(config))
    assert model.input_shape == (None, 5, 3) and model.output_shape == (None, 5, 2)
    bidirectional = model.layers[1]
    assert bidirectional.forward_layer.units == 2 and bidirectional.forward_layer.unit_forget_bias
    keras1 = []
    for direction in (bidirectional.forward_layer, bidirectional.backward_layer):
        keras1 += _split_gates(direction.get_weights(), 4, LSTM_FILE_ORDER)
    converted = _convert(bidirectional, keras1)
    for a, b in zip(converted, bidirectional.get_weights()):
        np.testing.assert_array_equal(a, b)
