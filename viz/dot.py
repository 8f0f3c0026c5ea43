"""draw_graph: a computation graph as a ``graphviz.Digraph`` (dot source) with every number of FORWARD() and BACKWARD().

Value nodes (boxes) show label, data and grad = ∂L/∂v; op nodes (ellipses) show the op table's
symbol; an edge from v_i into the op making v_j shows the local derivative ∂v_j/∂v_i and the
message ∂L/∂v_j · ∂v_j/∂v_i that BACKWARD() sends along it.  Node ids are stable (``v{k}`` for
the k-th value in topological order, ``o{k}`` its op, ``e{k}_{i}`` the edge from its i-th parent),
so a page can script the picture (see ``viz.stepper``).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Collection, Mapping
from pathlib import Path

import graphviz

from autograd_core import OPS, Value, gradients, topological_order

from .palette import FONT, NONE, NOT_FINITE, NOT_FINITE_BORDER, fill, font_colour
from .renderer import render_source, write

MAX_NODES = 250
"""Above this many nodes (values + ops) a picture is unreadable: ``draw_graph`` asks for a part."""

NEURON_OUTPUT = re.compile(r"L(\d+)\.N(\d+)")
NEURON_PARAMETER = re.compile(r"L(\d+)\.N(\d+)\.(?:w\d+|b)")


class Digraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that shows inline in Jupyter through ``viz``'s renderer (graphviz-pure or dot)."""

    def _repr_image_svg_xml(self) -> str:
        return render_source(self.source, "svg").decode("utf-8")

    def _repr_image_png(self) -> bytes:
        return render_source(self.source, "png")


def fmt(x: float) -> str:
    """x to 4 significant digits (``0`` for ±0, ``∞``, ``-∞``, ``nan``)."""
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return "0" if x == 0 else f"{x:.4g}"


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


SHORT = 12
"""An unlabelled node's expression (``w×x``) is its name up to this many characters, else ``v{k}``."""

INFIX = {"add": " + ", "sub": " − ", "mul": "×", "div": "÷", "powv": "^"}


def expression(v: Value, args: list[str]) -> str:
    """v as its op applied to its parents' names, with the op table's symbols: ``w×x``, ``a + b``, ``σ(z)``."""
    if OPS[v.op].arity is None:  # a variadic row (Σ): its notation names it, whatever its parents
        return OPS[v.op].notation
    tight = v.op in ("div", "pow", "powv")  # binds tighter than × (a÷(b×c), (a×b)^2)
    wrapped = [f"({a})" if " " in a or a[0] in "−-" or (tight and any(c in a for c in "×÷^")) else a
               for a in args]
    if v.op in INFIX:
        return INFIX[v.op].join(wrapped)
    if v.op == "pow":
        return f"{wrapped[0]}^{fmt(v.const)}"
    if v.op == "neg":
        return f"−{wrapped[0]}"
    if v.op == "abs":
        return f"|{args[0]}|"
    return f"{OPS[v.op].symbol}({args[0]})"


def node_names(order: list[Value]) -> dict[Value, str]:
    """The name each node shows, given nodes in topological order: its label; a constant its number; an
    unlabelled interior node its ``expression`` when short and unused, else ``v{k}`` (its place in ``order``)."""
    names: dict[Value, str] = {}
    used = {v.label for v in order}
    for k, v in enumerate(order):
        if v.label:
            names[v] = v.label
        elif not v.parents:
            names[v] = fmt(v.data)
        else:
            args = [names.get(p) for p in v.parents]  # a part's inputs have parents outside the part
            expr = expression(v, args) if None not in args else ""
            names[v] = expr if expr and len(expr) <= SHORT and expr not in used else f"v{k}"
            used.add(names[v])
    return names


def is_parameter(v: Value) -> bool:
    """A labelled leaf (a weight, an input with a name); unlabelled leaves are constants."""
    return not v.parents and bool(v.label)


