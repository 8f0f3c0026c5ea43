"""micrograd's demo.ipynb, its cells verbatim with only the imports changed, against micrograd itself.

``demo()`` below is the notebook's code (seeds, data, model, SVM loss, 100 SGD steps) with the
engine and the nn module passed in, so the same lines run on autograd-core and on PyPI micrograd
0.1.0.  The numbers cannot agree to the last bit after the first backward: micrograd sums each
node's gradient messages in the order of a ``set`` of parents, which follows memory addresses,
so micrograd does not reproduce itself either (two runs differ by up to 2e-14 relative).  What
agrees exactly is everything before that: the data, the model's weights, the first loss.
"""

import gc
import math
import random

import numpy as np
import pytest

mg_engine = pytest.importorskip("micrograd.engine")
mg_nn = pytest.importorskip("micrograd.nn")

import autograd_core  # noqa: E402
import nn.micrograd  # noqa: E402

# The notebook's printed output (karpathy/micrograd demo.ipynb): "step k loss …, accuracy …%".
NOTEBOOK = """\
0 0.8958441028683222 50.0|1 1.7235905336972022 81.0|2 0.7429006313851131 77.0|3 0.7705641260584198 82.0|\
4 0.3692793385976538 84.0|5 0.313545481918522 86.0|6 0.2814234349772435 89.0|7 0.26888733313983904 91.0|\
8 0.2567147286057417 91.0|9 0.2704862551637922 91.0|10 0.24507023853658053 91.0|11 0.2509905529791503 92.0|\
12 0.21560951851922952 91.0|13 0.23090378446402726 93.0|14 0.20152151227899445 92.0|\
15 0.22574506279282217 93.0|16 0.19447987596204114 92.0|17 0.21089496199246363 93.0|\
18 0.159830773563036 94.0|19 0.1845374874688392 93.0|20 0.18977522856087634 91.0|\
21 0.19072704042579647 93.0|22 0.11733695088756485 97.0|23 0.12173524408232454 95.0|\
24 0.1261571261277045 95.0|25 0.16049097780801674 95.0|26 0.18747197705245805 92.0|\
27 0.16741837891059408 95.0|28 0.09586583491455399 97.0|29 0.0877878370742091 96.0|\
30 0.11731297569011848 95.0|31 0.09340146460619836 97.0|32 0.12454454903103446 95.0|\
33 0.07984002652777272 97.0|34 0.07727519232921673 97.0|35 0.07661250143094483 98.0|\
36 0.10610492379198365 96.0|37 0.09062808429265976 99.0|38 0.10671887043036932 95.0|\
39 0.05225659921975849 98.0|40 0.06016009895234464 100.0|41 0.08596724533333942 96.0|\
42 0.051121079431796 99.0|43 0.052401424016428284 97.0|44 0.045306841790015734 100.0|\
45 0.07211073370655095 97.0|46 0.03334238651310234 99.0|47 0.03143222795751122 100.0|\
48 0.03658536747111507 99.0|49 0.04829139382390309 99.0|50 0.09875114765619622 96.0|\
51 0.05449063965875453 99.0|52 0.03392679435708309 100.0|53 0.05261517263568441 97.0|\
54 0.03250295251424923 99.0|55 0.02888327387207822 100.0|56 0.04139151104027239 98.0|\
57 0.018987407426128502 100.0|58 0.0252383352388374 100.0|59 0.02079656521341895 100.0|\
60 0.0325971115781023 99.0|61 0.017863351693480307 100.0|62 0.023008717832211683 100.0|\
63 0.022079325463581503 100.0|64 0.029432917853529684 99.0|65 0.01625151464409193 100.0|\
66 0.02846853448326446 99.0|67 0.013994365546208731 100.0|68 0.015552344843651405 100.0|\
69 0.0338911994616017 99.0|70 0.014229870065926908 100.0|71 0.013255281583285504 100.0|\
72 0.012300277590022063 100.0|73 0.012676052498355976 100.0|74 0.020593811955954763 100.0|\
75 0.011845398205364453 100.0|76 0.016012697472883086 100.0|77 0.025458360239222128 100.0|\
78 0.014382930289661911 100.0|79 0.011698962425817985 100.0|80 0.012318500800515763 100.0|\
81 0.014121117031464233 100.0|82 0.011664591962446225 100.0|83 0.011589314549188726 100.0|\
84 0.010990299347735226 100.0|85 0.01098922672069161 100.0|86 0.010988193757655071 100.0|\
87 0.010987200447388707 100.0|88 0.010986246779084925 100.0|89 0.010985332742365272 100.0|\
90 0.010984458327280174 100.0|91 0.010983623524308862 100.0|92 0.010982828324359073 100.0|\
93 0.010982072718767003 100.0|94 0.010981356699297042 100.0|95 0.010980680258141723 100.0|\
96 0.010980043387921506 100.0|97 0.010979446081684675 100.0|98 0.010978888332907229 100.0|\
99 0.010978370135492717 100.0"""
PRINTED = [(float(loss), float(acc)) for _, loss, acc in (step.split() for step in NOTEBOOK.split("|"))]


