"""`print_summary` (the Keras 2 `model.summary()` table), `count_params`, and weight conversions
between image data formats and between Theano and TensorFlow kernels."""

import numpy as np

from .conv_utils import convert_kernel  # noqa: F401  (Keras 2 imports it from here too)


def count_params(weights):
    """Number of scalars in a list of weight tensors (each counted once)."""
    seen, total = set(), 0
    for w in weights:
        if id(w) not in seen:
            seen.add(id(w))
            total += int(np.prod(w.shape))
    return total


def _is_sequential_like(model):
    if model.__class__.__name__ == 'Sequential' or not getattr(model, '_is_graph_network', False):
        return True
    nodes = []
    for depth_nodes in model._nodes_by_depth.values():
        if len(depth_nodes) > 1 or (len(depth_nodes) == 1 and len(depth_nodes[0].inbound_layers) > 1):
            return False
        nodes += depth_nodes
    node_ids = set(id(n) for n in nodes)
    for layer in model.layers:
        if sum(1 for node in layer._inbound_nodes if id(node) in node_ids) > 1:
            return False  # a shared layer
    return True


def print_summary(model, line_length=None, positions=None, print_fn=None):
    """Prints the layer table of a model.

    Sequential-like models get the columns `Layer (type)`, `Output Shape`,
    `Param #` (65 characters wide); graphs add `Connected to` (98 wide).

    Args:
        model: a built model.
        line_length: total width of a line.
        positions: relative or absolute end positions of the columns.
        print_fn: function printing one line (default `print`).
    """
    print_fn = print_fn or print
    sequential_like = _is_sequential_like(model)
    if sequential_like:
        line_length = line_length or 65
        positions = positions or [.45, .85, 1.]
        headers = ['Layer (type)', 'Output Shape', 'Param #']
        relevant_nodes = None
    else:
        line_length = line_length or 98
        positions = positions or [.33, .55, .67, 1.]
        headers = ['Layer (type)', 'Output Shape', 'Param #', 'Connected to']
        relevant_nodes = set()
        for depth_nodes in model._nodes_by_depth.values():
            relevant_nodes.update(id(n) for n in depth_nodes)
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    def print_row(fields):
        line = ''
        for i, field in enumerate(fields):
            if i > 0:
                line = line[:-1] + ' '
            line += str(field)
            line = line[:positions[i]]
            line += ' ' * (positions[i] - len(line))
        print_fn(line)

    def output_shape_of(layer):
        try:
            return layer.output_shape
        except (AttributeError, RuntimeError):
            return 'multiple'

    def params_of(layer):
        try:
            return layer.count_params()
        except RuntimeError:
            return 0

    print_fn('_' * line_length)
    print_row(headers)
    print_fn('=' * line_length)
    layers = model.layers
    for i, layer in enumerate(layers):
        name = '%s (%s)' % (layer.name, layer.__class__.__name__)
        if sequential_like:
            print_row([name, output_shape_of(layer), params_of(layer)])
        else:
            connections = []
            for node in layer._inbound_nodes:
                if id(node) not in relevant_nodes:
                    continue
                for inbound_layer, node_index, tensor_index in zip(node.inbound_layers, node.node_indices,
                                                                   node.tensor_indices):
                    connections.append('%s[%d][%d]' % (inbound_layer.name, node_index, tensor_index))
            print_row([name, output_shape_of(layer), params_of(layer), connections[0] if connections else ''])
            for connection in connections[1:]:
                print_row(['', '', '', connection])
        print_fn(('=' if i == len(layers) - 1 else '_') * line_length)

    if hasattr(model, '_collected_trainable_weights'):
        trainable_count = count_params(model._collected_trainable_weights)
    else:
        trainable_count = count_params(model.trainable_weights)
    non_trainable_count = count_params(model.non_trainable_weights)
    print_fn('Total params: {:,}'.format(trainable_count + non_trainable_count))
    print_fn('Trainable params: {:,}'.format(trainable_count))
    print_fn('Non-trainable params: {:,}'.format(non_trainable_count))
    print_fn('_' * line_length)


# Class names whose `kernel` is a convolution kernel in the Theano/TensorFlow sense.
_CONV_CLASSES = ('Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose')


def convert_all_kernels_in_model(model):
    """Reverses the spatial axes of every convolution kernel of `model` (Theano <-> TensorFlow weights).

    Applies `conv_utils.convert_kernel` to the `kernel` of each `Conv1D`,
    `Conv2D`, `Conv3D` and `Conv2DTranspose` layer (subclasses included), in place.
    """
    from .. import backend as K
    pairs = []
    for layer in model.layers:
        if any(cls.__name__ in _CONV_CLASSES for cls in type(layer).__mro__) and getattr(layer, 'kernel', None) \
                is not None:
            pairs.append((layer.kernel, convert_kernel(K.get_value(layer.kernel))))
    K.batch_set_value(pairs)


def convert_dense_weights_data_format(dense, previous_feature_map_shape, target_data_format='channels_first'):
    """Reorders the input rows of a `Dense` kernel that follows a `Flatten` of feature maps.

    A model trained with one image data format and run with the other
    flattens its last feature map in a different order; this permutes the
    kernel rows of the `Dense` layer after the `Flatten` to match.

    Args:
        dense: the `Dense` layer (changed in place).
        previous_feature_map_shape: the feature map shape before `Flatten`,
            without the batch axis, in the *target* format: `(c, h, w)` for
            'channels_first', `(h, w, c)` for 'channels_last'.
        target_data_format: the format the weights are converted to.

    Raises:
        ValueError: an unknown format, or a shape whose size is not the kernel's row count.
    """
    if target_data_format not in ('channels_first', 'channels_last'):
        raise ValueError("target_data_format must be 'channels_first' or 'channels_last'; received %r"
                         % (target_data_format,))
    weights = dense.get_weights()
    kernel = weights[0]
    shape = tuple(int(d) for d in previous_feature_map_shape)
    if int(np.prod(shape)) != kernel.shape[0]:
        raise ValueError('convert_dense_weights_data_format: a feature map of shape %s has %d values, the Dense '
                         'kernel has %d input rows' % (shape, int(np.prod(shape)), kernel.shape[0]))
    if target_data_format == 'channels_first':  # rows were flattened as (h, w, c)
        c, h, w = shape
        rows = kernel.reshape((h, w, c, -1)).transpose(2, 0, 1, 3)
    else:  # rows were flattened as (c, h, w)
        h, w, c = shape
        rows = kernel.reshape((c, h, w, -1)).transpose(1, 2, 0, 3)
    dense.set_weights([rows.reshape(kernel.shape)] + weights[1:])


def get_source_inputs(tensor, layer=None, node_index=None):
    """The input tensors a tensor was computed from (see `engine.network.get_source_inputs`)."""
    from ..engine.network import get_source_inputs as _get_source_inputs
    return _get_source_inputs(tensor, layer, node_index)
