"""Optimizers: w ← w − α_k · (update from g = ∂L/∂w), reading each parameter's ``grad``.

SGD (with momentum), Adagrad, RMSprop and Adam follow PyTorch's ``torch.optim`` update rules and
defaults (so they can be checked against it), with an optional schedule α_k = lr · schedule(k)
from ``nn.schedules``.  Adagrad, RMSprop and Adam are seed 001's "adaptive learning rates": each
weight's step is divided by the root of a running sum or average of its own g², so a weight
whose gradients have been large takes smaller steps, one whose gradients are small larger ones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autograd_core import Value

from .schedules import Schedule


def _check_momentum(momentum: float) -> float:
    if isinstance(momentum, bool) or not 0.0 <= momentum < 1.0:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    return momentum


def _check_eps(eps: float, usual: str, ratio: str) -> float:
    if isinstance(eps, bool) or not eps > 0 or not math.isfinite(eps):
        raise ValueError(
            f"eps must be a small positive number ({usual} is usual), got {eps!r}; it keeps {ratio} finite"
        )
    return eps


class Optimizer:
    """What every optimizer shares: the parameters, the step count k and the rate α_k."""

    def __init__(self, params: Sequence[Value], lr: float, weight_decay: float, schedule: Schedule | None) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("the optimizer got no parameters; pass model.parameters()")
        if isinstance(lr, bool) or not lr > 0 or not math.isfinite(lr):
            raise ValueError(f"lr must be a positive finite number, got {lr!r}")
        if not weight_decay >= 0:
            raise ValueError(f"weight_decay must be ≥ 0, got {weight_decay!r}")
        self.base_lr = lr
        self.weight_decay = weight_decay
        self.schedule = schedule
        self.k = 0

    @property
    def lr(self) -> float:
        """α_k, the rate the next ``step()`` uses; ``ValueError`` if a schedule makes it negative or not finite."""
        if self.schedule is None:
            return self.base_lr
        factor = self.schedule(self.k)
        rate = self.base_lr * factor
        if not rate >= 0 or not math.isfinite(rate):
            raise ValueError(
                f"the schedule gave α_{self.k} = {rate!r} (lr {self.base_lr!r} × {factor!r}); "
                "a learning rate must be finite and ≥ 0 (a negative one ascends the loss)"
            )
        return rate

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0 (leaves accumulate across ``backward()`` calls)."""
        for p in self.params:
            p.grad = 0.0

    def _grads(self) -> list[float]:
        """g = ∂L/∂w + λw (weight decay λ, i.e. the gradient of an added (λ/2)·Σw²)."""
        wd = self.weight_decay
        return [p.grad + wd * p.data for p in self.params] if wd else [p.grad for p in self.params]


class SGD(Optimizer):
    """v ← μv + g; w ← w − α_k v (μ = momentum; plain GD w ← w − α_k g when μ = 0).

    This is seed 001's weight momentum Δw(n) = −η g(n) + α Δw(n − 1) (its η δ x is −η g; its α
    is μ here) written another way: the step taken is Δw(n) = −α_n v(n), so
    Δw(n) = −α_n g(n) + μ · (α_n / α_(n−1)) · Δw(n − 1).  With a constant rate α_n = η the two
    are the same numbers; with a schedule they differ: PyTorch's form (used here) rescales the
    remembered step to the new rate, the seed's keeps the old step's size.
    """

    def __init__(
        self,
        params: Sequence[Value],
        lr: float = 0.01,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        schedule: Schedule | None = None,
    ) -> None:
        super().__init__(params, lr, weight_decay, schedule)
        self.momentum = _check_momentum(momentum)
        self.velocity = [0.0] * len(self.params)

    def step(self) -> None:
        """One update of every parameter from its ``grad``."""
        lr, mu = self.lr, self.momentum
        for i, (p, g) in enumerate(zip(self.params, self._grads())):
            if mu:
                g = self.velocity[i] = mu * self.velocity[i] + g
            p.data -= lr * g
        self.k += 1


