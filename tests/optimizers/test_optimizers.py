"""Tests of minikeras.optimizers: the Keras 2.2 update rules against the golden
trajectories, clipping, learning-rate variables, state, config and registry,
the Keras 2.0 call order, user subclasses, resume exactness and training an
MLP (built from K ops until the engine lands)."""
import json
import warnings

import numpy as np
import pytest

from keras2_fixtures import assert_close, case_names, load_case

from minikeras import backend as K
from minikeras import optimizers
from minikeras.utils.generic_utils import CustomObjectScope

CASES = case_names('optimizers')
ALL_CLASSES = ['SGD', 'RMSprop', 'Adagrad', 'Adadelta', 'Adam', 'Adamax', 'Nadam', 'Ftrl']


# ----------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------
def _linear_problem(arrays, n):
    """Parameters p_i = p0_i and placeholders G_i with loss sum(p_i * G_i) (so dloss/dp_i = G_i)."""
    params = [K.variable(arrays['p0_%d' % i]) for i in range(n)]
    grads = [K.placeholder(shape=arrays['p0_%d' % i].shape) for i in range(n)]
    loss = sum(K.sum(p * g) for p, g in zip(params, grads))
    return params, grads, loss


def _step_fn(opt, shapes, seed=0, legacy=False, constraints=None):
    """A feed-the-gradients training function for params of `shapes`."""
    rng = np.random.RandomState(seed)
    params = [K.variable(rng.uniform(-1, 1, size=s)) for s in shapes]
    grads = [K.placeholder(shape=s) for s in shapes]
    loss = sum(K.sum(p * g) for p, g in zip(params, grads))
    if legacy:
        updates = opt.get_updates(params, constraints or {}, loss)
    else:
        updates = opt.get_updates(loss=loss, params=params)
    return params, K.function(grads, [loss], updates=updates)


def _grads(shapes, t, scale=1.0):
    rng = np.random.RandomState(100 + t)
    return [(rng.randn(*s) * scale).astype('float32') for s in shapes]


SHAPES = [(4,), (3, 2), (2, 2, 3)]


def _make(name, **kwargs):
    return getattr(optimizers, name)(**kwargs)


# ----------------------------------------------------------------------------------------
# golden trajectories
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize('case', CASES)
def test_fixture_trajectory(case):
    """The conformance checker's protocol: params after every step, then the state."""
    meta, arrays = load_case('optimizers', case)
    n = meta['n_params']
    opt = getattr(optimizers, meta['class_name'])(**meta['config'])
    params, grads, loss = _linear_problem(arrays, n)
    f = K.function(grads, [loss], updates=opt.get_updates(loss=loss, params=params))
    for t in range(meta['n_steps']):
        f([arrays['g_%d_%d' % (t, i)] for i in range(n)])
        for i, value in enumerate(K.batch_get_value(params)):
            assert value.dtype == np.float32
            assert_close(value, arrays['p_%d_%d' % (t, i)], meta['tol'], what='%s step %d param %d' % (case, t, i))
    state = K.batch_get_value(opt.weights)
    assert len(state) == len(meta['state_names'])
    for j, value in enumerate(state):
        assert list(value.shape) == list(meta['state_shapes'][j]), meta['state_names'][j]
        assert str(value.dtype) == meta['state_dtypes'][j], meta['state_names'][j]
        assert_close(value, arrays['s_%d' % j], meta['tol'], what='%s state %s' % (case, meta['state_names'][j]))
    assert int(K.get_value(opt.iterations)) == meta['n_steps']
    if 'm_schedule' in arrays:
        assert_close(K.get_value(opt.m_schedule), arrays['m_schedule'], meta['tol'], what='m_schedule')
    # get_weights is the same state as numpy arrays
    for a, b in zip(opt.get_weights(), state):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize('case', [c for c in CASES if c.startswith(('sgd_momentum', 'adam_decay', 'nadam_def',
                                                                     'ftrl_l1'))])
def test_fixture_trajectory_legacy_call_order(case):
    """get_updates(params, constraints, loss) (Keras 2.0 order) gives the same trajectory."""
    meta, arrays = load_case('optimizers', case)
    n = meta['n_params']
    opt = getattr(optimizers, meta['class_name'])(**meta['config'])
    params, grads, loss = _linear_problem(arrays, n)
    with pytest.warns(UserWarning, match='Keras 2.0'):
        updates = opt.get_updates(params, {}, loss)
    f = K.function(grads, [loss], updates=updates)
    for t in range(meta['n_steps']):
        f([arrays['g_%d_%d' % (t, i)] for i in range(n)])
    for i, value in enumerate(K.batch_get_value(params)):
        assert_close(value, arrays['p_%d_%d' % (meta['n_steps'] - 1, i)], meta['tol'])


