"""The Keras 2.2 training callbacks in real `fit` / `fit_generator` runs on tiny data."""
import csv
import json
import os

import numpy as np
import pytest

from minikeras import backend as K
from minikeras import callbacks as cbks
from minikeras.layers import Dense
from minikeras.models import Sequential, load_model
from minikeras.optimizers import SGD


def _data(n=32):
    x = np.random.rand(n, 3).astype('float32')
    y = x.sum(axis=1, keepdims=True)
    return x, y


def _model(lr=0.05, metrics=('mae',)):
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile(SGD(lr=lr), 'mse', metrics=list(metrics))
    return model


def _inject(name, values):
    """A callback that writes `values[epoch]` into the epoch logs as `name` (put it before the one tested)."""
    def on_epoch_end(epoch, logs):
        logs[name] = values[epoch]
    return cbks.LambdaCallback(on_epoch_end=on_epoch_end)


def _recording(model, store):
    """A callback keeping a copy of the weights at each epoch end."""
    return cbks.LambdaCallback(on_epoch_end=lambda epoch, logs: store.append(model.get_weights()))


def _generator(x, y, batch_size):
    while True:
        for start in range(0, len(x), batch_size):
            yield x[start:start + batch_size], y[start:start + batch_size]


def _same_weights(a, b):
    return len(a) == len(b) and all(np.array_equal(u, v) for u, v in zip(a, b))


# -- mode inference ------------------------------------------------------------------------------------

@pytest.mark.parametrize('monitor, expected', [('val_loss', 'min'), ('loss', 'min'), ('val_acc', 'max'),
                                               ('accuracy', 'max'), ('val_fmeasure', 'max'),
                                               ('mean_absolute_error', 'min')])
def test_auto_mode_follows_the_monitored_name(monitor, expected):
    assert cbks.ModelCheckpoint('x.h5', monitor=monitor).mode == expected
    assert cbks.EarlyStopping(monitor=monitor).mode == expected
    assert cbks.ReduceLROnPlateau(monitor=monitor).mode == expected


def test_unknown_mode_warns_and_falls_back_to_auto():
    for make in (lambda: cbks.ModelCheckpoint('x.h5', monitor='val_acc', mode='bigger'),
                 lambda: cbks.EarlyStopping(monitor='val_acc', mode='bigger'),
                 lambda: cbks.ReduceLROnPlateau(monitor='val_acc', mode='bigger')):
        with pytest.warns(RuntimeWarning, match='bigger'):
            callback = make()
        assert callback.mode == 'max'


# -- ModelCheckpoint -------------------------------------------------------------------------------------

def test_model_checkpoint_formats_the_path_with_epoch_and_logs(tmp_path):
    x, y = _data()
    model = _model()
    template = str(tmp_path / 'weights.{epoch:02d}-{val_loss:.2f}.h5')
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0, validation_split=0.25,
                        callbacks=[cbks.ModelCheckpoint(template)])
    names = sorted(os.listdir(str(tmp_path)))
    expected = sorted('weights.%02d-%.2f.h5' % (i + 1, v) for i, v in enumerate(history.history['val_loss']))
    assert names == expected
    # the last file holds the trained model: same predictions, same optimizer
    last = load_model(str(tmp_path / ('weights.03-%.2f.h5' % history.history['val_loss'][2])))
    np.testing.assert_allclose(last.predict(x), model.predict(x), rtol=1e-6)
    assert type(last.optimizer).__name__ == 'SGD'


def test_model_checkpoint_save_best_only_keeps_the_best(tmp_path):
    x, y = _data()
    model = _model()
    weights = []
    scores = [3.0, 1.0, 2.0, 0.5, 4.0]
    per_epoch = str(tmp_path / 'm{epoch}.h5')
    best = str(tmp_path / 'best.h5')
    model.fit(x, y, epochs=5, batch_size=8, verbose=0,
              callbacks=[_inject('score', scores), _recording(model, weights),
                         cbks.ModelCheckpoint(per_epoch, monitor='score', save_best_only=True, save_weights_only=True),
                         cbks.ModelCheckpoint(best, monitor='score', save_best_only=True)])
    assert sorted(os.listdir(str(tmp_path))) == ['best.h5', 'm1.h5', 'm2.h5', 'm4.h5']
    assert _same_weights(load_model(best).get_weights(), weights[3])
    probe = _model()
    probe.load_weights(str(tmp_path / 'm2.h5'))
    assert _same_weights(probe.get_weights(), weights[1])


