"""BatchNormalization: every batchnorm fixture (outputs, gradients, and the moving
statistics after one training-mode update, compared with the Keras 2.2.4 values
`wa_k224_<j>` where the fixture has them), `layer_test`, training vs inference,
updates inside `fit`, configs and errors."""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras import layers
from minikeras.models import Sequential
from minikeras.optimizers import SGD
from minikeras.utils.test_utils import layer_test
from keras2_fixtures import assert_close, case_names, check_layer_fixture, load_case

CASES = [name for name in case_names('layers') if load_case('layers', name)[0]['class_name'] == 'BatchNormalization']


def test_cases_found():
    for name in ('batchnorm_inference', 'batchnorm_axis1_inference', 'batchnorm_training_2d',
                 'batchnorm_training_4d'):
        assert name in CASES


def _build(meta):
    layer = layers.deserialize({'class_name': meta['class_name'], 'config': meta['config']})
    x = layers.Input(shape=tuple(meta['input_shapes'][0][1:]), dtype=meta['input_dtypes'][0])
    kwargs = {'training': True} if meta.get('training') else {}
    return layer, x, layer(x, **kwargs)


@pytest.mark.parametrize('name', CASES)
def test_batchnorm_fixture(name):
    meta, arrays, layer, model = check_layer_fixture(name)
    if meta.get('training'):
        # A fresh instance, one forward pass with the updates (as the checker runs it).
        weights = [arrays['w%d' % j] for j in range(len(meta['weight_names']))]
        K.clear_session()
        layer, x, out = _build(meta)
        layer.set_weights(weights)
        K.function([x], [out], updates=layer.updates)([arrays['x0']])
        after = layer.get_weights()
        for j in range(len(weights)):
            key = 'wa_k224_%d' % j if 'wa_k224_%d' % j in arrays else 'wa%d' % j
            assert_close(after[j], arrays[key], meta['tol'], what='%s %s' % (name, key))


def test_training_fixtures_follow_keras_224_not_tf_keras():
    # The two moving-variance formulas differ on these cases; we implement Keras 2.2.4's.
    meta, arrays = load_case('layers', 'batchnorm_training_2d')
    assert not np.allclose(arrays['wa3'], arrays['wa_k224_3'], rtol=1e-6, atol=0)


def _data(shape, seed=0):
    return (np.random.RandomState(seed).standard_normal(shape) * 2 + 1).astype('float32')


@pytest.mark.parametrize('kwargs,shape', [
    ({}, (4, 3)),
    ({'momentum': 0.9, 'epsilon': 0.1}, (4, 3, 2)),
    ({'axis': 1}, (4, 3, 2, 2)),
    ({'axis': -1, 'center': False}, (4, 2, 2, 3)),
    ({'scale': False, 'beta_initializer': 'ones'}, (4, 3)),
    ({'gamma_regularizer': 'l2', 'beta_regularizer': 'l1', 'gamma_constraint': 'non_neg',
      'beta_constraint': 'max_norm', 'moving_mean_initializer': 'ones', 'moving_variance_initializer': 'zeros'},
     (4, 3)),
])
def test_layer_test(kwargs, shape):
    layer_test(layers.BatchNormalization, kwargs=kwargs, input_data=_data(shape))


def _numpy_bn(x, axis, mean, var, gamma, beta, epsilon):
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + epsilon) * gamma.reshape(shape) + \
        beta.reshape(shape)


@pytest.mark.parametrize('axis,shape', [(-1, (6, 4)), (1, (5, 3, 4)), (2, (3, 2, 4, 2)), (-1, (3, 2, 2, 3))])
def test_training_and_inference_values(axis, shape):
    data = _data(shape)
    momentum, epsilon = 0.8, 0.01
    x = layers.Input(shape=shape[1:])
    layer = layers.BatchNormalization(axis=axis, momentum=momentum, epsilon=epsilon)
    y = layer(x)
    ax = axis % len(shape)
    dim = shape[ax]
    rng = np.random.RandomState(5)
    weights = [rng.uniform(0.5, 1.5, dim), rng.standard_normal(dim), rng.standard_normal(dim),
               rng.uniform(0.5, 1.5, dim)]
    weights = [w.astype('float32') for w in weights]
    layer.set_weights(weights)
    reduce_axes = tuple(i for i in range(len(shape)) if i != ax)
    n = np.prod([shape[i] for i in reduce_axes])
    mean, var = data.mean(reduce_axes), data.var(reduce_axes)

    f = K.function([x, K.learning_phase()], [y], updates=layer.updates)
    inference = f([data, 0])[0]
    np.testing.assert_allclose(inference, _numpy_bn(data, ax, weights[2], weights[3], weights[0], weights[1],
                                                    epsilon), rtol=1e-4, atol=1e-5)
    training = f([data, 1])[0]
    np.testing.assert_allclose(training, _numpy_bn(data, ax, mean, var, weights[0], weights[1], epsilon),
                               rtol=1e-4, atol=1e-5)
    # The updates ran at both calls (Keras 2.2 adds them unconditionally); two steps of the moving averages.
    mm, mv = weights[2], weights[3]
    for _ in range(2):
        mm = mm * momentum + mean * (1 - momentum)
        mv = mv * momentum + var * n / (n - (1 + epsilon)) * (1 - momentum)
    np.testing.assert_allclose(layer.get_weights()[2], mm, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.get_weights()[3], mv, rtol=1e-5, atol=1e-6)


