"""Serialization registry: `register_keras_serializable`, plain-function custom
objects through get_config/from_config, custom_objects, custom_object_scope and load_model."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import backend as K
from minikeras.utils import generic_utils


def my_regularizer(x):
    return 1e-3 * K.sum(K.square(x))


def my_initializer(shape, dtype=None):
    return K.constant(np.full(shape, 0.5), dtype=dtype)


def my_constraint(w):
    return K.clip(w, -0.1, 0.1)


CUSTOM = {'my_regularizer': my_regularizer, 'my_initializer': my_initializer, 'my_constraint': my_constraint}


def _dense():
    return keras.layers.Dense(3, kernel_regularizer=my_regularizer, kernel_initializer=my_initializer,
                              kernel_constraint=my_constraint)


def _check_restored(layer):
    assert layer.kernel_regularizer is my_regularizer
    assert layer.kernel_initializer is my_initializer
    assert layer.kernel_constraint is my_constraint


def test_plain_functions_round_trip_through_config():
    config = _dense().get_config()
    assert config['kernel_regularizer'] == 'my_regularizer'
    with keras.utils.custom_object_scope(CUSTOM):
        _check_restored(keras.layers.Dense.from_config(config))
    _check_restored(keras.layers.deserialize({'class_name': 'Dense', 'config': config}, custom_objects=CUSTOM))
    with pytest.raises(ValueError, match='Unknown'):
        keras.layers.Dense.from_config(config)


def test_plain_functions_round_trip_through_load_model(tmp_path):
    model = keras.models.Sequential([keras.layers.Dense(3, input_shape=(2,), kernel_regularizer=my_regularizer,
                                                        kernel_initializer=my_initializer,
                                                        kernel_constraint=my_constraint)])
    model.compile('sgd', 'mse')
    model.fit(np.ones((4, 2)), np.ones((4, 3)), verbose=0)
    assert np.abs(model.get_weights()[0]).max() <= 0.1 + 1e-7  # the constraint ran
    path = str(tmp_path / 'model.h5')
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects=CUSTOM)
    _check_restored(loaded.layers[0])
    with keras.utils.custom_object_scope(CUSTOM):
        scoped = keras.models.load_model(path)
    _check_restored(scoped.layers[0])
    np.testing.assert_allclose(scoped.predict(np.ones((2, 2))), model.predict(np.ones((2, 2))), rtol=1e-6)


def test_factories_named_by_string_are_still_called():
    assert isinstance(keras.initializers.get('glorot_uniform'), keras.initializers.Initializer)


def test_register_keras_serializable_keys_and_round_trip(tmp_path):
    @keras.utils.register_keras_serializable(package='test_pkg')
    class Scale(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super(Scale, self).__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            config = super(Scale, self).get_config()
            config['factor'] = self.factor
            return config

    @keras.utils.register_keras_serializable(package='test_pkg', name='l2_small')
    def small_l2(x):
        return 0.01 * K.sum(K.square(x))

    assert keras.utils.get_custom_objects()['test_pkg>Scale'] is Scale
    assert keras.utils.get_registered_name(small_l2) == 'test_pkg>l2_small'
    inputs = keras.layers.Input((3,))
    outputs = Scale(3.0)(keras.layers.Dense(2, kernel_regularizer=small_l2)(inputs))
    model = keras.models.Model(inputs, outputs)
    config = model.get_config()
    assert config['layers'][-1]['class_name'] == 'test_pkg>Scale'
    assert config['layers'][1]['config']['kernel_regularizer'] == 'test_pkg>l2_small'
    rebuilt = keras.models.model_from_json(model.to_json())
    assert isinstance(rebuilt.layers[-1], Scale) and rebuilt.layers[-1].factor == 3.0
    assert rebuilt.layers[1].kernel_regularizer is small_l2
    model.compile('sgd', 'mse')
    path = str(tmp_path / 'registered.h5')
    model.save(path)
    assert isinstance(keras.models.load_model(path).layers[-1], Scale)
    for key in ('test_pkg>Scale', 'test_pkg>l2_small'):
        del keras.utils.get_custom_objects()[key]


def test_register_keras_serializable_errors():
    class NoConfig(object):
        pass

    with pytest.raises(ValueError, match='get_config'):
        keras.utils.register_keras_serializable('test_pkg')(NoConfig)

    def f(x):
        return x

    def g(x):
        return x

    keras.utils.register_keras_serializable('test_pkg', name='dup')(f)
    with pytest.raises(ValueError, match='already registered'):
        keras.utils.register_keras_serializable('test_pkg', name='dup')(g)
    del generic_utils.get_custom_objects()['test_pkg>dup']


class _Base(object):
    def __init__(self, size=1):
        self.size = size

    def get_config(self):
        return {'size': self.size}


class _Big(_Base):
    pass


def _double(x):
    return 2 * x


def test_registry_functions_build_the_trio_with_each_option():
    objects = {'_Base': _Base, '_Big': _Big, '_double': _double}
    serialize, deserialize, get = generic_utils.registry_functions('widget', lambda: objects)
    assert serialize(_Big(3)) == {'class_name': '_Big', 'config': {'size': 3}}
    assert serialize(_double) == '_double' and serialize(None) is None
    assert deserialize({'class_name': '_Big', 'config': {'size': 4}}).size == 4
    assert get('_double') is _double and get(_double) is _double
    assert get('_Big') is _Big  # names are not classes by default: the object itself
    with pytest.raises(ValueError, match=r'Could not interpret widget identifier: None'):
        get(None)
    with pytest.raises(ValueError, match=r"Could not interpret widget identifier: 3"):
        get(3)
    with pytest.raises(ValueError, match='Unknown widget: nothing'):
        get('nothing')
    with pytest.raises(ValueError, match='Unknown widget: Gadget'):
        deserialize({'class_name': 'Gadget', 'config': {}}, custom_objects={'Other': _Base})
    assert deserialize({'class_name': 'Gadget', 'config': {}}, custom_objects={'Gadget': _Big}).size == 1

    _, deserialize, get = generic_utils.registry_functions(
        'gadget', lambda: objects, default=_double, names_are_classes=True, instantiate=_Base,
        accepts=lambda obj: isinstance(obj, _Base), prepare=lambda config, custom: dict(config, config={'size': 7}),
        describe=str)
    assert get(None) is _double
    assert isinstance(get('_Big'), _Big) and get('_Big').size == 7  # built, through prepare
    instance = _Big()
    assert get(instance) is instance
    with pytest.raises(ValueError, match=r'Could not interpret gadget identifier: <function _double'):
        get(_double)  # not accepted: only instances of _Base pass unchanged
    deserialize_instantiating = generic_utils.registry_functions('thing', lambda: objects, instantiate=_Base)[1]
    assert isinstance(deserialize_instantiating('_Big'), _Big)
