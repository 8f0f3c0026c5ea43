"""draw_graph/render: every number on the picture, edges with local derivatives, clusters, limits."""

import math
import re

import pytest
from viz_helpers import SVG, closed_forms, needs_renderer, seed_000, svg_groups

from autograd_core import OPS, Value, topological_order
from viz import GraphTooLarge, draw_graph, neuron_part, render
from viz.dot import fmt, node_names
from viz.expressions import square
from viz.groups import find_neurons
from viz.palette import NEGATIVE, NOT_FINITE, POSITIVE, ZERO, fill
from viz.renderer import render_source

pytestmark = needs_renderer


def number(line: str) -> float:
    return float(line.split()[-1])


def ids(root):
    return {v: k for k, v in enumerate(topological_order(root))}


def svg_of(root, **options):
    return render_source(draw_graph(root, **options).source, "svg").decode()


def test_fmt_four_significant_digits():
    assert [fmt(0.123456), fmt(-2.0), fmt(-0.0), fmt(12345.6), fmt(1e-7)] == ["0.1235", "-2", "0", "1.235e+04", "1e-07"]


def test_draw_graph_shows_labels_data_and_grads_of_seed_000():
    L, nodes = seed_000()
    grads, forward = closed_forms()
    groups = svg_groups(svg_of(L))
    k = ids(L)
    for name, grad in grads.items():
        lines = groups[f"v{k[nodes[name]]}"]
        assert lines[0] == name
        assert number(lines[1]) == pytest.approx(nodes[name].data, rel=5e-4)
        assert number(lines[2]) == pytest.approx(grad, rel=5e-4, abs=1e-12)
    assert number(groups[f"v{k[nodes['u']]}"][1]) == pytest.approx(forward["u"], rel=5e-4)


def test_draw_graph_edges_hold_local_derivative_and_message():
    L, nodes = seed_000()
    grads, forward = closed_forms()
    k = ids(L)
    groups = svg_groups(svg_of(L))
    x, w, lam, u = 1.5, 0.8, 0.1, forward["u"]

    def edge(child, position):
        local, msg = groups[f"e{k[nodes[child]]}_{position}"]
        return number(local), number(msg)

    assert edge("wx", 0) == pytest.approx((x, grads["wx"] * x), rel=5e-4)  # ∂(wx)/∂w = x
    assert edge("wx", 1) == pytest.approx((w, grads["wx"] * w), rel=5e-4)  # ∂(wx)/∂x = w
    assert edge("u", 0) == pytest.approx((u * (1 - u), grads["u"] * u * (1 - u)), rel=5e-4)  # σ′(z)
    assert edge("r", 0) == pytest.approx((2 * w, lam * 2 * w), rel=5e-4)  # ∂(w²)/∂w = 2w
    assert edge("y − u", 1) == pytest.approx((-1.0, -grads["y − u"]), rel=5e-4)


def test_draw_graph_repeated_parent_draws_two_edges():
    L = square()
    L.backward()
    source = draw_graph(L).source
    k = ids(L)
    x = L.parents[1]
    xx = L.parents[0]
    into_xx = re.findall(rf"\bv{k[x]} -> o{k[xx]} \[", source)
    assert len(into_xx) == 2
    groups = svg_groups(svg_of(L))
    assert groups[f"e{k[xx]}_0"] == groups[f"e{k[xx]}_1"] == ["∂/∂x 3", "msg 3"]  # each names its parent
    assert number(groups[f"v{k[x]}"][2]) == 7.0  # ∂(x² + x)/∂x = 2x + 1


def test_draw_graph_op_nodes_show_the_table_symbol_and_pow_constant():
    x = Value(0.7, "x")
    v = ((x**2).tanh() * x.sigmoid() - x.exp() / x.relu()).sin() + abs(-x).sqrt() ** x
    k = ids(v)
    groups = svg_groups(svg_of(v))
    for node in topological_order(v):
        if node.parents:
            expected = "^2" if node.op == "pow" else OPS[node.op].symbol
            assert groups[f"o{k[node]}"] == [expected]


