"""Runs consecutive elementwise steps of a compiled program on every kernel thread.

numpy runs one ufunc call on one core. A training step holds long runs of
elementwise ops over fixed-shape arrays, above all the optimizer's update of
every weight and slot (Adam: about fifteen ops per weight). This module
groups such runs into *segments*: each kernel thread takes its own block of
rows (along axis 0) of every op in the segment and runs the whole segment on
that block, so the threads synchronise once per segment, not once per op.

Two compile-time passes prepare this (`Program` calls them):

* `sink_elementwise(steps)`: moves each elementwise step as late as possible
  (just before its first consumer; steps feeding only the program's outputs and
  updates go to the end), which gathers the optimizer's per-weight chains,
  scattered between the backward pass's matrix products, into one run;
* `plan_segments(...)`: cuts the runs into segments whose blocks are
  independent: a step that reads a value computed in the same segment reads the
  same rows of it, and no step writes in place to a buffer another step of the
  segment reads whole (a broadcast input).

A segment with little work, or any segment when one thread is configured,
runs its steps one by one exactly as before; split runs compute the same
values, element for element, as the unsplit ones. (Running a chain of steps
chunk by chunk, so that each chunk stays in cache, was measured and dropped:
numpy's passes over even 10 MB arrays are not memory-bound on current CPUs.)

An op takes part when it defines `forward_out(out, *arrays)`: write the result
into `out`, which has the output's shape and dtype and may be one of the arrays
itself (an in-place update); it must be elementwise with numpy broadcasting.
"""
from ..kernels import threads, xp

#: Segments computing fewer elements than this (summed over their steps) run
#: on one thread: below it the hand-off to the other threads (about 20 us)
#: costs more than it saves.
MIN_PARALLEL_ELEMENTS = 1 << 18
#: Steps of fewer elements than this (bias updates, small layers) stay out of
#: segments and run whole on the calling thread: split, each half would cost
#: another numpy dispatch for a few microseconds of arithmetic.
MIN_SPLIT_STEP_ELEMENTS = 1 << 15
#: A step with no splittable neighbour is a segment of its own when a sample
#: holds this many elements (a conv layer's activations or their gradient;
#: not a dense layer's), or, without a batch dimension, MIN_PARALLEL_ELEMENTS.
MIN_ALONE_SAMPLE_ELEMENTS = 1 << 12


def _splittable(apply):
    """Whether a step can be computed block by block: an elementwise op with
    `forward_out`, one float output whose shape is known but for the first
    dimension (the batch) and is not a single row, and inputs whose shapes are
    known but for a first dimension they share with the output."""
    op = apply.op
    if getattr(op, 'forward_out', None) is None or op.n_outputs != 1:
        return False
    out = apply.outputs[0]
    shape = out.shape
    if not shape or any(d is None for d in shape[1:]) or shape[0] == 1 or out.dtype[0] != 'f':
        return False
    for x, sliced in zip(apply.inputs, _sliced_inputs(apply)):
        known = x.shape[1:] if sliced else x.shape
        if any(d is None for d in known):
            return False
    return True


def _small(apply):
    """Whether a step's output has a known size under MIN_SPLIT_STEP_ELEMENTS."""
    shape = apply.outputs[0].shape
    if any(d is None for d in shape):
        return False
    size = 1
    for d in shape:
        size *= d
    return size < MIN_SPLIT_STEP_ELEMENTS


def _large_alone(apply):
    """Whether a step is worth splitting by itself (see MIN_ALONE_SAMPLE_ELEMENTS)."""
    shape = apply.outputs[0].shape
    known = 1
    for d in shape:
        known *= 1 if d is None else d
    return known >= (MIN_ALONE_SAMPLE_ELEMENTS if None in shape else MIN_PARALLEL_ELEMENTS)


def _sliced_inputs(apply):
    """Per input: True when it is split along axis 0 with the output (same rank
    and first dimension), False when every block reads all of it (broadcast)."""
    out_shape = apply.outputs[0].shape
    return tuple(len(x.shape) == len(out_shape) and x.shape[0] == out_shape[0] for x in apply.inputs)


