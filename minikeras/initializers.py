"""Weight initializers (Keras 2.2 semantics, tf_keras class names accepted).

An initializer is called as ``init(shape, dtype=None)`` and returns a tensor
holding the initial value; `Layer.add_weight` turns it into a variable with
``K.variable(init(shape, dtype))``.

Design note (differs from Keras 2.2, same distributions): Keras 2.2 returns
symbolic random tensors (``K.random_normal(...)``) that TensorFlow evaluates
once. Here every initializer draws its values on the host with numpy and
returns a ``K.constant``: no graph is built or run for an initial value, and
the draw is reproducible with ``np.random.seed(...)`` (when ``seed`` is None
the global numpy generator is used; with a ``seed`` a private
``np.random.RandomState(seed)`` is used, so the same seed gives the same
values on every call).

Names: the Keras 2.2 functions ``glorot_uniform()``, ``he_normal()``, ...
return a `VarianceScaling` instance (serialized as ``VarianceScaling``, which
Keras 2.2 and tf_keras both read); the tf_keras classes ``GlorotUniform``,
``HeNormal``, ... keep their class name and a ``{'seed': ...}`` config so that
tf_keras configs round-trip unchanged. String identifiers (``'zeros'``,
``'glorot_uniform'``, ``'GlorotUniform'``, ``'orthogonal'``, ...) go
through `get`.

Example::

    from minikeras import initializers, backend as K
    w = K.variable(initializers.get('glorot_uniform')((784, 512)))
"""
import contextlib
import threading

import numpy as np

from . import backend as K
from .utils.generic_utils import registry_functions

# Standard deviation of a standard normal truncated to [-2, 2]
# (scipy.stats.truncnorm.std(a=-2, b=2)); VarianceScaling divides by it so the
# truncated draw has the requested standard deviation.
_TRUNCATED_STD = .87962566103423978


def _rng(seed):
    """The numpy generator used for a draw: private when seeded, global otherwise."""
    return np.random.RandomState(seed) if seed is not None else np.random


# Values are drawn in float64 chunks of this many entries and stored straight into the target dtype:
# building a weight needs its own size plus one chunk, not a float64 copy of the whole weight.
_CHUNK = 1 << 16


def _to_constant(value, dtype):
    """`value` as a constant that `K.variable` may take over without copying (see `_fresh`)."""
    dtype = dtype or K.floatx()
    value = np.asarray(value, dtype=dtype)
    if value.flags.owndata:
        value.flags.writeable = False  # K.constant keeps a read-only array as it is
    constant = K.constant(value, dtype=dtype)
    constant.transfer_to_variable = value.flags.owndata
    return constant


def _fresh(shape, dtype, draw):
    """A new array of `dtype` filled chunk by chunk with `draw(n)` (n float64 values at a time).

    Successive chunks continue the generator's stream, so the values are
    those of one `draw(size)` call; only a chunk is ever held in float64.
    """
    out = np.empty(shape, dtype=dtype or K.floatx())
    flat = out.reshape(-1)
    for start in range(0, flat.size, _CHUNK):
        flat[start:start + _CHUNK] = draw(min(_CHUNK, flat.size - start))
    return out


def _shape_tuple(shape):
    try:
        shape = tuple(int(d) for d in shape)
    except TypeError:
        raise ValueError('Initializers need a fully known shape (a tuple of ints), got %r' % (shape,))
    if any(d < 0 for d in shape):
        raise ValueError('Initializers need non-negative dimensions, got shape %r' % (shape,))
    return shape


def _truncated_normal(rng, mean, stddev):
    """A `draw(n)` of normal values redrawn while more than two standard deviations from `mean`
    (the distribution of `K.truncated_normal` / TensorFlow's truncated_normal)."""
    def draw(n):
        values = rng.normal(0.0, 1.0, size=n)
        bad = np.abs(values) > 2.0
        while np.any(bad):
            values[bad] = rng.normal(0.0, 1.0, size=int(bad.sum()))
            bad = np.abs(values) > 2.0
        return mean + stddev * values
    return draw


