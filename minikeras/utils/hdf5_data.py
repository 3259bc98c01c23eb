"""Keras 2's public HDF5 helpers: `HDF5Matrix` (a dataset used like an array) and `h5dict`.

Both are re-exported by `utils.io_utils` and `utils`, where Keras 2.2.4 has
them. Files are opened read-only by `HDF5Matrix`.
"""
import numbers

import numpy as np
import six


def _h5py():
    import h5py
    return h5py


class HDF5Matrix(object):
    """Rows `start:end` of an HDF5 dataset, indexed like a numpy array.

    Feed it to `fit`/`evaluate`/`predict` like an array; with `fit`, use
    `shuffle='batch'` or `shuffle=False` (HDF5 reads need increasing indices).
    `np.asarray(matrix)` reads the whole slice at once.

    Args:
        datapath: path of the HDF5 file (opened read-only, once per path).
        dataset: name of the dataset in the file.
        start: first row.
        end: one past the last row (default: the dataset's length).
        normalizer: function applied to every block of rows read.

    Raises:
        KeyError: no such dataset.
        ValueError: `start`/`end` outside the dataset.

    Example::

        x = HDF5Matrix('data.h5', 'features', start=0, end=1000)
        model.fit(x, y, shuffle='batch')
    """

    refs = {}

    def __init__(self, datapath, dataset, start=0, end=None, normalizer=None):
        handle = self.refs.get(datapath)
        if handle is None or not handle.id.valid:
            handle = _h5py().File(datapath, 'r')
            self.refs[datapath] = handle
        if dataset not in handle:
            raise KeyError('HDF5Matrix: no dataset %r in %s (it has %s)' % (dataset, datapath, sorted(handle)))
        self.data = handle[dataset]
        length = self.data.shape[0]
        self.start = int(start)
        self.end = length if end is None else int(end)
        if not 0 <= self.start <= self.end <= length:
            raise ValueError('HDF5Matrix: start=%r, end=%r do not fit dataset %r of %d rows'
                             % (start, end, dataset, length))
        self.normalizer = normalizer
        first = self._read(slice(self.start, self.start + 1))
        self._base_shape = first.shape[1:]
        self._base_dtype = first.dtype

    def _read(self, index):
        rows = self.data[index]
        return self.normalizer(rows) if self.normalizer is not None else rows

    def __len__(self):
        return self.end - self.start

    def _row(self, i):
        if i < 0 or i + self.start >= self.end:
            raise IndexError('HDF5Matrix index %d is out of range for %d rows' % (i, len(self)))
        return i + self.start

    def __getitem__(self, key):
        if isinstance(key, slice):
            if key.stop is not None and key.stop > len(self):
                raise IndexError('HDF5Matrix slice stop %d is beyond its %d rows' % (key.stop, len(self)))
            begin, stop, step = key.indices(len(self))
            return self._read(slice(begin + self.start, stop + self.start, step))
        if isinstance(key, numbers.Integral):
            return self._read(self._row(int(key)))
        if isinstance(key, (np.ndarray, list, tuple, six.moves.range)):
            rows = [self._row(int(i)) for i in np.asarray(key).ravel()]
            return self._read(rows)
        raise TypeError('HDF5Matrix indices must be integers, slices or integer arrays, not %s'
                        % type(key).__name__)

    def __array__(self, dtype=None, copy=None):
        rows = self._read(slice(self.start, self.end))
        return np.asarray(rows, dtype=dtype)

    @property
    def shape(self):
        """`(rows,) + row shape` (after the normalizer)."""
        return (len(self),) + tuple(self._base_shape)

    @property
    def dtype(self):
        """The dtype of the rows (after the normalizer)."""
        return self._base_dtype

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape))


def _is_string_list(value):
    return isinstance(value, (list, tuple)) and all(isinstance(v, (bytes, six.text_type)) for v in value)


class h5dict(object):  # noqa: N801  (Keras 2's name)
    """A dict-like view of an HDF5 file or group, or of a plain dict (Keras 2's `h5dict`).

    Text values and lists of strings are stored as attributes, arrays as
    datasets; reading `d[key]` gives back a `str`, a list of `bytes`, a numpy
    array, or an `h5dict` of a sub-group. In a writable mode `d[key]` for a
    missing key creates the group.

    Args:
        path: a file path (opened with `mode`, closed by `close()`), an open
            `h5py.File`/`h5py.Group`, or a `dict` (an in-memory store).
        mode: 'r' (read-only), 'a' or 'w' (writable).

    Raises:
        TypeError: `path` is none of those.
    """

    def __init__(self, path, mode='a'):
        self.read_only = mode == 'r'
        self._own = False
        if isinstance(path, dict):
            self.data = path
            self._is_file = False
        elif isinstance(path, six.string_types):
            self.data = _h5py().File(path, mode)
            self._own = True
            self._is_file = True
        elif isinstance(path, (_h5py().File, _h5py().Group)):
            self.data = path
            self._is_file = True
        else:
            raise TypeError('h5dict: expected a file path, an h5py File/Group or a dict; got %s'
                            % type(path).__name__)

    def _check_writable(self, key):
        if self.read_only:
            raise ValueError('h5dict is read-only: cannot set %r' % (key,))

    def __setitem__(self, key, value):
        self._check_writable(key)
        if not self._is_file:
            self.data[key] = value
            return
        if isinstance(value, (bytes, six.text_type)):
            self.data.attrs[key] = value
        elif _is_string_list(value):
            self.data.attrs[key] = np.array([v if isinstance(v, bytes) else v.encode('utf8') for v in value])
        else:
            value = np.asarray(value)
            if key in self.data:
                del self.data[key]
            self.data.create_dataset(key, data=value)

    def __getitem__(self, key):
        if not self._is_file:
            if key not in self.data:
                if self.read_only:
                    raise KeyError(key)
                self.data[key] = {}
            value = self.data[key]
            return h5dict(value, 'r' if self.read_only else 'a') if isinstance(value, dict) else value
        if key in self.data.attrs:
            value = self.data.attrs[key]
            if isinstance(value, np.ndarray) and value.dtype.kind in 'SO':
                return [v if isinstance(v, bytes) else six.text_type(v).encode('utf8') for v in value.tolist()]
            if isinstance(value, (bytes, np.bytes_)):
                return bytes(value).decode('utf8')
            return value
        if key in self.data:
            item = self.data[key]
            if isinstance(item, _h5py().Group):
                return h5dict(item, 'r' if self.read_only else 'a')
            return np.asarray(item[()])
        if self.read_only:
            raise KeyError('h5dict: no key %r' % (key,))
        return h5dict(self.data.create_group(key), 'a')

    def __contains__(self, key):
        if self._is_file:
            return key in self.data or key in self.data.attrs
        return key in self.data

    def get(self, key, default=None):
        return self[key] if key in self else default

    def keys(self):
        if self._is_file:
            return list(self.data.attrs.keys()) + list(self.data.keys())
        return list(self.data.keys())

    def __iter__(self):
        return iter(self.keys())

    iter = __iter__

    def __len__(self):
        return len(self.keys())

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def close(self):
        """Closes the file if this `h5dict` opened it."""
        if self._own and self.data.id.valid:
            self.data.close()
