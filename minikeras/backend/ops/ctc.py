"""Connectionist Temporal Classification (Graves et al. 2006): loss, decoders, sparse labels.

Conventions are TensorFlow's, which Keras 2.2.4's `K.ctc_*` functions expose:
the blank is the last class (`num_classes - 1`), repeated labels separated by
nothing are merged, and the loss takes unnormalised scores ("logits") over the
classes, normalised here with a log-softmax per time step.

* `CTCLoss`: `-log p(label | x)` per sample by the forward-backward recursion in
  log space, with the gradient w.r.t. the logits (softmax minus the posterior
  occupancy of each class) computed in the same pass as a second output, which
  the gradient rule reads.
* `CTCDecode`: greedy (best path) or prefix beam search decoding, to dense
  int64 label matrices padded with -1.
* `CTCDenseToSparse`: the COO triple (indices, values, dense_shape) of padded
  label rows.

All three work one sample at a time over `(time, states)` arrays: the
recursions are sequential in time, and the sizes (label and input lengths)
differ between samples.
"""

from ..graph.op import Op
from ..graph.tensor import shape_str
from ..kernels import xp

NEG_INF = -xp.inf


def _log_softmax(logits):
    shifted = logits - xp.max(logits, axis=-1, keepdims=True)
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=-1, keepdims=True))


def _lengths(values, what, limit, limit_name):
    """Integer lengths (batch,) from (batch,) or (batch, 1) values, each in [0, limit]."""
    values = xp.asarray(values)
    lengths = values.reshape(values.shape[0], -1)[:, 0] if values.ndim > 1 else values.reshape(-1)
    as_int = lengths.astype(xp.int64)
    if xp.any(as_int != lengths) or xp.any(as_int < 0) or xp.any(as_int > limit):
        raise ValueError('%s must be integers between 0 and %s (%d); got %s'
                         % (what, limit_name, limit, lengths.tolist()))
    return as_int


def _check_labels(labels, label_length, num_classes):
    """Integer label matrix; every label before its row's length must be a class other than the blank."""
    as_int = xp.asarray(labels).astype(xp.int64)
    for b, n in enumerate(label_length):
        row = as_int[b, :n]
        if xp.any(row != xp.asarray(labels)[b, :n]) or xp.any(row < 0) or xp.any(row >= num_classes - 1):
            raise ValueError('ctc: the labels of sample %d are %s; they must be integers in [0, %d] '
                             '(%d classes, the last one, %d, is the blank)'
                             % (b, xp.asarray(labels)[b, :n].tolist(), num_classes - 2, num_classes,
                                num_classes - 1))
    return as_int


