"""``fit``: full-batch GD, minibatch SGD or single-sample SGD, with a progress bar and a history.

Each update is one call ``step(X_b, y_b) -> (loss, outputs)``, which sets every parameter's
``grad`` to ∂L/∂w for the batch objective L = loss(outputs, y_b) + R(W) and returns L and the
model's outputs as floats; then the optimizer steps.  The interpreted step (``make_step``) builds
the graph and calls ``backward()``; ``compiled=True`` uses ``nn.compiled.make_compiled_step``,
which has the same contract.

Validation (seed 001: "will it generalize well to subsequent examples?"): with
``validation=(X_val, y_val)`` each epoch ends by measuring the model on data it does not train
on, forward only: one call ``evaluation(X, y) -> (loss, outputs)`` (``make_evaluation``, or with
``compiled=True`` ``nn.compiled.make_compiled_evaluation``: the traced model replayed without a
backward pass).  ``early_stopping=k`` stops once k epochs in a row bring no lower validation loss.

Regularization: ``regularizer=lambda params: 1e-4 * losses.l2(params)`` adds λR(W) to every
batch's loss (once per batch, not scaled by its size); ``params`` is ``model.parameters()``,
so ``[p for p in params if ".w" in p.label]`` regularizes weights only.  ``SGD(weight_decay=…)``
is the other way.
"""

from __future__ import annotations

import gc
import importlib
import math
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from tqdm.auto import tqdm

from autograd_core import Value

from . import losses
from .data import minibatches
from .optim import SGD, NonFiniteStep, Optimizer

Output = float | list[float]
Step = Callable[[Sequence, Sequence], tuple[float, list[Output]]]
Evaluation = Callable[[Sequence, Sequence], tuple[float, list[Output]]]


def _is_array(x: object) -> bool:
    """A numpy array (what the compiled step returns): accuracies are then one vectorized expression."""
    return hasattr(x, "shape") and hasattr(x, "mean")


def _like(outputs: object, y: Sequence) -> object:
    """y as an array of the outputs' kind (a list of labels compared elementwise)."""
    return outputs.__array_namespace__().asarray(y)


def _hinge_accuracy(outputs: Sequence[float], y: Sequence) -> float:
    if _is_array(outputs):
        return float(((outputs > 0) == (_like(outputs, y) > 0)).mean())
    return sum((s > 0) == (t > 0) for s, t in zip(outputs, y)) / len(y)


def _bce_accuracy(outputs: Sequence[float], y: Sequence) -> float:
    if _is_array(outputs):
        return float(((outputs > 0) == (_like(outputs, y) == 1)).mean())
    return sum((s > 0) == (t == 1) for s, t in zip(outputs, y)) / len(y)


def _argmax_accuracy(outputs: Sequence[list[float]], y: Sequence) -> float:
    if _is_array(outputs):
        return float((outputs.argmax(axis=1) == _like(outputs, y)).mean())  # the first of tied maxima, as max() below
    return sum(max(range(len(o)), key=o.__getitem__) == t for o, t in zip(outputs, y)) / len(y)


def _joined(parts: list) -> list | object:
    """The epoch's batches of outputs (or labels) end to end: a list, or one array for the compiled step's arrays."""
    if len(parts) == 1:
        return parts[0]
    if _is_array(parts[0]):
        return parts[0].__array_namespace__().concat(parts)  # the array API's concat: nn imports no numpy
    return [item for part in parts for item in part]


LOSSES: dict[str, Callable] = {
    "mse": losses.mse,
    "hinge": losses.hinge,
    "binary_cross_entropy": losses.binary_cross_entropy,
    "bce": losses.binary_cross_entropy,
    "cross_entropy": losses.cross_entropy,
}
"""Losses ``fit`` accepts by name."""

ACCURACY: dict[Callable, Callable | None] = {
    losses.mse: None,  # regression: no accuracy
    losses.hinge: _hinge_accuracy,  # sign(s) = y, y = ±1
    losses.binary_cross_entropy: _bce_accuracy,  # (s > 0) = y, y ∈ {0, 1}
    losses.cross_entropy: _argmax_accuracy,  # argmax_k s_k = y
}
"""The accuracy that goes with each built-in loss."""


