"""The engines under test, each behind the same few calls; peers are imported only when used."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

OURS = "autograd-core"
OURS_GC_OFF = "autograd-core, GC off"
COMPILED = "autograd-core compile()"
MICROGRAD = "micrograd"
MICROGRAD_GC_OFF = "micrograd, GC off"
TORCH_SCALAR = "PyTorch 0-d float64"
TORCH_BATCHED = "PyTorch batched float64"
HIPS = "HIPS autograd (numpy)"
NUMPY_HAND = "numpy, hand-written"

GC_OFF = {OURS: OURS_GC_OFF, MICROGRAD: MICROGRAD_GC_OFF}
"""Engine → its column when timed with the cyclic GC off (gc.collect() before, gc.disable() during)."""
BASELINE = {
    **dict.fromkeys((OURS, COMPILED, TORCH_SCALAR, TORCH_BATCHED, HIPS), MICROGRAD),
    OURS_GC_OFF: MICROGRAD_GC_OFF,
}
"""Engine → the column its ratio is taken against: micrograd, in the same GC setting."""

REQUIRES = {
    MICROGRAD: "micrograd",
    MICROGRAD_GC_OFF: "micrograd",
    TORCH_SCALAR: "torch",
    TORCH_BATCHED: "torch",
    HIPS: "autograd",
}
"""Engine → the module it needs (autograd-core's own engines need only numpy for compile())."""


def installed(engine: str) -> bool:
    """Is the engine's package importable?"""
    name = REQUIRES.get(engine)
    if name is None:
        return True
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def torch_module():
    """torch, on one thread: its intra-op pool spin-waits on a busy 2-core machine (40 ms for 1e5 adds)."""
    import torch

    torch.set_num_threads(1)
    return torch


@dataclass(frozen=True)
class Scalar:
    """A scalar engine's vocabulary: make a leaf, ReLU, BACKWARD(), read and update numbers."""

    name: str
    leaf: Callable[[float], object]
    relu: Callable[[object], object]
    backward: Callable[[object], None]
    data: Callable[[object], float]
    grad: Callable[[object], float]
    sgd: Callable[[list, float], None]  # w ← w − η ∂L/∂w, then clear the grads


def _value_sgd(params: list, lr: float) -> None:
    for p in params:
        p.data -= lr * p.grad
        p.grad = 0.0


def ours() -> Scalar:
    from autograd_core import Value

    return Scalar(OURS, Value, Value.relu, Value.backward, lambda v: v.data, lambda v: v.grad, _value_sgd)


def micrograd() -> Scalar:
    from micrograd.engine import Value

    return Scalar(MICROGRAD, Value, Value.relu, Value.backward, lambda v: v.data, lambda v: v.grad, _value_sgd)


def torch_scalar() -> Scalar:
    torch = torch_module()

    def leaf(x: float):
        return torch.tensor(x, dtype=torch.float64, requires_grad=True)

    def sgd(params: list, lr: float) -> None:
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
                p.grad = None

    return Scalar(
        TORCH_SCALAR, leaf, torch.relu, lambda v: v.backward(), lambda v: v.item(), lambda v: v.grad.item(), sgd
    )


SCALAR_ENGINES: dict[str, Callable[[], Scalar]] = {OURS: ours, MICROGRAD: micrograd, TORCH_SCALAR: torch_scalar}
"""The engines that build one graph node per scalar operation."""