def test_model_checkpoint_save_best_only_in_max_mode(tmp_path):
    x, y = _data()
    model = _model()
    weights = []
    path = str(tmp_path / 'best.h5')
    checkpoint = cbks.ModelCheckpoint(path, monitor='val_acc', save_best_only=True, save_weights_only=True)
    model.fit(x, y, epochs=4, batch_size=8, verbose=0,
              callbacks=[_inject('val_acc', [0.2, 0.9, 0.5, 0.9]), _recording(model, weights), checkpoint])
    assert checkpoint.best == 0.9
    model.load_weights(path)
    assert _same_weights(model.get_weights(), weights[1])


def test_model_checkpoint_period(tmp_path):
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=5, batch_size=8, verbose=0,
              callbacks=[cbks.ModelCheckpoint(str(tmp_path / 'e{epoch}.h5'), period=2)])
    assert sorted(os.listdir(str(tmp_path))) == ['e2.h5', 'e4.h5']


def test_model_checkpoint_accepts_save_freq_epoch_and_batches(tmp_path):
    x, y = _data(16)
    model = _model()
    model.fit(x, y, epochs=2, batch_size=8, verbose=0,
              callbacks=[cbks.ModelCheckpoint(str(tmp_path / 'e{epoch}.h5'), save_freq='epoch')])
    assert sorted(os.listdir(str(tmp_path))) == ['e1.h5', 'e2.h5']
    batches = tmp_path / 'batches'
    batches.mkdir()
    model.fit(x, y, epochs=2, batch_size=4, verbose=0, shuffle=False,
              callbacks=[cbks.ModelCheckpoint(str(batches / 'e{epoch}-b{batch}.h5'), save_freq=2,
                                              save_weights_only=True)])
    assert sorted(os.listdir(str(batches))) == ['e1-b1.h5', 'e1-b3.h5', 'e2-b1.h5', 'e2-b3.h5']


def test_model_checkpoint_asks_for_batch_logs_only_when_it_reads_them():
    class Counting(cbks.ModelCheckpoint):
        def on_batch_end(self, batch, logs=None):
            self.batches = getattr(self, 'batches', 0) + 1

    assert not cbks.CallbackList([cbks.ModelCheckpoint('x.h5')]).needs_batch_hooks('train')
    assert cbks.CallbackList([cbks.ModelCheckpoint('x.h5', save_freq=3)]).needs_batch_hooks('train')
    counting = Counting('unused-{epoch}.h5', period=10)
    assert cbks.CallbackList([counting]).needs_batch_hooks('train')
    x, y = _data(16)
    _model().fit(x, y, epochs=2, batch_size=4, verbose=0, callbacks=[counting])
    assert counting.batches == 8


@pytest.mark.parametrize('kwargs', [dict(save_freq='batch'), dict(save_freq=0), dict(period=0),
                                    dict(save_freq=3, period=2)])
def test_model_checkpoint_rejects_bad_frequencies(kwargs):
    with pytest.raises(ValueError, match='save_freq|period'):
        cbks.ModelCheckpoint('x.h5', **kwargs)


def test_model_checkpoint_warns_when_the_monitor_is_missing(tmp_path):
    x, y = _data()
    model = _model()
    path = str(tmp_path / 'best.h5')
    with pytest.warns(RuntimeWarning, match='val_loss'):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[cbks.ModelCheckpoint(path, save_best_only=True)])
    assert not os.path.exists(path)


def test_model_checkpoint_names_a_missing_format_field(tmp_path):
    x, y = _data()
    model = _model()
    with pytest.raises(KeyError, match='val_loss'):
        model.fit(x, y, epochs=1, verbose=0,
                  callbacks=[cbks.ModelCheckpoint(str(tmp_path / '{val_loss:.2f}.h5'))])


def test_model_checkpoint_verbose_messages(tmp_path, capsys):
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=2, verbose=0,
              callbacks=[_inject('score', [1.0, 2.0]),
                         cbks.ModelCheckpoint(str(tmp_path / 'b.h5'), monitor='score', save_best_only=True,
                                              verbose=1)])
    out = capsys.readouterr().out
    assert 'Epoch 00001: score improved from inf to 1.00000' in out
    assert 'Epoch 00002: score did not improve from 1.00000' in out


# -- EarlyStopping ---------------------------------------------------------------------------------------

