"""Every gradient rule in the op registry, checked against central differences.

Each case builds an expression from float64 placeholders; `check_op` compares
`K.gradients` of it with numeric differences. Cases named `d(...)` take the
gradient of an expression and differentiate *that* again: this is how the
hand-written gradient ops (`ConvNDGradInput`, `MaxPoolNDGrad`, `ReluGrad`,
...) have their own gradient rules run. A coverage test records which op
classes' `grad` methods the cases call and fails for any differentiable op in
`OP_REGISTRY` that no case reaches, so a new op cannot land unchecked.
"""
import contextlib

import numpy as np
import pytest

from minikeras import backend as K
from minikeras.backend.graph.op import OP_REGISTRY, Op

from op_check import check_op

RNG = np.random.RandomState(0)


def signed(*shape):
    """Values in ±[0.2, 1]: away from the kinks of abs, relu, max, sign."""
    return RNG.uniform(0.2, 1.0, shape) * RNG.choice([-1.0, 1.0], shape)


def positive(*shape):
    return RNG.uniform(0.5, 2.0, shape)


def distinct(*shape):
    """A permutation of well-separated values (unique maxima for max / max-pooling)."""
    return RNG.permutation(np.linspace(-1.0, 1.0, int(np.prod(shape)))).reshape(shape)


def d(f):
    """x... -> d/dx0 sum(v * f(x...)): its gradient runs the rules of the ops in f's gradient.

    The cotangent `v` depends on x0 (a fixed ramp scaled by 1 + 0.1 * sum(x0^2)),
    so the gradient also flows into the upstream-gradient input of those ops,
    which is where a hand-written gradient op is linear and has its own rule.
    """
    def build(*xs):
        out = f(*xs)
        ramp = np.linspace(0.5, 1.5, int(np.prod(K.int_shape(out)))).reshape(K.int_shape(out))
        v = K.constant(ramp, dtype=K.dtype(out)) * (1.0 + 0.1 * K.sum(K.square(xs[0])))
        return K.gradients(K.sum(out * v), [xs[0]])[0]
    return build


def _rnn_sum(x, h0):
    def step(x_t, states):
        h = K.tanh(x_t + 0.5 * states[0])
        return h, [h]
    return K.rnn(step, x, [h0])[1]


def _lstm_scan_sum(z, h0, c0, kernel, masked=False, with_gates=False, weights=(None, None), last_only=False):
    """The stacked outputs (or with `last_only` the last one) and the final cell
    state of `K.lstm_scan` (and, with `with_gates`, its activated gates, read
    from the op's third output); `weights`: the input kernel and bias when `z`
    holds the inputs to project."""
    mask = K.constant([[1, 1, 0], [1, 0, 1]], dtype='bool') if masked else None
    last, outputs, states = K.lstm_scan(z, [h0, c0], kernel, mask=mask, kernel=weights[0], bias=weights[1])
    result = (last if last_only else K.sum(outputs, axis=1)) + 2.0 * states[1]
    if with_gates:
        gates = states[1].owner.inputs[0].owner.outputs[2]
        result = result + K.sum(gates, axis=(0, 2))[:, None] * 0.5
    return result


def _gather_gradient(x, indices):
    """The gradient of sum(gather(table, indices) * x) with respect to a (4, n)
    table: `x`'s rows scatter-added at `indices`, which repeat."""
    table = K.constant(np.zeros((4,) + K.int_shape(x)[2:]), dtype=K.dtype(x))
    lookup = K.gather(table, K.constant(indices, dtype='int32'))
    return K.gradients(K.sum(lookup * x), [table])[0]


class _TwoProcessMean(object):
    """A stand-in communicator for `K.cross_process_mean`: the other process holds 3 * x,
    so the mean over both is the linear map 2 * x."""

    def mean(self, array):
        return (array + 3.0 * array) / 2.0


def _ctc_cost(x):
    labels = K.constant([[0, 1], [1, 1]], dtype='int32')
    return K.ctc_batch_cost(labels, K.softmax(x), K.constant([[4], [4]], dtype='int32'),
                            K.constant([[2], [2]], dtype='int32'))


def _cast_round_trip(x):
    return K.cast(K.cast(x, 'float32'), 'float64') * 2.0


