"""Validation of arguments and data before any work is done.

Careless input should fail at once with a message that names the argument,
the value received and what is allowed, instead of doing nothing
(`epochs=-1`), failing deep inside numpy (`batch_size=0`) or silently
producing garbage (a NaN in `x` turning every weight into NaN, an
`Embedding` index of -1 reading the last row).

The public training methods call these small functions in their first
lines (`check_fit_arguments`, `check_loop_arguments`,
`check_generator_arguments`, `check_arrays`); layer constructors call
`check_units`, `check_rate`, `check_fraction`, `check_positive_float`.
Every failure is a `TypeError` (wrong type) or a `ValueError` (wrong value).
"""
import numbers
import warnings

import numpy as np

__all__ = ['check_int', 'check_float', 'check_callbacks', 'check_fit_arguments', 'check_loop_arguments',
           'check_generator_arguments', 'check_arrays', 'check_model_data', 'check_units', 'check_rate', 'check_fraction',
           'check_positive_float']


# numpy < 1.24 only warns (and makes an object array) where newer numpy raises ValueError for ragged rows.
_RaggedArrayWarning = getattr(np, 'exceptions', np).VisibleDeprecationWarning


def _where(where):
    return '%s: ' % where if where else ''


def check_int(name, value, minimum=None, allow_none=False, where=''):
    """`value` as an int, after checking it is an integer (not a bool or float) >= `minimum`.

    Args:
        name: the argument's name, for the message.
        value: the value received.
        minimum: smallest allowed value (None: no bound).
        allow_none: whether None is allowed (then returned as is).
        where: the function or layer, for the message (e.g. 'fit').

    Raises:
        TypeError: not an integer.
        ValueError: below `minimum`.
    """
    if value is None and allow_none:
        return None
    allowed = 'an integer' + (' >= %d' % minimum if minimum is not None else '') + \
        (' or None' if allow_none else '')
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError('%s`%s` must be %s, got %r (%s).' % (_where(where), name, allowed, value,
                                                            type(value).__name__))
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError('%s`%s` must be %s, got %r.' % (_where(where), name, allowed, value))
    return value


def check_float(name, value, low=None, high=None, low_open=False, high_open=False, where=''):
    """`value` as a float, after checking it is a finite real number in the given interval.

    Args:
        name: the argument's name.
        value: the value received.
        low, high: bounds (None: unbounded).
        low_open, high_open: exclude the bound itself.
        where: the function or layer, for the message.

    Raises:
        TypeError: not a real number.
        ValueError: not finite, or outside the interval.
    """
    interval = '%s%s, %s%s' % ('(' if low_open or low is None else '[', '-inf' if low is None else low,
                               'inf' if high is None else high, ')' if high_open or high is None else ']')
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError('%s`%s` must be a number in %s, got %r (%s).' % (_where(where), name, interval, value,
                                                                         type(value).__name__))
    value = float(value)
    bad = not np.isfinite(value)
    bad = bad or (low is not None and (value < low or (low_open and value == low)))
    bad = bad or (high is not None and (value > high or (high_open and value == high)))
    if bad:
        raise ValueError('%s`%s` must be a number in %s, got %r.' % (_where(where), name, interval, value))
    return value


def check_callbacks(callbacks, where=''):
    """Checks that `callbacks` is None or a list/tuple of callback objects.

    Raises:
        TypeError: a single callback not in a list, or an element that is
            not a callback (no `set_model` / `on_epoch_end`).
    """
    if callbacks is None:
        return
    if not isinstance(callbacks, (list, tuple)):
        hint = ' (put it in a list: callbacks=[%s(...)])' % type(callbacks).__name__ \
            if hasattr(callbacks, 'on_epoch_end') else ''
        raise TypeError('%s`callbacks` must be a list of Callback instances, got %r%s.'
                        % (_where(where), callbacks, hint))
    for i, callback in enumerate(callbacks):
        if isinstance(callback, type) or not (hasattr(callback, 'set_model') and hasattr(callback, 'on_epoch_end')):
            hint = ' (a class: instantiate it)' if isinstance(callback, type) else ''
            raise TypeError('%s`callbacks[%d]` must be a Callback instance, got %r%s.'
                            % (_where(where), i, callback, hint))


def _check_verbose(verbose, where):
    if isinstance(verbose, (bool, np.bool_)):
        return
    check_int('verbose', verbose, minimum=0, where=where)