def test_early_stopping_stops_after_patience_epochs():
    x, y = _data()
    model = _model()
    stopper = cbks.EarlyStopping(monitor='score', patience=2)
    history = model.fit(x, y, epochs=10, verbose=0,
                        callbacks=[_inject('score', [5.0, 4.0, 4.5, 4.2, 1.0] + [0.0] * 5), stopper])
    assert history.epoch == [0, 1, 2, 3]
    assert stopper.stopped_epoch == 3 and stopper.best == 4.0
    assert model.stop_training


def test_early_stopping_on_a_real_validation_loss(capsys):
    x, y = _data()
    model = _model(lr=0.0)  # nothing moves: val_loss is flat after the first epoch
    history = model.fit(x, y, epochs=10, batch_size=8, verbose=0, validation_split=0.25,
                        callbacks=[cbks.EarlyStopping(patience=1, verbose=1)])
    assert len(history.epoch) == 2
    assert 'Epoch 00002: early stopping' in capsys.readouterr().out


def test_early_stopping_min_delta_mode_and_baseline():
    x, y = _data()
    history = _model().fit(x, y, epochs=10, verbose=0,
                           callbacks=[_inject('score', [5.0, 4.95, 4.9, 1.0] + [0.0] * 6),
                                      cbks.EarlyStopping(monitor='score', min_delta=-0.1, patience=1)])
    assert len(history.epoch) == 2  # the sign of min_delta is ignored: a 0.05 step is no improvement
    history = _model().fit(x, y, epochs=10, verbose=0,
                           callbacks=[_inject('val_acc', [0.5, 0.6, 0.4, 0.55] + [0.0] * 6),
                                      cbks.EarlyStopping(monitor='val_acc', patience=2)])
    assert len(history.epoch) == 4
    history = _model().fit(x, y, epochs=10, verbose=0,
                           callbacks=[_inject('score', [3.0, 2.0, 1.5, 0.5] + [0.0] * 6),
                                      cbks.EarlyStopping(monitor='score', baseline=1.0, patience=2)])
    assert len(history.epoch) == 2  # never better than the baseline


def test_early_stopping_restore_best_weights():
    x, y = _data()
    model = _model()
    weights = []
    stopper = cbks.EarlyStopping(monitor='score', patience=2, restore_best_weights=True)
    model.fit(x, y, epochs=10, verbose=0,
              callbacks=[_inject('score', [3.0, 1.0, 2.0, 2.0] + [0.0] * 6), _recording(model, weights), stopper])
    assert len(weights) == 4
    assert _same_weights(model.get_weights(), weights[1])
    assert not _same_weights(weights[3], weights[1])


def test_early_stopping_warns_on_a_missing_monitor_and_goes_on():
    x, y = _data()
    with pytest.warns(RuntimeWarning, match='val_loss.*not available'):
        history = _model().fit(x, y, epochs=3, verbose=0, callbacks=[cbks.EarlyStopping()])
    assert len(history.epoch) == 3


def test_stop_training_is_reset_by_the_next_fit():
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=5, verbose=0,
              callbacks=[_inject('score', [1.0] * 5), cbks.EarlyStopping(monitor='score')])
    assert model.stop_training
    assert len(model.fit(x, y, epochs=3, verbose=0).epoch) == 3


# -- ReduceLROnPlateau ----------------------------------------------------------------------------------

def test_reduce_lr_on_plateau_reduces_down_to_min_lr():
    x, y = _data()
    model = _model(lr=0.1)
    reducer = cbks.ReduceLROnPlateau(monitor='score', factor=0.5, patience=1, min_lr=0.02)
    history = model.fit(x, y, epochs=5, verbose=0, callbacks=[_inject('score', [1.0] * 5), reducer])
    np.testing.assert_allclose(history.history['lr'], [0.1, 0.1, 0.05, 0.025, 0.02], rtol=1e-6)
    np.testing.assert_allclose(K.get_value(model.optimizer.lr), 0.02, rtol=1e-6)


