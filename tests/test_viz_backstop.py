"""The figures of chapters 3 and 4 (the guarantee, the backstop): drawn from the model, accessible, small enough for the page, and the
kernel-free charts hold every position of their controls; the live panel recomputes."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from gpu_finance import (
    COLOSSUS_2,
    DEFAULT_COVERAGE,
    LeverageProblem,
    backstop_assumptions,
    backstop_history,
    backstop_quotes,
    closed_form_vs_monte_carlo,
    design_comparison,
    expected_loss,
    guarantee_value,
    monte_carlo_guarantee,
    optimal_leverage,
    simulate_asset_paths,
)
from gpu_finance.viz import backstop as figures
from gpu_finance.viz import render


pytestmark = pytest.mark.usefixtures("book_renderer")  # tests/conftest.py


@pytest.fixture(scope="module")
def simulation():
    return monte_carlo_guarantee(20e9, 12.5e9, 0.35, 0.04, 3, 0.8, drift=-0.2, n_paths=20_000, seed=3)


def _datasets(spec: dict) -> list[pd.DataFrame]:
    return [pd.DataFrame(rows) for rows in spec.get("datasets", {}).values()]


def _size(chart) -> int:
    return len(json.dumps(chart.to_dict(), sort_keys=True))


CHARTS = {
    "paths": lambda sim: figures.paths_chart(
        simulate_asset_paths(20e9, 0.35, -0.2, 3, n_paths=2000, seed=1), 12.5e9, 3, 0.7),
    "histogram": lambda sim: figures.loss_histogram_chart(sim),
    "explorer": lambda sim: figures.guarantee_explorer(COLOSSUS_2.total_cost_usd, COLOSSUS_2.debt_share),
    "waterfall": lambda sim: figures.waterfall_chart(COLOSSUS_2, 0.8),
    "waterfall_explorer": lambda sim: figures.waterfall_explorer(COLOSSUS_2),
    "by_party": lambda sim: figures.expected_loss_by_party_chart(COLOSSUS_2, sim.terminal_usd, 0.8),
    "leverage": lambda sim: figures.leverage_chart(LeverageProblem()),
    "moral_hazard_explorer": lambda sim: figures.moral_hazard_explorer(LeverageProblem()),
}


@pytest.mark.parametrize("name", CHARTS)
def test_charts_have_title_description_units_and_stay_small(name, simulation):
    chart = CHARTS[name](simulation)
    spec = chart.to_dict()
    assert spec.get("title") and spec.get("description")
    assert "USD billions" in json.dumps(spec)
    render.render_spec(spec)  # the renderer's own accessibility checks
    assert _size(chart) < 150_000, f"{name} is {_size(chart):,} bytes of JSON"
    assert spec.get("width", 440) <= 460


def test_explorer_holds_every_control_position_and_matches_the_model():
    spec = figures.guarantee_explorer(COLOSSUS_2.total_cost_usd, COLOSSUS_2.debt_share).to_dict()
    (rows,) = _datasets(spec)
    params = {p["name"]: p for p in spec["params"]}
    assert set(params) == {"vol", "mu", "yrs", "cov"}
    combos = rows.groupby(["vol", "mu", "yrs"]).size()
    assert len(combos) == 5 * 7 * 3 and (combos == 16).all()
    # the defaults are on the grid, and the row at the reported leverage is the model's value
    vol, mu, yrs = (params[k]["value"] for k in ("vol", "mu", "yrs"))
    pick = rows[np.isclose(rows["vol"] * 100, vol) & np.isclose(rows["mu"] * 100, mu) & (rows["yrs"] == yrs)
                & np.isclose(rows["l"], 0.625)]
    assert len(pick) == 1
    v = COLOSSUS_2.total_cost_usd
    assert pick["p"].iloc[0] == pytest.approx(guarantee_value(v, 0.625 * v, vol / 100, 0.04, yrs) / 1e9, rel=1e-3)
    expected = math.exp(-0.04 * yrs) * expected_loss(v, 0.625 * v, vol / 100, mu / 100, yrs) / 1e9
    assert pick["e"].iloc[0] == pytest.approx(expected, rel=1e-3)
    # the price never depends on the drift
    assert (rows.groupby(["vol", "yrs", "l"])["p"].nunique() == 1).all()


def test_waterfall_explorer_rows_add_up_to_each_loss():
    spec = figures.waterfall_explorer(COLOSSUS_2).to_dict()
    (rows,) = _datasets(spec)
    assert set(rows["how"]) == {"lenders_first", "pro_rata"}
    assert set(rows["eq"]) == {"pari_passu", "vendor_last", "vendor_first"}
    assert len(rows.groupby(["cov", "how", "eq"])) == 6 * 2 * 3
    totals = rows.groupby(["cov", "how", "eq", "d"])["y"].sum().reset_index()
    assert np.allclose(totals["y"], totals["d"] / 100 * COLOSSUS_2.total_cost_usd / 1e9, rtol=1e-3)
    none = rows[(rows["cov"] == 0) & (rows["k"] == 3)]
    assert (none["y"] == 0).all()  # no guarantee, nothing for the taxpayers


def test_moral_hazard_explorer_marks_the_model_s_choices():
    problem = LeverageProblem()
    spec = figures.moral_hazard_explorer(problem).to_dict()
    frames = _datasets(spec)
    choices = next(f for f in frames if "w1" in f.columns)
    assert len(choices) == 6 * 4 * 2
    row = choices[np.isclose(choices["cov"], 0.8) & (choices["fee"] == 0) & (choices["k"] == 1)].iloc[0]
    expected = optimal_leverage(problem, 0.8, 0.0)
    assert row["l"] == pytest.approx(expected.ltv, rel=1e-3)
    assert row["tax"] == pytest.approx(expected.taxpayer_cost_usd / 1e9, rel=1e-3)
    # a high enough flat fee lowers the chosen leverage below the no-guarantee choice
    dear = choices[np.isclose(choices["cov"], 0.8) & np.isclose(choices["fee"], 0.3) & (choices["k"] == 1)].iloc[0]
    assert dear["w1"] < dear["w0"]
    assert dear["w1"] == pytest.approx(optimal_leverage(problem, 0.8, 0.3).ltv * 100, rel=1e-3, abs=1e-6)


def test_tables_are_written_for_readers():
    html = figures.quotes_table(backstop_quotes()).to_html()
    assert "There will be no federal bailout for AI." in html and "[S]" in html
    assert "Value" in figures.assumptions_table(backstop_assumptions()).to_html()
    history = figures.history_table(backstop_history()).to_html()
    assert "Solyndra" in history and "Share of Cipher" not in history
    designs = figures.design_table(design_comparison(LeverageProblem())).to_html()
    assert "Lenders keep the first loss" in designs
    check = closed_form_vs_monte_carlo(100, 80, 0.3, -0.2, 0.04, 2, n_paths=2000, seed=1)
    assert "Gap (standard errors)" in figures.comparison_table(check).to_html()


def _title(chart) -> str:
    title = chart.to_dict()["title"]
    return title["text"] if isinstance(title, dict) else title


def test_live_panel_recomputes_when_a_slider_moves():
    panel = figures.backstop_panel(COLOSSUS_2)
    panel.sliders["n_paths"].value = 1_000
    assert panel.message == ""
    assert list(panel.sections) == ["Who bears the loss", "Moral hazard"]
    panel.select("Moral hazard")
    before = _title(panel.shown[-1])
    panel.sliders["coverage"].value = 0.0  # no guarantee: the sponsor's choice does not move
    after = _title(panel.shown[-1])
    assert before != after
    without = optimal_leverage(LeverageProblem()).ltv
    assert f"{round(without * 100)}%" in after


def test_guarantee_panel_compares_the_closed_form_with_the_simulation():
    panel = figures.guarantee_panel(COLOSSUS_2)
    assert "fee" not in panel.sliders  # the fee belongs to chapter 4's design questions
    panel.sliders["n_paths"].value = 1_000
    assert panel.message == "" and len(panel.shown) == 2  # the comparison table and the histogram
    for name, safest in (("ltv", "min"), ("volatility", "min"), ("drift", "max")):
        panel.sliders[name].value = getattr(panel.sliders[name], safest)
    assert panel.message == "" and len(panel.shown) == 1  # no path defaults: no histogram to draw


@pytest.mark.parametrize("make", [figures.backstop_panel, figures.guarantee_panel], ids=["backstop", "guarantee"])
@pytest.mark.parametrize("corner", ["min", "max"])
def test_every_corner_of_the_live_panel_is_valid(make, corner):
    panel = make(COLOSSUS_2)
    panel.sliders["n_paths"].value = 1_000
    for name, widget in panel.sliders.items():
        if name != "n_paths":
            widget.value = getattr(widget, corner)
    for title in panel.sections or [None]:
        if title is not None:
            panel.select(title)
        assert panel.message == "", panel.message
        assert len(panel.shown) >= 1


def test_panel_slider_defaults_are_the_chapter_s():
    panel = figures.backstop_panel(COLOSSUS_2)
    values = panel.values()
    assert values["coverage"] == DEFAULT_COVERAGE and values["ltv"] == pytest.approx(COLOSSUS_2.debt_share)
