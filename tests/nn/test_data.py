"""Datasets: the shapes and geometry they promise, seeded, without touching the global random state."""

import math
import random

import pytest

from nn import data


def test_moons_without_noise_lie_on_the_two_half_circles():
    X, y = data.moons(51, noise=0.0, seed=3)
    assert len(X) == 51 and y.count(0) == 25 and y.count(1) == 26
    for (a, b), label in zip(X, y):
        if label == 0:  # upper moon: the unit half circle above the axis
            assert math.hypot(a, b) == pytest.approx(1.0) and b >= -1e-12
        else:  # lower moon: centre (1, 0.5), below its centre
            assert math.hypot(a - 1.0, b - 0.5) == pytest.approx(1.0) and b <= 0.5 + 1e-12
    for end in ((1.0, 0.0), (-1.0, 0.0), (0.0, 0.5), (2.0, 0.5)):  # the four tips, as sklearn's
        assert any(math.hypot(a - end[0], b - end[1]) < 1e-12 for a, b in X)


def test_moons_noise_has_the_requested_standard_deviation():
    clean, _ = data.moons(2000, noise=0.0, seed=0)
    noisy, _ = data.moons(2000, noise=0.1, seed=0)
    # same shuffle for the same seed, so the noise is noisy − clean point by point
    deltas = [c for p, q in zip(noisy, clean) for c in (p[0] - q[0], p[1] - q[1])]
    assert max(abs(d) for d in deltas) < 0.6
    assert math.sqrt(sum(d * d for d in deltas) / len(deltas)) == pytest.approx(0.1, rel=0.05)


def test_moons_labels_option_and_reproducibility_without_global_random():
    random.seed(5)
    state = random.getstate()
    a = data.moons(30, seed=9, labels=(-1, 1))
    b = data.moons(30, seed=9, labels=(-1, 1))
    assert random.getstate() == state
    assert a == b and set(a[1]) == {-1, 1} and a != data.moons(30, seed=10, labels=(-1, 1))


def test_circles_radii():
    X, y = data.circles(40, noise=0.0, factor=0.3, seed=1)
    for (a, b), label in zip(X, y):
        assert math.hypot(a, b) == pytest.approx(1.0 if label == 0 else 0.3)
    with pytest.raises(ValueError, match="factor"):
        data.circles(factor=1.5)


def test_xor_is_the_truth_table():
    X, y = data.xor()
    assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] and y == [0, 1, 1, 0]
    X, y = data.xor(40, noise=0.05, seed=2, labels=(-1, 1))
    assert len(X) == 40 and all(y_ == (1 if round(a) != round(b) else -1) for (a, b), y_ in zip(X, y))


def test_spirals_and_blobs_have_balanced_classes():
    X, y = data.spirals(90, n_classes=3, seed=0)
    assert len(X) == 90 and [y.count(k) for k in range(3)] == [30, 30, 30]
    assert max(math.hypot(*x) for x in X) <= 1.0 + 1e-12
    X, y = data.blobs(60, centers=[[5.0, 5.0], [-5.0, -5.0]], cluster_std=0.5, seed=1)
    assert [y.count(k) for k in range(2)] == [30, 30]
    assert all((x[0] > 0) == (k == 0) for x, k in zip(X, y))


def test_encoder_838_is_the_identity_task():
    X, y = data.encoder_838()
    assert X == y and all(sum(row) == 1.0 and row[i] == 1.0 for i, row in enumerate(X))
    assert data.encoder_838("index")[1] == list(range(8))


def test_minibatches_cover_every_sample_once_per_epoch():
    X = [[float(i)] for i in range(23)]
    y = list(range(23))
    batches = list(data.minibatches(X, y, 5, seed=4))
    assert [len(b[1]) for b in batches] == [5, 5, 5, 5, 3]
    seen = [t for _, yb in batches for t in yb]
    assert sorted(seen) == y and seen != y
    assert all(x[0] == t for Xb, yb in batches for x, t in zip(Xb, yb))
    assert batches == list(data.minibatches(X, y, 5, seed=4))


def test_train_test_split_partitions_the_data():
    X = [[float(i)] for i in range(20)]
    Xtr, Xte, ytr, yte = data.train_test_split(X, list(range(20)), test_fraction=0.25, seed=1)
    assert len(Xte) == 5 and sorted(ytr + yte) == list(range(20))
    assert all(x[0] == t for x, t in zip(Xtr + Xte, ytr + yte))


@pytest.mark.parametrize("test_fraction", [0.01, 0.5, 0.99])
def test_train_test_split_of_two_samples_keeps_one_on_each_side(test_fraction):
    Xtr, Xte, ytr, yte = data.train_test_split([[0.0], [1.0]], [0, 1], test_fraction=test_fraction)
    assert len(ytr) == len(yte) == 1 and sorted(ytr + yte) == [0, 1] and [Xtr[0][0], Xte[0][0]] == ytr + yte


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: data.moons(0), "n_samples"),
        (lambda: data.moons(10, noise=-1.0), "noise"),
        (lambda: list(data.minibatches([[1.0]], [1, 2], 1)), "1 samples but y has 2"),
        (lambda: list(data.minibatches([[1.0]], [1], 0)), "batch_size"),
        (lambda: data.train_test_split([[1.0]], [1], test_fraction=1.0), "test_fraction"),
        (lambda: data.train_test_split([[1.0]], [1]), "needs at least 2 samples"),
        (lambda: data.blobs(10, centers=0), "centers must be a positive number of clusters"),
        (lambda: data.blobs(10, centers=[]), "centers must be a positive number of clusters"),
        (lambda: data.blobs(10, n_features=0), "n_features must be an integer ≥ 1 \\(the dimension"),
        (lambda: data.spirals(10, n_classes=0), "n_classes must be an integer ≥ 1 \\(the number of spiral arms"),
        (lambda: data.encoder_838("bits"), "targets"),
    ],
)
def test_data_rejects_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()
