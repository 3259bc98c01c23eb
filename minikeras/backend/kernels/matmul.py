"""Large matrix products split into row blocks over the kernel threads.

A multi-threaded BLAS product synchronizes its threads many times; when another
process holds one of the cores, every synchronization waits for it, and a
product of a millisecond took hundreds of milliseconds on the project's shared
2-core machine. Here a large 2-D product is cut into one piece per thread
along its longest dimension (a block of rows or of columns of the result, or
of the inner dimension, the partial products then added in order), each computed by single-threaded BLAS on the
thread that takes it (`threads.parallel_drain`): a thread that cannot start in
time leaves its piece to the others. Smaller products (below SPLIT_FLOPS) keep
numpy's single call.
"""
from .threads import blas_threads_limited, get_num_threads, parallel_drain
from .xp import xp

#: products of fewer floating-point operations (2*m*n*k) are one numpy call
SPLIT_FLOPS = 2e8


def matmul(a, b):
    """`a @ b` for numpy arrays, split over the kernel threads when 2-D and large."""
    threads = get_num_threads() or 1
    if threads <= 1 or a.ndim != 2 or b.ndim != 2:
        return xp.matmul(a, b)
    m, k = a.shape
    n = b.shape[1]
    if 2.0 * m * n * k < SPLIT_FLOPS or max(m, n, k) < 2 * threads or k != b.shape[0]:
        return xp.matmul(a, b)
    dtype = xp.result_type(a.dtype, b.dtype)
    pieces = threads
    if k >= max(m, n):
        # The inner dimension is the longest: each thread multiplies a slice of it
        # (reading only its share of both operands); the partial products are added in order.
        partial = [None] * pieces

        def work(i):
            inner = slice(k * i // pieces, k * (i + 1) // pieces)
            partial[i] = xp.matmul(a[:, inner], b[inner])
    else:
        out = xp.empty((m, n), dtype=dtype)
        if m >= n:
            def work(i):
                rows = slice(m * i // pieces, m * (i + 1) // pieces)
                xp.matmul(a[rows], b, out=out[rows])
        else:
            def work(i):
                cols = slice(n * i // pieces, n * (i + 1) // pieces)
                xp.matmul(a, b[:, cols], out=out[:, cols])
    with blas_threads_limited(1):
        parallel_drain(pieces, work, threads=threads)
    if k < max(m, n):
        return out
    result = partial[0]
    for other in partial[1:]:
        result += other
    return result
