"""One data path: user data in, batches of (arrays, size) out.

`Model.fit`, `evaluate`, `predict` (and the `*_generator` aliases) turn their
data into an `ArrayData` (numpy arrays, lists, dicts by layer name, pandas
frames, scipy.sparse matrices, h5py datasets / `HDF5Matrix`, sliced per
batch) or a `GeneratorData` (Python generators and `Sequence` objects, read
through an enqueuer). Both yield batches as the flat list the compiled
functions take: inputs, then targets, then sample weights.

What the batches must look like comes from a `Feed` (the model's input names
and shapes and its fed `OutputRecord`s): `Feed.standardize` validates x / y /
sample_weight / class_weight once, with errors naming the input or output and
both shapes. The adapters know nothing about the model.
"""
import inspect
import warnings

import numpy as np

from .. import backend as K
from ..utils.data_utils import GeneratorEnqueuer, OrderedEnqueuer, Sequence, iter_sequence_infinite
from .training_utils import (batch_shuffle, check_array_length_consistency, check_loss_and_target_compatibility,
                             check_num_samples, make_batches, standardize_input_data,
                             standardize_sample_or_class_weights, standardize_weights)


def is_generator_like(x):
    """True for generators, iterators and `Sequence` objects (not arrays, lists or dicts)."""
    if isinstance(x, Sequence) or inspect.isgenerator(x):
        return True
    return hasattr(x, '__next__') and not isinstance(x, (np.ndarray, list, tuple, dict))


def is_sparse(x):
    """True for a scipy.sparse matrix (densified one batch at a time)."""
    return hasattr(x, 'tocsr') and hasattr(x, 'toarray')


def is_lazy(x):
    """True for data read on slicing (scipy.sparse, h5py datasets, `HDF5Matrix`), kept out of memory."""
    return not isinstance(x, np.ndarray) and hasattr(x, 'shape') and hasattr(x, '__getitem__') and \
        hasattr(x, 'dtype')


def take(array, index):
    """Rows `index` (a slice or a sorted-if-lazy index array) of one data array, as numpy."""
    part = array[index]
    return part.toarray() if is_sparse(part) else np.asarray(part)


class Feed(object):
    """What a model's compiled functions are fed, and the checks on user data.

    Args:
        input_names, input_shapes: of the model's placeholder inputs.
        outputs: the model's fed `OutputRecord`s (those with a target placeholder).
        stateful_batch: whether the model has stateful layers (sample counts
            must then divide by the batch size).
    """

    def __init__(self, input_names, input_shapes, outputs=(), stateful_batch=False):
        self.input_names = list(input_names)
        self.input_shapes = list(input_shapes)
        self.outputs = list(outputs)
        self.stateful_batch = stateful_batch

    @property
    def output_names(self):
        return [r.name for r in self.outputs]

    def standardize(self, x, y=None, sample_weight=None, class_weight=None, check_lengths=True, batch_size=None):
        """x / y / weights in any accepted form -> `(inputs, targets, sample_weights)` lists.

        Targets and weights are empty lists when `y` is None.

        Raises:
            ValueError: missing or extra arrays, wrong shapes or sample counts,
                or a loss that cannot take the targets; TypeError: a
                `sample_weight` / `class_weight` of the wrong type.
        """
        xs = standardize_input_data(x, self.input_names, self.input_shapes, check_batch_axis=False,
                                    exception_prefix='input')
        ys, weights = [], []
        if y is not None:
            ys = standardize_input_data(y, self.output_names, [r.target_shape for r in self.outputs],
                                        check_batch_axis=False, exception_prefix='target')
            sample_weights = standardize_sample_or_class_weights(sample_weight, self.output_names, 'sample_weight')
            class_weights = standardize_sample_or_class_weights(class_weight, self.output_names, 'class_weight')
            weights = [standardize_weights(ref, sw, cw, r.sample_weight_mode) for ref, sw, cw, r
                       in zip(ys, sample_weights, class_weights, self.outputs)]
            if check_lengths:
                check_array_length_consistency(xs, ys, weights)
            check_loss_and_target_compatibility(ys, [r.loss_fn for r in self.outputs],
                                                [r.shape for r in self.outputs])
        if self.stateful_batch and batch_size and xs and xs[0].shape[0] % batch_size:
            raise ValueError('In a stateful network, you should only pass inputs with a number of samples that '
                             'can be divided by the batch size. Found: %d samples, batch size %d.'
                             % (xs[0].shape[0], batch_size))
        return xs, ys, weights


