"""`layer_test`: the one helper that checks a layer end to end (Keras 2's, extended).

It checks weights get/set; construction with `weights=` (a layer built with
`weights=[...]` holds exactly those values once built); the output dtype and
shape against `compute_output_shape` in the functional and (for single-input
layers) Sequential APIs; the `get_config`/`from_config` round trip (layer and
model level, the model config through JSON, with equal predictions); an
in-memory HDF5 save/load; one training step when the layer has a training
mode; and a numeric gradient check: central differences in float64 against
`K.gradients`, with respect to the (float) inputs and the trainable weights,
on a small batch.

Layers with several inputs (the merge layers) take a list of input shapes,
dtypes or arrays.

Example::

    from minikeras.utils.test_utils import layer_test
    layer_test(Dense, kwargs={'units': 3}, input_shape=(2, 4))
    layer_test(Add, input_shape=[(2, 4), (2, 4)])

`get_test_data` makes random learnable data and `keras_test` clears the
session after a test, as in Keras 2's test suites.
"""
import functools
import json

import numpy as np

from .. import backend as K
from .generic_utils import CustomObjectScope, has_arg, safe_mode_scope


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
    w.r.t. every float input and every trainable weight (at most `max_entries`
    randomly chosen entries each).

    Args:
        layer_cls: the layer class.
        config: its `get_config()`; the layer is rebuilt from it in float64.
        input_data: an array, or a list of arrays for a layer with several inputs.
        weights: values for `set_weights` (cast to float64), or an empty list.
        max_entries: entries checked per tensor.
        eps: the central-difference step.
        rtol, atol: tolerances (relative to the larger of 1, |numeric|, |analytic|).
        seed: for `r` and the entries picked.

    Raises:
        AssertionError: naming the tensor and the worst entry.
    """
    from ..engine.input_layer import Input
    old_floatx = K.floatx()
    K.set_floatx('float64')
    try:
        rng = np.random.RandomState(seed)
        several = isinstance(input_data, (list, tuple))
        datas = [np.asarray(d) for d in (input_data if several else [input_data])]
        datas = [d.astype('float64') if d.dtype.kind == 'f' else d for d in datas]
        layer = layer_cls.from_config(_float64_config(config))
        xs = [Input(shape=d.shape[1:], dtype=d.dtype.name) for d in datas]
        y = layer(xs if several else xs[0])
        outputs = y if isinstance(y, list) else [y]
        if weights:
            layer.set_weights([np.asarray(w, dtype='float64') if np.asarray(w).dtype.kind == 'f' else w
                               for w in weights])
        loss = None
        batch = datas[0].shape[:1]
        for out in outputs:
            r = K.constant(rng.standard_normal(size=batch + K.int_shape(out)[1:]), dtype='float64')
            term = K.sum(K.cast(out, 'float64') * r)
            loss = term if loss is None else loss + term
        float_inputs = [i for i, d in enumerate(datas) if d.dtype.kind == 'f']
        trainable = [w for w in layer.trainable_weights if w.dtype == 'float64']
        wrt = [xs[i] for i in float_inputs] + trainable
        if not wrt:
            return
        grads = K.gradients(loss, wrt)
        f_grads = K.function(xs, grads)
        f_loss = K.function(xs, [loss])
        symbolic = f_grads(datas)

        def loss_at(values):
            return float(f_loss(values)[0])

        for index, (tensor, grad) in enumerate(zip(wrt, symbolic)):
            input_index = float_inputs[index] if index < len(float_inputs) else None
            target = datas[input_index] if input_index is not None else tensor.value
            picks = rng.choice(target.size, size=min(max_entries, target.size), replace=False)
            for flat in picks:
                pos = np.unravel_index(flat, target.shape)
                original = target[pos]
                if input_index is not None:
                    plus, minus = list(datas), list(datas)
                    plus[input_index] = target.copy()
                    plus[input_index][pos] = original + eps
                    minus[input_index] = target.copy()
                    minus[input_index][pos] = original - eps
                    numeric = (loss_at(plus) - loss_at(minus)) / (2 * eps)
                else:
                    values = tensor.value.copy()
                    values[pos] = original + eps
                    tensor.value = values.copy()
                    up = loss_at(datas)
                    values[pos] = original - eps
                    tensor.value = values.copy()
                    down = loss_at(datas)
                    values[pos] = original
                    tensor.value = values
                    numeric = (up - down) / (2 * eps)
                analytic = float(np.asarray(grad)[pos])
                scale = max(1.0, abs(numeric), abs(analytic))
                if abs(numeric - analytic) > atol * scale + rtol * abs(numeric) + 1e-7 * scale:
                    if input_index is None:
                        name = tensor.name
                    else:
                        name = 'input %d' % input_index if several else 'input'
                    raise AssertionError('%s: gradient check failed for %s at %s: K.gradients %.8g, central '
                                         'difference %.8g' % (layer_cls.__name__, name, pos, analytic, numeric))
    finally:
        K.set_floatx(old_floatx)


def _comparable_config(config):
    """`config` without its name and marshalled lambdas (bytecode is not byte-stable across a reload)."""
    config = dict(config)
    config.pop('name', None)
    for key in list(config):
        if config.get(key + '_type') == 'lambda':
            config.pop(key)
    return config


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
            drawn at random) used to make `10 * uniform` data when `input_data`
            is not given; a list of shapes for a layer with several inputs.
        input_dtype: dtype of the generated data (default floatx); a list for
            several inputs (one dtype is used for all of them).
        input_data: explicit input array, or a list of arrays for a layer with
            several inputs.
        expected_output: when given, the output must match it (rtol 1e-3).
        expected_output_dtype: expected output dtype (default the dtype of the
            (first) input).
        fixed_batch_size: build the Input(s) with the batch size fixed.
        check_gradients: run the float64 numeric gradient check.

    Returns:
        The output on the input data: of the Sequential-API model for a
        single-input layer, of the functional model for several inputs.

    Raises:
        AssertionError: a check failed (the message names it).
        ValueError: neither `input_shape` nor `input_data`, or lists of
            different lengths.

    Example::

        layer_test(Concatenate, kwargs={'axis': 1}, input_shape=[(2, 3, 4), (2, 1, 4)])
    """
    # safe_mode off: the configs round-tripped here were written by this test (a Lambda stores bytecode).
    with CustomObjectScope({layer_cls.__name__: layer_cls}), safe_mode_scope(False):
        return _layer_test(layer_cls, kwargs, input_shape, input_dtype, input_data, expected_output,
                           expected_output_dtype, fixed_batch_size, check_gradients)


