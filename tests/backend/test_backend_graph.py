"""The graph engine: op registry, gradients (incl. second order), the function
compiler (pruning, CSE, folding, updates, learning phase) and error messages."""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras.backend.graph import compiler
from minikeras.backend.graph.op import OP_REGISTRY, Op


def test_every_op_has_a_gradient_rule_or_is_marked_nondifferentiable():
    import minikeras.backend.ops.scan  # noqa: F401  (registers Scan)
    missing = [name for name, cls in OP_REGISTRY.items()
               if cls.differentiable and cls.grad is Op.grad]
    assert not missing, 'ops without a gradient rule or a non-differentiable mark: %s' % missing
    assert len(OP_REGISTRY) > 40


def test_second_order_gradient_matches_analytic():
    # f(x) = sum(x^3) -> df/dx = 3x^2 -> d/dx sum(3x^2) = 6x
    x = K.placeholder((3,), dtype='float64')
    g = K.gradients(K.sum(x ** 3), [x])[0]
    gg = K.gradients(K.sum(g), [x])[0]
    value = np.array([1.0, -2.0, 0.5])
    out = K.function([x], [g, gg])([value])
    np.testing.assert_allclose(out[0], 3 * value ** 2)
    np.testing.assert_allclose(out[1], 6 * value)


def test_gradient_penalty_through_a_network():
    # d/dW of ||d(sum(tanh(xW)))/dx||^2, checked numerically.
    rng = np.random.RandomState(0)
    w_value = rng.randn(3, 2)
    x = K.placeholder((4, 3), dtype='float64')
    w = K.variable(w_value, dtype='float64')
    gx = K.gradients(K.sum(K.tanh(K.dot(x, w))), [x])[0]
    penalty = K.sum(K.square(gx))
    gw = K.gradients(penalty, [w])[0]
    xv = rng.randn(4, 3)
    f = K.function([x], [penalty, gw])
    analytic = f([xv])[1]
    numeric = np.zeros_like(w_value)
    eps = 1e-6
    for idx in np.ndindex(w_value.shape):
        for sign in (1, -1):
            shifted = w_value.copy()
            shifted[idx] += sign * eps
            K.set_value(w, shifted)
            numeric[idx] += sign * f([xv])[0] / (2 * eps)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def test_gradients_sum_over_broadcast_and_give_zeros_for_unrelated_variables():
    x = K.placeholder((None, 3))
    b = K.variable(np.zeros(3))
    unrelated = K.variable(np.ones((2, 2)))
    gb, gu = K.gradients(K.sum(x + b), [b, unrelated])
    out = K.function([x], [gb, gu])([np.ones((5, 3))])
    np.testing.assert_array_equal(out[0], [5, 5, 5])
    np.testing.assert_array_equal(out[1], np.zeros((2, 2)))


def test_updates_are_simultaneous_and_after_outputs():
    a = K.variable(1.0)
    b = K.variable(2.0)
    f = K.function([], [a + b], updates=[K.update(a, b), K.update(b, a), (a, b)][:2])
    out = f([])
    assert float(out[0]) == 3.0
    assert float(K.get_value(a)) == 2.0 and float(K.get_value(b)) == 1.0


def test_update_helpers_and_tuple_updates():
    v = K.variable(np.array([1.0, 2.0]))
    K.function([], [], updates=[K.update_add(v, 1.0)])([])
    np.testing.assert_array_equal(K.get_value(v), [2.0, 3.0])
    K.function([], [], updates=[(v, v * 2)])([])
    np.testing.assert_array_equal(K.get_value(v), [4.0, 6.0])
    K.function([], [], updates=[K.update_sub(v, 1.0)])([])
    np.testing.assert_array_equal(K.get_value(v), [3.0, 5.0])
    K.function([], [], updates=[K.moving_average_update(v, K.constant([1.0, 1.0]), 0.5)])([])
    np.testing.assert_array_equal(K.get_value(v), [2.0, 3.0])


