"""The Keras 2 layer contract: `Layer`, `InputSpec` and `Node`.

A layer stores its configuration in `__init__`, creates weights in
`build(input_shape)` (through `add_weight`), and computes in `call(inputs)`
with `K.*` ops only. `Layer.__call__` does the bookkeeping once for every
layer: build on first call, `InputSpec` checks, mask propagation, a `Node`
recording the call, the Keras attributes of the output tensors
(`_keras_shape`, `_keras_history`, `_uses_learning_phase`) and activity
regularization losses.
"""
import copy
import re

import numpy as np

from .. import backend as K
from ..backend.graph.tensor import shape_str
from ..utils.generic_utils import has_arg, is_all_none, object_list_uid, to_list, unpack_singleton
from ..legacy.interfaces import legacy_add_weight_support  # Keras 1 order: add_weight(shape, ..., name=)

# Keys written by tf_keras (or later Keras versions) in layer configs that carry
# no meaning here; they are accepted and ignored so such configs deserialize.
IGNORED_CONFIG_KEYS = frozenset(['module', 'registered_name', 'build_config', 'compile_config',
                                 'ragged', 'optional', 'autocast'])


def _snake_case(name):
    intermediate = re.sub('(.)([A-Z][a-z0-9]+)', r'\1_\2', name)
    insecure = re.sub('([a-z])([A-Z])', r'\1_\2', intermediate).lower()
    if insecure[0] != '_':
        return insecure
    return 'private' + insecure


def _dtype_name(dtype):
    """A dtype name from a string, numpy dtype or a tf_keras dtype-policy dict."""
    if dtype is None:
        return None
    if isinstance(dtype, dict):  # {'class_name': 'DTypePolicy', 'config': {'name': 'float32'}}
        dtype = dtype.get('config', {}).get('name', K.floatx())
        if dtype.startswith('mixed_'):
            dtype = K.floatx()
    return np.dtype(dtype).name