def _loss_fn(loss: str | Callable) -> Callable:
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; valid: {', '.join(LOSSES)} (or pass a function)")
        return LOSSES[loss]
    if not callable(loss):
        raise TypeError(f"loss must be a name or a function (preds, targets) -> Value, got {type(loss).__name__}")
    return loss


def _floats(out: Value | list[Value]) -> Output:
    return out.data if type(out) is Value else [o.data for o in out]


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """The engine's graphs hold no reference cycles, so reference counting frees each step's graph.

    Python's cyclic collector would still scan the tens of thousands of nodes a step allocates
    (about 40% of a moons step); it is paused for the step and resumed after, so any cycles that
    user code makes meanwhile are collected then.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def make_step(model: Callable, loss: Callable, regularizer: Callable | None = None) -> Step:
    """The interpreted step: build L = loss(model(X_b), y_b) + R(W), set grads by ``backward()``."""
    params = model.parameters()

    def step(Xb: Sequence, yb: Sequence) -> tuple[float, list[Output]]:
        with _cyclic_gc_paused():
            for p in params:
                p.grad = 0.0  # leaves accumulate across backward() calls
            outs = [model(x) for x in Xb]
            L = loss(outs, yb)
            if regularizer is not None:
                L = L + regularizer(params)
            L.backward()
            return L.data, [_floats(o) for o in outs]

    return step


def make_evaluation(model: Callable, loss: Callable) -> Evaluation:
    """The interpreted evaluation: L = loss(model(X), y) and the outputs, with no ``backward()`` (grads untouched)."""

    def evaluation(X: Sequence, y: Sequence) -> tuple[float, list[Output]]:
        with _cyclic_gc_paused():
            outs = [model(x) for x in X]
            return loss(outs, y).data, [_floats(o) for o in outs]

    return evaluation


def _compiled(name: str) -> Callable:
    """``nn.compiled.<name>``, or an ImportError saying to train with compiled=False."""
    try:
        compiled = importlib.import_module(f"{__package__}.compiled")
    except ModuleNotFoundError as err:
        if err.name != f"{__package__}.compiled":
            raise
        raise ImportError(
            "fit(compiled=True) needs nn/compiled.py (the trace-once batched training step), "
            "which this installation does not have; train with compiled=False"
        ) from None
    return getattr(compiled, name)


def _compiled_step(model: Callable, loss: Callable, regularizer: Callable | None) -> Step:
    return _compiled("make_compiled_step")(model, loss, regularizer)


def _compiled_evaluation(model: Callable, loss: Callable) -> Evaluation:
    return _compiled("make_compiled_evaluation")(model, loss)


def _check_optimizer_holds(optimizer: Optimizer, params: list[Value]) -> None:
    """``ValueError`` unless the optimizer updates every parameter (by identity) of the model being fitted."""
    held = {id(p) for p in getattr(optimizer, "params", params)}  # an optimizer without .params is trusted
    missing = [p.label for p in params if id(p) not in held]
    if missing:
        shown = ", ".join(missing[:3]) + (", …" if len(missing) > 3 else "")
        raise ValueError(
            f"the optimizer holds {len(params) - len(missing)} of the model's {len(params)} parameters "
            f"(missing {shown}), so fit would not train them; build it from this model: "
            "SGD(model.parameters(), lr=…)"
        )


def _not_finite(model: Callable, Xb: Sequence) -> bool:
    """Whether the model's outputs on the batch hold an inf or nan (from overflowing weights)."""
    outs = [_floats(model(x)) for x in Xb]
    return not all(math.isfinite(o) for out in outs for o in (out if isinstance(out, list) else [out]))


