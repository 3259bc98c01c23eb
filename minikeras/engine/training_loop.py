"""The one loop behind `fit`, `evaluate` and `predict`, for arrays and generators alike.

A pass walks the `(batch_arrays, size)` pairs of a data adapter
(`data_adapter.ArrayData` or `GeneratorData`), calls one compiled `Step` per
batch and aggregates the reported values with a single rule: a sample-count
weighted mean, except stateful metrics, which report their last value.
Batch callbacks get `{'batch', 'size', <metric>: value}` and are only built
when some callback has a batch hook; `fit` stops after the batch in which a
callback set `stop_training`, and then skips that epoch's validation.
"""
import numpy as np

from .. import callbacks as cbks
from . import training_utils
from .data_adapter import ArrayData, as_floatx

_HOOKS = {'train': ('on_batch_begin', 'on_batch_end'),
          'test': ('on_test_batch_begin', 'on_test_batch_end'),
          'predict': ('on_predict_batch_begin', 'on_predict_batch_end')}


class Step(object):
    """A compiled function and how to read its outputs.

    Args:
        function: the compiled `K.function` (inputs: the batch arrays, then `extra`).
        labels: names of the reported values (`metrics_names`; empty for predict).
        extra: values appended to every batch (the learning phase), possibly empty.
        stateful_names: labels reported as their last value instead of a mean.
        reset: stateful metric objects reset at the start of each pass.
        host: `(position, metric, output_index, weighted)` for stateful metrics
            updated outside the graph from the function's trailing prediction outputs.
        n_inputs, n_targets: to find y_true / sample weights in the batch arrays.
    """

    def __init__(self, function, labels=(), extra=(), stateful_names=(), reset=(), host=(), n_inputs=0, n_targets=0):
        self.function = function
        self.labels = list(labels)
        self.extra = list(extra)
        self.stateful_names = list(stateful_names)
        self.stateful_positions = set(i for i, name in enumerate(self.labels) if name in self.stateful_names)
        self.reset = list(reset)
        self.host = list(host)
        self.n_graph = len(self.labels) - len(self.host)
        self.n_inputs = n_inputs
        self.n_targets = n_targets

    def reset_metrics(self):
        for metric in self.reset:
            metric.reset_states()

    def run(self, batch):
        """Calls the function on one batch; returns the reported values (or the predictions)."""
        outs = self.function(batch + self.extra)
        if not self.host:
            return outs
        values, preds = list(outs[:self.n_graph]), outs[self.n_graph:]
        for position, metric, index, weighted in self.host:
            y_true = batch[self.n_inputs + index]
            if weighted:
                metric.update_state(y_true, preds[index], sample_weight=batch[self.n_inputs + self.n_targets + index])
            else:
                metric.update_state(y_true, preds[index])
            values.insert(position, as_floatx(metric.result()))
        return values


def run_pass(step, data, callbacks, mode, stop_model=None, progbar=None):
    """One epoch / evaluation / prediction over `data`.

    Returns:
        `(values, completed)`: for 'train' / 'test' the aggregated values in
        `step.labels` order (None when there was no batch), for 'predict' the
        per-output predictions concatenated over batches; `completed` is False
        when `stop_model.stop_training` ended the pass early.
    """
    hooks = callbacks.needs_batch_hooks(mode)
    begin, end = (getattr(callbacks, name) for name in _HOOKS[mode])
    labels, stateful = step.labels, step.stateful_positions
    totals, outputs, seen, completed = [0.] * len(labels), [], 0, True
    for index, (batch, size) in enumerate(data.batches()):
        if hooks:
            logs = {'batch': index, 'size': size}
            begin(index, logs)
        outs = step.run(batch)
        seen += size
        if mode == 'predict':
            outputs.append(outs)
        else:
            for i, value in enumerate(outs):
                totals[i] = value if i in stateful else totals[i] + value * size
        if hooks:
            if mode == 'predict':
                logs['outputs'] = outs
            else:
                logs.update(zip(labels, outs))
            end(index, logs)
        if progbar is not None:
            progbar.update(index + 1 if data.num_samples is None else seen)
        if stop_model is not None and stop_model.stop_training:
            completed = index == data.num_batches - 1
            break
    if mode == 'predict':
        return [np.concatenate(parts) for parts in zip(*outputs)], completed
    if not seen:
        return None, completed
    return [as_floatx(t if i in stateful else t / seen) for i, t in enumerate(totals)], completed


def _progbar(data, verbose):
    from ..utils.progbar import Progbar
    if verbose != 1:
        return None
    return Progbar(target=data.num_batches if data.num_samples is None else data.num_samples)


def _callback_list(callbacks):
    return callbacks if isinstance(callbacks, cbks.CallbackList) else cbks.CallbackList(callbacks)


def fit(model, step, data, epochs=1, initial_epoch=0, verbose=1, callbacks=None, val_step=None, val_data=None,
        batch_size=None):
    """Trains for epochs `initial_epoch .. epochs - 1`; returns the `History` (`model.history`).

    Args:
        model: the model (callbacks are bound to it; it gets `history`).
        step, data: the training `Step` and data adapter.
        val_step, val_data: validation `Step` and data adapter, or None.
        epochs, initial_epoch, verbose, callbacks, batch_size: as `Model.fit`.
    """
    do_validation = val_step is not None
    if (verbose and do_validation and isinstance(data, ArrayData) and isinstance(val_data, ArrayData)
            and data.num_samples is not None and val_data.num_samples is not None and cbks._is_chief_process()):
        print('Train on %d samples, validate on %d samples' % (data.num_samples, val_data.num_samples))
    callbacks, callback_model = training_utils.configure_callbacks(
        model, callbacks, step.labels, epochs, verbose, do_validation=do_validation,
        validation_data=val_data.arrays if isinstance(val_data, ArrayData) else None,
        steps=data.num_batches if data.num_samples is None else None, samples=data.num_samples,
        batch_size=batch_size, count_mode='steps' if data.num_samples is None else 'samples')
    epoch_logs = {}
    try:
        for epoch in range(initial_epoch, epochs):
            step.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            values, completed = run_pass(step, data, callbacks, 'train', stop_model=callback_model)
            epoch_logs = dict(zip(step.labels, values)) if values is not None else {}
            if do_validation and completed and values is not None:
                val_values = evaluate(val_step, val_data, callbacks)
                epoch_logs.update(('val_' + label, value) for label, value in zip(step.labels, val_values))
            callbacks.on_epoch_end(epoch, epoch_logs)
            if callback_model.stop_training:
                break
    finally:
        data.close()
    callbacks.on_train_end(epoch_logs)
    return model.history


def evaluate(step, data, callbacks=None, verbose=0):
    """Loss and metrics in test mode: the list of values in `step.labels` order."""
    callbacks = _callback_list(callbacks)
    step.reset_metrics()
    callbacks.on_test_begin()
    try:
        values, _ = run_pass(step, data, callbacks, 'test', progbar=_progbar(data, verbose))
    finally:
        data.close()
    values = values if values is not None else [0.] * len(step.labels)
    callbacks.on_test_end(dict(zip(step.labels, values)))
    return values


def predict(step, data, callbacks=None, verbose=0):
    """Predictions: one array per model output, batches concatenated."""
    callbacks = _callback_list(callbacks)
    callbacks.on_predict_begin()
    try:
        outputs, _ = run_pass(step, data, callbacks, 'predict', progbar=_progbar(data, verbose))
    finally:
        data.close()
    callbacks.on_predict_end()
    return outputs
