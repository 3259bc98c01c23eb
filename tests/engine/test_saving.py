"""save_model / load_model / save_weights / load_weights on models built in minikeras: the Keras 2
layout, exact resumption of training with every optimizer, h5py objects, overwrite prompts,
custom objects and safe mode."""
import io
import json
import subprocess
import sys
import warnings

import h5py
import numpy as np
import pytest

from minikeras import backend as K
from minikeras import optimizers
from minikeras.engine import saving
from minikeras.layers import BatchNormalization, Dense, Dropout, Input, Lambda, Layer, concatenate
from minikeras.models import Model, Sequential, load_model, model_from_json
from minikeras.utils import CustomObjectScope
from minikeras.utils.io_utils import HDF5_OBJECT_HEADER_LIMIT, H5Dict

# Several tests save models that were never compiled; loading them warns, as
# Keras does (checked once in test_loading_an_uncompiled_model_warns).
pytestmark = pytest.mark.filterwarnings('ignore:No training configuration found:UserWarning')

OPTIMIZERS = [
    ('SGD', {'lr': 0.05}),
    ('SGD', {'lr': 0.05, 'momentum': 0.9, 'nesterov': True, 'decay': 0.01}),
    ('RMSprop', {'lr': 0.01}),
    ('Adagrad', {'lr': 0.05}),
    ('Adadelta', {'lr': 1.0}),
    ('Adam', {'lr': 0.01}),
    ('Adam', {'lr': 0.01, 'amsgrad': True, 'decay': 0.05}),
    ('Adamax', {'lr': 0.01}),
    ('Nadam', {'lr': 0.01}),
    ('Ftrl', {'learning_rate': 0.05}),
]


def _data(n=24):
    rng = np.random.RandomState(3)
    x = rng.rand(n, 5).astype('float32')
    y = np.eye(3, dtype='float32')[rng.randint(0, 3, n)]
    return x, y


def _mlp(dropout=True):
    model = Sequential()
    model.add(Dense(7, activation='tanh', input_shape=(5,)))
    model.add(BatchNormalization())
    if dropout:
        model.add(Dropout(0.3))
    model.add(Dense(3, activation='softmax'))
    return model


def _functional():
    a = Input(shape=(5,), name='a')
    b = Input(shape=(2,), name='b')
    h = Dense(4, activation='relu', name='shared')(a)
    out1 = Dense(3, activation='softmax', name='out1')(concatenate([h, b]))
    out2 = Dense(1, name='out2')(h)
    return Model([a, b], [out1, out2])


@pytest.mark.parametrize('class_name,config', OPTIMIZERS, ids=['%s-%d' % (c, i) for i, (c, _) in
                                                               enumerate(OPTIMIZERS)])
