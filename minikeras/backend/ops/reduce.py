"""Reductions over axes (sum, mean, max, min, prod, any, all, argmax, argmin) and
cumulative sums/products, with the broadcast op their gradients need."""
from ..graph.op import Op, normalize_axis
from ..kernels import xp
from . import elementwise as ew


def _reduced_shape(shape, axes, keepdims):
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


class Reduction(Op):
    """Base: attributes `axis` (tuple of non-negative axes) and `keepdims`."""
    abstract = True

    def infer(self, x):
        return _reduced_shape(x.shape, self.axis, self.keepdims), self._dtype(x)

    def _dtype(self, x):
        return x.dtype


class Sum(Reduction):
    fresh_output = True
    def _dtype(self, x):
        return 'int64' if x.dtype == 'bool' else x.dtype

    def forward(self, x):
        return xp.sum(x, axis=self.axis, keepdims=self.keepdims)

    def grad(self, inputs, outputs, gs):
        return [ExpandReduced(axis=self.axis, keepdims=self.keepdims, mean=False)(gs[0], inputs[0])]


class Mean(Reduction):
    fresh_output = True
    def _dtype(self, x):
        return x.dtype if xp.dtype(x.dtype).kind == 'f' else 'float64'

    def forward(self, x):
        out = xp.mean(x, axis=self.axis, keepdims=self.keepdims)
        return out.astype(x.dtype, copy=False) if x.dtype.kind == 'f' else out

    def grad(self, inputs, outputs, gs):
        return [ExpandReduced(axis=self.axis, keepdims=self.keepdims, mean=True)(gs[0], inputs[0])]


class ExpandReduced(Op):
    """Broadcasts a reduced gradient `g` back to the shape of `x` (divided by the
    number of reduced elements when `mean`). Its own gradient is the reduction."""

    aliased_inputs = (0,)  # the second input gives only the shape

    def infer(self, g, x):
        return x.shape, g.dtype

    def forward(self, g, x):
        if not self.keepdims:
            g = xp.expand_dims(g, self.axis)
        if self.mean:
            count = 1
            for a in self.axis:
                count *= x.shape[a]
            g = g / g.dtype.type(count) if count else g
        return xp.broadcast_to(g, x.shape)

    def grad(self, inputs, outputs, gs):
        reduce_op = Mean if self.mean else Sum
        return [reduce_op(axis=self.axis, keepdims=self.keepdims)(gs[0]), None]


class _Extremum(Reduction):
    abstract = True
    def grad(self, inputs, outputs, gs):
        # TensorFlow's rule: the gradient is shared equally between tied maxima.
        x, y = inputs[0], outputs[0]
        expand = ExpandReduced(axis=self.axis, keepdims=self.keepdims, mean=False)
        selected = ew.Cast(dtype=x.dtype)(ew.Equal()(x, expand(y, x)))
        count = Sum(axis=self.axis, keepdims=self.keepdims)(selected)
        return [expand(gs[0] / count, x) * selected]


class Max(_Extremum):
    fresh_output = True
    def forward(self, x):
        return xp.max(x, axis=self.axis, keepdims=self.keepdims)


class Min(_Extremum):
    fresh_output = True
    def forward(self, x):
        return xp.min(x, axis=self.axis, keepdims=self.keepdims)


class Prod(Reduction):
    fresh_output = True
    def forward(self, x):
        return xp.prod(x, axis=self.axis, keepdims=self.keepdims)

    def grad(self, inputs, outputs, gs):
        x, y = inputs[0], outputs[0]
        expand = ExpandReduced(axis=self.axis, keepdims=self.keepdims, mean=False)
        return [expand(gs[0] * y, x) / x]


class Any(Reduction):
    differentiable = False

    def infer(self, x):
        return _reduced_shape(x.shape, self.axis, self.keepdims), 'bool'

    def forward(self, x):
        return xp.any(x, axis=self.axis, keepdims=self.keepdims)


class All(Any):
    def forward(self, x):
        return xp.all(x, axis=self.axis, keepdims=self.keepdims)


class Argmax(Op):
    """Index of the maximum along one axis (int64)."""
    differentiable = False

    def infer(self, x):
        return tuple(d for i, d in enumerate(x.shape) if i != self.axis), 'int64'

    def forward(self, x):
        return xp.argmax(x, axis=self.axis)


class Argmin(Argmax):
    def forward(self, x):
        return xp.argmin(x, axis=self.axis)


class Cumsum(Op):
    fresh_output = True
    def infer(self, x):
        return x.shape, x.dtype

    def forward(self, x):
        return xp.cumsum(x, axis=self.axis, dtype=x.dtype)

    def grad(self, inputs, outputs, gs):
        return [ReverseCumsum(axis=self.axis)(gs[0])]


class ReverseCumsum(Op):
    """Sum from each position to the end along `axis` (the adjoint of Cumsum)."""
    fresh_output = True

    def infer(self, x):
        return x.shape, x.dtype

    def forward(self, x):
        flipped = xp.flip(x, self.axis)
        return xp.flip(xp.cumsum(flipped, axis=self.axis, dtype=x.dtype), self.axis)

    def grad(self, inputs, outputs, gs):
        return [Cumsum(axis=self.axis)(gs[0])]


class Cumprod(Op):
    fresh_output = True
    def infer(self, x):
        return x.shape, x.dtype

    def forward(self, x):
        return xp.cumprod(x, axis=self.axis, dtype=x.dtype)

    def grad(self, inputs, outputs, gs):
        x, y = inputs[0], outputs[0]
        return [ReverseCumsum(axis=self.axis)(gs[0] * y) / x]


def reduce(op_class, x, axis=None, keepdims=False):
    """Builds a reduction of `x` over `axis` (int, list or None for all); `x`
    may also be an array, a number or a list of tensors (stacked first)."""
    x = ew.as_tensor(x)
    axes = normalize_axis(axis, len(x.shape), op_class.__name__)
    return op_class(axis=axes, keepdims=bool(keepdims))(x)
