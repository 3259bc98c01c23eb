"""K surface, part 1: creating tensors, inspecting them, reading and writing
variables, updates, `function` and `gradients`."""
from .. import state
from ..graph import compiler
from ..graph import gradients as _gradients
from ..graph.tensor import Constant, Placeholder, Tensor, Variable, shape_str
from ..kernels.xp import xp
from ..ops import effects
from ..ops import elementwise as ew
from ..ops import shape as shape_ops

__all__ = ['placeholder', 'variable', 'constant', 'is_keras_tensor', 'is_tensor', 'is_placeholder',
           'is_variable', 'is_sparse', 'to_dense',
           'zeros', 'ones', 'eye', 'zeros_like', 'ones_like', 'identity', 'random_uniform_variable',
           'random_normal_variable', 'int_shape', 'shape', 'ndim', 'dtype', 'count_params', 'cast',
           'get_value', 'set_value', 'batch_get_value', 'batch_set_value', 'get_variable_shape', 'eval',
           'update', 'update_add', 'update_sub', 'moving_average_update', 'print_tensor', 'function',
           'gradients', 'stop_gradient', 'learning_phase', 'set_learning_phase', 'clear_session',
           'get_uid', 'reset_uids', 'manual_variable_initialization', 'name_scope', 'get_name_scope', 'Function']

Function = compiler.Function


def _dtype_name(dtype):
    return xp.dtype(dtype or state.floatx()).name


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    """A graph input of `shape` (None for unknown dims) or of rank `ndim`."""
    if sparse:
        raise ValueError('placeholder: sparse tensors are not supported by the numpy backend')
    if shape is None:
        if ndim is None:
            raise ValueError('placeholder: give `shape` or `ndim`')
        shape = (None,) * ndim
    x = Placeholder(tuple(shape), _dtype_name(dtype), name=name)
    x._uses_learning_phase = False
    return x


def variable(value, dtype=None, name=None, constraint=None):
    """A variable holding a copy of `value` (cast to `dtype`, default floatx),
    named `name` inside the current `name_scope`.

    The value of an initializer (a constant marked `transfer_to_variable`)
    is not copied: the variable takes over its buffer, so creating a weight
    needs its size once, not twice.
    """
    dtype = _dtype_name(dtype)
    if name is not None and state.name_scope_stack():
        name = get_name_scope() + '/' + name
    if isinstance(value, Constant) and getattr(value, 'transfer_to_variable', False) and \
            value.value.dtype == xp.dtype(dtype) and value.value.flags.owndata:
        value.transfer_to_variable = False
        buffer = value.value
        buffer.flags.writeable = True
        return Variable(buffer, dtype=dtype, name=name, constraint=constraint, copy=False)
    if isinstance(value, Tensor):
        value = eval(value)
    return Variable(xp.asarray(value), dtype=dtype, name=name, constraint=constraint)


def constant(value, dtype=None, shape=None, name=None):
    """A constant tensor; a scalar `value` with `shape` is broadcast to that shape."""
    return ew.constant(value, dtype=_dtype_name(dtype), shape=shape, name=name)


def is_tensor(x):
    return isinstance(x, Tensor)


def is_variable(x):
    return isinstance(x, Variable)


def is_placeholder(x):
    return isinstance(x, Placeholder)


def is_sparse(tensor):
    return False


def to_dense(tensor):
    return tensor


def is_keras_tensor(x):
    """True for tensors produced by a Keras layer or `Input` (they carry `_keras_history`).

    Raises:
        ValueError: `x` is not a symbolic tensor at all.
    """
    if not isinstance(x, Tensor):
        raise ValueError('Unexpectedly found an instance of type `%s`. Expected a symbolic tensor instance.'
                         % type(x).__name__)
    return hasattr(x, '_keras_history')


def zeros(shape, dtype=None, name=None):
    """A variable of zeros; with a run-time shape (a tensor, or a list holding
    scalar tensors) a tensor of zeros instead, as Keras 2.2 does."""
    return _filled(0, shape, dtype, name)


def ones(shape, dtype=None, name=None):
    """A variable of ones, or a tensor of ones for a run-time shape (see `zeros`)."""
    return _filled(1, shape, dtype, name)


