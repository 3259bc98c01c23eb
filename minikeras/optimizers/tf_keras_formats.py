"""Optimizers saved by tf.keras and tf-keras in HDF5 files: their configs, their state, and saving back.

Three generations of optimizer write the `training_config` and
`optimizer_weights` of Keras 2 `.h5` files:

* **Keras 2.2 / 2.3 and minikeras** (`'keras2'`): the configs and state
  lists minikeras's own classes read and write (`optimizers.deserialize`).
* **tf.keras `OptimizerV2`** (`'tf_legacy'`): TensorFlow 2.0-2.10 and
  `tf.keras.optimizers.legacy.*` after; configs with `name` and
  `learning_rate`, state `[iter] + slots` (see `Optimizer.set_weights`).
* **tf.keras 2.11+ / tf-keras optimizers** (`'tf_new'`): configs with
  `is_legacy_optimizer: false` (class names `Custom>Adam`, ...), the
  arguments `weight_decay`, `use_ema`, `jit_compile`, ..., and state
  `[iteration] + (EMA averages) + slots in build order`, named
  `<name>/<slot>/<variable>`.

`optimizer_from_config` maps a saved config to the minikeras rule with the
same update: tf.keras's per-variable `clipnorm`, its clipping order and the
decoupled `weight_decay` are reproduced, and the 2.11+ `RMSprop`/`Adagrad`
(epsilon inside the square root) and `Nadam` (momentum schedule `0.96^t`)
keep their formulas; a learning-rate schedule object as `learning_rate`
becomes the matching `optimizers.schedules` function of `iterations`. The
optimizer remembers where it came from
(`tf_keras_origin`), so that `saved_config` / `saved_state` write the file
back in the layout that generation reads. Arguments with no minikeras
equivalent raise a ValueError, or warn when the model stays usable
(`use_ema=True`); both name the file, the optimizer and the argument.
"""
import warnings

import numpy as np

from .. import backend as K
from .base import clip_norm
from . import schedules
from .rules import SGD, Adadelta, Adafactor, Adagrad, Adam, Adamax, Ftrl, Lion, Nadam, RMSprop

__all__ = ['KERAS2', 'TF_LEGACY', 'TF_NEW', 'generation_of', 'optimizer_from_config', 'restore_state',
           'saved_config', 'saved_state']

KERAS2, TF_LEGACY, TF_NEW = 'keras2', 'tf_legacy', 'tf_new'

# Arguments of every tf.keras 2.11+ optimizer (`optimizer.py`), and of every OptimizerV2.
_NEW_COMMON = ('name', 'weight_decay', 'clipnorm', 'global_clipnorm', 'clipvalue', 'use_ema', 'ema_momentum',
               'ema_overwrite_frequency', 'jit_compile', 'is_legacy_optimizer', 'learning_rate')
_LEGACY_COMMON = ('name', 'clipnorm', 'global_clipnorm', 'clipvalue', 'learning_rate', 'lr', 'decay',
                  'is_legacy_optimizer')


class _Spec(object):
    """How one tf.keras optimizer maps onto a minikeras rule.

    Args:
        base: the minikeras rule class.
        arguments: the class's own config keys, passed on unchanged.
        new_groups: the 2.11+ state after `iteration`: groups of slot
            names, each group repeated per variable in turn
            (`[['m', 'v']]` gives `m0, v0, m1, v1, ...`).
        legacy_slots: the OptimizerV2 slot names, one block per kind.
    """

    def __init__(self, base, arguments, new_groups, legacy_slots):
        self.base = base
        self.arguments = tuple(arguments)
        self.new_groups = new_groups
        self.legacy_slots = legacy_slots


