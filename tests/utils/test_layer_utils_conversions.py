"""convert_kernel, convert_all_kernels_in_model, convert_dense_weights_data_format, multi_gpu_model,
get_test_data and keras_test."""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras.layers import Conv2D, Dense, Flatten, Input
from minikeras.models import Sequential
from minikeras.utils import conv_utils, layer_utils, multi_gpu_model
from minikeras.utils.test_utils import get_test_data, keras_test


def test_convert_kernel_flips_spatial_axes_only():
    kernel = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    flipped = conv_utils.convert_kernel(kernel)
    np.testing.assert_array_equal(flipped, kernel[::-1, ::-1])
    np.testing.assert_array_equal(conv_utils.convert_kernel(flipped), kernel)
    assert layer_utils.convert_kernel is conv_utils.convert_kernel
    with pytest.raises(ValueError, match='shape'):
        conv_utils.convert_kernel(np.zeros((3, 3)))


def test_convert_all_kernels_in_model_is_the_flipped_convolution():
    model = Sequential([Conv2D(2, (3, 3), input_shape=(5, 5, 1)), Flatten(), Dense(1)])
    kernel = K.get_value(model.layers[0].kernel)
    dense = K.get_value(model.layers[2].kernel)
    layer_utils.convert_all_kernels_in_model(model)
    np.testing.assert_array_equal(K.get_value(model.layers[0].kernel), kernel[::-1, ::-1])
    np.testing.assert_array_equal(K.get_value(model.layers[2].kernel), dense)  # Dense untouched


def test_convert_dense_weights_data_format_matches_a_transposed_feature_map():
    rng = np.random.RandomState(0)
    maps = rng.randn(2, 3, 4, 5).astype('float32')  # (batch, h, w, c)
    last = Sequential([Flatten(input_shape=(3, 4, 5)), Dense(2)])
    first = Sequential([Flatten(input_shape=(5, 3, 4)), Dense(2)])
    first.set_weights(last.get_weights())
    layer_utils.convert_dense_weights_data_format(first.layers[1], (5, 3, 4), 'channels_first')
    np.testing.assert_allclose(first.predict(maps.transpose(0, 3, 1, 2)), last.predict(maps), rtol=1e-5)
    layer_utils.convert_dense_weights_data_format(first.layers[1], (3, 4, 5), 'channels_last')
    np.testing.assert_allclose(first.get_weights()[0], last.get_weights()[0])
    with pytest.raises(ValueError, match='75 values, the Dense kernel has 60'):
        layer_utils.convert_dense_weights_data_format(first.layers[1], (5, 3, 5))


def test_get_source_inputs():
    x = Input((3,))
    y = Dense(2)(Dense(4)(x))
    assert layer_utils.get_source_inputs(y) == [x]


def test_multi_gpu_model_is_a_clear_error():
    model = Sequential([Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match='no GPU'):
        multi_gpu_model(model, gpus=2)


def test_get_test_data_shapes_and_learnability():
    np.random.seed(0)
    (x, y), (xt, yt) = get_test_data(num_train=200, num_test=50, input_shape=(4,), classification=True,
                                     num_classes=3)
    assert x.shape == (200, 4) and x.dtype == np.float32 and y.shape == (200,) and xt.shape == (50, 4)
    assert set(np.unique(y)) <= {0, 1, 2}
    assert np.corrcoef(x.mean(axis=1), y)[0, 1] > 0.8  # features centred on the label
    (x, y), _ = get_test_data(num_train=10, num_test=5, input_shape=(2, 3), output_shape=(4,),
                              classification=False)
    assert x.shape == (10, 2, 3) and y.shape == (10, 4)


def test_keras_test_clears_the_session_and_keeps_the_signature():
    import inspect

    @keras_test
    def my_test(tmpdir):
        K.get_uid('dense')
        return 'ran'

    assert list(inspect.signature(my_test).parameters) == ['tmpdir']
    assert my_test(None) == 'ran'
    assert K.get_uid('dense') == 1


def test_length_helpers_reject_unknown_padding_as_value_and_assertion_error():
    for call in (lambda: conv_utils.conv_output_length(32, 5, 'diagonal', 2),
                 lambda: conv_utils.conv_input_length(18, 5, 'diagonal', 2)):
        with pytest.raises(ValueError, match='diagonal'):
            call()
        with pytest.raises(AssertionError):
            call()
