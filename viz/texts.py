"""User text made safe for Markdown and LaTeX, and numbers written the lecture's way (a true minus sign)."""

from __future__ import annotations

import html
import math
import re

from .dot import fmt

_LETTERS = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau upsilon phi chi psi"
)
GREEK = {
    c: "\\" + name
    for c, name in zip(
        "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΦΨΩ",
        (f"{_LETTERS} omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega").split(),
    )
}
SYMBOLS = {
    "−": "-",
    "×": r"\times ",
    "·": r"\cdot ",
    "÷": r"\div ",
    "√": r"\surd ",
    "∂": r"\partial ",
    "²": "^{2}",
    "³": "^{3}",
    "¹": "^{1}",
    "⁰": "^{0}",
    "|": r"\vert ",
    "ε": r"\varepsilon ",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\sim ",
    "\\": r"\backslash ",
    "'": "'",
    "^": r"\hat{}",
}
"""Characters of a name → LaTeX math (standard macros only); other characters outside ASCII become ``?``."""

_POWER = re.compile(r"\^(-?[0-9.]+)")


def minus(text: str) -> str:
    """A number's text with a true minus sign (−)."""
    return text.replace("-", "−")


def latex_number(x: float) -> str:
    """x to 4 significant digits for LaTeX (``\\infty`` for ±inf, ``\\text{nan}`` for nan)."""
    if math.isinf(x):
        return r"\infty" if x > 0 else r"-\infty"
    if math.isnan(x):
        return r"\text{nan}"
    text = fmt(x)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def latex_name(name: str) -> str:
    """A node's name as LaTeX math: Greek letters and operators as macros, specials escaped, an
    expression in parentheses (``\\partial (y - u)``), ``x^1.5`` as ``x^{1.5}``."""
    powers: list[str] = []

    def keep_power(m: re.Match) -> str:
        powers.append(m[1])
        return f"\0{len(powers) - 1}\0"

    text = _POWER.sub(keep_power, name)
    out = []
    for c in text:
        if c in GREEK:
            out.append(GREEK[c] + " ")
        elif c in SYMBOLS:
            out.append(SYMBOLS[c])
        elif c == "\0" or (c.isascii() and (c.isalnum() or c in " +-*/().,:;<>=![]")):
            out.append(c)
        else:
            out.append("?")
    latex = "".join(out)
    latex = re.sub(r"\0(\d+)\0", lambda m: f"^{{{powers[int(m[1])]}}}", latex).strip()
    wrap = any(c in name for c in " +-−*×÷/·^²()|") or name[:1].isdigit()
    return f"({latex})" if wrap else latex


# not ( ) : Jupyter reads \( … \) as maths
_MARKDOWN = re.compile(r"([\\`*_\[\]|~#$])")


def markdown_text(text: str) -> str:
    """User text shown verbatim in Markdown: HTML escaped, Markdown's punctuation backslash-escaped, one line."""
    return _MARKDOWN.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))
