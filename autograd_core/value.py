"""`Value`: one node v_j of the computation graph, with its parents and local derivatives."""

from __future__ import annotations

import numbers
import operator
from collections.abc import Iterable, Sequence

from . import ops
from .ops import OPS, Op


def _as_float(data: object) -> float:
    # bool is an int and most numpy scalars register as numbers.Real; numpy's bool (and a 0-d
    # array) does not, so a real numpy dtype of dimension 0 is accepted too.
    if isinstance(data, numbers.Real):
        return float(data)
    if getattr(getattr(data, "dtype", None), "kind", None) in ("b", "i", "u", "f") and getattr(data, "ndim", 1) == 0:
        return float(data)
    raise TypeError(
        f"Value(data) needs a real number (int, float, bool or numpy scalar), got {type(data).__name__}: {data!r}"
    )


def _binary_method(op: Op, reflected: bool = False):
    """``a op b`` (or, reflected, ``other op self``): v from the op's forward, ∂v/∂a, ∂v/∂b from its rule."""
    forward, local, name = op.forward, op.local, op.name

    def method(self: Value, other: Value | float) -> Value:
        if type(other) is not Value:
            other = _lift(other)
            if other is NotImplemented:
                return NotImplemented
        a, b = (other, self) if reflected else (self, other)
        x, y = a.data, b.data
        v = forward(x, y)
        return _node(v, name, (a, b), local(x, y, v))

    method.__doc__ = f"v = {'other' if reflected else 'self'} {op.symbol} {'self' if reflected else 'other'}."
    return method


def _comparison(compare):
    """``self < other`` and the like on ``data``: a bool, for branching (``if x > 0:``, ``max(a, b)``)."""

    def method(self: Value, other: Value | float) -> bool:
        if type(other) is Value:
            return compare(self.data, other.data)
        if isinstance(other, numbers.Real):
            return compare(self.data, float(other))  # a numpy scalar too gives a plain bool
        return NotImplemented

    method.__doc__ = f"``self.data {_SYMBOLS[compare]} other``: a bool, not differentiable."
    return method


_SYMBOLS = {operator.lt: "<", operator.le: "<=", operator.gt: ">", operator.ge: ">="}


def _unary_method(op: Op, doc: str = ""):
    """``op(self)``: v from the op's forward, ∂v/∂x from its rule."""
    forward, local, name = op.forward, op.local, op.name

    def method(self: Value) -> Value:
        x = self.data
        v = forward(x)
        return _node(v, name, (self,), local(x, v))

    method.__name__ = op.name
    method.__doc__ = doc or f"v = {op.symbol}(x)."
    return method


