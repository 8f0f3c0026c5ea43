"""The README's first command installs ``.[demo]`` only: every lesson's imports, followed through the
packages it loads, must come from the demo extra (a lesson that needed hypothesis once failed there)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python ≥ 3.11

ROOT = Path(__file__).parents[2]
LESSONS = sorted(p.stem for p in (ROOT / "demos").glob("*.py") if not p.name.startswith("_"))
VENV = {"pip", "setuptools"}
"""What every new virtual environment has."""

_LOADED = """
import importlib, json, sys
from importlib.metadata import packages_distributions
for name in sys.argv[1:]:
    importlib.import_module("demos." + name)
dists = packages_distributions()
top = {m.split(".")[0] for m in sys.modules} - set(sys.stdlib_module_names)
print(json.dumps(sorted({d.lower() for m in top for d in dists.get(m, [])})))
"""


def _extra(project: dict, name: str) -> set[str]:
    """The distributions an extra asks for, with ``autograd-core[...]`` expanded."""
    names: set[str] = set()
    for requirement in project["optional-dependencies"][name]:
        head = requirement.split(";")[0].strip()
        if head.startswith("autograd-core["):
            for inner in head[len("autograd-core[") : -1].split(","):
                names |= _extra(project, inner)
        else:
            names.add(head.split("[")[0].split("=")[0].split(">")[0].split("<")[0].strip().lower())
    return names


def _requires(dist: str) -> set[str]:
    from importlib.metadata import requires

    out = set()
    for r in requires(dist) or []:
        if "extra ==" not in r:
            out.add(
                r.split(";")[0].split("[")[0].split("=")[0].split(">")[0].split("<")[0].split("!")[0].strip().lower()
            )
    return out


def test_demo_extra_brings_everything_the_lessons_load():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    allowed = _extra(project, "demo") | {d.lower() for d in project["dependencies"]}
    allowed = {a.split(">")[0].split("=")[0] for a in allowed}
    closure, todo = set(), list(allowed)
    while todo:  # the extra's packages and everything they require
        d = todo.pop().replace("_", "-")
        if d in closure:
            continue
        closure.add(d)
        try:
            todo += _requires(d)
        except Exception:  # not installed here: nothing to follow
            pass
    result = subprocess.run([sys.executable, "-c", _LOADED, *LESSONS], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    loaded = {d.replace("_", "-") for d in json.loads(result.stdout)} - {"autograd-core"} - VENV
    missing = sorted(loaded - closure)
    assert not missing, f"the lessons load {missing}, which the demo extra does not install"
