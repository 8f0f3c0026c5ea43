"""viz: computation graphs, the step-by-step BACKWARD page and training plots, and tools to teach with.

import viz
L.backward()
viz.render(L, "graph.svg")          # or .png, or .dot; viz.draw_graph(L) shows inline in Jupyter
viz.backward_html(L, "steps.html")  # BACKWARD() node by node in the browser
viz.backward_html(L)                # the same page inline in a notebook
viz.explore(L)                      # a slider per leaf: nudge w, see ΔL beside ∂L/∂w · Δw
viz.explain(L, w)                   # ∂L/∂w as the sum over paths of products of local derivatives
viz.exercise(L).check(answers)      # backprop by hand: a worksheet, graded with the reason for a mistake
viz.forward_html(L, w, "fwd.html")  # forward mode stepped, and reverse vs forward counted
viz.backward_animation(L, "steps.svg")  # BACKWARD() as an animated SVG (no script) or .gif
viz.render_network(model, "net.svg", x=[0.5, -1.2])  # an MLP as columns of neurons (draw_network: inline)
"""

try:
    import graphviz  # noqa: F401  (checked here so the message names the extra, not a bare module)
except ImportError as error:
    from autograd_core.extras import missing

    raise missing("viz", "graphviz and matplotlib", "viz") from error

from .animation import backward_animation
from .display import Page, Plot, save
from .dot import Digraph, GraphTooLarge, draw_graph, neuron_part, render
from .exercise import Exercise, exercise
from .explain import Explanation, explain
from .explore import Explorer, Nudge, explore
from .forward import forward_html
from .network import draw_network, render_network
from .plots import plot_activations, plot_decision_boundary, plot_history
from .renderer import RendererNotFound, RenderError, TooSlowToRender, find_renderer
from .stepper import backward_html
from .steps import Message, Step, backward_steps

__all__ = [
    "Digraph",
    "Exercise",
    "Explanation",
    "Explorer",
    "GraphTooLarge",
    "Message",
    "Nudge",
    "Page",
    "Plot",
    "RenderError",
    "RendererNotFound",
    "Step",
    "TooSlowToRender",
    "backward_animation",
    "backward_html",
    "backward_steps",
    "draw_graph",
    "draw_network",
    "exercise",
    "explain",
    "explore",
    "find_renderer",
    "forward_html",
    "neuron_part",
    "plot_activations",
    "plot_decision_boundary",
    "plot_history",
    "render",
    "render_network",
    "save",
]
