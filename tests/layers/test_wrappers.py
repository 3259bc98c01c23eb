"""Bidirectional and TimeDistributed: Keras 2 fixtures, merge modes, states,
wrapped models, configs."""
import numpy as np
import pytest

from keras2_fixtures import case_names
from test_recurrent_layers import run_layer_case

from minikeras import backend as K
from minikeras import layers as L
from minikeras.layers import (GRU, LSTM, Bidirectional, Dense, Dropout, Input, SimpleRNN, TimeDistributed)
from minikeras.models import Model, Sequential
from minikeras.utils.generic_utils import object_list_uid
from minikeras.utils.test_utils import layer_test

WRAPPER_CASES = [n for n in case_names('layers') if n.startswith(('bidirectional', 'time_distributed'))]


@pytest.mark.parametrize('name', WRAPPER_CASES)
def test_fixture_case(name):
    run_layer_case(name)


@pytest.mark.parametrize('mode', ['concat', 'sum', 'mul', 'ave'])
def test_bidirectional_merge_modes(mode):
    data = np.random.rand(3, 4, 2).astype('float32')
    layer = Bidirectional(LSTM(3, return_sequences=True), merge_mode=mode)
    x = Input((4, 2))
    out = Model(x, layer(x)).predict(data)
    w = layer.get_weights()
    fwd = Sequential([LSTM(3, return_sequences=True, input_shape=(4, 2))])
    bwd = Sequential([LSTM(3, return_sequences=True, go_backwards=True, input_shape=(4, 2))])
    fwd.set_weights(w[:3])
    bwd.set_weights(w[3:])
    f, b = fwd.predict(data), bwd.predict(data)[:, ::-1]
    expected = {'concat': np.concatenate([f, b], -1), 'sum': f + b, 'mul': f * b, 'ave': (f + b) / 2}[mode]
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    layer_test(Bidirectional, kwargs={'layer': GRU(2), 'merge_mode': mode}, input_shape=(2, 3, 4))


def test_bidirectional_none_and_states():
    x = Input((5, 3))
    outs = Bidirectional(LSTM(4, return_state=True), merge_mode=None)(x)
    assert len(outs) == 6
    assert [K.int_shape(o) for o in outs] == [(None, 4)] * 6
    outs = Bidirectional(GRU(4, return_state=True, return_sequences=True))(x)
    assert [K.int_shape(o) for o in outs] == [(None, 5, 8), (None, 4), (None, 4)]
    data = np.random.rand(2, 5, 3).astype('float32')
    res = Model(x, outs).predict(data)
    np.testing.assert_allclose(res[0][:, -1, :4], res[1], rtol=1e-6)  # forward final state
    np.testing.assert_allclose(res[0][:, 0, 4:], res[2], rtol=1e-6)   # backward final state, reversed
    with pytest.raises(ValueError):
        Bidirectional(LSTM(2), merge_mode='max')


def test_bidirectional_initial_state():
    x = Input((5, 3))
    states = [Input((4,)) for _ in range(4)]
    layer = Bidirectional(LSTM(4))
    y = layer(x, initial_state=states)
    model = Model([x] + states, y)
    data = [np.random.rand(2, 5, 3).astype('float32')] + [np.random.rand(2, 4).astype('float32')
                                                          for _ in range(4)]
    out = model.predict(data)
    again = Model.from_config(model.get_config())
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(again.predict(data), out, rtol=1e-6)
    zero_state = model.predict(data[:1] + [np.zeros((2, 4), 'float32')] * 4)
    plain = Sequential([Bidirectional(LSTM(4), input_shape=(5, 3))])
    plain.set_weights(model.get_weights())
    np.testing.assert_allclose(zero_state, plain.predict(data[0]), rtol=1e-5, atol=1e-6)


def test_bidirectional_seed_examples():
    # EX-42
    model = Sequential()
    model.add(Bidirectional(LSTM(10, return_sequences=True), input_shape=(5, 10)))
    model.add(Bidirectional(LSTM(10)))
    model.add(Dense(5))
    model.add(L.Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer='rmsprop')
    assert model.output_shape == (None, 5)
    assert model.layers[0].output_shape == (None, 5, 20)
    # EX-30: a separate backward layer
    model = Sequential()
    forward_layer = LSTM(10, return_sequences=True)
    backward_layer = LSTM(10, activation='relu', return_sequences=True, go_backwards=True)
    model.add(Bidirectional(forward_layer, backward_layer=backward_layer, input_shape=(5, 10)))
    model.add(Dense(5))
    model.add(L.Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer='rmsprop')
    data = np.random.rand(4, 5, 10).astype('float32')
    model.fit(data, np.eye(5)[np.random.randint(0, 5, size=(4, 5))], epochs=1, verbose=0)
    bi = model.layers[0]
    assert bi.backward_layer.activation is backward_layer.activation
    again = Sequential.from_config(model.get_config())
    again.set_weights(model.get_weights())
    assert again.layers[0].backward_layer.get_config()['activation'] == 'relu'
    np.testing.assert_allclose(again.predict(data), model.predict(data), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError):
        Bidirectional(LSTM(2), backward_layer=LSTM(2))


