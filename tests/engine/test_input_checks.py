"""Careless calls: every bad argument or bad data is a TypeError / ValueError naming the argument, raised
before any work (the model's weights are unchanged afterwards)."""
import numpy as np
import pytest

from minikeras import callbacks as cbks
from minikeras.engine import input_checks
from minikeras.layers import (GRU, LSTM, BatchNormalization, Concatenate, Dense, Dropout, Embedding, Flatten, Input,
                              SimpleRNN)
from minikeras.models import Model, Sequential


def _model():
    model = Sequential([Dense(3, input_shape=(4,)), Dense(2, activation='softmax')])
    model.compile('sgd', 'sparse_categorical_crossentropy')
    return model


def _embedding_model():
    model = Sequential([Embedding(10, 3, input_length=4), Flatten(), Dense(1)])
    model.compile('sgd', 'mse')
    return model


X = np.random.RandomState(0).rand(8, 4).astype('float32')
Y = np.array([0, 1] * 4).reshape(8, 1)


def _with(array, index, value):
    array = np.array(array, dtype='float64' if isinstance(value, float) else array.dtype)
    array[index] = value
    return array


def _generator():
    while True:
        yield X, Y


def _call(method, *args, **kwargs):
    return lambda model: getattr(model, method)(*args, **kwargs)


