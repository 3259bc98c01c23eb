"""`from minikeras import backend as K`: the one tensor interface of minikeras.

The backend module is chosen, in order, by the `MINIKERAS_BACKEND` environment
variable or the `backend` key of `$MINIKERAS_HOME/minikeras.json` (default
`~/.minikeras/minikeras.json`, written with defaults on first import when
absent and writable). `numpy` is the built-in backend; any other value is the
dotted path of a third-party module implementing the contract in
docs/backend.md. The file's `floatx`, `epsilon` and `image_data_format` keys
set the defaults in `common`.
"""
import importlib
import json
import os

from . import common

_DEFAULT_CONFIG = {'backend': 'numpy', 'floatx': 'float32', 'epsilon': 1e-7,
                   'image_data_format': 'channels_last'}
_BUILTIN = {'numpy': 'minikeras.backend.numpy_backend'}


def config_dir():
    """Directory of minikeras.json: $MINIKERAS_HOME, else ~/.minikeras."""
    base = os.environ.get('MINIKERAS_HOME')
    if base:
        return base
    return os.path.join(os.path.expanduser('~'), '.minikeras')


def _read_config():
    path = os.path.join(config_dir(), 'minikeras.json')
    config = dict(_DEFAULT_CONFIG)
    if os.path.exists(path):
        try:
            with open(path) as f:
                config.update(json.load(f))
        except (ValueError, OSError):
            pass  # an unreadable or corrupt config file leaves the defaults in place
    else:
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                json.dump(_DEFAULT_CONFIG, f, indent=4)
        except OSError:
            pass  # read-only home: run with the defaults
    return config


def _load(config):
    common.set_floatx(config.get('floatx', 'float32'))
    common.set_epsilon(config.get('epsilon', 1e-7))
    common.set_image_data_format(config.get('image_data_format', 'channels_last'))
    name = os.environ.get('MINIKERAS_BACKEND') or config.get('backend', 'numpy')
    module_name = _BUILTIN.get(name, name)
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise ValueError('Unknown minikeras backend %r: could not import module %r (%s). '
                         'Use "numpy" or the dotted path of a backend module.' % (name, module_name, e))
    return name, module


_BACKEND_NAME, _module = _load(_read_config())
globals().update({k: v for k, v in vars(_module).items() if not k.startswith('_')})
del _module
