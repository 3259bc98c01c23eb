"""Keras 1's `Merge` layer, built as its Keras 2 equivalent.

Keras 1 functional models merged tensors with one `Merge` layer whose
`mode` picked the operation; their saved configs (`"class_name": "Merge"`)
load in minikeras as the Keras 2 merge layer doing the same computation,
with the same name (Merge has no weights):

| `mode` | Keras 2 layer |
|---|---|
| `'sum'` | `Add` |
| `'ave'` | `Average` |
| `'mul'` | `Multiply` |
| `'max'` | `Maximum` |
| `'concat'` | `Concatenate(axis=concat_axis)` |
| `'dot'` | `Dot(axes=dot_axes)` (Keras 1's `batch_dot`) |

Not supported, with a `ValueError`: `mode='cos'` (Keras 1's output shape
disagreed with what it computed), a function `mode` (stored as Python
bytecode) and a `Merge` of models inside a Keras 1 `Sequential` (`layers`).
"""
from ..engine.base_layer import Layer

__all__ = ['Merge']


def _keras2_layer(mode, concat_axis, dot_axes, name):
    from ..layers import merge
    simple = {'sum': merge.Add, 'ave': merge.Average, 'mul': merge.Multiply, 'max': merge.Maximum}
    if mode in simple:
        return simple[mode](name=name)
    if mode == 'concat':
        return merge.Concatenate(axis=concat_axis, name=name)
    if mode == 'dot':
        axes = list(dot_axes) if isinstance(dot_axes, (list, tuple)) else dot_axes
        return merge.Dot(axes=axes, name=name)
    raise ValueError('Merge (%s): mode %r is not supported by minikeras; the Keras 1 modes it loads are '
                     '"sum", "ave", "mul", "max", "concat" and "dot" (Keras 2: use the merge layers Add, '
                     'Average, Multiply, Maximum, Concatenate, Dot).' % (name, mode))


class Merge(Layer):
    """Keras 1's `Merge(mode=...)`: constructing one returns the equivalent Keras 2 merge layer.

    Args:
        layers: Keras 1 only (a Merge of models); must be None.
        mode: one of 'sum', 'ave', 'mul', 'max', 'concat', 'dot'.
        concat_axis: the axis of 'concat'.
        dot_axes: the axes of 'dot' (an int or a pair).
        name: the layer name.
        **kwargs: the other keys of a Keras 1 Merge config (`output_shape`,
            `output_mask`, `arguments`, `*_type`, ...), meaningful only for
            function modes; `trainable` and `dtype` are ignored (no weights).

    Returns:
        An `Add`, `Average`, `Multiply`, `Maximum`, `Concatenate` or `Dot` layer.

    Raises:
        ValueError: `layers` given, a function mode (`mode_type='lambda'`) or an
            unsupported mode.
    """

    def __new__(cls, layers=None, mode='sum', concat_axis=-1, dot_axes=-1, name=None, **kwargs):
        if layers is not None:
            raise ValueError('Merge (%s): merging the layers/models %r inside a Keras 1 Sequential is not '
                             'supported; build a functional Model with the Keras 2 merge layers instead.'
                             % (name, layers))
        if callable(mode) or kwargs.get('mode_type') in ('lambda', 'function'):
            raise ValueError('Merge (%s): a function mode is not supported (Keras 1 stored it as Python '
                             'bytecode); rebuild this merge with a Lambda layer or a Keras 2 merge layer.' % name)
        return _keras2_layer(mode, concat_axis, dot_axes, name)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)
