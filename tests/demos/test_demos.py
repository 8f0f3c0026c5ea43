"""Every demo's checked numbers, asserted against independent oracles (closed forms, numpy, finite differences)."""

import math
import struct
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from demos import _common, activations, encoder, gradcheck, logistic, modes, moons, neuron, numpy_net, xor

reals = st.floats(-3.0, 3.0, allow_nan=False)


# ---- _common ------------------------------------------------------------------------------
def test_checks_exit_code_is_one_when_a_check_fails(capsys):
    checks = _common.Checks("example")
    assert checks.close("agree", [1.0, 2.0], [1.0, 2.0 + 1e-13], 1e-12)
    assert checks.exit_code() == 0
    assert not checks.close("disagree", [1.0], [1.1], 1e-12)
    assert checks.exit_code() == 1
    assert "FAIL disagree" in capsys.readouterr().out


def test_agree_is_relative_for_large_and_absolute_for_small_numbers():
    assert _common.agree(1e6, 1e6 + 1e-7, 1e-12)  # 1e-7 ≤ 1e-12 · 1e6
    assert not _common.agree(1e6, 1e6 + 1e-5, 1e-12)
    assert _common.agree(1e-20, 0.0, 1e-12)
    assert not _common.agree(0.0, 1e-11, 1e-12)


