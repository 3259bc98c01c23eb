"""plot_model / model_to_dot: a clear ImportError without pydot; with pydot, one
node per layer and the connections of the model, and every argument of the seed
(show_dtype, expand_nested, dpi, subgraph, rankdir)."""
import sys

import pytest

from minikeras.layers import Bidirectional, Dense, Input, LSTM, concatenate
from minikeras.models import Model, Sequential
from minikeras.utils import model_to_dot, plot_model


def two_branch_model():
    a, b = Input((4,), name='a'), Input((3, 2), name='b')
    merged = concatenate([Dense(2, name='da')(a), Bidirectional(LSTM(2), name='bi')(b)], name='merge')
    return Model([a, b], Dense(1, name='out')(merged))


def test_without_pydot_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, 'pydot', None)
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


def _nested_model():
    inner_in = Input((4,), name='inner_in')
    inner = Model(inner_in, Dense(3, name='inner_dense')(Dense(5, name='inner_hidden')(inner_in)), name='inner')
    x = Input((4,), name='x')
    return inner, Model(x, Dense(1, name='head')(inner(x)), name='outer')


def test_expand_nested_draws_a_cluster_and_connects_into_it():
    pytest.importorskip('pydot', reason='pydot is an optional extra (minikeras[plot])')
    inner, outer = _nested_model()
    flat = model_to_dot(outer)
    assert str(id(inner)) in [n.get_name().strip('"') for n in flat.get_nodes()] and not flat.get_subgraphs()

    dot = model_to_dot(outer, expand_nested=True)
    clusters = dot.get_subgraphs()
    assert len(clusters) == 1 and clusters[0].get_label() == 'inner' and clusters[0].get('style') == 'dashed'
    inside = {n.get_name().strip('"') for n in clusters[0].get_nodes()}
    assert inside == {str(id(layer)) for layer in inner.layers}
    edges = {(e.get_source(), e.get_destination()) for e in dot.get_edges()}
    ids = {layer.name: str(id(layer)) for layer in outer.layers + inner.layers}
    assert (ids['x'], ids['inner_in']) in edges and (ids['inner_dense'], ids['head']) in edges
    assert (ids['inner_in'], ids['inner_hidden']) in {(e.get_source(), e.get_destination())
                                                      for e in clusters[0].get_edges()}


def test_subgraph_dpi_rankdir_and_dtype():
    pydot = pytest.importorskip('pydot', reason='pydot is an optional extra (minikeras[plot])')
    inner, outer = _nested_model()
    cluster = model_to_dot(inner, subgraph=True)
    assert isinstance(cluster, pydot.Cluster) and cluster.get_label() == 'inner'
    dot = model_to_dot(outer, dpi=200, rankdir='LR', show_dtype=True, show_shapes=True)
    assert dot.get('dpi') == 200 and dot.get('rankdir') == 'LR'
    head = [n for n in dot.get_nodes() if n.get_name().strip('"') == str(id(outer.get_layer('head')))][0]
    assert head.get_label().startswith('head: Dense|float32') and '(None, 1)' in head.get_label()
    for rankdir in ('TB', 'BT', 'RL'):
        assert model_to_dot(outer, rankdir=rankdir).get('rankdir') == rankdir


def test_plot_model_passes_every_argument(tmp_path):
    pytest.importorskip('pydot', reason='pydot is an optional extra (minikeras[plot])')
    inner, outer = _nested_model()
    path = str(tmp_path / 'model.dot')
    dot = plot_model(outer, to_file=path, show_shapes=True, show_dtype=True, show_layer_names=False,
                     rankdir='LR', expand_nested=True, dpi=150)
    text = open(path).read()
    assert 'cluster_' in text and 'dpi=150' in text and 'rankdir=LR' in text and 'Dense|float32' in text
    assert dot.get_subgraphs()


def test_plot_model_in_a_notebook_returns_an_image(tmp_path, monkeypatch):
    pydot = pytest.importorskip('pydot', reason='pydot is an optional extra (minikeras[plot])')
    import types
    shown = []
    display = types.SimpleNamespace(Image=lambda filename: shown.append(filename) or ('image', filename))
    monkeypatch.setitem(sys.modules, 'ipykernel', types.ModuleType('ipykernel'))
    monkeypatch.setitem(sys.modules, 'IPython', types.SimpleNamespace(display=display))
    monkeypatch.setattr(pydot.Dot, 'write', lambda self, path, format='raw': open(path, 'wb').write(b'png'))
    path = str(tmp_path / 'model.png')
    result = plot_model(two_branch_model(), to_file=path)
    assert result == ('image', path) and shown == [path]
    assert not isinstance(plot_model(two_branch_model(), to_file=str(tmp_path / 'model.dot')), tuple)
