"""K surface, part 4: control flow (`switch`, learning-phase branches)."""
from .. import state
from ..graph.tensor import Tensor, shape_str
from ..ops import elementwise as ew
from ..ops import shape as shape_ops

__all__ = ['switch', 'in_train_phase', 'in_test_phase']


def switch(condition, then_expression, else_expression):
    """Selects between two tensors by a condition.

    Args:
        condition: a scalar (bool/int) tensor, or a tensor whose rank is at most
            that of the expressions (its shape is the leading part of theirs).
        then_expression, else_expression: tensors or callables returning tensors.
    """
    if callable(then_expression):
        then_expression = then_expression()
    if callable(else_expression):
        else_expression = else_expression()
    if not isinstance(condition, Tensor):
        return then_expression if condition else else_expression
    then_expression = ew.as_tensor(then_expression)
    else_expression = ew.as_tensor(else_expression, like=then_expression)
    cond_ndim, expr_ndim = len(condition.shape), len(then_expression.shape)
    if cond_ndim > expr_ndim:
        raise ValueError('switch: the condition (shape %s) has a higher rank than the expressions (shape %s)'
                         % (shape_str(condition.shape), shape_str(then_expression.shape)))
    if cond_ndim not in (0, expr_ndim):
        for axis in range(cond_ndim, expr_ndim):
            condition = shape_ops.ExpandDims(axis=axis)(condition)
    if condition.dtype != 'bool':
        condition = ew.NotEqual()(condition, ew.as_tensor(0, like=condition))
    return ew.Switch()(condition, then_expression, else_expression)


def in_train_phase(x, alt, training=None):
    """`x` in the training phase, `alt` otherwise (either may be a callable).

    With `training=None` the global learning phase decides at run time; the
    compiled function resolves the branch when it is specialised for a phase.
    """
    if training is None:
        training = state.learning_phase()
        uses_learning_phase = True
    else:
        uses_learning_phase = False
    if training is True or (type(training) is int and training == 1):
        return x() if callable(x) else x
    if training is False or (type(training) is int and training == 0):
        return alt() if callable(alt) else alt
    out = switch(training, x, alt)
    if uses_learning_phase:
        out._uses_learning_phase = True
    return out


def in_test_phase(x, alt, training=None):
    return in_train_phase(alt, x, training=training)
