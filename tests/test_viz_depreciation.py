"""Chapter 2's figures: every chart states a finding, has units and a description and passes the
renderer's checks; the kernel-free explorers hold every control position and agree with the model;
the live panel recomputes and every corner of it is valid."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from gpu_finance import (
    CALIBRATED_ANNUAL_DECLINE,
    COLOSSUS_2,
    calibrated_decline,
    book_versus_market,
    collateral_path,
    covenant_breach_year,
    gpu_generations,
    peak_overstatement,
    profit_comparison,
    rental_prices,
    useful_life_changes,
)
from gpu_finance.depreciation import NEOCLOUD_FLEET, owner_profit_comparison
from gpu_finance.formatting import estimate_percent, estimate_usd
from gpu_finance.viz import depreciation as figures
from gpu_finance.viz import render

CHARTS = {
    "methods": lambda: figures.methods_chart(20e9, 6),
    "book_market": lambda: figures.book_market_chart(book_versus_market(20e9, 6, annual_decline=0.3)),
    "book_market_explorer": lambda: figures.book_market_explorer(20e9),
    "profit": lambda: figures.profit_chart(profit_comparison(COLOSSUS_2, 6, 4)),
    "profit_explorer": lambda: figures.profit_explorer(COLOSSUS_2),
    "heatmap": lambda: figures.overstatement_heatmap(COLOSSUS_2),
    "owner_profit": lambda: figures.profit_chart(owner_profit_comparison(NEOCLOUD_FLEET, 6, 4),
                                                 subject=NEOCLOUD_FLEET.name,
                                                 profit_label="Profit before interest and tax"),
    "owner_profit_explorer": lambda: figures.owner_profit_explorer(NEOCLOUD_FLEET),
    "owner_heatmap": lambda: figures.owner_overstatement_heatmap(NEOCLOUD_FLEET),
    "ltv": lambda: figures.ltv_chart(collateral_path(COLOSSUS_2)),
    "ltv_explorer": lambda: figures.ltv_explorer(COLOSSUS_2),
    "useful_lives": lambda: figures.useful_lives_chart(useful_life_changes()),
    "profit_effects": lambda: figures.profit_effects_chart(useful_life_changes()),
    "rental_prices": lambda: figures.rental_prices_chart(rental_prices(), CALIBRATED_ANNUAL_DECLINE),
    "rental_prices_interval": lambda: figures.rental_prices_chart(
        rental_prices(), calibrated_decline(), without_peak=calibrated_decline(include_peak=False)),
    "generations": lambda: figures.generations_chart(gpu_generations()),
    "lives": lambda: figures.lives_chart(useful_life_changes()),
}


pytestmark = pytest.mark.usefixtures("site_renderer")  # tests/conftest.py: charts as on the website


def _title(spec: dict) -> str:
    title = spec["title"]
    return title["text"] if isinstance(title, dict) else title


def _dataset(spec: dict, column: str) -> pd.DataFrame:
    """The chart's inlined data set that has ``column``."""
    for values in spec["datasets"].values():
        frame = pd.DataFrame(values)
        if column in frame.columns:
            return frame
    raise AssertionError(f"no data set with a {column!r} column")


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_has_a_finding_units_and_a_description(name):
    spec = CHARTS[name]().to_dict()
    assert _title(spec) and spec.get("description")
    text = json.dumps(spec)
    assert any(unit in text for unit in ("USD billions", "(years)", "Years", "(%)", "USD per GPU-hour", "Year\""))
    html = render.render_spec(spec)["text/html"]
    assert len(html) < 150_000, f"{name} puts {len(html):,} bytes into the page"


def test_static_titles_state_the_models_findings():
    vehicle = peak_overstatement(profit_comparison(COLOSSUS_2, 6, 4))
    assert _title(CHARTS["profit"]().to_dict()) == f"{estimate_usd(vehicle, 3)} of profit is reported before it is earned"
    breach = covenant_breach_year(collateral_path(COLOSSUS_2))
    assert _title(CHARTS["ltv"]().to_dict()) == (
        "The loan stays within the 80% loan-to-value covenant" if breach is None
        else f"The loan breaks the 80% loan-to-value covenant in year {breach}")
    assert _title(CHARTS["book_market"]().to_dict()) == "Market value falls below book value in year 1"
    assert f"{round(CALIBRATED_ANNUAL_DECLINE * 100)}%" in _title(CHARTS["rental_prices"]().to_dict())
    fit = calibrated_decline()
    title = _title(CHARTS["rental_prices_interval"]().to_dict())
    assert str(estimate_percent(fit.estimate)) in title and "rose again in 2026" in title
    lives = useful_life_changes()
    assert _title(CHARTS["useful_lives"]().to_dict()).startswith(
        f"{int((lives['life_to_years'] > lives['life_from_years']).sum())} of the ")


