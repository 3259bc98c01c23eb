"""The progress bar in the three places it is shown: a terminal, a Jupyter kernel, a pipe or log file."""
import io
import sys
import types

import numpy as np
import pytest

from minikeras.layers import Dense
from minikeras.models import Sequential
from minikeras.utils import Progbar


class _Stream(io.StringIO):
    def __init__(self, tty):
        super(_Stream, self).__init__()
        self._tty = tty

    def isatty(self):
        return self._tty


def _fit_output(monkeypatch, verbose, tty=False, notebook=False, epochs=3):
    stream = _Stream(tty)
    monkeypatch.setattr(sys, 'stdout', stream)
    if notebook:
        monkeypatch.setitem(sys.modules, 'ipykernel', types.ModuleType('ipykernel'))
    else:
        monkeypatch.delitem(sys.modules, 'ipykernel', raising=False)
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile('sgd', 'mse')
    model.fit(np.random.rand(64, 2), np.random.rand(64, 1), batch_size=4, epochs=epochs, verbose=verbose)
    return stream.getvalue()


@pytest.mark.parametrize('verbose', [1, 2])
def test_piped_logs_get_one_line_per_epoch_and_no_control_characters(monkeypatch, verbose):
    out = _fit_output(monkeypatch, verbose)
    assert '\r' not in out and '\b' not in out
    lines = out.splitlines()
    assert len(lines) == 3 and all('loss:' in line for line in lines)
    for epoch, line in enumerate(lines):
        start = 'Epoch %d/3 - ' % (epoch + 1)
        assert line.startswith(start + ('64/64 [====' if verbose == 1 else '0s - loss:')), line


def test_notebook_redraws_with_carriage_returns_only(monkeypatch):
    monkeypatch.setattr(Progbar, '__init__', _no_throttle(Progbar.__init__))
    out = _fit_output(monkeypatch, 1, notebook=True, epochs=1)
    assert '\b' not in out and out.count('\r') > 1
    assert out.startswith('Epoch 1/1\n') and out.endswith('\n')
    assert out.rstrip('\n').split('\r')[-1].startswith('64/64 [====')


def test_terminal_redraws_in_place(monkeypatch):
    monkeypatch.setattr(Progbar, '__init__', _no_throttle(Progbar.__init__))
    out = _fit_output(monkeypatch, 1, tty=True, epochs=1)
    assert out.count('\r') > 1 and '\b' in out
    assert out.startswith('Epoch 1/1\n')  # Keras' header line above the bar


def test_verbose_2_on_a_terminal_keeps_keras_layout(monkeypatch):
    out = _fit_output(monkeypatch, 2, tty=True, epochs=2)
    lines = out.splitlines()
    assert lines[0::2] == ['Epoch 1/2', 'Epoch 2/2'] and all(line.startswith(' - 0s - loss:') for line in lines[1::2])


def _no_throttle(init):
    def patched(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.interval = 0
    return patched


def test_force_redraws_within_the_interval_on_a_terminal(monkeypatch):
    """Keras 2.1's `update(current, values, force=True)` (used by keras-rl) draws despite the throttle."""
    stream = _Stream(True)
    monkeypatch.setattr(sys, 'stdout', stream)
    monkeypatch.delitem(sys.modules, 'ipykernel', raising=False)
    bar = Progbar(target=10, interval=3600)
    bar.update(1, [('loss', 1.0)])
    drawn = stream.getvalue()
    bar.update(2, [('loss', 1.0)])
    assert stream.getvalue() == drawn  # throttled
    bar.update(3, [('loss', 1.0)], force=True)
    assert stream.getvalue() != drawn and ' 3/10 [' in stream.getvalue()
