"""`Optimizer.minimize` and `apply_gradients`: one update step applied at once (tf.keras style)."""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras import optimizers


@pytest.mark.parametrize('optimizer,expected', [
    (lambda: optimizers.SGD(learning_rate=0.1), 0.9),        # seed OPT-26: w - lr * g
    (lambda: optimizers.RMSprop(learning_rate=0.1), None),    # OPT-27 (var starts at 10)
    (lambda: optimizers.Adam(learning_rate=0.1), None),       # OPT-28
])
def test_minimize_applies_one_step(optimizer, expected):
    opt = optimizer()
    start = 1.0 if expected is not None else 10.0
    var = K.variable(start)
    step_count = opt.minimize(lambda: (var ** 2) / 2.0, [var]).numpy()
    assert int(step_count) == 1
    value = float(K.get_value(var))
    if isinstance(opt, optimizers.SGD):
        assert value == pytest.approx(0.9)
    elif isinstance(opt, optimizers.RMSprop):
        assert value == pytest.approx(9.683772, abs=1e-5)
    else:
        assert value == pytest.approx(9.9, abs=1e-5)


def test_minimize_accepts_a_loss_tensor():
    opt = optimizers.SGD(lr=0.5)
    var = K.variable([1.0, -2.0])
    opt.minimize(K.sum(K.square(var)), [var])
    np.testing.assert_allclose(K.get_value(var), [0.0, 0.0])


def test_apply_gradients_keeps_state_between_calls():
    """Momentum persists: two steps of SGD(momentum=0.9) from gradient 1."""
    opt = optimizers.SGD(lr=0.1, momentum=0.9)
    var = K.variable([1.0, 2.0])
    for _ in range(2):
        opt.apply_gradients(zip([np.ones(2)], [var]))
    # v1 = -0.1, v2 = 0.9 * -0.1 - 0.1 = -0.19: w = w0 - 0.29
    np.testing.assert_allclose(K.get_value(var), [0.71, 1.71], rtol=1e-6)
    assert int(K.get_value(opt.iterations)) == 2


def test_apply_gradients_of_symbolic_gradients_with_clipping_and_constraint():
    opt = optimizers.SGD(lr=1.0, clipvalue=0.5)
    var = K.variable([3.0, -3.0], constraint=lambda w: K.clip(w, -2.8, 2.8))
    grads = K.gradients(K.sum(K.square(var)), [var])
    opt.apply_gradients(zip(grads, [var]))
    np.testing.assert_allclose(K.get_value(var), [2.5, -2.5])
    opt.apply_gradients([(np.array([-1.0, 1.0]), var)])
    np.testing.assert_allclose(K.get_value(var), [2.8, -2.8])


def test_apply_gradients_rejects_bad_input():
    opt = optimizers.SGD()
    var = K.variable([1.0, 2.0])
    with pytest.raises(ValueError, match='shape'):
        opt.apply_gradients([(np.ones(3), var)])
    with pytest.raises(ValueError, match='not a variable'):
        opt.apply_gradients([(np.ones(2), K.constant([1.0, 2.0]))])
    with pytest.raises(ValueError, match='no \\(gradient, variable\\) pairs'):
        opt.apply_gradients([])
