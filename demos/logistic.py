# %% [markdown]
# # Error signals δ in univariate logistic least squares
#
# Seed 001 (CS182 slides), **"An Implementation Perspective"** and **"Univariate Chain Rule"**.
#
# Computing the loss:                 Computing the derivatives:
#
#     s = wx + b                          δ_y = y − t
#     y = σ(s)                            δ_s = δ_y σ′(s)
#     L = ½(y − t)²                       δ_w = δ_s x
#                                         δ_b = δ_s
#
# The slide's shorthand δ_v := dL/dv is the *error signal*, "a value computed by the program".
# In the engine it is exactly the ``grad`` field that ``L.backward()`` fills in. Below, the δs
# are computed twice, by the slide's hand formulas and by the engine, side by side.
# %%
"""Logistic least squares (seed 001): the error signals δ_y, δ_s, δ_w, δ_b by hand and by the engine.

Prints both side by side for a few (w, b, x, t), checks they agree to 1e-12 and draws the graph.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from autograd_core import Value
from demos import _common

# %% [markdown]
# ## The slide's two columns, as code
# Left: FORWARD() with the engine, so every node remembers how it was made. Right: the slide's
# derivatives with plain floats, using σ′(s) = σ(s)(1 − σ(s)).

# %%
SIGNALS = ("y", "s", "w", "b")


def forward(w: float, b: float, x: float, t: float) -> dict[str, Value]:
    """s = wx + b, y = σ(s), L = ½(y − t)², as engine nodes by name."""
    v = {"w": Value(w, "w"), "b": Value(b, "b"), "x": Value(x, "x"), "t": Value(t, "t")}
    v["s"] = v["w"] * v["x"] + v["b"]
    v["y"] = v["s"].sigmoid()
    v["L"] = 0.5 * (v["y"] - v["t"]) ** 2
    for name in ("s", "y", "L"):
        v[name].label = name
    return v


def by_hand(w: float, b: float, x: float, t: float) -> dict[str, float]:
    """The slide's δ_y = y − t, δ_s = δ_y σ′(s), δ_w = δ_s x, δ_b = δ_s."""
    s = w * x + b
    y = 1.0 / (1.0 + math.exp(-s))
    delta_y = y - t
    delta_s = delta_y * y * (1.0 - y)
    return {"y": delta_y, "s": delta_s, "w": delta_s * x, "b": delta_s}


def by_engine(w: float, b: float, x: float, t: float) -> dict[str, float]:
    """The same δs as the ``grad`` fields after ``L.backward()``."""
    v = forward(w, b, x, t)
    v["L"].backward()
    return {name: v[name].grad for name in SIGNALS}


# %% [markdown]
# ## A few points
# Drawn from a seeded generator: weights and inputs in [−2, 2]; the targets take turns,
# t = 0, 1, 0, …, so both classes appear (δ_y = y − t changes sign with t).


# %%
def samples(count: int = 3, seed: int = 1) -> list[tuple[float, float, float, float]]:
    """``count`` points (w, b, x, t), reproducible, with t = 0, 1, 0, … in turn."""
    rng = random.Random(seed)
    return [(rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-2, 2), float(i % 2)) for i in range(count)]


def error_signals(count: int = 3) -> list[dict[str, tuple[float, float]]]:
    """The checked numbers: per point, δ name → (by hand, by engine)."""
    rows = []
    for point in samples(count):
        hand, engine = by_hand(*point), by_engine(*point)
        rows.append({name: (hand[name], engine[name]) for name in SIGNALS})
    return rows


# %%
FORMULA = {"y": "y − t", "s": "δ_y σ′(s)", "w": "δ_s x", "b": "δ_s"}


def main(argv: Sequence[str] | None = None) -> int:
    """Print the δ table, draw the first point's graph, check hand = engine to 1e-12."""
    import viz

    args = _common.parse_args(__doc__, "logistic", argv)
    print("demos.logistic: seed 001, 'Univariate logistic least squares': s = wx + b, y = σ(s), L = ½(y − t)²")
    rows, hand_all, engine_all = [], [], []
    for point, signals in zip(samples(), error_signals()):
        w, b, x, t = point
        for name, (hand, engine) in signals.items():
            where = f"w={w:.3f} b={b:.3f} x={x:.3f} t={t:g}" if name == SIGNALS[0] else ""
            rows.append((where, f"δ_{name} = {FORMULA[name]}", hand, engine))
            hand_all.append(hand)
            engine_all.append(engine)
    print(_common.table(["point", "error signal", "by hand", "by engine (grad)"], rows))
    first = forward(*samples()[0])
    first["L"].backward()
    _common.show(args, viz.draw_graph(first["L"]), "logistic_graph.svg")
    checks = _common.Checks("logistic")
    checks.close("δ_y, δ_s, δ_w, δ_b by hand equal the engine's grads", engine_all, hand_all, 1e-12)
    return checks.exit_code()


if __name__ == "__main__":
    _common.run(main)
