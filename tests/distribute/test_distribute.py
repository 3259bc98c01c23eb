"""minikeras.distribute: the single-process API, sharding, the collective op, and
(when the `[mpi]` extra is installed) real 2-process runs under mpirun compared
with one process training on the combined batches."""
import json
import os
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pytest

import minikeras.distribute as hvd
from minikeras import backend as K
from minikeras.backend.ops.collective import CrossProcessMean
from minikeras.models import load_model
from minikeras.utils.data_utils import Sequence

from parallel_case import build_model, initial_weights, make_data, make_optimizer

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def _has_mpi4py():
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return False
    return True


def _mpirun():
    return shutil.which('mpirun', path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''))


needs_mpi4py = pytest.mark.skipif(not _has_mpi4py(), reason="the [mpi] extra (mpi4py) is not installed")
needs_mpirun = pytest.mark.skipif(not (_has_mpi4py() and _mpirun()),
                                  reason="the [mpi] extra (mpi4py and an MPI library with mpirun) is not installed")


# -- without MPI ----------------------------------------------------------------------------------
def test_init_without_mpi4py_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, 'mpi4py', None)
    with pytest.raises(ImportError, match=r"minikeras\[mpi\]"):
        hvd.init()


def test_functions_before_init_say_so(monkeypatch):
    monkeypatch.setattr(hvd.runtime._state, 'comm', None)
    assert not hvd.is_initialized() and hvd.is_chief()
    with pytest.raises(ValueError, match='init'):
        hvd.rank()


def test_shard_indices_partition_each_global_batch():
    parts = [hvd.shard_indices(24, 4, rank=r, size=3) for r in range(3)]
    assert [len(p) for p in parts] == [8, 8, 8]
    np.testing.assert_array_equal(parts[1][:4], [4, 5, 6, 7])  # slice 1 of global batch 0
    np.testing.assert_array_equal(parts[1][4:], [16, 17, 18, 19])
    np.testing.assert_array_equal(np.sort(np.concatenate(parts)), np.arange(24))


def test_shard_indices_shuffle_is_shared_and_changes_per_epoch():
    a = [hvd.shard_indices(20, 5, seed=3, epoch=0, rank=r, size=2) for r in range(2)]
    b = hvd.shard_indices(20, 5, seed=3, epoch=1, rank=0, size=2)
    np.testing.assert_array_equal(np.sort(np.concatenate(a)), np.arange(20))
    assert not np.array_equal(a[0], b)
    np.testing.assert_array_equal(a[0], hvd.shard_indices(20, 5, seed=3, epoch=0, rank=0, size=2))


def test_shard_indices_uneven_tail_splits_evenly_or_warns():
    parts = [hvd.shard_indices(22, 4, rank=r, size=2) for r in range(2)]  # tail of 6 rows: 3 each
    assert [len(p) for p in parts] == [11, 11]
    np.testing.assert_array_equal(np.sort(np.concatenate(parts)), np.arange(22))
    with pytest.warns(UserWarning, match='1 of 9 samples left out'):
        hvd.shard_indices(9, 4, rank=0, size=2)


@pytest.mark.parametrize('kwargs, message', [({'num_samples': 0, 'batch_size': 2}, 'num_samples'),
                                             ({'num_samples': 10, 'batch_size': 2.5}, 'batch_size'),
                                             ({'num_samples': 10, 'batch_size': 2, 'rank': 2, 'size': 2}, 'rank')])
def test_shard_indices_bad_arguments(kwargs, message):
    kwargs.setdefault('rank', 0)
    kwargs.setdefault('size', 2)
    with pytest.raises(ValueError, match=message):
        hvd.shard_indices(**kwargs)


class _Batches(Sequence):
    def __init__(self, n):
        self.n, self.epochs = n, 0

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i

    def on_epoch_end(self):
        self.epochs += 1


def test_sharded_sequence_and_generator():
    seq = _Batches(7)
    with pytest.warns(UserWarning, match='1 of 7 batches'):
        part = hvd.ShardedSequence(seq, rank=1, size=2)
    assert len(part) == 3 and [part[i] for i in range(3)] == [1, 3, 5]
    with pytest.raises(IndexError):
        part[3]
    part.on_epoch_end()
    assert seq.epochs == 1
    assert list(hvd.shard_generator(iter(range(7)), rank=0, size=3)) == [0, 3, 6]
    with pytest.raises(TypeError, match='Sequence'):
        hvd.ShardedSequence([1, 2])


