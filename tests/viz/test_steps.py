"""backward_steps: the lecture's message passing as data, checked against the engine and finite differences."""

import pytest
from hypothesis import given
from viz_helpers import closed_forms, seed_000

from autograd_core import Value, gradients, topological_order
from autograd_core.testing import FLOAT_BACKEND, programs
from viz import backward_steps
from viz.expressions import square
from viz.names import node_names


@given(programs(max_steps=8))
def test_backward_steps_sums_equal_engine_grads(program):
    root = program.evaluate()
    steps = backward_steps(root)
    engine = gradients(root)
    assert steps[0].node is root and {s.node for s in steps} == set(engine)
    done = {}
    for s in steps:
        for m in s.messages:  # every message comes from a child already finished, with its final grad
            assert m.upstream == done[m.child] and m.product == m.upstream * m.local
            assert m.child.parents[m.position] is s.node
        assert s.grad == pytest.approx(engine[s.node], rel=1e-12, abs=1e-12)
        done[s.node] = s.grad
    root.backward()
    assert all(s.grad == pytest.approx(s.node.grad, rel=1e-12, abs=1e-12) for s in steps)


@given(programs(max_steps=6))
def test_backward_steps_input_sums_match_central_differences(program):
    leaves = [Value(x) for x in program.inputs]
    grad_of = {s.node: s.grad for s in backward_steps(program.evaluate(*leaves))}
    eps = 1e-6
    for i, x in enumerate(program.inputs):
        up = list(program.inputs)
        down = list(program.inputs)
        up[i], down[i] = x + eps, x - eps
        numeric = (program.run(FLOAT_BACKEND, *up) - program.run(FLOAT_BACKEND, *down)) / (2 * eps)
        assert grad_of.get(leaves[i], 0.0) == pytest.approx(numeric, rel=1e-4, abs=1e-5)


def test_backward_steps_seed_000_matches_closed_forms_and_leaves_grads_alone():
    L, nodes = seed_000()
    for v in nodes.values():
        v.grad = 42.0
    steps = {s.node: s for s in backward_steps(L)}
    for name, grad in closed_forms()[0].items():
        assert steps[nodes[name]].grad == pytest.approx(grad, rel=1e-12)
    assert all(v.grad == 42.0 for v in nodes.values())
    w = steps[nodes["w"]]
    assert sorted(m.child.label for m in w.messages) == ["r", "wx"]  # ∂L/∂w = ∂L/∂z·x + ∂L/∂r·2w, via wx and r


def test_backward_steps_repeated_parent_sends_two_messages():
    L = square()
    x = L.parents[1]
    step = next(s for s in backward_steps(L) if s.node is x)
    assert sorted((m.child.label, m.position, m.local) for m in step.messages) == [
        ("L", 1, 1.0),
        ("x·x", 0, 3.0),
        ("x·x", 1, 3.0),
    ]
    assert step.grad == 7.0


def test_backward_steps_tanh_neuron_matches_hips_autograd():
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    from viz.expressions import tanh_neuron

    grad_of = {s.node.label: s.grad for s in backward_steps(tanh_neuron())}
    names = ("x1", "x2", "w1", "w2", "b")
    inputs = (2.0, 0.0, -3.0, 1.0, 6.8813735870195432)
    o = lambda x1, x2, w1, w2, b: anp.tanh(x1 * w1 + x2 * w2 + b)
    for i, name in enumerate(names):
        assert grad_of[name] == pytest.approx(autograd.grad(o, i)(*inputs), rel=1e-12, abs=1e-15), name


def test_backward_steps_name_nodes_as_the_pictures_do():
    x, w = Value(0.5, "x"), Value(-1.3, "w")
    L = (w * x).sigmoid()
    steps = backward_steps(L)
    names = node_names(topological_order(L))
    assert [s.name for s in steps] == [names[s.node] for s in steps]
    assert [s.name for s in steps][:2] == ["σ(w·x)", "w·x"]
