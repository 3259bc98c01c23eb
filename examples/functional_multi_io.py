"""A functional model with two inputs and two outputs, weighted losses.

Each bundled 8x8 digit is split into its top and bottom halves, which enter the
model as two inputs. The model predicts two things: the digit class (softmax)
and whether the digit is odd (sigmoid). The two losses are combined with
`loss_weights`, compiled once with lists and once with dicts keyed by output
name, and fitted with dict inputs as in the Keras functional-API guide.

Usage:
    python examples/functional_multi_io.py          # full run
    python examples/functional_multi_io.py --quick  # 1-epoch smoke run (used by CI)
"""
from __future__ import print_function

import argparse

import numpy as np

from minikeras.datasets import digits
from minikeras.layers import Dense, Input, concatenate
from minikeras.models import Model
from minikeras.utils import to_categorical


def halves(x):
    x = x.astype('float32') / 16.0
    return x[:, :4, :].reshape(-1, 32), x[:, 4:, :].reshape(-1, 32)


def build():
    top = Input(shape=(32,), name='top')
    bottom = Input(shape=(32,), name='bottom')
    merged = concatenate([Dense(32, activation='relu')(top), Dense(32, activation='relu')(bottom)])
    hidden = Dense(64, activation='relu')(merged)
    digit = Dense(10, activation='softmax', name='digit')(hidden)
    odd = Dense(1, activation='sigmoid', name='odd')(hidden)
    return Model(inputs=[top, bottom], outputs=[digit, odd])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='1-epoch smoke run')
    args = parser.parse_args(argv)
    epochs = 1 if args.quick else 40
    np.random.seed(0)
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    top_train, bottom_train = halves(x_train)
    top_test, bottom_test = halves(x_test)
    targets_train = {'digit': to_categorical(y_train, 10), 'odd': (y_train % 2).astype('float32')}
    targets_test = {'digit': to_categorical(y_test, 10), 'odd': (y_test % 2).astype('float32')}

    model = build()
    model.summary()
    model.compile(optimizer='rmsprop', loss=['categorical_crossentropy', 'binary_crossentropy'],
                  loss_weights=[1.0, 0.2], metrics=['accuracy'])
    model.fit([top_train, bottom_train], [targets_train['digit'], targets_train['odd']],
              epochs=max(1, epochs // 2), batch_size=32, verbose=2)

    # The same model, compiled again with dicts keyed by output name and fed dicts.
    model.compile(optimizer='rmsprop',
                  loss={'digit': 'categorical_crossentropy', 'odd': 'binary_crossentropy'},
                  loss_weights={'digit': 1.0, 'odd': 0.2}, metrics=['accuracy'])
    model.fit({'top': top_train, 'bottom': bottom_train}, targets_train,
              epochs=max(1, epochs - epochs // 2), batch_size=32, verbose=2)

    results = model.evaluate({'top': top_test, 'bottom': bottom_test}, targets_test, verbose=0)
    for name, value in zip(model.metrics_names, results):
        print('test %s: %.4f' % (name, value))


if __name__ == '__main__':
    main()
