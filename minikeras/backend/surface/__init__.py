"""The `K` surface: the Keras 2.2 `K.*` functions on the symbolic graph engine.

This package is the built-in backend module (`MINIKERAS_BACKEND=numpy`); a
third-party backend module replaces it as a whole.

Each submodule groups one family of functions; this module re-exports them all.
See docs/backend.md for the contract a backend module must meet.
"""
from ..state import (cast_to_floatx, epsilon, floatx, image_data_format, image_dim_ordering,  # noqa: F401
                     normalize_data_format, set_epsilon, set_floatx, set_image_data_format,
                     set_image_dim_ordering)
from ..kernels.threads import get_num_threads, set_num_threads  # noqa: F401
from .array import *  # noqa: F401,F403
from .control import *  # noqa: F401,F403
from .math import *  # noqa: F401,F403
from .nn import *  # noqa: F401,F403
from .random import *  # noqa: F401,F403
from .variables import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .rnn import *  # noqa: F401,F403
from .collective import *  # noqa: F401,F403
from .ctc import *  # noqa: F401,F403
from .session import *  # noqa: F401,F403


def backend():
    """The name of this backend."""
    return 'numpy'
