"""Fused recurrent ops: the elementwise part of one LSTM or GRU step as one op, and
the whole LSTM recurrence as one op (`LSTMScan`, see the end of the module).

An LSTM step is `z = x_t W + h U + b` followed by about a dozen elementwise
operations on the four gates. Inside a scan every op costs Python dispatch and
temporaries at each time step, so the gate math is one op here, with a fused
gradient op. Both have gradient rules (the gradient op's rule differentiates
an equivalent composite graph), so higher-order gradients still work.

LSTM gate order is Keras's: input, forget, cell candidate, output; GRU's is
update, reset, candidate (with the reset gate applied after the recurrent
product, `reset_after=True`). The candidate activation is tanh; `gate` names the
gate activation:
'sigmoid', 'hard_sigmoid' (clip(0.2 z + 0.5, 0, 1)) or 'clip' (clip(z, 0, 1),
for pre-scaled hard-sigmoid inputs).
"""
from ..graph.op import Op
from ..graph.tensor import shape_str
from ..kernels import xp
from ..kernels import lstm as lstm_kernels
from ..kernels.lstm import gate_derivative as _gate_derivative
from ..kernels.lstm import gate_forward as _gate_forward

GATES = ('sigmoid', 'hard_sigmoid', 'clip')


class LSTMGates(Op):
    """(z (batch, 4u), c_prev (batch, u)) -> (h, c, activations (batch, 4u)).

    `activations` holds the activated gates [i, f, c~, o]; the gradient reads it.
    """
    n_outputs = 3
    fresh_output = True

    def infer(self, z, c_prev):
        if len(z.shape) != 2 or len(c_prev.shape) != 2:
            raise ValueError('LSTMGates: expected 2-D gate pre-activations and cell state, got %s and %s'
                             % (shape_str(z.shape), shape_str(c_prev.shape)))
        units = c_prev.shape[1]
        if z.shape[1] is not None and units is not None and z.shape[1] != 4 * units:
            raise ValueError('LSTMGates: pre-activations of shape %s do not hold 4 gates of %d units'
                             % (shape_str(z.shape), units))
        return [(c_prev.shape, z.dtype), (c_prev.shape, z.dtype), (z.shape, z.dtype)]

    def forward(self, z, c_prev):
        u = c_prev.shape[1]
        # The gate activation over all four blocks (fewer, larger numpy calls),
        # then tanh over the cell candidate block.
        acts = _gate_forward(self.gate, z, xp.empty_like(z))
        xp.tanh(z[:, 2 * u:3 * u], out=acts[:, 2 * u:3 * u])
        c = acts[:, u:2 * u] * c_prev
        c += acts[:, :u] * acts[:, 2 * u:3 * u]
        h = xp.tanh(c)
        h *= acts[:, 3 * u:]
        return h, c, acts

    def grad(self, inputs, outputs, output_grads):
        from .elementwise import zeros_like
        z, c_prev = inputs
        h, c, acts = outputs
        gh, gc, gacts = output_grads
        if gacts is not None:
            return composite_vjp(self.gate, inputs, output_grads)
        gh = gh if gh is not None else zeros_like(h)
        gc = gc if gc is not None else zeros_like(c)
        gz, gc_prev = LSTMGatesGrad(gate=self.gate)(acts, c_prev, c, gh, gc)
        return [gz, gc_prev]


