"""ask_to_proceed_with_overwrite: the answer it reads and what it makes of it."""
from unittest import mock

import pytest

from minikeras.utils.io_utils import ask_to_proceed_with_overwrite


@pytest.mark.parametrize('answers,expected', [(['y'], True), (['N '], False), (['maybe', 'yes'], True)])
def test_answers_read_through_six_moves_input(answers, expected):
    """`six.moves.input` is the prompt Keras 2.2 (and code patching it) uses."""
    with mock.patch('six.moves.input', side_effect=answers) as prompt:
        assert ask_to_proceed_with_overwrite('/tmp/not_there') is expected
    assert prompt.call_count == len(answers)


def test_no_interactive_input_means_no():
    with mock.patch('six.moves.input', side_effect=EOFError):
        assert ask_to_proceed_with_overwrite('/tmp/not_there') is False


def test_answers_read_through_builtins_input(monkeypatch):
    monkeypatch.setattr('builtins.input', lambda prompt='': 'y')
    assert ask_to_proceed_with_overwrite('/tmp/not_there') is True
