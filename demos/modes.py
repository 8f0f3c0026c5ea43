# %% [markdown]
# # Forward mode needs n passes, reverse mode one
#
# Seed 002 (Neural networks lecture notes, Eric Wong), section **2.2.2 "Computational graphs"**:
# forward-mode vs reverse-mode auto-differentiation.
#
# * Forward mode carries v̇_i = ∂v_i/∂x₁ along the graph in topological order: one pass gives the
#   derivative with respect to **one input**, so f: ℝⁿ → ℝ needs n passes for its gradient.
# * Reverse mode carries v̄_i = ∂y/∂v_i backwards in reverse topological order: one pass gives
#   ∂y/∂x_i for **every input** at once.
#
# "In deep learning, we usually have computational graphs with only one output (the final loss)
# and a lot of inputs (every parameter in the network). So reverse-mode auto-differentiation is by
# far the most efficient." Here we count and time both on the same graph as n grows, and check
# that they agree.
# %%
"""Forward vs reverse mode (seed 002): the gradient of f: ℝⁿ → ℝ costs n forward passes or one backward.

Prints node visits and time for n = 1, 2, 4, … 256 (or --max-n), checks both modes agree with each other and with the
closed form, and plots time against n.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Sequence

from autograd_core import Value, jvp
from autograd_core.graph import gradients, push_tangents
from demos import _common

# %% [markdown]
# ## The function
# f(x) = Σᵢ tanh(xᵢ · xᵢ₊₁) with indices mod n: a ring of neighbours, so f depends on
# every input, and the graph has 4n − 1 nodes (n inputs, n products, n tanh, n − 1 sums). Its
# gradient in closed form:
#
#     ∂f/∂x_k = (1 − tanh²(x_k x_{k+1})) x_{k+1} + (1 − tanh²(x_{k−1} x_k)) x_{k−1}


# %%
def f(*xs: Value) -> Value:
    """f(x) = Σᵢ tanh(xᵢ xᵢ₊₁), indices mod n."""
    n = len(xs)
    total = (xs[0] * xs[1 % n]).tanh()
    for i in range(1, n):
        total = total + (xs[i] * xs[(i + 1) % n]).tanh()
    return total


def closed_form(xs: Sequence[float]) -> list[float]:
    """∇f from the formula above."""
    n = len(xs)
    sech2 = lambda a, b: 1.0 - math.tanh(a * b) ** 2
    return [sech2(xs[k], xs[(k + 1) % n]) * xs[(k + 1) % n] + sech2(xs[k - 1], xs[k]) * xs[k - 1] for k in range(n)]


# %% [markdown]
# ## One graph, both modes
# The graph is built once (FORWARD()); then reverse mode runs ``gradients(y)`` once, and forward
# mode runs ``push_tangents(y, {x_i: 1})`` once per input, seeding ẋ = e_i. Both read the same
# local derivatives ∂v_j/∂v_i that the op table stored on the edges.


# %%
def compare(n: int, seed: int = 0) -> dict[str, object]:
    """Both gradients of f at a seeded x ∈ ℝⁿ, with their node visits and times (best of 3)."""
    rng = random.Random(seed)
    primals = [rng.uniform(-1.5, 1.5) for _ in range(n)]
    xs = [Value(p, f"x{i + 1}") for i, p in enumerate(primals)]
    y = f(*xs)

    def reverse_mode() -> list[float]:
        grads = gradients(y)
        return [grads.get(x, 0.0) for x in xs]

    def forward_mode() -> list[float]:
        return [push_tangents(y, {x: 1.0})[y] for x in xs]

    reverse, reverse_time = _timed(reverse_mode)
    forward, forward_time = _timed(forward_mode)
    nodes = len(gradients(y))

    return {
        "n": n,
        "primals": primals,
        "nodes": nodes,
        "reverse": reverse,
        "forward": forward,
        "exact": closed_form(primals),
        "reverse_visits": nodes,
        "forward_visits": n * nodes,
        "reverse_time": reverse_time,
        "forward_time": forward_time,
    }


def _timed(mode, repeats: int = 3) -> tuple[list[float], float]:
    """The mode's result and its best time of ``repeats`` runs (the least disturbed by other work)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = mode()
        times.append(time.perf_counter() - start)
    return result, min(times)


