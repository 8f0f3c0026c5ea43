"""Training plots with matplotlib's Agg canvas (headless): loss curves, decision boundaries, activations.

matplotlib is imported when a plot is drawn, so ``import viz`` stays quick and graphs need only
graphviz.  Each function writes PNG or SVG by the file's extension at a fixed size in pixels, or
without a path returns a ``Plot``, which shows itself in a notebook.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from autograd_core import OPS, Value, apply

from .display import Plot

DPI = 100
ACTIVATIONS = ("relu", "tanh", "sigmoid", "step", "sign", "abs")
"""The lecture's activations (seed 000) and abs, each drawn with its derivative from the op table."""

# Colour-blind-safe: blue and orange for two classes (as in the graphs), Okabe–Ito for more.
BLUE, ORANGE = "#2166ac", "#e08214"
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def _figure(width: float, height: float):
    try:
        from matplotlib.figure import Figure  # a bare Figure draws with Agg: no pyplot, no global state
    except ImportError as error:
        from autograd_core.extras import missing

        raise missing("viz's plots", "matplotlib", "viz") from error

    return Figure(figsize=(width, height), dpi=DPI)


def _save(fig, path: str | os.PathLike | None) -> Path | Plot:
    plot = Plot(fig, dpi=DPI)
    return plot if path is None else plot.save(path)


def plot_history(history: Mapping[str, Sequence[float | None]], path: str | os.PathLike | None = None) -> Path | Plot:
    """Loss (and accuracy, if recorded) per epoch, as returned by ``nn.fit``; 800×350 px.

    With "val_loss" (``fit(..., validation=…)``) the validation curves are drawn beside the
    training ones (orange, dashed), and the best epoch (lowest validation loss, the one
    ``early_stopping`` puts back) is marked with a dotted line.
    """
    loss = history.get("loss")
    if not loss:
        raise ValueError("plot_history needs history['loss'], a non-empty list of per-epoch losses (from nn.fit)")
    accuracy = [a for a in (history.get("accuracy") or []) if a is not None]
    fig = _figure(8, 3.5)
    panels = fig.subplots(1, 2 if accuracy else 1, squeeze=False)[0]
    best = best_epoch(history)
    losses = list(loss) + [v for v in history.get("val_loss") or [] if v is not None]
    history_curves(panels[0], history, "loss", best)
    panels[0].set(xlabel="epoch", ylabel="loss", title="loss")
    if min(losses) > 0 and max(losses) / min(losses) > 100:
        panels[0].set_yscale("log")
    if accuracy:
        history_curves(panels[1], history, "accuracy", best)
        panels[1].set(xlabel="epoch", ylabel="accuracy", title="accuracy", ylim=(0, 1.02))
    for ax in panels:
        ax.grid(alpha=0.3)
        if best is not None or history.get("val_loss"):
            ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return _save(fig, path)


def best_epoch(history: Mapping[str, Sequence[float | None]]) -> int | None:
    """The epoch (from 1) of the lowest "val_loss", the first if several tie; None without validation."""
    val = [(v, k) for k, v in enumerate(history.get("val_loss") or [], start=1) if v is not None and v == v]
    return min(val)[1] if val else None


def history_curves(ax, history: Mapping[str, Sequence[float | None]], key: str, best: int | None) -> None:
    """Draw history[key] (training) and history["val_" + key] (validation) against the epoch on the matplotlib
    axes ``ax``, and the ``best`` epoch as a dotted line (for figures of several panels, e.g. a lesson's)."""
    validation = history.get(f"val_{key}")
    for values, colour, style, name in ((history.get(key), BLUE, "-", "training"),
                                        (validation, ORANGE, "--", "validation")):  # fmt: skip
        points = [(k, v) for k, v in enumerate(values or [], start=1) if v is not None]
        if points:
            ax.plot(*zip(*points), style, color=colour, label=name if validation else None)
    if best is not None:
        value = history["val_loss"][best - 1]
        ax.axvline(
            best,
            color="#555555",
            linestyle=":",
            linewidth=1.2,
            label=f"best epoch {best} (validation loss {value:.3g})" if key == "loss" else f"best epoch {best}",
        )


def scores(model: Callable, point: Sequence[float]) -> list[float]:
    """The model's output at one 2-D point as a list of floats (one per output)."""
    out = model(list(point))
    outs = out if isinstance(out, (list, tuple)) else [out]
    if not outs or not all(isinstance(o, (Value, int, float)) for o in outs):
        raise TypeError(f"the model must return a Value or a list of Values for one input, got {type(out).__name__}")
    return [float(o.data if isinstance(o, Value) else o) for o in outs]


