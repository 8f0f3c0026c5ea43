"""The scaling grid as a log-log picture: time per full-batch step against N, one colour per width h."""

from __future__ import annotations

from pathlib import Path

from . import engines as E
from . import scaling as S
from .workloads import Row

STYLE = {S.FIT: ("-", "o"), E.TORCH_BATCHED: ("--", "s")}
"""Engine → (line style, marker): ours solid with dots, PyTorch dashed with squares."""


def scaling_plot(rows: list[Row], path: Path) -> Path:
    """Write ``path`` (PNG): ms per step against N on log-log axes, ours and PyTorch for every h."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 5), dpi=110)
    widths = sorted({r.extra["h"] for r in rows if "h" in r.extra})
    colours = plt.get_cmap("viridis")([0.1 + 0.75 * i / max(1, len(widths) - 1) for i in range(len(widths))])
    for h, colour in zip(widths, colours):
        for engine, (line, marker) in STYLE.items():
            mine = [r for r in rows if r.engine == engine and r.extra.get("h") == h and r.value]
            points = sorted((r.extra["n"], r.value) for r in mine)
            if points:
                n, ms = zip(*points)
                ax.plot(n, ms, line, marker=marker, color=colour, label=f"{engine}, h = {h}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("N, samples in the full batch")
    ax.set_ylabel("ms per training step (forward, backward, SGD)")
    ax.set_title("MLP(2, [h, h, 1]) ReLU, hinge loss, moons: time per step")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
