"""Weight constraints (Keras 2.2 semantics) and their registry.

A constraint maps a weight tensor to its projected value; the optimizer
applies it after each update (`new_p = p.constraint(new_p)`)::

    Dense(64, kernel_constraint=constraints.max_norm(2.))
    Dense(64, kernel_constraint='non_neg')

Norms are taken along `axis` (default 0: for a `Dense` kernel `(in, out)` that
is the incoming weight vector of each unit; for a channels_last `Conv2D`
kernel `(rows, cols, in, out)` use `axis=[0, 1, 2]`).
"""
from . import backend as K
from .utils.generic_utils import registry_functions


def _norms(w, axis):
    return K.sqrt(K.sum(K.square(w), axis=axis, keepdims=True))


class Constraint(object):
    """Base class: `__call__(w)` returns the constrained weight (here `w`)."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ', '.join('%s=%r' % kv for kv in sorted(self.get_config().items()))
        return '%s(%s)' % (type(self).__name__, args)


class MaxNorm(Constraint):
    """Rescales weight vectors whose L2 norm along `axis` exceeds `max_value`.

    Args:
        max_value: the largest allowed norm.
        axis: int or list of ints along which the norm is computed.
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = K.clip(norms, 0, self.max_value)
        return w * (desired / (K.epsilon() + norms))

    def get_config(self):
        return {'max_value': self.max_value, 'axis': self.axis}


class NonNeg(Constraint):
    """Zeros the negative weights."""

    def __call__(self, w):
        return w * K.cast(K.greater_equal(w, 0.), K.dtype(w))


class UnitNorm(Constraint):
    """Scales weight vectors to unit L2 norm along `axis`."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (K.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {'axis': self.axis}


class MinMaxNorm(Constraint):
    """Keeps the L2 norm of weight vectors along `axis` in [min_value, max_value].

    `rate` in (0, 1] moves the norm only part of the way: the new norm is
    `rate * clip(norm, min_value, max_value) + (1 - rate) * norm`.
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = self.rate * K.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (K.epsilon() + norms))

    def get_config(self):
        return {'min_value': self.min_value, 'max_value': self.max_value, 'rate': self.rate,
                'axis': self.axis}


# Aliases (Keras 2.2), including the legacy lowercase ones.
max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm
maxnorm = max_norm
nonneg = non_neg
unitnorm = unit_norm

_OBJECT_NAMES = ('Constraint', 'MaxNorm', 'NonNeg', 'UnitNorm', 'MinMaxNorm', 'max_norm', 'non_neg',
                 'unit_norm', 'min_max_norm', 'maxnorm', 'nonneg', 'unitnorm')


def _module_objects():
    return {name: globals()[name] for name in _OBJECT_NAMES}


serialize, deserialize, get = registry_functions('constraint', _module_objects, default=None, names_are_classes=True)