def sizes(max_n: int) -> list[int]:
    """n = 1, 2, 4, … below ``max_n``, then ``max_n`` itself (which need not be a power of 2)."""
    if max_n < 1:
        raise ValueError(f"max_n must be ≥ 1 (f: ℝⁿ → ℝ needs an input), got {max_n}")
    ns = [1]
    while ns[-1] * 2 < max_n:
        ns.append(ns[-1] * 2)
    return ns if ns[-1] == max_n else [*ns, max_n]


def sweep(max_n: int = 256) -> list[dict[str, object]]:
    """The checked numbers: ``compare(n)`` for each n of ``sizes(max_n)``."""
    return [compare(n) for n in sizes(max_n)]


# %% [markdown]
# The functional API exposes forward mode as ``jvp(f, primals, tangents)`` (a Jacobian-vector
# product, here ∇f·ẋ): with ẋ = e₁ it is ∂f/∂x₁, one forward pass.


# %%
def main(argv: Sequence[str] | None = None) -> int:
    """Print visits and times for both modes, check agreement, plot time against n."""

    def extra(parser):
        parser.add_argument(
            "--max-n",
            type=_common.positive_int,
            default=256,
            help="largest n: the sweep runs n = 1, 2, 4, … and then this n (default 256)",
        )

    args = _common.parse_args(__doc__, "modes", argv, extra)
    print("demos.modes: seed 002, forward-mode vs reverse-mode autodiff for f(x) = Σᵢ tanh(xᵢ xᵢ₊₁), f: ℝⁿ → ℝ")
    results = sweep(args.max_n)
    rows = []
    for r in results:
        worst = max(abs(a - b) for a, b in zip(r["reverse"], r["forward"]))
        rows.append(
            (
                r["n"],
                r["nodes"],
                1,
                r["reverse_visits"],
                f"{r['reverse_time'] * 1e3:.2f}",
                r["n"],
                r["forward_visits"],
                f"{r['forward_time'] * 1e3:.2f}",
                f"{worst:.1e}",
            )
        )
    print(
        _common.table(
            ["n", "nodes", "reverse passes", "visits", "ms", "forward passes", "visits", "ms", "max |rev − fwd|"], rows
        )
    )
    _common.show(args, _plot(results), "modes.png")

    checks = _common.Checks("modes")
    checks.close(
        "reverse and forward mode agree for every n",
        [g for r in results for g in r["reverse"]],
        [g for r in results for g in r["forward"]],
        1e-12,
    )
    checks.close(
        "both equal the closed-form gradient",
        [g for r in results for g in r["reverse"]],
        [g for r in results for g in r["exact"]],
        1e-12,
    )
    last = results[-1]
    _, first_partial = jvp(f, last["primals"], [1.0] + [0.0] * (last["n"] - 1))
    checks.close("jvp with ẋ = e₁ gives ∂f/∂x₁", [first_partial], [last["reverse"][0]], 1e-12)
    if last["n"] >= 64:
        checks.that(
            f"forward mode is slower than reverse mode at n = {last['n']}",
            last["forward_time"] > last["reverse_time"],
            f"{last['forward_time'] / last['reverse_time']:.0f}× the time",
        )
    return checks.exit_code()


def _plot(results: list[dict[str, object]]):
    """Time for the whole gradient against n, both modes, log–log: a ``viz.Plot``."""
    from matplotlib.figure import Figure  # a bare Figure draws with Agg: no pyplot, the kernel's backend untouched

    import viz

    ns = [r["n"] for r in results]
    fig = Figure(figsize=(5.5, 4))
    ax = fig.subplots()
    ax.loglog(ns, [r["forward_time"] * 1e3 for r in results], "o-", label="forward mode: n passes")
    ax.loglog(ns, [r["reverse_time"] * 1e3 for r in results], "s-", label="reverse mode: 1 pass")
    ax.set_xlabel("n (inputs of f: ℝⁿ → ℝ)")
    ax.set_ylabel("time for the whole gradient (ms)")
    ax.set_title("The gradient of f(x) = Σ tanh(xᵢ xᵢ₊₁)")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return viz.Plot(fig, dpi=110)


if __name__ == "__main__":
    _common.run(main)