class ArrayData(object):
    """Batches sliced from per-sample arrays.

    Args:
        arrays: flat list (inputs + targets + sample weights) of numpy arrays,
            scipy.sparse matrices or h5py-like datasets.
        batch_size: samples per batch, or None with `steps`.
        steps: when set, each step feeds the whole arrays (data held by
            tensors or whole-array steps), and `size` is 1.
        shuffle: True, False or 'batch' (shuffles batch-sized chunks, the
            order h5py datasets can read).
    """

    def __init__(self, arrays, batch_size=None, steps=None, shuffle=False):
        self.arrays = list(arrays)
        self.batch_size = batch_size
        self.steps = steps
        self.shuffle = shuffle
        self.num_samples = check_num_samples(self.arrays, batch_size=batch_size, steps=steps, steps_name='steps')
        self._lazy = any(is_lazy(a) for a in self.arrays)

    @property
    def num_batches(self):
        if self.steps is not None:
            return self.steps
        return len(make_batches(self.num_samples, self.batch_size))

    def split(self, fraction):
        """`(training part, validation part)` with the last `fraction` of the samples held out."""
        split_at = int(self.num_samples * (1. - fraction))
        head = ArrayData([a[:split_at] for a in self.arrays], self.batch_size, shuffle=self.shuffle)
        tail = ArrayData([a[split_at:] for a in self.arrays], self.batch_size)
        return head, tail

    def batches(self):
        """Yields `(batch_arrays, size)` for one pass (one epoch)."""
        if self.steps is not None:
            whole = [take(a, slice(None)) if is_lazy(a) else a for a in self.arrays]
            for _ in range(self.steps):
                yield whole, 1
            return
        index = None
        if self.shuffle:
            index = np.arange(self.num_samples)
            if self.shuffle == 'batch':
                index = batch_shuffle(index, self.batch_size)
            else:
                np.random.shuffle(index)
        for start, end in make_batches(self.num_samples, self.batch_size):
            if index is None:
                rows = slice(start, end)
            else:
                rows = index[start:end]
                if self._lazy:
                    rows = np.sort(rows)  # h5py reads increasing indices only; the pairing is kept
            yield [take(a, rows) if is_lazy(a) else a[rows] for a in self.arrays], end - start

    def close(self):
        pass


