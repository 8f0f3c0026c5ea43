"""Benchmarks: our engine (interpreted and compiled) against the scalar and batched peers.

``python -m benchmarks`` runs every workload on every installed engine — autograd-core,
micrograd, PyTorch 0-d float64 tensors, PyTorch batched float64 tensors, HIPS autograd on
numpy — prints one table of medians with the ratio to micrograd, and writes it as markdown and
JSON to ``benchmarks/results/`` (or ``--out``).  ``--quick`` runs everything tiny, in seconds.
"""
