"""Optimizer configs of tf.keras / tf-keras files (minikeras.optimizers.tf_keras_formats).

The corpus test (tests/engine/test_saving_tf_keras.py) checks whole files
against TensorFlow; these tests check the mapping rules and messages one by one.
"""
import warnings

import numpy as np
import pytest

from minikeras import backend as K
from minikeras import optimizers
from minikeras.optimizers import tf_keras_formats as tkf


def _new(class_name, **config):
    base = {'name': class_name, 'weight_decay': None, 'clipnorm': None, 'global_clipnorm': None,
            'clipvalue': None, 'use_ema': False, 'ema_momentum': 0.99, 'ema_overwrite_frequency': None,
            'jit_compile': False, 'is_legacy_optimizer': False, 'learning_rate': 0.01}
    base.update(config)
    return {'class_name': 'Custom>' + class_name, 'config': base}


def test_generation_of_each_writer():
    assert tkf.generation_of(_new('Adam')) == tkf.TF_NEW
    newest = {'module': 'keras.optimizers', 'class_name': 'Adam', 'registered_name': None,
              'config': {'name': 'Adam', 'learning_rate': 0.001, 'is_legacy_optimizer': False}}
    assert tkf.generation_of(newest) == tkf.TF_NEW
    legacy = {'class_name': 'Adam', 'config': {'name': 'Adam', 'learning_rate': 0.001, 'decay': 0.0}}
    assert tkf.generation_of(legacy) == tkf.TF_LEGACY
    keras22 = {'class_name': 'Adam', 'config': {'lr': 0.001, 'decay': 0.0}}
    assert tkf.generation_of(keras22, '2.2.4') == tkf.KERAS2
    assert tkf.generation_of(keras22, '2.2.4-tf') == tkf.TF_LEGACY
    assert tkf.generation_of({'class_name': 'SGD', 'config': {'learning_rate': 0.1}}, '2.3.1') == tkf.KERAS2
    assert tkf.generation_of({'class_name': 'SGD', 'config': {'learning_rate': 0.1}}, '2.9.0') == tkf.TF_LEGACY


def test_keras2_config_is_left_to_deserialize():
    assert tkf.optimizer_from_config({'class_name': 'Adam', 'config': {'lr': 0.1}}, 'f.h5', '2.2.4') is None


@pytest.mark.parametrize('class_name, rule', [('SGD', optimizers.SGD), ('RMSprop', optimizers.RMSprop),
                                              ('Adagrad', optimizers.Adagrad), ('Adadelta', optimizers.Adadelta),
                                              ('Adam', optimizers.Adam), ('AdamW', optimizers.Adam),
                                              ('Adamax', optimizers.Adamax), ('Nadam', optimizers.Nadam),
                                              ('Ftrl', optimizers.Ftrl), ('Lion', optimizers.Lion),
                                              ('Adafactor', optimizers.Adafactor)])
def test_every_new_optimizer_maps_to_its_rule(class_name, rule):
    optimizer = tkf.optimizer_from_config(_new(class_name), 'f.h5')
    assert isinstance(optimizer, rule)
    assert optimizer.tf_keras_origin.class_name == class_name
    assert float(K.get_value(optimizer.lr)) == pytest.approx(0.01)


def test_unknown_learning_rate_schedule_is_refused_by_name():
    schedule = {'class_name': 'CosineDecayRestarts', 'config': {'initial_learning_rate': 0.1,
                                                                'first_decay_steps': 10}}
    with pytest.raises(ValueError) as info:
        tkf.optimizer_from_config(_new('Adam', learning_rate=schedule), 'model.h5')
    message = str(info.value)
    assert 'model.h5' in message and 'Adam' in message and 'learning_rate' in message
    assert 'CosineDecayRestarts' in message


