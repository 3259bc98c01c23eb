"""VGG19 (Simonyan and Zisserman, 2014), from keras_applications, built with minikeras (see `injection`).

Exports `VGG19`, `preprocess_input` and `decode_predictions`.
"""
from .injection import bind

VGG19 = bind('vgg19', 'VGG19')
preprocess_input = bind('vgg19', 'preprocess_input')
decode_predictions = bind('vgg19', 'decode_predictions')
