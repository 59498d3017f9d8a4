"""Figures and the live panel of chapter 1, "The SPV".

Every function here draws what :mod:`gpu_finance.spv` and :mod:`gpu_finance.accounting` compute;
none holds any finance of its own. Functions ending in ``_explorer`` are the website's kernel-free
versions: the model is evaluated ahead of time over every position of their controls.

:func:`flow_chart` is generic: it draws any table of money flows (columns ``from_party``,
``to_party``, ``amount_usd``, ``what``) as boxes for the parties and arrows whose width is
proportional to the amount, so later chapters can extend the deal's picture with new parties and
flows. Altair has no Sankey diagram; this one is layered from rules, points, rectangles and text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from ..accounting import (
    CONSOLIDATION_RULES,
    SPE_OUTSIDE_EQUITY_MINIMUM,
    INCREMENTAL_BORROWING_RATE,
    LEASE_TYPES,
    VIEWS,
    compare_views,
    consolidation_decision,
    lease_classification,
    lease_liability_schedule,
    sponsor_balance_sheets,
)
from .._validation import check_number
from ..deal import Deal
from ..formatting import percent, styled, table, usd
from ..spv import (
    FLOW_PERIODS,
    PRE_MONEY_VALUATION_USD,
    RESIDUAL_VALUE_FRACTION,
    TARGET_EQUITY_RETURN,
    VENDOR_GROSS_MARGIN,
    equity_irr,
    founder_dilution,
    lease_payment,
    money_flows,
    spv_cash_flows,
    vendor_loop,
)
from .controls import Control, Dropdown, LivePanel, Slider, bind, grid, live_panel, selected, significant, snap
from .theme import OKABE_ITO, PARTY_COLORS

__all__ = [
    "FLOW_LAYOUT",
    "NODE_LABELS",
    "NODE_COLORS",
    "cash_flow_table",
    "cash_flow_chart",
    "cash_flow_explorer",
    "balance_sheet_chart",
    "balance_sheet_explorer",
    "lease_liability_explorer",
    "accounting_history_chart",
    "consolidation_table",
    "consolidation_explorer",
    "dilution_chart",
    "dilution_explorer",
    "vendor_loop_chart",
    "vendor_loop_explorer",
    "flow_chart",
    "money_flow_chart",
    "money_flow_explorer",
    "views_table",
    "filings_table",
    "sale_leaseback_table",
    "classification_table",
    "circular_deals_table",
    "history_table",
    "deal_comparison_table",
    "dilution_table",
    "flows_table",
    "spv_panel",
]

# ------------------------------------------------------------------------------------ helpers
_BN = 1e9




def _usd_large(amount: float) -> str:
    """Like :func:`~gpu_finance.usd`, with trillions written as ``$9.7T``."""
    if abs(amount) >= 1e12:
        return f"${amount / 1e12:.2f}".rstrip("0").rstrip(".") + "T"
    return str(usd(amount))




def _below(chart_height: int, offset: int = 38) -> alt.YValue:
    return alt.YValue(chart_height + offset)


# ------------------------------------------------------------------------------------ 1. cash flows
_CASH_SERIES = {
    "interest_usd": "Interest",
    "principal_usd": "Principal",
    "balloon_usd": "Balloon, from the residual",
    "cash_to_equity_usd": "Cash to equity",
}
_CASH_COLORS = [OKABE_ITO["vermillion"], OKABE_ITO["orange"], OKABE_ITO["yellow"], PARTY_COLORS["spv_equity"]]


def _cash_rows(deal: Deal, target_equity_return: float, residual_value_fraction: float) -> dict[str, pd.DataFrame]:
    flows = spv_cash_flows(deal, target_equity_return, residual_value_fraction)
    years = flows[flows["year"] >= 1]
    bars = years.melt(id_vars="year", value_vars=list(_CASH_SERIES), var_name="series", value_name="amount_usd")
    bars = bars[bars["amount_usd"].abs() > 1e-9 * deal.total_cost_usd].copy()
    bars["order"] = bars["series"].map(list(_CASH_SERIES).index)
    bars["series"] = bars["series"].map(_CASH_SERIES)
    bars["amount_bn"] = significant(bars["amount_usd"] / _BN, 5)
    bars = bars.drop(columns="amount_usd")
    debt = pd.DataFrame({"year": flows["year"], "debt_bn": significant(flows["debt_outstanding_usd"] / _BN, 5)})
    tops = (years["lease_income_usd"] + years["residual_value_usd"]) / _BN
    dscr = years["dscr"].map(lambda d: "" if not math.isfinite(d) else f"{d:.2f}")
    labels = pd.DataFrame({"year": years["year"], "top_bn": significant(tops, 5), "dscr": dscr})
    payment = lease_payment(deal, target_equity_return, residual_value_fraction)
    try:
        irr = percent(equity_irr(flows))
    except ValueError:
        irr = "undefined"
    service = years["debt_service_usd"].iloc[0]
    first = f"{years['dscr'].iloc[0]:.2f}" if service > 0 else "no debt"
    note = pd.DataFrame({"note": [
        f"Lease {usd(payment, 2)} a year; first-year DSCR {first}; equity IRR {irr}"
    ]})
    return {"bars": bars, "debt": debt, "labels": labels, "note": note}


def _cash_layers(data: dict[str, pd.DataFrame], controls: Sequence[Control], height: int) -> alt.LayerChart:
    pick = selected(controls) if controls else "true"
    bars = alt.Chart(data["bars"]).mark_bar().encode(
        x=alt.X("year:O", title="Year of the lease"),
        y=alt.Y("sum(amount_bn):Q", title="Cash paid, debt owed (USD billions)"),
        color=alt.Color("series:N", title="Paid as",
                        scale=alt.Scale(domain=list(_CASH_SERIES.values()), range=_CASH_COLORS),
                        legend=alt.Legend(orient="bottom", columns=2)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("series:N", title="Paid as"),
                 alt.Tooltip("amount_bn:Q", title="USD billions", format=".2f")],
    ).transform_filter(pick)
    debt = alt.Chart(data["debt"]).mark_line(point=alt.OverlayMarkDef(color=OKABE_ITO["black"]),
                                             color=OKABE_ITO["black"], strokeDash=[4, 3]).encode(
        x=alt.X("year:O"),
        y=alt.Y("debt_bn:Q"),
        tooltip=[alt.Tooltip("year:O", title="End of year"),
                 alt.Tooltip("debt_bn:Q", title="Debt outstanding, USD billions", format=".2f")],
    ).transform_filter(pick)
    debt_label = alt.Chart(data["debt"]).mark_text(align="left", dx=6, dy=-8, fontSize=11).encode(
        x=alt.X("year:O"), y=alt.Y("debt_bn:Q"), text=alt.TextValue("debt outstanding"),
    ).transform_filter(pick).transform_filter("datum.year == 0")
    dscr = alt.Chart(data["labels"]).mark_text(dy=-7, fontSize=10).encode(
        x=alt.X("year:O"), y=alt.Y("top_bn:Q"), text=alt.Text("dscr:N"),
    ).transform_filter(pick)
    note = alt.Chart(data["note"]).mark_text(align="left", baseline="top", fontSize=12).encode(
        x=alt.XValue(0), y=_below(height, 100), text=alt.Text("note:N"),
    ).transform_filter(pick)
    layers = alt.layer(bars, debt, debt_label, dscr, note)
    return bind(layers, controls) if controls else layers


def cash_flow_chart(
    deal: Deal,
    target_equity_return: float = TARGET_EQUITY_RETURN,
    residual_value_fraction: float = RESIDUAL_VALUE_FRACTION,
) -> alt.LayerChart:
    """Stacked bars of where each year's lease money goes, the debt outstanding and the DSCR."""
    data = _cash_rows(deal, target_equity_return, residual_value_fraction)
    payment = lease_payment(deal, target_equity_return, residual_value_fraction)
    height = 230
    return _cash_layers(data, [], height).properties(
        title=alt.TitleParams(
            f"The lease of {usd(payment, 2)} a year pays the lenders first",
            subtitle="Numbers above the bars: the debt-service coverage ratio (DSCR)",
        ),
        width=420, height=height,
        description=(
            f"Stacked bars for each of the {deal.lease_term_years} lease years of {deal.name}: the lease "
            f"payment of {usd(payment, 2)} split into interest, principal and cash to the equity, with the "
            f"debt outstanding falling from {usd(deal.debt_usd)} as a dashed line and the DSCR above each bar."
        ),
    )


