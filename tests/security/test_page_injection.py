"""backward_html under hostile labels and titles, checked in headless Chromium: no script runs, the page's
structure is intact, and every piece of user text shows verbatim.

Before the fix the page was filled by successive ``str.replace`` of ``%TITLE%``, ``%SVG%`` and ``%DATA%``,
so a label spelling ``%DATA%`` pasted the step JSON into an SVG attribute and ran an ``onfocus`` handler."""

import json
import math
import re

import pytest

from autograd_core import Value, gradients, reverse_topological_order
from viz import backward_html, find_renderer
from viz.stepper import script_json, steps_data

pytestmark = pytest.mark.skipif(find_renderer() is None, reason="no dot renderer (pip install graphviz-pure)")

MARK = "document.documentElement.dataset.pwned=1"
"""What every payload tries to run: a mark on the page, not an alert (a dialog would block the browser)."""

CLASSIC = [
    f"</script><script>{MARK}</script>",
    f"<img src=x onerror={MARK}>",
    f'"><svg onload={MARK}>',
    f"'><script>{MARK}</script>",
    f"<!--<script>{MARK}</script>-->",
    f"]]><script>{MARK}</script>",
    f"</title><script>{MARK}</script>",
    f"</svg><iframe src=javascript:{MARK}>",
    f"javascript:{MARK}",
    "&lt;b&gt;&amp;&#x3c;\\u003c\\\\n",  # entities and escapes show as typed, not decoded
    "a\u2028b\u2029c",  # JavaScript line ends inside the JSON
]

INTACT = """JSON.stringify({
  pwned: document.documentElement.dataset.pwned ?? null,
  scripts: document.querySelectorAll('script').length,
  svgs: document.querySelectorAll('svg').length,
  svgInGraph: document.querySelectorAll('#graph > svg').length,
  handlers: Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes)
    .filter(a => a.name.startsWith('on') || a.name === 'autofocus').map(a => e.tagName + ' ' + a.name)),
  frames: document.querySelectorAll('iframe, img, object, embed').length,
  title: document.title,
  h1: document.querySelector('h1').textContent,
  data: document.getElementById('steps').textContent,
  texts: Array.from(document.querySelectorAll('#graph svg text')).map(t => t.textContent),
})"""


def hostile_graph(labels: list[str]) -> Value:
    """L = ((x₀·x₁)·x₂)… with a hostile label on every leaf and interior node, the root labelled too."""
    v = Value(1.5, labels[0])
    for k, label in enumerate(labels[1:]):
        v = v * Value(0.5 + k, label)
        v.label = f"{label} (h{k})"
    return v


def check_intact(browser, root: Value, title: str | None, tmp_path) -> dict:
    """Open the page and assert nothing ran and nothing leaked out of its place; return the page's state."""
    page = backward_html(root, tmp_path / "page.html", title=title)
    browser.open(page.as_uri())
    state = json.loads(browser.js(INTACT))
    assert state["pwned"] is None
    assert (state["scripts"], state["svgs"], state["svgInGraph"], state["frames"]) == (2, 1, 1, 0)
    assert state["handlers"] == []
    expected_title = title or f"BACKWARD() on {root.label}, step by step"
    assert state["h1"] == expected_title
    assert state["title"] == re.sub("[ \t\n\f\r]+", " ", expected_title).strip()  # as document.title collapses it
    assert json.loads(state["data"]) == json.loads(script_json(steps_data(root)))
    return state


@pytest.mark.parametrize("placeholder", ["%TITLE%", "%SVG%", "%DATA%"])
def test_backward_html_never_rescans_user_text_for_placeholders(browser, placeholder, tmp_path):
    """A placeholder in labels, the title or the default title (the root's label) stays text."""
    attack = f"{placeholder} autofocus tabindex=0 onfocus={MARK}//"
    root = hostile_graph([attack, f'{placeholder}"', f"'{placeholder}'"])
    state = check_intact(browser, root, f"{placeholder} {attack}", tmp_path)
    assert attack in state["texts"]  # the leaf's label, verbatim in the picture
    check_intact(browser, root, None, tmp_path)


def test_backward_html_shows_classic_payloads_as_text(browser, tmp_path):
    root = hostile_graph(CLASSIC)
    for title in [" ".join(CLASSIC), None]:
        state = check_intact(browser, root, title, tmp_path)
    assert CLASSIC[1] in state["texts"]
    names = [step["name"] for step in json.loads(state["data"])["steps"]]
    assert set(CLASSIC) <= set(names)  # every label reaches the panel's data verbatim


def test_backward_html_steps_to_a_hostile_leaf_and_shows_its_name(browser, tmp_path):
    root = hostile_graph([f"%DATA%<img src=x onerror={MARK}>", "%SVG%"])
    check_intact(browser, root, "%SVG%", tmp_path)
    shown = []
    for _ in range(len(reverse_topological_order(root))):
        shown.append(browser.js("document.getElementById('node').textContent"))
        browser.key("ArrowRight", 39)
    assert f"%DATA%<img src=x onerror={MARK}> (named leaf)" in shown and "%SVG% (named leaf)" in shown
    assert browser.js("document.documentElement.dataset.pwned ?? null") is None


def test_backward_html_numbers_at_the_edges_load_and_show(browser, tmp_path):
    """inf, nan, −0, the smallest subnormal and the largest float, under hostile labels."""
    leaves = [Value(x, f"<b>{x!r}</b>%DATA%") for x in (math.inf, -0.0, 5e-324, 1.7976931348623157e308, math.nan)]
    root = leaves[0]
    for leaf in leaves[1:]:
        root = root + leaf
    root.label = "%SVG%"
    check_intact(browser, root, None, tmp_path)
    data = json.loads(browser.js("document.getElementById('steps').textContent"))
    engine = gradients(root)
    by_name = {v.label: v for v in leaves}
    for step in data["steps"]:
        if step["name"] in by_name:
            assert step["grad"] == engine[by_name[step["name"]]] == 1.0


def test_script_json_escapes_javascript_line_ends():
    text = script_json({"a": "x\u2028y\u2029z</script><!--&"})
    assert not any(c in text for c in "\u2028\u2029<>&")
    assert json.loads(text) == {"a": "x\u2028y\u2029z</script><!--&"}
