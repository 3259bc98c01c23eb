"""K surface, part 5: random tensors, fresh at every run of a compiled function."""
from .. import state
from ..ops import random as rnd
from .array import shape_tensor

__all__ = ['random_normal', 'random_uniform', 'random_binomial', 'truncated_normal']


def _build(op_class, shape, dtype, seed, **params):
    shape = shape_tensor(shape)
    dtype = dtype or state.floatx()
    if isinstance(shape, tuple):
        return op_class(shape=shape, dtype=dtype, seed=seed, **params)()
    return op_class(shape=None, dtype=dtype, seed=seed, **params)(shape)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return _build(rnd.RandomNormal, shape, dtype, seed, mean=float(mean), stddev=float(stddev))


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return _build(rnd.RandomUniform, shape, dtype, seed, minval=float(minval), maxval=float(maxval))


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    """1 with probability `p`, 0 otherwise."""
    return _build(rnd.RandomBinomial, shape, dtype, seed, p=float(p))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values, redrawn when more than two standard deviations from the mean."""
    return _build(rnd.TruncatedNormal, shape, dtype, seed, mean=float(mean), stddev=float(stddev))
