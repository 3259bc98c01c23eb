"""The few graph nodes the graph machinery itself builds, reached without importing `ops/`.

The graph engine (tensors, the op contract, gradients, the compiler) is defined
below the op definitions: ops import it, never the other way round. Where the
engine needs a node (a Python value turned into a tensor for an op input or an
update, the zeros of an unrelated gradient, the ones seeding `gradients`, the
sum that undoes broadcasting), it calls the function registered here under that
node's hook name. `minikeras.backend.ops` registers all of them when it is
imported, which every graph that contains an op has done.

Hooks:
    as_tensor(value): a Python number, numpy array or list as a tensor.
    constant(value, dtype): a constant tensor of `dtype`.
    zeros_like(x), ones_like(x): a tensor of x's shape and dtype.
    unbroadcast(g, x): `g` summed over the axes on which `x` was broadcast.
"""

HOOK_NAMES = ('as_tensor', 'constant', 'zeros_like', 'ones_like', 'unbroadcast')

_registered = {}


def register(**functions):
    """Registers the functions the engine calls, by hook name (see module docs).

    Raises:
        ValueError: for a name that is not one of `HOOK_NAMES`.
    """
    unknown = sorted(set(functions) - set(HOOK_NAMES))
    if unknown:
        raise ValueError('Unknown graph hook(s) %s; the hooks are %s' % (', '.join(unknown), ', '.join(HOOK_NAMES)))
    _registered.update(functions)


def hook(name):
    """The function registered under `name`.

    Raises:
        RuntimeError: when nothing registered it (`minikeras.backend.ops` was never imported).
    """
    try:
        return _registered[name]
    except KeyError:
        raise RuntimeError('The graph hook %r is not registered; importing minikeras.backend.ops '
                           'registers it' % (name,))
