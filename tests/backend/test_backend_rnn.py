"""K.rnn: a symbolic scan with masks, go_backwards, constants, unroll, and a
reverse-scan gradient checked numerically (first and second order)."""
import numpy as np
import pytest

from minikeras import backend as K
from op_check import numeric_gradient

B, T, D, H = 2, 5, 3, 4


def reference_rnn(x, w, u, h0, mask=None, go_backwards=False, bias=0.0):
    """Plain numpy tanh RNN with Keras 2.2 masking (masked steps keep the state
    and output the previous state)."""
    steps = list(range(x.shape[1]))
    if go_backwards:
        steps = steps[::-1]
    h, outputs = h0, []
    for t in steps:
        new = np.tanh(x[:, t] @ w + h @ u + bias)
        if mask is not None:
            new = np.where(mask[:, t:t + 1], new, h)
        h = new
        outputs.append(h)
    return np.stack(outputs, 1), h


def build(unroll=False, go_backwards=False, with_mask=False, with_constant=False):
    rng = np.random.RandomState(0)
    x = K.placeholder((None, T, D), dtype='float64')
    w = K.variable(rng.randn(D, H) * 0.5, dtype='float64')
    u = K.variable(rng.randn(H, H) * 0.5, dtype='float64')
    h0 = K.placeholder((None, H), dtype='float64')
    mask = K.placeholder((None, T), dtype='bool') if with_mask else None
    constants = [K.constant(np.full(H, 0.3), dtype='float64')] if with_constant else None

    def step(x_t, states):
        h = K.dot(x_t, w) + K.dot(states[0], u)
        if with_constant:
            h = h + states[1]
        h = K.tanh(h)
        return h, [h]

    last, outputs, states = K.rnn(step, x, [h0], go_backwards=go_backwards, mask=mask,
                                  constants=constants, unroll=unroll)
    inputs = [x, h0] + ([mask] if with_mask else [])
    return inputs, (last, outputs, states), (w, u)


@pytest.mark.parametrize('unroll', [False, True])
@pytest.mark.parametrize('go_backwards', [False, True])
@pytest.mark.parametrize('with_mask', [False, True])
def test_rnn_forward_matches_reference(unroll, go_backwards, with_mask):
    inputs, (last, outputs, states), (w, u) = build(unroll, go_backwards, with_mask, with_constant=True)
    rng = np.random.RandomState(1)
    xv, h0v = rng.randn(B, T, D), rng.randn(B, H)
    mask = np.array([[1, 1, 0, 1, 0], [1, 0, 1, 1, 1]], dtype=bool)
    feed = [xv, h0v] + ([mask] if with_mask else [])
    got = K.function(inputs, [last, outputs, states[0]])(feed)
    ref_out, ref_h = reference_rnn(xv, K.get_value(w), K.get_value(u), h0v,
                                   mask if with_mask else None, go_backwards, bias=0.3)
    np.testing.assert_allclose(got[1], ref_out, rtol=1e-10)
    np.testing.assert_allclose(got[0], ref_out[:, -1], rtol=1e-10)
    np.testing.assert_allclose(got[2], ref_h, rtol=1e-10)
    assert K.int_shape(outputs) == (None, T, H)


@pytest.mark.parametrize('with_mask,go_backwards', [(False, False), (True, True)])
def test_rnn_gradient_through_time_is_numerically_correct(with_mask, go_backwards):
    inputs, (last, outputs, states), (w, u) = build(with_mask=with_mask, go_backwards=go_backwards)
    loss = K.sum(K.square(outputs)) + K.sum(last)
    targets = [inputs[0], inputs[1], w, u]
    grads = K.gradients(loss, targets)
    rng = np.random.RandomState(2)
    feed = [rng.randn(B, T, D), rng.randn(B, H)]
    if with_mask:
        feed.append(np.array([[1, 0, 1, 1, 0], [0, 1, 1, 0, 1]], dtype=bool))
    analytic = K.function(inputs, grads)(feed)
    f = K.function(inputs, [loss])
    for i in range(2):
        np.testing.assert_allclose(analytic[i], numeric_gradient(lambda a: float(f(a)[0]), feed, i),
                                   rtol=1e-5, atol=1e-7)
    for var, g in zip((w, u), analytic[2:]):
        value = K.get_value(var)

        def loss_at(arrays, var=var):
            K.set_value(var, arrays[0])
            return float(f(feed)[0])
        numeric = numeric_gradient(loss_at, [value.copy()], 0)
        K.set_value(var, value)
        np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-7)


