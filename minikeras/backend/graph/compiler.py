"""Compiles a graph into a flat program of numpy calls and runs it.

`Function(inputs, outputs, updates)` is `K.function`: it is compiled once
(pruned to the needed subgraph, constants folded, duplicate subexpressions
merged, switches on constant conditions resolved) into a list of steps; each
call then only executes those steps. Intermediates are released as soon as
their last consumer has run, and an elementwise op may compute into a buffer
nothing reads afterwards (a dead intermediate, or the old value of a variable
the program updates). All outputs and update values are computed before any
variable is assigned, so updates are simultaneous.

The learning phase is specialised: the program is compiled once per value fed
for it, so `K.in_train_phase` branches cost nothing at run time.
"""
from ..kernels.xp import xp as np
from .gradients import toposort
from .hooks import hook
from .op import NOT_CONSTANT, shapes_compatible
from .segments import Segment, plan_segments, sink_elementwise
from .tensor import Constant, Placeholder, Tensor, Variable, shape_str


class GraphExecutionError(RuntimeError):
    """Raised when an op fails at run time; names the op, shapes and origin."""


def _as_update_pair(update):
    if isinstance(update, (tuple, list)) and len(update) == 2:
        variable, value = update
    elif isinstance(update, Tensor) and update.owner is not None and update.owner.op.assigns:
        variable, value = update.owner.inputs
    else:
        raise TypeError('An update must be K.update(...) or a (variable, new_value) pair, got %r' % (update,))
    if not isinstance(variable, Variable):
        raise TypeError('Only variables can be updated; got %r' % (variable,))
    if not isinstance(value, Tensor):
        value = hook('constant')(value, dtype=variable.dtype)
    return variable, value


def normalize_updates(updates):
    """Flattens nested update lists into (variable, value) pairs, later ones winning."""
    pairs = []

    def visit(u):
        if isinstance(u, (list, tuple)) and not (len(u) == 2 and isinstance(u[0], Variable)):
            for item in u:
                visit(item)
        else:
            pairs.append(_as_update_pair(u))

    visit(updates or [])
    return pairs


