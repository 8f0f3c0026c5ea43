"""The lessons run anywhere: as ``python -m demos.<name>`` and ``python demos/<name>.py`` from another
folder, and as notebooks, converted by jupytext and executed by nbclient in a folder outside the
repository on a kernel of this Python (the installed package's environment). Each notebook must run
to the end with its own checks passed, show its pictures inline and write no file."""

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

DEMOS = Path(__file__).parents[2] / "demos"
LESSONS = sorted(p for p in DEMOS.glob("*.py") if not p.name.startswith("_"))
"""Every lesson of demos/ (a new one is tested without being listed here)."""

PICTURES = ("image/png", "image/svg+xml", "text/html")


@pytest.mark.parametrize("how", [["-m", "demos.neuron"], [str(DEMOS / "neuron.py")]], ids=["module", "script"])
def test_lesson_runs_from_another_folder(how, tmp_path):
    command = [sys.executable, *how, "--out", "pictures"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "check FAIL" not in result.stdout and result.stdout.count("check ok") == 3
    assert sorted(p.name for p in (tmp_path / "pictures").iterdir()) == ["neuron_backward.html", "neuron_graph.svg"]


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    """A kernel spec for this very Python, so the notebook runs where the package is installed."""
    spec = tmp_path / "jupyter" / "kernels" / "autograd-core-test"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "test", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))  # no user profile or startup files
    return "autograd-core-test"


def execute(lesson: Path, folder: Path, kernel: str):
    """The lesson converted to a notebook in ``folder`` and executed there (its cwd): the executed notebook."""
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = jupytext.read(lesson)
    (folder / f"{lesson.stem}.ipynb").write_text(jupytext.writes(notebook, fmt="ipynb"), encoding="utf-8")
    client = nbclient.NotebookClient(
        notebook, kernel_name=kernel, timeout=300, resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    return notebook


def outputs(notebook) -> tuple[str, list[dict]]:
    """The notebook's printed text and its rich outputs (mime type → data) in order."""
    text, rich = [], []
    for cell in notebook.cells:
        for out in cell.get("outputs", ()):
            if out["output_type"] == "stream":
                text.append(out["text"])
            elif out["output_type"] in ("display_data", "execute_result"):
                rich.append(out["data"])
    return "".join(text), rich


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs_as_a_notebook_outside_the_repository(lesson, tmp_path, kernel):
    folder = tmp_path / "lessons"
    folder.mkdir()
    text, rich = outputs(execute(lesson, folder, kernel))
    assert "check ok" in text and "check FAIL" not in text, text[-2000:]
    written = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))  # .hypothesis is a cache
    assert written == [f"{lesson.stem}.ipynb"]  # shown inline, no file written
    pictures = [(mime, data[mime]) for data in rich for mime in PICTURES if mime in data]
    if "_common.show(" in lesson.read_text(encoding="utf-8"):
        assert pictures, f"{lesson.name} draws, but its notebook shows no picture"
    for mime, data in pictures:
        if mime == "image/png":
            assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"
        elif mime == "image/svg+xml":
            assert "<svg" in data and data.rstrip().endswith("</svg>")
        else:
            assert data.lstrip().startswith("<")


def test_lessons_are_found():
    assert {"neuron", "moons", "xor"} <= {p.stem for p in LESSONS}