def test_fixture_apply_in_float32_only():
    """Every value an optimizer creates stays float32 (no float64 upcast anywhere)."""
    for name in ALL_CLASSES:
        K.clear_session()
        opt = _make(name, decay=0.01) if name not in ('Nadam',) else _make(name)
        params, f = _step_fn(opt, SHAPES)
        f(_grads(SHAPES, 0))
        for v in K.batch_get_value(params):
            assert v.dtype == np.float32, name
        for w in opt.weights[1:] if opt.weights[0] is opt.iterations else opt.weights:
            assert K.dtype(w) == 'float32', name
        if opt.weights[0] is opt.iterations:
            assert K.dtype(opt.iterations) == 'int64'


# ----------------------------------------------------------------------------------------
# defaults, arguments, errors
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize('name,lr', [('SGD', 0.01), ('RMSprop', 0.001), ('Adagrad', 0.01), ('Adadelta', 1.0),
                                     ('Adam', 0.001), ('Adamax', 0.002), ('Nadam', 0.002), ('Ftrl', 0.001)])
def test_keras22_defaults(name, lr):
    opt = _make(name)
    assert np.isclose(K.get_value(opt.lr), lr)
    assert opt.learning_rate is opt.lr
    assert K.dtype(opt.lr) == 'float32'
    assert K.dtype(opt.iterations) == 'int64'
    assert int(K.get_value(opt.iterations)) == 0
    if hasattr(opt, 'epsilon'):
        assert opt.epsilon == K.epsilon() == 1e-7
    assert opt.weights == [] and opt.get_weights() == []


def test_other_defaults():
    assert K.get_value(optimizers.SGD().momentum) == 0 and optimizers.SGD().nesterov is False
    assert np.isclose(K.get_value(optimizers.RMSprop().rho), 0.9)
    assert optimizers.Adadelta().rho == 0.95
    adam = optimizers.Adam()
    assert np.isclose(K.get_value(adam.beta_1), 0.9) and np.isclose(K.get_value(adam.beta_2), 0.999)
    assert adam.amsgrad is False
    assert optimizers.Nadam().schedule_decay == 0.004
    assert optimizers.Nadam(decay=0.01).schedule_decay == 0.01  # tf.keras spelling
    assert optimizers.Adagrad().initial_accumulator_value == 0.0
    ftrl = optimizers.Ftrl()
    assert ftrl.learning_rate_power == -0.5 and ftrl.initial_accumulator_value == 0.1


@pytest.mark.parametrize('name', ALL_CLASSES)
def test_learning_rate_alias(name):
    opt = _make(name, learning_rate=0.123)
    assert np.isclose(K.get_value(opt.lr), 0.123)
    if name == 'Ftrl':
        assert np.isclose(K.get_value(optimizers.Ftrl(lr=0.25).lr), 0.25)
    else:
        assert np.isclose(K.get_value(_make(name, lr=0.25).lr), 0.25)
        with pytest.raises(TypeError, match='learning_rate'):
            _make(name, lr=0.1, learning_rate=0.2)
        _make(name, lr=0.2, learning_rate=0.2)  # the same value twice is harmless


@pytest.mark.parametrize('name', ALL_CLASSES)
def test_unknown_kwarg_is_rejected_by_name(name):
    with pytest.raises(TypeError, match='Unexpected keyword argument passed to optimizer: foo_bar'):
        _make(name, foo_bar=1)


def test_base_class_accepts_only_clip_arguments():
    with pytest.raises(TypeError, match='lr'):
        optimizers.Optimizer(lr=0.1)
    opt = optimizers.Optimizer(clipnorm=1.0, clipvalue=0.5, name='x')
    assert opt.clipnorm == 1.0 and opt.clipvalue == 0.5 and opt.name == 'x'
    assert optimizers.Optimizer(global_clipnorm=2.0).clipnorm == 2.0
    with pytest.raises(ValueError, match='clipnorm'):
        optimizers.SGD(clipnorm=-1)


def test_base_get_updates_without_rule_is_not_implemented():
    p = K.variable(np.ones(3))
    with pytest.raises(NotImplementedError, match='get_updates'):
        optimizers.Optimizer().get_updates(loss=K.sum(p), params=[p])


def test_ftrl_argument_validation():
    with pytest.raises(ValueError, match='learning_rate_power'):
        optimizers.Ftrl(learning_rate_power=0.5)
    with pytest.raises(ValueError, match='l1_regularization_strength'):
        optimizers.Ftrl(l1_regularization_strength=-1.)


# ----------------------------------------------------------------------------------------
# clipping
# ----------------------------------------------------------------------------------------
def _sgd_delta(grads_np, **kwargs):
    """The step -(p_new - p_old) of SGD(lr=1) for fed gradients, i.e. the processed gradients."""
    shapes = [g.shape for g in grads_np]
    opt = optimizers.SGD(lr=1.0, **kwargs)
    params, f = _step_fn(opt, shapes)
    before = K.batch_get_value(params)
    f(grads_np)
    return [b - a for a, b in zip(K.batch_get_value(params), before)]


def test_clipnorm_uses_one_global_norm():
    g = [np.array([3., 0.], 'float32'), np.array([[4.]], 'float32')]  # global norm 5
    out = _sgd_delta(g, clipnorm=1.0)
    np.testing.assert_allclose(out[0], [0.6, 0.], rtol=1e-6)
    np.testing.assert_allclose(out[1], [[0.8]], rtol=1e-6)
    # below the threshold: untouched (bitwise)
    out = _sgd_delta(g, clipnorm=10.0)
    np.testing.assert_array_equal(out[0], g[0])
    np.testing.assert_array_equal(out[1], g[1])


