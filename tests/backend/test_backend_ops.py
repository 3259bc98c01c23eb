"""Forward values, static shapes and numeric gradients of the K math, shape and nn ops."""
import numpy as np
import pytest

from minikeras import backend as K
from op_check import check_op

rng = np.random.RandomState(42)


def r(*shape, low=-1.0, high=1.0):
    return rng.uniform(low, high, shape)


def pos(*shape):
    return rng.uniform(0.5, 2.0, shape)


UNARY = [
    ('square', K.square, np.square, r(3, 4)),
    ('abs', K.abs, np.abs, r(3, 4)),
    ('sqrt', K.sqrt, np.sqrt, pos(3, 4)),
    ('exp', K.exp, np.exp, r(3, 4)),
    ('log', K.log, np.log, pos(3, 4)),
    ('sin', K.sin, np.sin, r(3, 4)),
    ('cos', K.cos, np.cos, r(3, 4)),
    ('tanh', K.tanh, np.tanh, r(3, 4)),
    ('sigmoid', K.sigmoid, lambda x: 1 / (1 + np.exp(-x)), r(3, 4, low=-5, high=5)),
    ('hard_sigmoid', K.hard_sigmoid, lambda x: np.clip(0.2 * x + 0.5, 0, 1), r(3, 4, low=-1.5, high=1.5)),
    ('softplus', K.softplus, lambda x: np.log1p(np.exp(x)), r(3, 4)),
    ('softsign', K.softsign, lambda x: x / (1 + np.abs(x)), r(3, 4)),
    ('relu', K.relu, lambda x: np.maximum(x, 0), r(3, 4)),
    ('relu_alpha', lambda x: K.relu(x, alpha=0.1), lambda x: np.where(x > 0, x, 0.1 * x), r(3, 4)),
    ('relu_max', lambda x: K.relu(x, max_value=0.5), lambda x: np.clip(x, 0, 0.5), r(3, 4)),
    ('relu_threshold', lambda x: K.relu(x, alpha=0.2, threshold=0.3),
     lambda x: np.where(x > 0.3, x, 0.2 * (x - 0.3)), r(3, 4)),
    ('elu', lambda x: K.elu(x, 0.7), lambda x: np.where(x > 0, x, 0.7 * (np.exp(x) - 1)), r(3, 4)),
    ('neg', lambda x: -x, np.negative, r(3, 4)),
    ('pow', lambda x: K.pow(x, 3), lambda x: x ** 3, r(3, 4)),
    ('clip', lambda x: K.clip(x, -0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5), r(3, 4)),
    ('softmax', K.softmax, lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True), r(3, 4)),
    ('softmax_axis0', lambda x: K.softmax(x, axis=0), lambda x: np.exp(x) / np.exp(x).sum(0, keepdims=True),
     r(3, 4)),
    ('l2_normalize', lambda x: K.l2_normalize(x, axis=-1),
     lambda x: x / np.sqrt((x ** 2).sum(-1, keepdims=True)), r(3, 4)),
    ('logsumexp', lambda x: K.logsumexp(x, axis=1), lambda x: np.log(np.exp(x).sum(1)), r(3, 4)),
    ('sum', lambda x: K.sum(x, axis=1), lambda x: x.sum(1), r(3, 4)),
    ('sum_keepdims', lambda x: K.sum(x, axis=[0, 2], keepdims=True), lambda x: x.sum((0, 2), keepdims=True),
     r(2, 3, 4)),
    ('mean', lambda x: K.mean(x, axis=-1), lambda x: x.mean(-1), r(3, 4)),
    ('mean_all', K.mean, np.mean, r(3, 4)),
    ('max', lambda x: K.max(x, axis=0), lambda x: x.max(0), r(3, 4)),
    ('min', lambda x: K.min(x, axis=1, keepdims=True), lambda x: x.min(1, keepdims=True), r(3, 4)),
    ('prod', lambda x: K.prod(x, axis=1), lambda x: x.prod(1), pos(3, 4)),
    ('var', lambda x: K.var(x, axis=1), lambda x: x.var(1), r(3, 4)),
    ('std', lambda x: K.std(x, axis=0), lambda x: x.std(0), r(3, 4)),
    ('cumsum', lambda x: K.cumsum(x, axis=1), lambda x: np.cumsum(x, 1), r(3, 4)),
    ('cumprod', lambda x: K.cumprod(x, axis=0), lambda x: np.cumprod(x, 0), pos(3, 4)),
    ('transpose', K.transpose, np.transpose, r(3, 4)),
    ('reshape', lambda x: K.reshape(x, (2, 6)), lambda x: x.reshape(2, 6), r(3, 4)),
    ('reshape_minus1', lambda x: K.reshape(x, (-1, 2)), lambda x: x.reshape(-1, 2), r(3, 4)),
    ('permute', lambda x: K.permute_dimensions(x, (2, 0, 1)), lambda x: x.transpose(2, 0, 1), r(2, 3, 4)),
    ('repeat', lambda x: K.repeat(x, 3), lambda x: np.repeat(x[:, None], 3, 1), r(2, 4)),
    ('repeat_elements', lambda x: K.repeat_elements(x, 2, axis=1), lambda x: np.repeat(x, 2, 1), r(2, 3)),
    ('tile', lambda x: K.tile(x, (2, 3)), lambda x: np.tile(x, (2, 3)), r(2, 3)),
    ('flatten', K.flatten, lambda x: x.reshape(-1), r(2, 3)),
    ('batch_flatten', K.batch_flatten, lambda x: x.reshape(2, -1), r(2, 3, 4)),
    ('expand_dims', lambda x: K.expand_dims(x, 1), lambda x: x[:, None], r(2, 3)),
    ('squeeze', lambda x: K.squeeze(x, 1), lambda x: x[:, 0], r(2, 1, 3)),
    ('reverse', lambda x: K.reverse(x, 1), lambda x: x[:, ::-1], r(2, 3)),
    ('slice', lambda x: K.slice(x, (0, 1), (2, 2)), lambda x: x[0:2, 1:3], r(3, 4)),
    ('getitem', lambda x: x[:, 1:3, None], lambda x: x[:, 1:3, None], r(3, 4)),
    ('getitem_int', lambda x: x[..., -1], lambda x: x[..., -1], r(3, 4)),
    ('temporal_padding', lambda x: K.temporal_padding(x, (1, 2)),
     lambda x: np.pad(x, ((0, 0), (1, 2), (0, 0))), r(2, 3, 2)),
    ('spatial_2d_padding', lambda x: K.spatial_2d_padding(x, ((1, 0), (0, 2))),
     lambda x: np.pad(x, ((0, 0), (1, 0), (0, 2), (0, 0))), r(1, 2, 2, 2)),
    ('spatial_3d_padding_cf', lambda x: K.spatial_3d_padding(x, ((1, 0), (0, 1), (1, 1)), 'channels_first'),
     lambda x: np.pad(x, ((0, 0), (0, 0), (1, 0), (0, 1), (1, 1))), r(1, 2, 2, 2, 1)),
    ('stop_gradient_value', lambda x: K.stop_gradient(x) * 1.0, lambda x: x, r(2, 2)),
]


