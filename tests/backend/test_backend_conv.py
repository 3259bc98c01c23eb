"""Convolution, pooling, locally-connected and resize ops of the backend.

Every op is compared with straightforward float64 reference loops over the
padding/stride/dilation/data-format combinations, gradients are checked by
central differences in float64 (first and second order), and the Keras 2 layer
fixtures are reproduced directly with K ops.
"""
import itertools

import numpy as np
import pytest

from keras2_fixtures import assert_close, load_case
from minikeras import backend as K

RNG = np.random.RandomState(0)


# Reference implementations (float64 loops) -----------------------------------------------------
def ref_pads(n, k, s, d, padding):
    ke = (k - 1) * d + 1
    if padding == 'valid':
        return 0, 0
    if padding == 'causal':
        return ke - 1, 0
    out = -(-n // s)
    total = max((out - 1) * s + ke - n, 0)
    return total // 2, total - total // 2


def ref_conv(x, w, strides, padding, dilation):
    """channels_last N-d convolution by looping over output positions."""
    nd = x.ndim - 2
    ksize = w.shape[:nd]
    pads = [ref_pads(n, k, s, d, padding) for n, k, s, d in zip(x.shape[1:-1], ksize, strides, dilation)]
    xp = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    out = [(n - (k - 1) * d - 1) // s + 1 for n, k, s, d in zip(xp.shape[1:-1], ksize, strides, dilation)]
    y = np.zeros([x.shape[0]] + out + [w.shape[-1]])
    for pos in itertools.product(*[range(o) for o in out]):
        for koff in itertools.product(*[range(k) for k in ksize]):
            idx = tuple(p * s + k * d for p, s, k, d in zip(pos, strides, koff, dilation))
            y[(slice(None),) + pos] += xp[(slice(None),) + idx] @ w[koff]
    return y


def ref_conv_transpose(x, w, out_spatial, strides, padding, dilation):
    """Scatter loop: each input position adds kernel-weighted values to the output."""
    nd = x.ndim - 2
    ksize = w.shape[:nd]
    pads = [ref_pads(n, k, s, d, padding) for n, k, s, d in zip(out_spatial, ksize, strides, dilation)]
    padded = [n + a + b for n, (a, b) in zip(out_spatial, pads)]
    y = np.zeros([x.shape[0]] + padded + [w.shape[-2]])
    for pos in itertools.product(*[range(n) for n in x.shape[1:-1]]):
        for koff in itertools.product(*[range(k) for k in ksize]):
            idx = tuple(p * s + k * d for p, s, k, d in zip(pos, strides, koff, dilation))
            y[(slice(None),) + idx] += x[(slice(None),) + pos] @ w[koff].T
    crop = tuple(slice(a, a + n) for n, (a, _) in zip(out_spatial, pads))
    return y[(slice(None),) + crop]


def ref_depthwise(x, w, strides, padding, dilation):
    c, m = w.shape[-2:]
    outs = [ref_conv(x[..., i:i + 1], w[..., i:i + 1, :], strides, padding, dilation) for i in range(c)]
    return np.concatenate(outs, axis=-1)  # channel i * m + j


def ref_pool(x, pool, strides, padding, mode):
    pads = [ref_pads(n, p, s, 1, padding) for n, p, s in zip(x.shape[1:-1], pool, strides)]
    out = [(n + a + b - p) // s + 1 for n, (a, b), p, s in zip(x.shape[1:-1], pads, pool, strides)]
    y = np.zeros([x.shape[0]] + out + [x.shape[-1]])
    for pos in itertools.product(*[range(o) for o in out]):
        window = tuple(slice(max(p * s - a, 0), min(p * s - a + k, n))
                       for p, s, (a, _), k, n in zip(pos, strides, pads, pool, x.shape[1:-1]))
        values = x[(slice(None),) + window].reshape(x.shape[0], -1, x.shape[-1])
        y[(slice(None),) + pos] = values.max(axis=1) if mode == 'max' else values.mean(axis=1)
    return y


def to_first(a):
    return np.moveaxis(a, -1, 1)


def to_last(a):
    return np.moveaxis(a, 1, -1)


def run(outputs, inputs, values):
    return K.function(inputs, outputs)(values)


def const(value):
    """A constant keeping the array's dtype (K.constant would cast to floatx)."""
    value = np.asarray(value)
    return K.constant(value, dtype=str(value.dtype))


def ph(value):
    return K.placeholder(value.shape, dtype=str(value.dtype))


# Forward comparisons against the loops ------------------------------------------------------------
CONV_CASES = [
    # nd, input spatial, kernel, strides, padding, dilation
    (1, (9,), (3,), (1,), 'valid', (1,)),
    (1, (9,), (3,), (2,), 'same', (1,)),
    (1, (8,), (2,), (1,), 'causal', (2,)),
    (1, (10,), (3,), (3,), 'causal', (1,)),
    (2, (7, 6), (3, 2), (1, 1), 'valid', (1, 1)),
    (2, (7, 6), (3, 3), (2, 2), 'same', (1, 1)),
    (2, (8, 7), (3, 2), (2, 3), 'valid', (1, 1)),
    (2, (9, 8), (3, 3), (1, 1), 'same', (2, 2)),
    (2, (9, 8), (2, 3), (1, 1), 'valid', (2, 1)),
    (2, (6, 6), (4, 4), (3, 3), 'same', (1, 1)),
    (3, (5, 4, 5), (2, 3, 2), (1, 1, 1), 'valid', (1, 1, 1)),
    (3, (5, 4, 5), (3, 3, 3), (2, 2, 2), 'same', (1, 1, 1)),
    (3, (6, 5, 5), (2, 2, 2), (1, 1, 1), 'same', (2, 1, 2)),
]


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
@pytest.mark.parametrize('nd,spatial,ksize,strides,padding,dilation', CONV_CASES)
def test_conv_matches_reference(nd, spatial, ksize, strides, padding, dilation, data_format):
    x = RNG.randn(2, *spatial, 3)
    w = RNG.randn(*ksize, 3, 4)
    expected = ref_conv(x, w, strides, padding, dilation)
    xin = to_first(x) if data_format == 'channels_first' else x
    fn = {1: K.conv1d, 2: K.conv2d, 3: K.conv3d}[nd]
    xt = ph(xin.astype('float32'))
    s = strides[0] if nd == 1 else strides
    d = dilation[0] if nd == 1 else dilation
    y = fn(xt, K.constant(w, dtype='float32'), strides=s, padding=padding, data_format=data_format, dilation_rate=d)
    got = run([y], [xt], [xin.astype('float32')])[0]
    if data_format == 'channels_first':
        got = to_last(got)
    assert K.int_shape(y)[1:] == (got.shape[1:] if data_format == 'channels_last' else to_first(got).shape[1:])
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
@pytest.mark.parametrize('strides,padding,dilation,multiplier', [
    ((1, 1), 'valid', (1, 1), 2), ((2, 2), 'same', (1, 1), 1), ((1, 2), 'same', (2, 1), 3)])
def test_depthwise_and_separable_match_reference(strides, padding, dilation, multiplier, data_format):
    x = RNG.randn(2, 7, 6, 3)
    dw = RNG.randn(3, 2, 3, multiplier)
    pw = RNG.randn(1, 1, 3 * multiplier, 4)
    depth = ref_depthwise(x, dw, strides, padding, dilation)
    sep = ref_conv(depth, pw, (1, 1), 'valid', (1, 1))
    xin = to_first(x) if data_format == 'channels_first' else x
    xt = ph(xin)
    y1 = K.depthwise_conv2d(xt, const(dw), strides, padding, data_format, dilation)
    y2 = K.separable_conv2d(xt, const(dw), const(pw), strides, padding, data_format, dilation)
    got1, got2 = run([y1, y2], [xt], [xin])
    if data_format == 'channels_first':
        got1, got2 = to_last(got1), to_last(got2)
    np.testing.assert_allclose(got1, depth, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(got2, sep, rtol=1e-10, atol=1e-10)


def test_separable_conv1d_matches_reference():
    x = RNG.randn(2, 9, 3)
    dw = RNG.randn(3, 3, 2)
    pw = RNG.randn(1, 6, 5)
    expected = ref_conv(ref_depthwise(x, dw, (2,), 'same', (1,)), pw, (1,), 'valid', (1,))
    xt = ph(x)
    y = K.separable_conv1d(xt, const(dw), const(pw), strides=2, padding='same',
                           data_format='channels_last')
    np.testing.assert_allclose(run([y], [xt], [x])[0], expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
@pytest.mark.parametrize('nd,in_spatial,out_spatial,ksize,strides,padding,dilation', [
    (2, (3, 4), (7, 9), (3, 3), (2, 2), 'valid', (1, 1)),
    (2, (3, 4), (8, 10), (3, 3), (2, 2), 'valid', (1, 1)),  # output_padding 1
    (2, (3, 3), (6, 6), (3, 3), (2, 2), 'same', (1, 1)),
    (2, (4, 3), (8, 6), (3, 2), (1, 1), 'valid', (2, 3)),
    (3, (2, 3, 2), (4, 6, 4), (2, 2, 2), (2, 2, 2), 'valid', (1, 1, 1)),
    (3, (2, 2, 3), (4, 4, 6), (3, 3, 3), (2, 2, 2), 'same', (1, 1, 1)),
])
def test_conv_transpose_matches_reference(nd, in_spatial, out_spatial, ksize, strides, padding, dilation,
                                          data_format):
    x = RNG.randn(2, *in_spatial, 3)
    w = RNG.randn(*ksize, 2, 3)  # (*k, out, in)
    expected = ref_conv_transpose(x, w, out_spatial, strides, padding, dilation)
    xin = to_first(x) if data_format == 'channels_first' else x
    xt = ph(xin)
    batch = K.shape(xt)[0]
    if data_format == 'channels_first':
        output_shape = (batch, 2) + out_spatial
    else:
        output_shape = (batch,) + out_spatial + (2,)
    fn = K.conv2d_transpose if nd == 2 else K.conv3d_transpose
    y = fn(xt, const(w), output_shape, strides, padding, data_format, dilation)
    got = run([y], [xt], [xin])[0]
    if data_format == 'channels_first':
        got = to_last(got)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


POOL_CASES = [
    (2, (5, 6), (2, 2), (2, 2), 'valid'),
    (2, (6, 8), (2, 2), (2, 2), 'valid'),
    (2, (5, 6), (3, 3), (2, 2), 'same'),
    (2, (6, 5), (3, 2), (1, 1), 'same'),
    (2, (7, 7), (3, 3), (2, 1), 'valid'),
    (2, (4, 6), (2, 3), (2, 3), 'same'),
    (3, (4, 4, 5), (2, 2, 2), (2, 2, 2), 'valid'),
    (3, (3, 4, 3), (2, 2, 2), (2, 2, 2), 'same'),
    (3, (5, 4, 4), (3, 2, 2), (1, 2, 1), 'same'),
]


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
@pytest.mark.parametrize('mode', ['max', 'avg'])
@pytest.mark.parametrize('nd,spatial,pool,strides,padding', POOL_CASES)
def test_pool_matches_reference(nd, spatial, pool, strides, padding, mode, data_format):
    x = RNG.randn(2, *spatial, 3)
    expected = ref_pool(x, pool, strides, padding, mode)
    xin = to_first(x) if data_format == 'channels_first' else x
    xt = ph(xin)
    fn = K.pool2d if nd == 2 else K.pool3d
    y = fn(xt, pool, strides, padding, data_format, mode)
    got = run([y], [xt], [xin])[0]
    if data_format == 'channels_first':
        got = to_last(got)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_max_pool_gradient_goes_to_first_maximum_on_ties():
    x = np.zeros((1, 2, 4, 1))
    x[0, 1, 3, 0] = -1.0
    xt = ph(x)
    y = K.pool2d(xt, (2, 2), (2, 2), pool_mode='max', data_format='channels_last')
    g = run(K.gradients(K.sum(y), [xt]), [xt], [x])[0]
    expected = np.zeros_like(x)
    expected[0, 0, 0, 0] = expected[0, 0, 2, 0] = 1.0
    np.testing.assert_array_equal(g, expected)


def ref_local(x, kernel, ksize, strides, channels_first):
    """Per output position: flatten the window ((k..., c) or (c, k...)) and apply its own matrix."""
    out = [(n - k) // s + 1 for n, k, s in zip(x.shape[1:-1], ksize, strides)]
    y = np.zeros([x.shape[0]] + out + [kernel.shape[-1]])
    for i, pos in enumerate(itertools.product(*[range(o) for o in out])):
        window = x[(slice(None),) + tuple(slice(p * s, p * s + k) for p, s, k in zip(pos, strides, ksize))]
        if channels_first:
            window = np.moveaxis(window, -1, 1)
        y[(slice(None),) + pos] = window.reshape(x.shape[0], -1) @ kernel[i]
    return y


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_local_conv_matches_reference(data_format):
    first = data_format == 'channels_first'
    x1 = RNG.randn(2, 8, 3)
    k1 = RNG.randn(3, 2 * 3, 4)  # kernel_size 2, stride 3 -> 3 positions
    x2 = RNG.randn(2, 5, 6, 2)
    k2 = RNG.randn(2 * 3, 3 * 2 * 2, 3)  # kernel (3, 2), strides (2, 2) -> 2 x 3 positions
    e1 = ref_local(x1, k1, (2,), (3,), first)
    e2 = ref_local(x2, k2, (3, 2), (2, 2), first)
    x1in, x2in = (to_first(x1), to_first(x2)) if first else (x1, x2)
    t1, t2 = ph(x1in), ph(x2in)
    y1 = K.local_conv1d(t1, const(k1), (2,), (3,), data_format)
    y2 = K.local_conv2d(t2, const(k2), (3, 2), (2, 2), (2, 3), data_format)
    g1, g2 = run([y1, y2], [t1, t2], [x1in, x2in])
    if first:
        g1, g2 = to_last(g1), to_last(g2)
    np.testing.assert_allclose(g1, e1, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(g2, e2, rtol=1e-10, atol=1e-10)


def ref_bilinear(x, fh, fw):
    """TF1 resize_bilinear (align_corners=False, no half-pixel centres), channels_last."""
    b, h, w, c = x.shape
    y = np.zeros((b, h * fh, w * fw, c))
    for i in range(h * fh):
        for j in range(w * fw):
            si, sj = i / fh, j / fw
            i0, j0 = int(np.floor(si)), int(np.floor(sj))
            i1, j1 = min(i0 + 1, h - 1), min(j0 + 1, w - 1)
            a, bb = si - i0, sj - j0
            y[:, i, j] = ((1 - a) * (1 - bb) * x[:, i0, j0] + (1 - a) * bb * x[:, i0, j1]
                          + a * (1 - bb) * x[:, i1, j0] + a * bb * x[:, i1, j1])
    return y


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_resize_images_and_volumes(data_format):
    first = data_format == 'channels_first'
    x = RNG.randn(2, 3, 4, 2)
    v = RNG.randn(2, 2, 3, 2, 2)
    nearest = x.repeat(2, axis=1).repeat(3, axis=2)
    bilinear = ref_bilinear(x, 2, 3)
    vol = v.repeat(2, axis=1).repeat(1, axis=2).repeat(3, axis=3)
    xin, vin = (to_first(x), to_first(v)) if first else (x, v)
    xt, vt = ph(xin), ph(vin)
    outs = run([K.resize_images(xt, 2, 3, data_format),
                K.resize_images(xt, 2, 3, data_format, interpolation='bilinear'),
                K.resize_volumes(vt, 2, 1, 3, data_format)], [xt, vt], [xin, vin])
    if first:
        outs = [to_last(o) for o in outs]
    np.testing.assert_allclose(outs[0], nearest)
    np.testing.assert_allclose(outs[1], bilinear, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(outs[2], vol)


# Errors -------------------------------------------------------------------------------------------------
def test_shape_errors_name_the_shapes():
    x = K.placeholder((None, 8, 8, 3))
    with pytest.raises(ValueError, match=r'3 channels.*\(3, 3, 4, 5\)'):
        K.conv2d(x, K.variable(np.zeros((3, 3, 4, 5))))
    with pytest.raises(ValueError, match='padding'):
        K.conv2d(x, K.variable(np.zeros((3, 3, 3, 5))), padding='causal')
    with pytest.raises(ValueError, match='does not fit'):
        K.conv2d(x, K.variable(np.zeros((9, 3, 3, 5))))
    with pytest.raises(ValueError, match='rank 4'):
        K.conv2d(K.placeholder((None, 8, 3)), K.variable(np.zeros((3, 3, 3, 5))))
    with pytest.raises(ValueError, match='pool_mode'):
        K.pool2d(x, (2, 2), pool_mode='median')
    with pytest.raises(ValueError, match='incompatible'):
        K.conv2d_transpose(K.placeholder((None, 3, 3, 5)), K.variable(np.zeros((3, 3, 2, 5))),
                           (None, 9, 9, 2), strides=(2, 2), padding='same')
    with pytest.raises(ValueError, match='data_format'):
        K.conv2d(x, K.variable(np.zeros((3, 3, 3, 5))), data_format='NHWC')
    with pytest.raises(ValueError, match=r'expected \(36, 27, filters\)'):
        K.local_conv2d(x, K.variable(np.zeros((36, 12, 2))), (3, 3), (1, 1), (6, 6))


def test_unknown_spatial_dims():
    x = K.placeholder((None, None, 3))
    w = K.variable(RNG.randn(3, 3, 2))
    y = K.conv1d(x, w, padding='same', strides=2)
    assert K.int_shape(y) == (None, None, 2)
    p = K.pool2d(K.expand_dims(y, 2), (2, 1), (2, 1), padding='same', pool_mode='avg')
    grads = K.gradients(K.sum(p * p), [x, w])
    xv = RNG.randn(2, 9, 3).astype('float32')
    out, gx, gw = K.function([x], [p] + grads)([xv])
    assert out.shape == (2, 3, 1, 2) and gx.shape == xv.shape and gw.shape == (3, 3, 2)


# Gradient checks (float64 central differences) ---------------------------------------------------------
def numeric_grad(f, values, index, eps=1e-6):
    values = [v.copy() for v in values]
    grad = np.zeros_like(values[index])
    flat = values[index].reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        plus = f(values)
        flat[i] = old - eps
        minus = f(values)
        flat[i] = old
        grad.reshape(-1)[i] = (plus - minus) / (2 * eps)
    return grad


def check_gradients(build, arrays, rtol=1e-5, atol=1e-7, wrt=None):
    """`build(*tensors)` -> output tensor; checks d sum(out * r) / d inputs numerically.

    `wrt`: indices of the inputs to check (default: all).
    """
    tensors = [ph(a) for a in arrays]
    y = build(*tensors)
    r = const(RNG.randn(*[int(d) for d in run([y], tensors, arrays)[0].shape]))
    loss = K.sum(y * r)
    f_loss = K.function(tensors, [loss])
    wrt = list(range(len(arrays))) if wrt is None else list(wrt)
    analytic = run(K.gradients(loss, [tensors[i] for i in wrt]), tensors, arrays)
    for i, a in zip(wrt, analytic):
        numeric = numeric_grad(lambda vals: f_loss(vals)[0], arrays, i)
        np.testing.assert_allclose(a, numeric, rtol=rtol, atol=atol, err_msg='input %d' % i)


GRAD_CASES = [
    ('conv1d_causal', lambda x, w: K.conv1d(x, w, padding='causal', dilation_rate=2), (2, 6, 2), (2, 2, 3)),
    ('conv1d_same_s2', lambda x, w: K.conv1d(x, w, strides=2, padding='same'), (2, 7, 2), (3, 2, 2)),
    ('conv2d_same_s2', lambda x, w: K.conv2d(x, w, (2, 2), 'same', 'channels_last'), (2, 5, 4, 2), (3, 2, 2, 3)),
    ('conv2d_cf_dil', lambda x, w: K.conv2d(x, w, (1, 1), 'valid', 'channels_first', (2, 1)),
     (2, 2, 6, 4), (2, 2, 2, 2)),
    ('conv3d_same', lambda x, w: K.conv3d(x, w, (2, 1, 2), 'same', 'channels_last'), (1, 3, 3, 4, 2),
     (2, 2, 2, 2, 2)),
    ('conv2d_transpose', lambda x, w: K.conv2d_transpose(x, w, (2, 7, 6, 2), (2, 2), 'valid', 'channels_last'),
     (2, 3, 2, 3), (3, 3, 2, 3)),
    ('conv3d_transpose_same', lambda x, w: K.conv3d_transpose(x, w, (1, 2, 4, 4, 2), (1, 2, 2), 'same',
                                                              'channels_last'), (1, 2, 2, 2, 2), (2, 2, 2, 2, 2)),
    ('depthwise', lambda x, w: K.depthwise_conv2d(x, w, (2, 1), 'same', 'channels_last'), (2, 5, 4, 2),
     (3, 2, 2, 2)),
    ('local_conv1d', lambda x, w: K.local_conv1d(x, w, (2,), (2,), 'channels_last'), (2, 6, 2), (3, 4, 2)),
    ('local_conv2d_cf', lambda x, w: K.local_conv2d(x, w, (2, 2), (1, 2), (2, 2), 'channels_first'),
     (2, 2, 3, 4), (4, 8, 2)),
]


@pytest.mark.parametrize('name,build,x_shape,w_shape', GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_numeric_gradients(name, build, x_shape, w_shape):
    check_gradients(build, [RNG.randn(*x_shape), RNG.randn(*w_shape)])


def test_numeric_gradients_separable():
    check_gradients(lambda x, d, p: K.separable_conv2d(x, d, p, (1, 1), 'same', 'channels_last'),
                    [RNG.randn(1, 4, 4, 2), RNG.randn(2, 2, 2, 2), RNG.randn(1, 1, 4, 3)])


@pytest.mark.parametrize('mode', ['max', 'avg'])
@pytest.mark.parametrize('pool,strides,padding,data_format', [
    ((2, 2), (2, 2), 'valid', 'channels_last'), ((3, 3), (2, 2), 'same', 'channels_last'),
    ((2, 3), (1, 2), 'same', 'channels_first')])
def test_numeric_gradients_pool(mode, pool, strides, padding, data_format):
    check_gradients(lambda x: K.pool2d(x, pool, strides, padding, data_format, mode), [RNG.randn(2, 5, 6, 2)])


def test_numeric_gradients_pool3d_and_resize():
    check_gradients(lambda x: K.pool3d(x, (2, 2, 2), (1, 2, 2), 'same', 'channels_last', 'avg'),
                    [RNG.randn(1, 3, 4, 3, 2)])
    check_gradients(lambda x: K.resize_images(x, 2, 3, 'channels_last', 'bilinear'), [RNG.randn(1, 3, 2, 2)])


def check_second_order(build, arrays, wrt=1, penalised=0):
    """d/d arrays[wrt] of sum(g ** 2) + sum(out ** 2), g = d sum(out * r) / d arrays[penalised]
    (a gradient penalty), against central differences."""
    tensors = [ph(a) for a in arrays]
    y = build(*tensors)
    r = const(RNG.randn(*[int(d) for d in run([y], tensors, arrays)[0].shape]))
    gx = K.gradients(K.sum(y * r), [tensors[penalised]])[0]
    penalty = K.sum(K.square(gx)) + K.sum(K.square(y))
    f_pen = K.function(tensors, [penalty])
    analytic = run(K.gradients(penalty, [tensors[wrt]]), tensors, arrays)[0]
    numeric = numeric_grad(lambda vals: f_pen(vals)[0], arrays, wrt)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-6)


def test_second_order_conv():
    check_second_order(lambda x, w: K.conv2d(x, w, (2, 1), 'same', 'channels_last', (1, 1)),
                       [RNG.randn(1, 4, 4, 2), RNG.randn(2, 3, 2, 2)], wrt=1)
    check_second_order(lambda x, w: K.depthwise_conv2d(x, w, (1, 1), 'valid', 'channels_last'),
                       [RNG.randn(1, 4, 4, 2), RNG.randn(2, 2, 2, 2)], wrt=1)
    check_second_order(lambda x, w: K.conv2d_transpose(x, w, (1, 5, 5, 2), (2, 2), 'valid', 'channels_last'),
                       [RNG.randn(1, 2, 2, 2), RNG.randn(3, 3, 2, 2)], wrt=1)


def test_second_order_conv_kernel_gradient_penalty():
    # Penalising the kernel gradient differentiates ConvNDGradKernel w.r.t. the input.
    check_second_order(lambda x, w: K.conv2d(x, w, (1, 2), 'same', 'channels_last', (1, 1)),
                       [RNG.randn(1, 4, 4, 2), RNG.randn(2, 3, 2, 2)], wrt=0, penalised=1)
    check_second_order(lambda x, w: K.conv1d(x, w, 1, 'causal', 'channels_last', 2),
                       [RNG.randn(1, 5, 2), RNG.randn(2, 2, 2)], wrt=0, penalised=1)
    check_second_order(lambda x, w: K.depthwise_conv2d(x, w, (2, 2), 'same', 'channels_last'),
                       [RNG.randn(1, 5, 4, 2), RNG.randn(2, 2, 2, 2)], wrt=0, penalised=1)


def _op_cases():
    """Every op of ops/conv.py and ops/pool.py applied directly: (name, build, arrays, wrt)."""
    from minikeras.backend.ops import conv as co
    from minikeras.backend.ops import pool as po
    geo = dict(strides=(2, 1), dilation=(1, 2), padding='same', groups=1, label='t')
    grp = dict(strides=(1, 1), dilation=(1, 1), padding='valid', groups=2, label='t')
    pool = dict(pool=(3, 2), strides=(2, 1), padding='same', label='t')
    x, w, g = RNG.randn(2, 5, 4, 2), RNG.randn(2, 2, 2, 3), RNG.randn(2, 3, 4, 3)
    xg, wg, gg = RNG.randn(1, 4, 4, 4), RNG.randn(2, 2, 2, 6), RNG.randn(1, 3, 3, 6)
    xp = RNG.randn(2, 5, 4, 2)
    yp = ref_pool(xp, (3, 2), (2, 1), 'same', 'max')
    patches = dict(ksize=(2, 2), strides=(2, 1), dilation=(1, 1), padding='same', label='t')
    return [
        ('ConvND', lambda a, b: co.ConvND(**geo)(a, b), [x, w], None),
        ('ConvND_groups', lambda a, b: co.ConvND(**grp)(a, b), [xg, wg], None),
        ('ConvNDGradInput', lambda a, b: co.ConvNDGradInput(spatial=(5, 4), **geo)(a, b), [g, w], None),
        ('ConvNDGradInput_groups', lambda a, b: co.ConvNDGradInput(spatial=(4, 4), **grp)(a, b), [gg, wg], None),
        ('ConvNDGradKernel', lambda a, b: co.ConvNDGradKernel(ksize=(2, 2), **geo)(a, b), [x, g], None),
        ('ConvNDGradKernel_groups', lambda a, b: co.ConvNDGradKernel(ksize=(2, 2), **grp)(a, b), [xg, gg], None),
        ('ExtractPatches', lambda a: co.ExtractPatches(**patches)(a), [x], None),
        ('ExtractPatchesGrad', lambda a, b: co.ExtractPatchesGrad(**patches)(a, b),
         [RNG.randn(2, 3, 4, 2, 2, 2), x], [0]),
        ('MaxPoolND', lambda a: po.MaxPoolND(**pool)(a), [xp], None),
        ('MaxPoolNDGrad', lambda a, b, c: po.MaxPoolNDGrad(**pool)(a, b, c), [xp, yp, RNG.randn(*yp.shape)], [2]),
        ('MaxPoolNDSelect', lambda a, b, c: po.MaxPoolNDSelect(**pool)(a, b, c), [xp, yp, RNG.randn(*xp.shape)],
         [2]),
        ('AvgPoolND', lambda a: po.AvgPoolND(**pool)(a), [xp], None),
        ('AvgPoolNDGrad', lambda a: po.AvgPoolNDGrad(spatial=(5, 4), **pool)(a), [RNG.randn(*yp.shape)], None),
    ]


@pytest.mark.parametrize('case', range(13))
def test_every_op_gradient_rule(case):
    name, build, arrays, wrt = _op_cases()[case]
    check_gradients(build, arrays, wrt=wrt)


def test_ops_have_gradient_rules_or_are_marked():
    from minikeras.backend.graph.op import OP_REGISTRY
    from minikeras.backend.ops import conv as co
    from minikeras.backend.ops import pool as po
    names = [n for n, c in OP_REGISTRY.items() if c.__module__ in (co.__name__, po.__name__)
             and not n.startswith('_')]
    assert len(names) == 10 and sorted(names) == sorted(set(c[0].split("_")[0] for c in _op_cases()))
    for n in names:
        cls = OP_REGISTRY[n]
        assert cls.differentiable and cls.grad is not co.Op.grad, n


def test_second_order_pool():
    # sum(gx ** 2) is constant in x for max pooling, but not through a conv before it.
    check_second_order(lambda x, w: K.pool2d(K.conv2d(x, w, padding='same'), (2, 2), (2, 2), 'valid',
                                             'channels_last', 'max'),
                       [RNG.randn(1, 4, 4, 1), RNG.randn(2, 2, 1, 2)], wrt=1)
    check_second_order(lambda x, w: K.pool2d(K.conv2d(x, w, padding='same'), (3, 3), (2, 2), 'same',
                                             'channels_last', 'avg'),
                       [RNG.randn(1, 4, 4, 1), RNG.randn(2, 2, 1, 2)], wrt=1)


# Keras 2 layer fixtures, reproduced with K ops ----------------------------------------------------------
def _activation(y, name):
    return K.relu(y) if name == 'relu' else y


def _deconv_length(n, k, s, padding, output_padding, d=1):
    k = k + (k - 1) * (d - 1)
    if output_padding is None:
        return n * s + max(k - s, 0) if padding == 'valid' else n * s
    pad = k // 2 if padding == 'same' else 0
    return (n - 1) * s + k - 2 * pad + output_padding


def _layer_graph(meta, x, weights):
    """The fixture layer's call() written with K ops."""
    cls, c = meta['class_name'], meta['config']
    fmt = c.get('data_format', 'channels_last')
    if cls in ('Conv1D', 'Conv2D', 'Conv3D'):
        fn = {'Conv1D': K.conv1d, 'Conv2D': K.conv2d, 'Conv3D': K.conv3d}[cls]
        strides, dil = c['strides'], c['dilation_rate']
        if cls == 'Conv1D':
            strides, dil = strides[0], dil[0]
        y = fn(x, weights[0], strides, c['padding'], fmt, dil)
        if c['use_bias']:
            y = K.bias_add(y, weights[1], fmt)
        return _activation(y, c['activation'])
    if cls in ('Conv2DTranspose', 'Conv3DTranspose'):
        nd = 2 if cls == 'Conv2DTranspose' else 3
        spatial = K.int_shape(x)[1:-1]
        op = c['output_padding'] or [None] * nd
        dil = c.get('dilation_rate', [1] * nd)
        out = tuple(_deconv_length(n, k, s, c['padding'], p, d)
                    for n, k, s, p, d in zip(spatial, c['kernel_size'], c['strides'], op, dil))
        fn = K.conv2d_transpose if nd == 2 else K.conv3d_transpose
        y = fn(x, weights[0], (K.shape(x)[0],) + out + (c['filters'],), tuple(c['strides']), c['padding'], fmt,
               tuple(dil))
        return _activation(K.bias_add(y, weights[1], fmt), c['activation'])
    if cls == 'DepthwiseConv2D':
        y = K.depthwise_conv2d(x, weights[0], c['strides'], c['padding'], fmt, c['dilation_rate'])
        return _activation(K.bias_add(y, weights[1], fmt), c['activation'])
    if cls in ('SeparableConv1D', 'SeparableConv2D'):
        if cls == 'SeparableConv1D':
            y = K.separable_conv1d(x, weights[0], weights[1], c['strides'][0], c['padding'], fmt,
                                   c['dilation_rate'][0])
        else:
            y = K.separable_conv2d(x, weights[0], weights[1], c['strides'], c['padding'], fmt, c['dilation_rate'])
        return _activation(K.bias_add(y, weights[2], fmt), c['activation'])
    if cls in ('MaxPooling1D', 'AveragePooling1D'):
        mode = 'max' if cls.startswith('Max') else 'avg'
        y = K.pool2d(K.expand_dims(x, 2), (c['pool_size'][0], 1), (c['strides'][0], 1), c['padding'],
                     'channels_last', mode)
        return K.squeeze(y, 2)
    if cls in ('MaxPooling2D', 'AveragePooling2D', 'MaxPooling3D', 'AveragePooling3D'):
        fn = K.pool2d if cls.endswith('2D') else K.pool3d
        return fn(x, c['pool_size'], c['strides'], c['padding'], fmt, 'max' if cls.startswith('Max') else 'avg')
    if cls == 'LocallyConnected1D':
        y = K.local_conv1d(x, weights[0], c['kernel_size'], c['strides'], fmt)
        return _activation(K.bias_add(y, weights[1]), c['activation'])
    if cls == 'LocallyConnected2D':
        spatial = K.int_shape(x)[1:-1]
        out = tuple((n - k) // s + 1 for n, k, s in zip(spatial, c['kernel_size'], c['strides']))
        y = K.local_conv2d(x, weights[0], c['kernel_size'], c['strides'], out, fmt)
        return _activation(K.bias_add(y, weights[1], fmt), c['activation'])
    if cls == 'UpSampling1D':
        return K.squeeze(K.resize_images(K.expand_dims(x, 2), c['size'], 1, 'channels_last'), 2)
    if cls == 'UpSampling2D':
        return K.resize_images(x, c['size'][0], c['size'][1], fmt, c.get('interpolation', 'nearest'))
    if cls == 'UpSampling3D':
        return K.resize_volumes(x, c['size'][0], c['size'][1], c['size'][2], fmt)
    raise AssertionError('no K graph for %s' % cls)


FIXTURES = ['conv1d_causal_dilation', 'conv1d_same_strides', 'conv1d_valid', 'conv2d_channels_first',
            'conv2d_channels_first_strides', 'conv2d_dilation', 'conv2d_same_strides', 'conv2d_valid',
            'conv3d_same_strides', 'conv3d_valid', 'conv2d_transpose_output_padding', 'conv2d_transpose_same',
            'conv2d_transpose_valid_strides', 'conv3d_transpose', 'depthwise_conv2d',
            'depthwise_conv2d_same_strides', 'separable_conv1d', 'separable_conv2d_dm2_strides',
            'separable_conv2d_same', 'maxpool1d', 'maxpool1d_same_strides', 'maxpool2d', 'maxpool2d_same_strides',
            'maxpool3d', 'avgpool1d_same', 'avgpool2d', 'avgpool2d_same_strides', 'avgpool3d_same',
            'locally_connected1d', 'locally_connected2d', 'upsampling1d', 'upsampling2d', 'upsampling3d']


@pytest.mark.parametrize('name', FIXTURES)
def test_keras2_layer_fixture(name):
    meta, a = load_case('layers', name)
    x = K.placeholder(tuple(meta['input_shapes'][0]), name='x0')
    weights = [K.variable(a['w%d' % j]) for j in range(len(meta['weight_shapes']))]
    y = _layer_graph(meta, x, weights)
    trainable = [j for j in meta['trainable_weight_indices'] if 'dw%d' % j in a]
    grads = K.gradients(K.sum(y * const(a['dy'])), [x] + [weights[j] for j in trainable])
    out = K.function([x], [y] + grads)([a['x0']])
    tol = meta['tol']
    assert_close(out[0], a['y'], tol, what=name + ' y')
    assert_close(out[1], a['dx0'], tol, factor=2, what=name + ' dx0')
    for j, g in zip(trainable, out[2:]):
        assert_close(g, a['dw%d' % j], tol, factor=2, what=name + ' dw%d' % j)


def test_float32_stays_float32():
    x = K.placeholder((None, 6, 6, 2))
    w = K.variable(RNG.randn(3, 3, 2, 4).astype('float32'))
    y = K.pool2d(K.conv2d(x, w, padding='same'), (2, 2), (2, 2), pool_mode='avg')
    gx, gw = K.gradients(K.sum(y), [x, w])
    outs = K.function([x], [y, gx, gw])([RNG.randn(2, 6, 6, 2).astype('float32')])
    assert all(o.dtype == np.float32 for o in outs)
