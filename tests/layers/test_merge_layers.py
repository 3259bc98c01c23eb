"""Merge layers: fixtures (driven as the conformance checker does), shapes, broadcasting
of different ranks, masks, configs, functional forms, numeric gradients and errors.

Every merge layer also goes through the shared `layer_test` with a list of
inputs (shape vs `compute_output_shape`, weights, config round trips at layer
and model level through JSON, HDF5 save/load, numeric gradients w.r.t. every
input), and its output is compared with a numpy reference.
"""
import json

import numpy as np
import pytest

import minikeras
from minikeras import backend as K
from minikeras import layers
from minikeras.models import Model
from minikeras.utils.test_utils import layer_test
from keras2_fixtures import case_names, check_layer_fixture, load_case

MERGE_CLASSES = {'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot'}
CASES = [name for name in case_names('layers') if load_case('layers', name)[0]['class_name'] in MERGE_CLASSES]


def test_cases_found():
    for name in ('add', 'subtract', 'multiply', 'average', 'maximum', 'minimum', 'concatenate',
                 'concatenate_axis1', 'dot_axes1', 'dot_3d_normalize'):
        assert name in CASES


@pytest.mark.parametrize('name', CASES)
def test_merge_fixture(name):
    meta, arrays, layer, model = check_layer_fixture(name)
    assert K.int_shape(model.outputs[0])[1:] == tuple(meta['output_shapes'][0][1:])


def _batch_dot_reference(axes):
    def ref(a, b):
        return np.stack([np.tensordot(a[i], b[i], axes=(axes[0] - 1, axes[1] - 1)) for i in range(len(a))])
    return ref


@pytest.mark.parametrize('layer_cls,kwargs,shapes,reference', [
    (layers.Add, {}, [(3, 4)] * 3, lambda a, b, c: a + b + c),
    (layers.Subtract, {}, [(3, 2, 4)] * 2, lambda a, b: a - b),
    (layers.Multiply, {}, [(3, 4)] * 3, lambda a, b, c: a * b * c),
    (layers.Average, {}, [(3, 4)] * 2, lambda a, b: (a + b) / 2),
    (layers.Maximum, {}, [(3, 4)] * 3, lambda a, b, c: np.maximum(np.maximum(a, b), c)),
    (layers.Minimum, {}, [(3, 4)] * 2, np.minimum),
    (layers.Concatenate, {}, [(3, 2), (3, 3)], lambda a, b: np.concatenate([a, b], -1)),
    (layers.Concatenate, {'axis': 1}, [(3, 2, 4), (3, 1, 4), (3, 3, 4)], lambda *xs: np.concatenate(xs, 1)),
    (layers.Dot, {'axes': 1}, [(3, 4), (3, 4)], lambda a, b: np.sum(a * b, 1, keepdims=True)),
    (layers.Dot, {'axes': -1}, [(3, 2, 4), (3, 5, 4)], lambda a, b: np.einsum('bij,bkj->bik', a, b)),
    (layers.Dot, {'axes': [1, 2]}, [(3, 3, 4), (3, 5, 3)], _batch_dot_reference((1, 2))),
    (layers.Dot, {'axes': (2, 1), 'normalize': True}, [(3, 2, 4), (3, 4, 2)],
     lambda a, b: np.einsum('bij,bjk->bik', a / np.linalg.norm(a, axis=2, keepdims=True),
                            b / np.linalg.norm(b, axis=1, keepdims=True))),
    # inputs of different ranks are expanded at axis 1 (Keras 2.2 _Merge)
    (layers.Add, {}, [(3, 2, 4), (3, 4)], lambda a, b: a + b[:, None, :]),
    (layers.Multiply, {}, [(3, 2, 4), (3, 1, 4)], lambda a, b: a * b),
    (layers.Maximum, {}, [(3, 2, 4), (3, 2, 1)], np.maximum),
])
def test_merge_layer_checks(layer_cls, kwargs, shapes, reference):
    rng = np.random.RandomState(3)
    data = [rng.standard_normal(s).astype('float32') for s in shapes]
    y = layer_test(layer_cls, kwargs=kwargs, input_data=data, expected_output=reference(*data))
    np.testing.assert_allclose(y, reference(*data), rtol=1e-5, atol=1e-5)
    out = layer_cls(**kwargs)([layers.Input(shape=s[1:]) for s in shapes])
    assert K.int_shape(out)[1:] == y.shape[1:]
    # The config survives JSON exactly (tuples included).
    config = layer_cls(**kwargs).get_config()
    assert layer_cls.from_config(json.loads(json.dumps(config))).get_config() == config


