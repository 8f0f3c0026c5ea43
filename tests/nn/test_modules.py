"""Neuron, Layer, MLP: labels, parameter order, seeding, bad input, and gradients equal PyTorch's."""

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_core import Value, gradients, topological_order
from nn import MLP, Layer, Neuron, losses
from nn.modules import ACTIVATIONS, build

finite = st.floats(-3.0, 3.0, allow_nan=False)
seeds = st.integers(0, 2**32 - 1)


def vectors(n):
    return st.lists(finite, min_size=n, max_size=n)


def _torch_grads(model: MLP, x: list[float], coeffs: list[float]) -> tuple[float, list[float]]:
    """L = Σ_k c_k · out_k and ∂L/∂w for every parameter, from PyTorch float64."""
    torch = pytest.importorskip("torch")
    seq = model.to_torch()
    out = seq(torch.tensor(x, dtype=torch.float64))
    L = (out * torch.tensor(coeffs, dtype=torch.float64)).sum()
    L.backward()
    grads = []
    for m in seq:
        if isinstance(m, torch.nn.Linear):
            for row, b in zip(m.weight.grad.tolist(), m.bias.grad.tolist()):
                grads += [*row, b]
    return L.item(), grads


def _engine_grads(model: MLP, x: list[float], coeffs: list[float]) -> tuple[float, list[float]]:
    out = model(x)
    outs = [out] if isinstance(out, Value) else out
    L = sum((c * o for c, o in zip(coeffs, outs)), Value(0.0))
    model.zero_grad()
    L.backward()
    return L.data, [p.grad for p in model.parameters()]


def _assert_close(a: list[float], b: list[float]) -> None:
    assert len(a) == len(b)
    for i, (u, v) in enumerate(zip(a, b)):
        assert math.isclose(u, v, rel_tol=1e-9, abs_tol=1e-12), (i, u, v)


@pytest.mark.parametrize("activation", [a for a in ACTIVATIONS if a != "softmax"])
@given(seed=seeds, x=vectors(3), c=vectors(2))
def test_mlp_gradients_equal_torch_for_each_hidden_activation(activation, seed, x, c):
    model = MLP(3, [4, 3, 2], activation=activation, output_activation=activation, seed=seed)
    value, grads = _engine_grads(model, x, c)
    t_value, t_grads = _torch_grads(model, x, c)
    assert math.isclose(value, t_value, rel_tol=1e-9, abs_tol=1e-12)
    _assert_close(grads, t_grads)


@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid"])
@given(seed=seeds, x=vectors(2), c=vectors(3))
def test_mlp_gradients_equal_torch_with_softmax_output(hidden, seed, x, c):
    model = MLP(2, [5, 3], activation=hidden, output_activation="softmax", seed=seed)
    value, grads = _engine_grads(model, x, c)
    t_value, t_grads = _torch_grads(model, x, c)
    assert math.isclose(value, t_value, rel_tol=1e-9, abs_tol=1e-12)
    _assert_close(grads, t_grads)


def test_step_and_sign_hidden_layers_pass_no_gradient():
    for act in ("step", "sign"):
        model = MLP(2, [3, 1], activation=act, seed=3)
        _, grads = _engine_grads(model, [0.4, -0.7], [1.0])
        first_layer = grads[:9]
        assert first_layer == [0.0] * 9 and any(g != 0.0 for g in grads[9:])


def test_mlp_parameters_are_ordered_and_labelled_per_layer_per_neuron():
    model = MLP(2, [2, 1], seed=0)
    labels = [p.label for p in model.parameters()]
    assert labels == [
        "L1.N1.w1", "L1.N1.w2", "L1.N1.b",
        "L1.N2.w1", "L1.N2.w2", "L1.N2.b",
        "L2.N1.w1", "L2.N1.w2", "L2.N1.b",
    ]  # fmt: skip
    assert [p.data for p in model.parameters()] == [
        p.data for layer in model.layers for n in layer.neurons for p in (*n.w, n.b)
    ]


def test_mlp_outputs_are_labelled_by_neuron():
    model = MLP(2, [3, 2], activation="tanh", output_activation="softmax", seed=0)
    out = model([0.5, -1.0])
    assert [o.label for o in out] == ["L2.N1", "L2.N2"]
    labels = {v.label for v in _ancestors(out[0])}
    assert {"L1.N1", "L1.N2", "L1.N3", "L2.N1.z", "L2.N2.z", "x1", "x2", "L1.N3.w2", "L2.N2.b"} <= labels


