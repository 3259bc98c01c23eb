"""The LSTM recurrence over a whole sequence, forward and backward, as numpy loops.

`K.rnn` runs any step graph through the generic `Scan` op; an LSTM layer
without recurrent dropout runs this loop instead (ops/recurrent.py's
`LSTMScan`): per time step one matrix product into a preallocated gate block
and a few in-place elementwise calls writing straight into the stacked
results; the large products (input projection, weight and input gradients)
are done per chunk of time steps, beside the loop.

The loops call BLAS single-threaded whatever the thread count: a (batch, u) x
(u, 4u) product per step is tens of microseconds, too short to split over
threads that must all be scheduled at once (on a busy machine one waiting
thread stalls every step, measured 3-4x slower). Splitting the batch over
Python threads instead loses to the GIL hand-offs between the many small
numpy calls of a step (measured slower than one thread as well). A second
thread instead works on the large products beside the loop, a chunk of time
steps at a time (`_pipeline`): the input projection of the next chunk ahead
of the forward loop, the weight and input gradients of the chunk the backward
loop has just finished behind it.

Layouts: time-major sequences, `z` (T, B, 4u) gate pre-activations ordered
input, forget, cell candidate, output (Keras' order); `mask` (T, B) bool,
where False keeps the previous states (and outputs the previous h).
"""
import itertools
import threading

from .threads import blas_threads_limited, parallel_for
from .xp import xp

#: chunks of time steps a sequence is cut into for the second thread
CHUNKS = 8


def gate_forward(gate, z, out):
    """The gate activation of `z` into `out` (may be `z` itself)."""
    if gate == 'sigmoid':
        xp.negative(z, out=out)
        xp.exp(out, out=out)
        out += 1.0
        xp.reciprocal(out, out=out)
    elif gate == 'hard_sigmoid':
        xp.multiply(z, 0.2, out=out)
        out += 0.5
        xp.clip(out, 0.0, 1.0, out=out)
    else:
        xp.clip(z, 0.0, 1.0, out=out)
    return out


def gate_derivative(gate, activated, out):
    """d gate / d z from the activated value (clips pass strictly inside (0, 1))."""
    if gate == 'sigmoid':
        xp.subtract(1.0, activated, out=out)
        out *= activated
    else:
        inside = activated > 0
        inside &= activated < 1
        if gate == 'hard_sigmoid':
            xp.multiply(inside, out.dtype.type(0.2), out=out)
        else:
            out[...] = inside
    return out


def _activate_(gate, z, u):
    """Gate activations in place over the (4u, rows) block `z`: tanh over the
    cell candidate rows, the gate activation over the others."""
    xp.tanh(z[2 * u:3 * u], out=z[2 * u:3 * u])
    for block in (z[:2 * u], z[3 * u:]):
        gate_forward(gate, block, block)


def _derivative_(gate, acts, out):
    """d activation / d pre-activation of every gate block of (4u, rows) `acts`, into `out`."""
    u = acts.shape[0] // 4
    for sl in (slice(0, 2 * u), slice(3 * u, 4 * u)):
        gate_derivative(gate, acts[sl], out[sl])
    cc, d = acts[2 * u:3 * u], out[2 * u:3 * u]
    xp.multiply(cc, cc, out=d)
    xp.subtract(1.0, d, out=d)


def _feature_major(a):
    """(T, B, n) -> its (T, n, B) transpose, contiguous (free for this module's own results)."""
    return xp.ascontiguousarray(a.transpose(0, 2, 1))


