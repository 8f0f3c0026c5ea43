"""draw_graph: a computation graph as a ``graphviz.Digraph`` (dot source) with every number of FORWARD() and BACKWARD().

Value nodes (boxes) show name, data and grad = ∂L/∂v; op nodes (ellipses) show the op table's
symbol; an edge from v_i into the op making v_j shows the local derivative ∂v_j/∂v_i and the
message ∂L/∂v_j · ∂v_j/∂v_i that BACKWARD() sends along it.  Node ids are stable (``v{k}`` for
the k-th value in topological order, ``o{k}`` its op, ``e{k}_{i}`` the edge from its i-th parent,
``r{k}`` op → value), so a page can script the picture (see ``viz.stepper``, ``viz.marks``).

Neurons (Σ nodes, see ``viz.groups``) are laid out in columns per layer, layers left to right,
neurons top to bottom in order; inputs shared by a layer are drawn once.  One neuron (a part, see
``neuron_part``) reads like z = Σ_j w_j x_j + b: each w_j on the row of its x_j, j top to bottom.
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import graphviz

from autograd_core import OPS, Value, gradients, topological_order

from .groups import DOT, Neuron, find_neurons, neuron_part
from .names import expression, fmt, in_fraction, node_names
from .palette import FONT, NONE, NOT_FINITE, NOT_FINITE_BORDER, fill, font_colour
from .renderer import render_source, write

__all__ = [
    "MAX_NODES",
    "Digraph",
    "GraphTooLarge",
    "draw_graph",
    "expression",
    "fmt",
    "neuron_part",
    "node_names",
    "render",
]

MAX_NODES = 250
"""Above this many nodes (values + ops) a picture is unreadable: ``draw_graph`` asks for a part."""


class Digraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that shows inline in Jupyter through ``viz``'s renderer (graphviz-pure or dot)."""

    def _repr_image_svg_xml(self) -> str:
        return render_source(self.source, "svg").decode("utf-8")

    def _repr_image_png(self) -> bytes:
        return render_source(self.source, "png")


UNSHOWABLE = re.compile("[\x00\ud800-\udfff]")
"""A NUL (dot and HTML drop or reject it) or a lone surrogate (not text: UTF-8 cannot encode it)."""


def check_showable(text: str, what: str = "label") -> str:
    """``text`` if a picture or page can show it; else a ``ValueError`` saying which character is the problem."""
    bad = UNSHOWABLE.search(text)
    if bad:
        kind = "a NUL character" if bad[0] == "\x00" else "a lone surrogate (not valid Unicode text)"
        raise ValueError(
            f"the {what} {text[:40]!r}{'…' if len(text) > 40 else ''} holds {kind}, U+{ord(bad[0]):04X} at "
            f"index {bad.start()}, which no picture or page can show; remove it or replace it"
        )
    return text


def dot_text(text: str) -> str:
    """User text for a dot label, shown verbatim: dot reads ``\\l``, ``\\N`` … as escapes and decodes
    HTML entities (``&amp;``), so backslashes and ampersands are escaped (``check_showable`` first)."""
    return check_showable(text).replace("\\", "\\\\").replace("&", "&amp;")


def same(a: float, b: float) -> bool:
    """a and b agree up to rounding (the order of a sum), or are both nan."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-300) or (math.isnan(a) and math.isnan(b))


def op_symbol(v: Value) -> str:
    """The op's symbol from the table; pow shows its constant exponent (``^2``)."""
    symbol = OPS[v.op].symbol
    return f"{symbol}{fmt(v.const)}" if v.const is not None else symbol


def is_parameter(v: Value) -> bool:
    """A labelled leaf (a weight, an input with a name); unlabelled leaves are constants."""
    return not v.parents and bool(v.label)


