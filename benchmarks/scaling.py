"""``fit(compiled=True)`` as the batch grows: time and peak memory per full-batch step, against PyTorch.

The same network (MLP(2, [h, h, 1]) ReLU, the weights of ``nn.MLP(…, seed=0)``), the same data
(``nn.data.moons(N)``, labels ±1), the same objective (the mean hinge loss) and the same update
(SGD): ours through ``fit``, timed between its per-epoch callbacks, so one step is everything
``fit`` does per full-batch epoch (forward, backward, SGD, the history); PyTorch batched float64
on one thread, forward, backward and SGD.  Memory is the rise of the process's peak resident set
during a step (``/proc/self/status``'s VmHWM, reset before each step), for both engines.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from . import engines as E
from .workloads import Row

FIT = E.COMPILED_FIT
SIZES_N = (100, 1_000, 10_000, 100_000)
SIZES_H = (16, 64, 256)
LR = 0.05
WORKLOAD = "fit scaling"


def workload_name(n: int, h: int) -> str:
    return f"{WORKLOAD}, N={n:,}, h={h}"


# ---- peak resident memory (Linux) -------------------------------------------------------------
def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Reset VmHWM to the current resident set (Linux ≥ 4.0); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


class StepMeter:
    """Wall time and peak-memory rise of each step, measured between successive ``tick()`` calls."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.peak_mb: list[float] = []
        self.rss_mb: list[float] = []
        self._memory = _reset_peak() and _status_kib("VmHWM") is not None
        self._start()

    def _start(self) -> None:
        if self._memory:
            _reset_peak()
            self._rss = _status_kib("VmRSS")
        self._t = time.perf_counter()

    def tick(self) -> None:
        self.seconds.append(time.perf_counter() - self._t)
        if self._memory:
            self.peak_mb.append((_status_kib("VmHWM") - self._rss) / 1024)
            self.rss_mb.append(_status_kib("VmRSS") / 1024)
        self._start()

    def summary(self, skip: int) -> tuple[float, float | None, float | None]:
        """(median seconds, largest peak rise in MB, MB the resident set grew per step) after ``skip`` steps."""
        times = sorted(self.seconds[skip:])
        median = times[len(times) // 2]
        if not self._memory:
            return median, None, None
        rss = self.rss_mb[skip:]
        growth = (rss[-1] - rss[0]) / max(1, len(rss) - 1)
        return median, max(self.peak_mb[skip:]), growth


# ---- the two engines ----------------------------------------------------------------------------
def _problem(n: int, h: int):
    from nn import MLP, data

    X, y = data.moons(n, noise=0.1, seed=0, labels=(-1, 1))
    return MLP(2, [h, h, 1], seed=0), X, y


def _ours(n: int, h: int, steps: int) -> tuple[StepMeter, float]:
    from nn import SGD, fit

    model, X, y = _problem(n, h)
    meter = StepMeter()
    history = fit(
        model,
        X,
        y,
        loss="hinge",
        optimizer=SGD(model.parameters(), lr=LR),
        epochs=steps + 1,
        compiled=True,
        progress=False,
        callback=lambda epoch, history: meter.tick(),
    )
    return meter, history["loss"][0]


def _torch(n: int, h: int, steps: int) -> tuple[StepMeter, float]:
    torch = E.torch_module()
    model, X, y = _problem(n, h)
    params = []
    for layer in model.layers:
        W = [[w.data for w in neuron.w] for neuron in layer.neurons]
        b = [neuron.b.data for neuron in layer.neurons]
        params += [torch.tensor(W, dtype=torch.float64, requires_grad=True), torch.tensor(b, dtype=torch.float64)]
        params[-1].requires_grad_()
    Xt, yt = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)

    def step() -> float:
        a = Xt
        for i in range(0, len(params), 2):
            a = a @ params[i].T + params[i + 1]
            if i < len(params) - 2:
                a = torch.relu(a)
        L = torch.relu(1 - yt * a[:, 0]).mean()
        L.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad
                p.grad = None
        return L.item()

    meter = StepMeter()
    losses = []
    for _ in range(steps + 1):
        losses.append(step())
        meter.tick()
    return meter, losses[0]


ENGINES: dict[str, Callable[[int, int, int], tuple[StepMeter, float]]] = {FIT: _ours, E.TORCH_BATCHED: _torch}


def scaling(quick: bool) -> list[Row]:
    """One row per (N, h) and engine: the median step in ms, peak MB per step in ``extra``."""
    sizes_n, sizes_h = ((100, 1_000), (16,)) if quick else (SIZES_N, SIZES_H)
    rows = []
    for h in sizes_h:
        for n in sizes_n:
            name = workload_name(n, h)
            steps = 3 if quick else (20 if n * h <= 64_000 else 5 if n * h <= 1_000_000 else 3)
            for engine in (FIT, E.TORCH_BATCHED):
                if not E.installed(engine):
                    rows.append(Row(name, engine, status="not installed"))
                    continue
                meter, loss0 = ENGINES[engine](n, h, steps)
                seconds, peak, growth = meter.summary(skip=1)  # step 1 traces (ours) or warms up
                extra = {"n": n, "h": h, "peak_mb": peak, "growth_mb": growth}
                note = "" if growth is None else f"resident set grew {growth:+.1f} MB/step"
                rows.append(Row(name, engine, seconds * 1e3, "ms", loss0=loss0, note=note, extra=extra))
    return rows
