"""Recurrent layers: the generic `RNN` layer, the built-in cells and their layers.

`RNN(cell)` runs a cell over the time axis with `K.rnn` (a symbolic scan whose
step graph is built once). The built-in cells (`SimpleRNNCell`, `GRUCell`,
`LSTMCell`) additionally split their work in two: the input projection of all
time steps, `dot(inputs, kernel) + bias`, is computed as one GEMM over the
whole `(batch, time, features)` tensor before the scan, and only the recurrent
part runs per step. Dropout masks are drawn once per call (outside the scan)
and reused at every step, as in Keras 2.2. Results are those of Keras 2.2's
cells.
"""
import numpy as np

from .. import activations
from .. import backend as K
from .. import constraints
from .. import initializers
from .. import regularizers
from ..engine.base_layer import InputSpec, Layer
from ..utils.generic_utils import has_arg, to_list

__all__ = ['RNN', 'StackedRNNCells', 'SimpleRNNCell', 'GRUCell', 'LSTMCell', 'SimpleRNN', 'GRU', 'LSTM']

# Activations known to act elementwise: they may be applied to all gates at once.
_ELEMENTWISE = frozenset(getattr(activations, n) for n in ('sigmoid', 'hard_sigmoid', 'tanh', 'relu', 'linear',
                                                           'elu', 'selu', 'softplus', 'softsign', 'exponential'))


def _shape_str(shape):
    return '(' + ', '.join('None' if d is None else str(d) for d in shape) + ')'


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
        if units is None or int(units) <= 0:
            raise ValueError('%s: `units` must be a positive integer, got %r' % (type(self).__name__, units))
        self.units = int(units)
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
                             % (self.name, _shape_str(input_shape)))
        return input_dim

    def _recurrent_input(self, h, k):
        if self._recurrent_dropout_mask is None:
            return h
        return h * self._recurrent_dropout_mask[k]


def _clip01(x):
    return K.clip(x, 0., 1.)


