"""`layer_test`: the one helper that checks a layer end to end (Keras 2's, extended).

It checks weights get/set, construction with `weights=`, the output dtype and
shape against `compute_output_shape` in the functional and Sequential APIs,
the `get_config`/`from_config` round trip (layer and model level, with
equal predictions), one training step when the layer has a training mode,
and a numeric gradient check: central differences in float64 against
`K.gradients`, with respect to the (float) inputs and the trainable weights,
on a small batch.

Example::

    from minikeras.utils.test_utils import layer_test
    layer_test(Dense, kwargs={'units': 3}, input_shape=(2, 4))
"""
import inspect

import numpy as np

from .. import backend as K
from .generic_utils import CustomObjectScope, has_arg


def _assert_allclose(actual, expected, rtol, atol, what):
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    if actual.shape != expected.shape:
        raise AssertionError('%s: shape %s, expected %s' % (what, actual.shape, expected.shape))
    if not np.allclose(actual, expected, rtol=rtol, atol=atol):
        err = np.max(np.abs(actual.astype('float64') - expected.astype('float64')))
        raise AssertionError('%s: values differ (max abs error %.3g)' % (what, err))


def _check_shape(expected_shape, actual_shape, what):
    expected_shape = tuple(expected_shape)
    if len(expected_shape) != len(actual_shape):
        raise AssertionError('%s: rank of output %s differs from compute_output_shape %s'
                             % (what, actual_shape, expected_shape))
    for expected_dim, actual_dim in zip(expected_shape, actual_shape):
        if expected_dim is not None and expected_dim != actual_dim:
            raise AssertionError('%s: output shape %s differs from compute_output_shape %s'
                                 % (what, actual_shape, expected_shape))


def _float64_config(config):
    config = dict(config)
    if 'dtype' in config and np.dtype(config['dtype']).kind == 'f':
        config['dtype'] = 'float64'
    config.pop('weights', None)
    config.pop('name', None)
    return config


def check_layer_gradients(layer_cls, config, input_data, weights, max_entries=24, eps=1e-6, rtol=1e-4,
                          atol=1e-6, seed=0):
    """Compares `K.gradients` with central differences in float64.

    The loss is `sum(output * r)` for a fixed random `r`; gradients are checked
    w.r.t. a float input and every trainable weight (at most `max_entries`
    randomly chosen entries each).

    Raises:
        AssertionError: naming the tensor and the worst entry.
    """
    from ..engine.input_layer import Input
    old_floatx = K.floatx()
    K.set_floatx('float64')
    try:
        rng = np.random.RandomState(seed)
        float_input = np.dtype(input_data.dtype).kind == 'f'
        data = input_data.astype('float64') if float_input else input_data
        layer = layer_cls.from_config(_float64_config(config))
        x = Input(shape=data.shape[1:], dtype=data.dtype.name)
        y = layer(x)
        outputs = y if isinstance(y, list) else [y]
        if weights:
            layer.set_weights([np.asarray(w, dtype='float64') if np.asarray(w).dtype.kind == 'f' else w
                               for w in weights])
        loss = None
        for out in outputs:
            r = K.constant(rng.standard_normal(size=data.shape[:1] + K.int_shape(out)[1:]), dtype='float64')
            term = K.sum(K.cast(out, 'float64') * r)
            loss = term if loss is None else loss + term
        trainable = [w for w in layer.trainable_weights if w.dtype == 'float64']
        wrt = ([x] if float_input else []) + trainable
        if not wrt:
            return
        grads = K.gradients(loss, wrt)
        f_grads = K.function([x], grads)
        f_loss = K.function([x], [loss])
        symbolic = f_grads([data])

        def loss_at(values):
            return float(f_loss([values])[0])

        for index, (tensor, grad) in enumerate(zip(wrt, symbolic)):
            is_input = float_input and index == 0
            target = data if is_input else tensor.value
            flat_count = target.size
            picks = rng.choice(flat_count, size=min(max_entries, flat_count), replace=False)
            for flat in picks:
                pos = np.unravel_index(flat, target.shape)
                original = target[pos]
                if is_input:
                    plus, minus = data.copy(), data.copy()
                    plus[pos] = original + eps
                    minus[pos] = original - eps
                    numeric = (loss_at(plus) - loss_at(minus)) / (2 * eps)
                else:
                    values = tensor.value.copy()
                    values[pos] = original + eps
                    tensor.value = values.copy()
                    up = loss_at(data)
                    values[pos] = original - eps
                    tensor.value = values.copy()
                    down = loss_at(data)
                    values[pos] = original
                    tensor.value = values
                    numeric = (up - down) / (2 * eps)
                analytic = float(np.asarray(grad)[pos])
                scale = max(1.0, abs(numeric), abs(analytic))
                if abs(numeric - analytic) > atol * scale + rtol * abs(numeric) + 1e-7 * scale:
                    name = 'input' if is_input else tensor.name
                    raise AssertionError('%s: gradient check failed for %s at %s: K.gradients %.8g, central '
                                         'difference %.8g' % (layer_cls.__name__, name, pos, analytic, numeric))
    finally:
        K.set_floatx(old_floatx)


