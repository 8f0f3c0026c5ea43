"""viz in Jupyter: what each ``_repr_*_`` returns, the inline stepper page, the Value card, the install errors."""

import html
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

import viz
from autograd_core import Value


def neuron(label_x: str = "x") -> Value:
    x, w, b = Value(1.5, label_x), Value(0.8, "w"), Value(-0.3, "b")
    L = (w * x + b).tanh()
    L.label = "L"
    L.backward()
    return L


def srcdoc(iframe: str) -> str:
    """The page inside ``<iframe srcdoc="…">``, unescaped as a browser does."""
    match = re.fullmatch(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" style="[^"]*"></iframe>', iframe)
    assert match, iframe[:200]
    return html.unescape(match.group(1))


def test_graph_shows_itself_as_valid_svg():
    bundle = viz.draw_graph(neuron())._repr_mimebundle_()
    svg = ET.fromstring(bundle["image/svg+xml"].encode())
    assert svg.tag.endswith("svg")
    assert "data 1.5" in bundle["image/svg+xml"] and "grad" in bundle["image/svg+xml"]


def test_inline_stepper_is_the_whole_page_in_an_iframe():
    L = neuron()
    page = viz.backward_html(L)
    assert isinstance(page, viz.Page)
    inner = srcdoc(page._repr_html_())
    assert inner == page.html and inner.startswith("<!DOCTYPE html>") and "<svg" in inner
    # self-contained: no network, no external script, style sheet or image
    assert not re.search(r"<script[^>]*\bsrc=|<link\b|<img\b|\b(?:src|href)=\"https?:", inner)
    assert "http://" not in inner.replace("http://www.w3.org/", "")


def test_inline_stepper_escapes_labels_once_more_for_the_attribute():
    payload = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    frame = viz.backward_html(neuron(payload))._repr_html_()
    assert frame.count("<") == 2 and frame.count(">") == 2 and frame.count('"') == 6  # the iframe's own tags only
    inner = srcdoc(frame)
    assert "<script>alert(1)" not in inner and "onerror=alert(2)>" not in inner


def test_backward_html_with_a_path_still_writes_the_page(tmp_path):
    path = viz.backward_html(neuron(), tmp_path / "steps.html")
    assert path == tmp_path / "steps.html" and path.read_text(encoding="utf-8") == viz.backward_html(neuron()).html


def test_plots_without_a_path_show_themselves_as_png():
    plot = viz.plot_history({"loss": [1.0, 0.5, 0.25]})
    assert isinstance(plot, viz.Plot)
    png = plot._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (800, 350)
    assert ET.fromstring(plot.to_bytes("svg")).tag.endswith("svg")


def test_save_writes_each_kind_of_picture(tmp_path):
    L = neuron()
    assert viz.save(viz.draw_graph(L), tmp_path / "g.svg").read_text().rstrip().endswith("</svg>")
    assert viz.save(viz.backward_html(L), tmp_path / "p.html").read_text(encoding="utf-8").startswith("<!DOCTYPE")
    assert viz.save(viz.plot_activations(names=("relu",)), tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match=r"end the name with \.png or \.svg"):
        viz.save(viz.plot_activations(names=("relu",)), tmp_path / "a.jpg")
    with pytest.raises(TypeError, match=r"viz\.save needs a graph, Page or Plot"):
        viz.save("not a picture", tmp_path / "x.svg")


def test_value_card_shows_label_data_grad_and_op():
    L = neuron()
    card = L._repr_html_()
    ET.fromstring(card)  # well-formed
    text = re.sub(r"<[^>]+>", "", card)
    assert text == f"L data {L.data:.6g} grad 1 op tanh (tanh)"
    assert re.sub(r"<[^>]+>", "", Value(2.0, "w")._repr_html_()) == "w data 2 grad 0 op leaf"
    assert re.sub(r"<[^>]+>", "", (Value(2.0) * 3)._repr_html_()).endswith("op × (mul)")
    hostile = Value(1.0, "<script>alert(1)</script>")._repr_html_()
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile


@pytest.mark.parametrize(
    ("hidden", "statement", "extra"),
    [
        ("graphviz", "import viz", "viz"),
        ("matplotlib", "import viz; viz.plot_history({'loss': [1.0]})", "viz"),
        ("numpy", "import autograd_core; autograd_core.compile", "compiled"),
    ],
)
def test_missing_extra_says_which_and_the_command_that_works_from_a_clone(hidden, statement, extra):
    code = f"import sys; sys.modules[{hidden!r}] = None\ntry:\n    {statement}\nexcept ImportError as e:\n    print(e)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert f'the "{extra}" extra' in out and f'pip install ".[{extra}]"' in out, out
