"""Keras 2.2.4's applications: ImageNet architectures with optional pretrained weights.

`VGG16`, `VGG19`, `ResNet50`, `InceptionV3`, `InceptionResNetV2`, `Xception`,
`MobileNet`, `MobileNetV2`, `DenseNet121`/`169`/`201`, `NASNetMobile`,
`NASNetLarge`; each module (`minikeras.applications.vgg16`, ...) also has its
`preprocess_input` and `decode_predictions`.

The definitions come from the `keras_applications` package, as in Keras
2.2.4 (`pip install 'minikeras[applications]'`), built with minikeras'
modules, so the layer names, parameter counts and weight files are Keras'.
`weights='imagenet'` downloads the weights with `utils.get_file` into the
Keras cache (`~/.keras/models`, or `$KERAS_HOME/models`); offline, place the
file named in the error there.

Example::

    from minikeras.applications.mobilenet import MobileNet, preprocess_input
    model = MobileNet(weights=None, input_shape=(128, 128, 3), classes=10)
"""
from .vgg16 import VGG16  # noqa: F401
from .vgg19 import VGG19  # noqa: F401
from .resnet50 import ResNet50  # noqa: F401
from .inception_v3 import InceptionV3  # noqa: F401
from .inception_resnet_v2 import InceptionResNetV2  # noqa: F401
from .xception import Xception  # noqa: F401
from .mobilenet import MobileNet  # noqa: F401
from .mobilenet_v2 import MobileNetV2  # noqa: F401
from .densenet import DenseNet121, DenseNet169, DenseNet201  # noqa: F401
from .nasnet import NASNetLarge, NASNetMobile  # noqa: F401
