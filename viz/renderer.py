"""Finding a dot renderer (pip's ``graphviz-pure`` or system Graphviz) and running it on dot source."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

FORMATS = ("svg", "png")
"""Output formats the renderer writes (by the file's extension); ``.dot``/``.gv`` write the source."""

INSTALL = 'pip install "autograd-core[viz]" (ships the graphviz-pure renderer) or install system Graphviz (its `dot`)'


class RendererNotFound(RuntimeError):
    """No dot renderer on PATH or next to the running Python."""


class RenderError(RuntimeError):
    """The renderer ran but failed."""


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

    Raises ``RenderError`` listing every renderer's failure when none works.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {FORMATS}")
    exes = find_renderers()
    if not exes:
        raise RendererNotFound(f"no dot renderer found (looked for dot and graphviz-pure on PATH and in "
                               f"{', '.join(scripts_dirs())}); {INSTALL}")
    failures = []
    for exe in exes:  # a broken first renderer (say an old system dot) falls back to the next
        try:
            done = subprocess.run([exe, f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True, timeout=120)
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
        raise RendererNotFound(f"{error}. The graph's source is in {dot_path}; after installing, "
                               f"render it with: graphviz-pure -T{fmt} {dot_path} -o {path}") from None
    path.write_bytes(picture)
    return path
