"""fit: the step contract, histories, progress, and the lectures' training tasks within their budgets.

Budgets (measured over model seeds 0…9; each is learned well inside its budget):
- moons, micrograd's recipe: 100 full-batch SGD steps → ≥ 97 % (measured 100 % for seeds 0…9).
- XOR: MLP(2, [4, 1]) tanh, BCE, Adam(lr=0.1), 100 full-batch epochs (all four right by epoch 33).
- 8-3-8 encoder (seed 001's network: sigmoid hidden and output, squared loss): Adam(lr=0.2),
  400 full-batch epochs (every input reproduced by epoch 233).
- linear regression: minibatch SGD (batch 4) with α_k = 4/k, 200 epochs = 2,000 steps → the
  least-squares solution to 1e-3 (measured 1.3e-5).
"""

import math
import random
import sys

import pytest

from autograd_core import Value
from nn import MLP, SGD, Adam, data, evaluate, fit, losses, make_step, schedules
from nn.modules import build


def _reproduced(outputs, targets) -> float:
    """The fraction of samples whose every output, rounded, equals its 0/1 target."""
    return sum(all(round(o) == t for o, t in zip(out, tgt)) for out, tgt in zip(outputs, targets)) / len(targets)


def _moons_recipe(seed: int, compiled: bool) -> tuple:
    """micrograd's demo: MLP(2, [16, 16, 1]) relu, hinge + 1e-4·L2, 100 full-batch SGD steps, lr 1 − 0.9·k/100."""
    X, y = data.moons(100, noise=0.1, seed=0, labels=(-1, 1))
    model = MLP(2, [16, 16, 1], activation="relu", output_activation="linear", seed=seed)
    opt = SGD(model.parameters(), lr=1.0, schedule=schedules.linear(100, end=0.1))
    history = fit(
        model, X, y, loss="hinge", optimizer=opt, epochs=100, progress=False, compiled=compiled,
        regularizer=lambda params: 1e-4 * losses.l2(params),
    )  # fmt: skip
    assert history["accuracy"][-1] >= 0.97 and evaluate(model, X, y, "hinge")["accuracy"] >= 0.97
    assert history["loss"][-1] < 0.1 * history["loss"][0]
    return history


def test_fit_moons_recipe_reaches_97_percent():
    # The engine itself, as the issue asks (~15 s: 100 graphs of ~40,000 nodes); seeds: below.
    history = _moons_recipe(seed=1, compiled=False)
    assert history["lr"][0] == 1.0 and history["lr"][-1] == pytest.approx(1.0 - 0.9 * 99 / 100)


@pytest.mark.parametrize("seed", range(5))
def test_fit_moons_recipe_reaches_97_percent_for_every_model_seed(seed):
    # compiled=True (~0.2 s a run) computes what the interpreted step does: test_compiled_fit.py.
    _moons_recipe(seed, compiled=True)


def test_fit_learns_xor_where_a_single_neuron_cannot():
    X, y = data.xor()
    model = MLP(2, [4, 1], activation="tanh", seed=0)
    history = fit(model, X, y, loss="bce", optimizer=Adam(model.parameters(), lr=0.1), epochs=100, progress=False)
    assert evaluate(model, X, y, "bce")["accuracy"] == 1.0 and history["accuracy"][-1] == 1.0
    neuron = MLP(2, [1], seed=0)
    fit(neuron, X, y, loss="bce", optimizer=Adam(neuron.parameters(), lr=0.1), epochs=100, progress=False)
    assert evaluate(neuron, X, y, "bce")["accuracy"] <= 0.75  # XOR is not linearly separable


def test_fit_learns_the_838_encoder():
    X, y = data.encoder_838()
    model = MLP(8, [3, 8], activation="sigmoid", output_activation="sigmoid", seed=0)
    history = fit(
        model, X, y, loss="mse", optimizer=Adam(model.parameters(), lr=0.2), epochs=400, progress=False,
        accuracy=_reproduced,
    )  # fmt: skip
    outputs = [[o.data for o in model(x)] for x in X]
    assert _reproduced(outputs, y) == 1.0 and history["accuracy"][-1] == 1.0
    codes = {tuple(round(h.data, 1) for h in model.layers[0](x)) for x in X}
    assert len(codes) == 8  # eight distinct hidden codes: the bottleneck learned a code


def test_fit_minibatch_sgd_with_c_over_k_converges_to_least_squares():
    rng = random.Random(0)
    X = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(40)]
    y = [1.5 * a - 2.0 * b + 0.3 + rng.gauss(0, 0.1) for a, b in X]
    exact = _least_squares([[a, b, 1.0] for a, b in X], y)
    model = MLP(2, [1], output_activation="linear", seed=0)
    opt = SGD(model.parameters(), lr=4.0, schedule=schedules.inverse())
    errors = []

    def distance(epoch, history):
        errors.append(max(abs(p.data - e) for p, e in zip(model.parameters(), exact)))

    history = fit(model, X, y, loss="mse", optimizer=opt, epochs=200, batch_size=4, progress=False, callback=distance)
    assert opt.k == 200 * 10 and history["lr"][1] == pytest.approx(4.0 / 11)
    assert errors[-1] < 1e-3 and errors[-1] < errors[9] / 10
    assert history["accuracy"] == [None] * 200  # regression has no accuracy