@pytest.mark.parametrize('name,build,reference,x', UNARY, ids=[u[0] for u in UNARY])
def test_unary_op(name, build, reference, x):
    grad_wrt = [] if name == 'stop_gradient_value' else None
    check_op(build, [x], reference, grad_wrt=grad_wrt)


BINARY = [
    ('add_broadcast', lambda x, y: x + y, np.add, r(3, 4), r(4)),
    ('sub', lambda x, y: x - y, np.subtract, r(3, 4), r(3, 1)),
    ('mul', lambda x, y: x * y, np.multiply, r(3, 4), r(1, 4)),
    ('div', lambda x, y: x / y, np.divide, r(3, 4), pos(4)),
    ('pow_tensor', lambda x, y: x ** y, np.power, pos(3, 4), r(3, 4)),
    ('maximum', K.maximum, np.maximum, r(3, 4), r(3, 4)),
    ('minimum', K.minimum, np.minimum, r(3, 4), r(4)),
    ('dot', K.dot, np.dot, r(3, 4), r(4, 5)),
    ('dot_3d', K.dot, np.dot, r(2, 3, 4), r(4, 5)),
    ('dot_3d_3d', K.dot, np.dot, r(2, 3, 4), r(3, 4, 2)),
    ('matmul_operator', lambda x, y: x @ y, np.matmul, r(2, 3, 4), r(2, 4, 5)),
    ('batch_dot_3d', lambda x, y: K.batch_dot(x, y, axes=(2, 1)), lambda x, y: np.einsum('bij,bjk->bik', x, y),
     r(2, 3, 4), r(2, 4, 5)),
    ('batch_dot_2d', lambda x, y: K.batch_dot(x, y, axes=1), lambda x, y: (x * y).sum(1, keepdims=True),
     r(3, 4), r(3, 4)),
    ('batch_dot_axes_2_2', lambda x, y: K.batch_dot(x, y, axes=[2, 2]),
     lambda x, y: np.einsum('bij,bkj->bik', x, y), r(2, 3, 4), r(2, 5, 4)),
    ('concatenate', lambda x, y: K.concatenate([x, y], axis=-1), lambda x, y: np.concatenate([x, y], -1),
     r(2, 3), r(2, 2)),
    ('concatenate_axis0', lambda x, y: K.concatenate([x, y], axis=0), lambda x, y: np.concatenate([x, y], 0),
     r(2, 3), r(1, 3)),
    ('stack', lambda x, y: K.stack([x, y], axis=1), lambda x, y: np.stack([x, y], 1), r(2, 3), r(2, 3)),
    ('switch', lambda x, y: K.switch(K.greater(x, 0), x, y), lambda x, y: np.where(x > 0, x, y),
     r(3, 4), r(3, 4)),
    ('categorical_crossentropy', lambda t, o: K.categorical_crossentropy(t, o),
     lambda t, o: -(t * np.log(np.clip(o / o.sum(-1, keepdims=True), 1e-7, 1 - 1e-7))).sum(-1),
     np.eye(4)[[0, 2, 1]], rng.uniform(0.1, 1, (3, 4))),
    ('categorical_crossentropy_logits', lambda t, o: K.categorical_crossentropy(t, o, from_logits=True),
     lambda t, o: -(t * (o - np.log(np.exp(o).sum(-1, keepdims=True)))).sum(-1), np.eye(4)[[0, 2, 1]], r(3, 4)),
    ('binary_crossentropy', K.binary_crossentropy,
     lambda t, o: -(t * np.log(o) + (1 - t) * np.log(1 - o)), rng.randint(0, 2, (3, 4)).astype('float64'),
     rng.uniform(0.1, 0.9, (3, 4))),
    ('binary_crossentropy_logits', lambda t, o: K.binary_crossentropy(t, o, from_logits=True),
     lambda t, o: -(t * np.log(1 / (1 + np.exp(-o))) + (1 - t) * np.log(1 - 1 / (1 + np.exp(-o)))),
     rng.randint(0, 2, (3, 4)).astype('float64'), r(3, 4, low=-3, high=3)),
    ('bias_add', K.bias_add, np.add, r(2, 3, 4), r(4)),
    ('bias_add_cf', lambda x, b: K.bias_add(x, b, data_format='channels_first'),
     lambda x, b: x + b[None, :, None], r(2, 3, 4), r(3)),
]


