"""fit(compiled=True) follows fit(compiled=False) step for step: same losses, same weights."""

import pytest

from nn import MLP, SGD, Adam, data, fit, losses
from nn.compiled import make_compiled_step
from nn.train import make_step


def weights(model) -> list[float]:
    return [p.data for p in model.parameters()]


def train_twice(make_model, X, y, optimizer=lambda ps: SGD(ps, lr=0.1), **kwargs) -> tuple[list, list, dict, dict]:
    """Weights and history of the same training, interpreted then compiled."""
    runs = []
    for compiled in (False, True):
        model = make_model()
        history = fit(model, X, y, optimizer=optimizer(model.parameters()), compiled=compiled, progress=False, **kwargs)
        runs.append((weights(model), history))
    (w0, h0), (w1, h1) = runs
    return w0, w1, h0, h1


def close(a: list[float], b: list[float], tol: float = 1e-10) -> bool:
    return all(abs(u - v) <= tol * max(1.0, abs(u)) for u, v in zip(a, b, strict=True))


def test_compiled_fit_hinge_l2_matches_interpreted():
    # The moons setup of the lecture: MLP 2-8-8-1 ReLU, hinge + 1e-4·L2, 20 full-batch steps.
    X, y = data.moons(40, noise=0.1, seed=0, labels=(-1, 1))
    w0, w1, h0, h1 = train_twice(
        lambda: MLP(2, [8, 8, 1], seed=1),
        X,
        y,
        loss="hinge",
        epochs=20,
        regularizer=lambda params: 1e-4 * losses.l2(params),
    )
    assert close(w0, w1) and close(h0["loss"], h1["loss"]) and h0["accuracy"] == h1["accuracy"]
    assert h1["loss"][-1] < h1["loss"][0]  # it trained


def test_compiled_fit_cross_entropy_minibatches_adam_matches_interpreted():
    # Several outputs, minibatches of uneven size (last one short), Adam.
    X, y = data.spirals(30, n_classes=3, seed=2)
    w0, w1, h0, h1 = train_twice(
        lambda: MLP(2, [6, 3], activation="tanh", seed=3),
        X,
        y,
        loss="cross_entropy",
        epochs=5,
        batch_size=8,
        optimizer=lambda ps: Adam(ps, lr=0.05),
    )
    assert close(w0, w1) and close(h0["loss"], h1["loss"]) and h0["accuracy"] == h1["accuracy"]


def test_compiled_step_sets_grads_and_outputs_like_the_interpreted_step():
    X, y = data.moons(12, seed=4, labels=(0, 1))
    model = MLP(2, [5, 1], activation="sigmoid", seed=5)
    loss = losses.binary_cross_entropy
    reg = lambda params: 1e-3 * losses.l2(params)
    L0, out0 = make_step(model, loss, reg)(X, y)
    g0 = [p.grad for p in model.parameters()]
    for p in model.parameters():
        p.grad = 123.0  # the compiled step sets, it does not accumulate
    L1, out1 = make_compiled_step(model, loss, reg)(X, y)
    assert L1 == pytest.approx(L0, rel=1e-12) and close(out0, out1, 1e-12)
    assert close(g0, [p.grad for p in model.parameters()], 1e-12)
    assert all(type(p.grad) is float for p in model.parameters())
