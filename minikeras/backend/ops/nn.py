"""Neural-network ops that need a fused kernel for speed or stability:
softmax and log-softmax along an axis."""
from ..graph.op import Op
from ..kernels import xp
from . import elementwise as ew
from . import reduce as red


class Softmax(Op):
    """exp(x - max) / sum(exp(x - max)) along `axis`."""
    fresh_output = True

    def infer(self, x):
        return x.shape, x.dtype

    def forward(self, x):
        e = xp.exp(x - xp.max(x, axis=self.axis, keepdims=True))
        e /= xp.sum(e, axis=self.axis, keepdims=True)
        return e

    def grad(self, inputs, outputs, gs):
        y, g = outputs[0], gs[0]
        inner = red.Sum(axis=(self.axis,), keepdims=True)(g * y)
        return [y * (g - inner)]


class LogSoftmax(Op):
    """x - logsumexp(x) along `axis`."""
    fresh_output = True

    def infer(self, x):
        return x.shape, x.dtype

    def forward(self, x):
        shifted = x - xp.max(x, axis=self.axis, keepdims=True)
        return shifted - xp.log(xp.sum(xp.exp(shifted), axis=self.axis, keepdims=True))

    def grad(self, inputs, outputs, gs):
        y, g = outputs[0], gs[0]
        total = red.Sum(axis=(self.axis,), keepdims=True)(g)
        return [g - ew.Exp()(y) * total]  # exp(log_softmax(x)) = softmax(x)