def test_compiler_merges_common_subexpressions_and_folds_constants():
    x = K.placeholder((2,))
    c = K.constant([1.0, 2.0]) * 3.0 + 1.0
    y = K.exp(x) + K.exp(x) + c
    f = K.function([x], [y])
    program = f._program(0)
    names = [apply.op.name for apply in program.applies]
    assert names.count('Exp') == 1
    assert 'Mul' not in names  # the constant subexpression was folded
    np.testing.assert_allclose(f([np.zeros(2)])[0], [2 + 4, 2 + 7])


def test_compiled_program_is_built_once_and_prunes_unused_nodes():
    x = K.placeholder((2,))
    unused = K.exp(x) * 5.0
    y = x + 1.0
    f = K.function([x], [y])
    f([np.zeros(2)])
    program = f._program(0)
    assert f._program(0) is program
    assert [apply.op.name for apply in program.applies] == ['Add']
    del unused


def test_learning_phase_selects_branch_at_compile_time():
    x = K.placeholder((3,))
    noisy = K.in_train_phase(lambda: K.dropout(x, 0.5), x)
    f = K.function([x, K.learning_phase()], [noisy])
    np.testing.assert_array_equal(f([np.ones(3), 0])[0], np.ones(3))
    assert set(np.unique(f([np.ones(1000 * 3).reshape(3000)[:3], 1])[0])) <= {0.0, 2.0}
    test_program = f._program(0)
    assert all(apply.op.deterministic for apply in test_program.applies)
    assert getattr(noisy, '_uses_learning_phase', False)
    # Not fed: the test phase is used.
    np.testing.assert_array_equal(K.function([x], [noisy])([np.ones(3)])[0], np.ones(3))


def test_set_learning_phase_fixes_the_phase():
    K.set_learning_phase(1)
    assert K.learning_phase() == 1
    x = K.constant([1.0])
    assert K.in_train_phase(x * 2, x) is not x
    K.clear_session()
    assert K.is_placeholder(K.learning_phase())


def test_random_ops_are_fresh_each_run_and_seedable():
    f = K.function([], [K.random_normal((4,), seed=3)])
    first, second = f([])[0], f([])[0]
    assert not np.allclose(first, second)
    g = K.function([], [K.random_normal((4,), seed=3)])
    np.testing.assert_array_equal(g([])[0], first)
    u = K.eval(K.random_uniform((1000,), -2, 3))
    assert u.min() >= -2 and u.max() <= 3
    b = K.eval(K.random_binomial((1000,), p=0.3))
    assert set(np.unique(b)) <= {0.0, 1.0} and 0.2 < b.mean() < 0.4
    t = K.eval(K.truncated_normal((2000,), 1.0, 0.5))
    assert np.all(np.abs(t - 1.0) <= 1.0 + 1e-6)
    x = K.placeholder((None, 3))
    shaped = K.function([x], [K.random_uniform(K.shape(x))])([np.zeros((5, 3))])[0]
    assert shaped.shape == (5, 3)


def test_dropout_scales_kept_units():
    x = K.placeholder((None, 100))
    out = K.function([x], [K.dropout(x, 0.25, seed=1)])([np.ones((50, 100))])[0]
    assert set(np.unique(out)) <= {0.0, np.float32(1 / 0.75)}
    assert 0.65 < (out > 0).mean() < 0.85
    noise = K.function([x], [K.dropout(x, 0.5, noise_shape=(1, 100))])([np.ones((4, 100))])[0]
    assert np.all(noise == noise[0])
    # Known static dims survive, a size-1 axis included (RNN dropout on one feature).
    assert K.int_shape(K.dropout(K.placeholder((None, 4, 1)), 0.5)) == (None, 4, 1)


def test_shape_errors_at_graph_build_time_name_both_shapes():
    a = K.placeholder((None, 3))
    b = K.placeholder((None, 4))
    with pytest.raises(ValueError, match=r'\(None, 3\).*\(None, 4\)'):
        a + b
    with pytest.raises(ValueError, match=r'\(None, 3\).*\(5, 2\)'):
        K.dot(a, K.placeholder((5, 2)))
    with pytest.raises(ValueError, match=r'\(2, 3\).*\(2, 4\)'):
        K.concatenate([K.placeholder((2, 3)), K.placeholder((2, 4))], axis=0)


