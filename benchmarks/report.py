"""The table: medians with the ratio to micrograd, as text, markdown and JSON."""

from __future__ import annotations

import json
import math
import os
import platform
from dataclasses import asdict
from pathlib import Path

from .engines import MICROGRAD, NUMPY_HAND
from .workloads import Row

HEADER = ("workload", "engine", "median", "vs micrograd", "note")


def _fmt(value: float, unit: str) -> str:
    if unit in ("nodes",):
        return f"{value:,.0f} {unit}"
    digits = 3 if abs(value) < 10 else (1 if abs(value) < 1000 else 0)
    return f"{value:,.{digits}f} {unit}"


def ratios(rows: list[Row]) -> dict[int, str]:
    """Row index → how many times better than micrograd on the same workload (× faster, smaller, deeper)."""
    base = {r.workload: r.value for r in rows if r.engine == MICROGRAD and r.value}
    out = {}
    for i, r in enumerate(rows):
        b = base.get(r.workload)
        if r.engine == MICROGRAD and r.value:
            out[i] = "1×"
        elif b and r.value:
            x = b / r.value if r.better == "lower" else r.value / b
            out[i] = f"{x:,.1f}×" if x < 100 else f"{x:,.0f}×"
        else:
            out[i] = "—"
    return out


def loss_agreement(rows: list[Row]) -> list[str]:
    """Lines with every engine's step-0 loss per workload, and whether they agree to rel 1e-9."""
    lines = []
    for workload in dict.fromkeys(r.workload for r in rows if r.loss0 is not None):
        losses = {r.engine: r.loss0 for r in rows if r.workload == workload and r.loss0 is not None}
        ref = next(iter(losses.values()))
        agree = all(math.isclose(v, ref, rel_tol=1e-9) for v in losses.values())
        shown = ", ".join(f"{e} {v:.15g}" for e, v in losses.items())
        lines.append(f"step-0 loss, {workload}: {shown} — {'agree' if agree else 'DISAGREE'} (rel 1e-9)")
    return lines


def _note(row: Row, hand: dict[str, float]) -> str:
    """The row's note, plus its time over the hand-written numpy step where that is the baseline."""
    base = hand.get(row.workload)
    if base is None or row.value is None or row.engine == NUMPY_HAND:
        return row.note
    return "; ".join(filter(None, [f"{row.value / base:,.1f}× the hand-written numpy time", row.note]))


def table(rows: list[Row]) -> list[tuple[str, ...]]:
    r = ratios(rows)
    hand = {row.workload: row.value for row in rows if row.engine == NUMPY_HAND and row.value}
    return [
        (
            row.workload,
            row.engine,
            _fmt(row.value, row.unit) if row.value is not None else row.status,
            r[i],
            _note(row, hand),
        )
        for i, row in enumerate(rows)
    ]


def as_text(rows: list[Row]) -> str:
    cells = [HEADER, *table(rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADER))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cell, widths)).rstrip() for cell in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([*lines, "", *loss_agreement(rows)])


def machine() -> str:
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (
        f"{platform.machine()} {platform.system()}, {os.cpu_count()} cores{load}, Python {platform.python_version()}; "
        "BLAS and torch on one thread"
    )


def as_markdown(rows: list[Row], title: str) -> str:
    lines = [
        f"# {title}",
        "",
        f"Machine: {machine()}.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in cell) + " |" for cell in table(rows)]
    return "\n".join(lines + [""] + [f"- {line}" for line in loss_agreement(rows)]) + "\n"


def write(rows: list[Row], out: Path, title: str) -> tuple[Path, Path]:
    """benchmarks.md and benchmarks.json in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    md, js = out / "benchmarks.md", out / "benchmarks.json"
    md.write_text(as_markdown(rows, title))
    js.write_text(json.dumps({"machine": machine(), "rows": [asdict(r) for r in rows]}, indent=1))
    return md, js
