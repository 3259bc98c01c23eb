"""Acceptance scripts from the Keras 2 guides, unchanged but for the import line,
plus summary format and bad-input errors."""
import numpy as np
import pytest

import minikeras as keras
from minikeras.layers import Dense, Dropout, Input, concatenate
from minikeras.models import Model, Sequential


def test_sequential_mlp_binary_classifier():
    x_train = np.random.random((1000, 20))
    y_train = np.random.randint(2, size=(1000, 1))
    x_test = np.random.random((100, 20))
    y_test = np.random.randint(2, size=(100, 1))

    model = Sequential()
    model.add(Dense(64, input_dim=20, activation='relu'))
    model.add(Dropout(0.5))
    model.add(Dense(64, activation='relu'))
    model.add(Dropout(0.5))
    model.add(Dense(1, activation='sigmoid'))

    model.compile(loss='binary_crossentropy', optimizer='rmsprop', metrics=['accuracy'])
    history = model.fit(x_train, y_train, epochs=20, batch_size=128, verbose=0)
    score = model.evaluate(x_test, y_test, batch_size=128, verbose=0)
    assert model.metrics_names == ['loss', 'acc']
    assert len(history.history['loss']) == 20
    assert history.history['loss'][-1] < history.history['loss'][0]
    assert len(score) == 2 and 0 <= score[1] <= 1


def _news_model():
    main_input = Input(shape=(100,), name='main_input')
    x = Dense(32, activation='relu')(main_input)
    lstm_out = Dense(32, activation='tanh')(x)  # Dense stands in for Embedding + LSTM
    auxiliary_output = Dense(1, activation='sigmoid', name='aux_output')(lstm_out)
    auxiliary_input = Input(shape=(5,), name='aux_input')
    x = concatenate([lstm_out, auxiliary_input])
    x = Dense(64, activation='relu')(x)
    x = Dense(64, activation='relu')(x)
    x = Dense(64, activation='relu')(x)
    main_output = Dense(1, activation='sigmoid', name='main_output')(x)
    return Model(inputs=[main_input, auxiliary_input], outputs=[main_output, auxiliary_output])


def test_two_input_two_output_model_list_and_dict():
    model = _news_model()
    headline_data = np.random.random((64, 100))
    additional_data = np.random.random((64, 5))
    labels = np.random.randint(2, size=(64, 1))

    model.compile(optimizer='rmsprop', loss='binary_crossentropy', loss_weights=[1., 0.2])
    history = model.fit([headline_data, additional_data], [labels, labels], epochs=2, batch_size=32, verbose=0)
    assert sorted(history.history) == ['aux_output_loss', 'loss', 'main_output_loss']
    h = history.history
    for e in range(2):
        assert abs(h['loss'][e] - (h['main_output_loss'][e] + 0.2 * h['aux_output_loss'][e])) < 1e-4

    model.compile(optimizer='rmsprop',
                  loss={'main_output': 'binary_crossentropy', 'aux_output': 'binary_crossentropy'},
                  loss_weights={'main_output': 1., 'aux_output': 0.2})
    history = model.fit({'main_input': headline_data, 'aux_input': additional_data},
                        {'main_output': labels, 'aux_output': labels}, epochs=2, batch_size=32, verbose=0)
    assert len(history.history['loss']) == 2
    preds = model.predict({'main_input': headline_data, 'aux_input': additional_data})
    assert [p.shape for p in preds] == [(64, 1), (64, 1)]


def test_model_reused_as_layer_shares_weights():
    inputs = Input(shape=(784,))
    x = Dense(64, activation='relu')(inputs)
    x = Dense(64, activation='relu')(x)
    predictions = Dense(10, activation='softmax')(x)
    model = Model(inputs=inputs, outputs=predictions)
    model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
    data = np.random.random((64, 784))
    labels = keras.utils.to_categorical(np.random.randint(10, size=(64,)), 10)
    model.fit(data, labels, verbose=0)

    x = Input(shape=(784,))
    y = model(x)
    reuse = Model(x, y)
    np.testing.assert_allclose(reuse.predict(data), model.predict(data), rtol=1e-6)
    # Training the outer model moves the shared weights.
    reuse.compile('sgd', 'categorical_crossentropy')
    before = model.get_weights()[0].copy()
    reuse.fit(data, labels, verbose=0, epochs=1)
    assert not np.allclose(model.get_weights()[0], before)
    assert reuse.layers[1] is model