def test_feeding_wrong_shape_names_the_placeholder_and_both_shapes():
    x = K.placeholder((None, 3), name='features')
    f = K.function([x], [x * 2])
    with pytest.raises(ValueError, match=r"'features'.*\(None, 3\).*\(2, 4\)"):
        f([np.zeros((2, 4))])
    with pytest.raises(ValueError, match='features'):
        f([np.zeros(3)])
    with pytest.raises(ValueError, match='expects 1 inputs'):
        f([])
    with pytest.raises(ValueError, match='features'):
        f([np.array([['a', 'b', 'c']])])


def test_runtime_failure_names_op_shapes_and_origin():
    x = K.placeholder((None, 3))
    y = K.reshape(x, (-1, 2))
    f = K.function([x], [y])
    with pytest.raises(compiler.GraphExecutionError, match=r'(?s)Reshape failed.*input shapes: \(1, 3\).*test_backend_graph.py'):
        f([np.zeros((1, 3))])


def test_unfed_placeholder_is_reported():
    x = K.placeholder((2,), name='needed')
    with pytest.raises(ValueError, match='needed'):
        K.function([], [x * 2])([])


def test_variables_values_and_helpers():
    v = K.variable(np.arange(6).reshape(2, 3), dtype='float32', name='v')
    assert K.int_shape(v) == (2, 3) and K.dtype(v) == 'float32'
    value = K.get_value(v)
    value[0, 0] = 100.0
    assert K.get_value(v)[0, 0] == 0.0  # get_value returns a copy
    with pytest.raises(ValueError, match=r"'v'.*\(2, 3\).*\(3, 2\)"):
        K.set_value(v, np.zeros((3, 2)))
    K.batch_set_value([(v, np.ones((2, 3)))])
    assert K.batch_get_value([v])[0].sum() == 6
    assert K.eval(K.zeros((2, 2))).sum() == 0 and K.eval(K.ones((2,))).sum() == 2
    np.testing.assert_array_equal(K.eval(K.eye(2)), np.eye(2))
    assert K.is_keras_tensor(K.placeholder((2,))) is False
    with pytest.raises(ValueError, match='symbolic tensor'):
        K.is_keras_tensor(np.zeros(2))
    assert K.is_tensor(v) and K.is_variable(v) and not K.is_placeholder(v)
    assert K.eval(K.cast(K.constant([1.7]), 'int32')).tolist() == [1]
    assert K.cast_to_floatx(np.array([1], dtype='int64')).dtype == np.float32
    r = K.random_uniform_variable((2, 2), 0, 1, seed=1)
    assert K.get_value(r).shape == (2, 2)
    assert K.get_value(K.random_normal_variable((3,), 0, 1, seed=1)).shape == (3,)
    assert K.eval(K.zeros_like(v)).sum() == 0 and K.eval(K.ones_like(v)).sum() == 6
    assert K.eval(K.identity(v)).sum() == 6


def test_python_operators_on_tensors():
    x = K.constant([1.0, 2.0, 4.0])
    np.testing.assert_allclose(K.eval(2.0 - x), [1, 0, -2])
    np.testing.assert_allclose(K.eval(1.0 / x), [1, 0.5, 0.25])
    np.testing.assert_allclose(K.eval(-x + abs(x)), [0, 0, 0])
    np.testing.assert_allclose(K.eval(x ** 2), [1, 4, 16])
    np.testing.assert_allclose(K.eval(np.array([1.0, 1.0, 1.0], 'float32') * x), [1, 2, 4])
    assert K.eval(x > 1.5).tolist() == [False, True, True]
    assert K.eval(x <= 2).tolist() == [True, True, False]
    assert K.eval(x * 0.5).dtype == np.float32
    with pytest.raises(TypeError, match='truth value'):
        bool(x > 1)