@pytest.mark.parametrize('name,build,reference,x,y', BINARY, ids=[b[0] for b in BINARY])
def test_binary_op(name, build, reference, x, y):
    grad_wrt = [1] if 'crossentropy' in name else None
    check_op(build, [x, y], reference, grad_wrt=grad_wrt)


def test_gather_and_its_gradient():
    table = r(5, 3)
    idx = np.array([[0, 4], [4, 1]], dtype='int32')
    check_op(lambda t, i: K.gather(t, i), [table, idx], lambda t, i: t[i], grad_wrt=[0])


def test_gather_gradient_rows_are_the_nonzero_rows_of_the_dense_gradient():
    table = K.variable(r(6, 3))
    idx = K.placeholder(shape=(2, 3), dtype='int32')
    up = K.placeholder(shape=(2, 3, 3))
    dense = K.gradients(K.sum(K.gather(table, idx) * up), [table])[0]
    rows, values = K.gather_gradient_rows(dense)
    f = K.function([idx, up], [dense, rows, values])
    indices = np.array([[4, 0, 4], [1, 4, 0]], dtype='int32')
    g = r(2, 3, 3).astype('float32')
    d, i, v = f([indices, g])
    np.testing.assert_array_equal(i, [0, 1, 4])
    np.testing.assert_array_equal(v, d[[0, 1, 4]])          # bit for bit, repeated rows summed in order
    assert not np.any(np.delete(d, [0, 1, 4], axis=0))
    assert K.gather_gradient_rows(dense * 2.0) is None       # a scaled copy is not a gather's gradient
    assert K.gather_gradient_rows(K.variable(r(6, 3))) is None


