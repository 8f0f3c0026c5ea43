"""``python -m demos`` runs the whole tour once, passes its checks and writes every file it lists."""

import subprocess
import sys
from pathlib import Path

from demos.__main__ import TOUR

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "neuron_graph.svg", "neuron_backward.html", "logistic_graph.svg", "modes.png", "activations.png",
    "xor_neuron.png", "xor_network.png", "encoder_hidden.png", "moons_boundary.png", "moons_history.png",
    "optimizers_valley.png", "optimizers_moons.png", "generalization.png", "chainrule_path.svg", "moons_network.svg",
    "xor_graph.svg",
    "chainrule_worksheet.svg", "chainrule_answer_key.md", "chainrule_backward.svg", "chainrule_forward.html",
}  # fmt: skip


def test_tour_writes_every_listed_file(tmp_path):
    out = tmp_path / "tour"
    result = subprocess.run(
        [sys.executable, "-m", "demos", "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    listed = result.stdout.split("files written:\n", 1)[1].splitlines()
    paths = [Path(line.strip().split("  (")[0]) for line in listed if line.startswith("  ")]
    assert {p.name for p in paths} == EXPECTED
    for path in paths:
        assert path.parent == out and path.stat().st_size > 0, path
    for name in TOUR:
        assert f"\n{name}\n" in result.stdout  # every demo ran
    assert "every demo's checks passed" in result.stdout


def test_tour_help_lists_the_demos():
    result = subprocess.run([sys.executable, "-m", "demos", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0
    assert "--out" in result.stdout and "moons" in result.stdout
