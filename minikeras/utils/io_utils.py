"""HDF5 and file helpers shared by every reader and writer of Keras 2 files.

Saving and loading both go through `H5Dict`, so the two directions encode
and decode attributes, name lists and arrays with the same rules and cannot
drift apart:

* a text attribute is written as UTF-8 **bytes** (a fixed-length HDF5
  string, as Keras 2.2.4 writes it), which Keras 2.2.4 and tf_keras can both
  read; text longer than the HDF5 object-header limit is written as a
  variable-length string, as tf_keras does;
* a list of names is written as an array of UTF-8 bytes, split into
  `name0`, `name1`, ... when it is larger than 64 KB (Keras 2.2.4's rule);
  an empty list is an empty float64 array;
* on reading, `str`, `bytes`, `numpy.bytes_` and arrays of either are all
  accepted (files from old and new h5py, Keras 2.2.4 and tf_keras).

`atomic_write` and `ask_to_proceed_with_overwrite` give crash-safe,
never-clobbering writes.
"""
import contextlib
import os
import sys
import tempfile

import numpy as np
import six

# Keras 2.2.4's limit for one attribute (the HDF5 object header holds 64 KB).
HDF5_OBJECT_HEADER_LIMIT = 64512


def ask_to_proceed_with_overwrite(filepath):
    """Asks on the terminal whether `filepath` may be overwritten.

    With no usable standard input (closed, `/dev/null`, captured by a test
    runner) the answer is "no": nothing is overwritten and nothing hangs.

    Args:
        filepath: the file that would be replaced.

    Returns:
        True if the user answered yes, False otherwise.

    Example::

        if os.path.isfile(path) and not ask_to_proceed_with_overwrite(path):
            return
    """
    prompt = '[WARNING] %s already exists - overwrite? [y/n] ' % filepath
    while True:
        try:
            answer = input(prompt)
        except (EOFError, OSError, RuntimeError):
            sys.stderr.write('\n[WARNING] No answer (no interactive input): not overwriting %s\n' % filepath)
            return False
        answer = answer.strip().lower()
        if answer in ('y', 'yes'):
            print('[TIP] Next time specify overwrite=True!')
            return True
        if answer in ('n', 'no'):
            return False
        prompt = 'Enter "y" (overwrite) or "n" (cancel). '


def _fsync_directory(dirname):
    """Flushes a directory entry (so a completed rename survives a power loss); best effort."""
    if not hasattr(os, 'O_DIRECTORY'):
        return
    try:
        fd = os.open(dirname, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(filepath):
    """Context manager yielding a temporary path that replaces `filepath` on success.

    The temporary file lives in the same directory (so `os.replace` is an
    atomic rename on the same file system). It is flushed to disk before the
    rename. If the block raises, or the process dies, `filepath` is left
    exactly as it was; a killed process may leave a `.<name>.*.tmp` file
    behind, never a half-written `filepath`.

    Args:
        filepath: the final destination.

    Yields:
        The temporary path to write to.

    Example::

        with atomic_write('model.h5') as tmp:
            with h5py.File(tmp, 'w') as f:
                ...
    """
    filepath = os.fspath(filepath)
    dirname = os.path.dirname(os.path.abspath(filepath))
    fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(filepath) + '.', suffix='.tmp', dir=dirname)
    os.close(fd)
    try:
        yield tmp
        with open(tmp, 'rb') as f:
            os.fsync(f.fileno())
        if os.path.exists(filepath):
            # Keep the permissions the user gave the file we replace.
            try:
                os.chmod(tmp, os.stat(filepath).st_mode & 0o7777)
            except OSError:
                pass
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, filepath)
        _fsync_directory(dirname)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise


