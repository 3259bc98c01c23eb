"""get_file: cache hits, downloads through a temporary file, hash checks, safe extraction, offline errors.

Every origin is a file:// URL to a file made in a temporary folder; nothing here touches the network.
"""
import hashlib
import io
import os
import pathlib
import tarfile
import zipfile

import pytest

from minikeras.utils import data_utils, get_file
from minikeras.utils.downloads import DownloadError, _extract_archive, _hash_file, keras_cache_dir, validate_file

CONTENT = b'Float like a butterfly, sting like a bee.'


def _url(path):
    return pathlib.Path(str(path)).resolve().as_uri()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    home = tmp_path / 'keras_home'
    monkeypatch.setenv('KERAS_HOME', str(home))
    return home


@pytest.fixture
def origin(tmp_path):
    src = tmp_path / 'src' / 'payload.txt'
    src.parent.mkdir()
    src.write_bytes(CONTENT)
    return src


def _tar_gz(path, members):
    with tarfile.open(str(path), 'w:gz') as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_keras_2_paths_bind_the_same_functions():
    assert data_utils.get_file is get_file
    assert data_utils.validate_file is validate_file
    assert data_utils._hash_file is _hash_file
    assert data_utils._extract_archive is _extract_archive


def test_cache_dir_is_keras_home_else_home_dot_keras(monkeypatch, tmp_path):
    monkeypatch.setenv('KERAS_HOME', str(tmp_path))
    assert keras_cache_dir() == str(tmp_path)
    monkeypatch.delenv('KERAS_HOME')
    assert keras_cache_dir() == os.path.join(os.path.expanduser('~'), '.keras')


def test_download_lands_under_cache_subdir_and_leaves_no_temporary_file(cache, origin, capsys):
    path = get_file('data.txt', _url(origin))
    assert path == str(cache / 'datasets' / 'data.txt')
    assert open(path, 'rb').read() == CONTENT
    assert os.listdir(str(cache / 'datasets')) == ['data.txt']
    assert 'Downloading data from ' + _url(origin) in capsys.readouterr().out


def test_cache_hit_does_not_read_the_origin(cache, origin):
    get_file('data.txt', _url(origin))
    origin.unlink()  # a second download would fail now
    assert open(get_file('data.txt', _url(origin)), 'rb').read() == CONTENT


def test_cache_dir_argument_and_absolute_subdir(tmp_path, origin):
    path = get_file('a.txt', _url(origin), cache_dir=str(tmp_path / 'c'), cache_subdir='models')
    assert path == str(tmp_path / 'c' / 'models' / 'a.txt')
    absolute = tmp_path / 'elsewhere'
    path = get_file('b.txt', _url(origin), cache_dir=str(tmp_path / 'c'), cache_subdir=str(absolute))
    assert path == str(absolute / 'b.txt')


def test_hash_helpers_sha256_and_md5(origin):
    sha = hashlib.sha256(CONTENT).hexdigest()
    md5 = hashlib.md5(CONTENT).hexdigest()
    assert _hash_file(str(origin)) == sha
    assert _hash_file(str(origin), algorithm='md5') == md5
    assert validate_file(str(origin), sha) and validate_file(str(origin), md5)
    assert validate_file(str(origin), md5, algorithm='md5')
    assert not validate_file(str(origin), '0' * 64)
    with pytest.raises(ValueError, match='hash_algorithm'):
        validate_file(str(origin), md5, algorithm='sha1')


@pytest.mark.parametrize('kwargs', [
    {'file_hash': hashlib.sha256(CONTENT).hexdigest()},
    {'file_hash': hashlib.md5(CONTENT).hexdigest()},
    {'md5_hash': hashlib.md5(CONTENT).hexdigest()},
    {'file_hash': hashlib.sha256(CONTENT).hexdigest(), 'hash_algorithm': 'sha256'},
])
def test_matching_hash_is_accepted(cache, origin, kwargs):
    path = get_file('data.txt', _url(origin), **kwargs)
    assert open(path, 'rb').read() == CONTENT


def test_stale_cached_file_is_downloaded_again(cache, origin, capsys):
    target = cache / 'datasets' / 'data.txt'
    target.parent.mkdir(parents=True)
    target.write_bytes(b'half a fi')
    path = get_file('data.txt', _url(origin), file_hash=hashlib.sha256(CONTENT).hexdigest())
    assert open(path, 'rb').read() == CONTENT
    assert 'downloading it again' in capsys.readouterr().out


def test_downloaded_file_with_wrong_hash_is_not_saved(cache, origin):
    with pytest.raises(DownloadError) as info:
        get_file('data.txt', _url(origin), file_hash='0' * 64)
    message = str(info.value)
    assert _url(origin) in message and str(cache / 'datasets' / 'data.txt') in message
    assert hashlib.sha256(CONTENT).hexdigest() in message
    assert os.listdir(str(cache / 'datasets')) == []


