"""Trace once, run batched: a scalar function's graph as a tape replayed on numpy batches.

``compile(f)`` calls ``f`` once on scalar ``Value`` s, keeps the graph as a tape of op-table
nodes, and replays FORWARD() and BACKWARD() on whole batches: every node v_j holds one number
per sample.  Across nodes the replay is vectorized too: the nodes of one topological level that
apply the same op form one group, computed by one gather–compute–scatter numpy call, and
∂L/∂v_i = Σ_j ∂L/∂v_j · ∂v_j/∂v_i is summed group by group in reverse.  Chains of ``+`` whose
terms are single-use products w·x (a shared weight times a per-sample value) become one
sum-of-products node, so a layer of neurons Σ_k w_jk x_k + b_j is one matrix product.

    hinge = compile(lambda x, y, w, b: (1 - y * (w * x + b)).relu())
    hinge(X, Y, 0.5, 0.1)                                   # one output per sample, shape (N,)
    L, (gX, gY, gw, gb) = hinge.value_and_grad(X, Y, 0.5, 0.1, reduce="mean")  # gw, gb: over the batch

Forward values use the rows' forwards on arrays (``Op.array_forward``); local
derivatives are the table's own ``local`` rules applied to arrays (numpy ≥ 2).  Numbers and
leaf Values that ``f`` reads from elsewhere are constants of the tape, except ``params``.

What cannot be traced: Python control flow that depends on the data (``if x.data > 0``,
loops whose length depends on a value).  The tape records the branch taken by the traced
sample (the first of the batch) and replays it for every sample, constants included (a number
computed from ``x.data`` is the traced sample's).  ``check_trace`` re-traces on another sample
and raises ``TraceMismatchError`` if the graph differs (or, on request, its constants).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

try:
    import numpy as np
except ImportError as error:
    raise ImportError(
        'autograd_core.compile needs numpy (>= 2.0), an optional extra: pip install "autograd-core[compiled]"'
    ) from error

from .graph import count_children, topological_order
from .ops import MUL, OPS, Op
from .value import Value, _node

if not hasattr(np.ndarray, "__array_namespace__"):
    # The table's local rules reach numpy's cos, sin and log through the array's own namespace.
    raise ImportError(f"autograd_core.compile needs numpy >= 2.0, found {np.__version__}: pip install 'numpy>=2'")


_UNIFORM, _BATCHED = 0, 1  # where a node lives: one number shared by the batch, or one per sample
_FUSED = "fused Σ w·x"  # the group key of a fused chain of + (no op of the table has this name)


class TraceMismatchError(ValueError):
    """Re-tracing ``f`` on another sample gave a different graph (data-dependent control flow)."""


# ---- scatter-add: ∂L/∂v_i receives the messages of all its children ----------------------
def _scatter(store: np.ndarray, idx: np.ndarray, msg: np.ndarray, unique: bool) -> None:
    if unique:
        store[idx] += msg
    else:
        np.add.at(store, idx, np.broadcast_to(msg, idx.shape + store.shape[1:]))


def _unique(idx: np.ndarray) -> bool:
    return len(np.unique(idx)) == idx.size


class _OpGroup:
    """Nodes v_j = op(parents) of one level and op: one numpy call forward, one per input back."""

    def __init__(self, op: Op, const: float | None, kinds: tuple, idx: list, out_kind: int, start: int) -> None:
        self.op, self.const, self.kinds, self.out_kind = op, const, kinds, out_kind
        self.idx = [np.asarray(i, dtype=np.intp) for i in idx]
        self.unique = [_unique(i) for i in self.idx]
        self.start, self.stop = start, start + len(self.idx[0])
        self.forward_fn = op.array_forward
        self.extra = () if const is None else (const,)  # the n of x ** n

    def _inputs(self, U: np.ndarray, V: np.ndarray) -> list:
        col = self.out_kind == _BATCHED
        return [V[i] if k == _BATCHED else (U[i][:, None] if col else U[i]) for i, k in zip(self.idx, self.kinds)]

    def forward(self, U: np.ndarray, V: np.ndarray) -> list:
        xs = self._inputs(U, V)
        if self.op.valid is not None:
            ok = self.op.valid(*xs, *self.extra)
            if not np.all(ok):
                self.raise_like_interpreted(xs, np.logical_not(ok))
        out = self._guarded(xs, lambda: self.forward_fn(*xs, *self.extra))
        (V if self.out_kind == _BATCHED else U)[self.start : self.stop] = out
        return xs

    def _guarded(self, xs: list, compute: Callable):
        """compute(), run where numpy raises on float errors: where the table's scalar forward raises on
        a sample, so does the batch (same error); where it does not (mul overflow gives inf), neither."""
        try:
            return compute()
        except FloatingPointError:
            self.raise_like_interpreted(xs, True)
            with np.errstate(all="ignore"):
                return compute()

    def raise_like_interpreted(self, xs: list, suspects) -> None:
        """Run the table's scalar forward on the suspect entries, sample by sample; re-raise its error."""
        batched = self.out_kind == _BATCHED
        shape = np.broadcast_shapes(*[np.shape(x) for x in xs])  # (nodes, samples) or (nodes,)
        full = [np.broadcast_to(x, shape) for x in xs]
        where = np.argwhere(np.broadcast_to(suspects, shape))
        if batched:
            where = where[np.lexsort((where[:, 0], where[:, 1]))]  # the first sample first
        for pos in where:
            scalars = [float(x[tuple(pos)]) for x in full]
            try:
                self.op.forward(*scalars, *self.extra)
            except (ValueError, ZeroDivisionError, OverflowError) as error:
                sample = f", sample {pos[1]}" if batched else ""
                raise type(error)(f"compiled{sample}: {error}") from None

    def backward(self, U, V, GU, GV, xs, needs) -> None:
        store, gstore = (V, GV) if self.out_kind == _BATCHED else (U, GU)
        v, g = store[self.start : self.stop], gstore[self.start : self.stop]
        if self.op.valid is None:
            local = self.op.local(*xs, v, *self.extra)
        else:  # near a domain's edge the rule can overflow (x^(n−1)): the interpreted forward checks it
            with np.errstate(all="raise"):
                local = self._guarded(xs, lambda: self.op.local(*xs, v, *self.extra))
        for d, i, k, u, need in zip(local, self.idx, self.kinds, self.unique, needs):
            if need:
                msg = g * d
                if k == _UNIFORM and self.out_kind == _BATCHED:
                    msg = msg.sum(axis=1)  # a shared input: its messages summed over the batch
                _scatter(GV if k == _BATCHED else GU, i, msg, u)


