"""Hypothesis strategies for testing derivatives: random expression graphs and inputs per op.

Every strategy enumerates the op table ``OPS``, so a new row is drawn as soon as it exists.
What is drawn is *well conditioned*: each intermediate lies inside its op's domain, at least
``MARGIN`` away from domain edges and kinks, bounded by ``MAX_VALUE``, and each local derivative
and each sensitivity ∂v/∂x_j is bounded, so central differences with ε ≤ 1e-6 are meaningful.

    from hypothesis import given
    from autograd_core.testing import programs

    @given(programs())
    def test_my_gradients(program):
        ...  # program.evaluate(*program.inputs).backward(), program.run(my_backend, ...)

Needs hypothesis (``pip install ".[test]"`` in a clone); the engine itself does not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - exercised by a test that hides hypothesis
    from .extras import missing

    raise missing("autograd_core.testing", "hypothesis", "test") from error

from .ops import OPS, Op
from .value import Value, apply

MAX_VALUE = 1e4
"""|v| of every drawn intermediate stays below this (so exp inputs stay below ln 1e4 ≈ 9.2)."""
MAX_LOCAL = 100.0
"""|∂v/∂x_i| of every drawn op stays below this (no tiny denominators, log or sqrt inputs)."""
MAX_SENSITIVITY = 100.0
"""|∂v/∂x_j| of every drawn intermediate with respect to every program input stays below this."""
MARGIN = 1e-3
"""Every op input is at least this far from a kink and from the edge of the op's domain."""

MAX_ARITY = 64
"""A variadic op (``arity=None``: sum, dot) is drawn with between 1 and this many inputs."""
_VARIADIC = st.integers(1, 3) | st.integers(1, MAX_ARITY)  # the small cases n = 1, 2, 3 half the time

CONSTS = (-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0)
"""Exponents n for ops with a constant (``pow``): integers, halves, and 0 and 1 as edge cases."""


def floats(low: float = -3.0, high: float = 3.0) -> st.SearchStrategy[float]:
    """Finite floats in [low, high] (no nan, no ±inf)."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def values(low: float = -3.0, high: float = 3.0) -> st.SearchStrategy[Value]:
    """Leaf ``Value`` s with data in [low, high]."""
    return floats(low, high).map(Value)


def _op(op: Op | str) -> Op:
    return OPS[op] if isinstance(op, str) else op


def _call(op: Op, args: tuple[float, ...], const: float | None) -> tuple[float, tuple]:
    v = op.forward(*args, const) if op.has_const else op.forward(*args)
    return v, (op.local(*args, v, const) if op.has_const else op.local(*args, v))


def well_conditioned(op: Op | str, args: Iterable[float], const: float | None = None) -> bool:
    """Is v = op(*args) inside the domain, ``MARGIN`` from its edges and kinks, and bounded?"""
    op, args = _op(op), tuple(float(a) for a in args)
    if any(abs(a - k) <= MARGIN for a in args for k in op.kinks):
        return False
    try:
        v, local = _call(op, args, const)
        for i in range(len(args)):  # the domain must reach MARGIN beyond every input
            for shift in (-MARGIN, MARGIN):
                _call(op, (*args[:i], args[i] + shift, *args[i + 1 :]), const)
    except (ValueError, ZeroDivisionError, OverflowError):
        return False
    return abs(v) < MAX_VALUE and all(abs(d) <= MAX_LOCAL for d in local)


def op_inputs(op: Op | str, low: float = -5.0, high: float = 5.0) -> st.SearchStrategy[tuple]:
    """``(args, const)`` for one op: ``args`` a tuple of ``arity`` floats (1 to ``MAX_ARITY`` for a
    variadic op), ``const`` the n of ``pow`` (None for ops without a constant), all well conditioned."""
    op = _op(op)
    const = st.sampled_from(CONSTS) if op.has_const else st.none()
    count = _VARIADIC if op.arity is None else st.just(op.arity)
    args = count.flatmap(lambda n: st.lists(floats(low, high), min_size=n, max_size=n).map(tuple))
    return st.tuples(args, const).filter(lambda call: well_conditioned(op, *call))


@dataclass(frozen=True)
class Step:
    """One node of a program: ``op`` applied to earlier nodes ``args`` (and ``const`` for pow)."""

    op: str
    args: tuple[int, ...]
    const: float | None = None


@dataclass(frozen=True)
class Program:
    """A straight-line program: nodes 0..n−1 are the inputs, node n+k is ``steps[k]``; the
    output is the last node.  Nodes may be used many times (a DAG), also twice by one step."""

    inputs: tuple[float, ...]
    steps: tuple[Step, ...]

    def run(self, backend: Mapping[str, Callable], *xs: object) -> object:
        """Evaluate with ``backend[op](*args[, const])``, e.g. numpy/torch functions; ``xs``
        default to ``inputs``."""
        nodes = list(xs) if xs else list(self.inputs)
        if len(nodes) != len(self.inputs):
            raise TypeError(f"this program takes {len(self.inputs)} input(s), got {len(nodes)}")
        for step in self.steps:
            args = [nodes[i] for i in step.args]
            nodes.append(backend[step.op](*args) if step.const is None else backend[step.op](*args, step.const))
        return nodes[-1]

    def evaluate(self, *xs: Value | float) -> Value:
        """The output as a ``Value`` graph (floats become leaves); ``xs`` default to ``inputs``."""
        return self.run(VALUE_BACKEND, *[x if isinstance(x, Value) else Value(x) for x in xs or self.inputs])

    def __str__(self) -> str:
        names = [f"x{i}" for i in range(len(self.inputs))]
        for step in self.steps:
            args = [names[i] for i in step.args] + ([] if step.const is None else [f"n={step.const:g}"])
            names.append(f"{step.op}({', '.join(args)})")
        return names[-1]


def _value_fn(op: Op) -> Callable:
    if op.has_const:
        return lambda x, n: apply(op, x, const=n)
    return lambda *xs: apply(op, *xs)


class _FromTable(Mapping):
    """op name → a function made from the row of ``OPS`` at lookup time (so new rows count)."""

    def __init__(self, make: Callable[[Op], Callable]) -> None:
        self._make = make

    def __getitem__(self, name: str) -> Callable:
        return self._make(OPS[name])

    def __iter__(self):
        return iter(OPS)

    def __len__(self) -> int:
        return len(OPS)


VALUE_BACKEND: Mapping[str, Callable] = _FromTable(_value_fn)
"""op name → function on ``Value`` s (through ``apply``)."""
FLOAT_BACKEND: Mapping[str, Callable] = _FromTable(lambda op: op.forward)
"""op name → the table's forward on floats (fast, for finite differences)."""


