"""Fuzzed layer configurations (hypothesis): any mix of valid and careless constructor arguments either
raises ValueError / TypeError (at construction, or when the layer is connected to its input), or gives a
layer whose outputs and training loss are finite for finite input."""
import warnings

import numpy as np
import pytest

from minikeras import backend as K
from minikeras.layers import (GRU, LSTM, BatchNormalization, Concatenate, Conv1D, Dense, Dropout, Embedding,
                              GaussianDropout, GaussianNoise, Input, MaxPooling1D, SimpleRNN)
from minikeras.models import Model

hypothesis = pytest.importorskip('hypothesis')
st = hypothesis.strategies

# Careless values: right and wrong types, zero, negative, NaN, infinity. (No huge sizes: a layer of 1e9
# units is valid and would only exhaust the memory.)
ANY = st.one_of(st.integers(-3, 6), st.floats(-2., 2.), st.sampled_from([float('nan'), float('inf'), 0.5, 1., 3.]),
                st.text(max_size=2), st.none(), st.booleans())


def careless(valid):
    """Mostly `valid` values, sometimes anything."""
    return st.one_of(valid, valid, valid, ANY)


SIZE = careless(st.integers(1, 5))
RATE = careless(st.floats(0., 0.9))
AXIS = careless(st.sampled_from([-1, 1, 2]))
EPSILON = careless(st.floats(1e-5, 1.))
ACTIVATION = st.sampled_from([None, 'relu', 'tanh', 'sigmoid', 'linear', 'softmax', 'hard_sigmoid', 'nope', 3])

# (layer factory, input shape without batch, input dtype); each draws its arguments from the strategies.
LAYERS = {
    'Dense': (st.fixed_dictionaries({'units': SIZE, 'activation': ACTIVATION, 'use_bias': st.booleans()}),
              Dense, (4,)),
    'Dropout': (st.fixed_dictionaries({'rate': RATE, 'noise_shape': st.one_of(
        # the batch entry: None, 1 or the batch size (4) are valid; another size only fails with the data
        st.none(), st.tuples(st.sampled_from([None, 1, 4, 0, -1]), st.sampled_from([None, 1, 3, 4, 'a'])))}),
        Dropout, (3,)),
    'BatchNormalization': (st.fixed_dictionaries({'axis': AXIS, 'momentum': RATE, 'epsilon': EPSILON,
                                                  'center': st.booleans(), 'scale': st.booleans()}),
                           BatchNormalization, (3, 2)),
    'Embedding': (st.fixed_dictionaries({'input_dim': SIZE, 'output_dim': SIZE}), Embedding, (3,)),
    'GaussianNoise': (st.fixed_dictionaries({'stddev': careless(st.floats(0., 2.))}), GaussianNoise, (3,)),
    'GaussianDropout': (st.fixed_dictionaries({'rate': RATE}), GaussianDropout, (3,)),
    'Conv1D': (st.fixed_dictionaries({'filters': SIZE, 'kernel_size': SIZE, 'strides': SIZE,
                                      'padding': st.sampled_from(['valid', 'same', 'causal', 'bad', 1]),
                                      'activation': ACTIVATION}), Conv1D, (6, 2)),
    'MaxPooling1D': (st.fixed_dictionaries({'pool_size': SIZE, 'strides': st.one_of(st.none(), SIZE),
                                            'padding': st.sampled_from(['valid', 'same', 'x'])}),
                     MaxPooling1D, (6, 2)),
    'SimpleRNN': (st.fixed_dictionaries({'units': SIZE, 'dropout': RATE, 'recurrent_dropout': RATE,
                                         'return_sequences': st.booleans()}), SimpleRNN, (3, 2)),
    'LSTM': (st.fixed_dictionaries({'units': SIZE, 'dropout': RATE, 'recurrent_dropout': RATE,
                                    'activation': ACTIVATION}), LSTM, (3, 2)),
    'GRU': (st.fixed_dictionaries({'units': SIZE, 'dropout': RATE, 'recurrent_dropout': RATE,
                                   'reset_after': st.booleans()}), GRU, (3, 2)),
}


def _build(layer_cls, kwargs, input_shape):
    if layer_cls is Embedding:
        inputs = Input(shape=input_shape, dtype='int32')
    else:
        inputs = Input(shape=input_shape)
    layer = layer_cls(**kwargs)
    return Model(inputs, layer(inputs))


def _data(model, rng):
    shape = (4,) + tuple(K.int_shape(model.inputs[0])[1:])
    if K.dtype(model.inputs[0]).startswith('int'):
        limit = model.layers[-1].input_dim
        return rng.randint(0, limit, size=shape)
    return rng.uniform(-1., 1., size=shape).astype('float32')


def _check(layer_cls, kwargs, input_shape):
    K.clear_session()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            model = _build(layer_cls, kwargs, input_shape)
    except (ValueError, TypeError):
        return
    rng = np.random.RandomState(0)
    x = _data(model, rng)
    out = model.predict(x)
    assert np.isfinite(out).all(), 'non-finite output of %s(%r)' % (layer_cls.__name__, kwargs)
    model.compile('sgd', 'mse')
    loss = model.train_on_batch(x, np.zeros(out.shape, 'float32'))
    assert np.isfinite(loss), 'non-finite training loss of %s(%r)' % (layer_cls.__name__, kwargs)


def _run(name, examples):
    strategy, layer_cls, input_shape = LAYERS[name]

    @hypothesis.settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(strategy)
    def check(kwargs):
        _check(layer_cls, kwargs, input_shape)

    check()


@pytest.mark.parametrize('name', sorted(LAYERS))
def test_fuzzed_layer_arguments(name):
    _run(name, examples=40)


@pytest.mark.slow
@pytest.mark.parametrize('name', sorted(LAYERS))
def test_many_fuzzed_layer_arguments(name):
    _run(name, examples=400)


def test_concatenate_axes():
    for axis in range(-4, 4):
        K.clear_session()
        a, b = Input(shape=(2, 3)), Input(shape=(2, 3))
        try:
            model = Model([a, b], Concatenate(axis=axis)([a, b]))
        except ValueError as e:
            assert axis in (0, -3, 3, -4) and 'axis' in str(e)
            continue
        assert np.isfinite(model.predict([np.ones((2, 2, 3)), np.ones((2, 2, 3))])).all()
