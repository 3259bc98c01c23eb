"""A symbolic loop over time: the `Scan` op behind `K.rnn`.

The step is a graph built once (`StepGraph`) from placeholders standing for one
time slice of each sequence and for each loop state; everything else it reads
(weights, constants, dropout masks, the learning phase) is an outer tensor that
enters the op as a *non-sequence* input. The forward pass runs the compiled
step graph T times. Its gradient is another `Scan`, running the other way over
the step's vector-Jacobian product, so memory stays linear in T (the states of
every step are kept; nothing else) and gradients of gradients still work.
"""
import sys

from ..graph.compiler import Program
from ..graph.gradients import toposort, vjp
from ..graph.op import Op
from ..graph.tensor import Placeholder, Tensor, _ids, shape_str
from ..kernels import xp
from .linalg import MatMul


class StepGraph(object):
    """One loop iteration as a graph.

    Args:
        seq_inputs: tensors standing for the slice t of each sequence (usually
            placeholders; the backward step also feeds forward intermediates).
        state_inputs: placeholders for each loop state before the step.
        nonseqs: outer tensors the step reads (fed unchanged at every step).
        outputs: per-step outputs, stacked over time by the scan.
        new_states: the states after the step (one per state input).
        stacked: per state, whether the scan returns the value at every step
            (needed to differentiate through it) or only the final one.

    `residuals` (set by `attach_residuals`) are intermediates of the step that
    its vector-Jacobian product reads; the scan stacks them during a training
    forward pass so the backward scan reads them instead of recomputing them.
    """

    def __init__(self, seq_inputs, state_inputs, nonseqs, outputs, new_states, stacked=None):
        if len(new_states) != len(state_inputs):
            raise ValueError('rnn step: %d states given but the step function returned %d'
                             % (len(state_inputs), len(new_states)))
        for before, after in zip(state_inputs, new_states):
            if len(before.shape) != len(after.shape):
                raise ValueError('rnn step: a state of shape %s became shape %s'
                                 % (shape_str(before.shape), shape_str(after.shape)))
        self.seq_inputs = list(seq_inputs)
        self.state_inputs = list(state_inputs)
        self.nonseqs = list(nonseqs)
        self.outputs = list(outputs)
        self.new_states = list(new_states)
        self.stacked = list(stacked) if stacked is not None else [True] * len(new_states)
        self.residuals = []
        self.vjp = None
        self._vjps = {}
        self._programs = {}

    def program(self, with_residuals=True):
        """The compiled step: outputs (+ residuals) + new states from the inputs."""
        key = bool(with_residuals and self.residuals)
        if key not in self._programs:
            inputs = self.seq_inputs + self.state_inputs + self.nonseqs
            outputs = self.outputs + (self.residuals if key else []) + self.new_states
            self._programs[key] = Program(inputs, outputs, [], {})
        return self._programs[key]

    def vjp_for(self, state_sequences):
        """The step's VJP where only the states flagged in `state_sequences` get a
        gradient sequence (cached; the residuals are those of the full VJP)."""
        key = tuple(state_sequences)
        if all(key):
            return self.vjp
        if key not in self._vjps:
            self._vjps[key] = StepVJP(self, self.outputs, key)
        return self._vjps[key]

    def attach_residuals(self):
        """Builds the step's VJP once and records the forward intermediates it reads."""
        self.vjp = StepVJP(self, self.outputs)
        leaves = set(id(t) for t in self.seq_inputs + self.state_inputs + self.nonseqs)
        varying = set(id(t) for t in self.seq_inputs + self.state_inputs)
        forward = set()
        for apply in toposort(self.outputs + self.new_states, stop_at=self.seq_inputs + self.state_inputs
                              + self.nonseqs):
            if any(id(x) in varying for x in apply.inputs):
                varying.update(id(o) for o in apply.outputs)
                forward.update(id(o) for o in apply.outputs)
        views = _view_ops()
        residuals, seen = [], set()
        stack = list(self.vjp.targets)
        while stack:
            t = stack.pop()
            if id(t) in seen or id(t) in leaves:
                continue
            seen.add(id(t))
            if id(t) in forward and not isinstance(t.owner.op, views):
                residuals.append(t)
            elif t.owner is not None:
                # A view (slice, reshape) is recomputed from its stacked source.
                stack.extend(t.owner.inputs)
        self.residuals = sorted(residuals, key=lambda t: t.order)


