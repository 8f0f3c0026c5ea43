"""The workloads: each runs on every engine and returns one ``Row`` per engine.

Every engine gets the same data and the same initial weights; the moons and seed-001 rows
record the step-0 loss so that the report can check the engines compute the same thing.
"""

from __future__ import annotations

import gc
import itertools
import math
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from . import engines as E


@dataclass
class Row:
    """One engine on one workload: a median ``value`` in ``unit``, or a status saying why not."""

    workload: str
    engine: str
    value: float | None = None
    unit: str = "ms"
    status: str = "ok"
    note: str = ""
    loss0: float | None = None  # step-0 loss, for the agreement check
    better: str = "lower"  # which way is better, for the ratio to micrograd
    bound: str = ""  # "≥": a cap reached without failure; "<": below the resolution; either way no ratio
    extra: dict = field(default_factory=dict)


def median_seconds(run: Callable[[], object], repeats: int) -> tuple[float, list]:
    """Median wall time of ``repeats`` calls, and what each call returned."""
    times, results = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        results.append(run())
        times.append(time.perf_counter() - t)
    return statistics.median(times), results


@contextmanager
def gc_off() -> Iterator[None]:
    """The cyclic GC off inside (after a gc.collect()), on again after, with what it missed collected."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


@contextmanager
def gc_watch() -> Iterator[dict]:
    """Count the cyclic GC's full (generation 2) collections inside, and the seconds it spent in all
    (first in ``gc.callbacks``, so the seconds include the other callbacks, autograd_core.collector's hook)."""
    seen = {"full": 0, "seconds": 0.0}
    started = []

    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            seen["seconds"] += time.perf_counter() - started.pop()
            seen["full"] += info["generation"] == 2

    gc.callbacks.insert(0, callback)
    try:
        yield seen
    finally:
        gc.callbacks.remove(callback)


def _installed(workloads: list[str], engines: tuple, rows: list[Row], unit: str = "ms"):
    """The installed engines, one by one; a "not installed" row per workload for each missing one."""
    for engine in engines:
        if E.installed(engine):
            yield engine
        else:
            rows += [Row(w, engine, unit=unit, status="not installed") for w in workloads]


# ---- moons step: MLP 2-16-16-1 ReLU, hinge + 1e-4·L2, forward + backward + SGD --------------
SIZES = (2, 16, 16, 1)
LR = 0.05


def moons_data(n: int, seed: int = 0) -> tuple[list[tuple[float, float]], list[float]]:
    """Two interleaving half circles with Gaussian noise σ = 0.1; labels ±1."""
    rng = random.Random(seed)
    X, Y = [], []
    for i in range(n):
        t = math.pi * rng.random()
        x, y, label = (math.cos(t), math.sin(t), 1.0) if i % 2 == 0 else (1 - math.cos(t), 0.5 - math.sin(t), -1.0)
        X.append((x + rng.gauss(0, 0.1), y + rng.gauss(0, 0.1)))
        Y.append(label)
    return X, Y


def init_weights(sizes=SIZES, seed: int = 1) -> list[float]:
    """Flat initial weights, layer by layer: W row-major (w ~ U(−1, 1)), then b = 0."""
    rng = random.Random(seed)
    flat = []
    for nin, nout in itertools.pairwise(sizes):
        flat += [rng.uniform(-1.0, 1.0) for _ in range(nin * nout)] + [0.0] * nout
    return flat


def layers(sizes=SIZES):
    """(W, b, nin, nout) of each layer: W and b as slices of the flat weights."""
    k = 0
    for nin, nout in itertools.pairwise(sizes):
        yield slice(k, k + nin * nout), slice(k + nin * nout, k + nin * nout + nout), nin, nout
        k += nin * nout + nout


def mlp(weights: list, x: list, relu: Callable, sizes=SIZES) -> object:
    """The MLP's score on one input, written once for every scalar engine (and for compile())."""
    h = list(x)
    for layer, (W, b, nin, nout) in enumerate(layers(sizes)):
        rows = [weights[W][j * nin : (j + 1) * nin] for j in range(nout)]
        # x_i · w (a number on the left, as every engine takes it; w · x_i is the same float)
        h = [sum((xi * w for w, xi in zip(row, h)), bj) for row, bj in zip(rows, weights[b])]
        if layer < len(sizes) - 2:
            h = [relu(v) for v in h]
    return h[0]


def _scalar_moons(engine: str, X, Y, repeats: int) -> tuple[float, float]:
    step = _nn_moons_step(X, Y) if engine == E.OURS else _moons_step(E.SCALAR_ENGINES[engine](), X, Y)
    t, losses = median_seconds(step, repeats)
    return t, losses[0]


def _nn_moons_step(X, Y) -> Callable[[], float]:
    """Our step as users write it, through the public nn API: MLP, losses.hinge + 1e-4·losses.l2, SGD."""
    from nn import MLP, SGD, losses

    model = MLP(SIZES[0], list(SIZES[1:]), seed=0)
    flat = init_weights()
    for (W, b, nin, _), layer in zip(layers(), model.layers):
        for j, neuron in enumerate(layer.neurons):
            for w, value in zip(neuron.w, flat[W][j * nin : (j + 1) * nin]):
                w.data = value
            neuron.b.data = flat[b][j]
    params = model.parameters()
    optimizer = SGD(params, lr=LR)

    def step() -> float:
        optimizer.zero_grad()
        L = losses.hinge([model(x) for x in X], Y) + 1e-4 * losses.l2(params)
        L.backward()
        optimizer.step()
        return L.data

    return step


def _moons_step(S: E.Scalar, X, Y) -> Callable[[], float]:
    """A training step on fresh initial weights: forward, hinge + 1e-4·L2, backward, SGD; returns the loss."""
    params = [S.leaf(w) for w in init_weights()]

    def step() -> float:
        scores = [mlp(params, x, S.relu) for x in X]
        # relu(1 − y·s) and (1/N)·Σ written with the numbers on the left (1 + (−y)·s is the same float)
        data = (1.0 / len(X)) * sum(S.relu(1.0 + (-y) * s) for s, y in zip(scores, Y))
        L = data + 1e-4 * sum(p * p for p in params)
        S.backward(L)
        loss = S.data(L)
        S.sgd(params, LR)
        return loss

    return step


def _torch_moons(X, Y, repeats: int) -> tuple[float, float]:
    torch = E.torch_module()

    flat = torch.tensor(init_weights(), dtype=torch.float64)
    tensors = []
    for W, b, nin, nout in layers():
        tensors += [flat[W].reshape(nout, nin).clone().requires_grad_(), flat[b].clone().requires_grad_()]
    Xt, Yt = torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64)

    def step() -> float:
        h = Xt
        for i in range(0, len(tensors), 2):
            h = h @ tensors[i].T + tensors[i + 1]
            if i < len(tensors) - 2:
                h = torch.relu(h)
        L = torch.relu(1 - Yt * h[:, 0]).mean() + 1e-4 * sum((p * p).sum() for p in tensors)
        L.backward()
        with torch.no_grad():
            for p in tensors:
                p -= LR * p.grad
                p.grad = None
        return L.item()

    t, losses = median_seconds(step, repeats)
    return t, losses[0]


