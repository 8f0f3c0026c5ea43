"""The benchmark's quick mode runs end to end; its rows say what the full run would measure."""

import json

import pytest

import benchmarks.__main__ as cli
from benchmarks import engines as E
from benchmarks import scaling as S
from benchmarks import workloads as W
from benchmarks.__main__ import main
from benchmarks.report import against_native, scaling_table, table
from benchmarks.workloads import Row


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> tuple[list[Row], str, dict]:
    out = tmp_path_factory.mktemp("bench")
    assert main(["--quick", "--out", str(out)]) == 0
    data = json.loads((out / "benchmarks.json").read_text())
    data["out"] = out
    return [Row(**r) for r in data["rows"]], (out / "benchmarks.md").read_text(), data


def _cells(rows: list[Row], prefix: str) -> dict[str, str]:
    """Engine → its table cell on the first workload starting with ``prefix``."""
    header, *lines = table(rows)
    line = next(line for line in lines if line[0].startswith(prefix))
    return dict(zip(header[1:], line[1:]))


def test_benchmarks_quick_has_every_workload_and_engine(quick_run):
    rows, markdown, _ = quick_run
    for prefix in (
        "moons step",
        "chain build",
        "chain backward",
        "wide sum",
        "wide sum of 1e+03 products as one autograd_core.dot",
        "memory per node",
        "depth reached",
        "training-loop growth",
        "seed-001 net step",
    ):
        assert any(r.workload.startswith(prefix) and r.engine == E.OURS for r in rows), prefix
    moons = {r.engine for r in rows if r.workload.startswith("moons")}
    assert moons == {
        E.OURS,
        E.OURS_GC_OFF,
        E.MICROGRAD,
        E.MICROGRAD_GC_OFF,
        E.MICROGRAD_RUST,
        E.TORCH_SCALAR,
        E.TORCH_BATCHED,
        E.HIPS,
        E.COMPILED,
    }  # a missing peer still has its row, saying "not installed"
    header = next(line for line in markdown.splitlines() if line.startswith("| workload"))
    assert all(engine in header for engine in moons)
    assert all(r.status != "ok" or r.value is not None for r in rows)


def test_benchmarks_gc_off_ratios_are_against_micrograd_gc_off(quick_run):
    rows, _, _ = quick_run
    for prefix in ("moons step", "chain build"):
        by_engine = {r.engine: r.value for r in rows if r.workload.startswith(prefix)}
        cells = _cells(rows, prefix)
        on = by_engine[E.MICROGRAD] / by_engine[E.OURS]
        off = by_engine[E.MICROGRAD_GC_OFF] / by_engine[E.OURS_GC_OFF]
        assert cells[E.OURS].endswith(f"({on:,.1f}×)")
        assert cells[E.OURS_GC_OFF].endswith(f"({off:,.1f}× vs GC off)")
        assert "×" not in cells[E.MICROGRAD] + cells[E.MICROGRAD_GC_OFF]


def test_benchmarks_caps_show_as_bounds_without_ratio(quick_run):
    rows, _, _ = quick_run
    cells = _cells(rows, "depth reached")
    assert cells[E.OURS] == "≥ 10,000 nodes"  # the quick ladder's cap
    micrograd = next(r for r in rows if r.workload == "depth reached" and r.engine == E.MICROGRAD)
    assert micrograd.bound == "" and 900 < micrograd.value < 1_100  # a real limit: Python's recursion
    assert cells[E.MICROGRAD] == f"{micrograd.value:,.0f} nodes"


def test_benchmarks_quick_step0_losses_agree(quick_run):
    rows, markdown, _ = quick_run
    for workload in ("moons", "seed-001"):
        # compile(), our engine or the hand-written numpy step, and at least one peer that comes with
        # the test extras (micrograd, HIPS autograd); torch adds more when installed.  (The
        # interpreted seed-001 row times one sample, so it has no batch loss.)
        losses = [r.loss0 for r in rows if r.workload.startswith(workload) and r.loss0 is not None]
        assert len(losses) >= 3
        assert max(losses) - min(losses) <= 1e-9 * abs(losses[0])
    assert "DISAGREE" not in markdown


