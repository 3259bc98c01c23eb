"""Access to the Keras 2 golden fixtures copied into tests/fixtures/keras2
(from ../shared/fixtures/keras2; its README documents every format)."""
import json
import os

import numpy as np

ROOT = os.path.join(os.path.dirname(__file__), 'fixtures', 'keras2')


def case_names(category):
    with open(os.path.join(ROOT, category, 'index.json')) as f:
        return json.load(f)['cases']


def load_case(category, name):
    """Returns (meta dict, dict of arrays or {})."""
    base = os.path.join(ROOT, category, name)
    with open(base + '.json') as f:
        meta = json.load(f)
    arrays = {}
    if os.path.exists(base + '.npz'):
        with np.load(base + '.npz') as data:
            arrays = {k: data[k] for k in data.files}
    return meta, arrays


def path(category, filename):
    return os.path.join(ROOT, category, filename)


def assert_close(actual, expected, tol, factor=1.0, what=''):
    """The fixtures' rule: |a - e| <= atol * max(1, max|e|) + rtol * |e|, shapes equal."""
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, '%s: shape %s, expected %s' % (what, actual.shape, expected.shape)
    rtol = tol['rtol'] * factor
    atol = tol['atol'] * factor
    scale = max(1.0, float(np.max(np.abs(expected)))) if expected.size else 1.0
    err = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    bound = atol * scale + rtol * np.abs(expected.astype(np.float64))
    worst = float(np.max(err - bound)) if err.size else 0.0
    assert np.all(err <= bound), '%s: max excess %.3g over tolerance (max abs err %.3g)' % (
        what, worst, float(err.max()))
