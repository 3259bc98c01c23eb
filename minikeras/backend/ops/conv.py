"""Convolution ops: one N-d grouped convolution and its two adjoints, plus patch
extraction (for locally-connected layers).

All ops here take *channels_last* tensors (``(batch, *spatial, channels)``) and
Keras/TF kernels ``(*kernel_size, in_channels // groups, out_channels)``; the
``K.*`` functions transpose channels_first data at the edges. The three
convolution ops are bilinear maps tied by adjointness::

    <ConvND(x, w), g> = <x, ConvNDGradInput(g, w)> = <w, ConvNDGradKernel(x, g)>

so each one's gradient is expressed through the other two and derivatives of
any order exist. ``ConvNDGradInput`` is also the transposed convolution.

Attributes shared by the three ops:
    strides, dilation: tuples, one entry per spatial axis.
    padding: 'valid', 'same' (TensorFlow split), 'causal', or a tuple of
        (before, after) pairs per spatial axis.
    groups: number of channel groups (1: ordinary convolution; the number of
        input channels: depthwise convolution).
    label: the K function name used in error messages.
"""
from ..graph.op import Op, result_dtype
from ..graph.tensor import shape_str
from ..kernels import conv as kconv


def _check_rank(label, what, tensor, nd):
    if len(tensor.shape) != nd + 2:
        raise ValueError('%s: %s must have rank %d (batch, %d spatial dims, channels); got shape %s'
                         % (label, what, nd + 2, nd, shape_str(tensor.shape)))


def _check_kernel_rank(label, w, nd):
    if len(w.shape) != nd + 2:
        raise ValueError('%s: the kernel must have rank %d (*kernel_size, in_channels, out_channels); got shape %s'
                         % (label, nd + 2, shape_str(w.shape)))


def _check_kernel(label, x_shape, w_shape, groups):
    """Checks the channels of input `x_shape` against kernel `w_shape`."""
    c, cg, o = x_shape[-1], w_shape[-2], w_shape[-1]
    if c is not None and cg is not None and c != cg * groups:
        if groups == 1:
            raise ValueError('%s: the input has %d channels (shape %s) but the kernel of shape %s expects %d '
                             'input channels (kernel shape is (*kernel_size, in_channels, out_channels))'
                             % (label, c, shape_str(x_shape), shape_str(w_shape), cg))
        raise ValueError('%s: the input has %d channels (shape %s) but the kernel of shape %s with %d groups '
                         'expects %d' % (label, c, shape_str(x_shape), shape_str(w_shape), groups, cg * groups))
    if o is not None and o % groups:
        raise ValueError('%s: %d output channels (kernel shape %s) do not split into %d groups'
                         % (label, o, shape_str(w_shape), groups))


def _out_spatial(label, spatial, ksize, strides, dilation, padding):
    out = kconv.output_spatial(spatial, ksize, strides, dilation, padding)
    for n, k, d, m in zip(spatial, ksize, dilation, out):
        if m is not None and m <= 0:
            raise ValueError('%s: a window of size %d (dilated to %d) does not fit the input spatial shape %s '
                             'with padding %r' % (label, k, kconv.effective_size(k, d), shape_str(spatial), padding))
    return out


class _ConvBase(Op):
    abstract = True
    #: the kernels allocate their results (lets the compiler reuse buffers around them)
    fresh_output = True
    @property
    def nd(self):
        return len(self.strides)

    def _geometry(self):
        return dict(strides=self.strides, dilation=self.dilation, padding=self.padding, groups=self.groups)

    def _same(self, cls, **extra):
        attrs = dict(strides=self.strides, dilation=self.dilation, padding=self.padding, groups=self.groups,
                     label=self.label)
        attrs.update(extra)
        return cls(**attrs)


class ConvND(_ConvBase):
    """`y = conv(x, w)`: x (batch, *spatial, C), w (*kernel_size, C // groups, O)."""

    def infer(self, x, w):
        nd = self.nd
        _check_rank(self.label, 'the input', x, nd)
        _check_kernel_rank(self.label, w, nd)
        _check_kernel(self.label, x.shape, w.shape, self.groups)
        out = _out_spatial(self.label, x.shape[1:-1], w.shape[:nd], self.strides, self.dilation, self.padding)
        return (x.shape[0],) + out + (w.shape[-1],), result_dtype(x.dtype, w.dtype)

    def forward(self, x, w):
        return kconv.conv_forward(x, w, **self._geometry())

    def grad(self, inputs, outputs, gs):
        x, w = inputs
        g = gs[0]
        nd = self.nd
        spatial = x.shape[1:-1]
        if None in spatial:
            gx = self._same(ConvNDGradInput, spatial=spatial)(g, w, x)
        else:
            gx = self._same(ConvNDGradInput, spatial=spatial)(g, w)
        gw = self._same(ConvNDGradKernel, ksize=tuple(w.shape[:nd]))(x, g)
        return [gx, gw]


