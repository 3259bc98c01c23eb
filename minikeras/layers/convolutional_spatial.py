"""Spatial helpers of the convolution layers: `UpSampling1D/2D/3D`,
`ZeroPadding1D/2D/3D` and `Cropping1D/2D/3D`.

They change the lengths of the spatial axes without weights. Every layer takes
`data_format` ('channels_last' or 'channels_first', default
`K.image_data_format()`), except the 1D layers, which are always
'channels_last' as in Keras 2.2. Arguments, defaults and `get_config()` follow
Keras 2.2; `minikeras.layers.convolutional` re-exports them.
"""
from .. import backend as K
from ..engine.base_layer import InputSpec, Layer
from ..utils import conv_utils

__all__ = ['UpSampling1D', 'UpSampling2D', 'UpSampling3D', 'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D',
           'Cropping1D', 'Cropping2D', 'Cropping3D']


# Upsampling ---------------------------------------------------------------------------------------------
class UpSampling1D(Layer):
    """Repeats each time step `size` times: `(batch, steps, features)` -> `(batch, steps * size, features)`.

    Args:
        size: int, the upsampling factor.

    Example::

        UpSampling1D(2)   # [[a], [b]] -> [[a], [a], [b], [b]]
    """

    def __init__(self, size=2, **kwargs):
        super(UpSampling1D, self).__init__(**kwargs)
        self.size = conv_utils.normalize_tuple(size, 1, 'size')[0]
        if self.size < 1:
            raise ValueError('UpSampling1D (%s): `size` must be a positive int; got %r' % (self.name, size))
        self.input_spec = InputSpec(ndim=3)

    def compute_output_shape(self, input_shape):
        size = self.size * input_shape[1] if input_shape[1] is not None else None
        return (input_shape[0], size, input_shape[2])

    def call(self, inputs):
        return K.repeat_elements(inputs, self.size, axis=1)

    def get_config(self):
        config = {'size': self.size}
        base_config = super(UpSampling1D, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))


class UpSampling2D(Layer):
    """Upsamples rows and columns by integer factors.

    Args:
        size: int or tuple of 2 ints (row and column factors).
        data_format: 'channels_last' or 'channels_first'.
        interpolation: 'nearest' (repeat pixels) or 'bilinear' (Keras 2.2 /
            TF1 geometry: output pixel i samples input coordinate i / factor).

    Example::

        UpSampling2D((2, 3))   # (None, 4, 4, 8) -> (None, 8, 12, 8)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation='nearest', **kwargs):
        super(UpSampling2D, self).__init__(**kwargs)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.size = conv_utils.normalize_tuple(size, 2, 'size')
        if any(s < 1 for s in self.size):
            raise ValueError('UpSampling2D (%s): `size` must be positive; got %r' % (self.name, size))
        if interpolation not in ('nearest', 'bilinear'):
            raise ValueError('UpSampling2D (%s): `interpolation` must be "nearest" or "bilinear"; got %r'
                             % (self.name, interpolation))
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=4)

    def compute_output_shape(self, input_shape):
        spatial = [None if n is None else n * s
                   for n, s in zip(conv_utils.spatial_dims(input_shape, self.data_format, 2), self.size)]
        channels = input_shape[1] if self.data_format == 'channels_first' else input_shape[3]
        return conv_utils.with_spatial(tuple(input_shape), self.data_format, spatial, channels)

    def call(self, inputs):
        return K.resize_images(inputs, self.size[0], self.size[1], self.data_format,
                               interpolation=self.interpolation)

    def get_config(self):
        config = {'size': self.size, 'data_format': self.data_format, 'interpolation': self.interpolation}
        base_config = super(UpSampling2D, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))


class UpSampling3D(Layer):
    """Upsamples the three spatial axes by integer factors (nearest neighbour).

    Args:
        size: int or tuple of 3 ints.
        data_format: 'channels_last' or 'channels_first'.

    Example::

        UpSampling3D((1, 2, 2))   # (None, 2, 2, 3, 1) -> (None, 2, 4, 6, 1)
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super(UpSampling3D, self).__init__(**kwargs)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.size = conv_utils.normalize_tuple(size, 3, 'size')
        if any(s < 1 for s in self.size):
            raise ValueError('UpSampling3D (%s): `size` must be positive; got %r' % (self.name, size))
        self.input_spec = InputSpec(ndim=5)

    def compute_output_shape(self, input_shape):
        spatial = [None if n is None else n * s
                   for n, s in zip(conv_utils.spatial_dims(input_shape, self.data_format, 3), self.size)]
        channels = input_shape[1] if self.data_format == 'channels_first' else input_shape[4]
        return conv_utils.with_spatial(tuple(input_shape), self.data_format, spatial, channels)

    def call(self, inputs):
        return K.resize_volumes(inputs, self.size[0], self.size[1], self.size[2], self.data_format)

    def get_config(self):
        config = {'size': self.size, 'data_format': self.data_format}
        base_config = super(UpSampling3D, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))


