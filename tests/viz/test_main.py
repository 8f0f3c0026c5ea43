"""The command line, run as users run it: python -m viz …"""

import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from viz_helpers import needs_renderer

from viz import renderer
from viz.__main__ import main


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "viz", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_main_help_lists_the_commands(tmp_path):
    done = run("--help", cwd=tmp_path)
    assert done.returncode == 0
    assert all(word in done.stdout for word in ("expr", "model", "activations"))


@needs_renderer
def test_main_expr_writes_graph_and_page(tmp_path):
    done = run("expr", "neuron", "-o", "g.svg", "--html", "s.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    texts = [t.text for t in ET.parse(tmp_path / "g.svg").iter("{http://www.w3.org/2000/svg}text")]
    assert "grad 0.3175" in texts  # ∂L/∂w = (u − y)σ′(z)x + 2λw at seed 000's numbers
    assert "BACKWARD()" in (tmp_path / "s.html").read_text()


@needs_renderer
def test_main_model_draws_a_saved_model(tmp_path):
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [3, 1], activation="tanh", seed=2)
    model.save(tmp_path / "m.json")
    out = model([0.5, -1.2])
    done = run("model", "m.json", "--input", "0.5", "-1.2", "-o", "g.svg", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    texts = [t.text for t in ET.parse(tmp_path / "g.svg").iter("{http://www.w3.org/2000/svg}text")]
    assert "L1.N3.w2" in texts and f"data {out.data:.4g}" in texts and "layer 2" in texts


def test_main_model_errors_are_one_clear_line(tmp_path):
    pytest.importorskip("nn")
    done = run("model", "missing.json", "--input", "1", "2", cwd=tmp_path)
    assert done.returncode == 1 and "missing.json" in done.stderr and "Traceback" not in done.stderr
    done = run("model", "m.json", "--input", "__import__('os')", cwd=tmp_path)
    assert done.returncode == 2 and "invalid float value" in done.stderr  # numbers only: nothing is evaluated


@needs_renderer
def test_main_too_large_graph_says_so(tmp_path):
    done = run("expr", "neuron", "--max-nodes", "10", cwd=tmp_path)
    assert done.returncode == 1 and "more than max_nodes=10" in done.stderr


def test_main_renderer_failure_is_one_clear_line(tmp_path, monkeypatch, capsys):
    broken = tmp_path / "dot"
    broken.write_text("#!/bin/sh\necho 'dot: syntax error in line 1' >&2\nexit 2\n")
    broken.chmod(0o755)
    monkeypatch.setattr(renderer, "find_renderers", lambda: [str(broken)])
    assert main(["expr", "square", "-o", str(tmp_path / "g.svg")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("python -m viz: error: every dot renderer failed") and "syntax error in line 1" in err


def test_main_rejects_negative_max_nodes_and_names_the_output_index(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["expr", "square", "--max-nodes", "-5"])
    assert info.value.code == 2 and "--max-nodes: must be a whole number ≥ 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["model", "m.json", "--input", "1", "--output", "2"])  # the old, ambiguous name is gone
    assert "ambiguous option: --output could match" in capsys.readouterr().err


def test_main_output_index_picks_an_output(tmp_path, capsys):
    nn = pytest.importorskip("nn")
    nn.MLP(2, [3, 2], seed=2).save(tmp_path / "m.json")
    assert main(["model", str(tmp_path / "m.json"), "--input", "1", "2", "--output-index", "3"]) == 1
    assert "--output-index must be between 1 and 2" in capsys.readouterr().err
