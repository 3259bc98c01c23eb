"""The LSTM recurrence over a whole sequence, forward and backward, as numpy loops.

`K.rnn` runs any step graph through the generic `Scan` op; an LSTM layer
without recurrent dropout runs this loop instead (ops/recurrent.py's
`LSTMScan`): per time step one matrix product into a preallocated gate block
and a few in-place elementwise calls writing straight into the stacked
results, and in the backward loop the recurrent kernel's gradient is one
matrix product over all steps after it.

The loops call BLAS single-threaded whatever the thread count: a (batch, u) x
(u, 4u) product per step is tens of microseconds, too short to split over
threads that must all be scheduled at once (on a busy machine one waiting
thread stalls every step, measured 3-4x slower). Splitting the batch over
Python threads instead loses to the GIL hand-offs between the many small
numpy calls of a step (measured slower than one thread as well).

Layouts: time-major sequences, `z` (T, B, 4u) gate pre-activations ordered
input, forget, cell candidate, output (Keras' order); `mask` (T, B) bool,
where False keeps the previous states (and outputs the previous h).
"""
from .threads import blas_threads_limited
from .xp import xp


def _sigmoid_(z):
    xp.negative(z, out=z)
    xp.exp(z, out=z)
    z += 1.0
    xp.reciprocal(z, out=z)


def _activate_(gate, z, u):
    """Gate activations in place over the (rows, 4u) block `z`."""
    xp.tanh(z[:, 2 * u:3 * u], out=z[:, 2 * u:3 * u])
    for block in (z[:, :2 * u], z[:, 3 * u:]):
        if gate == 'sigmoid':
            _sigmoid_(block)
        elif gate == 'hard_sigmoid':
            block *= 0.2
            block += 0.5
            xp.clip(block, 0.0, 1.0, out=block)
        else:
            xp.clip(block, 0.0, 1.0, out=block)


def _derivative_(gate, acts, out):
    """d activation / d pre-activation from the activated gates, into `out`."""
    u = acts.shape[1] // 4
    for sl in (slice(0, 2 * u), slice(3 * u, 4 * u)):
        a, d = acts[:, sl], out[:, sl]
        if gate == 'sigmoid':
            xp.subtract(1.0, a, out=d)
            d *= a
        else:
            inside = a > 0
            inside &= a < 1
            if gate == 'hard_sigmoid':
                xp.multiply(inside, out.dtype.type(0.2), out=d)
            else:
                d[...] = inside
    cc, d = acts[:, 2 * u:3 * u], out[:, 2 * u:3 * u]
    xp.multiply(cc, cc, out=d)
    xp.subtract(1.0, d, out=d)


def lstm_forward(gate, z_in, h0, c0, kernel, mask=None, keep_gates=True):
    """Runs the recurrence.

    Args:
        gate: 'sigmoid', 'hard_sigmoid' or 'clip' (the gate activation; the
            cell activation is tanh).
        z_in: (T, B, 4u) input projections (bias included).
        h0, c0: (B, u) initial states.
        kernel: (u, 4u) recurrent kernel.
        mask: optional (T, B) bool.
        keep_gates: stack the activated gates (the gradient reads them); else
            one (B, 4u) buffer serves every step and None is returned for them.

    Returns:
        (hs, cs, acts): (T, B, u) hidden and cell states after every step and
        the (T, B, 4u) activated gates.
    """
    steps, batch, _ = z_in.shape
    u = h0.shape[1]
    dtype = xp.result_type(z_in.dtype, kernel.dtype)
    hs = xp.empty((steps, batch, u), dtype)
    cs = xp.empty((steps, batch, u), dtype)
    acts = xp.empty((steps if keep_gates else 1, batch, 4 * u), dtype)
    tmp = xp.empty((batch, u), dtype)
    h, c = h0, c0
    with blas_threads_limited(1):
        for t in range(steps):
            z, c_new, h_new = acts[t if keep_gates else 0], cs[t], hs[t]
            xp.matmul(h, kernel, out=z)
            z += z_in[t]
            _activate_(gate, z, u)
            xp.multiply(z[:, u:2 * u], c, out=c_new)
            xp.multiply(z[:, :u], z[:, 2 * u:3 * u], out=tmp)
            c_new += tmp
            xp.tanh(c_new, out=h_new)
            h_new *= z[:, 3 * u:]
            if mask is not None:
                off = ~mask[t][:, None]
                xp.copyto(c_new, c, where=off)
                xp.copyto(h_new, h, where=off)
            h, c = h_new, c_new
    return hs, cs, (acts if keep_gates else None)


def lstm_backward(gate, h0, c0, kernel, hs, cs, acts, ghs, gcs, mask=None):
    """The vector-Jacobian product of `lstm_forward`.

    Args:
        gate, h0, c0, kernel, mask: as given to `lstm_forward`.
        hs, cs, acts: its results.
        ghs, gcs: (T, B, u) gradients of hs and cs (None: zero).

    Returns:
        (gz (T, B, 4u), gh0, gc0, gkernel): the gradients of the input
        projections, the initial states and the recurrent kernel.
    """
    steps, batch, u = hs.shape
    dtype = hs.dtype
    kernel_t = xp.ascontiguousarray(kernel.T)
    gz_all = xp.empty(acts.shape, dtype)
    gh, gc = xp.zeros((batch, u), dtype), xp.zeros((batch, u), dtype)
    gh_next, g_cell, tanh_c = xp.empty((batch, u), dtype), xp.empty((batch, u), dtype), xp.empty((batch, u), dtype)
    derivative = xp.empty((batch, 4 * u), dtype)
    with blas_threads_limited(1):
        for t in range(steps - 1, -1, -1):
            if ghs is not None:
                gh += ghs[t]
            if gcs is not None:
                gc += gcs[t]
            a, gz = acts[t], gz_all[t]
            c_prev = cs[t - 1] if t > 0 else c0
            xp.tanh(cs[t], out=tanh_c)
            xp.multiply(gh, tanh_c, out=gz[:, 3 * u:])            # d/do
            xp.multiply(tanh_c, tanh_c, out=g_cell)
            xp.subtract(1.0, g_cell, out=g_cell)
            g_cell *= a[:, 3 * u:]
            g_cell *= gh
            g_cell += gc                                            # total cell gradient
            xp.multiply(g_cell, a[:, 2 * u:3 * u], out=gz[:, :u])   # d/di
            xp.multiply(g_cell, c_prev, out=gz[:, u:2 * u])         # d/df
            xp.multiply(g_cell, a[:, :u], out=gz[:, 2 * u:3 * u])   # d/dc~
            _derivative_(gate, a, derivative)
            gz *= derivative
            if mask is None:
                xp.multiply(g_cell, a[:, u:2 * u], out=gc)
                xp.matmul(gz, kernel_t, out=gh)
            else:
                off = ~mask[t][:, None]
                # A masked step passes its states through: the carry is unchanged.
                xp.copyto(gz, 0, where=off)
                xp.matmul(gz, kernel_t, out=gh_next)
                xp.copyto(gh_next, gh, where=off)
                gh, gh_next = gh_next, gh
                xp.multiply(g_cell, a[:, u:2 * u], out=g_cell)
                xp.copyto(g_cell, gc, where=off)
                gc, g_cell = g_cell, gc
    flat = gz_all.reshape(steps * batch, 4 * u)
    gkernel = xp.matmul(h0.T, flat[:batch])
    if steps > 1:
        gkernel += xp.matmul(hs[:-1].reshape((steps - 1) * batch, u).T, flat[batch:])
    return gz_all, gh, gc, gkernel
