"""The small models and data shared by the data-parallel tests and their MPI worker."""
import numpy as np

from minikeras.layers import Conv2D, Dense, Flatten
from minikeras.models import Sequential
from minikeras.optimizers import SGD, Adam


def build_model(kind):
    """'mlp': 8-16-3; 'cnn': Conv2D(4, 3x3) on 6x6x1 images, then Dense(3)."""
    if kind == 'mlp':
        return Sequential([Dense(16, activation='relu', input_shape=(8,)), Dense(3, activation='softmax')])
    if kind == 'cnn':
        return Sequential([Conv2D(4, (3, 3), activation='relu', input_shape=(6, 6, 1)), Flatten(),
                           Dense(3, activation='softmax')])
    raise ValueError(kind)


def make_optimizer(name):
    if name == 'sgd_momentum':
        return SGD(lr=0.05, momentum=0.9)
    if name == 'adam':
        return Adam(lr=0.01)
    raise ValueError(name)


def make_data(kind, rows):
    rng = np.random.RandomState(1)
    x = rng.normal(size=(rows, 8) if kind == 'mlp' else (rows, 6, 6, 1)).astype('float32')
    y = np.eye(3, dtype='float32')[rng.randint(0, 3, size=rows)]
    return x, y


def initial_weights(model, seed):
    rng = np.random.RandomState(100 + seed)
    return [rng.normal(scale=0.3, size=w.shape).astype('float32') for w in model.get_weights()]