def _filled(value, shape, dtype, name):
    from .array import shape_tensor
    dims = shape_tensor(shape) if isinstance(shape, (Tensor, list, tuple)) else shape
    if isinstance(dims, Tensor):
        return shape_ops.Fill(value=value, dtype=_dtype_name(dtype), shape=None)(dims)
    return variable(xp.full(shape, value), dtype, name)


def eye(size, dtype=None, name=None):
    return variable(xp.eye(size), dtype, name)


def zeros_like(x, dtype=None, name=None):
    return ew.zeros_like(x, dtype)


def ones_like(x, dtype=None, name=None):
    return ew.ones_like(x, dtype)


def identity(x, name=None):
    """A new tensor with the value of `x` (a copy-free graph node)."""
    return ew.ShapeIdentity()(x)


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    rng = xp.random.RandomState(seed) if seed is not None else xp.random
    return variable(rng.uniform(low, high, size=shape), dtype, name)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    rng = xp.random.RandomState(seed) if seed is not None else xp.random
    return variable(rng.normal(mean, scale, size=shape), dtype, name)


def int_shape(x):
    """The static shape as a tuple of int or None (the Keras shape if declared)."""
    if isinstance(x, Tensor):
        return tuple(x._keras_shape)
    return tuple(xp.shape(x))


def get_variable_shape(x):
    return int_shape(x)


def shape(x):
    """The run-time shape of `x` as a symbolic int32 vector."""
    return shape_ops.Shape()(x)


def ndim(x):
    """The rank of `x` (the tensor's own, whatever shape a layer declared for it)."""
    return len(x.shape) if isinstance(x, Tensor) else xp.ndim(x)


def dtype(x):
    return x.dtype if isinstance(x, Tensor) else xp.asarray(x).dtype.name


def count_params(x):
    return int(xp.prod(x.value.shape)) if isinstance(x, Variable) else int(xp.prod(int_shape(x)))


def cast(x, dtype):
    """`x` converted to `dtype` (a no-op node is avoided when it already has it)."""
    if x is None:
        raise TypeError('cast: expected a tensor or an array, got None')
    if not isinstance(x, Tensor):
        return xp.asarray(x, dtype=dtype)
    dtype = xp.dtype(dtype).name
    return x if x.dtype == dtype else ew.Cast(dtype=dtype)(x)


def get_value(x):
    """A copy of the current value of a variable (or constant)."""
    if isinstance(x, (Variable, Constant)):
        return xp.array(x.value)
    if isinstance(x, Tensor):
        return eval(x)
    return xp.asarray(x)


def batch_get_value(ops):
    return [get_value(x) for x in ops]


def set_value(x, value):
    """Assigns a numpy value to a variable; its shape must match.

    Raises:
        ValueError: the shapes differ (naming the variable and both shapes).
    """
    if not isinstance(x, Variable):
        raise TypeError('set_value: expected a variable, got %r' % (x,))
    value = xp.asarray(value, dtype=x.value.dtype)
    if value.shape != x.value.shape:
        raise ValueError('set_value: variable %r has shape %s, the value has shape %s'
                         % (x.name, shape_str(x.value.shape), shape_str(value.shape)))
    x.value = value.copy()


def batch_set_value(tuples):
    for x, value in tuples:
        set_value(x, value)


def eval(x):
    """Computes the value of a tensor that needs no fed inputs (numbers and
    arrays are returned as arrays)."""
    if isinstance(x, (Variable, Constant)):
        return xp.array(x.value)
    if not isinstance(x, Tensor):
        return xp.asarray(x)
    return compiler.Function([], [x])([])[0]


def update(x, new_x):
    """An update setting variable `x` to `new_x` (applied by `K.function`)."""
    if not isinstance(x, Variable):
        raise TypeError('update: only variables can be updated, got %r' % (x,))
    new_x = ew.as_tensor(new_x, like=x)
    if None not in new_x.shape and tuple(new_x.shape) != tuple(x.shape):
        raise ValueError('update of variable %r: new value has shape %s, the variable has shape %s'
                         % (x.name, shape_str(new_x.shape), shape_str(x.shape)))
    if new_x.dtype != x.dtype:
        new_x = ew.Cast(dtype=x.dtype)(new_x)
    return effects.Assign()(x, new_x)


