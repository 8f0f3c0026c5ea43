"""gradcheck: reverse mode against central finite differences, aware of kinks."""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from .functional import _output, value_and_grad
from .graph import topological_order
from .ops import OPS
from .value import Value


@dataclass(frozen=True)
class Culprit:
    """A node whose op row's rule disagrees with a central difference of that row's own forward."""

    op: str
    node: Value
    input: int
    """Which input's local derivative ∂v/∂x_input is wrong (from 0)."""
    inputs: tuple[float, ...]
    local: float
    """What the rule gives."""
    numeric: float
    """(forward(…, x + ε, …) − forward(…, x − ε, …)) / 2ε at the node's inputs."""

    def __str__(self) -> str:
        names = _input_names(self.op, len(self.inputs))
        at = ", ".join(f"{n} = {x:.4g}" for n, x in zip(names, self.inputs))
        where = f" (node {self.node.label})" if self.node.label else ""
        return (
            f"the rule of op {self.op!r} is wrong for input {self.input} at {at}{where}: "
            f"local {self.local:.4g} vs numeric {self.numeric:.4g}"
        )


class GradcheckError(AssertionError):
    """Analytic and numeric derivatives disagree; the message is the table of both, and ``culprits``
    the op rules that disagree with their own forward at the nodes of f's graph (``[]``: none does)."""

    def __init__(self, message: str, culprits: list[Culprit] | None = None) -> None:
        super().__init__(message)
        self.culprits = culprits or []


def _input_names(op: str, n: int) -> list[str]:
    """The lecture's names for an op's inputs: x (unary), a, b (binary), x_k (variadic)."""
    return ["x"] if n == 1 else ["a", "b"] if n == 2 else [f"x{k}" for k in range(n)]


def local_culprits(
    root: Value, leaves: list[Value] = (), eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3
) -> list[Culprit]:
    """Every node (on a path from ``leaves``, default all) whose rule disagrees with its row's own forward.

    Each input of each node is moved by ±ε in the row's forward alone; an input within ε of one of
    the row's kinks, or at the edge of its domain, is skipped: there the difference says nothing."""
    order = topological_order(root)
    reached = set(leaves) or set(order)
    found = []
    for v in order:
        if not v.parents or not any(p in reached for p in v.parents):
            continue
        reached.add(v)
        op = OPS.get(v.op)
        if op is None:
            continue
        xs = [p.data for p in v.parents]
        extra = () if v.const is None else (v.const,)
        for j, x in enumerate(xs):
            if any(abs(x - k) <= eps for k in op.kinks):
                continue
            try:
                up = op.forward(*xs[:j], x + eps, *xs[j + 1 :], *extra)
                down = op.forward(*xs[:j], x - eps, *xs[j + 1 :], *extra)
            except (ValueError, ZeroDivisionError, OverflowError):
                continue
            numeric = (up - down) / (2 * eps)
            local = v.local_grads[j]
            if math.isfinite(numeric) and not abs(local - numeric) <= atol + rtol * abs(numeric):
                found.append(Culprit(op.name, v, j, tuple(xs), local, numeric))
    return found


class KinkWarning(UserWarning):
    """An input sits within eps of a kink, so finite differences say nothing there."""


def _evaluate(f: Callable, xs: list[float], kwargs: dict) -> tuple[float, list[Value]]:
    y = _output(f(*[Value(x) for x in xs], **kwargs), f)
    if not isinstance(y, Value):
        return y, []
    return y.data, topological_order(y)


def _kinks_between(f: Callable, center: list[float], i: int, eps: float, kwargs: dict) -> list[str]:
    """The kinks that x_i ± eps reaches: a kinked op whose input moves with x_i and reaches its kink.

    An op whose input does not move with x_i cannot bend f along x_i, even when it sits on its kink.
    """
    runs = []
    for delta in (0.0, eps, -eps):
        xs = list(center)
        xs[i] += delta
        runs.append(_evaluate(f, xs, kwargs)[1])
    found = []
    same_graph = len({len(r) for r in runs}) == 1 and all(
        a.op == b.op and len(a.parents) == len(b.parents) for r in runs[1:] for a, b in zip(runs[0], r)
    )
    for k, node in enumerate(runs[0]):
        op = OPS.get(node.op)
        if op is None or not op.kinks:
            continue
        for j in range(len(node.parents)):  # every input of the op, for a variadic or binary row with kinks
            inputs = [r[k].parents[j].data for r in runs] if same_graph else [node.parents[j].data]
            for c in op.kinks:
                if (min(inputs) < max(inputs) and min(inputs) <= c <= max(inputs)) or (
                    not same_graph and abs(inputs[0] - c) <= eps
                ):
                    where = f" ({node.label})" if node.label else ""
                    found.append(f"{op.name}{where} has input {inputs[0]:.3g}, within eps of its kink at {c:g}")
    return found


