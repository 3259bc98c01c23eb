"""Ops whose output shape depends on run-time values: they work when static dims
are unknown, keep the static dims that are known, and have correct gradients.
Also: `K` functions accept numpy arrays, Python numbers and lists of tensors."""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras import losses
from op_check import check_op

rng = np.random.RandomState(7)


def r(*shape):
    return rng.uniform(-1.0, 1.0, shape)


# batch_dot / dot -----------------------------------------------------------------------
def test_batch_dot_unknown_dims():
    x, y = r(2, 3, 4), r(2, 4, 5)
    out = check_op(lambda a, b: K.batch_dot(a, b, axes=(2, 1)), [x, y], lambda a, b: np.matmul(a, b),
                   shapes=[(None, None, 4), (None, 4, None)])
    assert out.shape == (2, 3, 5)
    a, b = K.placeholder((None, None, 4)), K.placeholder((None, 4, None))
    assert K.int_shape(K.batch_dot(a, b, axes=(2, 1))) == (None, None, None)


@pytest.mark.parametrize('x_shape,y_shape,axes,reference', [
    ((2, 3, 4), (2, 5, 4), (2, 2), lambda a, b: np.einsum('bik,bjk->bij', a, b)),
    ((2, 4, 3), (2, 4, 5), (1, 1), lambda a, b: np.einsum('bki,bkj->bij', a, b)),
    ((2, 6, 3, 4), (2, 6, 5, 4), (3, 3), lambda a, b: np.einsum('bhik,bhjk->bhij', a, b)),
    ((2, 4), (2, 4, 5), (1, 1), lambda a, b: np.einsum('bk,bkl->bl', a, b)),
    ((2, 3, 4), (2, 4), (2, 1), lambda a, b: np.einsum('bik,bk->bi', a, b)),
    ((2, 4), (2, 4), 1, lambda a, b: (a * b).sum(1, keepdims=True)),
    # the capsule routing of Keras 2.2.4's cifar10_cnn_capsule example
    ((2, 10, 6), (2, 10, 6, 16), (2, 2), lambda a, b: np.einsum('bcn,bcnd->bcd', a, b)),
    ((2, 10, 16), (2, 10, 6, 16), (2, 3), lambda a, b: np.einsum('bcd,bcnd->bcn', a, b)),
])
def test_batch_dot_keras22_semantics_with_unknown_dims(x_shape, y_shape, axes, reference):
    """Keras 2.2.4 (TensorFlow) batch_dot: leading axes are shared batch axes."""
    out = check_op(lambda a, b: K.batch_dot(a, b, axes=axes), [r(*x_shape), r(*y_shape)], reference,
                   shapes=[(None,) * len(x_shape), (None,) * len(y_shape)])
    assert out.shape == reference(np.zeros(x_shape), np.zeros(y_shape)).shape


def test_batch_dot_keeps_known_dims():
    a, b = K.placeholder((None, 10, None)), K.placeholder((None, 10, None, 16))
    assert K.int_shape(K.batch_dot(a, b, axes=(2, 2))) == (None, 10, 16)
    assert K.int_shape(K.batch_dot(K.placeholder((None, 3, 4)), K.placeholder((None, 4)), axes=(2, 1))) == (None, 3)


def test_dot_rank3_keeps_static_dims():
    x, w = r(2, 3, 32), r(32, 16)
    assert K.int_shape(K.dot(K.placeholder((None, None, 32)), K.variable(w))) == (None, None, 16)
    check_op(lambda a, b: K.dot(a, b), [x, w], lambda a, b: np.dot(a, b),
             shapes=[(None, None, 32), (32, 16)])


def test_dot_unknown_inner_dims():
    x, y = r(2, 3, 4), r(3, 4, 5)
    check_op(lambda a, b: K.dot(a, b), [x, y], lambda a, b: np.dot(a, b),
             shapes=[(None, None, None), (None, None, None)])


