"""K surface, part 7: convolution, pooling, locally-connected ops and image resizing.

Every function follows the Keras 2.2 signature. Data is processed channels_last
internally: channels_first inputs are transposed at the edges (numpy transposes
are views, the im2col copy absorbs the strides). All convolutions go through one
N-d grouped convolution op (:mod:`minikeras.backend.ops.conv`): conv1d/2d/3d,
dilation, depthwise (groups = channels), separable (depthwise then 1x1), and the
transposed convolutions (the convolution's adjoint in its input).
"""
from .. import state
from ..graph.tensor import Tensor, shape_str
from ..kernels import xp
from ..ops import conv as conv_ops
from ..ops import linalg
from ..ops import pool as pool_ops
from ..ops import shape as shape_ops
from ..ops.elementwise import constant

__all__ = ['conv1d', 'conv2d', 'conv3d', 'conv2d_transpose', 'conv3d_transpose', 'separable_conv1d',
           'separable_conv2d', 'depthwise_conv2d', 'pool2d', 'pool3d', 'local_conv1d', 'local_conv2d',
           'resize_images', 'resize_volumes']


# Argument normalisation -----------------------------------------------------------------
def _tuple(value, n, name, label):
    """An int or a sequence of n ints -> tuple of n positive ints."""
    if isinstance(value, (int, xp.integer)):
        values = (int(value),) * n
    else:
        values = tuple(int(v) for v in value)
    if len(values) != n or any(v < 1 for v in values):
        raise ValueError('%s: `%s` must be a positive int or a tuple of %d positive ints; got %r'
                         % (label, name, n, value))
    return values


def _padding(padding, label, allowed=('valid', 'same')):
    mode = str(padding).lower()
    if mode not in allowed:
        raise ValueError('%s: invalid `padding` %r; expected one of %s' % (label, padding, allowed))
    return mode


def _check_rank(x, nd, label, what='input'):
    if not isinstance(x, Tensor):
        raise TypeError('%s: `%s` must be a symbolic tensor, got %s' % (label, what, type(x).__name__))
    if len(x.shape) != nd + 2:
        raise ValueError('%s: `%s` must have rank %d; got shape %s' % (label, what, nd + 2, shape_str(x.shape)))


def _to_last(x, data_format):
    """channels_first -> channels_last (a no-op for channels_last)."""
    if data_format != 'channels_first':
        return x
    n = len(x.shape)
    return shape_ops.Transpose(perm=(0,) + tuple(range(2, n)) + (1,))(x)


def _from_last(y, data_format):
    """channels_last -> data_format."""
    if data_format != 'channels_first':
        return y
    n = len(y.shape)
    return shape_ops.Transpose(perm=(0, n - 1) + tuple(range(1, n - 1)))(y)


def _conv(x, kernel, nd, strides, padding, data_format, dilation_rate, label, allowed=('valid', 'same')):
    data_format = state.normalize_data_format(data_format)
    _check_rank(x, nd, label)
    _check_rank(kernel, nd, label, 'kernel')
    strides = _tuple(strides, nd, 'strides', label)
    dilation = _tuple(dilation_rate, nd, 'dilation_rate', label)
    padding = _padding(padding, label, allowed)
    y = conv_ops.conv_nd(_to_last(x, data_format), kernel, strides, dilation, padding, label=label)
    return _from_last(y, data_format)


