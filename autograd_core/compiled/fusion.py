"""Grouping: which nodes run together, and which become one Σ.

Nodes of one topological level that apply the same op to inputs of the same kinds form one group.
Σ nodes are gathered as Σ_k w_k·x_k + Σ_m t_m (a shared w times a per-sample x, plus terms): a
``dot`` node whose weights are shared and inputs per sample (a neuron), a ``sum`` node, and a chain
of single-use + (whose single-use products w·x are absorbed) as the interpreted graph of a neuron
written with + and × has.  A Σ group is then one matrix product and one reduction.
"""

from __future__ import annotations

from typing import NamedTuple

from ..ops import dot_parts
from ..value import Value
from .layout import BATCHED, UNIFORM

SIGMA = "Σ w·x + t"
"""The op of a Σ group's key (no op of the table has this name)."""


class GroupKey(NamedTuple):
    """What the nodes of one group share."""

    level: int  # 1 + the highest level of their inputs (leaves are level 0)
    op: str  # the op's name, or SIGMA
    const: float | None  # the n of x ** n
    kinds: tuple  # each input's store; for SIGMA (products, batched terms, shared terms, the x's store)
    out_kind: int  # BATCHED if any input is per sample


class SumMember(NamedTuple):
    """One Σ node: v = Σ_k w_k·x_k + Σ t_b + Σ t_u."""

    node: Value
    pairs: list  # (w, x): w shared, x per sample (or every w and x shared)
    batched_terms: list
    uniform_terms: list


def _weight_times_input(a: Value, b: Value, kind: dict) -> tuple | None:
    """(w, x) for a product of a shared w and a per-sample x, else None (w·x = x·w exactly)."""
    if kind[a] == UNIFORM and kind[b] == BATCHED:
        return a, b
    if kind[a] == BATCHED and kind[b] == UNIFORM:
        return b, a
    return None


def _chain_terms(v: Value, absorbed: set) -> list:
    """The terms of the + chain below v, left to right, through the adds absorbed into it."""
    terms, stack = [], [v]
    while stack:
        t = stack.pop()
        if t is v or (t.op == "add" and t in absorbed):
            stack.extend(reversed(t.parents))
        else:
            terms.append(t)
    return terms


def _sum_member(v: Value, absorbed: set, kind: dict) -> SumMember | None:
    """v as a Σ node, or None when it is not one (a dot whose products are not shared·per-sample)."""
    if v.op == "dot":
        w, x, b = dot_parts(v.parents)
        if all(kind[u] == UNIFORM for u in (*w, *x)):
            pairs = list(zip(w, x))  # shared by the whole batch: one Σ w·x computed once
        else:
            pairs = [_weight_times_input(wk, xk, kind) for wk, xk in zip(w, x)]
        if any(p is None for p in pairs):
            return None
        rest = [] if b is None else [b]
    elif v.op == "sum":
        pairs, rest = [], list(v.parents)
    else:  # a + chain
        terms = _chain_terms(v, absorbed)
        pairs = [_weight_times_input(*t.parents, kind) for t in terms if t in absorbed]
        rest = [t for t in terms if t not in absorbed]
    batched = [t for t in rest if kind[t] == BATCHED]
    return SumMember(v, pairs, batched, [t for t in rest if kind[t] == UNIFORM])


def group_nodes(order: list[Value], outs: list[Value], children: dict, kind: dict) -> dict[GroupKey, list]:
    """Interior nodes by group, in topological order; fills ``kind`` (leaves' given) for every node."""
    is_out = set(outs)
    only_child: dict[Value, Value] = {}
    for v in order:
        for p in v.parents:
            only_child[p] = v  # read only for nodes with one child

    def inside_chain(p: Value) -> bool:
        return children[p] == 1 and p not in is_out and only_child[p].op == "add"

    level: dict[Value, int] = {}
    absorbed: set[Value] = set()
    groups: dict[GroupKey, list] = {}
    for v in order:
        if not v.parents:
            level[v] = 0
            continue
        if v.op == "add" and inside_chain(v):
            absorbed.add(v)
            continue
        if v.op == "mul" and inside_chain(v) and _weight_times_input(*v.parents, kind) is not None:
            absorbed.add(v)
            continue
        member = _sum_member(v, absorbed, kind) if v.op in ("add", "sum", "dot") else None
        if member is not None:
            inputs = [u for pair in member.pairs for u in pair] + member.batched_terms + member.uniform_terms
            x_kind = kind[member.pairs[0][1]] if member.pairs else BATCHED
            k = BATCHED if (x_kind == BATCHED and member.pairs) or member.batched_terms else UNIFORM
            shape = (len(member.pairs), len(member.batched_terms), len(member.uniform_terms), x_kind)
            key = GroupKey(1 + max(level[u] for u in inputs), SIGMA, None, shape, k)
        else:
            kinds = tuple(kind[p] for p in v.parents)
            key = GroupKey(1 + max(level[p] for p in v.parents), v.op, v.const, kinds, max(kinds))
            member = v
        groups.setdefault(key, []).append(member)
        level[v], kind[v] = key.level, key.out_kind
    return groups
