"""Utilities (`minikeras.utils`): serialization helpers and, as they land,
`to_categorical`, `normalize`, `Progbar`, `Sequence`, `plot_model`."""
from .generic_utils import (CustomObjectScope, custom_object_scope, deserialize_keras_object,  # noqa: F401
                            get_custom_objects, serialize_keras_object)
from .np_utils import to_categorical, normalize  # noqa: F401
from .progbar import Progbar  # noqa: F401
from .data_utils import GeneratorEnqueuer, OrderedEnqueuer, Sequence, SequenceEnqueuer  # noqa: F401
from .layer_utils import count_params, print_summary  # noqa: F401
