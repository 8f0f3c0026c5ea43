"""Code from micrograd, HIPS autograd, JAX and PyTorch users runs: each item asserts its value or its error.

micrograd's own ``test/test_engine.py`` is ported with only the import changed, and run side by
side with PyPI micrograd 0.1.0; the lecture's ``trace``/``draw_dot`` and manual ``_backward()``
cells are in ``test_lecture.py``.
"""

import math
import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ac
from autograd_core import OPS, Value, grad, gradcheck, hessian, jvp, value_and_grad
from autograd_core.functions import FUNCTIONS

mg = pytest.importorskip("micrograd.engine")
finite = st.floats(-5.0, 5.0, allow_nan=False)


# ---- micrograd's test/test_engine.py, verbatim but for the import --------------------------------
def test_sanity_check():
    torch = pytest.importorskip("torch")

    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xmg, ymg = x, y

    x = torch.Tensor([-4.0]).double()
    x.requires_grad = True
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xpt, ypt = x, y

    # forward pass went well
    assert ymg.data == ypt.data.item()
    # backward pass went well
    assert xmg.grad == xpt.grad.item()


def test_more_ops():
    torch = pytest.importorskip("torch")

    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    amg, bmg, gmg = a, b, g

    a = torch.Tensor([-4.0]).double()
    b = torch.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    apt, bpt, gpt = a, b, g

    tol = 1e-6
    # forward pass went well
    assert abs(gmg.data - gpt.data.item()) < tol
    # backward pass went well
    assert abs(amg.grad - apt.grad.item()) < tol
    assert abs(bmg.grad - bpt.grad.item()) < tol