def test_bidirectional_with_mask_and_dropout():
    data = np.random.randint(0, 8, size=(3, 6)).astype('int32')
    data[:, -2:] = 0
    model = Sequential([L.Embedding(8, 4, mask_zero=True, input_length=6),
                        Bidirectional(SimpleRNN(3, dropout=0.3, return_sequences=True), merge_mode='sum'),
                        Bidirectional(GRU(2, recurrent_dropout=0.3))])
    model.compile('adam', 'mse')
    model.fit(data, np.zeros((3, 4)), epochs=1, verbose=0)
    out = model.predict(data)
    assert out.shape == (3, 4) and np.isfinite(out).all()
    np.testing.assert_allclose(model.predict(data), out)  # no dropout at inference


def test_time_distributed_dense_and_shapes():
    # EX-40
    model = Sequential()
    model.add(TimeDistributed(Dense(8), input_shape=(10, 16)))
    assert model.output_shape == (None, 10, 8)
    model.add(TimeDistributed(Dense(32)))
    assert model.output_shape == (None, 10, 32)
    data = np.random.rand(2, 10, 16).astype('float32')
    k, b = model.layers[0].get_weights()
    k2, b2 = model.layers[1].get_weights()
    np.testing.assert_allclose(model.predict(data), (data @ k + b) @ k2 + b2, rtol=1e-4, atol=1e-5)
    layer_test(TimeDistributed, kwargs={'layer': Dense(2)}, input_shape=(3, 2, 4))
    layer_test(TimeDistributed, kwargs={'layer': Dense(2)}, input_shape=(3, 2, 4, 5))
    with pytest.raises(ValueError):
        TimeDistributed(Dense(2))(Input((4,)))


def test_time_distributed_conv2d():
    if not hasattr(L, 'Conv2D'):
        pytest.skip('Conv2D is not available yet')
    model = Sequential([TimeDistributed(L.Conv2D(4, (3, 3)), input_shape=(3, 7, 7, 2))])
    assert model.output_shape == (None, 3, 5, 5, 4)
    data = np.random.rand(2, 3, 7, 7, 2).astype('float32')
    single = Sequential([L.Conv2D(4, (3, 3), input_shape=(7, 7, 2))])
    single.set_weights(model.get_weights())
    np.testing.assert_allclose(model.predict(data)[:, 1], single.predict(data[:, 1]), rtol=1e-4, atol=1e-5)


def test_time_distributed_model_and_dropout():
    # EX-08: a whole model applied to every time step
    x = Input(shape=(784,))
    y = Dense(64, activation='relu')(x)
    y = Dense(10, activation='softmax')(y)
    model = Model(x, y)
    input_sequences = Input(shape=(20, 784))
    processed = TimeDistributed(model)(input_sequences)
    assert K.int_shape(processed) == (None, 20, 10)
    outer = Model(input_sequences, processed)
    data = np.random.rand(2, 20, 784).astype('float32')
    np.testing.assert_allclose(outer.predict(data)[:, 3], model.predict(data[:, 3]), rtol=1e-5, atol=1e-6)
    outer.compile('sgd', 'mse')
    outer.fit(data, np.zeros((2, 20, 10)), epochs=1, verbose=0)
    again = Model.from_config(outer.get_config())
    again.set_weights(outer.get_weights())
    np.testing.assert_allclose(again.predict(data), outer.predict(data), rtol=1e-5, atol=1e-6)
    # Dropout inside: active in training only
    td = TimeDistributed(Dropout(0.5))
    inp = Input((3, 4))
    out = td(inp)
    f = K.function([inp, K.learning_phase()], [out])
    ones = np.ones((2, 3, 4), 'float32')
    np.testing.assert_array_equal(f([ones, 0])[0], ones)
    assert not np.array_equal(f([ones, 1])[0], ones)


def test_time_distributed_unknown_time_and_mask():
    x = Input((None, 3))
    y = TimeDistributed(Dense(2))(x)
    assert K.int_shape(y) == (None, None, 2)
    data = np.random.rand(2, 5, 3).astype('float32')
    assert Model(x, y).predict(data).shape == (2, 5, 2)
    model = Sequential([L.Masking(0., input_shape=(4, 3)), TimeDistributed(Dense(2)), LSTM(3)])
    data[:, 2:] = 0
    ref = Sequential([TimeDistributed(Dense(2), input_shape=(2, 3)), LSTM(3)])
    ref.set_weights(model.get_weights())
    np.testing.assert_allclose(model.predict(data[:, :4]), ref.predict(data[:, :2]), rtol=1e-5, atol=1e-6)


