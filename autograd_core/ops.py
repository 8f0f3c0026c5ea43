"""The table of ops: the one place where every forward and local derivative ∂v/∂x_i lives.

Each row is read by the engine (forward values and local derivatives at build time), by
symbolic backward (higher-order derivatives), forward mode, gradcheck's kink detection, the
renderer, the docs' op table and the tests.  A rule ``local(*inputs, v)`` sees the op's inputs
and its output ``v`` and returns one local derivative per input.  Rules are written with
arithmetic and the helpers below, so they work on floats *and* on ``Value`` s: applied to
``Value`` s they build the graph of the derivative, which is how higher orders come for free.

Notation: ``a, b`` are binary inputs, ``x`` a unary input, ``v`` the output, ``n`` a constant
exponent.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Op:
    """One primitive: v = forward(*inputs) and ∂v/∂x_i = local(*inputs, v)[i]."""

    name: str
    symbol: str
    arity: int
    forward: Callable[..., float]
    local: Callable[..., tuple]
    formula: str
    domain: str = "ℝ"
    kinks: tuple[float, ...] = ()
    kink_note: str = ""
    has_const: bool = False
    valid: Callable[..., object] | None = None
    """valid(*inputs[, n]): where forward is defined (True, or a mask on arrays); None: everywhere.

    Overflow is not a domain matter and is left out.  The interpreted engine's forwards raise
    their own messages; the compiled mode reads ``valid`` to find the bad samples of a batch.
    """

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


# Helpers that work on floats, on Values (a Value has the method of the same name) and on the
# numpy batches of the compiled mode (an array brings its own namespace, so no import here).
def _is_array(x) -> bool:
    return hasattr(x, "__array_namespace__")


def _cos(x):
    if type(x) is float:
        return math.cos(x)
    return x.__array_namespace__().cos(x) if _is_array(x) else x.cos()


def _sin(x):
    if type(x) is float:
        return math.sin(x)
    return x.__array_namespace__().sin(x) if _is_array(x) else x.sin()


def _log(x):
    if type(x) is float:
        return math.log(x)
    return x.__array_namespace__().log(x) if _is_array(x) else x.log()


def _data(x) -> float:
    return x if type(x) is float else x.data


def _indicator_positive(x) -> float:
    # A piecewise-constant derivative is a constant: its own derivative is 0, so a plain float
    # is right for every order.  On floats nan gives 1, as PyTorch's relu′ does.
    if type(x) is not float and _is_array(x):
        return 1.0 - (x <= 0.0)
    return 0.0 if _data(x) <= 0.0 else 1.0


def _sign_of(x) -> float:
    if type(x) is not float and _is_array(x):
        return (x > 0.0) * 1.0 - (x < 0.0) * 1.0
    d = _data(x)
    return 1.0 if d > 0.0 else (-1.0 if d < 0.0 else 0.0)


# Forward functions.  Each raises a clear error outside its domain, naming the op and value.
def _div(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError(f"div: division by zero ({a!r} / {b!r}); the denominator must be non-zero")
    return a / b


def _pow(x: float, n: float) -> float:
    if x == 0.0 and n < 0.0:
        raise ZeroDivisionError(
            f"pow: {x!r} ** {n!r} divides by zero; the base must be non-zero for a negative exponent"
        )
    if not math.isfinite(n):
        raise ValueError(f"pow: exponent {n!r} must be a finite number")
    if x < 0.0 and not float(n).is_integer():
        raise ValueError(f"pow: {x!r} ** {n!r} is not real (negative base, non-integer exponent)")
    if x == 0.0 and 0.0 < n < 1.0:
        raise ValueError(
            f"pow: {x!r} ** {n!r} has an infinite derivative n·x^(n−1) at x = 0; keep the base away from 0"
        )
    try:
        v = x**n
    except OverflowError:
        raise OverflowError(f"pow: {x!r} ** {n!r} overflows a float") from None
    if n != 0.0:  # the rule takes 0 for n = 0
        _check_derivative_power("pow", x, n)
    return v


def _check_derivative_power(name: str, x: float, n: float) -> None:
    # The rule's x^(n−1) can overflow where xⁿ does not: only for |x| < 1 and n < 1 (elsewhere
    # |x|^(n−1) ≤ max(1, |x|ⁿ)), so only there is it computed, to say so here rather than later.
    if not (n < 1.0 and -1.0 < x < 1.0):
        return
    try:
        x ** (n - 1.0)
    except OverflowError:
        raise OverflowError(
            f"{name}: {x!r} ** {n!r} is a float but its derivative, ∝ {x!r} ** {n - 1.0!r}, overflows; "
            "keep the base away from 0"
        ) from None


def _powv(a: float, b: float) -> float:
    if not a > 0.0:
        raise ValueError(
            f"powv: base {a!r} of a ** b with a Value exponent must be positive (∂v/∂b = v·ln a needs a > 0); "
            "for a constant exponent write x ** 2 with a plain number"
        )
    try:
        v = a**b
    except OverflowError:
        raise OverflowError(f"powv: {a!r} ** {b!r} overflows a float") from None
    _check_derivative_power("powv", a, b)
    return v


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"exp: exp({x!r}) overflows a float (inputs above about 709.78 do)") from None


def _log_forward(x: float) -> float:
    if not x > 0.0:
        raise ValueError(f"log: input {x!r} is outside the domain x > 0")
    return math.log(x)


def _log1p(x: float) -> float:
    if not x > -1.0:
        raise ValueError(f"log1p: input {x!r} is outside the domain x > −1")
    return math.log1p(x)


def _sqrt(x: float) -> float:
    if not x > 0.0:
        raise ValueError(
            f"sqrt: input {x!r} is outside the domain x > 0 (at 0 the derivative 1/(2√x) is infinite)"
        )
    return math.sqrt(x)


def _sigmoid(x: float) -> float:
    # Two branches so that exp never overflows: σ(x) = 1/(1+e^{−x}) = e^x/(1+e^x).
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _finite_or_raise(name: str, f: Callable[[float], float]) -> Callable[[float], float]:
    def forward(x: float) -> float:
        if math.isinf(x):
            raise ValueError(f"{name}: input {x!r} is outside the domain (finite numbers)")
        return f(x)

    forward.__name__ = name
    return forward


def _pow_valid(x, n: float):
    """Where x ** n is defined, as ``_pow`` raises: n finite, no 0 ** (n < 1, n ≠ 0), no (−x) ** non-integer."""
    if not math.isfinite(n):
        return False  # nowhere
    ok = True
    if n < 1.0 and n != 0.0:
        ok = x != 0.0
    if not float(n).is_integer():
        ok = ok & ((x >= 0.0) | (x != x))  # a negative base has no real root; nan passes through
    return ok


def _finite(x):
    return abs(x) != math.inf  # nan passes through, as in the forwards


ADD = Op("add", "+", 2, lambda a, b: a + b, lambda a, b, v: (1.0, 1.0), "∂v/∂a = 1, ∂v/∂b = 1")
SUB = Op("sub", "−", 2, lambda a, b: a - b, lambda a, b, v: (1.0, -1.0), "∂v/∂a = 1, ∂v/∂b = −1")
MUL = Op("mul", "×", 2, lambda a, b: a * b, lambda a, b, v: (b, a), "∂v/∂a = b, ∂v/∂b = a")
DIV = Op(
    "div",
    "÷",
    2,
    _div,
    lambda a, b, v: (1.0 / b, -v / b),
    "∂v/∂a = 1/b, ∂v/∂b = −v/b",
    domain="b ≠ 0",
    valid=lambda a, b: b != 0.0,
)
NEG = Op("neg", "−", 1, lambda x: -x, lambda x, v: (-1.0,), "∂v/∂x = −1")
POW = Op(
    "pow",
    "^",
    1,
    _pow,
    lambda x, v, n: (0.0 if n == 0.0 else n * x ** (n - 1.0),),
    "∂v/∂x = n·xⁿ⁻¹ (n a constant)",
    domain="x ≠ 0 if n < 1; x > 0 if n is not an integer",
    has_const=True,
    valid=_pow_valid,
)
POWV = Op(
    "powv",
    "^",
    2,
    _powv,
    lambda a, b, v: (b * a ** (b - 1.0), v * _log(a)),
    "∂v/∂a = b·aᵇ⁻¹, ∂v/∂b = v·ln a",
    domain="a > 0",
    valid=lambda a, b: a > 0.0,
)
ABS = Op(
    "abs",
    "|x|",
    1,
    abs,
    lambda x, v: (_sign_of(x),),
    "∂v/∂x = sign(x)",
    kinks=(0.0,),
    kink_note="abs′(0) = 0, as in PyTorch",
)
EXP = Op("exp", "exp", 1, _exp, lambda x, v: (v,), "∂v/∂x = v", domain="x ≤ 709.78 (no overflow)")
LOG = Op("log", "log", 1, _log_forward, lambda x, v: (1.0 / x,), "∂v/∂x = 1/x", "x > 0", valid=lambda x: x > 0.0)
LOG1P = Op(
    "log1p", "log1p", 1, _log1p, lambda x, v: (1.0 / (1.0 + x),), "∂v/∂x = 1/(1 + x)", "x > −1",
    valid=lambda x: x > -1.0,
)
SQRT = Op("sqrt", "√", 1, _sqrt, lambda x, v: (0.5 / v,), "∂v/∂x = 1/(2v)", "x > 0", valid=lambda x: x > 0.0)
TANH = Op("tanh", "tanh", 1, math.tanh, lambda x, v: (1.0 - v * v,), "∂v/∂x = 1 − v²")
SIGMOID = Op("sigmoid", "σ", 1, _sigmoid, lambda x, v: (v * (1.0 - v),), "∂v/∂x = v(1 − v)")
RELU = Op(
    "relu",
    "ReLU",
    1,
    lambda x: 0.0 if x <= 0.0 else x,  # nan stays nan, as in PyTorch
    lambda x, v: (_indicator_positive(x),),
    "∂v/∂x = 1 if x > 0 else 0",
    kinks=(0.0,),
    kink_note="relu′(0) = 0, as in PyTorch (seed 003 takes 1 at 0)",
)
_sin_forward, _cos_forward = _finite_or_raise("sin", math.sin), _finite_or_raise("cos", math.cos)
SIN = Op("sin", "sin", 1, _sin_forward, lambda x, v: (_cos(x),), "∂v/∂x = cos x", "x finite", valid=_finite)
COS = Op("cos", "cos", 1, _cos_forward, lambda x, v: (-_sin(x),), "∂v/∂x = −sin x", "x finite", valid=_finite)
STEP = Op(
    "step",
    "step",
    1,
    lambda x: 1.0 if x >= 0.0 else 0.0,
    lambda x, v: (0.0,),
    "∂v/∂x = 0 (v = 1 if x ≥ 0 else 0)",
    kinks=(0.0,),
    kink_note=(
        "step jumps at 0 (step(0) = 1); its derivative is taken as 0 everywhere, so it cannot be trained by backprop"
    ),
)
SIGN = Op(
    "sign",
    "sign",
    1,
    _sign_of,
    lambda x, v: (0.0,),
    "∂v/∂x = 0 (v = −1, 0, 1)",
    kinks=(0.0,),
    kink_note=(
        "sign jumps at 0 (sign(0) = 0); its derivative is taken as 0 everywhere, so it cannot be trained by backprop"
    ),
)

OPS: dict[str, Op] = {
    op.name: op
    for op in (
        ADD, SUB, MUL, DIV, NEG, POW, POWV, ABS, EXP, LOG, LOG1P, SQRT, TANH, SIGMOID, RELU, SIN, COS, STEP, SIGN
    )
}  # fmt: skip
"""Every op by name: the table that everything else enumerates."""


def register(op: Op, replace: bool = False) -> Op:
    """Add a new row ``op`` to ``OPS``, so that ``apply``, higher orders, ``jvp`` and ``compile`` find it.

    Its ``local`` rule must work on Values too (arithmetic and Value methods, not ``math``) for
    higher orders; ``compile`` also needs a numpy forward, ``autograd_core.compiled.NUMPY_FORWARD[op.name]``.
    A name already taken by another row raises ``ValueError`` unless ``replace=True``.
    """
    if not isinstance(op, Op):
        raise TypeError(f"register(op) needs an Op, got {type(op).__name__}")
    if op.arity not in (1, 2):
        raise ValueError(f"register: op {op.name!r} has arity {op.arity!r}; ops take 1 or 2 inputs")
    known = OPS.get(op.name)
    if known is not None and known is not op and not replace:
        raise ValueError(
            f"register: the name {op.name!r} is taken by another row of the op table; "
            "pick another name, or pass replace=True to swap the row"
        )
    OPS[op.name] = op
    return op
