"""`Network`: a directed acyclic graph of layers, itself usable as a layer.

A graph network is built from input tensors (made by `Input`) and output
tensors: it walks the `_keras_history` of the outputs back to the inputs,
orders the nodes by depth, and can then be called on new tensors (sharing all
weights), serialised with `get_config`/`to_json` and rebuilt with
`from_config`.
"""
import json
import warnings

import numpy as np

from .. import backend as K
from ..utils.generic_utils import get_registered_name, has_arg, object_list_uid, to_list, unpack_singleton
from .base_layer import InputSpec, Layer, Node, _collect_previous_mask
from .input_layer import InputLayer


def _node_key(layer, node_index):
    return layer.name + '_ib-' + str(node_index)


def _dedup(items):
    seen, result = set(), []
    for x in items:
        if id(x) not in seen:
            seen.add(id(x))
            result.append(x)
    return result


class Network(Layer):
    """A graph of layers with inputs and outputs (the base of `Model`).

    Args:
        inputs: an input tensor (from `Input`) or a list of them.
        outputs: an output tensor or a list of them.
        name: optional name.

    Example::

        a = Input(shape=(32,))
        b = Dense(32)(a)
        net = Network(inputs=a, outputs=b)
    """

    def __init__(self, *args, **kwargs):
        if 'input' in kwargs and 'inputs' not in kwargs:  # Keras 1 spelling
            kwargs['inputs'] = kwargs.pop('input')
        if 'output' in kwargs and 'outputs' not in kwargs:
            kwargs['outputs'] = kwargs.pop('output')
        if len(args) >= 2 or (len(args) == 1 and 'outputs' in kwargs) or \
                ('inputs' in kwargs and 'outputs' in kwargs):
            self._init_graph_network(*args, **kwargs)
        else:
            self._init_subclassed_network(**kwargs)

    def _base_init(self, name=None, trainable=True):
        if not name:
            prefix = self.__class__.__name__.lower()
            name = prefix + '_' + str(K.get_uid(prefix))
        Layer.__init__(self, name=name, trainable=trainable)
        self.supports_masking = False
        self.optimizer = None
        self._is_compiled = False
        self._layers = []
        self._is_graph_network = False
        self.inputs = []
        self.outputs = []
        self.input_names = []
        self.output_names = []
        self._input_layers = []
        self._output_layers = []
        self._input_coordinates = []
        self._output_coordinates = []
        self._feed_inputs = []
        self._feed_input_names = []
        self._feed_input_shapes = []
        self._network_nodes = set()
        self._nodes_by_depth = {}
        self._layers_by_depth = {}
        self._output_mask_cache = {}
        self._output_tensor_cache = {}
        self._output_shape_cache = {}

    def _init_subclassed_network(self, name=None, **kwargs):
        self._base_init(name=name, trainable=kwargs.pop('trainable', True))
        if kwargs:
            raise TypeError('Keyword argument(s) not understood by %s: %s'
                            % (type(self).__name__, ', '.join(sorted(kwargs))))
        self.built = False

    def __setattr__(self, name, value):
        # A subclassed model tracks the layers it holds as attributes, in assignment order (its weight order).
        if isinstance(value, Layer) and not name.startswith('_'):
            if '_is_graph_network' not in self.__dict__:
                raise RuntimeError('It looks like you are subclassing `Model` and forgot to call '
                                   '`super(%s, self).__init__()` before setting the layer attribute "%s". Always '
                                   'start `__init__` with that call.' % (type(self).__name__, name))
            if not self._is_graph_network and not any(value is layer for layer in self._layers):
                self._layers.append(value)
        super(Network, self).__setattr__(name, value)

    def _init_graph_network(self, inputs, outputs, name=None, **kwargs):
        self._base_init(name=name, trainable=kwargs.pop('trainable', True))
        if kwargs:
            raise TypeError('Keyword argument(s) not understood by %s: %s'
                            % (type(self).__name__, ', '.join(sorted(kwargs))))
        self.inputs = list(to_list(inputs, allow_tuple=True))
        self.outputs = list(to_list(outputs, allow_tuple=True))
        self._is_graph_network = True
        if len(set(id(x) for x in self.inputs)) != len(self.inputs):
            raise ValueError('The list of inputs passed to the model is redundant. All inputs should only '
                             'appear once. Found: %s' % (self.inputs,))
        for kind, tensors in (('input', self.inputs), ('output', self.outputs)):
            for x in tensors:
                if not K.is_tensor(x) or not hasattr(x, '_keras_history'):
                    raise ValueError('%s tensors to a Model must come from `minikeras.layers.Input` or from '
                                     'layers (they must carry Keras metadata). Received: %r'
                                     % (kind.capitalize() + ('' if kind == 'output' else ''), x))
        for x in self.inputs:
            layer, node_index, tensor_index = x._keras_history
            if not isinstance(layer, InputLayer) or node_index != 0 or tensor_index != 0:
                raise ValueError('Model inputs must come from `minikeras.layers.Input` (thus holding past '
                                 'layer metadata), they cannot be the output of a previous non-Input layer. '
                                 'Here, a tensor specified as input to model "%s" was not an Input tensor, '
                                 'it was generated by layer %s.' % (self.name, layer.name))
            self._input_layers.append(layer)
            self._input_coordinates.append((layer, node_index, tensor_index))
        for x in self.outputs:
            layer, node_index, tensor_index = x._keras_history
            self._output_layers.append(layer)
            self._output_coordinates.append((layer, node_index, tensor_index))
        for layer in self._input_layers:
            self.input_names.append(layer.name)
            if layer.is_placeholder:
                self._feed_input_names.append(layer.name)
                self._feed_inputs.append(layer.input)
                self._feed_input_shapes.append(K.int_shape(layer.input))
        self.output_names = [layer.name for layer in self._output_layers]

        self._map_graph()
        masks = to_list(_collect_previous_mask(self.outputs))
        input_masks = to_list(_collect_previous_mask(self.inputs))
        self._output_mask_cache[object_list_uid(self.inputs) + '_' + object_list_uid(input_masks)] = \
            unpack_singleton(masks)
        Node(self, inbound_layers=[], node_indices=[], tensor_indices=[], input_tensors=self.inputs,
             output_tensors=self.outputs, input_masks=[None for _ in self.inputs], output_masks=masks,
             input_shapes=[K.int_shape(x) for x in self.inputs],
             output_shapes=[K.int_shape(x) for x in self.outputs])
        self.built = True

    def _map_graph(self):
        """Orders the nodes and layers between inputs and outputs by depth."""
        network_nodes = set()
        nodes_depths = {}
        layers_depths = {}
        layer_indices = {}
        nodes_in_decreasing_depth = []
        finished, in_progress = set(), set()

        def visit(tensor, layer, node_index):
            node = layer._inbound_nodes[node_index]
            if id(node) in in_progress:
                raise ValueError('The tensor %r at layer "%s" is part of a cycle.' % (tensor, layer.name))
            if id(node) in finished:
                return
            network_nodes.add(_node_key(layer, node_index))
            if layer not in layer_indices:
                layer_indices[layer] = len(layer_indices)
            in_progress.add(id(node))
            for x, inbound_layer, inbound_index in zip(node.input_tensors, node.inbound_layers,
                                                       node.node_indices):
                visit(x, inbound_layer, inbound_index)
            finished.add(id(node))
            in_progress.discard(id(node))
            nodes_in_decreasing_depth.append(node)

        # The inputs come last so that an input no output depends on stays part
        # of the network (and of its config), at depth 0.
        for x in self.outputs + self.inputs:
            layer, node_index, _ = x._keras_history
            visit(x, layer, node_index)

        for node in reversed(nodes_in_decreasing_depth):
            depth = nodes_depths.setdefault(node, 0)
            depth = max(depth, layers_depths.get(node.outbound_layer, 0))
            layers_depths[node.outbound_layer] = depth
            nodes_depths[node] = depth
            for inbound_layer, node_index in zip(node.inbound_layers, node.node_indices):
                inbound_node = inbound_layer._inbound_nodes[node_index]
                nodes_depths[inbound_node] = max(depth + 1, nodes_depths.get(inbound_node, 0))

        nodes_by_depth = {}
        for node in reversed(nodes_in_decreasing_depth):
            nodes_by_depth.setdefault(nodes_depths[node], [])
            if node not in nodes_by_depth[nodes_depths[node]]:
                nodes_by_depth[nodes_depths[node]].append(node)
        layers_by_depth = {}
        for layer, depth in layers_depths.items():
            layers_by_depth.setdefault(depth, []).append(layer)
        layers = []
        for depth in sorted(layers_by_depth, reverse=True):
            layers_for_depth = sorted(layers_by_depth[depth], key=lambda l: layer_indices[l])
            layers_by_depth[depth] = layers_for_depth
            layers.extend(layers_for_depth)

        computable = set(id(x) for x in self.inputs)
        done_layers = []
        for depth in sorted(nodes_by_depth, reverse=True):
            for node in nodes_by_depth[depth]:
                layer = node.outbound_layer
                if layer is not None:
                    for x in node.input_tensors:
                        if id(x) not in computable:
                            raise ValueError('Graph disconnected: cannot obtain value for tensor %r at layer '
                                             '"%s". The following previous layers were accessed without '
                                             'issue: %s' % (x, layer.name, done_layers))
                    for x in node.output_tensors:
                        computable.add(id(x))
                    done_layers.append(layer.name)

        names = [layer.name for layer in layers]
        for name in set(names):
            if names.count(name) != 1:
                raise ValueError('The name "%s" is used %d times in the model. All layer names should be '
                                 'unique.' % (name, names.count(name)))
        self._network_nodes = network_nodes
        self._nodes_by_depth = nodes_by_depth
        self._layers_by_depth = layers_by_depth
        self._layers = layers

    # Layer-like properties -------------------------------------------------------
    @property
    def layers(self):
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        """A layer by index (wins when both are given) or by unique name.

        Raises:
            ValueError: no such layer, or neither argument given.
        """
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError('Was asked to retrieve layer at index %d but model only has %d layers.'
                                 % (index, len(self.layers)))
            return self.layers[index]
        if not name:
            raise ValueError('Provide either a layer name or layer index.')
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError('No such layer: ' + name)

    @property
    def uses_learning_phase(self):
        return any(getattr(x, '_uses_learning_phase', False) for x in self.outputs)

    @property
    def stateful(self):
        return any(getattr(layer, 'stateful', False) for layer in self.layers)

    @stateful.setter
    def stateful(self, value):
        pass  # derived from the layers

    def reset_states(self):
        for layer in self.layers:
            if hasattr(layer, 'reset_states') and getattr(layer, 'stateful', False):
                layer.reset_states()

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        weights = []
        for layer in self.layers:
            weights += layer.trainable_weights
        return _dedup(weights)

    @trainable_weights.setter
    def trainable_weights(self, value):
        self._trainable_weights = list(value)

    @property
    def non_trainable_weights(self):
        weights = []
        for layer in self.layers:
            weights += layer.non_trainable_weights
        if not self.trainable:
            trainable = []
            for layer in self.layers:
                trainable += layer.trainable_weights
            weights = trainable + weights
        return _dedup(weights)

    @non_trainable_weights.setter
    def non_trainable_weights(self, value):
        self._non_trainable_weights = list(value)

    @property
    def weights(self):
        """All weights in layer order (the order of `get_weights`)."""
        weights = []
        for layer in self.layers:
            weights += layer.weights
        return _dedup(weights)

    def get_weights(self):
        return K.batch_get_value(self.weights)

    def set_weights(self, weights):
        """Sets all weights from a flat list in `get_weights` order.

        Raises:
            ValueError: wrong number of arrays or a shape mismatch (naming the layer).
        """
        params = self.weights
        if len(params) != len(weights):
            raise ValueError('Model %s: set_weights got %d arrays, but the model has %d weights.'
                             % (self.name, len(weights), len(params)))
        for layer in self.layers:
            n = len(layer.weights)
            if n:
                layer.set_weights(weights[:n])
                weights = weights[n:]

    def _nodes_in_network(self, layer):
        for node_index, node in enumerate(layer._inbound_nodes):
            if _node_key(layer, node_index) in self._network_nodes:
                yield node

    @property
    def updates(self):
        """Updates of the layers (those conditional on this network's inputs and unconditional ones)."""
        if not self.trainable and not self.stateful:
            return []
        updates = []
        for layer in self.layers:
            if not hasattr(layer, 'get_updates_for'):
                continue
            if not self._is_graph_network:
                updates += layer.updates
                continue
            for node in self._nodes_in_network(layer):
                updates += layer.get_updates_for(node.input_tensors)
            updates += layer.get_updates_for(None)
        updates += self.get_updates_for(None)
        return _dedup(updates)

    @property
    def state_updates(self):
        """Updates of stateful layers (applied by test and predict functions too)."""
        updates = []
        for layer in self.layers:
            if getattr(layer, 'stateful', False) and hasattr(layer, 'updates'):
                updates += layer.updates
        return _dedup(updates)

    @property
    def losses(self):
        losses = []
        for layer in self.layers:
            if not hasattr(layer, 'get_losses_for'):
                continue
            if not self._is_graph_network:
                losses += layer.losses
                continue
            for node in self._nodes_in_network(layer):
                losses += layer.get_losses_for(node.input_tensors)
            losses += layer.get_losses_for(None)
        losses += self.get_losses_for(None)
        # Tensors count once however many nodes share them; plain numbers (`add_loss(1)`) each count.
        return _dedup([x for x in losses if K.is_tensor(x)]) + [x for x in losses if not K.is_tensor(x)]

    @property
    def metric_tensors(self):
        """`(name, tensor)` pairs added with `add_metric` by this network and its layers."""
        pairs, seen = [], set()
        for owner in list(self.layers) + [self]:
            own = Layer.metric_tensors.fget(owner) if owner is self else owner.metric_tensors
            for name, tensor in own:
                if id(tensor) not in seen:
                    seen.add(id(tensor))
                    pairs.append((name, tensor))
        return pairs

    @property
    def input_spec(self):
        if not self._is_graph_network:
            return None
        specs = []
        for layer in self._input_layers:
            specs.append(InputSpec(ndim=len(layer.batch_input_shape)))
        return specs[0] if len(specs) == 1 else specs

    @input_spec.setter
    def input_spec(self, value):
        pass  # derived from the input layers

    # Calling ------------------------------------------------------------------
    def call(self, inputs, mask=None):
        inputs = to_list(inputs)
        masks = [None] * len(inputs) if mask is None else to_list(mask)
        cache_key = object_list_uid(inputs) + '_' + object_list_uid(masks)
        if cache_key in self._output_tensor_cache:
            return self._output_tensor_cache[cache_key]
        outputs, output_masks, _ = self.run_internal_graph(inputs, masks)
        return outputs

    def compute_mask(self, inputs, mask=None):
        if not self._is_graph_network:
            return None
        inputs = to_list(inputs)
        masks = [None] * len(inputs) if mask is None else to_list(mask)
        cache_key = object_list_uid(inputs) + '_' + object_list_uid(masks)
        if cache_key in self._output_mask_cache:
            return self._output_mask_cache[cache_key]
        _, output_masks, _ = self.run_internal_graph(inputs, masks)
        return output_masks

    def compute_output_shape(self, input_shape):
        """Propagates shapes through the layers' `compute_output_shape` (a subclassed model: through `call`)."""
        if not self._is_graph_network:
            shapes = input_shape if isinstance(input_shape, list) else [input_shape]
            placeholders = [K.placeholder(shape=tuple(shape)) for shape in shapes]
            outputs = self.call(unpack_singleton(placeholders))
            return unpack_singleton([K.int_shape(x) for x in to_list(outputs)])
        input_shapes = [tuple(s) for s in (input_shape if isinstance(input_shape, list) else [input_shape])]
        if len(input_shapes) != len(self._input_layers):
            raise ValueError('Invalid input_shape argument %s: model %s has %d tensor inputs.'
                             % (input_shape, self.name, len(self._input_layers)))
        cache_key = ', '.join(str(s) for s in input_shapes)
        if cache_key in self._output_shape_cache:
            return self._output_shape_cache[cache_key]
        shape_map = {}
        for x, shape in zip(self.inputs, input_shapes):
            shape_map[id(x)] = shape
        for depth in sorted(self._nodes_by_depth, reverse=True):
            for node in self._nodes_by_depth[depth]:
                layer = node.outbound_layer
                if isinstance(layer, InputLayer):
                    continue
                shapes = [shape_map[id(x)] for x in node.input_tensors]
                out = layer.compute_output_shape(unpack_singleton(shapes))
                out = [tuple(s) for s in out] if isinstance(out, list) else [tuple(out)]
                for x, s in zip(node.output_tensors, out):
                    shape_map[id(x)] = s
        output_shapes = [shape_map[id(x)] for x in self.outputs]
        result = unpack_singleton(output_shapes)
        self._output_shape_cache[cache_key] = result
        return result

    def run_internal_graph(self, inputs, masks=None):
        """Recomputes the outputs for new input tensors, calling each layer in depth order.

        Returns:
            (output tensors, output masks, output shapes), each a tensor or list.
        """
        if masks is None:
            masks = [None] * len(inputs)
        tensor_map = {}
        for x, y in zip(self.inputs, inputs):
            tensor_map[id(x)] = y
        for depth in sorted(self._nodes_by_depth, reverse=True):
            for node in self._nodes_by_depth[depth]:
                layer = node.outbound_layer
                if all(id(x) in tensor_map for x in node.output_tensors):
                    continue  # input layers
                computed = [tensor_map[id(x)] for x in node.input_tensors if id(x) in tensor_map]
                if len(computed) != len(node.input_tensors):
                    continue
                kwargs = dict(node.arguments or {})
                kwargs.pop('mask', None)
                outputs = to_list(layer(unpack_singleton(computed), **kwargs))
                # Conditional (activity) and unconditional (weight) losses and updates, as Keras 2.2 tracks them.
                self.add_update(layer.get_updates_for(computed), inputs)
                self.add_update(layer.get_updates_for(None), None)
                self.add_loss(layer.get_losses_for(computed), inputs)
                self.add_loss(layer.get_losses_for(None), None)
                for x, y in zip(node.output_tensors, outputs):
                    tensor_map[id(x)] = y
        output_tensors = [tensor_map[id(x)] for x in self.outputs]
        output_masks = to_list(_collect_previous_mask(output_tensors))
        output_shapes = [K.int_shape(x) for x in output_tensors]
        cache_key = object_list_uid(inputs) + '_' + object_list_uid(masks)
        output_tensors = unpack_singleton(output_tensors)
        output_masks = unpack_singleton(output_masks)
        self._output_tensor_cache[cache_key] = output_tensors
        self._output_mask_cache[cache_key] = output_masks
        return output_tensors, output_masks, unpack_singleton(output_shapes)

    def build(self, input_shape=None):
        """A graph network is built already; a subclassed one is called on placeholders of `input_shape`.

        Args:
            input_shape: for a subclassed model, a shape tuple (batch axis
                included) or a list of them, one per input of `call`.

        Raises:
            ValueError: a subclassed model without `input_shape`.
        """
        if self._is_graph_network:
            self.built = True
            return
        if input_shape is None:
            raise ValueError('Model %s is a subclassed model: build it with `build(input_shape)` (batch axis '
                             'included) or by calling `fit` / `predict` on data.' % self.name)
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        self._set_inputs([K.placeholder(shape=tuple(shape)) for shape in shapes])

    def _set_inputs(self, inputs, outputs=None, training=None):
        """Sets the inputs of a model without them (a subclassed model) and calls it to get its outputs.

        Args:
            inputs: arrays (placeholders of their shape, batch axis free, are
                made) or tensors, one per input of `call`.
            outputs: the output tensors, when already known.
            training: passed to a `call` that takes a `training` argument.

        Raises:
            ValueError: the model already has inputs.
        """
        if self.inputs:
            raise ValueError('Model inputs are already set.')
        self.inputs, self.input_names = [], []
        self._feed_inputs, self._feed_input_names, self._feed_input_shapes = [], [], []
        for i, value in enumerate(to_list(inputs, allow_tuple=True)):
            name = 'input_%d' % (i + 1)
            self.input_names.append(name)
            if not K.is_tensor(value):
                value = np.asarray(value)
                shape = (None,) + (value.shape[1:] if value.ndim > 1 else (1,))
                dtype = value.dtype.name if value.dtype.kind in 'iub' else K.floatx()
                value = K.placeholder(shape=shape, name=name, dtype=dtype)
            self.inputs.append(value)
            if K.is_placeholder(value):
                self._feed_inputs.append(value)
                self._feed_input_names.append(name)
                self._feed_input_shapes.append(K.int_shape(value))
        if outputs is None:
            call_inputs = self.inputs[0] if len(self.inputs) == 1 else self.inputs
            kwargs = {'training': training} if has_arg(self.call, 'training') else {}
            outputs = self.call(call_inputs, **kwargs)
        self.outputs = list(to_list(outputs, allow_tuple=True))
        self.output_names = ['output_%d' % (i + 1) for i in range(len(self.outputs))]
        self.built = True

    # Serialization ---------------------------------------------------------------
    def get_config(self):
        """`{'name', 'layers': [{name, class_name, config, inbound_nodes}], 'input_layers', 'output_layers'}`."""
        if not self._is_graph_network:
            raise NotImplementedError('model %s is a subclassed model, whose architecture is Python code (its '
                                      '`call`), so it has no config for `to_json` / `to_yaml` / `save`' % self.name)
        config = {'name': self.name}
        conversion = {}
        for layer in self.layers:
            kept = 1 if isinstance(layer, Network) and layer._is_graph_network else 0
            for index, node in enumerate(layer._inbound_nodes):
                key = _node_key(layer, index)
                if key in self._network_nodes:
                    conversion[key] = kept
                    kept += 1
        layer_configs = []
        for layer in self.layers:
            inbound = []
            for index, node in enumerate(layer._inbound_nodes):
                if _node_key(layer, index) not in self._network_nodes:
                    continue
                kwargs = {}
                if node.arguments:
                    try:
                        json.dumps(node.arguments)
                        kwargs = node.arguments
                    except TypeError:
                        warnings.warn('Layer %s was passed non-serializable keyword arguments: %s. They will not '
                                      'be included in the serialized model (and thus will be missing at '
                                      'deserialization time).' % (layer.name, node.arguments), UserWarning)
                        kwargs = {}
                if node.inbound_layers:
                    inbound.append([[inbound_layer.name, conversion.get(_node_key(inbound_layer, node_index), 0),
                                     tensor_index, kwargs]
                                    for inbound_layer, node_index, tensor_index
                                    in zip(node.inbound_layers, node.node_indices, node.tensor_indices)])
            layer_configs.append({'name': layer.name, 'class_name': get_registered_name(layer.__class__),
                                  'config': layer.get_config(), 'inbound_nodes': inbound})
        config['layers'] = layer_configs
        config['input_layers'] = [[layer.name, conversion[_node_key(layer, node_index)], tensor_index]
                                  for layer, node_index, tensor_index in self._input_coordinates]
        config['output_layers'] = [[layer.name, conversion[_node_key(layer, node_index)], tensor_index]
                                   for layer, node_index, tensor_index in self._output_coordinates]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuilds a graph network from `get_config()` output (Keras 2 or tf_keras)."""
        from ..layers import deserialize as deserialize_layer
        created = {}
        pending = {}
        order = []

        def process_node(layer, node_data):
            input_tensors = []
            kwargs = {}
            for input_data in node_data:
                name, node_index, tensor_index = input_data[0], input_data[1], input_data[2]
                kwargs = input_data[3] if len(input_data) > 3 and input_data[3] else {}
                inbound_layer = created[name]
                if len(inbound_layer._inbound_nodes) <= node_index:
                    return False
                input_tensors.append(inbound_layer._inbound_nodes[node_index].output_tensors[tensor_index])
            if input_tensors:
                layer(unpack_singleton(input_tensors), **kwargs)
            return True

        for layer_data in config['layers']:
            layer = deserialize_layer(layer_data, custom_objects=custom_objects)
            name = layer_data.get('name', layer.name)
            created[name] = layer
            order.append(name)
            pending[name] = list(layer_data.get('inbound_nodes', []))
        while any(pending.values()):
            progressed = False
            for name in order:
                queue = pending[name]
                while queue:
                    if not process_node(created[name], queue[0]):
                        break
                    queue.pop(0)
                    progressed = True
            if not progressed:
                raise ValueError('Cannot rebuild model %s from its config: the layer graph references '
                                 'nodes that are never created.' % config.get('name'))

        def tensors(spec):
            if spec and isinstance(spec[0], str):
                spec = [spec]
            return [created[name]._inbound_nodes[node_index].output_tensors[tensor_index]
                    for name, node_index, tensor_index in (s[:3] for s in spec)]

        return cls(inputs=tensors(config['input_layers']), outputs=tensors(config['output_layers']),
                   name=config.get('name'))

    def to_json(self, **kwargs):
        """The architecture as a JSON string (`models.model_from_json` reads it back)."""
        model_config = {'class_name': self.__class__.__name__, 'config': self.get_config(),
                        'keras_version': _keras_version(), 'backend': K.backend()}
        return json.dumps(model_config, default=_json_default, **kwargs)

    def to_yaml(self, **kwargs):
        """The architecture as YAML (needs PyYAML: `pip install 'minikeras[yaml]'`).

        Raises:
            ImportError: PyYAML is not installed (the message names the extra).
        """
        from ..utils.optional import import_extra
        yaml = import_extra('yaml', 'yaml', 'Model.to_yaml')
        model_config = {'class_name': self.__class__.__name__, 'config': self.get_config(),
                        'keras_version': _keras_version(), 'backend': K.backend()}
        return yaml.safe_dump(json.loads(json.dumps(model_config, default=_json_default)), **kwargs)

    def summary(self, line_length=None, positions=None, print_fn=None):
        """Prints the Keras table of layers, output shapes and parameter counts."""
        from ..utils.layer_utils import print_summary
        if not self.built:
            raise ValueError('This model has not yet been built. Build the model first by calling it on '
                             'data or by giving the first layer an input shape.')
        return print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn)

    # Saving (implemented in engine/saving.py) ------------------------------------------------
    def save(self, filepath, overwrite=True, include_optimizer=True):
        """Saves the architecture, weights and optimizer state to one HDF5 file."""
        from .saving import save_model
        save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer)

    def save_weights(self, filepath, overwrite=True):
        """Saves all layer weights to an HDF5 file."""
        from .saving import save_weights
        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False, reshape=False):
        """Loads weights saved by `save_weights` (by layer order, or `by_name`)."""
        from .saving import load_weights
        return load_weights(self, filepath, by_name=by_name, skip_mismatch=skip_mismatch, reshape=reshape)

    def __reduce__(self):
        """Pickling through the model's HDF5 image (see `engine/pickling.py`)."""
        from .pickling import reduce_model
        return reduce_model(self)

    def __deepcopy__(self, memo):
        """`copy.deepcopy` through the model's HDF5 image (see `engine/pickling.py`)."""
        from .pickling import copy_model
        return copy_model(self)


def _keras_version():
    from .. import __version__
    return __version__


def _json_default(obj):
    if hasattr(obj, 'get_config'):
        return {'class_name': obj.__class__.__name__, 'config': obj.get_config()}
    if type(obj).__module__ == np.__name__:
        if isinstance(obj, np.ndarray):
            return obj.tolist()
        return obj.item()
    if callable(obj):
        return obj.__name__
    if type(obj).__name__ == type.__name__:
        return obj.__name__
    raise TypeError('Not JSON Serializable: %r' % (obj,))


def get_source_inputs(tensor, layer=None, node_index=None):
    """The input tensors (from `Input`) that `tensor` was computed from."""
    if not hasattr(tensor, '_keras_history'):
        return [tensor]
    if layer is None or node_index is None:
        layer, node_index, _ = tensor._keras_history
    if not layer._inbound_nodes:
        return [tensor]
    node = layer._inbound_nodes[node_index]
    if not node.inbound_layers:
        return node.input_tensors
    sources = []
    for x, inbound_layer, index in zip(node.input_tensors, node.inbound_layers, node.node_indices):
        for s in get_source_inputs(x, inbound_layer, index):
            if not any(s is t for t in sources):
                sources.append(s)
    return sources
