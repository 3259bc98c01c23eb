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

Reading files from anywhere is safe: `check_hdf5_is_self_contained` refuses
every way an HDF5 file can make the library read something else (external
links, soft links, external raw storage, virtual datasets, unknown filters)
and data that is not a plain number array or declares more bytes than the
file stores; every problem is an `InvalidFileError` naming the file.
Writing is crash-safe: files are built in memory and written with
`write_file_atomically`; `hdf5_digest` is the checksum of everything that
HDF5's Fletcher-32 filter does not cover.
"""
import binascii
import builtins
import hashlib
import os
import sys

import numpy as np
import six

# Keras 2.2.4's limit for one attribute (the HDF5 object header holds 64 KB).
HDF5_OBJECT_HEADER_LIMIT = 64512

# The filters a dataset may use: deflate, shuffle, fletcher32, szip, nbit, scaleoffset (built into
# HDF5) and lzf (built into h5py). Any other id would make HDF5 look for a plugin library.
_KNOWN_FILTERS = (1, 2, 3, 4, 5, 6, 32000)
# A compressed dataset may expand this much (zlib's own limit is about 1032x), plus some slack
# for tiny datasets whose storage is not allocated yet.
_MAX_EXPANSION = 1100
_SLACK_BYTES = 1 << 16


class InvalidFileError(OSError, ValueError):
    """A file that cannot be read as a Keras model or weights file.

    The one error `load_model`, `load_weights`, `Network.load_weights` and
    the callbacks that load files raise for a bad file: missing, not HDF5,
    truncated, corrupted (a checksum does not match), refused for safety
    (links, external storage, virtual or oversized datasets), a layout that
    is not Keras', a broken or unknown config, or weights that do not fit
    the architecture. The message names the file and the problem.

    It derives from both `OSError` (IOError) and `ValueError`, the two types
    Keras 2 raised for these cases, so existing handlers keep working.
    """


_SIX_INPUT = six.moves.input  # resolved now, so that a later patch of it is seen as one


def _read_line(prompt):
    """`input(prompt)`; through `six.moves.input` when that was replaced (Keras 2.2 read
    answers there, and its tests patch it), else through `builtins.input`."""
    read = six.moves.input if six.moves.input is not _SIX_INPUT else builtins.input
    return read(prompt)


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
            answer = _read_line(prompt)
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


def _temporary_name(filepath):
    """`.<name>.<pid>-<16 hex>.tmp` next to `filepath`: the pid lets a later save see it is stale."""
    dirname, base = os.path.split(os.path.abspath(filepath))
    return os.path.join(dirname, '.%s.%d-%s.tmp' % (base, os.getpid(), binascii.hexlify(os.urandom(8)).decode()))


def _process_alive(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: the process exists but belongs to someone else
        return True
    return True


def remove_stale_temporaries(filepath):
    """Removes the temporary files that killed saves to `filepath` left behind.

    Only files named as `write_file_atomically` names them, whose writing
    process no longer exists, are removed: a save running at the same time
    in another process keeps its temporary file.

    Args:
        filepath: the destination whose leftovers are removed.

    Returns:
        The paths removed.
    """
    dirname, base = os.path.split(os.path.abspath(filepath))
    prefix = '.%s.' % base
    try:
        names = os.listdir(dirname)
    except OSError:
        return []
    removed = []
    for name in names:
        if not (name.startswith(prefix) and name.endswith('.tmp')):
            continue
        pid, sep, token = name[len(prefix):-len('.tmp')].partition('-')
        if not (sep and pid.isdigit() and len(token) == 16 and all(c in '0123456789abcdef' for c in token)):
            continue
        if _process_alive(int(pid)):
            continue
        try:
            os.remove(os.path.join(dirname, name))
            removed.append(os.path.join(dirname, name))
        except OSError:
            pass
    return removed


def _error_naming(error, filepath):
    """The OSError `error` (errno kept) re-raised about `filepath` instead of a temporary file."""
    reason = error.strerror or str(error)
    return OSError(error.errno, 'Could not write %s: %s' % (filepath, reason), filepath)


def write_file_atomically(filepath, data):
    """Writes `data` (bytes) to `filepath` so that the file is either the old one or the complete new one.

    The bytes go to a temporary file in the same directory with plain file
    I/O, are flushed with `fsync`, and the temporary file is renamed over
    `filepath`. Temporary files left by earlier saves that were killed
    (their process is gone) are removed first. The permissions of a file
    being replaced are kept; a new file gets the usual `0o666 & ~umask`.

    Args:
        filepath: the destination path.
        data: the complete file content (bytes-like).

    Raises:
        OSError: the write failed (full disk: `errno.ENOSPC`, file size
            limit: `errno.EFBIG`, permissions, ...). The message and
            `filename` name `filepath`, never the temporary file, and the
            temporary file is removed; `filepath` is left as it was.

    Example::

        write_file_atomically('model.h5', image_bytes)
    """
    filepath = os.fspath(filepath)
    remove_stale_temporaries(filepath)
    tmp = _temporary_name(filepath)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_BINARY', 0), 0o666)
    except OSError as e:
        raise _error_naming(e, filepath) from None
    try:
        try:
            view = memoryview(data).cast('B')
            while len(view):
                written = os.write(fd, view[:1 << 24])
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if os.path.exists(filepath):
            try:
                os.chmod(tmp, os.stat(filepath).st_mode & 0o7777)
            except OSError:
                pass
        os.replace(tmp, filepath)
    except BaseException as e:
        try:
            os.remove(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise _error_naming(e, filepath) from None
        raise
    _fsync_directory(os.path.dirname(os.path.abspath(filepath)))


def _link_kind(group, name):
    link = group.get(name, getlink=True)
    return type(link).__name__


def _check_dataset(dataset, where, source):
    """Raises InvalidFileError for a dataset that would read outside the file or is not a plain number array."""
    dcpl = dataset.id.get_create_plist()
    if dcpl.get_layout() == 3 or dataset.is_virtual:  # H5D_VIRTUAL
        raise InvalidFileError('%s: refusing to read it: dataset "%s" is a virtual dataset (its data comes from '
                               'other datasets or files). Nothing was read.' % (source, where))
    if dcpl.get_external_count():
        raise InvalidFileError('%s: refusing to read it: dataset "%s" keeps its data in an external file (HDF5 '
                               'external storage %r). Nothing was read.'
                               % (source, where, dcpl.get_external(0)[0]))
    codes = [dcpl.get_filter(i)[0] for i in range(dcpl.get_nfilters())]
    unknown = [c for c in codes if c not in _KNOWN_FILTERS]
    if unknown:
        raise InvalidFileError('%s: refusing to read it: dataset "%s" uses the unknown HDF5 filter %d (it would '
                               'need a plugin library). Nothing was read.' % (source, where, unknown[0]))
    dtype = dataset.dtype
    if dtype.kind not in 'biuf' or dtype.fields is not None or dtype.subdtype is not None:
        raise InvalidFileError('%s: dataset "%s" holds %s data; weights are arrays of numbers.'
                               % (source, where, dtype))
    declared = int(np.prod(dataset.shape, dtype=np.float64)) * dtype.itemsize if dataset.shape else \
        dtype.itemsize
    stored = dataset.id.get_storage_size()
    limit = stored * (_MAX_EXPANSION if any(c != 3 for c in codes) else 1) + _SLACK_BYTES
    if declared > limit:
        raise InvalidFileError('%s: refusing to read it: dataset "%s" declares shape %s (%d bytes) but the file '
                               'stores only %d bytes for it. Nothing was read.'
                               % (source, where, tuple(dataset.shape), declared, stored))
    if dataset.chunks is not None and dataset.size and hasattr(dataset.id, 'get_num_chunks'):
        _check_chunk_index(dataset, where, source)


def _check_chunk_index(dataset, where, source):
    """Every chunk of a chunked dataset must be stored once, at a valid position.

    HDF5 serves a missing chunk from the fill value, silently: a damaged
    chunk index (its entries carry no checksum in the HDF5 1.8 format)
    would otherwise load zeros instead of weights.
    """
    shape, chunks = dataset.shape, dataset.chunks
    counts = [-(-n // c) for n, c in zip(shape, chunks)]
    expected = int(np.prod(counts, dtype=np.float64))
    found = dataset.id.get_num_chunks()
    if found != expected:
        raise InvalidFileError('%s is corrupted: dataset "%s" should have %d stored chunks, its index lists %d.'
                               % (source, where, expected, found))
    if hasattr(dataset.id, 'chunk_iter'):  # one pass over the index (HDF5 >= 1.12.3)
        infos = []
        dataset.id.chunk_iter(infos.append)
    else:
        infos = [dataset.id.get_chunk_info(i) for i in range(found)]
    offsets = set()
    for info in infos:
        offset = tuple(info.chunk_offset)
        if any(o % c or o >= n for o, c, n in zip(offset, chunks, shape)) or offset in offsets:
            raise InvalidFileError('%s is corrupted: dataset "%s" lists a chunk at the invalid position %s.'
                                   % (source, where, offset))
        offsets.add(offset)


def check_hdf5_is_self_contained(group, source):
    """Checks, without reading any array, that `group` and everything below it are safe to read.

    Refused: external links, soft links (Keras files have none; they can
    point anywhere), datasets with external raw storage, virtual datasets,
    unknown filters, datasets of non-numeric types (strings, objects,
    compounds, complex numbers) and datasets that declare more bytes than
    the file stores (their reads would be served from fill values or
    decompression bombs).

    Args:
        group: an open `h5py.Group` or `h5py.File`.
        source: how to name the file in messages.

    Returns:
        The total number of array elements stored below `group`.

    Raises:
        InvalidFileError: naming the file, the object and the reason.
    """
    import h5py
    total, seen, stack = 0, set(), [group]
    while stack:
        current = stack.pop()
        for name in current:
            where = current.name.rstrip('/') + '/' + name
            kind = _link_kind(current, name)
            if kind == 'ExternalLink':
                link = current.get(name, getlink=True)
                raise InvalidFileError('%s: refusing to read it: "%s" is an external link to "%s" in file %r. '
                                       'Nothing was read.' % (source, where, link.path, link.filename))
            if kind != 'HardLink':
                raise InvalidFileError('%s: refusing to read it: "%s" is a %s (Keras files contain no links). '
                                       'Nothing was read.' % (source, where, kind))
            obj = current[name]
            key = hash(obj.id)
            if key in seen:
                continue
            seen.add(key)
            if isinstance(obj, h5py.Group):
                stack.append(obj)
            elif isinstance(obj, h5py.Dataset):
                _check_dataset(obj, where, source)
                total += int(obj.size or 0)
            else:
                raise InvalidFileError('%s: unexpected HDF5 object "%s" (%s).' % (source, where, type(obj).__name__))
    return total


def _digest_value(h, value):
    value = np.asarray(value)
    h.update(('%s%s' % (value.dtype.str, value.shape)).encode('utf8'))
    if value.dtype.kind == 'O':
        for item in value.reshape(-1):
            h.update(item if isinstance(item, bytes) else str(item).encode('utf8'))
            h.update(b'\0')
    else:
        h.update(np.ascontiguousarray(value).tobytes())


def hdf5_digest(group, exclude=()):
    """A SHA-256 hex digest of everything below `group` that Fletcher-32 does not protect.

    Covered: every group's and dataset's name and attributes (the JSON
    configs, layer and weight names), each dataset's shape and dtype, and
    the values of datasets stored without a Fletcher-32 checksum (scalars
    cannot have one). Written as an attribute by the savers and compared by
    the loaders, it turns a flipped byte into an error instead of a model
    that silently differs.

    Args:
        group: an open `h5py.Group`.
        exclude: attribute names of `group` itself left out (the digest).

    Returns:
        The hex digest (str).
    """
    import h5py
    h = hashlib.sha256()

    def visit_attrs(obj, skip):
        for key in sorted(obj.attrs):
            if key in skip:
                continue
            h.update(b'@' + key.encode('utf8') + b'\0')
            _digest_value(h, obj.attrs[key])

    visit_attrs(group, exclude)

    def visit(name, obj):
        h.update(b'/' + name.encode('utf8') + b'\0')
        visit_attrs(obj, ())
        if isinstance(obj, h5py.Dataset):
            h.update(('%s%s' % (obj.dtype.str, obj.shape)).encode('utf8'))
            if not obj.fletcher32:
                _digest_value(h, obj[()])

    group.visititems(visit)
    return h.hexdigest()


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
        """Writes `value` as the dataset `name` (intermediate groups are created for `/`).

        Arrays carry HDF5's Fletcher-32 checksum (chunked storage, no
        compression), so a corrupted byte is an error on reading.
        """
        value = np.asarray(value)
        if name in self.group:
            del self.group[name]
        if value.shape:
            # Fletcher-32 (a standard HDF5 filter, read by every h5py) detects corrupted data on reading.
            self.group.create_dataset(name, data=value, fletcher32=True)
        else:  # HDF5 cannot checksum a scalar; `hdf5_digest` covers it
            self.group.create_dataset(name, data=value)

    def get_dataset(self, name):
        """The dataset `name` as an `h5py.Dataset`, nothing read yet.

        Raises:
            KeyError: no such dataset.
        """
        import h5py
        if name not in self.group or not isinstance(self.group[name], h5py.Dataset):
            raise KeyError('No dataset "%s" in HDF5 group "%s"' % (name, self.group.name))
        return self.group[name]

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