def test_draw_graph_marks_parameters_and_constants():
    L, nodes = seed_000()
    source = draw_graph(L).source
    k = ids(L)
    half = L.parents[0].parents[0]  # the constant 0.5 of l = 0.5·(y − u)²
    assert half.data == 0.5 and not half.label
    assert re.search(rf'v{k[nodes["w"]]} \[[^]]*class="value parameter"[^]]*peripheries=2', source)
    assert re.search(rf'v{k[half]} \[[^]]*class="value constant"[^]]*dashed', source)
    assert re.search(rf'v{k[nodes["z"]]} \[[^]]*class="value interior"', source)


def test_draw_graph_fill_follows_sign_and_size_of_grad():
    L, nodes = seed_000()
    source = draw_graph(L).source
    k = ids(L)

    def colour(name):
        return re.search(rf'v{k[nodes[name]]} \[[^]]*fillcolor="([^"]+)"', source)[1]

    assert colour("y − u") in NEGATIVE and colour("w") in POSITIVE
    assert colour("L") == POSITIVE[-1]  # the largest |grad| is darkest
    assert POSITIVE.index(colour("x")) < POSITIVE.index(colour("w"))  # 0.084 < 0.3175


def test_draw_graph_before_backward_shows_no_grads():
    L, _ = seed_000()
    for v in topological_order(L):
        v.grad = 0.0
    text = " ".join(line for lines in svg_groups(svg_of(L)).values() for line in lines)
    assert "data" in text and "grad" not in text and "msg" not in text


def test_find_neurons_reads_neurons_from_the_sigma_nodes_not_the_labels():
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [2, 2, 1], activation="tanh", seed=3)
    out = model([0.5, -1.2])
    for v in topological_order(out):
        v.label = ""  # no labels at all: the structure alone says what a neuron is
    neurons = find_neurons(topological_order(out))
    assert [(n.layer, n.place) for n in neurons] == [(1, 0), (1, 1), (2, 0), (2, 1), (3, 0)]
    for n, neuron in zip(neurons, [m for layer in model.layers for m in layer.neurons]):
        assert n.params == (*neuron.w, neuron.b) and n.z.op == "dot"
        assert (n.a.op == "tanh") == (n.layer < 3) and (n.a is n.z) == (n.layer == 3)  # a linear output: a = z


def positions(svg):
    """node id → (x, y) of its first line of text, in the SVG."""
    import xml.etree.ElementTree as ET

    found = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if "node" in (g.get("class") or "").split():
            text = next(g.iter(f"{SVG}text"))
            found[g.get("id")] = (float(text.get("x")), float(text.get("y")))
    return found


def test_draw_graph_mlp_reads_layer_by_layer_neurons_in_order_inputs_once():
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [4, 4, 1], seed=0)
    out = model([0.5, -1.2])
    out.backward()
    k = ids(out)
    svg = svg_of(out)
    at = positions(svg)
    shown = svg_groups(svg)
    inputs = [lines[0] for key, lines in shown.items() if key[0] == "v" and lines and lines[0] in ("x1", "x2")]
    assert inputs == ["x1", "x2"]  # each drawn once
    assert "cluster" not in svg  # no box per input or per neuron pulling the layers into a staircase
    neurons = find_neurons(topological_order(out))
    for layer in (1, 2):
        outputs = [at[f"v{k[n.a]}"] for n in neurons if n.layer == layer]
        assert [y for _, y in outputs] == sorted(y for _, y in outputs)  # N1 … N4 top to bottom
    sigma = {layer: [at[f"o{k[n.z]}"] for n in neurons if n.layer == layer] for layer in (1, 2, 3)}
    assert max(x for x, _ in sigma[1]) < min(x for x, _ in sigma[2]) < sigma[3][0][0]  # layers left to right
    ys = [y for y in (p[1] for p in at.values())]
    middle = (min(ys) + max(ys)) / 2
    spread = max(ys) - min(ys)
    for layer in (1, 2, 3):  # every layer around the middle: no staircase down the page
        centre = sum(y for _, y in sigma[layer]) / len(sigma[layer])
        assert abs(centre - middle) < 0.25 * spread, layer


def test_draw_graph_too_large_says_how_many_and_what_to_draw():
    x = Value(1.0, "x")
    v = x
    for _ in range(100):
        v = v * x + 1.0
    order = topological_order(v)
    count = len(order) + sum(1 for n in order if n.parents)
    with pytest.raises(GraphTooLarge, match=rf"{count} nodes .*max_nodes=250.*one neuron.*one sample") as info:
        draw_graph(v)
    assert (info.value.nodes, info.value.max_nodes, info.value.neurons) == (count, 250, [])
    assert draw_graph(v, max_nodes=None).source.count("->") > 400


