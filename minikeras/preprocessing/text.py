"""Text preprocessing (`keras.preprocessing.text`).

Keras 2.2 (keras-preprocessing 1.0.x) semantics: `text_to_word_sequence`,
`one_hot`, `hashing_trick`, the `Tokenizer` class and `tokenizer_from_json`.
"""
import hashlib
import json
import warnings
from collections import OrderedDict, defaultdict

import numpy as np

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(text, filters=DEFAULT_FILTERS, lower=True, split=' '):
    """Splits a text into a list of words.

    Every character of `filters` is replaced by `split`, then the text is split
    on `split` and empty words are dropped.

    Args:
        text: the input string.
        filters: characters to remove (punctuation, tab and newline by
            default; the apostrophe is kept).
        lower: lower-case the text first.
        split: the word separator.

    Returns:
        A list of words.

    Example:
        >>> text_to_word_sequence("Hello, World! It's 2 o'clock.")
        ['hello', 'world', "it's", '2', "o'clock"]
    """
    if not isinstance(text, str):
        raise TypeError('`text` must be a string; received %r.' % (type(text).__name__,))
    if lower:
        text = text.lower()
    if filters:
        text = text.translate(str.maketrans({c: split for c in filters}))
    return [w for w in text.split(split) if w]


def _md5_hash(word):
    return int(hashlib.md5(word.encode('utf-8')).hexdigest(), 16)


def hashing_trick(text, n, hash_function=None, filters=DEFAULT_FILTERS, lower=True, split=' '):
    """Turns a text into a list of word indices in `[1, n)` by hashing.

    Index `hash_function(word) % (n - 1) + 1`; 0 is never produced (it is the
    padding index). Different words may collide.

    Args:
        text: the input string.
        n: the size of the hashing space (indices are `1 .. n - 1`).
        hash_function: `None` (Python's `hash`), `'md5'` (stable across runs),
            or a callable from a string to an int. Python's `hash` of strings
            is salted per process (`PYTHONHASHSEED`), so the default is not
            reproducible between processes: use `'md5'` to save or share the
            indices.
        filters, lower, split: as for `text_to_word_sequence`.

    Returns:
        A list of integer word indices.
    """
    if int(n) != n or n < 2:
        raise ValueError('`n` must be an integer >= 2 (indices are drawn from 1 to n - 1); received %r.'
                         % (n,))
    if hash_function is None:
        hash_function = hash
    elif hash_function == 'md5':
        hash_function = _md5_hash
    elif not callable(hash_function):
        raise ValueError("`hash_function` must be None, 'md5' or a callable; received %r." % (hash_function,))
    seq = text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    return [(hash_function(w) % (int(n) - 1) + 1) for w in seq]


def one_hot(text, n, filters=DEFAULT_FILTERS, lower=True, split=' '):
    """Encodes a text as a list of word indices in `[1, n)` (a hashing trick).

    Despite its name this is `hashing_trick(text, n, hash_function=hash)`: no
    vectors, and (Python's `hash` being salted) not reproducible across
    processes. See `hashing_trick`.
    """
    return hashing_trick(text, n, hash_function=hash, filters=filters, lower=lower, split=split)


