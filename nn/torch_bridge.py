"""MLP ⇄ ``torch.nn.Sequential``: the way out for users who outgrow a scalar engine.

An MLP becomes ``Sequential(Linear(n₀, n₁), act₁, Linear(n₁, n₂), act₂, …)`` with
``Linear.weight[k][j] = w_j`` of neuron k+1 and ``Linear.bias[k] = b``; a linear activation adds
no module.  step and sign have no torch module, so they become ``Step`` and ``Sign`` below
(zero gradient, as in the engine).  torch is imported only here.
"""

from __future__ import annotations

try:
    import torch
except ImportError as err:  # pragma: no cover - depends on the environment
    raise ImportError("MLP.to_torch/from_torch need PyTorch, which is not installed: pip install torch") from err

from .modules import MLP, build


class Step(torch.nn.Module):
    """step(x) = 1 if x ≥ 0 else 0, with derivative 0 (the engine's convention)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # sign(x)·0 keeps x in the graph so gradients arrive as zeros rather than not at all.
        return (x >= 0).to(x.dtype) + torch.sign(x) * 0


class Sign(torch.nn.Module):
    """sign(x) ∈ {−1, 0, 1}, with derivative 0."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sign(x)


_TO_TORCH = {
    "relu": torch.nn.ReLU,
    "tanh": torch.nn.Tanh,
    "sigmoid": torch.nn.Sigmoid,
    "step": Step,
    "sign": Sign,
    "softmax": lambda: torch.nn.Softmax(dim=-1),
}
_FROM_TORCH = {
    torch.nn.ReLU: "relu",
    torch.nn.Tanh: "tanh",
    torch.nn.Sigmoid: "sigmoid",
    torch.nn.Identity: "linear",
    Step: "step",
    Sign: "sign",
    torch.nn.Softmax: "softmax",
}


def to_torch(model: MLP, dtype: torch.dtype | None = None) -> torch.nn.Sequential:
    """``torch.nn.Sequential`` computing the same function with the same weights (float64 by default)."""
    dtype = torch.float64 if dtype is None else dtype
    modules = []
    for layer, act in zip(model.layers, model.activations):
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=dtype))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=dtype))
        modules.append(linear)
        if act != "linear":
            modules.append(_TO_TORCH[act]())
    return torch.nn.Sequential(*modules)


def from_torch(seq: torch.nn.Sequential) -> MLP:
    """The MLP of a ``Sequential`` of ``Linear`` layers (with bias), each followed by at most one activation."""
    if not isinstance(seq, torch.nn.Sequential):
        raise TypeError(f"from_torch takes a torch.nn.Sequential, got {type(seq).__name__}")
    sizes, activations, flat = [], [], []
    for i, m in enumerate(seq):
        if isinstance(m, torch.nn.Linear):
            if m.bias is None:
                raise ValueError(f"from_torch: Linear at position {i} has no bias; every neuron here has one")
            if sizes and m.in_features != sizes[-1]:
                raise ValueError(
                    f"from_torch: Linear at position {i} takes {m.in_features} inputs, the last gives {sizes[-1]}"
                )
            sizes += [m.in_features] if not sizes else []
            sizes.append(m.out_features)
            activations.append("linear")
            w, b = m.weight.detach().double().tolist(), m.bias.detach().double().tolist()
            for row, bk in zip(w, b):
                flat += [*row, bk]
            continue
        kind = _FROM_TORCH.get(type(m))
        after_linear = i > 0 and isinstance(seq[i - 1], torch.nn.Linear)
        if kind is None or not after_linear:
            raise ValueError(
                f"from_torch: cannot convert module {i} ({type(m).__name__}); expected Linear layers each followed by "
                f"at most one of {', '.join(t.__name__ for t in _FROM_TORCH)}"
            )
        if kind == "softmax" and (m.dim not in (-1, 1, None) or i != len(seq) - 1):
            raise ValueError(f"from_torch: Softmax must be the last module and act on dim=-1, got dim={m.dim} at {i}")
        activations[-1] = kind
    if not activations:
        raise ValueError("from_torch: the Sequential has no Linear layer")
    return build(sizes, activations, flat)