def test_rnn_second_order_gradient():
    inputs, (last, outputs, states), (w, u) = build()
    gu = K.gradients(K.sum(K.square(outputs)), [u])[0]
    penalty = K.sum(K.square(gu))
    gw = K.gradients(penalty, [w])[0]
    rng = np.random.RandomState(3)
    feed = [rng.randn(B, T, D), rng.randn(B, H)]
    f = K.function(inputs, [penalty, gw])
    analytic = f(feed)[1]
    value = K.get_value(w)

    def penalty_at(arrays):
        K.set_value(w, arrays[0])
        return float(f(feed)[0])
    numeric = numeric_gradient(penalty_at, [value.copy()], 0)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-6)


def test_rnn_step_graph_is_built_once():
    calls = []
    x = K.placeholder((None, 50, D))

    def step(x_t, states):
        calls.append(1)
        return x_t * 2.0, [states[0] + K.sum(x_t, axis=-1, keepdims=True)]

    last, outputs, states = K.rnn(step, x, [K.placeholder((None, 1))])
    grads = K.gradients(K.sum(outputs) + K.sum(states[0]), [x])
    assert len(calls) == 1
    out = K.function([x, K.placeholder((None, 1))] if False else [x], [outputs])
    del out, grads


def test_rnn_with_learning_phase_dependent_step():
    x = K.placeholder((None, T, D))

    def step(x_t, states):
        out = K.in_train_phase(x_t * 0.0, x_t)
        return out, [states[0] + out]

    last, outputs, states = K.rnn(step, x, [K.zeros_like(x[:, 0, :])])
    assert getattr(last, '_uses_learning_phase', False)
    f = K.function([x, K.learning_phase()], [states[0]])
    xv = np.ones((B, T, D), dtype='float32')
    np.testing.assert_allclose(f([xv, 0])[0], T * np.ones((B, D)))
    np.testing.assert_allclose(f([xv, 1])[0], np.zeros((B, D)))


def test_rnn_rejects_low_rank_inputs():
    with pytest.raises(ValueError, match='rank >= 3'):
        K.rnn(lambda x, s: (x, s), K.placeholder((None, 3)), [])
    with pytest.raises(ValueError, match='unroll=True'):
        K.rnn(lambda x, s: (x, s), K.placeholder((None, None, 3)), [], unroll=True)


@pytest.mark.parametrize('gate', ['sigmoid', 'hard_sigmoid', 'clip'])
def test_fused_lstm_gates_match_composite_ops_to_second_order(gate):
    from minikeras.backend.ops import recurrent as recurrent_ops
    from op_check import check_op
    rng = np.random.RandomState(0)
    z = rng.randn(3, 8) * (0.6 if gate == 'clip' else 2.0) + (0.5 if gate == 'clip' else 0.0)
    c = rng.randn(3, 2)
    for k in (0, 1):  # h and c, with numeric gradient checks
        check_op(lambda z_t, c_t: K.lstm_gates(z_t, c_t, gate)[k], [z, c])
    z_t, c_t = K.placeholder((3, 8), dtype='float64'), K.placeholder((3, 2), dtype='float64')
    fused = list(K.lstm_gates(z_t, c_t, gate))
    composite = recurrent_ops._composite_step(gate, z_t, c_t)[:2]

    def second_order(h, c_new):
        g = K.gradients(K.sum(h * c_new), [z_t])[0]
        return K.gradients(K.sum(K.square(g)), [z_t, c_t])

    values = K.function([z_t, c_t], fused + composite + second_order(*fused) + second_order(*composite))([z, c])
    for fused_value, composite_value in zip(values[:2] + values[4:6], values[2:4] + values[6:8]):
        np.testing.assert_allclose(fused_value, composite_value, rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match='gate must be one of'):
        K.lstm_gates(z_t, c_t, 'relu')
    with pytest.raises(ValueError, match='4 gates of 2 units'):
        K.lstm_gates(K.placeholder((3, 6)), K.placeholder((3, 2)))


