"""The README's pictures (demos/gallery, made by the tour): present, referenced, readable where GitHub shows them."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from viz_helpers import SVG

from demos.__main__ import GALLERY, GALLERY_DIR

ROOT = Path(__file__).resolve().parents[2]
SHOWN = 880  # px: the width of a repository page's README column
PX = 96 / 72  # CSS px per pt


def shown_text_px(path: Path) -> tuple[float, float]:
    """(the picture's shown width in px, its smallest text in px) when a README shows it at most SHOWN px wide."""
    svg = ET.parse(path).getroot()
    width = float(svg.get("width").removesuffix("pt")) * PX
    scale = min(1.0, SHOWN / width)  # an image wider than the column is shrunk to fit, never enlarged
    smallest = min(float(t.get("font-size")) for t in svg.iter(f"{SVG}text"))
    return width * scale, smallest * PX * scale


def test_gallery_pictures_are_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"!\[[^\]]*\]\((demos/gallery/[^)]+)\)", readme)
    assert {f"demos/gallery/{name}" for name in GALLERY} <= set(shown)
    for name in GALLERY:
        assert (GALLERY_DIR / name).stat().st_size > 0


def test_readme_picture_text_is_at_least_8_px_at_880_px():
    width, smallest = shown_text_px(GALLERY_DIR / "neuron_graph.svg")
    assert width <= SHOWN and smallest >= 8


@pytest.mark.parametrize("name", [n for n in GALLERY if n.endswith(".svg") and n != "neuron_graph.svg"])
def test_gallery_graphs_stay_near_readable_at_880_px(name):
    _, smallest = shown_text_px(GALLERY_DIR / name)
    assert smallest >= 7.5  # shown whole in the column; a click opens the full size


def test_gallery_network_view_shows_the_moons_model_with_its_gradients():
    svg = ET.parse(GALLERY_DIR / "moons_network.svg").getroot()
    classes = [g.get("class") for g in svg.iter(f"{SVG}g")]
    assert classes.count("node neuron") == 33 and classes.count("node input") == 2
    texts = [t.text or "" for t in svg.iter(f"{SVG}text")]
    assert any(t.startswith("∂L/∂z") and t != "∂L/∂z 0" for t in texts)  # some gradient reaches the neurons
