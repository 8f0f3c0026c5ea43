"""The cyclic GC and our graphs: young collections freeze graph nodes instead of scanning them.

Python's cyclic garbage collector scans the young objects every 700 new containers, and every
object in each full collection, looking for reference cycles.  A graph of Values has none
(reference counting frees it), yet building a 1e6-op chain spent about 60% of its time there.
``install()``, done by ``import autograd_core``, adds one ``gc.callbacks`` hook:

- At the start of an automatic generation-0 collection it looks at 8 of the young objects (at
  every other one; in between it repeats its last decision).  If at least 6 are graph nodes (a
  ``Value``, a tuple or list whose last item is a Value or a float, or a tuple's iterator, which
  BACKWARD's depth-first walk keeps for each node on its path), it calls
  ``gc.freeze()``: in O(1) every tracked object moves to the permanent generation, and the
  collection has nothing to scan.  Frozen objects are still freed by reference counting.
- At the start of every full (generation-2) collection, automatic or ``gc.collect()``, it calls
  ``gc.unfreeze()`` first (if it froze since the last one), so that collection sees every object
  and frees any cyclic garbage frozen with the nodes: ``gc.collect()`` keeps its meaning.
- ``gc.freeze()`` also zeroes the collector's counters, so while the hook freezes, CPython starts
  no full collection.  So that they still come by themselves, the hook counts the young objects
  it could not tell were graph nodes (estimated from its samples, and all the objects of the
  collections it let run); once they reach a quarter of the memory blocks allocated at the last
  full collection (``sys.getallocatedblocks()``), it stops freezing until the next one, which
  CPython's own schedule then brings.

``gc.collect(0)``, ``gc.collect(1)`` and generation-1 collections run as usual; after
``gc.disable()`` no collection starts, so the hook has nothing to do.  A callback runs in the
thread that triggered the collection, one collection at a time; the hook never raises (after an
error it removes itself).

Turn it off with ``AUTOGRAD_CORE_GC=off`` in the environment before the import, or with
``uninstall()``.  Do so in a program that calls ``gc.freeze()`` itself (say before ``os.fork()``):
the hook's ``gc.unfreeze()`` would undo that freeze.  Frozen objects are not listed by
``gc.get_objects()`` or ``gc.get_referrers()``; call ``gc.collect()`` first.
"""

from __future__ import annotations

import gc
import os
import sys

from .value import Value

SAMPLE = 8
"""Young objects looked at per collection; at least 3/4 of them must be graph nodes to freeze."""
LARGEST = 256
"""A tuple or list longer than this is not looked into (keeps a sample O(1))."""
MIN_BUDGET = 10_000
"""Unrecognized frozen objects allowed between full collections, at the least."""


_WALK = type(iter(()))
"""A tuple's iterator: what BACKWARD's depth-first walk keeps for each node on its path."""


def _is_node(obj: object) -> bool:
    """A ``Value``, a node's ``parents``/``local_grads`` (a tuple or list of Values or floats), or a walk's iterator?"""
    kind = type(obj)
    if kind is Value or kind is _WALK:
        return True
    if (kind is tuple or kind is list) and 0 < len(obj) <= LARGEST:
        # Not obj[0]: a tuple that C code is still filling has NULL items; get_referents skips them
        # (and lists the items last first).
        items = gc.get_referents(obj)
        return bool(items) and (type(items[0]) is Value or type(items[0]) is float)
    return False


def _budget() -> int:
    return max(MIN_BUDGET, sys.getallocatedblocks() // 4)


class _Hook:
    """The ``gc.callbacks`` entry; gc runs one collection at a time, so its state needs no lock."""

    __slots__ = ("froze", "unknown", "budget", "turn", "last")
    autograd_core_collector = True  # how install() finds the hook of an earlier import or reload

    def __init__(self) -> None:
        self.froze = False  # has the hook frozen since the last full collection?
        self.unknown = 0.0  # young objects not known to be nodes, moved or frozen since then
        self.budget = _budget()
        self.turn = 0  # counts the young collections: which to look at, and where
        self.last: float | None = None  # fraction of non-nodes when the last look froze, else None

    def __call__(self, phase: str, info: dict) -> None:
        if phase != "start":
            return
        try:
            generation = info["generation"]
            if generation == 2:
                self.full()
            elif generation == 0 and self.unknown < self.budget:
                self.young()
        except Exception:
            # An exception here would be printed at every collection: step aside instead.
            uninstall()

    def full(self) -> None:
        """Before a full collection: unfreeze, so it sees every object; start counting again."""
        if self.froze:
            gc.unfreeze()
            self.froze = False
        self.unknown = 0.0
        self.budget = _budget()

    def young(self) -> None:
        """Before an automatic generation-0 collection: freeze the young objects if they are graph nodes.

        Every other collection repeats the last decision without looking (looking costs more
        than the rest of the hook); a wrong guess there is followed by a look that sees it.
        """
        count = gc.get_count()[0]
        if count <= gc.get_threshold()[0]:
            return  # gc.collect(0) asked for a scan
        self.turn += 1
        if self.turn % 2 == 0:
            if self.last is not None:
                self.freeze(count, self.last)
            return
        young = gc.get_objects(generation=0)
        n = len(young)
        step = n // SAMPLE
        if step < 4:
            self.last = None
            return
        sample = young[self.turn // 2 % step :: step]
        del young
        others = len(sample) - sum(map(_is_node, sample))
        if 4 * others <= len(sample):
            self.last = others / len(sample)
            self.freeze(n, self.last)
        else:
            self.last = None
            self.unknown += n  # the survivors go to generation 1, and a later freeze may take them

    def freeze(self, n: int, others: float) -> None:
        """``gc.freeze()`` n young objects, of which the fraction ``others`` are not graph nodes."""
        gc.freeze()
        self.froze = True
        self.unknown += n * others


def _hooks() -> list:
    return [callback for callback in gc.callbacks if getattr(callback, "autograd_core_collector", False)]


def install() -> None:
    """Add the hook to ``gc.callbacks`` (once: calling again, or a reload, keeps one hook)."""
    if not _hooks():
        gc.callbacks.append(_Hook())


def uninstall() -> None:
    """Remove the hook and unfreeze what it froze: the cyclic GC behaves as without autograd_core."""
    for hook in _hooks():
        gc.callbacks.remove(hook)
        if hook.froze:
            gc.unfreeze()


def installed() -> bool:
    """Is the hook in ``gc.callbacks``?"""
    return bool(_hooks())


# Installed on import (autograd_core imports this module), unless AUTOGRAD_CORE_GC=off.
if os.environ.get("AUTOGRAD_CORE_GC", "").strip().lower() not in ("off", "0", "false", "no"):
    install()
