"""gradcheck names the wrong rule (GradcheckError.culprits), never a right one at a kink; check_op tests a row."""

import math

import pytest

from autograd_core import OPS, GradcheckError, Op, Value, apply, gradcheck, register
from autograd_core.check import local_culprits
from autograd_core.testing import check_op


def _softplus(x):
    return math.log1p(math.exp(x))


@pytest.fixture
def rows():
    """A right and a wrong softplus row and a right and a wrong cube row, registered for the test only."""
    made = {
        "softplus_ok": Op(
            "softplus_ok",
            "softplus",
            1,
            forward=_softplus,
            formula="∂v/∂x = σ(x)",
            local=lambda x, v: (1.0 / (1.0 + math.exp(-x)),),
        ),
        "softplus_bad": Op(
            "softplus_bad",
            "softplus",
            1,
            forward=_softplus,
            formula="∂v/∂x = σ(−x) (wrong)",
            local=lambda x, v: (1.0 / (1.0 + math.exp(x)),),
        ),
        "cube": Op("cube", "³", 1, forward=lambda x: x**3, local=lambda x, v: (3 * x * x,), formula="3x²"),
        "cube_bad": Op("cube_bad", "³", 1, forward=lambda x: x**3, local=lambda x, v: (3 * x,), formula="3x"),
        "mul_bad": Op("mul_bad", "×", 2, forward=lambda a, b: a * b, local=lambda a, b, v: (b, b), formula="b, b"),
    }
    for op in made.values():
        register(op)
    yield made
    for name in made:
        del OPS[name]


def test_gradcheck_names_the_wrong_rule(rows):
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda w, x: apply("softplus_bad", w * x) + apply("softplus_ok", w), 0.3, 1.0)
    error = caught.value
    assert [(c.op, c.input) for c in error.culprits] == [("softplus_bad", 0)]
    c = error.culprits[0]
    assert c.inputs == (0.3,) and math.isclose(c.local, 1 / (1 + math.exp(0.3)))
    assert math.isclose(c.numeric, 1 / (1 + math.exp(-0.3)), rel_tol=1e-6)
    assert "the rule of op 'softplus_bad' is wrong for input 0 at x = 0.3: local 0.4256 vs numeric 0.5744" in str(error)
    assert "MISMATCH" in str(error)  # the table of partials is still there


def test_gradcheck_names_the_input_of_a_binary_rule(rows):
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda a, b: apply("mul_bad", a, b).tanh(), 0.5, -2.0)
    assert [(c.op, c.input) for c in caught.value.culprits] == [("mul_bad", 1)]
    assert "wrong for input 1 at a = 0.5, b = -2: local -2 vs numeric 0.5" in str(caught.value)


def test_gradcheck_does_not_blame_a_right_rule_at_a_kink(rows):
    # relu sits exactly on its kink (w − 2 = 0): its rule is right; the wrong one is cube_bad (6 for 12)
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda w: (w - 2.0).relu() + apply("cube_bad", w), 2.0)
    assert [c.op for c in caught.value.culprits] == ["cube_bad"]
    assert "relu" not in str(caught.value).split("\n")[0]


def test_local_culprits_skips_kinks_and_finds_none_in_right_graphs(rows):
    w = Value(0.0)
    y = w.relu() + abs(w) + apply("cube", w)  # two kinks at 0, all rules right
    assert local_culprits(y) == []
    z = apply("cube_bad", Value(2.0))
    assert [(c.op, c.local, round(c.numeric, 4)) for c in local_culprits(z)] == [("cube_bad", 6.0, 12.0)]


def test_gradcheck_without_a_culprit_says_so():
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda x: x * x.data, 0.7)  # .data takes a factor out of the graph: every rule is right
    assert caught.value.culprits == [] and "every op's rule agrees with its own forward" in str(caught.value)


def test_check_op_passes_every_row_of_the_table():
    for name in OPS:
        assert check_op(name, max_examples=15), name


def test_check_op_passes_a_right_row_with_reference(rows):
    assert check_op("cube", reference=lambda x: x * x * x, max_examples=30)


def test_check_op_fails_a_wrong_rule(rows):
    with pytest.raises(AssertionError, match=r"cube_bad: the rule gives ∂v/∂x0 = .* central differences"):
        check_op("cube_bad", max_examples=30)


def test_check_op_fails_a_wrong_reference(rows):
    with pytest.raises(AssertionError, match="the reference gives"):
        check_op("cube", reference=lambda x: x**3 + 1e-3, max_examples=10)


def test_check_op_fails_a_rule_that_needs_floats(rows):
    with pytest.raises(AssertionError, match="does not work on Values"):
        check_op("softplus_ok", max_examples=10)


def test_check_op_needs_a_registered_row():
    with pytest.raises(ValueError, match="register it first"):
        check_op(Op("nope", "n", 1, forward=lambda x: x, local=lambda x, v: (1.0,), formula="1"))
