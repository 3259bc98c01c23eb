"""Backend-independent configuration state: floatx, epsilon, image data format.

Every backend reads these through the functions below, so that `clear_session`
and the `~/.minikeras/minikeras.json` file have a single place to act on.
"""
import numpy as np

_FLOATX = 'float32'
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = 'channels_last'
_FLOAT_TYPES = ('float16', 'float32', 'float64')
_DATA_FORMATS = ('channels_first', 'channels_last')


def epsilon():
    """Returns the fuzz factor used in numeric expressions (default 1e-7)."""
    return _EPSILON


def set_epsilon(e):
    """Sets the fuzz factor used in numeric expressions."""
    global _EPSILON
    _EPSILON = float(e)


def floatx():
    """Returns the default float type as a string, e.g. 'float32'."""
    return _FLOATX


def set_floatx(value):
    """Sets the default float type ('float16', 'float32' or 'float64')."""
    global _FLOATX
    if value not in _FLOAT_TYPES:
        raise ValueError('Unknown floatx type: %r; expected one of %s' % (value, _FLOAT_TYPES))
    _FLOATX = str(value)


def cast_to_floatx(x):
    """Casts a numpy array (or scalar) to the default float type."""
    return np.asarray(x, dtype=_FLOATX)


def image_data_format():
    """Returns the default image data format: 'channels_last' or 'channels_first'."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    """Sets the default image data format ('channels_last' or 'channels_first')."""
    global _IMAGE_DATA_FORMAT
    if data_format not in _DATA_FORMATS:
        raise ValueError('Unknown data_format: %r; expected one of %s' % (data_format, _DATA_FORMATS))
    _IMAGE_DATA_FORMAT = str(data_format)


def normalize_data_format(value):
    """Returns `value` checked, or the default image data format when it is None."""
    if value is None:
        value = image_data_format()
    data_format = value.lower()
    if data_format not in _DATA_FORMATS:
        raise ValueError('The `data_format` argument must be one of "channels_first", '
                         '"channels_last". Received: %r' % (value,))
    return data_format


# Legacy Keras 1 names.
def image_dim_ordering():
    return 'th' if _IMAGE_DATA_FORMAT == 'channels_first' else 'tf'


def set_image_dim_ordering(dim_ordering):
    if dim_ordering not in ('tf', 'th'):
        raise ValueError("Unknown dim_ordering: %r; expected 'tf' or 'th'" % (dim_ordering,))
    set_image_data_format('channels_first' if dim_ordering == 'th' else 'channels_last')
