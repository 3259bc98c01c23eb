"""Layer wrappers: `Wrapper`, `TimeDistributed` and `Bidirectional`."""
import copy

from .. import backend as K
from ..backend.graph.tensor import shape_str
from ..engine.base_layer import InputSpec, Layer
from ..utils.generic_utils import has_arg, object_list_uid, to_list
from .recurrent import _standardize_args, call_with_additional_inputs

__all__ = ['Wrapper', 'TimeDistributed', 'Bidirectional']


def _as_layer(layer):
    """A layer, or a layer deserialized from a `{'class_name', 'config'}` dict."""
    if isinstance(layer, dict):
        from . import deserialize as deserialize_layer
        return deserialize_layer(layer)
    return layer


class Wrapper(Layer):
    """Base class of layers that wrap another layer (its weights are the wrapped layer's).

    `trainable` is the wrapped layer's: setting it on the wrapper sets it on
    the layer. Updates and losses the wrapped layer made conditional on the
    inputs it saw are found from the wrapper's inputs through `_input_map`
    (wrapper input uid -> the tensor given to the wrapped layer).

    Args:
        layer: the wrapped layer.
        trainable: when given, overrides the wrapped layer's `trainable`.
    """

    def __init__(self, layer, **kwargs):
        layer = _as_layer(layer)
        if not isinstance(layer, Layer):
            raise ValueError('%s: `layer` must be a Layer instance, got %r' % (type(self).__name__, layer))
        kwargs.setdefault('trainable', layer.trainable)
        self.layer = layer
        # Keras 2 attribute: wrapper inputs -> inner-layer inputs (third-party wrappers read it)
        self._input_map = {}
        Layer.__init__(self, **kwargs)

    @property
    def trainable(self):
        return self.layer.trainable

    @trainable.setter
    def trainable(self, value):
        self.layer.trainable = value

    def build(self, input_shape=None):
        self.built = True

    @property
    def activity_regularizer(self):
        return getattr(self.layer, 'activity_regularizer', None)

    @property
    def trainable_weights(self):
        return self.layer.trainable_weights

    @property
    def non_trainable_weights(self):
        return self.layer.non_trainable_weights

    def _inner_inputs(self, inputs):
        """The tensor the wrapped layer saw for the wrapper's `inputs` (None stays None)."""
        if inputs is None:
            return None
        return self._input_map.get(object_list_uid(inputs), inputs)

    @property
    def updates(self):
        return list(getattr(self.layer, 'updates', [])) + Layer.updates.fget(self)

    def get_updates_for(self, inputs=None):
        return self.layer.get_updates_for(self._inner_inputs(inputs)) + Layer.get_updates_for(self, inputs)

    @property
    def losses(self):
        return list(getattr(self.layer, 'losses', [])) + list(self._losses)

    def get_losses_for(self, inputs=None):
        return self.layer.get_losses_for(self._inner_inputs(inputs)) + Layer.get_losses_for(self, inputs)

    def get_weights(self):
        return self.layer.get_weights()

    def set_weights(self, weights):
        self.layer.set_weights(weights)

    def get_config(self):
        config = {'layer': {'class_name': self.layer.__class__.__name__, 'config': self.layer.get_config()}}
        base_config = Layer.get_config(self)
        return dict(list(base_config.items()) + list(config.items()))

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize as deserialize_layer
        config = dict(config)
        layer = deserialize_layer(config.pop('layer'), custom_objects=custom_objects)
        return cls(layer, **config)


def _merge_time(x):
    """`x` of shape `(batch, time, rest...)` as `(batch * time, rest...)`; unknown dims of `rest` are
    read from the run-time shape."""
    rest = K.int_shape(x)[2:]
    if any(d is None for d in rest):
        dyn = K.shape(x)
        return K.reshape(x, [-1] + [dyn[2 + i] if d is None else d for i, d in enumerate(rest)])
    return K.reshape(x, (-1,) + tuple(rest))


def _split_time(y, like):
    """`y` of shape `(batch * time, rest...)` as `(batch, time, rest...)`, batch and time taken from
    `like` (`(batch, time, ...)`); static dims are kept where known."""
    batch, steps = K.int_shape(like)[:2]
    rest = K.int_shape(y)[1:]
    if batch is None and steps is not None and not any(d is None for d in rest):
        return K.reshape(y, (-1, steps) + tuple(rest))
    dyn_like, dyn_y = K.shape(like), K.shape(y)
    return K.reshape(y, [batch if batch is not None else dyn_like[0], steps if steps is not None else dyn_like[1]]
                     + [d if d is not None else dyn_y[i + 1] for i, d in enumerate(rest)])


