"""`Value`: one node v_j of the computation graph, with its parents and local derivatives."""

from __future__ import annotations

import numbers

from . import ops
from .ops import OPS, Op


def _as_float(data: object) -> float:
    # bool is an int and numpy scalars register as numbers.Real, so all of them pass.
    if isinstance(data, numbers.Real):
        return float(data)
    raise TypeError(
        f"Value(data) needs a real number (int, float, bool or numpy scalar), got {type(data).__name__}: {data!r}"
    )


class Value:
    """A scalar v_j that records how it was made: ``op``, ``parents`` v_i and ∂v_j/∂v_i.

    Fields: ``data`` (the number), ``grad`` (∂L/∂v after ``L.backward()``), ``label``,
    ``op`` (the op's name, ``""`` for a leaf), ``parents`` (ordered, duplicates kept: ``x*x``
    has two edges), ``local_grads`` (∂self/∂parent, same order) and ``const`` (the constant
    n of ``x ** n``, else ``None``).  Equality and hashing are by identity.
    """

    __slots__ = ("data", "grad", "label", "op", "parents", "local_grads", "const")

    def __init__(self, data: float, label: str = "") -> None:
        self.data = data if type(data) is float else _as_float(data)
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.parents: tuple[Value, ...] = ()
        self.local_grads: tuple = ()
        self.const: float | None = None

    def __repr__(self) -> str:
        return f"Value(data={self.data!r}, grad={self.grad!r}, label={self.label!r})"

    def __float__(self) -> float:
        return self.data

    # ---- graph building -------------------------------------------------------------
    def _unary(self, op: Op) -> Value:
        x = self.data
        v = op.forward(x)
        return _node(v, op.name, (self,), op.local(x, v))

    def _binary(self, op: Op, other: Value) -> Value:
        a, b = self.data, other.data
        v = op.forward(a, b)
        return _node(v, op.name, (self, other), op.local(a, b, v))

    def __add__(self, other: Value | float) -> Value:
        other = other if type(other) is Value else _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return self._binary(ops.ADD, other)

    def __radd__(self, other: float) -> Value:
        other = _lift(other)
        return NotImplemented if other is NotImplemented else other._binary(ops.ADD, self)

    def __sub__(self, other: Value | float) -> Value:
        other = other if type(other) is Value else _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return self._binary(ops.SUB, other)

    def __rsub__(self, other: float) -> Value:
        other = _lift(other)
        return NotImplemented if other is NotImplemented else other._binary(ops.SUB, self)

    def __mul__(self, other: Value | float) -> Value:
        other = other if type(other) is Value else _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return self._binary(ops.MUL, other)

    def __rmul__(self, other: float) -> Value:
        other = _lift(other)
        return NotImplemented if other is NotImplemented else other._binary(ops.MUL, self)

    def __truediv__(self, other: Value | float) -> Value:
        other = other if type(other) is Value else _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return self._binary(ops.DIV, other)

    def __rtruediv__(self, other: float) -> Value:
        other = _lift(other)
        return NotImplemented if other is NotImplemented else other._binary(ops.DIV, self)

    def __pow__(self, other: Value | float) -> Value:
        if type(other) is Value:
            return self._binary(ops.POWV, other)
        if not isinstance(other, numbers.Real):
            return NotImplemented
        n = float(other)
        x = self.data
        v = ops.POW.forward(x, n)
        out = _node(v, "pow", (self,), ops.POW.local(x, v, n))
        out.const = n
        return out

    def __rpow__(self, other: float) -> Value:
        other = _lift(other)
        return NotImplemented if other is NotImplemented else other._binary(ops.POWV, self)

    def __neg__(self) -> Value:
        return self._unary(ops.NEG)

    def __abs__(self) -> Value:
        return self._unary(ops.ABS)

    def exp(self) -> Value:
        """v = eˣ."""
        return self._unary(ops.EXP)

    def log(self) -> Value:
        """v = ln x, for x > 0."""
        return self._unary(ops.LOG)

    def sqrt(self) -> Value:
        """v = √x, for x > 0."""
        return self._unary(ops.SQRT)

    def tanh(self) -> Value:
        """v = tanh x."""
        return self._unary(ops.TANH)

    def sigmoid(self) -> Value:
        """v = σ(x) = 1/(1 + e⁻ˣ)."""
        return self._unary(ops.SIGMOID)

    def relu(self) -> Value:
        """v = max(0, x); relu′(0) = 0."""
        return self._unary(ops.RELU)

    def sin(self) -> Value:
        """v = sin x."""
        return self._unary(ops.SIN)

    def cos(self) -> Value:
        """v = cos x."""
        return self._unary(ops.COS)

    def step(self) -> Value:
        """The hard threshold v = 1 if x ≥ 0 else 0; derivative 0."""
        return self._unary(ops.STEP)

    def sign(self) -> Value:
        """v = sign x ∈ {−1, 0, 1}; derivative 0."""
        return self._unary(ops.SIGN)

    # ---- differentiation ----------------------------------------------------------------
    def backward(self) -> None:
        """BACKWARD(): fill ``grad`` with ∂self/∂v for every v in this graph.

        Leaves accumulate across calls (as in PyTorch); interior nodes show the latest call's.
        """
        from .graph import backward

        backward(self)


def _lift(other: object) -> Value:
    """A plain number on the other side of an operator becomes a constant leaf."""
    if type(other) is Value:
        return other
    if isinstance(other, numbers.Real):
        return Value(float(other))
    return NotImplemented  # Python then raises TypeError naming both operand types


_new = object.__new__


def _node(data: float, op: str, parents: tuple, local_grads: tuple) -> Value:
    """An op's output: bypasses ``__init__`` (its type check) on the hot path."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v.op = op
    v.parents = parents
    v.local_grads = local_grads
    v.const = None
    return v


def apply(op: Op | str, *inputs: Value | float, const: float | None = None) -> Value:
    """v = op(*inputs) for any op of the table (by ``Op`` or name)."""
    op = OPS[op] if isinstance(op, str) else op
    if len(inputs) != op.arity:
        raise TypeError(f"{op.name} takes {op.arity} input(s), got {len(inputs)}")
    if op.has_const:
        if const is None:
            raise TypeError(f"{op.name} needs const= (the constant n)")
        return inputs[0] ** const if type(inputs[0]) is Value else Value(inputs[0]) ** const
    xs = tuple(_lift(x) for x in inputs)
    for x, raw in zip(xs, inputs):
        if x is NotImplemented:
            raise TypeError(f"{op.name}: inputs must be Values or real numbers, got {type(raw).__name__}")
    return xs[0]._unary(op) if op.arity == 1 else xs[0]._binary(op, xs[1])
