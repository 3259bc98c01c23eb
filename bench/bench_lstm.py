"""Benchmark: Embedding(20000, 128) -> LSTM(128) -> Dense(1, sigmoid), batch 32, float32.

Measures training samples/s
  * through `model.fit` with Adam (the acceptance figure; target >= 1,200/s),
  * with K ops alone (the same layers on placeholders, `optimizer.get_updates`
    and one `K.function`), to separate the engine's cost from the graph's,
  * with SGD instead of Adam, to separate the optimizer update of the
    2.56M-parameter embedding from the forward/backward scan,
  * the forward pass alone (`predict`),
and the cost of a training step over sequence lengths 20/80/320 (it should
grow linearly).

Usage: python bench/bench_lstm.py [--quick] [--repeats N]
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

from minikeras import backend as K  # noqa: E402
from minikeras import optimizers  # noqa: E402
from minikeras.layers import LSTM, Dense, Embedding, Input  # noqa: E402
from minikeras.models import Model, Sequential  # noqa: E402

VOCAB, EMBED, UNITS, BATCH = 20000, 128, 128, 32


def build(maxlen, optimizer):
    K.clear_session()
    model = Sequential([Embedding(VOCAB, EMBED, input_length=maxlen), LSTM(UNITS), Dense(1, activation='sigmoid')])
    model.compile(optimizer, 'binary_crossentropy')
    return model


def data(n, maxlen, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randint(1, VOCAB, size=(n, maxlen)).astype('int32')
    y = rng.randint(0, 2, size=(n, 1)).astype('float32')
    return x, y


def time_fit(maxlen, optimizer, n_batches, epochs=2):
    """samples/s of model.fit (first epoch is a warm-up: it compiles)."""
    model = build(maxlen, optimizer)
    x, y = data(BATCH * n_batches, maxlen)
    model.fit(x[:BATCH * 2], y[:BATCH * 2], batch_size=BATCH, epochs=1, verbose=0)
    best = None
    for _ in range(epochs):
        t0 = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return len(x) / best


def time_predict(maxlen, n_batches):
    model = build(maxlen, 'sgd')
    x, _ = data(BATCH * n_batches, maxlen)
    model.predict(x[:BATCH], batch_size=BATCH)
    t0 = time.perf_counter()
    model.predict(x, batch_size=BATCH)
    return len(x) / (time.perf_counter() - t0)


def time_k_ops(maxlen, optimizer_name, n_batches):
    """The same computation with K ops and one K.function (no engine loop)."""
    K.clear_session()
    ids = Input(batch_shape=(None, maxlen), dtype='int32')
    h = LSTM(UNITS)(Embedding(VOCAB, EMBED)(ids))
    dense = Dense(1, activation='sigmoid')
    out = dense(h)
    model = Model(ids, out)
    target = K.placeholder((None, 1))
    loss = K.mean(K.binary_crossentropy(target, out))
    opt = optimizers.get(optimizer_name)
    updates = opt.get_updates(loss=loss, params=model.trainable_weights)
    train = K.function([ids, target, K.learning_phase()], [loss], updates=updates)
    x, y = data(BATCH * n_batches, maxlen)
    train([x[:BATCH], y[:BATCH], 1])
    t0 = time.perf_counter()
    for i in range(n_batches):
        train([x[i * BATCH:(i + 1) * BATCH], y[i * BATCH:(i + 1) * BATCH], 1])
    return BATCH * n_batches / (time.perf_counter() - t0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--quick', action='store_true', help='fewer batches')
    parser.add_argument('--repeats', type=int, default=1, help='repeat the main figure, report the median')
    args = parser.parse_args()
    nb = 10 if args.quick else 40
    K.set_floatx('float32')
    print('Embedding(%d,%d) -> LSTM(%d) -> Dense(1,sigmoid), batch %d, float32' % (VOCAB, EMBED, UNITS, BATCH))
    figures = [time_fit(80, 'adam', nb) for _ in range(args.repeats)]
    print('fit, Adam, seq 80:        %8.0f samples/s  (median of %d; target >= 1200)'
          % (float(np.median(figures)), len(figures)))
    print('K ops only, Adam, seq 80: %8.0f samples/s' % time_k_ops(80, 'adam', nb))
    print('fit, SGD, seq 80:         %8.0f samples/s' % time_fit(80, 'sgd', nb))
    print('K ops only, SGD, seq 80:  %8.0f samples/s' % time_k_ops(80, 'sgd', nb))
    print('predict, seq 80:          %8.0f samples/s' % time_predict(80, nb))
    print('scaling (fit, Adam): ms per batch by sequence length')
    base = None
    for maxlen in (20, 80, 320):
        sps = time_fit(maxlen, 'adam', max(4, nb // (maxlen // 20)), epochs=1)
        ms = 1000.0 * BATCH / sps
        base = base or ms / maxlen
        print('  length %3d: %7.1f ms/batch  (%.3f ms per step; %.2fx of length 20 per step)'
              % (maxlen, ms, ms / maxlen, (ms / maxlen) / base))


if __name__ == '__main__':
    main()
