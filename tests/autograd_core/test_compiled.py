"""compile(f): batched replay of a traced tape, checked against the interpreted engine per sample."""

import itertools
import math
import random
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ac
from autograd_core import OPS, Value
from autograd_core.compiled import TraceMismatchError
from autograd_core.testing import op_inputs, programs


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def interpreted(f, *xs: float) -> tuple[float, list[float]]:
    """f(xs) and ∂f/∂xs on fresh leaves of the interpreted engine."""
    leaves = [Value(x) for x in xs]
    y = f(*leaves)
    y.backward()
    return y.data, [v.grad for v in leaves]


@given(programs(max_steps=12), st.lists(st.booleans(), min_size=3, max_size=3), st.sampled_from(["sum", "mean"]))
def test_compiled_program_matches_interpreted(program, shared, reduce):
    # Per-sample inputs are the drawn ones nudged by 1e-7: still well inside every domain.
    batch = 4
    args = [np.asarray(x) if shared[i] else x + 1e-7 * np.arange(batch) for i, x in enumerate(program.inputs)]
    if all(a.ndim == 0 for a in args):
        batch = 1  # nothing per sample: f is computed once
    c = ac.compile(program.evaluate)
    outputs = np.atleast_1d(c(*args))
    total, grads = c.value_and_grad(*args, reduce=reduce)
    expect_total, expect_grads = 0.0, [np.zeros(np.shape(a)) for a in args]
    for b in range(batch):
        xs = [float(a) if a.ndim == 0 else float(a[b]) for a in args]
        y, g = interpreted(program.evaluate, *xs)
        assert close(outputs[b], y)
        expect_total += y
        for i, a in enumerate(args):
            if a.ndim == 0:
                expect_grads[i] += g[i]
            else:
                expect_grads[i][b] = g[i]
    scale = 1.0 if reduce == "sum" else 1.0 / batch
    assert close(total, expect_total * scale)
    for got, want in zip(grads, expect_grads):
        assert got.shape == want.shape
        assert all(close(u, v * scale) for u, v in zip(np.ravel(got), np.ravel(want)))


@pytest.mark.parametrize("name", sorted(OPS))
def test_compiled_numpy_rows_match_the_table(name):
    # Every op on a batch: the row's array_forward and the table's local rule on arrays, against the
    # table on each float (the same rule, so they must agree to the last bits or near).
    op = OPS[name]

    @given(st.lists(op_inputs(op), min_size=1, max_size=4))
    def check(calls):
        for args, const in calls:
            extra = () if const is None else (const,)
            v = op.forward(*args, *extra)
            batch = [np.array([a]) for a in args]
            got = OPS[name].array_forward(*batch, *extra)
            local = op.local(*args, v, *extra)
            got_local = op.local(*batch, got, *extra)
            assert close(float(got[0]), v)
            assert all(close(float(np.ravel(g)[0]), d) for g, d in zip(got_local, local))

    check()


def layer(x: list, w: list, b: list, activation: str, swap: bool = False) -> list:
    """Neurons Σ_k w_jk·x_k + b_j, written as a student would (a + chain per neuron)."""
    out = [sum((xk * wk if swap else wk * xk for wk, xk in zip(wj, x)), bj) for wj, bj in zip(w, b)]
    return [getattr(o, activation)() for o in out] if activation != "linear" else out


@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.sampled_from(["relu", "tanh", "sigmoid", "linear"]),
    st.integers(0, 2**16),
    st.booleans(),
)
def test_compiled_layers_match_interpreted(n_in, n_out, activation, seed, weights_first):
    # The fused sum-of-products path (both products written w·x and x·w), against the engine.
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, (5, n_in))
    W = rng.uniform(-1, 1, (n_out, n_in))
    B = rng.uniform(-1, 1, n_out)

    def f(x, w, b):
        out = layer(x, w, b, activation, swap=not weights_first)
        return sum(o * o for o in out) if weights_first else sum(o * (1.0 + o) for o in out)

    c = ac.compile(f, batched=(0,))
    total, (gx, gw, gb) = c.value_and_grad(X, W, B)
    ew, eb, et = np.zeros_like(W), np.zeros_like(B), 0.0
    for s in range(len(X)):
        x = [Value(v) for v in X[s]]
        w = [[Value(v) for v in row] for row in W]
        b = [Value(v) for v in B]
        y = f(x, w, b)
        y.backward()
        et += y.data
        assert np.allclose(gx[s], [v.grad for v in x], rtol=1e-12, atol=1e-12)
        ew += [[v.grad for v in row] for row in w]
        eb += [v.grad for v in b]
    assert close(total, et)
    assert np.allclose(gw, ew, rtol=1e-12, atol=1e-12) and np.allclose(gb, eb, rtol=1e-12, atol=1e-12)


