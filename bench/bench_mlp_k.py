"""Trains a 784-512-512-10 MLP written directly with K ops and reports samples/s
against numpy's own float32 GEMM rate measured in the same process.

Usage: python bench/bench_mlp_k.py [--batch 128] [--steps 200]

The GEMM-bound rate counts the 6 matrix products of one training step (3 forward,
3 backward w.r.t. weights, 2 backward w.r.t. activations: 8 in all, the first
layer's input gradient is not needed) at the measured GFLOP/s.
"""
import argparse
import time

import numpy as np

from minikeras import backend as K
from bench_common import gemm_gflops

SIZES = (784, 512, 512, 10)


def step_flops(batch):
    """FLOPs of the GEMMs in one training step of the MLP."""
    forward = sum(2 * batch * i * o for i, o in zip(SIZES[:-1], SIZES[1:]))
    weight_grads = forward
    input_grads = sum(2 * batch * i * o for i, o in zip(SIZES[1:-1], SIZES[2:]))
    return forward + weight_grads + input_grads


def build_train_function(lr=0.01):
    """The MLP, its loss, gradients and SGD updates as one compiled K.function."""
    rng = np.random.RandomState(0)
    x = K.placeholder((None, SIZES[0]), name='x')
    y = K.placeholder((None, SIZES[-1]), name='y')
    params, h = [], x
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        limit = np.sqrt(6.0 / (n_in + n_out))
        w = K.variable(rng.uniform(-limit, limit, (n_in, n_out)), name='w%d' % i)
        b = K.variable(np.zeros(n_out), name='b%d' % i)
        params += [w, b]
        h = K.bias_add(K.dot(h, w), b)
        h = K.relu(h) if i < len(SIZES) - 2 else K.softmax(h)
    loss = K.mean(K.categorical_crossentropy(y, h))
    grads = K.gradients(loss, params)
    updates = [K.update(p, p - lr * g) for p, g in zip(params, grads)]
    return K.function([x, y], [loss], updates=updates)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--steps', type=int, default=200)
    args = parser.parse_args()
    rng = np.random.RandomState(1)
    n = args.batch * 20
    data_x = rng.rand(n, SIZES[0]).astype('float32')
    data_y = np.eye(SIZES[-1], dtype='float32')[rng.randint(0, SIZES[-1], n)]
    train = build_train_function()
    for i in range(5):  # warm-up
        train([data_x[:args.batch], data_y[:args.batch]])
    start = time.perf_counter()
    for step in range(args.steps):
        lo = (step % 20) * args.batch
        train([data_x[lo:lo + args.batch], data_y[lo:lo + args.batch]])
    elapsed = time.perf_counter() - start
    rate = args.steps * args.batch / elapsed
    gflops = gemm_gflops()
    ceiling = gflops * 1e9 / step_flops(args.batch) * args.batch
    print('batch %d: %.0f samples/s; numpy float32 GEMM %.0f GFLOP/s -> GEMM-bound %.0f samples/s; '
          'reached %.0f%% of it' % (args.batch, rate, gflops, ceiling, 100.0 * rate / ceiling))


if __name__ == '__main__':
    main()
