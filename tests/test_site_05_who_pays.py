"""The closing chapter on the built website: small, self-contained, formulas rendered, every chart
drawn, no live-panel output; the kernel-free dashboard and the path of risk redraw as the model says
when their menus move.

Expected figures are the model's own results for the same setting (``who_pays`` with the grid's
paths and seed), written the way the chart writes them, so a chart that showed stale or wrong rows
would fail.
"""

from __future__ import annotations

import pytest

from gpu_finance import PRESETS, risk_path, usd, who_pays
from gpu_finance.viz.scenario import GRID_PATHS
from tests.website import (
    assert_charts_and_no_live_panel_output, assert_control_redraws, assert_formulas_render, chapter_fixture,
    chart_with_control,
)

pytestmark = pytest.mark.browser

PAGE = "chapters/05-who-pays.html"
PARTIES = ["sponsor", "spv_equity", "vendor", "lenders", "taxpayers"]
TEXTS = "els => els.map(e => e.textContent)"

chapter = chapter_fixture(PAGE)


def _table(chart) -> dict[str, list[str]]:
    """The dashboard's table as drawn: party -> [expected loss, worst 5%, earned], as text."""
    texts = chart.locator("svg text").evaluate_all(TEXTS)
    start = texts.index("Sponsor")
    cells = texts[start + 5: start + 20]
    return {party: [cells[k], cells[5 + k], cells[10 + k]] for k, party in enumerate(PARTIES)}


def _note(chart) -> str:
    return next(t for t in chart.locator("svg text").evaluate_all(TEXTS) if t.startswith("Expected loss"))


def _model(scenario) -> dict[str, list[str]]:
    """The model's result for a setting, written as the dashboard writes it: stored in USD billions to
    three decimals, shown to two."""
    parties = who_pays(scenario, n_paths=GRID_PATHS).parties.set_index("party")
    return {p: [f"${round(parties.loc[p, c] / 1e9, 3):.2f}B" for c in ("expected_loss_usd", "tail_loss_usd", "earned_usd")]
            for p in PARTIES}


def test_page_is_small_and_its_formula_renders(chapter, built_site):
    page, foreign, errors = chapter
    assert (built_site / PAGE).stat().st_size < 600_000
    assert_formulas_render(page, 1, 40)
    assert foreign == [] and errors == []


def test_charts_drawn_and_live_panel_left_out(chapter):
    page, _, errors = chapter
    assert_charts_and_no_live_panel_output(page, 6)
    assert errors == []


def test_dashboard_starts_at_the_story_as_told(chapter):
    page, _, errors = chapter
    chart = chart_with_control(page, "Government guarantee")
    assert _table(chart) == _model(PRESETS["as_told"])
    assert errors == []


def test_dashboard_without_a_guarantee_leaves_the_taxpayers_out(chapter):
    page, _, errors = chapter
    chart = chart_with_control(page, "Government guarantee")
    before = _table(chart)
    assert before["taxpayers"][0] != "$0.00B"
    assert_control_redraws(page, "Government guarantee", "0")
    after = _table(chart)
    assert after == _model(PRESETS["as_told"].replace(coverage=0.0))
    assert after["taxpayers"][0] == "$0.00B"
    # a free guarantee only moved the loss: the lenders now carry what the taxpayers did
    moved = float(before["lenders"][0][1:-1]) + float(before["taxpayers"][0][1:-1])
    assert float(after["lenders"][0][1:-1]) == pytest.approx(moved, abs=0.011)
    assert errors == []


def test_dashboard_a_sponsor_that_keeps_paying_carries_the_loss(chapter):
    page, _, errors = chapter
    chart = chart_with_control(page, "If the chips die first")
    assert _table(chart)["sponsor"][0] == "$0.00B"
    assert_control_redraws(page, "If the chips die first", "0")
    after = _table(chart)
    assert after == _model(PRESETS["as_told"].replace(walk_away_probability=0.0))
    assert float(after["sponsor"][0][1:-1]) > float(after["taxpayers"][0][1:-1])
    assert errors == []


def test_dashboard_longer_lived_chips_leave_less_to_share(chapter):
    page, _, errors = chapter
    chart = chart_with_control(page, "Economic life of the chips")
    before = _note(chart)
    assert_control_redraws(page, "Economic life of the chips", "6")
    expected = who_pays(PRESETS["as_told"].replace(economic_life_years=6), n_paths=GRID_PATHS)
    after = _note(chart)
    assert after != before and after.startswith(f"Expected loss {usd(expected.expected_loss_usd, 2)} ")
    assert _table(chart) == _model(PRESETS["as_told"].replace(economic_life_years=6))
    assert errors == []


def test_dashboard_scenario_menu_picks_what_closed(chapter):
    page, _, errors = chapter
    chart = chart_with_control(page, "Government guarantee")
    assert_control_redraws(page, "Start from the preset", "1")
    assert _table(chart) == _model(PRESETS["what_closed"])
    assert _table(chart)["taxpayers"] == ["$0.00B", "$0.00B", "$0.00B"]
    assert errors == []


def test_risk_path_explorer_follows_its_menu(chapter):
    page, _, errors = chapter
    chart = page.locator(".sbs-chart").filter(has_text="Each trick hands the loss to someone else").first
    before = chart.locator("svg text").evaluate_all(TEXTS)
    assert "The tricks move most of the loss from the sponsor to the taxpayers" in before
    svg = chart.locator("svg").first.inner_html()
    chart.locator(".vega-bind select").first.select_option("1")
    page.wait_for_function("([el, old]) => el.querySelector('svg').innerHTML !== old",
                           arg=[chart.element_handle(), svg], timeout=5_000)
    # in what closed (chapter 3's calibrated base case) the sponsor bears most of the expected loss with the
    # vehicle alone, and the lenders once the sponsor may walk away from dead chips
    steps = risk_path(PRESETS["what_closed"], n_paths=20_000).pivot_table(
        index="step", columns="party", values="expected_loss_usd", sort=False)
    assert steps.loc["spv"].idxmax() == "sponsor" and steps.loc["backstop"].idxmax() == "lenders"
    after = chart.locator("svg text").evaluate_all(TEXTS)
    assert "The tricks move most of the loss from the sponsor to the lenders" in after
    assert errors == []