def _is_shape_list(input_shape):
    """True for a list of shapes (several inputs), False for one shape."""
    return (isinstance(input_shape, (list, tuple)) and len(input_shape) > 0
            and all(isinstance(s, (list, tuple)) for s in input_shape))


def _normalize_inputs(input_shape, input_dtype, input_data):
    """(several, shapes, dtypes, arrays): the test inputs as lists, one entry per layer input."""
    if input_data is None:
        if not input_shape:
            raise ValueError('layer_test needs input_shape or input_data')
        several = _is_shape_list(input_shape)
        shapes = [tuple(s) for s in input_shape] if several else [tuple(input_shape)]
        dtypes = input_dtype if isinstance(input_dtype, (list, tuple)) else [input_dtype] * len(shapes)
        if len(dtypes) != len(shapes):
            raise ValueError('layer_test: %d input dtypes for %d input shapes' % (len(dtypes), len(shapes)))
        dtypes = [np.dtype(d or K.floatx()).name for d in dtypes]
        batch = np.random.randint(1, 4)  # one batch size for every input
        arrays = []
        for shape, dtype in zip(shapes, dtypes):
            data_shape = [(batch if i == 0 else np.random.randint(1, 4)) if e is None else e
                          for i, e in enumerate(shape)]
            arrays.append((10 * np.random.random(data_shape)).astype(dtype))
        return several, shapes, dtypes, arrays
    several = isinstance(input_data, (list, tuple))
    arrays = [np.asarray(d) for d in (input_data if several else [input_data])]
    if input_shape is None:
        shapes = [a.shape for a in arrays]
    else:
        shapes = [tuple(s) for s in input_shape] if several else [tuple(input_shape)]
    if input_dtype is None:
        dtypes = [a.dtype.name for a in arrays]
    else:
        dtypes = input_dtype if isinstance(input_dtype, (list, tuple)) else [input_dtype] * len(arrays)
    if not len(shapes) == len(dtypes) == len(arrays):
        raise ValueError('layer_test: %d input arrays, %d input shapes and %d input dtypes'
                         % (len(arrays), len(shapes), len(dtypes)))
    return several, shapes, [np.dtype(d).name for d in dtypes], arrays