def _least_squares(A: list[list[float]], y: list[float]) -> list[float]:
    """Solve the normal equations AᵀA w = Aᵀy (3×3) by Gaussian elimination: the independent oracle."""
    n = len(A[0])
    M = [[sum(r[i] * r[j] for r in A) for j in range(n)] + [sum(r[i] * t for r, t in zip(A, y))] for i in range(n)]
    for i in range(n):
        p = max(range(i, n), key=lambda k: abs(M[k][i]))
        M[i], M[p] = M[p], M[i]
        for k in range(n):
            if k != i:
                f = M[k][i] / M[i][i]
                M[k] = [a - f * b for a, b in zip(M[k], M[i])]
    return [M[i][n] / M[i][i] for i in range(n)]


def test_make_step_sets_grads_of_the_batch_objective_equal_to_torch():
    torch = pytest.importorskip("torch")
    X, y = data.moons(12, noise=0.1, seed=2, labels=(-1, 1))
    model = MLP(2, [5, 1], seed=3)
    for p in model.parameters():
        p.grad = 123.0  # stale grads must be replaced, not added to
    value, outputs = make_step(model, losses.hinge, lambda ps: 1e-2 * losses.l2(ps))(X, y)
    seq = model.to_torch()
    s = seq(torch.tensor(X, dtype=torch.float64)).squeeze(1)
    params = [q for m in seq if isinstance(m, torch.nn.Linear) for q in (m.weight, m.bias)]
    L = torch.relu(1 - torch.tensor(y, dtype=torch.float64) * s).mean() + 1e-2 * sum((q * q).sum() for q in params)
    L.backward()
    expected = [g for m in seq if isinstance(m, torch.nn.Linear) for row, b in zip(m.weight.grad.tolist(),
                m.bias.grad.tolist()) for g in (*row, b)]  # fmt: skip
    assert value == pytest.approx(L.item(), rel=1e-12)
    assert outputs == pytest.approx(s.tolist(), rel=1e-12)
    assert [p.grad for p in model.parameters()] == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_fit_single_sample_sgd_takes_one_step_per_sample():
    model = build([1, 1], ["linear"], [0.0, 0.0])
    X, y = [[1.0], [2.0]], [2.0, 4.0]
    opt = SGD(model.parameters(), lr=0.1)
    fit(model, X, y, loss="mse", optimizer=opt, epochs=3, batch_size=1, progress=False)
    assert opt.k == 6
    w, b = 0.0, 0.0  # the same six updates by hand, in fit's seeded order
    rng = random.Random(0)
    for _ in range(3):
        order = [0, 1]
        rng.shuffle(order)
        for i in order:
            err = w * X[i][0] + b - y[i]
            w, b = w - 0.1 * 2 * err * X[i][0], b - 0.1 * 2 * err
    assert [p.data for p in model.parameters()] == pytest.approx([w, b], rel=1e-15)


def test_evaluate_accuracy_follows_the_loss():
    model = build([1, 1], ["linear"], [1.0, 0.0])  # output = x
    X = [[-2.0], [-0.5], [0.5], [3.0]]
    assert evaluate(model, X, [-1, 1, 1, 1], "hinge")["accuracy"] == 0.75
    assert evaluate(model, X, [0, 0, 0, 1], "bce")["accuracy"] == 0.75
    assert evaluate(model, X, [0.0, 0.0, 0.0, 0.0], "mse") == {"loss": (4 + 0.25 + 0.25 + 9) / 4, "accuracy": None}
    two = build([1, 2], ["linear"], [1.0, 0.0, -1.0, 0.0])  # logits (x, −x)
    assert evaluate(two, X, [1, 1, 0, 1], "cross_entropy")["accuracy"] == 0.75


def test_fit_history_and_progress_bar_show_loss_and_accuracy(capsys):
    X, y = data.xor(labels=(-1, 1))
    model = MLP(2, [4, 1], activation="tanh", seed=0)
    history = fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.1), epochs=3, progress=True)
    assert set(history) == {"loss", "accuracy", "lr"} and all(len(v) == 3 for v in history.values())
    assert all(0.0 <= a <= 1.0 for a in history["accuracy"]) and history["lr"] == [0.1] * 3
    err = capsys.readouterr().err
    assert "loss=" in err and "acc=" in err and "3/3" in err


def test_fit_callback_can_stop_training():
    X, y = data.xor()
    model = MLP(2, [2, 1], seed=0)
    history = fit(model, X, y, loss="bce", epochs=50, progress=False, callback=lambda epoch, h: epoch == 4)
    assert len(history["loss"]) == 5


