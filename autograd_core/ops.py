"""The table of ops: the one place where every forward and local derivative ∂v/∂x_i lives.

Each row is read by the engine (forward values and local derivatives at build time), by
symbolic backward (higher-order derivatives), forward mode, gradcheck's kink detection, the
renderer, the docs' op table and the tests.  A rule ``local(*inputs, v)`` sees the op's inputs
and its output ``v`` and returns one local derivative per input.  Rules are written with
arithmetic and the helpers below, so they work on floats *and* on ``Value`` s: applied to
``Value`` s they build the graph of the derivative, which is how higher orders come for free.

Notation: ``a, b`` are binary inputs, ``x`` a unary input, ``v`` the output, ``n`` a constant
exponent.  Variadic rows (``arity=None``: ``sum``, ``dot``) take any number of inputs; a dot
node's parents are w_1 … w_n, x_1 … x_n, then the bias b if it has one (``dot_parts``).
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass, replace


@dataclass(frozen=True)
class Op:
    """One primitive: v = forward(*inputs) and ∂v/∂x_i = local(*inputs, v)[i].

    Positional: ``name``, ``symbol`` (drawn on the op's node), ``arity`` (1, 2, or ``None`` for
    any number ≥ 1 of inputs).  Everything else by keyword, one per-op fact each:

    - ``forward(*inputs[, n])`` on floats, raising a clear error outside the domain;
    - ``local(*inputs, v[, n])``: the tuple of ∂v/∂x_i, on floats, Values and arrays;
    - ``formula``: the local derivatives as the lecture writes them;
    - ``domain`` (text) and ``valid(*inputs[, n])``: where forward is defined (True, or a mask on
      arrays; ``None``: everywhere).  Overflow is not a domain matter and is left out;
    - ``kinks``/``kink_note``: inputs where the op is not differentiable, and the convention taken;
    - ``has_const``: the op takes a constant n (``x ** n``), kept in the node's ``const``;
    - ``array_forward(*arrays[, n])``: the forward on numpy batches, for ``compile`` (``None``: the
      op cannot be compiled);
    - ``written``: how Python code writes it (``"a + b"``, ``"x.exp()"``, ``"dot(w, x, b)"``), for the docs;
      empty: ``apply("name", …)``;
    - ``notation``: the maths template naming a node in pictures, with ``{a}``, ``{b}`` (binary),
      ``{x}`` (unary) and ``{n}`` (the constant) for the parents' names: ``"{a} + {b}"``, ``"σ({x})"``.
      A variadic row's notation has no fields (``"Σ w·x + b"``); empty: ``"{symbol}({x})"``;
    - ``lecture``: micrograd's (the lecture's) ``_op`` string for the node, ``{n}`` for the constant:
      ``"+"``, ``"*"``, ``"**{n}"``, ``"ReLU"``; empty: the name (``"tanh"``, ``"exp"``).
    """

    name: str
    symbol: str
    arity: int | None
    _: KW_ONLY
    forward: Callable[..., float]
    local: Callable[..., tuple]
    formula: str
    domain: str = "ℝ"
    kinks: tuple[float, ...] = ()
    kink_note: str = ""
    has_const: bool = False
    valid: Callable[..., object] | None = None
    array_forward: Callable[..., object] | None = None
    written: str = ""
    notation: str = ""
    lecture: str = ""

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


def _times_log(v, a):
    """v·ln a, taken as 0 at a = 0 (where v = 0ᵇ = 0: PyTorch's ∂(aᵇ)/∂b there)."""
    if type(a) is not float and _is_array(a):
        xp = a.__array_namespace__()
        return xp.where(a == 0.0, 0.0, v * xp.log(xp.where(a == 0.0, 1.0, a)))
    return 0.0 if _data(a) == 0.0 else v * _log(a)


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
    if a == 0.0 and not b >= 1.0:
        raise ValueError(
            f"powv: {a!r} ** {b!r}: at base 0 the exponent must be ≥ 1 (below, 0ᵇ or its derivative "
            "b·0^(b−1) is infinite or undefined); keep the base away from 0"
        )
    if not a >= 0.0:
        raise ValueError(
            f"powv: base {a!r} of a ** b with a Value exponent must be positive (∂v/∂b = v·ln a needs a > 0; "
            "0 ** b is 0 for b ≥ 1); for a constant exponent write x ** 2 with a plain number"
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


def _sigmoid(x: float) -> float:
    # Two branches so that exp never overflows: σ(x) = 1/(1+e^{−x}) = e^x/(1+e^x).
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _raising(op: Op) -> Op:
    """The row with a forward that raises ``ValueError`` where its ``valid`` is false, naming the op,
    the input and the row's ``domain``: the domain is written once, in the row."""
    f, valid = op.forward, op.valid

    def forward(*inputs: float) -> float:
        if not valid(*inputs):
            shown = ", ".join(map(repr, inputs))
            raise ValueError(f"{op.name}: input {shown} is outside the domain {op.domain}")
        return f(*inputs)

    forward.__name__ = op.name
    return replace(op, forward=forward)


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


def _xp(x):
    """The array namespace of a numpy batch (numpy ≥ 2), so that this module needs no import of numpy."""
    return x.__array_namespace__()


def _sigmoid_array(x):
    e = _xp(x).exp(-abs(x))  # the two branches of _sigmoid at once: exp never overflows
    return _xp(x).where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


# Variadic rows.  A dot node's parents are w_1 … w_n, x_1 … x_n and, if it has one, the bias b
# last: an even number of parents has no bias, an odd number has (``dot_parts`` splits them).
def dot_parts(inputs: Sequence) -> tuple[Sequence, Sequence, object | None]:
    """(w_1 … w_n, x_1 … x_n, b or None) from a dot node's parents (or their values), in that layout."""
    n = len(inputs) // 2
    return inputs[:n], inputs[n : 2 * n], (inputs[-1] if len(inputs) % 2 else None)


def _sum(*xs):
    return builtins.sum(xs[1:], xs[0])  # x_1 + x_2 + … left to right, as a chain of +, on floats or arrays


def _sum_local(*xs_and_v) -> tuple:
    return (1.0,) * (len(xs_and_v) - 1)


def dot_forward(w: Sequence, x: Sequence, b: object | None) -> object:
    """Σ_j w_j x_j (+ b), summed left to right from b (as a neuron's chain of + did), on floats or arrays."""
    if b is None:
        return builtins.sum(map(operator.mul, w[1:], x[1:]), w[0] * x[0])
    return builtins.sum(map(operator.mul, w, x), b)


def dot_local(w: tuple, x: tuple, b: object | None) -> tuple:
    """(∂v/∂w_1 … = x_1 …, ∂v/∂x_1 … = w_1 …[, ∂v/∂b = 1]), in the parents' layout."""
    return x + w + (1.0,) if b is not None else x + w


def _dot(*inputs):
    return dot_forward(*dot_parts(inputs))


def _dot_local(*inputs_and_v) -> tuple:
    w, x, b = dot_parts(inputs_and_v[:-1])
    return dot_local(tuple(w), tuple(x), b)


_add, _sub, _mul, _neg = (lambda a, b: a + b), (lambda a, b: a - b), (lambda a, b: a * b), (lambda x: -x)

ADD = Op("add", "+", 2, forward=_add, local=lambda a, b, v: (1.0, 1.0), formula="∂v/∂a = 1, ∂v/∂b = 1",
         array_forward=_add, written="a + b", notation="{a} + {b}", lecture="+")  # fmt: skip
SUB = Op("sub", "−", 2, forward=_sub, local=lambda a, b, v: (1.0, -1.0), formula="∂v/∂a = 1, ∂v/∂b = −1",
         array_forward=_sub, written="a - b", notation="{a} − {b}", lecture="-")  # fmt: skip
MUL = Op("mul", "×", 2, forward=_mul, local=lambda a, b, v: (b, a), formula="∂v/∂a = b, ∂v/∂b = a",
         array_forward=_mul, written="a * b", notation="{a}·{b}", lecture="*")  # fmt: skip
DIV = Op(
    "div",
    "÷",
    2,
    forward=_div,
    local=lambda a, b, v: (1.0 / b, -v / b),
    formula="∂v/∂a = 1/b, ∂v/∂b = −v/b",
    domain="b ≠ 0 (the stored ∂v/∂b = −v/b is ±∞ once |v/b| > 1.8e308)",
    valid=lambda a, b: b != 0.0,
    array_forward=lambda a, b: a / b,
    written="a / b",
    lecture="/",
    notation="{a}÷{b}",
)
NEG = Op("neg", "−", 1, forward=_neg, local=lambda x, v: (-1.0,), formula="∂v/∂x = −1",
         array_forward=_neg, written="-x", notation="−{x}", lecture="-")  # fmt: skip
POW = Op(
    "pow",
    "^",
    1,
    forward=_pow,
    local=lambda x, v, n: (0.0 if n == 0.0 else n * x ** (n - 1.0),),
    formula="∂v/∂x = n·xⁿ⁻¹ (n a constant)",
    domain="x ≠ 0 if n < 1; x > 0 if n is not an integer",
    has_const=True,
    valid=_pow_valid,
    array_forward=lambda x, n: _xp(x).pow(x, n),
    written="x ** n",
    lecture="**{n}",
    notation="{x}^{n}",
)
POWV = Op(
    "powv",
    "^",
    2,
    forward=_powv,
    local=lambda a, b, v: (b * a ** (b - 1.0), _times_log(v, a)),
    formula="∂v/∂a = b·aᵇ⁻¹, ∂v/∂b = v·ln a",
    domain="a > 0, or a = 0 with b ≥ 1 (0ᵇ = 0, ∂v/∂b = 0, ∂v/∂a = b·0ᵇ⁻¹, as PyTorch)",
    valid=lambda a, b: (a > 0.0) | ((a == 0.0) & (b >= 1.0)),
    array_forward=lambda a, b: _xp(a).pow(a, b),
    written="a ** b",
    lecture="**",
    notation="{a}^{b}",
)
ABS = Op(
    "abs",
    "|x|",
    1,
    forward=abs,
    local=lambda x, v: (_sign_of(x),),
    formula="∂v/∂x = sign(x)",
    kinks=(0.0,),
    kink_note="abs′(0) = 0, as in PyTorch",
    array_forward=abs,
    written="abs(x)",
    notation="|{x}|",
)
EXP = Op("exp", "exp", 1, forward=_exp, local=lambda x, v: (v,), formula="∂v/∂x = v",
         domain="x ≤ 709.78 (no overflow)", array_forward=lambda x: _xp(x).exp(x), written="x.exp()",
         notation="exp({x})")  # fmt: skip
LOG = _raising(Op("log", "log", 1, forward=math.log, local=lambda x, v: (1.0 / x,), formula="∂v/∂x = 1/x",
         domain="x > 0", valid=lambda x: x > 0.0, array_forward=lambda x: _xp(x).log(x), written="x.log()",
         notation="log({x})"))  # fmt: skip
LOG1P = _raising(Op("log1p", "log1p", 1, forward=math.log1p, local=lambda x, v: (1.0 / (1.0 + x),),
           formula="∂v/∂x = 1/(1 + x)", domain="x > −1", valid=lambda x: x > -1.0,
           array_forward=lambda x: _xp(x).log1p(x), written="x.log1p()", notation="log1p({x})"))  # fmt: skip
SQRT = _raising(Op("sqrt", "√", 1, forward=math.sqrt, local=lambda x, v: (0.5 / v,), formula="∂v/∂x = 1/(2v)",
          domain="x > 0 (at 0, ∂v/∂x = 1/(2√x) is infinite)", valid=lambda x: x > 0.0,
          array_forward=lambda x: _xp(x).sqrt(x), written="x.sqrt()",
          notation="√({x})"))  # fmt: skip
TANH = Op("tanh", "tanh", 1, forward=math.tanh, local=lambda x, v: (1.0 - v * v,), formula="∂v/∂x = 1 − v²",
          array_forward=lambda x: _xp(x).tanh(x), written="x.tanh()", notation="tanh({x})")  # fmt: skip
SIGMOID = Op("sigmoid", "σ", 1, forward=_sigmoid, local=lambda x, v: (v * (1.0 - v),),
             formula="∂v/∂x = v(1 − v)", array_forward=_sigmoid_array, written="x.sigmoid()",
             notation="σ({x})")  # fmt: skip
RELU = Op(
    "relu",
    "ReLU",
    1,
    forward=lambda x: 0.0 if x <= 0.0 else x,  # nan stays nan, as in PyTorch
    local=lambda x, v: (_indicator_positive(x),),
    formula="∂v/∂x = 1 if x > 0 else 0",
    kinks=(0.0,),
    kink_note="relu′(0) = 0, as in PyTorch (seed 003 takes 1 at 0)",
    array_forward=lambda x: _xp(x).where(x <= 0.0, 0.0, x),
    written="x.relu()",
    lecture="ReLU",
    notation="ReLU({x})",
)
SIN = _raising(Op("sin", "sin", 1, forward=math.sin, local=lambda x, v: (_cos(x),), formula="∂v/∂x = cos x",
         domain="x finite", valid=_finite, array_forward=lambda x: _xp(x).sin(x), written="x.sin()",
         notation="sin({x})"))  # fmt: skip
COS = _raising(Op("cos", "cos", 1, forward=math.cos, local=lambda x, v: (-_sin(x),), formula="∂v/∂x = −sin x",
         domain="x finite", valid=_finite, array_forward=lambda x: _xp(x).cos(x), written="x.cos()",
         notation="cos({x})"))  # fmt: skip
STEP = Op(
    "step",
    "step",
    1,
    forward=lambda x: 1.0 if x >= 0.0 else 0.0,
    local=lambda x, v: (0.0,),
    formula="∂v/∂x = 0 (v = 1 if x ≥ 0 else 0)",
    kinks=(0.0,),
    kink_note=(
        "step jumps at 0 (step(0) = 1); its derivative is taken as 0 everywhere, so it cannot be trained by backprop"
    ),
    array_forward=lambda x: _xp(x).where(x >= 0.0, 1.0, 0.0),
    written="x.step()",
    notation="step({x})",
)
SIGN = Op(
    "sign",
    "sign",
    1,
    forward=_sign_of,
    local=lambda x, v: (0.0,),
    formula="∂v/∂x = 0 (v = −1, 0, 1)",
    kinks=(0.0,),
    kink_note=(
        "sign jumps at 0 (sign(0) = 0); its derivative is taken as 0 everywhere, so it cannot be trained by backprop"
    ),
    array_forward=_sign_of,  # the helper works on arrays
    written="x.sign()",
    notation="sign({x})",
)
SUM = Op(
    "sum",
    "Σ",
    None,
    forward=_sum,
    local=_sum_local,
    formula="v = Σ_i x_i; ∂v/∂x_i = 1",
    array_forward=_sum,
    written="sum(xs)",
    notation="Σ x",
)
DOT = Op(
    "dot",
    "Σ",
    None,
    forward=_dot,
    local=_dot_local,
    formula="v = Σ_j w_j x_j + b; ∂v/∂w_j = x_j, ∂v/∂x_j = w_j, ∂v/∂b = 1",
    array_forward=_dot,
    written="dot(w, x, b)",
    notation="Σ w·x + b",  # without a bias: Σ w·x
)

OPS: dict[str, Op] = {
    op.name: op
    for op in (
        ADD, SUB, MUL, DIV, NEG, POW, POWV, ABS, EXP, LOG, LOG1P, SQRT, TANH, SIGMOID, RELU, SIN, COS, STEP, SIGN,
        SUM, DOT,
    )
}  # fmt: skip
"""Every op by name: the table that everything else enumerates."""


def register(op: Op, replace: bool = False) -> Op:
    """Add a new row ``op`` to ``OPS``, so that ``apply``, higher orders, ``jvp`` and ``compile`` find it.

    Its ``local`` rule must work on Values too (arithmetic and Value methods, not ``math``) for
    higher orders; ``compile`` also needs the row's ``array_forward`` (a forward on numpy arrays).
    A name already taken by another row raises ``ValueError`` unless ``replace=True``.
    """
    if not isinstance(op, Op):
        raise TypeError(f"register(op) needs an Op, got {type(op).__name__}")
    if op.arity not in (1, 2, None):
        raise ValueError(
            f"register: op {op.name!r} has arity {op.arity!r}; ops take 1 or 2 inputs, or any number (arity=None)"
        )
    known = OPS.get(op.name)
    if known is not None and known is not op and not replace:
        raise ValueError(
            f"register: the name {op.name!r} is taken by another row of the op table; "
            "pick another name, or pass replace=True to swap the row"
        )
    OPS[op.name] = op
    return op
