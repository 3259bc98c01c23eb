"""Crafted (attacker-made) and damaged files: each class is refused with `InvalidFileError` (or
`UnsafeConfigError` for bytecode), naming the file, and nothing outside the file is read.

"Nothing outside the file was read" is observed with Linux inotify on the files a crafted file points
to (any open or read of them is an event); elsewhere those assertions are skipped.
"""
import ctypes
import json
import os
import sys
import tracemalloc

import h5py
import numpy as np
import pytest

from minikeras import backend as K
from minikeras import initializers
from minikeras.engine import saving
from minikeras.engine.saving import InvalidFileError, UnsafeConfigError
from minikeras.layers import Dense, Input, Lambda
from minikeras.layers import deserialize as deserialize_layer
from minikeras.models import Model, Sequential, load_model, model_from_config, model_from_json, model_from_yaml
from minikeras.utils import generic_utils

pytestmark = pytest.mark.filterwarnings('ignore:No training configuration found:UserWarning')

_IN_ACCESS, _IN_OPEN = 0x1, 0x20


class _ReadWatch(object):
    """Records opens and reads of some files (Linux inotify)."""

    def __init__(self, paths):
        self.paths = paths
        self.fd = None

    def __enter__(self):
        if not sys.platform.startswith('linux'):
            return self
        libc = ctypes.CDLL(None, use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK)
        if self.fd < 0:
            self.fd = None
            return self
        for path in self.paths:
            libc.inotify_add_watch(self.fd, os.fsencode(path), _IN_ACCESS | _IN_OPEN)
        return self

    def events(self):
        if self.fd is None:
            return None
        try:
            return len(os.read(self.fd, 1 << 16))
        except BlockingIOError:
            return 0

    def __exit__(self, *exc):
        self.touched = self.events()
        if self.fd is not None:
            os.close(self.fd)
        return False


def _assert_untouched(watch):
    if watch.touched is None:
        pytest.skip('inotify is not available: cannot observe reads of other files')
    assert watch.touched == 0, 'a file outside the loaded file was opened or read'


def _model():
    model = Sequential([Dense(4, activation='relu', input_shape=(3,), name='hidden'), Dense(2, name='out')])
    model.compile('sgd', 'mse')
    return model


@pytest.fixture
def secret(tmp_path):
    """A local file an attacker wants to read, and an HDF5 file with a dataset of the kernel's shape."""
    text = str(tmp_path / 'secret.txt')
    with open(text, 'wb') as f:
        f.write(b'top secret ' * 100)
    h5 = str(tmp_path / 'secret.h5')
    with h5py.File(h5, 'w') as f:
        f['data'] = np.full((3, 4), 7., 'float32')
    return text, h5


def _craft(tmp_path, edit, name='crafted.h5'):
    """A saved model edited with h5py as an attacker would (no minikeras checksum)."""
    path = str(tmp_path / name)
    _model().save(path)
    with h5py.File(path, 'a') as f:
        del f.attrs['minikeras_checksum']
        group = f['model_weights/hidden/hidden']
        del group['kernel:0']
        edit(f, group)
    return path


def _load_refused(path, watched, *expected):
    with _ReadWatch(watched) as watch:
        with pytest.raises(InvalidFileError) as info:
            load_model(path)
    message = str(info.value)
    assert path in message
    for word in expected:
        assert word in message, message
    _assert_untouched(watch)
    # load_weights into an existing model goes through the same checks
    with _ReadWatch(watched) as watch:
        with pytest.raises(InvalidFileError):
            _model().load_weights(path)
    _assert_untouched(watch)
    return message


def test_the_read_watch_sees_reads(secret):
    with _ReadWatch([secret[0]]) as watch:
        open(secret[0], 'rb').read()
    if watch.touched is None:
        pytest.skip('inotify is not available')
    assert watch.touched > 0


def test_external_storage_is_refused(tmp_path, secret):
    def edit(f, group):
        group.create_dataset('kernel:0', (3, 4), dtype='float32', external=[(secret[0], 0, 48)])
    _load_refused(_craft(tmp_path, edit), [secret[0]], 'external file', 'Nothing was read')


def test_external_link_is_refused(tmp_path, secret):
    def edit(f, group):
        group['kernel:0'] = h5py.ExternalLink(secret[1], '/data')
    _load_refused(_craft(tmp_path, edit), list(secret), 'external link', 'secret.h5')


def test_soft_links_are_refused(tmp_path, secret):
    def through_external(f, group):
        f['elsewhere'] = h5py.ExternalLink(secret[1], '/')
        group['kernel:0'] = h5py.SoftLink('/elsewhere/data')
    _load_refused(_craft(tmp_path, through_external, 'soft_ext.h5'), list(secret), 'link')

    def inside(f, group):
        f['copy'] = np.ones((3, 4), 'float32')
        group['kernel:0'] = h5py.SoftLink('/copy')
    _load_refused(_craft(tmp_path, inside, 'soft_in.h5'), list(secret), 'SoftLink')


