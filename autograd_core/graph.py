"""Walking the graph without recursion: topological order, BACKWARD() and forward mode."""

from __future__ import annotations

import numbers
from collections import deque

from .ops import OPS
from .value import Value, is_shared_constant


def count_children(root: Value) -> dict[Value, int]:
    """For every node below ``root``: how many edges lead from it to a child (``x*x`` counts 2)."""
    count: dict[Value, int] = {root: 0}
    stack = [root]
    while stack:
        for p in stack.pop().parents:
            c = count.get(p)
            if c is None:
                count[p] = 1
                stack.append(p)
            else:
                count[p] = c + 1
    return count


def _interior_order(root: Value) -> list[Value]:
    """The nodes with parents, from ``root`` down, each after all of its children (Kahn's walk).

    Ready nodes wait in a queue (first in, first out), so the walk goes level by level: in an
    MLP, the output layer's nodes, then the layer below, rather than diving into one neuron.
    Leaves are skipped: they have no parents to wait for or to send to.
    """
    if not root.parents:
        return []
    pending = {root: 0}
    stack = [root]
    while stack:  # count each interior node's children
        for p in stack.pop().parents:
            if p.parents:
                c = pending.get(p)
                if c is None:
                    pending[p] = 1
                    stack.append(p)
                else:
                    pending[p] = c + 1
    order = []
    ready = deque([root])
    while ready:
        v = ready.popleft()
        order.append(v)
        for p in v.parents:
            if p.parents:
                n = pending[p] - 1
                pending[p] = n
                if n == 0:
                    ready.append(p)
    return order


def reverse_topological_order(root: Value) -> list[Value]:
    """Nodes from ``root`` down, each after all of its children: the order BACKWARD() visits them.

    The interior nodes level by level (``_interior_order``), then the leaves, each in the order
    its last child was visited (a leaf has no parents to send to: its sum is complete then).
    """
    order = _interior_order(root)
    leaves: dict[Value, None] = {}
    for v in order:
        for p in v.parents:
            if not p.parents:
                leaves.pop(p, None)  # moved to the end: ordered by its last child
                leaves[p] = None
    return [*order, *leaves] if order else [root]


def topological_order(root: Value) -> list[Value]:
    """Nodes up to ``root``: each comes after all of its parents (the order of FORWARD())."""
    order = reverse_topological_order(root)
    order.reverse()
    return order


def symbolic_local_grads(v: Value) -> tuple:
    """∂v/∂v_i as ``Value`` s (graphs of their own), by applying the op table's rule to Values."""
    rule = OPS[v.op].local
    if v.const is None:
        return rule(*v.parents, v)
    return rule(*v.parents, v, v.const)


def _is_zero(d: object) -> bool:
    """d is the number 0 (not a Value, whose graph may still be differentiated).

    A message ∂L/∂v_j · ∂v_j/∂v_i with a zero factor is 0 whatever the other: an overflowed
    factor (1/x at x = 5e-324 is inf) must not turn a zero gradient into nan.
    """
    return type(d) is not Value and d == 0.0


def gradients(root: Value, create_graph: bool = False, *, seed: float = 1.0) -> dict[Value, float | Value]:
    """BACKWARD(): ∂L/∂v_i = Σ_j ∂L/∂v_j · ∂v_j/∂v_i (j over the children of v_i) for every v_i below L = root.

    Nodes are visited in ``reverse_topological_order``, so each child has sent its message
    ∂L/∂v_j · ∂v_j/∂v_i before its parent's sum is read.  A message with a zero factor is 0,
    whatever the other (inf · 0 would be nan).  With ``create_graph`` the sums are built from
    Values, so they can be differentiated again.  The ``grad`` fields are not touched.
    """
    check_root(root, "gradients")
    grads: dict[Value, float | Value] = {root: seed}  # ∂L/∂L = 1 (or the seed of L = seed · root)
    for v in _interior_order(root):  # then the leaves, which send nothing
        g = grads[v]
        local = symbolic_local_grads(v) if create_graph else v.local_grads
        zero = not (g or type(g) is Value)  # the number 0: a Value stays, its graph may be differentiated
        for p, d in zip(v.parents, local):
            if zero or not (d or type(d) is Value):
                grads.setdefault(p, 0.0)
            else:
                s = grads.get(p)
                grads[p] = g * d if s is None else s + g * d
    return grads


def check_root(root: object, who: str) -> None:
    """``root`` must be one Value L: a list of outputs (a model's, or several losses) must be reduced first."""
    if type(root) is Value:
        return
    if isinstance(root, (list, tuple)):
        raise TypeError(
            f"{who} needs one Value L, got a {type(root).__name__} of {len(root)}; reduce it to one Value "
            "first, e.g. autograd_core.sum(outputs) or a loss"
        )
    raise TypeError(f"{who} needs a Value, got {type(root).__name__}: {root!r:.60}")


def backward(root: Value, gradient: float = 1.0) -> None:
    """Set ``v.grad = ∂L/∂v`` on every interior node and shared constant; add it to every other leaf's ``grad``.

    L = gradient · root (``gradient`` seeds ∂L/∂root, as PyTorch's ``backward(gradient)``).  The sums
    are those of ``gradients`` (the one BACKWARD loop); leaves accumulate across calls, as in
    PyTorch, interior nodes show the latest call's.
    """
    check_root(root, "backward")
    if type(gradient) is not float:
        if isinstance(gradient, Value) or not isinstance(gradient, numbers.Real):
            raise TypeError(f"backward(gradient) needs a number ∂L/∂root, got {type(gradient).__name__}")
        gradient = float(gradient)
    for v, g in gradients(root, seed=gradient).items():
        if v.parents or is_shared_constant(v):
            v.grad = g
        else:
            v.grad += g


def push_tangents(root: Value, seeds: dict[Value, float | Value], create_graph: bool = False) -> dict:
    """Forward mode: v̇_j = Σ_i ∂v_j/∂v_i · v̇_i, pushed from the seeded nodes up to ``root``.

    A seeded node takes its seed whatever its parents; other leaves have v̇ = 0.  With
    ``create_graph`` the tangents are built from Values, so they can be differentiated again.
    """
    dot: dict[Value, float | Value] = {}
    for v in topological_order(root):
        if v in seeds:
            dot[v] = seeds[v]
        elif v.parents:
            local = symbolic_local_grads(v) if create_graph else v.local_grads
            terms = [d * dot[p] for p, d in zip(v.parents, local) if not (_is_zero(d) or _is_zero(dot[p]))]
            dot[v] = sum(terms[1:], terms[0]) if terms else 0.0
        else:
            dot[v] = 0.0
    return dot
