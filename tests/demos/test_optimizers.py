"""demos.optimizers: its hand-written update rules against nn and torch.optim, its claims, its own checks."""

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_core import Value
from demos import optimizers

coords = st.floats(-2.0, 2.0, allow_nan=False)


@given(coords, coords)
def test_rosenbrock_gradient_by_hand_equals_backward_and_finite_differences(x, y):
    a, b = Value(x), Value(y)
    optimizers.rosenbrock(a, b).backward()
    by_hand = optimizers.rosenbrock_gradient(x, y)
    assert by_hand == pytest.approx((a.grad, b.grad), rel=1e-12, abs=1e-10)
    h = 1e-6
    f = optimizers.rosenbrock
    numeric = ((f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h))
    assert by_hand == pytest.approx(numeric, rel=1e-6, abs=1e-4)


@pytest.mark.parametrize("name", list(optimizers.SETTINGS))
def test_two_steps_by_hand_equal_nn_and_torch_optim(name):
    torch = pytest.importorskip("torch")
    hand = optimizers.by_hand(name, steps=3)
    ours = optimizers.descend(name, steps=3)["path"][1:]
    assert [c for w in ours for c in w] == pytest.approx([c for w in hand for c in w], rel=1e-13, abs=1e-15)
    cls, kwargs = optimizers.SETTINGS[name]
    w = torch.tensor(optimizers.START, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, cls)([w], **kwargs)
    theirs = []
    for _ in range(3):
        opt.zero_grad()
        optimizers.rosenbrock(w[0], w[1]).backward()
        opt.step()
        theirs += w.tolist()
    assert [c for p in hand for c in p] == pytest.approx(theirs, rel=1e-12, abs=1e-15)
    assert hand[0] != pytest.approx(hand[1])  # two different steps


def test_first_gradient_is_the_one_the_lesson_quotes():
    assert optimizers.rosenbrock_gradient(*optimizers.START) == pytest.approx((-155.0, -50.0), rel=1e-15)


def test_adaptive_rates_are_read_from_the_optimizers_state():
    k, x_rate, y_rate = optimizers.adaptive_rates("Adagrad", steps=(1,))[0]
    g = optimizers.rosenbrock_gradient(*optimizers.START)
    assert k == 1 and (x_rate, y_rate) == pytest.approx([0.5 / (abs(gi) + 1e-10) for gi in g], rel=1e-14)
    k, x_rate, y_rate = optimizers.adaptive_rates("RMSprop", steps=(1,))[0]
    assert (x_rate, y_rate) == pytest.approx([0.01 / ((0.01 * gi * gi) ** 0.5 + 1e-8) for gi in g], rel=1e-14)


def test_lesson_checks_pass_and_its_pictures_are_written(tmp_path, capsys):
    assert optimizers.main(["--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out and out.count("check ok") == 16
    for name, size in (("optimizers_valley.png", (1300, 800)), ("optimizers_moons.png", (700, 450))):
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == size


def test_lesson_fails_when_a_hand_rule_is_wrong(tmp_path, monkeypatch, capsys):
    right = optimizers.by_hand
    monkeypatch.setattr(optimizers, "by_hand", lambda name, steps=2: [(x + 1e-9, y) for x, y in right(name, steps)])
    assert optimizers.main(["--out", str(tmp_path)]) == 1
    assert "FAIL Adam: nn's first two steps are the update rule by hand" in capsys.readouterr().out
