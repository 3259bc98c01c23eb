"""Noise layers (Keras 2.2): regularisation by random noise, active only in the
training phase (`K.in_train_phase`); at test time they pass inputs through.

Example::

    x = Input(shape=(32,))
    h = GaussianNoise(0.1)(x)          # adds N(0, 0.1^2) noise while training
    h = AlphaDropout(0.1)(Dense(32, activation='selu')(h))
"""
import numpy as np

from .. import backend as K
from ..engine import input_checks
from ..engine.base_layer import Layer


def _check_rate(layer, rate, name='rate'):
    return input_checks.check_fraction(layer, name, rate)


def _with_seed(config, seed):
    """`config` plus `seed` when one was given (Keras 2.2.4's noise layers have no `seed` argument)."""
    if seed is not None:
        config['seed'] = seed
    return config


class GaussianNoise(Layer):
    """Adds zero-centred Gaussian noise (training only).

    Args:
        stddev: float, standard deviation of the noise.
        seed: optional random seed (tf.keras 2.x; the sequence differs from
            TensorFlow's, only its reproducibility is kept).
        **kwargs: standard layer keyword arguments.

    Call arguments:
        training: True/False to force the mode; None follows the learning phase.

    Input shape: any. Output shape: the input shape.
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super(GaussianNoise, self).__init__(**kwargs)
        self.supports_masking = True
        self.seed = seed
        self.stddev = input_checks.check_float('stddev', stddev, 0., where='Layer %s' % self.name)

    def call(self, inputs, training=None):
        def noised():
            return inputs + K.random_normal(shape=K.shape(inputs), mean=0., stddev=self.stddev,
                                            dtype=K.dtype(inputs), seed=self.seed)
        return K.in_train_phase(noised, inputs, training=training)

    def get_config(self):
        config = _with_seed({'stddev': self.stddev}, self.seed)
        base_config = super(GaussianNoise, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))

    def compute_output_shape(self, input_shape):
        return input_shape


class GaussianDropout(Layer):
    """Multiplies inputs by 1-centred Gaussian noise of standard deviation
    `sqrt(rate / (1 - rate))` (training only).

    Args:
        rate: float in [0, 1): the drop probability of the equivalent dropout.
        seed: optional random seed (tf.keras 2.x), as for `GaussianNoise`.
        **kwargs: standard layer keyword arguments.

    Call arguments:
        training: True/False to force the mode; None follows the learning phase.
    """

    def __init__(self, rate, seed=None, **kwargs):
        super(GaussianDropout, self).__init__(**kwargs)
        self.supports_masking = True
        self.seed = seed
        self.rate = _check_rate(self, rate)

    def call(self, inputs, training=None):
        if 0 < self.rate < 1:
            def noised():
                stddev = np.sqrt(self.rate / (1.0 - self.rate))
                return inputs * K.random_normal(shape=K.shape(inputs), mean=1.0, stddev=stddev,
                                                dtype=K.dtype(inputs), seed=self.seed)
            return K.in_train_phase(noised, inputs, training=training)
        return inputs

    def get_config(self):
        config = _with_seed({'rate': self.rate}, self.seed)
        base_config = super(GaussianDropout, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))

    def compute_output_shape(self, input_shape):
        return input_shape


class AlphaDropout(Layer):
    """Dropout that keeps the mean and variance of self-normalising (SELU)
    activations: dropped units are set to the SELU saturation value
    `-alpha * scale`, then an affine map restores the statistics (training only).

    Args:
        rate: float in [0, 1): the drop probability.
        noise_shape: optional 1-D shape of the keep mask, broadcast against the
            input (e.g. `(batch, 1, features)` to share it over time steps).
        seed: optional random seed.
        **kwargs: standard layer keyword arguments.

    Call arguments:
        training: True/False to force the mode; None follows the learning phase.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super(AlphaDropout, self).__init__(**kwargs)
        self.rate = _check_rate(self, rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.supports_masking = True

    def _get_noise_shape(self, inputs):
        if not self.noise_shape:
            return K.shape(inputs)
        if len(self.noise_shape) != K.ndim(inputs):
            raise ValueError('Layer %s: noise_shape %s does not have the rank of the input (shape %s)'
                             % (self.name, self.noise_shape, K.int_shape(inputs)))
        if None in self.noise_shape:
            symbolic = K.shape(inputs)
            return [symbolic[i] if d is None else d for i, d in enumerate(self.noise_shape)]
        return self.noise_shape

    def call(self, inputs, training=None):
        if 0. < self.rate < 1.:
            noise_shape = self._get_noise_shape(inputs)

            def dropped_inputs():
                alpha = 1.6732632423543772848170429916717
                scale = 1.0507009873554804934193349852946
                alpha_p = -alpha * scale
                kept_idx = K.greater_equal(K.random_uniform(noise_shape, seed=self.seed, dtype=K.dtype(inputs)),
                                           self.rate)
                kept_idx = K.cast(kept_idx, K.dtype(inputs))
                # Affine transformation keeping zero mean and unit variance.
                a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
                b = -a * alpha_p * self.rate
                x = inputs * kept_idx + alpha_p * (1 - kept_idx)
                return a * x + b
            return K.in_train_phase(dropped_inputs, inputs, training=training)
        return inputs

    def get_config(self):
        config = {'rate': self.rate, 'noise_shape': list(self.noise_shape) if self.noise_shape else None,
                  'seed': self.seed}
        base_config = super(AlphaDropout, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))

    def compute_output_shape(self, input_shape):
        return input_shape