def test_functional_forms():
    a, b = layers.Input(shape=(2, 3)), layers.Input(shape=(2, 3))
    xa = np.random.rand(4, 2, 3).astype('float32')
    xb = np.random.rand(4, 2, 3).astype('float32')
    forms = [(layers.add([a, b]), xa + xb), (layers.subtract([a, b]), xa - xb), (layers.multiply([a, b]), xa * xb),
             (layers.average([a, b]), (xa + xb) / 2), (layers.maximum([a, b]), np.maximum(xa, xb)),
             (layers.minimum([a, b]), np.minimum(xa, xb)),
             (layers.concatenate([a, b], axis=1), np.concatenate([xa, xb], 1)),
             (layers.dot([a, b], axes=2), np.einsum('bij,bkj->bik', xa, xb)),
             (layers.dot([a, b], axes=1, normalize=True),
              np.einsum('bji,bjk->bik', xa / np.linalg.norm(xa, axis=1, keepdims=True),
                        xb / np.linalg.norm(xb, axis=1, keepdims=True)))]
    model = Model([a, b], [f[0] for f in forms])
    for got, (_, want) in zip(model.predict([xa, xb]), forms):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    named = layers.add([a, b], name='my_sum')
    assert named._keras_history[0].name == 'my_sum'


def test_default_names_and_configs():
    assert layers.Add().name == 'add_1'
    assert layers.Add().name == 'add_2'
    assert layers.Concatenate().get_config()['axis'] == -1
    assert layers.Dot(axes=(1, 2)).get_config()['axes'] == [1, 2]
    dot = layers.deserialize({'class_name': 'Dot', 'config': {'axes': 1, 'normalize': True, 'name': 'd'}})
    assert (dot.axes, dot.normalize, dot.name) == (1, True, 'd')
    assert layers.serialize(layers.Concatenate(axis=1, name='c'))['config'] == {
        'name': 'c', 'trainable': True, 'dtype': 'float32', 'axis': 1}


def test_output_shapes():
    assert layers.Add().compute_output_shape([(None, 3, 4), (None, 4)]) == (None, 3, 4)
    assert layers.Add().compute_output_shape([(None, 1, 4), (5, 3, 1)]) == (5, 3, 4)
    assert layers.Concatenate(axis=1).compute_output_shape([(None, 2, 3), (None, 4, 3)]) == (None, 6, 3)
    assert layers.Concatenate(axis=1).compute_output_shape([(None, 2, 3), (None, None, 3)]) == (None, None, 3)
    assert layers.Dot(axes=1).compute_output_shape([(None, 4), (None, 4)]) == (None, 1)
    assert layers.Dot(axes=(1, 2)).compute_output_shape([(None, 3, 4), (None, 5, 3)]) == (None, 4, 5)


