"""Noise layers: `layer_test` (inference mode is the identity), and the noise
statistics in the training phase (forced with `training=True` or through the learning phase)."""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras import layers
from minikeras.models import Model, Sequential
from minikeras.utils.test_utils import layer_test

SELU_ALPHA_P = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946


@pytest.mark.parametrize('layer_cls,kwargs', [
    (layers.GaussianNoise, {'stddev': 1.}),
    (layers.GaussianDropout, {'rate': 0.5}),
    (layers.AlphaDropout, {'rate': 0.2}),
    (layers.AlphaDropout, {'rate': 0.2, 'noise_shape': (None, 1, 4), 'seed': 3}),
])
def test_layer_test(layer_cls, kwargs):
    data = np.random.RandomState(0).standard_normal((3, 2, 4)).astype('float32')
    out = layer_test(layer_cls, kwargs=kwargs, input_data=data)
    np.testing.assert_allclose(out, data)  # identity at test time


def _train_and_test(layer, data):
    x = layers.Input(shape=data.shape[1:])
    train = K.function([x], [layer(x, training=True)])([data])[0]
    test = K.function([x], [layer(x, training=False)])([data])[0]
    return train, test


def test_gaussian_noise_statistics():
    data = np.full((400, 50), 2.0, 'float32')
    train, test = _train_and_test(layers.GaussianNoise(0.5), data)
    np.testing.assert_array_equal(test, data)
    noise = train - data
    assert abs(noise.mean()) < 0.02
    assert abs(noise.std() - 0.5) < 0.02


def test_gaussian_dropout_statistics():
    data = np.full((400, 50), 2.0, 'float32')
    train, test = _train_and_test(layers.GaussianDropout(0.2), data)
    np.testing.assert_array_equal(test, data)
    factor = train / data
    assert abs(factor.mean() - 1.0) < 0.02
    assert abs(factor.std() - np.sqrt(0.2 / 0.8)) < 0.02


def test_alpha_dropout_values_and_statistics():
    rate = 0.3
    rng = np.random.RandomState(1)
    data = rng.standard_normal((400, 50)).astype('float32')
    train, test = _train_and_test(layers.AlphaDropout(rate), data)
    np.testing.assert_array_equal(test, data)
    a = ((1 - rate) * (1 + rate * SELU_ALPHA_P ** 2)) ** -0.5
    b = -a * SELU_ALPHA_P * rate
    kept = np.isclose(train, a * data + b, atol=1e-5)
    dropped = np.isclose(train, a * SELU_ALPHA_P + b, atol=1e-5)
    assert np.all(kept | dropped)
    assert abs(dropped.mean() - rate) < 0.02
    # Zero mean / unit variance inputs keep (about) zero mean and unit variance.
    assert abs(train.mean()) < 0.05
    assert abs(train.std() - 1.0) < 0.05


def test_alpha_dropout_noise_shape_shares_mask():
    data = np.random.RandomState(2).standard_normal((6, 5, 4)).astype('float32') + 3.0
    layer = layers.AlphaDropout(0.5, noise_shape=(None, 1, 4))
    train, _ = _train_and_test(layer, data)
    a = ((1 - 0.5) * (1 + 0.5 * SELU_ALPHA_P ** 2)) ** -0.5
    b = -a * SELU_ALPHA_P * 0.5
    dropped = np.isclose(train, a * SELU_ALPHA_P + b, atol=1e-5)
    # The same features are dropped at every time step of a sample.
    assert np.all(dropped == dropped[:, :1, :])


def test_learning_phase_selects_mode():
    x = layers.Input(shape=(20,))
    y = layers.GaussianNoise(1.0)(x)
    assert y._uses_learning_phase
    f = K.function([x, K.learning_phase()], [y])
    data = np.zeros((5, 20), 'float32')
    np.testing.assert_array_equal(f([data, 0])[0], data)
    assert np.std(f([data, 1])[0]) > 0.5


def test_noise_only_in_training_functions():
    # predict/test_on_batch run in inference mode (deterministic); train_on_batch sees the noise.
    from minikeras.optimizers import SGD
    model = Sequential([layers.GaussianNoise(0.3, input_shape=(4,)), layers.GaussianDropout(0.3),
                        layers.AlphaDropout(0.3), layers.Dense(1)])
    model.compile(SGD(lr=0.), 'mse')
    data = np.random.RandomState(3).rand(16, 4).astype('float32')
    target = np.zeros((16, 1), 'float32')
    np.testing.assert_array_equal(model.predict(data), model.predict(data))
    clean = model.test_on_batch(data, target)
    assert clean == pytest.approx(float(np.mean(model.predict(data) ** 2)), rel=1e-5)
    noisy = [model.train_on_batch(data, target) for _ in range(3)]
    assert all(abs(float(np.ravel(n)[0]) - float(np.ravel(clean)[0])) > 1e-6 for n in noisy)


def test_rate_zero_or_one_is_identity_in_training():
    data = np.random.RandomState(4).rand(3, 4).astype('float32')
    for layer in (layers.GaussianDropout(0.), layers.AlphaDropout(0.), layers.AlphaDropout(1.)):
        train, _ = _train_and_test(layer, data)
        np.testing.assert_array_equal(train, data)


def test_configs_and_errors():
    assert layers.GaussianNoise(0.1).get_config()['stddev'] == 0.1
    assert layers.GaussianDropout(0.1).get_config()['rate'] == 0.1
    config = layers.AlphaDropout(0.1, noise_shape=(None, 1), seed=5).get_config()
    assert (config['rate'], config['noise_shape'], config['seed']) == (0.1, [None, 1], 5)
    restored = layers.deserialize({'class_name': 'AlphaDropout', 'config': config})
    assert restored.noise_shape == (None, 1) and restored.seed == 5
    with pytest.raises(ValueError, match='rate'):
        layers.GaussianDropout(1.5)
    with pytest.raises(ValueError, match='stddev'):
        layers.GaussianNoise(-1.)
    with pytest.raises(ValueError) as info:
        layers.AlphaDropout(0.5, noise_shape=(None, 1), name='ad')(layers.Input(shape=(3, 4)), training=True)
    assert 'ad' in str(info.value) and '(None, 3, 4)' in str(info.value)


def test_masks_pass_through():
    x = layers.Input(shape=(3, 2))
    masked = layers.Masking(0.)(x)
    for layer in (layers.GaussianNoise(0.1), layers.GaussianDropout(0.1), layers.AlphaDropout(0.1)):
        layer(masked)
        assert layer.get_output_mask_at(0) is not None
    assert Model(x, layer.output).output_shape == (None, 3, 2)
