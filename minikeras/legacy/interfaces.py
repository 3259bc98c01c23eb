"""Keras 1 argument spellings of layer constructors, accepted in one place.

Keras 2.2 accepted the Keras 1 names of layer arguments (`Dense(output_dim=10,
init='uniform')`, `Convolution2D(32, 3, 3, border_mode='same')`, ...) through
decorators on every constructor. minikeras keeps the whole conversion here:
`LEGACY_ARGUMENTS` says, per layer class, which names and values change, and
`install_legacy_support` wraps the `__init__` of those classes once, when
`minikeras.layers` is imported. A converted call works as its Keras 2 form
and gives the `UserWarning` Keras 2.2 gives::

    Update your `Dense` call to the Keras 2 API: `Dense(units=10, kernel_initializer="uniform", input_dim=5)`

Only the old names listed are converted: any other unknown argument still
reaches the constructor, which raises `TypeError` naming it.

Example::

    from minikeras.layers import Convolution2D
    conv = Convolution2D(32, 3, 3, border_mode='same', subsample=(2, 2))  # warns
    conv.kernel_size, conv.padding, conv.strides  # ((3, 3), 'same', (2, 2))

Keras 2's public decorators (`legacy_dense_support`, ...,
`legacy_get_updates_support`, `generate_legacy_interface`) are defined at the
end, for third-party classes that decorate their own methods with them.
"""
import functools
import warnings

import numpy as np

__all__ = ['LEGACY_ARGUMENTS', 'LegacySpec', 'convert_legacy_arguments', 'install_legacy_support',
           'generate_legacy_interface', 'generate_legacy_method_interface', 'raise_duplicate_arg_error']

_DIM_ORDERING = {'tf': 'channels_last', 'th': 'channels_first', 'default': None}
_CONSUME_LESS = {'cpu': 0, 'mem': 1, 'gpu': 2}
_AMBIGUOUS_KERNEL = ('padding', 'strides', 'data_format')


class LegacySpec(object):
    """The Keras 1 spellings one layer class accepts.

    Args:
        renames: `(old_name, new_name)` pairs, applied in order.
        values: `{old_name: {old_value: new_value}}`, applied to the value of
            an old-name argument before it is renamed (`dim_ordering='th'`
            becomes `data_format='channels_first'`).
        kernel_rank: 2 or 3 for convolutions whose Keras 1 form gives the
            kernel size as separate integers (`Convolution2D(32, 3, 3)`,
            `nb_row=`/`nb_col=`, `kernel_dim1=`...); 0 otherwise.
        prepare: optional `prepare(class_name, kwargs)` for conversions that
            are not plain renames; it edits `kwargs` in place and returns a
            list of the old names it converted.
    """

    def __init__(self, renames=(), values=None, kernel_rank=0, prepare=None):
        self.renames = tuple(renames)
        self.values = dict(values or {})
        self.kernel_rank = kernel_rank
        self.prepare = prepare


# Conversions that are not plain renames --------------------------------------------

def _temporal_input_dim(class_name, kwargs):
    """`input_dim` (and `input_length`) -> `input_shape=(input_length, input_dim)`."""
    if 'input_dim' not in kwargs or 'input_shape' in kwargs or 'batch_input_shape' in kwargs:
        return []
    length = kwargs.pop('input_length', None)
    kwargs['input_shape'] = (length, kwargs.pop('input_dim'))
    return ['input_dim']


def _forget_bias_init(class_name, kwargs, depth=0):
    """`forget_bias_init='one'` -> `unit_forget_bias=True`; other values are dropped with a warning.

    `depth` counts the helpers between this one and `convert_legacy_arguments`,
    so that the warning points at the user's call.
    """
    if 'forget_bias_init' not in kwargs:
        return []
    value = kwargs.pop('forget_bias_init')
    if value == 'one':
        kwargs['unit_forget_bias'] = True
    else:
        warnings.warn('%s: the `forget_bias_init` argument has been ignored. Use `unit_forget_bias=True` instead '
                      'to initialize the forget gate bias with ones.' % class_name, stacklevel=4 + depth)
    return ['forget_bias_init']


def _recurrent(class_name, kwargs):
    return _temporal_input_dim(class_name, kwargs)