def _other_weight_values(weights, seed=1):
    """Values of the same shapes and dtypes as `weights`, different from them (floats)."""
    rng = np.random.RandomState(seed)
    values = []
    for w in weights:
        w = np.asarray(w)
        if w.dtype.kind == 'f':
            values.append((w + rng.uniform(0.5, 1.5, size=w.shape)).astype(w.dtype))
        else:
            values.append(w.copy())
    return values


def _check_construction_with_weights(layer_cls, kwargs, inputs, built_weights):
    """A layer constructed with `weights=` holds exactly those values once built.

    Runs for every layer that has weights and whose constructor takes
    `weights` by name or through `**kwargs` (as `Layer.__init__` accepts it).
    """
    name = layer_cls.__name__
    if not built_weights or not has_arg(layer_cls.__init__, 'weights', accept_all=True):
        return
    given = kwargs.get('weights')
    if given is None:
        given = _other_weight_values(built_weights)
    layer = layer_cls(**dict(kwargs, weights=given))
    layer(inputs)
    held = layer.get_weights()
    if len(held) != len(given):
        raise AssertionError('%s: built with weights=[%d arrays], it holds %d weights'
                             % (name, len(given), len(held)))
    for i, (actual, expected) in enumerate(zip(held, given)):
        _assert_allclose(actual, expected, 0, 0, '%s weight %d after construction with weights=' % (name, i))


def _layer_test(layer_cls, kwargs, input_shape, input_dtype, input_data, expected_output, expected_output_dtype,
                fixed_batch_size, check_gradients):
    from ..engine.input_layer import Input
    from ..engine.training import Model
    name = layer_cls.__name__
    kwargs = dict(kwargs or {})
    several, input_shapes, input_dtypes, input_arrays = _normalize_inputs(input_shape, input_dtype, input_data)
    input_data = input_arrays if several else input_arrays[0]
    if expected_output_dtype is None:
        expected_output_dtype = input_dtypes[0]

    def make_inputs():
        if fixed_batch_size:
            xs = [Input(batch_shape=s, dtype=d) for s, d in zip(input_shapes, input_dtypes)]
        else:
            xs = [Input(shape=tuple(s[1:]), dtype=d) for s, d in zip(input_shapes, input_dtypes)]
        return xs if several else xs[0]

    layer = layer_cls(**kwargs)
    x = make_inputs()
    y = layer(x)
    if K.dtype(y) != expected_output_dtype:
        raise AssertionError('%s: output dtype %s, expected %s' % (name, K.dtype(y), expected_output_dtype))

    # Weights get/set at layer level, and construction from weights.
    weights = layer.get_weights()
    layer.set_weights(weights)
    for i, (w_before, w_after) in enumerate(zip(weights, layer.get_weights())):
        _assert_allclose(w_after, w_before, 0, 0, '%s weight %d after set_weights(get_weights())' % (name, i))
    _check_construction_with_weights(layer_cls, kwargs, make_inputs(), weights)

    model = Model(x, y)
    shape_arg = [tuple(s) for s in input_shapes] if several else tuple(input_shapes[0])
    expected_output_shape = layer.compute_output_shape(shape_arg)
    actual_output = model.predict(input_data)
    _check_shape(expected_output_shape, actual_output.shape, name + ' (functional)')
    _check_shape(K.int_shape(y), actual_output.shape, name + ' (static shape)')
    if expected_output is not None:
        _assert_allclose(actual_output, expected_output, 1e-3, 1e-6, name + ' output')
    trained_weights = layer.get_weights()

    # Config round trip at model level, through JSON.
    recovered = Model.from_config(json.loads(json.dumps(model.get_config())))
    if model.weights:
        recovered.set_weights(model.get_weights())
    _assert_allclose(recovered.predict(input_data), actual_output, 1e-3, 1e-6,
                     name + ' output after Model.from_config')

    # HDF5 round trip through engine/saving.py (an in-memory file): whole model, then weights only.
    _check_hdf5_round_trip(model, input_data, actual_output, layer_cls)

    # Layer config round trip is stable, directly and through JSON (where tuples become lists).
    config = layer.get_config()
    for how, source in (('get_config/from_config', config),
                        ('get_config/JSON/from_config', json.loads(json.dumps(config)))):
        again = layer_cls.from_config(source).get_config()
        config_cmp, again_cmp = _comparable_config(config), _comparable_config(again)
        if source is not config:
            config_cmp, again_cmp = json.loads(json.dumps(config_cmp)), json.loads(json.dumps(again_cmp))
        if repr(sorted(config_cmp.items())) != repr(sorted(again_cmp.items())):
            raise AssertionError('%s: %s round trip changed the config:\n%s\n%s'
                                 % (name, how, config_cmp, again_cmp))

    if has_arg(layer.call, 'training'):
        model.compile('rmsprop', 'mse')
        model.train_on_batch(input_data, actual_output)

    result = actual_output
    if not several:
        result = _check_sequential(layer, input_shapes[0], input_data, trained_weights, expected_output)

    if check_gradients:
        static_batch = (y if not isinstance(y, list) else y[0]).shape[0]
        small = input_data
        if input_arrays[0].shape[0] > 2 and static_batch is None:
            small = [a[:2] for a in input_arrays] if several else input_arrays[0][:2]
        check_layer_gradients(layer_cls, layer.get_config(), small, trained_weights)
    return result


