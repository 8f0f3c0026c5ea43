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
        several = isinstance(outputs, list)
        columns = [o.tolist() for o in outputs] if several else [outputs.tolist()]
        # ŷ as leaves of a small interpreted graph: the loss (and R(W)) built by the engine.
        leaves = [[Value(v) for v in column] for column in columns]
        preds = [list(sample) for sample in zip(*leaves)] if several else leaves[0]
        if softmax:  # (a softmax layer has ≥ 2 outputs)
            preds = [softmax_values(z) for z in preds]
        L = loss(preds, yb)
        if regularizer is not None:
            L = L + regularizer(params)
        grads = gradients(L)
        _, from_model = pullback(*[[grads.get(v, 0.0) for v in column] for column in leaves])
        for p, g in zip(params, from_model.tolist()):
            p.grad = g + grads.get(p, 0.0)  # through the model, plus through R(W)
        if softmax:
            floats = [[q.data for q in p] for p in preds]
        else:
            floats = [list(sample) for sample in zip(*columns)] if several else columns[0]
        return L.data, floats

    return step
