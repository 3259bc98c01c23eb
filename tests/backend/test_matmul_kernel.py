"""kernels/matmul.py: large products split over threads equal numpy's product (up to round-off).

The suite runs on one thread; these tests set two kernel threads and lower the
size threshold so that small products are split too.
"""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras.backend.kernels import matmul as kmatmul


@pytest.fixture
def two_threads(monkeypatch):
    before = K.get_num_threads()
    monkeypatch.setattr(kmatmul, 'SPLIT_FLOPS', 0)
    K.set_num_threads(2)
    yield
    K.set_num_threads(before)


@pytest.mark.parametrize('m, k, n', [(40, 7, 9), (6, 50, 8), (9, 8, 30), (5, 5, 5)])
@pytest.mark.parametrize('transposed', [False, True])
def test_split_products_match_numpy(two_threads, m, k, n, transposed):
    rng = np.random.RandomState(0)
    a = rng.randn(m, k).astype('float32')
    b = rng.randn(k, n).astype('float32')
    if transposed:  # operands given as transposed views, as MatMul's gradients pass them
        a, b = np.ascontiguousarray(a.T).T, np.ascontiguousarray(b.T).T
    result = kmatmul.matmul(a, b)
    assert result.shape == (m, n) and result.dtype == np.float32
    np.testing.assert_allclose(result, a @ b, rtol=1e-5, atol=1e-5)


def test_split_product_of_mixed_dtypes_and_batched_operands(two_threads):
    rng = np.random.RandomState(1)
    a = rng.randn(12, 20).astype('float32')
    b = rng.randn(20, 6)
    result = kmatmul.matmul(a, b)
    assert result.dtype == np.float64
    np.testing.assert_allclose(result, a @ b, rtol=1e-6)
    batched = rng.randn(3, 12, 20)
    np.testing.assert_allclose(kmatmul.matmul(batched, b), batched @ b)


def test_a_product_gradient_through_the_split(two_threads):
    rng = np.random.RandomState(2)
    x = K.variable(rng.randn(16, 30).astype('float32'))
    w = K.variable(rng.randn(30, 8).astype('float32'))
    loss = K.sum(K.square(K.dot(x, w)))
    gx, gw = K.function([], K.gradients(loss, [x, w]))([])
    y = K.eval(x) @ K.eval(w)
    np.testing.assert_allclose(gx, 2 * y @ K.eval(w).T, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(gw, 2 * K.eval(x).T @ y, rtol=1e-4, atol=1e-4)
