"""Weights are named as tf_keras names them (`lstm/lstm_cell/kernel:0`,
`bidirectional/forward_lstm/lstm_cell/kernel:0`, `time_distributed/kernel:0`),
in memory and in the files minikeras writes."""
import h5py
import numpy as np
import pytest

from minikeras import backend as K
from minikeras import layers
from minikeras.models import Model, load_model
from keras2_fixtures import case_names, load_case, path


@pytest.mark.parametrize('name', case_names('models'))
def test_model_fixture_weight_names_survive_load_and_save(name, tmp_path):
    meta, _ = load_case('models', name)
    model = load_model(path('models', meta['h5_file']))
    for layer_name, expected in meta['weight_names'].items():
        assert [w.name + ':0' for w in model.get_layer(layer_name).weights] == expected
    saved = str(tmp_path / 'resaved.h5')
    model.save(saved)
    with h5py.File(saved, 'r') as f:
        for layer_name, expected in meta['weight_names'].items():
            names = [n.decode('utf8') if isinstance(n, bytes) else n
                     for n in f['model_weights'][layer_name].attrs['weight_names']]
            assert names == expected


@pytest.mark.parametrize('name', [n for n in case_names('layers') if load_case('layers', n)[0]['kind'] == 'layer'])
def test_layer_fixture_weight_names(name):
    meta, _ = load_case('layers', name)
    layer = layers.deserialize({'class_name': meta['class_name'], 'config': meta['config']})
    inputs = [layers.Input(shape=tuple(s[1:]), dtype=d) for s, d in zip(meta['input_shapes'], meta['input_dtypes'])]
    layer(inputs[0] if len(inputs) == 1 else inputs)
    assert [w.name + ':0' for w in layer.weights] == meta['weight_names']


def test_directly_built_layer_is_named_after_itself():
    dense = layers.Dense(2, name='head')
    dense.build((None, 3))
    assert [w.name for w in dense.weights] == ['head/kernel', 'head/bias']
    with K.name_scope('outer'):
        assert K.get_name_scope() == 'outer'
        assert K.variable(np.zeros(1), name='v').name == 'outer/v'
    assert K.get_name_scope() == ''
    model = Model(*(lambda x: (x, layers.Dense(1, name='d')(x)))(layers.Input(shape=(2,))))
    assert [w.name for w in model.weights] == ['d/kernel', 'd/bias']