# Convolutions ---------------------------------------------------------------------------------
def conv1d(x, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    """1D convolution.

    Args:
        x: tensor (batch, steps, channels), or (batch, channels, steps) for channels_first.
        kernel: (kernel_size, in_channels, filters).
        strides: int or tuple of 1 int.
        padding: 'valid', 'same' or 'causal' (left padding so that output t
            only sees inputs <= t).
        data_format: 'channels_last' or 'channels_first' (default: K.image_data_format()).
        dilation_rate: int or tuple of 1 int.

    Returns:
        The convolved tensor, in `data_format`.

    Raises:
        ValueError: for an unknown padding/data_format or mismatched channels.

    Example:
        >>> y = K.conv1d(K.placeholder((None, 10, 3)), K.variable(np.ones((3, 3, 8))), padding='causal')
        >>> K.int_shape(y)
        (None, 10, 8)
    """
    return _conv(x, kernel, 1, strides, padding, data_format, dilation_rate, 'conv1d',
                 allowed=('valid', 'same', 'causal'))


def conv2d(x, kernel, strides=(1, 1), padding='valid', data_format=None, dilation_rate=(1, 1)):
    """2D convolution (cross-correlation, as Keras/TF).

    Args:
        x: tensor (batch, rows, cols, channels), or (batch, channels, rows, cols).
        kernel: (kernel_rows, kernel_cols, in_channels, filters).
        strides: tuple of 2 ints.
        padding: 'valid' or 'same' (TensorFlow's split: the extra padding goes after).
        data_format: 'channels_last' or 'channels_first' (default: K.image_data_format()).
        dilation_rate: tuple of 2 ints.

    Returns:
        The convolved tensor, in `data_format`.

    Raises:
        ValueError: for an unknown padding/data_format or mismatched channels.
    """
    return _conv(x, kernel, 2, strides, padding, data_format, dilation_rate, 'conv2d')


def conv3d(x, kernel, strides=(1, 1, 1), padding='valid', data_format=None, dilation_rate=(1, 1, 1)):
    """3D convolution; like :func:`conv2d` with 3 spatial axes, kernel (kd, kh, kw, in, filters)."""
    return _conv(x, kernel, 3, strides, padding, data_format, dilation_rate, 'conv3d')


def _conv_transpose(x, kernel, output_shape, nd, strides, padding, data_format, dilation_rate, label):
    data_format = state.normalize_data_format(data_format)
    _check_rank(x, nd, label)
    _check_rank(kernel, nd, label, 'kernel')
    strides = _tuple(strides, nd, 'strides', label)
    dilation = _tuple(dilation_rate, nd, 'dilation_rate', label)
    padding = _padding(padding, label)
    if isinstance(output_shape, Tensor):
        raise ValueError('%s: `output_shape` must be a tuple (its batch entry may be a tensor); a shape given '
                         'as one tensor is not supported by the numpy backend' % label)
    output_shape = list(output_shape)
    if len(output_shape) != nd + 2:
        raise ValueError('%s: `output_shape` must have %d entries (batch, spatial..., channels); got %r'
                         % (label, nd + 2, output_shape))
    if data_format == 'channels_first':
        out_channels, out_spatial = output_shape[1], output_shape[2:]
    else:
        out_channels, out_spatial = output_shape[-1], output_shape[1:-1]
    x_last = _to_last(x, data_format)
    ksize = kernel.shape[:nd]
    spatial = []
    for i, (n, k, s, d) in enumerate(zip(out_spatial, ksize, strides, dilation)):
        if isinstance(n, (int, xp.integer)):
            spatial.append(int(n))
            continue
        # Unknown (None or a tensor): the smallest output whose convolution gives x's length.
        m = x_last.shape[1 + i]
        if m is None:
            raise ValueError('%s: the spatial entries of `output_shape` must be ints when the input spatial '
                             'shape is unknown; got %r for input shape %s'
                             % (label, output_shape, shape_str(x.shape)))
        spatial.append(m * s if padding == 'same' else (m - 1) * s + (k - 1) * d + 1)
    if isinstance(out_channels, (int, xp.integer)) and kernel.shape[-2] is not None \
            and int(out_channels) != kernel.shape[-2]:
        raise ValueError('%s: `output_shape` %r asks for %d channels but the kernel of shape %s produces %d '
                         '(transposed-convolution kernels are (*kernel_size, out_channels, in_channels))'
                         % (label, output_shape, out_channels, shape_str(kernel.shape), kernel.shape[-2]))
    y = conv_ops.conv_nd_transpose(x_last, kernel, spatial, strides, dilation, padding, label=label)
    return _from_last(y, data_format)


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding='valid', data_format=None,
                     dilation_rate=(1, 1)):
    """2D transposed convolution (the gradient of conv2d with respect to its input).

    Args:
        x: tensor (batch, rows, cols, in_channels), or channels_first.
        kernel: (kernel_rows, kernel_cols, out_channels, in_channels).
        output_shape: (batch, out_rows, out_cols, out_channels) (or channels_first
            order). The batch entry is ignored (it may be a tensor); a spatial
            entry that is None or a tensor takes the default length
            (`in * stride` for 'same', `(in - 1) * stride + dilated_kernel` for 'valid').
        strides, padding, data_format, dilation_rate: as :func:`conv2d`.

    Returns:
        Tensor of shape `output_shape` (batch from `x`).

    Raises:
        ValueError: when `output_shape` is inconsistent with the input, the
            kernel, strides and padding.
    """
    return _conv_transpose(x, kernel, output_shape, 2, strides, padding, data_format, dilation_rate,
                           'conv2d_transpose')


def conv3d_transpose(x, kernel, output_shape, strides=(1, 1, 1), padding='valid', data_format=None,
                     dilation_rate=(1, 1, 1)):
    """3D transposed convolution; see :func:`conv2d_transpose`. Kernel (kd, kh, kw, out, in)."""
    return _conv_transpose(x, kernel, output_shape, 3, strides, padding, data_format, dilation_rate,
                           'conv3d_transpose')


