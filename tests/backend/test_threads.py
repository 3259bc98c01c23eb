"""Thread configuration: cores from affinity and cgroup quota, the BLAS pool, the setting."""
import os
import subprocess
import sys

import pytest

from minikeras import backend as K
from minikeras.backend.kernels import threads


@pytest.fixture
def kernel_threads():
    """`set(n)`: sets n kernel threads and skips the test when the BLAS library
    does not report its thread count; the previous count is restored after."""
    before = K.get_num_threads()

    def set_threads(n):
        K.set_num_threads(n)
        if threads.blas_num_threads() is None:
            pytest.skip('the BLAS library does not report its thread count here')
    yield set_threads
    K.set_num_threads(before)


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


@pytest.mark.parametrize('files, expected', [
    ({'cpu.max': '150000 100000\n'}, 2),          # cgroup v2: 1.5 cores -> 2
    ({'cpu.max': 'max 100000\n'}, None),          # v2 unlimited
    ({'cpu/cpu.cfs_quota_us': '100000\n', 'cpu/cpu.cfs_period_us': '100000\n'}, 1),  # v1: one core
    ({'cpu/cpu.cfs_quota_us': '-1\n', 'cpu/cpu.cfs_period_us': '100000\n'}, None),   # v1 unlimited
    ({}, None),                                    # no cgroup files
])
def test_cgroup_cpu_limit(tmp_path, files, expected):
    for name, text in files.items():
        _write(str(tmp_path / name), text)
    assert threads._cgroup_cpu_limit(str(tmp_path)) == expected