class TimeDistributed(Wrapper):
    """Applies a layer (or a whole model) to every temporal slice of an input.

    The input must be at least 3-D, with axis 1 as time; the wrapped layer sees
    inputs of shape `(batch, ...)` and one set of weights serves all steps.
    The batch and time axes are merged into one before the layer is applied,
    so the layer runs once on `(batch * time, ...)`.

    Masks: an input mask `(batch, time, ...)` is merged the same way and
    given to the wrapped layer; the output mask is the wrapped layer's output
    mask split back to `(batch, time, ...)` (e.g. `TimeDistributed(Embedding(
    mask_zero=True))`), or, when the wrapped layer gives none, the input mask
    reduced to `(batch, time)` (a step is kept if any of its entries is).

    Args:
        layer: a layer instance (e.g. `Dense(8)`, `Conv2D(...)`, a `Model`).

    Example::

        model.add(TimeDistributed(Dense(8), input_shape=(10, 16)))  # -> (None, 10, 8)
    """

    def __init__(self, layer, **kwargs):
        Wrapper.__init__(self, layer, **kwargs)
        self.supports_masking = True

    def _child_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) < 3:
            raise ValueError('TimeDistributed %s: the input should be at least 3-D (batch, time, ...), got '
                             'shape %s' % (self.name, shape_str(input_shape)))
        return (input_shape[0],) + input_shape[2:]

    def build(self, input_shape):
        child_input_shape = self._child_shape(input_shape)
        self.input_spec = InputSpec(shape=(None,) + tuple(input_shape[1:]))
        if not self.layer.built:
            self.layer.build(child_input_shape)
            self.layer.built = True
        self.built = True

    def compute_output_shape(self, input_shape):
        child_output_shape = self.layer.compute_output_shape(self._child_shape(input_shape))
        if isinstance(child_output_shape, list):
            raise ValueError('TimeDistributed %s: the wrapped layer %s has several outputs, which is not '
                             'supported' % (self.name, self.layer.name))
        return (child_output_shape[0], input_shape[1]) + tuple(child_output_shape[1:])

    def call(self, inputs, training=None, mask=None):
        kwargs = {}
        if has_arg(self.layer.call, 'training'):
            kwargs['training'] = training
        merged = _merge_time(inputs)
        self._input_map[object_list_uid(inputs)] = merged
        if has_arg(self.layer.call, 'mask') and mask is not None:
            kwargs['mask'] = _merge_time(mask)
        y = self.layer.call(merged, **kwargs)
        uses_lp = getattr(y, '_uses_learning_phase', False)
        y = _split_time(y, inputs)
        if uses_lp:
            y._uses_learning_phase = True
        return y

    def compute_mask(self, inputs, mask=None):
        inner_mask = _merge_time(mask) if mask is not None else None
        output_mask = None
        # A wrapped layer that does not take masks is not given one (its output
        # mask is then the reduced input mask), but may still make one.
        if getattr(self.layer, 'supports_masking', False) or inner_mask is None:
            inner_inputs = self._input_map.get(object_list_uid(inputs))
            if inner_inputs is None:
                inner_inputs = _merge_time(inputs)
            output_mask = self.layer.compute_mask(inner_inputs, inner_mask)
        if output_mask is not None:
            return _split_time(output_mask, inputs)
        if mask is None:
            return None
        for _ in range(K.ndim(mask) - 2):
            mask = K.any(mask, axis=-1)
        return mask


