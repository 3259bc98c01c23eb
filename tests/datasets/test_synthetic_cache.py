"""tests/compat/make_dataset_cache.py: every file it writes is read by the loaders (what the compat runs use)."""
import numpy as np
import pytest

from compat import make_dataset_cache
from minikeras.datasets import boston_housing, cifar10, cifar100, fashion_mnist, imdb, mnist, reuters


@pytest.mark.slow
def test_small_cache_is_complete_and_loads(tmp_path, monkeypatch):
    monkeypatch.setenv('KERAS_HOME', str(tmp_path))
    written = make_dataset_cache.make_cache(str(tmp_path), small=True)
    assert 'mnist.npz' in written and 'cifar-10-batches-py.tar.gz' in written
    assert make_dataset_cache.make_cache(str(tmp_path), small=True) == []  # existing files are kept
    (x, y), (xt, yt) = mnist.load_data()
    assert x.shape == (60000, 28, 28) and xt.shape == (10000, 28, 28)  # Keras' examples hard-code these
    assert fashion_mnist.load_data()[0][0].shape == (256, 28, 28)
    assert cifar10.load_data()[0][0].shape == (250, 32, 32, 3)
    assert cifar100.load_data('coarse')[1][1].max() < 20
    (x, y), _ = imdb.load_data(num_words=1000)
    assert len(x) == 200 and set(np.unique(y)) <= {0, 1}
    assert len(reuters.load_data()[0][0]) == 240
    assert boston_housing.load_data()[0][0].shape == (404, 13)
    assert imdb.get_word_index()['word1'] == 1 and reuters.get_word_index()['word1'] == 1
    assert (tmp_path / 'datasets' / 'nietzsche.txt').stat().st_size > 10000
