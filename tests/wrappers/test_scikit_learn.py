"""KerasClassifier / KerasRegressor as scikit-learn estimators (clone, params, CV, grid search, pipelines)."""
import pickle

import numpy as np
import pytest

pytest.importorskip('sklearn', reason='the scikit-learn wrappers need scikit-learn (minikeras[sklearn])')

from sklearn.base import clone, is_classifier, is_regressor  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import MinMaxScaler  # noqa: E402

from minikeras.datasets import digits  # noqa: E402
from minikeras.layers import Dense  # noqa: E402
from minikeras.models import Sequential  # noqa: E402
from minikeras.wrappers.scikit_learn import KerasClassifier, KerasRegressor  # noqa: E402

QUICKSTART_TARGET = 0.95  # examples/digits_mlp.py's accuracy target (it reaches 0.983 on the test split)


def build_digits(hidden=64):
    """The quickstart's network (examples/digits_mlp.py)."""
    model = Sequential([Dense(hidden, activation='relu', input_shape=(64,)), Dense(hidden, activation='relu'),
                        Dense(10, activation='softmax')])
    model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
    return model


def build_binary(units=8):
    model = Sequential([Dense(units, activation='relu', input_shape=(4,)), Dense(1, activation='sigmoid')])
    model.compile('adam', 'binary_crossentropy', metrics=['accuracy'])
    return model


def build_regressor(units=8):
    model = Sequential([Dense(units, activation='relu', input_shape=(4,)), Dense(1)])
    model.compile('adam', 'mse')
    return model


def _digits(split=False):
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x_train = x_train.reshape(-1, 64).astype('float32') / 16.0
    x_test = x_test.reshape(-1, 64).astype('float32') / 16.0
    if split:
        return (x_train, y_train), (x_test, y_test)
    return np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])


def _binary(n=60):
    x = np.random.rand(n, 4).astype('float32')
    return x, np.where(x.sum(axis=1) > 2.0, 'yes', 'no')


# -- the estimator protocol -------------------------------------------------------------------------------

def test_params_clone_and_repr():
    clf = KerasClassifier(build_digits, hidden=32, epochs=3, batch_size=16, verbose=0)
    assert is_classifier(clf) and is_regressor(KerasRegressor(build_regressor))
    assert clf.get_params() == {'build_fn': build_digits, 'hidden': 32, 'epochs': 3, 'batch_size': 16,
                                'verbose': 0}
    copy = clone(clf)
    assert copy is not clf and copy.get_params() == clf.get_params()
    assert copy.set_params(hidden=16, epochs=1) is copy
    assert copy.sk_params['hidden'] == 16 and clf.sk_params['hidden'] == 32
    assert 'hidden=32' in repr(clf)


@pytest.mark.parametrize('make', [lambda: KerasClassifier(build_digits, hiden=3),
                                  lambda: KerasClassifier(build_digits).set_params(nb_epoch=3)])
def test_unknown_parameter_is_rejected(make):
    with pytest.raises(ValueError, match='not a legal parameter'):
        make()


