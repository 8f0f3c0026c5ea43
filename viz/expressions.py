"""Named demo expressions for the command line: each builds its graph, labelled like the lecture."""

from __future__ import annotations

from collections.abc import Callable

from autograd_core import Value


def neuron() -> Value:
    """Seed 000's neuron: z = wx + b, u = σ(z), l = ½(y − u)², r = w², L = l + λr."""
    x, y, w, b, lam = Value(1.5, "x"), Value(0.2, "y"), Value(0.8, "w"), Value(-0.3, "b"), Value(0.1, "λ")
    wx = w * x
    z = wx + b
    u = z.sigmoid()
    e = y - u
    sq = e**2
    half_sq = 0.5 * sq
    r = w**2
    lr = lam * r
    L = half_sq + lr
    names = {"wx": wx, "z": z, "u": u, "y − u": e, "(y − u)²": sq, "l": half_sq, "r": r, "λr": lr, "L": L}
    for name, v in names.items():
        v.label = name
    return L


def tanh_neuron() -> Value:
    """micrograd's neuron: o = tanh(x1·w1 + x2·w2 + b)."""
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2, b = Value(-3.0, "w1"), Value(1.0, "w2"), Value(6.8813735870195432, "b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    s = x1w1 + x2w2
    n = s + b
    o = n.tanh()
    for v, name in ((x1w1, "x1·w1"), (x2w2, "x2·w2"), (s, "x1·w1 + x2·w2"), (n, "n"), (o, "o")):
        v.label = name
    return o


def square() -> Value:
    """x·x + x: a node used three times (two edges into one ×), so ∂L/∂x = 2x + 1 sums three messages."""
    x = Value(3.0, "x")
    xx = x * x
    xx.label = "x·x"
    L = xx + x
    L.label = "L"
    return L


EXPRESSIONS: dict[str, Callable[[], Value]] = {"neuron": neuron, "tanh": tanh_neuron, "square": square}
"""Name → function building the expression (before any backward)."""
