"""explain: ∂L/∂w as the chain rule's sum over paths, Σ_paths Π_edges ∂v_j/∂v_i, with the numbers filled in.

Every path from w up to L contributes the product of the local derivatives on its edges; ∂L/∂w is
their sum.  Paths multiply in deep graphs, so past ``max_paths`` they are grouped as BACKWARD sums
them: by the child v_j of w they go through first, ∂L/∂w = Σ_j ∂L/∂v_j · ∂v_j/∂w.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from autograd_core import Value, gradients, topological_order

from .dot import Digraph, draw_graph, fmt, node_names
from .marks import marked, path_styles
from .stepper import in_fraction
from .texts import latex_name, latex_number, markdown_text, minus

MAX_PATHS = 64
"""Above this many paths from w to L, ``explain`` groups them by w's first child instead of listing them."""


@dataclass(frozen=True)
class Path:
    """One path w = v_0 → v_1 → … → v_k = L and the product Π_t ∂v_{t+1}/∂v_t of its local derivatives."""

    nodes: tuple[Value, ...]
    """From w up to L."""
    positions: tuple[int, ...]
    """``nodes[t]`` is ``nodes[t + 1].parents[positions[t]]`` (``x*x`` has two edges from x)."""
    locals: tuple[float, ...]
    """∂v_{t+1}/∂v_t, the local derivative on each edge, from w upwards."""
    product: float


@dataclass(frozen=True)
class Group:
    """The paths leaving w by one edge into its child v_j: together they give ∂L/∂v_j · ∂v_j/∂w."""

    child: Value
    position: int
    local: float
    """∂v_j/∂w on the edge."""
    upstream: float
    """∂L/∂v_j from BACKWARD: the sum over every path from v_j to L."""
    count: int
    """How many paths from w to L go through this edge."""
    paths: tuple[Path, ...]
    """Those paths when there are few enough to list, else ()."""

    @property
    def product(self) -> float:
        """∂L/∂v_j · ∂v_j/∂w: BACKWARD's message from v_j to w."""
        return self.upstream * self.local


def _find(root: Value, wrt: Value | str, order: list[Value]) -> Value:
    if isinstance(wrt, Value):
        if wrt not in set(order):
            raise ValueError(
                f"explain: {wrt.label or 'the Value given as wrt'} is not in the graph below "
                f"{root.label or 'L'}: pass a node L was computed from"
            )
        return wrt
    if not isinstance(wrt, str):
        raise TypeError(f"explain(L, wrt) needs wrt as a Value or a node's label, got {type(wrt).__name__}")
    found = [v for v in order if v.label == wrt]
    if len(found) != 1:
        labels = ", ".join(sorted({v.label for v in order if v.label}))
        why = "no node" if not found else f"{len(found)} nodes"
        raise ValueError(
            f"explain: {why} labelled {wrt!r} below {root.label or 'L'} (labels: {labels}); pass the Value itself"
        )
    return found[0]


