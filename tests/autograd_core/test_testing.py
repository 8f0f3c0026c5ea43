"""The hypothesis strategies: what they draw is well conditioned, reuses nodes, uses every input,
follows the op table (new rows included), and the module needs hypothesis only when imported."""

import importlib
import math
import sys

import pytest
from hypothesis import Phase, given, settings
from hypothesis import find as hypothesis_find
from hypothesis import strategies as st

from autograd_core import OPS, Op, Value, gradcheck
from autograd_core.testing import (
    FLOAT_BACKEND,
    MAX_ARITY,
    MAX_SENSITIVITY,
    MAX_VALUE,
    Program,
    Step,
    op_inputs,
    programs,
    values,
    well_conditioned,
)


def find(strategy, condition, max_examples=None):
    """The first example that satisfies ``condition`` (no shrinking: these searches only need one)."""
    more = {} if max_examples is None else {"max_examples": max_examples}
    return hypothesis_find(strategy, condition, settings=settings(phases=[Phase.generate], database=None, **more))


def reaches_output(program):
    """Node indices from which the output can be reached."""
    n = len(program.inputs) + len(program.steps)
    reach = {n - 1}
    for k in range(len(program.steps) - 1, -1, -1):
        if len(program.inputs) + k in reach:
            reach.update(program.steps[k].args)
    return reach


@given(programs(max_inputs=4, max_steps=12))
def test_programs_are_well_conditioned(program):
    vals = list(program.inputs)
    for step in program.steps:
        args = tuple(vals[i] for i in step.args)
        assert all(i < len(vals) for i in step.args)  # only earlier nodes
        assert well_conditioned(step.op, args, step.const)
        op = OPS[step.op]
        vals.append(op.forward(*args, step.const) if op.has_const else op.forward(*args))
        assert abs(vals[-1]) < MAX_VALUE and (step.const is None) == (not op.has_const)
    assert vals[-1] == program.evaluate().data == program.run(FLOAT_BACKEND)


@given(st.integers(1, 4).flatmap(lambda n: st.tuples(st.just(n), programs(min_inputs=n, max_inputs=n, max_steps=8))))
def test_programs_use_every_input(n_and_program):
    n, program = n_and_program
    assert len(program.inputs) == n and 1 <= len(program.steps) <= 8
    assert set(range(n)) <= reaches_output(program)


@settings(max_examples=20)
@given(programs(max_steps=10))
def test_programs_sensitivities_are_bounded(program):
    xs = [Value(x) for x in program.inputs]
    from autograd_core.graph import gradients

    grads = gradients(program.evaluate(*xs))
    assert all(abs(grads.get(x, 0.0)) <= MAX_SENSITIVITY * (1 + 1e-9) for x in xs)


def readers(program, node):
    return sum(node in step.args for step in program.steps)


def test_programs_draw_node_reuse():
    square = find(programs(), lambda p: any(len(s.args) == 2 and s.args[0] == s.args[1] for s in p.steps))
    binary_or_variadic = ("mul", "add", "sub", "div", "powv", "sum", "dot")
    assert any(s.op in binary_or_variadic and len(set(s.args)) == 1 for s in square.steps)
    shared = find(programs(), lambda p: any(readers(p, i) > 1 for i in range(len(p.inputs), len(p.inputs) + 5)))
    assert len(shared.steps) >= 3  # an intermediate read by two later steps: a DAG, not a tree


@pytest.mark.parametrize("name", OPS)
def test_programs_draw_every_op(name):
    program = find(programs(ops=[name, "add"]), lambda p: any(s.op == name for s in p.steps))
    assert {s.op for s in program.steps} <= {name, "add"}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"ops": ["nope"]}, "names from OPS"),
        ({"ops": []}, "names from OPS"),
        ({"min_inputs": 0}, "min_inputs"),
        ({"min_inputs": 3, "max_inputs": 2}, "max_inputs"),
        ({"max_steps": 0}, "max_steps"),
    ],
)
def test_programs_reject_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        find(programs(**kwargs), lambda p: True)