def test_scatter_add_rows_and_its_shape_errors():
    x = r(4, 2)
    out = K.eval(K.scatter_add_rows(K.constant(x), K.constant([3, 1], dtype='int32'), K.constant([[1., 2.], [3., 4.]])))
    expected = x.copy()
    expected[3] += [1., 2.]
    expected[1] += [3., 4.]
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    unsorted = K.eval(K.scatter_add_rows(K.constant(x), K.constant([3, 1, 3], dtype='int32'),
                                         K.constant([[1., 2.], [3., 4.], [5., 6.]])))
    expected[3] += [5., 6.]
    np.testing.assert_allclose(unsorted, expected, rtol=1e-6)  # a repeated index adds every row
    with pytest.raises(ValueError, match=r'ScatterAddRows: rows of shape \(2, 3\) do not fit 2 indices into a '
                                         r'tensor of shape \(4, 2\) \(expected \(2, 2\)\)'):
        K.scatter_add_rows(K.constant(x), K.constant([3, 1], dtype='int32'), K.constant(np.ones((2, 3))))
    with pytest.raises(TypeError, match='ScatterAddRows: indices must be a 1-D integer tensor, got dtype float32'):
        K.scatter_add_rows(K.constant(x), K.constant([3., 1.]), K.constant(np.ones((2, 2))))


def test_sparse_categorical_crossentropy_matches_dense():
    probs = rng.uniform(0.1, 1, (4, 3))
    probs /= probs.sum(-1, keepdims=True)
    labels = np.array([0, 2, 1, 1])
    check_op(lambda t, o: K.sparse_categorical_crossentropy(t, o), [labels.astype('int64'), probs],
             lambda t, o: -np.log(o[np.arange(4), t]), grad_wrt=[1])
    check_op(lambda t, o: K.sparse_categorical_crossentropy(t, o, from_logits=True),
             [labels[:, None].astype('float64'), r(4, 3)],
             lambda t, o: -(o - np.log(np.exp(o).sum(-1, keepdims=True)))[np.arange(4), t[:, 0].astype(int)],
             grad_wrt=[1])



def test_sparse_categorical_crossentropy_channels_first_labels():
    """Labels (batch, 1, h, w) against a class axis 1 output (batch, c, h, w): the
    unit axis is not the last one, and the labels placeholder has unknown dims."""
    logits = r(2, 4, 3, 3)
    labels = rng.randint(0, 4, (2, 1, 3, 3))
    target = K.placeholder(ndim=4, dtype='int64')
    output = K.placeholder(shape=(None, 4, 3, 3))
    loss = K.sparse_categorical_crossentropy(target, output, from_logits=True, axis=1)
    assert K.int_shape(loss) == (None, 3, 3)
    log_probs = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    expected = -np.take_along_axis(log_probs, labels, axis=1)[:, 0]
    value = K.function([target, output], [loss])([labels, logits])[0]
    np.testing.assert_allclose(value, expected, rtol=1e-5, atol=1e-6)

