# %% [markdown]
# # XOR: what one neuron cannot do, and two layers can
#
# Seed 001 (CS182 slides), **"Capacity of Single Neuron"**: a single neuron "can solve linearly
# separable problems" (∃w*: w*ᵀx > 0 on 𝒟⁺, < 0 on 𝒟⁻) but "can't solve non linearly separable
# problems", "unless the input is transformed in a better representation", which is what
# **"Adding One More Layer"** does.
#
# XOR is the smallest such problem: (0,0) ↦ 0, (0,1) ↦ 1, (1,0) ↦ 1, (1,1) ↦ 0. A half-plane
# holding (0,1) and (1,0) holds their midpoint (½,½), which is also the midpoint of (0,0) and
# (1,1), so it holds one of those too: a linear classifier gets at most 3 of the 4 points right.
# We train both models the same way (binary cross-entropy on the score s, Adam) and draw their
# decision boundaries.
# %%
"""XOR (seed 001, 'Capacity of single neuron'): no line gets more than 3 of 4, a 2-layer network gets all 4.

Trains both, prints their truth tables, and draws the best line's and the network's decision boundaries.
"""

from __future__ import annotations

from collections.abc import Sequence

from demos import _common

EPOCHS = 300


# %% [markdown]
# ## Two models, one training recipe
# The single neuron s = w₁x₁ + w₂x₂ + b (seed 001's "single neuron as a linear classifier"), and
# a network with one hidden layer of 4 tanh units. The prediction is 1 when σ(s) > ½, i.e. s > 0.


# %%
def train(epochs: int = EPOCHS) -> dict[str, dict[str, object]]:
    """The checked numbers: for "neuron" and "network", the model, its outputs σ(s) and accuracy."""
    from nn import MLP, Adam, data, fit

    X, y = data.xor(labels=(0, 1))
    models = {
        "neuron": MLP(2, [1], output_activation="linear", seed=0),
        "network": MLP(2, [4, 1], activation="tanh", output_activation="linear", seed=0),
    }
    results = {}
    for name, model in models.items():
        history = fit(
            model, X, y, loss="bce", optimizer=Adam(model.parameters(), lr=0.1), epochs=epochs, progress=False
        )
        scores = [model(x).data for x in X]
        correct = sum((s > 0) == (t == 1) for s, t in zip(scores, y))
        results[name] = {
            "model": model,
            "X": X,
            "y": y,
            "scores": scores,
            "accuracy": correct / len(y),
            "loss": history["loss"][-1],
        }
    return results


# %% [markdown]
# ## What the single neuron learns
# Trained by gradient descent on cross-entropy (a convex loss in w, b), the neuron does not find
# one of the 3-of-4 lines: XOR is symmetric under x ↦ 1 − x and under swapping x₁, x₂, and
# averaging any solution over those symmetries gives s ≡ const, as good or better for a convex
# loss. So the optimum is s ≡ 0, σ(s) = ½ for every input, loss ln 2: the neuron gives up, and
# its "boundary" is rounding noise. The best any line can do, 3 of 4, we find by brute force over
# a grid of lines, and draw that one as the single neuron's picture (its title says so).

# %%
NEURON_TITLE = "one neuron: the best line (3 of 4)\nthe trained neuron sits at σ = ½ everywhere"


def best_line(steps: int = 17) -> tuple[float, tuple[float, float, float]]:
    """The line w₁x₁ + w₂x₂ + b on a grid in [−2, 2]³ classifying most XOR points (widest margin among them)."""
    from nn import data

    X, y = data.xor(labels=(0, 1))
    grid = [-2.0 + 4.0 * i / (steps - 1) for i in range(steps)]

    def score(w1: float, w2: float, b: float) -> tuple[float, float]:
        s = [w1 * x[0] + w2 * x[1] + b for x in X]
        accuracy = sum((si > 0) == (t == 1) for si, t in zip(s, y)) / len(y)
        margin = min(abs(si) for si in s) / max(1e-12, (w1 * w1 + w2 * w2) ** 0.5)
        return accuracy, margin

    line = max(((w1, w2, b) for w1 in grid for w2 in grid for b in grid), key=lambda line: score(*line))
    return score(*line)[0], line


# %%
def main(argv: Sequence[str] | None = None) -> int:
    """Train both, print their truth tables, draw both boundaries, check the neuron gives up and the network wins."""
    import math

    import viz
    from nn import MLP

    args = _common.parse_args(__doc__, "xor", argv)
    print("demos.xor: seed 001, 'Capacity of Single Neuron' vs 'Adding One More Layer'")
    results = train()
    X, y = results["neuron"]["X"], results["neuron"]["y"]
    sigma = lambda s: 1.0 / (1.0 + math.exp(-s))
    rows = [
        (
            f"({x[0]:g}, {x[1]:g})",
            t,
            f"{sigma(results['neuron']['scores'][i]):.2f}",
            f"{sigma(results['network']['scores'][i]):.2f}",
        )
        for i, (x, t) in enumerate(zip(X, y))
    ]
    print(_common.table(["x", "XOR", "σ(s) one neuron", "σ(s) 2-4-1 network"], rows))
    for name, r in results.items():
        print(f"  {name}: final cross-entropy {r['loss']:.4g}")
    best, (w1, w2, b) = best_line()
    equation = f"{w1:g}x₁ {w2:+g}x₂ {b:+g}".replace("-", "−")
    print(f"  the best line on a 17×17×17 grid of (w₁, w₂, b): {equation} > 0 classifies {best:.0%}")
    line = MLP(2, [1], output_activation="linear")
    for p, value in zip(line.parameters(), (w1, w2, b)):
        p.data = value
    print(
        "  xor_neuron.png draws that best line, not the trained neuron: with σ(s) = ½ on every input, the trained"
        " neuron has no boundary to draw"
    )
    _common.show(args, viz.plot_decision_boundary(line, X, y, title=NEURON_TITLE), "xor_neuron.png")
    right = round(results["network"]["accuracy"] * len(y))
    title = f"2-4-1 tanh network, trained: {right} of {len(y)} right (boundary: s = 0)"
    _common.show(args, viz.plot_decision_boundary(results["network"]["model"], X, y, title=title), "xor_network.png")

    network = results["network"]["model"]
    network.zero_grad()  # fit left the last step's grads: draw this one sample's alone
    out = network(X[1])  # one sample through the trained 2-4-1 network: its computation graph, layer by layer
    out.backward()
    _common.show(args, viz.draw_graph(out), "xor_graph.svg")
    checks = _common.Checks("xor")
    checks.that("no line gets more than 3 of 4 (XOR is not linearly separable)", best == 0.75, f"{best:.0%}")
    neuron = results["neuron"]
    checks.that(
        "the trained neuron gives up: σ(s) = ½ on every input, loss ln 2",
        all(abs(sigma(s) - 0.5) < 1e-3 for s in neuron["scores"]) and abs(neuron["loss"] - math.log(2)) < 1e-4,
        f"loss {neuron['loss']:.6f}, ln 2 = {math.log(2):.6f}",
    )
    checks.that(
        "the 2-layer network gets all 4", results["network"]["accuracy"] == 1.0, f"{results['network']['accuracy']:.0%}"
    )
    return checks.exit_code()


if __name__ == "__main__":
    _common.run(main)
