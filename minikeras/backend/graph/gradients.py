"""Reverse-mode differentiation that returns graph nodes.

`gradients(loss, wrt)` walks the graph from `loss` in reverse topological order,
asks each op for its vector-Jacobian product (built from ops, so the result can
be differentiated again) and sums the contributions reaching each tensor.
Broadcasting is undone once, here, for every op that declares `broadcasts`.
"""
from .hooks import hook
from .tensor import Tensor


def toposort(outputs, stop_at=()):
    """Returns the Apply nodes needed for `outputs`, inputs before users.

    Tensors in `stop_at` (by identity) are treated as leaves.
    """
    stop = set(id(t) for t in stop_at)
    order, visited = [], set()
    stack = [(t, False) for t in outputs]
    while stack:
        tensor, expanded = stack.pop()
        apply = tensor.owner
        if apply is None or id(tensor) in stop:
            continue
        if expanded:
            if id(apply) not in visited:
                visited.add(id(apply))
                order.append(apply)
            continue
        if id(apply) in visited:
            continue
        stack.append((tensor, True))
        for x in reversed(apply.inputs):
            if x.owner is not None and id(x.owner) not in visited:
                stack.append((x, False))
    return order


def _may_be_broadcast(x, g, inputs):
    """False when input `x` of a broadcasting op provably has the shape of its
    output gradient `g`, so no `Unbroadcast` (and no read of `x`) is needed.

    An axis is safe when x's static size is neither None nor 1 (the output
    then has that size), when both are 1, or when x's size is unknown but every
    other input lacks the axis or has size 1 there (the output's size is then
    x's own; e.g. the batch axis of `x + bias`).
    """
    if len(x.shape) != len(g.shape):
        return True
    rank = len(x.shape)
    for i, (xs, gs) in enumerate(zip(x.shape, g.shape)):
        if xs is not None and xs != 1:
            continue
        if xs == 1:
            if gs != 1:
                return True
            continue
        for other in inputs:
            if other is x:
                continue
            j = i - (rank - len(other.shape))
            if j >= 0 and other.shape[j] != 1:
                return True
    return False


def gradients(loss, variables, output_grad=None):
    """Symbolic gradient of `loss` (summed if not scalar) with respect to `variables`.

    Args:
        loss: a Tensor.
        variables: a Tensor or list of Tensors (variables, placeholders or any
            intermediate tensor of the graph).
        output_grad: optional Tensor with `loss`'s shape, the incoming gradient
            (defaults to ones: the gradient of `sum(loss)`).

    Returns:
        A list of Tensors, one per variable, shaped like it (a single Tensor if
        `variables` is one). A variable that `loss` does not depend on gets zeros.
    """
    single = isinstance(variables, Tensor)
    wanted = [variables] if single else list(variables)
    result = vjp([loss], [output_grad if output_grad is not None else hook('ones_like')(loss)], wanted)
    return result[0] if single else result


def vjp(outputs, cotangents, wanted, zeros_for_unrelated=True):
    """Vector-Jacobian product: the gradient of sum_i sum(outputs[i] * cotangents[i])
    with respect to each tensor in `wanted`, built as graph nodes.

    A cotangent may be None (that output contributes nothing). Unrelated tensors
    get zeros, or None when `zeros_for_unrelated` is False.
    """
    for v in wanted:
        if not isinstance(v, Tensor):
            raise TypeError('gradients: expected symbolic tensors to differentiate with respect to, '
                            'got %s' % type(v).__name__)
    seeds = [(o, c) for o, c in zip(outputs, cotangents) if c is not None]
    order = toposort([o for o, _ in seeds], stop_at=wanted)

    # Only tensors on a path from a wanted tensor to an output receive gradients.
    relevant = set(id(v) for v in wanted)
    for apply in order:
        if apply.op.differentiable and any(id(x) in relevant for x in apply.inputs):
            relevant.update(id(o) for o in apply.outputs)

    grads = {}
    for o, c in seeds:
        grads[id(o)] = c if id(o) not in grads else grads[id(o)] + c
    for apply in reversed(order):
        out_grads = [grads.get(id(o)) for o in apply.outputs]
        if all(g is None for g in out_grads) or not apply.op.differentiable:
            continue
        if not any(id(x) in relevant for x in apply.inputs):
            continue
        in_grads = apply.op.grad(apply.inputs, apply.outputs, out_grads)
        for x, g in zip(apply.inputs, in_grads):
            if g is None or id(x) not in relevant:
                continue
            if apply.op.broadcasts and _may_be_broadcast(x, g, apply.inputs):
                g = hook('unbroadcast')(g, x)
            previous = grads.get(id(x))
            grads[id(x)] = g if previous is None else previous + g
    if zeros_for_unrelated:
        zeros_like = hook('zeros_like')
        return [grads[id(v)] if id(v) in grads else zeros_like(v) for v in wanted]
    return [grads.get(id(v)) for v in wanted]