class LSTMGatesGrad(Op):
    """(acts, c_prev, c, gh, gc) -> (gz, gc_prev): the vector-Jacobian product of
    `LSTMGates` w.r.t. its inputs given the gradients of h and c."""
    n_outputs = 2
    fresh_output = True

    def infer(self, acts, c_prev, c, gh, gc):
        return [(acts.shape, acts.dtype), (c_prev.shape, c_prev.dtype)]

    def forward(self, acts, c_prev, c, gh, gc):
        u = c_prev.shape[1]
        i, f, cc, o = acts[:, :u], acts[:, u:2 * u], acts[:, 2 * u:3 * u], acts[:, 3 * u:]
        tanh_c = xp.tanh(c)
        gz = xp.empty_like(acts)
        # output gate: dL/do = gh * tanh(c)
        xp.multiply(gh, tanh_c, out=gz[:, 3 * u:])
        # total cell gradient: gc + gh * o * (1 - tanh(c)^2)
        xp.multiply(tanh_c, tanh_c, out=tanh_c)
        xp.subtract(1.0, tanh_c, out=tanh_c)
        tanh_c *= o
        tanh_c *= gh
        g_cell = tanh_c
        g_cell += gc
        xp.multiply(g_cell, cc, out=gz[:, :u])          # d/di
        xp.multiply(g_cell, c_prev, out=gz[:, u:2 * u])  # d/df
        xp.multiply(g_cell, i, out=gz[:, 2 * u:3 * u])   # d/dc~
        gc_prev = g_cell * f
        derivative = _gate_derivative(self.gate, acts, xp.empty_like(acts))
        xp.multiply(cc, cc, out=derivative[:, 2 * u:3 * u])
        xp.subtract(1.0, derivative[:, 2 * u:3 * u], out=derivative[:, 2 * u:3 * u])
        gz *= derivative
        return gz, gc_prev

    def grad(self, inputs, outputs, output_grads):
        return composite_grad_vjp(self.gate, inputs, output_grads)


def _composite_gates(gate, acts_or_z, from_z):
    """The activated gates as primitive ops, from pre-activations (`from_z`)
    or passed through when they are already activations."""
    from . import elementwise as ew
    if not from_z:
        return acts_or_z
    z = acts_or_z
    u = z.shape[1] // 4

    def gate_fn(x):
        if gate == 'sigmoid':
            return ew.Sigmoid()(x)
        if gate == 'hard_sigmoid':
            return ew.Clip(min_value=0.0, max_value=1.0)(x * 0.2 + 0.5)
        return ew.Clip(min_value=0.0, max_value=1.0)(x)
    from .shape import Concatenate, GetItem
    parts = [GetItem(index=(('slice', None, None, None), ('slice', k * u, (k + 1) * u, None)))(z) for k in range(4)]
    return Concatenate(axis=1)(gate_fn(parts[0]), gate_fn(parts[1]), ew.Tanh()(parts[2]), gate_fn(parts[3]))


def _split(acts, blocks=4):
    from .shape import GetItem
    u = acts.shape[1] // blocks
    return [GetItem(index=(('slice', None, None, None), ('slice', k * u, (k + 1) * u, None)))(acts)
            for k in range(blocks)]


def _composite_step(gate, z, c_prev):
    from . import elementwise as ew
    acts = _composite_gates(gate, z, from_z=True)
    i, f, cc, o = _split(acts)
    c = f * c_prev + i * cc
    return [o * ew.Tanh()(c), c, acts]


def composite_vjp(gate, inputs, output_grads):
    """Gradient of LSTMGates through an equivalent graph of primitive ops."""
    from ..graph.gradients import vjp
    z, c_prev = inputs
    outputs = _composite_step(gate, z, c_prev)
    return vjp(outputs, output_grads, [z, c_prev], zeros_for_unrelated=False)


def composite_grad_vjp(gate, inputs, output_grads):
    """Gradient of LSTMGatesGrad: differentiate the same gradient computed from
    primitive ops (the vector-Jacobian product of the composite step)."""
    from ..graph.gradients import vjp
    acts, c_prev, c, gh, gc = inputs
    # Rebuild the step from the activations, treating `acts` as the gate values.
    i, f, cc, o = _split(acts)
    from . import elementwise as ew
    tanh_c = ew.Tanh()(c)
    g_cell = gc + gh * o * (1.0 - tanh_c * tanh_c)
    derivative_parts = []
    for k, part in enumerate((i, f, cc, o)):
        if k == 2:
            derivative_parts.append(1.0 - part * part)
        elif gate == 'sigmoid':
            derivative_parts.append(part * (1.0 - part))
        else:
            inside = ew.Cast(dtype=part.dtype)(ew.LogicalAnd()(ew.Greater()(part, ew.as_tensor(0.0, part)),
                                                               ew.Less()(part, ew.as_tensor(1.0, part))))
            derivative_parts.append(inside * 0.2 if gate == 'hard_sigmoid' else inside)
    from .shape import Concatenate
    gz = Concatenate(axis=1)(g_cell * cc * derivative_parts[0], g_cell * c_prev * derivative_parts[1],
                             g_cell * i * derivative_parts[2], gh * tanh_c * derivative_parts[3])
    gc_prev = g_cell * f
    return vjp([gz, gc_prev], output_grads, list(inputs), zeros_for_unrelated=False)


