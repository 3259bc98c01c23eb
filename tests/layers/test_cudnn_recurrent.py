"""CuDNNLSTM / CuDNNGRU on numpy: cuDNN's equations on Keras 2.2.4's weight layout (checked against a plain
numpy reference written from cuDNN's canonical parameters), weight conversion on load with the plain
LSTM/GRU in both directions, saved-file round trips, and the RNN layer contract."""
import io

import numpy as np
import pytest
from numpy.testing import assert_allclose

from minikeras import backend as K
from minikeras import regularizers
from minikeras.engine import saving
from minikeras.engine.rnn_weights import convert_rnn_weights
from minikeras.layers import (GRU, LSTM, Bidirectional, CuDNNGRU, CuDNNLSTM, Dense, Embedding, Input, Masking,
                              TimeDistributed)
from minikeras.models import Model, Sequential, load_model
from minikeras.utils.test_utils import layer_test

UNITS, TIMESTEPS, INPUT_DIM = 3, 5, 4


def _sigmoid(x):
    return 1. / (1. + np.exp(-x))


def _canonical(kernel, recurrent_kernel, n_gates, units):
    """cuDNN's per-gate matrices W_g (units, input_dim) and R_g (units, units) from Keras 2.2.4's stored
    blocks: each block is flattened row-major into the params buffer and read back as cuDNN's matrix."""
    input_dim = kernel.shape[0]
    w = [kernel[:, g * units:(g + 1) * units].reshape(-1).reshape(units, input_dim) for g in range(n_gates)]
    r = [recurrent_kernel[:, g * units:(g + 1) * units].reshape(-1).reshape(units, units) for g in range(n_gates)]
    return w, r


def cudnn_lstm_reference(x, kernel, recurrent_kernel, bias, h0, c0):
    """cuDNN's LSTM (NVIDIA's cudnnRNNForward equations), gates i, f, c, o; every step's h."""
    u = recurrent_kernel.shape[0]
    w, r = _canonical(kernel, recurrent_kernel, 4, u)
    bw, br = bias[:4 * u].reshape(4, u), bias[4 * u:].reshape(4, u)
    h, c, hs = h0, c0, []
    for t in range(x.shape[1]):
        pre = [x[:, t] @ w[g].T + h @ r[g].T + bw[g] + br[g] for g in range(4)]
        i, f, o = _sigmoid(pre[0]), _sigmoid(pre[1]), _sigmoid(pre[3])
        c = f * c + i * np.tanh(pre[2])
        h = o * np.tanh(c)
        hs.append(h)
    return np.stack(hs, 1), h, c


def cudnn_gru_reference(x, kernel, recurrent_kernel, bias, h0):
    """cuDNN's GRU: update gate z, reset gate r applied to the recurrent product (with its bias)."""
    u = recurrent_kernel.shape[0]
    w, r = _canonical(kernel, recurrent_kernel, 3, u)  # Keras block order z, r, h
    bw, br = bias[:3 * u].reshape(3, u), bias[3 * u:].reshape(3, u)
    h, hs = h0, []
    for t in range(x.shape[1]):
        z = _sigmoid(x[:, t] @ w[0].T + h @ r[0].T + bw[0] + br[0])
        rr = _sigmoid(x[:, t] @ w[1].T + h @ r[1].T + bw[1] + br[1])
        hh = np.tanh(x[:, t] @ w[2].T + bw[2] + rr * (h @ r[2].T + br[2]))
        h = (1. - z) * hh + z * h
        hs.append(h)
    return np.stack(hs, 1), h


def _random_weights(layer, seed=0):
    rng = np.random.RandomState(seed)
    layer.set_weights([rng.uniform(-1, 1, K.int_shape(w)).astype('float32') for w in layer.weights])
    return layer.get_weights()


def _inputs(n=6, seed=1, shape=(TIMESTEPS, INPUT_DIM)):
    return np.random.RandomState(seed).rand(n, *shape).astype('float32')


# cuDNN semantics -----------------------------------------------------------------------------------------
@pytest.mark.parametrize('go_backwards', [False, True])
def test_cudnn_lstm_computes_cudnn_equations(go_backwards):
    x = _inputs()
    inp, h0, c0 = Input((TIMESTEPS, INPUT_DIM)), Input((UNITS,)), Input((UNITS,))
    layer = CuDNNLSTM(UNITS, return_sequences=True, return_state=True, go_backwards=go_backwards)
    model = Model([inp, h0, c0], layer(inp, initial_state=[h0, c0]))
    weights = _random_weights(layer)
    rng = np.random.RandomState(2)
    h_init, c_init = rng.rand(6, UNITS).astype('float32'), rng.rand(6, UNITS).astype('float32')
    seq, h, c = model.predict([x, h_init, c_init])
    ref_seq, ref_h, ref_c = cudnn_lstm_reference(x[:, ::-1] if go_backwards else x, *weights, h0=h_init,
                                                 c0=c_init)
    assert_allclose(seq, ref_seq, atol=1e-5)
    assert_allclose(h, ref_h, atol=1e-5)
    assert_allclose(c, ref_c, atol=1e-5)


