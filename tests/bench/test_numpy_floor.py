"""bench/numpy_floor.py trains the same network with the same Adam as minikeras.

The floor is only a fair yardstick if it does the work minikeras does: these tests run
both on the same weights and batches and compare every weight and Adam moment.
"""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                'bench'))
from numpy_floor import NumpyMLP  # noqa: E402

from minikeras import layers, models, optimizers  # noqa: E402


def _minikeras_copy(floor):
    model = models.Sequential([layers.Dense(512, activation='relu', input_shape=(784,)),
                               layers.Dense(512, activation='relu'), layers.Dense(10, activation='softmax')])
    model.compile(optimizers.Adam(lr=1e-3), 'categorical_crossentropy')
    model.set_weights(floor.weights)
    return model


@pytest.mark.parametrize('threads', [1, 2])
def test_three_steps_match_minikeras(threads):
    rng = np.random.RandomState(1)
    x = rng.rand(3, 16, 784).astype('float32')
    y = np.eye(10, dtype='float32')[rng.randint(0, 10, (3, 16))]
    floor = NumpyMLP(threads=threads)
    model = _minikeras_copy(floor)
    for xb, yb in zip(x, y):
        floor.train_on_batch(xb, yb)
        model.train_on_batch(xb, yb)
    for ours, theirs in zip(model.get_weights(), floor.weights):
        np.testing.assert_allclose(theirs, ours, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(floor.predict(x[0]), model.predict(x[0]), rtol=1e-4, atol=1e-6)


def test_helper_errors_reach_the_caller():
    floor = NumpyMLP(threads=2)
    floor._t1[0] = np.empty((400, 512), 'float32')  # rows past 400, the helper's half, are missing
    with pytest.raises(ValueError, match='broadcast'):
        floor.train_on_batch(np.zeros((4, 784), 'float32'), np.eye(10, dtype='float32')[:4])