class Adagrad(Optimizer):
    """G ← G + g², w ← w − α_k g/(√G + ε): each weight's rate falls as its squared gradients add up.

    G starts at 0 for every weight, so a weight with large gradients soon takes small steps and
    one with rare, small gradients keeps large ones; the steps only ever shrink (torch.optim.Adagrad
    with lr_decay = 0 and initial_accumulator_value = 0).
    """

    def __init__(
        self,
        params: Sequence[Value],
        lr: float = 0.01,
        eps: float = 1e-10,
        weight_decay: float = 0.0,
        schedule: Schedule | None = None,
    ) -> None:
        super().__init__(params, lr, weight_decay, schedule)
        self.eps = _check_eps(eps, "1e-10", "g/√G")
        self.sum_squares = [0.0] * len(self.params)

    def step(self) -> None:
        """One update of every parameter from its ``grad``."""
        lr, eps = self.lr, self.eps
        for i, (p, g) in enumerate(zip(self.params, self._grads())):
            G = self.sum_squares[i] = self.sum_squares[i] + g * g
            p.data -= lr * g / (math.sqrt(G) + eps)
        self.k += 1


class RMSprop(Optimizer):
    """s ← ρs + (1−ρ)g², w ← w − α_k g/(√s + ε) (ρ = ``alpha``): Adagrad with a fading memory of g².

    s is a running average of the last ~1/(1−ρ) squared gradients, so the rate adapts up as well
    as down.  With μ = ``momentum`` > 0: b ← μb + g/(√s + ε), w ← w − α_k b (torch.optim.RMSprop,
    centered=False).
    """

    def __init__(
        self,
        params: Sequence[Value],
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        schedule: Schedule | None = None,
    ) -> None:
        super().__init__(params, lr, weight_decay, schedule)
        if isinstance(alpha, bool) or not 0.0 <= alpha < 1.0:
            raise ValueError(f"alpha must be in [0, 1) (0.99 is usual: the average over ~100 steps), got {alpha!r}")
        self.alpha = alpha
        self.eps = _check_eps(eps, "1e-8", "g/√s")
        self.momentum = _check_momentum(momentum)
        self.square_avg = [0.0] * len(self.params)
        self.buffer = [0.0] * len(self.params)

    def step(self) -> None:
        """One update of every parameter from its ``grad``."""
        lr, rho, eps, mu = self.lr, self.alpha, self.eps, self.momentum
        for i, (p, g) in enumerate(zip(self.params, self._grads())):
            s = self.square_avg[i] = rho * self.square_avg[i] + (1.0 - rho) * g * g
            update = g / (math.sqrt(s) + eps)
            if mu:
                update = self.buffer[i] = mu * self.buffer[i] + update
            p.data -= lr * update
        self.k += 1


class Adam(Optimizer):
    """m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − α_k m̂/(√v̂ + ε) with m̂, v̂ bias-corrected."""

    def __init__(
        self,
        params: Sequence[Value],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        schedule: Schedule | None = None,
    ) -> None:
        super().__init__(params, lr, weight_decay, schedule)
        if not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"betas must be in [0, 1), got {betas!r}")
        self.betas = betas
        self.eps = _check_eps(eps, "1e-8", "m̂/√v̂")
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        """One update of every parameter from its ``grad``."""
        lr, (b1, b2), eps = self.lr, self.betas, self.eps
        t = self.k + 1
        c1, c2 = 1.0 - b1**t, 1.0 - b2**t
        for i, (p, g) in enumerate(zip(self.params, self._grads())):
            m = self.m[i] = b1 * self.m[i] + (1.0 - b1) * g
            v = self.v[i] = b2 * self.v[i] + (1.0 - b2) * g * g
            p.data -= (lr / c1) * m / (math.sqrt(v) / math.sqrt(c2) + eps)
        self.k += 1
