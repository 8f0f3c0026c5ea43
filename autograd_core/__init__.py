"""autograd-core: a scalar reverse-mode autodiff engine whose every derivative rule is in one table.

``Value`` records parents and local derivatives ∂v_j/∂v_i; ``backward()`` walks the graph in
reverse topological order summing ∂L/∂v_i = Σ_j ∂L/∂v_j · ∂v_j/∂v_i.  ``sum(xs)`` and
``dot(w, x, b)`` build Σ_i x_i and Σ_j w_j x_j + b as one node each (a neuron's z); ``exp``,
``log``, ``cos`` … are the unary ops as functions, on Values and on plain numbers alike.
"""

from . import collector  # the gc.callbacks hook that spares our graphs the cyclic GC's scans
from .check import GradcheckError, KinkWarning, gradcheck
from .functional import grad, hessian, jvp, value_and_grad
from .functions import abs, cos, exp, log, log1p, relu, sigmoid, sign, sin, sqrt, step, tanh
from .graph import backward, gradients, reverse_topological_order, topological_order
from .ops import OPS, Op, register
from .value import Value, apply, constant, dot, matvec, sum

__all__ = [
    "OPS",
    "GradcheckError",
    "KinkWarning",
    "Op",
    "Value",
    "abs",
    "apply",
    "backward",
    "collector",
    "compile",
    "constant",
    "cos",
    "dot",
    "exp",
    "grad",
    "gradcheck",
    "gradients",
    "hessian",
    "jvp",
    "log",
    "log1p",
    "matvec",
    "register",
    "relu",
    "reverse_topological_order",
    "sigmoid",
    "sign",
    "sin",
    "sqrt",
    "step",
    "sum",
    "tanh",
    "topological_order",
    "value_and_grad",
]


def __getattr__(name: str):
    # The compiled (numpy) mode is imported only when asked for, so the engine needs only the
    # standard library.
    if name == "compile":
        from .compiled import compile

        return compile
    raise AttributeError(f"module 'autograd_core' has no attribute {name!r}")
