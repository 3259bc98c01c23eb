"""`Sequential`: a linear stack of layers.

The first layer may declare its input (`input_shape`, `input_dim`,
`batch_input_shape`); then the model is built as layers are added. Without
it the build is deferred until the model is called on a tensor or fed data
(`fit`, `predict`, ...), as in Keras 2.2.
"""
import copy
import warnings

import numpy as np

from .. import backend as K
from ..utils.generic_utils import to_list
from .base_layer import Layer
from .input_layer import Input, InputLayer
from .network import get_source_inputs
from .training import Model


class Sequential(Model):
    """A linear stack of layers.

    Args:
        layers: optional list of layers to add.
        name: optional model name.

    Example::

        model = Sequential()
        model.add(Dense(32, input_dim=500))
        model.add(Dense(10, activation='softmax'))
        model.compile(optimizer='rmsprop', loss='categorical_crossentropy')
    """

    def __init__(self, layers=None, name=None):
        super(Sequential, self).__init__(name=name)
        self._build_input_shape = None
        if layers:
            for layer in layers:
                self.add(layer)

    @property
    def layers(self):
        # The InputLayer created for the first layer is not listed (Keras 2).
        if self._layers and isinstance(self._layers[0], InputLayer):
            return self._layers[1:]
        return list(self._layers)

    @property
    def model(self):
        """The model itself, with Keras 2.2's deprecation `UserWarning` (Keras 1 code reads `.model`)."""
        warnings.warn('`Sequential.model` is deprecated. `Sequential` is a subclass of `Model`: use your '
                      '`Sequential` instance directly.', UserWarning)
        return self

    def add(self, layer):
        """Appends a layer (and connects it when the model already has an input).

        Raises:
            TypeError: `layer` is not a Layer.
            ValueError: the layer has several outputs, or its name is taken.
        """
        if not isinstance(layer, Layer):
            raise TypeError('The added layer must be an instance of class Layer. Found: ' + str(layer))
        self.built = False
        if not self._layers:
            set_inputs = False
            if isinstance(layer, InputLayer):
                set_inputs = True
            else:
                first_layer = layer
                # Models nested in models (any depth): the batch shape is their first layer's.
                while True:
                    if isinstance(first_layer, Sequential) and first_layer._layers:
                        first_layer = first_layer._layers[0]
                    elif isinstance(first_layer, Model) and first_layer._is_graph_network:
                        first_layer = first_layer._input_layers[0]
                    else:
                        break
                batch_shape = getattr(first_layer, 'batch_input_shape', None)
                if batch_shape is not None:
                    x = Input(batch_shape=batch_shape, dtype=getattr(first_layer, 'dtype', None),
                              name=layer.name + '_input')
                    layer(x)
                    set_inputs = True
            if set_inputs:
                if len(layer._inbound_nodes[-1].output_tensors) != 1:
                    raise ValueError('All layers in a Sequential model should have a single output tensor. For '
                                     'multi-output layers, use the functional API.')
                self.outputs = [layer._inbound_nodes[-1].output_tensors[0]]
                self.inputs = get_source_inputs(self.outputs[0])
        elif self.outputs:
            output_tensor = layer(self.outputs[0])
            if isinstance(output_tensor, list):
                raise ValueError('All layers in a Sequential model should have a single output tensor. For '
                                 'multi-output layers, use the functional API.')
            self.outputs = [output_tensor]
        if self.inputs:
            self.build()
        else:
            if any(layer.name == other.name for other in self._layers):
                raise ValueError('The name "%s" is used 2 times in the model. All layer names should be unique.'
                                 % layer.name)
            self._layers.append(layer)

    def pop(self):
        """Removes the last layer.

        Raises:
            TypeError: the model has no layers.
        """
        if not self.layers:
            raise TypeError('There are no layers in the model.')
        layers = self.layers
        self._layers = layers[:-1]
        if not self._layers:
            self.outputs, self.inputs = [], []
            self.built = False
            self._is_graph_network = False
            return
        if self.inputs:
            kept = self._layers
            # Rebuild the graph from the original input through the remaining layers.
            x = self.inputs[0]
            self._layers = [x._keras_history[0]]
            self.outputs = [x]
            for layer in kept:
                self.outputs = [layer(self.outputs[0])]
            self.build()

    def build(self, input_shape=None):
        """Builds the graph: from the existing input, or from `input_shape` (batch axis included)."""
        if input_shape and not self.inputs:
            batch_shape = tuple(input_shape)
            first = self._layers[0] if self._layers else None
            dtype = getattr(first, 'dtype', None) if first is not None and \
                hasattr(first, 'batch_input_shape') else None
            x = Input(batch_shape=batch_shape, dtype=dtype,
                      name=(first.name if first is not None else self.name) + '_input')
            self._build_input_shape = batch_shape
            layers = list(self._layers)
            self._layers = []
            self.inputs = [x]
            for layer in layers:
                x = layer(x)
            self.outputs = [x]
        if self.inputs:
            self._init_graph_network(self.inputs, self.outputs, name=self.name)
            self.built = True
            if getattr(self, '_compile_args', None) is not None and not getattr(self, '_is_compiled', False):
                self.compile(**self._compile_args)

    def _set_inputs(self, inputs, outputs=None, training=None):
        """Builds a deferred model from the shape of its first input data (batch axis free)."""
        first = to_list(inputs, allow_tuple=True)[0]
        self.build(input_shape=(None,) + tuple(getattr(first, 'shape', None) or np.shape(first))[1:])

    def _init_graph_network(self, inputs, outputs, name=None, **kwargs):
        # Keep compile state and the model's identity when (re)building.
        saved = {k: getattr(self, k) for k in ('optimizer', '_is_compiled', '_compile_args', 'loss', 'metrics',
                                               'loss_weights', 'sample_weight_mode', 'weighted_metrics',
                                               'train_function', 'test_function', 'predict_function',
                                               '_build_input_shape')
                 if hasattr(self, k)}
        inbound, outbound = list(self._inbound_nodes), list(self._outbound_nodes)
        if self._is_graph_network and inbound:
            inbound = inbound[1:]  # drop the previous internal node; external calls are kept
        trainable = self.trainable
        super(Sequential, self)._init_graph_network(inputs, outputs, name=name, trainable=trainable)
        self._inbound_nodes = self._inbound_nodes + inbound
        self._outbound_nodes = outbound
        for k, v in saved.items():
            setattr(self, k, v)

    def __call__(self, inputs, **kwargs):
        if not self.built and self._layers:
            self.build(input_shape=K.int_shape(to_list(inputs)[0]))
        return super(Sequential, self).__call__(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        if not self.built:
            shape = input_shape
            for layer in self._layers:
                shape = layer.compute_output_shape(shape)
            return shape
        return super(Sequential, self).compute_output_shape(input_shape)

    def predict_proba(self, x, batch_size=32, verbose=0):
        """Probability predictions for the input samples (Keras 2.2).

        Args:
            x: input data, as for `predict`.
            batch_size: number of samples per batch.
            verbose: 0 or 1.

        Returns:
            The predictions, unchanged. A `UserWarning` is given when some of
            them lie outside [0, 1], which means that the last layer does not
            produce probabilities (as softmax or sigmoid would).

        Example::

            model = Sequential([Dense(3, input_dim=4, activation='softmax')])
            probabilities = model.predict_proba(np.random.rand(2, 4))
        """
        preds = self.predict(x, batch_size, verbose)
        outputs = preds if isinstance(preds, list) else [preds]
        if any(out.size and (out.min() < 0. or out.max() > 1.) for out in outputs):
            warnings.warn('Network returning invalid probability values. The last layer might not normalize '
                          'predictions into probabilities (like softmax or sigmoid would).')
        return preds

    def predict_classes(self, x, batch_size=32, verbose=0):
        """Class predictions for the input samples (Keras 2.2).

        Args:
            x: input data, as for `predict`.
            batch_size: number of samples per batch.
            verbose: 0 or 1.

        Returns:
            With several output units, the index of the largest output
            (`argmax` over the last axis); with one unit, `int32` values of
            `output > 0.5` (shape kept, ending in 1).

        Example::

            model = Sequential([Dense(1, input_dim=4, activation='sigmoid')])
            labels = model.predict_classes(np.random.rand(2, 4))  # shape (2, 1)
        """
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype('int32')

    def get_config(self):
        """`{'name': ..., 'layers': [{'class_name', 'config'}, ...]}` (no InputLayer entry)."""
        layer_configs = []
        for layer in self.layers:
            layer_configs.append({'class_name': layer.__class__.__name__, 'config': layer.get_config()})
        if layer_configs and self.inputs and 'batch_input_shape' not in layer_configs[0]['config']:
            first = copy.deepcopy(layer_configs[0])
            first['config']['batch_input_shape'] = tuple(K.int_shape(self.inputs[0]))
            first['config']['dtype'] = K.dtype(self.inputs[0])
            layer_configs[0] = first
        return {'name': self.name, 'layers': copy.deepcopy(layer_configs)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuilds from `get_config()` output (also the Keras 2.1 bare list and tf_keras's InputLayer entry)."""
        from ..layers import deserialize as deserialize_layer
        if isinstance(config, dict):
            name = config.get('name')
            layer_configs = config['layers']
        else:
            name, layer_configs = None, config
        model = cls(name=name)
        for conf in layer_configs:
            layer = deserialize_layer(conf, custom_objects=custom_objects)
            model.add(layer)
        if not model.inputs and config and isinstance(config, dict) and config.get('build_input_shape'):
            model.build(config['build_input_shape'])
        return model
