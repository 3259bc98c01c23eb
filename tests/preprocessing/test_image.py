"""Tests of minikeras.preprocessing.image (SEED-INVENTORY PRE-07..PRE-10, PRE-12)."""
import importlib.util
import os
import sys

import numpy as np
import pytest

from minikeras.layers import Dense, Flatten
from minikeras.models import Sequential
from minikeras.preprocessing import image
from minikeras.preprocessing.image import ImageDataGenerator, apply_affine_transform
from minikeras.utils import Sequence

HAS_PIL = importlib.util.find_spec('PIL') is not None
needs_pil = pytest.mark.skipif(not HAS_PIL, reason='Pillow is not installed (optional extra minikeras[image])')


def square(n=3, channels=1):
    return np.arange(n * n * channels, dtype='float32').reshape(n, n, channels)


def row(values):
    return np.asarray(values, dtype='float32').reshape(1, -1, 1)


# -- exact transforms ---------------------------------------------------------------

def test_flips_are_exact():
    x = square(3, 2)
    gen = ImageDataGenerator()
    np.testing.assert_array_equal(gen.apply_transform(x, {'flip_horizontal': True}), x[:, ::-1])
    np.testing.assert_array_equal(gen.apply_transform(x, {'flip_vertical': True}), x[::-1])
    gen = ImageDataGenerator(horizontal_flip=True)
    seen = {gen.random_transform(x, seed=s)[0, 0, 0] for s in range(20)}
    assert seen == {0., 4.}    # unflipped, or flipped: row 0 = [(0,1), (2,3), (4,5)] reversed


def test_quarter_turn_of_a_square_image_is_exact():
    x = square(4, 3)
    gen = ImageDataGenerator()
    np.testing.assert_array_equal(gen.apply_transform(x, {'theta': 90}), np.rot90(x, -1))
    np.testing.assert_array_equal(gen.apply_transform(x, {'theta': -90}), np.rot90(x, 1))
    np.testing.assert_array_equal(gen.apply_transform(x, {'theta': 180}), x[::-1, ::-1])
    cf = ImageDataGenerator(data_format='channels_first')
    np.testing.assert_array_equal(cf.apply_transform(x.transpose(2, 0, 1), {'theta': 90}),
                                  np.rot90(x, -1).transpose(2, 0, 1))
    gen = ImageDataGenerator(rotation_range=90)
    params = gen.get_random_transform(x.shape, seed=1)
    assert -90 <= params['theta'] <= 90 and params == gen.get_random_transform(x.shape, seed=1)


@pytest.mark.parametrize('fill_mode, plus2, minus7', [
    ('constant', [2, 3, 4, -1, -1], [-1, -1, -1, -1, -1]),
    ('nearest', [2, 3, 4, 4, 4], [0, 0, 0, 0, 0]),
    ('reflect', [2, 3, 4, 4, 3], [3, 4, 4, 3, 2]),
    ('wrap', [2, 3, 4, 0, 1], [3, 4, 0, 1, 2]),
])
def test_integer_shifts_with_each_fill_mode(fill_mode, plus2, minus7):
    gen = ImageDataGenerator(fill_mode=fill_mode, cval=-1)
    x = row(range(5))
    # output column c samples input column c + ty (Keras / scipy convention)
    np.testing.assert_array_equal(gen.apply_transform(x, {'ty': 2})[0, :, 0], plus2)
    np.testing.assert_array_equal(gen.apply_transform(x, {'ty': -7})[0, :, 0], minus7)
    col = x.transpose(1, 0, 2)    # the same along rows with tx
    np.testing.assert_array_equal(gen.apply_transform(col, {'tx': 2})[:, 0, 0], plus2)