def _lstm(class_name, kwargs):
    return _forget_bias_init(class_name, kwargs, depth=1) + _temporal_input_dim(class_name, kwargs)


def _embedding(class_name, kwargs):
    """Keras 1's `dropout` of `Embedding` is dropped (Keras 2.2 does the same) with a warning."""
    if 'dropout' not in kwargs:
        return []
    kwargs.pop('dropout')
    warnings.warn('The `dropout` argument is no longer supported in `Embedding`. Apply a `SpatialDropout1D` '
                  'layer right after the `Embedding` layer to get the same behavior.', stacklevel=4)
    return ['dropout']


def _separable_init(class_name, kwargs):
    """`init` -> both `depthwise_initializer` and `pointwise_initializer`."""
    if 'init' not in kwargs:
        return []
    init = kwargs.pop('init')
    for name in ('depthwise_initializer', 'pointwise_initializer'):
        if name in kwargs:
            _raise_duplicate('init', name)
        kwargs[name] = init
    return ['init']


def _no_output_shape(class_name, kwargs):
    """Keras 1's `output_shape` of `Deconvolution2D` is computed in Keras 2: dropped."""
    if 'output_shape' not in kwargs:
        return []
    kwargs.pop('output_shape')
    return ['output_shape']


def _batchnorm_mode(class_name, kwargs):
    """Keras 1's `mode`: only 0 (feature-wise normalization) exists in Keras 2."""
    if 'mode' not in kwargs:
        return []
    mode = kwargs.pop('mode')
    if mode != 0:
        raise TypeError('%s: the `mode` argument of Keras 1 no longer exists; `mode=%r` is not supported (only '
                        '`mode=0`, the Keras 2 behaviour, is accepted).' % (class_name, mode))
    return ['mode']


def _padding_dict(class_name, kwargs):
    """`ZeroPadding2D(padding={'top_pad': ..., ...})` -> `padding=((top, bottom), (left, right))`."""
    padding = kwargs.get('padding')
    keys = {'top_pad', 'bottom_pad', 'left_pad', 'right_pad'}
    if not isinstance(padding, dict):
        return []
    if not set(padding) <= keys:
        raise ValueError('%s: a dict `padding` may only have the keys %s, got %s'
                         % (class_name, sorted(keys), sorted(padding)))
    kwargs['padding'] = ((padding.get('top_pad', 0), padding.get('bottom_pad', 0)),
                         (padding.get('left_pad', 0), padding.get('right_pad', 0)))
    return ['padding']


# Keras 1 wrote regularizers and constraints as `{"name": class name, **arguments}`.
_KERAS1_OBJECTS = {
    'L1L2Regularizer': ('L1L2', {'l1': 'l1', 'l2': 'l2'}),
    'WeightRegularizer': ('L1L2', {'l1': 'l1', 'l2': 'l2'}),
    'ActivityRegularizer': ('L1L2', {'l1': 'l1', 'l2': 'l2'}),
    'MaxNorm': ('MaxNorm', {'m': 'max_value', 'axis': 'axis'}),
    'NonNeg': ('NonNeg', {}),
    'UnitNorm': ('UnitNorm', {'axis': 'axis'}),
    'MinMaxNorm': ('MinMaxNorm', {'low': 'min_value', 'high': 'max_value', 'rate': 'rate', 'axis': 'axis'}),
}


def _keras1_object_configs(class_name, kwargs):
    """Keras 1 regularizer / constraint configs (`{"name": "MaxNorm", "m": 2, "axis": 0}`) -> Keras 2 ones.

    Only values of `*_regularizer` / `*_constraint` arguments that have a
    `name` and no `class_name` key are converted; an unknown Keras 1 name
    (e.g. `EigenvalueRegularizer`, which Keras 2 dropped) is a `ValueError`.
    """
    converted = []
    for key, value in list(kwargs.items()):
        if not (key.endswith('_regularizer') or key.endswith('_constraint')) or not isinstance(value, dict) or \
                'name' not in value or 'class_name' in value:
            continue
        if value['name'] not in _KERAS1_OBJECTS:
            raise ValueError('%s: the Keras 1 %s config %r has no Keras 2 equivalent (known: %s).'
                             % (class_name, key, value, ', '.join(sorted(_KERAS1_OBJECTS))))
        new_class, arguments = _KERAS1_OBJECTS[value['name']]
        kwargs[key] = {'class_name': new_class,
                       'config': {arguments[k]: v for k, v in value.items() if k in arguments}}
        converted.append(key)
    return converted


