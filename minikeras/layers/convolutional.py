"""Convolution layers, and (re-exported) the spatial helpers that go with them.

Convolutions: `Conv1D` (padding 'valid', 'same' or 'causal'), `Conv2D`,
`Conv3D`, `SeparableConv1D`, `SeparableConv2D`, `DepthwiseConv2D`,
`Conv2DTranspose`, `Conv3DTranspose`. The spatial helpers `Cropping1D/2D/3D`,
`UpSampling1D/2D/3D`, `ZeroPadding1D/2D/3D` live in `convolutional_spatial.py`
and are importable from here too, as in Keras 2.2.

Every layer takes `data_format` ('channels_last': `(batch, *spatial, channels)`,
'channels_first': `(batch, channels, *spatial)`; the default is
`K.image_data_format()`, except for the 1D layers, which default to
'channels_last' as in Keras 2.2). Arguments, defaults, weight shapes and
`get_config()` follow Keras 2.2. Configs written by tf_keras are accepted: the
keys `groups` (must be 1) and, for separable convolutions, the unused
`kernel_initializer`/`kernel_regularizer`/`kernel_constraint` are ignored.

The Keras aliases are provided: `Convolution1D/2D/3D`,
`SeparableConvolution1D/2D`, `Conv2DTranspose` as `Deconvolution2D`/`Deconv2D`
(and `Convolution2DTranspose`), `Conv3DTranspose` as
`Deconvolution3D`/`Deconv3D` (and `Convolution3DTranspose`).

As in Keras 2.2, the pooling layers `MaxPooling1D/2D/3D` and
`AveragePooling1D/2D/3D` and the Keras 1 `AtrousConvolution1D/2D` (also
`AtrousConv1D/2D`) are importable from here too.
"""
from .. import activations, constraints, initializers, regularizers
from .. import backend as K
from ..engine.base_layer import InputSpec, Layer
from ..utils import conv_utils
from .convolutional_spatial import (Cropping1D, Cropping2D, Cropping3D, UpSampling1D, UpSampling2D,  # noqa: F401
                                    UpSampling3D, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D)
from .pooling import (AveragePooling1D, AveragePooling2D, AveragePooling3D, MaxPooling1D,  # noqa: F401
                      MaxPooling2D, MaxPooling3D)
from ..legacy.layers import AtrousConvolution1D, AtrousConvolution2D  # noqa: F401


def _pop_tf_keras_keys(kwargs, layer_name, extra=()):
    """Removes config keys that tf_keras writes and Keras 2.2 does not have.

    `groups` must be 1 (grouped convolutions are not part of the Keras 2 API);
    `rank` may appear in configs written by Keras 2.2's private base class.
    """
    groups = kwargs.pop('groups', 1)
    if groups != 1:
        raise ValueError('%s: `groups=%r` is not supported (only groups=1, as in Keras 2.2)' % (layer_name, groups))
    kwargs.pop('rank', None)
    for key in extra:
        kwargs.pop(key, None)
    return kwargs


