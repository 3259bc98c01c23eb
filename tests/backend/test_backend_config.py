"""Backend selection: MINIKERAS_BACKEND, the minikeras.json config file, and a
third-party backend module loaded by its dotted name."""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_python(code, home, **env):
    environ = dict(os.environ)
    environ.pop('MINIKERAS_BACKEND', None)
    environ['MINIKERAS_HOME'] = str(home)
    environ['KERAS_HOME'] = os.path.join(str(home), 'no-keras-home')  # a real ~/.keras/keras.json stays out
    environ['PYTHONPATH'] = HERE + os.pathsep + environ.get('PYTHONPATH', '')
    environ.update(env)
    return subprocess.run([sys.executable, '-c', code], env=environ, capture_output=True, text=True)


def test_config_file_is_written_with_defaults_on_first_import(tmp_path):
    result = run_python('from minikeras import backend as K; print(K.backend(), K.floatx())', tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ['numpy', 'float32']
    assert run_python('from minikeras import backend as K; print(K._BACKEND)', tmp_path).stdout.split() == ['numpy']
    with open(tmp_path / 'minikeras.json') as f:
        config = json.load(f)
    assert config == {'backend': 'numpy', 'floatx': 'float32', 'epsilon': 1e-7,
                      'image_data_format': 'channels_last'}


def test_config_file_settings_are_applied(tmp_path):
    with open(tmp_path / 'minikeras.json', 'w') as f:
        json.dump({'backend': 'numpy', 'floatx': 'float64', 'epsilon': 1e-5,
                   'image_data_format': 'channels_first'}, f)
    result = run_python('from minikeras import backend as K; '
                        'print(K.floatx(), K.epsilon(), K.image_data_format())', tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ['float64', '1e-05', 'channels_first']


def test_third_party_backend_module_is_loaded_by_dotted_name(tmp_path):
    code = ('import numpy as np; from minikeras import backend as K; import toy_backend; '
            'x = K.placeholder((2,)); print(K.backend(), K._BACKEND, K.function([x], [x * 2])([np.ones(2)])[0].sum(), '
            'len(toy_backend.compiled))')
    result = run_python(code, tmp_path, MINIKERAS_BACKEND='toy_backend')
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ['toy', 'toy', '4.0', '1']


def test_backend_from_config_file_and_unknown_backend_error(tmp_path):
    with open(tmp_path / 'minikeras.json', 'w') as f:
        json.dump({'backend': 'toy_backend'}, f)
    result = run_python('from minikeras import backend as K; print(K.backend())', tmp_path)
    assert result.stdout.split() == ['toy'], result.stderr
    result = run_python('import minikeras.backend', tmp_path, MINIKERAS_BACKEND='no_such_backend_module')
    assert result.returncode != 0
    assert "Unknown minikeras backend 'no_such_backend_module'" in result.stderr


def test_unwritable_config_dir_falls_back_to_defaults(tmp_path):
    blocker = tmp_path / 'file'
    blocker.write_text('not a directory')
    result = run_python('from minikeras import backend as K; print(K.backend())', blocker / 'sub')
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ['numpy']


def test_keras_json_is_read_when_there_is_no_minikeras_config(tmp_path):
    keras_home, home = tmp_path / 'keras', tmp_path / 'minikeras'
    keras_home.mkdir()
    with open(keras_home / 'keras.json', 'w') as f:
        json.dump({'backend': 'tensorflow', 'floatx': 'float64', 'epsilon': 1e-4,
                   'image_data_format': 'channels_first'}, f)
    code = 'from minikeras import backend as K; print(K.backend(), K.floatx(), K.epsilon(), K.image_data_format())'
    result = run_python(code, home, KERAS_HOME=str(keras_home))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ['numpy', 'float64', '0.0001', 'channels_first']
    notice = result.stderr.strip().splitlines()
    assert len(notice) == 1 and '"backend": "tensorflow"' in notice[0] and 'keras.json' in notice[0]
    assert not (home / 'minikeras.json').exists()  # keras.json keeps applying

    # a minikeras config takes precedence over keras.json
    home.mkdir(exist_ok=True)
    with open(home / 'minikeras.json', 'w') as f:
        json.dump({'floatx': 'float16'}, f)
    result = run_python(code, home, KERAS_HOME=str(keras_home))
    assert result.stdout.split() == ['numpy', 'float16', '1e-07', 'channels_last'] and result.stderr == ''


def test_keras_json_without_backend_entry_is_silent(tmp_path):
    keras_home = tmp_path / 'keras'
    keras_home.mkdir()
    (keras_home / 'keras.json').write_text('{"floatx": "float32", "image_data_format": "channels_last"}')
    result = run_python('from minikeras import backend as K; print(K.floatx())', tmp_path / 'mk',
                        KERAS_HOME=str(keras_home))
    assert result.returncode == 0 and result.stdout.split() == ['float32'] and result.stderr == ''


def test_configuration_under_its_first_path_is_the_state_module_s():
    from minikeras.backend import common, state
    names = ['floatx', 'set_floatx', 'epsilon', 'set_epsilon', 'image_data_format', 'set_image_data_format',
             'cast_to_floatx', 'normalize_data_format', 'image_dim_ordering', 'set_image_dim_ordering']
    assert [getattr(common, n) for n in names] == [getattr(state, n) for n in names]
    previous = state.floatx()
    common.set_floatx('float64')
    try:
        assert state.floatx() == 'float64'
    finally:
        state.set_floatx(previous)
