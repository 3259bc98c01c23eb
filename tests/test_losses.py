"""Tests of minikeras.losses: golden fixtures, seed examples, shapes, registry."""
import numpy as np
import pytest

from keras2_fixtures import assert_close, case_names, load_case
from minikeras import backend as K
from minikeras import losses

LOSS_CASES = [n for n in case_names('losses_metrics') if n.startswith('loss_')]

# tf_keras function name -> every minikeras spelling that must give the same values.
ALIASES = {
    'mean_squared_error': ['mse', 'MSE'],
    'mean_absolute_error': ['mae', 'MAE'],
    'mean_absolute_percentage_error': ['mape', 'MAPE'],
    'mean_squared_logarithmic_error': ['msle', 'MSLE'],
    'kullback_leibler_divergence': ['kld', 'KLD', 'kl_divergence'],
    'cosine_similarity': ['cosine_proximity', 'cosine'],
    'logcosh': ['log_cosh'],
}


def _run(fn, y_true, y_pred, **kwargs):
    return K.eval(fn(K.constant(y_true), K.constant(y_pred), **kwargs))


@pytest.mark.parametrize('case', LOSS_CASES)
def test_loss_fixture(case):
    meta, arrays = load_case('losses_metrics', case)
    expected = arrays.get('y_k224', arrays['y'])  # Keras 2.2.4 is the reference where they differ
    for name in [meta['fn']] + ALIASES.get(meta['fn'], []):
        if meta['kwargs'] and name in ('cosine_proximity', 'cosine'):
            continue
        out = _run(getattr(losses, name), arrays['y_true'], arrays['y_pred'], **meta['kwargs'])
        assert_close(out, expected, meta['tol'], what='%s via %s' % (case, name))
        if not meta['kwargs']:
            out = _run(losses.get(name), arrays['y_true'], arrays['y_pred'])
            assert_close(out, expected, meta['tol'], what='%s via get(%r)' % (case, name))


def test_tf_keras_values_differ_where_documented():
    # hinge with {0,1} labels: Keras 2.2.4 does not remap the labels
    meta, arrays = load_case('losses_metrics', 'loss_hinge_01_labels')
    out = _run(losses.hinge, arrays['y_true'], arrays['y_pred'])
    assert not np.allclose(out, arrays['y'])
    np.testing.assert_allclose(out, arrays['y_k224'], rtol=1e-5)


def test_seed_examples():
    y_true = np.array([[0., 1.], [0., 0.]], 'float32')
    y_pred = np.array([[1., 1.], [1., 0.]], 'float32')
    assert float(K.eval(losses.MeanSquaredError()(y_true, y_pred))) == pytest.approx(0.5)
    y_pred = np.array([[0.6, 0.4], [0.4, 0.6]], 'float32')
    assert float(K.eval(losses.Huber()(y_true, y_pred))) == pytest.approx(0.155, abs=1e-6)
    np.testing.assert_allclose(_run(losses.binary_crossentropy, y_true, y_pred), [0.916, 0.714], atol=1e-3)
    y_true = np.array([[0, 1, 0], [0, 0, 1]], 'float32')
    y_pred = np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]], 'float32')
    np.testing.assert_allclose(_run(losses.categorical_crossentropy, y_true, y_pred), [0.0513, 2.303], atol=1e-3)
    np.testing.assert_allclose(_run(losses.sparse_categorical_crossentropy, np.array([1., 2.], 'float32'),
                                    y_pred), [0.0513, 2.303], atol=1e-3)


def test_poisson_and_kld_formulas():
    y_true = np.random.randint(0, 2, size=(2, 3)).astype('float32')
    y_pred = np.random.random((2, 3)).astype('float32')
    np.testing.assert_allclose(_run(losses.poisson, y_true, y_pred),
                               np.mean(y_pred - y_true * np.log(y_pred + 1e-7), axis=-1), atol=1e-5)
    t = np.clip(y_true, 1e-7, 1)
    p = np.clip(y_pred, 1e-7, 1)
    np.testing.assert_allclose(_run(losses.kld, y_true, y_pred), np.sum(t * np.log(t / p), axis=-1), rtol=1e-5)


