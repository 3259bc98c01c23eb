"""The one data path: arrays, dicts, scipy.sparse, h5py datasets, generators and
`Sequence`s become the same batches, validated once with errors that name the
input or output and the shapes."""
import warnings

import h5py
import numpy as np
import pytest

from minikeras import backend as K
from minikeras.engine import training_utils
from minikeras.engine.data_adapter import ArrayData, Feed, GeneratorData, is_generator_like
from minikeras.layers import Dense, Input
from minikeras.models import Model, Sequential
from minikeras.utils import Sequence


def _two_input_model():
    a, b = Input(shape=(3,), name='input_a'), Input(shape=(3,), name='input_b')
    out_a, out_b = Dense(4, name='dense_a')(a), Dense(2, name='dense_b')(b)
    model = Model([a, b], [out_a, out_b])
    model.compile('sgd', 'mse')
    return model


def test_array_data_batches_cover_every_sample_once_in_each_shuffle_mode():
    x = np.arange(10)[:, None].astype('float32')
    for shuffle in (False, True, 'batch'):
        data = ArrayData([x, x * 2], batch_size=4, shuffle=shuffle)
        batches = list(data.batches())
        assert [size for _, size in batches] == [4, 4, 2]
        seen = np.concatenate([b[0] for b, _ in batches])[:, 0]
        assert sorted(seen.tolist()) == list(range(10))
        for b, _ in batches:
            np.testing.assert_array_equal(b[1], b[0] * 2)  # the arrays stay paired


def test_array_data_split_holds_out_the_tail():
    x = np.arange(10)[:, None]
    head, tail = ArrayData([x], batch_size=3).split(0.2)
    assert head.num_samples == 8 and tail.num_samples == 2
    np.testing.assert_array_equal(tail.arrays[0][:, 0], [8, 9])


def test_scipy_sparse_inputs_and_targets_are_densified_per_batch():
    sparse = pytest.importorskip('scipy.sparse')
    x = [sparse.random(6, 3, density=0.5, random_state=i).tocsr() for i in range(2)]
    y = [sparse.random(6, 4, density=0.5, random_state=3).tocsr(), np.random.rand(6, 2)]
    model = _two_input_model()
    dense_x = [m.toarray() for m in x]
    np.testing.assert_allclose(model.predict(x, batch_size=2)[0], model.predict(dense_x, batch_size=2)[0],
                               rtol=1e-6)
    history = model.fit(x, y, epochs=1, batch_size=2, validation_split=0.5, verbose=0)
    assert set(history.history) == {'loss', 'dense_a_loss', 'dense_b_loss', 'val_loss', 'val_dense_a_loss',
                                     'val_dense_b_loss'}
    dense_y = [y[0].toarray(), y[1]]
    assert model.evaluate(x, y, batch_size=2, verbose=0) == model.evaluate(dense_x, dense_y, batch_size=2,
                                                                           verbose=0)


@pytest.mark.parametrize('shuffle', ['batch', True])
def test_h5py_datasets_are_read_per_batch(tmp_path, shuffle):
    rng = np.random.RandomState(0)
    x, y = rng.rand(20, 3).astype('float32'), rng.rand(20, 2).astype('float32')
    with h5py.File(str(tmp_path / 'data.h5'), 'w') as f:
        f['x'], f['y'] = x, y
    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile('sgd', 'mse')
    with h5py.File(str(tmp_path / 'data.h5'), 'r') as f:
        history = model.fit(f['x'], f['y'], batch_size=6, epochs=2, shuffle=shuffle, verbose=0)
        assert len(history.history['loss']) == 2
        np.testing.assert_allclose(model.predict(f['x'], batch_size=7), model.predict(x), rtol=1e-6)


