"""CTC in the backend: K.ctc_batch_cost (value and gradient), K.ctc_decode (greedy and beam search) and
K.ctc_label_dense_to_sparse, against a brute-force reference that enumerates every alignment, and against
the values Keras 2.2.4's TensorFlow backend gives."""
import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose
from op_check import check_op

from minikeras import backend as K
from minikeras.layers import Dense, Input, Lambda, TimeDistributed
from minikeras.models import Model
from minikeras.optimizers import Adam

EPS = 1e-7


def _collapse(path, blank):
    """The labeling an alignment stands for: repeats merged, then blanks removed."""
    out, previous = [], None
    for k in path:
        if k != previous and k != blank:
            out.append(int(k))
        previous = k
    return tuple(out)


def _frame_probs(y_pred):
    """What the CTC functions see: softmax(log(y_pred + eps)) per frame."""
    p = y_pred.astype(np.float64) + EPS
    return p / p.sum(-1, keepdims=True)


def labeling_distribution(y_pred, length):
    """{labeling: probability} by summing the probability of every alignment of `length` frames."""
    p = _frame_probs(y_pred)[:length]
    classes = p.shape[1]
    dist = {}
    for path in itertools.product(range(classes), repeat=length):
        prob = np.prod(p[np.arange(length), list(path)])
        key = _collapse(path, classes - 1)
        dist[key] = dist.get(key, 0.) + prob
    return dist


def brute_force_cost(labels, y_pred, input_length, label_length):
    out = []
    for b in range(len(labels)):
        dist = labeling_distribution(y_pred[b], int(input_length[b, 0]))
        prob = dist.get(tuple(int(v) for v in labels[b, :int(label_length[b, 0])]), 0.)
        out.append([-np.log(prob) if prob > 0 else np.inf])
    return np.array(out)


def _softmax_frames(rng, batch, steps, classes):
    z = rng.normal(size=(batch, steps, classes)) * 2.
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# (labels, label_length, input_length) cases on 4 frames of 3 classes + blank: repeats (which need a blank
# between them), an empty labeling, fewer frames than the predictions have, a labeling that just fits.
CASES = [
    ([[0, 1, 0]], [3], [4]),
    ([[1, 1, 9]], [2], [4]),
    ([[2, 0, 0]], [0], [4]),
    ([[0, 2, 2]], [1], [2]),
    ([[1, 1, 1]], [2], [3]),
]


@pytest.mark.parametrize('labels,label_length,input_length', CASES)
def test_ctc_batch_cost_matches_brute_force_with_gradient(labels, label_length, input_length):
    rng = np.random.RandomState(sum(label_length) + input_length[0])
    y_pred = _softmax_frames(rng, 1, 4, 4)
    labels = np.array(labels, 'int32')
    input_length = np.array([input_length], 'int32').T
    label_length = np.array([label_length], 'int32').T
    check_op(lambda y, lab, il, ll: K.ctc_batch_cost(lab, y, il, ll), [y_pred, labels, input_length, label_length],
             reference=lambda y, lab, il, ll: brute_force_cost(lab, y, il, ll), rtol=1e-7)


def test_ctc_batch_cost_batch_and_gradient_wrt_logits():
    """Several samples of different lengths at once; the gradient through a softmax (as in a model)."""
    rng = np.random.RandomState(0)
    z = rng.normal(size=(3, 4, 3))
    labels = np.array([[0, 1], [1, 1], [0, 0]], 'int32')
    label_length = np.array([[2], [2], [1]], 'int32')
    input_length = np.array([[4], [3], [2]], 'int32')

    def reference(z, *rest):
        e = np.exp(z - z.max(-1, keepdims=True))
        return brute_force_cost(rest[0], e / e.sum(-1, keepdims=True), rest[1], rest[2])

    check_op(lambda z, lab, il, ll: K.ctc_batch_cost(lab, K.softmax(z), il, ll),
             [z, labels, input_length, label_length], reference=reference, rtol=1e-6)


def test_ctc_batch_cost_of_an_impossible_labeling_is_inf_with_zero_gradient():
    y = K.variable(_softmax_frames(np.random.RandomState(1), 1, 4, 3))
    cost = K.ctc_batch_cost(K.constant([[0, 0, 0]], dtype='int32'), y, K.constant([[4]], dtype='int32'),
                            K.constant([[3]], dtype='int32'))  # 0 _ 0 _ 0 needs 5 frames
    assert np.isinf(K.eval(cost)[0, 0])
    assert not K.eval(K.gradients(K.sum(cost), [y])[0]).any()


