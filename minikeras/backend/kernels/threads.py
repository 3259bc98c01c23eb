"""How many threads the numeric kernels use, and the BLAS library's share of them.

minikeras computes with numpy, whose matrix products run in a BLAS library
(OpenBLAS in numpy's wheels) with a thread pool of its own. By default that
pool has one thread per *visible* core, which oversubscribes a container whose
CPU quota is smaller than the host, or a process pinned to a few cores. This
module counts the cores the process may really use (its CPU affinity, bounded
by the cgroup CPU quota) and sets the BLAS pool to that many threads when
minikeras is imported, unless the user already sized it with the BLAS
library's own variable (`OPENBLAS_NUM_THREADS`, `OMP_NUM_THREADS`, ...).
`set_num_threads(n)` (exposed as `K.set_num_threads`) or the
`MINIKERAS_NUM_THREADS` environment variable choose another count; 1 is best
when several processes share the machine (tests, MPI ranks).

The BLAS pool is reached through `threadpoolctl` when it is installed, and
otherwise, on Linux, by calling OpenBLAS's `*_set_num_threads` entry point in
the library numpy has loaded (found in `/proc/self/maps`).

OpenBLAS' idle worker threads spin for about 2^28 cycles (a tenth of a second)
after each product before they sleep. During a training step that is always:
the spinning worker holds the second core while minikeras' own threads (and
numpy's elementwise passes on it) need it, which measured a two-thread Adam
update at the speed of a one-thread one. At import minikeras therefore sets
OpenBLAS' `OPENBLAS_THREAD_TIMEOUT` to 18 (2^18 cycles, about 0.1 ms) and
restarts the pool, unless the user set that variable: long enough that the
worker is still awake for the next product of a forward pass (inference
keeps its speed), short enough that it is asleep when the optimizer's
elementwise work starts. (The minimum, 4, measured the same for training but
up to 10% slower inference at batch 16.)

`parallel_for(count, work)` spreads independent pieces of numpy work over the
same number of threads (a persistent pool plus the calling thread): numpy
releases the GIL inside its loops, so chunks of one large elementwise or copy
operation run on all cores. Callers keep pieces large (tens of microseconds
each) and call it only for large operations; with one thread it is a plain loop.
"""
import contextlib
import ctypes
import itertools
import math
import os
import threading

_ENV = 'MINIKERAS_NUM_THREADS'
#: the thread-count variables of the BLAS / OpenMP libraries, which a user may have set already
_BLAS_ENV = ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'BLIS_NUM_THREADS')
_OPENBLAS_SETTERS = ('openblas_set_num_threads', 'openblas_set_num_threads64_',
                     'scipy_openblas_set_num_threads', 'scipy_openblas_set_num_threads64_')
_OPENBLAS_GETTERS = ('openblas_get_num_threads', 'openblas_get_num_threads64_',
                     'scipy_openblas_get_num_threads', 'scipy_openblas_get_num_threads64_')
#: OpenBLAS' variable for how long (2^n cycles) an idle worker spins before sleeping, and minikeras' value
_BLAS_SPIN_ENV = 'OPENBLAS_THREAD_TIMEOUT'
BLAS_SPIN_LOG2_CYCLES = 18
_state = {'num_threads': None, 'spin_set': False}
_pool = {'executor': None, 'size': 0, 'pid': None}
_inside_pool = threading.local()


def _cgroup_cpu_limit(root='/sys/fs/cgroup'):
    """The CPU quota of this process's cgroup in cores (rounded up), or None when unlimited.

    Reads cgroup v2 (`cpu.max`: "QUOTA PERIOD" or "max PERIOD") or v1
    (`cpu/cpu.cfs_quota_us`, -1 when unlimited, and `cpu/cpu.cfs_period_us`).
    """
    try:
        with open(os.path.join(root, 'cpu.max')) as f:
            quota, period = f.read().split()[:2]
        if quota != 'max':
            return max(1, int(math.ceil(float(quota) / float(period))))
        return None
    except (OSError, ValueError):
        pass
    try:
        with open(os.path.join(root, 'cpu', 'cpu.cfs_quota_us')) as f:
            quota = int(f.read().strip())
        with open(os.path.join(root, 'cpu', 'cpu.cfs_period_us')) as f:
            period = int(f.read().strip())
        if quota > 0 and period > 0:
            return max(1, int(math.ceil(quota / float(period))))
    except (OSError, ValueError):
        pass
    return None


