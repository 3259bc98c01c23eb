"""Normalisation of user arguments for `Model`, done once per call.

The data adapter turns x / y / sample_weight / class_weight (arrays, lists,
dicts keyed by layer name) into per-input and per-output lists of arrays,
checking shapes and sample counts before training starts. The loss and
metric containers turn single / list / dict specifications into per-output
lists. Every error is a `ValueError` naming the argument and both shapes.
"""
import numpy as np

from .. import backend as K
from ..backend.graph.tensor import shape_str
from ..utils.generic_utils import to_list


def _as_array(x, name):
    """numpy array for list-like data; scipy.sparse matrices and h5py-like datasets are kept (sliced per batch)."""
    if K.is_tensor(x):
        raise ValueError('%s: expected numpy arrays, got a symbolic tensor %r' % (name, x))
    if hasattr(x, 'values') and hasattr(x, 'columns'):  # pandas DataFrame
        x = x.values
    if x is None:
        raise ValueError('Error when checking model %s: got None where an array was expected.' % name)
    if not isinstance(x, np.ndarray) and hasattr(x, 'shape') and hasattr(x, '__getitem__') and hasattr(x, 'dtype') \
            and len(x.shape) > 1:
        return x
    return np.asarray(x)


def standardize_input_data(data, names, shapes=None, check_batch_axis=True, exception_prefix=''):
    """Arrays / list / dict of arrays -> list of arrays, one per name, shape-checked.

    Args:
        data: user data.
        names: input (or output) layer names, in model order.
        shapes: expected shapes (None entries are skipped), or None.
        check_batch_axis: whether to check the batch axis too.
        exception_prefix: 'input' or 'target', used in messages.

    Raises:
        ValueError: missing names, wrong number of arrays, or wrong shapes.
    """
    if not names:
        if data is not None and hasattr(data, '__len__') and len(data):
            raise ValueError('Error when checking model %s: expected no data, but got: %r'
                             % (exception_prefix, type(data)))
        return []
    if data is None:
        return [None for _ in names]
    if isinstance(data, dict):
        for key in data:
            if key not in names:
                raise ValueError('Error when checking model %s: no %s layer named "%s" (the model has %s)'
                                 % (exception_prefix, 'output' if exception_prefix == 'target' else 'input',
                                    key, names))
        try:
            arrays = [data[name] for name in names]
        except KeyError as e:
            raise ValueError('Error when checking model %s: no data provided for "%s". Need data for each '
                             'key in: %s' % (exception_prefix, e.args[0], names))
        arrays = [_as_array(x, exception_prefix) for x in arrays]
    elif isinstance(data, (list, tuple)):
        if data and isinstance(data[0], (list, tuple)) and len(names) == 1:
            arrays = [_as_array(data, exception_prefix)]
        elif len(data) and not hasattr(data[0], 'shape') and len(names) == 1 and \
                not isinstance(data[0], (list, tuple)):
            arrays = [_as_array(data, exception_prefix)]
        else:
            arrays = [_as_array(x, exception_prefix) for x in data]
    else:
        arrays = [_as_array(data, exception_prefix)]
    if len(arrays) != len(names):
        if arrays and hasattr(arrays[0], 'shape'):
            raise ValueError('Error when checking model %s: the list of Numpy arrays that you are passing to '
                             'your model is not the size the model expected. Expected to see %d array(s), but '
                             'instead got %d array(s) with shapes %s.'
                             % (exception_prefix, len(names), len(arrays), [a.shape for a in arrays]))
        raise ValueError('Error when checking model %s: expected %d arrays, got %d'
                         % (exception_prefix, len(names), len(arrays)))
    arrays = [np.expand_dims(x, 1) if x is not None and len(x.shape) == 1 else x for x in arrays]
    if shapes:
        for i, (name, array, shape) in enumerate(zip(names, arrays, shapes)):
            if shape is None or array is None:
                continue
            if len(array.shape) != len(shape):
                raise ValueError('Error when checking %s: expected %s to have %d dimensions, but got array with '
                                 'shape %s' % (exception_prefix, name, len(shape), shape_str(array.shape)))
            for j, (dim, ref_dim) in enumerate(zip(array.shape, shape)):
                if not j and not check_batch_axis:
                    continue
                if ref_dim is not None and ref_dim != dim:
                    raise ValueError('Error when checking %s: expected %s to have shape %s but got array with '
                                     'shape %s' % (exception_prefix, name, shape_str(shape[1:] if not
                                                   check_batch_axis else shape),
                                                   shape_str(array.shape[1:] if not check_batch_axis
                                                              else array.shape)))
    return arrays


