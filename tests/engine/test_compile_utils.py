"""`compile`: one record per output, losses beyond targets (`add_loss`, no loss at
all, `target_tensors`, `add_metric`) and regularization counted as Keras 2.2.4
counts it."""
import warnings

import numpy as np
import pytest

from minikeras import backend as K
from minikeras import losses, regularizers
from minikeras.layers import Dense, Dropout, Input, Lambda, Layer
from minikeras.models import Model, Sequential


def _dense(units, **kwargs):
    return Dense(units, kernel_initializer='ones', bias_initializer='zeros', **kwargs)


def test_one_record_per_output():
    inputs = Input(shape=(3,))
    a, b = Dense(2, name='a')(inputs), Dense(4, name='b')(inputs)
    model = Model(inputs, [a, b])
    with pytest.warns(UserWarning, match='"a" missing from loss dictionary'):
        model.compile('sgd', loss={'b': 'mae'}, loss_weights={'a': 2., 'b': 0.5}, metrics=['mse'])
    first, second = model._output_records
    assert (first.name, first.loss_fn, first.target, first.sample_weight, first.fed) == ('a', None, None, None, False)
    assert (second.name, second.loss_fn, second.loss_weight, second.fed) == ('b', losses.mae, 0.5, True)
    assert second.shape == (None, 4) and K.int_shape(second.sample_weight) == (None,)
    assert model.metrics_names == ['loss', 'b_loss', 'b_mean_squared_error']
    assert first.metrics == [] and second.metrics == ['b_mean_squared_error']
    x, y = np.random.rand(5, 3), np.random.rand(5, 4)
    loss, b_loss, b_mse = model.evaluate(x, y, verbose=0)
    pred = model.predict(x)[1]
    np.testing.assert_allclose([loss, b_loss, b_mse],
                               [0.5 * np.abs(y - pred).mean(), np.abs(y - pred).mean(), ((y - pred) ** 2).mean()],
                               rtol=1e-5)


def test_compile_argument_errors():
    inputs = Input(shape=(3,))
    model = Model(inputs, [Dense(2, name='a')(inputs), Dense(2, name='b')(inputs)])
    with pytest.raises(TypeError, match='loss_weights'):
        model.compile('sgd', 'mse', loss_weights=(1., 1.))
    with pytest.raises(ValueError, match='"b" missing from sample_weight_modes'):
        model.compile('sgd', 'mse', sample_weight_mode={'a': 'temporal'})
    with pytest.raises(ValueError, match='one entry per model output'):
        model.compile('sgd', loss=['mse'])
    with pytest.raises(ValueError, match='no loss to optimize'):
        model.compile('sgd', loss=None)
    with pytest.raises(ValueError, match='output "a".*nonexistent_loss'):
        model.compile('sgd', loss='nonexistent_loss')


def test_add_loss_alone_is_minimised():
    inputs = Input(shape=(3,))
    outputs = _dense(2)(inputs)
    model = Model(inputs, outputs)
    model.add_loss(K.mean(K.square(outputs)))
    model.compile('sgd', loss=None)
    assert model.metrics_names == ['loss']
    x = np.random.rand(8, 3).astype('float32')
    expected = np.mean(np.square(x.sum(axis=1, keepdims=True) * np.ones((1, 2))))
    np.testing.assert_allclose(model.evaluate(x, verbose=0), expected, rtol=1e-5)
    history = model.fit(x, epochs=3, batch_size=8, verbose=0)
    assert history.history['loss'][-1] < history.history['loss'][0]


