"""The op contract: every op defines forward, gradient and shape in one class.

An op subclass declares, side by side:

* ``infer(*inputs)``: the static output shape(s) and dtype(s), from the input
  tensors' static shapes (``None`` = unknown), raising ``ValueError`` that names
  the shapes when the inputs are incompatible;
* ``forward(*arrays)``: the numeric result, through the ``xp`` kernels binding;
* ``grad(inputs, outputs, output_grads)``: the vector-Jacobian product as a list
  of *symbolic* tensors (one per input, ``None`` for no gradient), built from
  other ops so gradients can be differentiated again.

Ops without a gradient set ``differentiable = False`` explicitly. Op attributes
(axis, strides, ...) are keyword arguments of the constructor; they form the
op's identity for common-subexpression elimination.

Example::

    class Exp(Op):
        def infer(self, x):
            return x.shape, x.dtype
        def forward(self, x):
            return xp.exp(x)
        def grad(self, inputs, outputs, output_grads):
            return [output_grads[0] * outputs[0]]
"""

from . import hooks
from ..kernels.xp import xp
from .tensor import Apply, Tensor, shape_str

#: Every Op subclass by name; a test walks it to check each has a gradient rule
#: or is marked non-differentiable.
OP_REGISTRY = {}


class Op(object):
    """Base class of graph operations (see module docstring)."""

    #: number of outputs produced by forward (a tuple when > 1)
    n_outputs = 1
    #: False: gradients never flow through this op (comparisons, argmax, ...)
    differentiable = True
    #: False: random ops; never merged, folded or hoisted
    deterministic = True
    #: True: elementwise op with numpy broadcasting; the gradient walker reduces
    #: each input gradient to its input's shape (one `unbroadcast` for all ops)
    broadcasts = False
    #: a numpy ufunc computing the op (elementwise ops); implies fresh outputs
    ufunc = None
    #: True: forward always returns newly allocated arrays (never a view or an
    #: input itself), so the compiler may reuse dead buffers around it
    fresh_output = False
    #: positions of the inputs whose memory a non-fresh output may share (None:
    #: any); inputs read only for their shape are left out, so the compiler
    #: does not tie their buffers to the output's
    aliased_inputs = None
    #: True: a non-fresh output is either fresh or an aliased input itself,
    #: never a view with another shape or memory layout (identity-like ops)
    same_layout = False
    #: True: every output value is >= 0 or NaN (lets `K.sqrt` skip its clip)
    nonnegative = False
    #: optional `forward_inplace(donor_index, *arrays)`: compute into input
    #: `donor_index` (a buffer nothing reads afterwards) or return None
    forward_inplace = None
    #: optional `forward_out(out, *arrays)` of elementwise ops: write the result
    #: into `out` (the output's shape and dtype; it may be one of the arrays);
    #: lets the compiler split runs of such ops over threads (graph/segments.py)
    forward_out = None
    #: True: the op stands for assigning its second input to its first, a
    #: variable; `K.function` accepts its output as an update
    assigns = False
    #: True on abstract base classes, which are not registered as ops
    abstract = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get('abstract', False):
            OP_REGISTRY[cls.__name__] = cls

    def __init__(self, **attrs):
        self.attrs = attrs
        for key, value in attrs.items():
            setattr(self, key, value)

    @property
    def name(self):
        return type(self).__name__

    def key(self):
        """Hashable identity for common-subexpression elimination (None: never merge)."""
        if not self.deterministic:
            return None
        try:
            items = tuple(sorted((k, _hashable(v)) for k, v in self.attrs.items()))
            hash(items)
        except TypeError:
            return None
        return (type(self), items)

    # The three rules ----------------------------------------------------------
    def infer(self, *inputs):
        """Returns (shape, dtype), or a list of them for multi-output ops."""
        raise NotImplementedError

    def forward(self, *arrays):
        raise NotImplementedError

    def grad(self, inputs, outputs, output_grads):
        raise NotImplementedError('%s has no gradient rule' % self.name)

    def simplify(self, constant_inputs):
        """Compile-time rewrite hook: return the index of an input that this op
        reduces to given the inputs known to be constant (`constant_inputs[i]` is
        the value or `NOT_CONSTANT`), or None. Used e.g. by `Switch`."""
        return None

    # Graph building -------------------------------------------------------------
    def __call__(self, *inputs):
        """Applies the op to tensors and returns its output tensor(s).

        Numbers, numpy arrays and lists holding tensors are converted first
        (`as_tensor`), so every `K` function accepts them as TensorFlow's does.
        """
        if not all(isinstance(x, Tensor) for x in inputs):
            inputs = [_convert(self.name, i, x) for i, x in enumerate(inputs)]
        inferred = self.infer(*inputs)
        apply = Apply(self, inputs)
        if self.n_outputs == 1:
            inferred = [inferred]
        for index, (shape, dtype) in enumerate(inferred):
            apply.outputs.append(Tensor(shape, dtype, owner=apply, index=index))
        if self.n_outputs == 1:
            return apply.outputs[0]
        return list(apply.outputs)

    def __repr__(self):
        return '%s(%s)' % (self.name, ', '.join('%s=%r' % kv for kv in sorted(self.attrs.items())))


