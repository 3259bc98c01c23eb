"""Recurrent layers: Keras 2 fixtures (outputs, gradients, configs), `layer_test`,
every recurrent option, custom cells, stateful use and the functional-API guide
examples that use LSTMs."""
import json

import numpy as np
import pytest

from keras2_fixtures import assert_close, case_names, check_layer_fixture, load_case

import minikeras
from minikeras import backend as K
from minikeras import layers as L
from minikeras.engine.base_layer import Layer
from minikeras.layers import (GRU, LSTM, RNN, Embedding, GRUCell, Input, LSTMCell, SimpleRNN,
                              SimpleRNNCell, StackedRNNCells)
from minikeras.models import Model, Sequential, load_model
from minikeras.utils.test_utils import layer_test

RECURRENT_CASES = [n for n in case_names('layers')
                   if n.startswith(('lstm', 'gru', 'simplernn', 'masking_lstm', 'embedding_mask', 'conv_lstm'))]


def run_layer_case(name):
    """Drives one fixture case the way the conformance checker does (README section 7),
    then (for single layers) a JSON config round trip and `layer_test`."""
    meta, a, layer, model = check_layer_fixture(name)
    n_out = meta['n_outputs']
    ys = [a['y']] if 'y' in a else [a['y%d' % i] for i in range(n_out)]
    ws = [a['w%d' % j] for j in range(len(meta['weight_names']))]
    xs = [a['x%d' % i] for i in range(meta['n_inputs'])]
    if meta['kind'] == 'layer':
        config = layer.get_config()
        again = L.deserialize({'class_name': meta['class_name'], 'config': json.loads(json.dumps(config))})
        assert again.get_config() == config
        if n_out == 1:
            K.clear_session()
            cls = type(layer)
            kwargs = cls.from_config(meta['config']).get_config()
            kwargs['weights'] = ws
            # layer_test keeps the given `weights` (also for Bidirectional, which names it), so the
            # fixture output is expected from every layer built with them.
            layer_test(cls, kwargs=kwargs, input_data=xs[0], expected_output=ys[0], check_gradients=False,
                       expected_output_dtype='float32')
    return meta


@pytest.mark.parametrize('name', RECURRENT_CASES)
def test_fixture_case(name):
    run_layer_case(name)


# --- layer_test over the options -------------------------------------------------------

@pytest.mark.parametrize('cls', [SimpleRNN, GRU, LSTM])
@pytest.mark.parametrize('options', [
    {},
    {'return_sequences': True},
    {'go_backwards': True, 'return_sequences': True},
    {'unroll': True},
    {'implementation': 2},
    {'use_bias': False, 'activation': 'relu'},
])
def test_layer_test(cls, options):
    kwargs = dict(units=3, recurrent_activation='sigmoid') if cls is not SimpleRNN else dict(units=3)
    kwargs.update(options)
    if 'implementation' in options and cls is SimpleRNN:
        with pytest.warns(UserWarning, match='implementation'):
            layer_test(cls, kwargs=kwargs, input_shape=(3, 4, 2))
    else:
        layer_test(cls, kwargs=kwargs, input_shape=(3, 4, 2))


def test_simple_rnn_implementation_is_accepted_and_ignored():
    # Keras 2.2 accepts SimpleRNN(implementation=...) with a deprecation warning.
    with pytest.warns(UserWarning, match='implementation'):
        layer = SimpleRNN(3, implementation=2)
    assert 'implementation' not in layer.get_config()
    plain = SimpleRNN(3)
    x = np.random.rand(2, 4, 2).astype('float32')
    y = _predict(layer, x)
    plain.build((None, 4, 2))
    plain.set_weights(layer.get_weights())
    np.testing.assert_allclose(_predict(plain, x), y, rtol=1e-6)


@pytest.mark.parametrize('cls', [GRU, LSTM])
def test_implementation_zero_means_one_with_a_warning(cls):
    with pytest.warns(UserWarning, match='implementation=0'):
        layer = cls(3, implementation=0)
    assert layer.implementation == 1
    with pytest.raises(ValueError, match='implementation'):
        cls(3, implementation=3)


