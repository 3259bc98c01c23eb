"""Ops used for an effect beyond their value: `Assign` (a variable update that
`K.function` applies) and `PrintTensor` (prints each time it is computed).
Neither is ever merged, folded or hoisted (`deterministic = False`)."""
from ..graph.op import Op
from .elementwise import Unary


class Assign(Op):
    """An update: evaluating it returns the new value; `K.function(updates=...)`
    assigns it to the variable (input 0) after computing all outputs."""
    differentiable = False
    deterministic = False
    assigns = True

    def infer(self, variable, value):
        return variable.shape, variable.dtype

    def forward(self, variable, value):
        return value


class PrintTensor(Unary):
    """Identity that prints `message` and the value each time it is computed."""
    deterministic = False

    def forward(self, x):
        print(self.message, x)
        return x

    def grad(self, inputs, outputs, gs):
        return [gs[0]]