def test_learning_rate_schedule_drives_the_step():
    schedule = {'class_name': 'ExponentialDecay', 'config': {'initial_learning_rate': 0.1, 'decay_steps': 1,
                                                             'decay_rate': 0.5, 'staircase': False, 'name': None}}
    optimizer = tkf.optimizer_from_config(_new('SGD', learning_rate=schedule, momentum=0.0, nesterov=False), 'f')
    p = K.variable(np.zeros(2, 'float32'))
    loss = K.sum(p * K.constant(np.ones(2, 'float32')))
    step = K.function([], [], updates=optimizer.get_updates(loss=loss, params=[p]))
    step([])
    step([])
    np.testing.assert_allclose(K.get_value(p), -(0.1 + 0.05) * np.ones(2), rtol=1e-6)
    assert tkf.saved_config(optimizer)['config']['learning_rate'] == schedule


def test_unknown_argument_is_refused_by_name():
    with pytest.raises(ValueError) as info:
        tkf.optimizer_from_config(_new('SGD', gradient_aggregator='x'), 'model.h5')
    assert 'model.h5' in str(info.value) and 'SGD' in str(info.value) and 'gradient_aggregator' in str(info.value)


def test_loss_scale_optimizer_resumes_with_its_inner_optimizer():
    config = {'class_name': 'LossScaleOptimizerV3', 'config': {'inner_optimizer': _new('Adam'), 'dynamic': True,
                                                                'initial_scale': 32768.0}}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        optimizer = tkf.optimizer_from_config(config, 'model.h5')
    assert isinstance(optimizer, optimizers.Adam)
    assert any('model.h5' in str(w.message) and 'LossScaleOptimizerV3' in str(w.message) and
               'inner_optimizer' in str(w.message) for w in caught)


def test_slot_names_with_and_without_the_optimizer_prefix():
    assert tkf._slot_kind('iteration:0', 'Adam') == 'iteration'
    assert tkf._slot_kind('my_adam/m/dense/kernel:0', 'Adam') == 'm'
    assert tkf._slot_kind('v/m/kernel:0', 'Adam') == 'v'  # a layer named "m"
    assert tkf._slot_kind('m/v/kernel:0', 'Adam', 'm') == 'v'  # an optimizer named "m"
    assert tkf._slot_kind('v/dense/kernel:0', 'Adam') == 'v'  # inside a loss-scale optimizer
    assert tkf._slot_kind('Adam/average/m/kernel:0', 'Adam') == 'average'
    assert tkf._slot_kind('Adam/dense/kernel/m:0', 'Adam') is None  # OptimizerV2 names are not 2.11+ names


def test_use_ema_warns_with_file_optimizer_and_argument():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        tkf.optimizer_from_config(_new('Adam', use_ema=True), 'model.h5')
    assert any('model.h5' in str(w.message) and 'Adam' in str(w.message) and 'use_ema' in str(w.message)
               for w in caught)


def _one_step(optimizer, p0, grad):
    """Applies one step on a variable with gradient `grad` (loss = sum(p * grad))."""
    p = K.variable(p0)
    loss = K.sum(p * K.constant(grad))
    step = K.function([], [], updates=optimizer.get_updates(loss=loss, params=[p]))
    step([])
    return K.get_value(p)


def test_per_variable_clipnorm_and_weight_decay_follow_tf_keras():
    p0 = np.array([1.0, -2.0], 'float32')
    grad = np.array([3.0, 4.0], 'float32')  # norm 5
    optimizer = tkf.optimizer_from_config(_new('SGD', clipnorm=1.0, weight_decay=0.1, momentum=0.0,
                                               nesterov=False), 'f.h5')
    decayed = p0 - p0 * 0.01 * 0.1
    np.testing.assert_allclose(_one_step(optimizer, p0, grad), decayed - 0.01 * grad / 5., rtol=1e-6)


def test_new_clipping_uses_only_the_first_option_set():
    grad = np.array([3.0, 4.0], 'float32')
    new = tkf.optimizer_from_config(_new('SGD', clipnorm=1.0, clipvalue=0.1, momentum=0.0, nesterov=False), 'f')
    np.testing.assert_allclose(_one_step(new, np.zeros(2, 'float32'), grad), -0.01 * grad / 5., rtol=1e-6)
    legacy = tkf.optimizer_from_config({'class_name': 'SGD', 'config': {
        'name': 'SGD', 'learning_rate': 0.01, 'decay': 0.0, 'momentum': 0.0, 'nesterov': False, 'clipnorm': 1.0,
        'clipvalue': 0.1}}, 'f')
    clipped = np.array([0.1, 0.1]) / np.sqrt(0.02) if np.sqrt(0.02) > 1 else np.array([0.1, 0.1])
    np.testing.assert_allclose(_one_step(legacy, np.zeros(2, 'float32'), grad), -0.01 * clipped, rtol=1e-6)