def test_reduce_lr_on_plateau_cooldown_and_improvements():
    x, y = _data()
    model = _model(lr=1.0)
    history = model.fit(x, y, epochs=6, verbose=0,
                        callbacks=[_inject('score', [1.0] * 6),
                                   cbks.ReduceLROnPlateau(monitor='score', factor=0.5, patience=1, cooldown=2)])
    # reductions at the ends of epochs 1, 3 and 5: each is followed by one epoch that does not count
    # (Keras 2.2 decrements the cooldown counter before checking it, so cooldown=2 pauses one epoch)
    np.testing.assert_allclose(history.history['lr'], [1.0, 1.0, 0.5, 0.5, 0.25, 0.25], rtol=1e-6)
    np.testing.assert_allclose(K.get_value(model.optimizer.lr), 0.125, rtol=1e-6)
    model = _model(lr=1.0)
    model.fit(x, y, epochs=4, verbose=0,
              callbacks=[_inject('score', [4.0, 3.0, 2.0, 1.0]),
                         cbks.ReduceLROnPlateau(monitor='score', factor=0.5, patience=1, min_delta=0.5)])
    np.testing.assert_allclose(K.get_value(model.optimizer.lr), 1.0)  # every epoch improves by > min_delta


def test_reduce_lr_on_plateau_on_a_real_validation_loss(capsys):
    x, y = _data()
    model = _model(lr=0.0)
    history = model.fit(x, y, epochs=4, batch_size=8, verbose=0, validation_split=0.25,
                        callbacks=[cbks.ReduceLROnPlateau(factor=0.5, patience=2, verbose=1, min_lr=0.0)])
    assert 'lr' in history.history and len(history.history['lr']) == 4
    assert 'ReduceLROnPlateau' not in capsys.readouterr().out  # lr 0 is not above min_lr 0: nothing to reduce


def test_reduce_lr_on_plateau_arguments():
    with pytest.warns(UserWarning, match='epsilon'):
        reducer = cbks.ReduceLROnPlateau(epsilon=0.01)
    assert reducer.min_delta == 0.01
    with pytest.raises(ValueError, match='factor'):
        cbks.ReduceLROnPlateau(factor=1.0)
    with pytest.raises(ValueError, match='factor'):
        cbks.ReduceLROnPlateau(factor=2)
    with pytest.raises(TypeError, match='pateince'):
        cbks.ReduceLROnPlateau(pateince=3)


# -- LearningRateScheduler ------------------------------------------------------------------------------

def test_learning_rate_scheduler_with_epoch_only():
    x, y = _data()
    model = _model()
    history = model.fit(x, y, epochs=3, verbose=0,
                        callbacks=[cbks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))])
    np.testing.assert_allclose(history.history['lr'], [0.1, 0.05, 0.1 / 3], rtol=1e-6)


@pytest.mark.filterwarnings('ignore:overflow encountered')  # the seed's inputs (up to 99) make SGD diverge
def test_learning_rate_scheduler_with_epoch_and_lr_seed_example(capsys):
    def scheduler(epoch, lr):
        return lr if epoch < 10 else lr * float(np.exp(-0.1))

    model = Sequential([Dense(10)])
    model.compile(SGD(), loss='mse')
    # the seed's np.zeros(5) target relies on tf.keras broadcasting; Keras 2.2 checks target shapes
    model.fit(np.arange(100).reshape(5, 20), np.zeros((5, 10)), epochs=15, verbose=0,
              callbacks=[cbks.LearningRateScheduler(scheduler, verbose=1)])
    np.testing.assert_allclose(K.get_value(model.optimizer.lr), 0.01 * np.exp(-0.5), rtol=1e-5)
    assert 'Epoch 00015: LearningRateScheduler setting learning rate to' in capsys.readouterr().out


def test_learning_rate_scheduler_callable_object_and_numpy_floats():
    class Halve(object):
        def __call__(self, epoch, lr):
            return np.float32(lr / 2)

    x, y = _data()
    model = _model(lr=0.08)
    model.fit(x, y, epochs=3, verbose=0, callbacks=[cbks.LearningRateScheduler(Halve())])
    np.testing.assert_allclose(K.get_value(model.optimizer.lr), 0.01, rtol=1e-6)


@pytest.mark.parametrize('value', [1, 'fast', None])
def test_learning_rate_scheduler_rejects_non_float_values(value):
    x, y = _data()
    with pytest.raises(ValueError, match='float.*%r' % (value,)):
        _model().fit(x, y, epochs=1, verbose=0, callbacks=[cbks.LearningRateScheduler(lambda epoch: value)])


def test_learning_rate_scheduler_does_not_hide_type_errors_of_the_schedule():
    def schedule(epoch, lr):
        return lr + 'oops'

    x, y = _data()
    with pytest.raises(TypeError):
        _model().fit(x, y, epochs=1, verbose=0, callbacks=[cbks.LearningRateScheduler(schedule)])


