# %% [markdown]
# # Activation functions and their derivatives, from the op table
#
# Seed 000 (Lecture 2: Neural Nets), **"Neural network architectures"**, lists the typical
# activations: "the sigmoid", "the hyperbolic tan", "the ReLU (rectified linear unit)",
# "the hard threshold σ(z) = step(z)" and "the sign function σ(z) = sign(z)". What their
# derivatives do is said elsewhere:
#
# * seed 001 (CS182 slides, **"Activation Functions"**): "ReLU's gradient is undefined at x = 0";
# * seed 003 (MIT 6.390 lecture 6) picks a value there, ∂ReLU(z)/∂z := 0 if z < 0, 1 otherwise,
#   so 1 at z = 0; the engine follows PyTorch instead, relu′(0) = 0;
# * seed 002 (**1.1.2 "Activation functions"**): "The sign function is not useful in practice
#   (it's gradient is always zero)", and step's is zero too.
#
# Every one of them is a row of the engine's op table, with its forward function and its local
# derivative rule ∂v/∂x = local(x, v). This demo reads those rows, prints values and derivatives
# at a few points, checks each derivative against a central difference away from the kinks, and
# plots them all.
# %%
"""Activations (seed 000's list; seeds 001-003 on their derivatives): σ, tanh, ReLU, step, sign from the op table.

Prints v and ∂v/∂x at a few points, checks them against central differences away from kinks
(and step′ = sign′ = 0, relu′(0) = 0), and plots them.
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd_core import OPS
from demos import _common

NAMES = ("sigmoid", "tanh", "relu", "step", "sign")
POINTS = (-2.0, -0.5, 0.0, 0.5, 2.0)
EPS = 1e-6


# %% [markdown]
# ## Reading the table
# ``OPS[name].forward(x)`` is v, ``OPS[name].local(x, v)`` the tuple of local derivatives (one
# per input), and ``OPS[name].kinks`` the points where the derivative is a convention.


# %%
def derivatives(points: Sequence[float] = POINTS) -> dict[str, list[tuple[float, float, float, float | None]]]:
    """The checked numbers: name → per point (x, v, ∂v/∂x from the table, central difference or None at a kink)."""
    table = {}
    for name in NAMES:
        op = OPS[name]
        rows = []
        for x in points:
            v = op.forward(x)
            (local,) = op.local(x, v)
            at_kink = any(abs(x - k) <= EPS for k in op.kinks)
            numeric = None if at_kink else (op.forward(x + EPS) - op.forward(x - EPS)) / (2 * EPS)
            rows.append((x, v, local, numeric))
        table[name] = rows
    return table


# %%
def main(argv: Sequence[str] | None = None) -> int:
    """Print each activation's values and derivatives, check them, plot them."""
    import viz

    args = _common.parse_args(__doc__, "activations", argv)
    print("demos.activations: seed 000's activations (σ, tanh, ReLU, step, sign), derivatives from the op table")
    table = derivatives()
    rows = []
    for name, points in table.items():
        op = OPS[name]
        for x, v, local, numeric in points:
            rows.append((op.symbol, x, v, local, "— (a kink)" if numeric is None else numeric))
    print(_common.table(["activation", "x", "v", "∂v/∂x (table)", "central difference"], rows))
    for name in NAMES:
        op = OPS[name]
        print(f"  {op.symbol:>7}: {op.formula}" + (f"; at the kink: {op.kink_note}" if op.kink_note else ""))
    # ReLU in the middle column: its title (with the kink convention) is wider than a panel and is clipped at an edge
    _common.show(args, viz.plot_activations(names=("sigmoid", "relu", "tanh", "step", "sign")), "activations.png")

    checks = _common.Checks("activations")
    smooth = [(local, numeric) for points in table.values() for _, _, local, numeric in points if numeric is not None]
    checks.close(
        "table derivatives equal central differences away from kinks",
        [a for a, _ in smooth],
        [b for _, b in smooth],
        1e-6,
    )
    checks.that(
        "step′ = sign′ = 0 everywhere (no gradient flows: they cannot be trained by backprop)",
        all(local == 0.0 for name in ("step", "sign") for _, _, local, _ in table[name]),
    )
    relu_at_0 = next(local for x, _, local, _ in table["relu"] if x == 0.0)
    checks.that("relu′(0) = 0, PyTorch's convention (seed 003 takes 1)", relu_at_0 == 0.0)
    return checks.exit_code()


if __name__ == "__main__":
    _common.run(main)
