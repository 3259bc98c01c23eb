"""Pooling ops (N-d, channels_last): max and average pooling and their adjoints.

Attributes shared by every op here:
    pool: window size per spatial axis.
    strides: per spatial axis.
    padding: 'valid' or 'same' (TensorFlow split; 'same' average pooling
        divides by the count of unpadded elements).
    label: the K function name used in error messages.

Max pooling's gradient routes the upstream gradient to the first maximum of
each window (:class:`MaxPoolNDGrad`); that map is linear in the upstream
gradient and piecewise constant in `x`, and its adjoint is
:class:`MaxPoolNDSelect` (read values at the maxima), so second derivatives
work. Average pooling is linear; :class:`AvgPoolNDGrad` is its adjoint.
"""
from ..graph.op import Op, shapes_compatible
from ..graph.tensor import shape_str
from ..kernels import pool as kpool
from .conv import _out_spatial


class _PoolBase(Op):
    abstract = True
    #: the kernels allocate their results (lets the compiler reuse buffers around them)
    fresh_output = True

    def _args(self):
        return self.pool, self.strides, self.padding

    def _pooled_shape(self, x):
        nd = len(self.pool)
        if len(x.shape) != nd + 2:
            raise ValueError('%s: the input must have rank %d (batch, %d spatial dims, channels); got shape %s'
                             % (self.label, nd + 2, nd, shape_str(x.shape)))
        if self.padding not in ('valid', 'same'):
            raise ValueError('%s: padding must be "valid" or "same"; got %r' % (self.label, self.padding))
        out = _out_spatial(self.label, x.shape[1:-1], self.pool, self.strides, (1,) * nd, self.padding)
        return (x.shape[0],) + out + (x.shape[-1],)


class MaxPoolND(_PoolBase):
    """Max over each window of x (batch, *spatial, C)."""

    def infer(self, x):
        return self._pooled_shape(x), x.dtype

    def forward(self, x):
        return kpool.max_pool(x, *self._args())

    def grad(self, inputs, outputs, gs):
        return [MaxPoolNDGrad(**self.attrs)(inputs[0], outputs[0], gs[0])]


class MaxPoolNDGrad(_PoolBase):
    """Inputs (x, y, g): y = max pool of x; g (pooled shape) sent to the position of
    each window's first maximum."""

    def infer(self, x, y, g):
        expected = self._pooled_shape(x)
        if not shapes_compatible(g.shape, expected):
            raise ValueError('%s: gradient of shape %s does not match the pooled shape %s'
                             % (self.label, shape_str(g.shape), shape_str(expected)))
        return x.shape, g.dtype

    def forward(self, x, y, g):
        return kpool.max_pool_grad(x, y, g, *self._args())

    def grad(self, inputs, outputs, gs):
        x, y = inputs[:2]
        return [None, None, MaxPoolNDSelect(**self.attrs)(x, y, gs[0])]


class MaxPoolNDSelect(_PoolBase):
    """Inputs (x, y, h): y = max pool of x; h (shaped like x) read at the first maximum
    of each window of x."""

    def infer(self, x, y, h):
        return self._pooled_shape(x), h.dtype

    def forward(self, x, y, h):
        return kpool.max_pool_select(x, y, h, *self._args())

    def grad(self, inputs, outputs, gs):
        x, y = inputs[:2]
        return [None, None, MaxPoolNDGrad(**self.attrs)(x, y, gs[0])]


class AvgPoolND(_PoolBase):
    """Mean over the valid elements of each window of x (batch, *spatial, C)."""

    def infer(self, x):
        return self._pooled_shape(x), x.dtype

    def forward(self, x):
        return kpool.avg_pool(x, *self._args())

    def grad(self, inputs, outputs, gs):
        x = inputs[0]
        spatial = x.shape[1:-1]
        if None in spatial:
            return [AvgPoolNDGrad(spatial=spatial, **self.attrs)(gs[0], x)]
        return [AvgPoolNDGrad(spatial=spatial, **self.attrs)(gs[0])]


class AvgPoolNDGrad(_PoolBase):
    """The adjoint of :class:`AvgPoolND`: inputs `(g,)` or `(g, like)`, result of spatial
    shape `spatial` (attribute) or that of `like` at run time."""

    def infer(self, g, like=None):
        spatial = tuple(self.spatial) if like is None else like.shape[1:-1]
        return (g.shape[0],) + tuple(spatial) + (g.shape[-1],), g.dtype

    def forward(self, g, like=None):
        spatial = tuple(self.spatial) if like is None else like.shape[1:-1]
        return kpool.avg_pool_grad(g, spatial, *self._args())

    def grad(self, inputs, outputs, gs):
        attrs = {k: v for k, v in self.attrs.items() if k != 'spatial'}
        return [AvgPoolND(**attrs)(gs[0])] + [None] * (len(inputs) - 1)


def pool_nd(x, pool, strides, padding, mode, label='pool'):
    """Builds a channels_last max ('max') or average ('avg') pooling node."""
    attrs = dict(pool=tuple(int(p) for p in pool), strides=tuple(int(s) for s in strides),
                 padding=padding, label=label)
    if mode == 'max':
        return MaxPoolND(**attrs)(x)
    if mode == 'avg':
        return AvgPoolND(**attrs)(x)
    raise ValueError('%s: invalid pool_mode %r; expected "max" or "avg"' % (label, mode))
