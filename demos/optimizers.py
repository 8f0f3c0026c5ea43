# %% [markdown]
# # Optimizers: momentum and adaptive learning rates
#
# Seed 001 (CS182 slides), **"More on Backpropagation"**: "Often include weight *momentum* α",
# Δw_ij(n) = η δ_j x_ij + α Δw_ij(n − 1); and **"Picking α - Adaptive Learning Rates"**:
# "Optimization methods that are used in practice compute more optimal learning rates for better
# performance. Typically, we use larger learning rates at the beginning (to take bigger steps
# towards a local minima) and start to slow down as we get closer to the desired value (once
# again, to not oscillate too much). E.g. ADAM, RMSProp, Adagrad".
#
# We run the five optimizers of ``nn`` on the same function from the same start, draw where they
# go, check their first two steps against the update formulas by hand, and then train the same
# network on two moons with each of them.
#
# Notation: g = ∇f(w) the gradient at the current weights, η the learning rate (the slides'
# η_t), α the momentum (the slides' α; ``momentum=`` in ``nn``), ε a small number that keeps a
# division finite, squares and roots taken weight by weight.
# %%
"""Optimizers (seed 001, 'momentum' and 'adaptive learning rates'): SGD, momentum, Adagrad, RMSprop, Adam.

On the Rosenbrock valley from one start: trajectories over its contours, the first two steps checked
against the update formulas by hand, and each weight's adaptive rate; then their loss curves on moons.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from demos import _common

START = (-1.5, 2.0)
"""w₀ = (x, y), the same start for every optimizer: on the far side of the valley from the minimum."""
STEPS = 1000
SETTINGS = {
    "SGD": ("SGD", {"lr": 1e-3}),
    "SGD + momentum": ("SGD", {"lr": 1e-3, "momentum": 0.9}),
    "Adagrad": ("Adagrad", {"lr": 0.5}),
    "RMSprop": ("RMSprop", {"lr": 0.01}),
    "Adam": ("Adam", {"lr": 0.1}),
}
"""Each optimizer's class in ``nn`` and its settings on the valley (η chosen so that it does not diverge)."""
RULES = {
    "SGD": "w ← w − η g",
    "SGD + momentum": "Δw(n) = −η g + α Δw(n − 1),  w ← w + Δw(n)",
    "Adagrad": "G ← G + g²,  w ← w − η g/(√G + ε)",
    "RMSprop": "s ← ρ s + (1 − ρ) g²,  w ← w − η g/(√s + ε)",
    "Adam": "m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,  w ← w − η m̂/(√v̂ + ε)",
}
"""The update rules, as the lesson prints them."""


# %% [markdown]
# ## The valley
# Rosenbrock's function f(x, y) = (1 − x)² + 100 (y − x²)² has its minimum f = 0 at (1, 1), at
# the end of a long, narrow, curved valley along y = x². Across the valley f is steep (∂²f/∂y² =
# 200), along its floor it is nearly flat: a single learning rate η small enough not to bounce
# across the valley crawls along it. We write f with the engine's ops, so ``backward()`` gives g.


# %%
def rosenbrock(x, y):
    """f(x, y) = (1 − x)² + 100 (y − x²)², for Values (engine ops) or floats."""
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def rosenbrock_gradient(x: float, y: float) -> tuple[float, float]:
    """g = (∂f/∂x, ∂f/∂y) = (−2(1 − x) − 400 x (y − x²), 200 (y − x²)), worked out by hand."""
    return -2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)


def make_optimizer(name: str, params: list) -> object:
    """The ``nn`` optimizer called ``name`` in SETTINGS, over ``params``."""
    import nn

    cls, kwargs = SETTINGS[name]
    return getattr(nn, cls)(params, **kwargs)