def _check_hdf5_round_trip(model, input_data, expected, layer_cls):
    """Saves `model` to an in-memory HDF5 file, loads it back and compares outputs and weights."""
    import h5py
    from ..engine.saving import load_model, save_model
    with h5py.File('%s_round_trip.h5' % layer_cls.__name__, 'w', driver='core', backing_store=False) as f:
        save_model(model, f)
        # safe_mode=False: a Lambda under test may store its own bytecode, written just above.
        loaded = load_model(f, custom_objects={layer_cls.__name__: layer_cls}, compile=False, safe_mode=False)
        _assert_allclose(loaded.predict(input_data), expected, 1e-6, 1e-6,
                         layer_cls.__name__ + ' output after save_model/load_model')
        for i, (a, b) in enumerate(zip(loaded.get_weights(), model.get_weights())):
            _assert_allclose(a, b, 0, 0, layer_cls.__name__ + ' weight %d after save_model/load_model' % i)
        weights_file = f.create_group('weights_only')
        model.save_weights(weights_file)
        loaded.load_weights(weights_file)
        loaded.load_weights(weights_file, by_name=True)


def layer_test(layer_cls, kwargs=None, input_shape=None, input_dtype=None, input_data=None,
               expected_output=None, expected_output_dtype=None, fixed_batch_size=False, check_gradients=True):
    """Runs the standard checks on a layer class and returns its output on the test input.

    Args:
        layer_cls: the layer class.
        kwargs: constructor arguments.
        input_shape: full input shape (batch axis included; None entries are
            drawn at random) used to make `10 * uniform` data when `input_data` is not given.
        input_dtype: dtype of the generated data (default floatx).
        input_data: explicit input array.
        expected_output: when given, the output must match it (rtol 1e-3).
        expected_output_dtype: expected output dtype (default the input dtype).
        fixed_batch_size: build the Input with the batch size fixed.
        check_gradients: run the float64 numeric gradient check.

    Returns:
        The output of the Sequential-API model on the input data.

    Raises:
        AssertionError: a check failed (the message names it).
    """
    with CustomObjectScope({layer_cls.__name__: layer_cls}):
        return _layer_test(layer_cls, kwargs, input_shape, input_dtype, input_data, expected_output,
                           expected_output_dtype, fixed_batch_size, check_gradients)


