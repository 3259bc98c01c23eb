"""Weight conversion on load between the cuDNN layers and the plain recurrent layers.

Keras 2.2.4 converts, when weights are loaded, between `CuDNNLSTM` and `LSTM`
and between `CuDNNGRU` and `GRU(reset_after=True)`, in both directions; the
same is done here, so a file written with either kind of layer loads into the
other (`load_weights` by order or `by_name`, `load_model`, nested models,
`Bidirectional` and `TimeDistributed`). The source of the arrays is told apart
by the bias shape alone:

| bias shape | written by |
|---|---|
| `(8 * units,)` | `CuDNNLSTM` (input biases, then recurrent biases) |
| `(4 * units,)` | `LSTM` |
| `(6 * units,)` | `CuDNNGRU` |
| `(2, 3 * units)` | `GRU(reset_after=True)` (row 0 input, row 1 recurrent biases) |
| `(3 * units,)` | `GRU(reset_after=False)`: no cuDNN equivalent, a `ValueError` |

Per gate, the input kernel block changes between cuDNN's memory order and
Keras' (the `(units, input_dim)` matrix stored row-major in the
`(input_dim, units)` block, see `layers/cudnn_recurrent.py`) and the recurrent
block is transposed. LSTM biases are summed (cuDNN to plain) or split in two
equal halves (plain to cuDNN: only their sum matters); GRU biases are only
reshaped. Layers without bias (`use_bias=False`) are left alone. The plain
layer computes what the cuDNN one does when its gate activation is
`recurrent_activation='sigmoid'` (not Keras 2's default `hard_sigmoid`).
"""
import numpy as np

__all__ = ['convert_rnn_weights']


def _per_gate(matrix, func, n_gates):
    return np.concatenate([func(block) for block in np.split(matrix, n_gates, axis=1)], axis=1)


def _input_kernel(from_cudnn):
    """Converts one gate's input kernel block from/to cuDNN's memory order."""
    order = 'F' if from_cudnn else 'C'

    def convert(block):
        return block.T.reshape(block.shape, order=order)
    return convert


def _transpose(block):
    return block.T


def _kernels(weights, from_cudnn, n_gates):
    return [_per_gate(weights[0], _input_kernel(from_cudnn), n_gates), _per_gate(weights[1], _transpose, n_gates)]


def _check_kernels(layer, weights, n_gates):
    """`units` of the saved arrays, after checking the two kernels are gate-stacked matrices."""
    kernel, recurrent = weights[0], weights[1]
    if kernel.ndim != 2 or recurrent.ndim != 2 or recurrent.shape[1] != recurrent.shape[0] * n_gates or \
            kernel.shape[1] != recurrent.shape[1]:
        raise ValueError('Layer "%s" (%s): the saved kernels have shapes %s and %s; expected (input_dim, %d * '
                         'units) and (units, %d * units).' % (layer.name, type(layer).__name__,
                                                              kernel.shape, recurrent.shape, n_gates, n_gates))
    return recurrent.shape[0]


def _lstm(layer, weights, target):
    units = _check_kernels(layer, weights, 4)
    bias = weights[2]
    if bias.shape == (8 * units,):
        source = 'CuDNNLSTM'
    elif bias.shape == (4 * units,):
        source = 'LSTM'
    else:
        raise ValueError('Layer "%s" (%s): invalid saved LSTM bias shape %s for %d units; expected (%d,) '
                         '(LSTM) or (%d,) (CuDNNLSTM).' % (layer.name, target, bias.shape, units, 4 * units,
                                                           8 * units))
    if source == target:
        return weights
    from_cudnn = source == 'CuDNNLSTM'
    if from_cudnn:
        bias = bias[:4 * units] + bias[4 * units:]
    else:
        bias = np.tile(0.5 * bias, 2)
    return _kernels(weights, from_cudnn, 4) + [bias]


def _gru(layer, weights, target):
    units = _check_kernels(layer, weights, 3)
    bias = weights[2]
    if bias.shape == (6 * units,):
        source = 'CuDNNGRU'
    elif bias.shape == (2, 3 * units):
        source = 'GRU(reset_after=True)'
    elif bias.shape == (3 * units,):
        source = 'GRU(reset_after=False)'
    else:
        raise ValueError('Layer "%s" (%s): invalid saved GRU bias shape %s for %d units; expected (%d,) '
                         '(GRU), (2, %d) (GRU with reset_after=True) or (%d,) (CuDNNGRU).'
                         % (layer.name, target, bias.shape, units, 3 * units, 3 * units, 6 * units))
    if source == target:
        return weights
    if 'GRU(reset_after=False)' in (source, target):
        raise ValueError('Layer "%s": cannot load these weights, %s is not compatible with %s (only '
                         'GRU(reset_after=True) computes what CuDNNGRU does).' % (layer.name, source, target))
    from_cudnn = source == 'CuDNNGRU'
    return _kernels(weights, from_cudnn, 3) + [bias.reshape((2, -1) if from_cudnn else (-1,))]


def convert_rnn_weights(layer, weights):
    """Converts saved arrays between the cuDNN and plain layouts to fit `layer`.

    Args:
        layer: the target layer (`LSTM`, `CuDNNLSTM`, `GRU`, `CuDNNGRU`, or a
            `Bidirectional`/`TimeDistributed` around one; anything else is
            returned unchanged).
        weights: the saved numpy arrays for `layer`, in file order.

    Returns:
        The arrays in `layer`'s layout (the same list when nothing converts).

    Raises:
        ValueError: GRU weights between `GRU(reset_after=False)` and a cuDNN or
            `reset_after=True` GRU, or kernels/biases of impossible shapes.
    """
    from ..layers.cudnn_recurrent import CuDNNGRU, CuDNNLSTM
    from ..layers.recurrent import GRU, LSTM
    from ..layers.wrappers import Bidirectional, TimeDistributed
    if isinstance(layer, Bidirectional):
        half = len(weights) // 2
        return (convert_rnn_weights(layer.forward_layer, weights[:half]) +
                convert_rnn_weights(layer.backward_layer, weights[half:]))
    if isinstance(layer, TimeDistributed):
        return convert_rnn_weights(layer.layer, weights)
    if len(weights) != 3:  # no bias: nothing to tell the source by (and CuDNN layers always have one)
        return list(weights)
    weights = [np.asarray(w) for w in weights]
    if isinstance(layer, (LSTM, CuDNNLSTM)):
        return _lstm(layer, weights, 'CuDNNLSTM' if isinstance(layer, CuDNNLSTM) else 'LSTM')
    if isinstance(layer, (GRU, CuDNNGRU)):
        if isinstance(layer, CuDNNGRU):
            target = 'CuDNNGRU'
        else:
            target = 'GRU(reset_after=%s)' % bool(layer.reset_after)
        return _gru(layer, weights, target)
    return weights
