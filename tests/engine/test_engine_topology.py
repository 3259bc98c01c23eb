"""Layer naming, graph building, nesting, serialisation, masks and updates."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import backend as K
from minikeras.engine.base_layer import Layer
from minikeras.layers import Dense, Input, Lambda, Masking, concatenate
from minikeras.models import Model, Sequential, model_from_json


def test_auto_names_and_clear_session():
    assert Dense(2).name == 'dense_1'
    assert Dense(2).name == 'dense_2'
    assert keras.layers.RepeatVector(2).name == 'repeat_vector_1'
    K.clear_session()
    assert Dense(2).name == 'dense_1'


def test_layer_call_sets_keras_attributes():
    x = Input(shape=(3,))
    layer = Dense(4)
    y = layer(x)
    assert y._keras_shape == (None, 4)
    assert y._keras_history == (layer, 0, 0)
    assert K.is_keras_tensor(y)
    assert layer.input is x and layer.output is y
    assert layer.input_shape == (None, 3) and layer.output_shape == (None, 4)
    assert len(layer.weights) == 2 and layer.count_params() == 16


def test_shared_layer_and_node_access():
    a, b = Input(shape=(3,)), Input(shape=(3,))
    shared = Dense(2)
    ya, yb = shared(a), shared(b)
    assert shared.get_output_at(0) is ya and shared.get_output_at(1) is yb
    with pytest.raises(AttributeError):
        shared.output
    model = Model([a, b], concatenate([ya, yb]))
    assert len(model.trainable_weights) == 2
    config_model = Model.from_config(model.get_config())
    config_model.set_weights(model.get_weights())
    xa, xb = np.random.rand(4, 3), np.random.rand(4, 3)
    np.testing.assert_allclose(config_model.predict([xa, xb]), model.predict([xa, xb]), rtol=1e-6)


def test_dense_on_rank3_contracts_last_axis():
    x = Input(shape=(5, 3))
    layer = Dense(2, use_bias=False)
    model = Model(x, layer(x))
    data = np.random.rand(4, 5, 3).astype('float32')
    np.testing.assert_allclose(model.predict(data), data.dot(layer.get_weights()[0]), rtol=1e-5)
    assert model.output_shape == (None, 5, 2)


def test_deferred_sequential_build_and_nesting():
    model = Sequential([Dense(4), Dense(2)])
    assert not model.built
    model.compile('sgd', 'mse')
    model.fit(np.random.rand(8, 3), np.random.rand(8, 2), verbose=0)
    assert model.built and model.output_shape == (None, 2)
    outer = Sequential([Dense(3, input_shape=(5,)), model])
    assert outer.output_shape == (None, 2)
    assert outer.predict(np.random.rand(2, 5)).shape == (2, 2)
    clone = model_from_json(outer.to_json())
    clone.set_weights(outer.get_weights())
    data = np.random.rand(3, 5)
    np.testing.assert_allclose(clone.predict(data), outer.predict(data), rtol=1e-6)


def test_sequential_pop_and_get_layer():
    model = Sequential([Dense(4, input_shape=(3,), name='a'), Dense(2, name='b'), Dense(1, name='c')])
    assert model.get_layer('b').name == 'b'
    assert model.get_layer(name='a', index=2).name == 'c'
    model.pop()
    assert model.output_shape == (None, 2)
    assert [layer.name for layer in model.layers] == ['a', 'b']


def test_trainable_takes_effect_at_compile():
    model = Sequential([Dense(2, input_shape=(3,)), Dense(1)])
    model.layers[0].trainable = False
    model.compile('sgd', 'mse')
    model.layers[0].trainable = True  # no effect until compile is called again
    frozen = model.layers[0].get_weights()[0].copy()
    model.fit(np.random.rand(16, 3), np.random.rand(16, 1), verbose=0, epochs=2)
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], frozen)
    model.compile('sgd', 'mse')
    model.fit(np.random.rand(16, 3), np.random.rand(16, 1), verbose=0, epochs=2)
    assert not np.array_equal(model.layers[0].get_weights()[0], frozen)


def test_mask_propagation():
    x = Input(shape=(4, 2))
    masked = Masking(0.)(x)
    seen = Lambda(lambda t, mask: t * K.expand_dims(K.cast(mask, 'float32')), mask=lambda t, m: m)(masked)
    model = Model(x, seen)
    data = np.ones((2, 4, 2), dtype='float32')
    data[0, 1] = 0
    out = model.predict(data)
    assert out[0, 1].sum() == 0 and out[0, 0].sum() == 2
    with pytest.raises(TypeError, match='does not support masking'):
        keras.layers.Flatten()(masked)


class Counter(Layer):
    """A layer with a non-trainable counter updated at each training batch."""

    def build(self, input_shape):
        self.count = self.add_weight(name='count', shape=(), initializer='zeros', trainable=False)
        self.built = True

    def call(self, inputs):
        self.add_update([K.update_add(self.count, K.constant(1.))], inputs)
        return inputs


def test_layer_updates_run_in_training():
    x = Input(shape=(2,))
    counter = Counter()
    model = Model(x, Dense(1)(counter(x)))
    assert len(counter.updates) == 1
    model.compile('sgd', 'mse')
    model.fit(np.random.rand(10, 2), np.random.rand(10, 1), batch_size=5, epochs=2, verbose=0)
    assert K.get_value(counter.count) == 4


def test_activity_regularizer_adds_loss():
    x = Input(shape=(2,))
    model = Model(x, Dense(1, kernel_initializer='ones', activity_regularizer=keras.regularizers.l1(1.))(x))
    assert len(model.losses) == 1
    model.compile('sgd', 'mse')
    data = np.ones((4, 2), dtype='float32')
    loss = model.evaluate(data, np.full((4, 1), 2.), verbose=0)
    assert abs(loss - 8.0) < 1e-5  # mse 0 + l1 * sum(|output|) over the batch (Keras 2)


def test_graph_errors():
    a = Input(shape=(2,))
    b = Input(shape=(2,))
    y = Dense(1)(concatenate([a, b]))
    with pytest.raises(ValueError, match='Graph disconnected'):
        Model(a, y)
    with pytest.raises(ValueError, match='used 2 times'):
        Sequential([Dense(1, name='same', input_shape=(2,)), Dense(1, name='same')])
