"""Chapter 1's figures: drawn from the model, accessible, kernel-free grids that hold the model's
numbers at every control position, a generic money-flow chart, and the live panel."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import gpu_finance
from gpu_finance import (
    COLOSSUS_2,
    PRE_MONEY_VALUATION_USD,
    accounting_history,
    consolidation_decision,
    fact,
    founder_dilution,
    lease_payment,
    money_flows,
    sale_leaseback_test,
    sponsor_balance_sheets,
    spv_cash_flows,
    usd,
    vendor_loop,
)
from gpu_finance.viz import render
from gpu_finance.viz import spv as figures



pytestmark = pytest.mark.usefixtures("book_renderer")  # tests/conftest.py


def _datasets(chart) -> list[pd.DataFrame]:
    spec = chart.to_dict()
    return [pd.DataFrame(rows) for rows in spec.get("datasets", {}).values()]


def _dataset_with(chart, *columns) -> pd.DataFrame:
    matches = [d for d in _datasets(chart) if set(columns) <= set(d.columns)]
    assert matches, f"no dataset with {columns}"
    return matches[0]


def _params(chart) -> dict:
    spec = chart.to_dict()
    params = spec.get("params", [])
    for layer in spec.get("layer", []):
        params += layer.get("params", [])
    return {p["name"]: p for p in params}


ALL_FIGURES = [
    lambda: figures.cash_flow_chart(COLOSSUS_2),
    lambda: figures.cash_flow_explorer(COLOSSUS_2),
    lambda: figures.balance_sheet_chart(sponsor_balance_sheets(COLOSSUS_2)),
    lambda: figures.balance_sheet_explorer(COLOSSUS_2),
    lambda: figures.lease_liability_explorer(COLOSSUS_2),
    lambda: figures.accounting_history_chart(accounting_history()),
    lambda: figures.consolidation_explorer(COLOSSUS_2.equity_share),
    lambda: figures.dilution_chart(COLOSSUS_2),
    lambda: figures.dilution_explorer(COLOSSUS_2),
    lambda: figures.vendor_loop_chart(COLOSSUS_2),
    lambda: figures.vendor_loop_explorer(COLOSSUS_2),
    lambda: figures.money_flow_chart(COLOSSUS_2),
    lambda: figures.money_flow_explorer(COLOSSUS_2),
]


@pytest.mark.parametrize("make", ALL_FIGURES)
def test_every_figure_has_a_title_a_description_and_passes_the_renderer(make):
    spec = make().to_dict()
    assert spec.get("title") and spec.get("description")
    html = render.render_spec(spec)["text/html"]
    assert 'class="sbs-chart"' in html
    assert "NaN" not in json.dumps(spec)  # no NaN reaches a chart
    width = spec.get("width") or max(layer.get("width", 0) for layer in spec.get("layer", [{}]))
    assert width <= 460


def _axis_titles(spec) -> list[str]:
    """The titles of every x and y encoding in a spec, its layers and concatenations."""
    if isinstance(spec, list):
        return [title for item in spec for title in _axis_titles(item)]
    if not isinstance(spec, dict):
        return []
    titles = [spec["encoding"][axis].get("title") for axis in ("x", "y") if axis in spec.get("encoding", {})]
    return [t for t in titles if isinstance(t, str)] + [t for value in spec.values() for t in _axis_titles(value)]


@pytest.mark.parametrize("make, unit", [(make, "USD billions") for make in ALL_FIGURES[:5] + ALL_FIGURES[9:11]]
                         + [(make, "(%)") for make in ALL_FIGURES[7:9]])
def test_axes_say_their_unit(make, unit):
    # An axis title, not just any text of the spec (a slider's label says "(%)" too).
    titles = _axis_titles(make().to_dict())
    assert any(unit in title for title in titles), titles


def test_cash_flow_explorer_holds_the_model_at_every_position():
    chart = figures.cash_flow_explorer(COLOSSUS_2)
    bars = _dataset_with(chart, "series", "amount_bn", "k", "rv")
    assert sorted(bars["k"].unique()) == pytest.approx([0.10, 0.14, 0.18, 0.22, 0.26, 0.30])
    assert sorted(bars["rv"].unique()) == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
    for k, rv in [(0.22, 0.0), (0.10, 0.5), (0.30, 0.3)]:
        flows = spv_cash_flows(COLOSSUS_2, k, rv)
        chosen = bars[np.isclose(bars["k"], k) & np.isclose(bars["rv"], rv)]
        per_year = chosen.groupby("year")["amount_bn"].sum()
        expected = (flows["lease_income_usd"] + flows["residual_value_usd"]).iloc[1:].to_numpy() / 1e9
        np.testing.assert_allclose(per_year.to_numpy(), expected, rtol=1e-4)
    notes = _dataset_with(chart, "note", "k", "rv")
    assert (notes["note"].str.contains("equity IRR")).all()
    default = notes[np.isclose(notes["k"], 0.22) & np.isclose(notes["rv"], 0.0)]["note"].item()
    assert "equity IRR 22%" in default and "DSCR 1.80" in default
    assert set(_params(chart)) >= {"k", "rv"}


def test_balance_sheet_explorer_balances_at_every_position():
    chart = figures.balance_sheet_explorer(COLOSSUS_2)
    bars = _dataset_with(chart, "view_label", "side", "amount_bn", "yr", "lt")
    sums = bars.groupby(["yr", "lt", "view_label", "side"])["amount_bn"].sum().unstack("side")
    np.testing.assert_allclose(sums["Assets"], sums["Liabilities and equity"], rtol=1e-4)
    sheets = sponsor_balance_sheets(COLOSSUS_2)
    liability = sheets.query("view == 'lease' and year == 0")["lease_liability_usd"].item() / 1e9
    shown = bars.query("yr == 0 and lt == 'operating' and item == 'Lease liability'")["amount_bn"].item()
    assert shown == pytest.approx(liability, rel=1e-4)


def test_lease_liability_explorer_matches_the_schedule():
    chart = figures.lease_liability_explorer(COLOSSUS_2)
    data = _dataset_with(chart, "residual_pct", "liability_bn", "lterm", "ibr")
    base = data.query("lterm == 5 and residual_pct == 0")
    base = base[np.isclose(base["ibr"], 0.125)]
    table = sponsor_balance_sheets(COLOSSUS_2)
    expected = table.query("view == 'lease' and year == 0")["lease_liability_usd"].item() / 1e9
    assert base["liability_bn"].item() == pytest.approx(expected, rel=1e-4)
    # a larger residual kept by the vehicle always means a smaller liability
    for _, group in data.groupby(["lterm", "ibr"]):
        assert group.sort_values("residual_pct")["liability_bn"].is_monotonic_decreasing


def test_consolidation_explorer_gives_one_verdict_per_combination_and_it_is_the_models():
    chart = figures.consolidation_explorer(COLOSSUS_2.equity_share)
    data = _dataset_with(chart, "text", "verdict", "rule", "oe", "es", "ehp", "sp", "sl")
    keys = ["rule", "oe", "es", "ehp", "sp", "sl"]
    verdicts = data[data["verdict"] != ""]
    assert len(verdicts) == len(data[keys].drop_duplicates()) == 3 * 3 * 2 * 2 * 2 * 3
    for row in verdicts.sample(20, random_state=1).itertuples():
        decision = consolidation_decision(rule=row.rule, outside_equity_share=row.oe, equity_sufficient=bool(row.es),
                                          equity_holders_have_power=bool(row.ehp), sponsor_has_power=bool(row.sp),
                                          sponsor_loss_share=row.sl)
        assert (row.verdict == "yes") is decision.consolidate


def test_dilution_and_vendor_explorers_match_the_model():
    dilution = _dataset_with(figures.dilution_explorer(COLOSSUS_2), "given_pct", "pmv")
    at_default = dilution[np.isclose(dilution["pmv"], PRE_MONEY_VALUATION_USD)]
    parent = at_default[at_default["route"] == "parent raises the equity"]["given_pct"].item()
    expected = founder_dilution(COLOSSUS_2, PRE_MONEY_VALUATION_USD)["new_investors_share"].iloc[0] * 100
    assert parent == pytest.approx(expected, rel=1e-4)
    loop = _dataset_with(figures.vendor_loop_explorer(COLOSSUS_2), "item", "amount_bn", "gm", "ve")
    row = loop[np.isclose(loop["gm"], 0.7) & np.isclose(loop["ve"], 2e9)]
    expected = vendor_loop(COLOSSUS_2, 0.7).table().set_index("item")["amount_usd"] / 1e9
    np.testing.assert_allclose(row.set_index("item").loc[expected.index, "amount_bn"], expected, rtol=1e-4)


# ------------------------------------------------------------------ the generic money-flow chart
def test_flow_chart_widths_follow_the_amounts_and_every_edge_is_drawn():
    chart = figures.money_flow_chart(COLOSSUS_2, when="at signing")
    edges = _dataset_with(chart, "from_party", "to_party", "amount_bn", "x", "y", "x2", "y2", "angle")
    flows = money_flows(COLOSSUS_2)
    flows = flows[flows["when"] == "at signing"]
    assert len(edges) == len(flows)
    np.testing.assert_allclose(sorted(edges["amount_bn"]), sorted(flows["amount_usd"] / 1e9), rtol=1e-3)
    spec = json.dumps(chart.to_dict())
    assert '"strokeWidth"' in spec and '"angle"' in spec


def test_flow_chart_draws_any_table_with_a_new_party():
    flows = pd.DataFrame({
        "from_party": ["taxpayers", "spv", "lenders"],
        "to_party": ["lenders", "lenders", "spv"],
        "amount_usd": [1e9, 3e9, 10e9],
        "what": ["guarantee pays out", "debt service", "loan"],
        "when": ["if the SPV fails", "during the lease", "at signing"],
    })
    chart = figures.flow_chart(flows, title="A guarantee joins the picture", description="Three flows.")
    edges = _dataset_with(chart, "from_party", "label", "anchor")
    assert set(edges["from_party"]) == {"taxpayers", "spv", "lenders"}
    render.render_spec(chart.to_dict())
    custom = figures.flow_chart(flows.assign(to_party="gpus"), title="t", description="d",
                                layout={**figures.FLOW_LAYOUT, "gpus": (0.1, 0.9)}, labels={"gpus": "GPUs"})
    names = _dataset_with(custom, "party", "name")
    assert "GPUs" in set(names["name"])


@pytest.mark.parametrize("flows, message", [
    (pd.DataFrame({"from_party": ["nobody"], "to_party": ["spv"], "amount_usd": [1.0], "what": ["x"]}),
     r"layout has no position for the parties \['nobody'\]"),
    (pd.DataFrame({"from_party": ["spv"], "to_party": ["lenders"], "amount_usd": [-1.0], "what": ["x"]}),
     "negative or missing amount_usd"),
    (pd.DataFrame({"from": ["spv"]}), "flows must be a DataFrame with the columns"),
])
def test_flow_chart_rejects_bad_tables(flows, message):
    with pytest.raises(ValueError, match=message):
        figures.flow_chart(flows, title="t", description="d")


def test_money_flow_explorer_balances_the_vehicle_at_every_position():
    chart = figures.money_flow_explorer(COLOSSUS_2)
    edges = _dataset_with(chart, "from_party", "to_party", "amount_bn", "when", "ds")
    for (when, ds), part in edges.groupby(["when", "ds"]):
        into = part.loc[part["to_party"] == "spv", "amount_bn"].sum()
        out = part.loc[part["from_party"] == "spv", "amount_bn"].sum()
        assert into == pytest.approx(out, rel=2e-3), (when, ds)
    assert _params(chart)["when"]["value"] == "the whole deal"


def test_money_flow_chart_rejects_an_unknown_moment():
    with pytest.raises(ValueError, match=r"when='tomorrow' is not one of"):
        figures.money_flow_chart(COLOSSUS_2, when="tomorrow")


def test_balance_sheet_chart_rejects_a_year_outside_the_lease():
    with pytest.raises(ValueError, match=r"year=9 is not in the sheets"):
        figures.balance_sheet_chart(sponsor_balance_sheets(COLOSSUS_2), 9)


# ------------------------------------------------------------------ tables and the live panel
def test_views_table_writes_money_and_ratios():
    shown = figures.views_table(sponsor_balance_sheets(COLOSSUS_2)).data.set_index("")
    assert shown.loc["Lease liability", "(b) Leases them (ASC 842)"] == "$20.9B"
    assert shown.loc["Debt to equity", "(d) Consolidates the SPV"] == "0.64"
    # (e): the vehicle's whole $20B price is owed back to it; 25 / 20 of debt to equity
    assert shown.loc["Financing liability (failed sale)", "(e) Failed sale-leaseback (ASC 842-40)"] == "$20B"
    assert shown.loc["Debt to equity", "(e) Failed sale-leaseback (ASC 842-40)"] == "1.25"


def test_balance_sheet_chart_draws_all_five_views_and_they_balance():
    chart = figures.balance_sheet_chart(sponsor_balance_sheets(COLOSSUS_2))
    bars = _dataset_with(chart, "view_label", "side", "amount_bn")
    assert bars["view_label"].nunique() == 5
    sums = bars.groupby(["view_label", "side"])["amount_bn"].sum().unstack("side")
    np.testing.assert_allclose(sums["Assets"], sums["Liabilities and equity"], rtol=1e-4)
    failed = bars[bars["view_label"] == "(e) Failed sale"].set_index("item")["amount_bn"]
    assert failed["Financing liability (failed sale)"] == pytest.approx(20.0)
    assert failed["GPUs"] == pytest.approx(20.0)
    spec = chart.to_dict()
    assert "five balance sheets" in json.dumps(spec["title"]) and "(e) Failed sale-leaseback" in spec["description"]


def test_filings_table_sets_the_filed_debt_beside_the_five_views():
    filed = fact("spacex.valor_related_party_debt_usd")
    shown = figures.filings_table(sponsor_balance_sheets(COLOSSUS_2),
                                  [("SpaceX 10-Q, 30 June 2026", filed)]).data.set_index("Books")
    assert len(shown) == 6
    failed = shown.loc["Model: (e) Failed sale-leaseback (ASC 842-40)"]
    assert failed["Amount"] == usd(COLOSSUS_2.total_cost_usd) and failed["Counted as debt"] == "Yes"
    assert shown.loc["Model: (c) Compute contract", "Counted as debt"] == "No"
    assert shown.loc["Model: (a) Buys the GPUs itself", "Amount"] == usd(COLOSSUS_2.debt_usd)
    row = shown.loc["Filed: SpaceX 10-Q, 30 June 2026"]
    assert row["Amount"] == usd(filed) == "$13.3B"
    # the filing's treatment is view (e)'s: the GPUs in property, plant and equipment, the lease as debt
    assert row["The GPUs on the balance sheet"] == failed["The GPUs on the balance sheet"]
    with pytest.raises(ValueError, match=r"filed=-1 is outside"):
        figures.filings_table(sponsor_balance_sheets(COLOSSUS_2), [("bad", -1)])
    with pytest.raises(ValueError, match="sheets must be a DataFrame"):
        figures.filings_table(pd.DataFrame(), [])


def test_sale_leaseback_table_gives_the_verdict():
    styled = figures.sale_leaseback_table(sale_leaseback_test(COLOSSUS_2))
    assert styled.caption.startswith("Verdict: not a sale")
    assert list(styled.data["Rules out a sale"]) == ["yes", "no"]
    short = COLOSSUS_2.replace(lease_term_years=3, debt_term_years=3)
    assert figures.sale_leaseback_table(sale_leaseback_test(short, residual_value_fraction=0.4)).caption.startswith(
        "Verdict: a sale")


def _title(item) -> str:
    title = item.to_dict()["title"]
    text = title["text"] if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else text


def test_live_panel_recomputes_when_a_control_moves():
    panel = figures.spv_panel(COLOSSUS_2)
    assert panel.message == ""
    assert list(panel.sections) == ["Cash flows", "The sponsor's books", "Dilution and the vendor", "Money flows"]
    assert _title(panel.shown[0]) == "The lease of $5.87B a year pays the lenders first"
    panel.sliders["target_equity_return"].value = 30.0
    expected = usd(lease_payment(COLOSSUS_2, 0.30), 2)
    assert _title(panel.shown[0]) == f"The lease of {expected} a year pays the lenders first"
    panel.sliders["view"].value = "lease:finance"
    panel.select("The sponsor's books")
    assert "in headlines" in _title(panel.shown[1]) and "Finance lease" in _title(panel.shown[1])
    panel.sliders["pre_money_bn"].value = 10
    panel.select("Dilution and the vendor")
    assert "42.86%" in _title(panel.shown[0])  # 7.5 / 17.5 of the sponsor


def test_live_panel_computes_only_the_tab_in_view():
    panel = figures.spv_panel(COLOSSUS_2)
    panel.select("Money flows")
    before = panel.rendered()
    panel.sliders["debt_share"].value = 50.0  # recomputes the money flows, in view
    assert panel.rendered() != before
    assert panel._stale == {"Cash flows", "The sponsor's books", "Dilution and the vendor"}
    panel.select("Cash flows")  # opening a stale tab computes it with the current values
    assert "Cash flows" not in panel._stale and _title(panel.shown[0]).startswith("The lease of")


@pytest.mark.parametrize("corner", ["min", "max"])
def test_every_corner_of_the_live_panel_is_a_valid_deal(corner):
    panel = figures.spv_panel(COLOSSUS_2)
    for name, widget in panel.sliders.items():
        if hasattr(widget, corner):
            widget.value = getattr(widget, corner)
            assert panel.message == "", (name, panel.message)
            for title in panel.sections:  # every tab draws at every corner
                panel.select(title)
                assert panel.message == "" and panel.shown, (name, title, panel.message)


def test_balance_sheet_explorer_starts_at_the_classified_lease_type():
    # The reported terms are a finance lease (term 5/6 of the life, PV over 90% of the cost) ...
    assert _params(figures.balance_sheet_explorer(COLOSSUS_2))["lt"]["value"] == "finance"
    # ... a three-year lease with a 40% residual kept by the vehicle is an operating one.
    short = COLOSSUS_2.replace(lease_term_years=3, debt_term_years=3)
    chart = figures.balance_sheet_explorer(short, residual_value_fraction=0.4)
    assert _params(chart)["lt"]["value"] == "operating"


def test_views_table_says_how_view_b_is_accounted_for():
    assert figures.views_table(sponsor_balance_sheets(COLOSSUS_2)).caption == "View (b) is accounted for as a finance lease"
    operating = sponsor_balance_sheets(COLOSSUS_2, lease_type="operating")
    assert figures.views_table(operating).caption == "View (b) is accounted for as an operating lease"


def test_live_panel_starts_at_the_classified_lease_type():
    panel = figures.spv_panel(COLOSSUS_2)
    assert panel.sliders["view"].value == "lease:finance"


def test_live_panel_shows_the_failed_sale_leaseback_view():
    panel = figures.spv_panel(COLOSSUS_2)
    panel.sliders["view"].value = "failed_sale"
    panel.select("The sponsor's books")
    assert panel.message == ""
    title = _title(panel.shown[1])
    assert "Failed sale-leaseback" in title and f"{usd(25e9)} in headlines" in title


#: The model functions the chapter's panel calls, and the two solves inside them.
_SOLVES = ["lease_payment", "debt_schedule", "spv_cash_flows", "sponsor_balance_sheets", "money_flows",
           "founder_dilution", "vendor_loop", "lease_classification", "lease_liability_schedule"]


@pytest.mark.parametrize("tab, solve", [
    ("Cash flows", lambda model, deal: model.spv_cash_flows(deal)),
    ("The sponsor's books", lambda model, deal: model.sponsor_balance_sheets(deal, lease_type="finance")),
    ("Dilution and the vendor", lambda model, deal: (model.founder_dilution(deal), model.vendor_loop(deal))),
    ("Money flows", lambda model, deal: model.money_flows(deal)),
])
def test_live_panel_solves_the_model_once_per_update(monkeypatch, tab, solve, count_model_calls):
    panel = figures.spv_panel(COLOSSUS_2)
    panel.select(tab)
    counts = count_model_calls(_SOLVES)
    count_model_calls.clear_caches()  # the model memoises some solves: count them all, here and below
    solve(gpu_finance, COLOSSUS_2)  # what one solve of the tab's model costs, in calls of each model function
    once = dict(counts)
    for moves, value in enumerate([50.0, 55.0]):
        count_model_calls.clear_caches()
        counts.clear()
        panel.sliders["debt_share"].value = value
        assert panel.message == "" and panel.shown
        # every figure of the tab drew from that one solve: not one more lease payment or debt schedule
        assert dict(counts) == once, (moves, tab)
