"""Serialization registry helpers shared by every configurable module.

Every module with named objects (activations, initializers, regularizers,
constraints, losses, metrics, optimizers, layers) serializes through
`serialize_keras_object` and resolves names through `deserialize_keras_object`,
whose lookup order is: the `custom_objects` argument, then the global custom
object scope (`CustomObjectScope` / `custom_object_scope`, and the
`'package>name'` keys of `register_keras_serializable`), then the module's own
objects. Plain functions (custom regularizers, initializers, constraints)
serialize as their name and resolve back to the function itself.
"""
import binascii
import codecs
import contextlib
import inspect
import marshal
import sys
import threading
import types as python_types

import six

_GLOBAL_CUSTOM_OBJECTS = {}


class CustomObjectScope(object):
    """Makes custom classes/functions resolvable by name within a `with` block.

    Example::

        with CustomObjectScope({'MyLayer': MyLayer}):
            model = load_model('m.h5')
    """

    def __init__(self, *args):
        self.custom_objects = args
        self.backup = None

    def __enter__(self):
        self.backup = _GLOBAL_CUSTOM_OBJECTS.copy()
        for objects in self.custom_objects:
            _GLOBAL_CUSTOM_OBJECTS.update(objects)
        return self

    def __exit__(self, *args, **kwargs):
        _GLOBAL_CUSTOM_OBJECTS.clear()
        _GLOBAL_CUSTOM_OBJECTS.update(self.backup)


def custom_object_scope(*args):
    """`with custom_object_scope({'name': obj}): ...` (see CustomObjectScope)."""
    return CustomObjectScope(*args)


def get_custom_objects():
    """The global dict of custom objects; entries added to it stay registered."""
    return _GLOBAL_CUSTOM_OBJECTS


_REGISTERED_NAMES = {}


def register_keras_serializable(package='Custom', name=None):
    """Decorator registering a class or function under the key `'package>name'`.

    Registered objects serialize under that key and are found by it when
    configs and saved models are loaded, with no `custom_objects` needed.

    Args:
        package: the package part of the key.
        name: the name part; default: the object's `__name__`.

    Returns:
        A decorator that registers its argument and returns it unchanged.

    Raises:
        ValueError: the key is already registered to another object, or a
            class has no `get_config` (it could not be rebuilt from its config).
    """
    def decorator(obj):
        key = '%s>%s' % (package, name if name is not None else obj.__name__)
        if inspect.isclass(obj) and not hasattr(obj, 'get_config'):
            raise ValueError('register_keras_serializable: class %s must implement get_config() to be '
                             'serializable' % obj.__name__)
        if key in _GLOBAL_CUSTOM_OBJECTS and _GLOBAL_CUSTOM_OBJECTS[key] is not obj:
            raise ValueError('register_keras_serializable: %r is already registered to %r'
                             % (key, _GLOBAL_CUSTOM_OBJECTS[key]))
        _GLOBAL_CUSTOM_OBJECTS[key] = obj
        _REGISTERED_NAMES[obj] = key
        return obj
    return decorator


