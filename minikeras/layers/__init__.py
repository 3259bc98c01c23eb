"""Layers (`minikeras.layers`) and their registry: `serialize(layer)` and
`deserialize(config, custom_objects=None)`.

Each layer family lives in its own module; its classes are imported here,
where `minikeras.legacy.interfaces` also makes the constructors accept their
Keras 1 argument spellings; the deprecated Keras 1 layers of
`minikeras.legacy.layers` (`Highway`, `MaxoutDense`, ...) are exported here
too, as Keras 2.2.4 does, so old models load.
`deserialize` also knows the model classes (`Model`, `Sequential`, and
tf_keras's `Functional`), so nested models deserialize as layers.
"""
import inspect as _inspect

from ..engine.base_layer import InputSpec, Layer  # noqa: F401
from ..engine.input_layer import Input, InputLayer  # noqa: F401
from ..utils.generic_utils import get_registered_name as _get_registered_name
from ..utils.generic_utils import registry_functions as _registry_functions
from .core import (Activation, ActivityRegularization, Dense, Dropout, Flatten, Lambda, Masking,  # noqa: F401
                   Permute, RepeatVector, Reshape, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D)
from .advanced_activations import ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU  # noqa: F401
from .merge import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add,  # noqa: F401
                    average, concatenate, dot, maximum, minimum, multiply, subtract)
from .noise import AlphaDropout, GaussianDropout, GaussianNoise  # noqa: F401
from .embeddings import Embedding  # noqa: F401
from .recurrent import (GRU, LSTM, RNN, GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell,  # noqa: F401
                        StackedRNNCells)
from .cudnn_recurrent import CuDNNGRU, CuDNNLSTM  # noqa: F401
from .wrappers import Bidirectional, TimeDistributed, Wrapper  # noqa: F401
from .convolutional_recurrent import ConvLSTM2D, ConvLSTM2DCell  # noqa: F401
from .normalization import BatchNormalization  # noqa: F401
from .convolutional import (Conv1D, Conv2D, Conv2DTranspose, Conv3D, Conv3DTranspose,  # noqa: F401
                            Convolution1D, Convolution2D, Convolution2DTranspose, Convolution3D,
                            Convolution3DTranspose, Cropping1D, Cropping2D, Cropping3D, Deconv2D, Deconv3D,
                            Deconvolution2D, Deconvolution3D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D,
                            SeparableConvolution1D, SeparableConvolution2D, UpSampling1D, UpSampling2D,
                            UpSampling3D, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D)
from .pooling import (AveragePooling1D, AveragePooling2D, AveragePooling3D, AvgPool1D, AvgPool2D,  # noqa: F401
                      AvgPool3D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D,
                      GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D, GlobalMaxPool1D, GlobalMaxPool2D,
                      GlobalMaxPool3D, GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D, MaxPool1D,
                      MaxPool2D, MaxPool3D, MaxPooling1D, MaxPooling2D, MaxPooling3D)
from .local import LocallyConnected1D, LocallyConnected2D  # noqa: F401
from ..legacy.merge import Merge  # noqa: F401  (Keras 1 configs: built as the Keras 2 merge layers)
from ..legacy.layers import (AtrousConvolution1D, AtrousConvolution2D, ConvRecurrent2D, Highway,  # noqa: F401
                             MaxoutDense, Recurrent)
from ..legacy.interfaces import install_legacy_support as _install_legacy_support

# The Keras 1 argument spellings (`Dense(output_dim=...)`, `Convolution2D(32, 3, 3)`, ...), once for all classes.
_install_legacy_support(globals())


def serialize(layer):
    """`{'class_name': ..., 'config': layer.get_config()}`."""
    return {'class_name': _get_registered_name(layer.__class__), 'config': layer.get_config()}


def _layer_objects():
    objects = {name: obj for name, obj in globals().items()
               if _inspect.isclass(obj) and issubclass(obj, Layer)}
    from ..engine.sequential import Sequential
    from ..engine.training import Model
    objects.update({'Model': Model, 'Sequential': Sequential, 'Functional': Model})
    return objects


def _drop_tf_keras_keys(config, custom_objects):
    """Keeps `class_name` and `config`: the keys tf_keras adds around a layer config
    (`module`, `registered_name`, `build_config`) are ignored."""
    if isinstance(config, dict):
        config = {'class_name': config.get('class_name'), 'config': config.get('config')}
    return config


# deserialize(config, custom_objects=None): a layer (or model: `Model`, `Sequential`, tf_keras's
# `Functional`) from `{'class_name', 'config'}`.
deserialize = _registry_functions('layer', _layer_objects, prepare=_drop_tf_keras_keys)[1]
