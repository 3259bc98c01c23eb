"""Import hook that makes `import keras...` load `minikeras...` (the drop-in yardstick).

Loaded as a pytest plugin (`-p keras_alias`, with this folder on `PYTHONPATH`) or
imported by a script before it imports `keras`. Every `keras` or `keras.x.y`
import resolves to the very same module object as `minikeras` /
`minikeras.x.y`, so `keras.layers.Dense is minikeras.layers.Dense`.
Nothing here is imported by the package itself.
"""
import importlib
import importlib.abc
import importlib.util
import sys

_ALIAS = 'keras'
_TARGET = 'minikeras'


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target_name):
        self.target_name = target_name

    def create_module(self, spec):
        return importlib.import_module(self.target_name)

    def exec_module(self, module):
        pass  # the target module is already executed


class KerasAliasFinder(importlib.abc.MetaPathFinder):
    """Resolves `keras[.sub]` to `minikeras[.sub]` for every import."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != _ALIAS and not fullname.startswith(_ALIAS + '.'):
            return None
        target_name = _TARGET + fullname[len(_ALIAS):]
        if importlib.util.find_spec(target_name) is None:
            return None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(target_name))


def install():
    """Puts the alias finder first on `sys.meta_path` (idempotent)."""
    if not any(isinstance(finder, KerasAliasFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, KerasAliasFinder())


install()
