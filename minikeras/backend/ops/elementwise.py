"""Elementwise ops: unary math, binary arithmetic with broadcasting, comparisons,
`Switch` (where), casts, and the helpers that turn Python values into tensors."""
from ..graph.op import NOT_CONSTANT, Op, broadcast_shapes, result_dtype
from ..graph.tensor import Constant, Tensor
from ..kernels import xp


# Tensor construction helpers ----------------------------------------------------
def constant(value, dtype=None, shape=None, name=None):
    """A Constant tensor; `shape` broadcasts a scalar `value` to that shape."""
    from .. import state
    if dtype is None:
        dtype = value.dtype if isinstance(value, xp.ndarray) else state.floatx()
    value = xp.asarray(value, dtype=dtype)
    if shape is not None:
        value = xp.broadcast_to(value, tuple(shape)).copy()
    return Constant(value, name=name)


def as_tensor(value, like=None):
    """Returns `value` as a Tensor; Python/numpy values take the dtype of `like`
    (a Tensor) when they are plain scalars, so `x * 0.5` stays float32.

    A list or tuple holding tensors is stacked along a new first axis (as
    TensorFlow converts `[K.sum(a), K.sum(b)]`); Python floats and float lists
    become floatx, numpy arrays keep their dtype.
    """
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (list, tuple)) and _holds_tensor(value):
        return _stack([as_tensor(v, like=like) for v in value])
    if like is not None and xp.ndim(value) == 0 and not isinstance(value, xp.ndarray):
        kind = like.dtype
        if isinstance(value, float) and xp.dtype(kind).kind != 'f':
            from .. import state
            kind = state.floatx()
        return Constant(xp.asarray(value, dtype=kind))
    if isinstance(value, xp.ndarray):
        return Constant(value)
    arr = xp.asarray(value)
    if arr.dtype == xp.float64:
        from .. import state
        arr = arr.astype(like.dtype if like is not None and xp.dtype(like.dtype).kind == 'f' else state.floatx())
    return Constant(arr)


def _holds_tensor(values):
    return any(isinstance(v, Tensor) or (isinstance(v, (list, tuple)) and _holds_tensor(v)) for v in values)


def _stack(tensors):
    from . import shape as shape_ops
    dtype = result_dtype(*[t.dtype for t in tensors])
    parts = [shape_ops.ExpandDims(axis=0)(t if t.dtype == dtype else Cast(dtype=dtype)(t)) for t in tensors]
    return parts[0] if len(parts) == 1 else shape_ops.Concatenate(axis=0)(*parts)


# Base classes ---------------------------------------------------------------------
class Unary(Op):
    """Elementwise op of one input; output shape and dtype are the input's.

    A subclass either sets `ufunc` (a numpy ufunc; the op then runs in place
    when the compiler hands it a dead input buffer, and block by block on
    several threads) or defines `forward` (and `forward_out` if it can).
    """
    abstract = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.ufunc is None and 'forward_out' not in cls.__dict__:
            cls.forward_out = None

    def forward_out(self, out, x):
        self.ufunc(x, out=out)

    def infer(self, x):
        return x.shape, x.dtype

    def forward(self, x):
        return self.ufunc(x)

    def forward_inplace(self, donor, x):
        if self.ufunc is None or not x.flags.writeable:
            return None
        return self.ufunc(x, out=x)


class Binary(Op):
    """Elementwise op of two broadcast inputs computed by the numpy `ufunc`."""
    abstract = True
    broadcasts = True

    def infer(self, x, y):
        return broadcast_shapes(self.name, x.shape, y.shape), result_dtype(x.dtype, y.dtype)

    def forward(self, x, y):
        return self._cast(self.ufunc(x, y), x, y)

    def forward_inplace(self, donor, x, y):
        """Writes the result into input `donor` when it has the result's shape
        and dtype (the compiler only offers buffers no one reads afterwards)."""
        a, b = (x, y) if donor == 0 else (y, x)
        if a.dtype is not b.dtype or a.dtype.kind != 'f' or not a.flags.writeable:
            return None
        if b.shape != a.shape and b.ndim != 0 and (b.ndim > a.ndim or a.shape[a.ndim - b.ndim:] != b.shape):
            return None
        return self.ufunc(x, y, out=a)

    def forward_out(self, out, x, y):
        self.ufunc(x, y, out=out)

    def _cast(self, result, x, y):
        if x.dtype is y.dtype and result.dtype is x.dtype:
            return result
        dtype = result_dtype(x.dtype.name, y.dtype.name)
        return result if result.dtype == dtype else result.astype(dtype)


