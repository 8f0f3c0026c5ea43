"""`Value`: construction, operators, identity, repr, BACKWARD() semantics, and every bad-input path."""

import dataclasses
import math
import operator

import pytest
from hypothesis import given

import autograd_core
from autograd_core import OPS, Op, Value, apply, compile, grad, gradcheck, gradients, hessian, jvp, ops, register
from autograd_core.testing import floats

np = pytest.importorskip("numpy")


# ---- construction ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (3, 3.0),
        (2.5, 2.5),
        (True, 1.0),
        (False, 0.0),
        (np.float32(1.5), 1.5),
        (np.int64(-4), -4.0),
        (np.float64(0.25), 0.25),
        (-0.0, -0.0),
    ],
)
def test_value_data_is_float(data, expected):
    v = Value(data)
    assert type(v.data) is float and v.data == expected
    assert math.copysign(1.0, v.data) == math.copysign(1.0, expected)
    assert (v.grad, v.label, v.op, v.parents, v.local_grads, v.const) == (0.0, "", "", (), (), None)


def test_value_accepts_numpy_bool():
    assert Value(np.True_).data == 1.0


def test_value_apply_unknown_op_names_the_known_ones():
    with pytest.raises((KeyError, ValueError), match=r"nope.*add"):
        apply("nope", 1.0)


def test_value_apply_const_on_op_without_const_raises():
    with pytest.raises(TypeError, match="add"):
        apply("add", 1.0, 2.0, const=3.0)


SCALE = Op(
    "scale", "·n", 1, forward=lambda x, n: n * x, local=lambda x, v, n: (n,), formula="∂v/∂x = n", has_const=True
)
CUBE = Op("cube", "³", 1, forward=lambda x: x * x * x, local=lambda x, v: (3.0 * x * x,), formula="∂v/∂x = 3x²")


def test_value_apply_runs_a_new_op_with_a_constant(monkeypatch):
    monkeypatch.setitem(OPS, "scale", SCALE)
    v = apply(SCALE, Value(2.0), const=3.0)
    assert (v.data, v.op, v.local_grads, v.const) == (6.0, "scale", (3.0,), 3.0)


def test_value_apply_of_an_unregistered_op_says_to_register_it():
    # It used to work once, then grad(grad(...)), hessian and compile failed with a bare KeyError.
    with pytest.raises(ValueError, match=r"'cube' is not in the op table.*register\(op\).*array_forward"):
        apply(CUBE, 2.0)
    other_sin = Op("sin", "sin", 1, forward=math.sin, local=lambda x, v: (x.cos(),), formula="∂v/∂x = cos x")
    with pytest.raises(ValueError, match="'sin' is taken by another row"):
        apply(other_sin, 2.0)
    with pytest.raises(TypeError, match="needs an Op or an op name, got int"):
        apply(3, 2.0)


@pytest.fixture
def restored_table():
    """register() writes to the shared op table: put it back as it was after the test."""
    saved = dict(OPS)
    yield OPS
    OPS.clear()
    OPS.update(saved)


@pytest.mark.usefixtures("restored_table")
def test_value_registered_op_works_to_every_order_and_compiles():
    assert register(CUBE) is CUBE and register(CUBE) is CUBE  # registering the same row twice is fine
    f = lambda x: apply(CUBE, x)
    assert grad(f)(2.0) == 12.0 and grad(grad(f))(2.0) == 12.0 and grad(grad(grad(f)))(2.0) == 6.0
    assert hessian(f)(2.0) == [[12.0]] and jvp(f, (2.0,), (0.5,)) == (8.0, 6.0)
    with pytest.raises(ValueError, match=r"compile: op 'cube' has no array forward.*array_forward=f"):
        compile(f)(np.array([1.0, 2.0]))
    cube = register(dataclasses.replace(CUBE, array_forward=CUBE.forward), replace=True)  # x·x·x works on arrays
    value, (g,) = compile(lambda x: apply(cube, x)).value_and_grad(np.array([1.0, 2.0]))
    assert value == 9.0 and g.tolist() == [3.0, 12.0]


