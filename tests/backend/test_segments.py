"""Runs of elementwise steps split over threads (backend/graph/segments.py)."""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras import layers, models, optimizers
from minikeras.backend.graph import segments
from minikeras.backend.graph.compiler import GraphExecutionError


@pytest.fixture
def tiny_segments(monkeypatch):
    """Segments for arrays of any size (the tests' arrays are small)."""
    monkeypatch.setattr(segments, 'MIN_PARALLEL_ELEMENTS', 0)
    monkeypatch.setattr(segments, 'MIN_SPLIT_STEP_ELEMENTS', 0)


@pytest.fixture
def two_threads():
    before = K.get_num_threads()
    K.set_num_threads(2)
    yield
    K.set_num_threads(before)


def _train(optimizer, split, threads=2, steps=4, seed=0):
    """A small MLP trained a few steps on `threads` threads, with its elementwise
    runs split over them or not; returns its weights and optimizer state."""
    K.clear_session()
    before, threshold = K.get_num_threads(), segments.MIN_PARALLEL_ELEMENTS
    K.set_num_threads(threads)
    segments.MIN_PARALLEL_ELEMENTS = threshold if split else 1 << 60
    try:
        rng = np.random.RandomState(seed)
        model = models.Sequential([layers.Dense(300, activation='relu', input_shape=(260,)),
                                   layers.Dense(10, activation='softmax')])
        model.set_weights([rng.uniform(-0.1, 0.1, w.shape).astype('float32') for w in model.get_weights()])
        model.compile(optimizer, 'categorical_crossentropy')
        x = rng.rand(64, 260).astype('float32')
        y = np.eye(10, dtype='float32')[rng.randint(0, 10, 64)]
        for _ in range(steps):
            model.train_on_batch(x, y)
        return model.get_weights() + model.optimizer.get_weights()
    finally:
        K.set_num_threads(before)
        segments.MIN_PARALLEL_ELEMENTS = threshold


OPTIMIZERS = {
    'sgd_nesterov': lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    'rmsprop': lambda: optimizers.RMSprop(),
    'adagrad': lambda: optimizers.Adagrad(),
    'adadelta': lambda: optimizers.Adadelta(),
    'adam': lambda: optimizers.Adam(),
    'adam_amsgrad_clipped': lambda: optimizers.Adam(amsgrad=True, clipnorm=0.5, clipvalue=0.01),
    'adamax': lambda: optimizers.Adamax(),
    'nadam': lambda: optimizers.Nadam(),
}


@pytest.mark.parametrize('name', sorted(OPTIMIZERS))
def test_split_runs_give_the_same_bits(name):
    whole = _train(OPTIMIZERS[name](), split=False)
    split = _train(OPTIMIZERS[name](), split=True)
    for a, b in zip(whole, split):
        np.testing.assert_array_equal(a, b)


def test_optimizer_updates_form_one_split_segment():
    model = models.Sequential([layers.Dense(300, activation='relu', input_shape=(260,)),
                               layers.Dense(10, activation='softmax')])
    model.compile(optimizers.Adam(), 'categorical_crossentropy')
    model.train_on_batch(np.zeros((4, 260), 'float32'), np.eye(10, dtype='float32')[:4])
    program = model.train_function._program(1)
    found = [step[0].__self__ for step in program.steps if step[1] is None]
    # Adam's chain for the one large weight ends the program as one segment; the small weights'
    # steps (biases, the 300x10 kernel) run whole before it, outside any segment.
    last = found[-1]
    assert len(last.members) >= 12
    assert all(tuple(member[3].outputs[0].shape) == (260, 300) for member in last.members)
    assert not any(segments._small(member[3]) for segment in found for member in segment.members)