def test_clipvalue_is_elementwise():
    g = [np.array([3., -0.2, -7.], 'float32')]
    np.testing.assert_allclose(_sgd_delta(g, clipvalue=0.5)[0], [0.5, -0.2, -0.5], rtol=1e-6)


def test_clipnorm_then_clipvalue():
    """Keras 2.2 order: scale by the global norm first, then clip by value."""
    g = [np.array([3., 4.], 'float32')]  # norm 5 -> [0.6, 0.8] with clipnorm 1, then clip at 0.7
    np.testing.assert_allclose(_sgd_delta(g, clipnorm=1.0, clipvalue=0.7)[0], [0.6, 0.7], rtol=1e-6)


def test_clip_norm_helper():
    g = K.constant(np.array([3., 4.]))
    np.testing.assert_allclose(K.eval(optimizers.clip_norm(g, 1.0, K.constant(5.))), [0.6, 0.8], rtol=1e-6)
    assert optimizers.clip_norm(g, 0, K.constant(5.)) is g


# ----------------------------------------------------------------------------------------
# learning rate as a variable
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize('name', ALL_CLASSES)
def test_set_value_of_lr_takes_effect(name):
    """Changing lr with K.set_value between steps changes the next step (compiled function reused)."""
    results = []
    for new_lr in (None, 0.5):
        K.clear_session()
        opt = _make(name)
        params, f = _step_fn(opt, SHAPES)
        f(_grads(SHAPES, 0))
        if new_lr is not None:
            K.set_value(opt.lr, new_lr)
            assert np.isclose(K.get_value(opt.learning_rate), new_lr)
        f(_grads(SHAPES, 1))
        results.append(K.batch_get_value(params))
    assert any(not np.allclose(a, b) for a, b in zip(*results))
    if name != 'Ftrl':  # Ftrl divides by the learning rate
        K.set_value(opt.lr, 0.0)
        before = K.batch_get_value(params)
        f(_grads(SHAPES, 2))
        for a, b in zip(before, K.batch_get_value(params)):
            np.testing.assert_array_equal(a, b)


def test_lr_change_scales_sgd_step():
    opt = optimizers.SGD(lr=0.1)
    params, f = _step_fn(opt, [(3,)])
    g = [np.array([1., 2., 3.], 'float32')]
    p0 = K.get_value(params[0])
    f(g)
    np.testing.assert_allclose(p0 - K.get_value(params[0]), 0.1 * g[0], rtol=1e-6)
    opt.learning_rate = 0.5  # the tf.keras property sets the same variable
    assert np.isclose(K.get_value(opt.lr), 0.5)
    p1 = K.get_value(params[0])
    f(g)
    np.testing.assert_allclose(p1 - K.get_value(params[0]), 0.5 * g[0], rtol=1e-6)


def test_decay_uses_iterations_before_increment():
    opt = optimizers.SGD(lr=1.0, decay=1.0)
    params, f = _step_fn(opt, [(1,)])
    g = [np.array([1.], 'float32')]
    steps = []
    for _ in range(3):
        p = K.get_value(params[0])
        f(g)
        steps.append(float((p - K.get_value(params[0]))[0]))
    np.testing.assert_allclose(steps, [1.0, 0.5, 1 / 3.], rtol=1e-6)
    assert int(K.get_value(opt.iterations)) == 3


# ----------------------------------------------------------------------------------------
# state: weights order, get/set_weights
# ----------------------------------------------------------------------------------------
def test_state_layouts():
    expected = {'SGD': 1 + 3, 'RMSprop': 3, 'Adagrad': 3, 'Adadelta': 6, 'Adam': 1 + 9, 'Adamax': 1 + 6,
                'Nadam': 1 + 6, 'Ftrl': 1 + 6}
    for name, count in expected.items():
        K.clear_session()
        opt = _make(name)
        _step_fn(opt, SHAPES)
        assert len(opt.weights) == count, name
    adam = optimizers.Adam()
    _step_fn(adam, SHAPES)
    assert [K.int_shape(w) for w in adam.weights[7:]] == [(1,), (1,), (1,)]
    nadam = optimizers.Nadam()
    _step_fn(nadam, SHAPES)
    assert all(w is not nadam.m_schedule for w in nadam.weights)


def test_set_weights_checks_count_and_shapes():
    opt = optimizers.Adam()
    with pytest.raises(ValueError, match='no state yet'):
        opt.set_weights([np.zeros(3)])
    _step_fn(opt, SHAPES)
    weights = opt.get_weights()
    with pytest.raises(ValueError, match='Length of the specified weight list'):
        opt.set_weights(weights[:-1])
    bad = list(weights)
    bad[1] = np.zeros((5,), 'float32')
    with pytest.raises(ValueError, match=r'Optimizer weight shape \(4,\) not compatible with provided weight '
                                         r'shape \(5,\)'):
        opt.set_weights(bad)
    new = [w + 1 for w in weights]
    opt.set_weights(new)
    for a, b in zip(opt.get_weights(), new):
        np.testing.assert_array_equal(a, b)
    assert opt.get_weights()[0].dtype == np.int64


