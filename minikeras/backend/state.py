"""The backend's global state, in one module: the configured defaults (float
type, fuzz factor, image data format), the learning phase and the name counters.

Every backend reads the defaults through the functions below, so that
`clear_session` and the `~/.minikeras/minikeras.json` file have a single place
to act on. `clear_session()` resets the learning phase and the name counters
(and drops the graph references they hold); the configured defaults stay.
"""
import collections

from .graph.tensor import Placeholder
from .kernels.xp import xp

_FLOATX = 'float32'
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = 'channels_last'
_FLOAT_TYPES = ('float16', 'float32', 'float64')
_DATA_FORMATS = ('channels_first', 'channels_last')

_state = {'learning_phase': None, 'learning_phase_value': None,
          'uids': collections.defaultdict(int), 'name_scope': []}


# Configured defaults -------------------------------------------------------------
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
    return xp.asarray(x, dtype=_FLOATX)


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


# Learning phase ------------------------------------------------------------------
def learning_phase_placeholder():
    """The scalar placeholder standing for the learning phase (0 = test, 1 = train)."""
    if _state['learning_phase'] is None:
        _state['learning_phase'] = Placeholder((), 'uint8', name='keras_learning_phase', default=0)
    return _state['learning_phase']


def learning_phase():
    """Returns the learning phase: the fixed int if `set_learning_phase` was called,
    else the placeholder (fed by training functions, 0 when not fed)."""
    if _state['learning_phase_value'] is not None:
        return _state['learning_phase_value']
    return learning_phase_placeholder()


def set_learning_phase(value):
    """Fixes the learning phase to 0 (test) or 1 (train) for graphs built afterwards."""
    if value not in (0, 1):
        raise ValueError('Expected learning phase to be 0 or 1, got %r' % (value,))
    _state['learning_phase_value'] = int(value)


def get_learning_phase_value():
    """The value used when a compiled function is not fed the learning phase."""
    value = _state['learning_phase_value']
    return 0 if value is None else value


# Name counters and scopes --------------------------------------------------------
def get_uid(prefix=''):
    """Returns 1, 2, 3, ... on successive calls with the same prefix."""
    _state['uids'][prefix] += 1
    return _state['uids'][prefix]


def reset_uids():
    _state['uids'] = collections.defaultdict(int)


def name_scope_stack():
    """The names of the open `K.name_scope` blocks, outermost first."""
    return _state['name_scope']


def clear_session():
    """Resets the name counters and the learning phase, as Keras 2 does."""
    reset_uids()
    _state['name_scope'] = []
    _state['learning_phase'] = None
    _state['learning_phase_value'] = None
