"""The Keras 2 dataset loaders, on synthetic files in Keras' formats in a temporary KERAS_HOME.

The files come from tests/compat/make_dataset_cache.py (the writer the compat runs use), plus a
few hand-made files whose expected encodings are worked out by hand below.
"""
import os
import pathlib
import pickle
import warnings

import numpy as np
import pytest

from compat import make_dataset_cache as cache_files
from minikeras import backend as K
from minikeras.datasets import boston_housing, cifar, cifar10, cifar100, fashion_mnist, files, imdb, mnist, reuters
from minikeras.utils.downloads import DownloadError, _hash_file


@pytest.fixture
def datasets_dir(tmp_path, monkeypatch):
    monkeypatch.setenv('KERAS_HOME', str(tmp_path))
    path = tmp_path / 'datasets'
    path.mkdir()
    return str(path)


@pytest.fixture
def channels_first():
    K.set_image_data_format('channels_first')
    yield
    K.set_image_data_format('channels_last')


def _check(split, x_shape, x_dtype, y_shape, y_dtype):
    x, y = split
    assert x.shape == x_shape and x.dtype == x_dtype
    assert y.shape == y_shape and y.dtype == y_dtype


def test_mnist_shapes_dtypes_and_absolute_path(datasets_dir):
    cache_files.write_mnist(datasets_dir, 30, 10)
    train, test = mnist.load_data()
    _check(train, (30, 28, 28), np.uint8, (30,), np.uint8)
    _check(test, (10, 28, 28), np.uint8, (10,), np.uint8)
    again, _ = mnist.load_data(path=os.path.join(datasets_dir, 'mnist.npz'))
    np.testing.assert_array_equal(again[0], train[0])


def test_fashion_mnist_reads_the_idx_files(datasets_dir):
    cache_files.write_fashion_mnist(datasets_dir, 20, 7)
    train, test = fashion_mnist.load_data()
    _check(train, (20, 28, 28), np.uint8, (20,), np.uint8)
    _check(test, (7, 28, 28), np.uint8, (7,), np.uint8)


def test_fashion_mnist_rejects_a_non_idx_file(datasets_dir):
    cache_files.write_fashion_mnist(datasets_dir, 5, 5)
    import gzip
    with gzip.open(os.path.join(datasets_dir, 'fashion-mnist', 't10k-labels-idx1-ubyte.gz'), 'wb') as f:
        f.write(b'<html>not found</html>')
    with pytest.raises(ValueError, match='IDX'):
        fashion_mnist.load_data()


def test_cifar10_channels_last_and_label_dtypes(datasets_dir):
    cache_files.write_cifar10(datasets_dir, 25, 5)
    train, test = cifar10.load_data()
    _check(train, (25, 32, 32, 3), np.uint8, (25, 1), np.uint8)
    _check(test, (5, 32, 32, 3), np.uint8, (5, 1), np.int64)  # Keras 2.2.4's dtypes
    assert os.path.isdir(os.path.join(datasets_dir, 'cifar-10-batches-py'))  # extracted from the tarball


def test_cifar10_channels_first(datasets_dir, channels_first):
    cache_files.write_cifar10(datasets_dir, 10, 5)
    (x_train, _), (x_test, _) = cifar10.load_data()
    assert x_train.shape == (10, 3, 32, 32) and x_test.shape == (5, 3, 32, 32)


def test_cifar_batch_layout_is_channel_first_rows(datasets_dir):
    image = np.arange(32 * 32 * 3).reshape(32, 32, 3) % 251
    payload = {b'data': image.transpose(2, 0, 1).reshape(1, 3072).astype(np.uint8), b'labels': [7]}
    path = os.path.join(datasets_dir, 'one_batch')
    with open(path, 'wb') as f:
        pickle.dump(payload, f, protocol=2)
    data, labels = cifar.load_batch(path)
    assert labels == [7]
    np.testing.assert_array_equal(data[0].transpose(1, 2, 0), image)


@pytest.mark.parametrize('label_mode,top', [('fine', 100), ('coarse', 20)])
def test_cifar100_label_modes(datasets_dir, label_mode, top):
    cache_files.write_cifar100(datasets_dir, 40, 10)
    train, test = cifar100.load_data(label_mode)
    _check(train, (40, 32, 32, 3), np.uint8, (40, 1), np.int64)
    _check(test, (10, 32, 32, 3), np.uint8, (10, 1), np.int64)
    assert train[1].max() < top


def test_cifar100_rejects_an_unknown_label_mode(datasets_dir):
    with pytest.raises(ValueError, match="label_mode must be 'fine' or 'coarse'; received 'medium'"):
        cifar100.load_data('medium')


def test_an_extracted_cifar_folder_is_used_without_the_tarball(datasets_dir):
    cache_files.write_cifar10(datasets_dir, 10, 5)
    cifar10.load_data()
    os.remove(os.path.join(datasets_dir, 'cifar-10-batches-py.tar.gz'))
    (x_train, _), _ = cifar10.load_data()
    assert len(x_train) == 10


