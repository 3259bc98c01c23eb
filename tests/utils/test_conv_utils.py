"""utils.conv_utils: the layers' shape arithmetic agrees with what the convolution ops compute."""
import itertools

import numpy as np
import pytest

from minikeras import backend as K
from minikeras.utils import conv_utils


@pytest.mark.parametrize('padding', ['valid', 'same'])
def test_conv_output_length_is_the_length_the_convolution_produces(padding):
    for n, k, s, d in itertools.product(range(3, 9), range(1, 4), range(1, 3), range(1, 3)):
        if (k - 1) * d + 1 > n:
            continue
        x = K.constant(np.zeros((1, n, 1), 'float32'))
        w = K.constant(np.zeros((k, 1, 1), 'float32'))
        if s > 1 and d > 1:
            continue  # Keras convolutions take either strides or a dilation rate
        y = K.conv1d(x, w, strides=s, padding=padding, dilation_rate=d)
        assert K.eval(y).shape[1] == conv_utils.conv_output_length(n, k, padding, s, d)


def test_conv_output_length_full_and_causal_padding():
    assert conv_utils.conv_output_length(10, 3, 'full', 1) == 12
    assert conv_utils.conv_output_length(10, 3, 'full', 2, dilation=2) == 7
    assert conv_utils.conv_output_length(10, 3, 'causal', 3) == 4
    assert conv_utils.conv_output_length(None, 3, 'valid', 1) is None
    with pytest.raises(AssertionError, match='bogus'):  # a PaddingError, as Keras 2's assertion
        conv_utils.conv_output_length(10, 3, 'bogus', 1)


def test_normalize_data_format_is_the_backends():
    assert conv_utils.normalize_data_format('Channels_First') == 'channels_first'
    assert conv_utils.normalize_data_format(None) == K.image_data_format()
    with pytest.raises(ValueError, match='data_format'):
        conv_utils.normalize_data_format(3)