def cash_flow_explorer(deal: Deal) -> alt.LayerChart:
    """Kernel-free cash-flow chart: sliders set the equity's target return and the residual value."""
    target = Slider("k", "Target equity return (%)", 0.10, 0.30, 0.04,
                    snap(TARGET_EQUITY_RETURN, 0.10, 0.30, 0.04), scale=100)
    residual = Slider("rv", "Residual value at lease end (% of cost)", 0.0, 0.5, 0.1,
                      snap(RESIDUAL_VALUE_FRACTION, 0.0, 0.5, 0.1), scale=100)
    controls = [target, residual]
    pieces: dict[str, list[pd.DataFrame]] = {"bars": [], "debt": [], "labels": [], "note": []}
    for k in target.values():
        for rv in residual.values():
            for name, frame in _cash_rows(deal, k, rv).items():
                pieces[name].append(frame.assign(k=k, rv=rv))
    data = {name: pd.concat(frames, ignore_index=True) for name, frames in pieces.items()}
    height = 230
    return _cash_layers(data, controls, height).properties(
        title=alt.TitleParams(
            "Whatever the equity asks for, the lenders are paid first",
            subtitle="Numbers above the bars: DSCR. The line below the chart gives the equity's IRR",
        ),
        width=420, height=height,
        description=(
            "Interactive stacked bars of the SPV's yearly cash: interest, principal, any balloon repaid "
            "from the residual value and cash to the equity, with the debt outstanding as a dashed line. "
            "Sliders set the equity's target return (10% to 30%) and the GPUs' residual value at the end of "
            "the lease (0% to 50% of cost); a line of text gives the lease payment, the first-year DSCR and "
            "the equity's internal rate of return, which always equals the target."
        ),
    )


def cash_flow_table(flows: pd.DataFrame):
    """The main columns of :func:`~gpu_finance.spv_cash_flows`, styled: money in billions, DSCR to two decimals.

    Columns that are zero in every year (a balloon, a residual value) are left out.
    """
    columns = ["year", "lease_income_usd", "residual_value_usd", "interest_usd", "principal_usd", "balloon_usd",
               "cash_to_equity_usd", "debt_outstanding_usd", "dscr"]
    shown = [c for c in columns if c in ("year", "dscr") or flows[c].abs().sum() > 0]
    return table(flows[shown], formats={"dscr": lambda d: "" if d != d else f"{d:.2f}"}, labels={"dscr": "DSCR"})


# ------------------------------------------------------------------------------------ 2. the books
_SHORT_VIEWS = {"own": "(a) Owns", "lease": "(b) Leases", "service": "(c) Contract", "consolidate": "(d) Consolidates",
                "failed_sale": "(e) Failed sale"}
_ITEMS = {  # column -> (side, label, colour)
    "cash_and_other_assets_usd": ("Assets", "Cash and other assets", "#d4d4d4"),
    "gpus_usd": ("Assets", "GPUs", OKABE_ITO["grey"]),
    "right_of_use_asset_usd": ("Assets", "Right-of-use asset", OKABE_ITO["reddish_purple"]),
    "borrowings_usd": ("Liabilities and equity", "Borrowings", PARTY_COLORS["lenders"]),
    "lease_liability_usd": ("Liabilities and equity", "Lease liability", OKABE_ITO["vermillion"]),
    "financing_liability_usd": ("Liabilities and equity", "Financing liability (failed sale)", OKABE_ITO["black"]),
    "shareholders_equity_usd": ("Liabilities and equity", "Shareholders' equity", PARTY_COLORS["sponsor"]),
    "noncontrolling_interest_usd": ("Liabilities and equity", "Non-controlling interest",
                                    PARTY_COLORS["spv_equity"]),
}