def test_vae_loss_matches_a_hand_computation():
    """The Keras VAE pattern: add_loss(reconstruction + KL), compile(loss=None), fit(x)."""
    rng = np.random.RandomState(0)
    x = rng.rand(6, 4).astype('float32')
    inputs = Input(shape=(4,))
    z_mean, z_log_var = Dense(2, name='z_mean')(inputs), Dense(2, name='z_log_var')(inputs)

    def sample(args):
        mean, log_var = args
        noise = K.random_normal(shape=(K.shape(mean)[0], 2))
        return K.in_train_phase(mean + K.exp(0.5 * log_var) * noise, mean)
    z = Lambda(sample, output_shape=(2,))([z_mean, z_log_var])
    decoded = Dense(4, activation='sigmoid', name='decoded')(z)
    vae = Model(inputs, decoded)
    reconstruction = 4 * losses.binary_crossentropy(inputs, decoded)
    kl = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
    vae.add_loss(K.mean(reconstruction + kl))
    vae.compile('adam')

    (wm, bm), (wv, bv), (wd, bd) = [vae.get_layer(n).get_weights() for n in ('z_mean', 'z_log_var', 'decoded')]
    mean, log_var = x.dot(wm) + bm, x.dot(wv) + bv
    out = np.clip(1. / (1. + np.exp(-(mean.dot(wd) + bd))), 1e-7, 1 - 1e-7)
    bce = -(x * np.log(out) + (1 - x) * np.log(1 - out)).mean(axis=-1)
    kl_value = -0.5 * np.sum(1 + log_var - mean ** 2 - np.exp(log_var), axis=-1)
    expected = np.mean(4 * bce + kl_value)
    np.testing.assert_allclose(vae.evaluate(x, batch_size=6, verbose=0), expected, rtol=1e-4)
    np.testing.assert_allclose(vae.test_on_batch(x, None), expected, rtol=1e-4)
    history = vae.fit(x, batch_size=3, epochs=20, verbose=0, validation_data=(x, None))
    assert set(history.history) == {'loss', 'val_loss'}
    assert history.history['val_loss'][-1] < expected


def test_target_tensors():
    x, target_value = np.random.rand(10, 4), np.random.rand(10, 4)
    target = K.variable(target_value)
    model = Sequential([Dense(4, input_shape=(4,), name='dense')])
    for spec in ([target], {'dense': target}, target):
        model.compile('sgd', 'mse', target_tensors=spec)
        expected = ((model.predict(x) - target_value) ** 2).mean()
        np.testing.assert_allclose(model.test_on_batch(x, None), expected, rtol=1e-5)
    with pytest.raises(TypeError):
        model.compile('sgd', 'mse', target_tensors=set())
    with pytest.raises(ValueError, match='nope'):
        model.compile('sgd', 'mse', target_tensors={'nope': target})
    model.compile('sgd', 'mse', target_tensors=target)
    with pytest.raises(ValueError, match='expected no data'):
        model.train_on_batch(x, target_value)  # the target comes from the tensor
    inputs = Input(shape=(4,))
    two = Model(inputs, [Dense(4, name='a')(inputs), Dense(4, name='b')(inputs)])
    with pytest.raises(ValueError, match='When passing a list as `target_tensors`'):
        two.compile('sgd', 'mse', target_tensors=[target])
    with pytest.raises(ValueError, match='single tensor as `target_tensors`'):
        two.compile('sgd', 'mse', target_tensors=target)
    # A placeholder target is still fed from data.
    placeholder = K.placeholder(shape=(None, 4))
    two.compile('sgd', 'mse', target_tensors=[placeholder, target])
    assert two._output_records[0].fed and not two._output_records[1].fed
    assert len(two.train_on_batch(x, [target_value])) == 3


class _ReportsMean(Layer):
    def call(self, inputs):
        self.add_metric(K.mean(inputs), name='activation_mean')
        return inputs


def test_add_metric_is_reported_like_a_loss():
    inputs = Input(shape=(3,))
    hidden = _ReportsMean()(_dense(2)(inputs))
    model = Model(inputs, Dense(1)(hidden))
    model.add_metric(K.max(hidden), name='activation_max')
    model.compile('sgd', 'mse', metrics=['mae'])
    assert model.metrics_names == ['loss', 'mean_absolute_error', 'activation_mean', 'activation_max']
    x, y = np.random.rand(6, 3), np.random.rand(6, 1)
    values = model.evaluate(x, y, batch_size=6, verbose=0)
    np.testing.assert_allclose(values[2:], [x.sum(axis=1).mean(), x.sum(axis=1).max()], rtol=1e-5)
    history = model.fit(x, y, epochs=1, verbose=0, validation_split=0.5)
    assert {'activation_mean', 'val_activation_max'} <= set(history.history)
    with pytest.raises(ValueError, match='name'):
        model.add_metric(K.mean(hidden))
    with pytest.raises(TypeError):
        model.add_metric(3., name='three')