def _stopped(what: str, epoch: int, first: bool, lr: object) -> FloatingPointError:
    """fit's one message for a non-finite loss, gradient or parameter."""
    if first:
        return FloatingPointError(f"fit: {what} at the first step, before any update; check X and y for inf or nan")
    was = f" (α was {lr:g})" if isinstance(lr, float) else ""
    return FloatingPointError(
        f"fit stopped at epoch {epoch + 1}: {what}; the model keeps its last finite parameters. "
        f"Lower the learning rate{was}"
    )


def _checked_step(
    step: Step, optimizer: Optimizer, model: Callable, batch: tuple[Sequence, Sequence], epoch: int, first: bool
) -> tuple[float, list[Output]]:
    """``step`` then ``optimizer.step()``, stopping (``_stopped``) at a non-finite loss, gradient or parameter.

    A diverging model's loss can fail before it is inf: (1e155)² overflows in mse, inf − inf gives
    log(nan) in cross-entropy; after an update, such an error with non-finite outputs is divergence too."""
    lr = getattr(optimizer, "lr", None)
    try:
        value, outs = step(*batch)
    except (OverflowError, ValueError) as error:
        if first or not (isinstance(error, OverflowError) or _not_finite(model, batch[0])):
            raise
        raise _stopped(f"the loss could not be computed ({error})", epoch, first, lr) from error
    if not math.isfinite(value):
        raise _stopped(f"the loss became {value}", epoch, first, lr)
    try:
        optimizer.step()
    except NonFiniteStep as error:
        what = f"the gradient of {error.name} became {error.value!r}"
        if error.what == "update":
            what = f"the update would make {error.name} = {error.value!r}"
        raise _stopped(what, epoch, first, lr) from None
    return value, outs


def evaluate(model: Callable, X: Sequence, y: Sequence, loss: str | Callable = "mse") -> dict[str, float | None]:
    """{"loss": L, "accuracy": …} of ``model`` on (X, y), without training (accuracy None for mse)."""
    loss = _loss_fn(loss)
    value, outputs = make_evaluation(model, loss)(X, y)
    acc = ACCURACY.get(loss)
    return {"loss": value, "accuracy": acc(outputs, y) if acc else None}


def _check_validation(validation: tuple[Sequence, Sequence] | None, early_stopping: int | None) -> None:
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise ValueError("validation must be a pair (X_val, y_val), e.g. from data.train_test_split")
        X_val, y_val = validation
        if len(X_val) != len(y_val) or len(X_val) == 0:
            raise ValueError(
                f"validation: X_val has {len(X_val)} samples and y_val {len(y_val)}; they must match and not be empty"
            )
    if early_stopping is None:
        return
    if isinstance(early_stopping, bool) or not isinstance(early_stopping, int) or early_stopping < 1:
        raise ValueError(f"early_stopping must be a whole number of epochs ≥ 1, got {early_stopping!r}")
    if validation is None:
        raise ValueError("early_stopping watches the validation loss: pass validation=(X_val, y_val) too")


class _Best:
    """The lowest validation loss so far, its epoch and a copy of the parameters then (for early stopping)."""

    def __init__(self, params: list[Value]) -> None:
        self.params = params
        self.loss = math.inf
        self.epoch = -1
        self.data = [p.data for p in params]

    def update(self, epoch: int, loss: float) -> None:
        """Remember epoch and parameters if ``loss`` is lower than the best so far."""
        if loss < self.loss:
            self.loss, self.epoch = loss, epoch
            self.data = [p.data for p in self.params]

    def restore(self) -> None:
        """Put the remembered parameters back into the model."""
        for p, value in zip(self.params, self.data):
            p.data = value