def test_string_labels_binary_sigmoid_and_probabilities():
    x, y = _binary()
    clf = KerasClassifier(build_binary, epochs=2, verbose=0)
    clf.fit(x, y)
    assert list(clf.classes_) == ['no', 'yes']
    proba = clf.predict_proba(x)
    assert proba.shape == (60, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert set(clf.predict(x)) <= {'no', 'yes'}
    np.testing.assert_array_equal(clf.predict(x), np.where(proba[:, 1] > 0.5, 'yes', 'no'))
    assert 0.0 <= clf.score(x, y) <= 1.0


def test_label_columns_and_one_hot_targets():
    x, y = _binary()
    clf = KerasClassifier(build_digits_like(4, 2), epochs=1, verbose=0)
    clf.fit(x, y.reshape(-1, 1))  # a column of labels, with a categorical_crossentropy model
    assert list(clf.classes_) == ['no', 'yes'] and set(clf.predict(x)) <= {'no', 'yes'}
    assert 0.0 <= clf.score(x, y.reshape(-1, 1)) <= 1.0
    one_hot = np.eye(2)[(y == 'yes').astype(int)]
    clf.fit(x, one_hot)
    assert list(clf.classes_) == [0, 1] and 0.0 <= clf.score(x, one_hot) <= 1.0


def build_digits_like(features, classes):
    def build():
        model = Sequential([Dense(classes, activation='softmax', input_shape=(features,))])
        model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
        return model
    return build


def test_score_needs_an_accuracy_metric():
    def build():
        model = Sequential([Dense(2, activation='softmax', input_shape=(4,))])
        model.compile('sgd', 'categorical_crossentropy')
        return model
    clf = KerasClassifier(build, epochs=1, verbose=0)
    x = np.random.rand(10, 4)
    clf.fit(x, np.arange(10) % 2)
    with pytest.raises(ValueError, match='accuracy'):
        clf.score(x, np.arange(10) % 2)


def test_bad_label_shape():
    with pytest.raises(ValueError, match='invalid shape for y'):
        KerasClassifier(build_binary, verbose=0).fit(np.zeros((4, 4)), np.zeros((4, 1, 1)))


def test_regressor_score_is_minus_the_loss_and_works_in_cross_validation():
    x = np.random.rand(40, 4).astype('float32')
    y = x.sum(axis=1)
    reg = KerasRegressor(build_regressor, epochs=2, verbose=0)
    reg.fit(x, y)
    assert reg.predict(x).shape == (40,)
    assert reg.score(x, y) == pytest.approx(-reg.model.evaluate(x, y, verbose=0), rel=1e-6)
    scores = cross_val_score(KerasRegressor(build_regressor, epochs=1, verbose=0), x, y, cv=2)
    assert scores.shape == (2,) and np.all(scores <= 0)


def test_pipeline_and_pickling_a_fitted_wrapper():
    x, y = _binary()
    pipe = Pipeline([('scale', MinMaxScaler()), ('clf', KerasClassifier(build_binary, epochs=2, verbose=0))])
    pipe.set_params(clf__units=4)
    pipe.fit(x * 10, y)
    assert pipe.named_steps['clf'].model.layers[0].units == 4
    predictions = pipe.predict(x * 10)
    restored = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(restored.predict(x * 10), predictions)
    np.testing.assert_array_equal(restored.predict_proba(x * 10), pipe.predict_proba(x * 10))


@pytest.mark.slow  # starting the worker processes takes seconds
def test_grid_search_in_two_worker_processes():
    x, y = _binary(40)
    search = GridSearchCV(KerasClassifier(build_binary, epochs=1, verbose=0), {'units': [2, 3]}, cv=2, n_jobs=2)
    search.fit(x, y)
    assert sorted(search.cv_results_['param_units']) == [2, 3]
    assert search.best_estimator_.model.layers[0].units == search.best_params_['units']


# -- the acceptance runs on the bundled digits ------------------------------------------------------------

@pytest.mark.slow
def test_cross_val_score_on_digits_reaches_the_quickstart_accuracy():
    x, y = _digits()
    clf = KerasClassifier(build_digits, epochs=30, batch_size=32, verbose=0)
    scores = cross_val_score(clf, x, y, cv=5)  # 5 folds: 80% train, the quickstart's proportion
    assert scores.mean() >= QUICKSTART_TARGET, scores


@pytest.mark.slow
def test_grid_search_with_two_jobs_on_digits_reaches_the_quickstart_accuracy():
    (x_train, y_train), (x_test, y_test) = _digits(split=True)
    search = GridSearchCV(KerasClassifier(build_digits, epochs=30, batch_size=32, verbose=0),
                          {'hidden': [32, 64]}, cv=3, n_jobs=2)
    search.fit(x_train, y_train)
    assert search.best_score_ >= QUICKSTART_TARGET, search.cv_results_['mean_test_score']
    assert search.score(x_test, y_test) >= QUICKSTART_TARGET


def test_keras_wrappers_attribute():
    import minikeras as keras
    assert keras.wrappers.scikit_learn.KerasClassifier is KerasClassifier