class Predicate(Binary):
    """Comparison: boolean output, no gradient."""
    abstract = True
    differentiable = False
    forward_inplace = None
    forward_out = None

    def infer(self, x, y):
        return broadcast_shapes(self.name, x.shape, y.shape), 'bool'

    def forward(self, x, y):
        return self.ufunc(x, y)


# Unary math ---------------------------------------------------------------------
class Neg(Unary):
    ufunc = xp.negative

    def grad(self, inputs, outputs, gs):
        return [-gs[0]]


class Abs(Unary):
    nonnegative = True
    ufunc = xp.abs

    def grad(self, inputs, outputs, gs):
        return [gs[0] * Sign()(inputs[0])]


class Sign(Unary):
    differentiable = False

    ufunc = xp.sign


class Round(Unary):
    """Round half to even, as numpy and TensorFlow do."""
    differentiable = False

    ufunc = xp.rint


class Floor(Unary):
    differentiable = False

    ufunc = xp.floor


class Square(Unary):
    nonnegative = True
    ufunc = xp.square

    def grad(self, inputs, outputs, gs):
        return [gs[0] * (inputs[0] * 2.0)]


class Sqrt(Unary):
    nonnegative = True
    ufunc = xp.sqrt

    def grad(self, inputs, outputs, gs):
        return [gs[0] / (outputs[0] * 2.0)]


class Exp(Unary):
    nonnegative = True
    ufunc = xp.exp

    def grad(self, inputs, outputs, gs):
        return [gs[0] * outputs[0]]


class Log(Unary):
    ufunc = xp.log

    def grad(self, inputs, outputs, gs):
        return [gs[0] / inputs[0]]


class Sin(Unary):
    ufunc = xp.sin

    def grad(self, inputs, outputs, gs):
        return [gs[0] * Cos()(inputs[0])]


class Cos(Unary):
    ufunc = xp.cos

    def grad(self, inputs, outputs, gs):
        return [-(gs[0] * Sin()(inputs[0]))]


class Tanh(Unary):
    ufunc = xp.tanh

    def grad(self, inputs, outputs, gs):
        y = outputs[0]
        return [gs[0] * (1.0 - y * y)]


class Sigmoid(Unary):
    nonnegative = True
    fresh_output = True
    def forward(self, x):
        # exp of a non-positive number never overflows
        e = xp.exp(-xp.abs(x))
        return xp.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(x.dtype, copy=False)

    def grad(self, inputs, outputs, gs):
        y = outputs[0]
        return [gs[0] * (y * (1.0 - y))]


class Softplus(Unary):
    nonnegative = True
    fresh_output = True
    def forward(self, x):
        return xp.logaddexp(x.dtype.type(0), x)

    def grad(self, inputs, outputs, gs):
        return [gs[0] * Sigmoid()(inputs[0])]


class Softsign(Unary):
    fresh_output = True
    def forward(self, x):
        return x / (1 + xp.abs(x))

    def grad(self, inputs, outputs, gs):
        d = 1.0 + Abs()(inputs[0])
        return [gs[0] / (d * d)]


class Relu(Unary):
    nonnegative = True
    fresh_output = True

    def forward(self, x):
        return xp.maximum(x, 0)

    def forward_inplace(self, donor, x):
        return xp.maximum(x, 0, out=x) if x.flags.writeable else None

    def forward_out(self, out, x):
        xp.maximum(x, 0, out=out)

    def grad(self, inputs, outputs, gs):
        # The output is positive exactly where the input is (NaN in both: not
        # positive), so the input's buffer need not be kept for the gradient.
        return [ReluGrad()(outputs[0], gs[0])]


