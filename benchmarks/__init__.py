"""Benchmarks: our engine (interpreted and compiled) against the scalar and batched peers.

``python -m benchmarks`` runs every workload on every installed engine — autograd-core,
micrograd, PyTorch 0-d float64 tensors, PyTorch batched float64 tensors, HIPS autograd on
numpy — prints one table of medians with the ratio to micrograd, and writes it as markdown and
JSON to ``benchmarks/results/`` (or ``--out``).  ``--quick`` runs everything tiny, in seconds;
quick and ``--only`` runs write to ``benchmarks/results/quick/``, so the full run's table survives.
The command exits 1 if the engines' step-0 losses disagree.
"""

import os

# One thread for BLAS (numpy) as for torch: on a busy 2-core machine, thread pools that
# spin-wait turn a 0.5 ms matrix product into 40 ms.  Set before numpy is first imported;
# export OPENBLAS_NUM_THREADS etc. yourself to override.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
