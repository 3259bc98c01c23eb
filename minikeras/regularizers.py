"""Weight and activity regularizers (Keras 2.2 semantics) and their registry.

A regularizer is called on a weight (or activation) tensor and returns a scalar
penalty tensor that the engine adds to the training loss::

    Dense(64, kernel_regularizer=regularizers.l2(0.01))
    Dense(64, kernel_regularizer='l1_l2')           # defaults l1=l2=0.01

`L1L2.__call__` always returns a scalar tensor (Keras 2.2 returns the Python
float 0. when both factors are zero; a constant 0 tensor is used here so the
engine can treat every penalty alike). Any callable `f(weight) -> scalar`
works as a custom regularizer.
"""
from . import backend as K
from .utils.generic_utils import registry_functions


class Regularizer(object):
    """Base class: `__call__(x)` returns a scalar penalty (0 here)."""

    def __call__(self, x):
        return K.constant(0.)

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """`sum(l1 * abs(x)) + sum(l2 * square(x))`.

    Args:
        l1: L1 factor (float >= 0).
        l2: L2 factor (float >= 0).
    """

    def __init__(self, l1=0., l2=0.):
        self.l1 = K.cast_to_floatx(l1)
        self.l2 = K.cast_to_floatx(l2)

    def __call__(self, x):
        regularization = None
        if self.l1:
            regularization = K.sum(float(self.l1) * K.abs(x))
        if self.l2:
            term = K.sum(float(self.l2) * K.square(x))
            regularization = term if regularization is None else regularization + term
        if regularization is None:
            return K.constant(0.)
        return regularization

    def get_config(self):
        return {'l1': float(self.l1), 'l2': float(self.l2)}

    def __repr__(self):
        return '%s(l1=%r, l2=%r)' % (type(self).__name__, float(self.l1), float(self.l2))


class L1(L1L2):
    """tf_keras class: `sum(l1 * abs(x))` (config `{'l1': ...}`)."""

    def __init__(self, l1=0.01, **kwargs):
        l1 = kwargs.pop('l', l1)
        if kwargs:
            raise TypeError('L1: unexpected arguments %s' % sorted(kwargs))
        super(L1, self).__init__(l1=l1)

    def get_config(self):
        return {'l1': float(self.l1)}


class L2(L1L2):
    """tf_keras class: `sum(l2 * square(x))` (config `{'l2': ...}`)."""

    def __init__(self, l2=0.01, **kwargs):
        l2 = kwargs.pop('l', l2)
        if kwargs:
            raise TypeError('L2: unexpected arguments %s' % sorted(kwargs))
        super(L2, self).__init__(l2=l2)

    def get_config(self):
        return {'l2': float(self.l2)}


def l1(l=0.01):
    """L1 regularizer with factor `l`."""
    return L1L2(l1=l)


def l2(l=0.01):
    """L2 regularizer with factor `l`."""
    return L1L2(l2=l)


def l1_l2(l1=0.01, l2=0.01):
    """L1 plus L2 regularizer."""
    return L1L2(l1=l1, l2=l2)


_OBJECT_NAMES = ('Regularizer', 'L1L2', 'L1', 'L2', 'l1', 'l2', 'l1_l2')


def _module_objects():
    return {name: globals()[name] for name in _OBJECT_NAMES}


serialize, deserialize, get = registry_functions('regularizer', _module_objects, default=None,
                                                names_are_classes=True)