def test_parse_args_help_names_the_demo_and_out_folder(capsys):
    with pytest.raises(SystemExit) as exit_:
        _common.parse_args(neuron.__doc__, "neuron", ["--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert "python -m demos.neuron" in text and "--out" in text and "seed 000" in text


def test_parse_args_creates_the_out_folder(tmp_path):
    args = _common.parse_args(None, "x", ["--out", str(tmp_path / "a" / "b")])
    assert args.out.is_dir()


def test_table_aligns_columns():
    lines = _common.table(["a", "bb"], [(1.0, "x"), (0.123456789, "yyy")]).splitlines()
    assert lines[0] == "       a   bb"
    assert lines[2] == "       1    x"
    assert lines[3] == "0.123457  yyy"


# ---- neuron (seed 000) -------------------------------------------------------------------
def test_neuron_seven_partials_equal_closed_forms():
    got = neuron.partials()
    assert list(got) == ["L", "r", "l", "u", "z", "w", "b"]
    for engine, exact in got.values():
        assert engine == pytest.approx(exact, rel=1e-12, abs=1e-12)
    # numbers worked out independently: σ(0.9) = 0.710949502625004, ∂L/∂w = (u − y)σ′x + 2λw
    s = 1 / (1 + math.exp(-0.9))
    assert got["u"][0] == pytest.approx(s - 0.2, rel=1e-12)
    assert got["w"][0] == pytest.approx((s - 0.2) * s * (1 - s) * 1.5 + 2 * 0.1 * 0.8, rel=1e-12)


@given(reals, reals, reals, reals, st.floats(0.0, 1.0))
def test_neuron_backward_equals_closed_forms_anywhere(x, y, w, b, lam):
    v = neuron.forward(x, y, w, b, lam)
    v["L"].backward()
    exact = neuron.closed_forms(x, y, w, b, lam)
    for name in neuron.ORDER:
        assert v[name].grad == pytest.approx(exact[name], rel=1e-12, abs=1e-12)


def test_neuron_folded_edges_are_the_lectures_local_derivatives():
    local = neuron.lecture_edges(neuron.forward())
    s = 1 / (1 + math.exp(-0.9))  # σ(wx + b) at x = 1.5, w = 0.8, b = −0.3
    want = {("r", "L"): 0.1, ("l", "L"): 1.0, ("u", "l"): s - 0.2, ("z", "u"): s * (1 - s), ("w", "z"): 1.5,
            ("w", "r"): 1.6, ("b", "z"): 1.0}  # fmt: skip
    assert set(local) == set(want)
    for edge, d in want.items():
        assert local[edge] == pytest.approx(d, rel=1e-12), edge


@given(reals, reals, reals, reals, st.floats(0.0, 1.0))
def test_neuron_message_passing_terms_equal_the_lectures_formulas_anywhere(x, y, w, b, lam):
    steps = neuron.message_passing(neuron.forward(x, y, w, b, lam))
    exact, local = neuron.closed_forms(x, y, w, b, lam), neuron.local_forms(x, y, w, b, lam)
    assert list(steps) == list(neuron.ORDER)
    assert [child for child, _, _ in steps["w"][0]] == ["z", "r"]  # ∂_w L = ∂_z L · ∂_w z + ∂_r L · ∂_w r
    for name, (terms, grad) in steps.items():
        assert grad == pytest.approx(exact[name], rel=1e-12, abs=1e-12)
        for child, upstream, d in terms:
            assert upstream == pytest.approx(exact[child], rel=1e-12, abs=1e-12)
            assert d == pytest.approx(local[(name, child)], rel=1e-12, abs=1e-12)


def test_neuron_printed_lines_are_the_lectures_with_its_numbers():
    lines = neuron.show_backward(neuron.forward())
    assert [line.split(" = ")[0] for line in lines] == [f"∂_{n} L" for n in neuron.ORDER]
    assert lines[:3] == ["∂_L L = 1", "∂_r L = λ = 0.1", "∂_l L = 1"]
    assert lines[3].startswith("∂_u L = ∂_l L · ∂_u l = ∂_l L · (u − y) = ")
    assert lines[4].startswith("∂_z L = ∂_u L · ∂_z u = ∂_u L · σ′(z) = ")
    assert lines[5].startswith("∂_w L = ∂_z L · ∂_w z + ∂_r L · ∂_w r = ∂_z L · x + ∂_r L · 2w = ")
    assert lines[6].startswith("∂_b L = ∂_z L · ∂_b z = ∂_z L · 1 = ")
    assert not any(helper in line for line in lines for helper in ("wx", "y − u", "λr", "-"))
    # the printed numbers: ∂_child L · ∂_v child for each term, and the sum, against the closed forms
    exact, local = neuron.closed_forms(), neuron.local_forms()
    for line, name in zip(lines[3:], neuron.ORDER[3:]):
        *_, numbers, total = line.split(" = ")
        children = [term.split(" L · ")[0][2:] for term in line.split(" = ")[1].split(" + ")]
        number = lambda text: float(text.strip("()").replace("−", "-"))
        products = [[number(f) for f in term.split(" · ")] for term in numbers.split(" + ")]
        assert [p for pair in products for p in pair] == pytest.approx(
            [v for c in children for v in (exact[c], local[(name, c)])], rel=1e-5
        )
        assert number(total) == pytest.approx(exact[name], rel=1e-5)


def test_neuron_fmt_uses_the_unicode_minus():
    assert neuron.fmt(-0.3) == "−0.3" and neuron.fmt(1.5) == "1.5"


# ---- logistic (seed 001) -----------------------------------------------------------------
def test_logistic_error_signals_by_hand_equal_engine():
    rows = logistic.error_signals()
    assert len(rows) == 3
    for signals in rows:
        assert list(signals) == ["y", "s", "w", "b"]
        for hand, engine in signals.values():
            assert engine == pytest.approx(hand, rel=1e-12, abs=1e-12)
        assert signals["b"][1] == signals["s"][1]  # δ_b = δ_s
    points = logistic.samples()
    assert [t for *_, t in points] == [0.0, 1.0, 0.0]  # both classes (all three had t = 1)
    for (w, b, x, t), signals in zip(points, rows):
        y = 1 / (1 + math.exp(-(w * x + b)))
        assert signals["y"][1] == pytest.approx(y - t, rel=1e-12)  # δ_y = y − t: negative for t = 1
        assert (signals["y"][1] < 0) == (t == 1.0)


@given(reals, reals, reals, st.sampled_from([0.0, 1.0]))
def test_logistic_delta_w_is_delta_s_times_x(w, b, x, t):
    engine = logistic.by_engine(w, b, x, t)
    assert engine["w"] == pytest.approx(engine["s"] * x, rel=1e-12, abs=1e-15)
    assert engine == pytest.approx(logistic.by_hand(w, b, x, t), rel=1e-12, abs=1e-15)


# ---- numpy_net (seed 001) ----------------------------------------------------------------
def test_numpy_net_gradients_equal_the_slides_numpy_backward():
    grads = numpy_net.gradients()
    assert grads["grad_w1"][1].shape == (20, 10) and grads["grad_w2"][1].shape == (10, 3)
    for engine, oracle in grads.values():
        scale = np.abs(oracle).max()
        assert scale > 1.0  # a real gradient, not zeros
        np.testing.assert_allclose(engine, oracle, rtol=1e-12, atol=1e-12 * scale)


def test_numpy_net_training_follows_numpy_and_lowers_the_loss():
    history = numpy_net.train(steps=3)
    for engine, oracle in history:
        assert engine == pytest.approx(oracle, rel=1e-12)
    assert history[-1][0] < history[0][0] / 2


@pytest.mark.parametrize("shape", [(5, 4, 3, 2), (8, 20, 10, 3)])
def test_numpy_step_equals_torch_autograd_and_leaves_its_inputs_alone(shape):
    torch = pytest.importorskip("torch")
    n, d_in, h, d_out = shape
    rng = np.random.RandomState(3)
    x, y, w1, w2 = rng.randn(n, d_in), rng.randn(n, d_out), rng.randn(d_in, h), rng.randn(h, d_out)
    before = [w1.copy(), w2.copy()]
    loss, grad_w1, grad_w2, new_w1, new_w2 = numpy_net.numpy_step(x, y, w1, w2, 1e-3)
    t1, t2 = (torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in (w1, w2))
    t_loss = ((torch.tensor(x).mm(t1).clamp(min=0).mm(t2) - torch.tensor(y)) ** 2).sum()
    t_loss.backward()
    assert loss == pytest.approx(t_loss.item(), rel=1e-12)
    np.testing.assert_allclose(grad_w1, t1.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad_w2, t2.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(new_w1, w1 - 1e-3 * t1.grad.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(new_w2, w2 - 1e-3 * t2.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert np.array_equal(w1, before[0]) and np.array_equal(w2, before[1])


# ---- modes (seed 002) --------------------------------------------------------------------
def test_modes_forward_and_reverse_agree_with_closed_form():
    results = modes.sweep(max_n=32)
    assert [r["n"] for r in results] == [1, 2, 4, 8, 16, 32]
    for r in results:
        assert r["nodes"] == 4 * r["n"] - 1  # n leaves, n products, n tanh, n − 1 adds
        assert r["forward_visits"] == r["n"] * r["reverse_visits"]
        np.testing.assert_allclose(r["reverse"], r["forward"], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(r["reverse"], r["exact"], rtol=1e-12, atol=1e-12)


def test_modes_closed_form_matches_finite_differences():
    xs = [0.3, -1.1, 0.7]
    eps = 1e-6
    f = lambda *v: modes.f(*[_Float(a) for a in v]).value
    numeric = [(f(*_shift(xs, i, eps)) - f(*_shift(xs, i, -eps))) / (2 * eps) for i in range(3)]
    np.testing.assert_allclose(modes.closed_form(xs), numeric, rtol=1e-7)


class _Float:
    """A float with the two methods f uses, so f can be evaluated without the engine."""

    def __init__(self, value):
        self.value = value

    def __mul__(self, other):
        return _Float(self.value * other.value)

    def __add__(self, other):
        return _Float(self.value + other.value)

    def tanh(self):
        return _Float(math.tanh(self.value))


def _shift(xs, i, d):
    return [x + d if j == i else x for j, x in enumerate(xs)]


# ---- gradcheck ---------------------------------------------------------------------------
def test_gradcheck_demo_passes_catches_and_warns_where_it_should():
    r = gradcheck.results()
    assert r["network"] == "passed" and r["right_rule"] == "passed"
    assert r["wrong_rule"].count("MISMATCH") == 2 and "GradcheckError" not in r["wrong_rule"]
    assert "rel err" in r["wrong_rule"]
    assert r["wrong_rule_lucky_point"] == "passed"
    assert r["kink_passed"] is True and len(r["kink_warnings"]) == 2
    assert all("relu" in m and "kink" in m for m in r["kink_warnings"])
    assert not r["other_warnings"]


def test_gradcheck_demo_softplus_rows_differ_only_in_the_rule():
    x = 0.9
    v = gradcheck.SOFTPLUS.forward(x)
    assert v == pytest.approx(math.log(1 + math.exp(x)), rel=1e-15)
    assert gradcheck.SOFTPLUS.local(x, v)[0] == pytest.approx(1 / (1 + math.exp(-x)), rel=1e-15)
    assert gradcheck.SOFTPLUS_WRONG.local(x, v)[0] == pytest.approx(1 / (1 + math.exp(x)), rel=1e-15)


# ---- activations -------------------------------------------------------------------------
def test_activations_table_derivatives_equal_torch():
    torch = pytest.importorskip("torch")
    functions = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "sign": torch.sign}
    table = activations.derivatives()
    for name, fn in functions.items():
        for x, v, local, _ in table[name]:
            t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
            out = fn(t)
            out.backward()
            assert v == pytest.approx(out.item(), rel=1e-15)
            assert local == pytest.approx(t.grad.item(), rel=1e-12, abs=1e-15), (name, x)


def test_activations_kinks_have_no_finite_difference_and_step_sign_have_zero_gradient():
    table = activations.derivatives()
    for name in ("relu", "step", "sign"):
        assert [numeric is None for x, _, _, numeric in table[name]] == [x == 0.0 for x in activations.POINTS]
    assert all(local == 0.0 for name in ("step", "sign") for _, _, local, _ in table[name])
    for name in ("sigmoid", "tanh"):
        for _, _, local, numeric in table[name]:
            assert local == pytest.approx(numeric, rel=1e-6)


# ---- xor (seed 001) ----------------------------------------------------------------------
def test_xor_no_line_separates_but_two_layers_do():
    accuracy, (w1, w2, b) = xor.best_line()
    assert accuracy == 0.75
    s = [b, w2 + b, w1 + b, w1 + w2 + b]  # the line's score at (0,0), (0,1), (1,0), (1,1)
    assert sum((si > 0) == (t == 1) for si, t in zip(s, [0, 1, 1, 0])) == 3
    results = xor.train()
    assert results["network"]["accuracy"] == 1.0
    assert results["neuron"]["loss"] == pytest.approx(math.log(2), abs=1e-4)


def test_xor_neuron_picture_is_the_best_line_and_says_so(tmp_path, monkeypatch, capsys):
    import viz

    drawn, draw = [], viz.plot_decision_boundary
    monkeypatch.setattr(
        viz,
        "plot_decision_boundary",
        lambda model, X, y, **kw: drawn.append((model, kw.get("title"))) or draw(model, X, y, **kw),
    )
    assert xor.main(["--out", str(tmp_path)]) == 0
    assert (tmp_path / "xor_neuron.png").stat().st_size > 0 and (tmp_path / "xor_network.png").stat().st_size > 0
    (line, title), network = drawn
    assert [p.data for p in line.parameters()] == list(xor.best_line()[1])  # the brute-force line, not the trained one
    assert title.startswith("one neuron: the best line (3 of 4)") and "σ = ½ everywhere" in title
    assert network[1].startswith("2-4-1 tanh network, trained: 4 of 4 right")
    assert "xor_neuron.png draws that best line, not the trained neuron" in capsys.readouterr().out


# ---- encoder (seed 001) ------------------------------------------------------------------
def test_encoder_reproduces_all_eight_inputs():
    r = encoder.train()
    for x, hidden, out in zip(r["X"], r["hidden"], r["outputs"]):
        assert [round(p) for p in out] == x
        assert len(hidden) == 3 and all(0.0 < h < 1.0 for h in hidden)


# ---- moons -------------------------------------------------------------------------------
def test_moons_reaches_97_percent():
    result = moons.train(compiled=True, progress=False)
    assert result["accuracy"] >= 0.97
    assert len(result["history"]["loss"]) == moons.STEPS
    assert result["history"]["lr"][0] == 1.0 and result["history"]["lr"][-1] == pytest.approx(1.0 - 0.9 * 99 / 100)


def test_moons_compiled_run_is_the_interpreted_computation():
    pytest.importorskip("numpy")
    assert moons.compiled_matches_interpreted(steps=2) <= 1e-10


def test_neuron_main_exits_nonzero_when_its_check_fails(tmp_path, monkeypatch, capsys):
    assert neuron.main(["--out", str(tmp_path)]) == 0
    assert (tmp_path / "neuron_graph.svg").stat().st_size > 0
    right = neuron.closed_forms
    wrong = lambda *args: {**right(*args), "w": 0.0}
    monkeypatch.setattr(neuron, "closed_forms", wrong)
    assert neuron.main(["--out", str(tmp_path)]) == 1
    assert "FAIL seven partials" in capsys.readouterr().out


# ---- pictures ----------------------------------------------------------------------------
def test_pictures_leave_pyplot_and_the_backend_alone(tmp_path):
    # run as notebooks, the demos must not switch the kernel's backend (they drew with pyplot + use("Agg"))
    script = f"""
import sys, matplotlib
matplotlib.use("pdf")
from demos import encoder, modes
modes._plot(modes.sweep(max_n=4)).save({str(tmp_path / "modes.png")!r})
encoder._heatmap([[0.1, 0.5, 0.9]] * 8).save({str(tmp_path / "encoder.png")!r})
print(matplotlib.get_backend(), "matplotlib.pyplot" in sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["pdf", "False"]
    for name, size in (("modes.png", (605, 440)), ("encoder.png", (418, 506))):
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24]) == size  # width, height: figsize × 110 dpi


# ---- command lines -----------------------------------------------------------------------
def test_modes_sizes_double_then_end_at_any_max_n():
    assert modes.sizes(1) == [1]
    assert modes.sizes(3) == [1, 2, 3]  # --max-n 3 stopped at 2
    assert modes.sizes(32) == [1, 2, 4, 8, 16, 32]
    assert modes.sizes(100) == [1, 2, 4, 8, 16, 32, 64, 100]
    with pytest.raises(ValueError, match="max_n must be ≥ 1"):
        modes.sizes(0)
    results = modes.sweep(max_n=3)
    assert [r["nodes"] for r in results] == [3, 7, 11]
    np.testing.assert_allclose(results[-1]["reverse"], modes.closed_form(results[-1]["primals"]), rtol=1e-12)


@pytest.mark.parametrize(
    ("main", "argv", "message"),
    [
        (modes.main, ["--max-n", "0"], "argument --max-n: 0 is not ≥ 1"),
        (modes.main, ["--max-n", "-4"], "argument --max-n: -4 is not ≥ 1"),
        (numpy_net.main, ["--steps", "0"], "argument --steps: 0 is not ≥ 1"),
        (numpy_net.main, ["--steps", "two"], "argument --steps: 'two' is not a whole number"),
    ],
)
def test_bad_counts_are_usage_errors_not_tracebacks(main, argv, message, capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--out", str(tmp_path)])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("demo", ["numpy_net", "tour"])
def test_out_that_cannot_be_a_folder_is_a_one_line_error(demo, tmp_path, capsys):
    from demos.__main__ import main as tour

    main = tour if demo == "tour" else numpy_net.main
    (tmp_path / "file").write_text("not a folder")
    cases = ((tmp_path / "file" / "x", "cannot create this folder"), (tmp_path / "file", "a file, not a folder"))
    for out, reason in cases:
        with pytest.raises(SystemExit) as exit_:
            main(["--out", str(out)])
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"error: --out {out}: " in err and reason in err, err
