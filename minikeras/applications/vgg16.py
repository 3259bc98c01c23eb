"""VGG16 (Simonyan and Zisserman, 2014), from keras_applications, built with minikeras (see `injection`).

Exports `VGG16`, `preprocess_input` and `decode_predictions`.
"""
from .injection import bind

VGG16 = bind('vgg16', 'VGG16')
preprocess_input = bind('vgg16', 'preprocess_input')
decode_predictions = bind('vgg16', 'decode_predictions')