def part_order(root: Value, stop_at: Collection[Value] = ()) -> list[Value]:
    """The nodes up to ``root`` in topological order, without what lies below the nodes of ``stop_at``."""
    order = topological_order(root)
    if not stop_at:
        return order
    keep, stack = {root}, [root]
    while stack:
        v = stack.pop()
        if v is root or v not in stop_at:
            for p in v.parents:
                if p not in keep:
                    keep.add(p)
                    stack.append(p)
    return [v for v in order if v in keep]


class GraphTooLarge(ValueError):
    """More nodes than ``max_nodes``: draw a part of the graph instead (``.neurons`` lists nn's neurons in it)."""

    def __init__(self, values: int, ops: int, max_nodes: int, neurons: list[str]) -> None:
        self.values, self.ops, self.max_nodes, self.neurons = values, ops, max_nodes, neurons
        self.nodes = values + ops
        held = f" It holds {len(neurons)} neurons ({neurons[0]} … {neurons[-1]})." if neurons else ""
        example = neurons[0] if neurons else "L1.N1"
        super().__init__(
            f"this graph has {self.nodes} nodes ({values} values, {ops} ops), more than max_nodes={max_nodes}, "
            f"too many for a readable picture.{held} Draw a part instead: one neuron, with the layer below as its "
            f"inputs (out, others = viz.neuron_part(root, {example!r}); viz.draw_graph(out, stop_at=others)), "
            "one sample's loss instead of a batch's, or pass max_nodes=None to draw it all anyway."
        )


@dataclass
class Scene:
    """What one picture shows: the nodes in topological order, which are opened (drawn with their op), the
    names, and BACKWARD's numbers (``grad_of``, empty when no grads are shown)."""

    order: list[Value]
    stop: set[Value]
    grad_of: Mapping[Value, float] = field(default_factory=dict)
    show_grads: bool = False
    accumulated: dict[Value, float] = field(default_factory=dict)  # leaves whose grad field sums several backwards
    edge_values: bool = True

    def __post_init__(self) -> None:
        self.index = {v: k for k, v in enumerate(self.order)}
        self.opened = {v for v in self.order if v.parents and v not in self.stop}
        self.names = node_names(self.order)
        finite = [abs(g) for g in (self.grad_of.get(v, 0.0) for v in self.order) if math.isfinite(g)]
        self.scale = max(finite, default=0.0) if self.show_grads else 0.0
        self.not_finite = {
            v
            for v in self.order
            if not math.isfinite(v.data) or (self.show_grads and not math.isfinite(self.grad_of.get(v, 0.0)))
        }
        self.top = dot_text(self.order[-1].label or "L")

    def grad(self, v: Value) -> float:
        """∂L/∂v as shown (0 when no grads are shown)."""
        return self.grad_of.get(v, 0.0)


def scene(root: Value, grads: bool | Mapping[Value, float], stop: set[Value], edge_values: bool) -> Scene:
    """The picture's nodes and numbers: ``grads`` True shows one BACKWARD from ``root`` (``gradients(root)``) if a
    backward ran, a mapping shows its numbers, False none."""
    order = part_order(root, stop)
    if isinstance(grads, Mapping):
        return Scene(order, stop, grads, True, edge_values=edge_values)
    if not (grads and any(v.grad != 0 for v in order)):  # no backward has run
        return Scene(order, stop, edge_values=edge_values)
    grad_of = gradients(root)  # one BACKWARD's numbers, not the grad fields: a leaf's field adds up every backward()
    accumulated = {v: v.grad for v in order if is_parameter(v) and v in grad_of and not same(v.grad, grad_of[v])}
    return Scene(order, stop, grad_of, True, accumulated, edge_values)


