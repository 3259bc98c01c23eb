"""Affine and intensity transforms of single images, in numpy.

The transforms of `keras.preprocessing.image` (keras-preprocessing 1.0.x):
`apply_affine_transform` maps every output pixel back to the input position
it samples (as `scipy.ndimage.affine_transform`, which Keras used) and
interpolates bilinearly (`order=1`) or takes the nearest pixel (`order=0`),
filling positions outside the image by `fill_mode`. Rotation, shear and zoom
act about the true image centre `((h - 1) / 2, (w - 1) / 2)`.

All names here are also importable from `minikeras.preprocessing.image`.
"""
import numpy as np

from .. import backend as K

FILL_MODES = ('constant', 'nearest', 'reflect', 'wrap')



def flip_axis(x, axis):
    """Reverses `x` along `axis` (returns a copy)."""
    return np.flip(np.asarray(x), axis).copy()


def transform_matrix_offset_center(matrix, x, y):
    """Conjugates a 3x3 (row, col) transform so that it acts about the image centre.

    Args:
        matrix: the 3x3 homogeneous matrix.
        x, y: the image height (rows) and width (columns).

    Returns:
        The 3x3 matrix `T(c) @ matrix @ T(-c)` with `c = ((x-1)/2, (y-1)/2)`.
    """
    o_x = float(x) / 2 - 0.5
    o_y = float(y) / 2 - 0.5
    offset_matrix = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset_matrix = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return offset_matrix.dot(matrix).dot(reset_matrix)


def _map_index(idx, n, fill_mode):
    """Maps integer sample positions outside `[0, n)` into it per fill mode."""
    if fill_mode == 'wrap':
        return np.mod(idx, n)
    if fill_mode == 'reflect':
        # Half-sample symmetric (d c b a | a b c d | d c b a), scipy's 'reflect'.
        m = np.mod(idx, 2 * n)
        return np.where(m >= n, 2 * n - 1 - m, m)
    return np.clip(idx, 0, n - 1)    # 'nearest'; 'constant' masks the outside afterwards


