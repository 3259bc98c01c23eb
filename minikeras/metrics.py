"""Metrics: Keras 2.2 metric functions and tf_keras-style stateful metric classes.

Metric functions
----------------
`fn(y_true, y_pred)` on symbolic tensors, returning per-sample values like a
loss: `binary_accuracy` (`y_pred > threshold`, default 0.5),
`categorical_accuracy`, `sparse_categorical_accuracy`, and every loss function
under its Keras 2.2 names (`metrics.get('mae')`, `'mse'`, `'cosine'`, ...).
`top_k_categorical_accuracy` and `sparse_top_k_categorical_accuracy` follow
Keras 2.2.4 and return the **batch mean** (a scalar); the per-sample values
(tf_keras) are what the `TopKCategoricalAccuracy` classes accumulate.

The strings `'acc'` / `'accuracy'` (and `'ce'` / `'crossentropy'`) mean
different functions depending on the loss and output shape, as in Keras 2.2:
the engine resolves them with `resolve_accuracy(name, loss, output_shape)`.
(`metrics.get('accuracy')` alone returns tf_keras's exact-match `accuracy`.)

Stateful metric classes (tf_keras semantics)
--------------------------------------------
`Metric` subclasses keep their state in backend variables (`metric.weights`,
created with `add_weight`) and accumulate across batches until
`reset_states()`.  Every built-in state is additive (totals, counts,
confusion-matrix counts), which gives one implementation for two uses:

Host side (eager, numpy in and out)::

    m = metrics.AUC()
    m.update_state(y_true, y_pred, sample_weight=None)   # numpy arrays
    m.result()                                           # numpy scalar (or 1-D array)
    m.reset_states()
    m(y_true, y_pred)          # update_state then result()

`update_state` compiles one `K.function` per input signature (rank/dtype,
with or without weights) and caches it, so repeated calls build no graph.

Inside a compiled graph (what the engine should use in `compile(metrics=...)`)::

    value, updates = metric.symbolic_call(y_true_t, y_pred_t, sample_weight_t)  # tensors
    f = K.function(inputs, [..., value], updates=[...] + updates)

`value` is the metric result **after** this batch's update (it is computed
from `state + increment`, because `K.function` applies updates after the
outputs); `updates` are `K.update` ops on `metric.weights`.  Other pieces:
`metric.update_op(...)` (updates only), `metric.result_tensor()` (the result
from the current state), `metric.stateful` (True), `metric.reset_states()`
(call at the start of each epoch and of evaluate).  The epoch value to log is
the last batch's `value` (not a batch-size weighted average), as tf_keras.
`sample_weight_t` may be None.  For `Mean`, the inputs are `(values,)`
instead of `(y_true, y_pred)`.

Calling a metric instance on symbolic tensors returns `value` and appends
`updates` to `metric.updates`.

A user subclass implements `state_increments(*inputs, sample_weight=None)`
(tensors to add to each of `self.weights`, same order) and
`result_from(states)`; a subclass that overrides `update_state` / `result`
with host-side code instead (no `state_increments`) can only be used host
side: `metric.has_symbolic_update` is False for it.
"""
import re

import numpy as np

from . import backend as K
from . import initializers
from . import losses as losses_module
from .losses import (KLD, MAE, MAPE, MSE, MSLE, binary_crossentropy, binary_focal_crossentropy,  # noqa: F401
                     categorical_crossentropy, categorical_focal_crossentropy, categorical_hinge, cosine, cosine_proximity, hinge, huber, kl_divergence, kld,
                     kullback_leibler_divergence, log_cosh, logcosh, mae, mape, mean_absolute_error,
                     mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error,
                     mse, msle, poisson, sparse_categorical_crossentropy, squared_hinge)
from .utils.generic_utils import registry_functions


# --------------------------------------------------------------------------
# Metric functions
# --------------------------------------------------------------------------

