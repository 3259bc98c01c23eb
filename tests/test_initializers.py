"""Tests of minikeras.initializers: statistics, fans, orthogonality, registry."""
import numpy as np
import pytest

from minikeras import backend as K
from minikeras import initializers


def _value(init, shape, dtype=None):
    return K.eval(init(shape, dtype=dtype))


def test_compute_fans():
    assert initializers._compute_fans((20, 30)) == (20, 30)
    assert initializers._compute_fans((3, 3, 8, 16)) == (3 * 3 * 8, 3 * 3 * 16)
    assert initializers._compute_fans((5, 4, 6)) == (5 * 4, 5 * 6)
    assert initializers._compute_fans((16, 8, 3, 3), data_format='channels_first') == (8 * 9, 16 * 9)
    fan_in, fan_out = initializers._compute_fans((9,))
    assert fan_in == fan_out == 3.0


def test_constant_initializers():
    np.testing.assert_array_equal(_value(initializers.get('zeros'), (2, 3)), np.zeros((2, 3)))
    np.testing.assert_array_equal(_value(initializers.Ones(), (4,)), np.ones(4))
    np.testing.assert_array_equal(_value(initializers.Constant(2.5), (2, 2)), np.full((2, 2), 2.5))
    assert _value(initializers.Zeros(), (2,), dtype='float64').dtype == np.float64
    with pytest.raises(ValueError, match='cannot fill'):
        initializers.Constant(np.ones(3))((2, 2))


@pytest.mark.parametrize('name,expected_std', [
    ('glorot_uniform', np.sqrt(2. / (300 + 200))),
    ('glorot_normal', np.sqrt(2. / (300 + 200))),
    ('he_uniform', np.sqrt(2. / 300)),
    ('he_normal', np.sqrt(2. / 300)),
    ('lecun_uniform', np.sqrt(1. / 300)),
    ('lecun_normal', np.sqrt(1. / 300)),
    ('GlorotUniform', np.sqrt(2. / (300 + 200))),
    ('HeNormal', np.sqrt(2. / 300)),
    ('LecunNormal', np.sqrt(1. / 300)),
])
def test_variance_scaling_statistics(name, expected_std):
    values = _value(initializers.get(name), (300, 200))
    assert abs(values.mean()) < 0.05 * expected_std + 1e-3
    assert abs(values.std() - expected_std) < 0.03 * expected_std
    if 'uniform' in name.lower():
        assert np.abs(values).max() <= np.sqrt(3.) * expected_std + 1e-6
    else:
        # truncated at two (untruncated) standard deviations
        assert np.abs(values).max() <= 2 * expected_std / 0.87962566103423978 + 1e-6


def test_variance_scaling_modes_and_conv_fans():
    init = initializers.VarianceScaling(scale=2., mode='fan_out', distribution='uniform')
    values = _value(init, (3, 3, 16, 64))
    expected = np.sqrt(2. / (3 * 3 * 64))
    assert abs(values.std() - expected) < 0.05 * expected
    values = _value(initializers.VarianceScaling(distribution='untruncated_normal'), (400, 300))
    assert abs(values.std() - np.sqrt(1. / 400)) < 0.03 * np.sqrt(1. / 400)
    assert np.abs(values).max() > 2.2 * np.sqrt(1. / 400)  # not truncated


def test_variance_scaling_errors():
    with pytest.raises(ValueError, match='scale'):
        initializers.VarianceScaling(scale=0.)
    with pytest.raises(ValueError, match='mode'):
        initializers.VarianceScaling(mode='fan_sideways')
    with pytest.raises(ValueError, match='distribution'):
        initializers.VarianceScaling(distribution='cauchy')


def test_random_initializers_statistics():
    v = _value(initializers.RandomNormal(mean=1., stddev=2.), (500, 400))
    assert abs(v.mean() - 1.) < 0.02 and abs(v.std() - 2.) < 0.02
    v = _value(initializers.RandomUniform(minval=-1., maxval=3.), (500, 400))
    assert v.min() >= -1. and v.max() < 3. and abs(v.mean() - 1.) < 0.02
    v = _value(initializers.TruncatedNormal(mean=0., stddev=1.), (500, 400))
    assert np.abs(v).max() <= 2.
    assert abs(v.std() - 0.8796) < 0.01


