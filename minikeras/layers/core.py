"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute,
RepeatVector, Lambda, ActivityRegularization, Masking, SpatialDropout1D/2D/3D."""
import copy
import types as python_types

import numpy as np

from .. import activations, constraints, initializers, regularizers
from .. import backend as K
from ..engine import input_checks
from ..engine.base_layer import InputSpec, Layer
from ..utils.generic_utils import (check_bytecode_allowed, deserialize_keras_object, func_dump, func_load, has_arg,
                                   safe_mode_scope)


class Dense(Layer):
    """Densely connected layer: `output = activation(dot(input, kernel) + bias)`.

    On inputs of rank > 2 the kernel is applied to the last axis.

    Args:
        units: output size.
        activation: activation name or function (None: linear).
        use_bias: whether to add a bias.
        kernel_initializer, bias_initializer: initializers.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.

    The Keras 1 spellings (`output_dim`, `init`, `W_regularizer`, ...) are
    converted by `minikeras.legacy.interfaces`, with a warning.

    Example::

        model.add(Dense(32, input_shape=(16,)))   # (None, 16) -> (None, 32)
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer='glorot_uniform',
                 bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super(Dense, self).__init__(**kwargs)
        self.units = input_checks.check_units(self, 'units', units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError('Layer %s: the last dimension of the input must be defined, got input shape %s'
                             % (self.name, input_shape))
        self.kernel = self.add_weight(shape=(input_dim, self.units), initializer=self.kernel_initializer,
                                      name='kernel', regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer, name='bias',
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs):
        output = K.dot(inputs, self.kernel)
        if self.use_bias:
            output = K.bias_add(output, self.bias, data_format='channels_last')
        if self.activation is not None:
            output = self.activation(output)
        return output

    def compute_output_shape(self, input_shape):
        if not input_shape or len(input_shape) < 2 or input_shape[-1] is None:
            raise ValueError('Layer %s: expected an input of rank >= 2 with a defined last dimension, got %s'
                             % (self.name, input_shape))
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = {'units': self.units,
                  'activation': activations.serialize(self.activation),
                  'use_bias': self.use_bias,
                  'kernel_initializer': initializers.serialize(self.kernel_initializer),
                  'bias_initializer': initializers.serialize(self.bias_initializer),
                  'kernel_regularizer': regularizers.serialize(self.kernel_regularizer),
                  'bias_regularizer': regularizers.serialize(self.bias_regularizer),
                  'activity_regularizer': regularizers.serialize(self.activity_regularizer),
                  'kernel_constraint': constraints.serialize(self.kernel_constraint),
                  'bias_constraint': constraints.serialize(self.bias_constraint)}
        base = super(Dense, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class Activation(Layer):
    """Applies an activation function: `Activation('tanh')`.

    Args:
        activation: name or function.
    """

    def __init__(self, activation, **kwargs):
        super(Activation, self).__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        config = {'activation': activations.serialize(self.activation)}
        base = super(Activation, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class Dropout(Layer):
    """Sets a fraction `rate` of the inputs to 0 during training (scaling the rest by 1/(1-rate)).

    Args:
        rate: fraction of the input units to drop, in [0, 1).
        noise_shape: shape of the binary mask (None entries follow the input).
        seed: random seed.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super(Dropout, self).__init__(**kwargs)
        self.rate = input_checks.check_rate(self, 'rate', rate)
        if noise_shape is not None:
            if not isinstance(noise_shape, (list, tuple)):
                raise TypeError('Layer %s: `noise_shape` must be a tuple of ints or None, got %r'
                                % (self.name, noise_shape))
            noise_shape = tuple(None if d is None else input_checks.check_units(self, 'noise_shape entry', d)
                                for d in noise_shape)
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True

    def build(self, input_shape):
        """Checks `noise_shape` against the input: same rank, each entry None, 1 or the input's size.

        Raises:
            ValueError: naming the layer, both shapes and the axis.
        """
        if self.noise_shape is not None:
            if len(self.noise_shape) != len(input_shape):
                raise ValueError('Layer %s: `noise_shape` %s has %d entries, but the input has rank %d (shape %s)'
                                 % (self.name, self.noise_shape, len(self.noise_shape), len(input_shape),
                                    tuple(input_shape)))
            for axis, (noise, size) in enumerate(zip(self.noise_shape, input_shape)):
                if noise not in (None, 1) and size is not None and noise != size:
                    raise ValueError('Layer %s: `noise_shape` %s does not fit the input shape %s on axis %d (each '
                                     'entry must be None, 1 or the input size)'
                                     % (self.name, self.noise_shape, tuple(input_shape), axis))
        self.built = True

    def _get_noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        symbolic_shape = K.shape(inputs)
        return tuple(symbolic_shape[axis] if shape is None else shape
                     for axis, shape in enumerate(self.noise_shape))

    def call(self, inputs, training=None):
        if 0. < self.rate < 1.:
            noise_shape = self._get_noise_shape(inputs)

            def dropped_inputs():
                return K.dropout(inputs, self.rate, noise_shape, seed=self.seed)
            return K.in_train_phase(dropped_inputs, inputs, training=training)
        return inputs

    def get_config(self):
        config = {'rate': self.rate, 'noise_shape': self.noise_shape, 'seed': self.seed}
        base = super(Dropout, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class SpatialDropout1D(Dropout):
    """Dropout of whole 1D feature maps: input (batch, timesteps, channels)."""

    def __init__(self, rate, **kwargs):
        super(SpatialDropout1D, self).__init__(rate, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def _get_noise_shape(self, inputs):
        shape = K.shape(inputs)
        return (shape[0], 1, shape[2])

    def get_config(self):
        config = super(SpatialDropout1D, self).get_config()
        config.pop('noise_shape', None)
        config.pop('seed', None)
        return config


class _SpatialDropoutND(Dropout):
    _rank = 2

    def __init__(self, rate, data_format=None, **kwargs):
        super(_SpatialDropoutND, self).__init__(rate, **kwargs)
        self.data_format = K.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def _get_noise_shape(self, inputs):
        shape = K.shape(inputs)
        ones = (1,) * self._rank
        if self.data_format == 'channels_first':
            return (shape[0], shape[1]) + ones
        return (shape[0],) + ones + (shape[self._rank + 1],)

    def get_config(self):
        config = super(_SpatialDropoutND, self).get_config()
        config.pop('noise_shape', None)
        config.pop('seed', None)
        config['data_format'] = self.data_format
        return config


class SpatialDropout2D(_SpatialDropoutND):
    """Dropout of whole 2D feature maps (input rank 4; `data_format` picks the channel axis)."""
    _rank = 2


class SpatialDropout3D(_SpatialDropoutND):
    """Dropout of whole 3D feature maps (input rank 5; `data_format` picks the channel axis)."""
    _rank = 3


class Flatten(Layer):
    """Flattens all axes but the batch axis: `(None, 3, 4) -> (None, 12)`.

    Args:
        data_format: 'channels_first' inputs are first transposed to channels
            last, so the weights order is the same in both formats.
    """

    def __init__(self, data_format=None, **kwargs):
        super(Flatten, self).__init__(**kwargs)
        self.input_spec = InputSpec(min_ndim=2)
        self.data_format = K.normalize_data_format(data_format)

    def compute_output_shape(self, input_shape):
        if not all(input_shape[1:]):
            raise ValueError('The shape of the input to "Flatten" is not fully defined (got %s). Make sure to pass '
                             'a complete "input_shape" or "batch_input_shape" argument to the first layer in your '
                             'model.' % (tuple(input_shape[1:]),))
        return (input_shape[0], int(np.prod(input_shape[1:])))

    def call(self, inputs):
        if self.data_format == 'channels_first' and K.ndim(inputs) > 2:
            permutation = [0] + list(range(2, K.ndim(inputs))) + [1]
            inputs = K.permute_dimensions(inputs, permutation)
        return K.batch_flatten(inputs)

    def get_config(self):
        config = {'data_format': self.data_format}
        base = super(Flatten, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class Reshape(Layer):
    """Reshapes to `(batch,) + target_shape`; one entry may be -1.

    Raises:
        ValueError: the input size is incompatible with `target_shape`.
    """

    def __init__(self, target_shape, **kwargs):
        super(Reshape, self).__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)

    def _fix_unknown_dimension(self, input_shape, output_shape):
        output_shape = list(output_shape)
        msg = ('Layer %s: total size of new array must be unchanged (input shape %s, target shape %s)'
               % (self.name, tuple(input_shape), tuple(self.target_shape)))
        known, unknown = 1, None
        for index, dim in enumerate(output_shape):
            if dim < 0:
                if unknown is None:
                    unknown = index
                else:
                    raise ValueError('Layer %s: can only specify one unknown dimension in %s'
                                     % (self.name, self.target_shape))
            else:
                known *= dim
        original = int(np.prod(input_shape, dtype=int))
        if unknown is not None:
            if known == 0 or original % known != 0:
                raise ValueError(msg)
            output_shape[unknown] = original // known
        elif original != known:
            raise ValueError(msg)
        return tuple(output_shape)

    def compute_output_shape(self, input_shape):
        if None in input_shape[1:]:
            return (input_shape[0],) + tuple(None if d == -1 else d for d in self.target_shape)
        return (input_shape[0],) + self._fix_unknown_dimension(input_shape[1:], self.target_shape)

    def call(self, inputs):
        input_shape = K.int_shape(inputs)
        if None not in input_shape[1:]:
            return K.reshape(inputs, (-1,) + self._fix_unknown_dimension(input_shape[1:], self.target_shape))
        return K.reshape(inputs, (K.shape(inputs)[0],) + self.target_shape)

    def get_config(self):
        config = {'target_shape': self.target_shape}
        base = super(Reshape, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class Permute(Layer):
    """Permutes the non-batch axes; `dims` is 1-indexed: `Permute((2, 1))`."""

    def __init__(self, dims, **kwargs):
        super(Permute, self).__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError('Invalid permutation `dims` for Permute layer: %s. The set of indices in `dims` must '
                             'be consecutive and start from 1.' % (self.dims,))
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def compute_output_shape(self, input_shape):
        input_shape = list(input_shape)
        output_shape = copy.copy(input_shape)
        for i, dim in enumerate(self.dims):
            output_shape[i + 1] = input_shape[dim]
        return tuple(output_shape)

    def call(self, inputs):
        return K.permute_dimensions(inputs, (0,) + self.dims)

    def get_config(self):
        config = {'dims': self.dims}
        base = super(Permute, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class RepeatVector(Layer):
    """Repeats a `(batch, features)` input `n` times: `(batch, n, features)`."""

    def __init__(self, n, **kwargs):
        super(RepeatVector, self).__init__(**kwargs)
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def call(self, inputs):
        return K.repeat(inputs, self.n)

    def get_config(self):
        config = {'n': self.n}
        base = super(RepeatVector, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class Lambda(Layer):
    """Wraps an expression `function(inputs, **arguments)` as a layer.

    Args:
        function: function of the input tensor(s).
        output_shape: tuple (without batch axis) or function of the input
            shape; by default inferred by running `function` on placeholders.
        mask: a mask tensor, or a function `(inputs, mask) -> mask`.
        arguments: extra keyword arguments for `function`.

    Example::

        model.add(Lambda(lambda x: x ** 2))
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super(Lambda, self).__init__(**kwargs)
        self.function = function
        self.arguments = arguments if arguments else {}
        if mask is not None:
            self.supports_masking = True
        self.mask = mask
        if output_shape is None or callable(output_shape):
            self._output_shape = output_shape
        elif isinstance(output_shape, (tuple, list)):
            self._output_shape = tuple(output_shape)
        else:
            raise TypeError('In Lambda, `output_shape` must be a list, a tuple, or a function.')

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            inferred = getattr(self, '_inferred_shapes', {}).get(repr(input_shape))
            if inferred is not None:
                return inferred
            if isinstance(input_shape, list):
                xs = [K.placeholder(shape=shape) for shape in input_shape]
                x = self.call(xs)
            else:
                x = self.call(K.placeholder(shape=input_shape))
            if isinstance(x, list):
                return [K.int_shape(x_elem) for x_elem in x]
            return K.int_shape(x)
        if isinstance(self._output_shape, tuple):
            batch = input_shape[0][0] if isinstance(input_shape, list) else input_shape[0]
            return (batch,) + self._output_shape
        shape = self._output_shape(input_shape)
        if not isinstance(shape, (list, tuple)):
            raise ValueError('`output_shape` function must return a tuple or a list of tuples.')
        if isinstance(shape, list) and shape and (shape[0] is None or isinstance(shape[0], int)):
            shape = tuple(shape)
        return shape

    def call(self, inputs, mask=None):
        arguments = dict(self.arguments)
        if has_arg(self.function, 'mask'):
            arguments['mask'] = mask
        output = self.function(inputs, **arguments)
        # Remember the static output shape so compute_output_shape need not re-run the function.
        in_shape = [K.int_shape(x) for x in inputs] if isinstance(inputs, list) else K.int_shape(inputs)
        out_shape = [K.int_shape(x) for x in output] if isinstance(output, list) else K.int_shape(output)
        if not hasattr(self, '_inferred_shapes'):
            self._inferred_shapes = {}
        self._inferred_shapes[repr(in_shape)] = out_shape
        return output

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        if isinstance(self.function, python_types.LambdaType) and self.function.__name__ == '<lambda>':
            function, function_type = func_dump(self.function), 'lambda'
        else:
            function, function_type = self.function.__name__, 'function'
        if isinstance(self._output_shape, python_types.LambdaType) and \
                self._output_shape.__name__ == '<lambda>':
            output_shape, output_shape_type = func_dump(self._output_shape), 'lambda'
        elif callable(self._output_shape):
            output_shape, output_shape_type = self._output_shape.__name__, 'function'
        else:
            output_shape, output_shape_type = self._output_shape, 'raw'
        config = {'function': function, 'function_type': function_type, 'output_shape': output_shape,
                  'output_shape_type': output_shape_type, 'arguments': self.arguments}
        base = super(Lambda, self).get_config()
        return dict(list(base.items()) + list(config.items()))

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """A Lambda from its config.

        A function stored as marshalled bytecode (`function_type` or
        `output_shape_type` 'lambda') is refused unless safe mode is off:
        `safe_mode=False` here, or the enclosing loader's / global setting
        when `safe_mode` is None.

        Raises:
            UnsafeConfigError: bytecode in safe mode.
        """
        config = dict(config)
        globs = dict(globals())
        if custom_objects:
            globs.update(custom_objects)
        function_type = config.pop('function_type', 'function')
        output_shape_type = config.pop('output_shape_type', 'raw')
        with safe_mode_scope(safe_mode):
            for field, kind in (('function', function_type), ('output_shape', output_shape_type)):
                if kind == 'lambda':
                    check_bytecode_allowed('Lambda layer "%s" (its %s)' % (config.get('name'), field))
            function = config['function']
            if function_type == 'function':
                function = deserialize_keras_object(function, custom_objects=custom_objects,
                                                    printable_module_name='function in Lambda layer')
            elif function_type == 'lambda':
                function = func_load(function, globs=globs)
            else:
                raise TypeError('Unknown function type: %s' % function_type)
            output_shape = config.get('output_shape')
            if output_shape_type == 'function':
                output_shape = deserialize_keras_object(output_shape, custom_objects=custom_objects,
                                                        printable_module_name='output_shape function in Lambda '
                                                                              'layer')
            elif output_shape_type == 'lambda':
                output_shape = func_load(output_shape, globs=globs)
        if 'arguments' in config:
            for key, value in list(config['arguments'].items()):
                if isinstance(value, dict) and 'type' in value and value['type'] == 'ndarray':
                    config['arguments'][key] = np.array(value['value'])
        config['function'] = function
        config['output_shape'] = output_shape
        return cls(**config)


class ActivityRegularization(Layer):
    """Adds `l1 * sum(|x|) + l2 * sum(x^2)` of its input to the model loss; output = input."""

    def __init__(self, l1=0., l2=0., **kwargs):
        super(ActivityRegularization, self).__init__(**kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2
        self.activity_regularizer = regularizers.L1L2(l1=l1, l2=l2)

    def get_config(self):
        config = {'l1': self.l1, 'l2': self.l2}
        base = super(ActivityRegularization, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class Masking(Layer):
    """Masks timesteps whose features all equal `mask_value` (downstream layers skip them)."""

    def __init__(self, mask_value=0., **kwargs):
        super(Masking, self).__init__(**kwargs)
        self.supports_masking = True
        self.mask_value = mask_value

    def compute_mask(self, inputs, mask=None):
        return K.any(K.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        boolean_mask = K.any(K.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return inputs * K.cast(boolean_mask, K.dtype(inputs))

    def get_config(self):
        config = {'mask_value': self.mask_value}
        base = super(Masking, self).get_config()
        return dict(list(base.items()) + list(config.items()))