@pytest.mark.parametrize('cls', [SimpleRNN, GRU, LSTM])
def test_identity_recurrent_initializer_is_one_identity_per_gate(cls):
    layer = cls(3, recurrent_initializer='identity')
    layer.build((None, 4, 2))
    recurrent_kernel = layer.get_weights()[1]
    gates = recurrent_kernel.shape[1] // 3
    np.testing.assert_array_equal(recurrent_kernel, np.hstack([np.eye(3)] * gates))


def test_layer_test_gru_reset_after():
    layer_test(GRU, kwargs={'units': 3, 'reset_after': True, 'return_sequences': True}, input_shape=(3, 4, 2))


def test_layer_test_regularizers_constraints():
    kwargs = dict(units=3, kernel_regularizer='l2', recurrent_regularizer='l1', bias_regularizer='l2',
                  activity_regularizer='l2', kernel_constraint='max_norm', recurrent_constraint='non_neg',
                  bias_constraint='unit_norm')
    for cls in (SimpleRNN, GRU, LSTM):
        K.clear_session()
        layer = cls(**kwargs)
        layer(Input((4, 2)))
        assert len(layer.losses) == 4  # three weight regularizers + the activity one
        layer_test(cls, kwargs=kwargs, input_shape=(3, 4, 2), check_gradients=False)


def _predict(layer, x, **call_kwargs):
    inp = Input(x.shape[1:])
    return Model(inp, layer(inp, **call_kwargs)).predict(x)


@pytest.mark.parametrize('cls', [GRU, LSTM])
def test_implementations_and_unroll_agree(cls):
    x = np.random.rand(4, 6, 3).astype('float32')
    base = cls(5, return_sequences=True, implementation=1)
    y1 = _predict(base, x)
    weights = base.get_weights()
    for kwargs in ({'implementation': 2}, {'unroll': True}, {'implementation': 2, 'unroll': True}):
        other = cls(5, return_sequences=True, **kwargs)
        other.build((None, 6, 3))
        other.set_weights(weights)
        np.testing.assert_allclose(_predict(other, x), y1, rtol=1e-5, atol=1e-6)


def test_lstm_unit_forget_bias_and_shapes():
    layer = LSTM(4, unit_forget_bias=True)
    layer.build((None, 5, 3))
    bias = K.get_value(layer.cell.bias)
    np.testing.assert_array_equal(bias, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    assert [w.shape for w in layer.get_weights()] == [(3, 16), (4, 16), (16,)]
    layer = LSTM(4, unit_forget_bias=False)
    layer.build((None, 5, 3))
    assert not K.get_value(layer.cell.bias).any()
    gru = GRU(2, reset_after=True)
    gru.build((None, 5, 3))
    assert [w.shape for w in gru.get_weights()] == [(3, 6), (2, 6), (2, 6)]


def test_keras22_defaults_and_attributes():
    layer = LSTM(7)
    assert layer.units == 7 and layer.recurrent_activation is minikeras.activations.hard_sigmoid
    assert layer.implementation == 1 and layer.unit_forget_bias
    assert GRU(3).reset_after is False
    config = LSTM(2, time_major=False, implementation=2).get_config()
    assert config['implementation'] == 2 and 'cell' not in config
    with pytest.raises(ValueError):
        LSTM(2, time_major=True)


def test_simple_rnn_seed_examples():
    # EX-26: 15 params, a (2, 3) kernel and a (3, 3) recurrent kernel.
    inp = Input((None, 2))
    layer = SimpleRNN(3, use_bias=False)
    out = layer(inp)
    assert K.int_shape(out) == (None, 3)
    model = Model(inp, out)
    assert model.count_params() == 15
    assert [w.shape for w in layer.get_weights()] == [(2, 3), (3, 3)]
    # EX-27
    x = np.array([[[1., 2.], [2., 3.]]], dtype='float32')
    assert Sequential([SimpleRNN(3, return_sequences=True, input_shape=(None, 2))]).predict(x).shape == (1, 2, 3)
    assert Sequential([SimpleRNN(3, input_shape=(None, 2))]).predict(x).shape == (1, 3)
    inp = Input((None, 2))
    out, state = SimpleRNN(3, return_state=True)(inp)
    a, b = Model(inp, [out, state]).predict(x)
    np.testing.assert_array_equal(a, b)


class MinimalRNNCell(Layer):
    """The custom cell of the Keras documentation (EX-28)."""

    def __init__(self, units, **kwargs):
        self.units = units
        self.state_size = units
        super(MinimalRNNCell, self).__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer='uniform', name='kernel')
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer='uniform',
                                                name='recurrent_kernel')
        self.built = True

    def call(self, inputs, states):
        prev_output = states[0]
        h = K.dot(inputs, self.kernel)
        output = h + K.dot(prev_output, self.recurrent_kernel)
        return output, [output]

    def get_config(self):
        config = super(MinimalRNNCell, self).get_config()
        config['units'] = self.units
        return config


