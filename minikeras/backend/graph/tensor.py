"""Symbolic tensors: the nodes of the computation graph.

A :class:`Tensor` is either a leaf (:class:`Variable`, :class:`Placeholder`,
:class:`Constant`) or the output of an :class:`Apply` (one application of an
:class:`~minikeras.backend.graph.op.Op` to input tensors). Tensors carry a
static shape (``None`` for dimensions unknown until run time) and a dtype name.
Nothing is computed when a graph is built; :func:`compiler.function` compiles
and runs it.
"""
import itertools
import os
import sys

from ..kernels.xp import xp

_ids = itertools.count()
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _user_call_site():
    """Returns 'file:line' of the innermost frame outside the minikeras package."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    if frame is None:
        return '<unknown>'
    return '%s:%d' % (frame.f_code.co_filename, frame.f_lineno)


def shape_str(shape):
    """A static shape as error messages print it: `(None, 3)`, `(5,)`, `()`; 'None'
    for an unknown shape. The one formatter of shapes for every minikeras message."""
    if shape is None:
        return 'None'
    return '(' + ', '.join('None' if d is None else str(d) for d in shape) + (',)' if len(shape) == 1 else ')')


class TensorShape(tuple):
    """A static shape: a tuple of int or None, with TensorFlow 1's `as_list()`
    and `ndims` for Keras 2 code that calls `x.get_shape().as_list()`."""
    __slots__ = ()

    def as_list(self):
        return list(self)

    @property
    def ndims(self):
        return len(self)

    rank = ndims


class Apply(object):
    """One application of an op: `outputs = op(*inputs)`.

    Attributes:
        op: the :class:`Op` instance (holds the op's attributes).
        inputs: list of input :class:`Tensor`.
        outputs: list of output :class:`Tensor` (most ops have one).
        origin: 'file:line' of the user code that built this node (for errors).
    """
    __slots__ = ('op', 'inputs', 'outputs', 'origin', 'order')

    def __init__(self, op, inputs):
        self.op = op
        self.inputs = list(inputs)
        self.outputs = []
        self.origin = _user_call_site()
        self.order = next(_ids)


class Tensor(object):
    """A symbolic value in the graph.

    Attributes:
        owner: the :class:`Apply` that computes it (None for leaves).
        index: which output of `owner` this is.
        shape: static shape, a tuple of int or None.
        dtype: numpy dtype name, e.g. 'float32'.
        name: optional name used in error messages.
    """
    __array_ufunc__ = None  # numpy defers to our reflected operators: ndarray + Tensor -> Tensor
    __array_priority__ = 1000

    def __init__(self, shape, dtype, owner=None, index=0, name=None):
        self.owner = owner
        self.index = index
        self.shape = TensorShape(None if d is None else int(d) for d in shape)
        self.dtype = xp.dtype(dtype).name
        self.name = name
        self.order = next(_ids)
        self._declared_keras_shape = None

    # Keras 2 engine attributes -------------------------------------------------
    @property
    def _keras_shape(self):
        """The shape the Keras engine declared for this tensor (static shape if none)."""
        if self._declared_keras_shape is not None:
            return self._declared_keras_shape
        return self.shape

    @_keras_shape.setter
    def _keras_shape(self, value):
        self._declared_keras_shape = None if value is None else tuple(value)

    @property
    def ndim(self):
        return len(self.shape)

    def get_shape(self):
        return self.shape

    def __repr__(self):
        kind = type(self).__name__
        label = self.name or (self.owner.op.name if self.owner is not None else kind.lower())
        return '<%s %s shape=%s dtype=%s>' % (kind, label, shape_str(self.shape), self.dtype)

    def __hash__(self):
        return id(self)

    def __bool__(self):
        raise TypeError('A symbolic tensor has no truth value before it is computed; use '
                        'K.switch or a comparison op instead of Python `if`/`and`/`or`.')

    def eval(self, feed_dict=None):
        """Computes this tensor now (TensorFlow 1's `Tensor.eval`).

        Args:
            feed_dict: optional {placeholder: array} for the inputs it needs.
        """
        from .compiler import Function
        feeds = list((feed_dict or {}).items())
        return Function([k for k, _ in feeds], [self])([v for _, v in feeds])[0]

    def numpy(self):
        """The value of a tensor computable without fed inputs (tf.keras style)."""
        return self.eval()

    # No __len__: as with the TensorFlow 1 tensors of Keras 2.2, `hasattr(t, '__len__')`
    # is False, which Keras 2 code uses to tell one output tensor from a list of them.

    def __iter__(self):
        raise TypeError('A symbolic tensor is not iterable; index it or use K ops instead: %r' % (self,))

    # Operators (+, *, @, [], comparisons): installed by minikeras.backend.ops when it is imported.


class Variable(Tensor):
    """A tensor holding a mutable numpy array: model weights and optimizer state.

    Attributes:
        value: the current numpy array. Compiled functions read it at every run
            and rebind it when an update assigns a new value.
        constraint: optional callable applied by optimizers after an update.
    """

    def __init__(self, value, dtype=None, name=None, constraint=None, copy=True):
        value = xp.array(value, dtype=dtype, copy=True) if copy else value
        Tensor.__init__(self, value.shape, value.dtype, name=name)
        self.value = value
        self.constraint = constraint
        self._uses_learning_phase = False

    def eval(self):
        return self.value.copy()

    def numpy(self):
        return self.value.copy()


class Placeholder(Tensor):
    """A graph input fed at run time; `shape` may contain None dimensions.

    `default`, when not None, is used if a compiled function is not fed this
    placeholder (the learning phase uses this).
    """

    def __init__(self, shape, dtype, name=None, default=None):
        Tensor.__init__(self, shape, dtype, name=name)
        self.default = default
        self._uses_learning_phase = False


class Constant(Tensor):
    """A tensor with a fixed numpy value."""

    def __init__(self, value, dtype=None, name=None):
        value = xp.asarray(value, dtype=dtype)
        if value.flags.writeable:
            value = value.copy()
            value.flags.writeable = False
        Tensor.__init__(self, value.shape, value.dtype, name=name)
        self.value = value
        self._uses_learning_phase = False

    def eval(self):
        return xp.array(self.value)

    def numpy(self):
        return xp.array(self.value)


def is_tensor(x):
    return isinstance(x, Tensor)
