"""The micrograd lecture's cells (nn-zero-to-hero, lecture 1) on our Value, as the lecture wrote them.

``trace``/``draw_dot`` read ``_prev``, ``_op``, ``label``, ``data`` and ``grad``; the manual
backprop calls ``_backward()`` node by node; the second half's own tanh MLP trains as in its cell,
step for step as ``nn`` with the same weights.  The numbers asserted are the lecture's.
"""

import itertools
import math
import random

import pytest

from autograd_core import Value

graphviz = pytest.importorskip("graphviz")
Digraph = graphviz.Digraph


# ---- cell: trace / draw_dot, verbatim ------------------------------------------------------------
def trace(root):
    # builds a set of all nodes and edges in a graph
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def draw_dot(root):
    dot = Digraph(format="svg", graph_attr={"rankdir": "LR"})  # LR = left to right

    nodes, edges = trace(root)
    for n in nodes:
        uid = str(id(n))
        # for any value in the graph, create a rectangular ('record') node for it
        dot.node(name=uid, label="{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad), shape="record")  # noqa: UP031
        if n._op:
            # if this value is a result of some operation, create an op node for it
            dot.node(name=uid + n._op, label=n._op)
            # and connect this node to it
            dot.edge(uid + n._op, uid)

    for n1, n2 in edges:
        # connect n1 to the op node of n2
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)

    return dot


def neuron():
    # inputs x1,x2
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    # weights w1,w2
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    # bias of the neuron
    b = Value(6.8813735870195432, label="b")
    # x1*w1 + x2*w2 + b
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return locals()


LECTURE_GRADS = {"o": 1.0, "n": 0.5, "b": 0.5, "x1*w1 + x2*w2": 0.5, "x1*w1": 0.5, "x2*w2": 0.5,
                 "x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}  # fmt: skip


def _grads(nodes):
    return {v.label: v.grad for v in nodes}


def test_lecture_draw_dot_draws_the_neuron_after_backward():
    g = neuron()
    g["o"].backward()
    nodes, edges = trace(g["o"])
    assert len(nodes) == 10 and len(edges) == 9
    assert _grads(nodes) == pytest.approx(LECTURE_GRADS, abs=1e-12)
    source = draw_dot(g["o"]).source
    assert "{ o | data 0.7071 | grad 1.0000 }" in source and "{ x1 | data 2.0000 | grad -1.5000 }" in source
    assert sorted(v._op for v in nodes if v._op) == ["*", "*", "+", "+", "tanh"]
    assert source.count("label=tanh") == 1 and source.count('label="*"') + source.count("label=*") == 2


def test_lecture_manual_backward_cells():
    g = neuron()
    o, n, b, x1w1x2w2, x2w2, x1w1 = (g[k] for k in ("o", "n", "b", "x1w1x2w2", "x2w2", "x1w1"))
    o.grad = 1.0
    o._backward()
    assert n.grad == pytest.approx(1 - o.data**2) == pytest.approx(0.5)
    n._backward()
    b._backward()  # a leaf: nothing to do
    x1w1x2w2._backward()
    x2w2._backward()
    x1w1._backward()
    assert _grads(trace(o)[0]) == pytest.approx(LECTURE_GRADS, abs=1e-12)


def test_lecture_topological_sort_cell():
    o = neuron()["o"]
    topo = []
    visited = set()

    def build_topo(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)

    build_topo(o)
    assert len(topo) == 10 and topo[-1] is o and topo.index(neuron_label(topo, "n")) < topo.index(o)
    o.grad = 1.0  # the lecture's own backward: every node's _backward in reverse topological order
    for node in reversed(topo):
        node._backward()
    assert _grads(topo) == pytest.approx(LECTURE_GRADS, abs=1e-12)


def neuron_label(nodes, label):
    return next(v for v in nodes if v.label == label)


def test_lecture_tanh_written_with_exp():
    g = neuron()
    n = g["n"]
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    o.label = "o"
    o.backward()
    assert o.data == pytest.approx(math.sqrt(0.5)) and g["x1"].grad == pytest.approx(-1.5) and g["w2"].grad == 0.0
    ops = sorted(v._op for v in trace(o)[0] if v._op)
    assert ops == ["*", "*", "*", "+", "+", "+", "-", "/", "exp"]  # the lecture: + of −1, × of **-1
    assert "exp" in draw_dot(o).source


def test_lecture_bug_cells_a_plus_a_and_shared_nodes():
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    b.backward()
    assert a.grad == 2.0 and b._prev == {a}
    draw_dot(b)

    a = Value(-2.0, label="a")
    b = Value(3.0, label="b")
    d = a * b
    d.label = "d"
    e = a + b
    e.label = "e"
    f = d * e
    f.label = "f"
    f.backward()
    assert (a.grad, b.grad) == (-3.0, -8.0)
    assert len(draw_dot(f).body) == 5 + 3 + 3 + 6  # 5 values, 3 op nodes with their edges, 6 edges into ops


# ---- second half: the lecture's own Neuron/Layer/MLP (tanh, random bias) and its training cell ---
class Neuron:
    def __init__(self, nin):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x):
        # w * x + b
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        out = act.tanh()
        return out

    def parameters(self):
        return self.w + [self.b]  # noqa: RUF005 (the lecture's line)


class Layer:
    def __init__(self, nin, nout):
        self.neurons = [Neuron(nin) for _ in range(nout)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP:
    def __init__(self, nin, nouts):
        sz = [nin] + nouts  # noqa: RUF005
        self.layers = [Layer(sz[i], sz[i + 1]) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


def _train(n, steps=20):
    xs = [
        [2.0, 3.0, -1.0],
        [3.0, -1.0, 0.5],
        [0.5, 1.0, 1.0],
        [1.0, 1.0, -1.0],
    ]
    ys = [1.0, -1.0, -1.0, 1.0]  # desired targets
    history = []
    for _k in range(steps):
        # forward pass
        ypred = [n(x) for x in xs]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))

        # backward pass
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()

        # update
        for p in n.parameters():
            p.data += -0.1 * p.grad

        history.append(loss.data)
    return history


def test_lecture_mlp_training_cell_equals_nn_with_the_same_weights():
    from nn.modules import build

    random.seed(0)
    lecture = MLP(3, [4, 4, 1])
    assert isinstance(lecture([2.0, 3.0, -1.0]), Value)
    same = build([3, 4, 4, 1], ["tanh"] * 3, [p.data for p in lecture.parameters()])
    ours, theirs = _train(lecture), _train(same)
    assert all(b < a for a, b in itertools.pairwise(ours)) and ours[-1] < 0.1 * ours[0]
    assert ours == pytest.approx(theirs, rel=1e-12)
