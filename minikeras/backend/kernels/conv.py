"""Numeric convolution kernels: one N-d (1-, 2- or 3-D) im2col + GEMM convolution.

Every function here works on *channels_last* arrays: inputs ``(batch, *spatial,
channels)`` and kernels ``(*kernel_size, in_channels // groups, out_channels)``
(the Keras/TF layout). Channels-first data is transposed by the callers.

Padding is given either as a mode string understood by :func:`resolve_pads`
(``'valid'``, ``'same'`` with TensorFlow's split, ``'causal'``) or directly as
a tuple of ``(before, after)`` pairs, one per spatial axis.

The three convolution kernels are:

* :func:`conv_forward`: ``y = conv(x, w)``: one im2col copy and one GEMM
  (a batched GEMM over groups when ``groups > 1``: depthwise convolution);
* :func:`conv_grad_input`: the adjoint w.r.t. ``x`` (also the transposed
  convolution): one GEMM then :func:`col2im`;
* :func:`conv_grad_kernel`: the adjoint w.r.t. ``w``: one im2col and one GEMM.

im2col is a strided *view* (``as_strided``) copied once into the GEMM operand;
col2im loops over the kernel offsets (at most ``prod(kernel_size)`` strided
adds), never over samples.

The batch is processed in cache-sized blocks; with several kernel threads each
thread takes the next block and runs its copy and GEMM itself, BLAS limited to
one thread meanwhile (:func:`for_each_block`).
"""
import itertools

from .threads import blas_threads_limited, get_num_threads, parallel_drain, parallel_for
from .xp import xp


def _prod(values):
    out = 1
    for v in values:
        out *= int(v)
    return out


# Geometry ----------------------------------------------------------------------------
def effective_size(k, d):
    """The extent of a kernel of size `k` dilated by `d`."""
    return (k - 1) * d + 1


