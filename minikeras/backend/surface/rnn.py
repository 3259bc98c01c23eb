"""K surface, part 8: `rnn`, the symbolic scan over time."""
from ..ops import scan as scan_ops
from ..graph.tensor import shape_str
from ..ops import elementwise as ew
from ..ops import recurrent as recurrent_ops
from ..ops import shape as shape_ops

__all__ = ['rnn', 'lstm_gates', 'lstm_scan', 'gru_gates', 'map_fn', 'foldl', 'foldr']


def _time_major(x):
    perm = (1, 0) + tuple(range(2, len(x.shape)))
    return shape_ops.Transpose(perm=perm)(x)


def _masked(mask_t, new, old):
    """`new` where the step's mask is on, else `old` (mask_t: (batch,) bool)."""
    cond = mask_t
    for axis in range(1, len(new.shape)):
        cond = shape_ops.ExpandDims(axis=axis)(cond)
    return ew.Switch()(cond, new, old)


def _time_major_sequences(inputs, mask, go_backwards):
    """(inputs, mask) as time-major sequences in processing order; the mask
    (batch, time) or (batch, time, 1) becomes (time, batch) bool, or None."""
    seq = _time_major(inputs)
    mask_seq = None
    if mask is not None:
        if mask.dtype != 'bool':
            mask = ew.NotEqual()(mask, ew.as_tensor(0, like=mask))
        if len(mask.shape) == 3:
            mask = shape_ops.Squeeze(axis=2)(mask)
        mask_seq = shape_ops.Transpose(perm=(1, 0))(mask)
    if go_backwards:
        seq = shape_ops.Reverse(axes=(0,))(seq)
        if mask_seq is not None:
            mask_seq = shape_ops.Reverse(axes=(0,))(mask_seq)
    return seq, mask_seq


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None,
        unroll=False, input_length=None):
    """Iterates `step_function` over the time axis (axis 1) of `inputs`.

    The step graph is built once and run by a `Scan` op; its gradient is a
    reverse scan (see ops/scan.py), so cost and memory grow linearly with the
    number of steps. `unroll=True` instead builds the step graph once per time
    step (for short sequences of known length).

    Args:
        step_function: `(input_t, states + constants) -> (output_t, new_states)`,
            with input_t of shape (batch, ...) and states a list of tensors.
        inputs: tensor of shape (batch, time, ...).
        initial_states: list of tensors (batch, ...).
        go_backwards: iterate from the last time step to the first (outputs are
            then in processing order, as Keras).
        mask: optional (batch, time) tensor; where it is 0 the step keeps the
            previous states and outputs the previous first state.
        constants: list of tensors passed to every step after the states.
        unroll: build a Python-unrolled graph instead of a scan.
        input_length: unused (the length is read from the data).

    Returns:
        (last_output (batch, ...), outputs (batch, time, ...), new_states list).
    """
    if len(inputs.shape) < 3:
        raise ValueError('rnn: inputs must have rank >= 3 (batch, time, ...), got shape %s'
                         % shape_str(inputs.shape))
    constants = list(constants or [])
    initial_states = list(initial_states)
    seq, mask_seq = _time_major_sequences(inputs, mask, go_backwards)

    def one_step(x_t, mask_t, states):
        output, new_states = step_function(x_t, list(states) + constants)
        new_states = list(new_states)
        uses_lp = getattr(output, '_uses_learning_phase', False)
        if mask_t is not None:
            output = _masked(mask_t, output, states[0] if states else ew.zeros_like(output))
            new_states = [_masked(mask_t, n, o) for n, o in zip(new_states, states)]
        return output, new_states, uses_lp

    if unroll:
        steps = seq.shape[0]
        if steps is None:
            raise ValueError('rnn: unroll=True needs a known number of time steps, got inputs of shape %s'
                             % shape_str(inputs.shape))
        states, outputs, uses_lp = initial_states, [], False
        for t in range(steps):
            x_t = shape_ops.GetItem(index=(t,))(seq)
            m_t = shape_ops.GetItem(index=(t,))(mask_seq) if mask_seq is not None else None
            output, states, lp = one_step(x_t, m_t, states)
            outputs.append(shape_ops.ExpandDims(axis=1)(output))
            uses_lp = uses_lp or lp
        stacked = shape_ops.Concatenate(axis=1)(*outputs) if len(outputs) > 1 else outputs[0]
        last = shape_ops.GetItem(index=(('slice', None, None, None), -1))(stacked)
        if uses_lp:
            last._uses_learning_phase = True
            stacked._uses_learning_phase = True
        return last, stacked, states

    sequences = [seq] + ([mask_seq] if mask_seq is not None else [])

    def step(seq_ph, state_ph):
        output, new_states, uses_lp = one_step(seq_ph[0], seq_ph[1] if len(seq_ph) > 1 else None, state_ph)
        return [output], new_states, uses_lp

    graph, uses_lp = scan_ops.capture_step(step, sequences, initial_states)
    outputs, state_stacks = scan_ops.scan(graph, sequences, initial_states)
    stacked = _time_major(outputs[0])
    last = shape_ops.GetItem(index=(-1,))(outputs[0])
    new_states = [shape_ops.GetItem(index=(-1,))(s) for s in state_stacks]
    if uses_lp:
        last._uses_learning_phase = True
        stacked._uses_learning_phase = True
    return last, stacked, new_states


