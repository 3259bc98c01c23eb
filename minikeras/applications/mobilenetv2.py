"""Keras 2.2.4's older module name of `mobilenet_v2`."""
from .mobilenet_v2 import MobileNetV2, decode_predictions, preprocess_input  # noqa: F401
