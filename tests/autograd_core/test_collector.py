"""The gc hook (``autograd_core.collector``): installed on import, young collections of graph nodes
frozen instead of scanned, and every cycle still collected.

Each check that depends on the process's GC state runs in a fresh interpreter, so the test run's
own GC state is not disturbed; they assert counts and weak references, not timings (the
benchmark's chain rows time the build).
"""

import gc
import os
import subprocess
import sys
import textwrap

import autograd_core
from autograd_core import collector

PRELUDE = """
import gc, sys, threading, tracemalloc, weakref
import autograd_core
from autograd_core import Value, collector

class Cycle:
    __slots__ = ("me", "__weakref__")
    def __init__(self):
        self.me = self

def chain(n, every=0, cycles=None):
    # y ← y·a, n times; with every > 0, a reference cycle after every `every` ops.
    x, a = Value(1.0), Value(0.999999)
    y = x
    for i in range(n):
        y = y * a
        if every and i % every == 0:
            cycles.append(weakref.ref(Cycle()))
    return y

def alive(refs):
    return sum(r() is not None for r in refs)
"""


def run(code: str, **env: str) -> str:
    """Run PRELUDE + code in a fresh interpreter; its stdout (stderr must be empty: nothing unraisable)."""
    environ = {k: v for k, v in os.environ.items() if k != "AUTOGRAD_CORE_GC"} | env
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout


def ours() -> list:
    return [c for c in gc.callbacks if getattr(c, "autograd_core_collector", False)]


def test_collector_installed_on_import():
    assert collector.installed()
    assert len(ours()) == 1
    assert autograd_core.collector is collector


def test_collector_one_hook_after_reimport_and_reload():
    out = run("""
        import importlib
        importlib.reload(autograd_core.collector)
        importlib.reload(autograd_core)
        collector.install()
        autograd_core.collector.install()
        print(sum(getattr(c, "autograd_core_collector", False) for c in gc.callbacks))
    """)
    assert out.split() == ["1"]


def test_collector_uninstall_and_install():
    out = run("""
        collector.uninstall()
        print(collector.installed(), len(gc.callbacks))
        collector.uninstall()
        collector.install()
        collector.install()
        print(collector.installed(), len(gc.callbacks))
    """)
    assert out.split() == ["False", "0", "True", "1"]


def test_collector_environment_opt_out():
    code = "print(collector.installed(), len(gc.callbacks))"
    assert run(code, AUTOGRAD_CORE_GC="off").split() == ["False", "0"]
    assert run(code, AUTOGRAD_CORE_GC="OFF").split() == ["False", "0"]
    assert run(code, AUTOGRAD_CORE_GC="on").split() == ["True", "1"]


SCANNED = """
# A probe after the hook: how many objects each collection is about to scan.
scanned = {0: 0, 1: 0, 2: 0}
runs = {0: 0, 1: 0, 2: 0}
empty = [0]
def probe(phase, info):
    if phase != "start":
        return
    g = info["generation"]
    n = sum(len(gc.get_objects(generation=i)) for i in range(g + 1))
    scanned[g] += n
    runs[g] += 1
    empty[0] += n < 50  # the probe itself makes a few objects
gc.collect()
gc.callbacks.append(probe)
y = chain(100_000)
gc.callbacks.remove(probe)
print(scanned[0] + scanned[1] + scanned[2], runs[0], runs[1], runs[2], empty[0])
"""


def test_collector_young_collections_scan_nothing_while_building():
    with_hook = [int(w) for w in run(SCANNED).split()]
    without = [int(w) for w in run(SCANNED, AUTOGRAD_CORE_GC="off").split()]
    # Without the hook: ~400 young collections and a few full ones rescan the chain, ~900k
    # objects in all.  With it: the same young collections, each frozen first, and no full one.
    assert without[0] > 500_000 and without[3] >= 1
    scanned, young, middle, full, empty = with_hook
    assert young >= 300 and middle == 0 and full == 0
    assert empty >= young - 2
    assert scanned < 0.01 * without[0]