# Zero padding and cropping -----------------------------------------------------------------------------
def _normalize_pairs(value, rank, name, layer_name):
    """int -> ((v, v),) * rank; (a, b, ...) -> ((a, a), (b, b), ...); ((a, b), ...) kept; all ints >= 0."""
    message = ('%s: `%s` must be an int, a tuple of %d ints or a tuple of %d tuples of 2 ints; got %r'
               % (layer_name, name, rank, rank, value))
    if isinstance(value, (int,)) and not isinstance(value, bool):
        pairs = ((int(value), int(value)),) * rank
    else:
        try:
            items = tuple(value)
        except TypeError:
            raise ValueError(message)
        if len(items) != rank:
            raise ValueError(message)
        pairs = []
        for item in items:
            if isinstance(item, int) and not isinstance(item, bool):
                pairs.append((int(item), int(item)))
            else:
                try:
                    pairs.append(conv_utils.normalize_tuple(item, 2, name))
                except ValueError:
                    raise ValueError(message)
        pairs = tuple(pairs)
    if any(v < 0 for pair in pairs for v in pair):
        raise ValueError('%s: `%s` entries must be >= 0; got %r' % (layer_name, name, value))
    return pairs


class _EdgeLayer(Layer):
    """Base of the zero-padding and cropping layers: one `(before, after)` pair
    per spatial axis, stored under the argument name `_arg`."""

    rank = None
    _arg = None

    def __init__(self, value, data_format=None, **kwargs):
        super(_EdgeLayer, self).__init__(**kwargs)
        label = '%s (%s)' % (type(self).__name__, self.name)
        self.data_format = conv_utils.normalize_data_format(data_format)
        if self.rank == 1:
            pair = conv_utils.normalize_tuple(value, 2, self._arg)
            if any(v < 0 for v in pair):
                raise ValueError('%s: `%s` entries must be >= 0; got %r' % (label, self._arg, value))
            setattr(self, self._arg, pair)
        else:
            setattr(self, self._arg, _normalize_pairs(value, self.rank, self._arg, label))
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _pairs(self):
        value = getattr(self, self._arg)
        return (value,) if self.rank == 1 else value

    def _output_shape(self, input_shape, spatial):
        channels = input_shape[1] if self.data_format == 'channels_first' else input_shape[-1]
        return conv_utils.with_spatial(input_shape, self.data_format, spatial, channels)

    def get_config(self):
        # The 1D layers are always channels_last and have no `data_format` argument.
        config = {self._arg: getattr(self, self._arg)}
        if self.rank != 1:
            config['data_format'] = self.data_format
        base_config = super(_EdgeLayer, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))


class _ZeroPadding(_EdgeLayer):
    """Base of `ZeroPadding1D/2D/3D`: pads the spatial axes with zeros."""

    _arg = 'padding'

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = [None if n is None else n + a + b
                   for n, (a, b) in zip(conv_utils.spatial_dims(input_shape, self.data_format, self.rank),
                                        self._pairs())]
        return self._output_shape(input_shape, spatial)

    def call(self, inputs):
        pads = [(0, 0)] + [tuple(p) for p in self._pairs()]
        if self.data_format == 'channels_first':
            pads.insert(1, (0, 0))
        else:
            pads.append((0, 0))
        return K.pad(inputs, pads)