# The table --------------------------------------------------------------------------

_WEIGHT_NAMES = (('init', 'kernel_initializer'),
                 ('W_regularizer', 'kernel_regularizer'),
                 ('b_regularizer', 'bias_regularizer'),
                 ('W_constraint', 'kernel_constraint'),
                 ('b_constraint', 'bias_constraint'),
                 ('bias', 'use_bias'))
_DATA_FORMAT = (('dim_ordering', 'data_format'),)
_DATA_FORMAT_VALUES = {'dim_ordering': _DIM_ORDERING}
_CONV_NAMES = (('nb_filter', 'filters'),
               ('subsample', 'strides'),
               ('border_mode', 'padding'),
               ('atrous_rate', 'dilation_rate')) + _DATA_FORMAT
_CONV1D_NAMES = (('nb_filter', 'filters'),
                 ('filter_length', 'kernel_size'),
                 ('subsample_length', 'strides'),
                 ('subsample', 'strides'),
                 ('border_mode', 'padding'),
                 ('atrous_rate', 'dilation_rate')) + _WEIGHT_NAMES
_RECURRENT_NAMES = (('output_dim', 'units'),
                    ('init', 'kernel_initializer'),
                    ('inner_init', 'recurrent_initializer'),
                    ('inner_activation', 'recurrent_activation'),
                    ('W_regularizer', 'kernel_regularizer'),
                    ('U_regularizer', 'recurrent_regularizer'),
                    ('b_regularizer', 'bias_regularizer'),
                    ('dropout_W', 'dropout'),
                    ('dropout_U', 'recurrent_dropout'),
                    ('consume_less', 'implementation'))
_POOLING1D = LegacySpec(renames=(('pool_length', 'pool_size'), ('stride', 'strides'), ('border_mode', 'padding')))
_POOLING_ND = LegacySpec(renames=(('border_mode', 'padding'),) + _DATA_FORMAT, values=_DATA_FORMAT_VALUES)
_DATA_FORMAT_ONLY = LegacySpec(renames=_DATA_FORMAT, values=_DATA_FORMAT_VALUES)
_RATE = LegacySpec(renames=(('p', 'rate'),))
_RATE_ND = LegacySpec(renames=(('p', 'rate'),) + _DATA_FORMAT, values=_DATA_FORMAT_VALUES)
_CONV1D = LegacySpec(renames=_CONV1D_NAMES, prepare=_temporal_input_dim)
_CONV2D = LegacySpec(renames=_CONV_NAMES + _WEIGHT_NAMES, values=_DATA_FORMAT_VALUES, kernel_rank=2)