def _hips_moons(X, Y, repeats: int) -> tuple[float, float]:
    import autograd.numpy as anp
    from autograd import value_and_grad

    flat = np.array(init_weights())
    ws = [a for W, b, nin, nout in layers() for a in (flat[W].reshape(nout, nin), flat[b])]
    Xa, Ya = np.array(X), np.array(Y)

    def loss(ws):
        h = Xa
        for i in range(0, len(ws), 2):
            h = anp.dot(h, ws[i].T) + ws[i + 1]
            if i < len(ws) - 2:
                h = anp.where(h > 0, h, 0.0)
        data = anp.mean(anp.maximum(1 - Ya * h[:, 0], 0.0))
        return data + 1e-4 * sum(anp.sum(w * w) for w in ws)

    vg = value_and_grad(loss)

    def step() -> float:
        nonlocal ws
        L, g = vg(ws)
        ws = [w - LR * gw for w, gw in zip(ws, g)]
        return float(L)

    t, losses = median_seconds(step, repeats)
    return t, losses[0]


def _compiled_moons(X, Y, repeats: int) -> tuple[float, float, float]:
    from autograd_core import compile

    def per_sample(x, y, w):
        return (1 - y * mlp(w, x, lambda v: v.relu())).relu() + 1e-4 * sum(p * p for p in w)

    f = compile(per_sample, batched=(0, 1))
    Xa, Ya, W = np.array(X), np.array(Y), np.array(init_weights())
    t0 = time.perf_counter()
    f.value_and_grad(Xa[:1], Ya[:1], W)  # the trace, once
    trace = time.perf_counter() - t0

    def step() -> float:
        nonlocal W
        L, (_, _, g) = f.value_and_grad(Xa, Ya, W, reduce="mean", argnums=(2,))
        W = W - LR * g
        return L

    t, losses = median_seconds(step, repeats)
    return t, losses[0], trace