class Explanation:
    """∂L/∂w = Σ over paths of Π local derivatives: ``.paths`` (or ``.groups`` past ``max_paths``), ``.total``.

    Shows itself as Markdown and LaTeX in notebooks; ``str()`` is the one-line sum; ``draw(k)``
    highlights path k in the graph.
    """

    def __init__(
        self, root: Value, wrt: Value | str, max_paths: int = MAX_PATHS, merge_unlabelled: bool | None = None
    ) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"explain(L, wrt) needs L as a Value, got {type(root).__name__}")
        if type(max_paths) is not int or max_paths < 1:
            raise ValueError(f"explain: max_paths must be a positive int, got {max_paths!r}")
        self.root, self.max_paths = root, max_paths
        order = topological_order(root)
        self.wrt = wrt = _find(root, wrt, order)
        self.names = node_names(order)
        self.index = {v: k for k, v in enumerate(order)}
        # the part of the graph on some path from w to L: what w reaches, going up
        reached = {wrt}
        children: dict[Value, list[tuple[Value, int]]] = {}
        for v in order[self.index[wrt] + 1 :]:
            for i, p in enumerate(v.parents):
                if p in reached:
                    reached.add(v)
                    children.setdefault(p, []).append((v, i))
        self.children = children
        self.counts = counts = {root: 1}  # paths from each node up to L, children before parents
        for v in reversed(order[self.index[wrt] :]):
            if v is not root and v in reached:
                counts[v] = sum(counts[c] for c, _ in children.get(v, ()))
        self.count = counts[wrt]
        if merge_unlabelled is None:  # the user named the nodes to show: the lecture's coarse graph
            merge_unlabelled = any(v.label and v.parents for v in order if v is not root)
        self.shown = {v for v in reached if v.label or not merge_unlabelled} | {wrt, root}
        self.backward = gradients(root).get(wrt, 0.0)
        if self.count <= max_paths:
            self.paths, self.groups = self._enumerate(wrt), ()
            self.total = math.fsum(p.product for p in self.paths)
        else:
            self.paths, self.groups = (), self._group()
            self.total = self.backward

    @property
    def grouped(self) -> bool:
        """True when there were more than ``max_paths`` paths, so ``groups`` holds them."""
        return bool(self.groups)

    def _enumerate(self, start: Value) -> tuple[Path, ...]:
        """Every path from ``start`` up to L, depth first without recursion, in the order of L's formula.

        A partial path is a linked list (node, position, rest), so a path a million edges long costs
        a million steps, not a million copies."""
        if start is self.root:
            return (Path((start,), (), (), 1.0),)
        paths, stack = [], [(start, None)]
        while stack:
            node, link = stack.pop()
            for c, i in self.children.get(node, ()):
                step = (c, (i, link, node))
                if c is self.root:
                    paths.append(self._path(start, step))
                else:
                    stack.append(step)
        # read from L down, the inputs of each node in order: L's first input's paths come first
        paths.sort(key=lambda p: p.positions[::-1])
        return tuple(paths)

    @staticmethod
    def _path(start: Value, step: tuple) -> Path:
        nodes, positions = [step[0]], []
        link = step[1]
        while link is not None:
            i, link, node = link
            positions.append(i)
            nodes.append(node)
        nodes.reverse()
        positions.reverse()
        local = tuple(c.local_grads[i] for c, i in zip(nodes[1:], positions))
        return Path(tuple(nodes), tuple(positions), local, math.prod(local))

    def _group(self) -> tuple[Group, ...]:
        grads = gradients(self.root)
        budget, groups = self.max_paths, []
        for c, i in self.children.get(self.wrt, ()):
            n = self.counts[c]
            listed = ()
            if n <= budget:
                listed = tuple(
                    Path(
                        (self.wrt, *p.nodes),
                        (i, *p.positions),
                        (c.local_grads[i], *p.locals),
                        c.local_grads[i] * p.product,
                    )
                    for p in self._enumerate(c)
                )
                budget -= n
            groups.append(Group(c, i, c.local_grads[i], grads[c], n, listed))
        return tuple(groups)

    # ---- the factors of a path in the lecture's notation ----------------------------------------
    def factors(self, path: Path) -> list[tuple[Value, Value, float]]:
        """(upper, lower, ∂upper/∂lower) from L down to w; unshown (unlabelled) nodes merge into one factor."""
        out, low, value = [], path.nodes[0], 1.0
        for node, d in zip(path.nodes[1:], path.locals):
            value *= d
            if node in self.shown:
                out.append((node, low, value))
                low, value = node, 1.0
        out.reverse()
        return out

    def _name(self, v: Value) -> str:
        return in_fraction(self.names[v])

    def _symbolic(self, path: Path) -> str:
        if len(path.nodes) == 1:
            return "1"
        return "·".join(f"∂{self._name(a)}/∂{self._name(b)}" for a, b, _ in self.factors(path))

    def _numbers(self, path: Path) -> str:
        if len(path.nodes) == 1:
            return "(1)"
        return "".join(f"({minus(fmt(d))})" for _, _, d in self.factors(path))

    def _route(self, path: Path) -> str:
        steps = [self.names[path.nodes[0]]]
        for node, i in zip(path.nodes[1:], path.positions):
            slot = f" (input {i + 1})" if node.parents.count(node.parents[i]) > 1 else ""
            steps.append(f"{self.names[node]}{slot}")
        return " → ".join(steps)

    def _head(self) -> str:
        return f"∂{self._name(self.root)}/∂{self._name(self.wrt)}"

    def __str__(self) -> str:
        if self.grouped:
            terms = " + ".join(
                f"∂{self._name(self.root)}/∂{self._name(g.child)}·∂{self._name(g.child)}/∂{self._name(self.wrt)}"
                for g in self.groups[:8]
            )
            more = " + …" if len(self.groups) > 8 else ""
            return f"{self._head()} = {terms}{more} = {minus(fmt(self.total))} (over {self.count} paths, grouped)"
        symbols = " + ".join(self._symbolic(p) for p in self.paths)
        numbers = " + ".join(self._numbers(p) for p in self.paths)
        return f"{self._head()} = {symbols} = {numbers} = {minus(fmt(self.total))}"

    def __repr__(self) -> str:
        return f"<Explanation {self} >"

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_latex_(self) -> str:
        return self.to_latex()

    def to_markdown(self) -> str:
        """The sum as a Markdown table: one row per path (or per group past ``max_paths``)."""
        head, root, wrt = (markdown_text(t) for t in (self._head(), self._name(self.root), self._name(self.wrt)))
        check = f"BACKWARD gives {minus(fmt(self.backward))}"
        if not self.grouped:
            n = len(self.paths)
            lines = [
                f"**{head} = {minus(fmt(self.total))}**: the sum over the {n} path{'s' * (n != 1)} from {wrt} "
                f"up to {root} of the product of the local derivatives on each path's edges ({check}).",
                "",
                "| # | path | factors | numbers | product |",
                "|---|---|---|---|---|",
            ]
            for k, p in enumerate(self.paths, 1):
                lines.append(
                    f"| {k} | {markdown_text(self._route(p))} | {markdown_text(self._symbolic(p))} | "
                    f"{markdown_text(self._numbers(p))} | {minus(fmt(p.product))} |"
                )
            lines += ["", markdown_text(str(self))]
            return "\n".join(lines)
        lines = [
            f"**{head} = {minus(fmt(self.total))}** ({check}). There are {self.count:,} paths from {wrt} up to "
            f"{root}, more than max_paths = {self.max_paths}, so they are grouped as BACKWARD sums them: by "
            f"the child v_j of {wrt} each path goes through first, {head} = Σ_j ∂{root}/∂v_j · ∂v_j/∂{wrt}.",
            "",
            "| child v_j | paths through it | ∂v_j/∂" + wrt + " | ∂" + root + "/∂v_j | product |",
            "|---|---|---|---|---|",
        ]
        for g in self.groups:
            lines.append(
                f"| {markdown_text(self.names[g.child])} | {g.count:,} | {minus(fmt(g.local))} | "
                f"{minus(fmt(g.upstream))} | {minus(fmt(g.product))} |"
            )
        return "\n".join(lines)

    def to_latex(self) -> str:
        """The sum in LaTeX (``aligned``, standard macros only), symbols first, then numbers, then the total."""
        head = self._frac(self.root, self.wrt)
        total = latex_number(self.total)
        if self.grouped:
            terms = " + ".join(self._frac(self.root, g.child) + self._frac(g.child, self.wrt) for g in self.groups[:8])
            numbers = " + ".join(f"({latex_number(g.upstream)})({latex_number(g.local)})" for g in self.groups[:8])
            more = r" + \cdots" if len(self.groups) > 8 else ""
            note = rf"\text{{({self.count} paths, grouped by the first child)}}"
            rows = [rf"{head} &= {terms}{more}", rf"&= {numbers}{more}", rf"&= {total} \quad {note}"]
        else:
            symbols = [" ".join(self._frac(a, b) for a, b, _ in self.factors(p)) or "1" for p in self.paths]
            numbers = ["".join(f"({latex_number(d)})" for _, _, d in self.factors(p)) or "(1)" for p in self.paths]
            if len(self.paths) <= 3:
                rows = [rf"{head} &= {' + '.join(symbols)}", rf"&= {' + '.join(numbers)}", rf"&= {total}"]
            else:  # one path per row
                rows = [rf"{head} &= {symbols[0]} && = {numbers[0]}"]
                rows += [rf"&\quad + {s} && = {n}" for s, n in zip(symbols[1:], numbers[1:])]
                rows.append(rf"&= {total}")
        return "$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"

    def _frac(self, top: Value, bottom: Value) -> str:
        return rf"\frac{{\partial {latex_name(self.names[top])}}}{{\partial {latex_name(self.names[bottom])}}}"

    def draw(self, k: int = 0, **options: object) -> Digraph:
        """The graph (``draw_graph(L, **options)``) with path k drawn thick in red."""
        if self.grouped:
            listed = [p for g in self.groups for p in g.paths]
        else:
            listed = list(self.paths)
        if type(k) is not int or not -len(listed) <= k < len(listed):
            raise IndexError(
                f"explain: path {k!r} out of range, there are {len(listed)} listed paths (0 … {len(listed) - 1})"
            )
        path = listed[k]
        ids = [f"v{self.index[v]}" for v in path.nodes]
        for node, i in zip(path.nodes[1:], path.positions):
            j = self.index[node]
            ids += [f"o{j}", f"e{j}_{i}", f"r{j}"]
        return marked(draw_graph(self.root, **options), path_styles(ids))


def explain(
    L: Value, wrt: Value | str, max_paths: int = MAX_PATHS, merge_unlabelled: bool | None = None
) -> Explanation:
    """∂L/∂w as the sum over every path from w to L of the product of the local derivatives on its edges.

    ``wrt`` is a node below L (a Value, or its label).  Beyond ``max_paths`` paths they are grouped
    by w's first child (∂L/∂w = Σ_j ∂L/∂v_j · ∂v_j/∂w, BACKWARD's own sum) instead of listed.
    ``merge_unlabelled``: factors only between labelled nodes (the lecture's coarse graph), an
    unlabelled node's local derivative multiplying into the factor across it; by default on when
    some interior node has a label.
    """
    return Explanation(L, wrt, max_paths, merge_unlabelled)