# name -> (build, input arrays, check_op keyword arguments: tolerances, step, placeholder shapes)
CASES = {
    'arithmetic with broadcasting': (lambda a, b: (a + b) * a - b / (a * a + 1.0) - (-a), [signed(2, 3), signed(3)], {}),
    'd(arithmetic with broadcasting)': (d(lambda a, b: (a + b) * a * b - b / (a * a + 1.0)), [signed(2, 3), signed(3)], {}),
    'd(d(broadcasting))': (d(d(lambda a, b: a * a * b * b)), [signed(2, 3), signed(3)], {}),
    'pow': (lambda a, b: K.pow(a, 2.5) + a ** b, [positive(2, 3), positive(2, 3)], {}),
    'unary functions': (lambda x: (K.sin(x) + K.cos(x) + K.tanh(x) + K.sigmoid(x) + K.softplus(x) + K.softsign(x)
                                   + K.elu(x) + K.abs(x) + K.square(x) + K.exp(x) + K.sqrt(K.abs(x) + 1.0)
                                   + K.log(K.abs(x) + 1.0) + K.identity(x)), [signed(3, 4)], {}),
    'd(unary functions)': (d(lambda x: (K.sin(x) * K.cos(x) + K.tanh(x) + K.sigmoid(x) + K.softplus(x)
                                        + K.softsign(x) + K.elu(x) + K.abs(x) * x + K.sqrt(K.square(x) + 1.0)
                                        + K.log(K.square(x) + 1.0) + K.exp(x))), [signed(3, 4)], {}),
    'relu': (lambda x: K.relu(x, alpha=0.1, max_value=0.8) + K.relu(x), [signed(3, 4)], {}),
    'd(relu)': (d(lambda x: K.relu(x) * x + K.relu(x, alpha=0.1, max_value=0.8) * x), [signed(3, 4)], {}),
    'flush denormals': (lambda x: (K.flush_denormals(x * x, nonnegative=True) * x + K.flush_denormals(x)
                                   + K.flush_denormals(x, step=K.constant(3, dtype='int64'), every=2)),
                        [signed(3, 4)], {}),
    'clip': (lambda x: K.clip(x, -0.5, 0.5), [signed(3, 4) * 0.3 + np.sign(signed(3, 4)) * 0.0], {}),
    'd(clip)': (d(lambda x: K.clip(x, -0.5, 0.5) * x), [RNG.uniform(-0.4, 0.4, (3, 4))], {}),
    'maximum and minimum': (lambda a, b: K.maximum(a, b) + K.minimum(a, b) * a, [distinct(2, 3), distinct(2, 3) + 0.01], {}),
    'd(maximum and minimum)': (d(lambda a, b: K.maximum(a * a, b) + K.minimum(a, b) * a),
                               [distinct(2, 3), distinct(2, 3) + 0.01], {}),
    'switch': (lambda a, b: K.switch(K.greater(a, 0.0), a * b, b), [signed(2, 3), signed(2, 3)], {}),
    'cast': (_cast_round_trip, [signed(2, 3)], {'eps': 1e-3, 'rtol': 1e-3}),
    'cumulative sum and product': (lambda x: K.cumsum(x, axis=1) + K.cumprod(x, axis=0), [positive(3, 4)], {}),
    'd(cumulative sum)': (d(lambda x: K.cumsum(x * x, axis=1)), [signed(3, 4)], {}),
    'reductions': (lambda x: (K.sum(x, axis=1) + K.mean(x, axis=1) + K.max(x, axis=1) + K.min(x, axis=1)
                              + K.prod(K.abs(x) + 0.5, axis=1) + K.std(x, axis=1)), [distinct(3, 4)], {}),
    'd(reductions)': (d(lambda x: K.sum(x * x, axis=1, keepdims=True) * K.max(x, axis=0)
                        + K.mean(x * x, axis=0) * K.prod(x, axis=1, keepdims=True)), [distinct(3, 4)], {}),
    'matrix products': (lambda a, b, c: K.dot(a, b) + K.batch_dot(K.expand_dims(a, 1), K.expand_dims(c, 1),
                                                                   axes=(2, 2)),
                        [signed(2, 3), signed(3, 4), signed(2, 3)], {}),
    'd(matrix product)': (d(lambda a, b: K.dot(a * a, b)), [signed(2, 3), signed(3, 4)], {}),
    'layout': (lambda x: (K.sum(K.permute_dimensions(x, (2, 1, 0)), axis=2) + K.transpose(x[0])
                          + K.reshape(x[1], (4, 3)) + K.transpose(K.squeeze(K.expand_dims(x[1], 0), 0))
                          + K.reverse(K.transpose(x[0]), axes=1) + K.sum(K.batch_flatten(x))), [signed(2, 3, 4)], {}),
    'd(layout)': (d(lambda x: K.reshape(x * x, (4, 6)) * 2.0 + K.reshape(K.batch_flatten(x * x), (4, 6))),
                  [signed(2, 3, 4)], {}),
    'dynamic reshape': (lambda x, y: K.reshape(x * x, K.shape(y)), [signed(2, 6), signed(3, 4)], {}),
    'batch flatten of unknown dims': (lambda x: K.batch_flatten(x * x), [signed(2, 3, 2)], {'shapes': [(None, None, 2)]}),
    'floor division and modulo': (lambda x, y: x % y + (x // y) * y, [positive(2, 3) * 3.0 + 0.1, positive(2, 3)],
                                  {}),
    'tile and repeat': (lambda x: K.sum(K.tile(x, (2, 3))) * x + K.repeat_elements(x, 2, axis=1)[:, ::2],
                        [signed(2, 3)], {}),
    'd(tile and repeat)': (d(lambda x: K.tile(x * x, (2, 3))[:2, :3] + K.repeat_elements(x * x, 2, axis=1)[:, 1::2]),
                           [signed(2, 3)], {}),
    'padding': (lambda x: K.spatial_2d_padding(x, ((1, 0), (0, 2))) * 2.0, [signed(1, 2, 3, 2)], {}),
    'd(padding)': (d(lambda x: K.spatial_2d_padding(x * x, ((1, 0), (0, 2)))), [signed(1, 2, 3, 2)], {}),
    'concatenate': (lambda a, b: K.concatenate([a, b * b, a], axis=1), [signed(2, 3), signed(2, 2)], {}),
    'd(concatenate)': (d(lambda a, b: K.concatenate([a * a, b, a], axis=1)), [signed(2, 3), signed(2, 2)], {}),
    'd(d(concatenate))': (d(d(lambda a, b: K.concatenate([a * a * a, b], axis=1))), [signed(2, 3), signed(2, 2)], {}),
    'd(d(d(concatenate)))': (d(d(d(lambda a, b: K.concatenate([a * a * a * a, b], axis=1)))),
                             [signed(2, 3), signed(2, 2)], {}),
    'indexing and gather': (lambda x: x[1:, ::2] * 2.0 + K.gather(x, K.constant([2, 0], dtype='int32'))[:, ::2],
                            [signed(3, 4)], {}),
    'd(indexing and gather)': (d(lambda x: (x * x)[1:, ::2] + K.gather(x * x, K.constant([2, 0, 2], dtype='int32'))[:2, ::2]),
                               [signed(3, 4)], {}),
    'gather gradient rows': (lambda x: K.gather_gradient_rows(_gather_gradient(x, [[2, 0], [2, 2], [1, 0]]))[1] * 1.5,
                             [signed(3, 2, 4)], {}),
    'scatter add rows': (lambda x, rows: K.scatter_add_rows(x * x, K.constant([3, 0], dtype='int32'), rows * x[:2]),
                         [signed(4, 3), signed(2, 3)], {}),
    'softmax and log-softmax': (lambda x: K.softmax(x) * 3.0 + K.log_softmax(x, axis=0), [signed(3, 4)], {}),
    'd(softmax and log-softmax)': (d(lambda x: K.softmax(x) * x + K.log_softmax(x) * x), [signed(3, 4)], {}),
    'convolution': (lambda x, k: K.conv2d(x, k, padding='same'), [signed(1, 4, 4, 2), signed(3, 3, 2, 2)], {}),
    'd(convolution) by input': (d(lambda x, k: K.conv2d(x * x, k, strides=(2, 1))), [signed(1, 5, 4, 2), signed(3, 3, 2, 2)], {}),
    'd(convolution) by kernel': (d(lambda k, x: K.conv2d(x, k * k, dilation_rate=(1, 2))), [signed(3, 2, 2, 2), signed(1, 5, 5, 2)], {}),
    'locally connected patches': (lambda x, k: K.local_conv2d(x, k, (2, 2), (1, 1), (2, 2)),
                                  [signed(1, 3, 3, 2), signed(4, 8, 3)], {}),
    'd(locally connected patches)': (d(lambda x, k: K.local_conv2d(x * x, k, (2, 2), (1, 1), (2, 2))),
                                     [signed(1, 3, 3, 2), signed(4, 8, 3)], {}),
    'pooling': (lambda x: K.pool2d(x, (2, 2), (2, 2), pool_mode='max') + K.pool2d(x, (2, 2), (2, 2), pool_mode='avg'),
                [distinct(1, 4, 4, 2)], {}),
    'd(pooling)': (d(lambda x: K.pool2d(x * x, (2, 2), (1, 1), pool_mode='max')
                     + K.pool2d(x * x, (2, 2), (1, 1), pool_mode='avg')), [distinct(1, 3, 3, 2) + 1.5], {}),
    'd(d(max pooling))': (d(d(lambda x: K.pool2d(x * x * x, (2, 2), (1, 1), pool_mode='max'))),
                          [distinct(1, 3, 3, 1) + 1.5], {}),
    'LSTM gates': (lambda z, c: K.concatenate(K.lstm_gates(z, c), axis=-1), [signed(2, 12), signed(2, 3)], {}),
    'd(LSTM gates)': (d(lambda z, c: K.concatenate(K.lstm_gates(z * z, c), axis=-1)), [signed(2, 12), signed(2, 3)], {}),
    'GRU gates': (lambda x, inner, h: K.gru_gates(x, inner, h), [signed(2, 9), signed(2, 9), signed(2, 3)], {}),
    'd(GRU gates)': (d(lambda x, inner, h: K.gru_gates(x * x, inner, h)), [signed(2, 9), signed(2, 9), signed(2, 3)], {}),
    'LSTM scan': (lambda z, h0, c0, k: _lstm_scan_sum(z, h0, c0, k), [signed(2, 3, 8), signed(2, 2), signed(2, 2),
                                                                      signed(2, 8)], {}),
    'masked LSTM scan': (lambda z, h0, c0, k: _lstm_scan_sum(z, h0, c0, k, masked=True),
                         [signed(2, 3, 8), signed(2, 2), signed(2, 2), signed(2, 8)], {}),
    'LSTM scan with its gates': (lambda z, h0, c0, k: _lstm_scan_sum(z, h0, c0, k, with_gates=True),
                                 [signed(2, 3, 8), signed(2, 2), signed(2, 2), signed(2, 8)], {}),
    'd(LSTM scan)': (d(lambda z, h0, c0, k: _lstm_scan_sum(z * z, h0, c0, k)),
                     [signed(2, 3, 8), signed(2, 2), signed(2, 2), signed(2, 8)], {}),
    'd(LSTM scan), last output': (d(lambda z, h0, c0, k: _lstm_scan_sum(z * z, h0, c0, k, last_only=True)),
                                  [signed(2, 3, 8), signed(2, 2), signed(2, 2), signed(2, 8)], {}),
    'projecting LSTM scan': (lambda x, w, b, h0, c0, k: _lstm_scan_sum(x, h0, c0, k, weights=(w, b), masked=True),
                             [signed(2, 3, 2), signed(2, 8), signed(8), signed(2, 2), signed(2, 2), signed(2, 8)], {}),
    'd(projecting LSTM scan)': (d(lambda x, w, b, h0, c0, k: _lstm_scan_sum(x * x, h0, c0, k, weights=(w, b))),
                                [signed(2, 3, 2), signed(2, 8), signed(8), signed(2, 2), signed(2, 2), signed(2, 8)],
                                {}),
    'recurrent scan': (_rnn_sum, [signed(2, 3, 2), signed(2, 2)], {}),
    'masked scan': (lambda x, h0: K.rnn(lambda x_t, s: (x_t + s[0], [x_t + s[0]]), x, [h0],
                                        mask=K.constant([[1, 1, 0], [1, 0, 1]], dtype='bool'))[1],
                    [signed(2, 3, 2), signed(2, 2)], {}),
    'cross-process mean': (lambda x: K.cross_process_mean(x * x, _TwoProcessMean()), [signed(2, 3)], {}),
    'CTC loss': (_ctc_cost, [signed(2, 4, 3)], {}),
    'print tensor': (lambda x: K.print_tensor(x * x, message='') * 2.0, [signed(2, 2)], {}),
}


@contextlib.contextmanager
def recording_gradient_rules():
    """Yields the set of op class names whose gradient rule runs inside the block."""
    called = set()
    patched = {}
    for cls in OP_REGISTRY.values():
        for owner in cls.__mro__:
            if issubclass(owner, Op) and owner is not Op and 'grad' in owner.__dict__ and owner not in patched:
                patched[owner] = owner.__dict__['grad']

                def recorded(self, inputs, outputs, gs, _rule=patched[owner]):
                    called.add(type(self).__name__)
                    return _rule(self, inputs, outputs, gs)
                owner.grad = recorded
    try:
        yield called
    finally:
        for owner, rule in patched.items():
            owner.grad = rule


def _symbolic_gradients(build, arrays, shapes=None):
    placeholders = [K.placeholder(shape=s, dtype=a.dtype.name) for a, s in zip(arrays, shapes or [a.shape for a in arrays])]
    out = build(*placeholders)
    wrt = [p for p, a in zip(placeholders, arrays) if a.dtype.kind == 'f']
    K.gradients(K.sum(out), wrt)


@pytest.mark.parametrize('name', sorted(CASES))
def test_gradient_rule_matches_central_differences(name, capsys):
    build, arrays, options = CASES[name]
    check_op(build, [np.array(a, dtype='float64') for a in arrays], **options)


def test_every_differentiable_op_has_its_gradient_rule_checked():
    with recording_gradient_rules() as called:
        for build, arrays, options in CASES.values():
            _symbolic_gradients(build, [np.array(a, dtype='float64') for a in arrays], options.get('shapes'))
    differentiable = {name for name, cls in OP_REGISTRY.items() if cls.differentiable}
    unchecked = sorted(differentiable - called)
    assert not unchecked, ('differentiable ops whose gradient rule no case in %s runs: %s (add a case)'
                           % (__name__, ', '.join(unchecked)))