class Program(object):
    """A compiled flat schedule for fixed fed tensors and fixed folded constants."""

    def __init__(self, inputs, outputs, update_pairs, substitutions):
        self.inputs = inputs
        targets = list(outputs) + [value for _, value in update_pairs]
        # Leaves the program reads.
        slot_of = {}
        self.template = []
        kinds = []  # 'const', 'input', 'var', 'computed'
        self.var_slots = []
        self.input_slots = []
        producers = []  # (apply, in_slots, out_slots)

        def new_slot(kind, value=None):
            self.template.append(value)
            kinds.append(kind)
            return len(self.template) - 1

        for i, x in enumerate(inputs):
            if id(x) in slot_of:
                raise ValueError('K.function: input %d (%r) is given twice' % (i, x))
            slot_of[id(x)] = new_slot('input')
            self.input_slots.append(slot_of[id(x)])
        for tensor, value in substitutions.items():
            slot_of[tensor] = new_slot('const', value)

        cse = {}
        order = toposort(targets, stop_at=inputs)

        def leaf_slot(t):
            if id(t) in slot_of:
                return slot_of[id(t)]
            if isinstance(t, Variable):
                s = new_slot('var')
                self.var_slots.append((s, t))
            elif isinstance(t, Constant):
                s = new_slot('const', t.value)
            elif isinstance(t, Placeholder):
                if t.default is None:
                    raise ValueError('K.function: placeholder %r is needed by the outputs but was not '
                                     'given as an input' % (t.name or t,))
                s = new_slot('const', np.asarray(t.default, dtype=t.dtype))
            else:
                raise ValueError('K.function: tensor %r has no producer and is not an input' % (t,))
            slot_of[id(t)] = s
            return s

        for t in targets:
            if t.owner is None:
                leaf_slot(t)
        for apply in order:
            if all(id(o) in slot_of for o in apply.outputs):
                continue  # substituted
            in_slots = [slot_of[id(x)] if id(x) in slot_of else leaf_slot(x) for x in apply.inputs]
            op = apply.op
            constant_values = [self.template[s] if kinds[s] == 'const' else NOT_CONSTANT for s in in_slots]
            passthrough = op.simplify(constant_values)
            if passthrough is not None:
                slot_of[id(apply.outputs[0])] = in_slots[passthrough]
                continue
            if op.deterministic and all(v is not NOT_CONSTANT for v in constant_values):
                values = self._run_op(apply, op, constant_values)
                for o, v in zip(apply.outputs, values):
                    slot_of[id(o)] = new_slot('const', v)
                continue
            key = op.key()
            if key is not None:
                key = (key, tuple(in_slots))
                if key in cse:
                    for o, s in zip(apply.outputs, cse[key]):
                        slot_of[id(o)] = s
                    continue
            out_slots = [new_slot('computed') for _ in apply.outputs]
            for o, s in zip(apply.outputs, out_slots):
                slot_of[id(o)] = s
            if key is not None:
                cse[key] = out_slots
            producers.append((apply, in_slots, out_slots))

        self.output_slots = [slot_of[id(t)] for t in outputs]
        self.update_slots = [(var, slot_of[id(value)]) for var, value in update_pairs]
        target_slots = self.output_slots + [s for _, s in self.update_slots]

        # Keep only producers needed for the targets (switches may have cut branches).
        needed = set(target_slots)
        kept = []
        for apply, in_slots, out_slots in reversed(producers):
            if any(s in needed for s in out_slots):
                needed.update(in_slots)
                kept.append((apply, in_slots, out_slots))
        kept.reverse()
        kept = sink_elementwise(kept)
        self.var_slots = [(s, v) for s, v in self.var_slots if s in needed]

        last_read = {}
        for step, (_, in_slots, _) in enumerate(kept):
            for s in in_slots:
                last_read[s] = step
        last_use = {s: step for s, step in last_read.items() if kinds[s] == 'computed'}
        keep_alive = set(target_slots)
        frees = [[] for _ in kept]
        for s, step in last_use.items():
            if s not in keep_alive:
                frees[step].append(s)
        var_slot_of = {id(v): s for s, v in self.var_slots}
        updated = set(var_slot_of[id(var)] for var, _ in update_pairs if id(var) in var_slot_of)
        donors, group_of = _plan_buffer_reuse(kept, kinds, last_read, keep_alive, updated)
        self.update_copies = _updates_needing_copies(self.update_slots, kinds, group_of, var_slot_of)
        steps = []
        for (apply, in_slots, out_slots), free, donor in zip(kept, frees, donors):
            out = out_slots[0] if apply.op.n_outputs == 1 else tuple(out_slots)
            forward = apply.op.forward if donor is None else _inplace_forward(apply.op, donor)
            forward_for = getattr(apply.op, 'forward_for', None)
            if forward_for is not None:
                forward = forward_for([s in needed for s in out_slots])
            steps.append((forward, tuple(in_slots), out, tuple(free), apply))
        # Runs of elementwise steps run block by block on all kernel threads (graph/segments.py);
        # a segment is one step whose in_slots are None.
        views = set(s for apply, _, out_slots in kept
                    if not (apply.op.fresh_output or apply.op.ufunc is not None or apply.op.same_layout)
                    for s in out_slots)
        for members in reversed(plan_segments(kept, donors, group_of, views.__contains__)):
            segment = Segment([(steps[i][0], steps[i][1], steps[i][2], steps[i][4], donors[i]) for i in members],
                              [s for i in members for s in steps[i][3]], _execution_error)
            steps[members[0]:members[-1] + 1] = [(segment.run, None, None, segment.free, None)]
        self.steps = steps
        # Outputs that alias stored state are copied so callers cannot mutate it.
        self.copy_outputs = [kinds[s] in ('const', 'var', 'input') for s in self.output_slots]

    @property
    def applies(self):
        """The op applications the program runs, in order (segments expanded)."""
        result = []
        for forward, in_slots, _, _, apply in self.steps:
            if in_slots is None:
                result.extend(member[3] for member in forward.__self__.members)
            else:
                result.append(apply)
        return result

    @staticmethod
    def _run_op(apply, op, values):
        try:
            result = op.forward(*values)
        except Exception as e:
            raise _execution_error(apply, values, e)
        return [result] if op.n_outputs == 1 else list(result)

    def run(self, values):
        env = list(self.template)
        for s, var in self.var_slots:
            env[s] = var.value
        for s, v in zip(self.input_slots, values):
            env[s] = v
        for forward, in_slots, out, free, apply in self.steps:
            if in_slots is None:
                forward(env)
                continue
            args = [env[s] for s in in_slots]
            try:
                result = forward(*args)
            except Exception as e:
                raise _execution_error(apply, args, e)
            if type(out) is int:
                env[out] = result
            else:
                for s, r in zip(out, result):
                    env[s] = r
            for s in free:
                env[s] = None
        outputs = [np.array(env[s]) if copy else env[s]
                   for s, copy in zip(self.output_slots, self.copy_outputs)]
        new_values = [(var, env[s]) for var, s in self.update_slots]
        for (var, value), copy in zip(new_values, self.update_copies):
            if copy:
                value = np.array(value, dtype=var.value.dtype)
            elif type(value) is not np.ndarray or value.dtype != var.value.dtype:
                value = np.asarray(value, dtype=var.value.dtype)
            if value.shape != var.value.shape:
                raise ValueError('Update of variable %r: new value has shape %s, the variable has shape %s'
                                 % (var.name, value.shape, var.value.shape))
            var.value = value
        return outputs