@pytest.mark.parametrize('go_backwards', [False, True])
def test_rnn_gradient_through_final_states_and_outputs(go_backwards):
    inputs, (last, outputs, states), (w, u) = build(go_backwards=go_backwards)
    loss = K.sum(K.square(states[0])) * 3.0 + K.sum(outputs[:, 1:3]) + K.sum(last * last)
    grads = K.gradients(loss, [inputs[0], inputs[1], u])
    rng = np.random.RandomState(5)
    feed = [rng.randn(B, T, D), rng.randn(B, H)]
    analytic = K.function(inputs, grads)(feed)
    f = K.function(inputs, [loss])
    for i in range(2):
        np.testing.assert_allclose(analytic[i], numeric_gradient(lambda a: float(f(a)[0]), feed, i),
                                   rtol=1e-5, atol=1e-7)
    value = K.get_value(u)

    def loss_at(arrays):
        K.set_value(u, arrays[0])
        return float(f(feed)[0])
    np.testing.assert_allclose(analytic[2], numeric_gradient(loss_at, [value.copy()], 0), rtol=1e-5, atol=1e-7)


def test_map_fn_foldl_foldr_values_and_gradients():
    x = K.placeholder((4, 3), dtype='float64')
    xv = np.random.RandomState(0).randn(4, 3)
    mapped = K.map_fn(lambda row: K.sum(row * row), x)
    summed = K.foldl(lambda acc, row: acc * 0.5 + row, x)
    from_right = K.foldr(lambda acc, row: acc * 0.5 + row, x, initializer=K.zeros_like(x[0]))
    values = K.function([x], [mapped, summed, from_right])([xv])
    np.testing.assert_allclose(values[0], (xv ** 2).sum(1))
    expected_left = xv[0]
    for row in xv[1:]:
        expected_left = expected_left * 0.5 + row
    expected_right = np.zeros(3)
    for row in xv[::-1]:
        expected_right = expected_right * 0.5 + row
    np.testing.assert_allclose(values[1], expected_left)
    np.testing.assert_allclose(values[2], expected_right)
    grad = K.gradients(K.sum(mapped) + K.sum(summed), [x])[0]
    f = K.function([x], [K.sum(mapped) + K.sum(summed)])
    np.testing.assert_allclose(K.function([x], [grad])([xv])[0],
                               numeric_gradient(lambda a: float(f(a)[0]), [xv.copy()], 0), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize('gate', ['sigmoid', 'hard_sigmoid', 'clip'])
def test_fused_gru_gates_match_composite_ops_to_second_order(gate):
    from minikeras.backend.ops import recurrent as recurrent_ops
    from op_check import check_op
    rng = np.random.RandomState(1)
    scale, shift = (0.4, 0.3) if gate == 'clip' else (1.5, 0.0)
    x, inner, h = rng.randn(3, 6) * scale + shift, rng.randn(3, 6) * scale, rng.randn(3, 2)
    check_op(lambda a, b, c: K.gru_gates(a, b, c, gate), [x, inner, h])   # numeric gradients
    x_t, inner_t, h_t = [K.placeholder(v.shape, dtype='float64') for v in (x, inner, h)]
    fused = K.gru_gates(x_t, inner_t, h_t, gate)
    composite = recurrent_ops._composite_gru(gate, x_t, inner_t, h_t)[0]

    def second_order(h_new):
        g = K.gradients(K.sum(h_new * h_new), [x_t])[0]
        return K.gradients(K.sum(K.square(g)), [x_t, inner_t, h_t])

    values = K.function([x_t, inner_t, h_t], [fused] + second_order(fused) + [composite]
                        + second_order(composite))([x, inner, h])
    for fused_value, composite_value in zip(values[:4], values[4:]):
        np.testing.assert_allclose(fused_value, composite_value, rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match='3 gates of 2 units'):
        K.gru_gates(K.placeholder((3, 4)), K.placeholder((3, 6)), K.placeholder((3, 2)))


def test_scan_reuses_released_stacks_but_never_ones_still_held(monkeypatch):
    from minikeras.backend.ops import scan as scan_module
    monkeypatch.setattr(scan_module._ReusedStacks, 'MIN_BYTES', 0)
    inputs, (last, outputs, states), (w, u) = build()
    f = K.function(inputs, [outputs])
    rng = np.random.RandomState(2)
    feeds = [[rng.randn(B, T, D), rng.randn(B, H)] for _ in range(3)]

    def reference(feed):
        return reference_rnn(feed[0], K.get_value(w), K.get_value(u), feed[1])[0]

    held = f(feeds[0])[0]
    second = f(feeds[1])[0]  # the first result is still held: fresh stacks
    np.testing.assert_allclose(held, reference(feeds[0]), rtol=1e-10)
    np.testing.assert_allclose(second, reference(feeds[1]), rtol=1e-10)
    scan_op = outputs.owner.inputs[0].owner.op if outputs.owner.op.name != 'Scan' else outputs.owner.op
    pooled = len(scan_op._stacks.arrays)
    del held
    third = f(feeds[2])[0]  # reuses the released stacks
    np.testing.assert_allclose(third, reference(feeds[2]), rtol=1e-10)
    np.testing.assert_allclose(second, reference(feeds[1]), rtol=1e-10)
    assert len(scan_op._stacks.arrays) == pooled


@pytest.mark.parametrize('gate,with_mask,go_backwards,project,threads', [
    ('sigmoid', False, False, False, 1), ('sigmoid', True, True, False, 1), ('hard_sigmoid', True, False, False, 1),
    ('clip', False, True, False, 1), ('sigmoid', True, False, False, 2), ('sigmoid', False, False, True, 1),
    ('hard_sigmoid', True, True, True, 2)])
def test_lstm_scan_matches_the_generic_scan_to_second_order(gate, with_mask, go_backwards, project, threads):
    """Values, first and second-order gradients of K.lstm_scan against K.rnn
    over K.lstm_gates; `project`: the op also computes the input projection.
    8 steps make several chunks, so with 2 threads the loop and the large
    products run side by side."""
    from minikeras.backend.kernels import threads as kernel_threads
    rng = np.random.RandomState(0)
    batch, steps, units, dim = 3, 8, 2, 3
    scale, shift = (0.6, 0.5) if gate == 'clip' else (1.5, 0.0)
    if project:
        feed = [rng.randn(batch, steps, dim), rng.randn(dim, 4 * units) * scale, rng.randn(4 * units) * 0.3 + shift]
    else:
        feed = [rng.randn(batch, steps, 4 * units) * scale + shift]
    feed += [rng.randn(batch, units), rng.randn(batch, units), rng.randn(units, 4 * units) * 0.5]
    wrt = [K.placeholder(a.shape, dtype='float64') for a in feed]
    x, h0, c0, kernel = wrt[0], wrt[-3], wrt[-2], wrt[-1]
    mask = K.placeholder((batch, steps), dtype='bool') if with_mask else None

    def generic():
        def step(x_t, states):
            z_t = K.dot(x_t, wrt[1]) + wrt[2] if project else x_t
            h, c = K.lstm_gates(z_t + K.dot(states[0], kernel), states[1], gate)
            return h, [h, c]
        return K.rnn(step, x, [h0, c0], go_backwards=go_backwards, mask=mask)

    weights = K.constant(rng.randn(batch, steps, units))
    fused_call = K.lstm_scan(x, [h0, c0], kernel, gate, go_backwards=go_backwards, mask=mask,
                             kernel=wrt[1] if project else None, bias=wrt[2] if project else None)
    results = []
    for last, outputs, states in (fused_call, generic()):
        loss = K.sum(outputs * weights) + K.sum(K.square(states[1]))
        first = K.gradients(loss, wrt)
        second = K.gradients(K.sum(K.square(first[0])) + K.sum(first[-1] * first[-1]), wrt)
        results.append([last, outputs] + states + first + second)
    inputs = wrt + ([mask] if with_mask else [])
    feed.append(rng.rand(batch, steps) > 0.3)
    kernel_threads.set_num_threads(threads)
    try:
        fused = K.function(inputs, results[0])(feed[:len(inputs)])
        reference = K.function(inputs, results[1])(feed[:len(inputs)])
        inference = K.function(inputs, results[0][:4])(feed[:len(inputs)])  # the gates are not stacked
    finally:
        kernel_threads.set_num_threads(1)
    for a, b in zip(fused, reference):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)
    for a, b in zip(inference, fused):
        np.testing.assert_array_equal(a, b)


def test_lstm_scan_rejects_bad_arguments():
    z = K.placeholder((None, 5, 8))
    states = [K.placeholder((None, 2)), K.placeholder((None, 2))]
    with pytest.raises(ValueError, match='gate must be one of'):
        K.lstm_scan(z, states, K.placeholder((2, 8)), 'relu')
    with pytest.raises(ValueError, match='4 gates of 2 units'):
        K.lstm_scan(z, states, K.placeholder((2, 6)))
    with pytest.raises(ValueError, match=r'initial states \[h, c\]'):
        K.lstm_scan(z, states[:1], K.placeholder((2, 8)))
    with pytest.raises(ValueError, match='only with an input `kernel`'):
        K.lstm_scan(z, states, K.placeholder((2, 8)), bias=K.placeholder((8,)))
    with pytest.raises(ValueError, match='cannot project inputs'):
        K.lstm_scan(z, states, K.placeholder((2, 8)), kernel=K.placeholder((4, 8)))
