"""Each loss against PyTorch float64 where PyTorch has it, and against finite differences always."""

import math
import warnings
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_core import KinkWarning, Value, gradcheck
from nn import losses

logit = st.floats(-8.0, 8.0, allow_nan=False)


def _values(xs):
    return [Value(x) for x in xs]


def _torch():
    return pytest.importorskip("torch")


def _check_against_torch(engine_loss, torch_loss, xs, abs_tol=0.0):
    """Loss value and ∂L/∂x_i of the engine equal PyTorch's (float64, rel 1e-9).

    Relative (pytest.approx's default abs=1e-12 is turned off): an absolute 1e-12 would pass a
    loss of 1e-13 that is 100 % wrong.
    Gradients get an absolute 1e-15 too, for the ones that vanish by cancellation (torch rounds).
    """
    torch = _torch()
    vs = _values(xs)
    L = engine_loss(vs)
    L.backward()
    t = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    T = torch_loss(t)
    T.backward()
    assert L.data == pytest.approx(T.item(), rel=1e-9, abs=abs_tol)
    for v, g in zip(vs, t.grad.tolist()):
        assert v.grad == pytest.approx(g, rel=1e-9, abs=max(abs_tol, 1e-15))


def _fd(f, xs):
    """gradcheck (central differences), not failing on inputs that sit at a hinge/abs kink."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KinkWarning)
        assert gradcheck(f, *xs, eps=1e-6, atol=1e-6, rtol=1e-5)


@given(st.lists(st.tuples(logit, logit), min_size=1, max_size=6))
def test_mse_equals_torch_and_finite_differences(pairs):
    preds, targets = [p for p, _ in pairs], [t for _, t in pairs]
    F = _torch().nn.functional
    _check_against_torch(lambda v: losses.mse(v, targets), lambda t: F.mse_loss(t, t.new_tensor(targets)), preds)
    _fd(lambda *v: losses.mse(list(v), targets), preds)


def test_mse_over_multi_output_batches_averages_every_element():
    preds = [[Value(1.0), Value(2.0)], [Value(0.0), Value(-1.0)]]
    assert losses.mse(preds, [[0.0, 0.0], [1.0, 1.0]]).data == (1 + 4 + 1 + 4) / 4


def test_mse_reads_numpy_rows_as_rows():
    np = pytest.importorskip("numpy")
    preds = [[Value(1.0), Value(2.0)], [Value(0.0), Value(-1.0)]]
    assert losses.mse(preds, np.array([[0.0, 0.0], [1.0, 1.0]])).data == (1 + 4 + 1 + 4) / 4
    assert losses.mse(np.array([Value(1.0), Value(2.0)], dtype=object), np.array([0.0, 0.0])).data == (1 + 4) / 2


@given(st.lists(st.tuples(logit, st.sampled_from([-1, 1])), min_size=1, max_size=6))
def test_hinge_equals_closed_form_and_finite_differences(pairs):
    scores, labels = [s for s, _ in pairs], [y for _, y in pairs]
    L = losses.hinge(_values(scores), labels)
    assert L.data == pytest.approx(sum(max(0.0, 1 - y * s) for s, y in pairs) / len(pairs), rel=1e-12)
    _fd(lambda *v: losses.hinge(list(v), labels), scores)


def test_hinge_equals_torch_multi_margin_with_two_classes():
    # torch's MultiMarginLoss on [−s/2, s/2] is max(0, 1 − y·s) with y = ±1 for class 0/1.
    torch = _torch()
    scores, labels = [0.3, -2.0, 1.5, 0.9], [1, 1, -1, -1]
    target = torch.tensor([0 if y < 0 else 1 for y in labels])

    def multi_margin(t):
        two = torch.stack([-t / 2, t / 2], dim=1)
        return torch.nn.functional.multi_margin_loss(two, target) * 2

    _check_against_torch(lambda v: losses.hinge(v, labels), multi_margin, scores)


@given(st.lists(st.tuples(logit, st.sampled_from([0, 1])), min_size=1, max_size=6))
def test_binary_cross_entropy_equals_torch_and_finite_differences(pairs):
    logits, labels = [s for s, _ in pairs], [y for _, y in pairs]
    F = _torch().nn.functional
    _check_against_torch(
        lambda v: losses.binary_cross_entropy(v, labels),
        lambda t: F.binary_cross_entropy_with_logits(t, t.new_tensor(labels)),
        logits,
    )
    _fd(lambda *v: losses.binary_cross_entropy(list(v), labels), logits)


def test_binary_cross_entropy_is_exact_at_zero_and_stable_at_1000():
    s = Value(0.0)
    losses.binary_cross_entropy([s], [1]).backward()
    assert s.grad == -0.5  # σ(0) − y, where a relu/abs formulation would give −1
    F = _torch().nn.functional
    logits, labels = [1000.0, -1000.0, 1000.0, -1000.0, 745.0], [0, 1, 1, 0, 1]
    _check_against_torch(
        lambda v: losses.binary_cross_entropy(v, labels),
        lambda t: F.binary_cross_entropy_with_logits(t, t.new_tensor(labels)),
        logits,
    )
    assert losses.binary_cross_entropy([Value(1000.0)], [0]).data == 1000.0


def _bce_exact(s, y):
    """ℓ = log(1 + e^{(1−2y)s}) and ∂ℓ/∂s = σ(s) − y, in 50-digit decimal arithmetic."""
    with localcontext() as ctx:
        ctx.prec = 50
        d = Decimal(s)
        return float((1 + ((1 - 2 * y) * d).exp()).ln()), float(1 / (1 + (-d).exp()) - y)


@pytest.mark.parametrize("y", [0, 1])
@pytest.mark.parametrize("s", [30.0, -30.0, 50.0, -50.0, 0.5, -3.0])
def test_binary_cross_entropy_keeps_every_digit_of_confident_predictions(s, y):
    # softplus(s) − y·s cancelled to 9.2371e-14 at s = 30, y = 1 (exact: 9.3576e-14).
    v = Value(s)
    L = losses.binary_cross_entropy([v], [y])
    L.backward()
    loss, grad = _bce_exact(s, y)
    assert L.data == pytest.approx(loss, rel=1e-12, abs=0)
    assert v.grad == pytest.approx(grad, rel=1e-12, abs=0)


@pytest.mark.parametrize("s", [30.0, -30.0, 50.0, -50.0])
def test_binary_cross_entropy_of_confident_predictions_equals_torch(s):
    # Only y = 1: torch float64 itself loses these digits for y = 0, s < 0 (0.0 at s = −50) and
    # in its gradient σ(s) − y, so those are checked against the decimal closed form above.
    torch = _torch()
    t = torch.tensor([s], dtype=torch.float64)
    T = torch.nn.functional.binary_cross_entropy_with_logits(t, torch.ones_like(t))
    assert losses.binary_cross_entropy([Value(s)], [1]).data == pytest.approx(T.item(), rel=1e-12, abs=0)


@given(st.lists(logit, min_size=1, max_size=5))
def test_softmax_equals_torch_and_finite_differences(logits):
    torch = _torch()
    coeffs = [(-1) ** k * (k + 1) for k in range(len(logits))]

    def weighted(v):
        return sum((c * p for c, p in zip(coeffs, losses.softmax(v))), Value(0.0))

    _check_against_torch(weighted, lambda t: (torch.softmax(t, 0) * t.new_tensor(coeffs)).sum(), logits)
    _fd(lambda *v: weighted(list(v)), logits)


@given(st.lists(st.lists(logit, min_size=3, max_size=3), min_size=1, max_size=4), st.data())
def test_cross_entropy_equals_torch_and_finite_differences(batch, data):
    targets = [data.draw(st.integers(0, 2)) for _ in batch]
    torch = _torch()
    flat = [s for row in batch for s in row]

    def engine(v):
        return losses.cross_entropy([v[3 * i : 3 * i + 3] for i in range(len(batch))], targets)

    def reference(t):
        return torch.nn.functional.cross_entropy(t.view(len(batch), 3), torch.tensor(targets))

    _check_against_torch(engine, reference, flat)
    _fd(lambda *v: engine(list(v)), flat)


def test_cross_entropy_is_stable_for_huge_logits():
    L = losses.cross_entropy([[1000.0, 1001.0, -1000.0]], [0])
    assert L.data == pytest.approx(1.0 + math.log1p(math.exp(-1.0)), rel=1e-12)


@pytest.mark.parametrize("s", [1e16, 1e6])
def test_cross_entropy_of_equal_huge_logits_is_log_2(s):
    # log Σ e^{s_k − m} − (s_y − m): adding m back and subtracting s_y lost log 2 to cancellation.
    L = losses.cross_entropy([[Value(s), Value(s)]], [0])
    assert L.data == pytest.approx(math.log(2), rel=1e-14, abs=0)


def test_cross_entropy_matches_the_slide_example():
    # seed 001: scores cat 3.2, car 5.1, frog −1.7 give p_cat = 0.13; the slide's L_i = 0.89 is
    # −log₁₀ 0.13, the natural log (used here and by PyTorch) gives 2.04.
    L = losses.cross_entropy([[3.2, 5.1, -1.7]], [0])
    p_cat = math.exp(3.2) / (math.exp(3.2) + math.exp(5.1) + math.exp(-1.7))
    assert L.data == pytest.approx(-math.log(p_cat), rel=1e-12) and round(p_cat, 2) == 0.13


@given(st.lists(logit, min_size=1, max_size=6), st.floats(0.0, 1.0))
def test_regularizers_equal_closed_forms_and_finite_differences(ws, rho):
    assert losses.l2(_values(ws)).data == pytest.approx(sum(w * w for w in ws), rel=1e-12)
    assert losses.l1(_values(ws)).data == pytest.approx(sum(abs(w) for w in ws), rel=1e-12)
    en = losses.elastic_net(_values(ws), rho).data
    assert en == pytest.approx(rho * sum(abs(w) for w in ws) + (1 - rho) * sum(w * w for w in ws), rel=1e-12, abs=1e-15)
    for reg in (losses.l2, losses.l1, lambda p: losses.elastic_net(p, rho)):
        _fd(lambda *v, reg=reg: reg(list(v)), ws)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: losses.mse([1.0, 2.0], [1.0]), "2 predictions but 1 targets"),
        (lambda: losses.hinge([1.0], [1.0, -1.0]), "1 predictions but 2 targets"),
        (lambda: losses.hinge([1.0, 2.0], [1, 0]), "labels must be -1 or \\+1, got 0 at index 1"),
        (lambda: losses.binary_cross_entropy([1.0], [-1]), "labels must be 0 or 1, got -1"),
        (lambda: losses.binary_cross_entropy([1.0, 1.0], [1]), "2 predictions but 1 targets"),
        (lambda: losses.cross_entropy([[1.0, 2.0]], [2]), "target 2 at index 0 is not a class index in 0…1"),
        (lambda: losses.cross_entropy([[1.0, 2.0]], [-1]), "not a class index"),
        (lambda: losses.cross_entropy([[1.0, 2.0]], [True]), "not a class index"),
        (lambda: losses.cross_entropy([1.0, 2.0], [0, 1]), "must be a list of logits"),
        (lambda: losses.mse([], []), "the batch is empty"),
        (lambda: losses.mse([[1.0, 2.0]], [[1.0]]), "shapes must match"),
        (lambda: losses.elastic_net([Value(1.0)], 1.5), "l1_ratio must be in \\[0, 1\\]"),
    ],
)
def test_losses_reject_bad_input_with_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