def test_compiled_layer_is_a_few_groups():
    # A 2-16-16-1 MLP on per-sample inputs: one group per layer and per activation, not per neuron.
    rng = random.Random(0)
    sizes = [2, 16, 16, 1]
    params = [
        ([[Value(rng.uniform(-1, 1)) for _ in range(n)] for _ in range(m)], [Value(0.0) for _ in range(m)])
        for n, m in itertools.pairwise(sizes)
    ]

    def f(x1, x2):
        h = [x1, x2]
        for i, (w, b) in enumerate(params):
            h = layer(h, w, b, "relu" if i < len(params) - 1 else "linear")
        return h[0]

    c = ac.compile(f, params=[p for w, b in params for p in [*itertools.chain(*w), *b]])
    c(np.zeros(3), np.zeros(3))
    assert len(c.tape.kernels) == 5


def mlp_loss(params: list, x1, x2, y):
    """Hinge loss of a 2-4-1 tanh MLP with flat parameter list ``params`` (17 of them)."""
    h = [(params[3 * j] * x1 + params[3 * j + 1] * x2 + params[3 * j + 2]).tanh() for j in range(4)]
    out = sum((params[12 + j] * h[j] for j in range(4)), params[16])
    return (1.0 - y * out).relu() + 1e-4 * sum(p * p for p in params)


def test_compiled_training_follows_interpreted():
    rng = np.random.default_rng(3)
    X = rng.uniform(-2, 2, (30, 2))
    Y = np.where(X[:, 0] * X[:, 1] > 0, 1.0, -1.0)
    start = list(rng.uniform(-1, 1, 17))
    params = [Value(p) for p in start]
    c = ac.compile(lambda x1, x2, y: mlp_loss(params, x1, x2, y), params=params)
    w_compiled = np.array(start)
    for _ in range(20):
        # compiled: params read from the Values, which we update in place
        for p, w in zip(params, w_compiled):
            p.data = float(w)
        _, _, g = c.value_and_grad(X[:, 0], X[:, 1], Y, reduce="mean")
        w_compiled = w_compiled - 0.1 * g
    weights = [Value(p) for p in start]
    for _ in range(20):
        loss = sum(mlp_loss(weights, *map(float, X[s]), float(Y[s])) for s in range(len(X))) / len(X)
        loss.backward()
        weights = [Value(w.data - 0.1 * w.grad) for w in weights]
    assert np.allclose(w_compiled, [w.data for w in weights], rtol=0, atol=1e-10)
    assert not np.allclose(w_compiled, start, atol=1e-3)  # it did train


def test_compiled_shared_argument_grad_is_summed():
    # f(x, a) = a·x²: ∂Σ_b f/∂a = Σ_b x_b², ∂f/∂x_b = 2a·x_b; mean divides both by the batch.
    c = ac.compile(lambda x, a: a * x * x)
    x = np.array([1.0, 2.0, 3.0])
    total, (gx, ga) = c.value_and_grad(x, 2.0)
    assert total == 28.0 and ga == 14.0 and list(gx) == [4.0, 8.0, 12.0]
    mean, (gx, ga) = c.value_and_grad(x, 2.0, reduce="mean", argnums=(1,))
    assert math.isclose(mean, 28 / 3) and math.isclose(ga, 14 / 3) and gx is None


def test_compiled_aux_outputs_per_sample():
    c = ac.compile(lambda x, a: ((a * x) ** 2, [a * x, x.exp()]), has_aux=True)
    (total, (ax, ex)), (gx, ga) = c.value_and_grad(np.array([1.0, -2.0]), 3.0)
    assert total == 45.0 and list(ax) == [3.0, -6.0] and np.allclose(ex, np.exp([1.0, -2.0]))
    assert list(gx) == [18.0, -36.0] and ga == 2 * 3 * (1.0 + 4.0)


