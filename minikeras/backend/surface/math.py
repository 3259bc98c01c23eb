"""K surface, part 2: products, reductions, elementwise math and comparisons."""
from .. import state
from ..graph.tensor import Tensor, shape_str
from ..kernels.xp import xp
from ..ops import elementwise as ew
from ..ops import linalg
from ..ops import reduce as red
from ..ops import shape as shape_ops
from .array import dims, reshape, static_shape

__all__ = ['dot', 'batch_dot', 'transpose', 'gather', 'gather_gradient_rows', 'scatter_add_rows', 'max', 'min', 'sum', 'prod', 'cumsum', 'cumprod',
           'var', 'std', 'mean', 'any', 'all', 'argmax', 'argmin', 'square', 'abs', 'sqrt', 'exp', 'log',
           'logsumexp', 'round', 'sign', 'pow', 'clip', 'equal', 'not_equal', 'greater', 'greater_equal',
           'less', 'less_equal', 'maximum', 'minimum', 'sin', 'cos', 'logical_and', 'logical_or',
           'logical_not', 'floor']


def _t(x, like=None):
    return ew.as_tensor(x, like=like)


def dot(x, y):
    """Keras `dot`: contracts the last axis of `x` with the second-to-last of `y`
    (or the only axis of a 1-D `y`); result shape x[:-1] + y[:-2] + y[-1:].

    Dims unknown until run time are allowed anywhere; the known ones stay in the
    static shape ((None, None, 32) . (32, 16) is (None, None, 16)).
    """
    x, y = _t(x), _t(y)
    x_shape, y_shape = static_shape(x), static_shape(y)
    if len(x_shape) < 1 or len(y_shape) < 1:
        raise ValueError('dot: both operands need rank >= 1; got shapes %s and %s'
                         % (shape_str(x_shape), shape_str(y_shape)))
    k_y = y_shape[-2] if len(y_shape) >= 2 else y_shape[-1]
    if x_shape[-1] is not None and k_y is not None and x_shape[-1] != k_y:
        raise ValueError('dot: incompatible shapes %s and %s (%d vs %d)'
                         % (shape_str(x_shape), shape_str(y_shape), x_shape[-1], k_y))
    if len(x_shape) == 2 and len(y_shape) == 2:
        return linalg.matmul(x, y)
    if len(y_shape) == 1:
        return shape_ops.Squeeze(axis=len(x_shape) - 1)(dot(x, shape_ops.ExpandDims(axis=1)(y)))
    # Flatten x to (rows, k) and y to (k, cols), multiply, restore the Keras shape.
    k = x_shape[-1] if x_shape[-1] is not None else k_y
    y_ndim = len(y_shape)
    if y_ndim > 2:
        perm = (y_ndim - 2,) + tuple(i for i in range(y_ndim) if i != y_ndim - 2)
        y2 = reshape(shape_ops.Transpose(perm=perm)(y), [k if k is not None else dims(y, [-2])[0], -1])
    else:
        y2 = y
    x2 = reshape(x, [-1, k if k is not None else dims(x, [-1])[0]]) if len(x_shape) != 2 else x
    out = linalg.matmul(x2, y2)
    target = dims(x, range(len(x_shape) - 1)) + dims(y, list(range(y_ndim - 2)) + [y_ndim - 1])
    return reshape(out, target)


