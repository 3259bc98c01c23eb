"""Bad files raise clear errors, and a save that dies half-way never destroys the previous checkpoint."""
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from minikeras.engine import saving
from minikeras.layers import Dense
from minikeras.models import Sequential, load_model
from minikeras.utils import io_utils


def _model(units=8):
    model = Sequential([Dense(units, activation='relu', input_shape=(4,)), Dense(2)])
    model.compile('adam', 'mse')
    model.fit(np.ones((8, 4), 'float32'), np.zeros((8, 2), 'float32'), epochs=1, verbose=0)
    return model


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(IOError) as info:
        load_model(str(tmp_path / 'nope.h5'))
    assert 'No file or directory found' in str(info.value)
    with pytest.raises(IOError) as info:
        load_model(str(tmp_path))
    assert 'directory' in str(info.value)


@pytest.mark.parametrize('content', [b'', b'{"class_name": "Sequential"}', b'\x89PNG\r\n\x1a\n' + b'\0' * 600])
def test_non_hdf5_file(tmp_path, content):
    target = str(tmp_path / 'model.h5')
    with open(target, 'wb') as f:
        f.write(content)
    with pytest.raises(IOError) as info:
        load_model(target)
    assert 'not an HDF5 file' in str(info.value) and target in str(info.value)
    with pytest.raises(IOError):
        _model().load_weights(target)


@pytest.mark.parametrize('fraction', [0.2, 0.5, 0.9])
def test_truncated_file(tmp_path, fraction):
    good = str(tmp_path / 'good.h5')
    _model().save(good)
    data = open(good, 'rb').read()
    bad = str(tmp_path / 'bad.h5')
    with open(bad, 'wb') as f:
        f.write(data[:int(len(data) * fraction)])
    with pytest.raises(IOError) as info:
        load_model(bad)
    assert 'truncated or corrupted' in str(info.value) and bad in str(info.value)


def test_error_during_save_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = str(tmp_path / 'ckpt.h5')
    old = _model()
    old.save(target)
    original = open(target, 'rb').read()

    def fail(self, name, value):
        raise RuntimeError('disk full (simulated)')

    monkeypatch.setattr(io_utils.H5Dict, 'set_array', fail)
    with pytest.raises(RuntimeError):
        _model(units=5).save(target)
    with pytest.raises(RuntimeError):
        _model(units=5).save_weights(target)
    assert open(target, 'rb').read() == original
    assert os.listdir(str(tmp_path)) == ['ckpt.h5']


def test_unserialisable_model_creates_no_file(tmp_path):
    from minikeras.engine.network import Network
    target = str(tmp_path / 'sub.h5')

    class Sub(Network):
        pass

    with pytest.raises(NotImplementedError):
        saving.save_model(Sub(), target)
    assert not os.path.exists(target)


CHILD = textwrap.dedent('''
    import sys, time
    import numpy as np
    from minikeras.layers import Dense
    from minikeras.models import Sequential
    from minikeras.utils import io_utils

    original = io_utils.H5Dict.set_array
    count = [0]

    def slow_set_array(self, name, value):
        original(self, name, value)
        count[0] += 1
        if count[0] == 2:  # some weights written, the rest not: stop here and wait to be killed
            self.group.file.flush()
            print('IN_THE_MIDDLE', flush=True)
            time.sleep(600)

    io_utils.H5Dict.set_array = slow_set_array
    model = Sequential([Dense(300, input_shape=(200,)), Dense(300), Dense(2)])
    model.save(sys.argv[1])
''')


def test_kill_during_save_keeps_the_previous_checkpoint(tmp_path):
    """SIGKILL a process in the middle of model.save over an existing checkpoint: the old file still loads."""
    target = str(tmp_path / 'ckpt.h5')
    old = _model()
    old.save(target)
    original = open(target, 'rb').read()
    x = np.random.rand(3, 4).astype('float32')
    expected = old.predict(x)

    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join([os.path.dirname(os.path.dirname(os.path.abspath(saving.__file__)))] +
                                        [p for p in [env.get('PYTHONPATH')] if p])
    child = subprocess.Popen([sys.executable, '-c', CHILD, target], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, text=True)
    try:
        deadline = time.time() + 120
        line = ''
        while time.time() < deadline:
            line = child.stdout.readline()
            if 'IN_THE_MIDDLE' in line or not line:
                break
        assert 'IN_THE_MIDDLE' in line, child.stderr.read()
        # The new file is built in memory: nothing is on disk until it is complete.
        assert os.listdir(str(tmp_path)) == ['ckpt.h5']
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert open(target, 'rb').read() == original
    loaded = load_model(target)
    np.testing.assert_array_equal(loaded.predict(x), expected)
    assert os.listdir(str(tmp_path)) == ['ckpt.h5']


def test_save_into_a_new_directory_entry_has_normal_permissions(tmp_path):
    target = str(tmp_path / 'm.h5')
    _model().save(target)
    mode = os.stat(target).st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask
    os.chmod(target, 0o600)
    _model().save(target)
    assert os.stat(target).st_mode & 0o777 == 0o600
    shutil.rmtree(str(tmp_path))