def legend(s: Scene) -> list[str]:
    """The picture's key, in short lines (a narrow picture stays narrow)."""
    lines = ["value: name, data" + (f", grad = ∂{s.top}/∂v" if s.show_grads else "")]
    if s.show_grads:
        lines.append("fill: blue < 0 < orange; grey: grad 0")
    if s.edge_values:
        lines.append("edge: local = ∂child/∂parent (∂/∂w: from w)")
        if s.show_grads:
            lines.append(f"msg = ∂{s.top}/∂child × local")
    lines.append("double border: named leaf; dashed: constant")
    if s.stop & set(s.order):
        lines.append("dashed, rounded: computed outside this part")
    if s.accumulated:
        lines += [
            "grad … (accumulated): the grad field, summed",
            f"over several backward() calls; this {s.top}: one",
            "BACKWARD of this graph (its messages' sum)",
        ]
    if s.not_finite:
        lines.append("grey, red border: data or grad is inf or nan")
    return lines


def value_lines(v: Value, s: Scene) -> list[str]:
    """A value node's text: name, data and grad (a constant: its number only)."""
    if not v.parents and not v.label:
        return [fmt(v.data)]
    lines = [dot_text(s.names[v]), f"data {fmt(v.data)}"]
    if v in s.accumulated:
        lines += [f"grad {fmt(s.accumulated[v])} (accumulated)", f"this {s.top}: {fmt(s.grad(v))}"]
    elif s.show_grads:
        lines.append(f"grad {fmt(s.grad(v))}")
    return lines


def value_style(v: Value, s: Scene) -> dict[str, str]:
    """A value node's look: fill by grad; double border for a named leaf, dashed for a constant or a part's input."""
    constant = not v.parents and not v.label
    colour = NOT_FINITE if v in s.not_finite else fill(s.grad(v), s.scale) if s.show_grads and not constant else NONE
    style = {"shape": "box", "style": "filled,rounded", "fillcolor": colour, "fontcolor": font_colour(colour)}
    if v in s.stop:
        style.update(style="filled,rounded,dashed")
    elif is_parameter(v):
        style.update(style="filled", peripheries="2")
    elif constant:
        style.update(style="filled,dashed", color="#808080", fontsize="10")
    if v in s.not_finite:
        style.update(color=NOT_FINITE_BORDER, penwidth="2")
    kind = ("input" if v in s.stop else "interior") if v.parents else ("constant" if constant else "parameter")
    style["class"] = f"value {kind}"
    return style


def add_value(g: graphviz.Digraph, v: Value, s: Scene) -> None:
    """The value node ``v{k}`` and, if opened, its op node ``o{k}``."""
    k = s.index[v]
    g.node(
        f"v{k}",
        "\n".join(value_lines(v, s)),
        id=f"v{k}",
        tooltip=f"{dot_text(v.label or s.names[v])}: data={v.data!r} grad={s.grad(v)!r}",
        **value_style(v, s),
    )
    if v in s.opened:
        g.node(
            f"o{k}",
            op_symbol(v),
            id=f"o{k}",
            shape="ellipse",
            style="filled",
            fillcolor="#eeeeee",
            color="#808080",
            fontsize="10",
            **{"class": f"op {v.op}"},
            tooltip=OPS[v.op].formula,
        )


def edge_label(v: Value, i: int, s: Scene) -> str:
    """The edge from v's i-th parent: its local derivative and message; into an op of several inputs the local
    names the parent (∂/∂w 1.5), so two labels stacked by one binary op still say whose edge each is."""
    if not s.edge_values:
        return ""
    local = v.local_grads[i]
    label = f"local {fmt(local)}"
    if len(v.parents) == 2:
        label = f"∂/∂{dot_text(in_fraction(s.names[v.parents[i]]))} {fmt(local)}"
    if s.show_grads:
        label += f"\nmsg {fmt(s.grad(v) * local)}"
    return label


def add_edges(g: graphviz.Digraph, s: Scene) -> None:
    """Every edge: op → value (``r{k}``) and parent → op (``e{k}_{i}``), in parents' order."""
    for v in s.order:
        if v in s.opened:
            k = s.index[v]
            g.edge(f"o{k}", f"v{k}", id=f"r{k}")
            for i in parent_order(v):
                g.edge(f"v{s.index[v.parents[i]]}", f"o{k}", label=edge_label(v, i, s), id=f"e{k}_{i}")