def _check_sequential(layer, input_shape, input_data, trained_weights, expected_output):
    """The layer (rebuilt from its config) as first layer of a Sequential model; returns its output."""
    from ..engine.sequential import Sequential
    name = layer.__class__.__name__
    layer_config = layer.get_config()
    layer_config['batch_input_shape'] = tuple(input_shape)
    first = layer.__class__.from_config(layer_config)
    seq = Sequential()
    seq.add(first)
    if trained_weights:
        first.set_weights(trained_weights)
    seq_output = seq.predict(input_data)
    _check_shape(first.compute_output_shape(tuple(input_shape)), seq_output.shape, name + ' (Sequential)')
    if expected_output is not None:
        _assert_allclose(seq_output, expected_output, 1e-3, 1e-6, name + ' Sequential output')
    recovered_seq = Sequential.from_config(seq.get_config())
    if seq.weights:
        recovered_seq.set_weights(seq.get_weights())
        _assert_allclose(recovered_seq.predict(input_data), seq_output, 1e-3, 1e-6,
                         name + ' output after Sequential.from_config')
    return seq_output


def get_test_data(num_train=1000, num_test=500, input_shape=(10,), output_shape=(2,), classification=True,
                  num_classes=2):
    """Random, learnable data for tests: `(x_train, y_train), (x_test, y_test)`.

    Classification: each sample's features are drawn from a normal
    distribution centred on its integer label (standard deviation 0.7), and
    `y` holds the integer labels `(n,)`. Regression: a random centre in [0, 1)
    per sample, features and targets `(n,) + output_shape` drawn around it.
    Draws come from the global numpy random state (seed it for repeatability).

    Returns:
        float32 features `(n,) + input_shape` and the targets, split after `num_train` samples.
    """
    samples = num_train + num_test
    input_shape, output_shape = tuple(input_shape), tuple(output_shape)
    if classification:
        y = np.random.randint(0, num_classes, size=(samples,))
        # One draw per sample in order: the same stream as drawing sample by sample.
        x = np.random.normal(loc=y.reshape((samples,) + (1,) * len(input_shape)), scale=0.7,
                             size=(samples,) + input_shape).astype('float32')
    else:
        centres = np.random.random((samples,))
        x = np.zeros((samples,) + input_shape, dtype='float32')
        y = np.zeros((samples,) + output_shape)
        for i in range(samples):  # features and targets interleaved, sample by sample
            x[i] = np.random.normal(loc=centres[i], scale=0.7, size=input_shape)
            y[i] = np.random.normal(loc=centres[i], scale=0.7, size=output_shape)
    return (x[:num_train], y[:num_train]), (x[num_train:], y[num_train:])


def keras_test(func):
    """Decorator of Keras 2 test functions: runs the test, then clears the backend session.

    The wrapper keeps the test's signature, so pytest fixtures still reach it.
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        finally:
            K.clear_session()
    return wrapper