def test_compiled_wrong_arguments_raise():
    c = ac.compile(lambda x, a: a * x)
    c(np.ones(3), 1.0)
    with pytest.raises(ValueError, match="traced for 2 argument"):
        c(np.ones(3))
    with pytest.raises(ValueError, match="per-sample shapes"):
        c(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="batch size"):
        ac.compile(lambda x, y: x * y)(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="batched="):
        ac.compile(lambda x: x)(np.ones((2, 2)))
    with pytest.raises(ValueError, match="reduce"):
        c.value_and_grad(np.ones(3), 1.0, reduce="max")


def test_compiled_params_must_be_leaves():
    # An interior node as a param used to get a silent zero gradient.
    w = Value(0.5)
    w2 = w * 2.0
    with pytest.raises(ValueError, match=r"params must be leaf Values.*params\[1\] is the output of 'mul'"):
        ac.compile(lambda x: w2 * x, params=[w, w2])
    with pytest.raises(ValueError, match=r"params\[0\] is float"):
        ac.compile(lambda x: x, params=[0.5])


def test_compiled_without_numpy_says_which_extra_to_install():
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "import autograd_core\n"
        "assert autograd_core.grad(lambda x: x * x)(3.0) == 6.0  # the engine needs no numpy\n"
        "try:\n"
        "    autograd_core.compile\n"
        "except ImportError as e:\n"
        "    print(type(e).__name__, e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("ImportError ") and 'the "compiled" extra' in out and 'pip install ".[compiled]"' in out


def test_compiled_domain_error_names_the_op():
    c = ac.compile(lambda x: x.log())
    with pytest.raises(ValueError, match="log"):
        c(np.array([1.0, -1.0]))


DOMAIN_ERRORS = [
    # (f, args, error, words): sample 1 is the bad one; sample 0 (the traced one) is fine.
    (lambda x: x.sqrt(), ([1.0, 0.0],), ValueError, ["sqrt", "0.0"]),
    (lambda x: x**0.5, ([1.0, 0.0],), ValueError, ["pow", "0.0 ** 0.5", "infinite derivative"]),
    (lambda a, b: a**b, ([2.0, -2.0], [2.0, 2.0]), ValueError, ["powv", "-2.0", "positive"]),
    (lambda x: x**1.5, ([2.0, -2.0],), ValueError, ["pow", "-2.0", "not real"]),
    (lambda x: x**-1, ([2.0, 0.0],), ZeroDivisionError, ["pow", "0.0"]),
    (lambda x: 1.0 / x, ([2.0, -0.0],), ZeroDivisionError, ["div", "-0.0"]),
    (lambda x: x.log(), ([1.0, -1.0],), ValueError, ["log", "-1.0"]),
    (lambda x: x.log1p(), ([1.0, -1.0],), ValueError, ["log1p", "-1.0"]),
    (lambda x: (x * 1e308).sin(), ([0.0, 10.0],), ValueError, ["sin", "inf"]),
    (lambda x: x.exp(), ([1.0, 1000.0],), OverflowError, ["exp", "1000.0"]),
    # forward fine (x^−0.6 = 1e120), only the rule's x^−1.6 overflows: caught in the backward
    (lambda x: x**-0.6, ([1.0, 1e-200],), OverflowError, ["pow", "1e-200", "derivative"]),
]


@pytest.mark.parametrize(("f", "args", "error", "words"), DOMAIN_ERRORS)
def test_compiled_raises_where_the_interpreted_engine_raises(f, args, error, words):
    # It used to give inf or nan gradients (sqrt, x ** 0.5 at 0, a ** b with a < 0).
    with pytest.raises(error) as interpreted_error:
        interpreted(f, *(a[1] for a in args))
    with pytest.raises(error) as compiled_error:
        ac.compile(f).value_and_grad(*map(np.array, args))
    message = str(compiled_error.value)
    assert message == f"compiled, sample 1: {interpreted_error.value}"
    assert all(word in message for word in words), message


