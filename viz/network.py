"""draw_network: a network as the lectures draw it (seed 003): inputs and neurons in columns, each edge a weight.

One column per layer, neurons N1…Nn top to bottom; an edge from x_j (or the layer below's
neuron j) into neuron k is the weight w_kj, coloured by w and, after a backward, as wide as
|∂L/∂w|; each neuron shows its activation and, given an input x, its value a = f(z) and ∂L/∂z.
The layout is ours (pinned positions, drawn by neato), so it never depends on a renderer's
heuristics.

viz reads the model by its shape, not its class (it never imports nn): ``model.layers`` (or one
layer, or one neuron), each layer with ``neurons``, each neuron with ``w`` (a list of Values),
``b`` (a Value), ``activation`` (a name) and optionally ``name``; with x, each layer (or the
neuron) is called on the previous one's outputs.  nn's ``MLP``, ``Layer`` and ``Neuron`` fit.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from autograd_core import Value, gradients

from .dot import Digraph, dot_text, fmt
from .palette import FONT, NEGATIVE, NONE, POSITIVE, fill, font_colour, level
from .renderer import write

MAX_NEURONS = 32
"""A column with more neurons (or inputs) shows the first ones, a "… k more" node and the last one."""

COLUMN = 200.0  # points between columns
WIDTH = 104.0  # a neuron's box, in points
LINE = 12.0  # points per line of 10-pt text (a box is as tall as its lines, plus 8)
GAP = 12.0  # points between boxes in a column
FONT_SIZE = 10
EDGE_WIDTH = (0.5, 5.0)  # the thinnest and widest edge, in points
NO_GRAD_WIDTH = 2.0  # the widest edge when width shows |w|


@dataclass(frozen=True)
class Unit:
    """One box of the picture: an input or a neuron (``index`` from 1; None for a "… k more" box), with its lines."""

    id: str
    index: int | None
    lines: tuple[str, ...]
    colour: str
    y: float


@dataclass(frozen=True)
class Weight:
    """One edge: the weight ``w`` from box ``source`` into box ``target`` and its ∂L/∂w (None: not shown)."""

    id: str
    source: str
    target: str
    label: str
    w: float
    grad: float | None


@dataclass(frozen=True)
class Reading:
    """What the picture shows of a model: its layers, and given x the inputs, each neuron's a and the grads."""

    layers: list[tuple[object, list[object]]]
    inputs: list[Value]  # the leaves x1, x2, … (empty without x)
    values: dict[int, float]  # id(neuron) → a = f(z) for this x
    grad_of: dict[Value, float]  # parameter (and input) → ∂L/∂v; empty: no grads shown
    top: str  # the name of what is differentiated: L, or g (the output)

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return len(self.layers[0][1][0].w)

    def dz(self, neuron: object) -> float:
        """∂L/∂z of ``neuron``: it is ∂L/∂b, since z = Σ w·x + b."""
        return self.grad_of.get(neuron.b, 0.0)


def network_layers(model: object) -> list[tuple[object, list[object]]]:
    """(layer, its neurons) for each layer of ``model``: an object with ``layers``, one layer (``neurons``) or
    one neuron (``w`` and ``b``)."""
    if hasattr(model, "layers"):
        layers = list(model.layers)
    elif hasattr(model, "neurons"):
        layers = [model]
    elif hasattr(model, "w") and hasattr(model, "b"):
        return [(model, [model])]
    else:
        raise TypeError(
            f"draw_network takes a network (an object with .layers, like nn.MLP), a layer (.neurons) or a neuron "
            f"(.w and .b), got {type(model).__name__}"
        )
    if not layers or any(not getattr(layer, "neurons", None) for layer in layers):
        raise ValueError("draw_network: every layer needs at least one neuron (.neurons)")
    return [(layer, list(layer.neurons)) for layer in layers]


def shown(n: int, limit: int) -> list[int | None]:
    """Indices 0…n−1 to draw, with None where the "… k more" node goes: all of them up to ``limit``."""
    if n <= limit:
        return list(range(n))
    return [*range(limit - 2), None, n - 1]


def forward(layers: list, x: Sequence[float]) -> tuple[list[Value], list[list[Value]]]:
    """The inputs as leaves x1, x2, … and each layer's outputs a = f(z), by calling the layers in turn."""
    nin = len(layers[0][1][0].w)
    if isinstance(x, (str, bytes, Value)) or not hasattr(x, "__len__"):
        raise TypeError(f"x is one input: a list of {nin} numbers, got {type(x).__name__}")
    if len(x) != nin:
        raise ValueError(f"x has {len(x)} numbers, but the network takes {nin} inputs")
    xs = [Value(float(xj), label=f"x{j}") for j, xj in enumerate(x, 1)]
    outputs, h = [], xs
    for layer, _ in layers:
        out = layer(h)
        h = out if isinstance(out, list) else [out]
        outputs.append(h)
    return xs, outputs