def same_pads(n, k, s, d=1):
    """TensorFlow's 'same' padding of one axis of length `n`: (before, after)."""
    out = -(-n // s)
    total = max((out - 1) * s + effective_size(k, d) - n, 0)
    return total // 2, total - total // 2


def resolve_pads(spatial, ksize, strides, dilation, padding):
    """Returns a tuple of (before, after) pairs for the padding spec `padding`.

    Args:
        spatial: input spatial dimensions (ints).
        ksize, strides, dilation: per spatial axis.
        padding: 'valid', 'same', 'causal' (1-D only: all padding before), or
            an explicit tuple of (before, after) pairs.
    """
    if not isinstance(padding, str):
        return tuple((int(a), int(b)) for a, b in padding)
    if padding == 'valid':
        return ((0, 0),) * len(spatial)
    if padding == 'same':
        return tuple(same_pads(n, k, s, d) for n, k, s, d in zip(spatial, ksize, strides, dilation))
    if padding == 'causal':
        return tuple((effective_size(k, d) - 1, 0) for k, d in zip(ksize, dilation))
    raise ValueError('Unknown padding %r; expected "valid", "same" or "causal"' % (padding,))


def output_length(n, k, s, d, padding):
    """Output length of one axis (None when `n` is None)."""
    if n is None:
        return None
    (lo, hi), = resolve_pads((n,), (k,), (s,), (d,), padding if isinstance(padding, str) else (padding,))
    span = n + lo + hi - effective_size(k, d)
    return span // s + 1 if span >= 0 else 0


def output_spatial(spatial, ksize, strides, dilation, padding):
    """Output spatial shape for every axis (None where the input dim is None)."""
    pads = padding if isinstance(padding, str) else tuple(padding)
    return tuple(output_length(n, k, s, d, pads if isinstance(pads, str) else pads[i])
                 for i, (n, k, s, d) in enumerate(zip(spatial, ksize, strides, dilation)))


# im2col / col2im ---------------------------------------------------------------------
def pad_spatial(x, pads, value=0):
    """`x` (batch, *spatial, channels) padded on its spatial axes (no copy if no padding)."""
    if not any(a or b for a, b in pads):
        return x
    shape = (x.shape[0],) + tuple(n + a + b for n, (a, b) in zip(x.shape[1:-1], pads)) + (x.shape[-1],)
    out = xp.full(shape, value, dtype=x.dtype)
    inner = (slice(None),) + tuple(slice(a, a + n) for n, (a, _) in zip(x.shape[1:-1], pads)) + (slice(None),)
    out[inner] = x
    return out


def windows(xpad, ksize, strides, dilation, out_spatial):
    """Strided view (batch, *out_spatial, *ksize, channels) of the padded input windows.

    The view shares memory with `xpad`; never write to it.
    """
    strides_bytes = xpad.strides
    spatial_strides = strides_bytes[1:-1]
    shape = (xpad.shape[0],) + tuple(out_spatial) + tuple(ksize) + (xpad.shape[-1],)
    view_strides = ((strides_bytes[0],) + tuple(st * s for st, s in zip(spatial_strides, strides))
                    + tuple(st * d for st, d in zip(spatial_strides, dilation)) + (strides_bytes[-1],))
    return xp.lib.stride_tricks.as_strided(xpad, shape=shape, strides=view_strides, writeable=False)


def _geometry(spatial, ksize, strides, dilation, padding):
    pads = resolve_pads(spatial, ksize, strides, dilation, padding)
    out = []
    for n, k, s, d, (lo, hi) in zip(spatial, ksize, strides, dilation, pads):
        span = n + lo + hi - effective_size(k, d)
        if span < 0:
            raise ValueError('Convolution window of size %d (dilated: %d) does not fit an input of length %d '
                             '(padding %s)' % (k, effective_size(k, d), n, (lo, hi)))
        out.append(span // s + 1)
    return pads, tuple(out)


def im2col(x, ksize, strides, dilation, padding, pad_value=0):
    """Copies the input windows: (batch, *out_spatial, *ksize, channels), contiguous."""
    pads, out = _geometry(x.shape[1:-1], ksize, strides, dilation, padding)
    view = windows(pad_spatial(x, pads, pad_value), ksize, strides, dilation, out)
    return xp.ascontiguousarray(view)


def col2im(cols, spatial, ksize, strides, dilation, padding, out=None):
    """The adjoint of :func:`im2col`: sums window values back to input positions.

    Args:
        cols: (batch, *out_spatial, *ksize, channels) (any strides; broadcast
            views are fine).
        spatial: the input spatial shape to rebuild.
        out: optional (batch, *spatial, channels) array to write the result to.

    Returns:
        (batch, *spatial, channels) array (`out` when given).
    """
    nd = len(spatial)
    pads, out_spatial = _geometry(spatial, ksize, strides, dilation, padding)
    if tuple(out_spatial) != tuple(cols.shape[1:1 + nd]):
        raise ValueError('col2im: windows of output shape %s do not match an input of spatial shape %s '
                         '(expected output %s)' % (tuple(cols.shape[1:1 + nd]), tuple(spatial), out_spatial))
    padded = any(a or b for a, b in pads)
    shape = (cols.shape[0],) + tuple(n + a + b for n, (a, b) in zip(spatial, pads)) + (cols.shape[-1],)
    if out is not None and not padded:
        dx = out
        dx[...] = 0
    else:
        dx = xp.zeros(shape, dtype=cols.dtype)
    lead = (slice(None),) * (1 + nd)
    for offset in itertools.product(*[range(k) for k in ksize]):
        target = (slice(None),) + tuple(slice(o * d, o * d + (m - 1) * s + 1, s)
                                        for o, d, m, s in zip(offset, dilation, out_spatial, strides))
        dx[target] += cols[lead + offset]
    if padded:
        dx = dx[(slice(None),) + tuple(slice(a, a + n) for n, (a, _) in zip(spatial, pads))]
        if out is not None:
            out[...] = dx
            dx = out
    return dx


# Convolution -----------------------------------------------------------------------------
#: Target size of one block's im2col buffer: small enough to stay in a core's cache
#: between the copy and the GEMM that reads it (measured ~1.7x faster than
#: whole-batch im2col on the benchmark CNN with one thread).
BLOCK_BYTES = 3 << 20
#: With several threads the batch is cut into at least one block per thread, as
#: long as blocks keep this many im2col bytes (smaller work stays on one thread).
MIN_BLOCK_BYTES = 1 << 19
#: The kernel gradient keeps every block's product when they take at most this many bytes.
PRODUCTS_BYTES = 16 << 20


def batch_blocks(batch, per_sample_bytes, threads=1):
    """Slices splitting the batch into blocks whose im2col buffers are ~BLOCK_BYTES.

    With `threads` > 1 the blocks are made smaller where needed so that every
    thread gets one, but not below MIN_BLOCK_BYTES.
    """
    per_sample = max(per_sample_bytes, 1)
    step = max(1, int(BLOCK_BYTES // per_sample))
    if threads > 1:
        step = max(min(step, -(-batch // threads)), int(MIN_BLOCK_BYTES // per_sample), 1)
    return [slice(i, min(i + step, batch)) for i in range(0, batch, step)]


def block_threads(blocks):
    """How many kernel threads share `blocks` batch blocks (at most one per block)."""
    return max(1, min(len(blocks), get_num_threads() or 1))


def run_shares(count, work, spread=parallel_for):
    """Calls `work(k)` for k in range(count) over the kernel threads, BLAS single-threaded.

    Each piece's matrix products run on its own thread (see
    `threads.blas_threads_limited`). With one piece or one thread this is a
    plain loop and BLAS keeps its threads.

    Args:
        spread: `threads.parallel_for` (fixed shares, one per thread) or
            `threads.parallel_drain` (each thread takes the next piece).
    """
    threads = min(count, get_num_threads() or 1)
    if threads <= 1:
        for k in range(count):
            work(k)
        return
    with blas_threads_limited(1):
        spread(count, work, threads=threads)


def for_each_block(blocks, work):
    """Calls `work(block)` for every batch slice of `blocks`, spread over the kernel threads.

    Each thread takes the next block not yet taken (a core busy with other work
    takes fewer) and computes it whole, im2col and GEMM together. `work` must
    write each block's result to its own memory.
    """
    run_shares(len(blocks), lambda i: work(blocks[i]), spread=parallel_drain)


def _cols_bytes(out_spatial, ksize, channels, itemsize):
    return _prod(out_spatial) * _prod(ksize) * channels * itemsize


def _blocks(batch, out_spatial, ksize, channels, itemsize):
    return batch_blocks(batch, _cols_bytes(out_spatial, ksize, channels, itemsize), get_num_threads() or 1)


def conv_forward(x, w, strides, dilation, padding, groups=1):
    """N-d convolution (cross-correlation, as Keras/TF).

    The batch is processed in cache-sized blocks, spread over the kernel
    threads: im2col of a block, then one GEMM (a batched GEMM over groups when
    `groups > 1`) into the block's rows of the output.

    Args:
        x: (batch, *spatial, C) input.
        w: (*kernel_size, C // groups, O) kernel.
        strides, dilation: per spatial axis.
        padding: see :func:`resolve_pads`.
        groups: C and O split into this many independent groups (C: depthwise).

    Returns:
        (batch, *out_spatial, O) array.
    """
    nd = x.ndim - 2
    ksize = tuple(w.shape[:nd])
    c, o = x.shape[-1], w.shape[-1]
    kp = _prod(ksize)
    pads, out = _geometry(x.shape[1:-1], ksize, strides, dilation, padding)
    dtype = xp.result_type(x.dtype, w.dtype)
    y = xp.empty((x.shape[0],) + out + (o,), dtype=dtype)
    w2 = w.reshape(-1, o)
    if groups > 1:
        cg = w.shape[-2]
        wg = w.reshape(kp, cg, groups, o // groups).transpose(2, 0, 1, 3).reshape(groups, kp * cg, o // groups)

    def work(block):
        xb = pad_spatial(x[block], pads)
        cols = xp.ascontiguousarray(windows(xb, ksize, strides, dilation, out)).reshape(-1, kp * c)
        yb = y[block].reshape(-1, o)
        if groups == 1:
            xp.matmul(cols, w2, out=yb)
        else:
            n = cols.shape[0]
            a = cols.reshape(n, kp, groups, cg).transpose(2, 0, 1, 3).reshape(groups, n, kp * cg)
            yb[...] = xp.matmul(a, wg).transpose(1, 0, 2).reshape(n, o)
    for_each_block(_blocks(x.shape[0], out, ksize, c, x.itemsize), work)
    return y


def conv_grad_input(g, w, spatial, strides, dilation, padding, groups=1):
    """Gradient of :func:`conv_forward` w.r.t. its input (= transposed convolution).

    Per cache-sized batch block (spread over the kernel threads): one GEMM per
    kernel offset to window gradients, then :func:`col2im` into the block's rows
    of the result.

    Args:
        g: (batch, *out_spatial, O) upstream gradient.
        w: (*kernel_size, C // groups, O) kernel.
        spatial: the input's spatial shape.

    Returns:
        (batch, *spatial, C) array.
    """
    nd = g.ndim - 2
    ksize = tuple(w.shape[:nd])
    o, cg = w.shape[-1], w.shape[-2]
    c = cg * groups
    kp = _prod(ksize)
    out = tuple(g.shape[1:-1])
    dtype = xp.result_type(g.dtype, w.dtype)
    dx = xp.empty((g.shape[0],) + tuple(spatial) + (c,), dtype=dtype)
    if groups == 1:
        # one (O, C) matrix per kernel offset: the GEMM then writes each offset's
        # window gradients contiguously, and col2im adds contiguous slices.
        w_k = xp.ascontiguousarray(w.reshape(kp, c, o).transpose(0, 2, 1))
        offset_major = (nd,) + tuple(range(nd + 1, 2 * nd + 1)) + tuple(range(nd)) + (2 * nd + 1,)
    else:
        og = o // groups
        wg = w.reshape(kp, cg, groups, og).transpose(2, 3, 0, 1).reshape(groups, og, kp * cg)

    def work(block):
        gb = g[block]
        n = _prod(gb.shape[:-1])
        if groups == 1:
            cols = xp.matmul(gb.reshape(1, n, o), w_k)  # (kp, n, C)
            cols = cols.reshape(ksize + gb.shape[:-1] + (c,)).transpose(offset_major)
        else:
            gg = gb.reshape(n, groups, og).transpose(1, 0, 2)
            cols = xp.matmul(gg, wg).reshape(groups, n, kp, cg).transpose(1, 2, 0, 3)
            cols = cols.reshape(gb.shape[:-1] + ksize + (c,))
        col2im(cols, spatial, ksize, strides, dilation, padding, out=dx[block])
    for_each_block(_blocks(g.shape[0], out, ksize, c, dx.itemsize), work)
    return dx


def conv_grad_kernel(x, g, ksize, strides, dilation, padding, groups=1):
    """Gradient of :func:`conv_forward` w.r.t. its kernel.

    Per cache-sized batch block (spread over the kernel threads): im2col and one
    GEMM. The blocks' products are added in an order fixed by the batch and the
    thread count, never by thread timing: all of them in batch order when they
    fit PRODUCTS_BYTES, else one running sum per thread over a fixed share.

    Args:
        x: (batch, *spatial, C) input.
        g: (batch, *out_spatial, O) upstream gradient.
        ksize: the kernel's spatial size.

    Returns:
        (*ksize, C // groups, O) array.
    """
    ksize = tuple(ksize)
    c, o = x.shape[-1], g.shape[-1]
    kp = _prod(ksize)
    cg, og = c // groups, o // groups
    pads, out = _geometry(x.shape[1:-1], ksize, strides, dilation, padding)
    dtype = xp.result_type(x.dtype, g.dtype)
    blocks = _blocks(x.shape[0], out, ksize, c, x.itemsize)
    shape = (kp * c, o) if groups == 1 else (groups, kp * cg, og)

    def product(block):
        xb = pad_spatial(x[block], pads)
        cols = xp.ascontiguousarray(windows(xb, ksize, strides, dilation, out)).reshape(-1, kp * c)
        n = cols.shape[0]
        g2 = g[block].reshape(n, o)
        if groups == 1:
            return xp.matmul(cols.T, g2)
        a = cols.reshape(n, kp, groups, cg).transpose(2, 1, 3, 0).reshape(groups, kp * cg, n)
        return xp.matmul(a, g2.reshape(n, groups, og).transpose(1, 0, 2))

    if block_threads(blocks) > 1 and len(blocks) * _prod(shape) * xp.dtype(dtype).itemsize <= PRODUCTS_BYTES:
        # Small kernels: every block's product is kept, the threads take blocks as they
        # come, and the products are added in batch order afterwards.
        products = [None] * len(blocks)

        def keep(i):
            products[i] = product(blocks[i])
        run_shares(len(blocks), keep, spread=parallel_drain)
    else:
        # One running sum per thread over a fixed, contiguous share of the blocks.
        shares = block_threads(blocks)
        products = [None] * shares

        def share(k):
            for block in blocks[k * len(blocks) // shares:(k + 1) * len(blocks) // shares]:
                p = product(block)
                products[k] = p if products[k] is None else xp.add(products[k], p, out=products[k])
        run_shares(shares, share)
    if not products or products[0] is None:  # an empty batch
        products = [xp.zeros(shape, dtype=dtype)]
    dw = products[0].astype(dtype, copy=False)
    for other in products[1:]:
        dw += other
    if groups == 1:
        return dw.reshape(ksize + (c, o))
    return dw.reshape(groups, kp, cg, og).transpose(1, 2, 0, 3).reshape(ksize + (cg, o))


def extract_patches(x, ksize, strides, dilation, padding):
    """The windows of `x` as a contiguous (batch, *out_spatial, *ksize, C) array."""
    return im2col(x, ksize, strides, dilation, padding)


def conv_grad_input_narrow(g, w, spatial, strides, dilation, padding, groups=1):
    """:func:`conv_grad_input` for stride 1 when the kernel has fewer output than
    input channels (O < C, e.g. a last `Conv3D(1, ...)`): a forward convolution
    of `g` with the spatially flipped, in/out-swapped kernel, so the windows
    copied are those of the O-channel gradient instead of C-channel window
    gradients summed back by :func:`col2im`.

    Returns:
        (batch, *spatial, C) array, or None where this does not apply (strides
        other than 1, groups, O >= C, or padding beyond the dilated kernel).
    """
    nd = g.ndim - 2
    ksize = tuple(w.shape[:nd])
    c, o = w.shape[-2], w.shape[-1]
    if groups != 1 or o >= c or any(s != 1 for s in strides):
        return None
    pads = resolve_pads(tuple(spatial), ksize, strides, dilation, padding)
    full = []
    for k, d, (lo, hi) in zip(ksize, dilation, pads):
        extent = effective_size(k, d) - 1
        if lo > extent or hi > extent:
            return None
        full.append((extent - lo, extent - hi))
    flipped = w[(slice(None, None, -1),) * nd]
    w_t = xp.ascontiguousarray(xp.swapaxes(flipped, -1, -2))
    return conv_forward(g, w_t, strides, dilation, tuple(full))