class Initializer(object):
    """Base class: subclasses implement `__call__(shape, dtype=None)`."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError('%s must implement __call__(shape, dtype=None)' % type(self).__name__)

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop('dtype', None)  # written by some Keras versions, not an argument
        return cls(**config)

    def __repr__(self):
        args = ', '.join('%s=%r' % kv for kv in sorted(self.get_config().items()))
        return '%s(%s)' % (type(self).__name__, args)


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return _to_constant(np.zeros(_shape_tuple(shape), dtype=dtype or K.floatx()), dtype)


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return _to_constant(np.ones(_shape_tuple(shape), dtype=dtype or K.floatx()), dtype)


class Constant(Initializer):
    """Every entry equal to `value` (a scalar, or an array broadcastable to the shape)."""

    def __init__(self, value=0):
        self.value = value

    def __call__(self, shape, dtype=None):
        shape = _shape_tuple(shape)
        try:
            value = np.broadcast_to(np.asarray(self.value), shape)
        except ValueError:
            raise ValueError('Constant initializer: value of shape %s cannot fill a weight of shape %s'
                             % (np.shape(self.value), shape))
        return _to_constant(np.array(value, dtype=dtype or K.floatx()), dtype)

    def get_config(self):
        value = self.value
        if isinstance(value, np.ndarray):
            value = value.tolist()
        elif isinstance(value, np.generic):
            value = value.item()
        return {'value': value}


class RandomNormal(Initializer):
    """Normal distribution.

    Args:
        mean: mean of the values.
        stddev: standard deviation.
        seed: int for a reproducible private generator (None: global numpy RNG).
    """

    def __init__(self, mean=0., stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed

    def __call__(self, shape, dtype=None):
        rng = _rng(self.seed)
        return _to_constant(_fresh(_shape_tuple(shape), dtype, lambda n: rng.normal(self.mean, self.stddev, n)),
                            dtype)

    def get_config(self):
        return {'mean': self.mean, 'stddev': self.stddev, 'seed': self.seed}


class RandomUniform(Initializer):
    """Uniform distribution on [minval, maxval)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        self.seed = seed

    def __call__(self, shape, dtype=None):
        rng = _rng(self.seed)
        return _to_constant(_fresh(_shape_tuple(shape), dtype, lambda n: rng.uniform(self.minval, self.maxval, n)),
                            dtype)

    def get_config(self):
        return {'minval': self.minval, 'maxval': self.maxval, 'seed': self.seed}


class TruncatedNormal(Initializer):
    """Normal distribution with values beyond two standard deviations redrawn
    (`stddev` is that of the untruncated normal, as Keras 2.2)."""

    def __init__(self, mean=0., stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed

    def __call__(self, shape, dtype=None):
        draw = _truncated_normal(_rng(self.seed), self.mean, self.stddev)
        return _to_constant(_fresh(_shape_tuple(shape), dtype, draw), dtype)

    def get_config(self):
        return {'mean': self.mean, 'stddev': self.stddev, 'seed': self.seed}


def _compute_fans(shape, data_format='channels_last'):
    """Fan-in and fan-out of a weight shape, as Keras 2.2.

    2-D `(in, out)` kernels use the two dims; 3/4/5-D convolution kernels
    multiply the channel dims by the receptive field size (channels_last:
    `(..spatial.., in, out)`; channels_first: `(out, in, ..spatial..)`); any
    other rank uses `sqrt(prod(shape))` for both.

    Returns:
        (fan_in, fan_out) as floats or ints.
    """
    shape = tuple(shape)
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) in (3, 4, 5):
        if data_format == 'channels_first':
            receptive_field_size = int(np.prod(shape[2:]))
            return shape[1] * receptive_field_size, shape[0] * receptive_field_size
        if data_format == 'channels_last':
            receptive_field_size = int(np.prod(shape[:-2]))
            return shape[-2] * receptive_field_size, shape[-1] * receptive_field_size
        raise ValueError('Invalid data_format: %r (expected "channels_first" or "channels_last")'
                         % (data_format,))
    fan = np.sqrt(np.prod(shape))
    return fan, fan


