"""A small convolutional network on the bundled 8x8 digits.

Loads `minikeras.datasets.digits` (1,437 training / 360 test images, shipped
with the package), scales the pixels (0..16) to [0, 1], keeps them as 8x8x1
images (channels_last) and trains

    Conv2D(32, 3x3, same, relu) -> Conv2D(32, 3x3, same, relu) -> MaxPooling2D(2)
    -> Conv2D(64, 3x3, same, relu) -> Flatten -> Dropout(0.25) -> Dense(64, relu) -> Dense(10, softmax)

with Adam, then prints the test accuracy.

Usage:
    python examples/digits_cnn.py            # full run: reaches >= 97% test accuracy
    python examples/digits_cnn.py --quick    # 1-epoch smoke run (used by CI)

Exits with status 1 if a full run ends below 97% test accuracy.
"""
from __future__ import print_function

import argparse
import sys
import time

import numpy as np

from minikeras.datasets import digits
from minikeras.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from minikeras.models import Sequential
from minikeras.utils import to_categorical

EPOCHS = 20
BATCH_SIZE = 32
TARGET_ACCURACY = 0.97


def load():
    """The digits as float32 (n, 8, 8, 1) images in [0, 1] and one-hot labels."""
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x_train = x_train.reshape(-1, 8, 8, 1).astype('float32') / 16.0
    x_test = x_test.reshape(-1, 8, 8, 1).astype('float32') / 16.0
    return (x_train, to_categorical(y_train, 10)), (x_test, to_categorical(y_test, 10))


def build():
    model = Sequential()
    model.add(Conv2D(32, (3, 3), padding='same', activation='relu', input_shape=(8, 8, 1)))
    model.add(Conv2D(32, (3, 3), padding='same', activation='relu'))
    model.add(MaxPooling2D((2, 2)))
    model.add(Conv2D(64, (3, 3), padding='same', activation='relu'))
    model.add(Flatten())
    model.add(Dropout(0.25))
    model.add(Dense(64, activation='relu'))
    model.add(Dense(10, activation='softmax'))
    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='1-epoch smoke run (no accuracy target)')
    parser.add_argument('--epochs', type=int, default=None, help='override the number of epochs')
    args = parser.parse_args(argv)
    epochs = args.epochs if args.epochs is not None else (1 if args.quick else EPOCHS)

    np.random.seed(0)  # weight initialisation, dropout and batch shuffling draw from numpy's global RNG
    (x_train, y_train), (x_test, y_test) = load()
    print('digits: %d training and %d test images of shape %s, %d classes'
          % (len(x_train), len(x_test), x_train.shape[1:], y_train.shape[1]))

    model = build()
    model.summary()
    start = time.time()
    model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=epochs, verbose=2)
    print('trained %d epoch(s) in %.1f s' % (epochs, time.time() - start))

    loss, acc = model.evaluate(x_test, y_test, verbose=0)
    print('test loss %.4f, test accuracy %.4f' % (loss, acc))
    if not args.quick and args.epochs is None and acc < TARGET_ACCURACY:
        print('test accuracy %.4f is below the %.2f target' % (acc, TARGET_ACCURACY))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
