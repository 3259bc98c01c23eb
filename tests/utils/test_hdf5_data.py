"""HDF5Matrix (fed to fit/predict/evaluate) and h5dict (on a file and on a dict)."""
import h5py
import numpy as np
import pytest

from minikeras.layers import Dense
from minikeras.models import Sequential
from minikeras.utils import HDF5Matrix, h5dict


@pytest.fixture
def h5_path(tmp_path):
    path = str(tmp_path / 'data.h5')
    rng = np.random.RandomState(0)
    with h5py.File(path, 'w') as f:
        f['x'] = rng.randn(40, 4).astype('float32')
        f['y'] = (rng.rand(40, 1) > 0.5).astype('int32')
    yield path
    for handle in HDF5Matrix.refs.values():
        handle.close()
    HDF5Matrix.refs.clear()


def test_hdf5_matrix_indexing(h5_path):
    with h5py.File(h5_path, 'r') as f:
        raw = f['x'][()]
    x = HDF5Matrix(h5_path, 'x', start=10, end=30)
    assert len(x) == 20 and x.shape == (20, 4) and x.ndim == 2 and x.size == 80 and x.dtype == np.float32
    np.testing.assert_array_equal(x[0], raw[10])
    np.testing.assert_array_equal(x[2:5], raw[12:15])
    np.testing.assert_array_equal(x[:], raw[10:30])
    np.testing.assert_array_equal(x[[0, 3]], raw[[10, 13]])
    np.testing.assert_array_equal(x[np.array([1, 2])], raw[[11, 12]])
    np.testing.assert_array_equal(np.asarray(x), raw[10:30])
    for bad in (20, slice(19, 21), [19, 20], np.array([25])):
        with pytest.raises(IndexError):
            x[bad]
    with pytest.raises(TypeError):
        x[None]


def test_hdf5_matrix_normalizer_and_errors(h5_path):
    x = HDF5Matrix(h5_path, 'x', normalizer=lambda rows: rows[:, ::2].astype(np.float64))
    assert x.shape == (40, 2) and x.dtype == np.float64
    with pytest.raises(KeyError, match="no dataset 'z'"):
        HDF5Matrix(h5_path, 'z')
    with pytest.raises(ValueError, match='end=50'):
        HDF5Matrix(h5_path, 'x', end=50)


def test_hdf5_matrix_trains_evaluates_and_predicts(h5_path):
    x_train, y_train = HDF5Matrix(h5_path, 'x', end=30), HDF5Matrix(h5_path, 'y', end=30)
    x_test, y_test = HDF5Matrix(h5_path, 'x', start=30), HDF5Matrix(h5_path, 'y', start=30)
    model = Sequential([Dense(8, input_shape=(4,), activation='relu'), Dense(1, activation='sigmoid')])
    model.compile('sgd', 'binary_crossentropy')
    model.fit(x_train, y_train, batch_size=8, epochs=2, shuffle='batch', verbose=0)
    assert model.predict(x_test, batch_size=4).shape == (10, 1)
    assert np.ndim(model.evaluate(x_test, y_test, verbose=0)) == 0


@pytest.mark.parametrize('backing', ['file', 'dict'])
def test_h5dict_round_trip(tmp_path, backing):
    target = str(tmp_path / 'd.h5') if backing == 'file' else {}
    array = np.random.rand(3, 4)
    d = h5dict(target, mode='w')
    d['text'] = 'abcd'
    d['names'] = [b'efg', b'hij']
    d['array'] = array
    d['group']['inner']['z'] = array
    d.close()
    d = h5dict(target, mode='r')
    assert d['text'] == 'abcd' and d['names'] == [b'efg', b'hij']
    np.testing.assert_allclose(d['array'], array)
    assert 'group' in d and 'inner' in d['group']
    np.testing.assert_allclose(d['group']['inner']['z'], array)
    assert set(d) >= {'text', 'names', 'array', 'group'} and d.get('missing', 1) == 1
    with pytest.raises(ValueError, match='read-only'):
        d['new'] = 1
    with pytest.raises(KeyError):
        d['missing']
    d.close()


def test_h5dict_rejects_other_targets():
    with pytest.raises(TypeError, match='expected a file path'):
        h5dict(42)
