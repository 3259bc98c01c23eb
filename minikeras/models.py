"""Model classes and (de)serialisation entry points: `Sequential`, `Model`,
`model_from_config`, `model_from_json`, `model_from_yaml`, `clone_model`.

`save_model` / `load_model` (HDF5) live in `engine/saving.py` and are
re-exported here when present.
"""
import json

from .engine.input_layer import Input, InputLayer
from .engine.sequential import Sequential
from .engine.training import Model
from .utils.generic_utils import safe_mode_scope, to_list

try:  # the HDF5 saving module is optional (it needs h5py)
    from .engine.saving import load_model, save_model  # noqa: F401
except ImportError:  # pragma: no cover - depends on which modules are installed
    pass


def model_from_config(config, custom_objects=None, safe_mode=None):
    """Instantiates a model (or layer) from a `{'class_name', 'config'}` dict.

    Args:
        config: the dict.
        custom_objects: dict mapping names to custom classes or functions.
        safe_mode: refuse `Lambda` layers stored as Python bytecode (building
            them would run that code). None (default) means True unless
            `utils.generic_utils.enable_unsafe_deserialization()` was called.

    Raises:
        TypeError: `config` is a list (a Sequential config was passed directly).
        UnsafeConfigError: bytecode in safe mode.
    """
    if isinstance(config, list):
        raise TypeError('`model_from_config` expects a dictionary, not a list. Maybe you meant to use '
                        '`Sequential.from_config(config)`?')
    from .layers import deserialize
    with safe_mode_scope(safe_mode):
        return deserialize(config, custom_objects=custom_objects)


def model_from_json(json_string, custom_objects=None, safe_mode=None):
    """Instantiates a model from the JSON string written by `model.to_json()`.

    `safe_mode` as in `model_from_config`.
    """
    config = json.loads(json_string)
    return model_from_config(config, custom_objects=custom_objects, safe_mode=safe_mode)


def model_from_yaml(yaml_string, custom_objects=None, safe_mode=None):
    """Instantiates a model from the YAML string written by `model.to_yaml()`.

    The string is parsed with PyYAML's safe loader (plain data only, no Python
    objects); `safe_mode` as in `model_from_config`. Needs PyYAML
    (`pip install 'minikeras[yaml]'`).

    Raises:
        ImportError: PyYAML is not installed (the message names the extra).
    """
    from .utils.optional import import_extra
    yaml = import_extra('yaml', 'yaml', 'model_from_yaml')
    config = yaml.safe_load(yaml_string)
    return model_from_config(config, custom_objects=custom_objects, safe_mode=safe_mode)


def _clone_layer(layer):
    return layer.__class__.from_config(layer.get_config())


def clone_model(model, input_tensors=None):
    """A new model with the same architecture and freshly initialised (unshared) weights.

    Args:
        model: a `Model` or `Sequential`.
        input_tensors: optional tensors to build the clone on.
    """
    if isinstance(model, Sequential):
        layers = [_clone_layer(layer) for layer in model.layers]
        if input_tensors is not None:
            x = to_list(input_tensors)[0]
            if not hasattr(x, '_keras_history'):
                x = Input(tensor=x)
            clone = Sequential(name=model.name)
            clone.add(x._keras_history[0])
            for layer in layers:
                clone.add(layer)
            return clone
        return Sequential(layers=layers, name=model.name)
    layer_map = {}
    tensor_map = {}
    if input_tensors is None:
        inputs = [Input(batch_shape=layer.batch_input_shape, dtype=layer.dtype, name=layer.name)
                  for layer in model._input_layers]
    else:
        inputs = [x if hasattr(x, '_keras_history') else Input(tensor=x) for x in to_list(input_tensors)]
    for original, new in zip(model.inputs, inputs):
        tensor_map[id(original)] = new
    for depth in sorted(model._nodes_by_depth, reverse=True):
        for node in model._nodes_by_depth[depth]:
            layer = node.outbound_layer
            if isinstance(layer, InputLayer):
                continue
            if layer not in layer_map:
                layer_map[layer] = _clone_layer(layer)
            computed = [tensor_map[id(x)] for x in node.input_tensors if id(x) in tensor_map]
            if len(computed) != len(node.input_tensors):
                continue
            kwargs = dict(node.arguments or {})
            kwargs.pop('mask', None)
            outputs = to_list(layer_map[layer](computed[0] if len(computed) == 1 else computed, **kwargs))
            for x, y in zip(node.output_tensors, outputs):
                tensor_map[id(x)] = y
    return Model(inputs, [tensor_map[id(x)] for x in model.outputs], name=model.name)
