"""Neurons found in a graph's own structure: each Σ node (``dot``) with its parameters and activation.

A neuron is z = Σ_j w_j x_j + b, one ``dot`` node, with a = f(z) its only child when that is a
unary op (else a = z); its parameters are the leaves among its w_j and b.  Its layer counts the
Σ nodes on the longest path below it (1: it reads only leaves), and its place in the layer is
where the layer above lists it among its inputs.  Nothing here reads labels: any graph built
with ``dot`` groups this way, whoever built it.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograd_core import Value, topological_order

DOT = "dot"
"""The op table's row of a Σ w·x + b node: what makes a neuron."""


@dataclass(frozen=True)
class Neuron:
    """One neuron of a graph: its Σ node ``z``, its output ``a`` (= z without an activation), its parameter
    leaves, its layer (from 1) and its place in the layer (from 0)."""

    z: Value
    a: Value
    params: tuple[Value, ...]
    layer: int
    place: int

    @property
    def nodes(self) -> tuple[Value, ...]:
        """Every node of the neuron: parameters, z and a."""
        return (*self.params, self.z) if self.a is self.z else (*self.params, self.z, self.a)

    @property
    def name(self) -> str:
        """The output's label (nn's ``L1.N3``), else the Σ node's, else ``layer l, neuron k``."""
        return self.a.label or self.z.label or f"layer {self.layer}, neuron {self.place + 1}"


def weights_and_bias(z: Value) -> list[Value]:
    """The w_j and b among a Σ node's parents (w_1 … w_n, x_1 … x_n, then b if their number is odd)."""
    n = len(z.parents) // 2
    return [*z.parents[:n], *z.parents[2 * n :]]


def find_neurons(order: list[Value]) -> list[Neuron]:
    """The neurons among ``order`` (a topological order), sorted by layer and place."""
    children: dict[Value, list[Value]] = {}
    for v in order:
        for p in v.parents:
            children.setdefault(p, []).append(v)
    depth: dict[Value, int] = {}
    for v in order:  # parents come first: one pass, no recursion
        below = max((depth.get(p, 0) for p in v.parents), default=0)
        depth[v] = below + (v.op == DOT)
    found = []
    for z in (v for v in order if v.op == DOT):
        after = children.get(z, [])
        a = after[0] if len(after) == 1 and len(after[0].parents) == 1 else z
        params = tuple(p for p in weights_and_bias(z) if not p.parents and children.get(p) == [z])
        found.append((z, a, params, depth[z]))
    index = {v: k for k, v in enumerate(order)}

    def place(a: Value) -> tuple[int, int]:
        """Where the first node reading ``a`` lists it: the layer above lists the layer in order."""
        readers = children.get(a, [])
        if not readers:
            return (len(order), index[a])
        first = min(readers, key=index.__getitem__)
        return (index[first], first.parents.index(a))

    by_layer: dict[int, list[tuple]] = {}
    for z, a, params, layer in found:
        by_layer.setdefault(layer, []).append((place(a), z, a, params))
    return [
        Neuron(z, a, params, layer, k)
        for layer, group in sorted(by_layer.items())
        for k, (_, z, a, params) in enumerate(sorted(group, key=lambda t: t[0]))
    ]


def neuron_part(root: Value, name: str) -> tuple[Value, set[Value]]:
    """The output of the neuron ``name`` (its label, e.g. nn's ``"L1.N3"``) below ``root``, and the other neurons'
    outputs below it: ``draw_graph(out, stop_at=others)`` draws that one neuron with the layer below as its inputs."""
    neurons = find_neurons(topological_order(root))
    chosen = next((n for n in neurons if name in (n.a.label, n.z.label)), None)
    if chosen is None:
        names = [n.name for n in neurons]
        known = f"it has {len(names)} neurons, {names[0]} … {names[-1]}" if names else "it has no neurons (Σ nodes)"
        raise ValueError(f"no neuron {name!r} in this graph: {known}")
    below = set(topological_order(chosen.a)[:-1])
    return chosen.a, {n.a for n in neurons if n.a in below}
