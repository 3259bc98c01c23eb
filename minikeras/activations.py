"""Built-in activation functions (Keras 2.2 semantics) and their registry.

Every activation is a plain function of a symbolic tensor that only uses `K`
ops, so it can be used anywhere a Keras 2 activation can: ``Dense(activation=
'relu')``, ``Activation('tanh')`` or called directly on a tensor.

Example::

    from minikeras import activations, backend as K
    f = activations.get('relu')
    K.eval(f(K.constant([[-1., 2.]])))   # -> [[0., 2.]]

`get(None)` returns `linear`; an unknown name raises `ValueError` naming it.
The advanced activations with weights or configuration (`LeakyReLU`, `PReLU`,
`ELU`, `ThresholdedReLU`, `Softmax`, `ReLU`) are layers, in `minikeras.layers`.
"""
import warnings

from . import backend as K
from .utils.generic_utils import registry_functions

# Constants of the scaled exponential linear unit (Klambauer et al., 2017).
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def softmax(x, axis=-1):
    """Softmax along `axis`.

    Args:
        x: tensor of rank >= 2.
        axis: the axis normalised to sum to 1 (default: the last one).

    Returns:
        A tensor shaped like `x`.

    Raises:
        ValueError: `x` has rank 0 or 1 (as Keras 2.2, which refuses 1-D input).
    """
    ndim = K.ndim(x)
    if ndim < 2:
        raise ValueError('Cannot apply softmax to a tensor that is 1D (or a scalar): got a tensor of '
                         'shape %s. Softmax needs at least (batch, features).' % (K.int_shape(x),))
    return K.softmax(x, axis=axis)


def elu(x, alpha=1.0):
    """Exponential linear unit: `x` for x > 0, `alpha * (exp(x) - 1)` otherwise."""
    return K.elu(x, alpha)


def selu(x):
    """Scaled exponential linear unit: `scale * elu(x, alpha)` with the fixed
    constants alpha ~ 1.6733 and scale ~ 1.0507 (use with `lecun_normal`)."""
    # Negative side computed as Keras 2's reference values are, (exp(x) - 1) * scale * alpha, to the
    # last bit; exp of min(x, 0) keeps the unused branch finite (and its gradient free of inf * 0).
    negative = (K.exp(K.minimum(x, 0.)) - 1.) * _SELU_SCALE * _SELU_ALPHA
    return K.switch(K.greater(x, 0.), x * _SELU_SCALE, negative)


def softplus(x):
    """`log(exp(x) + 1)`, computed stably."""
    return K.softplus(x)


def softsign(x):
    """`x / (abs(x) + 1)`."""
    return K.softsign(x)


def relu(x, alpha=0., max_value=None, threshold=0.):
    """Rectified linear unit with the Keras 2.2 options.

    Args:
        x: input tensor.
        alpha: slope for values below `threshold`.
        max_value: saturation value (None: no upper bound).
        threshold: values below it are damped (multiplied by `alpha`).

    Returns:
        `x` for threshold <= x < max_value, `max_value` above it and
        `alpha * (x - threshold)` below the threshold.
    """
    return K.relu(x, alpha=alpha, max_value=max_value, threshold=threshold)


def tanh(x):
    """Hyperbolic tangent."""
    return K.tanh(x)


def sigmoid(x):
    """Logistic sigmoid `1 / (1 + exp(-x))`."""
    return K.sigmoid(x)


def hard_sigmoid(x):
    """Piecewise-linear sigmoid: `clip(0.2 * x + 0.5, 0, 1)`."""
    return K.hard_sigmoid(x)


def exponential(x):
    """`exp(x)`."""
    return K.exp(x)


def linear(x):
    """The identity (the activation used when none is given)."""
    return x


def serialize(activation):
    """The name of an activation function (its `__name__`).

    Raises:
        ValueError: the object has no name to serialize.
    """
    if hasattr(activation, 'get_config'):
        # A configurable callable (e.g. an advanced activation layer) keeps its config.
        return {'class_name': activation.__class__.__name__, 'config': activation.get_config()}
    if not hasattr(activation, '__name__'):
        raise ValueError('Cannot serialize activation %r: it has no __name__' % (activation,))
    return activation.__name__


_ACTIVATIONS = ('softmax', 'elu', 'selu', 'softplus', 'softsign', 'relu', 'tanh', 'sigmoid',
                'hard_sigmoid', 'exponential', 'linear')


def _module_objects():
    return {name: globals()[name] for name in _ACTIVATIONS}


deserialize, _resolve = registry_functions('activation function', _module_objects, default=linear)[1:]


def get(identifier):
    """Resolves an activation identifier to a callable.

    Args:
        identifier: None (-> `linear`), a name such as `'relu'`, a serialized
            config dict, or a callable (returned as is).

    Returns:
        A function (or callable object) mapping a tensor to a tensor.

    Raises:
        ValueError: unknown name, or an identifier that is none of the above.
    """
    if callable(identifier):
        from .engine.base_layer import Layer
        if isinstance(identifier, Layer):
            warnings.warn('Do not pass a layer instance (such as %s) as the activation of another layer; add '
                          'advanced activation layers to the model like any other layer.'
                          % type(identifier).__name__)
    return _resolve(identifier)