class GRUGates(Op):
    """(x (batch, 3u), inner (batch, 3u), h_prev (batch, u)) -> (h, activations (batch, 3u)).

    `x` is the input projection (with the input bias), `inner` the recurrent
    projection `h_prev @ U` (with the recurrent bias). With z, r the gates and
    hh = tanh(x_h + r * inner_h): h = hh + z * (h_prev - hh).
    `activations` holds [z, r, hh]; the gradient reads it.
    """
    n_outputs = 2
    fresh_output = True

    def infer(self, x, inner, h_prev):
        if len(x.shape) != 2 or len(inner.shape) != 2 or len(h_prev.shape) != 2:
            raise ValueError('GRUGates: expected 2-D projections and state, got %s, %s and %s'
                             % (shape_str(x.shape), shape_str(inner.shape), shape_str(h_prev.shape)))
        units = h_prev.shape[1]
        for name, t in (('input', x), ('recurrent', inner)):
            if t.shape[1] is not None and units is not None and t.shape[1] != 3 * units:
                raise ValueError('GRUGates: %s projection of shape %s does not hold 3 gates of %d units'
                                 % (name, shape_str(t.shape), units))
        return [(h_prev.shape, x.dtype), (x.shape, x.dtype)]

    def forward(self, x, inner, h_prev):
        u = h_prev.shape[1]
        acts = xp.add(x, inner)
        _gate_forward(self.gate, acts[:, :2 * u], acts[:, :2 * u])
        candidate = acts[:, 2 * u:]
        xp.multiply(acts[:, u:2 * u], inner[:, 2 * u:], out=candidate)
        candidate += x[:, 2 * u:]
        xp.tanh(candidate, out=candidate)
        h = h_prev - candidate
        h *= acts[:, :u]
        h += candidate
        return h, acts

    def grad(self, inputs, outputs, output_grads):
        from .elementwise import zeros_like
        gh, gacts = output_grads
        if gacts is not None:
            return composite_gru_vjp(self.gate, inputs, output_grads)
        gh = gh if gh is not None else zeros_like(outputs[0])
        gx, ginner, gh_prev = GRUGatesGrad(gate=self.gate)(outputs[1], inputs[1], inputs[2], gh)
        return [gx, ginner, gh_prev]


class GRUGatesGrad(Op):
    """(acts, inner, h_prev, gh) -> (gx, ginner, gh_prev): the vector-Jacobian
    product of `GRUGates` given the gradient of h."""
    n_outputs = 3
    fresh_output = True

    def infer(self, acts, inner, h_prev, gh):
        return [(acts.shape, acts.dtype), (acts.shape, acts.dtype), (h_prev.shape, h_prev.dtype)]

    def forward(self, acts, inner, h_prev, gh):
        u = h_prev.shape[1]
        z, r, hh = acts[:, :u], acts[:, u:2 * u], acts[:, 2 * u:]
        gx = xp.empty_like(acts)
        xp.subtract(h_prev, hh, out=gx[:, :u])
        gx[:, :u] *= gh                                   # d/dz = gh * (h_prev - hh)
        gh_prev = gh * z
        d_candidate = gx[:, 2 * u:]                       # d/d(pre-tanh) = gh * (1 - z) * (1 - hh^2)
        xp.subtract(1.0, z, out=d_candidate)
        d_candidate *= gh
        d_candidate *= 1.0 - hh * hh
        xp.multiply(d_candidate, inner[:, 2 * u:], out=gx[:, u:2 * u])  # d/dr
        derivative = _gate_derivative(self.gate, acts[:, :2 * u], xp.empty((acts.shape[0], 2 * u), acts.dtype))
        gx[:, :2 * u] *= derivative
        ginner = gx.copy()
        ginner[:, 2 * u:] *= r
        return gx, ginner, gh_prev

    def grad(self, inputs, outputs, output_grads):
        return composite_gru_grad_vjp(self.gate, inputs, output_grads)