def _sheet_rows(sheets: pd.DataFrame, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = sheets[sheets["year"] == year]
    long = rows.melt(id_vars="view", value_vars=list(_ITEMS), var_name="column", value_name="amount_usd")
    long = long[long["amount_usd"].abs() > 1.0].copy()
    long["side"] = long["column"].map(lambda c: _ITEMS[c][0])
    long["item"] = long["column"].map(lambda c: _ITEMS[c][1])
    long["order"] = long["column"].map(list(_ITEMS).index)
    long["view_label"] = long["view"].map(_SHORT_VIEWS)
    long["amount_bn"] = significant(long["amount_usd"] / _BN, 5)
    long = long.drop(columns=["column", "amount_usd", "view"])
    by_view = rows.set_index("view")
    note = pd.DataFrame({"note": [
        "Debt in headlines: " + " · ".join(
            f"{_SHORT_VIEWS[v][:3]} {usd(by_view.loc[v, 'headline_debt_usd'])}" for v in VIEWS),
        "Adjusted debt: " + " · ".join(
            f"{_SHORT_VIEWS[v][:3]} {usd(by_view.loc[v, 'adjusted_debt_usd'])}" for v in VIEWS),
    ]})
    return long, note


def _sheet_layers(bars: pd.DataFrame, note: pd.DataFrame, controls: Sequence[Control], height: int):
    pick = selected(controls) if controls else "true"
    chart = alt.Chart(bars).mark_bar().encode(
        x=alt.X("view_label:N", title=None, sort=list(_SHORT_VIEWS.values()),
                axis=alt.Axis(labelFontSize=12)),
        xOffset=alt.XOffset("side:N", sort=["Assets", "Liabilities and equity"]),
        y=alt.Y("sum(amount_bn):Q", title="USD billions"),
        color=alt.Color("item:N", title=None, sort=[v[1] for v in _ITEMS.values()],
                        scale=alt.Scale(domain=[v[1] for v in _ITEMS.values()],
                                        range=[v[2] for v in _ITEMS.values()]),
                        legend=alt.Legend(orient="bottom", columns=2)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("view_label:N", title="View"), alt.Tooltip("side:N", title="Side"),
                 alt.Tooltip("item:N", title="Item"),
                 alt.Tooltip("amount_bn:Q", title="USD billions", format=".2f")],
    ).transform_filter(pick)
    text = alt.Chart(note).mark_text(align="left", baseline="top", fontSize=12, lineBreak="\n").encode(
        x=alt.XValue(0), y=_below(height, 96), text=alt.Text("note:N"),
    ).transform_filter(pick)
    layers = alt.layer(chart, text)
    return bind(layers, controls) if controls else layers


def balance_sheet_chart(sheets: pd.DataFrame, year: int = 0) -> alt.LayerChart:
    """The five views of the sponsor's balance sheet side by side, for one year."""
    rows = sheets[sheets["year"] == year]
    if rows.empty:
        raise ValueError(f"year={year!r} is not in the sheets (years {sorted(sheets['year'].unique())})")
    bars, note = _sheet_rows(sheets, year)
    note = pd.DataFrame({"note": ["\n".join(note["note"])]})
    by_view = rows.set_index("view")
    when = "at signing" if year == 0 else f"at the end of year {year}"
    height = 230
    return _sheet_layers(bars, note, [], height).properties(
        title=alt.TitleParams(
            ["Same GPUs, five balance sheets:",
             f"liabilities from {usd(by_view['total_liabilities_usd'].min())} "
             f"to {usd(by_view['total_liabilities_usd'].max())}"],
            subtitle=f"The sponsor's books {when}, in each accounting view",
        ),
        width=420, height=height,
        description=(
            f"Grouped stacked bars of the sponsor's balance sheet {when} in five views: "
            + "; ".join(
                f"{VIEWS[v]}: assets {usd(by_view.loc[v, 'total_assets_usd'])}, liabilities "
                f"{usd(by_view.loc[v, 'total_liabilities_usd'])}, equity {usd(by_view.loc[v, 'total_equity_usd'])}"
                for v in VIEWS)
            + ". In each view the assets bar equals the liabilities-and-equity bar."
        ),
    )


def balance_sheet_explorer(
    deal: Deal,
    target_equity_return: float = TARGET_EQUITY_RETURN,
    residual_value_fraction: float = RESIDUAL_VALUE_FRACTION,
    incremental_borrowing_rate: float = INCREMENTAL_BORROWING_RATE,
) -> alt.LayerChart:
    """Kernel-free five-view balance sheet: a slider picks the year, a menu the lease type.

    The menu starts at the lease type :func:`~gpu_finance.lease_classification` gives the deal's
    terms, so the first picture agrees with the classification; the other type is one click away.
    """
    year = Slider("yr", "Year of the lease (0 = signing)", 0, deal.lease_term_years, 1, 0)
    classified = lease_classification(deal, target_equity_return, residual_value_fraction,
                                      incremental_borrowing_rate).attrs["lease_type"]
    kind = Dropdown("lt", "Lease type in view (b)", (("Operating lease", "operating"), ("Finance lease", "finance")),
                    classified)
    controls = [year, kind]
    sheets = {lt: sponsor_balance_sheets(deal, target_equity_return, residual_value_fraction,
                                         incremental_borrowing_rate, lt) for lt in LEASE_TYPES}
    bars, notes = [], []
    for lt, frame in sheets.items():
        for yr in year.values():
            b, n = _sheet_rows(frame, int(yr))
            bars.append(b.assign(yr=int(yr), lt=lt))
            notes.append(pd.DataFrame({"note": ["\n".join(n["note"])], "yr": [int(yr)], "lt": [lt]}))
    height = 230
    signing = sheets[classified][sheets[classified]["year"] == 0].set_index("view")
    return _sheet_layers(pd.concat(bars, ignore_index=True), pd.concat(notes, ignore_index=True),
                         controls, height).properties(
        title=alt.TitleParams(
            ["Leasing under ASC 842 brings a liability back;", "a compute contract does not"],
            subtitle="The sponsor's books in five views; left bar assets, right bar claims",
        ),
        width=420, height=height,
        description=(
            "Interactive grouped stacked bars of the sponsor's balance sheet in five views: (a) it owns the "
            "GPUs, (b) it leases them under ASC 842, (c) it signs a compute contract, (d) it consolidates the "
            "SPV, (e) a failed sale-leaseback under ASC 842-40, where the GPUs stay on its books and the "
            "vehicle's whole price is a financing liability. A slider picks the year of the lease and a menu "
            "whether view (b) is an operating or a "
            f"finance lease; it starts at the {classified} lease that ASC 842's tests give these terms. "
            "At signing the lease liability is "
            f"{usd(signing.loc['lease', 'lease_liability_usd'])}, against {usd(deal.debt_usd)} of debt in the "
            "vehicle; two lines of text give the debt headlines would report and the adjusted debt in each view."
        ),
    )


def lease_liability_explorer(deal: Deal, target_equity_return: float = TARGET_EQUITY_RETURN) -> alt.LayerChart:
    """Kernel-free: the ASC 842 liability at signing against the residual value, for a lease term
    and incremental borrowing rate the reader sets, next to the vehicle's debt."""
    term = Slider("lterm", "Lease term (years)", 2, 8, 1, min(max(deal.lease_term_years, 2), 8))
    rate = Slider("ibr", "Incremental borrowing rate (%)", 0.05, 0.20, 0.025,
                  snap(INCREMENTAL_BORROWING_RATE, 0.05, 0.20, 0.025), scale=100)
    residuals = np.round(np.arange(0.0, 0.81, 0.1), 10)

    def model(lterm, ibr):
        changed = deal.replace(lease_term_years=int(lterm), debt_term_years=int(lterm))
        rows = []
        for rv in residuals:
            first = lease_liability_schedule(changed, target_equity_return, rv, ibr)["liability_usd"].iloc[0]
            rows.append((rv * 100, first / _BN))
        frame = pd.DataFrame(rows, columns=["residual_pct", "liability_bn"])
        frame["liability_bn"] = significant(frame["liability_bn"], 5)
        return frame

    controls = [term, rate]
    data = grid(model, controls)
    pick = selected(controls)
    line = alt.Chart(data).mark_line(color=OKABE_ITO["vermillion"],
                                     point=alt.OverlayMarkDef(color=OKABE_ITO["vermillion"])).encode(
        x=alt.X("residual_pct:Q", title="Residual value the vehicle keeps (% of the GPUs' cost)"),
        y=alt.Y("liability_bn:Q", title="Lease liability at signing (USD billions)",
                scale=alt.Scale(domain=[0, float(data["liability_bn"].max()) * 1.05])),
        tooltip=[alt.Tooltip("residual_pct:Q", title="Residual (% of cost)"),
                 alt.Tooltip("liability_bn:Q", title="Lease liability, USD billions", format=".2f")],
    ).transform_filter(pick)
    reference = pd.DataFrame({"debt_bn": [deal.debt_usd / _BN],
                              "label": [f"The vehicle's debt: {usd(deal.debt_usd)}"]})
    rule = alt.Chart(reference).mark_rule(color=PARTY_COLORS["lenders"], strokeDash=[5, 4], size=2).encode(
        y=alt.Y("debt_bn:Q"))
    rule_label = alt.Chart(reference).mark_text(align="left", baseline="top", dy=5, fontSize=11,
                                                color=PARTY_COLORS["lenders"]).encode(
        x=alt.XValue(5), y=alt.Y("debt_bn:Q"), text=alt.Text("label:N"))
    base = lease_liability_schedule(deal, target_equity_return, RESIDUAL_VALUE_FRACTION)["liability_usd"].iloc[0]
    return bind(alt.layer(line, rule, rule_label), controls).properties(
        title=alt.TitleParams(
            [f"A lease that repays the whole cost brings back {usd(base)},",
             f"more than the {usd(deal.debt_usd)} of debt in the vehicle"],
            subtitle="The sponsor's ASC 842 lease liability at signing",
        ),
        width=420, height=230,
        description=(
            "Interactive line chart of the sponsor's lease liability at signing (the present value of the lease "
            "payments at its incremental borrowing rate) against the share of the GPUs' cost the vehicle expects "
            "to recover at the end of the lease, from 0% to 80%. Sliders set the lease term (2 to 8 years) and the "
            f"incremental borrowing rate (5% to 20%). A dashed line marks the vehicle's {usd(deal.debt_usd)} of debt; "
            f"at the base case the liability is {usd(base)}."
        ),
    )


# ------------------------------------------------------------------------------------ 3. consolidation
def accounting_history_chart(history: pd.DataFrame) -> alt.LayerChart:
    """A timeline of the rules on off-balance-sheet vehicles and leases (from the data), earliest first."""
    shown = history.copy().reset_index(drop=True)
    shown["order"] = np.arange(len(shown))
    stamp = pd.to_datetime(shown["date"], format="mixed")
    shown["when"] = [d.strftime("%b %Y") if len(raw) > 4 else raw for d, raw in zip(stamp, shown["date"])]
    shown["label"] = shown["when"] + "  " + shown["rule"]
    shown["amount"] = shown["amount_usd"].map(lambda a: "" if a != a else f"{_usd_large(a)}: ") + shown["amount_is"].fillna("")
    base = alt.Chart(shown).encode(y=alt.Y("order:O", axis=None))
    spine = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=OKABE_ITO["grey"], aria=False).encode(x=alt.XValue(0))
    points = base.mark_point(filled=True, size=80, color=OKABE_ITO["blue"], opacity=1).encode(
        x=alt.XValue(0),
        tooltip=[alt.Tooltip("when:N", title="Date"), alt.Tooltip("event:N", title="Event"),
                 alt.Tooltip("what_changed:N", title="What changed"), alt.Tooltip("source:N", title="Source")])
    label = base.mark_text(align="left", dx=12, dy=-7, fontSize=12, fontWeight="bold").encode(
        x=alt.XValue(0), text=alt.Text("label:N"))
    amount = base.mark_text(align="left", dx=12, dy=8, fontSize=11, color="#444").encode(
        x=alt.XValue(0), text=alt.Text("amount:N"))
    return alt.layer(spine, points, label, amount).properties(
        title=alt.TitleParams(
            ["Each rule closed a route off the balance sheet", "that companies had been using"],
            subtitle="From Enron's special purpose entities to ASC 842-40 (hover for details and sources)",
        ),
        width=420, height=40 * len(shown),
        description="Timeline of accounting events: " + "; ".join(
            f"{w}: {e} ({r})" for w, e, r in zip(shown["when"], shown["event"], shown["rule"])) + ".",
    )


