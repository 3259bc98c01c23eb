"""The Keras 2.2 update rules (plus tf.keras's `Ftrl`), each a subclass of `Optimizer`.

A rule writes only its hooks: `create_slots(params)` (its state variables),
`prepare(lr)` (scalars computed once per step) and `update_step(param, grad,
slots, hyper)`; where its Keras 2.2.4 state list differs from `[iterations] +
slots`, `state_weights`, and `_from_tf_keras_layout` for the lists tf_keras
saves.
"""
import numpy as np

from .. import backend as K
from .base import Optimizer, _learning_rate_arg

__all__ = ['SGD', 'RMSprop', 'Adagrad', 'Adadelta', 'Adam', 'Adamax', 'Nadam', 'Ftrl', 'Lion', 'Adafactor']


def _gradient_rows(gradient):
    """`K.gather_gradient_rows(gradient)`: (row indices, values) when the
    gradient is an embedding's (zero but for some rows), else None; also None
    with a backend that lacks the function."""
    rows_of = getattr(K, 'gather_gradient_rows', None)
    return None if rows_of is None else rows_of(gradient)


def _step_on_rows(p, indices, values, accumulator, lr, epsilon):
    """`p - lr * g / (sqrt(accumulator) + epsilon)` for a gradient zero but on
    `indices` (where it is `values`): only those rows of `p` change."""
    step = lr * values / (K.sqrt(K.gather(accumulator, indices)) + epsilon)
    return K.scatter_add_rows(p, indices, -step)


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
        self._create_hypers(lr=lr, momentum=momentum, decay=decay)
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
        self._create_hypers(lr=lr, rho=rho, decay=decay)
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
        rows = _gradient_rows(g) if self.momentum <= 0 and not self.centered else None
        if rows is not None:
            # An embedding's gradient: the accumulator decays everywhere, the
            # weights change on the gradient's rows only (elsewhere the step is 0).
            indices, values = rows
            new_a = K.flush_denormals(K.scatter_add_rows(self.rho * a, indices,
                                                         hyper['one_minus_rho'] * K.square(values)),
                                      **self._flush_args())
            return _step_on_rows(p, indices, values, new_a, hyper['lr'], self.epsilon), [new_a]
        new_a = K.flush_denormals(self.rho * a + hyper['one_minus_rho'] * K.square(g), **self._flush_args())
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
        self._create_hypers(lr=lr, decay=decay)
        self.epsilon = K.epsilon() if epsilon is None else float(epsilon)
        self.initial_accumulator_value = float(initial_accumulator_value)
        if self.initial_accumulator_value < 0:
            raise ValueError('Adagrad: initial_accumulator_value must be >= 0, got %r'
                             % (initial_accumulator_value,))

    def create_slots(self, params):
        return [self._full_like(params, self.initial_accumulator_value)]

    def state_weights(self, slots):
        return list(slots[0])

    def update_step(self, p, g, slots, hyper):
        a, = slots
        rows = _gradient_rows(g)
        if rows is not None:
            # An embedding's gradient: accumulator and weights change on its rows only.
            indices, values = rows
            new_a = K.scatter_add_rows(a, indices, K.square(values))
            return _step_on_rows(p, indices, values, new_a, hyper['lr'], self.epsilon), [new_a]
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
        self._create_hypers(lr=lr, decay=decay)
        self.rho = float(rho)
        self.epsilon = K.epsilon() if epsilon is None else float(epsilon)

    def create_slots(self, params):
        return [self._zeros_like(params), self._zeros_like(params)]

    def state_weights(self, slots):
        return slots[0] + slots[1]

    def update_step(self, p, g, slots, hyper):
        a, d = slots
        rho = self.rho
        new_a = K.flush_denormals(rho * a + (1. - rho) * K.square(g), **self._flush_args())
        update = g * K.sqrt(d + self.epsilon) / K.sqrt(new_a + self.epsilon)
        new_p = p - hyper['lr'] * update
        new_d = K.flush_denormals(rho * d + (1. - rho) * K.square(update), **self._flush_args())
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
        self._create_hypers(lr=lr, beta_1=beta_1, beta_2=beta_2, decay=decay)
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
        rows = _gradient_rows(g)
        if rows is None:
            new_m = self.beta_1 * m + hyper['one_minus_beta_1'] * g
            new_v = self.beta_2 * v + hyper['one_minus_beta_2'] * K.square(g)
        else:
            # An embedding's gradient: the moments decay everywhere and gain the
            # gradient on its rows only (the same values as adding the zero rows).
            indices, values = rows
            new_m = K.scatter_add_rows(self.beta_1 * m, indices, hyper['one_minus_beta_1'] * values)
            new_v = K.scatter_add_rows(self.beta_2 * v, indices, hyper['one_minus_beta_2'] * K.square(values))
        new_v = K.flush_denormals(new_v, **self._flush_args())
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
        self._create_hypers(lr=lr, beta_1=beta_1, beta_2=beta_2, decay=decay)
        self.epsilon = K.epsilon() if epsilon is None else float(epsilon)

    def create_slots(self, params):
        return [self._zeros_like(params), self._zeros_like(params)]

    def prepare(self, lr):
        t = K.cast(self.iterations, K.floatx()) + 1
        return {'lr_t': lr / (1. - K.pow(self.beta_1, t)), 'one_minus_beta_1': 1. - self.beta_1}

    def update_step(self, p, g, slots, hyper):
        m, u = slots
        new_m = self.beta_1 * m + hyper['one_minus_beta_1'] * g
        new_u = K.flush_denormals(K.maximum(self.beta_2 * u, K.abs(g)), **self._flush_args())
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
        self._create_hypers(m_schedule=1., lr=lr, beta_1=beta_1, beta_2=beta_2)
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
        new_v = K.flush_denormals(self.beta_2 * v + hyper['one_minus_beta_2'] * K.square(g), **self._flush_args())
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
        self._create_hypers(lr=lr, decay=decay)
        self.learning_rate_power = float(learning_rate_power)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.l1_regularization_strength = float(l1_regularization_strength)
        self.l2_regularization_strength = float(l2_regularization_strength)
        self.l2_shrinkage_regularization_strength = float(l2_shrinkage_regularization_strength)
        self.beta = float(beta)

    def create_slots(self, params):
        return [self._full_like(params, self.initial_accumulator_value), self._zeros_like(params)]

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


