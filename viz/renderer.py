"""Finding a dot renderer (pip's ``graphviz-pure`` or system Graphviz) and running it on dot source."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import warnings
from pathlib import Path

FORMATS = ("svg", "png")
"""Output formats the renderer writes (by the file's extension); ``.dot``/``.gv`` write the source."""

INSTALL = (
    'pip install ".[viz]" in a clone of autograd-core (it ships the graphviz-pure renderer) '
    "or install system Graphviz (its `dot`)"
)


TIMEOUT = 120.0
"""Seconds a renderer may run; ``render_source`` refuses up front a graph it expects to take longer."""

NODE = re.compile(r'^\s+(?!(?:graph|node|edge) \[)("[^"\n]*"|[\w.]+) \[', re.M)
"""A node statement of dot source as the ``graphviz`` package writes it (edges have ``->`` after the name)."""


class RendererNotFound(RuntimeError):
    """No dot renderer on PATH or next to the running Python."""


class RenderError(RuntimeError):
    """The renderer ran but failed."""


class TooSlowToRender(ValueError):
    """graphviz-pure would take longer than ``TIMEOUT`` to lay the graph out: draw a part, or raise the timeout."""

    def __init__(self, nodes: int, seconds: float, timeout: float) -> None:
        self.nodes, self.seconds, self.timeout = nodes, seconds, timeout
        super().__init__(
            f"laying out {nodes} nodes with graphviz-pure would take about {duration(seconds)}, up to twice that on a "
            f"busy machine (its layout grows faster than n²): too close to the renderer's timeout of "
            f"{duration(timeout)}. Draw a part of the graph "
            f"(viz.neuron_part, one sample's loss), install system Graphviz (dot is far faster), or wait longer "
            f"with viz.renderer.TIMEOUT = {10 * math.ceil(seconds / 4)} (python -m viz: --timeout)"
        )


def layout_seconds(nodes: int) -> float:
    """Roughly how long graphviz-pure takes to lay out a computation graph of ``nodes`` nodes.

    Measured on 2 cores for chains of values and ops: 0.4 s at 1,500 nodes, 5 s at 6,000, 54 s at
    12,000 (about n^3.4 at that end); other shapes and machines differ by a small factor."""
    return 0.3 + 54.0 * (nodes / 12_000) ** 3.4


def duration(seconds: float) -> str:
    """``45 s``, ``3 min``, ``2.5 h``: an estimate in words."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


def check_layout_time(source: str, exe: str, timeout: float) -> None:
    """Refuse (``TooSlowToRender``) a graph graphviz-pure might not lay out within ``timeout`` (the estimate is
    over half of it: a busy machine takes up to twice as long); warn when it takes over 10 s."""
    if "graphviz-pure" not in os.path.basename(exe):
        return  # system dot is fast enough for any graph worth drawing
    nodes = len(NODE.findall(source))
    seconds = layout_seconds(nodes)
    if seconds > timeout / 2:
        raise TooSlowToRender(nodes, seconds, timeout)
    if seconds > 10:
        warnings.warn(
            f"laying out {nodes} nodes with graphviz-pure takes about {duration(seconds)} (up to twice that on a busy "
            "machine)",
            stacklevel=3,
        )


def scripts_dirs() -> list[str]:
    """Where pip puts console scripts for the running interpreter (found even without an activated venv)."""
    dirs = [sysconfig.get_path("scripts"), os.path.dirname(sys.executable)]
    return [d for d in dict.fromkeys(dirs) if d]


def find_renderers() -> list[str]:
    """Every renderer found, in the order tried: ``dot``, ``graphviz-pure`` on PATH, then in ``scripts_dirs()``."""
    found = [shutil.which(name) for name in ("dot", "graphviz-pure")]
    found += [shutil.which("graphviz-pure", path=directory) for directory in scripts_dirs()]
    return list(dict.fromkeys(exe for exe in found if exe))


def find_renderer() -> str | None:
    """The first renderer ``find_renderers()`` lists, or None."""
    return next(iter(find_renderers()), None)


def output_format(path: str | os.PathLike) -> str:
    """``svg``, ``png`` or ``dot``, from the file's extension."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix in ("dot", "gv"):
        return "dot"
    raise ValueError(f"cannot tell the format of {os.fspath(path)!r}: end the name with .svg, .png or .dot")


def render_source(source: str, fmt: str = "svg") -> bytes:
    """Run the renderers in turn on dot ``source`` until one works; the picture's bytes in ``fmt`` (svg or png).

    Raises ``RenderError`` listing every renderer's failure when none works, and ``TooSlowToRender`` before
    starting when graphviz-pure (the first renderer found) would take longer than ``TIMEOUT`` seconds.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {FORMATS}")
    exes = find_renderers()
    if not exes:
        raise RendererNotFound(
            f"no dot renderer found (looked for dot and graphviz-pure on PATH and in "
            f"{', '.join(scripts_dirs())}); {INSTALL}"
        )
    check_layout_time(source, exes[0], TIMEOUT)
    failures = []
    for exe in exes:  # a broken first renderer (say an old system dot) falls back to the next
        try:
            done = subprocess.run([exe, f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True, timeout=TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as error:
            failures.append(f"{exe} could not run: {error}")
            continue
        if done.returncode == 0 and done.stdout:
            return done.stdout
        failures.append(f"{exe} failed (exit {done.returncode}): {done.stderr.decode(errors='replace').strip()}")
    raise RenderError("every dot renderer failed: " + "; ".join(failures))


def write(source: str, path: str | os.PathLike) -> Path:
    """Write dot ``source`` rendered to ``path`` (format from its extension); return the path.

    Without a renderer the source is written next to ``path`` as ``.dot`` and
    ``RendererNotFound`` says where it is and what to install.
    """
    path = Path(path)
    fmt = output_format(path)
    if fmt == "dot":
        path.write_text(source, encoding="utf-8")
        return path
    try:
        picture = render_source(source, fmt)
    except RendererNotFound as error:
        dot_path = path.with_suffix(".dot")
        dot_path.write_text(source, encoding="utf-8")
        raise RendererNotFound(
            f"{error}. The graph's source is in {dot_path}; after installing, "
            f"render it with: graphviz-pure -T{fmt} {dot_path} -o {path}"
        ) from None
    path.write_bytes(picture)
    return path