def consolidation_table(decision) -> object:
    """The steps of a :class:`~gpu_finance.ConsolidationDecision` as a styled table, verdict last."""
    frame = decision.table()
    frame.loc[len(frame)] = [len(frame) + 1, "Verdict", decision.verdict]
    return table(frame)


_YES_NO = (("Yes", 1), ("No", 0))


def consolidation_explorer(outside_equity_share: float) -> alt.LayerChart:
    """Kernel-free decision tool: menus for the rule and the facts, the steps and verdict as text."""
    rule = Dropdown("rule", "Rule", tuple((label, key) for key, label in CONSOLIDATION_RULES.items()), "asc_810")
    equity = Dropdown("oe", "Outside equity at risk", (("1% of assets", 0.01),
                                                       (f"{percent(SPE_OUTSIDE_EQUITY_MINIMUM)} of assets",
                                                        SPE_OUTSIDE_EQUITY_MINIMUM),
                                                       (f"{percent(outside_equity_share)} (this vehicle)",
                                                        round(outside_equity_share, 6))),
                      round(outside_equity_share, 6))
    enough = Dropdown("es", "Is that equity enough to fund the vehicle?", _YES_NO, 1)
    holders = Dropdown("ehp", "Do its equity holders direct it?", _YES_NO, 0)
    power = Dropdown("sp", "Does the sponsor direct what matters?", _YES_NO, 1)
    losses = Dropdown("sl", "Sponsor's share of losses or returns", (("5%", 0.05), ("30%", 0.3), ("60%", 0.6)), 0.3)
    controls = [rule, equity, enough, holders, power, losses]

    def model(rule, oe, es, ehp, sp, sl):
        decision = consolidation_decision(rule=rule, outside_equity_share=oe, equity_sufficient=bool(es),
                                          equity_holders_have_power=bool(ehp), sponsor_has_power=bool(sp),
                                          sponsor_loss_share=sl)
        lines = [f"{n}. {q}\n    {a}." for n, (q, a) in enumerate(decision.steps, start=1)]
        lines.append("Verdict: consolidate. The vehicle's debt is on the sponsor's books." if decision.consolidate
                     else "Verdict: do not consolidate. The vehicle's debt stays off them.")
        return pd.DataFrame({"line": np.arange(len(lines)), "text": lines,
                             "verdict": [""] * (len(lines) - 1) + ["yes" if decision.consolidate else "no"]})

    data = grid(model, controls)
    pick = selected(controls)
    base = alt.Chart(data).encode(x=alt.XValue(0), y=alt.Y("line:O", axis=None), text=alt.Text("text:N"))
    steps = base.mark_text(align="left", baseline="middle", fontSize=12, lineBreak="\n").transform_filter(
        pick).transform_filter("datum.verdict == ''")
    verdict = base.mark_text(align="left", baseline="middle", fontSize=13, fontWeight="bold").encode(
        color=alt.Color("verdict:N", legend=None,
                        scale=alt.Scale(domain=["yes", "no"], range=[OKABE_ITO["vermillion"], OKABE_ITO["blue"]])),
    ).transform_filter(pick).transform_filter("datum.verdict != ''")
    return bind(alt.layer(steps, verdict), controls).properties(
        title=alt.TitleParams(
            "One vehicle, three eras of rules: on or off the books?",
            subtitle="The consolidation test: pick the rule and the facts",
        ),
        width=440, height=190,
        description=(
            "Interactive decision tool for consolidating a special purpose vehicle. Menus set the rule (before "
            "2003, FIN 46(R), or ASC 810 after FAS 167), the outside equity at risk, whether that equity is "
            "enough, whether the equity holders direct the vehicle, whether the sponsor directs what matters "
            "and the sponsor's share of losses or returns. Lines of text give each question, its answer and "
            "the verdict."
        ),
    )


# ------------------------------------------------------------------------------------ 4. dilution
def _dilution_rows(deal: Deal, pre_money_valuation_usd: float) -> pd.DataFrame:
    frame = founder_dilution(deal, pre_money_valuation_usd)
    frame["given_pct"] = significant(frame["new_investors_share"] * 100, 5)
    frame["label"] = ("gives away " + frame["new_investors_share"].map(lambda s: percent(s, 2))
                      + "; owners keep " + frame["stake_after"].map(lambda s: percent(s, 2)))
    return frame[["route", "given_pct", "label"]]


def _dilution_layers(data: pd.DataFrame, controls: Sequence[Control]):
    pick = selected(controls) if controls else "true"
    base = alt.Chart(data).encode(
        y=alt.Y("route:N", title=None, sort=["parent raises the equity", "through the SPV"]),
        x=alt.X("given_pct:Q", title="Share of the company given to new investors (%)",
                scale=alt.Scale(domain=[0, max(25.0, float(data["given_pct"].max()))])),
    )
    bars = base.mark_bar(color=PARTY_COLORS["sponsor"]).encode(
        tooltip=[alt.Tooltip("route:N", title="Route"), alt.Tooltip("label:N", title="Result")],
    ).transform_filter(pick)
    text = base.mark_text(align="left", dx=4).encode(text=alt.Text("label:N")).transform_filter(pick)
    layers = alt.layer(bars, text)
    return bind(layers, controls) if controls else layers


def dilution_chart(deal: Deal, pre_money_valuation_usd: float = PRE_MONEY_VALUATION_USD) -> alt.LayerChart:
    """Bars of the share of the sponsor given to new investors if it raised the equity itself, or none."""
    frame = founder_dilution(deal, pre_money_valuation_usd)
    given = frame.loc[0, "new_investors_share"]
    return _dilution_layers(_dilution_rows(deal, pre_money_valuation_usd), []).properties(
        title=alt.TitleParams(
            f"Raising {usd(deal.equity_usd)} itself would give away {percent(given, 2)} of the sponsor",
            subtitle=f"At a pre-money valuation of {usd(pre_money_valuation_usd)}; through the SPV, nothing",
        ),
        width=300, height=90,
        description=(
            f"Two bars: if the sponsor raised {usd(deal.equity_usd)} itself at a pre-money valuation of "
            f"{usd(pre_money_valuation_usd)}, new investors would own {percent(given, 2)} of it and its existing "
            "owners the rest; through the SPV they give away nothing."
        ),
    )


def dilution_explorer(deal: Deal) -> alt.LayerChart:
    """Kernel-free dilution bars: a slider sets the pre-money valuation."""
    valuation = Slider("pmv", "Pre-money valuation (USD billions)", 25e9, 500e9, 25e9,
                       snap(PRE_MONEY_VALUATION_USD, 25e9, 500e9, 25e9), scale=1e-9)
    data = grid(lambda pmv: _dilution_rows(deal, pmv), [valuation])
    return _dilution_layers(data, [valuation]).properties(
        title=alt.TitleParams(
            "Raising the equity itself costs the owners a slice",
            subtitle=f"Share of the sponsor new investors would get for {usd(deal.equity_usd)}; the SPV route gives none",
        ),
        width=300, height=90,
        description=(
            "Interactive bars of the share of the sponsor that new investors would own if it raised the SPV's "
            f"{usd(deal.equity_usd)} of equity itself. A slider sets the pre-money valuation from $25B to $500B; "
            "the text by each bar gives the share given away and the share the existing owners keep. Through "
            "the SPV, nothing is given away."
        ),
    )


# ------------------------------------------------------------------------------------ 5. vendor loop
_LOOP_COLORS = [PARTY_COLORS["vendor"], OKABE_ITO["grey"], OKABE_ITO["blue"], OKABE_ITO["reddish_purple"]]


