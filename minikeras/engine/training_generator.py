"""Loops over batches from Python generators and `utils.Sequence` objects.

Batches come through an enqueuer (threads or processes, as `workers` and
`use_multiprocessing` ask) or, with `workers=0`, straight from the generator
on the main thread. Each batch goes through `train_on_batch` /
`test_on_batch` / `predict_on_batch`, so the compiled functions are the same
as for arrays.
"""
import inspect

import numpy as np

from .. import callbacks as cbks
from . import training_arrays
from .training_utils import configure_callbacks
from ..utils.data_utils import GeneratorEnqueuer, OrderedEnqueuer, Sequence, iter_sequence_infinite


def is_generator_like(x):
    """True for generators, iterators and `Sequence` objects (not arrays, lists or dicts)."""
    if isinstance(x, Sequence) or inspect.isgenerator(x):
        return True
    return hasattr(x, '__next__') and not isinstance(x, (np.ndarray, list, tuple, dict))


def _batch_source(generator, workers, use_multiprocessing, max_queue_size, shuffle=False):
    """(iterator over batches, enqueuer or None)."""
    is_sequence = isinstance(generator, Sequence)
    if workers > 0:
        if is_sequence:
            enqueuer = OrderedEnqueuer(generator, use_multiprocessing=use_multiprocessing, shuffle=shuffle)
        else:
            enqueuer = GeneratorEnqueuer(generator, use_multiprocessing=use_multiprocessing)
        enqueuer.start(workers=workers, max_queue_size=max_queue_size)
        return enqueuer.get(), enqueuer
    if is_sequence:
        return iter_sequence_infinite(generator), None
    return generator, None


def _unpack(output, what):
    if not isinstance(output, tuple) or len(output) not in (2, 3):
        raise ValueError('Output of generator should be a tuple `(x, y, sample_weight)` or `(x, y)`. Found: %s'
                         % (str(output)[:200],))
    if len(output) == 2:
        return output[0], output[1], None
    return output


def _batch_size(x):
    if isinstance(x, dict):
        x = list(x.values())
    if isinstance(x, list):
        x = x[0]
    return int(np.shape(x)[0])


def _next(source, what):
    try:
        return next(source)
    except StopIteration:
        raise ValueError('The %s generator was exhausted before the requested number of steps.' % what)


def fit_generator(model, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                  validation_data=None, validation_steps=None, class_weight=None, max_queue_size=10, workers=1,
                  use_multiprocessing=False, shuffle=True, initial_epoch=0):
    """Trains `model` on batches from `generator`; returns a `History`."""
    is_sequence = isinstance(generator, Sequence)
    if steps_per_epoch is None:
        if not is_sequence:
            raise ValueError('`steps_per_epoch=None` is only valid for a generator based on the '
                             '`minikeras.utils.Sequence` class. Please specify `steps_per_epoch`.')
        steps_per_epoch = len(generator)
    do_validation = bool(validation_data)
    val_gen = do_validation and is_generator_like(validation_data)
    if val_gen and validation_steps is None:
        if not isinstance(validation_data, Sequence):
            raise ValueError('`validation_steps=None` is only valid for a validation generator based on the '
                             '`minikeras.utils.Sequence` class. Please specify `validation_steps`.')
        validation_steps = len(validation_data)
    if do_validation and not val_gen:
        if len(validation_data) not in (2, 3):
            raise ValueError('`validation_data` should be a tuple `(val_x, val_y, val_sample_weight)` or '
                             '`(val_x, val_y)`. Found: %s' % (str(validation_data)[:200],))

    source, enqueuer = _batch_source(generator, workers, use_multiprocessing, max_queue_size, shuffle=shuffle)
    epoch_logs = {}
    try:
        pending = None
        if initial_epoch < epochs and steps_per_epoch > 0:
            # The first batch builds / compiles a deferred model; the metric names come after it.
            pending = _unpack(_next(source, 'training'), 'training')
            model._standardize_user_data(pending[0], pending[1])
        if do_validation and model.built:
            model._make_test_function()
        val_arrays = None
        if do_validation and not val_gen and model.built:
            val_sw = validation_data[2] if len(validation_data) == 3 else None
            val_x, val_y, val_w = model._standardize_user_data(validation_data[0], validation_data[1],
                                                               sample_weight=val_sw)
            val_arrays = val_x + val_y + val_w
        labels = list(getattr(model, 'metrics_names', None) or [])  # none when no epoch builds the model
        callback_list, callback_model = configure_callbacks(
            model, callbacks, labels, epochs, verbose, do_validation=do_validation, validation_data=val_arrays,
            steps=steps_per_epoch, count_mode='steps')
        for epoch in range(initial_epoch, epochs):
            for metric in getattr(model, 'stateful_metric_functions', []):
                metric.reset_states()
            callback_list.on_epoch_begin(epoch)
            step_outputs = []
            size = None
            for step in range(steps_per_epoch):
                if pending is not None:
                    (x, y, sample_weight), pending = pending, None
                else:
                    x, y, sample_weight = _unpack(_next(source, 'training'), 'training')
                size = _batch_size(x)
                batch_logs = {'batch': step, 'size': size}
                callback_list.on_batch_begin(step, batch_logs)
                outs = model.train_on_batch(x, y, sample_weight=sample_weight, class_weight=class_weight)
                outs = outs if isinstance(outs, list) else [outs]
                for label, value in zip(labels, outs):
                    batch_logs[label] = value
                step_outputs.append((outs, size))
                callback_list.on_batch_end(step, batch_logs)
                if callback_model.stop_training:
                    break
            epoch_logs = _aggregate(model, labels, step_outputs)
            if do_validation and step_outputs and len(step_outputs) == steps_per_epoch:
                if val_gen:
                    val_outs = evaluate_generator(model, validation_data, steps=validation_steps,
                                                  max_queue_size=max_queue_size, workers=workers,
                                                  use_multiprocessing=use_multiprocessing, callbacks=callback_list)
                else:
                    # As Keras 2.2: validation arrays in batches of the last training batch's size.
                    val_spec = model._loop_spec(model.test_function, val_arrays, 0)
                    val_outs = training_arrays.test_loop(model, val_spec, batch_size=size or 32, verbose=0,
                                                         callbacks=callback_list)
                val_outs = val_outs if isinstance(val_outs, list) else [val_outs]
                for label, value in zip(labels, val_outs):
                    epoch_logs['val_' + label] = value
            callback_list.on_epoch_end(epoch, epoch_logs)
            if callback_model.stop_training:
                break
    finally:
        if enqueuer is not None:
            enqueuer.stop()
    callback_list.on_train_end(epoch_logs)
    return model.history


