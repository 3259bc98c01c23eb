"""`get_file`: download a file once into the Keras cache, verify it, extract it.

The cache is the one Keras 2 uses, so files an existing Keras install
downloaded are reused: `$KERAS_HOME` when set, else `~/.keras` (a `cache_dir`
argument overrides both), with files under `cache_subdir` (`datasets` by
default). A download goes to a temporary file next to the target and is
renamed only once it is complete and its hash matches, so an interrupted
download never leaves a half file under the final name. Archives are checked
member by member before anything is written: absolute paths, `..` escapes,
links and device files are refused.
"""
import hashlib
import os
import stat
import sys
import tarfile
import tempfile
import zipfile
from urllib.request import urlopen

from .progbar import Progbar

_CHUNK_SIZE = 1 << 16


class DownloadError(IOError):
    """A file could not be downloaded (offline, bad URL, server error) or failed its hash check."""


def keras_cache_dir():
    """The Keras cache directory: `$KERAS_HOME`, else `~/.keras` (`backend.keras_home`)."""
    from ..backend import keras_home
    return keras_home()


def _writable_dir(path):
    """Creates `path` if needed; returns whether files can be written there."""
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK)


def _resolve_algorithm(file_hash, algorithm):
    if algorithm == 'auto':
        return 'sha256' if len(file_hash) == 64 else 'md5'
    if algorithm not in ('sha256', 'md5'):
        raise ValueError("hash_algorithm must be 'auto', 'sha256' or 'md5'; received %r" % (algorithm,))
    return algorithm


def _hash_file(fpath, algorithm='sha256', chunk_size=65535):
    """Hex digest of a file's contents.

    Args:
        fpath: path of the file.
        algorithm: 'sha256' or 'md5' ('auto' means sha256 here, as there is no
            expected hash to guess from).
        chunk_size: bytes read at a time.

    Returns:
        The hash as a lowercase hex string.
    """
    hasher = hashlib.md5() if algorithm == 'md5' else hashlib.sha256()
    with open(fpath, 'rb') as f:
        for chunk in iter(lambda: f.read(chunk_size), b''):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm='auto', chunk_size=65535):
    """Whether a file's sha256 or md5 hash equals `file_hash`.

    Args:
        fpath: path of the file.
        file_hash: the expected hex digest.
        algorithm: 'sha256', 'md5' or 'auto' (sha256 for a 64-character
            hash, md5 otherwise).
        chunk_size: bytes read at a time.

    Returns:
        True when the hashes match.
    """
    algorithm = _resolve_algorithm(str(file_hash), algorithm)
    return _hash_file(fpath, algorithm, chunk_size) == str(file_hash).lower()


def _inside(root, name):
    target = os.path.realpath(os.path.join(root, name))
    return target == root or target.startswith(root + os.sep)


def _check_tar_members(archive, root, file_path):
    for member in archive.getmembers():
        if not (member.isfile() or member.isdir()):
            raise ValueError('Refusing to extract %s: member %r is a link or special file '
                             '(only regular files and directories are extracted).' % (file_path, member.name))
        if os.path.isabs(member.name) or not _inside(root, member.name):
            raise ValueError('Refusing to extract %s: member %r would be written outside %s.'
                             % (file_path, member.name, root))


def _check_zip_members(archive, root, file_path):
    for info in archive.infolist():
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ValueError('Refusing to extract %s: member %r is a symbolic link.' % (file_path, info.filename))
        name = info.filename
        if os.path.isabs(name) or name.startswith(('/', '\\')) or not _inside(root, name):
            raise ValueError('Refusing to extract %s: member %r would be written outside %s.'
                             % (file_path, name, root))


def _extract_archive(file_path, path='.', archive_format='auto'):
    """Extracts a tar (plain, gz, bz2, xz) or zip archive into `path`.

    Every member is checked before anything is written: a member with an
    absolute path, one whose path leaves `path` (`..`), a link or a device
    file makes the whole extraction fail.

    Args:
        file_path: the archive.
        path: the directory to extract into.
        archive_format: 'auto' (tar, then zip), 'tar', 'zip', a list of
            those, or None / [] (extract nothing).

    Returns:
        True if the file matched one of the formats and was extracted,
        False if it matched none.

    Raises:
        ValueError: an unknown format, or an unsafe member.
    """
    if archive_format is None:
        return False
    if archive_format == 'auto':
        archive_format = ['tar', 'zip']
    if isinstance(archive_format, str):
        archive_format = [archive_format]
    root = os.path.realpath(path)
    for kind in archive_format:
        if kind == 'tar':
            if not tarfile.is_tarfile(file_path):
                continue
            with tarfile.open(file_path) as archive:
                _check_tar_members(archive, root, file_path)
                os.makedirs(root, exist_ok=True)
                # Python >= 3.12 also filters members itself; the check above already ran.
                options = {'filter': 'data'} if hasattr(tarfile, 'data_filter') else {}
                for member in archive.getmembers():
                    archive.extract(member, root, set_attrs=False, **options)
            return True
        if kind == 'zip':
            if not zipfile.is_zipfile(file_path):
                continue
            with zipfile.ZipFile(file_path) as archive:
                _check_zip_members(archive, root, file_path)
                archive.extractall(root)
            return True
        raise ValueError("archive_format must be 'auto', 'tar', 'zip', a list of those or None; "
                         "received %r" % (kind,))
    return False


