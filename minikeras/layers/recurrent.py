"""Recurrent layers: the generic `RNN` layer and `SimpleRNN`, `GRU`, `LSTM`.

The cells (`SimpleRNNCell`, `GRUCell`, `LSTMCell`, `StackedRNNCells`) live in
`recurrent_cells.py` and are importable from here too, as in Keras 2.2.

`RNN(cell)` runs a cell over the time axis with `K.rnn` (a symbolic scan whose
step graph is built once). The built-in cells additionally split their work in two: the input projection of all
time steps, `dot(inputs, kernel) + bias`, is computed as one GEMM over the
whole `(batch, time, features)` tensor before the scan, and only the recurrent
part runs per step. Dropout masks are drawn once per call (outside the scan)
and reused at every step, as in Keras 2.2. Results are those of Keras 2.2's
cells.
"""
import warnings

import numpy as np

from .. import backend as K
from .. import regularizers
from ..backend.graph.tensor import shape_str
from ..engine.base_layer import InputSpec, Layer
from ..utils.generic_utils import has_arg, to_list
from .recurrent_cells import (GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells, _output_size,
                              _state_sizes, _uses_lp)

__all__ = ['RNN', 'StackedRNNCells', 'SimpleRNNCell', 'GRUCell', 'LSTMCell', 'SimpleRNN', 'GRU', 'LSTM']


def _standardize_args(inputs, initial_state, constants, num_constants):
    """Splits a list input into (inputs, initial_state, constants) as Keras 2.2."""
    if isinstance(inputs, list):
        if initial_state is not None or constants is not None:
            raise ValueError('RNN: when `inputs` is a list, initial states and constants must be in it, '
                             'not given as keyword arguments too')
        if num_constants:
            constants = inputs[-num_constants:]
            inputs = inputs[:-num_constants]
        if len(inputs) > 1:
            initial_state = inputs[1:]
        inputs = inputs[0]

    def as_list_or_none(x):
        if x is None or isinstance(x, list):
            return x
        if isinstance(x, tuple):
            return list(x)
        return [x]

    return inputs, as_list_or_none(initial_state), as_list_or_none(constants)


def call_with_additional_inputs(layer, inputs, additional_inputs, additional_specs, initial_state, constants,
                                kwargs):
    """Calls a recurrent layer (or wrapper) given initial states and/or constants.

    Keras tensors among them become extra inputs of the layer's node, so a
    functional model rebuilds (and serialises) the call with them; other
    tensors are passed to `call` as arguments.

    Raises:
        ValueError: Keras tensors mixed with other tensors.
    """
    is_keras = [K.is_keras_tensor(t) for t in additional_inputs]
    if any(is_keras) and not all(is_keras):
        raise ValueError('Layer %s: the initial states and constants passed to a recurrent layer must be '
                         'either all Keras tensors (outputs of Keras layers or `Input`) or all other '
                         'tensors, not a mix.' % layer.name)
    if additional_inputs and all(is_keras):
        original_spec = layer.input_spec
        layer.input_spec = list(to_list(original_spec)) + additional_specs
        try:
            return Layer.__call__(layer, [inputs] + additional_inputs, **kwargs)
        finally:
            layer.input_spec = original_spec
    if initial_state is not None:
        kwargs['initial_state'] = initial_state
    if constants is not None:
        kwargs['constants'] = constants
    return Layer.__call__(layer, inputs, **kwargs)


