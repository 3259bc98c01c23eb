"""Optimizers: the Keras 2.2 update rules on backend variables.

Every optimizer turns a loss and a list of parameters into a list of backend
updates (`K.update(...)` tensors or `(variable, value)` pairs) that
`K.function(..., updates=...)` applies after each step::

    opt = Adam(lr=0.001)
    updates = opt.get_updates(loss=loss, params=params)
    train = K.function(inputs, [loss], updates=updates)

The base class `Optimizer` does the bookkeeping shared by all rules: the
`iterations` counter, the learning-rate variable and its time-based decay,
gradient clipping (`clipnorm` with one global norm, then `clipvalue`, the
Keras 2.2 order), parameter constraints, the state list `weights` in the
Keras 2.2.4 order, `get_weights`/`set_weights` and the config. A built-in
optimizer only writes its rule in three hooks:

* `create_slots(params)`: the state variables, as one list per slot kind;
* `prepare(lr)`: scalar tensors computed once per step (e.g. Adam's `lr_t`);
* `update_step(param, grad, slots, hyper)`: the new parameter and new slots.

A user optimizer may use the same hooks, or override `get_updates(loss,
params)` entirely, as Keras 2 optimizers are written (see docs/optimizers.md).
The Keras 2.0 call order `get_updates(params, constraints, loss)` is still
accepted by every optimizer, including subclasses.

Layout: `base.py` (the `Optimizer` bookkeeping, `clip_norm`), `rules.py` (the
update rules), `tf_keras_formats.py` (the optimizers of tf.keras / tf-keras
`.h5` files: their configs, state layouts and saving back); this module holds the registry (`serialize`, `deserialize`,
`get`) and the public names, importable as `minikeras.optimizers.Adam`.
"""
from ..utils.generic_utils import get_custom_objects, registry_functions
from .base import Optimizer, clip_norm
from .rules import SGD, Adadelta, Adafactor, Adagrad, Adam, Adamax, Ftrl, Lion, Nadam, RMSprop

__all__ = ['Optimizer', 'SGD', 'RMSprop', 'Adagrad', 'Adadelta', 'Adam', 'Adamax', 'Nadam', 'Ftrl', 'Lion',
           'Adafactor', 'sgd', 'rmsprop', 'adagrad', 'adadelta', 'adam', 'adamax', 'nadam', 'ftrl', 'lion',
           'adafactor',
           'clip_norm', 'serialize', 'deserialize', 'get']

# Aliases (Keras 2 lower-case names).
sgd = SGD
rmsprop = RMSprop
adagrad = Adagrad
adadelta = Adadelta
adam = Adam
adamax = Adamax
nadam = Nadam
ftrl = Ftrl
lion = Lion
adafactor = Adafactor

_ALL_CLASSES = {'sgd': SGD, 'rmsprop': RMSprop, 'adagrad': Adagrad, 'adadelta': Adadelta, 'adam': Adam,
                'adamax': Adamax, 'nadam': Nadam, 'ftrl': Ftrl, 'lion': Lion,
                'adafactor': Adafactor}


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------
def _prepare_config(config, custom_objects):
    """Checks an optimizer config and names its built-in class the Keras 2.2.4 way.

    Built-in class names match case-insensitively (`'adam'`, `'Adam'`,
    `'ADAM'`), with or without tf-keras's `Custom>` prefix; user classes are found in `custom_objects` or the global
    custom object scope, and take precedence over a built-in of the same name.

    Raises:
        ValueError: malformed config.
    """
    if not isinstance(config, dict) or 'class_name' not in config:
        raise ValueError('Could not interpret optimizer config %r (expected a dict with "class_name" and '
                         '"config")' % (config,))
    name = config['class_name']
    custom = custom_objects or {}
    if str(name).startswith('Custom>') and name not in custom and name not in get_custom_objects():
        name = config['class_name'] = name[len('Custom>'):]  # tf-keras's registration prefix
    if name not in custom and name not in get_custom_objects() and str(name).lower() in _ALL_CLASSES:
        # Keras 2.2.4 lower-cases the caller's dict in place, and code comparing configs relies on it.
        config['class_name'] = str(name).lower()
    config = dict(config)
    config.setdefault('config', {})
    return config


# get: an `Optimizer` instance (returned unchanged), a name such as 'adam' (default arguments) or a config dict.
serialize, deserialize, get = registry_functions('optimizer', lambda: _ALL_CLASSES, names_are_classes=True,
                                                 accepts=lambda obj: isinstance(obj, Optimizer),
                                                 prepare=_prepare_config, describe=str)
