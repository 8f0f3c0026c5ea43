"""grad, value_and_grad, hessian, jvp: closed forms, nesting to any depth, closures, and their errors."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import Value, grad, hessian, jvp, value_and_grad
from autograd_core.testing import floats, programs


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


@given(floats())
def test_grad_tanh_closed_forms(x):
    t = math.tanh(x)
    assert grad(lambda v: v.tanh())(x) == pytest.approx(1 - t * t, rel=1e-12, abs=1e-15)
    assert grad(grad(lambda v: v.tanh()))(x) == pytest.approx(-2 * t * (1 - t * t), rel=1e-12, abs=1e-15)
    assert grad(grad(grad(lambda v: v.tanh())))(x) == pytest.approx(
        -2 * (1 - t * t) * (1 - 3 * t * t), rel=1e-10, abs=1e-14
    )


@given(floats())
def test_grad_sin_and_exp_third_and_fourth_derivatives(x):
    sin3 = grad(grad(grad(lambda v: v.sin())))
    assert sin3(x) == pytest.approx(-math.cos(x), abs=1e-14)
    assert grad(sin3)(x) == pytest.approx(math.sin(x), abs=1e-14)
    assert grad(grad(grad(lambda v: v.exp())))(x) == pytest.approx(math.exp(x), rel=1e-14)


@given(floats(0.2, 3.0))
def test_grad_log_and_pow_higher_order(x):
    assert grad(grad(lambda v: v.log()))(x) == pytest.approx(-1 / x**2, rel=1e-12)
    assert grad(grad(grad(lambda v: v**3)))(x) == pytest.approx(6.0, rel=1e-12)
    assert grad(grad(lambda v: v**v))(x) == pytest.approx(x**x * ((math.log(x) + 1) ** 2 + 1 / x), rel=1e-10)


def test_hessian_rosenbrock_at_minimum_is_exact():
    assert hessian(rosenbrock)(1.0, 1.0) == [[802.0, -400.0], [-400.0, 200.0]]


@given(floats(), floats())
def test_hessian_rosenbrock_closed_form(x, y):
    expected = [[2 - 400 * (y - x * x) + 800 * x * x, -400 * x], [-400 * x, 200.0]]
    h = hessian(rosenbrock)(x, y)
    for row, expected_row in zip(h, expected):
        assert row == pytest.approx(expected_row, rel=1e-12, abs=1e-9)


@given(floats(), floats())
def test_grad_mixed_partial_closed_form(x, y):
    """f = x²y³ + sin(xy): ∂²f/∂x∂y = 6xy² + cos(xy) − xy·sin(xy), from grad of grad and from hessian."""

    def f(a, b):
        return a * a * b**3 + (a * b).sin()

    expected = 6 * x * y * y + math.cos(x * y) - x * y * math.sin(x * y)
    assert grad(grad(f, argnums=0), argnums=1)(x, y) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert grad(grad(f, argnums=1), argnums=0)(x, y) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    h = hessian(f)(x, y)
    assert h[0][1] == pytest.approx(expected, rel=1e-12, abs=1e-12) and h[0][1] == pytest.approx(h[1][0])


@pytest.mark.parametrize(("a", "b"), [(0.5, 0.0), (2.0, 1.0), (0.7, -1.5)])
def test_hessian_powv_closed_form(a, b):
    """f = aᵇ: f_aa = b(b−1)a^(b−2), f_ab = a^(b−1)(1 + b ln a), f_bb = aᵇ ln²a (also at b = 0)."""
    f_ab = a ** (b - 1) * (1 + b * math.log(a))
    expected = [[b * (b - 1) * a ** (b - 2), f_ab], [f_ab, a**b * math.log(a) ** 2]]
    h = hessian(lambda x, y: x**y)(a, b)
    for row, expected_row in zip(h, expected):
        assert row == pytest.approx(expected_row, rel=1e-12, abs=1e-15)


def test_grad_nested_closures_avoid_perturbation_confusion():
    assert grad(lambda x: grad(lambda y: y * x)(x))(1.0) == 1.0
    # the inner grad gets a plain number but closes over the outer x: d/dx [d/dy (x·y)] = d/dx x = 1
    assert grad(lambda x: grad(lambda y: x * y)(1.0))(3.0) == 1.0
    # Siskind & Pearlmutter: d/dx [x · d/dy (x + y)] = 1
    assert grad(lambda x: x * grad(lambda y: x + y)(1.0))(1.0) == 1.0
    assert hessian(lambda x: x * grad(lambda y: x * y * y)(2.0))(3.0) == [[8.0]]
    # a hessian inside grad: d/dx [∂²/∂y² (x·y³)](y = 1) = d/dx 6x = 6, and d/dx [(y³)″ at y = x] = 6
    assert grad(lambda x: hessian(lambda y: x * y * y * y)(1.0)[0][0])(3.0) == 6.0
    assert grad(lambda x: hessian(lambda y: y * y * y)(x)[0][0])(3.0) == 6.0
    assert jvp(lambda x: grad(lambda y: x * y * y)(2.0), (3.0,), (1.0,)) == (12.0, 4.0)


def test_jvp_nests_inside_grad_and_around_it():
    # reverse over forward: d/dx [d/dy (x·y) · 1] = 1, and closing over nothing: (y³)″ at y = x is 6x
    assert grad(lambda x: jvp(lambda y: x * y, (1.0,), (1.0,))[1])(3.0) == 1.0
    assert grad(lambda x: jvp(lambda y: y * y * y, (x,), (1.0,))[1])(3.0) == 18.0
    # forward over forward: the second directional derivative of sin is −sin
    second = jvp(lambda x: jvp(lambda y: y.sin(), (x,), (1.0,))[1], (0.3,), (1.0,))[1]
    assert second == pytest.approx(-math.sin(0.3), rel=1e-15)


def test_jvp_keeps_value_tangents_in_the_graph():
    # The tangent used to be turned into a float, cut from the graph: each of these gave 0.
    assert grad(lambda v: jvp(lambda y: y * y, (1.0,), (v,))[1])(0.5) == 2.0
    # ∂/∂v (∇f(x)·v) = ∇f(x): for f(a, b) = a²b at (1, 2), (2ab, a²) = (4, 1)
    f = lambda a, b: a * a * b
    assert grad(lambda v1, v2: jvp(f, (1.0, 2.0), (v1, v2))[1], argnums=(0, 1))(3.0, 5.0) == (4.0, 1.0)
    # g(x) = sin′(x)·x, x as both point and direction: g′(x) = cos x − x sin x
    g = grad(lambda x: jvp(lambda y: y.sin(), (x,), (x,))[1])(0.7)
    assert g == pytest.approx(math.cos(0.7) - 0.7 * math.sin(0.7), rel=1e-15)
    # at top level a Value tangent gives Values back (they belong to a graph)
    value, tangent = jvp(lambda y: y * y, (3.0,), (Value(2.0),))
    assert isinstance(tangent, Value) and (value.data, tangent.data) == (9.0, 12.0)


def test_grad_argnums_and_value_and_grad():
    def f(a, b, c):
        return a * b + c.exp()

    assert grad(f, argnums=2)(1.0, 2.0, 0.0) == 1.0
    assert grad(f, argnums=(1, -1))(1.5, 2.0, 0.0) == (1.5, 1.0)
    value, partials = value_and_grad(f, argnums=(0, 1, 2))(1.5, 2.0, 0.0)
    assert value == 4.0 and partials == (2.0, 1.5, 1.0) and type(value) is float


def test_grad_of_constant_function_is_zero():
    assert grad(lambda x: 3.0)(1.0) == 0.0
    assert grad(lambda x, y: x * 2.0, argnums=1)(1.0, 5.0) == 0.0
    assert hessian(lambda x, y: x + 2 * y)(1.0, 2.0) == [[0.0, 0.0], [0.0, 0.0]]
    assert jvp(lambda x: 7, (1.0,), (1.0,)) == (7.0, 0.0)


@settings(max_examples=40)
@given(programs(), st.data())
def test_jvp_equals_gradient_dot_tangent(program, data):
    n = len(program.inputs)
    tangents = data.draw(st.lists(floats(-2, 2), min_size=n, max_size=n))
    value, directional = jvp(program.evaluate, program.inputs, tangents)
    partials = grad(program.evaluate, argnums=tuple(range(n)))(*program.inputs)
    assert value == program.evaluate().data
    assert directional == pytest.approx(sum(g * t for g, t in zip(partials, tangents)), rel=1e-9, abs=1e-9)


@settings(max_examples=25)
@given(programs(max_inputs=2, max_steps=6))
def test_hessian_is_symmetric_and_matches_differences_of_grad(program):
    n = len(program.inputs)
    h = hessian(program.evaluate)(*program.inputs)
    g = grad(program.evaluate, argnums=tuple(range(n)))
    eps = 1e-6
    for j in range(n):
        up, down = list(program.inputs), list(program.inputs)
        up[j] += eps
        down[j] -= eps
        column = [(a - b) / (2 * eps) for a, b in zip(g(*up), g(*down))]
        assert [row[j] for row in h] == pytest.approx(column, rel=1e-3, abs=1e-3)
    for i in range(n):
        assert h[i] == pytest.approx([row[i] for row in h], rel=1e-9, abs=1e-9)


# ---- errors --------------------------------------------------------------------------------
@pytest.mark.parametrize("argnums", ["a", 1.0, True, (0, "x"), None])
def test_grad_argnums_of_wrong_type_raises_type_error(argnums):
    with pytest.raises(TypeError, match="argnums must be an int or a tuple of ints"):
        grad(lambda x: x, argnums=argnums)


@pytest.mark.parametrize("argnums", [1, -2, (0, 3)])
def test_grad_argnums_out_of_range_raises_value_error(argnums):
    with pytest.raises(ValueError, match=r"argnums .* does not fit a call with 1 argument"):
        grad(lambda x: x, argnums=argnums)(1.0)


@pytest.mark.parametrize("result", [[1.0], (1.0,), "1.0", None, 1j])
def test_grad_of_non_scalar_output_raises_type_error(result):
    def f(x):
        return result

    for api in (grad(f), value_and_grad(f), hessian(f), lambda x: jvp(f, (x,), (1.0,))):
        with pytest.raises(TypeError, match=f"f must return a scalar Value or number.*got {type(result).__name__}"):
            api(1.0)


def test_jvp_length_mismatch_raises():
    with pytest.raises(ValueError, match="jvp: 2 primals but 1 tangents"):
        jvp(lambda a, b: a * b, (1.0, 2.0), (1.0,))


@pytest.mark.parametrize("bad", ["x", None, [1.0]])
def test_functional_non_number_arguments_raise_type_error(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        grad(lambda x: x)(bad)
    with pytest.raises(TypeError, match=type(bad).__name__):
        jvp(lambda x: x, (1.0,), (bad,))


def test_grad_with_value_arguments_returns_values():
    x = Value(0.5)
    g = grad(lambda v: v * v * v)(x)
    assert isinstance(g, Value) and g.data == 0.75
    g.backward()
    assert x.grad == 3.0  # d/dx 3x² = 6x


def test_grad_nested_in_another_thread_still_differentiates():
    """A grad called in a thread started inside f is nested too (issue 9.2: it gave 0.0, not 1.0)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        inner = lambda x: pool.submit(lambda: grad(lambda y: x * y)(1.0)).result()  # d/dy (x·y) = x
        assert grad(inner)(3.0) == 1.0
        assert grad(lambda x: pool.submit(lambda: hessian(lambda y: x * y * y)(1.0)).result()[0][0])(3.0) == 2.0
        assert grad(lambda x: pool.submit(lambda: jvp(lambda y: x * y, (1.0,), (1.0,))[1]).result())(3.0) == 1.0
    # an independent grad (even inside another) still returns plain floats
    assert grad(lambda x: x * grad(lambda y: y * y)(2.0))(3.0) == 4.0
    assert type(grad(lambda y: y * y)(2.0)) is float