def edge_width(grad: float, scale: float, wide: float = EDGE_WIDTH[1]) -> float:
    """Edge width in points for |∂L/∂w| when the largest is ``scale`` (square root: area-like)."""
    thin = EDGE_WIDTH[0]
    if scale == 0 or not math.isfinite(grad):
        return thin
    return thin + (wide - thin) * math.sqrt(min(1.0, abs(grad) / scale))


def edge_colour(w: float, scale: float) -> str:
    """The diverging palette's colour of weight ``w`` (the lightest step is skipped: it vanishes on white)."""
    if scale == 0 or w == 0 or not math.isfinite(w):
        return "#808080"
    return (POSITIVE if w > 0 else NEGATIVE)[max(1, level(w, scale))]


def column_y(count: int, height: float) -> list[float]:
    """The y of each of ``count`` boxes ``height`` tall, top to bottom, centred on 0 (dot's y grows upwards)."""
    return [(height + GAP) * ((count - 1) / 2 - r) for r in range(count)]


def read(model: object, x: Sequence[float] | None, grads: bool, loss: Callable | None) -> Reading:
    """The layers of ``model``; given ``x``, the forward values and one BACKWARD of L = loss(g) (or g); else the
    parameters' grad fields, if a backward has filled them."""
    layers = network_layers(model)
    if x is None:
        params = [p for _, neurons in layers for n in neurons for p in (*n.w, n.b)]
        ran = grads and any(p.grad != 0 for p in params)  # has a backward run?
        return Reading(layers, [], {}, {p: p.grad for p in params} if ran else {}, "L")
    inputs, outs = forward(layers, x)
    values = {id(n): a.data for (_, neurons), h in zip(layers, outs) for n, a in zip(neurons, h)}
    g = outs[-1][0] if len(outs[-1]) == 1 else outs[-1]
    if not grads or (loss is None and not isinstance(g, Value)):
        return Reading(layers, inputs, values, {}, "L")
    root = loss(g) if loss is not None else g
    if not isinstance(root, Value):
        raise TypeError(f"loss(g) must return the Value L, got {type(root).__name__}")
    return Reading(layers, inputs, values, gradients(root), "L" if loss is not None else "g")


def input_column(r: Reading, limit: int, height: float) -> list[Unit]:
    """The inputs x1 … x_nin, with their values and ∂L/∂x given x."""
    rows = shown(r.nin, limit)
    column = []
    for j, y in zip(rows, column_y(len(rows), height)):
        if j is None:
            column.append(Unit("x_more", None, (f"… {r.nin - len(rows) + 1} more",), NONE, y))
            continue
        lines = [f"x{j + 1}"]
        if r.inputs:
            lines.append(fmt(r.inputs[j].data))
            if r.grad_of:
                lines.append(f"∂{r.top}/∂x{j + 1} {fmt(r.grad_of.get(r.inputs[j], 0.0))}")
        column.append(Unit(f"x{j + 1}", j + 1, tuple(lines), NONE, y))
    return column


def neuron_column(r: Reading, li: int, limit: int, height: float, dz_scale: float) -> list[Unit]:
    """Layer ``li``'s neurons N1…Nn top to bottom: name · activation, then a (given x) or b, then ∂L/∂z."""
    layer = r.layers[li - 1]
    neurons = layer[1]
    rows = shown(len(neurons), limit)
    column = []
    for k, y in zip(rows, column_y(len(rows), height)):
        if k is None:
            column.append(Unit(f"L{li}_more", None, (f"… {len(neurons) - len(rows) + 1} more",), NONE, y))
            continue
        n = neurons[k]
        name = getattr(n, "name", "") or f"L{li}.N{k + 1}"
        lines = [f"{name} · {heading_activation(layer)}"]
        lines.append(f"a {fmt(r.values[id(n)])}" if r.inputs else f"b {fmt(n.b.data)}")
        colour = NONE
        if r.grad_of:
            lines.append(f"∂{r.top}/∂z {fmt(r.dz(n))}" if r.inputs else f"∂L/∂b {fmt(r.dz(n))}")
            colour = fill(r.dz(n), dz_scale)
        column.append(Unit(f"L{li}.N{k + 1}", k + 1, tuple(lines), colour, y))
    return column