class ConvNDGradInput(_ConvBase):
    """The adjoint of :class:`ConvND` in `x` (transposed convolution).

    Inputs are `(g, w)` or `(g, w, like)`: g (batch, *out_spatial, O), w the
    kernel; the result has spatial shape `spatial` (attribute), or that of
    `like` at run time when given (its values are not read).
    """

    def infer(self, g, w, like=None):
        nd = self.nd
        _check_rank(self.label, 'the input', g, nd)
        _check_kernel_rank(self.label, w, nd)
        o = w.shape[-1]
        if g.shape[-1] is not None and o is not None and g.shape[-1] != o:
            raise ValueError('%s: the input has %d channels (shape %s) but the kernel of shape %s has %d '
                             '(transposed-convolution kernels are (*kernel_size, out_channels, in_channels))'
                             % (self.label, g.shape[-1], shape_str(g.shape), shape_str(w.shape), o))
        spatial = tuple(self.spatial) if like is None else like.shape[1:-1]
        expected = _out_spatial(self.label, spatial, w.shape[:nd], self.strides, self.dilation, self.padding)
        for e, m in zip(expected, g.shape[1:-1]):
            if e is not None and m is not None and e != m:
                raise ValueError('%s: an output of spatial shape %s is incompatible with an input of spatial '
                                 'shape %s (kernel %s, strides %s, padding %r give %s)'
                                 % (self.label, shape_str(spatial), shape_str(g.shape[1:-1]),
                                    shape_str(w.shape[:nd]), self.strides, self.padding, shape_str(expected)))
        c = None if w.shape[-2] is None else w.shape[-2] * self.groups
        return (g.shape[0],) + tuple(spatial) + (c,), result_dtype(g.dtype, w.dtype)

    def forward(self, g, w, like=None):
        spatial = tuple(self.spatial) if like is None else like.shape[1:-1]
        dx = kconv.conv_grad_input_narrow(g, w, spatial, **self._geometry())
        return dx if dx is not None else kconv.conv_grad_input(g, w, spatial, **self._geometry())

    def grad(self, inputs, outputs, gs):
        g, w = inputs[:2]
        h = gs[0]  # shaped like the convolution's input
        gg = self._same(ConvND)(h, w)
        gw = self._same(ConvNDGradKernel, ksize=tuple(w.shape[:self.nd]))(h, g)
        return [gg, gw] + [None] * (len(inputs) - 2)


class ConvNDGradKernel(_ConvBase):
    """The adjoint of :class:`ConvND` in `w`: inputs `(x, g)`, kernel size `ksize`."""

    def infer(self, x, g):
        nd = self.nd
        _check_rank(self.label, 'the input', x, nd)
        _check_rank(self.label, 'the output gradient', g, nd)
        c = x.shape[-1]
        cg = None if c is None else c // self.groups
        return tuple(self.ksize) + (cg, g.shape[-1]), result_dtype(x.dtype, g.dtype)

    def forward(self, x, g):
        return kconv.conv_grad_kernel(x, g, self.ksize, **self._geometry())

    def grad(self, inputs, outputs, gs):
        x, g = inputs
        h = gs[0]  # shaped like the kernel
        spatial = x.shape[1:-1]
        if None in spatial:
            gx = self._same(ConvNDGradInput, spatial=spatial)(g, h, x)
        else:
            gx = self._same(ConvNDGradInput, spatial=spatial)(g, h)
        gg = self._same(ConvND)(x, h)
        return [gx, gg]


class ExtractPatches(Op):
    """Windows of x (batch, *spatial, C) as (batch, *out_spatial, *ksize, C).

    Attributes: ksize, strides, dilation, padding (as the conv ops), label.
    """

    def infer(self, x):
        nd = len(self.ksize)
        _check_rank(self.label, 'the input', x, nd)
        out = _out_spatial(self.label, x.shape[1:-1], self.ksize, self.strides, self.dilation, self.padding)
        return (x.shape[0],) + out + tuple(self.ksize) + (x.shape[-1],), x.dtype

    def forward(self, x):
        return kconv.extract_patches(x, self.ksize, self.strides, self.dilation, self.padding)

    def grad(self, inputs, outputs, gs):
        return [ExtractPatchesGrad(**self.attrs)(gs[0], inputs[0])]


class ExtractPatchesGrad(Op):
    """The adjoint of :class:`ExtractPatches` (col2im): inputs `(g, like)`."""
    fresh_output = True

    def infer(self, g, like):
        return like.shape, g.dtype

    def forward(self, g, like):
        return kconv.col2im(g, like.shape[1:-1], self.ksize, self.strides, self.dilation, self.padding)

    def grad(self, inputs, outputs, gs):
        return [ExtractPatches(**self.attrs)(gs[0]), None]


def conv_nd(x, w, strides, dilation, padding, groups=1, label='conv'):
    """Builds a channels_last :class:`ConvND` node."""
    return ConvND(strides=tuple(strides), dilation=tuple(dilation), padding=_padding_attr(padding),
                  groups=int(groups), label=label)(x, w)


def conv_nd_transpose(x, w, spatial, strides, dilation, padding, label='conv_transpose'):
    """Builds a channels_last transposed convolution producing spatial shape `spatial`."""
    return ConvNDGradInput(strides=tuple(strides), dilation=tuple(dilation), padding=_padding_attr(padding),
                           groups=1, label=label, spatial=tuple(spatial))(x, w)


def extract_patches(x, ksize, strides, dilation=None, padding='valid', label='extract_patches'):
    dilation = dilation or (1,) * len(ksize)
    return ExtractPatches(ksize=tuple(ksize), strides=tuple(strides), dilation=tuple(dilation),
                          padding=_padding_attr(padding), label=label)(x)


def _padding_attr(padding):
    if isinstance(padding, str):
        return padding
    return tuple((int(a), int(b)) for a, b in padding)