class _Conv(Layer):
    """Base class of the N-d convolutions (N = `rank`); not part of the public API.

    Args:
        rank: number of spatial axes (1, 2 or 3).
        filters: number of output channels.
        kernel_size: int or tuple of `rank` ints.
        strides: int or tuple of `rank` ints.
        padding: 'valid' or 'same' ('causal' for `Conv1D`).
        data_format: 'channels_last' or 'channels_first' (None: `K.image_data_format()`).
        dilation_rate: int or tuple of `rank` ints.
        activation: activation name or function (None: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.
    """

    _paddings = ('valid', 'same')

    def __init__(self, rank, filters, kernel_size, strides=1, padding='valid', data_format=None, dilation_rate=1,
                 activation=None, use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        kwargs = _pop_tf_keras_keys(dict(kwargs), type(self).__name__)
        super(_Conv, self).__init__(**kwargs)
        label = '%s (%s)' % (type(self).__name__, self.name)
        self.rank = rank
        if filters is not None:
            try:
                valid = not isinstance(filters, bool) and int(filters) == filters and filters >= 1
            except (TypeError, ValueError, OverflowError):  # a string, NaN, infinity
                valid = False
            if not valid:
                raise ValueError('%s: `filters` must be a positive int; got %r' % (label, filters))
            filters = int(filters)
        self.filters = filters
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, rank, 'kernel_size')
        self.strides = conv_utils.normalize_tuple(strides, rank, 'strides')
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, rank, 'dilation_rate')
        for name, values in (('kernel_size', self.kernel_size), ('strides', self.strides),
                             ('dilation_rate', self.dilation_rate)):
            if any(v < 1 for v in values):
                raise ValueError('%s: `%s` must be positive; got %r' % (label, name, values))
        self.padding = conv_utils.normalize_padding(padding)
        if self.padding not in self._paddings:
            raise ValueError('%s: `padding` must be one of %s; got %r' % (label, self._paddings, padding))
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    # Helpers shared by the subclasses -------------------------------------------------------
    @property
    def _channel_axis(self):
        return 1 if self.data_format == 'channels_first' else -1

    def _input_dim(self, input_shape, check_spatial=True):
        """The number of input channels; checks the rank and, for convolutions, the spatial size."""
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError('%s (%s): expected an input of rank %d (batch, %s), got shape %s'
                             % (type(self).__name__, self.name, self.rank + 2,
                                'channels, spatial...' if self.data_format == 'channels_first'
                                else 'spatial..., channels', input_shape))
        input_dim = input_shape[self._channel_axis]
        if input_dim is None:
            raise ValueError('%s (%s): the channel dimension of the input (axis %d for %s) must be known; '
                             'got input shape %s' % (type(self).__name__, self.name, self._channel_axis,
                                                     self.data_format, input_shape))
        if check_spatial:
            self._output_spatial(conv_utils.spatial_dims(input_shape, self.data_format, self.rank))
        return int(input_dim)

    def _add_bias(self, size):
        if self.use_bias:
            self.bias = self.add_weight(shape=(size,), initializer=self.bias_initializer, name='bias',
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None

    def _finish(self, outputs):
        if self.use_bias:
            outputs = K.bias_add(outputs, self.bias, data_format=self.data_format)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def _output_spatial(self, spatial):
        out = []
        for i, length in enumerate(spatial):
            n = conv_utils.conv_output_length(length, self.kernel_size[i], self.padding, self.strides[i],
                                              dilation=self.dilation_rate[i])
            if n is not None and n < 1:
                raise ValueError('%s (%s): the input is too small: spatial axis %d has length %d, less than the '
                                 'dilated kernel size %d (kernel_size %s, dilation_rate %s, padding %r)'
                                 % (type(self).__name__, self.name, i, length,
                                    conv_utils.dilated_kernel_size(self.kernel_size[i], self.dilation_rate[i]),
                                    self.kernel_size, self.dilation_rate, self.padding))
            out.append(n)
        return out

    # Layer API ---------------------------------------------------------------------------------
    def build(self, input_shape):
        input_dim = self._input_dim(input_shape)
        self.kernel = self.add_weight(shape=self.kernel_size + (input_dim, self.filters),
                                      initializer=self.kernel_initializer, name='kernel',
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self._add_bias(self.filters)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: input_dim})
        self.built = True

    def _convolve(self, inputs):
        if self.rank == 1:
            return K.conv1d(inputs, self.kernel, strides=self.strides[0], padding=self.padding,
                            data_format=self.data_format, dilation_rate=self.dilation_rate[0])
        if self.rank == 2:
            return K.conv2d(inputs, self.kernel, strides=self.strides, padding=self.padding,
                            data_format=self.data_format, dilation_rate=self.dilation_rate)
        return K.conv3d(inputs, self.kernel, strides=self.strides, padding=self.padding,
                        data_format=self.data_format, dilation_rate=self.dilation_rate)

    def call(self, inputs):
        return self._finish(self._convolve(inputs))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = self._output_spatial(conv_utils.spatial_dims(input_shape, self.data_format, self.rank))
        return conv_utils.with_spatial(input_shape, self.data_format, spatial, self.filters)

    def get_config(self):
        config = {
            'filters': self.filters,
            'kernel_size': self.kernel_size,
            'strides': self.strides,
            'padding': self.padding,
            'data_format': self.data_format,
            'dilation_rate': self.dilation_rate,
            'activation': activations.serialize(self.activation),
            'use_bias': self.use_bias,
            'kernel_initializer': initializers.serialize(self.kernel_initializer),
            'bias_initializer': initializers.serialize(self.bias_initializer),
            'kernel_regularizer': regularizers.serialize(self.kernel_regularizer),
            'bias_regularizer': regularizers.serialize(self.bias_regularizer),
            'activity_regularizer': regularizers.serialize(self.activity_regularizer),
            'kernel_constraint': constraints.serialize(self.kernel_constraint),
            'bias_constraint': constraints.serialize(self.bias_constraint),
        }
        base_config = super(_Conv, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))


