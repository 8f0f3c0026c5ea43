"""The one naming scheme for nodes, shared by the pictures, the stepper, ``backward_steps`` and ``explain``.

A node is called by its label; a constant by its number; an unlabelled interior node by its
expression in the op table's notation (``w·x``, ``σ(z)``, ``x²``, ``Σ w·x + b``) when that is short
and not already taken, else by its stable id ``v{k}`` (its place in the topological order).
"""

from __future__ import annotations

import math
import re

from autograd_core import OPS, Value

SHORT = 12
"""An unlabelled node's expression is its name up to this many characters, else ``v{k}``."""

SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
TIGHT = "×·÷^⁰¹²³⁴⁵⁶⁷⁸⁹"  # a name holding one of these needs parentheses inside a power or a quotient


def fmt(x: float) -> str:
    """x to 4 significant digits (``0`` for ±0, ``∞``, ``-∞``, ``nan``)."""
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return "0" if x == 0 else f"{x:.4g}"


def power(base: str, n: float) -> str:
    """``base`` to the constant ``n``: a whole exponent as superscript digits (``x²``), else ``x^0.5``."""
    if n == int(n) and abs(n) < 100:
        return base + str(int(n)).translate(SUPERSCRIPT)
    return f"{base}^{fmt(n)}"


def wrap(name: str, tight: bool) -> str:
    """``name`` in parentheses where it would otherwise read wrongly as an operand: a sum, a negative, or (for a
    power or quotient) a product."""
    if " " in name or name[:1] in "−-" or (tight and any(c in name for c in TIGHT)):
        return f"({name})"
    return name


def expression(v: Value, args: list[str]) -> str:
    """v in its row's notation, its parents' names filled in: ``w·x``, ``a + b``, ``σ(z)``, ``x²``, ``Σ w·x + b``."""
    op = OPS[v.op]
    if op.arity is None:  # a variadic row (Σ) is named by its notation alone
        return op.notation
    template = op.notation or f"{op.symbol}({{x}})"
    called = re.search(r"[(|]\{[abx]\}[)|]", template) is not None  # σ(z), |x|: no parentheses needed
    tight = v.op in ("div", "pow", "powv")
    wrapped = [a if called else wrap(a, tight) for a in args]
    if v.op == "pow":
        return power(wrapped[0], v.const)
    fields = {"x": wrapped[0]} if op.arity == 1 else {"a": wrapped[0], "b": wrapped[1]}
    return template.format(**fields, n=fmt(v.const) if v.const is not None else "")


def node_names(order: list[Value]) -> dict[Value, str]:
    """The name of each node of ``order`` (a topological order, so parents are named first)."""
    names: dict[Value, str] = {}
    used = {v.label for v in order}
    for k, v in enumerate(order):
        if v.label:
            names[v] = v.label
        elif not v.parents:
            names[v] = fmt(v.data)
        else:
            args = [names.get(p) for p in v.parents]  # a part's inputs have parents outside the part
            expr = expression(v, args) if None not in args else ""
            names[v] = expr if expr and len(expr) <= SHORT and expr not in used else f"v{k}"
            used.add(names[v])
    return names


def in_fraction(name: str) -> str:
    """A name inside ∂L/∂…, in parentheses when it is an expression (``∂L/∂(y − u)``)."""
    return f"({name})" if any(c in name for c in " +-−*×·÷/^²()|") or name[:1].isdigit() else name
