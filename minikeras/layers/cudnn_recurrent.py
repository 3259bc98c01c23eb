"""`CuDNNLSTM` and `CuDNNGRU`: Keras 2.2.4's cuDNN-backed layers, computed on numpy.

They have the constructor, config and weights of Keras 2.2.4's layers, so a
model trained on a GPU with them loads here (by `load_model` or
`load_weights`) and predicts the same, and a model trained here runs on a GPU
with Keras 2.2.4. Their math is cuDNN's:

- `CuDNNLSTM`: gates i, f, c, o with the logistic sigmoid, `tanh` for the
  cell; an input bias and a recurrent bias per gate (`bias` has `8 * units`
  values: the `4 * units` input biases then the `4 * units` recurrent ones),
  which only ever appear summed. With the weights converted, it equals
  `LSTM(units, recurrent_activation='sigmoid')`.
- `CuDNNGRU`: gates z, r, h with the sigmoid, the reset gate applied after the
  recurrent product ("reset after"), separate input and recurrent biases
  (`bias` has `6 * units` values). With the weights converted, it equals
  `GRU(units, recurrent_activation='sigmoid', reset_after=True)`.

The weight layout is the one Keras 2.2.4 stores for these layers: `kernel`
`(input_dim, n * units)`, `recurrent_kernel` `(units, n * units)` and the flat
`bias`, each gate's block holding cuDNN's canonical matrix in its own memory
order (the input block of a gate is the `(units, input_dim)` matrix cuDNN
multiplies by, laid out row-major into the `(input_dim, units)` block; the
recurrent block is the transposed matrix). `call` rebuilds the plain Keras
matrices from those blocks once per call (outside the time loop), projects
all time steps with one product, and runs the recurrence with `K.rnn` and the
backend's fused gate ops. The file conversion between the two layouts is
`engine/rnn_weights.py`.

Masking is not supported (as with cuDNN); there is no dropout.
"""
import collections

import numpy as np

from .. import backend as K
from .. import constraints
from .. import initializers
from .. import regularizers
from ..engine import input_checks
from ..engine.base_layer import InputSpec, Layer
from .recurrent import RNN
from .recurrent_cells import _init_array

__all__ = ['CuDNNGRU', 'CuDNNLSTM']

_Cell = collections.namedtuple('_Cell', ['state_size'])