def test_custom_and_stacked_cells():
    cell = MinimalRNNCell(32)
    x = Input((None, 5))
    layer = RNN(cell)
    y = layer(x)
    model = Model(x, y)
    assert model.count_params() == 5 * 32 + 32 * 32
    data = np.random.rand(2, 3, 5).astype('float32')
    k, r = layer.get_weights()
    h = np.zeros((2, 32))
    for t in range(3):
        h = data[:, t] @ k + h @ r
    np.testing.assert_allclose(model.predict(data), h, rtol=1e-4, atol=1e-5)
    # EX-29: stacked
    x = Input((None, 5))
    y = RNN([MinimalRNNCell(32), MinimalRNNCell(64)])(x)
    assert K.int_shape(y) == (None, 64)
    model = Model(x, y)
    assert model.count_params() == 5 * 32 + 32 * 32 + 32 * 64 + 64 * 64
    model.summary(print_fn=lambda *a, **k: None)
    # round trip with a custom object
    config = model.get_config()
    again = Model.from_config(config, custom_objects={'MinimalRNNCell': MinimalRNNCell})
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(again.predict(data), model.predict(data), rtol=1e-5)


def test_stacked_builtin_cells_match_two_layers():
    data = np.random.rand(3, 4, 2).astype('float32')
    x = Input((4, 2))
    stacked = RNN(StackedRNNCells([LSTMCell(3), GRUCell(2, reset_after=True)]), return_state=True)
    outs = stacked(x)
    assert len(outs) == 4 and K.int_shape(outs[0]) == (None, 2)
    model = Model(x, outs)
    w = stacked.get_weights()
    x2 = Input((4, 2))
    l1 = LSTM(3, return_sequences=True)
    l2 = GRU(2, reset_after=True)
    two = Model(x2, l2(l1(x2)))
    l1.set_weights(w[:3])
    l2.set_weights(w[3:])
    np.testing.assert_allclose(model.predict(data)[0], two.predict(data), rtol=1e-5, atol=1e-6)
    again = RNN.from_config(stacked.get_config())
    assert isinstance(again.cell, StackedRNNCells) and len(again.cell.cells) == 2
    layer_test(RNN, kwargs={'cell': [SimpleRNNCell(3), LSTMCell(2)]}, input_shape=(2, 3, 4))


