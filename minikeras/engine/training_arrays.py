"""The training, evaluation and prediction loops over in-memory arrays.

Per batch the loops only slice the arrays (a view when not shuffled, an
index-array gather otherwise) and call the compiled function once. Epoch
averages are accumulated here (sample-count weighted, as Keras 2's
`BaseLogger`); batch log dicts are built only when some callback has a batch
hook.
"""
import numpy as np

from .. import callbacks as cbks
from .training_utils import batch_shuffle, check_num_samples, configure_callbacks, make_batches


class LoopSpec(object):
    """What a loop needs to call a compiled function and report its results.

    Attributes:
        function: the compiled `K.function`.
        arrays: per-sample arrays fed to it (inputs, targets, weights), sliced per batch.
        extra: values appended unsliced (the learning phase), possibly empty.
        labels: names of the reported values (`model.metrics_names`).
        host: `(position, metric, output_index, weighted)` for stateful metrics
            updated outside the graph from the function's trailing prediction outputs.
        last_positions: positions reported as their last value (stateful
            metrics) instead of the sample-weighted epoch mean.
        reset: stateful metric objects reset at the start of each epoch / evaluation.
        n_graph: number of graph outputs that are reported values.
        n_inputs, n_targets: to find y_true / sample weights in the batch arrays.
    """

    def __init__(self, function, arrays, extra, labels, host=(), last_positions=(), reset=(), n_graph=None,
                 n_inputs=0, n_targets=0):
        self.function = function
        self.arrays = arrays
        self.extra = list(extra)
        self.labels = labels
        self.host = list(host)
        self.last_positions = set(last_positions)
        self.reset = list(reset)
        self.n_graph = len(labels) - len(self.host) if n_graph is None else n_graph
        self.n_inputs = n_inputs
        self.n_targets = n_targets

    def reset_metrics(self):
        for metric in self.reset:
            metric.reset_states()

    def run(self, batch_arrays):
        """Calls the function; returns the reported values in `labels` order."""
        outs = self.function(batch_arrays + self.extra)
        if not self.host:
            return outs
        values = list(outs[:self.n_graph])
        preds = outs[self.n_graph:]
        for position, metric, output_index, weighted in self.host:
            y_true = batch_arrays[self.n_inputs + output_index]
            if weighted:
                weights = batch_arrays[self.n_inputs + self.n_targets + output_index]
                metric.update_state(y_true, preds[output_index], sample_weight=weights)
            else:
                metric.update_state(y_true, preds[output_index])
            values.insert(position, _scalar(metric.result()))
        return values

    def stateful_positions(self):
        return self.last_positions


def _scalar(value):
    from .. import backend as K
    if K.is_tensor(value):
        value = K.get_value(value)
    value = np.asarray(value)
    return float(value) if value.ndim == 0 else value


def _slicer(arrays, shuffled):
    if shuffled:
        return lambda ids, start, end: [a[ids] for a in arrays]
    return lambda ids, start, end: [a[start:end] for a in arrays]


def fit_loop(model, spec, batch_size=32, epochs=100, verbose=1, callbacks=None, val_spec=None, shuffle=True,
             initial_epoch=0, steps_per_epoch=None, validation_steps=None):
    """Trains `model` with `spec.function` for `epochs` epochs; returns its `History`."""
    do_validation = val_spec is not None
    num_train_samples = check_num_samples(spec.arrays, batch_size=batch_size, steps=steps_per_epoch,
                                          steps_name='steps_per_epoch')
    labels = spec.labels
    callbacks, callback_model = configure_callbacks(
        model, callbacks, labels, epochs, verbose, do_validation=do_validation,
        validation_data=val_spec.arrays if do_validation else None, steps=steps_per_epoch,
        samples=num_train_samples, batch_size=batch_size,
        count_mode='steps' if steps_per_epoch is not None else 'samples')
    batch_hooks = callbacks.needs_batch_hooks('train')
    stateful_positions = spec.stateful_positions()
    n_values = len(labels)
    index_array = np.arange(num_train_samples) if num_train_samples is not None else None
    epoch_logs = {}

    for epoch in range(initial_epoch, epochs):
        spec.reset_metrics()
        callbacks.on_epoch_begin(epoch)
        epoch_logs = {}
        totals = [0.0] * n_values
        seen = 0
        completed = True
        shuffled = False
        if steps_per_epoch is not None:
            steps = [(None, None)] * steps_per_epoch
            slicer = lambda ids, start, end: list(spec.arrays)  # noqa: E731  (whole arrays per step)
        else:
            shuffled = bool(shuffle)
            if shuffle == 'batch':
                index_array = batch_shuffle(index_array, batch_size)
            elif shuffle:
                np.random.shuffle(index_array)
            steps = make_batches(num_train_samples, batch_size)
            slicer = _slicer(spec.arrays, shuffled)
        last = None
        for batch_index, (start, end) in enumerate(steps):
            ids = index_array[start:end] if start is not None and shuffled else None
            batch = slicer(ids, start, end)
            size = (end - start) if start is not None else 1
            if batch_hooks:
                batch_logs = {'batch': batch_index, 'size': size}
                callbacks.on_batch_begin(batch_index, batch_logs)
            outs = spec.run(batch)
            seen += size
            for i in range(n_values):
                if i in stateful_positions:
                    totals[i] = outs[i]
                else:
                    totals[i] += outs[i] * size
            if batch_hooks:
                for label, value in zip(labels, outs):
                    batch_logs[label] = value
                callbacks.on_batch_end(batch_index, batch_logs)
            last = outs
            if callback_model.stop_training:
                completed = batch_index == len(steps) - 1
                break
        if last is not None:
            for i, label in enumerate(labels):
                epoch_logs[label] = _scalar(totals[i] if i in stateful_positions else totals[i] / seen)
        if do_validation and completed:
            val_outs = test_loop(model, val_spec, batch_size=batch_size, verbose=0, steps=validation_steps,
                                 callbacks=callbacks)
            for label, value in zip(labels, _as_list(val_outs)):
                epoch_logs['val_' + label] = value
        callbacks.on_epoch_end(epoch, epoch_logs)
        if callback_model.stop_training:
            break
    callbacks.on_train_end(epoch_logs)
    return model.history


