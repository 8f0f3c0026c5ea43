# %% [markdown]
# # Generalization: underfitting, overfitting and early stopping
#
# Seed 001 (CS182 slides), **"More on Backpropagation"**: backprop "minimizes error over
# *training* examples. Will it generalize well to subsequent examples?", followed by the slides
# **"Overfitting in NN"** and **"Underfitting in NN"**. And from "Learning with Regularization":
# the data loss says "model predictions should match training data", but the model should be
# "simple", "so it works on test data".
#
# To see it we hold out half of the data: ``train_test_split`` keeps 150 noisy moons for training
# and 150 for validation, the same split for every model. ``fit(..., validation=(X_val, y_val))``
# measures the loss on the held-out half after every epoch, without training on it. Three
# models, the same loss (binary cross-entropy on the score s, labels y ∈ {0, 1}) and optimizer
# (Adam):
#
# * **too small**: one neuron, s = w₁x₁ + w₂x₂ + b, a straight line: it cannot bend around the
#   moons, so it *underfits*: the training loss and the validation loss both stay high;
# * **about right**: one hidden layer of 8 tanh units;
# * **too large, trained long**: two hidden layers of 32 ReLU units, 1,185 weights for 150
#   samples, 400 epochs: it *overfits*: the training loss keeps falling, the validation loss
#   turns and rises: it learns the noise of these 150 points, not the moons.
#
# Then the large one again with ``early_stopping=30``: training stops 30 epochs after the lowest
# validation loss, and the weights of that epoch are put back.
# %%
"""Generalization (seed 001, 'Overfitting in NN' / 'Underfitting in NN'): too small, about right, too large.

One train/validation split of noisy moons; training and validation loss curves and decision boundaries
side by side; early stopping on the large model; every printed number checked.
"""

from __future__ import annotations

from collections.abc import Sequence

from demos import _common

PATIENCE = 30
MODELS = {
    "too small: one neuron": {"sizes": [1], "activation": "tanh", "epochs": 300, "lr": 0.05},
    "about right: 8 tanh": {"sizes": [8, 1], "activation": "tanh", "epochs": 300, "lr": 0.02},
    "too large: 32-32 ReLU": {"sizes": [32, 32, 1], "activation": "relu", "epochs": 400, "lr": 0.02},
}
"""Each model's hidden and output layer sizes, activation, epochs of full-batch Adam and learning rate."""
EARLY = f"too large + early stopping ({PATIENCE})"


# %% [markdown]
# ## One split for every model


# %%
def split() -> tuple:
    """(X_train, X_val, y_train, y_val): 300 moons with noise 0.25, half held out (seeded)."""
    from nn import data

    X, y = data.moons(300, noise=0.25, seed=0, labels=(0, 1))
    return data.train_test_split(X, y, test_fraction=0.5, seed=0)


# %% [markdown]
# ## Train the three, and the large one with early stopping
# ``history["val_loss"][k]`` is the validation loss after epoch k + 1's update; the "best epoch"
# is the one with the lowest validation loss.


# %%
def train(compiled: bool = True) -> dict[str, dict[str, object]]:
    """For each model (and the early-stopped large one): the model, its history and its final losses."""
    from nn import MLP, Adam, evaluate, fit

    X_tr, X_val, y_tr, y_val = split()
    runs = {}
    for name, spec in [*MODELS.items(), (EARLY, {**MODELS["too large: 32-32 ReLU"], "early_stopping": PATIENCE})]:
        model = MLP(2, spec["sizes"], activation=spec["activation"], output_activation="linear", seed=1)
        history = fit(
            model,
            X_tr,
            y_tr,
            loss="bce",
            optimizer=Adam(model.parameters(), lr=spec["lr"]),
            epochs=spec["epochs"],
            progress=False,
            compiled=compiled,
            validation=(X_val, y_val),
            early_stopping=spec.get("early_stopping"),
        )
        runs[name] = {
            "model": model,
            "history": history,
            "weights": len(model.parameters()),
            "train": evaluate(model, X_tr, y_tr, "bce"),
            "val": evaluate(model, X_val, y_val, "bce"),
        }
    return runs