def test_print_tensor_prints_and_passes_value(capsys):
    x = K.constant([1.0])
    out = K.eval(K.print_tensor(x, message='value:'))
    assert out.tolist() == [1.0]
    assert 'value:' in capsys.readouterr().out


def test_config_functions():
    assert K.backend() == 'numpy'
    assert K.floatx() == 'float32'
    K.set_epsilon(1e-5)
    assert K.epsilon() == 1e-5
    K.set_epsilon(1e-7)
    K.set_image_data_format('channels_first')
    assert K.image_data_format() == 'channels_first'
    K.set_image_data_format('channels_last')
    with pytest.raises(ValueError):
        K.set_floatx('float13')
    with pytest.raises(ValueError):
        K.set_image_data_format('nchw')
    assert K.get_uid('dense') == 1 and K.get_uid('dense') == 2
    K.reset_uids()
    assert K.get_uid('dense') == 1


def test_buffer_reuse_never_overwrites_live_values_or_views():
    x = K.placeholder((2, 3))
    a = K.exp(x)
    view = K.reshape(a, (3, 2))       # shares a's memory
    b = a * 2.0                       # a is dead after this step except through `view`
    c = b + K.reshape(view, (2, 3))   # reads the view: a must not have been overwritten
    d = K.tanh(c) - c                 # chain of dead intermediates: reused in place
    f = K.function([x], [c, d, a])
    xv = np.random.rand(2, 3).astype('float32')
    c_val, d_val, a_val = f([xv])
    ea = np.exp(xv)
    np.testing.assert_allclose(c_val, 3 * ea, rtol=1e-6)
    np.testing.assert_allclose(d_val, np.tanh(3 * ea) - 3 * ea, rtol=1e-5)
    np.testing.assert_allclose(a_val, ea, rtol=1e-6)
    # Repeated calls give the same results (no state leaks through reused buffers).
    np.testing.assert_allclose(f([xv])[1], d_val, rtol=1e-6)


def test_buffer_reuse_keeps_variables_and_inputs_intact():
    w = K.variable(np.ones((2, 2)))
    x = K.placeholder((2, 2))
    y = K.exp(w * 1.0) + x
    new_w = w - 0.5 * y
    f = K.function([x], [y], updates=[K.update(w, new_w)])
    xv = np.zeros((2, 2), dtype='float32')
    out = f([xv])[0]
    np.testing.assert_array_equal(xv, 0)
    np.testing.assert_allclose(out, np.e)
    np.testing.assert_allclose(K.get_value(w), 1 - 0.5 * np.e, rtol=1e-6)
    out2 = f([xv])[0]
    np.testing.assert_allclose(out, np.e)  # the first result was not overwritten
    np.testing.assert_allclose(out2, np.exp(1 - 0.5 * np.e), rtol=1e-6)


def test_updated_variables_buffers_are_reused_without_aliasing():
    a = K.variable(np.ones(4))
    b = K.variable(np.full(4, 2.0))
    # b's new value reads a's old one; a's old buffer may be reused for it.
    f = K.function([], [], updates=[K.update(a, a * 3.0), K.update(b, a + b)])
    f([])
    np.testing.assert_array_equal(K.get_value(a), 3.0)
    np.testing.assert_array_equal(K.get_value(b), 3.0)
    # a variable assigned another variable's value, and two variables assigned
    # one value, never end up sharing a buffer
    g = K.function([], [], updates=[K.update(a, b), K.update(b, b * 2.0)])
    g([])
    h = K.function([], [], updates=[K.update(a, a * 1.0), K.update(b, a * 1.0)])
    shared = a * 2.0
    k = K.function([], [], updates=[(a, shared), (b, shared)])
    for fn in (h, k, f, g, f):
        fn([])
        assert not np.shares_memory(a.value, b.value)
    before = K.get_value(b)
    f([])  # f reuses a's buffer: b must keep its own values
    np.testing.assert_allclose(K.get_value(b), K.get_value(a) / 3.0 + before)


