"""Sequence and time-series preprocessing (`keras.preprocessing.sequence`).

What this module provides, with the Keras 2.2 (keras-preprocessing 1.0.x)
semantics:

- `pad_sequences`: pad or truncate lists of sequences to one length;
- `TimeseriesGenerator`: a `minikeras.utils.Sequence` of windows over a series;
- `make_sampling_table` and `skipgrams`: word2vec-style training pairs;
- `timeseries_dataset_from_array` (the tf.keras function, also exported as
  `minikeras.preprocessing.timeseries_dataset_from_array`): batches of
  sliding windows as numpy arrays.
"""
import random

import numpy as np

from ..utils.data_utils import Sequence

_PAD_SIDES = ('pre', 'post')


def _check_side(name, value):
    if value not in _PAD_SIDES:
        raise ValueError('`%s` must be "pre" or "post"; received %r.' % (name, value))


def pad_sequences(sequences, maxlen=None, dtype='int32', padding='pre', truncating='pre', value=0.,
                  **kwargs):
    """Pads (or truncates) sequences to a common length.

    Each sequence longer than `maxlen` is truncated (keeping its tail with
    `truncating='pre'`, its head with `'post'`); each shorter one is padded with
    `value` at the start (`padding='pre'`) or the end (`'post'`). Elements may
    themselves be arrays: their shape (taken from the first non-empty
    sequence) becomes the trailing shape of the result.

    Args:
        sequences: list of sequences (lists or arrays of numbers or strings).
        maxlen: length of the result; default the longest sequence.
        dtype: dtype of the result; `object` or a string dtype for strings.
        padding: `'pre'` or `'post'`.
        truncating: `'pre'` or `'post'`. `truncation=` is accepted as an alias
            (a spelling found in some tutorials).
        value: the padding value.

    Returns:
        A numpy array of shape `(len(sequences), maxlen) + element_shape`.

    Raises:
        ValueError: on a non-iterable `sequences`, an unknown `padding` or
            `truncating`, a string `value` with a numeric `dtype`, or elements
            of inconsistent shapes.

    Example:
        >>> pad_sequences([[1], [2, 3], [4, 5, 6]])
        array([[0, 0, 1],
               [0, 2, 3],
               [4, 5, 6]], dtype=int32)
    """
    if 'truncation' in kwargs:
        alias = kwargs.pop('truncation')
        if truncating != 'pre' and truncating != alias:
            raise ValueError('Both `truncating=%r` and its alias `truncation=%r` were given.'
                             % (truncating, alias))
        truncating = alias
    if kwargs:
        raise TypeError('pad_sequences() got unexpected keyword arguments: %s' % sorted(kwargs))
    if not hasattr(sequences, '__len__'):
        raise ValueError('`sequences` must be iterable (a list of sequences); received %r.'
                         % (type(sequences).__name__,))
    _check_side('padding', padding)
    _check_side('truncating', truncating)
    if maxlen is not None and (int(maxlen) != maxlen or maxlen < 0):
        raise ValueError('`maxlen` must be None or a non-negative integer; received %r.' % (maxlen,))

    lengths = []
    sample_shape = ()
    found_shape = False
    for s in sequences:
        if not hasattr(s, '__len__'):
            raise ValueError('`sequences` must be a list of iterables; found non-iterable %r.' % (s,))
        lengths.append(len(s))
        if not found_shape and len(s) > 0:
            sample_shape = np.asarray(s).shape[1:]
            found_shape = True
    if maxlen is None:
        maxlen = max(lengths) if lengths else 0
    maxlen = int(maxlen)

    dt = np.dtype(dtype)
    is_str_dtype = dt.kind in ('U', 'S')
    if isinstance(value, str) and dt != np.dtype(object) and not is_str_dtype:
        raise ValueError('`dtype=%s` is not compatible with the string padding `value=%r`; use '
                         'dtype=object or a string dtype.' % (dt, value))

    out = np.full((len(lengths), maxlen) + tuple(sample_shape), value, dtype=dt)
    if maxlen == 0:
        return out
    for i, s in enumerate(sequences):
        if not len(s):
            continue
        kept = s[-maxlen:] if truncating == 'pre' else s[:maxlen]
        kept = np.asarray(kept, dtype=dt)
        if kept.shape[1:] != tuple(sample_shape):
            raise ValueError('Shape of sample %s of sequence at position %d is different from the '
                             'expected shape %s.' % (kept.shape[1:], i, tuple(sample_shape)))
        if padding == 'post':
            out[i, :len(kept)] = kept
        else:
            out[i, maxlen - len(kept):] = kept
    return out


