"""Wrappers that make Keras models usable by other libraries (Keras 2's `keras.wrappers`).

`scikit_learn` (needs scikit-learn, `pip install 'minikeras[sklearn]'`):
`KerasClassifier` and `KerasRegressor`. It is imported on first access
(`minikeras.wrappers.scikit_learn`) or by name.
"""


def __getattr__(name):
    if name == 'scikit_learn':
        import importlib
        return importlib.import_module('.scikit_learn', __name__)
    raise AttributeError('module %r has no attribute %r' % (__name__, name))