def test_value_register_refuses_a_taken_name_unless_replacing(restored_table):
    other_sin = Op("sin", "sin", 1, forward=math.sin, local=lambda x, v: (x.cos(),), formula="∂v/∂x = cos x")
    with pytest.raises(ValueError, match=r"'sin' is taken by another row.*replace=True"):
        register(other_sin)
    assert register(other_sin, replace=True) is OPS["sin"] is other_sin
    with pytest.raises(TypeError, match="needs an Op, got str"):
        register("sin")
    with pytest.raises(ValueError, match="arity 3"):
        f3 = Op("f3", "f", 3, forward=lambda a, b, c: a, local=lambda a, b, c, v: (1.0, 0.0, 0.0), formula="∂v/∂a = 1")
        register(f3)


@pytest.mark.parametrize("local", [lambda x, v: 3.0 * x * x, lambda x, v: (1.0, 2.0), lambda x, v: [1.0]])
def test_value_apply_checks_the_rule_returns_one_derivative_per_input(monkeypatch, local):
    bad = Op("bad", "b", 1, forward=lambda x: x, local=local, formula="∂v/∂x = ?")
    monkeypatch.setitem(OPS, "bad", bad)
    with pytest.raises(TypeError, match=r"bad: its rule local\(\*inputs, v\) must return a tuple of 1"):
        apply(bad, 2.0)


@pytest.mark.parametrize(("data", "type_name"), [("1.0", "str"), (None, "NoneType"), ([1.0], "list"), (1j, "complex")])
def test_value_rejects_non_real_naming_the_type(data, type_name):
    with pytest.raises(TypeError, match=f"got {type_name}"):
        Value(data)


def test_value_repr_shows_data_grad_label():
    v = Value(2.0, label="x")
    v.grad = -0.5
    assert repr(v) == "Value(data=2.0, grad=-0.5, label='x')"


def test_value_identity_semantics():
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a and hash(a) != hash(b)
    table = {a: "a", b: "b"}
    assert table[a] == "a" and table[b] == "b"
    assert not hasattr(a, "__dict__")  # __slots__


# ---- operators ---------------------------------------------------------------------------
@given(x=floats(0.5, 3.0), c=floats(0.5, 3.0))
def test_value_operators_with_numbers_on_either_side(x, c):
    v = Value(x)
    cases = {
        "add": (v + c, x + c, c + v, c + x),
        "sub": (v - c, x - c, c - v, c - x),
        "mul": (v * c, x * c, c * v, c * x),
        "div": (v / c, x / c, c / v, c / x),
    }
    for op, (left, left_expected, right, right_expected) in cases.items():
        assert (left.op, right.op) == (op, op)
        assert left.data == pytest.approx(left_expected) and right.data == pytest.approx(right_expected)
        constant = left.parents[1]
        assert (constant.data, constant.label, constant.parents) == (c, "", ())
    assert (v**c).op == "pow" and (v**c).const == c and (v**c).data == pytest.approx(x**c)
    assert (c**v).op == "powv" and (c**v).data == pytest.approx(c**x)
    assert (v ** Value(c)).op == "powv" and (v ** Value(c)).parents[0] is v
    assert (-v).data == -x and (-v).op == "neg" and abs(-v).data == x and abs(-v).op == "abs"


@pytest.mark.parametrize("scalar", [np.float64(2.0), np.float32(2.0), np.int64(2)])
def test_value_operators_with_numpy_scalars_give_values(scalar):
    x = Value(1.5)
    results = [scalar * x, scalar + x, scalar - x, scalar / x, scalar**x, x * scalar, x**scalar]
    assert all(type(r) is Value for r in results)
    assert [r.data for r in results] == pytest.approx([3.0, 3.5, 0.5, 4 / 3, 2**1.5, 3.0, 2.25])
    results[0].backward()
    assert x.grad == 2.0


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow])
def test_value_operator_with_numpy_array_raises_instead_of_an_array_of_values(op):
    # numpy used to broadcast the operator over the array, giving an object array of Values.
    with pytest.raises(TypeError):
        op(Value(2.0), np.array([1.0, 2.0]))
    with pytest.raises(TypeError):
        op(np.array([1.0, 2.0]), Value(2.0))


@pytest.mark.parametrize("other", [1.5, 2, True, np.float64(1.5), np.int64(2), np.float32(0.5)])
def test_value_operator_lifts_a_number_to_a_constant_leaf(other):
    x = Value(3.0, label="x")
    for v, expected in ((x + other, 3.0 + float(other)), (other * x, 3.0 * float(other))):
        c = next(p for p in v.parents if p is not x)
        assert type(c) is Value and type(c.data) is float and c.data == float(other)
        assert (c.op, c.label, c.parents, c.local_grads, c.const) == ("", "", (), (), None)
        assert v.data == expected