class InputSpec(object):
    """What a layer accepts as input: dtype, rank and the size of some axes.

    Args:
        dtype: expected dtype name.
        shape: expected shape (None entries match anything).
        ndim: expected rank.
        max_ndim, min_ndim: bounds on the rank.
        axes: dict mapping axis indices (may be negative) to required sizes.
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None):
        self.dtype = dtype
        self.shape = shape
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = axes or {}

    def __repr__(self):
        spec = [('dtype=' + str(self.dtype)) if self.dtype else '',
                ('shape=' + str(self.shape)) if self.shape else '',
                ('ndim=' + str(self.ndim)) if self.ndim else '',
                ('max_ndim=' + str(self.max_ndim)) if self.max_ndim else '',
                ('min_ndim=' + str(self.min_ndim)) if self.min_ndim else '',
                ('axes=' + str(self.axes)) if self.axes else '']
        return 'InputSpec(%s)' % ', '.join(x for x in spec if x)


class Node(object):
    """One call of a layer on tensors: the edge set connecting layers.

    Attributes:
        outbound_layer: the layer that was called.
        inbound_layers, node_indices, tensor_indices: per input tensor, the
            layer, node and output index that produced it (its `_keras_history`).
        input_tensors, output_tensors, input_masks, output_masks,
        input_shapes, output_shapes: what went in and out.
        arguments: keyword arguments of the call (e.g. `training`, `mask`).
    """

    def __init__(self, outbound_layer, inbound_layers, node_indices, tensor_indices, input_tensors,
                 output_tensors, input_masks, output_masks, input_shapes, output_shapes, arguments=None):
        self.outbound_layer = outbound_layer
        self.inbound_layers = inbound_layers
        self.node_indices = node_indices
        self.tensor_indices = tensor_indices
        self.input_tensors = input_tensors
        self.output_tensors = output_tensors
        self.input_masks = input_masks
        self.output_masks = output_masks
        self.input_shapes = input_shapes
        self.output_shapes = output_shapes
        self.arguments = arguments
        for layer in inbound_layers:
            if layer is not None:
                layer._outbound_nodes.append(self)
        outbound_layer._inbound_nodes.append(self)

    def get_config(self):
        return {'outbound_layer': self.outbound_layer.name,
                'inbound_layers': [layer.name if layer else None for layer in self.inbound_layers],
                'node_indices': self.node_indices,
                'tensor_indices': self.tensor_indices}


class Layer(object):
    """Base class of all layers.

    Subclasses implement `build(input_shape)`, `call(inputs, **kwargs)`,
    `compute_output_shape(input_shape)` and, for configurable layers,
    `get_config()`.

    Args (keyword only):
        name: unique layer name (default: snake_case class name + `_N`).
        trainable: whether the weights are updated by training.
        input_shape, batch_input_shape, batch_size, input_dim, input_length:
            declare the input of a first layer (used by `Sequential`).
        dtype: dtype of the input of a first layer (default floatx).
        weights: initial weight values, set after the layer is built.

    Example::

        class Double(Layer):
            def call(self, inputs):
                return inputs * 2
    """

    def __init__(self, **kwargs):
        self.input_spec = None
        self.supports_masking = False
        self.stateful = False
        self._trainable_weights = []
        self._non_trainable_weights = []
        self._losses = []
        self._updates = []
        self._per_input_losses = {}
        self._per_input_updates = {}
        self._built = False
        self._inbound_nodes = []
        self._outbound_nodes = []

        allowed = {'input_shape', 'batch_input_shape', 'batch_size', 'dtype', 'name', 'trainable',
                   'weights', 'input_dtype', 'input_dim', 'input_length'}
        for kwarg in kwargs:
            if kwarg not in allowed and kwarg not in IGNORED_CONFIG_KEYS:
                raise TypeError('Keyword argument not understood by %s: %r' % (type(self).__name__, kwarg))
        name = kwargs.get('name')
        if not name:
            prefix = _snake_case(self.__class__.__name__)
            name = prefix + '_' + str(K.get_uid(prefix))
        self.name = name
        self.trainable = kwargs.get('trainable', True)

        input_shape = kwargs.get('input_shape')
        if input_shape is None and kwargs.get('input_dim') is not None:
            input_dim = kwargs['input_dim']
            length = kwargs.get('input_length')
            input_shape = (input_dim,) if length is None and not self._temporal_input_dim() \
                else (length, input_dim)
        if kwargs.get('batch_input_shape') is not None:
            self.batch_input_shape = tuple(kwargs['batch_input_shape'])
        elif input_shape is not None:
            self.batch_input_shape = (kwargs.get('batch_size'),) + tuple(input_shape)
        dtype = kwargs.get('dtype') or kwargs.get('input_dtype')
        self.dtype = _dtype_name(dtype) if dtype is not None else K.floatx()
        self._initial_weights = kwargs.get('weights')

    def _temporal_input_dim(self):
        """Whether `input_dim` alone means `(None, input_dim)` (recurrent layers override)."""
        return False

    # Weights ------------------------------------------------------------------
    @property
    def built(self):
        return self._built

    @built.setter
    def built(self, value):
        self._built = value

    @property
    def trainable_weights(self):
        trainable = getattr(self, 'trainable', True)
        return list(self._trainable_weights) if trainable else []

    @trainable_weights.setter
    def trainable_weights(self, weights):
        self._trainable_weights = list(weights)

    @property
    def non_trainable_weights(self):
        if not getattr(self, 'trainable', True):
            return list(self._trainable_weights) + list(self._non_trainable_weights)
        return list(self._non_trainable_weights)

    @non_trainable_weights.setter
    def non_trainable_weights(self, weights):
        self._non_trainable_weights = list(weights)

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    @legacy_add_weight_support
    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None, trainable=True,
                   constraint=None):
        """Creates a weight variable, registers it and its regularization loss.

        Args:
            name: weight name (the variable is `<name scopes>/<name>`, e.g. `dense_1/kernel`).
            shape: tuple of ints.
            dtype: defaults to floatx.
            initializer, regularizer, constraint: objects or identifiers, resolved
                through `initializers.get`, `regularizers.get`, `constraints.get`.
            trainable: whether the optimizer updates it.

        Returns:
            The variable.
        """
        from .. import constraints, initializers, regularizers
        shape = tuple(int(d) for d in shape)
        if dtype is None:
            dtype = self.dtype if np.dtype(self.dtype).kind == 'f' else K.floatx()
        initializer = initializers.get(initializer if initializer is not None else 'glorot_uniform')
        regularizer = regularizers.get(regularizer)
        constraint = constraints.get(constraint)
        value = initializers.value_while_loading(shape, dtype, name)  # load_model: no initializer run
        if value is None:
            try:
                value = initializer(shape, dtype=dtype)
            except TypeError:
                value = initializer(shape)
        # Inside the layer's own build (or a wrapper's) the open name scopes give
        # TensorFlow-style names ('lstm/lstm_cell/kernel'); a layer built directly
        # is named after itself.
        full_name = name if K.get_name_scope() else self.name + '/' + name
        weight = K.variable(value, dtype=dtype, name=full_name, constraint=constraint)
        if regularizer is not None:
            self.add_loss(regularizer(weight))
        if trainable:
            self._trainable_weights.append(weight)
        else:
            self._non_trainable_weights.append(weight)
        return weight

    def get_weights(self):
        """The current weight values as a list of numpy arrays."""
        return K.batch_get_value(self.weights)

    def set_weights(self, weights):
        """Sets the weights from a list of numpy arrays (same order and shapes as `get_weights`).

        Raises:
            ValueError: wrong number of arrays, or an array of the wrong shape.
        """
        params = self.weights
        if len(params) != len(weights):
            raise ValueError('You called `set_weights(weights)` on layer "%s" with a weight list of length '
                             '%d, but the layer was expecting %d weights. Provided weights: %s...'
                             % (self.name, len(weights), len(params), str(weights)[:50]))
        if not params:
            return
        pairs = []
        for p, w in zip(params, weights):
            w = np.asarray(w)
            if tuple(p.shape) != tuple(w.shape):
                raise ValueError('Layer weight shape %s not compatible with provided weight shape %s '
                                 '(layer "%s", weight %s)' % (shape_str(p.shape), shape_str(w.shape),
                                                              self.name, p.name))
            pairs.append((p, w))
        K.batch_set_value(pairs)

    def count_params(self):
        """Number of scalars in the weights.

        Raises:
            RuntimeError: the layer is not built yet.
        """
        if not self.built:
            if self.__class__.__name__ == 'Sequential':
                self.build()
            else:
                raise RuntimeError('You tried to call `count_params` on %s, but the layer is not built. '
                                   'Build it first by calling it on an input.' % self.name)
        return int(sum(int(np.prod(w.shape)) for w in self.weights))

    # The layer contract ----------------------------------------------------------
    def build(self, input_shape):
        """Creates the weights (override). Must leave `self.built = True`."""
        self.built = True

    def call(self, inputs, **kwargs):
        """The layer's computation on symbolic tensors (override)."""
        return inputs

    def compute_output_shape(self, input_shape):
        """Output shape(s) for the given input shape(s); default: unchanged."""
        return input_shape

    def compute_mask(self, inputs, mask=None):
        """Output mask; by default the input mask when masking is supported, else None.

        Raises:
            TypeError: a mask reaches a layer that does not support masking.
        """
        if not self.supports_masking:
            if mask is not None:
                masks = mask if isinstance(mask, list) else [mask]
                if any(m is not None for m in masks):
                    raise TypeError('Layer %s does not support masking, but was passed an input_mask: %s'
                                    % (self.name, mask))
            return None
        return mask

    def get_config(self):
        """The constructor arguments as a JSON-serialisable dict."""
        config = {'name': self.name, 'trainable': self.trainable}
        if hasattr(self, 'batch_input_shape'):
            config['batch_input_shape'] = self.batch_input_shape
        if hasattr(self, 'dtype'):
            config['dtype'] = self.dtype
        return config

    @classmethod
    def from_config(cls, config):
        """Creates a layer from `get_config()` output."""
        return cls(**config)

    # Calling -------------------------------------------------------------------
    def assert_input_compatibility(self, inputs):
        """Checks `inputs` against `self.input_spec`.

        Raises:
            ValueError: naming the layer, the expectation and the actual shape.
        """
        inputs = to_list(inputs)
        for x in inputs:
            try:
                K.is_keras_tensor(x)
            except ValueError:
                raise ValueError('Layer %s was called with an input that is not a symbolic tensor. Received '
                                 'type: %s. All inputs to the layer should be tensors.'
                                 % (self.name, type(x).__name__))
        if not self.input_spec:
            return
        input_spec = to_list(self.input_spec)
        if len(inputs) != len(input_spec):
            raise ValueError('Layer %s expects %d inputs, but it received %d input tensors. Input received: %s'
                             % (self.name, len(input_spec), len(inputs), inputs))
        for index, (x, spec) in enumerate(zip(inputs, input_spec)):
            if spec is None:
                continue
            x_shape = K.int_shape(x)
            where = 'Input %d is incompatible with layer %s: ' % (index, self.name)
            ndim = len(x_shape)
            if spec.ndim is not None and ndim != spec.ndim:
                raise ValueError(where + 'expected ndim=%d, found ndim=%d (input shape %s)'
                                 % (spec.ndim, ndim, shape_str(x_shape)))
            if spec.max_ndim is not None and ndim > spec.max_ndim:
                raise ValueError(where + 'expected max_ndim=%d, found ndim=%d (input shape %s)'
                                 % (spec.max_ndim, ndim, shape_str(x_shape)))
            if spec.min_ndim is not None and ndim < spec.min_ndim:
                raise ValueError(where + 'expected min_ndim=%d, found ndim=%d (input shape %s)'
                                 % (spec.min_ndim, ndim, shape_str(x_shape)))
            if spec.dtype is not None and K.dtype(x) != spec.dtype:
                raise ValueError(where + 'expected dtype=%s, found dtype=%s' % (spec.dtype, K.dtype(x)))
            for axis, value in spec.axes.items():
                axis = int(axis)
                if value is None or not -ndim <= axis < ndim:
                    continue
                if x_shape[axis] not in (value, None):
                    raise ValueError(where + 'expected axis %d of input shape to have value %d but got '
                                     'shape %s' % (axis, value, shape_str(x_shape)))
            if spec.shape is not None:
                for spec_dim, dim in zip(spec.shape, x_shape):
                    if spec_dim is not None and dim is not None and spec_dim != dim:
                        raise ValueError(where + 'expected shape=%s, found shape=%s'
                                         % (shape_str(spec.shape), shape_str(x_shape)))

    def __call__(self, inputs, **kwargs):
        """Calls the layer on symbolic tensor(s) and records the call in the graph.

        Builds the layer on the first call, checks the input spec, propagates
        masks, creates a `Node` and sets `_keras_shape`, `_keras_history` and
        `_uses_learning_phase` on the outputs.
        """
        if isinstance(inputs, list):
            inputs = inputs[:]
        inputs_ls = to_list(inputs)
        if not self.built:
            self.assert_input_compatibility(inputs)
            input_shapes = [K.int_shape(x) for x in inputs_ls]
            with K.name_scope(self.name):
                self.build(unpack_singleton(input_shapes))
            self.built = True
            if self._initial_weights is not None:
                self.set_weights(self._initial_weights)
                self._initial_weights = None
        self.assert_input_compatibility(inputs)

        previous_mask = _collect_previous_mask(inputs)
        user_kwargs = copy.copy(kwargs)
        if not is_all_none(previous_mask) and 'mask' not in kwargs and has_arg(self.call, 'mask'):
            kwargs['mask'] = previous_mask
        output = self.call(inputs, **kwargs)
        output_mask = self.compute_mask(inputs, previous_mask)

        # Outputs that are inputs (identity layers) are copied, so the new
        # history does not overwrite the input's.
        input_ids = set(id(x) for x in inputs_ls)
        output_ls = [K.identity(x) if id(x) in input_ids else x for x in to_list(output, allow_tuple=True)]
        # A one-element list is the tensor itself, as in Keras 2.2.
        output = unpack_singleton(output_ls)
        if len(output_ls) > 1 and not isinstance(output_mask, (list, tuple)):
            output_mask = [output_mask] * len(output_ls)

        input_shape = unpack_singleton([K.int_shape(x) for x in inputs_ls])
        output_shape = self.compute_output_shape(input_shape)
        self._add_inbound_node(inputs, output, previous_mask, output_mask, input_shape, output_shape,
                               user_kwargs)

        activity_regularizer = getattr(self, 'activity_regularizer', None)
        if activity_regularizer is not None:
            self.add_loss([activity_regularizer(x) for x in output_ls], inputs=inputs)
        return output

    def _add_inbound_node(self, input_tensors, output_tensors, input_masks, output_masks, input_shapes,
                          output_shapes, arguments=None):
        input_tensors = to_list(input_tensors)
        output_tensors = to_list(output_tensors)
        input_masks = to_list(input_masks)
        output_masks = to_list(output_masks)
        input_shapes = _to_shape_list(input_shapes)
        output_shapes = _to_shape_list(output_shapes)
        inbound_layers, node_indices, tensor_indices = [], [], []
        for x in input_tensors:
            history = getattr(x, '_keras_history', None)
            if history is not None:
                inbound_layers.append(history[0])
                node_indices.append(history[1])
                tensor_indices.append(history[2])
            else:
                inbound_layers.append(None)
                node_indices.append(None)
                tensor_indices.append(None)
        # A call on tensors without Keras history still records a node, but
        # with no inbound layers (as Keras 2 does for raw placeholders).
        if any(layer is None for layer in inbound_layers):
            inbound_layers, node_indices, tensor_indices = [], [], []
        Node(self, inbound_layers, node_indices, tensor_indices, input_tensors, output_tensors,
             input_masks, output_masks, input_shapes, output_shapes, arguments)
        node_index = len(self._inbound_nodes) - 1
        uses_lp = any(getattr(x, '_uses_learning_phase', False) for x in input_tensors)
        uses_lp = getattr(self, 'uses_learning_phase', False) or uses_lp
        for i, x in enumerate(output_tensors):
            if output_shapes is not None and i < len(output_shapes):
                x._keras_shape = output_shapes[i]
            x._keras_history = (self, node_index, i)
            x._uses_learning_phase = getattr(x, '_uses_learning_phase', False) or uses_lp

    # Losses and updates ----------------------------------------------------------
    @property
    def losses(self):
        return list(self._losses)

    @property
    def updates(self):
        if not getattr(self, 'trainable', True) and not self.stateful:
            return []
        return list(self._updates)

    def add_loss(self, losses, inputs=None):
        """Adds loss tensor(s), conditional on `inputs` when given (None: unconditional)."""
        if losses is None or (isinstance(losses, list) and not losses):
            return
        losses = to_list(losses)
        self._losses += losses
        uid = object_list_uid(inputs) if inputs is not None else None
        self._per_input_losses.setdefault(uid, [])
        self._per_input_losses[uid] += losses

    def add_metric(self, value, aggregation=None, name=None):
        """Reports a tensor as a metric of the models that contain this layer.

        The value appears in `model.metrics_names`, the `fit` history and the
        `evaluate` results under `name`, averaged over the batches (weighted by
        batch size) as losses are. Call it from `call` (or on a model).

        Args:
            value: a tensor computed from the model's inputs (and targets).
            aggregation: None or 'mean' (the only aggregation of this engine).
            name: the metric name (required).

        Raises:
            TypeError: `value` is not a tensor.
            ValueError: no `name`, or an aggregation other than 'mean'.
        """
        if not K.is_tensor(value):
            raise TypeError('%s.add_metric: expected a tensor, got %r' % (self.name, value))
        if not name:
            raise ValueError('%s.add_metric: please give the metric a `name`.' % self.name)
        if aggregation not in (None, 'mean'):
            raise ValueError('%s.add_metric(aggregation=%r): only None or "mean" is supported (batch values are '
                             'averaged).' % (self.name, aggregation))
        self._metric_tensors = self.metric_tensors + [(name, value)]

    @property
    def metric_tensors(self):
        """`(name, tensor)` pairs added with `add_metric`."""
        return list(self.__dict__.get('_metric_tensors', []))

    def add_update(self, updates, inputs=None):
        """Adds update op(s), conditional on `inputs` when given (None: unconditional)."""
        if updates is None or (isinstance(updates, list) and not updates):
            return
        updates = to_list(updates)
        self._updates += updates
        uid = object_list_uid(inputs) if inputs is not None else None
        self._per_input_updates.setdefault(uid, [])
        self._per_input_updates[uid] += updates

    def get_updates_for(self, inputs):
        if not getattr(self, 'trainable', True) and not self.stateful:
            return []
        uid = object_list_uid(inputs) if inputs is not None else None
        return list(self._per_input_updates.get(uid, []))

    def get_losses_for(self, inputs):
        uid = object_list_uid(inputs) if inputs is not None else None
        return list(self._per_input_losses.get(uid, []))

    # Node attribute access ---------------------------------------------------------
    def _get_node_attribute_at_index(self, node_index, attr, attr_name):
        if not self._inbound_nodes:
            raise AttributeError('The layer has never been called and thus has no defined %s.' % attr_name)
        if not len(self._inbound_nodes) > node_index:
            raise ValueError('Asked to get %s at node %d, but the layer has only %d inbound nodes.'
                             % (attr_name, node_index, len(self._inbound_nodes)))
        values = getattr(self._inbound_nodes[node_index], attr)
        return values[0] if len(values) == 1 else values

    def get_input_shape_at(self, node_index):
        return self._get_node_attribute_at_index(node_index, 'input_shapes', 'input shape')

    def get_output_shape_at(self, node_index):
        return self._get_node_attribute_at_index(node_index, 'output_shapes', 'output shape')

    def get_input_at(self, node_index):
        return self._get_node_attribute_at_index(node_index, 'input_tensors', 'input')

    def get_output_at(self, node_index):
        return self._get_node_attribute_at_index(node_index, 'output_tensors', 'output')

    def get_input_mask_at(self, node_index):
        return self._get_node_attribute_at_index(node_index, 'input_masks', 'input mask')

    def get_output_mask_at(self, node_index):
        return self._get_node_attribute_at_index(node_index, 'output_masks', 'output mask')

    def _single_node(self, what):
        if len(self._inbound_nodes) > 1:
            raise AttributeError('Layer %s has multiple inbound nodes, hence the notion of "layer %s" is '
                                 'ill-defined. Use `get_%s_at(node_index)` instead.' % (self.name, what, what))
        if not self._inbound_nodes:
            raise AttributeError('Layer %s is not connected, no %s to return.' % (self.name, what))

    @property
    def input(self):
        self._single_node('input')
        return self._get_node_attribute_at_index(0, 'input_tensors', 'input')

    @property
    def output(self):
        self._single_node('output')
        return self._get_node_attribute_at_index(0, 'output_tensors', 'output')

    @property
    def input_mask(self):
        self._single_node('input_mask')
        return self._get_node_attribute_at_index(0, 'input_masks', 'input mask')

    @property
    def output_mask(self):
        self._single_node('output_mask')
        return self._get_node_attribute_at_index(0, 'output_masks', 'output mask')

    @property
    def input_shape(self):
        """The input shape, if all calls of the layer had the same one."""
        if not self._inbound_nodes:
            raise AttributeError('The layer has never been called and thus has no defined input shape.')
        shapes = set(str(node.input_shapes) for node in self._inbound_nodes)
        if len(shapes) == 1:
            shapes = self._inbound_nodes[0].input_shapes
            return shapes[0] if len(shapes) == 1 else shapes
        raise AttributeError('The layer "%s" has multiple inbound nodes with different input shapes. Hence '
                             'the notion of "input shape" is ill-defined for the layer. Use '
                             '`get_input_shape_at(node_index)` instead.' % self.name)

    @property
    def output_shape(self):
        """The output shape, if all calls of the layer had the same one."""
        if not self._inbound_nodes:
            raise AttributeError('The layer has never been called and thus has no defined output shape.')
        shapes = set(str(node.output_shapes) for node in self._inbound_nodes)
        if len(shapes) == 1:
            shapes = self._inbound_nodes[0].output_shapes
            return shapes[0] if len(shapes) == 1 else shapes
        raise AttributeError('The layer "%s" has multiple inbound nodes with different output shapes. Hence '
                             'the notion of "output shape" is ill-defined for the layer. Use '
                             '`get_output_shape_at(node_index)` instead.' % self.name)

    def __repr__(self):
        return '<%s name=%s>' % (type(self).__name__, self.name)


def _to_shape_list(shapes):
    """A list of shape tuples from one shape or a list of shapes (None kept)."""
    if shapes is None:
        return None
    if isinstance(shapes, list) and not all(d is None or isinstance(d, (int, np.integer)) for d in shapes):
        return [tuple(s) if s is not None else None for s in shapes]
    return [tuple(shapes)]


def _collect_previous_mask(input_tensors):
    masks = []
    for x in to_list(input_tensors):
        history = getattr(x, '_keras_history', None)
        if history is not None:
            layer, node_index, tensor_index = history
            node = layer._inbound_nodes[node_index]
            masks.append(node.output_masks[tensor_index] if tensor_index < len(node.output_masks) else None)
        else:
            masks.append(None)
    return unpack_singleton(masks)


def _collect_input_shape(input_tensors):
    return unpack_singleton([K.int_shape(x) for x in to_list(input_tensors)])
