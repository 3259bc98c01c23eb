"""Keras 2.2's module-level generator loops, kept as aliases of the `Model` methods.

There is one training loop (`training_loop`) for arrays and generators; these
functions only exist so that code importing `keras.engine.training_generator`
keeps working.
"""


def fit_generator(model, generator, **kwargs):
    """`model.fit_generator(generator, **kwargs)`."""
    return model.fit_generator(generator, **kwargs)


def evaluate_generator(model, generator, **kwargs):
    """`model.evaluate_generator(generator, **kwargs)`."""
    return model.evaluate_generator(generator, **kwargs)


def predict_generator(model, generator, **kwargs):
    """`model.predict_generator(generator, **kwargs)`."""
    return model.predict_generator(generator, **kwargs)