def test_ctc_batch_cost_keras_224_values():
    """TensorFlow's numbers from Keras 2.2.4's backend test."""
    labels = np.asarray([[0, 1, 2, 1, 0], [0, 1, 1, 0, -1]])
    inputs = np.asarray(
        [[[0.633766, 0.221185, 0.0917319, 0.0129757, 0.0142857, 0.0260553],
          [0.111121, 0.588392, 0.278779, 0.0055756, 0.00569609, 0.010436],
          [0.0357786, 0.633813, 0.321418, 0.00249248, 0.00272882, 0.0037688],
          [0.0663296, 0.643849, 0.280111, 0.00283995, 0.0035545, 0.00331533],
          [0.458235, 0.396634, 0.123377, 0.00648837, 0.00903441, 0.00623107]],
         [[0.30176, 0.28562, 0.0831517, 0.0862751, 0.0816851, 0.161508],
          [0.24082, 0.397533, 0.0557226, 0.0546814, 0.0557528, 0.19549],
          [0.230246, 0.450868, 0.0389607, 0.038309, 0.0391602, 0.202456],
          [0.280884, 0.429522, 0.0326593, 0.0339046, 0.0326856, 0.190345],
          [0.423286, 0.315517, 0.0338439, 0.0393744, 0.0339315, 0.154046]]], dtype=np.float32)
    res = K.eval(K.ctc_batch_cost(K.variable(labels, dtype='int32'), K.variable(inputs),
                                  K.variable([[5], [5]], dtype='int32'), K.variable([[5], [4]], dtype='int32')))
    assert res.shape == (2, 1)
    assert_allclose(res[:, 0], [3.34211, 5.42262], atol=1e-5)


def test_ctc_batch_cost_rejects_bad_labels_and_lengths():
    y = K.variable(_softmax_frames(np.random.RandomState(2), 1, 4, 3))

    def cost(labels, input_length, label_length):
        return K.eval(K.ctc_batch_cost(K.constant(labels, dtype='int32'), y, K.constant(input_length, dtype='int32'),
                                       K.constant(label_length, dtype='int32')))

    with pytest.raises(Exception, match=r'must be integers in \[0, 1\].*the blank'):
        cost([[0, 2]], [[4]], [[2]])
    with pytest.raises(Exception, match='input_length must be integers between 0 and the number of time steps'):
        cost([[0, 1]], [[5]], [[2]])
    with pytest.raises(Exception, match='label_length'):
        cost([[0, 1]], [[4]], [[3]])
    assert np.isfinite(cost([[0, 7]], [[4]], [[1]])).all()  # padding past the label length is ignored


# Decoding ------------------------------------------------------------------------------------------------------
def test_ctc_decode_greedy_matches_best_path_and_keras_224():
    p0 = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.4, 0.6], [0.0, 0.0, 0.4, 0.6], [0.0, 0.9, 0.1, 0.0],
                   [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]], np.float32)
    p1 = np.array([[0.1, 0.9, 0.0, 0.0], [0.0, 0.9, 0.1, 0.0], [0.0, 0.0, 0.1, 0.9], [0.0, 0.9, 0.1, 0.1],
                   [0.9, 0.1, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]], np.float32)
    decoded, log_prob = K.ctc_decode(K.variable(np.stack([p0, p1])), K.variable(np.array([4, 5], 'int32')))
    assert len(decoded) == 1
    assert K.dtype(decoded[0]) == 'int64'
    assert (K.eval(decoded[0]) == [[0, 1, -1], [1, 1, 0]]).all()
    assert_allclose(K.eval(log_prob), [[np.sum(-np.log([1.0, 0.6, 0.6, 0.9]))], [np.sum(-np.log([0.9] * 5))]],
                    rtol=1e-5)


def test_ctc_decode_beam_search_keras_224():
    m = np.array([[0.30999, 0.309938, 0.0679938, 0.0673362, 0.0708352, 0.173908],
                  [0.215136, 0.439699, 0.0370931, 0.0393967, 0.0381581, 0.230517],
                  [0.199959, 0.489485, 0.0233221, 0.0251417, 0.0233289, 0.238763],
                  [0.279611, 0.452966, 0.0204795, 0.0209126, 0.0194803, 0.20655],
                  [0.51286, 0.288951, 0.0243026, 0.0220788, 0.0219297, 0.129878]], np.float32)
    inputs = np.concatenate([m, np.zeros((2, 6), np.float32)])[None]
    decoded, log_prob = K.ctc_decode(K.variable(inputs), K.variable(np.array([5], 'int32')), greedy=False,
                                     beam_width=2, top_paths=2)
    assert [K.eval(d).tolist() for d in decoded] == [[[1, 0]], [[0, 1, 0]]]
    assert_allclose(K.eval(log_prob), [[0.584855, 0.389139]], rtol=1e-5)


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_ctc_decode_beam_search_is_exact_with_a_wide_beam(seed):
    """With a beam wider than the number of prefixes, beam search finds the most probable labelings and their
    total probability over all alignments (minus the best frame scores, TensorFlow's offset)."""
    rng = np.random.RandomState(seed)
    y = _softmax_frames(rng, 2, 5, 3)
    lengths = np.array([5, 4], 'int32')
    decoded, log_prob = K.ctc_decode(K.variable(y), K.variable(lengths), greedy=False, beam_width=64, top_paths=3)
    decoded, log_prob = [K.eval(d) for d in decoded], K.eval(log_prob)
    for b in range(2):
        dist = labeling_distribution(y[b], lengths[b])
        best = sorted(dist.items(), key=lambda item: -item[1])[:3]
        offset = np.sum(np.log(_frame_probs(y[b])[:lengths[b]].max(-1)))
        for i, (labeling, prob) in enumerate(best):
            row = decoded[i][b]
            assert tuple(row[row >= 0]) == labeling
            # atol: the best labeling's score is ~0, where the float64 reference carries rounding noise.
            assert_allclose(log_prob[b, i], np.log(prob) - offset, rtol=1e-5, atol=1e-6)


