"""SGD (momentum, weight decay) and Adam follow torch.optim step for step; bad settings are refused."""

import pytest

from autograd_core import Value
from nn import SGD, Adam, schedules


def _objective(ws):
    """A fixed non-quadratic loss of three parameters, the same in the engine and in torch."""
    a, b, c = ws
    return (a - 1) ** 2 * b * b + (b + 0.5 * c).tanh() + 0.1 * c**4


def _run_engine(opt_cls, kwargs, steps=6):
    ws = [Value(0.3), Value(-1.2), Value(0.8)]
    opt = opt_cls(ws, **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        _objective(ws).backward()
        opt.step()
    return [w.data for w in ws], opt


def _run_torch(opt_name, kwargs, steps=6):
    torch = pytest.importorskip("torch")
    t = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in (0.3, -1.2, 0.8)]
    opt = getattr(torch.optim, opt_name)(t, **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        _objective(t).backward()
        opt.step()
    return [x.item() for x in t]


@pytest.mark.parametrize(
    "kwargs",
    [{"lr": 0.1}, {"lr": 0.05, "momentum": 0.9}, {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.1}],
)
def test_sgd_matches_torch(kwargs):
    ours, _ = _run_engine(SGD, kwargs)
    assert ours == pytest.approx(_run_torch("SGD", kwargs), rel=1e-12, abs=1e-14)
    assert ours != pytest.approx([0.3, -1.2, 0.8])


@pytest.mark.parametrize(
    "kwargs", [{"lr": 0.01}, {"lr": 0.1, "betas": (0.8, 0.99)}, {"lr": 0.05, "weight_decay": 0.2, "eps": 1e-6}]
)
def test_adam_matches_torch(kwargs):
    ours, _ = _run_engine(Adam, kwargs)
    assert ours == pytest.approx(_run_torch("Adam", kwargs), rel=1e-12, abs=1e-14)


def test_sgd_follows_its_schedule():
    w = Value(0.0)
    opt = SGD([w], lr=2.0, schedule=schedules.inverse())
    rates = []
    for _ in range(4):
        rates.append(opt.lr)
        w.grad = 1.0
        opt.step()
    assert rates == [2.0, 1.0, 2.0 / 3.0, 0.5] and opt.k == 4
    assert w.data == pytest.approx(-(2.0 + 1.0 + 2.0 / 3.0 + 0.5), rel=1e-15)


def test_gradient_descent_step_is_w_minus_lr_grad():
    w, b = Value(1.5), Value(-0.5)
    w.grad, b.grad = 0.2, -4.0
    SGD([w, b], lr=0.25).step()
    assert (w.data, b.data) == (1.5 - 0.25 * 0.2, -0.5 + 0.25 * 4.0)


def test_zero_grad_clears_accumulated_grads():
    w = Value(2.0)
    opt = SGD([w], lr=0.1)
    (w * w).backward()
    (w * w).backward()
    assert w.grad == 8.0
    opt.zero_grad()
    assert w.grad == 0.0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: SGD([], lr=0.1), "no parameters"),
        (lambda: SGD([Value(1.0)], lr=0.0), "lr must be a positive"),
        (lambda: SGD([Value(1.0)], lr=float("nan")), "lr must be a positive"),
        (lambda: SGD([Value(1.0)], lr=True), "lr must be a positive finite number, got True"),  # True == 1
        (lambda: SGD([Value(1.0)], lr=0.1, momentum=1.0), "momentum must be in"),
        (lambda: SGD([Value(1.0)], lr=0.1, weight_decay=-1.0), "weight_decay"),
        (lambda: Adam([Value(1.0)], betas=(0.9, 1.0)), "betas"),
        (lambda: Adam([Value(1.0)], eps=-1.0), r"eps must be a small positive number \(1e-8 is usual\), got -1\.0"),
        (lambda: Adam([Value(1.0)], eps=0.0), "eps must be a small positive number"),
        (lambda: Adam([Value(1.0)], eps=float("nan")), "eps must be a small positive number"),
    ],
)
def test_optimizers_reject_bad_settings(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_optimizer_refuses_a_schedule_that_gives_a_negative_rate():
    w = Value(1.0)
    w.grad = 1.0
    opt = SGD([w], lr=0.5, schedule=lambda k: 1.0 - k)  # a user's schedule: 1, 0, −1, …
    opt.step()
    opt.step()
    with pytest.raises(ValueError, match=r"the schedule gave α_2 = -0\.5 \(lr 0\.5 × -1\.0\)"):
        opt.step()
    assert w.data == 0.5 and opt.k == 2  # the refused step changed nothing