#: Class name -> the Keras 1 spellings its constructor accepts (Keras 2.2's
#: `keras/legacy/interfaces.py`, for the layers minikeras has).
LEGACY_ARGUMENTS = {
    'InputLayer': LegacySpec(renames=(('input_dtype', 'dtype'),)),
    'Dense': LegacySpec(renames=(('output_dim', 'units'),) + _WEIGHT_NAMES),
    'Dropout': _RATE,
    'GaussianDropout': _RATE,
    'SpatialDropout1D': _RATE,
    'SpatialDropout2D': _RATE_ND,
    'SpatialDropout3D': _RATE_ND,
    'GaussianNoise': LegacySpec(renames=(('sigma', 'stddev'),)),
    'PReLU': LegacySpec(renames=(('init', 'alpha_initializer'),)),
    'Embedding': LegacySpec(renames=(('init', 'embeddings_initializer'),
                                     ('W_regularizer', 'embeddings_regularizer'),
                                     ('W_constraint', 'embeddings_constraint')), prepare=_embedding),
    'MaxPooling1D': _POOLING1D,
    'AveragePooling1D': _POOLING1D,
    'MaxPooling2D': _POOLING_ND,
    'AveragePooling2D': _POOLING_ND,
    'MaxPooling3D': _POOLING_ND,
    'AveragePooling3D': _POOLING_ND,
    'GlobalMaxPooling2D': _DATA_FORMAT_ONLY,
    'GlobalAveragePooling2D': _DATA_FORMAT_ONLY,
    'GlobalMaxPooling3D': _DATA_FORMAT_ONLY,
    'GlobalAveragePooling3D': _DATA_FORMAT_ONLY,
    'SimpleRNN': LegacySpec(renames=_RECURRENT_NAMES, values={'consume_less': _CONSUME_LESS}, prepare=_recurrent),
    'GRU': LegacySpec(renames=_RECURRENT_NAMES, values={'consume_less': _CONSUME_LESS}, prepare=_recurrent),
    'LSTM': LegacySpec(renames=_RECURRENT_NAMES, values={'consume_less': _CONSUME_LESS}, prepare=_lstm),
    'Conv1D': _CONV1D,
    'LocallyConnected1D': _CONV1D,
    'Conv2D': _CONV2D,
    'LocallyConnected2D': _CONV2D,
    'Conv2DTranspose': LegacySpec(renames=_CONV_NAMES + _WEIGHT_NAMES, values=_DATA_FORMAT_VALUES, kernel_rank=2,
                                  prepare=_no_output_shape),
    'SeparableConv2D': LegacySpec(renames=_CONV_NAMES + (('b_regularizer', 'bias_regularizer'),
                                                         ('b_constraint', 'bias_constraint'),
                                                         ('bias', 'use_bias')),
                                  values=_DATA_FORMAT_VALUES, kernel_rank=2, prepare=_separable_init),
    'Conv3D': LegacySpec(renames=_CONV_NAMES + _WEIGHT_NAMES, values=_DATA_FORMAT_VALUES, kernel_rank=3),
    'ConvLSTM2D': LegacySpec(renames=_CONV_NAMES + (('init', 'kernel_initializer'),
                                                    ('inner_init', 'recurrent_initializer'),
                                                    ('W_regularizer', 'kernel_regularizer'),
                                                    ('U_regularizer', 'recurrent_regularizer'),
                                                    ('b_regularizer', 'bias_regularizer'),
                                                    ('inner_activation', 'recurrent_activation'),
                                                    ('dropout_W', 'dropout'),
                                                    ('dropout_U', 'recurrent_dropout'),
                                                    ('bias', 'use_bias')),
                             values=_DATA_FORMAT_VALUES, kernel_rank=2, prepare=_forget_bias_init),
    'BatchNormalization': LegacySpec(renames=(('beta_init', 'beta_initializer'), ('gamma_init', 'gamma_initializer')),
                                     prepare=_batchnorm_mode),
    'UpSampling1D': LegacySpec(renames=(('length', 'size'),)),
    'UpSampling2D': _DATA_FORMAT_ONLY,
    'UpSampling3D': _DATA_FORMAT_ONLY,
    'ZeroPadding2D': LegacySpec(renames=_DATA_FORMAT, values=_DATA_FORMAT_VALUES, prepare=_padding_dict),
    'ZeroPadding3D': _DATA_FORMAT_ONLY,
    'Cropping2D': _DATA_FORMAT_ONLY,
    'Cropping3D': _DATA_FORMAT_ONLY,
}


# Conversion ---------------------------------------------------------------------------

def _raise_duplicate(old_name, new_name):
    raise TypeError('For the `%s` argument, the layer received both the legacy keyword argument `%s` and the '
                    'Keras 2 keyword argument `%s`. Stick to the latter!' % (new_name, old_name, new_name))


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _convert_kernel_size(class_name, rank, args, kwargs):
    """Keras 1 kernel sizes given as separate integers -> one `kernel_size` tuple.

    Returns:
        `(args, converted)`: the positional arguments (filters, kernel_size, ...)
        and the old names converted.
    """
    dim_names = ('nb_row', 'nb_col') if rank == 2 else ('kernel_dim1', 'kernel_dim2', 'kernel_dim3')
    args = list(args)
    # Leading positional integers after `filters`, then the remaining dimensions by keyword.
    n_positional = 0
    while n_positional < min(rank, len(args) - 1) and _is_int(args[1 + n_positional]):
        n_positional += 1
    keyword_dims = dim_names[n_positional:]
    if n_positional == rank:
        if n_positional < len(args) - 1:  # more positional arguments follow: not the Keras 1 form
            return args, []
        ambiguous = [name for name in _AMBIGUOUS_KERNEL if name in kwargs]
        if ambiguous:
            raise ValueError('%s: %d integer positional arguments after `filters` are read as the Keras 1 kernel '
                             'size, but `%s` is given too, so they may mean `kernel_size` and `strides`. Pass '
                             '`kernel_size` (and `strides`) as keyword arguments.' % (class_name, rank, ambiguous[0]))
    elif not keyword_dims or not all(name in kwargs for name in keyword_dims) or len(args) - 1 > n_positional:
        return args, []
    kernel_size = tuple(int(v) for v in args[1:1 + n_positional]) + tuple(kwargs.pop(n) for n in keyword_dims)
    if 'kernel_size' in kwargs:
        _raise_duplicate('/'.join(dim_names), 'kernel_size')
    if args:
        args = [args[0], kernel_size]
    else:
        kwargs['kernel_size'] = kernel_size
    return args, ['/'.join(dim_names)]