class VarianceScaling(Initializer):
    """Scales its distribution to the shape of the weight.

    With `n` = fan_in, fan_out or their mean (by `mode`):
    `distribution='normal'` (also spelled `'truncated_normal'`) draws from a
    normal truncated at two standard deviations whose standard deviation is
    `sqrt(scale / n)` (the untruncated stddev is divided by 0.8796..., as in
    Keras 2.2.3+ and tf_keras); `'untruncated_normal'` draws from a plain
    normal with stddev `sqrt(scale / n)`; `'uniform'` draws from
    `[-limit, limit]` with `limit = sqrt(3 * scale / n)`.

    Args:
        scale: positive scaling factor.
        mode: 'fan_in', 'fan_out' or 'fan_avg'.
        distribution: 'normal', 'truncated_normal', 'untruncated_normal' or 'uniform'.
        seed: int for a reproducible private generator (None: global numpy RNG).

    Raises:
        ValueError: non-positive scale, unknown mode or distribution.
    """

    _DISTRIBUTIONS = ('normal', 'uniform', 'truncated_normal', 'untruncated_normal')

    def __init__(self, scale=1.0, mode='fan_in', distribution='normal', seed=None):
        if scale <= 0.:
            raise ValueError('`scale` must be a positive float. Got: %r' % (scale,))
        mode = mode.lower()
        if mode not in ('fan_in', 'fan_out', 'fan_avg'):
            raise ValueError('Invalid `mode` argument: expected one of {"fan_in", "fan_out", "fan_avg"} '
                             'but got %r' % (mode,))
        distribution = distribution.lower()
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError('Invalid `distribution` argument: expected one of %s but got %r'
                             % ('{"normal", "uniform", "truncated_normal", "untruncated_normal"}',
                                distribution))
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.seed = seed

    def __call__(self, shape, dtype=None):
        shape = _shape_tuple(shape)
        fan_in, fan_out = _compute_fans(shape)
        scale = self.scale
        if self.mode == 'fan_in':
            scale /= max(1., fan_in)
        elif self.mode == 'fan_out':
            scale /= max(1., fan_out)
        else:
            scale /= max(1., float(fan_in + fan_out) / 2)
        rng = _rng(self.seed)
        if self.distribution in ('normal', 'truncated_normal'):
            draw = _truncated_normal(rng, 0., np.sqrt(scale) / _TRUNCATED_STD)
        elif self.distribution == 'untruncated_normal':
            def draw(n):
                return rng.normal(0., np.sqrt(scale), size=n)
        else:
            limit = np.sqrt(3. * scale)

            def draw(n):
                return rng.uniform(-limit, limit, size=n)
        return _to_constant(_fresh(shape, dtype, draw), dtype)

    def get_config(self):
        return {'scale': self.scale, 'mode': self.mode, 'distribution': self.distribution,
                'seed': self.seed}


