"""fit(validation=…, early_stopping=…): the val history equals evaluate, early stopping stops and restores the best."""

import pytest

from nn import MLP, SGD, Adam, data, evaluate, fit
from nn.train import _shown, make_evaluation

MODES = [False, pytest.param(True, id="compiled")]


def weights(model) -> list[float]:
    return [p.data for p in model.parameters()]


def _moons_split():
    X, y = data.moons(60, noise=0.2, seed=3, labels=(-1, 1))
    return data.train_test_split(X, y, test_fraction=0.3, seed=0)


@pytest.mark.parametrize("compiled", MODES)
@pytest.mark.parametrize(
    ("loss", "labels", "outputs"), [("hinge", (-1, 1), 1), ("bce", (0, 1), 1), ("cross_entropy", (0, 1), 2)]
)
def test_val_history_equals_evaluate_after_each_epoch(compiled, loss, labels, outputs):
    X, y = data.moons(40, noise=0.2, seed=1, labels=labels)
    X_tr, X_val, y_tr, y_val = data.train_test_split(X, y, test_fraction=0.25, seed=2)
    out = "softmax" if outputs == 2 else "linear"
    model = MLP(2, [6, outputs], activation="tanh", output_activation=out, seed=0)
    measured = []
    history = fit(model, X_tr, y_tr, loss=loss, optimizer=Adam(model.parameters(), lr=0.05), epochs=6, progress=False,
                  compiled=compiled, validation=(X_val, y_val), batch_size=8,
                  callback=lambda epoch, h: measured.append(evaluate(model, X_val, y_val, loss)))  # fmt: skip
    assert set(history) == {"loss", "accuracy", "lr", "val_loss", "val_accuracy"}
    assert all(len(v) == 6 for v in history.values())
    assert history["val_loss"] == pytest.approx([m["loss"] for m in measured], rel=1e-10)
    assert history["val_accuracy"] == [m["accuracy"] for m in measured]
    assert len(set(history["val_loss"])) == 6  # it changed every epoch: measured after the updates
    assert all(0.0 <= a <= 1.0 for a in history["val_accuracy"])


@pytest.mark.parametrize("compiled", MODES)
def test_validation_changes_nothing_in_training(compiled):
    X_tr, X_val, y_tr, y_val = _moons_split()
    runs = []
    for validation in (None, (X_val, y_val)):
        model = MLP(2, [8, 1], activation="relu", output_activation="linear", seed=4)
        history = fit(model, X_tr, y_tr, loss="hinge", optimizer=SGD(model.parameters(), lr=0.1, momentum=0.9),
                      epochs=5, progress=False, compiled=compiled, validation=validation)  # fmt: skip
        runs.append((weights(model), history["loss"]))
    assert runs[0] == runs[1]


def test_evaluation_leaves_grads_alone_compiled_and_interpreted():
    pytest.importorskip("numpy")
    from nn.compiled import make_compiled_evaluation
    from nn.losses import hinge

    X, y = data.moons(20, noise=0.1, seed=0, labels=(-1, 1))
    model = MLP(2, [4, 1], activation="relu", output_activation="linear", seed=1)
    for i, p in enumerate(model.parameters()):
        p.grad = float(i)
    interpreted = make_evaluation(model, hinge)(X, y)
    compiled = make_compiled_evaluation(model, hinge)(X, y)
    assert compiled[0] == pytest.approx(interpreted[0], rel=1e-12)
    assert compiled[1] == pytest.approx(interpreted[1], rel=1e-12)
    assert [p.grad for p in model.parameters()] == [float(i) for i in range(len(model.parameters()))]