class Bidirectional(Wrapper):
    """Bidirectional wrapper for recurrent layers: one copy runs forward, one backward.

    Args:
        layer: a recurrent layer (`SimpleRNN`, `GRU`, `LSTM`, `RNN`).
        merge_mode: how the forward and backward outputs are combined: one of
            `'concat'` (default), `'sum'`, `'mul'`, `'ave'`, or `None` (a list
            of the two outputs is returned).
        weights: initial weights, forward layer's then backward layer's.
        backward_layer: optional recurrent layer used for the backward pass
            (its `go_backwards` must differ from `layer`'s); by default a copy
            of `layer` built from its config with `go_backwards` flipped.

    Weights are the forward layer's followed by the backward layer's. With
    `return_sequences`, the backward output sequence is reversed back to input
    order before merging. With `return_state`, the output is followed by the
    forward states and then the backward states.

    Raises:
        ValueError: an unknown `merge_mode`.

    Example::

        model.add(Bidirectional(LSTM(10, return_sequences=True), input_shape=(5, 10)))
    """

    _MERGE_MODES = ('sum', 'mul', 'ave', 'concat', None)

    def __init__(self, layer, merge_mode='concat', weights=None, backward_layer=None, **kwargs):
        if merge_mode not in self._MERGE_MODES:
            raise ValueError('Invalid merge mode %r. Merge mode should be one of {"sum", "mul", "ave", '
                             '"concat", None}' % (merge_mode,))
        layer = _as_layer(layer)
        backward_layer = _as_layer(backward_layer)
        self.forward_layer = copy.copy(layer)
        if backward_layer is None:
            config = layer.get_config()
            config['go_backwards'] = not config['go_backwards']
            self.backward_layer = layer.__class__.from_config(config)
        else:
            if getattr(backward_layer, 'go_backwards', None) == layer.go_backwards:
                raise ValueError('Bidirectional: `backward_layer.go_backwards` must differ from '
                                 '`layer.go_backwards` (both are %r)' % (layer.go_backwards,))
            for attr in ('return_sequences', 'return_state', 'stateful'):
                if getattr(backward_layer, attr) != getattr(layer, attr):
                    raise ValueError('Bidirectional: `backward_layer.%s` (%r) must equal `layer.%s` (%r)'
                                     % (attr, getattr(backward_layer, attr), attr, getattr(layer, attr)))
            self.backward_layer = backward_layer
        self._custom_backward = backward_layer is not None
        self.forward_layer.name = 'forward_' + layer.name
        self.backward_layer.name = 'backward_' + self.backward_layer.name
        self.merge_mode = merge_mode
        if weights:
            nw = len(weights)
            self.forward_layer._initial_weights = weights[:nw // 2]
            self.backward_layer._initial_weights = weights[nw // 2:]
        Wrapper.__init__(self, layer, **kwargs)
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = layer.input_spec
        self._num_constants = None

    # Weights --------------------------------------------------------------------
    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        # Both directions follow the wrapper.
        self._trainable = value
        self.forward_layer.trainable = value
        self.backward_layer.trainable = value

    @property
    def trainable_weights(self):
        return self.forward_layer.trainable_weights + self.backward_layer.trainable_weights

    @property
    def non_trainable_weights(self):
        return self.forward_layer.non_trainable_weights + self.backward_layer.non_trainable_weights

    def get_weights(self):
        return K.batch_get_value(self.weights)

    def set_weights(self, weights):
        nw = len(weights)
        self.forward_layer.set_weights(weights[:nw // 2])
        self.backward_layer.set_weights(weights[nw // 2:])

    @property
    def updates(self):
        return self.forward_layer.updates + self.backward_layer.updates + Layer.updates.fget(self)

    def get_updates_for(self, inputs=None):
        own = Layer.get_updates_for(self, inputs)
        return own + self.forward_layer.get_updates_for(inputs) + self.backward_layer.get_updates_for(inputs)

    @property
    def losses(self):
        return self.forward_layer.losses + self.backward_layer.losses + list(self._losses)

    def get_losses_for(self, inputs=None):
        # Both directions run on the wrapper's own inputs, so their conditional
        # losses are looked up with the same tensors.
        own = Layer.get_losses_for(self, inputs)
        return own + self.forward_layer.get_losses_for(inputs) + self.backward_layer.get_losses_for(inputs)

    @property
    def activity_regularizer(self):
        return None

    # Shapes and masks -------------------------------------------------------------
    def compute_output_shape(self, input_shape):
        output_shape = self.forward_layer.compute_output_shape(input_shape)
        state_shape = None
        if self.return_state:
            state_shape = [tuple(s) for s in output_shape[1:]]
            output_shape = output_shape[0]
        output_shape = tuple(output_shape)
        if self.merge_mode == 'concat':
            output_shape = output_shape[:-1] + (output_shape[-1] * 2 if output_shape[-1] is not None else None,)
        elif self.merge_mode is None:
            output_shape = [output_shape, output_shape]
        if self.return_state:
            if self.merge_mode is None:
                return output_shape + state_shape + list(state_shape)
            return [output_shape] + state_shape + list(state_shape)
        return output_shape

    def compute_mask(self, inputs, mask):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            masks += [None] * (2 * len(self.forward_layer.states))
        return masks[0] if len(masks) == 1 else masks

    def build(self, input_shape):
        shape = input_shape
        with K.name_scope(self.forward_layer.name):
            self.forward_layer.build(shape)
            self.forward_layer.built = True
        with K.name_scope(self.backward_layer.name):
            self.backward_layer.build(shape)
            self.backward_layer.built = True
        for sub in (self.forward_layer, self.backward_layer):
            if sub._initial_weights is not None:
                sub.set_weights(sub._initial_weights)
                sub._initial_weights = None
        self.built = True

    # Calling ---------------------------------------------------------------------
    def __call__(self, inputs, initial_state=None, constants=None, **kwargs):
        inputs, initial_state, constants = _standardize_args(inputs, initial_state, constants,
                                                             self._num_constants)
        if initial_state is None and constants is None:
            return Layer.__call__(self, inputs, **kwargs)
        additional_inputs, additional_specs = [], []
        if initial_state is not None:
            num_states = len(initial_state)
            if num_states % 2 > 0:
                raise ValueError('Bidirectional %s: when passing `initial_state`, pass a list with an even '
                                 'number of states (forward states, then backward states); got %d'
                                 % (self.name, num_states))
            additional_inputs += initial_state
            additional_specs += [InputSpec(shape=K.int_shape(s)) for s in initial_state]
            self.forward_layer.state_spec = additional_specs[:num_states // 2]
            self.backward_layer.state_spec = additional_specs[num_states // 2:]
        if constants is not None:
            additional_inputs += constants
            specs = [InputSpec(shape=K.int_shape(c)) for c in constants]
            self.forward_layer.constants_spec = specs
            self.backward_layer.constants_spec = specs
            additional_specs += specs
            self._num_constants = len(constants)
            self.forward_layer._num_constants = self._num_constants
            self.backward_layer._num_constants = self._num_constants
        return call_with_additional_inputs(self, inputs, additional_inputs, additional_specs, initial_state,
                                           constants, kwargs)

    def call(self, inputs, training=None, mask=None, initial_state=None, constants=None):
        kwargs = {}
        if has_arg(self.layer.call, 'training'):
            kwargs['training'] = training
        if has_arg(self.layer.call, 'mask'):
            kwargs['mask'] = mask[0] if isinstance(mask, list) else mask
        if isinstance(inputs, list):
            if self._num_constants:
                constants = inputs[-self._num_constants:]
                inputs = inputs[:-self._num_constants]
            initial_state = inputs[1:] or None
            inputs = inputs[0]
        forward_kwargs, backward_kwargs = dict(kwargs), dict(kwargs)
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_kwargs['initial_state'] = initial_state[:half]
            backward_kwargs['initial_state'] = initial_state[half:]
        if constants is not None:
            forward_kwargs['constants'] = constants
            backward_kwargs['constants'] = constants
        y = self.forward_layer.call(inputs, **forward_kwargs)
        y_rev = self.backward_layer.call(inputs, **backward_kwargs)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = K.reverse(y_rev, 1)
        if self.merge_mode == 'concat':
            output = K.concatenate([y, y_rev])
        elif self.merge_mode == 'sum':
            output = y + y_rev
        elif self.merge_mode == 'ave':
            output = (y + y_rev) / 2
        elif self.merge_mode == 'mul':
            output = y * y_rev
        else:
            output = [y, y_rev]
        if training is None and (getattr(y, '_uses_learning_phase', False)
                                 or getattr(y_rev, '_uses_learning_phase', False)):
            for out in to_list(output):
                out._uses_learning_phase = True
        if self.return_state:
            if self.merge_mode is None:
                return output + states
            return [output] + states
        return output

    def reset_states(self):
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def get_config(self):
        config = {'merge_mode': self.merge_mode}
        if self._num_constants is not None:
            config['num_constants'] = self._num_constants
        if self._custom_backward:
            backward_config = self.backward_layer.get_config()
            if backward_config.get('name', '').startswith('backward_'):
                backward_config['name'] = backward_config['name'][len('backward_'):]
            config['backward_layer'] = {'class_name': self.backward_layer.__class__.__name__,
                                        'config': backward_config}
        base_config = Wrapper.get_config(self)
        return dict(list(base_config.items()) + list(config.items()))

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize as deserialize_layer
        config = dict(config)
        num_constants = config.pop('num_constants', None)
        layer = deserialize_layer(config.pop('layer'), custom_objects=custom_objects)
        backward = config.pop('backward_layer', None)
        if backward is not None:
            backward = deserialize_layer(backward, custom_objects=custom_objects)
        wrapper = cls(layer, backward_layer=backward, **config)
        wrapper._num_constants = num_constants
        return wrapper