_SPECS = {
    'SGD': _Spec(SGD, ('momentum', 'nesterov'), [['m']], ['momentum']),
    'RMSprop': _Spec(RMSprop, ('rho', 'momentum', 'epsilon', 'centered'),
                     [['velocity'], ['momentum'], ['average_gradient']], ['rms', 'momentum', 'mg']),
    'Adagrad': _Spec(Adagrad, ('initial_accumulator_value', 'epsilon'), [['accumulator']], ['accumulator']),
    'Adadelta': _Spec(Adadelta, ('rho', 'epsilon'), [['accumulated_grad', 'accumulated_delta_var']],
                      ['accum_grad', 'accum_var']),
    'Adam': _Spec(Adam, ('beta_1', 'beta_2', 'epsilon', 'amsgrad'), [['m', 'v'], ['vhat']], ['m', 'v', 'vhat']),
    'AdamW': _Spec(Adam, ('beta_1', 'beta_2', 'epsilon', 'amsgrad'), [['m', 'v'], ['vhat']], None),
    'Adamax': _Spec(Adamax, ('beta_1', 'beta_2', 'epsilon'), [['m', 'u']], ['m', 'v']),
    'Nadam': _Spec(Nadam, ('beta_1', 'beta_2', 'epsilon'), [['m', 'v']], ['m', 'v']),
    'Ftrl': _Spec(Ftrl, ('learning_rate_power', 'initial_accumulator_value', 'l1_regularization_strength',
                         'l2_regularization_strength', 'l2_shrinkage_regularization_strength', 'beta'),
                  [['accumulator', 'linear']], ['accumulator', 'linear']),
    'Lion': _Spec(Lion, ('beta_1', 'beta_2'), [['m']], None),
    'Adafactor': _Spec(Adafactor, ('beta_2_decay', 'epsilon_1', 'epsilon_2', 'clip_threshold', 'relative_step'),
                       [['r', 'c', 'v']], None),
}


# --------------------------------------------------------------------------------------------
# Which generation wrote a config
# --------------------------------------------------------------------------------------------
def _is_tf_keras_version(keras_version):
    """True for the `keras_version` tf.keras / tf-keras write ('2.2.4-tf', '2.4.0', ..., '2.21.0')."""
    if not keras_version:
        return False
    version = str(keras_version)
    if version.endswith('-tf'):
        return True
    try:
        major, minor = (int(part) for part in version.split('.')[:2])
    except ValueError:
        return False
    return (major, minor) >= (2, 4)


def _class_name(config):
    """The optimizer's class name without tf-keras's `Custom>` registration prefix."""
    name = str(config.get('class_name', ''))
    return name[len('Custom>'):] if name.startswith('Custom>') else name


def generation_of(config, keras_version=None):
    """The generation (`KERAS2`, `TF_LEGACY` or `TF_NEW`) that wrote an optimizer config.

    Args:
        config: the `{"class_name", "config"}` dict of `optimizer_config`.
        keras_version: the file's `keras_version` attribute.
    """
    inner = config.get('config') or {}
    module = str(config.get('module') or '')
    legacy_flag = inner.get('is_legacy_optimizer') if isinstance(inner, dict) else None
    if legacy_flag is False or (legacy_flag is None and str(config.get('class_name', '')).startswith('Custom>')):
        return TF_NEW
    if legacy_flag is True or 'legacy' in module.split('.'):
        return TF_LEGACY
    if isinstance(inner, dict) and 'name' in inner and 'learning_rate' in inner and 'lr' not in inner:
        return TF_LEGACY
    return TF_LEGACY if _is_tf_keras_version(keras_version) else KERAS2


# --------------------------------------------------------------------------------------------
# The behaviour of tf.keras optimizers on top of a minikeras rule
# --------------------------------------------------------------------------------------------
class TFKerasOrigin(object):
    """What a tf.keras optimizer config says beyond the minikeras rule, and how to write it back.

    Attributes:
        generation: `TF_LEGACY` or `TF_NEW`.
        class_name: the tf.keras class (`'Adam'`, `'AdamW'`, ...).
        entry: the saved `{"class_name", "config", ...}` dict, kept for saving back.
        clipnorm: per-variable norm clip (tf.keras's `clipnorm`).
        global_clipnorm: clip by the global norm of all gradients.
        clipvalue: elementwise clip.
        weight_decay: decoupled weight decay (2.11+): `p <- p - lr * wd * p`
            before the update, with the gradient taken at the old `p`.
        schedule: the learning-rate schedule (`optimizers.schedules`) that
            replaces the `lr` variable, or None.
    """

    def __init__(self, generation, class_name, entry, clipnorm=None, global_clipnorm=None, clipvalue=None,
                 weight_decay=None, schedule=None):
        self.generation = generation
        self.class_name = class_name
        self.entry = entry
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.weight_decay = weight_decay
        self.schedule = schedule

    def clip(self, grads):
        """Clips gradients as that generation does.

        OptimizerV2 applies `clipvalue`, then the per-variable `clipnorm`,
        then `global_clipnorm`; the 2.11+ optimizers apply only the first of
        `clipnorm`, `global_clipnorm`, `clipvalue` that is set.
        """
        steps = [('clipvalue', self.clipvalue), ('clipnorm', self.clipnorm),
                 ('global_clipnorm', self.global_clipnorm)]
        if self.generation == TF_NEW:
            steps = [steps[1], steps[2], steps[0]]
            steps = [next(((k, v) for k, v in steps if v), (None, None))]
        for kind, value in steps:
            if not value or value <= 0:
                continue
            if kind == 'clipvalue':
                grads = [K.clip(g, -value, value) for g in grads]
            elif kind == 'clipnorm':
                grads = [clip_norm(g, value, K.sqrt(K.sum(K.square(g)))) for g in grads]
            else:
                norm = K.sqrt(sum([K.sum(K.square(g)) for g in grads]))
                grads = [clip_norm(g, value, norm) for g in grads]
        return grads


