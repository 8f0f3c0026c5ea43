"""demos: the lectures' worked examples, reproduced and checked; ``python -m demos`` runs the tour.

Each module is a jupytext percent-format script (it opens as a notebook), runnable alone as
``python -m demos.<name> [--out DIR]``, exiting non-zero if its own check fails.
"""
