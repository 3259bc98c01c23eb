"""scikit-learn estimators around a model-building function: `KerasClassifier`, `KerasRegressor`.

They behave as Keras 2.2.4's wrappers (`build_fn` plus `**sk_params` that
are split between `build_fn`, `fit`, `predict` and `evaluate` by argument
name) and are real scikit-learn estimators: `clone`, `get_params` /
`set_params`, `cross_val_score`, `GridSearchCV` (also with `n_jobs > 1`:
only the unfitted wrapper — `build_fn` and the parameters — travels to the
worker processes, each builds its own model) and `Pipeline` all work.
A fitted wrapper pickles its model as an in-memory Keras HDF5 file.

Needs scikit-learn (`pip install 'minikeras[sklearn]'`).

Example::

    def build(hidden=64):
        model = Sequential([Dense(hidden, activation='relu', input_shape=(64,)),
                            Dense(10, activation='softmax')])
        model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
        return model

    clf = KerasClassifier(build, hidden=32, epochs=20, batch_size=32, verbose=0)
    cross_val_score(clf, x, labels, cv=3)
    GridSearchCV(clf, {'hidden': [32, 64]}, cv=3, n_jobs=2).fit(x, labels)
"""
import copy
import inspect
import io

import numpy as np

from ..utils.generic_utils import has_arg
from ..utils.np_utils import to_categorical
from ..utils.optional import import_extra

_base = import_extra('sklearn.base', 'sklearn', 'minikeras.wrappers.scikit_learn')


def _model_methods():
    from ..engine.sequential import Sequential
    return Sequential


class BaseWrapper(_base.BaseEstimator):
    """What both wrappers share: parameter handling, building and fitting the model.

    Args:
        build_fn: a function or callable object returning a compiled model,
            or None in a subclass that defines `__call__` (which then builds
            the model).
        **sk_params: parameters of `build_fn` and of the model's `fit`,
            `predict`, `predict_proba`, `predict_classes` and `evaluate`
            (e.g. `epochs`, `batch_size`, `verbose`). Each call receives those
            its signature names; arguments passed to `fit`/`predict`/`score`
            themselves take precedence.

    Raises:
        ValueError: a parameter that none of these functions accepts.
    """

    def __init__(self, build_fn=None, **sk_params):
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    # Parameters --------------------------------------------------------------------
    def _builder(self):
        """(the callable that builds the model, the function whose signature names its arguments)."""
        if self.build_fn is None:
            return self.__call__, self.__call__
        fn = self.build_fn
        if inspect.isfunction(fn) or inspect.ismethod(fn) or isinstance(fn, type):
            return fn, fn
        return fn, fn.__call__  # an instance of a class with `__call__`

    def _legal_functions(self):
        model = _model_methods()
        return [model.fit, model.predict, model.predict_classes, model.evaluate, self._builder()[1]]

    def check_params(self, params):
        """Raises ValueError for a parameter that neither `build_fn` nor the model's methods take."""
        functions = self._legal_functions()
        for name in params:
            if not any(has_arg(fn, name) for fn in functions):
                if name == 'nb_epoch':
                    raise ValueError('sk_params: nb_epoch is not a legal parameter; use `epochs`')
                raise ValueError('sk_params: %r is not a legal parameter of build_fn or of the model\'s fit, '
                                 'predict or evaluate' % (name,))

    def get_params(self, deep=True):
        """The estimator's parameters: `build_fn` and the `sk_params` (the objects themselves)."""
        params = dict(self.sk_params)
        params['build_fn'] = self.build_fn
        return params

    def set_params(self, **params):
        """Updates `build_fn` and/or `sk_params`; returns the estimator.

        Raises:
            ValueError: a parameter no function accepts.
        """
        if 'build_fn' in params:
            self.build_fn = params.pop('build_fn')
        self.check_params(params)
        self.sk_params.update(params)
        return self

    def filter_sk_params(self, fn, override=None):
        """The `sk_params` that `fn` accepts, updated with those of `override` it accepts."""
        override = override or {}
        res = {}
        for name, value in self.sk_params.items():
            if has_arg(fn, name):
                res[name] = value
        res.update({name: value for name, value in override.items() if has_arg(fn, name)})
        return res

    # Fitting -----------------------------------------------------------------------
    def _build_model(self):
        build, signature = self._builder()
        return build(**self.filter_sk_params(signature))

    def fit(self, x, y, **kwargs):
        """Builds a fresh model with `build_fn` and trains it on `(x, y)`.

        Args:
            x: array of shape `(n_samples, n_features...)`.
            y: targets, shape `(n_samples,)` or `(n_samples, n_outputs)`.
            **kwargs: arguments of the model's `fit` (override `sk_params`).

        Returns:
            The `History` of the training run.
        """
        self.model = self._build_model()
        loss = getattr(self.model, 'loss', None)
        if loss in ('categorical_crossentropy', 'categorical_hinge') and np.ndim(y) != 2:
            y = to_categorical(y)
        fit_args = copy.copy(self.filter_sk_params(_model_methods().fit))
        fit_args.update(kwargs)
        self.n_features_in_ = np.shape(x)[1] if np.ndim(x) > 1 else 1
        return self.model.fit(x, y, **fit_args)

    def __sklearn_is_fitted__(self):
        return hasattr(self, 'model')

    # Pickling ----------------------------------------------------------------------
    def __getstate__(self):
        state = dict(self.__dict__)
        model = state.pop('model', None)
        if model is not None:
            from ..engine.saving import save_model
            buffer = io.BytesIO()
            save_model(model, buffer)
            state['_model_h5'] = buffer.getvalue()
        return state

    def __setstate__(self, state):
        state = dict(state)
        data = state.pop('_model_h5', None)
        self.__dict__.update(state)
        if data is not None:
            from ..engine.saving import load_model
            self.model = load_model(io.BytesIO(data))


