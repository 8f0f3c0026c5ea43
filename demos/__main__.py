"""The tour: every demo in lesson order, its tables printed, its pictures written to out/ (or --out).

From one neuron's seven partials (seed 000) to a trained network on two moons, each demo checks
itself; the tour ends with the list of files written and exits non-zero if any check failed.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from demos import _common

TOUR = (
    "neuron", "logistic", "modes", "gradcheck", "chainrule", "activations", "numpy_net", "xor", "encoder", "moons",
    "optimizers", "generalization",
)  # fmt: skip
"""The demos in the order a lesson on backprop would take them."""


GALLERY = ("neuron_graph.svg", "moons_network.svg", "xor_graph.svg", "moons_boundary.png")
"""The README's pictures, as the tour writes them; ``--gallery`` copies them into ``GALLERY_DIR``."""
GALLERY_DIR = Path(__file__).parent / "gallery"


def main(argv: Sequence[str] | None = None) -> int:
    """Run every demo of ``TOUR`` with the same ``--out``; list the files written; 1 if any check failed."""
    parser = argparse.ArgumentParser(prog="python -m demos", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the pictures (default: out/)")
    parser.add_argument("--only", nargs="+", choices=TOUR, metavar="DEMO", help=f"run only these: {', '.join(TOUR)}")
    parser.add_argument("--gallery", action="store_true", help=f"then copy the README's pictures into {GALLERY_DIR}")
    args = parser.parse_args(argv)
    _common.make_folder(parser, args.out)
    start = time.perf_counter()
    failed = []
    for name in args.only or TOUR:
        print(f"\n{'═' * 100}\n{name}\n{'═' * 100}", flush=True)
        try:
            code = importlib.import_module(f"demos.{name}").main(["--out", str(args.out)])
        except Exception:  # one broken demo should not hide the others' results
            traceback.print_exc()
            code = 1
        if code:
            failed.append(name)
    print(f"\n{'═' * 100}\nfiles written:")
    for path in dict.fromkeys(_common.WRITTEN):
        size = path.stat().st_size if path.exists() else 0
        print(f"  {path}  ({size:,} bytes)" if size else f"  {path}  MISSING OR EMPTY")
        if not size:
            failed.append(str(path))
    elapsed = time.perf_counter() - start
    if failed:
        print(f"the tour took {elapsed:.1f} s; FAILED: {', '.join(failed)}")
        return 1
    print(f"the tour took {elapsed:.1f} s; every demo's checks passed")
    if args.gallery:
        for name in GALLERY:
            print(f"  gallery: {shutil.copyfile(args.out / name, GALLERY_DIR / name)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