def _chunks(steps):
    size = -(-steps // CHUNKS)
    return [(a, min(a + size, steps)) for a in range(0, steps, size)]


def _pipeline(produce, consume, count, parts=1, share_consuming=False, prepare=None):
    """`produce(k)` for k in range(count) on one thread and `consume(k, part)`
    for every part in range(parts) on another, in order, each after
    `produce(k)`; with one thread (or nested in another parallel region) every
    produce runs first, then every consume.

    With `share_consuming`, the producing thread, once done, takes the items
    the consumer has not started (so `consume` may run on either thread, but
    each item once; smaller parts leave a shorter tail to one thread).
    `prepare()`, when given, runs once before any `consume`, on the first
    thread to start consuming (the consumer, while the first `produce` runs).
    BLAS is single-threaded inside: both threads multiply matrices at once."""
    ready = [threading.Event() for _ in range(count)]
    preparing = threading.Lock()
    pending = [prepare]
    failed = []
    claims = itertools.count()  # next() on it is atomic: each item goes to one thread

    def consume_unclaimed():
        with preparing:  # the first thread here prepares, the other waits for it
            if pending:
                task = pending.pop()
                if task is not None:
                    try:
                        task()
                    except BaseException:
                        failed.append(True)
                        raise
        if failed:
            return
        item = next(claims)
        while item < count * parts:
            k, part = divmod(item, parts)
            ready[k].wait()
            if failed:
                return
            consume(k, part)
            item = next(claims)

    def side(i):
        if i == 0:
            try:
                for k in range(count):
                    produce(k)
                    ready[k].set()
            except BaseException:
                failed.append(True)
                raise
            finally:
                for event in ready:
                    event.set()
            if share_consuming:
                consume_unclaimed()
        else:
            consume_unclaimed()
    with blas_threads_limited(1):
        parallel_for(2, side)


def _flat(a):
    """(steps, batch, n) -> (steps * batch, n), copied only when not contiguous."""
    return xp.ascontiguousarray(a).reshape(-1, a.shape[-1])


def lstm_forward(gate, z_in, h0, c0, kernel, mask=None, keep_gates=True, weights=None):
    """Runs the recurrence.

    Args:
        gate: 'sigmoid', 'hard_sigmoid' or 'clip' (the gate activation; the
            cell activation is tanh).
        z_in: (T, B, 4u) input projections (bias included), or with `weights`
            the (T, B, d) inputs they are projected from.
        h0, c0: (B, u) initial states.
        kernel: (u, 4u) recurrent kernel.
        mask: optional (T, B) bool.
        keep_gates: stack the activated gates (the gradient reads them); else
            one buffer serves every step and None is returned for them.
        weights: optional (input kernel (d, 4u), bias (4u,)): the projection
            `z_in @ kernel + bias` is computed here, chunk by chunk ahead of the loop.

    Returns:
        (hs, cs, acts): (T, B, u) hidden and cell states after every step and
        the (T, B, 4u) activated gates (transposed views of feature-major arrays).
    """
    steps, batch = z_in.shape[:2]
    u = h0.shape[1]
    dtype = xp.result_type(z_in.dtype, kernel.dtype)
    # Feature-major (4u, B) steps: kernel^T @ h^T is the faster product shape,
    # and every gate block is a contiguous run of rows.
    hs = xp.empty((steps, u, batch), dtype)
    cs = xp.empty((steps, u, batch), dtype)
    acts = xp.empty((steps if keep_gates else 1, 4 * u, batch), dtype)
    tmp = xp.empty((u, batch), dtype)
    kernel_t = xp.ascontiguousarray(kernel.T)
    chunks = _chunks(steps)
    # With weights, chunk k's projections as one (4u, steps * B) product; step
    # t reads its B columns (no transposed copy of the whole projection).
    projected = [None] * len(chunks)
    weights_t = None if weights is None else xp.ascontiguousarray(weights[0].T)
    state = [xp.ascontiguousarray(h0.T), xp.ascontiguousarray(c0.T)]

    def project(k):
        if weights is not None:
            a, b = chunks[k]
            z = xp.matmul(weights_t, _flat(z_in[a:b]).T)
            z += weights[1][:, None]
            projected[k] = z

    def run(k, _):
        h, c = state
        first = chunks[k][0]
        for t in range(*chunks[k]):
            z, c_new, h_new = acts[t if keep_gates else 0], cs[t], hs[t]
            xp.matmul(kernel_t, h, out=z)
            if weights is None:
                z += z_in[t].T
            else:
                z += projected[k][:, (t - first) * batch:(t - first + 1) * batch]
            _activate_(gate, z, u)
            xp.multiply(z[u:2 * u], c, out=c_new)
            xp.multiply(z[:u], z[2 * u:3 * u], out=tmp)
            c_new += tmp
            xp.tanh(c_new, out=h_new)
            h_new *= z[3 * u:]
            if mask is not None:
                off = ~mask[t][None, :]
                xp.copyto(c_new, c, where=off)
                xp.copyto(h_new, h, where=off)
            h, c = h_new, c_new
        state[:] = [h, c]

    _pipeline(project, run, len(chunks))
    return (hs.transpose(0, 2, 1), cs.transpose(0, 2, 1),
            acts.transpose(0, 2, 1) if keep_gates else None)


def lstm_backward(gate, h0, c0, kernel, hs, cs, acts, ghs, gcs, mask=None, inputs=None, weights=None):
    """The vector-Jacobian product of `lstm_forward`.

    Args:
        gate, h0, c0, kernel, mask: as given to `lstm_forward`.
        hs, cs, acts: its results.
        ghs, gcs: (T, B, u) gradients of hs and cs, or (B, u) gradients of
            their last step alone (None: zero).
        inputs, weights: with `weights` (input kernel, bias), the (T, B, d)
            inputs `lstm_forward` projected.

    Returns:
        (gz (T, B, 4u), gh0, gc0, gkernel): the gradients of the input
        projections, the initial states and the recurrent kernel; with
        `weights`, (gx (T, B, d), g_input_kernel, g_bias, gh0, gc0, gkernel).
    """
    steps, batch, u = hs.shape
    dtype = hs.dtype
    hs, cs, acts = _feature_major(hs), _feature_major(cs), _feature_major(acts)
    gz_all = xp.empty(acts.shape, dtype)
    gh, gc = xp.zeros((u, batch), dtype), xp.zeros((u, batch), dtype)
    if ghs is not None and ghs.ndim == 2:
        gh[...], ghs = ghs.T, None
    if gcs is not None and gcs.ndim == 2:
        gc[...], gcs = gcs.T, None
    gh_next, g_cell, tanh_c = xp.empty((u, batch), dtype), xp.empty((u, batch), dtype), xp.empty((u, batch), dtype)
    derivative = xp.empty((4 * u, batch), dtype)
    c0_t = c0.T
    carry = [gh, gc, gh_next, g_cell]
    chunks = _chunks(steps)[::-1]
    gkernel = xp.zeros(kernel.shape, dtype)
    gz_batch_major = xp.empty((steps, batch, 4 * u), dtype)
    if weights is not None:
        d = weights[0].shape[0]
        gx = xp.empty(inputs.shape[:2] + (d,), dtype)
        g_input_kernel = xp.zeros(weights[0].shape, dtype)
        g_bias = xp.zeros(weights[1].shape, dtype)
        weights_t = xp.ascontiguousarray(weights[0].T)
    # Per step and sample, what the weight gradients multiply the gate
    # gradients by: the previous state, then (with `weights`) the input and a
    # 1 for the bias. One product per chunk gives all three gradients' terms.
    weight_operands = xp.empty((steps, batch, u + (0 if weights is None else d + 1)), dtype)

    def fill_weight_operands():
        weight_operands[0, :, :u] = h0
        weight_operands[1:, :, :u] = hs[:-1].transpose(0, 2, 1)
        if weights is not None:
            weight_operands[:, :, u:u + d] = inputs
            weight_operands[:, :, -1] = 1

    def run(k):
        gh, gc, gh_next, g_cell = carry
        for t in range(chunks[k][1] - 1, chunks[k][0] - 1, -1):
            if ghs is not None:
                gh += ghs[t].T
            if gcs is not None:
                gc += gcs[t].T
            a, gz = acts[t], gz_all[t]
            c_prev = cs[t - 1] if t > 0 else c0_t
            xp.tanh(cs[t], out=tanh_c)
            xp.multiply(gh, tanh_c, out=gz[3 * u:])            # d/do
            xp.multiply(tanh_c, tanh_c, out=g_cell)
            xp.subtract(1.0, g_cell, out=g_cell)
            g_cell *= a[3 * u:]
            g_cell *= gh
            g_cell += gc                                        # total cell gradient
            xp.multiply(g_cell, a[2 * u:3 * u], out=gz[:u])     # d/di
            xp.multiply(g_cell, c_prev, out=gz[u:2 * u])        # d/df
            xp.multiply(g_cell, a[:u], out=gz[2 * u:3 * u])     # d/dc~
            _derivative_(gate, a, derivative)
            gz *= derivative
            if mask is None:
                xp.multiply(g_cell, a[u:2 * u], out=gc)
                xp.matmul(kernel, gz, out=gh)
            else:
                off = ~mask[t][None, :]
                # A masked step passes its states through: the carry is unchanged.
                xp.copyto(gz, 0, where=off)
                xp.matmul(kernel, gz, out=gh_next)
                xp.copyto(gh_next, gh, where=off)
                gh, gh_next = gh_next, gh
                xp.multiply(g_cell, a[u:2 * u], out=g_cell)
                xp.copyto(g_cell, gc, where=off)
                gc, g_cell = g_cell, gc
        carry[:] = [gh, gc, gh_next, g_cell]
        # Batch-major, the chunk's gate gradients are one operand of each product.
        steps_done = slice(*chunks[k])
        gz_batch_major[steps_done] = gz_all[steps_done].transpose(0, 2, 1)

    # Each chunk's terms of the weight gradients, added up in chunk order at
    # the end: either thread may compute a chunk's products, the sums do not
    # depend on which.
    terms = [None] * len(chunks)

    def weight_gradients(k, part):
        a, b = chunks[k]
        gz = gz_batch_major[a:b].reshape(-1, 4 * u)
        if part == 0:
            terms[k] = xp.matmul(weight_operands[a:b].reshape(-1, weight_operands.shape[-1]).T, gz)
        else:
            xp.matmul(gz, weights_t, out=gx[a:b].reshape(-1, d))

    _pipeline(run, weight_gradients, len(chunks), parts=1 if weights is None else 2, share_consuming=True,
              prepare=fill_weight_operands)
    for term in terms:
        xp.add(gkernel, term[:u], out=gkernel)
        if weights is not None:
            xp.add(g_input_kernel, term[u:u + d], out=g_input_kernel)
            xp.add(g_bias, term[-1], out=g_bias)
    gh, gc = carry[0].T.copy(), carry[1].T.copy()
    if weights is None:
        return gz_batch_major, gh, gc, gkernel
    return gx, g_input_kernel, g_bias, gh, gc, gkernel
