"""nn's public names and its place in the layers: autograd_core ← nn, never viz; torch only in the bridge."""

import ast
import sys
from pathlib import Path

import nn

NN = Path(nn.__file__).parent
ALLOWED = {"autograd_core", "tqdm"} | set(sys.stdlib_module_names)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_nn_exports_the_agreed_names():
    for name in ("Neuron", "Layer", "MLP", "SGD", "Adam", "fit", "losses", "data", "schedules"):
        assert name in nn.__all__ and getattr(nn, name) is not None


def test_nn_imports_only_the_engine_and_the_standard_library():
    for path in NN.glob("*.py"):
        extra = {"torch"} if path.name == "torch_bridge.py" else {"numpy"} if path.name == "compiled.py" else set()
        assert _imports(path) <= ALLOWED | extra, path.name
