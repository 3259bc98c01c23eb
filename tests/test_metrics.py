"""Tests of minikeras.metrics: fixtures, seed examples, symbolic API, registry."""
import numpy as np
import pytest

from keras2_fixtures import assert_close, case_names, load_case
from minikeras import backend as K
from minikeras import losses, metrics

CASES = case_names('losses_metrics')
FN_CASES = [n for n in CASES if n.startswith('metric_')]
CLASS_CASES = [n for n in CASES if n.startswith('class_')]


@pytest.mark.parametrize('case', FN_CASES)
def test_metric_function_fixture(case):
    meta, arrays = load_case('losses_metrics', case)
    fn = getattr(metrics, meta['fn'])
    out = K.eval(fn(K.constant(arrays['y_true']), K.constant(arrays['y_pred']), **meta['kwargs']))
    expected = arrays.get('y_k224', arrays['y'])  # Keras 2.2.4 (scalar batch mean for top-k)
    assert_close(out, expected, meta['tol'], what=case)
    if not meta['kwargs']:
        out = K.eval(metrics.get(meta['fn'])(K.constant(arrays['y_true']), K.constant(arrays['y_pred'])))
        assert_close(out, expected, meta['tol'], what=case)


def _feed(metric, arrays, meta, b):
    kwargs = {'sample_weight': arrays['sample_weight_%d' % b]} if meta['weighted'] else {}
    if 'values_%d' % b in arrays:
        return (arrays['values_%d' % b],), kwargs
    return (arrays['y_true_%d' % b], arrays['y_pred_%d' % b]), kwargs


@pytest.mark.parametrize('case', CLASS_CASES)
def test_metric_class_fixture(case):
    meta, arrays = load_case('losses_metrics', case)
    metric = getattr(metrics, meta['class_name'])(**meta['kwargs'])
    for b in range(meta['n_batches']):
        args, kwargs = _feed(metric, arrays, meta, b)
        metric.update_state(*args, **kwargs)
        assert_close(metric.result(), arrays['result_%d' % b], meta['tol'], what='%s batch %d' % (case, b))
    metric.reset_states()
    for v in metric.weights:
        assert not np.any(K.get_value(v))


@pytest.mark.parametrize('case', CLASS_CASES)
def test_metric_class_fixture_symbolic(case):
    """The engine path: symbolic_call inside one compiled function per batch."""
    meta, arrays = load_case('losses_metrics', case)
    metric = getattr(metrics, meta['class_name'])(**meta['kwargs'])
    args, kwargs = _feed(metric, arrays, meta, 0)
    placeholders = [K.placeholder(shape=(None,) + a.shape[1:]) for a in args]
    sw = K.placeholder(shape=(None,)) if meta['weighted'] else None
    value, updates = metric.symbolic_call(*placeholders, sample_weight=sw)
    f = K.function(placeholders + ([sw] if sw is not None else []), [value], updates=updates)
    for b in range(meta['n_batches']):
        args, kwargs = _feed(metric, arrays, meta, b)
        feed = list(args) + ([kwargs['sample_weight']] if kwargs else [])
        out = f(feed)[0]
        assert_close(out, arrays['result_%d' % b], meta['tol'], what='%s batch %d' % (case, b))
        assert_close(K.eval(metric.result_tensor()), arrays['result_%d' % b], meta['tol'])


def test_seed_examples():
    m = metrics.Accuracy()
    m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]], sample_weight=[1, 1, 0, 0])
    assert float(m.result()) == pytest.approx(0.5)
    assert float(metrics.BinaryAccuracy()([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])) == pytest.approx(0.75)
    y_true, y_pred = [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]
    assert float(metrics.CategoricalAccuracy()(y_true, y_pred, sample_weight=[0.7, 0.3])) == pytest.approx(0.3)
    assert float(metrics.TopKCategoricalAccuracy(k=1)(y_true, y_pred)) == pytest.approx(0.5)
    assert float(metrics.SparseTopKCategoricalAccuracy(k=1)([2, 1], y_pred)) == pytest.approx(0.5)
    auc = metrics.AUC()
    auc.update_state([0, 1, 1, 1], [0, 1, 0, 0])
    assert float(auc.result()) == pytest.approx(2. / 3, abs=1e-6)
    auc.update_state([1, 1, 1, 1], [0, 1, 1, 0])
    assert float(auc.result()) == pytest.approx(5. / 7, abs=1e-6)
    auc.reset_states()
    assert float(auc.result()) == 0.


