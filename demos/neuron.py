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
# Here the engine builds the graph, and we print the lecture's BACKWARD() lines for its seven
# variable nodes in its order (L, r, l, u, z, w, b; x and y are inputs, not variables), in its
# notation ∂_v L := ∂L/∂v, with the numbers; then ∂L/∂v beside the closed forms. The engine's
# own BACKWARD() must agree with both to 1e-12.
# %%
"""One neuron (seed 000): BACKWARD()'s seven partials of L = ½(y − σ(wx + b))² + λw² beside the closed forms.

Prints the message-passing sums in the lecture's order, checks them against the closed forms to
1e-12, and writes the graph (SVG) and the step-by-step BACKWARD page (HTML).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autograd_core import Value, topological_order
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
# ## BACKWARD() over the lecture's seven nodes
# The lecture's graph has seven variable nodes; the engine's has a few more, made by Python on
# the way (wx, y − u, (y − u)², λr). Each lecture edge v_i → v_j is a path through such helper
# nodes, and by the chain rule its local derivative ∂_{v_i} v_j is the product of the engine's
# local derivatives along the path (summed if there are several paths), e.g.
# ∂_u l = ∂(y − u)/∂u · ∂(y − u)²/∂(y − u) · ∂l/∂(y − u)² = (−1)·2(y − u)·½ = u − y.
# Folding the helper nodes away gives the lecture's graph, and BACKWARD() on it reads like the
# lecture, term by term:
#
#     ∂_v L = Σ_j ∂_{v_j} L · ∂_v v_j      (j over the children of v)

# %%
EDGES = {
    ("r", "L"): "λ",
    ("l", "L"): "1",
    ("u", "l"): "u − y",
    ("z", "u"): "σ′(z)",
    ("w", "z"): "x",
    ("w", "r"): "2w",
    ("b", "z"): "1",
}
"""The lecture's edges (v, child) with the local derivative ∂_v child as it writes it, in its order."""


def local_forms(
    x: float = X, y: float = Y, w: float = W, b: float = B, lam: float = LAMBDA
) -> dict[tuple[str, str], float]:
    """∂_v child for the lecture's edges, from the formulas of ``EDGES`` with plain floats."""
    s = 1.0 / (1.0 + math.exp(-(w * x + b)))
    forms = {"λ": lam, "1": 1.0, "u − y": s - y, "σ′(z)": s * (1.0 - s), "x": x, "2w": 2.0 * w}
    return {edge: forms[formula] for edge, formula in EDGES.items()}


def lecture_edges(v: dict[str, Value]) -> dict[tuple[str, str], float]:
    """∂_v child for every lecture edge in the graph: the product of local derivatives along each path, summed.

    A path runs from lecture node v through helper nodes only (wx, y − u, …) to a lecture node.
    """
    name = {v[n]: n for n in ORDER}
    children: dict[Value, list[tuple[Value, float]]] = {}
    for node in topological_order(v["L"]):
        for parent, d in zip(node.parents, node.local_grads):
            children.setdefault(parent, []).append((node, d))
    edges: dict[tuple[str, str], float] = {}
    for start in ORDER:
        paths = [(child, d) for child, d in children.get(v[start], ())]
        while paths:
            node, product = paths.pop()
            if node in name:
                edge = (start, name[node])
                edges[edge] = edges.get(edge, 0.0) + product
            else:
                paths += [(child, product * d) for child, d in children.get(node, ())]
    return edges


def message_passing(v: dict[str, Value]) -> dict[str, tuple[list[tuple[str, float, float]], float]]:
    """The checked numbers: for each lecture node in order, its terms (child, ∂_child L, ∂_v child) and ∂_v L."""
    local = lecture_edges(v)
    grads: dict[str, float] = {}
    steps = {}
    for node in ORDER:
        terms = [(child, grads[child], local[(i, child)]) for (i, child) in EDGES if i == node]
        grads[node] = sum(g * d for _, g, d in terms) if terms else 1.0
        steps[node] = (terms, grads[node])
    return steps


def fmt(x: float) -> str:
    """A number to 6 digits with the Unicode minus, as the lecture writes u − y."""
    return f"{x:.6g}".replace("-", "−")


def show_backward(v: dict[str, Value]) -> list[str]:
    """The lecture's BACKWARD() lines in its order and notation, with the numbers: ∂_w L = ∂_z L · ∂_w z + … = …"""
    lines = []
    for node, (terms, grad) in message_passing(v).items():
        if not terms:
            lines.append(f"∂_{node} L = 1")
        elif terms[0][0] == "L":  # a child of L itself: the lecture reads ∂_r L = λ off L = l + λr
            formula = EDGES[(node, "L")]
            lines.append(f"∂_{node} L = {formula}" + ("" if formula == fmt(grad) else f" = {fmt(grad)}"))
        else:
            chain = " + ".join(f"∂_{child} L · ∂_{node} {child}" for child, _, _ in terms)
            formulas = " + ".join(f"∂_{child} L · {_factor(EDGES[(node, child)])}" for child, _, _ in terms)
            numbers = " + ".join(f"{_factor(fmt(g))} · {_factor(fmt(d))}" for _, g, d in terms)
            lines.append(f"∂_{node} L = {chain} = {formulas} = {numbers} = {fmt(grad)}")
    return lines


def _factor(term: str) -> str:
    """A formula or number in parentheses when it is a sum or negative, so that · binds as meant."""
    return f"({term})" if " " in term or term.startswith("−") else term


# %% [markdown]
# ## Run it: print, draw, check


# %%
def main(argv: Sequence[str] | None = None) -> int:
    """Print the seven partials beside the closed forms, draw the graph, check to 1e-12."""
    import viz

    args = _common.parse_args(__doc__, "neuron", argv)
    print("demos.neuron: seed 000, 'The backpropagation algorithm'")
    print(
        f"  z = wx + b, u = σ(z), l = ½(y − u)², r = w², L = l + λr   at x = {fmt(X)}, y = {fmt(Y)}, "
        f"w = {fmt(W)}, b = {fmt(B)}, λ = {fmt(LAMBDA)}"
    )
    v = forward()
    v["L"].backward()
    print("  BACKWARD() over the lecture's seven nodes, ∂_v L = Σ_j ∂_{v_j} L · ∂_v v_j:")
    for line in show_backward(v):
        print(f"    {line}")
    got = partials()
    rows = [(f"∂L/∂{n}", SEED_000[n], engine, exact, abs(engine - exact)) for n, (engine, exact) in got.items()]
    print(_common.table(["partial", "closed form (seed 000)", "BACKWARD()", "closed form", "|difference|"], rows))
    _common.show(args, viz.draw_graph(v["L"], rankdir="TB"), "neuron_graph.svg")  # narrow: the README shows it
    title = "Seed 000: BACKWARD() on L = ½(y − σ(wx + b))² + λw², step by step"
    _common.show(args, viz.backward_html(v["L"], title=title), "neuron_backward.html")
    checks = _common.Checks("neuron")
    engine, exact = zip(*got.values())
    checks.close("seven partials equal seed 000's closed forms", engine, exact, 1e-12)
    local = lecture_edges(v)
    checks.that("the graph, helper nodes folded, has exactly the lecture's edges", set(local) == set(EDGES))
    lecture = [grad for _, grad in message_passing(v).values()]
    checks.close("the lecture's message passing gives BACKWARD()'s partials", lecture, engine, 1e-12)
    return checks.exit_code()


if __name__ == "__main__":
    _common.run(main)
