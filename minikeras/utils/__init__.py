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
- model inspection: `count_params`, `print_summary`, `get_source_inputs` (the
  input tensors a tensor was computed from), and `plot_model` / `model_to_dot`
  (these need the optional pydot: `pip install 'minikeras[plot]'`);
- HDF5 data: `HDF5Matrix` (a dataset fed to fit/predict like an array) and
  `h5dict` (a dict-like view of an HDF5 file, group or dict);
- `convert_all_kernels_in_model` (Theano <-> TensorFlow convolution kernels);
- `multi_gpu_model`, which raises: there are no GPUs on this backend.

The submodules `np_utils`, `generic_utils`, `data_utils`, `io_utils` and
`conv_utils` are bound as attributes, as in Keras 2; `layer_utils`,
`vis_utils`, `multi_gpu_utils` and `test_utils` (`layer_test`,
`get_test_data`) are imported by name.
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
from .io_utils import HDF5Matrix, h5dict  # noqa: F401
from .layer_utils import convert_all_kernels_in_model, get_source_inputs  # noqa: F401
from .multi_gpu_utils import multi_gpu_model  # noqa: F401
from . import conv_utils, data_utils, generic_utils, io_utils, np_utils  # noqa: F401
