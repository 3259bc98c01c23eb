"""Advanced activation layers (Keras 2.2): activations with parameters, or with
learned weights (`PReLU`).

Example::

    x = Input(shape=(8,))
    y = LeakyReLU(alpha=0.1)(Dense(16)(x))
"""
from .. import backend as K
from .. import constraints, initializers, regularizers
from ..backend.graph.tensor import shape_str
from ..engine.base_layer import InputSpec, Layer


def _floatx_scalar(value):
    """A Python float holding `value` rounded to floatx (Keras 2.2 `K.cast_to_floatx`),
    so that configs stay JSON-serialisable."""
    return float(K.cast_to_floatx(value))


class LeakyReLU(Layer):
    """Leaky rectified linear unit: `x` for x >= 0, `alpha * x` otherwise.

    Args:
        alpha: float >= 0, the slope below zero (default 0.3).
        **kwargs: standard layer keyword arguments.

    Input shape: any. Output shape: the input shape.
    """

    def __init__(self, alpha=0.3, **kwargs):
        super(LeakyReLU, self).__init__(**kwargs)
        self.supports_masking = True
        self.alpha = _floatx_scalar(alpha)

    def call(self, inputs):
        return K.relu(inputs, alpha=self.alpha)

    def get_config(self):
        config = {'alpha': self.alpha}
        base_config = super(LeakyReLU, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))

    def compute_output_shape(self, input_shape):
        return input_shape


class PReLU(Layer):
    """Parametric rectified linear unit: `x` for x >= 0, `alpha * x` otherwise,
    where `alpha` is a learned array shaped like the input without the batch axis.

    Args:
        alpha_initializer: initializer of the weights (default 'zeros').
        alpha_regularizer: regularizer of the weights.
        alpha_constraint: constraint on the weights.
        shared_axes: the axes (1-based, counting the batch axis as 0) along
            which the learned parameters are shared, e.g. `[1, 2]` to share
            them over the spatial axes of `(batch, height, width, channels)`
            feature maps.
        **kwargs: standard layer keyword arguments.

    Input shape: any, known except for the batch axis. Output shape: the input shape.

    Raises:
        ValueError: a shared axis is out of range for the input.
    """

    def __init__(self, alpha_initializer='zeros', alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super(PReLU, self).__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif not isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [int(shared_axes)]
        else:
            self.shared_axes = [int(a) for a in shared_axes]

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        self.param_broadcast = [False] * len(param_shape)
        if self.shared_axes is not None:
            for i in self.shared_axes:
                if not 1 <= i < len(input_shape):
                    raise ValueError('Layer %s: shared axis %d is out of range for an input of shape %s (axes '
                                     'count from 1, after the batch axis)' % (self.name, i, shape_str(input_shape)))
                param_shape[i - 1] = 1
                self.param_broadcast[i - 1] = True
        if None in param_shape:
            raise ValueError('Layer %s: the non-shared axes of the input must be known, got input shape %s'
                             % (self.name, shape_str(input_shape)))
        self.alpha = self.add_weight(shape=param_shape, name='alpha', initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        axes = {}
        if self.shared_axes:
            for i in range(1, len(input_shape)):
                if i not in self.shared_axes:
                    axes[i] = input_shape[i]
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs, mask=None):
        pos = K.relu(inputs)
        neg = -self.alpha * K.relu(-inputs)
        return pos + neg

    def get_config(self):
        config = {'alpha_initializer': initializers.serialize(self.alpha_initializer),
                  'alpha_regularizer': regularizers.serialize(self.alpha_regularizer),
                  'alpha_constraint': constraints.serialize(self.alpha_constraint),
                  'shared_axes': self.shared_axes}
        base_config = super(PReLU, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))

    def compute_output_shape(self, input_shape):
        return input_shape


class ELU(Layer):
    """Exponential linear unit: `x` for x > 0, `alpha * (exp(x) - 1)` otherwise.

    Args:
        alpha: scale of the negative part (default 1.0).
        **kwargs: standard layer keyword arguments.
    """

    def __init__(self, alpha=1.0, **kwargs):
        super(ELU, self).__init__(**kwargs)
        self.supports_masking = True
        self.alpha = _floatx_scalar(alpha)

    def call(self, inputs):
        return K.elu(inputs, self.alpha)

    def get_config(self):
        config = {'alpha': self.alpha}
        base_config = super(ELU, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))

    def compute_output_shape(self, input_shape):
        return input_shape


class ThresholdedReLU(Layer):
    """Thresholded rectified linear unit: `x` for x > theta, 0 otherwise.

    Args:
        theta: float >= 0, the threshold (default 1.0).
        **kwargs: standard layer keyword arguments.
    """

    def __init__(self, theta=1.0, **kwargs):
        super(ThresholdedReLU, self).__init__(**kwargs)
        self.supports_masking = True
        self.theta = _floatx_scalar(theta)

    def call(self, inputs, mask=None):
        return inputs * K.cast(K.greater(inputs, self.theta), K.dtype(inputs))

    def get_config(self):
        config = {'theta': self.theta}
        base_config = super(ThresholdedReLU, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))

    def compute_output_shape(self, input_shape):
        return input_shape


class Softmax(Layer):
    """Softmax activation along one axis.

    Args:
        axis: the axis along which the softmax normalisation is applied (default -1).
        **kwargs: standard layer keyword arguments.
    """

    def __init__(self, axis=-1, **kwargs):
        super(Softmax, self).__init__(**kwargs)
        self.supports_masking = True
        self.axis = axis

    def call(self, inputs):
        return K.softmax(inputs, axis=self.axis)

    def get_config(self):
        config = {'axis': self.axis}
        base_config = super(Softmax, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))

    def compute_output_shape(self, input_shape):
        return input_shape


class ReLU(Layer):
    """Rectified linear unit with an optional cap, slope and threshold.

    `f(x) = max_value` for x >= max_value, `x` for threshold <= x < max_value,
    `negative_slope * (x - threshold)` otherwise.

    Args:
        max_value: float >= 0, the maximum output (None: uncapped).
        negative_slope: float >= 0, the slope below the threshold (default 0).
        threshold: float, the threshold below which the unit is "off" (default 0).
        **kwargs: standard layer keyword arguments.

    Raises:
        ValueError: `max_value` or `negative_slope` is negative.
    """

    def __init__(self, max_value=None, negative_slope=0., threshold=0., **kwargs):
        super(ReLU, self).__init__(**kwargs)
        if max_value is not None and max_value < 0.:
            raise ValueError('max_value of ReLU layer %s cannot be negative value: %s' % (self.name, max_value))
        if negative_slope < 0.:
            raise ValueError('negative_slope of ReLU layer %s cannot be negative value: %s'
                             % (self.name, negative_slope))
        self.supports_masking = True
        self.max_value = _floatx_scalar(max_value) if max_value is not None else None
        self.negative_slope = _floatx_scalar(negative_slope)
        self.threshold = _floatx_scalar(threshold)

    def call(self, inputs):
        return K.relu(inputs, alpha=self.negative_slope, max_value=self.max_value, threshold=self.threshold)

    def get_config(self):
        config = {'max_value': self.max_value, 'negative_slope': self.negative_slope,
                  'threshold': self.threshold}
        base_config = super(ReLU, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))

    def compute_output_shape(self, input_shape):
        return input_shape
