"""Save and load an MLP as JSON: never pickle, bit-exact floats, everything validated before use.

The format (version 1), one JSON object with exactly these keys::

    {
      "format": "autograd-core MLP",
      "version": 1,
      "sizes": [2, 16, 16, 1],                    # nin, then each layer's number of neurons
      "activations": ["relu", "relu", "linear"],  # one per layer; softmax only for the last
      "init": "uniform",                          # the scheme the weights were first drawn with
      "layers": [                                 # layer l: one object per neuron
        [{"w": [0.1324…, -0.7341…], "b": 0.0}, …],
        …
      ]
    }

Every float is written with ``repr`` (JSON's float form), the shortest string that reads back
to the same double, so a round trip is bit-exact.  ``load`` checks the whole file (it exists,
is JSON, has the version, the keys, the shapes, known activations and finite numbers) before
building the model, and raises ``ValueError`` naming the problem and the path.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

from .modules import ACTIVATIONS, INITS, MLP, build

FORMAT = "autograd-core MLP"
VERSION = 1
KEYS = ("format", "version", "sizes", "activations", "init", "layers")


def save(model: MLP, path: str | os.PathLike) -> None:
    """Write ``model`` to ``path`` (via a temporary file, so a failed write leaves no half file)."""
    for p in model.parameters():
        if not math.isfinite(p.data):
            raise ValueError(f"cannot save to {path}: parameter {p.label} is {p.data!r}; only finite numbers are saved")
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "sizes": list(model.sizes),
        "activations": list(model.activations),
        "init": model.init,
        "layers": [[{"w": [w.data for w in n.w], "b": n.b.data} for n in layer.neurons] for layer in model.layers],
    }
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


class _Bad(Exception):
    """A problem in the file; ``load`` adds the path."""


def _reject_constant(name: str) -> float:
    raise _Bad(f"non-finite number {name} (only finite numbers are allowed)")


def _number(x: object, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise _Bad(f"{where} must be a number, got {json.dumps(x)[:40]}")
    try:
        x = float(x)
    except OverflowError:  # an int past 1.8e308
        raise _Bad(f"{where} is an integer of {len(str(x))} digits, beyond the float range") from None
    if not math.isfinite(x):
        raise _Bad(f"{where} is {x!r}; only finite numbers are allowed")
    return x


def _size(x: object, where: str) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or x < 1:
        raise _Bad(f"{where} must be a positive integer, got {json.dumps(x)[:40]}")
    return x


def _list(x: object, n: int | None, where: str) -> list:
    if not isinstance(x, list):
        raise _Bad(f"{where} must be a list, got {type(x).__name__}")
    if n is not None and len(x) != n:
        raise _Bad(f"{where} has {len(x)} entries, expected {n}")
    return x


def _keys(d: object, keys: tuple[str, ...], where: str) -> dict:
    if not isinstance(d, dict):
        raise _Bad(f"{where} must be a JSON object, got {type(d).__name__}")
    missing = [k for k in keys if k not in d]
    extra = [k for k in d if k not in keys]
    if missing or extra:
        parts = ([f"missing key(s) {', '.join(missing)}"] if missing else []) + (
            [f"unknown key(s) {', '.join(extra)}"] if extra else []
        )
        raise _Bad(f"{where}: {'; '.join(parts)}")
    return d


def _validate(doc: object) -> tuple[list[int], list[str], str, list[float]]:
    """The architecture and the flat parameter list, or ``_Bad`` naming the first problem."""
    if isinstance(doc, dict) and doc.get("format") != FORMAT:
        raise _Bad(f"not an autograd-core model file (format is {doc.get('format')!r}, expected {FORMAT!r})")
    if isinstance(doc, dict) and (type(doc.get("version")) is not int or doc["version"] != VERSION):  # True == 1
        raise _Bad(f"unsupported format version {doc.get('version')!r}; this version of nn reads version {VERSION}")
    doc = _keys(doc, KEYS, "the top level")
    sizes = [_size(s, f"sizes[{i}]") for i, s in enumerate(_list(doc["sizes"], None, "sizes"))]
    if len(sizes) < 2:
        raise _Bad(f"sizes must list the inputs and at least one layer, got {sizes}")
    activations = _list(doc["activations"], len(sizes) - 1, "activations")
    for i, a in enumerate(activations):
        if a not in ACTIVATIONS or (a == "softmax" and i != len(activations) - 1):
            raise _Bad(f"activations[{i}] is {a!r}; valid: {', '.join(ACTIVATIONS)} (softmax only for the last layer)")
    if activations[-1] == "softmax" and sizes[-1] < 2:
        raise _Bad(f"activations[{len(activations) - 1}] is softmax on 1 output; softmax needs at least 2")
    if doc["init"] not in INITS:
        raise _Bad(f"init is {doc['init']!r}; valid: {', '.join(INITS)}")
    flat = []
    layers = _list(doc["layers"], len(sizes) - 1, "layers")
    for k, layer in enumerate(layers):
        for n, neuron in enumerate(_list(layer, sizes[k + 1], f"layers[{k}]")):
            where = f"layers[{k}][{n}] (L{k + 1}.N{n + 1})"
            neuron = _keys(neuron, ("w", "b"), where)
            ws = _list(neuron["w"], sizes[k], f"{where}.w")
            flat += [_number(w, f"{where}.w[{j}]") for j, w in enumerate(ws)]
            flat.append(_number(neuron["b"], f"{where}.b"))
    return sizes, activations, doc["init"], flat


def load(path: str | os.PathLike) -> MLP:
    """The MLP saved at ``path``; ``ValueError`` naming the problem and the path if anything is wrong."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"cannot load model: {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"cannot load model from {path}: {err}") from None
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
        sizes, activations, init, flat = _validate(doc)
    except json.JSONDecodeError as err:
        raise ValueError(f"cannot load model from {path}: not valid JSON (truncated or corrupt?): {err}") from None
    except ValueError as err:  # json's int(): "Exceeds the limit (4300 digits) for integer string conversion"
        raise ValueError(f"cannot load model from {path}: a number in the file is too long: {err}") from None
    except RecursionError:
        raise ValueError(f"cannot load model from {path}: JSON nested too deeply to be a model file") from None
    except _Bad as err:
        raise ValueError(f"cannot load model from {path}: {err}") from None
    return build(sizes, activations, flat, init)
