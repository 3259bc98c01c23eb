"""Numpy utilities (`minikeras.utils.np_utils`): `to_categorical`, `normalize`.

Same semantics as `keras.utils.np_utils` in Keras 2, with clear errors where
Keras 2 would silently produce a wrong result (negative labels, labels not
below `num_classes`, non-integer labels).
"""
import numpy as np


def to_categorical(y, num_classes=None, dtype='float32'):
    """Converts a class vector (integers) to a binary class matrix (one-hot).

    E.g. for use with `categorical_crossentropy`.

    # Arguments
        y: class vector to be converted into a matrix (integers from 0 to
            `num_classes - 1`); any array-like of any shape. A trailing axis
            of size 1 is dropped, as in Keras 2: shape (n, 1) gives (n, C).
        num_classes: total number of classes. Default: `max(y) + 1`.
        dtype: the data type of the output, as a string (`'float32'`).

    # Returns
        A binary matrix representation of the input, of shape
        `y.shape + (num_classes,)` (after dropping a trailing axis of size 1).

    # Raises
        ValueError: if `y` holds non-integer or negative values, a value not
            below `num_classes`, or if `num_classes` is not a positive integer.

    # Example
        >>> to_categorical([0, 2, 1], num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]], dtype=float32)
    """
    y = np.asarray(y)
    if y.dtype == object or not (np.issubdtype(y.dtype, np.number) or y.dtype == bool):
        raise ValueError('to_categorical expects integer class labels, got an array of dtype %s.'
                         % y.dtype)
    if np.issubdtype(y.dtype, np.complexfloating):
        raise ValueError('to_categorical expects integer class labels, got complex values.')
    if np.issubdtype(y.dtype, np.floating):
        bad = ~np.isfinite(y) | (y != np.round(y))
        if np.any(bad):
            raise ValueError('to_categorical expects integer class labels, got the non-integer '
                             'value %r.' % (y[bad].ravel()[0].item(),))
    y = y.astype('int64')
    input_shape = y.shape
    if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
        input_shape = tuple(input_shape[:-1])
    y = y.ravel()
    if y.size and y.min() < 0:
        raise ValueError('to_categorical expects class labels >= 0, got %d.' % y.min())
    if num_classes is None:
        if not y.size:
            raise ValueError('to_categorical got an empty label array and no num_classes: '
                             'pass num_classes to set the output width.')
        num_classes = int(y.max()) + 1
    else:
        if isinstance(num_classes, (bool, np.bool_)) or int(num_classes) != num_classes \
                or num_classes < 1:
            raise ValueError('num_classes must be a positive integer, got %r.' % (num_classes,))
        num_classes = int(num_classes)
        if y.size and y.max() >= num_classes:
            raise ValueError('to_categorical got the label %d, which is not below num_classes=%d '
                             '(labels must lie in 0..%d).' % (y.max(), num_classes, num_classes - 1))
    n = y.shape[0]
    categorical = np.zeros((n, num_classes), dtype=dtype)
    categorical[np.arange(n), y] = 1
    return np.reshape(categorical, input_shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """Normalizes a numpy array along one axis.

    # Arguments
        x: numpy array (or array-like) to normalize.
        axis: axis along which to normalize.
        order: normalization order (e.g. 2 for the L2 norm, 1 for L1), as
            the `ord` argument of `numpy.linalg.norm`.

    # Returns
        A normalized copy of the array: each slice along `axis` divided by
        its norm. Slices whose norm is 0 are left as they are (zeros).
    """
    x = np.asarray(x)
    if x.ndim == 0:
        raise ValueError('normalize expects an array with at least one axis, got a scalar.')
    if isinstance(axis, (int, np.integer)) and not -x.ndim <= axis < x.ndim:
        raise ValueError('normalize got axis=%d for an array of %d dimension(s).' % (axis, x.ndim))
    l2 = np.atleast_1d(np.linalg.norm(x, order, axis))
    l2[l2 == 0] = 1
    return x / np.expand_dims(l2, axis)
