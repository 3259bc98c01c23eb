"""Callbacks: hooks called by `fit`, `evaluate` and `predict`.

Keras 2 protocol: `logs` is always a dict; batch logs carry `batch` and
`size`; epoch logs carry the epoch averages of the loss and metrics and the
`val_` values; validation inside `fit` fires the test hooks.

Besides the base protocol this module has the Keras 2.2 training callbacks:
`ModelCheckpoint`, `EarlyStopping`, `ReduceLROnPlateau`,
`LearningRateScheduler`, `TerminateOnNaN`, `CSVLogger`, `RemoteMonitor` and
`TensorBoard` (in `minikeras.tensorboard`).
"""
import csv
import inspect
import io
import json
import os
import warnings
from collections import OrderedDict

import numpy as np
import six

from . import backend as K
from .utils.progbar import Progbar


def _is_chief_process():
    """False on the worker processes of a data-parallel run, which neither print
    progress nor write files (see `minikeras.distribute.init`)."""
    from .distribute.runtime import is_chief
    return is_chief()


class Callback(object):
    """Base class of callbacks.

    Attributes:
        params: dict of training parameters (batch_size, epochs, steps,
            samples, verbose, do_validation, metrics).
        model: the model being trained.
    """

    def __init__(self):
        self.validation_data = None
        self.model = None
        self.params = {}

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass


_BATCH_HOOKS = {
    'train': ('on_batch_begin', 'on_batch_end', 'on_train_batch_begin', 'on_train_batch_end'),
    'test': ('on_test_batch_begin', 'on_test_batch_end'),
    'predict': ('on_predict_batch_begin', 'on_predict_batch_end'),
}


def _overrides(callback, method):
    flag = getattr(callback, '_has_batch_hooks', None)  # LambdaCallback sets its hooks per instance
    if flag is not None:
        return flag and method in _BATCH_HOOKS['train']
    impl = getattr(type(callback), method, None)
    return impl is not None and impl is not getattr(Callback, method)


