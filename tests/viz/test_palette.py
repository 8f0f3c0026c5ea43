"""The palette: text on every fill is readable (WCAG AA), and the contrast formula matches known pairs."""

import pytest

from viz.palette import FILLS, NEGATIVE, NONE, POSITIVE, ZERO, contrast, fill, font_colour


def test_contrast_matches_wcag_reference_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-failing grey
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize("colour", FILLS)
def test_text_on_every_fill_reaches_wcag_aa(colour):
    assert contrast(colour, font_colour(colour)) >= 4.5


def test_grey_text_of_edges_and_elisions_reaches_wcag_aa():
    assert contrast("#404040", "#ffffff") >= 4.5


def test_fill_tells_zero_grad_from_no_grad():
    assert fill(0.0, 1.0) == ZERO != NONE
    assert contrast(ZERO, NONE) > 1.15  # visibly grey next to a white constant
    assert fill(-1.0, 1.0) == NEGATIVE[-1] and fill(1e-6, 1.0) == POSITIVE[0]
