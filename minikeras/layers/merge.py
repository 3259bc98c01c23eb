"""Merge layers: combine a list of tensors into one (Keras 2.2 semantics).

Elementwise merges (`Add`, `Subtract`, `Multiply`, `Average`, `Maximum`,
`Minimum`) broadcast their inputs as Keras 2.2 `_Merge` does: the non-batch
shapes must be broadcast-compatible, and inputs of a lower rank are expanded
at axis 1 until all inputs have the same rank. `Concatenate` joins along one
axis and `Dot` computes per-sample dot products with `K.batch_dot`.

Each layer class has a functional form (`add`, `subtract`, ...,
`concatenate`, `dot`) that builds the layer and calls it on the inputs.

Example::

    a = Input(shape=(16,))
    b = Input(shape=(16,))
    s = add([a, b])                      # (None, 16)
    c = concatenate([a, b], axis=-1)     # (None, 32)
    d = dot([a, b], axes=1)              # (None, 1)
"""
from .. import backend as K
from ..backend.graph.tensor import shape_str
from ..engine import input_checks
from ..engine.base_layer import Layer


def _shapes_str(shapes):
    return '[' + ', '.join(shape_str(s) for s in shapes) + ']'


class _Merge(Layer):
    """Base class of the elementwise merge layers.

    Subclasses implement `_merge_function(inputs)` on a list of tensors of
    equal rank. The base class checks the input list and shapes in `build`,
    expands lower-rank inputs at axis 1 in `call`, computes the broadcast
    output shape and combines the input masks with a logical AND.

    Args:
        **kwargs: standard layer keyword arguments (`name`, `trainable`, ...).
    """

    def __init__(self, **kwargs):
        super(_Merge, self).__init__(**kwargs)
        self.supports_masking = True
        self._reshape_required = False

    def _merge_function(self, inputs):
        raise NotImplementedError('%s must implement _merge_function' % type(self).__name__)

    def _compute_elemwise_op_output_shape(self, shape1, shape2):
        """Broadcast shape of two non-batch shapes (None: unknown rank or size).

        Raises:
            ValueError: the shapes cannot be broadcast together.
        """
        if shape1 is None or shape2 is None:
            return None
        if len(shape1) < len(shape2):
            return self._compute_elemwise_op_output_shape(shape2, shape1)
        if not shape2:
            return tuple(shape1)
        output_shape = list(shape1[:-len(shape2)])
        for i, j in zip(shape1[-len(shape2):], shape2):
            if i is None or j is None:
                output_shape.append(None)
            elif i == 1:
                output_shape.append(j)
            elif j == 1:
                output_shape.append(i)
            else:
                if i != j:
                    raise ValueError('Layer %s: operands could not be broadcast together with shapes %s %s'
                                     % (self.name, shape_str(shape1), shape_str(shape2)))
                output_shape.append(i)
        return tuple(output_shape)

    def _check_input_list(self, input_shape, minimum=2):
        if not isinstance(input_shape, list) or (input_shape and not isinstance(input_shape[0], (tuple, list))
                                                 and input_shape[0] is not None):
            raise ValueError('A merge layer should be called on a list of inputs. Layer %s received a single '
                             'input of shape %s.' % (self.name, shape_str(input_shape)))
        if len(input_shape) < minimum:
            raise ValueError('A merge layer should be called on a list of at least %d inputs. Layer %s got %d '
                             'input(s) with shapes %s.' % (minimum, self.name, len(input_shape),
                                                           _shapes_str(input_shape)))

    def _broadcast_non_batch(self, input_shape):
        output_shape = None if input_shape[0] is None else tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            shape = None if shape is None else tuple(shape[1:])
            try:
                output_shape = self._compute_elemwise_op_output_shape(output_shape, shape)
            except ValueError:
                raise ValueError('Layer %s: the inputs cannot be broadcast together; got inputs with shapes %s'
                                 % (self.name, _shapes_str(input_shape)))
        return output_shape

    def build(self, input_shape):
        """Validates the input shapes (merge layers have no weights).

        Raises:
            ValueError: not a list of at least two inputs, different batch
                sizes, or shapes that do not broadcast.
        """
        self._check_input_list(input_shape)
        batch_sizes = set(s[0] for s in input_shape if s is not None) - {None}
        if len(batch_sizes) > 1:
            raise ValueError('Layer %s: can not merge tensors with different batch sizes. Got tensors with '
                             'shapes %s' % (self.name, _shapes_str(input_shape)))
        self._broadcast_non_batch(input_shape)
        # Inputs of different ranks are expanded (at axis 1) before merging.
        self._reshape_required = not (None not in input_shape and len(set(map(len, input_shape))) == 1)
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, list):
            raise ValueError('A merge layer should be called on a list of inputs; layer %s got %r'
                             % (self.name, inputs))
        if self._reshape_required:
            max_ndim = max(K.ndim(x) for x in inputs)
            reshaped = []
            for x in inputs:
                for _ in range(max_ndim - K.ndim(x)):
                    x = K.expand_dims(x, 1)
                reshaped.append(x)
            return self._merge_function(reshaped)
        return self._merge_function(inputs)

    def compute_output_shape(self, input_shape):
        output_shape = self._broadcast_non_batch(input_shape)
        batch_sizes = set(s[0] for s in input_shape if s is not None) - {None}
        batch = list(batch_sizes)[0] if len(batch_sizes) == 1 else None
        if output_shape is None:
            return None
        return (batch,) + tuple(output_shape)

    def _any_input_masked(self, inputs, mask):
        """Whether any input carries a mask, after checking `inputs` and `mask`
        are lists of the same length.

        Raises:
            ValueError: `mask` or `inputs` is not a list, or their lengths differ.
        """
        if mask is None:
            return False
        if not isinstance(mask, list):
            raise ValueError('Layer %s: `mask` should be a list.' % self.name)
        if not isinstance(inputs, list):
            raise ValueError('Layer %s: `inputs` should be a list.' % self.name)
        if len(mask) != len(inputs):
            raise ValueError('Layer %s: the lists `inputs` and `mask` should have the same length (%d vs %d).'
                             % (self.name, len(inputs), len(mask)))
        return any(m is not None for m in mask)

    def compute_mask(self, inputs, mask=None):
        """The AND of the input masks (None if no input is masked).

        Raises:
            ValueError: `mask` or `inputs` is not a list, or their lengths differ.
        """
        if not self._any_input_masked(inputs, mask):
            return None
        masks = [K.expand_dims(m, 0) for m in mask if m is not None]
        return K.all(K.concatenate(masks, axis=0), axis=0, keepdims=False)


