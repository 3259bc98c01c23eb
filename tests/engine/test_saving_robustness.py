"""Saving under stress: randomly corrupted files, SIGKILL during save / save_weights / ModelCheckpoint,
and a full disk. Each runs in a child process, so that a crash of the HDF5 library would fail the test
instead of the test run."""
import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from minikeras.engine import saving

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(saving.__file__)))


def _run_child(code, *args, **kwargs):
    env = dict(os.environ, OPENBLAS_NUM_THREADS='1',
               PYTHONPATH=os.pathsep.join([ROOT] + [p for p in [os.environ.get('PYTHONPATH')] if p]))
    return subprocess.Popen([sys.executable, '-c', textwrap.dedent(code)] + [str(a) for a in args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env,
                            text=True, **kwargs)


CORRUPT = '''
    import json, os, sys, warnings
    import numpy as np
    warnings.simplefilter('ignore')
    from minikeras.layers import Dense, Dropout
    from minikeras.models import Sequential, load_model
    from minikeras.engine.saving import InvalidFileError

    directory, copies, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    model = Sequential([Dense(6, activation='tanh', input_shape=(5,)), Dropout(0.1), Dense(3)])
    model.compile('adam', 'mse')
    x = np.random.RandomState(0).rand(4, 5).astype('float32')
    model.fit(x, np.zeros((4, 3), 'float32'), epochs=1, verbose=0)
    good = os.path.join(directory, 'good.h5')
    model.save(good)
    expected = model.predict(x)
    data = open(good, 'rb').read()
    rng = np.random.RandomState(seed)
    counts = {'identical': 0, 'invalid_file': 0}
    others = []
    bad = os.path.join(directory, 'bad.h5')
    for i in range(copies):
        changed = bytearray(data)
        for at in rng.randint(0, len(data), size=rng.randint(1, 4)):
            changed[at] = rng.randint(0, 256)
        with open(bad, 'wb') as f:
            f.write(changed)
        try:
            loaded = load_model(bad)
        except InvalidFileError as e:
            assert bad in str(e), str(e)
            counts['invalid_file'] += 1
            continue
        except Exception as e:
            others.append('%s: %s' % (type(e).__name__, str(e)[:200]))
            continue
        if np.array_equal(loaded.predict(x), expected) and \\
                all(np.array_equal(a, b) for a, b in zip(loaded.get_weights(), model.get_weights())):
            counts['identical'] += 1
        else:
            others.append('loaded with different predictions or weights')
    print(json.dumps({'counts': counts, 'others': others}))
'''


def _corruption(tmp_path, copies, seed):
    child = _run_child(CORRUPT, tmp_path, copies, seed)
    out, err = child.communicate(timeout=900)
    assert child.returncode == 0, err[-3000:]
    result = json.loads(out.strip().splitlines()[-1])
    assert result['others'] == [], result
    assert sum(result['counts'].values()) == copies
    return result['counts']


def test_randomly_corrupted_copies_load_identically_or_raise_the_documented_error(tmp_path):
    counts = _corruption(tmp_path, 120, seed=13)
    assert counts['invalid_file'] > 0


@pytest.mark.slow
def test_many_randomly_corrupted_copies(tmp_path):
    _corruption(tmp_path, 3000, seed=7)


SAVER = '''
    import os, sys
    import numpy as np
    from minikeras.callbacks import ModelCheckpoint
    from minikeras.layers import Dense
    from minikeras.models import Sequential

    directory = sys.argv[1]
    model = Sequential([Dense(256, input_shape=(128,)), Dense(256), Dense(4)])
    model.compile('adam', 'mse')
    x, y = np.ones((8, 128), 'float32'), np.zeros((8, 4), 'float32')
    checkpoint = ModelCheckpoint(os.path.join(directory, 'ckpt.h5'))
    print('READY', flush=True)
    while True:
        model.save(os.path.join(directory, 'model.h5'))
        model.save_weights(os.path.join(directory, 'weights.h5'))
        model.fit(x, y, epochs=1, verbose=0, callbacks=[checkpoint])
'''


def _kill_loop(tmp_path, kills, seed):
    from minikeras.layers import Dense
    from minikeras.models import Sequential, load_model
    rng = np.random.RandomState(seed)
    corrupt = 0
    killed_mid_write = 0
    for _ in range(kills):
        child = _run_child(SAVER, tmp_path)
        try:
            assert child.stdout.readline().strip() == 'READY', child.stderr.read()
            time.sleep(rng.uniform(0.05, 0.6))
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait(timeout=60)
            child.stdout.close()
            child.stderr.close()
        killed_mid_write += any(n.endswith('.tmp') for n in os.listdir(str(tmp_path)))
        for name in ('model.h5', 'ckpt.h5'):
            path = str(tmp_path / name)
            if os.path.exists(path):
                try:
                    load_model(path)
                except Exception:  # noqa: BLE001 - counted
                    corrupt += 1
        if os.path.exists(str(tmp_path / 'weights.h5')):
            model = Sequential([Dense(256, input_shape=(128,)), Dense(256), Dense(4)])
            try:
                model.load_weights(str(tmp_path / 'weights.h5'))
            except Exception:  # noqa: BLE001 - counted
                corrupt += 1
    # The next save to each path removes what killed saves left behind.
    model = Sequential([Dense(256, input_shape=(128,)), Dense(256), Dense(4)])
    model.compile('adam', 'mse')
    model.save(str(tmp_path / 'model.h5'))
    model.save(str(tmp_path / 'ckpt.h5'))
    model.save_weights(str(tmp_path / 'weights.h5'))
    assert corrupt == 0
    assert sorted(os.listdir(str(tmp_path))) == ['ckpt.h5', 'model.h5', 'weights.h5']
    return killed_mid_write


def test_sigkill_during_saves_leaves_no_corrupt_file_and_no_temporary(tmp_path):
    _kill_loop(tmp_path, kills=2, seed=0)


@pytest.mark.slow
def test_sigkill_loop(tmp_path):
    assert _kill_loop(tmp_path, kills=40, seed=1) > 0  # some kills did land in the middle of writing a file


def test_stale_temporaries_of_live_processes_are_kept(tmp_path):
    from minikeras.utils import io_utils
    target = str(tmp_path / 'm.h5')
    mine = str(tmp_path / ('.m.h5.%d-%s.tmp' % (os.getpid(), 'a' * 16)))
    dead = str(tmp_path / ('.m.h5.%d-%s.tmp' % (2 ** 22 + 12345, 'b' * 16)))
    other = str(tmp_path / '.m.h5.notours.tmp')
    for path in (mine, dead, other):
        open(path, 'wb').close()
    io_utils.write_file_atomically(target, b'new content')
    assert sorted(os.listdir(str(tmp_path))) == sorted([os.path.basename(p) for p in (mine, other)] + ['m.h5'])
    assert open(target, 'rb').read() == b'new content'


FULL_DISK = '''
    import errno, os, resource, signal, sys
    import numpy as np
    from minikeras.layers import Dense
    from minikeras.models import Sequential

    target = sys.argv[1]
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    model = Sequential([Dense(512, input_shape=(512,)), Dense(2)])
    resource.setrlimit(resource.RLIMIT_FSIZE, (200000, 200000))  # a file may not grow beyond 200 KB
    for method in (model.save, model.save_weights):
        try:
            method(target)
        except OSError as e:
            print(e.errno, e.filename, str(e).replace(chr(10), ' '))
        else:
            print('NO ERROR')
'''


def test_full_disk_is_a_clean_oserror_naming_the_target(tmp_path):
    """Writes beyond RLIMIT_FSIZE fail like a full disk: OSError (EFBIG here, ENOSPC on a full disk)."""
    pytest.importorskip('resource')
    target = str(tmp_path / 'ckpt.h5')
    from minikeras.layers import Dense
    from minikeras.models import Sequential, load_model
    previous = Sequential([Dense(4, input_shape=(3,))])
    previous.save(target)
    original = open(target, 'rb').read()
    child = _run_child(FULL_DISK, target)
    out, err = child.communicate(timeout=300)
    assert child.returncode == 0, err[-3000:]  # no crash, no HDF5 error state at exit
    lines = out.strip().splitlines()
    assert len(lines) == 2, out + err
    for line in lines:
        number, filename, message = line.split(' ', 2)
        assert int(number) in (errno.EFBIG, errno.ENOSPC)
        assert filename == target and target in message and '.tmp' not in message
    assert 'Slist' not in err and 'HDF5' not in err
    assert os.listdir(str(tmp_path)) == ['ckpt.h5']
    assert open(target, 'rb').read() == original
    load_model(target, compile=False)


def test_enospc_from_the_file_system(tmp_path, monkeypatch):
    """ENOSPC itself (as a full disk reports it), with the OS call failing half-way through the bytes."""
    from minikeras.layers import Dense
    from minikeras.models import Sequential
    from minikeras.utils import io_utils
    target = str(tmp_path / 'm.h5')
    real_write = os.write
    calls = [0]

    def full(fd, data):
        calls[0] += 1
        if calls[0] > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data[:100])

    monkeypatch.setattr(io_utils.os, 'write', full)
    with pytest.raises(OSError) as info:
        Sequential([Dense(4, input_shape=(3,))]).save(target)
    assert info.value.errno == errno.ENOSPC and info.value.filename == target
    assert 'No space left' in str(info.value) and '.tmp' not in str(info.value)
    assert os.listdir(str(tmp_path)) == []
