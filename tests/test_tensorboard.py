"""callbacks.TensorBoard: event files read back with TensorBoard's own event reader."""
import os
import sys

import numpy as np
import pytest

pytest.importorskip('tensorboardX', reason="callbacks.TensorBoard needs tensorboardX (minikeras[tensorboard])")
event_accumulator = pytest.importorskip(
    'tensorboard.backend.event_processing.event_accumulator',
    reason='reading the event files back needs the tensorboard package (minikeras[test] installs it)')

from minikeras import backend as K  # noqa: E402
from minikeras.callbacks import EarlyStopping, ModelCheckpoint, TensorBoard  # noqa: E402
from minikeras.layers import Conv1D, Dense, Embedding, Flatten, Input, Lambda, concatenate  # noqa: E402
from minikeras.models import Model  # noqa: E402
from minikeras.models import Sequential  # noqa: E402
from minikeras.tensorboard import weight_image  # noqa: E402
from minikeras.utils import to_categorical  # noqa: E402


def _read(run_dir):
    acc = event_accumulator.EventAccumulator(
        str(run_dir), size_guidance={'scalars': 0, 'histograms': 0, 'images': 0})
    acc.Reload()
    return acc


def _scalars(acc, tag):
    return [(e.step, e.value) for e in acc.Scalars(tag)]


def _classifier():
    model = Sequential([Dense(16, activation='relu', input_shape=(8,), name='hidden'),
                        Dense(3, activation='softmax', name='out')])
    model.compile('adadelta', 'categorical_crossentropy', metrics=['accuracy'])
    return model


def _data(n=120):
    x = np.random.rand(n, 8).astype('float32')
    y = to_categorical(np.random.randint(0, 3, n), 3)
    return x, y


def test_seed_callback_list_writes_train_and_validation_runs(tmp_path):
    x, y = _data()
    model = _classifier()
    log_dir = tmp_path / 'logs'
    checkpoint = str(tmp_path / 'model.{epoch:02d}-{val_loss:.2f}.h5')
    history = model.fit(x, y, epochs=3, batch_size=32, validation_split=0.1, verbose=0,
                        callbacks=[EarlyStopping(patience=2), ModelCheckpoint(filepath=checkpoint),
                                   TensorBoard(log_dir=str(log_dir))])
    assert sorted(os.listdir(str(log_dir))) == ['train', 'validation']
    train, validation = _read(log_dir / 'train'), _read(log_dir / 'validation')
    assert sorted(train.Tags()['scalars']) == ['epoch_acc', 'epoch_loss']
    assert sorted(validation.Tags()['scalars']) == ['epoch_acc', 'epoch_loss']
    for acc, prefix in ((train, ''), (validation, 'val_')):
        for metric in ('loss', 'acc'):
            steps, values = zip(*_scalars(acc, 'epoch_' + metric))
            assert steps == (0, 1, 2)
            np.testing.assert_allclose(values, history.history[prefix + metric], rtol=1e-6)
    assert train.Tags()['graph'] and not validation.Tags()['graph']
    assert len([f for f in os.listdir(str(tmp_path)) if f.endswith('.h5')]) == 3


def test_update_freq_writes_batch_scalars_every_n_batches(tmp_path):
    x, y = _data(100)
    model = _classifier()
    batch_losses = []

    class Record(TensorBoard):
        def on_batch_end(self, batch, logs=None):
            batch_losses.append(float(logs['loss']))
            super(Record, self).on_batch_end(batch, logs)

    model.fit(x, y, epochs=2, batch_size=25, verbose=0, callbacks=[Record(log_dir=str(tmp_path), update_freq=3)])
    steps, values = zip(*_scalars(_read(tmp_path / 'train'), 'batch_loss'))
    assert steps == (3, 6)  # 8 batches in all, one scalar every 3rd
    np.testing.assert_allclose(values, [batch_losses[2], batch_losses[5]], rtol=1e-6)

    every = TensorBoard(log_dir=str(tmp_path / 'every'), update_freq='batch')
    model.fit(x, y, epochs=1, batch_size=25, verbose=0, callbacks=[every])
    assert [s for s, _ in _scalars(_read(tmp_path / 'every' / 'train'), 'batch_loss')] == [1, 2, 3, 4]