def _ancestors(v: Value) -> set[Value]:
    seen, stack = set(), [v]
    while stack:
        u = stack.pop()
        if u not in seen:
            seen.add(u)
            stack.extend(u.parents)
    return seen


def test_mlp_forward_matches_hand_computation():
    model = build([2, 2, 1], ["relu", "linear"], [0.5, -1.0, 0.1, 2.0, 1.0, -0.3, 1.5, -2.0, 0.25])
    x = [1.2, 0.4]
    h1 = max(0.0, 0.5 * 1.2 - 1.0 * 0.4 + 0.1)
    h2 = max(0.0, 2.0 * 1.2 + 1.0 * 0.4 - 0.3)
    assert model(x).data == pytest.approx(1.5 * h1 - 2.0 * h2 + 0.25, rel=1e-15)


def test_mlp_softmax_output_is_a_distribution():
    p = MLP(3, [4, 5], output_activation="softmax", seed=2)([100.0, -50.0, 3.0])
    assert len(p) == 5 and sum(v.data for v in p) == pytest.approx(1.0, abs=1e-12)
    assert all(v.data >= 0 for v in p)


@pytest.mark.parametrize(("output", "nout"), [("softmax", 3), ("sigmoid", 2), ("linear", 1), ("tanh", 1)])
def test_mlp_logits_are_the_last_layer_before_its_activation(output, nout):
    torch = pytest.importorskip("torch")
    model = MLP(2, [4, nout], activation="tanh", output_activation=output, seed=4)
    x = [0.7, -1.3]
    seq = model.to_torch()
    head = seq if output == "linear" else seq[:-1]  # the Sequential without its last activation
    z = model.logits(x)
    zs = [z] if nout == 1 else z
    assert [v.data for v in zs] == pytest.approx(head(torch.tensor(x, dtype=torch.float64)).tolist(), rel=1e-12)
    assert [v.label for v in zs] == [f"L2.N{k}.z" for k in range(1, nout + 1)]
    out = model(x)
    outs = [out] if nout == 1 else out
    if output == "softmax":  # the logits cross_entropy wants, and softmax of them is the output, bit for bit
        assert [p.data for p in losses.softmax(zs)] == [p.data for p in outs]
    else:
        assert [o.data for o in outs] == [(v if output == "linear" else getattr(v, output)()).data for v in zs]
    L = losses.cross_entropy([zs], [0]) if nout > 1 else zs[0]
    L.backward()
    assert all(p.grad != 0.0 for p in model.layers[-1].parameters())  # the logits are in the graph


def test_mlp_same_seed_same_weights_and_global_random_untouched():
    random.seed(123)
    state = random.getstate()
    a = [p.data for p in MLP(2, [16, 16, 1], seed=7).parameters()]
    b = [p.data for p in MLP(2, [16, 16, 1], seed=7).parameters()]
    c = [p.data for p in MLP(2, [16, 16, 1], seed=8).parameters()]
    assert random.getstate() == state
    assert a == b and a != c


def test_init_schemes_respect_their_bounds():
    nin, nout = 9, 4
    for init, bound in (("uniform", 1.0), ("scaled_uniform", 1 / 3), ("xavier", math.sqrt(6 / 13))):
        layer = Layer(nin, nout, init=init, seed=0)
        ws = [w.data for n in layer.neurons for w in n.w]
        assert max(abs(w) for w in ws) <= bound and max(abs(w) for w in ws) > 0.5 * bound
        assert all(n.b.data == 0.0 for n in layer.neurons)
    ws = [w.data for n in Layer(200, 50, init="he", seed=0).neurons for w in n.w]
    std = math.sqrt(sum(w * w for w in ws) / len(ws))
    assert std == pytest.approx(math.sqrt(2 / 200), rel=0.05)


