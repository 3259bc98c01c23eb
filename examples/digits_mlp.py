"""Quickstart: a multilayer perceptron on the bundled 8x8 digits.

Loads `minikeras.datasets.digits` (1,437 training / 360 test images, shipped
with the package, no download), scales the pixels to [0, 1], flattens each
8x8 image to 64 features, one-hot encodes the labels, trains a
Dense(64, relu) -> Dense(64, relu) -> Dense(10, softmax) network with Adam
and a progress bar, saves it to an HDF5 file in the Keras 2 layout, reloads
it with `models.load_model` and evaluates both models on the test set.

Usage:
    python examples/digits_mlp.py            # full run: reaches >= 95% test accuracy
    python examples/digits_mlp.py --quick    # 1-epoch smoke run (used by CI)

Exits with status 1 if the reloaded model's test accuracy differs from the
trained model's, or if a full run ends below 95% test accuracy.
"""
from __future__ import print_function

import argparse
import sys
import time

import numpy as np

from minikeras import models
from minikeras.datasets import digits
from minikeras.layers import Dense
from minikeras.models import Sequential
from minikeras.utils import to_categorical

EPOCHS = 30
BATCH_SIZE = 32
TARGET_ACCURACY = 0.95


def load():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x_train = x_train.reshape(-1, 64).astype('float32') / 16.0
    x_test = x_test.reshape(-1, 64).astype('float32') / 16.0
    return (x_train, to_categorical(y_train, 10)), (x_test, to_categorical(y_test, 10))


def build():
    model = Sequential()
    model.add(Dense(64, activation='relu', input_shape=(64,)))
    model.add(Dense(64, activation='relu'))
    model.add(Dense(10, activation='softmax'))
    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='1-epoch smoke run (no accuracy target)')
    parser.add_argument('--epochs', type=int, default=None, help='override the number of epochs')
    parser.add_argument('--output', default='digits_mlp.h5', help='where to save the model')
    args = parser.parse_args(argv)
    epochs = args.epochs if args.epochs is not None else (1 if args.quick else EPOCHS)

    np.random.seed(0)  # weight initialisation and batch shuffling draw from numpy's global RNG
    (x_train, y_train), (x_test, y_test) = load()
    print('digits: %d training and %d test images, %d features, %d classes'
          % (len(x_train), len(x_test), x_train.shape[1], y_train.shape[1]))

    model = build()
    model.summary()
    start = time.time()
    model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=epochs, verbose=1)
    print('trained %d epoch(s) in %.1f s' % (epochs, time.time() - start))

    loss, acc = model.evaluate(x_test, y_test, verbose=0)
    print('trained model:  test loss %.4f, test accuracy %.4f' % (loss, acc))

    model.save(args.output)
    print('saved to %s' % args.output)
    reloaded = models.load_model(args.output)
    loss2, acc2 = reloaded.evaluate(x_test, y_test, verbose=0)
    print('reloaded model: test loss %.4f, test accuracy %.4f' % (loss2, acc2))

    status = 0
    if acc2 != acc or not np.allclose(loss2, loss, rtol=1e-6, atol=1e-7):
        print('ERROR: the reloaded model does not reproduce the trained one', file=sys.stderr)
        status = 1
    same = np.array_equal(model.predict(x_test), reloaded.predict(x_test))
    print('reloaded predictions identical: %s' % same)
    if not same:
        status = 1
    if not args.quick and args.epochs is None and acc < TARGET_ACCURACY:
        print('ERROR: test accuracy %.4f is below the %.0f%% target' % (acc, 100 * TARGET_ACCURACY),
              file=sys.stderr)
        status = 1
    return status


if __name__ == '__main__':
    sys.exit(main())
