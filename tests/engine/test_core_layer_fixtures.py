"""Core layers against the tf_keras golden fixtures (outputs and gradients), driven
the way the conformance checker does: `layers.deserialize`, `Input`, `Model`,
`set_weights`, `predict(batch_size=...)`, `K.gradients` on the layer output."""
import pytest

import minikeras
from minikeras import backend as K
from keras2_fixtures import assert_close, case_names, load_case

PREFIXES = ('dense', 'flatten', 'reshape', 'permute', 'repeat_vector', 'masking', 'activation_')
CASES = [name for name in case_names('layers')
         if name.startswith(PREFIXES) and name != 'masking_lstm']


def test_cases_found():
    assert len(CASES) >= 20


@pytest.mark.parametrize('name', CASES)
def test_layer_fixture(name):
    meta, arrays = load_case('layers', name)
    layer = minikeras.layers.deserialize({'class_name': meta['class_name'], 'config': meta['config']})
    inputs = [minikeras.layers.Input(shape=tuple(s[1:]), dtype=dt)
              for s, dt in zip(meta['input_shapes'], meta['input_dtypes'])]
    out = layer(inputs[0] if len(inputs) == 1 else inputs)
    model = minikeras.models.Model(inputs, out)
    weights = [arrays['w%d' % j] for j in range(len(meta['weight_names']))]
    layer.set_weights(weights)
    xs = [arrays['x%d' % i] for i in range(meta['n_inputs'])]
    y = model.predict(xs[0] if len(xs) == 1 else xs, batch_size=len(xs[0]))
    assert_close(y, arrays['y'], meta['tol'], what=name + ' y')

    loss = K.sum(out * K.constant(arrays['dy']))
    float_inputs = [x for x, dt in zip(inputs, meta['input_dtypes']) if dt.startswith('float')]
    trainable = layer.trainable_weights
    grads = K.gradients(loss, float_inputs + trainable)
    values = K.function(inputs, grads)(xs)
    for i in range(len(float_inputs)):
        assert_close(values[i], arrays['dx%d' % i], meta['tol'], factor=2, what=name + ' dx')
    for w, g in zip(trainable, values[len(float_inputs):]):
        j = [k for k, v in enumerate(layer.weights) if v is w][0]
        assert_close(g, arrays['dw%d' % j], meta['tol'], factor=2, what=name + ' dw%d' % j)
