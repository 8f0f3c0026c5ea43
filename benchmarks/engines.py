"""The engines under test, each behind the same few calls; peers are imported only when used."""

from __future__ import annotations

import glob
import importlib
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

OURS = "autograd-core"
OURS_GC_OFF = "autograd-core, GC off"
COMPILED = "autograd-core compile()"
COMPILED_FIT = "autograd-core fit(compiled=True)"
MICROGRAD = "micrograd"
MICROGRAD_GC_OFF = "micrograd, GC off"
MICROGRAD_RUST = "micrograd-rust"
TORCH_SCALAR = "PyTorch 0-d float64"
TORCH_BATCHED = "PyTorch batched float64"
HIPS = "HIPS autograd (numpy)"
NUMPY_HAND = "numpy, hand-written"

GC_OFF = {OURS: OURS_GC_OFF, MICROGRAD: MICROGRAD_GC_OFF}
"""Engine → its column when timed with the cyclic GC off (gc.collect() before, gc.disable() during)."""
BASELINE = {
    **dict.fromkeys((OURS, COMPILED, MICROGRAD_RUST, TORCH_SCALAR, TORCH_BATCHED, HIPS), MICROGRAD),
    OURS_GC_OFF: MICROGRAD_GC_OFF,
}
"""Engine → the column its ratio is taken against: micrograd, in the same GC setting."""

REQUIRES = {
    MICROGRAD: "micrograd",
    MICROGRAD_GC_OFF: "micrograd",
    MICROGRAD_RUST: "micrograd_rust",
    TORCH_SCALAR: "torch",
    TORCH_BATCHED: "torch",
    HIPS: "autograd",
}
"""Engine → the module it needs (autograd-core's own engines need only numpy for compile())."""


PEERS_VENV = os.environ.get("PEERS_VENV", "/tmp/peers-venv")
"""Where ``shared/bench/setup-peers.sh`` builds the peers that pip cannot install here (micrograd-rust)."""


def installed(engine: str) -> bool:
    """Is the engine's package importable?"""
    name = REQUIRES.get(engine)
    if name is None:
        return True
    try:
        importlib.import_module(name)
    except ImportError:
        return name == "micrograd_rust" and _rust_from_peers_venv() is not None
    return True


def _rust_from_peers_venv():
    """micrograd-rust's extension module from the peers' venv, if it was built for this Python; else None.

    Only the one compiled module is loaded (not the venv's site-packages, whose numpy and torch
    could shadow ours).
    """
    if "micrograd_rust" in sys.modules:
        return sys.modules["micrograd_rust"]
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        for path in glob.glob(f"{PEERS_VENV}/lib/{version}/site-packages/micrograd_rust/micrograd_rust{suffix}"):
            spec = importlib.util.spec_from_file_location("micrograd_rust", path)
            module = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(module)
            except ImportError:
                continue
            sys.modules["micrograd_rust"] = module
            return module
    return None


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


def micrograd_rust() -> Scalar:
    """The native Rust port of micrograd: no relu, and a plain number only on the left of an operator."""
    try:
        from micrograd_rust import Value
    except ImportError:
        Value = _rust_from_peers_venv().Value

    def relu(x):
        return (1.0 if x.data > 0 else 0.0) * x  # relu′(0) = 0, as ours and micrograd's

    return Scalar(MICROGRAD_RUST, Value, relu, Value.backward, lambda v: v.data, lambda v: v.grad, _value_sgd)


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


SCALAR_ENGINES: dict[str, Callable[[], Scalar]] = {
    OURS: ours,
    MICROGRAD: micrograd,
    MICROGRAD_RUST: micrograd_rust,
    TORCH_SCALAR: torch_scalar,
}
"""The engines that build one graph node per scalar operation."""
