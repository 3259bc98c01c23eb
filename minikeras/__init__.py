"""minikeras: the Keras 2 API on a symbolic numpy engine."""
from . import backend  # noqa: F401
from . import utils  # noqa: F401

__version__ = '0.1.0'
