"""`DistributedOptimizer`: any minikeras optimizer, with gradients averaged over all processes.

Each process computes the gradients of its own batch; one fused buffer holding
all of them is averaged across processes (a single allreduce per step), and
`clipnorm`/`clipvalue` then act on the averaged gradients, so every process
applies exactly the same update. With per-process batches of `b` rows taken
from consecutive slices of a global batch of `size() * b` rows, the update is
the one a single process makes on the global batch.
"""
import copy

from .. import backend as K
from ..models import load_model as _load_model
from . import runtime

_distributed_classes = {}


def _distributed_class(base):
    """A subclass of `base` that averages gradients; it keeps `base`'s class
    name so configs and saved files name the plain optimizer."""
    if getattr(base, '_is_distributed', False):
        return base
    if base not in _distributed_classes:
        def combine_gradients(self, grads):
            grads = base.combine_gradients(self, grads)
            if runtime.size() == 1:
                return grads
            shapes = [K.int_shape(g) for g in grads]
            flat = K.concatenate([K.reshape(g, (-1,)) for g in grads], axis=0)
            if self._communicator is None:
                self._communicator = runtime.MeanCommunicator()
            mean = K.cross_process_mean(flat, self._communicator)
            averaged, start = [], 0
            for g, shape in zip(grads, shapes):
                count = int(_product(shape))
                averaged.append(K.reshape(mean[start:start + count], shape))
                start += count
            return averaged

        _distributed_classes[base] = type(base.__name__, (base,), {
            'combine_gradients': combine_gradients, '_is_distributed': True, '_communicator': None,
            '__module__': base.__module__,
            '__doc__': 'Data-parallel %s: gradients averaged over all processes before the update.'
                       % base.__name__})
    return _distributed_classes[base]


def _product(shape):
    result = 1
    for dim in shape:
        if dim is None:
            raise ValueError('DistributedOptimizer: every trainable weight needs a fully known shape, got %s'
                             % (shape,))
        result *= dim
    return result


def DistributedOptimizer(optimizer, compression=None):
    """Wraps `optimizer` so that its gradients are averaged over all processes.

    Args:
        optimizer: a minikeras optimizer instance (its hyper-parameter
            variables and any state it already holds are shared with the
            returned optimizer).
        compression: None, or 'fp16' to send the gradients as float16.

    Returns:
        An optimizer of the same class name and config, for `model.compile`.

    Raises:
        ImportError: the `[mpi]` extra is missing.
        TypeError: `optimizer` is not an optimizer instance.
    """
    from ..optimizers import Optimizer
    if not isinstance(optimizer, Optimizer):
        raise TypeError('DistributedOptimizer: expected a minikeras optimizer instance, got %r '
                        '(use e.g. optimizers.get(%r))' % (optimizer, optimizer))
    runtime.init()
    wrapped = copy.copy(optimizer)
    wrapped.__class__ = _distributed_class(type(optimizer))
    wrapped._communicator = runtime.MeanCommunicator(compression)
    return wrapped


def load_model(filepath, custom_objects=None, compression=None, **kwargs):
    """`minikeras.models.load_model` with the stored optimizer made a
    `DistributedOptimizer` (its saved state restored), so training resumes on
    every process of an MPI run.

    Args:
        filepath: the `.h5` file (written by a single process or by rank 0 of a run).
        custom_objects: as for `load_model`; optimizer classes among them are
            made distributed too.
        compression: None or 'fp16', as for `DistributedOptimizer`.
        **kwargs: other `load_model` arguments.
    """
    from .. import optimizers
    runtime.init()
    custom_objects = dict(custom_objects or {})
    classes = {name: cls for name, cls in vars(optimizers).items()
               if isinstance(cls, type) and issubclass(cls, optimizers.Optimizer) and cls is not optimizers.Optimizer}
    classes.update({name: obj for name, obj in custom_objects.items()
                    if isinstance(obj, type) and issubclass(obj, optimizers.Optimizer)})
    for name, cls in classes.items():
        distributed = _with_compression(_distributed_class(cls), compression)
        for key in (name, name.lower(), cls.__name__, 'Custom>' + cls.__name__):
            custom_objects.setdefault(key, distributed)
            if custom_objects[key] is cls:
                custom_objects[key] = distributed
    return _load_model(filepath, custom_objects=custom_objects, **kwargs)


def _with_compression(cls, compression):
    if compression is None:
        return cls

    def build(**config):
        optimizer = cls.from_config(config)
        optimizer._communicator = runtime.MeanCommunicator(compression)
        return optimizer
    return build