class _TFKerasBehaviour(object):
    """Mixin: the clipping and weight decay of `self.tf_keras_origin` around a minikeras rule."""

    tf_keras_origin = None

    def get_gradients(self, loss, params):
        # The rule was built without clipnorm/clipvalue: only tf.keras's clipping applies.
        return self.tf_keras_origin.clip(super(_TFKerasBehaviour, self).get_gradients(loss, params))

    def _decayed_lr(self):
        schedule = self.tf_keras_origin.schedule
        if schedule is None:
            return super(_TFKerasBehaviour, self)._decayed_lr()
        # As tf.keras: the schedule at the step count before this update, then OptimizerV2's `decay`.
        iterations = K.cast(self.iterations, K.floatx())
        lr = schedule(iterations)
        if getattr(self, 'initial_decay', 0) > 0:
            lr = lr / (1. + self.decay * iterations)
        return lr

    def prepare(self, lr):
        hyper = dict(super(_TFKerasBehaviour, self).prepare(lr))
        hyper['tf_keras_lr'] = lr
        return hyper

    def update_step(self, p, g, slots, hyper):
        decay = self.tf_keras_origin.weight_decay
        if decay:
            p = p - p * (hyper['tf_keras_lr'] * decay)
        return super(_TFKerasBehaviour, self).update_step(p, g, slots, hyper)


class _RMSpropNew(RMSprop):
    """tf.keras 2.11+ RMSprop: `epsilon` inside the square root in every variant."""

    def update_step(self, p, g, slots, hyper):
        a = slots[0]
        new_a = self.rho * a + hyper['one_minus_rho'] * K.square(g)
        new_slots = [new_a]
        denom = new_a
        if self.centered:
            new_mg = self.rho * slots[-1] + hyper['one_minus_rho'] * g
            denom = new_a - K.square(new_mg)
        increment = hyper['lr'] * g / K.sqrt(denom + self.epsilon)
        if self.momentum > 0:
            increment = self.momentum * slots[1] + increment
            new_slots.append(increment)
        if self.centered:
            new_slots.append(new_mg)
        return p - increment, new_slots


class _AdagradNew(Adagrad):
    """tf.keras 2.11+ Adagrad: `p - lr * g / sqrt(a + epsilon)`."""

    def update_step(self, p, g, slots, hyper):
        new_a = slots[0] + K.square(g)
        return p - hyper['lr'] * g / K.sqrt(new_a + self.epsilon), [new_a]


_CLASSES = {}


def _behaviour_class(base, name):
    """The subclass of `base` with tf.keras's clipping and weight decay, named `name` (one per base, cached)."""
    if base not in _CLASSES:
        _CLASSES[base] = type(name, (_TFKerasBehaviour, base),
                              {'__doc__': '%s with the gradient clipping, weight decay and learning-rate schedule '
                                          'of the tf.keras optimizer it was loaded from.' % name,
                               '__module__': __name__})
    return _CLASSES[base]


# --------------------------------------------------------------------------------------------
# Config -> optimizer
# --------------------------------------------------------------------------------------------
def _fail(source, class_name, argument, why):
    raise ValueError('%s: optimizer %s: argument %s %s' % (source, class_name, argument, why))