def _plan_buffer_reuse(steps, kinds, last_read, targets, updated_vars):
    """Chooses, per step, an input buffer the op may overwrite (or None).

    Values that may share memory (an op without `fresh_output` may return a
    view of its inputs) form one alias group. An input can be donated when it
    is computed, or is a variable this program updates (its old value is dead
    once read for the last time), and no value of its group is a target, a
    leaf, or read after this step or by another input of the same step.

    Returns:
        (donors, group_of): the donated input position per step (or None), and
        a function mapping a slot to its final alias-group root.
    """
    parent = {}

    def find(s):
        while parent.get(s, s) != s:
            s = parent[s]
        return s

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
            group_last[rb] = max(group_last.get(ra, -1), group_last.get(rb, -1))
            pinned[rb] = pinned.get(ra, False) or pinned.get(rb, False)

    group_last, pinned = {}, {}
    for s, step in last_read.items():
        group_last[s] = step
    for s in range(len(kinds)):
        donatable = kinds[s] == 'computed' or s in updated_vars
        pinned[s] = not donatable or s in targets
    for apply, in_slots, out_slots in steps:
        op = apply.op
        if not (op.fresh_output or op.ufunc is not None):
            aliased = in_slots if op.aliased_inputs is None else [in_slots[k] for k in op.aliased_inputs]
            for o in out_slots:
                for i in aliased:
                    union(o, i)
    donors = []
    for step, (apply, in_slots, out_slots) in enumerate(steps):
        donor = None
        if apply.op.forward_inplace is not None and len(out_slots) == 1:
            out_shape = apply.outputs[0].shape
            for position, s in enumerate(in_slots):
                root = find(s)
                if pinned[root] or group_last.get(root, -1) != step:
                    continue
                if not _may_hold(apply.inputs[position].shape, out_shape):
                    continue
                if any(find(other) == root and other != s for other in in_slots):
                    continue
                donor = position
                union(out_slots[0], s)
                break
        donors.append(donor)
    return donors, find


def _may_hold(donor_shape, out_shape):
    """False when static shapes show that a donor buffer cannot hold the output."""
    if donor_shape is None or out_shape is None:
        return True
    return shapes_compatible(donor_shape, out_shape)


