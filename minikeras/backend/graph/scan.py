"""A symbolic loop over time: the `Scan` op behind `K.rnn`.

The step is a graph built once (`StepGraph`) from placeholders standing for one
time slice of each sequence and for each loop state; everything else it reads
(weights, constants, dropout masks, the learning phase) is an outer tensor that
enters the op as a *non-sequence* input. The forward pass runs the compiled
step graph T times. Its gradient is another `Scan`, running the other way over
the step's vector-Jacobian product, so memory stays linear in T (the states of
every step are kept; nothing else) and gradients of gradients still work.
"""
import numpy as np

from .compiler import Program
from .gradients import vjp
from .op import Op
from .tensor import Placeholder, Tensor, _ids, shape_str


class StepGraph(object):
    """One loop iteration as a graph.

    Args:
        seq_inputs: placeholders for the slice t of each sequence.
        state_inputs: placeholders for each loop state before the step.
        nonseqs: outer tensors the step reads (fed unchanged at every step).
        outputs: per-step outputs, stacked over time by the scan.
        new_states: the states after the step (one per state input).
        stacked: per state, whether the scan returns the value at every step
            (needed to differentiate through it) or only the final one.
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
        self._program = None

    @property
    def program(self):
        if self._program is None:
            inputs = self.seq_inputs + self.state_inputs + self.nonseqs
            self._program = Program(inputs, self.outputs + self.new_states, [], {})
        return self._program


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
    return StepGraph(seq_ph, state_ph, nonseqs, outputs, new_states), extra


class Scan(Op):
    """Runs `step` (a StepGraph) over axis 0 of the sequences.

    Inputs: sequences (time-major), initial states, non-sequences (in the
    StepGraph's order). Outputs: each per-step output stacked over time, then
    each state stacked over time (or only its final value when not `stacked`).
    With `reverse`, steps run from the last time index to the first and results
    are written at the index of the step that produced them.
    """

    def __init__(self, step, reverse=False):
        Op.__init__(self, step=step, reverse=bool(reverse))
        self.n_seq = len(step.seq_inputs)
        self.n_state = len(step.state_inputs)
        self.n_outputs = len(step.outputs) + self.n_state

    def key(self):
        return (type(self), id(self.step), self.reverse)

    def infer(self, *inputs):
        seqs = inputs[:self.n_seq]
        lengths = set(s.shape[0] for s in seqs if s.shape[0] is not None)
        if len(lengths) > 1:
            raise ValueError('rnn: sequences of different lengths: %s' % ', '.join(shape_str(s.shape) for s in seqs))
        steps = lengths.pop() if lengths else None
        results = [((steps,) + tuple(o.shape), o.dtype) for o in self.step.outputs]
        for state, stacked in zip(self.step.new_states, self.step.stacked):
            results.append((((steps,) if stacked else ()) + tuple(state.shape), state.dtype))
        return results

    def forward(self, *arrays):
        n_seq, n_state = self.n_seq, self.n_state
        seqs = arrays[:n_seq]
        states = list(arrays[n_seq:n_seq + n_state])
        nonseqs = list(arrays[n_seq + n_state:])
        steps = seqs[0].shape[0]
        if steps == 0:
            raise ValueError('rnn: cannot scan over an empty sequence (0 time steps)')
        n_out = len(self.step.outputs)
        program = self.step.program
        stacks = None
        stacked = self.step.stacked
        for t in (range(steps - 1, -1, -1) if self.reverse else range(steps)):
            result = program.run([s[t] for s in seqs] + states + nonseqs)
            states = result[n_out:]
            if stacks is None:
                stacks = [np.empty((steps,) + np.shape(v), dtype=np.asarray(v).dtype) for v in result[:n_out]]
                stacks += [np.empty((steps,) + np.shape(v), dtype=np.asarray(v).dtype) if keep else None
                           for v, keep in zip(states, stacked)]
            for stack, value in zip(stacks, result):
                if stack is not None:
                    stack[t] = value
        finals = [stack if keep else np.asarray(value)
                  for stack, value, keep in zip(stacks[n_out:], states, stacked)]
        results = stacks[:n_out] + finals
        return results[0] if len(results) == 1 else tuple(results)

    def grad(self, inputs, outputs, output_grads):
        from ..ops import elementwise as ew
        from ..ops import shape as shape_ops
        step = self.step
        if not all(step.stacked):
            return self._grad_via_stacked(inputs, output_grads)
        n_seq, n_state = self.n_seq, self.n_state
        seqs = inputs[:n_seq]
        inits = inputs[n_seq:n_seq + n_state]
        nonseqs = inputs[n_seq + n_state:]
        n_out = len(step.outputs)
        stacked_states = outputs[n_out:]

        def zeros_for(i):
            return ew.zeros_like(outputs[i])

        g_out = [g if g is not None else zeros_for(i) for i, g in enumerate(output_grads[:n_out])]
        g_state = [g if g is not None else zeros_for(n_out + j) for j, g in enumerate(output_grads[n_out:])]
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

        float_nonseqs = [i for i, t in enumerate(nonseqs) if np.dtype(t.dtype).kind == 'f']
        float_seqs = [i for i, t in enumerate(seqs) if np.dtype(t.dtype).kind == 'f']
        gy_ph = [Placeholder(o.shape, o.dtype, name='grad_output_%d' % i) for i, o in enumerate(step.outputs)]
        gs_ph = [Placeholder(s.shape, s.dtype, name='grad_state_%d' % i) for i, s in enumerate(step.new_states)]
        carry_ph = [Placeholder(s.shape, s.dtype, name='carry_%d' % i) for i, s in enumerate(step.state_inputs)]
        acc_ph = [Placeholder(nonseqs[i].shape, nonseqs[i].dtype, name='acc_%d' % i) for i in float_nonseqs]
        cotangents = gy_ph + [g + c for g, c in zip(gs_ph, carry_ph)]
        wanted = ([step.seq_inputs[i] for i in float_seqs] + step.state_inputs
                  + [step.nonseqs[i] for i in float_nonseqs])
        grads = vjp(step.outputs + step.new_states, cotangents, wanted)
        g_seq = grads[:len(float_seqs)]
        g_prev = grads[len(float_seqs):len(float_seqs) + n_state]
        g_nonseq = grads[len(float_seqs) + n_state:]
        back = StepGraph(
            seq_inputs=list(step.seq_inputs) + list(step.state_inputs) + gy_ph + gs_ph,
            state_inputs=carry_ph + acc_ph,
            nonseqs=list(step.nonseqs),
            outputs=g_seq,
            new_states=g_prev + [a + g for a, g in zip(acc_ph, g_nonseq)],
            stacked=[True] * n_state + [False] * len(acc_ph))
        carry_init = [ew.zeros_like(init) for init in inits]
        acc_init = [ew.zeros_like(nonseqs[i]) for i in float_nonseqs]
        results = Scan(back, reverse=not self.reverse)(
            *(list(seqs) + prev_states + g_out + g_state + carry_init + acc_init + list(nonseqs)))
        if not isinstance(results, list):
            results = [results]
        seq_grad_stacks = results[:len(float_seqs)]
        carry_stacks = results[len(float_seqs):len(float_seqs) + n_state]
        acc_finals = results[len(float_seqs) + n_state:]
        last = 0 if not self.reverse else -1
        seq_grads = [None] * n_seq
        for i, g in zip(float_seqs, seq_grad_stacks):
            seq_grads[i] = g
        init_grads = [shape_ops.GetItem(index=(last,))(c) for c in carry_stacks]
        nonseq_grads = [None] * len(nonseqs)
        for i, g in zip(float_nonseqs, acc_finals):
            nonseq_grads[i] = g
        return seq_grads + init_grads + nonseq_grads


    def _grad_via_stacked(self, inputs, output_grads):
        """Gradient of a scan that keeps only the final value of some states (the
        accumulators of a backward scan): rerun it keeping every state, and send
        each final-state gradient to the last step's slot."""
        from ..ops import shape as shape_ops
        step = self.step
        full_step = StepGraph(step.seq_inputs, step.state_inputs, step.nonseqs, step.outputs, step.new_states)
        full_step._program = step._program
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


def scan(step_graph, sequences, initial_states, reverse=False):
    """Applies a Scan; returns (stacked outputs, stacked-or-final states)."""
    for s in sequences:
        if not isinstance(s, Tensor):
            raise TypeError('scan: sequences must be tensors')
    results = Scan(step_graph, reverse=reverse)(*(list(sequences) + list(initial_states) + step_graph.nonseqs))
    if not isinstance(results, list):
        results = [results]
    n_out = len(step_graph.outputs)
    return results[:n_out], results[n_out:]

