# %% [markdown]
# # The slide's numpy network, rebuilt from scalars
#
# Seed 001 (CS182 slides), **"Use Numpy to Implement A Neural Network"**: a fully-connected
# two-layer ReLU network, one hidden layer, no bias, squared loss. In the slide's code (the rows
# of x are the N samples, y the N targets):
#
#     h = x.dot(w1)                        # N * H
#     h_relu = np.maximum(h, 0)            # N * H
#     y_pred = h_relu.dot(w2)              # N * D_out
#     loss = np.square(y_pred - y).sum()
#
# The slide writes the backward pass by hand (``grad_y_pred = 2.0 * (y_pred - y)`` …
# ``grad_w1 = x.T.dot(grad_h)``). Here the same network is built from the engine's scalar
# ``Value`` s, at a reduced size (N=8, D_in=20, H=10, D_out=3 instead of 64, 1000, 100, 10; a
# scalar engine builds one node per multiply) and its BACKWARD() must give the slide's
# ``grad_w1`` and ``grad_w2`` to 1e-12. Then both take a few steps of the slide's update
# ``w -= learning_rate * grad`` side by side.
#
# numpy is the oracle here, and used in this demo only.
# %%
"""The numpy two-layer ReLU network of seed 001, rebuilt from engine scalars.

Checks the engine's gradients against the slide's hand-written numpy backward (grad_w1, grad_w2)
to 1e-12, then trains both with the slide's update for a few steps, side by side.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from autograd_core import Value
from demos import _common

N, D_IN, H, D_OUT = 8, 20, 10, 3
# The slide's 1e-6 is for N=64, D_in=1000, H=100: the gradients grow with N·D_in·H (6.4e6 there, 1600 here), so here
# 1e-6 barely moves the loss (1728 → 1621 in 50 steps) and 1e-3 is the comparable step (1e-5 diverges there, 1e-2 here).
LEARNING_RATE = 1e-3

# %% [markdown]
# ## Step 0: initialization, as on the slide (seeded, smaller)


# %%
def initialize(seed: int = 0) -> tuple[np.ndarray, ...]:
    """x, y, w1, w2 drawn with the slide's ``np.random.randn``, from a seeded generator."""
    rng = np.random.RandomState(seed)
    x = rng.randn(N, D_IN)
    y = rng.randn(N, D_OUT)
    w1 = rng.randn(D_IN, H)
    w2 = rng.randn(H, D_OUT)
    return x, y, w1, w2


# %% [markdown]
# ## The slide's step, verbatim (the oracle)
# Forward pass, loss, hand-written backward and update, line for line as on the slide; only the
# update writes new arrays (``w1 - learning_rate * grad_w1``) where the slide updates in place
# (``w1 -= …``), so a caller's w1 and w2 stay as they were.