def test_stacked_cells_reverse_state_order():
    cells = [LSTMCell(3), GRUCell(6)]
    natural = RNN(cells, return_state=True, return_sequences=True)
    assert natural.compute_output_shape((None, 4, 2)) == [(None, 4, 6), (None, 3), (None, 3), (None, 6)]
    with pytest.warns(UserWarning, match='reverse_state_order'):
        stacked = StackedRNNCells(cells, reverse_state_order=True)
    assert stacked.state_size == (6, 3, 3)
    reverse = RNN(stacked, return_state=True)
    assert reverse.compute_output_shape((None, 4, 2)) == [(None, 6), (None, 6), (None, 3), (None, 3)]
    # Same computation, states listed last cell first.
    x = Input((4, 2))
    data = np.random.rand(2, 4, 2).astype('float32')
    out_rev = Model(x, reverse(x)).predict(data)
    again = RNN([LSTMCell(3), GRUCell(6)], return_state=True)
    again.build((None, 4, 2))
    again.set_weights(reverse.get_weights())
    out_nat = Model(x, again(x)).predict(data)
    np.testing.assert_allclose(out_rev[0], out_nat[0], rtol=1e-5)
    np.testing.assert_allclose(out_rev[1], out_nat[3], rtol=1e-5)   # GRU state
    np.testing.assert_allclose(out_rev[2], out_nat[1], rtol=1e-5)   # LSTM h
    # Initial states are taken in the same (reversed) order.
    s_gru, s_h, s_c = Input((6,)), Input((3,)), Input((3,))
    with pytest.warns(UserWarning):
        layer = RNN(StackedRNNCells([LSTMCell(3), GRUCell(6)], reverse_state_order=True))
    y = layer(x, initial_state=[s_gru, s_h, s_c])
    assert K.int_shape(y) == (None, 6)
    config = layer.get_config()
    assert config['cell']['config']['reverse_state_order'] is True
    with pytest.warns(UserWarning):
        assert RNN.from_config(config).cell.reverse_state_order


def test_stacked_cells_losses_and_trainability():
    cells = [LSTMCell(3), LSTMCell(3, kernel_regularizer='l2')]
    layer = RNN(cells)
    layer.build((None, None, 5))
    assert len(layer.losses) == 1 and len(layer.get_losses_for(None)) == 1
    assert len(layer.trainable_weights) == 6
    cells[0].trainable = False
    assert len(layer.trainable_weights) == 3 and len(layer.non_trainable_weights) == 3
    # Conditional losses of a cell are the layer's, for the same inputs.
    x = Input((None, 5))
    y = K.sum(x)
    cells[0].add_loss(y, inputs=x)
    assert layer.get_losses_for(x) == [y]
    assert layer.cell.get_losses_for(x) == [y]


def test_stacked_cells_with_constants_only_for_cells_that_take_them():
    x = Input((None, 5))
    c = Input((3,))
    layer = RNN([GRUCell(8), ConstantCell(12), ConstantCell(4)])
    y = layer(x, constants=c)
    assert K.int_shape(y) == (None, 4)
    assert layer.cell.cells[0].kernel.shape == (5, 24)
    assert layer.cell.cells[1].constant_kernel.shape == (3, 12)
    model = Model([x, c], y)
    model.compile('rmsprop', 'mse')
    xd, cd = np.random.rand(6, 5, 5).astype('float32'), np.random.rand(6, 3).astype('float32')
    model.train_on_batch([xd, cd], np.zeros((6, 4)))
    expected = model.predict([xd, cd])
    again = RNN.from_config(layer.get_config(), custom_objects={'ConstantCell': ConstantCell})
    other = Model([x, c], again([x, c]))
    other.set_weights(model.get_weights())
    np.testing.assert_allclose(other.predict([xd, cd]), expected, rtol=1e-5)


def test_cells_standalone():
    for cell in (SimpleRNNCell(3), GRUCell(3), LSTMCell(3), GRUCell(3, reset_after=True)):
        x = K.placeholder((None, 2))
        cell.build((None, 2))
        states = [K.placeholder((None, 3)) for _ in np.atleast_1d(cell.state_size)]
        out, new_states = cell.call(x, states)
        assert K.int_shape(out) == (None, 3) and len(new_states) == len(states)
        again = type(cell).from_config(cell.get_config())
        assert again.get_config() == cell.get_config()


class ConstantCell(Layer):
    """A cell that adds a constant (exercises RNN `constants`)."""

    def __init__(self, units, **kwargs):
        self.units = units
        self.state_size = units
        super(ConstantCell, self).__init__(**kwargs)

    def build(self, input_shape):
        step_input_shape, constant_shape = input_shape
        self.kernel = self.add_weight(shape=(step_input_shape[-1], self.units), name='kernel')
        self.constant_kernel = self.add_weight(shape=(constant_shape[-1], self.units), name='constant_kernel')
        self.built = True

    def call(self, inputs, states, constants):
        return K.dot(inputs, self.kernel) + states[0] + K.dot(constants[0], self.constant_kernel), \
            [K.dot(inputs, self.kernel) + states[0]]

    def get_config(self):
        config = super(ConstantCell, self).get_config()
        config['units'] = self.units
        return config


