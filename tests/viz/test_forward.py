"""forward_html: the forward-mode page in headless Chromium, stepped with the arrow key, tangents checked against
jvp-style push_tangents; the reverse-vs-forward counts; the page is self-contained and escapes labels."""

import html
import json

import pytest
from viz_helpers import needs_renderer, seed_000

from autograd_core import Value, gradients, topological_order
from autograd_core.graph import push_tangents
from viz import forward_html
from viz.dot import fmt
from viz.expressions import square
from viz.forward import comparison, forward_data

pytestmark = needs_renderer

STATE = """JSON.stringify({
  frame: document.getElementById('frame').textContent,
  equation: document.getElementById('equation').textContent,
  grad: document.getElementById('equation').dataset.grad,
  current: Array.from(document.querySelectorAll('g.current')).map(g => g.id),
  lines: Object.fromEntries(Array.from(document.querySelectorAll('g.value')).map(g =>
    [g.id, Array.from(g.querySelectorAll('text')).map(t => t.textContent).filter(t => t.startsWith('v̇'))])),
  mults: document.getElementById('forward-mults').textContent,
})"""


@pytest.mark.parametrize("build", [lambda: seed_000()[0], square], ids=["seed_000", "square"])
def test_forward_html_every_frame_shows_the_tangents(browser, build, tmp_path):
    L = build()
    order = topological_order(L)
    wrt = next(v for v in order if v.label in ("w", "x"))
    tangent = push_tangents(L, {wrt: 1.0})
    page = forward_html(L, wrt, tmp_path / "fwd.html")
    browser.open(page.as_uri())
    for k, v in enumerate(order):
        state = json.loads(browser.js(STATE))
        assert state["frame"] == f"step {k + 1} of {len(order)}"
        assert state["current"] == [f"v{k}"]
        assert float(state["grad"]) == tangent[v]
        for j, u in enumerate(order):
            got = state["lines"][f"v{j}"]  # a constant shows its number only
            assert got == ([] if not (u.label or u.parents) else [f"v̇ {fmt(tangent[u])}" if j <= k else "v̇ ?"]), (k, j)
        browser.key("ArrowRight", 39)
    assert float(json.loads(browser.js(STATE))["grad"]) == tangent[L] == pytest.approx(gradients(L)[wrt], rel=1e-12)


def test_forward_data_sums_over_parents():
    L, nodes = seed_000()
    data = forward_data(L, nodes["w"])
    by_name = {s["name"]: s for s in data["steps"]}
    assert by_name["w"]["equation"].startswith("v̇_w = 1: the seed")
    assert by_name["x"]["grad"] == 0.0 and "another leaf" in by_name["x"]["equation"]
    assert by_name["z"]["equation"] == "v̇_z = 1·1.5 + 1·0 = 1.5"
    assert [m["product"] for m in by_name["wx"]["messages"]] == [1.5, 0.0]
    assert data["valueLine"] == "v̇"


def test_forward_comparison_counts_passes_and_multiplications():
    L, _ = seed_000()
    c = comparison(L)
    assert c["leaves"] == 5 and c["edges"] == 15
    assert (c["reverse_passes"], c["forward_passes"]) == (1, 5)
    assert (c["reverse_multiplications"], c["forward_multiplications"]) == (15, 75)
    for name, reverse, forward in c["rows"]:
        assert forward == pytest.approx(reverse, rel=1e-12), name


def test_forward_html_inline_and_escaped(tmp_path):
    x = Value(2.0, "<script>alert(1)</script>")
    L = (x * x).tanh()
    page = forward_html(L, x)
    assert "<script>alert" not in page.html
    frame = page._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and "<script>alert" not in html.unescape(frame).split("</h1>")[0]
    assert page.save(tmp_path / "p.html").read_text() == page.html
    with pytest.raises(ValueError, match="no leaves labelled 'q'"):
        forward_html(L, "q")
