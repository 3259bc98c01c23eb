"""The layer and model engine: `Layer`, `InputSpec`, `Input`, `Network`, `Model`, `Sequential`."""
from .base_layer import InputSpec, Layer, Node  # noqa: F401
from .input_layer import Input, InputLayer  # noqa: F401
from .network import Network, get_source_inputs  # noqa: F401
from .training import Model  # noqa: F401
from .sequential import Sequential  # noqa: F401
from . import topology  # noqa: F401,E402  (the Keras 2.0 module path)
