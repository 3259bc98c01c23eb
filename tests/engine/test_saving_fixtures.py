"""Keras 2 HDF5 files written by tf_keras (tests/fixtures/keras2/models, README section 2):
load_model / load_weights reproduce the stored predictions, weights and optimizer state, and the
files minikeras writes back have the Keras 2 layout."""
import json
import re

import h5py
import numpy as np
import pytest

from keras2_fixtures import assert_close, case_names, load_case, path
from minikeras import backend as K
from minikeras import models
from minikeras.utils.io_utils import H5Dict

CASES = case_names('models')
WEIGHT_CASES = [name for name in CASES if load_case('models', name)[0].get('weights_file')]


def _skip_if_missing_layer(error):
    """pytest.skip naming the layer class when the library does not have it yet; else re-raise."""
    match = re.search(r'Unknown layer: (\w+)', str(error))
    if match:
        pytest.skip('layer class %s is not implemented in minikeras yet' % match.group(1))
    raise error


def _load(name, **kwargs):
    meta, arrays = load_case('models', name)
    try:
        model = models.load_model(path('models', meta['h5_file']), **kwargs)
    except ValueError as e:
        _skip_if_missing_layer(e)
    return meta, arrays, model


def _inputs(meta, arrays):
    xs = [arrays['x%d' % i] for i in range(len(meta['input_shapes']))]
    return xs if len(xs) > 1 else xs[0]


def _check_predictions(model, meta, arrays, what):
    ys = model.predict(_inputs(meta, arrays), batch_size=meta['predict_batch_size'])
    ys = ys if isinstance(ys, list) else [ys]
    assert len(ys) == meta['n_outputs']
    for i, y in enumerate(ys):
        assert_close(y, arrays['y%d' % i], meta['tol'], what='%s y%d' % (what, i))


def _expected_model_weights(meta, arrays):
    return [arrays['mw%d' % j] for j in range(len(meta['model_weight_shapes']))]


def _non_scalar(values):
    return [np.asarray(v) for v in values if np.ndim(v) > 0]


def _check_optimizer_state(actual, meta, arrays, what):
    """The checker's rule: scalars ignored, Adam vhat placeholders optional, SGD without slots -> zeros."""
    expected = _non_scalar([arrays['ow%d' % j] for j in range(len(meta['optimizer_weight_names']))])
    actual = _non_scalar(actual)
    if not expected:  # SGD momentum=0: tf_keras saves no slots; a fresh (all-zero) state is accepted
        for a in actual:
            assert not np.any(a), '%s: expected a freshly initialised optimizer state' % what
        return
    if len(actual) == len(expected) + len(expected) // 2 and all(a.shape == (1,) for a in actual[len(expected):]):
        actual = actual[:len(expected)]  # Keras 2.2.4 Adam vhat placeholders (amsgrad=False)
    assert len(actual) == len(expected), '%s: %d optimizer arrays, expected %d' % (what, len(actual), len(expected))
    for j, (a, e) in enumerate(zip(actual, expected)):
        assert_close(a, e, meta['tol'], what='%s optimizer weight %d' % (what, j))


@pytest.mark.parametrize('name', CASES)
def test_load_model_fixture(name):
    meta, arrays, model = _load(name)
    _check_predictions(model, meta, arrays, name)
    weights = model.get_weights()
    expected = _expected_model_weights(meta, arrays)
    assert len(weights) == len(expected)
    for j, (w, e) in enumerate(zip(weights, expected)):
        assert_close(w, e, meta['tol'], what='%s mw%d' % (name, j))
    assert model.optimizer is not None, 'the training configuration was not restored'
    assert model.optimizer.__class__.__name__ == meta['training_config']['optimizer_config']['class_name']
    _check_optimizer_state(model.optimizer.get_weights(), meta, arrays, name)


def _layer_values(meta, arrays):
    """{layer name: [arrays]} from the fixture (mw<j> are in layer order, file order within a layer)."""
    values, j = {}, 0
    expected = _expected_model_weights(meta, arrays)
    for layer_name in meta['layer_names']:
        n = len(meta['weight_names'][layer_name])
        values[layer_name] = expected[j:j + n]
        j += n
    assert j == len(expected)
    return values


