"""explore: the lecture's "nudge w by h" experiment as a notebook widget, a slider per leaf.

Moving the sliders to w + Δw re-runs FORWARD() and BACKWARD() on a copy of the graph (the
op table's rules, node by node), redraws it, and sets the first-order prediction
ΔL ≈ Σ_w ∂L/∂w · Δw (the grads at the start) beside the true ΔL = L(w + Δw) − L(w).
``Explorer`` holds that logic without any widget, so it can be used and tested anywhere.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from autograd_core import Value, apply, gradients, topological_order

from .dot import draw_graph
from .names import fmt
from .renderer import render_source


class Nudge(NamedTuple):
    """One experiment: the leaves' Δw, the prediction Σ ∂L/∂w · Δw and the true ΔL."""

    deltas: dict[str, float]
    predicted: float
    actual: float


def replay(root: Value, data: Mapping[Value, float]) -> Value:
    """A copy of ``root``'s graph with the leaves in ``data`` set to new numbers: FORWARD() again, by the op table."""
    copy: dict[Value, Value] = {}
    for v in topological_order(root):
        if v.parents:
            copy[v] = apply(v.op, *(copy[p] for p in v.parents), const=v.const)
        else:
            copy[v] = Value(data.get(v, v.data), v.label)
        copy[v].label = v.label
    return copy[root]


class Explorer:
    """Nudge the chosen leaves of L = ``root`` (default: every named leaf) and compare ΔL with ∂L/∂w · Δw."""

    def __init__(self, root: Value, leaves: Sequence[Value | str] | None = None) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"explore needs a Value L, got {type(root).__name__}")
        order = topological_order(root)
        named = [v for v in order if not v.parents and v.label]
        self.leaves = named if leaves is None else [self._find(order, leaf) for leaf in leaves]
        if not self.leaves:
            raise ValueError("explore: L has no named leaf to nudge; give leaves labels, e.g. Value(0.8, label='w')")
        self.original = root
        self.start = {leaf: leaf.data for leaf in self.leaves}
        self.slopes = {leaf: gradients(root).get(leaf, 0.0) for leaf in self.leaves}  # ∂L/∂w at the start
        self.root = root
        self.update({})  # self.root: a copy at the start, so the user's graph is never changed

    @staticmethod
    def _find(order: list[Value], leaf: Value | str) -> Value:
        leaves = [v for v in order if not v.parents]
        if isinstance(leaf, Value):
            if leaf not in leaves:
                raise ValueError(f"explore: {leaf!r} is not a leaf of L's graph")
            return leaf
        found = [v for v in leaves if v.label == leaf]
        if len(found) != 1:
            names = ", ".join(sorted({v.label for v in leaves if v.label})) or "none"
            raise ValueError(f"explore: L's graph has {len(found)} leaves labelled {leaf!r} (named leaves: {names})")
        return found[0]

    def update(self, values: Mapping[Value | str, float]) -> Nudge:
        """Set the given leaves (by Value or label; the others stay at their start) and re-run FORWARD and BACKWARD.

        ``self.root`` is then the graph at w + Δw, with its data and grads."""
        data = dict(self.start)
        for key, number in values.items():
            data[self._find(list(self.start), key)] = float(number)
        self.root = replay(self.original, data)
        self.root.backward()
        deltas = {leaf: data[leaf] - self.start[leaf] for leaf in self.leaves}
        predicted = sum(self.slopes[leaf] * d for leaf, d in deltas.items())
        actual = self.root.data - self.original.data
        return Nudge({leaf.label: d for leaf, d in deltas.items()}, predicted, actual)

    def report(self, nudge: Nudge) -> str:
        """The experiment as a small HTML table: Δw and ∂L/∂w per leaf, then the predicted and the true ΔL."""
        rows = [
            f"<tr><td>{html.escape(leaf.label)}</td><td>{fmt(self.start[leaf])}</td>"
            f"<td>{fmt(nudge.deltas[leaf.label])}</td><td>{fmt(self.slopes[leaf])}</td></tr>"
            for leaf in self.leaves
        ]
        error = nudge.actual - nudge.predicted
        return (
            '<table style="font-family:monospace"><tr><th>w</th><th>start</th><th>Δw</th><th>∂L/∂w</th></tr>'
            + "".join(rows)
            + "</table>"
            f'<p style="font-family:monospace">L = {fmt(self.root.data)}: '
            f"predicted ΔL ≈ Σ ∂L/∂w·Δw = {fmt(nudge.predicted)}, true ΔL = {fmt(nudge.actual)} "
            f"(difference {fmt(error)}: the second-order terms)</p>"
        )

    def picture(self) -> str:
        """The graph at the current point, as inline SVG with its data and grads."""
        svg = render_source(draw_graph(self.root).source, "svg").decode("utf-8")
        return svg[svg.index("<svg") :]


def explore(root: Value, leaves: Sequence[Value | str] | None = None, span: float = 1.0):
    """A widget for L = ``root``: a slider per leaf (each w ± max(span, |w|)), the redrawn graph and ΔL ≈ ∂L/∂w · Δw.

    Needs ipywidgets (the ``demo`` extra). ``.explorer`` is the widget's ``Explorer``, ``.sliders`` its sliders."""
    try:
        import ipywidgets as widgets
    except ImportError as error:
        from autograd_core.extras import missing

        raise missing("viz.explore", "ipywidgets", "demo") from error
    explorer = Explorer(root, leaves)
    sliders = {}
    for leaf in explorer.leaves:
        w, reach = leaf.data, max(span, abs(leaf.data))
        sliders[leaf] = widgets.FloatSlider(
            value=w,
            min=w - reach,
            max=w + reach,
            step=reach / 100,
            description=leaf.label,
            continuous_update=False,
            readout_format=".4g",
        )
    report, graph = widgets.HTML(), widgets.HTML()
    reset = widgets.Button(description="Reset")

    def redraw(_change: object = None) -> None:
        nudge = explorer.update({leaf: s.value for leaf, s in sliders.items()})
        report.value = explorer.report(nudge)
        graph.value = explorer.picture()

    def back_to_start(_button: object) -> None:
        for leaf, s in sliders.items():
            s.value = explorer.start[leaf]

    for s in sliders.values():
        s.observe(redraw, names="value")
    reset.on_click(back_to_start)
    redraw()
    box = widgets.VBox([*sliders.values(), reset, report, graph])
    box.explorer, box.sliders = explorer, {leaf.label: s for leaf, s in sliders.items()}
    return box
