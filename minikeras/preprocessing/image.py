"""Image preprocessing and real-time augmentation (`keras.preprocessing.image`).

Keras 2.2 (keras-preprocessing 1.0.x) semantics in plain numpy:

- `ImageDataGenerator`: random affine transforms (rotation, shifts, shear,
  zoom, flips), channel and brightness shifts, and feature/sample-wise
  normalisation and ZCA whitening; `flow` (numpy arrays) and
  `flow_from_directory` (image files) give `Sequence` iterators;
- the affine helpers (`apply_affine_transform`, `random_rotation`, ...,
  defined in `affine_transformations`), implemented with numpy: each output
  pixel is mapped back into the input and sampled bilinearly (scipy's
  `order=1`) with the chosen fill mode;
- `load_img`, `img_to_array`, `array_to_img`, `save_img`.

Only the file functions need Pillow (`pip install 'minikeras[image]'`); it is
imported when they are first called, never when this module is imported.

Differences from Keras 2.2, all deliberate:

- transforms rotate/shear/zoom about the true image centre
  `((h - 1) / 2, (w - 1) / 2)`, as keras-preprocessing >= 1.1 does (Keras
  2.2 used `h / 2 + 0.5`, shifting results by one pixel), so a 90-degree
  rotation of a square image is exact;
- `brightness_range` multiplies pixel values by the drawn factor in numpy
  (Keras 2.2 went through Pillow, rescaling the image to 0..255 and rounding
  it to 8 bits);
- `standardize` returns a new array instead of modifying its input in place;
- with `seed`, an iterator's batches (order and transforms) are a function of
  `(seed, epoch, batch index)` and do not touch numpy's global random state;
  without a seed the global state is used, so `np.random.seed` controls it.
"""
import os
import re
import threading
import warnings

import numpy as np

from .. import backend as K
from ..utils.data_utils import Sequence
from .affine_transformations import (FILL_MODES as _FILL_MODES, apply_affine_transform,  # noqa: F401
                                     apply_brightness_shift, apply_channel_shift, flip_axis, random_brightness,
                                     random_channel_shift, random_rotation, random_shear, random_shift,
                                     random_zoom, transform_matrix_offset_center)

_WHITE_LIST_FORMATS = ('png', 'jpg', 'jpeg', 'bmp', 'ppm', 'tif', 'tiff')
_PIL_INTERPOLATIONS = ('nearest', 'bilinear', 'bicubic', 'lanczos', 'box', 'hamming')


def _pil_image():
    """Returns `PIL.Image`, or raises an ImportError naming the `image` extra."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError('This function needs Pillow (PIL) to read or write image files. '
                          "Install it with: pip install 'minikeras[image]' (or pip install Pillow).")
    return Image


def _check_data_format(data_format):
    if data_format is None:
        data_format = K.image_data_format()
    if data_format not in ('channels_first', 'channels_last'):
        raise ValueError('`data_format` should be "channels_last" or "channels_first"; received %r.'
                         % (data_format,))
    return data_format


# ----------------------------------------------------------------------------
# Image files and arrays
# ----------------------------------------------------------------------------

def array_to_img(x, data_format=None, scale=True, dtype=None):
    """Converts a rank-3 numpy array to a PIL image (needs Pillow).

    Args:
        x: the image, `(h, w, c)` or `(c, h, w)` with 1, 3 or 4 channels.
        data_format: `'channels_last'` or `'channels_first'`; default
            `K.image_data_format()`.
        scale: shift and scale the values so they span `0..255`.
        dtype: the float dtype used for the computation; default `K.floatx()`.

    Returns:
        A PIL `Image` in mode `'L'`, `'RGB'` or `'RGBA'`.

    Raises:
        ImportError: without Pillow.
        ValueError: for an array not of rank 3, a bad `data_format` or an
            unsupported number of channels.
    """
    pil_image = _pil_image()
    data_format = _check_data_format(data_format)
    x = np.array(x, dtype=dtype or K.floatx())
    if x.ndim != 3:
        raise ValueError('Expected an image array of rank 3 (single image); got shape %s.' % (x.shape,))
    if data_format == 'channels_first':
        x = x.transpose(1, 2, 0)
    if scale:
        x = x + max(-np.min(x), 0)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    channels = x.shape[2]
    if channels == 4:
        return pil_image.fromarray(x.astype('uint8'), 'RGBA')
    if channels == 3:
        return pil_image.fromarray(x.astype('uint8'), 'RGB')
    if channels == 1:
        return pil_image.fromarray(x[:, :, 0].astype('uint8'), 'L')
    raise ValueError('Unsupported number of channels %d (expected 1, 3 or 4).' % channels)


def img_to_array(img, data_format=None, dtype=None):
    """Converts a PIL image (or anything `np.asarray` reads) to a rank-3 array.

    Args:
        img: a PIL image, or a 2-D/3-D array-like.
        data_format: `'channels_last'` (`(h, w, c)`) or `'channels_first'`;
            default `K.image_data_format()`.
        dtype: default `K.floatx()`.

    Returns:
        A rank-3 numpy array; grayscale images get a channel axis of size 1.

    Raises:
        ValueError: for a bad `data_format` or an image that is not 2-D/3-D.
    """
    data_format = _check_data_format(data_format)
    x = np.asarray(img, dtype=dtype or K.floatx())
    if x.ndim == 3:
        if data_format == 'channels_first':
            x = x.transpose(2, 0, 1)
    elif x.ndim == 2:
        x = x.reshape((1,) + x.shape if data_format == 'channels_first' else x.shape + (1,))
    else:
        raise ValueError('Unsupported image shape %s: expected a 2-D or 3-D image.' % (x.shape,))
    return x


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Saves a rank-3 image array to a file (needs Pillow).

    Args:
        path: a path or a file object.
        x: the image array.
        data_format: as for `array_to_img`.
        file_format: e.g. `'png'`; default from the file name.
        scale: rescale values to `0..255` (see `array_to_img`).
        **kwargs: passed to `PIL.Image.save`.
    """
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == 'RGBA' and file_format in ('jpg', 'jpeg'):
        warnings.warn('The JPG format does not support RGBA images, converting to RGB.')
        img = img.convert('RGB')
    img.save(path, format=file_format, **kwargs)