def _aggregate(model, labels, step_outputs):
    """Epoch values: batch-size weighted means, last value for stateful metrics."""
    if not step_outputs:
        return {}
    stateful = set(getattr(model, 'stateful_metric_names', []))
    sizes = np.asarray([size for _, size in step_outputs], dtype='float64')
    logs = {}
    for i, label in enumerate(labels):
        if label in stateful:
            logs[label] = step_outputs[-1][0][i]
        else:
            logs[label] = float(np.average([outs[i] for outs, _ in step_outputs], weights=sizes))
    return logs


def evaluate_generator(model, generator, steps=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                       verbose=0, callbacks=None):
    """Evaluates `model` on batches from `generator`: a scalar loss or a list."""
    from ..utils.progbar import Progbar
    if steps is None:
        if not isinstance(generator, Sequence):
            raise ValueError('`steps=None` is only valid for a generator based on the `minikeras.utils.Sequence` '
                             'class. Please specify `steps`.')
        steps = len(generator)
    callbacks = callbacks if isinstance(callbacks, cbks.CallbackList) else cbks.CallbackList(callbacks)
    for metric in getattr(model, 'stateful_metric_functions', []):
        metric.reset_states()
    source, enqueuer = _batch_source(generator, workers, use_multiprocessing, max_queue_size)
    progbar = Progbar(target=steps) if verbose == 1 else None
    step_outputs = []
    labels = None
    callbacks.on_test_begin()
    try:
        for step in range(steps):
            x, y, sample_weight = _unpack(_next(source, 'evaluation'), 'evaluation')
            callbacks.on_test_batch_begin(step, {'batch': step, 'size': _batch_size(x)})
            outs = model.test_on_batch(x, y, sample_weight=sample_weight)
            outs = outs if isinstance(outs, list) else [outs]
            labels = list(model.metrics_names)
            step_outputs.append((outs, _batch_size(x)))
            logs = dict(zip(labels, outs))
            logs.update({'batch': step, 'size': _batch_size(x)})
            callbacks.on_test_batch_end(step, logs)
            if progbar is not None:
                progbar.update(step + 1)
    finally:
        if enqueuer is not None:
            enqueuer.stop()
    logs = _aggregate(model, labels or [], step_outputs)
    callbacks.on_test_end(logs)
    results = [logs[label] for label in (labels or [])]
    return results[0] if len(results) == 1 else results


def predict_generator(model, generator, steps=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                      verbose=0, callbacks=None):
    """Predictions for input batches from `generator` (x, or (x, y[, w]) whose x is used)."""
    from ..utils.progbar import Progbar
    if steps is None:
        if not isinstance(generator, Sequence):
            raise ValueError('`steps=None` is only valid for a generator based on the `minikeras.utils.Sequence` '
                             'class. Please specify `steps`.')
        steps = len(generator)
    callbacks = callbacks if isinstance(callbacks, cbks.CallbackList) else cbks.CallbackList(callbacks)
    source, enqueuer = _batch_source(generator, workers, use_multiprocessing, max_queue_size)
    progbar = Progbar(target=steps) if verbose == 1 else None
    results = []
    callbacks.on_predict_begin()
    try:
        for step in range(steps):
            output = _next(source, 'prediction')
            x = output[0] if isinstance(output, tuple) and len(output) in (2, 3) else output
            callbacks.on_predict_batch_begin(step, {'batch': step, 'size': _batch_size(x)})
            outs = model.predict_on_batch(x)
            outs = outs if isinstance(outs, list) else [outs]
            callbacks.on_predict_batch_end(step, {'batch': step, 'size': _batch_size(x), 'outputs': outs})
            if not results:
                results = [[] for _ in outs]
            for r, o in zip(results, outs):
                r.append(o)
            if progbar is not None:
                progbar.update(step + 1)
    finally:
        if enqueuer is not None:
            enqueuer.stop()
    callbacks.on_predict_end()
    outputs = [np.concatenate(r) for r in results]
    return outputs[0] if len(outputs) == 1 else outputs