@pytest.mark.parametrize('name,kwargs', [('SGD', {'momentum': 0.9, 'nesterov': True, 'decay': 0.01}),
                                         ('SGD', {}),
                                         ('RMSprop', {'decay': 0.01}), ('Adagrad', {}), ('Adadelta', {}),
                                         ('Adam', {'amsgrad': True, 'decay': 0.01}), ('Adam', {}),
                                         ('Adamax', {}), ('Nadam', {}), ('Ftrl', {'l1_regularization_strength': 0.01}),
                                         ('RMSprop', {'momentum': 0.5, 'centered': True})])
def test_resume_is_exact(name, kwargs):
    """10 steps == 5 steps, copy params and optimizer state into fresh objects, 5 more steps."""
    grads = [_grads(SHAPES, t, scale=0.5) for t in range(10)]
    opt = _make(name, **kwargs)
    params, f = _step_fn(opt, SHAPES)
    for t in range(10):
        f(grads[t])
    expected = K.batch_get_value(params)
    expected_state = opt.get_weights()

    K.clear_session()
    opt1 = _make(name, **kwargs)
    params1, f1 = _step_fn(opt1, SHAPES)
    for t in range(5):
        f1(grads[t])
    saved_params, saved_state = K.batch_get_value(params1), opt1.get_weights()

    if opt1.weights[0] is not opt1.iterations:
        # RMSprop/Adagrad/Adadelta: the Keras 2.2.4 state has no counter; the tf_keras
        # layout [iterations] + state restores it too (needed with decay > 0).
        saved_state = [K.get_value(opt1.iterations)] + saved_state

    K.clear_session()
    opt2 = optimizers.deserialize(optimizers.serialize(opt1))
    params2, f2 = _step_fn(opt2, SHAPES)
    K.batch_set_value(zip(params2, saved_params))
    opt2.set_weights(saved_state)
    for t in range(5, 10):
        f2(grads[t])
    for a, b in zip(K.batch_get_value(params2), expected):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(opt2.get_weights(), expected_state):
        np.testing.assert_array_equal(a, b)


def test_slots_only_state_does_not_carry_iterations():
    """Keras 2.2.4 layout: RMSprop's state is its accumulators only, so set_weights leaves the counter."""
    opt = optimizers.RMSprop(decay=0.1)
    _, f = _step_fn(opt, SHAPES)
    f(_grads(SHAPES, 0))
    state = opt.get_weights()
    assert len(state) == 3
    other = optimizers.RMSprop(decay=0.1)
    _step_fn(other, SHAPES)
    other.set_weights(state)
    assert int(K.get_value(other.iterations)) == 0
    other.set_weights([np.int64(1)] + state)
    assert int(K.get_value(other.iterations)) == 1


MODEL_CASES = [c for c in case_names('models')]


@pytest.mark.parametrize('case', MODEL_CASES)
def test_tf_keras_state_from_model_files_is_accepted(case):
    """set_weights takes the optimizer_weights of the tf_keras model fixtures (README 4.3 layouts)."""
    meta, arrays = load_case('models', case)
    names = meta['optimizer_weight_names']
    ow = [arrays['ow%d' % j] for j in range(len(names))]
    config = meta['optimizer_keras2']
    opt = optimizers.deserialize(dict(config))  # deserialize lower-cases class_name in place, as Keras 2.2.4
    # The first slot kind has one slot per trainable weight, with its shape.
    first_kind = names[1].rsplit('/', 1)[-1] if len(names) > 1 else None
    if config['class_name'] == 'Nadam':
        first_kind = names[2].rsplit('/', 1)[-1]
    shapes = [a.shape for n, a in zip(names, ow) if first_kind and n.endswith('/' + first_kind)]
    if not shapes:  # SGD without momentum: take the model's trainable weights
        shapes = [arrays['mw%d' % j].shape for j in range(len(meta['model_weight_shapes']))]
    params = [K.variable(np.zeros(s)) for s in shapes]
    loss = sum(K.sum(p) for p in params)
    opt.get_updates(loss=loss, params=params)
    opt.set_weights(ow)
    placeholder_vhats = config['class_name'] == 'Adam' and not opt.amsgrad
    ours = [w for w in opt.get_weights() if w.ndim > 0]
    if placeholder_vhats:
        ours = ours[:len(ours) - len(params)]
    theirs = [w for w in ow if w.ndim > 0]
    if config['class_name'] == 'SGD' and not theirs:
        assert all(not w.any() for w in ours)
        return
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    assert int(K.get_value(opt.iterations)) == int(ow[0])