def update_add(x, increment):
    return update(x, x + increment)


def update_sub(x, decrement):
    return update(x, x - decrement)


def moving_average_update(x, value, momentum):
    """`x = x * momentum + value * (1 - momentum)` as an update."""
    return update(x, x * momentum + value * (1.0 - momentum))


def _needs_feed(x):
    """Whether computing `x` needs a placeholder fed (one without a default)."""
    seen, stack = set(), [x]
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        if isinstance(t, Placeholder) and t.default is None:
            return True
        if t.owner is not None:
            stack.extend(t.owner.inputs)
    return False


def _assign_now_or_later(variable, new_value):
    """`variable.assign*`: sets the value now when `new_value` can be computed
    without fed inputs (numbers, arrays, tensors of variables; tf.keras style,
    e.g. a metric's state in `update_state`) and returns the variable; else
    returns the `K.update` op, to pass to `K.function(updates=...)`."""
    if isinstance(new_value, Tensor) and _needs_feed(new_value):
        return update(variable, new_value)
    if isinstance(new_value, Tensor):
        new_value = eval(new_value)
    value = xp.asarray(new_value, dtype=variable.value.dtype)
    if value.shape != variable.value.shape:
        value = xp.broadcast_to(value, variable.value.shape)
    variable.value = xp.array(value)
    return variable


def _variable_assign(self, value):
    """Sets this variable to `value` (see `_assign_now_or_later`)."""
    return _assign_now_or_later(self, value)


def _variable_assign_add(self, delta):
    """Adds `delta` to this variable (see `_assign_now_or_later`)."""
    return _assign_now_or_later(self, self + delta)


def _variable_assign_sub(self, delta):
    """Subtracts `delta` from this variable (see `_assign_now_or_later`)."""
    return _assign_now_or_later(self, self - delta)


Variable.assign = _variable_assign
Variable.assign_add = _variable_assign_add
Variable.assign_sub = _variable_assign_sub


def print_tensor(x, message=''):
    return effects.PrintTensor(message=message)(x)


def function(inputs, outputs, updates=None, **kwargs):
    """Compiles a graph into a callable `f(list_of_arrays) -> list_of_arrays`.

    Args:
        inputs: list of placeholders (or other tensors) fed at each call.
        outputs: list of tensors to compute.
        updates: list of `K.update(...)` results or `(variable, value)` pairs,
            applied after all outputs are computed, simultaneously.
    """
    name = kwargs.pop('name', None)
    if kwargs:
        raise ValueError('Invalid argument(s) to K.function: %s' % ', '.join(sorted(kwargs)))
    return compiler.Function(inputs, outputs, updates=updates, name=name)


def gradients(loss, variables):
    """Symbolic gradients of `loss` w.r.t. each of `variables` (zeros where unrelated)."""
    return _gradients.gradients(loss, variables if isinstance(variables, (list, tuple)) else [variables])


def stop_gradient(variables):
    if isinstance(variables, (list, tuple)):
        return [ew.StopGradient()(v) for v in variables]
    return ew.StopGradient()(variables)


learning_phase = state.learning_phase
set_learning_phase = state.set_learning_phase
get_uid = state.get_uid
reset_uids = state.reset_uids


def clear_session():
    """Resets layer name counters and the learning phase."""
    state.clear_session()


def manual_variable_initialization(value):
    """Accepted for compatibility: numpy variables are always initialised at creation."""


class name_scope(object):
    """`with K.name_scope('dense_1'):` prefixes the names of variables created
    inside with 'dense_1/' (nested scopes join with '/'), as TensorFlow does; the
    Keras engine opens one per layer so weights get names like 'dense_1/kernel'."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        state.name_scope_stack().append(self.name)
        return self

    def __exit__(self, *args):
        state.name_scope_stack().pop()
        return False


def get_name_scope():
    """The current name scope as a string ('' outside any `K.name_scope`)."""
    return '/'.join(state.name_scope_stack())
