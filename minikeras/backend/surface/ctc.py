"""K surface: CTC, Keras 2.2.4's `ctc_batch_cost`, `ctc_decode` and `ctc_label_dense_to_sparse`.

The ops are in `backend/ops/ctc.py`. As in Keras 2.2.4 (TensorFlow backend),
the blank is the last class and predictions are softmax outputs: both
functions take `log(y_pred + epsilon())` as the scores of each frame.
"""
import collections

from .. import state
from ..graph.tensor import Tensor
from ..ops import ctc as ctc_ops
from ..ops import elementwise as ew
from ..ops import shape as shape_ops

__all__ = ['ctc_batch_cost', 'ctc_decode', 'ctc_label_dense_to_sparse', 'SparseLabels']

#: The sparse labels of `ctc_label_dense_to_sparse`: the fields of a `tf.SparseTensor`, as three tensors.
SparseLabels = collections.namedtuple('SparseLabels', ['indices', 'values', 'dense_shape'])


def _tensor(x):
    return x if isinstance(x, Tensor) else ew.as_tensor(x)


def _frame_scores(y_pred):
    """log(y_pred + epsilon), the per-frame class scores Keras 2.2.4 hands to TensorFlow's CTC."""
    y_pred = _tensor(y_pred)
    return ew.Log()(y_pred + ew.as_tensor(state.epsilon(), like=y_pred))


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """CTC loss of each sample.

    Args:
        y_true: `(samples, max_string_length)` labels (integers in
            `[0, num_categories - 2]`; entries past a sample's label length are
            ignored, so any padding value works).
        y_pred: `(samples, time_steps, num_categories)` softmax outputs; the
            last category is the CTC blank.
        input_length: `(samples, 1)` number of frames of `y_pred` used per sample.
        label_length: `(samples, 1)` number of labels in `y_true` per sample.

    Returns:
        `(samples, 1)` tensor: `-log p(y_true | y_pred)` per sample (inf where
        the labels cannot fit in the frames). Differentiable w.r.t. `y_pred`.

    Raises:
        ValueError (at run time, wrapped in the function's execution error):
            lengths out of range, or labels that are not classes (the blank
            included).
    """
    loss, _ = ctc_ops.CTCLoss()(_frame_scores(y_pred), _tensor(y_true),
                                _tensor(input_length), _tensor(label_length))
    return shape_ops.ExpandDims(axis=1)(loss)


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """Decodes softmax outputs into label sequences.

    Args:
        y_pred: `(samples, time_steps, num_categories)` softmax outputs (the
            last category is the blank).
        input_length: `(samples,)` number of frames used per sample.
        greedy: best-path decoding (the most likely class per frame, repeats
            merged, blanks removed); otherwise prefix beam search.
        beam_width: prefixes kept per frame in beam search.
        top_paths: number of labelings returned by beam search (1 when greedy).

    Returns:
        `(decoded, log_prob)`: `decoded` is a list of `top_paths` int64 tensors
        `(samples, longest_labeling)` padded with -1; `log_prob` is
        `(samples, top_paths)` with TensorFlow's scores (greedy: minus the sum
        of the best frame scores; beam search: the labeling's log-probability
        minus that sum).

    Raises:
        ValueError: `beam_width` or `top_paths` not positive, or `top_paths`
            larger than `beam_width`.
    """
    if greedy:
        top_paths = 1
    else:
        if int(beam_width) < 1 or int(top_paths) < 1 or int(top_paths) > int(beam_width):
            raise ValueError('ctc_decode: need 1 <= top_paths <= beam_width, got top_paths=%r, beam_width=%r'
                             % (top_paths, beam_width))
    outputs = ctc_ops.CTCDecode(greedy=bool(greedy), beam_width=int(beam_width), top_paths=int(top_paths))(
        _frame_scores(y_pred), _tensor(input_length))
    return list(outputs[:-1]), outputs[-1]


def ctc_label_dense_to_sparse(labels, label_lengths):
    """The sparse form of padded label rows.

    minikeras has no sparse tensor type: the result is a `SparseLabels`
    namedtuple of three ordinary tensors, the fields of a `tf.SparseTensor`.

    Args:
        labels: `(samples, width)` labels.
        label_lengths: `(samples,)` number of labels used in each row.

    Returns:
        `SparseLabels(indices, values, dense_shape)`: `indices` int64 `(n, 2)`
        (row, position) of the kept entries in row-major order, `values` `(n,)`
        those labels, `dense_shape` int64 `(2,)` the shape of `labels`.
    """
    return SparseLabels(*ctc_ops.CTCDenseToSparse()(_tensor(labels), _tensor(label_lengths)))
