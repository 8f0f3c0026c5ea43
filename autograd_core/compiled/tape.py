"""The tape: the traced graph laid out in two stores, its groups as kernels in topological order."""

from __future__ import annotations

import hashlib

import numpy as np

from ..graph import count_children, topological_order
from ..ops import OPS
from ..value import Value, _node
from .fusion import SIGMA, GroupKey, SumMember, group_nodes
from .kernels import OpKernel, SumKernel
from .layout import UNIFORM, ArgSlice, Layout


class Tape:
    """Every node's row (``layout``), the constants' values, and the kernels that replay the graph."""

    def __init__(self, outs: list[Value], arg_leaves: list[list[Value]], arg_kinds: list[int], params: list) -> None:
        root = _node(0.0, "", tuple(outs), ())  # one root above all outputs, so one walk sees them all
        order = topological_order(root)[:-1]
        self.layout = Layout()
        self._place_leaves(order, arg_leaves, arg_kinds, params)
        kind = {v: s.kind for v, s in self.layout.slot.items()}
        groups = group_nodes(order, outs, count_children(root), kind)
        self.kernels = [self._kernel(key, groups[key]) for key in sorted(groups, key=lambda key: key.level)]
        self.sizes = tuple(self.layout.sizes)
        self.outputs = [self.layout.slot[o] for o in outs]
        self.n_nodes = len(order)
        self.fingerprint = self._fingerprint()

    def _place_leaves(self, order: list, arg_leaves: list, arg_kinds: list, params: list) -> None:
        """Leaves first: constants, parameters, then the arguments (all their elements, used or not)."""
        inputs = {v for leaves in arg_leaves for v in leaves} | set(params)
        self.constants = [v for v in order if not v.parents and v not in inputs]
        for v in self.constants:
            self.layout.place(v, UNIFORM)
        for p in params:
            if p not in self.layout.slot:
                self.layout.place(p, UNIFORM)
        self.arg_slices = []
        for leaves, k in zip(arg_leaves, arg_kinds):
            start = self.layout.sizes[k]
            for v in leaves:
                self.layout.place(v, k)
            self.arg_slices.append(ArgSlice(k, start, self.layout.sizes[k]))
        self.param_rows = np.asarray([self.layout.row(p) for p in params], dtype=np.intp)
        self.constant_values = np.asarray([v.data for v in self.constants], dtype=float)

    def _kernel(self, key: GroupKey, members: list) -> OpKernel | SumKernel:
        """The group's outputs placed side by side, and the kernel that computes them."""
        start = self.layout.sizes[key.out_kind]
        row = self.layout.row
        # Members in the order of their inputs' rows, so that a layer's outputs come out in the order of
        # its weights, one contiguous run of rows: the next layer reads them as a view, not a gather.
        if key.op == SIGMA:
            members = sorted(members, key=lambda m: [row(u) for u in _sum_inputs(m)])
            for m in members:
                self.layout.place(m.node, key.out_kind)
            return _sum_kernel(members, row, key.out_kind, start, key.kinds[3])
        members = sorted(members, key=lambda v: [row(p) for p in v.parents])
        for v in members:
            self.layout.place(v, key.out_kind)
        op = OPS[key.op]
        if op.array_forward is None:
            raise ValueError(
                f"compile: op {op.name!r} has no array forward; give its row one that works on numpy "
                f"arrays: Op({op.name!r}, …, array_forward=f)"
            )
        idx = [[row(v.parents[i]) for v in members] for i in range(len(key.kinds))]
        return OpKernel(op, key.const, key.kinds, idx, key.out_kind, start)

    def _fingerprint(self) -> str:
        """A digest of the graph's structure, everything the replay does but the constants' values.

        Equal graphs give equal tapes, hence equal digests.  Constants are left out: some are read
        from the data (softmax's max shift, m = max z) and differ per sample by design.
        """
        h = hashlib.sha256(repr((self.sizes, self.outputs, self.arg_slices)).encode())
        h.update(self.param_rows.tobytes())
        for kernel in self.kernels:
            what, arrays = kernel.describe()
            h.update(repr(what).encode())
            for a in arrays:
                h.update(repr(a.shape).encode())
                h.update(a.tobytes())
        return h.hexdigest()


def _sum_inputs(m: SumMember) -> list[Value]:
    return [u for pair in m.pairs for u in pair] + m.batched_terms + m.uniform_terms


def _sum_kernel(members: list[SumMember], row, out_kind: int, start: int, x_kind: int) -> SumKernel:
    return SumKernel(
        [[row(w) for w, _ in m.pairs] for m in members],
        [[row(x) for _, x in m.pairs] for m in members],
        [[row(t) for t in m.batched_terms] for m in members],
        [[row(t) for t in m.uniform_terms] for m in members],
        out_kind,
        start,
        len(members),
        x_kind,
    )