@pytest.mark.parametrize('name', ['mse', 'mae', 'mape', 'msle', 'hinge', 'squared_hinge', 'logcosh',
                                  'huber', 'binary_crossentropy', 'kld', 'poisson', 'cosine_proximity',
                                  'categorical_crossentropy', 'categorical_hinge'])
def test_reduces_only_the_last_axis(name):
    y_true = np.random.random((2, 3, 4)).astype('float32')
    y_pred = np.random.random((2, 3, 4)).astype('float32')
    assert _run(losses.get(name), y_true, y_pred).shape == (2, 3)
    assert _run(losses.get(name), y_true[0], y_pred[0]).shape == (3,)


def test_losses_are_differentiable():
    y_true = K.constant(np.random.random((4, 3)))
    w = K.variable(np.random.random((4, 3)) * 0.8 + 0.1)
    for name in ['mse', 'mae', 'logcosh', 'huber', 'binary_crossentropy', 'categorical_crossentropy',
                 'kld', 'poisson', 'cosine_proximity', 'msle', 'mape', 'hinge', 'categorical_hinge']:
        loss = K.sum(losses.get(name)(y_true, w))
        grad = K.eval(K.gradients(loss, [w])[0])
        assert grad.shape == (4, 3) and np.all(np.isfinite(grad)), name


def test_loss_classes_reduction_and_weights():
    y_true = np.array([[0., 1.], [0., 0.], [1., 1.]], 'float32')
    y_pred = np.array([[1., 1.], [1., 0.], [0., 0.5]], 'float32')
    per_sample = np.mean((y_true - y_pred) ** 2, axis=-1)
    sw = np.array([1., 0., 2.], 'float32')
    loss = losses.MeanSquaredError()
    assert float(K.eval(loss(y_true, y_pred, sample_weight=sw))) == pytest.approx((per_sample * sw).sum() / 3)
    loss = losses.MeanSquaredError(reduction='sum')
    assert float(K.eval(loss(y_true, y_pred))) == pytest.approx(per_sample.sum())
    loss = losses.MeanSquaredError(reduction='none')
    np.testing.assert_allclose(K.eval(loss(y_true, y_pred)), per_sample, rtol=1e-6)
    np.testing.assert_allclose(K.eval(losses.per_sample(loss)(K.constant(y_true), K.constant(y_pred))),
                               per_sample, rtol=1e-6)
    with pytest.raises(ValueError, match='reduction'):
        losses.MeanSquaredError(reduction='mean')
    cce = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)
    assert cce.get_config() == {'from_logits': True, 'label_smoothing': 0.1, 'axis': -1,
                                'reduction': 'auto', 'name': 'categorical_crossentropy'}


def test_serialize_round_trip():
    for name in losses._FUNCTION_NAMES:
        fn = losses.get(name)
        assert losses.deserialize(losses.serialize(fn)) is fn
    assert losses.serialize(losses.mse) == 'mean_squared_error'
    for loss in [losses.Huber(delta=0.5), losses.CosineSimilarity(axis=1), losses.BinaryCrossentropy(True, 0.2),
                 losses.SparseCategoricalCrossentropy(from_logits=True, name='scce')]:
        clone = losses.deserialize(losses.serialize(loss))
        assert type(clone) is type(loss) and clone.get_config() == loss.get_config()
    assert isinstance(losses.get('CosineSimilarity'), losses.CosineSimilarity)