def _more_ops(V, a0, b0):  # test_more_ops's expression, on either engine
    a, b = V(a0), V(b0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return g.data, a.grad, b.grad


@given(a0=finite, b0=finite)
def test_micrograd_test_engine_expression_equals_micrograd_side_by_side(a0, b0):
    try:
        expected = _more_ops(mg.Value, a0, b0)
    except ZeroDivisionError:  # f = 0: micrograd divides by zero too, as ours says
        with pytest.raises(ZeroDivisionError):
            _more_ops(Value, a0, b0)
        return
    got = _more_ops(Value, a0, b0)
    for u, v in zip(got, expected):
        assert math.isclose(u, v, rel_tol=1e-9, abs_tol=1e-9), (got, expected)


# ---- _prev, _op, _backward: the lecture's names --------------------------------------------------
def test_prev_is_the_set_of_parents_read_only():
    x, y = Value(2.0), Value(3.0)
    assert (x * y)._prev == {x, y} and (x * x)._prev == {x} and x._prev == set()
    assert (x * x).parents == (x, x)  # the edges are still both there
    with pytest.raises(AttributeError):
        (x * y)._prev = set()


OP_STRINGS = {
    "add": "+", "sub": "-", "mul": "*", "div": "/", "neg": "-", "pow": "**2", "powv": "**", "abs": "abs",
    "exp": "exp", "log": "log", "log1p": "log1p", "sqrt": "sqrt", "tanh": "tanh", "sigmoid": "sigmoid",
    "relu": "ReLU", "sin": "sin", "cos": "cos", "step": "step", "sign": "sign", "sum": "sum", "dot": "dot",
}  # fmt: skip


@pytest.mark.parametrize("name", list(OPS))
def test_op_string_of_every_row(name):
    x, y = Value(0.5), Value(2.0)
    op = OPS[name]
    node = x**2 if name == "pow" else ac.apply(op, *([x, y] if op.arity != 1 else [x]))
    assert node._op == OP_STRINGS[name]
    assert x._op == ""


def test_op_strings_equal_micrograds():
    for build in (lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a**2, lambda a, b: a**-1,
                  lambda a, b: a**3, lambda a, b: a.relu()):  # fmt: skip
        assert build(Value(1.5), Value(2.0))._op == build(mg.Value(1.5), mg.Value(2.0))._op
    assert (Value(2.0) ** 0.5)._op == "**0.5"


@pytest.mark.parametrize(
    "build",
    [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a * a, lambda a, b: a**3, lambda a, b: a**-1,
     lambda a, b: a.relu(), lambda a, b: (-1.0 * a).relu()],
    ids=["add", "mul", "square", "cube", "inverse", "relu+", "relu-"],
)  # fmt: skip
def test_backward_step_adds_grad_times_local_to_each_parent_as_micrograd(build):
    ours_a, ours_b, mg_a, mg_b = Value(1.5), Value(-2.0), mg.Value(1.5), mg.Value(-2.0)
    ours, theirs = build(ours_a, ours_b), build(mg_a, mg_b)
    ours_a.grad = mg_a.grad = 0.25  # _backward adds to what is there
    ours.grad = theirs.grad = 3.0
    ours._backward()
    theirs._backward()
    assert (ours_a.grad, ours_b.grad) == (mg_a.grad, mg_b.grad)
    Value(1.0)._backward()  # a leaf's step does nothing


# ---- backward(gradient) and backward on a list ---------------------------------------------------
@given(x0=finite, g=finite)
def test_backward_gradient_seeds_dl_droot(x0, g):
    x = Value(x0)
    y = (x * x.tanh()).sin()
    y.backward(g)
    seeded = x.grad
    x.grad = 0.0
    y.backward()
    assert math.isclose(seeded, g * x.grad, rel_tol=1e-12, abs_tol=1e-300)
    leaf = Value(x0)
    leaf.backward(g)
    assert leaf.grad == g


def test_backward_gradient_equals_torch():
    torch = pytest.importorskip("torch")
    x = Value(0.7)
    (x.exp() * x).backward(5.0)
    t = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    (t.exp() * t).backward(torch.tensor(5.0, dtype=torch.float64))
    assert math.isclose(x.grad, t.grad.item(), rel_tol=1e-14)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda v: ac.backward([v, v * 2]), r"backward needs one Value L, got a list of 2; .*autograd_core\.sum"),
        (lambda v: ac.gradients((v,)), r"gradients needs one Value L, got a tuple of 1"),
        (lambda v: ac.backward(2.0), r"backward needs a Value, got float"),
        (lambda v: v.backward(Value(1.0)), r"backward\(gradient\) needs a number"),
        (lambda v: v.backward("1"), r"backward\(gradient\) needs a number"),
    ],
)  # fmt: skip
def test_backward_on_a_list_says_to_reduce_it_first(call, message):
    with pytest.raises(TypeError, match=message):
        call(Value(1.0))


def test_backward_on_a_models_outputs_says_to_reduce_them():
    import nn
    import nn.micrograd

    for model in (nn.MLP(2, [3, 2], seed=0), nn.micrograd.MLP(2, [3, 2])):
        out = model([1.0, -1.0])
        assert isinstance(out, list) and len(out) == 2 and out == list(out)
        with pytest.raises(TypeError, match=r"the model gave a list of 2 outputs; reduce them to one Value first"):
            out.backward()
        ac.sum(out).backward()  # as the message says


# ---- comparisons and bool --------------------------------------------------------------------------
COMPARISONS = [operator.lt, operator.le, operator.gt, operator.ge]


@pytest.mark.parametrize("compare", COMPARISONS, ids=lambda c: c.__name__)
@given(a=finite, b=finite)
def test_comparisons_compare_data_and_return_bool(compare, a, b):
    expected = compare(a, b)
    for left, right in ((Value(a), Value(b)), (Value(a), b), (a, Value(b)), (Value(a), np.float64(b))):
        result = compare(left, right)
        assert type(result) is bool and result == expected
    assert compare(np.float64(a), Value(b)) == expected