def test_bilinear_half_pixel_shift_and_zoom_of_a_constant_image():
    gen = ImageDataGenerator()
    np.testing.assert_allclose(gen.apply_transform(row([0, 1, 2, 3]), {'ty': 0.5})[0, :, 0], [.5, 1.5, 2.5, 3])
    ones = np.full((4, 4, 1), 7., 'float32')
    out = ImageDataGenerator(fill_mode='constant', cval=0).apply_transform(ones, {'zx': 2, 'zy': 2})
    expected = np.zeros((4, 4)); expected[1:3, 1:3] = 7
    np.testing.assert_array_equal(out[..., 0], expected)
    np.testing.assert_array_equal(ImageDataGenerator().apply_transform(ones, {'zx': 2, 'zy': 2}), ones)
    np.testing.assert_array_equal(ImageDataGenerator().apply_transform(ones, {'zx': .5, 'zy': .7, 'shear': 20}),
                                  ones)
    x = square(5)
    np.testing.assert_array_equal(apply_affine_transform(x), x)
    with pytest.raises(ValueError, match='fill_mode'):
        apply_affine_transform(x, theta=3, fill_mode='mirror')


def test_channel_shift_brightness_rescale_and_preprocessing_function():
    x = square(2, 2)    # values 0..7
    gen = ImageDataGenerator()
    np.testing.assert_array_equal(gen.apply_transform(x, {'channel_shift_intensity': 2.}), np.clip(x + 2, 0, 7))
    np.testing.assert_allclose(gen.apply_transform(x, {'brightness': 1.5}), x * 1.5)
    gen = ImageDataGenerator(rescale=0.5, preprocessing_function=lambda im: im + 1)
    np.testing.assert_allclose(gen.standardize(x), (x + 1) * 0.5)
    assert x[0, 0, 0] == 0    # the input is left unchanged
    gen = ImageDataGenerator(brightness_range=(0.5, 0.9), channel_shift_range=1.)
    p = gen.get_random_transform(x.shape, seed=0)
    assert 0.5 <= p['brightness'] <= 0.9 and -1 <= p['channel_shift_intensity'] <= 1


def test_shift_range_forms():
    shape = (10, 20, 1)
    gen = ImageDataGenerator(width_shift_range=2, height_shift_range=[-3, 3])
    draws = [gen.get_random_transform(shape, seed=s) for s in range(60)]
    assert {d['ty'] for d in draws} == {-1, 0, 1}
    assert {d['tx'] for d in draws} == {-3, 3}
    gen = ImageDataGenerator(width_shift_range=0.25, height_shift_range=1.0)
    draws = [gen.get_random_transform(shape, seed=s) for s in range(60)]
    assert all(-5 <= d['ty'] <= 5 for d in draws) and max(abs(d['ty']) for d in draws) > 1.5
    assert all(-1 <= d['tx'] < 1 for d in draws) and len({d['tx'] for d in draws}) == 60
    with pytest.raises(ValueError, match='width_shift_range'):
        ImageDataGenerator(width_shift_range='wide')
    with pytest.raises(ValueError, match='height_shift_range'):
        ImageDataGenerator(height_shift_range=[[1, 2]])


def test_constructor_errors_and_overrides():
    with pytest.raises(ValueError, match='validation_split'):
        ImageDataGenerator(validation_split=1.5)
    with pytest.raises(ValueError, match='zoom_range'):
        ImageDataGenerator(zoom_range=(1, 2, 3))
    with pytest.raises(ValueError, match='brightness_range'):
        ImageDataGenerator(brightness_range=0.5)
    with pytest.raises(ValueError, match='data_format'):
        ImageDataGenerator(data_format='channels_middle')
    with pytest.raises(ValueError, match='fill_mode'):
        ImageDataGenerator(fill_mode='mirror')
    assert ImageDataGenerator(zoom_range=0.2).zoom_range == [0.8, 1.2]
    with pytest.warns(UserWarning, match='featurewise_center'):
        gen = ImageDataGenerator(featurewise_std_normalization=True)
    assert gen.featurewise_center


# -- statistics -------------------------------------------------------------------