class Conv1D(_Conv):
    """1D convolution over a sequence (temporal convolution).

    Input `(batch, steps, channels)` ('channels_last') or `(batch, channels,
    steps)`; output `(batch, new_steps, filters)` (or channels first). The
    kernel has shape `(kernel_size, channels, filters)`.

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of 1 int.
        strides: int or tuple of 1 int.
        padding: 'valid', 'same', or 'causal' (left zero padding of
            `dilation_rate * (kernel_size - 1)`, so that output t only depends
            on inputs up to t; the output has as many steps as 'same').
        data_format: 'channels_last' (default) or 'channels_first'.
        dilation_rate: int or tuple of 1 int.
        activation, use_bias, *_initializer, *_regularizer, *_constraint: as `Conv2D`.

    Example::

        Conv1D(2, 4, use_bias=False)(Input((10, 3)))   # (None, 7, 2), 24 weights
    """

    _paddings = ('valid', 'same', 'causal')

    def __init__(self, filters, kernel_size, strides=1, padding='valid', data_format='channels_last',
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer='glorot_uniform',
                 bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super(Conv1D, self).__init__(
            rank=1, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs)


class Conv2D(_Conv):
    """2D convolution over images (spatial convolution).

    Input `(batch, rows, cols, channels)` ('channels_last') or `(batch,
    channels, rows, cols)`; the kernel has shape `(kernel_rows, kernel_cols,
    channels, filters)`, the optional bias `(filters,)`.

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of 2 ints.
        strides: int or tuple of 2 ints.
        padding: 'valid' or 'same' ('same' pads as TensorFlow: the extra pixel goes after).
        data_format: 'channels_last' or 'channels_first' (default `K.image_data_format()`).
        dilation_rate: int or tuple of 2 ints (atrous convolution).
        activation: activation name or function (None: linear).
        use_bias: whether to add a bias.
        kernel_initializer, bias_initializer: initializers.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.

    Example::

        Conv2D(32, (3, 3), padding='same', input_shape=(32, 32, 3))   # -> (None, 32, 32, 32)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid', data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer='glorot_uniform',
                 bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super(Conv2D, self).__init__(
            rank=2, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs)


class Conv3D(_Conv):
    """3D convolution over volumes.

    Input `(batch, depth, rows, cols, channels)` or `(batch, channels, depth,
    rows, cols)`; the kernel has shape `(*kernel_size, channels, filters)`.
    Arguments as `Conv2D`, with tuples of 3 ints.

    Example::

        Conv3D(8, 3, input_shape=(16, 16, 16, 1))   # -> (None, 14, 14, 14, 8)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding='valid', data_format=None,
                 dilation_rate=(1, 1, 1), activation=None, use_bias=True, kernel_initializer='glorot_uniform',
                 bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super(Conv3D, self).__init__(
            rank=3, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs)


# Transposed convolutions -----------------------------------------------------------------------------
class _ConvTranspose(object):
    """Mixin: the shape logic shared by `Conv2DTranspose` and `Conv3DTranspose`."""

    def _init_output_padding(self, output_padding):
        if output_padding is None:
            self.output_padding = None
            return
        self.output_padding = conv_utils.normalize_tuple(output_padding, self.rank, 'output_padding')
        for stride, pad in zip(self.strides, self.output_padding):
            if pad < 0 or pad >= stride:
                raise ValueError('%s (%s): each `output_padding` entry must be >= 0 and smaller than the '
                                 'stride; got output_padding %s with strides %s'
                                 % (type(self).__name__, self.name, self.output_padding, self.strides))

    def build(self, input_shape):
        input_dim = self._input_dim(input_shape, check_spatial=False)
        # Transposed kernels are (*kernel_size, output channels, input channels).
        self.kernel = self.add_weight(shape=self.kernel_size + (self.filters, input_dim),
                                      initializer=self.kernel_initializer, name='kernel',
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self._add_bias(self.filters)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: input_dim})
        self.built = True

    def _deconv_spatial(self, spatial):
        pads = self.output_padding or (None,) * self.rank
        return [conv_utils.deconv_length(n, s, k, self.padding, p, d)
                for n, s, k, p, d in zip(spatial, self.strides, self.kernel_size, pads, self.dilation_rate)]

    def call(self, inputs):
        spatial_in = conv_utils.spatial_dims(K.int_shape(inputs), self.data_format, self.rank)
        if None in spatial_in:
            raise ValueError('%s (%s): the spatial dimensions of the input must be known for a transposed '
                             'convolution in this backend; got input shape %s'
                             % (type(self).__name__, self.name, K.int_shape(inputs)))
        output_shape = conv_utils.with_spatial((None,), self.data_format, self._deconv_spatial(spatial_in),
                                               self.filters)
        transpose = K.conv2d_transpose if self.rank == 2 else K.conv3d_transpose
        outputs = transpose(inputs, self.kernel, output_shape, strides=self.strides, padding=self.padding,
                            data_format=self.data_format, dilation_rate=self.dilation_rate)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = self._deconv_spatial(conv_utils.spatial_dims(input_shape, self.data_format, self.rank))
        return conv_utils.with_spatial(input_shape, self.data_format, spatial, self.filters)


