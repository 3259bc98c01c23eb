"""Xception (Chollet, 2016), from keras_applications, built with minikeras (see `injection`).

Exports `Xception`, `preprocess_input` and `decode_predictions`.
"""
from .injection import bind

Xception = bind('xception', 'Xception')
preprocess_input = bind('xception', 'preprocess_input')
decode_predictions = bind('xception', 'decode_predictions')
