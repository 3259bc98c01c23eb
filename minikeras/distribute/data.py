"""Splitting training data between the processes of a data-parallel run.

Global batch `k` of `size() * b` rows is cut into `size()` consecutive slices
of `b` rows; process `r` trains on slice `r` of every global batch. With
`shuffle=False` in `fit`, averaging the processes' gradients then gives the
same update as one process training on the global batches in order. Every
process gets the same number of rows, hence the same number of steps (a
collective call per step must never wait for a process that has finished).
"""
import warnings

import numpy as np

from ..utils.data_utils import Sequence
from . import runtime


def shard_indices(num_samples, batch_size, seed=None, epoch=0, rank=None, size=None):
    """The sample indices this process trains on, in training order.

    Args:
        num_samples: rows in the whole data set.
        batch_size: rows per process per step (`b`).
        seed: None keeps the data order; an integer shuffles it, the same way
            on every process (`seed + epoch` seeds the permutation).
        epoch: with a seed, a new permutation per epoch.
        rank, size: the process and group size (default: this run's).

    Returns:
        An int64 array of `num_samples // size` indices or slightly fewer:
        when the last global batch has fewer than `size` rows they cannot be
        split evenly and are left out, with a warning.
    """
    rank = runtime.rank() if rank is None else rank
    size = runtime.size() if size is None else size
    for name, value in (('num_samples', num_samples), ('batch_size', batch_size)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError('shard_indices: %s must be a positive integer, got %r' % (name, value))
    if not 0 <= rank < size:
        raise ValueError('shard_indices: rank %r is outside a group of %r processes' % (rank, size))
    order = np.arange(num_samples)
    if seed is not None:
        order = np.random.RandomState(seed + epoch).permutation(num_samples)
    global_batch = batch_size * size
    full = num_samples // global_batch
    mine = [order[k * global_batch + rank * batch_size: k * global_batch + (rank + 1) * batch_size]
            for k in range(full)]
    rest = order[full * global_batch:]
    per_process = len(rest) // size
    if per_process:
        mine.append(rest[rank * per_process:(rank + 1) * per_process])
    dropped = len(rest) - per_process * size
    if dropped:
        warnings.warn('shard_indices: %d of %d samples left out this epoch (the last global batch does not '
                      'split evenly over %d processes)' % (dropped, num_samples, size))
    return np.concatenate(mine).astype(np.int64) if mine else np.zeros((0,), np.int64)


def shard(arrays, batch_size, seed=None, epoch=0):
    """This process's part of `arrays` (an array, or a list / dict of arrays with
    the same number of rows), in the order of `shard_indices`; train on it
    with `fit(..., batch_size=batch_size, shuffle=False)`."""
    if isinstance(arrays, dict):
        lengths = {len(v) for v in arrays.values()}
    elif isinstance(arrays, (list, tuple)):
        lengths = {len(v) for v in arrays}
    else:
        lengths = {len(arrays)}
    if len(lengths) != 1:
        raise ValueError('shard: all arrays need the same number of rows, got %s' % sorted(lengths))
    index = shard_indices(lengths.pop(), batch_size, seed=seed, epoch=epoch)
    if isinstance(arrays, dict):
        return {k: np.asarray(v)[index] for k, v in arrays.items()}
    if isinstance(arrays, (list, tuple)):
        return [np.asarray(v)[index] for v in arrays]
    return np.asarray(arrays)[index]


class ShardedSequence(Sequence):
    """Process `rank()` sees batches `rank(), rank() + size(), ...` of `sequence`.

    Every process gets `len(sequence) // size()` batches (trailing batches that
    do not fill a round are left out, with a warning); `on_epoch_end` is
    passed on, so a sequence that reshuffles with a fixed seed stays
    consistent across processes.
    """

    def __init__(self, sequence, rank=None, size=None):
        if not isinstance(sequence, Sequence):
            raise TypeError('ShardedSequence: expected a minikeras.utils.Sequence, got %s'
                            % type(sequence).__name__)
        self.sequence = sequence
        self.rank = runtime.rank() if rank is None else rank
        self.size = runtime.size() if size is None else size
        left_out = len(sequence) % self.size
        if left_out:
            warnings.warn('ShardedSequence: %d of %d batches left out per epoch (not a multiple of %d processes)'
                          % (left_out, len(sequence), self.size))

    def __len__(self):
        return len(self.sequence) // self.size

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError('ShardedSequence index %d out of range [0, %d)' % (index, len(self)))
        return self.sequence[index * self.size + self.rank]

    def on_epoch_end(self):
        self.sequence.on_epoch_end()


def shard_generator(generator, rank=None, size=None):
    """Yields the items `rank(), rank() + size(), ...` of `generator` (every
    process must iterate the same generator, e.g. one seeded the same way);
    pass `steps_per_epoch = global_steps // size()` to `fit`."""
    rank = runtime.rank() if rank is None else rank
    size = runtime.size() if size is None else size
    for index, item in enumerate(generator):
        if index % size == rank:
            yield item
