"""`check_op`: the backend's op_test helper.

Builds an expression from float64 placeholders, runs it, compares it with a
plain-numpy reference, checks the inferred static shape against the run-time
shape, and checks `K.gradients` against central differences.
"""
import numpy as np

from minikeras import backend as K


def numeric_gradient(f, arrays, index, eps=1e-6):
    """Central-difference gradient of scalar `f(arrays)` w.r.t. arrays[index]."""
    x = arrays[index]
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        plus = f(arrays)
        x[idx] = old - eps
        minus = f(arrays)
        x[idx] = old
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


def check_op(build, arrays, reference=None, grad_wrt=None, rtol=1e-6, atol=1e-6, dtypes=None, shapes=None,
             eps=1e-6):
    """Checks one K expression.

    Args:
        build: function of placeholders returning a tensor.
        arrays: list of numpy inputs (float64 for differentiable ones).
        reference: optional numpy function of `arrays` giving the expected value.
        grad_wrt: indices of inputs to gradient-check (default: all float inputs).
        dtypes: optional dtypes of the placeholders (default: the arrays' dtypes).
        shapes: optional static shapes of the placeholders, None for dims
            unknown until run time (default: the arrays' shapes).
        eps: the central-difference step of the numeric gradient.
    Returns:
        The computed value.
    """
    arrays = [np.array(a) for a in arrays]
    dtypes = dtypes or [a.dtype.name for a in arrays]
    shapes = shapes or [a.shape for a in arrays]
    placeholders = [K.placeholder(shape=s, dtype=d) for s, d in zip(shapes, dtypes)]
    out = build(*placeholders)
    value = K.function(placeholders, [out])(arrays)[0]
    value = np.asarray(value)
    inferred = K.int_shape(out)
    assert len(inferred) == value.ndim and all(i is None or i == v for i, v in zip(inferred, value.shape)), \
        'inferred shape %s, run-time shape %s' % (inferred, value.shape)
    if reference is not None:
        np.testing.assert_allclose(value, reference(*arrays), rtol=rtol, atol=atol)
    if grad_wrt is None:
        grad_wrt = [i for i, a in enumerate(arrays) if a.dtype.kind == 'f']
    if grad_wrt:
        weights = np.random.RandomState(0).uniform(0.5, 1.5, value.shape)
        loss = K.sum(out * K.constant(weights, dtype=out.dtype))
        grads = K.gradients(loss, [placeholders[i] for i in grad_wrt])
        fg = K.function(placeholders, grads)
        analytic = fg(arrays)
        floss = K.function(placeholders, [loss])
        for i, g in zip(grad_wrt, analytic):
            numeric = numeric_gradient(lambda a: float(floss(a)[0]), arrays, i, eps=eps)
            np.testing.assert_allclose(g, numeric, rtol=max(rtol, 1e-5), atol=1e-6,
                                       err_msg='gradient w.r.t. input %d' % i)
    return value