class Conv2DTranspose(_ConvTranspose, Conv2D):
    """Transposed 2D convolution ("deconvolution"): the gradient of `Conv2D` w.r.t. its input.

    It maps a tensor shaped like a convolution's output back to the shape of
    its input, e.g. to upsample in a decoder. The kernel has shape
    `(kernel_rows, kernel_cols, filters, channels)`. Along each axis the output
    length is `in * stride` ('same') or `in * stride + max(kernel - stride, 0)`
    ('valid'); with `output_padding` it is `(in - 1) * stride + kernel - 2 * pad
    + output_padding`, pad being `kernel // 2` for 'same' and 0 for 'valid'
    (kernel sizes dilated).

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of 2 ints.
        strides: int or tuple of 2 ints.
        padding: 'valid' or 'same'.
        output_padding: None, or an int or tuple of 2 ints, each smaller than its stride.
        data_format: 'channels_last' or 'channels_first'.
        dilation_rate: int or tuple of 2 ints.
        activation, use_bias, *_initializer, *_regularizer, *_constraint: as `Conv2D`.

    Example::

        Conv2DTranspose(16, 3, strides=2, padding='same')   # (None, 7, 7, 32) -> (None, 14, 14, 16)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid', output_padding=None, data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer='glorot_uniform',
                 bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super(Conv2DTranspose, self).__init__(
            filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs)
        self.input_spec = InputSpec(ndim=4)
        self._init_output_padding(output_padding)

    def get_config(self):
        config = super(Conv2DTranspose, self).get_config()
        config['output_padding'] = self.output_padding
        return config


class Conv3DTranspose(_ConvTranspose, Conv3D):
    """Transposed 3D convolution; see `Conv2DTranspose`.

    The kernel has shape `(kd, kh, kw, filters, channels)`. Keras 2.2 has no
    `dilation_rate` for this layer; it is accepted here (default 1) and only
    written to the config when it is not 1.

    Args:
        filters, kernel_size, strides, padding, output_padding, data_format,
        activation, use_bias, *_initializer, *_regularizer, *_constraint: as
        `Conv2DTranspose`, with tuples of 3 ints.

    Example::

        Conv3DTranspose(4, 2, strides=2)   # (None, 4, 4, 4, 8) -> (None, 8, 8, 8, 4)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding='valid', output_padding=None,
                 data_format=None, activation=None, use_bias=True, kernel_initializer='glorot_uniform',
                 bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, dilation_rate=(1, 1, 1), **kwargs):
        super(Conv3DTranspose, self).__init__(
            filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs)
        self.input_spec = InputSpec(ndim=5)
        self._init_output_padding(output_padding)

    def get_config(self):
        config = super(Conv3DTranspose, self).get_config()
        if self.dilation_rate == (1, 1, 1):
            config.pop('dilation_rate')
        config['output_padding'] = self.output_padding
        return config