def _loop_rows(deal: Deal, gross_margin: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    loop = vendor_loop(deal, gross_margin)
    frame = loop.table()
    frame["order"] = np.arange(len(frame))
    frame["amount_bn"] = significant(frame["amount_usd"] / _BN, 5)
    frame["label"] = frame["amount_usd"].map(usd)
    note = pd.DataFrame({"note": [
        f"The vendor funds {percent(loop.vendor_funded_share)} of its own sale. Losing its whole stake\n"
        f"costs it less than its profit at any margin above {percent(loop.breakeven_gross_margin)}."
    ]})
    return frame.drop(columns="amount_usd"), note


def _loop_layers(data: pd.DataFrame, note: pd.DataFrame, controls: Sequence[Control], height: int):
    pick = selected(controls) if controls else "true"
    items = list(dict.fromkeys(data["item"]))
    base = alt.Chart(data).encode(
        y=alt.Y("item:N", title=None, sort=items, axis=alt.Axis(labelLimit=240)),
        x=alt.X("amount_bn:Q", title="USD billions"),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("item:N", legend=None, scale=alt.Scale(domain=items, range=_LOOP_COLORS)),
        tooltip=[alt.Tooltip("item:N", title="Item"), alt.Tooltip("label:N", title="Amount")],
    ).transform_filter(pick)
    text = base.mark_text(align="left", dx=4).encode(text=alt.Text("label:N")).transform_filter(pick)
    line = alt.Chart(note).mark_text(align="left", baseline="top", fontSize=12, lineBreak="\n", dx=-190).encode(
        x=alt.XValue(0), y=_below(height, 40), text=alt.Text("note:N")).transform_filter(pick)
    layers = alt.layer(bars, text, line)
    return bind(layers, controls) if controls else layers


def vendor_loop_chart(deal: Deal, gross_margin: float = VENDOR_GROSS_MARGIN) -> alt.LayerChart:
    """Bars of the vendor's loop: equity in, chip revenue, gross profit, profit if its stake is lost."""
    data, note = _loop_rows(deal, gross_margin)
    loop = vendor_loop(deal, gross_margin)
    height = 130
    return _loop_layers(data, note, [], height).properties(
        title=alt.TitleParams(
            f"The vendor puts in {usd(loop.vendor_equity_usd)} and sells {usd(loop.chip_revenue_usd)} of chips",
            subtitle=f"At a gross margin of {percent(gross_margin)}",
        ),
        width=240, height=height,
        description=(
            f"Bars of the chip vendor's side of {deal.name}: equity put in {usd(loop.vendor_equity_usd)}, chip "
            f"revenue {usd(loop.chip_revenue_usd)}, gross profit {usd(loop.gross_profit_usd)} at a "
            f"{percent(gross_margin)} margin, and {usd(loop.profit_if_spv_fails_usd)} of profit left if its stake "
            "is lost."
        ),
    )


def vendor_loop_explorer(deal: Deal) -> alt.LayerChart:
    """Kernel-free vendor loop: sliders set the vendor's gross margin and its stake in the vehicle."""
    margin = Slider("gm", "Vendor's gross margin (%)", 0.0, 0.9, 0.1,
                    snap(VENDOR_GROSS_MARGIN, 0.0, 0.9, 0.1), scale=100)
    most = math.floor(min(4e9, deal.equity_usd) / 1e9) * 1e9
    stake = Slider("ve", "Vendor's equity in the SPV (USD billions)", 0.0, most, 1e9,
                   snap(deal.vendor_equity_usd, 0.0, most, 1e9), scale=1e-9)
    controls = [margin, stake]
    bars, notes = [], []
    for gm in margin.values():
        for ve in stake.values():
            b, n = _loop_rows(deal.replace(vendor_equity_usd=float(ve)), gm)
            bars.append(b.assign(gm=gm, ve=ve))
            notes.append(n.assign(gm=gm, ve=ve))
    height = 130
    return _loop_layers(pd.concat(bars, ignore_index=True), pd.concat(notes, ignore_index=True),
                        controls, height).properties(
        title=alt.TitleParams(
            "The vendor's money comes straight back as chip revenue",
            subtitle=f"{deal.name}: the chip vendor's side of the deal",
        ),
        width=240, height=height,
        description=(
            "Interactive bars of the chip vendor's side of the deal: the equity it puts into the SPV, the chip "
            "revenue it gets from the SPV, its gross profit on those chips and the profit left if its stake is "
            "lost. Sliders set its gross margin (0% to 85%) and its equity in the SPV; a line of text gives the "
            "share of its own sale it funds and the margin at which it breaks even on a lost stake."
        ),
    )


# ------------------------------------------------------------------------------------ 6. money flows
#: Where each party sits in a money-flow diagram, in [0, 1] x [0, 1] (x to the right, y up). Later
#: chapters may add parties (``taxpayers`` is placed already) or pass their own layout.
FLOW_LAYOUT: dict[str, tuple[float, float]] = {
    "sponsor": (0.1, 0.5),
    "spv": (0.5, 0.5),
    "lenders": (0.5, 0.91),
    "spv_equity": (0.9, 0.5),
    "vendor": (0.5, 0.09),
    "taxpayers": (0.1, 0.09),
}

#: Short labels for the boxes of a money-flow diagram.
NODE_LABELS: dict[str, str] = {
    "sponsor": "Sponsor\n(AI company)",
    "spv": "The SPV",
    "lenders": "Lenders",
    "spv_equity": "Outside\nequity",
    "vendor": "Chip vendor",
    "taxpayers": "Taxpayers",
}

#: Box colours: the party colours, and grey for the vehicle.
NODE_COLORS: dict[str, str] = {**PARTY_COLORS, "spv": OKABE_ITO["grey"]}

_BOX_HALF_WIDTH, _BOX_HALF_HEIGHT = 0.1, 0.08


def _edge_geometry(from_xy, to_xy, width: int, height: int, offset_px: float) -> dict[str, object]:
    """Start, end, arrow and label positions of an edge, offset to the left of its direction.

    The label sits beside the middle of the edge, on the same side as the offset, anchored so that
    it grows away from the edge (``anchor`` is ``left``, ``right``, ``above`` or ``below``).
    """
    (x1, y1), (x2, y2) = from_xy, to_xy
    px1, py1, px2, py2 = x1 * width, (1 - y1) * height, x2 * width, (1 - y2) * height
    dx, dy = px2 - px1, py2 - py1
    length = math.hypot(dx, dy) or 1.0
    nx, ny = dy / length, -dx / length  # left-hand normal in screen coordinates (y down)
    ox, oy = nx * offset_px, ny * offset_px

    def to_data(px, py):
        return px / width, 1 - py / height

    sx, sy = to_data(px1 + ox, py1 + oy)
    ex, ey = to_data(px2 + ox, py2 + oy)
    ax, ay = to_data(px1 + ox + 0.7 * dx, py1 + oy + 0.7 * dy)
    gap = offset_px + 12
    lx, ly = to_data(px1 + nx * gap + 0.5 * dx, py1 + ny * gap + 0.5 * dy)
    if abs(nx) >= abs(ny):
        anchor = "left" if nx > 0 else "right"
    else:
        anchor = "below" if ny > 0 else "above"
    return {"x": sx, "y": sy, "x2": ex, "y2": ey, "arrow_x": ax, "arrow_y": ay,
            "label_x": lx, "label_y": ly, "angle": math.degrees(math.atan2(dy, dx)), "anchor": anchor}


def _flow_edges(flows: pd.DataFrame, keys: Sequence[str], layout: Mapping[str, tuple[float, float]],
                width: int, height: int) -> pd.DataFrame:
    """Sum the flows between each pair of parties (per control setting) and lay the edges out."""
    missing = sorted((set(flows["from_party"]) | set(flows["to_party"])) - set(layout))
    if missing:
        raise ValueError(f"layout has no position for the parties {missing}")
    grouped = (flows.groupby(["from_party", "to_party", *keys], sort=False)
               .agg(amount_usd=("amount_usd", "sum"), what=("what", lambda w: " + ".join(dict.fromkeys(w))))
               .reset_index())
    geometry = pd.DataFrame([
        _edge_geometry(layout[a], layout[b], width, height, 9.0)
        for a, b in zip(grouped["from_party"], grouped["to_party"])
    ])
    edges = pd.concat([grouped, geometry], axis=1)
    edges["amount_bn"] = significant(edges["amount_usd"] / _BN, 4)
    edges["label"] = edges["amount_usd"].map(usd) + "\n" + edges["what"].str.replace(" + ", " +\n", regex=False)
    # Vega places the first line of a label at its anchor and the rest below: lift labels that sit
    # above an edge by their extra lines.
    extra_lines = edges["label"].str.count("\n")
    edges.loc[edges["anchor"] == "above", "label_y"] += extra_lines * 13.0 / height
    for column in ("x", "y", "x2", "y2", "arrow_x", "arrow_y", "label_x", "label_y", "angle"):
        edges[column] = edges[column].round(4)
    return edges.drop(columns="amount_usd")


def flow_chart(
    flows: pd.DataFrame,
    *,
    title: str | alt.TitleParams,
    description: str,
    layout: Mapping[str, tuple[float, float]] | None = None,
    labels: Mapping[str, str] | None = None,
    colors: Mapping[str, str] | None = None,
    controls: Sequence[Control] = (),
    width: int = 440,
    height: int = 340,
) -> alt.LayerChart:
    """Draw any table of money flows: a box per party, an arrow per payer and payee, width ∝ amount.

    Parameters
    ----------
    flows : pandas.DataFrame
        Columns ``from_party``, ``to_party``, ``amount_usd`` (positive) and ``what``; for a
        kernel-free chart, also one column per control. Rows with the same payer, payee (and
        control values) are summed into one arrow. :func:`gpu_finance.money_flows` makes such a table.
    title, description : str
        The chart's finding and its text for screen readers.
    layout : mapping, optional
        Party key -> ``(x, y)`` in ``[0, 1]``; default :data:`FLOW_LAYOUT`.
    labels, colors : mapping, optional
        Party key -> box label / colour; defaults :data:`NODE_LABELS`, :data:`NODE_COLORS` (grey for
        parties not listed).
    controls : sequence of Slider or Dropdown
        Controls whose columns select the rows to draw (kernel-free); none for a static chart.
    width, height : int
        Size in pixels.
    """
    required = {"from_party", "to_party", "amount_usd", "what"}
    if not isinstance(flows, pd.DataFrame) or not required <= set(flows.columns):
        raise ValueError(f"flows must be a DataFrame with the columns {sorted(required)}")
    if (flows["amount_usd"] < 0).any() or flows["amount_usd"].isna().any():
        raise ValueError("flows has negative or missing amount_usd; a payment runs from payer to payee")
    layout = dict(FLOW_LAYOUT if layout is None else layout)
    names = {**NODE_LABELS, **(labels or {})}
    palette = {**NODE_COLORS, **(colors or {})}
    keys = [c.name for c in controls]
    edges = _flow_edges(flows, keys, layout, width, height)
    parties = list(dict.fromkeys([*flows["from_party"], *flows["to_party"]]))
    nodes = pd.DataFrame({
        "party": parties,
        "x": [layout[p][0] - _BOX_HALF_WIDTH for p in parties],
        "x2": [layout[p][0] + _BOX_HALF_WIDTH for p in parties],
        "y": [layout[p][1] - _BOX_HALF_HEIGHT for p in parties],
        "y2": [layout[p][1] + _BOX_HALF_HEIGHT for p in parties],
        "cx": [layout[p][0] for p in parties],
        "cy": [layout[p][1] for p in parties],
        "name": [names.get(p, p) for p in parties],
    })
    color = alt.Color("from_party:N", legend=None,
                      scale=alt.Scale(domain=parties, range=[palette.get(p, OKABE_ITO["grey"]) for p in parties]))
    unit = alt.Scale(domain=[0, 1], nice=False, zero=False)
    x = lambda field: alt.X(f"{field}:Q", scale=unit, axis=None)  # noqa: E731
    y = lambda field: alt.Y(f"{field}:Q", scale=unit, axis=None)  # noqa: E731
    def pick(chart):  # a kernel-free chart draws the rows its controls select; a static one all of them
        return chart.transform_filter(selected(controls)) if controls else chart

    widest = float(edges["amount_bn"].max()) if len(edges) else 1.0
    lines = pick(alt.Chart(edges).mark_rule(opacity=0.75, strokeCap="butt").encode(
        x=x("x"), y=y("y"), x2=alt.X2("x2:Q"), y2=alt.Y2("y2:Q"), color=color,
        strokeWidth=alt.StrokeWidth("amount_bn:Q", legend=None,
                                    scale=alt.Scale(domain=[0, widest], range=[1, 16])),
        tooltip=[alt.Tooltip("from_party:N", title="From"), alt.Tooltip("to_party:N", title="To"),
                 alt.Tooltip("label:N", title="What")],
    ))
    arrows = pick(alt.Chart(edges).mark_point(shape="triangle-right", filled=True, size=120, opacity=1).encode(
        x=x("arrow_x"), y=y("arrow_y"), angle=alt.Angle("angle:Q", scale=None),
        color=alt.ColorValue(OKABE_ITO["black"]),
    ))
    placements = {"left": dict(align="left", baseline="middle"), "right": dict(align="right", baseline="middle"),
                  "above": dict(align="center", baseline="bottom"), "below": dict(align="center", baseline="top")}
    texts = [
        pick(alt.Chart(edges).mark_text(fontSize=11, lineBreak="\n", **placement).encode(
            x=x("label_x"), y=y("label_y"), text=alt.Text("label:N"),
        )).transform_filter(f"datum.anchor == '{anchor}'")
        for anchor, placement in placements.items()
    ]
    boxes = alt.Chart(nodes).mark_rect(cornerRadius=4, stroke="white").encode(
        x=x("x"), x2=alt.X2("x2:Q"), y=y("y"), y2=alt.Y2("y2:Q"),
        color=alt.Color("party:N", legend=None,
                        scale=alt.Scale(domain=parties, range=[palette.get(p, OKABE_ITO["grey"]) for p in parties])),
    )
    names_layer = alt.Chart(nodes).mark_text(fontSize=11, fontWeight="bold", color="white", lineBreak="\n").encode(
        x=x("cx"), y=y("cy"), text=alt.Text("name:N"))
    # One constructor call: each chained method (resolve_scale, properties) would copy all nine layers.
    layered = alt.LayerChart(
        layer=[lines, arrows, *texts, boxes, names_layer],
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")),
        title=title, description=description, width=width, height=height,
    )
    return bind(layered, controls) if controls else layered


def _flow_table(deal: Deal, target_equity_return: float, residual_value_fraction: float) -> pd.DataFrame:
    flows = money_flows(deal, target_equity_return, residual_value_fraction)
    whole = flows.assign(when="the whole deal")
    return pd.concat([flows, whole], ignore_index=True)


def money_flow_chart(
    deal: Deal,
    target_equity_return: float = TARGET_EQUITY_RETURN,
    residual_value_fraction: float = RESIDUAL_VALUE_FRACTION,
    when: str = "the whole deal",
) -> alt.LayerChart:
    """The deal's money flows (:func:`~gpu_finance.money_flows`) drawn by :func:`flow_chart`."""
    periods = (*FLOW_PERIODS, "the whole deal")
    if when not in periods:
        raise ValueError(f"when={when!r} is not one of {', '.join(repr(p) for p in periods)}")
    flows = _flow_table(deal, target_equity_return, residual_value_fraction)
    flows = flows[flows["when"] == when]
    to_vendor = flows.loc[flows["to_party"] == "vendor", "amount_usd"].sum()
    from_vendor = flows.loc[flows["from_party"] == "vendor", "amount_usd"].sum()
    return flow_chart(
        flows,
        title=alt.TitleParams(
            f"The vendor puts in {usd(from_vendor)} and is paid {usd(to_vendor)}",
            subtitle=f"Who pays whom, {when}; arrow width is proportional to the amount",
        ),
        description=(
            f"Money-flow diagram of {deal.name}, {when}: "
            + "; ".join(f"{a} pays {b} {usd(v)} ({w})" for a, b, v, w in
                        zip(flows["from_party"], flows["to_party"], flows["amount_usd"], flows["what"]))
            + "."
        ),
    )


def money_flow_explorer(
    deal: Deal,
    target_equity_return: float = TARGET_EQUITY_RETURN,
    residual_value_fraction: float = RESIDUAL_VALUE_FRACTION,
) -> alt.LayerChart:
    """Kernel-free money-flow diagram: a menu picks the moment, a slider the debt share."""
    share = Slider("ds", "Debt share of the cost (%)", 0.0, 0.875, 0.125,
                   snap(deal.debt_share, 0.0, 0.875, 0.125), scale=100)
    present = money_flows(deal, target_equity_return, residual_value_fraction)["when"].unique()
    options = [(p.capitalize(), p) for p in FLOW_PERIODS if p in present] + [("The whole deal", "the whole deal")]
    moment = Dropdown("when", "When", tuple(options), "the whole deal")
    data = grid(lambda ds: _flow_table(deal.with_debt_share(ds), target_equity_return, residual_value_fraction),
                [share])
    controls = [moment, share]
    return flow_chart(
        data,
        controls=controls,
        title=alt.TitleParams(
            "The vendor's equity comes back to it as the price of its chips",
            subtitle="Who pays whom; arrow width is proportional to the amount",
        ),
        description=(
            "Interactive money-flow diagram: boxes for the sponsor, the SPV, its lenders, its outside equity "
            "investors and the chip vendor, arrows from payer to payee with widths proportional to the "
            "amount and labels giving it. A menu picks the moment (at signing, during the lease, or the whole "
            "deal) and a slider the share of the cost that is borrowed."
        ),
    )


# ------------------------------------------------------------------------------------ live panel
_PANEL_VIEWS = (
    ("(a) Buys the GPUs itself", "own"),
    ("(b) Operating lease (ASC 842)", "lease:operating"),
    ("(b) Finance lease (ASC 842)", "lease:finance"),
    ("(c) Compute contract", "service"),
    ("(d) Consolidates the SPV", "consolidate"),
    ("(e) Failed sale-leaseback (ASC 842-40)", "failed_sale"),
)


def _view_over_lease_chart(sheets: pd.DataFrame, view: str, label: str) -> alt.Chart:
    rows = sheets[sheets["view"] == view]
    long = rows.melt(id_vars="year", value_vars=["total_liabilities_usd", "headline_debt_usd", "adjusted_debt_usd"],
                     var_name="measure", value_name="amount_usd")
    names = {"total_liabilities_usd": "Total liabilities", "headline_debt_usd": "Debt in headlines",
             "adjusted_debt_usd": "Adjusted debt"}
    long["measure"] = long["measure"].map(names)
    long["amount_bn"] = long["amount_usd"] / _BN
    start = rows.set_index("year").loc[0]
    return alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("year:O", title="Year of the lease (0 = signing)"),
        y=alt.Y("amount_bn:Q", title="USD billions"),
        color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=list(names.values()),
                                        range=[OKABE_ITO["black"], PARTY_COLORS["lenders"], OKABE_ITO["vermillion"]])),
        strokeDash=alt.StrokeDash("measure:N", legend=None,
                                  scale=alt.Scale(domain=list(names.values()), range=[[1, 0], [6, 3], [2, 2]])),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("amount_bn:Q", title="USD billions", format=".2f")],
    ).properties(
        title=alt.TitleParams(
            [f"{label}:", f"adjusted debt {usd(start['adjusted_debt_usd'])} at signing, "
                          f"{usd(start['headline_debt_usd'])} in headlines"],
            subtitle="The sponsor's liabilities over the lease",
        ),
        width=400, height=200,
        description=(
            f"Lines over the lease of the sponsor's total liabilities, debt as headlines report it and adjusted "
            f"debt, in the view '{label}'. At signing: {usd(start['total_liabilities_usd'])}, "
            f"{usd(start['headline_debt_usd'])} and {usd(start['adjusted_debt_usd'])}."
        ),
    )


