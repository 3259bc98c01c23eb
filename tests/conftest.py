"""Shared test setup: every test starts from a fresh backend session."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture(autouse=True)
def _fresh_session():
    from minikeras import backend as K
    K.clear_session()
    np.random.seed(1337)
    yield