class Orthogonal(Initializer):
    """A random orthogonal matrix (Saxe et al., 2014), times `gain`.

    The weight is viewed as a `(prod(shape[:-1]), shape[-1])` matrix whose rows
    or columns (whichever are fewer) are orthonormal.
    """

    def __init__(self, gain=1., seed=None):
        self.gain = gain
        self.seed = seed

    def __call__(self, shape, dtype=None):
        shape = _shape_tuple(shape)
        if len(shape) < 2:
            raise ValueError('The Orthogonal initializer needs a shape of rank >= 2, got %r' % (shape,))
        num_rows = int(np.prod(shape[:-1]))
        num_cols = shape[-1]
        dtype = dtype or K.floatx()
        # LAPACK works in float32 or float64: float16 weights are computed in float32.
        work = np.dtype(dtype) if np.dtype(dtype) in (np.float32, np.float64) else np.float32
        rng = _rng(self.seed)
        a = _fresh((max(num_rows, num_cols), min(num_rows, num_cols)), work, lambda n: rng.normal(0., 1., n))
        # The Q factor of a Gaussian matrix, with the signs of R's diagonal, is uniformly (Haar) distributed.
        q, r = np.linalg.qr(a)
        del a
        q *= np.sign(np.diag(r)).astype(work)
        del r
        if num_rows < num_cols:
            q = q.T
        q = q.reshape(shape)
        if self.gain != 1:
            q *= np.asarray(self.gain, dtype=work)
        return _to_constant(np.ascontiguousarray(q, dtype=dtype), dtype)

    def get_config(self):
        return {'gain': self.gain, 'seed': self.seed}


