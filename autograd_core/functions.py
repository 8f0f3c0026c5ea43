"""The unary ops of the table as free functions, as HIPS autograd's ``np.cos`` and PyTorch's ``torch.cos``.

``cos(x)`` of a Value is the Value ``x.cos()``; of a plain number it is the float cos x, from the
same row's forward, with the same domain errors (``log(-1.0)`` raises as ``Value(-1.0).log()``
does).  So one function body works on constants and on Values.  ``sum`` and ``dot`` (n-ary)
are in ``value``; the operators ``+ − × ÷ ** -x`` need no function.
"""

from __future__ import annotations

from collections.abc import Callable

from . import ops
from .ops import Op
from .value import Value, _as_float, apply


def _function(op: Op) -> Callable[[Value | float], Value | float]:
    """v = op(x): a Value for a Value x, a float for a real number x."""
    forward, name = op.forward, op.name

    def function(x: Value | float) -> Value | float:
        if isinstance(x, Value):
            return apply(op, x)
        try:
            number = _as_float(x)  # ints, bools, numpy scalars
        except TypeError:
            raise TypeError(f"{name}(x) takes a Value or a real number, got {type(x).__name__}: {x!r:.60}") from None
        return forward(number)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"v = {name}(x), {op.formula}: a Value for a Value x, a float for a number (domain {op.domain})."
    return function


exp = _function(ops.EXP)
log = _function(ops.LOG)
log1p = _function(ops.LOG1P)
sqrt = _function(ops.SQRT)
tanh = _function(ops.TANH)
sigmoid = _function(ops.SIGMOID)
relu = _function(ops.RELU)
sin = _function(ops.SIN)
cos = _function(ops.COS)
abs = _function(ops.ABS)  # autograd_core.abs, as numpy.abs
step = _function(ops.STEP)
sign = _function(ops.SIGN)

FUNCTIONS = {f.__name__: f for f in (exp, log, log1p, sqrt, tanh, sigmoid, relu, sin, cos, abs, step, sign)}
"""Every free function by its op's name: one per unary row of the table, except the operator −x."""
