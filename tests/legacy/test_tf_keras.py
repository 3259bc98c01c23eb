"""tf.keras layer config keys (minikeras.legacy.tf_keras and the layers that read them)."""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras import layers
from minikeras.legacy.tf_keras import TF_KERAS_LAYER_KEYS, adapt_model_config, is_tf_keras_file


def test_tf_keras_versions():
    assert is_tf_keras_file('2.2.4-tf') and is_tf_keras_file('2.15.0') and is_tf_keras_file('2.21.0')
    assert not is_tf_keras_file('2.2.4') and not is_tf_keras_file('2.3.1') and not is_tf_keras_file(None)


def test_batch_normalization_of_tf_keras_files_is_marked():
    config = {'class_name': 'Model', 'config': {'layers': [
        {'class_name': 'BatchNormalization', 'config': {'name': 'bn'}},
        {'class_name': 'TimeDistributed', 'config': {'layer': {'class_name': 'BatchNormalization',
                                                               'config': {'name': 'inner'}}}}]}}
    adapted = adapt_model_config(config, '2.21.0')
    assert adapted['config']['layers'][0]['config']['fused'] is None
    assert adapted['config']['layers'][1]['config']['layer']['config']['fused'] is None
    plain = {'class_name': 'Model', 'config': {'layers': [{'class_name': 'BatchNormalization', 'config': {}}]}}
    assert 'fused' not in adapt_model_config(plain, '2.2.4')['config']['layers'][0]['config']
    assert 'fused' in TF_KERAS_LAYER_KEYS and 'seed' in TF_KERAS_LAYER_KEYS


@pytest.mark.parametrize('fused, shape, factor', [(None, (4, 3), 1.0), (None, (2, 2, 2, 3), 8. / 7.),
                                                  (False, (2, 2, 2, 3), 1.0), ('keras2', (4, 3), 4. / 2.999)])
def test_batch_normalization_moving_variance_correction(fused, shape, factor):
    kwargs = {} if fused == 'keras2' else {'fused': fused}
    layer = layers.BatchNormalization(momentum=0.0, **kwargs)
    x = np.random.RandomState(0).randn(*shape).astype('float32')
    inputs = K.placeholder(shape=shape)
    layer(inputs, training=True)
    K.function([inputs], [], updates=layer.updates)([x])
    expected = x.reshape(-1, shape[-1]).var(axis=0) * factor
    np.testing.assert_allclose(K.get_value(layer.moving_variance), expected, rtol=1e-5)
    assert ('fused' in layer.get_config()) == (fused != 'keras2')


@pytest.mark.parametrize('cls, arg', [(layers.GaussianNoise, 0.5), (layers.GaussianDropout, 0.3)])
def test_noise_layers_take_a_seed(cls, arg):
    layer = cls(arg, seed=3)
    assert layer.get_config()['seed'] == 3
    assert 'seed' not in cls(arg).get_config()  # Keras 2.2.4 configs stay as they were
    x = np.ones((2, 3), 'float32')
    inputs = K.placeholder(shape=(2, 3))
    run = K.function([inputs], [cls(arg, seed=3)(inputs, training=True)])
    again = K.function([inputs], [cls(arg, seed=3)(inputs, training=True)])
    np.testing.assert_array_equal(run([x])[0], again([x])[0])


def test_ragged_input_is_refused():
    with pytest.raises(ValueError, match='ragged'):
        layers.InputLayer(batch_input_shape=(None, 3), ragged=True)
    layers.InputLayer(batch_input_shape=(None, 3), ragged=False, optional=False)


def test_every_layer_key_of_the_corpus_is_an_argument_or_listed():
    """Every config key in the tf.keras corpus is a constructor argument somewhere in the class's MRO, a
    base-layer keyword, or listed with its treatment in TF_KERAS_LAYER_KEYS."""
    import glob
    import gzip
    import inspect
    import io
    import json
    import os

    import h5py

    base = {'name', 'trainable', 'dtype', 'batch_input_shape', 'input_shape', 'batch_size', 'weights'}
    corpus = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'fixtures', 'tf_keras')
    unexplained = set()
    files = glob.glob(os.path.join(corpus, '*', '*.h5.gz'))
    assert files
    for path in files:
        with gzip.open(path, 'rb') as packed, h5py.File(io.BytesIO(packed.read()), 'r') as f:
            config = json.loads(f.attrs['model_config'])
        for layer in config['config']['layers']:
            cls = getattr(layers, layer['class_name'])
            arguments = set()
            for klass in cls.__mro__:
                init = klass.__dict__.get('__init__')
                if init is not None:
                    arguments |= set(inspect.signature(getattr(init, '_legacy_original_init', init)).parameters)
            for key in layer['config']:
                if key not in arguments | base and key not in TF_KERAS_LAYER_KEYS:
                    unexplained.add((layer['class_name'], key))
    assert not unexplained, sorted(unexplained)