def _depthwise_last(x_last, depthwise_kernel, nd, strides, padding, dilation, label):
    """Depthwise convolution of channels_last `x_last`: one group per input channel."""
    _check_rank(depthwise_kernel, nd, label, 'depthwise_kernel')
    ksize, c, mult = depthwise_kernel.shape[:nd], depthwise_kernel.shape[-2], depthwise_kernel.shape[-1]
    if None in ksize or c is None or mult is None:
        raise ValueError('%s: the depthwise kernel needs a static shape; got %s'
                         % (label, shape_str(depthwise_kernel.shape)))
    if x_last.shape[-1] is not None and x_last.shape[-1] != c:
        raise ValueError('%s: the input has %d channels but the depthwise kernel of shape %s expects %d '
                         '(depthwise kernels are (*kernel_size, in_channels, depth_multiplier))'
                         % (label, x_last.shape[-1], shape_str(depthwise_kernel.shape), c))
    grouped = shape_ops.Reshape(shape=tuple(ksize) + (1, c * mult))(depthwise_kernel)
    return conv_ops.conv_nd(x_last, grouped, strides, dilation, padding, groups=c, label=label)


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding='valid', data_format=None,
                     dilation_rate=(1, 1)):
    """2D depthwise convolution: each input channel convolved with its own filters.

    Args:
        x: tensor (batch, rows, cols, channels), or channels_first.
        depthwise_kernel: (kernel_rows, kernel_cols, channels, depth_multiplier).
            Output channel `c * depth_multiplier + m` comes from input channel c.
        strides, padding, data_format, dilation_rate: as :func:`conv2d`.

    Returns:
        Tensor with `channels * depth_multiplier` channels.
    """
    label = 'depthwise_conv2d'
    data_format = state.normalize_data_format(data_format)
    _check_rank(x, 2, label)
    y = _depthwise_last(_to_last(x, data_format), depthwise_kernel, 2, _tuple(strides, 2, 'strides', label),
                        _padding(padding, label), _tuple(dilation_rate, 2, 'dilation_rate', label), label)
    return _from_last(y, data_format)


def _separable(x, depthwise_kernel, pointwise_kernel, nd, strides, padding, data_format, dilation_rate, label):
    data_format = state.normalize_data_format(data_format)
    _check_rank(x, nd, label)
    _check_rank(pointwise_kernel, nd, label, 'pointwise_kernel')
    if any(k != 1 for k in pointwise_kernel.shape[:nd]):
        raise ValueError('%s: the pointwise kernel must be (%s in_channels * depth_multiplier, filters); got %s'
                         % (label, '1, ' * nd, shape_str(pointwise_kernel.shape)))
    y = _depthwise_last(_to_last(x, data_format), depthwise_kernel, nd, _tuple(strides, nd, 'strides', label),
                        _padding(padding, label), _tuple(dilation_rate, nd, 'dilation_rate', label), label)
    y = conv_ops.conv_nd(y, pointwise_kernel, (1,) * nd, (1,) * nd, 'valid', label=label)
    return _from_last(y, data_format)


def separable_conv1d(x, depthwise_kernel, pointwise_kernel, strides=1, padding='valid', data_format=None,
                     dilation_rate=1):
    """1D separable convolution: depthwise (kernel_size, in, multiplier) then pointwise (1, in * multiplier, filters)."""
    return _separable(x, depthwise_kernel, pointwise_kernel, 1, strides, padding, data_format, dilation_rate,
                      'separable_conv1d')


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1), padding='valid', data_format=None,
                     dilation_rate=(1, 1)):
    """2D separable convolution: a depthwise convolution then a 1x1 convolution.

    Args:
        x: tensor (batch, rows, cols, channels), or channels_first.
        depthwise_kernel: (kernel_rows, kernel_cols, channels, depth_multiplier).
        pointwise_kernel: (1, 1, channels * depth_multiplier, filters).
        strides, padding, dilation_rate: of the depthwise step.
        data_format: 'channels_last' or 'channels_first'.

    Returns:
        Tensor with `filters` channels.
    """
    return _separable(x, depthwise_kernel, pointwise_kernel, 2, strides, padding, data_format, dilation_rate,
                      'separable_conv2d')