def test_compiled_overflow_of_a_sum_or_product_is_inf_as_interpreted():
    f = lambda x, y: x * y + x
    x, y = np.array([1.0, 1e200]), np.array([2.0, 1e200])
    assert ac.compile(f)(x, y).tolist() == [3.0, math.inf] == [interpreted(f, a, b)[0] for a, b in zip(x, y)]


def test_compiled_data_dependent_branch_detected():
    def f(x):
        return x * 2.0 if x.data > 0 else x.exp()

    c = ac.compile(f)
    xs = np.array([1.0, -1.0])
    assert c(xs)[1] == -2.0  # the tape replays the branch of sample 0 for every sample
    c.check_trace(np.array([1.0, 5.0]))
    with pytest.raises(TraceMismatchError, match="different graph"):
        c.check_trace(xs, sample=1)


def softmax_first(a, b):
    """p_1 = e^{a − m} / (e^{a − m} + e^{b − m}), m = max(a, b) read from the data, as nn's softmax does."""
    m = max(a.data, b.data)
    ea, eb = (a - m).exp(), (b - m).exp()
    return ea / (ea + eb)


def test_compiled_check_trace_compares_structure_not_data_derived_constants():
    # A softmax's max shift differs per sample but not the graph: check_trace used to fail on it.
    c = ac.compile(softmax_first)
    a, b = np.array([0.1, 2.0, -1.0]), np.array([0.5, -3.0, 4.0])
    c.check_trace(a, b, sample=1)
    c.check_trace(a, b, sample=2)
    expected = 1.0 / (1.0 + np.exp(b - a))
    assert np.allclose(c(a, b), expected, rtol=1e-14)  # shift-invariant, so replaying sample 0's m is right
    with pytest.raises(TraceMismatchError, match="same graph with 1 different constant"):  # m, shared
        c.check_trace(a, b, sample=1, constants=True)
    # a constant the result does depend on: only constants=True can see it
    d = ac.compile(lambda x: x - x.data)
    d.check_trace(np.array([1.0, 2.0]))
    with pytest.raises(TraceMismatchError, match="constant"):
        d.check_trace(np.array([1.0, 2.0]), constants=True)
    ac.compile(lambda x: x * 2.0 + 1.0).check_trace(np.array([1.0, 2.0]), constants=True)


def test_compiled_vjp_several_outputs():
    # f = (a·x, sin x): pullback(c, d) = (c·a + d·cos x per sample, Σ_b c_b·x_b).
    c = ac.compile(lambda x, a: [a * x, x.sin()])
    x, cot1, cot2 = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, -1.0]), np.array([3.0, 0.0, 1.0])
    (ax, sx), pullback = c.vjp(x, 1.5)
    assert np.allclose(ax, 1.5 * x) and np.allclose(sx, np.sin(x))
    gx, ga = pullback(cot1, cot2)
    assert np.allclose(gx, cot1 * 1.5 + cot2 * np.cos(x), rtol=1e-14) and math.isclose(ga, cot1 @ x)
    with pytest.raises(TypeError, match="cotangent"):
        pullback(cot1)


def test_compiled_sums_reading_different_inputs_match_interpreted():
    # Sums in one group reading different per-sample inputs (the gathered, non-matmul path),
    # and an input used twice in one sum (messages to it must add up, not overwrite).
    def f(x1, x2, x3, a, b):
        s1, s2, s3 = a * x1 + b * x2, x2 * a + b * x3, a * x1 + x1 * b
        return s1 * s2 + s3.tanh()

    rng = np.random.default_rng(7)
    args = [rng.uniform(-1, 1, 5) for _ in range(3)] + [np.asarray(0.7), np.asarray(-1.3)]
    c = ac.compile(f)
    total, grads = c.value_and_grad(*args)
    assert not all(g.shared_x for g in c.tape.kernels if hasattr(g, "shared_x") and g.pw.shape[1])
    expect = [np.zeros(5), np.zeros(5), np.zeros(5), 0.0, 0.0]
    expect_total = 0.0
    for s in range(5):
        y, g = interpreted(f, *(float(a[s]) for a in args[:3]), 0.7, -1.3)
        expect_total += y
        for i in range(3):
            expect[i][s] = g[i]
        expect[3] += g[3]
        expect[4] += g[4]
    assert close(total, expect_total)
    for got, want in zip(grads, expect):
        assert np.allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 40])
