"""ResNet50 (He et al., 2015), from keras_applications, built with minikeras (see `injection`).

Exports `ResNet50`, `preprocess_input` and `decode_predictions`.
"""
from .injection import bind

ResNet50 = bind('resnet50', 'ResNet50')
preprocess_input = bind('resnet50', 'preprocess_input')
decode_predictions = bind('resnet50', 'decode_predictions')
