"""exercise: backprop by hand.  A worksheet with every ∂L/∂v blank, and a check that says why an answer is wrong.

A wrong ∂L/∂v_i = Σ_j ∂L/∂v_j · ∂v_j/∂v_i has one of three causes in the lecture's terms: a child v_j
left out of the sum (a missed child), a wrong local derivative ∂v_j/∂v_i on one edge, or a wrong
∂L/∂v_j further up carried down correctly.  ``check`` tries each against the student's own numbers.
"""

from __future__ import annotations

import html
import itertools
import math
import os
import random
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from autograd_core import OPS, Value, apply, gradients, reverse_topological_order, topological_order

from .dot import Digraph, dot_text, draw_graph, expression, fmt, node_names
from .marks import marked
from .renderer import RendererNotFound, render_source, write
from .stepper import in_fraction
from .texts import markdown_text, minus

RTOL = 1e-2
"""An answer is right when within 1% of BACKWARD's value (hand arithmetic rounds) …"""
ATOL = 1e-3
"""… or within 0.001 of it (for values near 0)."""

BLANK = "______"


def close(answer: float, expected: float, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """|answer − expected| ≤ atol + rtol·|expected|: the tolerance of a right answer."""
    return abs(answer - expected) <= atol + rtol * abs(expected)


@dataclass(frozen=True)
class Diagnosis:
    """Why an answer is wrong: ``kind`` is "missed child", "wrong local derivative", "upstream error"
    or "unexplained"; ``edges`` the (child, position) edges it names; ``text`` says it in the lecture's terms."""

    kind: str
    edges: tuple[tuple[Value, int], ...]
    text: str


@dataclass(frozen=True)
class Row:
    """One node of the worksheet as checked: the student's ``answer`` (None if not given) and the verdict."""

    node: Value
    name: str
    answer: float | None
    expected: float
    verdict: str
    """"right", "wrong" or "missing"."""
    diagnosis: Diagnosis | None


def _regenerated(root: Value, seed: int) -> tuple[Value, dict[Value, Value]]:
    """The same graph with new numbers on its labelled leaves (one decimal in [−2, 2], not 0), drawn by ``seed``.

    Draws again while an op's input falls outside its domain, on a kink, or a number is not finite."""
    rng = random.Random(seed)
    order = topological_order(root)
    for _ in range(200):
        copy: dict[Value, Value] = {}
        try:
            for v in order:
                if not v.parents:
                    data = v.data if not v.label else rng.choice([-1, 1]) * rng.randint(1, 20) / 10
                    copy[v] = Value(data, v.label)
                    continue
                inputs = [copy[p] for p in v.parents]
                if any(p.data in OPS[v.op].kinks for p in inputs):
                    raise ValueError("on a kink")
                copy[v] = apply(OPS[v.op], *inputs, const=v.const)
                copy[v].label = v.label
                if not math.isfinite(copy[v].data):
                    raise ValueError("not finite")
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        return copy[root], copy
    raise ValueError(f"exercise: no numbers found for seed {seed} that keep every op inside its domain")


class Exercise:
    """Backprop by hand on L: ``worksheet()`` (SVG), ``to_markdown()`` (the table), ``check(answers)``.

    Shows inline in a notebook (the worksheet and the table); ``to_markdown(reveal=True)`` is the answer key.
    """

    def __init__(
        self, root: Value, seed: int | None = None, hints: bool = False, rtol: float = RTOL, atol: float = ATOL
    ) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"exercise(L) needs L as a Value, got {type(root).__name__}")
        if seed is not None and (type(seed) is not int):
            raise TypeError(f"exercise: seed must be an int or None, got {seed!r}")
        if not (rtol >= 0 and atol >= 0):
            raise ValueError(f"exercise: rtol and atol must be ≥ 0, got rtol={rtol!r}, atol={atol!r}")
        self.original, self.seed, self.hints, self.rtol, self.atol = root, seed, hints, rtol, atol
        if seed is None:
            self.root, self.copies = root, {}
        else:
            self.root, self.copies = _regenerated(root, seed)
        order = topological_order(self.root)
        self.index = {v: k for k, v in enumerate(order)}
        self.names = node_names(order)
        self.expected = gradients(self.root)
        # the nodes to fill in, in BACKWARD's order: everything but the constants
        self.nodes = [v for v in reverse_topological_order(self.root) if v.parents or v.label]
        self.children: dict[Value, list[tuple[Value, int]]] = {}
        for v in order:
            for i, p in enumerate(v.parents):
                self.children.setdefault(p, []).append((v, i))

    # ---- the worksheet ------------------------------------------------------------------------
    def _made_from(self, v: Value) -> str:
        if not v.parents:
            return "given" if v.label else "constant"
        return expression(v, [self.names[p] for p in v.parents])

    def worksheet(self) -> Digraph:
        """The graph with data only: every grad blank, local derivatives shown when ``hints``."""
        graph = draw_graph(self.root, grads=False, edge_values=self.hints)
        blanks = {f"v{self.index[v]}" for v in self.nodes}
        styles = {key: {"tooltip": "grad: fill it in"} for key in blanks}

        def lines(key: str, text: list[str]) -> list[str]:
            return [*text, f"grad {BLANK}"] if key in blanks else text

        sheet = marked(graph, styles, lines)
        top = dot_text(in_fraction(self.names[self.root]))
        legend = [
            f"Backprop by hand: fill in grad = ∂{top}/∂v for every box, from {dot_text(self.names[self.root])} "
            f"down (BACKWARD): ∂{top}/∂v_i = Σ_j ∂{top}/∂v_j · ∂v_j/∂v_i over the children v_j of v_i."
        ]
        if self.hints:
            legend.append("edge: local = ∂child/∂parent")
        if self.seed is not None:
            legend.append(f"numbers drawn with seed {self.seed}")
        sheet.attr(label="\\l".join(legend) + "\\l")
        return sheet

    def to_markdown(self, reveal: bool = False) -> str:
        """The worksheet as a table for print: node, what it is made of, data, ∂L/∂v (blank unless ``reveal``)."""
        top = markdown_text(in_fraction(self.names[self.root]))
        rows = [f"| node | made from | data | ∂{top}/∂v |", "|---|---|---|---|"]
        for v in self.nodes:
            grad = minus(fmt(self.expected[v])) if reveal else " "
            rows.append(
                f"| {markdown_text(self.names[v])} | {markdown_text(self._made_from(v))} | "
                f"{minus(fmt(v.data))} | {grad} |"
            )
        title = "Answer key" if reveal else "Backprop by hand"
        seed = f" (numbers from seed {self.seed})" if self.seed is not None else ""
        return f"**{title}**{seed}: ∂{top}/∂v for every node, from {top} down.\n\n" + "\n".join(rows)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        try:
            svg = render_source(self.worksheet().source, "svg").decode("utf-8")
            svg = svg[svg.index("<svg") :]
        except RendererNotFound:
            svg = ""
        return svg + _html_table(
            self.names[self.root], [(self.names[v], self._made_from(v), minus(fmt(v.data)), "") for v in self.nodes]
        )

    def save(self, path: str | os.PathLike, reveal: bool = False) -> Path:
        """Write the worksheet: .svg or .png (the graph), or .md (the table; the answer key with ``reveal``)."""
        path = Path(path)
        if path.suffix.lower() == ".md":
            path.write_text(self.to_markdown(reveal) + "\n", encoding="utf-8")
            return path
        if reveal:
            raise ValueError("exercise.save: reveal=True writes the answer key as a table: use a .md path")
        return write(self.worksheet().source, path)

    # ---- checking -----------------------------------------------------------------------------
    def node(self, key: Value | str) -> Value:
        """The exercise's node for a name as the worksheet shows it (or for a Value of the original graph)."""
        if isinstance(key, Value):
            node = self.copies.get(key, key)
            if node in self.index:
                return node
            raise ValueError(f"exercise.check: {key.label or 'a Value'} is not a node of this exercise's graph")
        if not isinstance(key, str):
            raise TypeError(f"exercise.check: answers are keyed by node names or Values, got {key!r}")
        found = [v for v in self.nodes if self.names[v] == key]
        if len(found) == 1:
            return found[0]
        names = ", ".join(self.names[v] for v in self.nodes)
        if found:
            raise ValueError(f"exercise.check: {len(found)} nodes are named {key!r}: key them by their Values")
        raise ValueError(f"exercise.check: no node named {key!r}; the worksheet's nodes are: {names}")

    def check(self, answers: Mapping[Value | str, float], reveal: bool = False) -> Report:
        """Each answer against BACKWARD (right within ``rtol``/``atol``), and for wrong ones, why."""
        if not isinstance(answers, Mapping):
            raise TypeError(
                f"exercise.check needs a mapping node name (or Value) → ∂L/∂v, got {type(answers).__name__}"
            )
        given: dict[Value, float] = {}
        for key, number in answers.items():
            node = self.node(key)
            if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
                raise TypeError(
                    f"exercise.check: the answer for {self.names[node]!r} must be a finite number, got {number!r}"
                )
            given[node] = float(number)
        rows = []
        for v in self.nodes:
            answer = given.get(v)
            if answer is None:
                verdict = "missing"
            else:
                verdict = "right" if close(answer, self.expected[v], self.rtol, self.atol) else "wrong"
            why = self._diagnose(v, given) if verdict == "wrong" else None
            rows.append(Row(v, self.names[v], answer, self.expected[v], verdict, why))
        return Report(self, tuple(rows), reveal)

    def _upstream(self, c: Value, given: Mapping[Value, float]) -> float:
        return given.get(c, self.expected[c])

    def _term(self, c: Value, i: int) -> str:
        top, child, v = (in_fraction(self.names[x]) for x in (self.root, c, c.parents[i]))
        return f"∂{top}/∂{child}·∂{child}/∂{v}"

    def _diagnose(self, v: Value, given: Mapping[Value, float]) -> Diagnosis:
        """The first cause that reproduces the student's number: upstream, a missed child, a wrong local."""
        answer, edges = given[v], self.children.get(v, [])
        ok = lambda x: close(answer, x, self.rtol, self.atol)
        ups = [self._upstream(c, given) for c, _ in edges]
        terms = [u * c.local_grads[i] for u, (c, i) in zip(ups, edges)]
        name, top = in_fraction(self.names[v]), in_fraction(self.names[self.root])
        wrong_up = [c for c, _ in edges if c in given and not close(given[c], self.expected[c], self.rtol, self.atol)]
        if wrong_up and ok(math.fsum(terms)):
            which = ", ".join(dict.fromkeys(self.names[c] for c in wrong_up))
            return Diagnosis(
                "upstream error",
                tuple(e for e in edges if e[0] in wrong_up),
                f"an upstream error carried down: your ∂{top}/∂{name} = {minus(fmt(answer))} follows "
                f"correctly from your ∂{top}/∂v for {which}, which is wrong; fix that first",
            )
        if v is self.root:
            return Diagnosis("unexplained", (), f"∂{top}/∂{top} = 1: BACKWARD starts there")
        sums = {d: math.fsum(t for k, t in enumerate(terms) if k not in d) for d in _omissions(len(edges))}
        fits = [d for d, total in sums.items() if ok(total)]
        if fits:  # the fewest children left out, then the closest fit
            dropped = min(fits, key=lambda d: (len(d), abs(answer - sums[d])))
            missed = tuple(edges[k] for k in dropped)
            left = " and ".join(f"{self._term(c, i)} = {minus(fmt(terms[k]))}" for k, (c, i) in zip(dropped, missed))
            which = ", ".join(dict.fromkeys(self.names[c] for c, _ in missed))
            return Diagnosis(
                "missed child",
                missed,
                f"a missed child: ∂{top}/∂{name} sums over every child of {self.names[v]}, and "
                f"your answer leaves out the path through {which} ({left})",
            )
        local = self._wrong_local(v, answer, edges, ups, terms)
        if local is not None:
            return local
        return Diagnosis(
            "unexplained",
            (),
            f"∂{top}/∂{name} = Σ_j ∂{top}/∂v_j·∂v_j/∂{name} = "
            f"{' + '.join(minus(fmt(t)) for t in terms)}; your {minus(fmt(answer))} is not one term "
            "left out or one local derivative wrong: check the arithmetic",
        )

    def _wrong_local(self, v: Value, answer: float, edges: list, ups: list[float], terms: list[float]):
        """The edge whose local derivative, changed to a common slip (sign, the other input's, the node's value …),
        gives the student's number; with one edge, any change."""
        candidates = []
        for k, ((c, i), up) in enumerate(zip(edges, ups)):
            if up != 0:
                implied = (answer - math.fsum(t for j, t in enumerate(terms) if j != k)) / up
                candidates.append((c, i, implied, _slip(c, i, implied, lambda a, b: close(a, b, self.rtol, self.atol))))
        named = [f for f in candidates if f[3] is not None]
        if len(named) == 1:
            found = named[0]
        elif len(candidates) == 1:  # one edge: whatever the number, it is that edge's local derivative
            found = candidates[0]
        else:
            return None
        c, i, implied, slip = found
        child, parent = in_fraction(self.names[c]), in_fraction(self.names[v])
        formula = OPS[c.op].formula
        how = f" ({slip})" if slip else ""
        return Diagnosis(
            "wrong local derivative",
            ((c, i),),
            f"a wrong local derivative on the edge {self.names[v]} → {self.names[c]}: "
            f"∂{child}/∂{parent} = {minus(fmt(c.local_grads[i]))} ({OPS[c.op].symbol}: {formula}), "
            f"your answer uses {minus(fmt(implied))}{how}",
        )