def test_book_market_explorer_holds_every_position_and_matches_the_model():
    spec = CHARTS["book_market_explorer"]().to_dict()
    data = _dataset(spec, "series")
    book = data[data["series"] == "Book value"]
    market = data[data["series"] == "Market value"]
    assert len(book) == 7 * 3 and len(market) == 61 * 7  # lives 2-8 x methods; declines x steps
    row = book[(book["accounting_life_years"] == 6) & (book["method"] == "sum_of_years_digits")].iloc[0]
    expected = book_versus_market(20e9, 6, "sum_of_years_digits", annual_decline=0.0, years=8)
    np.testing.assert_allclose(row["value_bn"], expected["book_value_usd"] / 1e9, atol=1e-4)
    row = market[np.isclose(market["annual_decline"], 0.33) & np.isclose(market["generation_step"], 0.2)].iloc[0]
    expected = book_versus_market(20e9, 2, annual_decline=0.33, generation_step=0.2, generation_interval_years=2,
                                  years=8)
    np.testing.assert_allclose(row["value_bn"], expected["market_value_usd"] / 1e9, atol=1e-4)
    names = {p["name"]: p for p in spec["params"]}
    assert names["annual_decline"]["value"] == pytest.approx(round(CALIBRATED_ANNUAL_DECLINE * 100))
    assert names["method"]["bind"]["input"] == "select"


def test_profit_explorer_rows_and_notes_match_the_model():
    spec = CHARTS["profit_explorer"]().to_dict()
    data = _dataset(spec, "reported_bn")
    assert len(data) == 7 * 7 * 3
    row = data[(data["accounting_life_years"] == 6) & (data["economic_life_years"] == 4)
               & (data["method"] == "straight_line")].iloc[0]
    table = profit_comparison(COLOSSUS_2, 6, 4)
    np.testing.assert_allclose(row["reported_bn"], table["reported_profit_usd"] / 1e9, atol=1e-4)
    np.testing.assert_allclose(row["cumulative_bn"], table["cumulative_overstatement_usd"] / 1e9, atol=1e-4)
    assert row["text"] == f"{estimate_usd(peak_overstatement(table), 3)} of profit reported early; it comes back from year 5"
    same = data[(data["accounting_life_years"] == 5) & (data["economic_life_years"] == 5)
                & (data["method"] == "straight_line")].iloc[0]
    assert same["text"] == "Reported and economic profit agree every year"


def test_heatmap_cells_are_the_peak_overstatement():
    data = _dataset(CHARTS["heatmap"]().to_dict(), "peak_bn")
    assert len(data) == 7 * 7 * 3
    for a, e, method in [(6, 4, "straight_line"), (3, 8, "double_declining_balance"), (8, 2, "sum_of_years_digits")]:
        cell = data[(data["accounting_life_years"] == a) & (data["economic_life_years"] == e) & (data["method"] == method)]
        expected = peak_overstatement(profit_comparison(COLOSSUS_2, a, e, method=method)) / 1e9
        assert cell["peak_bn"].iloc[0] == pytest.approx(expected, abs=0.006)
    diagonal = data[(data["accounting_life_years"] == data["economic_life_years"]) & (data["method"] == "straight_line")]
    assert (diagonal["peak_bn"] == 0).all()


def test_owner_charts_state_the_models_findings():
    table = owner_profit_comparison(NEOCLOUD_FLEET, 6, 4)
    spec = CHARTS["owner_profit"]().to_dict()
    assert _title(spec) == f"{estimate_usd(peak_overstatement(table), 3)} of profit is reported before it is earned"
    assert "Profit before interest and tax (USD billions)" in json.dumps(spec)
    assert _title(CHARTS["owner_heatmap"]().to_dict()) == (
        f"6-year books on 4-year chips report {estimate_usd(round(peak_overstatement(table) / 1e9, 2) * 1e9, 3)} too early")


