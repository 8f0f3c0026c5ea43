"""What every demo shares: its command line, its output folder, its self-checks and its tables."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

WRITTEN: list[Path] = []
"""Every file a demo has written in this process, in order (the tour lists them at the end)."""


def in_notebook() -> bool:
    """True inside a Jupyter kernel (a demo opened with jupytext), where sys.argv is the kernel's."""
    return "ipykernel" in sys.modules


def parse_args(
    doc: str | None, name: str, argv: Sequence[str] | None = None, extra: Callable | None = None
) -> argparse.Namespace:
    """The demo's command line: ``--out DIR`` (default ``out/``) plus the demo's own options."""
    first_paragraph = (doc or "").strip().split("\n\n")[0]
    parser = argparse.ArgumentParser(prog=f"python -m demos.{name}", description=first_paragraph)
    parser.add_argument(
        "--out",
        type=Path,
        default=None if in_notebook() else Path("out"),
        help="folder for the pictures (default: out/; in a notebook none, the pictures show inline)",
    )
    if extra is not None:
        extra(parser)
    if argv is None:
        argv = [] if in_notebook() else sys.argv[1:]
    args = parser.parse_args(list(argv))
    if args.out is not None:
        make_folder(parser, args.out)
    return args


def make_folder(parser: argparse.ArgumentParser, path: Path) -> None:
    """Create ``--out`` (and its parents); if that is impossible, a one-line error and exit code 2, as argparse does."""
    if path.exists() and not path.is_dir():
        parser.exit(2, f"{parser.prog}: error: --out {path}: this is a file, not a folder; pick another\n")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        parser.exit(2, f"{parser.prog}: error: --out {path}: cannot create this folder ({reason}); pick another\n")
    if not os.access(path, os.W_OK | os.X_OK):
        parser.exit(2, f"{parser.prog}: error: --out {path}: this folder is not writable; pick another\n")


def positive_int(text: str) -> int:
    """An argparse type: a whole number ≥ 1 (``--steps 0`` is an error message, not a traceback)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not ≥ 1")
    return value


def output(args: argparse.Namespace, filename: str) -> Path:
    """The path ``<out>/<filename>``, remembered so the tour can list what was written."""
    path = args.out / filename
    WRITTEN.append(path)
    return path


def show(args: argparse.Namespace, picture: object, filename: str) -> None:
    """A lesson's picture (a graph, page or plot from viz, or a matplotlib Figure): inline in a notebook, and
    written to ``<out>/<filename>`` when there is an out folder (always as a script; in a notebook with ``--out``)."""
    from matplotlib.figure import Figure

    import viz

    if isinstance(picture, Figure):
        picture = viz.Plot(picture)
    if in_notebook():
        from IPython.display import display

        display(picture)
    if args.out is not None:
        viz.save(picture, output(args, filename))


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table; floats are shown with 6 significant digits, columns right-aligned."""
    cells = [[_cell(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths))]
    lines.append("  ".join("─" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)


def _cell(c: object) -> str:
    if isinstance(c, float):
        return f"{c:.6g}" if c != 0.0 else "0"
    return str(c)


def agree(a: float, b: float, tol: float) -> bool:
    """|a − b| ≤ tol · max(1, |a|, |b|): absolute near zero, relative for large numbers."""
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


class Checks:
    """The demo's self-checks: each is printed as it is made; ``exit_code()`` is 1 if any failed."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.failed: list[str] = []

    def that(self, what: str, ok: bool, detail: str = "") -> bool:
        """Record one check, e.g. ``checks.that("accuracy ≥ 97%", acc >= 0.97, f"{acc:.1%}")``."""
        print(f"  check {'ok  ' if ok else 'FAIL'} {what}" + (f"  ({detail})" if detail else ""))
        if not ok:
            self.failed.append(what)
        return ok

    def close(self, what: str, got: Sequence[float], want: Sequence[float], tol: float) -> bool:
        """Every got[i] agrees with want[i] to ``tol`` (see ``agree``); shows the worst difference."""
        worst = max((abs(g - w) for g, w in zip(got, want)), default=0.0)
        ok = len(got) == len(want) and all(agree(g, w, tol) for g, w in zip(got, want))
        return self.that(what, ok, f"largest |difference| {worst:.1e}, tolerance {tol:g}")

    def exit_code(self) -> int:
        """0 when every check passed, else 1 (and say which failed)."""
        if self.failed:
            print(f"demos.{self.name}: {len(self.failed)} check(s) FAILED: {'; '.join(self.failed)}")
            return 1
        return 0


class ChecksFailed(AssertionError):
    """A lesson run in a notebook whose own checks failed: the cell ends in this error, not silently."""


def run(main: Callable[[], int]) -> None:
    """Run a demo's ``main``: a script exits with its code; a notebook raises ``ChecksFailed`` if a check fails."""
    code = main()
    if not in_notebook():
        raise SystemExit(code)
    if code:
        raise ChecksFailed("a check of this lesson failed: see the FAIL lines above")
