# %% [markdown]
# # Two moons: micrograd's classic, with this engine
#
# The demo every scalar-autograd course ends with (karpathy/micrograd's ``demo.ipynb``): a
# 2-16-16-1 ReLU network learns to separate two interleaving half circles. The recipe, as
# micrograd's:
#
# * data: 100 points of ``moons(noise=0.1)``, labels y ∈ {−1, +1};
# * model: ``MLP(2, [16, 16, 1])``, ReLU hidden layers, a linear output score s;
# * loss: the max-margin (hinge) loss (1/N) Σᵢ max(0, 1 − yᵢsᵢ) plus L2 regularization
#   λ Σ w² with λ = 10⁻⁴ (seed 001, "Learning with Regularization");
# * optimizer: full-batch gradient descent w ← w − α_k ∇L (seed 000) with the linearly decaying
#   rate α_k = 1.0 − 0.9·k/100, for 100 steps.
#
# The interpreted engine builds about 70,000 nodes per step; 100 steps take ~20 s. For the tour
# this demo trains with nn's **compiled** mode by default (``fit(..., compiled=True)``): the
# scalar graph of one sample is traced once from the op table and replayed on the whole batch
# with numpy, giving the same numbers step for step. ``--interpreted`` trains node by node.
# %%
"""Two moons (micrograd's recipe): MLP 2-16-16-1, hinge + 1e-4·L2, SGD with α_k = 1 − 0.9·k/100, 100 steps.

Shows a progress bar, prints the final accuracy (checked ≥ 97%), and draws the decision boundary
and the loss curve.
"""

from __future__ import annotations

from collections.abc import Sequence

from demos import _common

STEPS = 100


def compiled_available() -> bool:
    """True when nn's compiled training step (and numpy) can be imported."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("numpy", "nn.compiled"))


# %% [markdown]
# ## The recipe


# %%
def recipe(compiled: bool, steps: int = STEPS, progress: bool = False, seed: int = 1) -> tuple:
    """micrograd's recipe trained for ``steps`` steps: (model, X, y, history)."""
    from nn import MLP, SGD, data, fit, losses, schedules

    X, y = data.moons(100, noise=0.1, seed=0, labels=(-1, 1))
    model = MLP(2, [16, 16, 1], activation="relu", output_activation="linear", seed=seed)
    optimizer = SGD(model.parameters(), lr=1.0, schedule=schedules.linear(STEPS, end=0.1))
    history = fit(
        model,
        X,
        y,
        loss="hinge",
        optimizer=optimizer,
        epochs=steps,
        progress=progress,
        compiled=compiled,
        regularizer=lambda params: 1e-4 * losses.l2(params),
    )
    return model, X, y, history


def train(compiled: bool = True, progress: bool = True) -> dict[str, object]:
    """The checked numbers: the recipe's model, data, history and final training accuracy."""
    from nn import evaluate

    model, X, y, history = recipe(compiled, progress=progress)
    accuracy = evaluate(model, X, y, loss="hinge")["accuracy"]
    return {"model": model, "X": X, "y": y, "history": history, "accuracy": accuracy}


# %% [markdown]
# ## Is the compiled run the same computation?
# Three steps both ways from the same initial weights: every weight must agree to 1e-10 (the two
# differ only in the order of floating-point sums).


# %%
def compiled_matches_interpreted(steps: int = 3) -> float:
    """The largest |w_compiled − w_interpreted| over all weights after ``steps`` steps of the recipe."""
    interpreted, compiled = (recipe(mode, steps)[0].parameters() for mode in (False, True))
    return max(abs(a.data - b.data) for a, b in zip(interpreted, compiled))


# %% [markdown]
# ## Train, draw, check
# The history's accuracy is measured before each update; the final accuracy is measured once more
# after the last step.


# %%
def main(argv: Sequence[str] | None = None) -> int:
    """Train with a progress bar, print the accuracy, draw the boundary and the loss curve."""
    import viz

    def extra(parser):
        parser.add_argument(
            "--interpreted",
            action="store_true",
            help="train node by node with the interpreted engine (~20 s) instead of compiled",
        )

    args = _common.parse_args(__doc__, "moons", argv, extra)
    compiled = not args.interpreted and compiled_available()
    if not args.interpreted and not compiled:
        print("  (nn's compiled mode is not installed here: training node by node instead, ~20 s)")
    mode = "compiled (traced once, replayed with numpy)" if compiled else "interpreted"
    print(
        f"demos.moons: micrograd's recipe, MLP 2-16-16-1, hinge + 1e-4·L2, α_k = 1 − 0.9·k/100, {STEPS} steps; {mode}"
    )
    result = train(compiled=compiled)
    history = result["history"]
    rows = [
        (k, history["lr"][k], history["loss"][k], f"{history['accuracy'][k]:.0%}")
        for k in (0, 1, 2, 5, 10, 20, 50, STEPS - 1)
    ]
    print(_common.table(["step k", "α_k", "loss", "accuracy"], rows))
    print(f"  final training accuracy: {result['accuracy']:.0%}")
    _common.show(args, viz.plot_decision_boundary(result["model"], result["X"], result["y"]), "moons_boundary.png")
    _common.show(args, viz.plot_history(history), "moons_history.png")
    from nn import losses

    model = result["model"]  # the sample the model is least sure of: its hinge loss is not 0, so grads flow
    x, label = max(zip(result["X"], result["y"]), key=lambda sample: losses.hinge([model(sample[0])], [sample[1]]).data)
    network = viz.draw_network(model, x, loss=lambda s: losses.hinge([s], [label]))
    _common.show(args, network, "moons_network.svg")
    checks = _common.Checks("moons")
    checks.that("final training accuracy ≥ 97%", result["accuracy"] >= 0.97, f"{result['accuracy']:.0%}")
    if compiled:
        difference = compiled_matches_interpreted()
        checks.that(
            "compiled = interpreted: every weight after 3 steps agrees to 1e-10",
            difference <= 1e-10,
            f"largest |difference| {difference:.1e}",
        )
    checks.that(
        "the loss fell",
        history["loss"][-1] < history["loss"][0],
        f"{history['loss'][0]:.3g} → {history['loss'][-1]:.3g}",
    )
    return checks.exit_code()


if __name__ == "__main__":
    _common.run(main)
