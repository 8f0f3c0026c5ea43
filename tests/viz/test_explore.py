"""viz.explore: nudging a leaf re-runs FORWARD and BACKWARD, and ΔL ≈ ∂L/∂w · Δw to first order."""

import math
import subprocess
import sys

import pytest

import viz
from autograd_core import Value, topological_order


def neuron():
    """Seed 000's neuron: L = ½(y − σ(wx + b))² + λw², backward done."""
    x, y, w, b, lam = Value(1.5, "x"), Value(0.2, "y"), Value(0.8, "w"), Value(-0.3, "b"), Value(0.1, "λ")
    L = 0.5 * (y - (w * x + b).sigmoid()) ** 2 + lam * w**2
    L.backward()
    return L, w, b


def closed_form(w, b, x=1.5, y=0.2, lam=0.1):
    """(L, ∂L/∂w, ∂L/∂b) in plain floats."""
    s = 1 / (1 + math.exp(-(w * x + b)))
    return 0.5 * (y - s) ** 2 + lam * w * w, (s - y) * s * (1 - s) * x + 2 * lam * w, (s - y) * s * (1 - s)


def test_update_recomputes_data_and_grads_and_leaves_the_graph_alone():
    L, w, b = neuron()
    explorer = viz.Explorer(L)
    assert sorted(leaf.label for leaf in explorer.leaves) == sorted(["x", "y", "w", "b", "λ"])  # not the ½ and 2
    nudge = explorer.update({"w": 0.9, b: -0.25})
    loss, dw, db = closed_form(0.9, -0.25)
    leaves = {v.label: v for v in topological_order(explorer.root) if not v.parents and v.label}
    assert explorer.root.data == pytest.approx(loss, rel=1e-12)
    assert leaves["w"].grad == pytest.approx(dw, rel=1e-12) and leaves["b"].grad == pytest.approx(db, rel=1e-12)
    start, dw0, db0 = closed_form(0.8, -0.3)
    assert nudge.deltas["w"] == pytest.approx(0.1) and nudge.deltas["b"] == pytest.approx(0.05)
    assert nudge.predicted == pytest.approx(dw0 * 0.1 + db0 * 0.05, rel=1e-12)
    assert nudge.actual == pytest.approx(loss - start, rel=1e-12)
    assert (w.data, b.data, L.data) == (0.8, -0.3, pytest.approx(start, rel=1e-12))  # the user's graph is unchanged


def test_first_order_prediction_error_shrinks_like_h_squared():
    L, _, _ = neuron()
    explorer = viz.Explorer(L, leaves=["w"])
    errors = [abs((n := explorer.update({"w": 0.8 + h})).actual - n.predicted) for h in (1e-1, 1e-2)]
    assert 50 < errors[0] / errors[1] < 200  # error ∝ h²: ten times smaller h, a hundred times smaller error


def test_explorer_refuses_unknown_leaves():
    L, _, _ = neuron()
    with pytest.raises(ValueError, match=r"0 leaves labelled 'q' \(named leaves: b, w, x, y, λ\)"):
        viz.Explorer(L, leaves=["q"])
    with pytest.raises(ValueError, match="no named leaf"):
        viz.Explorer(Value(2.0) * 3.0)
    with pytest.raises(TypeError, match="needs a Value"):
        viz.Explorer(1.0)


def test_widget_slider_moves_redraw_graph_and_report():
    pytest.importorskip("ipywidgets")
    L, _, _ = neuron()
    box = viz.explore(L, leaves=["w"])
    graph, report = box.children[-1], box.children[-2]
    before = graph.value
    assert before.startswith("<svg") and "data 0.8" in before
    box.sliders["w"].value = 1.0  # as a user's drag would: the observer runs update()
    loss, dw, _ = closed_form(1.0, -0.3)
    assert box.explorer.root.data == pytest.approx(loss, rel=1e-12)
    assert "data 1" in graph.value and f"grad {viz.names.fmt(dw)}" in graph.value and graph.value != before
    assert f"true ΔL = {viz.names.fmt(loss - closed_form(0.8, -0.3)[0])}" in report.value
    box.children[-3].click()  # Reset
    assert box.sliders["w"].value == 0.8 and box.explorer.root.data == pytest.approx(closed_form(0.8, -0.3)[0])


def test_explore_without_ipywidgets_names_the_demo_extra():
    code = (
        "import sys; sys.modules['ipywidgets'] = None\nimport viz\nfrom autograd_core import Value\n"
        "try:\n    viz.explore(Value(1.0, 'w') * 2)\nexcept ImportError as e:\n    print(e)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert 'the "demo" extra' in out and 'pip install ".[demo]"' in out, out
