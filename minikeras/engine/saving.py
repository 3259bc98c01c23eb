"""HDF5 checkpoints in the Keras 2 file format (read and written).

`save_model` / `load_model` store and restore a whole model: architecture
(`model_config`), weights (`model_weights`), training configuration
(`training_config`) and optimizer state (`optimizer_weights`), so that
training resumes exactly. `save_weights` / `load_weights` store only the
weights. Files written by Keras 2.2.4 and by tf_keras (`save_format='h5'`)
are read; files written here follow Keras 2.2.4's layout and encodings, so
Keras 2.2.4 and tf_keras read them too. `docs/saving.md` describes the
format and the compatibility rules.

Every read and write of attributes goes through `utils.io_utils.H5Dict`, so
both directions share one encoding.

Files are untrusted input. Before anything is read, the file is checked to
be self-contained (no links, external storage, virtual or oversized
datasets, unknown filters, non-numeric data); a file written by minikeras
also has its checksum verified. A config may only ask for as many weight
values as the file stores, no initializer runs for weights the file
overwrites, and each stored weight's shape is compared with the layer's
before its data is read. Every problem with a file is an
`InvalidFileError` naming the file. `Lambda` layers stored as bytecode are
refused unless `safe_mode=False`.

Writing builds the whole file in memory (an `io.BytesIO`) and then
writes it with plain file I/O to a temporary file, `fsync`s it and renames
it over the target, so a full disk is an `OSError` naming the target, a
killed save never leaves a half-written target, and the next save removes
the temporary files of killed saves. Every array carries HDF5's
Fletcher-32 checksum and the root carries `minikeras_checksum` over the
rest (attributes, names, scalars); Keras and h5py read such files as usual.
"""
import contextlib
import io
import json
import os
import warnings

import numpy as np

from .. import backend as K
from .. import initializers
from ..utils.generic_utils import CustomObjectScope, UnsafeConfigError, in_safe_mode, safe_mode_scope
from ..utils.io_utils import (H5Dict, InvalidFileError, ask_to_proceed_with_overwrite,
                              check_hdf5_is_self_contained, hdf5_digest, write_file_atomically)
from .legacy_weights import convert_saved_weights

try:
    import h5py
except ImportError:  # pragma: no cover - h5py is a runtime dependency
    h5py = None

__all__ = ['save_model', 'load_model', 'save_weights', 'load_weights', 'save_weights_to_hdf5_group',
           'load_weights_from_hdf5_group', 'load_weights_from_hdf5_group_by_name',
           'preprocess_weights_for_loading', 'preprocess_model_config', 'check_config_is_safe',
           'UnsafeConfigError', 'InvalidFileError']

# The Keras API level of the files written here (readers only compare it with '1').
KERAS_FORMAT_VERSION = '2.2.4'

_MODEL_CLASSES = ('Model', 'Functional', 'Sequential')
_ENTRY_KEYS_TO_DROP = ('module', 'registered_name', 'build_config', 'compile_config', 'shared_object_id')

# The root attribute holding `hdf5_digest` of a file written here.
CHECKSUM_ATTRIBUTE = 'minikeras_checksum'
# HDF5 1.8 file format: object headers, heaps and B-trees carry checksums (readable by HDF5 >= 1.8).
_LIBVER = ('v108', 'v108')
# A model config may ask for this many weight values more than the file stores (none are expected).
_ELEMENT_SLACK = 1024


def _require_h5py():
    if h5py is None:  # pragma: no cover
        raise ImportError('Saving and loading HDF5 files requires h5py (pip install h5py).')


# --------------------------------------------------------------------------------------------
# Opening files
# --------------------------------------------------------------------------------------------
def _is_h5_object(obj):
    return h5py is not None and isinstance(obj, (h5py.File, h5py.Group))


def _describe(filepath):
    if _is_h5_object(filepath):
        return '%s in %s' % (filepath.name, filepath.file.filename)
    return repr(getattr(filepath, 'name', filepath)) if hasattr(filepath, 'read') else str(filepath)


def _verify_checksum(group, source):
    stored = H5Dict(group).get_text(CHECKSUM_ATTRIBUTE)
    if stored is not None and stored != hdf5_digest(group, exclude=(CHECKSUM_ATTRIBUTE,)):
        raise InvalidFileError('%s is corrupted: its content does not match the checksum minikeras wrote with it '
                               '(attributes, names or scalar values changed since it was saved). If you edited it on purpose, delete '
                               'its "%s" attribute.' % (source, CHECKSUM_ATTRIBUTE))