def test_constants():
    x = Input((3, 2))
    c = Input((4,))
    layer = RNN(ConstantCell(5))
    y = layer(x, constants=c)
    model = Model([x, c], y)
    xd = np.random.rand(2, 3, 2).astype('float32')
    cd = np.random.rand(2, 4).astype('float32')
    k, ck = layer.get_weights()
    h = np.zeros((2, 5))
    for t in range(3):
        out = xd[:, t] @ k + h + cd @ ck
        h = xd[:, t] @ k + h
    np.testing.assert_allclose(model.predict([xd, cd]), out, rtol=1e-5)
    again = Model.from_config(model.get_config(), custom_objects={'ConstantCell': ConstantCell})
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(again.predict([xd, cd]), out, rtol=1e-5)
    with pytest.raises(ValueError):
        RNN(MinimalRNNCell(3))(x, constants=c)


def test_initial_state_as_inputs_and_return_state():
    data = np.random.rand(3, 4, 2).astype('float32')
    h0 = np.random.rand(3, 5).astype('float32')
    c0 = np.random.rand(3, 5).astype('float32')
    x, sh, sc = Input((4, 2)), Input((5,)), Input((5,))
    layer = LSTM(5, return_sequences=True, return_state=True)
    seq, h, c = layer(x, initial_state=[sh, sc])
    model = Model([x, sh, sc], [seq, h, c])
    ys, yh, yc = model.predict([data, h0, c0])
    np.testing.assert_allclose(ys[:, -1], yh, rtol=1e-6)
    # reference: continue a sequence from the state reached after a prefix
    x2 = Input((4, 2))
    plain = LSTM(5, return_state=True)
    model2 = Model(x2, plain(x2))
    plain.set_weights(layer.get_weights())
    _, h_first, c_first = model2.predict(data)
    full = Model(x2, LSTM(5, weights=layer.get_weights())(L.Lambda(lambda t: K.concatenate([t, t], axis=1))(x2)))
    expected = full.predict(data)
    np.testing.assert_allclose(model.predict([data, h_first, c_first])[1], expected, rtol=1e-4, atol=1e-5)
    # the model (with its initial-state inputs) round-trips through its config
    again = Model.from_config(model.get_config())
    again.set_weights(model.get_weights())
    for a_, b_ in zip(again.predict([data, h0, c0]), (ys, yh, yc)):
        np.testing.assert_allclose(a_, b_, rtol=1e-6)
    # non-Keras tensors as initial state
    zero = K.zeros((3, 5))
    out = LSTM(5)(K.constant(data), initial_state=[zero, zero])
    assert K.int_shape(out) == (3, 5)
    with pytest.raises(ValueError):
        LSTM(5)(x, initial_state=[sh])


