"""`Model`: a `Network` that can be compiled, trained, evaluated and used to predict.

`compile` normalises the loss / metric / weight specifications once (see
`training_utils`), builds the symbolic total loss and metric tensors, and
leaves the train / test / predict functions to be compiled lazily, once per
`compile`. The loops live in `training_arrays` and `training_generator`.
"""
import numpy as np

from .. import backend as K
from .. import losses as losses_module
from .. import metrics as metrics_module
from .. import optimizers
from ..utils.generic_utils import slice_arrays, to_list, unpack_singleton
from . import input_checks, training_arrays, training_generator
from .base_layer import _collect_previous_mask
from .network import Network
from .training_utils import (check_array_length_consistency, check_loss_and_target_compatibility,
                             collect_metrics, per_output, standardize_input_data,
                             standardize_sample_or_class_weights, standardize_weights, weighted_masked_objective)


def _is_stateful_metric(metric):
    return hasattr(metric, 'update_state') and hasattr(metric, 'result') and hasattr(metric, 'reset_states')


def _check_generator_arguments(x, method, **arguments):
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


class Model(Network):
    """A trainable graph of layers: `Model(inputs, outputs, name=None)`.

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
                name) of those; a single loss applies to every output.
            metrics: list of metrics for all outputs, or a dict by output name.
                'acc'/'accuracy' picks binary / categorical / sparse accuracy.
            loss_weights: list or dict of scalars weighting the output losses.
            sample_weight_mode: None or 'temporal' (or a list / dict of those).
            weighted_metrics: metrics weighted by sample_weight / class_weight.
            target_tensors: optional tensors to use as targets instead of placeholders.

        Raises:
            ValueError: unknown loss / metric / optimizer names, or a list / dict
                that does not match the outputs.
        """
        if kwargs:
            raise TypeError('Invalid keyword argument(s) to compile: %s' % ', '.join(sorted(kwargs)))
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss or {}
        self.metrics = metrics or []
        self.loss_weights = loss_weights
        self.sample_weight_mode = sample_weight_mode
        self.weighted_metrics = weighted_metrics
        self._compile_args = dict(optimizer=self.optimizer, loss=loss, metrics=metrics, loss_weights=loss_weights,
                                  sample_weight_mode=sample_weight_mode, weighted_metrics=weighted_metrics,
                                  target_tensors=target_tensors)
        if not self.built:
            return  # a deferred Sequential: compiled again once built from data
        self._is_compiled = True
        output_names = self.output_names
        n_out = len(self.outputs)

        loss_specs = per_output(loss, output_names, 'loss')
        self.loss_functions = []
        per_sample_fns = []
        for name, spec in zip(output_names, loss_specs):
            try:
                fn = losses_module.get(spec)
            except ValueError as e:
                raise ValueError('compile(loss=...) for output "%s": %s' % (name, e))
            self.loss_functions.append(fn)
            per_sample_fns.append(losses_module.per_sample(fn) if fn is not None else None)
        if all(fn is None for fn in self.loss_functions):
            raise ValueError('compile: no loss given for any output of model %s (outputs: %s)'
                             % (self.name, output_names))
        skip = [i for i, fn in enumerate(self.loss_functions) if fn is None]
        weighted_losses = [weighted_masked_objective(fn) for fn in per_sample_fns]
        loss_weights_list = [1. if w is None else w for w in
                             per_output(loss_weights if loss_weights is not None else 1., output_names,
                                        'loss_weights', default=1.)]
        modes = per_output(sample_weight_mode, output_names, 'sample_weight_mode')

        targets = [None] * n_out
        if target_tensors is not None:
            given = per_output(target_tensors, output_names, 'target_tensors')
            targets = list(given)
        self.targets = []
        self._feed_targets = []
        self._feed_outputs, self._feed_output_names, self._feed_output_shapes = [], [], []
        self._feed_loss_fns = []
        self.sample_weights, self._feed_sample_weights, self._feed_sample_weight_modes = [], [], []
        for i in range(n_out):
            if i in skip:
                self.targets.append(None)
                self.sample_weights.append(None)
                continue
            shape = K.int_shape(self.outputs[i])
            name = output_names[i]
            if targets[i] is None:
                target = K.placeholder(ndim=len(shape), name=name + '_target', dtype=K.dtype(self.outputs[i]))
                self._feed_targets.append(target)
                self._feed_outputs.append(self.outputs[i])
                self._feed_output_names.append(name)
                self._feed_output_shapes.append(shape)
                self._feed_loss_fns.append(self.loss_functions[i])
            else:
                target = targets[i]
            self.targets.append(target)
            weight = K.placeholder(ndim=2 if modes[i] == 'temporal' else 1, name=name + '_sample_weights')
            self.sample_weights.append(weight)
            if targets[i] is None:
                self._feed_sample_weights.append(weight)
                self._feed_sample_weight_modes.append(modes[i])

        masks = [to_list(_collect_previous_mask(x))[0] for x in self.outputs]
        self.metrics_names = ['loss']
        self.metrics_tensors = []
        self.metrics_updates = []
        self.stateful_metric_names = []
        self.stateful_metric_functions = []
        self._host_metrics = []  # (position in metrics_names, metric, output index, weighted)
        total_loss = None
        for i in range(n_out):
            if i in skip:
                continue
            output_loss = weighted_losses[i](self.targets[i], self.outputs[i], self.sample_weights[i], masks[i])
            if n_out > 1:
                self.metrics_tensors.append(output_loss)
                self.metrics_names.append(output_names[i] + '_loss')
            term = output_loss * loss_weights_list[i] if loss_weights_list[i] != 1. else output_loss
            total_loss = term if total_loss is None else total_loss + term
        for loss_tensor in self.losses:
            total_loss = total_loss + loss_tensor
        self.total_loss = total_loss

        nested_metrics = collect_metrics(metrics, output_names)
        nested_weighted = collect_metrics(weighted_metrics, output_names)
        for i in range(n_out):
            if i in skip:
                continue
            self._add_output_metrics(i, nested_metrics[i], None, masks[i])
            self._add_output_metrics(i, nested_weighted[i], self.sample_weights[i], masks[i])

        self._collected_trainable_weights = self.trainable_weights
        self.train_function = None
        self.test_function = None
        self.predict_function = None

    def _add_output_metrics(self, i, metrics, weights, mask):
        prefix = 'weighted_' if weights is not None else ''
        y_true, y_pred = self.targets[i], self.outputs[i]
        for metric in metrics:
            if metric in ('accuracy', 'acc', 'crossentropy', 'ce'):
                fn = metrics_module.resolve_accuracy(metric, self.loss_functions[i], K.int_shape(y_pred))
                suffix = 'acc' if metric in ('accuracy', 'acc') else 'ce'
                name = prefix + suffix
            else:
                try:
                    fn = metrics_module.get(metric)
                except ValueError as e:
                    raise ValueError('compile(metrics=...) for output "%s": %s' % (self.output_names[i], e))
                if isinstance(fn, type):
                    fn = fn()
                name = prefix + (getattr(fn, 'name', None) or getattr(fn, '__name__', type(fn).__name__))
            if len(self.output_names) > 1:
                name = self.output_names[i] + '_' + name
            base, j = name, 1
            while name in self.metrics_names:
                name = '%s_%d' % (base, j)
                j += 1
            position = len(self.metrics_names)
            self.metrics_names.append(name)
            if _is_stateful_metric(fn):
                self.stateful_metric_names.append(name)
                self.stateful_metric_functions.append(fn)
                if getattr(fn, 'has_symbolic_update', False):
                    value, updates = fn.symbolic_call(y_true, y_pred, sample_weight=weights)
                    self.metrics_tensors.append(value)
                    self.metrics_updates += list(updates)
                else:
                    self._host_metrics.append((position, fn, i, weights is not None))
            else:
                self.metrics_tensors.append(weighted_masked_objective(fn)(y_true, y_pred, weights, mask))

    # Compiled functions (built once per compile) ---------------------------------------
    def _check_compiled(self):
        if getattr(self, 'optimizer', None) is None or not getattr(self, '_is_compiled', False):
            raise RuntimeError('You must compile your model before training/testing. Use '
                               '`model.compile(optimizer, loss)`.')

    def _uses_dynamic_learning_phase(self):
        return self.uses_learning_phase and not isinstance(K.learning_phase(), int)

    def _function_outputs(self):
        outputs = [self.total_loss] + self.metrics_tensors
        if self._host_metrics:
            outputs += list(self.outputs)
        return outputs

    def _make_train_function(self):
        self._check_compiled()
        if self.train_function is None:
            inputs = self._feed_inputs + self._feed_targets + self._feed_sample_weights
            if self._uses_dynamic_learning_phase():
                inputs = inputs + [K.learning_phase()]
            training_updates = self.optimizer.get_updates(loss=self.total_loss,
                                                          params=self._collected_trainable_weights)
            updates = self.updates + list(training_updates) + self.metrics_updates
            self.train_function = K.function(inputs, self._function_outputs(), updates=updates,
                                             name='train_function')

    def _make_test_function(self):
        self._check_compiled()
        if self.test_function is None:
            inputs = self._feed_inputs + self._feed_targets + self._feed_sample_weights
            if self._uses_dynamic_learning_phase():
                inputs = inputs + [K.learning_phase()]
            self.test_function = K.function(inputs, self._function_outputs(),
                                            updates=self.state_updates + self.metrics_updates,
                                            name='test_function')

    def _make_predict_function(self):
        if getattr(self, 'predict_function', None) is None:
            inputs = list(self._feed_inputs)
            if self._uses_dynamic_learning_phase():
                inputs = inputs + [K.learning_phase()]
            self.predict_function = K.function(inputs, self.outputs, updates=self.state_updates,
                                               name='predict_function')

    def _phase(self, value):
        return [np.uint8(value)] if self._uses_dynamic_learning_phase() else []

    def _loop_spec(self, function, arrays, phase):
        host_positions = set(p for p, _, _, _ in self._host_metrics)
        last_positions = set(i for i, name in enumerate(self.metrics_names) if name in self.stateful_metric_names)
        spec = training_arrays.LoopSpec(function, arrays, self._phase(phase), list(self.metrics_names),
                                        host=self._host_metrics, last_positions=last_positions,
                                        reset=self.stateful_metric_functions,
                                        n_graph=len(self.metrics_names) - len(host_positions),
                                        n_inputs=len(self._feed_inputs), n_targets=len(self._feed_targets))
        return spec

    # Data ----------------------------------------------------------------------------
    def _build_from_data(self, x):
        """Builds a deferred `Sequential` from the first input array, then compiles it if asked."""
        first = x[0] if isinstance(x, (list, tuple)) else (list(x.values())[0] if isinstance(x, dict) else x)
        first = np.asarray(first)
        self.build(input_shape=(None,) + first.shape[1:])  # compiles too when compile() was deferred

    def _standardize_user_data(self, x, y=None, sample_weight=None, class_weight=None, check_array_lengths=True,
                               batch_size=None):
        if not self.built:
            self._build_from_data(x)
        x = standardize_input_data(x, self._feed_input_names, self._feed_input_shapes, check_batch_axis=False,
                                   exception_prefix='input')
        if y is not None:
            self._check_compiled()
            feed_output_shapes = []
            for shape, loss_fn in zip(self._feed_output_shapes, self._feed_loss_fns):
                if loss_fn is getattr(losses_module, 'sparse_categorical_crossentropy', None):
                    feed_output_shapes.append(shape[:-1] + (1,))
                elif (not hasattr(loss_fn, '__name__') or
                      getattr(losses_module, loss_fn.__name__, None) is not loss_fn):
                    feed_output_shapes.append(None)  # user-defined loss: no assumption on targets
                else:
                    feed_output_shapes.append(shape)
            y = standardize_input_data(y, self._feed_output_names, feed_output_shapes, check_batch_axis=False,
                                       exception_prefix='target')
            sample_weights = standardize_sample_or_class_weights(sample_weight, self._feed_output_names,
                                                                 'sample_weight')
            class_weights = standardize_sample_or_class_weights(class_weight, self._feed_output_names,
                                                                'class_weight')
            sample_weights = [standardize_weights(ref, sw, cw, mode) for ref, sw, cw, mode
                              in zip(y, sample_weights, class_weights, self._feed_sample_weight_modes)]
            if check_array_lengths:
                check_array_length_consistency(x, y, sample_weights)
            check_loss_and_target_compatibility(y, self._feed_loss_fns, self._feed_output_shapes)
        else:
            y, sample_weights = [], []
        if self.stateful and batch_size and x and x[0].shape[0] % batch_size:
            raise ValueError('In a stateful network, you should only pass inputs with a number of samples that '
                             'can be divided by the batch size. Found: %d samples' % x[0].shape[0])
        input_checks.check_model_data(self, x, y)  # Embedding indices, sparse labels: before any work
        return x, y, sample_weights

    # Public API ------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None, validation_split=0.,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, max_queue_size=10, workers=1, use_multiprocessing=False,
            check_finite=True, **kwargs):
        """Trains the model for a number of epochs; returns a `History`.

        Args:
            x, y: arrays, lists of arrays, or dicts keyed by input / output names.
            batch_size: samples per gradient update (default 32).
            epochs: index of the last epoch (training runs from `initial_epoch`).
            verbose: 0 silent, 1 progress bar, 2 one line per epoch.
            callbacks: list of `Callback`.
            validation_split: fraction of the data (taken from the end) held out.
            validation_data: `(x_val, y_val)` or `(x_val, y_val, val_sample_weights)`.
            shuffle: True, False or 'batch'.
            class_weight: dict class index -> weight (or a dict / list per output).
            sample_weight: per-sample (or per-timestep) weights.
            initial_epoch: epoch to start from (for resuming).
            steps_per_epoch, validation_steps: run this many steps on the whole arrays
                (steps per epoch / validation steps of a generator input).
            max_queue_size, workers, use_multiprocessing: how batches of a
                generator or `Sequence` input are prepared (see `fit_generator`).
            check_finite: refuse NaN / infinity in `x`, `y`, `sample_weight`
                and `validation_data` (default True).

        When `x` is a generator or a `utils.Sequence`, `fit` hands it to
        `fit_generator` with every argument that applies to it.

        Raises:
            ValueError: inconsistent data (checked before training starts), or
                `y`, `sample_weight` or `validation_split` given with a
                generator / `Sequence` input.
        """
        if 'nb_epoch' in kwargs:
            epochs = kwargs.pop('nb_epoch')
        if kwargs:
            raise TypeError('Unrecognized keyword arguments to fit: %s' % ', '.join(sorted(kwargs)))
        input_checks.check_fit_arguments(batch_size, epochs, verbose, callbacks, validation_split, shuffle,
                                         initial_epoch, steps_per_epoch, validation_steps)
        if training_generator.is_generator_like(x):
            _check_generator_arguments(x, 'fit', y=y, sample_weight=sample_weight,
                                       validation_split=validation_split)
            return self.fit_generator(x, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
                                      callbacks=callbacks, validation_data=validation_data,
                                      validation_steps=validation_steps, class_weight=class_weight,
                                      max_queue_size=max_queue_size, workers=workers,
                                      use_multiprocessing=use_multiprocessing, shuffle=shuffle,
                                      initial_epoch=initial_epoch, check_finite=check_finite)
        if batch_size is None and steps_per_epoch is None:
            batch_size = 32
        if x is None and y is None and steps_per_epoch is None:
            raise ValueError('If fitting from data tensors, you should specify the `steps_per_epoch` argument.')
        input_checks.check_arrays('fit', check_finite, x=x, y=y, sample_weight=sample_weight,
                                  validation_data=validation_data)
        x, y, sample_weights = self._standardize_user_data(x, y, sample_weight=sample_weight,
                                                           class_weight=class_weight, batch_size=batch_size)
        val_arrays = None
        if validation_data:
            if len(validation_data) == 2:
                val_x, val_y = validation_data
                val_sample_weight = None
            elif len(validation_data) == 3:
                val_x, val_y, val_sample_weight = validation_data
            else:
                raise ValueError('When passing validation_data, it must contain 2 (x_val, y_val) or 3 (x_val, '
                                 'y_val, val_sample_weights) items, however it contains %d items'
                                 % len(validation_data))
            val_x, val_y, val_weights = self._standardize_user_data(val_x, val_y, sample_weight=val_sample_weight,
                                                                    batch_size=batch_size)
            val_arrays = val_x + val_y + val_weights
        elif validation_split and 0. < validation_split < 1.:
            split_at = int(int(x[0].shape[0]) * (1. - validation_split))
            x, val_x = slice_arrays(x, 0, split_at), slice_arrays(x, split_at)
            y, val_y = slice_arrays(y, 0, split_at), slice_arrays(y, split_at)
            sample_weights, val_weights = slice_arrays(sample_weights, 0, split_at), \
                slice_arrays(sample_weights, split_at)
            val_arrays = val_x + val_y + val_weights
        elif validation_steps:
            val_arrays = x + y + sample_weights
        self._make_train_function()
        spec = self._loop_spec(self.train_function, x + y + sample_weights, 1)
        val_spec = None
        if val_arrays is not None:
            self._make_test_function()
            val_spec = self._loop_spec(self.test_function, val_arrays, 0)
        return training_arrays.fit_loop(self, spec, batch_size=batch_size, epochs=epochs, verbose=verbose,
                                        callbacks=callbacks, val_spec=val_spec, shuffle=shuffle,
                                        initial_epoch=initial_epoch, steps_per_epoch=steps_per_epoch,
                                        validation_steps=validation_steps)

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None, steps=None,
                 callbacks=None, max_queue_size=10, workers=1, use_multiprocessing=False, check_finite=True):
        """Loss (and metrics) in test mode: a scalar, or a list named by `metrics_names`.

        A generator or `utils.Sequence` as `x` goes to `evaluate_generator`
        with `steps`, `verbose`, `callbacks`, `max_queue_size`, `workers` and
        `use_multiprocessing`.

        `check_finite` (default True) refuses NaN / infinity in the data.

        Raises:
            ValueError: inconsistent data, or `y` / `sample_weight` given with
                a generator / `Sequence` input.
        """
        input_checks.check_loop_arguments('evaluate', batch_size, steps, verbose, callbacks)
        if training_generator.is_generator_like(x):
            _check_generator_arguments(x, 'evaluate', y=y, sample_weight=sample_weight)
            return self.evaluate_generator(x, steps=steps, max_queue_size=max_queue_size, workers=workers,
                                           use_multiprocessing=use_multiprocessing, verbose=verbose,
                                           callbacks=callbacks, check_finite=check_finite)
        if batch_size is None and steps is None:
            batch_size = 32
        if x is None and y is None and steps is None:
            raise ValueError('If evaluating from data tensors, you should specify the `steps` argument.')
        input_checks.check_arrays('evaluate', check_finite, x=x, y=y, sample_weight=sample_weight)
        x, y, sample_weights = self._standardize_user_data(x, y, sample_weight=sample_weight,
                                                           batch_size=batch_size)
        self._make_test_function()
        spec = self._loop_spec(self.test_function, x + y + sample_weights, 0)
        return training_arrays.test_loop(self, spec, batch_size=batch_size, verbose=verbose, steps=steps,
                                         callbacks=callbacks)

    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None, max_queue_size=10, workers=1,
                use_multiprocessing=False, check_finite=True):
        """Output predictions for the input samples (an array, or a list for several outputs).

        A generator or `utils.Sequence` as `x` goes to `predict_generator`
        with `steps`, `verbose`, `callbacks`, `max_queue_size`, `workers` and
        `use_multiprocessing`. `check_finite` (default True) refuses NaN /
        infinity in `x`.
        """
        input_checks.check_loop_arguments('predict', batch_size, steps, verbose, callbacks)
        if training_generator.is_generator_like(x):
            return self.predict_generator(x, steps=steps, max_queue_size=max_queue_size, workers=workers,
                                          use_multiprocessing=use_multiprocessing, verbose=verbose,
                                          callbacks=callbacks, check_finite=check_finite)
        if batch_size is None and steps is None:
            batch_size = 32
        if x is None and steps is None:
            raise ValueError('If predicting from data tensors, you should specify the `steps` argument.')
        input_checks.check_arrays('predict', check_finite, x=x)
        x, _, _ = self._standardize_user_data(x)
        if self.stateful and x[0].shape[0] > batch_size and x[0].shape[0] % batch_size:
            raise ValueError('In a stateful network, you should only pass inputs with a number of samples that '
                             'can be divided by the batch size. Found: %d samples. Batch size: %d.'
                             % (x[0].shape[0], batch_size))
        self._make_predict_function()
        return training_arrays.predict_loop(self, self.predict_function, x, self._phase(0), batch_size=batch_size,
                                            verbose=verbose, steps=steps, callbacks=callbacks)

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None, check_finite=None):
        """One gradient update on one batch; returns the loss (and metrics).

        `check_finite` refuses NaN / infinity in the data (None: True, or the
        setting of the `*_generator` method that calls it).
        """
        input_checks.check_arrays('train_on_batch', input_checks.batch_check_finite(self, check_finite), x=x, y=y, sample_weight=sample_weight)
        x, y, sample_weights = self._standardize_user_data(x, y, sample_weight=sample_weight,
                                                           class_weight=class_weight)
        self._make_train_function()
        outs = self._loop_spec(self.train_function, [], 1).run(x + y + sample_weights)
        return unpack_singleton([training_arrays._scalar(o) for o in outs])

    def test_on_batch(self, x, y, sample_weight=None, check_finite=None):
        """Loss (and metrics) on one batch in test mode (`check_finite` as in `train_on_batch`)."""
        input_checks.check_arrays('test_on_batch', input_checks.batch_check_finite(self, check_finite), x=x, y=y, sample_weight=sample_weight)
        x, y, sample_weights = self._standardize_user_data(x, y, sample_weight=sample_weight)
        self._make_test_function()
        outs = self._loop_spec(self.test_function, [], 0).run(x + y + sample_weights)
        return unpack_singleton([training_arrays._scalar(o) for o in outs])

    def predict_on_batch(self, x, check_finite=None):
        """Predictions for one batch (`check_finite`: refuse NaN / infinity in `x`)."""
        input_checks.check_arrays('predict_on_batch', input_checks.batch_check_finite(self, check_finite), x=x)
        x, _, _ = self._standardize_user_data(x)
        self._make_predict_function()
        outputs = self.predict_function(x + self._phase(0))
        return unpack_singleton(outputs)

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                      validation_data=None, validation_steps=None, class_weight=None, max_queue_size=10,
                      workers=1, use_multiprocessing=False, shuffle=True, initial_epoch=0, check_finite=True):
        """Trains on batches from a generator or `utils.Sequence`; returns a `History`.

        `check_finite` (default True) refuses batches holding NaN / infinity.
        """
        input_checks.check_generator_arguments('fit_generator', steps_per_epoch, epochs, initial_epoch,
                                               validation_steps, max_queue_size, workers, verbose, callbacks,
                                               steps_name='steps_per_epoch')
        with input_checks.finite_checks_for_batches(self, check_finite):
            return training_generator.fit_generator(
                self, generator, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
                callbacks=callbacks, validation_data=validation_data, validation_steps=validation_steps,
                class_weight=class_weight, max_queue_size=max_queue_size, workers=workers,
                use_multiprocessing=use_multiprocessing, shuffle=shuffle, initial_epoch=initial_epoch)

    def evaluate_generator(self, generator, steps=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                           verbose=0, callbacks=None, check_finite=True):
        """Evaluates on batches from a generator or `utils.Sequence` (`check_finite` as in `fit_generator`)."""
        input_checks.check_generator_arguments('evaluate_generator', steps, max_queue_size=max_queue_size,
                                               workers=workers, verbose=verbose, callbacks=callbacks)
        with input_checks.finite_checks_for_batches(self, check_finite):
            return training_generator.evaluate_generator(
                self, generator, steps=steps, max_queue_size=max_queue_size, workers=workers,
                use_multiprocessing=use_multiprocessing, verbose=verbose, callbacks=callbacks)

    def predict_generator(self, generator, steps=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                          verbose=0, callbacks=None, check_finite=True):
        """Predicts for batches from a generator or `utils.Sequence` (`check_finite` as in `fit_generator`)."""
        input_checks.check_generator_arguments('predict_generator', steps, max_queue_size=max_queue_size,
                                               workers=workers, verbose=verbose, callbacks=callbacks)
        with input_checks.finite_checks_for_batches(self, check_finite):
            return training_generator.predict_generator(
                self, generator, steps=steps, max_queue_size=max_queue_size, workers=workers,
                use_multiprocessing=use_multiprocessing, verbose=verbose, callbacks=callbacks)