@contextlib.contextmanager
def _open_for_reading(filepath):
    """Yields an `h5py.Group` for a path, an open File/Group or a file-like object, checked to be safe.

    Raises:
        InvalidFileError: the path does not exist, is not an HDF5 file, is
            truncated / corrupted, or is not self-contained (see
            `io_utils.check_hdf5_is_self_contained`).
    """
    _require_h5py()
    source = _describe(filepath)
    if _is_h5_object(filepath):
        with _bad_file_errors(source):
            check_hdf5_is_self_contained(filepath, source)
            _verify_checksum(filepath, source)
        yield filepath
        return
    if hasattr(filepath, 'read') and hasattr(filepath, 'seek'):
        try:
            f = h5py.File(filepath, 'r')
        except (OSError, ValueError) as e:
            raise InvalidFileError('Unable to read the HDF5 data in %s: it is not an HDF5 file or it is truncated '
                                   'or corrupted (h5py: %s)' % (source, e))
    else:
        filepath = os.fspath(filepath)
        if not os.path.exists(filepath):
            raise InvalidFileError('No file or directory found at %s' % filepath)
        if os.path.isdir(filepath):
            raise InvalidFileError('%s is a directory, not an HDF5 file (minikeras saves models to single .h5 '
                                   'files)' % filepath)
        if not h5py.is_hdf5(filepath):
            size = os.path.getsize(filepath)
            raise InvalidFileError(
                '%s is not an HDF5 file (%s). minikeras reads and writes Keras 2 HDF5 files only (models saved '
                'with model.save(path) / save_format="h5"; not the TensorFlow SavedModel or the Keras 3 .keras '
                'format).' % (filepath, 'it is empty' if size == 0 else 'it does not start with the HDF5 signature'))
        try:
            f = h5py.File(filepath, 'r')
        except (OSError, ValueError) as e:
            raise InvalidFileError('Unable to open %s: the HDF5 file is truncated or corrupted (h5py: %s). If a '
                                   'process was writing it when it stopped, the file is incomplete.' % (filepath, e))
    with f:
        with _bad_file_errors(source):
            check_hdf5_is_self_contained(f, source)
            _verify_checksum(f, source)
        yield f


@contextlib.contextmanager
def _bad_file_errors(source):
    """Turns any error raised while interpreting a file into an `InvalidFileError` naming it.

    A corrupted file can fail anywhere: in HDF5, in JSON parsing, in a
    config that lacks a key or holds a wrong type. The loaders promise one
    documented error; the original is kept as `__cause__`.
    """
    try:
        yield
    except (InvalidFileError, UnsafeConfigError, MemoryError):
        raise
    except Exception as e:  # noqa: BLE001 - see the docstring
        detail = str(e) or e.__class__.__name__
        if isinstance(e, (ValueError, TypeError)) and not isinstance(e, (OSError, UnicodeError)):
            message = detail if source in detail else '%s: %s' % (source, detail)
        else:
            message = ('Unable to read %s: the file is truncated, corrupted or not a Keras file (%s: %s)'
                       % (source, e.__class__.__name__, detail))
        raise InvalidFileError(message) from e



@contextlib.contextmanager
def _open_for_writing(filepath, overwrite):
    """Yields a writable, empty `h5py.Group`, or None when the user declined to overwrite.

    For a path or a file object the file is built in memory; when the block
    completes, the checksum attribute is added and the image is written:
    to a path with `io_utils.write_file_atomically` (temporary file, fsync,
    rename), to a file object with its `write`. An open `h5py.File`/`Group`
    is written in place (without the checksum attribute: it may hold the
    user's own data too).
    """
    _require_h5py()
    if _is_h5_object(filepath):
        yield filepath
        return
    is_file_object = hasattr(filepath, 'write') and hasattr(filepath, 'seek')
    if not is_file_object:
        filepath = os.fspath(filepath)
        if os.path.isdir(filepath):
            raise IsADirectoryError('%s is a directory; give a file path such as %s'
                                    % (filepath, os.path.join(filepath, 'model.h5')))
        if not overwrite and os.path.exists(filepath):
            if not ask_to_proceed_with_overwrite(filepath):
                yield None
                return
    # The image is taken after closing: with HDF5 < 2.0 (h5py < 3.16) an image of a still-open file
    # (`get_file_image`) carries a stale superblock checksum and cannot be opened again.
    buffer = io.BytesIO()
    f = h5py.File(buffer, 'w', libver=_LIBVER)
    try:
        yield f
        f.attrs[CHECKSUM_ATTRIBUTE] = np.bytes_(hdf5_digest(f, exclude=(CHECKSUM_ATTRIBUTE,)).encode('ascii'))
    finally:
        f.close()
    image = buffer.getvalue()
    if is_file_object:
        filepath.write(image)
        if hasattr(filepath, 'flush'):
            filepath.flush()
    else:
        write_file_atomically(filepath, image)


def _remove_entries(group, names):
    """Removes the attributes / children `names` of a user-given h5py group before writing them again.

    Only what this module is about to write is removed: other data the
    user keeps in the same file or group is left alone.
    """
    root = H5Dict(group)
    for name in names:
        root.delete(name)


# --------------------------------------------------------------------------------------------
# Layers and weight names
# --------------------------------------------------------------------------------------------
def _saved_layers(model):
    """The layers listed in `layer_names`: `model.layers` (Sequential lists no InputLayer)."""
    from .input_layer import InputLayer
    from .sequential import Sequential
    layers = list(model.layers)
    if isinstance(model, Sequential):
        layers = [layer for layer in layers if not isinstance(layer, InputLayer)]
    return layers