def test_featurewise_and_samplewise_statistics():
    rs = np.random.RandomState(0)
    x = (rs.rand(8, 3, 3, 3) * [1., 10., 2.] + [0., 5., -1.]).astype('float32')
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    gen.fit(x)
    assert gen.mean.shape == (1, 1, 3) and gen.std.shape == (1, 1, 3)
    np.testing.assert_allclose(gen.mean.ravel(), x.mean(axis=(0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(gen.std.ravel(), x.std(axis=(0, 1, 2)), rtol=1e-5)
    z = np.stack([gen.standardize(im) for im in x])
    np.testing.assert_allclose(z.mean(axis=(0, 1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(z.std(axis=(0, 1, 2)), 1, atol=1e-4)
    cf = ImageDataGenerator(featurewise_center=True, data_format='channels_first')
    cf.fit(x.transpose(0, 3, 1, 2))
    np.testing.assert_allclose(cf.mean.ravel(), gen.mean.ravel(), rtol=1e-6)
    assert cf.mean.shape == (3, 1, 1)
    with pytest.warns(UserWarning):
        s = ImageDataGenerator(samplewise_std_normalization=True).standardize(x[0])
    np.testing.assert_allclose([s.mean(), s.std()], [0, 1], atol=1e-4)
    with pytest.warns(UserWarning, match='fit'):
        ImageDataGenerator(featurewise_center=True).standardize(x[0])
    with pytest.raises(ValueError, match='rank 4'):
        gen.fit(x[0])


def test_zca_whitening_decorrelates():
    rs = np.random.RandomState(1)
    base = rs.randn(200, 4)
    x = (base.dot(rs.randn(4, 4)) + 3).reshape(200, 2, 2, 1).astype('float32')
    with pytest.warns(UserWarning, match='featurewise_center'):
        gen = ImageDataGenerator(zca_whitening=True, zca_epsilon=1e-9)
    gen.fit(x)
    assert gen.principal_components.shape == (4, 4)
    white = np.stack([gen.standardize(im) for im in x]).reshape(200, 4)
    np.testing.assert_allclose(white.T.dot(white) / 200, np.eye(4), atol=1e-3)


def test_fit_with_augmentation_is_reproducible():
    x = np.random.RandomState(2).rand(4, 5, 5, 1).astype('float32')
    a = ImageDataGenerator(featurewise_center=True, rotation_range=30, width_shift_range=0.2)
    b = ImageDataGenerator(featurewise_center=True, rotation_range=30, width_shift_range=0.2)
    a.fit(x, augment=True, rounds=2, seed=5)
    b.fit(x, augment=True, rounds=2, seed=5)
    np.testing.assert_array_equal(a.mean, b.mean)


# -- flow -----------------------------------------------------------------------------

def test_flow_batches_shuffle_seed_and_sample_weight():
    x = np.arange(10, dtype='float32').reshape(10, 1, 1, 1) * np.ones((1, 2, 2, 1), 'float32')
    y = np.arange(10)
    it = ImageDataGenerator().flow(x, y, batch_size=4, shuffle=False)
    assert isinstance(it, Sequence) and len(it) == 3
    bx, by = it[0]
    assert bx.shape == (4, 2, 2, 1) and bx.dtype == np.float32
    np.testing.assert_array_equal(by, [0, 1, 2, 3])
    np.testing.assert_array_equal(bx[:, 0, 0, 0], by)
    np.testing.assert_array_equal(it[2][1], [8, 9])
    with pytest.raises(IndexError):
        it[3]
    with pytest.raises(ValueError):  # Keras 2.2.4 raised ValueError
        it[3]
    # infinite iteration across epochs, as Keras 2's iterators
    got = [next(it)[1].tolist() for _ in range(4)]
    assert got == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [0, 1, 2, 3]]

    first = ImageDataGenerator().flow(x, y, batch_size=10, shuffle=True, seed=3)
    second = ImageDataGenerator().flow(x, y, batch_size=10, shuffle=True, seed=3)
    order = first[0][1]
    assert sorted(order.tolist()) == list(range(10)) and order.tolist() != list(range(10))
    np.testing.assert_array_equal(order, second[0][1])
    first.on_epoch_end()
    assert first[0][1].tolist() != order.tolist()

    aug = ImageDataGenerator(rotation_range=40, zoom_range=0.3)
    a = aug.flow(x, y, batch_size=5, seed=11)[1]
    b = aug.flow(x, y, batch_size=5, seed=11)[1]
    np.testing.assert_array_equal(a[0], b[0])

    sw = np.linspace(0, 1, 10)
    bx, by, bw = ImageDataGenerator().flow(x, y, sample_weight=sw, batch_size=3, shuffle=False)[1]
    np.testing.assert_array_equal(bw, sw[3:6])
    only_x = ImageDataGenerator().flow(x, batch_size=3, shuffle=False)[0]
    assert isinstance(only_x, np.ndarray) and only_x.shape == (3, 2, 2, 1)
    extra = np.arange(20).reshape(10, 2)
    (bx, bextra), by = ImageDataGenerator().flow((x, extra), y, batch_size=2, shuffle=False)[1]
    np.testing.assert_array_equal(bextra, extra[2:4])
    with pytest.raises(ValueError, match='same length'):
        ImageDataGenerator().flow(x, y[:3])
    with pytest.raises(ValueError, match='rank 4'):
        ImageDataGenerator().flow(x[:, 0], y)


def test_flow_subset_and_standardization():
    x = np.arange(10, dtype='float32').reshape(10, 1, 1, 1)
    y = np.arange(10)
    gen = ImageDataGenerator(validation_split=0.3, rescale=2.)
    val = gen.flow(x, y, batch_size=10, shuffle=False, subset='validation')
    train = gen.flow(x, y, batch_size=10, shuffle=False, subset='training')
    assert (val.n, train.n) == (3, 7)
    np.testing.assert_array_equal(val[0][1], [0, 1, 2])
    np.testing.assert_array_equal(train[0][1], [3, 4, 5, 6, 7, 8, 9])
    np.testing.assert_array_equal(train[0][0][:, 0, 0, 0], 2 * np.arange(3, 10))
    with pytest.raises(ValueError, match='subset'):
        gen.flow(x, y, subset='test')
    with pytest.raises(ValueError, match='validation_split'):
        ImageDataGenerator().flow(x, y, subset='training')


def test_fit_generator_on_flow():
    rs = np.random.RandomState(0)
    x = rs.rand(24, 4, 4, 1).astype('float32')
    y = (x.mean(axis=(1, 2, 3)) > 0.5).astype('float32')
    datagen = ImageDataGenerator(featurewise_center=True, horizontal_flip=True, width_shift_range=1)
    datagen.fit(x)
    model = Sequential([Flatten(input_shape=(4, 4, 1)), Dense(1, activation='sigmoid')])
    model.compile('sgd', 'binary_crossentropy')
    history = model.fit_generator(datagen.flow(x, y, batch_size=8, seed=0), epochs=2, verbose=0)
    assert len(history.history['loss']) == 2 and np.all(np.isfinite(history.history['loss']))
    loss = model.fit_generator(datagen.flow(x, y, batch_size=8), steps_per_epoch=2, epochs=1, verbose=0,
                               workers=0).history['loss']
    assert np.isfinite(loss[0])


# -- image files -----------------------------------------------------------------------

def test_img_to_array_without_pillow():
    arr = image.img_to_array(np.zeros((2, 3)))
    assert arr.shape == (2, 3, 1) and arr.dtype == np.float32
    assert image.img_to_array(np.zeros((2, 3, 3)), data_format='channels_first').shape == (3, 2, 3)
    with pytest.raises(ValueError, match='image shape'):
        image.img_to_array(np.zeros(4))
    with pytest.raises(ValueError, match='data_format'):
        image.img_to_array(np.zeros((2, 2)), data_format='nhwc')


def test_missing_pillow_raises_import_error_naming_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, 'PIL', None)
    with pytest.raises(ImportError, match=r'minikeras\[image\]'):
        image.load_img('nothing.png')
    with pytest.raises(ImportError, match=r'minikeras\[image\]'):
        image.array_to_img(np.zeros((2, 2, 1)))
    with pytest.raises(ImportError, match=r'minikeras\[image\]'):
        ImageDataGenerator().flow_from_directory(str(tmp_path))
    with pytest.raises(ImportError, match=r'minikeras\[image\]'):
        ImageDataGenerator().flow(np.zeros((2, 2, 2, 1)), save_to_dir=str(tmp_path))


@needs_pil
def test_pillow_round_trip_and_load_img(tmp_path):
    x = np.random.RandomState(0).randint(0, 256, size=(5, 6, 3)).astype('float32')
    img = image.array_to_img(x, scale=False)
    assert img.size == (6, 5) and img.mode == 'RGB'
    np.testing.assert_array_equal(image.img_to_array(img), x)
    path = str(tmp_path / 'a.png')
    image.save_img(path, x, scale=False)
    np.testing.assert_array_equal(image.img_to_array(image.load_img(path)), x)
    assert image.img_to_array(image.load_img(path, color_mode='grayscale')).shape == (5, 6, 1)
    assert image.load_img(path, target_size=(3, 4), interpolation='bilinear').size == (4, 3)
    with pytest.raises(ValueError, match='interpolation'):
        image.load_img(path, target_size=(3, 4), interpolation='cubic-spline')
    scaled = image.img_to_array(image.array_to_img(x / 255. - 0.5))
    assert scaled.min() == 0 and scaled.max() == 255


@needs_pil
def test_flow_from_directory(tmp_path):
    rs = np.random.RandomState(0)
    for cls, n in (('cats', 4), ('dogs', 6)):
        os.makedirs(str(tmp_path / cls))
        for i in range(n):
            image.save_img(str(tmp_path / cls / ('%d.png' % i)), rs.rand(6, 5, 3))
    (tmp_path / 'cats' / 'notes.txt').write_text('not an image')
    gen = ImageDataGenerator(rescale=1. / 255, validation_split=0.5)
    it = gen.flow_from_directory(str(tmp_path), target_size=(4, 4), batch_size=3, shuffle=False)
    assert it.class_indices == {'cats': 0, 'dogs': 1} and it.samples == 10 and len(it) == 4
    bx, by = it[0]
    assert bx.shape == (3, 4, 4, 3) and 0 <= bx.min() and bx.max() <= 1
    np.testing.assert_array_equal(by, [[1, 0]] * 3)
    val = gen.flow_from_directory(str(tmp_path), target_size=(4, 4), class_mode='sparse', subset='validation',
                                  shuffle=False)
    assert val.samples == 5 and val.classes.tolist() == [0, 0, 1, 1, 1]
    np.testing.assert_array_equal(val[0][1], [0, 0, 1, 1, 1])
    gray = gen.flow_from_directory(str(tmp_path), target_size=(4, 4), color_mode='grayscale', class_mode=None,
                                   batch_size=10)
    assert gray[0].shape == (10, 4, 4, 1)


def test_keras_random_helpers_use_channels_first_axes():
    np.random.seed(0)
    x = np.random.rand(2, 5, 6)    # (channels, rows, cols), the helpers' default axes
    for out in (image.random_rotation(x, 30), image.random_shift(x, 0.2, 0.2), image.random_shear(x, 20),
                image.random_zoom(x, (0.8, 1.2)), image.random_channel_shift(x, 0.1),
                image.random_brightness(x, (0.5, 1.5))):
        assert out.shape == x.shape and np.all(np.isfinite(out))
    np.testing.assert_array_equal(image.random_rotation(x, 0), x)
    with pytest.raises(ValueError, match='zoom_range'):
        image.random_zoom(x, 0.2)
