"""The README's two promises, each backed by a named test: "never a silent wrong number" and "never pickle"."""

import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd_core import OPS, Value, apply
from nn import MLP, SGD, fit

DOMAIN_ERRORS = (ValueError, ZeroDivisionError, OverflowError)
EDGES = st.sampled_from([0.0, -0.0, math.inf, -math.inf, math.nan, -1.0, -5e-324, -1.5])
"""Where domains end: most draws of a domain test should land outside it."""
GUARDED = [op for op in OPS.values() if op.valid is not None and op.arity in (1, 2)]


@pytest.mark.parametrize("op", GUARDED, ids=[op.name for op in GUARDED])
@settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data())
def test_readme_never_a_silent_wrong_number_outside_an_ops_domain(op, data):
    """Every input outside an op's domain (its row's ``valid``) is an exception, never a number."""
    xs = data.draw(st.lists(EDGES | st.floats(), min_size=op.arity, max_size=op.arity))
    const = data.draw(st.floats(-4, 4)) if op.has_const else None
    args = (*xs, const) if op.has_const else tuple(xs)
    assume(not op.valid(*args))
    with pytest.raises(DOMAIN_ERRORS):
        apply(op, *xs, const=const) if op.has_const else apply(op, *xs)


def _diverging_fit():
    model = MLP(2, [8, 1], activation="relu", seed=0)
    X, y = [[1.0, 2.0], [-1.0, 0.5], [0.3, -2.0]], [1.0, -1.0, 0.5]
    fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=50.0), epochs=100, progress=False)
    return model


def _nan_gradient_step():
    w = Value(1.0, "w")
    w.grad = math.nan
    SGD([w], lr=0.1).step()
    return w


@pytest.mark.parametrize(
    "run",
    [_diverging_fit, _nan_gradient_step, lambda: SGD([Value(1.0, "w")], lr=0.1, weight_decay=math.inf)],
    ids=["diverging fit", "nan gradient", "infinite weight decay"],
)
def test_readme_never_a_silent_wrong_number_in_training(run):
    """Training stops with FloatingPointError (or refuses a setting with ValueError) instead of writing inf/nan."""
    with pytest.raises((FloatingPointError, ValueError)):
        run()


def test_readme_never_pickle_a_pickled_model_file_is_refused_not_run(tmp_path):
    """A protocol-0 pickle that would run open(marker, "w") if unpickled: MLP.load refuses it as not JSON.

    (That no module imports a pickler or calls eval/exec is tests/test_layers.py's job.)"""
    marker = tmp_path / "pwned"
    path = tmp_path / "model.json"
    path.write_bytes(f"c__builtin__\nopen\n(V{marker}\nVw\ntR.".encode())
    with pytest.raises(ValueError, match="not valid JSON"):
        MLP.load(path)
    assert not marker.exists()
