# %% [markdown]
# # Trust, but check: gradcheck
#
# Seed 000 (Lecture 2) warns that "sitting and deriving gradients is tedious and may lead to
# errors". The engine keeps every hand-written derivative in one table, and ships the tool that
# checks them: ``gradcheck(f, *inputs)`` compares reverse mode with central differences
#
#     ∂f/∂x_i ≈ (f(x + εe_i) − f(x − εe_i)) / 2ε
#
# for every input, and either returns True or raises ``GradcheckError`` with a table. Three
# lessons:
#
# 1. a small network passes;
# 2. a new op with a wrong hand derivative is caught, with the mismatch table (and a warning:
#    one lucky point can hide the bug);
# 3. at a kink (ReLU at 0, seed 001: "ReLU's gradient is undefined at x = 0") finite differences
#    mean nothing, and gradcheck says so with a ``KinkWarning`` instead of a false failure.
# %%
"""gradcheck: a small network passes, a wrong hand derivative is caught with its table, a kink is reported.

Checks that gradcheck passes, fails and warns exactly where it should.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

from autograd_core import OPS, GradcheckError, KinkWarning, Op, apply, gradcheck, register, value_and_grad
from demos import _common

# %% [markdown]
# ## 1. A small network passes
# A 2-2-1 network, tanh hidden units and a sigmoid output, with a squared loss on one sample
# (x = (1.0, −2.0), t = 1). Its nine parameters are the inputs of the function gradcheck sees.

# %%
NETWORK_POINT = (0.5, -0.3, 0.8, 0.2, 0.1, -0.3, 1.1, -0.7, 0.05)


def network_loss(w11, w12, w21, w22, b1, b2, v1, v2, c):
    """½(σ(v₁h₁ + v₂h₂ + c) − t)² with h_j = tanh(w_j1 x₁ + w_j2 x₂ + b_j)."""
    x1, x2, t = 1.0, -2.0, 1.0
    h1 = (w11 * x1 + w12 * x2 + b1).tanh()
    h2 = (w21 * x1 + w22 * x2 + b2).tanh()
    y = (v1 * h1 + v2 * h2 + c).sigmoid()
    return 0.5 * (y - t) ** 2


# %% [markdown]
# ## 2. A new op with a wrong derivative
# Suppose a student adds softplus(x) = ln(1 + eˣ) as a new row of the op table. Its derivative is
# σ(x) = 1/(1 + e⁻ˣ); a classic slip is to write 1/(1 + eˣ), which is σ(−x). Each version is
# an ``Op`` (name, symbol, arity, then forward=, local= rule and formula= by keyword), used through ``apply`` exactly
# like the built-in rows: the engine trusts whatever the rule says.


# %%
def _softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))  # ln(1 + eˣ) without overflow


SOFTPLUS = Op(
    "softplus",
    "softplus",
    1,
    forward=_softplus,
    local=lambda x, v: (1.0 / (1.0 + math.exp(-x)),),
    formula="∂v/∂x = σ(x)",
)
SOFTPLUS_WRONG = Op(
    "softplus_wrong",
    "softplus",
    1,
    forward=_softplus,
    local=lambda x, v: (1.0 / (1.0 + math.exp(x)),),
    formula="∂v/∂x = σ(−x)",
)


def neuron_with(op: Op):
    """f(w, x) = softplus(w·x): one neuron with the given softplus row."""

    def f(w, x):
        return apply(op, w * x)

    return f


def check_table(f, *inputs: float, ops: Sequence[Op] = ()) -> str:
    """'passed', or the GradcheckError's mismatch table; ``ops`` are new rows, in the table meanwhile."""
    for op in ops:
        register(op)
    try:
        gradcheck(f, *inputs)
    except GradcheckError as error:
        return str(error)
    finally:
        for op in ops:
            del OPS[op.name]
    return "passed"


# %% [markdown]
# At w = 0 the wrong rule gives σ(−0) = σ(0) = ½, the right answer by luck: a check at one point
# can pass a wrong derivative. Check at several points, away from symmetric ones.

