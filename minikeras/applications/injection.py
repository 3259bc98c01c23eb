"""Builds the `keras_applications` models with minikeras' modules, as Keras 2.2.4 did.

The `keras_applications` package (`pip install 'minikeras[applications]'`)
holds the reference definitions of the Keras 2 applications and takes the
Keras modules it builds with as keyword arguments (`backend`, `layers`,
`models`, `utils`). `bind` wraps one of its functions so that minikeras'
modules are passed in: the layers, layer names, weight order and file
handling are then those of Keras 2.2.4, and `weights='imagenet'` downloads
through `minikeras.utils.get_file` into the Keras cache
(`$KERAS_HOME/models`, default `~/.keras/models`), reusing files that Keras
already downloaded there.
"""
import functools

from ..utils.optional import import_extra


def _modules():
    from .. import backend, layers, models, utils
    return {'backend': backend, 'layers': layers, 'models': models, 'utils': utils}


def application_module(name):
    """The `keras_applications` submodule `name` (e.g. 'vgg16').

    Raises:
        ImportError: keras_applications is not installed.
    """
    import_extra('keras_applications', 'applications', 'minikeras.applications')
    return import_extra('keras_applications.' + name, 'applications', 'minikeras.applications')


def bind(module_name, function_name):
    """`keras_applications.<module_name>.<function_name>`, called with minikeras' modules."""
    function = getattr(application_module(module_name), function_name)

    @functools.wraps(function)
    def with_minikeras(*args, **kwargs):
        kwargs.update(_modules())
        return function(*args, **kwargs)

    return with_minikeras
