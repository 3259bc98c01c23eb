"""Trains the issue-7 CNN written directly with K ops and reports samples/s.

Network (channels_last, float32, batch 128)::

    28x28x1 -> Conv2D(32, 3x3, relu) -> Conv2D(64, 3x3, relu) -> MaxPool(2)
            -> Flatten -> Dense(128, relu) -> Dense(10, softmax)

trained with plain SGD through `K.gradients` and `K.function(..., updates)`.
The script also measures numpy's float32 GEMM rate in the same process and
prints the fraction of the GEMM-bound ceiling reached (3x the forward FLOPs per
training sample: forward, gradient w.r.t. inputs and w.r.t. weights).

Usage::

    python bench/bench_cnn.py [--steps 30] [--batch 128] [--data-format channels_last]
"""
import argparse
import resource
import time

import numpy as np

from minikeras import backend as K
from bench_common import cnn_forward_flops_per_sample, gemm_gflops


def glorot(shape, fan_in, fan_out, rng):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype('float32')


def build(batch, data_format, lr=0.01, seed=0):
    rng = np.random.RandomState(seed)
    if data_format == 'channels_first':
        x = K.placeholder((None, 1, 28, 28), name='x')
    else:
        x = K.placeholder((None, 28, 28, 1), name='x')
    y_true = K.placeholder((None, 10), name='y')
    w1 = K.variable(glorot((3, 3, 1, 32), 9, 9 * 32, rng), name='conv1_kernel')
    b1 = K.variable(np.zeros(32, 'float32'), name='conv1_bias')
    w2 = K.variable(glorot((3, 3, 32, 64), 9 * 32, 9 * 64, rng), name='conv2_kernel')
    b2 = K.variable(np.zeros(64, 'float32'), name='conv2_bias')
    w3 = K.variable(glorot((12 * 12 * 64, 128), 12 * 12 * 64, 128, rng), name='dense1_kernel')
    b3 = K.variable(np.zeros(128, 'float32'), name='dense1_bias')
    w4 = K.variable(glorot((128, 10), 128, 10, rng), name='dense2_kernel')
    b4 = K.variable(np.zeros(10, 'float32'), name='dense2_bias')
    params = [w1, b1, w2, b2, w3, b3, w4, b4]

    h = K.relu(K.bias_add(K.conv2d(x, w1, data_format=data_format), b1, data_format=data_format))
    h = K.relu(K.bias_add(K.conv2d(h, w2, data_format=data_format), b2, data_format=data_format))
    h = K.pool2d(h, (2, 2), strides=(2, 2), data_format=data_format, pool_mode='max')
    h = K.batch_flatten(h)
    h = K.relu(K.bias_add(K.dot(h, w3), b3))
    probs = K.softmax(K.bias_add(K.dot(h, w4), b4))
    loss = K.mean(K.categorical_crossentropy(y_true, probs))
    grads = K.gradients(loss, params)
    updates = [K.update(p, p - lr * g) for p, g in zip(params, grads)]
    return K.function([x, y_true], [loss], updates=updates)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--steps', type=int, default=30)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--data-format', default='channels_last', choices=['channels_last', 'channels_first'])
    args = parser.parse_args()

    rate = gemm_gflops()
    train = build(args.batch, args.data_format)
    rng = np.random.RandomState(1)
    n = args.batch * 8
    shape = (n, 1, 28, 28) if args.data_format == 'channels_first' else (n, 28, 28, 1)
    xs = rng.rand(*shape).astype('float32')
    ys = np.eye(10, dtype='float32')[rng.randint(0, 10, n)]
    batches = [(xs[i:i + args.batch], ys[i:i + args.batch]) for i in range(0, n, args.batch)]

    for i in range(args.warmup):
        train(list(batches[i % len(batches)]))
    times = []
    losses = []
    for i in range(args.steps):
        xb, yb = batches[i % len(batches)]
        start = time.perf_counter()
        losses.append(float(train([xb, yb])[0]))
        times.append(time.perf_counter() - start)
    step = float(np.median(times))
    samples_per_s = args.batch / step
    train_flops = 3 * cnn_forward_flops_per_sample()
    ceiling = rate * 1e9 / train_flops
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print('numpy float32 GEMM (2048^3): %.1f GFLOP/s' % rate)
    print('training FLOPs per sample: %.1f MFLOP (GEMM-bound ceiling %.0f samples/s)' % (train_flops / 1e6, ceiling))
    print('CNN train (%s, batch %d): median step %.1f ms, %.0f samples/s = %.1f%% of the GEMM ceiling '
          '(mean over steps: %.0f samples/s)'
          % (args.data_format, args.batch, step * 1e3, samples_per_s, 100.0 * samples_per_s / ceiling,
             args.batch * len(times) / sum(times)))
    print('loss %.4f -> %.4f; peak RSS %.0f MB' % (losses[0], losses[-1], rss_mb))


if __name__ == '__main__':
    main()
