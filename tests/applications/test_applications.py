"""minikeras.applications: the Keras 2.2.4 architectures built from keras_applications with minikeras."""
import json
import os
from urllib.error import URLError

import numpy as np
import pytest

pytest.importorskip('keras_applications', reason='minikeras.applications needs keras_applications '
                                                 '(minikeras[applications])')

from minikeras import applications  # noqa: E402
from minikeras.applications import imagenet_utils, mobilenet, vgg16  # noqa: E402
from minikeras.models import load_model  # noqa: E402
from minikeras.utils import downloads  # noqa: E402

# Parameter counts of Keras 2.2.4's applications (its documentation's table), with the default arguments.
PARAMETER_COUNTS = [
    ('MobileNet', 4253864), ('MobileNetV2', 3538984),
    pytest.param('ResNet50', 25636712, marks=pytest.mark.slow),
    pytest.param('Xception', 22910480, marks=pytest.mark.slow),
    pytest.param('InceptionV3', 23851784, marks=pytest.mark.slow),
    pytest.param('InceptionResNetV2', 55873736, marks=pytest.mark.slow),
    pytest.param('DenseNet121', 8062504, marks=pytest.mark.slow),
    pytest.param('DenseNet169', 14307880, marks=pytest.mark.slow),
    pytest.param('DenseNet201', 20242984, marks=pytest.mark.slow),
    pytest.param('NASNetMobile', 5326716, marks=pytest.mark.slow),
    pytest.param('NASNetLarge', 88949818, marks=pytest.mark.slow),
    pytest.param('VGG16', 138357544, marks=pytest.mark.slow),
    pytest.param('VGG19', 143667240, marks=pytest.mark.slow),
]


@pytest.mark.parametrize('name, count', PARAMETER_COUNTS)
def test_every_application_builds_with_keras_parameter_count(name, count):
    model = getattr(applications, name)(weights=None)
    assert model.count_params() == count
    names = [layer.name for layer in model.layers]
    assert len(set(names)) == len(names)
    assert model.output_shape == (None, 1000)


def test_layer_names_are_keras_names():
    model = applications.MobileNet(weights=None, alpha=0.25, input_shape=(128, 128, 3))
    names = [layer.name for layer in model.layers]
    assert model.name == 'mobilenet_0.25_128'
    assert names[:5] == ['input_1', 'conv1_pad', 'conv1', 'conv1_bn', 'conv1_relu']
    assert names[-5:] == ['reshape_1', 'dropout', 'conv_preds', 'reshape_2', 'act_softmax']
    assert [w.name for w in model.get_layer('conv_dw_1').weights] == ['conv_dw_1/depthwise_kernel']


def _small_mobilenet(**kwargs):
    return mobilenet.MobileNet(alpha=0.25, input_shape=(128, 128, 3), **kwargs)


def test_mobilenet_with_a_local_weights_file_predicts_identically_after_save_and_load(tmp_path):
    model = _small_mobilenet(weights=None, classes=7)
    images = np.random.uniform(0, 255, (2, 128, 128, 3)).astype('float32')
    x = mobilenet.preprocess_input(images.copy())
    expected = model.predict(x)
    weights = str(tmp_path / 'weights.h5')
    model.save_weights(weights)
    from_weights = _small_mobilenet(weights=weights, classes=7)
    np.testing.assert_array_equal(from_weights.predict(x), expected)
    path = str(tmp_path / 'mobilenet.h5')
    model.save(path)
    np.testing.assert_array_equal(load_model(path, compile=False).predict(x), expected)


def test_imagenet_weights_come_from_the_keras_cache(tmp_path, monkeypatch):
    monkeypatch.setenv('KERAS_HOME', str(tmp_path))
    monkeypatch.setattr(downloads, 'urlopen', _offline)
    reference = _small_mobilenet(weights=None)
    os.makedirs(str(tmp_path / 'models'))
    reference.save_weights(str(tmp_path / 'models' / 'mobilenet_2_5_128_tf.h5'))  # the file Keras downloads
    cached = _small_mobilenet(weights='imagenet')
    x = np.random.uniform(-1, 1, (1, 128, 128, 3)).astype('float32')
    np.testing.assert_array_equal(cached.predict(x), reference.predict(x))


def _offline(*args, **kwargs):
    raise URLError('network is unreachable')


def test_imagenet_weights_offline_error_names_the_file_and_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv('KERAS_HOME', str(tmp_path))
    monkeypatch.setattr(downloads, 'urlopen', _offline)
    with pytest.raises(downloads.DownloadError) as info:
        _small_mobilenet(weights='imagenet')
    message = str(info.value)
    assert 'mobilenet_2_5_128_tf.h5' in message
    assert os.path.join(str(tmp_path), 'models', 'mobilenet_2_5_128_tf.h5') in message


def test_preprocess_input_modes():
    images = np.random.uniform(0, 255, (2, 4, 4, 3)).astype('float32')
    np.testing.assert_allclose(mobilenet.preprocess_input(images.copy()), images / 127.5 - 1, rtol=1e-6)
    caffe = images[..., ::-1] - np.array([103.939, 116.779, 123.68], dtype='float32')
    np.testing.assert_allclose(vgg16.preprocess_input(images.copy()), caffe, rtol=1e-5)


def test_decode_predictions(monkeypatch):
    keras_imagenet_utils = pytest.importorskip('keras_applications.imagenet_utils')
    index = {str(i): ['n%08d' % i, 'class_%d' % i] for i in range(1000)}
    monkeypatch.setattr(keras_imagenet_utils, 'CLASS_INDEX', json.loads(json.dumps(index)))
    preds = np.zeros((2, 1000), dtype='float32')
    preds[0, [5, 9]] = [0.7, 0.2]
    preds[1, 999] = 1.0
    decoded = imagenet_utils.decode_predictions(preds, top=2)
    assert decoded[0][0][:2] == ('n00000005', 'class_5') and decoded[0][1][1] == 'class_9'
    assert decoded[1][0][1] == 'class_999'
    with pytest.raises(ValueError):
        imagenet_utils.decode_predictions(np.zeros((1, 10)))


def test_keras_applications_attribute_and_legacy_module_name():
    import minikeras as keras
    from minikeras.applications import mobilenetv2
    assert keras.applications.MobileNet is applications.MobileNet
    assert mobilenetv2.MobileNetV2 is applications.MobileNetV2
