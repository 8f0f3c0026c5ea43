"""draw_network: columns of neurons in order, one box per input, weights as edges, numbers checked, size limits."""

import re
import xml.etree.ElementTree as ET

import pytest
from viz_helpers import SVG, needs_renderer

import nn
from autograd_core import Value
from viz import draw_network, render_network
from viz.__main__ import main
from viz.network import EDGE_WIDTH
from viz.renderer import render_source

pytestmark = needs_renderer

X = [0.5, -0.2]


def hinge(s):
    return (1 - s).relu()  # the moons loss for one sample of label +1


def svg_of(model, x=None, **options):
    return ET.fromstring(render_source(draw_network(model, x, **options).source, "svg"))


def boxes(svg, kind):
    """id → (the box's top y, its text lines) for the nodes of class ``kind``."""
    found = {}
    for g in svg.iter(f"{SVG}g"):
        if (g.get("class") or "").split() == ["node", kind]:
            ys = [float(t.get("y")) for t in g.iter(f"{SVG}text")]
            found[g.get("id")] = (min(ys), [t.text for t in g.iter(f"{SVG}text")])
    return found


def weights(svg):
    """edge id → (stroke width, tooltip) of every weight edge."""
    found = {}
    for g in svg.iter(f"{SVG}g"):
        if g.get("class") == "edge weight":
            path = next(g.iter(f"{SVG}path"))
            tip = next((a.get("{http://www.w3.org/1999/xlink}title") for a in g.iter(f"{SVG}a")), "")
            found[g.get("id")] = (float(path.get("stroke-width", "1")), tip)
    return found


def points(svg, attribute):
    return float(svg.get(attribute).removesuffix("pt"))


@pytest.fixture(scope="module")
def moons_model():
    return nn.MLP(2, [16, 16, 1], seed=1)


@pytest.fixture(scope="module")
def moons_svg(moons_model):
    return svg_of(moons_model, X, loss=hinge)


def test_draw_network_fits_one_screen_with_readable_text(moons_svg):
    assert points(moons_svg, "width") <= 1600 and points(moons_svg, "height") <= 1000
    sizes = {float(t.get("font-size")) for t in moons_svg.iter(f"{SVG}text")}
    assert min(sizes) >= 9


def test_draw_network_one_box_per_input_and_neuron_in_order(moons_svg):
    assert list(boxes(moons_svg, "input")) == ["x1", "x2"]
    neurons = boxes(moons_svg, "neuron")
    assert len(neurons) == 16 + 16 + 1
    for layer, n in ((1, 16), (2, 16)):
        tops = [neurons[f"L{layer}.N{k}"][0] for k in range(1, n + 1)]
        assert tops == sorted(tops) and len(set(tops)) == n  # N1 … N16 top to bottom
        assert neurons[f"L{layer}.N1"][1][0] == f"L{layer}.N1 · relu"
    assert len(weights(moons_svg)) == 2 * 16 + 16 * 16 + 16
    ids = {g.get("id") for g in moons_svg.iter(f"{SVG}g")}
    assert "legend" in ids and "legend0" in ids


def test_draw_network_values_and_grads_match_the_model(moons_model, moons_svg):
    neurons = boxes(moons_svg, "neuron")
    h = [Value(x, label=f"x{j}") for j, x in enumerate(X, 1)]
    for layer in moons_model.layers:
        h = layer(h)
    assert float(neurons["L3.N1"][1][1].split()[1]) == pytest.approx(h[0].data, rel=5e-4)

    def loss_at(b_shift, neuron):
        neuron.b.data += b_shift
        try:
            return hinge(moons_model(X)).data
        finally:
            neuron.b.data -= b_shift

    for name in ("L1.N2", "L2.N3", "L3.N1"):  # ∂L/∂z = ∂L/∂b, by central differences
        layer, k = (int(n) for n in re.findall(r"\d+", name))
        neuron = moons_model.layers[layer - 1].neurons[k - 1]
        want = (loss_at(1e-6, neuron) - loss_at(-1e-6, neuron)) / 2e-6
        line = neurons[name][1][2]
        assert line.startswith("∂L/∂z") and float(line.split()[1]) == pytest.approx(want, rel=1e-3, abs=1e-9)


