"""Numeric pooling kernels (N-d, channels_last), built on the conv windows.

Max pooling reduces over the window offsets with one elementwise pass per
offset (``prod(pool_size)`` passes over an output-sized array; no window copy).
When the stride equals the pool size and no padding is needed, the windows are
taken by a plain reshape instead of a strided view. The winner of each window
is the *first* maximum in row-major window order (as TensorFlow), so ties send
the whole gradient to one element.

Average pooling with 'same' padding divides by the number of valid (unpadded)
elements of each window, as TensorFlow.

Large batches are cut into cache-sized blocks of samples, spread over the
kernel threads (each block's passes stay in its core's cache).
"""
import itertools

from .conv import _geometry, batch_blocks, col2im, for_each_block, pad_spatial, windows
from .threads import get_num_threads
from .xp import xp


def _window_view(x, pool, strides, padding, pad_value):
    """(view (batch, *out, *pool, C), pads, out_spatial)."""
    nd = x.ndim - 2
    ones = (1,) * nd
    pads, out = _geometry(x.shape[1:-1], pool, strides, ones, padding)
    if tuple(strides) == tuple(pool) and not any(a or b for a, b in pads):
        # Non-overlapping windows: a reshape of the (cropped) input.
        crop = x[(slice(None),) + tuple(slice(0, o * p) for o, p in zip(out, pool))]
        split = (x.shape[0],)
        for o, p in zip(out, pool):
            split += (o, p)
        view = crop.reshape(split + (x.shape[-1],))
        perm = (0,) + tuple(1 + 2 * i for i in range(nd)) + tuple(2 + 2 * i for i in range(nd)) + (1 + 2 * nd,)
        return view.transpose(perm), pads, out
    view = windows(pad_spatial(x, pads, pad_value), pool, strides, ones, out)
    return view, pads, out


def _offsets(pool):
    return list(itertools.product(*[range(p) for p in pool]))


def _take(view, nd, offset):
    return view[(slice(None),) * (1 + nd) + offset]


def _sample_blocks(x):
    """Batch blocks of `x` for the pooling passes (one block when `x` is small)."""
    return batch_blocks(x.shape[0], x[:1].nbytes, get_num_threads() or 1)


def max_pool(x, pool, strides, padding):
    """Max pooling: (batch, *spatial, C) -> (batch, *out, C)."""
    nd = x.ndim - 2
    view, _, out_spatial = _window_view(x, pool, strides, padding, -xp.inf)
    offsets = _offsets(pool)
    out = xp.empty((x.shape[0],) + tuple(out_spatial) + (x.shape[-1],), dtype=x.dtype)

    def work(block):
        vb, ob = view[block], out[block]
        ob[...] = _take(vb, nd, offsets[0])
        for offset in offsets[1:]:
            xp.maximum(ob, _take(vb, nd, offset), out=ob)
    for_each_block(_sample_blocks(x), work)
    return out


def _first_max_masks(view, y, nd, offsets):
    """Yields (offset, mask) where mask marks the windows whose first maximum is at `offset`.

    `y` is the pooled maximum; a window's later elements equal to it are skipped
    (ties go to the first, row-major, as TensorFlow).
    """
    found = None
    last = len(offsets) - 1
    for n, offset in enumerate(offsets):
        mask = xp.equal(_take(view, nd, offset), y)
        if found is None:
            found = mask.copy() if n < last else None
        else:
            xp.greater(mask, found, out=mask)  # mask & ~found
            if n < last:
                xp.logical_or(found, mask, out=found)
        yield offset, mask


