"""Shape arithmetic shared by the convolution, pooling and locally-connected layers.

The output-length and padding geometry has one definition, in the backend's
convolution kernels (`minikeras.backend.kernels.conv`); `normalize_data_format`
is the backend's. This module adds the Keras 2 helpers around them.

All functions work on plain Python ints (None stands for an unknown length)
and follow TensorFlow's conventions, which Keras 2 inherits:

* ``'valid'``: no padding; the window must fit entirely in the input.
* ``'same'``: the output has ``ceil(length / stride)`` positions.
* ``'causal'`` (1D only): left padding so that output ``t`` sees inputs ``<= t``;
  the output length is that of ``'same'``.
* ``'full'``: every partial overlap counts (only used by `conv_input_length`
  and `deconv_length`).

Example::

    >>> conv_output_length(28, 3, 'valid', 1)
    26
    >>> deconv_length(5, 2, 3, 'same', None)
    10
"""
import numpy as np

from ..backend.kernels.conv import effective_size, output_length

_PADDINGS = ('valid', 'same', 'causal', 'full')


def normalize_tuple(value, n, name):
    """Turns an int or an iterable of n ints into a tuple of n ints.

    Args:
        value: an int, or an iterable (list/tuple) of ints.
        n: the length of the returned tuple.
        name: the argument's name, used in error messages.

    Returns:
        A tuple of n ints.

    Raises:
        ValueError: `value` is neither an int nor an iterable of n ints.
    """
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),) * n
    try:
        values = tuple(value)
    except TypeError:
        raise ValueError('The `%s` argument must be an int or a tuple of %d ints; received %r'
                         % (name, n, value))
    if len(values) != n:
        raise ValueError('The `%s` argument must be an int or a tuple of %d ints; received %r'
                         % (name, n, value))
    result = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError('The `%s` argument must be an int or a tuple of %d ints; received %r, '
                             'whose element %r is not an int' % (name, n, value, v))
        result.append(int(v))
    return tuple(result)


class PaddingError(ValueError, AssertionError):
    """An unknown padding mode given to `conv_output_length` / `conv_input_length`.

    A `ValueError`, and also an `AssertionError`, which is what Keras 2's
    length helpers raised for it (code written for Keras 2 may catch that).
    """


def _length_padding(value):
    try:
        return normalize_padding(value)
    except ValueError as e:
        raise PaddingError(str(e))


def normalize_padding(value):
    """Lower-cases and checks a padding mode ('valid', 'same', 'causal' or 'full').

    Raises:
        ValueError: an unknown padding mode.
    """
    padding = str(value).lower()
    if padding not in _PADDINGS:
        raise ValueError('The `padding` argument must be one of "valid", "same" (or "causal", only for '
                         '`Conv1D`); received %r' % (value,))
    return padding


def normalize_data_format(value):
    """`value` lower-cased and checked, or `K.image_data_format()` when it is None.

    The backend's `K.normalize_data_format` does the work (one definition);
    a value that is not a string is checked as its `str()`.

    Raises:
        ValueError: neither "channels_first" nor "channels_last".
    """
    from .. import backend as K
    return K.normalize_data_format(value if value is None or isinstance(value, str) else str(value))


def dilated_kernel_size(kernel_size, dilation=1):
    """The extent of a dilated kernel: `k + (k - 1) * (dilation - 1)`."""
    return effective_size(kernel_size, dilation)


def conv_output_length(input_length, filter_size, padding, stride, dilation=1):
    """The output length of a convolution or pooling along one axis.

    The convolution kernels' own geometry computes it (`output_length` of
    `minikeras.backend.kernels.conv`, what the ops infer and run with); 'full'
    padding is `extent - 1` elements on both sides.

    Args:
        input_length: int or None.
        filter_size: kernel (or pool) size.
        padding: 'valid', 'same', 'causal' or 'full'.
        stride: int.
        dilation: dilation rate.

    Returns:
        The output length (None when `input_length` is None).

    Raises:
        PaddingError: an unknown padding mode.
    """
    if input_length is None:
        return None
    padding = _length_padding(padding)
    if padding == 'full':
        extent = effective_size(filter_size, dilation)
        padding = (extent - 1, extent - 1)
    return output_length(input_length, filter_size, stride, dilation, padding)


