"""Keras 1 `Merge` (`minikeras.legacy.merge`): loads as the Keras 2 merge layer computing the same thing."""
import json

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers


def _run(merge_layer, arrays):
    inputs = [layers.Input(a.shape[1:]) for a in arrays]
    model = keras.models.Model(inputs, merge_layer(inputs))
    return model.predict(arrays)


@pytest.mark.parametrize('mode,cls,expected', [
    ('sum', layers.Add, lambda a, b: a + b),
    ('ave', layers.Average, lambda a, b: (a + b) / 2),
    ('mul', layers.Multiply, lambda a, b: a * b),
    ('max', layers.Maximum, np.maximum),
    ('concat', layers.Concatenate, lambda a, b: np.concatenate([a, b], axis=1)),
])
def test_modes(mode, cls, expected):
    a, b = np.random.RandomState(0).rand(2, 3, 4).astype('float32')
    layer = layers.Merge(mode=mode, concat_axis=1, name='merge_1')
    assert type(layer) is cls and layer.name == 'merge_1'
    np.testing.assert_allclose(_run(layer, [a, b]), expected(a, b), rtol=1e-6)


def test_dot_is_keras1_batch_dot():
    rng = np.random.RandomState(1)
    a, b = rng.rand(2, 4).astype('float32'), rng.rand(2, 4).astype('float32')
    out = _run(layers.Merge(mode='dot', dot_axes=[1, 1]), [a, b])
    np.testing.assert_allclose(out, np.sum(a * b, axis=1, keepdims=True), rtol=1e-6)
    x, y = rng.rand(2, 3, 4).astype('float32'), rng.rand(2, 4, 5).astype('float32')
    np.testing.assert_allclose(_run(layers.Merge(mode='dot', dot_axes=[2, 1]), [x, y]), np.matmul(x, y), rtol=1e-5)


def test_keras1_merge_config_in_a_functional_model():
    config = {'class_name': 'Model', 'config': {'name': 'm', 'layers': [
        {'name': 'a', 'class_name': 'InputLayer', 'inbound_nodes': [],
         'config': {'batch_input_shape': [None, 3], 'input_dtype': 'float32', 'sparse': False, 'name': 'a'}},
        {'name': 'b', 'class_name': 'InputLayer', 'inbound_nodes': [],
         'config': {'batch_input_shape': [None, 2], 'input_dtype': 'float32', 'sparse': False, 'name': 'b'}},
        {'name': 'merge_1', 'class_name': 'Merge', 'inbound_nodes': [[['a', 0, 0], ['b', 0, 0]]],
         'config': {'name': 'merge_1', 'mode': 'concat', 'concat_axis': -1, 'dot_axes': -1, 'mode_type': 'raw',
                    'output_shape': None, 'output_shape_type': 'raw', 'output_mask': None,
                    'output_mask_type': 'raw', 'arguments': {}}}],
        'input_layers': [['a', 0, 0], ['b', 0, 0]], 'output_layers': [['merge_1', 0, 0]]}}
    with pytest.warns(UserWarning):  # the Keras 1 `input_dtype` spelling
        model = keras.models.model_from_json(json.dumps(config))
    assert model.output_shape == (None, 5) and isinstance(model.layers[-1], layers.Concatenate)


@pytest.mark.parametrize('kwargs,message', [
    ({'mode': 'cos'}, 'not supported'),
    ({'mode': 'gAAAA', 'mode_type': 'lambda'}, 'function mode'),
    ({'mode': lambda xs: xs[0]}, 'function mode'),
    ({'layers': ['dense_1', 'dense_2'], 'mode': 'sum'}, 'Sequential'),
])
def test_unsupported(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.Merge(**kwargs)
