"""K surface, part 6: activations, crossentropies, dropout, normalisation helpers."""
from .. import state
from ..graph.tensor import Tensor, shape_str
from ..kernels.xp import xp
from ..ops import elementwise as ew
from ..ops import nn as nn_ops
from ..ops import reduce as red
from ..ops import shape as shape_ops
from . import math as km
from .array import one_hot, reshape, shape_tensor
from .random import random_binomial

__all__ = ['relu', 'elu', 'softmax', 'log_softmax', 'softplus', 'softsign', 'sigmoid', 'hard_sigmoid', 'tanh',
           'dropout', 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'binary_crossentropy',
           'l2_normalize', 'in_top_k', 'normalize_batch_in_training', 'batch_normalization', 'bias_add',
           'flush_denormals']


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit with Keras 2.2 options.

    Returns `x` for x > threshold (capped at `max_value`) and
    `alpha * (x - threshold)` below the threshold. `alpha`, `max_value` and
    `threshold` may be numbers or tensors.
    """
    x = ew.as_tensor(x)
    has_alpha = isinstance(alpha, Tensor) or alpha != 0
    has_threshold = isinstance(threshold, Tensor) or threshold != 0
    if not has_alpha and max_value is None and not has_threshold:
        return ew.Relu()(x)
    if has_alpha:
        negative_part = ew.Relu()(threshold - x) if has_threshold else ew.Relu()(-x)
    if has_threshold:
        x = x * ew.Cast(dtype=x.dtype)(ew.Greater()(x, ew.as_tensor(threshold, like=x)))
    else:
        x = ew.Relu()(x)
    if isinstance(max_value, Tensor):
        x = km.clip(x, 0.0, max_value)
    elif max_value is not None:
        x = ew.Clip(min_value=0.0, max_value=float(max_value))(x)
    if has_alpha:
        x = x - negative_part * alpha
    return x


def elu(x, alpha=1.0):
    return ew.Elu(alpha=float(alpha))(x)


def softmax(x, axis=-1):
    """Softmax along `axis` (raises for a 1-D tensor, as Keras)."""
    x = ew.as_tensor(x)
    if len(x.shape) < 1:
        raise ValueError('softmax: cannot apply to a scalar')
    return nn_ops.Softmax(axis=red.normalize_axis(axis, len(x.shape), 'softmax')[0])(x)


def log_softmax(x, axis=-1):
    x = ew.as_tensor(x)
    return nn_ops.LogSoftmax(axis=red.normalize_axis(axis, len(x.shape), 'log_softmax')[0])(x)


def softplus(x):
    return ew.Softplus()(x)


def softsign(x):
    return ew.Softsign()(x)


def sigmoid(x):
    return ew.Sigmoid()(x)


def hard_sigmoid(x):
    """clip(0.2 * x + 0.5, 0, 1)."""
    return ew.Clip(min_value=0.0, max_value=1.0)(x * 0.2 + 0.5)


def tanh(x):
    return ew.Tanh()(x)


def dropout(x, level, noise_shape=None, seed=None):
    """Zeros entries with probability `level` and scales the rest by 1/(1-level).

    Args:
        noise_shape: shape of the keep mask, broadcast over `x` (default: x's shape).
    """
    if not 0 <= level < 1:
        raise ValueError('dropout: level must be in [0, 1), got %r' % (level,))
    retain = 1.0 - level
    if noise_shape is None:
        mask = random_binomial(shape_ops.Shape()(x), p=retain, dtype=x.dtype, seed=seed)
        # The mask has x's run-time shape; say so statically, so known dims
        # (a feature axis of size 1 included) survive the product.
        mask = shape_ops.ReshapeLike()(mask, x)
    else:
        mask = random_binomial(noise_shape, p=retain, dtype=x.dtype, seed=seed)
    return x * mask * (1.0 / retain)


def _epsilon_like(x):
    return ew.as_tensor(state.epsilon(), like=x)


def _logits_of(output, op_class, axis=None):
    """The input `z` when `output` is `op_class(z)` (a softmax along `axis`, or
    a sigmoid), else None.

    The crossentropies use it to rewrite `crossentropy(softmax(z))` into one
    computed from `z`: the same value where probabilities are not saturated,
    and non-zero gradients where they are (a softmax of logits x1e4 would be
    clipped to epsilon, and its gradient lost).
    """
    owner = output.owner
    if owner is None or type(owner.op) is not op_class:
        return None
    if axis is not None and owner.op.axis != axis:
        return None
    return owner.inputs[0]


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(target * log(output)) along `axis`.

    Probabilities are first normalised to sum to 1 and clipped to
    [epsilon, 1 - epsilon] (Keras 2.2); with `from_logits`, `output` are logits.
    When `output` is a softmax along `axis`, the loss is computed from its
    logits (stable: saturated softmax outputs still get gradients).
    """
    target, output = ew.as_tensor(target), ew.as_tensor(output)
    axis = red.normalize_axis(axis, len(output.shape), 'categorical_crossentropy')
    logits = None if from_logits else _logits_of(output, nn_ops.Softmax, axis[0])
    if logits is not None:
        output, from_logits = logits, True
    if from_logits:
        return -km.sum(target * log_softmax(output, axis=axis[0]), axis=axis)
    output = output / red.Sum(axis=axis, keepdims=True)(output)
    eps = state.epsilon()
    output = ew.Clip(min_value=eps, max_value=1.0 - eps)(output)
    return -km.sum(target * ew.Log()(output), axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical crossentropy with integer targets (shape of `output` minus the
    class axis, or with a trailing axis of size 1)."""
    target, output = ew.as_tensor(target), ew.as_tensor(output)
    axis = red.normalize_axis(axis, len(output.shape), 'sparse_categorical_crossentropy')[0]
    logits = None if from_logits else _logits_of(output, nn_ops.Softmax, axis)
    if logits is not None:
        output, from_logits = logits, True
    if axis != len(output.shape) - 1:
        perm = [i for i in range(len(output.shape)) if i != axis] + [axis]
        output = shape_ops.Transpose(perm=tuple(perm))(output)
    if not from_logits:
        eps = state.epsilon()
        output = ew.Log()(ew.Clip(min_value=eps, max_value=1.0 - eps)(output))
    log_probs = log_softmax(output, axis=-1)
    num_classes = output.shape[-1]
    if num_classes is None:
        raise ValueError('sparse_categorical_crossentropy: the class axis of the output must be known, '
                         'got shape %s' % shape_str(output.shape))
    target = _sparse_target(target, output)
    return -km.sum(one_hot(target, num_classes) * log_probs, axis=-1)


def _sparse_target(target, output):
    if xp.dtype(target.dtype).kind == 'f':
        target = ew.Cast(dtype='int64')(ew.Round()(target))
    expected = len(output.shape) - 1
    if len(target.shape) == expected + 1:
        if target.shape[-1] == 1:
            target = shape_ops.Squeeze(axis=len(target.shape) - 1)(target)
        else:
            # The unit axis may be anywhere (channels_first: (batch, 1, h, w)); as in
            # Keras, the labels are read in row-major order as the output's shape
            # without its class axis.
            run_shape = shape_ops.Shape()(output)
            target = reshape(target, [d if d is not None else run_shape[i]
                                      for i, d in enumerate(output.shape[:-1])])
    if len(target.shape) != expected:
        raise ValueError('sparse_categorical_crossentropy: targets of shape %s do not fit outputs of shape %s'
                         % (shape_str(target.shape), shape_str(output.shape)))
    return target


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise sigmoid crossentropy. Probabilities are clipped to
    [epsilon, 1 - epsilon] and turned into logits first (Keras 2.2); when
    `output` is a sigmoid, its own input is used as the logits (stable)."""
    target, output = ew.as_tensor(target), ew.as_tensor(output)
    logits = None if from_logits else _logits_of(output, ew.Sigmoid)
    if logits is not None:
        output, from_logits = logits, True
    if not from_logits:
        eps = state.epsilon()
        output = ew.Clip(min_value=eps, max_value=1.0 - eps)(output)
        output = ew.Log()(output / (1.0 - output))
    # max(z, 0) - z * t + log(1 + exp(-|z|)), stable for every z.
    return ew.Relu()(output) - output * target + ew.Softplus()(-ew.Abs()(output))


def l2_normalize(x, axis=None):
    """x / sqrt(max(sum(x**2, axis), 1e-12))."""
    square_sum = km.sum(ew.Square()(x), axis=axis, keepdims=True)
    return x / ew.Sqrt()(ew.Maximum()(square_sum, ew.as_tensor(1e-12, like=x)))


def in_top_k(predictions, targets, k):
    """Whether each target class is among the top `k` predictions (ties count
    as in, as TensorFlow's `in_top_k`)."""
    targets = targets if isinstance(targets, Tensor) else ew.as_tensor(xp.asarray(targets, 'int32'))
    if len(targets.shape) == 2:
        targets = shape_ops.Squeeze(axis=1)(targets)
    if xp.dtype(targets.dtype).kind == 'f':
        targets = ew.Cast(dtype='int64')(targets)
    target_score = km.sum(predictions * one_hot(targets, predictions.shape[-1]), axis=-1, keepdims=True)
    larger = km.sum(ew.Cast(dtype='int32')(ew.Greater()(predictions, target_score)), axis=-1)
    return ew.Less()(larger, ew.as_tensor(xp.int64(k)))


def _broadcast_stat(stat, x, reduction_axes):
    """Reshapes a per-feature statistic so it broadcasts against `x`."""
    target = [1 if i in reduction_axes else (x.shape[i] if x.shape[i] is not None else -1)
              for i in range(len(x.shape))]
    if target.count(-1) > 1:
        return reshape(stat, shape_tensor([1 if i in reduction_axes else shape_ops.Shape()(x)[i]
                                           for i in range(len(x.shape))]))
    return shape_ops.Reshape(shape=tuple(target))(stat)


def normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon=1e-3):
    """Normalises `x` with the batch mean and (biased) variance over `reduction_axes`.

    Returns:
        (normalized, mean, variance), the statistics shaped like `gamma`.
    """
    axes = tuple(sorted(a % len(x.shape) for a in reduction_axes))
    mean = red.Mean(axis=axes, keepdims=True)(x)
    variance = red.Mean(axis=axes, keepdims=True)(ew.Square()(x - mean))
    kept = [i for i in range(len(x.shape)) if i not in axes]
    stat_shape = tuple(x.shape[i] for i in kept)
    flat_mean = shape_ops.Reshape(shape=tuple(-1 if d is None else d for d in stat_shape))(mean)
    flat_var = shape_ops.Reshape(shape=tuple(-1 if d is None else d for d in stat_shape))(variance)
    g = _broadcast_stat(gamma, x, axes) if gamma is not None else None
    b = _broadcast_stat(beta, x, axes) if beta is not None else None
    normed = (x - mean) / ew.Sqrt()(variance + epsilon)
    if g is not None:
        normed = normed * g
    if b is not None:
        normed = normed + b
    return normed, flat_mean, flat_var


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    """(x - mean) / sqrt(var + epsilon) * gamma + beta, statistics along `axis`."""
    axis = axis % len(x.shape)
    reduction_axes = tuple(i for i in range(len(x.shape)) if i != axis)

    def fit(t):
        if t is None:
            return None
        t = ew.as_tensor(t, like=x)
        if len(t.shape) == len(x.shape):
            return t
        return _broadcast_stat(t, x, reduction_axes)

    mean, var, beta, gamma = fit(mean), fit(var), fit(beta), fit(gamma)
    normed = (x - mean) / ew.Sqrt()(var + epsilon)
    if gamma is not None:
        normed = normed * gamma
    if beta is not None:
        normed = normed + beta
    return normed


def bias_add(x, bias, data_format=None):
    """Adds a bias vector along the channel axis, or a bias with one dimension
    per non-batch axis (for channels_first given as (..., channels) and
    reshaped, as Keras 2.2 does)."""
    data_format = state.normalize_data_format(data_format)
    bias_shape = tuple(bias.shape)
    if len(bias_shape) != 1 and len(bias_shape) != len(x.shape) - 1:
        raise ValueError('bias_add: unexpected bias dimensions %d, expected 1 or %d'
                         % (len(bias_shape), len(x.shape) - 1))
    if data_format == 'channels_first' and len(x.shape) > 2:
        if len(bias_shape) == 1:
            bias = shape_ops.Reshape(shape=(1, bias_shape[0]) + (1,) * (len(x.shape) - 2))(bias)
        else:
            # Keras 2.2 reinterprets a (..., channels) bias as (channels, ...) by a
            # reshape, not a transpose; weights saved by Keras rely on it.
            bias = shape_ops.Reshape(shape=(1, bias_shape[-1]) + tuple(bias_shape[:-1]))(bias)
    return x + bias


def flush_denormals(x, nonnegative=False, step=None, every=1):
    """`x` with subnormal values set to zero (a round-off-sized change).

    Optimizers apply it to accumulators that decay geometrically, so long runs
    do not compute on subnormal floats (slow on CPUs). Not in Keras 2.2.

    Args:
        x: a float tensor.
        nonnegative: promise that `x >= 0` (e.g. a sum of squares): one pass
            less over the data; negative values would be set to zero.
        step, every: with an integer tensor `step` (e.g. an optimizer's
            `iterations`), flush only when `step` is a multiple of `every`;
            otherwise `x` passes unchanged.

    Raises:
        ValueError: `every` is not a positive integer, or `every > 1` without `step`.
    """
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ValueError('flush_denormals: `every` must be a positive integer, got %r' % (every,))
    if step is None:
        if every != 1:
            raise ValueError('flush_denormals: every=%d needs a `step` tensor' % every)
        return nn_ops.FlushDenormals(nonnegative=nonnegative)(x)
    return nn_ops.FlushDenormals(nonnegative=nonnegative, every=every)(x, step)