class _TwoProcessMean(object):
    """A stand-in communicator: the other process holds `scale` times this one's values."""

    def __init__(self, scale):
        self.scale = scale

    def mean(self, array):
        return (array + self.scale * array) / 2.0


def test_cross_process_mean_op_value_and_gradient():
    x = K.placeholder(shape=(2, 3), dtype='float64')
    y = K.cross_process_mean(x, _TwoProcessMean(3.0))
    value = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(K.function([x], [y])([value])[0], 2.0 * value)
    # the map is linear: its vector-Jacobian product is the cross-process mean of the cotangent
    w = np.linspace(0.5, 1.5, 6).reshape(2, 3)
    grad = K.gradients(K.sum(y * K.constant(w, dtype='float64')), [x])[0]
    np.testing.assert_allclose(K.function([x], [grad])([value])[0], 2.0 * w)
    assert isinstance(y.owner.op, CrossProcessMean)


@needs_mpi4py
def test_single_process_api_and_distributed_optimizer_is_plain():
    hvd.init()
    assert (hvd.rank(), hvd.size(), hvd.local_rank(), hvd.local_size()) == (0, 1, 0, 1)
    assert hvd.is_initialized() and hvd.is_chief()
    np.testing.assert_allclose(hvd.allreduce(np.array([1.0, 3.0])), [1.0, 3.0])
    assert hvd.allreduce(2.0).shape == ()
    np.testing.assert_array_equal(hvd.allgather(np.array([[1, 2]])), [[1, 2]])
    np.testing.assert_array_equal(hvd.broadcast(np.arange(3), root_rank=0), np.arange(3))
    with pytest.raises(ValueError, match='root_rank'):
        hvd.broadcast(1.0, root_rank=1)
    with pytest.raises(TypeError, match='optimizer instance'):
        hvd.DistributedOptimizer('adam')
    x, y = make_data('mlp', 32)
    results = []
    for distributed in (False, True):
        K.clear_session()
        model = build_model('mlp')
        model.set_weights(initial_weights(model, seed=0))
        optimizer = make_optimizer('adam')
        model.compile(hvd.DistributedOptimizer(optimizer) if distributed else optimizer, 'categorical_crossentropy')
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        results.append(model.get_weights())
        assert type(model.optimizer).__name__ == 'Adam'
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-6)


# -- mpirun -np 2 -----------------------------------------------------------------------------------
def _launch(config, tmp_path, timeout=180):
    config_path = tmp_path / 'config.json'
    config_path.write_text(json.dumps(config))
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT='1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM='1',
               OPENBLAS_NUM_THREADS='1', OMP_NUM_THREADS='1',
               PYTHONPATH=os.pathsep.join([REPO] + [p for p in [os.environ.get('PYTHONPATH')] if p]))
    cmd = [_mpirun(), '--oversubscribe', '-np', '2', sys.executable, os.path.join(HERE, 'mpi_worker.py'),
           str(config_path)]
    return subprocess.run(cmd, env=env, timeout=timeout, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)


def _single_process(kind, optimizer, steps, batch_size, model=None):
    """One process on the combined batches (2 * batch_size rows each, same order)."""
    if model is None:
        model = build_model(kind)
        model.set_weights(initial_weights(model, seed=0))
        model.compile(make_optimizer(optimizer), 'categorical_crossentropy', metrics=['accuracy'])
    x, y = make_data(kind, steps * batch_size * 2)
    history = model.fit(x, y, batch_size=2 * batch_size, epochs=1, shuffle=False, verbose=0)
    return model, history


def _rank_results(out):
    return [dict(np.load(os.path.join(out, 'rank%d.npz' % r))) for r in range(2)]


@pytest.mark.slow
@needs_mpirun
@pytest.mark.parametrize('kind', ['mlp', 'cnn'])
@pytest.mark.parametrize('optimizer', ['sgd_momentum', 'adam'])
def test_two_processes_match_one_process_on_the_combined_batch(tmp_path, kind, optimizer):
    steps, batch_size = 6, 4
    proc = _launch({'mode': 'train', 'model': kind, 'optimizer': optimizer, 'steps': steps,
                    'batch_size': batch_size, 'out': str(tmp_path)}, tmp_path)
    assert proc.returncode == 0, proc.stdout
    ranks = _rank_results(str(tmp_path))
    reference, history = _single_process(kind, optimizer, steps, batch_size)
    for i, expected in enumerate(reference.get_weights()):
        np.testing.assert_array_equal(ranks[0]['w%d' % i], ranks[1]['w%d' % i])
        np.testing.assert_allclose(ranks[0]['w%d' % i], expected, rtol=2e-5, atol=2e-6)
    # MetricAverageCallback: both ranks log the mean of their epoch losses, which is the
    # single process's epoch loss on the combined batches.
    np.testing.assert_array_equal(ranks[0]['history_loss'], ranks[1]['history_loss'])
    np.testing.assert_allclose(ranks[0]['history_loss'], history.history['loss'], rtol=1e-5)
    # Rank 0 alone prints the progress bar and writes the checkpoint.
    assert proc.stdout.count('Epoch 1/1') == 1, proc.stdout
    assert (tmp_path / 'checkpoint-rank0.h5').exists()
    assert not (tmp_path / 'checkpoint-rank1.h5').exists()