def test_draw_network_edge_width_grows_with_the_weights_gradient(moons_model, moons_svg):
    L = hinge(moons_model(X))
    L.backward()
    try:
        drawn = weights(moons_svg)
        grads = {
            f"w{li}_{k}_{j}": w.grad
            for li, layer in enumerate(moons_model.layers, 1)
            for k, n in enumerate(layer.neurons, 1)
            for j, w in enumerate(n.w, 1)
        }
        widest = max(drawn, key=lambda e: drawn[e][0])
        assert abs(grads[widest]) == max(abs(g) for g in grads.values())
        assert drawn[widest][0] == pytest.approx(EDGE_WIDTH[1], abs=0.01)
        zero = [e for e, g in grads.items() if g == 0]
        assert zero and all(drawn[e][0] == pytest.approx(EDGE_WIDTH[0]) for e in zero)
        assert f"{grads['w3_1_1']:.4g}" in drawn["w3_1_1"][1]
    finally:
        moons_model.zero_grad()


def test_draw_network_without_x_reads_the_grad_fields(moons_model):
    L = hinge(moons_model(X)) + hinge(moons_model([0.1, 0.9]))
    L.backward()
    try:
        neurons = boxes(svg_of(moons_model), "neuron")
        b = moons_model.layers[1].neurons[2].b
        assert neurons["L2.N3"][1][1:] == [f"b {b.data:.4g}", f"∂L/∂b {b.grad:.4g}" if b.grad else "∂L/∂b 0"]
    finally:
        moons_model.zero_grad()
    plain = boxes(svg_of(moons_model), "neuron")["L2.N3"][1]
    assert len(plain) == 2  # no backward since zero_grad: no grad line


def test_draw_network_without_loss_differentiates_the_output():
    model = nn.MLP(2, [3, 1], seed=0)
    neurons = boxes(svg_of(model, X), "neuron")
    assert neurons["L2.N1"][1][2] == "∂g/∂z 1"  # g = z for a linear output


def test_draw_network_elides_wide_layers():
    model = nn.MLP(2, [40, 1], seed=0)
    svg = svg_of(model, X)
    neurons = boxes(svg, "neuron")
    assert len(neurons) == 30 + 1 + 1
    assert "L1.N30" in neurons and "L1.N40" in neurons and "L1.N31" not in neurons
    assert boxes(svg, "more")["L1_more"][1] == ["… 9 more"]
    assert len(weights(svg)) == 2 * 31 + 31


def test_draw_network_takes_a_layer_or_a_neuron():
    assert list(boxes(svg_of(nn.Layer(3, 2, seed=0)), "neuron")) == ["L1.N1", "L1.N2"]
    neuron = boxes(svg_of(nn.Neuron(2, seed=0), [1.0, 2.0]), "neuron")
    assert list(neuron) == ["L1.N1"] and neuron["L1.N1"][1][0] == "N1 · relu"  # the neuron's own name


def test_draw_network_bad_arguments():
    model = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(TypeError, match="draw_network takes a network"):
        draw_network([1, 2])
    with pytest.raises(ValueError, match="x has 3 numbers, but the network takes 2"):
        draw_network(model, [1, 2, 3])
    with pytest.raises(TypeError, match="list of 2 numbers"):
        draw_network(model, 1.0)
    with pytest.raises(ValueError, match="max_neurons"):
        draw_network(model, max_neurons=2)


def test_render_network_and_command_line(tmp_path, capsys):
    model = nn.MLP(2, [4, 1], seed=0)
    assert render_network(model, tmp_path / "net.dot", x=X).read_text().startswith("digraph")
    model.save(str(tmp_path / "m.json"))
    out = tmp_path / "net.svg"
    assert main(["network", str(tmp_path / "m.json"), "--input", "0.5", "-0.2", "-o", str(out)]) == 0
    svg = ET.fromstring(out.read_text())
    assert len(boxes(svg, "neuron")) == 5 and boxes(svg, "neuron")["L2.N1"][1][2].startswith("∂g/∂z")
    assert main(["network", str(tmp_path / "m.json"), "--input", "0.5", "-o", str(out)]) == 1
    assert "x has 1 numbers" in capsys.readouterr().err