def _composite_gru(gate, x, inner, h_prev):
    """GRUGates as primitive ops: [h, acts]."""
    from . import elementwise as ew
    from .shape import Concatenate
    xs, inners = _split(x, 3), _split(inner, 3)

    def gate_fn(t):
        if gate == 'sigmoid':
            return ew.Sigmoid()(t)
        if gate == 'hard_sigmoid':
            return ew.Clip(min_value=0.0, max_value=1.0)(t * 0.2 + 0.5)
        return ew.Clip(min_value=0.0, max_value=1.0)(t)
    z, r = gate_fn(xs[0] + inners[0]), gate_fn(xs[1] + inners[1])
    hh = ew.Tanh()(xs[2] + r * inners[2])
    return [hh + z * (h_prev - hh), Concatenate(axis=1)(z, r, hh)]


def composite_gru_vjp(gate, inputs, output_grads):
    """Gradient of GRUGates through an equivalent graph of primitive ops."""
    from ..graph.gradients import vjp
    return vjp(_composite_gru(gate, *inputs), output_grads, list(inputs), zeros_for_unrelated=False)


def composite_gru_grad_vjp(gate, inputs, output_grads):
    """Gradient of GRUGatesGrad: differentiate its computation written with primitive ops."""
    from ..graph.gradients import vjp
    from . import elementwise as ew
    from .shape import Concatenate
    acts, inner, h_prev, gh = inputs
    z, r, hh = _split(acts, 3)
    inner_h = _split(inner, 3)[2]
    d_candidate = gh * (1.0 - z) * (1.0 - hh * hh)

    def derivative(a):
        if gate == 'sigmoid':
            return a * (1.0 - a)
        inside = ew.Cast(dtype=a.dtype)(ew.LogicalAnd()(ew.Greater()(a, ew.as_tensor(0.0, a)),
                                                        ew.Less()(a, ew.as_tensor(1.0, a))))
        return inside * 0.2 if gate == 'hard_sigmoid' else inside
    gz = gh * (h_prev - hh) * derivative(z)
    gr = d_candidate * inner_h * derivative(r)
    gx = Concatenate(axis=1)(gz, gr, d_candidate)
    ginner = Concatenate(axis=1)(gz, gr, d_candidate * r)
    return vjp([gx, ginner, gh * z], output_grads, list(inputs), zeros_for_unrelated=False)