class CallbackList(object):
    """A list of callbacks called together.

    `needs_batch_hooks(mode)` tells the loops whether any callback overrides a
    batch hook, so batch logs are only built when someone reads them.
    """

    def __init__(self, callbacks=None):
        self.callbacks = [c for c in (callbacks or [])]
        self._batch_hook_cache = {}

    def append(self, callback):
        self.callbacks.append(callback)
        self._batch_hook_cache = {}

    def set_params(self, params):
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model):
        for callback in self.callbacks:
            callback.set_model(model)

    def needs_batch_hooks(self, mode='train'):
        if mode not in self._batch_hook_cache:
            self._batch_hook_cache[mode] = any(
                _overrides(c, m) or not isinstance(c, Callback) for c in self.callbacks for m in _BATCH_HOOKS[mode])
        return self._batch_hook_cache[mode]

    def _call(self, method, *args):
        for callback in self.callbacks:
            getattr(callback, method)(*args)

    def on_epoch_begin(self, epoch, logs=None):
        self._call('on_epoch_begin', epoch, {} if logs is None else logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call('on_epoch_end', epoch, {} if logs is None else logs)

    def on_batch_begin(self, batch, logs=None):
        self._call('on_train_batch_begin', batch, {} if logs is None else logs)

    def on_batch_end(self, batch, logs=None):
        self._call('on_train_batch_end', batch, {} if logs is None else logs)

    on_train_batch_begin = on_batch_begin
    on_train_batch_end = on_batch_end

    def on_test_batch_begin(self, batch, logs=None):
        self._call('on_test_batch_begin', batch, {} if logs is None else logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call('on_test_batch_end', batch, {} if logs is None else logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call('on_predict_batch_begin', batch, {} if logs is None else logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call('on_predict_batch_end', batch, {} if logs is None else logs)

    def on_train_begin(self, logs=None):
        self._call('on_train_begin', {} if logs is None else logs)

    def on_train_end(self, logs=None):
        self._call('on_train_end', {} if logs is None else logs)

    def on_test_begin(self, logs=None):
        self._call('on_test_begin', {} if logs is None else logs)

    def on_test_end(self, logs=None):
        self._call('on_test_end', {} if logs is None else logs)

    def on_predict_begin(self, logs=None):
        self._call('on_predict_begin', {} if logs is None else logs)

    def on_predict_end(self, logs=None):
        self._call('on_predict_end', {} if logs is None else logs)

    def __iter__(self):
        return iter(self.callbacks)


class BaseLogger(Callback):
    """Accumulates the sample-weighted epoch averages of the batch metrics into the epoch logs.

    (`fit` computes these averages itself; this class is kept for code that
    adds it explicitly.)

    Args:
        stateful_metrics: names of metrics reported as their last value.
    """

    def __init__(self, stateful_metrics=None):
        super(BaseLogger, self).__init__()
        self.stateful_metrics = set(stateful_metrics or [])

    def on_epoch_begin(self, epoch, logs=None):
        self.seen = 0
        self.totals = {}

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        batch_size = logs.get('size', 0)
        self.seen += batch_size
        for k, v in logs.items():
            if k in ('batch', 'size'):
                continue
            if k in self.stateful_metrics:
                self.totals[k] = v
            elif k in self.totals:
                self.totals[k] += v * batch_size
            else:
                self.totals[k] = v * batch_size

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        for k in self.params.get('metrics', []):
            if k in self.totals:
                logs[k] = self.totals[k] if k in self.stateful_metrics else self.totals[k] / self.seen


class History(Callback):
    """Records the epoch logs: `history.history[name]` is a list with one value per epoch."""

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.epoch.append(epoch)
        for k, v in logs.items():
            self.history.setdefault(k, []).append(v)


class ProgbarLogger(Callback):
    """Prints metrics to stdout with a `Progbar` (verbose=1) or one line per epoch (verbose=2).

    Args:
        count_mode: 'samples' or 'steps' (what the bar counts).
        stateful_metrics: names of metrics shown as-is instead of averaged.

    Raises:
        ValueError: unknown `count_mode`.
    """

    def __init__(self, count_mode='samples', stateful_metrics=None):
        super(ProgbarLogger, self).__init__()
        if count_mode == 'samples':
            self.use_steps = False
        elif count_mode == 'steps':
            self.use_steps = True
        else:
            raise ValueError('Unknown `count_mode`: ' + str(count_mode))
        self.stateful_metrics = set(stateful_metrics or [])

    def on_train_begin(self, logs=None):
        self.verbose = self.params['verbose'] if _is_chief_process() else 0
        self.epochs = self.params['epochs']

    def on_epoch_begin(self, epoch, logs=None):
        self.target = self.params['steps'] if self.use_steps else self.params['samples']
        if self.verbose:
            self.progbar = Progbar(target=self.target, verbose=self.verbose, stateful_metrics=self.stateful_metrics,
                                   header='Epoch %d/%d' % (epoch + 1, self.epochs))
        self.seen = 0

    def on_batch_begin(self, batch, logs=None):
        if self.seen < self.target:
            self.log_values = []

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        self.seen += 1 if self.use_steps else logs.get('size', 0)
        for k in self.params['metrics']:
            if k in logs:
                self.log_values.append((k, logs[k]))
        if self.verbose and self.seen < self.target:
            self.progbar.update(self.seen, self.log_values)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        for k in self.params['metrics']:
            if k in logs:
                self.log_values.append((k, logs[k]))
        if self.verbose:
            self.progbar.update(self.seen, self.log_values)


class LambdaCallback(Callback):
    """A callback built from plain functions.

    Args:
        on_epoch_begin, on_epoch_end: `f(epoch, logs)`.
        on_batch_begin, on_batch_end: `f(batch, logs)`.
        on_train_begin, on_train_end: `f(logs)`.

    Example::

        LambdaCallback(on_batch_begin=lambda batch, logs: print(batch))
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None, on_batch_end=None,
                 on_train_begin=None, on_train_end=None, **kwargs):
        super(LambdaCallback, self).__init__()
        self.__dict__.update(kwargs)
        noop2 = (lambda a, logs: None)
        noop1 = (lambda logs: None)
        self.on_epoch_begin = on_epoch_begin if on_epoch_begin is not None else noop2
        self.on_epoch_end = on_epoch_end if on_epoch_end is not None else noop2
        self.on_batch_begin = on_batch_begin if on_batch_begin is not None else noop2
        self.on_batch_end = on_batch_end if on_batch_end is not None else noop2
        self.on_train_begin = on_train_begin if on_train_begin is not None else noop1
        self.on_train_end = on_train_end if on_train_end is not None else noop1
        self._has_batch_hooks = on_batch_begin is not None or on_batch_end is not None

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs)


def _resolve_mode(mode, monitor, owner):
    """Returns 'min' or 'max' for a monitored quantity.

    'auto' means 'max' when the name holds 'acc' (so also 'accuracy') or
    'fmeasure', as Keras 2.2, and 'min' otherwise. An unknown mode warns
    (RuntimeWarning) and falls back to 'auto', as Keras does.
    """
    if mode not in ('auto', 'min', 'max'):
        warnings.warn('%s mode %r is unknown, fallback to auto mode.' % (owner, mode), RuntimeWarning)
        mode = 'auto'
    if mode == 'auto':
        name = str(monitor)
        return 'max' if ('acc' in name or 'fmeasure' in name) else 'min'
    return mode


def _lr_variable(model, owner):
    optimizer = getattr(model, 'optimizer', None)
    if optimizer is None or not hasattr(optimizer, 'lr'):
        raise ValueError('%s needs a compiled model whose optimizer has an "lr" attribute; got optimizer %r.'
                         % (owner, optimizer))
    return optimizer.lr


def _lr_value(lr):
    """The learning rate as a Python float, the shortest decimal of the variable's own dtype (0.01, not 0.00999...)."""
    return float(str(np.asarray(K.get_value(lr))[()]))


def _missing_monitor_warning(owner, monitor, logs):
    warnings.warn('%s conditioned on metric `%s` which is not available. Available metrics are: %s'
                  % (owner, monitor, ','.join(sorted(logs.keys()))), RuntimeWarning)


class ModelCheckpoint(Callback):
    """Saves the model (or its weights) after every `period` epochs.

    `filepath` is formatted with `epoch` (1-based) and the epoch logs, so
    `'weights.{epoch:02d}-{val_loss:.2f}.h5'` writes one file per epoch with
    the epoch number and the validation loss in its name. Files are written
    with `model.save` / `model.save_weights`, which replace an existing file
    atomically.

    Args:
        filepath: path of the file to write; a `str.format` template.
        monitor: the quantity compared with `save_best_only`.
        verbose: 0 (silent) or 1 (a line per save or skipped save).
        save_best_only: save only when `monitor` improves on the best value
            seen so far (with a fixed `filepath` the file keeps the best model).
        save_weights_only: write `model.save_weights(filepath)` instead of
            `model.save(filepath)`.
        mode: 'auto', 'min' or 'max': whether an improvement of `monitor`
            means smaller or larger; 'auto' chooses 'max' for names holding
            'acc' or 'fmeasure', 'min' otherwise. An unknown mode warns and
            uses 'auto'.
        period: number of epochs between checkpoints.
        save_freq: 'epoch' (the default: checkpoints at epoch ends, every
            `period` epochs), or an int N: a checkpoint every N training
            batches, formatted and judged with the batch logs (as tf.keras).

    Raises:
        ValueError: `period` or an int `save_freq` below 1, any other
            `save_freq`, or an int `save_freq` together with `period` != 1.
        KeyError: (at save time) `filepath` names a field the logs lack.
    """

    def __init__(self, filepath, monitor='val_loss', verbose=0, save_best_only=False, save_weights_only=False,
                 mode='auto', period=1, save_freq='epoch'):
        super(ModelCheckpoint, self).__init__()
        if isinstance(save_freq, bool) or not (save_freq == 'epoch' or isinstance(save_freq, six.integer_types)):
            raise ValueError("ModelCheckpoint save_freq must be 'epoch' or an int number of batches; got %r."
                             % (save_freq,))
        if isinstance(save_freq, six.integer_types) and save_freq < 1:
            raise ValueError('ModelCheckpoint save_freq must be >= 1 batch; got %r.' % (save_freq,))
        if int(period) != period or period < 1:
            raise ValueError('ModelCheckpoint period must be an int >= 1; got %r.' % (period,))
        if save_freq != 'epoch' and period != 1:
            raise ValueError('ModelCheckpoint got save_freq=%r and period=%r; give one of them.' % (save_freq, period))
        self.filepath = filepath
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.period = int(period)
        self.save_freq = save_freq
        self.mode = _resolve_mode(mode, monitor, 'ModelCheckpoint')
        self.best = np.inf if self.mode == 'min' else -np.inf
        self.epochs_since_last_save = 0
        self._batches_seen = 0
        self._current_epoch = 0

    @property
    def _has_batch_hooks(self):
        # Read by CallbackList.needs_batch_hooks: the loops build batch logs only for callbacks that
        # read them; this class reads them with an int save_freq, or when a subclass adds a batch hook.
        if self.save_freq != 'epoch':
            return True
        return any(getattr(type(self), m) is not getattr(ModelCheckpoint, m) for m in _BATCH_HOOKS['train'])

    def _improved(self, current):
        return current < self.best if self.mode == 'min' else current > self.best

    def on_train_begin(self, logs=None):
        self._batches_seen = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        super(ModelCheckpoint, self).on_train_batch_end(batch, logs=logs)
        if self.save_freq == 'epoch':
            return
        self._batches_seen += 1
        if self._batches_seen % self.save_freq == 0:
            self._save(self._current_epoch, logs or {})

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq != 'epoch':
            return
        self.epochs_since_last_save += 1
        if self.epochs_since_last_save >= self.period:
            self.epochs_since_last_save = 0
            self._save(epoch, logs or {})

    def _format_path(self, epoch, logs):
        try:
            return self.filepath.format(epoch=epoch + 1, **logs)
        except KeyError as e:
            raise KeyError('ModelCheckpoint could not format filepath %r: the logs have no %s (they have: %s).'
                           % (self.filepath, e, ', '.join(sorted(logs)) or 'nothing'))

    def _write(self, filepath):
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)

    def _save(self, epoch, logs):
        if not _is_chief_process():
            return
        filepath = self._format_path(epoch, logs)
        if not self.save_best_only:
            if self.verbose > 0:
                print('\nEpoch %05d: saving model to %s' % (epoch + 1, filepath))
            self._write(filepath)
            return
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn('ModelCheckpoint can save the best model only with %s available, skipping. '
                          'Available metrics are: %s' % (self.monitor, ','.join(sorted(logs.keys()))),
                          RuntimeWarning)
            return
        if self._improved(current):
            if self.verbose > 0:
                print('\nEpoch %05d: %s improved from %0.5f to %0.5f, saving model to %s'
                      % (epoch + 1, self.monitor, self.best, current, filepath))
            self.best = current
            self._write(filepath)
        elif self.verbose > 0:
            print('\nEpoch %05d: %s did not improve from %0.5f' % (epoch + 1, self.monitor, self.best))


class EarlyStopping(Callback):
    """Stops training when a monitored quantity has stopped improving.

    At each epoch end, `monitor` improves when it beats the best value so far
    by more than `min_delta` (in the direction `mode` gives). After `patience`
    epochs without improvement it sets `model.stop_training`, and `fit` /
    `fit_generator` end after that epoch.

    Args:
        monitor: name of the epoch log to watch.
        min_delta: smallest change counted as an improvement (its sign is
            ignored).
        patience: number of epochs without improvement before stopping.
        verbose: 0 or 1 (prints the epoch it stopped at).
        mode: 'auto', 'min' or 'max' (see `ModelCheckpoint`).
        baseline: the value to beat: training stops after `patience` epochs
            that do not improve on it (Keras semantics), so `patience=0` with
            a baseline stops after the first epoch that misses it.
        restore_best_weights: when stopping, set the weights of the best
            epoch back into the model (as Keras 2.2, only when it stops early).

    Attributes:
        stopped_epoch: the 0-based epoch training stopped at (0 if it did not).
        best: the best monitored value seen (or `baseline`).
        wait: epochs since the last improvement.
    """

    def __init__(self, monitor='val_loss', min_delta=0, patience=0, verbose=0, mode='auto', baseline=None,
                 restore_best_weights=False):
        super(EarlyStopping, self).__init__()
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.min_delta = abs(min_delta)
        self.restore_best_weights = restore_best_weights
        self.mode = _resolve_mode(mode, monitor, 'EarlyStopping')
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best = None
        self._stopped = False

    def _improved(self, current):
        if self.mode == 'min':
            return current < self.best - self.min_delta
        return current > self.best + self.min_delta

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self._stopped = False
        self.best_weights = None
        if self.baseline is not None:
            self.best = self.baseline
        else:
            self.best = np.inf if self.mode == 'min' else -np.inf

    def get_monitor_value(self, logs):
        """Returns `logs[monitor]`, or None after warning that it is missing."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            _missing_monitor_warning('Early stopping', self.monitor, logs)
        return value

    def on_epoch_end(self, epoch, logs=None):
        current = self.get_monitor_value(logs)
        if current is None:
            return
        if self._improved(current):
            self.best = current
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self._stopped = True
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                if self.verbose > 0:
                    print('Restoring model weights from the end of the best epoch')
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self._stopped and self.verbose > 0:
            print('Epoch %05d: early stopping' % (self.stopped_epoch + 1))


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by `factor` when a metric has stopped improving.

    At each epoch end it records the optimizer's current learning rate in
    the logs as `lr` (so `History` keeps it), then compares `monitor` with
    the best value so far. After `patience` epochs without an improvement of
    more than `min_delta`, the rate becomes `max(lr * factor, min_lr)` (it is
    never raised: a rate already at or below `min_lr` is left alone), and
    `cooldown` epochs pass before epochs without improvement count again.
    The rate is the optimizer's `lr` variable, read and written with
    `K.get_value` / `K.set_value`.

    Args:
        monitor: name of the epoch log to watch.
        factor: the multiplier, in [0, 1).
        patience: epochs without improvement before a reduction.
        verbose: 0 or 1 (prints each reduction).
        mode: 'auto', 'min' or 'max' (see `ModelCheckpoint`).
        min_delta: threshold of a significant change. The older name
            `epsilon` is accepted too (with a UserWarning, as in Keras 2).
        cooldown: epochs to wait after a reduction before counting epochs
            without improvement again. As in Keras 2.2 the counter is
            decremented at the start of each epoch-end check, so the epoch
            where it reaches 0 counts again: `cooldown=c` pauses the
            counting for `c - 1` epochs.
        min_lr: lower bound of the learning rate.

    Raises:
        ValueError: `factor` >= 1 or < 0.
        TypeError: an unknown keyword argument, or both `min_delta` and
            `epsilon` given with different values.
    """

    def __init__(self, monitor='val_loss', factor=0.1, patience=10, verbose=0, mode='auto', min_delta=1e-4,
                 cooldown=0, min_lr=0, **kwargs):
        super(ReduceLROnPlateau, self).__init__()
        if 'epsilon' in kwargs:
            epsilon = kwargs.pop('epsilon')
            if min_delta != 1e-4 and min_delta != epsilon:
                raise TypeError('ReduceLROnPlateau got both min_delta=%r and epsilon=%r; epsilon is the old name '
                                'of min_delta, give one.' % (min_delta, epsilon))
            warnings.warn('ReduceLROnPlateau: the `epsilon` argument is deprecated, use `min_delta` instead.')
            min_delta = epsilon
        if kwargs:
            raise TypeError('ReduceLROnPlateau got unexpected keyword argument(s): %s'
                            % ', '.join(sorted(kwargs)))
        if factor >= 1.0:
            raise ValueError('ReduceLROnPlateau does not support a factor >= 1.0 (got factor=%r): the learning '
                             'rate would not be reduced.' % (factor,))
        if factor < 0:
            raise ValueError('ReduceLROnPlateau factor must be >= 0; got factor=%r.' % (factor,))
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.min_delta = min_delta
        self.cooldown = cooldown
        self.min_lr = min_lr
        self.mode = _resolve_mode(mode, monitor, 'ReduceLROnPlateau')
        self._reset()

    def _reset(self):
        self.best = np.inf if self.mode == 'min' else -np.inf
        self.cooldown_counter = 0
        self.wait = 0

    def _improved(self, current):
        if self.mode == 'min':
            return current < self.best - self.min_delta
        return current > self.best + self.min_delta

    def in_cooldown(self):
        """Whether a reduction happened less than `cooldown` epochs ago."""
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        lr = _lr_variable(self.model, 'ReduceLROnPlateau')
        logs['lr'] = _lr_value(lr)
        current = logs.get(self.monitor)
        if current is None:
            _missing_monitor_warning('Reduce LR on plateau', self.monitor, logs)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improved(current):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait >= self.patience:
            old_lr = _lr_value(lr)
            if old_lr > self.min_lr:
                new_lr = max(old_lr * self.factor, self.min_lr)
                K.set_value(lr, new_lr)
                if self.verbose > 0:
                    print('\nEpoch %05d: ReduceLROnPlateau reducing learning rate to %s.' % (epoch + 1, new_lr))
                self.cooldown_counter = self.cooldown
                self.wait = 0


def _takes_two_args(fn):
    """Whether `fn` can be called as `fn(epoch, lr)` (None when its signature cannot be read)."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    positional = 0
    for param in signature.parameters.values():
        if param.kind == param.VAR_POSITIONAL:
            return True
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            positional += 1
    return positional >= 2


class LearningRateScheduler(Callback):
    """Sets the learning rate at the start of each epoch from a schedule.

    Args:
        schedule: a function `schedule(epoch)` or `schedule(epoch, lr)`
            taking the 0-based epoch index (and the current learning rate as a
            float) and returning the new learning rate as a float. Which
            form is used is read from the function's signature.
        verbose: 0 or 1 (prints the rate set at each epoch).

    Raises:
        ValueError: (during `fit`) the schedule returned something that is not
            a float (an int included, as Keras), naming it; or the optimizer
            has no `lr`.

    The epoch logs get the rate in use as `lr`.
    """

    def __init__(self, schedule, verbose=0):
        super(LearningRateScheduler, self).__init__()
        if not callable(schedule):
            raise ValueError('LearningRateScheduler schedule must be callable; got %r.' % (schedule,))
        self.schedule = schedule
        self.verbose = verbose
        self._two_args = _takes_two_args(schedule)

    def _call_schedule(self, epoch, lr):
        if self._two_args is None:  # no readable signature: try the two-argument form first, as Keras
            try:
                return self.schedule(epoch, lr)
            except TypeError:
                return self.schedule(epoch)
        return self.schedule(epoch, lr) if self._two_args else self.schedule(epoch)

    def on_epoch_begin(self, epoch, logs=None):
        lr_var = _lr_variable(self.model, 'LearningRateScheduler')
        lr = self._call_schedule(epoch, _lr_value(lr_var))
        if isinstance(lr, (bool, np.bool_)) or not isinstance(lr, (float, np.floating)):
            raise ValueError('The output of the LearningRateScheduler "schedule" function should be a float; '
                             'at epoch %d it returned %r (%s).' % (epoch, lr, type(lr).__name__))
        K.set_value(lr_var, float(lr))
        if self.verbose > 0:
            print('\nEpoch %05d: LearningRateScheduler setting learning rate to %s.' % (epoch + 1, lr))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs['lr'] = _lr_value(_lr_variable(self.model, 'LearningRateScheduler'))


class TerminateOnNaN(Callback):
    """Stops training as soon as a batch's loss is NaN or infinite.

    It sets `model.stop_training` after that batch; the epoch is closed
    (with `on_epoch_end`, without validation) and training ends. The
    message and the attributes `stopped_epoch` / `stopped_batch` (0-based,
    None while the loss stayed finite) name the batch where the loss first
    became non-finite.
    """

    def __init__(self):
        super(TerminateOnNaN, self).__init__()
        self.stopped_epoch = self.stopped_batch = None
        self._epoch = 0

    def on_train_begin(self, logs=None):
        self.stopped_epoch = self.stopped_batch = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get('loss')
        if loss is not None and not np.all(np.isfinite(loss)) and self.stopped_batch is None:
            self.stopped_epoch, self.stopped_batch = self._epoch, batch
            print('Batch %d: Invalid loss, terminating training (epoch %d, loss %s)'
                  % (batch, self._epoch + 1, loss))
            self.model.stop_training = True


def _csv_value(value):
    if isinstance(value, six.string_types):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    if isinstance(value, (list, tuple, np.ndarray)):
        return '[%s]' % ', '.join(str(v) for v in np.asarray(value).ravel())
    return value


class CSVLogger(Callback):
    """Writes one CSV row per epoch: the epoch (0-based) and the epoch logs.

    The columns are `epoch` then the log names in sorted order, fixed by the
    first epoch of the run; a name missing from a later epoch's logs (for
    example the `val_` values of an epoch cut short) is written as `NA`.
    Values with a string form are written as it; 1-D arrays and lists are
    written as `[a, b, ...]`. The file is flushed after each row and closed
    at the end of training.

    Args:
        filename: path of the CSV file.
        separator: the field delimiter (one character).
        append: add to an existing file instead of overwriting it (the
            header is written only if the file is empty or new).
    """

    def __init__(self, filename, separator=',', append=False):
        super(CSVLogger, self).__init__()
        self.sep = separator
        self.filename = filename
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        self.keys = None
        self.writer = None
        self.append_header = True
        if not _is_chief_process():
            return
        if self.append and os.path.exists(self.filename):
            with io.open(self.filename, 'r') as f:
                self.append_header = not f.readline()
        self.csv_file = io.open(self.filename, 'a' if self.append else 'w', newline='')

    def on_epoch_end(self, epoch, logs=None):
        if self.csv_file is None:
            return
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs.keys())
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=['epoch'] + self.keys, delimiter=self.sep,
                                         lineterminator='\n', extrasaction='ignore')
            if self.append_header:
                self.writer.writeheader()
        row = OrderedDict([('epoch', epoch)])
        for key in self.keys:
            row[key] = _csv_value(logs[key]) if key in logs else 'NA'
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None:
            self.csv_file.close()
        self.csv_file = None
        self.writer = None


def _json_value(value):
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    return value


class RemoteMonitor(Callback):
    """Sends the epoch logs to a server with an HTTP POST at each epoch end.

    The event is a dict of `epoch` (0-based) and the epoch logs (numpy values
    as Python numbers / lists). It is sent to `root + path` either as a form
    field `field` holding the JSON text (the default), or, with
    `send_as_json=True`, as a JSON body (`Content-Type: application/json`).
    It uses the standard library (`urllib`), not `requests`; a request that
    fails (or takes more than 10 seconds) warns and training goes on.

    Args:
        root: the server's root URL.
        path: the path the events are posted to.
        field: the form field holding the JSON event.
        headers: dict of extra HTTP headers, or None.
        send_as_json: send the event as a JSON body instead of a form.
    """

    timeout = 10.0

    def __init__(self, root='http://localhost:9000', path='/publish/epoch/end/', field='data', headers=None,
                 send_as_json=False):
        super(RemoteMonitor, self).__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def build_request(self, epoch, logs=None):
        """Returns the `urllib.request.Request` that `on_epoch_end` sends."""
        from urllib.parse import urlencode
        from urllib.request import Request
        event = OrderedDict([('epoch', epoch)])
        for key, value in (logs or {}).items():
            event[key] = _json_value(value)
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(event).encode('utf-8')
            headers['Content-Type'] = 'application/json'
        else:
            body = urlencode({self.field: json.dumps(event)}).encode('utf-8')
            headers['Content-Type'] = 'application/x-www-form-urlencoded'
        return Request(self.root + self.path, data=body, headers=headers)

    def on_epoch_end(self, epoch, logs=None):
        from urllib.request import urlopen
        request = self.build_request(epoch, logs)
        try:
            urlopen(request, timeout=self.timeout).close()
        except (IOError, OSError, ValueError) as e:
            warnings.warn('Warning: could not reach RemoteMonitor root server at %s (%s)' % (self.root, e),
                          RuntimeWarning)


__all__ = ['Callback', 'CallbackList', 'BaseLogger', 'History', 'ProgbarLogger', 'LambdaCallback', 'TensorBoard',
           'ModelCheckpoint', 'EarlyStopping', 'ReduceLROnPlateau', 'LearningRateScheduler', 'TerminateOnNaN',
           'CSVLogger', 'RemoteMonitor']


from .tensorboard import TensorBoard  # noqa: E402,F401  (its own module: it needs the optional tensorboardX)
