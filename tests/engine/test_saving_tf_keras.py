"""The tf.keras / tf-keras `.h5` corpus (tests/fixtures/tf_keras, written by generate.py there).

The files are stored gzipped (byte for byte what TensorFlow wrote). Every file loads with `compile=True`, predicts as the TensorFlow version that
wrote it, and, where the manifest says so, one `train_on_batch` step on the
loaded model (the restored optimizer state) gives the predictions TensorFlow
gave after the same step. Cases minikeras cannot honour raise or warn with
a message naming the file, the optimizer and the argument.
"""
import glob
import gzip
import json
import os
import warnings

import numpy as np
import pytest

from minikeras import backend as K
from minikeras.engine.saving import load_model

HERE = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'fixtures', 'tf_keras')


def _cases():
    cases = []
    for manifest_path in sorted(glob.glob(os.path.join(HERE, '*', 'manifest.json'))):
        with open(manifest_path) as f:
            manifest = json.load(f)
        for name, case in sorted(manifest['cases'].items()):
            cases.append(pytest.param(os.path.dirname(manifest_path), name, case,
                                      id='%s/%s' % (manifest['keras_version'], name)))
    return cases


CASES = _cases()


def _arrays(data, prefix):
    return [data['%s%d' % (prefix, i)] for i in range(len([k for k in data.files if k[:-1] == prefix or
                                                          (k.startswith(prefix) and k[len(prefix):].isdigit())]))]


def _predict(model, xs):
    preds = model.predict(xs if len(xs) > 1 else xs[0], batch_size=64)
    return preds if isinstance(preds, list) else [preds]


def _close(actual, expected, what):
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, rtol=1e-4, atol=2e-5, err_msg=what)


def test_corpus_is_present():
    assert len(CASES) >= 60
    versions = {os.path.basename(os.path.dirname(p)) for p in glob.glob(os.path.join(HERE, '*', 'manifest.json'))}
    assert any(v.startswith('2.21') for v in versions) and any(v.startswith(('2.12', '2.13', '2.14', '2.15'))
                                                                for v in versions)


def _unpacked(directory, case, tmp_path):
    """The corpus file (stored gzipped) as a plain `.h5` under `tmp_path`; its path."""
    path = str(tmp_path / case['file'])
    with gzip.open(os.path.join(directory, case['file'] + '.gz'), 'rb') as packed, open(path, 'wb') as out:
        out.write(packed.read())
    return path


@pytest.mark.parametrize('directory, name, case', CASES)
def test_tf_keras_file(directory, name, case, tmp_path):
    K.clear_session()
    path = _unpacked(directory, case, tmp_path)
    data = np.load(os.path.join(directory, name + '.npz'))
    expect = case.get('expect')
    if expect == 'error':
        with pytest.raises(ValueError) as info:
            load_model(path)
        message = str(info.value)
        assert path in message and all(word in message for word in case['mentions']), message
        model = load_model(path, compile=False)
        _close(_predict(model, _arrays(data, 'x')), _arrays(data, 'pred'), name)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        model = load_model(path)
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if 'optimizer' in m.lower() and 'use_ema' not in m], messages
    if expect == 'warn_use_ema':
        assert any(path in m and all(word in m for word in case['mentions']) for m in messages), messages
    assert model.optimizer is not None
    xs = _arrays(data, 'x')
    _close(_predict(model, xs), _arrays(data, 'pred'), name + ': predictions')
    if case['train_step']:
        tx, ty = _arrays(data, 'tx'), _arrays(data, 'ty')
        model.train_on_batch(tx if len(tx) > 1 else tx[0], ty if len(ty) > 1 else ty[0])
        _close(_predict(model, xs), _arrays(data, 'after'), name + ': after one training step')


SAVE_BACK = [c for c in CASES if c.values[1].startswith('opt_') and c.values[2]['train_step'] and
             c.values[2]['expect'] != 'error']


@pytest.mark.parametrize('directory, name, case', SAVE_BACK)
def test_save_back_keeps_the_generation(directory, name, case, tmp_path):
    """A loaded tf.keras model saved by minikeras keeps its optimizer config and state layout."""
    import h5py
    K.clear_session()
    source = _unpacked(directory, case, tmp_path)
    data = np.load(os.path.join(directory, name + '.npz'))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # use_ema's warning, checked in test_tf_keras_file
        load_model(source).save(str(tmp_path / 'back.h5'))
    with h5py.File(source, 'r') as original, h5py.File(str(tmp_path / 'back.h5'), 'r') as saved:
        before = json.loads(original.attrs['training_config'])['optimizer_config']
        after = json.loads(saved.attrs['training_config'])['optimizer_config']
        assert after['class_name'] == before['class_name']
        assert sorted(after['config']) == sorted(before['config'])
        shapes = [saved['optimizer_weights'][n].shape for n in saved['optimizer_weights'].attrs['weight_names']]
        assert shapes == [original['optimizer_weights'][n].shape
                          for n in original['optimizer_weights'].attrs['weight_names']
                          if '/average/' not in str(n)]  # use_ema's averages are not kept
        assert after['config'].get('use_ema') in (None, False)
    K.clear_session()
    model = load_model(str(tmp_path / 'back.h5'))
    tx, ty = _arrays(data, 'tx'), _arrays(data, 'ty')
    model.train_on_batch(tx if len(tx) > 1 else tx[0], ty if len(ty) > 1 else ty[0])
    _close(_predict(model, _arrays(data, 'x')), _arrays(data, 'after'), name + ': saved back, one step')