@st.composite
def programs(
    draw: Callable,
    min_inputs: int = 1,
    max_inputs: int = 3,
    max_steps: int = 10,
    ops: Iterable[str] | None = None,
) -> Program:
    """Random well-conditioned ``Program`` s over ``ops`` (default: every op of ``OPS``).

    Each step picks its arguments preferring nodes not yet used, and the last steps join the
    remaining unused nodes with binary (or variadic) ops, so every input reaches the output whenever
    ``ops`` has one and ``max_steps`` allows it.  A variadic op takes 1 to ``MAX_ARITY`` arguments.
    """
    if not 1 <= min_inputs <= max_inputs or max_steps < 1:
        raise ValueError(
            f"programs needs 1 ≤ min_inputs ≤ max_inputs and max_steps ≥ 1, "
            f"got min_inputs={min_inputs}, max_inputs={max_inputs}, max_steps={max_steps}"
        )
    names = sorted(OPS if ops is None else ops)
    unknown = [n for n in names if n not in OPS]
    if unknown or not names:
        raise ValueError(f"programs(ops=...) needs names from OPS {sorted(OPS)}, got {unknown or 'none'}")
    binary = [n for n in names if OPS[n].arity in (2, None)]  # ops that can join two nodes
    n_inputs = draw(st.integers(min_inputs, max_inputs))
    inputs = tuple(draw(st.lists(floats(), min_size=n_inputs, max_size=n_inputs)))
    graph = _Graph(list(inputs), [tuple(float(i == j) for j in range(n_inputs)) for i in range(n_inputs)])
    target = draw(st.integers(1, max_steps))
    free = 0  # free steps attempted; then join steps until one node is left unused
    while len(graph.steps) < max_steps:
        room, joins_needed = max_steps - len(graph.steps), (len(graph.unused) - 1 if binary else 0)
        if free >= target or room <= joins_needed:
            if joins_needed <= 0 or not graph.add(draw, binary, "join"):
                break
            continue
        # a free step that may leave one more node unused needs room for one more join after it
        graph.add(draw, names, "consume" if room == joins_needed + 1 else "any")
        free += 1
    if not graph.steps:
        # every attempt was ill conditioned: one always-safe step on the first input
        op = next((n for n in ("neg", "tanh", "sin") if n in names), None)
        if op is None:
            from hypothesis import reject

            reject()
        graph.steps.append(Step(op, (0,)))
    return Program(inputs, tuple(graph.steps))