def neuron_clusters(order: list[Value]) -> dict[Value, tuple[int, int]]:
    """Node → (layer, neuron) for nodes of nn's neurons: parameters ``L{l}.N{n}.w{i}``/``.b``, the
    output ``L{l}.N{n}`` and the interior nodes between them (reached from the output without
    crossing another neuron's output or a leaf that is not the neuron's own parameter)."""
    where: dict[Value, tuple[int, int]] = {}
    for v in order:
        m = NEURON_PARAMETER.fullmatch(v.label) if not v.parents else None
        if m:
            where[v] = (int(m[1]), int(m[2]))
    for out in order:
        m = NEURON_OUTPUT.fullmatch(out.label) if out.parents else None
        if not m:
            continue
        key = (int(m[1]), int(m[2]))
        where[out] = key
        stack = [out]
        while stack:
            for p in stack.pop().parents:
                if p in where or not p.parents or NEURON_OUTPUT.fullmatch(p.label):
                    continue
                where[p] = key
                stack.append(p)
    return where


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


def neuron_part(root: Value, name: str) -> tuple[Value, set[Value]]:
    """The output of nn's neuron ``name`` (e.g. ``"L1.N3"``) below ``root``, and the other neurons' outputs
    below it: ``draw_graph(out, stop_at=others)`` draws that one neuron with the layer below as its inputs."""
    outputs = {v.label: v for v in topological_order(root) if v.parents and NEURON_OUTPUT.fullmatch(v.label)}
    if name not in outputs:
        names = sorted(outputs, key=neuron_key)
        known = f"it has {len(names)} neurons, {names[0]} … {names[-1]}" if names else "it has no nn neurons"
        raise ValueError(f"no neuron {name!r} in this graph: {known}")
    out = outputs[name]
    return out, {v for v in topological_order(out)[:-1] if v.parents and NEURON_OUTPUT.fullmatch(v.label)}


