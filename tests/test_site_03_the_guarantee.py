"""Chapter 3, the guarantee, on the built website: formulas drawn as MathML, every chart drawn, no
live-panel output, and the guarantee's chart redraws as the model says when its controls move.
"""

from __future__ import annotations

import re

import pytest

from tests.website import (
    assert_charts_and_no_live_panel_output, assert_control_redraws, assert_formulas_render, chapter_fixture,
)

pytestmark = pytest.mark.browser

PAGE = "chapters/03-the-guarantee.html"

chapter = chapter_fixture(PAGE)


def _money(text: str, label: str) -> float:
    match = re.search(label + r" \$(\d+\.\d+)B", text)
    assert match, f"no '{label} $…B' in {text!r}"
    return float(match.group(1))


def test_page_is_small_and_its_formulas_render(chapter, built_site):
    page, foreign, errors = chapter
    assert (built_site / PAGE).stat().st_size < 1_000_000
    assert_formulas_render(page, 10, 90)
    assert foreign == [] and errors == []


def test_charts_drawn_and_live_panel_left_out(chapter):
    page, _, errors = chapter
    assert_charts_and_no_live_panel_output(page, 3)
    assert errors == []


def test_drift_moves_the_expected_loss_but_not_the_price(chapter):
    page, _, errors = chapter
    before, after = assert_control_redraws(page, "Real-world drift of their value", 4)
    assert _money(before, "price") == _money(after, "price")
    assert _money(after, "expected loss") < _money(before, "expected loss")
    # at a drift equal to the risk-free rate (4%) the discounted expected loss is the price
    assert _money(after, "expected loss") == _money(after, "price")
    assert errors == []


def test_volatility_and_coverage_move_the_price(chapter):
    page, _, errors = chapter
    before, after = assert_control_redraws(page, "Volatility of the GPUs' value", 55)
    assert _money(after, "price") > _money(before, "price")
    _, none = assert_control_redraws(page, "Share guaranteed (%)", 0)
    assert "price $0.00B, expected loss $0.00B" in none
    assert errors == []