def _view_ops():
    """Single-input ops that return views: cheaper to redo in the backward step
    than to stack (copy) over time."""
    from ..ops import shape as shape_ops
    return (shape_ops.GetItem, shape_ops.Reshape, shape_ops.Transpose, shape_ops.ExpandDims, shape_ops.Squeeze)


class _ReusedStacks(object):
    """The large stacked outputs of one Scan, reused by its next run once
    nothing else references them.

    Arrays above glibc's mmap threshold come from fresh pages at every
    allocation; zero-filling and faulting them in cost more than the copies
    that fill them (measured 3-10x on ConvLSTM2D's residual stacks). Smaller
    arrays are left to malloc, which already reuses them.
    """
    MIN_BYTES = 32 << 20

    def __init__(self):
        self.arrays = []

    def empty(self, shape, dtype, limit):
        dtype = xp.dtype(dtype)
        if dtype.itemsize * int(xp.prod(shape)) < self.MIN_BYTES:
            return xp.empty(shape, dtype)
        for array in self.arrays:
            # 3 references: the list, `array` and getrefcount's argument; any
            # view, caller or compiled-program slot holding it adds one.
            if array.shape == shape and array.dtype == dtype and sys.getrefcount(array) == 3:
                return array
        array = xp.empty(shape, dtype)
        if len(self.arrays) < limit:
            self.arrays.append(array)
        return array


class StepVJP(object):
    """The vector-Jacobian product of a step, as graph nodes.

    Placeholders stand for the incoming gradients: `gy` (per step output),
    `gs` (per new state, from the stacked states), `carry` (per state, from the
    next step) and `acc` (per accumulated non-sequence, the running weight
    gradient). A weight whose per-step gradient is a single product
    `a_t^T @ b_t` (a recurrent kernel) is not accumulated in the loop: its
    factors are stacked instead (`hoisted`) and multiplied once after it, as
    one large matrix product over all steps.
    """

    def __init__(self, step, outputs, state_sequences=None):
        self.float_seqs = [i for i, t in enumerate(step.seq_inputs) if xp.dtype(t.dtype).kind == 'f']
        float_nonseqs = [i for i, t in enumerate(step.nonseqs) if xp.dtype(t.dtype).kind == 'f']
        if state_sequences is None:
            state_sequences = [True] * len(step.new_states)
        self.gy = [Placeholder(o.shape, o.dtype, name='grad_output_%d' % i) for i, o in enumerate(outputs)]
        # Only states whose stacked values receive a gradient sequence get a `gs` input.
        self.gs = [Placeholder(s.shape, s.dtype, name='grad_state_%d' % i)
                   for i, (s, used) in enumerate(zip(step.new_states, state_sequences)) if used]
        self.carry = [Placeholder(s.shape, s.dtype, name='carry_%d' % i) for i, s in enumerate(step.state_inputs)]
        gs = iter(self.gs)
        cotangents = self.gy + [next(gs) + c if used else c for c, used in zip(self.carry, state_sequences)]
        wanted = ([step.seq_inputs[i] for i in self.float_seqs] + step.state_inputs
                  + [step.nonseqs[i] for i in float_nonseqs])
        grads = vjp(outputs + step.new_states, cotangents, wanted)
        n_seq, n_state = len(self.float_seqs), len(step.state_inputs)
        self.seq_grads = grads[:n_seq]
        self.state_grads = grads[n_seq:n_seq + n_state]
        self.accumulated, self.acc, self.new_acc, self.hoisted = [], [], [], []
        for i, g in zip(float_nonseqs, grads[n_seq + n_state:]):
            op = g.owner.op if g.owner is not None else None
            if (isinstance(op, MatMul) and op.transpose_a and not op.transpose_b
                    and all(len(x.shape) == 2 and x.shape[-1] is not None for x in g.owner.inputs)):
                self.hoisted.append((i, g.owner.inputs[0], g.owner.inputs[1]))
                continue
            acc = Placeholder(step.nonseqs[i].shape, step.nonseqs[i].dtype, name='acc_%d' % i)
            self.accumulated.append(i)
            self.acc.append(acc)
            self.new_acc.append(acc + g)
        self.targets = (self.seq_grads + self.state_grads + self.new_acc
                        + [t for _, a, b in self.hoisted for t in (a, b)])


