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
from pathlib import Path

from autograd_core import OPS, Value

from .dot import MAX_NODES, draw_graph, fmt, node_names, part_order
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


def in_fraction(name: str) -> str:
    """A name inside ∂L/∂…, in parentheses when it is an expression (``∂L/∂(y − u)``)."""
    return f"({name})" if any(c in name for c in " +-−*×÷/·^²()|") or name[:1].isdigit() else name


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
        steps.append({"node": f"v{index[s.node]}", "name": labels[s.node], "kind": kind, "grad": number(s.grad),
                      "gradText": fmt(s.grad), "equation": equation, "messages": messages})
    return {"root": top, "steps": steps}


SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data: dict) -> str:
    """JSON safe inside <script>: no ``</script>``, ``<!--`` or ``&`` can end or change the block, and
    no U+2028/U+2029 (line ends to older JavaScript) can break a script that reads it."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)  # numbers go through number() first
    return re.sub("[<>&\u2028\u2029]", lambda m: SCRIPT_ESCAPES[m[0]], text)


PLACEHOLDER = re.compile("%(TITLE|SVG|DATA)%")


def substitute(template: str, parts: dict[str, str]) -> str:
    """``template`` with each ``%NAME%`` replaced by ``parts[NAME]`` in one pass: text put in is never
    scanned again, so a label that spells ``%DATA%`` stays text."""
    return PLACEHOLDER.sub(lambda m: parts[m[1]], template)


def backward_html(root: Value, path: str | os.PathLike, title: str | None = None,
                  max_nodes: int | None = MAX_NODES, stop_at: Collection[Value] = ()) -> Path:
    """Write the step-by-step BACKWARD page for L = ``root`` to ``path`` (one file: SVG, JSON, script).

    ``stop_at`` draws and steps through a part, as for ``draw_graph`` (see ``viz.neuron_part``)."""
    steps = backward_steps(root)
    graph = draw_graph(root, grads={s.node: s.grad for s in steps}, max_nodes=max_nodes, stop_at=stop_at)
    svg = render_source(graph.source, "svg").decode("utf-8")
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and DOCTYPE: the SVG is inline in HTML
    title = title or f"BACKWARD() on {root.label or 'L'}, step by step"
    page = substitute(PAGE, {"TITLE": html.escape(title), "SVG": svg, "DATA": script_json(steps_data(root, stop_at))})
    path = Path(path)
    path.write_text(page, encoding="utf-8")
    return path


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>%TITLE%</title>
<style>
html, body { height: 100%; margin: 0; }
/* The page itself never scrolls: only the graph does, so the controls and panel stay in view. */
body { font-family: Helvetica, Arial, sans-serif; color: #222; padding: 1em; box-sizing: border-box;
       display: flex; flex-direction: column; }
h1 { font-size: 1.2em; margin: 0 0 .4em 0; }
#controls button { font-size: 1em; padding: .2em .8em; margin-right: .3em; }
#frame { margin-left: .8em; font-weight: bold; }
#panel { margin: .6em 0; padding: .6em .8em; background: #f6f6f6; border-left: 4px solid #542788; }
#equation { font-size: 1.25em; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
#messages { margin: .4em 0 0 0; padding-left: 1.2em; font-size: .95em; }
#hint { color: #666; font-size: .85em; }
#graph { overflow: auto; flex: 1 1 auto; min-height: 8em; border-top: 1px solid #ddd; }
#graph.fit svg { width: 100%; height: auto; }
.current path, .current polygon { stroke: #000 !important; stroke-width: 4px; }
.sender path, .sender polygon { stroke: #542788 !important; stroke-width: 2.5px; }
.incoming path { stroke: #542788 !important; stroke-width: 3px; }
.incoming polygon { stroke: #542788 !important; fill: #542788 !important; }
.incoming text { fill: #542788 !important; font-weight: bold; }
</style>
</head>
<body>
<h1>%TITLE%</h1>
<div id="controls">
<button id="prev" type="button">&#9664; Prev</button>
<button id="play" type="button">Play</button>
<button id="next" type="button">Next &#9654;</button>
<button id="fit" type="button">Fit to width</button>
<span id="frame"></span>
</div>
<div id="panel">
<div id="node"></div>
<div id="equation"></div>
<ul id="messages"></ul>
</div>
<div id="hint">Each node's grad is the sum of the messages from its children:
∂L/∂v<sub>i</sub> = Σ<sub>j</sub> ∂L/∂v<sub>j</sub> · ∂v<sub>j</sub>/∂v<sub>i</sub>.
Keys: &#8592; &#8594; step, space plays,
f fits the graph to the width or shows it at its natural size.
Grads appear as they become final; ? is not known yet.</div>
<div id="graph">
%SVG%
</div>
<script id="steps" type="application/json">%DATA%</script>
<script>
"use strict";
const data = JSON.parse(document.getElementById("steps").textContent);
const steps = data.steps;
const svg = document.querySelector("#graph svg");
const whenFinal = {};  // node id -> the step index at which its grad is final
steps.forEach((s, k) => { whenFinal[s.node] = k; });
for (const a of svg.querySelectorAll("a")) a.removeAttributeNS("http://www.w3.org/1999/xlink", "title");  // no spoilers
const lines = (g, prefix) => Array.from(g.querySelectorAll("text")).filter(t => t.textContent.startsWith(prefix));
const original = new Map(), paint = new Map();
for (const t of svg.querySelectorAll("text")) original.set(t, t.textContent);
for (const e of svg.querySelectorAll("g.value text, g.value polygon, g.value path")) {
  paint.set(e, e.getAttribute("fill"));
}
let frame = 0, timer = null;

function show(k) {
  frame = Math.max(0, Math.min(steps.length - 1, k));
  const s = steps[frame];
  for (const g of svg.querySelectorAll("g.value")) {
    const known = whenFinal[g.id] !== undefined && whenFinal[g.id] <= frame;
    for (const t of lines(g, "grad")) t.textContent = known ? original.get(t) : "grad ?";
    for (const [e, colour] of paint) {
      if (!g.contains(e) || !colour || colour === "none") continue;
      e.setAttribute("fill", known ? colour : (e.tagName === "text" ? "#000000" : "#ffffff"));
    }
    g.classList.toggle("current", g.id === s.node);
    g.classList.toggle("sender", s.messages.some(msg => msg.child === g.id));
  }
  for (const g of svg.querySelectorAll("g.edge")) {
    const m = /^e(\\d+)_/.exec(g.id);
    const sent = m && whenFinal["v" + m[1]] <= frame;
    for (const t of lines(g, "msg")) t.textContent = sent ? original.get(t) : "msg ?";
    g.classList.remove("incoming");
  }
  for (const msg of s.messages) {
    const e = document.getElementById(msg.edge);
    if (e) e.classList.add("incoming");
  }
  const here = document.getElementById(s.node);
  if (here) here.scrollIntoView({block: "center", inline: "center"});
  document.getElementById("frame").textContent = `step ${frame + 1} of ${steps.length}`;
  document.getElementById("node").textContent = `${s.name} (${s.kind})`;
  const eq = document.getElementById("equation");
  eq.textContent = s.equation;
  eq.dataset.grad = String(s.grad);
  eq.dataset.node = s.node;
  const list = document.getElementById("messages");
  list.replaceChildren(...s.messages.map(msg => {
    const li = document.createElement("li");
    li.textContent = msg.text;
    li.dataset.product = String(msg.product);
    return li;
  }));
  try { history.replaceState(null, "", `#step=${frame + 1}`); } catch (e) { /* some file:// pages refuse */ }
}

const box = document.getElementById("graph");
function fit(on) {  // fit to the width, or the natural size (readable, scrolls)
  box.classList.toggle("fit", on);
  document.getElementById("fit").textContent = on ? "Natural size" : "Fit to width";
  const here = document.getElementById(steps[frame].node);
  if (here) here.scrollIntoView({block: "center", inline: "center"});
}

function play() {
  if (timer) { clearInterval(timer); timer = null; document.getElementById("play").textContent = "Play"; return; }
  if (frame === steps.length - 1) show(0);
  document.getElementById("play").textContent = "Pause";
  timer = setInterval(() => { if (frame >= steps.length - 1) play(); else show(frame + 1); }, 1200);
}

document.getElementById("prev").addEventListener("click", () => show(frame - 1));
document.getElementById("next").addEventListener("click", () => show(frame + 1));
document.getElementById("play").addEventListener("click", play);
document.getElementById("fit").addEventListener("click", () => fit(!box.classList.contains("fit")));
document.addEventListener("keydown", e => {
  if (e.key === "ArrowRight") show(frame + 1);
  else if (e.key === "ArrowLeft") show(frame - 1);
  else if (e.key === " ") { e.preventDefault(); play(); }
  else if (e.key === "f") fit(!box.classList.contains("fit"));
});
const asked = /step=(\\d+)/.exec(location.hash);
show(asked ? parseInt(asked[1], 10) - 1 : 0);
fit(svg.getBoundingClientRect().width > box.clientWidth);  // wider than the window: fit; small: natural size
</script>
</body>
</html>
"""