def _layer_weights(layer):
    """A layer's weights in file order: trainable then non-trainable (Keras 2.2.4 and tf_keras)."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _weight_names(weights, prefix=''):
    """Unique dataset names for `weights`: the variable names with `:0`, or `param_<i>`."""
    names, seen = [], set()
    for i, w in enumerate(weights):
        name = getattr(w, 'name', None)
        name = str(name).lstrip('/') if name else prefix + 'param_%d' % i
        if ':' not in name.rsplit('/', 1)[-1]:
            name += ':0'
        candidate, k = name, 1
        while candidate in seen:
            stem, _, index = name.rpartition(':')
            candidate = '%s_%d:%s' % (stem, k, index)
            k += 1
        seen.add(candidate)
        names.append(candidate)
    return names


def _json_default(obj):
    from .network import _json_default as network_json_default
    return network_json_default(obj)


def _model_config_json(model):
    try:
        config = model.get_config()
    except NotImplementedError as e:
        raise NotImplementedError('Model %s cannot be saved with save_model: %s. Subclassed models have no '
                                  'config; save their weights with save_weights() instead.' % (model.name, e))
    return json.dumps({'class_name': model.__class__.__name__, 'config': config}, default=_json_default)


def _training_config_json(model):
    """Keras 2.2.4's `training_config` (plus `weighted_metrics`) as JSON."""
    from ..optimizers.tf_keras_formats import saved_config
    config = {'optimizer_config': saved_config(model.optimizer),
              'loss': getattr(model, 'loss', None),
              'metrics': getattr(model, 'metrics', None) or [],
              'weighted_metrics': getattr(model, 'weighted_metrics', None),
              'sample_weight_mode': getattr(model, 'sample_weight_mode', None),
              'loss_weights': getattr(model, 'loss_weights', None)}
    return json.dumps(config, default=_json_default)


# --------------------------------------------------------------------------------------------
# Weights <-> HDF5 group
# --------------------------------------------------------------------------------------------
def save_weights_to_hdf5_group(group, layers):
    """Writes the weights of `layers` into `group` (the Keras 2 `model_weights` layout).

    Attributes `layer_names`, `backend`, `keras_version`; one subgroup per
    layer with attribute `weight_names` and one dataset per weight.

    Args:
        group: an `h5py.Group` (or `H5Dict`).
        layers: the layers, in `model.layers` order.
    """
    root = group if isinstance(group, H5Dict) else H5Dict(group)
    root.set_names('layer_names', [layer.name for layer in layers])
    root.set_text('backend', K.backend())
    root.set_text('keras_version', KERAS_FORMAT_VERSION)
    for layer in layers:
        layer_group = root.create_group(layer.name)
        weights = _layer_weights(layer)
        values = K.batch_get_value(weights)
        names = _weight_names(weights)
        layer_group.set_names('weight_names', names)
        for name, value in zip(names, values):
            layer_group.set_array(name, value)


def _saved_layer(root, name):
    """(weight names, `h5py.Dataset`s) of the saved layer `name`; no array is read."""
    layer_group = root.subgroup(name)
    names = layer_group.get_names('weight_names')
    return names, [layer_group.get_dataset(n) for n in names]


def _read_checked(layer, datasets, what):
    """Reads a saved layer's arrays once their shapes were compared with the layer's weights.

    When every shape matches, the arrays are read. Otherwise a conversion
    (`preprocess_weights_for_loading`: reshape, nested models, other
    formats) may still make them fit, so they are read only when they hold
    at most about twice the layer's values; the exact comparison follows the
    conversion. A file can thus never make the loader read much more than
    the model's own size.

    Raises:
        ValueError: the saved arrays are far larger than the layer's
            weights (nothing read).
    """
    expected = [_shape(w) for w in _layer_weights(layer)]
    stored = [tuple(d.shape) for d in datasets]
    if stored != expected:
        wanted = sum(int(np.prod(shape, dtype=np.float64)) for shape in expected)
        have = sum(int(np.prod(shape, dtype=np.float64)) for shape in stored)
        if have > 2 * wanted + _ELEMENT_SLACK:
            raise ValueError('%s: the saved weights have shapes %s (%d values), but the layer\'s weights have '
                             'shapes %s (%d values). Nothing was read. Is the file for another architecture?'
                             % (what, _short_list([str(x) for x in stored]), have,
                                _short_list([str(x) for x in expected]), wanted))
    return [np.asarray(d[()]) for d in datasets]


def _file_info(root):
    # Keras 1 wrote no `keras_version` into the weights group: a missing one means Keras 1 (as in Keras 2.2.4).
    return root.get_text('keras_version', '1'), root.get_text('backend', None)


