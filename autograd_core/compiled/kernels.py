"""What runs for one group of nodes: one numpy call forward, one per input backward.

Two kernels.  ``OpKernel``: nodes v_j = op(parents) of one op, gathered, computed by the row's
``array_forward`` and differentiated by its ``local`` rule on arrays.  ``SumKernel``: nodes
v_j = Σ_k w_jk·x_jk + Σ_m t_jm (w shared by the batch, x per sample): a ``dot`` node, a ``sum``
node, or a chain of + over single-use products.  When every node reads the same inputs x_k (a
layer of neurons) the products are one matrix product W @ X; the terms are one reduction.

Backward sends ∂L/∂v_j · ∂v_j/∂v_i to every input v_i (scatter-add: an input read twice gets both).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..ops import MUL, Op
from .layout import BATCHED, UNIFORM


def rows(idx: np.ndarray) -> np.ndarray | slice:
    """A contiguous run of rows as a slice (a view, no copy), else the index array itself."""
    if idx.ndim == 1 and idx.size and idx[-1] - idx[0] == idx.size - 1 and bool((np.diff(idx) == 1).all()):
        return slice(int(idx[0]), int(idx[-1]) + 1)
    return idx


def scatter(store: np.ndarray, idx: np.ndarray | slice, msg: np.ndarray, unique: bool) -> None:
    """store[idx] += msg, adding every message to a row that appears several times in idx."""
    if unique:
        store[idx] += msg
    else:
        np.add.at(store, idx, np.broadcast_to(msg, idx.shape + store.shape[1:]))


def unique(idx: np.ndarray) -> bool:
    return len(np.unique(idx)) == idx.size


class OpKernel:
    """Nodes v_j = op(x_j1, …) of one op and level: the row's array forward and local rule on the batch."""

    def __init__(self, op: Op, const: float | None, kinds: tuple, idx: list, out_kind: int, start: int) -> None:
        self.op, self.const, self.kinds, self.out_kind = op, const, kinds, out_kind
        self.idx = [np.asarray(i, dtype=np.intp) for i in idx]
        self.unique = [unique(i) for i in self.idx]
        self.rows = [rows(i) for i in self.idx]
        self.start, self.stop = start, start + len(self.idx[0])
        self.forward_fn = op.array_forward
        self.extra = () if const is None else (const,)  # the n of x ** n

    def inputs(self) -> list[tuple[int, np.ndarray]]:
        """(store, rows) of every input slot, for the plan of which gradients flow."""
        return list(zip(self.kinds, self.idx))

    def describe(self) -> tuple:
        return ("op", self.op.name, self.const, self.kinds, self.out_kind, self.start), self.idx

    def _inputs(self, U: np.ndarray, V: np.ndarray) -> list:
        col = self.out_kind == BATCHED
        return [V[i] if k == BATCHED else (U[i][:, None] if col else U[i]) for i, k in zip(self.rows, self.kinds)]

    def forward(self, U: np.ndarray, V: np.ndarray) -> list:
        xs = self._inputs(U, V)
        if self.op.valid is not None:
            ok = self.op.valid(*xs, *self.extra)
            if not np.all(ok):
                self.raise_like_interpreted(xs, np.logical_not(ok))
        out = self._guarded(xs, lambda: self.forward_fn(*xs, *self.extra))
        (V if self.out_kind == BATCHED else U)[self.start : self.stop] = out
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
        batched = self.out_kind == BATCHED
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
        store, gstore = (V, GV) if self.out_kind == BATCHED else (U, GU)
        v, g = store[self.start : self.stop], gstore[self.start : self.stop]
        if self.op.valid is None:
            local = self.op.local(*xs, v, *self.extra)
        else:  # near a domain's edge the rule can overflow (x^(n−1)): the interpreted forward checks it
            with np.errstate(all="raise"):
                local = self._guarded(xs, lambda: self.op.local(*xs, v, *self.extra))
        for d, i, k, u, need in zip(local, self.rows, self.kinds, self.unique, needs):
            if need:
                msg = zero_message_product(g, d)
                if k == UNIFORM and self.out_kind == BATCHED:
                    msg = msg.sum(axis=1)  # a shared input: its messages summed over the batch
                scatter(GV if k == BATCHED else GU, i, msg, u)


