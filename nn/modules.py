"""Neuron, Layer and MLP: act(z), z = Σ_j w_j x_j + b, stacked into layers and networks.

Each neuron's z is one Σ node (``autograd_core.dot``) with edges ∂z/∂w_j = x_j, ∂z/∂x_j = w_j,
∂z/∂b = 1, then one node for its activation.  Labels, for the renderer and for reading a graph:
the parameters of neuron n of layer l are ``L{l}.N{n}.w{j}`` and ``L{l}.N{n}.b``, its z is
``L{l}.N{n}.z`` and its output (after the activation; a linear neuron's z) is ``L{l}.N{n}``
(all counted from 1); inputs given as numbers become leaves ``x1, x2, …``.

Activations by name: ``relu``, ``tanh``, ``sigmoid``, ``linear`` (identity), and the lecture's
hard threshold ``step`` and ``sign`` (seed 000): their derivative is 0 everywhere, so no
gradient flows through them and layers before them cannot be trained by backprop.
``softmax`` (p_k = e^{z_k − m} / Σ_j e^{z_j − m}, m = max z, which changes nothing but keeps exp
from overflowing) is a layer activation, for the output layer only.

Initialisation (bias b = 0 in every scheme, weights drawn from a seeded ``random.Random``; the
global ``random`` state is never touched):

- ``"uniform"`` (default, micrograd's): w ~ U(−1, 1);
- ``"scaled_uniform"``: w ~ U(−1/√nin, 1/√nin) (PyTorch's ``nn.Linear`` bound);
- ``"xavier"``: w ~ U(−a, a), a = √(6 / (nin + nout)) (Glorot);
- ``"he"``: w ~ N(0, 2/nin).

The default was chosen by measurement on micrograd's moons recipe (MLP(2, [16, 16, 1]), relu
hidden, linear output, hinge + 1e-4·L2, 100 full-batch SGD steps with lr = 1 − 0.9·k/100, the
100 points of ``data.moons(100, noise=0.1, seed=d, labels=(-1, 1))``); final training accuracy
(measured 2026-11 with ``nn.fit`` and ``nn.evaluate``):

- uniform, model seeds 0…9, data seed 0: 99–100 % (mean 99.8 %); seeds 0…4, data seed 1: all 100 %
- he, model seeds 0…4, data seed 0: 99–100 % (mean 99.8 %)
- xavier, model seeds 0…4, data seed 0: 98–100 % (mean 99.0 %)
- scaled_uniform, model seeds 0…4, data seed 0: 91, 99, 98, 99, 94 % (2 of 5 below 97 %)

uniform reached ≥ 99 % in all 15 runs and is micrograd's own, so it is the default; he did as
well in fewer runs; scaled_uniform (PyTorch's bound) stalls within the 100 steps.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import autograd_core
from autograd_core import Value

from .samples import Outputs, check_sample

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear", "step", "sign", "softmax")
"""Valid activation names; ``softmax`` only for a (output) layer, not a single neuron."""

INITS = ("uniform", "scaled_uniform", "xavier", "he")
"""Valid initialisation schemes (see the module docstring)."""

Input = Sequence[float | Value]


def check_activation(name: str, allow_softmax: bool = True) -> str:
    """``name`` if it is a known activation, else ``ValueError`` listing the valid ones."""
    valid = ACTIVATIONS if allow_softmax else ACTIVATIONS[:-1]
    if name not in valid:
        where = "" if allow_softmax else " here (softmax acts on a whole output layer)"
        raise ValueError(f"unknown activation {name!r}{where}; valid: {', '.join(valid)}")
    return name


def _rng(seed: int | random.Random | None) -> random.Random:
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def draw_weights(rng: random.Random, init: str, nin: int, nout: int = 1) -> list[float]:
    """nin weights for one neuron of a layer nin → nout, by the scheme ``init``."""
    if init == "uniform":
        return [rng.uniform(-1.0, 1.0) for _ in range(nin)]
    if init == "scaled_uniform":
        a = 1.0 / math.sqrt(nin)
        return [rng.uniform(-a, a) for _ in range(nin)]
    if init == "xavier":
        a = math.sqrt(6.0 / (nin + nout))
        return [rng.uniform(-a, a) for _ in range(nin)]
    if init == "he":
        s = math.sqrt(2.0 / nin)
        return [rng.gauss(0.0, s) for _ in range(nin)]
    raise ValueError(f"unknown init {init!r}; valid: {', '.join(INITS)}")


def _check_size(what: str, n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{what} must be a positive integer, got {n!r}")
    return n


def _inputs(x: Input, nin: int, who: str) -> list[Value]:
    """x as Values (numbers become leaves x1, x2, … shared by all neurons), checked to have nin entries."""
    check_sample(x, nin, who)
    return [xi if type(xi) is Value else Value(xi, label=f"x{j}") for j, xi in enumerate(x, 1)]


def softmax_values(zs: Sequence[Value]) -> list[Value]:
    """p_k = e^{z_k − m} / Σ_j e^{z_j − m} with m = max z (a constant: softmax is shift-invariant)."""
    m = max(z.data for z in zs)
    es = [(z - m).exp() for z in zs]
    total = autograd_core.sum(es)
    return [e / total for e in es]


class Module:
    """What Neuron, Layer and MLP share: ``parameters()`` and ``zero_grad()``."""

    def parameters(self) -> list[Value]:
        """Every trainable Value, in a fixed order."""
        raise NotImplementedError

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0 (leaves accumulate across ``backward()`` calls)."""
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    """One unit: z = act(Σ_j w_j x_j + b)."""

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        seed: int | random.Random | None = None,
        init: str = "uniform",
        name: str = "N1",
        weights: Sequence[float] | None = None,
    ) -> None:
        _check_size("nin", nin)
        self.activation = check_activation(activation, allow_softmax=False)
        self.name = name
        if weights is None:
            weights = draw_weights(_rng(seed), init, nin)
        elif len(weights) != nin:
            raise ValueError(f"Neuron {name}: {nin} inputs need {nin} weights, got {len(weights)}")
        self.w = [Value(wj, label=f"{name}.w{j}") for j, wj in enumerate(weights, 1)]
        self.b = Value(0.0, label=f"{name}.b")

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return len(self.w)

    def __call__(self, x: Input) -> Value:
        """z = act(Σ_j w_j x_j + b), labelled with the neuron's name."""
        return self.forward(_inputs(x, self.nin, f"Neuron {self.name}"))

    def preactivation(self, xs: Sequence[Value]) -> Value:
        """z = Σ_j w_j x_j + b as one Σ node (``L{l}.N{n}.z``), on inputs already checked and lifted to Values."""
        return self.label_z(autograd_core.dot(self.w, xs, self.b))

    def label_z(self, z: Value) -> Value:
        """The neuron's Σ node z, labelled ``L{l}.N{n}.z``."""
        z.label = f"{self.name}.z"
        return z

    def forward(self, xs: Sequence[Value]) -> Value:
        """The neuron on inputs already checked and lifted to Values (a linear one's output is its z)."""
        return self.activate(self.preactivation(xs))

    def activate(self, z: Value) -> Value:
        """act(z) on the neuron's labelled z, labelled with the neuron's name."""
        act = self.activation
        out = z if act == "linear" else getattr(z, act)()
        out.label = self.name
        return out

    def parameters(self) -> list[Value]:
        """[w_1, …, w_nin, b]."""
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r}, name={self.name!r})"


