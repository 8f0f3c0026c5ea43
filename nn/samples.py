"""What a model's call takes (one sample: nin numbers or Values) and gives (Outputs); for nn and nn.micrograd."""

from __future__ import annotations

import numbers

from autograd_core import Value


def check_sample(x: object, nin: int, who: str) -> None:
    """``x`` must be one sample of ``nin`` inputs; a batch, a bare number or a wrong size says what to do."""
    if isinstance(x, (numbers.Real, Value, str)) or not hasattr(x, "__len__"):  # lists, tuples, numpy rows
        raise TypeError(f"{who} takes a list of {nin} inputs, got {type(x).__name__} (write [x] for one input)")
    if len(x) and hasattr(x[0], "__len__") and not isinstance(x[0], str):
        raise TypeError(
            f"{who} takes one sample (a list of {nin} inputs), got a batch of {len(x)}; "
            "map the model over it: [model(x) for x in X]"
        )
    if len(x) != nin:
        raise ValueError(f"{who} expects an input of size {nin}, got size {len(x)}")


class Outputs(list):
    """A model's several outputs: a plain list of Values, whose ``backward()`` says to reduce it first."""

    def backward(self, *args: object) -> None:
        """Not defined: L must be one Value."""
        raise TypeError(
            f"backward() needs one Value L, but the model gave a list of {len(self)} outputs; reduce them to one "
            "Value first, e.g. autograd_core.sum(outputs).backward() or a loss such as nn.losses.mse"
        )
