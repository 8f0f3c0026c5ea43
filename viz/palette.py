"""The colours every picture shares: a diverging scale for grads and weights, and text that stays readable on it.

Blue for negative, orange for positive (ColorBrewer RdBu's blues, PuOr's oranges: colour-blind
safe), darker for a larger magnitude; text on a fill is black or white, whichever contrasts more
(WCAG 2: every pair here is ≥ 4.5:1, a test computes it).
"""

from __future__ import annotations

import math

FONT = "Helvetica"
"""The one font name used everywhere (a single name: renderers differ in font fallback lists)."""

NEGATIVE = ("#d1e5f0", "#92c5de", "#4393c3", "#2166ac")
POSITIVE = ("#fee0b6", "#fdb863", "#e08214", "#b35806")
ZERO = "#e8e8e8"
"""A grad of exactly 0: light grey, so a parameter no gradient reaches is told apart from a white constant."""
NONE = "#ffffff"
"""No grad shown (no backward yet, or a constant)."""
NOT_FINITE = "#d9d9d9"  # with a red border: a data or grad of inf or nan (no place on the scale)
NOT_FINITE_BORDER = "#d62728"
FILLS = (*NEGATIVE, *POSITIVE, ZERO, NONE, NOT_FINITE)
"""Every fill a node can get (the contrast test walks these)."""


def level(x: float, scale: float) -> int:
    """0…3: how dark |x| is drawn when the largest magnitude is ``scale`` (square-root steps, so small values show)."""
    return max(0, min(3, int(4 * (abs(x) / scale) ** 0.5 - 1e-9)))


def fill(grad: float, scale: float) -> str:
    """The diverging palette's colour for ``grad`` when the largest finite |grad| is ``scale``; grey if not finite."""
    if not math.isfinite(grad):
        return NOT_FINITE
    if grad == 0 or scale == 0:
        return ZERO
    return (POSITIVE if grad > 0 else NEGATIVE)[level(grad, scale)]


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb`` (or ``white``/``black``)."""
    colour = {"white": "#ffffff", "black": "#000000"}.get(colour, colour)
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio (1…21) of two colours; text needs ≥ 4.5 (AA)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def font_colour(colour: str) -> str:
    """Black or white text, whichever contrasts more with the fill ``colour``."""
    return "black" if contrast(colour, "black") >= contrast(colour, "white") else "white"
