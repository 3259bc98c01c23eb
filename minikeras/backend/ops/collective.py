"""Collective ops: values combined across the processes of a data-parallel run.

The graph engine knows nothing about MPI: a `CrossProcessMean` op holds a
*communicator*, any object with a `mean(array) -> array` method that returns
the elementwise mean of `array` over every process (each process passes its
own array of the same shape). `minikeras.distribute` supplies one built on
mpi4py; with a single process the mean is the array itself.
"""
from ..graph.op import Op


class CrossProcessMean(Op):
    """Elementwise mean of `x` over all processes of `communicator`.

    The map is linear and the same on every process, so its vector-Jacobian
    product is the cross-process mean of the output gradient.
    """
    fresh_output = True
    #: never merged, folded or hoisted: each run must talk to the other processes
    deterministic = False

    def infer(self, x):
        return x.shape, x.dtype

    def forward(self, x):
        return self.communicator.mean(x)

    def grad(self, inputs, outputs, gs):
        return [CrossProcessMean(communicator=self.communicator)(gs[0])]