def test_summary_format():
    keras.backend.clear_session()
    model = Sequential()
    model.add(Dense(32, input_shape=(16,)))
    model.add(Dense(1))
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[0] == '_' * 65
    assert lines[1].startswith('Layer (type)                 Output Shape              Param #')
    assert lines[2] == '=' * 65
    assert lines[3].startswith('dense_1 (Dense)              (None, 32)                544')
    assert lines[5].startswith('dense_2 (Dense)              (None, 1)                 33')
    assert 'Total params: 577' in lines
    assert 'Trainable params: 577' in lines
    assert 'Non-trainable params: 0' in lines

    functional = Model(*_io_pair())
    lines = []
    functional.summary(print_fn=lines.append)
    assert lines[1].rstrip().endswith('Connected to')
    assert any(line.startswith('input_1 (InputLayer)') for line in lines)


def _io_pair():
    a = Input(shape=(3,))
    b = Input(shape=(4,))
    return [a, b], Dense(2)(concatenate([a, b]))


class TestBadInput(object):
    def test_wrong_input_shape_to_layer(self):
        dense = Dense(3)
        dense(Input(shape=(4,)))
        with pytest.raises(ValueError, match=r'dense_\d.*axis -1.*value 4.*\(None, 5\)'):
            dense(Input(shape=(5,)))

    def test_wrong_input_rank_to_layer(self):
        with pytest.raises(ValueError, match=r'repeat_vector_\d.*ndim=2, found ndim=3.*\(None, 2, 3\)'):
            keras.layers.RepeatVector(2)(Input(shape=(2, 3)))

    def test_mismatched_sample_counts(self):
        model = Sequential([Dense(1, input_dim=3)])
        model.compile('sgd', 'mse')
        with pytest.raises(ValueError, match=r'100 input samples.*\(100, 3\).*90 target samples'):
            model.fit(np.zeros((100, 3)), np.zeros((90, 1)), verbose=0)

    def test_wrong_input_array_shape(self):
        model = Sequential([Dense(1, input_dim=3)])
        model.compile('sgd', 'mse')
        with pytest.raises(ValueError, match=r'input.*dense_\d+_input.*\(3,\).*\(4,\)'):
            model.fit(np.zeros((10, 4)), np.zeros((10, 1)), verbose=0)

    def test_target_shape_mismatch(self):
        model = Sequential([Dense(10, input_dim=3, activation='softmax')])
        model.compile('sgd', 'categorical_crossentropy')
        with pytest.raises(ValueError, match=r'target.*dense_\d+.*\(10,\).*\(3,\)'):
            model.fit(np.zeros((10, 3)), np.zeros((10, 3)), verbose=0)

    def test_unknown_names(self):
        model = Sequential([Dense(1, input_dim=3)])
        with pytest.raises(ValueError, match='loss.*no_such_loss'):
            model.compile('sgd', 'no_such_loss')
        with pytest.raises(ValueError, match='metrics.*no_such_metric'):
            model.compile('sgd', 'mse', metrics=['no_such_metric'])
        with pytest.raises(ValueError, match='no_such_activation'):
            Dense(2, activation='no_such_activation')

    def test_errors_come_before_training(self):
        model = Sequential([Dense(1, input_dim=3)])
        model.compile('sgd', 'mse')
        calls = []
        callback = keras.callbacks.LambdaCallback(on_train_begin=lambda logs: calls.append(1))
        with pytest.raises(ValueError):
            model.fit(np.zeros((10, 3)), np.zeros((10, 2)), callbacks=[callback], verbose=0)
        assert calls == []