def standardize_sample_or_class_weights(x_weight, output_names, weight_type):
    """None / array / list / dict -> list with one entry per output."""
    if x_weight is None or (isinstance(x_weight, (list, tuple)) and not x_weight):
        return [None for _ in output_names]
    if len(output_names) == 1:
        if isinstance(x_weight, (list, tuple)) and len(x_weight) == 1:
            return list(x_weight)
        if isinstance(x_weight, dict) and output_names[0] in x_weight:
            return [x_weight[output_names[0]]]
        return [x_weight]
    if isinstance(x_weight, list):
        if len(x_weight) != len(output_names):
            raise ValueError('Provided `%s` was a list of %d elements, but the model has %d outputs. You should '
                             'provide one `%s` array per model output.'
                             % (weight_type, len(x_weight), len(output_names), weight_type))
        return x_weight
    if isinstance(x_weight, dict):
        for key in x_weight:
            if isinstance(key, str) and key not in output_names:
                raise ValueError('`%s` has a key "%s" that is not an output name (outputs: %s)'
                                 % (weight_type, key, output_names))
        return [x_weight.get(name) for name in output_names]
    raise TypeError('The model has multiple outputs, so `%s` should be either a list or a dict. Provided `%s` '
                    'type not understood: %r' % (weight_type, weight_type, type(x_weight)))


def check_array_length_consistency(inputs, targets, weights=None):
    """All arrays must have the same number of samples (None counts as 0 samples).

    Args:
        inputs, targets, weights: an array, a list of arrays (or None entries), or None.

    Raises:
        ValueError: naming the arguments and the sample counts.
    """
    def counts(arrays):
        if arrays is None:
            return {0}
        arrays = arrays if isinstance(arrays, (list, tuple)) else [arrays]
        return set(0 if x is None else int(x.shape[0]) for x in arrays)

    def shapes(arrays):
        arrays = arrays if isinstance(arrays, (list, tuple)) else [arrays]
        return [None if x is None else tuple(x.shape) for x in (arrays or [])]

    set_x, set_y, set_w = counts(inputs), counts(targets), counts(weights)
    for name, found, arrays in (('input arrays (x)', set_x, inputs), ('target arrays (y)', set_y, targets),
                                ('sample_weight arrays', set_w, weights)):
        if len(found) > 1:
            raise ValueError('All %s should have the same number of samples. Got array shapes: %s'
                             % (name, shapes(arrays)))
    if set_x and set_y and set_x != set_y:
        raise ValueError('Input arrays (x) should have the same number of samples as target arrays (y). Found '
                         '%d input samples (x shapes %s) and %d target samples (y shapes %s).'
                         % (list(set_x)[0], shapes(inputs), list(set_y)[0], shapes(targets)))
    if set_y and set_w and set_y != set_w:
        raise ValueError('sample_weight arrays should have the same number of samples as target arrays (y). '
                         'Found %d target samples and %d sample weights.' % (list(set_y)[0], list(set_w)[0]))


def check_loss_and_target_compatibility(targets, loss_fns, output_shapes):
    """Catches common loss/target mistakes (e.g. categorical crossentropy on integer labels).

    Raises:
        ValueError: naming the loss and both shapes.
    """
    from .. import losses
    key_losses = {getattr(losses, 'mean_squared_error', None), getattr(losses, 'binary_crossentropy', None),
                  getattr(losses, 'categorical_crossentropy', None)}
    key_losses.discard(None)
    for y, loss, shape in zip(targets, loss_fns, output_shapes):
        if y is None or loss is None or shape is None:
            continue
        if loss is getattr(losses, 'categorical_crossentropy', None) and y.shape[-1] == 1:
            raise ValueError('You are passing a target array of shape %s while using as loss '
                             '`categorical_crossentropy`, which expects targets to be binary matrices (1s and '
                             '0s) of shape (samples, classes) and the output has shape %s. If your targets are '
                             'integer classes, convert them with `to_categorical` or use '
                             '`sparse_categorical_crossentropy`.' % (shape_str(y.shape), shape_str(shape)))
        if loss in key_losses:
            for target_dim, out_dim in zip(y.shape[1:], shape[1:]):
                if out_dim is not None and target_dim != out_dim:
                    raise ValueError('A target array with shape %s was passed for an output of shape %s while '
                                     'using as loss `%s`. This loss expects targets to have the same shape as '
                                     'the output.' % (shape_str(y.shape), shape_str(shape), loss.__name__))