def max_pool_grad(x, y, g, pool, strides, padding):
    """Gradient of :func:`max_pool` w.r.t. `x`: `g` routed to each window's first maximum.

    Args:
        x: the pooled input; y: :func:`max_pool` of x; g: upstream gradient (shaped like y).
    """
    nd = x.ndim - 2
    view, pads, _ = _window_view(x, pool, strides, padding, -xp.inf)
    offsets = _offsets(pool)
    if tuple(strides) == tuple(pool) and x.shape[1:-1] == tuple(o * p for o, p in zip(g.shape[1:-1], pool)):
        # Non-overlapping windows tiling x exactly: write each offset's share in place.
        split = (x.shape[0],)
        for o, p in zip(g.shape[1:-1], pool):
            split += (o, p)
        dx = xp.empty(split + (x.shape[-1],), dtype=g.dtype)

        def tiled(block):
            db, gb = dx[block], g[block]
            for offset, mask in _first_max_masks(view[block], y[block], nd, offsets):
                target = (slice(None),) + tuple(v for o in offset for v in (slice(None), o))
                xp.multiply(gb, mask, out=db[target])
        for_each_block(_sample_blocks(x), tiled)
        return dx.reshape(x.shape)
    dx = xp.empty(x.shape, dtype=g.dtype)

    def overlapping(block):
        gb = g[block]
        cols = xp.empty(gb.shape[:1 + nd] + tuple(pool) + (g.shape[-1],), dtype=g.dtype)
        for offset, mask in _first_max_masks(view[block], y[block], nd, offsets):
            xp.multiply(gb, mask, out=cols[(slice(None),) * (1 + nd) + offset])
        col2im(cols, x.shape[1:-1], pool, strides, (1,) * nd, padding, out=dx[block])
    for_each_block(_sample_blocks(x), overlapping)
    return dx


def max_pool_select(x, y, h, pool, strides, padding):
    """`h`'s values at the first maximum of each window of `x` (shaped like `y` = max_pool(x)).

    This is the adjoint of :func:`max_pool_grad` in its upstream gradient, used
    for second-order derivatives.
    """
    nd = x.ndim - 2
    view, _, _ = _window_view(x, pool, strides, padding, -xp.inf)
    h_view, _, _ = _window_view(h, pool, strides, padding, 0)
    out = xp.zeros(y.shape, dtype=h.dtype)
    for offset, mask in _first_max_masks(view, y, nd, _offsets(pool)):
        xp.copyto(out, _take(h_view, nd, offset), where=mask)
    return out


def _valid_counts(spatial, pool, strides, padding, dtype):
    """Number of unpadded elements in each window: (1, *out, 1)."""
    nd = len(spatial)
    ones = xp.ones((1,) + tuple(spatial) + (1,), dtype=dtype)
    view, _, _ = _window_view(ones, pool, strides, padding, 0)
    return view.sum(axis=tuple(range(1 + nd, 1 + 2 * nd)))


def avg_pool(x, pool, strides, padding):
    """Average pooling over valid elements: (batch, *spatial, C) -> (batch, *out, C)."""
    nd = x.ndim - 2
    view, pads, out_spatial = _window_view(x, pool, strides, padding, 0)
    offsets = _offsets(pool)
    if any(a or b for a, b in pads):
        divisor = _valid_counts(x.shape[1:-1], pool, strides, padding, x.dtype)
    else:
        divisor = None
    out = xp.empty((x.shape[0],) + tuple(out_spatial) + (x.shape[-1],), dtype=x.dtype)

    def work(block):
        vb, ob = view[block], out[block]
        ob[...] = _take(vb, nd, offsets[0])
        for offset in offsets[1:]:
            ob += _take(vb, nd, offset)
        if divisor is not None:
            ob /= divisor
        else:
            ob *= x.dtype.type(1.0 / len(offsets))
    for_each_block(_sample_blocks(x), work)
    return out


def avg_pool_grad(g, spatial, pool, strides, padding):
    """Gradient of :func:`avg_pool` w.r.t. its input of spatial shape `spatial`."""
    nd = g.ndim - 2
    pads, _ = _geometry(tuple(spatial), pool, strides, (1,) * nd, padding)
    counts = _valid_counts(tuple(spatial), pool, strides, padding, g.dtype) if any(a or b for a, b in pads) else None
    dx = xp.empty((g.shape[0],) + tuple(spatial) + (g.shape[-1],), dtype=g.dtype)

    def work(block):
        gb = g[block]
        scaled = gb / counts if counts is not None else gb * g.dtype.type(1.0 / _prod(pool))
        expanded = scaled.reshape(gb.shape[:1 + nd] + (1,) * nd + (g.shape[-1],))
        cols = xp.broadcast_to(expanded, gb.shape[:1 + nd] + tuple(pool) + (g.shape[-1],))
        col2im(cols, tuple(spatial), pool, strides, (1,) * nd, padding, out=dx[block])
    for_each_block(_sample_blocks(dx), work)
    return dx


def _prod(values):
    out = 1
    for v in values:
        out *= int(v)
    return out
