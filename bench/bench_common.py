"""Shared measurements for the benchmark scripts in bench/."""
import time

import numpy as np


def gemm_gflops(n=2048, repeats=5):
    """numpy's float32 GEMM rate in GFLOP/s: best of `repeats` n x n x n products.

    Benchmarks report their speed as a fraction of the GEMM-bound rate measured
    in the same process, since GEMM speed varies between processes and machines.
    """
    a = np.random.rand(n, n).astype('float32')
    b = np.random.rand(n, n).astype('float32')
    np.matmul(a, b)
    best = float('inf')
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(a, b)
        best = min(best, time.perf_counter() - start)
    return 2.0 * n ** 3 / best / 1e9


def cnn_forward_flops_per_sample():
    """FLOPs of one forward pass, one sample, of the issue-7 CNN: 28x28x1 ->
    Conv2D(32, 3x3) -> Conv2D(64, 3x3) -> MaxPooling2D(2) -> Dense(128) -> Dense(10).
    Training counts three times this (forward, and two gradients per product)."""
    conv1 = 26 * 26 * 32 * (3 * 3 * 1) * 2
    conv2 = 24 * 24 * 64 * (3 * 3 * 32) * 2
    dense1 = 12 * 12 * 64 * 128 * 2
    dense2 = 128 * 10 * 2
    return conv1 + conv2 + dense1 + dense2
