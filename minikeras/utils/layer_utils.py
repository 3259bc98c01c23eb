"""`print_summary` (the Keras 2 `model.summary()` table) and `count_params`."""

import numpy as np


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