def test_seeds_and_global_rng_reproducibility():
    a = _value(initializers.RandomNormal(seed=3), (4, 5))
    b = _value(initializers.RandomNormal(seed=3), (4, 5))
    np.testing.assert_array_equal(a, b)
    np.random.seed(11)
    c = _value(initializers.glorot_uniform(), (4, 5))
    np.random.seed(11)
    d = _value(initializers.glorot_uniform(), (4, 5))
    np.testing.assert_array_equal(c, d)


@pytest.mark.parametrize('shape', [(6, 6), (10, 4), (4, 10), (3, 3, 4, 8)])
def test_orthogonal(shape):
    v = _value(initializers.Orthogonal(gain=2.), shape).astype(np.float64)
    flat = v.reshape(-1, shape[-1])
    if flat.shape[0] >= flat.shape[1]:
        gram = flat.T.dot(flat)
    else:
        gram = flat.dot(flat.T)
    np.testing.assert_allclose(gram, 4. * np.eye(gram.shape[0]), atol=1e-5)
    with pytest.raises(ValueError, match='rank'):
        initializers.Orthogonal()((5,))


def test_identity():
    np.testing.assert_array_equal(_value(initializers.Identity(gain=3.), (3, 3)), 3. * np.eye(3))
    # Rectangular: identity blocks along the long side (Keras 2.2.4); the sides must divide.
    np.testing.assert_array_equal(_value(initializers.get('identity'), (2, 4)), np.hstack([np.eye(2)] * 2))
    np.testing.assert_array_equal(_value(initializers.get('identity'), (6, 3)), np.vstack([np.eye(3)] * 2))
    with pytest.raises(ValueError, match='multiple'):
        initializers.Identity()((3, 5))
    with pytest.raises(ValueError, match='2D'):
        initializers.Identity()((2, 2, 2))


def test_usable_as_variable_value():
    w = K.variable(initializers.get('glorot_uniform')((3, 4)))
    assert K.int_shape(w) == (3, 4)
    assert K.get_value(w).dtype == np.float32


@pytest.mark.parametrize('init', [
    initializers.Zeros(), initializers.Ones(), initializers.Constant(0.3),
    initializers.RandomNormal(0.1, 0.2, seed=1), initializers.RandomUniform(-1, 1, seed=2),
    initializers.TruncatedNormal(0., 0.3, seed=4), initializers.VarianceScaling(2., 'fan_avg', 'uniform', 5),
    initializers.Orthogonal(1.5, seed=7), initializers.Identity(0.5), initializers.he_normal(seed=9),
    initializers.GlorotUniform(seed=3), initializers.LecunNormal(),
])
def test_serialize_round_trip(init):
    config = initializers.serialize(init)
    clone = initializers.deserialize(config)
    assert type(clone) is type(init)
    assert clone.get_config() == init.get_config()
    assert initializers.get(config).get_config() == init.get_config()


def test_string_identifiers_and_aliases():
    for name, cls in [('zero', initializers.Zeros), ('one', initializers.Ones), ('normal', initializers.RandomNormal),
                      ('uniform', initializers.RandomUniform), ('random_normal', initializers.RandomNormal),
                      ('truncated_normal', initializers.TruncatedNormal), ('orthogonal', initializers.Orthogonal),
                      ('constant', initializers.Constant), ('glorot_uniform', initializers.VarianceScaling),
                      ('GlorotUniform', initializers.GlorotUniform)]:
        assert isinstance(initializers.get(name), cls), name
    gu = initializers.get('glorot_uniform')
    assert gu.get_config() == {'scale': 1., 'mode': 'fan_avg', 'distribution': 'uniform', 'seed': None}


def test_tf_keras_configs():
    init = initializers.get({'module': 'keras.initializers', 'class_name': 'GlorotUniform',
                             'config': {'seed': None}, 'registered_name': None})
    assert isinstance(init, initializers.GlorotUniform)
    vs = initializers.deserialize({'class_name': 'VarianceScaling',
                                   'config': {'scale': 2.0, 'mode': 'fan_in',
                                              'distribution': 'truncated_normal', 'seed': None}})
    assert vs.distribution == 'truncated_normal'
    assert initializers.deserialize({'class_name': 'Zeros', 'config': {'dtype': 'float32'}}).get_config() == {}


def test_custom_and_errors():
    def my_init(shape, dtype=None):
        return K.constant(np.full(shape, 7.), dtype=dtype)

    assert initializers.get(my_init) is my_init
    assert initializers.deserialize('my_init', custom_objects={'my_init': my_init}) is my_init
    with pytest.raises(ValueError, match='no_such_init'):
        initializers.get('no_such_init')
    with pytest.raises(ValueError, match='Could not interpret'):
        initializers.get(3.5)
