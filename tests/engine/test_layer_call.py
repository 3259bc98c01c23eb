"""Layer-call semantics of `Layer.__call__` (Keras 2.2): output unpacking and mask bookkeeping."""
import warnings

import numpy as np
import pytest

from minikeras import backend as K
from minikeras import layers
from minikeras.engine.base_layer import Layer
from minikeras.models import Model


class _ListOfOne(Layer):
    """Returns its (doubled) input wrapped in a one-element list."""

    def call(self, inputs):
        return [inputs * 2]


class _Pair(Layer):
    """Returns two tensors, keeps the input mask."""

    def __init__(self, **kwargs):
        Layer.__init__(self, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return [inputs, inputs * 3]

    def compute_output_shape(self, input_shape):
        return [input_shape, input_shape]


def test_one_element_list_output_is_unpacked():
    x = layers.Input((3,))
    y = _ListOfOne()(x)
    assert K.is_tensor(y) and not isinstance(y, list)
    assert y._keras_shape == (None, 3)
    out = layers.Dense(2, kernel_initializer='ones')(y)
    model = Model(x, out)
    np.testing.assert_allclose(model.predict(np.ones((1, 3))), [[6., 6.]])


def test_lambda_returning_gradients_list_feeds_a_merge_layer():
    # Keras' mnist_swwae pattern: a Lambda returns `K.gradients(...)` (a list of
    # one tensor), which is then multiplied with another tensor; training it
    # differentiates through a gradient.
    x = layers.Input((1, 4, 4))
    pre = layers.Conv2D(2, 1, data_format='channels_first')(x)
    post = layers.MaxPooling2D(2, data_format='channels_first')(pre)
    where = layers.Lambda(lambda t: K.gradients(K.sum(t[1]), t[0]), output_shape=lambda s: s[0])([pre, post])
    assert not isinstance(where, list)
    up = layers.UpSampling2D(2, data_format='channels_first')(post)
    y = layers.multiply([up, where])
    y = layers.Conv2D(1, 1, data_format='channels_first')(y)
    model = Model(x, y)
    model.compile('adam', 'mse')
    data = np.random.RandomState(0).rand(16, 1, 4, 4).astype('float32')
    before = model.evaluate(data, data, verbose=0)
    model.fit(data, data, epochs=20, batch_size=16, verbose=0)
    assert model.evaluate(data, data, verbose=0) < before
    mask = K.function([x], [where])([data[:1]])[0]
    # One switch per 2x2 pooling window and channel.
    np.testing.assert_allclose(mask.reshape(1, 2, 2, 2, 2, 2).sum(axis=(3, 5)), np.ones((1, 2, 2, 2)))


def test_single_mask_is_repeated_for_every_output():
    x = layers.Input((3, 2))
    masked = layers.Masking()(x)
    a, b = _Pair()(masked)
    assert a._keras_history[0] is b._keras_history[0]
    node = a._keras_history[0]._inbound_nodes[0]
    assert len(node.output_masks) == 2
    assert node.output_masks[0] is node.output_masks[1] is not None


class _Scaled(Layer):
    """Multiplies by a call argument (a tensor argument is not JSON-serializable)."""

    def call(self, inputs, scale=1.):
        return inputs * scale


def test_non_serializable_call_arguments_warn_in_get_config():
    x = layers.Input((2,))
    model = Model(x, _Scaled(name='scaled')(x, scale=K.constant(3.)))
    np.testing.assert_allclose(model.predict(np.ones((1, 2))), [[3., 3.]])
    with pytest.warns(UserWarning, match='scaled was passed non-serializable keyword arguments'):
        config = model.get_config()
    node = [layer for layer in config['layers'] if layer['name'] == 'scaled'][0]['inbound_nodes'][0]
    assert node[0][3] == {}
    # JSON-serializable arguments are kept, without a warning.
    model = Model(x, _Scaled(name='plain')(x, scale=2.))
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        config = model.get_config()
    node = [layer for layer in config['layers'] if layer['name'] == 'plain'][0]['inbound_nodes'][0]
    assert node[0][3] == {'scale': 2.}
