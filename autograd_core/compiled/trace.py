"""Tracing: ``f`` run once on scalar ``Value`` s of one sample, its result as a flat list of outputs."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..value import Value
from .layout import BATCHED


class TraceMismatchError(ValueError):
    """Re-tracing ``f`` on another sample gave a different graph (data-dependent control flow)."""


def nest(leaves: list, shape: tuple):
    """The flat list of leaves as nested lists of the argument's per-sample shape."""
    if not shape:
        return leaves[0]
    step = len(leaves) // shape[0]
    return [nest(leaves[i * step : (i + 1) * step], shape[1:]) for i in range(shape[0])]


def flat_outputs(y: object, has_aux: bool) -> list[Value]:
    """f's result as a flat list of Values: the differentiated output first, then the aux outputs."""
    if has_aux:
        if not (isinstance(y, tuple) and len(y) == 2):
            raise TypeError("compile(f, has_aux=True): f must return a pair (loss, aux)")
        y, aux = y
        ys = [y, *(aux if isinstance(aux, (list, tuple)) else [aux])]
    else:
        ys = list(y) if isinstance(y, (list, tuple)) else [y]
    outs = []
    for o in ys:
        if isinstance(o, (int, float)) and not isinstance(o, bool):
            o = Value(float(o))  # a constant output: a leaf of its own
        if not isinstance(o, Value):
            raise TypeError(f"compile: f must return scalar Values (or numbers), got {type(o).__name__}")
        outs.append(o)
    return outs


def trace(f: Callable, arrays: list[np.ndarray], kinds: list[int], shapes: tuple, sample: int) -> tuple:
    """(f's result, the leaves of every argument): f called on sample ``sample`` as Values."""
    leaves = []
    for a, k in zip(arrays, kinds):
        values = (a[sample] if k == BATCHED else a).reshape(-1)
        leaves.append([Value(x) for x in values.tolist()])
    return f(*[nest(ls, s) for ls, s in zip(leaves, shapes)]), leaves