# Pooling ----------------------------------------------------------------------------------------
def _pool(x, nd, pool_size, strides, padding, data_format, pool_mode, label):
    data_format = state.normalize_data_format(data_format)
    _check_rank(x, nd, label)
    pool = _tuple(pool_size, nd, 'pool_size', label)
    strides = _tuple(strides, nd, 'strides', label)
    padding = _padding(padding, label)
    if pool_mode not in ('max', 'avg'):
        raise ValueError('%s: invalid `pool_mode` %r; expected "max" or "avg"' % (label, pool_mode))
    y = pool_ops.pool_nd(_to_last(x, data_format), pool, strides, padding, pool_mode, label=label)
    return _from_last(y, data_format)


def pool2d(x, pool_size, strides=(1, 1), padding='valid', data_format=None, pool_mode='max'):
    """2D max or average pooling.

    Args:
        x: tensor (batch, rows, cols, channels), or channels_first.
        pool_size: tuple of 2 ints.
        strides: tuple of 2 ints.
        padding: 'valid' or 'same'. 'same' average pooling divides each window
            by its number of unpadded elements (as TensorFlow).
        data_format: 'channels_last' or 'channels_first'.
        pool_mode: 'max' or 'avg'.

    Returns:
        The pooled tensor, in `data_format`.
    """
    return _pool(x, 2, pool_size, strides, padding, data_format, pool_mode, 'pool2d')


def pool3d(x, pool_size, strides=(1, 1, 1), padding='valid', data_format=None, pool_mode='max'):
    """3D max or average pooling; see :func:`pool2d`."""
    return _pool(x, 3, pool_size, strides, padding, data_format, pool_mode, 'pool3d')


# Locally connected -------------------------------------------------------------------------------
def _local_conv(inputs, kernel, kernel_size, strides, output_shape, data_format, nd, label):
    data_format = state.normalize_data_format(data_format)
    _check_rank(inputs, nd, label, 'inputs')
    ksize = _tuple(kernel_size, nd, 'kernel_size', label)
    strides = _tuple(strides, nd, 'strides', label)
    if len(kernel.shape) != 3:
        raise ValueError('%s: the kernel must be (output_positions, feature_dim, filters); got %s'
                         % (label, shape_str(kernel.shape)))
    x_last = _to_last(inputs, data_format)
    patches = conv_ops.extract_patches(x_last, ksize, strides, label=label)  # (B, *out, *k, C)
    out = patches.shape[1:1 + nd]
    if output_shape is not None and None not in out and tuple(out) != tuple(int(d) for d in output_shape):
        raise ValueError('%s: `output_shape` %r does not match the %s output of kernel_size %s and strides %s on '
                         'inputs of shape %s' % (label, tuple(output_shape), out, ksize, strides,
                                                 shape_str(inputs.shape)))
    if None in out or x_last.shape[-1] is None:
        raise ValueError('%s: the input spatial shape and channels must be known; got %s'
                         % (label, shape_str(inputs.shape)))
    positions = int(xp.prod(out))
    feature_dim = int(xp.prod(ksize)) * x_last.shape[-1]
    if kernel.shape[0] != positions or kernel.shape[1] != feature_dim:
        raise ValueError('%s: the kernel of shape %s does not fit: expected (%d, %d, filters) for %d output '
                         'positions of %d features (inputs %s, kernel_size %s, strides %s)'
                         % (label, shape_str(kernel.shape), positions, feature_dim, positions, feature_dim,
                            shape_str(inputs.shape), ksize, strides))
    if data_format == 'channels_first':
        # Keras flattens channels_first windows as (channels, *kernel_size).
        perm = tuple(range(1 + nd)) + (1 + 2 * nd,) + tuple(range(1 + nd, 1 + 2 * nd))
        patches = shape_ops.Transpose(perm=perm)(patches)
    flat = shape_ops.Reshape(shape=(-1, positions, feature_dim))(patches)
    per_position = shape_ops.Transpose(perm=(1, 0, 2))(flat)  # (positions, batch, features)
    y = linalg.matmul(per_position, kernel)  # (positions, batch, filters)
    y = shape_ops.Transpose(perm=(1, 0, 2))(y)
    filters = kernel.shape[-1]
    y = shape_ops.Reshape(shape=(-1,) + tuple(out) + (filters if filters is not None else -1,))(y)
    return _from_last(y, data_format)


def local_conv1d(inputs, kernel, kernel_size, strides, data_format=None):
    """1D convolution with unshared weights (LocallyConnected1D).

    Args:
        inputs: (batch, steps, channels) (channels_first: (batch, channels, steps)).
        kernel: (output_length, kernel_size * channels, filters); features are
            ordered (kernel position, channel), or (channel, kernel position)
            for channels_first.
        kernel_size: tuple of 1 int.
        strides: tuple of 1 int.
        data_format: 'channels_last' or 'channels_first' (the output follows it).

    Returns:
        (batch, output_length, filters), or (batch, filters, output_length).
    """
    return _local_conv(inputs, kernel, kernel_size, strides, None, data_format, 1, 'local_conv1d')