def test_nadam_m_schedule_restored_from_iterations():
    opt = optimizers.Nadam(beta_1=0.85, schedule_decay=0.05)
    _, f = _step_fn(opt, SHAPES)
    for t in range(7):
        f(_grads(SHAPES, t))
    K.clear_session()
    other = optimizers.Nadam(beta_1=0.85, schedule_decay=0.05)
    _step_fn(other, SHAPES)
    other.set_weights(opt.get_weights())
    assert K.get_value(other.m_schedule) == K.get_value(opt.m_schedule)


# ----------------------------------------------------------------------------------------
# constraints
# ----------------------------------------------------------------------------------------
def _clip01(x):
    return K.clip(x, 0., 1.)


def test_variable_constraint_applied_to_new_value():
    opt = optimizers.SGD(lr=1.0)
    p = K.variable(np.array([0.5, 0.5, 0.5]), constraint=_clip01)
    g = K.placeholder(shape=(3,))
    loss = K.sum(p * g)
    f = K.function([g], [loss], updates=opt.get_updates(loss=loss, params=[p]))
    f([np.array([1., -1., 0.25], 'float32')])
    np.testing.assert_allclose(K.get_value(p), [0., 1., 0.25])


@pytest.mark.parametrize('as_list', [False, True])
def test_legacy_call_order_applies_constraints(as_list):
    opt = optimizers.Adam(lr=1.0)
    p = K.variable(np.array([0.5, 0.5]))
    q = K.variable(np.array([0.5, 0.5]))
    g = K.placeholder(shape=(2,))
    loss = K.sum(p * g) + K.sum(q * g)
    constraints = [_clip01, None] if as_list else {p: _clip01}
    with pytest.warns(UserWarning):
        updates = opt.get_updates([p, q], constraints, loss)
    f = K.function([g], [loss], updates=updates)
    for _ in range(3):
        f([np.array([1., -1.], 'float32')])
    np.testing.assert_allclose(K.get_value(p), [0., 1.])
    assert K.get_value(q)[0] < -1 and K.get_value(q)[1] > 2  # unconstrained
    # keyword form of the old order
    opt2 = optimizers.SGD()
    with pytest.warns(UserWarning):
        opt2.get_updates(params=[p], constraints={}, loss=loss)


def test_get_updates_argument_errors():
    opt = optimizers.SGD()
    p = K.variable(np.ones(2))
    with pytest.raises(TypeError, match='missing'):
        opt.get_updates(loss=K.sum(p))
    with pytest.raises(TypeError, match='unexpected'):
        opt.get_updates(loss=K.sum(p), params=[p], foo=1)


# ----------------------------------------------------------------------------------------
# config and registry
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize('name,kwargs', [('SGD', {'lr': 0.1, 'momentum': 0.9, 'nesterov': True, 'decay': 0.01}),
                                         ('RMSprop', {'lr': 0.01, 'rho': 0.8, 'epsilon': 1e-6, 'clipnorm': 1.}),
                                         ('Adagrad', {'lr': 0.05, 'clipvalue': 0.5}),
                                         ('Adadelta', {'rho': 0.9, 'epsilon': 1e-4}),
                                         ('Adam', {'lr': 0.01, 'amsgrad': True, 'beta_2': 0.99}),
                                         ('Adamax', {'beta_1': 0.8, 'decay': 0.1}),
                                         ('Nadam', {'schedule_decay': 0.01, 'lr': 0.01}),
                                         ('Ftrl', {'learning_rate': 0.1, 'l1_regularization_strength': 0.01,
                                                   'beta': 0.5})])
def test_config_round_trip(name, kwargs):
    opt = _make(name, **kwargs)
    config = opt.get_config()
    json.dumps(config)  # plain Python values
    for key, value in kwargs.items():
        key = 'lr' if key == 'learning_rate' and name != 'Ftrl' else key
        assert np.isclose(config[key], value), key
    clone = type(opt).from_config(config)
    assert clone.get_config() == config
    assert optimizers.deserialize(optimizers.serialize(opt)).get_config() == config
    assert optimizers.serialize(opt)['class_name'] == name


def test_config_keys_are_keras22():
    assert set(optimizers.SGD().get_config()) == {'lr', 'momentum', 'decay', 'nesterov'}
    assert set(optimizers.RMSprop().get_config()) == {'lr', 'rho', 'decay', 'epsilon'}
    assert set(optimizers.Adagrad().get_config()) == {'lr', 'decay', 'epsilon'}
    assert set(optimizers.Adadelta().get_config()) == {'lr', 'rho', 'decay', 'epsilon'}
    assert set(optimizers.Adam().get_config()) == {'lr', 'beta_1', 'beta_2', 'decay', 'epsilon', 'amsgrad'}
    assert set(optimizers.Adamax().get_config()) == {'lr', 'beta_1', 'beta_2', 'decay', 'epsilon'}
    assert set(optimizers.Nadam().get_config()) == {'lr', 'beta_1', 'beta_2', 'epsilon', 'schedule_decay'}
    assert 'clipnorm' in optimizers.SGD(clipnorm=1.).get_config()


