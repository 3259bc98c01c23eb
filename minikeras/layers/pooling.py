"""Pooling layers: `MaxPooling1D/2D/3D`, `AveragePooling1D/2D/3D` and the global
poolings `GlobalMaxPooling1D/2D/3D`, `GlobalAveragePooling1D/2D/3D`, with the
Keras aliases (`MaxPool2D`, `AvgPool2D`, `GlobalMaxPool2D`, `GlobalAvgPool2D`, ...).

`strides=None` means strides equal to `pool_size`. 'same' padding follows
TensorFlow: the output has `ceil(length / stride)` positions, max pooling
ignores the padding and average pooling divides each window by its number of
real (unpadded) entries. tf_keras configs are accepted: the global poolings'
`keepdims` key is honoured (Keras 2.2 has no such argument; it is written to the
config only when true).

Example::

    model.add(MaxPooling2D(pool_size=(2, 2)))   # (None, 26, 26, 32) -> (None, 13, 13, 32)
"""
from .. import backend as K
from ..engine.base_layer import InputSpec, Layer
from ..utils import conv_utils


class _Pooling(Layer):
    """Base of the windowed poolings over `rank` spatial axes (1D goes through the 2D op)."""

    rank = None
    pool_mode = None

    def __init__(self, pool_size, strides=None, padding='valid', data_format=None, **kwargs):
        super(_Pooling, self).__init__(**kwargs)
        label = '%s (%s)' % (type(self).__name__, self.name)
        self.pool_size = conv_utils.normalize_tuple(pool_size, self.rank, 'pool_size')
        if strides is None:
            strides = self.pool_size
        self.strides = conv_utils.normalize_tuple(strides, self.rank, 'strides')
        for name, values in (('pool_size', self.pool_size), ('strides', self.strides)):
            if any(v < 1 for v in values):
                raise ValueError('%s: `%s` must be positive; got %r' % (label, name, values))
        self.padding = conv_utils.normalize_padding(padding)
        if self.padding not in ('valid', 'same'):
            raise ValueError('%s: `padding` must be "valid" or "same"; got %r' % (label, padding))
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)  # raises, naming the layer, when the input is too small
        self.built = True

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.data_format == 'channels_first':
            spatial, channels = input_shape[2:], input_shape[1]
        else:
            spatial, channels = input_shape[1:-1], input_shape[-1]
        out = []
        for axis, (n, p, s) in enumerate(zip(spatial, self.pool_size, self.strides)):
            length = conv_utils.conv_output_length(n, p, self.padding, s)
            if length is not None and length < 1:
                raise ValueError('%s (%s): spatial axis %d of the input has length %d, smaller than pool_size %s '
                                 'with padding "valid" (input shape %s)'
                                 % (type(self).__name__, self.name, axis, n, self.pool_size, input_shape))
            out.append(length)
        if self.data_format == 'channels_first':
            return (input_shape[0], channels) + tuple(out)
        return (input_shape[0],) + tuple(out) + (channels,)

    def call(self, inputs):
        if self.rank == 1:
            # (batch, steps, features) -> (batch, steps, 1, features), or (batch, features, steps, 1).
            axis = 3 if self.data_format == 'channels_first' else 2
            x = K.expand_dims(inputs, axis)
            y = K.pool2d(x, self.pool_size + (1,), strides=self.strides + (1,), padding=self.padding,
                         data_format=self.data_format, pool_mode=self.pool_mode)
            return K.squeeze(y, axis)
        pool = K.pool2d if self.rank == 2 else K.pool3d
        return pool(inputs, self.pool_size, strides=self.strides, padding=self.padding,
                    data_format=self.data_format, pool_mode=self.pool_mode)

    def get_config(self):
        config = {'pool_size': self.pool_size, 'padding': self.padding, 'strides': self.strides,
                  'data_format': self.data_format}
        base_config = super(_Pooling, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))


class MaxPooling1D(_Pooling):
    """Max pooling over time: `(batch, steps, features)` -> `(batch, pooled_steps, features)`.

    Args:
        pool_size: int, window length.
        strides: int or None (None: `pool_size`).
        padding: 'valid' or 'same'.
        data_format: 'channels_last' (default) or 'channels_first' (`(batch, features, steps)`).

    Example::

        MaxPooling1D(5)   # (None, 1000, 128) -> (None, 200, 128)
    """

    rank = 1
    pool_mode = 'max'

    def __init__(self, pool_size=2, strides=None, padding='valid', data_format='channels_last', **kwargs):
        super(MaxPooling1D, self).__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling1D(_Pooling):
    """Average pooling over time; arguments as `MaxPooling1D`."""

    rank = 1
    pool_mode = 'avg'

    def __init__(self, pool_size=2, strides=None, padding='valid', data_format='channels_last', **kwargs):
        super(AveragePooling1D, self).__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling2D(_Pooling):
    """Max pooling over rows and columns.

    Args:
        pool_size: int or tuple of 2 ints.
        strides: int, tuple of 2 ints, or None (None: `pool_size`).
        padding: 'valid' or 'same'.
        data_format: 'channels_last' or 'channels_first' (default `K.image_data_format()`).

    Example::

        MaxPooling2D((2, 2))   # (None, 24, 24, 64) -> (None, 12, 12, 64)
    """

    rank = 2
    pool_mode = 'max'

    def __init__(self, pool_size=(2, 2), strides=None, padding='valid', data_format=None, **kwargs):
        super(MaxPooling2D, self).__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(_Pooling):
    """Average pooling over rows and columns; arguments as `MaxPooling2D`."""

    rank = 2
    pool_mode = 'avg'

    def __init__(self, pool_size=(2, 2), strides=None, padding='valid', data_format=None, **kwargs):
        super(AveragePooling2D, self).__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling3D(_Pooling):
    """Max pooling over the three spatial axes; arguments as `MaxPooling2D` with tuples of 3 ints."""

    rank = 3
    pool_mode = 'max'

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding='valid', data_format=None, **kwargs):
        super(MaxPooling3D, self).__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling3D(_Pooling):
    """Average pooling over the three spatial axes; arguments as `MaxPooling3D`."""

    rank = 3
    pool_mode = 'avg'

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding='valid', data_format=None, **kwargs):
        super(AveragePooling3D, self).__init__(pool_size, strides, padding, data_format, **kwargs)