def test_auc_against_exact_trapezoid():
    rng = np.random.RandomState(0)
    y_true = rng.randint(0, 2, size=(500,)).astype('float32')
    y_pred = np.clip(y_true * 0.3 + rng.rand(500) * 0.7, 0, 1).astype('float32')
    auc = metrics.AUC(num_thresholds=1000)
    auc.update_state(y_true[:250], y_pred[:250])
    auc.update_state(y_true[250:], y_pred[250:])
    pos, neg = y_pred[y_true == 1], y_pred[y_true == 0]
    exact = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
    assert float(auc.result()) == pytest.approx(exact, abs=2e-3)
    with pytest.raises(ValueError, match='curve'):
        metrics.AUC(curve='XY')
    with pytest.raises(ValueError, match='num_thresholds'):
        metrics.AUC(num_thresholds=1)


def test_precision_recall_options():
    y_true = np.array([[0, 0, 1], [0, 1, 0]], 'float32')
    y_pred = np.array([[0.1, 0.9, 0.8], [0.05, 0.95, 0]], 'float32')
    np.testing.assert_allclose(metrics.Precision(thresholds=[0.3, 0.7])(y_true, y_pred), [2. / 3, 2. / 3], rtol=1e-6)
    assert float(metrics.Precision(top_k=1)(y_true, y_pred)) == pytest.approx(0.5)
    assert float(metrics.Recall(class_id=2)(y_true, y_pred)) == pytest.approx(1.)
    assert float(metrics.TruePositives()(y_true, y_pred)) == 2.
    assert float(metrics.FalseNegatives()(y_true, y_pred)) == 0.
    assert float(metrics.FalsePositives()(y_true, y_pred)) == 1.
    assert float(metrics.TrueNegatives()(y_true, y_pred)) == 3.
    assert float(metrics.Precision()(np.zeros((2, 1)), np.zeros((2, 1)))) == 0.  # no positives: 0, not nan


def test_mean_and_wrappers():
    m = metrics.Mean()
    m.update_state([1., 2., 3.])
    m.update_state([10.], sample_weight=[3.])
    assert float(m.result()) == pytest.approx((1 + 2 + 3 + 30) / 6.)
    s = metrics.Sum()
    assert float(s([1., 2.])) == 3. and float(s([4.])) == 7.
    rmse = metrics.RootMeanSquaredError()
    assert float(rmse([[1., 2.]], [[2., 4.]])) == pytest.approx(np.sqrt(2.5))
    mse = metrics.MeanSquaredError(name='my_mse')
    assert mse.name == 'my_mse'
    y = np.random.rand(8, 3).astype('float32')
    p = np.random.rand(8, 3).astype('float32')
    assert float(mse(y, p)) == pytest.approx(np.mean((y - p) ** 2), rel=1e-5)
    cs = metrics.CosineSimilarity()
    assert float(cs([[1., 0.]], [[1., 0.]])) == pytest.approx(1.)
    wrapped = metrics.MeanMetricWrapper(metrics.binary_accuracy, name='acc', threshold=0.7)
    assert float(wrapped([[1.], [1.]], [[0.6], [0.8]])) == pytest.approx(0.5)


def test_call_on_tensors_returns_tensor_and_records_updates():
    m = metrics.Mean()
    x = K.placeholder(shape=(None,))
    value = m(x)
    f = K.function([x], [value], updates=m.updates)
    assert float(f([np.array([1., 3.], 'float32')])[0]) == pytest.approx(2.)
    assert float(f([np.array([8.], 'float32')])[0]) == pytest.approx(4.)
    assert float(m.result()) == pytest.approx(4.)


def test_state_weights_and_config():
    auc = metrics.AUC(num_thresholds=50, name='my_auc')
    assert [K.int_shape(w) for w in auc.weights] == [(50,)] * 4
    clone = metrics.deserialize(metrics.serialize(auc))
    assert isinstance(clone, metrics.AUC) and clone.get_config() == auc.get_config()
    for m in [metrics.BinaryAccuracy(threshold=0.7), metrics.TopKCategoricalAccuracy(k=2),
              metrics.Precision(thresholds=0.3, name='p'), metrics.Mean(name='loss_mean')]:
        clone = metrics.deserialize(metrics.serialize(m))
        assert type(clone) is type(m) and clone.get_config() == m.get_config()
    tf_config = {'class_name': 'MeanMetricWrapper',
                 'config': {'name': 'accuracy', 'dtype': 'float32', 'fn': 'categorical_accuracy'}}
    wrapper = metrics.deserialize(tf_config)
    assert wrapper.name == 'accuracy' and wrapper._fn is metrics.categorical_accuracy
    assert wrapper.get_config() == tf_config['config']


