"""K surface, part 3: shape manipulation (concatenate, reshape, permute, repeat,
tile, flatten, expand/squeeze, stack, one_hot, reverse, slice, arange, padding)."""
import numpy as np

from .. import common
from ..graph.op import normalize_axis
from ..graph.tensor import Tensor, shape_str
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
    """Reshape to `shape`: a tuple of ints (one may be -1) or a 1-D int tensor."""
    if isinstance(shape, Tensor):
        return shape_ops.ReshapeDynamic()(x, shape)
    if any(isinstance(d, Tensor) for d in shape):
        # Plain ints among the dims stay known statically.
        static = tuple(None if isinstance(d, Tensor) or d is None or int(d) == -1 else int(d) for d in shape)
        return shape_ops.ReshapeDynamic(static=static)(x, shape_tensor(shape))
    shape = tuple(-1 if d is None else int(d) for d in shape)
    if shape.count(-1) > 1:
        known = ew.as_tensor(np.asarray(shape, 'int32'))
        runtime = shape_ops.Shape()(x)
        return shape_ops.ReshapeDynamic()(x, ew.Switch()(ew.Equal()(known, ew.as_tensor(np.int32(-1))),
                                                         runtime, known))
    return shape_ops.Reshape(shape=shape)(x)


def shape_tensor(shape):
    """A shape given as a tensor, or as a list mixing ints and scalar int tensors,
    as one 1-D int32 tensor (a tuple of plain ints is returned unchanged)."""
    if isinstance(shape, Tensor):
        return ew.Cast(dtype='int32')(shape) if shape.dtype != 'int32' else shape
    if not any(isinstance(d, Tensor) for d in shape):
        return tuple(int(d) for d in shape)
    parts = [ew.as_tensor(np.asarray([d], 'int32')) if not isinstance(d, Tensor)
             else shape_ops.Reshape(shape=(1,))(ew.Cast(dtype='int32')(d)) for d in shape]
    return shape_ops.Concatenate(axis=0)(*parts)


def permute_dimensions(x, pattern):
    pattern = tuple(int(p) for p in pattern)
    return shape_ops.Transpose(perm=pattern)(x)


def repeat_elements(x, rep, axis):
    """Repeats each element `rep` times along `axis` (like np.repeat)."""
    axis = normalize_axis(axis, len(x.shape), 'repeat_elements')[0]
    return shape_ops.RepeatElements(rep=int(rep), axis=axis)(x)


def repeat(x, n):
    """(batch, dim) -> (batch, n, dim)."""
    if len(x.shape) != 2:
        raise ValueError('repeat: expects a 2-D tensor, got shape %s' % shape_str(x.shape))
    return tile(expand_dims(x, 1), (1, n, 1))


def tile(x, n):
    if isinstance(n, int):
        n = (n,)
    n = tuple(int(r) for r in n)
    if len(n) < len(x.shape):
        n = (1,) * (len(x.shape) - len(n)) + n
    return shape_ops.Tile(reps=n)(x)


def flatten(x):
    return shape_ops.Reshape(shape=(-1,))(x)


def batch_flatten(x):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...)."""
    rest = x.shape[1:]
    if None not in rest:
        return shape_ops.Reshape(shape=(-1, int(np.prod(rest)) if rest else 1))(x)
    return BatchFlatten()(x)


class BatchFlatten(shape_ops.Op):
    def infer(self, x):
        return (x.shape[0], None), x.dtype

    def forward(self, x):
        return x.reshape(x.shape[0], -1)

    def grad(self, inputs, outputs, gs):
        return [shape_ops.ReshapeLike()(gs[0], inputs[0])]


def expand_dims(x, axis=-1):
    ndim = len(x.shape) + 1
    axis = axis % ndim if -ndim <= axis < ndim else None
    if axis is None:
        raise ValueError('expand_dims: axis out of range for shape %s' % shape_str(x.shape))
    return shape_ops.ExpandDims(axis=axis)(x)


def squeeze(x, axis):
    axis = normalize_axis(axis, len(x.shape), 'squeeze')[0]
    return shape_ops.Squeeze(axis=axis)(x)


def stack(x, axis=0):
    tensors = [ew.as_tensor(t) for t in x]
    ndim = len(tensors[0].shape) + 1
    axis = axis % ndim
    return shape_ops.Concatenate(axis=axis)(*[shape_ops.ExpandDims(axis=axis)(t) for t in tensors]) \
        if len(tensors) > 1 else shape_ops.ExpandDims(axis=axis)(tensors[0])


def unstack(x, axis=0):
    axis = normalize_axis(axis, len(x.shape), 'unstack')[0]
    n = x.shape[axis]
    if n is None:
        raise ValueError('unstack: dimension %d of shape %s must be known' % (axis, shape_str(x.shape)))
    return [shape_ops.GetItem(index=(('slice', None, None, None),) * axis + (i,))(x) for i in range(n)]


def one_hot(indices, num_classes):
    """(batch, ..., ) integer indices -> (batch, ..., num_classes) float one-hot."""
    return shape_ops.OneHot(num_classes=int(num_classes), dtype=common.floatx())(indices)


def reverse(x, axes):
    axes = normalize_axis(axes, len(x.shape), 'reverse')
    return shape_ops.Reverse(axes=axes)(x)


def slice(x, start, size):
    """`x[start:start+size]` per axis (size -1 takes the rest)."""
    if len(start) != len(x.shape) or len(size) != len(x.shape):
        raise ValueError('slice: start and size need one entry per axis of shape %s' % shape_str(x.shape))
    index = tuple(('slice', int(b), None if int(s) == -1 else int(b) + int(s), None) for b, s in zip(start, size))
    return shape_ops.GetItem(index=index)(x)


def arange(start, stop=None, step=1, dtype='int32'):
    if stop is None:
        start, stop = 0, start
    return ew.constant(np.arange(start, stop, step), dtype=dtype)


def pad(x, pads, value=0.0):
    return shape_ops.Pad(pads=tuple((int(a), int(b)) for a, b in pads), value=value)(x)


def temporal_padding(x, padding=(1, 1)):
    """Pads the middle axis of a 3-D tensor."""
    return pad(x, [(0, 0), tuple(padding), (0, 0)])


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    data_format = common.normalize_data_format(data_format)
    pads = [(0, 0), tuple(padding[0]), tuple(padding[1])]
    pads = [(0, 0)] + pads if data_format == 'channels_first' else pads + [(0, 0)]
    return pad(x, pads)


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    data_format = common.normalize_data_format(data_format)
    pads = [(0, 0)] + [tuple(p) for p in padding]
    pads = [(0, 0)] + pads if data_format == 'channels_first' else pads + [(0, 0)]
    return pad(x, pads)
