"""`python -m minikeras`: summary, predict and convert on Keras 2 files, and their exit codes."""
import glob
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

from minikeras import cli
from minikeras import layers as klayers
from minikeras.layers import Dense, Input
from minikeras.models import Model, Sequential, load_model

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = sorted(glob.glob(os.path.join(ROOT, 'tests', 'fixtures', 'keras2', '**', '*.h5'), recursive=True))


def _run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize('path', FIXTURES, ids=[os.path.basename(p) for p in FIXTURES])
def test_summary_of_every_golden_fixture(capsys, path):
    code, out, err = _run(capsys, 'summary', path)
    assert code == 0, err
    assert 'Keras version: ' in out and 'Weights: ' in out
    with h5py.File(path, 'r') as f:
        full_model = 'model_config' in f.attrs
    if full_model:
        assert 'Total params' in out and 'Training configuration:' in out
    else:
        assert 'Weights-only file' in out


def test_summary_shows_the_training_config_and_statistics(capsys, tmp_path):
    model = Sequential([Dense(2, input_shape=(3,), name='d')])
    model.compile('adam', 'mse', metrics=['mae'])
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    model.get_layer('d').set_weights([np.arange(6.0).reshape(3, 2), np.zeros(2)])
    path = str(tmp_path / 'm.h5')
    model.save(path)
    code, out, _ = _run(capsys, 'summary', path)
    assert code == 0
    assert 'optimizer: Adam(amsgrad=False, beta_1=0.9, beta_2=0.999, decay=0, epsilon=1e-07, lr=0.001)' in out
    assert 'loss: "mse"' in out and 'metrics: ["mae"]' in out
    assert 'optimizer state: 7 arrays' in out
    kernel_line = [line for line in out.splitlines() if 'd/kernel' in line][0].split()
    assert kernel_line[1:3] == ['(3,', '2)'] and kernel_line[4:8] == ['0', '5', '2.5', '1.708']


def test_summary_of_a_model_that_cannot_be_built_lists_the_stored_layers(capsys, tmp_path):
    class Custom(klayers.Layer):
        def call(self, inputs):
            return inputs * 2

    x = Input((3,), name='x')
    model = Model(x, Dense(1, name='out')(Custom(name='twice')(x)))
    path = str(tmp_path / 'custom.h5')
    model.save(path)
    code, out, _ = _run(capsys, 'summary', path)
    assert code == 0
    assert 'cannot be built here' in out and 'Custom' in out
    assert '  twice (Custom)' in out and '  out (Dense)' in out


@pytest.mark.parametrize('content, message', [(b'', 'is not an HDF5 file'),
                                              (b'not an hdf5 file at all' * 10, 'is not an HDF5 file'),
                                              (None, 'truncated')])