def test_equal_numbers_share_one_constant_leaf_but_signed_zeros_and_nan_do_not():
    x = Value(3.0, label="x")
    y = x * 0.999
    for _ in range(3):
        y = y * 0.999
    constants = {p for v in (y, y.parents[0], y.parents[0].parents[0]) for p in v.parents if not p.parents}
    assert len(constants) == 1 and (x + 2).parents[1] is (2.0 * x).parents[0]
    assert (x * 0.0).parents[1] is not (x * 0.0).parents[1]
    assert str((x * -0.0).data) == "-0.0" and (x * -0.0).parents[1].data == 0.0
    nan = float("nan")
    assert (x + nan).parents[1] is not (x + nan).parents[1]


def test_a_shared_constant_shows_the_latest_backwards_gradient_not_a_sum_over_graphs():
    x = Value(3.0, label="x")
    a, b = x * 7.25, x * x * 7.25
    c = a.parents[1]
    assert b.parents[1] is c
    a.backward()
    assert c.grad == 3.0 and x.grad == 7.25
    b.backward()
    assert c.grad == 9.0 and x.grad == 7.25 + 2 * 3.0 * 7.25  # x, a leaf of the user, accumulates


def test_a_changed_shared_constant_is_not_reused():
    x = Value(3.0, label="x")
    c = (x * 5.5).parents[1]
    c.data = 6.0
    assert (x * 5.5).data == 16.5 and (x * 5.5).parents[1] is not c


@pytest.mark.parametrize(("n", "const"), [(2, 2.0), (2.0, 2.0), (np.int64(3), 3.0), (True, 1.0), (-0.5, -0.5)])
def test_value_pow_records_a_float_exponent_and_its_rule(n, const):
    x = Value(4.0)
    v = x**n
    assert (v.op, v.const, type(v.const), v.parents) == ("pow", const, float, (x,))
    assert v.data == 4.0**const and v.local_grads == (const * 4.0 ** (const - 1.0),)


def test_value_pow_derivative_overflow_is_still_named_for_small_and_large_bases():
    # The check of the rule's x^(n−1) runs only where it can overflow (|x| < 1, n < 1).
    with pytest.raises(OverflowError, match=r"pow: -1e-200 \*\* -1.0 .*derivative"):
        Value(-1e-200) ** -1
    assert (Value(1e200) ** -0.5).local_grads == (-0.5 * 1e200**-1.5,)
    assert (Value(1e-100) ** 3).local_grads == (3.0 * 1e-200,)


@pytest.mark.parametrize("other", ["a", None, [1.0], 1j, object()])
@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow])
def test_value_operator_rejects_unsupported_operand(op, other):
    with pytest.raises(TypeError, match="Value"):
        op(Value(2.0), other)
    with pytest.raises(TypeError, match="Value"):  # Python's message for the reflected case names Value
        op(other, Value(2.0))


@pytest.mark.parametrize(
    ("method", "x", "value", "derivative"),
    [
        ("exp", 1.0, math.e, math.e),
        ("log", math.e, 1.0, 1 / math.e),
        ("log1p", math.e - 1.0, 1.0, 1 / math.e),
        ("sqrt", 4.0, 2.0, 0.25),
        ("tanh", 0.5, math.tanh(0.5), 1 - math.tanh(0.5) ** 2),
        ("sigmoid", 0.0, 0.5, 0.25),
        ("relu", -1.0, 0.0, 0.0),
        ("relu", 2.0, 2.0, 1.0),
        ("sin", 1.0, math.sin(1.0), math.cos(1.0)),
        ("cos", 1.0, math.cos(1.0), -math.sin(1.0)),
        ("step", 0.3, 1.0, 0.0),
        ("sign", -0.3, -1.0, 0.0),
    ],
)
def test_value_methods_value_and_derivative(method, x, value, derivative):
    v = getattr(Value(x), method)()
    assert v.op == method and v.data == pytest.approx(value) and v.local_grads == pytest.approx((derivative,))


