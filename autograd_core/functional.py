"""The functional API, in the style of HIPS autograd and JAX: grad, value_and_grad, hessian, jvp."""

from __future__ import annotations

import functools
import numbers
import threading
from collections.abc import Callable, Sequence

from .graph import count_children, gradients, push_tangents
from .value import Value

Number = float | int

# The argument nodes of every grad/value_and_grad/hessian/jvp evaluating its f right now, in any
# thread.  A grad whose result reaches one of them is nested, even with plain-number arguments:
# f closes over the outer Values, as in d/dx [d/dy (x·y)] = 1, so it must return a graph.  Read
# from the graph, not from the calling thread's context: a thread started inside f counts too.
_traced: set[Value] = set()
_traced_lock = threading.Lock()


def _check_argnums(argnums: object) -> None:
    nums = (argnums,) if type(argnums) is int else argnums
    if not isinstance(nums, (tuple, list)) or not all(type(i) is int for i in nums):
        raise TypeError(f"argnums must be an int or a tuple of ints, got {argnums!r}")


def _argnums(argnums: int | Sequence[int], nargs: int, who: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for i in nums:
        if not -nargs <= i < nargs:
            raise ValueError(
                f"{who}: argnums {argnums!r} does not fit a call with {nargs} argument(s) "
                "(positional ones, counted from 0)"
            )
    return tuple(i % nargs for i in nums)


def _fresh(arg: object, who: str, i: int) -> Value:
    """A new node per argument, so this call's derivative flows only through this call's uses.

    A Value argument (from an enclosing ``grad``) gets a child ``arg + 0``; differentiating
    with respect to that child, not ``arg`` itself, avoids confusing the two levels.
    """
    if isinstance(arg, Value):
        return arg + 0.0
    try:
        return Value(arg)
    except TypeError:
        raise TypeError(
            f"{who}: positional argument {i} must be a number or a Value (they are differentiated), got "
            f"{type(arg).__name__}; pass other data by keyword: it goes to f undifferentiated"
        ) from None


def _name(f: Callable) -> str:
    return getattr(f, "__name__", "f")


def _wrapper(wrapped: Callable, f: Callable, who: str) -> Callable:
    """``wrapped`` with f's docstring and signature (``__wrapped__``) but our name, so errors name us, not f."""
    functools.update_wrapper(wrapped, f)
    wrapped.__name__ = wrapped.__qualname__ = who
    return wrapped


def _output(y: object, f: Callable) -> Value | float:
    if isinstance(y, Value):
        return y
    if isinstance(y, numbers.Real):
        return float(y)  # a constant function: every derivative is 0
    raise TypeError(
        f"{getattr(f, '__name__', 'f')} must return a scalar Value or number to be differentiated, "
        f"got {type(y).__name__}"
    )


def _nested(y: object, *args: object) -> bool:
    """Must the result be a graph, differentiable again: given Values, or y reaches an enclosing grad's arguments?"""
    if any(isinstance(a, Value) for a in args):
        return True
    with _traced_lock:
        outer = set(_traced)
    return bool(outer) and isinstance(y, Value) and not outer.isdisjoint(count_children(y))


def _trace(f: Callable, xs: list[Value], kwargs: dict) -> Value | float:
    """f(*xs, **kwargs), with ``xs`` registered as an enclosing trace's arguments while f runs."""
    with _traced_lock:
        _traced.update(xs)
    try:
        return _output(f(*xs, **kwargs), f)
    finally:
        with _traced_lock:
            _traced.difference_update(xs)


def value_and_grad(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """(f(x), ∂f/∂x) at once; ``argnums`` picks the argument(s), a tuple gives a tuple of partials.

    Called with numbers it returns floats; called with Values (inside another ``grad``) it
    returns Values, so derivatives nest to any depth: ``grad(grad(f))``.  Keyword arguments go
    to f undifferentiated (as in HIPS autograd and JAX): ``grad(f)(3.0, scale=2.0)``.
    """
    return _value_and_grad(f, argnums, f"value_and_grad({_name(f)})")


def _value_and_grad(f: Callable, argnums: int | Sequence[int], who: str) -> Callable:
    _check_argnums(argnums)

    def wrapped(*args: Number | Value, **kwargs: object):
        nums = _argnums(argnums, len(args), who)
        xs = [_fresh(a, who, i) for i, a in enumerate(args)]
        y = _trace(f, xs, kwargs)
        nested = _nested(y, *args)
        if isinstance(y, Value):
            grads = gradients(y, create_graph=nested)
            partials = [grads.get(xs[i], 0.0) for i in nums]
        else:
            partials = [0.0] * len(nums)
        value = y if nested or not isinstance(y, Value) else y.data
        return value, (partials[0] if isinstance(argnums, int) else tuple(partials))

    return _wrapper(wrapped, f, who)


def grad(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """∂f/∂x as a function: ``grad(lambda x: x.tanh())(0.3) == 1 − tanh²(0.3)``; keywords go to f as they are."""
    who = f"grad({_name(f)})"
    vg = _value_and_grad(f, argnums, who)

    def wrapped(*args: Number | Value, **kwargs: object):
        return vg(*args, **kwargs)[1]

    return _wrapper(wrapped, f, who)


def hessian(f: Callable) -> Callable:
    """H_ij = ∂²f/∂x_i∂x_j as nested lists of floats, by differentiating ∂f/∂x_i once more.

    Like ``grad``, inside another ``grad`` (or called with Values) its entries are Values;
    keyword arguments go to f undifferentiated.
    """
    who = f"hessian({_name(f)})"

    def wrapped(*args: Number | Value, **kwargs: object) -> list[list[float]]:
        xs = [_fresh(a, who, i) for i, a in enumerate(args)]
        y = _trace(f, xs, kwargs)
        nested = _nested(y, *args)
        if not isinstance(y, Value):
            return [[0.0] * len(xs) for _ in xs]
        first = gradients(y, create_graph=True)
        rows = []
        for x in xs:
            g = first.get(x, 0.0)
            second = gradients(g, create_graph=nested) if isinstance(g, Value) else {}
            rows.append([second.get(xj, 0.0) for xj in xs])
        return rows

    return _wrapper(wrapped, f, who)


def jvp(f: Callable, primals: Sequence[Number | Value], tangents: Sequence[Number | Value], **kwargs: object) -> tuple:
    """Forward mode: (f(x), ∇f(x)·ẋ) by pushing the tangent ẋ through the graph in FORWARD() order.

    Like ``grad``, inside another ``grad`` (or called with Values) it returns Values, so forward
    and reverse mode nest either way round; a Value tangent stays in the graph, so
    ``grad(lambda v: jvp(f, (x,), (v,))[1])`` differentiates through the direction too.
    Keyword arguments go to f undifferentiated: ``jvp(f, (x,), (1.0,), scale=2.0)``.
    """
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents; give one tangent per primal")
    xs = [_fresh(p, "jvp", i) for i, p in enumerate(primals)]
    seeds = {x: t if isinstance(t, Value) else Value(t).data for x, t in zip(xs, tangents)}
    y = _trace(f, xs, kwargs)
    nested = _nested(y, *primals, *tangents)
    if not isinstance(y, Value):
        return y, 0.0
    return (y if nested else y.data), push_tangents(y, seeds, create_graph=nested)[y]
