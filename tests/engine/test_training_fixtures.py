"""`fit` against the tf_keras training fixtures: loss/metric history and the
weights after every epoch (seen by a LambdaCallback), as the conformance
checker drives it (`model_from_json`, `set_weights`, `compile`, `fit`)."""
import pytest

import minikeras
from keras2_fixtures import assert_close, case_names, load_case


@pytest.mark.parametrize('name', case_names('training'))
def test_training_fixture(name):
    meta, a = load_case('training', name)
    model = minikeras.models.model_from_json(meta['model_json'])
    n_weights = len(meta['weight_shapes'])
    model.set_weights([a['w0_%d' % j] for j in range(n_weights)])
    optimizer = minikeras.optimizers.deserialize(meta['optimizer_keras2'])
    model.compile(optimizer=optimizer, loss=meta['loss'], metrics=meta['metrics'])
    seen = []
    callback = minikeras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(model.get_weights()))
    history = model.fit(a['x'], a['y'], batch_size=meta['batch_size'], epochs=meta['epochs'],
                        shuffle=meta['shuffle'], verbose=0, callbacks=[callback])
    for key in meta['history_keys']:
        keras224_key = meta['keras224_history_keys'][key]
        assert keras224_key in history.history
        assert_close(history.history[keras224_key], a['hist_' + key], meta['tol'], what='%s %s' % (name, key))
    assert len(seen) == meta['epochs']
    for epoch in range(meta['epochs']):
        for j in range(n_weights):
            assert_close(seen[epoch][j], a['we%d_%d' % (epoch, j)], meta['tol'],
                         what='%s weight %d after epoch %d' % (name, j, epoch))