# ---- BACKWARD() ---------------------------------------------------------------------------
def test_value_reuse_accumulates_over_edges():
    a = Value(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert (a.grad, b.grad, c.grad) == (4.0, 2.0, 1.0)


def test_value_square_keeps_both_edges():
    x = Value(-1.5)
    y = x * x
    assert y.parents == (x, x) and y.local_grads == (-1.5, -1.5)
    y.backward()
    assert x.grad == -3.0


def test_value_backward_twice_doubles_leaves_only():
    x, w, b = Value(2.0), Value(-0.5), Value(0.1)
    h = w * x + b
    loss = (h.sigmoid() - 1.0) ** 2
    loss.backward()
    leaves, interior = (x.grad, w.grad, b.grad), (h.grad, loss.grad)
    s = 1 / (1 + math.exp(-(-0.5 * 2.0 + 0.1)))
    dh = 2 * (s - 1) * s * (1 - s)
    assert leaves == pytest.approx((dh * -0.5, dh * 2.0, dh), rel=1e-12)
    loss.backward()
    assert (x.grad, w.grad, b.grad) == tuple(2 * g for g in leaves)
    assert (h.grad, loss.grad) == interior


def test_value_backward_on_a_leaf_and_a_middle_node():
    x = Value(1.5)
    x.backward()
    assert x.grad == 1.0
    y = x * 3.0
    z = y.exp()
    y.backward()  # any Value may be the root; z is above it and untouched
    assert (x.grad, y.grad, z.grad) == (4.0, 1.0, 0.0)


def test_value_backward_chain_of_a_million_ops():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y.sin()
    y.backward()
    # the chain rule by hand: dy/dx = Π cos(y_k) over the inputs y_k of each sin
    t, expected = 1.0, 1.0
    for _ in range(1_000_000):
        expected *= math.cos(t)
        t = math.sin(t)
    assert y.data == t and x.grad == pytest.approx(expected, rel=1e-9)


def test_value_backward_sum_of_a_million_terms():
    xs = [Value(float(k)) for k in range(1000)]
    total = sum(xs[i % 1000] for i in range(1_000_000))  # each leaf is a term 1000 times
    total.backward()
    assert total.data == 1000 * sum(range(1000))
    assert all(x.grad == 1000.0 for x in xs)


# ---- numerics and domains -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("build", "error", "words"),
    [
        (lambda: Value(0.0).log(), ValueError, ["log", "0.0"]),
        (lambda: Value(-1.0).log(), ValueError, ["log", "-1.0"]),
        (lambda: Value(-0.0).log(), ValueError, ["log", "-0.0"]),
        (lambda: Value(-1.0).log1p(), ValueError, ["log1p", "-1.0", "x > −1"]),
        (lambda: Value(-4.0).sqrt(), ValueError, ["sqrt", "-4.0"]),
        (lambda: Value(0.0).sqrt(), ValueError, ["sqrt", "0.0"]),
        (lambda: Value(1.0) / 0.0, ZeroDivisionError, ["div", "1.0", "0.0"]),
        (lambda: 2.0 / Value(-0.0), ZeroDivisionError, ["div", "-0.0"]),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, ["pow", "0.0", "-1.0"]),
        (lambda: Value(-0.0) ** -2, ZeroDivisionError, ["pow", "-0.0"]),
        (lambda: Value(-8.0) ** (1 / 3), ValueError, ["pow", "-8.0", "not real"]),
        (lambda: Value(0.0) ** 0.5, ValueError, ["pow", "0.0", "infinite derivative"]),
        (lambda: Value(-2.0) ** math.inf, ValueError, ["pow", "inf"]),
        (lambda: Value(2.0) ** math.nan, ValueError, ["pow", "nan"]),
        (lambda: Value(10.0) ** 400, OverflowError, ["pow", "10.0", "overflow"]),
        (lambda: Value(0.0) ** Value(0.5), ValueError, ["powv", "0.0 ** 0.5", "at base 0", "≥ 1"]),
        (lambda: Value(-2.0) ** Value(2.0), ValueError, ["powv", "-2.0", "positive"]),
        (lambda: 0 ** Value(-1.0), ValueError, ["powv", "0.0 ** -1.0", "at base 0"]),
        (lambda: Value(10.0) ** Value(400.0), OverflowError, ["powv", "overflow"]),
        (lambda: Value(1e-200) ** -0.6, OverflowError, ["pow", "1e-200", "derivative", "overflows"]),
        (lambda: Value(1e-200) ** Value(-0.6), OverflowError, ["powv", "1e-200", "derivative", "overflows"]),
        (lambda: Value(1000.0).exp(), OverflowError, ["exp", "1000.0", "overflow"]),
        (lambda: Value(math.inf).sin(), ValueError, ["sin", "inf"]),
        (lambda: Value(-math.inf).cos(), ValueError, ["cos", "-inf"]),
    ],
)
def test_value_outside_domain_raises_naming_op_and_value(build, error, words):
    with pytest.raises(error) as info:
        build()
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize(
    ("x", "n", "value", "derivative"),
    [
        (-2.0, 3, -8.0, 12.0),
        (-2.0, 2.0, 4.0, -4.0),
        (-0.5, -1, -2.0, -4.0),
        (0.0, 2, 0.0, 0.0),
        (0.0, 1.5, 0.0, 0.0),
        (3.0, 0, 1.0, 0.0),
    ],
)
def test_value_pow_edge_cases(x, n, value, derivative):
    xv = Value(x)
    y = xv**n
    y.backward()
    assert (y.data, xv.grad) == (value, derivative)


