"""IMDB movie-review sentiment, read from the Keras 2 cache (`datasets/imdb.npz`).

25,000 training and 25,000 test reviews labelled 1 (positive) or 0
(negative), each a list of word indices (see `word_sequences` for the encoding).
`get_word_index()` gives the word -> rank mapping (`datasets/imdb_word_index.json`).
"""
import numpy as np

from . import word_sequences as ws
from .files import fetch, load_npz

ORIGIN = 'https://s3.amazonaws.com/text-datasets/imdb.npz'
FILE_HASH = '599dadb1135973df5b59232a0e9a887c'
WORD_INDEX_ORIGIN = 'https://s3.amazonaws.com/text-datasets/imdb_word_index.json'
WORD_INDEX_HASH = 'bfafd718b763782e994055a2d397834f'


def load_data(path='imdb.npz', num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):
    """Loads the IMDB reviews as lists of word indices.

    Training and test reviews are each shuffled (the permutations Keras 2.2.4
    draws after `np.random.seed(seed)`, from a private `RandomState`).

    Args:
        path: file name under the cache's `datasets` folder (or an absolute path).
        num_words: keep the word indices below `num_words` (the most frequent
            words); None keeps all.
        skip_top: indices below this (the most frequent words, and `start_char`)
            become `oov_char`.
        maxlen: drop reviews of `maxlen` indices or more (counting `start_char`).
        seed: seed of the shuffle.
        start_char: index put at the start of every review (None: none).
        oov_char: index replacing the words cut by `num_words`/`skip_top`
            (None: those words are removed).
        index_from: offset added to every word rank.
        **kwargs: only the Keras 1 spelling `nb_words` of `num_words`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: 1-D object arrays of lists of
        ints, and the label arrays (int64 in the published file).

    Raises:
        ValueError: `maxlen` drops every training or every test review, or the file is malformed.
        TypeError: an unknown keyword argument.
        DownloadError: the file is not cached and cannot be downloaded.

    Note:
        Keras 2.2.4 splits the filtered reviews at the *unfiltered* training
        count, which moves test reviews into the training set when `maxlen`
        drops any; here training and test reviews are filtered separately (as
        Keras 2.3 does), so `x_test` holds only test reviews.
    """
    num_words = ws.check_kwargs('imdb.load_data', kwargs) or num_words
    arrays = load_npz(fetch(path, ORIGIN, FILE_HASH), ['x_train', 'y_train', 'x_test', 'y_test'])
    rng = np.random.RandomState(seed)
    x_train, y_train = ws.shuffled(rng, arrays['x_train'], arrays['y_train'])
    x_test, y_test = ws.shuffled(rng, arrays['x_test'], arrays['y_test'])
    x_train, y_train = ws.drop_long(ws.shift(x_train, start_char, index_from), y_train, maxlen)
    x_test, y_test = ws.drop_long(ws.shift(x_test, start_char, index_from), y_test, maxlen)
    if maxlen and (not x_train or not x_test):
        raise ValueError('imdb.load_data: maxlen=%d keeps no %s review (reviews shorter than maxlen are kept); '
                         'increase maxlen.' % (maxlen, 'training' if not x_train else 'test'))
    texts = ws.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    split = len(x_train)
    return ws.as_arrays(texts[:split], y_train), ws.as_arrays(texts[split:], y_test)


def get_word_index(path='imdb_word_index.json'):
    """The dict from each word to its frequency rank (1 = most frequent), before `index_from`."""
    return ws.load_word_index(path, WORD_INDEX_ORIGIN, WORD_INDEX_HASH)
