"""backward_html: one self-contained page that steps through BACKWARD() node by node.

The page holds the graph as inline SVG (drawn by ``draw_graph`` with the final grads), the steps
of ``backward_steps`` as JSON, and a small script: at step k the first k nodes of the reverse
topological order have their grads filled in, the current node and its edges to its children are
highlighted, and a panel shows the chain-rule sum in numbers.  No network: it opens from disk.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from collections.abc import Collection
from importlib import resources
from pathlib import Path

from autograd_core import OPS, Value

from .display import Page
from .dot import MAX_NODES, check_showable, draw_graph, part_order
from .names import fmt, in_fraction, node_names
from .renderer import render_source
from .steps import backward_steps


def factor(x: float) -> str:
    """x to 4 significant digits with a true minus sign, in parentheses when negative."""
    text = fmt(x).replace("-", "−")
    return f"({text})" if x < 0 else text


def number(x: float) -> float | str:
    """x for JSON: finite numbers as they are, inf/−inf/nan as the strings "inf", "-inf", "nan" (JSON has no
    Infinity or NaN, and JSON.parse rejects the page otherwise)."""
    return x if math.isfinite(x) else str(x)


def steps_data(root: Value, stop_at: Collection[Value] = ()) -> dict:
    """The page's JSON: per step the node's id and name, its messages as text and numbers, and the sum.

    With ``stop_at`` (as for ``draw_graph``), only the drawn part's nodes have steps."""
    stop = set(stop_at) - {root}
    order = part_order(root, stop)
    index = {v: k for k, v in enumerate(order)}
    labels = node_names(order)  # the names the picture shows
    names = {v: in_fraction(label) for v, label in labels.items()}
    top = names[root]
    steps = []
    for s in backward_steps(root):
        if s.node not in index:
            continue
        name = names[s.node]
        messages = [
            {
                "edge": f"e{index[m.child]}_{m.position}",
                "child": f"v{index[m.child]}",
                "text": f"from {labels[m.child]} ({OPS[m.child.op].symbol}: {OPS[m.child.op].formula}): "
                f"∂{top}/∂{names[m.child]} · ∂{names[m.child]}/∂{name} = "
                f"{factor(m.upstream)} · {factor(m.local)} = {fmt(m.product).replace('-', '−')}",
                "upstream": number(m.upstream),
                "local": number(m.local),
                "product": number(m.product),
            }
            for m in s.messages
        ]
        total = fmt(s.grad).replace("-", "−")
        if s.node is root:
            equation = f"∂{top}/∂{top} = 1 (BACKWARD() starts here)"
        else:
            terms = " + ".join(f"{factor(m.upstream)}·{factor(m.local)}" for m in s.messages)
            equation = f"∂{top}/∂{name} = {terms} = {total}"
        kind = "named leaf" if s.node.label else "constant"
        if s.node.parents:
            kind = "computed outside this part" if s.node in stop else "interior node"
        steps.append(
            {
                "node": f"v{index[s.node]}",
                "name": labels[s.node],
                "kind": kind,
                "grad": number(s.grad),
                "gradText": fmt(s.grad),
                "equation": equation,
                "messages": messages,
            }
        )
    return {"root": top, "steps": steps}


SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data: dict) -> str:
    """JSON safe inside <script>: no ``</script>``, ``<!--`` or ``&`` can end or change the block, and
    no U+2028/U+2029 (line ends to older JavaScript) can break a script that reads it."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)  # numbers go through number() first
    return re.sub("[<>&\u2028\u2029]", lambda m: SCRIPT_ESCAPES[m[0]], text)


PLACEHOLDER = re.compile("%([A-Z]+)%")


def substitute(template: str, parts: dict[str, str]) -> str:
    """``template`` with each ``%NAME%`` replaced by ``parts[NAME]`` in one pass: text put in is never
    scanned again, so a label that spells ``%DATA%`` stays text."""
    return PLACEHOLDER.sub(lambda m: parts.get(m[1], m[0]), template)


def page_file(name: str) -> str:
    """One of the page's files shipped in the package: ``stepper.html`` (the layout), ``.css`` or ``.js``."""
    return (resources.files(__package__) / name).read_text(encoding="utf-8")


BACKWARD_HINT = """Each node's grad is the sum of the messages from its children:
∂L/∂v<sub>i</sub> = Σ<sub>j</sub> ∂L/∂v<sub>j</sub> · ∂v<sub>j</sub>/∂v<sub>i</sub>.
Keys: &#8592; &#8594; step, space plays,
f fits the graph to the width or back to a readable size.
Grads appear as they become final; ? is not known yet."""
"""The backward page's line under the panel (HTML): the sum over children, and the keys."""


def page_files() -> dict[str, str]:
    """The page's style and script, for its ``%CSS%`` and ``%SCRIPT%``."""
    return {"CSS": page_file("stepper.css"), "SCRIPT": page_file("stepper.js")}


def page_html(
    root: Value, title: str | None = None, max_nodes: int | None = MAX_NODES, stop_at: Collection[Value] = ()
) -> str:
    """The step-by-step BACKWARD page for L = ``root`` as one self-contained HTML text (SVG, JSON, script)."""
    steps = backward_steps(root)
    graph = draw_graph(root, grads={s.node: s.grad for s in steps}, max_nodes=max_nodes, stop_at=stop_at)
    svg = render_source(graph.source, "svg").decode("utf-8")
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and DOCTYPE: the SVG is inline in HTML
    title = check_showable(title or f"BACKWARD() on {root.label or 'L'}, step by step", "title")
    parts = {"TITLE": html.escape(title), "SVG": svg, "DATA": script_json(steps_data(root, stop_at)),
             "HINT": BACKWARD_HINT, "COMPARE": "", **page_files()}  # fmt: skip
    return substitute(page_file("stepper.html"), parts)


def backward_html(
    root: Value,
    path: str | os.PathLike | None = None,
    title: str | None = None,
    max_nodes: int | None = MAX_NODES,
    stop_at: Collection[Value] = (),
) -> Path | Page:
    """Write the step-by-step BACKWARD page for L = ``root`` to ``path`` (one file: SVG, JSON, script);
    without a path, return it as a ``Page``, which a notebook shows inline.

    ``stop_at`` draws and steps through a part, as for ``draw_graph`` (see ``viz.neuron_part``)."""
    page = Page(page_html(root, title, max_nodes, stop_at))
    return page if path is None else page.save(path)
