"""Where each node's numbers live: one row of a store, shared by the batch or one column per sample."""

from __future__ import annotations

from typing import NamedTuple

UNIFORM, BATCHED = 0, 1
"""The two stores: U holds one number per node (shared by the batch), V one row of B numbers per node."""


class Slot(NamedTuple):
    """A node's place: its store (UNIFORM or BATCHED) and its row there."""

    kind: int
    row: int


class ArgSlice(NamedTuple):
    """Argument i's leaves: rows start … stop − 1 of one store."""

    kind: int
    start: int
    stop: int


class Layout:
    """Rows handed out store by store, in the order nodes are placed."""

    def __init__(self) -> None:
        self.slot: dict = {}  # Value → Slot
        self.sizes = [0, 0]

    def place(self, v: object, kind: int) -> Slot:
        s = self.slot[v] = Slot(kind, self.sizes[kind])
        self.sizes[kind] += 1
        return s

    def kind(self, v: object) -> int:
        return self.slot[v].kind

    def row(self, v: object) -> int:
        return self.slot[v].row
