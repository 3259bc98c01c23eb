"""Engine overhead benchmark: the 784-512-512-10 MLP trained with `Sequential.fit`
versus the same network written directly with K ops and one `K.function`.

Both use SGD(lr=0.01) from `minikeras.optimizers`, float32 random data,
softmax + categorical crossentropy, shuffled index-array batches. Prints
samples/s for each and the ratio (engine / K ops) at batch 128 and 16.

Usage: python bench/bench_mlp_engine.py [--samples N] [--epochs E] [--repeats R]
"""
import argparse
import time

import numpy as np

from minikeras import backend as K
from minikeras import optimizers
from minikeras.layers import Dense
from minikeras.models import Sequential

SIZES = (784, 512, 512, 10)


def make_data(n, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(n, SIZES[0]).astype('float32')
    y = np.eye(SIZES[-1], dtype='float32')[rng.randint(0, SIZES[-1], n)]
    return x, y


def kops_train(x, y, batch_size, epochs):
    """The MLP with raw K ops; returns samples/s of the training loop."""
    rng = np.random.RandomState(1)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        limit = np.sqrt(6. / (fan_in + fan_out))
        params.append(K.variable(rng.uniform(-limit, limit, (fan_in, fan_out))))
        params.append(K.variable(np.zeros(fan_out)))
    inp = K.placeholder(shape=(None, SIZES[0]))
    target = K.placeholder(shape=(None, SIZES[-1]))
    h = inp
    for i in range(0, len(params), 2):
        h = K.bias_add(K.dot(h, params[i]), params[i + 1])
        h = K.relu(h) if i < len(params) - 2 else K.softmax(h)
    loss = K.mean(K.categorical_crossentropy(target, h))
    opt = optimizers.SGD(lr=0.01)
    f = K.function([inp, target], [loss], updates=opt.get_updates(loss=loss, params=params))
    n = x.shape[0]
    index = np.arange(n)
    f([x[:batch_size], y[:batch_size]])  # warm-up (compiles)
    start = time.perf_counter()
    for _ in range(epochs):
        np.random.shuffle(index)
        for b in range(0, n, batch_size):
            ids = index[b:b + batch_size]
            f([x[ids], y[ids]])
    return n * epochs / (time.perf_counter() - start)


def engine_train(x, y, batch_size, epochs):
    """The same MLP through Sequential.fit; returns samples/s of fit."""
    model = Sequential([Dense(SIZES[1], activation='relu', input_shape=(SIZES[0],)),
                        Dense(SIZES[2], activation='relu'),
                        Dense(SIZES[3], activation='softmax')])
    model.compile(optimizer=optimizers.SGD(lr=0.01), loss='categorical_crossentropy')
    model.fit(x[:batch_size], y[:batch_size], batch_size=batch_size, epochs=1, verbose=0)  # warm-up
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0, shuffle=True)
    return x.shape[0] * epochs / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--samples', type=int, default=8192)
    parser.add_argument('--epochs', type=int, default=2)
    parser.add_argument('--repeats', type=int, default=3)
    args = parser.parse_args()
    x, y = make_data(args.samples)
    for batch_size in (128, 16):
        k_rates, e_rates = [], []
        for _ in range(args.repeats):  # interleaved, medians reported
            K.clear_session()
            k_rates.append(kops_train(x, y, batch_size, args.epochs))
            K.clear_session()
            e_rates.append(engine_train(x, y, batch_size, args.epochs))
        k, e = float(np.median(k_rates)), float(np.median(e_rates))
        print('batch %3d: K ops %8.0f samples/s | Sequential.fit %8.0f samples/s | ratio %.3f'
              % (batch_size, k, e, e / k))


if __name__ == '__main__':
    main()
