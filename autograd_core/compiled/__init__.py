"""Trace once, run batched: a scalar function's graph as a tape replayed on numpy batches.

``compile(f)`` calls ``f`` once on scalar ``Value`` s, keeps the graph as a tape of op-table
nodes, and replays FORWARD() and BACKWARD() on whole batches: every node v_j holds one number
per sample.  Across nodes the replay is vectorized too: the nodes of one topological level that
apply the same op form one group, computed by one gather–compute–scatter numpy call, and
∂L/∂v_i = Σ_j ∂L/∂v_j · ∂v_j/∂v_i is summed group by group in reverse.  A Σ node (``dot``,
``sum``, or a chain of + over products w·x of a shared weight and a per-sample value) joins a Σ
group, so a layer of neurons Σ_k w_jk x_k + b_j is one matrix product and a sum one reduction.

    hinge = compile(lambda x, y, w, b: (1 - y * (w * x + b)).relu())
    hinge(X, Y, 0.5, 0.1)                                   # one output per sample, shape (N,)
    L, (gX, gY, gw, gb) = hinge.value_and_grad(X, Y, 0.5, 0.1, reduce="mean")  # gw, gb: over the batch

Forward values use the rows' forwards on arrays (``Op.array_forward``); local derivatives are
the table's own ``local`` rules applied to arrays (numpy ≥ 2).  Numbers and leaf Values that
``f`` reads from elsewhere are constants of the tape, except ``params``.

What cannot be traced: Python control flow that depends on the data (``if x.data > 0``,
loops whose length depends on a value).  The tape records the branch taken by the traced
sample (the first of the batch) and replays it for every sample, constants included (a number
computed from ``x.data`` is the traced sample's).  ``check_trace`` re-traces on another sample
and raises ``TraceMismatchError`` if the graph differs (or, on request, its constants).

One job per module: ``trace`` (f on one sample's Values), ``layout`` (each node's row in the
shared store U or the per-sample store V), ``fusion`` (which nodes form a group, which a Σ),
``kernels`` (what runs for one group, forward and backward), ``tape`` (the graph laid out as
kernels), ``replay`` (``Compiled``: arguments in, forward, backward, gradients out).
"""

try:
    import numpy as np
except ImportError as error:
    from ..extras import missing

    raise missing("autograd_core.compile", "numpy", "compiled") from error

if not hasattr(np.ndarray, "__array_namespace__"):
    # The table's local rules reach numpy's cos, sin and log through the array's own namespace.
    raise ImportError(f"autograd_core.compile needs numpy >= 2.0, found {np.__version__}: pip install 'numpy>=2'")

from .replay import Compiled, compile  # after the numpy checks
from .trace import TraceMismatchError

__all__ = ["Compiled", "TraceMismatchError", "compile"]