def test_static_inference_adds_no_updates():
    x = layers.Input(shape=(3,))
    layer = layers.BatchNormalization()
    layer(x, training=False)
    assert layer.updates == []
    layer(x, training=True)
    assert len(layer.updates) == 2
    assert len(layer.get_updates_for(x)) == 2


def test_fit_updates_moving_statistics_and_predict_uses_them():
    rng = np.random.RandomState(0)
    data = (rng.standard_normal((256, 3)) * [1., 2., 3.] + [5., -1., 0.5]).astype('float32')
    model = Sequential([layers.BatchNormalization(momentum=0.5, input_shape=(3,))])
    model.compile(SGD(lr=0.), 'mse')
    model.fit(data, data, batch_size=256, epochs=20, verbose=0)
    bn = model.layers[0]
    gamma, beta, moving_mean, moving_var = bn.get_weights()
    np.testing.assert_allclose(moving_mean, data.mean(0), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(moving_var, data.var(0) * 256 / (256 - 1.001), rtol=1e-3)
    out = model.predict(data)
    np.testing.assert_allclose(out, (data - moving_mean) / np.sqrt(moving_var + 1e-3), rtol=1e-4, atol=1e-4)


def test_frozen_layer_has_no_updates():
    x = layers.Input(shape=(3,))
    layer = layers.BatchNormalization()
    layer(x, training=True)
    layer.trainable = False
    assert layer.updates == []
    assert layer.trainable_weights == []
    assert len(layer.non_trainable_weights) == 4


def test_weights_names_shapes_and_order():
    layer = layers.BatchNormalization(axis=1)
    layer(layers.Input(shape=(4, 2, 2)))
    assert [w.name.split('/')[-1] for w in layer.weights] == ['gamma', 'beta', 'moving_mean', 'moving_variance']
    assert all(K.int_shape(w) == (4,) for w in layer.weights)
    np.testing.assert_array_equal(layer.get_weights()[0], np.ones(4))
    np.testing.assert_array_equal(layer.get_weights()[2], np.zeros(4))
    no_affine = layers.BatchNormalization(center=False, scale=False)
    no_affine(layers.Input(shape=(3,)))
    assert [w.name.split('/')[-1] for w in no_affine.weights] == ['moving_mean', 'moving_variance']
    assert no_affine.trainable_weights == []


def test_config_defaults_and_tf_keras_axis_list():
    config = layers.BatchNormalization().get_config()
    assert (config['axis'], config['momentum'], config['epsilon'], config['center'], config['scale']) == \
        (-1, 0.99, 1e-3, True, True)
    assert config['gamma_initializer']['class_name'] == 'Ones'
    assert config['moving_variance_initializer']['class_name'] == 'Ones'
    assert config['beta_regularizer'] is None and config['gamma_constraint'] is None
    layer = layers.BatchNormalization.from_config(dict(config, axis=[1]))
    assert layer.axis == 1
    assert layers.BatchNormalization().name == 'batch_normalization_2'


def test_masks_pass_through():
    x = layers.Input(shape=(3, 2))
    layer = layers.BatchNormalization()
    layer(layers.Masking(0.)(x))
    assert layer.get_output_mask_at(0) is not None


def test_errors():
    with pytest.raises(ValueError) as info:
        layers.BatchNormalization(axis=1, name='bn_none')(layers.Input(shape=(None, 3)))
    assert 'bn_none' in str(info.value) and '(None, None, 3)' in str(info.value)
    with pytest.raises(ValueError) as info:
        layers.BatchNormalization(axis=3, name='bn_range')(layers.Input(shape=(3,)))
    assert 'bn_range' in str(info.value) and '(None, 3)' in str(info.value)
    layer = layers.BatchNormalization(name='bn_feat')
    layer(layers.Input(shape=(3,)))
    with pytest.raises(ValueError) as info:
        layer(layers.Input(shape=(4,)))
    assert 'bn_feat' in str(info.value) and '(None, 4)' in str(info.value)
    with pytest.raises(ValueError):
        layers.BatchNormalization(axis=[1, 2])
