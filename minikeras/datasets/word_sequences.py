"""The word-index encoding shared by the `imdb` and `reuters` loaders.

The cached files hold each text as a list of word ranks (1 = the most
frequent word). The loaders shuffle, then re-encode every text the Keras 2
way: ranks shifted by `index_from`, an optional `start_char` in front, texts
of `maxlen` words or more dropped, and ranks outside `[skip_top, num_words)`
replaced by `oov_char` (or removed when `oov_char` is None).
"""
import json
import warnings

import numpy as np

from ..preprocessing.sequence import _remove_long_seq
from .files import fetch, object_array


def check_kwargs(loader, kwargs):
    """Maps the Keras 1 `nb_words` to `num_words` (with a warning); rejects other extras.

    Returns:
        The `nb_words` value, or None.

    Raises:
        TypeError: an unknown keyword argument.
    """
    num_words = None
    if 'nb_words' in kwargs:
        warnings.warn('%s: the `nb_words` argument is now called `num_words`.' % loader)
        num_words = kwargs.pop('nb_words')
    if kwargs:
        raise TypeError('%s got unexpected keyword arguments: %s' % (loader, sorted(kwargs)))
    return num_words


def shuffled(rng, *arrays):
    """The arrays reordered by one permutation drawn with `rng.shuffle` (as Keras 2.2.4 draws it)."""
    indices = np.arange(len(arrays[0]))
    rng.shuffle(indices)
    return [a[indices] for a in arrays]


def shift(texts, start_char, index_from):
    """Shifts every rank by `index_from` and puts `start_char` (when not None) in front."""
    head = [] if start_char is None else [start_char]
    return [head + [int(w) + index_from for w in text] for text in texts]


def drop_long(texts, labels, maxlen):
    """Keeps the texts shorter than `maxlen` (all of them when `maxlen` is falsy)."""
    if not maxlen:
        return list(texts), list(labels)
    return _remove_long_seq(maxlen, texts, labels)


def limit_vocabulary(texts, num_words, skip_top, oov_char):
    """Replaces (or, with `oov_char=None`, removes) the indices outside `[skip_top, num_words)`.

    `num_words=None` keeps every index up to the largest one present.
    """
    if not num_words:
        num_words = max([max(t) for t in texts if t] or [0]) + 1
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in t] for t in texts]
    return [[w for w in t if skip_top <= w < num_words] for t in texts]


def as_arrays(texts, labels):
    """`(object array of lists, label array)`, the Keras 2 return types."""
    return object_array(texts), np.asarray(labels)


def load_word_index(path, origin, file_hash):
    """The word -> rank dict of a JSON word-index file in the cache."""
    with open(fetch(path, origin, file_hash)) as f:
        return json.load(f)
