"""NASNet Mobile and Large (Zoph et al., 2017), from keras_applications, built with minikeras (see `injection`).

Exports `NASNetMobile`, `NASNetLarge`, `preprocess_input` and `decode_predictions`.
"""
from .injection import bind

NASNetMobile = bind('nasnet', 'NASNetMobile')
NASNetLarge = bind('nasnet', 'NASNetLarge')
preprocess_input = bind('nasnet', 'preprocess_input')
decode_predictions = bind('nasnet', 'decode_predictions')