def test_sink_elementwise_keeps_a_valid_order():
    x = K.placeholder((None, 400))
    w = K.variable(np.ones((400, 300), 'float32'))
    scaled = w * 2.0               # read only by the update: sinks to the end
    loss = K.sum(K.relu(K.dot(x, w)))
    f = K.function([x], [loss], updates=[(w, scaled - K.square(w) * 0.001)])
    program = f._program(0)
    produced = set(program.input_slots) | {s for s, _ in program.var_slots}
    produced |= {s for s, v in enumerate(program.template) if v is not None}
    for forward, in_slots, out, free, apply in program.steps:
        if in_slots is None:
            for member in forward.__self__.members:
                assert all(s in produced for s in member[1])
                produced.add(member[2])
        else:
            assert all(s in produced for s in in_slots)
            produced.update([out] if type(out) is int else out)
    names = [a.op.name for a in program.applies]
    assert names.index('MatMul') < names.index('Mul')
    value = np.random.rand(3, 400).astype('float32')
    np.testing.assert_allclose(f([value])[0], np.maximum(value.dot(np.ones((400, 300))), 0).sum(), rtol=1e-5)


def _apply(op_name, shape, in_shapes):
    """A stand-in for an op application with the given static shapes."""
    class Fake(object):
        pass
    apply = Fake()
    apply.op = Fake()
    apply.op.forward_out = lambda *a: None
    apply.op.n_outputs = 1
    apply.op.name = op_name
    apply.outputs = [Fake()]
    apply.outputs[0].shape, apply.outputs[0].dtype = shape, 'float32'
    apply.inputs = []
    for s in in_shapes:
        t = Fake()
        t.shape = s
        apply.inputs.append(t)
    return apply


def test_plan_cuts_where_a_block_would_need_another_threads_rows(tiny_segments):
    steps = [
        (_apply('Mul', (8,), [(8,), ()]), (0, 1), (2,)),          # a vector computed in the segment
        (_apply('Add', (8,), [(8,), (8,)]), (2, 0), (3,)),        # reads it row-aligned: same segment
        (_apply('Add', (5, 8), [(5, 8), (8,)]), (4, 3), (5,)),    # reads it whole (broadcast): cut
        (_apply('Mul', (5, 8), [(5, 8), ()]), (5, 1), (6,)),
    ]
    plan = segments.plan_segments(steps, [None] * 4, lambda s: s, lambda s: False)
    assert plan == [[0, 1], [2, 3]]


def test_plan_cuts_before_an_in_place_write_to_a_buffer_read_whole(tiny_segments):
    steps = [
        (_apply('Add', (5, 8), [(5, 8), (8,)]), (0, 1), (2,)),    # reads slot 1 whole
        (_apply('Mul', (8,), [(8,), ()]), (1, 3), (4,)),          # would overwrite slot 1 in place
        (_apply('Mul', (8,), [(8,), ()]), (4, 3), (5,)),
    ]
    assert segments.plan_segments(steps, [None, 0, None], lambda s: s, lambda s: False) == [[0], [1, 2]]
    assert segments.plan_segments(steps, [None, None, None], lambda s: s, lambda s: False) == [[0, 1, 2]]


def test_a_lone_step_is_a_segment_only_when_large():
    conv_sized = _apply('ReluGrad', (None, 24, 24, 64), [(None, 24, 24, 64), (None, 24, 24, 64)])
    dense_sized = _apply('ReluGrad', (None, 512), [(None, 512), (None, 512)])
    weight_sized = _apply('Mul', (784, 512), [(784, 512), ()])
    bias_sized = _apply('Mul', (512,), [(512,), ()])
    steps = [(conv_sized, (0, 1), (2,)), (_apply('MatMul', (None, 9), []), (2,), (3,)),
             (dense_sized, (3, 4), (5,)), (_apply('MatMul', (None, 9), []), (5,), (6,)),
             (weight_sized, (7, 8), (9,)), (_apply('MatMul', (None, 9), []), (9,), (10,)),
             (bias_sized, (11, 8), (12,))]
    for i in (1, 3, 5):
        steps[i][0].op.forward_out = None  # not elementwise
    assert segments.plan_segments(steps, [None] * 7, lambda s: s, lambda s: False) == [[0], [4]]


