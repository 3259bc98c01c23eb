"""plot_model / model_to_dot: a clear ImportError without pydot; with pydot, one
node per layer and the connections of the model."""
import builtins

import pytest

from minikeras.layers import Bidirectional, Dense, Input, LSTM, concatenate
from minikeras.models import Model, Sequential
from minikeras.utils import model_to_dot, plot_model


def two_branch_model():
    a, b = Input((4,), name='a'), Input((3, 2), name='b')
    merged = concatenate([Dense(2, name='da')(a), Bidirectional(LSTM(2), name='bi')(b)], name='merge')
    return Model([a, b], Dense(1, name='out')(merged))


def test_without_pydot_the_error_names_the_extra(monkeypatch):
    real_import = builtins.__import__

    def blocked(name, *args, **kwargs):
        if name == 'pydot':
            raise ImportError('blocked for the test')
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, '__import__', blocked)
    with pytest.raises(ImportError, match=r"minikeras\[plot\]"):
        model_to_dot(two_branch_model())


def test_graph_has_a_node_per_layer_and_the_model_edges(tmp_path):
    pytest.importorskip('pydot', reason='pydot is an optional extra (minikeras[plot])')
    model = two_branch_model()
    dot = model_to_dot(model, show_shapes=True)
    labels = {node.get_name().strip('"'): node.get_label() for node in dot.get_nodes()}
    by_layer = {layer.name: str(id(layer)) for layer in model.layers}
    assert set(by_layer.values()) <= set(labels)
    assert 'bi(lstm' in labels[by_layer['bi']] and 'Bidirectional(LSTM)' in labels[by_layer['bi']]
    assert '(None, 1)' in labels[by_layer['out']]
    edges = {(e.get_source(), e.get_destination()) for e in dot.get_edges()}
    assert (by_layer['da'], by_layer['merge']) in edges and (by_layer['merge'], by_layer['out']) in edges
    path = str(tmp_path / 'model.dot')
    plot_model(Sequential([Dense(2, input_shape=(3,), name='only')]), to_file=path)
    assert 'only: Dense' in open(path).read()
    with pytest.raises(ValueError, match='rankdir'):
        model_to_dot(model, rankdir='XY')
