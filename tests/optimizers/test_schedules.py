"""tf.keras learning-rate schedules (minikeras.optimizers.schedules) against their formulas."""
import math

import numpy as np
import pytest

from minikeras import backend as K
from minikeras.optimizers import schedules


def _values(schedule, steps):
    return [float(K.eval(schedule(K.constant(float(s))))) for s in steps]


STEPS = [0, 1, 2, 3, 5, 8]


def test_exponential_and_inverse_time():
    np.testing.assert_allclose(_values(schedules.ExponentialDecay(0.1, 2, 0.5), STEPS),
                               [0.1 * 0.5 ** (s / 2.) for s in STEPS], rtol=1e-6)
    np.testing.assert_allclose(_values(schedules.ExponentialDecay(0.1, 2, 0.5, staircase=True), STEPS),
                               [0.1 * 0.5 ** (s // 2) for s in STEPS], rtol=1e-6)
    np.testing.assert_allclose(_values(schedules.InverseTimeDecay(0.1, 2, 0.5, staircase=True), STEPS),
                               [0.1 / (1 + 0.5 * (s // 2)) for s in STEPS], rtol=1e-6)


def test_piecewise_constant():
    schedule = schedules.PiecewiseConstantDecay([2, 4], [0.5, 0.2, 0.1])
    np.testing.assert_allclose(_values(schedule, STEPS), [0.5, 0.5, 0.5, 0.2, 0.1, 0.1], rtol=1e-6)
    with pytest.raises(ValueError, match='boundaries'):
        schedules.PiecewiseConstantDecay([2, 4], [0.5])


def test_polynomial_with_and_without_cycle():
    def reference(s, cycle):
        steps = 3. * (max(1, math.ceil(s / 3.)) if cycle else 1)
        s = s if cycle else min(s, 3.)
        return (0.1 - 0.01) * (1 - s / steps) ** 2 + 0.01
    for cycle in (False, True):
        schedule = schedules.PolynomialDecay(0.1, 3, end_learning_rate=0.01, power=2., cycle=cycle)
        np.testing.assert_allclose(_values(schedule, STEPS), [reference(s, cycle) for s in STEPS], rtol=1e-5)


def test_cosine_with_warmup():
    def reference(s):
        if s < 2:
            return (0.05 - 0.01) * s / 2. + 0.01
        s = min(s, 6.) - 2
        return 0.05 * ((1 - 0.1) * 0.5 * (1 + math.cos(math.pi * s / 4.)) + 0.1)
    schedule = schedules.CosineDecay(0.01, 4, alpha=0.1, warmup_target=0.05, warmup_steps=2)
    np.testing.assert_allclose(_values(schedule, STEPS), [reference(s) for s in STEPS], rtol=1e-5)
    plain = schedules.CosineDecay(0.1, 4)
    np.testing.assert_allclose(_values(plain, STEPS),
                               [0.05 * (1 + math.cos(math.pi * min(s, 4) / 4.)) for s in STEPS], atol=1e-7)


def test_deserialize_names_what_it_lacks():
    schedule = schedules.deserialize({'class_name': 'Custom>ExponentialDecay', 'config': {
        'initial_learning_rate': 0.1, 'decay_steps': 2, 'decay_rate': 0.5, 'staircase': False, 'name': None}})
    assert isinstance(schedule, schedules.ExponentialDecay)
    with pytest.raises(ValueError, match='CosineDecayRestarts'):
        schedules.deserialize({'class_name': 'CosineDecayRestarts', 'config': {}})
