"""K.get_session / K.set_session (run through K.function) and the K.py_* builtin aliases."""
import numpy as np
import pytest

from minikeras import backend as K


def test_run_a_tensor_with_a_feed():
    x = K.placeholder((None, 2))
    y = K.sum(x * 2, axis=1)
    out = K.get_session().run(y, feed_dict={x: np.ones((3, 2), 'float32')})
    np.testing.assert_allclose(out, [4, 4, 4])


def test_run_nested_fetches_keeps_their_structure():
    x = K.placeholder((2,))
    v = K.variable(np.array([1.0, 2.0]))
    sess = K.get_session()
    out = sess.run({'a': [x + 1, (v * 3,)], 'b': v}, feed_dict={x: np.array([0.0, 5.0], 'float32')})
    np.testing.assert_allclose(out['a'][0], [1, 6])
    assert isinstance(out['a'][1], tuple)
    np.testing.assert_allclose(out['a'][1][0], [3, 6])
    np.testing.assert_allclose(out['b'], [1, 2])
    assert sess.run([]) == []


def test_a_fetched_update_is_applied():
    v = K.variable(np.array([1.0, 2.0]))
    new = K.get_session().run(K.update_add(v, np.array([1.0, 1.0], 'float32')))
    np.testing.assert_allclose(new, [2, 3])
    np.testing.assert_allclose(K.get_value(v), [2, 3])


def test_learning_phase_can_be_fed():
    x = K.placeholder((2,))
    y = K.in_train_phase(x * 10, x)
    sess = K.get_session()
    value = np.array([1.0, 2.0], 'float32')
    np.testing.assert_allclose(sess.run(y, {x: value, K.learning_phase(): 1}), [10, 20])
    np.testing.assert_allclose(sess.run(y, {x: value, K.learning_phase(): 0}), [1, 2])


def test_repeated_runs_reuse_the_compiled_function():
    x = K.placeholder((1,))
    y = x + 1
    sess = K.get_session()
    sess.run(y, {x: np.zeros(1, 'float32')})
    cached = list(sess._functions.values())[-1][1]
    sess.run(y, {x: np.ones(1, 'float32')})
    assert list(sess._functions.values())[-1][1] is cached


def test_bad_fetches_and_feeds_are_type_errors():
    sess = K.get_session()
    with pytest.raises(TypeError, match='fetches must be tensors'):
        sess.run('loss')
    x = K.placeholder((1,))
    with pytest.raises(TypeError, match='feed_dict keys must be placeholders'):
        sess.run(x, {'x': 1})


def test_set_session_accepts_a_session_and_rejects_foreign_ones():
    original = K.get_session()
    other = K.Session()
    K.set_session(other)
    try:
        assert K.get_session() is other
        with other.as_default() as s:
            assert s is other
    finally:
        K.set_session(original)

    class FakeTFSession(object):
        pass

    with pytest.raises(TypeError, match='no TensorFlow session.*FakeTFSession'):
        K.set_session(FakeTFSession())
    assert K.get_session() is original


def test_py_builtins():
    assert K.py_all is all and K.py_any is any and K.py_sum is sum and K.py_slice is slice
