"""forward_html: forward mode stepped, v̇_j = Σ_i ∂v_j/∂v_i · v̇_i from the seeded leaf up to L, one node per step.

The page is the BACKWARD stepper's (its style and script) with forward-mode steps, and beside it the
count of seed 002's point: reverse mode gives every leaf's ∂L/∂w in one pass, forward mode needs one
pass per leaf, each as many multiplications as the graph has edges.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from autograd_core import OPS, Value, gradients, topological_order
from autograd_core.graph import push_tangents

from .display import Page
from .dot import MAX_NODES, check_showable, dot_text, draw_graph, fmt, node_names
from .marks import marked
from .renderer import render_source
from .stepper import factor, in_fraction, number, page_file, page_files, script_json, substitute
from .texts import minus

SEEDED = ' class="seeded"'
DOT = "v̇"
"""How a node's line shows its tangent v̇ = ∂v/∂w."""


def _leaves(order: list[Value]) -> list[Value]:
    return [v for v in order if not v.parents and v.label]


def _find(root: Value, wrt: Value | str, order: list[Value]) -> Value:
    leaves = _leaves(order)
    if isinstance(wrt, str):
        found = [v for v in leaves if v.label == wrt]
        if len(found) != 1:
            names = ", ".join(v.label for v in leaves)
            raise ValueError(f"forward_html: {len(found) or 'no'} leaves labelled {wrt!r} (leaves: {names})")
        return found[0]
    if not isinstance(wrt, Value):
        raise TypeError(f"forward_html(L, wrt) needs wrt as a leaf Value or its label, got {type(wrt).__name__}")
    if wrt not in set(order):
        raise ValueError("forward_html: wrt is not in the graph below L: pass a leaf L was computed from")
    return wrt


def forward_data(root: Value, wrt: Value) -> dict:
    """The page's JSON in the stepper's format: per node in FORWARD order its tangent's sum over its parents."""
    order = topological_order(root)
    index = {v: k for k, v in enumerate(order)}
    labels = node_names(order)
    names = {v: in_fraction(label) for v, label in labels.items()}
    tangent = push_tangents(root, {wrt: 1.0})
    steps = []
    for v in order:
        k, name = index[v], names[v]
        messages = []
        for i, (p, d) in enumerate(zip(v.parents, v.local_grads)):
            product = d * tangent[p]
            messages.append({
                "edge": f"e{k}_{i}", "child": f"v{index[p]}", "upstream": number(tangent[p]), "local": number(d),
                "product": number(product),
                "text": f"from {labels[p]}: ∂{name}/∂{names[p]} · {DOT}_{names[p]} = {factor(d)} · "
                        f"{factor(tangent[p])} = {minus(fmt(product))}  ({OPS[v.op].symbol}: {OPS[v.op].formula})",
            })  # fmt: skip
        if v is wrt:
            equation, kind = f"{DOT}_{name} = 1: the seed, ∂{name}/∂{name}", "the seeded leaf"
        elif not v.parents:
            equation = (
                f"{DOT}_{name} = 0: {'another leaf' if v.label else 'a constant'}, it does not move with {names[wrt]}"
            )
            kind = "named leaf" if v.label else "constant"
        else:
            terms = " + ".join(f"{factor(m['local'])}·{factor(m['upstream'])}" for m in messages)
            equation, kind = f"{DOT}_{name} = {terms} = {minus(fmt(tangent[v]))}", "interior node"
        steps.append({"node": f"v{k}", "name": labels[v], "kind": kind, "grad": number(tangent[v]),
                      "gradText": fmt(tangent[v]), "equation": equation, "messages": messages})  # fmt: skip
    return {"root": names[root], "steps": steps, "valueLine": DOT, "messageLine": "msg"}


def comparison(root: Value) -> dict:
    """Reverse (one pass, all leaves) vs forward (one pass per leaf): passes, multiplications, the results."""
    order = topological_order(root)
    edges = sum(len(v.parents) for v in order)
    leaves = _leaves(order)
    grads = gradients(root)
    rows = [(v.label, grads.get(v, 0.0), push_tangents(root, {v: 1.0})[root]) for v in leaves]
    return {"edges": edges, "leaves": len(leaves), "reverse_passes": 1, "reverse_multiplications": edges,
            "forward_passes": len(leaves), "forward_multiplications": edges * len(leaves), "rows": rows}  # fmt: skip