class _CuDNNRNN(RNN):
    """Shared machinery of `CuDNNGRU` and `CuDNNLSTM`.

    A subclass sets `_n_gates` and `_state_count` and defines
    `_step(recurrent_kernel, recurrent_bias)`, which returns the step function
    `(projected_t, states) -> (output, new_states)` that `K.rnn` runs.

    Args:
        units: dimensionality of the output space.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers
            of the weights (see the module docstring for their layout).
        kernel_regularizer, recurrent_regularizer, bias_regularizer,
            activity_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        return_sequences, return_state, stateful, go_backwards: as `RNN` (the
            positional order of Keras 2.2.4's CuDNN layers, `go_backwards` last).
    """
    _n_gates = 1
    _state_count = 1

    def __init__(self, units, kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal',
                 bias_initializer='zeros', kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, return_sequences=False, return_state=False,
                 stateful=False, go_backwards=False, **kwargs):
        for arg in ('unroll', 'time_major'):
            if kwargs.pop(arg, False):
                raise ValueError('%s: `%s=True` is not supported (cuDNN layers have no such option)'
                                 % (type(self).__name__, arg))
        Layer.__init__(self, **kwargs)
        self.units = input_checks.check_units(self, 'units', units)
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = False
        self.supports_masking = False
        self.input_spec = [InputSpec(ndim=3)]
        self.state_spec = [InputSpec(shape=(None, self.units)) for _ in range(self._state_count)]
        self.constants_spec = None
        self._states = None
        self._num_constants = None
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    @property
    def cell(self):
        """The state sizes, in the shape `RNN` reads them from a cell."""
        sizes = (self.units,) * self._state_count
        return _Cell(state_size=sizes if self._state_count > 1 else self.units)

    def build(self, input_shape):
        RNN.build(self, input_shape)
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError('%s: the last axis of the input (features) must be known, got input shape %s'
                             % (self.name, tuple(input_shape)))
        n = self._n_gates * self.units
        self.kernel = self.add_weight(shape=(input_dim, n), name='kernel', initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(self.units, n), name='recurrent_kernel',
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = self.add_weight(shape=(2 * n,), name='bias', initializer=self._bias_initializer(),
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.built = True

    def _bias_initializer(self):
        return self.bias_initializer

    def _keras_layout(self):
        """The plain Keras matrices of the stored cuDNN blocks (see the module docstring).

        Returns:
            (kernel (input_dim, n * units), recurrent_kernel (units, n * units),
            input_bias (n * units,), recurrent_bias (n * units,)), gates in the
            order of the Keras layer (LSTM i, f, c, o; GRU z, r, h).
        """
        u, n = self.units, self._n_gates
        input_dim = K.int_shape(self.kernel)[0]
        kernel = K.concatenate([K.transpose(K.reshape(self.kernel[:, g * u:(g + 1) * u], (u, input_dim)))
                                for g in range(n)], axis=-1)
        recurrent = K.concatenate([K.transpose(self.recurrent_kernel[:, g * u:(g + 1) * u]) for g in range(n)],
                                  axis=-1)
        return kernel, recurrent, self.bias[:n * u], self.bias[n * u:]

    def call(self, inputs, mask=None, training=None, initial_state=None, constants=None):
        if isinstance(mask, list):
            mask = mask[0]
        if mask is not None:
            raise ValueError('Layer %s: masking is not supported for CuDNN RNNs (use LSTM/GRU, or pad without '
                             'a mask).' % self.name)
        if constants:
            raise ValueError('Layer %s: CuDNN RNNs take no constants.' % self.name)
        if isinstance(inputs, list):
            initial_state = inputs[1:] or None
            inputs = inputs[0]
        if initial_state is not None:
            initial_state = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        elif self.stateful:
            initial_state = self.states
        else:
            initial_state = self.get_initial_state(inputs)
        if len(initial_state) != self._state_count:
            raise ValueError('Layer %s has %d states but was passed %d initial states.'
                             % (self.name, self._state_count, len(initial_state)))
        kernel, recurrent_kernel, input_bias, recurrent_bias = self._keras_layout()
        projected = K.bias_add(K.dot(inputs, kernel), input_bias)
        step = self._step(recurrent_kernel, recurrent_bias)
        last_output, outputs, states = K.rnn(step, projected, initial_state, go_backwards=self.go_backwards,
                                             input_length=K.int_shape(inputs)[1])
        if self.stateful:
            self.add_update([(self.states[i], states[i]) for i in range(len(states))], inputs)
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return [output] + list(states)
        return output

    # Weights and config ------------------------------------------------------------
    @property
    def trainable_weights(self):
        if self.trainable and self.built:
            return [self.kernel, self.recurrent_kernel, self.bias]
        return []

    @property
    def non_trainable_weights(self):
        if not self.trainable and self.built:
            return [self.kernel, self.recurrent_kernel, self.bias]
        return []

    @property
    def losses(self):
        return Layer.losses.fget(self)

    def get_losses_for(self, inputs=None):
        return Layer.get_losses_for(self, inputs)

    def get_config(self):
        config = {'units': self.units,
                  'kernel_initializer': initializers.serialize(self.kernel_initializer),
                  'recurrent_initializer': initializers.serialize(self.recurrent_initializer),
                  'bias_initializer': initializers.serialize(self.bias_initializer),
                  'kernel_regularizer': regularizers.serialize(self.kernel_regularizer),
                  'recurrent_regularizer': regularizers.serialize(self.recurrent_regularizer),
                  'bias_regularizer': regularizers.serialize(self.bias_regularizer),
                  'activity_regularizer': regularizers.serialize(self.activity_regularizer),
                  'kernel_constraint': constraints.serialize(self.kernel_constraint),
                  'recurrent_constraint': constraints.serialize(self.recurrent_constraint),
                  'bias_constraint': constraints.serialize(self.bias_constraint),
                  'return_sequences': self.return_sequences, 'return_state': self.return_state,
                  'go_backwards': self.go_backwards, 'stateful': self.stateful}
        config.update(Layer.get_config(self))
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


class CuDNNGRU(_CuDNNRNN):
    """Gated Recurrent Unit with cuDNN's semantics and Keras 2.2.4's `CuDNNGRU` weights.

    Runs on numpy here (no GPU needed); see the module docstring for the math
    and the weight layout. Equals `GRU(units, recurrent_activation='sigmoid',
    reset_after=True)` with converted weights, which `load_weights` and
    `load_model` do by themselves.

    Args:
        units: dimensionality of the output space.
        kernel_initializer, recurrent_initializer, bias_initializer,
            *_regularizer, *_constraint, return_sequences, return_state,
            go_backwards, stateful: see `_CuDNNRNN` / `RNN`.

    Example::

        model.add(CuDNNGRU(32, return_sequences=True, input_shape=(None, 8)))
    """
    _n_gates = 3
    _state_count = 1

    def _step(self, recurrent_kernel, recurrent_bias):
        def step(projected, states):
            h_prev = states[0]
            inner = K.bias_add(K.dot(h_prev, recurrent_kernel), recurrent_bias)
            h = K.gru_gates(projected, inner, h_prev, 'sigmoid')
            return h, [h]
        return step


class CuDNNLSTM(_CuDNNRNN):
    """Long Short-Term Memory with cuDNN's semantics and Keras 2.2.4's `CuDNNLSTM` weights.

    Runs on numpy here (no GPU needed); see the module docstring for the math
    and the weight layout. Equals `LSTM(units, recurrent_activation='sigmoid')`
    with converted weights, which `load_weights` and `load_model` do by
    themselves. `return_state` returns `[output, h, c]`.

    Args:
        units: dimensionality of the output space.
        unit_forget_bias: initialise the recurrent forget-gate bias to ones
            (the other biases with `bias_initializer`).
        kernel_initializer, recurrent_initializer, bias_initializer,
            *_regularizer, *_constraint, return_sequences, return_state,
            go_backwards, stateful: see `_CuDNNRNN` / `RNN`.

    Example::

        x = Input((None, 8))
        y = CuDNNLSTM(64)(x)
    """
    _n_gates = 4
    _state_count = 2

    def __init__(self, units, kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal',
                 bias_initializer='zeros', unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, return_sequences=False,
                 return_state=False, stateful=False, **kwargs):
        self.unit_forget_bias = bool(unit_forget_bias)
        _CuDNNRNN.__init__(self, units, kernel_initializer=kernel_initializer,
                           recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                           kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                           bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                           kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                           bias_constraint=bias_constraint, return_sequences=return_sequences,
                           return_state=return_state, stateful=stateful, **kwargs)

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        base, u = self.bias_initializer, self.units

        def bias_initializer(shape, dtype=None):
            dtype = dtype or K.floatx()
            return np.concatenate([_init_array(base, (5 * u,), dtype), np.ones((u,), dtype),
                                   _init_array(base, (2 * u,), dtype)])
        return bias_initializer

    def _keras_layout(self):
        # cuDNN adds the input and recurrent biases of each gate: one sum, in the projection.
        kernel, recurrent, input_bias, recurrent_bias = _CuDNNRNN._keras_layout(self)
        return kernel, recurrent, input_bias + recurrent_bias, None

    def _step(self, recurrent_kernel, recurrent_bias):
        def step(projected, states):
            h_prev, c_prev = states[0], states[1]
            h, c = K.lstm_gates(projected + K.dot(h_prev, recurrent_kernel), c_prev, 'sigmoid')
            return h, [h, c]
        return step

    def get_config(self):
        config = _CuDNNRNN.get_config(self)
        config['unit_forget_bias'] = self.unit_forget_bias
        return config
