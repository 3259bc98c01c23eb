"""K surface: values averaged across the processes of a data-parallel run."""
from ..ops import collective
from ..ops import elementwise as ew

__all__ = ['cross_process_mean']


def cross_process_mean(x, communicator):
    """The elementwise mean of `x` over every process of `communicator`.

    Args:
        x: a tensor with the same shape on every process.
        communicator: an object with `mean(array) -> array` (for example
            `minikeras.distribute.communicator()`).

    Returns:
        A tensor of `x`'s shape and dtype; evaluating it is a collective call,
        so every process must evaluate it the same number of times.
    """
    return collective.CrossProcessMean(communicator=communicator)(ew.as_tensor(x))