def _affine_sample(img, matrix, offset, fill_mode, cval, order):
    """Resamples an `(h, w, c)` image: output pixel `p` takes the input at `matrix @ p + offset`."""
    h, w = img.shape[0], img.shape[1]
    rows, cols = np.meshgrid(np.arange(h, dtype='float64'), np.arange(w, dtype='float64'), indexing='ij')
    src_r = matrix[0, 0] * rows + matrix[0, 1] * cols + offset[0]
    src_c = matrix[1, 0] * rows + matrix[1, 1] * cols + offset[1]
    # Coordinates a rounding error away from a pixel centre are taken as that pixel, so that
    # exact transforms (integer shifts, quarter turns) are exact.
    for src in (src_r, src_c):
        near = np.round(src)
        snap = np.abs(src - near) < 1e-9
        src[snap] = near[snap]
    if fill_mode == 'constant':
        inside = (src_r >= 0) & (src_r <= h - 1) & (src_c >= 0) & (src_c <= w - 1)

    if order == 0:
        r = _map_index(np.floor(src_r + 0.5).astype('int64'), h, fill_mode)
        c = _map_index(np.floor(src_c + 0.5).astype('int64'), w, fill_mode)
        out = img[r, c].astype(img.dtype, copy=False)
    else:
        r0 = np.floor(src_r)
        c0 = np.floor(src_c)
        fr = (src_r - r0)[..., None]
        fc = (src_c - c0)[..., None]
        r0 = r0.astype('int64')
        c0 = c0.astype('int64')
        ra, rb = _map_index(r0, h, fill_mode), _map_index(r0 + 1, h, fill_mode)
        ca, cb = _map_index(c0, w, fill_mode), _map_index(c0 + 1, w, fill_mode)
        out = ((1 - fr) * ((1 - fc) * img[ra, ca] + fc * img[ra, cb])
               + fr * ((1 - fc) * img[rb, ca] + fc * img[rb, cb]))
        out = out.astype(img.dtype, copy=False)
    if fill_mode == 'constant':
        out[~inside] = cval
    return out


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=0, col_axis=1,
                           channel_axis=2, fill_mode='nearest', cval=0., order=1):
    """Applies an affine transform to one image (rank 3) about its centre.

    The transform maps each output pixel `(row, col)` back to the input
    position it is sampled from (as `scipy.ndimage.affine_transform` does),
    composed in the Keras order rotation, shift, shear, zoom:

    - `theta`: rotation in degrees;
    - `tx`, `ty`: shift along rows and columns in pixels (output `(r, c)`
      samples input `(r + tx, c + ty)`, so a positive `ty` moves the content
      left);
    - `shear`: shear angle in degrees;
    - `zx`, `zy`: zoom factors along rows and columns (> 1 shrinks the
      content: output pixels sample a larger input area).

    Args:
        x: the image, rank 3.
        theta, tx, ty, shear, zx, zy: the transform parameters.
        row_axis, col_axis, channel_axis: the axes of `x` (a permutation of
            0, 1, 2).
        fill_mode: `'constant'`, `'nearest'`, `'reflect'` or `'wrap'`: how
            positions outside the input are filled (`abcd` extended as
            `kkkk|abcd|kkkk` with `k = cval`, `aaaa|abcd|dddd`,
            `dcba|abcd|dcba`, `abcd|abcd|abcd`).
        cval: the fill value for `'constant'`.
        order: 1 (bilinear, the default) or 0 (nearest pixel).

    Returns:
        The transformed image (same shape; `x` itself when the transform is
        the identity).
    """
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError('`x` must be a single image of rank 3; received shape %s.' % (x.shape,))
    if sorted((row_axis, col_axis, channel_axis)) != [0, 1, 2]:
        raise ValueError('`row_axis`, `col_axis` and `channel_axis` must be a permutation of 0, 1, 2; '
                         'received %r.' % ((row_axis, col_axis, channel_axis),))
    if fill_mode not in FILL_MODES:
        raise ValueError('`fill_mode` must be one of %s; received %r.' % (FILL_MODES, fill_mode))
    if order not in (0, 1):
        raise ValueError('`order` must be 0 or 1; received %r.' % (order,))

    transform = np.eye(3)
    identity = True
    if theta != 0:
        t = np.deg2rad(theta)
        transform = transform.dot([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
        identity = False
    if tx != 0 or ty != 0:
        transform = transform.dot([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
        identity = False
    if shear != 0:
        s = np.deg2rad(shear)
        transform = transform.dot([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]])
        identity = False
    if zx != 1 or zy != 1:
        transform = transform.dot([[zx, 0, 0], [0, zy, 0], [0, 0, 1]])
        identity = False
    if identity:
        return x

    h, w = x.shape[row_axis], x.shape[col_axis]
    transform = transform_matrix_offset_center(transform, h, w)
    img = np.transpose(x, (row_axis, col_axis, channel_axis))
    if not np.issubdtype(img.dtype, np.floating):
        img = img.astype(K.floatx())
    out = _affine_sample(img, transform[:2, :2], transform[:2, 2], fill_mode, cval, order)
    return np.transpose(out, np.argsort((row_axis, col_axis, channel_axis)))


def apply_channel_shift(x, intensity, channel_axis=0):
    """Adds `intensity` to every channel, clipping to the image's original min and max."""
    x = np.asarray(x)
    return np.clip(x + intensity, np.min(x), np.max(x))


def apply_brightness_shift(x, brightness):
    """Multiplies the pixel values by `brightness` (1 leaves the image unchanged)."""
    return np.asarray(x) * brightness


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest', cval=0.):
    """Rotates an image by an angle drawn uniformly from `[-rg, rg]` degrees."""
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest', cval=0.):
    """Shifts an image by fractions drawn from `[-hrg, hrg]` of its height and `[-wrg, wrg]` of its width."""
    h, w = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * h
    ty = np.random.uniform(-wrg, wrg) * w
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest', cval=0.):
    """Shears an image by an angle drawn from `[-intensity, intensity]` degrees."""
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest', cval=0.):
    """Zooms an image by factors drawn (independently per axis) from `zoom_range = (lower, upper)`."""
    if np.ndim(zoom_range) != 1 or len(zoom_range) != 2:
        raise ValueError('`zoom_range` should be a tuple or list of two floats; received %r.' % (zoom_range,))
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1, 1
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval)


def random_channel_shift(x, intensity_range, channel_axis=0):
    """Applies `apply_channel_shift` with an intensity drawn from `[-intensity_range, intensity_range]`."""
    return apply_channel_shift(x, np.random.uniform(-intensity_range, intensity_range), channel_axis)


def random_brightness(x, brightness_range):
    """Applies `apply_brightness_shift` with a factor drawn from `brightness_range = (lower, upper)`."""
    if np.ndim(brightness_range) != 1 or len(brightness_range) != 2:
        raise ValueError('`brightness_range` should be a tuple or list of two floats; received %r.'
                         % (brightness_range,))
    return apply_brightness_shift(x, np.random.uniform(brightness_range[0], brightness_range[1]))