class LSTMScan(Op):
    """The whole LSTM recurrence as one op (kernels/lstm.py runs it).

    Inputs: z (T, B, 4u) time-major input projections with bias, or with
    `project` the inputs x (T, B, d), the input kernel (d, 4u) and the bias
    (4u,) (the projection is then computed inside, beside the loop); h0, c0
    (B, u); the recurrent kernel (u, 4u); with `has_mask`, a (T, B) bool mask
    (False: the step keeps the previous states). Outputs: hs, cs (T, B, u),
    the states after every step, and acts (T, B, 4u), the activated gates,
    which the gradient reads. The same function as a `Scan` over
    `LSTMGates(z_t + h @ kernel, c)`, with fewer numpy calls per step.
    """
    n_outputs = 3
    fresh_output = True

    def infer(self, *inputs):
        expected = (6 if self.project else 4) + int(self.has_mask)
        if len(inputs) != expected:
            raise ValueError('LSTMScan: expected %d inputs, got %d' % (expected, len(inputs)))
        x, weights, h0, c0, kernel = _scan_inputs(inputs, self.project)
        if len(x.shape) != 3 or len(h0.shape) != 2 or len(c0.shape) != 2 or len(kernel.shape) != 2:
            raise ValueError('LSTMScan: expected a sequence (T, B, n), states (B, u) and a kernel (u, 4u), '
                             'got %s, %s, %s and %s' % tuple(shape_str(t.shape) for t in (x, h0, c0, kernel)))
        units = h0.shape[1]
        width = weights[0].shape[1] if weights else x.shape[2]
        if units is not None and (kernel.shape[0] not in (None, units) or kernel.shape[1] not in (None, 4 * units)
                                  or width not in (None, 4 * units)):
            raise ValueError('LSTMScan: projections of width %s and kernel %s do not hold 4 gates of %d units'
                             % (width, shape_str(kernel.shape), units))
        if weights and (len(weights[0].shape) != 2 or weights[0].shape[0] not in (None, x.shape[2])):
            raise ValueError('LSTMScan: an input kernel of shape %s cannot project inputs of shape %s'
                             % (shape_str(weights[0].shape), shape_str(x.shape)))
        states = (x.shape[0], h0.shape[0] if h0.shape[0] is not None else x.shape[1], units)
        return [(states, kernel.dtype), (states, kernel.dtype), (states[:2] + (kernel.shape[1],), kernel.dtype)]

    def forward(self, *inputs):
        return self._forward(inputs, True)

    def forward_for(self, needed):
        """Without a gradient to compute (inference) the gates are not stacked."""
        if needed[2]:
            return self.forward
        return lambda *inputs: self._forward(inputs, False)

    def _forward(self, inputs, keep_gates):
        x, weights, h0, c0, kernel = _scan_inputs(inputs, self.project)
        mask = inputs[-1] if self.has_mask else None
        if x.shape[0] == 0:
            raise ValueError('rnn: cannot scan over an empty sequence (0 time steps)')
        return lstm_kernels.lstm_forward(self.gate, x, h0, c0, kernel, mask, keep_gates=keep_gates, weights=weights)

    def grad(self, inputs, outputs, output_grads):
        from .elementwise import zeros_like
        ghs, gcs, gacts = output_grads
        n = 6 if self.project else 4
        if gacts is not None:
            return composite_scan_vjp(self, inputs, output_grads)
        hs, cs, acts = outputs
        # A gradient that reaches only the last step (the layer's last output or
        # final state) is passed as that step's (B, u) gradient, not a stack.
        final_gh, final_gc = _last_step_gradient(ghs), _last_step_gradient(gcs)
        ghs = final_gh if final_gh is not None else ghs if ghs is not None else zeros_like(inputs[n - 3])
        gcs = final_gc if final_gc is not None else gcs
        extra = ([gcs] if gcs is not None else []) + list(inputs[n:])
        grads = LSTMScanGrad(gate=self.gate, has_mask=self.has_mask, project=self.project, has_gc=gcs is not None,
                             final_gh=len(ghs.shape) == 2, final_gc=gcs is not None and len(gcs.shape) == 2)(
            *(list(inputs[:n]) + [hs, cs, acts, ghs] + extra))
        return grads + [None] * len(inputs[n:])


def _last_step_gradient(grad):
    """The (B, u) gradient of a stack's last step when `grad` is that alone
    scattered into zeros (`GetItemGrad` at index -1), else None."""
    from .shape import GetItemGrad
    if grad is not None and grad.owner is not None and isinstance(grad.owner.op, GetItemGrad) \
            and grad.owner.op.index == (-1,):
        return grad.owner.inputs[0]
    return None