def fit(
    model: Callable,
    X: Sequence,
    y: Sequence,
    loss: str | Callable = "mse",
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    progress: bool = True,
    callback: Callable[[int, dict], bool | None] | None = None,
    compiled: bool = False,
    regularizer: Callable[[list[Value]], Value] | None = None,
    accuracy: Callable[[list[Output], Sequence], float] | None = None,
    seed: int = 0,
    validation: tuple[Sequence, Sequence] | None = None,
    early_stopping: int | None = None,
) -> dict[str, list]:
    """Train ``model`` on (X, y); returns the history {"loss", "accuracy", "lr"}, one entry per epoch.

    ``batch_size=None`` is full-batch GD (one step per epoch), ``1`` single-sample SGD, else
    minibatch SGD over a seeded shuffle (``seed``) each epoch.  ``optimizer`` defaults to
    ``SGD(model.parameters(), lr=0.01)``; one given must hold every parameter of ``model``.
    "loss" is the mean over the epoch's samples of the batch objective (data loss + regularizer)
    before each update; "accuracy" is measured on the same outputs (None for mse or a custom loss
    without ``accuracy=``); "lr" is α_k at the epoch's first step.  ``callback(epoch, history)``
    runs after each epoch; returning True stops.

    ``validation=(X_val, y_val)`` adds "val_loss" and "val_accuracy": the data loss (no regularizer)
    and accuracy on those samples after the epoch's updates, as ``evaluate`` gives them, measured
    forward only (compiled too with ``compiled=True``).  ``early_stopping=k`` (needs validation)
    stops after k epochs in a row without a lower val_loss than the best so far, and then puts
    back the parameters of the best epoch (the first with the lowest val_loss, index
    ``argmin(history["val_loss"])``); if training runs all epochs first, the best are put back too.
    """
    loss_fn = _loss_fn(loss)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}; they must match")
    if len(X) == 0:
        raise ValueError("fit needs at least one sample")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
    acc_fn = accuracy if accuracy is not None else ACCURACY.get(loss_fn)
    optimizer = optimizer if optimizer is not None else SGD(model.parameters(), lr=0.01)
    _check_optimizer_holds(optimizer, model.parameters())
    _check_validation(validation, early_stopping)
    step = (_compiled_step if compiled else make_step)(model, loss_fn, regularizer)
    evaluation = None if validation is None else (_compiled_evaluation if compiled else make_evaluation)(model, loss_fn)
    best = _Best(model.parameters()) if early_stopping else None
    if compiled:
        X, y = step.dataset(X, y)  # arrays once per fit: the batches are slices of them
    rng = random.Random(seed)
    history: dict[str, list] = {"loss": [], "accuracy": [], "lr": []}
    if validation is not None:
        history.update(val_loss=[], val_accuracy=[])

    bar = tqdm(range(epochs), disable=not progress, desc="fit", unit="epoch")
    for epoch in bar:
        history["lr"].append(optimizer.lr)
        batches = [(X, y)] if batch_size is None else minibatches(X, y, batch_size, rng)
        total, seen_y, outputs = 0.0, [], []
        for b, (Xb, yb) in enumerate(batches):
            try:
                value, outs = _checked_step(step, optimizer, model, (Xb, yb), epoch, first=epoch == 0 and b == 0)
            except FloatingPointError:
                bar.close()
                raise
            total += value * len(yb)
            seen_y.append(yb)
            outputs.append(outs)
        history["loss"].append(total / len(y))
        history["accuracy"].append(acc_fn(_joined(outputs), _joined(seen_y)) if acc_fn else None)
        if evaluation is not None:
            val_loss, val_outputs = evaluation(*validation)
            history["val_loss"].append(val_loss)
            history["val_accuracy"].append(acc_fn(val_outputs, validation[1]) if acc_fn else None)
        if progress:
            bar.set_postfix(_shown(history), refresh=False)  # tqdm redraws at its own pace (mininterval)
        if callback is not None and callback(epoch, history):
            break
        if best is not None:
            best.update(epoch, history["val_loss"][-1])
            if epoch - best.epoch >= early_stopping:
                break
    bar.close()
    if best is not None and best.epoch >= 0:
        best.restore()
    return history


def _shown(history: dict[str, list]) -> dict[str, str]:
    """The progress bar's numbers: the last epoch's loss, accuracy and their validation values."""
    shown = {}
    for key, name in (("loss", "loss"), ("accuracy", "acc"), ("val_loss", "val_loss"), ("val_accuracy", "val_acc")):
        value = history.get(key, [None])[-1]
        if value is not None:
            shown[name] = f"{value:.1%}" if name.endswith("acc") else f"{value:.4g}"
    return shown
