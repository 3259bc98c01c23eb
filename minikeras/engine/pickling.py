"""Pickling and deep-copying models through an in-memory HDF5 image.

`pickle.dumps(model)`, `copy.deepcopy(model)` and everything built on them
(scikit-learn's `clone`, `multiprocessing`) go through `Network.__reduce__`,
which writes the model with `save_model` into bytes (architecture, weights,
training configuration and optimizer state: the very file `model.save` would
write) and rebuilds it with `load_model`. There is no second serializer: what
a `.h5` file round-trips, a pickle round-trips.

The classes of the model's layers and the loss and metric functions given
to `compile` travel with the image (pickled by reference, as pickle does for
any class or function), so models with custom layers or losses unpickle
without a `custom_objects` argument wherever those can be imported.
"""
import io

__all__ = ['model_image', 'model_from_image']


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
    """{name: function} of the losses and metrics given to `compile` as functions."""
    found = {}

    def visit(spec):
        if isinstance(spec, dict):
            spec = list(spec.values())
        if isinstance(spec, (list, tuple)):
            for item in spec:
                visit(item)
        elif callable(spec) and getattr(spec, '__name__', '<lambda>') != '<lambda>':
            found[spec.__name__] = spec

    visit(getattr(model, 'loss', None))
    visit(getattr(model, 'metrics', None))
    visit(getattr(model, 'weighted_metrics', None))
    return found


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


def reduce_model(model):
    """`__reduce__` value of a model: rebuild from its HDF5 image."""
    compiled = getattr(model, 'optimizer', None) is not None
    custom_objects = _training_functions(model) if compiled else {}
    custom_objects.update(_layer_classes(model))
    return model_from_image, (model_image(model), custom_objects, compiled)