def test_masking_skips_steps():
    rng = np.random.RandomState(0)
    data = rng.randint(1, 10, size=(3, 6)).astype('int32')
    data[0, 4:] = 0   # trailing padding
    data[1, :2] = 0   # leading padding
    model = Sequential([Embedding(10, 4, mask_zero=True, input_length=6), GRU(3, return_sequences=True)])
    out = model.predict(data)
    emb, gru = model.layers
    # trailing: the last output repeats the output of step 3
    np.testing.assert_allclose(out[0, 4], out[0, 3], rtol=1e-6)
    np.testing.assert_allclose(out[0, 5], out[0, 3], rtol=1e-6)
    # leading masked steps output zeros and leave the zero state
    np.testing.assert_allclose(out[1, :2], 0)
    ref = Sequential([Embedding(10, 4, input_length=4), GRU(3)])
    ref.set_weights(model.get_weights())
    np.testing.assert_allclose(ref.predict(data[1:2, 2:]), out[1:2, -1], rtol=1e-5, atol=1e-6)
    # Masking layer too
    x = np.random.rand(2, 5, 3).astype('float32')
    x[0, 3:] = 0.
    m = Sequential([L.Masking(0., input_shape=(5, 3)), LSTM(4)])
    ref = Sequential([LSTM(4, input_shape=(3, 3))])
    ref.set_weights(m.get_weights())
    np.testing.assert_allclose(m.predict(x)[0], ref.predict(x[:1, :3])[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('cls', [SimpleRNN, GRU, LSTM])
def test_dropout_training_only(cls):
    x = np.random.rand(4, 5, 3).astype('float32')
    for implementation in (1, 2):
        K.clear_session()
        kwargs = {'implementation': implementation} if cls is not SimpleRNN else {}
        layer = cls(6, dropout=0.5, recurrent_dropout=0.5, **kwargs)
        inp = Input((5, 3))
        out = layer(inp)
        assert out._uses_learning_phase
        clean = cls(6, **kwargs)
        clean.build((None, 5, 3))
        clean.set_weights(layer.get_weights())
        f = K.function([inp, K.learning_phase()], [out])
        np.testing.assert_allclose(f([x, 0])[0], _predict(clean, x), rtol=1e-5, atol=1e-6)
        train = f([x, 1])[0]
        assert np.isfinite(train).all() and not np.allclose(train, f([x, 0])[0])
        model = Model(inp, out)
        model.compile('sgd', 'mse')
        loss = model.train_on_batch(x, np.zeros((4, 6), 'float32'))
        assert np.isfinite(loss).all()


@pytest.mark.parametrize('cls', [SimpleRNN, GRU, LSTM])
def test_dropout_on_one_feature(cls):
    # Issue 13: dropout on inputs with a single feature used to fail at run time.
    model = Sequential([cls(3, dropout=0.3, recurrent_dropout=0.3, input_shape=(4, 1))])
    assert model.output_shape == (None, 3)
    model.compile('sgd', 'mse')
    x = np.random.rand(5, 4, 1).astype('float32')
    history = model.fit(x, np.random.rand(5, 3), epochs=2, verbose=0)
    assert np.isfinite(history.history['loss']).all()
    assert model.predict(x).shape == (5, 3)


def test_stateful_carries_state_and_resets():
    rng = np.random.RandomState(1)
    x = rng.rand(2, 6, 3).astype('float32')
    model = Sequential([LSTM(4, stateful=True, batch_input_shape=(2, 3, 3))])
    full = Sequential([LSTM(4, input_shape=(6, 3))])
    full.set_weights(model.get_weights())
    expected = full.predict(x)
    model.predict(x[:, :3], batch_size=2)
    second = model.predict(x[:, 3:], batch_size=2)
    np.testing.assert_allclose(second, expected, rtol=1e-5, atol=1e-6)
    layer = model.layers[0]
    assert np.abs(K.get_value(layer.states[0])).sum() > 0
    model.reset_states()
    assert not np.any(K.get_value(layer.states[0])) and not np.any(K.get_value(layer.states[1]))
    first_again = model.predict(x[:, :3], batch_size=2)
    fresh = Sequential([LSTM(4, input_shape=(3, 3))])
    fresh.set_weights(model.get_weights())
    np.testing.assert_allclose(first_again, fresh.predict(x[:, :3]), rtol=1e-5, atol=1e-6)
    # states carry across training batches too
    model.compile('sgd', 'mse')
    model.train_on_batch(x[:, :3], np.zeros((2, 4), 'float32'))
    assert np.abs(K.get_value(layer.states[0])).sum() > 0
    layer.reset_states([np.ones((2, 4)), np.zeros((2, 4))])
    np.testing.assert_array_equal(K.get_value(layer.states[0]), 1)
    with pytest.raises(ValueError):
        layer.reset_states([np.ones((3, 4)), np.zeros((2, 4))])
    with pytest.raises(AttributeError):
        LSTM(3).reset_states()
    with pytest.raises(ValueError):
        Sequential([LSTM(3, stateful=True, input_shape=(3, 2))])


def test_linear_in_sequence_length():
    """The scan's graph does not grow with the sequence length."""
    counts = []
    for steps in (5, 40):
        K.clear_session()
        x = Input((steps, 3))
        out = LSTM(4)(x)
        grads = K.gradients(K.sum(out), [x])
        f = K.function([x], grads)
        f([np.random.rand(2, steps, 3).astype('float32')])
        counts.append(len(f._programs[min(f._programs)].steps))
    assert counts[0] == counts[1]


def test_errors_name_layer_and_shapes():
    with pytest.raises(ValueError, match='ndim=3'):
        LSTM(2)(Input((3,)))
    with pytest.raises(ValueError, match='unroll'):
        LSTM(2, unroll=True)(Input((None, 3)))
    with pytest.raises(ValueError):
        LSTM(0)


# --- the functional-API guide examples (EX-09, EX-10) ------------------------------------

def test_guide_two_input_two_output_model(tmp_path):
    from minikeras.layers import Input, Embedding, LSTM, Dense
    from minikeras.models import Model
    main_input = Input(shape=(100,), dtype='int32', name='main_input')
    x = Embedding(output_dim=512, input_dim=10000, input_length=100)(main_input)
    lstm_out = LSTM(32)(x)
    auxiliary_output = Dense(1, activation='sigmoid', name='aux_output')(lstm_out)
    auxiliary_input = Input(shape=(5,), name='aux_input')
    x = minikeras.layers.concatenate([lstm_out, auxiliary_input])
    x = Dense(64, activation='relu')(x)
    x = Dense(64, activation='relu')(x)
    x = Dense(64, activation='relu')(x)
    main_output = Dense(1, activation='sigmoid', name='main_output')(x)
    model = Model(inputs=[main_input, auxiliary_input], outputs=[main_output, auxiliary_output])
    model.compile(optimizer='rmsprop', loss='binary_crossentropy', loss_weights=[1., 0.2])
    headline_data = np.random.randint(1, 10000, size=(16, 100))
    additional_data = np.random.rand(16, 5)
    labels = np.random.randint(0, 2, size=(16, 1))
    model.fit([headline_data, additional_data], [labels, labels], epochs=2, batch_size=8, verbose=0)
    model.compile(optimizer='rmsprop',
                  loss={'main_output': 'binary_crossentropy', 'aux_output': 'binary_crossentropy'},
                  loss_weights={'main_output': 1., 'aux_output': 0.2})
    history = model.fit({'main_input': headline_data, 'aux_input': additional_data},
                        {'main_output': labels, 'aux_output': labels}, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history['loss']).all()
    path = str(tmp_path / 'news.h5')
    model.save(path)
    again = load_model(path)
    for a_, b_ in zip(again.predict([headline_data, additional_data]), model.predict([headline_data,
                                                                                       additional_data])):
        np.testing.assert_allclose(a_, b_, rtol=1e-5, atol=1e-6)


def test_guide_shared_lstm(tmp_path):
    import minikeras as keras
    from minikeras.layers import Input, LSTM, Dense
    from minikeras.models import Model
    tweet_a = Input(shape=(140, 256))
    tweet_b = Input(shape=(140, 256))
    shared_lstm = LSTM(64)
    encoded_a = shared_lstm(tweet_a)
    encoded_b = shared_lstm(tweet_b)
    merged_vector = keras.layers.concatenate([encoded_a, encoded_b], axis=-1)
    predictions = Dense(1, activation='sigmoid')(merged_vector)
    model = Model(inputs=[tweet_a, tweet_b], outputs=predictions)
    model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])
    data_a = np.random.rand(8, 140, 256).astype('float32')
    data_b = np.random.rand(8, 140, 256).astype('float32')
    labels = np.random.randint(0, 2, size=(8, 1))
    model.fit([data_a, data_b], labels, epochs=2, verbose=0)
    assert len(model.trainable_weights) == 5  # one LSTM's three weights + Dense's two
    path = str(tmp_path / 'siamese.h5')
    model.save(path)
    again = load_model(path)
    np.testing.assert_allclose(again.predict([data_a, data_b]), model.predict([data_a, data_b]),
                               rtol=1e-5, atol=1e-6)


