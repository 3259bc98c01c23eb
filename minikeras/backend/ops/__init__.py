"""Op definitions. Importing this package installs the Python operators
(`+ - * / ** @`, unary minus, comparisons, indexing) on symbolic tensors and
registers the graph hooks (`minikeras.backend.graph.hooks`)."""
from ..graph import hooks
from ..graph.tensor import Tensor
from . import elementwise as ew
from . import linalg, shape


def _binary(op_class, reflected=False):
    def method(self, other):
        other = ew.as_tensor(other, like=self)
        return op_class()(other, self) if reflected else op_class()(self, other)
    return method


def _matmul(self, other):
    other = ew.as_tensor(other, like=self)
    return linalg.matmul(self, other)


def _rmatmul(self, other):
    return linalg.matmul(ew.as_tensor(other, like=self), self)


def _getitem(self, index):
    encoded, bounds = shape.encode_index(index)
    return shape.GetItem(index=encoded)(self, *bounds)


def _install_operators():
    for name, op_class in [('add', ew.Add), ('sub', ew.Sub), ('mul', ew.Mul), ('truediv', ew.Div),
                           ('pow', ew.Pow), ('floordiv', ew.FloorDiv), ('mod', ew.Mod)]:
        setattr(Tensor, '__%s__' % name, _binary(op_class))
        setattr(Tensor, '__r%s__' % name, _binary(op_class, reflected=True))
    for name, op_class in [('lt', ew.Less), ('le', ew.LessEqual), ('gt', ew.Greater), ('ge', ew.GreaterEqual)]:
        setattr(Tensor, '__%s__' % name, _binary(op_class))
    Tensor.__and__ = _binary(ew.LogicalAnd)
    Tensor.__or__ = _binary(ew.LogicalOr)
    Tensor.__invert__ = lambda self: ew.LogicalNot()(self)
    Tensor.__div__ = Tensor.__truediv__
    Tensor.__rdiv__ = Tensor.__rtruediv__
    Tensor.__neg__ = lambda self: ew.Neg()(self)
    Tensor.__pos__ = lambda self: self
    Tensor.__abs__ = lambda self: ew.Abs()(self)
    Tensor.__matmul__ = _matmul
    Tensor.__rmatmul__ = _rmatmul
    Tensor.__getitem__ = _getitem


_install_operators()
hooks.register(as_tensor=ew.as_tensor, constant=ew.constant, zeros_like=ew.zeros_like, ones_like=ew.ones_like,
               unbroadcast=shape.unbroadcast)