def _omissions(n: int):
    """Sets of edge indices to leave out of a sum of n terms, smallest first (at most 8 edges: every subset)."""
    sizes = range(1, n) if n <= 8 else [1]
    for size in sizes:
        yield from itertools.combinations(range(n), size)


def _slip(c: Value, i: int, implied: float, ok) -> str | None:
    """Name the common slip that turns the local ∂c/∂(c's input i) into ``implied``, or None."""
    d = c.local_grads[i]
    if ok(implied, d):
        return None
    candidates = [
        ("the sign flipped", -d),
        ("left out: 1 used", 1.0),
        ("twice the right value", 2 * d),
        ("half the right value", d / 2),
        (f"the node's value {fmt(c.data)} instead", c.data),
    ]
    for j, other in enumerate(c.local_grads):
        if j != i:
            candidates.append((f"the local derivative for input {j + 1} instead", other))
    candidates.append((f"the input's value {fmt(c.parents[i].data)} instead", c.parents[i].data))
    fits = [(abs(implied - x), why) for why, x in candidates if ok(implied, x)]
    return min(fits)[1] if fits else None


class Report:
    """The check of one set of answers: per node right / wrong / missing, and for wrong ones why."""

    def __init__(self, exercise: Exercise, rows: tuple[Row, ...], reveal: bool) -> None:
        self.exercise, self.rows, self.reveal = exercise, rows, reveal

    @property
    def right(self) -> list[str]:
        """The names of the nodes answered right."""
        return [r.name for r in self.rows if r.verdict == "right"]

    @property
    def wrong(self) -> list[str]:
        """The names of the nodes answered wrong."""
        return [r.name for r in self.rows if r.verdict == "wrong"]

    @property
    def missing(self) -> list[str]:
        """The names of the nodes not answered."""
        return [r.name for r in self.rows if r.verdict == "missing"]

    @property
    def ok(self) -> bool:
        """Every node answered, and right."""
        return all(r.verdict == "right" for r in self.rows)

    @property
    def first(self) -> Row | None:
        """The first wrong node in BACKWARD's order (from L down): where the mistake was made."""
        return next((r for r in self.rows if r.verdict == "wrong"), None)

    def __getitem__(self, name: str) -> Row:
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(name)

    def _summary(self) -> str:
        n, right = len(self.rows), len(self.right)
        text = f"{right} of {n} right"
        if self.missing:
            text += f", {len(self.missing)} not answered"
        if self.first is not None:
            text += f". First wrong: {self.first.name}, {self.first.diagnosis.text}."
        elif self.ok:
            text += ": every ∂L/∂v is right."
        return text

    def __str__(self) -> str:
        width = max(len(r.name) for r in self.rows)
        lines = [self._summary()]
        for r in self.rows:
            answer = "" if r.answer is None else minus(fmt(r.answer))
            line = f"  {r.name:<{width}}  {r.verdict:<7}  {answer:>10}"
            if self.reveal:
                line += f"  (BACKWARD: {minus(fmt(r.expected))})"
            if r.diagnosis is not None and r is not self.first:
                line += f"  {r.diagnosis.kind}"
            lines.append(line)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Report {self._summary()}>"

    def _repr_markdown_(self) -> str:
        mark = {"right": "✓ right", "wrong": "✗ wrong", "missing": "– not answered"}
        head = "| node | your answer | verdict | why |" + (" BACKWARD |" if self.reveal else "")
        rows = [markdown_text(self._summary()), "", head, "|---|---|---|---|" + ("---|" if self.reveal else "")]
        for r in self.rows:
            answer = "" if r.answer is None else minus(fmt(r.answer))
            why = markdown_text(r.diagnosis.kind if r.diagnosis else "")
            rows.append(
                f"| {markdown_text(r.name)} | {answer} | {mark[r.verdict]} | {why} |"
                + (f" {minus(fmt(r.expected))} |" if self.reveal else "")
            )
        return "\n".join(rows)


def _html_table(root_name: str, rows: list[tuple[str, str, str, str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in ("node", "made from", "data", f"∂{root_name}/∂v"))
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def exercise(
    L: Value, seed: int | None = None, hints: bool = False, rtol: float = RTOL, atol: float = ATOL
) -> Exercise:
    """Backprop by hand on L: a worksheet with every ∂L/∂v blank, and ``check(answers)`` to grade it.

    ``seed`` draws new numbers for L's labelled leaves (the same seed, the same numbers); ``hints``
    shows each edge's local derivative.  An answer is right within ``rtol`` (1%) or ``atol`` (0.001).
    """
    return Exercise(L, seed, hints, rtol, atol)