def test_comparisons_let_python_branch_and_pick():
    a, b = Value(1.0), Value(3.0)
    assert max(a, b) is b and min(a, b) is a and sorted([b, a]) == [a, b]
    x = Value(-2.0)
    y = x * 2 if x > 0 else x * -3  # the branch taken is differentiated
    y.backward()
    assert x.grad == -3.0
    assert Value(1.0) != Value(1.0) and a == a  # == stays identity: the graph's dicts need it
    assert len({Value(1.0), Value(1.0)}) == 2
    with pytest.raises(TypeError):
        _ = Value(1.0) < "2"
    assert not (Value(math.nan) < 1.0) and not (Value(math.nan) >= 1.0)


def test_bool_is_bool_of_data():
    assert not Value(0) and not Value(0.0) and not Value(-0.0)
    assert Value(0.5) and Value(-1.0) and Value(math.nan)
    loss = Value(1.0) - 1.0
    assert (not loss) is True  # `if loss:` is False at 0 (it was always True)


# ---- free functions ------------------------------------------------------------------------------
def test_free_functions_cover_every_unary_row():
    unary = {name for name, op in OPS.items() if op.arity == 1 and not op.has_const and name != "neg"}
    assert set(FUNCTIONS) == unary
    assert all(getattr(ac, name) is f and name in ac.__all__ for name, f in FUNCTIONS.items())


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@given(x=st.floats(0.05, 3.0))
def test_free_function_gives_a_value_for_a_value_and_a_float_for_a_number(name, x):
    f = FUNCTIONS[name]
    v = f(Value(x))
    assert isinstance(v, Value) and v.op == name
    for number in (x, np.float64(x)):
        got = f(number)
        assert type(got) is float and got == v.data
    if name in ("sin", "cos", "exp", "tanh"):
        assert f(x) == getattr(math, name)(x)


@pytest.mark.parametrize(
    "name, x, error, message",
    [
        ("log", -1.0, ValueError, "log: input -1.0 is outside the domain x > 0"),
        ("log1p", -1, ValueError, "log1p: input -1.0 is outside the domain x > −1"),
        ("sqrt", 0.0, ValueError, "sqrt: input 0.0 is outside the domain x > 0"),
        ("sin", math.inf, ValueError, "sin: input inf is outside the domain"),
        ("exp", 800.0, OverflowError, r"exp: exp\(800.0\) overflows"),
    ],
)
def test_free_function_raises_the_same_domain_error_for_numbers_and_values(name, x, error, message):
    for arg in (x, Value(x)):
        with pytest.raises(error, match=message):
            FUNCTIONS[name](arg)


def test_free_function_refuses_other_types():
    with pytest.raises(TypeError, match=r"cos\(x\) takes a Value or a real number, got list"):
        ac.cos([0.2])
    with pytest.raises(TypeError, match=r"exp\(x\) takes a Value or a real number, got ndarray"):
        ac.exp(np.array([1.0, 2.0]))


def test_free_functions_in_one_body_for_constants_and_values():
    f = lambda x: ac.cos(0.2) * ac.exp(x) + ac.abs(-3) * ac.relu(x)  # HIPS: np.cos(0.2) just works
    assert grad(f)(0.5) == pytest.approx(math.cos(0.2) * math.exp(0.5) + 3.0, rel=1e-15)
    assert ac.abs(-3) == 3.0 and ac.relu(-2) == 0.0 and ac.step(0) == 1.0 and ac.sign(-0.5) == -1.0


def test_sum_and_dot_of_numbers_are_floats():
    assert ac.sum([1, 2.5]) == 3.5 and type(ac.sum([1, 2.5])) is float
    assert ac.dot([1.0, 2.0], [3.0, 4.0], 0.5) == 11.5 and type(ac.dot([1.0], [2.0])) is float
    assert isinstance(ac.dot([1.0], [2.0], Value(0.5)), Value) and isinstance(ac.sum([1.0, Value(1.0)]), Value)


