"""Lambda configs: which functions are saved by name and which as bytecode."""
import numpy as np

from minikeras import backend as K
from minikeras.layers import Input, Lambda
from minikeras.models import Model
from minikeras.utils.test_utils import layer_test


def module_level_double(x):
    return x * 2.


def test_local_functions_round_trip_as_bytecode():
    # A function defined inside another has no importable name: its config
    # carries the bytecode (as Keras 2.2 does), so from_config works in process.
    def antirectifier(x):
        x = x - K.mean(x, axis=1, keepdims=True)
        return K.concatenate([K.relu(x), K.relu(-x)], axis=1)

    def doubled_last(input_shape):
        return input_shape[:-1] + (input_shape[-1] * 2,)

    layer = Lambda(antirectifier, output_shape=doubled_last)
    config = layer.get_config()
    assert config['function_type'] == 'lambda' and config['output_shape_type'] == 'lambda'
    again = Lambda.from_config(config)
    x = Input((3,))
    data = np.array([[1., 2., 6.]], 'float32')
    expected = np.array([[0., 0., 3., 2., 1., 0.]], 'float32')
    np.testing.assert_allclose(Model(x, again(x)).predict(data), expected, rtol=1e-6)
    layer_test(Lambda, kwargs={'function': antirectifier, 'output_shape': doubled_last}, input_shape=(3, 2))


def test_module_level_functions_are_saved_by_name():
    config = Lambda(module_level_double).get_config()
    assert (config['function'], config['function_type']) == ('module_level_double', 'function')
    again = Lambda.from_config(config, custom_objects={'module_level_double': module_level_double})
    assert again.function is module_level_double
