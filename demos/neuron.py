# %% [markdown]
# # One neuron, seven partial derivatives
#
# Seed 000 (Lecture 2: Neural Nets), section **"The backpropagation algorithm"**.
#
# A single sigmoid neuron, a squared loss and a ridge penalty on one scalar data point (x, y):
#
#     z = wx + b,   u = σ(z),   l = ½(y − u)²,   r = w²,   L = l + λr
#
# The lecture first differentiates L by hand, getting two long expressions that recompute
# σ(wx + b) and σ′(wx + b), then shows that BACKWARD() gets the same numbers by visiting the
# graph once in reverse order, each node summing the messages of its children:
#
#     ∂L/∂v_i = Σ_j ∂L/∂v_j · ∂v_j/∂v_i      (j over the children of v_i)
#
# Here the engine runs BACKWARD() and we print ∂L/∂v for the seven variable nodes in the
# lecture's order (L, r, l, u, z, w, b; x and y are inputs, not variables) beside the closed
# forms. They must agree to 1e-12.
# %%
"""One neuron (seed 000): BACKWARD()'s seven partials of L = ½(y − σ(wx + b))² + λw² beside the closed forms.

Prints the message-passing sums in the lecture's order, checks them against the closed forms to
1e-12, and writes the graph (SVG) and the step-by-step BACKWARD page (HTML).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autograd_core import Value
from demos import _common

# %% [markdown]
# ## FORWARD(): build the graph
# The numbers are ours (the lecture keeps them symbolic). Every node gets the lecture's name, and
# the intermediate nodes that Python creates on the way (wx, y − u, …) get names too, so the
# picture reads like the slide.

# %%
X, Y, W, B, LAMBDA = 1.5, 0.2, 0.8, -0.3, 0.1


def forward(x: float = X, y: float = Y, w: float = W, b: float = B, lam: float = LAMBDA) -> dict[str, Value]:
    """FORWARD(): the nodes of L = ½(y − σ(wx + b))² + λw², by name."""
    v = {"x": Value(x, "x"), "y": Value(y, "y"), "w": Value(w, "w"), "b": Value(b, "b"), "λ": Value(lam, "λ")}
    v["wx"] = v["w"] * v["x"]
    v["z"] = v["wx"] + v["b"]
    v["u"] = v["z"].sigmoid()
    v["y − u"] = v["y"] - v["u"]
    v["(y − u)²"] = v["y − u"] ** 2
    v["l"] = 0.5 * v["(y − u)²"]
    v["r"] = v["w"] ** 2
    v["λr"] = v["λ"] * v["r"]
    v["L"] = v["l"] + v["λr"]
    for name, node in v.items():
        node.label = name
    return v


# %% [markdown]
# ## The closed forms of the lecture
# Written with plain floats, independently of the engine. The lecture's BACKWARD() list reads,
# in its order:
#
#     ∂_L L = 1,  ∂_r L = λ,  ∂_l L = 1,  ∂_u L = u − y,  ∂_z L = ∂_u L · σ′(z),
#     ∂_w L = ∂_z L · x + ∂_r L · 2w,  ∂_b L = ∂_z L
#
# and the hand derivation gives ∂L/∂w = (σ(wx+b) − y)σ′(wx+b)x + 2λw and
# ∂L/∂b = (σ(wx+b) − y)σ′(wx+b). (The notes print ∂_w L = ∂_u L · x + …; the factor σ′(z) is
# missing there: it is ∂_z L · x, as the numbers below confirm.)

# %%
ORDER = ("L", "r", "l", "u", "z", "w", "b")
SEED_000 = {
    "L": "1",
    "r": "λ",
    "l": "1",
    "u": "u − y",
    "z": "(u − y)σ′(z)",
    "w": "(σ(wx+b) − y)σ′(wx+b)x + 2λw",
    "b": "(σ(wx+b) − y)σ′(wx+b)",
}


def closed_forms(x: float = X, y: float = Y, w: float = W, b: float = B, lam: float = LAMBDA) -> dict[str, float]:
    """∂L/∂v for the seven variables, from seed 000's formulas, with σ′(z) = σ(z)(1 − σ(z))."""
    s = 1.0 / (1.0 + math.exp(-(w * x + b)))
    ds = s * (1.0 - s)
    return {
        "L": 1.0,
        "r": lam,
        "l": 1.0,
        "u": s - y,
        "z": (s - y) * ds,
        "w": (s - y) * ds * x + 2.0 * lam * w,
        "b": (s - y) * ds,
    }


def partials() -> dict[str, tuple[float, float]]:
    """The checked numbers: name → (engine's ∂L/∂v after BACKWARD(), closed form)."""
    v = forward()
    v["L"].backward()
    exact = closed_forms()
    return {name: (v[name].grad, exact[name]) for name in ORDER}


# %% [markdown]
# ## BACKWARD(), message by message
# For each variable, the messages ∂L/∂v_j · ∂v_j/∂v_i its children send, and their sum
# (``viz.backward_steps`` lists them). The engine stored each local derivative ∂v_j/∂v_i on the
# edge when it built the node; BACKWARD() only multiplies and adds.

# %%
def _name(v: Value) -> str:
    return f"({v.label})" if " " in v.label else v.label


def show_backward(root: Value) -> None:
    """Print ∂L/∂v_i = Σ_j ∂L/∂v_j · ∂v_j/∂v_i in numbers for the seven variables, in the lecture's order."""
    from viz import backward_steps

    steps = {step.node.label: step for step in backward_steps(root)}
    for name in ORDER:
        step = steps[name]
        if not step.messages:
            print(f"  ∂L/∂{name} = 1 (the root)")
            continue
        symbolic = " + ".join(f"∂L/∂{_name(m.child)}·∂{_name(m.child)}/∂{name}" for m in step.messages)
        numbers = " + ".join(f"({m.upstream:.6g})·({m.local:.6g})" for m in step.messages)
        print(f"  ∂L/∂{name} = {symbolic} = {numbers} = {step.grad:.6g}")


# %% [markdown]
# ## Run it: print, draw, check

# %%
def main(argv: Sequence[str] | None = None) -> int:
    """Print the seven partials beside the closed forms, draw the graph, check to 1e-12."""
    import viz

    args = _common.parse_args(__doc__, "neuron", argv)
    print("demos.neuron: seed 000, 'The backpropagation algorithm'")
    print(f"  z = wx + b, u = σ(z), l = ½(y − u)², r = w², L = l + λr   at x={X}, y={Y}, w={W}, b={B}, λ={LAMBDA}")
    v = forward()
    v["L"].backward()
    show_backward(v["L"])
    got = partials()
    rows = [(f"∂L/∂{n}", SEED_000[n], engine, exact, abs(engine - exact)) for n, (engine, exact) in got.items()]
    print(_common.table(["partial", "closed form (seed 000)", "BACKWARD()", "closed form", "|difference|"], rows))
    viz.render(v["L"], _common.output(args, "neuron_graph.svg"))
    viz.backward_html(v["L"], _common.output(args, "neuron_backward.html"),
                      title="Seed 000: BACKWARD() on L = ½(y − σ(wx + b))² + λw², step by step")
    checks = _common.Checks("neuron")
    engine, exact = zip(*got.values())
    checks.close("seven partials equal seed 000's closed forms", engine, exact, 1e-12)
    return checks.exit_code()


if __name__ == "__main__":
    _common.run(main)