def test_histograms_gradients_and_images(tmp_path):
    x, y = _data(64)
    model = _classifier()
    callback = TensorBoard(log_dir=str(tmp_path), histogram_freq=2, batch_size=100, write_grads=True,
                           write_images=True)
    model.fit(x, y, epochs=3, batch_size=16, verbose=0, validation_data=(x[:20], y[:20]), callbacks=[callback])
    train = _read(tmp_path / 'train')
    weights = ['hidden/kernel_0', 'hidden/bias_0', 'out/kernel_0', 'out/bias_0']
    assert sorted(train.Tags()['histograms']) == sorted(
        weights + [w + '_grad' for w in weights] + ['hidden_out', 'out_out'])
    assert sorted(train.Tags()['images']) == sorted(w + '/image' for w in weights)
    # TensorBoard keeps one kind of data per tag: a tag used twice hides both series in its server
    kinds = ('scalars', 'histograms', 'images')
    assert sum(len(train.Tags()[k]) for k in kinds) == len(set().union(*(train.Tags()[k] for k in kinds)))

    # histograms are written at epochs 0 and 2; the last ones describe the final weights
    kernel = model.get_layer('hidden').get_weights()[0]
    events = train.Histograms('hidden/kernel_0')
    assert [e.step for e in events] == [0, 2]
    last = events[-1].histogram_value
    assert last.num == kernel.size
    assert last.min == pytest.approx(kernel.min()) and last.max == pytest.approx(kernel.max())
    assert last.sum == pytest.approx(kernel.sum(), rel=1e-5)

    # the gradient histogram is the gradient of the loss on the validation data
    grads = K.function(model._feed_inputs + model._feed_targets + model._feed_sample_weights,
                       K.gradients(model.total_loss, [model.get_layer('hidden').kernel]))
    expected = grads([x[:20], y[:20], np.ones(20, dtype='float32')])[0]
    grad_hist = train.Histograms('hidden/kernel_0_grad')[-1].histogram_value
    assert grad_hist.sum == pytest.approx(expected.sum(), rel=1e-4, abs=1e-7)
    assert grad_hist.sum_squares == pytest.approx((expected ** 2).sum(), rel=1e-4)

    outputs = train.Histograms('out_out')[-1].histogram_value
    assert outputs.num == 20 * 3 and outputs.sum == pytest.approx(20.0, rel=1e-5)  # softmax rows sum to 1

    image = train.Images('hidden/kernel_0/image')[-1]
    assert (image.width, image.height) == (16, 8)


def test_output_histograms_of_a_layer_with_several_outputs(tmp_path):
    x = Input((4,), name='x')
    pair = Lambda(lambda t: [t, t * 2], output_shape=lambda s: [s, s], name='pair')(x)
    model = Model(x, Dense(1, name='out')(concatenate(pair)))
    model.compile('sgd', 'mse')
    data, target = np.random.rand(10, 4), np.random.rand(10, 1)
    model.fit(data, target, epochs=1, verbose=0, validation_data=(data, target),
              callbacks=[TensorBoard(log_dir=str(tmp_path), histogram_freq=1)])
    tags = _read(tmp_path / 'train').Tags()['histograms']
    assert {'pair_out_0', 'pair_out_1', 'out_out'} <= set(tags)
    second = _read(tmp_path / 'train').Histograms('pair_out_1')[0].histogram_value
    assert second.sum == pytest.approx(2 * data.sum(), rel=1e-5)


def test_weight_image_layouts():
    assert weight_image(np.arange(5.0)).shape == (1, 5, 1)
    assert weight_image(np.zeros((6, 2))).shape == (2, 6, 1)
    kernel = np.random.rand(3, 3, 2, 4)
    image = weight_image(kernel)
    assert image.shape == (2 * 3, 4 * 3, 1)
    assert image.min() == 0.0 and image.max() == 1.0
    scaled = (kernel - kernel.min()) / (kernel.max() - kernel.min())
    np.testing.assert_allclose(image[3:6, 6:9, 0], scaled[:, :, 1, 2])  # tile (input 1, output 2)