def spv_panel(deal: Deal) -> LivePanel:
    """Live panel for chapter 1: every assumption of the chapter, with its figures redrawn on change.

    Controls: debt share, interest rate, lease term (the loan runs as long), the equity's target
    return, the residual value, the incremental borrowing rate, the pre-money valuation, the
    vendor's stake and margin, and the accounting view. The debt share stops at 75% and the
    vendor's stake at a quarter of the cost, so every position is a valid deal.
    """
    most_vendor_bn = math.floor(deal.total_cost_usd * 0.25 / 1e9 / 0.25) * 0.25
    controls: list[Control] = [
        Slider("debt_share", "Debt share of the cost (%)", 0.0, 0.75, 0.025,
               snap(deal.debt_share, 0.0, 0.75, 0.025), scale=100),
        Slider("debt_rate", "Interest rate on the debt (%)", 0.0, 0.20, 0.005,
               snap(deal.debt_rate, 0.0, 0.20, 0.005), scale=100),
        Slider("lease_term_years", "Lease term, and loan term (years)", 1, 10, 1,
               min(max(deal.lease_term_years, 1), 10)),
        Slider("target_equity_return", "Target equity return (%)", 0.0, 0.40, 0.01,
               snap(TARGET_EQUITY_RETURN, 0.0, 0.40, 0.01), scale=100),
        Slider("residual_value_fraction", "Residual value at lease end (% of cost)", 0.0, 0.8, 0.05,
               snap(RESIDUAL_VALUE_FRACTION, 0.0, 0.8, 0.05), scale=100),
        Slider("incremental_borrowing_rate", "Incremental borrowing rate (%)", 0.0, 0.25, 0.005,
               snap(INCREMENTAL_BORROWING_RATE, 0.0, 0.25, 0.005), scale=100),
        Slider("pre_money_bn", "Pre-money valuation (USD billions)", 10, 1000, 10,
               snap(PRE_MONEY_VALUATION_USD / 1e9, 10, 1000, 10)),
        Slider("vendor_equity_bn", "Chip vendor's equity (USD billions)", 0.0, most_vendor_bn, 0.25,
               snap(deal.vendor_equity_usd / 1e9, 0.0, most_vendor_bn, 0.25)),
        Slider("gross_margin", "Vendor's gross margin (%)", 0.0, 0.95, 0.05,
               snap(VENDOR_GROSS_MARGIN, 0.0, 0.95, 0.05), scale=100),
        Dropdown("view", "Accounting view", _PANEL_VIEWS,
                 "lease:" + lease_classification(deal).attrs["lease_type"]),
    ]

    def update(debt_share, debt_rate, lease_term_years, target_equity_return, residual_value_fraction,
               incremental_borrowing_rate, pre_money_bn, vendor_equity_bn, gross_margin, view):
        debt = debt_share * deal.total_cost_usd
        changed = deal.replace(
            debt_usd=debt, equity_usd=deal.total_cost_usd - debt, vendor_equity_usd=vendor_equity_bn * 1e9,
            debt_rate=debt_rate, debt_term_years=lease_term_years, lease_term_years=lease_term_years,
            name=f"{deal.name}, edited",
        )
        view_key, _, kind = view.partition(":")
        label = dict((v, k) for k, v in _PANEL_VIEWS)[view]
        terms = (target_equity_return, residual_value_fraction)

        def cash_flows():
            return [cash_flow_chart(changed, *terms), cash_flow_table(spv_cash_flows(changed, *terms))]

        def books():
            # A view other than (b) leaves the lease type to ASC 842's tests (None).
            sheets = sponsor_balance_sheets(changed, *terms, incremental_borrowing_rate, kind or None)
            return [balance_sheet_chart(sheets, 0), _view_over_lease_chart(sheets, view_key, label),
                    views_table(sheets, 0)]

        # Four tabs, each computed only when in view (see gpu_finance.viz.controls.LivePanel).
        return {
            "Cash flows": cash_flows,
            "The sponsor's books": books,
            "Dilution and the vendor": lambda: [dilution_chart(changed, pre_money_bn * 1e9),
                                                vendor_loop_chart(changed, gross_margin)],
            "Money flows": lambda: [money_flow_chart(changed, *terms)],
        }

    return live_panel(controls, update, title="The SPV, live: change any assumption")


