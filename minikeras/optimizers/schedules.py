"""tf.keras learning-rate schedules: the learning rate as a function of the step.

A schedule is called with the optimizer's `iterations` (the number of updates
already applied, as a float tensor) and returns the learning rate of this
step as a tensor, with tf.keras's formulas. They exist so that models saved by
tf.keras with `optimizer(learning_rate=schedule)` load compiled and resume;
`deserialize` reads their configs. Keras 2.2 has no schedules (it uses the
`decay` argument and callbacks), so minikeras optimizers take them only
through files (`optimizers.tf_keras_formats`).

Example::

    schedule = ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5)
    K.eval(schedule(K.constant(200.)))  # 0.025
"""
import math

from .. import backend as K

__all__ = ['LearningRateSchedule', 'ExponentialDecay', 'InverseTimeDecay', 'PiecewiseConstantDecay',
           'PolynomialDecay', 'CosineDecay', 'deserialize']


class LearningRateSchedule(object):
    """Base class: `__call__(step)` gives the learning rate; `get_config` its arguments."""

    def __call__(self, step):
        raise NotImplementedError

    def get_config(self):
        raise NotImplementedError

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ^ (step / decay_steps)` (the exponent floored with `staircase`)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = float(decay_steps)
        self.decay_rate = float(decay_rate)
        self.staircase = bool(staircase)
        self.name = name

    def __call__(self, step):
        p = step / self.decay_steps
        if self.staircase:
            p = K.floor(p)
        return self.initial_learning_rate * K.pow(K.constant(self.decay_rate), p)

    def get_config(self):
        return {'initial_learning_rate': self.initial_learning_rate, 'decay_steps': self.decay_steps,
                'decay_rate': self.decay_rate, 'staircase': self.staircase, 'name': self.name}


class InverseTimeDecay(ExponentialDecay):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)` (floored with `staircase`)."""

    def __call__(self, step):
        p = step / self.decay_steps
        if self.staircase:
            p = K.floor(p)
        return self.initial_learning_rate / (1. + self.decay_rate * p)


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` while `step <= boundaries[0]`, `values[i]` while `step <= boundaries[i]`, then `values[-1]`."""

    def __init__(self, boundaries, values, name=None):
        if len(values) != len(boundaries) + 1:
            raise ValueError('PiecewiseConstantDecay: expected len(values) == len(boundaries) + 1, got %d values '
                             'for %d boundaries' % (len(values), len(boundaries)))
        self.boundaries = [float(b) for b in boundaries]
        self.values = [float(v) for v in values]
        self.name = name

    def __call__(self, step):
        lr = K.ones_like(step) * self.values[-1]
        for boundary, value in reversed(list(zip(self.boundaries, self.values[:-1]))):
            lr = K.switch(K.less_equal(step, boundary), K.ones_like(step) * value, lr)
        return lr

    def get_config(self):
        return {'boundaries': self.boundaries, 'values': self.values, 'name': self.name}


class PolynomialDecay(LearningRateSchedule):
    """`(initial - end) * (1 - step / decay_steps) ^ power + end`, with the step capped at `decay_steps`
    (or, with `cycle`, `decay_steps` stretched to the next multiple above the step)."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name=None):
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = float(decay_steps)
        self.end_learning_rate = float(end_learning_rate)
        self.power = float(power)
        self.cycle = bool(cycle)
        self.name = name

    def __call__(self, step):
        decay_steps = self.decay_steps
        if self.cycle:
            multiple = -K.floor(-step / decay_steps)  # ceil
            decay_steps = decay_steps * K.switch(K.less_equal(step, 0.), K.ones_like(step), multiple)
        else:
            step = K.minimum(step, decay_steps)
        p = step / decay_steps
        return (self.initial_learning_rate - self.end_learning_rate) * K.pow(1. - p, self.power) + \
            self.end_learning_rate

    def get_config(self):
        return {'initial_learning_rate': self.initial_learning_rate, 'decay_steps': self.decay_steps,
                'end_learning_rate': self.end_learning_rate, 'power': self.power, 'cycle': self.cycle,
                'name': self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay from `initial_learning_rate` to `alpha * initial` over `decay_steps`, optionally after a
    linear warm-up from `initial_learning_rate` to `warmup_target` over `warmup_steps`."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name=None, warmup_target=None,
                 warmup_steps=0):
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = float(decay_steps)
        self.alpha = float(alpha)
        self.name = name
        self.warmup_target = None if warmup_target is None else float(warmup_target)
        self.warmup_steps = float(warmup_steps)

    def _decay(self, step, start):
        cosine = 0.5 * (1. + K.cos(math.pi * step / self.decay_steps))
        return start * ((1. - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        if self.warmup_target is None:
            return self._decay(K.minimum(step, self.decay_steps), self.initial_learning_rate)
        step = K.minimum(step, self.decay_steps + self.warmup_steps)
        warmup = (self.warmup_target - self.initial_learning_rate) * step / max(self.warmup_steps, 1.) + \
            self.initial_learning_rate
        return K.switch(K.less(step, self.warmup_steps), warmup,
                        self._decay(K.maximum(step - self.warmup_steps, 0.), self.warmup_target))

    def get_config(self):
        return {'initial_learning_rate': self.initial_learning_rate, 'decay_steps': self.decay_steps,
                'alpha': self.alpha, 'name': self.name, 'warmup_target': self.warmup_target,
                'warmup_steps': self.warmup_steps}


_SCHEDULES = {cls.__name__: cls for cls in (ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay,
                                            PolynomialDecay, CosineDecay)}


def deserialize(config):
    """A schedule from its tf.keras config `{"class_name": ..., "config": {...}}`.

    Raises:
        ValueError: a schedule minikeras does not have (the message names it).
    """
    name = str(config.get('class_name', ''))
    name = name[len('Custom>'):] if name.startswith('Custom>') else name
    if name not in _SCHEDULES:
        raise ValueError('learning-rate schedule %s is not available in minikeras (it has %s)'
                         % (name, ', '.join(sorted(_SCHEDULES))))
    try:
        return _SCHEDULES[name].from_config(dict(config.get('config') or {}))
    except TypeError as e:
        raise ValueError('learning-rate schedule %s: %s' % (name, e))