def test_ctc_decode_greedy_equals_collapsed_argmax_path():
    y = _softmax_frames(np.random.RandomState(3), 4, 7, 5)
    decoded, _ = K.ctc_decode(K.constant(y), K.constant(np.array([7, 7, 3, 0])))
    rows = K.eval(decoded[0])
    for b, n in enumerate([7, 7, 3, 0]):
        expected = _collapse(y[b, :n].argmax(-1), 4)
        assert tuple(rows[b][rows[b] >= 0]) == expected
        assert (rows[b][len(expected):] == -1).all()


def test_ctc_decode_argument_errors():
    y = K.constant(np.full((1, 2, 3), 1. / 3))
    with pytest.raises(ValueError, match='top_paths <= beam_width'):
        K.ctc_decode(y, K.constant(np.array([2])), greedy=False, beam_width=2, top_paths=3)


# Sparse labels ------------------------------------------------------------------------------------------------
def test_ctc_label_dense_to_sparse():
    labels = np.array([[0, 1, 2, 1, 0], [3, 1, 1, 0, -1], [4, 4, 4, 4, 4]], 'int32')
    lengths = K.constant(np.array([5, 4, 0]), dtype='int32')
    sparse = K.ctc_label_dense_to_sparse(K.constant(labels, dtype='int32'), lengths)
    indices, values, dense_shape = (K.eval(t) for t in sparse)
    assert sparse.indices is sparse[0]
    assert indices.tolist() == [[0, j] for j in range(5)] + [[1, j] for j in range(4)]
    assert values.tolist() == [0, 1, 2, 1, 0, 3, 1, 1, 0]
    assert dense_shape.tolist() == [3, 5]
    dense = np.full(labels.shape, -1)
    dense[tuple(indices.T)] = values
    assert (dense[:2, :4] == labels[:2, :4]).all()


# In a model, as Keras' image_ocr example uses it ---------------------------------------------------------------
def test_ctc_loss_trains_a_model():
    steps, classes, max_label = 6, 4, 2
    frames = Input((steps, 3))
    y_pred = TimeDistributed(Dense(classes, activation='softmax'))(frames)
    labels = Input((max_label,))
    input_length = Input((1,), dtype='int64')
    label_length = Input((1,), dtype='int64')
    loss = Lambda(lambda args: K.ctc_batch_cost(*args), output_shape=(1,), name='ctc')(
        [labels, y_pred, input_length, label_length])
    model = Model([frames, labels, input_length, label_length], loss)
    model.compile(Adam(lr=0.05), loss={'ctc': lambda y_true, y_pred: y_pred})

    rng = np.random.RandomState(0)
    n = 16
    targets = rng.randint(0, classes - 1, size=(n, max_label))
    targets[:, 1] = (targets[:, 0] + rng.randint(1, 3, size=n)) % 3  # no repeats: no frame to put a blank in
    # the first label shows (one-hot) in the first half of the frames, the second in the other half
    x = 0.1 * rng.rand(n, steps, 3).astype('float32')
    x[:, :3] += np.eye(3)[targets[:, :1]]
    x[:, 3:] += np.eye(3)[targets[:, 1:]]
    inputs = [x, targets.astype('float32'), np.full((n, 1), steps), np.full((n, 1), max_label)]
    first = model.evaluate(inputs, np.zeros(n), verbose=0)
    model.fit(inputs, np.zeros(n), epochs=40, batch_size=8, verbose=0)
    assert model.evaluate(inputs, np.zeros(n), verbose=0) < 0.3 * first
    decoded, _ = K.ctc_decode(K.constant(Model(frames, y_pred).predict(x)), K.constant(np.full(n, steps)))
    assert (K.eval(decoded[0]) == targets).all()