def test_fit_compiled_without_the_compiled_module_raises_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "nn.compiled", None)
    X, y = data.xor()
    with pytest.raises(ImportError, match="compiled=False"):
        fit(MLP(2, [2, 1], seed=0), X, y, loss="bce", epochs=1, progress=False, compiled=True)


def test_fit_custom_loss_function():
    model = build([1, 1], ["linear"], [0.0, 0.0])
    mae = lambda preds, targets: sum((abs(p - t) for p, t in zip(preds, targets)), Value(0.0)) / len(preds)
    history = fit(model, [[1.0]], [3.0], loss=mae, optimizer=SGD(model.parameters(), lr=0.5), epochs=2, progress=False)
    assert history["loss"] == [3.0, 2.0] and history["accuracy"] == [None, None]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"loss": "l3"}, ValueError, "unknown loss 'l3'; valid: mse, hinge"),
        ({"loss": 3}, TypeError, "loss must be a name or a function"),
        ({"epochs": -1}, ValueError, "epochs must be"),
        ({"y": [0, 1]}, ValueError, "X has 4 samples but y has 2"),
        ({"y": [0, 2, 1, 0]}, ValueError, "labels must be 0 or 1, got 2"),
        ({"batch_size": 0}, ValueError, "batch_size"),
    ],
)
def test_fit_rejects_bad_arguments(kwargs, error, message):
    X, y = data.xor()
    args = {"loss": "bce", "epochs": 1, "progress": False, "y": y, **kwargs}
    with pytest.raises(error, match=message):
        fit(MLP(2, [2, 1], seed=0), X, args.pop("y"), **args)


def test_fit_refuses_an_optimizer_of_other_parameters():
    # SGD(other.parameters()) used to train nothing, silently: model's weights never moved.
    X, y = data.xor()
    model, other = MLP(2, [2, 1], seed=0), MLP(2, [2, 1], seed=1)
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match=r"the optimizer holds 0 of the model's 9 parameters \(missing L1\.N1\.w1, "):
        fit(model, X, y, loss="bce", optimizer=SGD(other.parameters()), epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"holds 6 of the model's 9 parameters \(missing L2\.N1\.w1, L2\.N1\.w2, L2"):
        fit(model, X, y, loss="bce", optimizer=SGD(model.layers[0].parameters()), epochs=1, progress=False)
    assert [p.data for p in model.parameters()] == before
    extra = SGD([*model.parameters(), *other.parameters()], lr=0.1)  # more than the model's is fine
    fit(model, X, y, loss="bce", optimizer=extra, epochs=1, progress=False)
    assert [p.data for p in model.parameters()] != before


def test_fit_raises_when_the_loss_diverges():
    model = build([1, 1], ["linear"], [1.0, 0.0])
    with pytest.raises(FloatingPointError, match=r"fit stopped at epoch \d+: .* Lower the learning rate \(α was 10\)"):
        fit(model, [[10.0]], [0.0], loss="mse", optimizer=SGD(model.parameters(), lr=10.0), epochs=400, progress=False)
    assert all(math.isfinite(p.data) for p in model.parameters()) and abs(model.parameters()[0].data) > 1e100


@pytest.mark.parametrize("batch_size", [None, 1, 3])
@pytest.mark.parametrize(
    ("dataset", "model", "loss"),
    [
        (data.xor, lambda: MLP(2, [4, 1], activation="tanh", seed=0), "bce"),
        (data.encoder_838, lambda: MLP(8, [3, 8], activation="sigmoid", output_activation="sigmoid", seed=0), "mse"),
        (lambda: data.spirals(9, n_classes=3, seed=0), lambda: MLP(2, [4, 3], seed=0), "cross_entropy"),
    ],
)
def test_fit_on_numpy_arrays_equals_fit_on_lists(dataset, model, loss, batch_size):
    # y as an ndarray broke the epoch's label list (list += ndarray broadcasts) and mse read the
    # encoder's 8 one-hot rows as 8 scalars.
    np = pytest.importorskip("numpy")
    X, y = dataset()
    runs = []
    for X_, y_ in ((X, y), (np.array(X), np.array(y))):
        m = model()
        history = fit(m, X_, y_, loss=loss, optimizer=SGD(m.parameters(), lr=0.5), epochs=3, batch_size=batch_size,
                      progress=False)  # fmt: skip
        runs.append((history, [p.data for p in m.parameters()]))
    assert runs[1] == runs[0] and runs[0][0]["loss"][-1] < runs[0][0]["loss"][0]


def test_fit_leaves_the_cyclic_gc_as_it_found_it():
    import gc

    X, y = data.xor()
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            fit(MLP(2, [2, 1], seed=0), X, y, loss="mse", epochs=2, progress=False)
            assert gc.isenabled() is enabled
        finally:
            gc.enable()
