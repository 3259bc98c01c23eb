"""Loss functions (Keras 2.2 semantics) and their registry.

Every loss function `fn(y_true, y_pred, **kwargs)` takes symbolic tensors and
returns the **per-sample** loss: the mean (or sum, for the crossentropies,
KLD, cosine and categorical hinge) over the last axis only, so inputs of shape
`(batch, d0, .., dn)` give a loss of shape `(batch, d0, .., dn-1)`. The engine
then applies sample/class weights and averages over the batch.

Keras 2.2.4 is the reference where it differs from tf_keras:

* `hinge` / `squared_hinge` use the labels as given (labels in {0, 1} are
  **not** mapped to {-1, 1}, unlike tf_keras / Keras 2.3);
* `binary_crossentropy` on probabilities goes through logits
  (`log(p / (1 - p))` after clipping p to [eps, 1 - eps]) as Keras 2.2.4.

Arguments that Keras 2.2.4 lacks follow tf_keras: `from_logits` and
`label_smoothing` of the crossentropies, `axis` of `cosine_similarity` and
the crossentropies, `huber(delta)`. When `binary_crossentropy` is given a
non-zero `label_smoothing` (a tf_keras-only option) it computes the whole loss
the tf_keras way, `-(t*log(p+eps) + (1-t)*log(1-p+eps))` with p clipped to
[eps, 1-eps]; with `label_smoothing=0` it is the Keras 2.2.4 formula.

Loss classes (`MeanSquaredError()`, `Huber(delta)`, ...; tf_keras API) wrap
these functions: calling an instance `loss(y_true, y_pred, sample_weight=None)`
returns the reduced scalar, and `loss.call(y_true, y_pred)` returns the
per-sample values (what the engine should use, so that Keras 2 weighting
applies to instances and functions alike).

Example::

    from minikeras import losses, backend as K
    K.eval(losses.get('mse')(K.constant([[0., 1.]]), K.constant([[1., 1.]])))   # -> [0.5]
"""
from . import backend as K
from .utils.generic_utils import registry_functions


_LOG2 = 0.6931471805599453  # log(2)


def _match_dtype(y_true, y_pred):
    """`y_true` cast to the dtype of `y_pred` when they differ (tf_keras does the same)."""
    if K.dtype(y_true) != K.dtype(y_pred):
        return K.cast(y_true, K.dtype(y_pred))
    return y_true