def optimizer_from_config(config, source, keras_version=None):
    """The minikeras optimizer for a tf.keras optimizer config, or None for a Keras 2.2 config.

    Args:
        config: the `optimizer_config` dict of `training_config`.
        source: the file, for messages.
        keras_version: the file's `keras_version` attribute.

    Returns:
        An optimizer of the rule's class (with `tf_keras_origin` set), or
        None when the config is Keras 2.2 / minikeras's own or names a class
        that is not a tf.keras built-in (then `optimizers.deserialize`, with
        the user's `custom_objects`, takes it).

    Raises:
        ValueError: an argument minikeras cannot honour (a learning-rate
            schedule it does not have, an unknown argument),
            naming file, optimizer and argument.
    """
    class_name = _class_name(config)
    if class_name.startswith('LossScaleOptimizer'):
        inner_optimizer = (config.get('config') or {}).get('inner_optimizer')
        if not isinstance(inner_optimizer, dict):
            _fail(source, class_name, 'inner_optimizer', 'is missing')
        warnings.warn('%s: optimizer %s: the dynamic loss scaling of mixed precision has no minikeras equivalent '
                      '(minikeras computes in float32, where it changes nothing); training resumes with its '
                      'inner_optimizer %s.' % (source, class_name, _class_name(inner_optimizer)), stacklevel=3)
        return optimizer_from_config(inner_optimizer, source, keras_version)
    generation = generation_of(config, keras_version)
    if generation == KERAS2:
        return None
    spec = _SPECS.get(class_name)
    if spec is None:
        return None  # a user optimizer: custom_objects decides
    if generation == TF_LEGACY and spec.legacy_slots is None:
        return None
    inner = dict(config.get('config') or {})
    common = _NEW_COMMON if generation == TF_NEW else _LEGACY_COMMON
    unknown = sorted(k for k in inner if k not in common and k not in spec.arguments)
    if unknown:
        _fail(source, class_name, ', '.join(unknown), 'is not understood (tf.keras %s optimizer, generation %s)'
              % (class_name, generation))
    lr = inner.get('learning_rate', inner.get('lr'))
    schedule = None
    if isinstance(lr, dict):
        try:
            schedule = schedules.deserialize(lr)
        except ValueError as e:
            _fail(source, class_name, 'learning_rate', 'is not understood: %s; load with compile=False and use a '
                  'callback such as LearningRateScheduler' % e)
        lr = float(K.eval(schedule(K.constant(0.))))  # the value of `lr`, which the schedule replaces
    if inner.get('use_ema'):
        warnings.warn('%s: optimizer %s: argument use_ema=True (a moving average of the weights, copied into '
                      'the model at the end of fit) has no minikeras equivalent; the saved weights are used and '
                      'training resumes without the average.' % (source, class_name), stacklevel=3)
    kwargs = {k: inner[k] for k in spec.arguments if k in inner}
    if lr is not None:
        kwargs['lr'] = lr
    if generation == TF_LEGACY and class_name != 'Nadam' and inner.get('decay'):
        kwargs['decay'] = inner['decay']
    if generation == TF_LEGACY and class_name == 'Nadam' and 'decay' in inner:
        kwargs['schedule_decay'] = inner['decay']
    if generation == TF_NEW and class_name == 'Nadam':
        kwargs['schedule_decay'] = 1.0  # u_t = beta_1 * (1 - 0.5 * 0.96^t)
    if class_name == 'Ftrl':
        kwargs['learning_rate'] = kwargs.pop('lr', 0.001)
    if class_name == 'AdamW' and inner.get('weight_decay') is None:
        inner['weight_decay'] = 0.004
    base = spec.base
    if generation == TF_NEW and base is RMSprop:
        base = _RMSpropNew
    elif generation == TF_NEW and base is Adagrad:
        base = _AdagradNew
    try:
        optimizer = _behaviour_class(base, spec.base.__name__)(**kwargs)
    except (TypeError, ValueError) as e:
        raise ValueError('%s: optimizer %s: %s' % (source, class_name, e))
    optimizer.tf_keras_origin = TFKerasOrigin(
        generation, class_name, config, clipnorm=inner.get('clipnorm'), global_clipnorm=inner.get('global_clipnorm'),
        clipvalue=inner.get('clipvalue'), weight_decay=inner.get('weight_decay') if generation == TF_NEW else None,
        schedule=schedule)
    return optimizer