def local_conv2d(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    """2D convolution with unshared weights (LocallyConnected2D).

    Args:
        inputs: (batch, rows, cols, channels), or (batch, channels, rows, cols).
        kernel: (output_rows * output_cols, kernel_rows * kernel_cols * channels, filters);
            features ordered (row, col, channel), or (channel, row, col) for channels_first.
        kernel_size: tuple of 2 ints.
        strides: tuple of 2 ints.
        output_shape: (output_rows, output_cols).
        data_format: 'channels_last' or 'channels_first'.

    Returns:
        (batch, output_rows, output_cols, filters), or (batch, filters, output_rows, output_cols).
    """
    return _local_conv(inputs, kernel, kernel_size, strides, output_shape, data_format, 2, 'local_conv2d')


# Resizing ------------------------------------------------------------------------------------------
def _nearest(x, factors, axes):
    for factor, axis in zip(factors, axes):
        if factor != 1:
            x = shape_ops.RepeatElements(rep=int(factor), axis=axis)(x)
    return x


def _bilinear_matrix(n_in, factor, dtype):
    """(n_in * factor, n_in) interpolation matrix of TF1's resize_bilinear (align_corners=False,
    no half-pixel offset): output i samples input position i / factor."""
    n_out = n_in * factor
    src = xp.arange(n_out) / float(factor)
    lo = xp.floor(src).astype(int)
    hi = xp.minimum(lo + 1, n_in - 1)
    frac = src - lo
    m = xp.zeros((n_out, n_in))
    m[xp.arange(n_out), lo] += 1 - frac
    m[xp.arange(n_out), hi] += frac
    return m.astype(dtype)


def resize_images(x, height_factor, width_factor, data_format, interpolation='nearest'):
    """Resizes the rows and columns of a 4D tensor by integer factors.

    Args:
        x: (batch, rows, cols, channels) or (batch, channels, rows, cols).
        height_factor, width_factor: positive ints.
        data_format: 'channels_last' or 'channels_first'.
        interpolation: 'nearest' (each pixel repeated) or 'bilinear' (Keras 2.2
            / TF1 `resize_bilinear` geometry: output pixel i samples input
            coordinate i / factor, clamped at the border).

    Returns:
        The resized tensor.
    """
    label = 'resize_images'
    data_format = state.normalize_data_format(data_format)
    _check_rank(x, 2, label)
    factors = _tuple((height_factor, width_factor), 2, 'height_factor/width_factor', label)
    if interpolation == 'nearest':
        axes = (2, 3) if data_format == 'channels_first' else (1, 2)
        return _nearest(x, factors, axes)
    if interpolation != 'bilinear':
        raise ValueError('%s: `interpolation` must be "nearest" or "bilinear"; got %r' % (label, interpolation))
    if data_format == 'channels_first':
        xf = x
    else:
        xf = shape_ops.Transpose(perm=(0, 3, 1, 2))(x)
    c, h, w = xf.shape[1:]
    if h is None or w is None or c is None:
        raise ValueError('%s: bilinear resizing needs static rows, cols and channels; got input shape %s'
                         % (label, shape_str(x.shape)))
    a_h = constant(_bilinear_matrix(h, factors[0], x.dtype)[None])  # (1, H', H)
    a_w = constant(_bilinear_matrix(w, factors[1], x.dtype).T[None])  # (1, W, W')
    y = shape_ops.Reshape(shape=(-1, h, w))(xf)
    y = linalg.matmul(linalg.matmul(a_h, y), a_w)  # (B*C, H', W')
    y = shape_ops.Reshape(shape=(-1, c, h * factors[0], w * factors[1]))(y)
    if data_format == 'channels_first':
        return y
    return shape_ops.Transpose(perm=(0, 2, 3, 1))(y)


def resize_volumes(x, depth_factor, height_factor, width_factor, data_format):
    """Resizes the three spatial axes of a 5D tensor by repeating elements (nearest).

    Args:
        x: (batch, depth, rows, cols, channels) or (batch, channels, depth, rows, cols).
        depth_factor, height_factor, width_factor: positive ints.
        data_format: 'channels_last' or 'channels_first'.
    """
    label = 'resize_volumes'
    data_format = state.normalize_data_format(data_format)
    _check_rank(x, 3, label)
    factors = _tuple((depth_factor, height_factor, width_factor), 3, 'factors', label)
    axes = (2, 3, 4) if data_format == 'channels_first' else (1, 2, 3)
    return _nearest(x, factors, axes)
