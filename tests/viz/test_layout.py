"""draw_graph's layout of neurons: w_j beside its x_j, row by row; an MLP small enough for one screen."""

import re
import xml.etree.ElementTree as ET

import pytest
from viz_helpers import SVG, needs_renderer

from autograd_core import topological_order
from viz import draw_graph, neuron_part
from viz.dot import part_order
from viz.renderer import render_source

pytestmark = needs_renderer
nn = pytest.importorskip("nn")


def svg_of(root, **options):
    return render_source(draw_graph(root, **options).source, "svg").decode()


def size(svg):
    """The picture's (width, height) in pt."""
    width, height = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
    return float(width), float(height)


def centres(svg):
    """node id → (x, y) of the middle of its text, in the SVG."""
    found = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if "node" in (g.get("class") or "").split():
            texts = list(g.iter(f"{SVG}text"))
            ys = [float(t.get("y")) for t in texts]
            found[g.get("id")] = (float(texts[0].get("x")), (min(ys) + max(ys)) / 2)
    return found


@pytest.fixture(scope="module")
def wide_neuron():
    """L2.N3 of a moons-sized MLP (2-16-16-1): a Σ node of 16 weights, 16 inputs and a bias."""
    model = nn.MLP(2, [16, 16, 1], activation="relu", output_activation="linear", seed=1)
    out, others = neuron_part(model([0.5, -1.2]), "L2.N3")
    out.backward()
    return out, others


def test_neuron_part_draws_each_weight_beside_its_input_in_j_order(wide_neuron):
    out, others = wide_neuron
    k = {v: i for i, v in enumerate(part_order(out, others))}
    z = out.parents[0]
    ws, xs = z.parents[:16], z.parents[16:32]
    at = centres(svg_of(out, stop_at=others))
    rows = []
    for w, x in zip(ws, xs):
        (xw, yw), (xx, yx) = at[f"v{k[w]}"], at[f"v{k[x]}"]
        assert abs(yw - yx) < 2 and xx < xw, (w.label, x.label)  # x_j left of w_j, on one row
        rows.append(yw)
    assert rows == sorted(rows)  # j = 1 … 16 top to bottom
    assert at[f"v{k[z.parents[32]]}"][1] > rows[-1]  # the bias last


def test_neuron_part_writes_the_sigma_edges_w_j_then_x_j(wide_neuron):
    out, others = wide_neuron
    k = {v: i for i, v in enumerate(part_order(out, others))}
    z = k[out.parents[0]]
    written = re.findall(rf"id=e{z}_(\d+)", draw_graph(out, stop_at=others).source)
    assert [int(i) for i in written] == [i for j in range(16) for i in (j, 16 + j)] + [32]


def test_neuron_part_is_half_as_tall_as_a_column_of_all_its_inputs(wide_neuron):
    out, others = wide_neuron
    width, height = size(svg_of(out, stop_at=others))
    assert height < 1200 and width < 800  # 33 boxes in one column drew it 2319 pt tall


def test_mlp_fits_in_1600_pt_with_every_node_and_number():
    model = nn.MLP(2, [4, 4, 1], seed=1)
    out = model([0.5, -1.2])
    out.backward()
    svg = svg_of(out)
    width, height = size(svg)
    assert width < 1600 and height < 1600  # the weights in one column per layer drew it 1533 × 2377 pt
    order = topological_order(out)
    drawn = set(centres(svg))
    assert {f"v{k}" for k in range(len(order))} <= drawn
    assert {f"o{k}" for k, v in enumerate(order) if v.parents} <= drawn
    sizes = {float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)}
    assert min(sizes) >= 9 and 11 in sizes  # the text as large as before
    edges = re.findall(r'<g id="e\d+_\d+" class="edge">', svg)
    assert len(edges) == sum(len(v.parents) for v in order)


def test_neuron_part_heading_names_the_neuron_not_a_layer_of_the_part(wide_neuron):
    out, others = wide_neuron
    texts = [t.text for t in ET.fromstring(svg_of(out, stop_at=others)).iter(f"{SVG}text")]
    assert "neuron L2.N3" in texts and not any(t and t.startswith("layer ") for t in texts)  # it was "layer 1"
    model = nn.MLP(2, [2, 1], seed=1)
    assert "layer 2" in svg_of(model([0.5, -1.2]))  # a whole graph counts its layers
