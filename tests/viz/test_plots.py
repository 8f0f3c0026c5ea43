"""Training plots: files of the expected size; boundaries and activations read the model and the op table."""

import math
import re

import pytest

from autograd_core import Value
from viz import plot_activations, plot_decision_boundary, plot_history
from viz.plots import ACTIVATIONS, derivative, scores

pytest.importorskip("matplotlib")


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def svg_size(path):
    head = path.read_text()[:2000]
    return tuple(float(re.search(rf'{dim}="([\d.]+)pt"', head)[1]) for dim in ("width", "height"))


def test_plot_history_png_and_svg_sizes(tmp_path):
    history = {"loss": [1.0, 0.5, 0.25, 0.2], "accuracy": [0.5, 0.75, None, 0.9]}
    assert png_size(plot_history(history, tmp_path / "h.png")) == (800, 350)
    assert svg_size(plot_history({"loss": [3.0, 2.0]}, tmp_path / "h.svg")) == (576, 252)  # 8 × 3.5 in at 72 pt/in


def test_plot_history_without_loss_says_what_is_needed(tmp_path):
    with pytest.raises(ValueError, match="history\\['loss'\\]"):
        plot_history({"accuracy": [0.5]}, tmp_path / "h.png")


def linear(point):
    """s = x₁ − x₂: positive below the diagonal."""
    return Value(point[0]) - Value(point[1])


def test_scores_reads_value_or_list():
    assert scores(linear, (2.0, 0.5)) == [1.5]
    assert scores(lambda p: [Value(p[0]), Value(p[1])], (2.0, 0.5)) == [2.0, 0.5]
    with pytest.raises(TypeError, match="Value or a list of Values"):
        scores(lambda p: "no", (0.0, 0.0))


@pytest.mark.parametrize("labels", [(-1, 1), (0, 1)])
def test_plot_decision_boundary_binary_labels(tmp_path, labels):
    X = [[0.0, 1.0], [1.0, 0.0], [0.2, 0.9], [0.9, 0.1]]
    y = [labels[0], labels[1], labels[0], labels[1]]
    assert png_size(plot_decision_boundary(linear, X, y, tmp_path / "b.png", resolution=20)) == (600, 500)


def test_plot_decision_boundary_title_replaces_the_rule(tmp_path):
    from matplotlib import rc_context

    X, y = [[0.0, 1.0], [1.0, 0.0]], [-1, 1]
    with rc_context({"svg.fonttype": "none"}):  # text as <text>, not glyph paths
        default = plot_decision_boundary(linear, X, y, tmp_path / "d.svg", resolution=5).read_text()
        titled = plot_decision_boundary(linear, X, y, tmp_path / "t.svg", resolution=5, title="XOR: best line")
        titled = titled.read_text()
    assert "decision boundary: score = 0" in default and "XOR: best line" not in default
    assert "XOR: best line" in titled and "decision boundary" not in titled


def test_plot_decision_boundary_multiclass_argmax(tmp_path):
    X = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
    model = lambda p: [Value(-p[0] - p[1]), Value(p[0] - 0.5), Value(p[1] - 0.5)]
    assert png_size(plot_decision_boundary(model, X, [0, 1, 2], tmp_path / "m.png", resolution=15)) == (600, 500)
    with pytest.raises(ValueError, match="one output separates 2 classes"):
        plot_decision_boundary(linear, X, [0, 1, 2], tmp_path / "bad.png", resolution=5)


def test_plot_decision_boundary_rejects_bad_data(tmp_path):
    with pytest.raises(ValueError, match="same length"):
        plot_decision_boundary(linear, [[0, 0]], [1, -1], tmp_path / "b.png")
    with pytest.raises(ValueError, match="2-D"):
        plot_decision_boundary(linear, [[0, 0, 0]], [1], tmp_path / "b.png")


def test_plot_activations_size(tmp_path):
    assert png_size(plot_activations(tmp_path / "a.png")) == (1000, 600)
    with pytest.raises(ValueError, match="unary op"):
        plot_activations(tmp_path / "b.png", names=["mul"])


@pytest.mark.parametrize("x", [-1.3, -0.2, 0.4, 2.5])
def test_activation_derivatives_match_central_differences(x):
    eps = 1e-6
    for name in ACTIVATIONS:
        d = derivative(name, x)[1]
        numeric = (derivative(name, x + eps)[0] - derivative(name, x - eps)[0]) / (2 * eps)
        assert d == pytest.approx(numeric, abs=1e-6), name
    assert derivative("tanh", x)[1] == pytest.approx(1 - math.tanh(x) ** 2, rel=1e-12)


def test_best_epoch_is_the_first_lowest_validation_loss():
    from viz.plots import best_epoch

    assert best_epoch({"loss": [1.0, 0.5], "val_loss": [0.9, 0.4, 0.6, 0.4]}) == 2
    assert best_epoch({"loss": [1.0], "val_loss": [float("nan"), 0.7, None]}) == 2
    assert best_epoch({"loss": [1.0, 0.5]}) is None


def test_plot_history_draws_validation_and_marks_the_best_epoch(tmp_path):
    from matplotlib import rc_context

    history = {"loss": [1.0, 0.6, 0.4, 0.3, 0.2], "accuracy": [0.5, 0.6, 0.7, 0.8, 0.9],
               "val_loss": [1.1, 0.8, 0.7, 0.75, 0.9], "val_accuracy": [0.5, 0.55, 0.65, 0.6, 0.6]}  # fmt: skip
    assert png_size(plot_history(history, tmp_path / "h.png")) == (800, 350)
    with rc_context({"svg.fonttype": "none"}):  # text as <text>, not glyph paths
        text = plot_history(history, tmp_path / "h.svg").read_text()
    assert "best epoch 3 (validation loss 0.7)" in text and text.count("validation") == 3  # 2 legends + best
    assert text.count("training") == 2
    plain = plot_history({"loss": [1.0, 0.5]}, tmp_path / "p.svg").read_text()
    assert "best epoch" not in plain
