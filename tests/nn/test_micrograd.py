"""nn.micrograd against PyPI micrograd 0.1.0 side by side: same weights, reprs, outputs and gradients."""

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_core import Value
from nn import MLP as LabelledMLP
from nn.micrograd import MLP, Layer, Module, Neuron

mg_engine = pytest.importorskip("micrograd.engine")
mg_nn = pytest.importorskip("micrograd.nn")

finite = st.floats(-3.0, 3.0, allow_nan=False)
seeds = st.integers(0, 2**32 - 1)


def _both(build, seed):
    """(ours, micrograd's), each built by ``build(module)`` right after ``random.seed(seed)``."""
    import nn.micrograd as ours

    random.seed(seed)
    a = build(ours)
    after_ours = random.random()
    random.seed(seed)
    b = build(mg_nn)
    assert random.random() == after_ours  # both drew the same number of values from the global random
    return a, b


def _datas(values):
    return [v.data for v in values]


@given(seed=seeds)
def test_micrograd_mlp_draws_micrograds_weights_in_its_order(seed):
    ours, theirs = _both(lambda m: m.MLP(3, [4, 4, 1]), seed)
    assert _datas(ours.parameters()) == _datas(theirs.parameters())
    assert len(ours.parameters()) == 4 * 4 + 4 * 5 + 1 * 5
    assert all(n.b.data == 0.0 for layer in ours.layers for n in layer.neurons)


def test_micrograd_reprs_are_micrograds():
    ours, theirs = _both(lambda m: m.MLP(2, [16, 16, 1]), 1337)
    assert repr(ours) == repr(theirs)
    assert repr(ours).startswith("MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2),")
    assert repr(ours).endswith("Layer of [LinearNeuron(16)]]")
    assert repr(Neuron(3, nonlin=False)) == "LinearNeuron(3)" and repr(Neuron(3)) == "ReLUNeuron(3)"
    assert repr(Layer(2, 2, nonlin=False)) == "Layer of [LinearNeuron(2), LinearNeuron(2)]"


@given(seed=seeds, x=st.lists(finite, min_size=3, max_size=3))
def test_micrograd_mlp_outputs_and_gradients_equal_micrograds(seed, x):
    ours, theirs = _both(lambda m: m.MLP(3, [4, 4, 2]), seed)
    outs = ours([Value(xi) for xi in x])
    mg_outs = theirs([mg_engine.Value(xi) for xi in x])
    assert _datas(outs) == _datas(mg_outs)  # the same sums in the same order: bit for bit
    (outs[0] * 2.0 + outs[1]).backward()
    (mg_outs[0] * 2.0 + mg_outs[1]).backward()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert math.isclose(p.grad, q.grad, rel_tol=1e-12, abs_tol=1e-15)  # sums of messages in another order


def test_micrograd_layer_of_one_neuron_returns_the_value():
    random.seed(0)
    one, three = Layer(2, 1), Layer(2, 3)
    assert isinstance(one([1.0, 2.0]), Value)
    out = three([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3 and all(isinstance(v, Value) for v in out)
    assert isinstance(MLP(2, [1, 1])([1.0, 2.0]), Value)  # micrograd itself fails here (zip over a Value)


def test_micrograd_neuron_nonlin_chooses_relu_or_linear():
    random.seed(0)
    relu, linear = Neuron(2), Neuron(2, nonlin=False)
    for n in (relu, linear):
        n.w[0].data, n.w[1].data = 1.0, 1.0
    assert relu([-1.0, -2.0]).data == 0.0 and relu([1.0, 2.0]).data == 3.0
    assert linear([-1.0, -2.0]).data == -3.0
    assert relu([1.0, 2.0]).op == "relu" and linear([1.0, 2.0]).op == "add"
    layer = Layer(2, 2, nonlin=False)
    assert all(not n.nonlin for n in layer.neurons)


def test_micrograd_module_zero_grad_and_parameters():
    random.seed(0)
    model = MLP(2, [3, 1])
    assert isinstance(model, Module) and Module().parameters() == []
    assert model.parameters()[:3] == [*model.layers[0].neurons[0].w, model.layers[0].neurons[0].b]
    model([1.0, -1.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_micrograd_batch_says_the_model_takes_one_sample():
    random.seed(0)
    model = MLP(2, [3, 1])
    with pytest.raises(
        TypeError,
        match=r"MLP takes one sample \(a list of 2 inputs\), got a batch of 4; .*"
        r"\[model\(x\) for x in X\]",
    ):
        model([[0.0, 1.0]] * 4)
    with pytest.raises(TypeError, match=r"Layer takes one sample"):
        Layer(2, 3)([[0.0, 1.0]])
    with pytest.raises(ValueError, match="MLP expects an input of size 2, got size 3"):
        model([1.0, 2.0, 3.0])  # micrograd's zip would silently drop the third input
    with pytest.raises(TypeError, match="ReLUNeuron\\(2\\) takes a list of 2 inputs, got float"):
        Neuron(2)(1.0)


def test_labelled_mlp_batch_says_it_takes_one_sample():
    model = LabelledMLP(2, [3, 1], seed=0)
    with pytest.raises(TypeError, match=r"MLP takes one sample .* got a batch of 2; map the model over it"):
        model([[0.0, 1.0], [1.0, 0.0]])


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: MLP(2, 16), "nouts must be a non-empty list of layer sizes"),
        (lambda: MLP(2, []), "nouts must be a non-empty list"),
        (lambda: Neuron(0), "nin must be a positive integer, got 0"),
        (lambda: Layer(2, True), "nout must be a positive integer, got True"),
    ],
)
def test_micrograd_bad_sizes_raise(build, message):
    with pytest.raises(ValueError, match=message):
        build()


@pytest.mark.parametrize("model", [MLP(2, [3, 1]), LabelledMLP(2, [3, 1], seed=0)], ids=["micrograd", "nn"])
def test_optimizer_given_the_parameters_method_says_to_call_it(model):
    from nn import SGD, Adam

    for opt in (SGD, Adam):
        with pytest.raises(TypeError, match=r"got the method 'MLP.parameters'.*call it: SGD\(model.parameters\(\)"):
            opt(model.parameters, lr=0.1)
