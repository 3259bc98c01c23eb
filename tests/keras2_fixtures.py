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


def check_layer_fixture(name):
    """Runs one `layers/` case the way the conformance checker does (fixtures
    README section 7) and asserts every array it carries.

    A `layer` case is deserialized from its tf_keras config and called on
    `Input`s (with `training=True` for training cases); a `model` case is built
    with `model_from_json`. The weights are set, the outputs compared (through
    `predict`, or the training-mode graph for training cases), then the
    gradients of `sum(y * dy)` w.r.t. the float inputs and the trainable
    weights (2x tolerance), matched to weight positions by identity.

    Returns:
        (meta, arrays, layer_or_model, model) for extra, case-specific checks.
    """
    import minikeras
    from minikeras import backend as K
    meta, arrays = load_case('layers', name)
    tol = meta['tol']
    n_out = meta.get('n_outputs', 1)
    ys = [arrays['y']] if 'y' in arrays else [arrays['y%d' % i] for i in range(n_out)]
    dys = [arrays['dy']] if 'dy' in arrays else [arrays['dy%d' % i] for i in range(n_out)]
    weights = [arrays['w%d' % j] for j in range(len(meta['weight_names']))]
    xs = [arrays['x%d' % i] for i in range(meta['n_inputs'])]
    if meta['kind'] == 'model':
        model = minikeras.models.model_from_json(meta['model_json'])
        model.set_weights(weights)
        inputs, outs, layer = model.inputs, model.outputs, model
    else:
        layer = minikeras.layers.deserialize({'class_name': meta['class_name'], 'config': meta['config']})
        inputs = [minikeras.layers.Input(shape=tuple(s[1:]), dtype=dt)
                  for s, dt in zip(meta['input_shapes'], meta['input_dtypes'])]
        kwargs = {'training': True} if meta.get('training') else {}
        out = layer(inputs[0] if len(inputs) == 1 else inputs, **kwargs)
        outs = out if isinstance(out, list) else [out]
        model = minikeras.models.Model(inputs, outs)
        layer.set_weights(weights)
    if meta.get('training'):
        predicted = K.function(inputs, outs)(xs)
    else:
        predicted = model.predict(xs[0] if len(xs) == 1 else xs, batch_size=meta['input_shapes'][0][0])
        predicted = predicted if isinstance(predicted, list) else [predicted]
    assert len(predicted) == len(ys), '%s: %d outputs, expected %d' % (name, len(predicted), len(ys))
    for i, (p, y) in enumerate(zip(predicted, ys)):
        assert_close(p, y, tol, what='%s y%d' % (name, i))
    loss = None
    for o, d in zip(outs, dys):
        term = K.sum(o * K.constant(d))
        loss = term if loss is None else loss + term
    float_inputs = [x for x, dt in zip(inputs, meta['input_dtypes']) if dt.startswith('float')]
    trainable = layer.trainable_weights
    assert sorted(j for j, w in enumerate(layer.weights) if any(w is t for t in trainable)) == \
        sorted(meta['trainable_weight_indices']), '%s: trainable weight positions' % name
    values = K.function(inputs, K.gradients(loss, float_inputs + trainable))(xs)
    k = 0
    for i, dt in enumerate(meta['input_dtypes']):
        if dt.startswith('float'):
            assert_close(values[k], arrays['dx%d' % i], tol, factor=2, what='%s dx%d' % (name, i))
            k += 1
    for w, v in zip(trainable, values[k:]):
        j = [i for i, x in enumerate(layer.weights) if x is w][0]
        assert_close(v, arrays['dw%d' % j], tol, factor=2, what='%s dw%d' % (name, j))
    assert len(trainable) == len([key for key in arrays if key.startswith('dw')]), '%s: gradient count' % name
    return meta, arrays, layer, model
