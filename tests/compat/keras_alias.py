"""Import hook that makes `import keras...` load `minikeras...` (the drop-in yardstick).

Loaded as a pytest plugin (`-p keras_alias`, with this folder on `PYTHONPATH`) or
imported by a script before it imports `keras`. Every `keras` or `keras.x.y`
import resolves to the very same module object as `minikeras` /
`minikeras.x.y`, so `keras.layers.Dense is minikeras.layers.Dense`.
Nothing here is imported by the package itself.

For Keras' examples the runner also calls `prepare_example`, which adapts the
environment, never minikeras: it restores the numpy aliases that numpy 1.24 / 2
removed (an environment shim for Keras-era scripts) and caps training to a
fixed, small unit of work (`cap_training`) so that every example's "capped
epoch" is comparable and finishes.
"""
import importlib
import importlib.abc
import importlib.util
import inspect
import sys

#: numpy aliases of Python builtins that Keras-era scripts use (`np.float`, ...),
#: removed in numpy 1.24 / 2.0.
_NUMPY_ALIASES = {'bool': bool, 'int': int, 'float': float, 'complex': complex, 'object': object, 'str': str,
                  'long': int, 'unicode': str}

_ALIAS = 'keras'
_TARGET = 'minikeras'


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target_name):
        self.target_name = target_name

    def create_module(self, spec):
        return importlib.import_module(self.target_name)

    def exec_module(self, module):
        pass  # the target module is already executed


class KerasAliasFinder(importlib.abc.MetaPathFinder):
    """Resolves `keras[.sub]` to `minikeras[.sub]` for every import."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != _ALIAS and not fullname.startswith(_ALIAS + '.'):
            return None
        target_name = _TARGET + fullname[len(_ALIAS):]
        if importlib.util.find_spec(target_name) is None:
            return None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(target_name))


def install():
    """Puts the alias finder first on `sys.meta_path` (idempotent)."""
    if not any(isinstance(finder, KerasAliasFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, KerasAliasFinder())


def restore_numpy_aliases():
    """Defines each removed numpy alias (`np.float` is `float`, ...) that this numpy lacks.

    An environment shim for Keras-era scripts run unmodified; aliases numpy
    still has are left alone. Returns the names it defined.
    """
    import numpy as np
    restored = []
    for name, value in sorted(_NUMPY_ALIASES.items()):
        if name not in np.__dict__:
            setattr(np, name, value)
            restored.append(name)
    return restored


def _samples(data, part):
    """The samples `part` (a slice) of an array, or of each array in a list / tuple / dict (None stays None)."""
    if data is None:
        return None
    if isinstance(data, dict):
        return {k: _samples(v, part) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return type(data)(_samples(v, part) for v in data)
    return data[part]


def _num_samples(data):
    while isinstance(data, (list, tuple, dict)):
        data = list(data.values())[0] if isinstance(data, dict) else data[0]
    return len(data)


def cap_training(max_steps):
    """Makes every `Model.fit` (and so `fit_generator`, which calls it) run one
    epoch of at most `max_steps` batches, validating on at most `max_steps` batches.

    Array inputs: a `validation_split` is first taken from the end of the data
    as `fit` does, then the training and validation arrays are cut to their
    first `max_steps * batch_size` samples. Generator / `Sequence` inputs:
    `steps_per_epoch` and `validation_steps` are bounded by `max_steps`.
    Loops of `train_on_batch` and friends are not capped.
    """
    from minikeras.engine import training
    from minikeras.engine.data_adapter import is_generator_like
    original = training.Model.fit
    if getattr(original, 'capped_steps', None) is not None:
        original = original.uncapped
    signature = inspect.signature(original)

    def fit(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        a = bound.arguments
        a['epochs'] = min(a['epochs'], a['initial_epoch'] + 1)
        x, val = a['x'], a['validation_data']
        if is_generator_like(x) or a['steps_per_epoch'] is not None:
            steps = a['steps_per_epoch'] if a['steps_per_epoch'] is not None else getattr(x, '__len__', None) \
                and len(x)
            if steps:
                a['steps_per_epoch'] = min(steps, max_steps)
        else:
            batch_size = a['batch_size'] or 32
            if a['validation_split'] and val is None and x is not None:
                split_at = int(_num_samples(x) * (1. - a['validation_split']))
                val = tuple(_samples(d, slice(split_at, None)) for d in (x, a['y'], a['sample_weight']) if d is not None)
                a['x'], a['y'], a['sample_weight'] = [_samples(d, slice(split_at)) for d in (x, a['y'], a['sample_weight'])]
                a['validation_split'] = 0.
            samples = max_steps * batch_size
            a['x'], a['y'], a['sample_weight'] = [_samples(a[k], slice(samples)) for k in ('x', 'y', 'sample_weight')]
            if isinstance(val, (list, tuple)):
                val = _samples(val, slice(samples))
        if val is not None and is_generator_like(val):
            steps = a['validation_steps'] if a['validation_steps'] is not None \
                else getattr(val, '__len__', None) and len(val)
            if steps:
                a['validation_steps'] = min(steps, max_steps)
        a['validation_data'] = val
        return original(*bound.args, **bound.kwargs)

    fit.__doc__ = original.__doc__
    fit.capped_steps, fit.uncapped = max_steps, original
    training.Model.fit = fit


def prepare_example(cap_steps=None):
    """Readies the process for a Keras example: numpy aliases, and the training cap when `cap_steps`."""
    restore_numpy_aliases()
    if cap_steps:
        cap_training(cap_steps)


install()