class Value:
    """A scalar v_j that records how it was made: ``op``, ``parents`` v_i and ∂v_j/∂v_i.

    Fields: ``data`` (the number), ``grad`` (∂L/∂v after ``L.backward()``), ``label``,
    ``op`` (the op's name, ``""`` for a leaf), ``parents`` (ordered, duplicates kept: ``x*x``
    has two edges), ``local_grads`` (∂self/∂parent, same order) and ``const`` (the constant
    n of ``x ** n``, else ``None``).  Equality and hashing are by identity; ``<``, ``<=``,
    ``>``, ``>=`` compare ``data`` and give a bool (not differentiable), and ``bool(v)`` is
    ``bool(v.data)``.  The lecture's (micrograd's) names are read-only views: ``_prev`` (the set
    of parents), ``_op`` (``'+'``, ``'*'``, ``'**2'``, ``'ReLU'`` …) and ``_backward()`` (this
    node's step of BACKWARD), so its ``trace``/``draw_dot`` and manual backprop run unchanged.
    """

    __slots__ = ("data", "grad", "label", "op", "parents", "local_grads", "const")
    # numpy defers to Value's operators instead of broadcasting over an array, so that
    # Value(2.) * np.array([1., 2.]) raises TypeError rather than giving an array of Values.
    __array_ufunc__ = None

    def __init__(self, data: float, label: str = "") -> None:
        self.data = data if type(data) is float else _as_float(data)
        if type(label) is not str:
            raise TypeError(f"Value(label=...) needs a str, got {type(label).__name__}: {label!r}")
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.parents: tuple[Value, ...] = ()
        self.local_grads: tuple = ()
        self.const: float | None = None

    def __repr__(self) -> str:
        return f"Value(data={self.data!r}, grad={self.grad!r}, label={self.label!r})"

    def _repr_html_(self) -> str:
        """Jupyter's view: a compact card with label, data, grad = ∂L/∂v and the op that made v (text escaped)."""
        from html import escape

        made = f"{OPS[self.op].symbol} ({self.op})" if self.op in OPS else "leaf" if self.label else "constant"
        cells = [("data", f"{self.data:.6g}"), ("grad", f"{self.grad:.6g}"), ("op", made)]
        body = "".join(f' <span style="color:#666">{k}</span> {escape(v)}' for k, v in cells)
        style = "display:inline-block; font-family:monospace; border:1px solid #999; border-radius:4px; padding:1px 6px"
        return f'<span class="autograd-core-value" style="{style}"><b>{escape(self.label or "Value")}</b>{body}</span>'

    # ---- graph building: one method per op of the table, made by _binary_method / _unary_method
    __add__, __radd__ = _binary_method(ops.ADD), _binary_method(ops.ADD, reflected=True)
    __sub__, __rsub__ = _binary_method(ops.SUB), _binary_method(ops.SUB, reflected=True)
    __mul__, __rmul__ = _binary_method(ops.MUL), _binary_method(ops.MUL, reflected=True)
    __truediv__, __rtruediv__ = _binary_method(ops.DIV), _binary_method(ops.DIV, reflected=True)

    def __pow__(self, other: Value | float) -> Value:
        """v = selfⁿ for a number n (kept in ``const``), or self ** b with a Value exponent b."""
        t = type(other)
        if t is float or t is int:
            n = float(other)
        elif t is Value:
            return _powv(self, other)
        elif isinstance(other, numbers.Real):
            n = float(other)
        else:
            return NotImplemented
        x = self.data
        v = _pow_forward(x, n)
        out = _node(v, "pow", (self,), _pow_local(x, v, n))
        out.const = n
        return out

    __rpow__ = _binary_method(ops.POWV, reflected=True)

    __neg__ = _unary_method(ops.NEG, "v = −x.")
    __abs__ = _unary_method(ops.ABS, "v = |x|; abs′(0) = 0.")
    exp = _unary_method(ops.EXP, "v = eˣ.")
    log = _unary_method(ops.LOG, "v = ln x, for x > 0.")
    log1p = _unary_method(ops.LOG1P, "v = ln(1 + x), for x > −1; accurate for small x.")
    sqrt = _unary_method(ops.SQRT, "v = √x, for x > 0.")
    tanh = _unary_method(ops.TANH, "v = tanh x.")
    sigmoid = _unary_method(ops.SIGMOID, "v = σ(x) = 1/(1 + e⁻ˣ).")
    relu = _unary_method(ops.RELU, "v = max(0, x); relu′(0) = 0.")
    sin = _unary_method(ops.SIN, "v = sin x.")
    cos = _unary_method(ops.COS, "v = cos x.")
    step = _unary_method(ops.STEP, "Threshold: v = 1 if x ≥ 0 else 0 (0 at nan, as torch.heaviside); derivative 0.")
    sign = _unary_method(ops.SIGN, "v = sign x ∈ {−1, 0, 1} (0 at nan, as torch.sign); derivative 0.")

    # ---- comparisons on data: not differentiable; == stays identity (the graph's dicts need it)
    __lt__, __le__ = _comparison(operator.lt), _comparison(operator.le)
    __gt__, __ge__ = _comparison(operator.gt), _comparison(operator.ge)

    def __bool__(self) -> bool:
        """``bool(v.data)``, as for a one-element PyTorch tensor: ``if loss:`` is False at 0."""
        return bool(self.data)

    # ---- the lecture's names: micrograd's fields, as read-only views of this node ------------
    @property
    def _prev(self) -> set[Value]:
        """The set of parents, as micrograd's ``_prev`` (``parents`` keeps x*x's two edges)."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """micrograd's op string, from the op's row: ``'+'``, ``'*'``, ``'**2'``, ``'ReLU'``; ``''`` for a leaf."""
        if not self.op:
            return ""
        op = OPS[self.op]
        if not op.has_const:
            return op.lecture or op.name
        n = self.const
        return op.lecture.format(n=int(n) if n.is_integer() else n)

    def _backward(self) -> None:
        """This node's step of BACKWARD: each parent's ``grad`` += ``self.grad`` · ∂self/∂parent.

        So the lecture's manual backprop runs: ``o.grad = 1.0; o._backward(); n._backward()`` …
        """
        g = self.grad
        for p, d in zip(self.parents, self.local_grads):
            p.grad += g * d

    # ---- differentiation ----------------------------------------------------------------
    def backward(self, gradient: float = 1.0) -> None:
        """BACKWARD(): fill ``grad`` with ∂L/∂v for every v in this graph, seeded with ∂L/∂self = ``gradient``.

        Leaves accumulate across calls (as in PyTorch); interior nodes show the latest call's.
        ``gradient`` is PyTorch's ``gradient`` (minitorch's ``d_output``): L = gradient · self.
        """
        from .graph import backward

        backward(self, gradient)


def _lift(other: object) -> Value:
    """A plain number on the other side of an operator becomes a constant leaf, one per number.

    Equal constants share one leaf (``constant``), so ``y = y * 0.999`` repeated costs one node
    per step, not two.
    """
    t = type(other)
    if t is float:  # the hot path: no ABC check, no __init__
        return constant(other)
    if t is Value:
        return other
    if t is int:
        return constant(float(other))
    if isinstance(other, numbers.Real):  # bool, numpy scalars, fractions …
        return constant(float(other))
    return NotImplemented  # Python then raises TypeError naming both operand types


_CONSTANTS: dict[float, Value] = {}
_MAX_CONSTANTS = 4096


def constant(c: float) -> Value:
    """The shared constant leaf for the number c (a fresh one for ±0 and nan, whose sign or identity
    a dict key would lose); at most ``_MAX_CONSTANTS`` are kept."""
    if type(c) is not float:
        c = _as_float(c)
    leaf = _CONSTANTS.get(c)
    if leaf is not None and leaf.data == c and not leaf.label:
        return leaf
    leaf = _node(c, "", (), ())
    if c and c == c:
        if len(_CONSTANTS) >= _MAX_CONSTANTS:
            _CONSTANTS.clear()
        _CONSTANTS[c] = leaf
    return leaf


def is_shared_constant(v: Value) -> bool:
    """v is the shared leaf of a number (``constant``): its ``grad`` shows the latest backward's ∂L/∂c,
    since other graphs use it too."""
    return _CONSTANTS.get(v.data) is v


_new = object.__new__
_data = operator.attrgetter("data")
_SEQUENCES = (list, tuple)


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


def _make(op: Op, parents: tuple[Value, ...], const: float | None) -> Value:
    """v = op(*parents[, n]) with its local derivatives, for ops that take a constant n or come by name."""
    xs = list(map(_data, parents))
    extra = () if const is None else (const,)
    v = op.forward(*xs, *extra)
    local = op.local(*xs, v, *extra)
    if type(local) is not tuple or len(local) != len(parents):
        raise TypeError(
            f"{op.name}: its rule local(*inputs, v) must return a tuple of {len(parents)} local derivative(s) "
            f"∂v/∂x_i, got {local!r}"
        )
    out = _node(v, op.name, parents, local)
    out.const = const
    return out


def apply(op: Op | str, *inputs: Value | float, const: float | None = None) -> Value:
    """v = op(*inputs) for any op of the table, by ``Op`` or by name; ``const`` is the n of ops that take one.

    A new ``Op`` must be in the table first (``autograd_core.register(op)``): higher orders,
    ``jvp`` and ``compile`` find a node's rule there by its op name.
    """
    if isinstance(op, str):
        if op not in OPS:
            raise ValueError(f"unknown op {op!r}; the op table has: {', '.join(OPS)}")
        op = OPS[op]
    elif not isinstance(op, Op):
        raise TypeError(f"apply(op, ...) needs an Op or an op name, got {type(op).__name__}")
    elif OPS.get(op.name) is not op:
        # Higher orders, jvp and compile find a node's rule by its op name in OPS: an op not in
        # the table would work once and fail (or, under a taken name, use another rule) later.
        taken = f" (the name {op.name!r} is taken by another row: pick another name)" if op.name in OPS else ""
        raise ValueError(
            f"op {op.name!r} is not in the op table OPS{taken}: register it first with "
            f"autograd_core.register(op) (compile also needs the row's array_forward)"
        )
    if op.arity is None and not inputs:
        raise TypeError(f"{op.name} takes one or more inputs, got none")
    if op.arity is not None and len(inputs) != op.arity:
        raise TypeError(f"{op.name} takes {op.arity} input(s), got {len(inputs)}")
    if op.has_const and const is None:
        raise TypeError(f"{op.name} needs const= (its constant n)")
    if not op.has_const and const is not None:
        raise TypeError(f"{op.name} takes no constant, got const={const!r}")
    parents = tuple(_lift(x) for x in inputs)
    for x, raw in zip(parents, inputs):
        if x is NotImplemented:
            raise TypeError(f"{op.name}: inputs must be Values or real numbers, got {type(raw).__name__}")
    return _make(op, parents, None if const is None else _as_float(const))


def _all_values(xs: object) -> bool:
    return type(xs) in _SEQUENCES and set(map(type, xs)) <= _JUST_VALUE


def _operands(values: object, who: str, what: str) -> tuple[list[Value], bool]:
    """``values`` (a list, tuple or other iterable of Values and numbers) as Values (numbers become
    constants), and whether any of them was a Value."""
    if isinstance(values, (str, bytes, Value, numbers.Real)) or not hasattr(values, "__iter__"):
        raise TypeError(
            f"{who}: {what} must be a list (or other sequence) of Values and numbers, got {type(values).__name__}"
        )
    out, any_value = [], False
    for i, x in enumerate(values):
        if type(x) is Value:
            v, any_value = x, True
        else:
            v = _lift(x)
        if v is NotImplemented:
            raise TypeError(f"{who}: {what}[{i}] must be a Value or a real number, got {type(x).__name__}: {x!r}")
        out.append(v)
    return out, any_value


def _reduce(op: Op, parents: tuple[Value, ...], any_value: bool) -> Value | float:
    """The n-ary node, or, when no input is a Value, the float it would hold (as the free functions)."""
    return _make(op, parents, None) if any_value else op.forward(*(p.data for p in parents))


def sum(values: Iterable[Value | float]) -> Value | float:
    """v = Σ_i x_i as one node with ∂v/∂x_i = 1 (numbers become constants; numbers only: a float).

    Python's builtin ``sum`` over Values still works: it builds the chain (x_1 + x_2) + …
    """
    if _all_values(values) and values:
        return _make(ops.SUM, tuple(values), None)
    xs, any_value = _operands(values, "sum", "values")
    if not xs:
        raise ValueError("sum: values is empty; Σ needs at least one Value or number")
    return _reduce(ops.SUM, tuple(xs), any_value)


def dot(w: Sequence[Value | float], x: Sequence[Value | float], b: Value | float | None = None) -> Value | float:
    """v = Σ_j w_j x_j (+ b) as one node: ∂v/∂w_j = x_j, ∂v/∂x_j = w_j, ∂v/∂b = 1 (numbers become constants;
    numbers only: a float).

    The node's parents are w_1 … w_n, x_1 … x_n and then b, if given (``ops.dot_parts``).
    """
    if type(b) is Value and _all_values(w) and _all_values(x) and len(w) == len(x) and w:
        return _dot_node(tuple(w), tuple(x), tuple([v.data for v in x]), b)  # a neuron's z: training's hot path
    (ws, w_value), (xs, x_value) = _operands(w, "dot", "w"), _operands(x, "dot", "x")
    if len(ws) != len(xs):
        raise ValueError(f"dot: w has {len(ws)} entries but x has {len(xs)}; Σ_j w_j x_j needs one w_j per x_j")
    if not ws:
        raise ValueError("dot: w and x are empty; Σ_j w_j x_j needs at least one pair")
    if b is None:
        return _reduce(ops.DOT, (*ws, *xs), w_value or x_value)
    bias = b if type(b) is Value else _lift(b)
    if bias is NotImplemented:
        raise TypeError(f"dot: b must be a Value, a real number or None, got {type(b).__name__}: {b!r}")
    return _reduce(ops.DOT, (*ws, *xs, bias), w_value or x_value or type(b) is Value)


def matvec(
    W: Sequence[Sequence[Value | float]], x: Sequence[Value | float], b: Sequence[Value | float] | None = None
) -> list:
    """[Σ_j W_kj x_j + b_k for each row k]: one Σ node per row, each as ``dot(W[k], x, b[k])`` (a layer's z).

    The same nodes and numbers as calling ``dot`` row by row; x is checked and read once.
    """
    if type(W) not in _SEQUENCES:
        raise TypeError(f"matvec: W must be a list (or tuple) of rows, got {type(W).__name__}")
    if b is not None and (type(b) not in _SEQUENCES or len(b) != len(W)):
        size = f"{len(b)} entries" if type(b) in _SEQUENCES else f"a {type(b).__name__}"
        raise ValueError(f"matvec: b must be a list with one entry per row of W ({len(W)}), got {size}")
    if not (_all_values(x) and x and (b is None or _all_values(b))):
        return [dot(w, x, None if b is None else b[k]) for k, w in enumerate(W)]
    xt = tuple(x)
    xd, n = tuple([v.data for v in xt]), len(xt)
    out = []
    for k, w in enumerate(W):
        bk = None if b is None else b[k]
        if _all_values(w) and len(w) == n:
            out.append(_dot_node(tuple(w), xt, xd, bk))
        else:
            out.append(dot(w, x, bk))  # numbers, or a wrong length: dot's own error
    return out


def _dot_node(w: tuple, x: tuple, xd: tuple, b: Value | None) -> Value:
    """The Σ node of Values w, x (x's data xd) and b or None: the row's dot_forward and dot_local on the data."""
    wd = tuple([v.data for v in w])
    bd = None if b is None else b.data
    parents = w + x if b is None else (*w, *x, b)
    return _node(ops.dot_forward(wd, xd, bd), "dot", parents, ops.dot_local(wd, xd, bd))


_JUST_VALUE = {Value}
_powv = _binary_method(ops.POWV)  # a ** b with a Value exponent b
_pow_forward, _pow_local = ops.POW.forward, ops.POW.local  # x ** n on the hot path, from the table
