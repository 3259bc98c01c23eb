"""The one loop: arrays and generators follow the same rules for epoch values,
stateful metrics, batch logs, callbacks and `stop_training`."""
import numpy as np
import pytest

from minikeras import callbacks as cbks
from minikeras import metrics
from minikeras.layers import Dense
from minikeras.models import Sequential
from minikeras.utils import Sequence

X = np.random.RandomState(0).rand(12, 3).astype('float32')
Y = (X.sum(axis=1, keepdims=True) > 1.5).astype('float32')


class Batches(Sequence):
    """The arrays in order, 4 samples a batch (the array path without shuffling)."""

    def __len__(self):
        return 3

    def __getitem__(self, i):
        return X[4 * i:4 * i + 4], Y[4 * i:4 * i + 4]


def _model(metric_list=('accuracy',)):
    model = Sequential([Dense(1, activation='sigmoid', input_shape=(3,), kernel_initializer='ones')])
    model.compile('sgd', 'binary_crossentropy', metrics=list(metric_list))
    return model


class Recorder(cbks.Callback):
    def __init__(self, stop_at=None):
        super(Recorder, self).__init__()
        self.events, self.stop_at = [], stop_at

    def on_batch_end(self, batch, logs=None):
        self.events.append(('batch', batch, logs['size'], sorted(logs)))
        if self.stop_at == batch:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(('epoch', epoch, sorted(logs)))


def test_arrays_and_generators_train_identically():
    by_arrays, by_generator = _model(), _model()
    rec_a, rec_g = Recorder(), Recorder()
    h_a = by_arrays.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0, callbacks=[rec_a],
                        validation_data=(X, Y))
    h_g = by_generator.fit_generator(Batches(), epochs=2, verbose=0, workers=0, callbacks=[rec_g],
                                     validation_data=Batches())
    assert h_a.history.keys() == h_g.history.keys() == {'loss', 'acc', 'val_loss', 'val_acc'}
    for key in h_a.history:
        np.testing.assert_allclose(h_a.history[key], h_g.history[key], rtol=1e-6)
    for a, g in zip(by_arrays.get_weights(), by_generator.get_weights()):
        np.testing.assert_allclose(a, g, rtol=1e-6)
    assert rec_a.events == rec_g.events
    assert rec_a.events[0] == ('batch', 0, 4, ['acc', 'batch', 'loss', 'size'])


def test_epoch_values_are_sample_weighted_means_and_stateful_metrics_their_last_value():
    model = _model(['accuracy', metrics.TruePositives()])
    sizes, batch_values = [], []

    class Batch(cbks.Callback):
        def on_batch_end(self, batch, logs=None):
            sizes.append(logs['size'])
            batch_values.append((logs['loss'], logs['true_positives']))
    history = model.fit(X, Y, batch_size=5, epochs=1, shuffle=False, verbose=0, callbacks=[Batch()])
    assert sizes == [5, 5, 2]
    losses = [v[0] for v in batch_values]
    assert history.history['loss'][0] == pytest.approx(np.average(losses, weights=sizes), rel=1e-6)
    assert history.history['true_positives'][0] == batch_values[-1][1]  # accumulated, not averaged


@pytest.mark.parametrize('source', ['arrays', 'generator'])
def test_stop_training_ends_the_epoch_after_the_batch_and_skips_validation(source):
    model, recorder = _model(), Recorder(stop_at=1)
    if source == 'arrays':
        history = model.fit(X, Y, batch_size=4, epochs=3, shuffle=False, verbose=0, callbacks=[recorder],
                            validation_data=(X, Y))
    else:
        history = model.fit(Batches(), epochs=3, verbose=0, workers=0, callbacks=[recorder],
                            validation_data=Batches())
    assert [e[:2] for e in recorder.events] == [('batch', 0), ('batch', 1), ('epoch', 0)]
    assert set(history.history) == {'loss', 'acc'}  # the interrupted epoch is not validated


def test_evaluate_and_predict_agree_across_sources():
    model = _model()
    np.testing.assert_allclose(model.evaluate(X, Y, batch_size=4, verbose=0),
                               model.evaluate_generator(Batches(), workers=0), rtol=1e-6)
    np.testing.assert_allclose(model.predict(X, batch_size=4), model.predict_generator(Batches(), workers=0),
                               rtol=1e-6)
    # Whole-array steps are concatenated, one prediction per step.
    assert model.predict(X, steps=2).shape == (24, 1)


def test_predict_batch_callbacks_get_the_outputs():
    seen = []

    class Outputs(cbks.Callback):
        def on_predict_batch_end(self, batch, logs=None):
            seen.append(logs['outputs'][0].shape)
    _model().predict(X, batch_size=5, callbacks=[Outputs()])
    assert seen == [(5, 1), (5, 1), (2, 1)]


def test_stateful_models_need_sample_counts_divisible_by_the_batch_size():
    from minikeras.layers import SimpleRNN
    model = Sequential([SimpleRNN(2, stateful=True, batch_input_shape=(2, 3, 1))])
    model.compile('sgd', 'mse')
    assert model.predict(np.zeros((2, 3, 1))).shape == (2, 2)  # fewer samples than the default batch size
    with pytest.raises(ValueError, match='divided by the batch size'):
        model.predict(np.zeros((5, 3, 1)), batch_size=2)
    with pytest.raises(ValueError, match='divided by the batch size'):
        model.fit(np.zeros((5, 3, 1)), np.zeros((5, 2)), batch_size=2, verbose=0)


def test_fit_announces_sample_counts_with_validation_arrays(capsys):
    """As Keras 2.2: 'Train on N samples, validate on M samples' before the first
    epoch when arrays are validated verbosely; nothing for verbose=0 or generators."""
    model = _model()
    model.fit(X, Y, batch_size=4, epochs=1, validation_split=0.25, verbose=1)
    assert capsys.readouterr().out.startswith('Train on 9 samples, validate on 3 samples\n')
    model.fit(X, Y, batch_size=4, epochs=1, validation_data=(X, Y), verbose=0)
    model.fit(X, Y, batch_size=4, epochs=1, verbose=1)
    model.fit_generator(Batches(), epochs=1, validation_data=Batches(), verbose=1)
    assert 'Train on' not in capsys.readouterr().out


def test_reported_scalars_are_numpy_floats():
    """evaluate / train_on_batch values are floats with numpy's `.shape == ()`
    (Keras 2.2 code checks `model.evaluate(...).shape`)."""
    model = _model(())
    loss = model.evaluate(X, Y, verbose=0)
    assert isinstance(loss, float) and loss.shape == () and loss > 0
    loss, acc = _model().train_on_batch(X, Y)
    assert isinstance(acc, float) and acc.shape == ()
