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


class FlushDenormals(Op):
    """`x` with its subnormal values (0 < |x| < the dtype's smallest normal) set to 0.

    Arithmetic on subnormal floats runs one to two orders of magnitude slower
    on x86 CPUs; optimizer accumulators that decay geometrically (Adam's `v`
    with beta_2 = 0.999) stay subnormal for thousands of steps. Flushing them
    changes values by less than 1.2e-38 (float32), i.e. by round-off. The
    gradient is the identity, as for any rounding of the value.

    Inputs: `x`, and with `every > 1` an integer step counter: only steps that
    are multiples of `every` flush (a pass over `x` costs about as much as
    three elementwise ops; values then stay subnormal for under `every` steps).

    Attributes:
        nonnegative: the caller guarantees `x >= 0` (an accumulator of
            squares), which saves a pass over the data; negative values would
            be zeroed.
        every: flush period in steps (1: always).
    """
    fresh_output = True

    def __init__(self, nonnegative=False, every=1):
        Op.__init__(self, nonnegative=bool(nonnegative), every=int(every))

    def infer(self, x, step=None):
        return x.shape, x.dtype

    def forward(self, x, step=None):
        y = xp.array(x, copy=True)
        return self._flush(y) if self._due(step) else y

    def forward_inplace(self, donor, x, step=None):
        if donor != 0 or not x.flags.writeable:
            return None
        return self._flush(x) if self._due(step) else x

    def forward_out(self, out, x, step=None):
        if out is not x:
            xp.copyto(out, x)
        if self._due(step):
            self._flush(out)

    def _due(self, step):
        return step is None or int(step) % self.every == 0

    def _flush(self, x):
        if x.dtype.kind == 'f':
            tiny = xp.finfo(x.dtype).tiny
            xp.copyto(x, 0, where=xp.less(x if self.nonnegative else xp.abs(x), tiny))
        return x

    def grad(self, inputs, outputs, gs):
        return [gs[0]] + [None] * (len(inputs) - 1)