class KerasClassifier(_base.ClassifierMixin, BaseWrapper):
    """A scikit-learn classifier around a Keras model (Keras 2.2.4's `KerasClassifier`).

    `fit` accepts labels of any sortable kind (integers, strings) as a vector,
    or one-hot targets as a matrix; `classes_` holds the classes, and
    `predict` returns labels of the same kind. With a
    `categorical_crossentropy` model, vector labels are one-hot encoded.
    `score` is the model's accuracy.
    """

    def fit(self, x, y, sample_weight=None, **kwargs):
        """Encodes the labels, then builds and trains a fresh model (see `BaseWrapper.fit`).

        Raises:
            ValueError: `y` has more than two dimensions.
        """
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])
        elif (y.ndim == 2 and y.shape[1] == 1) or y.ndim == 1:
            y = y.ravel()
            self.classes_ = np.unique(y)
            y = np.searchsorted(self.classes_, y)
        else:
            raise ValueError('KerasClassifier.fit: invalid shape for y: %s (expected (n_samples,) labels or '
                             '(n_samples, n_classes) one-hot targets)' % (y.shape,))
        self.n_classes_ = len(self.classes_)
        if sample_weight is not None:
            kwargs['sample_weight'] = sample_weight
        return super(KerasClassifier, self).fit(x, y, **kwargs)

    def predict(self, x, **kwargs):
        """The predicted class labels, shape `(n_samples,)` (from `classes_`)."""
        proba = self._model_proba(x, kwargs)
        if proba.shape[-1] > 1:
            indices = proba.argmax(axis=-1)
        else:
            indices = (proba[:, 0] > 0.5).astype('int32')
        return self.classes_[indices]

    def predict_proba(self, x, **kwargs):
        """Class probabilities, shape `(n_samples, n_classes)`.

        A single sigmoid output `p` is returned as the two columns `[1 - p, p]`
        (scikit-learn's convention for binary classifiers).
        """
        proba = self._model_proba(x, kwargs)
        if proba.shape[1] == 1:
            proba = np.hstack([1 - proba, proba])
        return proba

    def _model_proba(self, x, kwargs):
        kwargs = self.filter_sk_params(_model_methods().predict, kwargs)
        proba = np.asarray(self.model.predict(x, **kwargs))
        return proba.reshape(len(proba), -1)

    def score(self, x, y, **kwargs):
        """The model's accuracy on `(x, y)` (labels as given to `fit`).

        Raises:
            ValueError: the model was not compiled with an accuracy metric.
        """
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        if y.ndim == 1:
            y = np.searchsorted(self.classes_, y)
        kwargs = self.filter_sk_params(_model_methods().evaluate, kwargs)
        loss = getattr(self.model, 'loss', None)
        if loss in ('categorical_crossentropy', 'categorical_hinge') and y.ndim != 2:
            y = to_categorical(y, self.n_classes_)
        outputs = self.model.evaluate(x, y, **kwargs)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        for name, value in zip(self.model.metrics_names, outputs):
            if name in ('acc', 'accuracy'):
                return float(value)
        raise ValueError('KerasClassifier.score: the model is not configured to compute accuracy; compile '
                         "it with metrics=['accuracy'] (its metrics are %s)" % (self.model.metrics_names,))


class KerasRegressor(_base.RegressorMixin, BaseWrapper):
    """A scikit-learn regressor around a Keras model (Keras 2.2.4's `KerasRegressor`).

    `score` is the negated loss (scikit-learn maximises scores).
    """

    def predict(self, x, **kwargs):
        """The predictions, squeezed (shape `(n_samples,)` for one output unit)."""
        kwargs = self.filter_sk_params(_model_methods().predict, kwargs)
        predictions = np.asarray(self.model.predict(x, **kwargs))
        return predictions[:, 0] if predictions.ndim == 2 and predictions.shape[1] == 1 else predictions

    def score(self, x, y, **kwargs):
        """Minus the model's loss on `(x, y)`."""
        kwargs = self.filter_sk_params(_model_methods().evaluate, kwargs)
        loss = self.model.evaluate(x, y, **kwargs)
        return -float(loss[0] if isinstance(loss, list) else loss)