def test_boston_housing_split_matches_keras_seeded_shuffle(datasets_dir):
    cache_files.write_boston_housing(datasets_dir, 506)
    raw = np.load(os.path.join(datasets_dir, 'boston_housing.npz'))
    state = np.random.get_state()
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(test_split=0.25, seed=7)
    assert all(np.array_equal(a, b) for a, b in zip(state, np.random.get_state()))  # global state untouched
    np.random.seed(7)
    order = np.arange(506)
    np.random.shuffle(order)
    split = int(506 * 0.75)
    np.testing.assert_array_equal(x_train, raw['x'][order[:split]])
    np.testing.assert_array_equal(y_test, raw['y'][order[split:]])
    assert x_train.shape == (379, 13) and x_train.dtype == np.float64 and y_train.shape == (379,)
    assert x_test.shape == (127, 13)


@pytest.mark.parametrize('bad', [1.0, -0.1])
def test_boston_housing_rejects_a_bad_test_split(datasets_dir, bad):
    with pytest.raises(ValueError, match='test_split'):
        boston_housing.load_data(test_split=bad)


def _write_texts(path, **arrays):
    packed = {}
    for key, value in arrays.items():
        if key.startswith('x'):
            packed[key] = files.object_array(value)
        else:
            packed[key] = np.asarray(value, dtype=np.int64)
    np.savez(path, **packed)


@pytest.fixture
def tiny_imdb(datasets_dir):
    # Train texts (ranks) and labels; test likewise. Seed 0 shuffles 3 items as below.
    _write_texts(os.path.join(datasets_dir, 'imdb.npz'),
                 x_train=[[1, 2], [5, 1, 9], [3]], y_train=[0, 1, 1],
                 x_test=[[4, 4, 4, 4], [2]], y_test=[1, 0])
    return datasets_dir


def _keras_order(seed, n_train, n_test):
    np.random.seed(seed)
    a = np.arange(n_train)
    np.random.shuffle(a)
    b = np.arange(n_test)
    np.random.shuffle(b)
    return a, b


def test_imdb_default_encoding_and_shuffle(tiny_imdb):
    (x_train, y_train), (x_test, y_test) = imdb.load_data(seed=5)
    order_train, order_test = _keras_order(5, 3, 2)
    raw_train, raw_labels = [[1, 2], [5, 1, 9], [3]], [0, 1, 1]
    # start_char=1, index_from=3; num_words=None keeps every index.
    assert list(x_train) == [[1] + [w + 3 for w in raw_train[i]] for i in order_train]
    assert list(y_train) == [raw_labels[i] for i in order_train]
    assert list(x_test) == [[1] + [w + 3 for w in [[4, 4, 4, 4], [2]][i]] for i in order_test]
    assert x_train.dtype == object and x_train.shape == (3,) and y_train.dtype == np.int64
    assert len(y_test) == 2


def test_imdb_num_words_skip_top_and_oov(tiny_imdb):
    (x_train, _), _ = imdb.load_data(seed=0, num_words=7, skip_top=2, oov_char=0)
    order, _ = _keras_order(0, 3, 2)
    expected = {0: [1, 4, 5], 1: [1, 8, 4, 12], 2: [1, 6]}
    # indices outside [2, 7) become 0: start_char 1 -> 0, 8 and 12 -> 0
    mapped = {k: [w if 2 <= w < 7 else 0 for w in v] for k, v in expected.items()}
    assert list(x_train) == [mapped[i] for i in order]


def test_imdb_oov_none_drops_words_and_start_char_none_index_from(tiny_imdb):
    (x_train, _), (x_test, _) = imdb.load_data(seed=0, num_words=6, oov_char=None, start_char=None, index_from=1)
    order, order_test = _keras_order(0, 3, 2)
    raw = [[1, 2], [5, 1, 9], [3]]
    assert list(x_train) == [[w + 1 for w in raw[i] if w + 1 < 6] for i in order]
    assert list(x_test) == [[[5, 5, 5, 5], [3]][i] for i in order_test]
    (x_train, _), _ = imdb.load_data(seed=0, num_words=4, oov_char=None, start_char=None, index_from=1)
    assert list(x_train) == [[[2, 3], [2], []][i] for i in order]  # 6 and 10 removed, 4 too


def test_imdb_maxlen_filters_train_and_test_separately(tiny_imdb):
    (x_train, y_train), (x_test, y_test) = imdb.load_data(maxlen=3)
    # with start_char, lengths are train 3, 4, 2 and test 5, 2: "shorter than 3" keeps one of each
    assert list(x_train) == [[1, 6]] and list(y_train) == [1]
    assert list(x_test) == [[1, 5]] and list(y_test) == [0]
    with pytest.raises(ValueError, match='maxlen=2'):
        imdb.load_data(maxlen=2)