def test_corrupt_files_exit_1_with_the_documented_error(capsys, tmp_path, content, message):
    path = str(tmp_path / 'bad.h5')
    if content is None:  # a real model file cut in half
        source = FIXTURES[0]
        with open(source, 'rb') as f:
            data = f.read()
        content = data[:len(data) // 2]
    with open(path, 'wb') as f:
        f.write(content)
    code, out, err = _run(capsys, 'summary', path)
    assert code == cli.EXIT_MODEL
    assert err.startswith('minikeras: error: cannot read %s' % path) and message in err
    assert len(err.strip().splitlines()) == 1


def test_loading_a_large_file_reports_progress_on_stderr(capsys, monkeypatch):
    monkeypatch.setattr(cli, '_LARGE_FILE', 1000)
    code, out, err = _run(capsys, 'summary', FIXTURES[0])
    assert code == 0 and err.startswith('loading %s' % FIXTURES[0]) and 'loading' not in out


def test_missing_file_and_usage_errors(capsys, tmp_path):
    code, _, err = _run(capsys, 'summary', str(tmp_path / 'nope.h5'))
    assert code == 1 and 'No file or directory' in err
    assert _run(capsys, 'frobnicate')[0] == 2
    assert _run(capsys)[0] == 2


def test_help_and_exit_codes_through_python_m(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT)
    done = subprocess.run([sys.executable, '-m', 'minikeras', '--help'], capture_output=True, text=True, env=env)
    assert done.returncode == 0 and 'summary' in done.stdout and 'exit codes' in done.stdout
    bad = tmp_path / 'bad.h5'
    bad.write_bytes(b'garbage')
    done = subprocess.run([sys.executable, '-m', 'minikeras', 'summary', str(bad)], capture_output=True,
                          text=True, env=env)
    assert done.returncode == 1 and 'minikeras: error:' in done.stderr


def _two_output_model():
    a, b = Input((3,), name='a'), Input((2,), name='b')
    merged = klayers.concatenate([a, b])
    model = Model([a, b], [Dense(1, name='first')(merged), Dense(2, name='second')(merged)])
    model.compile('sgd', 'mse')
    return model


def test_predict_single_and_multi_io(capsys, tmp_path):
    model = Sequential([Dense(2, input_shape=(3,))])
    path = str(tmp_path / 'm.h5')
    model.save(path)
    x = np.random.rand(5, 3).astype('float32')
    np.save(str(tmp_path / 'x.npy'), x)
    code, out, err = _run(capsys, 'predict', path, str(tmp_path / 'x.npy'), str(tmp_path / 'y.npy'), '--progress')
    assert code == 0 and out.startswith('wrote') and '5/5 [' in err
    np.testing.assert_array_equal(np.load(str(tmp_path / 'y.npy')), model.predict(x))

    model = _two_output_model()
    model.save(path)
    xa, xb = np.random.rand(4, 3), np.random.rand(4, 2)
    np.savez(str(tmp_path / 'in.npz'), b=xb, a=xa)
    code, _, _ = _run(capsys, 'predict', path, str(tmp_path / 'in.npz'), str(tmp_path / 'out.npz'))
    assert code == 0
    expected = model.predict([xa, xb])
    with np.load(str(tmp_path / 'out.npz')) as out:
        np.testing.assert_array_equal(out['first'], expected[0])
        np.testing.assert_array_equal(out['second'], expected[1])
    code, _, err = _run(capsys, 'predict', path, str(tmp_path / 'in.npz'), str(tmp_path / 'out.npy'))
    assert code == cli.EXIT_USAGE and 'has 2 outputs' in err


def test_predict_bad_inputs_exit_3(capsys, tmp_path):
    model = Sequential([Dense(2, input_shape=(3,))])
    path = str(tmp_path / 'm.h5')
    model.save(path)
    np.save(str(tmp_path / 'wrong.npy'), np.zeros((2, 4)))
    code, _, err = _run(capsys, 'predict', path, str(tmp_path / 'wrong.npy'), str(tmp_path / 'y.npy'))
    assert code == cli.EXIT_INPUT and 'do not fit the model' in err
    np.save(str(tmp_path / 'objects.npy'), np.array([{'a': 1}], dtype=object))
    code, _, err = _run(capsys, 'predict', path, str(tmp_path / 'objects.npy'), str(tmp_path / 'y.npy'))
    assert code == cli.EXIT_INPUT and 'cannot read the input arrays' in err
    assert not os.path.exists(str(tmp_path / 'y.npy'))


@pytest.mark.parametrize('strip', [False, True])
def test_convert_then_load_model_predicts_the_same(capsys, tmp_path, strip):
    source = os.path.join(ROOT, 'tests', 'fixtures', 'keras2', 'models', 'cnn_adam.h5')
    out = str(tmp_path / 'converted.h5')
    code, _, err = _run(capsys, 'convert', source, out, *(['--strip-optimizer'] if strip else []))
    assert code == 0, err
    original, converted = load_model(source), load_model(out, compile=not strip)
    x = np.random.rand(3, *original.input_shape[1:]).astype('float32')
    np.testing.assert_array_equal(converted.predict(x), original.predict(x))
    with h5py.File(out, 'r') as f:
        assert ('training_config' in f.attrs) is not strip and ('optimizer_weights' in f) is not strip
    code, _, err = _run(capsys, 'convert', source, out)
    assert code == cli.EXIT_OUTPUT and '--force' in err


def test_plain_rnn_config_rewrites_nested_cudnn_layers():
    config = {'class_name': 'Sequential', 'config': {'name': 's', 'layers': [
        {'class_name': 'Bidirectional', 'config': {'layer': {'class_name': 'CuDNNGRU', 'config': {
            'name': 'g', 'units': 4, 'return_sequences': True}}, 'merge_mode': 'concat'}},
        {'class_name': 'CuDNNLSTM', 'config': {'name': 'l', 'units': 3, 'unit_forget_bias': True}}]}}
    new, count = cli.plain_rnn_config(config)
    assert count == 2
    gru = new['config']['layers'][0]['config']['layer']
    assert gru['class_name'] == 'GRU' and gru['config']['reset_after'] is True
    assert gru['config']['recurrent_activation'] == 'sigmoid' and gru['config']['return_sequences'] is True
    lstm = new['config']['layers'][1]
    assert lstm['class_name'] == 'LSTM' and lstm['config']['activation'] == 'tanh'
    assert config['config']['layers'][1]['class_name'] == 'CuDNNLSTM'  # the input is not modified


@pytest.mark.skipif(not hasattr(klayers, 'CuDNNLSTM'), reason='needs the CuDNN layers (helper branch cudnn)')
def test_convert_cudnn_layers_to_plain_ones(capsys, tmp_path):
    model = Sequential([klayers.CuDNNLSTM(4, return_sequences=True, input_shape=(5, 3)), klayers.CuDNNGRU(2)])
    model.compile('adam', 'mse')
    path, out = str(tmp_path / 'cudnn.h5'), str(tmp_path / 'plain.h5')
    model.save(path)
    code, _, err = _run(capsys, 'convert', path, out)
    assert code == 0, err
    assert 'rewrote 2 CuDNN layer(s)' in err
    converted = load_model(out)
    assert [type(layer).__name__ for layer in converted.layers] == ['LSTM', 'GRU']
    x = np.random.rand(2, 5, 3).astype('float32')
    np.testing.assert_allclose(converted.predict(x), model.predict(x), rtol=1e-5, atol=1e-6)