class BatchIndexError(IndexError, ValueError):
    """A batch index outside an iterator: an `IndexError`, and the `ValueError` Keras 2.2.4 raised."""


def load_img(path, grayscale=False, color_mode='rgb', target_size=None, interpolation='nearest'):
    """Loads an image file as a PIL image (needs Pillow).

    Args:
        path: the file path.
        grayscale: deprecated; same as `color_mode='grayscale'`.
        color_mode: `'grayscale'`, `'rgb'` or `'rgba'`.
        target_size: `None` (original size) or `(height, width)`.
        interpolation: resampling when resizing: `'nearest'`, `'bilinear'`,
            `'bicubic'` (and `'lanczos'`, `'box'`, `'hamming'`).

    Returns:
        A PIL `Image`.

    Raises:
        ImportError: without Pillow.
        ValueError: for an unknown `color_mode`, or an unknown `interpolation` with a `target_size`.
    """
    pil_image = _pil_image()
    if grayscale:
        warnings.warn('`grayscale` is deprecated. Use `color_mode="grayscale"` instead.')
        color_mode = 'grayscale'
    modes = {'grayscale': 'L', 'rgb': 'RGB', 'rgba': 'RGBA'}
    if color_mode not in modes:
        raise ValueError('`color_mode` must be "grayscale", "rgb" or "rgba"; received %r.' % (color_mode,))
    if target_size is not None and interpolation not in _PIL_INTERPOLATIONS:  # only used when resizing
        raise ValueError('Invalid interpolation method %r; supported methods are %s.'
                         % (interpolation, ', '.join(_PIL_INTERPOLATIONS)))
    with open(path, 'rb') as f:
        img = pil_image.open(f)
        img.load()
    if img.mode != modes[color_mode]:
        img = img.convert(modes[color_mode])
    if target_size is not None:
        width_height = (int(target_size[1]), int(target_size[0]))
        if img.size != width_height:
            resample = getattr(pil_image, interpolation.upper())
            img = img.resize(width_height, resample)
    return img


def list_pictures(directory, ext='jpg|jpeg|bmp|png|ppm'):
    """Lists the image files under `directory` (recursively) with one of the extensions in `ext`."""
    pattern = re.compile(r'([\w]+\.(?:' + ext + '))')
    return [os.path.join(root, f) for root, _, files in os.walk(directory) for f in files
            if pattern.match(f.lower())]


# ----------------------------------------------------------------------------
# ImageDataGenerator
# ----------------------------------------------------------------------------

def _check_shift_range(name, value):
    if isinstance(value, (bool, np.bool_)):
        raise ValueError('`%s` should be a float, an int or a 1-D array-like; received %r.' % (name, value))
    if np.isscalar(value):
        if not isinstance(value, (int, float, np.integer, np.floating)) or value < 0:
            raise ValueError('`%s` should be a non-negative float or int, or a 1-D array-like; received %r.'
                             % (name, value))
        return value
    arr = np.asarray(value)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.number):
        raise ValueError('`%s` should be a float, an int or a non-empty 1-D array-like of numbers; '
                         'received %r.' % (name, value))
    return arr


def _draw_shift(rng, spec, size):
    """A shift in pixels drawn the Keras 2.2 way from a `*_shift_range` specification."""
    if isinstance(spec, np.ndarray):
        shift = rng.choice(spec) * rng.choice([-1, 1])
    elif isinstance(spec, (int, np.integer)):
        shift = rng.choice(int(spec)) * rng.choice([-1, 1])
    else:
        shift = rng.uniform(-spec, spec)
    if np.max(spec) < 1:
        shift = shift * size
    return shift


