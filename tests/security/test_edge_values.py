"""Every op of the table at the edges of float64 (±0, subnormals, ±1e300, ±inf, nan) against PyTorch float64:
∂v/∂x by reverse mode, the same by forward mode (jvp), and ∂²v/∂x² for unary ops.

Intended differences, each checked rather than skipped: outside an op's domain (its row's ``valid``) the
engine raises ValueError or ZeroDivisionError where PyTorch returns nan or inf, and where a float overflows
(a value or a stored local derivative past 1.8e308) it raises OverflowError where PyTorch returns inf
(``ops.py``: "Overflow is not a domain matter")."""

import itertools
import math

import pytest

from autograd_core import OPS, Value, apply, hessian, jvp

torch = pytest.importorskip("torch")

EDGES = [0.0, -0.0, 5e-324, -5e-324, 1e-300, 1e300, -1e300, math.inf, -math.inf, math.nan, 1.0, -1.0, 2.0]
CONSTS = [2.0, 0.5, -1.0, 3.0, 0.0]
FIXED = [op for op in OPS.values() if op.arity in (1, 2)]
TORCH = {"powv": torch.pow, "step": lambda x, *_: (x >= 0).to(x.dtype)}


def _cases(op):
    for xs in itertools.product(EDGES, repeat=op.arity):
        for n in CONSTS if op.has_const else [None]:
            yield xs, n


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-300)


def _torch(op, xs, n):
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    f = TORCH.get(op.name) or getattr(torch, op.name)
    y = f(*ts, n) if op.has_const else f(*ts)
    grads = torch.autograd.grad(y, ts, allow_unused=True, create_graph=True) if y.requires_grad else [None] * len(ts)
    return ts, y, grads


def _ours(op, xs, n):
    """(v, ∂v/∂x_i…) or the exception; an exception must be an intended one (see the module docstring)."""
    vs = [Value(x) for x in xs]
    try:
        out = apply(op, *vs, const=n) if op.has_const else apply(op, *vs)
        out.backward()
    except OverflowError:
        return None
    except (ValueError, ZeroDivisionError):
        assert not op.valid(*xs, *([n] if op.has_const else [])), f"{op.name}{xs} raised inside its domain"
        return None
    return out.data, *[v.grad for v in vs]


@pytest.mark.parametrize("op", FIXED, ids=[op.name for op in FIXED])
def test_edge_values_gradients_match_pytorch_float64(op):
    compared = 0
    for xs, n in _cases(op):
        ours = _ours(op, xs, n)
        if ours is None:
            continue
        _, y, grads = _torch(op, xs, n)
        theirs = (y.item(), *[0.0 if g is None else g.item() for g in grads])
        assert all(_same(a, b) for a, b in zip(ours, theirs)), f"{op.name}{xs} n={n}: ours {ours}, torch {theirs}"
        compared += 1
    assert compared >= len(EDGES) ** op.arity // 3  # most edge cases are compared, not refused


UNARY = [op for op in FIXED if op.arity == 1]


@pytest.mark.parametrize("op", UNARY, ids=[op.name for op in UNARY])
def test_edge_values_jvp_and_second_derivative_match_pytorch_float64(op):
    seconds = 0
    for (x,), n in _cases(op):
        if _ours(op, (x,), n) is None:
            continue
        f = (lambda v, n=n: apply(op, v, const=n)) if op.has_const else (lambda v: apply(op, v))
        (t,), y, (g,) = _torch(op, (x,), n)
        first = 0.0 if g is None else g.item()
        value, tangent = jvp(f, (x,), (1.0,))
        assert _same(value, y.item()) and _same(tangent, first), f"jvp {op.name}({x}) n={n}: {tangent} vs {first}"
        second = torch.autograd.grad(g, t, allow_unused=True)[0] if g is not None and g.requires_grad else None
        try:
            ours2 = hessian(f)(x)
        except OverflowError:
            continue  # a second local derivative past 1.8e308: intended, as above
        expected = 0.0 if second is None else second.item()
        ours2 = ours2[0][0] if isinstance(ours2, list) else ours2
        assert _same(ours2, expected), f"∂²{op.name}({x}) n={n}: ours {ours2}, torch {expected}"
        seconds += 1
    assert seconds >= len(EDGES) // 3