# Separable and depthwise convolutions -----------------------------------------------------------------
class _SeparableConv(_Conv):
    """Base of `SeparableConv1D/2D`: a depthwise convolution followed by a pointwise (1x1) one.

    Weights: `depthwise_kernel` `(*kernel_size, channels, depth_multiplier)`,
    `pointwise_kernel` `(1, ..., 1, channels * depth_multiplier, filters)`, `bias` `(filters,)`.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding='valid', data_format=None, dilation_rate=1,
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer='glorot_uniform',
                 pointwise_initializer='glorot_uniform', bias_initializer='zeros', depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        kwargs = _pop_tf_keras_keys(dict(kwargs), type(self).__name__,
                                    extra=('kernel_initializer', 'kernel_regularizer', 'kernel_constraint'))
        super(_SeparableConv, self).__init__(
            rank=rank, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, bias_constraint=bias_constraint, **kwargs)
        if isinstance(depth_multiplier, bool) or int(depth_multiplier) != depth_multiplier or depth_multiplier < 1:
            raise ValueError('%s (%s): `depth_multiplier` must be a positive int; got %r'
                             % (type(self).__name__, self.name, depth_multiplier))
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        input_dim = self._input_dim(input_shape)
        self.depthwise_kernel = self.add_weight(
            shape=self.kernel_size + (input_dim, self.depth_multiplier), initializer=self.depthwise_initializer,
            name='depthwise_kernel', regularizer=self.depthwise_regularizer, constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            shape=(1,) * self.rank + (self.depth_multiplier * input_dim, self.filters),
            initializer=self.pointwise_initializer, name='pointwise_kernel', regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self._add_bias(self.filters)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: input_dim})
        self.built = True

    def get_config(self):
        config = super(_SeparableConv, self).get_config()
        for key in ('kernel_initializer', 'kernel_regularizer', 'kernel_constraint'):
            config.pop(key)
        config['depth_multiplier'] = self.depth_multiplier
        config['depthwise_initializer'] = initializers.serialize(self.depthwise_initializer)
        config['pointwise_initializer'] = initializers.serialize(self.pointwise_initializer)
        config['depthwise_regularizer'] = regularizers.serialize(self.depthwise_regularizer)
        config['pointwise_regularizer'] = regularizers.serialize(self.pointwise_regularizer)
        config['depthwise_constraint'] = constraints.serialize(self.depthwise_constraint)
        config['pointwise_constraint'] = constraints.serialize(self.pointwise_constraint)
        return config


class SeparableConv1D(_SeparableConv):
    """Depthwise separable 1D convolution.

    Each input channel is convolved with `depth_multiplier` filters of its own
    (depthwise step), then a pointwise convolution mixes the
    `channels * depth_multiplier` results into `filters` outputs.

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of 1 int.
        strides: int or tuple of 1 int.
        padding: 'valid', 'same' or 'causal' (as `Conv1D`; 'causal' is a tf_keras addition).
        data_format: 'channels_last' (default) or 'channels_first'.
        dilation_rate: int or tuple of 1 int.
        depth_multiplier: depthwise filters per input channel.
        activation, use_bias: as `Conv1D`.
        depthwise_initializer, pointwise_initializer, bias_initializer: initializers.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer, activity_regularizer: regularizers.
        depthwise_constraint, pointwise_constraint, bias_constraint: constraints.

    Example::

        SeparableConv1D(2, 4, use_bias=False)(Input((10, 3)))   # (None, 7, 2), 12 + 6 weights
    """

    _paddings = ('valid', 'same', 'causal')

    def __init__(self, filters, kernel_size, strides=1, padding='valid', data_format='channels_last',
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer='glorot_uniform', pointwise_initializer='glorot_uniform',
                 bias_initializer='zeros', depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super(SeparableConv1D, self).__init__(
            rank=1, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, depth_multiplier=depth_multiplier,
            activation=activation, use_bias=use_bias, depthwise_initializer=depthwise_initializer,
            pointwise_initializer=pointwise_initializer, bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer, pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint, pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint, **kwargs)

    def call(self, inputs):
        padding = self.padding
        if padding == 'causal':
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            if self.data_format == 'channels_first':
                inputs = K.pad(inputs, [(0, 0), (0, 0), (left, 0)])
            else:
                inputs = K.temporal_padding(inputs, (left, 0))
            padding = 'valid'
        outputs = K.separable_conv1d(inputs, self.depthwise_kernel, self.pointwise_kernel, strides=self.strides[0],
                                     padding=padding, data_format=self.data_format,
                                     dilation_rate=self.dilation_rate[0])
        return self._finish(outputs)


class SeparableConv2D(_SeparableConv):
    """Depthwise separable 2D convolution (a depthwise then a 1x1 convolution).

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of 2 ints.
        strides: int or tuple of 2 ints.
        padding: 'valid' or 'same'.
        data_format: 'channels_last' or 'channels_first'.
        dilation_rate: int or tuple of 2 ints.
        depth_multiplier: depthwise filters per input channel.
        activation, use_bias, *_initializer, *_regularizer, *_constraint: as `SeparableConv1D`.

    Example::

        SeparableConv2D(16, 3, depth_multiplier=2)   # (None, 8, 8, 3) -> (None, 6, 6, 16)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid', data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer='glorot_uniform', pointwise_initializer='glorot_uniform',
                 bias_initializer='zeros', depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super(SeparableConv2D, self).__init__(
            rank=2, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, depth_multiplier=depth_multiplier,
            activation=activation, use_bias=use_bias, depthwise_initializer=depthwise_initializer,
            pointwise_initializer=pointwise_initializer, bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer, pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint, pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint, **kwargs)

    def call(self, inputs):
        outputs = K.separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel, strides=self.strides,
                                     padding=self.padding, data_format=self.data_format,
                                     dilation_rate=self.dilation_rate)
        return self._finish(outputs)