def to_text(value):
    """Decodes an HDF5 attribute value (str, bytes, numpy scalar) to `str`."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode('utf8')
    if isinstance(value, (str, np.str_)):
        return str(value)
    raise TypeError('Expected a string attribute, got %r' % (value,))


class H5Dict(object):
    """A small dict-like view of an HDF5 group used for both saving and loading.

    Args:
        group: an open `h5py.File` or `h5py.Group`.

    Example::

        with h5py.File('model.h5', 'w') as f:
            root = H5Dict(f)
            root.set_text('backend', 'numpy')
            weights = root.create_group('model_weights')
            weights.set_names('layer_names', ['dense_1'])
    """

    def __init__(self, group):
        self.group = group

    # -- structure ----------------------------------------------------------------------
    def __contains__(self, name):
        return name in self.group

    def subgroup(self, name):
        """The existing child group `name`, as an `H5Dict`.

        Raises:
            KeyError: there is no such group (the message names the path).
        """
        if name not in self.group:
            raise KeyError('No group "%s" in HDF5 group "%s"' % (name, self.group.name))
        return H5Dict(self.group[name])

    def create_group(self, name):
        """A new (or existing) child group `name`, as an `H5Dict`."""
        return H5Dict(self.group.require_group(name))

    def delete(self, name):
        """Removes the child `name` and every attribute `name`, `name0`, `name1`, ... if present."""
        if name in self.group:
            del self.group[name]
        self._delete_attr(name)

    # -- arrays --------------------------------------------------------------------------
    def set_array(self, name, value):
        """Writes `value` as the dataset `name` (intermediate groups are created for `/`)."""
        value = np.asarray(value)
        if name in self.group:
            del self.group[name]
        dataset = self.group.create_dataset(name, value.shape, dtype=value.dtype)
        if value.shape:
            dataset[:] = value
        else:
            dataset[()] = value

    def get_array(self, name):
        """Reads the dataset `name` as a numpy array.

        Raises:
            KeyError: no such dataset.
        """
        if name not in self.group:
            raise KeyError('No dataset "%s" in HDF5 group "%s"' % (name, self.group.name))
        return np.asarray(self.group[name][()])

    # -- attributes ----------------------------------------------------------------------
    def has_attr(self, name):
        """Whether the attribute `name` (or its chunks `name0`, ...) exists."""
        return name in self.group.attrs or (name + '0') in self.group.attrs

    def _delete_attr(self, name):
        if name in self.group.attrs:
            del self.group.attrs[name]
        i = 0
        while '%s%d' % (name, i) in self.group.attrs:
            del self.group.attrs['%s%d' % (name, i)]
            i += 1

    def set_text(self, name, text):
        """Writes a text attribute as UTF-8 bytes (variable length when over 64 KB)."""
        self._delete_attr(name)
        data = six.text_type(text).encode('utf8')
        if len(data) <= HDF5_OBJECT_HEADER_LIMIT:
            self.group.attrs[name] = np.bytes_(data)
        else:
            import h5py
            self.group.attrs.create(name, six.text_type(text), dtype=h5py.string_dtype('utf-8'))

    def get_text(self, name, default=None):
        """Reads a text attribute (str or bytes, fixed or variable length) as `str`."""
        if name not in self.group.attrs:
            return default
        return to_text(self.group.attrs[name])

    def set_names(self, name, names):
        """Writes a list of strings as UTF-8 bytes, in chunks `name0`, `name1`, ... if over 64 KB.

        Raises:
            RuntimeError: one name alone is over the limit.
        """
        self._delete_attr(name)
        encoded = [six.text_type(n).encode('utf8') for n in names]
        too_long = [n for n in encoded if len(n) > HDF5_OBJECT_HEADER_LIMIT]
        if too_long:
            raise RuntimeError('The following attribute values cannot be saved to HDF5 because they are '
                               'larger than %d bytes: %s' % (HDF5_OBJECT_HEADER_LIMIT, too_long[0][:80]))
        if not encoded:
            self.group.attrs[name] = np.zeros((0,), dtype='float64')
            return
        array = np.array(encoded, dtype='S')
        n_chunks = 1
        chunks = [array]
        while any(c.nbytes > HDF5_OBJECT_HEADER_LIMIT for c in chunks):
            n_chunks += 1
            chunks = np.array_split(array, n_chunks)
        if n_chunks == 1:
            self.group.attrs[name] = array
        else:
            for i, chunk in enumerate(chunks):
                self.group.attrs['%s%d' % (name, i)] = chunk

    def get_names(self, name):
        """Reads a list of strings written by `set_names` (or by Keras 2.2.4 / tf_keras).

        Returns:
            A list of `str`; `[]` for an empty (float64) array or a missing attribute.
        """
        if name in self.group.attrs:
            chunks = [self.group.attrs[name]]
        else:
            chunks = []
            while '%s%d' % (name, len(chunks)) in self.group.attrs:
                chunks.append(self.group.attrs['%s%d' % (name, len(chunks))])
        result = []
        for chunk in chunks:
            chunk = np.asarray(chunk)
            if chunk.dtype.kind not in 'SUO':  # the empty float64 array of an empty list
                if chunk.size:
                    raise TypeError('Attribute "%s" of "%s" should hold names, found %s data'
                                    % (name, self.group.name, chunk.dtype))
                continue
            result.extend(to_text(n) for n in chunk.reshape(-1))
        return result


from .hdf5_data import HDF5Matrix, h5dict  # noqa: E402,F401  (Keras 2's public names, kept in their own module)
