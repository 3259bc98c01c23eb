"""Model diagrams: `model_to_dot` and `plot_model` (Keras 2 API).

They use pydot, an optional extra (`pip install 'minikeras[plot]'`); writing an
image (png, svg, pdf, ...) also needs the Graphviz `dot` program, while
`to_file='model.dot'` writes the DOT source with pydot alone.

Both take Keras 2.2.4's arguments and tf.keras' additions (`show_dtype`,
`expand_nested`, `dpi`, and `subgraph` for `model_to_dot`).
"""
import os
import sys

from .optional import import_extra


_RANKDIRS = ('TB', 'LR', 'BT', 'RL')


def _is_model(layer):
    return hasattr(layer, '_nodes_in_network') and hasattr(layer, 'layers')


def _shape_of(layer, attribute):
    try:
        return str(getattr(layer, attribute))
    except (AttributeError, ValueError, RuntimeError):
        return 'multiple'


def _dtype_of(layer):
    try:
        output = layer.output
    except (AttributeError, ValueError, RuntimeError):
        return str(getattr(layer, 'dtype', None))
    if isinstance(output, (list, tuple)):
        return ', '.join(str(getattr(o, 'dtype', '?')) for o in output)
    return str(getattr(output, 'dtype', getattr(layer, 'dtype', None)))


def _label(layer, show_shapes, show_layer_names, show_dtype):
    class_name = type(layer).__name__
    name = layer.name
    inner = getattr(layer, 'layer', None)
    if inner is not None and hasattr(inner, 'name'):  # wrappers: Bidirectional(lstm), TimeDistributed(dense)
        name = '%s(%s)' % (name, inner.name)
        class_name = '%s(%s)' % (class_name, type(inner).__name__)
    label = '%s: %s' % (name, class_name) if show_layer_names else class_name
    if show_dtype:
        label = '%s|%s' % (label, _dtype_of(layer))
    if show_shapes:
        label = '%s\n|{input:|output:}|{{%s}|{%s}}' % (label, _shape_of(layer, 'input_shape'),
                                                       _shape_of(layer, 'output_shape'))
    return label


def _check_built(model, caller):
    if not getattr(model, 'built', True) or not _is_model(model):
        raise ValueError('%s: model %r is not built yet (give the first layer an input shape, or call the '
                         'model on data first)' % (caller, getattr(model, 'name', model)))


def _entries(layer, expand_nested):
    """Node ids an edge into `layer` ends at: the layer, or the input layers of an expanded nested model."""
    if not (expand_nested and _is_model(layer)):
        return [str(id(layer))]
    inputs = [i for i in getattr(layer, '_input_layers', []) if i in layer.layers] or layer.layers[:1]
    return [node for inner in inputs for node in _entries(inner, expand_nested)]


def _exits(layer, expand_nested):
    """Node ids an edge out of `layer` starts from (the output layers of an expanded nested model)."""
    if not (expand_nested and _is_model(layer)):
        return [str(id(layer))]
    return [node for inner in layer._output_layers for node in _exits(inner, expand_nested)]


def model_to_dot(model, show_shapes=False, show_layer_names=True, rankdir='TB', expand_nested=False, dpi=96,
                 subgraph=False, show_dtype=False):
    """A `pydot.Dot` graph of the model: one record node per layer, an edge per
    connection between layers inside the model.

    Args:
        model: a built `Sequential` or functional `Model`.
        show_shapes: add each layer's input and output shapes.
        show_layer_names: prefix the class name with the layer name.
        rankdir: 'TB' (top to bottom), 'LR' (left to right), 'BT' or 'RL'.
        expand_nested: draw a nested model as a dashed cluster of its
            layers instead of a single node.
        dpi: the image resolution (dots per inch).
        subgraph: return a `pydot.Cluster` (to embed in another graph)
            instead of a `pydot.Dot`.
        show_dtype: add each layer's output dtype.

    Raises:
        ImportError: pydot is not installed.
        ValueError: an unknown `rankdir`, or a Sequential model is not built.
    """
    pydot = import_extra('pydot', 'plot', 'plot_model/model_to_dot')
    if rankdir not in _RANKDIRS:
        raise ValueError('model_to_dot: rankdir must be one of %s, got %r' % (', '.join(_RANKDIRS), rankdir))
    _check_built(model, 'model_to_dot')
    if subgraph:
        dot = pydot.Cluster(graph_name=str(id(model)), style='dashed', label=model.name)
    else:
        dot = pydot.Dot()
        dot.set('rankdir', rankdir)
        dot.set('concentrate', True)
        dot.set('dpi', dpi)
        dot.set_node_defaults(shape='record')
    for layer in model.layers:
        if expand_nested and _is_model(layer):
            _check_built(layer, 'model_to_dot')
            dot.add_subgraph(model_to_dot(layer, show_shapes, show_layer_names, rankdir, expand_nested, dpi,
                                          subgraph=True, show_dtype=show_dtype))
        else:
            dot.add_node(pydot.Node(str(id(layer)), label=_label(layer, show_shapes, show_layer_names, show_dtype),
                                    shape='record'))
    in_model = set(id(layer) for layer in model.layers)
    for layer in model.layers:
        for node in model._nodes_in_network(layer):
            for inbound in node.inbound_layers:
                if id(inbound) not in in_model:
                    continue
                for source in _exits(inbound, expand_nested):
                    for destination in _entries(layer, expand_nested):
                        dot.add_edge(pydot.Edge(source, destination))
    return dot


def plot_model(model, to_file='model.png', show_shapes=False, show_layer_names=True, rankdir='TB',
               expand_nested=False, dpi=96, show_dtype=False):
    """Writes a diagram of the model to `to_file`, in the format of its extension
    ('png' when it has none; '.dot' writes the DOT source without Graphviz).

    Arguments as `model_to_dot`.

    Returns:
        In a Jupyter kernel with IPython, for a png/jpg/gif file, an
        `IPython.display.Image` of it (so the notebook shows it); otherwise
        the `pydot.Dot` graph.
    """
    dot = model_to_dot(model, show_shapes=show_shapes, show_layer_names=show_layer_names, rankdir=rankdir,
                       expand_nested=expand_nested, dpi=dpi, show_dtype=show_dtype)
    extension = os.path.splitext(to_file)[1][1:] or 'png'
    try:
        dot.write(to_file, format='raw' if extension == 'dot' else extension)
    except FileNotFoundError as e:
        if os.path.isdir(os.path.dirname(os.path.abspath(to_file))):
            raise OSError('plot_model: writing a .%s file needs the Graphviz `dot` program, which was not found '
                          '(%s); install Graphviz, or pass to_file="model.dot" to write the DOT source '
                          'without it' % (extension, e))
        raise
    if extension in ('png', 'jpg', 'jpeg', 'gif') and 'ipykernel' in sys.modules:
        try:
            from IPython import display
        except ImportError:
            return dot
        return display.Image(filename=to_file)
    return dot