def test_string_identifiers():
    assert metrics.get('mae') is losses.mean_absolute_error
    assert metrics.get('mse') is losses.mean_squared_error
    assert metrics.get('binary_accuracy') is metrics.binary_accuracy
    assert metrics.serialize(metrics.get('cosine')) == 'cosine_proximity'
    assert isinstance(metrics.get('AUC'), metrics.AUC)
    assert isinstance(metrics.get('MeanSquaredError'), metrics.MeanSquaredError)
    with pytest.raises(ValueError, match='not_a_metric'):
        metrics.get('not_a_metric')
    with pytest.raises(ValueError, match='Could not interpret'):
        metrics.get(5)


def test_resolve_accuracy():
    assert metrics.resolve_accuracy('acc', 'binary_crossentropy', (None, 3)) is metrics.binary_accuracy
    assert metrics.resolve_accuracy('accuracy', 'mse', (None, 1)) is metrics.binary_accuracy
    assert metrics.resolve_accuracy('acc', 'sparse_categorical_crossentropy', (None, 5)) is \
        metrics.sparse_categorical_accuracy
    assert metrics.resolve_accuracy('acc', losses.CategoricalCrossentropy(), (None, 5)) is \
        metrics.categorical_accuracy
    assert metrics.resolve_accuracy('ce', 'categorical_crossentropy', (None, 5)) is losses.categorical_crossentropy


def test_custom_stateful_metric():
    class BinaryTruePositives(metrics.Metric):
        def __init__(self, name='binary_true_positives', **kwargs):
            super(BinaryTruePositives, self).__init__(name=name, **kwargs)
            self.true_positives = self.add_weight(name='tp', initializer='zeros')

        def state_increments(self, y_true, y_pred, sample_weight=None):
            values = K.cast(K.equal(y_true, 1.), K.floatx()) * K.cast(K.equal(y_pred, 1.), K.floatx())
            if sample_weight is not None:
                values = values * sample_weight
            return [K.sum(values)]

        def result_from(self, states):
            return K.identity(states[0])

    m = BinaryTruePositives()
    m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
    assert float(m.result()) == 1.
    m.update_state([1, 1, 1, 1], [0, 1, 1, 0])
    assert float(m.result()) == 3.
    assert m.has_symbolic_update


def test_hinge_metric_classes_follow_tf_keras_label_mapping():
    m = metrics.Hinge()
    m.update_state(np.array([[0., 1., 1.]]), np.array([[0.3, -0.2, 0.9]]))
    np.testing.assert_allclose(float(np.asarray(m.result())), (1.3 + 1.2 + 0.1) / 3, rtol=1e-6)
    s = metrics.SquaredHinge()
    s.update_state(np.array([[0., 1., 1.]]), np.array([[0.3, -0.2, 0.9]]))
    np.testing.assert_allclose(float(np.asarray(s.result())), (1.69 + 1.44 + 0.01) / 3, rtol=1e-6)


# Metric state variables with assign / assign_add (seed MET-04) ------------------------
class BinaryTruePositives(metrics.Metric):
    """The seed's tf.keras-style subclass: host-side update_state with assign_add."""

    def __init__(self, name='binary_true_positives', **kwargs):
        super(BinaryTruePositives, self).__init__(name=name, **kwargs)
        self.true_positives = self.add_weight(name='tp', initializer='zeros')

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = K.cast(y_true, 'bool')
        y_pred = K.cast(y_pred, 'bool')
        values = K.cast(y_true & y_pred, self.dtype)
        if sample_weight is not None:
            values = values * K.cast(sample_weight, self.dtype)
        self.true_positives.assign_add(K.sum(values))

    def result(self):
        return self.true_positives


def test_metric_subclass_with_assign_add_seed_example():
    m = BinaryTruePositives()
    m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
    assert float(m.result().numpy()) == 1.0
    m.update_state([1, 1, 1, 1], [0, 1, 1, 0])
    assert float(m.result().numpy()) == 3.0
    m.reset_states()
    assert float(K.eval(m.result())) == 0.0


def test_variable_assign_is_an_update_when_it_needs_fed_inputs():
    v = K.variable(1.0)
    assert v.assign(5.0) is v and float(K.get_value(v)) == 5.0
    v.assign_sub(K.constant(2.0))
    assert float(K.get_value(v)) == 3.0
    x = K.placeholder(())
    update = v.assign_add(x)
    assert float(K.get_value(v)) == 3.0  # not applied until run
    K.function([x], [], updates=[update])([np.float32(4.0)])
    assert float(K.get_value(v)) == 7.0