def _manual_hint(origin, fpath, file_hash, algorithm):
    hint = 'To use this file offline, download %s on another machine and copy it to %s' % (origin, fpath)
    if file_hash is not None:
        hint += ' (expected %s hash: %s)' % (algorithm, file_hash)
    return hint + '.'


def _download(origin, fpath, file_hash, algorithm):
    """Downloads `origin` to `fpath` through a temporary file in the same directory."""
    directory = os.path.dirname(fpath) or '.'
    fd, tmp_path = tempfile.mkstemp(prefix='.' + os.path.basename(fpath) + '.', suffix='.part', dir=directory)
    try:
        with os.fdopen(fd, 'wb') as out:
            try:
                response = urlopen(origin)
            except (OSError, ValueError) as e:  # URLError/HTTPError are OSErrors; a bad URL is a ValueError
                raise DownloadError('Could not download %s to %s: %s. %s'
                                    % (origin, fpath, getattr(e, 'reason', e),
                                       _manual_hint(origin, fpath, file_hash, algorithm)))
            with response:
                length = response.headers.get('Content-Length') if response.headers else None
                total = int(length) if length and length.strip().isdigit() else None
                bar = Progbar(total)
                done = 0
                for chunk in iter(lambda: response.read(_CHUNK_SIZE), b''):
                    out.write(chunk)
                    done += len(chunk)
                    bar.update(done)
                if total is None or done < total:
                    bar.target = done
                    bar.update(done)
        if file_hash is not None and not validate_file(tmp_path, file_hash, algorithm):
            raise DownloadError('The file downloaded from %s does not match the expected %s hash %s '
                                '(got %s); it was not saved to %s. %s'
                                % (origin, algorithm, file_hash, _hash_file(tmp_path, algorithm), fpath,
                                   _manual_hint(origin, fpath, file_hash, algorithm)))
        os.replace(tmp_path, fpath)
    except BaseException:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
        raise


def get_file(fname, origin, untar=False, md5_hash=None, file_hash=None, cache_subdir='datasets',
             hash_algorithm='auto', extract=False, archive_format='auto', cache_dir=None):
    """Downloads a file from a URL unless it is already in the cache.

    The file lands at `<cache_dir>/<cache_subdir>/<fname>` (an absolute
    `fname` or `cache_subdir` is used as is). `cache_dir` defaults to
    `$KERAS_HOME`, else `~/.keras`; when that is not writable, a `.keras`
    folder in the system temporary directory is used, as Keras 2 does.
    A cached file whose hash does not match `file_hash` is downloaded again.

    Args:
        fname: file name (or absolute path).
        origin: the URL (`http(s)://`, `ftp://` or `file://`).
        untar: deprecated form of `extract`: the file is saved as
            `fname + '.tar.gz'`, extracted into the cache folder, and the path
            without the suffix is returned.
        md5_hash: deprecated form of `file_hash` with `hash_algorithm='md5'`.
        file_hash: expected sha256 or md5 hex digest of the file.
        cache_subdir: sub-folder of the cache (or an absolute folder).
        hash_algorithm: 'auto' (from the hash's length), 'sha256' or 'md5'.
        extract: extract the file as an archive next to it.
        archive_format: 'auto', 'tar', 'zip', a list of those, or None.
        cache_dir: the cache root instead of `$KERAS_HOME` / `~/.keras`.

    Returns:
        The path of the file (for `untar`, of the extracted folder name).

    Raises:
        DownloadError (an IOError): the download failed or the downloaded file
            does not match `file_hash`; the message names the URL, the cache
            path and how to place the file there by hand.
        ValueError: an archive member would be written outside the cache
            folder, or is a link.
    """
    if cache_dir is None:
        cache_dir = keras_cache_dir()
    if md5_hash is not None and file_hash is None:
        file_hash = md5_hash
        hash_algorithm = 'md5'
    if file_hash is not None:
        hash_algorithm = _resolve_algorithm(str(file_hash), hash_algorithm)
    base = os.path.expanduser(cache_dir)
    if not _writable_dir(base):
        base = os.path.join(tempfile.gettempdir(), '.keras')
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)

    if untar:
        untar_fpath = os.path.join(datadir, fname)
        fpath = untar_fpath + '.tar.gz'
    else:
        fpath = os.path.join(datadir, fname)

    download = not os.path.exists(fpath)
    if not download and file_hash is not None and not validate_file(fpath, file_hash, hash_algorithm):
        print('The cached file %s does not match the expected %s hash %s (incomplete or outdated); '
              'downloading it again.' % (fpath, hash_algorithm, file_hash))
        download = True
    if download:
        print('Downloading data from %s' % origin)
        sys.stdout.flush()
        _download(origin, fpath, file_hash, hash_algorithm)

    if untar:
        if not os.path.exists(untar_fpath):
            _extract_archive(fpath, datadir, archive_format='tar')
        return untar_fpath
    if extract:
        _extract_archive(fpath, datadir, archive_format)
    return fpath