def make_sampling_table(size, sampling_factor=1e-5):
    """Word-rank sampling probabilities for `skipgrams` (word2vec subsampling).

    Assumes word frequencies follow Zipf's law, so the word of rank `r`
    (index `r` of a `Tokenizer`) has frequency about `1 / (r (log r + gamma))`
    (with a Stirling-like correction), and gives it the word2vec
    keep-probability `min(1, sqrt(sampling_factor / frequency))`.

    Args:
        size: vocabulary size.
        sampling_factor: the word2vec sampling factor.

    Returns:
        A float array of length `size`; entry `i` is the probability of
        keeping the word of rank `i`.
    """
    if int(size) != size or size < 1:
        raise ValueError('`size` must be a positive integer; received %r.' % (size,))
    gamma = 0.577
    rank = np.arange(int(size), dtype='float64')
    rank[0] = 1
    inv_fq = rank * (np.log(rank) + gamma) + 0.5 - 1. / (12. * rank)
    f = sampling_factor * inv_fq
    return np.minimum(1., f / np.sqrt(f))


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1., shuffle=True,
              categorical=False, sampling_table=None, seed=None):
    """Generates skip-gram couples `(word, context)` with labels, word2vec style.

    Positive couples pair each word with the words at most `window_size`
    positions away (label 1); negative couples pair words with random indices
    in `[1, vocabulary_size)` (label 0). Index 0 is treated as padding and
    skipped.

    Args:
        sequence: a list of word indices.
        vocabulary_size: one more than the largest word index.
        window_size: half-width of the context window.
        negative_samples: number of negative couples per positive one (>= 0).
        shuffle: shuffle the couples (and labels alike).
        categorical: labels as `[0, 1]` / `[1, 0]` instead of `1` / `0`.
        sampling_table: optional array (see `make_sampling_table`); word `i`
            is kept with probability `sampling_table[i]`.
        seed: seed for the shuffle and the negative samples.

    Returns:
        `(couples, labels)`: a list of `[word, context]` pairs and a list of
        labels.
    """
    rng = random.Random(seed)
    couples = []
    labels = []
    for i, wi in enumerate(sequence):
        if not wi:
            continue
        if sampling_table is not None and sampling_table[wi] < rng.random():
            continue
        start = max(0, i - window_size)
        end = min(len(sequence), i + window_size + 1)
        for j in range(start, end):
            if j == i:
                continue
            wj = sequence[j]
            if not wj:
                continue
            couples.append([wi, wj])
            labels.append([0, 1] if categorical else 1)

    if negative_samples > 0 and couples:
        num_negative = int(len(labels) * negative_samples)
        words = [c[0] for c in couples]
        rng.shuffle(words)
        couples += [[words[k % len(words)], rng.randint(1, vocabulary_size - 1)]
                    for k in range(num_negative)]
        labels += [[1, 0] if categorical else 0 for _ in range(num_negative)]

    if shuffle:
        order = list(range(len(couples)))
        rng.shuffle(order)
        couples = [couples[k] for k in order]
        labels = [labels[k] for k in order]
    return couples, labels


def _remove_long_seq(maxlen, seq, label):
    """Drops the sequences (and their labels) longer than or as long as `maxlen`."""
    new_seq, new_label = [], []
    for x, y in zip(seq, label):
        if len(x) < maxlen:
            new_seq.append(x)
            new_label.append(y)
    return new_seq, new_label