class ZeroPadding1D(_ZeroPadding):
    """Pads a sequence with zero time steps: `(batch, steps, features)` -> `(batch, left + steps + right, features)`.

    Args:
        padding: int (both sides) or tuple of 2 ints `(left, right)`.

    Example::

        ZeroPadding1D((1, 2))   # (None, 4, 3) -> (None, 7, 3)
    """

    rank = 1

    def __init__(self, padding=1, **kwargs):
        super(ZeroPadding1D, self).__init__(padding, data_format='channels_last', **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Adds rows and columns of zeros at the top, bottom, left and right of images.

    Args:
        padding: int (all sides), tuple of 2 ints `(rows, cols)` (symmetric), or
            `((top, bottom), (left, right))`.
        data_format: 'channels_last' or 'channels_first'.

    Example::

        ZeroPadding2D(((1, 0), (2, 1)))   # (None, 3, 3, 2) -> (None, 4, 6, 2)
    """

    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super(ZeroPadding2D, self).__init__(padding, data_format=data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Zero padding of the three spatial axes of volumes.

    Args:
        padding: int, tuple of 3 ints (symmetric), or 3 `(before, after)` pairs.
        data_format: 'channels_last' or 'channels_first'.
    """

    rank = 3

    def __init__(self, padding=(1, 1, 1), data_format=None, **kwargs):
        super(ZeroPadding3D, self).__init__(padding, data_format=data_format, **kwargs)


class _Cropping(_EdgeLayer):
    """Base of `Cropping1D/2D/3D`: removes entries at both ends of the spatial axes."""

    _arg = 'cropping'

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = []
        for axis, (n, (a, b)) in enumerate(zip(conv_utils.spatial_dims(input_shape, self.data_format, self.rank),
                                               self._pairs())):
            # Cropping everything leaves an empty axis, as in Keras 2.2; more is an error.
            if n is not None and a + b > n:
                raise ValueError('%s (%s): cropping %s removes more than the %d entries of spatial axis %d '
                                 '(input shape %s)' % (type(self).__name__, self.name, self.cropping, n, axis,
                                                       input_shape))
            spatial.append(None if n is None else n - a - b)
        return self._output_shape(input_shape, spatial)

    def call(self, inputs):
        self.compute_output_shape(K.int_shape(inputs))  # validates the sizes
        index = [slice(a, -b if b else None) for a, b in self._pairs()]
        full = slice(None)
        if self.data_format == 'channels_first':
            index = [full, full] + index
        else:
            index = [full] + index + [full]
        return inputs[tuple(index)]


class Cropping1D(_Cropping):
    """Crops a sequence along the time axis.

    Args:
        cropping: int (both ends) or tuple of 2 ints `(start, end)`.

    Example::

        Cropping1D((1, 2))   # (None, 7, 3) -> (None, 4, 3)
    """

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super(Cropping1D, self).__init__(cropping, data_format='channels_last', **kwargs)


class Cropping2D(_Cropping):
    """Crops rows and columns of images.

    Args:
        cropping: int (all sides), tuple of 2 ints (symmetric rows, cols) or
            `((top_crop, bottom_crop), (left_crop, right_crop))`.
        data_format: 'channels_last' or 'channels_first'.

    Example::

        Cropping2D(((2, 2), (4, 4)), input_shape=(28, 28, 3))   # -> (None, 24, 20, 3)
    """

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super(Cropping2D, self).__init__(cropping, data_format=data_format, **kwargs)


class Cropping3D(_Cropping):
    """Crops the three spatial axes of volumes.

    Args:
        cropping: int, tuple of 3 ints (symmetric) or 3 `(start, end)` pairs.
        data_format: 'channels_last' or 'channels_first'.
    """

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super(Cropping3D, self).__init__(cropping, data_format=data_format, **kwargs)
