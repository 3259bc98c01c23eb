"""Embedding: Keras 2 fixtures, masks, input_length, regularizers, the seed example."""
import numpy as np
import pytest

from keras2_fixtures import case_names
from test_recurrent_layers import run_layer_case

from minikeras import backend as K
from minikeras.layers import Dense, Embedding, Flatten, Input
from minikeras.models import Model, Sequential
from minikeras.utils.test_utils import layer_test

CASES = [n for n in case_names('layers') if n == 'embedding']


@pytest.mark.parametrize('name', CASES)
def test_fixture_case(name):
    run_layer_case(name)


def test_layer_test():
    layer_test(Embedding, kwargs={'output_dim': 4, 'input_dim': 10, 'input_length': 2}, input_shape=(3, 2),
               input_dtype='int32', expected_output_dtype='float32')
    layer_test(Embedding, kwargs={'output_dim': 4, 'input_dim': 10, 'mask_zero': True}, input_shape=(3, 2),
               input_dtype='int32', expected_output_dtype='float32')
    layer_test(Embedding, kwargs={'output_dim': 4, 'input_dim': 10, 'mask_zero': True}, input_shape=(3, 4, 2),
               input_dtype='int32', expected_output_dtype='float32')
    layer_test(Embedding, kwargs={'output_dim': 4, 'input_dim': 10, 'mask_zero': True,
                                  'input_length': (None, 2)}, input_shape=(3, 4, 2), input_dtype='int32',
               expected_output_dtype='float32')


def test_seed_example():
    # EX-44
    model = Sequential()
    model.add(Embedding(1000, 64, input_length=10))
    input_array = np.random.randint(1000, size=(32, 10))
    model.compile('rmsprop', 'mse')
    output_array = model.predict(input_array)
    assert output_array.shape == (32, 10, 64)
    emb = model.layers[0].get_weights()[0]
    np.testing.assert_array_equal(output_array, emb[input_array])
    assert np.abs(emb).max() <= 0.05  # 'uniform' initializer: U(-0.05, 0.05)
    # keyword construction, input_length lets Flatten -> Dense connect
    model = Sequential([Embedding(output_dim=8, input_dim=100, input_length=5), Flatten(), Dense(1)])
    assert model.output_shape == (None, 1)


def test_mask_and_gradient():
    x = Input((4,), dtype='int32')
    layer = Embedding(5, 3, mask_zero=True)
    y = layer(x)
    mask = layer.compute_mask(x, None)
    f = K.function([x], [mask])
    np.testing.assert_array_equal(f([np.array([[0, 1, 0, 4]])])[0], [[False, True, False, True]])
    assert Embedding(5, 3).compute_mask(x, None) is None
    grad = K.gradients(K.sum(y), [layer.embeddings])[0]
    counts = K.function([x], [grad])([np.array([[1, 1, 2, 0]])])[0]
    np.testing.assert_array_equal(counts[:, 0], [1, 2, 1, 0, 0])


def test_regularizer_constraint_and_weights():
    layer = Embedding(6, 2, embeddings_regularizer='l2', activity_regularizer='l1',
                      embeddings_constraint='non_neg', embeddings_initializer='ones')
    x = Input((3,))
    model = Model(x, layer(x))
    assert len(model.losses) == 2
    model.compile('sgd', 'mse')
    model.train_on_batch(np.array([[1, 2, 3]]), np.full((1, 3, 2), -10.))
    assert (layer.get_weights()[0] >= 0).all()
    w = np.arange(12, dtype='float32').reshape(6, 2)
    layer = Embedding(6, 2, weights=[w])
    model = Sequential([layer])
    model.build((None, 3)) if not layer.built else None
    np.testing.assert_array_equal(Model(x, layer(x)).predict(np.array([[5, 0, 1]]))[0], w[[5, 0, 1]])
    with pytest.raises(ValueError):
        Embedding(0, 3)
    layer = Embedding(10, 3, input_length=4)
    with pytest.raises(ValueError):
        layer.compute_output_shape((None, 5))
