"""Keras 2.2 leftovers of `Sequential` kept for old code."""
import pytest

from minikeras.layers import Dense
from minikeras.models import Sequential


def test_model_attribute_is_deprecated_but_works():
    model = Sequential([Dense(2, input_shape=(3,))])
    with pytest.warns(UserWarning, match='Sequential.model` is deprecated'):
        assert model.model is model