FIT = dict(verbose=0)
MODEL_CALLS = [
    # fit: numeric arguments
    ('fit batch_size=0', _call('fit', X, Y, batch_size=0, **FIT), ValueError, 'batch_size'),
    ('fit batch_size<0', _call('fit', X, Y, batch_size=-4, **FIT), ValueError, 'batch_size'),
    ('fit batch_size=2.5', _call('fit', X, Y, batch_size=2.5, **FIT), TypeError, 'batch_size'),
    ('fit batch_size="8"', _call('fit', X, Y, batch_size='8', **FIT), TypeError, 'batch_size'),
    ('fit epochs<0', _call('fit', X, Y, epochs=-1, **FIT), ValueError, 'epochs'),
    ('fit epochs=1.5', _call('fit', X, Y, epochs=1.5, **FIT), TypeError, 'epochs'),
    ('fit steps_per_epoch=0', _call('fit', X, Y, steps_per_epoch=0, **FIT), ValueError, 'steps_per_epoch'),
    ('fit steps_per_epoch<0', _call('fit', X, Y, steps_per_epoch=-2, **FIT), ValueError, 'steps_per_epoch'),
    ('fit validation_steps=0', _call('fit', X, Y, validation_steps=0, **FIT), ValueError, 'validation_steps'),
    ('fit validation_split=1', _call('fit', X, Y, validation_split=1., **FIT), ValueError, 'validation_split'),
    ('fit validation_split<0', _call('fit', X, Y, validation_split=-.1, **FIT), ValueError, 'validation_split'),
    ('fit validation_split=nan', _call('fit', X, Y, validation_split=float('nan'), **FIT), ValueError,
     'validation_split'),
    ('fit validation_split="a"', _call('fit', X, Y, validation_split='a', **FIT), TypeError, 'validation_split'),
    ('fit initial_epoch<0', _call('fit', X, Y, initial_epoch=-1, **FIT), ValueError, 'initial_epoch'),
    ('fit initial_epoch>epochs', _call('fit', X, Y, initial_epoch=5, epochs=2, **FIT), ValueError, 'initial_epoch'),
    ('fit verbose=-1', _call('fit', X, Y, verbose=-1), ValueError, 'verbose'),
    ('fit shuffle="yes"', _call('fit', X, Y, shuffle='yes', **FIT), TypeError, 'shuffle'),
    # callbacks
    ('fit callbacks=EarlyStopping()', _call('fit', X, Y, callbacks=cbks.EarlyStopping(), **FIT), TypeError,
     'callbacks'),
    ('fit callbacks=[class]', _call('fit', X, Y, callbacks=[cbks.EarlyStopping], **FIT), TypeError, 'callbacks[0]'),
    ('fit callbacks=[object()]', _call('fit', X, Y, callbacks=[object()], **FIT), TypeError, 'callbacks[0]'),
    ('evaluate callbacks=History()', _call('evaluate', X, Y, callbacks=cbks.History(), verbose=0), TypeError,
     'callbacks'),
    # data
    ('fit x of objects', _call('fit', np.array([[1, 2, 3, 4], 'abcd'], dtype=object), Y[:2], **FIT), TypeError,
     '`x`'),
    ('fit x ragged', _call('fit', [[1., 2., 3., 4.], [1., 2.]], Y[:2], **FIT), ValueError, '`x`'),
    ('fit x complex', _call('fit', X.astype('complex64'), Y, **FIT), TypeError, '`x`'),
    ('fit x strings', _call('fit', np.array([['a'] * 4] * 8), Y, **FIT), TypeError, '`x`'),
    ('fit x empty', _call('fit', X[:0], Y[:0], **FIT), ValueError, '`x`'),
    ('fit x with NaN', _call('fit', _with(X, (3, 1), np.nan), Y, **FIT), ValueError, '`x`'),
    ('fit y with inf', _call('fit', X, _with(Y, (2, 0), np.inf), **FIT), ValueError, '`y`'),
    ('fit sample_weight with NaN', _call('fit', X, Y, sample_weight=_with(np.ones(8), 5, np.nan), **FIT),
     ValueError, '`sample_weight`'),
    ('fit validation_data with NaN', _call('fit', X, Y, validation_data=(_with(X, (0, 0), np.nan), Y), **FIT),
     ValueError, 'validation_data'),
    ('fit sparse label out of range', _call('fit', X, _with(Y, (4, 0), 2), **FIT), ValueError, '`y`'),
    ('fit sparse label negative', _call('fit', X, _with(Y, (4, 0), -1), **FIT), ValueError, '`y`'),
    ('evaluate on 0 rows', _call('evaluate', X[:0], Y[:0], verbose=0), ValueError, '`x`'),
    ('evaluate batch_size=0', _call('evaluate', X, Y, batch_size=0, verbose=0), ValueError, 'batch_size'),
    ('evaluate steps=0', _call('evaluate', X, Y, steps=0, verbose=0), ValueError, 'steps'),
    ('evaluate x with NaN', _call('evaluate', _with(X, (0, 2), np.nan), Y, verbose=0), ValueError, '`x`'),
    ('predict batch_size<0', _call('predict', X, batch_size=-1), ValueError, 'batch_size'),
    ('predict steps=0', _call('predict', X, steps=0), ValueError, 'steps'),
    ('predict x of objects', _call('predict', X.astype(object)), TypeError, '`x`'),
    ('predict x with inf', _call('predict', _with(X, (1, 1), -np.inf)), ValueError, '`x`'),
    ('train_on_batch y with NaN', _call('train_on_batch', X, _with(Y, (0, 0), np.nan)), ValueError, '`y`'),
    ('train_on_batch label out of range', _call('train_on_batch', X, _with(Y, (0, 0), 7)), ValueError, '`y`'),
    ('test_on_batch empty', _call('test_on_batch', X[:0], Y[:0]), ValueError, '`x`'),
    ('predict_on_batch complex', _call('predict_on_batch', X.astype('complex128')), TypeError, '`x`'),
    # generators
    ('fit_generator steps_per_epoch=0', _call('fit_generator', _generator(), steps_per_epoch=0, **FIT), ValueError,
     'steps_per_epoch'),
    ('fit_generator epochs<0', _call('fit_generator', _generator(), steps_per_epoch=1, epochs=-2, **FIT),
     ValueError, 'epochs'),
    ('fit_generator workers<0', _call('fit_generator', _generator(), steps_per_epoch=1, workers=-1, **FIT),
     ValueError, 'workers'),
    ('fit_generator max_queue_size<0', _call('fit_generator', _generator(), steps_per_epoch=1, max_queue_size=-1,
                                             **FIT), ValueError, 'max_queue_size'),
    ('fit_generator callbacks=EarlyStopping()', _call('fit_generator', _generator(), steps_per_epoch=1,
                                                      callbacks=cbks.EarlyStopping(), **FIT), TypeError, 'callbacks'),
    ('fit_generator initial_epoch>epochs', _call('fit_generator', _generator(), steps_per_epoch=1, epochs=1,
                                                 initial_epoch=3, **FIT), ValueError, 'initial_epoch'),
    ('fit with a generator, steps_per_epoch=-1', _call('fit', _generator(), steps_per_epoch=-1, **FIT), ValueError,
     'steps_per_epoch'),
    ('evaluate_generator steps=0', _call('evaluate_generator', _generator(), steps=0), ValueError, 'steps'),
    ('predict_generator steps<0', _call('predict_generator', _generator(), steps=-1), ValueError, 'steps'),
    ('predict_generator workers=1.5', _call('predict_generator', _generator(), steps=1, workers=1.5), TypeError,
     'workers'),
]


@pytest.mark.parametrize('case', MODEL_CALLS, ids=[c[0] for c in MODEL_CALLS])
def test_bad_model_calls(case):
    _, call, error, argument = case
    model = _model()
    before = model.get_weights()
    with pytest.raises(error) as info:
        call(model)
    assert type(info.value) is error or isinstance(info.value, error)
    assert argument in str(info.value), str(info.value)
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)  # nothing was trained


@pytest.mark.parametrize('bad', [-1, 10, 12.0])
def test_embedding_indices_out_of_range(bad):
    model = _embedding_model()
    x = np.random.randint(0, 10, (6, 4))
    x[2, 3] = bad
    for call in (lambda: model.fit(x, np.zeros((6, 1)), verbose=0), lambda: model.predict(x),
                 lambda: model.evaluate(x, np.zeros((6, 1)), verbose=0), lambda: model.train_on_batch(x, np.zeros(6))):
        with pytest.raises(ValueError) as info:
            call()
        message = str(info.value)
        assert '`x`' in message and 'Embedding' in message and '(2, 3)' in message and '[0, 10)' in message