def convert_legacy_arguments(class_name, spec, args, kwargs):
    """Converts the Keras 1 arguments of one constructor call.

    Args:
        class_name: the name of the class being constructed (for messages).
        spec: its `LegacySpec`.
        args: positional arguments (without `self`).
        kwargs: keyword arguments.

    Returns:
        `(args, kwargs, converted)`: the Keras 2 arguments (new objects) and
        the list of old names that were converted (empty when nothing was).

    Raises:
        TypeError: an old and a new name given for the same argument, or a
            Keras 1 value with no Keras 2 equivalent (BatchNormalization `mode`).
        ValueError: an ambiguous positional kernel size.
    """
    kwargs = dict(kwargs)
    converted = []
    if spec.prepare is _no_output_shape and len(args) == 4 and _is_int(args[1]) and _is_int(args[2]) \
            and isinstance(args[3], (tuple, list)):
        # Keras 1 `Deconvolution2D(nb_filter, nb_row, nb_col, output_shape)`: the shape is computed in Keras 2.
        args, kwargs['output_shape'] = tuple(args[:3]), args[3]
    if spec.kernel_rank:
        args, done = _convert_kernel_size(class_name, spec.kernel_rank, args, kwargs)
        converted += done
    if spec.prepare is not None:
        converted += spec.prepare(class_name, kwargs)
    converted += _keras1_object_configs(class_name, kwargs)
    for old_name, table in spec.values.items():
        if old_name in kwargs:
            value = kwargs[old_name]
            try:
                if value in table:
                    kwargs[old_name] = table[value]
            except TypeError:  # unhashable: left for the constructor to judge
                pass
    for old_name, new_name in spec.renames:
        if old_name not in kwargs:
            continue
        if new_name in kwargs:
            _raise_duplicate(old_name, new_name)
        # Keep the caller's order: the new name takes the old one's place.
        kwargs = {(new_name if key == old_name else key): value for key, value in kwargs.items()}
        converted.append(old_name)
    return tuple(args), kwargs, converted


def _short(value):
    if isinstance(value, str):
        return '"%s"' % value
    text = 'array' if isinstance(value, np.ndarray) else str(value)
    return text if len(text) <= 10 else text[:10] + '...'


def keras2_call(class_name, args, kwargs):
    """The Keras 2 call as text, shortened as Keras 2.2 shows it: `Dense(units=10, kernel_initializer="uniform")`."""
    parts = [_short(v) for v in args] + ['%s=%s' % (k, _short(v)) for k, v in kwargs.items()]
    return '`%s(%s)`' % (class_name, ', '.join(parts))


def _wrap_init(cls, spec):
    """Replaces `cls.__init__` by one that converts Keras 1 arguments first."""
    original = cls.__init__
    original = getattr(original, '_legacy_original_init', original)

    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        class_name = type(self).__name__
        args, kwargs, converted = convert_legacy_arguments(class_name, spec, args, kwargs)
        if converted:
            warnings.warn('Update your `%s` call to the Keras 2 API: %s' % (class_name,
                                                                            keras2_call(class_name, args, kwargs)),
                          UserWarning, stacklevel=2)
        original(self, *args, **kwargs)

    __init__._legacy_original_init = original
    __init__._legacy_spec = spec
    cls.__init__ = __init__