def capture_step(step, seq_templates, state_templates):
    """Builds a StepGraph by calling `step(seq_placeholders, state_placeholders)`.

    Every tensor the step reads that existed before the call, and every
    placeholder (e.g. the learning phase), is an outer tensor (a non-sequence
    input); other tensors created during the call belong to the step.

    Returns:
        (StepGraph, extra) where `extra` is whatever `step` returned third.
    """
    seq_ph = [Placeholder(t.shape[1:], t.dtype, name='step_input_%d' % i) for i, t in enumerate(seq_templates)]
    state_ph = [Placeholder(t.shape, t.dtype, name='step_state_%d' % i) for i, t in enumerate(state_templates)]
    marker = next(_ids)
    outputs, new_states, extra = step(seq_ph, state_ph)
    own = set(id(p) for p in seq_ph + state_ph)
    nonseqs, seen = [], set()
    stack = list(outputs) + list(new_states)
    while stack:
        t = stack.pop()
        if id(t) in seen or id(t) in own:
            continue
        seen.add(id(t))
        if t.order < marker or isinstance(t, Placeholder):
            nonseqs.append(t)
        elif t.owner is not None:
            stack.extend(t.owner.inputs)
    nonseqs.sort(key=lambda t: t.order)
    graph = StepGraph(seq_ph, state_ph, nonseqs, outputs, new_states)
    graph.attach_residuals()
    return graph, extra