def test_owner_explorer_rows_and_notes_match_the_model():
    spec = CHARTS["owner_profit_explorer"]().to_dict()
    data = _dataset(spec, "reported_bn")
    assert len(data) == 7 * 7 * 3
    names = {p["name"]: p for p in spec["params"]}
    assert names["accounting_life_years"]["value"] == NEOCLOUD_FLEET.accounting_life_years
    for a, e, method in [(6, 4, "straight_line"), (3, 7, "sum_of_years_digits"), (8, 2, "double_declining_balance")]:
        row = data[(data["accounting_life_years"] == a) & (data["economic_life_years"] == e)
                   & (data["method"] == method)].iloc[0]
        table = owner_profit_comparison(NEOCLOUD_FLEET, a, e, method=method)
        np.testing.assert_allclose(row["reported_bn"], table["reported_profit_usd"] / 1e9, atol=1e-4)
        np.testing.assert_allclose(row["economic_bn"], table["economic_profit_usd"] / 1e9, atol=1e-4)
        np.testing.assert_allclose(row["cumulative_bn"], table["cumulative_overstatement_usd"] / 1e9, atol=1e-4)


def test_owner_heatmap_cells_are_the_peak_overstatement():
    data = _dataset(CHARTS["owner_heatmap"]().to_dict(), "peak_bn")
    assert len(data) == 7 * 7 * 3
    for a, e, method in [(6, 4, "straight_line"), (3, 8, "double_declining_balance"), (8, 2, "sum_of_years_digits")]:
        cell = data[(data["accounting_life_years"] == a) & (data["economic_life_years"] == e) & (data["method"] == method)]
        expected = peak_overstatement(owner_profit_comparison(NEOCLOUD_FLEET, a, e, method=method)) / 1e9
        assert cell["peak_bn"].iloc[0] == pytest.approx(expected, abs=0.006)


def test_ltv_explorer_rows_match_collateral_path():
    spec = CHARTS["ltv_explorer"]().to_dict()
    data = _dataset(spec, "ltv")
    assert len(data) == 61 * 7
    row = data[np.isclose(data["annual_decline"], 0.5) & np.isclose(data["generation_step"], 0.1)].iloc[0]
    path = collateral_path(COLOSSUS_2, 0.5, generation_step=0.1, generation_interval_years=2)
    np.testing.assert_allclose(row["ltv"], path["ltv"], atol=1e-4)
    np.testing.assert_allclose(row["recovery_bn"], path["recovery_usd"] / 1e9, atol=1e-4)
    assert {p["name"] for p in spec["params"]} == {"annual_decline", "generation_step", "covenant_max_ltv"}


_TABS = ["Book and market value", "Reported and economic profit", "The lender's view"]


def _first_title(panel, index=0) -> str:
    """The title of the chart in tab ``index`` (opening it)."""
    panel.select(_TABS[index])
    return _title(panel.shown[0].to_dict())


def test_live_panel_recomputes_when_a_control_moves():
    panel = figures.depreciation_panel(COLOSSUS_2)
    assert panel.message == "" and list(panel.sections) == _TABS and len(panel.shown) == 1
    vehicle = peak_overstatement(profit_comparison(COLOSSUS_2, 6, 4))
    assert _first_title(panel, 1) == f"{estimate_usd(vehicle, 3)} of profit is reported before it is earned"
    panel.sliders["economic_life_years"].value = 6
    assert _first_title(panel, 1) == "Reported and economic profit agree every year"
    panel.sliders["covenant_max_ltv"].value = 100.0  # shown in percent
    assert _first_title(panel, 2) == "The loan stays within the 100% loan-to-value covenant"
    panel.sliders["annual_decline"].value = 5.0
    assert _first_title(panel, 0) == "Market value never falls below book value"


@pytest.mark.parametrize("corner", ["min", "max"])
def test_every_corner_of_the_live_panel_is_valid(corner):
    panel = figures.depreciation_panel(COLOSSUS_2)
    for name, widget in panel.sliders.items():
        if hasattr(widget, "min"):
            widget.value = getattr(widget, corner)
        else:
            widget.value = widget.options[0 if corner == "min" else -1][1]
        assert panel.message == "", f"{name} at its {corner}: {panel.message}"
        for tab in _TABS:
            panel.select(tab)
            assert panel.message == "" and len(panel.shown) == 1, f"{name} at its {corner}, {tab}"