def test_compiled_dot_and_sum_nodes_match_interpreted(n):
    """Σ nodes on the tape: per-sample x, shared w and b (a layer), reduced by one sum node."""
    f = lambda *a: ac.sum([ac.dot(a[:n], a[n : 2 * n], a[-1]).tanh(), ac.dot(a[n : 2 * n], a[n : 2 * n]), a[0]])
    rng = np.random.default_rng(n)
    w, x = [np.asarray(w) for w in rng.uniform(-1, 1, n)], [rng.uniform(-1, 1, 5) for _ in range(n)]
    args = [*w, *x, np.asarray(0.3)]
    total, grads = ac.compile(f).value_and_grad(*args)
    expect_total, expect = 0.0, [np.zeros(np.shape(a)) for a in args]
    for b in range(5):
        y, g = interpreted(f, *[float(a) if a.ndim == 0 else float(a[b]) for a in args])
        expect_total += y
        for i, a in enumerate(args):
            if a.ndim == 0:
                expect[i] += g[i]
            else:
                expect[i][b] = g[i]
    assert close(total, expect_total)
    for got, want in zip(grads, expect):
        assert np.allclose(got, want, rtol=1e-12, atol=1e-12)


def test_compiled_mlp_of_dot_neurons_is_one_matrix_product_per_layer():
    # nn's neurons are dot nodes; each layer's group reads the previous layer's rows as one view.
    from autograd_core.compiled.kernels import SumKernel
    from nn import MLP

    model = MLP(3, [8, 8, 2], seed=0)
    c = ac.compile(lambda x: ac.sum(model(x)), params=model.parameters(), batched=(0,))
    X = np.random.default_rng(0).normal(size=(5, 3))
    total, _, grads = c.value_and_grad(X, argnums=())
    products = [k for k in c.tape.kernels if isinstance(k, SumKernel) and k.pw.shape[1]]
    assert [k.pw.shape for k in products] == [(8, 3), (8, 8), (2, 8)]
    assert all(k.shared_x and isinstance(k.x0, slice) for k in products)
    assert len(c.tape.kernels) == 6  # three products, two relus, the final Σ
    L = [ac.sum(model(list(x))) for x in X.tolist()]
    expect = sum(v.data for v in L)
    ac.backward(ac.sum(L))
    assert close(total, expect)
    assert np.allclose(grads, [p.grad for p in model.parameters()], rtol=1e-12, atol=1e-12)


def test_compiled_dot_of_shared_values_is_computed_once_and_matches_interpreted():
    # Σ w·x with every w and x shared (a regularizer-like term), plus a per-sample term.
    def f(x, a, b):
        return ac.dot(a, b) * x + ac.dot([x, x], [a[0], b[1]], 1.0)

    a, b = np.array([0.5, -1.0, 2.0]), np.array([1.5, 0.25, -0.75])
    X = np.array([0.1, -2.0, 3.0])
    c = ac.compile(f, batched=(0,))
    total, (gx, ga, gb) = c.value_and_grad(X, a, b)
    ea, eb, et, ex = np.zeros(3), np.zeros(3), 0.0, []
    for xs in X:
        y, g = interpreted(lambda x, *ab: f(x, list(ab[:3]), list(ab[3:])), xs, *a, *b)
        et += y
        ex.append(g[0])
        ea += g[1:4]
        eb += g[4:]
    assert close(total, et) and np.allclose(gx, ex, rtol=1e-12)
    assert np.allclose(ga, ea, rtol=1e-12) and np.allclose(gb, eb, rtol=1e-12)


@pytest.mark.parametrize(
    ("f", "xs"),
    [(lambda x: (x.relu() * 1e300) * 1e300, [-1.0, 2.0, -3.0]), (lambda x: x.log().relu(), [5e-324, 2.0, 0.5])],
    ids=["relu′ = 0 under an inf upstream", "relu′ = 0 over an overflowed log′"],
)
def test_compiled_backward_sends_zero_messages_as_the_interpreted_engine(f, xs):
    _, (grad,) = ac.compile(f).value_and_grad(np.array(xs))
    expected = []
    for x in xs:
        leaf = Value(x)
        f(leaf).backward()
        expected.append(leaf.grad)
    assert not np.isnan(grad).any() and grad.tolist() == expected
