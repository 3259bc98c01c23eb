"""MobileNet V2 (Sandler et al., 2018), from keras_applications, built with minikeras (see `injection`).

Exports `MobileNetV2`, `preprocess_input` and `decode_predictions`.
"""
from .injection import bind

MobileNetV2 = bind('mobilenet_v2', 'MobileNetV2')
preprocess_input = bind('mobilenet_v2', 'preprocess_input')
decode_predictions = bind('mobilenet_v2', 'decode_predictions')
