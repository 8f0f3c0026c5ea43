"""MLP ⇄ torch.nn.Sequential: the same function and the same weights, both ways."""

import struct
import sys

import pytest

from nn import MLP
from nn.modules import ACTIVATIONS

torch = pytest.importorskip("torch")

HIDDEN = [a for a in ACTIVATIONS if a != "softmax"]


def _outputs(model: MLP, x: list[float]) -> list[float]:
    out = model(x)
    return [out.data] if model.nout == 1 else [o.data for o in out]


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output", ["linear", "sigmoid", "softmax"])
def test_to_torch_computes_the_same_function(hidden, output):
    model = MLP(3, [5, 4, 3], activation=hidden, output_activation=output, seed=11)
    seq = model.to_torch()
    for x in ([0.3, -1.2, 2.0], [0.0, 0.5, -0.5], [4.0, 1.0, -3.0]):
        expected = seq(torch.tensor(x, dtype=torch.float64)).tolist()
        assert _outputs(model, x) == pytest.approx(expected, rel=1e-12, abs=1e-14)


def test_to_torch_layout_is_linear_then_activation():
    seq = MLP(2, [3, 1], activation="tanh", seed=0).to_torch()
    assert [type(m).__name__ for m in seq] == ["Linear", "Tanh", "Linear"]
    assert seq[0].weight.dtype == torch.float64 and tuple(seq[0].weight.shape) == (3, 2)
    assert MLP(2, [1], seed=0).to_torch(dtype=torch.float32)[0].weight.dtype == torch.float32


@pytest.mark.parametrize("hidden", HIDDEN)
def test_from_torch_of_to_torch_is_bit_exact(hidden):
    model = MLP(2, [4, 3, 2], activation=hidden, output_activation="softmax", seed=5, init="xavier")
    back = MLP.from_torch(model.to_torch())
    assert back.sizes == model.sizes and back.activations == model.activations
    bits = [struct.pack("<d", p.data) for p in model.parameters()]
    assert [struct.pack("<d", p.data) for p in back.parameters()] == bits


def test_from_torch_reads_a_torch_initialised_network():
    torch.manual_seed(0)
    seq = torch.nn.Sequential(
        torch.nn.Linear(2, 6), torch.nn.ReLU(), torch.nn.Linear(6, 6), torch.nn.Identity(), torch.nn.Linear(6, 1)
    ).double()
    model = MLP.from_torch(seq)
    assert model.activations == ["relu", "linear", "linear"]
    x = [0.7, -0.2]
    assert model(x).data == pytest.approx(seq(torch.tensor(x, dtype=torch.float64)).item(), rel=1e-12)


def _linear_with(weight: float = 0.5, bias: float = 0.0) -> torch.nn.Sequential:
    """Sequential(Linear(2, 1)) whose second weight and bias are the given numbers."""
    linear = torch.nn.Linear(2, 1, dtype=torch.float64)
    with torch.no_grad():
        linear.weight[0, 1] = weight
        linear.bias[0] = bias
    return torch.nn.Sequential(linear)


@pytest.mark.parametrize(
    ("seq", "message"),
    [
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 2, bias=False)), "has no bias"),
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(2, 1)), "takes 2 inputs, the last gives 3"),
        (lambda: torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(2, 1)), "cannot convert module 0"),
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.GELU()), "cannot convert module 1 \\(GELU\\)"),
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Tanh()), "module 2"),
        (
            lambda: torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Softmax(dim=0), torch.nn.Linear(2, 1)),
            "Softmax must be the last",
        ),
        (lambda: torch.nn.Sequential(), "no Linear layer"),
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Softmax(dim=-1)), "softmax needs at least 2"),
        (lambda: _linear_with(weight=float("nan")), r"L1\.N1\.w2 is nan; only finite"),
        (lambda: _linear_with(bias=float("-inf")), r"L1\.N1\.b is -inf; only finite"),
    ],
)
def test_from_torch_refuses_what_it_cannot_represent(seq, message):
    with pytest.raises(ValueError, match=message):
        MLP.from_torch(seq())


def test_to_torch_without_torch_raises_a_clear_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.delitem(sys.modules, "nn.torch_bridge", raising=False)
    with pytest.raises(ImportError, match="pip install torch"):
        MLP(2, [1], seed=0).to_torch()
