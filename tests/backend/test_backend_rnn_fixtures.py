"""The Keras recurrent-layer fixtures reproduced with raw K ops (K.rnn + K.dot),
outputs and gradients: the backend alone computes what tf_keras computes."""
import numpy as np
import pytest

from minikeras import backend as K
from keras2_fixtures import assert_close, load_case


def _activation(name):
    return {'tanh': K.tanh, 'sigmoid': K.sigmoid, 'hard_sigmoid': K.hard_sigmoid}[name]


def _simple_rnn_step(config, kernel, recurrent, bias):
    act = _activation(config['activation'])

    def step(x_t, states):
        h = act(K.dot(x_t, kernel) + K.dot(states[0], recurrent) + bias)
        return h, [h]
    return step, 1


def _lstm_step(config, kernel, recurrent, bias):
    act, rec_act = _activation(config['activation']), _activation(config['recurrent_activation'])
    units = config['units']

    def step(x_t, states):
        h, c = states[0], states[1]
        z = K.dot(x_t, kernel) + K.dot(h, recurrent) + bias
        i, f = rec_act(z[:, :units]), rec_act(z[:, units:2 * units])
        c_new = f * c + i * act(z[:, 2 * units:3 * units])
        o = rec_act(z[:, 3 * units:])
        h_new = o * act(c_new)
        return h_new, [h_new, c_new]
    return step, 2


def _gru_step(config, kernel, recurrent, bias):
    act, rec_act = _activation(config['activation']), _activation(config['recurrent_activation'])
    units = config['units']
    assert config['reset_after']

    def step(x_t, states):
        h = states[0]
        x_proj = K.dot(x_t, kernel) + bias[0]
        h_proj = K.dot(h, recurrent) + bias[1]
        z = rec_act(x_proj[:, :units] + h_proj[:, :units])
        r = rec_act(x_proj[:, units:2 * units] + h_proj[:, units:2 * units])
        candidate = act(x_proj[:, 2 * units:] + r * h_proj[:, 2 * units:])
        h_new = z * h + (1.0 - z) * candidate
        return h_new, [h_new]
    return step, 1


STEPS = {'SimpleRNN': _simple_rnn_step, 'LSTM': _lstm_step, 'GRU': _gru_step}
CASES = ['simplernn', 'simplernn_seq_backwards', 'lstm', 'lstm_backwards_hardsig', 'gru_reset_after_seq']


@pytest.mark.parametrize('name', CASES)
def test_recurrent_fixture_with_k_ops(name):
    meta, arrays = load_case('layers', name)
    config = meta['config']
    x = K.placeholder((None,) + tuple(meta['input_shapes'][0][1:]))
    weights = [K.variable(arrays['w%d' % j]) for j in range(len(meta['weight_shapes']))]
    step, n_states = STEPS[meta['class_name']](config, *weights)
    zeros = K.zeros_like(K.sum(x, axis=(1, 2)))
    h0 = K.expand_dims(zeros) * K.constant(np.zeros((1, config['units'])))
    last, outputs, _ = K.rnn(step, x, [h0] * n_states, go_backwards=config['go_backwards'])
    y = outputs if config['return_sequences'] else last
    loss = K.sum(y * K.constant(arrays['dy']))
    grads = K.gradients(loss, [x] + weights)
    results = K.function([x], [y] + grads)([arrays['x0']])
    assert_close(results[0], arrays['y'], meta['tol'], what='%s output' % name)
    assert_close(results[1], arrays['dx0'], meta['tol'], factor=2, what='%s dx0' % name)
    for j, g in enumerate(results[2:]):
        assert_close(g, arrays['dw%d' % j], meta['tol'], factor=2, what='%s dw%d' % (name, j))