def test_value_log1p_is_accurate_where_log_of_one_plus_x_is_not():
    # ln(1 + 1e-17) = 1e-17 − 5e-35…: 1 + 1e-17 rounds to 1, so log(1 + x) gives 0 and its rule 1.
    x = Value(1e-17)
    v = x.log1p()
    v.backward()
    assert v.data == 1e-17 and x.grad == 1.0 and (1.0 + x).log().data == 0.0


def test_value_nan_propagates_like_pytorch():
    nan = Value(math.nan)
    for y in (nan + 1.0, nan * 2.0, nan.tanh(), nan.sigmoid(), nan.relu(), nan.exp(), abs(nan), nan.sin()):
        assert math.isnan(y.data)
    with pytest.raises(ValueError, match="log: input nan"):
        nan.log()
    # The thresholds choose a side, as PyTorch does (numpy gives nan): sign(nan) = 0 like
    # torch.sign, step(nan) = 0 like torch.heaviside; derivative 0 as everywhere.
    assert (nan.sign().data, nan.step().data) == (0.0, 0.0)
    assert (nan.sign().local_grads, nan.step().local_grads) == ((0.0,), (0.0,))
    assert compile(lambda x: x.sign() + 2.0 * x.step())(np.array([math.nan, 1.0])).tolist() == [0.0, 3.0]
    try:
        import torch
    except ImportError:
        return
    t = torch.tensor(math.nan, dtype=torch.float64)
    assert (torch.sign(t).item(), torch.heaviside(t, torch.tensor(1.0, dtype=torch.float64)).item()) == (0.0, 0.0)


def test_value_is_not_a_float_so_math_functions_cannot_drop_the_graph():
    # With __float__, math.sin(x) returned a float cut from the graph and grad gave a silent 0.
    with pytest.raises(TypeError):
        math.sin(Value(1.0))
    with pytest.raises(TypeError):
        float(Value(1.0))
    with pytest.raises(TypeError):
        grad(lambda x: math.sin(x))(1.0)
    assert grad(lambda x: x.sin())(1.0) == math.cos(1.0)


def test_value_accepts_zero_dim_numpy_array_but_not_a_vector():
    assert Value(np.array(2.5)).data == 2.5
    with pytest.raises(TypeError, match="got ndarray"):
        Value(np.array([1.0, 2.0]))


def test_value_label_must_be_a_string():
    with pytest.raises(TypeError, match=r"label.*needs a str, got int"):
        Value(1.0, label=5)


# ---- Σ: sum(values) and dot(w, x, b) as one node each -------------------------------------
@pytest.mark.parametrize("n", [1, 2, 1000])
def test_value_sum_is_one_node_with_unit_edges(n):
    xs = [Value(math.sin(i) * 3.0) for i in range(n)]
    v = autograd_core.sum(xs)
    assert (v.op, v.parents, v.local_grads) == ("sum", tuple(xs), (1.0,) * n)
    assert v.data == pytest.approx(math.fsum(x.data for x in xs), rel=1e-12, abs=1e-12)
    (3.0 * v).backward()
    assert [x.grad for x in xs] == [3.0] * n