def preprocess_weights_for_loading(layer, weights, original_keras_version=None, original_backend=None,
                                   reshape=False):
    """Adapts saved weight arrays to `layer` before they are set.

    Keras 1 layouts (per-gate recurrent arrays, Theano-ordered conv kernels),
    conv kernels saved by the Theano backend (flipped: minikeras, like
    TensorFlow, computes a cross-correlation) and cuDNN recurrent layouts are
    converted by `legacy_weights.convert_saved_weights`, through wrappers and
    nested models; with `reshape=True` an array whose shape differs from the
    layer's but has the same number of values is reshaped.

    Args:
        layer: the target layer.
        weights: list of numpy arrays from the file, in file order.
        original_keras_version: the file's `keras_version` attribute (`'1'`
            for Keras 1 files, which have none).
        original_backend: the file's `backend` attribute.
        reshape: reshape arrays whose size matches but shape does not.

    Returns:
        The list of arrays to set.

    Raises:
        ValueError: cuDNN/GRU arrays that cannot be converted.
    """
    weights = convert_saved_weights(layer, weights, original_keras_version, original_backend)
    if reshape:
        targets = _layer_weights(layer)
        if len(targets) == len(weights):
            weights = [np.reshape(w, K.int_shape(t)) if tuple(np.shape(w)) != tuple(K.int_shape(t)) and
                       np.size(w) == int(np.prod(K.int_shape(t))) else w for w, t in zip(weights, targets)]
    return list(weights)


def _shape(w):
    return tuple(K.int_shape(w))


def _pairs_for_layer(layer, symbolic, values, what, saved_names, skip_mismatch=False):
    """(variable, value) pairs, or None when skipped; raises ValueError naming the layer and both shapes."""
    pairs = []
    for i, (w, value) in enumerate(zip(symbolic, values)):
        if _shape(w) != tuple(value.shape):
            message = ('%s: weight %d (%s) has shape %s in the model, but the saved weight %s has shape %s.'
                       % (what, i, getattr(w, 'name', None), _shape(w), saved_names[i], tuple(value.shape)))
            if skip_mismatch:
                warnings.warn('Skipping loading of weights for layer "%s" due to mismatch in shape: %s'
                              % (layer.name, message))
                return None
            raise ValueError(message + ' Is this a weights file for another architecture? (load_weights(..., '
                             'reshape=True) reshapes arrays of the same size; by_name=True with skip_mismatch=True '
                             'skips mismatching layers.)')
        pairs.append((w, np.asarray(value, dtype=K.dtype(w))))
    return pairs


def load_weights_from_hdf5_group(group, layers, reshape=False):
    """Loads weights by position: the i-th saved layer with weights into the i-th layer with weights.

    Args:
        group: the `model_weights` group (or the root of a weights file).
        layers: the model's layers.
        reshape: reshape arrays whose size matches but shape does not.

    Raises:
        ValueError: different numbers of layers with weights, of weights in a
            layer, or different shapes (the message names the layer and both shapes).
    """
    root = group if isinstance(group, H5Dict) else H5Dict(group)
    original_keras_version, original_backend = _file_info(root)
    filtered_layers = [layer for layer in layers if _layer_weights(layer)]
    saved = []
    for name in root.get_names('layer_names'):
        weight_names, datasets = _saved_layer(root, name)
        if weight_names:
            saved.append((name, weight_names, datasets))
    if len(saved) != len(filtered_layers):
        raise ValueError('You are trying to load a weight file containing %d layers into a model with %d layers '
                         '(layers with weights in the file: %s; in the model: %s). Is the file for another '
                         'architecture? (by_name=True loads the layers whose names match.)'
                         % (len(saved), len(filtered_layers), _short_list([s[0] for s in saved]),
                            _short_list([layer.name for layer in filtered_layers])))
    pairs = []
    for k, (layer, (name, weight_names, datasets)) in enumerate(zip(filtered_layers, saved)):
        symbolic = _layer_weights(layer)
        what = 'Layer #%d (named "%s" in the current model, "%s" in the save file)' % (k, layer.name, name)
        values = preprocess_weights_for_loading(layer, _read_checked(layer, datasets, what),
                                                original_keras_version, original_backend, reshape=reshape)
        if len(values) != len(symbolic):
            raise ValueError('%s: the model layer expects %d weights, but the saved layer has %d elements (%s).'
                             % (what, len(symbolic), len(values), _short_list(weight_names)))
        pairs += _pairs_for_layer(layer, symbolic, values, what, weight_names)
    K.batch_set_value(pairs)


