"""Inception V3 (Szegedy et al., 2015), from keras_applications, built with minikeras (see `injection`).

Exports `InceptionV3`, `preprocess_input` and `decode_predictions`.
"""
from .injection import bind

InceptionV3 = bind('inception_v3', 'InceptionV3')
preprocess_input = bind('inception_v3', 'preprocess_input')
decode_predictions = bind('inception_v3', 'decode_predictions')