def get_registered_name(obj):
    """The name `obj` (a class or function) serializes under: its
    `register_keras_serializable` key, else its `__name__`."""
    return _REGISTERED_NAMES.get(obj, getattr(obj, '__name__', None))


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered, scoped or passed under `name`, else None."""
    return _lookup(name, module_objects or {}, custom_objects)


def serialize_keras_object(instance):
    """`{'class_name': ..., 'config': ...}` for objects with `get_config`, else the
    name (the registered `'package>name'` key of registered objects)."""
    if instance is None:
        return None
    if hasattr(instance, 'get_config'):
        return {'class_name': get_registered_name(instance.__class__), 'config': instance.get_config()}
    if hasattr(instance, '__name__'):
        return get_registered_name(instance)
    raise ValueError('Cannot serialize %r: it has neither get_config() nor __name__' % (instance,))


def _lookup(name, module_objects, custom_objects):
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    return module_objects.get(name)


def _needs_arguments(obj):
    """Whether `obj` is a function that takes required arguments (a custom
    regularizer `f(x)`, initializer `f(shape)`, ...), as opposed to a class or a
    factory such as `glorot_uniform(seed=None)` that a config calls."""
    if inspect.isclass(obj) or not callable(obj) or hasattr(obj, 'from_config'):
        return False
    try:
        params = inspect.signature(obj).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


def deserialize_keras_object(identifier, module_objects=None, custom_objects=None,
                             printable_module_name='object'):
    """Resolves a name or a `{'class_name', 'config'}` dict to an object.

    Args:
        identifier: a string name or a config dict.
        module_objects: dict of the module's own objects by name.
        custom_objects: dict of user objects by name (looked up first).
        printable_module_name: used in error messages, e.g. 'loss function'.

    Raises:
        ValueError: the name is unknown; the message names it and points to
            `custom_objects`.
    """
    module_objects = module_objects or {}
    if isinstance(identifier, dict):
        if 'class_name' not in identifier or 'config' not in identifier:
            raise ValueError('Improper config format for %s: %r (expected keys "class_name" and "config")'
                             % (printable_module_name, identifier))
        class_name = identifier['class_name']
        cls = _lookup(class_name, module_objects, custom_objects)
        if cls is None:
            raise ValueError('Unknown %s: %s. If it is a custom class, pass it in `custom_objects` '
                             '(or use CustomObjectScope).' % (printable_module_name, class_name))
        config = identifier['config']
        if not config and _needs_arguments(cls):
            return cls  # a plain function named by a string (a custom regularizer, initializer, ...)
        if hasattr(cls, 'from_config'):
            arg_spec = inspect.signature(cls.from_config).parameters
            merged = dict(custom_objects or {})
            merged.update(_GLOBAL_CUSTOM_OBJECTS)
            if 'custom_objects' in arg_spec:
                return cls.from_config(config, custom_objects=merged)
            with CustomObjectScope(custom_objects or {}):
                return cls.from_config(config)
        with CustomObjectScope(custom_objects or {}):
            return cls(**config)
    if isinstance(identifier, six.string_types):
        obj = _lookup(identifier, module_objects, custom_objects)
        if obj is None:
            raise ValueError('Unknown %s: %s. If it is a custom object, pass it in `custom_objects` '
                             '(or use CustomObjectScope).' % (printable_module_name, identifier))
        return obj
    raise ValueError('Could not interpret serialized %s: %r' % (printable_module_name, identifier))


_NO_DEFAULT = object()


def registry_functions(kind, module_objects, default=_NO_DEFAULT, names_are_classes=False, instantiate=None,
                       accepts=callable, prepare=None, describe=repr):
    """Builds the `serialize`, `deserialize` and `get` of a module of named objects.

    Every configurable module (activations, constraints, initializers, losses,
    metrics, regularizers, optimizers, layers) has these three functions; they
    differ only in the options below, so they are written once, here.

    Args:
        kind: what the objects are called in messages, e.g. 'loss function'.
        module_objects: a function returning the module's own `{name: object}`
            (called at each lookup, so it sees the module as it is then).
        default: what `get(None)` returns; left out, None is an identifier
            `get` cannot interpret.
        names_are_classes: True: `get('name')` builds the class of that name with
            its default arguments (`{'class_name': name, 'config': {}}`);
            False: it returns the object of that name.
        instantiate: a base class, or None; `deserialize` builds a subclass of
            it that a name resolves to with its default arguments.
        accepts: whether `get` returns an identifier that is neither a name nor
            a config unchanged (default: any callable).
        prepare: optional `prepare(config, custom_objects) -> config` run by
            `deserialize` before the lookup (it may validate and raise).
        describe: how the `get` error message shows an identifier it cannot
            interpret (default `repr`).

    Returns:
        `(serialize, deserialize, get)`:

        - `serialize(obj)`: `{'class_name', 'config'}` of an object with
          `get_config`, else its (registered) name; None for None.
        - `deserialize(config, custom_objects=None)`: the object a name or a
          config dict describes; lookup order: `custom_objects`, the global
          custom object scope, then the module. Raises ValueError naming an
          unknown name.
        - `get(identifier)`: a name, a config dict, None or an accepted object
          resolved as above; raises ValueError 'Could not interpret <kind>
          identifier: ...' for anything else.
    """
    def serialize(obj):
        return serialize_keras_object(obj)

    def deserialize(config, custom_objects=None):
        if prepare is not None:
            config = prepare(config, custom_objects)
        obj = deserialize_keras_object(config, module_objects=module_objects(), custom_objects=custom_objects,
                                       printable_module_name=kind)
        if instantiate is not None and isinstance(obj, type) and issubclass(obj, instantiate):
            return obj()
        return obj

    def get(identifier):
        if identifier is None and default is not _NO_DEFAULT:
            return default
        if isinstance(identifier, dict):
            return deserialize(identifier)
        if isinstance(identifier, six.string_types):
            return deserialize({'class_name': str(identifier), 'config': {}} if names_are_classes else identifier)
        if identifier is not None and accepts(identifier):
            return identifier
        raise ValueError('Could not interpret %s identifier: %s' % (kind, describe(identifier)))

    serialize.__doc__ = 'The serialized form of a %s: a config dict, or its name.' % kind
    deserialize.__doc__ = ('The %s a name or a `{"class_name", "config"}` dict describes.\n\n'
                           '    Raises:\n        ValueError: the name is unknown.' % kind)
    get.__doc__ = ('Resolves a %s identifier: a name, a config dict%s, or an object it accepts.\n\n'
                   '    Raises:\n        ValueError: unknown name, or an identifier that is none of these.'
                   % (kind, '' if default is _NO_DEFAULT else ', None'))
    return serialize, deserialize, get


class UnsafeConfigError(ValueError):
    """Raised when deserializing a config would execute stored Python bytecode (a `Lambda` saved from a
    `lambda`) while safe mode is on (the default)."""


_SAFE_MODE = threading.local()
_UNSAFE_DESERIALIZATION_ENABLED = [False]


def enable_unsafe_deserialization():
    """Turns safe mode off for the whole process: configs may then run stored bytecode.

    This is the one switch that opts out everywhere (`load_model`,
    `model_from_json`, `model_from_yaml`, `model_from_config`,
    `Lambda.from_config`); an explicit `safe_mode=True` argument still wins.
    Only call it when every file and config you load is trusted.
    """
    _UNSAFE_DESERIALIZATION_ENABLED[0] = True


def in_safe_mode():
    """Whether stored bytecode is refused right now (True unless opted out)."""
    scoped = getattr(_SAFE_MODE, 'value', None)
    if scoped is not None:
        return scoped
    return not _UNSAFE_DESERIALIZATION_ENABLED[0]


@contextlib.contextmanager
def safe_mode_scope(safe_mode=None):
    """Within the block, `in_safe_mode()` is `safe_mode` (None: the enclosing / global setting)."""
    previous = getattr(_SAFE_MODE, 'value', None)
    if safe_mode is not None:
        _SAFE_MODE.value = bool(safe_mode)
    try:
        yield
    finally:
        _SAFE_MODE.value = previous


def check_bytecode_allowed(what):
    """Raises UnsafeConfigError naming `what` unless safe mode is off.

    Args:
        what: the object that stores bytecode, e.g. 'Lambda layer "lambda_1" (its function)'.
    """
    if in_safe_mode():
        raise UnsafeConfigError(
            'Refusing to deserialize %s: it is stored as marshalled Python bytecode, and loading it would '
            'execute that code. Only for configs and files you trust: pass safe_mode=False (load_model, '
            'model_from_json, model_from_yaml, model_from_config) or call '
            'minikeras.utils.generic_utils.enable_unsafe_deserialization(). Alternatively build the Lambda '
            'from a named function and pass it in custom_objects.' % what)


def func_dump(func):
    """Serializes a function's bytecode, defaults and closure (Keras 2 `Lambda` format)."""
    raw_code = marshal.dumps(func.__code__)
    code = codecs.encode(raw_code, 'base64').decode('ascii')
    defaults = func.__defaults__
    closure = tuple(c.cell_contents for c in func.__closure__) if func.__closure__ else None
    return code, defaults, closure


