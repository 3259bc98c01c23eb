"""Keras 1 layers that Keras 2.2.4 still ships (deprecated), so old code and saved models load.

- `Highway` and `MaxoutDense`: Keras 1 dense layers (Keras 1 argument names,
  weights `W`, `W_carry`, `b`, `b_carry` / `W`, `b` in Keras' order).
- `AtrousConvolution1D` / `AtrousConvolution2D`: `Conv1D` / `Conv2D` with
  `atrous_rate` as `dilation_rate`.
- `Recurrent` and `ConvRecurrent2D`: the Keras 2.0 abstract bases of
  recurrent layers written as `step(inputs, states)` plus `self.states`.

Each constructor warns that the layer is deprecated, as Keras 2.2.4 does.
"""
import warnings

import numpy as np

from .. import activations, constraints, initializers, regularizers
from .. import backend as K
from ..engine.base_layer import InputSpec, Layer
from ..utils import conv_utils
from ..utils.generic_utils import to_list


class _Keras1Dense(Layer):
    """What `MaxoutDense` and `Highway` share: the Keras 1 weight options
    (`init`, `W_*` / `b_*` regularizers and constraints, `bias`, `input_dim`,
    initial `weights`), a 2-D input, and their config entries."""

    def __init__(self, init, weights, W_regularizer, b_regularizer, activity_regularizer, W_constraint,
                 b_constraint, bias, input_dim, **kwargs):
        if input_dim:
            kwargs['input_shape'] = (input_dim,)
        super(_Keras1Dense, self).__init__(**kwargs)
        self.init = initializers.get(init)
        self.W_regularizer = regularizers.get(W_regularizer)
        self.b_regularizer = regularizers.get(b_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.W_constraint = constraints.get(W_constraint)
        self.b_constraint = constraints.get(b_constraint)
        self.bias = bias
        self.input_dim = input_dim
        self.initial_weights = weights
        self.input_spec = InputSpec(ndim=2)

    def _set_initial_weights(self):
        if self.initial_weights is not None:
            self.set_weights(self.initial_weights)
            del self.initial_weights
        self.built = True

    def get_config(self):
        config = {'init': initializers.serialize(self.init),
                  'W_regularizer': regularizers.serialize(self.W_regularizer),
                  'b_regularizer': regularizers.serialize(self.b_regularizer),
                  'activity_regularizer': regularizers.serialize(self.activity_regularizer),
                  'W_constraint': constraints.serialize(self.W_constraint),
                  'b_constraint': constraints.serialize(self.b_constraint), 'bias': self.bias,
                  'input_dim': self.input_dim}
        base = super(_Keras1Dense, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class MaxoutDense(_Keras1Dense):
    """The element-wise maximum of `nb_feature` affine maps (a learned piecewise-linear unit).

    Args:
        output_dim: number of output units.
        nb_feature: number of affine maps the maximum is taken over.
        init: kernel initializer.
        weights: initial weights `[W (nb_feature, input_dim, output_dim), b (nb_feature, output_dim)]`.
        W_regularizer, b_regularizer, activity_regularizer: regularizers.
        W_constraint, b_constraint: constraints.
        bias: whether to add the biases `b`.
        input_dim: the input size (sets `input_shape`).

    Input shape `(batch, input_dim)`; output shape `(batch, output_dim)`.
    """

    def __init__(self, output_dim, nb_feature=4, init='glorot_uniform', weights=None, W_regularizer=None,
                 b_regularizer=None, activity_regularizer=None, W_constraint=None, b_constraint=None,
                 bias=True, input_dim=None, **kwargs):
        warnings.warn('The `MaxoutDense` layer is deprecated (Keras 1); it is kept so old models load.')
        super(MaxoutDense, self).__init__(init, weights, W_regularizer, b_regularizer, activity_regularizer,
                                          W_constraint, b_constraint, bias, input_dim, **kwargs)
        self.output_dim = output_dim
        self.nb_feature = nb_feature

    def build(self, input_shape):
        input_dim = input_shape[1]
        self.input_spec = InputSpec(dtype=K.floatx(), shape=(None, input_dim))
        self.W = self.add_weight(name='W', shape=(self.nb_feature, input_dim, self.output_dim),
                                 initializer=self.init, regularizer=self.W_regularizer,
                                 constraint=self.W_constraint)
        self.b = None
        if self.bias:
            self.b = self.add_weight(name='b', shape=(self.nb_feature, self.output_dim), initializer='zeros',
                                     regularizer=self.b_regularizer, constraint=self.b_constraint)
        self._set_initial_weights()

    def call(self, inputs):
        output = K.dot(inputs, self.W)  # (batch, nb_feature, output_dim)
        if self.bias:
            output = output + self.b
        return K.max(output, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_dim)

    def get_config(self):
        config = super(MaxoutDense, self).get_config()
        config.update({'output_dim': self.output_dim, 'nb_feature': self.nb_feature})
        return config


class Highway(_Keras1Dense):
    """A highway layer: `t * activation(x W + b) + (1 - t) * x`, with the gate `t = sigmoid(x W_carry + b_carry)`.

    Args:
        init: initializer of `W` and `W_carry`.
        activation: activation of the transformed branch (default linear).
        weights: initial weights `[W, W_carry, b, b_carry]` (`[W, W_carry]` without bias).
        W_regularizer, b_regularizer, activity_regularizer: regularizers.
        W_constraint, b_constraint: constraints of `W` and `b`.
        bias: whether to use `b` and `b_carry` (`b_carry` starts at ones).
        input_dim: the input size (sets `input_shape`).

    Input and output shape `(batch, input_dim)`.
    """

    def __init__(self, init='glorot_uniform', activation=None, weights=None, W_regularizer=None,
                 b_regularizer=None, activity_regularizer=None, W_constraint=None, b_constraint=None, bias=True,
                 input_dim=None, **kwargs):
        warnings.warn('The `Highway` layer is deprecated (Keras 1); it is kept so old models load.')
        if kwargs.pop('transform_bias', None) is not None:
            warnings.warn('Highway: the `transform_bias` argument was removed; it is ignored.')
        super(Highway, self).__init__(init, weights, W_regularizer, b_regularizer, activity_regularizer,
                                      W_constraint, b_constraint, bias, input_dim, **kwargs)
        self.activation = activations.get(activation)

    def build(self, input_shape):
        input_dim = input_shape[1]
        self.input_spec = InputSpec(dtype=K.floatx(), shape=(None, input_dim))
        self.W = self.add_weight(name='W', shape=(input_dim, input_dim), initializer=self.init,
                                 regularizer=self.W_regularizer, constraint=self.W_constraint)
        self.W_carry = self.add_weight(name='W_carry', shape=(input_dim, input_dim), initializer=self.init)
        self.b = self.b_carry = None
        if self.bias:
            self.b = self.add_weight(name='b', shape=(input_dim,), initializer='zeros',
                                     regularizer=self.b_regularizer, constraint=self.b_constraint)
            self.b_carry = self.add_weight(name='b_carry', shape=(input_dim,), initializer='ones')
        self._set_initial_weights()

    def call(self, inputs):
        gate = K.dot(inputs, self.W_carry)
        transformed = K.dot(inputs, self.W)
        if self.bias:
            gate = gate + self.b_carry
            transformed = transformed + self.b
        gate = activations.sigmoid(gate)
        return self.activation(transformed) * gate + (1 - gate) * inputs

    def get_config(self):
        config = super(Highway, self).get_config()
        config['activation'] = activations.serialize(self.activation)
        return config


def _atrous(conv_name, args, kwargs):
    from .. import layers
    kwargs['dilation_rate'] = kwargs.pop('atrous_rate', 1)
    warnings.warn('The `Atrous%s` layer is deprecated; use `%s` with `dilation_rate`.'
                  % (conv_name.replace('Conv', 'Convolution'), conv_name))
    return getattr(layers, conv_name)(*args, **kwargs)


def AtrousConvolution1D(*args, **kwargs):  # noqa: N802  (Keras 1 class name)
    """`Conv1D` with the Keras 1 `atrous_rate` (default 1) as `dilation_rate`."""
    return _atrous('Conv1D', args, kwargs)


def AtrousConvolution2D(*args, **kwargs):  # noqa: N802  (Keras 1 class name)
    """`Conv2D` with the Keras 1 `atrous_rate` (default 1) as `dilation_rate`."""
    return _atrous('Conv2D', args, kwargs)


class Recurrent(Layer):
    """Abstract base of Keras 2.0-style recurrent layers: subclasses define `step` and `states`.

    A subclass sets `self.units` and, in `build`, `self.states` (a list, one
    `None` per state, or the state variables when stateful), and implements
    `step(inputs, states) -> (output, new_states)`; it may override
    `get_constants(inputs, training)` (extra values appended to the states
    each step) and `preprocess_input(inputs, training)`. Initial states can be
    passed as `initial_state=` or as extra list inputs, as for Keras 2 RNNs.

    Args:
        return_sequences: return the whole output sequence, not only the last output.
        return_state: also return the last states.
        go_backwards: process the sequence in reverse.
        stateful: keep the last states of each batch as the initial states of the next.
        unroll: unroll the loop (known, short sequence lengths only).
        implementation: kept for the subclass (Keras 2.0's `implementation` mode).
    """

    def __init__(self, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, implementation=0, **kwargs):
        super(Recurrent, self).__init__(**kwargs)
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.implementation = implementation
        self.supports_masking = True
        self.input_spec = [InputSpec(ndim=3)]
        self.state_spec = None
        self.dropout = 0
        self.recurrent_dropout = 0

    def _state_shape(self, batch_size):
        return (batch_size, self.units)

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        state_shape = self._state_shape(input_shape[0])
        if self.return_sequences:
            output_shape = (input_shape[0], input_shape[1]) + tuple(state_shape[1:])
        else:
            output_shape = tuple(state_shape)
        if self.return_state:
            return [output_shape] + [tuple(state_shape) for _ in self.states]
        return output_shape

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.states]
        return output_mask

    def step(self, inputs, states):
        raise NotImplementedError('%s must implement step(inputs, states)' % type(self).__name__)

    def get_constants(self, inputs, training=None):
        return []

    def preprocess_input(self, inputs, training=None):
        return inputs

    def get_initial_state(self, inputs):
        """Zero states `(batch, units)` built from the input tensor `(batch, time, features)`."""
        zeros = K.sum(K.zeros_like(inputs), axis=(1, 2))
        state = K.tile(K.expand_dims(zeros), [1, self.units])
        return [state for _ in self.states]

    def __call__(self, inputs, initial_state=None, **kwargs):
        from ..layers.recurrent import _standardize_args, call_with_additional_inputs
        inputs, initial_state, _ = _standardize_args(inputs, initial_state, None, 0)
        if initial_state is None:
            return super(Recurrent, self).__call__(inputs, **kwargs)
        specs = [InputSpec(shape=K.int_shape(s)) for s in initial_state]
        return call_with_additional_inputs(self, inputs, initial_state, specs, initial_state, None, kwargs)

    def call(self, inputs, mask=None, training=None, initial_state=None):
        if isinstance(inputs, list):
            initial_state = inputs[1:]
            inputs = inputs[0]
        if initial_state is None:
            initial_state = self.states if self.stateful else self.get_initial_state(inputs)
        initial_state = to_list(initial_state, allow_tuple=True)
        if isinstance(mask, list):
            mask = mask[0]
        if len(initial_state) != len(self.states):
            raise ValueError('Layer %s has %d states but was passed %d initial states.'
                             % (self.name, len(self.states), len(initial_state)))
        timesteps = K.int_shape(inputs)[1]
        if self.unroll and timesteps in (None, 1):
            raise ValueError('Layer %s: cannot unroll a recurrent layer over an unknown number of time steps '
                             '(or a single one); give the input a fixed length.' % self.name)
        constants = self.get_constants(inputs, training=None)
        last_output, outputs, states = K.rnn(self.step, self.preprocess_input(inputs, training=None),
                                             initial_state, go_backwards=self.go_backwards, mask=mask,
                                             constants=constants, unroll=self.unroll, input_length=timesteps)
        if self.stateful:
            self.add_update([(self.states[i], states[i]) for i in range(len(states))], inputs)
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return [output] + to_list(states, allow_tuple=True)
        return output

    def reset_states(self, states=None):
        """Zeroes the states of a stateful layer (creating them on first use), or sets them to `states`.

        Raises:
            AttributeError: the layer is not stateful.
            ValueError: unknown batch size, or states of the wrong number or shape.
        """
        if not self.stateful:
            raise AttributeError('Layer %s must be stateful to reset its states.' % self.name)
        batch_size = self.input_spec[0].shape[0] if self.input_spec[0].shape else None
        if not batch_size:
            raise ValueError('Layer %s: a stateful recurrent layer needs a fixed batch size: pass '
                             '`batch_input_shape` (Sequential) or `batch_shape` (Input).' % self.name)
        shape = self._state_shape(batch_size)
        if self.states[0] is None:
            self.states = [K.zeros(shape) for _ in self.states]
        if states is None:
            for state in self.states:
                K.set_value(state, np.zeros(shape))
            return
        states = to_list(states, allow_tuple=True)
        if len(states) != len(self.states):
            raise ValueError('Layer %s expects %d states, but it received %d state values.'
                             % (self.name, len(self.states), len(states)))
        for index, (value, state) in enumerate(zip(states, self.states)):
            if np.shape(value) != tuple(shape):
                raise ValueError('State %d of layer %s: expected shape %s, found shape %s'
                                 % (index, self.name, tuple(shape), np.shape(value)))
            K.set_value(state, value)

    def get_config(self):
        config = {'return_sequences': self.return_sequences, 'return_state': self.return_state,
                  'go_backwards': self.go_backwards, 'stateful': self.stateful, 'unroll': self.unroll,
                  'implementation': self.implementation}
        base = super(Recurrent, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class ConvRecurrent2D(Recurrent):
    """Abstract base of Keras 2.0-style convolutional recurrent layers (inputs `(batch, time, ...image)`).

    Args:
        filters: output channels of the state.
        kernel_size, strides, padding, data_format, dilation_rate: as for `Conv2D`.
        return_sequences, go_backwards, stateful: as for `Recurrent`.

    The state of each step is an image `(batch, rows, cols, filters)`
    (channels first under 'channels_first').
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid', data_format=None,
                 dilation_rate=(1, 1), return_sequences=False, go_backwards=False, stateful=False, **kwargs):
        super(ConvRecurrent2D, self).__init__(return_sequences=return_sequences, go_backwards=go_backwards,
                                              stateful=stateful, **kwargs)
        self.filters = filters
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, 2, 'kernel_size')
        self.strides = conv_utils.normalize_tuple(strides, 2, 'strides')
        self.padding = conv_utils.normalize_padding(padding)
        self.data_format = K.normalize_data_format(data_format)
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, 2, 'dilation_rate')
        self.input_spec = [InputSpec(ndim=5)]

    def _spatial_output(self, input_shape):
        rows, cols = (input_shape[3], input_shape[4]) if self.data_format == 'channels_first' else \
            (input_shape[2], input_shape[3])
        return [conv_utils.conv_output_length(length, self.kernel_size[i], self.padding, self.strides[i],
                                              dilation=self.dilation_rate[i])
                for i, length in enumerate((rows, cols))]

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        rows, cols = self._spatial_output(input_shape)
        image = (self.filters, rows, cols) if self.data_format == 'channels_first' else (rows, cols, self.filters)
        state_shape = (input_shape[0],) + image
        output_shape = (input_shape[0], input_shape[1]) + image if self.return_sequences else state_shape
        if self.return_state:
            return [output_shape, state_shape, state_shape]
        return output_shape

    def get_config(self):
        config = {'filters': self.filters, 'kernel_size': self.kernel_size, 'strides': self.strides,
                  'padding': self.padding, 'data_format': self.data_format, 'dilation_rate': self.dilation_rate,
                  'return_sequences': self.return_sequences, 'go_backwards': self.go_backwards,
                  'stateful': self.stateful}
        base = super(ConvRecurrent2D, self).get_config()
        return dict(list(base.items()) + list(config.items()))