def test_errors_name_the_input_or_output_and_the_shapes():
    model = _two_input_model()
    x = {'input_a': np.zeros((4, 3)), 'input_b': np.zeros((4, 3))}
    with pytest.raises(ValueError, match='input_c'):
        model.predict({'input_a': np.zeros((4, 3)), 'input_c': np.zeros((4, 3))})
    with pytest.raises(ValueError, match=r'input_b.*\(5,\)'):
        model.predict({'input_a': np.zeros((4, 3)), 'input_b': np.zeros((4, 5))})
    with pytest.raises(ValueError, match=r'dense_a.*\(4,\).*\(7,\)'):
        model.train_on_batch(x, [np.zeros((4, 7)), np.zeros((4, 2))])
    with pytest.raises(ValueError, match='same number of samples'):
        model.train_on_batch(x, [np.zeros((3, 4)), np.zeros((3, 2))])
    with pytest.raises(ValueError):
        model.predict([np.zeros((4, 3)), None])


def test_sample_weight_as_a_tuple():
    single = Sequential([Dense(1, input_shape=(3,))])
    single.compile('sgd', 'mse')
    x, y, w = np.random.rand(6, 3), np.random.rand(6, 1), np.random.rand(6)
    assert single.test_on_batch(x, y, sample_weight=(w,)) == single.test_on_batch(x, y, sample_weight=w)
    multi = _two_input_model()
    with pytest.raises(TypeError, match='list or a dict'):
        multi.train_on_batch([x, x], [np.zeros((6, 4)), np.zeros((6, 2))], sample_weight=(w, w))


def test_check_array_length_consistency_counts_none_as_no_samples():
    a = np.zeros((4, 3))
    training_utils.check_array_length_consistency(None, None, None)
    training_utils.check_array_length_consistency([a, a], [a], [a, a])
    training_utils.check_array_length_consistency([None], [None], [None])
    for args in ((a, None, None), ([a], [None], None), ([a], [np.zeros((3, 3))], None)):
        with pytest.raises(ValueError):
            training_utils.check_array_length_consistency(*args)


class _Batches(Sequence):
    def __init__(self, n=3, size=4, empty=False):
        self.n, self.size, self.empty = n, size, empty

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        rows = 0 if self.empty else self.size
        return np.full((rows, 3), i, 'float32'), np.full((rows, 1), i, 'float32')


def test_generator_data_reads_steps_batches_and_checks_them():
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile('sgd', 'mse')
    data = GeneratorData(_Batches(), workers=0)
    data.standardize = lambda x, y, w: model._standardize_user_data(x, y, w)
    batches = list(data.batches())
    assert len(batches) == 3 and [size for _, size in batches] == [4, 4, 4]
    assert len(batches[0][0]) == 3  # input, target, sample weight
    with pytest.raises(ValueError, match='evaluate: `x` is empty'):
        model.evaluate_generator(_Batches(empty=True), workers=0)
    with pytest.raises(ValueError, match='steps'):
        model.evaluate_generator(iter([]), workers=0)
    with pytest.raises(ValueError, match='tuple'):
        model.fit_generator(iter([np.zeros((2, 3))] * 3), steps_per_epoch=1, workers=0, verbose=0)
    with pytest.raises(ValueError, match='validation_split'):
        model.fit(_Batches(), validation_split=0.5)


def test_a_generator_with_worker_processes_warns_to_use_a_sequence():
    def gen():
        while True:
            yield np.zeros((2, 3)), np.zeros((2, 1))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        GeneratorData(gen(), steps=1, workers=2, use_multiprocessing=True)
        GeneratorData(_Batches(), workers=2, use_multiprocessing=True)
    assert [str(w.message).count('Sequence') for w in caught] == [1]


def test_is_generator_like():
    assert is_generator_like(_Batches()) and is_generator_like(iter([1])) and is_generator_like(x for x in [])
    assert not any(is_generator_like(v) for v in (np.zeros(3), [1], (1,), {'a': 1}, None))


def test_feed_targets_follow_the_output_records():
    model = _two_input_model()
    feed = Feed(model._feed_input_names, model._feed_input_shapes, [r for r in model._output_records if r.fed])
    xs, ys, ws = feed.standardize({'input_a': np.zeros((2, 3)), 'input_b': np.zeros((2, 3))},
                                  {'dense_a': np.zeros((2, 4)), 'dense_b': np.zeros((2, 2))})
    assert [a.shape for a in xs + ys + ws] == [(2, 3), (2, 3), (2, 4), (2, 2), (2,), (2,)]
    assert K.floatx() == ws[0].dtype
