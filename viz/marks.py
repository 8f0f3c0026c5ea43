"""Marking a drawn graph: restyle or rewrite the lines of ``draw_graph``'s nodes and edges, by their stable ids.

``draw_graph`` names every statement (``v{k}`` a value, ``o{k}`` its op, ``e{k}_{i}`` the edge from its
i-th parent, ``r{k}`` op → value), so the teaching tools (a highlighted path, a worksheet with blank
grads, a frame of an animation) change a copy of its dot source instead of drawing graphs of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from graphviz.quoting import quote

from .dot import Digraph

_ID = re.compile(r'\bid="?([A-Za-z0-9_]+)"?[\s\]]')
_LABEL = re.compile(r'\blabel="((?:[^"\\]|\\.)*)"')

HIGHLIGHT = "#d62728"
"""The colour of a highlighted path (red: apart from the blue/orange grad scale)."""


def statement_id(line: str) -> str | None:
    """The ``id`` a dot statement of ``draw_graph`` carries, or None (graph attributes, defaults)."""
    m = _ID.search(line)
    return m[1] if m else None


def _attribute(name: str) -> re.Pattern:
    """``name=value`` in a statement, the value quoted (escapes and newlines inside) or bare."""
    return re.compile(rf'\s{name}=(?:"(?:[^"\\]|\\.)*"|[^\s\]]+)')


def marked(
    graph: Digraph,
    styles: Mapping[str, Mapping[str, str]] = {},
    lines: Callable[[str, list[str]], list[str]] | None = None,
) -> Digraph:
    """A copy of ``graph`` with ``styles[id]`` set on the statement of that id (replacing what was there), and
    each label's lines passed through ``lines(id, lines)`` (a label's first line is the node's name)."""
    out = graph.copy()
    body = []
    for line in out.body:
        key = statement_id(line)
        if key is not None and lines is not None:
            line = _LABEL.sub(lambda m, key=key: f'label="{chr(10).join(lines(key, m[1].split(chr(10))))}"', line, 1)
        if key in styles:
            for name, value in styles[key].items():
                line = _attribute(name).sub("", line)
                end = line.rstrip().rfind("]")
                line = f"{line[:end]} {name}={quote(value)}]\n"
        body.append(line)
    out.body = body
    return out


def path_styles(ids: list[str], colour: str = HIGHLIGHT) -> dict[str, dict[str, str]]:
    """Styles that draw the statements ``ids`` (values, ops, edges) thick in ``colour``."""
    styles: dict[str, dict[str, str]] = {}
    for key in ids:
        style = {"color": colour, "penwidth": "3"}
        if key[0] == "e" or key[0] == "r":
            style["fontcolor"] = colour
        styles[key] = style
    return styles
