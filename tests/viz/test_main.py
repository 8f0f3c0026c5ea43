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


def test_main_too_large_graph_gives_command_line_advice(tmp_path, capsys):
    assert main(["expr", "neuron", "--max-nodes", "10", "-o", str(tmp_path / "g.svg")]) == 1
    err = capsys.readouterr().err
    assert "more than --max-nodes 10" in err and "Draw it anyway with --max-nodes 0." in err
    assert "max_nodes=" not in err and "draw_graph" not in err  # no Python advice on the command line


def test_main_model_too_large_points_to_neuron_and_max_nodes(tmp_path, capsys):
    nn = pytest.importorskip("nn")
    nn.MLP(2, [4, 4, 1], seed=1).save(tmp_path / "m.json")
    assert main(["model", str(tmp_path / "m.json"), "--input", "0.5", "-1.2", "--max-nodes", "50"]) == 1
    err = capsys.readouterr().err
    assert "9 neurons (L1.N1 … L3.N1). Draw one neuron with --neuron L1.N1" in err and "--max-nodes 0" in err
    assert "neuron_part" not in err


@needs_renderer
def test_main_model_neuron_draws_one_neuron_and_its_page(tmp_path):
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [4, 4, 1], activation="tanh", seed=1)
    model.save(tmp_path / "m.json")
    neuron = model.layers[1].neurons[2]
    hidden = model.layers[0]([0.5, -1.2])
    done = run(
        "model",
        "m.json",
        "--input",
        "0.5",
        "-1.2",
        "--neuron",
        "L2.N3",
        "-o",
        "n.svg",
        "--html",
        "n.html",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    texts = [t.text for t in ET.parse(tmp_path / "n.svg").iter("{http://www.w3.org/2000/svg}text")]
    assert {"L2.N3.w1", "L2.N3.w4", "L2.N3.b", "L1.N1", "L1.N4"} <= set(texts)
    assert not any(t and t.startswith(("L1.N1.", "L2.N1", "L3.N1", "x1")) for t in texts)  # one neuron only
    out = neuron(hidden)
    assert f"data {out.data:.4g}" in texts and "grad 1" in texts  # the grads are ∂(L2.N3)/∂v
    assert "L2.N3.w4" in (tmp_path / "n.html").read_text()


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