@pytest.mark.parametrize("n", [1, 2, 1000])
@pytest.mark.parametrize("bias", [True, False])
def test_value_dot_is_one_node_with_the_lecture_edges(n, bias):
    w = [Value(math.cos(i), label=f"w{i}") for i in range(n)]
    x = [Value(math.sin(i) - 0.5, label=f"x{i}") for i in range(n)]
    b = Value(0.25, label="b") if bias else None
    z = autograd_core.dot(w, x, b)
    assert z.op == "dot" and z.parents == (*w, *x, *([b] if bias else []))
    assert ops.dot_parts(z.parents) == (tuple(w), tuple(x), b)
    expected = math.fsum([wi.data * xi.data for wi, xi in zip(w, x)] + ([0.25] if bias else []))
    assert z.data == pytest.approx(expected, rel=1e-12, abs=1e-12)
    (2.0 * z).backward()  # ∂z/∂w_j = x_j, ∂z/∂x_j = w_j, ∂z/∂b = 1
    assert [wi.grad for wi in w] == [2.0 * xi.data for xi in x]
    assert [xi.grad for xi in x] == [2.0 * wi.data for wi in w]
    assert b is None or b.grad == 2.0


def test_value_dot_equals_the_binary_chain_bit_for_bit():
    w, x, b = [Value(0.1 * k - 0.7) for k in range(16)], [Value(1.0 / (k + 3)) for k in range(16)], Value(0.3)
    chain = b
    for wj, xj in zip(w, x):
        chain = chain + wj * xj
    z = autograd_core.dot(w, x, b)
    assert z.data == chain.data
    (z.tanh() + chain.tanh()).backward()
    chain_grads = gradients(chain.tanh())
    assert all(gradients(z.tanh())[p] == chain_grads[p] for p in (*w, *x, b))


def test_value_sum_and_dot_take_numbers_as_constants():
    x = Value(2.0)
    s = autograd_core.sum([x, 1, 0.5, True])
    assert s.data == 4.5 and [p.op for p in s.parents] == [""] * 4 and s.parents[0] is x
    z = autograd_core.dot([3, x], [x, 0.5], 1)
    assert z.data == 3 * 2.0 + 2.0 * 0.5 + 1
    z.backward()
    assert x.grad == 3.0 + 0.5
    # numbers only: the float, as every free function of an op gives for plain numbers (issue 14)
    assert autograd_core.dot((1.0, 2.0), (3.0, 4.0)) == 11.0 and type(autograd_core.sum([1, 2])) is float
    assert autograd_core.sum(Value(k) for k in range(4)).data == 6.0  # any iterable


def test_value_builtin_sum_over_values_still_builds_the_chain():
    xs = [Value(1.0), Value(2.0), Value(3.0)]
    s = sum(xs)
    assert (s.op, s.data) == ("add", 6.0)
    s.backward()
    assert [x.grad for x in xs] == [1.0, 1.0, 1.0]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: autograd_core.sum([]), ValueError, r"sum: values is empty"),
        (lambda: autograd_core.sum(3.0), TypeError, r"sum: values must be a list .* got float"),
        (lambda: autograd_core.sum(Value(1.0)), TypeError, r"sum: values must be a list .* got Value"),
        (lambda: autograd_core.sum("abc"), TypeError, r"sum: values must be a list .* got str"),
        (lambda: autograd_core.sum([Value(1.0), "2"]), TypeError, r"sum: values\[1\] must be a Value or a real"),
        (lambda: autograd_core.sum([None]), TypeError, r"values\[0\] .* got NoneType"),
        (lambda: autograd_core.dot([1.0, 2.0], [3.0]), ValueError, r"dot: w has 2 entries but x has 1"),
        (lambda: autograd_core.dot([], []), ValueError, r"dot: w and x are empty"),
        (lambda: autograd_core.dot(2.0, [1.0]), TypeError, r"dot: w must be a list .* got float"),
        (lambda: autograd_core.dot([1.0], "x"), TypeError, r"dot: x must be a list .* got str"),
        (lambda: autograd_core.dot([1.0], [1j]), TypeError, r"dot: x\[0\] must be a Value or a real .* complex"),
        (lambda: autograd_core.dot([1.0], [2.0], "b"), TypeError, r"dot: b must be a Value, a real number or None"),
        (lambda: apply("sum"), TypeError, r"sum takes one or more inputs, got none"),
    ],
)
def test_value_sum_and_dot_bad_arguments_say_what_was_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_value_higher_orders_and_jvp_through_dot_and_sum():
    # f(a, b) = Σ(a·b, a², b) · dot([a, b], [b, a], a) = (ab + a² + b)(2ab + a)
    f = lambda a, b: autograd_core.sum([a * b, a * a, b]) * autograd_core.dot([a, b], [b, a], a)
    a, b = 0.7, -1.3
    s, d = a * b + a * a + b, 2 * a * b + a
    sa, sb, da, db = b + 2 * a, a + 1, 2 * b + 1, 2 * a
    assert grad(f, argnums=(0, 1))(a, b) == pytest.approx((sa * d + s * da, sb * d + s * db), rel=1e-12)
    h = hessian(f)(a, b)
    # ∂²f/∂a² = 2d + 2·sa·da; ∂²f/∂a∂b = 1·d + sa·db + sb·da + s·2; ∂²f/∂b² = 2·sb·db
    assert h == [
        pytest.approx([2 * d + 2 * sa * da, d + sa * db + sb * da + 2 * s], rel=1e-12),
        pytest.approx([d + sa * db + sb * da + 2 * s, 2 * sb * db], rel=1e-12),
    ]
    assert jvp(f, (a, b), (0.5, 2.0))[1] == pytest.approx(0.5 * (sa * d + s * da) + 2.0 * (sb * d + s * db), rel=1e-12)
    cubic = lambda x: autograd_core.dot([x, x], [x * x, x])  # x³ + x²: f″ = 6x + 2, f‴ = 6
    assert grad(grad(cubic))(1.5) == pytest.approx(11.0) and grad(grad(grad(cubic)))(1.5) == pytest.approx(6.0)