def test_small_ops_of_every_kind_split_alike(two_threads, tiny_segments, monkeypatch):
    rng = np.random.RandomState(3)
    a = K.variable(rng.randn(7, 5).astype('float32'))
    b = K.variable(rng.randn(5).astype('float32'))
    step = K.variable(np.int64(16), dtype='int64')
    y = K.relu(a * b + 1.0)
    y = K.clip(y - 0.5, -0.2, 0.7) * K.abs(a)
    y = K.flush_denormals(y * 1e-39, nonnegative=False, step=step, every=16) + K.sqrt(K.square(a))
    grads = K.gradients(K.sum(y * y), [a, b])
    outputs = [y] + grads
    split = K.function([], outputs)([])
    monkeypatch.setattr(segments, 'MIN_PARALLEL_ELEMENTS', 1 << 60)
    whole = K.function([], outputs)([])
    for s, w in zip(split, whole):
        np.testing.assert_array_equal(s, w)


def test_an_error_in_a_split_segment_names_the_op(two_threads, tiny_segments, monkeypatch):
    a = K.variable(np.ones((6, 4), 'float32'))
    f = K.function([], [K.exp(a * 2.0) + 1.0])
    program = f._program(0)
    segment = next(step[0].__self__ for step in program.steps if step[1] is None)
    apply = segment.members[0][3]

    def broken(out, *arrays):
        raise FloatingPointError('boom')
    monkeypatch.setattr(apply.op, 'forward_out', broken)
    with pytest.raises(GraphExecutionError, match='boom'):
        f([])


def test_batch_sized_runs_split_by_their_run_time_rows(two_threads, tiny_segments, monkeypatch):
    x = K.placeholder((None, 30))
    b = K.variable(np.linspace(-1, 1, 30).astype('float32'))
    y = K.relu(x * 2.0 + b) - K.square(x)
    f = K.function([x], [y, K.gradients(K.sum(y * y), [x])[0]])
    program = f._program(0)
    assert any(step[1] is None for step in program.steps)
    for rows in (7, 2, 1):
        value = np.random.RandomState(rows).randn(rows, 30).astype('float32')
        split = f([value])
        monkeypatch.setattr(segments, 'MIN_PARALLEL_ELEMENTS', 1 << 60)
        whole = f([value])
        monkeypatch.setattr(segments, 'MIN_PARALLEL_ELEMENTS', 0)
        for s, w in zip(split, whole):
            np.testing.assert_array_equal(s, w)


def test_rows_that_broadcast_at_run_time_run_op_by_op(two_threads, tiny_segments, monkeypatch):
    a, c = K.placeholder((None, 4)), K.placeholder((None, 4))
    f = K.function([a, c], [K.exp(a * c) + a])
    av = np.random.rand(6, 4).astype('float32')
    cv = np.random.rand(1, 4).astype('float32')   # broadcasts along the rows
    np.testing.assert_allclose(f([av, cv])[0], np.exp(av * cv) + av, rtol=1e-6)


def test_a_small_batch_runs_op_by_op_without_the_full_size_check(two_threads, monkeypatch):
    x = K.placeholder(shape=(None, 64))
    f = K.function([x], [K.relu(x * 2.0 + 1.0)])
    program = f._program(0)
    segment = [step[0].__self__ for step in program.steps if step[1] is None]
    assert segment, 'the elementwise run should be a segment'
    full_checks = []
    full_check = segment[0]._rows
    monkeypatch.setattr(segment[0], '_rows', lambda env: full_checks.append(1) or full_check(env))
    value = np.arange(-64, 64, dtype='float32').reshape(2, 64)
    np.testing.assert_array_equal(f([value])[0], np.maximum(value * 2 + 1, 0))
    assert full_checks == []
    big = np.ones((segments.MIN_PARALLEL_ELEMENTS // 64 + 1, 64), dtype='float32')
    np.testing.assert_array_equal(f([big])[0], np.full(big.shape, 3.0, dtype='float32'))
    assert full_checks == [1]