def available_cores():
    """The cores this process may use: its CPU affinity, bounded by the cgroup CPU quota."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    limit = _cgroup_cpu_limit()
    return max(1, min(cores, limit) if limit else cores)


def _openblas_paths():
    """The files of the OpenBLAS libraries loaded in this process (Linux; empty elsewhere)."""
    try:
        with open('/proc/self/maps') as f:
            return sorted({line.split()[-1] for line in f if 'openblas' in line.lower() and '/' in line})
    except OSError:
        return []


def _openblas_functions():
    """(setter, getter) ctypes functions of each OpenBLAS library loaded in this process (Linux)."""
    found = []
    for path in _openblas_paths():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        setter = next((getattr(library, name) for name in _OPENBLAS_SETTERS if hasattr(library, name)), None)
        getter = next((getattr(library, name) for name in _OPENBLAS_GETTERS if hasattr(library, name)), None)
        if setter is not None:
            found.append((setter, getter))
    return found


def _set_blas_threads(n):
    try:
        import threadpoolctl
    except ImportError:
        threadpoolctl = None
    if threadpoolctl is not None:
        threadpoolctl.threadpool_limits(limits=n, user_api='blas')
        return
    for setter, _ in _openblas_functions():
        setter(ctypes.c_int(n))


def shorten_blas_spin():
    """Makes OpenBLAS' idle workers sleep after about 0.1 ms instead of 0.1 s
    of spinning (see the module docs); leaves a user's own
    `OPENBLAS_THREAD_TIMEOUT` alone.

    The variable is set for libraries loaded later; each OpenBLAS already loaded
    re-reads its environment and restarts its pool (`openblas_read_env`,
    `blas_thread_shutdown_`; the next product starts the workers again). Call
    it while no other thread is inside BLAS (minikeras does, at import).

    Returns:
        True when minikeras' value is in effect.
    """
    if _BLAS_SPIN_ENV in os.environ and not _state['spin_set']:
        return False
    os.environ[_BLAS_SPIN_ENV] = str(BLAS_SPIN_LOG2_CYCLES)
    _state['spin_set'] = True
    for path in _openblas_paths():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        if hasattr(library, 'openblas_read_env') and hasattr(library, 'blas_thread_shutdown_'):
            library.openblas_read_env()
            library.blas_thread_shutdown_()
    return True


def blas_num_threads():
    """The BLAS pool's thread count, or None when it cannot be read."""
    try:
        import threadpoolctl
        counts = [info['num_threads'] for info in threadpoolctl.threadpool_info() if info['user_api'] == 'blas']
        return counts[0] if counts else None
    except ImportError:
        pass
    for _, getter in _openblas_functions():
        if getter is not None:
            return int(getter())
    return None