# -- TerminateOnNaN --------------------------------------------------------------------------------------

@pytest.mark.filterwarnings('ignore:invalid value encountered')  # inf - inf in the gradient
@pytest.mark.parametrize('bad', [np.nan, np.inf])
def test_terminate_on_nan_stops_at_the_bad_batch(bad, capsys):
    x, y = _data()
    y[10] = bad
    batches = []
    with pytest.raises(ValueError) as info:  # refused by default, naming the array and the position
        _model().fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert '`y`' in str(info.value) and '(10, 0)' in str(info.value) and 'check_finite=False' in str(info.value)
    terminate = cbks.TerminateOnNaN()
    history = _model().fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0, validation_data=(x[:8], y[:8]),
                           callbacks=[cbks.LambdaCallback(on_batch_end=lambda b, logs: batches.append(b)),
                                      terminate], check_finite=False)
    assert (terminate.stopped_epoch, terminate.stopped_batch) == (0, 1)
    assert batches == [0, 1]
    assert history.epoch == [0]
    assert not np.isfinite(history.history['loss'][0])
    assert 'val_loss' not in history.history  # the epoch was cut short: no validation
    assert 'Batch 1: Invalid loss, terminating training' in capsys.readouterr().out


# -- CSVLogger -------------------------------------------------------------------------------------------

def _read_csv(path, delimiter=','):
    with open(path) as f:
        return list(csv.reader(f, delimiter=delimiter))


def test_csv_logger_writes_one_row_per_epoch(tmp_path):
    x, y = _data()
    path = str(tmp_path / 'training.log')
    history = _model().fit(x, y, epochs=3, verbose=0, validation_split=0.25, callbacks=[cbks.CSVLogger(path)])
    rows = _read_csv(path)
    assert rows[0] == ['epoch', 'loss', 'mean_absolute_error', 'val_loss', 'val_mean_absolute_error']
    assert [r[0] for r in rows[1:]] == ['0', '1', '2']
    for i, row in enumerate(rows[1:]):
        for name, text in zip(rows[0][1:], row[1:]):
            np.testing.assert_allclose(float(text), history.history[name][i], rtol=1e-6)


def test_csv_logger_append_and_overwrite(tmp_path):
    x, y = _data()
    path = str(tmp_path / 'log.csv')
    model = _model()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[cbks.CSVLogger(path, separator=';')])
    model.fit(x, y, epochs=2, verbose=0, callbacks=[cbks.CSVLogger(path, separator=';', append=True)])
    rows = _read_csv(path, ';')
    assert rows[0] == ['epoch', 'loss', 'mean_absolute_error']
    assert [r[0] for r in rows] == ['epoch', '0', '1', '0', '1']
    model.fit(x, y, epochs=1, verbose=0, callbacks=[cbks.CSVLogger(path, separator=';')])
    assert [r[0] for r in _read_csv(path, ';')] == ['epoch', '0']
    fresh = str(tmp_path / 'fresh.csv')
    model.fit(x, y, epochs=1, verbose=0, callbacks=[cbks.CSVLogger(fresh, append=True)])
    assert _read_csv(fresh)[0][0] == 'epoch'  # a new file gets its header even when appending


def test_csv_logger_na_for_missing_values_and_arrays(tmp_path):
    x, y = _data()
    path = str(tmp_path / 'log.csv')
    logger = cbks.CSVLogger(path)

    def first_epoch_only(epoch, logs):
        if epoch == 0:
            logs['vec'] = np.array([1, 2])
            logs['note'] = 'warm, up'
    _model().fit(x, y, epochs=2, verbose=0, callbacks=[cbks.LambdaCallback(on_epoch_end=first_epoch_only), logger])
    rows = _read_csv(path)
    assert rows[0] == ['epoch', 'loss', 'mean_absolute_error', 'note', 'vec']
    assert rows[1][3:] == ['warm, up', '[1, 2]']
    assert rows[2][3:] == ['NA', 'NA']
    assert logger.csv_file is None  # closed at the end of training


def test_csv_logger_after_terminate_on_nan(tmp_path):
    x, y = _data()
    y[3] = np.nan
    path = str(tmp_path / 'log.csv')
    _model().fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0,
                 callbacks=[cbks.TerminateOnNaN(), cbks.CSVLogger(path)], check_finite=False)
    rows = _read_csv(path)
    assert len(rows) == 2 and rows[1][0] == '0' and rows[1][1] == 'nan'