def lstm_gates(z, c_prev, gate='sigmoid'):
    """The elementwise part of an LSTM step as one fused op (a minikeras extension
    of the Keras backend; layers fall back to plain K ops without it).

    Args:
        z: gate pre-activations (batch, 4 * units), gates ordered i, f, c~, o.
        c_prev: previous cell state (batch, units).
        gate: gate activation: 'sigmoid', 'hard_sigmoid' or 'clip' (clip(z, 0, 1)).

    Returns:
        (h, c): the new output/hidden state and cell state, with tanh as the cell
        activation.
    """
    if gate not in recurrent_ops.GATES:
        raise ValueError('lstm_gates: gate must be one of %s, got %r' % (recurrent_ops.GATES, gate))
    h, c, _ = recurrent_ops.LSTMGates(gate=gate)(z, c_prev)
    return h, c


def lstm_scan(z, initial_states, recurrent_kernel, gate='sigmoid', go_backwards=False, mask=None, kernel=None,
              bias=None):
    """A whole LSTM recurrence as one op (a minikeras extension of the Keras
    backend): what `rnn` computes with the step
    `h, c = lstm_gates(z_t + dot(h, recurrent_kernel), c, gate)`, with a
    hand-written loop (one matrix product and a few in-place numpy calls per
    step, batch rows split over the kernel threads) and its gradient.

    Args:
        z: input projections with bias (batch, time, 4 * units), gates ordered
            i, f, c~, o; with `kernel`, the inputs (batch, time, input_dim)
            projected to them as `dot(z, kernel) + bias` inside the op (beside
            the loop, on a second thread when there is one).
        initial_states: [h0, c0], each (batch, units).
        recurrent_kernel: (units, 4 * units).
        gate: 'sigmoid', 'hard_sigmoid' or 'clip'.
        go_backwards, mask: as for `rnn`.
        kernel: optional input kernel (input_dim, 4 * units).
        bias: optional bias (4 * units,), only with `kernel` (zeros when None).

    Returns:
        (last_output, outputs (batch, time, units), [h, c]) as `rnn` returns them.
    """
    if gate not in recurrent_ops.GATES:
        raise ValueError('lstm_scan: gate must be one of %s, got %r' % (recurrent_ops.GATES, gate))
    if len(z.shape) != 3:
        raise ValueError('lstm_scan: projections must have shape (batch, time, 4 * units), got %s'
                         % shape_str(z.shape))
    if len(initial_states) != 2:
        raise ValueError('lstm_scan: expected the initial states [h, c], got %d tensors' % len(initial_states))
    if bias is not None and kernel is None:
        raise ValueError('lstm_scan: a bias is added by the op only with an input `kernel`')
    seq, mask_seq = _time_major_sequences(z, mask, go_backwards)
    weights = []
    if kernel is not None:
        weights = [kernel, bias if bias is not None else ew.zeros_like(kernel[0])]
    extra = [mask_seq] if mask_seq is not None else []
    hs, cs, _ = recurrent_ops.LSTMScan(gate=gate, has_mask=mask_seq is not None, project=kernel is not None)(
        seq, *(weights + [initial_states[0], initial_states[1], recurrent_kernel] + extra))
    last = shape_ops.GetItem(index=(-1,))(hs)
    return last, _time_major(hs), [last, shape_ops.GetItem(index=(-1,))(cs)]


def gru_gates(x, inner, h_prev, gate='sigmoid'):
    """The elementwise part of a GRU step (`reset_after=True`) as one fused op
    (a minikeras extension of the Keras backend, like `lstm_gates`).

    Args:
        x: input projection with bias (batch, 3 * units), gates ordered z, r, h.
        inner: recurrent projection `h_prev @ U` with its bias (batch, 3 * units).
        h_prev: previous state (batch, units).
        gate: 'sigmoid', 'hard_sigmoid' or 'clip'.

    Returns:
        The new state `hh + z * (h_prev - hh)` with `hh = tanh(x_h + r * inner_h)`.
    """
    if gate not in recurrent_ops.GATES:
        raise ValueError('gru_gates: gate must be one of %s, got %r' % (recurrent_ops.GATES, gate))
    h, _ = recurrent_ops.GRUGates(gate=gate)(x, inner, h_prev)
    return h


def map_fn(fn, elems, name=None, dtype=None):
    """`fn` applied to each slice `elems[i]` along axis 0, results stacked.

    Runs as a scan (the graph of `fn` is built once), so it is differentiable.
    `name` and `dtype` are accepted for Keras 2 compatibility; the dtype is
    that of `fn`'s result.
    """
    def step(seq_ph, state_ph):
        return [fn(seq_ph[0])], [], None

    graph, _ = scan_ops.capture_step(step, [elems], [])
    outputs, _ = scan_ops.scan(graph, [elems], [])
    return outputs[0]


def _fold(fn, elems, initializer, reverse):
    if initializer is None:
        first = shape_ops.GetItem(index=(-1 if reverse else 0,))(elems)
        rest = shape_ops.GetItem(index=(('slice', None, -1, None) if reverse else ('slice', 1, None, None),))(elems)
        if elems.shape[0] == 1:
            return first
        elems, initializer = rest, first
    initializer = ew.as_tensor(initializer, like=elems)

    def step(seq_ph, state_ph):
        return [], [fn(state_ph[0], seq_ph[0])], None

    graph, _ = scan_ops.capture_step(step, [elems], [initializer])
    _, states = scan_ops.scan(graph, [elems], [initializer], reverse=reverse)
    return shape_ops.GetItem(index=(0 if reverse else -1,))(states[0])


def foldl(fn, elems, initializer=None, name=None):
    """Reduces `elems` along axis 0 from the first slice: `acc = fn(acc, x)`.

    Without `initializer` the first slice starts the accumulator.
    """
    return _fold(fn, elems, initializer, reverse=False)


def foldr(fn, elems, initializer=None, name=None):
    """Reduces `elems` along axis 0 from the last slice: `acc = fn(acc, x)`.

    Without `initializer` the last slice starts the accumulator.
    """
    return _fold(fn, elems, initializer, reverse=True)