def func_load(code, defaults=None, closure=None, globs=None):
    """Rebuilds a function from `func_dump` output. This executes stored bytecode:
    only call it on data you trust (the deserializers call `check_bytecode_allowed` first)."""
    if isinstance(code, (tuple, list)):
        code, defaults, closure = code
        if isinstance(defaults, list):
            defaults = tuple(defaults)

    def ensure_value_to_cell(value):
        def dummy_fn():
            value  # noqa: B018  (creates the closure cell)
        return dummy_fn.__closure__[0]

    if closure is not None:
        closure = tuple(ensure_value_to_cell(c) for c in closure)
    try:
        raw_code = codecs.decode(code.encode('ascii'), 'base64')
    except (UnicodeEncodeError, binascii.Error):
        raw_code = code.encode('raw_unicode_escape')
    code = marshal.loads(raw_code)
    if globs is None:
        globs = globals()
    return python_types.FunctionType(code, globs, name=code.co_name, argdefs=defaults, closure=closure)


def has_arg(fn, name, accept_all=False):
    """Whether callable `fn` accepts an argument `name` (or **kwargs if accept_all)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    if accept_all and any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return True
    return name in params and params[name].kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                                     inspect.Parameter.KEYWORD_ONLY)


def to_list(x, allow_tuple=False):
    """`x` as a list (a single object becomes `[x]`)."""
    if isinstance(x, list):
        return x
    if allow_tuple and isinstance(x, tuple):
        return list(x)
    return [x]


def unpack_singleton(x):
    """The only element of a one-element list, else the list itself."""
    if isinstance(x, list) and len(x) == 1:
        return x[0]
    return x


def object_list_uid(object_list):
    object_list = to_list(object_list)
    return ', '.join(str(abs(id(x))) for x in object_list)


def is_all_none(iterable_or_element):
    return all(x is None for x in to_list(iterable_or_element, allow_tuple=True))


def slice_arrays(arrays, start=None, stop=None):
    """Slices an array or list of arrays; `start` may be an index array."""
    if arrays is None:
        return [None]
    if isinstance(arrays, list):
        if hasattr(start, '__len__'):
            return [None if x is None else x[start] for x in arrays]
        return [None if x is None else x[start:stop] for x in arrays]
    if hasattr(start, '__len__'):
        return arrays[start]
    return arrays[start:stop]


if sys.version_info[0] < 3:  # pragma: no cover
    raise ImportError('minikeras needs Python 3')


from .progbar import Progbar  # noqa: E402,F401  (Keras 2 location of Progbar)