def _as_list(x):
    return x if isinstance(x, list) else [x]


def test_loop(model, spec, batch_size=32, verbose=0, steps=None, callbacks=None):
    """Evaluates in batches; returns the scalar loss or a list of the loss and metrics."""
    from ..utils.progbar import Progbar
    num_samples = check_num_samples(spec.arrays, batch_size=batch_size, steps=steps, steps_name='steps')
    callbacks = callbacks if isinstance(callbacks, cbks.CallbackList) else cbks.CallbackList(callbacks)
    batch_hooks = callbacks.needs_batch_hooks('test')
    spec.reset_metrics()
    callbacks.on_test_begin()
    labels = spec.labels
    stateful_positions = spec.stateful_positions()
    totals = [0.0] * len(labels)
    seen = 0
    if steps is not None:
        batches = [(None, None)] * steps
        progbar = Progbar(target=steps) if verbose == 1 else None
    else:
        batches = make_batches(num_samples, batch_size)
        progbar = Progbar(target=num_samples) if verbose == 1 else None
    for batch_index, (start, end) in enumerate(batches):
        batch = list(spec.arrays) if start is None else [a[start:end] for a in spec.arrays]
        size = 1 if start is None else end - start
        if batch_hooks:
            batch_logs = {'batch': batch_index, 'size': size}
            callbacks.on_test_batch_begin(batch_index, batch_logs)
        outs = spec.run(batch)
        for i, value in enumerate(outs[:len(labels)]):
            if i in stateful_positions:
                totals[i] = value
            else:
                totals[i] += value * size
        seen += size
        if batch_hooks:
            for label, value in zip(labels, outs):
                batch_logs[label] = value
            callbacks.on_test_batch_end(batch_index, batch_logs)
        if progbar is not None:
            progbar.update(batch_index + 1 if start is None else end)
    results = [totals[i] if i in stateful_positions else totals[i] / max(seen, 1) for i in range(len(labels))]
    results = [_scalar(r) for r in results]
    callbacks.on_test_end(dict(zip(labels, results)))
    return results[0] if len(results) == 1 else results


def predict_loop(model, function, arrays, extra, batch_size=32, verbose=0, steps=None, callbacks=None):
    """Predicts in batches; returns an array or a list of arrays (one per output)."""
    from ..utils.progbar import Progbar
    num_samples = check_num_samples(arrays, batch_size=batch_size, steps=steps, steps_name='steps')
    callbacks = callbacks if isinstance(callbacks, cbks.CallbackList) else cbks.CallbackList(callbacks)
    batch_hooks = callbacks.needs_batch_hooks('predict')
    callbacks.on_predict_begin()
    if steps is not None:
        results = []
        progbar = Progbar(target=steps) if verbose == 1 else None
        for step in range(steps):
            if batch_hooks:
                callbacks.on_predict_batch_begin(step, {'batch': step, 'size': 1})
            outs = function(list(arrays) + extra)
            if batch_hooks:
                callbacks.on_predict_batch_end(step, {'batch': step, 'size': 1, 'outputs': outs})
            if not results:
                results = [[] for _ in outs]
            for r, o in zip(results, outs):
                r.append(o)
            if progbar is not None:
                progbar.update(step + 1)
        outputs = [np.concatenate(r) for r in results]
    else:
        outputs = []
        progbar = Progbar(target=num_samples) if verbose == 1 else None
        for batch_index, (start, end) in enumerate(make_batches(num_samples, batch_size)):
            if batch_hooks:
                callbacks.on_predict_batch_begin(batch_index, {'batch': batch_index, 'size': end - start})
            outs = function([a[start:end] for a in arrays] + extra)
            if batch_hooks:
                callbacks.on_predict_batch_end(batch_index, {'batch': batch_index, 'size': end - start,
                                                             'outputs': outs})
            if batch_index == 0:
                outputs = [np.empty((num_samples,) + o.shape[1:], dtype=o.dtype) for o in outs]
            for out, o in zip(outputs, outs):
                out[start:end] = o
            if progbar is not None:
                progbar.update(end)
    callbacks.on_predict_end()
    return outputs[0] if len(outputs) == 1 else outputs