def tanh_mlp():
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [3, 2, 1], activation="tanh", seed=4)
    return model, model([0.5, -1.2])


def test_draw_graph_too_large_mlp_names_its_neurons_and_neuron_part():
    _, out = tanh_mlp()
    with pytest.raises(GraphTooLarge, match=r"6 neurons \(L1.N1 … L3.N1\).*viz.neuron_part\(root, 'L1.N1'\)") as info:
        draw_graph(out, max_nodes=20)
    assert info.value.neurons == ["L1.N1", "L1.N2", "L1.N3", "L2.N1", "L2.N2", "L3.N1"]


def test_draw_graph_neuron_part_draws_one_neuron_with_the_layer_below_as_inputs():
    model, out = tanh_mlp()
    neuron, others = neuron_part(out, "L2.N1")
    assert neuron.label == "L2.N1" and {v.label for v in others} == {"L1.N1", "L1.N2", "L1.N3"}
    neuron.backward()
    source = draw_graph(neuron, stop_at=others).source
    groups = svg_groups(svg_of(neuron, stop_at=others))
    shown = {lines[0]: lines for lines in groups.values() if lines}
    assert {"L2.N1.w1", "L2.N1.w3", "L2.N1.b", "L1.N1", "L1.N3"} <= set(shown)
    assert not any(name.startswith(("L1.N1.", "L2.N2", "L3", "x")) for name in shown)  # nothing below the inputs
    assert len(re.findall(r'class="value input"', source)) == 3 and "computed outside this part" in source
    # ∂(L2.N1)/∂(L1.Nj) = (1 − tanh²)·w_j: the grads are those of the neuron's own output
    w = [p.data for p in model.layers[1].neurons[0].parameters()[:3]]
    for j in range(3):
        assert number(shown[f"L1.N{j + 1}"][2]) == pytest.approx((1 - neuron.data**2) * w[j], rel=5e-4)
    with pytest.raises(ValueError, match=r"no neuron 'L4.N1' in this graph: it has 6 neurons, L1.N1 … L3.N1"):
        neuron_part(out, "L4.N1")


def test_draw_graph_rejects_non_values():
    with pytest.raises(TypeError, match="Value"):
        draw_graph(3.0)