def test_offline_error_names_url_cache_path_and_manual_placement(cache, tmp_path):
    missing = _url(tmp_path / 'nowhere' / 'mnist.npz')
    with pytest.raises(DownloadError) as info:
        get_file('mnist.npz', missing, file_hash='a' * 64)
    message = str(info.value)
    target = str(cache / 'datasets' / 'mnist.npz')
    assert missing in message and target in message
    assert 'copy it to ' + target in message and 'a' * 64 in message
    assert isinstance(info.value, IOError)
    assert os.listdir(str(cache / 'datasets')) == []


def test_unsupported_url_scheme_is_a_download_error(cache):
    with pytest.raises(DownloadError, match='nosuchscheme://x'):
        get_file('x', 'nosuchscheme://x')


def test_interrupted_download_leaves_no_file(cache, origin, monkeypatch):
    from minikeras.utils import downloads

    class Boom(object):
        def __init__(self, *args, **kwargs):
            pass

        def update(self, current):
            raise KeyboardInterrupt

    monkeypatch.setattr(downloads, 'Progbar', Boom)
    with pytest.raises(KeyboardInterrupt):
        get_file('data.txt', _url(origin))
    assert os.listdir(str(cache / 'datasets')) == []


def test_untar_extracts_next_to_the_archive(cache, tmp_path):
    archive = _tar_gz(tmp_path / 'pack.tar.gz', {'pack/a.txt': b'A', 'pack/sub/b.txt': b'B'})
    path = get_file('pack', _url(archive), untar=True)
    assert path == str(cache / 'datasets' / 'pack')
    assert (cache / 'datasets' / 'pack.tar.gz').exists()
    assert (cache / 'datasets' / 'pack' / 'sub' / 'b.txt').read_bytes() == b'B'


def test_extract_zip_and_tar(cache, tmp_path):
    zpath = tmp_path / 'z.zip'
    with zipfile.ZipFile(str(zpath), 'w') as z:
        z.writestr('zdir/z.txt', 'zip!')
    path = get_file('z.zip', _url(zpath), extract=True)
    assert path == str(cache / 'datasets' / 'z.zip')
    assert (cache / 'datasets' / 'zdir' / 'z.txt').read_text() == 'zip!'
    tpath = _tar_gz(tmp_path / 't.tar.gz', {'t.txt': b'tar!'})
    get_file('t.tar.gz', _url(tpath), extract=True, archive_format='tar')
    assert (cache / 'datasets' / 't.txt').read_bytes() == b'tar!'


def test_extract_archive_formats(tmp_path):
    tpath = _tar_gz(tmp_path / 't.tar.gz', {'t.txt': b'x'})
    assert not _extract_archive(str(tpath), str(tmp_path / 'o'), archive_format='zip')
    assert not _extract_archive(str(tpath), str(tmp_path / 'o'), archive_format=None)
    assert not _extract_archive(str(tmp_path / 't.tar.gz'), str(tmp_path / 'o'), archive_format=[])
    with pytest.raises(ValueError, match='rar'):
        _extract_archive(str(tpath), str(tmp_path / 'o'), archive_format='rar')
    assert _extract_archive(str(tpath), str(tmp_path / 'o'), archive_format=['zip', 'tar'])
    plain = tmp_path / 'plain.txt'
    plain.write_bytes(b'not an archive')
    assert not _extract_archive(str(plain), str(tmp_path / 'o'))


@pytest.mark.parametrize('name', ['../escape.txt', '/abs/escape.txt', 'ok/../../escape.txt'])
def test_tar_members_escaping_the_target_are_refused(tmp_path, name):
    archive = _tar_gz(tmp_path / 'bad.tar.gz', {'good.txt': b'g', name: b'evil'})
    out = tmp_path / 'out'
    with pytest.raises(ValueError, match='outside'):
        _extract_archive(str(archive), str(out))
    assert not (tmp_path / 'escape.txt').exists()
    assert not (out / 'good.txt').exists()  # checked before anything is written


@pytest.mark.parametrize('kind', [tarfile.SYMTYPE, tarfile.LNKTYPE])
def test_tar_links_are_refused(tmp_path, kind):
    path = tmp_path / 'link.tar'
    with tarfile.open(str(path), 'w') as tar:
        info = tarfile.TarInfo('innocent')
        info.type = kind
        info.linkname = '/etc/passwd'
        tar.addfile(info)
    with pytest.raises(ValueError, match='link'):
        _extract_archive(str(path), str(tmp_path / 'out'))


def test_zip_members_escaping_the_target_and_symlinks_are_refused(tmp_path):
    path = tmp_path / 'bad.zip'
    with zipfile.ZipFile(str(path), 'w') as z:
        z.writestr('../escape.txt', 'evil')
    with pytest.raises(ValueError, match='outside'):
        _extract_archive(str(path), str(tmp_path / 'out'))
    path = tmp_path / 'link.zip'
    with zipfile.ZipFile(str(path), 'w') as z:
        info = zipfile.ZipInfo('link')
        info.external_attr = (0o120777 << 16)
        z.writestr(info, '/etc/passwd')
    with pytest.raises(ValueError, match='symbolic link'):
        _extract_archive(str(path), str(tmp_path / 'out'))