def batch_dot(x, y, axes=None):
    """Keras 2.2 `batch_dot` (its TensorFlow semantics): a matrix product per
    sample, the leading axes shared as batch axes.

    The operand of lower rank is first padded with trailing axes of size 1;
    then `x`'s axis `axes[0]` is contracted with `y`'s axis `axes[1]` by a
    batched matmul over the last two axes, and the padded axes are removed.
    Two 2-D inputs give a `(batch, 1)` result. For example `(b, h, m, k)` with
    `(b, h, n, k)` and axes (3, 3) is `(b, h, m, n)`; `(b, m, n)` with
    `(b, m, n, d)` and axes (2, 2) is `(b, m, d)`. Any dim may be unknown until
    run time.

    Args:
        x, y: tensors of rank >= 2.
        axes: int or (axis_x, axis_y). Default: the last axis of x with the
            second-to-last of y.

    Raises:
        ValueError: the contracted dims differ, or an input has rank < 2.
    """
    x, y = _t(x), _t(y)
    x_ndim, y_ndim = len(x.shape), len(y.shape)
    if x_ndim < 2 or y_ndim < 2:
        raise ValueError('batch_dot: both inputs need rank >= 2; got shapes %s and %s'
                         % (shape_str(x.shape), shape_str(y.shape)))
    if isinstance(axes, int):
        axes = (axes, axes)
    if axes is None:
        axes = (x_ndim - 1, y_ndim - 2)
    axes = [a % n for a, n in zip(axes, (x_ndim, y_ndim))]
    dx, dy = static_shape(x)[axes[0]], static_shape(y)[axes[1]]
    if dx is not None and dy is not None and dx != dy:
        raise ValueError('batch_dot: incompatible shapes %s and %s along axes %s (%d vs %d)'
                         % (shape_str(x.shape), shape_str(y.shape), tuple(axes), dx, dy))
    ndim = x_ndim if x_ndim > y_ndim else y_ndim  # (max is K.max here)
    for _ in range(ndim - x_ndim):
        x = shape_ops.ExpandDims(axis=len(x.shape))(x)
    for _ in range(ndim - y_ndim):
        y = shape_ops.ExpandDims(axis=len(y.shape))(y)
    if ndim == 2:
        if axes[0] != axes[1]:
            x = shape_ops.Transpose(perm=(1, 0))(x)
        out = sum(x * y, axis=axes[1])
    else:
        x, transpose_a = _contract_last_two(x, axes[0], want_last=True)
        y, transpose_b = _contract_last_two(y, axes[1], want_last=False)
        out = linalg.matmul(x, y, transpose_a=transpose_a, transpose_b=transpose_b)
    start = x_ndim + y_ndim - 3 if x_ndim > y_ndim else x_ndim - 1
    min_ndim = x_ndim + y_ndim - ndim
    for _ in range(ndim - min_ndim):
        out = shape_ops.Squeeze(axis=start)(out)
    if len(out.shape) == 1:
        out = shape_ops.ExpandDims(axis=1)(out)
    return out


def _contract_last_two(t, axis, want_last):
    """Brings `axis` of `t` into the matmul position (last for the left operand,
    second-to-last for the right), by a transpose flag when it is one of the
    last two axes and by a permutation otherwise.

    Returns:
        (tensor, transpose flag).
    """
    ndim = len(t.shape)
    here, other = (ndim - 1, ndim - 2) if want_last else (ndim - 2, ndim - 1)
    if axis == here:
        return t, False
    if axis == other:
        return t, True
    perm = [i for i in range(ndim) if i != axis]
    perm.insert(here, axis)
    return shape_ops.Transpose(perm=tuple(perm))(t), False


def transpose(x):
    """Reverses the axes of `x`."""
    x = _t(x)
    return shape_ops.Transpose(perm=tuple(reversed(range(len(x.shape)))))(x)


def gather(reference, indices):
    """Rows of `reference` selected by the integer tensor `indices`."""
    reference = _t(reference)
    indices = _t(indices) if isinstance(indices, Tensor) else ew.constant(xp.asarray(indices), dtype='int32')
    return shape_ops.Gather()(reference, indices)


def gather_gradient_rows(gradient):
    """The rows of a gather's gradient, when `gradient` is one; else None.

    The gradient of `K.gather(table, indices)` (an embedding lookup) with
    respect to `table` is zero but for the gathered rows. When `gradient` is
    exactly that tensor (not a sum, clipped or scaled copy of it), this returns
    `(rows, values)`: the distinct row indices in increasing order, shape
    `(k,)`, and the gradient's values there, shape `(k,) + table_shape[1:]`,
    equal bit for bit to those rows of `gradient`. Optimizers use it to update
    their state without a pass over the zero rows (`scatter_add_rows`).
    Not in Keras 2.2.
    """
    owner = getattr(gradient, 'owner', None)
    if owner is None or not isinstance(owner.op, shape_ops.GatherGrad):
        return None
    upstream, _, indices = owner.inputs
    rows, values, _ = shape_ops.RowSumsByIndex()(upstream, indices)
    return rows, values


def scatter_add_rows(x, indices, values):
    """`x` with `values[i]` added to its row `indices[i]` (out of place).

    Args:
        x: a tensor of shape `(n,) + row_shape`.
        indices: 1-D integer tensor of row indices, shape `(k,)`; strictly
            increasing ones are the fast case, repeated ones add every row.
        values: tensor of shape `(k,) + row_shape`.

    Not in Keras 2.2 (TensorFlow's `tensor_scatter_nd_add` on rows).
    """
    return shape_ops.ScatterAddRows()(_t(x), _t(indices), _t(values))


def max(x, axis=None, keepdims=False):
    return red.reduce(red.Max, x, axis, keepdims)


def min(x, axis=None, keepdims=False):
    return red.reduce(red.Min, x, axis, keepdims)