def test_virtual_dataset_is_refused(tmp_path, secret):
    def edit(f, group):
        layout = h5py.VirtualLayout(shape=(3, 4), dtype='float32')
        layout[:] = h5py.VirtualSource(secret[1], 'data', shape=(3, 4))
        group.create_virtual_dataset('kernel:0', layout)
    _load_refused(_craft(tmp_path, edit), list(secret), 'virtual dataset')


@pytest.mark.parametrize('dtype', [h5py.string_dtype(), 'complex64', np.dtype([('a', 'f4'), ('b', 'f4')])])
def test_non_numeric_weights_are_refused(tmp_path, secret, dtype):
    def edit(f, group):
        group.create_dataset('kernel:0', (3, 4), dtype=dtype)
    _load_refused(_craft(tmp_path, edit), [], 'weights are arrays of numbers')


def test_oversized_dataset_is_refused_without_reading(tmp_path):
    """A dataset declaring 800 MB that the file does not store: refused in milliseconds, no allocation."""
    def edit(f, group):
        group.create_dataset('kernel:0', (100000, 1000), dtype='float64', chunks=(1000, 1000))
    path = _craft(tmp_path, edit)
    assert os.path.getsize(path) < 64 * 1024
    tracemalloc.start()
    try:
        message = _load_refused(path, [], 'declares shape (100000, 1000)')
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024
    assert 'stores only' in message


def test_stored_weight_of_the_wrong_shape_is_not_read(tmp_path):
    """A real (stored) 2 MB array where the layer expects 12 values: refused before its data is read."""
    def edit(f, group):
        group['kernel:0'] = np.ones((500, 1000), 'float32')
    path = _craft(tmp_path, edit)
    reads = []
    original = h5py.Dataset.__getitem__

    def spy(self, key):
        reads.append(self.name)
        return original(self, key)

    h5py.Dataset.__getitem__ = spy
    try:
        message = _load_refused(path, [], 'Nothing was read', '(500, 1000)', '(3, 4)')
    finally:
        h5py.Dataset.__getitem__ = original
    assert not any(name.endswith('kernel:0') for name in reads), message