def test_new_rmsprop_and_adagrad_put_epsilon_inside_the_root():
    grad = np.array([0.5, -1.0], 'float32')
    rms = tkf.optimizer_from_config(_new('RMSprop', rho=0.9, momentum=0.0, epsilon=0.1, centered=False), 'f')
    a = 0.1 * grad ** 2
    np.testing.assert_allclose(_one_step(rms, np.zeros(2, 'float32'), grad), -0.01 * grad / np.sqrt(a + 0.1),
                               rtol=1e-5)
    ada = tkf.optimizer_from_config(_new('Adagrad', initial_accumulator_value=0.1, epsilon=0.1), 'f')
    np.testing.assert_allclose(_one_step(ada, np.zeros(2, 'float32'), grad),
                               -0.01 * grad / np.sqrt(0.1 + grad ** 2 + 0.1), rtol=1e-5)


def test_lion_rule():
    optimizer = optimizers.Lion(lr=0.1, beta_1=0.5, beta_2=0.9)
    grad = np.array([0.5, -1.0, 0.0], 'float32')
    np.testing.assert_allclose(_one_step(optimizer, np.ones(3, 'float32'), grad), 1 - 0.1 * np.sign(grad))
    assert optimizers.get('lion').__class__ is optimizers.Lion
    assert optimizers.Lion.from_config(optimizer.get_config()).get_config() == optimizer.get_config()


def test_adafactor_rule_factored_and_not():
    """One step of Adafactor against its formulas, for a matrix (factored) and a vector."""
    rng = np.random.RandomState(0)
    p_mat, g_mat = rng.randn(3, 4).astype('float32'), rng.randn(3, 4).astype('float32')
    p_vec, g_vec = rng.randn(4).astype('float32'), rng.randn(4).astype('float32')
    optimizer = optimizers.Adafactor(lr=0.01)
    params = [K.variable(p_mat), K.variable(p_vec)]
    loss = K.sum(params[0] * K.constant(g_mat)) + K.sum(params[1] * K.constant(g_vec))
    K.function([], [], updates=optimizer.get_updates(loss=loss, params=params))([])

    def rms(x):
        return np.sqrt(np.mean(np.square(x)))
    beta_2 = 1 - 1. ** -0.8
    rho = min(0.01, 1.)
    g2 = g_mat ** 2 + 1e-30
    r = (1 - beta_2) * g2.mean(-1)
    c = (1 - beta_2) * g2.mean(-2)
    v = (r / r.mean())[:, None] * c[None, :]
    u = g_mat / np.sqrt(v)
    expected_mat = p_mat - max(1e-3, rms(p_mat)) * rho * u / max(1., rms(u))
    v_vec = (1 - beta_2) * (g_vec ** 2 + 1e-30)
    u_vec = g_vec / np.sqrt(v_vec)
    expected_vec = p_vec - max(1e-3, rms(p_vec)) * rho * u_vec / max(1., rms(u_vec))
    np.testing.assert_allclose(K.get_value(params[0]), expected_mat, rtol=1e-5)
    np.testing.assert_allclose(K.get_value(params[1]), expected_vec, rtol=1e-5)
    assert [tuple(w.shape) for w in optimizer.get_weights()] == [(), (3,), (1,), (4,), (1,), (3, 4), (4,)]


def test_custom_prefix_of_user_optimizers():
    class MyOptimizer(optimizers.SGD):
        pass
    optimizer = optimizers.deserialize({'class_name': 'Custom>MyOptimizer', 'config': {'lr': 0.5}},
                                       custom_objects={'MyOptimizer': MyOptimizer})
    assert isinstance(optimizer, MyOptimizer)
    assert isinstance(optimizers.deserialize({'class_name': 'Custom>Adam', 'config': {}}), optimizers.Adam)
