"""ConvLSTM2D's fast path (time-major input convolution, fused gate op; channels_last)
against its generic path (channels_first: per-gate K ops)."""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras import optimizers
from minikeras.layers import ConvLSTM2D
from minikeras.models import Sequential


def _model(data_format, shape):
    model = Sequential([
        ConvLSTM2D(3, (3, 3), padding='same', return_sequences=True, data_format=data_format, input_shape=shape),
        ConvLSTM2D(2, (3, 3), padding='valid', return_sequences=True, data_format=data_format)])
    model.compile(optimizers.SGD(lr=0.5), 'mse')
    return model


@pytest.mark.slow
@pytest.mark.parametrize('threads', [1, 2])
def test_fit_step_matches_the_generic_path(threads):
    rng = np.random.RandomState(1)
    x = rng.rand(4, 5, 7, 6, 2).astype('float32')
    y = rng.rand(4, 5, 5, 4, 2).astype('float32')
    first = (0, 1, 4, 2, 3)  # channels_last -> channels_first
    saved = K.get_num_threads()
    K.set_num_threads(threads)
    try:
        fast = _model('channels_last', (None, 7, 6, 2))
        generic = _model('channels_first', (None, 2, 7, 6))
        generic.set_weights(fast.get_weights())
        np.testing.assert_allclose(generic.predict(x.transpose(first)).transpose(0, 1, 3, 4, 2), fast.predict(x),
                                   rtol=1e-5, atol=1e-6)
        loss_fast = fast.train_on_batch(x, y)
        loss_generic = generic.train_on_batch(x.transpose(first), y.transpose(first))
    finally:
        K.set_num_threads(saved)
    np.testing.assert_allclose(loss_generic, loss_fast, rtol=1e-5)
    for a, b in zip(fast.get_weights(), generic.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-6)