# reshape / tile / repeat / slicing -----------------------------------------------------
def test_reshape_with_shape_derived_dims():
    x = r(2, 6, 4)
    check_op(lambda a: K.reshape(a, (K.shape(a)[0], -1, 3, 4)), [x], lambda a: a.reshape(2, -1, 3, 4),
             shapes=[(None, None, 4)])
    a = K.placeholder((None, None, 12))
    assert K.int_shape(K.reshape(a, (K.shape(a)[0], K.shape(a)[1], 3, 4))) == (None, None, 3, 4)
    b = K.placeholder((None, 6, 4))
    assert K.int_shape(K.reshape(b, (K.shape(b)[0], K.shape(b)[1] // 2, 8))) == (None, 3, 8)


def test_arange_of_runtime_length():
    x = K.placeholder((None, None, 3))
    idx = K.arange(0, K.shape(x)[1])
    assert K.int_shape(idx) == (None,)
    value = K.function([x], [idx])([np.zeros((2, 5, 3))])[0]
    np.testing.assert_array_equal(value, np.arange(5))
    assert value.dtype == np.int32
    assert K.int_shape(K.arange(1, K.shape(K.placeholder((None, 7)))[1], 2)) == (3,)


def test_tile_with_runtime_repetitions():
    t = r(1, 3)
    out = check_op(lambda a, b: K.tile(b, [K.shape(a)[0], 1]), [r(4, 2), t], lambda a, b: np.tile(b, (4, 1)),
                   shapes=[(None, 2), (1, 3)])
    assert out.shape == (4, 3)
    assert K.int_shape(K.tile(K.variable(t), [K.shape(K.placeholder((None, 2)))[0], 2])) == (None, 6)


def test_repeat_elements_unknown_axis_and_tensor_rep():
    x = r(2, 3, 2)
    check_op(lambda a: K.repeat_elements(a, 3, axis=1), [x], lambda a: np.repeat(a, 3, axis=1),
             shapes=[(None, None, 2)])
    check_op(lambda a, b: K.repeat_elements(a, K.shape(b)[0], axis=2), [x, r(4)],
             lambda a, b: np.repeat(a, 4, axis=2), shapes=[(None, None, 2), (None,)], grad_wrt=[0])


def test_slice_with_symbolic_bounds():
    w, x = r(10, 3), r(2, 4, 3)
    out = check_op(lambda a, b: a[:K.shape(b)[1], :], [w, x], lambda a, b: a[:4, :],
                   shapes=[(10, 3), (None, None, 3)], grad_wrt=[0])
    assert out.shape == (4, 3)
    assert K.int_shape(K.variable(w)[:K.shape(K.placeholder((None, None, 3)))[1], :]) == (None, 3)
    # a bound known statically keeps the dim
    assert K.int_shape(K.variable(w)[:K.shape(K.placeholder((None, 5, 3)))[1]]) == (5, 3)
    check_op(lambda a, b: a[K.shape(b)[1] - 1], [w, x], lambda a, b: a[3], shapes=[(10, 3), (None, None, 3)],
             grad_wrt=[0])


def test_floordiv_and_mod_on_tensors():
    x = K.placeholder((None, None))
    n = K.shape(x)[1]
    f = K.function([x], [n // 2, n % 3, 7 // n, K.variable([7.0, -7.0]) // 2.0])
    half, rem, rfloor, fl = f([np.zeros((1, 5))])
    assert int(half) == 2 and int(rem) == 2 and int(rfloor) == 1
    np.testing.assert_array_equal(fl, [3.0, -4.0])
    x, y = r(3, 4) * 5, rng.uniform(1.0, 2.0, (3, 4))
    check_op(lambda a, b: a % b, [x, y], np.mod)


# relu, random, zeros/ones --------------------------------------------------------------
def test_relu_with_tensor_alpha_and_max_value():
    x = np.array([-2.0, -0.5, 0.5, 3.0])
    alpha, max_value = K.variable(0.1, dtype='float64'), K.variable(1.5, dtype='float64')
    check_op(lambda a: K.relu(a, alpha=alpha, max_value=max_value), [x],
             lambda a: np.where(a > 0, np.minimum(a, 1.5), 0.1 * a))


def test_known_static_dims_survive():
    x = K.placeholder((None, 5))
    assert K.int_shape(K.random_normal((K.shape(x)[0], 2))) == (None, 2)
    assert K.int_shape(K.random_uniform((K.shape(x)[0], K.shape(x)[1]))) == (None, 5)
    zeros, ones = K.zeros((K.shape(x)[0], 2)), K.ones((K.shape(x)[0], 3), dtype='int32')
    assert K.int_shape(zeros) == (None, 2) and K.int_shape(ones) == (None, 3)
    z, o = K.function([x], [zeros, ones])([np.zeros((4, 5))])
    np.testing.assert_array_equal(z, np.zeros((4, 2)))
    np.testing.assert_array_equal(o, np.ones((4, 3), 'int32'))
    assert K.is_variable(K.zeros((2, 3)))


def test_ndim_is_the_real_rank():
    x = K.placeholder((None, 3))
    x._keras_shape = (None, 3, 1)  # a layer declaring another rank does not change the tensor's
    assert K.ndim(x) == 2


# non-tensor arguments ------------------------------------------------------------------
def test_backend_functions_accept_arrays_numbers_and_lists():
    np.testing.assert_allclose(K.eval(K.abs(np.array([-1.0, 2.0]))), [1.0, 2.0])
    assert float(K.eval(K.square(0.))) == 0.0
    a, b = K.variable([1.0, 2.0]), K.variable([3.0])
    assert float(K.eval(K.sum([K.sum(a), K.sum(b)]))) == 6.0
    t = K.variable(2.0)
    np.testing.assert_allclose(K.eval(K.pow(K.cast_to_floatx(0.96), t)), 0.96 ** 2, rtol=1e-6)
    assert float(K.eval(K.mean([K.variable(1.0), K.variable(2.0)]))) == 1.5
    np.testing.assert_allclose(K.eval(K.exp(np.zeros(2))), [1.0, 1.0])
    assert K.dtype(K.square(0.)) == K.floatx()
    np.testing.assert_array_equal(K.eval(np.array([1.0, 2.0])), [1.0, 2.0])
    np.testing.assert_allclose(K.eval(K.softmax([[0.0, 0.0]])), [[0.5, 0.5]])
    assert K.int_shape(K.expand_dims([1.0, 2.0])) == (2, 1)
    np.testing.assert_array_equal(K.eval(K.reverse([1.0, 2.0], 0)), [2.0, 1.0])


def test_losses_accept_numpy_arrays():
    y_true, y_pred = np.array([[1.0, 2.0]]), np.array([[1.0, 3.0]])
    np.testing.assert_allclose(K.eval(losses.mse(y_true, y_pred)), [0.5])
    np.testing.assert_allclose(K.eval(losses.categorical_crossentropy(np.array([[0.0, 1.0]]),
                                                                        np.array([[0.3, 0.7]]))),
                               [-np.log(0.7)], rtol=1e-6)


def test_tensor_eval_and_numpy():
    """TensorFlow 1's `Tensor.eval()` (with an optional feed_dict) and tf.keras's `.numpy()`."""
    t = K.constant([1.0, 2.0]) * 2.0
    np.testing.assert_allclose(t.eval(), [2.0, 4.0])
    np.testing.assert_allclose(t.numpy(), [2.0, 4.0])
    x = K.placeholder((None,))
    np.testing.assert_allclose((x + 1.0).eval(feed_dict={x: np.array([1.0])}), [2.0])


def test_ndim_of_a_lambda_output_ignores_its_declared_shape():
    from minikeras.layers import Input, Lambda
    x = Input((4, 3))
    y = Lambda(lambda t: t[:, 0], output_shape=(3, 1))(x)  # declares a rank the tensor does not have
    assert K.int_shape(y) == (None, 3, 1) and K.ndim(y) == 2


def test_static_shape_has_tensorflow1_accessors():
    x = K.placeholder((None, 3))
    assert x.get_shape().as_list() == [None, 3] and x.shape.ndims == 2
    assert x.shape == (None, 3)


def test_slice_with_tensor_start_and_size():
    x = r(3, 5, 4)
    check_op(lambda a: K.slice(a, [0, K.shape(a)[1] - 3, 1], [-1, 2, K.shape(a)[2] - 2]), [x],
             lambda a: a[:, 2:4, 1:3], shapes=[(None, None, None)])
    check_op(lambda a: K.slice(a, (1, 0, 0), (2, -1, 3)), [x], lambda a: a[1:3, :, :3])


@pytest.mark.parametrize('value', [None, 'abc', object()])
def test_non_numeric_arguments_are_rejected_clearly(value):
    with pytest.raises(TypeError, match='Exp: input 0 must be a tensor, a number or a numeric array'):
        K.exp(value)