def test_updated_variable_returned_as_output_is_not_overwritten():
    v = K.variable(np.ones(3))
    f = K.function([], [v, v * 2.0], updates=[K.update(v, v * 5.0 + 1.0)])
    out = f([])
    np.testing.assert_array_equal(out[0], 1.0)
    np.testing.assert_array_equal(out[1], 2.0)
    np.testing.assert_array_equal(K.get_value(v), 6.0)


def test_updated_variable_read_through_a_view_and_later_directly_is_not_reused_early():
    v = K.variable(np.array([1.0, 2.0, 3.0]))
    view_sum = K.reshape(v, (3, 1)) * 2.0          # reads v through a view first
    later = v * 10.0                              # then v itself, in a later step
    f = K.function([], [view_sum, later], updates=[K.update(v, later + 1.0)])
    out = f([])
    np.testing.assert_array_equal(out[0][:, 0], [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(out[1], [10.0, 20.0, 30.0])
    np.testing.assert_array_equal(K.get_value(v), [11.0, 21.0, 31.0])


def test_graph_engine_does_not_import_ops():
    """graph/ sits below ops/: it reaches the nodes it builds through graph.hooks."""
    import ast
    import os
    graph_dir = os.path.dirname(compiler.__file__)
    offenders = []
    for filename in sorted(os.listdir(graph_dir)):
        if not filename.endswith('.py'):
            continue
        with open(os.path.join(graph_dir, filename)) as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = '.' * node.level + (node.module or '')
                names = [module + ('' if module.endswith('.') else '.') + alias.name for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            if any(n.startswith(('..ops', 'minikeras.backend.ops')) for n in names):
                offenders.append('%s:%d' % (filename, node.lineno))
    assert not offenders, offenders


def test_graph_hooks_reject_unknown_names_and_are_registered_by_ops():
    from minikeras.backend.graph import hooks
    with pytest.raises(ValueError, match="Unknown graph hook.*'?zeros'?"):
        hooks.register(zeros=lambda x: x)
    assert sorted(hooks._registered) == sorted(hooks.HOOK_NAMES)


def test_updates_are_recognised_by_the_assigns_flag_not_the_op_name():
    class Store(Op):
        differentiable = False
        deterministic = False
        assigns = True

        def infer(self, variable, value):
            return variable.shape, variable.dtype

        def forward(self, variable, value):
            return value

    del OP_REGISTRY['Store']  # a test-only op stays out of the registry the other tests walk
    v = K.variable(np.zeros(2))
    K.function([], [], updates=[Store()(v, K.constant(np.ones(2)))])([])
    np.testing.assert_allclose(K.get_value(v), [1.0, 1.0])
    x = K.placeholder((2,))
    with pytest.raises(TypeError, match='An update must be'):
        K.function([x], [], updates=[K.exp(x)])


def test_backend_reaches_numpy_only_through_the_xp_binding():
    """Only kernels/xp.py imports numpy, so binding another array library there swaps it everywhere."""
    import ast
    import os
    backend_dir = os.path.dirname(os.path.dirname(compiler.__file__))
    offenders = []
    for root, _, filenames in os.walk(backend_dir):
        for filename in filenames:
            path = os.path.relpath(os.path.join(root, filename), backend_dir).replace(os.sep, '/')
            if not filename.endswith('.py') or path == 'kernels/xp.py':
                continue
            with open(os.path.join(root, filename)) as f:
                tree = ast.parse(f.read())
            for node in ast.walk(tree):
                modules = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                           else [node.module or ''] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
                if any(m == 'numpy' or m.startswith('numpy.') for m in modules):
                    offenders.append('%s:%d' % (path, node.lineno))
    assert not offenders, offenders


def test_shape_str_prints_shapes_as_python_tuples_and_unknown_as_none():
    from minikeras.backend.graph.tensor import shape_str
    assert shape_str((None, 3)) == '(None, 3)'
    assert shape_str([5]) == '(5,)'
    assert shape_str(()) == '()'
    assert shape_str(None) == 'None'
    assert shape_str(K.placeholder((None, 2, 3)).shape) == '(None, 2, 3)'
