"""Chapter 2 in a real browser: its charts draw, its formulas render offline, the live panel stays
off the website, and every kernel-free chart redraws with the finding its controls imply."""

from __future__ import annotations

import pytest

from gpu_finance import COLOSSUS_2, CALIBRATED_ANNUAL_DECLINE, collateral_path, covenant_breach_year, peak_overstatement
from gpu_finance.depreciation import NEOCLOUD_FLEET, owner_profit_comparison
from gpu_finance.viz.depreciation import _profit_note
from tests.website import (
    assert_charts_and_no_live_panel_output, assert_formulas_render, open_page, set_control, wait_for_charts,
)

#: The explorers start at the calibrated decline, rounded to a whole percent by the slider.
SLIDER_DECLINE = round(round(CALIBRATED_ANNUAL_DECLINE / 0.01) * 0.01, 2)


def _owner_note(economic_life, method="straight_line"):
    return _profit_note(owner_profit_comparison(NEOCLOUD_FLEET, NEOCLOUD_FLEET.accounting_life_years,
                                                economic_life, method=method))


def _ltv_note(annual_decline, covenant=0.8):
    path = collateral_path(COLOSSUS_2, annual_decline, generation_step=0.0)
    over = path.loc[path["ltv"] > covenant + 1e-11, "year"]
    first = "No covenant breach" if over.empty else f"The covenant breaks in year {int(over.min())}"
    return f"{first}; peak loan-to-value {path['ltv'].max():.0%}"

pytestmark = pytest.mark.browser

PAGE = "chapters/02-the-depreciation-game.html"


@pytest.fixture()
def chapter(browser, site_url):
    page, foreign, errors = open_page(browser, f"{site_url}/{PAGE}")
    located: list[str] = []
    # Chromium asks every page for /favicon.ico some time after loading; the book has none (a
    # foundation matter), so that one 404 is set aside here and every other error counts.
    page.on("console", lambda msg: located.append(msg.location.get("url", "")) if msg.type == "error" else None)
    wait_for_charts(page)
    yield page
    real = [e for e, where in zip(errors, located) if not where.endswith("/favicon.ico")]
    page.close()
    assert foreign == [], f"{PAGE} requested other hosts: {foreign}"
    assert real == [], f"{PAGE} logged console errors: {real}"


def _chart(page, title_part: str):
    chart = page.locator(f'.sbs-chart[aria-label*="{title_part}"]')
    assert chart.count() == 1, f"expected one chart titled ...{title_part}..., found {chart.count()}"
    return chart.first


def _move(page, chart, label: str, value) -> str:
    """Set a chart's control and wait until its SVG changes; return the chart's text after."""
    before = chart.locator("svg").first.inner_html()
    set_control(chart, label, value)
    page.wait_for_function("([el, old]) => el.querySelector('svg').innerHTML !== old",
                           arg=[chart.element_handle(), before], timeout=5_000)
    return chart.inner_text()


def test_charts_formulas_and_no_live_panel(chapter):
    assert_charts_and_no_live_panel_output(chapter, 12)
    assert_formulas_render(chapter, 4, 60)


def test_book_market_explorer_finds_the_impairment_year(chapter):
    chart = _chart(chapter, "when do the books overstate the chips")
    assert "Market value falls below book value in year 1" in chart.inner_text()
    after = _move(chapter, chart, "Yearly fall in market value", 10)
    assert "Market value stays at or above book value" in after
    after = _move(chapter, chart, "Extra drop per new generation", 30)
    assert "Market value falls below book value in year 2" in after  # 0.9**2 * 0.7 < 4/6
    after = _move(chapter, chart, "Accounting life", 2)
    assert "Market value stays at or above book value" in after


def test_profit_explorer_follows_the_lives_and_the_method(chapter):
    chart = _chart(chapter, "a long life pulls profit forward")
    # The owner's fleet: rents fall as the chips age, so even equal lives pull some profit forward.
    assert _owner_note(4) in chart.inner_text()
    after = _move(chapter, chart, "Economic life", 6)
    assert _owner_note(6) in after and "reported early" in after
    _move(chapter, chart, "Economic life", 8)
    after = _move(chapter, chart, "Depreciation method", "double_declining_balance")
    assert _owner_note(8, "double_declining_balance") in after


def test_heatmap_redraws_for_another_method(chapter):
    chart = _chart(chapter, "books on 4-year chips")
    before = chart.inner_text()
    after = _move(chapter, chart, "Depreciation method", "sum_of_years_digits")
    largest = max(abs(peak_overstatement(owner_profit_comparison(NEOCLOUD_FLEET, a, e)))
                  for a in range(2, 9) for e in range(2, 9)) / 1e9
    assert after != before and f"{largest:.1f}" in before  # the largest straight-line cell


def test_ltv_explorer_moves_the_covenant_and_the_decline(chapter):
    chart = _chart(chapter, "can the collateral shrink faster than the loan")
    assert _ltv_note(SLIDER_DECLINE) in chart.inner_text()
    after = _move(chapter, chart, "Covenant", 100)
    assert _ltv_note(SLIDER_DECLINE, 1.0) in after
    after = _move(chapter, chart, "Yearly fall in market value", 50)
    assert "The covenant breaks in year 1" in after
