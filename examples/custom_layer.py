"""A user-defined layer written only with backend (K) ops, trained, saved and
loaded back with `custom_objects`.

`RBFLayer` maps each input vector to its similarity with `units` learned
centres, exp(-gamma * ||x - c||^2): weights created in `build` with
`add_weight`, math in `call` with `K` functions, `compute_output_shape` and
`get_config` so the model can be saved and rebuilt.

Usage:
    python examples/custom_layer.py          # full run
    python examples/custom_layer.py --quick  # 1-epoch smoke run (used by CI)
"""
from __future__ import print_function

import argparse
import os
import tempfile

import numpy as np

from minikeras import backend as K
from minikeras import initializers
from minikeras.datasets import digits
from minikeras.layers import Dense, Layer
from minikeras.models import Sequential, load_model
from minikeras.utils import to_categorical


class RBFLayer(Layer):
    """Radial-basis similarities to `units` learned centres.

    Input shape (batch, features); output shape (batch, units).
    """

    def __init__(self, units, gamma=1.0, **kwargs):
        super(RBFLayer, self).__init__(**kwargs)
        self.units = units
        self.gamma = gamma

    def build(self, input_shape):
        self.centres = self.add_weight(name='centres', shape=(self.units, input_shape[-1]),
                                       initializer=initializers.RandomUniform(0.0, 1.0), trainable=True)
        super(RBFLayer, self).build(input_shape)

    def call(self, inputs):
        # ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2, all with K ops
        distances = (K.sum(K.square(inputs), axis=1, keepdims=True)
                     - 2.0 * K.dot(inputs, K.transpose(self.centres))
                     + K.expand_dims(K.sum(K.square(self.centres), axis=1), 0))
        return K.exp(-self.gamma * distances)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)

    def get_config(self):
        config = {'units': self.units, 'gamma': self.gamma}
        config.update(super(RBFLayer, self).get_config())
        return config


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='1-epoch smoke run')
    args = parser.parse_args(argv)
    np.random.seed(0)
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x_train = x_train.reshape(-1, 64).astype('float32') / 16.0
    x_test = x_test.reshape(-1, 64).astype('float32') / 16.0
    y_train, y_test = to_categorical(y_train, 10), to_categorical(y_test, 10)

    model = Sequential([RBFLayer(64, gamma=0.1, input_shape=(64,)), Dense(10, activation='softmax')])
    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
    model.fit(x_train, y_train, epochs=1 if args.quick else 30, batch_size=32, verbose=2)
    print('trained: test accuracy %.4f' % model.evaluate(x_test, y_test, verbose=0)[1])

    path = os.path.join(tempfile.mkdtemp(), 'rbf_model.h5')
    model.save(path)
    reloaded = load_model(path, custom_objects={'RBFLayer': RBFLayer})
    same = np.allclose(model.predict(x_test), reloaded.predict(x_test))
    print('reloaded with custom_objects: test accuracy %.4f, identical predictions: %s'
          % (reloaded.evaluate(x_test, y_test, verbose=0)[1], same))
    if not same:
        raise SystemExit('the reloaded model predicts differently')


if __name__ == '__main__':
    main()