def standardize_weights(y, sample_weight=None, class_weight=None, sample_weight_mode=None):
    """Per-sample (or per-timestep) weight array for one output.

    Raises:
        ValueError: badly shaped `sample_weight`, or class weights for
            temporal outputs, or labels missing from `class_weight`.
    """
    if sample_weight_mode is not None:
        if sample_weight_mode != 'temporal':
            raise ValueError('"sample_weight_mode" should be None or "temporal". Found: %r' % (sample_weight_mode,))
        if y.ndim < 3:
            raise ValueError('Found a sample_weight array for an input with shape %s. Timestep-wise sample '
                             'weighting (use of sample_weight_mode="temporal") is restricted to outputs that are '
                             'at least 3D, i.e. that have a time dimension.' % (shape_str(y.shape),))
        if sample_weight is not None and np.ndim(sample_weight) != 2:
            raise ValueError('Found a sample_weight array with shape %s. In order to use timestep-wise sample '
                             'weighting, you should pass a 2D sample_weight array.'
                             % (shape_str(np.shape(sample_weight)),))
    elif sample_weight is not None and np.ndim(sample_weight) != 1:
        raise ValueError('Found a sample_weight array with shape %s. In order to use timestep-wise sample '
                         'weights, you should specify sample_weight_mode="temporal" in compile(). If you just '
                         'mean to use sample-wise weights, make sure your sample_weight array is 1D.'
                         % (shape_str(np.shape(sample_weight)),))
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=K.floatx())
        if sample_weight.shape != y.shape[:sample_weight.ndim]:
            raise ValueError('Found a sample_weight with shape %s. Expected sample_weight with rank less than or '
                             'equal to %d and matching the leading dimensions of the target %s'
                             % (shape_str(sample_weight.shape), y.ndim, shape_str(y.shape)))
        return sample_weight
    if isinstance(class_weight, dict):
        if y.ndim > 2:
            raise ValueError('`class_weight` not supported for 3+ dimensional targets.')
        if y.ndim == 2 and y.shape[1] > 1:
            y_classes = np.argmax(y, axis=1)
        elif y.ndim == 2 and y.shape[1] == 1:
            y_classes = np.reshape(y, y.shape[0])
        else:
            y_classes = y
        missing = set(np.unique(y_classes).tolist()) - set(class_weight)
        if missing:
            raise ValueError('`class_weight` must contain all classes in the data. The classes %s exist in the '
                             'data but not in `class_weight`.' % sorted(missing))
        return np.asarray([class_weight[c] for c in y_classes.tolist()], dtype=K.floatx())
    if sample_weight_mode is None:
        return np.ones((y.shape[0],), dtype=K.floatx())
    return np.ones((y.shape[0], y.shape[1]), dtype=K.floatx())


def make_batches(size, batch_size):
    """List of (start, end) tuples covering range(size)."""
    num_batches = (size + batch_size - 1) // batch_size
    return [(i * batch_size, min(size, (i + 1) * batch_size)) for i in range(num_batches)]


def batch_shuffle(index_array, batch_size):
    """Shuffles an index array in batch-sized chunks (for HDF5-like data)."""
    batch_count = len(index_array) // batch_size
    last_batch = index_array[batch_count * batch_size:]
    index_array = index_array[:batch_count * batch_size].reshape((batch_count, batch_size))
    np.random.shuffle(index_array)
    return np.append(index_array.flatten(), last_batch)


def check_num_samples(ins, batch_size=None, steps=None, steps_name='steps'):
    """Number of samples in `ins`, or None when `steps` drives the loop."""
    if steps is not None and batch_size is not None:
        raise ValueError('If %s is set, the `batch_size` must be None.' % steps_name)
    if steps is not None:
        return None
    for x in ins:
        if hasattr(x, 'shape') and np.ndim(x):
            return int(x.shape[0])
    raise ValueError('Either the input data should have a defined shape, or %s should be specified.' % steps_name)


def weighted_masked_objective(fn):
    """Wraps a per-sample loss `fn(y_true, y_pred)` into the Keras 2.2 weighted, masked batch mean.

    The result is `mean(score * w) / mean(w != 0)` where `score` is averaged
    over the axes the weights do not cover; a mask multiplies the score and
    divides by its mean first.
    """
    if fn is None:
        return None

    def weighted(y_true, y_pred, weights, mask=None):
        score_array = fn(y_true, y_pred)
        if mask is not None:
            mask = K.cast(mask, K.floatx())
            score_array = score_array * mask
            score_array = score_array / K.mean(mask)
        if weights is not None:
            ndim, weight_ndim = K.ndim(score_array), K.ndim(weights)
            if weight_ndim < ndim:
                score_array = K.mean(score_array, axis=list(range(weight_ndim, ndim)))
            score_array = score_array * weights
            score_array = score_array / K.mean(K.cast(K.not_equal(weights, 0), K.floatx()))
        return K.mean(score_array)

    weighted.__name__ = getattr(fn, '__name__', type(fn).__name__)
    return weighted