class _SumGroup:
    """Nodes v_j = Σ_k w_jk·x_jk + Σ_m t_jm (w shared, x per sample): matrix products when x_jk = x_k."""

    def __init__(self, pw: list, px: list, tb: list, tu: list, out_kind: int, start: int, n: int) -> None:
        def arr(rows):
            return np.asarray(rows, dtype=np.intp).reshape(n, -1)

        self.pw, self.px, self.tb, self.tu = arr(pw), arr(px), arr(tb), arr(tu)
        self.out_kind, self.start, self.stop = out_kind, start, start + n
        # The layer case: every neuron reads the same inputs x_k, so the product is W @ X.
        self.shared_x = self.px.shape[1] > 0 and bool((self.px == self.px[0]).all())
        self.x0 = self.px[0] if self.shared_x else None
        self.unique = [_unique(a) for a in (self.pw, self.x0 if self.shared_x else self.px, self.tb, self.tu)]

    def forward(self, U: np.ndarray, V: np.ndarray) -> tuple:
        try:
            return self._forward(U, V)
        except FloatingPointError:
            with np.errstate(all="ignore"):  # as the interpreted + and ×: inf or nan, not an error
                return self._forward(U, V)

    def _forward(self, U: np.ndarray, V: np.ndarray) -> tuple:
        W = X = None
        out = 0.0
        if self.pw.shape[1]:
            W = U[self.pw]
            X = V[self.x0] if self.shared_x else V[self.px]
            out = W @ X if self.shared_x else np.einsum("jk,jkb->jb", W, X)
        if self.tb.shape[1]:
            out = out + V[self.tb].sum(axis=1)
        if self.tu.shape[1]:
            t = U[self.tu].sum(axis=1)
            out = out + (t[:, None] if self.out_kind == _BATCHED else t)
        (V if self.out_kind == _BATCHED else U)[self.start : self.stop] = out
        return W, X

    def backward(self, U, V, GU, GV, saved, needs) -> None:
        W, X = saved
        g = (GV if self.out_kind == _BATCHED else GU)[self.start : self.stop]
        need_w, need_x, need_b, need_u = needs
        if W is not None and (need_w or need_x):
            dw, dx = MUL.local(W, X, None)  # ∂(w·x)/∂w = x, ∂(w·x)/∂x = w
            if self.shared_x:
                if need_w:
                    _scatter(GU, self.pw, g @ dw.T, self.unique[0])
                if need_x:
                    _scatter(GV, self.x0, dx.T @ g, self.unique[1])
            else:
                if need_w:
                    _scatter(GU, self.pw, np.einsum("jb,jkb->jk", g, dw), self.unique[0])
                if need_x:
                    _scatter(GV, self.px, dx[:, :, None] * g[:, None, :], self.unique[1])
        # ∂(Σ t)/∂t = 1 (the add rule): every term receives the node's own ∂L/∂v.
        if need_b and self.tb.shape[1]:
            _scatter(GV, self.tb, g[:, None, :], self.unique[2])
        if need_u and self.tu.shape[1]:
            gu = g.sum(axis=1) if self.out_kind == _BATCHED else g
            _scatter(GU, self.tu, gu[:, None], self.unique[3])


