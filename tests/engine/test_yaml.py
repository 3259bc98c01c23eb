"""Model.to_yaml / models.model_from_yaml (the optional [yaml] extra)."""
import sys

import numpy as np
import pytest

from minikeras.layers import LSTM, Dense, Embedding, Input
from minikeras.models import Model, model_from_yaml


def _model():
    x = Input((6,), dtype='int32', name='tokens')
    hidden = LSTM(4, name='lstm')(Embedding(20, 3, name='emb')(x))
    return Model(x, Dense(2, activation='softmax', name='out')(hidden))


def test_yaml_round_trip_keeps_the_architecture():
    pytest.importorskip('yaml', reason='PyYAML is the optional [yaml] extra')
    model = _model()
    text = model.to_yaml()
    assert 'class_name: Model' in text and 'keras_version' in text
    clone = model_from_yaml(text)
    assert clone.get_config() == model.get_config()
    clone.set_weights(model.get_weights())
    x = np.random.randint(0, 20, (3, 6))
    np.testing.assert_array_equal(clone.predict(x), model.predict(x))


def test_model_from_yaml_refuses_python_objects():
    pytest.importorskip('yaml', reason='PyYAML is the optional [yaml] extra')
    import yaml
    with pytest.raises(yaml.YAMLError):
        model_from_yaml('!!python/object/apply:os.system ["echo unsafe"]')


def test_without_pyyaml_the_error_names_the_extra(monkeypatch):
    model = _model()
    monkeypatch.setitem(sys.modules, 'yaml', None)
    with pytest.raises(ImportError, match=r"minikeras\[yaml\]"):
        model.to_yaml()
    with pytest.raises(ImportError, match=r"minikeras\[yaml\]"):
        model_from_yaml('class_name: Model')
