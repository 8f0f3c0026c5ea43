"""The table: one row per workload, one column per engine, medians with the ratio to micrograd."""

from __future__ import annotations

import json
import math
import os
import platform
from dataclasses import asdict
from pathlib import Path

from . import engines as E
from . import scaling as S
from .workloads import Row

ENGINE_ORDER = (
    E.OURS,
    E.MICROGRAD,
    E.OURS_GC_OFF,
    E.MICROGRAD_GC_OFF,
    E.MICROGRAD_RUST,
    E.COMPILED,
    E.TORCH_SCALAR,
    E.TORCH_BATCHED,
    E.HIPS,
    E.NUMPY_HAND,
)
LEGEND = (
    "(n×): n times better than micrograd on that row (faster, smaller, deeper), both with Python's cyclic GC on; "
    "(n× vs GC off): autograd-core with the GC off against micrograd with the GC off (gc.collect() outside the "
    "timing, gc.disable() around the timed steps, for both); "
    "≥ n: the ladder's cap, reached without failure (a lower bound: no ratio); < n: below the resolution; "
    "[n× numpy]: time over the slide's hand-written numpy step."
)


def _fmt(value: float, unit: str) -> str:
    if unit in ("nodes",):
        return f"{value:,.0f} {unit}"
    digits = 3 if abs(value) < 10 else (1 if abs(value) < 1000 else 0)
    return f"{value:,.{digits}f} {unit}"


def _times(x: float) -> str:
    return f"{x:,.1f}×" if x < 100 else f"{x:,.0f}×"


def cell(row: Row, base: Row | None) -> str:
    """The median with its ratio to ``base`` (micrograd, or the hand-written numpy step), or why there is none.

    No ratio when either value is a bound (a cap reached, a resolution) rather than a measurement,
    or when the base has no value.
    """
    if row.value is None:
        return row.status.split(":")[-1].strip() if row.status.startswith("failed") else row.status.split(":")[0]
    text = _fmt(row.value, row.unit)
    if row.bound:
        return f"{row.bound} {text}"
    if base is None or not base.value or base.bound or row.value <= 0:
        return text
    if base.engine == E.NUMPY_HAND:
        return f"{text} [{_times(row.value / base.value)} numpy]"
    ratio = _times(base.value / row.value if row.better == "lower" else row.value / base.value)
    return f"{text} ({ratio} vs GC off)" if base.engine == E.MICROGRAD_GC_OFF else f"{text} ({ratio})"


def _base(engine: str, by_engine: dict[str, Row]) -> Row | None:
    """The row an engine's ratio is taken against: micrograd in the same GC setting, else the numpy step."""
    if engine in (E.MICROGRAD, E.MICROGRAD_GC_OFF, E.NUMPY_HAND):
        return None
    return by_engine.get(E.BASELINE.get(engine, E.MICROGRAD)) or by_engine.get(E.NUMPY_HAND)


def _is_scaling(row: Row) -> bool:
    return row.workload.startswith(S.WORKLOAD)


def table(rows: list[Row]) -> list[tuple[str, ...]]:
    """One row per workload, one column per engine: the header first (the scaling grid has its own table)."""
    rows = [r for r in rows if not _is_scaling(r)]
    engines = [e for e in ENGINE_ORDER if any(r.engine == e for r in rows)]
    workloads = list(dict.fromkeys(r.workload for r in rows))
    out = [("workload", *engines)]
    for w in workloads:
        by_engine = {r.engine: r for r in rows if r.workload == w}
        cells = [cell(by_engine[e], _base(e, by_engine)) if e in by_engine else "" for e in engines]
        out.append((w, *cells))
    return out


def _mb(row: Row | None) -> str:
    peak = row.extra.get("peak_mb") if row is not None and row.value is not None else None
    return "" if peak is None else f"{peak:,.1f} MB"


def scaling_table(rows: list[Row]) -> list[tuple[str, ...]]:
    """fit(compiled=True) against PyTorch per (N, h): times, their ratio, peak memory per step (header first)."""
    grid = [r for r in rows if _is_scaling(r)]
    if not grid:
        return []
    out = [("N", "h", S.FIT, E.TORCH_BATCHED, "ours / PyTorch", "peak per step, ours", "peak per step, PyTorch")]
    for workload in dict.fromkeys(r.workload for r in grid):
        by_engine = {r.engine: r for r in grid if r.workload == workload}
        ours, torch = by_engine.get(S.FIT), by_engine.get(E.TORCH_BATCHED)
        ratio = ""
        if ours and torch and ours.value and torch.value:
            ratio = f"{ours.value / torch.value:.2f}×"
        n, h = ours.extra["n"], ours.extra["h"]
        theirs = cell(torch, None) if torch else ""
        out.append((f"{n:,}", str(h), cell(ours, None), theirs, ratio, _mb(ours), _mb(torch)))
    return out


