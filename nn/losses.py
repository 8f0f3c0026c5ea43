"""Losses L = (1/N) Σ_i ℓ(ŷ_i, y_i) and regularizers R(W), built from engine ops only.

Every loss takes a batch (a list of predictions, one per sample, and a list of targets) and
returns one ``Value``, the mean over the batch.  Regularizers take a list of parameters and
return a ``Value`` sum; add them to the data loss yourself, L = loss + λ·R(W), or pass
``regularizer=lambda params: 1e-4 * losses.l2(params)`` to ``fit``.

``binary_cross_entropy`` and ``cross_entropy`` take logits (a linear output layer), not
probabilities.  For stability two things are chosen from the numbers, changing no value or
derivative: the shift m = max s in softmax and log-sum-exp, and which of two equal formulas of
log(1 + eˢ) binary cross-entropy uses.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import autograd_core
from autograd_core import Value

from .modules import softmax_values

Scalar = Value | float


def _sum(terms: Sequence[Scalar]) -> Value:
    """Σ terms as one Σ node (∂/∂t_i = 1)."""
    if not terms:
        raise ValueError("nothing to sum: the list of predictions or parameters is empty")
    return autograd_core.sum(terms)


def _mean(terms: Sequence[Scalar]) -> Value:
    """(1/N) Σ terms: one Σ node times the constant 1/N."""
    return _sum(terms) * (1.0 / len(terms))


def _value(x: Scalar) -> Value:
    return x if type(x) is Value else Value(x)


def _check_batch(preds: Sequence, targets: Sequence, name: str) -> None:
    if len(preds) != len(targets):
        raise ValueError(f"{name}: {len(preds)} predictions but {len(targets)} targets; give one target per prediction")
    if len(preds) == 0:
        raise ValueError(f"{name}: the batch is empty")


def _is_row(x: object) -> bool:
    """A sample with several entries: a list, tuple, numpy row… (anything sized but a str or Value)."""
    return not isinstance(x, (str, Value)) and hasattr(x, "__len__")


def _flat(xs: Sequence) -> list:
    return [e for x in xs for e in x] if _is_row(xs[0]) else list(xs)


def mse(preds: Sequence, targets: Sequence) -> Value:
    """L = (1/N) Σ_i (ŷ_i − y_i)², over every element (as torch.nn.functional.mse_loss)."""
    _check_batch(preds, targets, "mse")
    p, t = _flat(preds), _flat(targets)
    if len(p) != len(t):
        raise ValueError(f"mse: predictions have {len(p)} elements but targets have {len(t)}; shapes must match")
    return _mean([(pi - ti) ** 2 for pi, ti in zip(p, t)])


def hinge(scores: Sequence[Scalar], labels: Sequence[float]) -> Value:
    """L = (1/N) Σ_i max(0, 1 − y_i s_i) with y_i ∈ {−1, +1} (micrograd's max-margin loss)."""
    _check_batch(scores, labels, "hinge")
    for i, y in enumerate(labels):
        if y not in (-1, 1):
            raise ValueError(f"hinge: labels must be -1 or +1, got {y!r} at index {i} (map 0/1 labels with 2y − 1)")
    return _mean([(1 - y * _value(s)).relu() for s, y in zip(scores, labels)])


def _softplus(t: Value) -> Value:
    """log(1 + eᵗ) to full precision: t + log1p(e⁻ᵗ) for t ≥ 0, log1p(eᵗ) below (the same function).

    e^{±t} never overflows and log1p keeps the digits of a tiny e⁻|t|.  The branch-free
    relu(t) + log1p(e^{−|t|}) has the same values but, with relu′(0) = |·|′(0) = 0, derivative
    0 instead of σ(0) = 1/2 at t = 0.
    """
    if t.data >= 0.0:
        return t + (-t).exp().log1p()
    return t.exp().log1p()


def binary_cross_entropy(logits: Sequence[Scalar], labels: Sequence[float]) -> Value:
    """L = (1/N) Σ_i log(1 + e^{(1 − 2y_i) s_i}) = −(1/N) Σ_i [y log σ(s) + (1 − y) log(1 − σ(s))], y ∈ {0, 1}."""
    _check_batch(logits, labels, "binary_cross_entropy")
    for i, y in enumerate(labels):
        if y not in (0, 1):
            raise ValueError(f"binary_cross_entropy: labels must be 0 or 1, got {y!r} at index {i}")
    # One softplus of ±s, not softplus(s) − y·s: at s = 30, y = 1 that difference of two numbers
    # near 30 kept only 2 of the 16 digits of the loss 9.36e-14.
    return _mean([_softplus((1 - 2 * y) * _value(s)) for s, y in zip(logits, labels)])


def softmax(logits: Sequence[Scalar]) -> list[Value]:
    """p_k = e^{s_k} / Σ_j e^{s_j} (computed with s − max s, which cancels)."""
    if not logits:
        raise ValueError("softmax: needs at least one logit")
    return softmax_values([_value(s) for s in logits])


def cross_entropy(batch_logits: Sequence[Sequence[Scalar]], targets: Sequence[int]) -> Value:
    """L = (1/N) Σ_i [log Σ_k e^{s_ik − m_i} − (s_iy − m_i)], m_i = max_k s_ik: the mean of −log softmax(s_i)_{y_i}."""
    _check_batch(batch_logits, targets, "cross_entropy")
    terms = []
    for i, (s, y) in enumerate(zip(batch_logits, targets)):
        if isinstance(s, Value) or not isinstance(s, Sequence):
            raise ValueError(f"cross_entropy: sample {i} must be a list of logits (one per class), got {s!r}")
        if isinstance(y, bool) or not isinstance(y, numbers.Integral) or not 0 <= y < len(s):
            raise ValueError(f"cross_entropy: target {y!r} at index {i} is not a class index in 0…{len(s) - 1}")
        s = [_value(sk) for sk in s]
        # −log softmax(s)_y = log Σ_k e^{s_k − m} − (s_y − m), m = max s a constant.  Adding m
        # back before subtracting s_y would cancel: at s = (1e16, 1e16) it gave 0, not log 2.
        m = max(sk.data for sk in s)
        terms.append(_sum([(sk - m).exp() for sk in s]).log() - (s[y] - m))
    return _mean(terms)


def l2(params: Sequence[Value]) -> Value:
    """R(W) = Σ_k w_k²."""
    return _sum([p * p for p in params])


def l1(params: Sequence[Value]) -> Value:
    """R(W) = Σ_k |w_k| (with |·|′(0) = 0)."""
    return _sum([abs(p) for p in params])


def elastic_net(params: Sequence[Value], l1_ratio: float = 0.5) -> Value:
    """R(W) = ρ Σ_k |w_k| + (1 − ρ) Σ_k w_k², ρ = ``l1_ratio`` ∈ [0, 1]."""
    if not 0.0 <= l1_ratio <= 1.0 or math.isnan(l1_ratio):
        raise ValueError(f"elastic_net: l1_ratio must be in [0, 1], got {l1_ratio!r}")
    return l1_ratio * l1(params) + (1.0 - l1_ratio) * l2(params)
