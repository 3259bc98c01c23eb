"""pickle.dumps/loads and copy.deepcopy of models: architecture, weights and optimizer state round-trip
through the model's in-memory HDF5 image."""
import copy
import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose

from minikeras import backend as K
from minikeras import optimizers
from minikeras.engine.pickling import model_from_image, model_image
from minikeras.layers import Dense, Input, Lambda, Layer, LSTM, concatenate
from minikeras.models import Model, Sequential
from minikeras.utils import CustomObjectScope

ROUND_TRIPS = [lambda m: pickle.loads(pickle.dumps(m)), copy.deepcopy]


class Scale(Layer):
    """A custom layer defined at module level (so pickle finds its class by reference)."""

    def build(self, input_shape):
        self.scale = self.add_weight(name='scale', shape=(input_shape[-1],), initializer='ones')
        Layer.build(self, input_shape)

    def call(self, inputs):
        return inputs * self.scale


def custom_mse(y_true, y_pred):
    return K.mean(K.square(y_pred - y_true), axis=-1)


def _sequential():
    model = Sequential([Dense(4, input_shape=(3,), activation='tanh'), Dense(2)])
    return model


def _functional():
    a, b = Input((3,)), Input((2,))
    x = concatenate([Dense(4, activation='relu')(a), b])
    return Model([a, b], Dense(2, name='out')(x))


def _data(model, n=8, seed=0):
    rng = np.random.RandomState(seed)
    xs = [rng.rand(n, *K.int_shape(x)[1:]).astype('float32') for x in model.inputs]
    return xs, rng.rand(n, 2).astype('float32')


@pytest.mark.parametrize('round_trip', ROUND_TRIPS, ids=['pickle', 'deepcopy'])
@pytest.mark.parametrize('build', [_sequential, _functional], ids=['sequential', 'functional'])
def test_compiled_model_round_trip_keeps_weights_and_optimizer_state(build, round_trip):
    model = build()
    model.compile(optimizers.Adam(lr=0.01), 'mse', metrics=['mae'])
    x, y = _data(model)
    model.train_on_batch(x, y)
    clone = round_trip(model)

    assert type(clone) is type(model) and clone is not model
    assert clone.get_config() == model.get_config()
    assert_allclose(clone.predict(x), model.predict(x), atol=1e-6)
    assert clone.optimizer is not model.optimizer
    for a, b in zip(K.batch_get_value(clone.optimizer.weights), K.batch_get_value(model.optimizer.weights)):
        assert_allclose(a, b)
    # Training goes on identically from the restored optimizer state (Adam's moments and iteration count).
    x2, y2 = _data(model, seed=1)
    assert_allclose(clone.train_on_batch(x2, y2), model.train_on_batch(x2, y2), rtol=1e-5)
    assert_allclose(clone.predict(x2), model.predict(x2), atol=1e-6)
    # The copies are independent.
    assert not any(w1 is w2 for w1, w2 in zip(clone.weights, model.weights))


@pytest.mark.parametrize('round_trip', ROUND_TRIPS, ids=['pickle', 'deepcopy'])
def test_uncompiled_model_round_trip_stays_uncompiled(round_trip):
    model = _functional()
    x, _ = _data(model)
    clone = round_trip(model)
    assert clone.optimizer is None
    assert_allclose(clone.predict(x), model.predict(x), atol=1e-6)


def test_custom_layer_and_loss_unpickle_without_custom_objects():
    model = Sequential([Dense(3, input_shape=(3,)), Scale()])
    model.compile('sgd', custom_mse)
    model.layers[1].set_weights([np.array([1., 2., 3.], 'float32')])
    x, _ = _data(model)
    clone = pickle.loads(pickle.dumps(model))
    assert isinstance(clone.layers[1], Scale)
    assert clone.loss is custom_mse
    assert_allclose(clone.predict(x), model.predict(x), atol=1e-6)


def test_deepcopy_takes_locally_defined_classes_and_functions():
    class Double(Layer):
        def call(self, inputs):
            return 2 * inputs

    def local_mse(y_true, y_pred):
        return K.mean(K.square(y_pred - y_true), axis=-1)

    model = Sequential([Dense(2, input_shape=(3,)), Double()])
    model.compile('sgd', local_mse)
    clone = copy.deepcopy(model)
    assert isinstance(clone.layers[1], Double) and clone.loss is local_mse
    x, _ = _data(model)
    assert_allclose(clone.predict(x), model.predict(x), atol=1e-6)
    # pickle stores classes by reference: a local class must be supplied when unpickling, as with load_model
    state = pickle.dumps(Sequential([Dense(2, input_shape=(3,)), Double()]))
    with pytest.raises(ValueError, match='Double'):
        pickle.loads(state)
    with CustomObjectScope({'Double': Double}):
        assert isinstance(pickle.loads(state).layers[1], Double)


@pytest.mark.parametrize('round_trip', ROUND_TRIPS, ids=['pickle', 'deepcopy'])
def test_lambda_loss_is_refused_with_a_clear_error(round_trip):
    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile('sgd', loss=lambda y_true, y_pred: y_pred)
    with pytest.raises(TypeError, match='lambda as a loss or metric'):
        round_trip(model)


def test_stateful_and_recurrent_model_round_trip():
    model = Sequential([LSTM(3, return_sequences=True, input_shape=(5, 2)), Dense(2)])
    model.compile('rmsprop', 'mse')
    x = np.random.RandomState(0).rand(4, 5, 2).astype('float32')
    model.train_on_batch(x, np.zeros((4, 5, 2), 'float32'))
    assert_allclose(copy.deepcopy(model).predict(x), model.predict(x), atol=1e-6)


def test_unused_input_is_kept():
    a, b = Input((4,)), Input((1,))
    model = Model([a, b], Lambda(lambda t: t[:, :2])(a))
    clone = pickle.loads(pickle.dumps(model))
    assert len(clone.inputs) == 2
    x = [np.arange(8, dtype='float32').reshape(2, 4), np.zeros((2, 1), 'float32')]
    assert_allclose(clone.predict(x), x[0][:, :2])


def test_model_image_is_the_saved_file(tmp_path):
    model = _sequential()
    image = model_image(model)
    assert image[:8] == b'\x89HDF\r\n\x1a\n'
    x, _ = _data(model)
    assert_allclose(model_from_image(image, compiled=False).predict(x), model.predict(x), atol=1e-6)


def test_subclassed_model_cannot_be_pickled():
    class Net(Model):
        def __init__(self):
            Model.__init__(self)
            self.dense = Dense(2)

        def call(self, inputs):
            return self.dense(inputs)

    with pytest.raises(NotImplementedError):
        pickle.dumps(Net())
