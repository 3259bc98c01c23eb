"""minikeras.utils.test_utils.get_test_data (Keras 2's random test data)."""
import numpy as np

from minikeras.utils.test_utils import get_test_data


def test_classification_data_is_centred_on_the_labels():
    (x_train, y_train), (x_test, y_test) = get_test_data(num_train=300, num_test=100, input_shape=(4, 2),
                                                         classification=True, num_classes=3)
    assert x_train.shape == (300, 4, 2) and x_test.shape == (100, 4, 2) and x_train.dtype == np.float32
    assert y_train.shape == (300,) and set(np.unique(y_train)) == {0, 1, 2}
    for label in range(3):
        assert abs(x_train[y_train == label].mean() - label) < 0.1


def test_regression_data_shapes_and_correlation():
    (x_train, y_train), (x_test, y_test) = get_test_data(num_train=400, num_test=10, input_shape=(6,),
                                                         output_shape=(2,), classification=False)
    assert x_train.shape == (400, 6) and y_train.shape == (400, 2) and y_test.shape == (10, 2)
    assert np.corrcoef(x_train.mean(axis=1), y_train.mean(axis=1))[0, 1] > 0.1
