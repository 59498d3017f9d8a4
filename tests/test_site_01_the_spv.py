"""Chapter 1 in a real browser: its charts draw, its formulas render, its live panel stays off the
website, and every kernel-free chart redraws when its controls move, showing the model's numbers."""

from __future__ import annotations

import pytest

from gpu_finance import COLOSSUS_2, fact, founder_dilution, percent, sponsor_balance_sheets, usd
from tests.website import (
    assert_charts_and_no_live_panel_output, assert_control_redraws, assert_formulas_render, chart_with_control,
    open_page, set_control, wait_for_charts,
)

pytestmark = pytest.mark.browser

PAGE = "chapters/01-the-spv.html"


@pytest.fixture()
def chapter(browser, site_url):
    page, foreign, errors = open_page(browser, f"{site_url}/{PAGE}")
    wait_for_charts(page)
    yield page
    assert foreign == [], f"{PAGE} requested other hosts: {foreign}"
    assert [e for e in errors if "favicon.ico" not in e] == [], f"{PAGE} logged console errors: {errors}"
    page.close()


def _headline(view: str, lease_type: str = "operating", year: int = 0, column: str = "headline_debt_usd") -> str:
    sheets = sponsor_balance_sheets(COLOSSUS_2, lease_type=lease_type)
    return usd(sheets.query("view == @view and year == @year")[column].item())


def test_the_page_is_small_and_its_figures_are_there(built_site, chapter):
    size = (built_site / PAGE).stat().st_size
    assert size < 1_000_000, f"{PAGE} weighs {size:,} bytes; keep it under 1 MB"
    assert_charts_and_no_live_panel_output(chapter, 8)
    assert chapter.locator(".live-panel").count() == 1


def test_formulas_render_offline(chapter):
    assert_formulas_render(chapter, 3, 40)


def test_cash_flow_chart_follows_the_target_return(chapter):
    before, after = assert_control_redraws(chapter, "Target equity return", 30)
    assert "equity IRR 22%" in before
    assert "equity IRR 30%" in after and "equity IRR 22%" not in after
    _, with_residual = assert_control_redraws(chapter, "Residual value at lease end", 50)
    assert "equity IRR 30%" in with_residual


def test_balance_sheets_follow_the_year_and_the_lease_type(chapter):
    # The menu starts at what the lease classification says for the reported terms: a finance lease.
    before, after = assert_control_redraws(chapter, "Lease type in view (b)", "operating")
    assert f"(b) {_headline('lease', 'finance')}" in before
    assert f"(b) {_headline('lease', 'operating')}" in after
    _, at_end = assert_control_redraws(chapter, "Year of the lease", COLOSSUS_2.lease_term_years)
    end = _headline("lease", "finance", COLOSSUS_2.lease_term_years, "adjusted_debt_usd")
    assert f"Adjusted debt: (a) {end} · (b) {end} · (c) {end} · (d) {end} · (e) {end}" in at_end
    # view (e), the failed sale-leaseback, counts the vehicle's whole price as debt at signing
    assert f"(e) {_headline('failed_sale')}" in before


def test_what_the_filings_show_sets_the_filed_debt_beside_the_model(chapter):
    section = chapter.locator("section#what-the-filings-show")
    assert section.count() == 1
    text = section.inner_text()
    assert usd(fact("spacex.valor_related_party_debt_usd")) in text and "failed sale-leaseback" in text.lower()
    assert "Filed: SpaceX" in text and "(e) Failed sale-leaseback" in text


def test_lease_liability_chart_follows_its_sliders(chapter):
    assert_control_redraws(chapter, "Lease term (years)", 3)
    assert_control_redraws(chapter, "Incremental borrowing rate", 20)


def test_consolidation_tool_follows_the_rule_and_the_facts(chapter):
    before, after = assert_control_redraws(chapter, "Rule", "pre_2003")
    assert "Verdict: consolidate" in before and "variable interest entity" in before
    assert "at least 3% of the assets" in after and "Verdict: do not consolidate" in after
    _, thin = assert_control_redraws(chapter, "Outside equity at risk", 0.01)
    assert "No: 1.0%" in thin and "Verdict: consolidate" in thin


def test_dilution_chart_follows_the_valuation(chapter):
    before, after = assert_control_redraws(chapter, "Pre-money valuation", 25)
    cheap = founder_dilution(COLOSSUS_2, 25e9)["new_investors_share"].iloc[0]
    assert f"gives away {percent(cheap, 2)}" in after and f"gives away {percent(cheap, 2)}" not in before


def test_vendor_loop_follows_the_margin_and_the_stake(chapter):
    _, thin_margin = assert_control_redraws(chapter, "Vendor's gross margin", 10)
    assert "$0" in thin_margin  # at a 10% margin the profit exactly pays for the lost $2B stake
    _, bigger_stake = assert_control_redraws(chapter, "Vendor's equity in the SPV", 4)
    assert "funds 20% of its own sale" in bigger_stake


def test_money_flows_follow_the_moment_and_the_debt(chapter):
    before, after = assert_control_redraws(chapter, "When", "at signing")
    assert "rent" in before and "rent" not in after
    assert usd(COLOSSUS_2.debt_usd) in after and "loan" in after
    _, no_debt = assert_control_redraws(chapter, "Debt share of the cost", 0)
    assert "loan" not in no_debt


def test_every_control_on_the_page_belongs_to_one_chart(chapter):
    labels = chapter.locator(".vega-bind-name").all_inner_texts()
    assert len(labels) == len(set(labels)) >= 12, labels
    for label in labels:
        assert chart_with_control(chapter, label.strip()).count() == 1
    set_control(chart_with_control(chapter, "When"), "When", "the whole deal")