def descend(name: str, steps: int = STEPS) -> dict[str, object]:
    """Minimise f from START with optimizer ``name``: the path w₀ … w_steps, f along it, and the optimizer."""
    from autograd_core import Value

    x, y = Value(START[0], label="x"), Value(START[1], label="y")
    optimizer = make_optimizer(name, [x, y])
    path, values = [START], [rosenbrock(*START)]
    for _ in range(steps):
        optimizer.zero_grad()
        rosenbrock(x, y).backward()
        optimizer.step()
        path.append((x.data, y.data))
        values.append(rosenbrock(x.data, y.data))
    return {"path": path, "f": values, "optimizer": optimizer}


# %% [markdown]
# ## The five update rules, two steps by hand
# From w₀ = (−1.5, 2) the gradient is g = (−155, −50). Each rule below is applied twice with the
# gradient worked out by hand (no engine, no ``nn``); ``nn``'s optimizers must land on the same
# two points. Momentum is written in the seed's form Δw(n) = −η g + α Δw(n − 1); ``nn.SGD`` uses
# PyTorch's v ← αv + g, w ← w − η v, the same numbers while η is constant.


# %%
def by_hand(name: str, steps: int = 2) -> list[tuple[float, float]]:
    """w₁, w₂, … from START by the update rule of ``name`` written out, with the hand-derived gradient."""
    _, settings = SETTINGS[name]
    eta, alpha = settings["lr"], settings.get("momentum", 0.0)
    rho, b1, b2 = 0.99, 0.9, 0.999  # RMSprop's ρ (``alpha=`` in nn and torch) and Adam's β₁, β₂: the defaults
    w = list(START)
    memory = [[0.0, 0.0], [0.0, 0.0]]  # Δw(n − 1) | G | s | (m, v), per coordinate
    points = []
    for t in range(1, steps + 1):
        g = rosenbrock_gradient(*w)
        for i in range(2):
            if name == "SGD":
                step = -eta * g[i]
            elif name == "SGD + momentum":
                step = memory[0][i] = -eta * g[i] + alpha * memory[0][i]
            elif name == "Adagrad":
                memory[0][i] += g[i] ** 2
                step = -eta * g[i] / (math.sqrt(memory[0][i]) + 1e-10)
            elif name == "RMSprop":
                memory[0][i] = rho * memory[0][i] + (1 - rho) * g[i] ** 2
                step = -eta * g[i] / (math.sqrt(memory[0][i]) + 1e-8)
            else:  # Adam, with the bias corrections m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)
                memory[0][i] = b1 * memory[0][i] + (1 - b1) * g[i]
                memory[1][i] = b2 * memory[1][i] + (1 - b2) * g[i] ** 2
                m_hat, v_hat = memory[0][i] / (1 - b1**t), memory[1][i] / (1 - b2**t)
                step = -eta * m_hat / (math.sqrt(v_hat) + 1e-8)
            w[i] += step
        points.append((w[0], w[1]))
    return points


# %% [markdown]
# ## What "adaptive" means
# SGD's step is η g: on the valley's wall g is large and so is the step, on its floor g is tiny
# and so is the step. An adaptive method divides each weight's step by the root of that weight's
# own squared gradients so far: Adagrad by √G (their sum), RMSprop by √s (a running average),
# Adam by √v̂. Adagrad's and Adam's first step is then η g/|g| = ±η in every coordinate, whatever
# the size of g (RMSprop's is ±η/√(1 − ρ) = ±10η, its average s starting from 0): each weight
# gets its *own* rate η/(√G + ε), small where gradients have been large, large where they have
# been small. Adagrad's G only grows, so its rates only fall: "larger learning rates at
# the beginning ... slow down as we get closer". RMSprop's average forgets, so its rates can rise
# again on the flat valley floor.

# %%
RATE_STEPS = (1, 10, 100, STEPS)


def adaptive_rates(name: str, steps: Sequence[int] = RATE_STEPS) -> list[tuple[int, float, float]]:
    """(k, η/(√·+ε) for x, for y) after k steps: the per-weight rate of Adagrad (√G) or RMSprop (√s)."""
    from autograd_core import Value

    x, y = Value(START[0]), Value(START[1])
    optimizer = make_optimizer(name, [x, y])
    memory = optimizer.sum_squares if name == "Adagrad" else optimizer.square_avg
    rows = []
    for k in range(1, max(steps) + 1):
        optimizer.zero_grad()
        rosenbrock(x, y).backward()
        optimizer.step()
        if k in steps:
            rows.append((k, *(optimizer.lr / (math.sqrt(m) + optimizer.eps) for m in memory)))
    return rows


