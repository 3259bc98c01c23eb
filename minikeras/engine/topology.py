"""`keras.engine.topology`, the Keras 2.0/2.1 home of the engine classes (kept for old imports).

Custom-layer code written for Keras 2.0 imports `Layer` (and `InputSpec`,
`Input`, `Network`, ...) from here; they are the classes of `base_layer`,
`input_layer` and `network`.
"""
from .base_layer import InputSpec, Layer, Node  # noqa: F401
from .input_layer import Input, InputLayer  # noqa: F401
from .network import Network, get_source_inputs  # noqa: F401
from .saving import load_weights_from_hdf5_group, load_weights_from_hdf5_group_by_name, save_weights_to_hdf5_group  # noqa: F401,E501