def _convert(op_name, index, value):
    if isinstance(value, Tensor):
        return value
    try:
        tensor = hooks.hook('as_tensor')(value)
        numeric = xp.dtype(tensor.dtype).kind in 'biufc'
    except (TypeError, ValueError):
        numeric = False
    if not numeric:
        raise TypeError('%s: input %d must be a tensor, a number or a numeric array; got %r'
                        % (op_name, index, value))
    return tensor


class _NotConstant(object):
    def __repr__(self):
        return 'NOT_CONSTANT'


NOT_CONSTANT = _NotConstant()


def _hashable(value):
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, xp.ndarray):
        raise TypeError('array attribute')
    return value


# Static shape helpers shared by op definitions ----------------------------------
def shapes_compatible(a, b):
    """Whether two static shapes (None = unknown dim) can be equal: same rank,
    and every pair of known dims equal."""
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))


def broadcast_shapes(op_name, *shapes):
    """Numpy broadcasting of static shapes with None for unknown dims.

    Raises ValueError naming every shape when two known dims disagree.
    """
    ndim = max(len(s) for s in shapes)
    result = []
    for axis in range(ndim):
        dim = 1
        for s in shapes:
            d = s[axis - ndim + len(s)] if axis - ndim + len(s) >= 0 else 1
            if d == 1:
                continue
            if dim == 1:
                dim = d
            elif d is None:
                dim = None if dim == 1 else dim
            elif dim is None:
                dim = d
            elif d != dim:
                raise ValueError('%s: incompatible shapes %s for broadcasting (dimension %d: %d vs %d)'
                                 % (op_name, ' and '.join(shape_str(s) for s in shapes), axis, dim, d))
        result.append(dim)
    return tuple(result)


def result_dtype(*dtypes):
    """Dtype of an elementwise op's result: numpy promotion, except that mixing an
    integer/bool with a float keeps the float type (no silent float64)."""
    floats = [d for d in dtypes if xp.dtype(d).kind == 'f']
    if floats:
        return xp.result_type(*floats).name
    return xp.result_type(*dtypes).name


def normalize_axis(axis, ndim, op_name):
    """Returns a tuple of non-negative axes (all axes for None)."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (list, tuple)):
        axes = tuple(int(a) for a in axis)
    else:
        axes = (int(axis),)
    out = []
    for a in axes:
        if not -ndim <= a < max(ndim, 1):
            raise ValueError('%s: axis %d is out of range for a tensor of rank %d' % (op_name, a, ndim))
        out.append(a % ndim if ndim else 0)
    return tuple(sorted(set(out)))
