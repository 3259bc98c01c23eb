"""Inception-ResNet V2 (Szegedy et al., 2016), from keras_applications, built with minikeras (see `injection`).

Exports `InceptionResNetV2`, `preprocess_input` and `decode_predictions`.
"""
from .injection import bind

InceptionResNetV2 = bind('inception_resnet_v2', 'InceptionResNetV2')
preprocess_input = bind('inception_resnet_v2', 'preprocess_input')
decode_predictions = bind('inception_resnet_v2', 'decode_predictions')
