"""`Sequence` and the enqueuers that feed batches from worker threads or processes.

`get_file`, `validate_file`, `_hash_file` and `_extract_archive` live in
`downloads` and are re-exported here, where Keras 2 has them.

`OrderedEnqueuer` runs `Sequence.__getitem__` in a pool of `workers` threads
(or processes with `use_multiprocessing=True`) and yields batches in order,
epoch after epoch (calling `on_epoch_end` between epochs). `GeneratorEnqueuer`
draws from a Python generator in `workers` threads (sharing it under a lock)
or processes (each with its own copy of the generator, so batches may repeat).
"""
import itertools
import multiprocessing
import queue
import random
import threading
import time
from multiprocessing.pool import ThreadPool

from .downloads import _extract_archive, _hash_file, get_file, validate_file  # noqa: F401  (Keras 2 path)

_SHARED_SEQUENCES = {}
_SEQUENCE_COUNTER = itertools.count()


class Sequence(object):
    """Base class for fitting to a sequence of batches (safe with multiprocessing).

    Implement `__getitem__(index)` (returns one batch) and `__len__()` (number
    of batches); optionally `on_epoch_end()`.

    Example::

        class Batches(Sequence):
            def __init__(self, x, y, batch_size):
                self.x, self.y, self.batch_size = x, y, batch_size
            def __len__(self):
                return int(np.ceil(len(self.x) / float(self.batch_size)))
            def __getitem__(self, idx):
                s = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
                return self.x[s], self.y[s]
    """

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def on_epoch_end(self):
        pass

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


def iter_sequence_infinite(seq):
    """Iterates over a Sequence forever (calling `on_epoch_end` between passes)."""
    while True:
        for item in seq:
            yield item
        seq.on_epoch_end()


def _get_index(uid, i):
    return _SHARED_SEQUENCES[uid][i]


def _init_pool(sequences):
    """Worker-process initializer: the sequences this pool reads (pickled when processes spawn)."""
    global _SHARED_SEQUENCES
    _SHARED_SEQUENCES = sequences


class SequenceEnqueuer(object):
    """Base class of the enqueuers: `start(workers, max_queue_size)`, `get()`, `stop()`."""

    def is_running(self):
        raise NotImplementedError

    def start(self, workers=1, max_queue_size=10):
        raise NotImplementedError

    def stop(self, timeout=None):
        raise NotImplementedError

    def get(self):
        raise NotImplementedError


class OrderedEnqueuer(SequenceEnqueuer):
    """Feeds a `Sequence` in order from a pool of threads or processes.

    Args:
        sequence: the `Sequence`.
        use_multiprocessing: processes instead of threads.
        shuffle: shuffle the batch order at each epoch.
    """

    def __init__(self, sequence, use_multiprocessing=False, shuffle=False):
        self.sequence = sequence
        self.use_multiprocessing = use_multiprocessing
        self.shuffle = shuffle
        self.uid = next(_SEQUENCE_COUNTER)
        self.workers = 0
        self.queue = None
        self.run_thread = None
        self.stop_signal = None
        self.executor = None

    def is_running(self):
        return self.stop_signal is not None and not self.stop_signal.is_set()

    def start(self, workers=1, max_queue_size=10):
        self.workers = max(1, workers)
        self.queue = queue.Queue(max_queue_size)
        self.stop_signal = threading.Event()
        self.run_thread = threading.Thread(target=self._run)
        self.run_thread.daemon = True
        self.run_thread.start()

    def _make_executor(self):
        if self.use_multiprocessing:
            return multiprocessing.Pool(self.workers, initializer=_init_pool, initargs=({self.uid: self.sequence},))
        return ThreadPool(self.workers)

    def _run(self):
        while True:
            indices = list(range(len(self.sequence)))
            if self.shuffle:
                random.shuffle(indices)
            _SHARED_SEQUENCES[self.uid] = self.sequence  # processes fork after this, seeing it
            executor = self._make_executor()
            self.executor = executor
            try:
                for i in indices:
                    if self.stop_signal.is_set():
                        return
                    result = executor.apply_async(_get_index, (self.uid, i))
                    while not self.stop_signal.is_set():
                        try:
                            self.queue.put(result, block=True, timeout=0.1)
                            break
                        except queue.Full:
                            continue
                # Wait until the epoch's batches are consumed before the epoch-end hook.
                while not self.queue.empty() and not self.stop_signal.is_set():
                    time.sleep(0.01)
            finally:
                executor.close()
                executor.join()
            if self.stop_signal.is_set():
                return
            self.sequence.on_epoch_end()

    def get(self):
        """Yields batches in order, forever (until `stop`).

        Raises:
            Exception: whatever `__getitem__` raised in a worker.
        """
        while self.is_running():
            try:
                result = self.queue.get(block=True, timeout=0.1)
            except queue.Empty:
                continue
            item = result.get()
            self.queue.task_done()
            yield item

    def stop(self, timeout=None):
        if self.stop_signal is None:
            return
        self.stop_signal.set()
        with self.queue.mutex:
            self.queue.queue.clear()
            self.queue.unfinished_tasks = 0
            self.queue.not_full.notify_all()
        if self.run_thread is not None:
            self.run_thread.join(timeout)
        _SHARED_SEQUENCES.pop(self.uid, None)