def neuron_key(name: str) -> tuple[int, int]:
    """``"L2.N10"`` → (2, 10), to sort neuron names as numbers."""
    m = NEURON_OUTPUT.fullmatch(name)
    return int(m[1]), int(m[2])


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

    Nodes of one nn neuron (labels ``L{l}.N{n}…``) are grouped in a cluster per neuron inside one
    per layer.  Raises ``GraphTooLarge`` beyond ``max_nodes`` (``None``: no limit).  The nodes of
    ``stop_at`` are drawn as inputs of a part: what lies below them is left out (see ``neuron_part``).
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph takes the Value at the top of a graph, got {type(root).__name__}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be one of LR, RL, TB, BT, got {rankdir!r}")
    stop = set(stop_at) - {root}
    order = part_order(root, stop)
    index = {v: k for k, v in enumerate(order)}
    opened = {v for v in order if v.parents and v not in stop}  # drawn with their op and parents
    where = neuron_clusters(order)
    if max_nodes is not None and len(order) + len(opened) > max_nodes:
        outputs = {f"L{layer}.N{n}" for v, (layer, n) in where.items() if v in index}
        raise GraphTooLarge(len(order), len(opened), max_nodes, sorted(outputs, key=neuron_key))
    accumulated: dict[Value, float] = {}  # leaves whose grad field holds more than this root's ∂L/∂v
    if isinstance(grads, Mapping):
        grad_of, show_grads = grads, True
    else:
        show_grads = bool(grads) and any(v.grad != 0 for v in order)  # has a backward run?
        # One BACKWARD's numbers, not the grad fields: a leaf's field adds up every backward() call
        grad_of = gradients(root) if show_grads else {}
        accumulated = {v: v.grad for v in order if is_parameter(v) and v in grad_of and not same(v.grad, grad_of[v])}
    finite = [abs(g) for g in (grad_of.get(v, 0.0) for v in order) if math.isfinite(g)]
    scale = max(finite, default=0.0) if show_grads else 0.0
    not_finite = {v for v in order
                  if not math.isfinite(v.data) or (show_grads and not math.isfinite(grad_of.get(v, 0.0)))}

    names = node_names(order)
    name = dot_text(root.label or "L")
    g = Digraph(name="computation graph")
    legend = ["value: label, data"]
    if show_grads:
        legend[0] += f", grad = ∂{name}/∂v (fill: blue < 0 < orange)"
    if edge_values:
        legend.append("edge: local = ∂child/∂parent" + (f", msg = ∂{name}/∂child × local" if show_grads else ""))
    legend.append("double border: named leaf (parameter, input); dashed, white: constant")
    if stop & set(order):
        legend.append("dashed, rounded: computed outside this part (what it is made from is not drawn)")
    if accumulated:
        legend.append(f"grad … (accumulated): a leaf's grad field, summed over several backward() calls; "
                      f"this {name}: one BACKWARD of this graph (the messages add up to it)")
    if not_finite:
        legend.append("grey, red border: data or grad is inf or nan")
    g.attr(rankdir=rankdir, fontname=FONT, fontsize="10", label="\\l".join(legend) + "\\l", labelloc="b", labeljust="l",
           nodesep="0.2", ranksep="0.3", bgcolor="white")
    g.attr("node", fontname=FONT, fontsize="11", margin="0.08,0.03", height="0.3")
    g.attr("edge", fontname=FONT, fontsize="9", fontcolor="#404040", color="#606060", arrowsize="0.6")

    layers: dict[int, dict[int, list[Value]]] = {}
    loose: list[Value] = []
    for v in order:
        if v in where:
            layer, neuron = where[v]
            layers.setdefault(layer, {}).setdefault(neuron, []).append(v)
        else:
            loose.append(v)

    def add_nodes(graph: graphviz.Digraph, nodes: list[Value]) -> None:
        for v in nodes:
            k = index[v]
            grad = grad_of.get(v, 0.0)
            constant = not v.parents and not v.label
            colour = fill(grad, scale) if show_grads and not constant else NONE
            if v in not_finite:
                colour = NOT_FINITE
            if not constant:
                lines = [dot_text(names[v]), f"data {fmt(v.data)}"]
                if v in accumulated:
                    lines += [f"grad {fmt(accumulated[v])} (accumulated)", f"this {name}: {fmt(grad)}"]
                elif show_grads:
                    lines.append(f"grad {fmt(grad)}")
            else:  # a constant: just its number
                lines = [fmt(v.data)]
            style = {"shape": "box", "style": "filled,rounded", "fillcolor": colour, "fontcolor": font_colour(colour)}
            if v in stop:
                style.update(style="filled,rounded,dashed")
            elif is_parameter(v):
                style.update(style="filled", peripheries="2")
            elif constant:
                style.update(style="filled,dashed", color="#808080", fontsize="10")
            if v in not_finite:
                style.update(color=NOT_FINITE_BORDER, penwidth="2")
            kind = ("input" if v in stop else "interior") if v.parents else ("constant" if constant else "parameter")
            graph.node(f"v{k}", "\n".join(lines), id=f"v{k}", **{"class": f"value {kind}"},
                       tooltip=f"{dot_text(v.label or 'v')}: data={v.data!r} grad={grad!r}", **style)
            if v in opened:
                graph.node(f"o{k}", op_symbol(v), id=f"o{k}", shape="ellipse", style="filled", fillcolor="#eeeeee",
                           color="#808080", fontsize="10", **{"class": f"op {v.op}"}, tooltip=OPS[v.op].formula)

    add_nodes(g, loose)
    for layer, neurons in sorted(layers.items()):
        with g.subgraph(name=f"cluster_L{layer}") as c:
            c.attr(label=f"layer {layer}", style="rounded", color="#a0a0a0", fontsize="11")
            for neuron, nodes in sorted(neurons.items()):
                with c.subgraph(name=f"cluster_L{layer}.N{neuron}") as cn:
                    cn.attr(label=f"L{layer}.N{neuron}", style="rounded,dashed", color="#b0b0b0", fontsize="10")
                    add_nodes(cn, nodes)

    for v in order:
        if v not in opened:
            continue
        k = index[v]
        g.edge(f"o{k}", f"v{k}", id=f"r{k}")
        for i, p in enumerate(v.parents):
            local = v.local_grads[i]
            label = ""
            if edge_values:
                label = f"local {fmt(local)}"
                if show_grads:
                    label += f"\nmsg {fmt(grad_of.get(v, 0.0) * local)}"
            g.edge(f"v{index[p]}", f"o{k}", label=label, id=f"e{k}_{i}")
    return g


def render(root: Value, path: str | os.PathLike, **options: object) -> Path:
    """Write ``draw_graph(root, **options)`` to ``path``: .svg or .png (rendered) or .dot (the source)."""
    return write(draw_graph(root, **options).source, path)