def test_value_gradcheck_passes_through_dot_and_sum_at_large_n():
    f = lambda *xs: autograd_core.dot(xs[:50], [x.tanh() for x in xs[50:]], autograd_core.sum(xs).sin())
    assert gradcheck(f, *[math.sin(k) for k in range(100)])


def test_a_chain_with_a_constant_costs_at_most_250_bytes_per_op():
    import tracemalloc

    x = Value(1.0, label="x")
    y = x * 0.999  # the constant's leaf is made here, outside the count
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(20_000):
        y = y * 0.999
    used = (tracemalloc.get_traced_memory()[0] - before) / 20_000
    tracemalloc.stop()
    assert used <= 250, f"{used:.0f} B per op"
    assert y.data == pytest.approx(0.999**20_001, rel=1e-9)


def test_constant_is_public_and_checks_its_number():
    import autograd_core

    assert autograd_core.constant(2) is autograd_core.constant(2.0) is (Value(1.0) * 2).parents[1]
    with pytest.raises(TypeError, match="needs a real number"):
        autograd_core.constant("2")


@pytest.mark.parametrize("bias", [True, False])
def test_matvec_gives_the_nodes_and_numbers_of_dot_row_by_row(bias):
    x = [Value(math.sin(j) - 0.2, label=f"x{j}") for j in range(5)]
    W = [[Value(math.cos(3 * k + j), label=f"w{k}{j}") for j in range(5)] for k in range(4)]
    b = [Value(0.1 * k, label=f"b{k}") for k in range(4)] if bias else None
    zs = autograd_core.matvec(W, x, b)
    rows = [autograd_core.dot(w, x, None if b is None else b[k]) for k, w in enumerate(W)]
    assert [(z.op, z.parents, z.local_grads, z.data) for z in zs] == [
        (r.op, r.parents, r.local_grads, r.data) for r in rows
    ]
    L = autograd_core.sum([z.tanh() for z in zs])
    expected = gradients(autograd_core.sum([r.tanh() for r in rows]))
    L.backward()
    assert all(p.grad == expected[p] for p in (*x, *(w for row in W for w in row)))


def test_matvec_takes_numbers_and_says_what_was_wrong():
    x = Value(2.0, label="x")
    zs = autograd_core.matvec([[1.0, x], [x, 3]], [x, 0.5], [0.25, x])
    assert [z.data for z in zs] == [2.0 + 1.0 + 0.25, 4.0 + 1.5 + 2.0]
    assert autograd_core.matvec([], [x]) == []
    with pytest.raises(ValueError, match=r"dot: w has 1 entries but x has 2"):
        autograd_core.matvec([[x, x], [x]], [x, x])
    with pytest.raises(ValueError, match=r"matvec: b must be a list with one entry per row of W \(2\), got 1"):
        autograd_core.matvec([[x], [x]], [x], [x])
    with pytest.raises(TypeError, match=r"matvec: W must be a list \(or tuple\) of rows, got Value"):
        autograd_core.matvec(x, [x])
    with pytest.raises(TypeError, match=r"dot: x must be a list .* got str"):
        autograd_core.matvec([[x]], "x")