class Scan(Op):
    """Runs `step` (a StepGraph) over axis 0 of the sequences.

    Inputs: sequences (time-major), initial states, non-sequences (in the
    StepGraph's order). Outputs: each per-step output stacked over time, each
    residual stacked over time, then each state stacked over time (or only its
    final value when not `stacked`). With `reverse`, steps run from the last
    time index to the first and results are written at the index of the step
    that produced them. A compiled function that does not need the residuals
    (inference) runs the step without them.
    """
    fresh_output = True

    def __init__(self, step, reverse=False):
        Op.__init__(self, step=step, reverse=bool(reverse))
        self.n_seq = len(step.seq_inputs)
        self.n_state = len(step.state_inputs)
        self.n_out = len(step.outputs)
        self.n_res = len(step.residuals)
        self.n_outputs = self.n_out + self.n_res + self.n_state
        self._stacks = _ReusedStacks()

    def key(self):
        return (type(self), id(self.step), self.reverse)

    def infer(self, *inputs):
        seqs = inputs[:self.n_seq]
        lengths = set(s.shape[0] for s in seqs if s.shape[0] is not None)
        if len(lengths) > 1:
            raise ValueError('rnn: sequences of different lengths: %s' % ', '.join(shape_str(s.shape) for s in seqs))
        steps = lengths.pop() if lengths else None
        results = [((steps,) + tuple(o.shape), o.dtype) for o in self.step.outputs + self.step.residuals]
        for state, stacked in zip(self.step.new_states, self.step.stacked):
            results.append((((steps,) if stacked else ()) + tuple(state.shape), state.dtype))
        return results[0] if len(results) == 1 else results

    def forward(self, *arrays):
        return self._run(arrays, with_residuals=True)

    def forward_for(self, needed):
        """The forward pass computing only what a compiled function needs."""
        if any(needed[self.n_out:self.n_out + self.n_res]):
            return self.forward
        return lambda *arrays: self._run(arrays, with_residuals=False)

    def _run(self, arrays, with_residuals):
        n_seq, n_state = self.n_seq, self.n_state
        seqs = arrays[:n_seq]
        states = list(arrays[n_seq:n_seq + n_state])
        nonseqs = list(arrays[n_seq + n_state:])
        steps = seqs[0].shape[0]
        if steps == 0:
            raise ValueError('rnn: cannot scan over an empty sequence (0 time steps)')
        n_res = self.n_res if with_residuals else 0
        n_per_step = self.n_out + n_res
        program = self.step.program(with_residuals)
        stacks = None
        stacked = self.step.stacked
        for t in (range(steps - 1, -1, -1) if self.reverse else range(steps)):
            result = program.run([s[t] for s in seqs] + states + nonseqs)
            states = result[n_per_step:]
            if stacks is None:
                # Two generations: one may still be held while the next is filled.
                limit = 2 * len(result)
                stacks = [self._stacks.empty((steps,) + xp.shape(v), xp.asarray(v).dtype, limit)
                          for v in result[:n_per_step]]
                stacks += [self._stacks.empty((steps,) + xp.shape(v), xp.asarray(v).dtype, limit) if keep else None
                           for v, keep in zip(states, stacked)]
            for stack, value in zip(stacks, result):
                if stack is not None:
                    stack[t] = value
        finals = [stack if keep else xp.asarray(value)
                  for stack, value, keep in zip(stacks[n_per_step:], states, stacked)]
        results = stacks[:self.n_out] + (stacks[self.n_out:n_per_step] if with_residuals
                                         else [None] * self.n_res) + finals
        return results[0] if len(results) == 1 else tuple(results)

    def grad(self, inputs, outputs, output_grads):
        from ..ops import elementwise as ew
        from ..ops import shape as shape_ops
        step = self.step
        if not all(step.stacked):
            return self._grad_via_stacked(inputs, output_grads)
        n_seq, n_state, n_out, n_res = self.n_seq, self.n_state, self.n_out, self.n_res
        seqs = inputs[:n_seq]
        inits = inputs[n_seq:n_seq + n_state]
        nonseqs = inputs[n_seq + n_state:]
        stacked_states = outputs[n_out + n_res:]
        residual_grads = output_grads[n_out:n_out + n_res]
        # A state read only through its final value (K.rnn's new states) seeds the
        # backward carry instead of feeding a sequence that is zero but at one step.
        final_index = 0 if self.reverse else -1
        state_grads = list(output_grads[n_out + n_res:])
        carry_seeds = [_final_value_gradient(g, final_index) for g in state_grads]
        state_sequences = [g is not None and seed is None for g, seed in zip(state_grads, carry_seeds)]
        if step.vjp is not None and all(g is None for g in residual_grads):
            # Backward steps read the stacked forward intermediates.
            parts, per_step = step.vjp_for(state_sequences), n_out
            residual_inputs, residual_stacks = step.residuals, list(outputs[n_out:n_out + n_res])
        else:
            # Residuals are themselves differentiated (second order): recompute them.
            parts, per_step = StepVJP(step, step.outputs + step.residuals, state_sequences), n_out + n_res
            residual_inputs, residual_stacks = [], []
        g_out = [g if g is not None else ew.zeros_like(outputs[i]) for i, g in enumerate(output_grads[:per_step])]
        g_state = [g for g, used in zip(state_grads, state_sequences) if used]
        # State before each step, in time order.
        prev_states = []
        for init, stack in zip(inits, stacked_states):
            first = shape_ops.ExpandDims(axis=0)(init)
            if self.reverse:
                rest = shape_ops.GetItem(index=(('slice', 1, None, None),))(stack)
                prev_states.append(shape_ops.Concatenate(axis=0)(rest, first))
            else:
                rest = shape_ops.GetItem(index=(('slice', None, -1, None),))(stack)
                prev_states.append(shape_ops.Concatenate(axis=0)(first, rest))
        back_seq_inputs = step.seq_inputs + step.state_inputs + parts.gy + parts.gs + residual_inputs
        outer_seqs = list(seqs) + prev_states + g_out + g_state + residual_stacks
        # Factors of hoisted weight gradients: reuse a sequence the backward scan
        # already reads, else stack them as extra per-step outputs.
        factor_outputs, factor_sources = [], []
        for _, a, b in parts.hoisted:
            for factor in (a, b):
                position = next((k for k, t in enumerate(back_seq_inputs) if t is factor), None)
                if position is not None:
                    factor_sources.append(('seq', position))
                else:
                    factor_sources.append(('out', len(parts.seq_grads) + len(factor_outputs)))
                    factor_outputs.append(factor)
        back = StepGraph(
            seq_inputs=back_seq_inputs,
            state_inputs=parts.carry + parts.acc,
            nonseqs=list(step.nonseqs),
            outputs=parts.seq_grads + factor_outputs,
            new_states=parts.state_grads + parts.new_acc,
            stacked=[False] * (n_state + len(parts.acc)))
        carry_init = [seed if seed is not None else ew.zeros_like(init) for seed, init in zip(carry_seeds, inits)]
        acc_init = [ew.zeros_like(nonseqs[i]) for i in parts.accumulated]
        results = Scan(back, reverse=not self.reverse)(*(outer_seqs + carry_init + acc_init + list(nonseqs)))
        if not isinstance(results, list):
            results = [results]
        n_float, n_back_out = len(parts.float_seqs), len(back.outputs)
        seq_grad_stacks = results[:n_float]
        carry_finals = results[n_back_out:n_back_out + n_state]
        acc_finals = results[n_back_out + n_state:]
        seq_grads = [None] * n_seq
        for i, g in zip(parts.float_seqs, seq_grad_stacks):
            seq_grads[i] = g
        init_grads = list(carry_finals)
        nonseq_grads = [None] * len(nonseqs)
        for i, g in zip(parts.accumulated, acc_finals):
            nonseq_grads[i] = g
        stacks = [outer_seqs[k] if kind == 'seq' else results[k] for kind, k in factor_sources]
        for n, (i, a, b) in enumerate(parts.hoisted):
            a_all = shape_ops.Reshape(shape=(-1, a.shape[-1]))(stacks[2 * n])
            b_all = shape_ops.Reshape(shape=(-1, b.shape[-1]))(stacks[2 * n + 1])
            nonseq_grads[i] = MatMul(transpose_a=True, transpose_b=False)(a_all, b_all)
        return seq_grads + init_grads + nonseq_grads

    def _grad_via_stacked(self, inputs, output_grads):
        """Gradient of a scan that keeps only the final value of some states (the
        accumulators of a backward scan): rerun it keeping every state, and send
        each final-state gradient to the last step's slot."""
        from ..ops import shape as shape_ops
        step = self.step
        full_step = StepGraph(step.seq_inputs, step.state_inputs, step.nonseqs, step.outputs, step.new_states)
        full_step._programs = step._programs
        full = Scan(full_step, reverse=self.reverse)
        full_outputs = full(*inputs)
        full_outputs = full_outputs if isinstance(full_outputs, list) else [full_outputs]
        n_out = len(step.outputs)
        last = 0 if self.reverse else -1
        grads = list(output_grads)
        for j, keep in enumerate(step.stacked):
            g = grads[n_out + j]
            if not keep and g is not None:
                grads[n_out + j] = shape_ops.GetItemGrad(index=(last,))(g, full_outputs[n_out + j])
        return full.grad(inputs, full_outputs, grads)


def _final_value_gradient(grad, final_index):
    """The gradient of a state's final value when `grad` (the gradient of its
    stacked values) is that alone scattered into zeros, else None."""
    if grad is None or grad.owner is None:
        return None
    from ..ops.shape import GetItemGrad
    op = grad.owner.op
    if isinstance(op, GetItemGrad) and op.index == (final_index,):
        return grad.owner.inputs[0]
    return None


def scan(step_graph, sequences, initial_states, reverse=False):
    """Applies a Scan; returns (stacked outputs, stacked-or-final states)."""
    for s in sequences:
        if not isinstance(s, Tensor):
            raise TypeError('scan: sequences must be tensors')
    results = Scan(step_graph, reverse=reverse)(*(list(sequences) + list(initial_states) + step_graph.nonseqs))
    if not isinstance(results, list):
        results = [results]
    n_out, n_res = len(step_graph.outputs), len(step_graph.residuals)
    return results[:n_out], results[n_out + n_res:]