@pytest.mark.slow
@needs_mpirun
def test_checkpoints_move_between_one_and_two_processes(tmp_path):
    steps, batch_size = 4, 4
    # One process trains, saves, and goes on: the reference.
    model, _ = _single_process('mlp', 'adam', steps, batch_size)
    saved = str(tmp_path / 'single.h5')
    model.save(saved)
    expected, _ = _single_process('mlp', 'adam', steps, batch_size, model=model)
    # Two processes resume from the single-process file (optimizer state included).
    out = tmp_path / 'resumed'
    out.mkdir()
    proc = _launch({'mode': 'resume', 'model': 'mlp', 'checkpoint': saved, 'steps': steps,
                    'batch_size': batch_size, 'out': str(out)}, tmp_path)
    assert proc.returncode == 0, proc.stdout
    ranks = _rank_results(str(out))
    for i, w in enumerate(expected.get_weights()):
        np.testing.assert_allclose(ranks[1]['w%d' % i], w, rtol=2e-5, atol=2e-6)
    # The checkpoint rank 0 wrote loads here, as a plain Adam, and training resumes.
    K.clear_session()
    resumed = load_model(str(out / 'checkpoint-rank0.h5'))
    assert type(resumed.optimizer).__name__ == 'Adam'
    for i, w in enumerate(resumed.get_weights()):
        np.testing.assert_allclose(w, ranks[0]['w%d' % i])
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        _single_process('mlp', 'adam', 1, batch_size, model=resumed)


@pytest.mark.slow
@needs_mpirun
def test_a_failing_rank_ends_every_rank(tmp_path):
    proc = _launch({'mode': 'fail', 'out': str(tmp_path)}, tmp_path, timeout=120)
    assert proc.returncode != 0
    assert 'rank 1 of 2 raised' in proc.stdout and 'deliberate failure on rank 1' in proc.stdout


class _FakeOptimizer(object):
    def __init__(self, lr, momentum):
        self.lr = K.variable(lr)
        self.momentum = K.variable(momentum)


class _FakeModel(object):
    def __init__(self):
        self.optimizer = _FakeOptimizer(0.4, 0.9)


def test_learning_rate_warmup_ramps_from_lr_over_size_and_corrects_momentum(monkeypatch):
    monkeypatch.setattr(hvd.runtime, 'size', lambda: 4)
    callback = hvd.LearningRateWarmupCallback(warmup_epochs=2, steps_per_epoch=10)
    callback.set_model(_FakeModel())
    callback.set_params({'steps': None, 'samples': None, 'batch_size': None})
    callback.on_train_begin()
    lrs, momenta = [], []
    for epoch in range(3):
        callback.on_epoch_begin(epoch)
        for batch in range(10):
            callback.on_batch_begin(batch)
            lrs.append(float(K.get_value(callback.model.optimizer.lr)))
            momenta.append(float(K.get_value(callback.model.optimizer.momentum)))
            callback.on_batch_end(batch)
        callback.on_epoch_end(epoch)
        callback.on_train_begin()  # a later fit() must keep the original target rate
    np.testing.assert_allclose(lrs[0], 0.1, rtol=1e-6)  # lr / size
    np.testing.assert_allclose(lrs[10], 0.4 * (1 * 3 / 2.0 + 1) / 4, rtol=1e-6)
    np.testing.assert_allclose(lrs[20:], 0.4, rtol=1e-6)
    assert all(a <= b + 1e-9 for a, b in zip(lrs, lrs[1:]))
    np.testing.assert_allclose(momenta[1], 0.9 * lrs[1] / lrs[0], rtol=1e-5)  # one corrected step
    np.testing.assert_allclose(float(K.get_value(callback.model.optimizer.momentum)), 0.9, rtol=1e-6)
    with pytest.raises(ValueError, match='warmup_epochs'):
        hvd.LearningRateWarmupCallback(warmup_epochs=0)
