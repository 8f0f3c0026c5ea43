"""viz on labels no picture can show, negative inputs in scientific notation, and graphs too big to lay out.

Before: a NUL in a label failed in the renderer ("syntax error in line 7"), a lone surrogate raised
UnicodeEncodeError, ``--input 0.5 -1e-3`` was refused by argparse, and ``max_nodes=None`` on a huge graph ran
into the renderer's 120 s timeout instead of saying in advance how long it would take."""

import os
import time
import warnings

import pytest

from autograd_core import Value
from viz import TooSlowToRender, backward_html, draw_graph, find_renderer, render
from viz.__main__ import main as viz_main
from viz.renderer import TIMEOUT, check_layout_time, layout_seconds

pure_first = pytest.mark.skipif(
    find_renderer() is None or "graphviz-pure" not in os.path.basename(find_renderer()),
    reason="the layout-time guard is for graphviz-pure (system dot is fast)",
)


def _graph(label: str) -> Value:
    y = Value(1.5, label) * 2.0
    y.label = "y"
    return y


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("a\x00b", r"the label 'a\\x00b' holds a NUL character, U\+0000 at index 1, which no picture or page can show"),
        ("a\ud800b", r"the label 'a\\ud800b' holds a lone surrogate \(not valid Unicode text\), U\+D800 at index 1"),
        ("\udcff", r"lone surrogate .*U\+DCFF at index 0"),
    ],
)
def test_labels_no_picture_can_show_are_a_clear_value_error(label, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        draw_graph(_graph(label))  # before any renderer runs
    with pytest.raises(ValueError, match=message):
        render(_graph(label), tmp_path / "g.dot")
    with pytest.raises(ValueError, match=message):
        backward_html(_graph(label), tmp_path / "s.html")


def test_a_title_no_page_can_show_is_a_clear_value_error(tmp_path):
    with pytest.raises(ValueError, match=r"the title 'steps \\udc80' holds a lone surrogate"):
        backward_html(_graph("x"), tmp_path / "s.html", title="steps \udc80")
    assert not (tmp_path / "s.html").exists()


@pytest.mark.parametrize("negative", ["-1e-3", "-2.5E+1", "-.5", "-3"])
def test_cli_accepts_negative_inputs_in_every_float_form(tmp_path, negative):
    nn = pytest.importorskip("nn")
    model_path = tmp_path / "m.json"
    nn.MLP(2, [1], seed=0).save(model_path)
    out = tmp_path / "g.dot"
    assert viz_main(["model", str(model_path), "--input", "0.5", negative, "-o", str(out)]) == 0
    assert f"data {float(negative):.4g}" in out.read_text()


def test_layout_time_estimate_matches_the_measurements_and_grows_faster_than_n_squared():
    assert layout_seconds(6000) == pytest.approx(5.3, rel=0.1)
    assert layout_seconds(12_000) == pytest.approx(54.3, rel=0.01)
    assert layout_seconds(20_000) > 4 * layout_seconds(10_000)


def _source(nodes: int) -> str:
    return "digraph {\n" + "".join(f"\tv{k} [label=x]\n\tv{k} -> v{k + 1}\n" for k in range(nodes)) + "}"


def test_check_layout_time_refuses_warns_or_passes_by_the_estimate():
    with pytest.raises(TooSlowToRender, match=r"laying out 20000 nodes with graphviz-pure would take about 5 min"):
        check_layout_time(_source(20_000), "/bin/graphviz-pure", TIMEOUT)
    with pytest.warns(UserWarning, match="laying out 9000 nodes with graphviz-pure takes about 21 s"):
        check_layout_time(_source(9000), "/bin/graphviz-pure", TIMEOUT)
    with pytest.warns(UserWarning, match="20000 nodes .* about 5 min"):
        check_layout_time(_source(20_000), "/bin/graphviz-pure", 3600)  # an explicit longer timeout: it runs
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_layout_time(_source(1000), "/bin/graphviz-pure", TIMEOUT)  # quick: silent
        check_layout_time(_source(20_000), "/usr/bin/dot", TIMEOUT)  # system dot is fast


def chain(n: int) -> Value:
    v = Value(0.5, "x")
    for _ in range(n):
        v = v * Value(1.1) + Value(0.1)  # leaves of their own: a lifted number would be one shared constant
    return v


@pure_first
def test_rendering_a_huge_graph_without_a_limit_is_refused_in_advance(tmp_path):
    root = chain(3000)  # 18,001 nodes
    start = time.monotonic()
    with pytest.raises(TooSlowToRender, match=r"laying out 18001 nodes .* would take about \d+ min") as info:
        render(root, tmp_path / "g.svg", max_nodes=None)
    assert time.monotonic() - start < 20 and info.value.nodes == 18001
    assert "viz.renderer.TIMEOUT = " in str(info.value)
