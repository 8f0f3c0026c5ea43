"""Shared helpers for viz tests: the lecture's neuron, SVG parsing."""

import math
import xml.etree.ElementTree as ET

import pytest

from viz import find_renderer
from viz.expressions import neuron

SVG = "{http://www.w3.org/2000/svg}"

needs_renderer = pytest.mark.skipif(find_renderer() is None, reason="no dot renderer (pip install graphviz-pure)")


def seed_000():
    """The neuron of seed 000 after backward, and its named nodes."""
    L = neuron()
    L.backward()
    nodes, stack = {}, [L]
    while stack:
        v = stack.pop()
        nodes.setdefault(v.label or id(v), v)
        stack.extend(v.parents)
    return L, nodes


def closed_forms(x=1.5, y=0.2, w=0.8, b=-0.3, lam=0.1):
    """Seed 000's partials by hand: ∂L/∂u = u − y, ∂L/∂z = (u − y)σ′(z), ∂L/∂w = ∂L/∂z·x + 2λw, …"""
    z = w * x + b
    u = 1 / (1 + math.exp(-z))
    dz = (u - y) * u * (1 - u)
    return {
        "L": 1.0,
        "l": 1.0,
        "λr": 1.0,
        "r": lam,
        "λ": w * w,
        "u": u - y,
        "y − u": y - u,
        "z": dz,
        "wx": dz,
        "b": dz,
        "w": dz * x + 2 * lam * w,
        "x": dz * w,
        "y": y - u,
    }, {"z": z, "u": u}


def svg_groups(svg: str) -> dict[str, list[str]]:
    """id → the text lines of every node and edge group in a graphviz SVG."""
    root = ET.fromstring(svg)
    return {g.get("id"): [t.text or "" for t in g.iter(f"{SVG}text")] for g in root.iter(f"{SVG}g") if g.get("id")}