def _names(f: Callable, n: int) -> list[str]:
    """The names of f's first n positional parameters (``xs[k]`` for ``*xs``), else ``x[i]``."""
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    names: list[str] = []
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
        elif p.kind is p.VAR_POSITIONAL:
            names += [f"{p.name}[{k}]" for k in range(n - len(names))]
            break
    return names[:n] if len(names) >= n else [f"x[{i}]" for i in range(n)]


def gradcheck(
    f: Callable, *inputs: float | Value, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3, **kwargs: object
) -> bool:
    """Check ∂f/∂x_i from reverse mode against (f(x + εe_i) − f(x − εe_i)) / 2ε for every input.

    Returns True, or raises ``GradcheckError`` with a table of analytic vs numeric partials.
    An input within ``eps`` of a kink (relu, abs, step, sign at 0), where the one-sided slopes
    differ, passes with a ``KinkWarning`` if its analytic partial lies between the two one-sided
    differences (within tolerance), and fails otherwise.  Inputs may be
    numbers or leaf ``Value`` s (their data is used; their labels name the table's rows).  Other
    keyword arguments go to f undifferentiated: ``gradcheck(f, 0.3, scale=2.0)``.
    """
    if not inputs:
        raise ValueError("gradcheck needs at least one input: gradcheck(f, 0.3, -1.1)")
    if not (eps > 0.0 and atol >= 0.0 and rtol >= 0.0):
        raise ValueError(
            f"gradcheck needs eps > 0, atol ≥ 0 and rtol ≥ 0; got eps={eps!r}, atol={atol!r}, rtol={rtol!r}"
        )
    xs = [x.data if isinstance(x, Value) else Value(x).data for x in inputs]
    f0, analytic = value_and_grad(f, argnums=tuple(range(len(xs))))(*xs, **kwargs)
    rows, verdicts, kinks, failed = [], [], [], False
    for i, (x, a) in enumerate(zip(xs, analytic)):
        up, down = list(xs), list(xs)
        up[i] += eps
        down[i] -= eps
        f_up, f_down = _evaluate(f, up, kwargs)[0], _evaluate(f, down, kwargs)[0]
        numeric = (f_up - f_down) / (2 * eps)
        err = abs(a - numeric)
        rows.append((i, x, a, numeric, err, err / max(abs(numeric), 1e-300)))
        if err <= atol + rtol * abs(numeric):
            verdicts.append("ok")
            continue
        found = _kinks_between(f, xs, i, eps, kwargs)
        if not found:
            verdicts.append("MISMATCH")
            failed = True
            continue
        # At a kink the central difference averages two slopes; the analytic value (one of the
        # one-sided derivatives, or a convention between them) must lie between them.
        lo, hi = sorted(((f0 - f_down) / eps, (f_up - f0) / eps))
        inside = lo - (atol + rtol * abs(lo)) <= a <= hi + (atol + rtol * abs(hi))
        verdicts.append(f"kink: {'within' if inside else 'outside'} one-sided slopes [{lo:.6g}, {hi:.6g}]")
        if inside:
            kinks.append((i, found, lo, hi))
        else:
            failed = True
    names = [x.label if isinstance(x, Value) and x.label else name for x, name in zip(inputs, _names(f, len(xs)))]
    for i, found, lo, hi in kinks:
        warnings.warn(
            KinkWarning(
                f"gradcheck: {names[i]} = {xs[i]!r} is at a kink: {'; '.join(found)}; central "
                f"differences are meaningless there, so the analytic {analytic[i]:.6g} was only checked "
                f"to lie between the one-sided slopes [{lo:.6g}, {hi:.6g}]"
            ),
            stacklevel=2,
        )
    if failed:
        header = f"{'input':>10} {'value':>12} {'analytic':>14} {'numeric':>14} {'abs err':>10} {'rel err':>10}"
        lines = [
            f"{names[i]:>10} {x:>12.6g} {a:>14.8g} {n:>14.8g} {e:>10.2e} {r:>10.2e}  {verdict}"
            for (i, x, a, n, e, r), verdict in zip(rows, verdicts)
        ]
        leaves = [Value(x) for x in xs]
        y = _output(f(*leaves), f)
        bad = [leaves[i] for (i, *_), verdict in zip(rows, verdicts) if verdict != "ok"]
        culprits = local_culprits(y, bad, eps, atol, rtol) if isinstance(y, Value) else []
        if culprits:
            shown = list(dict.fromkeys(str(c) for c in culprits))
            more = f" (and {len(shown) - 3} more)" if len(shown) > 3 else ""
            blame = "; ".join(shown[:3]) + more
        else:
            blame = (
                "every op's rule agrees with its own forward at its node's inputs, so the mismatch comes "
                "from f itself (a number taken out of the graph with .data or float(), or a kink)"
            )
        raise GradcheckError(
            f"gradcheck failed: {blame}; reverse-mode and central-difference derivatives disagree "
            f"(eps={eps:g}, atol={atol:g}, rtol={rtol:g})\n" + "\n".join([header, *lines]),
            culprits,
        )
    return True