def _comparison_html(root: Value, wrt: Value) -> str:
    c = comparison(root)
    top = html.escape(in_fraction(root.label or "L"))
    cells = "".join(
        f"<tr{SEEDED if name == wrt.label else ''}><td>∂{top}/∂{html.escape(in_fraction(name))}</td>"
        f"<td>{html.escape(minus(fmt(r)))}</td><td>{html.escape(minus(fmt(f)))}</td></tr>"
        for name, r, f in c["rows"]
    )
    return (
        f'<details id="compare" open><summary>Reverse vs forward mode on this graph: '
        f"{c['leaves']} leaves, {c['edges']} edges</summary>"
        f"<table><thead><tr><th></th><th>reverse (BACKWARD)</th><th>forward (this page)</th></tr></thead><tbody>"
        f'<tr><td>passes</td><td id="reverse-passes">1: every ∂{top}/∂w at once</td>'
        f'<td id="forward-passes">{c["forward_passes"]}: one per leaf, seeded with ẇ = 1</td></tr>'
        f'<tr><td>multiplications</td><td id="reverse-mults">{c["reverse_multiplications"]} (one per edge)</td>'
        f'<td id="forward-mults">{c["forward_multiplications"]} ({c["edges"]} per pass × {c["leaves"]})</td></tr>'
        f"{cells}</tbody></table></details>"
    )


FORWARD_HINT = """Forward mode: each node's tangent v&#775; = &#8706;v/&#8706;w is the sum over its parents:
v&#775;<sub>j</sub> = &Sigma;<sub>i</sub> &#8706;v<sub>j</sub>/&#8706;v<sub>i</sub> &middot; v&#775;<sub>i</sub>,
from the seeded leaf (w&#775; = 1) up to L. Keys: &#8592; &#8594; step, space plays, f fits the graph."""
"""The forward page's line under the panel (HTML): the sum over parents, and the keys."""


def page(root: Value, wrt: Value | str, title: str | None = None, max_nodes: int | None = MAX_NODES) -> str:
    """The forward-mode page for ``wrt`` as one self-contained HTML text."""
    if not isinstance(root, Value):
        raise TypeError(f"forward_html(L, wrt) needs L as a Value, got {type(root).__name__}")
    order = topological_order(root)
    wrt = _find(root, wrt, order)
    data = forward_data(root, wrt)
    tangent = push_tangents(root, {wrt: 1.0})
    graph = draw_graph(root, grads=tangent, max_nodes=max_nodes)

    def lines(key: str, text: list[str]) -> list[str]:
        if key[0] == "e":  # the message along p → v in forward mode is ∂v/∂p · v̇_p
            child, i = (int(x) for x in key[1:].split("_"))
            v = order[child]
            return [f"msg {fmt(v.local_grads[i] * tangent[v.parents[i]])}" if t.startswith("msg ") else t
                    for t in text]  # fmt: skip
        return [f"{DOT} {t[5:]}" if t.startswith("grad ") else t for t in text]

    name, seed = dot_text(in_fraction(root.label or "L")), dot_text(in_fraction(wrt.label))
    pictured = marked(graph, {}, lines)
    pictured.attr(
        label=f"value: label, data, {DOT} = ∂v/∂{seed} (fill: blue < 0 < orange)\\ledge: local = "
        f"∂child/∂parent, msg = local × {DOT}_parent\\lone pass gives ∂{name}/∂{seed} = {DOT}_{name}\\l"
    )
    svg = render_source(pictured.source, "svg").decode("utf-8")
    svg = svg[svg.index("<svg") :]
    title = title or f"Forward mode on {root.label or 'L'}: tangents from {wrt.label}, step by step"
    parts = {"TITLE": html.escape(check_showable(title, "title")), "SVG": svg, "DATA": script_json(data),
             "HINT": FORWARD_HINT, "COMPARE": _comparison_html(root, wrt), **page_files()}  # fmt: skip
    return substitute(page_file("stepper.html"), parts)


def forward_html(
    L: Value, wrt: Value | str, path: str | os.PathLike | None = None, title: str | None = None,
    max_nodes: int | None = MAX_NODES,
) -> Path | Page:  # fmt: skip
    """Forward mode stepped: v̇ = Σ_i ∂v/∂v_i · v̇_i from the leaf ``wrt`` (v̇ = 1) up to L, one node per step,
    beside reverse vs forward counted (passes, multiplications).  Written to ``path``, or shown inline."""
    text = page(L, wrt, title, max_nodes)
    page_ = Page(text)
    return page_ if path is None else page_.save(path)
