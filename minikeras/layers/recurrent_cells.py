"""Recurrent cells: `SimpleRNNCell`, `GRUCell`, `LSTMCell` and `StackedRNNCells`.

A cell computes one time step, `call(inputs, states) -> (output, new_states)`;
the `RNN` layer (`recurrent.py`) runs it over the time axis. The built-in cells
split their work in two so that `RNN` can hoist the input projection out of the
scan: `_project(inputs)` (`dot(inputs, kernel) + bias`, for one step or for a
whole `(batch, time, features)` sequence) and `_recurrent_step(projected,
states)`. `_prepare`/`_release` draw the dropout masks once per call (outside
the scan) and drop them afterwards, as in Keras 2.2. Results are those of
Keras 2.2's cells.
"""
import warnings

import numpy as np

from .. import activations
from .. import backend as K
from .. import constraints
from .. import initializers
from .. import regularizers
from ..backend.graph.tensor import shape_str
from ..engine import input_checks
from ..engine.base_layer import Layer
from ..utils.generic_utils import has_arg, to_list

__all__ = ['StackedRNNCells', 'SimpleRNNCell', 'GRUCell', 'LSTMCell']

# Activations known to act elementwise: they may be applied to all gates at once.
_ELEMENTWISE = frozenset(getattr(activations, n) for n in ('sigmoid', 'hard_sigmoid', 'tanh', 'relu', 'linear',
                                                           'elu', 'selu', 'softplus', 'softsign', 'exponential'))


def _init_array(initializer, shape, dtype):
    """Evaluates an initializer to a numpy array."""
    try:
        value = initializer(shape, dtype=dtype)
    except TypeError:
        value = initializer(shape)
    if K.is_tensor(value):
        value = K.eval(value)
    return np.asarray(value, dtype=dtype)


def _state_sizes(cell):
    return list(cell.state_size) if hasattr(cell.state_size, '__len__') else [cell.state_size]


def _output_size(cell):
    if getattr(cell, 'output_size', None) is not None:
        return cell.output_size
    return _state_sizes(cell)[0]


def _ones(batch_ref, dim):
    """A (batch, dim) tensor of ones; `batch_ref` is any (batch, k) tensor."""
    return K.ones_like(batch_ref[:, :1]) * K.constant(np.ones((1, dim)), dtype=batch_ref.dtype)


def _dropout_masks(ones, rate, training, count):
    """`count` Keras dropout masks shaped like `ones`, active only in training."""
    def dropped():
        return K.dropout(ones, rate)
    return [K.in_train_phase(dropped, ones, training=training) for _ in range(count)]


def _check_implementation(owner, implementation):
    """`implementation` as 1 or 2; Keras 1's 0 means 1, with Keras 2.2's deprecation warning.

    Raises:
        ValueError: any other value.
    """
    if implementation == 0:
        warnings.warn('%s: `implementation=0` has been deprecated, and now defaults to `implementation=1`. '
                      'Please update your layer call.' % owner, UserWarning)
        return 1
    if implementation not in (1, 2):
        raise ValueError('%s: `implementation` must be 1 or 2, got %r' % (owner, implementation))
    return int(implementation)


def _uses_lp(*tensors):
    return any(getattr(t, '_uses_learning_phase', False) for t in tensors)