class LSTMScanGrad(Op):
    """(LSTMScan's inputs but the mask, hs, cs, acts, ghs[, gcs][, mask]) -> the
    gradients of those inputs: the vector-Jacobian product of `LSTMScan` given
    the gradients of its stacked states (`gcs` only with `has_gc`; with
    `final_gh` / `final_gc` the (B, u) gradient of the last step alone). `z`
    (or x) is read only by this op's own gradient, which differentiates the
    equivalent composite scan."""
    fresh_output = True

    @property
    def n_outputs(self):
        return 6 if self.project else 4

    def infer(self, *inputs):
        return [(t.shape, t.dtype) for t in inputs[:self.n_outputs]]

    def forward(self, *inputs):
        n = self.n_outputs
        x, weights, h0, c0, kernel = _scan_inputs(inputs, self.project)
        hs, cs, acts, ghs = inputs[n:n + 4]
        gcs = inputs[n + 4] if self.has_gc else None
        mask = inputs[-1] if self.has_mask else None
        if weights is None:
            return lstm_kernels.lstm_backward(self.gate, h0, c0, kernel, hs, cs, acts, ghs, gcs, mask)
        return lstm_kernels.lstm_backward(self.gate, h0, c0, kernel, hs, cs, acts, ghs, gcs, mask, inputs=x,
                                          weights=weights)

    def grad(self, inputs, outputs, output_grads):
        from ..graph.gradients import vjp
        from .shape import GetItem, GetItemGrad
        n = self.n_outputs
        wrt = list(inputs[:n])
        ghs = inputs[n + 3]
        gcs = inputs[n + 4] if self.has_gc else None
        mask = inputs[-1] if self.has_mask else None
        hs2, cs2, _ = _composite_scan(self.gate, wrt, self.project, mask)
        seeds = []
        for g, final, stack in ((ghs, self.final_gh, hs2), (gcs, self.final_gc, cs2)):
            if g is None:
                seeds.append(None)
            elif final:
                seeds.append(GetItemGrad(index=(-1,))(g, stack))
            else:
                # Behind a full-slice view: the scan's gradient would otherwise read
                # the input of a final-value scatter (g's usual source) instead of g.
                seeds.append(GetItem(index=(('slice', None, None, None),))(g))
        first = vjp([hs2, cs2], seeds, wrt)
        seconds = vjp(first, output_grads, wrt + [ghs] + ([gcs] if gcs is not None else []),
                      zeros_for_unrelated=False)
        grads = seconds[:n] + [None, None, None] + seconds[n:]
        return grads + [None] * (len(inputs) - len(grads))


def _scan_inputs(inputs, project):
    """(sequence, (input kernel, bias) or None, h0, c0, kernel) from an LSTMScan's inputs."""
    n = 6 if project else 4
    return (inputs[0], tuple(inputs[1:3]) if project else None) + tuple(inputs[n - 3:n])


def _composite_scan(gate, parts, project, mask):
    """`LSTMScan` as a generic `Scan` over `LSTMGates`: [hs, cs, acts].
    `parts`: the op's inputs without the mask."""
    from . import scan as scan_ops
    from .elementwise import Switch
    from .linalg import MatMul
    from .shape import ExpandDims
    if project:
        x, input_kernel, bias, h0, c0, kernel = parts
        z = MatMul(transpose_a=False, transpose_b=False)(x, input_kernel) + bias
    else:
        z, h0, c0, kernel = parts
    sequences = [z] + ([mask] if mask is not None else [])

    def step(seq_ph, state_ph):
        h, c = state_ph
        recurrent = MatMul(transpose_a=False, transpose_b=False)(h, kernel)
        h_new, c_new, acts = LSTMGates(gate=gate)(seq_ph[0] + recurrent, c)
        if mask is not None:
            on = ExpandDims(axis=1)(seq_ph[1])
            h_new, c_new = Switch()(on, h_new, h), Switch()(on, c_new, c)
        return [acts], [h_new, c_new], None

    graph, _ = scan_ops.capture_step(step, sequences, [h0, c0])
    outputs, states = scan_ops.scan(graph, sequences, [h0, c0])
    return states[0], states[1], outputs[0]


def composite_scan_vjp(op, inputs, output_grads):
    """Gradient of an LSTMScan through the equivalent composite scan."""
    from ..graph.gradients import vjp
    n = 6 if op.project else 4
    mask = inputs[n] if op.has_mask else None
    outputs = _composite_scan(op.gate, list(inputs[:n]), op.project, mask)
    return vjp(outputs, output_grads, list(inputs[:n]), zeros_for_unrelated=False) + [None] * (len(inputs) - n)