class TimeseriesGenerator(Sequence):
    """A `Sequence` of batches of windows over a time series.

    Batch `i` holds the windows ending just before rows
    `start_index + length + i * batch_size * stride`, ... (one every `stride`
    rows); each window takes every `sampling_rate`-th row of the `length`
    rows before its end row, and its target is `targets[end_row]`.

    Args:
        data: indexable of samples (a list or an array), first axis = time.
        targets: targets, same length as `data`.
        length: length of the history in rows (before sampling).
        sampling_rate: period between rows inside a window.
        stride: period between successive windows.
        start_index, end_index: rows before `start_index` and after
            `end_index` are not used as window ends (`end_index` defaults to
            the last row).
        shuffle: draw the window ends at random (with replacement).
        reverse: yield each window in reverse time order.
        batch_size: windows per batch (the last batch may be smaller).

    Example:
        >>> data = np.array([[i] for i in range(50)])
        >>> gen = TimeseriesGenerator(data, data, length=10, sampling_rate=2, batch_size=2)
        >>> len(gen)
        20
        >>> x, y = gen[0]      # x[0] = [[0], [2], [4], [6], [8]], y[0] = [10]
    """

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0, end_index=None,
                 shuffle=False, reverse=False, batch_size=128):
        if len(data) != len(targets):
            raise ValueError('Data and targets have to be of same length. Data length is %d while '
                             'target length is %d.' % (len(data), len(targets)))
        for name, v in (('length', length), ('sampling_rate', sampling_rate), ('stride', stride),
                        ('batch_size', batch_size)):
            if int(v) != v or v < 1:
                raise ValueError('`%s` must be a positive integer; received %r.' % (name, v))
        self.data = data
        self.targets = targets
        self.length = int(length)
        self.sampling_rate = int(sampling_rate)
        self.stride = int(stride)
        self.start_index = start_index + self.length
        if end_index is None:
            end_index = len(data) - 1
        self.end_index = end_index
        self.shuffle = shuffle
        self.reverse = reverse
        self.batch_size = int(batch_size)
        if self.start_index > self.end_index:
            raise ValueError('`start_index+length=%d > end_index=%d` is disallowed, as no part of the '
                             'sequence would be left to be used as current step.'
                             % (self.start_index, self.end_index))

    def __len__(self):
        span = self.batch_size * self.stride
        return (self.end_index - self.start_index + span) // span

    def __getitem__(self, index):
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        else:
            if index < 0:
                index += len(self)
            if not 0 <= index < len(self):
                raise IndexError('Batch index %d is out of range for a TimeseriesGenerator of length %d.'
                                 % (index, len(self)))
            i = self.start_index + self.batch_size * self.stride * index
            rows = np.arange(i, min(i + self.batch_size * self.stride, self.end_index + 1), self.stride)
        samples = np.array([self.data[row - self.length:row:self.sampling_rate] for row in rows])
        targets = np.array([self.targets[row] for row in rows])
        if self.reverse:
            return samples[:, ::-1, ...], targets
        return samples, targets

    def get_config(self):
        """Returns the generator's arguments (data and targets as lists)."""
        data = self.data.tolist() if isinstance(self.data, np.ndarray) else self.data
        targets = self.targets.tolist() if isinstance(self.targets, np.ndarray) else self.targets
        return {'data': data, 'targets': targets, 'length': self.length,
                'sampling_rate': self.sampling_rate, 'stride': self.stride,
                'start_index': self.start_index - self.length, 'end_index': self.end_index,
                'shuffle': self.shuffle, 'reverse': self.reverse, 'batch_size': self.batch_size}


