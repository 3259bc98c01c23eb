"""Saved weights in older layouts, converted to minikeras' layouts on load.

`convert_saved_weights` is what `saving.preprocess_weights_for_loading` runs
on the arrays of every layer before they are set. It does, as Keras 2.2.4
does when it loads a file:

* **Keras 1 layouts** (files whose weights group has no `keras_version`
  attribute, which is what Keras 1 wrote, or a version starting with `1`):

  | layer | Keras 1 arrays | minikeras (Keras 2) arrays |
  |---|---|---|
  | `LSTM` | 12: `W, U, b` per gate, gates `i, c, f, o` | `kernel, recurrent_kernel, bias` (`i, f, c, o`) |
  | `GRU` | 9: `W, U, b` per gate, gates `z, r, h` | `kernel, recurrent_kernel, bias` (`z, r, h`) |
  | `ConvLSTM2D` | 12 per-gate arrays as `LSTM`, `th` kernels as `Conv2D` | `kernel, recurrent_kernel, bias` |
  | `Conv1D` | `(length, 1, in, filters)`; Keras <= 1.1 `(filters, in, length, 1)` | `(length, in, filters)` |
  | `Conv2D` (`th`) | `(filters, in, rows, cols)` | `(rows, cols, in, filters)` |
  | `Conv3D` (`th`) | `(filters, in, d1, d2, d3)` | `(d1, d2, d3, in, filters)` |
  | `Conv2DTranspose` | `(rows, cols, in, out)`; `th`: `(out, in, rows, cols)` | `(rows, cols, out, in)` |

  (`th`: `dim_ordering='th'`, which loads as `data_format='channels_first'`.)
  `Dense`, `Embedding`, `SimpleRNN`, `BatchNormalization` (`gamma, beta,
  running_mean, running_std`, the last holding the variance since Keras
  1.0.8), `LSTM`/`GRU` saved with `consume_less='gpu'` (already fused, in
  Keras 2's gate order) and the `tf`-ordered convolutions keep their layout.
  A `channels_first` kernel is read in the Keras 1 `th` layout whenever its
  shape allows it (the file's own layout wins when both shapes agree, as
  in Keras 2.2.4); a kernel whose shape already is the layer's, and cannot
  be the Keras 1 one, is left alone, so Keras 2 arrays pass through.
* **Theano kernels** (`backend` attribute `theano`, any version): Theano
  computed a true convolution where minikeras computes a cross-correlation,
  so the spatial axes of the convolution kernels (both kernels of
  `ConvLSTM2D`) are reversed, after any Keras 1 re-layout.
* **cuDNN layouts** (`CuDNNLSTM`/`CuDNNGRU` <-> `LSTM`/`GRU`): see
  `rnn_weights.convert_rnn_weights`.

`Bidirectional` (forward arrays, then backward), `TimeDistributed` and
nested models (every trainable array of the sublayers, then every
non-trainable one) are converted sublayer by sublayer.
"""
import numpy as np

from .. import backend as K
from .rnn_weights import convert_rnn_weights

__all__ = ['convert_saved_weights', 'is_keras1_version']

# Keras 1 wrote the per-gate LSTM arrays as i, c, f, o; Keras 2 fuses them as i, f, c, o.
_LSTM_FILE_ORDER = ('i', 'c', 'f', 'o')
_LSTM_FUSED_ORDER = ('i', 'f', 'c', 'o')


def is_keras1_version(original_keras_version):
    """Whether a file's `keras_version` is Keras 1's (`'1'`, the value for a missing attribute, or `'1.x.y'`)."""
    version = str(original_keras_version or '')
    return version == '1' or version.startswith('1.')


def _target_shapes(layer):
    return [tuple(K.int_shape(w)) for w in list(layer.trainable_weights) + list(layer.non_trainable_weights)]


def _relayout(kernel, target, transpositions, keep_matching):
    """`kernel` transposed into the shape `target`, by the first of `transpositions` that gives it.

    Args:
        kernel: a saved array.
        target: the layer's shape for it.
        transpositions: candidate axis orders (Keras 1 layout -> minikeras).
        keep_matching: leave `kernel` as it is when its shape already is `target`
            (False where the Keras 1 layout is the expected one, so that a
            kernel whose shape reads both ways is transposed).

    Returns:
        The re-laid-out array, or `kernel` unchanged when no candidate fits
        (the shape check of the loader then names both shapes).
    """
    kernel = np.asarray(kernel)
    if keep_matching and kernel.shape == target:
        return kernel
    for axes in transpositions:
        if len(axes) == kernel.ndim and tuple(kernel.shape[a] for a in axes) == target:
            return np.transpose(kernel, axes)
    return kernel


