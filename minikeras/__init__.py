"""minikeras: the Keras 2 API on a symbolic numpy engine.

`import minikeras as keras` gives the Keras 2 module layout: `keras.layers`,
`keras.models`, `keras.optimizers`, `keras.losses`, `keras.metrics`,
`keras.callbacks`, `keras.backend`, `keras.utils`, `keras.preprocessing`, ... and `keras.Input`,
`keras.Model`, `keras.Sequential`. `keras.applications` and `keras.wrappers`
are imported on first access, since they rest on optional extras.
"""
__version__ = '0.1.0'

from . import backend  # noqa: F401,E402
from . import utils  # noqa: F401,E402
from . import activations, constraints, initializers, regularizers  # noqa: F401,E402
from . import losses, metrics, objectives, optimizers  # noqa: F401,E402
from . import engine, layers, models, callbacks  # noqa: F401,E402
from . import datasets, preprocessing  # noqa: F401,E402
from .engine.input_layer import Input  # noqa: F401,E402
from .engine.sequential import Sequential  # noqa: F401,E402
from .engine.training import Model  # noqa: F401,E402


def __getattr__(name):
    """Imports `applications` and `wrappers` on first access (they need optional extras)."""
    if name in ('applications', 'wrappers'):
        import importlib
        return importlib.import_module('.' + name, __name__)
    raise AttributeError('module %r has no attribute %r' % (__name__, name))
