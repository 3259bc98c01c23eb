"""compile/fit/evaluate/predict options, callbacks, weighting and generators."""

import numpy as np
import pytest

import minikeras as keras
from minikeras.layers import Dense, Dropout, Input
from minikeras.models import Model, Sequential
from minikeras.utils import Sequence


def _model(out=1, activation=None):
    model = Sequential([Dense(out, input_dim=3, activation=activation, kernel_initializer='ones')])
    return model


def test_batch_logs_epoch_logs_and_hooks():
    model = _model()
    model.compile('sgd', 'mse', metrics=['mae'])
    events = []

    class Recorder(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            events.append(('train_begin', sorted(logs)))

        def on_batch_end(self, batch, logs=None):
            events.append(('batch_end', sorted(logs)))

        def on_test_end(self, logs=None):
            events.append(('test_end', sorted(logs)))

        def on_epoch_end(self, epoch, logs=None):
            events.append(('epoch_end', sorted(logs)))

    model.fit(np.random.rand(20, 3), np.random.rand(20, 1), batch_size=8, epochs=1, validation_split=0.5,
              callbacks=[Recorder()], verbose=0)
    assert events[0] == ('train_begin', [])
    assert events[1] == ('batch_end', ['batch', 'loss', 'mean_absolute_error', 'size'])
    assert ('test_end', ['loss', 'mean_absolute_error']) in events
    assert events[-1] == ('epoch_end', ['loss', 'mean_absolute_error', 'val_loss', 'val_mean_absolute_error'])


def test_epoch_value_is_sample_weighted_mean_of_batches():
    model = _model()
    model.compile('sgd', 'mse')
    model.set_weights([np.ones((3, 1)), np.zeros(1)])
    x, y = np.random.rand(20, 3), np.random.rand(20, 1)
    batch_losses, sizes = [], []
    cb = keras.callbacks.LambdaCallback(on_batch_end=lambda b, logs: (batch_losses.append(logs['loss']),
                                                                      sizes.append(logs['size'])))
    history = model.fit(x, y, batch_size=8, epochs=1, shuffle=False, callbacks=[cb], verbose=0)
    assert sizes == [8, 8, 4]
    expected = np.dot(batch_losses, sizes) / 20.
    assert abs(history.history['loss'][0] - expected) < 1e-6


def test_sample_weight_keras22_normalisation():
    model = _model()
    model.compile('sgd', 'mse')
    x = np.ones((4, 3), dtype='float32')
    y = np.array([[3.], [4.], [5.], [6.]], dtype='float32')  # prediction is 3 for every sample
    w = np.array([1., 0., 2., 0.], dtype='float32')
    scores = (y[:, 0] - 3.) ** 2
    expected = np.mean(scores * w) / np.mean(w != 0)
    assert abs(model.test_on_batch(x, y, sample_weight=w) - expected) < 1e-5
    cw = {0: 1., 1: 3.}
    model2 = Sequential([Dense(2, input_dim=3, activation='softmax')])
    model2.compile('sgd', 'categorical_crossentropy')
    labels = keras.utils.to_categorical([0, 1, 1, 0], 2)
    model2.train_on_batch(x, labels, class_weight=cw)
    with pytest.raises(ValueError, match='class_weight'):
        model2.train_on_batch(x, labels, class_weight={0: 1.})


def test_validation_data_forms_and_shuffle_modes():
    model = _model()
    model.compile('sgd', 'mse')
    x, y = np.random.rand(16, 3), np.random.rand(16, 1)
    for validation_data in ((x, y), [x, y], (x, y, np.ones(16))):
        history = model.fit(x, y, validation_data=validation_data, epochs=1, verbose=0)
        assert 'val_loss' in history.history
    for shuffle in (True, False, 'batch'):
        model.fit(x, y, batch_size=5, shuffle=shuffle, epochs=1, verbose=0)
    history = model.fit(x, y, epochs=3, initial_epoch=1, verbose=0)
    assert history.epoch == [1, 2]
    history = model.fit(x, y, steps_per_epoch=2, epochs=1, verbose=0)
    assert len(history.history['loss']) == 1
    history = model.fit(x, y, nb_epoch=2, verbose=0)
    assert len(history.history['loss']) == 2


def test_stop_training_and_predict_dropout_off():
    model = Sequential([Dense(4, input_dim=3), Dropout(0.9)])
    model.compile('sgd', 'mse')
    x = np.random.rand(10, 3)
    np.testing.assert_allclose(model.predict(x), model.predict(x))
    assert model.uses_learning_phase

    class Stop(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model.stop_training = True

    history = model.fit(x, np.random.rand(10, 4), epochs=5, callbacks=[Stop()], verbose=0)
    assert len(history.history['loss']) == 1


def test_stateful_metric_class_in_compile():
    x = Input(shape=(2,))
    model = Model(x, Dense(1, activation='sigmoid')(x))
    model.compile('sgd', 'binary_crossentropy', metrics=[keras.metrics.BinaryAccuracy(), 'acc'])
    assert model.metrics_names == ['loss', 'binary_accuracy', 'acc']
    data, labels = np.random.rand(30, 2), np.random.randint(2, size=(30, 1))
    history = model.fit(data, labels, batch_size=7, epochs=1, shuffle=False, verbose=0)
    assert abs(history.history['binary_accuracy'][0] - history.history['acc'][0]) < 1e-6
    loss, bin_acc, acc = model.evaluate(data, labels, verbose=0)
    assert abs(bin_acc - acc) < 1e-6


class Batches(Sequence):
    def __init__(self, n_batches=4, batch_size=5):
        self.n_batches, self.batch_size = n_batches, batch_size
        rng = np.random.RandomState(0)
        self.x = rng.rand(n_batches * batch_size, 3)
        self.y = rng.rand(n_batches * batch_size, 1)

    def __len__(self):
        return self.n_batches

    def __getitem__(self, i):
        s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[s], self.y[s]


def _gen(seq):
    while True:
        for i in range(len(seq)):
            yield seq[i]


@pytest.mark.parametrize('workers,multiprocessing', [(0, False), (2, False), (2, True)])
def test_generators(workers, multiprocessing):
    model = _model()
    model.compile('sgd', 'mse')
    seq = Batches()
    history = model.fit_generator(seq, epochs=2, workers=workers, use_multiprocessing=multiprocessing,
                                  validation_data=seq, verbose=0)
    assert len(history.history['val_loss']) == 2
    history = model.fit_generator(_gen(seq), steps_per_epoch=4, epochs=1, workers=workers,
                                  use_multiprocessing=multiprocessing, verbose=0)
    assert len(history.history['loss']) == 1
    loss = model.evaluate_generator(seq, workers=workers, use_multiprocessing=multiprocessing)
    assert abs(loss - model.evaluate(seq.x, seq.y, batch_size=5, verbose=0)) < 1e-5
    preds = model.predict_generator(seq, workers=workers, use_multiprocessing=multiprocessing)
    np.testing.assert_allclose(preds, model.predict(seq.x), rtol=1e-5)


def test_progbar_not_flooding_non_tty(capsys):
    model = _model()
    model.compile('sgd', 'mse')
    model.fit(np.random.rand(64, 3), np.random.rand(64, 1), batch_size=4, epochs=2, verbose=1)
    out = capsys.readouterr().out
    assert '\r' not in out
    assert out.count('64/64 [') == 2 and out.count('Epoch ') == 2
    model.fit(np.random.rand(64, 3), np.random.rand(64, 1), batch_size=4, epochs=2, verbose=2)
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    assert len(lines) == 2 and lines[1].startswith('Epoch 2/2 - ') and 'loss:' in lines[1]  # one line per epoch


def test_train_test_predict_on_batch_and_functions_cached():
    model = _model(2, 'softmax')
    model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
    x = np.random.rand(6, 3)
    y = keras.utils.to_categorical([0, 1, 0, 1, 1, 0], 2)
    loss, acc = model.train_on_batch(x, y)
    f = model.train_function
    model.fit(x, y, epochs=2, verbose=0)
    assert model.train_function is f
    assert len(model.test_on_batch(x, y)) == 2
    assert model.predict_on_batch(x).shape == (6, 2)
    assert model.predict_classes(x).shape == (6,)


def test_sparse_targets_and_1d_targets():
    model = _model(3, 'softmax')
    model.compile('sgd', 'sparse_categorical_crossentropy', metrics=['acc'])
    history = model.fit(np.random.rand(10, 3), np.random.randint(3, size=(10,)), verbose=0)
    assert 'acc' in history.history


def test_uncompiled_fit_raises():
    with pytest.raises(RuntimeError, match='compile'):
        _model().fit(np.zeros((2, 3)), np.zeros((2, 1)), verbose=0)


class _Record(keras.callbacks.Callback):
    """Keeps what a training loop hands its callbacks."""

    def on_train_begin(self, logs=None):
        self.begin_validation_data = self.validation_data
        self.params_seen = dict(self.params)

    def on_train_end(self, logs=None):
        self.end_logs = dict(logs or {})


def _auc_batches():
    rng = np.random.RandomState(3)
    x = rng.rand(40, 3)
    y = (x[:, :1] + 0.3 * rng.rand(40, 1) > 0.8).astype('float32')
    return x, y


def _printed(out, name):
    import re
    return float(re.search(r' - %s: ([0-9.e+-]+)' % name, out).group(1))


@pytest.mark.parametrize('use_generator', [False, True])
def test_fit_and_fit_generator_hand_callbacks_the_same(capsys, use_generator):
    x, y = _auc_batches()
    val = (x[:10], y[:10])
    model = _model(1, 'sigmoid')
    model.compile('sgd', 'binary_crossentropy', metrics=[keras.metrics.AUC(name='auc')])
    record = _Record()
    if use_generator:
        seq = Batches(n_batches=4, batch_size=10)
        seq.x, seq.y = x, y
        history = model.fit_generator(seq, epochs=2, verbose=2, callbacks=[record], validation_data=val,
                                      workers=0)
    else:
        history = model.fit(x, y, batch_size=10, epochs=2, verbose=2, callbacks=[record], validation_data=val,
                            shuffle=False)
    out = capsys.readouterr().out.splitlines()[-1]
    # Stateful metrics are shown as their value at the end of the epoch, not averaged over batches.
    assert abs(_printed(out, 'auc') - history.history['auc'][-1]) < 1e-4
    assert abs(_printed(out, 'loss') - history.history['loss'][-1]) < 1e-4
    # validation_data: the standardised (inputs, targets, sample weights) arrays, from on_train_begin on.
    assert record.begin_validation_data is not None and len(record.begin_validation_data) == 3
    np.testing.assert_allclose(record.begin_validation_data[0], val[0])
    np.testing.assert_allclose(record.begin_validation_data[1], val[1])
    assert record.params_seen['metrics'] == ['loss', 'auc', 'val_loss', 'val_auc']
    # on_train_end gets the last epoch's logs.
    assert set(record.end_logs) == {'loss', 'auc', 'val_loss', 'val_auc'}
    for key, value in record.end_logs.items():
        assert value == history.history[key][-1]


def test_fit_generator_uses_the_shared_callback_setup(monkeypatch):
    from minikeras.engine import training_utils
    calls = []
    original = training_utils.configure_callbacks

    def spy(*args, **kwargs):
        calls.append(kwargs.get('count_mode'))
        return original(*args, **kwargs)

    monkeypatch.setattr(training_utils, 'configure_callbacks', spy)
    model = _model()
    model.compile('sgd', 'mse')
    seq = Batches()
    model.fit_generator(seq, epochs=1, verbose=0, workers=0)
    model.fit(seq.x, seq.y, epochs=1, verbose=0)
    assert calls == ['steps', 'samples']


class _ThreadRecordingBatches(Batches):
    """A `Sequence` that notes the thread each batch is made on."""

    def __init__(self):
        super(_ThreadRecordingBatches, self).__init__()
        self.threads = set()

    def __getitem__(self, i):
        import threading
        self.threads.add(threading.current_thread().name)
        return super(_ThreadRecordingBatches, self).__getitem__(i)


def test_fit_evaluate_predict_pass_enqueuer_arguments_to_the_generator_loops():
    import threading
    main = threading.current_thread().name
    model = _model()
    model.compile('sgd', 'mse')
    for run in (lambda seq: model.fit(seq, epochs=1, verbose=0, workers=0),
                lambda seq: model.evaluate(seq, verbose=0, workers=0),
                lambda seq: model.predict(seq, workers=0)):
        seq = _ThreadRecordingBatches()
        run(seq)
        assert seq.threads == {main}  # workers=0: batches come straight from the main thread
    seq = _ThreadRecordingBatches()
    model.fit(seq, epochs=1, verbose=0, workers=2, max_queue_size=3, use_multiprocessing=False)
    assert main not in seq.threads

    calls = []
    model.fit_generator = lambda *a, **kw: calls.append(('fit', kw))
    model.evaluate_generator = lambda *a, **kw: calls.append(('evaluate', kw))
    model.predict_generator = lambda *a, **kw: calls.append(('predict', kw))
    seq = Batches()
    model.fit(seq, max_queue_size=3, workers=4, use_multiprocessing=True)
    model.evaluate(seq, max_queue_size=3, workers=4, use_multiprocessing=True)
    model.predict(seq, max_queue_size=3, workers=4, use_multiprocessing=True)
    for name, kwargs in calls:
        assert (kwargs['max_queue_size'], kwargs['workers'], kwargs['use_multiprocessing']) == (3, 4, True), name


@pytest.mark.parametrize('make_input', [lambda seq: seq, lambda seq: _gen(seq)], ids=['Sequence', 'generator'])
def test_generator_input_rejects_array_only_arguments(make_input):
    model = _model()
    model.compile('sgd', 'mse')
    seq = Batches()
    kind = type(make_input(seq)).__name__
    with pytest.raises(ValueError, match=r'validation_split.*%s' % kind):
        model.fit(make_input(seq), steps_per_epoch=4, validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match=r'`fit\(y=\.\.\.\)`.*%s' % kind):
        model.fit(make_input(seq), seq.y, steps_per_epoch=4, verbose=0)
    with pytest.raises(ValueError, match=r'`fit\(sample_weight=\.\.\.\)`'):
        model.fit(make_input(seq), steps_per_epoch=4, sample_weight=np.ones(20), verbose=0)
    with pytest.raises(ValueError, match=r'`evaluate\(y=\.\.\.\)`.*%s' % kind):
        model.evaluate(make_input(seq), seq.y, steps=4, verbose=0)
    with pytest.raises(ValueError, match=r'`evaluate\(sample_weight=\.\.\.\)`'):
        model.evaluate(make_input(seq), steps=4, sample_weight=np.ones(20), verbose=0)
    history = model.fit(make_input(seq), steps_per_epoch=4, validation_split=0., verbose=0)
    assert len(history.history['loss']) == 1


def test_predict_proba_warns_outside_unit_interval_and_predict_classes():
    import warnings
    x = np.array([[1., 2., 3.], [-1., -2., -3.]])
    linear = _model(2)  # kernel all ones, no activation: outputs 6 and -6
    with pytest.warns(UserWarning, match='invalid probability values'):
        np.testing.assert_allclose(linear.predict_proba(x), [[6., 6.], [-6., -6.]], rtol=1e-6)
    softmax = _model(2, 'softmax')
    sigmoid = _model(1, 'sigmoid')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        np.testing.assert_allclose(softmax.predict_proba(x), softmax.predict(x))
        assert sigmoid.predict_proba(x).shape == (2, 1)
    classes = sigmoid.predict_classes(x)
    assert classes.dtype == np.int32 and classes.tolist() == [[1], [0]]
    softmax.layers[0].set_weights([np.array([[1., 0.], [0., 1.], [0., 1.]]), np.zeros(2)])
    assert softmax.predict_classes(np.array([[5., 0., 0.], [0., 1., 1.]])).tolist() == [0, 1]