_ELEMENTWISE = _ELEMENTWISE | frozenset([_clip01])


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
        if implementation not in (0, 1, 2):
            raise ValueError('GRUCell: `implementation` must be 1 or 2, got %r' % (implementation,))
        self.implementation = int(implementation)
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
        if implementation not in (0, 1, 2):
            raise ValueError('LSTMCell: `implementation` must be 1 or 2, got %r' % (implementation,))
        self.implementation = int(implementation)
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
        gate = {activations.sigmoid: 'sigmoid', activations.hard_sigmoid: 'hard_sigmoid'}.get(
            self.recurrent_activation)
        if gate is not None and self._fused_gate(gate):
            h, c = K.lstm_gates(z, c_tm1, gate)
            return h, [h, c]
        i, f, o = _activate_gates(z, self.recurrent_activation, (0, u, 3 * u), u)
        c = f * c_tm1 + i * self.activation(z[:, 2 * u:3 * u])
        h = o * self.activation(c)
        return h, [h, c]

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

    Example::

        cells = [LSTMCell(32), LSTMCell(64)]
        x = RNN(StackedRNNCells(cells))(inputs)
    """

    def __init__(self, cells, **kwargs):
        for cell in cells:
            if not hasattr(cell, 'call'):
                raise ValueError('StackedRNNCells: every cell needs a `call` method; got %r' % (cell,))
            if not hasattr(cell, 'state_size'):
                raise ValueError('StackedRNNCells: every cell needs a `state_size` attribute; got %r' % (cell,))
        self.cells = list(cells)
        Layer.__init__(self, **kwargs)

    @property
    def state_size(self):
        # States are ordered cell by cell (Keras 2.2 with its reverse_state_order off).
        sizes = []
        for cell in self.cells:
            sizes += _state_sizes(cell)
        return tuple(sizes)

    @property
    def output_size(self):
        return _output_size(self.cells[-1])

    def _split_states(self, states):
        nested, k = [], 0
        for cell in self.cells:
            n = len(_state_sizes(cell))
            nested.append(list(states[k:k + n]))
            k += n
        return nested

    def call(self, inputs, states, constants=None, **kwargs):
        new_states = []
        for cell, cell_states in zip(self.cells, self._split_states(states)):
            cell_kwargs = {}
            if has_arg(cell.call, 'training') and 'training' in kwargs:
                cell_kwargs['training'] = kwargs['training']
            if constants is not None and has_arg(cell.call, 'constants'):
                cell_kwargs['constants'] = constants
            inputs, cell_states = cell.call(inputs, cell_states, **cell_kwargs)
            new_states += list(to_list(cell_states, allow_tuple=True))
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
                with K.name_scope(cell.name):
                    cell.build([input_shape] + constants_shape if constants_shape else input_shape)
                cell.built = True
            input_shape = (input_shape[0], _output_size(cell))
        self.built = True

    def get_config(self):
        from . import serialize
        config = {'cells': [serialize(cell) for cell in self.cells]}
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
                                 % (index, self.name, _shape_str(expected), _shape_str(value.shape)))
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
                             % (self.name, _shape_str(input_shape)))
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
        is_keras = [K.is_keras_tensor(t) for t in additional_inputs]
        if any(is_keras) and not all(is_keras):
            raise ValueError('Layer %s: the initial states and constants passed to an RNN layer must be '
                             'either all Keras tensors (outputs of Keras layers or `Input`) or all other '
                             'tensors, not a mix.' % self.name)
        if all(is_keras):
            # They become inputs of the layer's node, so a functional model
            # rebuilds (and serialises) the call with them.
            full_input = [inputs] + additional_inputs
            original_spec = self.input_spec
            self.input_spec = list(original_spec) + additional_specs
            try:
                return Layer.__call__(self, full_input, **kwargs)
            finally:
                self.input_spec = original_spec
        if initial_state is not None:
            kwargs['initial_state'] = initial_state
        if constants is not None:
            kwargs['constants'] = constants
        return Layer.__call__(self, inputs, **kwargs)

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
                             '`unroll=False`.' % (self.name, _shape_str(K.int_shape(inputs))))
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
            if hasattr(cell, '_project') and hasattr(cell, '_recurrent_step') and not n_const:
                # One GEMM for the input projection of all time steps; the scan
                # runs only the recurrent part.
                sequence = cell._project(inputs)

                def step(x_t, states):
                    return cell._recurrent_step(x_t, states)
            else:
                sequence = inputs

                def step(x_t, states):
                    if n_const:
                        return cell.call(x_t, states[:-n_const], constants=states[-n_const:], **kwargs)
                    return cell.call(x_t, states, **kwargs)

            last_output, outputs, states = K.rnn(step, sequence, initial_state, constants=constants,
                                                 go_backwards=self.go_backwards, mask=mask, unroll=self.unroll,
                                                 input_length=timesteps)
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
        # Weight regularization losses of the cell are unconditional.
        own = Layer.get_losses_for(self, inputs)
        if inputs is None and isinstance(self.cell, Layer):
            return list(self.cell.get_losses_for(None)) + own
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
    """A recurrent layer owning one built-in cell (SimpleRNN, GRU, LSTM)."""

    def __init__(self, cell, activity_regularizer=None, **kwargs):
        RNN.__init__(self, cell, **kwargs)
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def __getattr__(self, name):
        # Cell hyperparameters (units, activation, ...) read through the layer.
        if name in _CELL_ATTRS and 'cell' in self.__dict__:
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
        config = dict(config)
        if config.get('implementation') == 0:
            config['implementation'] = 1
        return cls(**config)


def _split_kwargs(kwargs, cell_keys):
    """Separates cell arguments from layer arguments."""
    cell_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in cell_keys}
    if 'dtype' in kwargs:
        cell_kwargs['dtype'] = kwargs['dtype']
    return cell_kwargs


class SimpleRNN(_CellLayer):
    """Fully-connected RNN whose output is fed back as input.

    Args:
        units: dimensionality of the output space.
        activation, use_bias, *_initializer, *_regularizer, *_constraint,
            dropout, recurrent_dropout: see `SimpleRNNCell`.
        activity_regularizer: regularizer of the layer output.
        return_sequences, return_state, go_backwards, stateful, unroll: see `RNN`.

    Example::

        model.add(SimpleRNN(3, use_bias=False, input_shape=(None, 2)))
    """

    def __init__(self, units, activation='tanh', use_bias=True, kernel_initializer='glorot_uniform',
                 recurrent_initializer='orthogonal', bias_initializer='zeros', kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.,
                 recurrent_dropout=0., return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, **kwargs):
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