def test_tf_keras_configs_are_accepted():
    """Configs as tf_keras writes them into HDF5 training_config."""
    configs = [
        {'class_name': 'Adam', 'config': {'amsgrad': False, 'beta_1': 0.9, 'beta_2': 0.999, 'decay': 0.0,
                                          'epsilon': 1e-07, 'learning_rate': 0.01, 'name': 'Adam'}},
        {'class_name': 'Nadam', 'config': {'beta_1': 0.9, 'beta_2': 0.999, 'decay': 0.004, 'epsilon': 1e-07,
                                           'learning_rate': 0.01, 'name': 'Nadam'}},
        {'class_name': 'RMSprop', 'config': {'centered': False, 'decay': 0.0, 'epsilon': 1e-07,
                                             'learning_rate': 0.005, 'momentum': 0.0, 'name': 'RMSprop',
                                             'rho': 0.8}},
        {'class_name': 'Adagrad', 'config': {'decay': 0.0, 'epsilon': 1e-07, 'initial_accumulator_value': 0.1,
                                             'learning_rate': 0.05, 'name': 'Adagrad'}},
        {'class_name': 'SGD', 'config': {'decay': 0.01, 'learning_rate': 0.1, 'momentum': 0.0, 'name': 'SGD',
                                         'nesterov': False}},
    ]
    for config in configs:
        opt = optimizers.deserialize(config)
        assert np.isclose(K.get_value(opt.lr), config['config']['learning_rate'])
    assert optimizers.deserialize(configs[1]).schedule_decay == 0.004


def test_adagrad_initial_accumulator_value():
    opt = optimizers.Adagrad(lr=1.0, initial_accumulator_value=3.0, epsilon=0.0)
    params, f = _step_fn(opt, [(1,)])
    p0 = K.get_value(params[0])
    f([np.array([1.], 'float32')])  # a = 3 + 1 -> step 1 / 2
    np.testing.assert_allclose(p0 - K.get_value(params[0]), [0.5], rtol=1e-6)


def test_deserialize_is_case_insensitive_for_builtins():
    for name in ['adam', 'Adam', 'ADAM', 'sgd', 'RmsProp', 'nadam', 'ftrl', 'Adadelta']:
        opt = optimizers.deserialize({'class_name': name, 'config': {}})
        assert type(opt).__name__.lower() == name.lower()
    assert isinstance(optimizers.deserialize({'class_name': 'SGD', 'config': {'lr': 0.5}}), optimizers.SGD)
    with pytest.raises(ValueError, match='Unknown optimizer: Foo'):
        optimizers.deserialize({'class_name': 'Foo', 'config': {}})


def test_get_identifier_forms():
    adam = optimizers.Adam()
    assert optimizers.get(adam) is adam
    assert isinstance(optimizers.get('rmsprop'), optimizers.RMSprop)
    assert isinstance(optimizers.get('Adamax'), optimizers.Adamax)
    opt = optimizers.get({'class_name': 'sgd', 'config': {'lr': 0.3, 'momentum': 0.5}})
    assert isinstance(opt, optimizers.SGD) and np.isclose(K.get_value(opt.momentum), 0.5)
    with pytest.raises(ValueError, match='Could not interpret optimizer identifier'):
        optimizers.get(42)
    with pytest.raises(ValueError, match='Unknown optimizer'):
        optimizers.get('nonesuch')


def test_aliases():
    assert optimizers.sgd is optimizers.SGD
    assert optimizers.rmsprop is optimizers.RMSprop
    assert optimizers.adagrad is optimizers.Adagrad
    assert optimizers.adadelta is optimizers.Adadelta
    assert optimizers.adam is optimizers.Adam
    assert optimizers.adamax is optimizers.Adamax
    assert optimizers.nadam is optimizers.Nadam
    assert np.isclose(K.get_value(optimizers.rmsprop(lr=0.0001).lr), 0.0001)


# ----------------------------------------------------------------------------------------
# user subclasses
# ----------------------------------------------------------------------------------------
class MySGD(optimizers.Optimizer):
    """A Keras 2 style user optimizer: only __init__ and get_updates (plus get_config for saving)."""

    def __init__(self, lr=0.01, **kwargs):
        super(MySGD, self).__init__(**kwargs)
        self.iterations = K.variable(0, dtype='int64', name='iterations')
        self.lr = K.variable(lr, name='lr')

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        self.updates = [K.update_add(self.iterations, 1)]
        self.weights = [self.iterations]
        for p, g in zip(params, grads):
            new_p = p - self.lr * g
            if getattr(p, 'constraint', None) is not None:
                new_p = p.constraint(new_p)
            self.updates.append(K.update(p, new_p))
        return self.updates

    def get_config(self):
        config = {'lr': float(K.get_value(self.lr))}
        config.update(super(MySGD, self).get_config())
        return config


class OldStyleSGD(optimizers.Optimizer):
    """A Keras 2.0 style optimizer: get_updates(params, constraints, loss)."""

    def __init__(self, lr=0.01, **kwargs):
        super(OldStyleSGD, self).__init__(**kwargs)
        self.lr = K.variable(lr)

    def get_updates(self, params, constraints, loss):
        grads = self.get_gradients(loss, params)
        self.updates = []
        for p, g in zip(params, grads):
            new_p = p - self.lr * g
            if p in constraints:
                new_p = constraints[p](new_p)
            self.updates.append((p, new_p))
        return self.updates