# ---- the tape --------------------------------------------------------------------------------
def _nest(leaves: list, shape: tuple):
    """The flat list of leaves as nested lists of the argument's per-sample shape."""
    if not shape:
        return leaves[0]
    step = len(leaves) // shape[0]
    return [_nest(leaves[i * step : (i + 1) * step], shape[1:]) for i in range(shape[0])]


def _outputs(y: object, has_aux: bool) -> list[Value]:
    """f's result as a flat list of Values: the differentiated output first, then the aux outputs."""
    if has_aux:
        if not (isinstance(y, tuple) and len(y) == 2):
            raise TypeError("compile(f, has_aux=True): f must return a pair (loss, aux)")
        y, aux = y
        ys = [y, *(aux if isinstance(aux, (list, tuple)) else [aux])]
    else:
        ys = list(y) if isinstance(y, (list, tuple)) else [y]
    outs = []
    for o in ys:
        if isinstance(o, (int, float)) and not isinstance(o, bool):
            o = Value(float(o))  # a constant output: a leaf of its own
        if not isinstance(o, Value):
            raise TypeError(f"compile: f must return scalar Values (or numbers), got {type(o).__name__}")
        outs.append(o)
    return outs


class _Tape:
    """The traced graph: storage rows for every node and its groups in topological order."""

    def __init__(self, outs: list[Value], arg_leaves: list[list[Value]], arg_kinds: list[int], params: list) -> None:
        root = _node(0.0, "", tuple(outs), ())  # one root above all outputs, so one walk sees them all
        children = count_children(root)
        order = topological_order(root)[:-1]
        is_out = {o for o in outs}
        kind: dict[Value, int] = {}
        slot: dict[Value, tuple[int, int]] = {}  # node → (store, row)
        n = [0, 0]

        def place(v: Value, k: int) -> None:
            slot[v] = (k, n[k])
            kind[v] = k
            n[k] += 1

        # Leaves first: constants, parameters, then the arguments (all their elements, used or not).
        inputs = {v for leaves in arg_leaves for v in leaves} | {p for p in params}
        self.constants = [v for v in order if not v.parents and v not in inputs]
        for v in self.constants:
            place(v, _UNIFORM)
        for p in params:
            if p not in slot:
                place(p, _UNIFORM)
        self.arg_slices = []
        for leaves, k in zip(arg_leaves, arg_kinds):
            start = n[k]
            for v in leaves:
                place(v, k)
            self.arg_slices.append((k, start, n[k]))
        self.param_rows = np.asarray([slot[p][1] for p in params], dtype=np.intp)
        self.constant_values = np.asarray([v.data for v in self.constants], dtype=float)

        # Fuse: a + chain of single-use adds is one sum node; its single-use w·x terms are products.
        only_child: dict[Value, Value] = {}
        for v in order:
            for p in v.parents:
                only_child[p] = v  # read only for nodes with one child

        def inside_sum(p: Value) -> bool:
            return children[p] == 1 and p not in is_out and only_child[p].op == "add"

        level: dict[Value, int] = {}
        absorbed: set[Value] = set()
        groups: dict[tuple, list] = {}
        for v in order:
            if not v.parents:
                level[v] = 0
                continue
            if v.op == "add" and inside_sum(v):
                absorbed.add(v)
                continue
            if v.op == "mul" and inside_sum(v) and _weight_times_input(v, kind) is not None:
                absorbed.add(v)
                continue
            if v.op == "add":
                terms, stack = [], [v]
                while stack:  # left-to-right expansion of the absorbed adds below v
                    t = stack.pop()
                    if t is v or (t.op == "add" and t in absorbed):
                        stack.extend(reversed(t.parents))
                    else:
                        terms.append(t)
                pairs = [_weight_times_input(t, kind) for t in terms if t in absorbed]
                rest = [t for t in terms if t not in absorbed]
                tb = [t for t in rest if kind[t] == _BATCHED]
                tu = [t for t in rest if kind[t] == _UNIFORM]
                lv = 1 + max(level[m] for m in [m for pair in pairs for m in pair] + rest)
                k = _BATCHED if pairs or tb else _UNIFORM
                key = (lv, _FUSED, len(pairs), len(tb), len(tu), k)
                groups.setdefault(key, []).append((v, pairs, tb, tu))
            else:
                ks = tuple(kind[p] for p in v.parents)
                lv = 1 + max(level[p] for p in v.parents)
                k = max(ks)
                key = (lv, v.op, v.const, ks, k)
                groups.setdefault(key, []).append((v,))
            level[v] = lv
            kind[v] = k

        self.groups: list = []
        for key in sorted(groups, key=lambda key: key[0]):
            members = groups[key]
            k = key[-1]
            start = n[k]
            for m in members:
                place(m[0], k)

            def row(u: Value) -> int:
                return slot[u][1]

            if key[1] is _FUSED:
                self.groups.append(
                    _SumGroup(
                        [[row(w) for w, _ in m[1]] for m in members],
                        [[row(x) for _, x in m[1]] for m in members],
                        [[row(t) for t in m[2]] for m in members],
                        [[row(t) for t in m[3]] for m in members],
                        k,
                        start,
                        len(members),
                    )
                )
            else:
                op = OPS[key[1]]
                if op.array_forward is None:
                    raise ValueError(
                        f"compile: op {op.name!r} has no array forward; give its row one that works on numpy "
                        f"arrays: Op({op.name!r}, …, array_forward=f)"
                    )
                idx = [[row(m[0].parents[i]) for m in members] for i in range(len(key[3]))]
                self.groups.append(_OpGroup(op, key[2], key[3], idx, k, start))
        self.sizes = tuple(n)
        self.outputs = [slot[o] for o in outs]
        self.n_nodes = len(order)
        self.fingerprint = self._fingerprint()

    def _fingerprint(self) -> str:
        """A digest of the graph's structure, everything the replay does but the constants' values.

        Equal graphs give equal tapes, hence equal digests.  Constants are left out: some are read
        from the data (softmax's max shift, m = max z) and differ per sample by design.
        """
        h = hashlib.sha256(repr((self.sizes, self.outputs, self.arg_slices)).encode())
        h.update(self.param_rows.tobytes())
        for g in self.groups:
            if isinstance(g, _OpGroup):
                h.update(repr((g.op.name, g.const, g.kinds, g.out_kind, g.start)).encode())
                arrays = g.idx
            else:
                h.update(repr(("sum", g.out_kind, g.start)).encode())
                arrays = [g.pw, g.px, g.tb, g.tu]
            for a in arrays:
                h.update(repr(a.shape).encode())
                h.update(a.tobytes())
        return h.hexdigest()


