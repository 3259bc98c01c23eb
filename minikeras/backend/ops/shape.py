"""Shape and indexing ops: reshape, transpose, expand/squeeze, indexing, concat,
pad, tile, repeat, gather, reverse, one_hot, shape, and the (un)broadcast pair
used by the gradient walker."""
import numpy as np

from ..graph.op import Op, broadcast_shapes
from ..graph.tensor import shape_str
from ..kernels import xp


def _prod(dims):
    out = 1
    for d in dims:
        out *= d
    return out


class Reshape(Op):
    """Reshape to `shape` (ints, at most one -1)."""

    def infer(self, x):
        shape = tuple(self.shape)
        if shape.count(-1) > 1:
            raise ValueError('Reshape: can only infer one dimension; target shape %s' % (shape,))
        known = [d for d in shape if d != -1]
        if None not in x.shape:
            total = _prod(x.shape)
            if -1 in shape:
                if _prod(known) == 0 or total % _prod(known):
                    raise ValueError('Reshape: cannot reshape a tensor of shape %s into %s'
                                     % (shape_str(x.shape), shape_str(shape)))
                shape = tuple(total // _prod(known) if d == -1 else d for d in shape)
            elif total != _prod(shape):
                raise ValueError('Reshape: cannot reshape a tensor of shape %s (%d elements) into %s'
                                 % (shape_str(x.shape), total, shape_str(shape)))
        return tuple(None if d == -1 else d for d in shape), x.dtype

    def forward(self, x):
        return x.reshape(self.shape)

    def grad(self, inputs, outputs, gs):
        return [ReshapeLike()(gs[0], inputs[0])]


class ReshapeDynamic(Op):
    """Reshape to a shape given as a 1-D integer tensor."""

    def infer(self, x, shape):
        n = shape.shape[0]
        if n is None:
            raise ValueError('ReshapeDynamic: the target shape tensor must have a static length')
        return (None,) * n, x.dtype

    def forward(self, x, shape):
        return x.reshape(tuple(int(d) for d in shape))

    def grad(self, inputs, outputs, gs):
        return [ReshapeLike()(gs[0], inputs[0]), None]


class ReshapeLike(Op):
    """Reshape `x` to the run-time shape of `like`."""

    def infer(self, x, like):
        return like.shape, x.dtype

    def forward(self, x, like):
        return x.reshape(like.shape)

    def grad(self, inputs, outputs, gs):
        return [ReshapeLike()(gs[0], inputs[0]), None]


class Transpose(Op):
    def infer(self, x):
        if sorted(self.perm) != list(range(len(x.shape))):
            raise ValueError('Transpose: permutation %s does not fit a tensor of shape %s'
                             % (self.perm, shape_str(x.shape)))
        return tuple(x.shape[p] for p in self.perm), x.dtype

    def forward(self, x):
        return xp.transpose(x, self.perm)

    def grad(self, inputs, outputs, gs):
        inverse = tuple(int(i) for i in np.argsort(self.perm))
        return [Transpose(perm=inverse)(gs[0])]


class ExpandDims(Op):
    def infer(self, x):
        shape = list(x.shape)
        shape.insert(self.axis, 1)
        return tuple(shape), x.dtype

    def forward(self, x):
        return xp.expand_dims(x, self.axis)

    def grad(self, inputs, outputs, gs):
        return [ReshapeLike()(gs[0], inputs[0])]


class Squeeze(Op):
    def infer(self, x):
        if x.shape[self.axis] not in (1, None):
            raise ValueError('Squeeze: dimension %d of shape %s is not 1' % (self.axis, shape_str(x.shape)))
        return tuple(d for i, d in enumerate(x.shape) if i != self.axis), x.dtype

    def forward(self, x):
        return xp.squeeze(x, self.axis)

    def grad(self, inputs, outputs, gs):
        return [ReshapeLike()(gs[0], inputs[0])]


# Indexing ---------------------------------------------------------------------------
def encode_index(index):
    """Turns a Python index (ints, slices, None, Ellipsis) into a hashable tuple."""
    if not isinstance(index, tuple):
        index = (index,)
    out = []
    for item in index:
        if isinstance(item, slice):
            out.append(('slice', item.start, item.stop, item.step))
        elif item is None or item is Ellipsis:
            out.append(item)
        elif isinstance(item, (int, np.integer)):
            out.append(int(item))
        else:
            raise TypeError('Tensor indexing supports ints, slices, None and Ellipsis; got %r '
                            '(use K.gather for tensor indices)' % (item,))
    return tuple(out)


def decode_index(encoded):
    return tuple(slice(*item[1:]) if isinstance(item, tuple) else item for item in encoded)


class GetItem(Op):
    """Basic indexing `x[index]` (ints, slices, None, Ellipsis)."""

    def infer(self, x):
        index = list(decode_index(self.index))
        n_real = sum(1 for i in index if i is not None and i is not Ellipsis)
        if n_real > len(x.shape):
            raise IndexError('GetItem: too many indices (%d) for a tensor of shape %s' % (n_real, shape_str(x.shape)))
        if Ellipsis in index:
            pos = index.index(Ellipsis)
            index[pos:pos + 1] = [slice(None)] * (len(x.shape) - n_real)
        else:
            index += [slice(None)] * (len(x.shape) - n_real)
        shape, axis = [], 0
        for item in index:
            if item is None:
                shape.append(1)
                continue
            dim = x.shape[axis]
            axis += 1
            if isinstance(item, slice):
                if dim is None:
                    shape.append(None)
                else:
                    shape.append(len(range(*item.indices(dim))))
            elif dim is not None and not -dim <= item < dim:
                raise IndexError('GetItem: index %d is out of bounds for dimension of size %d' % (item, dim))
        return tuple(shape), x.dtype

    def forward(self, x):
        return x[decode_index(self.index)]

    def grad(self, inputs, outputs, gs):
        return [GetItemGrad(index=self.index)(gs[0], inputs[0])]


class GetItemGrad(Op):
    """Scatters `g` into zeros shaped like `x` at `index` (the adjoint of GetItem)."""
    fresh_output = True

    def infer(self, g, x):
        return x.shape, g.dtype

    def forward(self, g, x):
        out = xp.zeros(x.shape, g.dtype)
        out[decode_index(self.index)] = g
        return out

    def grad(self, inputs, outputs, gs):
        return [GetItem(index=self.index)(gs[0]), None]


class Concatenate(Op):
    fresh_output = True
    def infer(self, *xs):
        ranks = set(len(x.shape) for x in xs)
        if len(ranks) != 1:
            raise ValueError('Concatenate: inputs must have the same rank; got shapes %s'
                             % ', '.join(shape_str(x.shape) for x in xs))
        ndim = ranks.pop()
        shape = []
        for axis in range(ndim):
            dims = [x.shape[axis] for x in xs]
            if axis == self.axis:
                shape.append(None if None in dims else sum(dims))
            else:
                known = set(d for d in dims if d is not None)
                if len(known) > 1:
                    raise ValueError('Concatenate along axis %d: inputs disagree on dimension %d; got shapes %s'
                                     % (self.axis, axis, ', '.join(shape_str(x.shape) for x in xs)))
                shape.append(known.pop() if known else None)
        return tuple(shape), xs[0].dtype if len(set(x.dtype for x in xs)) == 1 else np.result_type(*[x.dtype for x in xs]).name

    def forward(self, *xs):
        return xp.concatenate(xs, axis=self.axis)

    def grad(self, inputs, outputs, gs):
        return [ConcatenateGrad(axis=self.axis, part=i)(gs[0], *inputs) for i in range(len(inputs))]


class ConcatenateGrad(Op):
    """The slice of `g` that came from input `part` of a concatenation."""

    def infer(self, g, *xs):
        x = xs[self.part]
        return x.shape, g.dtype

    def forward(self, g, *xs):
        start = sum(x.shape[self.axis] for x in xs[:self.part])
        index = [slice(None)] * g.ndim
        index[self.axis] = slice(start, start + xs[self.part].shape[self.axis])
        return g[tuple(index)]

    def grad(self, inputs, outputs, gs):
        # Adjoint: place gs[0] into a zero tensor shaped like g.
        return [ConcatenateGradAdjoint(axis=self.axis, part=self.part)(gs[0], *inputs)] + [None] * (len(inputs) - 1)


class ConcatenateGradAdjoint(Op):
    """Zeros shaped like the concatenation with `g` written at part `part`."""
    fresh_output = True

    def infer(self, g, full, *xs):
        return full.shape, g.dtype

    def forward(self, g, full, *xs):
        out = xp.zeros(full.shape, g.dtype)
        start = sum(x.shape[self.axis] for x in xs[:self.part])
        index = [slice(None)] * out.ndim
        index[self.axis] = slice(start, start + g.shape[self.axis])
        out[tuple(index)] = g
        return out

    def grad(self, inputs, outputs, gs):
        return [ConcatenateGrad(axis=self.axis, part=self.part)(gs[0], *inputs[2:])] + [None] * (len(inputs) - 1)


class Pad(Op):
    """Constant padding; `pads` is a tuple of (before, after) per axis."""
    fresh_output = True

    def infer(self, x):
        if len(self.pads) != len(x.shape):
            raise ValueError('Pad: %d (before, after) pairs for a tensor of shape %s'
                             % (len(self.pads), shape_str(x.shape)))
        return tuple(None if d is None else d + a + b for d, (a, b) in zip(x.shape, self.pads)), x.dtype

    def forward(self, x):
        return xp.pad(x, self.pads, mode='constant', constant_values=self.value)

    def grad(self, inputs, outputs, gs):
        index = tuple(('slice', a, (-b if b else None), None) for a, b in self.pads)
        return [GetItem(index=index)(gs[0])]


class Tile(Op):
    fresh_output = True
    def infer(self, x):
        if len(self.reps) != len(x.shape):
            raise ValueError('Tile: %d repetitions for a tensor of shape %s' % (len(self.reps), shape_str(x.shape)))
        return tuple(None if d is None else d * r for d, r in zip(x.shape, self.reps)), x.dtype

    def forward(self, x):
        return xp.tile(x, self.reps)

    def grad(self, inputs, outputs, gs):
        return [TileGrad(reps=self.reps)(gs[0], inputs[0])]


class TileGrad(Op):
    """Sums the tiles of `g` back to the shape of `x`."""
    fresh_output = True

    def infer(self, g, x):
        return x.shape, g.dtype

    def forward(self, g, x):
        split = []
        for r, d in zip(self.reps, x.shape):
            split += [r, d]
        return g.reshape(split).sum(axis=tuple(range(0, 2 * x.ndim, 2)))

    def grad(self, inputs, outputs, gs):
        return [Tile(reps=self.reps)(gs[0]), None]


class RepeatElements(Op):
    """`np.repeat(x, rep, axis)`: each element repeated `rep` times along `axis`."""
    fresh_output = True

    def infer(self, x):
        shape = list(x.shape)
        if shape[self.axis] is not None:
            shape[self.axis] *= self.rep
        return tuple(shape), x.dtype

    def forward(self, x):
        return xp.repeat(x, self.rep, axis=self.axis)

    def grad(self, inputs, outputs, gs):
        return [RepeatElementsGrad(rep=self.rep, axis=self.axis)(gs[0], inputs[0])]


class RepeatElementsGrad(Op):
    fresh_output = True
    def infer(self, g, x):
        return x.shape, g.dtype

    def forward(self, g, x):
        shape = list(x.shape)
        shape.insert(self.axis + 1, self.rep)
        return g.reshape(shape).sum(axis=self.axis + 1)

    def grad(self, inputs, outputs, gs):
        return [RepeatElements(rep=self.rep, axis=self.axis)(gs[0]), None]


class Gather(Op):
    """`x[indices]` along axis 0 (embedding lookup)."""
    fresh_output = True

    def infer(self, x, indices):
        if np.dtype(indices.dtype).kind not in 'iu':
            raise TypeError('Gather: indices must be integers, got dtype %s' % indices.dtype)
        return tuple(indices.shape) + tuple(x.shape[1:]), x.dtype

    def forward(self, x, indices):
        if indices.size and indices.min() < 0:  # numpy would wrap -1 to the last row
            raise IndexError('Gather: index %d is negative; indices must be in [0, %d)'
                             % (indices.min(), x.shape[0]))
        return xp.take(x, indices, axis=0)

    def grad(self, inputs, outputs, gs):
        return [GatherGrad()(gs[0], inputs[0], inputs[1]), None]


class GatherGrad(Op):
    """Scatter-adds `g` into zeros shaped like `x` at `indices`."""
    fresh_output = True

    def infer(self, g, x, indices):
        return x.shape, g.dtype

    def forward(self, g, x, indices):
        out = xp.zeros(x.shape, g.dtype)
        flat_idx = indices.reshape(-1)
        if flat_idx.size == 0:
            return out
        flat_g = g.reshape((flat_idx.size,) + x.shape[1:])
        # Rows sorted by index (stably): the first row of each index is assigned,
        # the few repeated ones are added after it in order (much faster than
        # np.add.at or reduceat over all rows, and summed in the same order).
        order = xp.argsort(flat_idx, kind='stable')
        sorted_idx = flat_idx[order]
        sorted_g = flat_g[order]
        first = xp.empty(sorted_idx.shape, dtype=bool)
        first[0] = True
        xp.not_equal(sorted_idx[1:], sorted_idx[:-1], out=first[1:])
        out[sorted_idx[first]] = sorted_g[first]
        repeated = ~first
        if repeated.any():
            xp.add.at(out, sorted_idx[repeated], sorted_g[repeated])
        return out

    def grad(self, inputs, outputs, gs):
        return [Gather()(gs[0], inputs[2]), None, None]


class Reverse(Op):
    def infer(self, x):
        return x.shape, x.dtype

    def forward(self, x):
        return xp.flip(x, self.axes)

    def grad(self, inputs, outputs, gs):
        return [Reverse(axes=self.axes)(gs[0])]


class OneHot(Op):
    fresh_output = True
    differentiable = False

    def infer(self, indices):
        return tuple(indices.shape) + (self.num_classes,), self.dtype

    def forward(self, indices):
        return (indices[..., None] == xp.arange(self.num_classes)).astype(self.dtype)


class Shape(Op):
    """The run-time shape of `x` as an int32 vector."""
    differentiable = False

    def infer(self, x):
        return (len(x.shape),), 'int32'

    def forward(self, x):
        return xp.asarray(x.shape, dtype='int32')


class Unbroadcast(Op):
    """Sums `g` over the axes along which `x` was broadcast, giving x's shape."""

    def infer(self, g, x):
        return x.shape, g.dtype

    def forward(self, g, x):
        if g.shape == x.shape:
            return g
        extra = g.ndim - x.ndim
        axes = tuple(range(extra)) + tuple(i + extra for i, d in enumerate(x.shape)
                                           if d == 1 and g.shape[i + extra] != 1)
        out = g.sum(axis=axes, keepdims=True) if axes else g
        return out.reshape(x.shape)

    def grad(self, inputs, outputs, gs):
        return [BroadcastLike()(gs[0], inputs[0]), None]


class BroadcastLike(Op):
    """Broadcasts `x` to the run-time shape of `like`."""
    broadcasts = True

    def infer(self, x, like):
        return broadcast_shapes(self.name, x.shape, like.shape), x.dtype

    def forward(self, x, like):
        return xp.broadcast_to(x, like.shape)

    def grad(self, inputs, outputs, gs):
        return [gs[0], None]


def unbroadcast(g, x):
    return Unbroadcast()(g, x)