SCALING_LEGEND = (
    "ours / PyTorch: time per full-batch step over PyTorch's (below 1: faster); peak per step: the rise of "
    "the process's peak resident set during one step"
)


def notes(rows: list[Row]) -> list[str]:
    """Every row's note and long status, as lines under the table."""
    lines = []
    for r in rows:
        said = [r.note] if r.note else []
        if r.value is None and ":" in r.status and not r.status.startswith("failed"):
            said.append(r.status)
        if said:
            lines.append(f"{r.workload}, {r.engine}: {'; '.join(said)}")
    return lines


def step0_losses(rows: list[Row]) -> dict[str, tuple[dict[str, float], bool]]:
    """Workload → (every engine's step-0 loss, whether they all agree to rel 1e-9)."""
    out = {}
    for workload in dict.fromkeys(r.workload for r in rows if r.loss0 is not None):
        losses = {r.engine: r.loss0 for r in rows if r.workload == workload and r.loss0 is not None}
        ref = next(iter(losses.values()))
        out[workload] = losses, all(math.isclose(v, ref, rel_tol=1e-9) for v in losses.values())
    return out


def loss_agreement(rows: list[Row]) -> list[str]:
    """Lines with every engine's step-0 loss per workload, and whether they agree to rel 1e-9."""
    lines = []
    for workload, (losses, agree) in step0_losses(rows).items():
        shown = ", ".join(f"{e} {v:.15g}" for e, v in losses.items())
        lines.append(f"step-0 loss, {workload}: {shown} — {'agree' if agree else 'DISAGREE'} (rel 1e-9)")
    return lines


def against_native(rows: list[Row]) -> list[str]:
    """Per workload timed on both: how many times faster autograd-core is than micrograd-rust (the issue's target)."""
    lines = []
    for workload in dict.fromkeys(r.workload for r in rows):
        ours, rust = (
            next((r for r in rows if r.workload == workload and r.engine == e and r.value and not r.bound), None)
            for e in (E.OURS, E.MICROGRAD_RUST)
        )
        if ours and rust and ours.unit == rust.unit and ours.better == "lower":
            ratio = rust.value / ours.value
            said = f"{ratio:.2f}× faster" if ratio >= 1 else f"{1 / ratio:.2f}× slower"
            lines.append(f"{workload}: autograd-core is {said} than micrograd-rust (both with the GC on)")
    return lines


def _text_table(cells: list[tuple[str, ...]]) -> list[str]:
    if len(cells) < 2:  # a header alone: nothing ran
        return []
    widths = [max(len(c[i]) for c in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def as_text(rows: list[Row]) -> str:
    lines = _text_table(table(rows))
    grid = _text_table(scaling_table(rows))
    if grid:
        lines += ["", *grid, SCALING_LEGEND]
    return "\n".join([*lines, "", LEGEND, *loss_agreement(rows), *against_native(rows), "", *notes(rows)])


LOAD_AT_START = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
"""The 1-minute load average when the run began (this module is imported before any workload)."""


def machine() -> str:
    load = ""
    if LOAD_AT_START is not None:
        load = f", load average {LOAD_AT_START:.1f} at the start and {os.getloadavg()[0]:.1f} at the end"
    return (
        f"{platform.machine()} {platform.system()}, {os.cpu_count()} cores{load}, Python {platform.python_version()}; "
        "BLAS and torch on one thread"
    )


def _markdown_table(cells: list[tuple[str, ...]]) -> list[str]:
    if len(cells) < 2:
        return []
    lines = ["| " + " | ".join(cells[0]) + " |", "|" + "---|" * len(cells[0])]
    return lines + ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells[1:]]


def as_markdown(rows: list[Row], title: str, plot: str | None = None) -> str:
    lines = [f"# {title}", "", f"Machine: {machine()}.", "", *_markdown_table(table(rows))]
    grid = _markdown_table(scaling_table(rows))
    if grid:
        lines += ["", f"## {S.FIT} against {E.TORCH_BATCHED}", "", *grid, "", SCALING_LEGEND + "."]
        if plot:
            lines += ["", f"![time per step against N, log-log]({plot})"]
    extra = [LEGEND, *loss_agreement(rows), *against_native(rows), *notes(rows)]
    return "\n".join([*lines, "", *[f"- {line}" for line in extra]]) + "\n"


def write(rows: list[Row], out: Path, title: str) -> tuple[Path, Path]:
    """benchmarks.md and benchmarks.json in ``out`` (and scaling.png when the scaling grid ran)."""
    out.mkdir(parents=True, exist_ok=True)
    md, js = out / "benchmarks.md", out / "benchmarks.json"
    plot = None
    if any(_is_scaling(r) for r in rows):
        from .figure import scaling_plot

        plot = scaling_plot([r for r in rows if _is_scaling(r)], out / "scaling.png").name
    md.write_text(as_markdown(rows, title, plot))
    js.write_text(json.dumps({"machine": machine(), "rows": [asdict(r) for r in rows]}, indent=1))
    return md, js