def plot_decision_boundary(
    model: Callable,
    X: Sequence[Sequence[float]],
    y: Sequence[float],
    path: str | os.PathLike | None = None,
    resolution: int = 60,
    threshold: float = 0.0,
    title: str | None = None,
) -> Path | Plot:
    """The regions a 2-D classifier assigns to each class, with the data on top; 600×500 px.

    One output: class = (score > ``threshold``); 0 suits margins (±1 labels) and logits (0/1
    labels); pass 0.5 for a probability.  Several outputs: class = argmax.  ``title`` replaces
    the default title (which says the rule).
    """
    if len(X) != len(y) or not len(X):
        raise ValueError(f"X and y must be non-empty and the same length, got {len(X)} and {len(y)}")
    if any(len(x) != 2 for x in X):
        raise ValueError("plot_decision_boundary draws 2-D inputs: every row of X must have 2 numbers")
    classes = sorted(set(y))
    xs, ys = [float(x[0]) for x in X], [float(x[1]) for x in X]
    pad_x, pad_y = 0.1 * (max(xs) - min(xs) or 1.0), 0.1 * (max(ys) - min(ys) or 1.0)
    gx = [min(xs) - pad_x + (max(xs) - min(xs) + 2 * pad_x) * i / (resolution - 1) for i in range(resolution)]
    gy = [min(ys) - pad_y + (max(ys) - min(ys) + 2 * pad_y) * j / (resolution - 1) for j in range(resolution)]
    grid = [[scores(model, (a, b)) for a in gx] for b in gy]

    fig = _figure(6, 5)
    from matplotlib.colors import ListedColormap

    ax = fig.subplots()
    if len(grid[0][0]) == 1:
        z = [[row[0] - threshold for row in line] for line in grid]
        top = max(abs(s) for line in z for s in line) or 1.0
        ax.contourf(gx, gy, z, levels=20, cmap="PuOr_r", vmin=-top, vmax=top, alpha=0.6)
        ax.contour(gx, gy, z, levels=[0.0], colors="black", linewidths=1.5)
        colours = dict(zip(classes, (BLUE, ORANGE))) if len(classes) <= 2 else None
        if colours is None:
            raise ValueError(f"a model with one output separates 2 classes, but y has {len(classes)}: {classes}")
        rule = f"decision boundary: score = {threshold:g}"
    else:
        k = len(grid[0][0])
        z = [[max(range(k), key=row.__getitem__) for row in line] for line in grid]
        cmap = ListedColormap(OKABE_ITO[: max(k, 2)])
        ax.contourf(gx, gy, z, levels=[c - 0.5 for c in range(k + 1)], cmap=cmap, alpha=0.35)
        colours = {c: OKABE_ITO[int(c) % len(OKABE_ITO)] for c in classes}
        rule = f"decision regions: argmax of {k} outputs"
    for c in classes:
        ax.scatter(
            [a for a, t in zip(xs, y) if t == c],
            [b for b, t in zip(ys, y) if t == c],
            s=22,
            color=colours[c],
            edgecolors="black",
            linewidths=0.6,
            label=f"y = {c:g}",
        )
    ax.set(xlabel="x₁", ylabel="x₂", title=title if title is not None else rule)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return _save(fig, path)


def derivative(name: str, x: float) -> tuple[float, float]:
    """(v, ∂v/∂x) of the op ``name`` at x, by the engine's BACKWARD() (so from the op table's rule)."""
    leaf = Value(x)
    v = apply(name, leaf)
    v.backward()
    return v.data, leaf.grad


def plot_activations(path: str | os.PathLike | None = None, names: Sequence[str] = ACTIVATIONS) -> Path | Plot:
    """Each activation v = f(x) and its derivative ∂v/∂x on [−4, 4], with kink conventions; 1000×600 px."""
    for name in names:
        if name not in OPS or OPS[name].arity != 1 or OPS[name].has_const:
            raise ValueError(f"{name!r} is not a unary op of the table without a constant")
    cols = 3
    rows = math.ceil(len(names) / cols)
    fig = _figure(10, 3 * rows)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    xs = [-4 + 8 * i / 400 for i in range(401)]
    for ax, name in zip(axes, names):
        op = OPS[name]
        kinks = set(op.kinks)
        # Jumps are drawn as breaks (nan), not as steep lines; kinks get markers with the convention.
        line_x, values, slopes = [], [], []
        for x in xs:
            if x in kinks:
                continue
            if line_x and any(line_x[-1] < k < x for k in kinks):
                line_x.append(math.nan), values.append(math.nan), slopes.append(math.nan)
            v, d = derivative(name, x)
            line_x.append(x), values.append(v), slopes.append(d)
        ax.plot(line_x, values, color=BLUE, label="v = f(x)")
        ax.plot(line_x, slopes, color=ORANGE, linestyle="--", label="∂v/∂x")
        for kink in kinks:
            v, d = derivative(name, kink)
            ax.plot([kink], [v], "o", color=BLUE, markersize=4)
            ax.plot([kink], [d], "o", color=ORANGE, markersize=4)
        note = f"\n{op.kink_note.split(';')[0]} (dots)" if op.kink_note else ""
        ax.set_title(f"{op.symbol}: {op.formula}{note}", fontsize=9)
        ax.axhline(0, color="#999999", linewidth=0.5)
        ax.axvline(0, color="#999999", linewidth=0.5)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=7)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    fig.tight_layout()
    return _save(fig, path)
