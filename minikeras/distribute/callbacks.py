"""Callbacks of a data-parallel run (the Horovod-Keras set) and `broadcast_weights`."""
import numpy as np

from .. import backend as K
from ..callbacks import Callback
from . import runtime


def broadcast_variables(variables, root_rank=0):
    """Sets every process's `variables` to their values on `root_rank` (one broadcast per variable)."""
    variables = list(variables)
    values = K.batch_get_value(variables)
    K.batch_set_value([(v, runtime.broadcast(value, root_rank)) for v, value in zip(variables, values)])


def broadcast_weights(model, root_rank=0):
    """Sets every process's model weights, and optimizer state when it exists,
    to the values on `root_rank`, so all processes start from the same point."""
    broadcast_variables(model.weights, root_rank)
    optimizer = getattr(model, 'optimizer', None)
    if optimizer is not None and getattr(optimizer, 'weights', None):
        broadcast_variables(optimizer.weights, root_rank)


class BroadcastGlobalVariablesCallback(Callback):
    """At the start of training, copies the weights and optimizer state of
    `root_rank` to every other process (random initialisations differ per
    process; a model loaded on one rank only is spread the same way).

    Args:
        root_rank: the process whose values are kept.
    """

    def __init__(self, root_rank=0):
        super(BroadcastGlobalVariablesCallback, self).__init__()
        self.root_rank = root_rank
        self.broadcast_done = False

    def on_train_begin(self, logs=None):
        if not self.broadcast_done:
            broadcast_weights(self.model, self.root_rank)
            self.broadcast_done = True


class MetricAverageCallback(Callback):
    """At the end of each epoch, replaces every numeric value in the epoch logs
    (loss, metrics, validation values) by its mean over all processes, so the
    callbacks after it (checkpoints, early stopping, CSV) see global figures.
    Put it before those callbacks in the list."""

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        names = sorted(k for k, v in logs.items() if isinstance(v, (int, float, np.floating, np.integer)))
        if not names:
            return
        means = runtime.allreduce(np.array([logs[k] for k in names], dtype=np.float64))
        for name, value in zip(names, means):
            logs[name] = float(value)


class LearningRateWarmupCallback(Callback):
    """Ramps the learning rate from `lr / size()` up to `lr` over the first
    `warmup_epochs` epochs (a large global batch trains badly from the start
    at a learning rate scaled by the number of processes).

    The rate at fractional epoch `e = epoch + batch / steps_per_epoch` is
    `lr * (e * (size() - 1) / warmup_epochs + 1) / size()`; from
    `warmup_epochs` on it is `lr`.

    Args:
        warmup_epochs: length of the ramp, in epochs (> 0).
        steps_per_epoch: batches per epoch; read from the training parameters when None.
        momentum_correction: for the one step after each change of the rate,
            scale SGD's `momentum` by the ratio of the new to the old rate (the
            velocity was accumulated at the old rate), then restore it.
        verbose: print the rate reached at the end of the warm-up (rank 0).
    """

    def __init__(self, warmup_epochs=5, steps_per_epoch=None, momentum_correction=True, verbose=0):
        super(LearningRateWarmupCallback, self).__init__()
        if not warmup_epochs > 0:
            raise ValueError('LearningRateWarmupCallback: warmup_epochs must be > 0, got %r' % (warmup_epochs,))
        self.warmup_epochs = warmup_epochs
        self.steps_per_epoch = steps_per_epoch
        self.momentum_correction = momentum_correction
        self.verbose = verbose
        self.initial_lr = None
        self.current_epoch = 0
        self._momentum_to_restore = None

    def on_train_begin(self, logs=None):
        if self.initial_lr is None:  # the target rate, read once: a later `fit` may start mid-ramp
            self.initial_lr = float(K.get_value(self.model.optimizer.lr))
        if self.steps_per_epoch is None:
            steps = self.params.get('steps')
            if steps is None and self.params.get('samples') and self.params.get('batch_size'):
                steps = int(np.ceil(self.params['samples'] / float(self.params['batch_size'])))
            self.steps_per_epoch = steps
        if not self.steps_per_epoch:
            raise ValueError('LearningRateWarmupCallback: pass steps_per_epoch (it cannot be read from '
                             'this fit call)')

    def on_epoch_begin(self, epoch, logs=None):
        self.current_epoch = epoch

    def on_batch_begin(self, batch, logs=None):
        progress = self.current_epoch + float(batch) / self.steps_per_epoch
        if progress > self.warmup_epochs:
            return
        n = runtime.size()
        self._set_lr(self.initial_lr * (progress * (n - 1) / self.warmup_epochs + 1) / n)

    def on_batch_end(self, batch, logs=None):
        if self._momentum_to_restore is not None:
            K.set_value(self.model.optimizer.momentum, self._momentum_to_restore)
            self._momentum_to_restore = None

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.warmup_epochs - 1:
            self._set_lr(self.initial_lr)
            if self.verbose and runtime.is_chief():
                print('\nEpoch %d: finished gradual learning rate warmup to %g.' % (epoch + 1, self.initial_lr))

    def _set_lr(self, new_lr):
        optimizer = self.model.optimizer
        old_lr = float(K.get_value(optimizer.lr))
        K.set_value(optimizer.lr, new_lr)
        if self.momentum_correction and hasattr(optimizer, 'momentum') and old_lr > 0 and new_lr != old_lr:
            momentum = float(K.get_value(optimizer.momentum))
            self._momentum_to_restore = momentum
            K.set_value(optimizer.momentum, momentum * new_lr / old_lr)
