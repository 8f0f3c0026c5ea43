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
to the same double, so a round trip is bit-exact.  ``save`` writes a fresh temporary file in the
target's folder (``tempfile.mkstemp``: no fixed name a planted symlink could redirect), fsyncs it
and renames it over the target, so a reader or a concurrent save only ever sees a whole file.

``load`` reads regular files only (not a FIFO, device or folder) of at most ``max_bytes``
(``MAX_BYTES``, 64 MiB: about 3 million parameters), checks the whole file (it is JSON without
duplicate keys, has the version, the keys, the shapes, known activations and finite numbers)
before building the model, and raises ``ValueError`` naming the problem and the path, quoting
at most a few dozen characters of what the file holds.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import reprlib
import stat
import tempfile
from pathlib import Path

from .modules import ACTIVATIONS, INITS, MLP, build

FORMAT = "autograd-core MLP"
VERSION = 1
KEYS = ("format", "version", "sizes", "activations", "init", "layers")
MAX_BYTES = 64 * 2**20
"""The largest file ``load`` reads unless given ``max_bytes`` (a float takes about 20 bytes)."""

_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxlevel = 40, 40, 4, 4, 2


def _shown(x: object) -> str:
    """``repr(x)`` cut to a few dozen characters: a file's values go into messages, never whole."""
    return _SHORT.repr(x)


def save(model: MLP, path: str | os.PathLike) -> None:
    """Write ``model`` to ``path`` atomically: readers and concurrent saves see an old or a new whole file."""
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
    _write_whole(Path(path), json.dumps(doc, indent=1, allow_nan=False) + "\n")


def _write_whole(path: Path, text: str) -> None:
    """``text`` to ``path`` through a unique temporary file beside it, renamed over it once on disk."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; a model file is as readable as any other output
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class _Bad(Exception):
    """A problem in the file; ``load`` adds the path."""


def _reject_constant(name: str) -> float:
    raise _Bad(f"non-finite number {name} (only finite numbers are allowed)")


def _number(x: object, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise _Bad(f"{where} must be a number, got {_shown(x)}")
    try:
        x = float(x)
    except OverflowError:  # an int past 1.8e308
        raise _Bad(f"{where} is an integer of {len(str(x))} digits, beyond the float range") from None
    if not math.isfinite(x):
        raise _Bad(f"{where} is {x!r}; only finite numbers are allowed")
    return x


def _size(x: object, where: str) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or x < 1:
        raise _Bad(f"{where} must be a positive integer, got {_shown(x)}")
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
        more = f" and {len(extra) - 3} more" if len(extra) > 3 else ""
        parts = ([f"missing key(s) {', '.join(missing)}"] if missing else []) + (
            [f"unknown key(s) {', '.join(k if len(k) <= 40 else k[:40] + '…' for k in extra[:3])}{more}"]
            if extra
            else []
        )
        raise _Bad(f"{where}: {'; '.join(parts)}")
    return d


def _validate(doc: object) -> tuple[list[int], list[str], str, list[float]]:
    """The architecture and the flat parameter list, or ``_Bad`` naming the first problem."""
    if isinstance(doc, dict) and doc.get("format") != FORMAT:
        raise _Bad(f"not an autograd-core model file (format is {_shown(doc.get('format'))}, expected {FORMAT!r})")
    if isinstance(doc, dict) and (type(doc.get("version")) is not int or doc["version"] != VERSION):  # True == 1
        raise _Bad(
            f"unsupported format version {_shown(doc.get('version'))}; this version of nn reads version {VERSION}"
        )
    doc = _keys(doc, KEYS, "the top level")
    sizes = [_size(s, f"sizes[{i}]") for i, s in enumerate(_list(doc["sizes"], None, "sizes"))]
    if len(sizes) < 2:
        raise _Bad(f"sizes must list the inputs and at least one layer, got {sizes}")
    activations = _list(doc["activations"], len(sizes) - 1, "activations")
    for i, a in enumerate(activations):
        if a not in ACTIVATIONS or (a == "softmax" and i != len(activations) - 1):
            raise _Bad(
                f"activations[{i}] is {_shown(a)}; valid: {', '.join(ACTIVATIONS)} (softmax only for the last layer)"
            )
    if activations[-1] == "softmax" and sizes[-1] < 2:
        raise _Bad(f"activations[{len(activations) - 1}] is softmax on 1 output; softmax needs at least 2")
    if doc["init"] not in INITS:
        raise _Bad(f"init is {_shown(doc['init'])}; valid: {', '.join(INITS)}")
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


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object, refusing a key given twice (``json`` would keep the last one silently)."""
    doc = dict(pairs)
    if len(doc) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise _Bad(f"the key {_shown(twice)} appears twice in one object; a model file gives each key once")
    return doc


def _read_text(path: str | os.PathLike, max_bytes: int) -> str:
    """The text of ``path`` if it is a regular file of at most ``max_bytes``; else ``_Bad`` or ``OSError``."""
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)  # (os.fdopen refuses a folder's fd without closing it)
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO" if stat.S_ISFIFO(info.st_mode) else None
        raise _Bad(f"it is {kind or 'a device or socket'}, not a regular file")
    with os.fdopen(fd, "rb") as f:
        data = f.read(max_bytes + 1) if info.st_size <= max_bytes else b""  # bounded even if the file grows
    if info.st_size > max_bytes or len(data) > max_bytes:
        raise _Bad(
            f"the file has {max(info.st_size, len(data))} bytes, more than max_bytes={max_bytes} "
            "(MLP.load(path, max_bytes=…) reads a larger model)"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _Bad(f"not UTF-8 text ({err.reason} at byte {err.start})") from None


def load(path: str | os.PathLike, max_bytes: int = MAX_BYTES) -> MLP:
    """The MLP saved at ``path``; ``ValueError`` naming the problem and the path if anything is wrong.

    Only a regular file of at most ``max_bytes`` bytes is read (``MAX_BYTES`` by default)."""
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(f"max_bytes must be a positive whole number of bytes, got {_shown(max_bytes)}")
    try:
        text = _read_text(path, max_bytes)
    except FileNotFoundError:
        raise ValueError(f"cannot load model: {path} does not exist") from None
    except OSError as err:
        raise ValueError(f"cannot load model from {path}: {err.strerror or err}") from None
    except _Bad as err:
        raise ValueError(f"cannot load model from {path}: {err}") from None
    try:
        doc = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
        del text  # the parsed document and the model are what must fit in memory, not the text as well
        sizes, activations, init, flat = _validate(doc)
        del doc
    except json.JSONDecodeError as err:
        raise ValueError(f"cannot load model from {path}: not valid JSON (truncated or corrupt?): {err}") from None
    except ValueError as err:  # json's int(): "Exceeds the limit (4300 digits) for integer string conversion"
        raise ValueError(f"cannot load model from {path}: a number in the file is too long: {err}") from None
    except RecursionError:
        raise ValueError(f"cannot load model from {path}: JSON nested too deeply to be a model file") from None
    except _Bad as err:
        raise ValueError(f"cannot load model from {path}: {err}") from None
    return build(sizes, activations, flat, init)
