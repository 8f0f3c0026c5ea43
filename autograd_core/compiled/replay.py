"""Replay: the tape run forward and backward on whole batches; ``compile`` and ``Compiled``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from ..value import Value
from .layout import BATCHED, UNIFORM
from .tape import Tape
from .trace import TraceMismatchError, flat_outputs, trace


class Run(NamedTuple):
    """One forward replay: the stores U (shared) and V (per sample), what each kernel saved, the batch size."""

    U: np.ndarray
    V: np.ndarray
    saved: list
    B: int


class Compiled:
    """``f`` traced once; call it, or ``value_and_grad``, on batches of its arguments.

    Argument i is a number (or nested list of numbers) for ``f``; to the compiled function it
    is an array: without ``batched``, 0-d = shared by every sample, 1-D = one value per sample.
    With ``batched=(i, …)`` those arguments carry a leading batch axis and the others are
    shared, each of any per-sample shape.  ``params`` are leaf ``Value`` s that ``f`` reads from
    its closure (a model's weights): each call reads their current ``data``.
    """

    def __init__(
        self,
        f: Callable,
        params: Sequence[Value] = (),
        batched: Sequence[int] | None = None,
        has_aux: bool = False,
    ) -> None:
        self.f, self.params, self.has_aux = f, list(params), has_aux
        for i, p in enumerate(self.params):
            if type(p) is not Value or p.parents:
                what = f"the output of {p.op!r}" if type(p) is Value else type(p).__name__
                raise ValueError(
                    f"compile: params must be leaf Values (the weights f reads, e.g. model.parameters()); "
                    f"params[{i}] is {what}, which would get no gradient"
                )
        self.batched = None if batched is None else tuple(batched)
        self.tape: Tape | None = None
        self._shapes: tuple | None = None
        self._needs: dict[tuple, list] = {}
        self._several = False  # f returned a list of outputs

    def __repr__(self) -> str:
        if self.tape is None:
            return f"<compiled {getattr(self.f, '__name__', 'f')}: not traced yet>"
        t = self.tape
        return f"<compiled {getattr(self.f, '__name__', 'f')}: {t.n_nodes} nodes in {len(t.kernels)} groups>"

    # ---- arguments -------------------------------------------------------------------------
    def _split(self, args: tuple) -> tuple[list[np.ndarray], list[int], tuple, int | None]:
        """Arrays, their kinds, per-sample shapes, and the batch size (None: nothing batched)."""
        arrays = [np.asarray(a, dtype=float) for a in args]
        if self.batched is None:
            for i, a in enumerate(arrays):
                if a.ndim > 1:
                    raise ValueError(
                        f"compiled: argument {i} has shape {a.shape}; without batched= every argument is "
                        "a scalar (0-d shared or 1-D per sample). Pass compile(f, batched=(...)) to name "
                        "the arguments that carry a leading batch axis"
                    )
            kinds = [BATCHED if a.ndim == 1 else UNIFORM for a in arrays]
        else:
            for i in self.batched:
                if not -len(arrays) <= i < len(arrays) or arrays[i].ndim == 0:
                    raise ValueError(f"compiled: batched argument {i} needs an array with a leading batch axis")
            on = {i % len(arrays) for i in self.batched}
            kinds = [BATCHED if i in on else UNIFORM for i in range(len(arrays))]
        shapes = tuple(a.shape[1:] if k == BATCHED else a.shape for a, k in zip(arrays, kinds))
        sizes = {a.shape[0] for a, k in zip(arrays, kinds) if k == BATCHED}
        if len(sizes) > 1:
            raise ValueError(f"compiled: batched arguments disagree on the batch size: {sorted(sizes)}")
        size = sizes.pop() if sizes else None
        if size == 0:
            raise ValueError("compiled: the batch is empty")
        key = (tuple(kinds), shapes)
        if self._shapes is not None and key != self._shapes:
            raise ValueError(
                f"compiled: f was traced for {len(self._shapes[1])} argument(s) with per-sample shapes "
                f"{self._shapes[1]} and kinds {self._shapes[0]} (0 shared, 1 batched); got {len(shapes)} "
                f"with {shapes} and {tuple(kinds)}. Compile again for other shapes"
            )
        return arrays, kinds, shapes, size

    def _trace(self, arrays: list[np.ndarray], kinds: list[int], shapes: tuple, sample: int) -> Tape:
        y, leaves = trace(self.f, arrays, kinds, shapes, sample)
        self._several = not self.has_aux and isinstance(y, (list, tuple))
        return Tape(flat_outputs(y, self.has_aux), leaves, kinds, self.params)

    def _ready(self, args: tuple) -> tuple:
        arrays, kinds, shapes, size = self._split(args)
        if self.tape is None:
            self.tape = self._trace(arrays, kinds, shapes, 0)
            self._shapes = (tuple(kinds), shapes)
        return arrays, size

    def check_trace(self, *args: object, sample: int = 1, constants: bool = False) -> None:
        """Re-trace ``f`` on one sample of the batch; raise ``TraceMismatchError`` if the graph differs.

        The graph's structure is compared; its constants too with ``constants=True`` (for an ``f``
        that reads no ``.data``: a constant computed from the data, such as softmax's shift
        m = max z, is replayed from the traced sample, which is right only if f does not depend on it).
        """
        arrays, size = self._ready(args)
        if not 0 <= sample < (size or 1):
            raise ValueError(f"check_trace: sample {sample} is outside the batch of {size or 1}")
        kinds, shapes = self._shapes
        other = self._trace(arrays, list(kinds), shapes, sample)
        if other.fingerprint != self.tape.fingerprint:
            raise TraceMismatchError(
                f"compiled: re-tracing f on sample {sample} gave a different graph "
                f"({other.n_nodes} nodes vs {self.tape.n_nodes}): f's control flow "
                "depends on the data, which a tape cannot replay. Use the interpreted engine for it"
            )
        if constants and not np.array_equal(other.constant_values, self.tape.constant_values, equal_nan=True):
            changed = int(np.sum(other.constant_values != self.tape.constant_values))
            raise TraceMismatchError(
                f"compiled: re-tracing f on sample {sample} gave the same graph with {changed} different "
                "constant(s): f reads the data (.data) into numbers, which the tape replays from the traced sample"
            )

    # ---- replay ----------------------------------------------------------------------------
    def _forward(self, arrays: list[np.ndarray], size: int | None) -> Run:
        t = self.tape
        B = 1 if size is None else size
        U = np.empty(t.sizes[UNIFORM])
        V = np.empty((t.sizes[BATCHED], B))
        U[: len(t.constant_values)] = t.constant_values
        if self.params:
            U[t.param_rows] = [p.data for p in self.params]
        for a, s in zip(arrays, t.arg_slices):
            if s.kind == BATCHED:
                V[s.start : s.stop] = a.reshape(B, -1).T
            else:
                U[s.start : s.stop] = a.reshape(-1)
        # Each op group raises where the interpreted engine would, naming the op, value and sample;
        # elsewhere floats behave as IEEE (and as the interpreted engine): an overflowing sum is inf.
        with np.errstate(all="raise"):
            saved = [kernel.forward(U, V) for kernel in t.kernels]
        return Run(U, V, saved, B)

    def _outputs(self, run: Run, size: int | None) -> list[np.ndarray]:
        """Every output of f per sample (a shared output repeated over the batch; 0-d when nothing is batched)."""
        outs = []
        for kind, row in self.tape.outputs:
            if kind == BATCHED:
                outs.append(run.V[row].copy())
            else:
                outs.append(np.full(run.B, run.U[row]) if size is not None else np.asarray(run.U[row]))
        return outs

    def __call__(self, *args: object):
        """f on every sample: an array of outputs (a list of them if f returns several)."""
        arrays, size = self._ready(args)
        outs = self._outputs(self._forward(arrays, size), size)
        if self.has_aux:
            return outs[0], outs[1:]
        return outs if self._several else outs[0]

    def _needs_grad(self, argnums: tuple) -> list:
        """Per kernel and input: does any ∂L/∂leaf we were asked for flow through it?"""
        if argnums in self._needs:
            return self._needs[argnums]
        t = self.tape
        need = [np.zeros(t.sizes[UNIFORM], dtype=bool), np.zeros(t.sizes[BATCHED], dtype=bool)]
        for i in argnums:
            s = t.arg_slices[i]
            need[s.kind][s.start : s.stop] = True
        if self.params:
            need[UNIFORM][t.param_rows] = True
        plan = []
        for kernel in t.kernels:
            flags = [need[kind][idx] for kind, idx in kernel.inputs()]
            plan.append([bool(f.any()) for f in flags])
            per_node = [f if f.ndim == 1 else f.any(axis=1) for f in flags]
            need[kernel.out_kind][kernel.start : kernel.stop] = np.logical_or.reduce(per_node) if per_node else False
        self._needs[argnums] = plan
        return plan

    def _backward(self, arrays: list, size: int | None, run: Run, seeds: list, wanted: tuple) -> tuple:
        """∂L/∂args (and ∂L/∂params) from the messages ``seeds`` = ∂L/∂(output i) per sample."""
        t = self.tape
        GU = np.zeros(t.sizes[UNIFORM])
        GV = np.zeros((t.sizes[BATCHED], run.B))
        for (kind, row), seed in zip(t.outputs, seeds):
            if kind == BATCHED:
                GV[row] += seed
            else:
                GU[row] += np.sum(seed)  # the same f for every sample
        plan = self._needs_grad(wanted)
        for kernel, saved, needs in zip(reversed(t.kernels), reversed(run.saved), reversed(plan)):
            if any(needs):
                kernel.backward(run.U, run.V, GU, GV, saved, needs)
        grads = []
        for i, (a, s) in enumerate(zip(arrays, t.arg_slices)):
            if i not in wanted:
                grads.append(None)
            elif s.kind == BATCHED:
                grads.append(GV[s.start : s.stop].T.reshape(a.shape).copy())
            else:
                grads.append(GU[s.start : s.stop].reshape(a.shape).copy())
        if self.params:
            return tuple(grads), GU[t.param_rows].copy()
        return (tuple(grads),)

    def _wanted(self, arrays: list, argnums: Sequence[int] | None) -> tuple[int, ...]:
        return tuple(range(len(arrays))) if argnums is None else tuple(i % len(arrays) for i in argnums)

    def value_and_grad(self, *args: object, reduce: str = "sum", argnums: Sequence[int] | None = None):
        """(L, ∂L/∂args) for L = Σ_b f(args_b) (``reduce="sum"``) or its mean over the batch.

        The gradient of a per-sample argument has its shape; that of a shared argument is summed
        over the batch.  Arguments not in ``argnums`` (default: all) get ``None``.  With
        ``params`` the result is ``(L, grads, param_grads)``; with ``has_aux`` L is ``(L, aux)``,
        aux being f's other outputs per sample.
        """
        if reduce not in ("sum", "mean"):
            raise ValueError(f"compiled: reduce must be 'sum' or 'mean', got {reduce!r}")
        arrays, size = self._ready(args)
        if self._several:
            raise TypeError("compiled.value_and_grad: f returns several outputs; use has_aux=True or vjp")
        run = self._forward(arrays, size)
        outs = self._outputs(run, size)
        scale = 1.0 if reduce == "sum" else 1.0 / (size or 1)
        value = float(outs[0].sum() * scale)
        seeds = [np.full(run.B, scale)] + [0.0] * (len(outs) - 1)
        grads = self._backward(arrays, size, run, seeds, self._wanted(arrays, argnums))
        return ((value, outs[1:]) if self.has_aux else value, *grads)

    def vjp(self, *args: object, argnums: Sequence[int] | None = None) -> tuple:
        """(outputs, pullback): ``pullback(*cotangents)`` gives Σ_b Σ_i c_ib · ∂f_i(args_b)/∂args.

        One cotangent per output of f (an array over the batch, or a number); the result has
        the form of ``value_and_grad`` 's gradients: ``grads`` or ``(grads, param_grads)``.
        """
        arrays, size = self._ready(args)
        run = self._forward(arrays, size)
        outs = self._outputs(run, size)
        wanted = self._wanted(arrays, argnums)

        def pullback(*cotangents: object):
            if len(cotangents) != len(outs):
                raise TypeError(f"pullback: f has {len(outs)} output(s), got {len(cotangents)} cotangent(s)")
            seeds = [np.broadcast_to(np.asarray(c, dtype=float), o.shape) for c, o in zip(cotangents, outs)]
            grads = self._backward(arrays, size, run, seeds, wanted)
            return grads if self.params else grads[0]

        return (outs if self._several or self.has_aux else outs[0]), pullback


def compile(
    f: Callable,
    params: Sequence[Value] = (),
    batched: Sequence[int] | None = None,
    has_aux: bool = False,
) -> Compiled:
    """Trace ``f`` once (at the first call) and replay its graph on batches; see ``Compiled``."""
    if not callable(f):
        raise TypeError(f"compile(f): f must be callable, got {type(f).__name__}")
    return Compiled(f, params=params, batched=batched, has_aux=has_aux)
