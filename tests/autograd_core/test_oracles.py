"""Independent oracles: the same random programs run in HIPS autograd (always) and PyTorch float64
(when installed), compared with autograd_core's reverse mode, first and second order."""

import functools
import math
import operator

import pytest
from hypothesis import given, settings

from autograd_core import OPS, Value, grad, hessian
from autograd_core.testing import programs

# HIPS autograd warns when a program's output is constant (e.g. it ends in step): that is fine here
pytestmark = pytest.mark.filterwarnings("ignore:Output seems independent of input")

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")

# op name → HIPS autograd function; a new op of the table needs its row here (a test checks).
AUTOGRAD = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "neg": lambda x: -x,
    "pow": lambda x, n: x**n,
    # a ** b would do, but HIPS autograd's rule for it gets ∂²/∂a∂b wrong at exactly b = 0 (it
    # swaps the exponent b − 1 for 1 there; PyTorch's gives 0), so it is written as e^(b ln a)
    "powv": lambda a, b: anp.exp(b * anp.log(a)),
    "abs": anp.abs,
    "exp": anp.exp,
    "log": anp.log,
    "log1p": anp.log1p,
    "sqrt": anp.sqrt,
    "tanh": anp.tanh,
    "sigmoid": lambda x: 0.5 * (anp.tanh(x / 2) + 1),
    "relu": lambda x: anp.maximum(x, 0.0),
    "sin": anp.sin,
    "cos": anp.cos,
    "step": lambda x: anp.where(x >= 0, 1.0, 0.0),
    "sign": anp.sign,
    "sum": lambda *xs: functools.reduce(operator.add, xs),
    "dot": lambda *a: functools.reduce(operator.add, dot_terms(*a)),
}


def dot_terms(*a):
    """w_1 x_1, …, w_n x_n (and b): the terms of a dot node's parents w_1…w_n, x_1…x_n[, b]."""
    n = len(a) // 2
    return [w * x for w, x in zip(a[:n], a[n : 2 * n])] + ([a[-1]] if len(a) % 2 else [])


def torch_backend(torch):
    """op name → PyTorch function on float64 tensors."""
    return {
        "add": torch.add,
        "sub": torch.sub,
        "mul": torch.mul,
        "div": torch.div,
        "neg": torch.neg,
        "pow": torch.pow,
        "powv": lambda a, b: torch.exp(b * torch.log(a)),  # as in AUTOGRAD: torch.pow's ∂²/∂a∂b is 0 at b = 0
        "abs": torch.abs,
        "exp": torch.exp,
        "log": torch.log,
        "log1p": torch.log1p,
        "sqrt": torch.sqrt,
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "relu": torch.relu,
        "sin": torch.sin,
        "cos": torch.cos,
        "step": lambda x: (x >= 0).to(x.dtype),
        "sign": torch.sign,
        "sum": lambda *xs: torch.stack(xs).sum(),
        "dot": lambda *a: torch_dot(torch, *a),
    }


def torch_dot(torch, *a):
    """torch.dot(w, x) (+ b) on a dot node's parents w_1…w_n, x_1…x_n[, b] (n = 0: just b)."""
    n = len(a) // 2
    wx = torch.dot(torch.stack(a[:n]), torch.stack(a[n : 2 * n])) if n else 0.0
    return wx + a[-1] if len(a) % 2 else wx


def close(a, b):
    return a == pytest.approx(b, rel=1e-9, abs=1e-12)


def ours(program):
    n = len(program.inputs)
    return grad(program.evaluate, argnums=tuple(range(n)))(*program.inputs)


def test_hips_autograd_oracle_covers_every_op():
    assert set(AUTOGRAD) == set(OPS), "add the new op to AUTOGRAD in this file"


def test_pytorch_oracle_covers_every_op():
    torch = pytest.importorskip("torch")
    assert set(torch_backend(torch)) == set(OPS), "add the new op to torch_backend in this file"


@given(programs())
def test_programs_gradients_match_hips_autograd(program):
    f = lambda *xs: program.run(AUTOGRAD, *xs)
    assert float(f(*program.inputs)) == pytest.approx(program.evaluate().data, rel=1e-12, abs=1e-12)
    for i, g in enumerate(ours(program)):
        assert close(g, float(autograd.grad(f, argnum=i)(*program.inputs)))


@settings(max_examples=25)
@given(programs(max_inputs=2, max_steps=6))
def test_programs_hessians_match_hips_autograd(program):
    n = len(program.inputs)
    f = lambda *xs: program.run(AUTOGRAD, *xs)
    h = hessian(program.evaluate)(*program.inputs)
    for i in range(n):
        for j in range(n):
            expected = float(autograd.grad(autograd.grad(f, argnum=i), argnum=j)(*program.inputs))
            assert h[i][j] == pytest.approx(expected, rel=1e-8, abs=1e-10)


def torch_gradients(torch, program, create_graph=False):
    xs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in program.inputs]
    y = program.run(torch_backend(torch), *xs)
    if not y.requires_grad:  # e.g. the output is a step(...): constant
        return xs, y, [torch.zeros((), dtype=torch.float64) for _ in xs]
    gs = torch.autograd.grad(y, xs, allow_unused=True, create_graph=create_graph)
    return xs, y, [torch.zeros((), dtype=torch.float64) if g is None else g for g in gs]


@given(programs())
def test_programs_gradients_match_pytorch_float64(program):
    torch = pytest.importorskip("torch")
    _, y, gs = torch_gradients(torch, program)
    assert y.item() == pytest.approx(program.evaluate().data, rel=1e-12, abs=1e-12)
    for g, expected in zip(ours(program), gs):
        assert close(g, float(expected))


@settings(max_examples=25)
@given(programs(max_inputs=2, max_steps=6))
def test_programs_hessians_match_pytorch_float64(program):
    torch = pytest.importorskip("torch")
    xs, _, gs = torch_gradients(torch, program, create_graph=True)
    h = hessian(program.evaluate)(*program.inputs)
    for i, g in enumerate(gs):
        row = torch.autograd.grad(g, xs, allow_unused=True, retain_graph=True) if g.requires_grad else [None] * len(xs)
        for j, expected in enumerate(row):
            assert h[i][j] == pytest.approx(0.0 if expected is None else float(expected), rel=1e-8, abs=1e-10)


@pytest.mark.parametrize("name", ["relu", "abs", "step", "sign", "tanh", "sigmoid"])
@pytest.mark.parametrize("x", [0.0, -0.0, 1000.0, -1000.0, math.nan])
def test_kinks_and_extremes_match_pytorch(name, x):
    """relu′(0) = 0, abs′(0) = 0, step(0) = 1, sign(0) = 0, saturation at ±1000 and nan, as PyTorch has them."""
    torch = pytest.importorskip("torch")
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = torch_backend(torch)[name](t)
    expected_grad = torch.autograd.grad(y, t)[0].item() if y.requires_grad else 0.0
    v = Value(x)
    out = getattr(v, name)() if name != "abs" else abs(v)
    out.backward()
    assert out.data == pytest.approx(y.item(), nan_ok=True)
    assert v.grad == pytest.approx(expected_grad, nan_ok=True)