class Layer(Module):
    """nout neurons reading the same inputs; calling it always returns a list of nout Values."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        seed: int | random.Random | None = None,
        init: str = "uniform",
        name: str = "L1",
    ) -> None:
        _check_size("nin", nin)
        _check_size("nout", nout)
        self.activation = check_activation(activation)
        if activation == "softmax" and nout < 2:
            raise ValueError(
                f"Layer {name}: softmax needs at least 2 outputs, got {nout} (one would always be 1.0 and never "
                "train); for one output use sigmoid, or a linear output with binary_cross_entropy"
            )
        self.name = name
        rng = _rng(seed)
        neuron_act = "linear" if activation == "softmax" else activation
        self.neurons = [
            Neuron(nin, neuron_act, name=f"{name}.N{k}", weights=draw_weights(rng, init, nin, nout))
            for k in range(1, nout + 1)
        ]

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return self.neurons[0].nin

    @property
    def nout(self) -> int:
        """Number of neurons (outputs)."""
        return len(self.neurons)

    def __call__(self, x: Input) -> list[Value]:
        """[z_1, …, z_nout] (for softmax: the probabilities p_k, each labelled as its neuron)."""
        return Outputs(self.forward(_inputs(x, self.nin, f"Layer {self.name}")))

    def logits(self, xs: Sequence[Value]) -> list[Value]:
        """[z_1, …, z_nout], z_k = Σ_j w_kj x_j + b_k before the activation (``L{l}.N{k}.z``), on lifted inputs."""
        neurons = self.neurons
        zs = autograd_core.matvec([n.w for n in neurons], xs, [n.b for n in neurons])  # x read once for all rows
        return [n.label_z(z) for n, z in zip(neurons, zs)]

    def forward(self, xs: Sequence[Value]) -> list[Value]:
        """The layer on inputs already checked and lifted to Values."""
        if self.activation != "softmax":
            return [n.activate(z) for n, z in zip(self.neurons, self.logits(xs))]
        ps = softmax_values(self.logits(xs))
        for p, n in zip(ps, self.neurons):
            p.label = n.name
        return ps

    def parameters(self) -> list[Value]:
        """Per neuron: its weights, then its bias."""
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r}, name={self.name!r})"


class MLP(Module):
    """Layers L1 … Ln composed: x ↦ act_n(W_n … act_1(W_1 x + b_1) … + b_n).

    ``activation`` is the hidden layers' activation (one name, or a list with one per hidden
    layer); ``output_activation`` the last layer's.  ``model(x)`` returns a Value when the last
    layer has one neuron, else a list of Values.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | Sequence[str] = "relu",
        output_activation: str = "linear",
        seed: int | random.Random | None = None,
        init: str = "uniform",
    ) -> None:
        _check_size("nin", nin)
        if isinstance(nouts, (int, str)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"nouts must be a non-empty list of layer sizes, e.g. [16, 16, 1], got {nouts!r}")
        nouts = [_check_size("each layer size in nouts", n) for n in nouts]
        hidden = [activation] * (len(nouts) - 1) if isinstance(activation, str) else list(activation)
        if len(hidden) != len(nouts) - 1:
            raise ValueError(
                f"activation lists one name per hidden layer: {len(nouts) - 1} expected, got {len(hidden)}"
            )
        for a in hidden:
            check_activation(a, allow_softmax=False)
        check_activation(output_activation)
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; valid: {', '.join(INITS)}")
        self.sizes = [nin, *nouts]
        self.activations = [*hidden, output_activation]
        self.init = init
        rng = _rng(seed)
        self.layers = [
            Layer(self.sizes[i], self.sizes[i + 1], self.activations[i], seed=rng, init=init, name=f"L{i + 1}")
            for i in range(len(nouts))
        ]

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return self.sizes[0]

    @property
    def nout(self) -> int:
        """Number of outputs."""
        return self.sizes[-1]

    def __call__(self, x: Input) -> Value | list[Value]:
        """The network's output: a Value if the last layer has one neuron, else a list of Values."""
        xs = _inputs(x, self.nin, "MLP")
        for layer in self.layers:
            xs = layer.forward(xs)
        return xs[0] if len(xs) == 1 else Outputs(xs)

    def logits(self, x: Input) -> Value | list[Value]:
        """The last layer before its activation, z = W_n h + b_n (for softmax: what ``cross_entropy`` takes).

        A Value when the last layer has one neuron, else a list, as ``model(x)``; the output is
        act_n(z), e.g. ``losses.softmax(model.logits(x))`` equals ``model(x)`` bit for bit.
        """
        xs = _inputs(x, self.nin, "MLP")
        for layer in self.layers[:-1]:
            xs = layer.forward(xs)
        zs = self.layers[-1].logits(xs)
        return zs[0] if len(zs) == 1 else zs

    def parameters(self) -> list[Value]:
        """Per layer, per neuron: its weights in input order, then its bias."""
        return [p for layer in self.layers for p in layer.parameters()]

    def save(self, path: str) -> None:
        """Write the architecture and every parameter (bit-exact) as JSON; see ``nn.io``."""
        from .io import save

        save(self, path)

    @classmethod
    def load(cls, path: str, max_bytes: int | None = None) -> MLP:
        """Read a model written by ``save``; any problem raises ``ValueError`` naming it and the path.

        Files over ``max_bytes`` (default ``nn.io.MAX_BYTES``, 64 MiB) and special files are refused."""
        from .io import MAX_BYTES, load

        return load(path, MAX_BYTES if max_bytes is None else max_bytes)

    def to_torch(self, dtype: object = None) -> object:
        """An equivalent ``torch.nn.Sequential`` with the same weights (float64 unless ``dtype``)."""
        from .torch_bridge import to_torch

        return to_torch(self, dtype)

    @classmethod
    def from_torch(cls, seq: object) -> MLP:
        """An MLP with the architecture and weights of a ``torch.nn.Sequential`` of Linear + activations."""
        from .torch_bridge import from_torch

        return from_torch(seq)

    def __repr__(self) -> str:
        return f"MLP({self.nin}, {self.sizes[1:]}, activations={self.activations}, init={self.init!r})"


def build(sizes: Sequence[int], activations: Sequence[str], weights: Sequence[float], init: str = "uniform") -> MLP:
    """An MLP of the given architecture whose parameters (in ``parameters()`` order) are ``weights``."""
    model = MLP(sizes[0], list(sizes[1:]), list(activations[:-1]), activations[-1], seed=0, init=init)
    params = model.parameters()
    if len(params) != len(weights):
        raise ValueError(f"architecture {list(sizes)} has {len(params)} parameters, got {len(weights)} values")
    for p, v in zip(params, weights):
        if not math.isfinite(v):
            raise ValueError(f"parameter {p.label} is {v!r}; only finite numbers make a model (as MLP.load requires)")
        p.data = float(v)
    return model