def views_table(sheets: pd.DataFrame, year: int = 0):
    """:func:`~gpu_finance.compare_views` written for readers: money as ``$25.9B``, ratios to two decimals."""
    frame = compare_views(sheets, year)
    ratios = {"Debt to equity", "Adjusted debt to equity"}
    shown = pd.DataFrame(index=frame.index, columns=frame.columns, dtype=object)
    for item, row in frame.iterrows():
        shown.loc[item] = [("n/a" if v != v else f"{v:.2f}") if item in ratios else str(usd(v)) for v in row]
    result = styled(shown.reset_index(names="")).hide(axis="index")
    kind = sheets.attrs.get("lease_type")
    if kind:
        result = result.set_caption(f"View (b) is accounted for as {'an' if kind == 'operating' else 'a'} "
                                    f"{kind} lease")
    return result


#: What each view puts on the sponsor's books, in words, for :func:`filings_table`.
_VIEW_BOOKS: dict[str, tuple[str, str]] = {  # view -> (the GPUs, the liability the deal adds)
    "own": ("Yes, as its own equipment", "The vehicle's debt, as its own borrowings"),
    "lease": ("As a right-of-use asset", "A lease liability"),
    "service": ("No", "None: a commitment in the notes"),
    "consolidate": ("Yes, in the consolidated group", "The vehicle's debt; its equity as a non-controlling interest"),
    "failed_sale": ("Yes, in property, plant and equipment", "A financing liability: the vehicle's whole price"),
}


