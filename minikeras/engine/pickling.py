"""Pickling and deep-copying models through an in-memory HDF5 image.

`pickle.dumps(model)`, `copy.deepcopy(model)` and everything built on them
(scikit-learn's `clone`, `multiprocessing`) go through `Network.__reduce__`
and `Network.__deepcopy__`, which write the model with `save_model` into bytes (architecture, weights,
training configuration and optimizer state: the very file `model.save` would
write) and rebuild it with `load_model`. There is no second serializer: what
a `.h5` file round-trips, a pickle round-trips.

The classes of the model's layers and the loss and metric functions given
to `compile` travel with the image (pickled by reference, as pickle does for
any class or function), so models with custom layers or losses unpickle
without a `custom_objects` argument wherever those can be imported;
`copy.deepcopy` (`Network.__deepcopy__`) hands them over directly, so
classes and functions defined inside a function work there too.
"""
import io

__all__ = ['model_image', 'model_from_image', 'reduce_model', 'copy_model']


def _layer_classes(model):
    """{class name: class} of every layer in `model`, nested models included."""
    classes = {type(model).__name__: type(model)}
    for layer in getattr(model, 'layers', []):
        classes.update(_layer_classes(layer))
        inner = getattr(layer, 'layer', None)  # wrappers (TimeDistributed, Bidirectional)
        if inner is not None:
            classes.update(_layer_classes(inner))
    return classes


def _training_functions(model):
    """{name: function} of the losses and metrics given to `compile` as functions.

    Raises:
        TypeError: one of them is a lambda: the saved training configuration
            names it `<lambda>`, which nothing can resolve.
    """
    found = {}

    def visit(spec):
        if isinstance(spec, dict):
            spec = list(spec.values())
        if isinstance(spec, (list, tuple)):
            for item in spec:
                visit(item)
        elif callable(spec) and hasattr(spec, '__name__'):
            if spec.__name__ == '<lambda>':
                raise TypeError('Cannot pickle or copy model "%s": it was compiled with a lambda as a loss or '
                                'metric, which its training configuration cannot name. Use a function defined '
                                'with `def` (at module level to pickle it).' % model.name)
            found[spec.__name__] = spec

    visit(getattr(model, 'loss', None))
    visit(getattr(model, 'metrics', None))
    visit(getattr(model, 'weighted_metrics', None))
    return found


def _custom_objects(model, compiled, importable_only):
    """The classes and functions the image names, for `load_model`.

    For a pickle, only those pickle can store by reference (not defined inside
    a function); the others must then be in a `CustomObjectScope` when
    unpickling, as with `load_model`.
    """
    objects = _training_functions(model) if compiled else {}
    objects.update(_layer_classes(model))
    if importable_only:
        objects = {name: obj for name, obj in objects.items()
                   if '<locals>' not in getattr(obj, '__qualname__', '')}
    return objects


def model_image(model):
    """The bytes of the HDF5 file `model.save` would write (with the optimizer).

    Raises:
        NotImplementedError: a subclassed model (it has no config to save).
    """
    from .saving import save_model
    buffer = io.BytesIO()
    save_model(model, buffer, include_optimizer=True)
    return buffer.getvalue()


def model_from_image(image, custom_objects=None, compiled=True):
    """Rebuilds a model from `model_image`'s bytes.

    Bytecode `Lambda` functions are loaded: the image comes from a pickle,
    and unpickling runs code by design, so `load_model`'s safe mode (which
    guards files) protects nothing here.

    Args:
        image: bytes from `model_image`.
        custom_objects: classes and functions the config refers to by name.
        compiled: compile the model again (when the image has a training
            configuration) and restore the optimizer state.
    """
    from .saving import load_model
    return load_model(io.BytesIO(image), custom_objects=custom_objects, compile=compiled, safe_mode=False)


def _compiled(model):
    return getattr(model, 'optimizer', None) is not None


def reduce_model(model):
    """`__reduce__` value of a model: rebuild from its HDF5 image."""
    compiled = _compiled(model)
    return model_from_image, (model_image(model), _custom_objects(model, compiled, True), compiled)


def copy_model(model):
    """`copy.deepcopy(model)`: a model rebuilt from its HDF5 image (nothing needs pickling)."""
    compiled = _compiled(model)
    return model_from_image(model_image(model), _custom_objects(model, compiled, False), compiled)
