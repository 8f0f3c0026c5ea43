"""Optimizers: w ← w − α_k · (update from g = ∂L/∂w), reading each parameter's ``grad``.

SGD (with momentum), Adagrad, RMSprop and Adam follow PyTorch's ``torch.optim`` update rules and
defaults (so they can be checked against it), with an optional schedule α_k = lr · schedule(k)
from ``nn.schedules``.  Adagrad, RMSprop and Adam are seed 001's "adaptive learning rates": each
weight's step is divided by the root of a running sum or average of its own g², so a weight
whose gradients have been large takes smaller steps, one whose gradients are small larger ones.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

from autograd_core import Value

from .schedules import Schedule


def check_hyperparameter(
    name: str,
    value: object,
    low: float,
    high: float = math.inf,
    *,
    low_open: bool = False,
    say: str = "",
    why: str = "",
) -> float:
    """``value`` as a float if it is a finite real number (not a bool) in [low, high), or (low, high) with
    ``low_open``; else ``ValueError`` naming ``name`` (``say`` words the range, ``why`` says what it is for)."""
    if not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}: {value!r:.60}")
    if not say and high == math.inf:
        say = f"a finite number {'>' if low_open else '≥'} {low:g}"
    elif not say:
        say = f"in {'(' if low_open else '['}{low:g}, {high:g})"
    x = float(value)
    if isinstance(value, bool) or not (math.isfinite(x) and (low < x if low_open else low <= x) and x < high):
        raise ValueError(f"{name} must be {say}, got {value!r}" + (f"; {why}" if why else ""))
    return x


def _check_momentum(momentum: float) -> float:
    return check_hyperparameter("momentum", momentum, 0.0, 1.0)


def _check_eps(eps: float, usual: str, ratio: str) -> float:
    return check_hyperparameter(
        "eps",
        eps,
        0.0,
        low_open=True,
        say=f"a small positive number ({usual} is usual)",
        why=f"it keeps {ratio} finite",
    )


def _first_not_finite(xs: list[float]) -> int | None:
    """The index of the first inf or nan in ``xs``, or None (a finite sum means all are finite: the quick test)."""
    if math.isfinite(sum(xs)):
        return None
    return next((i for i, x in enumerate(xs) if not math.isfinite(x)), None)


class NonFiniteStep(FloatingPointError):
    """``step()`` met a gradient of inf or nan (``what == "gradient"``, nothing changed), or its update would
    make a parameter inf or nan (``what == "update"``, every parameter kept its value); ``name`` says which."""

    def __init__(self, what: str, name: str, value: float, lr: float) -> None:
        self.what, self.name, self.value, self.lr = what, name, value, lr
        if what == "gradient":
            text = (
                f"the gradient of {name} is {value!r}, so the step would make it nan; nothing changed "
                "(step(skip_nonfinite=True) skips such steps; if the loss diverged, lower the learning rate)"
            )
        else:
            text = (
                f"the step (α = {lr!r}) would make {name} = {value!r}; every parameter keeps its value from "
                "before it: lower the learning rate"
            )
        super().__init__(text)


class Optimizer:
    """What every optimizer shares: the parameters, the step count k and the rate α_k."""

    def __init__(self, params: Sequence[Value], lr: float, weight_decay: float, schedule: Schedule | None) -> None:
        if callable(params):  # SGD(model.parameters, ...): the method, not the list it returns
            raise TypeError(
                f"the optimizer got the method {getattr(params, '__qualname__', params)!r}, not a list of "
                "parameters; call it: SGD(model.parameters(), lr=...)"
            )
        self.params = list(params)
        if not self.params:
            raise ValueError("the optimizer got no parameters; pass model.parameters()")
        self.base_lr = check_hyperparameter("lr", lr, 0.0, low_open=True, say="a positive finite number")
        self.weight_decay = check_hyperparameter("weight_decay", weight_decay, 0.0)
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

    def _name(self, i: int) -> str:
        return repr(self.params[i].label) if self.params[i].label else f"parameter {i} (unlabelled)"

    def step(self, skip_nonfinite: bool = False) -> bool:
        """One update of every parameter from its ``grad`` (the rule in the class docstring); True if taken.

        A gradient g (with weight decay) of inf or nan raises ``NonFiniteStep`` naming the parameter,
        before anything changes; with ``skip_nonfinite=True`` the step is skipped instead (no parameter,
        state or k changes) and ``step`` returns False.  An update that would make a parameter inf or nan
        raises ``NonFiniteStep`` too: every parameter keeps its value from before the step (the running
        averages have taken it: start a new optimizer with a lower lr)."""
        lr, grads = self.lr, self._grads()
        bad = _first_not_finite(grads)
        if bad is not None:
            if skip_nonfinite:
                return False
            raise NonFiniteStep("gradient", self._name(bad), grads[bad], lr)
        before = [p.data for p in self.params]
        self._update(lr, grads)
        bad = _first_not_finite([p.data for p in self.params])
        if bad is not None:
            value = self.params[bad].data
            for p, x in zip(self.params, before):
                p.data = x
            raise NonFiniteStep("update", self._name(bad), value, lr)
        self.k += 1
        return True

    def _update(self, lr: float, grads: list[float]) -> None:
        """w ← w − lr·(the rule's update from g), for each parameter w and its g in ``grads``."""
        raise NotImplementedError


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

    def _update(self, lr: float, grads: list[float]) -> None:
        mu = self.momentum
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if mu:
                g = self.velocity[i] = mu * self.velocity[i] + g
            p.data -= lr * g


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

    def _update(self, lr: float, grads: list[float]) -> None:
        eps = self.eps
        for i, (p, g) in enumerate(zip(self.params, grads)):
            G = self.sum_squares[i] = self.sum_squares[i] + g * g
            p.data -= lr * g / (math.sqrt(G) + eps)


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
        self.alpha = check_hyperparameter(
            "alpha", alpha, 0.0, 1.0, say="in [0, 1) (0.99 is usual: the average over ~100 steps)"
        )
        self.eps = _check_eps(eps, "1e-8", "g/√s")
        self.momentum = _check_momentum(momentum)
        self.square_avg = [0.0] * len(self.params)
        self.buffer = [0.0] * len(self.params)

    def _update(self, lr: float, grads: list[float]) -> None:
        rho, eps, mu = self.alpha, self.eps, self.momentum
        for i, (p, g) in enumerate(zip(self.params, grads)):
            s = self.square_avg[i] = rho * self.square_avg[i] + (1.0 - rho) * g * g
            update = g / (math.sqrt(s) + eps)
            if mu:
                update = self.buffer[i] = mu * self.buffer[i] + update
            p.data -= lr * update


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
        if not isinstance(betas, Sequence) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (β₁, β₂) such as (0.9, 0.999), got {betas!r:.60}")
        self.betas = tuple(check_hyperparameter(f"betas[{i}]", b, 0.0, 1.0) for i, b in enumerate(betas))
        self.eps = _check_eps(eps, "1e-8", "m̂/√v̂")
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def _update(self, lr: float, grads: list[float]) -> None:
        (b1, b2), eps = self.betas, self.eps
        t = self.k + 1
        c1, c2 = 1.0 - b1**t, 1.0 - b2**t
        for i, (p, g) in enumerate(zip(self.params, grads)):
            m = self.m[i] = b1 * self.m[i] + (1.0 - b1) * g
            v = self.v[i] = b2 * self.v[i] + (1.0 - b2) * g * g
            p.data -= (lr / c1) * m / (math.sqrt(v) / math.sqrt(c2) + eps)