class Lion(Optimizer):
    """Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"), as in tf.keras 2.13+.

    `p = p - lr * sign(beta_1 * m + (1 - beta_1) * g); m = beta_2 * m + (1 - beta_2) * g`.

    Args:
        lr: learning rate >= 0 (default 0.0001; Lion wants a 3-10x smaller
            rate than Adam). `learning_rate` is an alias.
        beta_1: interpolation factor of the update direction (default 0.9).
        beta_2: decay of the momentum (default 0.99).
        **kwargs: `clipnorm`, `clipvalue`, `name`.

    State (`weights`): `[iterations] + ms`.
    """

    def __init__(self, lr=None, beta_1=0.9, beta_2=0.99, **kwargs):
        lr = _learning_rate_arg(lr, kwargs, 0.0001)
        super(Lion, self).__init__(**kwargs)
        for name, value in (('beta_1', beta_1), ('beta_2', beta_2)):
            if not 0 <= float(value) <= 1:
                raise ValueError('Lion: %s must be in [0, 1], got %r' % (name, value))
        self._create_hypers(lr=lr, beta_1=beta_1, beta_2=beta_2)

    def create_slots(self, params):
        return [self._zeros_like(params)]

    def update_step(self, p, g, slots, hyper):
        m, = slots
        direction = K.sign(self.beta_1 * m + (1. - self.beta_1) * g)
        return p - hyper['lr'] * direction, [self.beta_2 * m + (1. - self.beta_2) * g]

    def get_config(self):
        config = {'lr': self._hyper('lr'), 'beta_1': self._hyper('beta_1'), 'beta_2': self._hyper('beta_2')}
        config.update(super(Lion, self).get_config())
        return config


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern, 2018) with tf.keras 2.11+'s formulas: factored second moments.

    With `t = iterations + 1`, `rho = min(lr, 1 / sqrt(t))`, `beta_2 = 1 - t^beta_2_decay` and
    `G = g^2 + epsilon_1`: for a parameter of rank >= 2,
    `r = beta_2 * r + (1 - beta_2) * mean(G, -1)`, `c = beta_2 * c + (1 - beta_2) * mean(G, -2)`,
    `v = (r / mean(r)) outer c`; otherwise `v = beta_2 * v + (1 - beta_2) * G`. Then
    `u = g / sqrt(v)`, `u = u / max(1, rms(u) / clip_threshold)` and
    `p = p - max(epsilon_2, rms(p)) * rho * u`.

    Args:
        lr: learning rate (default 0.001). `learning_rate` is an alias.
        beta_2_decay: exponent of the second-moment decay (default -0.8).
        epsilon_1: added to the squared gradient (default 1e-30).
        epsilon_2: lower bound of the parameter scale (default 1e-3).
        clip_threshold: bound of the update's RMS (default 1.0).
        relative_step: kept for the config; the step size is always capped
            at `1 / sqrt(t)`, as in tf.keras.
        **kwargs: `clipnorm`, `clipvalue`, `name`.

    State (`weights`): `[iterations] + rs + cs + vs`; for parameters of rank
    < 2, `r` and `c` are unused `(1,)` zero variables.
    """

    def __init__(self, lr=None, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3, clip_threshold=1.0,
                 relative_step=True, **kwargs):
        lr = _learning_rate_arg(lr, kwargs, 0.001)
        super(Adafactor, self).__init__(**kwargs)
        self._create_hypers(lr=lr)
        self.beta_2_decay = float(beta_2_decay)
        self.epsilon_1 = float(epsilon_1)
        self.epsilon_2 = float(epsilon_2)
        self.clip_threshold = float(clip_threshold)
        self.relative_step = bool(relative_step)

    def create_slots(self, params):
        shapes = [K.int_shape(p) for p in params]
        rs = [K.zeros(s[:-1] if len(s) >= 2 else (1,)) for s in shapes]
        cs = [K.zeros(s[:-2] + s[-1:] if len(s) >= 2 else (1,)) for s in shapes]
        return [rs, cs, self._zeros_like(params)]

    def prepare(self, lr):
        t = K.cast(self.iterations, K.floatx()) + 1
        return {'rho': K.minimum(lr, 1. / K.sqrt(t)), 'beta_2': 1. - K.pow(t, self.beta_2_decay)}

    @staticmethod
    def _rms(x):
        return K.sqrt(K.mean(K.square(x)))

    def update_step(self, p, g, slots, hyper):
        r, c, v = slots
        beta_2 = hyper['beta_2']
        alpha = K.maximum(self.epsilon_2, self._rms(p)) * hyper['rho']
        g2 = K.square(g) + self.epsilon_1
        new_r = new_c = None
        if len(K.int_shape(g)) >= 2:
            new_r = beta_2 * r + (1. - beta_2) * K.mean(g2, axis=-1)
            new_c = beta_2 * c + (1. - beta_2) * K.mean(g2, axis=-2)
            new_v = K.expand_dims(new_r / K.mean(new_r, axis=-1, keepdims=True), -1) * K.expand_dims(new_c, -2)
        else:
            new_v = beta_2 * v + (1. - beta_2) * g2
        u = g / K.sqrt(new_v)
        u = u / K.maximum(1., self._rms(u) / self.clip_threshold)
        return p - alpha * u, [new_r, new_c, new_v]

    def get_config(self):
        config = {'lr': self._hyper('lr'), 'beta_2_decay': self.beta_2_decay, 'epsilon_1': self.epsilon_1,
                  'epsilon_2': self.epsilon_2, 'clip_threshold': self.clip_threshold,
                  'relative_step': self.relative_step}
        config.update(super(Adafactor, self).get_config())
        return config
