"""Convolutional recurrent layers: `ConvLSTM2DCell` and `ConvLSTM2D`.

An LSTM whose input and recurrent transformations are 2-D convolutions. As
for the dense recurrent layers, the input convolution of all time steps is one
`K.conv2d` over `(time * batch, rows, cols, channels)` before the scan; only
the recurrent convolution and the gates run per step. The merged axis is
time-major, the scan's order, so the four-times-wider gate pre-activations and
their gradient are never transposed (only the narrower input is). With
channels_last data and tanh, the gates of a step are the backend's fused LSTM
gate op over `(batch * rows * cols, 4 * filters)` rows.
"""
import numpy as np

from .. import activations
from .. import backend as K
from ..engine.base_layer import InputSpec, Layer
from ..utils import conv_utils
from .recurrent import RNN, _CellLayer
from .recurrent_cells import _ELEMENTWISE, _FUSED_GATES, _init_array, _RecurrentCell

__all__ = ['ConvLSTM2DCell', 'ConvLSTM2D']


def _channel_slice(x, start, stop, channel_axis):
    index = [slice(None)] * K.ndim(x)
    index[channel_axis] = slice(start, stop)
    return x[tuple(index)]


def _shaped_like(x, like):
    """`x` reshaped to the shape of `like` (static where known)."""
    shape = K.int_shape(like)
    if all(d is not None for d in shape[1:]):
        return K.reshape(x, (-1,) + tuple(shape[1:]))
    return K.reshape(x, K.shape(like))