def test_collector_backward_over_a_long_chain_scans_nothing_either():
    # BACKWARD's depth-first walk keeps one tuple iterator per node on its path: 1e5 of them here.
    build, start = "y = chain(100_000)\ngc.callbacks.remove(probe)", "gc.collect()\ngc.callbacks.append(probe)"
    code = SCANNED.replace(build, "y.backward()\ngc.callbacks.remove(probe)")
    code = code.replace(start, "y = chain(100_000)\n" + start)
    assert "y.backward()" in code and code.count("chain(100_000)") == 1
    with_hook = [int(w) for w in run(code).split()]
    without = [int(w) for w in run(code, AUTOGRAD_CORE_GC="off").split()]
    assert without[0] > 200_000 and with_hook[0] < 0.05 * without[0]
    assert with_hook[3] == 0  # no full collection


def test_collector_frozen_nodes_are_freed_by_reference_counting():
    out = run("""
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        y = chain(100_000)
        built = tracemalloc.get_traced_memory()[0] - before
        frozen = gc.get_freeze_count()
        del y
        after = tracemalloc.get_traced_memory()[0] - before
        print(built, after, frozen)
    """)
    built, after, frozen = (int(w) for w in out.split())
    assert frozen > 200_000  # the chain went to the permanent generation …
    # … and its memory came back without a collection (the free lists keep a little)
    assert built > 100_000 * 150 and after < 0.01 * built


def test_collector_gc_collect_frees_frozen_cycles():
    out = run("""
        cycles = []
        gc.collect()
        y = chain(100_000, every=1_000, cycles=cycles)
        print(alive(cycles), gc.get_freeze_count() > 0)
        gc.collect()
        print(alive(cycles))
    """)
    frozen, froze, left = out.split()
    assert int(frozen) >= 90 and froze == "True"  # interleaved with nodes, the cycles were frozen
    assert left == "0"


def test_collector_gc_collect_0_still_scans():
    out = run("""
        cycles = []
        gc.collect()
        y = chain(200, every=199, cycles=cycles)  # 600 nodes and 2 cycles: no automatic collection yet
        young = len(gc.get_objects(generation=0))
        gc.collect(0)
        print(young > 600, alive(cycles))
    """)
    assert out.split() == ["True", "0"]


def test_collector_automatic_full_collections_free_frozen_cycles():
    # A training-like loop: each step builds a graph with cycles among its nodes and drops it; nobody
    # calls gc.collect().  The cycles are frozen with the nodes, and full collections must still
    # come by themselves and free them.
    out = run("""
        gc.collect()
        full = gc.get_stats()[2]["collections"]
        cycles, most = [], 0
        for step in range(500):
            y = chain(3_000, every=100, cycles=cycles)
            if step % 10 == 0:
                most = max(most, alive(cycles[-3_000:]))
        half = len(cycles) // 2
        print(gc.get_stats()[2]["collections"] - full, most, alive(cycles[:half]), len(cycles))
    """)
    full, most, early, made = (int(w) for w in out.split())
    assert made == 15_000
    assert most > 1_000  # cycles outlived many young collections: they were frozen …
    assert full >= 2 and early == 0  # … and automatic full collections freed them


def test_collector_disabled_gc_freezes_nothing():
    out = run("""
        gc.collect()
        gc.disable()
        y = chain(50_000)
        print(gc.get_freeze_count())
    """)
    assert out.split() == ["0"]


def test_collector_keeps_a_users_freeze_until_it_freezes_itself():
    out = run("""
        settled = [[] for _ in range(1_000)]
        gc.collect()
        gc.freeze()
        mine = gc.get_freeze_count()
        gc.collect()
        print(mine > 1_000, gc.get_freeze_count() == mine)
    """)
    assert out.split() == ["True", "True"]


def test_collector_threads_building_graphs():
    out = run("""
        cycles, grads = [], []
        def work():
            x = Value(1.0)
            y = chain(50_000, every=500, cycles=cycles) * x
            y.backward()
            grads.append(x.grad)
        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        gc.collect()
        print(len(grads), all(abs(g - 0.999999**50_000) < 1e-12 for g in grads), alive(cycles), len(cycles))
    """)
    assert out.split() == ["4", "True", "0", "400"]


def test_collector_steps_aside_on_an_error():
    out = run("""
        def broken(obj):
            raise RuntimeError("boom")
        collector._is_node = broken
        gc.collect()
        y = chain(10_000)
        print(collector.installed())
    """)
    assert out.split() == ["False"]  # and nothing was printed to stderr (run checks)
