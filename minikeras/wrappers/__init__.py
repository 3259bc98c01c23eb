"""Wrappers that make Keras models usable by other libraries (Keras 2's `keras.wrappers`).

`scikit_learn` (imported by name; needs scikit-learn): `KerasClassifier`
and `KerasRegressor`.
"""
