"""The compiled training step: the model traced once, replayed on the whole batch with numpy.

``make_compiled_step`` keeps ``fit`` 's contract: ``step(X_b, y_b) -> (L, outputs)`` with every
parameter's ``grad`` set to ∂L/∂w.  The model's graph (Σ_k w_jk x_k + b_j and activations) is the
tape of ``autograd_core.compile``; the loss and regularizer stay interpreted on the model's
outputs ŷ_b (a few nodes per sample), so any loss works, with its own branches and labels.
Backprop joins the two: ∂L/∂ŷ_b from the interpreted loss seeds the tape's backward, which
sums Σ_b ∂L/∂ŷ_b · ∂ŷ_b/∂w over the batch.

The tape replays the graph traced on the first sample, so the model must not branch on data
(MLP, Layer and Neuron do not; a softmax output layer subtracts the traced sample's max logit,
which leaves softmax and its gradient unchanged in exact arithmetic).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd_core import Value, compile, gradients

Output = float | list[float]


def make_compiled_step(
    model: Callable, loss: Callable, regularizer: Callable | None = None
) -> Callable[[Sequence, Sequence], tuple[float, list[Output]]]:
    """``step(X_b, y_b)``: L = loss(model(X_b), y_b) + R(W) on the batch; sets ``p.grad = ∂L/∂p``."""
    params = model.parameters()
    tape = compile(lambda x: model(x), params=params, batched=(0,))

    def step(Xb: Sequence, yb: Sequence) -> tuple[float, list[Output]]:
        outputs, pullback = tape.vjp(Xb, argnums=())
        several = isinstance(outputs, list)
        columns = [o.tolist() for o in outputs] if several else [outputs.tolist()]
        # ŷ as leaves of a small interpreted graph: the loss (and R(W)) built by the engine.
        leaves = [[Value(v) for v in column] for column in columns]
        preds = [list(sample) for sample in zip(*leaves)] if several else leaves[0]
        L = loss(preds, yb)
        if regularizer is not None:
            L = L + regularizer(params)
        grads = gradients(L)
        _, from_model = pullback(*[[grads.get(v, 0.0) for v in column] for column in leaves])
        for p, g in zip(params, from_model.tolist()):
            p.grad = g + grads.get(p, 0.0)  # through the model, plus through R(W)
        floats = [list(sample) for sample in zip(*columns)] if several else columns[0]
        return L.data, floats

    return step