def test_round_trip_resumes_training_exactly(class_name, config, tmp_path):
    """fit 2 epochs == fit 1 epoch, save, load_model, fit 1 more epoch (shuffle=False).

    No Dropout here: its random masks depend on the random generator's state, not on the file.
    """
    x, y = _data()
    reference = _mlp(dropout=False)
    initial = reference.get_weights()
    reference.compile(getattr(optimizers, class_name)(**config), 'categorical_crossentropy', metrics=['accuracy'])
    reference.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)

    K.clear_session()
    model = _mlp(dropout=False)
    model.set_weights(initial)
    model.compile(getattr(optimizers, class_name)(**config), 'categorical_crossentropy', metrics=['accuracy'])
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    target = str(tmp_path / 'ckpt.h5')
    model.save(target)
    before = model.predict(x)
    state = model.optimizer.get_weights()

    K.clear_session()
    loaded = load_model(target)
    np.testing.assert_array_equal(loaded.predict(x), before)
    assert type(loaded.optimizer).__name__ == class_name
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.metrics_names == model.metrics_names
    for a, b in zip(loaded.optimizer.get_weights(), state):
        np.testing.assert_array_equal(a, b)
    loaded.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(loaded.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_layout_of_a_functional_model(tmp_path):
    x, y = _data()
    xb = np.ones((len(x), 2), 'float32')
    model = _functional()
    model.compile(optimizers.Adam(lr=0.01), {'out1': 'categorical_crossentropy', 'out2': 'mse'},
                  metrics={'out1': ['accuracy']}, loss_weights=[1., 0.5])
    model.fit([x, xb], [y, x[:, :1]], batch_size=8, epochs=1, verbose=0)
    target = str(tmp_path / 'f.h5')
    model.save(target)
    with h5py.File(target, 'r') as f:
        for key in ('keras_version', 'backend', 'model_config', 'training_config'):
            assert f.attrs.get_id(key).dtype.kind == 'S', 'fixed-length UTF-8 bytes, as Keras 2.2.4 writes'
        config = json.loads(f.attrs['model_config'].decode('utf8'))
        assert config['class_name'] == 'Model'
        assert [l['name'] for l in config['config']['layers']] == [l.name for l in model.layers]
        training = json.loads(f.attrs['training_config'].decode('utf8'))
        assert training['loss'] == {'out1': 'categorical_crossentropy', 'out2': 'mse'}
        assert training['metrics'] == {'out1': ['accuracy']}
        assert training['loss_weights'] == [1., 0.5]
        assert training['sample_weight_mode'] is None
        assert training['optimizer_config']['class_name'] == 'Adam'
        weights = f['model_weights']
        names = [n.decode('utf8') for n in weights.attrs['layer_names']]
        assert names == [l.name for l in model.layers]
        assert 'a' in names and 'b' in names, 'functional models list their InputLayers'
        assert weights.attrs['weight_names'].dtype.kind == 'S' if 'weight_names' in weights.attrs else True
        empty = weights['a'].attrs['weight_names']
        assert empty.dtype == np.float64 and empty.shape == (0,)
        assert [n.decode('utf8') for n in weights['shared'].attrs['weight_names']] == \
            ['shared/kernel:0', 'shared/bias:0']
        np.testing.assert_array_equal(weights['shared']['shared/kernel:0'][()],
                                      K.get_value(model.get_layer('shared').kernel))
        opt = f['optimizer_weights']
        opt_names = [n.decode('utf8') for n in opt.attrs['weight_names']]
        assert len(opt_names) == len(model.optimizer.weights)
        assert opt[opt_names[0]].dtype == np.int64 and opt[opt_names[0]].shape == ()
        for name, value in zip(opt_names, model.optimizer.get_weights()):
            np.testing.assert_array_equal(opt[name][()], value)


def test_sequential_layer_names_have_no_input_layer(tmp_path):
    model = _mlp()
    model.save_weights(str(tmp_path / 'w.h5'))
    with h5py.File(str(tmp_path / 'w.h5'), 'r') as f:
        assert [n.decode() for n in f.attrs['layer_names']] == [l.name for l in model.layers]
        assert set(f.attrs) >= {'layer_names', 'backend', 'keras_version'}


def test_functional_round_trip_without_optimizer(tmp_path):
    model = _functional()
    x, _ = _data()
    xs = [x, np.ones((len(x), 2), 'float32')]
    target = str(tmp_path / 'f.h5')
    model.save(target, include_optimizer=False)
    with h5py.File(target, 'r') as f:
        assert 'training_config' not in f.attrs and 'optimizer_weights' not in f
    K.clear_session()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        loaded = load_model(target)
    assert any('*not* compiled' in str(w.message) for w in caught), [str(w.message) for w in caught]
    for a, b in zip(loaded.predict(xs), model.predict(xs)):
        np.testing.assert_array_equal(a, b)


def test_nested_model_round_trip(tmp_path):
    inner = _mlp()
    a = Input(shape=(5,))
    model = Model(a, Dense(2)(inner(a)))
    model.compile('rmsprop', 'mse')
    x, _ = _data()
    model.fit(x, np.zeros((len(x), 2), 'float32'), epochs=1, verbose=0)
    target = str(tmp_path / 'n.h5')
    model.save(target)
    with h5py.File(target, 'r') as f:
        group = f['model_weights'][inner.name]
        names = [n.decode() for n in group.attrs['weight_names']]
        assert len(names) == len(inner.weights)
        # a nested model's group holds its trainable weights, then its non-trainable ones
        expected = K.batch_get_value(inner.trainable_weights + inner.non_trainable_weights)
        for name, value in zip(names, expected):
            np.testing.assert_array_equal(group[name][()], value)
    K.clear_session()
    loaded = load_model(target)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_h5py_objects_and_file_objects():
    model = _mlp()
    x, _ = _data()
    expected = model.predict(x)
    with h5py.File('mem.h5', 'w', driver='core', backing_store=False) as f:
        f.create_dataset('user_data', data=np.arange(3))
        f.attrs['user_attr'] = 'kept'
        model.save(f)
        model.save(f)  # saving again into the same object replaces the model entries only
        group = f.create_group('checkpoints/epoch_1')
        model.save_weights(group)
        np.testing.assert_array_equal(f['user_data'][()], np.arange(3))
        assert f.attrs['user_attr'] == 'kept'
        K.clear_session()
        np.testing.assert_array_equal(load_model(f).predict(x), expected)
        clone = _mlp()
        clone.load_weights(group)
        np.testing.assert_array_equal(clone.predict(x), expected)
    buffer = io.BytesIO()
    model.save(buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(load_model(buffer).predict(x), expected)


def test_overwrite_false_asks_and_respects_the_answer(tmp_path, monkeypatch):
    target = str(tmp_path / 'm.h5')
    first = _mlp()
    first.save(target)
    original = open(target, 'rb').read()
    second = _mlp()
    monkeypatch.setattr('builtins.input', lambda prompt='': 'n')
    second.save(target, overwrite=False)
    second.save_weights(target, overwrite=False)
    assert open(target, 'rb').read() == original
    answers = iter(['maybe', 'y'])
    monkeypatch.setattr('builtins.input', lambda prompt='': next(answers))
    second.save(target, overwrite=False)
    x, _ = _data()
    np.testing.assert_array_equal(load_model(target).predict(x), second.predict(x))


def test_overwrite_false_without_stdin_does_not_hang_or_clobber(tmp_path):
    target = str(tmp_path / 'm.h5')
    _mlp().save(target)
    original = open(target, 'rb').read()
    code = ('from minikeras.models import Sequential\nfrom minikeras.layers import Dense\n'
            'm = Sequential([Dense(2, input_shape=(3,))])\nm.save(%r, overwrite=False)\nprint("returned")\n' % target)
    result = subprocess.run([sys.executable, '-c', code], stdin=subprocess.DEVNULL, capture_output=True,
                            timeout=120, text=True)
    assert result.returncode == 0, result.stderr
    assert 'returned' in result.stdout
    assert 'not overwriting' in result.stderr.lower()
    assert open(target, 'rb').read() == original


def square_plus_one(x):
    return K.square(x) + 1.


def test_safe_mode_refuses_bytecode_lambdas(tmp_path):
    a = Input(shape=(3,))
    model = Model(a, Lambda(lambda t: t * 2., name='doubler')(Dense(3)(a)))
    target = str(tmp_path / 'lambda.h5')
    model.save(target)
    with pytest.raises(saving.UnsafeConfigError) as info:
        load_model(target)
    message = str(info.value)
    assert 'doubler' in message and 'safe_mode=False' in message and 'bytecode' in message
    x = np.random.rand(4, 3).astype('float32')
    loaded = load_model(target, safe_mode=False)
    np.testing.assert_allclose(loaded.predict(x), model.predict(x), rtol=1e-6)


def test_named_lambda_functions_load_through_custom_objects(tmp_path):
    a = Input(shape=(3,))
    model = Model(a, Lambda(square_plus_one)(a))
    target = str(tmp_path / 'named.h5')
    model.save(target)
    with pytest.raises(ValueError) as info:
        load_model(target)
    assert 'square_plus_one' in str(info.value) and 'custom_objects' in str(info.value)
    x = np.random.rand(4, 3).astype('float32')
    loaded = load_model(target, custom_objects={'square_plus_one': square_plus_one})
    np.testing.assert_allclose(loaded.predict(x), x ** 2 + 1, rtol=1e-6)


class Scale(Layer):
    """A custom layer with one weight (for custom_objects tests)."""

    def build(self, input_shape):
        self.scale = self.add_weight('scale', (input_shape[-1],), initializer='ones')
        self.built = True

    def call(self, inputs):
        return inputs * self.scale


def custom_loss(y_true, y_pred):
    return K.mean(K.abs(y_true - y_pred), axis=-1)


def test_custom_layer_loss_and_scope(tmp_path):
    model = Sequential([Dense(3, input_shape=(5,)), Scale()])
    model.compile('sgd', custom_loss)
    x, y = _data()
    model.fit(x, y, epochs=1, verbose=0)
    target = str(tmp_path / 'custom.h5')
    model.save(target)
    with pytest.raises(ValueError) as info:
        load_model(target)
    assert 'Scale' in str(info.value) and 'custom_objects' in str(info.value)
    with pytest.raises(ValueError) as info:
        load_model(target, custom_objects={'Scale': Scale})
    assert 'custom_loss' in str(info.value) and 'custom_objects' in str(info.value)
    assert load_model(target, custom_objects={'Scale': Scale}, compile=False).optimizer is None
    loaded = load_model(target, custom_objects={'Scale': Scale, 'custom_loss': custom_loss})
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    with CustomObjectScope({'Scale': Scale, 'custom_loss': custom_loss}):
        scoped = load_model(target)
    assert scoped.loss_functions[0] is custom_loss


def test_load_weights_errors_name_layers_and_shapes(tmp_path):
    target = str(tmp_path / 'w.h5')
    _mlp().save_weights(target)
    wider = Sequential([Dense(9, activation='tanh', input_shape=(5,)), BatchNormalization(), Dense(3)])
    with pytest.raises(ValueError) as info:
        wider.load_weights(target)
    message = str(info.value)
    assert wider.layers[0].name in message and '(5, 9)' in message and '(5, 7)' in message
    shorter = Sequential([Dense(3, input_shape=(5,))])
    with pytest.raises(ValueError) as info:
        shorter.load_weights(target)
    assert 'containing 3 layers' in str(info.value) and 'with 1 layers' in str(info.value)


def test_load_weights_by_name_skip_mismatch_and_reshape(tmp_path):
    target = str(tmp_path / 'w.h5')
    a = Input(shape=(4,))
    source = Model(a, Dense(2, name='head')(Dense(6, name='body')(a)))
    source.save_weights(target)
    b = Input(shape=(4,))
    c6 = Input(shape=(6,))
    other = Model([b, c6], [Dense(5, name='body')(b), Dense(2, name='head')(c6)])
    with pytest.raises(ValueError) as info:
        other.load_weights(target, by_name=True)
    assert 'body' in str(info.value) and '(4, 5)' in str(info.value) and '(4, 6)' in str(info.value)
    with pytest.raises(ValueError):
        other.load_weights(target, skip_mismatch=True)  # skip_mismatch needs by_name
    before = other.get_weights()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        other.load_weights(target, by_name=True, skip_mismatch=True)
    assert any('body' in str(w.message) for w in caught)
    np.testing.assert_array_equal(other.get_layer('body').get_weights()[0], before[0])
    for a, b in zip(other.get_layer('head').get_weights(), source.get_layer('head').get_weights()):
        np.testing.assert_array_equal(a, b)  # the matching layer was loaded
    # reshape: the same number of values in another shape
    c = Input(shape=(4,))
    flat = Model(c, Dense(2, name='head')(Dense(6, name='body')(c)))
    with h5py.File(target, 'a') as f:
        kernel_name = [n.decode() for n in f['head'].attrs['weight_names']][0]
        value = f['head'][kernel_name][()]
        del f['head'][kernel_name]
        f['head'][kernel_name] = value.reshape(2, 6)
        del f.attrs['minikeras_checksum']  # an intended edit: drop the checksum minikeras wrote
    with pytest.raises(ValueError):
        flat.load_weights(target)
    flat.load_weights(target, reshape=True)
    np.testing.assert_array_equal(flat.get_layer('head').get_weights()[0], value)


def test_weights_only_file_given_to_load_model(tmp_path):
    target = str(tmp_path / 'w.h5')
    _mlp().save_weights(target)
    with pytest.raises(ValueError) as info:
        load_model(target)
    assert 'No model found' in str(info.value) and 'load_weights' in str(info.value)


def test_model_from_json_of_a_saved_file(tmp_path):
    model = _functional()
    target = str(tmp_path / 'f.h5')
    model.save(target)
    with h5py.File(target, 'r') as f:
        clone = model_from_json(f.attrs['model_config'].decode('utf8'))
    clone.load_weights(target)
    x, _ = _data()
    xs = [x, np.ones((len(x), 2), 'float32')]
    for a, b in zip(clone.predict(xs), model.predict(xs)):
        np.testing.assert_array_equal(a, b)


def test_long_name_lists_are_split_into_chunks(tmp_path):
    names = ['layer_%05d_%s' % (i, 'x' * 200) for i in range(400)]  # ~84 KB of names
    with h5py.File(str(tmp_path / 'a.h5'), 'w') as f:
        H5Dict(f).set_names('layer_names', names)
        assert 'layer_names' not in f.attrs and 'layer_names0' in f.attrs and 'layer_names1' in f.attrs
        assert all(f.attrs[k].nbytes <= HDF5_OBJECT_HEADER_LIMIT for k in f.attrs)
        assert H5Dict(f).get_names('layer_names') == names
        # Keras 2.2.4's reader: every chunk element has .decode
        keras224 = []
        i = 0
        while 'layer_names%d' % i in f.attrs:
            keras224 += [n.decode('utf8') for n in f.attrs['layer_names%d' % i]]
            i += 1
        assert keras224 == names


def test_text_attributes_read_as_str_or_bytes(tmp_path):
    with h5py.File(str(tmp_path / 'a.h5'), 'w') as f:
        f.attrs['as_str'] = 'caf\u00e9'
        f.attrs['as_bytes'] = np.bytes_('caf\u00e9'.encode('utf8'))
        f.attrs['names_str'] = np.array(['a', 'b'], dtype=h5py.string_dtype())
        f.attrs['names_bytes'] = np.array([b'a', b'b'])
        big = 'y' * (HDF5_OBJECT_HEADER_LIMIT + 10)
        H5Dict(f).set_text('big', big)
        root = H5Dict(f)
        assert root.get_text('as_str') == root.get_text('as_bytes') == 'caf\u00e9'
        assert root.get_names('names_str') == root.get_names('names_bytes') == ['a', 'b']
        assert root.get_text('big') == big


def test_model_with_very_long_layer_names_round_trips(tmp_path):
    model = Sequential([Dense(2, input_shape=(3,), name='d' * 30000), Dense(2, name='e' * 30000),
                        Dense(1, name='f' * 30000)])
    target = str(tmp_path / 'long.h5')
    model.save(target)
    with h5py.File(target, 'r') as f:
        assert 'layer_names0' in f['model_weights'].attrs
    x = np.random.rand(2, 3).astype('float32')
    np.testing.assert_array_equal(load_model(target).predict(x), model.predict(x))


def test_tf_keras_training_config_is_converted():
    """tf_keras writes metrics as one list of MeanMetricWrapper configs per output and `learning_rate`."""
    model = _functional()
    config = {'loss': {'out1': 'categorical_crossentropy', 'out2': 'mse'},
              'metrics': [[{'class_name': 'MeanMetricWrapper',
                            'config': {'name': 'accuracy', 'dtype': 'float32', 'fn': 'categorical_accuracy'}}],
                          [{'class_name': 'MeanMetricWrapper',
                            'config': {'name': 'mae', 'dtype': 'float32', 'fn': 'mean_absolute_error'}}]],
              'weighted_metrics': None, 'loss_weights': [1.0, 0.2],
              'optimizer_config': {'class_name': 'SGD', 'config': {'name': 'SGD', 'learning_rate': 0.05,
                                                                   'decay': 0.0, 'momentum': 0.9,
                                                                   'nesterov': True}}}
    saving._compile_from_training_config(model, config, None, 'test')
    assert model.metrics_names == ['loss', 'out1_loss', 'out2_loss', 'out1_acc', 'out2_mean_absolute_error']
    assert model.loss_weights == [1.0, 0.2]
    assert abs(K.get_value(model.optimizer.lr) - 0.05) < 1e-7


def test_preprocess_model_config():
    config = {'class_name': 'Functional', 'module': 'keras', 'registered_name': None,
              'config': {'name': 'm', 'layers': [
                  {'class_name': 'InputLayer', 'name': 'in', 'inbound_nodes': [],
                   'config': {'batch_shape': [None, 3], 'dtype': 'float32', 'name': 'in'}},
                  {'module': 'keras.layers', 'class_name': 'Dense', 'registered_name': None,
                   'build_config': {'input_shape': [None, 3]}, 'name': 'd',
                   'inbound_nodes': [[['in', 0, 0, {}]]],
                   'config': {'name': 'd', 'units': 2,
                              'dtype': {'module': 'keras', 'class_name': 'DTypePolicy',
                                        'config': {'name': 'float32'}, 'registered_name': None}}}],
                  'input_layers': [['in', 0, 0]], 'output_layers': [['d', 0, 0]]}}
    out = saving.preprocess_model_config(config)
    assert out['class_name'] == 'Model' and 'module' not in out
    assert out['config']['layers'][0]['config']['batch_input_shape'] == [None, 3]
    dense = out['config']['layers'][1]
    assert 'build_config' not in dense and 'module' not in dense and dense['config']['dtype'] == 'float32'
    assert config['class_name'] == 'Functional', 'the argument is not modified'
    model = model_from_json(json.dumps(out))
    assert model.output_shape == (None, 2)
    old = saving.preprocess_model_config({'class_name': 'Sequential', 'config': [
        {'class_name': 'Dense', 'config': {'units': 2, 'batch_input_shape': [None, 3]}}]})
    assert model_from_json(json.dumps(old)).output_shape == (None, 2)
    lam = saving.preprocess_model_config({'class_name': 'Lambda', 'config': {
        'name': 'l', 'function': 'square_plus_one', 'function_type': 'function', 'module': '__main__',
        'output_shape': None, 'output_shape_type': 'raw', 'output_shape_module': None, 'arguments': {}}})
    assert 'module' not in lam['config'] and 'output_shape_module' not in lam['config']


@pytest.mark.filterwarnings('error:No training configuration found:UserWarning')
def test_loading_an_uncompiled_model_warns(tmp_path):
    model = Sequential([Dense(2, input_shape=(3,))])
    path = str(tmp_path / 'uncompiled.h5')
    model.save(path)
    with pytest.warns(UserWarning, match='No training configuration found'):
        reloaded = load_model(path)
    assert reloaded.optimizer is None


def test_sequential_nested_two_deep_saves_and_loads(tmp_path):
    inner = Sequential([Dense(3, input_shape=(4,), name='i1'), Dense(2, name='i2')], name='inner')
    middle = Sequential([inner, Dense(5, name='m1')], name='middle')
    outer = Sequential([middle, Dense(1, name='o1')], name='outer')
    outer.compile('sgd', 'mse')
    x = np.random.rand(3, 4).astype('float32')
    outer.fit(x, np.ones((3, 1), 'float32'), verbose=0)
    target = str(tmp_path / 'nested.h5')
    outer.save(target)
    loaded = load_model(target)
    assert [layer.name for layer in loaded.layers] == ['middle', 'o1']
    assert [layer.name for layer in loaded.layers[0].layers] == ['inner', 'm1']
    np.testing.assert_array_equal(loaded.predict(x), outer.predict(x))
    again = Sequential.from_config(outer.get_config())
    assert len(again.weights) == len(outer.weights)