class Add(_Merge):
    """Adds a list of inputs elementwise (all of the same, or broadcastable, shape).

    Example::

        added = Add()([x1, x2])   # equivalent to add([x1, x2])
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output


class Subtract(_Merge):
    """Subtracts two inputs: `inputs[0] - inputs[1]`.

    Example::

        diff = Subtract()([x1, x2])

    Raises:
        ValueError: called on other than exactly two inputs.
    """

    def build(self, input_shape):
        super(Subtract, self).build(input_shape)
        if len(input_shape) != 2:
            raise ValueError('A `Subtract` layer should be called on exactly 2 inputs; layer %s got %d inputs '
                             'with shapes %s' % (self.name, len(input_shape), _shapes_str(input_shape)))

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError('A `Subtract` layer should be called on exactly 2 inputs; layer %s got %d'
                             % (self.name, len(inputs)))
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    """Multiplies a list of inputs elementwise."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = output * x
        return output


class Average(_Merge):
    """The elementwise mean of a list of inputs."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output / len(inputs)


class Maximum(_Merge):
    """The elementwise maximum of a list of inputs."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = K.maximum(output, x)
        return output


class Minimum(_Merge):
    """The elementwise minimum of a list of inputs."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = K.minimum(output, x)
        return output


class Concatenate(_Merge):
    """Concatenates a list of inputs along one axis.

    All inputs must have the same shape except along the concatenation axis.

    Args:
        axis: the concatenation axis (default -1, the last one).
        **kwargs: standard layer keyword arguments.

    Example::

        merged = Concatenate(axis=1)([a, b])   # (None, 2, 3) + (None, 4, 3) -> (None, 6, 3)
    """

    def __init__(self, axis=-1, **kwargs):
        super(Concatenate, self).__init__(**kwargs)
        self.axis = input_checks.check_int('axis', axis, where='Layer %s (Concatenate)' % self.name)
        self.supports_masking = True
        self._reshape_required = False

    def build(self, input_shape):
        """Validates that the shapes agree except along `axis`.

        Raises:
            ValueError: not a list of at least two inputs, different ranks,
                or a mismatch outside the concatenation axis.
        """
        if not isinstance(input_shape, list) or len(input_shape) < 2 or \
                not all(s is None or isinstance(s, (tuple, list)) for s in input_shape):
            raise ValueError('A `Concatenate` layer should be called on a list of at least 2 inputs; layer %s '
                             'got %s' % (self.name, shape_str(input_shape) if not isinstance(input_shape, list)
                                         else _shapes_str(input_shape)))
        self.built = True
        shapes = [s for s in input_shape if s is not None]
        if not shapes:
            return
        ranks = set(len(s) for s in shapes)
        if len(ranks) > 1:
            raise ValueError('A `Concatenate` layer requires inputs of the same rank; layer %s got inputs '
                             'with shapes %s' % (self.name, _shapes_str(input_shape)))
        rank = ranks.pop()
        if not -rank <= self.axis < rank:
            raise ValueError('Layer %s: concatenation axis %d is out of range for inputs of rank %d (shapes %s)'
                             % (self.name, self.axis, rank, _shapes_str(input_shape)))
        axis = self.axis % rank
        if axis == 0:
            raise ValueError('Layer %s: cannot concatenate along axis %d, the batch axis (inputs of rank %d, shapes '
                             '%s); use an axis in [1, %d] or [-%d, -1]'
                             % (self.name, self.axis, rank, _shapes_str(input_shape), rank - 1, rank - 1))
        for i in range(rank):
            if i == axis:
                continue
            sizes = set(s[i] for s in shapes) - {None}
            if len(sizes) > 1:
                raise ValueError('A `Concatenate` layer requires inputs with matching shapes except for the '
                                 'concat axis. Layer %s (axis=%d) got inputs shapes: %s'
                                 % (self.name, self.axis, _shapes_str(input_shape)))

    def _merge_function(self, inputs):
        return K.concatenate(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, list):
            raise ValueError('A `Concatenate` layer should be called on a list of inputs; layer %s got %s'
                             % (self.name, shape_str(input_shape)))
        output_shape = list(input_shape[0])
        for shape in input_shape[1:]:
            if output_shape[self.axis] is None or shape[self.axis] is None:
                output_shape[self.axis] = None
                break
            output_shape[self.axis] += shape[self.axis]
        # A dimension unknown in the first input may be known in another.
        for i, d in enumerate(output_shape):
            if d is None and i != self.axis % len(output_shape):
                known = [s[i] for s in input_shape if s[i] is not None]
                if known:
                    output_shape[i] = known[0]
        return tuple(output_shape)

    def compute_mask(self, inputs, mask=None):
        """Concatenated masks (an unmasked input counts as all True), reduced
        over the last axis as Keras 2.2 does."""
        if not self._any_input_masked(inputs, mask):
            return None
        masks = []
        for input_i, mask_i in zip(inputs, mask):
            if mask_i is None:
                masks.append(K.cast(K.ones_like(input_i), 'bool'))
            elif K.ndim(mask_i) < K.ndim(input_i):
                masks.append(K.expand_dims(K.cast(mask_i, 'bool')))
            else:
                masks.append(K.cast(mask_i, 'bool'))
        concatenated = K.concatenate(masks, axis=self.axis)
        return K.all(concatenated, axis=-1, keepdims=False)

    def get_config(self):
        config = {'axis': self.axis}
        base_config = super(Concatenate, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))


def _normalize_dot_axes(axes, name):
    if isinstance(axes, int):
        return axes
    if not isinstance(axes, (list, tuple)):
        raise TypeError('Layer %s: invalid type for `axes` (%r) - should be a list or an int.'
                        % (name, type(axes).__name__))
    if len(axes) != 2:
        raise ValueError('Layer %s: invalid format for `axes` %r - should contain two elements.' % (name, axes))
    if not isinstance(axes[0], int) or not isinstance(axes[1], int):
        raise ValueError('Layer %s: invalid format for `axes` %r - list elements should be "int".' % (name, axes))
    return list(axes)


class Dot(_Merge):
    """Dot product between the samples of two tensors (`K.batch_dot`).

    For inputs of shapes `(batch, n)` and `(batch, n)` with `axes=1` the
    output has shape `(batch, 1)`: the per-sample dot products.

    Args:
        axes: int or pair of ints: the axis (axes) along which to take the
            dot product, one per input. Axis 0 is the batch axis.
        normalize: whether to L2-normalise the samples along the dot axes
            first; the output is then the cosine proximity.
        **kwargs: standard layer keyword arguments.

    Raises:
        TypeError, ValueError: malformed `axes`.
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super(Dot, self).__init__(**kwargs)
        self.axes = _normalize_dot_axes(axes, self.name)
        self.normalize = normalize
        self.supports_masking = True
        self._reshape_required = False

    def _axes_for(self, ndims):
        if isinstance(self.axes, int):
            if self.axes < 0:
                return [self.axes % ndims[0], self.axes % ndims[1]]
            return [self.axes] * 2
        return [a % n if a < 0 else a for a, n in zip(self.axes, ndims)]

    def build(self, input_shape):
        """Validates that the two inputs agree along the dot axes.

        Raises:
            ValueError: not a list of exactly two inputs, or the sizes along
                the dot axes differ.
        """
        if not isinstance(input_shape, list) or len(input_shape) != 2 or \
                not all(s is None or isinstance(s, (tuple, list)) for s in input_shape):
            raise ValueError('A `Dot` layer should be called on a list of 2 inputs; layer %s got %s'
                             % (self.name, _shapes_str(input_shape) if isinstance(input_shape, list)
                                else shape_str(input_shape)))
        self.built = True
        shape1, shape2 = input_shape
        if shape1 is None or shape2 is None:
            return
        axes = self._axes_for((len(shape1), len(shape2)))
        for a, s in zip(axes, (shape1, shape2)):
            if not 0 < a < len(s):
                raise ValueError('Layer %s: dot axis %d is out of range (axis 0 is the batch axis) for an input '
                                 'of shape %s' % (self.name, a, shape_str(s)))
        d1, d2 = shape1[axes[0]], shape2[axes[1]]
        if d1 is not None and d2 is not None and d1 != d2:
            raise ValueError('Layer %s: dimension incompatibility %s != %s along axes %s. Layer shapes: %s, %s'
                             % (self.name, d1, d2, axes, shape_str(shape1), shape_str(shape2)))

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError('A `Dot` layer should be called on exactly 2 inputs; layer %s got %d'
                             % (self.name, len(inputs)))
        x1, x2 = inputs
        axes = self._axes_for((K.ndim(x1), K.ndim(x2)))
        if self.normalize:
            x1 = K.l2_normalize(x1, axis=axes[0])
            x2 = K.l2_normalize(x2, axis=axes[1])
        return K.batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, list) or len(input_shape) != 2:
            raise ValueError('A `Dot` layer should be called on a list of 2 inputs; layer %s got %s'
                             % (self.name, input_shape))
        shape1 = list(input_shape[0])
        shape2 = list(input_shape[1])
        axes = self._axes_for((len(shape1), len(shape2)))
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        shape2.pop(0)
        output_shape = shape1 + shape2
        if len(output_shape) == 1:
            output_shape += [1]
        return tuple(output_shape)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        config = {'axes': self.axes, 'normalize': self.normalize}
        base_config = super(Dot, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))


def add(inputs, **kwargs):
    """Functional form of `Add`: `Add(**kwargs)(inputs)`.

    Args:
        inputs: a list of at least 2 tensors.
        **kwargs: layer keyword arguments.

    Returns:
        The elementwise sum.
    """
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of `Subtract`: `inputs[0] - inputs[1]`."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of `Multiply`: the elementwise product."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of `Average`: the elementwise mean."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of `Maximum`: the elementwise maximum."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of `Minimum`: the elementwise minimum."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of `Concatenate`.

    Args:
        inputs: a list of at least 2 tensors.
        axis: the concatenation axis.
        **kwargs: layer keyword arguments.

    Returns:
        The concatenation of the inputs along `axis`.
    """
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes, normalize=False, **kwargs):
    """Functional form of `Dot`.

    Args:
        inputs: a list of 2 tensors.
        axes: int or pair of ints, the dot axes.
        normalize: L2-normalise along the dot axes first (cosine proximity).
        **kwargs: layer keyword arguments.

    Returns:
        The per-sample dot product.
    """
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