# --- ConvLSTM2D -----------------------------------------------------------------------

@pytest.mark.parametrize('kwargs', [
    {'padding': 'valid'},
    {'padding': 'same', 'return_sequences': True, 'go_backwards': True},
    {'padding': 'valid', 'strides': (2, 2), 'dropout': 0.2, 'recurrent_dropout': 0.2},
    {'padding': 'same', 'data_format': 'channels_first', 'return_sequences': True},
])
def test_conv_lstm2d_layer_test(kwargs):
    from minikeras.layers import ConvLSTM2D
    shape = (2, 3, 2, 5, 5) if kwargs.get('data_format') == 'channels_first' else (2, 3, 5, 5, 2)
    layer_test(ConvLSTM2D, kwargs=dict(filters=2, kernel_size=(3, 3), **kwargs), input_shape=shape,
               check_gradients='dropout' not in kwargs)


def test_conv_lstm2d_states_and_stateful():
    from minikeras.layers import ConvLSTM2D
    x = Input((3, 6, 6, 2))
    outs = ConvLSTM2D(4, 3, padding='valid', return_state=True)(x)
    assert [K.int_shape(o) for o in outs] == [(None, 4, 4, 4)] * 3
    data = np.random.rand(2, 4, 6, 6, 2).astype('float32')
    model = Sequential([ConvLSTM2D(3, 3, padding='same', stateful=True, batch_input_shape=(2, 2, 6, 6, 2))])
    full = Sequential([ConvLSTM2D(3, 3, padding='same', input_shape=(4, 6, 6, 2))])
    full.set_weights(model.get_weights())
    model.predict(data[:, :2], batch_size=2)
    np.testing.assert_allclose(model.predict(data[:, 2:], batch_size=2), full.predict(data), rtol=1e-4, atol=1e-5)
    model.reset_states()
    assert not np.any(K.get_value(model.layers[0].states[0]))


