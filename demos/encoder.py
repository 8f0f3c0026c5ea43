# %% [markdown]
# # The 8-3-8 encoder: a hidden layer invents a code
#
# Seed 001 (CS182 slides), **"Learning Hidden Layer Representations"**. The target function is
# the identity on the eight one-hot vectors (10000000 → 10000000, …), but the network must pass
# each input through **three** hidden sigmoid units. To reproduce eight inputs from three
# numbers in (0, 1) it has to invent something like a binary code; the slide shows one learned
# table (.89 .04 .08 for 10000000, …).
#
# We train an 8-3-8 network (sigmoid hidden units; 8 output scores whose softmax we read as the
# 8 output units) with cross-entropy and Adam, then print the slide's table: input → hidden
# values (2 decimals) → output rounded to 0/1. The codes differ from the slide's (they depend on the random start);
# what must hold is that all eight inputs come back.
# %%
"""The 8-3-8 encoder (seed 001, 'Learning hidden layer representations'): train, print the hidden codes.

Prints the slide's input → hidden values → output table, checks that all eight inputs are
reproduced, and draws a heatmap of the hidden codes.
"""

from __future__ import annotations

from collections.abc import Sequence

from demos import _common

EPOCHS = 300


# %% [markdown]
# ## Train
# The hidden values are the outputs of layer 1; ``model.layers[0](x)`` gives them.


# %%
def train(epochs: int = EPOCHS, seed: int = 0) -> dict[str, object]:
    """The checked numbers: per input, its hidden values h ∈ (0, 1)³ and its output probabilities."""
    from nn import MLP, Adam, data, fit, losses

    X, targets = data.encoder_838(targets="index")
    model = MLP(8, [3, 8], activation="sigmoid", output_activation="linear", seed=seed)
    history = fit(
        model,
        X,
        targets,
        loss="cross_entropy",
        optimizer=Adam(model.parameters(), lr=0.1),
        epochs=epochs,
        progress=False,
    )
    hidden = [[h.data for h in model.layers[0](x)] for x in X]
    outputs = [[p.data for p in losses.softmax(model(x))] for x in X]
    return {"X": X, "hidden": hidden, "outputs": outputs, "loss": history["loss"][-1]}


# %%
def main(argv: Sequence[str] | None = None) -> int:
    """Train, print the slide's table, draw the hidden codes, check all eight come back."""
    args = _common.parse_args(__doc__, "encoder", argv)
    print("demos.encoder: seed 001, 'Learning Hidden Layer Representations', an 8-3-8 network")
    r = train()
    bits = lambda row: "".join(str(round(v)) for v in row)
    rows = [
        (bits(x), "  ".join(f"{h:.2f}" for h in hidden), bits(out))
        for x, hidden, out in zip(r["X"], r["hidden"], r["outputs"])
    ]
    print(_common.table(["Input", "Hidden Values", "Output"], rows))
    print(f"  final cross-entropy {r['loss']:.3g}")
    _common.show(args, _heatmap(r["hidden"]), "encoder_hidden.png")
    checks = _common.Checks("encoder")
    reproduced = sum(bits(out) == bits(x) for x, out in zip(r["X"], r["outputs"]))
    checks.that("all eight inputs are reproduced (output rounded = input)", reproduced == 8, f"{reproduced}/8")
    return checks.exit_code()


def _heatmap(hidden: list[list[float]]):
    """The hidden codes h1…h3 of the eight inputs as a heatmap: a ``viz.Plot``."""
    from matplotlib.figure import Figure  # a bare Figure draws with Agg: no pyplot, the kernel's backend untouched

    import viz

    fig = Figure(figsize=(3.8, 4.6))
    ax = fig.subplots()
    image = ax.imshow(hidden, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    for i, row in enumerate(hidden):
        for j, h in enumerate(row):
            ax.text(j, i, f"{h:.2f}", ha="center", va="center", color="white" if h < 0.5 else "black", fontsize=9)
    ax.set_xticks(range(3), [f"h{j + 1}" for j in range(3)])
    ax.set_yticks(range(8), ["".join("1" if k == i else "0" for k in range(8)) for i in range(8)], family="monospace")
    ax.set_title("Learned hidden codes (8-3-8)")
    fig.colorbar(image, ax=ax, fraction=0.08)
    fig.tight_layout()
    return viz.Plot(fig, dpi=110)


if __name__ == "__main__":
    _common.run(main)
