"""DenseNet 121/169/201 (Huang et al., 2016), from keras_applications, built with minikeras (see `injection`).

Exports `DenseNet121`, `DenseNet169`, `DenseNet201`, `preprocess_input` and `decode_predictions`.
"""
from .injection import bind

DenseNet121 = bind('densenet', 'DenseNet121')
DenseNet169 = bind('densenet', 'DenseNet169')
DenseNet201 = bind('densenet', 'DenseNet201')
preprocess_input = bind('densenet', 'preprocess_input')
decode_predictions = bind('densenet', 'decode_predictions')