def install_legacy_support(namespace):
    """Makes the layer classes in `namespace` accept their Keras 1 spellings (once per class).

    Args:
        namespace: a mapping of names to classes (the `minikeras.layers`
            module globals); every class named in `LEGACY_ARGUMENTS` must be there.

    Raises:
        KeyError: a class of the table is missing from `namespace`.
    """
    for class_name, spec in LEGACY_ARGUMENTS.items():
        cls = namespace[class_name]
        if getattr(cls.__dict__.get('__init__'), '_legacy_spec', None) is spec:
            continue  # already installed
        _wrap_init(cls, spec)


# Keras 2's public decorators ----------------------------------------------------------
#
# Third-party code written for Keras 2.0-2.2 decorates its own methods with
# `interfaces.legacy_*_support` (custom optimizers' `get_updates`, subclassed
# layers' `__init__`). Each decorator below converts the same Keras 1
# spellings as the built-in class it is named after, through the table above.

def raise_duplicate_arg_error(old_arg, new_arg):
    """Raises the TypeError for an argument given under both its Keras 1 and Keras 2 names."""
    _raise_duplicate(old_arg, new_arg)


def generate_legacy_interface(allowed_positional_args=None, conversions=None, preprocessor=None,
                              value_conversions=None, object_type='class'):
    """A decorator factory converting Keras 1 keyword arguments of a function or method.

    Args:
        allowed_positional_args: names of the positional arguments accepted
            after `self` (None: no check).
        conversions: `(old_name, new_name)` pairs.
        preprocessor: optional `f(args, kwargs) -> (args, kwargs, converted)`
            run first (`args` includes `self`).
        value_conversions: `{name: {old_value: new_value}}`.
        object_type: 'class' (the warning names `type(self)`) or 'method'
            (it names the function).

    Returns:
        A decorator; a converted call warns `Update your `X` call to the Keras 2 API: ...`.

    Raises (from the decorated call):
        TypeError: too many positional arguments, or both names of one argument.
    """
    spec = LegacySpec(renames=conversions or (), values=value_conversions)

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            name = type(args[0]).__name__ if object_type == 'class' and args else func.__name__
            converted = []
            if preprocessor is not None:
                args, kwargs, converted = preprocessor(args, kwargs)
                converted = list(converted)
            if allowed_positional_args is not None and len(args) > len(allowed_positional_args) + 1:
                raise TypeError('`%s` can accept only %d positional arguments %s, but you passed the following '
                                'positional arguments: %s' % (name, len(allowed_positional_args),
                                                              tuple(allowed_positional_args), list(args[1:])))
            _, kwargs, renamed = convert_legacy_arguments(name, spec, (), kwargs)
            if converted or renamed:
                warnings.warn('Update your `%s` call to the Keras 2 API: %s' % (name, keras2_call(name, args[1:],
                                                                                                  kwargs)),
                              UserWarning, stacklevel=2)
            return func(*args, **kwargs)
        wrapper._original_function = func
        return wrapper
    return decorator


generate_legacy_method_interface = functools.partial(generate_legacy_interface, object_type='method')


def _class_support(class_name):
    """The decorator converting the Keras 1 arguments of `class_name`'s constructor (per the table)."""
    spec = LEGACY_ARGUMENTS[class_name]

    def preprocessor(args, kwargs):
        rest, kwargs, converted = convert_legacy_arguments(type(args[0]).__name__, spec, args[1:], kwargs)
        return (args[0],) + tuple(rest), kwargs, converted

    return generate_legacy_interface(preprocessor=preprocessor)


def _add_weight_preprocessor(args, kwargs):
    """Keras 1 `add_weight(shape, ...)`: a leading tuple/list is the shape, a string after it the name."""
    if len(args) > 1 and isinstance(args[1], (tuple, list)):
        kwargs['shape'] = tuple(args[1])
        args = (args[0],) + tuple(args[2:])
        if len(args) > 1 and isinstance(args[1], str):
            kwargs['name'] = args[1]
            args = (args[0],) + tuple(args[2:])
    return args, kwargs, []


