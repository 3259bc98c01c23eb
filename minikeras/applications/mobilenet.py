"""MobileNet (Howard et al., 2017), from keras_applications, built with minikeras (see `injection`).

Exports `MobileNet`, `preprocess_input` and `decode_predictions`.
"""
from .injection import bind

MobileNet = bind('mobilenet', 'MobileNet')
preprocess_input = bind('mobilenet', 'preprocess_input')
decode_predictions = bind('mobilenet', 'decode_predictions')