def parent_order(v: Value) -> list[int]:
    """The order v's in-edges are written (``ordering=in`` keeps it): a Σ node's w_j next to its x_j
    (w_1, x_1, w_2, x_2, …, b), so each product's two edges arrive side by side; else the parents' order."""
    count = len(v.parents)
    if v.op != DOT:
        return list(range(count))
    n = count // 2
    return [i for j in range(n) for i in (j, n + j)] + list(range(2 * n, count))


def add_neurons(g: graphviz.Digraph, s: Scene, neurons: list[Neuron]) -> set[Value]:
    """Each layer's neurons' nodes in columns (parameters, Σ, z, activation, a), top to bottom in neuron order,
    each layer right of the one below; a first layer of one neuron draws each w_j on its x_j's row. Returns the
    nodes placed."""
    placed: set[Value] = set()
    layers: dict[int, list[Neuron]] = {}
    for n in neurons:
        layers.setdefault(n.layer, []).append(n)
    before: list[str] = shared_inputs(s, layers[min(layers)]) if layers else []
    for layer, group in sorted(layers.items()):
        columns = add_layer(g, s, layer, group, placed)
        first = layer == min(layers)
        pairs = paired_inputs(s, group[0]) if first and len(group) == 1 else []
        arrange(g, before or [x for x, _ in pairs], columns, pairs, gap="1" if first else "2")
        before = columns[-1]
    return placed


def add_layer(g: graphviz.Digraph, s: Scene, layer: int, group: list[Neuron], placed: set[Value]) -> list[list[str]]:
    """A layer's nodes (those not yet ``placed``) and its heading; returns its columns of node ids."""
    for n in group:
        for v in n.nodes:
            if v in s.index and v not in placed:
                add_value(g, v, s)
                placed.add(v)
    heading = {"class": "heading", "id": f"layer{layer}"}
    g.node(f"layer{layer}", layer_heading(s, layer, group), shape="plaintext", fontsize="11", **heading)
    columns = layer_columns(s, group, placed)
    columns[1].insert(0, f"layer{layer}")  # the heading tops the layer's column of Σ nodes
    return columns


def layer_heading(s: Scene, layer: int, group: list[Neuron]) -> str:
    """``layer 2``; in a part, whose inputs are computed outside it, layers count from the part's inputs, so a
    lone neuron is named instead (``neuron L2.N3``)."""
    if not s.stop & set(s.order):
        return f"layer {layer}"
    return f"neuron {dot_text(group[0].name)}" if len(group) == 1 else f"layer {layer} of this part"


def arrange(
    g: graphviz.Digraph, inputs: list[str], columns: list[list[str]], pairs: list[tuple[str, str]], gap: str
) -> None:
    """Each column one rank, top to bottom in order, the columns left to right after the ``inputs``' column:
    ``gap`` ranks on from the inputs (2: the labels of x_j → Σ get a column of their own, not among the w_j),
    or each x_j two ranks left of its w_j on one row (``pairs``): its edge's label between them."""
    for column in ([inputs] if inputs else []) + columns:
        with g.subgraph() as same:
            same.attr(rank="same")
            for above, below in itertools.pairwise(column):
                same.edge(above, below, style="invis")  # a flat edge: above is drawn above below
    for x, w in pairs:
        g.edge(x, w, style="invis", minlen="2", weight="10")
    for left, right in zip([inputs, *columns], columns):
        if left and right and not (pairs and left is inputs):
            g.edge(left[0], right[0], style="invis", weight="0", minlen=gap if left is inputs else "1")


def paired_inputs(s: Scene, n: Neuron) -> list[tuple[str, str]]:
    """The ids of (x_j, w_j) for each j whose x_j is drawn and w_j is a parameter: one row each in the picture."""
    parents = n.z.parents
    half = len(parents) // 2
    own = set(n.params)
    return [
        (f"v{s.index[x]}", f"v{s.index[w]}")
        for w, x in zip(parents[:half], parents[half : 2 * half])
        if w in own and x in s.index and x not in own
    ]


