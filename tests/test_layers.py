"""Layers point one way, read from the imports with `ast`: autograd_core ← nn, autograd_core ← viz.

autograd_core needs only the standard library (numpy only in the compiled package, hypothesis only in the
optional testing.py); nn and viz never import each other (the viz CLI may import nn lazily, inside
a function); nothing imports pickle; the packages never call eval or exec.
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd_core", "nn", "viz")
ALL_CODE = (*PACKAGES, "demos", "benchmarks", "tests")
# optional dependencies of single engine modules
ENGINE_EXTRAS = {"compiled": {"numpy"}, "testing.py": {"hypothesis"}}
"""File or folder directly under autograd_core → what it may import besides the standard library."""
PICKLE_LIKE = {"pickle", "_pickle", "cPickle", "cloudpickle", "dill", "shelve", "joblib"}


def python_files(*folders):
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def imports(path, top_level_only=False):
    """(top-level module name, line) of every import in ``path``; relative imports give ``"."``.

    With ``top_level_only``, imports inside functions are left out, and so are those under
    ``if TYPE_CHECKING:`` (they never run).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []

    def visit(node, in_function):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            in_function = True
        if not (top_level_only and in_function):
            if isinstance(node, ast.Import):
                found.extend((alias.name.split(".")[0], node.lineno) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                found.append(("." if node.level else node.module.split(".")[0], node.lineno))
            elif (
                isinstance(node, ast.Call)
                and ast.unparse(node.func) in ("importlib.import_module", "import_module", "__import__")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.append((node.args[0].value.split(".")[0], node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child, in_function)

    visit(tree, False)
    return found


def where(path, line):
    return f"{path.relative_to(ROOT)}:{line}"


@pytest.mark.parametrize("path", python_files("autograd_core"), ids=lambda p: p.name)
def test_autograd_core_imports_only_the_standard_library(path):
    extras = ENGINE_EXTRAS.get(path.relative_to(ROOT / "autograd_core").parts[0], set())
    allowed = set(sys.stdlib_module_names) | {".", "autograd_core", "__future__"} | extras
    bad = [f"{name} at {where(path, line)}" for name, line in imports(path) if name not in allowed]
    assert not bad, f"autograd_core must need only the standard library; move these out: {bad}"


@pytest.mark.parametrize(("package", "forbidden"), [("nn", "viz"), ("viz", "nn")])
def test_nn_and_viz_never_import_each_other(package, forbidden):
    bad = []
    for path in python_files(package):
        # the viz command line may build a model to draw, importing nn lazily inside a function
        lazy_ok = path.relative_to(ROOT).as_posix() == "viz/__main__.py"
        bad += [where(path, line) for name, line in imports(path, top_level_only=lazy_ok) if name == forbidden]
    assert not bad, f"{package} must not import {forbidden} (layers point one way): {bad}"


def test_nothing_imports_pickle():
    bad = [
        f"{name} at {where(p, line)}"
        for p in python_files(*ALL_CODE)
        for name, line in imports(p)
        if name in PICKLE_LIKE
    ]
    assert not bad, f"never pickle (use JSON): {bad}"


def test_packages_never_call_eval_or_exec():
    bad = [
        where(path, node.lineno)
        for path in python_files(*PACKAGES)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("eval", "exec")
    ]
    assert not bad, f"never eval/exec: {bad}"


def test_layer_checker_sees_what_it_must(tmp_path):
    """The checker itself: top-level, from-, relative, dynamic and lazy imports are all found."""
    code = tmp_path / "m.py"
    code.write_text(
        "import os.path\nfrom numpy import array\nfrom . import sibling\n"
        "import importlib\nx = importlib.import_module('pickle')\n"
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import viz\n"
        "def f():\n    import nn\n",
        encoding="utf-8",
    )
    assert [name for name, _ in imports(code)] == ["os", "numpy", ".", "importlib", "pickle", "typing", "nn"]
    assert "nn" not in [name for name, _ in imports(code, top_level_only=True)]