def _generator_process(generator, out_queue, stop_event, seed):
    import numpy as np
    np.random.seed(seed)
    random.seed(seed)
    try:
        while not stop_event.is_set():
            out_queue.put(('item', next(generator)))
    except StopIteration:
        out_queue.put(('stop', None))
    except Exception as e:  # reported to the consumer, which re-raises it
        out_queue.put(('error', e))


class GeneratorEnqueuer(SequenceEnqueuer):
    """Draws batches from a Python generator in background threads or processes.

    Args:
        generator: the generator.
        use_multiprocessing: processes (each with its own generator copy) instead of threads.
        wait_time: seconds to sleep when the queue is full.
        seed: base random seed of the worker processes.
    """

    def __init__(self, generator, use_multiprocessing=False, wait_time=0.05, seed=None, random_seed=None):
        self.generator = generator
        self.use_multiprocessing = use_multiprocessing
        self.wait_time = wait_time
        self.seed = seed if seed is not None else random_seed
        self._threads = []
        self._stop_event = None
        self.queue = None
        self._lock = threading.Lock()

    def is_running(self):
        return self._stop_event is not None and not self._stop_event.is_set()

    def start(self, workers=1, max_queue_size=10):
        workers = max(1, workers)
        if self.use_multiprocessing:
            self.queue = multiprocessing.Queue(maxsize=max_queue_size)
            self._stop_event = multiprocessing.Event()
            base = self.seed if self.seed is not None else int(time.time() * 1000) % (2 ** 31 - workers)
            for i in range(workers):
                p = multiprocessing.Process(target=_generator_process,
                                            args=(self.generator, self.queue, self._stop_event, base + i))
                p.daemon = True
                p.start()
                self._threads.append(p)
        else:
            self.queue = queue.Queue(maxsize=max_queue_size)
            self._stop_event = threading.Event()
            for _ in range(workers):
                t = threading.Thread(target=self._thread_task)
                t.daemon = True
                t.start()
                self._threads.append(t)

    def _thread_task(self):
        while not self._stop_event.is_set():
            try:
                with self._lock:
                    item = ('item', next(self.generator))
            except StopIteration:
                item = ('stop', None)
            except Exception as e:  # reported to the consumer, which re-raises it
                item = ('error', e)
            while not self._stop_event.is_set():
                try:
                    self.queue.put(item, block=True, timeout=self.wait_time)
                    break
                except queue.Full:
                    continue
            if item[0] != 'item':
                return

    def get(self):
        """Yields batches until the generator is exhausted or `stop` is called.

        Raises:
            Exception: whatever the generator raised.
        """
        finished = 0
        while self.is_running():
            try:
                kind, item = self.queue.get(block=True, timeout=0.1)
            except queue.Empty:
                if all(not t.is_alive() for t in self._threads):
                    return
                continue
            if kind == 'item':
                yield item
            elif kind == 'error':
                self.stop()
                raise item
            else:
                finished += 1
                if finished >= len(self._threads):
                    return

    def stop(self, timeout=None):
        if self._stop_event is None:
            return
        self._stop_event.set()
        for t in self._threads:
            if self.use_multiprocessing:
                t.terminate()
            t.join(timeout)
        self._threads = []