@pytest.mark.parametrize('go_backwards', [False, True])
def test_cudnn_gru_computes_cudnn_equations(go_backwards):
    x = _inputs()
    inp, h0 = Input((TIMESTEPS, INPUT_DIM)), Input((UNITS,))
    layer = CuDNNGRU(UNITS, return_sequences=True, return_state=True, go_backwards=go_backwards)
    model = Model([inp, h0], layer(inp, initial_state=h0))
    weights = _random_weights(layer)
    h_init = np.random.RandomState(2).rand(6, UNITS).astype('float32')
    seq, h = model.predict([x, h_init])
    ref_seq, ref_h = cudnn_gru_reference(x[:, ::-1] if go_backwards else x, *weights, h0=h_init)
    assert_allclose(seq, ref_seq, atol=1e-5)
    assert_allclose(h, ref_h, atol=1e-5)


def test_weights_have_keras_224_shapes_names_and_lstm_forget_bias():
    lstm, gru = CuDNNLSTM(UNITS), CuDNNGRU(UNITS)
    for layer in (lstm, gru):
        layer.build((None, None, INPUT_DIM))
    assert lstm.name.startswith('cu_dnnlstm_') and gru.name.startswith('cu_dnngru_')
    assert [K.int_shape(w) for w in lstm.weights] == [(4, 12), (3, 12), (24,)]
    assert [K.int_shape(w) for w in gru.weights] == [(4, 9), (3, 9), (18,)]
    assert [w.name.split('/')[-1].split(':')[0] for w in lstm.weights] == ['kernel', 'recurrent_kernel', 'bias']
    # unit_forget_bias: the recurrent forget-gate bias (the 6th block) starts at one, the rest at zero.
    expected = np.zeros(24, 'float32')
    expected[15:18] = 1.
    assert_allclose(K.get_value(lstm.bias), expected)
    no_forget = CuDNNLSTM(UNITS, unit_forget_bias=False)
    no_forget.build((None, None, INPUT_DIM))
    assert not K.get_value(no_forget.bias).any()


# Conversion on load ----------------------------------------------------------------------------------------
def _plain(rnn_type):
    kwargs = {'recurrent_activation': 'sigmoid', 'bias_initializer': 'random_uniform'}
    if rnn_type == 'GRU':
        return GRU(UNITS, reset_after=True, **kwargs)
    return LSTM(UNITS, **kwargs)


def _cudnn(rnn_type):
    cls = CuDNNGRU if rnn_type == 'GRU' else CuDNNLSTM
    return cls(UNITS, bias_initializer='random_uniform')


def _model(layer, wrapper, nested, input_shape):
    if wrapper is not None:
        layer = wrapper(layer)
    inp = Input(input_shape)
    model = Model(inp, layer(inp))
    if nested:
        inp = Input(input_shape)
        model = Model(inp, Dense(2, kernel_initializer='ones')(model(inp)))
    return model


def _transfer(source, target, by_name):
    buffer = io.BytesIO()
    source.save_weights(buffer)
    buffer.seek(0)
    target.load_weights(buffer, by_name=by_name)


@pytest.mark.parametrize('rnn_type', ['LSTM', 'GRU'])
@pytest.mark.parametrize('to_cudnn', [False, True], ids=['from_cudnn', 'to_cudnn'])
@pytest.mark.parametrize('wrapper', [None, Bidirectional, TimeDistributed], ids=['plain', 'bidir', 'timedist'])
@pytest.mark.parametrize('nested', [False, True], ids=['flat', 'nested'])
def test_load_weights_converts_between_cudnn_and_plain(rnn_type, to_cudnn, wrapper, nested):
    input_shape = (2, TIMESTEPS, INPUT_DIM) if wrapper is TimeDistributed else (TIMESTEPS, INPUT_DIM)
    plain = _model(_plain(rnn_type), wrapper, nested, input_shape)
    cudnn = _model(_cudnn(rnn_type), wrapper, nested, input_shape)
    x = _inputs(shape=input_shape)
    assert not np.allclose(plain.predict(x), cudnn.predict(x), atol=1e-3)
    source, target = (plain, cudnn) if to_cudnn else (cudnn, plain)
    _transfer(source, target, by_name=False)
    assert_allclose(plain.predict(x), cudnn.predict(x), atol=1e-5)