def moons(quick: bool) -> list[Row]:
    n, repeats = (10, 2) if quick else (100, 5)
    X, Y = moons_data(n)
    name = f"moons step ({n} points)"
    rows = []
    engines = (E.OURS, E.MICROGRAD, E.MICROGRAD_RUST, E.TORCH_SCALAR, E.TORCH_BATCHED, E.HIPS, E.COMPILED)
    for engine in _installed([name], engines, rows):
        note = "the public nn API: MLP, losses.hinge + 1e-4·losses.l2, SGD" if engine == E.OURS else ""
        if engine in E.SCALAR_ENGINES:
            t, loss0 = _scalar_moons(engine, X, Y, repeats if engine != E.TORCH_SCALAR else 3)
        elif engine == E.TORCH_BATCHED:
            t, loss0 = _torch_moons(X, Y, 20 * repeats)
        elif engine == E.HIPS:
            t, loss0 = _hips_moons(X, Y, 20 * repeats)
        else:
            t, loss0, trace = _compiled_moons(X, Y, 20 * repeats)
            note = f"trace once: {trace * 1e3:.0f} ms"
        rows.append(Row(name, engine, t * 1e3, "ms", loss0=loss0, note=note))
        if engine in E.GC_OFF:
            # The same steps with the cyclic GC off, for micrograd as for us.  Our graphs have no
            # reference cycles, so reference counting frees them; micrograd's (closure ↔ node)
            # pile up until the gc.collect() after the timing.
            with gc_off():
                t, loss0 = _scalar_moons(engine, X, Y, repeats)
            rows.append(Row(name, E.GC_OFF[engine], t * 1e3, "ms", loss0=loss0))
    return rows


# ---- chain: y ← y·a, N times; depth ----------------------------------------------------------
PEER_CAP = 100_000  # peers above this take minutes or gigabytes; said so in their rows


def _chain_scalar(S: E.Scalar, n: int) -> tuple[float, float | None, dict]:
    """Seconds to build y = x·aⁿ and to back-propagate (None: BACKWARD() raised RecursionError), and
    what the cyclic GC did during the build (``gc_watch``)."""
    x, a = S.leaf(1.0), S.leaf(0.999999)
    with gc_watch() as seen:
        t = time.perf_counter()
        y = x
        for _ in range(n):
            y = y * a
        build = time.perf_counter() - t
    t = time.perf_counter()
    try:
        S.backward(y)
    except RecursionError:
        return build, None, seen
    back = time.perf_counter() - t
    expect = n * 0.999999 ** (n - 1)
    if not math.isclose(S.grad(a), expect, rel_tol=1e-6):
        raise ArithmeticError(f"∂y/∂a = {S.grad(a)}, expected {expect}")
    return build, back, seen