# %% [markdown]
# ## The same network on two moons
# micrograd's moons model (MLP 2-16-16-1, ReLU, hinge loss, full-batch, 100 epochs) from the
# same initial weights with each optimizer, at a learning rate usual for it.

# %%
MOONS = {
    "SGD": ("SGD", {"lr": 0.1}),
    "SGD + momentum": ("SGD", {"lr": 0.1, "momentum": 0.9}),
    "Adagrad": ("Adagrad", {"lr": 0.1}),
    "RMSprop": ("RMSprop", {"lr": 0.01}),
    "Adam": ("Adam", {"lr": 0.01}),
}
MOONS_EPOCHS = 100


def moons_histories(epochs: int = MOONS_EPOCHS, compiled: bool = True) -> dict[str, dict[str, list]]:
    """For each optimizer of MOONS, ``fit``'s history training the moons model from seed 1."""
    import nn

    X, y = nn.data.moons(100, noise=0.1, seed=0, labels=(-1, 1))
    histories = {}
    for name, (cls, kwargs) in MOONS.items():
        model = nn.MLP(2, [16, 16, 1], activation="relu", output_activation="linear", seed=1)
        optimizer = getattr(nn, cls)(model.parameters(), **kwargs)
        histories[name] = nn.fit(
            model, X, y, loss="hinge", optimizer=optimizer, epochs=epochs, progress=False, compiled=compiled
        )
    return histories


# %% [markdown]
# ## Pictures

# %%
COLOURS = dict(zip(SETTINGS, ("#000000", "#0072B2", "#E69F00", "#009E73", "#CC79A7")))
STYLES = dict(zip(SETTINGS, ("-", "--", "-", "-.", "-")))


