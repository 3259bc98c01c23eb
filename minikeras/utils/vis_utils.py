"""Model diagrams: `model_to_dot` and `plot_model` (Keras 2 API).

They use pydot, an optional extra (`pip install 'minikeras[plot]'`); writing an
image (png, svg, pdf, ...) also needs the Graphviz `dot` program, while
`to_file='model.dot'` writes the DOT source with pydot alone.
"""
import os


def _import_pydot():
    try:
        import pydot
    except ImportError:
        raise ImportError('plot_model/model_to_dot need pydot: install it with '
                          "`pip install 'minikeras[plot]'` (and Graphviz for image formats).")
    return pydot


def _label(layer, show_shapes, show_layer_names):
    class_name = type(layer).__name__
    name = layer.name
    inner = getattr(layer, 'layer', None)
    if inner is not None and hasattr(inner, 'name'):  # wrappers: Bidirectional(lstm), TimeDistributed(dense)
        name = '%s(%s)' % (name, inner.name)
        class_name = '%s(%s)' % (class_name, type(inner).__name__)
    label = '%s: %s' % (name, class_name) if show_layer_names else class_name
    if show_shapes:
        def shape_of(attribute):
            try:
                return str(getattr(layer, attribute))
            except (AttributeError, ValueError, RuntimeError):
                return 'multiple'
        label = '%s\n|{input:|output:}|{{%s}|{%s}}' % (label, shape_of('input_shape'), shape_of('output_shape'))
    return label


def model_to_dot(model, show_shapes=False, show_layer_names=True, rankdir='TB'):
    """A `pydot.Dot` graph of the model: one record node per layer, an edge per
    connection between layers inside the model.

    Args:
        model: a built `Sequential` or functional `Model`.
        show_shapes: add each layer's input and output shapes.
        show_layer_names: prefix the class name with the layer name.
        rankdir: 'TB' (top to bottom) or 'LR' (left to right).

    Raises:
        ImportError: pydot is not installed.
        ValueError: `rankdir` is not 'TB' or 'LR', or a Sequential model is not built.
    """
    pydot = _import_pydot()
    if rankdir not in ('TB', 'LR'):
        raise ValueError("model_to_dot: rankdir must be 'TB' or 'LR', got %r" % (rankdir,))
    if not getattr(model, 'built', True) or not hasattr(model, '_nodes_in_network'):
        raise ValueError('model_to_dot: model %r is not built yet (give the first layer an input shape, or '
                         'call the model on data first)' % getattr(model, 'name', model))
    dot = pydot.Dot()
    dot.set('rankdir', rankdir)
    dot.set('concentrate', True)
    dot.set_node_defaults(shape='record')
    for layer in model.layers:
        dot.add_node(pydot.Node(str(id(layer)), label=_label(layer, show_shapes, show_layer_names)))
    in_model = set(id(layer) for layer in model.layers)
    for layer in model.layers:
        for node in model._nodes_in_network(layer):
            for inbound in node.inbound_layers:
                if id(inbound) in in_model:
                    dot.add_edge(pydot.Edge(str(id(inbound)), str(id(layer))))
    return dot


def plot_model(model, to_file='model.png', show_shapes=False, show_layer_names=True, rankdir='TB'):
    """Writes a diagram of the model to `to_file`, in the format of its extension
    ('png' when it has none; '.dot' writes the DOT source without Graphviz).

    Returns:
        The `pydot.Dot` graph.
    """
    dot = model_to_dot(model, show_shapes=show_shapes, show_layer_names=show_layer_names, rankdir=rankdir)
    extension = os.path.splitext(to_file)[1][1:] or 'png'
    dot.write(to_file, format='raw' if extension == 'dot' else extension)
    return dot
