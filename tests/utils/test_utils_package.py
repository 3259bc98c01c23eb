"""The `minikeras.utils` package docstring names only what exists."""
import importlib
import re

import minikeras.utils as utils


def test_every_name_in_the_utils_docstring_exists():
    doc = utils.__doc__
    names = set(re.findall(r'`([A-Za-z_][A-Za-z_0-9]*)`', doc))
    # Names the docstring says are *not* provided.
    missing_on_purpose = set(re.findall(r"`([A-Za-z_][A-Za-z_0-9]*)` is not provided", doc))
    assert missing_on_purpose == set()
    submodules = {}
    for name in names:
        try:
            submodules[name] = importlib.import_module('minikeras.utils.' + name)
        except ImportError:
            pass
    for name in sorted(names - missing_on_purpose - set(submodules)):
        # An export, or a function of a submodule the docstring names (`layer_test` of `test_utils`).
        assert hasattr(utils, name) or any(hasattr(m, name) for m in submodules.values()), name


def test_utils_exports_are_listed_in_the_docstring():
    public = [name for name in dir(utils) if not name.startswith('_')
              and not type(getattr(utils, name)).__name__ == 'module']
    for name in public:
        assert '`%s`' % name in utils.__doc__, name
