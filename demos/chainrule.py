# %% [markdown]
# # The chain rule by paths, backprop by hand, and a gradcheck that names the wrong rule
#
# Seed 000 (Lecture 2) works the single neuron z = wx + b, u = σ(z), l = ½(y − u)², r = w²,
# L = l + λr at x = 1.5, w = 0.8, b = −0.3, y = 0.2, λ = 0.1, and writes BACKWARD() as
# ∂L/∂v_i = Σ_j ∂L/∂v_j · ∂v_j/∂v_i.  Unrolled, that sum is a sum over *paths*: ∂L/∂w adds, for every
# path from w up to L, the product of the local derivatives on its edges.  Three lessons:
#
# 1. ``viz.explain(L, w)``: the two paths of w, with the numbers filled in (0.3175);
# 2. ``viz.exercise(L)``: a worksheet to do by hand, and a check that says *why* an answer is wrong;
# 3. a student's own σ row with a wrong derivative: ``gradcheck`` names that rule, and
#    ``check_op`` tests a row in one line.
#
# It also writes the BACKWARD animation (an SVG, no script) and the forward-mode page.

# %%
"""chainrule: ∂L/∂w as a sum over paths, a graded backprop-by-hand worksheet, and gradcheck naming a wrong rule.

Seed 000's neuron; checks the path sum, the worksheet's diagnoses and the localizer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autograd_core import OPS, GradcheckError, Op, Value, apply, gradcheck, gradients, register
from autograd_core.testing import check_op
from demos import _common
from viz import backward_animation, exercise, explain, forward_html

POINT = {"x": 1.5, "w": 0.8, "b": -0.3, "y": 0.2, "λ": 0.1}


def neuron(activation: str = "sigmoid", **point: float) -> tuple[Value, dict[str, Value]]:
    """Seed 000's neuron with the lecture's names: z = wx + b, u = σ(z), l = ½(y − u)², r = w², L = l + λr."""
    leaves = {name: Value(point.get(name, value), name) for name, value in POINT.items()}
    x, w, b, y, lam = leaves.values()
    z = w * x + b
    u = apply(activation, z)
    half_sq = 0.5 * (y - u) ** 2
    r = w**2
    L = half_sq + lam * r
    for v, name in ((z, "z"), (u, "u"), (half_sq, "l"), (r, "r"), (L, "L")):
        v.label = name
    return L, leaves


# %% [markdown]
# ## 1. ∂L/∂w is a sum over paths
# w reaches L twice: through z, u and l, and through r.  ``explain`` lists each path's local
# derivatives (unlabelled nodes such as w·x fold into the factor across them, as in the lecture).


# %%
def lesson_paths(args) -> dict:
    """∂L/∂w and ∂L/∂b as path sums; the first path of w drawn in red."""
    L, leaves = neuron()
    L.backward()
    e = explain(L, leaves["w"])
    _common.show(args, e.draw(0), "chainrule_path.svg")
    return {"explain": e, "text": str(e), "latex": e.to_latex(), "backward": gradients(L)[leaves["w"]],
            "b": explain(L, leaves["b"])}  # fmt: skip


# %% [markdown]
# ## 2. Backprop by hand, graded
# The worksheet hides every ∂L/∂v.  A student who forgets that w has two children gets ∂L/∂w =
# 0.1575; one who takes σ′(z) as σ(z) gets ∂L/∂z wrong and carries it down to w, b and x.


# %%
def lesson_exercise(args) -> dict:
    """The worksheet and its key; answers all right, with a missed child, and with a wrong σ′."""
    L, _ = neuron()
    ex = exercise(L)
    if args.out is not None:  # files for print (in a notebook without --out, none)
        ex.save(_common.output(args, "chainrule_worksheet.svg"))
        ex.save(_common.output(args, "chainrule_answer_key.md"), reveal=True)
    key = {ex.names[v]: ex.expected[v] for v in ex.nodes}
    missed = dict(key, w=key["z"] * 1.5)  # the path through r left out
    slip = dict(key)
    slip["z"] = key["u"] * ex.node("u").data  # σ′(z) taken as σ(z)
    wx = ex.names[ex.node("z").parents[0]]  # the unlabelled w·x, named as the worksheet shows it
    for name, factor in ((wx, 1.0), ("b", 1.0), ("w", 1.5), ("x", 0.8)):
        slip[name] = slip["z"] * factor + (0.16 if name == "w" else 0.0)
    return {"exercise": ex, "right": ex.check(key), "missed": ex.check(missed), "slip": ex.check(slip)}


# %% [markdown]
# ## 3. A wrong rule, named
# A student adds σ as a row of their own and writes its derivative as v(1 + v) instead of v(1 − v).
# ``gradcheck`` fails, and checking every node's rule against a central difference of that row's own
# forward names the row, the input and the point.  ``check_op`` tests the right row in one line.

# %%
MY_SIGMOID = Op("my_sigmoid", "σ", 1, forward=lambda x: 1 / (1 + math.exp(-x)), formula="∂v/∂x = v(1 − v)",
                local=lambda x, v: (v * (1 - v),))  # fmt: skip
MY_SIGMOID_WRONG = Op("my_sigmoid_wrong", "σ", 1, forward=MY_SIGMOID.forward, formula="∂v/∂x = v(1 + v) (wrong)",
                      local=lambda x, v: (v * (1 + v),))  # fmt: skip


def lesson_localizer() -> dict:
    """gradcheck on the wrong row (its message and culprits), and the right row through gradcheck and check_op."""
    for op in (MY_SIGMOID, MY_SIGMOID_WRONG):
        register(op, replace=True)
    try:
        try:
            gradcheck(lambda w, b: _loss(w, b, "my_sigmoid_wrong"), 0.8, -0.3)
            message, culprits = "passed", []
        except GradcheckError as error:
            message, culprits = str(error), error.culprits
        right = gradcheck(lambda w, b: _loss(w, b, "my_sigmoid"), 0.8, -0.3)
        tested = check_op("my_sigmoid", reference=lambda x: 0.5 * (1 + math.tanh(x / 2)), max_examples=25)
    finally:
        for op in (MY_SIGMOID, MY_SIGMOID_WRONG):
            OPS.pop(op.name, None)
    return {"message": message, "culprits": culprits, "right": right, "check_op": tested}


def _loss(w: Value, b: Value, activation: str) -> Value:
    """L(w, b) of seed 000's neuron with the given σ row."""
    x, y, lam = 1.5, 0.2, 0.1
    u = apply(activation, w * x + b)
    return 0.5 * (y - u) ** 2 + lam * w**2


