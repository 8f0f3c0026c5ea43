"""fit(compiled=True) follows fit(compiled=False) step for step: same losses, same weights."""

import numpy as np
import pytest

from autograd_core import Value, compile
from autograd_core.compiled import TraceMismatchError
from nn import MLP, SGD, Adam, Layer, data, evaluate, fit, losses
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


def one_hot(classes: list[int], k: int = 3) -> list[list[float]]:
    return [[float(j == c) for j in range(k)] for c in classes]


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
    X, y = [[0.0, 0.0], [800.0, -800.0], [-900.0, 900.0], [1.0, 2.0]], one_hot([0, 1, 2, 0])
    w0, w1, h0, h1 = train_twice(lambda: with_logits_x1_x2_mean(make_model()), X, y, loss="mse", epochs=3)
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


# ---- the whole objective on the tape ------------------------------------------------------------
def _labels(loss: str, n: int, k: int, rng: np.random.Generator):
    if loss == "hinge":
        return [float(v) for v in rng.choice([-1.0, 1.0], n)]
    if loss == "bce":
        return [int(v) for v in rng.integers(0, 2, n)]
    if loss == "cross_entropy":
        return [int(v) for v in rng.integers(0, k, n)]
    return [[float(v) for v in row] for row in rng.normal(size=(n, k))] if k > 1 else list(rng.normal(size=n))


CASES = [
    ("hinge", 1, "relu", "linear"),
    ("bce", 1, "tanh", "linear"),
    ("mse", 1, "sigmoid", "linear"),
    ("mse", 3, "relu", "softmax"),
    ("cross_entropy", 3, "tanh", "linear"),
    ("cross_entropy", 4, "relu", "linear"),
    ("mse", 2, "sign", "linear"),
    ("hinge", 1, "step", "linear"),
]


@pytest.mark.parametrize(("loss", "k", "hidden", "output"), CASES)
@pytest.mark.parametrize("batch_size", [None, 4])
@pytest.mark.parametrize("as_arrays", [False, True])
def test_compiled_fit_random_mlps_match_interpreted(loss, k, hidden, output, batch_size, as_arrays):
    # Random data and widths; minibatches of 4 over 11 samples end with a partial batch of 3.
    rng = np.random.default_rng(CASES.index((loss, k, hidden, output)))
    n, d = 11, int(rng.integers(1, 4))
    X = rng.normal(size=(n, d)).tolist()
    y = _labels(loss, n, k, rng)
    if as_arrays:
        X, y = np.array(X), np.array(y)
    width, seed = int(rng.integers(2, 6)), int(rng.integers(100))
    w0, w1, h0, h1 = train_twice(
        lambda: MLP(d, [width, k], activation=hidden, output_activation=output, seed=seed),
        X,
        y,
        loss=loss,
        epochs=4,
        batch_size=batch_size,
        regularizer=lambda params: 1e-3 * losses.l2(params) + 1e-3 * losses.l1(params),
    )
    assert close(w0, w1) and close(h0["loss"], h1["loss"]) and h0["accuracy"] == h1["accuracy"]


def test_compiled_fit_moons_loss_curve_matches_interpreted_for_100_epochs():
    X, y = data.moons(30, noise=0.1, seed=0, labels=(-1, 1))
    _, _, h0, h1 = train_twice(
        lambda: MLP(2, [8, 8, 1], seed=1),
        X,
        y,
        loss="hinge",
        epochs=100,
        regularizer=lambda params: 1e-4 * losses.l2(params),
    )
    assert close(h0["loss"], h1["loss"], 1e-9)


def test_compiled_fit_custom_loss_built_from_engine_ops():
    def huber(preds, targets):  # uses the targets as Values: traceable
        terms = [((p - t) ** 2 + 1).sqrt() - 1 for p, t in zip(preds, targets)]
        return sum(terms) / len(terms)

    X, _ = data.moons(12, seed=3)
    y = [float(a - b) for a, b in X]
    w0, w1, h0, h1 = train_twice(lambda: MLP(2, [4, 1], activation="tanh", seed=2), X, y, loss=huber, epochs=5)
    assert close(w0, w1) and close(h0["loss"], h1["loss"])


def test_compiled_fit_refuses_a_custom_loss_that_compares_its_targets():
    def one_hot_mse(p, t):  # k == c compares a Value: on the tape every sample would get sample 0's row
        return losses.mse([q for row in p for q in row], [float(k == c) for c in t for k in range(3)])

    X, y = [[0.0, 1.0], [1.0, 0.0]], [0, 2]
    with pytest.raises(ValueError, match="does not use its targets"):
        fit(MLP(2, [3], seed=0), X, y, loss=one_hot_mse, epochs=1, compiled=True, progress=False)


@pytest.mark.parametrize(
    ("loss", "y", "outputs"),
    [("hinge", [1, 3], 1), ("bce", [0, 0.5], 1), ("cross_entropy", [0, 3], 3), ("cross_entropy", [1, -1], 3)],
)
def test_compiled_step_bad_labels_raise_the_interpreted_error(loss, y, outputs):
    X = [[0.0, 1.0], [1.0, 0.0]]
    with pytest.raises(ValueError) as interpreted:
        fit(MLP(2, [outputs], seed=0), X, y, loss=loss, epochs=1, progress=False)
    with pytest.raises(ValueError) as compiled:
        fit(MLP(2, [outputs], seed=0), X, y, loss=loss, epochs=1, compiled=True, progress=False)
    assert str(compiled.value) == str(interpreted.value) and "index 1" in str(compiled.value)


def _value_nodes_built(run) -> int:
    """How many Value nodes ``run()`` makes (leaves and op outputs)."""
    import autograd_core.value as V

    count = [0]
    node, init = V._node, Value.__init__

    def counted_node(*args):
        count[0] += 1
        return node(*args)

    def counted_init(self, *args, **kwargs):
        count[0] += 1
        init(self, *args, **kwargs)

    V._node, Value.__init__ = counted_node, counted_init
    try:
        run()
    finally:
        V._node, Value.__init__ = node, init
    return count[0]


def test_compiled_step_builds_no_value_nodes_per_sample():
    # The step is numpy from the inputs to the mean loss: after the trace no Value is built, at any N.
    model = MLP(2, [6, 6, 1], seed=0)
    step = make_compiled_step(model, losses.hinge, lambda params: 1e-4 * losses.l2(params))
    built = {}
    for n in (10, 1_000):
        X, y = data.moons(n, seed=0, labels=(-1, 1))
        step(X, y)  # traces (and checks the trace) at the first call
        built[n] = _value_nodes_built(lambda X=X, y=y: step(X, y))
    assert built == {10: 0, 1_000: 0}


def test_compiled_step_evaluate_gives_the_data_loss_and_outputs():
    X, y = data.moons(20, seed=1, labels=(0, 1))
    model = MLP(2, [5, 1], seed=3)
    step = make_compiled_step(model, losses.binary_cross_entropy, lambda params: losses.l2(params))
    loss, outputs = step.evaluate(X, y)
    expected = evaluate(model, X, y, loss="bce")
    assert loss == pytest.approx(expected["loss"], rel=1e-12)
    assert close(list(outputs), [model(x).data for x in X], 1e-12)
