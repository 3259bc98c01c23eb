"""Shared test setup: every test starts from a fresh backend session.

The suite runs its kernels on one thread (`MINIKERAS_NUM_THREADS`, unless the
caller set it): its arrays are small, and a second BLAS thread only waits for a
core when the machine is busy.
"""
import os
import sys

os.environ.setdefault('MINIKERAS_NUM_THREADS', '1')

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture(autouse=True)
def _fresh_session():
    from minikeras import backend as K
    K.clear_session()
    np.random.seed(1337)
    yield
