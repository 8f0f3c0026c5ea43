"""exercise: a worksheet without answers, and a check that names the first mistake in the lecture's terms."""

import math
import re

import pytest
from test_explain import lecture_neuron
from viz_helpers import needs_renderer

from autograd_core import Value, gradients
from viz import exercise
from viz.exercise import ATOL, RTOL, close


def key(ex):
    """The right answers, by node name."""
    return {ex.names[v]: ex.expected[v] for v in ex.nodes}


def test_exercise_all_right():
    ex = exercise(lecture_neuron()[0])
    report = ex.check(key(ex))
    assert report.ok and report.first is None and not report.wrong and not report.missing
    assert len(report.right) == len(ex.nodes) == 14
    assert str(report).startswith("14 of 14 right: every ∂L/∂v is right.")


def test_exercise_rounded_answers_are_right():
    ex = exercise(lecture_neuron()[0])
    rounded = {name: float(f"{g:.3g}") for name, g in key(ex).items()}
    assert ex.check(rounded).ok
    assert close(1.0, 1.0 + RTOL) and not close(1.0, 1.03) and close(0.0, ATOL)


def test_exercise_one_missed_child():
    ex = exercise(lecture_neuron()[0])
    answers = key(ex)
    answers["w"] = 0.105 * 1.5  # only the path through z: ∂L/∂r·∂r/∂w = 0.16 left out
    report = ex.check(answers)
    assert report.wrong == ["w"] and report.first.name == "w"
    why = report.first.diagnosis
    assert why.kind == "missed child"
    assert [(c.label, i) for c, i in why.edges] == [("r", 0)]
    assert "leaves out the path through r (∂L/∂r·∂r/∂w = 0.16)" in why.text


def test_exercise_x_times_x_missed_edge():
    x = Value(3.0, "x")
    L = x * x + x
    L.label = "L"
    ex = exercise(L)
    report = ex.check({"L": 1, "x·x": 1, "x": 4.0})  # one of the two edges into × left out: 3 + 1
    assert report.first.diagnosis.kind == "missed child" and len(report.first.diagnosis.edges) == 1


def test_exercise_one_wrong_local_derivative():
    ex = exercise(lecture_neuron()[0])
    answers = key(ex)
    u, z = ex.expected[ex.node("u")], ex.node("u").data
    answers.update({"z": u * z})  # σ′(z) taken as σ(z): the node's value instead of v(1 − v)
    report = ex.check(answers)
    assert report.wrong == ["z"]
    why = report.first.diagnosis
    assert why.kind == "wrong local derivative"
    assert [(c.label, i) for c, i in why.edges] == [("u", 0)]
    assert "the edge z → u: ∂u/∂z = 0.2055" in why.text and "the node's value 0.7109 instead" in why.text


def test_exercise_wrong_sign_on_one_of_two_edges():
    ex = exercise(lecture_neuron()[0])
    answers = key(ex)
    answers["w"] = 0.105 * 1.5 - 0.1 * 1.6  # the sign of ∂r/∂w flipped
    why = ex.check(answers).first.diagnosis
    assert why.kind == "wrong local derivative" and why.edges[0][0].label == "r" and "sign flipped" in why.text


def test_exercise_upstream_error_carried_down():
    ex = exercise(lecture_neuron()[0])
    answers = key(ex)
    wrong_u = -answers["u"]
    answers["u"] = wrong_u
    dz = wrong_u * 0.2055
    answers.update({"z": dz, "w·x": dz, "b": dz, "w": dz * 1.5 + 0.16, "x": dz * 0.8})  # carried correctly
    report = ex.check(answers)
    assert report.wrong == ["u", "z", "w·x", "b", "w", "x"]
    assert report.first.name == "u" and report.first.diagnosis.kind == "wrong local derivative"
    for name in report.wrong[1:]:
        assert report[name].diagnosis.kind == "upstream error", name
    assert "follows correctly from your ∂L/∂v for u, which is wrong" in report["z"].diagnosis.text


def test_exercise_unexplained_and_missing():
    ex = exercise(lecture_neuron()[0])
    answers = key(ex)
    answers["w"] = 42.0
    del answers["x"]
    report = ex.check(answers)
    assert report.missing == ["x"] and not report.ok
    assert report.first.diagnosis.kind == "unexplained" and "check the arithmetic" in report.first.diagnosis.text


def test_exercise_reveal_only_when_asked():
    ex = exercise(lecture_neuron()[0])
    answers = key(ex)
    answers["w"] = 1.0
    hidden, shown = ex.check(answers), ex.check(answers, reveal=True)
    assert "0.3175" not in str(hidden) and "0.3175" not in hidden._repr_markdown_()
    assert "(BACKWARD: 0.3175)" in str(shown) and "0.3175" in shown._repr_markdown_()
    assert "0.3175" not in ex.to_markdown() and "| w | given | 0.8 | 0.3175 |" in ex.to_markdown(reveal=True)


def test_exercise_by_value_and_bad_keys():
    L, w = lecture_neuron()
    ex = exercise(L)
    assert ex.check({w: 0.3175}).right == ["w"]
    with pytest.raises(ValueError, match="no node named 'q'"):
        ex.check({"q": 1.0})
    with pytest.raises(TypeError, match="finite number"):
        ex.check({"w": "0.3"})
    with pytest.raises(ValueError, match="not a node"):
        ex.check({Value(1.0, "other"): 1.0})


def test_exercise_seed_regenerates_the_same_graph():
    L, w = lecture_neuron()
    a, b, c = exercise(L, seed=7), exercise(L, seed=7), exercise(L, seed=8)
    assert a.to_markdown(reveal=True) == b.to_markdown(reveal=True) != c.to_markdown(reveal=True)
    assert [v.label for v in a.nodes] == [v.label for v in exercise(L).nodes]
    assert w.data == 0.8  # the user's graph keeps its numbers
    ours = gradients(a.root)
    assert all(math.isclose(a.expected[v], ours[v]) for v in a.nodes)
    assert a.check({w: a.expected[a.copies[w]]}).right == ["w"]  # the original Values still key answers


def test_exercise_seed_stays_in_the_domain():
    x = Value(2.0, "x")
    L = x.log() + x.sqrt()
    for seed in range(20):
        assert exercise(L, seed=seed).copies[x].data > 0


@needs_renderer
def test_exercise_worksheet_has_no_answers(tmp_path):
    ex = exercise(lecture_neuron()[0])
    source = ex.worksheet().source
    assert source.count("grad ______") == 14
    assert not re.search(r"grad -?\d", source) and "msg" not in source and "local" not in source
    assert "0.3175" not in source  # not in a tooltip either
    assert "local 0.2055" in exercise(lecture_neuron()[0], hints=True).worksheet().source
    svg = ex.save(tmp_path / "sheet.svg").read_text()
    assert "0.3175" not in svg and "Backprop by hand" in svg
    assert "0.3175" in ex.save(tmp_path / "key.md", reveal=True).read_text()
    assert "<table>" in ex._repr_html_() and "0.3175" not in ex._repr_html_()
