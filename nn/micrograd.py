"""micrograd's ``nn`` on autograd-core: code written for ``micrograd.nn`` runs with the import changed.

    from autograd_core import Value            # was: from micrograd.engine import Value
    from nn.micrograd import Neuron, Layer, MLP  # was: from micrograd.nn import Neuron, Layer, MLP

The semantics are micrograd's exactly: z = Σ_j w_j x_j + b, ReLU in every layer but the last,
which is linear; weights w ~ U(−1, 1) drawn from the global ``random`` in micrograd's order
(layer by layer, neuron by neuron, w_1 … w_nin), bias b = 0, no labels; ``Layer`` returns a
Value when it has one neuron, else a list; the same reprs.  So ``random.seed(1337)`` followed
by micrograd's demo builds the same model and prints the same losses.

What is added: a wrong input raises a clear error where micrograd's ``zip`` would silently
drop inputs.  For a labelled, seeded MLP with more activations, use ``nn.MLP``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from autograd_core import Value

from .samples import Outputs, check_sample

Input = Sequence[float | Value]


class Module:
    """What Neuron, Layer and MLP share: ``parameters()`` and ``zero_grad()``."""

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0 before the next ``backward()`` (leaves accumulate)."""
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self) -> list[Value]:
        """Every trainable Value, in micrograd's order."""
        return []


class Neuron(Module):
    """z = Σ_j w_j x_j + b, then ReLU(z) if ``nonlin`` (micrograd's ``ReLUNeuron``), else z (``LinearNeuron``)."""

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        if isinstance(nin, bool) or not isinstance(nin, int) or nin < 1:
            raise ValueError(f"nin must be a positive integer, got {nin!r}")
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.nonlin = nonlin

    def __call__(self, x: Input) -> Value:
        """ReLU(Σ_j w_j x_j + b), or the sum itself for a linear neuron."""
        check_sample(x, len(self.w), repr(self))
        return self.forward(x)

    def forward(self, x: Input) -> Value:
        """The neuron on an input already checked (the sum starts at b, as micrograd's)."""
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        """[w_1, …, w_nin, b]."""
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """nout neurons reading the same input; ``kwargs`` (``nonlin``) go to each Neuron."""

    def __init__(self, nin: int, nout: int, **kwargs: bool) -> None:
        if isinstance(nout, bool) or not isinstance(nout, int) or nout < 1:
            raise ValueError(f"nout must be a positive integer, got {nout!r}")
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x: Input) -> Value | list[Value]:
        """[z_1, …, z_nout], or the Value z_1 itself when the layer has one neuron (as micrograd)."""
        check_sample(x, len(self.neurons[0].w), "Layer")
        return self.forward(x)

    def forward(self, x: Input) -> Value | list[Value]:
        """The layer on an input already checked."""
        out = [n.forward(x) for n in self.neurons]
        return out[0] if len(out) == 1 else Outputs(out)

    def parameters(self) -> list[Value]:
        """Per neuron: its weights, then its bias."""
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers nin → nouts[0] → … → nouts[-1]: ReLU neurons in every layer but the last, which is linear."""

    def __init__(self, nin: int, nouts: Sequence[int]) -> None:
        if isinstance(nouts, (int, str)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"nouts must be a non-empty list of layer sizes, e.g. [16, 16, 1], got {nouts!r}")
        sz = [nin, *nouts]
        self.layers = [Layer(sz[i], sz[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts))]

    def __call__(self, x: Input) -> Value | list[Value]:
        """The last layer's output: a Value when it has one neuron, else a list."""
        check_sample(x, len(self.layers[0].neurons[0].w), "MLP")
        for layer in self.layers:
            x = layer.forward(x)
            x = [x] if isinstance(x, Value) else x
        return x[0] if len(x) == 1 else Outputs(x)

    def parameters(self) -> list[Value]:
        """Per layer, per neuron: its weights in input order, then its bias."""
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