def test_imdb_keras1_nb_words_and_unknown_kwargs(tiny_imdb):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        (a, _), _ = imdb.load_data(nb_words=5, seed=1)
    (b, _), _ = imdb.load_data(num_words=5, seed=1)
    assert list(a) == list(b) and any('num_words' in str(w.message) for w in caught)
    with pytest.raises(TypeError, match='bogus'):
        imdb.load_data(bogus=1)


def test_imdb_and_reuters_word_index(datasets_dir):
    cache_files.write_imdb(datasets_dir, 5, 5, vocab=50)
    cache_files.write_reuters(datasets_dir, 10, vocab=40)
    assert imdb.get_word_index()['word1'] == 1 and len(imdb.get_word_index()) == 50
    assert reuters.get_word_index()['word40'] == 40


def test_imdb_synthetic_cache_file(datasets_dir):
    cache_files.write_imdb(datasets_dir, 40, 30, vocab=300)
    (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=100)
    assert len(x_train) == 40 and len(x_test) == 30
    assert max(max(t) for t in x_train) < 100
    assert set(np.unique(y_train)) <= {0, 1}


def test_reuters_split_and_arguments(datasets_dir):
    _write_texts(os.path.join(datasets_dir, 'reuters.npz'),
                 x=[[1], [2, 2], [3, 3, 3], [4, 4, 4, 4], [5]], y=[0, 1, 2, 3, 4])
    (x_train, y_train), (x_test, y_test) = reuters.load_data(test_split=0.4, seed=3)
    np.random.seed(3)
    order = np.arange(5)
    np.random.shuffle(order)
    raw = [[1], [2, 2], [3, 3, 3], [4, 4, 4, 4], [5]]
    assert list(y_train) == list(order[:3]) and list(y_test) == list(order[3:])
    assert list(x_train) == [[1] + [w + 3 for w in raw[i]] for i in order[:3]]
    (x_train, y_train), (x_test, _) = reuters.load_data(maxlen=3, test_split=0.5)
    assert sorted(y_train.tolist() + [int(y) for y in _]) == [0, 4]  # only the one-word texts are kept
    with pytest.raises(ValueError, match='test_split'):
        reuters.load_data(test_split=1.5)


def test_a_loader_without_a_cached_file_reports_where_to_place_it(datasets_dir, monkeypatch, tmp_path):
    origin = pathlib.Path(str(tmp_path / 'offline' / 'mnist.npz')).as_uri()
    monkeypatch.setattr(mnist, 'ORIGIN', origin)
    with pytest.raises(DownloadError) as info:
        mnist.load_data()
    assert origin in str(info.value) and os.path.join(datasets_dir, 'mnist.npz') in str(info.value)


def test_a_download_is_verified_against_the_published_hash(datasets_dir, monkeypatch, tmp_path):
    cache_files.write_boston_housing(str(tmp_path), 20)
    monkeypatch.setattr(boston_housing, 'ORIGIN', (tmp_path / 'boston_housing.npz').as_uri())
    with pytest.raises(DownloadError, match='does not match'):
        boston_housing.load_data()  # the synthetic file is not the published one
    monkeypatch.setattr(boston_housing, 'FILE_HASH', _hash_file(str(tmp_path / 'boston_housing.npz')))
    (x_train, _), _ = boston_housing.load_data()
    assert len(x_train) == 16


def test_a_malformed_npz_is_a_clear_error(datasets_dir):
    np.savez(os.path.join(datasets_dir, 'mnist.npz'), images=np.zeros(3))
    with pytest.raises(ValueError, match="no array 'x_train' .*images"):
        mnist.load_data()
    with open(os.path.join(datasets_dir, 'boston_housing.npz'), 'w') as f:
        f.write('<html>Access denied</html>')
    with pytest.raises(ValueError, match='not an .npz archive'):
        boston_housing.load_data()


class _RunsCode(object):
    def __reduce__(self):
        return (os.system, ('echo pwned',))


def test_object_arrays_that_name_other_globals_are_refused(datasets_dir):
    evil = np.empty(1, dtype=object)
    evil[0] = _RunsCode()
    np.savez(os.path.join(datasets_dir, 'reuters.npz'), x=evil, y=np.zeros(1, dtype=np.int64))
    with pytest.raises(pickle.UnpicklingError, match='system'):
        reuters.load_data()


def test_cifar_batches_that_name_other_globals_are_refused(datasets_dir):
    folder = os.path.join(datasets_dir, 'cifar-100-python')
    os.makedirs(folder)
    for name in ('train', 'test'):
        with open(os.path.join(folder, name), 'wb') as f:
            pickle.dump({b'data': _RunsCode()}, f, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match='only numpy arrays'):
        cifar100.load_data()
