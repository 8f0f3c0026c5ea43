"""gradcheck: passes on right rules, fails with a table on a wrong one, warns (not fails) at kinks."""

import dataclasses
import math
import re
import warnings

import pytest
from hypothesis import given, settings

from autograd_core import OPS, GradcheckError, KinkWarning, Value, apply, gradcheck
from autograd_core.testing import programs

# sin with a wrong rule: ∂v/∂x = −cos x instead of cos x, a row of its own (apply needs it in OPS)
WRONG_SIN = dataclasses.replace(OPS["sin"], name="wrong_sin", local=lambda x, v: (-math.cos(x),))


@pytest.fixture
def wrong_sin(monkeypatch):
    """WRONG_SIN in the table for one test only (random programs draw from every row of OPS)."""
    monkeypatch.setitem(OPS, WRONG_SIN.name, WRONG_SIN)


def small_network(x1, x2):
    h1 = (0.7 * x1 - 1.3 * x2 + 0.2).tanh()
    h2 = (-0.4 * x1 + 0.9 * x2).sigmoid()
    h3 = (x1 * x2 + 2.0).log() + (0.5 * x1).exp() - (h2 + 1.0).sqrt()
    return (h1 - h2) ** 2 + 0.3 * h3 / (1.0 + h2) + (x1 - 3.0).relu() + abs(x2 + 2.0) + (x1 ** x2.sigmoid()).cos()


def test_gradcheck_passes_on_a_small_network():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no KinkWarning away from kinks
        assert gradcheck(small_network, 0.8, 0.6) is True
        assert gradcheck(small_network, 1.7, -0.9) is True


@settings(max_examples=30)
@given(programs())
def test_gradcheck_passes_on_random_programs(program):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gradcheck(program.evaluate, *program.inputs) is True


@pytest.mark.usefixtures("wrong_sin")
def test_gradcheck_wrong_rule_raises_with_the_table():
    def f(a, b):
        return apply(WRONG_SIN, a) * b

    with pytest.raises(GradcheckError) as info:
        gradcheck(f, 0.3, 2.0)
    message = str(info.value)
    assert "eps=1e-06" in message and "analytic" in message and "numeric" in message
    rows = {line.split()[0]: line.split() for line in message.splitlines()[2:]}
    a_row, b_row = rows["a"], rows["b"]
    analytic, numeric = -2 * math.cos(0.3), 2 * math.cos(0.3)
    assert [float(v) for v in a_row[1:4]] == pytest.approx([0.3, analytic, numeric], rel=1e-6)
    assert [float(v) for v in a_row[4:6]] == pytest.approx([abs(analytic - numeric), 2.0], rel=1e-2)  # 3 digits
    assert a_row[-1] == "MISMATCH"
    assert float(b_row[2]) == pytest.approx(math.sin(0.3), rel=1e-7) and b_row[-1] == "ok"


def test_gradcheck_wrong_rule_in_a_copy_of_the_table(monkeypatch):
    """apply() looks ops up in OPS: a wrong row there is caught too."""
    monkeypatch.setitem(OPS, "sin", dataclasses.replace(WRONG_SIN, name="sin"))
    with pytest.raises(GradcheckError, match="MISMATCH"):
        gradcheck(lambda x: apply("sin", x), 1.0)
    monkeypatch.undo()
    assert gradcheck(lambda x: apply("sin", x), 1.0)


def wrong_at(x, y, scale=1.0):
    return apply(WRONG_SIN, x * y) * scale


@pytest.mark.parametrize(
    ("f", "names"),
    [
        (lambda *xs: wrong_at(*xs), ["xs[0]", "xs[1]"]),
        (lambda a, *rest: wrong_at(a, *rest), ["a", "rest[0]"]),
        (wrong_at, ["x", "y"]),  # the parameter with a default is not an input here
        (lambda *, x=0.0: x, None),
    ],
)
@pytest.mark.usefixtures("wrong_sin")
def test_gradcheck_table_names_inputs_by_parameter(f, names):
    if names is None:  # no positional parameters at all: positions
        with pytest.raises(TypeError):
            gradcheck(f, 0.5, 0.5)
        return
    with pytest.raises(GradcheckError) as info:
        gradcheck(f, 0.5, 0.5)
    assert [line.split()[0] for line in str(info.value).splitlines()[2:]] == names


