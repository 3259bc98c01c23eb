"""`Model`: a `Network` that can be compiled, trained, evaluated and used to predict.

`compile` builds one `OutputRecord` per output, the total loss and the metric
tensors (`compile_utils`); the compiled functions are made lazily, once per
`compile`. Every public training method turns its data into an adapter
(`data_adapter`: arrays, generators and `Sequence`s alike) and runs the one
loop of `training_loop`; the `*_generator` methods are Keras 2 aliases.
A subclassed `Model` (layers as attributes, its own `call`) gets its inputs
from the first data it sees (`_set_inputs`).
"""
import warnings

import numpy as np

from .. import backend as K
from .. import optimizers
from ..legacy.interfaces import legacy_generator_methods_support
from ..utils.generic_utils import unpack_singleton
from . import input_checks, training_loop
from .compile_utils import CompiledMetrics, build_output_records, total_loss
from .data_adapter import ArrayData, Feed, GeneratorData, as_floatx, check_generator_arguments, is_generator_like
from .network import Network


class Model(Network):
    """A trainable graph of layers: `Model(inputs, outputs, name=None)`, or a subclass with its own `call`.

    Example::

        inputs = Input(shape=(784,))
        x = Dense(64, activation='relu')(inputs)
        outputs = Dense(10, activation='softmax')(x)
        model = Model(inputs, outputs)
        model.compile('rmsprop', 'categorical_crossentropy', metrics=['accuracy'])
        model.fit(data, labels, epochs=10, batch_size=32)
    """

    def compile(self, optimizer, loss=None, metrics=None, loss_weights=None, sample_weight_mode=None,
                weighted_metrics=None, target_tensors=None, **kwargs):
        """Configures the model for training.

        Args:
            optimizer: name or optimizer instance.
            loss: name, function, `Loss` instance, or a list / dict (by output
                name) of those; a single loss applies to every output. None
                (or an output missing from the dict) trains that output against
                no target: the model's `add_loss` losses alone are then minimised.
            metrics: list of metrics for all outputs, or a dict by output name.
                'acc'/'accuracy' picks binary / categorical / sparse accuracy.
            loss_weights: list or dict of scalars weighting the output losses.
            sample_weight_mode: None or 'temporal' (or a list / dict of those).
            weighted_metrics: metrics weighted by sample_weight / class_weight.
            target_tensors: tensors to use as targets instead of fed placeholders
                (a tensor, or a list / dict by output name).

        Raises:
            ValueError: unknown names, specifications that do not match the
                outputs, or no loss at all; TypeError: unknown keyword arguments
                or argument types.
        """
        if kwargs:
            raise TypeError('Invalid keyword argument(s) to compile: %s' % ', '.join(sorted(kwargs)))
        self.optimizer = optimizers.get(optimizer)
        self.loss, self.metrics, self.loss_weights = loss or {}, metrics or [], loss_weights
        self.sample_weight_mode, self.weighted_metrics = sample_weight_mode, weighted_metrics
        self._compile_args = dict(optimizer=self.optimizer, loss=loss, metrics=metrics, loss_weights=loss_weights,
                                  sample_weight_mode=sample_weight_mode, weighted_metrics=weighted_metrics,
                                  target_tensors=target_tensors)
        self._is_compiled = False
        if not self.built:
            return  # a deferred Sequential or a subclassed model: compiled once its inputs are known
        records = build_output_records(self, loss, loss_weights, sample_weight_mode, target_tensors)
        self.total_loss = total_loss(records, self.losses, self.name)
        self._compiled_metrics = CompiledMetrics(records, metrics, weighted_metrics, self.metric_tensors)
        self._output_records = records
        self.loss_functions = [r.loss_fn for r in records]
        self.targets = [r.target for r in records]
        self.sample_weights = [r.sample_weight for r in records]
        self.metrics_names = list(self._compiled_metrics.names)
        self.metrics_tensors = list(self._compiled_metrics.tensors)
        self.stateful_metric_names = list(self._compiled_metrics.stateful_names)
        self.stateful_metric_functions = list(self._compiled_metrics.stateful_functions)
        self._collected_trainable_weights = self.trainable_weights
        self.train_function = self.test_function = self.predict_function = None
        self._is_compiled = True

    # Inputs from data (deferred Sequential, subclassed models) ----------------------------
    def _build_from_data(self, x):
        """Sets the inputs of an unbuilt model from the first input data, then runs a deferred `compile`."""
        if not self.built:
            if isinstance(x, dict):
                x = list(x.values())
            self._set_inputs(x)
        if getattr(self, '_compile_args', None) is not None and not self._is_compiled:
            self.compile(**self._compile_args)

    # Compiled functions (built once per compile) ---------------------------------------
    def _check_compiled(self):
        if getattr(self, 'optimizer', None) is None or not getattr(self, '_is_compiled', False):
            raise RuntimeError('You must compile your model before training/testing. Use '
                               '`model.compile(optimizer, loss)`.')

    def _check_trainable_weights_consistency(self):
        """Warns (as Keras 2.2) when `trainable` changed after `compile`: training would use the old set."""
        collected = getattr(self, '_collected_trainable_weights', None)
        if collected is not None and len(collected) != len(self.trainable_weights):
            warnings.warn(UserWarning('Discrepancy between trainable weights and collected trainable weights, did '
                                      'you set `model.trainable` without calling `model.compile` after ?'))

    def _uses_dynamic_learning_phase(self):
        return self.uses_learning_phase and not isinstance(K.learning_phase(), int)

    @property
    def _feed_targets(self):
        """The target placeholders the compiled functions are fed (Keras 2.2's attribute, read by callbacks)."""
        return [r.target for r in self._output_records if r.fed]

    @property
    def _feed_sample_weights(self):
        """The sample-weight placeholders fed with the targets (Keras 2.2's attribute)."""
        return [r.sample_weight for r in self._output_records if r.fed]

    def _function_inputs(self):
        inputs = self._feed_inputs + self._feed_targets + self._feed_sample_weights
        return inputs + ([K.learning_phase()] if self._uses_dynamic_learning_phase() else [])

    def _function_outputs(self):
        outputs = [self.total_loss] + self._compiled_metrics.tensors
        return outputs + (list(self.outputs) if self._compiled_metrics.host else [])

    def _make_train_function(self):
        self._check_compiled()
        self._check_trainable_weights_consistency()
        if self.train_function is None:
            updates = self.optimizer.get_updates(loss=self.total_loss, params=self._collected_trainable_weights)
            updates = self.updates + list(updates) + self._compiled_metrics.updates
            self.train_function = K.function(self._function_inputs(), self._function_outputs(), updates=updates,
                                             name='train_function')

    def _make_test_function(self):
        self._check_compiled()
        if self.test_function is None:
            updates = self.state_updates + self._compiled_metrics.updates
            self.test_function = K.function(self._function_inputs(), self._function_outputs(), updates=updates,
                                            name='test_function')

    def _make_predict_function(self):
        if getattr(self, 'predict_function', None) is None:
            inputs = self._feed_inputs + ([K.learning_phase()] if self._uses_dynamic_learning_phase() else [])
            self.predict_function = K.function(inputs, self.outputs, updates=self.state_updates,
                                               name='predict_function')

    def _step(self, mode):
        """The `training_loop.Step` for 'train', 'test' or 'predict'."""
        phase = [np.uint8(mode == 'train')] if self._uses_dynamic_learning_phase() else []
        if mode == 'predict':
            self._make_predict_function()
            return training_loop.Step(self.predict_function, extra=phase)
        self._make_train_function() if mode == 'train' else self._make_test_function()
        metrics = self._compiled_metrics
        n_fed = sum(1 for r in self._output_records if r.fed)
        return training_loop.Step(self.train_function if mode == 'train' else self.test_function,
                                  labels=metrics.names, extra=phase, stateful_names=metrics.stateful_names,
                                  reset=metrics.stateful_functions, host=metrics.host,
                                  n_inputs=len(self._feed_inputs), n_targets=n_fed)

    # Data ----------------------------------------------------------------------------
    def _standardize_user_data(self, x, y=None, sample_weight=None, class_weight=None, check_array_lengths=True,
                               batch_size=None):
        """`(inputs, targets, sample_weights)` lists for the compiled functions (see `data_adapter.Feed`)."""
        if not self.built or (y is not None and not self._is_compiled):
            self._build_from_data(x)
        if y is not None:
            self._check_compiled()
        records = [r for r in getattr(self, '_output_records', []) if r.fed] if self._is_compiled else []
        feed = Feed(self._feed_input_names, self._feed_input_shapes, records, stateful_batch=self.stateful)
        xs, ys, ws = feed.standardize(x, y, sample_weight, class_weight, check_array_lengths, batch_size)
        input_checks.check_model_data(self, xs, ys)  # Embedding indices, sparse labels: before any work
        return xs, ys, ws

    def _generator_data(self, generator, steps, what, class_weight=None, check_finite=True, **options):
        """`GeneratorData` for `generator`, the model built (and compiled) from its first batch if needed;
        each batch is checked as it arrives (`check_finite`: no NaN / infinity)."""
        data = GeneratorData(generator, steps=steps, what=what, with_targets=what != 'prediction', **options)
        if not self.built and data.steps:
            self._build_from_data(data.peek()[0])

        method = {'training': 'fit', 'validation': 'fit', 'evaluation': 'evaluate', 'prediction': 'predict'}[what]

        def standardize(x, y, weights):
            input_checks.check_arrays(method, check_finite, x=x, y=y, sample_weight=weights)
            return self._standardize_user_data(x, y, sample_weight=weights, class_weight=class_weight)
        data.standardize = standardize
        return data

    def _array_data(self, x, y, sample_weight=None, class_weight=None, batch_size=None, steps=None, shuffle=False):
        xs, ys, ws = self._standardize_user_data(x, y, sample_weight=sample_weight, class_weight=class_weight,
                                                 batch_size=batch_size)
        return ArrayData(xs + ys + ws, batch_size=batch_size, steps=steps, shuffle=shuffle)

    def _validation_data(self, data, validation_data, validation_split, validation_steps, batch_size, queue):
        """`(training data, validation data or None)` for `fit`."""
        if validation_data is not None and is_generator_like(validation_data):
            return data, self._generator_data(validation_data, validation_steps, 'validation',
                                              steps_name='validation_steps', **queue)
        if validation_data:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
                raise ValueError('When passing validation_data, it must contain 2 (x_val, y_val) or 3 (x_val, '
                                 'y_val, val_sample_weights) items, however it contains %d items'
                                 % len(validation_data))
            val_x, val_y = validation_data[:2]
            val_weights = validation_data[2] if len(validation_data) == 3 else None
            if batch_size is None and validation_steps is None:
                batch_size = 32
            return data, self._array_data(val_x, val_y, val_weights, batch_size=None if validation_steps else
                                          batch_size, steps=validation_steps)
        if validation_split and 0. < validation_split < 1. and isinstance(data, ArrayData) and data.steps is None:
            return data.split(validation_split)
        if validation_steps and isinstance(data, ArrayData):
            return data, ArrayData(data.arrays, steps=validation_steps)
        return data, None

    # Public API ------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None, validation_split=0.,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, max_queue_size=10, workers=1, use_multiprocessing=False,
            check_finite=True, **kwargs):
        """Trains the model for a number of epochs; returns a `History`.

        Args:
            x, y: arrays, lists of arrays, or dicts keyed by input / output names
                (also scipy.sparse matrices and h5py datasets / `HDF5Matrix`,
                sliced per batch: use `shuffle='batch'` for those); or `x` a
                generator / `utils.Sequence` of `(x, y[, sample_weight])`.
            batch_size: samples per gradient update (default 32; not with generators).
            epochs: index of the last epoch (training runs from `initial_epoch`).
            verbose: 0 silent, 1 progress bar, 2 one line per epoch.
            callbacks: list of `Callback`.
            validation_split: fraction of the data (taken from the end) held out.
            validation_data: `(x_val, y_val)`, `(x_val, y_val, val_sample_weights)`,
                or a generator / `Sequence`.
            shuffle: True, False or 'batch'.
            class_weight: dict class index -> weight (or a dict / list per output).
            sample_weight: per-sample (or per-timestep) weights.
            initial_epoch: epoch to start from (for resuming).
            steps_per_epoch, validation_steps: batches per epoch / validation
                (for arrays: steps over the whole arrays).
            max_queue_size, workers, use_multiprocessing: how batches of a
                generator or `Sequence` input are prepared.
            check_finite: refuse NaN / infinity in `x`, `y`, `sample_weight`
                and `validation_data` (default True; generator batches are
                checked as they arrive).

        Raises:
            TypeError, ValueError: a bad argument (type or range), named with
                the value received, before any work.
            ValueError: inconsistent data (checked before training starts), or
                `y`, `sample_weight` or `validation_split` given with a
                generator / `Sequence` input.
        """
        if 'nb_epoch' in kwargs:
            warnings.warn('The `nb_epoch` argument in `fit` has been renamed `epochs`.')
            epochs = kwargs.pop('nb_epoch')
        if kwargs:
            raise TypeError('Unrecognized keyword arguments to fit: %s' % ', '.join(sorted(kwargs)))
        input_checks.check_fit_arguments(batch_size, epochs, verbose, callbacks, validation_split, shuffle,
                                         initial_epoch, steps_per_epoch, validation_steps)
        queue = dict(max_queue_size=max_queue_size, workers=workers, use_multiprocessing=use_multiprocessing,
                     check_finite=check_finite)
        if is_generator_like(x):
            check_generator_arguments(x, 'fit', y=y, sample_weight=sample_weight, validation_split=validation_split)
            input_checks.check_generator_arguments('fit', steps_per_epoch, epochs, initial_epoch, validation_steps,
                                                   max_queue_size, workers, verbose, callbacks,
                                                   steps_name='steps_per_epoch')
            data = self._generator_data(x, steps_per_epoch, 'training', class_weight, shuffle=shuffle,
                                        steps_name='steps_per_epoch', **queue)
            batch_size = None
        else:
            if batch_size is None and steps_per_epoch is None:
                batch_size = 32
            if x is None and y is None and steps_per_epoch is None:
                raise ValueError('If fitting from data tensors, you should specify the `steps_per_epoch` argument.')
            validation_arrays = validation_data if isinstance(validation_data, (list, tuple)) else ()
            input_checks.check_arrays('fit', check_finite, x=x, y=y, sample_weight=sample_weight,
                                      **{'validation_data[%d]' % i: v for i, v in enumerate(validation_arrays)})
            data = self._array_data(x, y, sample_weight, class_weight, batch_size, steps_per_epoch, shuffle)
        data, val_data = self._validation_data(data, validation_data, validation_split, validation_steps,
                                               batch_size, queue)
        step = self._step('train')
        val_step = self._step('test') if val_data is not None else None
        return training_loop.fit(self, step, data, epochs=epochs, initial_epoch=initial_epoch, verbose=verbose,
                                 callbacks=callbacks, val_step=val_step, val_data=val_data, batch_size=batch_size)

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None, steps=None,
                 callbacks=None, max_queue_size=10, workers=1, use_multiprocessing=False, check_finite=True):
        """Loss (and metrics) in test mode: a scalar, or a list named by `metrics_names`.

        `x` may also be a generator or `utils.Sequence` of `(x, y[, sample_weight])`.

        Raises:
            ValueError: inconsistent data, or `y` / `sample_weight` given with
                a generator / `Sequence` input.
        """
        input_checks.check_loop_arguments('evaluate', batch_size, steps, verbose, callbacks)
        if is_generator_like(x):
            check_generator_arguments(x, 'evaluate', y=y, sample_weight=sample_weight)
            input_checks.check_generator_arguments('evaluate', steps, max_queue_size=max_queue_size, workers=workers,
                                                   verbose=verbose, callbacks=callbacks)
            data = self._generator_data(x, steps, 'evaluation', max_queue_size=max_queue_size, workers=workers,
                                        use_multiprocessing=use_multiprocessing, check_finite=check_finite)
        else:
            if batch_size is None and steps is None:
                batch_size = 32
            if x is None and y is None and steps is None:
                raise ValueError('If evaluating from data tensors, you should specify the `steps` argument.')
            input_checks.check_arrays('evaluate', check_finite, x=x, y=y, sample_weight=sample_weight)
            data = self._array_data(x, y, sample_weight, batch_size=batch_size, steps=steps)
        return unpack_singleton(training_loop.evaluate(self._step('test'), data, callbacks, verbose))

    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None, max_queue_size=10, workers=1,
                use_multiprocessing=False, check_finite=True):
        """Output predictions for the input samples (an array, or a list for several outputs).

        `x` may also be a generator or `utils.Sequence` (of `x` or `(x, y[, w])`, whose `x` is used).
        `check_finite` (default True) refuses NaN / infinity in `x`.
        """
        input_checks.check_loop_arguments('predict', batch_size, steps, verbose, callbacks)
        if is_generator_like(x):
            input_checks.check_generator_arguments('predict', steps, max_queue_size=max_queue_size, workers=workers,
                                                   verbose=verbose, callbacks=callbacks)
            data = self._generator_data(x, steps, 'prediction', max_queue_size=max_queue_size, workers=workers,
                                        use_multiprocessing=use_multiprocessing, check_finite=check_finite)
        else:
            if batch_size is None and steps is None:
                batch_size = 32
            if x is None and steps is None:
                raise ValueError('If predicting from data tensors, you should specify the `steps` argument.')
            input_checks.check_arrays('predict', check_finite, x=x)
            data = ArrayData(self._standardize_user_data(x)[0], batch_size=batch_size, steps=steps)
            if self.stateful and data.num_samples and data.num_samples > batch_size and \
                    data.num_samples % batch_size:
                raise ValueError('In a stateful network, you should only pass inputs with a number of samples that '
                                 'can be divided by the batch size. Found: %d samples. Batch size: %d.'
                                 % (data.num_samples, batch_size))
        return unpack_singleton(training_loop.predict(self._step('predict'), data, callbacks, verbose))

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None, check_finite=True):
        """One gradient update on one batch; returns the loss (and metrics).

        `check_finite` (default True) refuses NaN / infinity in the data.
        """
        input_checks.check_arrays('train_on_batch', check_finite, x=x, y=y, sample_weight=sample_weight)
        x, y, sample_weights = self._standardize_user_data(x, y, sample_weight=sample_weight,
                                                           class_weight=class_weight)
        return unpack_singleton([as_floatx(o) for o in self._step('train').run(x + y + sample_weights)])

    def test_on_batch(self, x, y, sample_weight=None, check_finite=True):
        """Loss (and metrics) on one batch in test mode (`check_finite` as in `train_on_batch`)."""
        input_checks.check_arrays('test_on_batch', check_finite, x=x, y=y, sample_weight=sample_weight)
        x, y, sample_weights = self._standardize_user_data(x, y, sample_weight=sample_weight)
        return unpack_singleton([as_floatx(o) for o in self._step('test').run(x + y + sample_weights)])

    def predict_on_batch(self, x, check_finite=True):
        """Predictions for one batch (`check_finite`: refuse NaN / infinity in `x`)."""
        input_checks.check_arrays('predict_on_batch', check_finite, x=x)
        x, _, _ = self._standardize_user_data(x)
        return unpack_singleton(self._step('predict').run(x))

    def summary(self, line_length=None, positions=None, print_fn=None):
        """Prints the Keras table of layers, output shapes and parameter counts."""
        self._check_trainable_weights_consistency()
        return super(Model, self).summary(line_length=line_length, positions=positions, print_fn=print_fn)

    # Keras 2 generator aliases ----------------------------------------------------------
    @legacy_generator_methods_support  # Keras 1 names: samples_per_epoch, nb_epoch, nb_worker, ...
    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                      validation_data=None, validation_steps=None, class_weight=None, max_queue_size=10,
                      workers=1, use_multiprocessing=False, shuffle=True, initial_epoch=0, check_finite=True):
        """`fit` on batches from a generator or `utils.Sequence`; returns a `History`."""
        _require_generator(generator, 'fit_generator')
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
                        callbacks=callbacks, validation_data=validation_data, validation_steps=validation_steps,
                        class_weight=class_weight, max_queue_size=max_queue_size, workers=workers,
                        use_multiprocessing=use_multiprocessing, shuffle=shuffle, initial_epoch=initial_epoch,
                        check_finite=check_finite)

    @legacy_generator_methods_support
    def evaluate_generator(self, generator, steps=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                           verbose=0, callbacks=None, check_finite=True):
        """`evaluate` on batches from a generator or `utils.Sequence`."""
        _require_generator(generator, 'evaluate_generator')
        return self.evaluate(generator, steps=steps, max_queue_size=max_queue_size, workers=workers,
                             use_multiprocessing=use_multiprocessing, verbose=verbose, callbacks=callbacks,
                             check_finite=check_finite)

    @legacy_generator_methods_support
    def predict_generator(self, generator, steps=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                          verbose=0, callbacks=None, check_finite=True):
        """`predict` on input batches from a generator or `utils.Sequence`."""
        _require_generator(generator, 'predict_generator')
        return self.predict(generator, steps=steps, max_queue_size=max_queue_size, workers=workers,
                            use_multiprocessing=use_multiprocessing, verbose=verbose, callbacks=callbacks,
                            check_finite=check_finite)


def _require_generator(generator, method):
    if not is_generator_like(generator):
        raise ValueError('`%s` expects a generator, an iterator or a `minikeras.utils.Sequence`; got %s. For arrays, '
                         'use `%s`.' % (method, type(generator).__name__, method.split('_')[0]))
