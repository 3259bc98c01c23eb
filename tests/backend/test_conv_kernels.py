"""The convolution and pooling kernels split over threads give the one-thread results.

The suite runs on one thread; these tests set two kernel threads and shrink the
block size so that every kernel really splits its batch.
"""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras.backend.kernels import conv as kconv
from minikeras.backend.kernels import pool as kpool


@pytest.fixture
def two_threads(monkeypatch):
    """Two kernel threads and tiny blocks: (enter, leave) switch back to the one-thread setting."""
    before = K.get_num_threads()
    monkeypatch.setattr(kconv, 'BLOCK_BYTES', 256)
    monkeypatch.setattr(kconv, 'MIN_BLOCK_BYTES', 64)
    K.set_num_threads(2)
    yield
    K.set_num_threads(before)


def _one_thread(f):
    before = K.get_num_threads()
    K.set_num_threads(1)
    try:
        return f()
    finally:
        K.set_num_threads(before)


CONV_CASES = [
    # (spatial, ksize, strides, dilation, padding, groups)
    ((9, 8), (3, 3), (1, 1), (1, 1), 'valid', 1),
    ((9, 8), (3, 2), (2, 1), (1, 1), 'same', 1),
    ((9, 8), (3, 3), (1, 1), (2, 1), 'same', 3),
    ((11,), (3,), (1,), (2,), 'causal', 1),
    ((5, 4, 6), (2, 3, 2), (1, 2, 1), (1, 1, 1), 'valid', 1),
]


@pytest.mark.parametrize('spatial, ksize, strides, dilation, padding, groups', CONV_CASES)
def test_threaded_convolution_kernels_match_one_thread(two_threads, spatial, ksize, strides, dilation, padding,
                                                       groups):
    rng = np.random.RandomState(0)
    c, o, batch = 3 * groups, 2 * groups, 13
    x = rng.randn(batch, *spatial, c).astype('float32')
    w = rng.randn(*ksize, c // groups, o).astype('float32')
    geometry = dict(strides=strides, dilation=dilation, padding=padding, groups=groups)

    def run():
        y = kconv.conv_forward(x, w, **geometry)
        g = np.cos(y)
        return y, kconv.conv_grad_input(g, w, spatial, **geometry), kconv.conv_grad_kernel(x, g, ksize, **geometry)
    _, out = kconv._geometry(spatial, ksize, strides, dilation, padding)
    assert len(kconv._blocks(batch, out, ksize, c, 4)) > 2
    for threaded, single in zip(run(), _one_thread(run)):
        np.testing.assert_allclose(threaded, single, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('products_bytes', [16 << 20, 0])  # every block's product kept / one sum per thread
def test_threaded_kernel_gradient_does_not_depend_on_timing(two_threads, monkeypatch, products_bytes):
    monkeypatch.setattr(kconv, 'PRODUCTS_BYTES', products_bytes)
    rng = np.random.RandomState(1)
    x = rng.randn(17, 6, 6, 4).astype('float32')
    g = rng.randn(17, 4, 4, 5).astype('float32')
    runs = [kconv.conv_grad_kernel(x, g, (3, 3), (1, 1), (1, 1), 'valid') for _ in range(5)]
    for other in runs[1:]:
        np.testing.assert_array_equal(runs[0], other)
    single = _one_thread(lambda: kconv.conv_grad_kernel(x, g, (3, 3), (1, 1), (1, 1), 'valid'))
    np.testing.assert_allclose(runs[0], single, rtol=1e-5, atol=1e-5)


def test_threaded_convolution_of_an_empty_batch(two_threads):
    x = np.zeros((0, 5, 5, 2), 'float32')
    g = np.zeros((0, 3, 3, 4), 'float32')
    assert kconv.conv_forward(x, np.ones((3, 3, 2, 4), 'float32'), (1, 1), (1, 1), 'valid').shape == (0, 3, 3, 4)
    np.testing.assert_array_equal(kconv.conv_grad_kernel(x, g, (3, 3), (1, 1), (1, 1), 'valid'),
                                  np.zeros((3, 3, 2, 4), 'float32'))


POOL_CASES = [
    # (spatial, pool, strides, padding)
    ((8, 6), (2, 2), (2, 2), 'valid'),   # windows tiling the input
    ((9, 7), (2, 2), (2, 2), 'valid'),   # tiling a cropped input
    ((9, 7), (3, 2), (2, 1), 'same'),    # overlapping, padded
    ((10,), (3,), (2,), 'valid'),
    ((4, 5, 6), (2, 2, 3), (1, 2, 2), 'same'),
]


@pytest.mark.parametrize('spatial, pool, strides, padding', POOL_CASES)
def test_threaded_pooling_kernels_match_one_thread(two_threads, spatial, pool, strides, padding):
    rng = np.random.RandomState(2)
    x = rng.randint(0, 4, (11,) + spatial + (3,)).astype('float32')  # ties: the first maximum gets the gradient

    def run():
        y = kpool.max_pool(x, pool, strides, padding)
        g = np.cos(y)
        a = kpool.avg_pool(x, pool, strides, padding)
        return (y, kpool.max_pool_grad(x, y, g, pool, strides, padding), a,
                kpool.avg_pool_grad(np.cos(a), spatial, pool, strides, padding))
    assert len(kpool._sample_blocks(x)) > 2
    for threaded, single in zip(run(), _one_thread(run)):
        np.testing.assert_allclose(threaded, single, rtol=1e-6, atol=1e-6)