class TimeseriesDataset(Sequence):
    """The batches made by `timeseries_dataset_from_array` (a `Sequence`).

    Iterating gives `(x, y)` batches (or `x` alone without targets); indexing
    and `len()` work as for any `minikeras.utils.Sequence`, so it can be
    passed to `fit_generator`. With `shuffle=True` the window order is drawn
    once from `seed`, and again at each `on_epoch_end()`.
    """

    def __init__(self, data, targets, start_positions, start_index, sequence_length, sampling_rate,
                 batch_size, shuffle, seed):
        self.data = data
        self.targets = targets
        self.start_positions = start_positions
        self.start_index = start_index
        self.sequence_length = sequence_length
        self.sampling_rate = sampling_rate
        self.batch_size = batch_size
        self.shuffle = shuffle
        self._rng = np.random.RandomState(seed)
        self._order = start_positions.copy()
        if shuffle:
            self._rng.shuffle(self._order)

    def __len__(self):
        return (len(self._order) + self.batch_size - 1) // self.batch_size

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError('Batch index %d is out of range for a dataset of %d batches.'
                             % (index, len(self)))
        starts = self._order[index * self.batch_size:(index + 1) * self.batch_size] + self.start_index
        offsets = np.arange(self.sequence_length) * self.sampling_rate
        x = np.asarray(self.data)[starts[:, None] + offsets]
        if self.targets is None:
            return x
        return x, np.asarray(self.targets)[starts]

    def on_epoch_end(self):
        if self.shuffle:
            self._order = self.start_positions.copy()
            self._rng.shuffle(self._order)


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None,
                                  end_index=None):
    """Batches of sliding windows over a time series (the tf.keras function, on numpy).

    Window `k` starts at row `start_index + k * sequence_stride` and takes
    `sequence_length` rows spaced `sampling_rate` apart; its target is
    `targets[start_index + k * sequence_stride]` (the row where it starts).
    As in the tf.keras release the seed documents, a window is produced only
    if `sequence_length * sampling_rate` rows are available from its start.

    Args:
        data: array-like of rows (axis 0 is time).
        targets: targets aligned with `data`, or None for windows only.
        sequence_length: rows per window.
        sequence_stride: gap between the starts of successive windows.
        sampling_rate: gap between rows inside a window.
        batch_size: windows per batch (the last one may be smaller).
        shuffle: shuffle the windows.
        seed: seed of the shuffle (used only with `shuffle=True`).
        start_index, end_index: only rows `start_index <= i < end_index` are used.

    Returns:
        A `TimeseriesDataset`: an iterable (and `Sequence`) of `(x, y)` numpy
        batches, `x` of shape `(batch, sequence_length) + data.shape[1:]`.

    Example:
        >>> ds = timeseries_dataset_from_array(np.arange(100), None, 10, sequence_stride=3, sampling_rate=2)
        >>> windows = np.concatenate(list(ds))
        >>> windows[0], windows[-1]     # [0 2 ... 18] and [78 80 ... 96]
    """
    n = len(data)
    if start_index is None:
        start_index = 0
    if end_index is None:
        end_index = n
    if int(start_index) != start_index or not 0 <= start_index < n:
        raise ValueError('`start_index` must be an integer in [0, %d); received %r.' % (n, start_index))
    if int(end_index) != end_index or not start_index < end_index <= n:
        raise ValueError('`end_index` must be an integer in (start_index=%d, %d]; received %r.'
                         % (start_index, n, end_index))
    for name, v in (('sequence_length', sequence_length), ('sequence_stride', sequence_stride),
                    ('sampling_rate', sampling_rate), ('batch_size', batch_size)):
        if int(v) != v or v < 1:
            raise ValueError('`%s` must be a positive integer; received %r.' % (name, v))
    if sampling_rate >= n:
        raise ValueError('`sampling_rate` must be lower than the length of the data (%d); received %r.'
                         % (n, sampling_rate))
    if targets is not None and len(targets) != n:
        raise ValueError('`data` and `targets` must have the same length; received %d and %d.'
                         % (n, len(targets)))
    num_seqs = int(end_index - start_index - sequence_length * sampling_rate + 1)
    if targets is not None:
        num_seqs = min(num_seqs, len(targets))
    start_positions = np.arange(0, max(num_seqs, 0), int(sequence_stride), dtype='int64')
    return TimeseriesDataset(data, targets, start_positions, int(start_index), int(sequence_length),
                             int(sampling_rate), int(batch_size), bool(shuffle), seed)