def weights_between(r: Reading, units: list[list[Unit]]) -> list[Weight]:
    """Every drawn weight: from each shown box of a column into each shown neuron of the next."""
    weights = []
    for li, (_, neurons) in enumerate(r.layers, 1):
        sources = [u for u in units[li - 1] if u.index is not None]
        for target in units[li]:
            if target.index is None:
                continue
            n = neurons[target.index - 1]
            for u in sources:
                w = n.w[u.index - 1]
                grad = r.grad_of.get(w, 0.0) if r.grad_of else None
                weights.append(Weight(f"w{li}_{target.index}_{u.index}", u.id, target.id, w.label or "w", w.data, grad))
    return weights


def draw_network(
    model: object,
    x: Sequence[float] | None = None,
    grads: bool = True,
    loss: Callable[[Value | list[Value]], Value] | None = None,
    max_neurons: int = MAX_NEURONS,
) -> Digraph:
    """The network ``model`` as columns of neurons joined by its weights (see the module docstring).

    ``x=None``: the weights, and after a backward the parameters' grad fields (∂L/∂w, and ∂L/∂b on
    each neuron: ∂L/∂b = ∂L/∂z, since ∂z/∂b = 1).  Given one input ``x``: each neuron's a = f(z)
    and, by one BACKWARD of L = ``loss(g)`` (default L = g, the output, for one output), ∂L/∂z
    and the edges' ∂L/∂w for this x.  ``grads=False`` shows no grads.  Columns of more than
    ``max_neurons`` are elided with a "… k more" box.
    """
    if isinstance(max_neurons, bool) or not isinstance(max_neurons, int) or max_neurons < 3:
        raise ValueError(f"max_neurons must be a whole number ≥ 3, got {max_neurons!r}")
    r = read(model, x, grads, loss)
    height = LINE * (2 + bool(r.grad_of)) + 8
    dzs = [abs(r.dz(n)) for _, neurons in r.layers for n in neurons if math.isfinite(r.dz(n))]
    units = [input_column(r, max_neurons, height)]
    units += [neuron_column(r, li, max_neurons, height, max(dzs, default=0.0)) for li in range(1, len(r.layers) + 1)]
    return picture(units, weights_between(r, units), r, height)


def picture(units: list[list[Unit]], weights: list[Weight], r: Reading, height: float) -> Digraph:
    """The dot source: pinned boxes under column headings, straight edges drawn thinnest first, a legend."""
    g = Digraph(name="network")
    g.attr(
        layout="neato",
        inputscale="72",
        notranslate="true",
        splines="false",
        outputorder="edgesfirst",
        bgcolor="white",
        fontname=FONT,
        pad="0.2",
    )
    g.attr(
        "node",
        fontname=FONT,
        fontsize=str(FONT_SIZE),
        shape="box",
        style="rounded,filled",
        fixedsize="true",
        width=f"{WIDTH / 72:.3f}",
        height=f"{height / 72:.3f}",
        color="#606060",
        penwidth="1",
    )
    g.attr("edge", arrowhead="none")
    top_y = max(u.y for column in units for u in column) + height / 2 + 24
    for c, column in enumerate(units):
        heading = "inputs" if c == 0 else f"layer {c}: {len(r.layers[c - 1][1])} {heading_activation(r.layers[c - 1])}"
        g.node(
            f"head{c}",
            heading,
            pos=f"{c * COLUMN:.1f},{top_y:.1f}!",
            shape="plaintext",
            style="",
            width="1.8",
            fontsize="11",
            id=f"head{c}",
            **{"class": "heading"},
        )
        for u in column:
            box(g, u, c)
    scales = Scales(
        max((abs(e.w) for e in weights if math.isfinite(e.w)), default=0.0),
        max((abs(e.grad) for e in weights if e.grad is not None and math.isfinite(e.grad)), default=0.0),
    )
    for e in sorted(weights, key=lambda e: 0.0 if e.grad is None else abs(e.grad)):  # widest last, on top
        edge(g, e, scales, r.top)
    legend(g, (len(units) - 1) * COLUMN + WIDTH / 2 + 40, top_y, r, scales)
    return g


class Scales(NamedTuple):
    """The largest |w| and |∂L/∂w| drawn: the darkest colour and the widest edge."""

    w: float
    grad: float


