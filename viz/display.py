"""Pictures that show themselves in Jupyter and save themselves to a file: ``Page``, ``Plot`` and ``save``.

A notebook shows the last value of a cell through its ``_repr_*_`` methods: ``Page`` (the
step-by-step BACKWARD page) as an iframe holding the whole self-contained page, ``Plot`` (a
matplotlib figure) as a PNG; graphs from ``draw_graph`` are ``viz.Digraph``, which show as SVG.
"""

from __future__ import annotations

import html
import io
import os
from pathlib import Path

import graphviz

from .renderer import write

PAGE_HEIGHT = 640
"""The inline page's height in px: the controls, the panel and a scrolling graph fit on one screen."""


class Page:
    """A self-contained HTML page (``.html``) shown inline as an iframe whose ``srcdoc`` holds the page."""

    def __init__(self, html_text: str, height: int = PAGE_HEIGHT) -> None:
        self.html = html_text
        self.height = height

    def _repr_html_(self) -> str:
        # srcdoc works in JupyterLab, classic Notebook and VS Code, and needs no server or file: the
        # page is escaped once into the attribute. The sandbox lets its script run, nothing more.
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
            f'style="width: 100%; height: {self.height}px; border: 1px solid #ddd;"></iframe>'
        )

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page to ``path`` (it opens from disk: no network)."""
        path = Path(path)
        path.write_text(self.html, encoding="utf-8")
        return path


class Plot:
    """A matplotlib ``Figure`` shown inline as PNG (``_repr_png_``) and saved as .png or .svg, at ``dpi``
    (default: the figure's own)."""

    def __init__(self, figure, dpi: float | None = None) -> None:
        self.figure = figure
        self.dpi = dpi or figure.dpi

    def _repr_png_(self) -> bytes:
        return self.to_bytes("png")

    def to_bytes(self, fmt: str = "png") -> bytes:
        """The picture as PNG or SVG bytes."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format=fmt, dpi=self.dpi)
        return buffer.getvalue()

    def save(self, path: str | os.PathLike) -> Path:
        """Write the figure to ``path``, a .png or .svg."""
        path = Path(path)
        if path.suffix.lower() not in (".png", ".svg"):
            raise ValueError(f"cannot tell the format of {os.fspath(path)!r}: end the name with .png or .svg")
        self.figure.savefig(path, dpi=self.dpi)
        return path


def save(picture: graphviz.Digraph | Page | Plot, path: str | os.PathLike) -> Path:
    """Write a viz picture to ``path``: a graph as .svg, .png or .dot, a ``Page`` as .html, a ``Plot`` as .png/.svg."""
    if isinstance(picture, graphviz.Graph | graphviz.Digraph):
        return write(picture.source, path)
    if isinstance(picture, Page | Plot):
        return picture.save(path)
    raise TypeError(f"viz.save needs a graph, Page or Plot from viz, got {type(picture).__name__}")
