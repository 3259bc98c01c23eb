"""Time and peak memory of a K.rnn forward + backward pass over sequence lengths
20/80/320: both should grow linearly (the scan keeps one state per step and
runs the compiled step graph, never a graph unrolled per step).

Usage: python bench/bench_rnn_scaling.py
"""
import time
import tracemalloc

import numpy as np

from minikeras import backend as K

BATCH, DIM, UNITS = 32, 64, 128


def build():
    rng = np.random.RandomState(0)
    x = K.placeholder((None, None, DIM))
    w = K.variable(rng.randn(DIM, UNITS) * 0.1)
    u = K.variable(rng.randn(UNITS, UNITS) * 0.1)

    def step(x_t, states):
        h = K.tanh(K.dot(x_t, w) + K.dot(states[0], u))
        return h, [h]

    h0 = K.zeros_like(K.dot(x[:, 0, :], w))
    last, outputs, _ = K.rnn(step, x, [h0])
    loss = K.sum(K.square(outputs))
    return K.function([x], [loss] + K.gradients(loss, [w, u]))


def measure(f, length, repeats=3):
    data = np.random.rand(BATCH, length, DIM).astype('float32')
    f([data])
    best = float('inf')
    for _ in range(repeats):
        start = time.perf_counter()
        f([data])
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    f([data])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak


def main():
    f = build()
    base = None
    for length in (20, 80, 320):
        seconds, peak = measure(f, length)
        if base is None:
            base = (seconds, peak, length)
        print('length %4d: %7.1f ms (%.2fx per step of length 20), peak traced memory %6.1f MB (%.2fx per step)'
              % (length, seconds * 1e3, seconds / length / (base[0] / base[2]), peak / 2 ** 20,
                 peak / length / (base[1] / base[2])))


if __name__ == '__main__':
    main()