@dataclass
class _Graph:
    """A program being drawn: node values, sensitivities ∂node/∂x_j, nodes not used yet."""

    vals: list
    sens: list

    def __post_init__(self) -> None:
        self.steps: list[Step] = []
        self.unused = list(range(len(self.vals)))

    def add(self, draw: Callable, names: list[str], mode: str) -> bool:
        """Up to 20 tries at a well-conditioned step.  ``mode``: "join" two unused nodes,
        "consume" an unused node (first argument), or read "any" nodes."""
        for _ in range(20):
            op = OPS[draw(st.sampled_from(names))]
            arity = 2 if mode == "join" else op.arity or draw(_VARIADIC)
            args = self._args(draw, arity, mode)
            const = draw(st.sampled_from(CONSTS)) if op.has_const else None
            xs = tuple(self.vals[i] for i in args)
            if not well_conditioned(op, xs, const):
                continue
            v, local = _call(op, xs, const)
            s = tuple(sum(d * self.sens[i][j] for d, i in zip(local, args)) for j in range(len(self.sens[0])))
            if any(abs(sj) > MAX_SENSITIVITY for sj in s):
                continue
            self.unused = [i for i in self.unused if i not in args] + [len(self.vals)]
            self.vals.append(v)
            self.sens.append(s)
            self.steps.append(Step(op.name, args, const))
            return True
        return False

    def _args(self, draw: Callable, arity: int, mode: str) -> tuple[int, ...]:
        any_node = st.integers(0, len(self.vals) - 1)
        if mode == "join":
            a = draw(st.sampled_from(self.unused))
            b = draw(st.sampled_from([u for u in self.unused if u != a]))
            return (a, b)
        # the first argument is often a node not used yet; the others are any node, so repeats
        # (x*x) and reuse of earlier nodes (a DAG) occur
        unused = st.sampled_from(self.unused)
        first = draw(unused if mode == "consume" else unused | any_node)
        return (first, *[draw(any_node) for _ in range(arity - 1)])


def check_op(
    op: Op | str,
    reference: Callable[..., float] | None = None,
    max_examples: int = 100,
    low: float = -5.0,
    high: float = 5.0,
) -> bool:
    """Property-test one row of the op table on well-conditioned inputs of its domain (``op_inputs``).

    Checks: forward against ``reference(*inputs[, n])`` if given; each local derivative against central
    differences of the row's forward; the rule applied to Values (higher orders) against the float rule and
    its own derivatives against central differences of the rule; and ``array_forward`` (compile) if the row
    has one.  True, or an AssertionError naming the op, the input and the numbers.

        check_op(register(SOFTPLUS), reference=lambda x: math.log1p(math.exp(x)))
    """
    from hypothesis import given, settings

    op = _op(op)
    if OPS.get(op.name) is not op:
        raise ValueError(f"check_op: op {op.name!r} is not in the op table: register it first (register(op))")

    @settings(max_examples=max_examples, deadline=None, database=None, report_multiple_bugs=False)
    @given(op_inputs(op, low, high))
    def run(call: tuple) -> None:
        _check_call(op, *call, reference)

    run()
    return True


def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    return abs(a - b) <= atol + rtol * abs(b)


def _central(f: Callable[[float], float], x: float, eps: float = 1e-6) -> float:
    h = eps * max(1.0, abs(x))
    return (f(x + h) - f(x - h)) / (2 * h)


def _check_call(op: Op, args: tuple[float, ...], const: float | None, reference: Callable | None) -> None:
    extra = () if const is None else (const,)
    at = ", ".join(f"{a!r}" for a in args) + (f"; n = {const!r}" if extra else "")
    v, local = _call(op, args, const)
    if reference is not None:
        r = reference(*args, *extra)
        assert _close(v, r, 1e-9, 1e-12), f"{op.name}: forward({at}) = {v!r} but the reference gives {r!r}"

    def moved(j: int, x: float) -> tuple[float, ...]:
        return (*args[:j], x, *args[j + 1 :])

    for j in range(len(args)):
        numeric = _central(lambda x, j=j: _call(op, moved(j, x), const)[0], args[j])
        assert _close(local[j], numeric, 1e-4, 1e-6), (
            f"{op.name}: the rule gives ∂v/∂x{j} = {local[j]!r} at ({at}), central differences of its forward "
            f"{numeric!r}"
        )
    leaves = [Value(a) for a in args]
    out = apply(op, *leaves, const=const)
    try:
        symbolic = op.local(*leaves, out, *extra)
    except (TypeError, AttributeError) as error:
        raise AssertionError(
            f"{op.name}: its rule does not work on Values ({error}), so higher orders fail: write it with "
            "arithmetic and Value methods (x.exp(), x.log() …), not math functions"
        ) from error
    from .graph import gradients

    for j, d in enumerate(symbolic):
        data = d.data if isinstance(d, Value) else float(d)
        assert _close(data, local[j], 1e-9, 1e-12), (
            f"{op.name}: on Values the rule gives ∂v/∂x{j} = {data!r} at ({at}), on floats {local[j]!r}"
        )
        second = gradients(d) if isinstance(d, Value) else {}
        for k in range(len(args)):
            numeric = _central(lambda x, j=j, k=k: _call(op, moved(k, x), const)[1][j], args[k])
            exact = second.get(leaves[k], 0.0)
            assert _close(exact, numeric, 1e-3, 1e-4), (
                f"{op.name}: the second derivative ∂²v/∂x{j}∂x{k} from the rule on Values is {exact!r} at ({at}), "
                f"central differences of the rule give {numeric!r}"
            )
    if op.array_forward is not None:
        try:
            from .compiled import np  # compile's own numpy: the engine needs it nowhere else
        except ImportError:
            return
        batch = op.array_forward(*[np.full(3, a) for a in args], *extra)
        assert np.allclose(batch, v, rtol=1e-12, atol=1e-12), (
            f"{op.name}: array_forward({at}) gives {batch!r}, forward {v!r}"
        )
