"""Learning-rate schedules: α_k = lr · factor(k), k = 0, 1, 2, … the optimizer steps taken so far.

Pass one as ``SGD(params, lr=C, schedule=schedules.inverse())`` (the lecture's α_k = C/k with k
counted from 1) or ``schedule=schedules.linear(100, end=0.1)`` (micrograd's 1 − 0.9·k/100).
"""

from __future__ import annotations

import math
from collections.abc import Callable

Schedule = Callable[[int], float]


def constant() -> Schedule:
    """factor(k) = 1: α_k = lr."""
    return lambda k: 1.0


def inverse() -> Schedule:
    """factor(k) = 1/(k + 1): α_k = C/k for k = 1, 2, … (seed 000's decaying SGD step size)."""
    return lambda k: 1.0 / (k + 1)


def linear(steps: int, end: float = 0.1) -> Schedule:
    """factor(k) = 1 − (1 − end)·k/steps, then ``end`` from k = steps on (micrograd: steps=100, end=0.1)."""
    if steps < 1:
        raise ValueError(f"linear: steps must be ≥ 1, got {steps!r}")
    if not end >= 0 or not math.isfinite(end):
        raise ValueError(f"linear: end must be a finite factor ≥ 0, got {end!r} (a negative rate ascends the loss)")
    return lambda k: 1.0 - (1.0 - end) * min(k, steps) / steps


def step(every: int, gamma: float = 0.1) -> Schedule:
    """factor(k) = γ^⌊k/every⌋: multiply the rate by γ every ``every`` steps."""
    if every < 1:
        raise ValueError(f"step: every must be ≥ 1, got {every!r}")
    if not gamma > 0 or not math.isfinite(gamma):
        raise ValueError(f"step: gamma must be a finite factor > 0, got {gamma!r} (0.1 divides the rate by 10)")
    return lambda k: gamma ** (k // every)