# %% [markdown]
# ## Pictures: curves above, decision boundaries below
# Each boundary is the line s = 0 of the trained model (for the early-stopped one, of the weights
# put back). Training points are filled, validation points hollow: the large model bends its
# boundary around single training points, and the validation points do not follow.


# %%
def draw(runs: dict[str, dict[str, object]]):
    """A 2 × 4 figure: each run's loss curves (training, validation, best epoch) over its decision boundary."""
    from matplotlib.figure import Figure  # a bare Figure draws with Agg: no pyplot, the kernel's backend untouched

    from viz.plots import best_epoch, history_curves

    X_tr, X_val, y_tr, y_val = split()
    fig = Figure(figsize=(16, 8), dpi=100)
    axes = fig.subplots(2, len(runs))
    top = max(max(r["history"]["val_loss"]) for r in runs.values())
    for (curves, boundary), (name, run) in zip(axes.T, runs.items()):
        history = run["history"]
        history_curves(curves, history, "loss", best_epoch(history))
        curves.set(
            xlabel="epoch",
            ylabel="loss (binary cross-entropy)",
            ylim=(0, min(top, 1.5) * 1.05),
            title=f"{name}\n{run['weights']} weights, {len(history['loss'])} epochs",
        )
        curves.grid(alpha=0.3)
        curves.legend(fontsize=8, loc="best")
        _boundary(boundary, run["model"], X_tr, y_tr, X_val, y_val)
        boundary.set_title(
            f"training loss {run['train']['loss']:.3f}, accuracy {run['train']['accuracy']:.0%}\n"
            f"validation loss {run['val']['loss']:.3f}, accuracy {run['val']['accuracy']:.0%}",
            fontsize=10,
        )
    fig.tight_layout()
    return fig


def _boundary(ax, model, X_tr, y_tr, X_val, y_val, resolution: int = 120) -> None:
    """The regions s > 0 and s < 0 of ``model`` and its boundary s = 0, training points filled, validation hollow."""
    from autograd_core import compile
    from viz.plots import BLUE, ORANGE

    xs = [-1.6 + 4.2 * i / (resolution - 1) for i in range(resolution)]
    ys = [-1.2 + 2.9 * j / (resolution - 1) for j in range(resolution)]
    grid = [[a, b] for b in ys for a in xs]
    tape = compile(lambda x: model(x), params=model.parameters(), batched=(0,))  # the grid in one numpy pass
    s = tape(grid).tolist()
    z = [s[j * resolution : (j + 1) * resolution] for j in range(resolution)]
    clipped = [[min(max(v, -4.0), 4.0) for v in row] for row in z]  # |s| > 4: σ(s) within 2% of 0 or 1
    ax.contourf(xs, ys, clipped, levels=16, cmap="PuOr_r", vmin=-4, vmax=4, alpha=0.3)
    ax.contour(xs, ys, z, levels=[0.0], colors="black", linewidths=1.4)
    for X, y, filled, what in ((X_tr, y_tr, True, "training"), (X_val, y_val, False, "validation")):
        for label, colour in ((0, BLUE), (1, ORANGE)):
            points = [x for x, t in zip(X, y) if t == label]
            ax.scatter(
                [p[0] for p in points],
                [p[1] for p in points],
                s=16,
                linewidths=0.9,
                color=colour if filled else "none",
                edgecolors="black" if filled else colour,
                label=f"{what}, y = {label}",
            )
    ax.set(xlim=(xs[0], xs[-1]), ylim=(ys[0], ys[-1]), xlabel="x₁", ylabel="x₂")
    ax.legend(fontsize=7, loc="lower left", ncol=2)


# %% [markdown]
# ## Run, print, check


