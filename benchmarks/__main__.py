"""``python -m benchmarks [--quick] [--out DIR] [--only moons,chain,…]``: run, print, write."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .report import as_text, write
from .workloads import WORKLOADS, Row


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
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: proves everything runs, in seconds")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results", help="where to write")
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(WORKLOADS)}")
    args = parser.parse_args(argv)
    only = [w for w in args.only.split(",") if w]
    unknown = [w for w in only if w not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {unknown}; valid: {', '.join(WORKLOADS)}")
    rows = run(args.quick, only, progress=lambda s: print(s, file=sys.stderr))
    print(as_text(rows))
    md, js = write(rows, args.out, "autograd-core benchmarks" + (" (quick)" if args.quick else ""))
    print(f"\nwritten: {md}, {js}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
