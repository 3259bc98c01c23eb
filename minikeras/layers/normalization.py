"""Normalization layers: `BatchNormalization` (Keras 2.2 semantics)."""
from .. import backend as K
from .. import constraints, initializers, regularizers
from ..backend.graph.tensor import shape_str
from ..engine import input_checks
from ..engine.base_layer import InputSpec, Layer


_KERAS2 = object()  # BatchNormalization built without tf.keras's `fused` key


class BatchNormalization(Layer):
    """Batch normalization (Ioffe and Szegedy, 2015).

    In the training phase the layer normalises each feature with the mean and
    the (biased) variance of the current batch, and adds updates that move
    `moving_mean` and `moving_variance` towards the batch statistics:
    `moving = moving * momentum + batch * (1 - momentum)`, where the batch
    variance used for `moving_variance` is the Keras 2.2.4 unbiased estimate
    `variance * n / (n - (1 + epsilon))` with `n` the number of values per
    feature. In the inference phase it normalises with the moving statistics.
    The output is `gamma * (x - mean) / sqrt(var + epsilon) + beta`.

    Args:
        axis: the feature axis (int; -1 for channels_last, 1 for
            channels_first). A one-element list (tf_keras configs) is accepted.
        momentum: momentum of the moving averages.
        epsilon: small float added to the variance.
        center: whether to add the learned offset `beta`.
        scale: whether to multiply by the learned `gamma`.
        beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer: initializers of the weights.
        beta_regularizer, gamma_regularizer: optional regularizers.
        beta_constraint, gamma_constraint: optional constraints.
        **kwargs: standard layer keyword arguments.

    Call arguments:
        inputs: a tensor of any rank >= 2.
        training: True for training mode, False for inference mode, None to
            follow the learning phase.

    Weights (in `get_weights()` order): gamma (if `scale`), beta (if
    `center`), moving_mean, moving_variance (the last two non-trainable).

    Example::

        x = Input(shape=(8, 8, 3))
        y = BatchNormalization(axis=-1, momentum=0.9)(x)
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer='zeros', gamma_initializer='ones', moving_mean_initializer='zeros',
                 moving_variance_initializer='ones', beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, **kwargs):
        # tf.keras's `fused` (any value, None included) marks a tf.keras layer: see `_variance_correction`.
        self._fused = kwargs.pop('fused', _KERAS2)
        # tf_keras-only options that do not change the computation here.
        for key in ('renorm', 'renorm_clipping', 'renorm_momentum', 'virtual_batch_size',
                    'adjustment', 'synchronized'):
            value = kwargs.pop(key, None)
            if key in ('renorm', 'synchronized') and value:
                raise ValueError('BatchNormalization: `%s=True` is not supported' % key)
            if key in ('virtual_batch_size', 'adjustment', 'renorm_clipping') and value:
                raise ValueError('BatchNormalization: `%s` is not supported' % key)
        super(BatchNormalization, self).__init__(**kwargs)
        self.supports_masking = True
        if isinstance(axis, (list, tuple)):
            if len(axis) != 1:
                raise ValueError('BatchNormalization %s: only a single feature axis is supported, got axis=%r'
                                 % (self.name, axis))
            axis = axis[0]
        self.axis = input_checks.check_int('axis', axis, where='Layer %s (BatchNormalization)' % self.name)
        self.momentum = input_checks.check_fraction(self, 'momentum', momentum)
        self.epsilon = input_checks.check_positive_float(self, 'epsilon', epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape):
        """Creates gamma, beta, moving_mean and moving_variance of shape (features,).

        Raises:
            ValueError: `axis` is out of range or the feature axis is unknown.
        """
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError('BatchNormalization %s: axis %d is out of range for an input of shape %s'
                             % (self.name, self.axis, shape_str(input_shape)))
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError('Axis %d of input tensor should have a defined dimension but the layer %s received '
                             'an input with shape %s.' % (self.axis, self.name, shape_str(input_shape)))
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: dim})
        shape = (dim,)
        if self.scale:
            self.gamma = self.add_weight(shape=shape, name='gamma', initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        else:
            self.gamma = None
        if self.center:
            self.beta = self.add_weight(shape=shape, name='beta', initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint)
        else:
            self.beta = None
        self.moving_mean = self.add_weight(shape=shape, name='moving_mean',
                                           initializer=self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight(shape=shape, name='moving_variance',
                                               initializer=self.moving_variance_initializer, trainable=False)
        self.built = True

    def call(self, inputs, training=None):
        input_shape = K.int_shape(inputs)
        ndim = len(input_shape)
        axis = self.axis % ndim
        reduction_axes = [i for i in range(ndim) if i != axis]
        broadcast_shape = [1] * ndim
        broadcast_shape[axis] = input_shape[axis]
        needs_broadcasting = sorted(reduction_axes) != list(range(ndim))[:-1]

        def normalize_inference():
            if needs_broadcasting:
                def fit(w):
                    return None if w is None else K.reshape(w, broadcast_shape)
                return K.batch_normalization(inputs, fit(self.moving_mean), fit(self.moving_variance),
                                             fit(self.beta), fit(self.gamma), axis=axis, epsilon=self.epsilon)
            return K.batch_normalization(inputs, self.moving_mean, self.moving_variance, self.beta, self.gamma,
                                         axis=axis, epsilon=self.epsilon)

        # A static inference phase needs no batch statistics and no updates.
        if training is False or (type(training) is int and training == 0):
            return normalize_inference()

        normed_training, mean, variance = K.normalize_batch_in_training(
            inputs, self.gamma, self.beta, reduction_axes, epsilon=self.epsilon)

        variance = variance * self._variance_correction(inputs, input_shape, reduction_axes)

        self.add_update([K.moving_average_update(self.moving_mean, mean, self.momentum),
                         K.moving_average_update(self.moving_variance, variance, self.momentum)],
                        inputs)
        return K.in_train_phase(normed_training, normalize_inference, training=training)

    def _variance_correction(self, inputs, input_shape, reduction_axes):
        """The factor applied to the batch variance before it enters `moving_variance`.

        Keras 2.2.4: `n / (n - (1 + epsilon))`, `n` the number of values per
        feature. A tf.keras 2.x layer (its config has `fused`, which
        `minikeras.legacy.tf_keras` adds to the layers of tf.keras files) uses
        the fused kernel's Bessel correction `n / (n - 1)` on 4-D/5-D inputs
        with the channels first or last, and no correction otherwise.
        """
        ndim = len(input_shape)
        if self._fused is not _KERAS2:
            fused = self._fused in (None, True) and ndim in (4, 5) and self.axis % ndim in (1, ndim - 1)
            if not fused:
                return 1.0
            sample_size = self._sample_size(inputs, input_shape, reduction_axes)
            return sample_size / (sample_size - 1.0)
        sample_size = self._sample_size(inputs, input_shape, reduction_axes)
        return sample_size / (sample_size - (1.0 + self.epsilon))

    @staticmethod
    def _sample_size(inputs, input_shape, reduction_axes):
        """Number of values per feature: a float, or a symbolic scalar when a
        reduced dimension (usually the batch) is only known at run time."""
        dims = [input_shape[a] for a in reduction_axes]
        if None not in dims:
            size = 1
            for d in dims:
                size *= d
            return float(size)
        runtime = K.shape(inputs)
        size = None
        for a, d in zip(reduction_axes, dims):
            term = K.cast(runtime[a], K.dtype(inputs)) if d is None else float(d)
            size = term if size is None else size * term
        return size

    def get_config(self):
        config = {
            'axis': self.axis,
            'momentum': self.momentum,
            'epsilon': self.epsilon,
            'center': self.center,
            'scale': self.scale,
            'beta_initializer': initializers.serialize(self.beta_initializer),
            'gamma_initializer': initializers.serialize(self.gamma_initializer),
            'moving_mean_initializer': initializers.serialize(self.moving_mean_initializer),
            'moving_variance_initializer': initializers.serialize(self.moving_variance_initializer),
            'beta_regularizer': regularizers.serialize(self.beta_regularizer),
            'gamma_regularizer': regularizers.serialize(self.gamma_regularizer),
            'beta_constraint': constraints.serialize(self.beta_constraint),
            'gamma_constraint': constraints.serialize(self.gamma_constraint),
        }
        if self._fused is not _KERAS2:  # a tf.keras layer keeps its statistics when saved again
            config['fused'] = self._fused
        base_config = super(BatchNormalization, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))

    def compute_output_shape(self, input_shape):
        return input_shape
