"""Utilities (`minikeras.utils`): serialization helpers and, as they land,
`to_categorical`, `normalize`, `Progbar`, `Sequence`, `plot_model`."""
from .generic_utils import (CustomObjectScope, custom_object_scope, deserialize_keras_object,  # noqa: F401
                            get_custom_objects, serialize_keras_object)
from .np_utils import to_categorical, normalize  # noqa: F401
