"""Training never ends silently with inf or nan: optimizers refuse non-finite settings and gradients, and
``fit`` stops at the first non-finite loss, gradient or parameter with one message, keeping the last finite
parameters.  (Before: ``weight_decay=inf`` was accepted, a nan gradient was written into the weights, and a
diverging fit raised the engine's ``OverflowError`` from mse or ``ValueError: log: input nan`` from
cross-entropy.)"""

import math
import re

import pytest

from autograd_core import Value
from nn import MLP, SGD, Adagrad, Adam, NonFiniteStep, RMSprop, fit

OPTIMIZERS = [SGD, Adagrad, RMSprop, Adam]
SETTINGS = {
    SGD: ["lr", "weight_decay", "momentum"],
    Adagrad: ["lr", "weight_decay", "eps"],
    RMSprop: ["lr", "weight_decay", "eps", "alpha", "momentum"],
    Adam: ["lr", "weight_decay", "eps"],
}


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize(("opt", "name"), [(o, n) for o in OPTIMIZERS for n in SETTINGS[o]])
def test_optimizers_refuse_non_finite_hyperparameters(opt, name, bad):
    with pytest.raises(ValueError, match=rf"^{name} must be .*, got {bad!r}"):
        opt([Value(1.0, "w")], **{name: bad})


@pytest.mark.parametrize("bad", [math.inf, math.nan, 1.0])
def test_adam_refuses_non_finite_or_out_of_range_betas(bad):
    with pytest.raises(ValueError, match=rf"betas\[1\] must be in \[0, 1\), got {bad!r}"):
        Adam([Value(1.0, "w")], betas=(0.9, bad))


def test_hyperparameters_of_the_wrong_type_are_a_type_error():
    with pytest.raises(TypeError, match=r"lr must be a number, got str: '0\.1'"):
        SGD([Value(1.0, "w")], lr="0.1")


def _stepped(opt_cls, grads, **kwargs):
    ws = [Value(0.5, "L1.N1.w1"), Value(-0.25, "L1.N1.b")]
    opt = opt_cls(ws, lr=0.1, **kwargs)
    for w, g in zip(ws, grads):
        w.grad = g
    return ws, opt


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("opt_cls", OPTIMIZERS)
def test_step_refuses_a_non_finite_gradient_naming_the_parameter(opt_cls, bad):
    ws, opt = _stepped(opt_cls, [1.0, bad])
    with pytest.raises(NonFiniteStep, match=rf"the gradient of 'L1\.N1\.b' is {bad!r}.*nothing changed") as info:
        opt.step()
    assert (info.value.what, info.value.name) == ("gradient", "'L1.N1.b'")
    assert [w.data for w in ws] == [0.5, -0.25] and opt.k == 0


@pytest.mark.parametrize("opt_cls", OPTIMIZERS)
def test_step_skip_nonfinite_skips_the_whole_step(opt_cls):
    ws, opt = _stepped(opt_cls, [1.0, math.nan])
    assert opt.step(skip_nonfinite=True) is False
    assert [w.data for w in ws] == [0.5, -0.25] and opt.k == 0
    ws[1].grad = 2.0
    assert opt.step(skip_nonfinite=True) is True
    assert ws[0].data < 0.5 and ws[1].data < -0.25 and opt.k == 1


def test_step_refuses_an_update_that_overflows_and_keeps_every_parameter():
    ws, opt = _stepped(SGD, [1.0, -1e308])
    opt.base_lr = 1e10  # as a schedule could make it
    with pytest.raises(NonFiniteStep, match=r"would make 'L1\.N1\.b' = inf; every parameter keeps its value"):
        opt.step()
    assert [w.data for w in ws] == [0.5, -0.25] and opt.k == 0


def test_weight_decay_that_overflows_the_gradient_is_refused():
    w = Value(1e300, "w")
    w.grad = 1.0
    with pytest.raises(NonFiniteStep, match="the gradient of 'w' is inf"):
        SGD([w], lr=0.1, weight_decay=1e10).step()
    assert w.data == 1e300


X3 = [[1.0, 2.0], [-1.0, 0.5], [0.3, -2.0]]
DIVERGING = {  # (outputs, targets, lr): each diverges within a few dozen epochs at this rate
    "mse": (1, [1.0, -1.0, 0.5], 50.0),  # (1.7e154)² overflows
    "cross_entropy": (3, [0, 1, 2], 1e12),  # inf − inf: log(nan)
}


@pytest.mark.parametrize("compiled", [False, True], ids=["interpreted", "compiled"])
@pytest.mark.parametrize("loss", DIVERGING)
def test_fit_stops_a_diverging_run_with_its_own_message_and_the_last_finite_parameters(loss, compiled):
    outputs, y, lr = DIVERGING[loss]
    model = MLP(2, [8, outputs], activation="relu", seed=0)
    snapshots = []
    keep = lambda epoch, history: snapshots.append([p.data for p in model.parameters()])
    with pytest.raises(
        FloatingPointError,
        match=rf"^fit stopped at epoch \d+: .*Lower the learning rate \(α was {re.escape(f'{lr:g}')}\)$",
    ):
        fit(
            model,
            X3,
            y,
            loss=loss,
            optimizer=SGD(model.parameters(), lr=lr),
            epochs=200,
            progress=False,
            compiled=compiled,
            callback=keep,
        )
    now = [p.data for p in model.parameters()]
    assert all(math.isfinite(x) for x in now)
    assert now == snapshots[-1]  # full batch: the parameters of the last finished epoch


def test_fit_names_the_parameter_whose_gradient_became_infinite():
    """A loss whose value stays finite but whose gradient is inf: p·5e-324 / 5e-324 (∂/∂numerator = 1/5e-324)."""
    model = MLP(1, [1], activation="linear", seed=0)
    calls = []

    def loss(preds, targets):
        calls.append(1)
        p = preds[0]
        return p * 5e-324 / 5e-324 if len(calls) == 3 else p * p

    with pytest.raises(FloatingPointError, match=r"fit stopped at epoch 3: the gradient of 'L1\.N1\.w1' became inf"):
        fit(model, [[1.0]], [0.0], loss=loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=5, progress=False)


def test_fit_says_when_the_data_is_not_finite_before_any_update():
    model = MLP(2, [2, 1], seed=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises(FloatingPointError, match="at the first step, before any update; check X and y for inf or nan"):
        fit(model, [[math.nan, 1.0]], [1.0], loss="mse", epochs=3, progress=False)
    assert [p.data for p in model.parameters()] == before