# ---- keyword arguments through the functional API ------------------------------------------------
def f_scaled(x, y=1.0, *, scale=1.0, offset=0.0):
    return scale * (x * y).tanh() + offset


@given(x=finite, scale=finite)
def test_keyword_arguments_pass_to_f_undifferentiated(x, scale):
    d = 1.0 - math.tanh(x) ** 2
    assert grad(f_scaled)(x, scale=scale) == pytest.approx(scale * d, rel=1e-12, abs=1e-300)
    value, g = value_and_grad(f_scaled)(x, scale=scale, offset=1.0)
    assert value == pytest.approx(scale * math.tanh(x) + 1.0, rel=1e-12) and g == pytest.approx(scale * d, abs=1e-12)
    [[h]] = hessian(f_scaled)(x, scale=scale)
    assert h == pytest.approx(scale * -2.0 * math.tanh(x) * d, rel=1e-9, abs=1e-12)
    assert jvp(f_scaled, (x,), (2.0,), scale=scale)[1] == pytest.approx(2.0 * scale * d, rel=1e-12, abs=1e-300)
    assert gradcheck(f_scaled, x, scale=scale)
    assert grad(f_scaled, argnums=1)(x, 0.5, scale=scale) == pytest.approx(scale * x * (1 - math.tanh(0.5 * x) ** 2))


def test_functional_errors_name_our_function_not_the_users():
    g = grad(f_scaled)
    assert g.__name__ == "grad(f_scaled)" and g.__doc__ is None and g.__wrapped__ is f_scaled
    assert value_and_grad(f_scaled).__name__ == "value_and_grad(f_scaled)"
    assert hessian(f_scaled).__name__ == "hessian(f_scaled)"
    with pytest.raises(
        TypeError,
        match=r"grad\(f_scaled\): positional argument 1 must be a number or a Value .*"
        r"got list; pass other data by keyword",
    ):
        g(1.0, [1, 2])
    with pytest.raises(ValueError, match=r"grad\(f_scaled\): argnums 3 does not fit a call with 1 argument"):
        grad(f_scaled, argnums=3)(1.0)
    with pytest.raises(TypeError, match=r"f_scaled\(\) got an unexpected keyword argument 'bogus'"):
        g(1.0, bogus=2)  # here f itself is called wrongly, and Python says so


# ---- 0 ** y with a Value exponent ----------------------------------------------------------------
@pytest.mark.parametrize("y0", [1.0, 1.5, 2.0, 3.0])
def test_zero_to_a_value_power_is_zero_with_torchs_partials(y0):
    a, y = Value(0.0), Value(y0)
    v = a**y
    v.backward()
    assert v.data == 0.0 and y.grad == 0.0 and a.grad == (1.0 if y0 == 1.0 else 0.0)
    torch = pytest.importorskip("torch")
    ta = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(y0, dtype=torch.float64, requires_grad=True)
    torch.pow(ta, ty).backward()
    assert (a.grad, y.grad) == (ta.grad.item(), ty.grad.item())
    z = 0 ** Value(y0)  # a plain 0 base
    z.backward()
    assert z.data == 0.0


def test_zero_to_a_power_below_one_is_refused():
    with pytest.raises(ValueError, match=r"powv: 0.0 \*\* 0.5: at base 0 the exponent must be ≥ 1"):
        Value(0.0) ** Value(0.5)
    assert "a = 0 with b ≥ 1" in OPS["powv"].domain


def test_zero_to_a_value_power_compiled_equals_interpreted():
    c = ac.compile(lambda a, b: a**b)
    a, b = np.array([0.0, 2.0, 0.0]), np.array([2.0, 1.5, 1.0])
    total, (ga, gb) = c.value_and_grad(a, b)
    assert total == pytest.approx(2.0**1.5)
    assert list(ga) == pytest.approx([0.0, 1.5 * 2.0**0.5, 1.0]) and list(gb) == pytest.approx(
        [0.0, 2**1.5 * math.log(2), 0.0]
    )