def test_render_writes_png_and_svg(tmp_path):
    L, _ = seed_000()
    png = render(L, tmp_path / "g.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 3 * height > 300  # a left-to-right chain
    assert "<svg" in render(L, tmp_path / "g.svg", rankdir="TB").read_text()


def test_digraph_shows_inline_in_jupyter_without_system_dot():
    L, _ = seed_000()
    g = draw_graph(L)
    assert "<svg" in g._repr_mimebundle_()["image/svg+xml"]
    assert g._repr_mimebundle_(include=["image/png"])["image/png"][:4] == b"\x89PNG"


def test_draw_graph_grads_mapping_replaces_grad_fields():
    L, nodes = seed_000()
    k = ids(L)
    groups = svg_groups(svg_of(L, grads={nodes["w"]: -math.pi}))
    assert groups[f"v{k[nodes['w']]}"][2] == "grad -3.142"
    assert groups[f"v{k[nodes['L']]}"][2] == "grad 0"


def test_draw_graph_labels_appear_verbatim():
    label = 'a"b\\lc<d>&{e}|f'
    x = Value(2.0, label)
    y = x * x
    y.label = "\\N"
    y.backward()
    groups = svg_groups(svg_of(y))
    k = ids(y)
    assert groups[f"v{k[x]}"][0] == label and groups[f"v{k[y]}"][0] == "\\N"


def test_draw_graph_html_entities_in_labels_stay_literal():
    x = Value(2.0, "a&amp;b &lt;")  # dot decodes entities in labels unless & is escaped
    y = x * x
    y.backward()
    assert svg_groups(svg_of(y))[f"v{ids(y)[x]}"][0] == "a&amp;b &lt;"


def test_fill_scale_is_diverging_and_greys_inf_and_nan():
    assert fill(-1.0, 1.0) == NEGATIVE[-1] and fill(1.0, 1.0) == POSITIVE[-1]
    assert fill(0.01, 1.0) == POSITIVE[0] and fill(0.0, 1.0) == ZERO
    assert fill(math.inf, 1.0) == fill(-math.inf, 1.0) == fill(math.nan, 1.0) == NOT_FINITE


def node_attrs(source, node_id):
    return re.search(rf"\b{node_id} \[([^]]*)\]", source)[1]


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_draw_graph_survives_non_finite_grads_and_data(bad):
    a, b = Value(3.0, "a"), Value(2.0, "b")
    h = a * bad  # data ±inf/nan; a's grad is bad, b's stays finite
    h.label = "h"
    L = h + b * 0.25
    L.label = "L"
    L.backward()
    k = ids(L)
    source = draw_graph(L).source
    for v in (a, h, L):
        assert 'fillcolor="#d9d9d9"' in node_attrs(source, f"v{k[v]}") and "#d62728" in node_attrs(source, f"v{k[v]}")
    # the scale is the largest finite |grad| (1, of L and h·1): 0.25 sits a quarter up it
    assert f'fillcolor="{fill(0.25, 1.0)}"' in node_attrs(source, f"v{k[b]}") and fill(0.25, 1.0) == POSITIVE[1]
    assert "grey, red border: data or grad is inf or nan" in source
    groups = svg_groups(svg_of(L))
    assert groups[f"v{k[a]}"][1:] == ["data 3", f"grad {fmt(bad)}"] and groups[f"v{k[b]}"][2] == "grad 0.25"


def test_draw_graph_constants_are_white_whatever_their_grad():
    x = Value(2.0, "x")
    L = x * 3.0
    L.backward()
    three = L.parents[1]
    assert three.grad == 2.0  # a constant has a grad, but its box does not show it
    source = draw_graph(L).source
    assert 'fillcolor="#ffffff"' in node_attrs(source, f"v{ids(L)[three]}")
    assert f'fillcolor="{POSITIVE[-1]}"' in node_attrs(source, f"v{ids(L)[x]}")


def test_draw_graph_after_two_backwards_shows_accumulated_and_this_graphs_grad():
    w, x = Value(0.8, "w"), Value(1.5, "x")
    z = w * x
    z.label = "z"
    L = z.sigmoid()
    L.label = "L"
    other = z * 3.0  # a second graph through z: its backward leaves z.grad = 3
    L.backward()
    L.backward()
    other.backward()
    s = 1 / (1 + math.exp(-1.2))
    dz = s * (1 - s)  # ∂L/∂z = σ′(wx); ∂L/∂w = σ′(wx)·x
    assert w.grad == pytest.approx(2 * dz * 1.5 + 3 * 1.5) and z.grad == 3.0
    k = ids(L)
    groups = svg_groups(svg_of(L))
    assert groups[f"v{k[w]}"][2:] == [f"grad {fmt(w.grad)} (accumulated)", f"this L: {fmt(dz * 1.5)}"]
    assert groups[f"v{k[z]}"][2] == f"grad {fmt(dz)}"  # this graph's, not the other backward's 3
    assert groups[f"e{k[z]}_0"] == ["∂/∂w 1.5", f"msg {fmt(dz * 1.5)}"]  # the message into w adds up to it
    assert "(accumulated): the grad field, summed" in draw_graph(L).source


def test_node_names_spell_unlabelled_nodes_with_the_table_symbols():
    x, w = Value(0.5, "x"), Value(-1.3, "w")
    wx = w * x
    u = wx.sigmoid()
    again = w * x  # the same expression twice: the later one in topological order goes by its id
    top = (abs(-x) + x**2) / (u - again * 2.0)
    order = topological_order(top)
    names = node_names(order)
    k = {n: i for i, n in enumerate(order)}
    first, later = sorted((wx, again), key=k.get)
    assert names[first] == "w·x" and names[later] == f"v{k[later]}" and names[u] == f"σ({names[wx]})"
    absolute, square_ = top.parents[0].parents
    assert names[absolute.parents[0]] == "−x" and names[absolute] == "|−x|" and names[square_] == "x²"
    assert names[top.parents[0]] == "|−x| + x²" and names[top.parents[1].parents[1]] == f"{names[again]}·2"
    assert names[top] == f"v{k[top]}"  # too long to spell: its id, shown in its box
    groups = svg_groups(svg_of(top))
    assert groups[f"v{k[u]}"][0] == names[u] and groups[f"v{k[top]}"][0] == f"v{k[top]}"