def test_model_graph_has_layers_connections_and_shapes(tmp_path):
    model = Sequential([Conv1D(4, 3, input_shape=(10, 2), name='conv'), Flatten(name='flat'),
                        Dense(1, name='dense')])
    model.compile('sgd', 'mse')
    model.fit(np.random.rand(8, 10, 2), np.random.rand(8, 1), epochs=1, verbose=0,
              callbacks=[TensorBoard(log_dir=str(tmp_path))])
    graph = _read(tmp_path / 'train').Graph()
    nodes = {node.name: node for node in graph.node}
    assert list(nodes) == ['conv_input', 'conv', 'flat', 'dense']
    assert nodes['conv'].op == 'Conv1D' and list(nodes['conv'].input) == ['conv_input']
    assert list(nodes['dense'].input) == ['flat']
    dims = [d.size for d in nodes['conv'].attr['_output_shapes'].list.shape[0].dim]
    assert dims == [-1, 8, 4]


def test_embeddings_of_weights_and_of_layer_outputs(tmp_path):
    model = Sequential([Embedding(20, 3, input_length=4, name='emb'), Flatten(), Dense(1)])
    model.compile('sgd', 'mse')
    x, y = np.random.randint(0, 20, (16, 4)), np.random.rand(16, 1)
    metadata = tmp_path / 'labels.tsv'
    metadata.write_text(u''.join(u'word%d\n' % i for i in range(20)))
    model.fit(x, y, epochs=1, verbose=0, callbacks=[
        TensorBoard(log_dir=str(tmp_path / 'weights'), embeddings_freq=1, embeddings_metadata=str(metadata))])
    matrix = np.loadtxt(str(tmp_path / 'weights' / 'train' / '00000' / 'emb' / 'tensors.tsv'), ndmin=2)
    np.testing.assert_allclose(matrix, K.get_value(model.get_layer('emb').embeddings), rtol=1e-5, atol=1e-6)
    labels = (tmp_path / 'weights' / 'train' / '00000' / 'emb' / 'metadata.tsv').read_text().split()
    assert labels == ['word%d' % i for i in range(20)]
    assert 'emb' in (tmp_path / 'weights' / 'train' / 'projector_config.pbtxt').read_text()

    model.fit(x, y, epochs=1, verbose=0, callbacks=[
        TensorBoard(log_dir=str(tmp_path / 'outputs'), embeddings_freq=1, embeddings_data=x[:5])])
    matrix = np.loadtxt(str(tmp_path / 'outputs' / 'train' / '00000' / 'emb' / 'tensors.tsv'), ndmin=2)
    assert matrix.shape == (5, 4 * 3)


@pytest.mark.parametrize('kwargs, message', [
    (dict(update_freq='often'), 'update_freq'),
    (dict(update_freq=0), 'update_freq'),
    (dict(histogram_freq=-1), 'histogram_freq'),
])
def test_invalid_arguments(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        TensorBoard(log_dir=str(tmp_path), **kwargs)


def test_write_grads_without_validation_data_fails_before_training(tmp_path):
    model = _classifier()
    before = model.get_weights()
    x, y = _data(20)
    with pytest.raises(ValueError, match='validation_data must be provided'):
        model.fit(x, y, epochs=1, verbose=0,
                  callbacks=[TensorBoard(log_dir=str(tmp_path), histogram_freq=1, write_grads=True)])
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_callback_copies_and_pickles_before_and_after_training(tmp_path):
    import copy
    import pickle
    callback = TensorBoard(log_dir=str(tmp_path), histogram_freq=1)
    assert copy.deepcopy(callback).histogram_freq == 1
    model = _classifier()
    x, y = _data(20)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[callback])
    callback.model = None  # a model is not part of the callback's own state
    assert pickle.loads(pickle.dumps(callback)).log_dir == str(tmp_path)


def test_missing_tensorboardx_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, 'tensorboardX', None)
    with pytest.raises(ImportError, match=r"minikeras\[tensorboard\]"):
        TensorBoard(log_dir=str(tmp_path))