def load_weights_from_hdf5_group_by_name(group, layers, skip_mismatch=False, reshape=False):
    """Loads weights into the layers whose names match a saved layer; other layers are left as they are.

    Args:
        group: the `model_weights` group (or the root of a weights file).
        layers: the model's layers.
        skip_mismatch: warn and skip layers whose weight count or shapes differ
            instead of raising.
        reshape: reshape arrays whose size matches but shape does not.

    Raises:
        ValueError: a matching layer has a different number of weights or
            shapes (unless `skip_mismatch`).
    """
    root = group if isinstance(group, H5Dict) else H5Dict(group)
    original_keras_version, original_backend = _file_info(root)
    index = {}
    for layer in layers:
        if layer.name:
            index.setdefault(layer.name, []).append(layer)
    pairs = []
    for k, name in enumerate(root.get_names('layer_names')):
        weight_names, datasets = _saved_layer(root, name)
        for layer in index.get(name, []):
            symbolic = _layer_weights(layer)
            what = 'Layer #%d (named "%s")' % (k, name)
            try:
                values = _read_checked(layer, datasets, what)
            except ValueError as e:
                if not skip_mismatch:
                    raise
                warnings.warn('Skipping loading of weights for layer "%s": %s' % (name, e))
                continue
            layer_values = preprocess_weights_for_loading(layer, values, original_keras_version, original_backend,
                                                          reshape=reshape)
            if len(layer_values) != len(symbolic):
                message = ('%s: the model layer expects %d weights, but the saved layer has %d elements.'
                           % (what, len(symbolic), len(layer_values)))
                if skip_mismatch:
                    warnings.warn('Skipping loading of weights for layer "%s" due to mismatch in number of weights: '
                                  '%s' % (name, message))
                    continue
                raise ValueError(message)
            layer_pairs = _pairs_for_layer(layer, symbolic, layer_values, what, weight_names,
                                           skip_mismatch=skip_mismatch)
            if layer_pairs is not None:
                pairs += layer_pairs
    K.batch_set_value(pairs)


def _short_list(names, limit=8):
    names = list(names)
    if len(names) <= limit:
        return ', '.join(names) if names else 'none'
    return ', '.join(names[:limit]) + ', ... (%d more)' % (len(names) - limit)


# --------------------------------------------------------------------------------------------
# Optimizer state
# --------------------------------------------------------------------------------------------
def _save_optimizer_weights(root, optimizer, params):
    from ..optimizers.tf_keras_formats import saved_state
    weights = list(getattr(optimizer, 'weights', None) or [])
    if not weights:
        return
    tf_keras_state = saved_state(optimizer, params)  # the layout of the tf.keras file it came from
    if tf_keras_state is not None:
        names, values = tf_keras_state
    else:
        values = K.batch_get_value(weights)
        names = _weight_names(weights, prefix=optimizer.__class__.__name__ + '/')
    group = root.create_group('optimizer_weights')
    group.set_names('weight_names', names)
    for name, value in zip(names, values):
        group.set_array(name, value)




# --------------------------------------------------------------------------------------------
# Configs: tf_keras / Keras 2.2 normalisation and safe mode
# --------------------------------------------------------------------------------------------
def _policy_name(dtype):
    """The dtype of a tf_keras / Keras 3 dtype-policy dict (mixed policies keep float32 variables)."""
    name = dtype.get('config', {}).get('name') if isinstance(dtype.get('config'), dict) else None
    name = name or dtype.get('name') or 'float32'
    if str(name).startswith('mixed_'):
        return 'float32'
    return name


def preprocess_model_config(config):
    """Normalises a model config written by Keras 2.2.4 or tf_keras for minikeras.

    * `Functional` (tf_keras) becomes `Model` (Keras 2.2.4);
    * the keys tf_keras / Keras 3 put around a serialized object (`module`,
      `registered_name`, `build_config`, ...) are dropped;
    * dtype policy dicts (`{"class_name": "Policy", "config": {"name": "float32"}}`)
      become plain dtype names;
    * a bare Sequential layer list (very old files) becomes `{"layers": [...]}`;
    * `batch_shape` (Keras 3 spelling) becomes `batch_input_shape`;
    * the `module` / `output_shape_module` keys of tf_keras `Lambda` configs are dropped.

    The InputLayer entry tf_keras writes first in Sequential configs is kept:
    `Sequential.from_config` reads it.

    Args:
        config: the `{"class_name", "config"}` dict (parsed `model_config`).

    Returns:
        A new, normalised dict (the argument is not modified).
    """
    def visit(obj, key=None):
        if isinstance(obj, list):
            return [visit(x) for x in obj]
        if not isinstance(obj, dict):
            return obj
        if key == 'dtype' and 'class_name' in obj and 'config' in obj:
            return _policy_name(obj)
        is_entry = 'class_name' in obj and 'config' in obj
        out = {}
        for k, v in obj.items():
            if is_entry and k in _ENTRY_KEYS_TO_DROP:
                continue
            if k == 'batch_shape' and 'batch_input_shape' not in obj:
                k = 'batch_input_shape'
            out[k] = visit(v, k)
        if is_entry:
            if out['class_name'] == 'Functional':
                out['class_name'] = 'Model'
            if out['class_name'] == 'Sequential' and isinstance(out['config'], list):
                out['config'] = {'layers': out['config']}
            if out['class_name'] == 'Lambda' and isinstance(out['config'], dict):
                # tf_keras records the modules of the functions; Keras 2.2 has no such arguments
                out['config'] = {k: v for k, v in out['config'].items()
                                 if k not in ('module', 'output_shape_module')}
        return out

    return visit(config)