# %%
def main(argv: Sequence[str] | None = None) -> int:
    """Train the four runs, print their losses, draw curves and boundaries, check the lesson's claims."""
    from demos.moons import compiled_available

    args = _common.parse_args(__doc__, "generalization", argv)
    compiled = compiled_available()
    X_tr, X_val, *_ = split()
    print(
        f"demos.generalization: seed 001, 'Overfitting in NN' / 'Underfitting in NN'; moons, noise 0.25, "
        f"{len(X_tr)} training and {len(X_val)} validation samples; BCE, full-batch Adam"
        f" ({'compiled' if compiled else 'interpreted: about a minute'})"
    )
    runs = train(compiled=compiled)
    rows = []
    for name, r in runs.items():
        h = r["history"]
        best = h["val_loss"].index(min(h["val_loss"]))
        rows.append(
            (
                name,
                r["weights"],
                len(h["loss"]),
                r["train"]["loss"],
                r["val"]["loss"],
                f"{r['train']['accuracy']:.0%}",
                f"{r['val']['accuracy']:.0%}",
                best + 1,
                h["val_loss"][best],
            )
        )
    print(
        _common.table(
            [
                "model",
                "weights",
                "epochs",
                "train loss",
                "val loss",
                "train acc",
                "val acc",
                "best epoch",
                "best val loss",
            ],
            rows,
        )
    )
    _common.show(args, draw(runs), "generalization.png")
    checks = _common.Checks("generalization")
    _check(checks, runs)
    return checks.exit_code()


def _check(checks: _common.Checks, runs: dict[str, dict[str, object]]) -> None:
    """The lesson's claims about the printed numbers."""
    small, right, large = (runs[name] for name in MODELS)
    early = runs[EARLY]
    loss = lambda run, part: run[part]["loss"]
    checks.that(
        "the printed final losses are fit's last validation losses (evaluate = history, 1e-10)",
        all(_common.agree(loss(r, "val"), r["history"]["val_loss"][-1], 1e-10) for r in (small, right, large)),
    )
    checks.that(
        "too small underfits: its training loss is over 2× the right model's, its validation loss over 1.5×",
        loss(small, "train") > 2 * loss(right, "train") and loss(small, "val") > 1.5 * loss(right, "val"),
        f"train {loss(small, 'train'):.3f} vs {loss(right, 'train'):.3f}, "
        f"val {loss(small, 'val'):.3f} vs {loss(right, 'val'):.3f}",
    )
    checks.that(
        "about right has the lowest validation loss of the three, within 0.15 of its training loss",
        loss(right, "val") < min(loss(small, "val"), loss(large, "val"))
        and loss(right, "val") - loss(right, "train") < 0.15,
        f"val {loss(right, 'val'):.3f}, train {loss(right, 'train'):.3f}",
    )
    val = large["history"]["val_loss"]
    checks.that(
        "too large overfits: training loss under 0.05 while the validation loss ends over 3× its lowest",
        loss(large, "train") < 0.05 and val[-1] > 3 * min(val),
        f"train {loss(large, 'train'):.3f}; val lowest {min(val):.3f} at epoch {val.index(min(val)) + 1}, "
        f"last {val[-1]:.3f}",
    )
    stopped = early["history"]["val_loss"]
    best = stopped.index(min(stopped))
    checks.that(
        f"early stopping stopped {PATIENCE} epochs after the best epoch, and the same best as the long run",
        len(stopped) == best + 1 + PATIENCE and stopped == val[: len(stopped)],
        f"best epoch {best + 1}, stopped after epoch {len(stopped)}",
    )
    checks.that(
        "early stopping put back the best epoch's weights: their validation loss is the lowest recorded",
        _common.agree(loss(early, "val"), min(stopped), 1e-10) and loss(early, "val") < loss(large, "val") / 3,
        f"{loss(early, 'val'):.3f} against {loss(large, 'val'):.3f} without early stopping",
    )


if __name__ == "__main__":
    _common.run(main)
