"""The op table, row by row: forward against `math`, local derivatives against central differences,
symbolic rules (applied to Values) against the float rules, second derivatives of every rule.

Every test is parametrized over OPS: a new op is tested by adding its row (and its `math` reference
below, which a test demands).
"""

import inspect
import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_core import OPS, Value, apply
from autograd_core.graph import gradients, symbolic_local_grads
from autograd_core.testing import CONSTS, op_inputs

# Independent references, from `math` and plain Python (never the table's own forward).
MATH = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "neg": lambda x: -x,
    "pow": math.pow,
    "powv": math.pow,
    "abs": math.fabs,
    "exp": math.exp,
    "log": math.log,
    "log1p": math.log1p,
    "sqrt": math.sqrt,
    "tanh": math.tanh,
    "sigmoid": lambda x: 0.5 * (1.0 + math.tanh(x / 2.0)),
    "relu": lambda x: max(x, 0.0),
    "sin": math.sin,
    "cos": math.cos,
    "step": lambda x: float(not x < 0.0),
    "sign": lambda x: math.copysign(1.0, x) if x else 0.0,
    "sum": lambda *xs: math.fsum(xs),
    "dot": lambda *a: (
        math.fsum([w * x for w, x in zip(a[: len(a) // 2], a[len(a) // 2 : len(a) // 2 * 2])])
        + (a[-1] if len(a) % 2 else 0.0)
    ),
}


def magnitude(op, args):
    """Σ|terms| of a variadic row (its sum's rounding scales with it); 0 for the others."""
    if op.name == "dot":
        n = len(args) // 2
        bias = abs(args[-1]) if len(args) % 2 else 0.0
        return math.fsum(abs(w * x) for w, x in zip(args[:n], args[n : 2 * n])) + bias
    return math.fsum(abs(a) for a in args) if op.arity is None else 0.0


def tolerance(op, args):
    """abs tolerance of the float forward vs ``MATH``: a variadic sum rounds each of its n additions."""
    return 1e-16 * len(args) * magnitude(op, args) + 1e-300


def counts(op):
    """Input counts to try on edge values: the arity, or 1, 2 and 3 for a variadic row."""
    return (1, 2, 3) if op.arity is None else (op.arity,)


H = 1e-6


def call_forward(op, args, const):
    return op.forward(*args, const) if op.has_const else op.forward(*args)


def call_local(op, args, v, const):
    return op.local(*args, v, const) if op.has_const else op.local(*args, v)


def central_difference(f, args, i, h=H):
    up = [*args[:i], args[i] + h, *args[i + 1 :]]
    down = [*args[:i], args[i] - h, *args[i + 1 :]]
    return (f(*up) - f(*down)) / (2 * h)


def test_ops_table_has_a_math_reference_for_every_op():
    assert set(MATH) == set(OPS), "add a math reference for the new op to MATH in this file"


@pytest.mark.parametrize("name", OPS)
def test_op_row_is_complete(name):
    op = OPS[name]
    assert op.name == name and op.symbol and op.arity in (1, 2, None)
    assert op.formula.startswith("∂v/∂") or (op.arity is None and "; ∂v/∂" in op.formula)
    params = inspect.signature(op.forward).parameters.values()
    if op.arity is None:
        assert [p.kind for p in params] == [inspect.Parameter.VAR_POSITIONAL]
    else:
        assert len(params) == op.arity + op.has_const
    for n in counts(op):
        args, const = (0.7,) * n, (2.0 if op.has_const else None)
        local = call_local(op, args, call_forward(op, args, const), const)
        assert isinstance(local, tuple) and len(local) == n
    assert op.array_forward is not None and op.written and op.notation
    assert all(isinstance(k, float) for k in op.kinks)
    assert bool(op.kinks) == bool(op.kink_note)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_op_forward_matches_math(name, data):
    op = OPS[name]
    args, const = data.draw(op_inputs(op))
    expected = MATH[name](*args, const) if op.has_const else MATH[name](*args)
    tol = tolerance(op, args)
    assert call_forward(op, args, const) == pytest.approx(expected, rel=1e-12, abs=tol)
    # and through the engine: apply() records op, parents and const
    v = apply(name, *map(Value, args), const=const)
    assert v.data == pytest.approx(expected, rel=1e-12, abs=tol)
    assert v.op == name and len(v.parents) == len(args) and v.const == const


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_op_local_matches_central_differences(name, data):
    op = OPS[name]
    args, const = data.draw(op_inputs(op))
    local = call_local(op, args, call_forward(op, args, const), const)
    f = (lambda *a: op.forward(*a, const)) if op.has_const else op.forward
    for i in range(len(args)):
        assert local[i] == pytest.approx(central_difference(f, args, i), rel=1e-5, abs=1e-5 + tolerance(op, args) / H)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_op_symbolic_local_equals_float_local(name, data):
    op = OPS[name]
    args, const = data.draw(op_inputs(op))
    v = apply(name, *map(Value, args), const=const)
    symbolic = symbolic_local_grads(v)
    assert len(symbolic) == len(v.local_grads) == len(args)
    for s, d in zip(symbolic, v.local_grads):
        assert (s.data if isinstance(s, Value) else s) == pytest.approx(d, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_op_second_derivative_matches_central_differences_of_local(name, data):
    """∂/∂x_j of the symbolic rule ∂v/∂x_i (a graph of Values) against differences of the float rule."""
    op = OPS[name]
    args, const = data.draw(op_inputs(op))
    xs = [Value(a) for a in args]
    v = apply(name, *xs, const=const)

    def local_i(i):
        return lambda *a: call_local(op, a, call_forward(op, a, const), const)[i]

    for i, s in enumerate(symbolic_local_grads(v)):
        second = gradients(s) if isinstance(s, Value) else {}
        for j, x in enumerate(xs):
            numeric = central_difference(local_i(i), args, j, h=1e-5)
            assert second.get(x, 0.0) == pytest.approx(numeric, rel=1e-4, abs=1e-4)


@pytest.mark.parametrize(
    ("name", "x", "value", "derivative"),
    [
        ("relu", 0.0, 0.0, 0.0),  # relu′(0) = 0, as in PyTorch
        ("relu", -0.0, 0.0, 0.0),
        ("abs", 0.0, 0.0, 0.0),  # abs′(0) = 0, as in PyTorch
        ("abs", -0.0, 0.0, 0.0),
        ("step", 0.0, 1.0, 0.0),  # step(0) = 1
        ("step", -0.0, 1.0, 0.0),
        ("step", -2.0, 0.0, 0.0),
        ("sign", 0.0, 0.0, 0.0),  # sign(0) = 0
        ("sign", -3.0, -1.0, 0.0),
        ("sign", 3.0, 1.0, 0.0),
    ],
)
def test_op_kink_conventions_hold(name, x, value, derivative):
    v = apply(name, Value(x))
    assert (v.data, v.local_grads) == (value, (derivative,))
    assert 0.0 in OPS[name].kinks


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
@pytest.mark.parametrize("x", [-1000.0, 1000.0, -1e308, 1e308])
def test_op_saturating_is_finite_far_out(name, x):
    v = apply(name, Value(x))
    v.backward()
    limit = (-1.0 if name == "tanh" else 0.0) if x < 0 else 1.0
    assert v.data == limit and v.local_grads == (0.0,)
    assert math.isfinite(v.parents[0].grad)


def test_op_sigmoid_is_accurate_in_both_tails():
    for x in (-30.0, -5.0, 5.0, 30.0):
        assert OPS["sigmoid"].forward(x) == pytest.approx(1 / (1 + math.exp(-x)), rel=1e-15)
    assert OPS["sigmoid"].forward(-700.0) == pytest.approx(math.exp(-700.0), rel=1e-12)


EDGES = (0.0, -0.0, -1.0, 1e-200, 1000.0, 1e308, math.inf, -math.inf, math.nan)


@pytest.mark.parametrize("name", OPS)
def test_op_forward_errors_name_the_op_and_value(name):
    """Every way an op's forward can fail, on edge inputs, says which op and which value."""
    op = OPS[name]
    consts = CONSTS if op.has_const else (None,)
    for args in (a for n in counts(op) for a in itertools.product(EDGES, repeat=n)):
        for const in consts:
            try:
                call_forward(op, args, const)
            except (ValueError, ZeroDivisionError, OverflowError) as error:
                message = str(error)
                assert message.startswith(f"{name}:"), message
                assert any(repr(a) in message for a in (*args, const)), message


@pytest.mark.parametrize("name", OPS)
def test_op_valid_is_where_the_forward_does_not_raise(name):
    """The row's domain predicate (read by compile) agrees with its forward's errors, on floats and arrays."""
    np = pytest.importorskip("numpy")
    op = OPS[name]
    consts = (*CONSTS, math.inf, math.nan) if op.has_const else (None,)
    for const in consts:
        extra = () if const is None else (const,)
        grid = list(itertools.product(EDGES, repeat=counts(op)[-1]))
        expected = []
        for args in grid:
            try:
                op.forward(*args, *extra)
                expected.append(True)
            except OverflowError:  # not a domain matter: valid leaves it to the float arithmetic
                expected.append(True)
            except (ValueError, ZeroDivisionError):
                expected.append(False)
        if op.valid is None:
            assert all(expected), f"{name} raises on some input but has no valid predicate"
            continue
        assert [bool(op.valid(*args, *extra)) for args in grid] == expected
        columns = [np.array(c) for c in zip(*grid)]
        assert np.broadcast_to(op.valid(*columns, *extra), len(grid)).tolist() == expected