def _unsafe_lambdas(config, path=''):
    """(layer name, field) for every config that stores marshalled bytecode."""
    found = []
    if isinstance(config, list):
        for item in config:
            found += _unsafe_lambdas(item, path)
    elif isinstance(config, dict):
        inner = config.get('config') if isinstance(config.get('config'), dict) else None
        if inner is not None:
            for field in ('function_type', 'output_shape_type', 'mask_type'):
                if inner.get(field) == 'lambda':
                    found.append((inner.get('name', config.get('name', '?')), config.get('class_name'),
                                  field.replace('_type', '')))
        for value in config.values():
            found += _unsafe_lambdas(value, path)
    return found


def check_config_is_safe(config, safe_mode=None):
    """Refuses configs holding Python bytecode (Keras 2 `Lambda` layers saved from a `lambda`).

    Args:
        config: a model or layer config (dicts and lists).
        safe_mode: when False, nothing is checked; None: the global setting
            (see `utils.generic_utils.enable_unsafe_deserialization`).

    Raises:
        UnsafeConfigError: a layer stores marshalled bytecode; the message
            names it and explains how to opt in.
    """
    with safe_mode_scope(safe_mode):
        if not in_safe_mode():
            return
    found = _unsafe_lambdas(config)
    if found:
        described = ', '.join('%s layer "%s" (its %s)' % (cls, name, field) for name, cls, field in found)
        raise UnsafeConfigError(
            'Refusing to load %s: it stores a Python lambda as marshalled bytecode, and loading it would '
            'execute that code. Only do this for files from a source you trust: pass safe_mode=False to '
            'load_model to allow it. (Alternatively, re-save the model with the Lambda built from a named '
            'function and load it with custom_objects={"function_name": function_name}.)' % described)


def _deserialize_model(config, custom_objects):
    from ..models import model_from_config
    return model_from_config(config, custom_objects=custom_objects)


def _convert_custom_objects(obj, custom_objects):
    """Replaces names found in `custom_objects` by the objects (recursively in lists and dicts)."""
    if not custom_objects:
        return obj
    if isinstance(obj, list):
        return [_convert_custom_objects(x, custom_objects) for x in obj]
    if isinstance(obj, dict) and not ('class_name' in obj and 'config' in obj):
        return {k: _convert_custom_objects(v, custom_objects) for k, v in obj.items()}
    if isinstance(obj, str) and obj in custom_objects:
        return custom_objects[obj]
    return obj


def _convert_metric(metric, custom_objects):
    """One saved metric (Keras 2.2.4 name or tf_keras config) -> what `compile` takes."""
    if isinstance(metric, dict) and 'class_name' in metric:
        from .. import metrics as metrics_module
        config = metric.get('config') or {}
        if metric['class_name'] == 'MeanMetricWrapper':
            name, fn = config.get('name'), config.get('fn')
            if name in ('accuracy', 'acc', 'crossentropy', 'ce'):
                return name
            for candidate in (name, fn):
                if candidate is None:
                    continue
                if custom_objects and candidate in custom_objects:
                    return custom_objects[candidate]
                try:
                    metrics_module.get(candidate)
                    return candidate
                except ValueError:
                    pass
            return fn or name
        return metrics_module.deserialize(metric, custom_objects=custom_objects)
    return _convert_custom_objects(metric, custom_objects)


def _convert_metrics(metrics, output_names, custom_objects):
    if not metrics:
        return metrics
    if isinstance(metrics, dict):
        return {k: [_convert_metric(m, custom_objects) for m in (v if isinstance(v, list) else [v])]
                for k, v in metrics.items()}
    if isinstance(metrics, list) and metrics and all(m is None or isinstance(m, list) for m in metrics):
        # tf_keras: one list per output
        per_output = [[_convert_metric(m, custom_objects) for m in (ms or [])] for ms in metrics]
        if len(per_output) == 1:
            return per_output[0]
        return {name: ms for name, ms in zip(output_names, per_output) if ms}
    return [_convert_metric(m, custom_objects) for m in metrics]


def _convert_loss(loss, custom_objects):
    if isinstance(loss, dict) and 'class_name' in loss and 'config' in loss:
        from .. import losses as losses_module
        return losses_module.deserialize(loss, custom_objects=custom_objects)
    if isinstance(loss, dict):
        return {k: _convert_loss(v, custom_objects) for k, v in loss.items()}
    if isinstance(loss, list):
        return [_convert_loss(v, custom_objects) for v in loss]
    return _convert_custom_objects(loss, custom_objects)