@pytest.mark.parametrize('name', ['bilstm_adamax', 'gru_adadelta', 'siamese_shared_lstm_adagrad',
                                  'timedistributed_rmsprop'])
def test_rnn_model_fixtures(name, tmp_path):
    from keras2_fixtures import path
    meta, a = load_case('models', name)
    model = load_model(path('models', meta['h5_file']))
    xs = [a['x%d' % i] for i in range(len(meta['input_names']))]
    feed = xs if len(xs) > 1 else xs[0]
    for saved in (False, True):
        pred = model.predict(feed, batch_size=meta['predict_batch_size'])
        pred = pred if isinstance(pred, list) else [pred]
        for i, p in enumerate(pred):
            assert_close(p, a['y%d' % i], meta['tol'], what='%s y%d' % (name, i))
        for j, w in enumerate(model.get_weights()):
            assert_close(w, a['mw%d' % j], meta['tol'], what='%s mw%d' % (name, j))
        if not saved:
            target = str(tmp_path / 'again.h5')
            model.save(target)
            model = load_model(target)


def test_lstm_runs_as_one_scan_op_unless_its_step_is_generic():
    """An LSTM runs its recurrence through K.lstm_scan (one LSTMScan op); with
    recurrent dropout or a subclassed step it keeps the generic scan, with the
    same function."""
    from minikeras.backend.graph.gradients import toposort

    def ops(layer):
        x = Input((4, 3))
        y = layer(x)
        return set(type(a.op).__name__ for a in toposort([y]))

    assert 'LSTMScan' in ops(LSTM(2))
    assert 'LSTMScan' in ops(LSTM(2, dropout=0.3, go_backwards=True))
    assert 'LSTMScan' not in ops(LSTM(2, recurrent_dropout=0.3))

    class Doubled(LSTMCell):
        def _recurrent_step(self, projected, states):
            return LSTMCell._recurrent_step(self, projected * 2.0, states)
    assert 'LSTMScan' not in ops(RNN(Doubled(2)))
    x = np.random.RandomState(0).randn(2, 4, 3).astype('float32')
    fused = Sequential([RNN(LSTMCell(2), input_shape=(4, 3))])
    generic = Sequential([RNN(LSTMCell(2), input_shape=(4, 3), unroll=True)])
    generic.set_weights(fused.get_weights())
    np.testing.assert_allclose(fused.predict(x), generic.predict(x), rtol=1e-5, atol=1e-6)
    assert K.int_shape(fused.output) == (None, 2)