class HookSGD(optimizers.Optimizer):
    """A user optimizer written with the base-class hooks (slots + update_step)."""

    def __init__(self, lr=0.1, **kwargs):
        super(HookSGD, self).__init__(**kwargs)
        self.lr = K.variable(lr)

    def create_slots(self, params):
        return [self._zeros_like(params)]

    def update_step(self, p, g, slots, hyper):
        last_step = -hyper['lr'] * g
        return p + last_step, [last_step]


def test_user_subclass_trains_and_round_trips():
    opt = MySGD(lr=0.1, clipnorm=10.)
    params, f = _step_fn(opt, [(3,)])
    g = [np.array([1., 2., 3.], 'float32')]
    p0 = K.get_value(params[0])
    f(g)
    np.testing.assert_allclose(p0 - K.get_value(params[0]), 0.1 * g[0], rtol=1e-6)
    assert opt.get_weights() == [1]
    config = optimizers.serialize(opt)
    clone = optimizers.deserialize(config, custom_objects={'MySGD': MySGD})
    assert isinstance(clone, MySGD) and clone.get_config() == opt.get_config()
    with CustomObjectScope({'MySGD': MySGD}):
        assert isinstance(optimizers.get(config), MySGD)
    with pytest.raises(ValueError, match='Unknown optimizer: MySGD'):
        optimizers.deserialize(config)
    # the old call order reaches a new-style user get_updates too
    K.clear_session()
    opt2 = MySGD(lr=0.1)
    with pytest.warns(UserWarning):
        _step_fn(opt2, [(3,)], legacy=True)


def test_custom_object_shadows_builtin_name():
    class Adam(MySGD):
        pass
    opt = optimizers.deserialize({'class_name': 'Adam', 'config': {'lr': 0.2}}, custom_objects={'Adam': Adam})
    assert type(opt) is Adam


def test_old_style_user_subclass_both_call_orders():
    p = K.variable(np.array([0.5, 0.5]))
    g = K.placeholder(shape=(2,))
    loss = K.sum(p * g)
    opt = OldStyleSGD(lr=1.0)
    f = K.function([g], [loss], updates=opt.get_updates(loss=loss, params=[p]))  # new call order
    f([np.array([0.25, 0.25], 'float32')])
    np.testing.assert_allclose(K.get_value(p), [0.25, 0.25])
    with pytest.warns(UserWarning):
        updates = opt.get_updates([p], {p: _clip01}, loss)
    f = K.function([g], [loss], updates=updates)
    f([np.array([1., -1.], 'float32')])
    np.testing.assert_allclose(K.get_value(p), [0., 1.])


def test_hook_subclass():
    opt = HookSGD(lr=0.5)
    params, f = _step_fn(opt, [(2,)])
    p0 = K.get_value(params[0])
    f([np.array([1., 2.], 'float32')])
    np.testing.assert_allclose(K.get_value(params[0]), p0 - [0.5, 1.], rtol=1e-6)
    assert len(opt.weights) == 2
    np.testing.assert_allclose(opt.get_weights()[1], [-0.5, -1.])


# ----------------------------------------------------------------------------------------
# model level: a 784-512-512-10 MLP built from K ops (the engine has not landed yet)
# ----------------------------------------------------------------------------------------
def _separable_task(n=256, seed=0):
    rng = np.random.RandomState(seed)
    centers = rng.randn(10, 784).astype('float32')
    labels = rng.randint(0, 10, size=n)
    x = centers[labels] + 0.5 * rng.randn(n, 784).astype('float32')
    y = np.eye(10, dtype='float32')[labels]
    return x, y


def _mlp(seed=0):
    rng = np.random.RandomState(seed)
    sizes = [784, 512, 512, 10]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6. / (fan_in + fan_out))
        params.append(K.variable(rng.uniform(-limit, limit, size=(fan_in, fan_out))))
        params.append(K.zeros((fan_out,)))
    x = K.placeholder(shape=(None, 784))
    y = K.placeholder(shape=(None, 10))
    h = x
    for i in range(3):
        h = K.dot(h, params[2 * i]) + params[2 * i + 1]
        h = K.relu(h) if i < 2 else K.softmax(h)
    loss = K.mean(K.categorical_crossentropy(y, h))
    return params, x, y, loss


MLP_CONFIGS = [('SGD', {'lr': 0.05, 'momentum': 0.9}), ('RMSprop', {}), ('Adagrad', {}), ('Adadelta', {}),
               ('Adam', {}), ('Adamax', {}), ('Nadam', {}), ('Ftrl', {'learning_rate': 0.2})]


@pytest.mark.parametrize('clip', [{}, {'clipnorm': 1.0}, {'clipvalue': 0.05}], ids=['noclip', 'clipnorm',
                                                                                    'clipvalue'])
