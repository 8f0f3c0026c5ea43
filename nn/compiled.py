"""The compiled training step: the model traced once, replayed on the whole batch with numpy.

``make_compiled_step`` keeps ``fit`` 's contract: ``step(X_b, y_b) -> (L, outputs)`` with every
parameter's ``grad`` set to ∂L/∂w.  The model's graph (Σ_k w_jk x_k + b_j and activations) is the
tape of ``autograd_core.compile``; the loss and regularizer stay interpreted on the model's
outputs ŷ_b (a few nodes per sample), so any loss works, with its own branches and labels.
Backprop joins the two: ∂L/∂ŷ_b from the interpreted loss seeds the tape's backward, which
sums Σ_b ∂L/∂ŷ_b · ∂ŷ_b/∂w over the batch.

A softmax output layer is applied in the interpreted part, on the traced logits z_b: its shift
m = max z_b is read from each sample's own data (on the tape it would be the first sample's,
and e^{z − m} could overflow for the others).

The tape replays the graph traced on the first sample, so the model must not branch on data
(MLP, Layer and Neuron do not).  The first batch of two or more samples is re-traced on its last
sample (``check_trace``): a model whose graph changes raises ``TraceMismatchError``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd_core import Value, compile, gradients

from .modules import MLP, Layer, softmax_values

Output = float | list[float]


def _logits_and_softmax(model: Callable) -> tuple[Callable, bool]:
    """(the function to trace, whether softmax follows it): a softmax output layer is left out of the trace."""
    if isinstance(model, MLP) and model.layers[-1].activation == "softmax":
        return model.logits, True
    if isinstance(model, Layer) and model.activation == "softmax":
        return (lambda x: model.logits(list(x))), True  # Layer.logits takes inputs already lifted to Values
    return (lambda x: model(x)), False


def make_compiled_step(
    model: Callable, loss: Callable, regularizer: Callable | None = None
) -> Callable[[Sequence, Sequence], tuple[float, list[Output]]]:
    """``step(X_b, y_b)``: L = loss(model(X_b), y_b) + R(W) on the batch; sets ``p.grad = ∂L/∂p``."""
    params = model.parameters()
    traced, softmax = _logits_and_softmax(model)
    tape = compile(traced, params=params, batched=(0,))
    checked = False

    def step(Xb: Sequence, yb: Sequence) -> tuple[float, list[Output]]:
        nonlocal checked
        outputs, pullback = tape.vjp(Xb, argnums=())
        if not checked and len(Xb) >= 2:
            tape.check_trace(Xb, sample=len(Xb) - 1)  # the model's graph must not depend on the data
            checked = True
        leaves, preds = _predictions(outputs, softmax)
        L = loss(preds, yb)
        if regularizer is not None:
            L = L + regularizer(params)
        grads = gradients(L)
        _, from_model = pullback(*[[grads.get(v, 0.0) for v in column] for column in leaves])
        for p, g in zip(params, from_model.tolist()):
            p.grad = g + grads.get(p, 0.0)  # through the model, plus through R(W)
        return L.data, _floats(preds)

    return step


def make_compiled_evaluation(
    model: Callable, loss: Callable
) -> Callable[[Sequence, Sequence], tuple[float, list[Output]]]:
    """``evaluation(X, y) -> (L, outputs)``: the traced model replayed forward only (no backward, grads untouched)."""
    traced, softmax = _logits_and_softmax(model)
    tape = compile(traced, params=model.parameters(), batched=(0,))

    def evaluation(X: Sequence, y: Sequence) -> tuple[float, list[Output]]:
        _, preds = _predictions(tape(X), softmax)
        return loss(preds, y).data, _floats(preds)

    return evaluation


def _predictions(outputs, softmax: bool) -> tuple[list[list[Value]], list]:
    """(leaves, ŷ): the tape's output columns as leaves of a small interpreted graph, and the predictions on them.

    The loss (and R(W)) is then built by the engine on ŷ; a softmax output layer is applied here.
    """
    several = isinstance(outputs, list)
    columns = [o.tolist() for o in outputs] if several else [outputs.tolist()]
    leaves = [[Value(v) for v in column] for column in columns]
    preds = [list(sample) for sample in zip(*leaves)] if several else leaves[0]
    if softmax:  # (a softmax layer has ≥ 2 outputs)
        preds = [softmax_values(z) for z in preds]
    return leaves, preds


def _floats(preds: list) -> list[Output]:
    return [p.data if type(p) is Value else [q.data for q in p] for p in preds]