def filings_table(sheets: pd.DataFrame, filed: Sequence[tuple[str, float]]):
    """The model's five views at signing beside what a company's filing shows.

    Parameters
    ----------
    sheets : pandas.DataFrame
        A table from :func:`~gpu_finance.sponsor_balance_sheets`.
    filed : sequence of (str, float)
        Rows from a filing: a label (the filing, the line and the date) and the amount it records as
        debt, in USD. Each is shown as GPUs in property, plant and equipment and the amount as debt,
        which is how a failed sale-leaseback is filed.

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per view, then one per filed row: where the GPUs are, what liability the deal adds,
        whether it counts as debt in the headlines, and the amount it adds to the sponsor's
        liabilities (the model at signing, or the filed figure).
    """
    if not isinstance(sheets, pd.DataFrame) or not {"view", "year", "financing_liability_usd"} <= set(sheets.columns):
        raise ValueError("sheets must be a DataFrame from sponsor_balance_sheets")
    signing = sheets[sheets["year"] == 0].set_index("view")
    own_debt = signing.loc["service", "total_liabilities_usd"]  # the sponsor's own borrowings
    rows = []
    for view, label in VIEWS.items():
        gpus, liability = _VIEW_BOOKS[view]
        if view == "lease":
            liability = f"A {sheets.attrs.get('lease_type', 'finance')} lease liability"
        added = signing.loc[view, "total_liabilities_usd"] - own_debt
        in_headlines = signing.loc[view, "headline_debt_usd"] - own_debt > 1.0
        rows.append((f"Model: {label}", gpus, liability, "Yes" if in_headlines else "No", str(usd(added))))
    for label, amount in filed:
        value = check_number("filed", amount, 0, math.inf)
        rows.append((f"Filed: {label}", "Yes, in property, plant and equipment", "Related-party debt", "Yes",
                     str(usd(value))))
    frame = pd.DataFrame(rows, columns=["Books", "The GPUs on the balance sheet", "The liability the deal adds",
                                        "Counted as debt", "Amount"])
    return styled(frame).hide(axis="index").set_caption(
        "The model's amounts are for the reported Colossus 2 plan at signing; the filed ones are the "
        "parent's debt on all its Valor transactions")


def _blank_or(formatter):
    return lambda value: "" if value != value else str(formatter(value))


def classification_table(tests: pd.DataFrame):
    """:func:`~gpu_finance.lease_classification`'s tests, styled, with the verdict in the caption."""
    shown = tests.assign(met=tests["met"].map({True: "yes", False: "no"}))
    styled = table(shown, formats={"measure": _blank_or(percent), "threshold": _blank_or(percent)})
    return styled.set_caption(f"Verdict: a {tests.attrs.get('lease_type', '?')} lease")


def sale_leaseback_table(test: pd.DataFrame):
    """:func:`~gpu_finance.sale_leaseback_test`'s conditions, styled, with the verdict in the caption."""
    shown = test.assign(precludes_sale=test["precludes_sale"].map({True: "yes", False: "no"}))
    verdict = ("a sale: the leaseback is accounted for as a lease" if test.attrs.get("is_sale")
               else "not a sale: a failed sale-leaseback, accounted for as a financing")
    return table(shown, labels={"precludes_sale": "Rules out a sale"}).set_caption(f"Verdict: {verdict}")


def circular_deals_table(deals: pd.DataFrame):
    """:func:`~gpu_finance.circular_deals` for reading: who funds whom, with what, and the source's confidence."""
    shown = pd.DataFrame({
        "date": deals["date"],
        "who": deals["funder"] + " → " + deals["customer"],
        "funder_gives": deals["funder_gives"],
        "amount_usd": deals["amount_usd"],
        "confidence": deals["confidence"],
    })
    return table(shown, formats={"amount_usd": _blank_or(usd)},
                 labels={"who": "Who funds whom", "funder_gives": "With what", "amount_usd": "Headline amount",
                         "confidence": "Conf."})


def history_table(history: pd.DataFrame):
    """:func:`~gpu_finance.accounting_history` for reading: date, rule, what changed, the figure, confidence."""
    columns = ["date", "rule", "what_changed", "amount_usd", "confidence"]
    return table(history[columns], formats={"amount_usd": _blank_or(_usd_large)},
                 labels={"amount_usd": "Figure", "confidence": "Conf."})


def deal_comparison_table(
    deals: Sequence[Deal],
    target_equity_return: float = TARGET_EQUITY_RETURN,
    residual_value_fraction: float = RESIDUAL_VALUE_FRACTION,
    incremental_borrowing_rate: float = INCREMENTAL_BORROWING_RATE,
):
    """Several deals side by side, through the chapter's model: size, lease, DSCR, the ASC 842 liability."""
    rows = []
    for deal in deals:
        flows = spv_cash_flows(deal, target_equity_return, residual_value_fraction)
        liability = lease_liability_schedule(deal, target_equity_return, residual_value_fraction,
                                             incremental_borrowing_rate)["liability_usd"].iloc[0]
        dscr = flows["dscr"].iloc[1]
        rows.append({
            "deal": deal.name,
            "total_cost_usd": deal.total_cost_usd,
            "debt_usd": deal.debt_usd,
            "vendor_equity_usd": deal.vendor_equity_usd,
            "lease_payment_usd": lease_payment(deal, target_equity_return, residual_value_fraction),
            "first_year_dscr": "" if dscr != dscr else f"{dscr:.2f}",
            "lease_liability_usd": liability,
            "lease_liability_to_debt": "" if deal.debt_usd == 0 else f"{liability / deal.debt_usd:.2f}",
        })
    frame = pd.DataFrame(rows)
    return table(frame, formats={c: usd for c in frame.columns if c.endswith("_usd")},
                 labels={"lease_payment_usd": "Lease a year", "first_year_dscr": "DSCR",
                         "lease_liability_usd": "ASC 842 liability",
                         "lease_liability_to_debt": "Liability / debt"})


def dilution_table(frame: pd.DataFrame):
    """:func:`~gpu_finance.founder_dilution`'s two routes, styled: stakes as percentages, money in billions."""
    shares = {c: (lambda v: percent(v, 2)) for c in ("new_investors_share", "stake_before", "stake_after", "dilution")}
    return table(frame, formats=shares)


def flows_table(flows: pd.DataFrame):
    """A money-flow table (:func:`~gpu_finance.money_flows`) with the parties named for readers."""
    names = {key: label.replace("\n", " ") for key, label in NODE_LABELS.items()}
    shown = flows.assign(from_party=flows["from_party"].map(lambda k: names.get(k, k)),
                         to_party=flows["to_party"].map(lambda k: names.get(k, k)))
    return table(shown, labels={"from_party": "From", "to_party": "To", "amount_usd": "Amount"})