# Loss and metric containers ----------------------------------------------------------
def per_output(spec, output_names, what, default=None):
    """A single value, list or dict (keyed by output name) -> list with one entry per output.

    Raises:
        ValueError: a list of the wrong length or a dict key that is no output name.
    """
    if isinstance(spec, dict):
        for key in spec:
            if key not in output_names:
                raise ValueError('Unknown entry in %s dictionary: "%s". Only expected the following keys: %s'
                                 % (what, key, output_names))
        return [spec.get(name, default) for name in output_names]
    if isinstance(spec, (list, tuple)):
        if len(spec) != len(output_names):
            raise ValueError('When passing a list as %s, it should have one entry per model output. The model '
                             'has %d outputs, but you passed %s=%s' % (what, len(output_names), what, spec))
        return list(spec)
    return [spec for _ in output_names]


def collect_metrics(metrics, output_names):
    """`metrics` (list for all outputs, or dict by output name) -> one list per output."""
    if not metrics:
        return [[] for _ in output_names]
    if isinstance(metrics, (list, tuple)):
        return [list(metrics) for _ in output_names]
    if isinstance(metrics, dict):
        result = []
        for name in output_names:
            output_metrics = metrics.get(name, [])
            result.append(to_list(output_metrics, allow_tuple=True))
        unknown = set(metrics) - set(output_names)
        if unknown:
            raise ValueError('Unknown output name(s) in metrics: %s (outputs: %s)' % (sorted(unknown), output_names))
        return result
    raise TypeError('Type of `metrics` argument not understood. Expected a list or dictionary, found: %r'
                    % (metrics,))


def configure_callbacks(model, callbacks, labels, epochs, verbose, do_validation=False, validation_data=None,
                        steps=None, samples=None, batch_size=None, count_mode='samples'):
    """Sets up the callbacks of one `fit` / `fit_generator` run and calls `on_train_begin`.

    Both training loops go through here, so they hand callbacks the same
    things: a fresh `History` (stored as `model.history`), a `ProgbarLogger`
    when `verbose` that shows the model's stateful metrics (such as `auc`)
    as-is instead of averaging them over batches, the same `params`, and
    `validation_data` set on every callback.

    Args:
        model: the model being trained.
        callbacks: the user's list of `Callback` objects, or None.
        labels: the reported value names (`model.metrics_names`).
        epochs: the `epochs` argument of the run.
        verbose: 0, 1 or 2.
        do_validation: whether the epochs end with a validation pass
            (adds the `val_` names to `params['metrics']`).
        validation_data: what callbacks find as `callback.validation_data`:
            the standardised validation arrays (inputs + targets + sample
            weights), or None (no validation, or validation from a generator).
        steps: steps per epoch, or None when counting samples.
        samples: number of training samples, or None when counting steps.
        batch_size: the batch size, or None.
        count_mode: 'samples' or 'steps', what the progress bar counts.

    Returns:
        `(callback_list, callback_model)`: the `CallbackList` to call hooks on
        and the model whose `stop_training` flag the loop reads.
    """
    from .. import callbacks as cbks
    labels = list(labels)
    model.history = cbks.History()
    callback_list = list(callbacks or []) + [model.history]
    if verbose:
        stateful = set(getattr(model, 'stateful_metric_names', []))
        callback_list.append(cbks.ProgbarLogger(count_mode, stateful_metrics=[n for n in labels if n in stateful]))
    callback_list = cbks.CallbackList(callback_list)
    callback_model = getattr(model, 'callback_model', None) or model
    callback_list.set_model(callback_model)
    callback_metrics = labels + (['val_' + n for n in labels] if do_validation else [])
    callback_list.set_params({'batch_size': batch_size, 'epochs': epochs, 'steps': steps, 'samples': samples,
                              'verbose': verbose, 'do_validation': do_validation, 'metrics': callback_metrics})
    for cbk in callback_list:
        cbk.validation_data = validation_data
    callback_model.stop_training = False
    callback_list.on_train_begin()
    return callback_list, callback_model