def zero_message_product(g: np.ndarray, d) -> np.ndarray:
    """The messages ∂L/∂v · ∂v/∂x, 0 where either factor is 0 (inf · 0 would be nan), as the interpreted BACKWARD."""
    with np.errstate(invalid="ignore", over="ignore"):  # the interpreted float product: inf, not a warning
        msg = g * d
    nan = np.isnan(msg)
    if nan.any():
        msg = np.where(nan & ((g == 0.0) | (np.asarray(d) == 0.0)), 0.0, msg)
    return msg


class SumKernel:
    """Nodes v_j = Σ_k w_jk·x_jk + Σ_m t_jm (w shared, x and the batched t per sample, u shared)."""

    def __init__(
        self, pw: list, px: list, tb: list, tu: list, out_kind: int, start: int, n: int, x_kind: int = BATCHED
    ) -> None:
        def arr(rows_):
            return np.asarray(rows_, dtype=np.intp).reshape(n, -1)

        self.pw, self.px, self.tb, self.tu = arr(pw), arr(px), arr(tb), arr(tu)
        self.out_kind, self.start, self.stop, self.x_kind = out_kind, start, start + n, x_kind
        # The layer case: every neuron reads the same inputs x_k, so the products are W @ X.
        self.shared_x = x_kind == BATCHED and self.px.shape[1] > 0 and bool((self.px == self.px[0]).all())
        self.x0 = rows(self.px[0]) if self.shared_x else None
        x_idx = self.px[0] if self.shared_x else self.px
        self.unique = [unique(a) for a in (self.pw, x_idx, self.tb, self.tu)]

    def inputs(self) -> list[tuple[int, np.ndarray]]:
        return [(UNIFORM, self.pw), (self.x_kind, self.px), (BATCHED, self.tb), (UNIFORM, self.tu)]

    def describe(self) -> tuple:
        return ("sum", self.out_kind, self.start, self.x_kind), [self.pw, self.px, self.tb, self.tu]

    def forward(self, U: np.ndarray, V: np.ndarray) -> tuple:
        try:
            return self._forward(U, V)
        except FloatingPointError:
            with np.errstate(all="ignore"):  # as the interpreted + and ×: inf or nan, not an error
                return self._forward(U, V)

    def _forward(self, U: np.ndarray, V: np.ndarray) -> tuple:
        W = X = None
        out = 0.0
        if self.pw.shape[1] and self.x_kind == UNIFORM:  # Σ w·x with every w and x shared
            W, X = U[self.pw], U[self.px]
            out = np.einsum("jk,jk->j", W, X)
            out = out[:, None] if self.out_kind == BATCHED else out
        elif self.pw.shape[1]:
            W = U[self.pw]
            X = V[self.x0] if self.shared_x else V[self.px]
            out = W @ X if self.shared_x else np.einsum("jk,jkb->jb", W, X)
        if self.tb.shape[1]:
            out = out + V[self.tb].sum(axis=1)
        if self.tu.shape[1]:
            t = U[self.tu].sum(axis=1)
            out = out + (t[:, None] if self.out_kind == BATCHED else t)
        (V if self.out_kind == BATCHED else U)[self.start : self.stop] = out
        return W, X

    def backward(self, U, V, GU, GV, saved, needs) -> None:
        W, X = saved
        g = (GV if self.out_kind == BATCHED else GU)[self.start : self.stop]
        need_w, need_x, need_b, need_u = needs
        if W is not None and (need_w or need_x):
            dw, dx = MUL.local(W, X, None)  # ∂(w·x)/∂w = x, ∂(w·x)/∂x = w
            if self.x_kind == UNIFORM:
                gw = (g.sum(axis=1) if self.out_kind == BATCHED else g)[:, None]
                if need_w:
                    scatter(GU, self.pw, gw * dw, self.unique[0])
                if need_x:
                    scatter(GU, self.px, gw * dx, self.unique[1])
            elif self.shared_x:
                if need_w:
                    scatter(GU, self.pw, g @ dw.T, self.unique[0])
                if need_x:
                    scatter(GV, self.x0, dx.T @ g, self.unique[1])
            else:
                if need_w:
                    scatter(GU, self.pw, np.einsum("jb,jkb->jk", g, dw), self.unique[0])
                if need_x:
                    scatter(GV, self.px, dx[:, :, None] * g[:, None, :], self.unique[1])
        # ∂(Σ t)/∂t = 1: every term receives the node's own ∂L/∂v.
        if need_b and self.tb.shape[1]:
            scatter(GV, self.tb, g[:, None, :], self.unique[2])
        if need_u and self.tu.shape[1]:
            gu = g.sum(axis=1) if self.out_kind == BATCHED else g
            scatter(GU, self.tu, gu[:, None], self.unique[3])