def _channels_first(layer):
    return getattr(layer, 'data_format', None) == 'channels_first'


def _conv_nd(layer, weights, targets):
    """Conv2D / Conv3D: the `th` layout `(filters, channels, *spatial)` -> `(*spatial, channels, filters)`."""
    rank = len(targets[0]) - 2
    axes = tuple(range(2, 2 + rank)) + (1, 0)
    return [_relayout(weights[0], targets[0], [axes], keep_matching=not _channels_first(layer))] + weights[1:]


def _conv1d(layer, weights, targets):
    """Conv1D: Keras 1 stored a `(length, 1)` 2D kernel (Keras <= 1.1: `(filters, channels, length, 1)`)."""
    kernel = np.asarray(weights[0])
    length, channels, filters = targets[0]
    if kernel.shape == (filters, channels, length, 1) and kernel.shape != (length, 1, channels, filters):
        kernel = np.transpose(kernel, (2, 3, 1, 0))
    if kernel.shape == (length, 1, channels, filters):
        kernel = kernel[:, 0, :, :]
    return [kernel] + weights[1:]


def _conv2d_transpose(layer, weights, targets):
    """Conv2DTranspose: Keras 1 `(rows, cols, in, out)` (`th`: `(out, in, rows, cols)`) -> `(rows, cols, out, in)`."""
    from_th, from_tf = (2, 3, 0, 1), (0, 1, 3, 2)
    order = [from_th, from_tf] if _channels_first(layer) else [from_tf, from_th]
    return [_relayout(weights[0], targets[0], order, keep_matching=False)] + weights[1:]


def _fuse_gates(weights, file_order, fused_order):
    """Per-gate `(kernel, recurrent_kernel, bias)` triples in `file_order` -> three arrays fused in `fused_order`."""
    triples = dict(zip(file_order, [weights[3 * k:3 * k + 3] for k in range(len(file_order))]))
    return [np.concatenate([np.asarray(triples[gate][j]) for gate in fused_order], axis=-1) for j in range(3)]


def _lstm(layer, weights, targets):
    if len(weights) != 12:
        return weights
    return _fuse_gates(weights, _LSTM_FILE_ORDER, _LSTM_FUSED_ORDER)


def _gru(layer, weights, targets):
    if len(weights) != 9:
        return weights
    return _fuse_gates(weights, ('z', 'r', 'h'), ('z', 'r', 'h'))


