"""fit(compiled=True) follows fit(compiled=False) step for step: same losses, same weights."""

import numpy as np
import pytest

from autograd_core import compile
from autograd_core.compiled import TraceMismatchError
from nn import MLP, SGD, Adam, Layer, data, fit, losses
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


def test_compiled_softmax_mlp_passes_check_trace():
    # The softmax's shift m = max z is a constant read from the data: check_trace failed on it.
    model = MLP(2, [4, 3], output_activation="softmax", seed=0)
    c = compile(lambda x: model(x), params=model.parameters(), batched=(0,))
    c.check_trace(np.array([[0.1, 0.2], [0.5, -0.3], [3.0, 1.0]]), sample=2)


def one_hot_mse(p, t):
    return losses.mse([q for row in p for q in row], [float(k == c) for c in t for k in range(3)])


def with_logits_x1_x2_mean(model):
    """Set the 3 output neurons' weights to (1, 0), (0, 1), (½, ½): logits z = (x1, x2, (x1 + x2)/2)."""
    layer = model.layers[-1] if isinstance(model, MLP) else model
    for neuron, w in zip(layer.neurons, [(1.0, 0.0), (0.0, 1.0), (0.5, 0.5)]):
        neuron.w[0].data, neuron.w[1].data = w
    return model


@pytest.mark.parametrize(
    "make_model",
    [lambda: MLP(2, [3], output_activation="softmax", seed=0), lambda: Layer(2, 3, activation="softmax", seed=2)],
)
def test_compiled_fit_softmax_on_far_apart_logits_matches_interpreted(make_model):
    # Sample 1's logits are (800, −800, 0); the tape's shift was sample 0's max (0), so e^{800}
    # overflowed where the interpreted engine trains.
    X, y = [[0.0, 0.0], [800.0, -800.0], [-900.0, 900.0], [1.0, 2.0]], [0, 1, 2, 0]
    w0, w1, h0, h1 = train_twice(lambda: with_logits_x1_x2_mean(make_model()), X, y, loss=one_hot_mse, epochs=3)
    assert close(w0, w1) and close(h0["loss"], h1["loss"]) and h0["accuracy"] == h1["accuracy"]


class Branchy:
    """A model whose graph depends on the data: relu for a positive input, sigmoid otherwise."""

    def __init__(self) -> None:
        self.w = MLP(1, [1], seed=0).parameters()

    def parameters(self):
        return self.w

    def __call__(self, x):
        s = self.w[0] * x[0] + self.w[1]
        return s.relu() if s.data > 0 else s.sigmoid()


def test_compiled_step_detects_a_model_that_branches_on_data():
    # It used to replay sample 0's branch for every sample, training a different model silently.
    step = make_compiled_step(Branchy(), losses.mse)
    step([[5.0]], [1.0])  # one sample: nothing to compare yet
    with pytest.raises(TraceMismatchError, match="different graph"):
        step([[5.0], [-5.0]], [1.0, 0.0])
    with pytest.raises(TraceMismatchError):
        fit(Branchy(), [[5.0], [-5.0]], [1.0, 0.0], loss="mse", epochs=1, compiled=True, progress=False)
    fit(Branchy(), [[5.0], [6.0]], [1.0, 0.0], loss="mse", epochs=1, compiled=True, progress=False)
