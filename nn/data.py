"""Toy datasets, seeded and in pure Python, as ``(X, y)`` lists; minibatches and a train/test split.

Every function takes ``seed`` and draws from its own ``random.Random(seed)``: the global
``random`` state is never touched, and the same seed gives the same data.  Two-class sets take
``labels=(negative, positive)``: ``(0, 1)`` for binary cross-entropy, ``(-1, 1)`` for hinge.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence

Dataset = tuple[list[list[float]], list]


def _linspace(start: float, stop: float, n: int, endpoint: bool = True) -> list[float]:
    """numpy.linspace in pure Python."""
    if n == 1:
        return [start]
    step = (stop - start) / ((n - 1) if endpoint else n)
    return [start + i * step for i in range(n)]


def _check_count(n: object, name: str = "n_samples", minimum: int = 1, what: str = "") -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < minimum:
        raise ValueError(f"{name} must be an integer ≥ {minimum}{what}, got {n!r}")


def _shuffle_and_noise(X: list[list[float]], y: list, noise: float, rng: random.Random) -> Dataset:
    """Shuffle (X, y) together, then add N(0, noise²) to every coordinate (sklearn's order)."""
    if noise < 0:
        raise ValueError(f"noise is a standard deviation and must be ≥ 0, got {noise!r}")
    order = list(range(len(X)))
    rng.shuffle(order)
    X = [[c + rng.gauss(0.0, noise) if noise else c for c in X[i]] for i in order]
    return X, [y[i] for i in order]


def moons(n_samples: int = 100, noise: float = 0.1, seed: int = 0, labels: tuple = (0, 1)) -> Dataset:
    """Two interleaving half circles, as sklearn's make_moons: upper moon → labels[0], lower → labels[1]."""
    _check_count(n_samples)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, n_out)] if n_out else []
    inner = [[1.0 - math.cos(t), 1.0 - math.sin(t) - 0.5] for t in _linspace(0.0, math.pi, n_in)]
    return _shuffle_and_noise(outer + inner, [labels[0]] * n_out + [labels[1]] * n_in, noise, random.Random(seed))


def circles(
    n_samples: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int = 0, labels: tuple = (0, 1)
) -> Dataset:
    """A circle of radius ``factor`` inside the unit circle, as sklearn's make_circles: outer → labels[0]."""
    _check_count(n_samples)
    if not 0 < factor < 1:
        raise ValueError(f"factor is the inner radius and must be in (0, 1), got {factor!r}")
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, 2 * math.pi, n_out, endpoint=False)] if n_out else []
    inner = [[factor * math.cos(t), factor * math.sin(t)] for t in _linspace(0.0, 2 * math.pi, n_in, endpoint=False)]
    return _shuffle_and_noise(outer + inner, [labels[0]] * n_out + [labels[1]] * n_in, noise, random.Random(seed))


def xor(n_samples: int = 4, noise: float = 0.0, seed: int = 0, labels: tuple = (0, 1)) -> Dataset:
    """XOR: corners (0,0), (0,1), (1,0), (1,1) → labels[0], [1], [1], [0], cycled to n_samples, plus noise."""
    _check_count(n_samples)
    corners = [([0.0, 0.0], 0), ([0.0, 1.0], 1), ([1.0, 0.0], 1), ([1.0, 1.0], 0)]
    picked = [corners[i % 4] for i in range(n_samples)]
    X = [list(c) for c, _ in picked]
    y = [labels[k] for _, k in picked]
    if n_samples == 4 and noise == 0.0:
        return X, y  # the truth table, in its usual order
    return _shuffle_and_noise(X, y, noise, random.Random(seed))


def spirals(n_samples: int = 100, n_classes: int = 3, noise: float = 0.2, seed: int = 0) -> Dataset:
    """K interleaved spiral arms (CS231n's): x = r(sin t, cos t), r ∈ [0, 1]; y = class index 0…K−1."""
    _check_count(n_classes, "n_classes", what=" (the number of spiral arms, e.g. 3)")
    _check_count(n_samples, minimum=n_classes)
    rng = random.Random(seed)
    X, y = [], []
    for k in range(n_classes):
        n = n_samples // n_classes + (1 if k < n_samples % n_classes else 0)
        for r, t in zip(_linspace(0.0, 1.0, n), _linspace(4.0 * k, 4.0 * (k + 1), n)):
            t += rng.gauss(0.0, noise) if noise else 0.0
            X.append([r * math.sin(t), r * math.cos(t)])
            y.append(k)
    return _shuffle_and_noise(X, y, 0.0, rng)


def blobs(
    n_samples: int = 100,
    centers: int | Sequence[Sequence[float]] = 3,
    n_features: int = 2,
    cluster_std: float = 1.0,
    center_box: tuple[float, float] = (-10.0, 10.0),
    seed: int = 0,
) -> Dataset:
    """Gaussian clusters, as sklearn's make_blobs: centers drawn in ``center_box``; y = cluster index."""
    rng = random.Random(seed)
    _check_count(n_features, "n_features", what=" (the dimension of each point)")
    if isinstance(centers, int):
        centers = [[rng.uniform(*center_box) for _ in range(n_features)] for _ in range(centers)]
    centers = [list(map(float, c)) for c in centers]
    if not centers:
        raise ValueError("blobs: centers must be a positive number of clusters or a non-empty list of points")
    _check_count(n_samples, minimum=len(centers))
    X, y = [], []
    for k, c in enumerate(centers):
        n = n_samples // len(centers) + (1 if k < n_samples % len(centers) else 0)
        X += [[ci + rng.gauss(0.0, cluster_std) for ci in c] for _ in range(n)]
        y += [k] * n
    return _shuffle_and_noise(X, y, 0.0, rng)


def encoder_838(targets: str = "onehot") -> Dataset:
    """Seed 001's 8-3-8 identity task: X = the 8 one-hot vectors; y = X (``"onehot"``) or indices 0…7."""
    X = [[1.0 if j == i else 0.0 for j in range(8)] for i in range(8)]
    if targets == "onehot":
        return X, [list(row) for row in X]
    if targets == "index":
        return X, list(range(8))
    raise ValueError(f"targets must be 'onehot' or 'index', got {targets!r}")


def minibatches(X: Sequence, y: Sequence, batch_size: int, seed: int | random.Random = 0) -> Iterator[Dataset]:
    """One epoch of (X_b, y_b) batches of ``batch_size`` (the last may be smaller), in a seeded random order."""
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}; they must match")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    order = list(range(len(X)))
    rng.shuffle(order)
    arrays = hasattr(X, "shape") and hasattr(y, "shape")  # numpy arrays: the batch is one fancy index
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        yield (X[idx], y[idx]) if arrays else ([X[i] for i in idx], [y[i] for i in idx])


def train_test_split(X: Sequence, y: Sequence, test_fraction: float = 0.25, seed: int = 0) -> tuple:
    """(X_train, X_test, y_train, y_test): a seeded random ``test_fraction`` of the samples (≥ 1, < all) held out."""
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}; they must match")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction!r}")
    if len(X) < 2:
        raise ValueError(f"train_test_split needs at least 2 samples (one to train, one to test), got {len(X)}")
    order = list(range(len(X)))
    random.Random(seed).shuffle(order)
    n_test = min(max(1, round(test_fraction * len(X))), len(X) - 1)  # neither side empty
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]