def check_fit_arguments(batch_size=None, epochs=1, verbose=1, callbacks=None, validation_split=0.,
                        shuffle=True, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
                        where='fit'):
    """Checks the numeric and callback arguments of `fit` before any work.

    Raises:
        TypeError / ValueError: naming the argument, the value and what is allowed.
    """
    check_int('batch_size', batch_size, minimum=1, allow_none=True, where=where)
    epochs = check_int('epochs', epochs, minimum=0, where=where)
    initial_epoch = check_int('initial_epoch', initial_epoch, minimum=0, where=where)
    if initial_epoch > epochs:
        raise ValueError('%s`initial_epoch` (%d) must not be greater than `epochs` (%d): `epochs` is the index '
                         'of the last epoch, not a count of further epochs.' % (_where(where), initial_epoch, epochs))
    check_int('steps_per_epoch', steps_per_epoch, minimum=1, allow_none=True, where=where)
    check_int('validation_steps', validation_steps, minimum=1, allow_none=True, where=where)
    check_float('validation_split', validation_split, 0., 1., high_open=True, where=where)
    if not (isinstance(shuffle, (bool, np.bool_)) or shuffle == 'batch'):
        raise TypeError("%s`shuffle` must be True, False or 'batch', got %r." % (_where(where), shuffle))
    _check_verbose(verbose, where)
    check_callbacks(callbacks, where)


def check_loop_arguments(where, batch_size=None, steps=None, verbose=0, callbacks=None):
    """Checks the arguments of `evaluate` / `predict` before any work.

    Raises:
        TypeError / ValueError: naming the argument, the value and what is allowed.
    """
    check_int('batch_size', batch_size, minimum=1, allow_none=True, where=where)
    check_int('steps', steps, minimum=1, allow_none=True, where=where)
    _check_verbose(verbose, where)
    check_callbacks(callbacks, where)


def check_generator_arguments(where, steps=None, epochs=1, initial_epoch=0, validation_steps=None,
                              max_queue_size=10, workers=1, verbose=0, callbacks=None, steps_name='steps'):
    """Checks the arguments of `fit_generator` / `evaluate_generator` / `predict_generator`.

    Raises:
        TypeError / ValueError: naming the argument, the value and what is allowed.
    """
    check_int(steps_name, steps, minimum=1, allow_none=True, where=where)
    epochs = check_int('epochs', epochs, minimum=0, where=where)
    initial_epoch = check_int('initial_epoch', initial_epoch, minimum=0, where=where)
    if initial_epoch > epochs:
        raise ValueError('%s`initial_epoch` (%d) must not be greater than `epochs` (%d).'
                         % (_where(where), initial_epoch, epochs))
    check_int('validation_steps', validation_steps, minimum=1, allow_none=True, where=where)
    check_int('max_queue_size', max_queue_size, minimum=0, where=where)
    check_int('workers', workers, minimum=0, where=where)
    _check_verbose(verbose, where)
    check_callbacks(callbacks, where)


def _named_arrays(name, data):
    """(name, data) for every array in nested lists / tuples of arrays and dicts."""
    if isinstance(data, dict):
        pairs = []
        for key, value in data.items():
            pairs += _named_arrays('%s[%r]' % (name, key), value)
        return pairs
    # a list of arrays (of any kind: numpy, sparse, h5py) or dicts; a list holding numbers or lists is one array
    if isinstance(data, (list, tuple)) and data and not any(isinstance(d, (numbers.Number, list, tuple))
                                                            for d in data):
        pairs = []
        for i, value in enumerate(data):
            pairs += _named_arrays('%s[%d]' % (name, i), value)
        return pairs
    return [(name, data)]


def check_arrays(where, check_finite=True, **arrays):
    """Checks user data (`x=..., y=..., sample_weight=...`) before any work.

    Each array (also inside lists and dicts) must hold numbers: not objects,
    strings or complex numbers, and at least one sample. With
    `check_finite`, float arrays must hold no NaN or infinity (one NaN in
    `x`, `y` or `sample_weight` would turn every weight into NaN).

    Args:
        where: the method, for the message (e.g. 'fit').
        check_finite: refuse NaN / inf (the methods' `check_finite` argument).
        **arrays: the data by argument name; None entries are skipped.

    Raises:
        TypeError: an array of objects, strings or complex numbers.
        ValueError: an empty array, or a non-finite value (the message names
            the array, the first position and how to opt out).
    """
    for argument, data in arrays.items():
        for name, value in _named_arrays(argument, data):
            # Only data given as numbers: tensors, generators and HDF5 matrices are left to their own checks.
            if not isinstance(value, (np.ndarray, list, tuple, numbers.Number)):
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter('error', _RaggedArrayWarning)
                    array = np.asarray(value)
            except (ValueError, _RaggedArrayWarning):
                raise ValueError('%s`%s` is not a rectangular array of numbers (rows of different lengths?).'
                                 % (_where(where), name))
            kind = array.dtype.kind
            if kind in 'OSUVc':
                what = {'O': 'Python objects', 'S': 'bytes', 'U': 'strings', 'V': 'raw records',
                        'c': 'complex numbers'}[kind]
                raise TypeError('%s`%s` holds %s (dtype %s); expected an array of real numbers (for example '
                                "np.asarray(%s, dtype='float32')).%s"
                                % (_where(where), name, what, array.dtype, argument,
                                   ' An object array often means rows of different lengths.'
                                   if kind == 'O' else ''))
            if array.ndim and array.shape[0] == 0:
                raise ValueError('%s`%s` is empty (shape %s): there are no samples to %s.'
                                 % (_where(where), name, array.shape, where or 'use'))
            if check_finite and kind == 'f' and array.size and not np.isfinite(array).all():
                bad = np.argwhere(~np.isfinite(array))
                first = tuple(int(i) for i in bad[0]) if array.ndim else ()
                raise ValueError('%s`%s` holds %d non-finite value(s) (NaN or infinity), the first at index %s '
                                 '(%s). Training on them makes the weights NaN. Clean the data, or pass '
                                 'check_finite=False to %s to allow them.'
                                 % (_where(where), name, len(bad), first, float(array[first]), where))