class ReluGrad(Op):
    """`g * (x > 0)`: the gradient of Relu (and its own linear-in-g gradient);
    `x` is Relu's input or output."""
    fresh_output = True

    def infer(self, x, g):
        return g.shape, g.dtype

    def forward(self, x, g):
        return g * (x > 0)

    def forward_inplace(self, donor, x, g):
        if donor != 1 or not g.flags.writeable or g.shape != x.shape:
            return None
        return xp.multiply(g, x > 0, out=g)

    def forward_out(self, out, x, g):
        xp.multiply(g, x > 0, out=out)

    def grad(self, inputs, outputs, gs):
        return [None, ReluGrad()(inputs[0], gs[0])]


class Masked(Op):
    """`g` where `mask` is true, else 0 (a multiply by the mask: much faster than
    `where` on numpy). `mask` is boolean and broadcasts against `g`."""
    fresh_output = True
    broadcasts = True

    def infer(self, g, mask):
        return broadcast_shapes(self.name, g.shape, mask.shape), g.dtype

    def forward(self, g, mask):
        return g * mask

    def forward_inplace(self, donor, g, mask):
        if donor != 0 or not g.flags.writeable or g.shape != xp.broadcast_shapes(g.shape, mask.shape):
            return None
        return xp.multiply(g, mask, out=g)

    def forward_out(self, out, g, mask):
        xp.multiply(g, mask, out=out)

    def grad(self, inputs, outputs, gs):
        return [Masked()(gs[0], inputs[1]), None]


class Elu(Unary):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    fresh_output = True

    def forward(self, x):
        return xp.where(x > 0, x, self.alpha * xp.expm1(xp.minimum(x, 0))).astype(x.dtype, copy=False)

    def grad(self, inputs, outputs, gs):
        x, y = inputs[0], outputs[0]
        return [gs[0] * Switch()(Greater()(x, as_tensor(0.0, x)), as_tensor(1.0, x), y + self.alpha)]


class Cast(Unary):
    """Converts to `dtype`; gradient flows back only between float types."""

    def infer(self, x):
        return x.shape, xp.dtype(self.dtype).name

    def forward(self, x):
        return x.astype(self.dtype, copy=False)

    same_layout = True  # `x` itself or a new array

    def grad(self, inputs, outputs, gs):
        x = inputs[0]
        if xp.dtype(x.dtype).kind != 'f' or xp.dtype(self.dtype).kind != 'f':
            return [None]
        return [Cast(dtype=x.dtype)(gs[0])]


class Clip(Unary):
    """Clips to [min_value, max_value]; the gradient passes where x is inside (inclusive)."""
    fresh_output = True

    def forward(self, x):
        return xp.clip(x, self.min_value, self.max_value).astype(x.dtype, copy=False)

    def forward_out(self, out, x):
        xp.clip(x, self.min_value, self.max_value, out=out)

    def grad(self, inputs, outputs, gs):
        return [ClipGrad(min_value=self.min_value, max_value=self.max_value)(inputs[0], gs[0])]


class ClipGrad(Op):
    """`g` where min <= x <= max, else 0."""
    fresh_output = True

    def infer(self, x, g):
        return g.shape, g.dtype

    def forward(self, x, g):
        return g * ((x >= self.min_value) & (x <= self.max_value))

    def forward_inplace(self, donor, x, g):
        if donor != 1 or not g.flags.writeable or g.shape != x.shape:
            return None
        return xp.multiply(g, (x >= self.min_value) & (x <= self.max_value), out=g)

    def forward_out(self, out, x, g):
        xp.multiply(g, (x >= self.min_value) & (x <= self.max_value), out=out)

    def grad(self, inputs, outputs, gs):
        return [None, ClipGrad(**self.attrs)(inputs[0], gs[0])]


class LogicalNot(Unary):
    differentiable = False

    def infer(self, x):
        return x.shape, 'bool'

    ufunc = xp.logical_not


class StopGradient(Unary):
    """Identity in the forward pass; gradients stop here."""
    differentiable = False

    same_layout = True

    def forward(self, x):
        return x


class ShapeIdentity(Unary):
    """Identity: a new graph node with its input's value (`K.identity`)."""

    def forward(self, x):
        return x

    def grad(self, inputs, outputs, gs):
        return [gs[0]]


class ZerosLike(Unary):
    fresh_output = True
    differentiable = False

    def forward(self, x):
        return xp.zeros(x.shape, x.dtype)


class OnesLike(Unary):
    fresh_output = True
    differentiable = False

    def forward(self, x):
        return xp.ones(x.shape, x.dtype)


