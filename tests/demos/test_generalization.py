"""demos.generalization: one split, the lesson's claims as checks that pass, and fail when a claim is false."""

import copy
import struct

import pytest

from demos import _common, generalization

pytest.importorskip("numpy")


@pytest.fixture(scope="module")
def runs():
    return generalization.train(compiled=True)


def test_split_is_one_seeded_disjoint_half():
    X_tr, X_val, y_tr, y_val = generalization.split()
    assert (len(X_tr), len(X_val)) == (150, 150) and set(y_tr) == set(y_val) == {0, 1}
    assert not {tuple(x) for x in X_tr} & {tuple(x) for x in X_val}
    assert generalization.split() == (X_tr, X_val, y_tr, y_val)


def test_runs_have_validation_histories_and_the_early_one_stops(runs):
    assert list(runs) == [*generalization.MODELS, generalization.EARLY]
    for name, spec in generalization.MODELS.items():
        assert len(runs[name]["history"]["val_loss"]) == spec["epochs"]
    stopped = runs[generalization.EARLY]["history"]["val_loss"]
    assert len(stopped) == stopped.index(min(stopped)) + 1 + generalization.PATIENCE < 400
    assert [r["weights"] for r in runs.values()] == [3, 33, 1185, 1185]


def test_lesson_checks_pass_and_the_picture_is_written(runs, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(generalization, "train", lambda compiled=True: runs)
    assert generalization.main(["--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.count("check ok") == 6 and "FAIL" not in out
    data = (tmp_path / "generalization.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (1600, 800)


@pytest.mark.parametrize(
    ("swap", "failed"),
    [
        (("too small: one neuron", "about right: 8 tanh"), "too small underfits"),
        (("about right: 8 tanh", "too large: 32-32 ReLU"), "about right has the lowest validation loss"),
        (("too large: 32-32 ReLU", generalization.EARLY), "too large overfits"),
    ],
)
def test_lesson_checks_fail_when_the_models_are_swapped(runs, swap, failed, capsys):
    tampered = copy.copy(runs)
    tampered[swap[0]], tampered[swap[1]] = runs[swap[1]], runs[swap[0]]
    checks = _common.Checks("generalization")
    generalization._check(checks, tampered)
    assert checks.exit_code() == 1
    assert f"FAIL {failed}" in capsys.readouterr().out
