"""kernels.conv.conv_grad_input_narrow: the stride-1, O < C input gradient as a forward convolution."""
import numpy as np
import pytest

from minikeras.backend.kernels import conv


@pytest.mark.parametrize('spatial, ksize, dilation, padding, c, o', [
    ((6, 7, 5), (3, 3, 3), (1, 1, 1), 'same', 8, 1),
    ((9, 8), (3, 2), (2, 1), 'valid', 5, 3),
    ((10,), (4,), (1,), 'causal', 4, 2),
    ((7, 7), (3, 3), (1, 1), ((2, 0), (1, 2)), 6, 2),
    ((8, 6), (4, 3), (1, 2), 'same', 3, 2),
])
def test_matches_col2im_input_gradient(spatial, ksize, dilation, padding, c, o):
    rng = np.random.RandomState(0)
    strides = (1,) * len(spatial)
    x = rng.rand(3, *spatial, c).astype('float32')
    w = rng.rand(*ksize, c, o).astype('float32')
    g = rng.rand(*conv.conv_forward(x, w, strides, dilation, padding).shape).astype('float32')
    expected = conv.conv_grad_input(g, w, spatial, strides, dilation, padding)
    got = conv.conv_grad_input_narrow(g, w, spatial, strides, dilation, padding)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('c, o, strides, padding, groups', [
    (2, 4, (1, 1), 'same', 1),        # O >= C: col2im is the cheaper side
    (4, 2, (2, 1), 'same', 1),        # strided
    (4, 2, (1, 1), 'same', 2),        # grouped
    (4, 2, (1, 1), ((3, 0), (0, 0)), 1),  # padding beyond the 3-wide kernel
])
def test_declines_where_it_does_not_apply(c, o, strides, padding, groups):
    g = np.zeros((1, 5, 5, o), 'float32')
    w = np.zeros((3, 3, c // groups, o), 'float32')
    assert conv.conv_grad_input_narrow(g, w, (5, 5), strides, (1, 1), padding, groups) is None