def sink_elementwise(steps):
    """Reorders steps so that each splittable step runs just before its first reader.

    Args:
        steps: the program's (apply, in_slots, out_slots) in a valid order.

    Returns:
        The same steps in a valid order: the other steps keep their relative
        order; each splittable step moves to just before the first
        non-splittable step that (directly, or through splittable steps) reads
        its output, or to the end when none does; steps moved to the same place
        keep their original relative order, small steps (see `_small`) before
        the others.
    """
    sinkable = [_splittable(apply) for apply, _, _ in steps]
    if not any(sinkable):
        return list(steps)
    end = len(steps)
    readers = {}
    for index, (_, in_slots, _) in enumerate(steps):
        for s in in_slots:
            readers.setdefault(s, []).append(index)
    anchor = [None] * len(steps)  # index of the non-splittable step a sunk step precedes
    for index in range(len(steps) - 1, -1, -1):
        if sinkable[index]:
            reading = [r for s in steps[index][2] for r in readers.get(s, ())]
            anchor[index] = min([anchor[r] if sinkable[r] else r for r in reading] or [end])
    before = {}
    for index, step in enumerate(steps):
        if sinkable[index]:
            before.setdefault(anchor[index], []).append(step)
    for anchor_index, group in before.items():
        # Small steps first (each group keeps a valid order: a small elementwise
        # output never reads a larger one), so the large ones form one segment.
        before[anchor_index] = [st for st in group if _small(st[0])] + [st for st in group if not _small(st[0])]
    order = []
    for index, step in enumerate(steps):
        if not sinkable[index]:
            order.extend(before.get(index, ()))
            order.append(step)
    order.extend(before.get(end, ()))
    return order


def plan_segments(steps, donors, group_of, is_view):
    """Cuts the runs of splittable steps into segments.

    Args:
        steps: the program's (apply, in_slots, out_slots), in their final order.
        donors: per step, the input position whose buffer it may overwrite (or None).
        group_of: maps a slot to the root of its alias group (values that may
            share memory have the same root).
        is_view: whether a slot's value may be a view of another buffer with a
            different layout (an op output that is neither fresh nor a ufunc's).

    Returns:
        A list of segments, each a list of step indices: at least two, or one
        large step (`_large_alone`). Within a
        segment a step that overwrites a buffer in place shares it only with
        values of the same layout that the segment reads block by block.
    """
    segments, current = [], []
    produced, whole_roots, viewed_roots = {}, set(), set()

    def close():
        if len(current) >= 2 or (current and _large_alone(steps[current[0]][0])):
            segments.append(list(current))
        del current[:]
        produced.clear()
        whole_roots.clear()
        viewed_roots.clear()

    for index, (apply, in_slots, out_slots) in enumerate(steps):
        if not _splittable(apply) or _small(apply):
            close()
            continue
        sliced = _sliced_inputs(apply)
        rows = apply.outputs[0].shape[0]
        fits = all(sl and produced[s] == rows for s, sl in zip(in_slots, sliced) if s in produced)
        donor = donors[index]
        if fits and donor is not None:
            root = group_of(in_slots[donor])
            fits = root not in whole_roots and root not in viewed_roots and not is_view(in_slots[donor])
        if not fits:
            close()
        current.append(index)
        produced[out_slots[0]] = rows
        for s, sl in zip(in_slots, sliced):
            if not sl:
                whole_roots.add(group_of(s))
            elif is_view(s):
                viewed_roots.add(group_of(s))
    close()
    return segments


