"""backward_steps: BACKWARD() as the lecture's message passing, one step per node, as data."""

from __future__ import annotations

from dataclasses import dataclass

from autograd_core import Value, reverse_topological_order, topological_order

from .names import node_names


@dataclass(frozen=True)
class Message:
    """What child v_j sends to v_i = child.parents[position]: ∂L/∂v_j · ∂v_j/∂v_i."""

    child: Value
    position: int
    upstream: float
    local: float
    product: float


@dataclass(frozen=True)
class Step:
    """v_i's turn: ∂L/∂v_i = Σ_j (messages) — or 1 for v_i = L itself."""

    node: Value
    messages: tuple[Message, ...]
    grad: float
    name: str = ""  # v_i's name in the pictures and the stepper (``viz.names``): its label, w·x, or v{k}


def backward_steps(root: Value) -> list[Step]:
    """∂L/∂v_i = Σ_j ∂L/∂v_j · ∂v_j/∂v_i for each v_i in reverse topological order (L = ``root``).

    Each child v_j has finished its step before any parent's, so every sum is complete; an edge
    used twice (``x*x``) sends two messages.  Reads only ``data``-time fields (``parents``,
    ``local_grads``): the ``grad`` fields are not read or touched.
    """
    inbox: dict[Value, list[Message]] = {}
    names = node_names(topological_order(root))
    steps = []
    for v in reverse_topological_order(root):
        messages = tuple(inbox.pop(v, ()))
        grad = 1.0 if v is root else sum(m.product for m in messages)
        steps.append(Step(v, messages, grad, names[v]))
        for i, (p, d) in enumerate(zip(v.parents, v.local_grads)):
            inbox.setdefault(p, []).append(Message(v, i, grad, d, grad * d))
    return steps