def test_available_cores_respects_affinity_and_quota(monkeypatch):
    monkeypatch.setattr(os, 'sched_getaffinity', lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.setattr(threads, '_cgroup_cpu_limit', lambda root='/sys/fs/cgroup': 3)
    assert threads.available_cores() == 3
    monkeypatch.setattr(threads, '_cgroup_cpu_limit', lambda root='/sys/fs/cgroup': None)
    assert threads.available_cores() == 4


def test_set_num_threads_sets_the_blas_pool(kernel_threads):
    kernel_threads(1)
    assert K.get_num_threads() == 1
    assert threads.blas_num_threads() == 1


def test_blas_threads_limited_caps_the_pool_inside_the_block_only(kernel_threads):
    kernel_threads(2)
    with threads.blas_threads_limited(1):
        assert threads.blas_num_threads() == 1
        with threads.blas_threads_limited(4):  # never raises the count
            assert threads.blas_num_threads() == 1
    assert threads.blas_num_threads() == 2
    with pytest.raises(RuntimeError):
        with threads.blas_threads_limited(1):
            raise RuntimeError('restored on the way out')
    assert threads.blas_num_threads() == 2


@pytest.mark.parametrize('value', [0, -2, 1.5, '2', True])
def test_set_num_threads_rejects_bad_values(value):
    with pytest.raises(ValueError, match='positive integer'):
        K.set_num_threads(value)


def test_environment_variable_sets_and_validates_the_count():
    code = 'from minikeras import backend as K; print(K.get_num_threads())'
    env = dict(os.environ, MINIKERAS_NUM_THREADS='1')
    out = subprocess.run([sys.executable, '-c', code], env=env, stdout=subprocess.PIPE, universal_newlines=True)
    assert out.stdout.strip() == '1'
    env['MINIKERAS_NUM_THREADS'] = 'many'
    bad = subprocess.run([sys.executable, '-c', code], env=env, stderr=subprocess.PIPE, universal_newlines=True)
    assert bad.returncode != 0 and "MINIKERAS_NUM_THREADS must be a positive integer, got 'many'" in bad.stderr


def test_a_blas_thread_variable_set_by_the_user_is_kept():
    code = ('from minikeras import backend as K; from minikeras.backend.kernels import threads; '
            'print(K.get_num_threads(), threads.blas_num_threads())')
    env = {k: v for k, v in os.environ.items() if k not in ('MINIKERAS_NUM_THREADS', 'OMP_NUM_THREADS')}
    env['OPENBLAS_NUM_THREADS'] = '1'
    out = subprocess.run([sys.executable, '-c', code], env=env, stdout=subprocess.PIPE, universal_newlines=True)
    count, blas = out.stdout.split()
    assert count == '1' and blas in ('1', 'None')


_SPIN_CODE = '''import ctypes, numpy
numpy.ones((64, 64)) @ numpy.ones((64, 64))  # OpenBLAS loaded and its pool started before minikeras
from minikeras.backend.kernels import threads
libraries = [ctypes.CDLL(p) for p in threads._openblas_paths()]
timeouts = [lib.openblas_thread_timeout() for lib in libraries if hasattr(lib, 'openblas_thread_timeout')]
numpy.ones((256, 256)) @ numpy.ones((256, 256))  # the restarted pool still computes
print(timeouts or 'no-openblas')
'''


@pytest.mark.parametrize('user_value, expected', [(None, '[18]'), ('20', '[20]')])
def test_blas_idle_spin_is_shortened_unless_the_user_set_it(user_value, expected):
    env = {k: v for k, v in os.environ.items() if k != 'OPENBLAS_THREAD_TIMEOUT'}
    if user_value is not None:
        env['OPENBLAS_THREAD_TIMEOUT'] = user_value
    out = subprocess.run([sys.executable, '-c', _SPIN_CODE], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True)
    assert out.returncode == 0, out.stderr
    if out.stdout.strip() == 'no-openblas':
        pytest.skip('numpy is not linked to OpenBLAS here')
    assert out.stdout.strip() == expected


def test_parallel_for_runs_every_piece_once_across_threads():
    seen, names = [], set()
    import threading

    def work(i):
        seen.append(i)
        names.add(threading.current_thread().name)
    threads.parallel_for(10, work, threads=2)
    assert sorted(seen) == list(range(10))
    assert len(names) == 2  # the caller and one pool thread


@pytest.mark.parametrize('spread', ['parallel_for', 'parallel_drain'])
def test_one_thread_runs_the_pieces_inline_in_order(spread):
    seen = []
    getattr(threads, spread)(5, seen.append, threads=1)
    assert seen == [0, 1, 2, 3, 4]


def test_parallel_for_nested_call_runs_inline():
    inner = []

    def outer(i):
        threads.parallel_for(3, lambda j: inner.append((i, j)), threads=2)
    threads.parallel_for(2, outer, threads=2)
    assert sorted(inner) == [(i, j) for i in range(2) for j in range(3)]


def _failing_at_piece_3(seen):
    """A piece function that records each index in `seen` and fails on piece 3."""
    def work(i):
        seen.append(i)
        if i == 3:
            raise ArithmeticError('piece 3')
    return work


def test_parallel_for_raises_a_piece_error_after_every_share_stopped():
    seen = []
    with pytest.raises(ArithmeticError, match='piece 3'):
        threads.parallel_for(6, _failing_at_piece_3(seen), threads=2)
    assert sorted(seen) == [0, 1, 2, 3]  # the first share ran to its end; the second stopped at the error


def test_parallel_drain_runs_every_piece_once_across_threads():
    import threading
    import time
    seen, names = [], set()

    def work(i):
        time.sleep(0.002)  # long enough for the pool thread to start and take pieces
        seen.append(i)
        names.add(threading.current_thread().name)
    threads.parallel_drain(20, work, threads=2)
    assert sorted(seen) == list(range(20))
    assert len(names) == 2


def test_parallel_drain_raises_a_piece_error_and_runs_the_other_pieces():
    seen = []
    with pytest.raises(ArithmeticError, match='piece 3'):
        threads.parallel_drain(8, _failing_at_piece_3(seen), threads=2)
    assert 3 in seen and len(seen) == len(set(seen))


def test_blas_threads_limited_restores_only_when_the_last_caller_leaves(kernel_threads):
    kernel_threads(2)
    with threads.blas_threads_limited(1):
        with threads.blas_threads_limited(1):
            assert threads.blas_num_threads() == 1
        assert threads.blas_num_threads() == 1  # the outer caller is still inside
    assert threads.blas_num_threads() == 2
