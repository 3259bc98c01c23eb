"""Utilities (`minikeras.utils`).

What this package exports:

- serialization helpers: `CustomObjectScope`, `custom_object_scope`,
  `get_custom_objects`, `serialize_keras_object`, `deserialize_keras_object`,
  `register_keras_serializable` (`'package>name'` keys), `get_registered_name`,
  `get_registered_object`;
- array helpers: `to_categorical`, `normalize`;
- `Progbar`, the training progress bar;
- `get_file`, which downloads a file once into the Keras cache (`~/.keras`),
  verifies its hash and extracts archives safely;
- data feeding for the generator loops: `Sequence`, `SequenceEnqueuer`,
  `OrderedEnqueuer`, `GeneratorEnqueuer`;
- model inspection: `count_params`, `print_summary`, and `plot_model` /
  `model_to_dot` (these need the optional pydot: `pip install 'minikeras[plot]'`),
  `get_source_inputs` (the input tensors a tensor was computed from).

The submodules `conv_utils`, `io_utils` and `test_utils` (`layer_test`) are
imported by name.
"""
from .generic_utils import (CustomObjectScope, custom_object_scope, deserialize_keras_object,  # noqa: F401
                            get_custom_objects, get_registered_name, get_registered_object,
                            register_keras_serializable, serialize_keras_object)
from .np_utils import to_categorical, normalize  # noqa: F401
from .progbar import Progbar  # noqa: F401
from .data_utils import GeneratorEnqueuer, OrderedEnqueuer, Sequence, SequenceEnqueuer  # noqa: F401
from .downloads import get_file  # noqa: F401
from .layer_utils import count_params, print_summary  # noqa: F401
from .vis_utils import model_to_dot, plot_model  # noqa: F401
from ..engine.network import get_source_inputs  # noqa: F401,E402
