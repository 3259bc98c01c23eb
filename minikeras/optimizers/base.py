"""The optimizer base class `Optimizer`: the bookkeeping shared by all update rules.

It owns the `iterations` counter, the learning-rate variable and its
time-based decay, gradient clipping (`clipnorm` with one global norm, then
`clipvalue`, the Keras 2.2 order), parameter constraints, the state list
`weights` in the Keras 2.2.4 order, `get_weights`/`set_weights` and the
config; a rule (`rules.py`, or a user subclass) fills in the hooks
`create_slots`, `prepare` and `update_step`, or overrides `get_updates`. Both
Keras 2 call orders of `get_updates` reach every subclass.
"""
import functools
import inspect
import warnings

import numpy as np

from .. import backend as K

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

    def _create_hypers(self, **values):
        """Creates one scalar variable per hyper-parameter, in argument order, as
        attributes (`self.lr`, `self.beta_1`, ...); a `decay` also sets the
        Python float `initial_decay` that turns the learning-rate decay on."""
        for name, value in values.items():
            setattr(self, name, K.variable(value, name=self._scoped(name)))
        if 'decay' in values:
            self.initial_decay = _scalar(values['decay'], 'decay')

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
        """Gradients of `loss` w.r.t. `params`, combined across processes
        (`combine_gradients`), then clipped by global norm and by value.

        Raises:
            ValueError: a gradient is None (an op in the path has no gradient).
        """
        grads = K.gradients(loss, params)
        if any(g is None for g in grads):
            raise ValueError('An operation has `None` for gradient. Please make sure that all of your ops '
                             'have a gradient defined (i.e. are differentiable). Common ops without gradient: '
                             'K.argmax, K.round, K.eval.')
        return self.clip_gradients(self.combine_gradients(grads))

    def combine_gradients(self, grads):
        """The gradients this process applies, from the ones it computed: the
        identity here; data-parallel optimizers (`minikeras.distribute`)
        average them over all processes."""
        return grads

    def clip_gradients(self, grads):
        """`grads` scaled by `clipnorm` (one global norm), then clipped by `clipvalue`, as configured."""
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

    # -- immediate steps (tf.keras-style conveniences) ----------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Applies one update step now, from given gradient values.

        The step is compiled once per list of variables (its state, e.g.
        momenta, persists between calls) and goes through the same rule as
        `get_updates`: clipping, decay, constraints, `iterations` + 1.

        Args:
            grads_and_vars: pairs (gradient, variable); a gradient is a numpy
                array or a tensor computable without fed inputs
                (e.g. from `K.gradients` of a loss of variables).

        Returns:
            The number of steps applied so far, as a constant tensor.

        Raises:
            ValueError: no pairs, a variable that is not a `K.variable`, or a
                gradient whose shape differs from its variable's.
        """
        pairs = list(grads_and_vars)
        if not pairs:
            raise ValueError('apply_gradients: no (gradient, variable) pairs given')
        variables = [v for _, v in pairs]
        for v in variables:
            if not K.is_variable(v):
                raise ValueError('apply_gradients: %r is not a variable (K.variable)' % (v,))
        grads = [g for g, _ in pairs]
        symbolic = [i for i, g in enumerate(grads) if K.is_tensor(g)]
        if symbolic:
            values = K.function([], [grads[i] for i in symbolic])([])
            for i, value in zip(symbolic, values):
                grads[i] = value
        for g, v in zip(grads, variables):
            if np.shape(g) != K.int_shape(v):
                raise ValueError('apply_gradients: gradient of shape %s for variable %r of shape %s'
                                 % (np.shape(g), v.name, K.int_shape(v)))
        step = self._immediate_step(variables)
        step([np.asarray(g, dtype=K.dtype(v)) for g, v in zip(grads, variables)])
        return K.constant(K.get_value(self.iterations), dtype='int64')

    def minimize(self, loss, var_list):
        """Applies one step that decreases `loss` w.r.t. `var_list`, now.

        Args:
            loss: a scalar tensor of variables, or a callable returning one
                (tf.keras style: `opt.minimize(lambda: (var ** 2) / 2., [var])`).
            var_list: the variables to update (or a callable returning them).

        Returns:
            The number of steps applied so far, as a constant tensor.
        """
        if callable(loss):
            loss = loss()
        var_list = list(var_list() if callable(var_list) else var_list)
        return self.apply_gradients(zip(K.gradients(loss, var_list), var_list))

    def _immediate_step(self, variables):
        """The compiled step of `apply_gradients` for these variables: gradients
        are fed through placeholders, as the gradients of the surrogate loss
        `sum(stop_gradient(g) * v)`, so `get_updates` (and any subclass's) applies
        its whole rule unchanged."""
        cache = self.__dict__.setdefault('_immediate_steps', {})
        key = tuple(id(v) for v in variables)
        if key not in cache:
            feeds = [K.placeholder(shape=K.int_shape(v), dtype=K.dtype(v)) for v in variables]
            surrogate = sum([K.sum(K.stop_gradient(g) * v) for g, v in zip(feeds, variables)])
            updates = self.get_updates(loss=surrogate, params=variables)
            cache[key] = (variables, K.function(feeds, [], updates=updates))
        return cache[key][1]

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

    #: Steps between flushes of subnormal values from decaying accumulators
    #: (see `K.flush_denormals`): a value stays subnormal for under this many steps.
    FLUSH_EVERY = 16

    def _flush_args(self):
        """Keyword arguments of `K.flush_denormals` for a non-negative
        accumulator of this optimizer (flushed every FLUSH_EVERY iterations)."""
        return {'nonnegative': True, 'step': self.iterations, 'every': self.FLUSH_EVERY}

    @staticmethod
    def _zeros_like(params):
        return [K.zeros(K.int_shape(p), dtype=K.dtype(p)) for p in params]

    @staticmethod
    def _full_like(params, value):
        return [K.variable(np.full(K.int_shape(p), value), dtype=K.dtype(p)) for p in params]

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