def _chain_hips(n: int) -> tuple[float, float | None, dict]:
    from autograd.core import make_vjp

    def f(a):
        y = 1.0
        for _ in range(n):
            y = y * a
        return y

    with gc_watch() as seen:
        t = time.perf_counter()
        vjp, _ = make_vjp(f, 0.999999)
        build = time.perf_counter() - t
    t = time.perf_counter()
    vjp(1.0)
    return build, time.perf_counter() - t, seen


def chain(quick: bool) -> list[Row]:
    rows = []
    for n in (1_000,) if quick else (1_000, 10_000, 100_000, 1_000_000):
        build_name, back_name = f"chain build, N={n:.0e}", f"chain backward, N={n:.0e}"
        engines = (E.OURS, E.MICROGRAD, E.MICROGRAD_RUST, E.TORCH_SCALAR, E.HIPS)
        for engine in _installed([build_name, back_name], engines, rows, "ns/op"):
            if engine != E.OURS and n > PEER_CAP:
                skip = f"skipped: N > {PEER_CAP:.0e} for peers (minutes)"
                rows += [Row(name, engine, unit="ns/op", status=skip) for name in (build_name, back_name)]
                continue
            build, back, seen = _chain_median(engine, n)
            if engine not in E.GC_OFF:
                rows += _chain_rows(build_name, back_name, engine, n, build, back, "")
                continue
            # The same chain with the cyclic GC off: the build cost without the collections.
            with gc_off():
                off_build, off_back, _ = _chain_median(engine, n)
            note = _gc_note(seen, n, build, off_build)
            if engine == E.OURS and n >= 100_000:
                with collector_off():
                    bare, _, bare_seen = _chain_median(engine, n)
                note += f"; without autograd_core.collector's hook: {bare / n * 1e9:,.0f} ns/op, "
                note += _gc_note(bare_seen, n, bare, off_build)
            rows += _chain_rows(build_name, back_name, engine, n, build, back, note)
            rows += _chain_rows(build_name, back_name, E.GC_OFF[engine], n, off_build, off_back, "")
    return rows


def _gc_note(seen: dict, n: int, build: float, off_build: float) -> str:
    """The cyclic GC's share of a build: (GC on − GC off) / GC on, and its time in the collections."""
    note = f"GC share {(build - off_build) / build:.0%} (the cyclic GC took {seen['seconds'] / n * 1e9:,.0f} ns/op"
    if seen["full"]:
        note += f" in {seen['full']} full collections and the young ones; each full one re-scans every live object"
    return note + ")"


@contextmanager
def collector_off() -> Iterator[None]:
    """autograd_core's gc hook (``autograd_core.collector``) removed inside, put back after."""
    from autograd_core import collector

    was = collector.installed()
    collector.uninstall()
    try:
        yield
    finally:
        if was:
            collector.install()