def test_custom_and_unknown():
    def my_loss(y_true, y_pred):
        return K.mean(K.abs(y_true - y_pred), axis=-1)

    assert losses.get(my_loss) is my_loss
    assert losses.get(None) is None
    assert losses.deserialize('my_loss', custom_objects={'my_loss': my_loss}) is my_loss
    with pytest.raises(ValueError, match='mean_sqared_error'):
        losses.get('mean_sqared_error')
    with pytest.raises(ValueError, match='Could not interpret'):
        losses.get(12)


def test_tf_keras_hinge_classes_map_01_labels_while_functions_keep_keras_224():
    y_true = K.constant([[0., 1., 1.]])
    y_pred = K.constant([[0.3, -0.2, 0.9]])
    np.testing.assert_allclose(K.eval(losses.Hinge()(y_true, y_pred)), (1.3 + 1.2 + 0.1) / 3, rtol=1e-6)
    np.testing.assert_allclose(K.eval(losses.SquaredHinge()(y_true, y_pred)), (1.69 + 1.44 + 0.01) / 3, rtol=1e-6)
    np.testing.assert_allclose(K.eval(losses.hinge(y_true, y_pred)), [(1.0 + 1.2 + 0.1) / 3], rtol=1e-6)
    signed = K.constant([[-1., 1., 1.]])
    np.testing.assert_allclose(K.eval(losses.Hinge()(signed, y_pred)), K.eval(losses.hinge(signed, y_pred))[0],
                               rtol=1e-6)


def test_focal_crossentropies_follow_tf_keras_formulas():
    rng = np.random.RandomState(0)
    y_true = rng.randint(0, 2, (6, 4)).astype('float32')
    y_pred = rng.uniform(0.05, 0.95, (6, 4)).astype('float32')
    eps = 1e-7
    p = np.clip(y_pred, eps, 1 - eps)
    bce = -(y_true * np.log(p + eps) + (1 - y_true) * np.log(1 - p + eps))
    p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
    weight = y_true * 0.3 + (1 - y_true) * 0.7
    got = K.eval(losses.binary_focal_crossentropy(K.constant(y_true), K.constant(y_pred),
                                                  apply_class_balancing=True, alpha=0.3))
    np.testing.assert_allclose(got, (weight * (1 - p_t) ** 2 * bce).mean(-1), rtol=1e-5)
    onehot = np.eye(4, dtype='float32')[rng.randint(0, 4, 6)]
    probs = rng.dirichlet(np.ones(4), 6).astype('float32')
    got = K.eval(losses.categorical_focal_crossentropy(K.constant(onehot), K.constant(probs), gamma=1.5))
    clipped = np.clip(probs / probs.sum(-1, keepdims=True), eps, 1 - eps)
    np.testing.assert_allclose(got, (0.25 * (1 - clipped) ** 1.5 * -onehot * np.log(clipped)).sum(-1), rtol=1e-5)
    assert losses.get('binary_focal_crossentropy') is losses.binary_focal_crossentropy
    config = losses.serialize(losses.CategoricalFocalCrossentropy(gamma=3.0))
    assert losses.deserialize(config).get_config()['gamma'] == 3.0


# Crossentropy of a softmax / sigmoid output is computed from its logits -------------
def _loss_and_grad(loss_fn, target, logits, activation):
    z = K.placeholder(logits.shape)
    loss = K.sum(loss_fn(K.constant(target), activation(z)))
    return K.function([z], [loss, K.gradients(loss, [z])[0]])([logits])


@pytest.mark.parametrize('name,target,activation', [
    ('categorical_crossentropy', np.eye(4, dtype='float32')[[1, 3]], K.softmax),
    ('sparse_categorical_crossentropy', np.array([[1], [3]], 'float32'), K.softmax),
    ('binary_crossentropy', np.array([[1, 0, 1, 0], [0, 0, 1, 1]], 'float32'), K.sigmoid),
])
def test_crossentropy_of_saturated_activation_keeps_gradients(name, target, activation):
    """Logits x1e4 saturate the softmax/sigmoid; the loss still has a gradient
    (Keras 2.2 clips the probabilities, and gets exactly zero gradient there)."""
    logits = np.random.RandomState(3).uniform(-1, 1, (2, 4)).astype('float32') * 1e4
    loss, grad = _loss_and_grad(losses.get(name), target, logits, activation)
    assert np.isfinite(loss) and loss > 100
    assert np.all(np.isfinite(grad)) and np.abs(grad).max() > 0.1


