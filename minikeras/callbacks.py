"""Callbacks: hooks called by `fit`, `evaluate` and `predict`.

Keras 2 protocol: `logs` is always a dict; batch logs carry `batch` and
`size`; epoch logs carry the epoch averages of the loss and metrics and the
`val_` values; validation inside `fit` fires the test hooks.
"""
from .utils.progbar import Progbar


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
        self.verbose = self.params['verbose']
        self.epochs = self.params['epochs']

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose:
            print('Epoch %d/%d' % (epoch + 1, self.epochs))
            self.target = self.params['steps'] if self.use_steps else self.params['samples']
            self.progbar = Progbar(target=self.target, verbose=self.verbose,
                                   stateful_metrics=self.stateful_metrics)
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


__all__ = ['Callback', 'CallbackList', 'BaseLogger', 'History', 'ProgbarLogger', 'LambdaCallback']