# -- RemoteMonitor (no network: urlopen is replaced) -----------------------------------------------------

def _capture_urlopen(monkeypatch, fail=False):
    import urllib.error
    import urllib.request
    sent = []

    class _Response(object):
        def close(self):
            pass

    def fake_urlopen(request, timeout=None):
        sent.append(request)
        if fail:
            raise urllib.error.URLError('connection refused')
        return _Response()

    monkeypatch.setattr(urllib.request, 'urlopen', fake_urlopen)
    return sent


def test_remote_monitor_posts_a_form_field(monkeypatch):
    from urllib.parse import parse_qs
    sent = _capture_urlopen(monkeypatch)
    x, y = _data()
    history = _model().fit(x, y, epochs=2, verbose=0,
                           callbacks=[cbks.RemoteMonitor(root='http://monitor.invalid', headers={'X-Run': '7'})])
    assert len(sent) == 2
    request = sent[1]
    assert request.full_url == 'http://monitor.invalid/publish/epoch/end/'
    assert request.get_method() == 'POST' and request.get_header('X-run') == '7'
    event = json.loads(parse_qs(request.data.decode('utf-8'))['data'][0])
    assert event['epoch'] == 1
    np.testing.assert_allclose(event['loss'], history.history['loss'][1], rtol=1e-6)


def test_remote_monitor_json_body_and_unreachable_server(monkeypatch):
    sent = _capture_urlopen(monkeypatch, fail=True)
    x, y = _data()
    monitor = cbks.RemoteMonitor(root='http://monitor.invalid', path='/events', send_as_json=True)
    with pytest.warns(RuntimeWarning, match='could not reach RemoteMonitor'):
        history = _model().fit(x, y, epochs=2, verbose=0, callbacks=[monitor])
    assert len(history.epoch) == 2 and len(sent) == 2
    assert sent[0].full_url == 'http://monitor.invalid/events'
    assert sent[0].get_header('Content-type') == 'application/json'
    assert sorted(json.loads(sent[0].data.decode('utf-8'))) == ['epoch', 'loss', 'mean_absolute_error']


# -- fit_generator honours them too ----------------------------------------------------------------------

def test_fit_generator_with_checkpoint_scheduler_and_csv(tmp_path):
    x, y = _data()
    model = _model()
    path = str(tmp_path / 'g{epoch}.h5')
    log = str(tmp_path / 'g.csv')
    history = model.fit_generator(_generator(x, y, 8), steps_per_epoch=4, epochs=3, verbose=0,
                                  validation_data=(x[:8], y[:8]),
                                  callbacks=[cbks.ModelCheckpoint(path, period=2),
                                             cbks.LearningRateScheduler(lambda epoch, lr: lr / 2),
                                             cbks.CSVLogger(log)])
    assert sorted(os.listdir(str(tmp_path))) == ['g.csv', 'g2.h5']
    np.testing.assert_allclose(history.history['lr'], [0.025, 0.0125, 0.00625], rtol=1e-6)
    assert len(_read_csv(log)) == 4
    assert load_model(str(tmp_path / 'g2.h5')).count_params() == 4


def test_fit_generator_early_stopping_and_reduce_lr():
    x, y = _data()
    model = _model(lr=0.2)
    weights = []
    history = model.fit_generator(_generator(x, y, 8), steps_per_epoch=4, epochs=10, verbose=0,
                                  callbacks=[_inject('score', [2.0, 1.0, 1.5, 1.5, 1.5] + [0.0] * 5),
                                             _recording(model, weights),
                                             cbks.ReduceLROnPlateau(monitor='score', patience=1, factor=0.5),
                                             cbks.EarlyStopping(monitor='score', patience=3,
                                                                restore_best_weights=True)])
    assert history.epoch == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(history.history['lr'], [0.2, 0.2, 0.2, 0.1, 0.05], rtol=1e-6)
    assert _same_weights(model.get_weights(), weights[1])


def test_fit_generator_terminate_on_nan():
    x, y = _data()
    y[20] = np.nan
    batches = []
    history = _model().fit_generator(_generator(x, y, 8), steps_per_epoch=4, epochs=3, verbose=0,
                                     callbacks=[cbks.LambdaCallback(on_batch_end=lambda b, logs: batches.append(b)),
                                                cbks.TerminateOnNaN()], check_finite=False)
    assert batches == [0, 1, 2] and history.epoch == [0]