def test_live_panel_with_a_fleet_shows_the_owner():
    panel = figures.depreciation_panel(COLOSSUS_2, fleet=NEOCLOUD_FLEET)
    decline = panel.sliders["annual_decline"].value / 100
    expected = peak_overstatement(owner_profit_comparison(NEOCLOUD_FLEET, 6, 4, rent_decline=decline))
    assert _first_title(panel, 1) == f"{estimate_usd(expected, 3)} of profit is reported before it is earned"
    panel.sliders["annual_decline"].value = 0.0  # flat rents on the right life: the books are cautious
    panel.sliders["economic_life_years"].value = 6
    assert _first_title(panel, 1).startswith("The books hold back")
    for corner in ("min", "max"):
        for name, widget in panel.sliders.items():
            widget.value = getattr(widget, corner) if hasattr(widget, "min") else widget.options[-1][1]
            panel.select(_TABS[1])
            assert panel.message == "" and len(panel.shown) == 1, f"{name} at its {corner}"


def test_the_interval_band_runs_between_the_fits_ends():
    fit, calm = calibrated_decline(), calibrated_decline(include_peak=False)
    spec = CHARTS["rental_prices_interval"]().to_dict()
    band = _dataset(spec, "low")
    band = band.sort_values("year_decimal")
    # on a log scale, the band's edges fall at the interval's two rates per year
    years_ = band["year_decimal"].iloc[-1] - band["year_decimal"].iloc[0]
    low_rate = 1 - (band["low"].iloc[-1] / band["low"].iloc[0]) ** (1 / years_)
    high_rate = 1 - (band["high"].iloc[-1] / band["high"].iloc[0]) ** (1 / years_)
    assert low_rate == pytest.approx(fit.low, abs=0.01) and high_rate == pytest.approx(fit.high, abs=0.01)
    lines = _dataset(spec, "part")
    assert set(lines["fit"]) == {"All prices", "Without the 2023 peak"}
    assert str(estimate_percent(calm.estimate)) in spec["description"]


def _significant_digits(text: str) -> int:
    """Significant digits of the first dollar figure in ``text`` (``$829.8M`` has four)."""
    import re

    number = re.search(r"\$([\d,]+(?:\.\d+)?)", text).group(1).replace(",", "")
    return len(number.replace(".", "").lstrip("0"))


def test_model_estimates_in_chart_texts_have_at_most_three_significant_digits():
    import re

    owner = CHARTS["owner_profit"]().to_dict()
    figures_shown = re.findall(r"\$[\d,.]+[BM]?", owner["description"]) + re.findall(r"\$[\d,.]+[BM]?", _title(owner))
    assert figures_shown and all(_significant_digits(f) <= 3 for f in figures_shown), figures_shown
    market = CHARTS["book_market"]().to_dict()
    assert _significant_digits(market["title"]["subtitle"]) <= 3


def test_reported_figures_keep_their_digits():
    lives = useful_life_changes().set_index("change_id")
    spec = CHARTS["profit_effects"]().to_dict()
    shown = set(_dataset(spec, "shown")["shown"])
    assert str(figures.usd(lives.loc["meta-2025", "profit_effect_usd"], 2)) in shown  # $2.92B, not $2.9B
    from gpu_finance import compute_contracts

    contracts = compute_contracts()
    html = figures.contracts_table(contracts).to_html()
    assert "$1.25B" in html and "$920M" in html
    assert "GPUs" in html and "Gpu count" not in html


def test_bounds_sentence_names_every_bound_by_its_date():
    rows = pd.DataFrame({"bound": ["at least", "at least", "about", "at most"],
                         "date": ["2023", "2024-02", "2025-10", "2024-10"]})
    assert figures.bounds_sentence(rows) == ('the prices dated 2023 and February 2024 are lower bounds ("above"); '
                                            'the price dated October 2024 is an upper bound ("below")')
    assert figures.bounds_sentence(rows[rows["bound"] == "about"]) == ""
    with pytest.raises(ValueError, match="bound"):
        figures.bounds_sentence(pd.DataFrame({"date": ["2023"]}))