def make_moons(n_samples=100, noise=None):
    """sklearn.datasets.make_moons(n_samples, noise=noise) with the global numpy RandomState, step for step."""
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer_x, outer_y = np.cos(np.linspace(0, np.pi, n_out)), np.sin(np.linspace(0, np.pi, n_out))
    inner_x, inner_y = 1 - np.cos(np.linspace(0, np.pi, n_in)), 1 - np.sin(np.linspace(0, np.pi, n_in)) - 0.5
    X = np.vstack([np.append(outer_x, inner_x), np.append(outer_y, inner_y)]).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    order = np.arange(n_samples)
    np.random.shuffle(order)  # sklearn.utils.shuffle, as make_moons(shuffle=True) calls it
    X, y = X[order], y[order]
    if noise is not None:
        X += np.random.normal(scale=noise, size=X.shape)
    return X, y


def demo(Value, MLP, steps=100, on_step=None):
    """The notebook's cells in order; yields (step, loss, accuracy) as it prints them."""
    np.random.seed(1337)
    random.seed(1337)

    try:
        from sklearn.datasets import make_moons as sk_make_moons
    except ImportError:
        sk_make_moons = make_moons
    X, y = sk_make_moons(n_samples=100, noise=0.1)

    y = y * 2 - 1  # make y be -1 or 1

    model = MLP(2, [16, 16, 1])  # 2-layer neural network

    def loss(batch_size=None):
        # inline DataLoader :)
        if batch_size is None:
            Xb, yb = X, y
        else:
            ri = np.random.permutation(X.shape[0])[:batch_size]
            Xb, yb = X[ri], y[ri]
        inputs = [list(map(Value, xrow)) for xrow in Xb]

        # forward the model to get scores
        scores = list(map(model, inputs))

        # svm "max-margin" loss
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(yb, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        # L2 regularization
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss

        # also get accuracy
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    # optimization
    for k in range(steps):
        # forward
        total_loss, acc = loss()

        # backward
        model.zero_grad()
        total_loss.backward()
        if on_step is not None:
            on_step(model)

        # update (sgd)
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad

        yield k, total_loss.data, acc * 100


@pytest.fixture(autouse=True)
def _no_cyclic_gc():
    """Both engines' graphs are freed by reference counting; the cyclic GC only costs time here (3×)."""
    gc.disable()
    yield
    gc.enable()
    gc.collect()


def test_micrograd_demo_first_steps_equal_micrograd_run_side_by_side():
    grads = {"ours": [], "micrograd": []}
    record = lambda name: lambda model: grads[name].append([p.grad for p in model.parameters()])
    ours = list(demo(autograd_core.Value, nn.micrograd.MLP, 3, record("ours")))
    theirs = list(demo(mg_engine.Value, mg_nn.MLP, 3, record("micrograd")))
    assert ours[0] == theirs[0] == (0, 0.8958441028683222, 50.0)  # data, weights, forward: bit for bit
    for (k, loss, acc), (_, mg_loss, mg_acc) in zip(ours, theirs):
        assert acc == mg_acc and math.isclose(loss, mg_loss, rel_tol=1e-13), k
    for k, (g, mg_g) in enumerate(zip(grads["ours"], grads["micrograd"])):
        assert len(g) == len(mg_g) == 337
        worst = max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(g, mg_g) if a != b or b != 0.0)
        assert worst < 1e-11, (k, worst)  # the same messages, summed in another order


def test_micrograd_demo_100_steps_reproduce_the_notebooks_printed_losses():
    ours = list(demo(autograd_core.Value, nn.micrograd.MLP))
    assert [acc for _, _, acc in ours] == [acc for _, acc in PRINTED]  # every accuracy exactly
    assert ours[0][1] == PRINTED[0][0]
    worst = max(abs(loss - printed) / printed for (_, loss, _), (printed, _) in zip(ours, PRINTED))
    assert worst < 1e-13, worst  # micrograd's own re-runs differ from its notebook by up to 2e-14
