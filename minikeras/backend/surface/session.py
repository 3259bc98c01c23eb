"""`K.get_session` / `K.set_session`, and Keras 2's `py_*` aliases of Python builtins.

Keras 2 code written for TensorFlow evaluates tensors with
`K.get_session().run(fetches, feed_dict)`. Here the session is a thin object
over `K.function`: `run` compiles (and caches) a function from the fed
placeholders to the fetched tensors and calls it. A fetched `K.update(...)`
tensor is also applied, as running an assign op does in TensorFlow. There is
no TensorFlow session to configure, so `set_session` accepts only a session
of this backend and names the problem for anything else.
"""
import collections

from ..graph import compiler
from ..graph.tensor import Tensor

__all__ = ['Session', 'get_session', 'set_session', 'py_all', 'py_any', 'py_sum', 'py_slice']

# Keras 2 backends bind the builtins under these names before shadowing them (K.all, K.any, K.sum).
py_all = all
py_any = any
py_sum = sum
py_slice = slice

_CACHE_SIZE = 32


def _is_update(tensor):
    return tensor.owner is not None and tensor.owner.op.assigns


def _flatten(fetches, out):
    """Appends the tensors of a nested fetch structure to `out`; returns a rebuild template."""
    if isinstance(fetches, Tensor):
        out.append(fetches)
        return len(out) - 1
    if isinstance(fetches, (list, tuple)):
        return type(fetches), [_flatten(f, out) for f in fetches]
    if isinstance(fetches, dict):
        return dict, {k: _flatten(v, out) for k, v in fetches.items()}
    raise TypeError('Session.run: fetches must be tensors, or lists, tuples or dicts of tensors; got %s'
                    % type(fetches).__name__)


def _rebuild(template, values):
    if isinstance(template, int):
        return values[template]
    kind, items = template
    if kind is dict:
        return {k: _rebuild(v, values) for k, v in items.items()}
    return kind(_rebuild(t, values) for t in items)


class Session(object):
    """Evaluates tensors through `K.function`; what `K.get_session()` returns.

    Example::

        x = K.placeholder((None, 2))
        y = K.sum(x * 2, axis=1)
        K.get_session().run(y, feed_dict={x: np.ones((3, 2))})   # array([4., 4., 4.])
    """

    def __init__(self):
        self._functions = collections.OrderedDict()

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Computes `fetches` with the placeholders of `feed_dict` fed.

        Args:
            fetches: a tensor, or a (nested) list, tuple or dict of tensors.
                Fetched `K.update(...)` tensors are applied after all values are
                computed.
            feed_dict: dict from placeholder (or any tensor, which cuts the
                graph above it; or `K.learning_phase()`) to its value.
            options, run_metadata: TensorFlow tracing arguments; ignored.

        Returns:
            numpy arrays in the structure of `fetches`.

        Raises:
            TypeError: a fetch or a feed key is not a tensor.
        """
        flat = []
        template = _flatten(fetches, flat)
        feeds = list((feed_dict or {}).items())
        for key, _ in feeds:
            if not isinstance(key, Tensor):
                raise TypeError('Session.run: feed_dict keys must be placeholders (tensors); got %s'
                                % type(key).__name__)
        inputs = [k for k, _ in feeds]
        function = self._function(inputs, flat)
        values = function([v for _, v in feeds]) if flat else []
        return _rebuild(template, values)

    def _function(self, inputs, outputs):
        key = (tuple(map(id, inputs)), tuple(map(id, outputs)))
        entry = self._functions.get(key)
        if entry is not None and all(a is b for a, b in zip(entry[0], inputs + outputs)):
            self._functions.move_to_end(key)
            return entry[1]
        updates = [t for t in outputs if _is_update(t)]
        function = compiler.Function(inputs, outputs, updates=updates, name='Session.run')
        self._functions[key] = (inputs + outputs, function)
        if len(self._functions) > _CACHE_SIZE:
            self._functions.popitem(last=False)
        return function

    def close(self):
        """Drops the compiled functions (the session stays usable)."""
        self._functions.clear()

    def as_default(self):
        """`with sess.as_default():` is accepted; there is only one graph."""
        return self

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False


_SESSION = [None]


def get_session():
    """The backend session (created on first use; see `Session`)."""
    if _SESSION[0] is None:
        _SESSION[0] = Session()
    return _SESSION[0]


def set_session(session):
    """Makes `session` the one `get_session` returns.

    Raises:
        TypeError: `session` is not a `Session` of this backend (a TensorFlow
            session, for example: there is no TensorFlow graph to run it on).
    """
    if not isinstance(session, Session):
        cls = type(session)
        raise TypeError('K.set_session: minikeras runs graphs with numpy and has no TensorFlow session to '
                        'replace; expected a session from K.get_session(), got %s.%s. Session options '
                        '(GPU memory, threads) do not apply here: drop the K.set_session call.'
                        % (cls.__module__, cls.__name__))
    _SESSION[0] = session
