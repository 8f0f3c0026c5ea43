"""``python -m benchmarks [--quick] [--out DIR] [--only moons,chain,…]``: run, print, write."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import workloads
from .report import as_text, step0_losses, write
from .scaling import scaling
from .workloads import Row

WORKLOADS = {**workloads.WORKLOADS, "scaling": scaling}
"""Every workload by name, in the order of the table (the scaling grid has a table and a plot of its own)."""

RESULTS = Path(__file__).parent / "results"
DESCRIPTION = (
    "Run every workload on every installed engine (autograd-core, micrograd, PyTorch, HIPS autograd), "
    "print one table of medians with the ratio to micrograd, and write it as markdown and JSON. "
    "Exits 1 if the engines' step-0 losses disagree."
)


def run(quick: bool, only: list[str] | None = None, progress=print) -> list[Row]:
    """Every workload (or those in ``only``) on every engine; one row each."""
    rows: list[Row] = []
    for name, workload in WORKLOADS.items():
        if only and name not in only:
            continue
        t = time.perf_counter()
        rows += workload(quick)
        progress(f"[{name}: {time.perf_counter() - t:.1f} s]")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=DESCRIPTION)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: proves everything runs, in seconds")
    parser.add_argument(
        "--out",
        type=Path,
        help=f"where to write (default: {RESULTS}, or its quick/ folder for --quick and --only runs, "
        "so that they never overwrite the full run's table)",
    )
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(WORKLOADS)}")
    args = parser.parse_args(argv)
    only = [w for w in args.only.split(",") if w]
    unknown = [w for w in only if w not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {unknown}; valid: {', '.join(WORKLOADS)}")
    out = args.out or (RESULTS / "quick" if args.quick or only else RESULTS)
    rows = run(args.quick, only, progress=lambda s: print(s, file=sys.stderr))
    print(as_text(rows))
    md, js = write(rows, out, "autograd-core benchmarks" + (" (quick)" if args.quick else ""))
    print(f"\nwritten: {md}, {js}")
    disagree = [workload for workload, (_, agree) in step0_losses(rows).items() if not agree]
    if disagree:
        print(f"step-0 losses DISAGREE on {disagree}: the engines do not compute the same thing", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
