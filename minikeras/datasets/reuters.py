"""Reuters newswire topics, read from the Keras 2 cache (`datasets/reuters.npz`).

11,228 newswires labelled with one of 46 topics, each a list of word indices
(see `word_sequences` for the encoding); `get_word_index()` gives the
word -> rank mapping (`datasets/reuters_word_index.json`).
"""
import numpy as np

from . import word_sequences as ws
from .files import fetch, load_npz

ORIGIN = 'https://s3.amazonaws.com/text-datasets/reuters.npz'
FILE_HASH = '87aedbeb0cb229e378797a632c1997b6'
WORD_INDEX_ORIGIN = 'https://s3.amazonaws.com/text-datasets/reuters_word_index.json'
WORD_INDEX_HASH = '4d44cc38712099c9e383dc6e5f11a921'


def load_data(path='reuters.npz', num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):
    """Loads the Reuters newswires as lists of word indices, shuffled and split.

    Args:
        path: file name under the cache's `datasets` folder (or an absolute path).
        num_words: keep the word indices below `num_words`; None keeps all.
        skip_top: indices below this become `oov_char`.
        maxlen: drop newswires of `maxlen` indices or more (counting `start_char`).
        test_split: fraction of the (filtered) newswires kept for testing, in [0, 1).
        seed: seed of the shuffle (the permutation Keras 2.2.4 draws after
            `np.random.seed(seed)`, from a private `RandomState`).
        start_char: index put at the start of every newswire (None: none).
        oov_char: index replacing the words cut by `num_words`/`skip_top`
            (None: those words are removed).
        index_from: offset added to every word rank.
        **kwargs: only the Keras 1 spelling `nb_words` of `num_words`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: 1-D object arrays of lists of
        ints and the topic arrays (int64 in the published file); the first `int(n * (1 - test_split))` train.

    Raises:
        ValueError: `test_split` outside [0, 1), `maxlen` keeps nothing, or a malformed file.
        TypeError: an unknown keyword argument.
        DownloadError: the file is not cached and cannot be downloaded.
    """
    num_words = ws.check_kwargs('reuters.load_data', kwargs) or num_words
    if not 0 <= test_split < 1:
        raise ValueError('reuters.load_data: test_split must be in [0, 1); received %r' % (test_split,))
    arrays = load_npz(fetch(path, ORIGIN, FILE_HASH), ['x', 'y'])
    xs, labels = ws.shuffled(np.random.RandomState(seed), arrays['x'], arrays['y'])
    xs, labels = ws.drop_long(ws.shift(xs, start_char, index_from), labels, maxlen)
    if not xs:
        raise ValueError('reuters.load_data: maxlen=%r keeps no newswire; increase maxlen.' % (maxlen,))
    xs = ws.limit_vocabulary(xs, num_words, skip_top, oov_char)
    split = int(len(xs) * (1 - test_split))
    return ws.as_arrays(xs[:split], labels[:split]), ws.as_arrays(xs[split:], labels[split:])


def get_word_index(path='reuters_word_index.json'):
    """The dict from each word to its frequency rank (1 = most frequent), before `index_from`."""
    return ws.load_word_index(path, WORD_INDEX_ORIGIN, WORD_INDEX_HASH)