# %%
WRONG_POINT, LUCKY_POINT = (0.8, 1.5), (0.0, 1.5)

# %% [markdown]
# ## 3. A kink is reported as a kink
# relu(w·x + b) at w = 0.5, x = 2, b = −1: the pre-activation is exactly 0. The engine uses
# relu′(0) = 0 (PyTorch's convention); the central difference sees half of the slope, 0.5·x.
# Neither is "the" derivative: gradcheck warns instead of failing.


# %%
def relu_neuron(w, b):
    """relu(w·2 + b)."""
    return (w * 2.0 + b).relu()


KINK_POINT = (0.5, -1.0)


def results() -> dict[str, object]:
    """The checked outcomes of the three lessons."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kink_passed = gradcheck(relu_neuron, *KINK_POINT)
    return {
        "network": check_table(network_loss, *NETWORK_POINT),
        "right_rule": check_table(neuron_with(SOFTPLUS), *WRONG_POINT, ops=[SOFTPLUS]),
        "wrong_rule": check_table(neuron_with(SOFTPLUS_WRONG), *WRONG_POINT, ops=[SOFTPLUS_WRONG]),
        "wrong_rule_lucky_point": check_table(neuron_with(SOFTPLUS_WRONG), *LUCKY_POINT, ops=[SOFTPLUS_WRONG]),
        "kink_passed": kink_passed,
        "kink_warnings": [str(w.message) for w in caught if issubclass(w.category, KinkWarning)],
        "other_warnings": [str(w.message) for w in caught if not issubclass(w.category, KinkWarning)],
    }


# %%
def main(argv: Sequence[str] | None = None) -> int:
    """Run the three lessons, print what gradcheck says, check it says the right thing."""
    _common.parse_args(__doc__, "gradcheck", argv)
    print("demos.gradcheck: reverse mode against central differences (seed 000: hand derivatives 'may lead to errors')")
    r = results()
    _, partials = value_and_grad(network_loss, argnums=tuple(range(9)))(*NETWORK_POINT)
    names = network_loss.__code__.co_varnames[:9]
    print("1. 2-2-1 network, ∂L/∂θ by reverse mode:")
    print(_common.table(["θ", "value", "∂L/∂θ"], list(zip(names, NETWORK_POINT, partials))))
    print(f"   gradcheck(network_loss, …): {r['network']}")
    print(f"2. softplus with ∂v/∂x = σ(x) at (w, x) = {WRONG_POINT}: {r['right_rule']}")
    print(f"   softplus with ∂v/∂x = σ(−x) at (w, x) = {WRONG_POINT}:")
    print("   " + r["wrong_rule"].replace("\n", "\n   "))
    print(f"   the same wrong rule at the lucky point (w, x) = {LUCKY_POINT}: {r['wrong_rule_lucky_point']}")
    print(f"3. relu(2w + b) at (w, b) = {KINK_POINT}, where 2w + b = 0:")
    for message in r["kink_warnings"]:
        print(f"   KinkWarning: {message}")
    print(f"   gradcheck returned {r['kink_passed']} (at a kink the analytic value lies between the one-sided slopes)")

    checks = _common.Checks("gradcheck")
    checks.that("the network passes", r["network"] == "passed")
    checks.that("the right softplus rule passes", r["right_rule"] == "passed")
    checks.that("the wrong rule is caught, ∂f/∂w and ∂f/∂x both MISMATCH", r["wrong_rule"].count("MISMATCH") == 2)
    checks.that("the wrong rule slips through at the lucky point w = 0", r["wrong_rule_lucky_point"] == "passed")
    checks.that(
        "the kink is reported for both w and b, as KinkWarnings naming relu",
        len(r["kink_warnings"]) == 2 and all("relu" in m for m in r["kink_warnings"]),
        f"{len(r['kink_warnings'])} warning(s)",
    )
    checks.that("no other warnings", not r["other_warnings"])
    return checks.exit_code()


if __name__ == "__main__":
    _common.run(main)