def _check_weights_layout(root, meta, arrays, what):
    assert isinstance(root.attrs['keras_version'], np.bytes_), 'text attributes are written as UTF-8 bytes'
    assert root.attrs['backend'] == b'numpy'
    group = H5Dict(root)
    assert group.get_names('layer_names') == meta['layer_names']
    values = _layer_values(meta, arrays)
    for layer_name in meta['layer_names']:
        layer = group.subgroup(layer_name)
        names = layer.get_names('weight_names')
        assert len(names) == len(meta['weight_names'][layer_name]), '%s: %s' % (what, layer_name)
        if not names:
            raw = root[layer_name].attrs['weight_names']
            assert raw.dtype == np.float64 and raw.shape == (0,), 'empty weight_names: empty float64 array'
        for k, (n, e) in enumerate(zip(names, values[layer_name])):
            assert n.endswith(':0') and n in root[layer_name], '%s: dataset %s/%s' % (what, layer_name, n)
            np.testing.assert_array_equal(root[layer_name][n][()], e, err_msg='%s %s #%d' % (what, layer_name, k))


@pytest.mark.parametrize('name', CASES)
def test_resave_has_keras2_layout_and_loads_again(name, tmp_path):
    meta, arrays, model = _load(name)
    target = str(tmp_path / (name + '.h5'))
    model.save(target)
    with h5py.File(target, 'r') as f:
        for key in ('keras_version', 'backend', 'model_config', 'training_config'):
            assert key in f.attrs, key
            assert isinstance(f.attrs[key], np.bytes_), key
        model_config = json.loads(f.attrs['model_config'].decode('utf8'))
        assert model_config['class_name'] == ('Sequential' if meta['model_class'] == 'Sequential' else 'Model')
        training_config = json.loads(f.attrs['training_config'].decode('utf8'))
        for key in ('optimizer_config', 'loss', 'metrics', 'loss_weights', 'sample_weight_mode'):
            assert key in training_config, key
        assert training_config['optimizer_config']['class_name'] == \
            meta['training_config']['optimizer_config']['class_name']
        assert training_config['loss'] == meta['training_config']['loss']
        assert training_config['loss_weights'] == meta['training_config']['loss_weights']
        _check_weights_layout(f['model_weights'], meta, arrays, name)
        assert 'optimizer_weights' in f
        opt = H5Dict(f['optimizer_weights'])
        saved_state = [opt.get_array(n) for n in opt.get_names('weight_names')]
        _check_optimizer_state(saved_state, meta, arrays, name + ' (file)')
    K.clear_session()
    again = models.load_model(target)
    _check_predictions(again, meta, arrays, name + ' after minikeras save/load')
    for a, b in zip(again.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(again.optimizer.get_weights(), model.optimizer.get_weights()):
        np.testing.assert_array_equal(a, b)


def _model_from_file_config(meta):
    with h5py.File(path('models', meta['h5_file']), 'r') as f:
        config = f.attrs['model_config']
    config = config.decode('utf8') if isinstance(config, bytes) else config
    try:
        return models.model_from_json(config)
    except ValueError as e:
        _skip_if_missing_layer(e)


@pytest.mark.parametrize('by_name', [False, True])
@pytest.mark.parametrize('name', WEIGHT_CASES)
def test_weights_only_files(name, by_name, tmp_path):
    meta, arrays = load_case('models', name)
    model = _model_from_file_config(meta)
    model.load_weights(path('models', meta['weights_file']), by_name=by_name)
    _check_predictions(model, meta, arrays, name + ' weights file')
    target = str(tmp_path / 'weights.h5')
    model.save_weights(target)
    with h5py.File(target, 'r') as f:
        assert 'model_config' not in f.attrs
        _check_weights_layout(f, meta, arrays, name + ' save_weights')
    K.clear_session()
    fresh = _model_from_file_config(meta)
    fresh.load_weights(target, by_name=by_name)
    _check_predictions(fresh, meta, arrays, name + ' minikeras weights file')


@pytest.mark.parametrize('name', WEIGHT_CASES)
def test_full_model_file_loads_with_load_weights(name):
    """A full model file holds the weights in /model_weights; load_weights finds them there (as Keras)."""
    meta, arrays = load_case('models', name)
    model = _model_from_file_config(meta)
    model.load_weights(path('models', meta['h5_file']))
    _check_predictions(model, meta, arrays, name + ' load_weights(full file)')


@pytest.mark.parametrize('name', CASES)
def test_load_without_compile(name):
    meta, arrays, model = _load(name, compile=False)
    assert getattr(model, 'optimizer', None) is None
    _check_predictions(model, meta, arrays, name + ' compile=False')
