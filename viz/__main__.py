"""Command line: draw a named demo expression or a saved nn model's graph for one input.

python -m viz expr neuron -o graph.svg --html steps.html
python -m viz model m.json --input 0.5 -1.2 -o graph.svg
python -m viz network m.json --input 0.5 -1.2 -o network.svg
python -m viz activations -o activations.png
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence

from autograd_core import Value

from . import renderer
from .dot import MAX_NODES, GraphTooLarge, neuron_part, render
from .expressions import EXPRESSIONS
from .network import render_network
from .plots import plot_activations
from .renderer import RendererNotFound, RenderError
from .stepper import backward_html


def load_model(path: str) -> object:
    """The model saved at ``path`` (``model.save``): nn is the application layer here."""
    from nn import MLP  # lazy: viz itself never depends on nn

    return MLP.load(path)


def load_model_output(path: str, inputs: list[float], output: int) -> Value:
    """The saved model's ``output``-th output (from 1) for ``inputs``."""
    model = load_model(path)
    if len(inputs) != model.nin:
        raise ValueError(f"the model in {path} takes {model.nin} inputs, got {len(inputs)} after --input")
    out = model(inputs)
    outs = out if isinstance(out, list) else [out]
    if not 1 <= output <= len(outs):
        raise ValueError(f"--output-index must be between 1 and {len(outs)} (the model's outputs), got {output}")
    return outs[output - 1]


def node_count(text: str) -> int:
    """--max-nodes: a whole number ≥ 0 (0: no limit)."""
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 0 (0 draws any size), got {text!r}")
    return n


NEGATIVE_NUMBER = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
"""-1, -0.5, -.5, -1e-3, -2.5E+4: values, not options."""


class Parser(argparse.ArgumentParser):
    """argparse reading every negative number as a value: its own pattern misses -1e-3 (Python < 3.13)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = NEGATIVE_NUMBER  # subparsers are made by this class too


def seconds(text: str) -> float:
    """--timeout: a positive number of seconds."""
    try:
        t = float(text)
    except ValueError:
        t = -1.0
    if not 0 < t < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return t


def parser() -> argparse.ArgumentParser:
    """The command line's arguments: expr, model, network and activations."""
    p = Parser(
        prog="python -m viz",
        description="Draw computation graphs with every number of "
        "FORWARD() and BACKWARD(), the step-by-step BACKWARD page, and activation plots.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    def graph_options(q: argparse.ArgumentParser) -> None:
        q.add_argument(
            "-o", "--output-file", default="graph.svg", help="picture to write: .svg, .png or .dot (default graph.svg)"
        )
        q.add_argument("--html", help="also write the step-by-step BACKWARD page to this .html file")
        q.add_argument("--no-backward", action="store_true", help="draw the forward values only")
        q.add_argument("--rankdir", default="LR", choices=("LR", "TB", "RL", "BT"), help="layout direction")
        q.add_argument(
            "--max-nodes",
            type=node_count,
            default=MAX_NODES,
            help=f"refuse bigger graphs (default {MAX_NODES}; 0 draws any size)",
        )
        q.add_argument(
            "--timeout",
            type=seconds,
            default=renderer.TIMEOUT,
            metavar="SECONDS",
            help=f"how long the renderer may take (default {renderer.TIMEOUT:g}); a graph expected to take "
            "longer is refused before it starts",
        )

    names = ", ".join(f"{n} ({f.__doc__.split(':')[0]})" for n, f in EXPRESSIONS.items())
    e = sub.add_parser("expr", help="a named demo expression", description=f"Expressions: {names}.")
    e.add_argument("name", choices=sorted(EXPRESSIONS))
    graph_options(e)
    m = sub.add_parser("model", help="a saved nn model (JSON from model.save) on one input")
    m.add_argument("path", help="the model's JSON file")
    m.add_argument("--input", type=float, nargs="+", required=True, metavar="X", help="the input numbers")
    m.add_argument(
        "--output-index",
        type=int,
        default=1,
        metavar="K",
        help="which of the model's outputs to draw, from 1 (default 1)",
    )
    m.add_argument(
        "--neuron",
        metavar="NAME",
        help="draw one neuron, e.g. L1.N3: its nodes with the layer below as inputs, and the grads of its output",
    )
    graph_options(m)
    n = sub.add_parser(
        "network", help="a saved nn model as the lectures draw it: columns of neurons, each edge a weight"
    )
    n.add_argument("path", help="the model's JSON file")
    n.add_argument(
        "--input",
        type=float,
        nargs="+",
        metavar="X",
        help="one input: each neuron's value and ∂g/∂z, each edge's ∂g/∂w (g: the output)",
    )
    n.add_argument(
        "-o", "--output-file", default="network.svg", help="picture to write: .svg, .png or .dot (default network.svg)"
    )
    n.add_argument("--no-backward", action="store_true", help="draw the weights (and values) only")
    a = sub.add_parser("activations", help="plot each activation of the op table and its derivative")
    a.add_argument("-o", "--output-file", default="activations.png", help="a .png or .svg (default activations.png)")
    return p


def too_large(error: GraphTooLarge, command: str) -> str:
    """GraphTooLarge in the command line's words: its options, not Python calls."""
    text = (
        f"this graph has {error.nodes} nodes ({error.values} values, {error.ops} ops), more than --max-nodes "
        f"{error.max_nodes}, too many for a readable picture."
    )
    if error.neurons and command == "model":
        return (
            f"{text} It holds {len(error.neurons)} neurons ({error.neurons[0]} … {error.neurons[-1]}). Draw one "
            f"neuron with --neuron {error.neurons[0]} (any of them), or everything with --max-nodes 0."
        )
    return f"{text} Draw it anyway with --max-nodes 0."


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; 0 on success, 1 with one line on stderr for a bad file, input, size or renderer."""
    args = parser().parse_args(argv)
    default_timeout = renderer.TIMEOUT
    renderer.TIMEOUT = getattr(args, "timeout", default_timeout)  # for this run only
    try:
        if args.command == "activations":
            print(plot_activations(args.output_file))
            return 0
        if args.command == "network":
            model = load_model(args.path)
            print(render_network(model, args.output_file, x=args.input, grads=not args.no_backward))
            return 0
        if args.command == "expr":
            root = EXPRESSIONS[args.name]()
        else:
            root = load_model_output(args.path, args.input, args.output_index)
        stop = set()
        if getattr(args, "neuron", None):
            root, stop = neuron_part(root, args.neuron)
        limit = args.max_nodes or None
        if not args.no_backward:
            root.backward()
        print(render(root, args.output_file, rankdir=args.rankdir, max_nodes=limit, stop_at=stop))
        if args.html:
            print(backward_html(root, args.html, max_nodes=limit, stop_at=stop))
    except GraphTooLarge as error:
        print(f"python -m viz: error: {too_large(error, args.command)}", file=sys.stderr)
        return 1
    except (RendererNotFound, RenderError, ValueError, OSError) as error:
        print(f"python -m viz: error: {error}", file=sys.stderr)
        return 1
    finally:
        renderer.TIMEOUT = default_timeout
    return 0


if __name__ == "__main__":
    sys.exit(main())