def test_batch_normalization_functions():
    x = r(6, 3)
    gamma, beta = pos(3), r(3)
    normed, mean, var = K.normalize_batch_in_training(K.constant(x), K.constant(gamma), K.constant(beta), [0],
                                                      epsilon=1e-3)
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3) * gamma + beta
    np.testing.assert_allclose(K.eval(normed), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(K.eval(mean), x.mean(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(K.eval(var), x.var(0), rtol=1e-5, atol=1e-6)
    check_op(lambda x, m, v, b, g: K.batch_normalization(x, m, v, b, g, epsilon=1e-3),
             [x, r(3), pos(3), beta, gamma],
             lambda x, m, v, b, g: (x - m) / np.sqrt(v + 1e-3) * g + b)
    check_op(lambda x, g, b: K.normalize_batch_in_training(x, g, b, [0, 2, 3])[0],
             [r(2, 3, 2, 2), pos(3), r(3)],
             lambda x, g, b: ((x - x.mean((0, 2, 3), keepdims=True)) / np.sqrt(x.var((0, 2, 3), keepdims=True)
                                                                                 + 1e-3)) * g[:, None, None]
             + b[:, None, None])


def test_nondifferentiable_ops_values():
    x = np.array([[0.5, -1.5, 2.5], [3.0, 0.0, -0.2]])
    assert K.eval(K.round(K.constant(x))).tolist() == np.round(x).tolist()
    assert K.eval(K.sign(K.constant(x))).tolist() == np.sign(x).tolist()
    assert K.eval(K.argmax(K.constant(x))).tolist() == [2, 0]
    assert K.eval(K.argmin(K.constant(x), axis=0)).tolist() == [0, 0, 1]
    assert K.eval(K.any(K.greater(K.constant(x), 2.9), axis=1)).tolist() == [False, True]
    assert K.eval(K.all(K.less(K.constant(x), 4), axis=1)).tolist() == [True, True]
    assert K.eval(K.equal(K.constant(x), 0.0)).sum() == 1
    assert K.eval(K.not_equal(K.constant(x), 0.0)).sum() == 5
    assert K.eval(K.greater_equal(K.constant(x), 0.0)).sum() == 4
    assert K.eval(K.less_equal(K.constant(x), 0.0)).sum() == 3
    onehot = K.eval(K.one_hot(K.constant(np.array([1, 0]), dtype='int32'), 3))
    assert onehot.tolist() == [[0, 1, 0], [1, 0, 0]]
    assert K.eval(K.arange(2, 8, 2)).tolist() == [2, 4, 6]
    top = K.eval(K.in_top_k(K.constant([[0.1, 0.5, 0.5], [0.9, 0.05, 0.05]]), K.constant([2, 1], dtype='int32'), 1))
    assert top.tolist() == [True, False]


def test_resize_and_shape_helpers():
    x = K.placeholder((None, 3, 4))
    assert K.int_shape(K.shape(x)) == (3,)
    assert K.ndim(x) == 3
    assert K.dtype(x) == 'float32'
    s = K.function([x], [K.shape(x)])([np.zeros((2, 3, 4))])[0]
    assert s.tolist() == [2, 3, 4]
    v = K.variable(np.zeros((2, 5)))
    assert K.count_params(v) == 10
    assert K.int_shape(K.reshape(x, (-1, 12))) == (None, 12)
    y = K.reshape(x, K.shape(x))
    assert K.function([x], [y])([np.ones((2, 3, 4))])[0].shape == (2, 3, 4)
    # A shape mixing ints and run-time dims keeps the ints static.
    z = K.reshape(x, [K.shape(x)[0], 3, 2, 2])
    assert K.int_shape(z) == (None, 3, 2, 2)
    assert K.function([x], [z])([np.ones((5, 3, 4))])[0].shape == (5, 3, 2, 2)


def test_bias_add_with_full_bias_reshapes_for_channels_first_as_keras():
    x = r(2, 3, 4, 5)          # channels_first: 3 channels, 4 x 5
    bias = r(4, 5, 3)          # given (rows, cols, channels), as Keras stores it
    out = K.eval(K.bias_add(K.constant(x), K.constant(bias), data_format='channels_first'))
    np.testing.assert_allclose(out, x + bias.reshape(1, 3, 4, 5), rtol=1e-6, atol=1e-6)
    out_last = K.eval(K.bias_add(K.constant(x), K.constant(r(3, 4, 5)), data_format='channels_last'))
    assert out_last.shape == x.shape
    with pytest.raises(ValueError, match='bias dimensions'):
        K.bias_add(K.constant(x), K.constant(r(4, 5)))


def test_flush_denormals_zeroes_only_subnormal_values():
    tiny = np.finfo('float32').tiny
    values = np.array([0.0, tiny / 4, -tiny / 2, tiny, -tiny, 1.5, -3e-30], dtype='float32')
    x = K.placeholder((7,), dtype='float32')
    got = K.function([x], [K.flush_denormals(x * 1.0)])([values])[0]
    np.testing.assert_array_equal(got, np.array([0.0, 0.0, 0.0, tiny, -tiny, 1.5, -3e-30], dtype='float32'))


def test_flush_denormals_of_a_nonnegative_tensor():
    tiny = np.finfo('float32').tiny
    values = np.array([0.0, tiny / 4, tiny, 2.5], dtype='float32')
    x = K.placeholder((4,), dtype='float32')
    got = K.function([x], [K.flush_denormals(x * 1.0, nonnegative=True)])([values])[0]
    np.testing.assert_array_equal(got, np.array([0.0, 0.0, tiny, 2.5], dtype='float32'))


def test_flush_denormals_every_nth_step():
    tiny = np.finfo('float32').tiny
    x = K.placeholder((2,), dtype='float32')
    step = K.placeholder((), dtype='int64')
    f = K.function([x, step], [K.flush_denormals(x * 1.0, step=step, every=4)])
    values = np.array([tiny / 4, 1.0], dtype='float32')
    np.testing.assert_array_equal(f([values, 8])[0], np.array([0.0, 1.0], dtype='float32'))
    np.testing.assert_array_equal(f([values, 9])[0], values)
    with pytest.raises(ValueError, match='needs a `step`'):
        K.flush_denormals(x, every=4)
    with pytest.raises(ValueError, match='positive integer'):
        K.flush_denormals(x, step=step, every=0)


@pytest.mark.parametrize('g_shape, x_shape', [((256, 64, 80), (80,)),        # leading axes: through BLAS
                                              ((256, 64, 80), (1, 64, 80)),  # one leading axis
                                              ((256, 64, 80), (256, 1, 80))])  # an inner axis: numpy's sum
def test_unbroadcast_of_large_gradients_sums_the_broadcast_axes(g_shape, x_shape):
    from minikeras.backend.ops import shape as shape_ops
    g = np.random.RandomState(0).rand(*g_shape).astype('float32')
    x = np.zeros(x_shape, 'float32')
    assert g.size >= shape_ops._BLAS_SUM_MIN_SIZE
    result = shape_ops.Unbroadcast().forward(g, x)
    extra = g.ndim - x.ndim
    axes = tuple(range(extra)) + tuple(i + extra for i, d in enumerate(x_shape) if d == 1 and g_shape[i + extra] != 1)
    expected = g.astype('float64').sum(axis=axes, keepdims=True).reshape(x_shape)
    assert result.shape == x_shape and result.dtype == np.float32
    np.testing.assert_allclose(result, expected, rtol=2e-6)
