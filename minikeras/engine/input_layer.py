"""`Input()` and `InputLayer`: the entry points of a layer graph."""
from .. import backend as K
from .base_layer import Layer, _dtype_name


class InputLayer(Layer):
    """A layer holding a placeholder; its output is the model input tensor.

    Args:
        input_shape: shape without the batch axis.
        batch_size: optional fixed batch size.
        batch_input_shape: full shape including the batch axis (alternative).
        dtype: dtype of the placeholder (default floatx).
        input_tensor: an existing tensor to wrap instead of a new placeholder.
        sparse: must be False (no sparse tensors in the numpy backend).
        name: layer name (default `input_N`).
    """

    def __init__(self, input_shape=None, batch_size=None, batch_input_shape=None, dtype=None,
                 input_tensor=None, sparse=False, name=None, **kwargs):
        if 'batch_shape' in kwargs and batch_input_shape is None:  # tf_keras spelling
            batch_input_shape = kwargs.pop('batch_shape')
        if kwargs.pop('ragged', False):
            raise ValueError('InputLayer %s: ragged=True (a tf.keras RaggedTensor input) is not supported: minikeras '
                             'tensors are dense; pad the sequences (preprocessing.sequence.pad_sequences)' % name)
        for key in ('optional', 'module', 'registered_name'):  # Keras 3 / registration metadata
            kwargs.pop(key, None)
        if not name:
            name = 'input_' + str(K.get_uid('input'))
        super(InputLayer, self).__init__(name=name, **{k: v for k, v in kwargs.items() if k == 'trainable'})
        unknown = set(kwargs) - {'trainable'}
        if unknown:
            raise TypeError('Keyword argument not understood by InputLayer: %s' % ', '.join(sorted(unknown)))
        self.trainable = False
        self.built = True
        self.sparse = sparse
        if sparse:
            raise ValueError('InputLayer %s: sparse inputs are not supported by the numpy backend' % name)
        if input_shape is not None and batch_input_shape is not None:
            raise ValueError('Only provide the input_shape OR batch_input_shape argument to InputLayer, '
                             'not both at the same time.')
        if input_tensor is not None and batch_input_shape is None:
            batch_input_shape = K.int_shape(input_tensor)
        if batch_input_shape is None:
            if input_shape is None:
                raise ValueError('An Input layer should be passed either a `batch_input_shape` or an '
                                 '`input_shape`.')
            batch_input_shape = (batch_size,) + tuple(input_shape)
        batch_input_shape = tuple(None if d is None else int(d) for d in batch_input_shape)
        self.batch_input_shape = batch_input_shape
        if dtype is None:
            dtype = K.floatx() if input_tensor is None else K.dtype(input_tensor)
        self.dtype = _dtype_name(dtype)
        if input_tensor is None:
            self.is_placeholder = True
            input_tensor = K.placeholder(shape=batch_input_shape, dtype=self.dtype, name=self.name)
        else:
            self.is_placeholder = False
            input_tensor._keras_shape = batch_input_shape
        input_tensor._uses_learning_phase = False
        input_tensor._keras_history = (self, 0, 0)
        input_tensor._keras_shape = batch_input_shape
        from .base_layer import Node
        Node(self, inbound_layers=[], node_indices=[], tensor_indices=[], input_tensors=[input_tensor],
             output_tensors=[input_tensor], input_masks=[None], output_masks=[None],
             input_shapes=[batch_input_shape], output_shapes=[batch_input_shape])

    def get_config(self):
        return {'batch_input_shape': self.batch_input_shape, 'dtype': self.dtype, 'sparse': self.sparse,
                'name': self.name}


def Input(shape=None, batch_shape=None, name=None, dtype=None, sparse=False, tensor=None, **kwargs):
    """Creates a Keras input tensor (the output of a new `InputLayer`).

    Args:
        shape: shape tuple (or list) without the batch axis, e.g. `(32,)`.
        batch_shape: full shape including the batch axis (alternative to `shape`).
        name: layer name.
        dtype: e.g. 'float32' (default) or 'int32'.
        sparse: not supported (must be False).
        tensor: an existing tensor to wrap.
        batch_size: optional fixed batch size (keyword).

    Returns:
        A symbolic tensor.

    Example::

        x = Input(shape=(784,))
        y = Dense(10)(x)
    """
    batch_size = kwargs.pop('batch_size', None)
    if kwargs:
        raise TypeError('Unrecognized keyword arguments to Input: %s' % ', '.join(sorted(kwargs)))
    if shape is None and batch_shape is None and tensor is None:
        raise ValueError('Please provide to Input either a `shape` or a `batch_shape` argument. Note that '
                         '`shape` does not include the batch dimension.')
    if shape is not None and batch_shape is None:
        if isinstance(shape, int):
            shape = (shape,)
        batch_shape = (batch_size,) + tuple(shape)
    layer = InputLayer(batch_input_shape=batch_shape, name=name, dtype=dtype, sparse=sparse,
                       input_tensor=tensor)
    outputs = layer._inbound_nodes[0].output_tensors
    return outputs[0] if len(outputs) == 1 else outputs