@pytest.mark.parametrize('rnn_type', ['LSTM', 'GRU'])
@pytest.mark.parametrize('to_cudnn', [False, True], ids=['from_cudnn', 'to_cudnn'])
def test_load_weights_by_name_converts(rnn_type, to_cudnn):
    def build(layer):
        inp = Input((TIMESTEPS, INPUT_DIM))
        layer.name = 'rnn'
        return Model(inp, layer(inp))

    plain, cudnn = build(_plain(rnn_type)), build(_cudnn(rnn_type))
    source, target = (plain, cudnn) if to_cudnn else (cudnn, plain)
    _transfer(source, target, by_name=True)
    x = _inputs()
    assert_allclose(plain.predict(x), cudnn.predict(x), atol=1e-5)


@pytest.mark.parametrize('rnn_type', ['LSTM', 'GRU'])
def test_model_file_with_cudnn_layers_round_trips_and_loads_into_plain_model(rnn_type, tmp_path):
    def build(layer):
        return Sequential([layer, Dense(2)])

    cudnn = build(_cudnn(rnn_type).__class__(UNITS, return_sequences=True, input_shape=(None, INPUT_DIM)))
    cudnn.compile('adam', 'mse')
    x, y = _inputs(), np.random.RandomState(3).rand(6, TIMESTEPS, 2).astype('float32')
    cudnn.fit(x, y, epochs=2, verbose=0)
    path = str(tmp_path / 'cudnn.h5')
    cudnn.save(path)
    reloaded = load_model(path)
    assert type(reloaded.layers[0]) is type(cudnn.layers[0])
    assert reloaded.layers[0].get_config() == cudnn.layers[0].get_config()
    assert_allclose(reloaded.predict(x), cudnn.predict(x), atol=1e-6)

    plain_layer = _plain(rnn_type).__class__(UNITS, return_sequences=True, input_shape=(None, INPUT_DIM),
                                             recurrent_activation='sigmoid',
                                             **({'reset_after': True} if rnn_type == 'GRU' else {}))
    plain = build(plain_layer)
    plain.load_weights(path)  # a full model file: its model_weights group, converted on the fly
    assert_allclose(plain.predict(x), cudnn.predict(x), atol=1e-5)

    # and back: a plain model's file loads into a CuDNN model (load_model of the plain file stays plain)
    plain_path = str(tmp_path / 'plain.h5')
    plain.save(plain_path)
    assert type(load_model(plain_path, compile=False).layers[0]) is type(plain_layer)
    fresh = build(_cudnn(rnn_type).__class__(UNITS, return_sequences=True, input_shape=(None, INPUT_DIM)))
    fresh.load_weights(plain_path)
    assert_allclose(fresh.predict(x), plain.predict(x), atol=1e-5)

    # the optimizer state came back too: training goes on identically
    assert_allclose(reloaded.train_on_batch(x, y), cudnn.train_on_batch(x, y), rtol=1e-5)


def test_conversion_round_trip_and_idempotence():
    for plain, cudnn in ((_plain('LSTM'), _cudnn('LSTM')), (_plain('GRU'), _cudnn('GRU'))):
        for layer in (plain, cudnn):
            layer.build((None, None, INPUT_DIM))
        weights = _random_weights(cudnn)
        back = convert_rnn_weights(cudnn, convert_rnn_weights(plain, weights))
        assert_allclose(back[0], weights[0])
        assert_allclose(back[1], weights[1])
        if isinstance(cudnn, CuDNNLSTM):  # only the sum of the input and recurrent biases is kept
            assert_allclose(back[2][:12] + back[2][12:], weights[2][:12] + weights[2][12:], atol=1e-6)
        else:
            assert_allclose(back[2], weights[2])
        for layer in (plain, cudnn):  # a layer's own weights load unchanged
            own = layer.get_weights()
            for a, b in zip(saving.preprocess_weights_for_loading(layer, own), own):
                assert_allclose(a, b)