@pytest.mark.parametrize('name,target,activation', [
    ('categorical_crossentropy', np.eye(4, dtype='float32')[[1, 3]], K.softmax),
    ('sparse_categorical_crossentropy', np.array([1, 3], 'int32'), K.softmax),
    ('binary_crossentropy', np.array([[1, 0, 1, 0], [0, 0, 1, 1]], 'float32'), K.sigmoid),
])
def test_crossentropy_through_logits_matches_probability_formula(name, target, activation):
    """Away from saturation the rewrite gives Keras 2.2's values (float32 round-off):
    the same loss of a copy of the probabilities, which is not rewritten."""
    logits = np.random.RandomState(4).uniform(-3, 3, (2, 4)).astype('float32')
    z = K.placeholder((2, 4))
    probs = activation(z)
    fn = losses.get(name)
    rewritten, plain = K.function([z], [fn(K.constant(target), probs),
                                        fn(K.constant(target), probs + 0.)])([logits])
    np.testing.assert_allclose(rewritten, plain, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('activation,loss,y', [
    ('softmax', 'categorical_crossentropy', np.eye(3)[[0, 1, 2, 0]]),
    ('softmax', 'sparse_categorical_crossentropy', np.array([[0], [1], [2], [0]])),
    ('sigmoid', 'binary_crossentropy', np.eye(3)[[0, 1, 2, 0]]),
])
def test_model_with_saturated_output_still_trains(activation, loss, y):
    """compile() reaches the rewrite: inputs x1e4 saturate the output layer, and
    one step still changes the kernel."""
    from minikeras.initializers import RandomNormal
    from minikeras.layers import Dense
    from minikeras.models import Sequential
    model = Sequential([Dense(3, input_shape=(4,), activation=activation,
                              kernel_initializer=RandomNormal(seed=1))])
    model.compile('sgd', loss)
    x = np.random.RandomState(0).uniform(-1, 1, (4, 4)) * 1e4
    before = model.get_weights()[0].copy()
    value = model.train_on_batch(x, y)
    assert np.isfinite(value) and value > 100
    assert np.abs(model.get_weights()[0] - before).max() > 1.0


def test_loss_class_configs_written_by_tf_keras_213_and_later():
    """tf-keras 2.13+ adds `fn` (and `ignore_class` for sparse crossentropy) to loss class configs."""
    from minikeras import losses as losses_module
    loss = losses_module.deserialize({'class_name': 'CategoricalCrossentropy', 'config': {
        'reduction': 'auto', 'name': 'categorical_crossentropy', 'from_logits': True, 'label_smoothing': 0.1,
        'axis': -1, 'fn': 'categorical_crossentropy'}})
    assert isinstance(loss, losses_module.CategoricalCrossentropy)
    assert isinstance(losses_module.deserialize({'class_name': 'LogCosh', 'config': {
        'reduction': 'auto', 'name': 'log_cosh', 'fn': 'log_cosh'}}), losses_module.LogCosh)
    config = {'reduction': 'auto', 'name': 'scce', 'from_logits': False, 'ignore_class': None, 'axis': -1,
              'fn': 'sparse_categorical_crossentropy'}
    assert isinstance(losses_module.deserialize({'class_name': 'SparseCategoricalCrossentropy', 'config': config}),
                      losses_module.SparseCategoricalCrossentropy)
    config['ignore_class'] = 3
    with pytest.raises(TypeError, match='ignore_class'):
        losses_module.deserialize({'class_name': 'SparseCategoricalCrossentropy', 'config': config})
