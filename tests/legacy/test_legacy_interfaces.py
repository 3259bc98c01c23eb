"""Keras 1 argument spellings: converted in one place (`minikeras.legacy.interfaces`), with Keras 2.2's warning."""
import inspect
import warnings

import numpy as np
import pytest

from minikeras import layers
from minikeras.legacy import interfaces
from minikeras.models import Sequential


def _build(make):
    """(layer, [warning messages]) for `make()`."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        layer = make()
    return layer, [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def test_keras1_dense():
    dense, messages = _build(lambda: layers.Dense(output_dim=10, init='uniform', input_dim=5))
    assert messages == ['Update your `Dense` call to the Keras 2 API: '
                        '`Dense(units=10, kernel_initializer="uniform", input_dim=5)`']
    assert dense.units == 10
    assert type(dense.kernel_initializer).__name__ == 'RandomUniform'
    assert dense.batch_input_shape == (None, 5)
    dense, messages = _build(lambda: layers.Dense(3, W_regularizer='l2', b_regularizer='l1', W_constraint='max_norm',
                                                  b_constraint='non_neg', bias=False))
    assert len(messages) == 1 and dense.use_bias is False
    assert dense.kernel_regularizer is not None and dense.bias_regularizer is not None
    assert dense.kernel_constraint is not None and dense.bias_constraint is not None


def test_keras1_convolution2d_positional_kernel():
    conv, messages = _build(lambda: layers.Convolution2D(32, 3, 3, border_mode='same', subsample=(2, 2)))
    assert (conv.filters, conv.kernel_size, conv.padding, conv.strides) == (32, (3, 3), 'same', (2, 2))
    assert messages == ['Update your `Conv2D` call to the Keras 2 API: '
                        '`Conv2D(32, (3, 3), padding="same", strides=(2, 2))`']
    model, _ = _build(lambda: Sequential([layers.Convolution2D(4, 3, 3, border_mode='same', input_shape=(6, 6, 1))]))
    assert model.predict(np.zeros((1, 6, 6, 1))).shape == (1, 6, 6, 4)


@pytest.mark.parametrize('make,expected', [
    (lambda: layers.Conv2D(8, 3, nb_col=2), (3, 2)),
    (lambda: layers.Conv2D(8, nb_row=2, nb_col=3), (2, 3)),
    (lambda: layers.Conv2D(nb_filter=8, nb_row=1, nb_col=3), (1, 3)),
    (lambda: layers.Conv3D(8, 1, 2, 3), (1, 2, 3)),
    (lambda: layers.Conv3D(8, 1, 2, kernel_dim3=3), (1, 2, 3)),
    (lambda: layers.Conv3D(8, kernel_dim1=1, kernel_dim2=2, kernel_dim3=3), (1, 2, 3)),
    (lambda: layers.LocallyConnected2D(8, 2, 3), (2, 3)),
    (lambda: layers.SeparableConv2D(8, 2, 2), (2, 2)),
    (lambda: layers.Deconvolution2D(8, 2, 2, output_shape=(None, 4, 4, 8)), (2, 2)),
    (lambda: layers.ConvLSTM2D(8, 3, 3), (3, 3)),
])
def test_keras1_kernel_size_forms(make, expected):
    conv, messages = _build(make)
    assert conv.kernel_size == expected
    assert len(messages) == 1 and 'to the Keras 2 API' in messages[0]


def test_ambiguous_positional_kernel_and_strides_raise():
    with pytest.raises(ValueError, match='strides'):
        layers.Conv2D(8, 3, 3, strides=2)


def test_keras1_pooling_dropout_noise_and_padding():
    pool, messages = _build(lambda: layers.MaxPooling1D(pool_length=2))
    assert pool.pool_size == (2,) and messages == ['Update your `MaxPooling1D` call to the Keras 2 API: '
                                                   '`MaxPooling1D(pool_size=2)`']
    pool, _ = _build(lambda: layers.AveragePooling1D(pool_length=3, stride=1, border_mode='same'))
    assert (pool.pool_size, pool.strides, pool.padding) == ((3,), (1,), 'same')
    pool, _ = _build(lambda: layers.MaxPooling2D((2, 2), border_mode='same', dim_ordering='th'))
    assert (pool.padding, pool.data_format) == ('same', 'channels_first')
    pool, _ = _build(lambda: layers.GlobalAveragePooling2D(dim_ordering='tf'))
    assert pool.data_format == 'channels_last'
    dropout, messages = _build(lambda: layers.Dropout(p=0.5))
    assert dropout.rate == 0.5 and messages == ['Update your `Dropout` call to the Keras 2 API: `Dropout(rate=0.5)`']
    assert _build(lambda: layers.SpatialDropout2D(p=0.2, dim_ordering='th'))[0].data_format == 'channels_first'
    assert _build(lambda: layers.GaussianDropout(p=0.3))[0].rate == 0.3
    assert _build(lambda: layers.GaussianNoise(sigma=0.1))[0].stddev == 0.1
    assert _build(lambda: layers.UpSampling1D(length=3))[0].size == 3
    assert _build(lambda: layers.UpSampling2D(dim_ordering='th'))[0].data_format == 'channels_first'
    pad, _ = _build(lambda: layers.ZeroPadding2D(padding={'top_pad': 1, 'right_pad': 2}))
    assert pad.padding == ((1, 0), (0, 2))
    assert _build(lambda: layers.Cropping2D(dim_ordering='th'))[0].data_format == 'channels_first'


def test_keras1_recurrent():
    lstm, messages = _build(lambda: layers.LSTM(output_dim=8, dropout_W=0.1))
    assert (lstm.units, lstm.dropout) == (8, 0.1)
    assert messages == ['Update your `LSTM` call to the Keras 2 API: `LSTM(units=8, dropout=0.1)`']
    gru, _ = _build(lambda: layers.GRU(4, init='uniform', inner_init='zeros', inner_activation='sigmoid',
                                       W_regularizer='l2', U_regularizer='l2', b_regularizer='l1', dropout_U=0.2,
                                       consume_less='mem'))
    assert (gru.recurrent_dropout, gru.implementation) == (0.2, 1)
    assert type(gru.cell.recurrent_initializer).__name__ == 'Zeros'
    lstm, _ = _build(lambda: layers.LSTM(4, forget_bias_init='one', unit_forget_bias=False))
    assert lstm.cell.unit_forget_bias is True
    lstm, messages = _build(lambda: layers.LSTM(4, forget_bias_init='zero'))
    assert any('forget_bias_init' in m and 'ignored' in m for m in messages)
    rnn, _ = _build(lambda: layers.SimpleRNN(3, input_dim=5, input_length=7))
    assert rnn.batch_input_shape == (None, 7, 5)


def test_keras1_embedding_batchnorm_prelu_separable():
    emb, messages = _build(lambda: layers.Embedding(10, 3, init='zeros', W_regularizer='l2', dropout=0.2))
    assert type(emb.embeddings_initializer).__name__ == 'Zeros' and emb.embeddings_regularizer is not None
    assert any('SpatialDropout1D' in m for m in messages)
    bn, _ = _build(lambda: layers.BatchNormalization(mode=0, beta_init='ones', gamma_init='zeros'))
    assert type(bn.beta_initializer).__name__ == 'Ones'
    with pytest.raises(TypeError, match='mode'):
        layers.BatchNormalization(mode=2)
    assert type(_build(lambda: layers.PReLU(init='ones'))[0].alpha_initializer).__name__ == 'Ones'
    sep, _ = _build(lambda: layers.SeparableConv2D(4, (3, 3), init='zeros'))
    assert type(sep.depthwise_initializer).__name__ == 'Zeros'
    assert type(sep.pointwise_initializer).__name__ == 'Zeros'
    conv1d, _ = _build(lambda: layers.Convolution1D(nb_filter=4, filter_length=3, subsample_length=2,
                                                    input_dim=5, input_length=9))
    assert (conv1d.filters, conv1d.kernel_size, conv1d.strides) == (4, (3,), (2,))
    assert conv1d.batch_input_shape == (None, 9, 5)


def test_unknown_and_duplicate_arguments_raise_type_error():
    with pytest.warns(UserWarning, match='Keras 2 API'), pytest.raises(TypeError, match='foo'):
        layers.Dense(output_dim=3, foo=1)
    with pytest.warns(UserWarning, match='Keras 2 API'), pytest.raises(TypeError, match='nb_epoch'):
        layers.Conv2D(8, 3, 3, nb_epoch=2)
    with pytest.raises(TypeError, match='`output_dim`.*`units`'):
        layers.Dense(output_dim=3, units=4)
    with pytest.raises(TypeError, match='`p`.*`rate`'):
        layers.Dropout(rate=0.5, p=0.5)
    with pytest.warns(UserWarning, match='Keras 2 API'), pytest.raises(TypeError, match='rate'):
        layers.Dropout(0.5, p=0.5)  # given positionally and by its old name


def test_keras2_calls_are_untouched_and_silent():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert layers.Dense(4, input_dim=3).units == 4
        assert layers.Conv2D(8, (3, 3), strides=2).strides == (2, 2)
        assert layers.Conv2D(8, 3).kernel_size == (3, 3)
        assert layers.Conv3D(8, 3, 2).strides == (2, 2, 2)  # Keras 2: kernel 3, strides 2
        assert layers.LSTM(8, dropout=0.1).dropout == 0.1
        assert layers.Embedding(10, 3).output_dim == 3  # a Keras 2 name, not a Keras 1 one
        layer = layers.Dense(5)
        assert layers.Dense.from_config(layer.get_config()).units == 5


def test_warning_points_at_the_call_site():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        layers.Dropout(p=0.1)
    assert caught and caught[0].filename == __file__


def test_one_table_applied_once_to_the_layer_classes():
    import minikeras.layers.core as core
    assert not hasattr(core, '_legacy_dense_kwargs')
    for class_name, spec in interfaces.LEGACY_ARGUMENTS.items():
        cls = getattr(layers, class_name)
        assert cls.__init__._legacy_spec is spec, class_name
        # The wrapper keeps the constructor's signature (used by has_arg and layer_test).
        original = cls.__init__._legacy_original_init
        assert inspect.signature(cls.__init__) == inspect.signature(original)
        assert not hasattr(original, '_legacy_spec'), class_name  # no wrapper around a wrapper
    assert layers.Convolution2D is layers.Conv2D
    before = {name: getattr(layers, name).__init__ for name in interfaces.LEGACY_ARGUMENTS}
    interfaces.install_legacy_support(vars(layers))  # installing again changes nothing
    assert all(getattr(layers, name).__init__ is init for name, init in before.items())
    dense, messages = _build(lambda: layers.Dense(output_dim=2))
    assert dense.units == 2 and len(messages) == 1


def test_subclass_of_a_converted_layer():
    class MyDense(layers.Dense):
        def __init__(self, units, scale=1.0, **kwargs):
            self.scale = scale
            super(MyDense, self).__init__(units, **kwargs)

    layer, messages = _build(lambda: MyDense(3, scale=2.0, init='zeros'))
    assert layer.scale == 2.0 and type(layer.kernel_initializer).__name__ == 'Zeros'
    assert len(messages) == 1 and '`MyDense`' in messages[0]


def test_keras1_model_trains():
    model, _ = _build(lambda: Sequential([layers.Dense(output_dim=4, input_dim=3, init='uniform'),
                                          layers.Dropout(p=0.1), layers.Dense(1)]))
    model.compile('sgd', 'mse')
    history = model.fit(np.random.rand(16, 3), np.random.rand(16, 1), nb_epoch=2, verbose=0)
    assert len(history.history['loss']) == 2


def test_model_generator_methods_take_keras1_arguments():
    """fit/evaluate/predict_generator convert Keras 1 names (nb_epoch, samples_per_epoch, nb_val_samples,
    val_samples, nb_worker, pickle_safe, max_q_size) with a warning, as Keras 2.2's did."""
    from minikeras.layers import Dense, Input
    from minikeras.models import Model

    def batches():
        while True:
            yield np.ones((2, 2)), np.zeros((2, 1))

    inputs = Input((2,))
    model = Model(inputs, Dense(1)(inputs))
    model.compile('sgd', 'mse')
    with pytest.warns(UserWarning, match='Keras 2 API'):
        history = model.fit_generator(batches(), samples_per_epoch=3, nb_epoch=2, validation_data=batches(),
                                      nb_val_samples=1, nb_worker=1, max_q_size=3, verbose=0)
    assert history.params['epochs'] == 2 and history.params['steps'] == 3
    with pytest.warns(UserWarning, match='Keras 2 API'):
        assert model.predict_generator((x for x, _ in batches()), val_samples=2, pickle_safe=False).shape == (4, 1)
    with pytest.warns(UserWarning, match='Keras 2 API'):
        model.evaluate_generator(batches(), val_samples=2)