def _compile_from_training_config(model, training_config, custom_objects, source, keras_version=None):
    from .. import optimizers
    from ..optimizers.tf_keras_formats import optimizer_from_config
    optimizer_config = preprocess_model_config(training_config['optimizer_config'])
    try:
        optimizer = optimizer_from_config(training_config['optimizer_config'], source, keras_version)
        if optimizer is None:
            optimizer = optimizers.deserialize(optimizer_config, custom_objects=custom_objects)
        kwargs = {'loss': _convert_loss(training_config.get('loss'), custom_objects),
                  'metrics': _convert_metrics(training_config.get('metrics'), model.output_names, custom_objects),
                  'loss_weights': training_config.get('loss_weights'),
                  'sample_weight_mode': training_config.get('sample_weight_mode')}
        weighted = training_config.get('weighted_metrics')
        if weighted:
            kwargs['weighted_metrics'] = _convert_metrics(weighted, model.output_names, custom_objects)
        model.compile(optimizer=optimizer, **kwargs)
    except (ValueError, TypeError) as e:
        raise type(e)('Could not restore the training configuration saved in %s: %s. If it uses custom '
                      'losses, metrics or optimizers, pass them in custom_objects={name: object}; or load '
                      'with compile=False to get the model without its training configuration.' % (source, e))


def _restore_optimizer_state(model, root, source):
    """Sets the optimizer's state from `optimizer_weights`, in any layout the
    writer used (Keras 2.2, tf.keras, tf-keras: see `optimizers.tf_keras_formats`).

    The stored arrays are read only when they hold at most about twice the
    values of the optimizer's state. A state that does not fit is not an error
    (as in Keras 2.2): a warning says the optimizer starts fresh.
    """
    from ..optimizers.tf_keras_formats import restore_state
    model._make_train_function()  # creates the optimizer's state variables (Keras 2.2's order of events)
    group = root.subgroup('optimizer_weights')
    names = group.get_names('weight_names')
    datasets = [group.get_dataset(name) for name in names]
    wanted = sum(int(np.prod(_shape(w), dtype=np.float64)) for w in model.optimizer.weights)
    have = sum(int(d.size) for d in datasets)
    try:
        if have > 2 * wanted + _ELEMENT_SLACK:
            raise ValueError('the file stores %d values, the optimizer has %d; nothing was read' % (have, wanted))
        restore_state(model.optimizer, names, [np.asarray(d[()]) for d in datasets], source)
    except ValueError as e:
        warnings.warn('Error in loading the saved optimizer state from %s (%s). As a result, the model starts '
                      'with a freshly initialised optimizer.' % (source, e))


# --------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------
def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """Saves a model (architecture, weights, training configuration, optimizer state) to HDF5.

    The file follows Keras 2.2.4's layout and encodings (see
    `docs/saving.md`); Keras 2.2.4 and tf_keras can load it.

    Args:
        model: the model (`Sequential` or functional `Model`).
        filepath: a path (written atomically: the previous file at that path
            stays intact until the new one is complete), an open
            `h5py.File`/`h5py.Group` (written in place), or a writable
            binary file object.
        overwrite: if False and `filepath` exists, ask on the terminal
            (without an answer, nothing is written).
        include_optimizer: also save the training configuration and the
            optimizer state (when the model is compiled).

    Raises:
        NotImplementedError: the model has no config (subclassed model).

    Example::

        model.save('model.h5')
        model = load_model('model.h5')
    """
    _require_h5py()
    # Serialise everything before touching the destination, so that an error leaves no file behind.
    model_config = _model_config_json(model)
    optimizer = getattr(model, 'optimizer', None)
    training_config = None
    if include_optimizer and optimizer is not None:
        from ..optimizers import Optimizer
        if isinstance(optimizer, Optimizer) or hasattr(optimizer, 'get_config'):
            training_config = _training_config_json(model)
        else:
            warnings.warn('The optimizer of model %s (%r) cannot be serialised; the file is saved without '
                          'training configuration and optimizer state. Compile the model again after loading.'
                          % (model.name, optimizer))
    with _open_for_writing(filepath, overwrite) as f:
        if f is None:
            return
        if _is_h5_object(filepath):
            _remove_entries(f, ('keras_version', 'backend', 'minikeras_version', 'model_config',
                                'training_config', 'model_weights', 'optimizer_weights', CHECKSUM_ATTRIBUTE))
        root = H5Dict(f)
        root.set_text('keras_version', KERAS_FORMAT_VERSION)
        root.set_text('backend', K.backend())
        root.set_text('minikeras_version', _minikeras_version())
        root.set_text('model_config', model_config)
        save_weights_to_hdf5_group(root.create_group('model_weights'), _saved_layers(model))
        if training_config is not None:
            root.set_text('training_config', training_config)
            _save_optimizer_weights(root, optimizer, model.trainable_weights)
        f.file.flush()


