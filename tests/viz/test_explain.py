"""explain: the sum over paths equals BACKWARD, counts every path of the DAG, groups past max_paths."""

import math
import re
import time

import pytest
from hypothesis import given, settings
from viz_helpers import needs_renderer

from autograd_core import OPS, Value, gradients, topological_order
from autograd_core.testing import programs
from viz import explain
from viz.explain import Explanation


def lecture_neuron(x=1.5, w=0.8, b=-0.3, y=0.2, lam=0.1):
    """Seed 000's neuron with the lecture's names only: z = wx + b, u = σ(z), l = ½(y − u)², r = w², L = l + λr."""
    x, w, b, y, lam = Value(x, "x"), Value(w, "w"), Value(b, "b"), Value(y, "y"), Value(lam, "λ")
    z = w * x + b
    u = z.sigmoid()
    half_sq = 0.5 * (y - u) ** 2
    r = w**2
    L = half_sq + lam * r
    for v, name in ((z, "z"), (u, "u"), (half_sq, "l"), (r, "r"), (L, "L")):
        v.label = name
    return L, w


def paths_by_recursion(node, wrt):
    """The number of paths from wrt up to node, counted downwards through parents (an oracle for small graphs)."""
    return 1 if node is wrt else sum(paths_by_recursion(p, wrt) for p in node.parents)


def test_explain_seed_000_lecture_sum():
    L, w = lecture_neuron()
    e = explain(L, w)
    assert str(e) == ("∂L/∂w = ∂L/∂l·∂l/∂u·∂u/∂z·∂z/∂w + ∂L/∂r·∂r/∂w = (1)(0.5109)(0.2055)(1.5) + (0.1)(1.6) = 0.3175")
    assert [len(p.nodes) for p in e.paths] == [8, 4]  # w → w×x → z → u → y − u → ^2 → l → L; w → r → λ×r → L
    assert math.isclose(e.total, 0.31750041973872245, rel_tol=1e-12)
    assert math.isclose(e.total, gradients(L)[w], rel_tol=1e-12)
    assert e.paths[1].locals == (1.6, 0.1, 1.0)


def test_explain_merge_unlabelled_off_shows_every_edge():
    L, w = lecture_neuron()
    e = explain(L, w, merge_unlabelled=False)
    assert len(e.factors(e.paths[0])) == 7 and len(e.factors(e.paths[1])) == 3
    assert math.isclose(e.total, 0.3175004197387, rel_tol=1e-12)


def test_explain_square_has_two_paths():
    x = Value(3.0, "x")
    L = x * x
    e = explain(L, x)
    assert len(e.paths) == 2 and e.count == 2
    assert [p.positions for p in e.paths] == [(0,), (1,)]
    assert [p.product for p in e.paths] == [3.0, 3.0] and e.total == 6.0
    assert "input 1" in e.to_markdown() and "input 2" in e.to_markdown()


def test_explain_by_label_and_errors():
    L, w = lecture_neuron()
    assert explain(L, "w").wrt is w
    with pytest.raises(ValueError, match="no node labelled 'q'"):
        explain(L, "q")
    with pytest.raises(ValueError, match="not in the graph"):
        explain(L, Value(1.0, "other"))
    with pytest.raises(ValueError, match="max_paths"):
        explain(L, w, max_paths=0)
    with pytest.raises(TypeError, match="Value"):
        explain(1.0, w)


@settings(max_examples=60, deadline=None)
# Fixed-arity ops only: a Σ node of up to 64 edges (each used many times) multiplies the paths
# past max_paths, where explain groups them and this path-by-path check does not apply.
@given(programs(max_inputs=3, max_steps=8, ops=[name for name, op in OPS.items() if op.arity is not None]))
def test_explain_total_equals_backward_on_random_graphs(program):
    leaves = [Value(x, f"x{i}") for i, x in enumerate(program.inputs)]
    L = program.evaluate(*leaves)
    grads = gradients(L)
    below = set(topological_order(L))
    for leaf in leaves:
        if leaf not in below:
            continue
        e = explain(L, leaf, max_paths=100_000)  # variadic sums make many paths in few steps
        assert e.count == paths_by_recursion(L, leaf)
        assert len(e.paths) == e.count and not e.grouped
        scale = math.fsum(abs(p.product) for p in e.paths)
        assert abs(e.total - grads[leaf]) <= 1e-12 * max(abs(grads[leaf]), scale, 1e-300)
        for p in e.paths:  # each path is a chain of real edges from the leaf up to L
            assert p.nodes[0] is leaf and p.nodes[-1] is L
            assert all(child.parents[i] is low for low, child, i in zip(p.nodes, p.nodes[1:], p.positions))
            assert p.product == math.prod(p.locals)


def deep_square_chain(n):
    """v ← tanh(v·v + v), n times: 3 edges per level, so 3ⁿ paths from a to the top."""
    a = Value(0.9, "a")
    v = a
    for _ in range(n):
        v = (v * v + v).tanh()
    return v, a


