"""The compiled training step: the whole objective traced once, replayed on every batch with numpy.

``make_compiled_step`` keeps ``fit`` 's contract: ``step(X_b, y_b) -> (L, outputs)`` with every
parameter's ``grad`` set to ∂L/∂w.  One tape holds the objective of one sample,

    f(x, y) = ℓ(model(x), y) + R(W),

with the label y a batched input like x, so a batch's forward and backward are numpy from the
inputs to L = (1/B) Σ_b f(x_b, y_b) = (1/B) Σ_b ℓ_b + R(W).  R reads only the parameters: its
nodes are shared by the batch and computed once per step.  The tape does not depend on B, so
minibatches of any size (a partial last one too) replay it without tracing again.  X_b and y_b
may be lists or arrays; outputs come back as an array ((B,) or (B, K)).

Each built-in loss has a tape form below that computes the same numbers without branching on the
data: softplus as (t + |t|)/2 + log1p(e^{−|t|}), and the shift m ≈ max_k s_k of softmax and
cross-entropy computed per sample on the tape as max(a, b) = a·s + b·(1 − s), s = step(a − b) (the
shift cancels in value and derivative; a shift frozen from the traced sample could overflow
e^{s − m} for the others).  Cross-entropy's class index becomes a one-hot row t, s_y = Σ_k t_k s_k.
A custom loss is traced as ``loss([ŷ], [y])`` with y given as Values (a Value, or a list of them
for a row): build it from engine ops and do not branch on ``.data``.

The tape replays the graph traced on the first sample, so the model must not branch on data
(MLP, Layer and Neuron do not).  The first batch of two or more samples is re-traced on its last
sample (``check_trace``): a model whose graph changes raises ``TraceMismatchError``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from autograd_core import Value, compile, topological_order

from . import losses
from .modules import MLP, Layer

Output = float | list[float]


# ---- the tape forms: the same numbers as nn.losses and softmax, with no branch on the data ----
def _total(terms: Sequence[Value]) -> Value:
    """Σ terms, left to right, as the losses sum them."""
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def _shift(zs: Sequence[Value]) -> Value:
    """m = max_k z_k exactly, as engine ops: max(a, b) = a·s + b·(1 − s), s = step(a − b) ∈ {0, 1}.

    Exact, so e^{z − m} ≤ 1 for logits of any size (an approximate max 1 ulp above a logit of 1e300
    would make every e^{z − m} zero)."""
    m = zs[0]
    for z in zs[1:]:
        s = (m - z).step()
        m = m * s + z * (1 - s)
    return m


def _softmax(zs: Sequence[Value]) -> list[Value]:
    """p_k = e^{z_k − m} / Σ_j e^{z_j − m}, m the per-sample shift."""
    m = _shift(zs)
    es = [(z - m).exp() for z in zs]
    total = _total(es)
    return [e / total for e in es]


def _hinge(s: Value, y: Value) -> Value:
    """ℓ = max(0, 1 − y s)."""
    return (1 - y * s).relu()


def _binary_cross_entropy(s: Value, y: Value) -> Value:
    """ℓ = log(1 + eᵗ), t = (1 − 2y) s, as (t + |t|)/2 + log1p(e^{−|t|}): softplus′(0) = 1/2, as interpreted."""
    t = (1 - 2 * y) * s
    return (t + abs(t)) * 0.5 + (-abs(t)).exp().log1p()


def _cross_entropy(s: Sequence[Value], t: Sequence[Value]) -> Value:
    """ℓ = log Σ_k e^{s_k − m} − Σ_k t_k (s_k − m), t the one-hot row of the class."""
    m = _shift(s)
    shifted = [sk - m for sk in s]
    return _total([d.exp() for d in shifted]).log() - _total([tk * d for tk, d in zip(t, shifted)])


def _mse(p: Value | Sequence[Value], y: Value | Sequence[Value]) -> Value:
    """ℓ = (1/K) Σ_k (ŷ_k − y_k)² (the built-in itself: it does not look at the labels' values)."""
    return losses.mse([p], [y])


TAPE_FORMS: dict[Callable, Callable] = {
    losses.hinge: _hinge,
    losses.binary_cross_entropy: _binary_cross_entropy,
    losses.cross_entropy: _cross_entropy,
    losses.mse: _mse,
}
"""Built-in batch loss → its per-sample form ℓ(ŷ, y) on the tape."""

LABELS: dict[Callable, tuple] = {losses.hinge: (-1, 1), losses.binary_cross_entropy: (0, 1)}
"""Losses whose labels come from a fixed set: checked per batch, in numpy."""


def _check_reads_labels(loss: Callable, ell: Value, y: Value | list[Value]) -> None:
    """``ValueError`` if a custom loss's result does not depend on every label Value it was given.

    A loss that compares its targets (``k == y``) or reads ``.data`` turns them into constants of
    the traced sample, which the tape would replay for every sample: a silently wrong gradient.
    """
    labels = y if isinstance(y, list) else [y]
    reached = {id(v) for v in topological_order(ell)}
    if not all(id(t) in reached for t in labels):
        name = getattr(loss, "__name__", "the loss")
        raise ValueError(
            f"compiled: {name} does not use its targets as values (it compares them, indexes with them or "
            "reads .data), so the tape would replay the first sample's targets for every sample. Write it "
            "with engine ops on the targets (e.g. (p - t) ** 2, one-hot rows as y), or train with compiled=False"
        )


# ---- the step -----------------------------------------------------------------------------
def _model_output(model: Callable) -> tuple[Callable, bool]:
    """(the function to trace, whether softmax follows it): a softmax layer is applied by the tape form."""
    if isinstance(model, MLP) and model.layers[-1].activation == "softmax":
        return model.logits, True
    if isinstance(model, Layer) and model.activation == "softmax":
        return (lambda x: model.logits(list(x))), True  # Layer.logits takes inputs already lifted to Values
    return model, False


class CompiledStep:
    """``step(X_b, y_b) -> (L, outputs)``; ``evaluate(X, y) -> (data loss, outputs)`` without gradients."""

    def __init__(self, model: Callable, loss: Callable, regularizer: Callable | None = None) -> None:
        self.params = model.parameters()
        self.loss, self.regularizer = loss, regularizer
        self.forward, self.softmax = _model_output(model)
        self.sample_loss = TAPE_FORMS.get(loss, lambda p, y: loss([p], [y]))
        self.tape = compile(self._objective, params=self.params, batched=(0, 1), has_aux=True)
        self.n_outputs: int | None = None
        self.several = False  # the model returns a list of outputs
        self.checked = False

    def _objective(self, x: list[Value], y: Value | list[Value]) -> tuple[Value, list[Value]]:
        """f(x, y) = ℓ(model(x), y) + R(W), with ℓ and the model's outputs as aux."""
        out = self.forward(x)
        self.several = isinstance(out, list)
        if self.softmax:
            out = _softmax(out)
        ell = self.sample_loss(out, y)
        if self.loss not in TAPE_FORMS:
            _check_reads_labels(self.loss, ell, y)
        L = ell if self.regularizer is None else ell + self.regularizer(self.params)
        return L, [ell, *(out if self.several else [out])]

    def arrays(self, X: Sequence, y: Sequence) -> tuple[np.ndarray, np.ndarray]:
        """X as floats (B, D) and y as the tape reads it (one-hot rows for cross-entropy), labels checked."""
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} samples but y has {len(y)}; they must match")
        if len(X) == 0:
            raise ValueError("compiled step: the batch is empty")
        if self.loss in LABELS and not np.isin(y, LABELS[self.loss]).all():
            self._raise_like_interpreted(y, ~np.isin(y, LABELS[self.loss]))
        if self.loss is losses.cross_entropy:
            return X, self._one_hot(X, y)
        return X, y.astype(float)

    def _one_hot(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        if self.n_outputs is None:
            out = self.forward([Value(v) for v in X[0].tolist()])
            self.n_outputs = len(out) if isinstance(out, list) else 1
        k = self.n_outputs
        integral = y.dtype.kind in "iu" and y.ndim == 1
        bad = ~((y >= 0) & (y < k)) if integral else np.ones(len(y), dtype=bool)
        if bad.any():
            self._raise_like_interpreted(y, bad)
        return np.eye(k)[y]

    def _raise_like_interpreted(self, y: np.ndarray, bad: np.ndarray) -> None:
        """The built-in loss's own error for the first bad label, computed on the batch up to it."""
        i = int(np.flatnonzero(bad)[0])
        preds = [[0.0] * (self.n_outputs or 1)] * (i + 1) if self.loss is losses.cross_entropy else [0.0] * (i + 1)
        self.loss(preds, y[: i + 1].tolist())
        raise ValueError(f"{getattr(self.loss, '__name__', 'loss')}: label {y[i]!r} at index {i} is not valid")

    def dataset(self, X: Sequence, y: Sequence) -> tuple[np.ndarray, np.ndarray]:
        """X and y as arrays, once per ``fit`` (the labels as given: the accuracy reads them)."""
        return np.asarray(X, dtype=float), np.asarray(y)

    def _outputs(self, aux: list[np.ndarray]) -> np.ndarray:
        return np.stack(aux[1:], axis=1) if self.several else aux[1]

    def __call__(self, Xb: Sequence, yb: Sequence) -> tuple[float, np.ndarray]:
        """L = (1/B) Σ_b ℓ_b + R(W) on the batch; sets ``p.grad = ∂L/∂p`` for every parameter."""
        X, Y = self.arrays(Xb, yb)
        (L, aux), _, grads = self.tape.value_and_grad(X, Y, reduce="mean", argnums=())
        if not self.checked and len(X) >= 2:
            self.tape.check_trace(X, Y, sample=len(X) - 1)  # the model's graph must not depend on the data
            self.checked = True
        for p, g in zip(self.params, grads.tolist()):
            p.grad = g
        return L, self._outputs(aux)

    def evaluate(self, X: Sequence, y: Sequence) -> tuple[float, np.ndarray]:
        """(the data loss (1/N) Σ ℓ, without R; the outputs) on (X, y), forward only."""
        X, Y = self.arrays(X, y)
        _, aux = self.tape(X, Y)
        return float(aux[0].mean()), self._outputs(aux)


def make_compiled_step(model: Callable, loss: Callable, regularizer: Callable | None = None) -> CompiledStep:
    """``step(X_b, y_b)``: L = loss(model(X_b), y_b) + R(W) on the batch; sets ``p.grad = ∂L/∂p``."""
    return CompiledStep(model, loss, regularizer)


def make_compiled_evaluation(model: Callable, loss: Callable) -> Callable[[Sequence, Sequence], tuple]:
    """``evaluation(X, y) -> (L, outputs)``: the traced objective replayed forward only (no R(W), grads untouched)."""
    return CompiledStep(model, loss).evaluate