class _RecurrentCell(Layer):
    """Shared machinery of the built-in cells (dropout masks, config helpers).

    A subclass defines `_n_gates`, `build`, `_project(inputs)` (the input
    projection of a step or of a whole sequence) and
    `_recurrent_step(projected, states)`; `call` composes them for one step.
    """
    _n_gates = 1

    def __init__(self, units, dropout=0., recurrent_dropout=0., **kwargs):
        Layer.__init__(self, **kwargs)
        self.units = input_checks.check_units(self, 'units', units)
        for arg, value in (('dropout', dropout), ('recurrent_dropout', recurrent_dropout)):
            if not 0. <= float(value) <= 1.:
                raise ValueError('%s: `%s` must be in [0, 1], got %r' % (type(self).__name__, arg, value))
        self.dropout = min(1., max(0., float(dropout)))
        self.recurrent_dropout = min(1., max(0., float(recurrent_dropout)))
        self._dropout_mask = None
        self._recurrent_dropout_mask = None

    def _prepare(self, input_ones, state_ones, training=None):
        """Draws this call's dropout masks (outside the scan) from templates of ones
        shaped like one step's input and like the first state."""
        if 0. < self.dropout < 1.:
            self._dropout_mask = _dropout_masks(input_ones, self.dropout, training, self._n_gates)
        else:
            self._dropout_mask = None
        if 0. < self.recurrent_dropout < 1.:
            self._recurrent_dropout_mask = _dropout_masks(state_ones, self.recurrent_dropout, training,
                                                          self._n_gates)
        else:
            self._recurrent_dropout_mask = None

    def _release(self):
        self._dropout_mask = None
        self._recurrent_dropout_mask = None

    def call(self, inputs, states, training=None):
        """One step: `(inputs (batch, input_dim), states) -> (output, new_states)`."""
        own_masks = self._dropout_mask is None and self._recurrent_dropout_mask is None and \
            (0. < self.dropout < 1. or 0. < self.recurrent_dropout < 1.)
        if own_masks:  # called on its own, outside an RNN layer
            self._prepare(K.ones_like(inputs), K.ones_like(states[0]), training)
        try:
            output, new_states = self._recurrent_step(self._project(inputs), states)
        finally:
            if own_masks:
                masks = (self._dropout_mask or []) + (self._recurrent_dropout_mask or [])
                self._release()
        if own_masks and training is None and _uses_lp(*masks):
            output._uses_learning_phase = True
        return output, new_states

    def _masked_input(self, inputs, k):
        """`inputs` times input dropout mask `k` (broadcast over time for sequences)."""
        mask = self._dropout_mask[k]
        if K.ndim(inputs) == K.ndim(mask) + 1:
            mask = K.expand_dims(mask, 1)
        return inputs * mask

    def _project_gates(self, inputs, kernel, bias, implementation):
        """`dot(inputs, kernel) + bias` with this cell's input dropout.

        Implementation 1 applies one dropout mask per gate (Keras 2.2 does one
        product per gate then); implementation 2 applies the first mask to all
        gates, as Keras 2.2 does.
        """
        if self._dropout_mask is None:
            z = K.dot(inputs, kernel)
        elif implementation == 1 and self._n_gates > 1:
            u = self.units
            parts = [K.dot(self._masked_input(inputs, k), kernel[:, k * u:(k + 1) * u])
                     for k in range(self._n_gates)]
            z = K.concatenate(parts, axis=-1)
        else:
            z = K.dot(self._masked_input(inputs, 0), kernel)
        if bias is not None:
            z = z + bias
        return z

    def _add_weights_common(self, input_dim, n):
        self.kernel = self.add_weight(shape=(input_dim, n * self.units), name='kernel',
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(self.units, n * self.units), name='recurrent_kernel',
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)

    def _common_config(self):
        return {
            'units': self.units,
            'activation': activations.serialize(self.activation),
            'use_bias': self.use_bias,
            'kernel_initializer': initializers.serialize(self.kernel_initializer),
            'recurrent_initializer': initializers.serialize(self.recurrent_initializer),
            'bias_initializer': initializers.serialize(self.bias_initializer),
            'kernel_regularizer': regularizers.serialize(self.kernel_regularizer),
            'recurrent_regularizer': regularizers.serialize(self.recurrent_regularizer),
            'bias_regularizer': regularizers.serialize(self.bias_regularizer),
            'kernel_constraint': constraints.serialize(self.kernel_constraint),
            'recurrent_constraint': constraints.serialize(self.recurrent_constraint),
            'bias_constraint': constraints.serialize(self.bias_constraint),
            'dropout': self.dropout,
            'recurrent_dropout': self.recurrent_dropout,
        }

    def _set_common(self, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                    kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
                    recurrent_constraint, bias_constraint):
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def _check_input_dim(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError('%s: the last axis of the input (features) must be known, got input shape %s'
                             % (self.name, shape_str(input_shape)))
        return input_dim

    def _recurrent_input(self, h, k):
        if self._recurrent_dropout_mask is None:
            return h
        return h * self._recurrent_dropout_mask[k]


def _clip01(x):
    return K.clip(x, 0., 1.)


_ELEMENTWISE = _ELEMENTWISE | frozenset([_clip01])


#: gate activations the backend's fused gate ops (`K.lstm_gates`, `K.gru_gates`) compute
_FUSED_GATES = {activations.sigmoid: 'sigmoid', activations.hard_sigmoid: 'hard_sigmoid'}


def _activate_gates(z, activation, starts, units):
    """`activation` of the gate slices `z[:, s:s+units]` for each s in `starts`."""
    if activation in _ELEMENTWISE:
        a = activation(z)
        return [a[:, s:s + units] for s in starts]
    return [activation(z[:, s:s + units]) for s in starts]


class SimpleRNNCell(_RecurrentCell):
    """Cell of a fully-connected RNN: `h_t = activation(x_t W + h_{t-1} U + b)`.

    Args:
        units: dimensionality of the output space.
        activation: activation function (default `tanh`).
        use_bias: whether to add a bias vector.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers of
            the input kernel `(input_dim, units)`, the recurrent kernel
            `(units, units)` and the bias `(units,)`.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout: fraction of the input units dropped (training only).
        recurrent_dropout: fraction of the recurrent state units dropped.

    Example::

        layer = RNN(SimpleRNNCell(8))
    """

    def __init__(self, units, activation='tanh', use_bias=True, kernel_initializer='glorot_uniform',
                 recurrent_initializer='orthogonal', bias_initializer='zeros', kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0., recurrent_dropout=0., **kwargs):
        _RecurrentCell.__init__(self, units, dropout, recurrent_dropout, **kwargs)
        self._set_common(activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                         kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
                         recurrent_constraint, bias_constraint)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        self._add_weights_common(self._check_input_dim(input_shape), 1)
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), name='bias', initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def _project(self, inputs):
        return self._project_gates(inputs, self.kernel, self.bias, 2)

    def _recurrent_step(self, projected, states):
        h = self.activation(projected + K.dot(self._recurrent_input(states[0], 0), self.recurrent_kernel))
        return h, [h]

    def get_config(self):
        config = self._common_config()
        config.update(Layer.get_config(self))
        return config


