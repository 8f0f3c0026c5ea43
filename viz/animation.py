"""backward_animation: BACKWARD() step by step as an animated SVG (SMIL, no script) or a GIF, for places that strip
JavaScript (learning platforms, slides, a README).

Step k shows the first k nodes of the reverse topological order with their grads, the current node
outlined, the rest ``grad ?``.  Same input, same bytes: no clock, no randomness.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from autograd_core import Value

from .dot import MAX_NODES, Digraph, draw_graph, fmt, node_names, part_order
from .marks import marked
from .renderer import RendererNotFound, find_renderer, render_source
from .steps import backward_steps
from .texts import minus

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)


def _timeline(root: Value) -> tuple[list, dict[str, int], dict[Value, str]]:
    """The steps, the step at which each value node's grad is final (by id), and each node's name."""
    steps = backward_steps(root)
    order = part_order(root)
    index = {v: k for k, v in enumerate(order)}
    final = {f"v{index[s.node]}": k for k, s in enumerate(steps)}
    return steps, final, node_names(order)


def _caption(step, names: dict[Value, str], root: Value) -> str:
    top = names[root]
    if step.node is root:
        return f"∂{top}/∂{top} = 1: BACKWARD() starts at {top}"
    terms = " + ".join(f"({minus(fmt(m.upstream))})({minus(fmt(m.local))})" for m in step.messages)
    return f"∂{top}/∂{names[step.node]} = Σ over its children of ∂{top}/∂child · local = {terms} = " + minus(
        fmt(step.grad)
    )


def _set(parent: ET.Element, attribute: str, value: str, begin: float, dur: float) -> None:
    ET.SubElement(parent, f"{{{SVG}}}set", attributeName=attribute, to=value, begin=f"clock.begin+{begin:g}s",
                  dur=f"{dur:g}s")  # fmt: skip


def animated_svg(root: Value, seconds: float = 1.0, hold: float = 3.0, max_nodes: int | None = MAX_NODES) -> bytes:
    """The animated SVG's bytes: step k starts at k·``seconds``; the last frame stays ``hold`` s, then it loops."""
    steps, final, names = _timeline(root)
    graph = draw_graph(root, grads={s.node: s.grad for s in steps}, max_nodes=max_nodes)
    tree = ET.fromstring(render_source(graph.source, "svg"))
    total = len(steps) * seconds + hold
    for a in tree.iter(f"{{{SVG}}}a"):  # tooltips would give the grads away
        a.attrib.pop(f"{{{XLINK}}}title", None)
    for g in tree.iter(f"{{{SVG}}}g"):
        key, kind = g.get("id", ""), g.get("class", "")
        if key in final and "value" in kind.split():
            _animate_node(g, final[key] * seconds, total, seconds)
        elif key.startswith("e") and "edge" in kind.split():
            child = f"v{key[1:].split('_')[0]}"
            if child in final:
                _hide_until(g, "msg ", "msg ?", final[child] * seconds, total)
    _add_captions(tree, [_caption(s, names, root) for s in steps], seconds, total)
    clock = ET.SubElement(tree, f"{{{SVG}}}rect", width="0", height="0")
    ET.SubElement(clock, f"{{{SVG}}}animate", id="clock", attributeName="x", values="0;0", begin="0s;clock.end",
                  dur=f"{total:g}s")  # fmt: skip
    return ET.tostring(tree, encoding="utf-8", xml_declaration=True)


def _hide_until(g: ET.Element, prefix: str, placeholder: str, when: float, total: float) -> None:
    """Each text of g starting with ``prefix`` shows ``placeholder`` until ``when``, then itself."""
    for t in list(g.iter(f"{{{SVG}}}text")):
        if not (t.text or "").startswith(prefix):
            continue
        blank = ET.SubElement(g, f"{{{SVG}}}text", {k: v for k, v in t.attrib.items() if k != "fill"})
        blank.set("fill", "#000000")
        blank.text = placeholder
        t.set("visibility", "hidden")
        _set(t, "visibility", "visible", when, total - when)
        _set(blank, "visibility", "hidden", when, total - when)


def _animate_node(g: ET.Element, when: float, total: float, seconds: float) -> None:
    _hide_until(g, "grad ", "grad ?", when, total)
    for shape in [*g.iter(f"{{{SVG}}}polygon"), *g.iter(f"{{{SVG}}}path")]:
        colour = shape.get("fill")
        if colour and colour != "none":
            shape.set("fill", "#ffffff")
            _set(shape, "fill", colour, when, total - when)
        _set(shape, "stroke-width", "4", when, seconds)
    for t in g.iter(f"{{{SVG}}}text"):
        colour = t.get("fill")
        if colour and colour not in ("#000000", "black") and t.text and not t.text.startswith("grad ?"):
            t.set("fill", "#000000")
            _set(t, "fill", colour, when, total - when)


