"""`from minikeras import backend as K`: the one tensor interface of minikeras.

The backend module is chosen, in order, by the `MINIKERAS_BACKEND` environment
variable or the `backend` key of `$MINIKERAS_HOME/minikeras.json` (default
`~/.minikeras/minikeras.json`, written with defaults on first import when
absent and writable). `numpy` is the built-in backend; any other value is the
dotted path of a third-party module implementing the contract in
docs/backend.md. The file's `floatx`, `epsilon` and `image_data_format` keys
set the defaults in `state`.

When there is no minikeras.json but a Keras config `$KERAS_HOME/keras.json`
(default `~/.keras/keras.json`), its `floatx`, `epsilon` and
`image_data_format` are used instead (and no minikeras.json is written, so
later edits of keras.json keep applying); its `backend` entry names a Keras
backend (tensorflow, theano, cntk), not a minikeras one, so it is ignored with
a one-line notice on stderr.
"""
import importlib
import json
import os
import sys

from . import state

_DEFAULT_CONFIG = {'backend': 'numpy', 'floatx': 'float32', 'epsilon': 1e-7,
                   'image_data_format': 'channels_last'}
_BUILTIN = {'numpy': 'minikeras.backend.surface'}


def config_dir():
    """Directory of minikeras.json: $MINIKERAS_HOME, else ~/.minikeras."""
    base = os.environ.get('MINIKERAS_HOME')
    if base:
        return base
    return os.path.join(os.path.expanduser('~'), '.minikeras')


def keras_home():
    """Directory of Keras' own files (keras.json, the download cache): $KERAS_HOME, else ~/.keras."""
    base = os.environ.get('KERAS_HOME')
    if base:
        return os.path.expanduser(base)
    return os.path.join(os.path.expanduser('~'), '.keras')


def _read_json(path):
    try:
        with open(path) as f:
            data = json.load(f)
    except (ValueError, OSError):
        return None  # an unreadable or corrupt config file leaves the defaults in place
    return data if isinstance(data, dict) else None


def _keras_json_settings(path):
    """The floatx/epsilon/image_data_format of a Keras keras.json (None if unreadable)."""
    data = _read_json(path)
    if data is None:
        return None
    backend = data.get('backend')
    if backend is not None and backend != 'numpy':
        sys.stderr.write('minikeras: ignoring "backend": "%s" in %s (minikeras computes with numpy); using its '
                         'floatx, epsilon and image_data_format\n' % (backend, path))
    return {key: data[key] for key in ('floatx', 'epsilon', 'image_data_format') if key in data}


def _read_config():
    path = os.path.join(config_dir(), 'minikeras.json')
    keras_path = os.path.join(keras_home(), 'keras.json')
    config = dict(_DEFAULT_CONFIG)
    if os.path.exists(path):
        config.update(_read_json(path) or {})
    elif os.path.exists(keras_path):
        config.update(_keras_json_settings(keras_path) or {})
    else:
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                json.dump(_DEFAULT_CONFIG, f, indent=4)
        except OSError:
            pass  # read-only home: run with the defaults
    return config


def _load(config):
    state.set_floatx(config.get('floatx', 'float32'))
    state.set_epsilon(config.get('epsilon', 1e-7))
    state.set_image_data_format(config.get('image_data_format', 'channels_last'))
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

# The active backend's name, as Keras 2.2 code also reads it (`K._BACKEND == 'tensorflow'`).
_BACKEND = backend()