def _weight_times_input(t: Value, kind: dict) -> tuple | None:
    """(w, x) for a product of a shared w and a per-sample x, else None."""
    a, b = t.parents
    ka, kb = kind[a], kind[b]
    if ka == _UNIFORM and kb == _BATCHED:
        return a, b
    if ka == _BATCHED and kb == _UNIFORM:
        return b, a  # w·x = x·w exactly in floating point
    return None


class Compiled:
    """``f`` traced once; call it, or ``value_and_grad``, on batches of its arguments.

    Argument i is a number (or nested list of numbers) for ``f``; to the compiled function it
    is an array: without ``batched``, 0-d = shared by every sample, 1-D = one value per sample.
    With ``batched=(i, …)`` those arguments carry a leading batch axis and the others are
    shared, each of any per-sample shape.  ``params`` are leaf ``Value`` s that ``f`` reads from
    its closure (a model's weights): each call reads their current ``data``.
    """

    def __init__(
        self,
        f: Callable,
        params: Sequence[Value] = (),
        batched: Sequence[int] | None = None,
        has_aux: bool = False,
    ) -> None:
        self.f, self.params, self.has_aux = f, list(params), has_aux
        for i, p in enumerate(self.params):
            if type(p) is not Value or p.parents:
                what = f"the output of {p.op!r}" if type(p) is Value else type(p).__name__
                raise ValueError(
                    f"compile: params must be leaf Values (the weights f reads, e.g. model.parameters()); "
                    f"params[{i}] is {what}, which would get no gradient"
                )
        self.batched = None if batched is None else tuple(batched)
        self.tape: _Tape | None = None
        self._shapes: tuple | None = None
        self._needs: dict[tuple, list] = {}
        self._several = False  # f returned a list of outputs

    def __repr__(self) -> str:
        if self.tape is None:
            return f"<compiled {getattr(self.f, '__name__', 'f')}: not traced yet>"
        t = self.tape
        return f"<compiled {getattr(self.f, '__name__', 'f')}: {t.n_nodes} nodes in {len(t.groups)} groups>"

    # ---- arguments -------------------------------------------------------------------------
    def _split(self, args: tuple) -> tuple[list[np.ndarray], list[int], tuple, int | None]:
        """Arrays, their kinds, per-sample shapes, and the batch size (None: nothing batched)."""
        arrays = [np.asarray(a, dtype=float) for a in args]
        if self.batched is None:
            for i, a in enumerate(arrays):
                if a.ndim > 1:
                    raise ValueError(
                        f"compiled: argument {i} has shape {a.shape}; without batched= every argument is "
                        "a scalar (0-d shared or 1-D per sample). Pass compile(f, batched=(...)) to name "
                        "the arguments that carry a leading batch axis"
                    )
            kinds = [_BATCHED if a.ndim == 1 else _UNIFORM for a in arrays]
        else:
            for i in self.batched:
                if not -len(arrays) <= i < len(arrays) or arrays[i].ndim == 0:
                    raise ValueError(f"compiled: batched argument {i} needs an array with a leading batch axis")
            on = {i % len(arrays) for i in self.batched}
            kinds = [_BATCHED if i in on else _UNIFORM for i in range(len(arrays))]
        shapes = tuple(a.shape[1:] if k == _BATCHED else a.shape for a, k in zip(arrays, kinds))
        sizes = {a.shape[0] for a, k in zip(arrays, kinds) if k == _BATCHED}
        if len(sizes) > 1:
            raise ValueError(f"compiled: batched arguments disagree on the batch size: {sorted(sizes)}")
        size = sizes.pop() if sizes else None
        if size == 0:
            raise ValueError("compiled: the batch is empty")
        key = (tuple(kinds), shapes)
        if self._shapes is not None and key != self._shapes:
            raise ValueError(
                f"compiled: f was traced for {len(self._shapes[1])} argument(s) with per-sample shapes "
                f"{self._shapes[1]} and kinds {self._shapes[0]} (0 shared, 1 batched); got {len(shapes)} "
                f"with {shapes} and {tuple(kinds)}. Compile again for other shapes"
            )
        return arrays, kinds, shapes, size

    def _trace(self, arrays: list[np.ndarray], kinds: list[int], shapes: tuple, sample: int) -> _Tape:
        leaves = []
        for a, k in zip(arrays, kinds):
            values = (a[sample] if k == _BATCHED else a).reshape(-1)
            leaves.append([Value(x) for x in values.tolist()])
        y = self.f(*[_nest(ls, s) for ls, s in zip(leaves, shapes)])
        self._several = not self.has_aux and isinstance(y, (list, tuple))
        return _Tape(_outputs(y, self.has_aux), leaves, kinds, self.params)

    def _ready(self, args: tuple) -> tuple:
        arrays, kinds, shapes, size = self._split(args)
        if self.tape is None:
            self.tape = self._trace(arrays, kinds, shapes, 0)
            self._shapes = (tuple(kinds), shapes)
        return arrays, size

    def check_trace(self, *args: object, sample: int = 1, constants: bool = False) -> None:
        """Re-trace ``f`` on one sample of the batch; raise ``TraceMismatchError`` if the graph differs.

        The graph's structure is compared; its constants too with ``constants=True`` (for an ``f``
        that reads no ``.data``: a constant computed from the data, such as softmax's shift
        m = max z, is replayed from the traced sample, which is right only if f does not depend on it).
        """
        arrays, size = self._ready(args)
        if not 0 <= sample < (size or 1):
            raise ValueError(f"check_trace: sample {sample} is outside the batch of {size or 1}")
        kinds, shapes = self._shapes
        other = self._trace(arrays, list(kinds), shapes, sample)
        if other.fingerprint != self.tape.fingerprint:
            raise TraceMismatchError(
                f"compiled: re-tracing f on sample {sample} gave a different graph "
                f"({other.n_nodes} nodes vs {self.tape.n_nodes}): f's control flow "
                "depends on the data, which a tape cannot replay. Use the interpreted engine for it"
            )
        if constants and not np.array_equal(other.constant_values, self.tape.constant_values, equal_nan=True):
            changed = int(np.sum(other.constant_values != self.tape.constant_values))
            raise TraceMismatchError(
                f"compiled: re-tracing f on sample {sample} gave the same graph with {changed} different "
                "constant(s): f reads the data (.data) into numbers, which the tape replays from the traced sample"
            )

    # ---- replay ----------------------------------------------------------------------------
    def _forward(self, arrays: list[np.ndarray], size: int | None) -> tuple:
        t = self.tape
        B = 1 if size is None else size
        U = np.empty(t.sizes[_UNIFORM])
        V = np.empty((t.sizes[_BATCHED], B))
        U[: len(t.constant_values)] = t.constant_values
        if self.params:
            U[t.param_rows] = [p.data for p in self.params]
        for a, (k, start, stop) in zip(arrays, t.arg_slices):
            if k == _BATCHED:
                V[start:stop] = a.reshape(B, -1).T
            else:
                U[start:stop] = a.reshape(-1)
        # Each op group raises where the interpreted engine would, naming the op, value and sample;
        # elsewhere floats behave as IEEE (and as the interpreted engine): an overflowing sum is inf.
        with np.errstate(all="raise"):
            saved = [g.forward(U, V) for g in t.groups]
        return U, V, saved, B

    def _output(self, U: np.ndarray, V: np.ndarray, i: int, B: int, size: int | None) -> np.ndarray:
        k, row = self.tape.outputs[i]
        if k == _BATCHED:
            return V[row].copy()
        return np.full(B, U[row]) if size is not None else np.asarray(U[row])

    def _all_outputs(self, U: np.ndarray, V: np.ndarray, B: int, size: int | None) -> list[np.ndarray]:
        return [self._output(U, V, i, B, size) for i in range(len(self.tape.outputs))]

    def __call__(self, *args: object):
        """f on every sample: an array of outputs (a list of them if f returns several)."""
        arrays, size = self._ready(args)
        U, V, _, B = self._forward(arrays, size)
        outs = self._all_outputs(U, V, B, size)
        if self.has_aux:
            return outs[0], outs[1:]
        return outs if self._several else outs[0]

    def _needs_grad(self, argnums: tuple) -> list:
        """Per group and input: does any ∂L/∂leaf we were asked for flow through it?"""
        if argnums in self._needs:
            return self._needs[argnums]
        t = self.tape
        need = [np.zeros(t.sizes[_UNIFORM], dtype=bool), np.zeros(t.sizes[_BATCHED], dtype=bool)]
        for i in argnums:
            k, start, stop = t.arg_slices[i]
            need[k][start:stop] = True
        if self.params:
            need[_UNIFORM][t.param_rows] = True
        plan = []
        for g in t.groups:
            if isinstance(g, _OpGroup):
                flags = [need[k][i] for i, k in zip(g.idx, g.kinds)]
                plan.append([bool(f.any()) for f in flags])
                out = np.logical_or.reduce(flags) if flags else False
            else:
                flags = [need[_UNIFORM][g.pw], need[_BATCHED][g.px], need[_BATCHED][g.tb], need[_UNIFORM][g.tu]]
                plan.append([bool(f.any()) for f in flags])
                out = np.logical_or.reduce([f.any(axis=1) for f in flags])
            need[g.out_kind][g.start : g.stop] = out
        self._needs[argnums] = plan
        return plan

    def _backward(self, arrays: list, size: int | None, run: tuple, seeds: list, wanted: tuple) -> tuple:
        """∂L/∂args (and ∂L/∂params) from the messages ``seeds`` = ∂L/∂(output i) per sample."""
        t = self.tape
        U, V, saved, B = run
        GU = np.zeros(t.sizes[_UNIFORM])
        GV = np.zeros((t.sizes[_BATCHED], B))
        for (k, row), seed in zip(t.outputs, seeds):
            if k == _BATCHED:
                GV[row] += seed
            else:
                GU[row] += np.sum(seed)  # the same f for every sample
        plan = self._needs_grad(wanted)
        for g, xs, needs in zip(reversed(t.groups), reversed(saved), reversed(plan)):
            if any(needs):
                g.backward(U, V, GU, GV, xs, needs)
        grads = []
        for i, (a, (k, start, stop)) in enumerate(zip(arrays, t.arg_slices)):
            if i not in wanted:
                grads.append(None)
            elif k == _BATCHED:
                grads.append(GV[start:stop].T.reshape(a.shape).copy())
            else:
                grads.append(GU[start:stop].reshape(a.shape).copy())
        if self.params:
            return tuple(grads), GU[t.param_rows].copy()
        return (tuple(grads),)

    def _wanted(self, arrays: list, argnums: Sequence[int] | None) -> tuple[int, ...]:
        return tuple(range(len(arrays))) if argnums is None else tuple(i % len(arrays) for i in argnums)

    def value_and_grad(self, *args: object, reduce: str = "sum", argnums: Sequence[int] | None = None):
        """(L, ∂L/∂args) for L = Σ_b f(args_b) (``reduce="sum"``) or its mean over the batch.

        The gradient of a per-sample argument has its shape; that of a shared argument is summed
        over the batch.  Arguments not in ``argnums`` (default: all) get ``None``.  With
        ``params`` the result is ``(L, grads, param_grads)``; with ``has_aux`` L is ``(L, aux)``,
        aux being f's other outputs per sample.
        """
        if reduce not in ("sum", "mean"):
            raise ValueError(f"compiled: reduce must be 'sum' or 'mean', got {reduce!r}")
        arrays, size = self._ready(args)
        if self._several:
            raise TypeError("compiled.value_and_grad: f returns several outputs; use has_aux=True or vjp")
        run = self._forward(arrays, size)
        B = run[3]
        outs = self._all_outputs(*run[:2], B, size)
        scale = 1.0 if reduce == "sum" else 1.0 / (size or 1)
        value = float(outs[0].sum() * scale)
        seeds = [np.full(B, scale)] + [0.0] * (len(outs) - 1)
        grads = self._backward(arrays, size, run, seeds, self._wanted(arrays, argnums))
        return ((value, outs[1:]) if self.has_aux else value, *grads)

    def vjp(self, *args: object, argnums: Sequence[int] | None = None) -> tuple:
        """(outputs, pullback): ``pullback(*cotangents)`` gives Σ_b Σ_i c_ib · ∂f_i(args_b)/∂args.

        One cotangent per output of f (an array over the batch, or a number); the result has
        the form of ``value_and_grad`` 's gradients: ``grads`` or ``(grads, param_grads)``.
        """
        arrays, size = self._ready(args)
        run = self._forward(arrays, size)
        outs = self._all_outputs(*run[:2], run[3], size)
        wanted = self._wanted(arrays, argnums)

        def pullback(*cotangents: object):
            if len(cotangents) != len(outs):
                raise TypeError(f"pullback: f has {len(outs)} output(s), got {len(cotangents)} cotangent(s)")
            seeds = [np.broadcast_to(np.asarray(c, dtype=float), o.shape) for c, o in zip(cotangents, outs)]
            grads = self._backward(arrays, size, run, seeds, wanted)
            return grads if self.params else grads[0]

        return (outs if self._several or self.has_aux else outs[0]), pullback


def compile(
    f: Callable,
    params: Sequence[Value] = (),
    batched: Sequence[int] | None = None,
    has_aux: bool = False,
) -> Compiled:
    """Trace ``f`` once (at the first call) and replay its graph on batches; see ``Compiled``."""
    if not callable(f):
        raise TypeError(f"compile(f): f must be callable, got {type(f).__name__}")
    return Compiled(f, params=params, batched=batched, has_aux=has_aux)