def shared_inputs(s: Scene, first_layer: list[Neuron]) -> list[str]:
    """The ids of the leaves the first layer reads besides its parameters (x1, x2, …), drawn once, in order."""
    own = {p for n in first_layer for p in n.params}
    inputs = dict.fromkeys(p for n in first_layer for p in n.z.parents if not p.parents and p not in own)
    return [f"v{s.index[p]}" for p in inputs if p in s.index]


def layer_columns(s: Scene, group: list[Neuron], placed: set[Value]) -> list[list[str]]:
    """A layer's columns of node ids, each in neuron order: parameters, Σ ops, z, then (with an activation) its
    ops and outputs a."""
    columns = [
        [f"v{s.index[p]}" for n in group for p in n.params if p in placed],
        [f"o{s.index[n.z]}" for n in group],
        [f"v{s.index[n.z]}" for n in group],
    ]
    if all(n.a is not n.z for n in group):
        columns += [[f"o{s.index[n.a]}" for n in group], [f"v{s.index[n.a]}" for n in group]]
    return [c for c in columns if c]


def node_gap(neurons: list[Neuron]) -> str:
    """dot's nodesep: neurons stack many boxes per column, so tighter; one neuron's rows (x_j, w_j) tightest."""
    return "0.2" if not neurons else "0.05" if len(neurons) == 1 else "0.1"


def draw_graph(
    root: Value,
    rankdir: str = "LR",
    grads: bool | Mapping[Value, float] = True,
    edge_values: bool = True,
    max_nodes: int | None = MAX_NODES,
    stop_at: Collection[Value] = (),
) -> Digraph:
    """The graph below ``root`` with data, grads, local derivatives ∂v_j/∂v_i and messages.

    ``grads``: True shows ∂L/∂v of one BACKWARD from ``root`` (if a backward ran), computed by
    ``gradients(root)``; a leaf whose ``grad`` field differs (accumulated over several
    ``backward()`` calls) shows both.  False shows none; a mapping node → ∂L/∂v shows those.

    Neurons (Σ nodes) are drawn layer by layer.  Raises ``GraphTooLarge`` beyond ``max_nodes``
    (``None``: no limit).  The nodes of ``stop_at`` are drawn as inputs of a part: what lies below
    them is left out (see ``neuron_part``).
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph takes the Value at the top of a graph, got {type(root).__name__}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be one of LR, RL, TB, BT, got {rankdir!r}")
    stop = set(stop_at) - {root}
    order = part_order(root, stop)
    opened = sum(1 for v in order if v.parents and v not in stop)
    neurons = find_neurons(order)
    if max_nodes is not None and len(order) + opened > max_nodes:
        raise GraphTooLarge(len(order), opened, max_nodes, [n.name for n in neurons])
    s = scene(root, grads, stop, edge_values)
    drawn = [n for n in neurons if n.z in s.opened]
    g = Digraph(name="computation graph")
    g.attr(
        rankdir=rankdir,
        fontname=FONT,
        fontsize="10",
        label="\\l".join(legend(s)) + "\\l",
        labelloc="b",
        labeljust="l",
        nodesep=node_gap(drawn),
        ranksep="0.2" if drawn else "0.3",
        bgcolor="white",
        ordering="in",
        newrank="true",
    )
    g.attr("node", fontname=FONT, fontsize="11", margin="0.08,0.03", height="0.3")
    g.attr("edge", fontname=FONT, fontsize="9", fontcolor="#404040", color="#606060", arrowsize="0.6")
    placed = add_neurons(g, s, drawn)
    for v in order:
        if v not in placed:
            add_value(g, v, s)
    add_edges(g, s)
    return g


def render(root: Value, path: str | os.PathLike, **options: object) -> Path:
    """Write ``draw_graph(root, **options)`` to ``path``: .svg or .png (rendered) or .dot (the source)."""
    return write(draw_graph(root, **options).source, path)
