"""`keras.backend.common` of Keras 2.2.4 (and the path docs/backend.md first gave
third-party backends): the configuration functions, which live in
:mod:`minikeras.backend.state`."""
from .state import (cast_to_floatx, epsilon, floatx, image_data_format, image_dim_ordering,
                    normalize_data_format, set_epsilon, set_floatx, set_image_data_format,
                    set_image_dim_ordering)

__all__ = ['cast_to_floatx', 'epsilon', 'floatx', 'image_data_format', 'image_dim_ordering',
           'normalize_data_format', 'set_epsilon', 'set_floatx', 'set_image_data_format',
           'set_image_dim_ordering']