def set_num_threads(n):
    """Sets the threads minikeras' kernels may use (the BLAS pool included).

    Args:
        n: a positive integer.

    Raises:
        ValueError: `n` is not a positive integer.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError('set_num_threads: expected a positive integer, got %r' % (n,))
    _state['num_threads'] = n
    _set_blas_threads(n)


def get_num_threads():
    """The thread count set by `set_num_threads` or chosen at import."""
    return _state['num_threads']


def configure_from_environment():
    """At import: `MINIKERAS_NUM_THREADS` if set; else the BLAS library's own
    variable when the user set one (`OPENBLAS_NUM_THREADS`, `OMP_NUM_THREADS`,
    ...: the pool already has that size and is left alone); else the
    available cores.

    Raises:
        ValueError: `MINIKERAS_NUM_THREADS` is not a positive integer.
    """
    value = os.environ.get(_ENV)
    if value is not None and value.strip():
        try:
            n = int(value)
        except ValueError:
            n = 0
        if n < 1:
            raise ValueError('%s must be a positive integer, got %r' % (_ENV, value))
        set_num_threads(n)
        return
    for name in _BLAS_ENV:
        try:
            n = int(os.environ.get(name, ''))
        except ValueError:
            continue
        if n >= 1:
            _state['num_threads'] = n
            return
    set_num_threads(available_cores())


def _executor(workers):
    """The persistent pool of `workers` threads (made again after a fork or a size change)."""
    from concurrent.futures import ThreadPoolExecutor
    if _pool['executor'] is None or _pool['size'] != workers or _pool['pid'] != os.getpid():
        if _pool['executor'] is not None and _pool['pid'] == os.getpid():
            _pool['executor'].shutdown(wait=False)
        _pool.update(executor=ThreadPoolExecutor(workers, thread_name_prefix='minikeras-kernel'),
                     size=workers, pid=os.getpid())
    return _pool['executor']


def _run_share(work, indices):
    _inside_pool.active = True
    try:
        for i in indices:
            work(i)
    finally:
        _inside_pool.active = False


def _run_shares(work, shares, cancel_unstarted=False):
    """Runs `work` on every index of `shares[0]` on the calling thread and on the
    other shares in the pool, one share per thread.

    Pool shares that have not started when the caller's share is done are
    dropped when `cancel_unstarted` is set (their work is then left to others).

    Raises:
        The first exception a share raised, once every started share has
        finished (they may use the same buffers).
    """
    futures = [_executor(len(shares) - 1).submit(_run_share, work, share) for share in shares[1:]]
    error = None
    try:
        _run_share(work, shares[0])
    except BaseException as e:
        error = e
    for future in futures:
        if cancel_unstarted and future.cancel():
            continue
        try:
            future.result()
        except BaseException as e:
            error = error or e
    if error is not None:
        raise error


def parallel_for(count, work, threads=None):
    """Calls `work(i)` for every i in `range(count)`, spread over the kernel threads.

    The indices are split into one contiguous share per thread; the calling
    thread runs the first share itself. Calls made from inside a share run
    inline (no nested parallelism), and so does everything when one thread is
    configured or `count` is 1.

    Args:
        count: number of independent pieces.
        work: a function of the piece index; pieces must not write to the same
            memory. Its return value is ignored.
        threads: at most this many threads (default: `get_num_threads()`).

    Raises:
        The first exception a piece raised, after every share has finished.
    """
    n = min(count, threads or get_num_threads() or 1)
    if n <= 1 or getattr(_inside_pool, 'active', False):
        for i in range(count):
            work(i)
        return
    bounds = [count * k // n for k in range(n + 1)]
    _run_shares(work, [range(bounds[k], bounds[k + 1]) for k in range(n)])


def parallel_drain(count, work, threads=None):
    """Calls `work(i)` for every i in `range(count)`; each thread takes the next index not yet taken.

    Unlike `parallel_for`'s fixed shares, a thread that starts late or runs on
    a busy core simply takes fewer pieces, and pool threads that have not
    started by the time the pieces run out are cancelled instead of awaited
    (on a loaded machine the calling thread does not wait for a core to free
    up). Pieces must not write to the same memory; nested calls run inline.

    Args:
        count: number of independent pieces.
        work: a function of the piece index; its return value is ignored.
        threads: at most this many threads (default: `get_num_threads()`).

    Raises:
        The first exception a piece raised, after every started thread has finished.
    """
    n = min(count, threads or get_num_threads() or 1)
    if n <= 1 or getattr(_inside_pool, 'active', False):
        for i in range(count):
            work(i)
        return
    taken = itertools.count()  # next() on it is atomic: each index goes to exactly one thread

    def drain(_):
        i = next(taken)
        while i < count:
            work(i)
            i = next(taken)
    _run_shares(drain, [(k,) for k in range(n)], cancel_unstarted=True)


_blas_handles = {}
#: callers inside `blas_threads_limited` and the BLAS thread counts to restore when the last one leaves
_blas_limit = {'lock': threading.Lock(), 'depth': 0, 'previous': None}


def _cached_openblas_functions():
    """`_openblas_functions()` found once per process (the loaded libraries do not change)."""
    if 'functions' not in _blas_handles:
        _blas_handles['functions'] = _openblas_functions()
    return _blas_handles['functions']


@contextlib.contextmanager
def blas_threads_limited(n):
    """Within the block the BLAS pool uses at most `n` threads.

    For matrix products called from several threads at once (`parallel_for`
    pieces, each computing on its own core): a multi-threaded BLAS would
    serialize the pieces' calls or oversubscribe the cores. OpenBLAS is
    reached through its own entry points (found once and cached;
    threadpoolctl's limits inspect every loaded library at each call, too slow
    for a per-op switch), else through threadpoolctl when installed; otherwise
    the block runs unchanged. Blocks entered from several threads at once
    share one limit, and the previous counts come back when the last one exits.
    """
    functions = [(setter, getter) for setter, getter in _cached_openblas_functions() if getter is not None]
    if not functions:
        try:
            import threadpoolctl
        except ImportError:
            yield
            return
        with threadpoolctl.threadpool_limits(limits=n, user_api='blas'):
            yield
        return
    with _blas_limit['lock']:
        if _blas_limit['depth'] == 0:
            _blas_limit['previous'] = [int(getter()) for _, getter in functions]
            for (setter, _), count in zip(functions, _blas_limit['previous']):
                if count > n:
                    setter(ctypes.c_int(n))
        _blas_limit['depth'] += 1
    try:
        yield
    finally:
        with _blas_limit['lock']:
            _blas_limit['depth'] -= 1
            if _blas_limit['depth'] == 0:
                for (setter, _), count in zip(functions, _blas_limit['previous']):
                    if count > n:
                        setter(ctypes.c_int(count))
