"""The MLP workloads written directly in numpy: the floor for any numpy-only engine.

`bench_peers.py` measures this next to minikeras (its `numpy` column) to show how much
of the gap to a compiling framework is minikeras' own and how much is numpy's: the same
network (Dense 784-512-512-10, relu, softmax, categorical crossentropy) trained with
the same Adam (Keras 2 update, lr 1e-3, beta_1 0.9, beta_2 0.999, epsilon 1e-7), with no
graph, no checks and no per-op dispatch — only the numpy calls the math needs:

* the eight matrix products of a step run in numpy's BLAS (its own threads);
* every other pass is one in-place ufunc call, with preallocated buffers;
* Adam's twelve passes per weight run once per step, after the backward pass, split by
  rows over the threads (the calling thread and one helper, so one hand-off per step),
  each thread in blocks of 65,536 elements so a block's passes stay in cache.

What numpy cannot do is fuse passes: each ufunc call reads and writes its arrays once,
which is what a compiler (XLA, TorchInductor) avoids.
"""
import threading

import numpy as np

BLOCK = 65536


class _Helper(object):
    """One persistent thread that runs a given function when asked (numpy releases the GIL)."""

    def __init__(self):
        self._go, self._done = threading.Event(), threading.Event()
        self._job, self._error = None, None
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
        while True:
            self._go.wait()
            self._go.clear()
            try:
                self._job()
            except BaseException as e:  # handed back to the caller by wait()
                self._error = e
            self._done.set()

    def start(self, job):
        self._job = job
        self._go.set()

    def wait(self):
        self._done.wait()
        self._done.clear()
        if self._error is not None:
            error, self._error = self._error, None
            raise error


class NumpyMLP(object):
    """Dense(784→512, relu) → Dense(512, relu) → Dense(10, softmax), trained with Adam.

    `threads` is 1 or 2 (Adam's passes split over the calling thread and a helper);
    BLAS threads are whatever numpy's BLAS was started with.
    """

    def __init__(self, threads=1, seed=0, lr=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        rng = np.random.RandomState(seed)
        self.weights = []
        for fan_in, fan_out in ((784, 512), (512, 512), (512, 10)):
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            self.weights += [rng.uniform(-limit, limit, (fan_in, fan_out)).astype('float32'),
                             np.zeros(fan_out, 'float32')]
        self.m = [np.zeros_like(w) for w in self.weights]
        self.v = [np.zeros_like(w) for w in self.weights]
        self._t1 = [np.empty_like(w) for w in self.weights]
        self._t2 = [np.empty_like(w) for w in self.weights]
        self.lr, self.beta_1, self.beta_2, self.epsilon = lr, beta_1, beta_2, epsilon
        self.iterations = 0
        self._helper = _Helper() if threads > 1 else None

    def predict(self, x):
        """Softmax probabilities for a batch `x` of shape (batch, 784)."""
        return self._forward(x)[2]

    def _forward(self, x):
        w1, b1, w2, b2, w3, b3 = self.weights
        h1 = np.matmul(x, w1)
        h1 += b1
        np.maximum(h1, 0, out=h1)
        h2 = np.matmul(h1, w2)
        h2 += b2
        np.maximum(h2, 0, out=h2)
        p = np.matmul(h2, w3)
        p += b3
        p -= p.max(axis=1, keepdims=True)
        np.exp(p, out=p)
        p /= p.sum(axis=1, keepdims=True)
        return h1, h2, p

    def train_on_batch(self, x, y):
        """One Adam step on the mean categorical crossentropy of `x` (batch, 784) against one-hot `y`."""
        w1, _, w2, _, w3, _ = self.weights
        h1, h2, p = self._forward(x)
        p -= y  # the gradient of the mean crossentropy wrt the logits, times the batch size
        p *= 1.0 / len(x)
        grads = [None] * 6
        grads[4], grads[5] = np.matmul(h2.T, p), p.sum(axis=0)
        d2 = np.matmul(p, w3.T)
        d2 *= h2 > 0
        grads[2], grads[3] = np.matmul(h1.T, d2), d2.sum(axis=0)
        d1 = np.matmul(d2, w2.T)
        d1 *= h1 > 0
        grads[0], grads[1] = np.matmul(x.T, d1), d1.sum(axis=0)
        self._adam(grads)

    def _adam(self, grads):
        self.iterations += 1
        t = self.iterations
        lr_t = self.lr * np.sqrt(1.0 - self.beta_2 ** t) / (1.0 - self.beta_1 ** t)
        parts = [(self.weights[i], self.m[i], self.v[i], grads[i], self._t1[i], self._t2[i])
                 for i in range(6)]
        if self._helper is None:
            for arrays in parts:
                self._update(arrays, 0, len(arrays[0]), lr_t)
            return
        big = [arrays for arrays in parts if arrays[0].size >= BLOCK]
        self._helper.start(lambda: [self._update(a, len(a[0]) // 2, len(a[0]), lr_t) for a in big])
        for arrays in parts:
            if arrays[0].size < BLOCK:
                self._update(arrays, 0, len(arrays[0]), lr_t)
        for arrays in big:
            self._update(arrays, 0, len(arrays[0]) // 2, lr_t)
        self._helper.wait()

    def _update(self, arrays, start, stop, lr_t):
        """Adam's passes on rows [start, stop) of one weight, a block of rows at a time."""
        rows = max(1, BLOCK // max(1, arrays[0][0].size))
        b1, b2 = self.beta_1, self.beta_2
        for lo in range(start, stop, rows):
            p, m, v, g, t1, t2 = (a[lo:min(lo + rows, stop)] for a in arrays)
            np.multiply(m, b1, out=m)
            np.multiply(g, 1.0 - b1, out=t1)
            m += t1
            np.multiply(v, b2, out=v)
            np.square(g, out=t2)
            t2 *= 1.0 - b2
            v += t2
            np.sqrt(v, out=t2)
            t2 += self.epsilon
            np.multiply(m, lr_t, out=t1)
            t1 /= t2
            p -= t1