class ConvLSTM2DCell(_RecurrentCell):
    """Cell of `ConvLSTM2D` (gates i, f, c, o along the channel axis).

    Args:
        filters: number of output filters.
        kernel_size: int or tuple of 2 ints.
        strides, padding, data_format, dilation_rate: of the input convolution
            (the recurrent convolution is always stride 1, 'same').
        activation, recurrent_activation (Keras 2.2 default `hard_sigmoid`),
        use_bias, *_initializer, unit_forget_bias, *_regularizer, *_constraint,
        dropout, recurrent_dropout: as `LSTMCell`.
    """
    _n_gates = 4

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid', data_format=None,
                 dilation_rate=(1, 1), activation='tanh', recurrent_activation='hard_sigmoid', use_bias=True,
                 kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal', bias_initializer='zeros',
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.,
                 recurrent_dropout=0., **kwargs):
        _RecurrentCell.__init__(self, filters, dropout, recurrent_dropout, **kwargs)
        self.filters = self.units
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, 2, 'kernel_size')
        self.strides = conv_utils.normalize_tuple(strides, 2, 'strides')
        self.padding = conv_utils.normalize_padding(padding)
        self.data_format = K.normalize_data_format(data_format)
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, 2, 'dilation_rate')
        self._set_common(activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                         kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
                         recurrent_constraint, bias_constraint)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = (self.filters, self.filters)
        self.channel_axis = 1 if self.data_format == 'channels_first' else -1

    def build(self, input_shape):
        input_dim = input_shape[self.channel_axis]
        if input_dim is None:
            raise ValueError('ConvLSTM2DCell %s: the channel dimension of the inputs should be defined, got '
                             'input shape %s' % (self.name, input_shape))
        f = self.filters
        self.kernel_shape = self.kernel_size + (input_dim, 4 * f)
        self.kernel = self.add_weight(shape=self.kernel_shape, initializer=self.kernel_initializer, name='kernel',
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=self.kernel_size + (f, 4 * f),
                                                initializer=self.recurrent_initializer, name='recurrent_kernel',
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            if self.unit_forget_bias:
                base = self.bias_initializer

                def bias_initializer(shape, dtype=None):
                    dtype = dtype or K.floatx()
                    return np.concatenate([_init_array(base, (f,), dtype), np.ones((f,), dtype),
                                           _init_array(base, (2 * f,), dtype)])
            else:
                bias_initializer = self.bias_initializer
            self.bias = self.add_weight(shape=(4 * f,), name='bias', initializer=bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def input_conv(self, x, w, b=None, padding='valid'):
        """The input convolution of a step (or of merged batch*time steps)."""
        out = K.conv2d(x, w, strides=self.strides, padding=padding, data_format=self.data_format,
                       dilation_rate=self.dilation_rate)
        if b is not None:
            out = K.bias_add(out, b, data_format=self.data_format)
        return out

    def recurrent_conv(self, x, w):
        return K.conv2d(x, w, strides=(1, 1), padding='same', data_format=self.data_format)

    def _masked_input(self, inputs, k):
        mask = self._dropout_mask[k]
        if K.ndim(inputs) == K.ndim(mask) + 1:
            mask = K.expand_dims(mask, 1)
        return inputs * mask

    def _conv_any(self, x, w, b):
        """`input_conv` of a step (rank 4) or of a sequence (rank 5: time merged
        into batch, time-major; the result is a (batch, time, ...) view of it)."""
        if K.ndim(x) == 4:
            return self.input_conv(x, w, b, padding=self.padding)
        shape = K.int_shape(x)
        dyn = K.shape(x)
        inner = [shape[i] if shape[i] is not None else dyn[i] for i in range(2, 5)]
        merged = K.reshape(K.permute_dimensions(x, (1, 0, 2, 3, 4)), [-1] + inner)
        out = self.input_conv(merged, w, b, padding=self.padding)
        out_shape = K.int_shape(out)
        batch = shape[0] if shape[0] is not None else dyn[0]
        steps = shape[1] if shape[1] is not None else dyn[1]
        return K.permute_dimensions(K.reshape(out, [steps, batch] + list(out_shape[1:])), (1, 0, 2, 3, 4))

    def _project(self, inputs):
        f = self.filters
        if self._dropout_mask is None:
            return self._conv_any(inputs, self.kernel, self.bias)
        parts = [self._conv_any(self._masked_input(inputs, k), self.kernel[..., k * f:(k + 1) * f],
                                self.bias[k * f:(k + 1) * f] if self.bias is not None else None)
                 for k in range(4)]
        return K.concatenate(parts, axis=self.channel_axis)

    def _recurrent_step(self, projected, states):
        f = self.filters
        h_tm1, c_tm1 = states[0], states[1]
        rd = self._recurrent_dropout_mask
        if rd is None:
            z = projected + self.recurrent_conv(h_tm1, self.recurrent_kernel)
        else:
            z = projected + K.concatenate(
                [self.recurrent_conv(h_tm1 * rd[k], self.recurrent_kernel[..., k * f:(k + 1) * f])
                 for k in range(4)], axis=self.channel_axis)
        gate = _FUSED_GATES.get(self.recurrent_activation)
        if gate is not None and self.channel_axis == -1 and self.activation is activations.tanh \
                and hasattr(K, 'lstm_gates'):
            h, c = K.lstm_gates(K.reshape(z, (-1, 4 * f)), K.reshape(c_tm1, (-1, f)), gate)
            h, c = _shaped_like(h, h_tm1), _shaped_like(c, c_tm1)
            return h, [h, c]
        ax = self.channel_axis
        if self.recurrent_activation in _ELEMENTWISE:
            a = self.recurrent_activation(z)
            i, fg, o = [_channel_slice(a, s, s + f, ax) for s in (0, f, 3 * f)]
        else:
            i, fg, o = [self.recurrent_activation(_channel_slice(z, s, s + f, ax)) for s in (0, f, 3 * f)]
        c = fg * c_tm1 + i * self.activation(_channel_slice(z, 2 * f, 3 * f, ax))
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        config = self._common_config()
        del config['units']
        config.update({'filters': self.filters, 'kernel_size': self.kernel_size, 'strides': self.strides,
                       'padding': self.padding, 'data_format': self.data_format,
                       'dilation_rate': self.dilation_rate,
                       'recurrent_activation': activations.serialize(self.recurrent_activation),
                       'unit_forget_bias': self.unit_forget_bias})
        config.update(Layer.get_config(self))
        return config


_CONV_CELL_ATTRS = ('filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'activation',
               'recurrent_activation', 'use_bias', 'kernel_initializer', 'recurrent_initializer',
               'bias_initializer', 'unit_forget_bias', 'kernel_regularizer', 'recurrent_regularizer',
               'bias_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout',
               'recurrent_dropout')


class ConvLSTM2D(_CellLayer):
    """Convolutional LSTM over `(batch, time, rows, cols, channels)` inputs
    (or `(batch, time, channels, rows, cols)` with `channels_first`).

    Args:
        filters, kernel_size, strides, padding, data_format, dilation_rate,
        activation, recurrent_activation, use_bias, *_initializer,
        unit_forget_bias, *_regularizer, *_constraint, dropout,
        recurrent_dropout: see `ConvLSTM2DCell`.
        activity_regularizer: regularizer of the output.
        return_sequences, return_state, go_backwards, stateful: see `RNN`.

    Output: `(batch, [time,] new_rows, new_cols, filters)`.

    Example::

        model.add(ConvLSTM2D(40, (3, 3), padding='same', return_sequences=True,
                             input_shape=(None, 40, 40, 1)))
    """
    _cell_attrs = _CONV_CELL_ATTRS
    _cell_name_scope = False  # weights are 'conv_lstm2d/kernel', as tf_keras names them

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid', data_format=None,
                 dilation_rate=(1, 1), activation='tanh', recurrent_activation='hard_sigmoid', use_bias=True,
                 kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal', bias_initializer='zeros',
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, dropout=0., recurrent_dropout=0., unroll=False, **kwargs):
        if unroll:
            raise ValueError('ConvLSTM2D: `unroll=True` is not supported (as in Keras 2.2)')
        cell = ConvLSTM2DCell(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                              dilation_rate=dilation_rate, activation=activation,
                              recurrent_activation=recurrent_activation, use_bias=use_bias,
                              kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                              bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
                              kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                              bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                              recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                              dropout=dropout, recurrent_dropout=recurrent_dropout, dtype=kwargs.get('dtype'))
        _CellLayer.__init__(self, cell, activity_regularizer=activity_regularizer,
                            return_sequences=return_sequences, return_state=return_state,
                            go_backwards=go_backwards, stateful=stateful, **kwargs)
        self.input_spec = [InputSpec(ndim=5)]

    def _temporal_input_dim(self):
        return False

    def _spatial_output(self, rows, cols):
        cell = self.cell
        rows = conv_utils.conv_output_length(rows, cell.kernel_size[0], padding=cell.padding,
                                             stride=cell.strides[0], dilation=cell.dilation_rate[0])
        cols = conv_utils.conv_output_length(cols, cell.kernel_size[1], padding=cell.padding,
                                             stride=cell.strides[1], dilation=cell.dilation_rate[1])
        return rows, cols

    def _step_output_shape(self, input_shape):
        cell = self.cell
        if cell.data_format == 'channels_first':
            rows, cols = self._spatial_output(input_shape[3], input_shape[4])
            return (cell.filters, rows, cols)
        rows, cols = self._spatial_output(input_shape[2], input_shape[3])
        return (rows, cols, cell.filters)

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        step = self._step_output_shape(input_shape)
        output_shape = (input_shape[0], input_shape[1]) + step if self.return_sequences \
            else (input_shape[0],) + step
        if self.return_state:
            return [output_shape, (input_shape[0],) + step, (input_shape[0],) + step]
        return output_shape

    def compute_mask(self, inputs, mask):
        return RNN.compute_mask(self, inputs, mask)

    def build(self, input_shape):
        shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        self._built_input_shape = tuple(shape)
        RNN.build(self, input_shape)
        self.input_spec[0] = InputSpec(shape=(shape[0] if self.stateful else None, None) + tuple(shape[2:]))

    def _state_shape(self, batch_size, dim):
        return (batch_size,) + self._step_output_shape(self._built_input_shape)

    def get_initial_state(self, inputs):
        # Zeros shaped like the output of one step: a zero-kernel convolution
        # of a zero step input (works for unknown spatial sizes).
        cell = self.cell
        initial = K.zeros_like(inputs[:, 0])
        shape = list(cell.kernel_shape)
        shape[-1] = cell.filters
        initial = cell.input_conv(initial, K.zeros(tuple(shape)), padding=cell.padding)
        return [initial, initial]

    def get_config(self):
        config = _CellLayer.get_config(self)
        del config['unroll']
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config.pop('implementation', None)
        return cls(**config)


from ..legacy.layers import ConvRecurrent2D, Recurrent  # noqa: E402,F401  (Keras 2.2 imports the Keras 2.0 bases here)
