"""Shape and indexing ops: reshape, transpose, expand/squeeze, indexing, concat,
pad, tile, repeat, gather, reverse, one_hot, shape, and the (un)broadcast pair
used by the gradient walker."""
from ..graph.op import Op, broadcast_shapes, shapes_compatible
from ..graph.tensor import Constant, Tensor, shape_str
from ..kernels import threads, xp


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
        n = shape.shape[0] if len(shape.shape) == 1 else None
        if n is None:
            raise ValueError('ReshapeDynamic: the target shape must be a 1-D tensor of static length; got %r'
                             % (shape,))
        target = known_value(shape)
        if target.count(-1) == 1 and None not in target and None not in x.shape:
            rest = _prod(d for d in target if d != -1)
            target = [_prod(x.shape) // rest if d == -1 and rest else d for d in target]
        return tuple(None if d is None or d < 0 else d for d in target), x.dtype

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


class BatchFlatten(Op):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...) when some d is unknown until run time."""

    def infer(self, x):
        return (x.shape[0], None), x.dtype

    def forward(self, x):
        return x.reshape(x.shape[0], -1)

    def grad(self, inputs, outputs, gs):
        return [ReshapeLike()(gs[0], inputs[0])]


class Transpose(Op):
    def infer(self, x):
        if sorted(self.perm) != list(range(len(x.shape))):
            raise ValueError('Transpose: permutation %s does not fit a tensor of shape %s'
                             % (self.perm, shape_str(x.shape)))
        return tuple(x.shape[p] for p in self.perm), x.dtype

    def forward(self, x):
        return xp.transpose(x, self.perm)

    def grad(self, inputs, outputs, gs):
        inverse = tuple(int(i) for i in xp.argsort(self.perm))
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
    """Turns a Python index into a hashable tuple and the list of tensors in it.

    Ints, slices, None and Ellipsis are kept; a scalar integer tensor used as an
    index or a slice bound (`w[:K.shape(x)[1]]`) becomes `('input', k)`, the
    k-th extra input of `GetItem`.

    Returns:
        (encoded, tensors).
    """
    if not isinstance(index, tuple):
        index = (index,)
    tensors = []

    def bound(value):
        if value is None or isinstance(value, (int, xp.integer)):
            return None if value is None else int(value)
        if isinstance(value, Tensor) and len(value.shape) == 0 and xp.dtype(value.dtype).kind in 'iu':
            tensors.append(value)
            return ('input', len(tensors) - 1)
        raise TypeError('Tensor indexing supports ints, slices (with int or scalar int tensor bounds), None '
                        'and Ellipsis; got %r (use K.gather for tensor indices)' % (value,))

    out = []
    for item in index:
        if isinstance(item, slice):
            out.append(('slice', bound(item.start), bound(item.stop), bound(item.step)))
        elif item is None or item is Ellipsis:
            out.append(item)
        else:
            out.append(bound(item))
    return tuple(out), tensors


def _is_input_ref(item):
    return isinstance(item, tuple) and item[0] == 'input'


def decode_index(encoded, bounds=()):
    """The Python index of `encoded`, with `('input', k)` replaced by `bounds[k]`
    (ints, or None where unknown)."""
    def value(item):
        if _is_input_ref(item):
            b = bounds[item[1]]
            return None if b is None else int(b)
        return item

    out = []
    for item in encoded:
        if isinstance(item, tuple) and item[0] == 'slice':
            out.append(slice(*[value(v) for v in item[1:]]))
        else:
            out.append(value(item))
    return tuple(out)


class GetItem(Op):
    """Basic indexing `x[index]` (ints, slices, None, Ellipsis); scalar int
    tensors in the index are the extra inputs `bounds`."""

    def infer(self, x, *bounds):
        known = [known_value(b) for b in bounds]
        index = list(self.index)
        n_real = sum(1 for i in index if i is not None and i is not Ellipsis)
        if n_real > len(x.shape):
            raise IndexError('GetItem: too many indices (%d) for a tensor of shape %s' % (n_real, shape_str(x.shape)))
        if Ellipsis in index:
            pos = index.index(Ellipsis)
            index[pos:pos + 1] = [('slice', None, None, None)] * (len(x.shape) - n_real)
        else:
            index += [('slice', None, None, None)] * (len(x.shape) - n_real)
        shape, axis = [], 0
        for item in index:
            if item is None:
                shape.append(1)
                continue
            dim = x.shape[axis]
            axis += 1
            if isinstance(item, tuple) and item[0] == 'slice':
                parts = item[1:]
                unknown = any(_is_input_ref(v) and known[v[1]] is None for v in parts)
                if dim is None or unknown:
                    shape.append(None)
                else:
                    shape.append(len(range(*decode_index((item,), known)[0].indices(dim))))
            else:
                i = decode_index((item,), known)[0]
                if dim is not None and i is not None and not -dim <= i < dim:
                    raise IndexError('GetItem: index %d is out of bounds for dimension of size %d' % (i, dim))
        return tuple(shape), x.dtype

    def forward(self, x, *bounds):
        if bounds:
            return x[decode_index(self.index, bounds)]
        if self._decoded is None:
            self._decoded = decode_index(self.index)
        return x[self._decoded]

    _decoded = None  # the Python index, decoded once when it holds no tensors

    def grad(self, inputs, outputs, gs):
        return [GetItemGrad(index=self.index)(gs[0], *inputs)] + [None] * (len(inputs) - 1)


class GetItemGrad(Op):
    """Scatters `g` into zeros shaped like `x` at `index` (the adjoint of GetItem)."""
    fresh_output = True

    def infer(self, g, x, *bounds):
        return x.shape, g.dtype

    def forward(self, g, x, *bounds):
        out = xp.zeros(x.shape, g.dtype)
        out[decode_index(self.index, bounds)] = g
        return out

    def grad(self, inputs, outputs, gs):
        return [GetItem(index=self.index)(gs[0], *inputs[2:])] + [None] * (len(inputs) - 1)


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
        return tuple(shape), xs[0].dtype if len(set(x.dtype for x in xs)) == 1 else xp.result_type(*[x.dtype for x in xs]).name

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
    """`xp.tile(x, reps)`: `reps` is the static attribute, or (reps=None) a 1-D int
    tensor input with one entry per axis of `x`."""
    fresh_output = True

    def infer(self, x, *reps):
        counts = self.reps if self.reps is not None else known_value(reps[0])
        if counts is None or len(counts) != len(x.shape):
            raise ValueError('Tile: %s repetitions for a tensor of shape %s'
                             % ('?' if counts is None else len(counts), shape_str(x.shape)))
        return tuple(None if d is None or r is None else d * r for d, r in zip(x.shape, counts)), x.dtype

    def forward(self, x, *reps):
        return xp.tile(x, self.reps if self.reps is not None else tuple(int(r) for r in reps[0]))

    def grad(self, inputs, outputs, gs):
        return [TileGrad(reps=self.reps)(gs[0], *inputs)] + [None] * (len(inputs) - 1)


class TileGrad(Op):
    """Sums the tiles of `g` back to the shape of `x`."""
    fresh_output = True

    def infer(self, g, x, *reps):
        return x.shape, g.dtype

    def forward(self, g, x, *reps):
        counts = self.reps if self.reps is not None else tuple(int(r) for r in reps[0])
        split = []
        for r, d in zip(counts, x.shape):
            split += [r, d]
        return g.reshape(split).sum(axis=tuple(range(0, 2 * x.ndim, 2)))

    def grad(self, inputs, outputs, gs):
        return [Tile(reps=self.reps)(gs[0], *inputs[2:])] + [None] * (len(inputs) - 1)


class RepeatElements(Op):
    """`xp.repeat(x, rep, axis)`: each element repeated `rep` times along `axis`;
    `rep` is the attribute, or (rep=None) a scalar int tensor input."""
    fresh_output = True

    def infer(self, x, *rep):
        count = self.rep if self.rep is not None else known_value(rep[0])
        shape = list(x.shape)
        shape[self.axis] = None if shape[self.axis] is None or count is None else shape[self.axis] * count
        return tuple(shape), x.dtype

    def forward(self, x, *rep):
        return xp.repeat(x, self.rep if self.rep is not None else int(rep[0]), axis=self.axis)

    def grad(self, inputs, outputs, gs):
        return [RepeatElementsGrad(rep=self.rep, axis=self.axis)(gs[0], *inputs)] + [None] * (len(inputs) - 1)


class RepeatElementsGrad(Op):
    fresh_output = True

    def infer(self, g, x, *rep):
        return x.shape, g.dtype

    def forward(self, g, x, *rep):
        shape = list(x.shape)
        shape.insert(self.axis + 1, self.rep if self.rep is not None else int(rep[0]))
        return g.reshape(shape).sum(axis=self.axis + 1)

    def grad(self, inputs, outputs, gs):
        return [RepeatElements(rep=self.rep, axis=self.axis)(gs[0], *inputs[2:])] + [None] * (len(inputs) - 1)


class Gather(Op):
    """`x[indices]` along axis 0 (embedding lookup)."""
    fresh_output = True

    def infer(self, x, indices):
        if xp.dtype(indices.dtype).kind not in 'iu':
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
        if indices.size:
            distinct, sums, _ = _rows_summed_by_index(g, indices, positions=False)
            out[distinct] = sums
        return out

    def grad(self, inputs, outputs, gs):
        return [Gather()(gs[0], inputs[2]), None, None]


def _rows_summed_by_index(g, indices, positions=True):
    """The rows of `g` (shape `indices.shape + row_shape`) summed per distinct index.

    Rows are sorted by index (stably); each sum starts from the first row of its
    index, then the second rows of every index with two or more are added at
    once, then the third ones, and so on: the additions of each index happen in
    order, and there are as many vectorized rounds as the largest repeat count
    (few), instead of `add.at`'s loop over rows. `GatherGrad` and
    `RowSumsByIndex` both sum here, so their values agree bit for bit.

    Returns:
        (distinct indices in increasing order (k,), their sums (k,) + row_shape,
        and with `positions` the position of each index's sum, shaped like
        `indices`, else None).
    """
    flat_idx = indices.reshape(-1)
    flat_g = g.reshape((flat_idx.size,) + g.shape[indices.ndim:])
    order = xp.argsort(flat_idx, kind='stable')
    sorted_idx = flat_idx[order]
    first = xp.empty(sorted_idx.shape, dtype=bool)
    first[:1] = True
    xp.not_equal(sorted_idx[1:], sorted_idx[:-1], out=first[1:])
    sums = flat_g[order[first]]
    position = xp.cumsum(first) - 1
    if sums.shape[0] < flat_idx.size:
        starts = xp.flatnonzero(first)
        rank = xp.arange(flat_idx.size) - starts[position]
        for level in range(1, int(rank.max()) + 1):
            at = rank == level
            sums[position[at]] += flat_g[order[at]]
    where = None
    if positions:
        where = xp.empty_like(position)
        where[order] = position
        where = where.reshape(indices.shape)
    return sorted_idx[first], sums, where


class RowSumsByIndex(Op):
    """A gather's gradient as rows: `g`'s rows summed per distinct index.

    `GatherGrad` spreads these sums over a zero array shaped like the whole
    table; an optimizer that only adds the gradient to its state can add the
    rows instead (`ScatterAddRows`) and skip the mostly-zero array.

    Inputs: `g` of shape `indices.shape + row_shape`, integer `indices`.
    Outputs: the distinct indices in increasing order `(k,)`, their summed rows
    `(k,) + row_shape`, and for every index the position of its sum (shaped
    like `indices`; the gradient gathers through it).
    """
    n_outputs = 3
    fresh_output = True

    def infer(self, g, indices):
        if xp.dtype(indices.dtype).kind not in 'iu':
            raise TypeError('RowSumsByIndex: indices must be integers, got dtype %s' % indices.dtype)
        rank = len(indices.shape)
        if not shapes_compatible(tuple(g.shape[:rank]), tuple(indices.shape)):
            raise ValueError('RowSumsByIndex: the gradient of shape %s must start with the indices\' shape %s'
                             % (shape_str(g.shape), shape_str(indices.shape)))
        return [((None,), indices.dtype), ((None,) + tuple(g.shape[rank:]), g.dtype), (indices.shape, 'int64')]

    def forward(self, g, indices):
        return _rows_summed_by_index(g, indices)

    def grad(self, inputs, outputs, gs):
        if gs[1] is None:
            return [None, None]
        return [Gather()(gs[1], outputs[2]), None]


class ScatterAddRows(Op):
    """`x` with `rows[i]` added to its row `indices[i]`.

    Strictly increasing indices (as `RowSumsByIndex` gives them) take one
    vectorized read-add-write; any others (repeated, unsorted) go through
    `add.at`, which adds every row, in order.
    """
    fresh_output = True

    def infer(self, x, indices, rows):
        if xp.dtype(indices.dtype).kind not in 'iu' or len(indices.shape) != 1:
            raise TypeError('ScatterAddRows: indices must be a 1-D integer tensor, got dtype %s and shape %s'
                            % (indices.dtype, shape_str(indices.shape)))
        expected = (indices.shape[0],) + tuple(x.shape[1:])
        if not shapes_compatible(tuple(rows.shape), expected):
            raise ValueError('ScatterAddRows: rows of shape %s do not fit %d indices into a tensor of shape %s '
                             '(expected %s)' % (shape_str(rows.shape), indices.shape[0] or 0, shape_str(x.shape),
                                                shape_str(expected)))
        return x.shape, x.dtype

    def forward(self, x, indices, rows):
        return self.forward_inplace(0, xp.array(x, copy=True), indices, rows)

    def forward_inplace(self, donor, x, indices, rows):
        if donor != 0 or not x.flags.writeable:
            return None
        if indices.size > 1 and not (indices[1:] > indices[:-1]).all():
            xp.add.at(x, indices, rows)
        else:
            x[indices] += rows
        return x

    def grad(self, inputs, outputs, gs):
        return [gs[0], None, Gather()(gs[0], inputs[1])]


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


class Arange(Op):
    """`xp.arange(start, stop, step)` of scalar tensors, as `dtype`."""
    fresh_output = True
    differentiable = False

    def infer(self, start, stop, step):
        values = [known_value(t) for t in (start, stop, step)]
        if None in values or values[2] == 0:
            return (None,), self.dtype
        return (len(range(*values)),), self.dtype

    def forward(self, start, stop, step):
        return xp.arange(start, stop, step).astype(self.dtype)


class Fill(Op):
    """A tensor of `shape` filled with `value` (`K.zeros`/`K.ones` of a run-time
    shape): `shape` is the static attribute, or (shape=None) a 1-D int tensor input."""
    fresh_output = True
    differentiable = False

    def infer(self, *shape):
        dims = self.shape if self.shape is not None else known_value(shape[0])
        return tuple(None if d is None else d for d in dims), self.dtype

    def forward(self, *shape):
        dims = self.shape if self.shape is not None else tuple(int(d) for d in shape[0])
        return xp.full(dims, self.value, dtype=self.dtype)


class Shape(Op):
    """The run-time shape of `x` as an int32 vector."""
    differentiable = False

    def infer(self, x):
        return (len(x.shape),), 'int32'

    def forward(self, x):
        return xp.asarray(x.shape, dtype='int32')


#: Unbroadcast sums leading axes of at least this many elements through BLAS
#: (a convolution's bias gradient). Smaller sums stay in numpy: switching the
#: BLAS pool to one thread and back costs more than they take (measured on the
#: MLP's (128, 512) bias gradients at 2 threads: 2.3-2.9 -> 3.0-3.3 ms a step).
_BLAS_SUM_MIN_SIZE = 1 << 20


class Unbroadcast(Op):
    """Sums `g` over the axes along which `x` was broadcast, giving x's shape."""

    aliased_inputs = (0,)  # the second input gives only the shape
    same_layout = True  # `g` itself when no axis is summed, else a new array

    def infer(self, g, x):
        return x.shape, g.dtype

    def forward(self, g, x):
        if g.shape == x.shape:
            return g
        extra = g.ndim - x.ndim
        axes = tuple(range(extra)) + tuple(i + extra for i, d in enumerate(x.shape)
                                           if d == 1 and g.shape[i + extra] != 1)
        if axes == tuple(range(len(axes))) and g.dtype.kind == 'f' and g.size >= _BLAS_SUM_MIN_SIZE \
                and g.flags.c_contiguous:
            # Summing the leading axes (a bias gradient) as a product with ones runs in BLAS:
            # about 3x faster than numpy's row-by-row reduction, and no less accurate.
            # One BLAS thread: waking the BLAS pool here would leave its thread spinning beside
            # the kernel threads of the ops that follow (measured: a CNN step 50 -> 70 ms).
            rows = g.reshape(-1, g.size // max(1, int(xp.prod(g.shape[:len(axes)]))))
            with threads.blas_threads_limited(1):
                return xp.dot(xp.ones(rows.shape[0], g.dtype), rows).reshape(x.shape)
        out = g.sum(axis=axes, keepdims=True) if axes else g
        return out.reshape(x.shape)

    def grad(self, inputs, outputs, gs):
        return [BroadcastLike()(gs[0], inputs[0]), None]


class BroadcastLike(Op):
    """Broadcasts `x` to the run-time shape of `like`."""
    broadcasts = True

    aliased_inputs = (0,)  # the second input gives only the shape

    def infer(self, x, like):
        return broadcast_shapes(self.name, x.shape, like.shape), x.dtype

    def forward(self, x, like):
        return xp.broadcast_to(x, like.shape)

    def grad(self, inputs, outputs, gs):
        return [gs[0], None]


def unbroadcast(g, x):
    return Unbroadcast()(g, x)


# What is known of shape arithmetic at graph-build time ---------------------------------
_ARITHMETIC = {'Add': lambda a, b: a + b, 'Sub': lambda a, b: a - b, 'Mul': lambda a, b: a * b,
               'FloorDiv': lambda a, b: a // b, 'Mod': lambda a, b: a % b,
               'Maximum': max, 'Minimum': min}


def known_value(t):
    """The part of a small integer tensor (a shape, a dimension, a bound) known
    before run time, so ops fed `K.shape`-derived values keep static dims.

    Follows constants, `Shape` (of a tensor with known dims), indexing,
    concatenation, reshapes, casts, products/sums and + - * // % between them.

    Returns:
        For a scalar tensor: an int, or None when unknown. For a 1-D tensor of
        static length n: a list of n ints or None. Otherwise None.
    """
    value = _known(t)
    ndim = len(t.shape)
    if ndim == 0:
        if isinstance(value, list):
            value = value[0] if len(value) == 1 else None
        return None if value is None else int(value)
    if ndim != 1 or t.shape[0] is None:
        return None
    if not isinstance(value, list):
        value = [value] if value is not None and t.shape[0] == 1 else [None] * t.shape[0]
    if len(value) != t.shape[0]:
        return [None] * t.shape[0]
    return [None if v is None else int(v) for v in value]


def _known(t):
    ndim = len(t.shape)
    unknown = None if ndim != 1 or t.shape[0] is None else [None] * t.shape[0]
    if ndim > 1 or xp.dtype(t.dtype).kind not in 'iu':
        return None
    if t.owner is None:
        return xp.asarray(t.value).tolist() if isinstance(t, Constant) else unknown
    op, inputs = t.owner.op, t.owner.inputs
    name = op.name
    if name == 'Shape':
        return list(inputs[0].shape)
    if name in ('Cast', 'StopGradient'):
        return known_value(inputs[0])
    if name in ('Reshape', 'ExpandDims', 'Squeeze', 'ReshapeLike', 'ReshapeDynamic'):
        return known_value(inputs[0])
    if name == 'GetItem' and len(inputs) == 1:
        value = known_value(inputs[0])
        if not isinstance(value, list):
            return unknown if ndim else None
        index = decode_index(op.index)
        if len(index) != 1 or index[0] is None or index[0] is Ellipsis:
            return unknown if ndim else None
        try:
            return value[index[0]]
        except IndexError:
            return unknown if ndim else None
    if name == 'Concatenate' and ndim == 1:
        parts = [known_value(x) for x in inputs]
        if any(not isinstance(p, list) for p in parts):
            return unknown
        return [v for p in parts for v in p]
    if name in ('Prod', 'Sum') and ndim == 0 and len(inputs[0].shape) == 1:
        value = known_value(inputs[0])
        if not isinstance(value, list) or None in value:
            return None
        return int(_prod(value)) if name == 'Prod' else int(sum(value))
    if name in _ARITHMETIC:
        a, b = known_value(inputs[0]), known_value(inputs[1])
        if ndim == 0:
            return None if a is None or b is None else _ARITHMETIC[name](a, b)
        if not isinstance(a, list):
            a = [a] * len(unknown) if unknown is not None else None
        if not isinstance(b, list):
            b = [b] * len(unknown) if unknown is not None else None
        if a is None or b is None or len(a) != len(b):
            return unknown
        return [None if u is None or v is None else _ARITHMETIC[name](u, v) for u, v in zip(a, b)]
    return unknown if ndim else None