# %%
def main(argv: Sequence[str] | None = None) -> int:
    """Run the three lessons, print them in the lecture's notation, check them, write the pictures."""
    args = _common.parse_args(__doc__, "chainrule", argv)
    print("demos.chainrule: seed 000's neuron at x = 1.5, w = 0.8, b = −0.3, y = 0.2, λ = 0.1")
    p = lesson_paths(args)
    print("1. " + p["text"])
    print("   " + str(p["b"]))
    x = lesson_exercise(args)
    print("2. a worksheet for backprop by hand, checked three times:")
    for name in ("right", "missed", "slip"):
        print(f"   {name}: {x[name]._summary()}")
    c = lesson_localizer()
    print("3. " + c["message"].split("\n")[0])
    print(f"   the right row: gradcheck {c['right']}, check_op {c['check_op']}")
    L, _ = neuron()
    if args.out is not None:
        backward_animation(L, _common.output(args, "chainrule_backward.svg"))
        forward_html(L, "w", _common.output(args, "chainrule_forward.html"))

    checks = _common.Checks("chainrule")
    e = p["explain"]
    checks.close("the path sum is (1)(0.5109)(0.2055)(1.5) + (0.1)(1.6) = 0.3175", [e.total], [0.3175004197387], 1e-12)
    checks.close("it equals BACKWARD's ∂L/∂w", [e.total], [p["backward"]], 1e-12)
    checks.that("w has two paths, b one", len(e.paths) == 2 and len(p["b"].paths) == 1)
    checks.that("the text is the lecture's", p["text"].startswith("∂L/∂w = ∂L/∂l·∂l/∂u·∂u/∂z·∂z/∂w + ∂L/∂r·∂r/∂w"))
    checks.that("all-right answers pass", x["right"].ok)
    first = x["missed"].first
    through_r = first.diagnosis.kind == "missed child" and first.diagnosis.edges[0][0].label == "r"
    checks.that("the forgotten path is a missed child through r", first.name == "w" and through_r)
    slip = x["slip"]
    checks.that("σ(z) for σ′(z) is a wrong local derivative on z → u",
                slip.first.name == "z" and slip.first.diagnosis.kind == "wrong local derivative")  # fmt: skip
    checks.that("and carried down to w, b, x as upstream errors",
                all(slip[n].diagnosis.kind == "upstream error" for n in ("w", "b", "x")))  # fmt: skip
    checks.that("gradcheck names my_sigmoid_wrong, input 0, at z = 0.9",
                [(k.op, k.input) for k in c["culprits"]] == [("my_sigmoid_wrong", 0)]
                and "the rule of op 'my_sigmoid_wrong' is wrong for input 0 at x = 0.9" in c["message"])  # fmt: skip
    checks.that("the right row passes gradcheck and check_op", c["right"] and c["check_op"])
    return checks.exit_code()


if __name__ == "__main__":
    _common.run(main)