def test_time_distributed_masked_embedding_with_unknown_lengths():
    # Masks travel through TimeDistributed: the embedding's (batch, t1, t2) mask,
    # kept by a sequence-returning RNN, reduced to (batch, t1) by a last-step RNN.
    model = Sequential([TimeDistributed(L.Embedding(5, 6, mask_zero=True), input_shape=(None, None)),
                        TimeDistributed(SimpleRNN(7, return_sequences=True)),
                        TimeDistributed(SimpleRNN(8)),
                        SimpleRNN(1)])
    assert model.output_shape == (None, 1)
    data = np.random.RandomState(0).randint(1, 5, size=(6, 3, 4)).astype('int32')
    for i in range(3):
        data[i, i:, i:] = 0
    model.compile('rmsprop', 'mse')
    model.fit(data, np.random.rand(6, 1), epochs=1, batch_size=6, verbose=0)
    masks = [model.layers[0].compute_mask(model.input)]
    for layer in model.layers[1:]:
        masks.append(layer.compute_mask(layer.input, masks[-1]))
    assert masks[-1] is None
    values = K.function([model.input], masks[:-1])([data])
    np.testing.assert_array_equal(values[0], data > 0)
    np.testing.assert_array_equal(values[1], data > 0)
    np.testing.assert_array_equal(values[2], np.any(data > 0, axis=-1))
    # The masked inner RNN skips padded steps: an all-padding row gives the initial (zero) state.
    inner = Model(model.input, model.layers[2].output).predict(data)
    np.testing.assert_allclose(inner[0], 0.)  # sample 0 is all padding
    assert np.abs(inner[1, 0]).sum() > 0


def test_time_distributed_masking_layer_mask_is_reduced_per_step():
    model = Sequential([TimeDistributed(L.Masking(0.), input_shape=(None, 4)), TimeDistributed(Dense(5))])
    data = np.random.RandomState(1).randint(1, 5, size=(5, 3, 4)).astype('float32')
    for i in range(3):
        data[i, i:, :] = 0.
    masks = [model.layers[0].compute_mask(model.input)]
    masks.append(model.layers[1].compute_mask(model.layers[1].input, masks[-1]))
    for value in K.function([model.input], masks)([data]):
        np.testing.assert_array_equal(value, np.any(data, axis=-1))
    # A wrapped layer that takes no mask (Flatten) passes the input mask on, reduced per step.
    x = Input((3, 2, 4))
    masked = L.Masking(0.)(x)
    flat = TimeDistributed(L.Flatten())
    flat(masked)
    images = np.random.RandomState(2).randint(1, 5, size=(2, 3, 2, 4)).astype('float32')
    images[0, 1] = 0.
    images[1, 2, 0] = 0.
    mask = K.function([x], [flat.output_mask])([images])[0]
    np.testing.assert_array_equal(mask, [[True, False, True], [True, True, True]])


def test_time_distributed_batch_norm_updates_and_trainable():
    model = Sequential([TimeDistributed(L.BatchNormalization(), name='bn', input_shape=(10, 2))])
    model.compile('rmsprop', 'mse')
    td = model.layers[0]
    # The updates BatchNormalization made for the merged (batch * time, 2) input are found
    # from the wrapper's input.
    assert len(td._input_map) == 1 and K.int_shape(td._input_map[object_list_uid(model.inputs)]) == (None, 2)
    assert len(td.get_updates_for(model.inputs)) == 2 and len(model.updates) == 2
    model.train_on_batch(np.random.normal(2., 2., size=(4, 10, 2)), np.zeros((4, 10, 2)))
    moving_mean, moving_var = td.get_weights()[2:]
    assert not np.allclose(moving_mean, 0.) and not np.allclose(moving_var, 1.)
    # `trainable` is the wrapped layer's.
    x = Input((3, 2))
    layer = TimeDistributed(L.BatchNormalization())
    layer(x)
    assert len(layer.updates) == 2 and len(layer.trainable_weights) == 2
    layer.trainable = False
    assert layer.layer.trainable is False
    assert len(layer.updates) == 0 and len(layer.trainable_weights) == 0 and len(layer.non_trainable_weights) == 4
    layer.trainable = True
    assert len(layer.updates) == 2 and len(layer.trainable_weights) == 2
    assert TimeDistributed(Dense(2, trainable=False)).trainable is False
    assert TimeDistributed(Dense(2), trainable=False).layer.trainable is False


def test_bidirectional_losses_and_trainable():
    x = Input(shape=(3, 2))
    layer = Bidirectional(SimpleRNN(3, kernel_regularizer='l1', bias_regularizer='l1'))
    layer(x)
    assert len(layer.losses) == 4 and len(layer.get_losses_for(None)) == 4
    assert layer.get_losses_for(x) == []
    a, b = K.sum(x), K.mean(x)
    layer.forward_layer.add_loss(a, inputs=x)
    layer.backward_layer.add_loss(b, inputs=x)
    layer.forward_layer.add_loss(K.constant(1.), inputs=None)
    assert len(layer.losses) == 7 and len(layer.get_losses_for(None)) == 5
    assert layer.get_losses_for(x) == [a, b]
    # A model built on it counts the conditional losses of both directions.
    model = Model(x, layer(x))
    assert len(model.losses) == 7
    layer.trainable = False
    assert not layer.forward_layer.trainable and not layer.backward_layer.trainable
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 6
    layer.trainable = True
    assert len(layer.trainable_weights) == 6