def test_regularization_of_shared_layers_and_nested_models():
    """Weight penalties count once per layer; activity penalties once per call, as in Keras 2.2.4."""
    shared = _dense(2, use_bias=False, kernel_regularizer=regularizers.l1(1.),
                    activity_regularizer=regularizers.l1(1.))
    a, b = Input(shape=(2,)), Input(shape=(2,))
    model = Model([a, b], [shared(a), shared(b)])
    model.compile('sgd', loss=None)
    x = np.ones((1, 2))
    # kernel (4 ones) once; activity sum |ones(1,2).dot(ones(2,2))| = 4 per call, two calls.
    assert model.evaluate([x, x], verbose=0) == pytest.approx(4 + 4 + 4)

    inner_in = Input(shape=(2,))
    inner = Model(inner_in, _dense(2, use_bias=False, kernel_regularizer=regularizers.l1(1.),
                                   activity_regularizer=regularizers.l1(1.))(inner_in))
    outer_in = Input(shape=(2,))
    outer = Model(outer_in, inner(outer_in))
    outer.compile('sgd', loss=None)
    # the inner kernel once, the activity of the outer call only (not the inner model's own graph).
    assert outer.evaluate(x, verbose=0) == pytest.approx(4 + 4)


def test_trainable_change_after_compile_warns():
    inner_in = Input(shape=(3,))
    inner = Model(inner_in, Dense(1)(inner_in))
    inner.trainable = False
    outer_in = Input(shape=(3,))
    outer = Model(outer_in, Dense(1)(inner(outer_in)))
    outer.compile('adam', 'mse')
    inner.trainable = True
    for action in (lambda: outer.summary(print_fn=lambda line: None),
                   lambda: outer.fit(np.zeros((2, 3)), np.zeros((2, 1)), verbose=0)):
        with pytest.warns(UserWarning, match='Discrepancy'):
            action()
    outer.compile('adam', 'mse')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        outer.summary(print_fn=lambda line: None)


def test_dropout_only_output_without_loss_is_predicted_not_trained():
    inputs = Input(shape=(3,))
    hidden = Dense(4, name='dense', kernel_regularizer='l2')(inputs)
    model = Model(inputs, [hidden, Dropout(0.5, name='dropout')(hidden)])
    model.compile('rmsprop', loss=None, metrics=['mae'])
    assert model.metrics_names == ['loss']
    x = np.random.rand(10, 3)
    assert np.isfinite(model.train_on_batch(x, None))
    assert len(model.predict(x)) == 2


def test_plain_number_losses_each_count():
    inputs = Input(shape=(2,))
    model = Model(inputs, _dense(2)(inputs))
    model.add_loss(1)
    model.add_loss(1)
    model.compile('sgd', loss=None)
    assert model.losses == [1, 1]
    assert model.evaluate(np.ones((2, 2)), verbose=0) == pytest.approx(2.)


class _CountsPositives(Layer):
    """A Keras 2.2 stateful metric layer: a variable it updates itself, the running count as its value."""

    def __init__(self, **kwargs):
        super(_CountsPositives, self).__init__(name='positives', **kwargs)
        self.stateful = True
        self.count = K.variable(0., name='positive_count')

    def reset_states(self):
        K.set_value(self.count, 0.)

    def __call__(self, y_true, y_pred):
        batch = K.sum(K.cast(K.greater(y_pred, 0.5), 'float32'))
        self.add_update(K.update_add(self.count, batch), inputs=[y_true, y_pred])
        return self.count * 1 + batch


def test_a_stateful_metric_layer_reports_its_running_value():
    model = Sequential([Dense(1, activation='sigmoid', input_shape=(2,))])
    model.compile('sgd', 'binary_crossentropy', metrics=[_CountsPositives()])
    assert model.metrics_names == ['loss', 'positives'] and model.stateful_metric_names == ['positives']
    x, y = np.random.rand(30, 2), np.random.randint(0, 2, (30, 1))
    expected = float((model.predict(x) > 0.5).sum())
    assert model.evaluate(x, y, batch_size=7, verbose=0)[1] == pytest.approx(expected)
    assert model.evaluate(x, y, batch_size=30, verbose=0)[1] == pytest.approx(expected)  # reset per evaluation
