"""Reading the Keras 2 dataset cache: fetching a file, and safe readers for its formats.

Keras 2 stores its datasets as `.npz` files (IMDB and Reuters hold ragged
lists, saved as pickled object arrays), CIFAR as Python pickles inside a
tarball, and Fashion-MNIST as gzipped IDX files. Unpickling can run code, so
the readers here never call `pickle.load` or `np.load(allow_pickle=True)`:
object arrays and CIFAR batches go through an unpickler that rebuilds only
numpy arrays, dtypes, numpy scalars and plain Python containers, and refuses
every other global a file names.
"""
import gzip
import os
import pickle
import struct
import zipfile

import numpy as np

from ..utils.downloads import get_file, keras_cache_dir


def fetch(fname, origin, file_hash=None, cache_subdir='datasets', untar=False):
    """The cached path of a dataset file, downloading it when it is not cached.

    A file (or, with `untar`, an extracted folder) already in the cache is
    used as it is, so a file placed there by hand (or a smaller stand-in for
    tests) is read without a hash check; a download is verified against
    `file_hash` before it is saved.

    Args:
        fname: the file (or, with `untar`, folder) name Keras 2 caches it under.
        origin: the URL Keras 2 downloads it from.
        file_hash: the published hash of the download.
        cache_subdir: the folder under the cache root.
        untar: the origin is a `.tar.gz` extracted into `fname`.

    Returns:
        The path of the file or folder.
    """
    target = os.path.join(keras_cache_dir(), cache_subdir, fname)
    if os.path.exists(target):
        return target
    return get_file(fname, origin, untar=untar, file_hash=file_hash, cache_subdir=cache_subdir)


def _numpy_core(name):
    import importlib
    for module in ('numpy._core.' + name, 'numpy.core.' + name):
        try:
            return importlib.import_module(module)
        except ImportError:
            continue
    raise ImportError('numpy has no %s module' % name)


_MULTIARRAY = _numpy_core('multiarray')
_ALLOWED_GLOBALS = {
    ('numpy', 'ndarray'): np.ndarray,
    ('numpy', 'dtype'): np.dtype,
    ('numpy.core.multiarray', '_reconstruct'): _MULTIARRAY._reconstruct,
    ('numpy._core.multiarray', '_reconstruct'): _MULTIARRAY._reconstruct,
    ('numpy.core.multiarray', 'scalar'): _MULTIARRAY.scalar,
    ('numpy._core.multiarray', 'scalar'): _MULTIARRAY.scalar,
    # Python 3 pickles bytes under protocol 2 as _codecs.encode(text, 'latin1').
    ('_codecs', 'encode'): __import__('codecs').encode,
}


class _ArrayUnpickler(pickle.Unpickler):
    def __init__(self, file, source, encoding):
        super(_ArrayUnpickler, self).__init__(file, encoding=encoding)
        self.source = source

    def find_class(self, module, name):
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                '%s refers to %s.%s; only numpy arrays, numpy scalars and plain Python values are read '
                'from dataset files (nothing in them may run code).' % (self.source, module, name))


def load_pickle(path, encoding='bytes'):
    """Unpickles a data file that may hold only arrays, scalars and containers.

    Args:
        path: the pickle file.
        encoding: how Python 2 strings are decoded ('bytes' keeps them bytes).

    Returns:
        The unpickled value.

    Raises:
        pickle.UnpicklingError: the file names any other class or function.
    """
    with open(path, 'rb') as f:
        return _ArrayUnpickler(f, path, encoding).load()


def _read_npy(member, source):
    version = np.lib.format.read_magic(member)
    if version == (1, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(member)
    else:
        shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(member)
    if dtype.hasobject:
        array = _ArrayUnpickler(member, source, 'latin1').load()
        if not isinstance(array, np.ndarray):
            raise ValueError('%s: an object array entry unpickled to %s, not an array' % (source, type(array)))
        return array
    count = int(np.prod(shape)) if shape else 1
    data = member.read(count * dtype.itemsize)
    if len(data) != count * dtype.itemsize:
        raise ValueError('%s is truncated: expected %d bytes of %s data' % (source, count * dtype.itemsize, dtype))
    array = np.frombuffer(data, dtype=dtype, count=count).copy()
    return array.reshape(shape[::-1]).transpose() if fortran_order else array.reshape(shape)


def load_npz(path, keys):
    """Reads named arrays from an `.npz` file (object arrays through the safe unpickler).

    Args:
        path: the `.npz` file.
        keys: the array names expected in it.

    Returns:
        A dict from each key to its array.

    Raises:
        ValueError: the file is not an `.npz` archive or lacks a key.
    """
    if not zipfile.is_zipfile(path):
        raise ValueError('%s is not an .npz archive (expected the arrays %s); delete it to download it again.'
                         % (path, ', '.join(keys)))
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        for key in keys:
            if key + '.npy' not in names:
                raise ValueError('%s has no array %r (it holds %s); delete it to download it again.'
                                 % (path, key, ', '.join(sorted(n[:-4] for n in names if n.endswith('.npy')))))
            with archive.open(key + '.npy') as member:
                arrays[key] = _read_npy(member, '%s[%s]' % (path, key))
    return arrays


def read_idx(path):
    """Reads a gzipped IDX file (the MNIST family's format) into a uint8 array.

    Args:
        path: the `.gz` file.

    Returns:
        The array, shaped as the IDX header says.

    Raises:
        ValueError: the header is not an unsigned-byte IDX header or the data is short.
    """
    with gzip.open(path, 'rb') as f:
        raw = f.read()
    if len(raw) < 4 or raw[0:2] != b'\x00\x00' or raw[2] != 0x08:
        raise ValueError('%s is not an unsigned-byte IDX file (magic bytes %r)' % (path, raw[:4]))
    ndim = raw[3]
    shape = struct.unpack('>' + 'I' * ndim, raw[4:4 + 4 * ndim])
    offset = 4 + 4 * ndim
    size = int(np.prod(shape))
    if len(raw) - offset != size:
        raise ValueError('%s: the header announces shape %s (%d bytes) but %d data bytes follow'
                         % (path, shape, size, len(raw) - offset))
    return np.frombuffer(raw, dtype=np.uint8, offset=offset).reshape(shape).copy()


def object_array(sequences):
    """A 1-D object array of Python lists (the Keras 2 container of ragged sequences)."""
    out = np.empty(len(sequences), dtype=object)
    for i, seq in enumerate(sequences):
        out[i] = list(seq)
    return out

