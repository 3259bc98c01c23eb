"""Numeric kernels: the only code that touches the array library.

Ops reach the array library through :data:`xp` (numpy by default), so another
numpy-compatible library (e.g. CuPy) can be bound here without touching the
graph machinery. Larger kernels (convolution, pooling) live in sibling modules;
`threads` sets how many threads they (and the BLAS library) use.
"""
from .allocator import keep_freed_memory
from .threads import configure_from_environment, shorten_blas_spin
from .xp import xp  # noqa: F401

keep_freed_memory()
shorten_blas_spin()
configure_from_environment()