def test_mask_propagation():
    # Two Masking layers: Add ANDs the masks, Concatenate(axis=-1) ANDs them over the feature axis,
    # Concatenate(axis=1) joins them along time, Dot drops the mask.
    a, b = layers.Input(shape=(3, 2)), layers.Input(shape=(3, 2))
    ma, mb = layers.Masking(0.)(a), layers.Masking(0.)(b)
    xa = np.ones((1, 3, 2), 'float32')
    xb = np.ones((1, 3, 2), 'float32')
    xa[0, 2] = 0.
    xb[0, 1] = 0.
    added = layers.Add()([ma, mb])
    cat_last = layers.Concatenate()([ma, mb])
    cat_time = layers.Concatenate(axis=1)([ma, mb])
    cat_unmasked = layers.Concatenate()([ma, b])
    dotted = layers.Dot(axes=2)([ma, mb])
    masks = [t._keras_history[0].get_output_mask_at(0) for t in (added, cat_last, cat_time, cat_unmasked)]
    values = K.function([a, b], masks)([xa, xb])
    np.testing.assert_array_equal(values[0], [[True, False, False]])
    np.testing.assert_array_equal(values[1], [[True, False, False]])
    np.testing.assert_array_equal(values[2], [[True, True, False, True, False, True]])
    np.testing.assert_array_equal(values[3], [[True, True, False]])
    assert dotted._keras_history[0].get_output_mask_at(0) is None
    unmasked = layers.Add()([a, b])
    assert unmasked._keras_history[0].get_output_mask_at(0) is None


@pytest.mark.parametrize('build,needle', [
    (lambda a, b, c: layers.Add(name='bad_add')([layers.Input(shape=(3,)), layers.Input(shape=(4,))]),
     ['bad_add', '(None, 3)', '(None, 4)']),
    (lambda a, b, c: layers.Add(name='bad_batch')([layers.Input(batch_shape=(2, 3)),
                                                   layers.Input(batch_shape=(5, 3))]),
     ['bad_batch', 'batch sizes', '(2, 3)', '(5, 3)']),
    (lambda a, b, c: layers.Add(name='single')(a), ['single', 'list']),
    (lambda a, b, c: layers.Add(name='one')([a]), ['one', 'list']),
    (lambda a, b, c: layers.Subtract(name='sub3')([a, a, a]), ['sub3', 'exactly 2']),
    (lambda a, b, c: layers.Concatenate(name='cat')([a, c]), ['cat', '(None, 3, 4)', '(None, 2, 5)']),
    (lambda a, b, c: layers.Concatenate(name='cat1')([a]), ['cat1', '2 inputs']),
    (lambda a, b, c: layers.Concatenate(name='catrank')([a, b]), ['catrank', 'rank']),
    (lambda a, b, c: layers.Dot(axes=1, name='dd')([a, c]), ['dd', '3 != 2', '(None, 3, 4)', '(None, 2, 5)']),
    (lambda a, b, c: layers.Dot(axes=1, name='d3')([a, a, a]), ['d3', '2 inputs']),
    (lambda a, b, c: layers.Dot(axes=[1, 2, 3]), ['axes']),
])
def test_errors(build, needle):
    a, b, c = layers.Input(shape=(3, 4)), layers.Input(shape=(4,)), layers.Input(shape=(2, 5))
    with pytest.raises(ValueError) as info:
        build(a, b, c)
    for part in needle:
        assert part in str(info.value), (part, str(info.value))


def test_dot_axes_type_error():
    with pytest.raises(TypeError):
        layers.Dot(axes='1')


def test_merge_in_sequential_model_training():
    # A merge in the middle of a trainable functional model: fit reduces the loss.
    a, b = layers.Input(shape=(4,)), layers.Input(shape=(4,))
    ha, hb = layers.Dense(3)(a), layers.Dense(3)(b)
    out = layers.Dense(1)(layers.concatenate([layers.add([ha, hb]), layers.multiply([ha, hb])]))
    model = Model([a, b], out)
    model.compile('sgd', 'mse')
    rng = np.random.RandomState(0)
    xa, xb = rng.rand(32, 4).astype('float32'), rng.rand(32, 4).astype('float32')
    y = (xa.sum(1, keepdims=True) - xb.sum(1, keepdims=True)).astype('float32')
    history = model.fit([xa, xb], y, epochs=5, batch_size=8, verbose=0)
    assert history.history['loss'][-1] < history.history['loss'][0]
    assert isinstance(minikeras.layers.deserialize(layers.serialize(layers.Minimum())), layers.Minimum)
