"""Keras 2's public `legacy.interfaces` decorators, used by third-party layers and optimizers."""
import warnings

import numpy as np
import pytest

from minikeras import backend as K
from minikeras.engine.base_layer import Layer
from minikeras.legacy import interfaces
from minikeras.optimizers import SGD


class MyDense(Layer):
    @interfaces.legacy_dense_support
    def __init__(self, units, kernel_initializer='zeros', **kwargs):
        super(MyDense, self).__init__(**kwargs)
        self.units, self.kernel_initializer = units, kernel_initializer


def test_layer_decorator_converts_keras1_names_with_a_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        layer = MyDense(output_dim=3, init='ones')
    assert layer.units == 3 and layer.kernel_initializer == 'ones'
    assert any('Update your `MyDense` call to the Keras 2 API' in str(w.message) for w in caught)
    with pytest.raises(TypeError, match='both'):
        MyDense(output_dim=3, units=3)


def test_generated_interface_positional_check_and_value_conversions():
    decorator = interfaces.generate_legacy_interface(allowed_positional_args=['a'],
                                                     conversions=[('old', 'new')],
                                                     value_conversions={'mode': {'th': 'channels_first'}})

    class Thing(object):
        @decorator
        def __init__(self, a=None, new=None, mode=None):
            self.a, self.new, self.mode = a, new, mode

    with pytest.warns(UserWarning, match='Thing'):
        thing = Thing(1, old=2, mode='th')
    assert (thing.a, thing.new, thing.mode) == (1, 2, 'channels_first')
    with pytest.raises(TypeError, match='can accept only 1 positional'):
        Thing(1, 2)


def test_add_weight_accepts_the_keras1_argument_order():
    layer = Layer()
    w = layer.add_weight((2, 3), initializer='ones', name='W')
    assert K.int_shape(w) == (2, 3) and w.name.endswith('W')


class Keras20SGD(SGD):
    @interfaces.legacy_get_updates_support
    def get_updates(self, loss, params):
        return super(Keras20SGD, self).get_updates(loss, params)


def test_get_updates_support_accepts_both_call_orders():
    v = K.variable(np.ones(2))
    loss = K.sum(v * v)
    opt = Keras20SGD(lr=0.1)
    assert len(opt.get_updates(loss, [v])) >= 1
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        assert len(Keras20SGD(lr=0.1).get_updates([v], {}, loss)) >= 1


def test_generator_methods_support_converts_samples_per_epoch():
    class Gen(object):
        batch_size = 10

    class FakeModel(object):
        @interfaces.legacy_generator_methods_support
        def fit_generator(self, generator, steps_per_epoch=None, epochs=1, **kwargs):
            return steps_per_epoch, epochs

    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        assert FakeModel().fit_generator(Gen(), samples_per_epoch=100, nb_epoch=3) == (10, 3)


def test_model_constructor_and_input_support_rename():
    class Net(object):
        @interfaces.legacy_model_constructor_support
        def __init__(self, inputs=None, outputs=None):
            self.inputs, self.outputs = inputs, outputs

    with pytest.warns(UserWarning):
        net = Net(input='x', output='y')
    assert (net.inputs, net.outputs) == ('x', 'y')


def test_keras1_deconvolution2d_positional_output_shape_is_dropped():
    from minikeras.layers import Deconvolution2D
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        layer = Deconvolution2D(5, 3, 3, (6, 7, 5), name='deconv')
    assert layer.filters == 5 and layer.kernel_size == (3, 3)