def _chain_median(engine: str, n: int) -> tuple[float, float | None, dict]:
    """The run with the median build time: of 5 at N = 1e3 and 3 at 1e4 (a single run lasts milliseconds)."""
    runs = []
    for _ in range({1_000: 5, 10_000: 3}.get(n, 1)):
        gc.collect()  # every run starts with an empty young generation, outside the timing
        runs.append(_chain_hips(n) if engine == E.HIPS else _chain_scalar(E.SCALAR_ENGINES[engine](), n))
    return sorted(runs, key=lambda run: run[0])[len(runs) // 2]


def _chain_rows(build_name: str, back_name: str, engine: str, n: int, build: float, back: float | None, note: str):
    """The chain's two rows for one engine, in ns per op (backward: RecursionError if it failed)."""
    if back is None:
        back_row = Row(back_name, engine, unit="ns/op", status="failed: RecursionError")
    else:
        back_row = Row(back_name, engine, back / n * 1e9, "ns/op")
    return [Row(build_name, engine, build / n * 1e9, "ns/op", note=note), back_row]


def _survives(engine: str, n: int) -> bool:
    try:
        return (_chain_hips(n) if engine == E.HIPS else _chain_scalar(E.SCALAR_ENGINES[engine](), n))[1] is not None
    except RecursionError:
        return False


def depth(quick: bool) -> list[Row]:
    """The longest chain that builds and back-propagates (ladder 10², 10³, …; bisected when it fails)."""
    top = 10_000 if quick else 1_000_000
    rows = []
    for engine in _installed(["depth reached"], (E.OURS, E.MICROGRAD, E.TORCH_SCALAR, E.HIPS), rows, "nodes"):
        cap = top if engine == E.OURS else min(top, PEER_CAP)
        ok, n, failed = 0, 100, None
        while n <= cap:
            if not _survives(engine, n):
                failed = n
                break
            ok, n = n, n * 10
        if failed is not None:
            lo, hi = ok, failed
            while hi - lo > max(1, lo // 100):
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if _survives(engine, mid) else (lo, mid)
            rows.append(Row("depth reached", engine, lo, "nodes", better="higher", note=f"RecursionError at {hi}"))
        else:
            note = f"no failure up to the cap, {cap:.0e}"
            rows.append(Row("depth reached", engine, ok, "nodes", better="higher", note=note, bound="≥"))
    return rows


# ---- wide sum: Σ a_i·b_i over 1e5 products ------------------------------------------------------
def wide(quick: bool) -> list[Row]:
    n, repeats = (1_000, 2) if quick else (100_000, 3)
    rng = np.random.default_rng(2)
    a, b = rng.uniform(-1, 1, n), rng.uniform(-1, 1, n)
    name = f"wide sum of {n:.0e} products (build + backward)"
    rows = []
    engines = (E.OURS, E.MICROGRAD, E.MICROGRAD_RUST, E.TORCH_SCALAR, E.TORCH_BATCHED, E.HIPS, E.COMPILED)
    for engine in _installed([name], engines, rows):
        note = ""
        if engine in E.SCALAR_ENGINES:
            S = E.SCALAR_ENGINES[engine]()

            def run(S=S):
                xs, ys = [S.leaf(float(v)) for v in a], [S.leaf(float(v)) for v in b]
                S.backward(sum(x * y for x, y in zip(xs, ys)))
                return S.grad(xs[0])

            note = "leaves made inside the timing"
        elif engine == E.TORCH_BATCHED:
            torch = E.torch_module()

            x, y = torch.tensor(a, requires_grad=True), torch.tensor(b)

            def run(x=x, y=y):
                x.grad = None
                (x * y).sum().backward()
                return x.grad[0].item()

            note = "tensors made outside the timing"
        elif engine == E.HIPS:
            import autograd.numpy as anp
            from autograd import grad

            g = grad(lambda x: anp.sum(x * b))

            def run(g=g):
                return g(a)[0]
        else:
            from autograd_core import compile

            f = compile(lambda x, y: sum(xi * yi for xi, yi in zip(x, y)), batched=())
            t0 = time.perf_counter()
            f(a, b)
            note = f"trace once: {(time.perf_counter() - t0) * 1e3:.0f} ms"

            def run(f=f):
                return f.value_and_grad(a, b, argnums=(0,))[1][0][0]

        try:
            t, results = median_seconds(run, repeats)
        except RecursionError:
            rows.append(Row(name, engine, status="failed: RecursionError"))
            continue
        if not math.isclose(float(results[0]), b[0], rel_tol=1e-12):
            raise ArithmeticError(f"{engine}: ∂/∂a_0 = {results[0]}, expected {b[0]}")
        rows.append(Row(name, engine, t * 1e3, "ms", note=note))
        gc.collect()
    return rows + _wide_dot(a, b, repeats)


def _wide_dot(a: np.ndarray, b: np.ndarray, repeats: int) -> list[Row]:
    """The same Σ a_i·b_i as one node, ``autograd_core.dot`` (interpreted and compiled)."""
    import autograd_core as ac

    name = f"wide sum of {len(a):.0e} products as one autograd_core.dot"

    def run():
        xs, ys = [ac.Value(float(v)) for v in a], [ac.Value(float(v)) for v in b]
        ac.dot(xs, ys).backward()
        return xs[0].grad

    f = ac.compile(lambda x, y: ac.dot(x, y), batched=())
    f(a, b)  # the trace, once
    rows = []
    for engine, step in ((E.OURS, run), (E.COMPILED, lambda: f.value_and_grad(a, b, argnums=(0,))[1][0][0])):
        t, results = median_seconds(step, repeats)
        if not math.isclose(float(results[0]), b[0], rel_tol=1e-12):
            raise ArithmeticError(f"{engine}: ∂/∂a_0 = {results[0]}, expected {b[0]}")
        note = "leaves made inside the timing" if engine == E.OURS else ""
        rows.append(Row(name, engine, t * 1e3, "ms", note=note))
        gc.collect()
    return rows


# ---- memory: bytes per node; growth over a training loop with the cyclic GC off -----------------
GROWTH_RESOLUTION = 0.001
"""MB per step: less is shown as "< 0.001" (a few allocator blocks; one step's graph is megabytes)."""


def _bytes_per_node(S: E.Scalar, n: int, constants: bool = False) -> float:
    """Bytes per op of y ← y·a, N times (``constants``: y ← y·0.999, a number, lifted at every op)."""
    gc.collect()
    x, a = S.leaf(1.0), (0.999 if constants else S.leaf(0.5))
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    y = x
    for _ in range(n):
        y = y * a
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del y
    return used / n


def memory(quick: bool) -> list[Row]:
    n = 1_000 if quick else 100_000
    name = f"memory per node (chain of {n:.0e}, tracemalloc)"
    rows = []
    for engine in _installed([name], (E.OURS, E.MICROGRAD, E.TORCH_SCALAR), rows, "B/node"):
        if engine == E.TORCH_SCALAR:
            rows.append(Row(name, engine, unit="B/node", status="n/a: C++ allocations are invisible to tracemalloc"))
        else:
            rows.append(Row(name, engine, _bytes_per_node(E.SCALAR_ENGINES[engine](), n), "B/node"))
    name = f"memory per op with a constant (chain y·0.999 of {n:.0e}, tracemalloc)"
    for engine in _installed([name], (E.OURS, E.MICROGRAD), rows, "B/op"):
        rows.append(Row(name, engine, _bytes_per_node(E.SCALAR_ENGINES[engine](), n, constants=True), "B/op"))
    gc.collect()
    k = 2 if quick else 5
    name = f"training-loop growth, GC off (moons steps of 20 points, step {k} → {2 * k})"
    X, Y = moons_data(20)
    for engine in _installed([name], (E.OURS, E.MICROGRAD), rows, "MB/step"):
        step = _moons_step(E.SCALAR_ENGINES[engine](), X, Y)
        gc.collect()
        gc.disable()
        try:
            tracemalloc.start()
            for _ in range(k):  # steps 1…k warm up: first-call allocations are not growth
                step()
            start = tracemalloc.get_traced_memory()[0]
            for _ in range(k):
                step()
            grown = tracemalloc.get_traced_memory()[0] - start
            tracemalloc.stop()
        finally:
            gc.enable()
        freed = gc.collect()
        note = f"grew {grown / k:,.0f} B/step; gc.collect() then freed {freed} objects (of {2 * k} steps)"
        per_step = grown / k / 2**20
        if per_step < GROWTH_RESOLUTION:
            rows.append(Row(name, engine, GROWTH_RESOLUTION, "MB/step", note=note, bound="<"))
        else:
            rows.append(Row(name, engine, per_step, "MB/step", note=note))
    return rows


# ---- seed 001: the two-layer ReLU net of the slides, one training step --------------------------
def seed001_data(n: int, d_in: int, h: int, d_out: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(1)
    return (
        rng.standard_normal((n, d_in)),
        rng.standard_normal((n, d_out)),
        rng.standard_normal((d_in, h)),
        rng.standard_normal((h, d_out)),
    )


SEED001_LR = 1e-6


def seed001_loss(x, y, w1, w2):
    """One sample's squared loss, as scalar code: h_j = Σ_i x_i w1_ij, ŷ_k = Σ_j relu(h_j) w2_jk."""
    h = [sum(x[i] * w1[i][j] for i in range(len(x))).relu() for j in range(len(w1[0]))]
    y_pred = [sum(h[j] * w2[j][k] for j in range(len(h))) for k in range(len(y))]
    return sum((y_pred[k] - y[k]) ** 2 for k in range(len(y)))


def seed001(quick: bool) -> list[Row]:
    n, d_in, h, d_out = (8, 20, 10, 3) if quick else (64, 1000, 100, 10)
    x, y, w1, w2 = seed001_data(n, d_in, h, d_out)
    name = f"seed-001 net step (N={n}, D_in={d_in}, H={h}, D_out={d_out})"
    repeats = 3 if quick else 20
    rows = []
    # The slide's hand-written step, as the seed-001 demo keeps it (update included).
    from demos.numpy_net import numpy_step

    t, res = median_seconds(lambda: numpy_step(x, y, w1, w2, SEED001_LR), repeats)
    rows.append(Row(name, E.NUMPY_HAND, t * 1e3, loss0=res[0][0], note="the baseline of this workload"))

    from autograd_core import Value, compile

    f = compile(seed001_loss, batched=(0, 1))
    t0 = time.perf_counter()
    f(x[:1], y[:1], w1, w2)
    trace = time.perf_counter() - t0

    def compiled_step():
        L, (_, _, g1, g2) = f.value_and_grad(x, y, w1, w2, argnums=(2, 3))
        return L, w1 - SEED001_LR * g1, w2 - SEED001_LR * g2

    t, res = median_seconds(compiled_step, repeats)
    rows.append(Row(name, E.COMPILED, t * 1e3, loss0=res[0][0], note=f"trace once: {trace:.1f} s; {f}"))

    # The interpreted engine: one sample of the batch (its graph alone is D_in·H + H·D_out products).
    leaves = [[Value(v) for v in w1[i]] for i in range(d_in)], [[Value(v) for v in w2[j]] for j in range(h)]

    def one_sample():
        L = seed001_loss([float(v) for v in x[0]], [float(v) for v in y[0]], *leaves)
        L.backward()
        return L.data

    t, _ = median_seconds(one_sample, 1)
    rows.append(Row(name, E.OURS, t * n * 1e3, note=f"timed on 1 sample, ×{n} (one step, extrapolated)"))

    if E.installed(E.TORCH_BATCHED):
        torch = E.torch_module()

        xt, yt = torch.tensor(x), torch.tensor(y)
        w1t, w2t = torch.tensor(w1, requires_grad=True), torch.tensor(w2, requires_grad=True)

        def torch_step():
            loss = (torch.relu(xt @ w1t) @ w2t - yt).pow(2).sum()
            loss.backward()
            with torch.no_grad():
                n1, n2 = w1t - SEED001_LR * w1t.grad, w2t - SEED001_LR * w2t.grad
            w1t.grad = w2t.grad = None
            return loss.item(), n1, n2

        t, res = median_seconds(torch_step, repeats)
        rows.append(Row(name, E.TORCH_BATCHED, t * 1e3, loss0=res[0][0]))
    else:
        rows.append(Row(name, E.TORCH_BATCHED, status="not installed"))
    if E.installed(E.HIPS):
        import autograd.numpy as anp
        from autograd import value_and_grad

        vg = value_and_grad(lambda w: anp.sum((anp.dot(anp.maximum(anp.dot(x, w[0]), 0.0), w[1]) - y) ** 2))

        def hips_step():
            L, (g1, g2) = vg((w1, w2))
            return float(L), w1 - SEED001_LR * g1, w2 - SEED001_LR * g2

        t, res = median_seconds(hips_step, repeats)
        rows.append(Row(name, E.HIPS, t * 1e3, loss0=res[0][0]))
    else:
        rows.append(Row(name, E.HIPS, status="not installed"))
    return rows


WORKLOADS: dict[str, Callable[[bool], list[Row]]] = {
    "moons": moons,
    "chain": chain,
    "wide": wide,
    "memory": memory,
    "depth": depth,
    "seed001": seed001,
}
"""Every workload by name, in the order of the table."""