def load_model(filepath, custom_objects=None, compile=True, safe_mode=None):
    """Loads a model saved by `save_model` (or by Keras 2.2.4 / tf_keras in HDF5).

    The file is untrusted input: it is checked before anything is built or
    read (see the module docstring), and every problem with it raises
    `InvalidFileError`.

    Args:
        filepath: a path, an open `h5py.File`/`h5py.Group`, or a binary file object.
        custom_objects: dict mapping names to custom classes or functions
            (layers, losses, metrics, optimizers, Lambda functions).
        compile: restore the training configuration (compile the model) and
            the optimizer state, when the file has them.
        safe_mode: refuse `Lambda` layers stored as marshalled bytecode
            (loading them would run that code). None (default): True unless
            `utils.generic_utils.enable_unsafe_deserialization()` was
            called. Pass False only for files you trust.

    Returns:
        The model; compiled when the file has a training configuration and
        `compile` is True.

    Raises:
        InvalidFileError: (an `OSError` and a `ValueError`) missing,
            non-HDF5, truncated, corrupted or unsafe file, no model config
            (a weights-only file), bad JSON, unknown class (the message
            names it and points to `custom_objects`), weights that do not
            fit the architecture; the message names the file.
        UnsafeConfigError: a bytecode Lambda in safe mode.
    """
    source = _describe(filepath)
    with CustomObjectScope(custom_objects or {}), safe_mode_scope(safe_mode):
        with _open_for_reading(filepath) as f:
            with _bad_file_errors(source):
                return _load_model_from_group(H5Dict(f), custom_objects, compile, source)


def _load_model_from_group(root, custom_objects, compile, source):
    model_config = root.get_text('model_config')
    if model_config is None:
        hint = ''
        if root.has_attr('layer_names'):
            hint = (' It looks like a weights-only file (written by save_weights): build the model and call '
                    'model.load_weights(path).')
        raise ValueError('No model found in config file %s (no "model_config" attribute).%s' % (source, hint))
    from ..legacy.tf_keras import adapt_model_config
    config = preprocess_model_config(json.loads(model_config))
    if not isinstance(config, dict):
        raise ValueError('%s: "model_config" holds %s, not a {"class_name", "config"} object.'
                         % (source, type(config).__name__))
    config = adapt_model_config(config, root.get_text('keras_version', None))
    check_config_is_safe(config)
    if 'model_weights' not in root:
        raise ValueError('%s has a model config but no "model_weights" group.' % source)
    weights_group = root.subgroup('model_weights')
    stored = check_hdf5_is_self_contained(weights_group.group, source)
    # No initializer runs (the file overwrites every weight) and the config may not ask for more values than
    # the file stores: a small file cannot make the loader allocate a huge model.
    with initializers.skip_initialization(stored + _ELEMENT_SLACK, source):
        model = _deserialize_model(config, custom_objects)
    load_weights_from_hdf5_group(weights_group, model.layers)
    training_config = root.get_text('training_config')
    if compile and training_config is not None:
        _compile_from_training_config(model, json.loads(training_config), custom_objects, source,
                                      root.get_text('keras_version', None))
        if 'optimizer_weights' in root:
            _restore_optimizer_state(model, root, source)
    elif compile and training_config is None:
        warnings.warn('No training configuration found in %s: the model was *not* compiled. Compile it '
                      'manually.' % source)
    return model


def save_weights(model, filepath, overwrite=True):
    """Saves all layer weights (the `model_weights` layout at the file root).

    Args:
        model: the model.
        filepath: a path (written atomically), an open `h5py.File`/`Group`,
            or a writable binary file object.
        overwrite: if False and `filepath` exists, ask first.
    """
    _require_h5py()
    with _open_for_writing(filepath, overwrite) as f:
        if f is None:
            return
        layers = _saved_layers(model)
        if _is_h5_object(filepath):
            _remove_entries(f, ['layer_names', 'backend', 'keras_version', CHECKSUM_ATTRIBUTE] +
                            [layer.name for layer in layers])
        save_weights_to_hdf5_group(H5Dict(f), layers)
        f.file.flush()


def load_weights(model, filepath, by_name=False, skip_mismatch=False, reshape=False):
    """Loads weights from a weights file or a full model file into `model`.

    Args:
        model: the model.
        filepath: a path, an open `h5py.File`/`Group`, or a binary file object.
        by_name: load into the layers with the same names (others unchanged);
            otherwise by the order of the layers with weights.
        skip_mismatch: with `by_name`, skip layers whose weights do not fit
            (with a warning) instead of raising.
        reshape: reshape saved arrays whose size fits but shape does not.

    Raises:
        InvalidFileError: missing, non-HDF5, truncated, corrupted or unsafe
            file, or weights that do not fit the architecture (the message
            names the file, the layer, and the two shapes or counts).
        ValueError: `skip_mismatch` without `by_name`.
    """
    if skip_mismatch and not by_name:
        raise ValueError('When calling model.load_weights, skip_mismatch can only be set to True when by_name '
                         'is True.')
    source = _describe(filepath)
    with _open_for_reading(filepath) as f:
        with _bad_file_errors(source):
            root = H5Dict(f)
            if not root.has_attr('layer_names') and 'model_weights' in root:
                root = root.subgroup('model_weights')
            if not root.has_attr('layer_names'):
                raise ValueError('%s holds no Keras weights (no "layer_names" attribute at its root or in '
                                 '"model_weights").' % source)
            if by_name:
                load_weights_from_hdf5_group_by_name(root, model.layers, skip_mismatch=skip_mismatch,
                                                     reshape=reshape)
            else:
                load_weights_from_hdf5_group(root, model.layers, reshape=reshape)


def _minikeras_version():
    from .. import __version__
    return __version__