# --------------------------------------------------------------------------------------------
# State: the file's lists <-> the optimizer's slot variables
# --------------------------------------------------------------------------------------------
def _slots_by_kind(optimizer, class_name):
    """`(iterations, {kind: [variable per parameter]})` in tf.keras slot names, from `optimizer.weights`.

    Raises:
        ValueError: the optimizer has no state yet.
    """
    weights = list(optimizer.weights)
    if not weights:
        raise ValueError('the optimizer has no state yet')
    if isinstance(optimizer, RMSprop):
        kinds = ['velocity'] + (['momentum'] if optimizer.momentum > 0 else []) + \
            (['average_gradient'] if optimizer.centered else [])
        n = len(weights) // len(kinds)
        return optimizer.iterations, {k: weights[i * n:(i + 1) * n] for i, k in enumerate(kinds)}
    if isinstance(optimizer, Adagrad):
        return optimizer.iterations, {'accumulator': weights}
    if isinstance(optimizer, Adadelta):
        n = len(weights) // 2
        return optimizer.iterations, {'accumulated_grad': weights[:n], 'accumulated_delta_var': weights[n:]}
    if isinstance(optimizer, Ftrl):
        return weights[0], {'accumulator': weights[1::2], 'linear': weights[2::2]}
    kinds = {SGD: ['m'], Adam: ['m', 'v', 'vhat'], Adamax: ['m', 'u'], Nadam: ['m', 'v'], Lion: ['m'],
             Adafactor: ['r', 'c', 'v']}
    kinds = next(v for cls, v in kinds.items() if isinstance(optimizer, cls))
    n = (len(weights) - 1) // len(kinds)
    slots = {k: weights[1 + i * n:1 + (i + 1) * n] for i, k in enumerate(kinds)}
    if isinstance(optimizer, Adam) and not optimizer.amsgrad:
        del slots['vhat']
    return weights[0], slots


def _unfactored(class_name, kind, slots, i):
    """True for Adafactor's `r`/`c` of a parameter of rank < 2, which tf.keras does not save."""
    return class_name == 'Adafactor' and kind in ('r', 'c') and len(K.int_shape(slots['v'][i])) < 2


def _new_order(class_name, slots):
    """The 2.11+ state order after `iteration`: [(kind, parameter index)].

    Adafactor keeps its factored `r`, `c` only for parameters of rank >= 2.
    """
    order = []
    for group in _SPECS[class_name].new_groups:
        group = [kind for kind in group if kind in slots]
        if group:
            n = len(slots[group[0]])
            order += [(kind, i) for i in range(n) for kind in group if not _unfactored(class_name, kind, slots, i)]
    return order


def _slot_kind(name, class_name, optimizer_name=None):
    """The slot in a 2.11+ weight name: `<optimizer>/<slot>/<variable path>:0`, or `<slot>/<variable path>:0`
    inside a loss-scale optimizer; 'iteration' for the step counter, None if the name is neither."""
    parts = str(name).split(':')[0].split('/')
    if parts[-1] == 'iteration':
        return 'iteration'
    kinds = set(kind for group in _SPECS[class_name].new_groups for kind in group) | {'average'}
    if len(parts) >= 3 and parts[0] == optimizer_name and parts[1] in kinds:
        return parts[1]
    if len(parts) >= 2 and parts[0] in kinds:
        return parts[0]
    if len(parts) >= 3 and parts[1] in kinds:
        return parts[1]
    return None


