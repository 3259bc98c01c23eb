"""Tests of minikeras.preprocessing.sequence (SEED-INVENTORY PRE-01..PRE-03)."""
import numpy as np
import pytest

from minikeras.preprocessing import timeseries_dataset_from_array
from minikeras.preprocessing.sequence import (TimeseriesGenerator, make_sampling_table, pad_sequences,
                                              skipgrams)
from minikeras.utils import Sequence

SEQ = [[1], [2, 3], [4, 5, 6]]


# -- PRE-01 pad_sequences ---------------------------------------------------------

def test_pad_sequences_seed_examples():
    out = pad_sequences(SEQ)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [[0, 0, 1], [0, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(pad_sequences(SEQ, value=-1), [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(pad_sequences(SEQ, padding='post'), [[1, 0, 0], [2, 3, 0], [4, 5, 6]])
    np.testing.assert_array_equal(pad_sequences(SEQ, maxlen=2), [[0, 1], [2, 3], [5, 6]])
    np.testing.assert_array_equal(pad_sequences(SEQ, maxlen=2, truncating='post'), [[0, 1], [2, 3], [4, 5]])


def test_pad_sequences_truncation_alias_from_the_seed():
    np.testing.assert_array_equal(pad_sequences(SEQ, maxlen=2, truncation='post'), [[0, 1], [2, 3], [4, 5]])
    with pytest.raises(ValueError, match='alias'):
        pad_sequences(SEQ, maxlen=2, truncating='post', truncation='pre')
    with pytest.raises(TypeError, match='truncatin'):
        pad_sequences(SEQ, truncatin='post')


def test_pad_sequences_dtypes_shapes_and_empty_rows():
    out = pad_sequences([[0.5], [1.5, 2.5]], dtype='float32', padding='post', value=9.)
    np.testing.assert_array_equal(out, np.array([[0.5, 9.], [1.5, 2.5]], 'float32'))
    out = pad_sequences([['a'], ['b', 'c']], dtype=object, value='<pad>')
    assert out.tolist() == [['<pad>', 'a'], ['b', 'c']]
    out = pad_sequences([['a'], ['b', 'c']], dtype='<U5', value='_')
    assert out.tolist() == [['_', 'a'], ['b', 'c']]
    out = pad_sequences([[], [[1, 2]], [[3, 4], [5, 6]]])
    assert out.shape == (3, 2, 2)
    np.testing.assert_array_equal(out[0], 0)
    np.testing.assert_array_equal(out[1], [[0, 0], [1, 2]])
    assert pad_sequences(SEQ, maxlen=0).shape == (3, 0)
    assert pad_sequences([]).shape == (0, 0)


def test_pad_sequences_errors_name_the_argument():
    with pytest.raises(ValueError, match='padding'):
        pad_sequences(SEQ, padding='middle')
    with pytest.raises(ValueError, match='truncating'):
        pad_sequences(SEQ, truncating='both')
    with pytest.raises(ValueError, match='dtype'):
        pad_sequences([['a']], value='x')
    with pytest.raises(ValueError, match='iterable'):
        pad_sequences(5)
    with pytest.raises(ValueError, match='shape'):
        pad_sequences([[[1, 2]], [[1, 2, 3]]])


# -- PRE-02 TimeseriesGenerator ----------------------------------------------------

def test_timeseries_generator_seed_example():
    data = np.array([[i] for i in range(50)])
    targets = np.array([[i] for i in range(50)])
    data_gen = TimeseriesGenerator(data, targets, length=10, sampling_rate=2, batch_size=2)
    assert isinstance(data_gen, Sequence)
    assert len(data_gen) == 20
    x, y = data_gen[0]
    assert np.array_equal(x, np.array([[[0], [2], [4], [6], [8]], [[1], [3], [5], [7], [9]]]))
    assert np.array_equal(y, np.array([[10], [11]]))
    x, y = data_gen[19]
    np.testing.assert_array_equal(y, [[48], [49]])
    np.testing.assert_array_equal(x[1, :, 0], [39, 41, 43, 45, 47])


def test_timeseries_generator_stride_reverse_bounds_and_shuffle():
    data = np.arange(20)
    gen = TimeseriesGenerator(data, data * 10, length=3, stride=2, start_index=2, end_index=12,
                              batch_size=2, reverse=True)
    # window ends 5, 7, 9, 11 -> two batches
    assert len(gen) == 2
    x, y = gen[0]
    np.testing.assert_array_equal(x, [[4, 3, 2], [6, 5, 4]])
    np.testing.assert_array_equal(y, [50, 70])
    x, y = gen[1]
    np.testing.assert_array_equal(y, [90, 110])
    gen = TimeseriesGenerator(data, data, length=4, batch_size=3, shuffle=True)
    x, y = gen[0]
    assert x.shape == (3, 4)
    np.testing.assert_array_equal(x[:, -1] + 1, y)
    with pytest.raises(ValueError, match='same length'):
        TimeseriesGenerator(data, data[:5], length=3)
    with pytest.raises(ValueError, match='start_index'):
        TimeseriesGenerator(data, data, length=30)
    with pytest.raises(ValueError, match='length'):
        TimeseriesGenerator(data, data, length=0)


# -- PRE-03 timeseries_dataset_from_array --------------------------------------------

def test_timeseries_dataset_seed_example():
    ds = timeseries_dataset_from_array(np.arange(100), None, sequence_length=10, sampling_rate=2,
                                       sequence_stride=3, shuffle=False)
    windows = np.concatenate(list(ds))
    np.testing.assert_array_equal(windows[0], [0, 2, 4, 6, 8, 10, 12, 14, 16, 18])
    np.testing.assert_array_equal(windows[1], [3, 5, 7, 9, 11, 13, 15, 17, 19, 21])
    np.testing.assert_array_equal(windows[2], [6, 8, 10, 12, 14, 16, 18, 20, 22, 24])
    np.testing.assert_array_equal(windows[-1], [78, 80, 82, 84, 86, 88, 90, 92, 94, 96])
    assert not any(w[0] == 81 for w in windows)
    assert len(windows) == 27


def test_timeseries_dataset_targets_batches_and_shuffle():
    data = np.arange(30).reshape(15, 2)
    targets = np.arange(15) * 100
    ds = timeseries_dataset_from_array(data, targets, sequence_length=3, batch_size=4)
    assert len(ds) == 4   # 13 windows
    x, y = ds[0]
    assert x.shape == (4, 3, 2)
    np.testing.assert_array_equal(x[1], data[1:4])
    np.testing.assert_array_equal(y, [0, 100, 200, 300])
    assert ds[3][0].shape == (1, 3, 2)
    ds = timeseries_dataset_from_array(data, targets, sequence_length=3, start_index=2, end_index=10,
                                       batch_size=100)
    x, y = ds[0]
    np.testing.assert_array_equal(y, [200, 300, 400, 500, 600, 700])
    np.testing.assert_array_equal(x[-1], data[7:10])
    a = timeseries_dataset_from_array(data, targets, 3, batch_size=100, shuffle=True, seed=7)[0]
    b = timeseries_dataset_from_array(data, targets, 3, batch_size=100, shuffle=True, seed=7)[0]
    np.testing.assert_array_equal(a[1], b[1])
    assert sorted(a[1].tolist()) == list(range(0, 1300, 100))
    assert a[1].tolist() != sorted(a[1].tolist())
    np.testing.assert_array_equal(a[0][:, 0, 0] // 2 * 100, a[1])
    with pytest.raises(ValueError, match='sequence_stride'):
        timeseries_dataset_from_array(data, targets, 3, sequence_stride=0)
    with pytest.raises(ValueError, match='same length'):
        timeseries_dataset_from_array(data, targets[:3], 3)


# -- word2vec helpers ---------------------------------------------------------------

def test_make_sampling_table_and_skipgrams():
    table = make_sampling_table(5, sampling_factor=1e-1)
    rank = np.array([1., 1, 2, 3, 4])
    f = 1e-1 * (rank * (np.log(rank) + 0.577) + 0.5 - 1. / (12 * rank))
    np.testing.assert_allclose(table, np.minimum(1., np.sqrt(f)))
    couples, labels = skipgrams([1, 2, 0, 3], vocabulary_size=4, window_size=1, negative_samples=0.,
                                shuffle=False)
    assert couples == [[1, 2], [2, 1]] and labels == [1, 1]
    couples, labels = skipgrams([1, 2, 3], vocabulary_size=5, window_size=2, negative_samples=1.,
                                categorical=True, seed=3)
    assert len(couples) == 12 and labels.count([0, 1]) == 6 and labels.count([1, 0]) == 6
    for (w, c), lab in zip(couples, labels):
        assert 1 <= c < 5
        if lab == [0, 1]:
            assert w != c
    again = skipgrams([1, 2, 3], vocabulary_size=5, window_size=2, categorical=True, seed=3)
    assert again == (couples, labels)
    couples, _ = skipgrams([1, 2, 3], 4, sampling_table=np.zeros(4), negative_samples=0)
    assert couples == []
