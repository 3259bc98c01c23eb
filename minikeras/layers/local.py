"""Locally-connected layers: `LocallyConnected1D` and `LocallyConnected2D`.

They work like `Conv1D`/`Conv2D` with 'valid' padding, except that the weights
are not shared: every output position has its own filters. Weight layouts
follow Keras 2.2 (and tf_keras's `implementation=1`, whose weights are the same):

* 1D kernel `(output_length, kernel_size * channels, filters)`, bias `(output_length, filters)`;
* 2D kernel `(output_rows * output_cols, kernel_rows * kernel_cols * channels, filters)`,
  bias `(output_rows, output_cols, filters)`.

The features of a window are ordered (kernel position, channel) for
'channels_last' and (channel, kernel position) for 'channels_first'. With
'channels_first' the bias is added as Keras does it: the `(*out, filters)`
array is reshaped (not transposed) to `(filters, *out)`. The tf_keras config
key `implementation` is accepted and ignored; weights always use the
implementation-1 layout above (tf_keras implementations 2 and 3 store their
kernels differently).
"""
from .. import activations, constraints, initializers, regularizers
from .. import backend as K
from ..engine.base_layer import InputSpec, Layer
from ..utils import conv_utils


class _LocallyConnected(Layer):
    """Base of the locally-connected layers over `rank` spatial axes."""

    rank = None

    def __init__(self, filters, kernel_size, strides=1, padding='valid', data_format=None, activation=None,
                 use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        implementation = kwargs.pop('implementation', 1)
        super(_LocallyConnected, self).__init__(**kwargs)
        label = '%s (%s)' % (type(self).__name__, self.name)
        if implementation not in (1, 2, 3):
            raise ValueError('%s: `implementation` must be 1, 2 or 3; got %r' % (label, implementation))
        if isinstance(filters, bool) or int(filters) != filters or filters < 1:
            raise ValueError('%s: `filters` must be a positive int; got %r' % (label, filters))
        self.filters = int(filters)
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, self.rank, 'kernel_size')
        self.strides = conv_utils.normalize_tuple(strides, self.rank, 'strides')
        for name, values in (('kernel_size', self.kernel_size), ('strides', self.strides)):
            if any(v < 1 for v in values):
                raise ValueError('%s: `%s` must be positive; got %r' % (label, name, values))
        self.padding = conv_utils.normalize_padding(padding)
        if self.padding != 'valid':
            raise ValueError('%s: only padding="valid" is supported; got %r' % (label, padding))
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

    def _split(self, input_shape):
        if self.data_format == 'channels_first':
            return list(input_shape[2:]), input_shape[1]
        return list(input_shape[1:-1]), input_shape[-1]

    def _output_spatial(self, spatial):
        out = []
        for axis, (n, k, s) in enumerate(zip(spatial, self.kernel_size, self.strides)):
            length = conv_utils.conv_output_length(n, k, 'valid', s)
            if length is not None and length < 1:
                raise ValueError('%s (%s): spatial axis %d of the input has length %d, smaller than kernel_size %s'
                                 % (type(self).__name__, self.name, axis, n, self.kernel_size))
            out.append(length)
        return out

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        spatial, channels = self._split(input_shape)
        if None in spatial or channels is None:
            raise ValueError('%s (%s): the spatial dimensions and the channels of the input must be known '
                             '(weights are not shared across positions); got input shape %s'
                             % (type(self).__name__, self.name, input_shape))
        out = self._output_spatial(spatial)
        positions = 1
        for n in out:
            positions *= n
        window = 1
        for k in self.kernel_size:
            window *= k
        self.kernel_shape = (positions, window * channels, self.filters)
        self.kernel = self.add_weight(shape=self.kernel_shape, initializer=self.kernel_initializer, name='kernel',
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight(shape=tuple(out) + (self.filters,), initializer=self.bias_initializer,
                                        name='bias', regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None
        axis = 1 if self.data_format == 'channels_first' else -1
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={axis: channels})
        self.built = True

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial, _ = self._split(input_shape)
        out = tuple(self._output_spatial(spatial))
        if self.data_format == 'channels_first':
            return (input_shape[0], self.filters) + out
        return (input_shape[0],) + out + (self.filters,)

    def _local_conv(self, inputs):
        raise NotImplementedError

    def call(self, inputs):
        outputs = self._local_conv(inputs)
        if self.use_bias:
            outputs = K.bias_add(outputs, self.bias, data_format=self.data_format)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def get_config(self):
        config = {
            'filters': self.filters,
            'kernel_size': self.kernel_size,
            'strides': self.strides,
            'padding': self.padding,
            'data_format': self.data_format,
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
        base_config = super(_LocallyConnected, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))


class LocallyConnected1D(_LocallyConnected):
    """1D convolution with unshared weights: `(batch, steps, input_dim)` -> `(batch, new_steps, filters)`.

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of 1 int.
        strides: int or tuple of 1 int.
        padding: only 'valid'.
        data_format: 'channels_last' or 'channels_first' (default `K.image_data_format()`).
        activation: activation name or function (None: linear).
        use_bias: whether to add a bias (one per output position and filter).
        kernel_initializer, bias_initializer: initializers.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.

    Example::

        LocallyConnected1D(64, 3, input_shape=(10, 32))   # -> (None, 8, 64)
    """

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding='valid', data_format=None, activation=None,
                 use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super(LocallyConnected1D, self).__init__(
            filters, kernel_size, strides=strides, padding=padding, data_format=data_format, activation=activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs)

    def _local_conv(self, inputs):
        return K.local_conv1d(inputs, self.kernel, self.kernel_size, self.strides, data_format=self.data_format)


class LocallyConnected2D(_LocallyConnected):
    """2D convolution with unshared weights.

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of 2 ints.
        strides: int or tuple of 2 ints.
        padding, data_format, activation, use_bias, *_initializer,
        *_regularizer, *_constraint: as `LocallyConnected1D`.

    Example::

        LocallyConnected2D(64, (3, 3), input_shape=(32, 32, 3))   # -> (None, 30, 30, 64)
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid', data_format=None, activation=None,
                 use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super(LocallyConnected2D, self).__init__(
            filters, kernel_size, strides=strides, padding=padding, data_format=data_format, activation=activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs)

    def _local_conv(self, inputs):
        spatial, _ = self._split(K.int_shape(inputs))
        return K.local_conv2d(inputs, self.kernel, self.kernel_size, self.strides,
                              tuple(self._output_spatial(spatial)), data_format=self.data_format)