def _floatx_like(y_true, y_pred):
    return K.cast(y_true, K.dtype(y_pred)) if K.dtype(y_true) != K.dtype(y_pred) else y_true


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Mean over the last axis of `y_true == (y_pred > threshold)`.

    With the default threshold this equals Keras 2.2.4's `round(y_pred)`
    (0.5 rounds to 0, half-to-even).
    """
    y_true = _floatx_like(y_true, y_pred)
    predicted = K.cast(K.greater(y_pred, float(threshold)), K.dtype(y_pred))
    return K.mean(K.cast(K.equal(y_true, predicted), K.floatx()), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """1 where `argmax(y_true) == argmax(y_pred)` (last axis), else 0."""
    return K.cast(K.equal(K.argmax(y_true, axis=-1), K.argmax(y_pred, axis=-1)), K.floatx())


def _sparse_labels(y_true, y_pred):
    """Integer-valued labels with the rank of `y_pred` minus one (a trailing
    axis of size 1 is dropped, as Keras 2.2's `max(y_true, axis=-1)`)."""
    if K.ndim(y_true) == K.ndim(y_pred):
        y_true = K.max(y_true, axis=-1)
    return y_true


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where the integer label equals `argmax(y_pred)`, else 0.

    `y_true` has shape `(batch,)` or `(batch, 1)`.
    """
    y_true = K.cast(_sparse_labels(y_true, y_pred), K.floatx())
    return K.cast(K.equal(y_true, K.cast(K.argmax(y_pred, axis=-1), K.floatx())), K.floatx())


def _top_k_per_sample(y_true, y_pred, k):
    return K.cast(K.in_top_k(y_pred, K.argmax(y_true, axis=-1), k), K.floatx())


def _sparse_top_k_per_sample(y_true, y_pred, k):
    labels = K.cast(_sparse_labels(y_true, y_pred), 'int32')
    return K.cast(K.in_top_k(y_pred, labels, k), K.floatx())


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """Fraction of the batch whose true class (argmax of one-hot `y_true`) is
    among the `k` highest predictions (ties count as in).

    Returns the batch mean, a scalar, as Keras 2.2.4.
    """
    return K.mean(_top_k_per_sample(y_true, y_pred, k), axis=-1)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """`top_k_categorical_accuracy` with integer labels (`(batch,)` or
    `(batch, 1)`); returns the batch mean, a scalar, as Keras 2.2.4."""
    return K.mean(_sparse_top_k_per_sample(y_true, y_pred, k), axis=-1)


def accuracy(y_true, y_pred):
    """tf_keras `accuracy`: elementwise 1 where `y_true == y_pred` (no reduction)."""
    y_true = _floatx_like(y_true, y_pred)
    return K.cast(K.equal(y_true, y_pred), K.floatx())


def cosine_similarity(y_true, y_pred, axis=-1):
    """tf_keras *metric* cosine similarity: `sum(l2n(y_true) * l2n(y_pred), axis)`
    (positive; the loss of the same name is its negative)."""
    return -losses_module.cosine_proximity(y_true, y_pred, axis=axis)


def root_mean_squared_error_per_sample(y_true, y_pred):
    """Squared errors averaged over the last axis (the RMSE metric takes the
    root of the accumulated mean)."""
    return losses_module.mean_squared_error(y_true, y_pred)


def resolve_accuracy(name, loss, output_shape):
    """The metric function Keras 2.2 uses for `'acc'`/`'accuracy'` or
    `'ce'`/`'crossentropy'`, given the output's loss function and shape.

    Args:
        name: 'acc', 'accuracy', 'ce' or 'crossentropy'.
        loss: the loss identifier or function of that output.
        output_shape: the output's static shape (tuple).

    Returns:
        The metric function (binary, sparse categorical or categorical variant).
    """
    loss_fn = losses_module.get(loss) if loss is not None else None
    if isinstance(loss_fn, losses_module.LossFunctionWrapper):
        loss_fn = loss_fn.fn
    binary = bool(output_shape) and output_shape[-1] == 1 or loss_fn is losses_module.binary_crossentropy
    sparse = loss_fn is losses_module.sparse_categorical_crossentropy
    if name in ('acc', 'accuracy'):
        if binary:
            return binary_accuracy
        return sparse_categorical_accuracy if sparse else categorical_accuracy
    if name in ('ce', 'crossentropy'):
        if binary:
            return binary_crossentropy
        return sparse_categorical_crossentropy if sparse else categorical_crossentropy
    raise ValueError('resolve_accuracy: expected one of "acc", "accuracy", "ce", "crossentropy", got %r'
                     % (name,))


# --------------------------------------------------------------------------
# Stateful metrics
# --------------------------------------------------------------------------

def _snake_case(name):
    name = re.sub(r'(.)([A-Z][a-z0-9]+)', r'\1_\2', name)
    return re.sub(r'([a-z])([A-Z])', r'\1_\2', name).lower()


def _div_no_nan(x, y):
    """x / y, and 0 where y == 0 (no inf/nan is ever computed)."""
    is_zero = K.equal(y, 0.)
    safe_y = K.switch(is_zero, K.ones_like(y), y)
    return K.switch(is_zero, K.zeros_like(x), x / safe_y)


def _weights_like(sample_weight, values):
    """`sample_weight` broadcast to the shape of `values` (tf_keras rules: a
    trailing axis of size 1 is dropped, missing trailing axes are added)."""
    sw = K.cast(sample_weight, K.dtype(values))
    while K.ndim(sw) > K.ndim(values) and K.int_shape(sw)[-1] == 1:
        sw = K.squeeze(sw, -1)
    while K.ndim(sw) < K.ndim(values):
        sw = K.expand_dims(sw, -1)
    return sw * K.ones_like(values)


def _as_tensor(x, dtype=None):
    if K.is_tensor(x):
        return x
    x = np.asarray(x)
    if dtype is None:
        dtype = K.floatx() if x.dtype.kind in 'fb' or x.dtype.kind == 'O' else x.dtype.name
    return K.constant(x, dtype=dtype)


class Metric(object):
    """Base class of the stateful metrics (see the module docstring).

    Args:
        name: name of the metric (its log key); default: the snake-case class name.
        dtype: dtype of the state and of the result (default floatx).
    """

    def __init__(self, name=None, dtype=None, **kwargs):
        if kwargs:
            raise TypeError('%s got unexpected arguments: %s' % (type(self).__name__, ', '.join(sorted(kwargs))))
        self.name = name or _snake_case(type(self).__name__)
        self.dtype = np.dtype(dtype or K.floatx()).name
        self.stateful = True
        self.updates = []
        self._weights = []
        self._update_fns = {}
        self._result_fn = None

    # -- state ------------------------------------------------------------
    def add_weight(self, name, shape=(), initializer='zeros', dtype=None):
        """Creates a state variable (zeros by default) and tracks it in `weights`."""
        init = initializers.get(initializer)
        dtype = dtype or self.dtype
        value = K.eval(init(tuple(shape), dtype=dtype))
        variable = K.variable(value, dtype=dtype, name='%s/%s' % (self.name, name))
        self._weights.append(variable)
        self._result_fn = None
        return variable

    @property
    def weights(self):
        return list(self._weights)

    variables = weights

    def reset_states(self):
        """Sets every state variable back to zero."""
        for variable in self._weights:
            K.set_value(variable, np.zeros(K.int_shape(variable), dtype=variable.dtype))

    reset_state = reset_states

    # -- what subclasses implement ------------------------------------------
    def state_increments(self, *inputs, **kwargs):
        """Tensors to add to each of `self.weights` for one batch.

        Args:
            *inputs: `(y_true, y_pred)` tensors (`(values,)` for `Mean`).
            sample_weight: optional tensor of per-sample weights (keyword).
        """
        raise NotImplementedError('%s does not implement state_increments()' % type(self).__name__)

    def result_from(self, states):
        """The result tensor computed from the given state tensors (same order as `weights`)."""
        raise NotImplementedError('%s does not implement result_from()' % type(self).__name__)

    @property
    def has_symbolic_update(self):
        return type(self).state_increments is not Metric.state_increments

    # -- symbolic API (for the engine) ---------------------------------------
    def _increments(self, inputs, sample_weight):
        incs = self.state_increments(*inputs, sample_weight=sample_weight)
        if len(incs) != len(self._weights):
            raise ValueError('%s.state_increments returned %d tensors for %d state variables'
                             % (type(self).__name__, len(incs), len(self._weights)))
        return [K.cast(inc, v.dtype) for inc, v in zip(incs, self._weights)]

    def update_op(self, *inputs, **kwargs):
        """`K.update` ops accumulating one batch (inputs are tensors)."""
        sample_weight = kwargs.pop('sample_weight', None)
        _check_kwargs(kwargs)
        incs = self._increments(inputs, sample_weight)
        return [K.update_add(v, inc) for v, inc in zip(self._weights, incs)]

    def symbolic_call(self, *inputs, **kwargs):
        """(result after this batch, updates) for tensors; see the module docstring."""
        sample_weight = kwargs.pop('sample_weight', None)
        _check_kwargs(kwargs)
        incs = self._increments(inputs, sample_weight)
        new_states = [v + inc for v, inc in zip(self._weights, incs)]
        updates = [K.update(v, new) for v, new in zip(self._weights, new_states)]
        return self.result_from(new_states), updates

    def result_tensor(self):
        """The result as a tensor computed from the current state variables."""
        return self.result_from(self._weights)

    # -- eager API -------------------------------------------------------------
    def update_state(self, *inputs, **kwargs):
        """Accumulates one batch.

        With numpy arrays (or lists) the update runs now, through a cached
        compiled function; with symbolic tensors the update ops are returned
        (and not run).
        """
        sample_weight = kwargs.pop('sample_weight', None)
        _check_kwargs(kwargs)
        if any(K.is_tensor(x) for x in inputs) or K.is_tensor(sample_weight):
            return self.update_op(*[_as_tensor(x) for x in inputs],
                                  sample_weight=None if sample_weight is None else _as_tensor(sample_weight))
        arrays = [np.asarray(x) for x in inputs]
        arrays = [a.astype(K.floatx()) if a.dtype.kind in 'bO' else a for a in arrays]
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=self.dtype)
        # Trailing dims are static (ops such as in_top_k need the class count);
        # the batch dim is free, so one compiled function serves every batch size.
        key = (tuple((a.shape[1:], a.dtype.name) for a in arrays),
               None if sample_weight is None else sample_weight.shape[1:])
        fn = self._update_fns.get(key)
        if fn is None:
            placeholders = [K.placeholder(shape=(None,) + a.shape[1:] if a.ndim else (), dtype=a.dtype.name)
                            for a in arrays]
            sw_ph = None
            if sample_weight is not None:
                sw_ph = K.placeholder(shape=(None,) + sample_weight.shape[1:] if sample_weight.ndim else (),
                                      dtype=self.dtype)
            updates = self.update_op(*placeholders, sample_weight=sw_ph)
            fn = K.function(placeholders + ([sw_ph] if sw_ph is not None else []), [], updates=updates)
            self._update_fns[key] = fn
        fn(arrays + ([sample_weight] if sample_weight is not None else []))
        return None

    def result(self):
        """The current value as a numpy scalar (an array for several thresholds)."""
        if self._result_fn is None:
            self._result_fn = K.function([], [self.result_tensor()])
        return np.asarray(self._result_fn([])[0])

    def __call__(self, *inputs, **kwargs):
        """Updates with one batch and returns the result (a tensor for tensor inputs)."""
        sample_weight = kwargs.pop('sample_weight', None)
        _check_kwargs(kwargs)
        if any(K.is_tensor(x) for x in inputs) or K.is_tensor(sample_weight):
            value, updates = self.symbolic_call(*[_as_tensor(x) for x in inputs],
                                                sample_weight=None if sample_weight is None
                                                else _as_tensor(sample_weight))
            self.updates.extend(updates)
            return value
        self.update_state(*inputs, sample_weight=sample_weight)
        return self.result()

    # -- config ------------------------------------------------------------------
    def get_config(self):
        return {'name': self.name, 'dtype': self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return '<%s name=%r>' % (type(self).__name__, self.name)


def _check_kwargs(kwargs):
    if kwargs:
        raise TypeError('Unexpected keyword arguments: %s (only sample_weight is accepted)'
                        % ', '.join(sorted(kwargs)))


class Reduce(Metric):
    """Accumulates `sum(values * sample_weight)` (and the weight count for a mean)."""

    _MEAN = True

    def __init__(self, name=None, dtype=None):
        super(Reduce, self).__init__(name=name, dtype=dtype)
        self.total = self.add_weight('total')
        if self._MEAN:
            self.count = self.add_weight('count')

    def _value_increments(self, values, sample_weight):
        values = K.cast(values, self.dtype)
        if sample_weight is None:
            total = K.sum(values)
            count = K.cast(K.prod(K.shape(values)), self.dtype) if K.ndim(values) else K.constant(1.,
                                                                                                 self.dtype)
        else:
            weights = _weights_like(sample_weight, values)
            total = K.sum(values * weights)
            count = K.sum(weights)
        return [total, count] if self._MEAN else [total]

    def state_increments(self, values, sample_weight=None):
        return self._value_increments(values, sample_weight)

    def result_from(self, states):
        if self._MEAN:
            return _div_no_nan(states[0], states[1])
        return K.identity(states[0])


class Sum(Reduce):
    """Weighted sum of the values seen."""
    _MEAN = False


class Mean(Reduce):
    """Weighted mean of the values seen: `update_state(values, sample_weight=None)`."""


class MeanMetricWrapper(Mean):
    """Weighted mean of a per-sample metric function `fn(y_true, y_pred, **kwargs)`.

    Args:
        fn: the metric function.
        name, dtype: as `Metric`.
        **kwargs: passed to `fn` on each batch.
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super(MeanMetricWrapper, self).__init__(name=name or getattr(fn, '__name__', None), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def state_increments(self, y_true, y_pred, sample_weight=None):
        y_true = _as_tensor(y_true)
        y_pred = _as_tensor(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        return self._value_increments(values, sample_weight)

    def get_config(self):
        config = super(MeanMetricWrapper, self).get_config()
        if type(self) is MeanMetricWrapper:
            config['fn'] = serialize(self._fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if cls is MeanMetricWrapper:
            fn = get(config.pop('fn'))
            return cls(fn, **config)
        return cls(**config)


def _mean_wrapper_class(class_name, fn, default_name, arg_defaults=(), doc=None):
    """Builds a tf_keras MeanMetricWrapper subclass `Class(name, dtype, **fn_args)`."""
    arg_defaults = tuple(arg_defaults)

    def __init__(self, *args, **kwargs):
        names = ['name', 'dtype'] + [a for a, _ in arg_defaults]
        if len(args) > len(names):
            raise TypeError('%s takes at most %d positional arguments' % (class_name, len(names)))
        values = {'name': default_name, 'dtype': None}
        values.update(dict(arg_defaults))
        values.update(zip(names, args))
        unknown = set(kwargs) - set(names)
        if unknown:
            raise TypeError('%s got unexpected arguments: %s' % (class_name, ', '.join(sorted(unknown))))
        values.update(kwargs)
        fn_kwargs = {a: values[a] for a, _ in arg_defaults}
        MeanMetricWrapper.__init__(self, fn, name=values['name'], dtype=values['dtype'], **fn_kwargs)

    cls = type(class_name, (MeanMetricWrapper,), {
        '__init__': __init__,
        '__doc__': doc or 'Weighted mean of `%s` over all batches (tf_keras API).' % fn.__name__,
    })
    cls.__module__ = __name__
    return cls


Accuracy = _mean_wrapper_class('Accuracy', accuracy, 'accuracy',
                               doc='How often `y_pred` equals `y_true` exactly (weighted).')
BinaryAccuracy = _mean_wrapper_class('BinaryAccuracy', binary_accuracy, 'binary_accuracy', [('threshold', 0.5)],
                                     doc='How often `y_true == (y_pred > threshold)` (weighted).')
CategoricalAccuracy = _mean_wrapper_class('CategoricalAccuracy', categorical_accuracy, 'categorical_accuracy')
SparseCategoricalAccuracy = _mean_wrapper_class('SparseCategoricalAccuracy', sparse_categorical_accuracy,
                                                'sparse_categorical_accuracy')
TopKCategoricalAccuracy = _mean_wrapper_class(
    'TopKCategoricalAccuracy', _top_k_per_sample, 'top_k_categorical_accuracy', [('k', 5)],
    doc='How often the true class is among the `k` highest predictions (one-hot labels).')
SparseTopKCategoricalAccuracy = _mean_wrapper_class(
    'SparseTopKCategoricalAccuracy', _sparse_top_k_per_sample, 'sparse_top_k_categorical_accuracy', [('k', 5)],
    doc='How often the true class is among the `k` highest predictions (integer labels).')
MeanSquaredError = _mean_wrapper_class('MeanSquaredError', mean_squared_error, 'mean_squared_error')
MeanAbsoluteError = _mean_wrapper_class('MeanAbsoluteError', mean_absolute_error, 'mean_absolute_error')
MeanAbsolutePercentageError = _mean_wrapper_class('MeanAbsolutePercentageError', mean_absolute_percentage_error,
                                                  'mean_absolute_percentage_error')
MeanSquaredLogarithmicError = _mean_wrapper_class('MeanSquaredLogarithmicError', mean_squared_logarithmic_error,
                                                  'mean_squared_logarithmic_error')
# Metric classes follow tf_keras, which maps {0, 1} labels to {-1, 1} for hinges.
Hinge = _mean_wrapper_class('Hinge', losses_module._tf_keras_hinge, 'hinge')
SquaredHinge = _mean_wrapper_class('SquaredHinge', losses_module._tf_keras_squared_hinge, 'squared_hinge')
CategoricalHinge = _mean_wrapper_class('CategoricalHinge', categorical_hinge, 'categorical_hinge')
LogCoshError = _mean_wrapper_class('LogCoshError', logcosh, 'logcosh')
Poisson = _mean_wrapper_class('Poisson', poisson, 'poisson')
KLDivergence = _mean_wrapper_class('KLDivergence', kullback_leibler_divergence, 'kullback_leibler_divergence')
CosineSimilarity = _mean_wrapper_class('CosineSimilarity', cosine_similarity, 'cosine_similarity',
                                       [('axis', -1)])
BinaryCrossentropy = _mean_wrapper_class('BinaryCrossentropy', binary_crossentropy, 'binary_crossentropy',
                                         [('from_logits', False), ('label_smoothing', 0.)])
CategoricalCrossentropy = _mean_wrapper_class('CategoricalCrossentropy', categorical_crossentropy,
                                              'categorical_crossentropy',
                                              [('from_logits', False), ('label_smoothing', 0.)])
SparseCategoricalCrossentropy = _mean_wrapper_class('SparseCategoricalCrossentropy',
                                                    sparse_categorical_crossentropy,
                                                    'sparse_categorical_crossentropy', [('from_logits', False)])


class RootMeanSquaredError(Mean):
    """`sqrt` of the weighted mean squared error over all batches."""

    def __init__(self, name='root_mean_squared_error', dtype=None):
        super(RootMeanSquaredError, self).__init__(name=name, dtype=dtype)

    def state_increments(self, y_true, y_pred, sample_weight=None):
        values = root_mean_squared_error_per_sample(_as_tensor(y_true), _as_tensor(y_pred))
        return self._value_increments(values, sample_weight)

    def result_from(self, states):
        return K.sqrt(_div_no_nan(states[0], states[1]))


# -- confusion-matrix metrics --------------------------------------------------

_NEG_INF = -1e10


def _filter_top_k(y_pred, k):
    """Keeps the `k` largest predictions along the last axis (ties broken by
    the lower index, as `tf.math.top_k`) and sets the others to -1e10."""
    num_classes = K.int_shape(y_pred)[-1]
    if num_classes is None:
        raise ValueError('top_k needs the number of classes (last axis of y_pred) to be known')
    others = K.expand_dims(y_pred, -2)   # [..., 1, i]
    mine = K.expand_dims(y_pred, -1)     # [..., j, 1]
    earlier = K.constant(np.tril(np.ones((num_classes, num_classes)), -1), dtype=K.dtype(y_pred))  # i < j
    rank = K.sum(K.cast(K.greater(others, mine), K.dtype(y_pred))
                 + K.cast(K.equal(others, mine), K.dtype(y_pred)) * earlier, axis=-1)
    keep = K.less(rank, float(k))
    return K.switch(keep, y_pred, K.ones_like(y_pred) * _NEG_INF)


def _confusion_increments(y_true, y_pred, thresholds, sample_weight, kinds, top_k=None, class_id=None):
    """Weighted confusion-matrix counts per threshold (tf_keras rules: labels
    are positive when non-zero, predictions when `> threshold`; all labels of
    a multi-label output are pooled).

    Returns:
        One tensor of shape `(len(thresholds),)` per entry of `kinds`
        ('tp', 'fp', 'tn', 'fn').
    """
    y_pred = _as_tensor(y_pred)
    y_true = _as_tensor(y_true)
    y_pred = K.cast(y_pred, K.floatx())
    if K.ndim(y_true) == K.ndim(y_pred) - 1:
        y_true = K.expand_dims(y_true, -1)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        y_true = y_true[..., class_id:class_id + 1]
        y_pred = y_pred[..., class_id:class_id + 1]
    if sample_weight is not None:
        weights = _weights_like(sample_weight, y_pred)
    else:
        weights = K.ones_like(y_pred)
    pred = K.reshape(y_pred, (-1, 1))
    label_pos = K.reshape(K.cast(K.not_equal(y_true, 0), K.floatx()) * K.ones_like(y_pred), (-1, 1))
    weights = K.reshape(weights, (-1, 1))
    thresholds = K.constant(np.asarray(thresholds, dtype=K.floatx()).reshape(1, -1))
    pred_pos = K.cast(K.greater(pred, thresholds), K.floatx())
    label_neg = 1. - label_pos
    pred_neg = 1. - pred_pos
    table = {'tp': label_pos * pred_pos, 'fp': label_neg * pred_pos,
             'tn': label_neg * pred_neg, 'fn': label_pos * pred_neg}
    return [K.sum(table[kind] * weights, axis=0) for kind in kinds]


def _parse_thresholds(thresholds, default=0.5):
    """(list of floats, whether a single threshold was given)."""
    if thresholds is None:
        return [default], True
    if isinstance(thresholds, (list, tuple, np.ndarray)):
        values = [float(t) for t in thresholds]
        single = False
    else:
        values = [float(thresholds)]
        single = True
    for t in values:
        if not 0. <= t <= 1.:
            raise ValueError('Threshold values must be in [0, 1], got %r' % (t,))
    return values, single


class _ConfusionMetric(Metric):
    """Base of Precision/Recall/TruePositives/...: per-threshold confusion counts."""

    _KINDS = ()

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super(_ConfusionMetric, self).__init__(name=name, dtype=dtype)
        default = 0.5 if top_k is None else _NEG_INF
        self.init_thresholds = thresholds
        self.thresholds, self._single = _parse_thresholds(thresholds, default)
        self.top_k = top_k
        self.class_id = class_id
        for kind in self._KINDS:
            setattr(self, _KIND_NAMES[kind], self.add_weight(_KIND_NAMES[kind], shape=(len(self.thresholds),)))

    def state_increments(self, y_true, y_pred, sample_weight=None):
        return _confusion_increments(y_true, y_pred, self.thresholds, sample_weight, self._KINDS,
                                     top_k=self.top_k, class_id=self.class_id)

    def _pick(self, value):
        return value[0] if self._single else value

    def get_config(self):
        config = {'thresholds': self.init_thresholds, 'top_k': self.top_k, 'class_id': self.class_id}
        config.update(super(_ConfusionMetric, self).get_config())
        return config


_KIND_NAMES = {'tp': 'true_positives', 'fp': 'false_positives', 'tn': 'true_negatives',
               'fn': 'false_negatives'}


class Precision(_ConfusionMetric):
    """`tp / (tp + fp)` accumulated over batches (0 when nothing was predicted positive).

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5); with a
            list the result is an array, one value per threshold.
        top_k: count only the `k` highest predictions of each sample as positive.
        class_id: only consider this class (last-axis index).
    """
    _KINDS = ('tp', 'fp')

    def result_from(self, states):
        tp, fp = states
        return self._pick(_div_no_nan(tp, tp + fp))


class Recall(_ConfusionMetric):
    """`tp / (tp + fn)` accumulated over batches (same arguments as `Precision`)."""
    _KINDS = ('tp', 'fn')

    def result_from(self, states):
        tp, fn = states
        return self._pick(_div_no_nan(tp, tp + fn))


class _CountMetric(_ConfusionMetric):
    def __init__(self, thresholds=None, name=None, dtype=None):
        super(_CountMetric, self).__init__(thresholds=thresholds, name=name, dtype=dtype)

    def result_from(self, states):
        return self._pick(K.identity(states[0]))

    def get_config(self):
        return {'thresholds': self.init_thresholds, 'name': self.name, 'dtype': self.dtype}


class TruePositives(_CountMetric):
    """Weighted count of true positives (`thresholds` as `Precision`)."""
    _KINDS = ('tp',)


class FalsePositives(_CountMetric):
    """Weighted count of false positives."""
    _KINDS = ('fp',)


class TrueNegatives(_CountMetric):
    """Weighted count of true negatives."""
    _KINDS = ('tn',)


class FalseNegatives(_CountMetric):
    """Weighted count of false negatives."""
    _KINDS = ('fn',)


class AUC(Metric):
    """Area under the ROC or precision-recall curve, accumulated over batches.

    Confusion counts are kept for `num_thresholds` thresholds (evenly spaced
    in [0, 1], plus -eps and 1+eps at the ends) and the area is a Riemann sum
    over them, as tf_keras.

    Args:
        num_thresholds: number of thresholds (> 1), default 200.
        curve: 'ROC' or 'PR'.
        summation_method: 'interpolation' (trapezoids for ROC, Davis &
            Goadrich interpolation for PR), 'minoring' or 'majoring'.
        thresholds: explicit thresholds in [0, 1] (overrides num_thresholds).
        from_logits: apply a sigmoid to `y_pred` first.

    Raises:
        ValueError: bad `num_thresholds`, `curve` or `summation_method`.
        NotImplementedError: `multi_label=True` or `label_weights` (not supported).
    """

    def __init__(self, num_thresholds=200, curve='ROC', summation_method='interpolation', name=None,
                 dtype=None, thresholds=None, multi_label=False, num_labels=None, label_weights=None,
                 from_logits=False):
        if multi_label or label_weights is not None:
            raise NotImplementedError('AUC: multi_label=True and label_weights are not supported by minikeras; '
                                      'labels are pooled (multi_label=False).')
        curve = str(curve).upper()
        if curve not in ('ROC', 'PR'):
            raise ValueError('Invalid AUC curve %r: expected "ROC" or "PR"' % (curve,))
        summation_method = str(summation_method).lower()
        if summation_method not in ('interpolation', 'minoring', 'majoring'):
            raise ValueError('Invalid summation_method %r: expected "interpolation", "minoring" or "majoring"'
                             % (summation_method,))
        super(AUC, self).__init__(name=name, dtype=dtype)
        eps = 1e-7
        if thresholds is not None:
            inner, _ = _parse_thresholds(list(thresholds))
            inner = sorted(inner)
            num_thresholds = len(inner) + 2
        else:
            if int(num_thresholds) <= 1:
                raise ValueError('Argument `num_thresholds` must be an integer > 1, got %r' % (num_thresholds,))
            num_thresholds = int(num_thresholds)
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self.num_thresholds = num_thresholds
        self.thresholds = [0.0 - eps] + inner + [1.0 + eps]
        self._explicit_thresholds = thresholds is not None
        self.curve = curve
        self.summation_method = summation_method
        self.multi_label = False
        self.num_labels = num_labels
        self.label_weights = None
        self.from_logits = from_logits
        self.true_positives = self.add_weight('true_positives', shape=(num_thresholds,))
        self.true_negatives = self.add_weight('true_negatives', shape=(num_thresholds,))
        self.false_positives = self.add_weight('false_positives', shape=(num_thresholds,))
        self.false_negatives = self.add_weight('false_negatives', shape=(num_thresholds,))

    def state_increments(self, y_true, y_pred, sample_weight=None):
        y_pred = _as_tensor(y_pred)
        if self.from_logits:
            y_pred = K.sigmoid(y_pred)
        return _confusion_increments(y_true, y_pred, self.thresholds, sample_weight, ('tp', 'tn', 'fp', 'fn'))

    def _interpolate_pr_auc(self, tp, fp, fn):
        n = self.num_thresholds
        dtp = tp[:n - 1] - tp[1:]
        p = tp + fp
        dp = p[:n - 1] - p[1:]
        prec_slope = _div_no_nan(dtp, K.maximum(dp, 0.))
        intercept = tp[1:] - prec_slope * p[1:]
        both_positive = K.cast(K.greater(p[:n - 1], 0.), K.floatx()) * K.cast(K.greater(p[1:], 0.), K.floatx())
        ratio = _div_no_nan(p[:n - 1], K.maximum(p[1:], 0.))
        safe_p_ratio = K.switch(K.greater(both_positive, 0.), ratio, K.ones_like(ratio))
        # log(safe_p_ratio) with ratio 0 only where slope terms vanish; guard the log.
        log_ratio = K.log(K.switch(K.greater(safe_p_ratio, 0.), safe_p_ratio, K.ones_like(safe_p_ratio)))
        increment = _div_no_nan(prec_slope * (dtp + intercept * log_ratio), K.maximum(tp[1:] + fn[1:], 0.))
        return K.sum(increment)

    def result_from(self, states):
        tp, tn, fp, fn = states
        if self.curve == 'PR' and self.summation_method == 'interpolation':
            return self._interpolate_pr_auc(tp, fp, fn)
        recall = _div_no_nan(tp, tp + fn)
        if self.curve == 'ROC':
            x = _div_no_nan(fp, fp + tn)
            y = recall
        else:
            x = recall
            y = _div_no_nan(tp, tp + fp)
        n = self.num_thresholds
        if self.summation_method == 'interpolation':
            heights = (y[:n - 1] + y[1:]) / 2.
        elif self.summation_method == 'minoring':
            heights = K.minimum(y[:n - 1], y[1:])
        else:
            heights = K.maximum(y[:n - 1], y[1:])
        return K.sum((x[:n - 1] - x[1:]) * heights)

    def get_config(self):
        config = {'num_thresholds': self.num_thresholds, 'curve': self.curve,
                  'summation_method': self.summation_method, 'multi_label': False,
                  'num_labels': self.num_labels, 'label_weights': None, 'from_logits': self.from_logits}
        if self._explicit_thresholds:
            config['thresholds'] = self.thresholds[1:-1]
        config.update(super(AUC, self).get_config())
        return config


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------

_FUNCTION_NAMES = ('binary_accuracy', 'categorical_accuracy', 'sparse_categorical_accuracy',
                   'top_k_categorical_accuracy', 'sparse_top_k_categorical_accuracy', 'accuracy',
                   'cosine_similarity', 'mean_squared_error', 'mean_absolute_error',
                   'mean_absolute_percentage_error', 'mean_squared_logarithmic_error', 'squared_hinge', 'hinge',
                   'categorical_hinge', 'logcosh', 'log_cosh', 'huber', 'categorical_crossentropy',
                   'sparse_categorical_crossentropy', 'binary_crossentropy', 'kullback_leibler_divergence',
                   'poisson', 'cosine_proximity', 'mse', 'MSE', 'mae', 'MAE', 'mape', 'MAPE', 'msle', 'MSLE',
                   'kld', 'KLD', 'kl_divergence', 'cosine', 'binary_focal_crossentropy',
                   'categorical_focal_crossentropy')
_CLASS_NAMES = ('Metric', 'Reduce', 'Sum', 'Mean', 'MeanMetricWrapper', 'Accuracy', 'BinaryAccuracy',
                'CategoricalAccuracy', 'SparseCategoricalAccuracy', 'TopKCategoricalAccuracy',
                'SparseTopKCategoricalAccuracy', 'MeanSquaredError', 'MeanAbsoluteError',
                'MeanAbsolutePercentageError', 'MeanSquaredLogarithmicError', 'RootMeanSquaredError', 'Hinge',
                'SquaredHinge', 'CategoricalHinge', 'LogCoshError', 'Poisson', 'KLDivergence', 'CosineSimilarity',
                'BinaryCrossentropy', 'CategoricalCrossentropy', 'SparseCategoricalCrossentropy', 'Precision',
                'Recall', 'TruePositives', 'FalsePositives', 'TrueNegatives', 'FalseNegatives', 'AUC')


def _module_objects():
    return {name: globals()[name] for name in _FUNCTION_NAMES + _CLASS_NAMES}


# A class name ('AUC', 'MeanSquaredError') deserializes to an instance with default arguments.
serialize, deserialize, get = registry_functions('metric function', _module_objects, instantiate=Metric)