def test_gru_without_reset_after_is_refused():
    def built(layer):
        layer.build((None, None, INPUT_DIM))
        return layer

    classic = built(GRU(UNITS))
    cudnn = built(CuDNNGRU(UNITS))
    reset_after = built(GRU(UNITS, reset_after=True))
    with pytest.raises(ValueError, match=r'GRU\(reset_after=False\) is not compatible with CuDNNGRU'):
        convert_rnn_weights(cudnn, classic.get_weights())
    with pytest.raises(ValueError, match=r'CuDNNGRU is not compatible with GRU\(reset_after=False\)'):
        convert_rnn_weights(classic, cudnn.get_weights())
    with pytest.raises(ValueError, match=r'GRU\(reset_after=True\) is not compatible with GRU\(reset_after=Fal'):
        convert_rnn_weights(classic, reset_after.get_weights())
    with pytest.raises(ValueError, match='invalid saved LSTM bias shape'):
        convert_rnn_weights(built(CuDNNLSTM(UNITS)), [np.zeros((4, 12)), np.zeros((3, 12)), np.zeros(7)])
    # LSTM without bias: nothing to convert (and nothing to tell the source by)
    no_bias = built(LSTM(UNITS, use_bias=False))
    assert len(convert_rnn_weights(no_bias, no_bias.get_weights())) == 2


# The RNN layer contract -------------------------------------------------------------------------------------
@pytest.mark.parametrize('cls', [CuDNNGRU, CuDNNLSTM])
@pytest.mark.parametrize('kwargs', [{'return_sequences': True}, {'return_sequences': False},
                                    {'go_backwards': True}], ids=['seq', 'last', 'backwards'])
def test_layer_test(cls, kwargs):
    kwargs = dict(kwargs, units=2)
    layer_test(cls, kwargs=kwargs, input_shape=(3, 4, 3))


@pytest.mark.parametrize('cls', [CuDNNGRU, CuDNNLSTM])
def test_config_trainability_and_regularizers(cls):
    layer = cls(UNITS, return_sequences=True, go_backwards=True, stateful=False,
                kernel_regularizer=regularizers.l1(0.01), recurrent_regularizer=regularizers.l1(0.01),
                bias_regularizer='l2', name='rnn')
    config = layer.get_config()
    assert config['go_backwards'] is True and config['units'] == UNITS and config['name'] == 'rnn'
    assert cls.from_config(config).get_config() == config
    layer.build((None, None, INPUT_DIM))
    assert len(layer.losses) == 3
    assert len(layer.trainable_weights) == 3 and not layer.non_trainable_weights
    layer.trainable = False
    assert len(layer.non_trainable_weights) == 3 and not layer.trainable_weights

    active = cls(UNITS, activity_regularizer='l2')
    x = K.variable(np.ones((2, TIMESTEPS, INPUT_DIM)))
    active(x)
    assert len(active.get_losses_for(x)) == 1


@pytest.mark.parametrize('cls', [CuDNNGRU, CuDNNLSTM])
def test_stateful_and_return_state(cls):
    model = Sequential([Embedding(10, INPUT_DIM, batch_input_shape=(4, TIMESTEPS)),
                        cls(UNITS, stateful=True)])
    model.compile('sgd', 'mse')
    x = np.ones((4, TIMESTEPS))
    out1 = model.predict(x)
    out2 = model.predict(x)
    assert not np.allclose(out1, out2)  # the states carried over
    model.reset_states()
    assert_allclose(model.predict(x), out1, atol=1e-6)

    inp = Input(batch_shape=(4, TIMESTEPS, INPUT_DIM))
    layer = cls(UNITS, return_state=True, stateful=True)
    outputs = layer(inp)
    assert len(outputs) == (3 if cls is CuDNNLSTM else 2)
    state = Model(inp, outputs[1]).predict(_inputs(4))
    assert_allclose(K.get_value(layer.states[0]), state, atol=1e-6)


@pytest.mark.parametrize('cls', [CuDNNGRU, CuDNNLSTM])
def test_trains_in_bidirectional_and_refuses_masks(cls):
    model = Sequential([Bidirectional(cls(2, return_sequences=True), input_shape=(None, 3)),
                        Bidirectional(cls(2))])
    model.compile('sgd', 'mse')
    x, y = _inputs(4, shape=(3, 3)), np.zeros((4, 4), 'float32')
    loss0 = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=3, verbose=0)
    assert model.evaluate(x, y, verbose=0) < loss0

    inp = Input((TIMESTEPS, INPUT_DIM))
    with pytest.raises((ValueError, TypeError), match='mask'):
        cls(UNITS)(Masking()(inp))


def test_bad_arguments():
    with pytest.raises(ValueError, match='units'):
        CuDNNLSTM(0)
    with pytest.raises(ValueError, match='unroll'):
        CuDNNGRU(2, unroll=True)