# %%
def numpy_step(
    x: np.ndarray, y: np.ndarray, w1: np.ndarray, w2: np.ndarray, learning_rate: float
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One step of seed 001's numpy network: (loss, grad_w1, grad_w2, new w1, new w2), w1, w2 untouched."""
    # Forward pass
    h = x.dot(w1)  # N * H
    h_relu = np.maximum(h, 0)  # N * H
    y_pred = h_relu.dot(w2)  # N * D_out
    # compute Loss
    loss = np.square(y_pred - y).sum()
    # Backward pass
    # compute the gradient
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.T.dot(grad_y_pred)
    grad_h_relu = grad_y_pred.dot(w2.T)
    grad_h = grad_h_relu.copy()
    grad_h[h < 0] = 0
    grad_w1 = x.T.dot(grad_h)
    # update weights of w1 and w2 (the slide: w1 -= learning_rate * grad_w1)
    new_w1 = w1 - learning_rate * grad_w1
    new_w2 = w2 - learning_rate * grad_w2
    return float(loss), grad_w1, grad_w2, new_w1, new_w2


# %% [markdown]
# ## The same network from scalars
# Every entry of W₁ and W₂ is a leaf ``Value``; every product and sum is a node. Only the
# forward pass is written: the engine derives the backward pass from its op table.
# (At h = 0 exactly the two would differ, relu′(0) = 0 here and 1 in ``grad_h[h<0] = 0``;
# random data never lands there.)


# %%
def parameters(w: np.ndarray, name: str) -> list[list[Value]]:
    """A matrix of leaf Values, labelled like ``w1[i,j]``."""
    return [[Value(float(w[i, j]), f"{name}[{i},{j}]") for j in range(w.shape[1])] for i in range(w.shape[0])]


def dot(values: Sequence[Value], numbers: Sequence[float]) -> Value:
    """Σ_i v_i·c_i, built from engine ops."""
    total = values[0] * numbers[0]
    for v, c in zip(values[1:], numbers[1:]):
        total = total + v * c
    return total


def engine_loss(x: np.ndarray, y: np.ndarray, w1: list[list[Value]], w2: list[list[Value]]) -> Value:
    """loss = Σ_n Σ_k (y_pred[n,k] − y[n,k])² with h = x.dot(w1), h_relu = max(h, 0), y_pred = h_relu.dot(w2)."""
    columns1 = [[w1[i][j] for i in range(D_IN)] for j in range(H)]
    columns2 = [[w2[j][k] for j in range(H)] for k in range(D_OUT)]
    loss = None
    for n in range(N):
        row = [float(c) for c in x[n]]
        h_relu = [dot(column, row).relu() for column in columns1]
        for k, column in enumerate(columns2):
            term = (dot(column, h_relu) - float(y[n, k])) ** 2
            loss = term if loss is None else loss + term
    return loss


def gradients(seed: int = 0) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The checked numbers: name → (engine's grads, the slide's numpy grads) for w1 and w2."""
    x, y, w1, w2 = initialize(seed)
    v1, v2 = parameters(w1, "w1"), parameters(w2, "w2")
    engine_loss(x, y, v1, v2).backward()
    _, grad_w1, grad_w2, _, _ = numpy_step(x, y, w1, w2, LEARNING_RATE)
    as_array = lambda vs: np.array([[v.grad for v in row] for row in vs])
    return {"grad_w1": (as_array(v1), grad_w1), "grad_w2": (as_array(v2), grad_w2)}


# %% [markdown]
# ## Training: the slide's update on both, side by side
# ``w1 -= learning_rate * grad_w1``; for the engine that is ``w.data -= learning_rate * w.grad``
# on every leaf, then ``w.grad = 0`` (leaves accumulate across backward calls).


# %%
def train(steps: int = 5, seed: int = 0) -> list[tuple[float, float]]:
    """(engine loss, numpy loss) at each step of the slide's update."""
    x, y, w1, w2 = initialize(seed)
    v1, v2 = parameters(w1, "w1"), parameters(w2, "w2")
    losses = []
    for _ in range(steps):
        loss = engine_loss(x, y, v1, v2)
        loss.backward()
        numpy_loss, _, _, w1, w2 = numpy_step(x, y, w1, w2, LEARNING_RATE)
        losses.append((loss.data, numpy_loss))
        for v in (v for matrix in (v1, v2) for row in matrix for v in row):
            v.data -= LEARNING_RATE * v.grad
            v.grad = 0.0
    return losses


# %%
def main(argv: Sequence[str] | None = None) -> int:
    """Compare the gradients, train a few steps, check both to 1e-12."""

    def extra(parser):
        parser.add_argument("--steps", type=_common.positive_int, default=5, help="training steps (default 5)")

    args = _common.parse_args(__doc__, "numpy_net", argv, extra)
    print(
        f"demos.numpy_net: seed 001, 'Use Numpy to Implement A Neural Network' at N={N}, D_in={D_IN}, H={H}, "
        f"D_out={D_OUT}"
    )
    checks = _common.Checks("numpy_net")
    grads = gradients()
    rows = [
        (name, "×".join(map(str, oracle.shape)), float(np.abs(oracle).max()), float(np.abs(engine - oracle).max()))
        for name, (engine, oracle) in grads.items()
    ]
    print(_common.table(["gradient", "shape", "max |entry|", "max |engine − numpy|"], rows))
    for name, (engine, oracle) in grads.items():
        checks.close(f"engine {name} equals the slide's numpy backward", engine.ravel(), oracle.ravel(), 1e-12)
    history = train(args.steps)
    print(_common.table(["step", "loss (engine)", "loss (numpy)"], [(k, a, b) for k, (a, b) in enumerate(history)]))
    engine_losses, numpy_losses = zip(*history)
    checks.close("losses agree step by step", engine_losses, numpy_losses, 1e-12)
    checks.that(
        "the slide's update lowers the loss",
        history[-1][0] < history[0][0],
        f"{history[0][0]:.4g} → {history[-1][0]:.4g}",
    )
    return checks.exit_code()


if __name__ == "__main__":
    _common.run(main)
