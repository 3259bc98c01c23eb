"""Random ops. Each op owns a numpy RandomState seeded at graph-build time
(from `seed`, or from numpy's global generator when seed is None), and draws
fresh values at every run of a compiled function. They are never merged or
constant-folded, and have no gradient."""
from ..graph.op import Op
from ..kernels.xp import xp
from .shape import known_value


class RandomOp(Op):
    """Base of random ops: an optional 1-D int input gives a run-time shape,
    otherwise the static `shape` attribute is used."""
    abstract = True
    fresh_output = True
    differentiable = False
    deterministic = False

    def __init__(self, **attrs):
        seed = attrs.get('seed')
        if seed is None:
            seed = xp.random.randint(10e6)
        attrs['seed'] = int(seed)
        Op.__init__(self, **attrs)
        self.rng = xp.random.RandomState(self.seed)

    def infer(self, *shape_tensor):
        if shape_tensor:
            dims = known_value(shape_tensor[0])
            if dims is None:
                raise ValueError('%s: the shape must be a 1-D int tensor of static length; got %r'
                                 % (self.name, shape_tensor[0]))
            return tuple(dims), self.dtype
        return tuple(self.shape), self.dtype

    def _shape(self, shape_tensor):
        return tuple(int(d) for d in shape_tensor[0]) if shape_tensor else tuple(self.shape)

    def forward(self, *shape_tensor):
        return self.sample(self._shape(shape_tensor)).astype(self.dtype, copy=False)


class RandomNormal(RandomOp):
    def sample(self, shape):
        return self.rng.normal(self.mean, self.stddev, shape)


class RandomUniform(RandomOp):
    def sample(self, shape):
        return self.rng.uniform(self.minval, self.maxval, shape)


class RandomBinomial(RandomOp):
    """1 with probability `p`, else 0."""

    def sample(self, shape):
        return self.rng.random_sample(shape) < self.p


class TruncatedNormal(RandomOp):
    """Normal values redrawn until within two standard deviations of the mean."""

    def sample(self, shape):
        out = self.rng.normal(0.0, 1.0, shape)
        bad = xp.abs(out) > 2.0
        while bad.any():
            out[bad] = self.rng.normal(0.0, 1.0, int(bad.sum()))
            bad = xp.abs(out) > 2.0
        return out * self.stddev + self.mean
