"""Walking the graph without recursion: topological order, BACKWARD() and forward mode."""

from __future__ import annotations

import numbers
from collections import deque

from .ops import OPS
from .value import Value


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


def reverse_topological_order(root: Value) -> list[Value]:
    """Nodes from ``root`` down: each comes after all of its children (the order of BACKWARD()).

    Ready nodes wait in a queue (first in, first out), so the walk goes level by level: in an
    MLP, the output layer's nodes, then the layer below, rather than diving into one neuron.
    """
    pending = count_children(root)
    order = []
    ready = deque([root])
    while ready:
        v = ready.popleft()
        order.append(v)
        for p in v.parents:
            n = pending[p] - 1
            pending[p] = n
            if n == 0:
                ready.append(p)
    return order


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


def gradients(root: Value, create_graph: bool = False) -> dict[Value, float | Value]:
    """∂L/∂v_i = Σ_j ∂L/∂v_j · ∂v_j/∂v_i (j over the children of v_i) for every v_i below L = root.

    A node is visited once every child has sent its message, so its sum is then complete.
    With ``create_graph`` the sums are built from Values, so they can be differentiated again.
    The ``grad`` fields are not touched.
    """
    check_root(root, "gradients")
    pending = count_children(root)
    grads: dict[Value, float | Value] = {root: 1.0}
    ready = [root]
    while ready:
        v = ready.pop()
        g = grads[v]
        local = symbolic_local_grads(v) if create_graph and v.parents else v.local_grads
        for p, d in zip(v.parents, local):
            if _is_zero(d) or _is_zero(g):  # a zero factor sends 0, whatever the other (inf · 0 would be nan)
                grads.setdefault(p, 0.0)
            else:
                message = g * d
                grads[p] = grads[p] + message if p in grads else message
            n = pending[p] - 1
            pending[p] = n
            if n == 0:
                ready.append(p)
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
    """Set ``v.grad = ∂L/∂v`` on every interior node; add it to every leaf's ``grad``.

    L = gradient · root (``gradient`` seeds ∂L/∂root, as PyTorch's ``backward(gradient)``).  The same
    sums as ``gradients``, ∂L/∂v_i = Σ_j ∂L/∂v_j · ∂v_j/∂v_i, accumulated in the interior nodes' own
    ``grad`` fields (cleared first) rather than a dict: the hot loop of training.
    """
    check_root(root, "backward")
    if type(gradient) is not float:
        if isinstance(gradient, Value) or not isinstance(gradient, numbers.Real):
            raise TypeError(f"backward(gradient) needs a number ∂L/∂root, got {type(gradient).__name__}")
        gradient = float(gradient)
    if not root.parents:
        root.grad += gradient
        return
    # One walk counts each interior node's children and clears its grad.
    pending = {root: 0}
    stack = [root]
    while stack:
        for p in stack.pop().parents:
            if p.parents:
                c = pending.get(p)
                if c is None:
                    pending[p] = 1
                    p.grad = 0.0
                    stack.append(p)
                else:
                    pending[p] = c + 1
    root.grad = gradient
    leaves: dict[Value, float] = {}  # a leaf's messages are summed, then added to what it had
    ready = [root]
    while ready:
        v = ready.pop()
        g = v.grad
        for p, d in zip(v.parents, v.local_grads):
            if p.parents:
                if d and g:  # a zero factor sends 0, whatever the other (inf · 0 would be nan)
                    p.grad += g * d
                n = pending[p] - 1
                pending[p] = n
                if n == 0:
                    ready.append(p)
            else:
                m = g * d if d and g else 0.0
                leaves[p] = leaves[p] + m if p in leaves else m
    for p, g in leaves.items():
        p.grad += g


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