def mean_squared_error(y_true, y_pred):
    """`mean(square(y_pred - y_true), axis=-1)`."""
    y_true = _match_dtype(y_true, y_pred)
    return K.mean(K.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """`mean(abs(y_pred - y_true), axis=-1)`."""
    y_true = _match_dtype(y_true, y_pred)
    return K.mean(K.abs(y_pred - y_true), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """`100 * mean(abs((y_true - y_pred) / max(abs(y_true), eps)), axis=-1)`."""
    y_true = _match_dtype(y_true, y_pred)
    diff = K.abs((y_true - y_pred) / K.clip(K.abs(y_true), K.epsilon(), None))
    return 100. * K.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """`mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)`."""
    y_true = _match_dtype(y_true, y_pred)
    first_log = K.log(K.clip(y_pred, K.epsilon(), None) + 1.)
    second_log = K.log(K.clip(y_true, K.epsilon(), None) + 1.)
    return K.mean(K.square(first_log - second_log), axis=-1)


def squared_hinge(y_true, y_pred):
    """`mean(square(max(1 - y_true * y_pred, 0)), axis=-1)`; labels are expected
    in {-1, 1} and used as given (Keras 2.2.4)."""
    y_true = _match_dtype(y_true, y_pred)
    return K.mean(K.square(K.maximum(1. - y_true * y_pred, 0.)), axis=-1)


def hinge(y_true, y_pred):
    """`mean(max(1 - y_true * y_pred, 0), axis=-1)`; labels are expected in
    {-1, 1} and used as given (Keras 2.2.4)."""
    y_true = _match_dtype(y_true, y_pred)
    return K.mean(K.maximum(1. - y_true * y_pred, 0.), axis=-1)


def _signed_labels(y_true):
    """Labels given in {0, 1} mapped to {-1, 1}, other labels unchanged: what the
    tf_keras hinge losses do first (Keras 2.2.4's functions do not)."""
    is_binary = K.all(K.logical_or(K.equal(y_true, 0.), K.equal(y_true, 1.)))
    return K.switch(is_binary, 2. * y_true - 1., y_true)


def _tf_keras_hinge(y_true, y_pred):
    """`hinge` after mapping {0, 1} labels to {-1, 1} (the tf_keras class semantics)."""
    return hinge(_signed_labels(_match_dtype(y_true, y_pred)), y_pred)


def _tf_keras_squared_hinge(y_true, y_pred):
    """`squared_hinge` after mapping {0, 1} labels to {-1, 1} (tf_keras class semantics)."""
    return squared_hinge(_signed_labels(_match_dtype(y_true, y_pred)), y_pred)


def categorical_hinge(y_true, y_pred):
    """`max(0, max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1)` per sample."""
    y_true = _match_dtype(y_true, y_pred)
    pos = K.sum(y_true * y_pred, axis=-1)
    neg = K.max((1. - y_true) * y_pred, axis=-1)
    return K.maximum(0., neg - pos + 1.)


def logcosh(y_true, y_pred):
    """`mean(log(cosh(y_pred - y_true)), axis=-1)`, computed as
    `x + softplus(-2x) - log(2)` so that large errors do not overflow."""
    y_true = _match_dtype(y_true, y_pred)
    x = y_pred - y_true
    return K.mean(x + K.softplus(-2. * x) - _LOG2, axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """Huber loss (tf_keras; not in Keras 2.2.4), mean over the last axis.

    With `x = y_pred - y_true`: `0.5 * x**2` where `|x| <= delta`, else
    `delta * |x| - 0.5 * delta**2`.
    """
    y_true = _match_dtype(y_true, y_pred)
    delta = float(delta)
    error = y_pred - y_true
    abs_error = K.abs(error)
    quadratic = 0.5 * K.square(error)
    linear = delta * abs_error - 0.5 * delta ** 2
    return K.mean(K.switch(K.less_equal(abs_error, delta), quadratic, linear), axis=-1)


def _num_classes_tensor(y, axis):
    dim = K.int_shape(y)[axis]
    if dim is not None:
        return float(dim)
    return K.cast(K.shape(y)[axis], K.dtype(y))


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0., axis=-1):
    """Crossentropy between one-hot (or soft) targets and predicted distributions.

    Args:
        y_true: targets, same shape as `y_pred`.
        y_pred: probabilities (rows are normalised to sum to 1 and clipped to
            [eps, 1 - eps], as Keras 2.2) or logits when `from_logits`.
        from_logits: `y_pred` are unnormalised log-probabilities (tf_keras).
        label_smoothing: in [0, 1]; targets become
            `y_true * (1 - label_smoothing) + label_smoothing / num_classes` (tf_keras).
        axis: the class axis.

    Returns:
        `-sum(y_true * log(y_pred), axis)`, shape of `y_pred` without `axis`.
    """
    y_true = _match_dtype(y_true, y_pred)
    if label_smoothing:
        smoothing = float(label_smoothing)
        y_true = y_true * (1. - smoothing) + smoothing / _num_classes_tensor(y_pred, axis)
    return K.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    """Categorical crossentropy with integer class targets.

    Args:
        y_true: class indices, shape of `y_pred` without the class axis (or
            with a trailing axis of size 1); float labels are rounded.
        y_pred: probabilities (clipped to [eps, 1 - eps], then renormalised
            through a log-softmax, as Keras 2.2) or logits when `from_logits`.
        from_logits: `y_pred` are logits.
        axis: the class axis of `y_pred`.
    """
    return K.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0., axis=-1):
    """Binary crossentropy, mean over `axis` (the last by default).

    Args:
        y_true: targets in [0, 1].
        y_pred: probabilities, or logits when `from_logits`.
        from_logits: `y_pred` are logits (tf_keras).
        label_smoothing: targets become `y_true * (1 - ls) + 0.5 * ls`; a
            non-zero value also switches to the tf_keras probability formula
            (see the module docstring).
        axis: the axis averaged over.
    """
    y_true = _match_dtype(y_true, y_pred)
    if label_smoothing:
        smoothing = float(label_smoothing)
        y_true = y_true * (1. - smoothing) + 0.5 * smoothing
        if not from_logits:
            return K.mean(_tf_keras_probability_bce(y_true, y_pred), axis=axis)
    return K.mean(K.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def _tf_keras_probability_bce(y_true, p):
    """tf_keras's elementwise crossentropy of probabilities:
    `-(t log(p + eps) + (1 - t) log(1 - p + eps))` with p clipped to [eps, 1 - eps]."""
    eps = K.epsilon()
    p = K.clip(p, eps, 1. - eps)
    return -(y_true * K.log(p + eps) + (1. - y_true) * K.log(1. - p + eps))


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0., axis=-1):
    """Binary crossentropy down-weighted on well-classified samples (tf_keras;
    not in Keras 2.2): `mean((1 - p_t) ** gamma * bce, axis)`, where p_t is the
    probability given to the true label; with `apply_class_balancing` each term
    is also weighted by `alpha` (positives) or `1 - alpha` (negatives)."""
    y_true = _match_dtype(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1. - float(label_smoothing)) + 0.5 * float(label_smoothing)
    probabilities = K.sigmoid(y_pred) if from_logits else y_pred
    p_t = y_true * probabilities + (1. - y_true) * (1. - probabilities)
    if from_logits:
        bce = K.binary_crossentropy(y_true, y_pred, from_logits=True)
    else:
        bce = _tf_keras_probability_bce(y_true, y_pred)
    focal = K.pow(1. - p_t, float(gamma)) * bce
    if apply_class_balancing:
        focal = (y_true * float(alpha) + (1. - y_true) * (1. - float(alpha))) * focal
    return K.mean(focal, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.,
                                   axis=-1):
    """Categorical crossentropy down-weighted on confident predictions (tf_keras;
    not in Keras 2.2): `sum(alpha * (1 - p) ** gamma * -y_true * log(p), axis)`
    with p the normalised, clipped probabilities."""
    y_true = _match_dtype(y_true, y_pred)
    if label_smoothing:
        smoothing = float(label_smoothing)
        y_true = y_true * (1. - smoothing) + smoothing / _num_classes_tensor(y_pred, axis)
    probabilities = K.softmax(y_pred, axis=axis) if from_logits else y_pred
    probabilities = probabilities / K.sum(probabilities, axis=axis, keepdims=True)
    probabilities = K.clip(probabilities, K.epsilon(), 1. - K.epsilon())
    cce = -y_true * K.log(probabilities)
    return K.sum(K.pow(1. - probabilities, float(gamma)) * float(alpha) * cce, axis=axis)


def kullback_leibler_divergence(y_true, y_pred):
    """`sum(y_true * log(y_true / y_pred), axis=-1)`, both clipped to [eps, 1]."""
    y_true = _match_dtype(y_true, y_pred)
    y_true = K.clip(y_true, K.epsilon(), 1)
    y_pred = K.clip(y_pred, K.epsilon(), 1)
    return K.sum(y_true * K.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """`mean(y_pred - y_true * log(y_pred + eps), axis=-1)`."""
    y_true = _match_dtype(y_true, y_pred)
    return K.mean(y_pred - y_true * K.log(y_pred + K.epsilon()), axis=-1)


def cosine_proximity(y_true, y_pred, axis=-1):
    """Negative cosine similarity: `-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`.

    -1 means the same direction, 0 orthogonal (or a zero vector).
    """
    y_true = _match_dtype(y_true, y_pred)
    y_true = K.l2_normalize(y_true, axis=axis)
    y_pred = K.l2_normalize(y_pred, axis=axis)
    return -K.sum(y_true * y_pred, axis=axis)


def cosine_similarity(y_true, y_pred, axis=-1):
    """The tf_keras loss `cosine_similarity`: the same value as `cosine_proximity`."""
    return cosine_proximity(y_true, y_pred, axis=axis)


# Aliases (Keras 2.2, plus the tf_keras spellings).
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kl_divergence = kullback_leibler_divergence
cosine = cosine_proximity
log_cosh = logcosh
huber_loss = huber


class Loss(object):
    """Base of the loss classes (tf_keras API).

    Subclasses implement `call(y_true, y_pred)` returning per-sample losses.
    Calling the instance reduces them: `'sum_over_batch_size'` / `'auto'`
    (default) divides the (weighted) sum by the number of per-sample values,
    `'sum'` returns the sum, `'none'` returns the weighted per-sample values.

    Args:
        reduction: 'auto', 'sum_over_batch_size', 'sum' or 'none'.
        name: name of the loss.
    """

    _REDUCTIONS = ('auto', 'sum_over_batch_size', 'sum', 'none')

    def __init__(self, reduction='auto', name=None):
        if reduction not in self._REDUCTIONS:
            raise ValueError('Invalid reduction %r: expected one of %s' % (reduction, self._REDUCTIONS))
        self.reduction = reduction
        self.name = name

    def call(self, y_true, y_pred):
        raise NotImplementedError('%s must implement call(y_true, y_pred)' % type(self).__name__)

    def __call__(self, y_true, y_pred, sample_weight=None):
        if not K.is_tensor(y_true):
            y_true = K.constant(y_true)
        if not K.is_tensor(y_pred):
            y_pred = K.constant(y_pred)
        losses = self.call(y_true, y_pred)
        if sample_weight is not None:
            if not K.is_tensor(sample_weight):
                sample_weight = K.constant(sample_weight, dtype=K.dtype(losses))
            sw = K.cast(sample_weight, K.dtype(losses))
            while K.ndim(sw) > K.ndim(losses) and K.int_shape(sw)[-1] == 1:
                sw = K.squeeze(sw, -1)
            while K.ndim(sw) < K.ndim(losses):
                sw = K.expand_dims(sw, -1)
            losses = losses * sw
        if self.reduction == 'none':
            return losses
        total = K.sum(losses)
        if self.reduction == 'sum':
            return total
        count = K.cast(K.prod(K.shape(losses)), K.dtype(losses)) if K.ndim(losses) else 1.
        return total / count

    def get_config(self):
        return {'reduction': self.reduction, 'name': self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A `Loss` around a loss function; extra kwargs are passed to it on each call."""

    def __init__(self, fn, reduction='auto', name=None, **kwargs):
        super(LossFunctionWrapper, self).__init__(reduction=reduction, name=name or fn.__name__)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = dict(self._fn_kwargs)
        config.update(super(LossFunctionWrapper, self).get_config())
        return config


def _wrapper_from_config(cls, config):
    """`cls(**config)` for the configs tf-keras writes too.

    tf-keras 2.13+ adds `fn`, the name of the wrapped function, which the
    class already determines (dropped); `SparseCategoricalCrossentropy`'s
    `ignore_class` is dropped when None (any other value reaches the
    constructor, which refuses it by name).
    """
    config = dict(config)
    config.pop('fn', None)
    if 'ignore_class' in config and config['ignore_class'] is None:
        del config['ignore_class']
    return cls(**config)


def _wrapper_class(class_name, fn, default_name, arg_defaults=(), doc=None):
    """Builds a tf_keras loss class with the given keyword arguments and defaults."""
    arg_defaults = tuple(arg_defaults)

    def __init__(self, *args, **kwargs):
        names = [a for a, _ in arg_defaults] + ['reduction', 'name']
        if len(args) > len(names):
            raise TypeError('%s takes at most %d positional arguments' % (class_name, len(names)))
        values = dict(arg_defaults)
        values.update({'reduction': 'auto', 'name': default_name})
        for key, value in zip(names, args):
            values[key] = value
        unknown = set(kwargs) - set(names)
        if unknown:
            raise TypeError('%s got unexpected arguments: %s' % (class_name, ', '.join(sorted(unknown))))
        values.update(kwargs)
        fn_kwargs = {a: values[a] for a, _ in arg_defaults}
        LossFunctionWrapper.__init__(self, fn, reduction=values['reduction'], name=values['name'], **fn_kwargs)

    cls = type(class_name, (LossFunctionWrapper,), {
        '__init__': __init__,
        '__doc__': doc or 'Loss class for `%s` (tf_keras API).' % fn.__name__,
        'from_config': classmethod(_wrapper_from_config),
    })
    cls.__module__ = __name__
    return cls


MeanSquaredError = _wrapper_class('MeanSquaredError', mean_squared_error, 'mean_squared_error')
MeanAbsoluteError = _wrapper_class('MeanAbsoluteError', mean_absolute_error, 'mean_absolute_error')
MeanAbsolutePercentageError = _wrapper_class('MeanAbsolutePercentageError', mean_absolute_percentage_error,
                                             'mean_absolute_percentage_error')
MeanSquaredLogarithmicError = _wrapper_class('MeanSquaredLogarithmicError', mean_squared_logarithmic_error,
                                             'mean_squared_logarithmic_error')
BinaryCrossentropy = _wrapper_class('BinaryCrossentropy', binary_crossentropy, 'binary_crossentropy',
                                    [('from_logits', False), ('label_smoothing', 0.), ('axis', -1)])
CategoricalCrossentropy = _wrapper_class('CategoricalCrossentropy', categorical_crossentropy,
                                         'categorical_crossentropy',
                                         [('from_logits', False), ('label_smoothing', 0.), ('axis', -1)])
SparseCategoricalCrossentropy = _wrapper_class('SparseCategoricalCrossentropy', sparse_categorical_crossentropy,
                                               'sparse_categorical_crossentropy',
                                               [('from_logits', False), ('axis', -1)])
# The classes are tf_keras API (Keras 2.2 had none), so they follow tf_keras.
Hinge = _wrapper_class('Hinge', _tf_keras_hinge, 'hinge')
SquaredHinge = _wrapper_class('SquaredHinge', _tf_keras_squared_hinge, 'squared_hinge')
CategoricalHinge = _wrapper_class('CategoricalHinge', categorical_hinge, 'categorical_hinge')
LogCosh = _wrapper_class('LogCosh', logcosh, 'log_cosh')
Huber = _wrapper_class('Huber', huber, 'huber_loss', [('delta', 1.0)])
KLDivergence = _wrapper_class('KLDivergence', kullback_leibler_divergence, 'kl_divergence')
Poisson = _wrapper_class('Poisson', poisson, 'poisson')
CosineSimilarity = _wrapper_class('CosineSimilarity', cosine_similarity, 'cosine_similarity', [('axis', -1)])
BinaryFocalCrossentropy = _wrapper_class(
    'BinaryFocalCrossentropy', binary_focal_crossentropy, 'binary_focal_crossentropy',
    [('apply_class_balancing', False), ('alpha', 0.25), ('gamma', 2.0), ('from_logits', False),
     ('label_smoothing', 0.), ('axis', -1)])
CategoricalFocalCrossentropy = _wrapper_class(
    'CategoricalFocalCrossentropy', categorical_focal_crossentropy, 'categorical_focal_crossentropy',
    [('alpha', 0.25), ('gamma', 2.0), ('from_logits', False), ('label_smoothing', 0.), ('axis', -1)])

_FUNCTION_NAMES = ('mean_squared_error', 'mean_absolute_error', 'mean_absolute_percentage_error',
                   'mean_squared_logarithmic_error', 'squared_hinge', 'hinge', 'categorical_hinge',
                   'logcosh', 'huber', 'categorical_crossentropy', 'sparse_categorical_crossentropy',
                   'binary_crossentropy', 'kullback_leibler_divergence', 'poisson', 'cosine_proximity',
                   'cosine_similarity', 'mse', 'MSE', 'mae', 'MAE', 'mape', 'MAPE', 'msle', 'MSLE', 'kld',
                   'KLD', 'kl_divergence', 'cosine', 'log_cosh', 'huber_loss', 'binary_focal_crossentropy',
                   'categorical_focal_crossentropy')
_CLASS_NAMES = ('Loss', 'LossFunctionWrapper', 'MeanSquaredError', 'MeanAbsoluteError',
                'MeanAbsolutePercentageError', 'MeanSquaredLogarithmicError', 'BinaryCrossentropy',
                'CategoricalCrossentropy', 'SparseCategoricalCrossentropy', 'Hinge', 'SquaredHinge',
                'CategoricalHinge', 'LogCosh', 'Huber', 'KLDivergence', 'Poisson', 'CosineSimilarity',
                'BinaryFocalCrossentropy', 'CategoricalFocalCrossentropy')


def _module_objects():
    return {name: globals()[name] for name in _FUNCTION_NAMES + _CLASS_NAMES}


# A class name ('MeanSquaredError') deserializes to an instance with default arguments.
serialize, deserialize, get = registry_functions('loss function', _module_objects, default=None, instantiate=Loss)


def per_sample(loss):
    """A function `f(y_true, y_pred)` returning per-sample losses for any loss
    identifier: a `Loss` instance gives its `call`, anything else `get(loss)`."""
    loss = get(loss)
    if isinstance(loss, Loss):
        return loss.call
    return loss
