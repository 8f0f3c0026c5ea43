"""nn: neurons, layers, MLPs, losses, optimizers, data and training on autograd_core.

from nn import MLP, SGD, fit, losses, data, schedules
X, y = data.moons(100, noise=0.1, seed=0, labels=(-1, 1))
model = MLP(2, [16, 16, 1], activation="relu", output_activation="linear", seed=1)
opt = SGD(model.parameters(), lr=1.0, schedule=schedules.linear(100, end=0.1))
history = fit(model, X, y, loss="hinge", optimizer=opt, epochs=100,
              regularizer=lambda params: 1e-4 * losses.l2(params))
"""

from . import data, losses, schedules
from .modules import MLP, Layer, Neuron
from .optim import SGD, Adagrad, Adam, NonFiniteStep, RMSprop
from .train import evaluate, fit, make_step

__all__ = [
    "MLP",
    "SGD",
    "Adagrad",
    "Adam",
    "Layer",
    "Neuron",
    "NonFiniteStep",
    "RMSprop",
    "data",
    "evaluate",
    "fit",
    "losses",
    "make_step",
    "schedules",
]