class Identity(Initializer):
    """`gain` times the identity matrix (2-D weights only).

    A rectangular shape whose long side is a multiple of the short side gets
    identity blocks stacked along the long side, as in Keras 2.2.4.
    """

    def __init__(self, gain=1.):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = _shape_tuple(shape)
        if len(shape) != 2:
            raise ValueError('The Identity initializer can only be used for 2D matrices, got shape %r'
                             % (shape,))
        short, long_ = min(shape), max(shape)
        if short == 0 or long_ % short:
            raise ValueError('The Identity initializer needs the long side of shape %r to be a multiple of the '
                             'short side' % (shape,))
        blocks = [np.eye(short, dtype=dtype or K.floatx())] * (long_ // short)
        matrix = np.concatenate(blocks, axis=0 if shape[0] >= shape[1] else 1)
        if self.gain != 1:
            matrix *= np.asarray(self.gain, dtype=matrix.dtype)
        return _to_constant(matrix, dtype)

    def get_config(self):
        return {'gain': self.gain}


def lecun_uniform(seed=None):
    """Uniform in `[-sqrt(3 / fan_in), sqrt(3 / fan_in)]` (LeCun 98)."""
    return VarianceScaling(scale=1., mode='fan_in', distribution='uniform', seed=seed)


def glorot_normal(seed=None):
    """Truncated normal with stddev `sqrt(2 / (fan_in + fan_out))` (Glorot & Bengio 2010)."""
    return VarianceScaling(scale=1., mode='fan_avg', distribution='normal', seed=seed)


def glorot_uniform(seed=None):
    """Uniform in `[-sqrt(6 / (fan_in + fan_out)), +...]` (Glorot & Bengio 2010)."""
    return VarianceScaling(scale=1., mode='fan_avg', distribution='uniform', seed=seed)


def he_normal(seed=None):
    """Truncated normal with stddev `sqrt(2 / fan_in)` (He et al., 2015)."""
    return VarianceScaling(scale=2., mode='fan_in', distribution='normal', seed=seed)


def lecun_normal(seed=None):
    """Truncated normal with stddev `sqrt(1 / fan_in)` (for `selu` networks)."""
    return VarianceScaling(scale=1., mode='fan_in', distribution='normal', seed=seed)


def he_uniform(seed=None):
    """Uniform in `[-sqrt(6 / fan_in), sqrt(6 / fan_in)]` (He et al., 2015)."""
    return VarianceScaling(scale=2., mode='fan_in', distribution='uniform', seed=seed)


class _NamedVarianceScaling(VarianceScaling):
    """A VarianceScaling preset under its tf_keras class name; config is `{'seed'}`."""

    _PRESET = None  # (scale, mode, distribution)

    def __init__(self, seed=None):
        scale, mode, distribution = self._PRESET
        super(_NamedVarianceScaling, self).__init__(scale=scale, mode=mode, distribution=distribution,
                                                    seed=seed)

    def get_config(self):
        return {'seed': self.seed}


class GlorotUniform(_NamedVarianceScaling):
    """tf_keras name of `glorot_uniform`."""
    _PRESET = (1., 'fan_avg', 'uniform')


class GlorotNormal(_NamedVarianceScaling):
    """tf_keras name of `glorot_normal`."""
    _PRESET = (1., 'fan_avg', 'normal')


class HeUniform(_NamedVarianceScaling):
    """tf_keras name of `he_uniform`."""
    _PRESET = (2., 'fan_in', 'uniform')


class HeNormal(_NamedVarianceScaling):
    """tf_keras name of `he_normal`."""
    _PRESET = (2., 'fan_in', 'normal')


class LecunUniform(_NamedVarianceScaling):
    """tf_keras name of `lecun_uniform`."""
    _PRESET = (1., 'fan_in', 'uniform')


class LecunNormal(_NamedVarianceScaling):
    """tf_keras name of `lecun_normal`."""
    _PRESET = (1., 'fan_in', 'normal')


# Compatibility aliases (Keras 2.2).
zero = zeros = Zeros
one = ones = Ones
constant = Constant
uniform = random_uniform = RandomUniform
normal = random_normal = RandomNormal
truncated_normal = TruncatedNormal
identity = Identity
orthogonal = Orthogonal

_OBJECT_NAMES = ('Initializer', 'Zeros', 'Ones', 'Constant', 'RandomNormal', 'RandomUniform',
                 'TruncatedNormal', 'VarianceScaling', 'Orthogonal', 'Identity',
                 'GlorotUniform', 'GlorotNormal', 'HeUniform', 'HeNormal', 'LecunUniform', 'LecunNormal',
                 'lecun_uniform', 'glorot_normal', 'glorot_uniform', 'he_normal', 'lecun_normal',
                 'he_uniform', 'zero', 'zeros', 'one', 'ones', 'constant', 'uniform', 'random_uniform',
                 'normal', 'random_normal', 'truncated_normal', 'identity', 'orthogonal')


_LOADING = threading.local()


@contextlib.contextmanager
def skip_initialization(max_elements, source):
    """Within the block, `Layer.add_weight` creates zero-filled weights without running initializers.

    Loading a model uses it: every weight is overwritten from the file, so
    drawing random values first is wasted work, and the weights a config
    asks for are bounded by what the file stores (`max_elements`), so a
    small file cannot make the loader allocate a huge layer.

    Args:
        max_elements: how many weight values the layers may create in all.
        source: the file, named in the error.

    Raises:
        InvalidFileError: (from `add_weight`) the config asks for more.
    """
    previous = getattr(_LOADING, 'budget', None)
    _LOADING.budget = {'left': int(max_elements), 'asked': 0, 'limit': int(max_elements), 'source': source}
    try:
        yield
    finally:
        _LOADING.budget = previous


def value_while_loading(shape, dtype, name):
    """The initial value `add_weight` uses inside `skip_initialization`, or None outside it.

    Returns:
        A zero array (allocated lazily by the OS), or None.

    Raises:
        InvalidFileError: the weight would exceed the file's weight values.
    """
    budget = getattr(_LOADING, 'budget', None)
    if budget is None:
        return None
    count = int(np.prod(shape, dtype=np.float64))
    budget['asked'] += count
    budget['left'] -= count
    if budget['left'] < 0:
        from .utils.io_utils import InvalidFileError
        raise InvalidFileError('%s: refusing to build the model: its config asks for at least %d weight values '
                               '(weight "%s" alone has shape %s) but the file stores only %d. Nothing was '
                               'allocated.' % (budget['source'], budget['asked'], name, tuple(shape),
                                               budget['limit']))
    return np.zeros(shape, dtype=dtype)


def _module_objects():
    return {name: globals()[name] for name in _OBJECT_NAMES}


serialize, deserialize, get = registry_functions('initializer', _module_objects, names_are_classes=True)