def conv_input_length(output_length, filter_size, padding, stride):
    """The input length that a convolution maps to `output_length` (the smallest such one).

    Args:
        output_length: int or None.
        filter_size: kernel size.
        padding: 'valid', 'same' or 'full'.
        stride: int.

    Returns:
        The input length (None when `output_length` is None).

    Raises:
        PaddingError: an unknown padding mode (or 'causal').
    """
    if output_length is None:
        return None
    padding = _length_padding(padding)
    if padding == 'same':
        pad = filter_size // 2
    elif padding == 'valid':
        pad = 0
    elif padding == 'full':
        pad = filter_size - 1
    else:
        raise PaddingError('conv_input_length: padding %r is not supported' % padding)
    return (output_length - 1) * stride - 2 * pad + filter_size


def deconv_length(dim_size, stride_size, kernel_size, padding, output_padding, dilation=1):
    """The output length of a transposed convolution along one axis.

    Without `output_padding` this is the smallest length whose convolution
    has `dim_size` positions, as Keras 2 infers it: `dim * stride` for 'same',
    `dim * stride + max(kernel - stride, 0)` for 'valid'. With `output_padding`
    the length is `(dim - 1) * stride + kernel - 2 * pad + output_padding`,
    where pad is `kernel // 2` for 'same' and 0 for 'valid'.

    Args:
        dim_size: the input length (int or None).
        stride_size: the stride.
        kernel_size: the kernel size (before dilation).
        padding: 'valid', 'same' or 'full'.
        output_padding: int or None.
        dilation: dilation rate.

    Returns:
        The output length (None when `dim_size` is None).
    """
    if dim_size is None:
        return None
    padding = normalize_padding(padding)
    extent = effective_size(kernel_size, dilation)
    if output_padding is None:
        if padding == 'valid':
            return dim_size * stride_size + max(extent - stride_size, 0)
        if padding == 'full':
            return dim_size * stride_size - (stride_size + extent - 2)
        if padding == 'same':
            return dim_size * stride_size
        raise ValueError('deconv_length: padding %r is not supported' % padding)
    if padding == 'same':
        pad = extent // 2
    elif padding == 'valid':
        pad = 0
    elif padding == 'full':
        pad = extent - 1
    else:
        raise ValueError('deconv_length: padding %r is not supported' % padding)
    return (dim_size - 1) * stride_size + extent - 2 * pad + output_padding


def spatial_dims(input_shape, data_format, rank):
    """The `rank` spatial lengths of a `(batch, ...)` shape, as a list.

    Example::

        >>> spatial_dims((None, 3, 28, 28), 'channels_first', 2)
        [28, 28]
    """
    return list(input_shape[2:2 + rank]) if data_format == 'channels_first' else list(input_shape[1:1 + rank])


def with_spatial(input_shape, data_format, spatial, channels):
    """The shape `(batch, *spatial, channels)` (or channels first) with the batch size of `input_shape`."""
    if data_format == 'channels_first':
        return (input_shape[0], channels) + tuple(spatial)
    return (input_shape[0],) + tuple(spatial) + (channels,)


def convert_kernel(kernel):
    """A convolution kernel with its spatial axes reversed (Theano <-> TensorFlow kernels).

    Theano's convolution flips the kernel, TensorFlow's (and this backend's)
    does not; reversing every spatial axis turns one kind of kernel into the
    other. The last two axes (input and output channels) are kept.

    Args:
        kernel: numpy array `spatial dims + (in_channels, out_channels)`.

    Returns:
        A new array of the same shape.

    Raises:
        ValueError: `kernel` has fewer than 3 dimensions.
    """
    kernel = np.asarray(kernel)
    if kernel.ndim < 3:
        raise ValueError('convert_kernel: expected a convolution kernel (spatial dims, in, out), got shape %s'
                         % (kernel.shape,))
    flip = (slice(None, None, -1),) * (kernel.ndim - 2) + (slice(None), slice(None))
    return np.copy(kernel[flip])