class DepthwiseConv2D(Conv2D):
    """Depthwise 2D convolution: each input channel convolved with its own `depth_multiplier` filters.

    Output channel `c * depth_multiplier + m` comes from input channel `c`.
    Weights: `depthwise_kernel` `(kernel_rows, kernel_cols, channels,
    depth_multiplier)` and `bias` `(channels * depth_multiplier,)`.

    Args:
        kernel_size: int or tuple of 2 ints.
        strides: int or tuple of 2 ints.
        padding: 'valid' or 'same'.
        depth_multiplier: filters per input channel.
        data_format: 'channels_last' or 'channels_first'.
        dilation_rate: int or tuple of 2 ints.
        activation, use_bias: as `Conv2D`.
        depthwise_initializer, bias_initializer: initializers.
        depthwise_regularizer, bias_regularizer, activity_regularizer: regularizers.
        depthwise_constraint, bias_constraint: constraints.

    Example::

        DepthwiseConv2D(3, depth_multiplier=2)   # (None, 8, 8, 3) -> (None, 6, 6, 6)
    """

    def __init__(self, kernel_size, strides=(1, 1), padding='valid', depth_multiplier=1, data_format=None,
                 activation=None, use_bias=True, depthwise_initializer='glorot_uniform', bias_initializer='zeros',
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, dilation_rate=(1, 1), **kwargs):
        kwargs = _pop_tf_keras_keys(dict(kwargs), 'DepthwiseConv2D', extra=('filters',))
        super(DepthwiseConv2D, self).__init__(
            filters=None, kernel_size=kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, bias_constraint=bias_constraint, **kwargs)
        if isinstance(depth_multiplier, bool) or int(depth_multiplier) != depth_multiplier or depth_multiplier < 1:
            raise ValueError('DepthwiseConv2D (%s): `depth_multiplier` must be a positive int; got %r'
                             % (self.name, depth_multiplier))
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def build(self, input_shape):
        input_dim = self._input_dim(input_shape)
        self.depthwise_kernel = self.add_weight(
            shape=self.kernel_size + (input_dim, self.depth_multiplier), initializer=self.depthwise_initializer,
            name='depthwise_kernel', regularizer=self.depthwise_regularizer, constraint=self.depthwise_constraint)
        self._add_bias(input_dim * self.depth_multiplier)
        self.input_spec = InputSpec(ndim=4, axes={self._channel_axis: input_dim})
        self.built = True

    def call(self, inputs):
        outputs = K.depthwise_conv2d(inputs, self.depthwise_kernel, strides=self.strides, padding=self.padding,
                                     dilation_rate=self.dilation_rate, data_format=self.data_format)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        channels = input_shape[self._channel_axis]
        spatial = self._output_spatial(conv_utils.spatial_dims(input_shape, self.data_format, 2))
        return conv_utils.with_spatial(input_shape, self.data_format, spatial,
                             None if channels is None else channels * self.depth_multiplier)

    def get_config(self):
        config = super(DepthwiseConv2D, self).get_config()
        for key in ('filters', 'kernel_initializer', 'kernel_regularizer', 'kernel_constraint'):
            config.pop(key)
        config['depth_multiplier'] = self.depth_multiplier
        config['depthwise_initializer'] = initializers.serialize(self.depthwise_initializer)
        config['depthwise_regularizer'] = regularizers.serialize(self.depthwise_regularizer)
        config['depthwise_constraint'] = constraints.serialize(self.depthwise_constraint)
        return config


# Aliases (Keras 2.2) ---------------------------------------------------------------------------------------
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
Convolution2DTranspose = Conv2DTranspose
Deconvolution2D = Deconv2D = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
Deconvolution3D = Deconv3D = Conv3DTranspose
AtrousConv1D = AtrousConvolution1D
AtrousConv2D = AtrousConvolution2D