def test_explain_groups_past_max_paths_and_never_hangs():
    L, a = deep_square_chain(40)
    start = time.perf_counter()
    e = explain(L, a)
    assert time.perf_counter() - start < 2.0
    assert e.count == 3**40 and e.grouped and e.paths == ()
    assert [g.count for g in e.groups] == [3**39] * 3
    assert [g.position for g in e.groups] == [0, 1, 1]  # both inputs of v·v, then input 2 of v·v + v
    assert math.isclose(math.fsum(g.product for g in e.groups), gradients(L)[a], rel_tol=1e-12)
    assert e.total == gradients(L)[a]
    text = e.to_markdown()
    assert "12,157,665,459,056,928,801 paths" in text and "more than max_paths = 64" in text


def test_explain_groups_list_their_paths_when_few():
    L, a = deep_square_chain(3)  # 27 paths
    e = explain(L, a, max_paths=20)
    assert e.grouped and [g.count for g in e.groups] == [9, 9, 9]
    assert [len(g.paths) for g in e.groups] == [9, 9, 0]  # a budget of 20 listed paths
    for g in e.groups[:2]:
        assert math.isclose(math.fsum(p.product for p in g.paths), g.product, rel_tol=1e-12)
    assert not explain(L, a, max_paths=27).grouped


def test_explain_long_chain_is_linear():
    a = Value(0.3, "a")
    v = a
    for _ in range(100_000):
        v = v.sin()
    e = explain(v, a)
    assert e.count == 1 and len(e.paths[0].nodes) == 100_001
    assert math.isclose(e.total, gradients(v)[a], rel_tol=1e-12)


# LaTeX: balanced braces, matched environments, only standard (LaTeX + amsmath) macros
GREEK = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau upsilon phi chi"
STANDARD = {"frac", "partial", "begin", "end", "quad", "text", "times", "cdot", "div", "surd", "vert", "infty", "sim"}
STANDARD |= {"backslash", "hat", "cdots", "varepsilon", "#", "$", "%", "&", "_", "{", "}", "\\"}
STANDARD |= {
    *GREEK.split(),
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Pi",
    "Sigma",
    "Phi",
    "Psi",
    "Omega",
}


def assert_standard_latex(latex):
    assert latex.startswith("$$") and latex.endswith("$$")
    depth = 0
    for k, c in enumerate(latex):
        if c in "{}" and latex[k - 1] != "\\":
            depth += 1 if c == "{" else -1
            assert depth >= 0, latex
    assert depth == 0, latex
    assert re.findall(r"\\begin\{(\w+)\}", latex) == re.findall(r"\\end\{(\w+)\}", latex)
    macros = set(re.findall(r"\\([A-Za-z]+|.)", latex))
    assert macros <= STANDARD, macros - STANDARD
    assert all(ord(c) < 128 for c in latex), [c for c in latex if ord(c) >= 128]


def test_explain_latex_is_standard_and_filled_in():
    L, w = lecture_neuron()
    latex = explain(L, w).to_latex()
    assert_standard_latex(latex)
    assert r"\frac{\partial L}{\partial l} \frac{\partial l}{\partial u}" in latex
    assert "&= (1)(0.5109)(0.2055)(1.5) + (0.1)(1.6)" in latex and "&= 0.3175" in latex
    assert explain(L, w)._repr_latex_() == latex


@pytest.mark.parametrize("label", ["a_b", "x^1.5", "{λ}", "100%", "$x$", "θ & φ", "w\\n", "é"])
def test_explain_latex_escapes_labels(label):
    x = Value(2.0, label)
    y = (x * 3.0).tanh()
    y.label = "y|z"
    for e in (explain(y, x), explain(deep_square_chain(5)[0], "a")):
        assert_standard_latex(e.to_latex())


def test_explain_markdown_escapes_labels():
    x = Value(2.0, "<script>alert(1)</script>|*b*")
    e = explain(x.exp(), x)
    text = e.to_markdown()
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert r"\|\*b\*" in text
    assert e._repr_markdown_() == text
    assert isinstance(e, Explanation)


@needs_renderer
def test_explain_draw_highlights_one_path():
    L, w = lecture_neuron()
    e = explain(L, w)
    source = e.draw(1).source  # w → r → λ×r → L
    thick = {m[1] for m in re.finditer(r"id=(\w+)[^\n]*penwidth=3", source)}
    index = {v: k for k, v in enumerate(topological_order(L))}
    r = e.paths[1].nodes[1]
    assert f"v{index[w]}" in thick and f"v{index[r]}" in thick and f"e{index[r]}_0" in thick
    assert f"v{index[e.paths[0].nodes[1]]}" not in thick  # w×x is on the other path
    with pytest.raises(IndexError, match="2 listed paths"):
        e.draw(2)
