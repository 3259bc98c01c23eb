"""Tests of minikeras.preprocessing.text (SEED-INVENTORY PRE-05)."""
import hashlib
import json

import numpy as np
import pytest

from minikeras.preprocessing.text import (Tokenizer, hashing_trick, one_hot, text_to_word_sequence,
                                          tokenizer_from_json)

SEED_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def test_text_to_word_sequence_default_filters_keep_the_apostrophe():
    assert text_to_word_sequence("Hello, World!\tIt's\n2 o'clock...") == ['hello', 'world', "it's", '2', "o'clock"]
    assert text_to_word_sequence('A-B  c', lower=False) == ['A', 'B', 'c']
    assert text_to_word_sequence('a;b;c d', filters='', split=';') == ['a', 'b', 'c d']
    with pytest.raises(TypeError, match='text'):
        text_to_word_sequence(['not', 'a', 'string'])


def test_hashing_trick_and_one_hot():
    words = ['the', 'cat', 'sat', 'the']
    expected = [int(hashlib.md5(w.encode('utf-8')).hexdigest(), 16) % 9 + 1 for w in words]
    assert hashing_trick('The cat, sat the', 10, hash_function='md5') == expected
    assert hashing_trick('a b', 5, hash_function=len) == [2, 2]
    codes = one_hot('The cat sat the', 7)
    assert len(codes) == 4 and all(1 <= c < 7 for c in codes) and codes[0] == codes[3]
    with pytest.raises(ValueError, match='`n`'):
        one_hot('a b', 1)
    with pytest.raises(ValueError, match='hash_function'):
        hashing_trick('a', 5, hash_function='sha1')


def test_tokenizer_seed_defaults_and_word_index_order():
    tok = Tokenizer()
    assert tok.filters == SEED_FILTERS
    assert (tok.num_words, tok.lower, tok.split, tok.char_level, tok.oov_token, tok.document_count) == \
        (None, True, ' ', False, None, 0)
    tok.fit_on_texts(['The cat sat on the mat.', 'The dog ate my homework!', "It's the cat's toy"])
    assert tok.document_count == 3
    assert tok.word_index == {'the': 1, 'cat': 2, 'sat': 3, 'on': 4, 'mat': 5, 'dog': 6, 'ate': 7, 'my': 8,
                              'homework': 9, "it's": 10, "cat's": 11, 'toy': 12}
    assert tok.index_word[1] == 'the' and tok.index_word[12] == 'toy'
    assert tok.word_counts['the'] == 4 and tok.word_docs['the'] == 3 and tok.index_docs[1] == 3
    assert tok.texts_to_sequences(['the toy, the dog; the unicorn']) == [[1, 12, 1, 6, 1]]
    assert list(tok.texts_to_sequences_generator(['mat'])) == [[5]]


def test_tokenizer_num_words_and_oov_token():
    texts = ['a a b', 'b c']
    tok = Tokenizer(num_words=3)
    tok.fit_on_texts(texts)
    assert tok.word_index == {'a': 1, 'b': 2, 'c': 3}        # word_index keeps every word
    assert tok.texts_to_sequences(['a b c d']) == [[1, 2]]   # only num_words - 1 = 2 words are used
    tok = Tokenizer(num_words=3, oov_token='<unk>')
    tok.fit_on_texts(texts)
    assert tok.word_index == {'<unk>': 1, 'a': 2, 'b': 3, 'c': 4}
    assert tok.texts_to_sequences(['a b c d']) == [[2, 1, 1, 1]]
    assert tok.sequences_to_texts([[2, 3, 4, 9]]) == ['a <unk> <unk> <unk>']
    tok = Tokenizer(oov_token='<unk>')
    tok.fit_on_texts(texts)
    assert tok.sequences_to_texts([[2, 3, 4, 9]]) == ['a b c <unk>']


def test_tokenizer_char_level_and_token_lists():
    tok = Tokenizer(char_level=True)
    tok.fit_on_texts(['AbcA'])
    assert tok.word_index == {'a': 1, 'b': 2, 'c': 3}
    assert tok.texts_to_sequences(['cab!']) == [[3, 1, 2]]
    tok = Tokenizer()
    tok.fit_on_texts([['New York', 'is'], ['new york']])
    assert tok.word_index == {'new york': 1, 'is': 2}
    with pytest.raises(TypeError, match='list of strings'):
        tok.fit_on_texts('a single string')


def test_tokenizer_matrix_modes():
    tok = Tokenizer()
    tok.fit_on_texts(['a a b', 'b c'])
    texts = ['a a b', 'b c']
    np.testing.assert_array_equal(tok.texts_to_matrix(texts, 'binary'), [[0, 1, 1, 0], [0, 0, 1, 1]])
    np.testing.assert_array_equal(tok.texts_to_matrix(texts, 'count'), [[0, 2, 1, 0], [0, 0, 1, 1]])
    np.testing.assert_allclose(tok.texts_to_matrix(texts, 'freq'), [[0, 2 / 3., 1 / 3., 0], [0, 0, .5, .5]])
    ln = np.log
    np.testing.assert_allclose(tok.texts_to_matrix(texts, 'tfidf'),
                               [[0, (1 + ln(2)) * ln(2), ln(1 + 2 / 3.), 0],
                                [0, 0, ln(1 + 2 / 3.), ln(2)]])
    assert tok.texts_to_matrix(texts).dtype == np.float64
    tok3 = Tokenizer(num_words=3)
    np.testing.assert_array_equal(tok3.sequences_to_matrix([[1, 2, 5], []], mode='count'),
                                  [[0, 1, 1], [0, 0, 0]])
    with pytest.raises(ValueError, match='tfidf'):
        tok3.sequences_to_matrix([[1]], mode='tfidf')
    tok3.fit_on_sequences([[1, 1, 2], [2]])
    assert tok3.document_count == 2 and tok3.index_docs[2] == 2
    np.testing.assert_allclose(tok3.sequences_to_matrix([[1]], mode='tfidf'), [[0, ln(2), 0]])
    with pytest.raises(ValueError, match='Unknown vectorization mode'):
        tok.texts_to_matrix(texts, mode='onehot')
    with pytest.raises(ValueError, match='num_words'):
        Tokenizer().sequences_to_matrix([[1]])


def test_tokenizer_json_round_trip_and_arguments():
    tok = Tokenizer(num_words=10, oov_token='<unk>', lower=False)
    tok.fit_on_texts(['The cat', 'the Cat sat'])
    config = tok.get_config()
    assert json.loads(config['word_index']) == tok.word_index
    restored = tokenizer_from_json(tok.to_json())
    assert isinstance(restored, Tokenizer)
    assert restored.get_config() == config
    assert restored.index_word == tok.index_word and 1 in restored.index_word
    assert restored.texts_to_sequences(['the Cat dog']) == tok.texts_to_sequences(['the Cat dog'])
    np.testing.assert_array_equal(restored.texts_to_matrix(['sat'], 'tfidf'), tok.texts_to_matrix(['sat'], 'tfidf'))
    with pytest.warns(UserWarning, match='num_words'):
        assert Tokenizer(nb_words=5).num_words == 5
    with pytest.raises(TypeError, match='Unrecognized keyword'):
        Tokenizer(n_words=5)
    with pytest.raises(ValueError, match='num_words'):
        Tokenizer(num_words=0)