def box(g: Digraph, u: Unit, column: int) -> None:
    """One input, neuron or "… k more" box at its pinned place."""
    attrs = {"fillcolor": u.colour, "fontcolor": font_colour(u.colour)}
    kind = "input" if column == 0 else "neuron"
    if u.index is None:
        attrs.update(style="dashed", fontcolor="#404040")
        kind = "more"
    g.node(
        u.id,
        "\n".join(dot_text(t) for t in u.lines),
        pos=f"{column * COLUMN:.1f},{u.y:.1f}!",
        id=u.id,
        tooltip=dot_text(u.lines[0]),
        **{"class": kind},
        **attrs,
    )


def edge(g: Digraph, e: Weight, scales: Scales, top: str) -> None:
    """One weight: coloured by w; as wide as |∂L/∂w| (dashed when 0), or without grads as |w| (narrower)."""
    if e.grad is None:
        width = edge_width(e.w, scales.w, wide=NO_GRAD_WIDTH)
    else:
        width = edge_width(e.grad, scales.grad)
    tip = f"{e.label} = {fmt(e.w)}" + (f", ∂{top}/∂w = {fmt(e.grad)}" if e.grad is not None else "")
    g.edge(
        e.source,
        e.target,
        color=edge_colour(e.w, scales.w),
        penwidth=f"{width:.2f}",
        style="dashed" if e.grad == 0 else "solid",
        tooltip=dot_text(tip),
        id=e.id,
        **{"class": "weight"},
    )


def heading_activation(layer: tuple[object, list[object]]) -> str:
    """The activation a layer's heading names (the layer's own, e.g. softmax, else its first neuron's)."""
    unit, neurons = layer
    return getattr(unit, "activation", None) or neurons[0].activation


def legend(g: Digraph, x: float, top_y: float, r: Reading, scales: Scales) -> None:
    """Sample edges and the words for what colour, width and each neuron's lines mean, right of the output."""
    top = r.top
    samples = [(NEGATIVE[3], 1.5, "solid", "a weight w < 0"), (POSITIVE[3], 1.5, "solid", "a weight w > 0")]
    if r.grad_of:
        samples += [
            ("#606060", EDGE_WIDTH[1], "solid", f"width: |∂{top}/∂w|"),
            ("#606060", EDGE_WIDTH[0], "dashed", f"∂{top}/∂w = 0: no gradient"),
        ]
    else:
        samples += [("#606060", NO_GRAD_WIDTH, "solid", "width: |w|")]
    y = top_y - 10
    for i, (colour, width, style, text) in enumerate(samples):
        y -= 22
        for end, dx in (("a", 0), ("b", 46)):
            g.node(f"legend{i}{end}", "", pos=f"{x + dx:.1f},{y:.1f}!", shape="point", width="0.01", style="invis")
        g.edge(
            f"legend{i}a",
            f"legend{i}b",
            color=colour,
            penwidth=f"{width:.2f}",
            style=style,
            id=f"legend{i}",
            **{"class": "legend"},
        )
        g.node(
            f"legend{i}t",
            dot_text(text) + "\\l",
            pos=f"{x + 156:.1f},{y:.1f}!",
            shape="plaintext",
            style="",
            width=f"{200 / 72:.3f}",
            **{"class": "legend"},
        )
    words = [f"colour: darker, larger |w| (up to {fmt(scales.w)})"]
    if r.grad_of:
        words.append(f"widest: |∂{top}/∂w| = {fmt(scales.grad)}")
    words += ["", "neuron: name · activation", "a = f(z), its value for this x" if r.inputs else "b: its bias"]
    if r.grad_of:
        batch = ["∂L/∂b (= ∂L/∂z, summed over", "the batch), by the fill:"]
        words += [f"∂{top}/∂z, shown by the fill:"] if r.inputs else batch
        words.append("blue < 0 < orange, grey: 0")
        if top == "g":
            words += ["g: the network's output", "(pass loss= for a loss L)"]
    g.node(
        "legend_words",
        "\\l".join(dot_text(w) for w in words) + "\\l",
        pos=f"{x + 120:.1f},{y - 24 - 7 * len(words):.1f}!",
        shape="plaintext",
        style="",
        width=f"{240 / 72:.3f}",
        height=f"{14 * len(words) / 72:.3f}",
        id="legend",
        **{"class": "legend"},
    )


def render_network(model: object, path: str | os.PathLike, x: Sequence[float] | None = None, **options: object) -> Path:
    """Write ``draw_network(model, x, **options)`` to ``path``: .svg or .png (rendered) or .dot (the source)."""
    return write(draw_network(model, x, **options).source, path)
