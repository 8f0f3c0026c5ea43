"""SGD, Adagrad, RMSprop and Adam follow torch.optim step for step (momentum, weight decay, schedules).

Bad settings are refused.
"""

import pytest

from autograd_core import Value
from nn import SGD, Adagrad, Adam, RMSprop, schedules


def _objective(ws):
    """A fixed non-quadratic loss of three parameters, the same in the engine and in torch."""
    a, b, c = ws
    return (a - 1) ** 2 * b * b + (b + 0.5 * c).tanh() + 0.1 * c**4


def _run_engine(opt_cls, kwargs, steps=6, schedule=None):
    ws = [Value(0.3), Value(-1.2), Value(0.8)]
    opt = opt_cls(ws, **kwargs, schedule=schedule)
    for _ in range(steps):
        opt.zero_grad()
        _objective(ws).backward()
        opt.step()
    return [w.data for w in ws], opt


def _run_torch(opt_name, kwargs, steps=6, schedule=None):
    torch = pytest.importorskip("torch")
    t = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in (0.3, -1.2, 0.8)]
    opt = getattr(torch.optim, opt_name)(t, **kwargs)
    scheduler = torch.optim.lr_scheduler.LambdaLR(opt, schedule) if schedule else None  # lr · schedule(k)
    for _ in range(steps):
        opt.zero_grad()
        _objective(t).backward()
        opt.step()
        if scheduler:
            scheduler.step()
    return [x.item() for x in t]


SCHEDULES = {"constant": None, "inverse": schedules.inverse(), "step": schedules.step(2, gamma=0.5)}


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


@pytest.mark.parametrize("schedule", SCHEDULES)
@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.1}),
        ("Adagrad", {"lr": 0.1}),
        ("Adagrad", {"lr": 0.3, "eps": 1e-6, "weight_decay": 0.2}),
        ("RMSprop", {"lr": 0.01}),
        ("RMSprop", {"lr": 0.02, "alpha": 0.9, "eps": 1e-6, "weight_decay": 0.1}),
        ("RMSprop", {"lr": 0.01, "momentum": 0.8}),
        ("RMSprop", {"lr": 0.005, "alpha": 0.5, "momentum": 0.9, "weight_decay": 0.3}),
        ("Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ],
)
def test_optimizer_matches_torch_with_schedules(name, kwargs, schedule):
    ours, opt = _run_engine(globals()[name], kwargs, steps=8, schedule=SCHEDULES[schedule])
    assert ours == pytest.approx(_run_torch(name, kwargs, steps=8, schedule=SCHEDULES[schedule]), rel=1e-12, abs=1e-14)
    assert ours != pytest.approx([0.3, -1.2, 0.8], abs=1e-3) and opt.k == 8


@pytest.mark.parametrize(("ours", "name"), [(Adagrad, "Adagrad"), (RMSprop, "RMSprop"), (Adam, "Adam")])
def test_optimizer_defaults_are_torchs(ours, name):
    torch = pytest.importorskip("torch")
    import inspect

    theirs = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)]).defaults
    for arg, parameter in inspect.signature(ours).parameters.items():
        if arg not in ("params", "schedule"):
            assert parameter.default == theirs[arg], arg
    ws, _ = _run_engine(ours, {})
    assert ws == pytest.approx(_run_torch(name, {}), rel=1e-12, abs=1e-14)


def test_adagrad_first_steps_by_hand():
    w = Value(1.0)
    opt = Adagrad([w], lr=0.5, eps=1e-3)
    w.grad = 2.0
    opt.step()  # G = 4, w = 1 − 0.5 · 2/(2 + ε)
    w1 = 1.0 - 0.5 * 2.0 / (2.0 + 1e-3)
    assert w.data == pytest.approx(w1, rel=1e-14)
    w.grad = -1.0
    opt.step()  # G = 5, w = w₁ + 0.5 · 1/(√5 + ε)
    assert w.data == pytest.approx(w1 + 0.5 / (5**0.5 + 1e-3), rel=1e-14)


def test_rmsprop_first_steps_by_hand():
    w = Value(0.0)
    opt = RMSprop([w], lr=0.1, alpha=0.9, eps=1e-3, momentum=0.5)
    w.grad = 3.0
    opt.step()  # s = 0.1 · 9 = 0.9, b₁ = 3/(√0.9 + ε), w = −0.1 b₁
    b1 = 3.0 / (0.9**0.5 + 1e-3)
    assert w.data == pytest.approx(-0.1 * b1, rel=1e-14)
    w.grad = 1.0
    opt.step()  # s = 0.9 · 0.9 + 0.1 · 1 = 0.91, b₂ = 0.5 b₁ + 1/(√0.91 + ε)
    b2 = 0.5 * b1 + 1.0 / (0.91**0.5 + 1e-3)
    assert w.data == pytest.approx(-0.1 * b1 - 0.1 * b2, rel=1e-14)


def test_sgd_momentum_is_the_seeds_form_at_a_constant_rate_and_differs_with_a_schedule():
    """Δw(n) = −η g(n) + α Δw(n − 1) (seed 001) against PyTorch's v ← μv + g, w ← w − α_k v."""

    def seeds_form(rates, grads, mu):
        w, dw = 0.0, 0.0
        for eta, g in zip(rates, grads):
            dw = -eta * g + mu * dw
            w += dw
        return w

    grads = [1.0, -0.5, 2.0, 0.25]
    for schedule, same in ((None, True), (schedules.inverse(), False)):
        w = Value(0.0)
        opt = SGD([w], lr=0.2, momentum=0.9, schedule=schedule)
        rates = []
        for g in grads:
            rates.append(opt.lr)
            w.grad = g
            opt.step()
        assert (w.data == pytest.approx(seeds_form(rates, grads, 0.9), rel=1e-12)) is same


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
        (lambda: Adagrad([Value(1.0)], lr=-0.1), "lr must be a positive"),
        (lambda: Adagrad([Value(1.0)], eps=0.0), r"eps must be a small positive number \(1e-10 is usual\)"),
        (lambda: Adagrad([Value(1.0)], weight_decay=-0.5), "weight_decay"),
        (lambda: Adagrad([]), "no parameters"),
        (lambda: RMSprop([Value(1.0)], alpha=1.0), r"alpha must be in \[0, 1\)"),
        (lambda: RMSprop([Value(1.0)], alpha=float("nan")), "alpha must be in"),
        (lambda: RMSprop([Value(1.0)], alpha=-0.1), "alpha must be in"),
        (lambda: RMSprop([Value(1.0)], momentum=1.5), "momentum must be in"),
        (lambda: RMSprop([Value(1.0)], momentum=float("inf")), "momentum must be in"),
        (lambda: RMSprop([Value(1.0)], eps=float("inf")), r"eps must be a small positive number \(1e-8 is usual\)"),
        (lambda: RMSprop([Value(1.0)], lr=float("inf")), "lr must be a positive"),
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