def zeros_like(x, dtype=None):
    out = ZerosLike()(x)
    return out if dtype is None or xp.dtype(dtype).name == out.dtype else Cast(dtype=xp.dtype(dtype).name)(out)


def ones_like(x, dtype=None):
    out = OnesLike()(x)
    return out if dtype is None or xp.dtype(dtype).name == out.dtype else Cast(dtype=xp.dtype(dtype).name)(out)


# Binary arithmetic ---------------------------------------------------------------
class Add(Binary):
    ufunc = xp.add

    def grad(self, inputs, outputs, gs):
        return [gs[0], gs[0]]


class Sub(Binary):
    ufunc = xp.subtract

    def grad(self, inputs, outputs, gs):
        return [gs[0], -gs[0]]


class Mul(Binary):
    ufunc = xp.multiply

    def grad(self, inputs, outputs, gs):
        x, y = inputs
        return [gs[0] * y, gs[0] * x]


class Div(Binary):
    ufunc = xp.true_divide

    def grad(self, inputs, outputs, gs):
        x, y = inputs
        gx = gs[0] / y
        return [gx, -(gx * outputs[0])]


class Pow(Binary):
    ufunc = xp.power

    def grad(self, inputs, outputs, gs):
        x, y = inputs
        gx = gs[0] * y * Pow()(x, y - 1.0)
        if xp.dtype(y.dtype).kind != 'f' or (isinstance(y, Constant)):
            return [gx, None]
        safe_log = Log()(Switch()(Greater()(x, as_tensor(0.0, x)), x, ones_like(x)))
        return [gx, gs[0] * outputs[0] * safe_log]


class Maximum(Binary):
    ufunc = xp.maximum

    def grad(self, inputs, outputs, gs):
        take_x = GreaterEqual()(*inputs)
        return [Masked()(gs[0], take_x), Masked()(gs[0], LogicalNot()(take_x))]


class Minimum(Binary):
    ufunc = xp.minimum

    def grad(self, inputs, outputs, gs):
        take_x = LessEqual()(*inputs)
        return [Masked()(gs[0], take_x), Masked()(gs[0], LogicalNot()(take_x))]


class FloorDiv(Binary):
    """`x // y` (numpy floor division); piecewise constant, so no gradient (as TensorFlow)."""
    differentiable = False
    ufunc = xp.floor_divide


class Mod(Binary):
    """`x % y` with the sign of `y` (numpy and Python semantics)."""
    ufunc = xp.mod

    def grad(self, inputs, outputs, gs):
        x, y = inputs
        return [gs[0], -(gs[0] * FloorDiv()(x, y))]


# Comparisons and logic -------------------------------------------------------------
class Equal(Predicate):
    ufunc = xp.equal


class NotEqual(Predicate):
    ufunc = xp.not_equal


class Greater(Predicate):
    ufunc = xp.greater


class GreaterEqual(Predicate):
    ufunc = xp.greater_equal


class Less(Predicate):
    ufunc = xp.less


class LessEqual(Predicate):
    ufunc = xp.less_equal


class LogicalAnd(Predicate):
    ufunc = xp.logical_and


class LogicalOr(Predicate):
    ufunc = xp.logical_or


class Switch(Op):
    """`where(condition, then, else)` with broadcasting.

    A condition that is constant at compile time (e.g. the specialised learning
    phase) selects a branch statically, so the other branch is never computed.
    """
    fresh_output = True
    broadcasts = True

    def infer(self, cond, a, b):
        return broadcast_shapes(self.name, cond.shape, a.shape, b.shape), result_dtype(a.dtype, b.dtype)

    def forward(self, cond, a, b):
        out = xp.where(cond, a, b)
        if a.dtype is b.dtype and out.dtype is a.dtype:
            return out
        dtype = result_dtype(a.dtype.name, b.dtype.name)
        return out if out.dtype == dtype else out.astype(dtype)

    def grad(self, inputs, outputs, gs):
        cond = inputs[0]
        return [None, Masked()(gs[0], cond), Masked()(gs[0], LogicalNot()(cond))]

    def simplify(self, constant_inputs):
        cond = constant_inputs[0]
        if cond is NOT_CONSTANT or xp.ndim(cond) != 0:
            return None
        return 1 if bool(cond) else 2
