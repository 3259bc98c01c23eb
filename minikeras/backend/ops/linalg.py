"""Matrix products: `MatMul` (numpy matmul semantics, batched and broadcast),
with optional transposition of either operand so gradients need no copies."""
from ..graph.op import Op, broadcast_shapes, result_dtype
from ..graph.tensor import shape_str
from ..kernels import matmul as kmatmul


def _swap_last(x):
    return x.swapaxes(-1, -2) if x.ndim >= 2 else x


class MatMul(Op):
    """`op(a) @ op(b)` where op transposes the last two axes when `transpose_a`/`transpose_b`.

    Both operands have rank >= 2; leading (batch) axes broadcast.
    """
    fresh_output = True
    broadcasts = True

    def infer(self, a, b):
        if len(a.shape) < 2 or len(b.shape) < 2:
            raise ValueError('MatMul: both operands need rank >= 2; got shapes %s and %s'
                             % (shape_str(a.shape), shape_str(b.shape)))
        m, k1 = a.shape[-2:][::-1] if self.transpose_a else a.shape[-2:]
        k2, n = b.shape[-2:][::-1] if self.transpose_b else b.shape[-2:]
        if k1 is not None and k2 is not None and k1 != k2:
            raise ValueError('Incompatible shapes for a matrix product: %s and %s (inner dimensions %d and %d)'
                             % (shape_str(a.shape), shape_str(b.shape), k1, k2))
        batch = broadcast_shapes(self.name, a.shape[:-2], b.shape[:-2])
        return batch + (m, n), result_dtype(a.dtype, b.dtype)

    def forward(self, a, b):
        if self.transpose_a:
            a = _swap_last(a)
        if self.transpose_b:
            b = _swap_last(b)
        return kmatmul.matmul(a, b)

    def grad(self, inputs, outputs, gs):
        a, b = inputs
        g = gs[0]
        ta, tb = self.transpose_a, self.transpose_b
        if not ta:
            ga = MatMul(transpose_a=False, transpose_b=not tb)(g, b)
        else:
            ga = MatMul(transpose_a=tb, transpose_b=True)(b, g)
        if not tb:
            gb = MatMul(transpose_a=not ta, transpose_b=False)(a, g)
        else:
            gb = MatMul(transpose_a=True, transpose_b=ta)(g, a)
        return [ga, gb]


def matmul(a, b, transpose_a=False, transpose_b=False):
    return MatMul(transpose_a=bool(transpose_a), transpose_b=bool(transpose_b))(a, b)