def test_benchmarks_disagreeing_step0_loss_exits_1(tmp_path, monkeypatch, capsys):
    # compile() now traces twice the slide's loss; the hand-written numpy step stays the same.
    loss = W.seed001_loss
    monkeypatch.setattr(W, "seed001_loss", lambda *args: 2 * loss(*args))
    assert main(["--quick", "--only", "seed001", "--out", str(tmp_path)]) == 1
    assert "DISAGREE" in (tmp_path / "benchmarks.md").read_text()
    assert "step-0 losses DISAGREE on ['seed-001 net step" in capsys.readouterr().err


def test_benchmarks_partial_runs_leave_the_full_table_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "RESULTS", tmp_path)
    assert main(["--quick", "--only", "seed001"]) == 0
    assert (tmp_path / "quick" / "benchmarks.md").exists() and not (tmp_path / "benchmarks.md").exists()


def test_benchmarks_help_is_plain_text(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert "Exits 1 if the engines' step-0 losses disagree" in text and "``" not in text


def test_benchmarks_training_loop_frees_every_graph_without_gc(quick_run):
    # With the cyclic GC off, our graphs are freed by reference counting alone: nothing is left
    # for gc.collect(), and the loop's memory does not grow (micrograd's does: closures ↔ nodes).
    rows, _, _ = quick_run
    growth = {r.engine: r for r in rows if r.workload.startswith("training-loop")}
    ours, micrograd = growth[E.OURS], growth[E.MICROGRAD]
    assert ours.bound == "<" and ours.note.endswith("gc.collect() then freed 0 objects (of 4 steps)")
    assert micrograd.bound == "" and micrograd.value > 1.0  # MB per step: each step's graph is kept
    assert _cells(rows, "training-loop")[E.OURS] == "< 0.001 MB/step"
    node = next(r for r in rows if r.workload.startswith("memory per node") and r.engine == E.OURS)
    assert node.value <= 250


def test_benchmarks_scaling_grid_has_its_table_ratio_and_plot(quick_run):
    rows, markdown, data = quick_run
    grid = [r for r in rows if r.workload.startswith(S.WORKLOAD)]
    assert {(r.extra["n"], r.extra["h"]) for r in grid if r.engine == S.FIT} == {(100, 16), (1_000, 16)}
    measured = [r for r in grid if r.status == "ok"]
    assert measured and all(r.value > 0 for r in measured)
    assert all(r.extra["peak_mb"] is None or r.extra["peak_mb"] >= 0 for r in measured)
    header, *lines = scaling_table(rows)
    assert header[:5] == ("N", "h", S.FIT, E.TORCH_BATCHED, "ours / PyTorch") and len(lines) == 2
    by = {(r.workload, r.engine): r.value for r in grid}
    if E.installed(E.TORCH_BATCHED):
        n100 = S.workload_name(100, 16)
        assert lines[0][4] == f"{by[n100, S.FIT] / by[n100, E.TORCH_BATCHED]:.2f}×"
    assert not any(line[0].startswith(S.WORKLOAD) for line in table(rows))  # not in the engines' table
    png = data["out"] / "scaling.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and "![time per step" in markdown


def test_benchmarks_micrograd_rust_is_optional(monkeypatch, tmp_path):
    # Without the peers' venv the column says "not installed" instead of failing.
    monkeypatch.setattr(E, "PEERS_VENV", str(tmp_path))
    monkeypatch.delitem(__import__("sys").modules, "micrograd_rust", raising=False)
    assert not E.installed(E.MICROGRAD_RUST)


def test_benchmarks_say_how_many_times_faster_than_micrograd_rust():
    rows = [
        Row("moons step (100 points)", E.OURS, 20.0),
        Row("moons step (100 points)", E.MICROGRAD_RUST, 40.0),
        Row("chain build, N=1e+03", E.OURS, 600.0, "ns/op"),
        Row("chain build, N=1e+03", E.MICROGRAD_RUST, 300.0, "ns/op"),
        Row("wide sum", E.OURS, 5.0),
        Row("wide sum", E.MICROGRAD_RUST, status="not installed"),
    ]
    assert against_native(rows) == [
        "moons step (100 points): autograd-core is 2.00× faster than micrograd-rust (both with the GC on)",
        "chain build, N=1e+03: autograd-core is 2.00× slower than micrograd-rust (both with the GC on)",
    ]