def restore_state(optimizer, names, values, source):
    """Sets the optimizer state from a file's `optimizer_weights` (names and arrays, in file order).

    A tf.keras 2.11+ state is matched slot by slot (the moving averages of
    `use_ema` are dropped); other layouts go through `set_weights`, which
    reads Keras 2.2.4's and OptimizerV2's lists.

    Raises:
        ValueError: the state does not fit the model's parameters.
    """
    origin = getattr(optimizer, 'tf_keras_origin', None)
    if origin is None or origin.generation != TF_NEW:
        optimizer.set_weights(values)
        return
    iterations, slots = _slots_by_kind(optimizer, origin.class_name)
    kinds = [_slot_kind(n, origin.class_name, (origin.entry.get('config') or {}).get('name')) for n in names]
    pairs = [(kind, v) for kind, v in zip(kinds, values) if kind != 'average']
    expected = [('iteration', None)] + _new_order(origin.class_name, slots)
    if [k for k, _ in pairs] != [k for k, _ in expected]:
        raise ValueError('%s: the saved state of optimizer %s (%s) does not match the model (%d parameters: %s)'
                         % (source, origin.class_name, _short([k for k, _ in pairs]), len(optimizer.weights),
                            _short([k for k, _ in expected])))
    assignments = []
    for (kind, i), (_, value) in zip(expected, pairs):
        variable = iterations if kind == 'iteration' else slots[kind][i]
        if tuple(K.int_shape(variable)) != tuple(np.shape(value)):
            raise ValueError('%s: optimizer %s slot %s #%d has shape %s in the file, %s in the model'
                             % (source, origin.class_name, kind, i, np.shape(value), K.int_shape(variable)))
        assignments.append((variable, np.asarray(value, dtype=K.dtype(variable))))
    K.batch_set_value(assignments)
    if isinstance(optimizer, Nadam):
        optimizer._restore_m_schedule(int(K.get_value(iterations)))


def _short(items, limit=6):
    items = list(items)
    text = ', '.join(str(i) for i in items[:limit])
    return text + (', ... (%d in all)' % len(items) if len(items) > limit else '')


# --------------------------------------------------------------------------------------------
# Saving back
# --------------------------------------------------------------------------------------------
def saved_config(optimizer):
    """The `optimizer_config` entry to write: the tf.keras form for an optimizer loaded from one, else Keras 2.2's.

    The learning rate is the current one (callbacks may have changed it),
    or the schedule read from the file;
    `use_ema` is written as false, since minikeras keeps no moving average.
    """
    origin = getattr(optimizer, 'tf_keras_origin', None)
    if origin is None:
        return {'class_name': optimizer.__class__.__name__, 'config': optimizer.get_config()}
    entry = dict(origin.entry)
    inner = dict(entry.get('config') or {})
    if origin.schedule is None:
        inner['learning_rate' if 'lr' not in inner else 'lr'] = float(K.get_value(optimizer.lr))
    if inner.get('use_ema'):
        inner['use_ema'] = False  # trained here without the average: the state written has none
    entry['config'] = inner
    return entry


def _param_name(param, i):
    name = str(getattr(param, 'name', None) or 'param_%d' % i).split(':')[0]
    return name


def saved_state(optimizer, params):
    """`(names, arrays)` of the optimizer state to write, in the layout of the generation it came from.

    Args:
        optimizer: the model's optimizer (with state).
        params: the model's trainable weights (for the slot names).
    """
    weights = list(getattr(optimizer, 'weights', None) or [])
    origin = getattr(optimizer, 'tf_keras_origin', None)
    if origin is None or not weights:
        return None
    prefix = (origin.entry.get('config') or {}).get('name') or origin.class_name
    iterations, slots = _slots_by_kind(optimizer, origin.class_name)
    names = [_param_name(p, i) for i, p in enumerate(params)]
    if origin.generation == TF_NEW:
        entries = [('iteration:0', iterations)]
        entries += [('%s/%s/%s:0' % (prefix, kind, names[i] if i < len(names) else 'param_%d' % i),
                     slots[kind][i]) for kind, i in _new_order(origin.class_name, slots)]
    else:
        entries = [('%s/iter:0' % prefix, iterations)]
        if isinstance(optimizer, Nadam):
            entries.append(('%s/momentum_cache:0' % prefix, optimizer.m_schedule))
        legacy_kinds = _SPECS[origin.class_name].legacy_slots
        file_kinds = dict(zip(_SPECS[origin.class_name].new_groups and
                              [k for group in _SPECS[origin.class_name].new_groups for k in group], legacy_kinds))
        if isinstance(optimizer, SGD) and float(K.get_value(optimizer.momentum)) == 0:
            slots = {}
        order = _new_order(origin.class_name, slots)
        if not isinstance(optimizer, Ftrl):  # OptimizerV2 creates slots kind by kind, Ftrl's per variable
            order = sorted(order, key=lambda ki: [k for k, _ in order].index(ki[0]))
        entries += [('%s/%s/%s:0' % (prefix, names[i] if i < len(names) else 'param_%d' % i, file_kinds[kind]),
                     slots[kind][i]) for kind, i in order]
    return [n for n, _ in entries], K.batch_get_value([v for _, v in entries])
