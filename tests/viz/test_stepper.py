"""backward_html: the page in headless Chromium, stepped frame by frame with the arrow key, numbers checked."""

import json
import math
import re
import time

import pytest
from viz_helpers import needs_renderer, seed_000

from autograd_core import Value, gradients, reverse_topological_order, topological_order
from viz import backward_html, neuron_part
from viz.dot import fmt, part_order
from viz.expressions import square
from viz.stepper import script_json, steps_data

pytestmark = needs_renderer


STATE = """JSON.stringify({
  frame: document.getElementById('frame').textContent,
  equation: document.getElementById('equation').textContent,
  grad: document.getElementById('equation').dataset.grad,
  current: Array.from(document.querySelectorAll('g.current')).map(g => g.id),
  incoming: Array.from(document.querySelectorAll('g.incoming')).map(g => g.id).sort(),
  grads: Object.fromEntries(Array.from(document.querySelectorAll('g.value')).map(g =>
    [g.id, (Array.from(g.querySelectorAll('text')).map(t => t.textContent).find(t => t.startsWith('grad')))])),
  messages: Array.from(document.querySelectorAll('#messages li')).map(li => li.textContent),
  node: document.getElementById('node').textContent,
  shownName: document.querySelector('g.current text')?.textContent,
})"""


def shown(text: str) -> float:
    return float(text.replace("−", "-").replace("∞", "inf").strip("()"))


def overflowing() -> Value:
    """L = (a·10²⁰⁰)·10²⁰⁰ = inf with ∂L/∂a = 10⁴⁰⁰ = inf: the page must still load and step."""
    a = Value(3.0, "a")
    h = a * 1e200
    h.label = "h"
    L = h * 1e200
    L.label = "L"
    return L


def unlabelled() -> Value:
    """tanh(w×x)×x + 2 with only x and w labelled: interior nodes go by their expressions or v{k}."""
    x, w = Value(0.5, "x"), Value(-1.3, "w")
    return (w * x).tanh() * x + 2.0


@pytest.mark.parametrize(
    "build", [lambda: seed_000()[0], square, overflowing, unlabelled], ids=["seed_000", "square", "inf", "unlabelled"]
)
def test_backward_html_every_frame_shows_the_engine_grads(browser, build, tmp_path):
    root = build()
    page = backward_html(root, tmp_path / "steps.html")
    engine = gradients(root)
    order = reverse_topological_order(root)
    index = {v: k for k, v in enumerate(topological_order(root))}
    browser.open(page.as_uri())
    for k, node in enumerate(order):
        state = json.loads(browser.js(STATE))
        assert state["frame"] == f"step {k + 1} of {len(order)}"
        assert state["current"] == [f"v{index[node]}"]
        assert state["node"].startswith(f"{state['shownName']} (")  # the panel names the node as the picture does
        assert float(state["grad"]) == pytest.approx(engine[node], rel=1e-12)
        _, *terms, total = re.split(r" = ", state["equation"])
        assert shown(total.split()[0]) == pytest.approx(engine[node], rel=5e-4)
        if node is not root:  # the chain-rule sum in the numbers shown adds up to the grad
            products = [shown(a) * shown(b) for a, b in (t.split("·") for t in terms[0].split(" + "))]
            assert sum(products) == pytest.approx(engine[node], rel=2e-3, abs=1e-9)
            assert len(state["messages"]) == len(products)
            expected_edges = sorted(f"e{index[c]}_{i}" for c in index for i, p in enumerate(c.parents) if p is node)
            assert state["incoming"] == expected_edges
        for v, j in index.items():
            text = state["grads"].get(f"v{j}")
            assert (text is None) == (not v.parents and not v.label)  # constants show no grad line
            if text is not None:
                final = order.index(v) <= k
                assert text == (f"grad {fmt(engine[v])}" if final else "grad ?")
        browser.key("ArrowRight", 39)
    assert json.loads(browser.js(STATE))["frame"] == f"step {len(order)} of {len(order)}"  # stops at the end
    browser.js("document.getElementById('prev').click()")
    assert json.loads(browser.js(STATE))["frame"] == f"step {len(order) - 1} of {len(order)}"


def test_backward_html_opens_at_the_step_in_the_url(browser, tmp_path):
    L = seed_000()[0]
    page = backward_html(L, tmp_path / "steps.html")
    browser.open(page.as_uri() + "#step=5")
    assert json.loads(browser.js(STATE))["frame"] == f"step 5 of {len(reverse_topological_order(L))}"


def test_backward_html_is_self_contained_and_escapes_labels(tmp_path):
    x = Value(2.0, "</script><script>alert(1)</script>")
    y = x * x
    y.label = "<b>&"
    text = backward_html(y, tmp_path / "s.html", title="<i>t</i>").read_text()
    assert text.count("<script") == 2 and "alert(1)</script>" not in text
    assert "<title>&lt;i&gt;t&lt;/i&gt;</title>" in text
    assert "http://" not in text.replace("http://www.w3.org/", "") and "https://" not in text
    data = json.loads(re.search(r'<script id="steps" type="application/json">(.*?)</script>', text, re.S)[1])
    assert data["steps"][1]["name"] == "</script><script>alert(1)</script>"


def test_script_json_writes_non_finite_numbers_as_strings():
    a = Value(3.0, "a")
    L = (a * 1e200) * 1e200 - (a * math.inf)  # inf − inf = nan
    text = script_json(steps_data(L))
    assert "Infinity" not in text and "NaN" not in text
    data = json.loads(text)
    grads = {step["name"]: step["grad"] for step in data["steps"]}
    assert grads["a"] == "nan" and data["steps"][0]["grad"] == 1.0
    assert any(m["local"] == "inf" for step in data["steps"] for m in step["messages"])
    assert any("−∞" in step["equation"] or "∞" in step["equation"] for step in data["steps"])