class ImageDataGenerator(object):
    """Generates batches of image data with real-time augmentation (Keras 2.2).

    For each image, `flow` draws random transform parameters
    (`get_random_transform`), applies them (`apply_transform`: affine
    transform, channel shift, flips, brightness), then normalises
    (`standardize`: `preprocessing_function`, `rescale`, sample-wise then
    feature-wise centring/scaling, ZCA). Feature-wise statistics come from
    `fit`.

    Args:
        featurewise_center: subtract the per-channel dataset mean (`fit`).
        samplewise_center: subtract each image's mean.
        featurewise_std_normalization: divide by the per-channel dataset std.
        samplewise_std_normalization: divide each image by its std.
        zca_whitening: apply ZCA whitening (computed by `fit`; implies
            `featurewise_center`, replaces `featurewise_std_normalization`).
        zca_epsilon: epsilon added to the eigenvalues for ZCA.
        rotation_range: rotations drawn from `[-rotation_range, rotation_range]` degrees.
        width_shift_range, height_shift_range: a float < 1 is a fraction of
            the width/height, a float >= 1 a number of pixels, drawn from
            `[-v, v)`; an int `n` draws whole pixels from `(-n, n)`
            (`2` gives -1, 0 or 1); a 1-D array-like draws one of its
            elements with a random sign.
        brightness_range: `(lower, upper)` range of a multiplicative
            brightness factor, or None.
        shear_range: shear angles from `[-shear_range, shear_range]` degrees
            (counter-clockwise; Keras 2.1 used radians, Keras 2.2 degrees).
        zoom_range: a float `z` (zoom in `[1 - z, 1 + z]`) or `[lower, upper]`.
        channel_shift_range: channel shifts from `[-v, v]`.
        fill_mode: `'constant'`, `'nearest'`, `'reflect'` or `'wrap'`.
        cval: fill value for `fill_mode='constant'`.
        horizontal_flip, vertical_flip: flip half of the images at random.
        rescale: a factor multiplying the data (None or 0: none). As in Keras
            2.2's code it is applied in `standardize`, after the random
            transform and before the normalisations.
        preprocessing_function: a function from one rank-3 image to one of
            the same shape, run at the start of `standardize` (after the
            random transform, before `rescale`).
        data_format: `'channels_last'` or `'channels_first'`; default
            `K.image_data_format()`.
        validation_split: fraction of the data reserved for validation
            (`flow(..., subset='validation')`), strictly between 0 and 1.
        dtype: dtype of the generated arrays; default `K.floatx()`.

    Raises:
        ValueError: for an invalid `data_format`, `validation_split`,
            `zoom_range`, `brightness_range`, shift range or `fill_mode`.

    Example:
        >>> datagen = ImageDataGenerator(featurewise_center=True, rotation_range=20,
        ...                              width_shift_range=0.2, horizontal_flip=True)
        >>> datagen.fit(x_train)
        >>> model.fit_generator(datagen.flow(x_train, y_train, batch_size=32), epochs=5)
    """

    def __init__(self, featurewise_center=False, samplewise_center=False, featurewise_std_normalization=False,
                 samplewise_std_normalization=False, zca_whitening=False, zca_epsilon=1e-6, rotation_range=0,
                 width_shift_range=0., height_shift_range=0., brightness_range=None, shear_range=0.,
                 zoom_range=0., channel_shift_range=0., fill_mode='nearest', cval=0., horizontal_flip=False,
                 vertical_flip=False, rescale=None, preprocessing_function=None, data_format=None,
                 validation_split=0.0, dtype=None):
        self.data_format = _check_data_format(data_format)
        self.dtype = dtype or K.floatx()
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.zca_epsilon = zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range = _check_shift_range('width_shift_range', width_shift_range)
        self.height_shift_range = _check_shift_range('height_shift_range', height_shift_range)
        self.shear_range = shear_range
        self.channel_shift_range = channel_shift_range
        if fill_mode not in _FILL_MODES:
            raise ValueError('`fill_mode` must be one of %s; received %r.' % (_FILL_MODES, fill_mode))
        self.fill_mode = fill_mode
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        self.preprocessing_function = preprocessing_function

        if self.data_format == 'channels_first':
            self.channel_axis, self.row_axis, self.col_axis = 1, 2, 3
        else:
            self.channel_axis, self.row_axis, self.col_axis = 3, 1, 2
        if validation_split and not 0 < validation_split < 1:
            raise ValueError('`validation_split` must be strictly between 0 and 1; received %r.'
                             % (validation_split,))
        self._validation_split = validation_split

        self.mean = None
        self.std = None
        self.principal_components = None

        if np.isscalar(zoom_range):
            self.zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif len(zoom_range) == 2:
            self.zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError('`zoom_range` should be a float or a tuple or list of two floats; received %r.'
                             % (zoom_range,))
        if brightness_range is not None:
            if not isinstance(brightness_range, (tuple, list, np.ndarray)) or len(brightness_range) != 2:
                raise ValueError('`brightness_range` should be a tuple or list of two floats; received %r.'
                                 % (brightness_range,))
        self.brightness_range = brightness_range

        if zca_whitening:
            if not featurewise_center:
                self.featurewise_center = True
                warnings.warn('This ImageDataGenerator specifies `zca_whitening`, which overrides '
                              'setting of `featurewise_center`.')
            if featurewise_std_normalization:
                self.featurewise_std_normalization = False
                warnings.warn('This ImageDataGenerator specifies `zca_whitening`, which overrides '
                              'setting of `featurewise_std_normalization`.')
        if featurewise_std_normalization and not featurewise_center:
            self.featurewise_center = True
            warnings.warn('This ImageDataGenerator specifies `featurewise_std_normalization`, which '
                          'overrides setting of `featurewise_center`.')
        if samplewise_std_normalization and not samplewise_center:
            self.samplewise_center = True
            warnings.warn('This ImageDataGenerator specifies `samplewise_std_normalization`, which '
                          'overrides setting of `samplewise_center`.')

    # -- iterators -------------------------------------------------------------

    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None, save_to_dir=None,
             save_prefix='', save_format='png', subset=None):
        """Batches of augmented data from numpy arrays.

        Args:
            x: images, rank 4; or a tuple `(images, extra)` where `extra` (an
                array or a list of arrays) is passed through unchanged, making
                the batch input `[images, *extra]`.
            y: labels, or None (then batches are the images alone).
            batch_size: images per batch.
            shuffle: shuffle the samples at each epoch.
            sample_weight: per-sample weights, yielded as a third element.
            seed: seed for the shuffle and the transforms.
            save_to_dir: directory where each augmented image is also saved
                (needs Pillow).
            save_prefix, save_format: file name prefix and format of saved images.
            subset: `'training'` or `'validation'` with `validation_split`:
                the validation subset is the first `int(n * validation_split)`
                samples, the training subset the rest.

        Returns:
            A `NumpyArrayIterator` (a `minikeras.utils.Sequence`) yielding
            `(x, y)`, `(x, y, sample_weight)` or `x` batches.
        """
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle,
                                  sample_weight=sample_weight, seed=seed, data_format=self.data_format,
                                  save_to_dir=save_to_dir, save_prefix=save_prefix, save_format=save_format,
                                  subset=subset, dtype=self.dtype)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode='rgb', classes=None,
                            class_mode='categorical', batch_size=32, shuffle=True, seed=None, save_to_dir=None,
                            save_prefix='', save_format='png', follow_links=False, subset=None,
                            interpolation='nearest'):
        """Batches of augmented images read from one sub-directory per class (needs Pillow).

        Args:
            directory: the root directory; each sub-directory is a class and
                its png/jpg/jpeg/bmp/ppm/tif images (searched recursively) are
                the samples.
            target_size: `(height, width)` every image is resized to.
            color_mode: `'grayscale'`, `'rgb'` or `'rgba'` (1, 3 or 4 channels).
            classes: list of class sub-directory names (default: all, sorted
                alphanumerically); the label of a class is its position.
            class_mode: `'categorical'` (one-hot), `'binary'`, `'sparse'`
                (integer labels), `'input'` (the images themselves) or None
                (images only).
            batch_size, shuffle, seed, save_to_dir, save_prefix, save_format:
                as for `flow`.
            follow_links: follow symbolic links into sub-directories.
            subset: `'training'` or `'validation'` with `validation_split`
                (the split is made per class: the first files of each class
                in sorted order are the validation subset).
            interpolation: resampling used to resize (see `load_img`).

        Returns:
            A `DirectoryIterator` with `filenames`, `classes`,
            `class_indices`, `samples` and `num_classes`.

        Raises:
            ImportError: without Pillow (install `minikeras[image]`).
        """
        return DirectoryIterator(directory, self, target_size=target_size, color_mode=color_mode,
                                 classes=classes, class_mode=class_mode, data_format=self.data_format,
                                 batch_size=batch_size, shuffle=shuffle, seed=seed, save_to_dir=save_to_dir,
                                 save_prefix=save_prefix, save_format=save_format, follow_links=follow_links,
                                 subset=subset, interpolation=interpolation, dtype=self.dtype)

    # -- normalisation -----------------------------------------------------------

    def standardize(self, x):
        """Applies the normalisation configuration to an image or a batch.

        In order: `preprocessing_function`, `rescale`, sample-wise centring and
        std scaling (over the whole sample), feature-wise centring and std
        scaling (statistics from `fit`), ZCA whitening.

        Args:
            x: one image or a batch of images.

        Returns:
            A new array (the input is not modified).
        """
        if np.issubdtype(np.asarray(x).dtype, np.floating):
            x = np.array(x)
        else:
            x = np.array(x, dtype=self.dtype)
        if self.preprocessing_function:
            x = np.asarray(self.preprocessing_function(x))
        if self.rescale:
            x = x * self.rescale
        if self.samplewise_center:
            x = x - np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x = x / (np.std(x, keepdims=True) + K.epsilon())
        if self.featurewise_center:
            if self.mean is not None:
                x = x - self.mean
            else:
                warnings.warn("This ImageDataGenerator specifies `featurewise_center`, but it hasn't been "
                              'fit on any training data. Fit it first by calling `.fit(numpy_data)`.')
        if self.featurewise_std_normalization:
            if self.std is not None:
                x = x / (self.std + K.epsilon())
            else:
                warnings.warn('This ImageDataGenerator specifies `featurewise_std_normalization`, but it '
                              "hasn't been fit on any training data. Fit it first by calling "
                              '`.fit(numpy_data)`.')
        if self.zca_whitening:
            if self.principal_components is not None:
                flat = np.reshape(x, (-1, int(np.prod(x.shape[-3:]))))
                x = np.reshape(flat.dot(self.principal_components), x.shape)
            else:
                warnings.warn("This ImageDataGenerator specifies `zca_whitening`, but it hasn't been fit on "
                              'any training data. Fit it first by calling `.fit(numpy_data)`.')
        return x

    # -- random transforms -------------------------------------------------------

    def get_random_transform(self, img_shape, seed=None):
        """Draws the parameters of a random transform for one image.

        Args:
            img_shape: shape of the image (rank 3, in this generator's data format).
            seed: optional seed (a private random state is used; numpy's
                global state is used when None).

        Returns:
            A dict with `theta`, `tx`, `ty`, `shear`, `zx`, `zy`,
            `flip_horizontal`, `flip_vertical`, `channel_shift_intensity` and
            `brightness` (see `apply_transform`).
        """
        rng = np.random.RandomState(seed) if seed is not None else np.random
        return self._draw_transform(img_shape, rng)

    def _draw_transform(self, img_shape, rng):
        img_row_axis = self.row_axis - 1
        img_col_axis = self.col_axis - 1
        theta = rng.uniform(-self.rotation_range, self.rotation_range) if self.rotation_range else 0
        tx = _draw_shift(rng, self.height_shift_range, img_shape[img_row_axis]) \
            if np.any(self.height_shift_range) else 0
        ty = _draw_shift(rng, self.width_shift_range, img_shape[img_col_axis]) \
            if np.any(self.width_shift_range) else 0
        shear = rng.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = rng.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = bool(rng.random_sample() < 0.5) and bool(self.horizontal_flip)
        flip_vertical = bool(rng.random_sample() < 0.5) and bool(self.vertical_flip)
        channel_shift_intensity = None
        if self.channel_shift_range != 0:
            channel_shift_intensity = rng.uniform(-self.channel_shift_range, self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = rng.uniform(self.brightness_range[0], self.brightness_range[1])
        return {'theta': theta, 'tx': tx, 'ty': ty, 'shear': shear, 'zx': zx, 'zy': zy,
                'flip_horizontal': flip_horizontal, 'flip_vertical': flip_vertical,
                'channel_shift_intensity': channel_shift_intensity, 'brightness': brightness}

    def apply_transform(self, x, transform_parameters):
        """Applies given transform parameters to one image.

        Args:
            x: one image, rank 3, in this generator's data format.
            transform_parameters: a dict as returned by `get_random_transform`;
                missing keys mean no change: `theta` (rotation, degrees),
                `tx`/`ty` (shift along rows/columns, pixels), `shear`
                (degrees), `zx`/`zy` (zoom along rows/columns),
                `flip_horizontal`, `flip_vertical`, `channel_shift_intensity`,
                `brightness`.

        Returns:
            The transformed image (same shape).
        """
        img_row_axis = self.row_axis - 1
        img_col_axis = self.col_axis - 1
        img_channel_axis = self.channel_axis - 1
        p = transform_parameters
        x = apply_affine_transform(x, p.get('theta', 0), p.get('tx', 0), p.get('ty', 0), p.get('shear', 0),
                                   p.get('zx', 1), p.get('zy', 1), row_axis=img_row_axis, col_axis=img_col_axis,
                                   channel_axis=img_channel_axis, fill_mode=self.fill_mode, cval=self.cval)
        if p.get('channel_shift_intensity') is not None:
            x = apply_channel_shift(x, p['channel_shift_intensity'], img_channel_axis)
        if p.get('flip_horizontal', False):
            x = flip_axis(x, img_col_axis)
        if p.get('flip_vertical', False):
            x = flip_axis(x, img_row_axis)
        if p.get('brightness') is not None:
            x = apply_brightness_shift(x, p['brightness'])
        return x

    def random_transform(self, x, seed=None):
        """Applies a random transform (drawn with `get_random_transform`) to one image."""
        return self.apply_transform(x, self.get_random_transform(np.shape(x), seed))

    # -- statistics --------------------------------------------------------------

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Computes the feature-wise statistics from sample data.

        Needed only for `featurewise_center`, `featurewise_std_normalization`
        or `zca_whitening`: sets `mean` and `std` (per channel, shaped to
        broadcast over one image) and `principal_components` (the ZCA
        matrix `U diag(1 / sqrt(S + zca_epsilon)) U^T` of the data covariance).

        Args:
            x: sample images, rank 4 (1, 3 or 4 channels expected).
            augment: fit on randomly transformed copies of the data.
            rounds: number of augmented passes over the data when `augment`.
            seed: seed for the augmentation.

        Raises:
            ValueError: if `x` is not of rank 4.
        """
        x = np.array(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError('Input to `.fit()` should have rank 4; got an array with shape %s.' % (x.shape,))
        if x.shape[self.channel_axis] not in (1, 3, 4):
            warnings.warn('Expected input to be images following the data format convention "%s" '
                          '(channels on axis %d), i.e. 1, 3 or 4 channels on that axis; got an array with '
                          'shape %s (%d channels).' % (self.data_format, self.channel_axis, x.shape,
                                                       x.shape[self.channel_axis]))
        if augment:
            if int(rounds) != rounds or rounds < 1:
                raise ValueError('`rounds` must be a positive integer; received %r.' % (rounds,))
            rng = np.random.RandomState(seed) if seed is not None else np.random
            ax = np.zeros((int(rounds) * x.shape[0],) + x.shape[1:], dtype=self.dtype)
            for r in range(int(rounds)):
                for i in range(x.shape[0]):
                    ax[i + r * x.shape[0]] = self.apply_transform(x[i], self._draw_transform(x[i].shape, rng))
            x = ax

        broadcast_shape = [1, 1, 1]
        broadcast_shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        if self.featurewise_center:
            self.mean = np.reshape(np.mean(x, axis=(0, self.row_axis, self.col_axis)), broadcast_shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.reshape(np.std(x, axis=(0, self.row_axis, self.col_axis)), broadcast_shape)
            x /= (self.std + K.epsilon())
        if self.zca_whitening:
            flat = np.reshape(x, (x.shape[0], -1)).astype('float64')
            sigma = flat.T.dot(flat) / flat.shape[0]
            u, s, _ = np.linalg.svd(sigma)
            s_inv = 1. / np.sqrt(s[np.newaxis] + self.zca_epsilon)
            self.principal_components = (u * s_inv).dot(u.T).astype(self.dtype)


# ----------------------------------------------------------------------------
# Iterators
# ----------------------------------------------------------------------------

class Iterator(Sequence):
    """Base class of the image iterators: a `Sequence` of batches that also loops forever.

    `it[i]` is batch `i` of the current epoch (`len(it)` batches);
    `on_epoch_end()` reshuffles. `next(it)` (and `for batch in it`) walks the
    batches epoch after epoch without end, as Keras 2's iterators do.
    Subclasses implement `_get_batches_of_transformed_samples(index_array, rng)`.

    Args:
        n: number of samples.
        batch_size: samples per batch.
        shuffle: shuffle the samples at each epoch.
        seed: seed making the order and the transforms reproducible.
    """

    def __init__(self, n, batch_size, shuffle, seed):
        if int(batch_size) != batch_size or batch_size < 1:
            raise ValueError('`batch_size` must be a positive integer; received %r.' % (batch_size,))
        self.n = int(n)
        self.batch_size = int(batch_size)
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.epoch = 0
        self.lock = threading.Lock()
        self.index_array = None

    def _rng(self, *keys):
        if self.seed is None:
            return np.random
        state = np.random.SeedSequence([int(self.seed)] + [int(k) for k in keys]).generate_state(1)[0]
        return np.random.RandomState(state)

    def _set_index_array(self):
        if self.shuffle:
            self.index_array = self._rng(self.epoch, 0x5EED).permutation(self.n)
        else:
            self.index_array = np.arange(self.n)

    def __len__(self):
        return (self.n + self.batch_size - 1) // self.batch_size

    def __getitem__(self, idx):
        if idx < 0:
            idx += len(self)
        if not 0 <= idx < len(self):
            raise BatchIndexError('Asked to retrieve batch %d, but the Sequence has length %d.' % (idx, len(self)))
        with self.lock:
            if self.index_array is None:
                self._set_index_array()
            index_array = self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)]
            epoch = self.epoch
            self.total_batches_seen += 1
        return self._get_batches_of_transformed_samples(index_array, self._rng(epoch, idx))

    def on_epoch_end(self):
        with self.lock:
            self.epoch += 1
            self._set_index_array()

    def reset(self):
        """Restarts `next()` at the first batch of the current epoch."""
        self.batch_index = 0

    def __iter__(self):
        return self

    def __next__(self):
        return self.next()

    def next(self):
        """Returns the next batch, starting a new epoch after the last one."""
        with self.lock:
            if self.batch_index >= len(self):
                self.batch_index = 0
                new_epoch = True
            else:
                new_epoch = False
            idx = self.batch_index
            self.batch_index += 1
        if new_epoch:
            self.on_epoch_end()
        return self[idx]

    def _get_batches_of_transformed_samples(self, index_array, rng):
        raise NotImplementedError

    def _save_batch(self, batch_x, index_array, rng):
        for i, j in enumerate(index_array):
            img = array_to_img(batch_x[i], self.data_format, scale=True)
            fname = '{prefix}_{index}_{hash}.{format}'.format(prefix=self.save_prefix, index=j,
                                                              hash=rng.randint(10000), format=self.save_format)
            img.save(os.path.join(self.save_to_dir, fname))


class NumpyArrayIterator(Iterator):
    """Iterator over numpy arrays with augmentation (returned by `ImageDataGenerator.flow`).

    Args:
        x: images (rank 4), or a tuple `(images, extra_array_or_list)`.
        y: labels or None.
        image_data_generator: the `ImageDataGenerator` whose transforms and
            normalisation are applied.
        batch_size, shuffle, sample_weight, seed, save_to_dir, save_prefix,
        save_format, subset: see `ImageDataGenerator.flow`.
        data_format: the image data format.
        dtype: dtype of the batches.
    """

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False, sample_weight=None, seed=None,
                 data_format=None, save_to_dir=None, save_prefix='', save_format='png', subset=None, dtype=None):
        self.dtype = dtype or K.floatx()
        if isinstance(x, (tuple, list)):
            if len(x) != 2:
                raise ValueError('`x` as a tuple must be `(images, extra)`; received %d elements.' % len(x))
            extra = x[1]
            x_misc = [np.asarray(a) for a in extra] if isinstance(extra, list) else [np.asarray(extra)]
            x = x[0]
            for a in x_misc:
                if len(x) != len(a):
                    raise ValueError('All of the arrays in `x` should have the same length. Found a pair with: '
                                     'len(x[0]) = %d, len(x[?]) = %d' % (len(x), len(a)))
        else:
            x_misc = []
        if y is not None and len(x) != len(y):
            raise ValueError('`x` (images tensor) and `y` (labels) should have the same length. Found: '
                             'x.shape = %s, y.shape = %s' % (np.shape(x), np.shape(y)))
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError('`x` (images tensor) and `sample_weight` should have the same length. Found: '
                             'x.shape = %s, sample_weight.shape = %s' % (np.shape(x), np.shape(sample_weight)))
        if subset is not None:
            if subset not in ('training', 'validation'):
                raise ValueError('Invalid subset name %r; expected "training" or "validation".' % (subset,))
            if not image_data_generator._validation_split:
                raise ValueError('`subset=%r` needs an ImageDataGenerator with `validation_split` set.'
                                 % (subset,))
            split_idx = int(len(x) * image_data_generator._validation_split)
            part = slice(None, split_idx) if subset == 'validation' else slice(split_idx, None)
            x = x[part]
            x_misc = [a[part] for a in x_misc]
            if y is not None:
                y = y[part]
            if sample_weight is not None:
                sample_weight = sample_weight[part]
        self.data_format = _check_data_format(data_format)
        self.x = np.asarray(x, dtype=self.dtype)
        self.x_misc = x_misc
        if self.x.ndim != 4:
            raise ValueError('Input data in `NumpyArrayIterator` should have rank 4; received an array with '
                             'shape %s.' % (self.x.shape,))
        channels_axis = 3 if self.data_format == 'channels_last' else 1
        if self.x.shape[channels_axis] not in (1, 3, 4):
            warnings.warn('NumpyArrayIterator is set to use the data format convention "%s" (channels on axis '
                          '%d), i.e. expected either 1, 3, or 4 channels on that axis; received an array with '
                          'shape %s (%d channels).' % (self.data_format, channels_axis, self.x.shape,
                                                       self.x.shape[channels_axis]))
        self.y = np.asarray(y) if y is not None else None
        self.sample_weight = np.asarray(sample_weight) if sample_weight is not None else None
        self.image_data_generator = image_data_generator
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        if save_to_dir:
            _pil_image()
        super(NumpyArrayIterator, self).__init__(self.x.shape[0], batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array, rng):
        gen = self.image_data_generator
        batch_x = np.zeros((len(index_array),) + self.x.shape[1:], dtype=self.dtype)
        for i, j in enumerate(index_array):
            x = self.x[j]
            x = gen.apply_transform(x, gen._draw_transform(x.shape, rng))
            batch_x[i] = gen.standardize(x)
        if self.save_to_dir:
            self._save_batch(batch_x, index_array, rng)
        inputs = [batch_x] + [a[index_array] for a in self.x_misc] if self.x_misc else batch_x
        if self.y is None:
            return inputs
        output = (inputs, self.y[index_array])
        if self.sample_weight is not None:
            output += (self.sample_weight[index_array],)
        return output


class DirectoryIterator(Iterator):
    """Iterator over image files in class sub-directories (returned by `flow_from_directory`).

    Attributes:
        filenames: file paths relative to `directory`, in sample order.
        classes: the integer class of each sample.
        class_indices: dict class name -> class index.
        samples: number of images; `num_classes`: number of classes.

    See `ImageDataGenerator.flow_from_directory` for the arguments.

    Raises:
        ImportError: without Pillow (install `minikeras[image]`).
    """

    def __init__(self, directory, image_data_generator, target_size=(256, 256), color_mode='rgb', classes=None,
                 class_mode='categorical', batch_size=32, shuffle=True, seed=None, data_format=None,
                 save_to_dir=None, save_prefix='', save_format='png', follow_links=False, subset=None,
                 interpolation='nearest', dtype=None):
        _pil_image()
        self.dtype = dtype or K.floatx()
        self.directory = directory
        self.image_data_generator = image_data_generator
        self.target_size = tuple(int(v) for v in target_size)
        if color_mode not in ('rgb', 'rgba', 'grayscale'):
            raise ValueError('Invalid color mode %r; expected "rgb", "rgba" or "grayscale".' % (color_mode,))
        self.color_mode = color_mode
        self.data_format = _check_data_format(data_format)
        channels = {'rgb': 3, 'rgba': 4, 'grayscale': 1}[color_mode]
        if self.data_format == 'channels_last':
            self.image_shape = self.target_size + (channels,)
        else:
            self.image_shape = (channels,) + self.target_size
        if class_mode not in ('categorical', 'binary', 'sparse', 'input', None):
            raise ValueError('Invalid class_mode %r; expected one of "categorical", "binary", "sparse", '
                             '"input" or None.' % (class_mode,))
        self.class_mode = class_mode
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        if interpolation not in _PIL_INTERPOLATIONS:
            raise ValueError('Invalid interpolation method %r; supported methods are %s.'
                             % (interpolation, ', '.join(_PIL_INTERPOLATIONS)))
        self.interpolation = interpolation
        if subset is not None:
            if subset not in ('training', 'validation'):
                raise ValueError('Invalid subset name %r; expected "training" or "validation".' % (subset,))
            vs = image_data_generator._validation_split
            if not vs:
                raise ValueError('`subset=%r` needs an ImageDataGenerator with `validation_split` set.'
                                 % (subset,))
            split = (0, vs) if subset == 'validation' else (vs, 1)
        else:
            split = None
        self.subset = subset

        if not os.path.isdir(directory):
            raise ValueError('`directory` %r is not a directory.' % (directory,))
        if not classes:
            classes = sorted(d for d in os.listdir(directory) if os.path.isdir(os.path.join(directory, d)))
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))

        filenames = []
        labels = []
        for name in classes:
            class_dir = os.path.join(directory, name)
            files = []
            for root, _, names in sorted(os.walk(class_dir, followlinks=follow_links)):
                for fname in sorted(names):
                    if fname.lower().rsplit('.', 1)[-1] in _WHITE_LIST_FORMATS:
                        files.append(os.path.relpath(os.path.join(root, fname), directory))
            if split is not None:
                files = files[int(split[0] * len(files)):int(split[1] * len(files))]
            filenames.extend(files)
            labels.extend([self.class_indices[name]] * len(files))
        self.filenames = filenames
        self.classes = np.array(labels, dtype='int32')
        self.samples = len(filenames)
        print('Found %d images belonging to %d classes.' % (self.samples, self.num_classes))
        super(DirectoryIterator, self).__init__(self.samples, batch_size, shuffle, seed)

    @property
    def filepaths(self):
        """Absolute-or-as-given paths of the image files."""
        return [os.path.join(self.directory, f) for f in self.filenames]

    def _get_batches_of_transformed_samples(self, index_array, rng):
        gen = self.image_data_generator
        batch_x = np.zeros((len(index_array),) + self.image_shape, dtype=self.dtype)
        for i, j in enumerate(index_array):
            img = load_img(os.path.join(self.directory, self.filenames[j]), color_mode=self.color_mode,
                           target_size=self.target_size, interpolation=self.interpolation)
            x = img_to_array(img, data_format=self.data_format, dtype=self.dtype)
            if hasattr(img, 'close'):
                img.close()
            x = gen.apply_transform(x, gen._draw_transform(x.shape, rng))
            batch_x[i] = gen.standardize(x)
        if self.save_to_dir:
            self._save_batch(batch_x, index_array, rng)
        if self.class_mode == 'input':
            batch_y = batch_x.copy()
        elif self.class_mode in ('sparse', 'binary'):
            batch_y = self.classes[index_array].astype(self.dtype)
        elif self.class_mode == 'categorical':
            batch_y = np.zeros((len(index_array), self.num_classes), dtype=self.dtype)
            batch_y[np.arange(len(index_array)), self.classes[index_array]] = 1.
        else:
            return batch_x
        return batch_x, batch_y