def _valley_expected(epochs: int, patience: int) -> tuple[int, int, float]:
    """By hand: s = w + b trained on x = 1, t = 2 (SGD η = 0.05), validated on t = 1: (best epoch, epochs, best s)."""
    s, val, best, best_s = 0.0, [], None, None
    for epoch in range(epochs):
        s -= 0.05 * 2 * 2 * (s - 2)  # ∂(s − 2)²/∂w = ∂/∂b = 2(s − 2), both updated: s moves by 2 · η · 2(s − 2)
        val.append((s - 1) ** 2)
        if best is None or val[-1] < val[best]:
            best, best_s = epoch, s
        if epoch - best >= patience:
            return best, epoch + 1, best_s
    return best, epochs, best_s


@pytest.mark.parametrize("compiled", MODES)
@pytest.mark.parametrize("patience", [1, 2, 3])
def test_early_stopping_stops_k_epochs_after_the_best_and_restores_it(compiled, patience):
    model = MLP(1, [1], output_activation="linear", seed=0)
    for p in model.parameters():
        p.data = 0.0
    snapshots = []
    history = fit(model, [[1.0]] * 2, [2.0] * 2, loss="mse", optimizer=SGD(model.parameters(), lr=0.05), epochs=50,
                  progress=False, compiled=compiled, validation=([[1.0]], [1.0]), early_stopping=patience,
                  callback=lambda epoch, h: snapshots.append(weights(model)))  # fmt: skip
    best, ran, best_s = _valley_expected(50, patience)
    assert best == 2 and len(history["val_loss"]) == ran == best + patience + 1
    assert history["val_loss"].index(min(history["val_loss"])) == best
    assert weights(model) == snapshots[best] and sum(weights(model)) == pytest.approx(best_s, rel=1e-12)
    assert snapshots[-1] != snapshots[best]  # it trained past the best, then put the best back


def test_early_stopping_restores_the_best_when_every_epoch_ran():
    model = MLP(1, [1], output_activation="linear", seed=0)
    for p in model.parameters():
        p.data = 0.0
    snapshots = []
    history = fit(model, [[1.0]], [2.0], loss="mse", optimizer=SGD(model.parameters(), lr=0.05), epochs=4,
                  progress=False, validation=([[1.0]], [1.0]), early_stopping=10,
                  callback=lambda epoch, h: snapshots.append(weights(model)))  # fmt: skip
    assert len(history["loss"]) == 4 and weights(model) == snapshots[2] != snapshots[3]


def test_progress_bar_shows_validation(capsys):
    X_tr, X_val, y_tr, y_val = _moons_split()
    model = MLP(2, [4, 1], output_activation="linear", seed=0)
    fit(model, X_tr, y_tr, loss="hinge", epochs=2, validation=(X_val, y_val))
    err = capsys.readouterr().err
    assert "val_loss=" in err and "val_acc=" in err
    assert _shown({"loss": [0.5], "accuracy": [None], "val_loss": [0.25], "val_accuracy": [0.75]}) == {
        "loss": "0.5", "val_loss": "0.25", "val_acc": "75.0%"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"early_stopping": 3}, r"early_stopping watches the validation loss: pass validation=\(X_val, y_val\)"),
        ({"validation": ([[0.0, 0.0]], [1, 1])}, "X_val has 1 samples and y_val 2"),
        ({"validation": ([], [])}, "must match and not be empty"),
        ({"validation": [[0.0, 0.0]]}, r"validation must be a pair \(X_val, y_val\)"),
        ({"validation": ([[0.0, 0.0]], [1]), "early_stopping": 0}, "early_stopping must be a whole number"),
        ({"validation": ([[0.0, 0.0]], [1]), "early_stopping": True}, "early_stopping must be a whole number"),
        ({"validation": ([[0.0, 0.0]], [1]), "early_stopping": 2.5}, "early_stopping must be a whole number"),
    ],
)
def test_bad_validation_settings_are_refused(kwargs, message):
    model = MLP(2, [1], output_activation="linear", seed=0)
    with pytest.raises(ValueError, match=message):
        fit(model, [[1.0, 2.0]], [1], loss="hinge", epochs=1, progress=False, **kwargs)
