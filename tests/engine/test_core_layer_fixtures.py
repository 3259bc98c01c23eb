"""Core layers against the tf_keras golden fixtures (outputs and gradients), driven
the way the conformance checker does: `layers.deserialize`, `Input`, `Model`,
`set_weights`, `predict(batch_size=...)`, `K.gradients` on the layer output."""
import pytest

from keras2_fixtures import case_names, check_layer_fixture

PREFIXES = ('dense', 'flatten', 'reshape', 'permute', 'repeat_vector', 'masking', 'activation_')
CASES = [name for name in case_names('layers')
         if name.startswith(PREFIXES) and name != 'masking_lstm']


def test_cases_found():
    assert len(CASES) >= 20


@pytest.mark.parametrize('name', CASES)
def test_layer_fixture(name):
    check_layer_fixture(name)