@pytest.mark.parametrize('name,kwargs', MLP_CONFIGS, ids=[c[0] for c in MLP_CONFIGS])
def test_mlp_loss_decreases(name, kwargs, clip):
    x_data, y_data = _separable_task()
    params, x, y, loss = _mlp()
    opt = _make(name, **dict(kwargs, **clip))
    train = K.function([x, y], [loss], updates=opt.get_updates(loss=loss, params=params))
    evaluate = K.function([x, y], [loss])
    start = float(evaluate([x_data, y_data])[0])
    for epoch in range(3):
        for i in range(0, len(x_data), 64):
            train([x_data[i:i + 64], y_data[i:i + 64]])
    end = float(evaluate([x_data, y_data])[0])
    assert np.isfinite(end)
    assert end < start, (name, clip, start, end)
    if name != 'Ftrl':  # FTRL re-derives the weights from its accumulators and starts slowly on a deep net
        assert end < 0.8 * start, (name, clip, start, end)


@pytest.mark.parametrize('name', ALL_CLASSES)
def test_mlp_resume_is_exact(name):
    """2 epochs == 1 epoch, get_weights of model and optimizer, fresh objects, set_weights, 1 more epoch."""
    x_data, y_data = _separable_task(n=128)
    kwargs = dict(MLP_CONFIGS)[name]

    def epoch(train):
        for i in range(0, len(x_data), 32):
            train([x_data[i:i + 32], y_data[i:i + 32]])

    def build():
        K.clear_session()
        params, x, y, loss = _mlp()
        opt = _make(name, **kwargs)
        return params, opt, K.function([x, y], [loss], updates=opt.get_updates(loss=loss, params=params))

    params, opt, train = build()
    epoch(train)
    epoch(train)
    expected = K.batch_get_value(params)

    params, opt, train = build()
    epoch(train)
    saved = K.batch_get_value(params), opt.get_weights(), optimizers.serialize(opt)

    K.clear_session()
    params2, x, y, loss = _mlp(seed=1)  # different init, overwritten below
    opt2 = optimizers.deserialize(saved[2])
    train2 = K.function([x, y], [loss], updates=opt2.get_updates(loss=loss, params=params2))
    K.batch_set_value(zip(params2, saved[0]))
    opt2.set_weights(saved[1])
    epoch(train2)
    for a, b in zip(K.batch_get_value(params2), expected):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize('name, kwargs', [('Adam', {}), ('Adam', {'amsgrad': True}), ('RMSprop', {}),
                                          ('RMSprop', {'momentum': 0.5}), ('Adagrad', {})])
def test_an_embedding_is_updated_from_its_gradient_rows_bit_for_bit(name, kwargs, monkeypatch):
    """Adam, RMSprop and Adagrad update an embedding from its gradient's rows
    (`K.gather_gradient_rows`); weights and state equal the dense update's exactly."""
    from minikeras import layers, models
    from minikeras.optimizers import rules

    def train():
        np.random.seed(0)
        model = models.Sequential([layers.Embedding(30, 4, input_length=5), layers.Flatten(), layers.Dense(1)])
        model.compile(getattr(optimizers, name)(lr=0.05, **kwargs), 'mse')
        rng = np.random.RandomState(1)
        model.fit(rng.randint(0, 30, (24, 5)), rng.rand(24, 1), batch_size=6, epochs=2, verbose=0, shuffle=False)
        return model.get_weights() + model.optimizer.get_weights()

    used = []
    monkeypatch.setattr(rules, '_gradient_rows', lambda g: used.append(K.gather_gradient_rows(g)) or used[-1])
    by_rows = train()
    assert any(rows is not None for rows in used) == ('momentum' not in kwargs)
    monkeypatch.setattr(rules, '_gradient_rows', lambda g: None)
    dense = train()
    for a, b in zip(by_rows, dense):
        np.testing.assert_array_equal(a, b)


def test_no_warnings_on_normal_use():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        for name in ALL_CLASSES:
            _step_fn(_make(name), SHAPES)[1](_grads(SHAPES, 0))


@pytest.mark.parametrize('name,accumulators', [('RMSprop', [0]), ('Adadelta', [0, 1]), ('Adam', [1]),
                                               ('Adamax', [1]), ('Nadam', [1])])
def test_decaying_accumulators_never_hold_subnormal_floats(name, accumulators):
    # A weight whose gradient is always 0 (a dead unit, a constant input pixel):
    # its second-moment accumulator decays geometrically towards 0 and would
    # spend thousands of steps as subnormal floats (beta_2 = 0.999); it is
    # flushed to 0 instead. (First moments, beta_1 = 0.9, cross that range in a
    # few hundred steps and are left alone.)
    opt = optimizers.get(name)
    params, f = _step_fn(opt, [(4,)])
    f([np.ones(4, 'float32')])
    tiny = np.finfo('float32').tiny
    slots = [w for w in opt.weights if K.int_shape(w) == (4,)]
    accumulators = [slots[i] for i in accumulators]
    for w in accumulators:
        K.set_value(w, np.full(4, tiny * 1.001, 'float32'))
    for _ in range(opt.FLUSH_EVERY):
        f([np.zeros(4, 'float32')])
    for w in accumulators:
        np.testing.assert_array_equal(K.get_value(w), np.zeros(4, 'float32'))
