"""Writes a synthetic Keras 2 dataset cache: files in Keras' exact formats, with made-up contents.

Usage::

    python tests/compat/make_dataset_cache.py DIR [--small]

DIR is used as `KERAS_HOME`: the files go to `DIR/datasets/` under the names
Keras 2.2.4's loaders look for (mnist.npz, fashion-mnist/*.gz,
cifar-10-batches-py.tar.gz, cifar-100-python.tar.gz, imdb.npz and
imdb_word_index.json, reuters.npz and reuters_word_index.json,
boston_housing.npz, and nietzsche.txt for the text-generation example).
Without `--small` the sample counts are the real ones (what Keras'
integration test_datasets checks); with `--small` every set but MNIST is a
few hundred samples, enough to run Keras' examples quickly (MNIST stays full
size: Keras' MNIST examples hard-code its 60,000 / 10,000 samples). Files already present are
kept. The contents are random but learnable (each class has its own template
or vocabulary), so examples that train show a falling loss. Nothing is
downloaded and nothing comes from the real datasets.

The `write_*` functions are also used by this repository's own dataset tests.
"""
import argparse
import gzip
import io
import json
import os
import pickle
import struct
import sys
import tarfile

import numpy as np

FULL = dict(mnist=(60000, 10000), fashion_mnist=(60000, 10000), cifar=(50000, 10000), imdb=(25000, 25000), reuters=11228, boston=506,
            imdb_vocab=88584, reuters_vocab=30979, text_chars=600000)
SMALL = dict(mnist=FULL['mnist'],  # Keras' MNIST examples hard-code 60,000 / 10,000 samples
             fashion_mnist=(256, 64), cifar=(250, 50), imdb=(200, 200), reuters=300, boston=506,
             imdb_vocab=5000, reuters_vocab=3000, text_chars=20000)