class GeneratorData(object):
    """`steps` batches per pass from a generator or `Sequence`.

    Each item is `x`, `(x, y)` or `(x, y, sample_weight)`; `standardize` (set
    once the model is built, see `peek`) turns it into the flat batch list.

    Args:
        generator: a Python generator / iterator or a `utils.Sequence`.
        steps: batches per pass; None means `len(generator)` for a `Sequence`.
        what: 'training', 'validation', 'evaluation' or 'prediction' (for messages).
        workers, use_multiprocessing, max_queue_size, shuffle: how batches are
            prepared (`workers=0` reads on the main thread).
        with_targets: False for prediction (only `x` is used).

    Raises:
        ValueError: `steps` missing for a plain generator.
    """

    def __init__(self, generator, steps=None, what='training', workers=1, use_multiprocessing=False,
                 max_queue_size=10, shuffle=False, with_targets=True, steps_name='steps'):
        is_sequence = isinstance(generator, Sequence)
        if steps is None:
            if not is_sequence:
                raise ValueError('`%s=None` is only valid for a generator based on the `minikeras.utils.Sequence` '
                                 'class. Please specify `%s`.' % (steps_name, steps_name))
            steps = len(generator)
        if workers > 1 and use_multiprocessing and not is_sequence:
            warnings.warn(UserWarning('Using a generator with `use_multiprocessing=True` and multiple workers may '
                                      'duplicate your data. Please consider using the `minikeras.utils.Sequence` '
                                      'class.'))
        self.generator = generator
        self.steps = steps
        self.what = what
        self.with_targets = with_targets
        self.standardize = None
        self.num_samples = None  # a generator is counted in steps
        self._options = (workers, use_multiprocessing, max_queue_size, shuffle)
        self._source = self._enqueuer = None
        self._pending = None

    @property
    def num_batches(self):
        return self.steps

    def _open(self):
        if self._source is not None:
            return
        workers, use_multiprocessing, max_queue_size, shuffle = self._options
        is_sequence = isinstance(self.generator, Sequence)
        if workers > 0:
            if is_sequence:
                self._enqueuer = OrderedEnqueuer(self.generator, use_multiprocessing=use_multiprocessing,
                                                 shuffle=shuffle)
            else:
                self._enqueuer = GeneratorEnqueuer(self.generator, use_multiprocessing=use_multiprocessing)
            self._enqueuer.start(workers=workers, max_queue_size=max_queue_size)
            self._source = self._enqueuer.get()
        else:
            self._source = iter_sequence_infinite(self.generator) if is_sequence else self.generator

    def _next_raw(self):
        if self._pending is not None:
            item, self._pending = self._pending, None
            return item
        self._open()
        try:
            item = next(self._source)
        except StopIteration:
            raise ValueError('The %s generator was exhausted before the requested number of steps (%d).'
                             % (self.what, self.steps))
        return self._unpack(item)

    def _unpack(self, item):
        if not self.with_targets:
            return (item[0] if isinstance(item, tuple) and len(item) in (2, 3) else item), None, None
        if not isinstance(item, tuple) or len(item) not in (2, 3):
            raise ValueError('Output of the %s generator should be a tuple `(x, y, sample_weight)` or `(x, y)`. '
                             'Found: %s' % (self.what, str(item)[:200]))
        return item if len(item) == 3 else (item[0], item[1], None)

    def peek(self):
        """The first `(x, y, sample_weight)` item, kept for the first batch (to build a deferred model)."""
        if self._pending is None:
            self._pending = self._next_raw()
        return self._pending

    def batches(self):
        """Yields `(batch_arrays, size)` for `steps` items."""
        for _ in range(self.steps):
            x, y, weights = self._next_raw()
            xs, ys, ws = self.standardize(x, y, weights)
            size = _batch_size(xs + ys)
            if size == 0:
                raise ValueError('Received an empty batch from the %s generator. Batches should contain at '
                                 'least one item.' % self.what)
            yield xs + ys + ws, size

    def close(self):
        """Stops the enqueuer (a later pass starts a fresh one)."""
        if self._enqueuer is not None:
            self._enqueuer.stop()
        self._source = self._enqueuer = None


def _batch_size(arrays):
    for a in arrays:
        if a is not None and np.ndim(a):
            return int(np.shape(a)[0])
    return 1


def check_generator_arguments(x, method, **arguments):
    """Raises for arguments that a generator / `Sequence` input cannot use.

    Args:
        x: the generator or `Sequence` passed as `x`.
        method: 'fit' or 'evaluate', for the message.
        **arguments: the arguments to check (`y`, `sample_weight`,
            `validation_split`), each unset when None or 0.

    Raises:
        ValueError: naming the first such argument that is set and the input type.
    """
    hints = {'y': 'the generator yields the targets with the inputs, as `(x, y)` or `(x, y, sample_weight)` tuples',
             'sample_weight': 'the generator yields sample weights as the third item of `(x, y, sample_weight)`',
             'validation_split': 'a generator cannot be split; pass `validation_data` (arrays, a generator or a '
                                 '`Sequence`) instead'}
    for name in ('y', 'sample_weight', 'validation_split'):
        value = arguments.get(name)
        if value is not None and not (name == 'validation_split' and not value):
            raise ValueError('`%s(%s=...)` is not supported when `x` is a generator or a `Sequence` (got a %s): %s.'
                             % (method, name, type(x).__name__, hints[name]))


def as_floatx(value):
    """A scalar reported value as a `np.float64` (arrays pass through).

    `np.float64` is a Python `float` subclass (JSON, `round`, `%f` work as for a
    float) that also has numpy's `.shape == ()` and `.dtype`, as the values
    Keras 2.2's `evaluate` / `train_on_batch` return do."""
    if K.is_tensor(value):
        value = K.get_value(value)
    value = np.asarray(value)
    return np.float64(value) if value.ndim == 0 else value
