"""Subclassed models: layers as attributes, their own `call`, every training
method, `summary` once built, a weights round trip, and Keras 2.2.4's error for
`save` / `to_json`."""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras.layers import BatchNormalization, Dense, Dropout, Input
from minikeras.models import Model


class TwoLayer(Model):
    def __init__(self, units=3, **kwargs):
        super(TwoLayer, self).__init__(**kwargs)
        self.hidden = Dense(8, activation='relu')
        self.norm = BatchNormalization()
        self.dropout = Dropout(0.25)
        self.out = Dense(units, activation='softmax')

    def call(self, inputs, training=None):
        return self.out(self.dropout(self.norm(self.hidden(inputs))))


class TwoInputs(Model):
    def __init__(self):
        super(TwoInputs, self).__init__()
        self.left, self.right = Dense(2), Dense(2)

    def call(self, inputs):
        a, b = inputs
        return [self.left(a), self.right(b)]


def _data(n=24):
    rng = np.random.RandomState(0)
    return rng.rand(n, 4).astype('float32'), np.eye(3)[rng.randint(0, 3, n)]


def test_layers_are_tracked_in_assignment_order():
    model = TwoLayer()
    assert [type(layer).__name__ for layer in model.layers] == ['Dense', 'BatchNormalization', 'Dropout', 'Dense']
    assert not model.built and model.weights == []


def test_every_training_method():
    x, y = _data()
    model = TwoLayer()
    model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0, validation_split=0.25)
    assert set(history.history) == {'loss', 'acc', 'val_loss', 'val_acc'}
    assert model.built and model.metrics_names == ['loss', 'acc'] and model.output_names == ['output_1']
    assert len(model.trainable_weights) == 6 and len(model.non_trainable_weights) == 2
    assert len(model.updates) == 2  # the batch-norm moving averages
    assert len(model.evaluate(x, y, verbose=0)) == 2
    assert model.predict(x, batch_size=5).shape == (24, 3)
    assert len(model.train_on_batch(x, y)) == 2 and len(model.test_on_batch(x, y)) == 2
    assert model.predict_on_batch(x).shape == (24, 3)


def test_training_methods_build_an_uncompiled_or_unbuilt_model_from_data():
    x, y = _data()
    model = TwoLayer()
    with pytest.raises(RuntimeError, match='compile'):
        model.train_on_batch(x, y)
    fresh = TwoLayer()
    assert fresh.predict(x).shape == (24, 3)  # predict needs no compile
    multi = TwoInputs()
    multi.compile('sgd', 'mse')
    assert len(multi.train_on_batch([x, x], [x[:, :2], x[:, :2]])) == 3
    assert multi.metrics_names == ['loss', 'output_1_loss', 'output_2_loss']


def test_summary_after_build():
    model = TwoLayer()
    with pytest.raises(ValueError, match='not yet been built'):
        model.summary()
    model.build((None, 4))
    lines = []
    model.summary(print_fn=lines.append)
    text = '\n'.join(lines)
    assert 'batch_normalization' in text and 'Total params: 99' in text


def test_weights_round_trip(tmp_path):
    x, y = _data()
    model = TwoLayer()
    model.compile('adam', 'categorical_crossentropy')
    model.fit(x, y, epochs=2, verbose=0)
    path = str(tmp_path / 'weights.h5')
    model.save_weights(path)
    restored = TwoLayer()
    restored.build((None, 4))
    restored.load_weights(path)
    for saved, loaded in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(saved, loaded)
    np.testing.assert_array_equal(model.predict(x), restored.predict(x))


def test_save_and_to_json_give_a_clear_error(tmp_path):
    model = TwoLayer()
    model.build((None, 4))
    for action in (model.to_json, model.get_config, lambda: model.save(str(tmp_path / 'm.h5'))):
        with pytest.raises(NotImplementedError, match='subclassed'):
            action()


def test_called_on_a_tensor_inside_a_functional_model():
    inner = TwoLayer(units=2)
    inputs = Input(shape=(4,))
    outputs = inner(inputs)
    assert K.int_shape(outputs) == (None, 2)
    model = Model(inputs, outputs)
    model.compile('sgd', 'mse')
    x = np.random.rand(5, 4)
    assert np.isfinite(model.train_on_batch(x, np.random.rand(5, 2)))


def test_add_loss_in_call():
    class WithPenalty(Model):
        def __init__(self):
            super(WithPenalty, self).__init__()
            self.dense = Dense(2, kernel_initializer='ones', bias_initializer='zeros')

        def call(self, inputs):
            outputs = self.dense(inputs)
            self.add_loss(K.mean(K.abs(outputs)))
            return outputs
    model = WithPenalty()
    model.compile('sgd', loss=None)
    x = np.ones((3, 2))
    assert model.evaluate(x, verbose=0) == pytest.approx(2.)


def test_forgetting_super_init_is_explained():
    class Broken(Model):
        def __init__(self):
            self.dense = Dense(2)
    with pytest.raises(RuntimeError, match='super'):
        Broken()


def test_set_inputs_of_a_graph_model():
    inputs = Input(shape=(3,))
    model = Model(inputs, Dense(2)(inputs))
    with pytest.raises(ValueError, match='already set'):
        model._set_inputs(model.inputs)
