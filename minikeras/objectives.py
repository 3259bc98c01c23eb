"""`keras.objectives`, the Keras 1 name of `keras.losses` (kept for old imports): every loss function."""
from .losses import *  # noqa: F401,F403
