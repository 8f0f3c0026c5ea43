"""Walking the graph: orders, BACKWARD() and forward mode on random programs, against central differences."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import Value
from autograd_core.graph import (
    backward,
    count_children,
    gradients,
    push_tangents,
    reverse_topological_order,
    topological_order,
)
from autograd_core.testing import FLOAT_BACKEND, programs
from autograd_core.value import is_shared_constant


def data(v):
    """The number a gradient holds: a Value's data (float() of a Value is a TypeError), or the float."""
    return v.data if isinstance(v, Value) else v


def central_differences(program, xs, h=1e-6):
    """∂y/∂x_i ≈ (y(x + h e_i) − y(x − h e_i)) / 2h, on floats through the table's forward."""
    partials = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        partials.append((program.run(FLOAT_BACKEND, *up) - program.run(FLOAT_BACKEND, *down)) / (2 * h))
    return partials


def close(a, b):
    return a == pytest.approx(b, rel=1e-4, abs=1e-4)


def test_count_children_counts_edges():
    a = Value(1.0)
    b = a + a
    c = b * b
    d = c + a
    assert count_children(d) == {d: 0, c: 1, b: 2, a: 3}


@given(programs(max_steps=12))
def test_orders_respect_every_edge(program):
    y = program.evaluate()
    down = reverse_topological_order(y)
    up = topological_order(y)
    assert up == down[::-1] and down[0] is y
    position = {v: k for k, v in enumerate(up)}
    assert len(position) == len(up)  # each node once
    assert all(position[p] < position[v] for v in up for p in v.parents)
    assert set(position) == set(count_children(y))


@given(programs())
def test_gradients_match_central_differences(program):
    xs = [Value(x) for x in program.inputs]
    grads = gradients(program.evaluate(*xs))
    for x, numeric in zip(xs, central_differences(program, program.inputs)):
        assert close(grads.get(x, 0.0), numeric)


@given(programs(), st.data())
def test_forward_mode_matches_reverse_mode(program, data):
    """v̇ = Σ_i ∂y/∂x_i · ẋ_i: push_tangents (forward, FORWARD() order) against gradients (reverse)."""
    tangents = data.draw(st.lists(st.floats(-2, 2), min_size=len(program.inputs), max_size=len(program.inputs)))
    xs = [Value(x) for x in program.inputs]
    y = program.evaluate(*xs)
    grads = gradients(y)
    forward = push_tangents(y, dict(zip(xs, tangents)))[y]
    assert forward == pytest.approx(sum(grads.get(x, 0.0) * t for x, t in zip(xs, tangents)), rel=1e-9, abs=1e-9)


@given(programs())
def test_gradients_leave_grad_fields_alone(program):
    y = program.evaluate()
    gradients(y)
    gradients(y, create_graph=True)
    assert all(v.grad == 0.0 for v in topological_order(y))


@settings(max_examples=30)
@given(programs())
def test_gradients_with_create_graph_equal_float_gradients(program):
    xs = [Value(x) for x in program.inputs]
    y = program.evaluate(*xs)
    floats, symbolic = gradients(y), gradients(y, create_graph=True)
    for x in xs:
        assert data(symbolic.get(x, 0.0)) == pytest.approx(floats.get(x, 0.0), rel=1e-12, abs=1e-12)


@given(programs())
def test_backward_sets_interior_and_adds_to_leaves(program):
    xs = [Value(x) for x in program.inputs]
    y = program.evaluate(*xs)
    grads = gradients(y)
    backward(y)
    backward(y)
    for v in topological_order(y):
        assert v.grad == (2 * grads[v] if not v.parents and not is_shared_constant(v) else grads[v])


@settings(max_examples=50)
@given(programs(max_steps=12), st.floats(-3, 3))
def test_backward_fields_hold_the_sums_of_gradients_bit_for_bit_with_constants_and_held_grads(program, held):
    """The fast path adds the same messages in the same order as the one BACKWARD loop, ``gradients``."""
    xs = [Value(x) for x in program.inputs]
    y = program.evaluate(*xs) * 0.75 + 1.5  # shared constants, as a user's expression makes them
    for x in xs:
        x.grad = held  # a leaf adds this call's ∂L/∂x to what it held
    grads = gradients(y, seed=-2.0)
    backward(y, -2.0)
    for v in topological_order(y):
        if v.parents or is_shared_constant(v):
            assert v.grad == grads[v] or (v.grad != v.grad and grads[v] != grads[v])
        else:
            expect = held + grads[v]
            assert v.grad == expect or (v.grad != v.grad and expect != expect)


def test_reverse_topological_order_is_the_reverse_of_the_order_the_nodes_were_made():
    # L = (a·b) + c·(d·e): BACKWARD replays FORWARD backwards, the newest node first (PyTorch's sequence numbers)
    a, b, c, d, e = (Value(float(i), label=n) for i, n in enumerate("abcde", 1))
    ab, de = a * b, d * e
    cde = c * de
    L = ab + cde
    order = reverse_topological_order(L)
    assert order[:4] == [L, cde, de, ab]
    assert set(order[4:]) == {a, b, c, d, e}


def test_parents_set_by_hand_to_newer_nodes_still_get_an_order_that_respects_every_edge():
    # A node wired by hand to parents made after it: creation order is no order, so Kahn's walk is taken.
    x = Value(2.0, label="x")
    late = Value(0.0, label="late")  # made first, given parents below
    u = x * 3.0
    w = u * u
    late.op, late.parents, late.local_grads = "mul", (w, u), (u.data, w.data)
    late.data = w.data * u.data
    L = late * 1.0
    order = reverse_topological_order(L)
    assert order.index(L) < order.index(late) < order.index(w) < order.index(u)
    L.backward()
    grads = gradients(L)
    assert x.grad == grads[x] == 3 * (3 * 6.0**2)  # L = u³, u = 3x: ∂L/∂x = 3·3u²


# ---- inf · 0: a zero factor sends a zero message (issue 9.4) ------------------------------
def test_zero_local_derivative_sends_zero_whatever_the_upstream():
    # relu′(−1) = 0, while the upstream ∂L/∂relu = 1e300 · 1e300 overflows to inf: PyTorch gives 0
    x = Value(-1.0)
    L = (x.relu() * 1e300) * 1e300
    L.backward()
    assert x.grad == 0.0 and gradients(L)[x] == 0.0
    assert gradients(L, create_graph=True)[x] == 0.0


def test_zero_upstream_sends_zero_through_an_overflowed_local_derivative():
    # log′(5e-324) = 1/5e-324 overflows to inf, but relu′ = 0 above it: the gradient is 0 (PyTorch: 0)
    x = Value(5e-324)
    L = x.log().relu()
    L.backward()
    assert x.grad == 0.0 and gradients(L)[x] == 0.0
    assert push_tangents(L, {x: 1.0})[L] == 0.0


@settings(max_examples=30)
@given(programs(max_steps=12))
def test_backward_visits_nodes_in_reverse_topological_order(program):
    """The one BACKWARD loop reads each node's rule in exactly the order reverse_topological_order gives."""
    from autograd_core import graph

    y = program.evaluate()
    visited = []
    rule = graph.symbolic_local_grads
    graph.symbolic_local_grads = lambda v: visited.append(v) or rule(v)
    try:
        gradients(y, create_graph=True)
    finally:
        graph.symbolic_local_grads = rule
    order = reverse_topological_order(y)
    assert visited == [v for v in order if v.parents]
    assert not any(v.parents for v in order[len(visited) :])  # then the leaves, which send nothing