def _images(rng, n, shape, num_classes, sparse):
    """uint8 images `(n,) + shape` and their labels.

    Each class has a template of 4x4 flat blocks; each image brightens or
    darkens one of its blocks. Flat blocks keep the full-size archives small.
    """
    grid = 4
    cell = (shape[0] // grid, shape[1] // grid)
    labels = rng.randint(0, num_classes, size=n)
    levels = rng.randint(0, 256, size=(num_classes, grid, grid) + shape[2:])
    if sparse:  # MNIST-like: mostly black background
        levels = levels * (rng.rand(*levels.shape) < 0.4)
    out = np.empty((n,) + shape, dtype=np.uint8)
    step = 5000
    for start in range(0, n, step):
        lab = labels[start:start + step]
        grids = levels[lab].astype(np.int64)
        which = rng.randint(0, grid * grid, size=len(lab))
        grids[np.arange(len(lab)), which // grid, which % grid] += rng.randint(-64, 65, size=(len(lab), 1)
                                                                                 if len(shape) > 2 else len(lab))
        blocks = np.clip(grids, 0, 255).repeat(cell[0], axis=1).repeat(cell[1], axis=2)
        out[start:start + step] = blocks
    return out, labels


def write_mnist(datasets_dir, n_train, n_test, seed=0):
    """`mnist.npz`: x_train/x_test uint8 (n, 28, 28), y_train/y_test uint8 (n,)."""
    rng = np.random.RandomState(seed)
    x, y = _images(rng, n_train + n_test, (28, 28), 10, sparse=True)
    y = y.astype(np.uint8)
    np.savez_compressed(os.path.join(datasets_dir, 'mnist.npz'), x_train=x[:n_train], y_train=y[:n_train],
                        x_test=x[n_train:], y_test=y[n_train:])


def _idx_bytes(array):
    header = struct.pack('>BBBB', 0, 0, 0x08, array.ndim) + struct.pack('>' + 'I' * array.ndim, *array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def write_fashion_mnist(datasets_dir, n_train, n_test, seed=1):
    """`fashion-mnist/{train,t10k}-{labels-idx1,images-idx3}-ubyte.gz` (gzipped IDX files)."""
    rng = np.random.RandomState(seed)
    folder = os.path.join(datasets_dir, 'fashion-mnist')
    os.makedirs(folder, exist_ok=True)
    x, y = _images(rng, n_train + n_test, (28, 28), 10, sparse=False)
    parts = {'train': (x[:n_train], y[:n_train]), 't10k': (x[n_train:], y[n_train:])}
    for part, (images, labels) in parts.items():
        for kind, array in (('labels-idx1', labels), ('images-idx3', images)):
            with gzip.open(os.path.join(folder, '%s-%s-ubyte.gz' % (part, kind)), 'wb', compresslevel=1) as f:
                f.write(_idx_bytes(array))


def _add_to_tar(tar, name, payload):
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    tar.addfile(info, io.BytesIO(payload))


def _cifar_batch(images, label_entries, batch_label):
    """A pickled CIFAR batch dict as the Python 2 originals hold it (bytes keys, protocol 2)."""
    n = len(images)
    batch = {b'batch_label': batch_label.encode('ascii'),
             b'data': images.transpose(0, 3, 1, 2).reshape(n, 3072),
             b'filenames': [('synthetic_%06d.png' % i).encode('ascii') for i in range(n)]}
    for key, labels in label_entries.items():
        batch[key.encode('ascii')] = [int(v) for v in labels]
    return pickle.dumps(batch, protocol=2)


def write_cifar10(datasets_dir, n_train, n_test, seed=2):
    """`cifar-10-batches-py.tar.gz`: cifar-10-batches-py/data_batch_1..5, test_batch, batches.meta."""
    rng = np.random.RandomState(seed)
    x, y = _images(rng, n_train + n_test, (32, 32, 3), 10, sparse=False)
    path = os.path.join(datasets_dir, 'cifar-10-batches-py.tar.gz')
    per_batch = n_train // 5
    with tarfile.open(path, 'w:gz', compresslevel=1) as tar:
        for i in range(5):
            end = n_train if i == 4 else (i + 1) * per_batch
            sl = slice(i * per_batch, end)
            _add_to_tar(tar, 'cifar-10-batches-py/data_batch_%d' % (i + 1),
                        _cifar_batch(x[sl], {'labels': y[sl]}, 'training batch %d of 5' % (i + 1)))
        _add_to_tar(tar, 'cifar-10-batches-py/test_batch',
                    _cifar_batch(x[n_train:], {'labels': y[n_train:]}, 'testing batch 1 of 1'))
        meta = {b'label_names': [b'airplane', b'automobile', b'bird', b'cat', b'deer', b'dog', b'frog',
                                 b'horse', b'ship', b'truck'], b'num_cases_per_batch': per_batch,
                b'num_vis': 3072}
        _add_to_tar(tar, 'cifar-10-batches-py/batches.meta', pickle.dumps(meta, protocol=2))


def write_cifar100(datasets_dir, n_train, n_test, seed=3):
    """`cifar-100-python.tar.gz`: cifar-100-python/train, test, meta (fine and coarse labels)."""
    rng = np.random.RandomState(seed)
    x, fine = _images(rng, n_train + n_test, (32, 32, 3), 100, sparse=False)
    coarse = fine // 5
    path = os.path.join(datasets_dir, 'cifar-100-python.tar.gz')
    with tarfile.open(path, 'w:gz', compresslevel=1) as tar:
        for name, sl in (('train', slice(0, n_train)), ('test', slice(n_train, None))):
            _add_to_tar(tar, 'cifar-100-python/' + name,
                        _cifar_batch(x[sl], {'fine_labels': fine[sl], 'coarse_labels': coarse[sl]}, name))
        meta = {b'fine_label_names': [('fine_%d' % i).encode() for i in range(100)],
                b'coarse_label_names': [('coarse_%d' % i).encode() for i in range(20)]}
        _add_to_tar(tar, 'cifar-100-python/meta', pickle.dumps(meta, protocol=2))


def _texts(rng, labels, vocab, mean_length):
    """Word-rank lists: Zipf-like common words mixed with words typical of each text's label."""
    num_classes = int(labels.max()) + 1
    typical = [rng.randint(10, min(vocab, 2000), size=20) for _ in range(num_classes)]
    lengths = np.clip(rng.lognormal(np.log(mean_length), 0.9, size=len(labels)).astype(int), 2, 20 * mean_length)
    texts = np.empty(len(labels), dtype=object)
    for i, (label, length) in enumerate(zip(labels, lengths)):
        words = np.minimum(rng.zipf(1.3, size=length), vocab)
        marked = rng.rand(length) < 0.15
        words[marked] = rng.choice(typical[label], size=int(marked.sum()))
        texts[i] = words.tolist()
    return texts


def _word_index(vocab):
    return {'word%d' % rank: rank for rank in range(1, vocab + 1)}


def write_imdb(datasets_dir, n_train, n_test, vocab, seed=4):
    """`imdb.npz` (object arrays of rank lists, int64 labels 0/1) and `imdb_word_index.json`."""
    rng = np.random.RandomState(seed)
    labels = rng.randint(0, 2, size=n_train + n_test).astype(np.int64)
    texts = _texts(rng, labels, vocab, mean_length=120)
    np.savez(os.path.join(datasets_dir, 'imdb.npz'), x_train=texts[:n_train], y_train=labels[:n_train],
             x_test=texts[n_train:], y_test=labels[n_train:])
    with open(os.path.join(datasets_dir, 'imdb_word_index.json'), 'w') as f:
        json.dump(_word_index(vocab), f)


def write_reuters(datasets_dir, n, vocab, seed=5):
    """`reuters.npz` (x: object array of rank lists, y: int64 topics 0..45) and `reuters_word_index.json`."""
    rng = np.random.RandomState(seed)
    labels = rng.randint(0, 46, size=n).astype(np.int64)
    np.savez(os.path.join(datasets_dir, 'reuters.npz'), x=_texts(rng, labels, vocab, mean_length=100), y=labels)
    with open(os.path.join(datasets_dir, 'reuters_word_index.json'), 'w') as f:
        json.dump(_word_index(vocab), f)


def write_boston_housing(datasets_dir, n, seed=6):
    """`boston_housing.npz`: x float64 (n, 13), y float64 (n,) from a noisy linear model."""
    rng = np.random.RandomState(seed)
    x = rng.rand(n, 13) * rng.uniform(1, 100, size=13)
    y = np.clip(x.dot(rng.randn(13) / 20.0) + 22 + rng.randn(n) * 2, 5, 50)
    np.savez(os.path.join(datasets_dir, 'boston_housing.npz'), x=x, y=y)


def write_text(datasets_dir, n_chars, seed=7):
    """`nietzsche.txt`: made-up English-like prose (for lstm_text_generation)."""
    rng = np.random.RandomState(seed)
    words = ('the will to power is a truth of life and every man who has known what is good must also '
             'become what he is not yet for morality here speaks of the free spirit').split()
    out, size = [], 0
    while size < n_chars:
        sentence = ' '.join(rng.choice(words, size=rng.randint(5, 15)))
        sentence = sentence[0].upper() + sentence[1:] + '. '
        out.append(sentence)
        size += len(sentence)
    with open(os.path.join(datasets_dir, 'nietzsche.txt'), 'w') as f:
        f.write(''.join(out))


def make_cache(keras_home, small=False, log=None):
    """Writes every missing dataset file under `keras_home/datasets`.

    Returns:
        The names of the files written.
    """
    sizes = SMALL if small else FULL
    datasets_dir = os.path.join(keras_home, 'datasets')
    os.makedirs(datasets_dir, exist_ok=True)
    jobs = [
        ('mnist.npz', lambda: write_mnist(datasets_dir, *sizes['mnist'])),
        ('fashion-mnist', lambda: write_fashion_mnist(datasets_dir, *sizes['fashion_mnist'])),
        ('cifar-10-batches-py.tar.gz', lambda: write_cifar10(datasets_dir, *sizes['cifar'])),
        ('cifar-100-python.tar.gz', lambda: write_cifar100(datasets_dir, *sizes['cifar'])),
        ('imdb.npz', lambda: write_imdb(datasets_dir, sizes['imdb'][0], sizes['imdb'][1], sizes['imdb_vocab'])),
        ('reuters.npz', lambda: write_reuters(datasets_dir, sizes['reuters'], sizes['reuters_vocab'])),
        ('boston_housing.npz', lambda: write_boston_housing(datasets_dir, sizes['boston'])),
        ('nietzsche.txt', lambda: write_text(datasets_dir, sizes['text_chars'])),
    ]
    written = []
    for name, job in jobs:
        if os.path.exists(os.path.join(datasets_dir, name)):
            continue
        if log:
            log('writing %s' % os.path.join(datasets_dir, name))
        job()
        written.append(name)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('dir', help='the cache root (used as KERAS_HOME); files go to DIR/datasets')
    parser.add_argument('--small', action='store_true', help='a few hundred samples per set (for examples)')
    args = parser.parse_args(argv)
    make_cache(args.dir, small=args.small, log=lambda m: print(m, file=sys.stderr, flush=True))


if __name__ == '__main__':
    main()