def _conv_lstm2d(layer, weights, targets):
    if len(weights) != 12:
        return weights
    keep = not _channels_first(layer)
    per_gate = []
    for k, w in enumerate(weights):
        kind = k % 3
        if kind < 2:  # kernel or recurrent kernel of one gate
            target = targets[kind][:-1] + (targets[kind][-1] // 4,)
            w = _relayout(w, target, [(2, 3, 1, 0)], keep_matching=keep)
        per_gate.append(w)
    return _fuse_gates(per_gate, _LSTM_FILE_ORDER, _LSTM_FUSED_ORDER)


def _keras1_converter(layer):
    """The Keras 1 -> Keras 2 conversion of `layer`'s own arrays, or None."""
    from ..layers import convolutional as conv
    from ..layers.convolutional_recurrent import ConvLSTM2D
    from ..layers.recurrent import GRU, LSTM
    if isinstance(layer, conv.Conv3DTranspose) or isinstance(layer, conv.DepthwiseConv2D):
        return None  # no Keras 1 counterpart
    for cls, converter in ((conv.Conv2DTranspose, _conv2d_transpose), (conv.Conv1D, _conv1d),
                           (conv.Conv2D, _conv_nd), (conv.Conv3D, _conv_nd), (LSTM, _lstm), (GRU, _gru),
                           (ConvLSTM2D, _conv_lstm2d)):
        if isinstance(layer, cls):
            return converter
    return None


def _theano_kernels(layer):
    """How many leading arrays of `layer` are convolution kernels Theano stored flipped (0: none)."""
    from ..layers import convolutional as conv
    from ..layers.convolutional_recurrent import ConvLSTM2D
    if isinstance(layer, ConvLSTM2D):
        return 2
    if isinstance(layer, (conv.Conv1D, conv.Conv2D, conv.Conv3D)) and not isinstance(layer, conv.DepthwiseConv2D):
        return 1
    return 0


def _flip_spatial(kernel):
    """Reverses every axis of `kernel` but the last two (channels in, channels out)."""
    kernel = np.asarray(kernel)
    if kernel.ndim < 3:
        return kernel
    return np.copy(kernel[(slice(None, None, -1),) * (kernel.ndim - 2)])


def _convert_leaf(layer, weights, keras1, theano):
    if keras1 and weights:
        converter = _keras1_converter(layer)
        if converter is not None:
            weights = converter(layer, weights, _target_shapes(layer))
    if theano:
        n = min(_theano_kernels(layer), len(weights))
        weights = [_flip_spatial(w) for w in weights[:n]] + weights[n:]
    return convert_rnn_weights(layer, weights)


def _keras1_trainable_count(layer):
    """How many trainable arrays Keras 1 saved for `layer` (per-gate recurrent layers: 12 or 9, not 3)."""
    from ..layers.convolutional_recurrent import ConvLSTM2D
    from ..layers.recurrent import GRU, LSTM
    from ..layers.wrappers import Bidirectional, TimeDistributed
    from .network import Network
    if isinstance(layer, Network):
        return sum(_keras1_trainable_count(sublayer) for sublayer in layer.layers)
    if isinstance(layer, Bidirectional):
        return 2 * _keras1_trainable_count(layer.forward_layer)
    if isinstance(layer, TimeDistributed):
        return _keras1_trainable_count(layer.layer)
    count = len(layer.trainable_weights)
    if count == 3 and isinstance(layer, (LSTM, ConvLSTM2D)):
        return 12
    if count == 3 and isinstance(layer, GRU):
        return 9
    return count


def _convert_network(network, weights, keras1, theano):
    """A nested model's arrays: every sublayer's trainable ones (in layer order), then the non-trainable ones.

    A Keras 1 file may hold the per-gate arrays of its recurrent sublayers:
    their counts are used when the layer's own counts do not add up.
    """
    trainable = [len(layer.trainable_weights) for layer in network.layers]
    non_trainable = [len(layer.non_trainable_weights) for layer in network.layers]
    if keras1 and sum(trainable) + sum(non_trainable) != len(weights):
        trainable = [_keras1_trainable_count(layer) if n else 0 for layer, n in zip(network.layers, trainable)]
    offset, parts = 0, [[] for _ in network.layers]
    for counts in (trainable, non_trainable):
        for k, n in enumerate(counts):
            parts[k].append(list(weights[offset:offset + n]))
            offset += n
    converted = [_convert(layer, t + n, keras1, theano) for layer, (t, n) in zip(network.layers, parts)]
    # Converting changes trainable counts only (12 -> 3): the non-trainable arrays stay at the end.
    kept = [len(k) - len(n) for k, (_, n) in zip(converted, parts)]
    return ([w for c, k in zip(kept, converted) for w in k[:c]] +
            [w for c, k in zip(kept, converted) for w in k[c:]] + list(weights[offset:]))


def _convert(layer, weights, keras1, theano):
    from ..layers.wrappers import Bidirectional, TimeDistributed
    from .network import Network
    weights = list(weights)
    if isinstance(layer, Network):
        return _convert_network(layer, weights, keras1, theano)
    if isinstance(layer, Bidirectional):
        half = len(weights) // 2
        return (_convert(layer.forward_layer, weights[:half], keras1, theano) +
                _convert(layer.backward_layer, weights[half:], keras1, theano))
    if isinstance(layer, TimeDistributed):
        return _convert(layer.layer, weights, keras1, theano)
    return _convert_leaf(layer, weights, keras1, theano)


def convert_saved_weights(layer, weights, original_keras_version=None, original_backend=None):
    """Converts a layer's saved arrays from the Keras 1, Theano and cuDNN layouts to the layer's own.

    Args:
        layer: the target layer (a model, a wrapper or a plain layer).
        weights: the saved numpy arrays for `layer`, in file order.
        original_keras_version: the file's `keras_version` (`'1'` for Keras 1
            files; None: unknown, no Keras 1 conversion).
        original_backend: the file's `backend` (`'theano'` flips conv kernels).

    Returns:
        The list of arrays in the layer's layout (arrays that need no
        conversion are returned as they are; their count and shapes are
        checked by the caller).

    Raises:
        ValueError: incompatible cuDNN/GRU arrays (see `convert_rnn_weights`).
    """
    return _convert(layer, weights, is_keras1_version(original_keras_version), original_backend == 'theano')