def _layer_test(layer_cls, kwargs, input_shape, input_dtype, input_data, expected_output, expected_output_dtype,
                fixed_batch_size, check_gradients):
    from ..engine.input_layer import Input
    from ..engine.sequential import Sequential
    from ..engine.training import Model
    kwargs = dict(kwargs or {})
    if input_data is None:
        if not input_shape:
            raise ValueError('layer_test needs input_shape or input_data')
        input_dtype = input_dtype or K.floatx()
        data_shape = [np.random.randint(1, 4) if e is None else e for e in input_shape]
        input_data = (10 * np.random.random(data_shape)).astype(input_dtype)
    else:
        input_data = np.asarray(input_data)
        if input_shape is None:
            input_shape = input_data.shape
        if input_dtype is None:
            input_dtype = input_data.dtype.name
    input_dtype = np.dtype(input_dtype).name
    if expected_output_dtype is None:
        expected_output_dtype = input_dtype

    layer = layer_cls(**kwargs)
    weights = layer.get_weights()
    layer.set_weights(weights)
    if 'weights' in inspect.signature(layer_cls.__init__).parameters:
        kwargs['weights'] = weights
        layer = layer_cls(**kwargs)

    if fixed_batch_size:
        x = Input(batch_shape=input_shape, dtype=input_dtype)
    else:
        x = Input(shape=tuple(input_shape[1:]), dtype=input_dtype)
    y = layer(x)
    if K.dtype(y) != expected_output_dtype:
        raise AssertionError('%s: output dtype %s, expected %s' % (layer_cls.__name__, K.dtype(y),
                                                                   expected_output_dtype))
    model = Model(x, y)
    expected_output_shape = layer.compute_output_shape(tuple(input_shape))
    actual_output = model.predict(input_data)
    _check_shape(expected_output_shape, actual_output.shape, layer_cls.__name__ + ' (functional)')
    _check_shape(K.int_shape(y), actual_output.shape, layer_cls.__name__ + ' (static shape)')
    if expected_output is not None:
        _assert_allclose(actual_output, expected_output, 1e-3, 1e-6, layer_cls.__name__ + ' output')

    # Weights set/get at layer level and construction from the weights.
    trained_weights = layer.get_weights()
    for w_before, w_after in zip(weights, trained_weights):
        _assert_allclose(w_after, w_before, 0, 0, layer_cls.__name__ + ' weights after construction')
    layer.set_weights(trained_weights)

    # Config round trip at model level.
    recovered = Model.from_config(model.get_config())
    if model.weights:
        recovered.set_weights(model.get_weights())
    _assert_allclose(recovered.predict(input_data), actual_output, 1e-3, 1e-6,
                     layer_cls.__name__ + ' output after Model.from_config')

    # HDF5 round trip through engine/saving.py (an in-memory file): whole model, then weights only.
    _check_hdf5_round_trip(model, input_data, actual_output, layer_cls)

    # Layer config round trip is stable.
    config = layer.get_config()
    again = layer_cls.from_config(config).get_config()
    config_cmp = dict(config)
    again_cmp = dict(again)
    for cfg in (config_cmp, again_cmp):
        cfg.pop('name', None)
        for key in list(cfg):
            if cfg.get(key + '_type') == 'lambda':
                cfg.pop(key)  # marshalled bytecode is not byte-stable across a reload
    if repr(sorted(config_cmp.items())) != repr(sorted(again_cmp.items())):
        raise AssertionError('%s: get_config/from_config round trip changed the config:\n%s\n%s'
                             % (layer_cls.__name__, config_cmp, again_cmp))

    if has_arg(layer.call, 'training'):
        model.compile('rmsprop', 'mse')
        model.train_on_batch(input_data, actual_output)

    # As first layer of a Sequential model.
    layer_config = layer.get_config()
    layer_config['batch_input_shape'] = tuple(input_shape)
    first = layer.__class__.from_config(layer_config)
    seq = Sequential()
    seq.add(first)
    if trained_weights:
        first.set_weights(trained_weights)
    seq_output = seq.predict(input_data)
    _check_shape(first.compute_output_shape(tuple(input_shape)), seq_output.shape,
                 layer_cls.__name__ + ' (Sequential)')
    if expected_output is not None:
        _assert_allclose(seq_output, expected_output, 1e-3, 1e-6, layer_cls.__name__ + ' Sequential output')
    recovered_seq = Sequential.from_config(seq.get_config())
    if seq.weights:
        recovered_seq.set_weights(seq.get_weights())
        _assert_allclose(recovered_seq.predict(input_data), seq_output, 1e-3, 1e-6,
                         layer_cls.__name__ + ' output after Sequential.from_config')

    if check_gradients:
        static_batch = (y if not isinstance(y, list) else y[0]).shape[0]
        small = input_data[:2] if input_data.shape[0] > 2 and static_batch is None else input_data
        check_layer_gradients(layer_cls, layer.get_config(), small, trained_weights)
    return seq_output