class Segment(object):
    """Consecutive splittable steps run block by block on the kernel threads.

    Args:
        members: per step, (forward, in_slots, out_slot, apply, donor):
            `forward` is the step's one-thread callable (it may compute in
            place), `donor` the input position it may overwrite or None.
        free: slots to release after the segment.
        on_error: `on_error(apply, args, exception)` returns the exception to
            raise for a failing step.
    """

    def __init__(self, members, free, on_error):
        self.members = []
        for forward, in_slots, out, apply, donor in members:
            shape = tuple(apply.outputs[0].shape)
            self.members.append((forward, in_slots, out, apply, donor, shape, xp.dtype(apply.outputs[0].dtype),
                                 _sliced_inputs(apply), int(xp.prod(shape[1:]))))
        self.free = tuple(free)
        self.on_error = on_error
        self._bounds = {}
        # A quick size check before the full one: the members of static shape, plus
        # the batch-sized ones at the rows of one of their row-split inputs.
        self._static_elements = sum(m[5][0] * m[8] for m in self.members if m[5][0] is not None)
        batched = [m for m in self.members if m[5][0] is None]
        self._batch_row_elements = sum(m[8] for m in batched)
        self._probe = next((s for m in batched for s, sl in zip(m[1], m[7]) if sl), None)

    def run(self, env):
        """Computes the members' outputs into `env` (a program's slot list)."""
        n = threads.get_num_threads() or 1
        if n < 2 or self._surely_small(env) or not self._run_split(env, n):
            self._run_one_by_one(env)
        for s in self.free:
            env[s] = None

    def _surely_small(self, env):
        """True when a glance at one input shows the work is under MIN_PARALLEL_ELEMENTS
        (a small batch's activations), without the full check of `_rows`."""
        rows = 0
        if self._batch_row_elements:
            if self._probe is None:
                return False
            shape = getattr(env[self._probe], 'shape', ())
            if not shape:
                return False
            rows = shape[0]
        return self._static_elements + rows * self._batch_row_elements < MIN_PARALLEL_ELEMENTS

    def _run_one_by_one(self, env):
        for forward, in_slots, out, apply, _, _, _, _, _ in self.members:
            args = [env[s] for s in in_slots]
            try:
                env[out] = forward(*args)
            except Exception as e:
                raise self.on_error(apply, args, e)

    def _rows(self, env):
        """Each member's number of rows at run time, or None when a value is not
        the array the static shapes promise (then the steps run one by one)."""
        ndarray = xp.ndarray
        rows_of, result = {}, []
        for _, in_slots, out, _, _, shape, _, sliced, _ in self.members:
            rows = shape[0]
            for s, sl in zip(in_slots, sliced):
                if not sl:
                    continue
                if s in rows_of:
                    r = rows_of[s]
                else:
                    a = env[s]
                    if type(a) is not ndarray or not a.ndim:
                        return None
                    r = a.shape[0]
                if rows is None:
                    rows = r
                elif r != rows:
                    return None
            if rows is None or rows < 1:
                return None
            rows_of[out] = rows
            result.append(rows)
        return result

    def _run_split(self, env, n):
        """Runs the members block by block on `n` threads when the work is large
        enough; returns False, with nothing computed, when it is not or when a
        value is not the array its static shape promises."""
        rows = self._rows(env)
        if rows is None or sum(r * m[8] for r, m in zip(rows, self.members)) < MIN_PARALLEL_ELEMENTS:
            return False
        ndarray = xp.ndarray
        work = []
        for (_, in_slots, out_slot, apply, donor, shape, dtype, sliced, _), r in zip(self.members, rows):
            shape = (r,) + shape[1:]
            args = [env[s] for s in in_slots]
            out = None
            if donor is not None:
                d = args[donor]
                if type(d) is ndarray and d.shape == shape and d.dtype == dtype and d.flags.writeable:
                    out = d
            if out is None:
                out = xp.empty(shape, dtype)
            env[out_slot] = out
            work.append((apply, out, args, sliced, self._row_bounds(r, n)))

        def block(k):
            for apply, out, args, sliced, bounds in work:
                lo, hi = bounds[k]
                if lo == hi:
                    continue
                parts = [a[lo:hi] if sl else a for a, sl in zip(args, sliced)]
                try:
                    apply.op.forward_out(out[lo:hi], *parts)
                except Exception as e:
                    raise self.on_error(apply, args, e)
        threads.parallel_for(n, block, threads=n)
        return True

    def _row_bounds(self, rows, n):
        key = (rows, n)
        bounds = self._bounds.get(key)
        if bounds is None:
            if len(self._bounds) > 64:  # batch sizes vary: keep a few
                self._bounds.clear()
            bounds = self._bounds[key] = [(rows * k // n, rows * (k + 1) // n) for k in range(n)]
        return bounds