def sum(x, axis=None, keepdims=False):
    return red.reduce(red.Sum, x, axis, keepdims)


def prod(x, axis=None, keepdims=False):
    return red.reduce(red.Prod, x, axis, keepdims)


def mean(x, axis=None, keepdims=False):
    x = _t(x)
    if xp.dtype(x.dtype).kind != 'f':
        x = ew.Cast(dtype=state.floatx())(x)
    return red.reduce(red.Mean, x, axis, keepdims)


def var(x, axis=None, keepdims=False):
    """Biased variance (divides by N), as Keras."""
    x = _t(x)
    m = mean(x, axis, keepdims=True)
    return mean(ew.Square()(x - m), axis, keepdims)


def std(x, axis=None, keepdims=False):
    return sqrt(var(x, axis, keepdims))


def _single_axis(axis, x, name):
    axis = -1 if axis is None else axis
    return red.normalize_axis(axis, len(x.shape), name)[0]


def cumsum(x, axis=0):
    x = _t(x)
    return red.Cumsum(axis=_single_axis(axis, x, 'cumsum'))(x)


def cumprod(x, axis=0):
    x = _t(x)
    return red.Cumprod(axis=_single_axis(axis, x, 'cumprod'))(x)


def any(x, axis=None, keepdims=False):
    return red.reduce(red.Any, x, axis, keepdims)


def all(x, axis=None, keepdims=False):
    return red.reduce(red.All, x, axis, keepdims)


def argmax(x, axis=-1):
    x = _t(x)
    return red.Argmax(axis=_single_axis(axis, x, 'argmax'))(x)


def argmin(x, axis=-1):
    x = _t(x)
    return red.Argmin(axis=_single_axis(axis, x, 'argmin'))(x)


def square(x):
    return ew.Square()(x)


def abs(x):
    return ew.Abs()(x)


def sqrt(x):
    """Square root of `x` clipped to [0, inf) first, as Keras does (the clip is
    left out when `x` comes from an op whose values are never negative)."""
    x = _t(x)
    if x.owner is None or not x.owner.op.nonnegative:
        x = ew.Clip(min_value=0.0, max_value=xp.inf)(x)
    return ew.Sqrt()(x)


def exp(x):
    return ew.Exp()(x)


def log(x):
    return ew.Log()(x)


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) computed stably (the max is subtracted first)."""
    x = _t(x)
    stop_max = ew.StopGradient()(red.reduce(red.Max, x, axis, True))
    out = log(sum(exp(x - stop_max), axis, True)) + stop_max
    if not keepdims:
        axes = red.normalize_axis(axis, len(x.shape), 'logsumexp')
        for a in reversed(axes):
            out = shape_ops.Squeeze(axis=a)(out)
    return out


def round(x):
    return ew.Round()(x)


def floor(x):
    return ew.Floor()(x)


def sign(x):
    return ew.Sign()(x)


def pow(x, a):
    x = _t(x)
    return ew.Pow()(x, _t(a, like=x))


def clip(x, min_value, max_value):
    """Clips to [min_value, max_value] (max_value below min_value is raised to it)."""
    x = _t(x)
    if isinstance(min_value, Tensor) or isinstance(max_value, Tensor):
        return minimum(maximum(x, min_value), max_value)
    if max_value is None:
        max_value = xp.inf
    if min_value is None:
        min_value = -xp.inf
    if max_value < min_value:
        max_value = min_value
    return ew.Clip(min_value=float(min_value), max_value=float(max_value))(x)


def _binary(op_class, x, y):
    x_t = isinstance(x, Tensor)
    like = x if x_t else (y if isinstance(y, Tensor) else None)
    return op_class()(_t(x, like), _t(y, like))


def equal(x, y):
    return _binary(ew.Equal, x, y)


def not_equal(x, y):
    return _binary(ew.NotEqual, x, y)


def greater(x, y):
    return _binary(ew.Greater, x, y)


def greater_equal(x, y):
    return _binary(ew.GreaterEqual, x, y)


def less(x, y):
    return _binary(ew.Less, x, y)


def less_equal(x, y):
    return _binary(ew.LessEqual, x, y)


def maximum(x, y):
    return _binary(ew.Maximum, x, y)


def minimum(x, y):
    return _binary(ew.Minimum, x, y)


def logical_and(x, y):
    return _binary(ew.LogicalAnd, x, y)


def logical_or(x, y):
    return _binary(ew.LogicalOr, x, y)


def logical_not(x):
    return ew.LogicalNot()(x)


def sin(x):
    return ew.Sin()(x)


def cos(x):
    return ew.Cos()(x)
