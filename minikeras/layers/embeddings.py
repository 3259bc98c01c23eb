"""The `Embedding` layer: integer indices to dense vectors."""
from .. import backend as K
from .. import constraints
from .. import initializers
from .. import regularizers
from ..engine import input_checks
from ..engine.base_layer import Layer

__all__ = ['Embedding']


class Embedding(Layer):
    """Turns positive integer indices into dense vectors of fixed size.

    `[[4], [20]] -> [[[0.25, 0.1]], [[0.6, -0.2]]]`

    Args:
        input_dim: size of the vocabulary (largest index + 1).
        output_dim: dimension of the dense embedding.
        embeddings_initializer: initializer of the `(input_dim, output_dim)` matrix.
        embeddings_regularizer: regularizer of the matrix.
        activity_regularizer: regularizer of the output.
        embeddings_constraint: constraint on the matrix.
        mask_zero: treat index 0 as padding: the layer outputs a mask
            `inputs != 0` that later layers (e.g. recurrent ones) use. Then
            index 0 cannot be a real word, so `input_dim` should be
            vocabulary size + 1.
        input_length: length of the input sequences when constant (needed to
            connect `Flatten` then `Dense` after it).

    Input shape: `(batch, sequence_length)` of integers (other dtypes are cast).
    Output shape: `(batch, sequence_length, output_dim)`.

    Example::

        model = Sequential()
        model.add(Embedding(1000, 64, input_length=10))
        model.compile('rmsprop', 'mse')
        out = model.predict(np.random.randint(1000, size=(32, 10)))  # (32, 10, 64)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer='uniform', embeddings_regularizer=None,
                 activity_regularizer=None, embeddings_constraint=None, mask_zero=False, input_length=None,
                 **kwargs):
        if 'input_shape' not in kwargs and 'batch_input_shape' not in kwargs:
            if input_length:
                kwargs['input_shape'] = (input_length,)
            else:
                kwargs['input_shape'] = (None,)
        Layer.__init__(self, **kwargs)
        self.input_dim = input_checks.check_units(self, 'input_dim', input_dim)
        self.output_dim = input_checks.check_units(self, 'output_dim', output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.input_length = input_length

    def build(self, input_shape):
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer, name='embeddings',
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint,
                                          dtype=self.dtype if self.dtype.startswith('float') else K.floatx())
        self.built = True

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return K.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.input_length is None:
            return input_shape + (self.output_dim,)
        # input_length may be a tuple (several sequence axes); known input
        # dims take precedence, as in Keras 2.2.
        in_lens = list(self.input_length) if isinstance(self.input_length, (list, tuple)) \
            else [self.input_length]
        if len(in_lens) != len(input_shape) - 1:
            raise ValueError('Embedding %s: `input_length` is %s, but received input has shape %s'
                             % (self.name, self.input_length, input_shape))
        for i, (s1, s2) in enumerate(zip(in_lens, input_shape[1:])):
            if s1 is not None and s2 is not None and s1 != s2:
                raise ValueError('Embedding %s: `input_length` is %s, but received input has shape %s'
                                 % (self.name, self.input_length, input_shape))
            if s1 is None:
                in_lens[i] = s2
        return (input_shape[0],) + tuple(in_lens) + (self.output_dim,)

    def call(self, inputs):
        if K.dtype(inputs) != 'int32':
            inputs = K.cast(inputs, 'int32')
        return K.gather(self.embeddings, inputs)

    def get_config(self):
        config = {'input_dim': self.input_dim,
                  'output_dim': self.output_dim,
                  'embeddings_initializer': initializers.serialize(self.embeddings_initializer),
                  'embeddings_regularizer': regularizers.serialize(self.embeddings_regularizer),
                  'activity_regularizer': regularizers.serialize(self.activity_regularizer),
                  'embeddings_constraint': constraints.serialize(self.embeddings_constraint),
                  'mask_zero': self.mask_zero,
                  'input_length': self.input_length}
        base_config = Layer.get_config(self)
        return dict(list(base_config.items()) + list(config.items()))
