"""Subclassed models and losses beyond targets, on the bundled 8x8 digits.

Part 1 writes a classifier as a `Model` subclass (layers as attributes, its
own `call`), trains it with `fit`, then saves its weights and loads them into
a fresh instance, which must predict exactly the same.

Part 2 is the variational autoencoder pattern of Keras 2's examples: the loss
(reconstruction crossentropy plus the KL divergence of the latent Gaussian)
is attached with `model.add_loss`, so `compile` gets no `loss` and `fit` no
targets; the KL term is also reported with `model.add_metric`.

Usage:
    python examples/digits_subclassed_vae.py            # full run (a few seconds)
    python examples/digits_subclassed_vae.py --quick    # 1-epoch smoke run (used by CI)

Exits with status 1 if the reloaded classifier predicts differently, if a
full run's classifier ends below 90% test accuracy, or if the VAE loss does
not go down.
"""
from __future__ import print_function

import argparse
import os
import sys
import tempfile

import numpy as np

from minikeras import backend as K
from minikeras import losses
from minikeras.datasets import digits
from minikeras.layers import Dense, Dropout, Input, Lambda
from minikeras.models import Model

LATENT_DIM = 2


class DigitClassifier(Model):
    """64 pixels -> Dense(64, relu) -> Dropout -> Dense(10, softmax), written as a subclass."""

    def __init__(self):
        super(DigitClassifier, self).__init__(name='digit_classifier')
        self.hidden = Dense(64, activation='relu')
        self.dropout = Dropout(0.2)
        self.classes = Dense(10, activation='softmax')

    def call(self, inputs, training=None):
        return self.classes(self.dropout(self.hidden(inputs)))


def load():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    return (x_train.reshape(-1, 64).astype('float32') / 16., y_train), \
        (x_test.reshape(-1, 64).astype('float32') / 16., y_test)


def train_classifier(data, epochs):
    (x_train, y_train), (x_test, y_test) = data
    model = DigitClassifier()
    model.compile('adam', 'sparse_categorical_crossentropy', metrics=['accuracy'])
    model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=2)
    model.summary()
    accuracy = model.evaluate(x_test, y_test, verbose=0)[1]
    print('classifier test accuracy %.4f' % accuracy)
    path = os.path.join(tempfile.mkdtemp(), 'digit_classifier.h5')
    model.save_weights(path)
    restored = DigitClassifier()
    restored.build((None, 64))
    restored.load_weights(path)
    same = np.array_equal(model.predict(x_test), restored.predict(x_test))
    print('reloaded classifier predicts the same: %s' % same)
    return accuracy, same


def sample_latent(args):
    """z = mean + sigma * epsilon, epsilon ~ N(0, 1) (the reparameterisation trick)."""
    z_mean, z_log_var = args
    epsilon = K.random_normal(shape=(K.shape(z_mean)[0], LATENT_DIM))
    return z_mean + K.exp(0.5 * z_log_var) * epsilon


def build_vae():
    inputs = Input(shape=(64,), name='pixels')
    hidden = Dense(32, activation='relu')(inputs)
    z_mean = Dense(LATENT_DIM, name='z_mean')(hidden)
    z_log_var = Dense(LATENT_DIM, name='z_log_var')(hidden)
    z = Lambda(sample_latent, output_shape=(LATENT_DIM,), name='z')([z_mean, z_log_var])
    decoded = Dense(32, activation='relu')(z)
    outputs = Dense(64, activation='sigmoid', name='reconstruction')(decoded)
    vae = Model(inputs, outputs, name='vae')
    reconstruction = 64 * losses.binary_crossentropy(inputs, outputs)
    kl = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
    vae.add_loss(K.mean(reconstruction + kl))
    vae.add_metric(K.mean(kl), name='kl')
    vae.compile(optimizer='adam')  # no loss: add_loss provides it
    return vae


def train_vae(data, epochs):
    (x_train, _), (x_test, _) = data
    vae = build_vae()
    history = vae.fit(x_train, batch_size=32, epochs=epochs, verbose=2, validation_data=(x_test, None))
    first, last = history.history['loss'][0], history.history['loss'][-1]
    print('VAE loss: first epoch %.3f, last epoch %.3f (KL %.3f)' % (first, last, history.history['kl'][-1]))
    return first, last


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--quick', action='store_true', help='1-epoch smoke run')
    args = parser.parse_args()
    np.random.seed(0)
    data = load()
    accuracy, same = train_classifier(data, 1 if args.quick else 20)
    first, last = train_vae(data, 2 if args.quick else 30)
    failed = not same or (not args.quick and accuracy < 0.9) or not last < first
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