def test_steps_data_of_a_neuron_part_steps_only_through_the_drawn_nodes():
    nn = pytest.importorskip("nn")
    out = nn.MLP(2, [3, 2, 1], activation="tanh", seed=4)([0.5, -1.2])
    neuron, others = neuron_part(out, "L2.N1")
    drawn = part_order(neuron, others)
    index = {v: k for k, v in enumerate(drawn)}
    engine = gradients(neuron)
    steps = steps_data(neuron, others)["steps"]
    assert [s["node"] for s in steps] == [f"v{index[v]}" for v in reverse_topological_order(neuron) if v in index]
    assert all(s["grad"] == pytest.approx(engine[drawn[int(s["node"][1:])]], rel=1e-12) for s in steps)
    inputs = [s for s in steps if s["kind"] == "computed outside this part"]
    assert sorted(s["name"] for s in inputs) == ["L1.N1", "L1.N2", "L1.N3"]
    assert {m["child"] for s in steps for m in s["messages"]} <= {f"v{k}" for k in index.values()}


def test_script_json_cannot_end_the_script_block():
    assert "</" not in script_json({"a": "</script>"}) and json.loads(script_json({"a": "</script>&"})) == {
        "a": "</script>&"
    }


def chain(n: int) -> Value:
    """x → (((x·1.1 + 0.1)·1.1 + 0.1)…): a graph far wider than the window."""
    v = Value(0.5, "x")
    for k in range(n):
        v = v * 1.1 + 0.1
        v.label = f"s{k + 1}"
    return v


GEOMETRY = """JSON.stringify((() => {
  const box = document.getElementById('graph'), b = box.getBoundingClientRect();
  const r = document.querySelector('g.current').getBoundingClientRect();
  const texts = Array.from(document.querySelectorAll('#graph svg text'), t => t.getBoundingClientRect().height);
  const svg = document.querySelector('#graph svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = Array.from(document.querySelectorAll('#graph svg text'), t => parseFloat(t.getAttribute('font-size')));
  return {fit: box.classList.contains('fit'), button: document.getElementById('fit').textContent,
          svg: svg.getBoundingClientRect().width, box: box.clientWidth, smallest: Math.min(...sizes) * scale,
          offset: (r.left + r.width / 2) - (b.left + box.clientWidth / 2)};
})())"""


def test_backward_html_opens_wide_graphs_readable_and_fits_on_request(browser, tmp_path):
    root = chain(30)
    browser.open(backward_html(root, tmp_path / "wide.html").as_uri())
    readable = json.loads(browser.js(GEOMETRY))
    assert not readable["fit"] and readable["button"] == "Fit to width"
    assert readable["smallest"] >= 9 - 1e-6 and readable["svg"] > 3 * readable["box"]  # text ≥ 9 px; it scrolls
    browser.js("document.getElementById('fit').click()")
    fitted = json.loads(browser.js(GEOMETRY))
    assert fitted["fit"] and fitted["button"] == "Readable size" and fitted["svg"] <= fitted["box"] + 1
    browser.key("f", 70)
    for _ in range(30):  # to the middle of the chain, s15's op: far from both ends of the picture
        browser.key("ArrowRight", 39)
    back = json.loads(browser.js(GEOMETRY))
    assert not back["fit"] and back["smallest"] == pytest.approx(readable["smallest"])
    assert abs(back["offset"]) < 3  # the current node sits in the middle, not at the edge


def test_backward_html_opens_an_mlp_neuron_with_readable_text(browser, tmp_path):
    import nn

    model = nn.MLP(2, [16, 16, 1], seed=0)
    out, others = neuron_part(model([0.5, -1.2]), "L2.N3")
    browser.open(backward_html(out, tmp_path / "neuron.html", stop_at=others).as_uri())
    page = json.loads(browser.js(GEOMETRY))
    assert not page["fit"] and page["smallest"] >= 9 - 1e-6


def test_backward_html_shows_small_graphs_at_natural_size(browser, tmp_path):
    browser.open(backward_html(square(), tmp_path / "small.html").as_uri())
    small = json.loads(browser.js(GEOMETRY))
    assert not small["fit"] and small["button"] == "Fit to width" and small["svg"] < small["box"]
    assert small["smallest"] == pytest.approx(9 * 96 / 72, abs=0.01)  # natural size: a 9-pt edge label is 12 px


def test_backward_html_page_files_ship_in_the_package():
    from viz.stepper import PLACEHOLDER, page_file

    layout = page_file("stepper.html")
    assert set(PLACEHOLDER.findall(layout)) == {"TITLE", "SVG", "DATA", "CSS", "SCRIPT", "HINT", "COMPARE"}
    assert "function show(k)" in page_file("stepper.js") and "#graph" in page_file("stepper.css")


def test_backward_html_play_advances_and_pauses(browser, tmp_path):
    page = backward_html(seed_000()[0], tmp_path / "steps.html")
    browser.open(page.as_uri())
    frame = "document.getElementById('frame').textContent"
    button = "document.getElementById('play')"
    browser.js(f"{button}.click()")
    assert browser.js(f"{button}.textContent") == "Pause"
    deadline = time.monotonic() + 10
    while not browser.js(frame).startswith("step 2 of"):  # one tick is 1.2 s; the machine may be busy
        assert time.monotonic() < deadline, "Play did not advance"
        time.sleep(0.1)
    browser.js(f"{button}.click()")
    paused_at = browser.js(frame)
    time.sleep(1.5)
    assert browser.js(frame) == paused_at and browser.js(f"{button}.textContent") == "Play"