def _updates_needing_copies(update_slots, kinds, group_of, var_slot_of):
    """Flags the update values that may share memory with a leaf other than
    their own variable, or with another update value: those are copied before
    assignment so no two variables ever share a buffer."""
    leaf_groups = {}
    for s, kind in enumerate(kinds):
        if kind != 'computed':
            leaf_groups.setdefault(group_of(s), set()).add(s)
    seen, copies = set(), []
    for var, s in update_slots:
        root = group_of(s)
        own = var_slot_of.get(id(var))
        foreign_leaf = bool(leaf_groups.get(root, set()) - {own})
        copies.append(kinds[s] != 'computed' or foreign_leaf or root in seen)
        seen.add(root)
    return copies


def _inplace_forward(op, donor):
    forward, inplace = op.forward, op.forward_inplace

    def run(*args):
        result = inplace(donor, *args)
        return forward(*args) if result is None else result
    return run


def _execution_error(apply, args, error):
    shapes = ', '.join(str(getattr(a, 'shape', type(a).__name__)) for a in args)
    return GraphExecutionError('%s failed: %s: %s\n  op: %r\n  input shapes: %s\n  built at: %s'
                               % (apply.op.name, type(error).__name__, error, apply.op, shapes, apply.origin))


class Function(object):
    """A compiled graph: `f(list_of_arrays) -> list_of_arrays` (see module docs).

    Args:
        inputs: list of tensors fed at each call (usually placeholders; any
            tensor may be fed, which cuts the graph above it).
        outputs: list of tensors (or a single tensor) to compute.
        updates: list of `K.update(...)` tensors or `(variable, value)` pairs.
        name: optional name, used in error messages.
    """

    def __init__(self, inputs, outputs, updates=None, name=None):
        from .. import state
        self.inputs = list(inputs)
        self.single_output = isinstance(outputs, Tensor)
        self.outputs = [outputs] if self.single_output else list(outputs)
        for i, t in enumerate(self.inputs + self.outputs):
            if not isinstance(t, Tensor):
                raise TypeError('K.function: inputs and outputs must be symbolic tensors; item %d is %s'
                                % (i, type(t).__name__))
        self.update_pairs = normalize_updates(updates)
        self.name = name
        self._learning_phase = state.learning_phase_placeholder()
        self._phase_index = None
        for i, x in enumerate(self.inputs):
            if x is self._learning_phase:
                self._phase_index = i
        self._programs = {}

    def _program(self, phase):
        program = self._programs.get(phase)
        if program is None:
            inputs = [x for i, x in enumerate(self.inputs) if i != self._phase_index]
            substitutions = {id(self._learning_phase): np.asarray(phase, dtype=self._learning_phase.dtype)}
            program = Program(inputs, self.outputs, self.update_pairs, substitutions)
            self._programs[phase] = program
        return program

    def __call__(self, values):
        from .. import state
        if isinstance(values, dict):
            values = [values[x] for x in self.inputs]
        values = list(values)
        if len(values) != len(self.inputs):
            raise ValueError('K.function%s expects %d inputs (%s), got %d'
                             % (' ' + self.name if self.name else '', len(self.inputs),
                                ', '.join(x.name or 'tensor' for x in self.inputs), len(values)))
        fed = []
        phase = state.get_learning_phase_value()
        for i, (x, v) in enumerate(zip(self.inputs, values)):
            if i == self._phase_index:
                phase = int(np.asarray(v))
                continue
            fed.append(_check_feed(x, v))
        result = self._program(phase).run(fed)
        return result[0] if self.single_output else result


def _check_feed(x, value):
    """Converts a fed value to the placeholder's dtype and checks its shape."""
    if type(value) is not np.ndarray or value.dtype.name != x.dtype:
        try:
            value = np.asarray(value, dtype=x.dtype)
        except (TypeError, ValueError) as e:
            raise ValueError('Cannot feed a value of type %s to %s %r of dtype %s: %s'
                             % (type(value).__name__, type(x).__name__.lower(), x.name, x.dtype, e))
    shape = value.shape
    expected = x.shape
    if len(shape) != len(expected) or any(e is not None and e != d for e, d in zip(expected, shape)):
        raise ValueError('Error feeding %s %r: expected an array of shape %s, received shape %s'
                         % (type(x).__name__.lower(), x.name, shape_str(expected), shape_str(shape)))
    return value