class RNN(Layer):
    """Base class of recurrent layers: runs a cell over the time axis.

    Args:
        cell: a cell (a layer with `state_size` and
            `call(inputs, states) -> (output, new_states)`; optionally
            `output_size`), or a list of cells (stacked).
        return_sequences: return the output of every step `(batch, time, units)`
            instead of the last one.
        return_state: also return the final states (`[output] + states`).
        go_backwards: process the sequence backwards (the output sequence is in
            processing order, i.e. reversed).
        stateful: the final states of a batch are the initial states of the
            next (needs a fixed batch size, e.g. from `batch_input_shape`);
            cleared by `reset_states()`.
        unroll: build the step graph once per time step instead of a scan
            (needs a known number of steps; memory grows with it).
        input_dim, input_length: shorthand for `input_shape=(input_length, input_dim)`.

    Call arguments:
        inputs: `(batch, time, features)` tensor.
        mask: `(batch, time)` boolean mask (from `Masking` or
            `Embedding(mask_zero=True)`); masked steps keep the states and
            repeat the previous output.
        training: Python bool or None (the learning phase) for dropout.
        initial_state: list of initial state tensors (also symbolic inputs of a
            functional model).
        constants: tensors passed unchanged to every step (cells taking
            `constants`).

    Example::

        x = Input((None, 5))
        y = RNN(LSTMCell(32))(x)
    """
    #: build the cell inside a name scope of its own ('lstm/lstm_cell/kernel', as tf_keras names it)
    _cell_name_scope = True

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(list(cell))
        if not hasattr(cell, 'call'):
            raise ValueError('RNN: `cell` should have a `call` method; got %r' % (cell,))
        if not hasattr(cell, 'state_size'):
            raise ValueError('RNN: the RNN cell should have an attribute `state_size` (tuple of integers, '
                             'one integer per RNN state); got %r' % (cell,))
        time_major = kwargs.pop('time_major', False)
        if time_major:
            raise ValueError('%s: `time_major=True` is not supported (inputs are (batch, time, ...))'
                             % type(self).__name__)
        if 'input_length' in kwargs and 'input_dim' not in kwargs and 'input_shape' not in kwargs \
                and 'batch_input_shape' not in kwargs:
            kwargs['input_shape'] = (kwargs.pop('input_length'), None)
        Layer.__init__(self, **kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.supports_masking = True
        self.input_spec = [InputSpec(ndim=3)]
        self.state_spec = None
        self._states = None
        self.constants_spec = None
        self._num_constants = None

    def _temporal_input_dim(self):
        return True

    # States -------------------------------------------------------------------
    @property
    def states(self):
        if self._states is None:
            return [None] * len(_state_sizes(self.cell))
        return self._states

    @states.setter
    def states(self, states):
        self._states = states

    def _state_shape(self, batch_size, dim):
        """Shape of one state variable of a stateful layer."""
        return (batch_size, dim)

    def reset_states(self, states=None):
        """Zeroes the states of a stateful layer, or sets them to `states`.

        Raises:
            AttributeError: the layer is not stateful.
            ValueError: unknown batch size, or states of the wrong number/shape.
        """
        if not self.stateful:
            raise AttributeError('Layer %s must be stateful to reset its states.' % self.name)
        batch_size = self.input_spec[0].shape[0] if self.input_spec[0].shape else None
        if not batch_size:
            raise ValueError('Layer %s: if a RNN is stateful, it needs to know its batch size. Specify the '
                             'batch size of your input tensors: for a Sequential model, pass '
                             '`batch_input_shape=(...)` to the first layer; for a functional model, pass '
                             '`batch_shape=(...)` to the Input layer.' % self.name)
        sizes = _state_sizes(self.cell)
        if self._states is None:
            self._states = [K.variable(np.zeros(self._state_shape(batch_size, dim), K.floatx()),
                                       name='%s/state_%d' % (self.name, i)) for i, dim in enumerate(sizes)]
            if states is None:
                return
        if states is None:
            for state, dim in zip(self._states, sizes):
                K.set_value(state, np.zeros(self._state_shape(batch_size, dim), K.floatx()))
            return
        states = to_list(states, allow_tuple=True)
        if len(states) != len(self._states):
            raise ValueError('Layer %s expects %d states, but it received %d state values.'
                             % (self.name, len(self._states), len(states)))
        for index, (value, state, dim) in enumerate(zip(states, self._states, sizes)):
            value = np.asarray(value)
            expected = self._state_shape(batch_size, dim)
            if value.shape != tuple(expected):
                raise ValueError('State %d is incompatible with layer %s: expected shape %s, found shape %s'
                                 % (index, self.name, shape_str(expected), shape_str(value.shape)))
            K.set_value(state, value)

    def get_initial_state(self, inputs):
        """Zero states `(batch, dim)` for the input tensor `(batch, time, ...)`."""
        base = K.zeros_like(inputs[:, 0, :1])
        states = []
        for dim in _state_sizes(self.cell):
            states.append(K.tile(base, [1, dim]) if dim != 1 else base)
        return states

    # Shapes and masks ------------------------------------------------------------
    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        output_dim = _output_size(self.cell)
        if self.return_sequences:
            output_shape = (input_shape[0], input_shape[1], output_dim)
        else:
            output_shape = (input_shape[0], output_dim)
        if self.return_state:
            return [output_shape] + [(input_shape[0], dim) for dim in _state_sizes(self.cell)]
        return output_shape

    def compute_mask(self, inputs, mask):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(_state_sizes(self.cell))
        return output_mask

    def build(self, input_shape):
        constants_shape = None
        if isinstance(input_shape, list):
            if self._num_constants:
                constants_shape = input_shape[-self._num_constants:]
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        if len(input_shape) < 3:
            raise ValueError('Layer %s expects inputs of rank 3 (batch, time, features), got shape %s'
                             % (self.name, shape_str(input_shape)))
        batch_size = input_shape[0] if self.stateful else None
        self.input_spec[0] = InputSpec(shape=(batch_size, None) + tuple(input_shape[2:]))
        step_input_shape = (input_shape[0],) + tuple(input_shape[2:])
        if constants_shape is not None:
            step_input_shape = [step_input_shape] + [tuple(s) for s in constants_shape]
        if isinstance(self.cell, Layer) and not self.cell.built:
            if self._cell_name_scope:
                with K.name_scope(self.cell.name):
                    self.cell.build(step_input_shape)
            else:
                self.cell.build(step_input_shape)
            self.cell.built = True
        sizes = _state_sizes(self.cell)
        if self.state_spec is not None:
            spec_dims = [spec.shape[-1] for spec in self.state_spec]
            if spec_dims != sizes:
                raise ValueError('Layer %s: an initial_state was passed that is not compatible with '
                                 '`cell.state_size`. Received `state_spec`=%s; however `cell.state_size` is %s'
                                 % (self.name, self.state_spec, self.cell.state_size))
        if self.stateful:
            self.reset_states()
        self.built = True

    # Calling ---------------------------------------------------------------------
    def __call__(self, inputs, initial_state=None, constants=None, **kwargs):
        inputs, initial_state, constants = _standardize_args(inputs, initial_state, constants,
                                                             self._num_constants)
        if initial_state is None and constants is None:
            return Layer.__call__(self, inputs, **kwargs)
        if constants is not None and not has_arg(self.cell.call, 'constants'):
            raise ValueError('Layer %s: the RNN cell does not support constants (its `call` has no '
                             '`constants` argument)' % self.name)
        additional_inputs, additional_specs = [], []
        if initial_state is not None:
            additional_inputs += initial_state
            self.state_spec = [InputSpec(shape=K.int_shape(s)) for s in initial_state]
            additional_specs += self.state_spec
        if constants is not None:
            additional_inputs += constants
            self.constants_spec = [InputSpec(shape=K.int_shape(c)) for c in constants]
            self._num_constants = len(constants)
            additional_specs += self.constants_spec
        return call_with_additional_inputs(self, inputs, additional_inputs, additional_specs, initial_state,
                                           constants, kwargs)

    @staticmethod
    def _scan_arguments(cell, inputs, n_const, kwargs):
        """(step function, sequence) for `K.rnn`."""
        if hasattr(cell, '_project') and hasattr(cell, '_recurrent_step') and not n_const:
            # One GEMM for the input projection of all time steps; the scan
            # runs only the recurrent part.
            return (lambda x_t, states: cell._recurrent_step(x_t, states)), cell._project(inputs)

        def step(x_t, states):
            if n_const:
                return cell.call(x_t, states[:-n_const], constants=states[-n_const:], **kwargs)
            return cell.call(x_t, states, **kwargs)
        return step, inputs

    def call(self, inputs, mask=None, training=None, initial_state=None, constants=None):
        if isinstance(inputs, list):
            if self._num_constants:
                constants = inputs[-self._num_constants:]
                inputs = inputs[:-self._num_constants]
            initial_state = inputs[1:] or None
            inputs = inputs[0]
        if isinstance(mask, list):
            mask = mask[0]
        if initial_state is not None:
            initial_state = to_list(initial_state, allow_tuple=True)
        elif self.stateful:
            initial_state = self.states
        else:
            initial_state = self.get_initial_state(inputs)
        if len(initial_state) != len(self.states):
            raise ValueError('Layer %s has %d states but was passed %d initial states.'
                             % (self.name, len(self.states), len(initial_state)))
        timesteps = K.int_shape(inputs)[1]
        if self.unroll and timesteps is None:
            raise ValueError('Layer %s: cannot unroll a RNN if the time dimension is undefined (input shape %s). '
                             'Pass `input_shape`/`batch_input_shape` with a fixed number of time steps, or use '
                             '`unroll=False`.' % (self.name, shape_str(K.int_shape(inputs))))
        cell = self.cell
        if constants and not has_arg(cell.call, 'constants'):
            raise ValueError('Layer %s: the RNN cell does not support constants (its `call` has no '
                             '`constants` argument)' % self.name)
        kwargs = {}
        if has_arg(cell.call, 'training'):
            kwargs['training'] = training
        n_const = len(constants) if constants else 0

        prepared = hasattr(cell, '_prepare')
        if prepared:
            step_ones = K.ones_like(inputs[:, 0])
            state_ones = K.ones_like(initial_state[0])
            cell._prepare(step_ones, state_ones, training)
        try:
            result = None
            if not self.unroll and not n_const and hasattr(cell, '_scan'):
                # The cell may run the whole recurrence as one backend op.
                result = cell._scan(inputs, initial_state, mask=mask, go_backwards=self.go_backwards)
            if result is None:
                result = K.rnn(*self._scan_arguments(cell, inputs, n_const, kwargs), initial_state,
                               constants=constants, go_backwards=self.go_backwards, mask=mask, unroll=self.unroll,
                               input_length=timesteps)
            last_output, outputs, states = result
            masks = []
            if prepared:
                for c in getattr(cell, 'cells', [cell]):
                    masks += list(getattr(c, '_dropout_mask', None) or [])
                    masks += list(getattr(c, '_recurrent_dropout_mask', None) or [])
        finally:
            if prepared:
                cell._release()
        if self.stateful:
            self.add_update([(self.states[i], states[i]) for i in range(len(states))], inputs)
        output = outputs if self.return_sequences else last_output
        uses_lp = _uses_lp(last_output, outputs, *masks) and training is None
        if uses_lp:
            output._uses_learning_phase = True
            for state in states:
                state._uses_learning_phase = True
        if self.return_state:
            return [output] + list(states)
        return output

    # Weights and config ------------------------------------------------------------
    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        if isinstance(self.cell, Layer):
            return self.cell.trainable_weights
        return []

    @property
    def non_trainable_weights(self):
        if isinstance(self.cell, Layer):
            if not self.trainable:
                return self.cell.weights
            return self.cell.non_trainable_weights
        return []

    @property
    def losses(self):
        cell_losses = self.cell.losses if isinstance(self.cell, Layer) else []
        return list(cell_losses) + list(self._losses)

    def get_losses_for(self, inputs=None):
        own = Layer.get_losses_for(self, inputs)
        if isinstance(self.cell, Layer):
            return list(self.cell.get_losses_for(inputs)) + own
        return own

    def get_config(self):
        from . import serialize
        config = {'return_sequences': self.return_sequences, 'return_state': self.return_state,
                  'go_backwards': self.go_backwards, 'stateful': self.stateful, 'unroll': self.unroll}
        if self._num_constants is not None:
            config['num_constants'] = self._num_constants
        config['cell'] = serialize(self.cell)
        config.update(Layer.get_config(self))
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize
        config = dict(config)
        cell = deserialize(config.pop('cell'), custom_objects=custom_objects)
        num_constants = config.pop('num_constants', None)
        layer = cls(cell, **config)
        layer._num_constants = num_constants
        return layer


# The recurrent layers -------------------------------------------------------------

_CELL_ATTRS = ('units', 'activation', 'use_bias', 'kernel_initializer', 'recurrent_initializer',
               'bias_initializer', 'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer',
               'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout', 'recurrent_dropout',
               'recurrent_activation', 'implementation', 'reset_after', 'unit_forget_bias')


class _CellLayer(RNN):
    """A recurrent layer owning one built-in cell (SimpleRNN, GRU, LSTM, ConvLSTM2D).

    The cell's hyperparameters named in `_cell_attrs` read through the layer,
    and the config is the cell's with the `RNN` flags (no nested `cell`).
    """
    _cell_attrs = _CELL_ATTRS

    def __init__(self, cell, activity_regularizer=None, **kwargs):
        RNN.__init__(self, cell, **kwargs)
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def __getattr__(self, name):
        # Cell hyperparameters (units, activation, ...) read through the layer.
        if name in self._cell_attrs and 'cell' in self.__dict__:
            return getattr(self.__dict__['cell'], name)
        raise AttributeError('%r object has no attribute %r' % (type(self).__name__, name))

    def call(self, inputs, mask=None, training=None, initial_state=None, constants=None):
        return RNN.call(self, inputs, mask=mask, training=training, initial_state=initial_state)

    def get_config(self):
        config = self.cell.get_config()
        for key in ('name', 'trainable', 'dtype', 'batch_input_shape'):
            config.pop(key, None)
        config['activity_regularizer'] = regularizers.serialize(self.activity_regularizer)
        base = RNN.get_config(self)
        del base['cell']
        config.update(base)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


class SimpleRNN(_CellLayer):
    """Fully-connected RNN whose output is fed back as input.

    Args:
        units: dimensionality of the output space.
        activation, use_bias, *_initializer, *_regularizer, *_constraint,
            dropout, recurrent_dropout: see `SimpleRNNCell`.
        activity_regularizer: regularizer of the layer output.
        return_sequences, return_state, go_backwards, stateful, unroll: see `RNN`.
        implementation: accepted and ignored with a `UserWarning`, as in Keras
            2.2 (SimpleRNN has a single implementation; the argument is not
            part of the config).

    Example::

        model.add(SimpleRNN(3, use_bias=False, input_shape=(None, 2)))
    """

    def __init__(self, units, activation='tanh', use_bias=True, kernel_initializer='glorot_uniform',
                 recurrent_initializer='orthogonal', bias_initializer='zeros', kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.,
                 recurrent_dropout=0., return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, **kwargs):
        if 'implementation' in kwargs:
            kwargs.pop('implementation')
            warnings.warn('The `implementation` argument in `SimpleRNN` has been deprecated (it has no effect). '
                          'Please remove it from your layer call.', UserWarning)
        cell = SimpleRNNCell(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                             recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                             kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                             bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                             recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                             dropout=dropout, recurrent_dropout=recurrent_dropout, dtype=kwargs.get('dtype'),
                             name='simple_rnn_cell')
        _CellLayer.__init__(self, cell, activity_regularizer=activity_regularizer,
                            return_sequences=return_sequences, return_state=return_state,
                            go_backwards=go_backwards, stateful=stateful, unroll=unroll, **kwargs)


class GRU(_CellLayer):
    """Gated Recurrent Unit (Cho et al. 2014), Keras 2.2 defaults.

    Args:
        units: dimensionality of the output space.
        activation, recurrent_activation, use_bias, *_initializer, *_regularizer,
            *_constraint, dropout, recurrent_dropout, implementation, reset_after:
            see `GRUCell` (`reset_after=True` is the variant with a `(2, 3*units)`
            bias used by tf.keras).
        activity_regularizer: regularizer of the layer output.
        return_sequences, return_state, go_backwards, stateful, unroll: see `RNN`.
    """

    def __init__(self, units, activation='tanh', recurrent_activation='hard_sigmoid', use_bias=True,
                 kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal', bias_initializer='zeros',
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0., recurrent_dropout=0., implementation=1, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False, reset_after=False,
                 **kwargs):
        cell = GRUCell(units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
                       kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                       bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                       recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                       kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                       bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
                       implementation=implementation, reset_after=reset_after, dtype=kwargs.get('dtype'),
                       name='gru_cell')
        _CellLayer.__init__(self, cell, activity_regularizer=activity_regularizer,
                            return_sequences=return_sequences, return_state=return_state,
                            go_backwards=go_backwards, stateful=stateful, unroll=unroll, **kwargs)


class LSTM(_CellLayer):
    """Long Short-Term Memory layer (Hochreiter 1997), Keras 2.2 defaults.

    Args:
        units: dimensionality of the output space.
        activation, recurrent_activation, use_bias, *_initializer,
            unit_forget_bias, *_regularizer, *_constraint, dropout,
            recurrent_dropout, implementation: see `LSTMCell`.
        activity_regularizer: regularizer of the layer output.
        return_sequences, return_state, go_backwards, stateful, unroll: see `RNN`
            (`return_state` returns `[output, h, c]`).

    Example::

        x = Input(shape=(140, 256))
        y = LSTM(64)(x)
    """

    def __init__(self, units, activation='tanh', recurrent_activation='hard_sigmoid', use_bias=True,
                 kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal', bias_initializer='zeros',
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0., recurrent_dropout=0., implementation=1, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False, **kwargs):
        cell = LSTMCell(units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
                        kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                        unit_forget_bias=unit_forget_bias, bias_initializer=bias_initializer,
                        kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                        bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                        recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                        dropout=dropout, recurrent_dropout=recurrent_dropout, implementation=implementation,
                        dtype=kwargs.get('dtype'), name='lstm_cell')
        _CellLayer.__init__(self, cell, activity_regularizer=activity_regularizer,
                            return_sequences=return_sequences, return_state=return_state,
                            go_backwards=go_backwards, stateful=stateful, unroll=unroll, **kwargs)


from ..legacy.layers import Recurrent  # noqa: E402,F401  (Keras 2.2 imports the Keras 2.0 bases here)
