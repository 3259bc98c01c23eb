"""Importing the optional extras.

minikeras depends only on numpy, six and h5py; features built on another
library (pydot, tensorboardX, scikit-learn, keras_applications, PyYAML, ...)
import it when first used through `import_extra`, so a missing package
raises one kind of error everywhere: an `ImportError` that names the feature,
the package and the extra that installs it.
"""
import importlib


def import_extra(module, extra, feature):
    """Imports `module`, or raises an ImportError telling how to install it.

    Args:
        module: the module to import, e.g. 'tensorboardX'.
        extra: the minikeras extra that installs it, e.g. 'tensorboard'.
        feature: what needs it, for the message, e.g. 'callbacks.TensorBoard'.

    Returns:
        The imported module.

    Raises:
        ImportError: the module is not installed (or fails to import).
    """
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError("%s needs the `%s` package, which is not installed (%s). Install it with "
                          "`pip install 'minikeras[%s]'`." % (feature, module.split('.')[0], e, extra))