@pytest.mark.usefixtures("wrong_sin")
def test_gradcheck_takes_values_and_names_rows_by_label():
    w, b = Value(0.5, label="w"), Value(0.5)
    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong_at, w, b)
    assert [line.split()[0] for line in str(info.value).splitlines()[2:]] == ["w", "y"]
    assert (w.grad, b.grad) == (0.0, 0.0)  # the Values' own grads are left alone


@pytest.mark.parametrize(
    ("f", "x", "words"),
    [
        (lambda x: x.relu(), 0.0, ["x = 0.0", "relu", "kink at 0"]),
        (lambda x: abs(x - 0.3), 0.3 + 5e-7, ["abs", "kink at 0"]),
        (lambda x: (x * 2.0).relu() * 3.0 + x, 0.0, ["relu"]),
    ],
)
def test_gradcheck_at_a_kink_warns_instead_of_failing(f, x, words):
    with pytest.warns(KinkWarning) as record:
        assert gradcheck(f, x) is True
    message = str(record[0].message)
    assert all(word in message for word in words)


def test_gradcheck_kink_message_names_the_labelled_node():
    def f(x):
        out = (x - 1.0).relu()
        out.label = "a1"
        return out

    with pytest.warns(KinkWarning, match=r"relu \(a1\) has input 0"):
        gradcheck(f, 1.0)


@pytest.mark.usefixtures("wrong_sin")
def test_gradcheck_kink_does_not_excuse_other_inputs():
    """relu(a) sits on its kink, but b does not move it: b's wrong derivative must still fail."""
    with pytest.warns(KinkWarning), pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: a.relu() + apply(WRONG_SIN, b), 0.0, 2.0)
    lines = str(info.value).splitlines()
    assert lines[2].split()[0] == "a" and lines[2].endswith("kink: within one-sided slopes [0, 1]")
    assert lines[3].split()[0] == "b" and lines[3].endswith("MISMATCH")


@pytest.mark.usefixtures("wrong_sin")
def test_gradcheck_wrong_rule_at_a_kink_fails_outside_the_one_sided_slopes():
    # relu(x) + sin(x) at 0 has slopes 1 (left) and 2 (right); the wrong rule says 0 − 1 = −1.
    # It used to pass with only a KinkWarning.
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: x.relu() + apply(WRONG_SIN, x), 0.0)
    row = str(info.value).splitlines()[2]
    assert row.split()[:3] == ["x", "0", "-1"]
    assert row.endswith("kink: outside one-sided slopes [1, 2]")


def test_gradcheck_right_rule_at_a_kink_passes_between_the_one_sided_slopes():
    # relu′(0) = 0 and abs′(0) = 0 are the left slopes; 2·relu(x) − x has slopes −1 and 1 at 0.
    for f, slopes in ((lambda x: x.relu() + x.sin(), "[1, 2]"), (lambda x: 2.0 * x.relu() - x, "[-1, 1]")):
        with pytest.warns(KinkWarning, match="between the one-sided slopes " + re.escape(slopes)):
            assert gradcheck(f, 0.0) is True


def test_gradcheck_constant_function_passes():
    assert gradcheck(lambda x: 2.0, 1.0)
    assert gradcheck(lambda x, y: x * 0.0 + 3.0, 1.0, 2.0)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: gradcheck(lambda x: x), ValueError, "at least one input"),
        (lambda: gradcheck(lambda x: x, "1.0"), TypeError, "got str"),
        (lambda: gradcheck(lambda x: x, 1.0, eps=0.0), ValueError, "eps > 0"),
        (lambda: gradcheck(lambda x: x, 1.0, atol=-1.0), ValueError, "atol"),
        (lambda: gradcheck(lambda x: [x], 1.0), TypeError, "must return a scalar"),
        (lambda: gradcheck(lambda x: x.log(), 0.0), ValueError, "log: input 0.0"),
    ],
)
def test_gradcheck_bad_input_raises(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_gradcheck_error_is_an_assertion_error():
    assert issubclass(GradcheckError, AssertionError) and issubclass(KinkWarning, UserWarning)