def _add_captions(tree: ET.Element, captions: list[str], seconds: float, total: float) -> None:
    """One line under the picture per step: the chain-rule sum of the current node, in numbers."""
    box = [float(x) for x in tree.get("viewBox", "0 0 0 0").split()]
    band = 22.0
    box[3] += band
    tree.set("viewBox", " ".join(f"{x:g}" for x in box))
    tree.set("height", f"{box[3]:g}pt")
    ET.SubElement(tree, f"{{{SVG}}}rect", x=f"{box[0]:g}", y=f"{box[3] - band:g}", width=f"{box[2]:g}",
                  height=f"{band:g}", fill="#f6f6f6")  # fmt: skip
    for k, text in enumerate(captions):
        t = ET.SubElement(tree, f"{{{SVG}}}text", {"x": "8", "y": f"{box[3] - 7:g}", "font-family": "Helvetica,Arial,"
                          "sans-serif", "font-size": "12", "fill": "#222222", "visibility": "hidden",
                          "class": "caption"})  # fmt: skip
        t.text = f"step {k + 1} of {len(captions)}: {text}"
        end = (k + 1) * seconds if k + 1 < len(captions) else total
        _set(t, "visibility", "visible", k * seconds, end - k * seconds)


def _sizes(graph: Digraph) -> dict[str, tuple[str, str]]:
    """Each node's width and height (inches) in the laid-out graph, to pin every frame to one layout."""
    exe = find_renderer()
    if exe is None:
        raise RendererNotFound('backward_animation needs a dot renderer: pip install "autograd-core[viz]"')
    done = subprocess.run([exe, "-Tjson"], input=graph.source.encode("utf-8"), capture_output=True, timeout=120)
    objects = json.loads(done.stdout).get("objects", [])
    return {o["name"]: (o["width"], o["height"]) for o in objects if "width" in o}


def frames(root: Value, max_nodes: int | None = MAX_NODES) -> list[bytes]:
    """One PNG per BACKWARD step (and a last one with every grad), each node pinned to its final size."""
    steps, final, _ = _timeline(root)
    graph = draw_graph(root, grads={s.node: s.grad for s in steps}, max_nodes=max_nodes)
    pinned = {key: {"width": w, "height": h, "fixedsize": "true"} for key, (w, h) in _sizes(graph).items()}
    out = []
    for k in range(len(steps) + 1):
        styles = {key: dict(style) for key, style in pinned.items()}
        for key, when in final.items():
            if when > k:
                styles[key].update(fillcolor="white", fontcolor="black")
            elif when == k:
                styles[key].update(penwidth="4", color="black")

        def lines(key: str, text: list[str], k: int = k) -> list[str]:
            if key[0] == "e":  # an edge: the local derivative only, so edge labels never change size
                return [t for t in text if not t.startswith("msg ")]
            if final.get(key, -1) > k:
                return ["grad ?" if t.startswith("grad ") else t for t in text]
            return text

        out.append(render_source(marked(graph, styles, lines).source, "png"))
    return out


def backward_animation(
    L: Value,
    path: str | os.PathLike,
    seconds: float = 1.0,
    hold: float = 3.0,
    max_nodes: int | None = MAX_NODES,
) -> Path:
    """Write BACKWARD() on L as an animation: ``.svg`` (SMIL, no script) or ``.gif`` (one frame per step).

    Each step shows for ``seconds``; the finished graph stays ``hold`` seconds, then it starts again."""
    if not isinstance(L, Value):
        raise TypeError(f"backward_animation needs L as a Value, got {type(L).__name__}")
    if not (seconds > 0 and hold >= 0):
        raise ValueError(f"backward_animation needs seconds > 0 and hold ≥ 0, got seconds={seconds!r}, hold={hold!r}")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        path.write_bytes(animated_svg(L, seconds, hold, max_nodes))
    elif suffix == ".gif":
        path.write_bytes(_gif(frames(L, max_nodes), seconds, hold))
    else:
        raise ValueError(f"backward_animation writes .svg or .gif, got {os.fspath(path)!r}")
    return path


def _gif(pngs: list[bytes], seconds: float, hold: float) -> bytes:
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError('a GIF needs Pillow: pip install "autograd-core[viz]" (or pip install pillow)') from error
    images = [Image.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    width, height = max(i.width for i in images), max(i.height for i in images)
    canvas = []
    for image in images:  # one size for every frame (pinned sizes leave at most a pixel of rounding)
        frame = Image.new("RGB", (width, height), "white")
        frame.paste(image, (0, 0))
        canvas.append(frame.quantize(colors=255, dither=Image.Dither.NONE))
    durations = [round(seconds * 1000)] * (len(canvas) - 1) + [round((seconds + hold) * 1000)]
    out = io.BytesIO()
    canvas[0].save(out, format="GIF", save_all=True, append_images=canvas[1:], duration=durations, loop=0,
                   optimize=False, disposal=1)  # fmt: skip
    return out.getvalue()