def draw_valley(runs: dict[str, dict[str, object]]):
    """One panel per optimizer: its trajectory over f's contours (log-spaced levels); the last: f(w_k) against k."""
    from matplotlib.colors import LogNorm
    from matplotlib.figure import Figure  # a bare Figure draws with Agg: no pyplot, the kernel's backend untouched

    fig = Figure(figsize=(13, 8), dpi=100)
    axes = fig.subplots(2, 3).ravel()
    xs = [-2.0 + 4.0 * i / 200 for i in range(201)]
    ys = [-1.0 + 4.0 * j / 200 for j in range(201)]
    z = [[rosenbrock(a, b) + 1e-3 for a in xs] for b in ys]
    levels = [10 ** (e / 2) for e in range(-4, 9)]
    for ax, (name, run) in zip(axes, runs.items()):
        ax.contourf(xs, ys, z, levels=levels, norm=LogNorm(), cmap="Blues_r", alpha=0.35, extend="both")
        ax.contour(xs, ys, z, levels=levels, norm=LogNorm(), colors="#999999", linewidths=0.4)
        px, py = zip(*run["path"])
        ax.plot(px, py, "-", color=COLOURS[name], linewidth=1.3)
        ax.plot(px[:21], py[:21], ".", color=COLOURS[name], markersize=3)  # the first 20 steps, one dot each
        ax.plot(px[-1], py[-1], "o", color=COLOURS[name], markersize=7, markeredgecolor="white")
        ax.plot(*START, "s", color="#D55E00", markersize=7)
        ax.plot(1, 1, "*", color="#D55E00", markersize=13)
        ax.set(xlim=(-2, 2), ylim=(-1, 3), xlabel="x", ylabel="y")
        ax.set_title(
            f"{name}  ({_settings_text(SETTINGS[name][1])})\nends at ({px[-1]:.2f}, {py[-1]:.2f})", fontsize=10
        )
    right = axes[-1]
    for name, run in runs.items():
        right.semilogy(range(len(run["f"])), run["f"], STYLES[name], color=COLOURS[name], linewidth=1.4, label=name)
    right.set(xlabel="step k", ylabel="f(w_k)", title="f along the way (log scale)")
    right.grid(alpha=0.3, which="both")
    right.legend(fontsize=8)
    fig.suptitle(
        f"f(x, y) = (1 − x)² + 100(y − x²)², {STEPS} steps from the square w₀ = (−1.5, 2) towards the star"
        " (1, 1); dots: the first 20 steps, circle: the last",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def _settings_text(kwargs: dict[str, float]) -> str:
    return f"η = {kwargs['lr']:g}" + (f", α = {kwargs['momentum']:g}" if "momentum" in kwargs else "")


def draw_moons(histories: dict[str, dict[str, list]]):
    """Each optimizer's training loss per epoch on moons, one axis."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4.5), dpi=100)
    ax = fig.subplots()
    for name, history in histories.items():
        label = f"{name} ({_settings_text(MOONS[name][1])})"
        ax.semilogy(
            range(1, len(history["loss"]) + 1),
            history["loss"],
            STYLES[name],
            color=COLOURS[name],
            linewidth=1.6,
            label=label,
        )
    ax.set(
        xlabel="epoch",
        ylabel="training loss (hinge, log scale)",
        title=f"MLP 2-16-16-1 on moons: same initial weights, full batch, {MOONS_EPOCHS} epochs",
    )
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# %% [markdown]
# ## Run, print, check


# %%
def main(argv: Sequence[str] | None = None) -> int:
    """Descend the valley with each optimizer, check two steps by hand, show the rates, train on moons."""
    from demos.moons import compiled_available

    args = _common.parse_args(__doc__, "optimizers", argv)
    print(
        "demos.optimizers: seed 001's momentum and adaptive learning rates, on f(x, y) = (1 − x)² + 100(y − x²)²"
        " from w₀ = (−1.5, 2)"
    )
    checks = _common.Checks("optimizers")
    for name, rule in RULES.items():
        print(f"  {name:>15}: {rule}")

    print("\nThe first two steps, by nn and by hand (g worked out by hand):")
    two_steps = {name: (descend(name, steps=2)["path"][1:], by_hand(name)) for name in SETTINGS}
    rows = [
        (name if k == 0 else "", f"w{'₁₂'[k]}", *ours[k], *hand[k])
        for name, (ours, hand) in two_steps.items()
        for k in range(2)
    ]
    print(_common.table(["optimizer", "", "x by nn", "y by nn", "x by hand", "y by hand"], rows))
    for name, (ours, hand) in two_steps.items():
        checks.close(
            f"{name}: nn's first two steps are the update rule by hand",
            [c for w in ours for c in w],
            [c for w in hand for c in w],
            1e-12,
        )

    runs = {name: descend(name) for name in SETTINGS}
    print(f"\nf(w_k) along the way, and where each optimizer is after {STEPS} steps:")
    shown = (0, 10, 100, 500, STEPS)
    rows = [
        (name, *(run["f"][k] for k in shown), f"({run['path'][-1][0]:.3f}, {run['path'][-1][1]:.3f})", _distance(run))
        for name, run in runs.items()
    ]
    print(_common.table(["optimizer", *(f"f(w_{k})" for k in shown), f"w_{STEPS}", "|w − (1, 1)|"], rows))

    print("\nEach weight's own rate η/(√G + ε) (Adagrad) and η/(√s + ε) (RMSprop) after k steps:")
    rates = {name: adaptive_rates(name) for name in ("Adagrad", "RMSprop")}
    print(
        _common.table(
            ["k", "Adagrad: x", "Adagrad: y", "RMSprop: x", "RMSprop: y"],
            [(a[0], a[1], a[2], r[1], r[2]) for a, r in zip(rates["Adagrad"], rates["RMSprop"])],
        )
    )
    first = {name: (abs(r["path"][1][0] - START[0]), abs(r["path"][1][1] - START[1])) for name, r in runs.items()}
    print(
        f"  first steps |Δx|, |Δy|: SGD {first['SGD'][0]:.3g}, {first['SGD'][1]:.3g} (η g: the gradient's size);"
        f" Adagrad {first['Adagrad'][0]:.3g}, {first['Adagrad'][1]:.3g} (η in each coordinate: its size divided out)"
    )

    compiled = compiled_available()
    histories = moons_histories(compiled=compiled)
    print(
        f"\nMoons, MLP 2-16-16-1, hinge loss, {MOONS_EPOCHS} epochs full batch"
        f" ({'compiled' if compiled else 'interpreted'}):"
    )
    print(
        _common.table(
            ["optimizer", "η", "loss epoch 1", "epoch 10", "epoch 50", f"epoch {MOONS_EPOCHS}", "accuracy"],
            [
                (
                    name,
                    MOONS[name][1]["lr"],
                    h["loss"][0],
                    h["loss"][9],
                    h["loss"][49],
                    h["loss"][-1],
                    f"{h['accuracy'][-1]:.0%}",
                )
                for name, h in histories.items()
            ],
        )
    )

    _common.show(args, draw_valley(runs), "optimizers_valley.png")
    _common.show(args, draw_moons(histories), "optimizers_moons.png")

    _check_valley(checks, runs, rates, first)
    for name, h in histories.items():
        checks.that(
            f"moons, {name}: the training loss fell to under a third",
            h["loss"][-1] < h["loss"][0] / 3,
            f"{h['loss'][0]:.3g} → {h['loss'][-1]:.3g}",
        )
    return checks.exit_code()


def _distance(run: dict[str, object]) -> float:
    x, y = run["path"][-1]
    return math.hypot(x - 1, y - 1)


def _check_valley(checks: _common.Checks, runs: dict, rates: dict, first: dict) -> None:
    """The lesson's claims about the valley, as checks."""
    near = lambda name: _distance(runs[name]) < 0.05
    checks.that(
        f"plain SGD is still far from (1, 1) after {STEPS} steps (it crawls along the valley floor)",
        _distance(runs["SGD"]) > 0.5,
        f"|w − (1, 1)| = {_distance(runs['SGD']):.3f}",
    )
    checks.that(
        f"SGD + momentum and Adam end within 0.05 of (1, 1) after {STEPS} steps",
        near("SGD + momentum") and near("Adam"),
        f"{_distance(runs['SGD + momentum']):.3f} and {_distance(runs['Adam']):.3f}",
    )
    adagrad = rates["Adagrad"]
    checks.that(
        "Adagrad's rates only fall, for both weights",
        all(a[i] > b[i] for a, b in itertools.pairwise(adagrad) for i in (1, 2)),
    )
    rmsprop = rates["RMSprop"]
    checks.that(
        "RMSprop's rates rose again on the flat valley floor (its average of g² forgets)",
        all(rmsprop[-1][i] > rmsprop[1][i] for i in (1, 2)),
    )
    checks.that(
        "each weight has its own rate: the adaptive rates of x and y differ",
        all(abs(r[1] - r[2]) > 1e-3 * max(r[1], r[2]) for name in rates for r in rates[name]),
    )
    eta = {name: SETTINGS[name][1]["lr"] for name in SETTINGS}
    want = {"Adagrad": eta["Adagrad"], "Adam": eta["Adam"], "RMSprop": eta["RMSprop"] / math.sqrt(1 - 0.99)}
    steps = [c for name in want for c in first[name]]
    checks.that(
        "the adaptive first steps do not depend on |g|: ±η in each coordinate (Adagrad, Adam), "
        "±η/√(1 − ρ) (RMSprop); SGD's is η|g|",
        all(_common.agree(c, want[name], 1e-9) for name in want for c in first[name])
        and _common.agree(first["SGD"][0], eta["SGD"] * 155, 1e-9),
        "|Δx|, |Δy| = " + ", ".join(f"{c:.4g}" for c in steps),
    )


if __name__ == "__main__":
    _common.run(main)