class Tokenizer(object):
    """Vectorizes texts into integer sequences or matrices.

    Words are indexed from 1 by decreasing frequency (ties keep the order of
    first appearance); 0 is never a word index. With `oov_token`, that token
    gets index 1 and stands for unknown words.

    Args:
        num_words: if set, only the `num_words - 1` most frequent words are
            kept when converting (indices below `num_words`); `word_index`
            still holds every word.
        filters: characters removed from the texts (default: punctuation,
            tab and newline, not the apostrophe).
        lower: lower-case the texts.
        split: the word separator.
        char_level: every character is a token.
        oov_token: token for out-of-vocabulary words, or None to drop them.
        document_count: initial count of documents (used when restoring).

    Attributes:
        word_counts: `OrderedDict` word -> count over the fitted texts.
        word_docs: word -> number of documents containing it.
        word_index: word -> index; `index_word` is its inverse.
        index_docs: index -> number of documents containing it.
        document_count: number of documents fitted.

    Example:
        >>> tok = Tokenizer(num_words=10, oov_token='<unk>')
        >>> tok.fit_on_texts(['the cat sat', 'the dog sat down'])
        >>> tok.texts_to_sequences(['the bird sat'])
        [[2, 1, 3]]
    """

    def __init__(self, num_words=None, filters=DEFAULT_FILTERS, lower=True, split=' ', char_level=False,
                 oov_token=None, document_count=0, **kwargs):
        if 'nb_words' in kwargs:
            warnings.warn('The `nb_words` argument in `Tokenizer` has been renamed `num_words`.')
            num_words = kwargs.pop('nb_words')
        if kwargs:
            raise TypeError('Unrecognized keyword arguments: ' + str(kwargs))
        if num_words is not None and (int(num_words) != num_words or num_words < 1):
            raise ValueError('`num_words` must be None or a positive integer; received %r.' % (num_words,))
        self.word_counts = OrderedDict()
        self.word_docs = defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs = defaultdict(int)
        self.word_index = {}
        self.index_word = {}

    def _tokens(self, text):
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return text
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts):
        """Updates the vocabulary from a list of texts.

        Args:
            texts: a list of strings, or of lists of tokens (used as given,
                lower-cased when `lower`).
        """
        if isinstance(texts, str):
            raise TypeError('`texts` must be a list of strings, not a single string.')
        for text in texts:
            self.document_count += 1
            seq = self._tokens(text)
            for w in seq:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(seq):
                self.word_docs[w] += 1

        # A stable sort: equally frequent words keep their order of first appearance.
        wcounts = sorted(self.word_counts.items(), key=lambda kv: kv[1], reverse=True)
        vocab = [] if self.oov_token is None else [self.oov_token]
        vocab.extend(w for w, _ in wcounts if w != self.oov_token)
        self.word_index = dict(zip(vocab, range(1, len(vocab) + 1)))
        self.index_word = {i: w for w, i in self.word_index.items()}
        for w, c in self.word_docs.items():
            self.index_docs[self.word_index[w]] = c

    def fit_on_sequences(self, sequences):
        """Updates the document counts from integer sequences (needed for `tfidf`
        matrices when the tokenizer was not fitted on texts).

        Args:
            sequences: a list of sequences of word indices.
        """
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    def texts_to_sequences(self, texts):
        """Turns each text into a list of word indices.

        Words not in `word_index`, and with `num_words` words of index
        `>= num_words`, become the `oov_token` index or are dropped.

        Args:
            texts: a list of strings (or of token lists).

        Returns:
            A list of lists of ints.
        """
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        """Like `texts_to_sequences`, yielding one sequence per text."""
        if isinstance(texts, str):
            raise TypeError('`texts` must be a list of strings, not a single string.')
        num_words = self.num_words
        oov_index = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        for text in texts:
            vect = []
            for w in self._tokens(text):
                i = self.word_index.get(w)
                if i is not None and not (num_words and i >= num_words):
                    vect.append(i)
                elif oov_index is not None:
                    vect.append(oov_index)
            yield vect

    def sequences_to_texts(self, sequences):
        """Turns sequences of word indices back into space-joined texts.

        Args:
            sequences: a list of lists of ints.

        Returns:
            A list of strings.
        """
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        """Like `sequences_to_texts`, yielding one text per sequence."""
        num_words = self.num_words
        oov_index = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        for seq in sequences:
            vect = []
            for num in seq:
                word = self.index_word.get(num)
                if word is not None and not (num_words and num >= num_words):
                    vect.append(word)
                elif oov_index is not None:
                    vect.append(self.index_word[oov_index])
            yield ' '.join(vect)

    def texts_to_matrix(self, texts, mode='binary'):
        """Vectorizes a list of texts into a `(len(texts), num_words)` matrix.

        Args:
            texts: a list of strings.
            mode: `'binary'`, `'count'`, `'tfidf'` or `'freq'` (see
                `sequences_to_matrix`).

        Returns:
            A float64 numpy matrix.
        """
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode='binary'):
        """Vectorizes sequences of word indices into a matrix.

        Column `j` of row `i` is, for word index `j` in sequence `i`:
        `binary` 1; `count` its count `c`; `freq` `c / len(sequence)`;
        `tfidf` `(1 + log c) * log(1 + document_count / (1 + docs(j)))`.
        Indices `>= num_words` are ignored; column 0 stays 0.

        Args:
            sequences: a list of lists of ints.
            mode: `'binary'`, `'count'`, `'tfidf'` or `'freq'`.

        Returns:
            A float64 matrix of shape `(len(sequences), num_words)`, where
            `num_words` defaults to `len(word_index) + 1`.

        Raises:
            ValueError: for an unknown `mode`, with neither `num_words` nor a
                fitted vocabulary, or `tfidf` before any fitting.
        """
        if mode not in ('binary', 'count', 'tfidf', 'freq'):
            raise ValueError("Unknown vectorization mode %r: expected 'binary', 'count', 'tfidf' or 'freq'."
                             % (mode,))
        if not self.num_words:
            if self.word_index:
                num_words = len(self.word_index) + 1
            else:
                raise ValueError('Specify a dimension (`num_words` argument), or fit on some text data first.')
        else:
            num_words = self.num_words
        if mode == 'tfidf' and not self.document_count:
            raise ValueError('Fit the Tokenizer on some data before using tfidf mode.')

        x = np.zeros((len(sequences), num_words))
        for i, seq in enumerate(sequences):
            if not len(seq):
                continue
            counts = defaultdict(int)
            for j in seq:
                if j >= num_words:
                    continue
                counts[j] += 1
            for j, c in counts.items():
                if mode == 'count':
                    x[i, j] = c
                elif mode == 'freq':
                    x[i, j] = c / float(len(seq))
                elif mode == 'binary':
                    x[i, j] = 1
                else:
                    tf = 1 + np.log(c)
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
                    x[i, j] = tf * idf
        return x

    def get_config(self):
        """Returns the tokenizer's configuration (the dictionaries as JSON strings)."""
        return {
            'num_words': self.num_words,
            'filters': self.filters,
            'lower': self.lower,
            'split': self.split,
            'char_level': self.char_level,
            'oov_token': self.oov_token,
            'document_count': self.document_count,
            'word_counts': json.dumps(self.word_counts),
            'word_docs': json.dumps(self.word_docs),
            'index_docs': json.dumps(self.index_docs),
            'index_word': json.dumps(self.index_word),
            'word_index': json.dumps(self.word_index),
        }

    def to_json(self, **kwargs):
        """Returns a JSON string `{"class_name": "Tokenizer", "config": ...}`.

        Args:
            **kwargs: passed to `json.dumps`.
        """
        return json.dumps({'class_name': self.__class__.__name__, 'config': self.get_config()}, **kwargs)


def tokenizer_from_json(json_string):
    """Rebuilds a `Tokenizer` from the string written by `Tokenizer.to_json()`.

    Args:
        json_string: the JSON string.

    Returns:
        A `Tokenizer` with the same configuration and vocabulary.
    """
    tokenizer_config = json.loads(json_string)
    config = dict(tokenizer_config.get('config', {}))
    word_counts = json.loads(config.pop('word_counts'))
    word_docs = json.loads(config.pop('word_docs'))
    index_docs = {int(k): v for k, v in json.loads(config.pop('index_docs')).items()}
    index_word = {int(k): v for k, v in json.loads(config.pop('index_word')).items()}
    word_index = json.loads(config.pop('word_index'))

    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = OrderedDict(word_counts)
    tokenizer.word_docs = defaultdict(int, word_docs)
    tokenizer.index_docs = defaultdict(int, index_docs)
    tokenizer.word_index = word_index
    tokenizer.index_word = index_word
    return tokenizer