def test_oversized_config_is_refused_before_allocating(tmp_path):
    """units=300,000,000 in the config of a file storing 22 values: refused, nothing allocated."""
    path = str(tmp_path / 'huge.h5')
    _model().save(path)
    with h5py.File(path, 'a') as f:
        del f.attrs['minikeras_checksum']
        config = json.loads(f.attrs['model_config'])
        config['config']['layers'][0]['config']['units'] = 300000000
        f.attrs['model_config'] = json.dumps(config).encode('utf8')
    tracemalloc.start()
    try:
        with pytest.raises(InvalidFileError) as info:
            load_model(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert path in str(info.value) and 'Nothing was allocated' in str(info.value)
    assert peak < 50 * 1024 * 1024


class CountingInit(initializers.Initializer):
    calls = []

    def __call__(self, shape, dtype=None):
        CountingInit.calls.append(shape)
        return K.zeros(shape, dtype=dtype)


def test_loading_runs_no_initializer(tmp_path):
    a = Input(shape=(3,))
    model = Model(a, Dense(2, kernel_initializer=CountingInit(), name='d')(a))
    model.set_weights([np.ones((3, 2), 'float32'), np.ones(2, 'float32')])
    path = str(tmp_path / 'init.h5')
    model.save(path)
    del CountingInit.calls[:]
    loaded = load_model(path, custom_objects={'CountingInit': CountingInit})
    assert CountingInit.calls == []
    np.testing.assert_array_equal(loaded.get_weights()[0], model.get_weights()[0])


def _payload(marker):
    # Runs only when the layer is called: proves the bytecode was executed.
    return lambda x: (open(marker, 'w').close(), x)[1]


def test_bytecode_is_refused_through_every_entry_point(tmp_path):
    marker = str(tmp_path / 'pwned')
    a = Input(shape=(3,))
    with generic_utils.safe_mode_scope(False):
        model = Model(a, Lambda(_payload(marker), name='evil')(a))
    os.remove(marker)
    path = str(tmp_path / 'lambda.h5')
    model.save(path)
    config = {'class_name': 'Model', 'config': model.get_config()}
    layer_config = model.get_layer('evil').get_config()
    attempts = {
        'load_model': lambda: load_model(path),
        'model_from_json': lambda: model_from_json(model.to_json()),
        'model_from_config': lambda: model_from_config(config),
        'Lambda.from_config': lambda: Lambda.from_config(layer_config),
        'layers.deserialize': lambda: deserialize_layer({'class_name': 'Lambda', 'config': layer_config}),
        'Model.from_config': lambda: Model.from_config(model.get_config()),
    }
    try:
        import yaml  # noqa: F401  (optional: model_from_yaml needs PyYAML)
        attempts['model_from_yaml'] = lambda: model_from_yaml(json.dumps(config))
    except ImportError:
        pass
    for entry, attempt in attempts.items():
        with pytest.raises(UnsafeConfigError) as info:
            attempt()
        assert 'evil' in str(info.value) or entry == 'Model.from_config', entry
        assert 'safe_mode=False' in str(info.value), entry
        assert not os.path.exists(marker), entry
    # The opt-outs: per call, and the one global switch.
    load_model(path, safe_mode=False)
    assert os.path.exists(marker)
    os.remove(marker)
    Lambda.from_config(layer_config, safe_mode=False)
    model_from_json(model.to_json(), safe_mode=False)
    assert os.path.exists(marker)


def test_global_opt_out(monkeypatch, tmp_path):
    marker = str(tmp_path / 'ran')
    a = Input(shape=(3,))
    with generic_utils.safe_mode_scope(False):
        model = Model(a, Lambda(_payload(marker), name='trusted')(a))
    monkeypatch.setattr(generic_utils, '_UNSAFE_DESERIALIZATION_ENABLED', [False])
    with pytest.raises(UnsafeConfigError):
        model_from_json(model.to_json())
    generic_utils.enable_unsafe_deserialization()
    model_from_json(model.to_json())
    with pytest.raises(UnsafeConfigError):  # an explicit argument still wins
        model_from_json(model.to_json(), safe_mode=True)


@pytest.mark.parametrize('text', ['{"class_name": "Sequ', '[1, 2]', '{"class_name": "NoSuchLayer", "config": {}}',
                                  '{"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense"}]}}',
                                  '\udcff'])
def test_bad_model_config_is_one_error(tmp_path, text):
    path = str(tmp_path / 'badjson.h5')
    _model().save(path)
    with h5py.File(path, 'a') as f:
        del f.attrs['minikeras_checksum']
        f.attrs['model_config'] = text.encode('utf8', 'surrogateescape')
    with pytest.raises(InvalidFileError) as info:
        load_model(path)
    assert path in str(info.value)


@pytest.mark.parametrize('remove', ['model_weights', 'model_weights/hidden', 'model_weights/hidden/hidden/bias:0'])
def test_missing_parts_are_one_error(tmp_path, remove):
    path = str(tmp_path / 'missing.h5')
    _model().save(path)
    with h5py.File(path, 'a') as f:
        del f.attrs['minikeras_checksum']
        del f[remove]
    with pytest.raises(InvalidFileError) as info:
        load_model(path)
    assert path in str(info.value)


def test_flipped_bytes_in_a_minikeras_file_are_detected(tmp_path):
    path = str(tmp_path / 'm.h5')
    model = _model()
    model.save(path)
    data = bytearray(open(path, 'rb').read())
    # in the JSON config: a different but valid architecture
    config_at = data.index(b'"units": 4')
    changed = bytearray(data)
    changed[config_at + 9:config_at + 10] = b'5'
    bad = str(tmp_path / 'config_flip.h5')
    open(bad, 'wb').write(changed)
    with pytest.raises(InvalidFileError) as info:
        load_model(bad)
    assert 'checksum' in str(info.value) and bad in str(info.value)
    # in the data of a weight: Fletcher-32
    kernel = model.get_layer('hidden').get_weights()[0].tobytes()
    kernel_at = data.index(kernel)
    changed = bytearray(data)
    changed[kernel_at + 5] ^= 0x40
    bad = str(tmp_path / 'data_flip.h5')
    open(bad, 'wb').write(changed)
    with pytest.raises(InvalidFileError) as info:
        load_model(bad)
    assert bad in str(info.value)


def test_files_written_here_stay_plain_keras_hdf5(tmp_path):
    """Fletcher-32 and the checksum attribute are standard: plain h5py reads every weight unchanged."""
    path = str(tmp_path / 'm.h5')
    model = _model()
    model.train_on_batch(np.ones((2, 3), 'float32'), np.ones((2, 2), 'float32'))
    model.save(path)
    with h5py.File(path, 'r') as f:
        group = f['model_weights/hidden/hidden']
        assert group['kernel:0'].fletcher32
        np.testing.assert_array_equal(group['kernel:0'][()], model.get_layer('hidden').get_weights()[0])
        assert f['optimizer_weights'][[n for n in f['optimizer_weights'].attrs['weight_names']][0]].shape == ()
        assert len(f.attrs['minikeras_checksum']) == 64
        assert json.loads(f.attrs['model_config'])['class_name'] == 'Sequential'


def test_load_model_error_type_is_documented_compatible():
    assert issubclass(InvalidFileError, IOError) and issubclass(InvalidFileError, ValueError)
    assert saving.InvalidFileError is InvalidFileError
