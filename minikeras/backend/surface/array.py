"""K surface, part 3: shape manipulation (concatenate, reshape, permute, repeat,
tile, flatten, expand/squeeze, stack, one_hot, reverse, slice, arange, padding)."""
import builtins

from .. import state
from ..graph.op import normalize_axis
from ..graph.tensor import Tensor, shape_str
from ..kernels.xp import xp
from ..ops import elementwise as ew
from ..ops import shape as shape_ops

__all__ = ['concatenate', 'reshape', 'permute_dimensions', 'repeat', 'repeat_elements', 'tile', 'flatten',
           'batch_flatten', 'expand_dims', 'squeeze', 'stack', 'unstack', 'one_hot', 'reverse', 'slice',
           'arange', 'temporal_padding', 'spatial_2d_padding', 'spatial_3d_padding', 'pad']


def concatenate(tensors, axis=-1):
    """Joins tensors along `axis`; all other dimensions must agree."""
    tensors = [ew.as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError('concatenate: needs at least one tensor')
    ndim = len(tensors[0].shape)
    if any(len(t.shape) != ndim for t in tensors):
        raise ValueError('concatenate: all inputs must have the same rank; got shapes %s'
                         % ', '.join(shape_str(t.shape) for t in tensors))
    axis = normalize_axis(axis, ndim, 'concatenate')[0]
    if len(tensors) == 1:
        return tensors[0]
    return shape_ops.Concatenate(axis=axis)(*tensors)


def reshape(x, shape):
    """Reshape to `shape`: a tuple of ints (one may be -1), a list mixing ints and
    scalar int tensors (`(K.shape(x)[0], -1, 8)`), or a 1-D int tensor. Static
    dims that can be known at graph-build time are kept."""
    x = ew.as_tensor(x)
    if isinstance(shape, Tensor):
        return shape_ops.ReshapeDynamic()(x, shape)
    dynamic = [i for i, d in enumerate(shape) if isinstance(d, Tensor)]
    if len(dynamic) == 1 and not any(not isinstance(d, Tensor) and d in (None, -1) for d in shape):
        # One run-time entry: it is what the element count leaves, a static -1.
        known = shape_ops.known_value(_int_scalar(shape[dynamic[0]]))
        shape = [(known if known is not None else -1) if i == dynamic[0] else d for i, d in enumerate(shape)]
    elif dynamic:
        return shape_ops.ReshapeDynamic()(x, shape_tensor(shape))
    shape = tuple(-1 if d is None else int(d) for d in shape)
    if shape.count(-1) > 1:
        known = ew.as_tensor(xp.asarray(shape, 'int32'))
        runtime = shape_ops.Shape()(x)
        return shape_ops.ReshapeDynamic()(x, ew.Switch()(ew.Equal()(known, ew.as_tensor(xp.int32(-1))),
                                                         runtime, known))
    return shape_ops.Reshape(shape=shape)(x)


def shape_tensor(shape):
    """A shape given as a tensor, or as a list mixing ints and scalar int tensors,
    as one 1-D int32 tensor (a tuple of plain ints is returned unchanged)."""
    if isinstance(shape, Tensor):
        return ew.Cast(dtype='int32')(shape) if shape.dtype != 'int32' else shape
    if not any(isinstance(d, Tensor) for d in shape):
        return tuple(int(d) for d in shape)
    parts = [ew.as_tensor(xp.asarray([d], 'int32')) if not isinstance(d, Tensor)
             else shape_ops.Reshape(shape=(1,))(ew.Cast(dtype='int32')(d)) for d in shape]
    return shape_ops.Concatenate(axis=0)(*parts)


def static_shape(x):
    """The static shape of `x`, with dims the tensor leaves unknown filled from
    the shape a Keras layer declared for it (when the ranks agree)."""
    shape = tuple(x.shape)
    declared = x._keras_shape
    if len(declared) != len(shape):
        return shape
    return tuple(d if d is not None else k for d, k in zip(shape, declared))


def dims(x, axes):
    """The sizes of `x` along `axes`: an int where known statically, else a
    scalar int tensor read at run time (for building shapes)."""
    shape = static_shape(x)
    runtime = None
    out = []
    for axis in axes:
        if shape[axis] is not None:
            out.append(shape[axis])
        else:
            runtime = shape_ops.Shape()(x) if runtime is None else runtime
            out.append(shape_ops.GetItem(index=(axis,))(runtime))
    return out


def permute_dimensions(x, pattern):
    x = ew.as_tensor(x)
    pattern = tuple(int(p) for p in pattern)
    return shape_ops.Transpose(perm=pattern)(x)


def repeat_elements(x, rep, axis):
    """Repeats each element `rep` (an int or a scalar int tensor) times along
    `axis`, like xp.repeat; the axis may have an unknown length."""
    x = ew.as_tensor(x)
    axis = normalize_axis(axis, len(x.shape), 'repeat_elements')[0]
    if isinstance(rep, Tensor):
        return shape_ops.RepeatElements(rep=None, axis=axis)(x, _int_scalar(rep))
    return shape_ops.RepeatElements(rep=int(rep), axis=axis)(x)


def _int_scalar(t):
    t = t if xp.dtype(t.dtype).kind in 'iu' else ew.Cast(dtype='int32')(t)
    if len(t.shape) != 0:
        t = shape_ops.Reshape(shape=())(t)
    return t


def repeat(x, n):
    """(batch, dim) -> (batch, n, dim)."""
    if len(x.shape) != 2:
        raise ValueError('repeat: expects a 2-D tensor, got shape %s' % shape_str(x.shape))
    return tile(expand_dims(x, 1), (1, n, 1))


def tile(x, n):
    """Repeats `x` `n[i]` times along axis i (`n`: an int, a list of ints and
    scalar int tensors, or a 1-D int tensor); a shorter `n` is padded with 1s
    on the left."""
    x = ew.as_tensor(x)
    if isinstance(n, (int, xp.integer)) or (isinstance(n, Tensor) and len(n.shape) == 0):
        n = [n]
    if not isinstance(n, Tensor) and len(n) < len(x.shape):
        n = [1] * (len(x.shape) - len(n)) + list(n)
    reps = shape_tensor(n)
    if isinstance(reps, tuple):
        return shape_ops.Tile(reps=reps)(x)
    return shape_ops.Tile(reps=None)(x, reps)


def flatten(x):
    return shape_ops.Reshape(shape=(-1,))(x)


def batch_flatten(x):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...)."""
    x = ew.as_tensor(x)
    rest = x.shape[1:]
    if None not in rest:
        return shape_ops.Reshape(shape=(-1, int(xp.prod(rest)) if rest else 1))(x)
    return shape_ops.BatchFlatten()(x)


def expand_dims(x, axis=-1):
    x = ew.as_tensor(x)
    ndim = len(x.shape) + 1
    axis = axis % ndim if -ndim <= axis < ndim else None
    if axis is None:
        raise ValueError('expand_dims: axis out of range for shape %s' % shape_str(x.shape))
    return shape_ops.ExpandDims(axis=axis)(x)


def squeeze(x, axis):
    x = ew.as_tensor(x)
    axis = normalize_axis(axis, len(x.shape), 'squeeze')[0]
    return shape_ops.Squeeze(axis=axis)(x)


def stack(x, axis=0):
    tensors = [ew.as_tensor(t) for t in x]
    ndim = len(tensors[0].shape) + 1
    axis = axis % ndim
    return shape_ops.Concatenate(axis=axis)(*[shape_ops.ExpandDims(axis=axis)(t) for t in tensors]) \
        if len(tensors) > 1 else shape_ops.ExpandDims(axis=axis)(tensors[0])


def unstack(x, axis=0):
    x = ew.as_tensor(x)
    axis = normalize_axis(axis, len(x.shape), 'unstack')[0]
    n = x.shape[axis]
    if n is None:
        raise ValueError('unstack: dimension %d of shape %s must be known' % (axis, shape_str(x.shape)))
    return [shape_ops.GetItem(index=(('slice', None, None, None),) * axis + (i,))(x) for i in range(n)]


def one_hot(indices, num_classes):
    """(batch, ..., ) integer indices -> (batch, ..., num_classes) float one-hot."""
    return shape_ops.OneHot(num_classes=int(num_classes), dtype=state.floatx())(indices)


def reverse(x, axes):
    x = ew.as_tensor(x)
    axes = normalize_axis(axes, len(x.shape), 'reverse')
    return shape_ops.Reverse(axes=axes)(x)


def slice(x, start, size):
    """`x[start:start+size]` per axis (size -1 takes the rest). `start` and
    `size` are lists of ints or scalar int tensors, or 1-D int tensors; a size
    given as a tensor must not be -1."""
    x = ew.as_tensor(x)
    ndim = len(x.shape)
    start, size = _entries(start, ndim), _entries(size, ndim)
    if len(start) != ndim or len(size) != ndim:
        raise ValueError('slice: start and size need one entry per axis of shape %s' % shape_str(x.shape))
    index = []
    for b, s in zip(start, size):
        if not isinstance(b, Tensor) and not isinstance(s, Tensor):
            index.append(builtins.slice(int(b), None if int(s) == -1 else int(b) + int(s)))
        else:
            index.append(builtins.slice(b, None if not isinstance(s, Tensor) and int(s) == -1 else b + s))
    return x[tuple(index)]


def _entries(values, ndim):
    """A 1-D int tensor or a list as a list of ints / scalar int tensors."""
    if isinstance(values, Tensor):
        return [_int_scalar(shape_ops.GetItem(index=(i,))(values)) for i in range(values.shape[0] or 0)]
    return [_int_scalar(v) if isinstance(v, Tensor) else v for v in values]


def arange(start, stop=None, step=1, dtype='int32'):
    """The 1-D tensor [start, start + step, ...) below `stop`; each bound may be
    a number or a scalar tensor (`K.arange(0, K.shape(x)[1])`)."""
    if stop is None:
        start, stop = 0, start
    if not any(isinstance(v, Tensor) for v in (start, stop, step)):
        return ew.constant(xp.arange(start, stop, step), dtype=dtype)
    bounds = [ew.as_tensor(v) for v in (start, stop, step)]
    if any(len(b.shape) != 0 for b in bounds):
        raise ValueError('arange: start, stop and step must be scalars; got shapes %s'
                         % ', '.join(shape_str(b.shape) for b in bounds))
    return shape_ops.Arange(dtype=xp.dtype(dtype).name)(*bounds)


def pad(x, pads, value=0.0):
    return shape_ops.Pad(pads=tuple((int(a), int(b)) for a, b in pads), value=value)(x)


def temporal_padding(x, padding=(1, 1)):
    """Pads the middle axis of a 3-D tensor."""
    return pad(x, [(0, 0), tuple(padding), (0, 0)])


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    data_format = state.normalize_data_format(data_format)
    pads = [(0, 0), tuple(padding[0]), tuple(padding[1])]
    pads = [(0, 0)] + pads if data_format == 'channels_first' else pads + [(0, 0)]
    return pad(x, pads)


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    data_format = state.normalize_data_format(data_format)
    pads = [(0, 0)] + [tuple(p) for p in padding]
    pads = [(0, 0)] + pads if data_format == 'channels_first' else pads + [(0, 0)]
    return pad(x, pads)