def _extended(label, blank):
    """The label with blanks around and between its symbols, and where a step may skip a blank."""
    ext = xp.full(2 * len(label) + 1, blank, dtype=xp.int64)
    ext[1::2] = label
    skip = xp.zeros(len(ext), dtype=bool)
    skip[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
    return ext, skip


def ctc_sample(logp, label, blank):
    """Loss and occupancy of one sample.

    Args:
        logp: (time, classes) normalised log-probabilities of the frames used.
        label: (length,) integer labels.
        blank: the blank class.

    Returns:
        (-log p(label | logp), posterior (time, classes): the probability that
        frame t emits class k, summed over the alignments of the label); the
        loss is inf and the posterior zero when no alignment fits in the frames.
    """
    steps = logp.shape[0]
    ext, skip = _extended(label, blank)
    size = len(ext)
    emit = logp[:, ext]                                   # (time, states)
    alpha = xp.full((steps, size), NEG_INF)
    beta = xp.full((steps, size), NEG_INF)
    alpha[0, :min(2, size)] = emit[0, :min(2, size)]
    for t in range(1, steps):
        prev = alpha[t - 1]
        a = prev.copy()
        a[1:] = xp.logaddexp(a[1:], prev[:-1])
        a[2:] = xp.where(skip[2:], xp.logaddexp(a[2:], prev[:-2]), a[2:])
        alpha[t] = a + emit[t]
    beta[-1, max(0, size - 2):] = emit[-1, max(0, size - 2):]
    for t in range(steps - 2, -1, -1):
        nxt = beta[t + 1]
        b = nxt.copy()
        b[:-1] = xp.logaddexp(b[:-1], nxt[1:])
        b[:-2] = xp.where(skip[2:], xp.logaddexp(b[:-2], nxt[2:]), b[:-2])
        beta[t] = b + emit[t]
    log_total = xp.logaddexp.reduce(alpha[-1, max(0, size - 2):])
    posterior = xp.zeros(logp.shape)
    if not xp.isfinite(log_total):
        return xp.inf, posterior
    with xp.errstate(invalid='ignore'):
        occupancy = xp.exp(alpha + beta - emit - log_total)   # (time, states)
    occupancy[~xp.isfinite(occupancy)] = 0.
    xp.add.at(posterior.T, ext, occupancy.T)
    return -log_total, posterior


class CTCLoss(Op):
    """(logits (batch, time, classes), labels (batch, max_label), input_length (batch,),
    label_length (batch,)) -> (loss (batch,), d loss / d logits (batch, time, classes)).

    Frames at or after a sample's `input_length` and labels at or after its
    `label_length` are ignored. The second output is the gradient the rule
    below reads; differentiating through it (second-order gradients of CTC)
    is not supported.
    """
    n_outputs = 2
    fresh_output = True

    def infer(self, logits, labels, input_length, label_length):
        if len(logits.shape) != 3 or len(labels.shape) != 2:
            raise ValueError('CTCLoss: expected predictions (batch, time, classes) and labels (batch, '
                             'max_label_length), got shapes %s and %s'
                             % (shape_str(logits.shape), shape_str(labels.shape)))
        for name, lengths in (('input_length', input_length), ('label_length', label_length)):
            if len(lengths.shape) not in (1, 2) or (len(lengths.shape) == 2 and lengths.shape[1] not in (1, None)):
                raise ValueError('CTCLoss: %s must have shape (batch,) or (batch, 1), got %s'
                                 % (name, shape_str(lengths.shape)))
        return [((logits.shape[0],), logits.dtype), (logits.shape, logits.dtype)]

    def forward(self, logits, labels, input_length, label_length):
        batch, steps, classes = logits.shape
        if labels.shape[0] != batch or xp.shape(input_length)[0] != batch or xp.shape(label_length)[0] != batch:
            raise ValueError('ctc_batch_cost: batch sizes differ: predictions %d, labels %d, input_length %d, '
                             'label_length %d' % (batch, labels.shape[0], xp.shape(input_length)[0],
                                                  xp.shape(label_length)[0]))
        input_length = _lengths(input_length, 'ctc_batch_cost: input_length', steps, 'the number of time steps')
        label_length = _lengths(label_length, 'ctc_batch_cost: label_length', labels.shape[1],
                                'the width of the labels')
        labels = _check_labels(labels, label_length, classes)
        logp = _log_softmax(logits.astype(xp.float64))
        loss = xp.zeros(batch)
        grad = xp.zeros(logits.shape)
        for b in range(batch):
            n = input_length[b]
            if n == 0:
                loss[b] = 0. if label_length[b] == 0 else xp.inf
                continue
            loss[b], posterior = ctc_sample(logp[b, :n], labels[b, :label_length[b]], classes - 1)
            if xp.isfinite(loss[b]):
                grad[b, :n] = xp.exp(logp[b, :n]) - posterior
        return loss.astype(logits.dtype), grad.astype(logits.dtype)

    def grad(self, inputs, outputs, output_grads):
        from . import shape as shape_ops
        g_loss, g_cache = output_grads
        if g_cache is not None:
            raise NotImplementedError('CTCLoss: second-order gradients of the CTC loss are not supported')
        scale = shape_ops.ExpandDims(axis=1)(shape_ops.ExpandDims(axis=1)(g_loss))
        return [scale * outputs[1], None, None, None]


def _greedy(logp, blank):
    """Best path: the most likely class per frame, repeats merged, blanks removed; and -sum of the maxima."""
    best = xp.argmax(logp, axis=1)
    keep = xp.ones(len(best), dtype=bool)
    keep[1:] = best[1:] != best[:-1]
    keep &= best != blank
    return best[keep], -xp.sum(xp.max(logp, axis=1))


def _beam_search(logp, blank, beam_width, top_paths):
    """Prefix beam search: the `top_paths` most probable labelings kept in a beam of `beam_width` prefixes.

    Each prefix carries the log-probability of its alignments ending in a blank
    and of those ending in its last symbol; its score is their sum. Per frame,
    every prefix stays (a blank, or its last symbol repeated and merged) or
    grows by one symbol (a repeated symbol only after a blank); a grown prefix
    already in the beam joins it. The work per frame is one (beam, classes)
    array computation.

    Args:
        logp: (time, classes) log-probabilities; `blank` is the last class.

    Returns:
        list of (labeling tuple, log-probability), best first.
    """
    symbols = xp.arange(logp.shape[1] - 1)   # every class but the blank (the last one)
    prefixes = [()]
    p_blank, p_symbol = xp.zeros(1), xp.full(1, NEG_INF)
    for frame in logp:
        total = xp.logaddexp(p_blank, p_symbol)
        last = xp.array([p[-1] if p else -1 for p in prefixes])
        stay_blank = total + frame[blank]
        stay_symbol = xp.where(last >= 0, p_symbol + frame[xp.maximum(last, 0)], NEG_INF)
        repeat = symbols[None, :] == last[:, None]
        grow = xp.where(repeat, p_blank[:, None], total[:, None]) + frame[symbols][None, :]
        index = {p: i for i, p in enumerate(prefixes)}
        for i, p in enumerate(prefixes):
            parent = index.get(p[:-1]) if p else None
            if parent is not None:
                stay_symbol[i] = xp.logaddexp(stay_symbol[i], grow[parent, p[-1]])
                grow[parent, p[-1]] = NEG_INF
        scores = xp.concatenate([xp.logaddexp(stay_blank, stay_symbol), grow.ravel()])
        order = xp.argsort(-scores, kind='stable')[:beam_width]
        order = order[xp.isfinite(scores[order])]
        n, width = grow.shape
        grown = [(prefixes[c], stay_blank[c], stay_symbol[c]) if c < n else
                 (prefixes[(c - n) // width] + (int(symbols[(c - n) % width]),), NEG_INF,
                  grow[(c - n) // width, (c - n) % width]) for c in order]
        prefixes = [g[0] for g in grown]
        p_blank = xp.array([g[1] for g in grown], dtype=xp.float64)
        p_symbol = xp.array([g[2] for g in grown], dtype=xp.float64)
    scores = xp.logaddexp(p_blank, p_symbol)
    return [(prefixes[i], scores[i]) for i in xp.argsort(-scores, kind='stable')[:top_paths]]


def _dense(rows, batch):
    """Rows of labels as an int64 (batch, longest) matrix padded with -1."""
    width = max([len(r) for r in rows] + [0])
    out = xp.full((batch, width), -1, dtype=xp.int64)
    for b, row in enumerate(rows):
        out[b, :len(row)] = row
    return out


class CTCDecode(Op):
    """(log_probs (batch, time, classes), input_length (batch,)) -> (decoded_1, ..., decoded_top_paths,
    log_prob): each `decoded_i` an int64 (batch, longest) matrix padded with -1, and `log_prob`
    (batch, 1) for greedy decoding or (batch, top_paths) for beam search.

    The scores follow TensorFlow's decoders (as Keras 2.2.4 returns them):
    greedy gives the negative sum over the frames of the best score; beam
    search gives the labeling's log-probability minus the sum over the frames
    of the best score (positive for a labeling more likely than the best
    single path). Frames from a sample's `input_length` on are ignored.

    Attrs:
        greedy: best-path decoding instead of beam search.
        beam_width: prefixes kept per frame (beam search).
        top_paths: number of labelings returned (1 for greedy).
    """
    differentiable = False

    def __init__(self, **attrs):
        Op.__init__(self, **attrs)
        self.n_outputs = self.top_paths + 1

    def infer(self, log_probs, input_length):
        if len(log_probs.shape) != 3:
            raise ValueError('ctc_decode: expected predictions (batch, time, classes), got shape %s'
                             % shape_str(log_probs.shape))
        batch = log_probs.shape[0]
        return [((batch, None), 'int64')] * self.top_paths + [((batch, self.top_paths), log_probs.dtype)]

    def forward(self, log_probs, input_length):
        batch, steps, classes = log_probs.shape
        if xp.shape(input_length)[0] != batch:
            raise ValueError('ctc_decode: %d predictions but %d input lengths' % (batch, xp.shape(input_length)[0]))
        input_length = _lengths(input_length, 'ctc_decode: input_length', steps, 'the number of time steps')
        paths = [[] for _ in range(self.top_paths)]
        scores = xp.zeros((batch, self.top_paths))
        for b in range(batch):
            logp = log_probs[b, :input_length[b]].astype(xp.float64)
            if self.greedy:
                found = [_greedy(logp, classes - 1)]
            else:
                offset = -xp.sum(xp.max(logp, axis=1))
                found = [(xp.array(p, dtype=xp.int64), s + offset)
                         for p, s in _beam_search(logp, classes - 1, self.beam_width, self.top_paths)]
            for i in range(self.top_paths):
                labeling, score = found[i] if i < len(found) else ((), NEG_INF)
                paths[i].append(labeling)
                scores[b, i] = score
        return tuple(_dense(rows, batch) for rows in paths) + (scores.astype(log_probs.dtype),)


class CTCDenseToSparse(Op):
    """(labels (batch, width), label_length (batch,)) -> (indices (n, 2) int64, values (n,),
    dense_shape (2,) int64): the entries `labels[b, j]` with `j < label_length[b]`, row by row."""
    n_outputs = 3
    differentiable = False

    def infer(self, labels, label_length):
        if len(labels.shape) != 2:
            raise ValueError('ctc_label_dense_to_sparse: labels must be (batch, width), got shape %s'
                             % shape_str(labels.shape))
        return [((None, 2), 'int64'), ((None,), labels.dtype), ((2,), 'int64')]

    def forward(self, labels, label_length):
        if xp.shape(label_length)[0] != labels.shape[0]:
            raise ValueError('ctc_label_dense_to_sparse: %d label rows but %d lengths'
                             % (labels.shape[0], xp.shape(label_length)[0]))
        lengths = _lengths(label_length, 'ctc_label_dense_to_sparse: label_length', labels.shape[1],
                           'the width of the labels')
        keep = xp.arange(labels.shape[1])[None, :] < lengths[:, None]
        indices = xp.argwhere(keep).astype(xp.int64)
        return indices, labels[keep], xp.array(labels.shape, dtype=xp.int64)