def _embedding_inputs(model):
    """(Embedding layer, index of the model input it reads directly) pairs."""
    from ..layers.embeddings import Embedding
    inputs = list(getattr(model, 'inputs', None) or [])
    for layer in getattr(model, 'layers', []):
        if not isinstance(layer, Embedding):
            continue
        for node in getattr(layer, '_inbound_nodes', []):
            for tensor in node.input_tensors:
                for index, model_input in enumerate(inputs):
                    if tensor is model_input:
                        yield layer, index


def _is_sparse_crossentropy(fn):
    name = getattr(fn, '__name__', None) or type(fn).__name__
    return name in ('sparse_categorical_crossentropy', 'SparseCategoricalCrossentropy')


def _check_index_range(values, limit, what, where):
    values = np.asarray(values)
    if not values.size or values.dtype.kind not in 'iuf':
        return
    low, high = values.min(), values.max()
    if low < 0 or high >= limit:
        bad = low if low < 0 else high
        position = tuple(int(i) for i in np.argwhere(values == bad)[0])
        raise ValueError('%s%s holds %s at index %s; allowed are integers in [0, %d).'
                         % (_where(where), what, bad.item(), position, limit))


def check_model_data(model, x, y=None, where=''):
    """Checks the integer data that a model's layers and losses index with, before any work.

    * inputs read directly by an `Embedding`: indices in `[0, input_dim)`
      (numpy would wrap -1 to the last row, or fail deep in the graph);
    * targets of outputs trained with sparse categorical crossentropy:
      labels in `[0, number of classes)` (an out-of-range label would give
      a loss of 0).

    Args:
        model: the model.
        x: list of input arrays (in `model.inputs` order).
        y: list of target arrays (in the order of the outputs fed targets).
        where: the method, for the message.

    Raises:
        ValueError: naming the layer or output, the bad value, its index and the allowed range.
    """
    x = x or []
    for layer, index in _embedding_inputs(model):
        if index < len(x):
            _check_index_range(x[index], layer.input_dim, '`x` (input %d, read by Embedding layer "%s" with '
                               'input_dim=%d)' % (index, layer.name, layer.input_dim), where)
    fed = [r for r in getattr(model, '_output_records', []) if r.fed]
    for i, record in enumerate(fed):
        classes = record.shape[-1] if record.shape else None
        if y and i < len(y) and _is_sparse_crossentropy(record.loss_fn) and classes:
            _check_index_range(y[i], classes, '`y` (output "%s", sparse categorical crossentropy over %d '
                               'classes)' % (record.name, classes), where)


def _layer(layer):
    name = getattr(layer, 'name', None)
    return 'Layer %s (%s)' % (name, type(layer).__name__) if name else type(layer).__name__


def check_units(layer, name, value):
    """A positive integer layer size (`units`, `filters`, `input_dim`, ...) as an int.

    Raises:
        TypeError / ValueError: naming the layer, the argument and the value.
    """
    return check_int(name, value, minimum=1, where=_layer(layer))


def check_rate(layer, name, value):
    """A dropout rate in [0, 1) as a float (1 would drop everything and divide by zero).

    Raises:
        TypeError / ValueError: naming the layer, the argument and the value.
    """
    return check_float(name, value, 0., 1., high_open=True, where=_layer(layer))


def check_fraction(layer, name, value):
    """A value in [0, 1] (e.g. a moving-average momentum) as a float.

    Raises:
        TypeError / ValueError: naming the layer, the argument and the value.
    """
    return check_float(name, value, 0., 1., where=_layer(layer))


def check_positive_float(layer, name, value):
    """A value > 0 (e.g. `epsilon`) as a float.

    Raises:
        TypeError / ValueError: naming the layer, the argument and the value.
    """
    return check_float(name, value, 0., None, low_open=True, where=_layer(layer))