class GRUCell(_RecurrentCell):
    """Cell of the Gated Recurrent Unit (gates in the order z, r, h).

    Args:
        units: dimensionality of the output space.
        activation: activation of the candidate state (default `tanh`).
        recurrent_activation: activation of the gates (Keras 2.2 default
            `hard_sigmoid`).
        use_bias, *_initializer, *_regularizer, *_constraint: as `SimpleRNNCell`.
        dropout, recurrent_dropout: dropout fractions (training only).
        implementation: 1 or 2; organises the computation differently (per gate
            products with per-gate dropout masks, or fused products), same results.
        reset_after: apply the reset gate after the recurrent product (the
            CuDNN-compatible variant, with a bias of shape `(2, 3 * units)`)
            instead of before it.
    """
    _n_gates = 3

    def __init__(self, units, activation='tanh', recurrent_activation='hard_sigmoid', use_bias=True,
                 kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal', bias_initializer='zeros',
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0., recurrent_dropout=0.,
                 implementation=1, reset_after=False, **kwargs):
        _RecurrentCell.__init__(self, units, dropout, recurrent_dropout, **kwargs)
        self._set_common(activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                         kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
                         recurrent_constraint, bias_constraint)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.implementation = _check_implementation('GRUCell', implementation)
        self.reset_after = bool(reset_after)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        self._add_weights_common(self._check_input_dim(input_shape), 3)
        if self.use_bias:
            shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
            self.bias = self.add_weight(shape=shape, name='bias', initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def _input_bias(self):
        if self.bias is None:
            return None
        return self.bias[0] if self.reset_after else self.bias

    def _project(self, inputs):
        return self._project_gates(inputs, self.kernel, self._input_bias(), self.implementation)

    def _recurrent_parts(self):
        """Outer tensors of the step: the recurrent kernel split (z, r | h) and the
        recurrent bias; created once per call so the scan reads them as constants."""
        u = self.units
        if self.reset_after:
            rec_bias = self.bias[1] if self.bias is not None else None
            return self.recurrent_kernel, None, rec_bias
        return self.recurrent_kernel[:, :2 * u], self.recurrent_kernel[:, 2 * u:], None

    def _prepare(self, input_ones, state_ones, training=None):
        _RecurrentCell._prepare(self, input_ones, state_ones, training)
        self._parts = self._recurrent_parts()

    def _release(self):
        _RecurrentCell._release(self)
        self._parts = None

    def _recurrent_step(self, projected, states):
        u = self.units
        h_tm1 = states[0]
        parts = getattr(self, '_parts', None) or self._recurrent_parts()
        kernel_a, kernel_h, rec_bias = parts
        rd = self._recurrent_dropout_mask
        if self.reset_after:
            if rd is None:
                inner = K.dot(h_tm1, kernel_a)
            else:
                inner = K.concatenate([K.dot(h_tm1 * rd[k], kernel_a[:, k * u:(k + 1) * u]) for k in range(3)],
                                      axis=-1)
            if rec_bias is not None:
                inner = inner + rec_bias
            gate = _FUSED_GATES.get(self.recurrent_activation)
            if gate is not None and self.activation is activations.tanh and hasattr(K, 'gru_gates'):
                h = K.gru_gates(projected, inner, h_tm1, gate)
                return h, [h]
            zr = projected[:, :2 * u] + inner[:, :2 * u]
            z, r = _activate_gates(zr, self.recurrent_activation, (0, u), u)
            hh = self.activation(projected[:, 2 * u:] + r * inner[:, 2 * u:])
        else:
            if rd is None:
                zr = projected[:, :2 * u] + K.dot(h_tm1, kernel_a)
            else:
                zr = projected[:, :2 * u] + K.concatenate(
                    [K.dot(h_tm1 * rd[0], kernel_a[:, :u]), K.dot(h_tm1 * rd[1], kernel_a[:, u:])], axis=-1)
            z, r = _activate_gates(zr, self.recurrent_activation, (0, u), u)
            h_in = r * h_tm1 if rd is None else r * (h_tm1 * rd[2])
            hh = self.activation(projected[:, 2 * u:] + K.dot(h_in, kernel_h))
        # z * h_tm1 + (1 - z) * hh
        h = hh + z * (h_tm1 - hh)
        return h, [h]

    def get_config(self):
        config = self._common_config()
        config.update({'recurrent_activation': activations.serialize(self.recurrent_activation),
                       'implementation': self.implementation, 'reset_after': self.reset_after})
        config.update(Layer.get_config(self))
        return config


class LSTMCell(_RecurrentCell):
    """Cell of the Long Short-Term Memory layer (gates in the order i, f, c, o).

    Args:
        units: dimensionality of the output space.
        activation: activation of the cell input and output (default `tanh`).
        recurrent_activation: activation of the gates (Keras 2.2 default
            `hard_sigmoid`).
        use_bias, *_initializer, *_regularizer, *_constraint: as `SimpleRNNCell`.
        unit_forget_bias: initialise the forget-gate bias to ones (and the rest
            with `bias_initializer`).
        dropout, recurrent_dropout: dropout fractions (training only).
        implementation: 1 or 2 (same results; 1 draws one dropout mask per gate).
    """
    _n_gates = 4

    def __init__(self, units, activation='tanh', recurrent_activation='hard_sigmoid', use_bias=True,
                 kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal', bias_initializer='zeros',
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.,
                 recurrent_dropout=0., implementation=1, **kwargs):
        _RecurrentCell.__init__(self, units, dropout, recurrent_dropout, **kwargs)
        self._set_common(activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                         kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
                         recurrent_constraint, bias_constraint)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.implementation = _check_implementation('LSTMCell', implementation)
        self.state_size = (self.units, self.units)
        self.output_size = self.units

    def build(self, input_shape):
        self._add_weights_common(self._check_input_dim(input_shape), 4)
        if self.use_bias:
            if self.unit_forget_bias:
                base = self.bias_initializer

                def bias_initializer(shape, dtype=None):
                    dtype = dtype or K.floatx()
                    u = self.units
                    return np.concatenate([_init_array(base, (u,), dtype), np.ones((u,), dtype),
                                           _init_array(base, (2 * u,), dtype)])
            else:
                bias_initializer = self.bias_initializer
            self.bias = self.add_weight(shape=(4 * self.units,), name='bias', initializer=bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def _project(self, inputs):
        if getattr(self, '_folded', None) is not None:
            # (x W + b) * scale + offset, with the scale folded into the weights:
            # a product over the small kernel instead of every time step.
            scale, offset, _ = self._folded
            bias = offset if self.bias is None else self.bias * scale + offset
            return self._project_gates(inputs, self.kernel * scale, bias, self.implementation)
        return self._project_gates(inputs, self.kernel, self.bias, self.implementation)

    def _fold_hard_sigmoid(self):
        """With `hard_sigmoid` gates (clip(0.2 x + 0.5, 0, 1)) and no recurrent
        dropout, the gates' affine part is folded into the projected inputs and a
        scaled recurrent kernel (computed once per call, outside the scan), so the
        step applies a single clip: the same function, fewer ops per time step."""
        u = self.units
        scale = np.full((4 * u,), 0.2, K.floatx())
        scale[2 * u:3 * u] = 1.
        offset = np.full((4 * u,), 0.5, K.floatx())
        offset[2 * u:3 * u] = 0.
        scale = K.constant(scale, dtype=self.recurrent_kernel.dtype)
        offset = K.constant(offset, dtype=self.recurrent_kernel.dtype)
        return scale, offset, self.recurrent_kernel * scale

    def _recurrent_step(self, projected, states):
        u = self.units
        h_tm1, c_tm1 = states[0], states[1]
        rd = self._recurrent_dropout_mask
        folded = getattr(self, '_folded', None)
        if folded is not None:
            z = projected + K.dot(h_tm1, folded[2])
            if self._fused_gate('clip'):
                h, c = K.lstm_gates(z, c_tm1, 'clip')
                return h, [h, c]
            i, f, o = _activate_gates(z, _clip01, (0, u, 3 * u), u)
            c = f * c_tm1 + i * self.activation(z[:, 2 * u:3 * u])
            h = o * self.activation(c)
            return h, [h, c]
        if rd is None:
            z = projected + K.dot(h_tm1, self.recurrent_kernel)
        elif self.implementation == 1:
            rk = self._rk_parts if getattr(self, '_rk_parts', None) else \
                [self.recurrent_kernel[:, k * u:(k + 1) * u] for k in range(4)]
            z = projected + K.concatenate([K.dot(h_tm1 * rd[k], rk[k]) for k in range(4)], axis=-1)
        else:
            z = projected + K.dot(h_tm1 * rd[0], self.recurrent_kernel)
        gate = _FUSED_GATES.get(self.recurrent_activation)
        if gate is not None and self._fused_gate(gate):
            h, c = K.lstm_gates(z, c_tm1, gate)
            return h, [h, c]
        i, f, o = _activate_gates(z, self.recurrent_activation, (0, u, 3 * u), u)
        c = f * c_tm1 + i * self.activation(z[:, 2 * u:3 * u])
        h = o * self.activation(c)
        return h, [h, c]

    def _scan(self, inputs, states, mask=None, go_backwards=False):
        """The whole recurrence over the `inputs` sequence as one backend op
        (`K.lstm_scan`, which also projects the inputs when no input dropout
        applies), or None when this cell's step needs the generic `K.rnn`
        (recurrent dropout, a non-tanh activation, other gate activations, or a
        backend without the extension). Returns what `K.rnn` returns."""
        if self._recurrent_dropout_mask is not None or not hasattr(K, 'lstm_scan') \
                or type(self)._recurrent_step is not LSTMCell._recurrent_step:
            return None  # (a subclass with its own step keeps it)
        folded = getattr(self, '_folded', None)
        if folded is not None:
            gate, recurrent_kernel = 'clip', folded[2]
        else:
            gate, recurrent_kernel = _FUSED_GATES.get(self.recurrent_activation), self.recurrent_kernel
        if gate is None or not self._fused_gate(gate):
            return None
        if self._dropout_mask is not None:
            return K.lstm_scan(self._project(inputs), states, recurrent_kernel, gate, go_backwards=go_backwards,
                               mask=mask)
        kernel, bias = self.kernel, self.bias
        if folded is not None:
            scale, offset, _ = folded
            kernel, bias = kernel * scale, offset if bias is None else bias * scale + offset
        return K.lstm_scan(inputs, states, recurrent_kernel, gate, go_backwards=go_backwards, mask=mask,
                           kernel=kernel, bias=bias)

    def _fused_gate(self, gate):
        """Whether the backend's fused LSTM gate op can compute this step (tanh
        activation; a backend without the minikeras `lstm_gates` extension uses K ops)."""
        return self.activation is activations.tanh and hasattr(K, 'lstm_gates')

    def _prepare(self, input_ones, state_ones, training=None):
        _RecurrentCell._prepare(self, input_ones, state_ones, training)
        u = self.units
        self._folded = None
        if self.recurrent_activation is activations.hard_sigmoid and self._recurrent_dropout_mask is None:
            self._folded = self._fold_hard_sigmoid()
        self._rk_parts = None
        if self._recurrent_dropout_mask is not None and self.implementation == 1:
            self._rk_parts = [self.recurrent_kernel[:, k * u:(k + 1) * u] for k in range(4)]

    def _release(self):
        _RecurrentCell._release(self)
        self._rk_parts = None
        self._folded = None

    def get_config(self):
        config = self._common_config()
        config.update({'recurrent_activation': activations.serialize(self.recurrent_activation),
                       'unit_forget_bias': self.unit_forget_bias, 'implementation': self.implementation})
        config.update(Layer.get_config(self))
        return config


class StackedRNNCells(Layer):
    """Several cells run as one: the output of each is the input of the next.

    Args:
        cells: list of cells (layers with `state_size` and
            `call(inputs, states)`).
        reverse_state_order: order the flat state list from the last cell to
            the first (Keras 2.1's order, deprecated in Keras 2.2: a
            `UserWarning` says so); by default the states are the first
            cell's, then the second's, and so on.

    Example::

        cells = [LSTMCell(32), LSTMCell(64)]
        x = RNN(StackedRNNCells(cells))(inputs)
    """

    def __init__(self, cells, reverse_state_order=False, **kwargs):
        for cell in cells:
            if not hasattr(cell, 'call'):
                raise ValueError('StackedRNNCells: every cell needs a `call` method; got %r' % (cell,))
            if not hasattr(cell, 'state_size'):
                raise ValueError('StackedRNNCells: every cell needs a `state_size` attribute; got %r' % (cell,))
        self.cells = list(cells)
        self.reverse_state_order = bool(reverse_state_order)
        if self.reverse_state_order:
            warnings.warn('`reverse_state_order=True` in `StackedRNNCells` is deprecated: the states are '
                          'then ordered from the last cell to the first. Write code that works with the '
                          'natural order (first cell first) if it relies on the RNN states, e.g. '
                          '`RNN(return_state=True)`.', UserWarning)
        Layer.__init__(self, **kwargs)

    def _cells_in_state_order(self):
        return self.cells[::-1] if self.reverse_state_order else self.cells

    @property
    def state_size(self):
        sizes = []
        for cell in self._cells_in_state_order():
            sizes += _state_sizes(cell)
        return tuple(sizes)

    @property
    def output_size(self):
        return _output_size(self.cells[-1])

    def _split_states(self, states):
        """The flat state list as one list per cell, in cell order."""
        nested, k = [], 0
        for cell in self._cells_in_state_order():
            n = len(_state_sizes(cell))
            nested.append(list(states[k:k + n]))
            k += n
        return nested[::-1] if self.reverse_state_order else nested

    def call(self, inputs, states, constants=None, **kwargs):
        new_nested = []
        for cell, cell_states in zip(self.cells, self._split_states(states)):
            cell_kwargs = {}
            if has_arg(cell.call, 'training') and 'training' in kwargs:
                cell_kwargs['training'] = kwargs['training']
            if constants is not None and has_arg(cell.call, 'constants'):
                cell_kwargs['constants'] = constants
            inputs, cell_states = cell.call(inputs, cell_states, **cell_kwargs)
            new_nested.append(list(to_list(cell_states, allow_tuple=True)))
        new_states = []
        for cell_states in (new_nested[::-1] if self.reverse_state_order else new_nested):
            new_states += cell_states
        return inputs, new_states

    def _prepare(self, input_ones, state_ones, training=None):
        ones = input_ones
        for cell in self.cells:
            flat = ones if K.ndim(ones) == 2 else K.batch_flatten(ones)
            if hasattr(cell, '_prepare'):
                cell._prepare(ones, _ones(flat, _state_sizes(cell)[0]), training)
            ones = _ones(flat, _output_size(cell))

    def _release(self):
        for cell in self.cells:
            if hasattr(cell, '_release'):
                cell._release()

    def build(self, input_shape):
        constants_shape = None
        if isinstance(input_shape, list):
            constants_shape = input_shape[1:]
            input_shape = input_shape[0]
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                # Only cells whose `call` takes constants see their shapes.
                takes_constants = constants_shape and has_arg(cell.call, 'constants')
                with K.name_scope(cell.name):
                    cell.build([input_shape] + list(constants_shape) if takes_constants else input_shape)
                cell.built = True
            input_shape = (input_shape[0], _output_size(cell))
        self.built = True

    def get_config(self):
        from . import serialize
        config = {'cells': [serialize(cell) for cell in self.cells]}
        if self.reverse_state_order:
            config['reverse_state_order'] = True
        config.update(Layer.get_config(self))
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize
        config = dict(config)
        cells = [deserialize(c, custom_objects=custom_objects) for c in config.pop('cells')]
        return cls(cells, **config)

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        weights = []
        for cell in self.cells:
            if isinstance(cell, Layer):
                weights += cell.trainable_weights
        return weights

    @property
    def non_trainable_weights(self):
        weights = []
        for cell in self.cells:
            if isinstance(cell, Layer):
                weights += cell.non_trainable_weights
        if not self.trainable:
            trainable = []
            for cell in self.cells:
                if isinstance(cell, Layer):
                    trainable += cell.trainable_weights
            return trainable + weights
        return weights

    @property
    def losses(self):
        losses = []
        for cell in self.cells:
            if isinstance(cell, Layer):
                losses += cell.losses
        return losses + list(self._losses)

    def get_losses_for(self, inputs=None):
        losses = []
        for cell in self.cells:
            if isinstance(cell, Layer):
                losses += cell.get_losses_for(inputs)
        return losses + Layer.get_losses_for(self, inputs)

    def get_weights(self):
        return K.batch_get_value(self.weights)

    def set_weights(self, weights):
        tuples = []
        for cell in self.cells:
            if isinstance(cell, Layer):
                n = len(cell.weights)
                tuples += list(zip(cell.weights, weights[:n]))
                weights = weights[n:]
        K.batch_set_value(tuples)