# Global pooling ---------------------------------------------------------------------------------------------
class _GlobalPooling(Layer):
    """Base of the global poolings: reduces all spatial axes, giving `(batch, channels)`."""

    rank = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super(_GlobalPooling, self).__init__(**kwargs)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    @property
    def _spatial_axes(self):
        if self.data_format == 'channels_first':
            return list(range(2, 2 + self.rank))
        return list(range(1, 1 + self.rank))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        channels = input_shape[1] if self.data_format == 'channels_first' else input_shape[-1]
        if self.keepdims:
            if self.data_format == 'channels_first':
                return (input_shape[0], channels) + (1,) * self.rank
            return (input_shape[0],) + (1,) * self.rank + (channels,)
        return (input_shape[0], channels)

    def _reduce(self, inputs):
        raise NotImplementedError

    def call(self, inputs):
        return self._reduce(inputs)

    def get_config(self):
        config = {'data_format': self.data_format}
        if self.keepdims:
            config['keepdims'] = True
        base_config = super(_GlobalPooling, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))


class _GlobalMax(_GlobalPooling):
    def _reduce(self, inputs):
        return K.max(inputs, axis=self._spatial_axes, keepdims=self.keepdims)


class _GlobalAverage(_GlobalPooling):
    def _reduce(self, inputs):
        return K.mean(inputs, axis=self._spatial_axes, keepdims=self.keepdims)


class GlobalMaxPooling1D(_GlobalMax):
    """Max over time: `(batch, steps, features)` -> `(batch, features)`.

    Args:
        data_format: 'channels_last' (default) or 'channels_first'.
        keepdims: keep the reduced axis with length 1 (tf_keras argument).
    """

    rank = 1

    def __init__(self, data_format='channels_last', **kwargs):
        super(GlobalMaxPooling1D, self).__init__(data_format=data_format, **kwargs)


class GlobalAveragePooling1D(_GlobalAverage):
    """Mean over time: `(batch, steps, features)` -> `(batch, features)`.

    Supports masking (Keras 2.2): masked time steps are left out of the mean.

    Args:
        data_format: 'channels_last' (default) or 'channels_first'.
        keepdims: keep the reduced axis with length 1 (tf_keras argument).

    Example::

        GlobalAveragePooling1D()(Embedding(100, 8, mask_zero=True)(ids))   # mean of the unmasked steps
    """

    rank = 1

    def __init__(self, data_format='channels_last', **kwargs):
        super(GlobalAveragePooling1D, self).__init__(data_format=data_format, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return self._reduce(inputs)
        steps_axis = self._spatial_axes[0]
        weights = K.cast(mask, K.dtype(inputs))
        weights = K.expand_dims(weights, 1 if self.data_format == 'channels_first' else -1)
        return (K.sum(inputs * weights, axis=steps_axis, keepdims=self.keepdims)
                / K.sum(weights, axis=steps_axis, keepdims=self.keepdims))

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalMaxPooling2D(_GlobalMax):
    """Max over rows and columns: `(batch, rows, cols, channels)` -> `(batch, channels)`.

    Args:
        data_format: 'channels_last' or 'channels_first' (default `K.image_data_format()`).
        keepdims: keep the reduced axes with length 1 (tf_keras argument).
    """

    rank = 2


class GlobalAveragePooling2D(_GlobalAverage):
    """Mean over rows and columns; arguments as `GlobalMaxPooling2D`."""

    rank = 2


class GlobalMaxPooling3D(_GlobalMax):
    """Max over the three spatial axes; arguments as `GlobalMaxPooling2D`."""

    rank = 3


class GlobalAveragePooling3D(_GlobalAverage):
    """Mean over the three spatial axes; arguments as `GlobalMaxPooling2D`."""

    rank = 3


# Aliases (Keras 2.2) ---------------------------------------------------------------------------------------
AvgPool1D = AveragePooling1D
MaxPool1D = MaxPooling1D
AvgPool2D = AveragePooling2D
MaxPool2D = MaxPooling2D
AvgPool3D = AveragePooling3D
MaxPool3D = MaxPooling3D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D
GlobalMaxPool3D = GlobalMaxPooling3D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalAvgPool3D = GlobalAveragePooling3D