def test_program_run_and_str():
    program = Program((2.0, 3.0), (Step("mul", (0, 0)), Step("pow", (2,), 0.5), Step("add", (3, 1))))
    assert str(program) == "add(pow(mul(x0, x0), n=0.5), x1)"
    assert program.run(FLOAT_BACKEND) == 5.0 and program.run(FLOAT_BACKEND, 3.0, 1.0) == 4.0
    y = program.evaluate(Value(2.0), 3.0)
    assert (y.data, y.op) == (5.0, "add")
    with pytest.raises(TypeError, match="takes 2 input"):
        program.run(FLOAT_BACKEND, 1.0)


def test_strategies_pick_up_a_new_op_row(monkeypatch):
    cube = Op("cube", "³", 1, forward=lambda x: x**3, local=lambda x, v: (3 * x * x,), formula="∂v/∂x = 3x²")
    monkeypatch.setitem(OPS, "cube", cube)
    args, const = find(op_inputs("cube"), lambda call: True)
    assert len(args) == 1 and const is None
    program = find(programs(ops=["cube", "add"]), lambda p: any(s.op == "cube" for s in p.steps))
    assert gradcheck(program.evaluate, *program.inputs)
    assert "cube" in FLOAT_BACKEND


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_op_inputs_fit_the_op(name, data):
    op = OPS[name]
    args, const = data.draw(op_inputs(name))
    assert len(args) == op.arity if op.arity else 1 <= len(args) <= MAX_ARITY
    assert (const is None) == (not op.has_const)
    assert well_conditioned(op, args, const)
    assert all(abs(a - k) > 1e-3 for a in args for k in op.kinks)


@pytest.mark.parametrize(
    ("name", "args", "const", "expected"),
    [
        ("log", (0.5,), None, True),
        ("log", (0.0005,), None, False),
        ("log", (-1.0,), None, False),
        ("relu", (0.0005,), None, False),
        ("abs", (-0.002,), None, True),
        ("div", (1.0, 0.001), None, False),
        ("exp", (20.0,), None, False),
        ("pow", (-2.0,), 0.5, False),
        ("pow", (-2.0,), 3.0, True),
        ("sqrt", (0.0,), None, False),
        ("powv", (0.0, 1.0), None, False),
        ("mul", (200.0, 0.5), None, False),
    ],
)
def test_well_conditioned_edges(name, args, const, expected):
    assert well_conditioned(name, args, const) is expected


@given(values(-2.0, 2.0))
def test_values_are_leaves(v):
    assert isinstance(v, Value) and v.op == "" and -2.0 <= v.data <= 2.0 and math.isfinite(v.data)


def test_testing_without_hypothesis_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # makes `import hypothesis` fail
    monkeypatch.delitem(sys.modules, "autograd_core.testing")
    with pytest.raises(ImportError, match=r'"test" extra installs: .* pip install "\.\[test\]"'):
        importlib.import_module("autograd_core.testing")


def test_engine_imports_without_hypothesis():
    """The engine itself never imports hypothesis (only autograd_core.testing does)."""
    import subprocess

    code = (
        "import sys; sys.modules['hypothesis'] = None; import autograd_core; "
        "from autograd_core import Value, grad; print(grad(lambda x: x * x)(3.0))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "6.0"


def test_programs_draw_variadic_nodes_of_1_to_64_inputs():
    for small in (1, 2):
        find(programs(ops=["sum", "dot", "mul"]), lambda p, k=small: any(len(s.args) == k for s in p.steps), 1000)
    large = lambda p: any(s.op == "dot" and len(s.args) > 32 for s in p.steps)
    program = find(programs(ops=["dot", "tanh"]), large, max_examples=1000)
    assert gradcheck(program.evaluate, *program.inputs)


@pytest.mark.parametrize("lengths", [(1,), (2,), (3,), tuple(range(41, MAX_ARITY + 1))])
def test_op_inputs_of_a_variadic_row_cover_small_and_large_n(lengths):
    args, _ = find(op_inputs("dot"), lambda call: len(call[0]) in lengths, max_examples=1000)
    assert len(args) in lengths
    find(op_inputs("sum"), lambda call: len(call[0]) in lengths, max_examples=1000)


@given(op_inputs("sum"))
def test_op_inputs_of_a_variadic_row_stay_within_max_arity(call):
    assert 1 <= len(call[0]) <= MAX_ARITY == 64