def _generator_preprocessor(args, kwargs):
    """Keras 1 `samples_per_epoch` -> `steps_per_epoch` (divided by the generator's batch size when known)."""
    converted = []
    if 'samples_per_epoch' in kwargs and len(args) < 3:
        samples = kwargs.pop('samples_per_epoch')
        generator = args[1] if len(args) > 1 else kwargs.get('generator')
        batch_size = getattr(generator, 'batch_size', None)
        kwargs['steps_per_epoch'] = samples // batch_size if batch_size else samples
        converted.append('samples_per_epoch')
    if {'val_samples', 'nb_val_samples'} & set(kwargs):
        warnings.warn('The Keras 1 `nb_val_samples`/`val_samples` counted samples; their Keras 2 names '
                      '`validation_steps`/`steps` count batches. Update your call accordingly.', stacklevel=3)
    return args, kwargs, converted


def _get_updates_preprocessor(args, kwargs):
    """Keras 2.0 `get_updates(params, constraints, loss)` -> `get_updates(loss=..., params=...)`."""
    if len(args) > 4:
        raise TypeError('get_updates() received %d positional arguments; expected (loss, params) or the Keras 2.0 '
                        '(params, constraints, loss)' % (len(args) - 1))
    if len(args) == 4:
        kwargs['params'], kwargs['loss'] = args[1], args[3]
        return args[:1], kwargs, []
    if len(args) == 3 and isinstance(args[1], (list, tuple)) and isinstance(args[2], dict) and 'loss' in kwargs:
        kwargs['params'] = args[1]
        return args[:1], kwargs, []
    return args, kwargs, []


legacy_dense_support = _class_support('Dense')
legacy_dropout_support = _class_support('Dropout')
legacy_embedding_support = _class_support('Embedding')
legacy_pooling1d_support = _class_support('MaxPooling1D')
legacy_prelu_support = _class_support('PReLU')
legacy_gaussiannoise_support = _class_support('GaussianNoise')
legacy_recurrent_support = _class_support('LSTM')
legacy_gaussiandropout_support = _class_support('GaussianDropout')
legacy_pooling2d_support = _class_support('MaxPooling2D')
legacy_pooling3d_support = _class_support('MaxPooling3D')
legacy_global_pooling_support = _class_support('GlobalMaxPooling2D')
legacy_upsampling1d_support = _class_support('UpSampling1D')
legacy_upsampling2d_support = _class_support('UpSampling2D')
legacy_upsampling3d_support = _class_support('UpSampling3D')
legacy_conv1d_support = _class_support('Conv1D')
legacy_conv2d_support = _class_support('Conv2D')
legacy_separable_conv2d_support = _class_support('SeparableConv2D')
legacy_deconv2d_support = _class_support('Conv2DTranspose')
legacy_conv3d_support = _class_support('Conv3D')
legacy_convlstm2d_support = _class_support('ConvLSTM2D')
legacy_batchnorm_support = _class_support('BatchNormalization')
legacy_zeropadding2d_support = _class_support('ZeroPadding2D')
legacy_zeropadding3d_support = _class_support('ZeroPadding3D')
legacy_cropping2d_support = _class_support('Cropping2D')
legacy_cropping3d_support = _class_support('Cropping3D')
legacy_spatialdropout1d_support = _class_support('SpatialDropout1D')
legacy_spatialdropoutNd_support = _class_support('SpatialDropout2D')  # noqa: N816  (Keras 2's name)
legacy_lambda_support = generate_legacy_interface(allowed_positional_args=['function', 'output_shape'])
legacy_model_constructor_support = generate_legacy_interface(conversions=[('input', 'inputs'),
                                                                          ('output', 'outputs')])
legacy_input_support = generate_legacy_interface(conversions=[('input_dtype', 'dtype')])
legacy_add_weight_support = generate_legacy_interface(preprocessor=_add_weight_preprocessor)
legacy_generator_methods_support = generate_legacy_method_interface(
    allowed_positional_args=['generator', 'steps_per_epoch', 'epochs'],
    conversions=[('samples_per_epoch', 'steps_per_epoch'), ('val_samples', 'steps'), ('nb_epoch', 'epochs'),
                 ('nb_val_samples', 'validation_steps'), ('nb_worker', 'workers'),
                 ('pickle_safe', 'use_multiprocessing'), ('max_q_size', 'max_queue_size')],
    preprocessor=_generator_preprocessor)
legacy_get_updates_support = generate_legacy_interface(preprocessor=_get_updates_preprocessor)