def test_non_finite_opt_out():
    model = _model()
    model.fit(_with(X, (0, 0), np.nan), Y, verbose=0, check_finite=False)
    assert not np.isfinite(model.get_weights()[0]).all()


LAYER_CALLS = [
    ('Dense("a")', lambda: Dense('a'), TypeError, 'units'),
    ('Dense(0)', lambda: Dense(0), ValueError, 'units'),
    ('Dense(-3)', lambda: Dense(-3), ValueError, 'units'),
    ('Dense(2.5)', lambda: Dense(2.5), TypeError, 'units'),
    ('Dense(None)', lambda: Dense(None), TypeError, 'units'),
    ('Dropout(1)', lambda: Dropout(1.), ValueError, 'rate'),
    ('Dropout(-0.1)', lambda: Dropout(-.1), ValueError, 'rate'),
    ('Dropout("a")', lambda: Dropout('a'), TypeError, 'rate'),
    ('Dropout(noise_shape=3)', lambda: Dropout(.5, noise_shape=3), TypeError, 'noise_shape'),
    ('Dropout(noise_shape=(None, 0))', lambda: Dropout(.5, noise_shape=(None, 0)), ValueError, 'noise_shape'),
    ('Dropout noise_shape rank', lambda: Dropout(.5, noise_shape=(1, 1, 1))(Input(shape=(3,))), ValueError,
     'noise_shape'),
    ('Dropout noise_shape size', lambda: Dropout(.5, noise_shape=(None, 2))(Input(shape=(3,))), ValueError,
     'noise_shape'),
    ('BatchNormalization(momentum=-1)', lambda: BatchNormalization(momentum=-1), ValueError, 'momentum'),
    ('BatchNormalization(momentum=1.5)', lambda: BatchNormalization(momentum=1.5), ValueError, 'momentum'),
    ('BatchNormalization(epsilon=0)', lambda: BatchNormalization(epsilon=0), ValueError, 'epsilon'),
    ('BatchNormalization(epsilon=-1e-3)', lambda: BatchNormalization(epsilon=-1e-3), ValueError, 'epsilon'),
    ('BatchNormalization(epsilon="x")', lambda: BatchNormalization(epsilon='x'), TypeError, 'epsilon'),
    ('Concatenate(axis=0)', lambda: Concatenate(axis=0)([Input(shape=(3,)), Input(shape=(3,))]), ValueError,
     'batch axis'),
    ('Concatenate(axis=-3) on rank 3', lambda: Concatenate(axis=-3)([Input(shape=(2, 3)), Input(shape=(2, 3))]),
     ValueError, 'batch axis'),
    ('Concatenate(axis="1")', lambda: Concatenate(axis='1'), TypeError, 'axis'),
    ('Embedding(0, 3)', lambda: Embedding(0, 3), ValueError, 'input_dim'),
    ('Embedding(10, -1)', lambda: Embedding(10, -1), ValueError, 'output_dim'),
    ('Embedding(10.5, 3)', lambda: Embedding(10.5, 3), TypeError, 'input_dim'),
    ('LSTM(0)', lambda: LSTM(0), ValueError, 'units'),
    ('GRU(2.5)', lambda: GRU(2.5), TypeError, 'units'),
    ('SimpleRNN("a")', lambda: SimpleRNN('a'), TypeError, 'units'),
    ('LSTM(dropout=2)', lambda: LSTM(3, dropout=2.), ValueError, 'dropout'),
]


@pytest.mark.parametrize('case', LAYER_CALLS, ids=[c[0] for c in LAYER_CALLS])
def test_bad_layer_arguments(case):
    _, call, error, argument = case
    with pytest.raises(error) as info:
        call()
    assert argument in str(info.value), str(info.value)


def test_check_helpers_name_the_argument_and_the_allowed_values():
    with pytest.raises(ValueError) as info:
        input_checks.check_int('batch_size', 0, minimum=1, where='fit')
    assert str(info.value) == 'fit: `batch_size` must be an integer >= 1, got 0.'
    with pytest.raises(TypeError) as info:
        input_checks.check_int('epochs', True, minimum=0)
    assert 'epochs' in str(info.value) and 'bool' in str(info.value)
    assert input_checks.check_float('validation_split', 0.25, 0., 1., high_open=True) == 0.25
    assert input_checks.check_int('steps', np.int64(3), minimum=1) == 3


def test_valid_calls_still_work():
    model = _model()
    model.fit(X, Y, batch_size=np.int64(4), epochs=2, verbose=0, validation_split=0.25, initial_epoch=1,
              callbacks=(cbks.History(),), shuffle='batch')
    model.fit([list(r) for r in X], Y, verbose=0)
    model.fit_generator(_generator(), steps_per_epoch=2, epochs=1, verbose=0, workers=0)
    assert model.predict(X, batch_size=3).shape == (8, 2)
    a, b = Input(shape=(3,)), Input(shape=(2,))
    Model([a, b], Concatenate(axis=-1)([a, b])).predict([np.ones((2, 3)), np.ones((2, 2))])
