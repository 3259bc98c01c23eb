"""Global backend state in one place: the learning phase and name counters.

`clear_session()` resets all of it (and drops the graph references it holds).
"""
import collections

from .graph.tensor import Placeholder

_state = {'learning_phase': None, 'learning_phase_value': None,
          'uids': collections.defaultdict(int), 'name_scope': []}


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
