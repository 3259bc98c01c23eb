"""ImageNet helpers shared by the applications: `preprocess_input` (mode 'caffe', 'tf' or 'torch')
and `decode_predictions` (the top classes with their names), from keras_applications."""
from .injection import bind

preprocess_input = bind('imagenet_utils', 'preprocess_input')
decode_predictions = bind('imagenet_utils', 'decode_predictions')