def test_layer_returns_a_list_even_for_one_neuron():
    out = Layer(2, 1, seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 1 and out[0].label == "L1.N1"


def test_mlp_returns_a_value_for_one_output_and_a_list_otherwise():
    assert isinstance(MLP(2, [3, 1], seed=0)([1.0, 2.0]), Value)
    assert isinstance(MLP(2, [3, 2], seed=0)([1.0, 2.0]), list)


def test_mlp_hidden_layer_of_size_one_has_finite_difference_gradients():
    model = MLP(2, [1, 1], activation="tanh", seed=4)
    x = [0.3, -0.8]
    model.zero_grad()
    model(x).backward()
    for p in model.parameters():
        old = p.data
        p.data = old + 1e-6
        up = model(x).data
        p.data = old - 1e-6
        down = model(x).data
        p.data = old
        assert p.grad == pytest.approx((up - down) / 2e-6, rel=1e-6, abs=1e-9)


def test_neuron_takes_values_as_inputs_and_backpropagates_into_them():
    x = [Value(0.5, label="a"), Value(-1.5, label="b")]
    n = Neuron(2, activation="sigmoid", seed=1)
    z = n(x)
    z.backward()
    s = z.data
    assert z.label == "N1" and x[0].grad == pytest.approx(s * (1 - s) * n.w[0].data, rel=1e-12)


@pytest.mark.parametrize("make", [lambda: MLP(2, [3, 1]), lambda: Layer(2, 3), lambda: Neuron(2)])
def test_wrong_input_length_names_expected_and_received_size(make):
    with pytest.raises(ValueError, match=r"size 2, got size 3"):
        make()([1.0, 2.0, 3.0])


def test_scalar_input_raises_type_error_saying_to_use_a_list():
    with pytest.raises(TypeError, match=r"\[x\]"):
        MLP(1, [1])(0.5)


def test_unknown_activation_lists_the_valid_ones():
    with pytest.raises(ValueError, match="valid: relu, tanh, sigmoid, linear, step, sign, softmax"):
        MLP(2, [3, 1], output_activation="gelu")
    with pytest.raises(ValueError, match=r"'swish'.*valid: relu"):
        Neuron(2, activation="swish")
    with pytest.raises(ValueError, match="softmax"):
        MLP(2, [3, 1], activation="softmax")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"nin": 0, "nouts": [1]}, "nin must be a positive integer"),
        ({"nin": 2, "nouts": []}, "non-empty list"),
        ({"nin": 2, "nouts": [3, 0]}, "positive integer"),
        ({"nin": 2, "nouts": [3, 1], "activation": ["relu", "tanh"]}, "1 expected, got 2"),
        ({"nin": 2, "nouts": [3, 1], "init": "glorot"}, "unknown init 'glorot'"),
        ({"nin": 2, "nouts": [1], "output_activation": "softmax"}, r"softmax needs at least 2 outputs, got 1.*sigmoid"),
    ],
)
def test_mlp_bad_architecture_raises_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP(**kwargs)


def test_mlp_per_layer_activations():
    model = MLP(2, [3, 3, 1], activation=["tanh", "sigmoid"], output_activation="linear", seed=0)
    assert model.activations == ["tanh", "sigmoid", "linear"]
    assert [layer.activation for layer in model.layers] == ["tanh", "sigmoid", "linear"]
    h = model.layers[1]([0.0, 0.0, 0.0])
    assert all(0 < v.data < 1 for v in h)


def test_mlp_accepts_tuples_and_numpy_rows():
    np = pytest.importorskip("numpy")
    model = MLP(2, [3, 1], seed=0)
    expected = model([0.1, -0.2]).data
    assert model((0.1, -0.2)).data == expected and model(np.array([0.1, -0.2])).data == expected


def test_mlp_neuron_is_one_sigma_node_plus_its_activation():

    model = MLP(2, [16, 16, 1], seed=0)
    out = model([0.5, -1.2])
    interior = [v for v in topological_order(out) if v.parents]
    assert len(interior) <= 70  # 16 + 16 dot and relu nodes per hidden layer, one dot out (was ≈ 640)
    assert sorted({v.op for v in interior}) == ["dot", "relu"]
    z = model.layers[0].neurons[2].preactivation([Value(0.5), Value(-1.2)])
    assert z.op == "dot" and z.label == "L1.N3.z"
    assert [p.label for p in z.parents] == ["L1.N3.w1", "L1.N3.w2", "", "", "L1.N3.b"]


def test_mlp_gradients_equal_the_binary_chain_of_before():
    model = MLP(3, [8, 4, 1], activation="tanh", seed=5)
    x = [0.3, -0.8, 1.1]
    out = model(x)
    out.backward()
    h = [Value(xi) for xi in x]
    for layer in model.layers:  # today's neurons, as the old chain b + w_1 x_1 + … of binary nodes
        zs = []
        for n in layer.neurons:
            s = n.b
            for wj, xj in zip(n.w, h):
                s = s + wj * xj
            zs.append(s if n.activation == "linear" else getattr(s, n.activation)())
        h = zs
    chain = gradients(h[0])
    assert out.data == h[0].data
    for p in model.parameters():
        assert p.grad == pytest.approx(chain[p], rel=1e-12, abs=1e-300)
