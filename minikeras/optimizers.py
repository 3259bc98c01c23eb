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
"""
import functools
import inspect
import warnings

import numpy as np
import six

from . import backend as K
from .utils.generic_utils import deserialize_keras_object, serialize_keras_object
from .utils.generic_utils import get_custom_objects

__all__ = ['Optimizer', 'SGD', 'RMSprop', 'Adagrad', 'Adadelta', 'Adam', 'Adamax', 'Nadam', 'Ftrl',
           'sgd', 'rmsprop', 'adagrad', 'adadelta', 'adam', 'adamax', 'nadam', 'ftrl',
           'clip_norm', 'serialize', 'deserialize', 'get']

# Keyword arguments every optimizer accepts. `name` (tf.keras) is stored only;
# `global_clipnorm` is tf_keras's name for Keras 2.2's global `clipnorm`;
# `is_legacy_optimizer` appears in some tf_keras configs and is ignored.
_BASE_KWARGS = ('clipnorm', 'clipvalue', 'name', 'global_clipnorm', 'is_legacy_optimizer')


def clip_norm(g, c, n):
    """Scales gradient `g` by `c / n` when the norm `n` is at least `c` (Keras 2.2 `clip_norm`).

    Args:
        g: a gradient tensor.
        c: the clipping threshold (a Python float); `c <= 0` disables clipping.
        n: the norm used for the decision (a scalar tensor), usually the
            global norm of all gradients.

    Returns:
        `g * c / n` if `n >= c`, else `g`, computed as `g * (c / max(n, c))`
        so that only one elementwise product touches `g`.
    """
    if c <= 0:
        return g
    return g * (c / K.maximum(n, c))


# --------------------------------------------------------------------------------------------
# Legacy call order support
# --------------------------------------------------------------------------------------------
def _parse_get_updates_args(args, kwargs):
    """Returns (loss, params, constraints, legacy) for both call orders of get_updates."""
    unknown = set(kwargs) - {'loss', 'params', 'constraints'}
    if unknown:
        raise TypeError('get_updates() got unexpected keyword argument(s): %s (expected loss, params and, '
                        'in the Keras 2.0 order, constraints)' % ', '.join(sorted(unknown)))
    legacy = len(args) >= 3 or 'constraints' in kwargs or (len(args) == 2 and 'loss' in kwargs)
    names = ['params', 'constraints', 'loss'] if legacy else ['loss', 'params']
    if len(args) > len(names):
        raise TypeError('get_updates() takes at most %d positional arguments (%d given)' % (len(names), len(args)))
    values = dict(kwargs)
    for name, value in zip(names, args):
        if name in values:
            raise TypeError('get_updates() got multiple values for argument %r' % name)
        values[name] = value
    for name in ('loss', 'params'):
        if name not in values:
            raise TypeError('get_updates() missing required argument %r' % name)
    if legacy:
        warnings.warn('The `get_updates(params, constraints, loss)` call order is Keras 2.0 style; '
                      'use `get_updates(loss=loss, params=params)` and set `constraint` on the variables.',
                      stacklevel=3)
    return values['loss'], values['params'], values.get('constraints'), legacy


def _constraint_pairs(params, constraints):
    """Normalises Keras 2.0 `constraints` (a dict param -> fn, or a list aligned with params)."""
    if not constraints:
        return []
    if isinstance(constraints, dict):
        return [(p, c) for p, c in constraints.items() if c is not None]
    constraints = list(constraints)
    if len(constraints) != len(params):
        raise ValueError('get_updates: %d constraints given for %d parameters; pass a dict {param: constraint} '
                         'or one entry (or None) per parameter' % (len(constraints), len(params)))
    return [(p, c) for p, c in zip(params, constraints) if c is not None]


def _legacy_get_updates_support(func):
    """Wraps a `get_updates` so that both Keras 2 call orders reach it.

    A method written as `get_updates(self, loss, params)` receives Keras 2.0
    `constraints` through `Optimizer.apply_constraint`; a method written in the
    Keras 2.0 form `get_updates(self, params, constraints, loss)` receives its
    arguments in that form whichever order the caller used.
    """
    arg_names = list(inspect.signature(func).parameters)[1:4]
    old_signature = arg_names == ['params', 'constraints', 'loss']

    @functools.wraps(func)
    def wrapper(self, *args, **kwargs):
        loss, params, constraints, _ = _parse_get_updates_args(args, kwargs)
        if old_signature:
            return func(self, params, constraints if constraints is not None else {}, loss)
        if not constraints:
            return func(self, loss=loss, params=params)
        previous = getattr(self, '_legacy_constraints', None)
        self._legacy_constraints = _constraint_pairs(params, constraints)
        try:
            return func(self, loss=loss, params=params)
        finally:
            self._legacy_constraints = previous

    wrapper._handles_legacy_order = True
    return wrapper


def _learning_rate_arg(lr, kwargs, default):
    """Resolves `lr` and its newer spelling `learning_rate` (popped from kwargs)."""
    learning_rate = kwargs.pop('learning_rate', None)
    if learning_rate is not None:
        if lr is not None and float(lr) != float(learning_rate):
            raise TypeError('Got both lr=%r and learning_rate=%r; they are the same argument, give one'
                            % (lr, learning_rate))
        lr = learning_rate
    if 'lr' in kwargs:  # Ftrl takes learning_rate, and accepts lr as its alias
        alias = kwargs.pop('lr')
        if lr is not None and float(lr) != float(alias):
            raise TypeError('Got both learning_rate=%r and lr=%r; they are the same argument, give one'
                            % (lr, alias))
        lr = alias
    return default if lr is None else lr


def _scalar(value, what):
    """The Python float of a hyper-parameter (a number or a 0-d variable)."""
    if K.is_tensor(value):
        value = K.get_value(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError('%s must be a number, got %r' % (what, value))


# --------------------------------------------------------------------------------------------
# Base class
# --------------------------------------------------------------------------------------------
class Optimizer(object):
    """Abstract optimizer base class: bookkeeping shared by all update rules.

    Args:
        clipnorm: if > 0, all gradients are scaled together so that their
            global L2 norm (over all parameters) is at most `clipnorm`.
        clipvalue: if > 0, each gradient element is clipped to
            `[-clipvalue, clipvalue]` (after `clipnorm`, the Keras 2.2 order).
        name: accepted for tf.keras compatibility; stored as `self.name`.
        global_clipnorm: tf_keras's name for the global `clipnorm`.

    Raises:
        TypeError: any other keyword argument (naming it).

    Attributes:
        iterations: int64 scalar variable, the number of updates applied.
        lr: the learning-rate variable (`K.get_value`/`K.set_value` read and
            change it during training); `learning_rate` is the same variable.
        weights: the optimizer's state variables in the Keras 2.2.4 order,
            filled by `get_updates`.
        updates: the updates created by the last `get_updates` call.
    """

    def __init__(self, **kwargs):
        for key in kwargs:
            if key not in _BASE_KWARGS:
                raise TypeError('Unexpected keyword argument passed to optimizer: ' + str(key))
        clipnorm = kwargs.get('clipnorm')
        global_clipnorm = kwargs.get('global_clipnorm')
        if clipnorm is not None and global_clipnorm is not None and clipnorm != global_clipnorm:
            raise TypeError('Got both clipnorm=%r and global_clipnorm=%r; in minikeras both mean the global '
                            'norm clip, give one' % (clipnorm, global_clipnorm))
        self.clipnorm = clipnorm if clipnorm is not None else global_clipnorm
        self.clipvalue = kwargs.get('clipvalue')
        if self.clipnorm is not None and self.clipnorm < 0:
            raise ValueError('clipnorm must be >= 0, got %r' % (self.clipnorm,))
        if self.clipvalue is not None and self.clipvalue < 0:
            raise ValueError('clipvalue must be >= 0, got %r' % (self.clipvalue,))
        self.name = kwargs.get('name')
        self.updates = []
        self.weights = []
        self._legacy_constraints = None
        self.iterations = K.variable(0, dtype='int64', name=self._scoped('iterations'))

    def __init_subclass__(cls, **kwargs):
        super(Optimizer, cls).__init_subclass__(**kwargs)
        method = cls.__dict__.get('get_updates')
        if method is not None and not getattr(method, '_handles_legacy_order', False):
            cls.get_updates = _legacy_get_updates_support(method)

    def _scoped(self, name):
        return '%s/%s' % (self.__class__.__name__, name)

    # -- learning rate ------------------------------------------------------------------------
    @property
    def learning_rate(self):
        """The learning-rate variable (the same object as `lr`)."""
        return self.lr

    @learning_rate.setter
    def learning_rate(self, value):
        if K.is_variable(value):
            self.lr = value
        else:
            K.set_value(self.lr, value)

    def _decayed_lr(self):
        """`lr / (1 + decay * iterations)` when the optimizer was built with `decay > 0`, else `lr`.

        `iterations` is read before this step's increment (updates are simultaneous).
        """
        lr = getattr(self, 'lr', None)
        if lr is not None and getattr(self, 'initial_decay', 0) > 0:
            lr = lr * (1. / (1. + self.decay * K.cast(self.iterations, K.dtype(self.decay))))
        return lr

    # -- gradients and constraints ----------------------------------------------------------
    def get_gradients(self, loss, params):
        """Gradients of `loss` w.r.t. `params`, clipped by global norm then by value.

        Raises:
            ValueError: a gradient is None (an op in the path has no gradient).
        """
        grads = K.gradients(loss, params)
        if any(g is None for g in grads):
            raise ValueError('An operation has `None` for gradient. Please make sure that all of your ops '
                             'have a gradient defined (i.e. are differentiable). Common ops without gradient: '
                             'K.argmax, K.round, K.eval.')
        if self.clipnorm is not None and self.clipnorm > 0:
            norm = K.sqrt(sum([K.sum(K.square(g)) for g in grads]))
            grads = [clip_norm(g, self.clipnorm, norm) for g in grads]
        if self.clipvalue is not None and self.clipvalue > 0:
            grads = [K.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def apply_constraint(self, param, new_value):
        """`new_value` passed through the parameter's constraint, if it has one.

        The constraint is the one given in the Keras 2.0 `constraints` argument
        of `get_updates`, else the variable's own `constraint` attribute.
        """
        for p, constraint in (getattr(self, '_legacy_constraints', None) or []):
            if p is param:
                return constraint(new_value)
        constraint = getattr(param, 'constraint', None)
        if constraint is not None:
            return constraint(new_value)
        return new_value

    # -- the update template ------------------------------------------------------------------
    @_legacy_get_updates_support
    def get_updates(self, loss, params):
        """Builds the updates of one training step.

        Args:
            loss: scalar loss tensor.
            params: list of variables to train.

        Returns:
            The list of updates (also kept in `self.updates`); `self.weights`
            is set to the optimizer state in the Keras 2.2.4 order.

        The Keras 2.0 call order `get_updates(params, constraints, loss)` is
        also accepted.
        """
        if type(self).update_step is Optimizer.update_step:
            self.update_step(None, None, [], {})  # raises the NotImplementedError that explains what to write
        params = list(params)
        grads = self.get_gradients(loss, params)
        self.updates = [K.update_add(self.iterations, 1)]
        hyper = self.prepare(self._decayed_lr())
        slots = [list(kind) for kind in self.create_slots(params)]
        for kind in slots:
            if len(kind) != len(params):
                raise ValueError('%s.create_slots returned a slot list of length %d for %d parameters'
                                 % (self.__class__.__name__, len(kind), len(params)))
        self.weights = self.state_weights(slots)
        for i, (p, g) in enumerate(zip(params, grads)):
            own = [kind[i] for kind in slots]
            new_p, new_slots = self.update_step(p, g, own, hyper)
            for slot, new_slot in zip(own, new_slots):
                if new_slot is not None:
                    self.updates.append(K.update(slot, new_slot))
            self.updates.append(K.update(p, self.apply_constraint(p, new_p)))
        return self.updates

    def create_slots(self, params):
        """Creates the state variables: a list of slot kinds, each with one variable per parameter."""
        return []

    def prepare(self, lr):
        """Scalar tensors shared by all parameters in one step (`lr` is already decayed)."""
        return {'lr': lr}

    def update_step(self, param, grad, slots, hyper):
        """The rule for one parameter.

        Args:
            param: the parameter variable.
            grad: its (clipped) gradient.
            slots: this parameter's state variables, one per slot kind.
            hyper: the dict returned by `prepare`.

        Returns:
            `(new_param, new_slots)`: new values (tensors), with `new_slots`
            aligned with `slots` (None leaves a slot unchanged).
        """
        raise NotImplementedError('%s must implement get_updates(loss, params), or create_slots / '
                                  'update_step' % self.__class__.__name__)

    def state_weights(self, slots):
        """The state list `weights` from the slot lists (Keras 2.2.4: `[iterations] + kind1 + kind2 ...`)."""
        return [self.iterations] + [v for kind in slots for v in kind]

    @staticmethod
    def _zeros_like(params):
        return [K.zeros(K.int_shape(p), dtype=K.dtype(p)) for p in params]

    # -- state --------------------------------------------------------------------------------
    def get_weights(self):
        """The current values of the optimizer state (`self.weights`) as numpy arrays."""
        return K.batch_get_value(self.weights)

    def set_weights(self, weights):
        """Sets the optimizer state from numpy arrays (in the order of `get_weights`).

        Call it after the updates exist (after `get_updates`, e.g. after the
        model's training function was built): before that the optimizer has
        no state. The state lists that tf_keras's legacy optimizers save in
        HDF5 files (section 4.3 of the fixtures README: `iter` first, no Adam
        vhat placeholders, Nadam's `momentum_cache`, no SGD moments when
        momentum is 0) are recognised and translated.

        Raises:
            ValueError: the number of arrays or a shape does not match.
        """
        params = self.weights
        weights = [np.asarray(w) for w in weights]
        extra = []
        if params and len(params) != len(weights):
            converted = self._from_tf_keras_layout(weights)
            if converted is not None:
                weights, extra = converted
        if len(params) != len(weights):
            raise ValueError('Length of the specified weight list (%d) does not match the number of weights '
                             'of the optimizer (%d)%s' % (len(weights), len(params),
                                                          '' if params else '; the optimizer has no state yet '
                                                          '(call get_updates, or build the training function, '
                                                          'first)'))
        pairs = []
        for i, (p, w) in enumerate(zip(params, weights)):
            pv = K.get_value(p)
            if pv.shape != w.shape:
                raise ValueError('Optimizer weight shape %s not compatible with provided weight shape %s '
                                 '(optimizer weight %d, %s)' % (pv.shape, w.shape, i, getattr(p, 'name', None)))
            pairs.append((p, w))
        K.batch_set_value(pairs + extra)

    def _from_tf_keras_layout(self, weights):
        """Translates a tf_keras legacy state list to this optimizer's layout.

        Returns:
            `(weights, extra)` with `extra` a list of (variable, value) pairs
            for state outside `weights`, or None when `weights` is not in the
            tf_keras layout.
        """
        return None

    def _leading_iterations(self, weights):
        """tf_keras layout `[iter] + slots` for optimizers whose Keras 2.2.4 state has no iterations."""
        if len(weights) == len(self.weights) + 1 and weights[0].ndim == 0:
            return weights[1:], [(self.iterations, weights[0])]
        return None

    # -- config -------------------------------------------------------------------------------
    def get_config(self):
        """The constructor arguments; clipnorm/clipvalue/name only when they were given."""
        config = {}
        if self.clipnorm is not None:
            config['clipnorm'] = self.clipnorm
        if self.clipvalue is not None:
            config['clipvalue'] = self.clipvalue
        if getattr(self, 'name', None) is not None:
            config['name'] = self.name
        return config

    @classmethod
    def from_config(cls, config):
        """Creates an optimizer from `get_config()` output."""
        return cls(**config)

    def _hyper(self, name):
        return float(K.get_value(getattr(self, name)))


# --------------------------------------------------------------------------------------------
# The Keras 2.2 rules
# --------------------------------------------------------------------------------------------
class SGD(Optimizer):
    """Stochastic gradient descent with momentum, Nesterov momentum and time-based decay.

    `v = momentum * m - lr * g; m = v; p = p + v` (Nesterov:
    `p = p + momentum * v - lr * g`).

    Args:
        lr: learning rate >= 0 (default 0.01). `learning_rate` is an alias.
        momentum: float >= 0 (default 0.0).
        decay: learning-rate decay per update (default 0.0).
        nesterov: use Nesterov momentum (default False).
        **kwargs: `clipnorm`, `clipvalue`, `name` (see `Optimizer`).

    With `momentum=0` at the time `get_updates` runs, the shorter form
    `v = -lr * g` is built (the same numbers); momentum set later with
    `K.set_value` then has no effect, as in tf.keras.
    """

    def __init__(self, lr=None, momentum=0., decay=0., nesterov=False, **kwargs):
        lr = _learning_rate_arg(lr, kwargs, 0.01)
        super(SGD, self).__init__(**kwargs)
        self.lr = K.variable(lr, name=self._scoped('lr'))
        self.momentum = K.variable(momentum, name=self._scoped('momentum'))
        self.decay = K.variable(decay, name=self._scoped('decay'))
        self.initial_decay = _scalar(decay, 'decay')
        self.nesterov = bool(nesterov)

    def create_slots(self, params):
        return [self._zeros_like(params)]  # moments

    def prepare(self, lr):
        use_momentum = self.nesterov or float(K.get_value(self.momentum)) != 0.
        return {'lr': lr, 'neg_lr': -lr, 'use_momentum': use_momentum}

    def update_step(self, p, g, slots, hyper):
        m, = slots
        if not hyper['use_momentum']:
            v = g * hyper['neg_lr']  # == momentum * m - lr * g with momentum 0
            return p + v, [v]
        lr_g = hyper['lr'] * g
        v = self.momentum * m - lr_g
        if self.nesterov:
            return p + self.momentum * v - lr_g, [v]
        return p + v, [v]

    def _from_tf_keras_layout(self, weights):
        # tf_keras keeps no moments when momentum is 0: start them at zero.
        if len(weights) == 1 and weights[0].ndim == 0:
            return weights + [np.zeros(K.int_shape(m), K.dtype(m)) for m in self.weights[1:]], []
        return None

    def get_config(self):
        config = {'lr': self._hyper('lr'), 'momentum': self._hyper('momentum'),
                  'decay': self._hyper('decay'), 'nesterov': self.nesterov}
        config.update(super(SGD, self).get_config())
        return config


class RMSprop(Optimizer):
    """RMSProp: divides the gradient by a running root mean square.

    `a = rho * a + (1 - rho) * g^2; p = p - lr * g / (sqrt(a) + epsilon)`.

    Args:
        lr: learning rate >= 0 (default 0.001). `learning_rate` is an alias.
        rho: decay of the mean square (default 0.9).
        epsilon: fuzz factor (default `K.epsilon()`, 1e-7).
        decay: learning-rate decay per update (default 0.0).
        momentum: tf.keras extension (default 0.0); if > 0,
            `mom = momentum * mom + lr * g / sqrt(a' + epsilon); p = p - mom`.
        centered: tf.keras extension (default False); if True, `a'` is
            `a - mg^2` with `mg = rho * mg + (1 - rho) * g`.
        **kwargs: `clipnorm`, `clipvalue`, `name`.

    State (`weights`): the accumulators `a` (Keras 2.2.4 has no
    `iterations` here), then the momentum and `mg` slots if used.
    """

    def __init__(self, lr=None, rho=0.9, epsilon=None, decay=0., momentum=0., centered=False, **kwargs):
        lr = _learning_rate_arg(lr, kwargs, 0.001)
        super(RMSprop, self).__init__(**kwargs)
        self.lr = K.variable(lr, name=self._scoped('lr'))
        self.rho = K.variable(rho, name=self._scoped('rho'))
        self.decay = K.variable(decay, name=self._scoped('decay'))
        self.initial_decay = _scalar(decay, 'decay')
        self.epsilon = K.epsilon() if epsilon is None else float(epsilon)
        self.momentum = float(momentum)
        self.centered = bool(centered)
        if self.momentum < 0:
            raise ValueError('RMSprop: momentum must be >= 0, got %r' % (momentum,))

    def create_slots(self, params):
        slots = [self._zeros_like(params)]
        if self.momentum > 0:
            slots.append(self._zeros_like(params))
        if self.centered:
            slots.append(self._zeros_like(params))
        return slots

    def state_weights(self, slots):
        return [v for kind in slots for v in kind]

    def prepare(self, lr):
        return {'lr': lr, 'one_minus_rho': 1. - self.rho}

    def update_step(self, p, g, slots, hyper):
        a = slots[0]
        new_a = self.rho * a + hyper['one_minus_rho'] * K.square(g)
        if self.momentum <= 0 and not self.centered:
            return p - hyper['lr'] * g / (K.sqrt(new_a) + self.epsilon), [new_a]
        new_slots = [new_a]
        denom = new_a
        if self.centered:
            mg = slots[-1]
            new_mg = self.rho * mg + hyper['one_minus_rho'] * g
            denom = new_a - K.square(new_mg)
        if self.momentum > 0:
            mom = slots[1]
            new_mom = self.momentum * mom + hyper['lr'] * g / K.sqrt(denom + self.epsilon)
            new_slots.append(new_mom)
            new_p = p - new_mom
        else:
            new_p = p - hyper['lr'] * g / (K.sqrt(denom) + self.epsilon)
        if self.centered:
            new_slots.append(new_mg)
        return new_p, new_slots

    def _from_tf_keras_layout(self, weights):
        return self._leading_iterations(weights)

    def get_config(self):
        config = {'lr': self._hyper('lr'), 'rho': self._hyper('rho'),
                  'decay': self._hyper('decay'), 'epsilon': self.epsilon}
        if self.momentum > 0 or self.centered:
            config.update({'momentum': self.momentum, 'centered': self.centered})
        config.update(super(RMSprop, self).get_config())
        return config


class Adagrad(Optimizer):
    """Adagrad: per-parameter learning rates from the sum of squared gradients.

    `a = a + g^2; p = p - lr * g / (sqrt(a) + epsilon)`.

    Args:
        lr: learning rate >= 0 (default 0.01). `learning_rate` is an alias.
        epsilon: fuzz factor (default `K.epsilon()`, 1e-7).
        decay: learning-rate decay per update (default 0.0).
        initial_accumulator_value: starting value of `a` (default 0.0 as in
            Keras 2.2; tf.keras uses 0.1).
        **kwargs: `clipnorm`, `clipvalue`, `name`.

    State (`weights`): the accumulators only.
    """

    def __init__(self, lr=None, epsilon=None, decay=0., initial_accumulator_value=0., **kwargs):
        lr = _learning_rate_arg(lr, kwargs, 0.01)
        super(Adagrad, self).__init__(**kwargs)
        self.lr = K.variable(lr, name=self._scoped('lr'))
        self.decay = K.variable(decay, name=self._scoped('decay'))
        self.initial_decay = _scalar(decay, 'decay')
        self.epsilon = K.epsilon() if epsilon is None else float(epsilon)
        self.initial_accumulator_value = float(initial_accumulator_value)
        if self.initial_accumulator_value < 0:
            raise ValueError('Adagrad: initial_accumulator_value must be >= 0, got %r'
                             % (initial_accumulator_value,))

    def create_slots(self, params):
        value = self.initial_accumulator_value
        return [[K.variable(np.full(K.int_shape(p), value), dtype=K.dtype(p)) for p in params]]

    def state_weights(self, slots):
        return list(slots[0])

    def update_step(self, p, g, slots, hyper):
        a, = slots
        new_a = a + K.square(g)
        return p - hyper['lr'] * g / (K.sqrt(new_a) + self.epsilon), [new_a]

    def _from_tf_keras_layout(self, weights):
        return self._leading_iterations(weights)

    def get_config(self):
        config = {'lr': self._hyper('lr'), 'decay': self._hyper('decay'), 'epsilon': self.epsilon}
        if self.initial_accumulator_value:
            config['initial_accumulator_value'] = self.initial_accumulator_value
        config.update(super(Adagrad, self).get_config())
        return config


class Adadelta(Optimizer):
    """Adadelta: step sizes from running averages of squared gradients and squared updates.

    `a = rho * a + (1 - rho) * g^2; u = g * sqrt(d + eps) / sqrt(a + eps);
    p = p - lr * u; d = rho * d + (1 - rho) * u^2` (the new `a`, the old `d`).

    Args:
        lr: learning rate (default 1.0). `learning_rate` is an alias.
        rho: decay of the running averages (default 0.95).
        epsilon: fuzz factor (default `K.epsilon()`, 1e-7).
        decay: learning-rate decay per update (default 0.0).
        **kwargs: `clipnorm`, `clipvalue`, `name`.

    State (`weights`): accumulators then delta accumulators.
    """

    def __init__(self, lr=None, rho=0.95, epsilon=None, decay=0., **kwargs):
        lr = _learning_rate_arg(lr, kwargs, 1.0)
        super(Adadelta, self).__init__(**kwargs)
        self.lr = K.variable(lr, name=self._scoped('lr'))
        self.decay = K.variable(decay, name=self._scoped('decay'))
        self.initial_decay = _scalar(decay, 'decay')
        self.rho = float(rho)
        self.epsilon = K.epsilon() if epsilon is None else float(epsilon)

    def create_slots(self, params):
        return [self._zeros_like(params), self._zeros_like(params)]

    def state_weights(self, slots):
        return slots[0] + slots[1]

    def update_step(self, p, g, slots, hyper):
        a, d = slots
        rho = self.rho
        new_a = rho * a + (1. - rho) * K.square(g)
        update = g * K.sqrt(d + self.epsilon) / K.sqrt(new_a + self.epsilon)
        new_p = p - hyper['lr'] * update
        new_d = rho * d + (1. - rho) * K.square(update)
        return new_p, [new_a, new_d]

    def _from_tf_keras_layout(self, weights):
        return self._leading_iterations(weights)

    def get_config(self):
        config = {'lr': self._hyper('lr'), 'rho': self.rho, 'decay': self._hyper('decay'),
                  'epsilon': self.epsilon}
        config.update(super(Adadelta, self).get_config())
        return config


class Adam(Optimizer):
    """Adam, with the bias correction folded into the step size, and AMSGrad.

    `t = iterations + 1; lr_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t);
    m = beta_1 * m + (1 - beta_1) * g; v = beta_2 * v + (1 - beta_2) * g^2;
    p = p - lr_t * m / (sqrt(v) + epsilon)`. AMSGrad: `vhat = max(vhat, v)`
    replaces `v` in the step.

    Args:
        lr: learning rate >= 0 (default 0.001). `learning_rate` is an alias.
        beta_1, beta_2: decay rates of the moment estimates (0.9, 0.999).
        epsilon: fuzz factor (default `K.epsilon()`, 1e-7).
        decay: learning-rate decay per update (default 0.0).
        amsgrad: use AMSGrad (default False).
        **kwargs: `clipnorm`, `clipvalue`, `name`.

    State (`weights`): `[iterations] + ms + vs + vhats`; without amsgrad each
    vhat is an unused `(1,)` zero variable, as in Keras 2.2.4.
    """

    def __init__(self, lr=None, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0., amsgrad=False, **kwargs):
        lr = _learning_rate_arg(lr, kwargs, 0.001)
        super(Adam, self).__init__(**kwargs)
        self.lr = K.variable(lr, name=self._scoped('lr'))
        self.beta_1 = K.variable(beta_1, name=self._scoped('beta_1'))
        self.beta_2 = K.variable(beta_2, name=self._scoped('beta_2'))
        self.decay = K.variable(decay, name=self._scoped('decay'))
        self.initial_decay = _scalar(decay, 'decay')
        self.epsilon = K.epsilon() if epsilon is None else float(epsilon)
        self.amsgrad = bool(amsgrad)

    def create_slots(self, params):
        if self.amsgrad:
            vhats = self._zeros_like(params)
        else:
            vhats = [K.zeros((1,)) for _ in params]
        return [self._zeros_like(params), self._zeros_like(params), vhats]

    def prepare(self, lr):
        t = K.cast(self.iterations, K.floatx()) + 1
        lr_t = lr * (K.sqrt(1. - K.pow(self.beta_2, t)) / (1. - K.pow(self.beta_1, t)))
        return {'lr_t': lr_t, 'one_minus_beta_1': 1. - self.beta_1, 'one_minus_beta_2': 1. - self.beta_2}

    def update_step(self, p, g, slots, hyper):
        m, v, vhat = slots
        new_m = self.beta_1 * m + hyper['one_minus_beta_1'] * g
        new_v = self.beta_2 * v + hyper['one_minus_beta_2'] * K.square(g)
        if self.amsgrad:
            new_vhat = K.maximum(vhat, new_v)
            new_p = p - hyper['lr_t'] * new_m / (K.sqrt(new_vhat) + self.epsilon)
            return new_p, [new_m, new_v, new_vhat]
        new_p = p - hyper['lr_t'] * new_m / (K.sqrt(new_v) + self.epsilon)
        return new_p, [new_m, new_v, None]

    def _from_tf_keras_layout(self, weights):
        # tf_keras has no vhat placeholders without amsgrad.
        n = (len(self.weights) - 1) // 3
        if not self.amsgrad and len(weights) == 1 + 2 * n:
            return weights + [np.zeros((1,), 'float32') for _ in range(n)], []
        return None

    def get_config(self):
        config = {'lr': self._hyper('lr'), 'beta_1': self._hyper('beta_1'), 'beta_2': self._hyper('beta_2'),
                  'decay': self._hyper('decay'), 'epsilon': self.epsilon, 'amsgrad': self.amsgrad}
        config.update(super(Adam, self).get_config())
        return config


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm.

    `lr_t = lr / (1 - beta_1^t); m = beta_1 * m + (1 - beta_1) * g;
    u = max(beta_2 * u, |g|); p = p - lr_t * m / (u + epsilon)`.

    Args:
        lr: learning rate >= 0 (default 0.002). `learning_rate` is an alias.
        beta_1, beta_2: decay rates (0.9, 0.999).
        epsilon: fuzz factor (default `K.epsilon()`, 1e-7).
        decay: learning-rate decay per update (default 0.0).
        **kwargs: `clipnorm`, `clipvalue`, `name`.

    State (`weights`): `[iterations] + ms + us`.
    """

    def __init__(self, lr=None, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0., **kwargs):
        lr = _learning_rate_arg(lr, kwargs, 0.002)
        super(Adamax, self).__init__(**kwargs)
        self.lr = K.variable(lr, name=self._scoped('lr'))
        self.beta_1 = K.variable(beta_1, name=self._scoped('beta_1'))
        self.beta_2 = K.variable(beta_2, name=self._scoped('beta_2'))
        self.decay = K.variable(decay, name=self._scoped('decay'))
        self.initial_decay = _scalar(decay, 'decay')
        self.epsilon = K.epsilon() if epsilon is None else float(epsilon)

    def create_slots(self, params):
        return [self._zeros_like(params), self._zeros_like(params)]

    def prepare(self, lr):
        t = K.cast(self.iterations, K.floatx()) + 1
        return {'lr_t': lr / (1. - K.pow(self.beta_1, t)), 'one_minus_beta_1': 1. - self.beta_1}

    def update_step(self, p, g, slots, hyper):
        m, u = slots
        new_m = self.beta_1 * m + hyper['one_minus_beta_1'] * g
        new_u = K.maximum(self.beta_2 * u, K.abs(g))
        return p - hyper['lr_t'] * new_m / (new_u + self.epsilon), [new_m, new_u]

    def get_config(self):
        config = {'lr': self._hyper('lr'), 'beta_1': self._hyper('beta_1'), 'beta_2': self._hyper('beta_2'),
                  'decay': self._hyper('decay'), 'epsilon': self.epsilon}
        config.update(super(Adamax, self).get_config())
        return config


class Nadam(Optimizer):
    """Nesterov Adam with the warming momentum schedule of Dozat (2016).

    With `t = iterations + 1`, `mc_t = beta_1 * (1 - 0.5 * 0.96^(t * sd))`,
    `mc_t1 = beta_1 * (1 - 0.5 * 0.96^((t + 1) * sd))`, the schedule
    `ms_new = ms * mc_t`, `ms_next = ms * mc_t * mc_t1` (then `ms = ms_new`):
    `m = beta_1 * m + (1 - beta_1) * g; v = beta_2 * v + (1 - beta_2) * g^2;
    mbar = (1 - mc_t) * g / (1 - ms_new) + mc_t1 * m / (1 - ms_next);
    p = p - lr * mbar / (sqrt(v / (1 - beta_2^t)) + epsilon)`.

    Args:
        lr: learning rate (default 0.002). `learning_rate` is an alias.
        beta_1, beta_2: decay rates (0.9, 0.999).
        epsilon: fuzz factor (default `K.epsilon()`, 1e-7).
        schedule_decay: `sd` above (default 0.004). tf.keras's legacy Nadam
            calls it `decay`, which is accepted as an alias (Nadam has no
            learning-rate decay).
        **kwargs: `clipnorm`, `clipvalue`, `name`.

    State (`weights`): `[iterations] + ms + vs`. The schedule product
    `m_schedule` is a variable outside `weights` (as in Keras 2.2.4); it is a
    function of `iterations`, so `set_weights` recomputes it and a resumed
    run continues exactly.
    """

    def __init__(self, lr=None, beta_1=0.9, beta_2=0.999, epsilon=None, schedule_decay=None, **kwargs):
        lr = _learning_rate_arg(lr, kwargs, 0.002)
        decay = kwargs.pop('decay', None)
        if decay is not None and schedule_decay is not None and float(decay) != float(schedule_decay):
            raise TypeError('Nadam: got schedule_decay=%r and its tf.keras alias decay=%r; give one'
                            % (schedule_decay, decay))
        if schedule_decay is None:
            schedule_decay = 0.004 if decay is None else decay
        super(Nadam, self).__init__(**kwargs)
        self.m_schedule = K.variable(1., name=self._scoped('m_schedule'))
        self.lr = K.variable(lr, name=self._scoped('lr'))
        self.beta_1 = K.variable(beta_1, name=self._scoped('beta_1'))
        self.beta_2 = K.variable(beta_2, name=self._scoped('beta_2'))
        self.epsilon = K.epsilon() if epsilon is None else float(epsilon)
        self.schedule_decay = float(schedule_decay)

    def _momentum_cache(self, t):
        return self.beta_1 * (1. - 0.5 * K.pow(K.constant(0.96), t * self.schedule_decay))

    def create_slots(self, params):
        return [self._zeros_like(params), self._zeros_like(params)]

    def prepare(self, lr):
        t = K.cast(self.iterations, K.floatx()) + 1
        mc_t = self._momentum_cache(t)
        mc_t1 = self._momentum_cache(t + 1)
        m_schedule_new = self.m_schedule * mc_t
        m_schedule_next = self.m_schedule * mc_t * mc_t1
        self.updates.append((self.m_schedule, m_schedule_new))
        return {'lr': lr, 'one_minus_beta_1': 1. - self.beta_1, 'one_minus_beta_2': 1. - self.beta_2,
                'g_coef': (1. - mc_t) / (1. - m_schedule_new),
                'm_coef': mc_t1 / (1. - m_schedule_next),
                'v_coef': 1. / (1. - K.pow(self.beta_2, t))}

    def update_step(self, p, g, slots, hyper):
        m, v = slots
        new_m = self.beta_1 * m + hyper['one_minus_beta_1'] * g
        new_v = self.beta_2 * v + hyper['one_minus_beta_2'] * K.square(g)
        m_bar = g * hyper['g_coef'] + new_m * hyper['m_coef']
        v_prime = new_v * hyper['v_coef']
        new_p = p - hyper['lr'] * m_bar / (K.sqrt(v_prime) + self.epsilon)
        return new_p, [new_m, new_v]

    def set_weights(self, weights):
        """Sets the state and recomputes `m_schedule` from the restored `iterations`.

        A tf_keras state list (`[iter, momentum_cache] + ms + vs`) sets
        `m_schedule` from its `momentum_cache` instead.
        """
        weights = list(weights)
        super(Nadam, self).set_weights(weights)
        if self.weights and len(weights) == len(self.weights):
            self._restore_m_schedule(int(K.get_value(self.iterations)))

    def _from_tf_keras_layout(self, weights):
        if len(weights) == len(self.weights) + 1 and weights[0].ndim == 0 and weights[1].ndim == 0:
            return [weights[0]] + weights[2:], [(self.m_schedule, weights[1])]
        return None

    def _restore_m_schedule(self, n_steps):
        """`m_schedule` after `n_steps` updates: the float32 product of the momentum caches."""
        f32 = np.float32
        if n_steps <= 0:
            K.set_value(self.m_schedule, 1.)
            return
        t = np.arange(1, n_steps + 1, dtype=f32)
        beta_1 = np.asarray(K.get_value(self.beta_1), dtype=f32)
        mc = beta_1 * (f32(1) - f32(0.5) * np.power(f32(0.96), t * f32(self.schedule_decay)))
        K.set_value(self.m_schedule, np.cumprod(mc, dtype=f32)[-1])

    def get_config(self):
        config = {'lr': self._hyper('lr'), 'beta_1': self._hyper('beta_1'), 'beta_2': self._hyper('beta_2'),
                  'epsilon': self.epsilon, 'schedule_decay': self.schedule_decay}
        config.update(super(Nadam, self).get_config())
        return config


class Ftrl(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013), with tf.keras's argument names and formulas.

    With `l2' = l2 + beta / (2 * lr)`, `gs = g + 2 * l2_shrinkage * p`,
    `n = n + g^2` (from `initial_accumulator_value`), `z = z + gs -
    (n_new^-lrp - n_old^-lrp) / lr * p`, `q = n_new^-lrp / lr + 2 * l2'`:
    `p = (sign(z) * l1 - z) / q` where `|z| > l1`, else 0
    (`lrp` = `learning_rate_power`).

    Args:
        learning_rate: (default 0.001). `lr` is an alias.
        learning_rate_power: <= 0 (default -0.5; 0 gives a fixed rate).
        initial_accumulator_value: >= 0 (default 0.1).
        l1_regularization_strength, l2_regularization_strength: >= 0 (0.0).
        l2_shrinkage_regularization_strength: >= 0 (default 0.0).
        beta: >= 0 (default 0.0).
        decay: learning-rate decay per update (default 0.0).
        **kwargs: `clipnorm`, `clipvalue`, `name`.

    State (`weights`): `[iterations]`, then `(accumulator, linear)` for each
    parameter in turn (tf.keras order).
    """

    def __init__(self, learning_rate=None, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, decay=0., **kwargs):
        if learning_rate is not None:
            kwargs['learning_rate'] = learning_rate
        lr = _learning_rate_arg(None, kwargs, 0.001)
        super(Ftrl, self).__init__(**kwargs)
        checks = [('initial_accumulator_value', initial_accumulator_value, lambda x: x >= 0),
                  ('learning_rate_power', learning_rate_power, lambda x: x <= 0),
                  ('l1_regularization_strength', l1_regularization_strength, lambda x: x >= 0),
                  ('l2_regularization_strength', l2_regularization_strength, lambda x: x >= 0),
                  ('l2_shrinkage_regularization_strength', l2_shrinkage_regularization_strength,
                   lambda x: x >= 0),
                  ('beta', beta, lambda x: x >= 0)]
        for name, value, ok in checks:
            if not ok(float(value)):
                raise ValueError('Ftrl: invalid %s=%r (%s)' % (name, value, 'must be <= 0' if name ==
                                                               'learning_rate_power' else 'must be >= 0'))
        self.lr = K.variable(lr, name=self._scoped('lr'))
        self.decay = K.variable(decay, name=self._scoped('decay'))
        self.initial_decay = _scalar(decay, 'decay')
        self.learning_rate_power = float(learning_rate_power)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.l1_regularization_strength = float(l1_regularization_strength)
        self.l2_regularization_strength = float(l2_regularization_strength)
        self.l2_shrinkage_regularization_strength = float(l2_shrinkage_regularization_strength)
        self.beta = float(beta)

    def create_slots(self, params):
        value = self.initial_accumulator_value
        accumulators = [K.variable(np.full(K.int_shape(p), value), dtype=K.dtype(p)) for p in params]
        return [accumulators, self._zeros_like(params)]

    def state_weights(self, slots):
        weights = [self.iterations]
        for accumulator, linear in zip(*slots):
            weights += [accumulator, linear]
        return weights

    def prepare(self, lr):
        l2 = self.l2_regularization_strength
        if self.beta > 0:
            l2 = l2 + self.beta / (2. * lr)
        return {'lr': lr, 'two_l2': l2 * 2. if K.is_tensor(l2) else K.constant(2. * l2)}

    def _power(self, n):
        if self.learning_rate_power == -0.5:
            return K.sqrt(n)
        return K.pow(n, -self.learning_rate_power)

    def update_step(self, p, g, slots, hyper):
        n, z = slots
        lr = hyper['lr']
        shrinkage = self.l2_shrinkage_regularization_strength
        g_shrunk = g + (2. * shrinkage) * p if shrinkage > 0 else g
        new_n = n + K.square(g)
        new_n_pow = self._power(new_n)
        new_z = z + g_shrunk - (new_n_pow - self._power(n)) / lr * p
        quadratic = new_n_pow / lr + hyper['two_l2']
        l1 = self.l1_regularization_strength
        if l1 > 0:
            new_p = K.switch(K.greater(K.abs(new_z), l1), (K.sign(new_z) * l1 - new_z) / quadratic,
                             K.zeros_like(new_z))
        else:
            new_p = -new_z / quadratic
        return new_p, [new_n, new_z]

    def get_config(self):
        config = {'learning_rate': self._hyper('lr'), 'learning_rate_power': self.learning_rate_power,
                  'initial_accumulator_value': self.initial_accumulator_value,
                  'l1_regularization_strength': self.l1_regularization_strength,
                  'l2_regularization_strength': self.l2_regularization_strength,
                  'l2_shrinkage_regularization_strength': self.l2_shrinkage_regularization_strength,
                  'beta': self.beta, 'decay': self._hyper('decay')}
        config.update(super(Ftrl, self).get_config())
        return config


# Aliases (Keras 2 lower-case names).
sgd = SGD
rmsprop = RMSprop
adagrad = Adagrad
adadelta = Adadelta
adam = Adam
adamax = Adamax
nadam = Nadam
ftrl = Ftrl

_ALL_CLASSES = {'sgd': SGD, 'rmsprop': RMSprop, 'adagrad': Adagrad, 'adadelta': Adadelta, 'adam': Adam,
                'adamax': Adamax, 'nadam': Nadam, 'ftrl': Ftrl}


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------
def serialize(optimizer):
    """`{'class_name': ..., 'config': ...}` of an optimizer."""
    return serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """Creates an optimizer from `{'class_name': ..., 'config': ...}`.

    Built-in class names match case-insensitively (`'adam'`, `'Adam'`,
    `'ADAM'`); user classes are found in `custom_objects` or the global
    custom object scope, and take precedence over a built-in of the same name.

    Raises:
        ValueError: unknown class name or malformed config.
    """
    if not isinstance(config, dict) or 'class_name' not in config:
        raise ValueError('Could not interpret optimizer config %r (expected a dict with "class_name" and '
                         '"config")' % (config,))
    config = dict(config)
    config.setdefault('config', {})
    name = config['class_name']
    custom = custom_objects or {}
    if name not in custom and name not in get_custom_objects() and str(name).lower() in _ALL_CLASSES:
        config['class_name'] = str(name).lower()
    return deserialize_keras_object(config, module_objects=_ALL_CLASSES, custom_objects=custom_objects,
                                    printable_module_name='optimizer')


def get(identifier):
    """Resolves an optimizer identifier.

    Args:
        identifier: an `Optimizer` instance (returned unchanged), a name such
            as `'adam'` (default arguments), or a config dict.

    Raises:
        ValueError: the identifier cannot be interpreted.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, six.string_types):
        return deserialize({'class_name': str(identifier), 'config': {}})
    raise ValueError('Could not interpret optimizer identifier: ' + str(identifier))
