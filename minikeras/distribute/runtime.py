"""The process group of a data-parallel run: MPI through mpi4py.

`init()` joins the processes `mpirun` started (or, without `mpirun`, makes a
group of one), and every other function of `minikeras.distribute` works on
that group. mpi4py is imported only here and only by `init()`, so the rest of
minikeras never needs it. The collective helpers take and return numpy
values; every process must call them in the same order.
"""
import os
import sys
import traceback

import numpy as np

_EXTRA_HINT = ("minikeras.distribute needs MPI: install the extra with `pip install 'minikeras[mpi]'` "
               "(mpi4py and an MPI library wheel), then launch with `mpirun -np N python script.py`.")


class _State(object):
    comm = None
    local_comm = None
    quiet_workers = True
    previous_excepthook = None


_state = _State()


def _mpi():
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise ImportError('%s (import failed: %s)' % (_EXTRA_HINT, e))
    return MPI


def init(quiet_workers=True, abort_on_error=True):
    """Joins the MPI process group (idempotent).

    Args:
        quiet_workers: when True, only rank 0 prints progress bars and writes
            `ModelCheckpoint`, `CSVLogger` and `TensorBoard` files; the other
            ranks train silently. False lets every rank do both.
        abort_on_error: when True, an exception that reaches the top of any
            rank prints which rank failed and aborts every process of the
            run, so no rank waits forever in a collective call.

    Raises:
        ImportError: mpi4py (the `[mpi]` extra) is not installed.
    """
    MPI = _mpi()
    if _state.comm is None:
        _state.comm = MPI.COMM_WORLD
        _state.local_comm = _state.comm.Split_type(MPI.COMM_TYPE_SHARED, key=_state.comm.rank)
    _state.quiet_workers = bool(quiet_workers)
    if abort_on_error and _state.previous_excepthook is None and _state.comm.size > 1:
        _state.previous_excepthook = sys.excepthook
        sys.excepthook = _abort_all_ranks


def _abort_all_ranks(exc_type, exc_value, exc_traceback):
    """`sys.excepthook` of an MPI run: report the failing rank, then end every process."""
    text = ''.join(traceback.format_exception(exc_type, exc_value, exc_traceback))
    sys.stderr.write('minikeras.distribute: rank %d of %d raised an exception; aborting all processes.\n%s'
                     % (rank(), size(), text))
    sys.stderr.flush()
    _state.comm.Abort(1)


def is_initialized():
    """Whether `init()` has been called in this process."""
    return _state.comm is not None


def _comm():
    if _state.comm is None:
        raise ValueError('minikeras.distribute is not initialized: call minikeras.distribute.init() first')
    return _state.comm


def rank():
    """This process's index in the group, 0 .. size() - 1."""
    return _comm().rank


def size():
    """The number of processes in the group."""
    return _comm().size


def local_rank():
    """This process's index among the processes on its own host."""
    _comm()
    return _state.local_comm.rank


def local_size():
    """The number of processes on this process's host."""
    _comm()
    return _state.local_comm.size


def is_chief():
    """True on the process that prints and writes files: rank 0, any process
    outside an MPI run, and every process when `init(quiet_workers=False)`."""
    return _state.comm is None or not _state.quiet_workers or _state.comm.rank == 0


def _as_array(value, name):
    array = np.asarray(value)
    if array.dtype == object:
        raise TypeError('%s: expected a numeric array or number, got %s' % (name, type(value).__name__))
    return np.array(array, order="C", copy=True) if not array.flags.c_contiguous else array


def allreduce(value, average=True):
    """The elementwise sum (or mean, with `average=True`) of `value` over all processes.

    Args:
        value: a number or numeric array with the same shape and dtype on every process.
        average: divide the sum by `size()`.

    Returns:
        A numpy array (float for the mean of an integer input).
    """
    MPI = _mpi()
    array = _as_array(value, 'allreduce')
    result = np.empty_like(array)
    _comm().Allreduce(array, result, op=MPI.SUM)
    if average:
        result = result / size() if result.dtype.kind in 'iub' else result / np.asarray(size(), result.dtype)
    return result


def allgather(value):
    """Concatenates every process's `value` along the first axis, in rank order.

    Arrays may differ in their first dimension (the other dimensions must match);
    a scalar counts as an array of one element.
    """
    array = _as_array(value, 'allgather')
    if array.ndim == 0:
        array = array.reshape(1)
    parts = _comm().allgather(array)
    return np.concatenate(parts, axis=0)


def broadcast(value, root_rank=0):
    """`value` as given on `root_rank`, returned on every process (same shape and dtype everywhere)."""
    array = _as_array(value, 'broadcast').copy()
    _comm().Bcast(array, root=_check_root(root_rank))
    return array


def _check_root(root_rank):
    if not isinstance(root_rank, (int, np.integer)) or not 0 <= root_rank < size():
        raise ValueError('root_rank must be an integer in [0, %d), got %r' % (size(), root_rank))
    return int(root_rank)


def barrier():
    """Waits until every process has reached this call."""
    _comm().Barrier()


class MeanCommunicator(object):
    """What the graph's `K.cross_process_mean` calls: the mean of one buffer over all processes.

    Args:
        compression: None, or 'fp16' to send float16 values (half the bytes;
            the sum is accumulated in float32 and rounded once per process).
    """

    def __init__(self, compression=None):
        if compression not in (None, 'fp16'):
            raise ValueError("compression must be None or 'fp16', got %r" % (compression,))
        self.compression = compression
        self._fp16_sum = None

    def mean(self, array):
        comm = _comm()
        if comm.size == 1:
            return array.copy()
        MPI = _mpi()
        array = np.ascontiguousarray(array)
        if self.compression == 'fp16' and array.dtype.kind == 'f':
            if self._fp16_sum is None:
                self._fp16_sum = MPI.Op.Create(_sum_float16, commute=True)
            half = array.astype(np.float16)
            total = np.empty_like(half)
            comm.Allreduce([half, MPI.UINT16_T], [total, MPI.UINT16_T], op=self._fp16_sum)
            return (total.astype(array.dtype) / np.asarray(comm.size, array.dtype))
        total = np.empty_like(array)
        comm.Allreduce(array, total, op=MPI.SUM)
        total /= np.asarray(comm.size, array.dtype)
        return total


def _sum_float16(inbuf, inoutbuf, datatype):
    """MPI reduction of float16 buffers sent as raw 16-bit words."""
    a = np.frombuffer(inbuf, dtype=np.float16)
    b = np.frombuffer(inoutbuf, dtype=np.float16)
    b[:] = (a.astype(np.float32) + b.astype(np.float32)).astype(np.float16)


def environment_summary():
    """One line naming the MPI library, for logs and benchmarks."""
    MPI = _mpi()
    return '%s; %d process(es); host %s' % (MPI.Get_library_version().splitlines()[0].strip(), size(),
                                            os.uname()[1])
