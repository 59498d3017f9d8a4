"""Figures and the live panel of chapter 1, "The SPV": the vehicle's cash flows, the dilution it
avoids, the chip vendor's loop and the deal's money flows.

Every function here draws what :mod:`gpu_finance.spv` computes; none holds any finance of its own.
Functions ending in ``_explorer`` are the website's kernel-free versions: the model is evaluated
ahead of time over every position of their controls. :func:`spv_panel` solves the model once per
change of a control and hands that result to every figure it shows.

The chapter's accounting figures live in :mod:`gpu_finance.viz.accounting` and the generic
money-flow diagram in :mod:`gpu_finance.viz.flows`; both are re-exported here, so
``from gpu_finance.viz import spv as figures`` reaches every figure of the chapter.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from .. import accounting as accounting_model
from .. import spv
from .._validation import FRACTION, MARGIN, RATE, TERM_YEARS, Range
from ..accounting import lease_classification, lease_liability_schedule, sponsor_balance_sheets
from ..deal import Deal
from ..formatting import percent, table, usd
from ..i18n import N_, gettext as _, is_chinese
from ..spv import FLOW_PERIODS, equity_irr, founder_dilution, money_flows, spv_cash_flows, vendor_loop
from ._common import BN, WIDTH, below, finish, money_divisor, money_factor, shown_name, spv_terms
from .accounting import (
    _blank_or,
    _view_over_lease_chart,
    accounting_history_chart,
    balance_sheet_chart,
    balance_sheet_explorer,
    classification_table,
    consolidation_explorer,
    consolidation_table,
    filings_table,
    history_table,
    lease_liability_explorer,
    sale_leaseback_table,
    views_table,
)
from .controls import Control, Dropdown, LivePanel, Slider, bind, grid, live_panel, selected, significant, snap
from .flows import FLOW_LAYOUT, NODE_COLORS, NODE_LABELS, flow_chart, flows_table
from .theme import INK, MIN_FONT_PX, OKABE_ITO, PARTY_COLORS

__all__ = [
    "FLOW_LAYOUT", "NODE_LABELS", "NODE_COLORS", "cash_flow_table", "cash_flow_chart", "cash_flow_explorer",
    "balance_sheet_chart", "balance_sheet_explorer", "lease_liability_explorer", "accounting_history_chart",
    "consolidation_table", "consolidation_explorer", "dilution_chart", "dilution_explorer", "vendor_loop_chart",
    "vendor_loop_explorer", "flow_chart", "money_flow_chart", "money_flow_explorer", "views_table",
    "filings_table", "sale_leaseback_table", "classification_table", "circular_deals_table", "history_table",
    "deal_comparison_table", "dilution_table", "flows_table", "spv_panel",
]


# ------------------------------------------------------------------------------------ cash flows
_CASH_SERIES = {
    "interest_usd": N_("Interest"),
    "principal_usd": N_("Principal"),
    "balloon_usd": N_("Balloon, from the residual"),
    "cash_to_equity_usd": N_("Cash to equity"),
}
_CASH_COLORS = [OKABE_ITO["vermillion"], OKABE_ITO["orange"], OKABE_ITO["yellow"], PARTY_COLORS["spv_equity"]]


def _lease(flows: pd.DataFrame) -> float:
    """The level lease payment, as :func:`~gpu_finance.spv_cash_flows` records it (each lease year's income)."""
    return float(flows.loc[flows["year"] == 1, "lease_income_usd"].iloc[0])


def _cash_rows(deal: Deal, flows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The chart's rows from a solved cash-flow table (:func:`~gpu_finance.spv_cash_flows` of ``deal``)."""
    years = flows[flows["year"] >= 1]
    bars = years.melt(id_vars="year", value_vars=list(_CASH_SERIES), var_name="series", value_name="amount_usd")
    bars = bars[bars["amount_usd"].abs() > 1e-9 * deal.total_cost_usd].copy()
    bars["order"] = bars["series"].map(list(_CASH_SERIES).index)
    bars["series"] = bars["series"].map(lambda key: _(_CASH_SERIES[key]))
    bars["amount_bn"] = significant(bars["amount_usd"] / money_divisor(), 5)
    bars = bars.drop(columns="amount_usd")
    debt = pd.DataFrame({"year": flows["year"],
                         "debt_bn": significant(flows["debt_outstanding_usd"] / money_divisor(), 5)})
    tops = (years["lease_income_usd"] + years["residual_value_usd"]) / money_divisor()
    dscr = years["dscr"].map(lambda d: "" if not math.isfinite(d) else f"{d:.2f}")
    labels = pd.DataFrame({"year": years["year"], "top_bn": significant(tops, 5), "dscr": dscr})
    payment = _lease(flows)
    try:
        irr = percent(equity_irr(flows))
    except ValueError:
        irr = _("undefined")
    service = years["debt_service_usd"].iloc[0]
    first = f"{years['dscr'].iloc[0]:.2f}" if service > 0 else _("no debt")
    note = pd.DataFrame({"note": [
        _("Lease {payment} a year; first-year DSCR {dscr}; equity IRR {irr}").format(
            payment=usd(payment, 2), dscr=first, irr=irr)
    ]})
    return {"bars": bars, "debt": debt, "labels": labels, "note": note}


def _cash_layers(data: dict[str, pd.DataFrame], controls: Sequence[Control], height: int) -> alt.LayerChart:
    pick = selected(controls) if controls else "true"
    bars = alt.Chart(data["bars"]).mark_bar().encode(
        x=alt.X("year:O", title=_("Year of the lease")),
        y=alt.Y("sum(amount_bn):Q", title=_("Cash paid, debt owed (USD billions)")),
        color=alt.Color("series:N", title=_("Paid as"),
                        scale=alt.Scale(domain=[_(label) for label in _CASH_SERIES.values()], range=_CASH_COLORS),
                        legend=alt.Legend(orient="bottom", columns=2)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("year:O", title=_("Year")), alt.Tooltip("series:N", title=_("Paid as")),
                 alt.Tooltip("amount_bn:Q", title=_("USD billions"), format=".2f")],
    ).transform_filter(pick)
    debt = alt.Chart(data["debt"]).mark_line(point=alt.OverlayMarkDef(color=INK),
                                             color=INK, strokeDash=[4, 3]).encode(
        x=alt.X("year:O"),
        y=alt.Y("debt_bn:Q"),
        tooltip=[alt.Tooltip("year:O", title=_("End of year")),
                 alt.Tooltip("debt_bn:Q", title=_("Debt outstanding, USD billions"), format=".2f")],
    ).transform_filter(pick)
    debt_label = alt.Chart(data["debt"]).mark_text(align="left", dx=6, dy=-8, fontSize=11).encode(
        x=alt.X("year:O"), y=alt.Y("debt_bn:Q"), text=alt.TextValue(_("debt outstanding")),
    ).transform_filter(pick).transform_filter("datum.year == 0")
    dscr = alt.Chart(data["labels"]).mark_text(dy=-7, fontSize=MIN_FONT_PX).encode(
        x=alt.X("year:O"), y=alt.Y("top_bn:Q"), text=alt.Text("dscr:N"),
    ).transform_filter(pick)
    note = alt.Chart(data["note"]).mark_text(align="left", baseline="top", fontSize=12).encode(
        x=alt.XValue(0), y=below(height, 100), text=alt.Text("note:N"),
    ).transform_filter(pick)
    layers = alt.layer(bars, debt, debt_label, dscr, note)
    return bind(layers, controls) if controls else layers


def cash_flow_chart(
    deal: Deal,
    target_equity_return: float | None = None,
    residual_value_fraction: float | None = None,
) -> alt.LayerChart:
    """Stacked bars of where each year's lease money goes, the debt outstanding and the DSCR.

    The terms default to the book's calibration, :data:`~gpu_finance.spv.TARGET_EQUITY_RETURN` and
    :data:`~gpu_finance.spv.RESIDUAL_VALUE_FRACTION`.
    """
    return _cash_flow_figure(deal, spv_cash_flows(deal, *spv_terms(target_equity_return, residual_value_fraction)))


def _cash_flow_figure(deal: Deal, flows: pd.DataFrame) -> alt.LayerChart:
    """:func:`cash_flow_chart` from the solved cash flows of ``deal``."""
    data = _cash_rows(deal, flows)
    payment = _lease(flows)
    height = 230
    return finish(
        _cash_layers(data, [], height),
        _("The lease of {payment} a year pays the lenders first").format(payment=usd(payment, 2)),
        _("Numbers above the bars: the debt-service coverage ratio (DSCR)"),
        _("Stacked bars for each of the {years} lease years of {name}: the lease payment of {payment} split "
          "into interest, principal and cash to the equity, with the debt outstanding falling from {debt} as a "
          "dashed line and the DSCR above each bar.").format(years=deal.lease_term_years, name=shown_name(deal.name),
                                                             payment=usd(payment, 2), debt=usd(deal.debt_usd)),
        width=WIDTH, height=height,
    )


def cash_flow_explorer(deal: Deal) -> alt.LayerChart:
    """Kernel-free cash-flow chart: sliders set the equity's target return and the residual value."""
    target = Slider("k", _("Target equity return (%)"), 0.10, 0.30, 0.04,
                    snap(spv.TARGET_EQUITY_RETURN, 0.10, 0.30, 0.04), scale=100, valid=RATE)
    residual = Slider("rv", _("Residual value at lease end (% of cost)"), FRACTION.low, 0.5, 0.1,
                      snap(spv.RESIDUAL_VALUE_FRACTION, FRACTION.low, 0.5, 0.1), scale=100, valid=FRACTION)
    controls = [target, residual]
    pieces: dict[str, list[pd.DataFrame]] = {"bars": [], "debt": [], "labels": [], "note": []}
    for k in target.values():
        for rv in residual.values():
            for name, frame in _cash_rows(deal, spv_cash_flows(deal, k, rv)).items():
                pieces[name].append(frame.assign(k=k, rv=rv))
    data = {name: pd.concat(frames, ignore_index=True) for name, frames in pieces.items()}
    height = 230
    return finish(
        _cash_layers(data, controls, height),
        _("Whatever the equity asks for, the lenders are paid first"),
        _("Numbers above the bars: DSCR. The line below the chart gives the equity's IRR"),
        _("Interactive stacked bars of the SPV's yearly cash: interest, principal, any balloon repaid "
          "from the residual value and cash to the equity, with the debt outstanding as a dashed line. "
          "Sliders set the equity's target return (10% to 30%) and the GPUs' residual value at the end of "
          "the lease (0% to 50% of cost); a line of text gives the lease payment, the first-year DSCR and "
          "the equity's internal rate of return, which always equals the target."),
        width=WIDTH, height=height,
    )


def cash_flow_table(flows: pd.DataFrame):
    """The main columns of :func:`~gpu_finance.spv_cash_flows`, styled: money in billions, DSCR to two decimals.

    Columns that are zero in every year (a balloon, a residual value) are left out.
    """
    columns = ["year", "lease_income_usd", "residual_value_usd", "interest_usd", "principal_usd", "balloon_usd",
               "cash_to_equity_usd", "debt_outstanding_usd", "dscr"]
    shown = [c for c in columns if c in ("year", "dscr") or flows[c].abs().sum() > 0]
    return table(flows[shown], formats={"dscr": lambda d: "" if d != d else f"{d:.2f}"}, labels={"dscr": "DSCR"})


# ------------------------------------------------------------------------------------ dilution
def _dilution_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The chart's rows from :func:`~gpu_finance.founder_dilution`'s table."""
    frame = frame.assign(given_pct=significant(frame["new_investors_share"] * 100, 5),
                         label=[_("gives away {given}; owners keep {kept}").format(given=percent(g, 2),
                                                                                   kept=percent(k, 2))
                                for g, k in zip(frame["new_investors_share"], frame["stake_after"])],
                         route=frame["route"].map(_))
    return frame[["route", "given_pct", "label"]]


def _dilution_layers(data: pd.DataFrame, controls: Sequence[Control]):
    pick = selected(controls) if controls else "true"
    base = alt.Chart(data).encode(
        y=alt.Y("route:N", title=None, sort=[_("parent raises the equity"), _("through the SPV")]),
        x=alt.X("given_pct:Q", title=_("Share of the company given to new investors (%)"),
                scale=alt.Scale(domain=[0, max(25.0, float(data["given_pct"].max()))])),
    )
    bars = base.mark_bar(color=PARTY_COLORS["sponsor"]).encode(
        tooltip=[alt.Tooltip("route:N", title=_("Route")), alt.Tooltip("label:N", title=_("Result"))],
    ).transform_filter(pick)
    text = base.mark_text(align="left", dx=4).encode(text=alt.Text("label:N")).transform_filter(pick)
    layers = alt.layer(bars, text)
    return bind(layers, controls) if controls else layers


def dilution_chart(deal: Deal, pre_money_valuation_usd: float | None = None) -> alt.LayerChart:
    """Bars of the share of the sponsor given to new investors if it raised the equity itself, or none.

    ``pre_money_valuation_usd`` defaults to the book's assumption,
    :data:`~gpu_finance.spv.PRE_MONEY_VALUATION_USD`.
    """
    value = spv.PRE_MONEY_VALUATION_USD if pre_money_valuation_usd is None else pre_money_valuation_usd
    return _dilution_figure(deal, founder_dilution(deal, value), value)


def _dilution_figure(deal: Deal, frame: pd.DataFrame, pre_money_valuation_usd: float) -> alt.LayerChart:
    """:func:`dilution_chart` from the solved :func:`~gpu_finance.founder_dilution` table."""
    given = frame.loc[0, "new_investors_share"]
    return finish(
        _dilution_layers(_dilution_rows(frame), []),
        _("Raising {equity} itself would give away {share} of the sponsor").format(
            equity=usd(deal.equity_usd), share=percent(given, 2)),
        _("At a pre-money valuation of {value}; through the SPV, nothing").format(value=usd(pre_money_valuation_usd)),
        _("Two bars: if the sponsor raised {equity} itself at a pre-money valuation of {value}, new investors "
          "would own {share} of it and its existing owners the rest; through the SPV they give away nothing.").format(
            equity=usd(deal.equity_usd), value=usd(pre_money_valuation_usd), share=percent(given, 2)),
        width=300, height=90,
    )


def dilution_explorer(deal: Deal) -> alt.LayerChart:
    """Kernel-free dilution bars: a slider sets the pre-money valuation."""
    valuation = Slider("pmv", _("Pre-money valuation (USD billions)"), 25e9, 500e9, 25e9,
                       snap(spv.PRE_MONEY_VALUATION_USD, 25e9, 500e9, 25e9), scale=1e-9 * money_factor())
    data = grid(lambda pmv: _dilution_rows(founder_dilution(deal, pmv)), [valuation])
    return finish(
        _dilution_layers(data, [valuation]),
        _("Raising the equity itself costs the owners a slice"),
        _("Share of the sponsor new investors would get for {equity}; the SPV route gives none").format(
            equity=usd(deal.equity_usd)),
        _("Interactive bars of the share of the sponsor that new investors would own if it raised the SPV's "
          "{equity} of equity itself. A slider sets the pre-money valuation from {low} to {high}; the text by "
          "each bar gives the share given away and the share the existing owners keep. Through the SPV, nothing "
          "is given away.").format(equity=usd(deal.equity_usd), low=usd(25e9), high=usd(500e9)),
        width=300, height=90,
    )


def dilution_table(frame: pd.DataFrame):
    """:func:`~gpu_finance.founder_dilution`'s two routes, styled: stakes as percentages, money in billions."""
    shares = {c: (lambda v: percent(v, 2)) for c in ("new_investors_share", "stake_before", "stake_after", "dilution")}
    return table(frame, formats=shares)


# ------------------------------------------------------------------------------------ the vendor's loop
_LOOP_COLORS = [PARTY_COLORS["vendor"], OKABE_ITO["grey"], OKABE_ITO["blue"], OKABE_ITO["reddish_purple"]]


def _loop_rows(loop) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The chart's rows and its line of text from a solved :class:`~gpu_finance.VendorLoop`."""
    frame = loop.table()
    frame["order"] = np.arange(len(frame))
    frame["amount_bn"] = significant(frame["amount_usd"] / money_divisor(), 5)
    frame["label"] = frame["amount_usd"].map(usd)
    frame["item"] = frame["item"].map(_)
    note = pd.DataFrame({"note": [
        _("The vendor funds {share} of its own sale. Losing its whole stake\ncosts it less than its profit at "
          "any margin above {margin}.").format(share=percent(loop.vendor_funded_share),
                                               margin=percent(loop.breakeven_gross_margin))
    ]})
    return frame.drop(columns="amount_usd"), note


def _loop_layers(data: pd.DataFrame, note: pd.DataFrame, controls: Sequence[Control], height: int):
    pick = selected(controls) if controls else "true"
    items = list(dict.fromkeys(data["item"]))
    base = alt.Chart(data).encode(
        y=alt.Y("item:N", title=None, sort=items, axis=alt.Axis(labelLimit=240)),
        x=alt.X("amount_bn:Q", title=_("USD billions")),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("item:N", legend=None, scale=alt.Scale(domain=items, range=_LOOP_COLORS)),
        tooltip=[alt.Tooltip("item:N", title=_("Item")), alt.Tooltip("label:N", title=_("Amount"))],
    ).transform_filter(pick)
    text = base.mark_text(align="left", dx=4).encode(text=alt.Text("label:N")).transform_filter(pick)
    line = alt.Chart(note).mark_text(align="left", baseline="top", fontSize=12, lineBreak="\n", dx=-190).encode(
        x=alt.XValue(0), y=below(height, 40), text=alt.Text("note:N")).transform_filter(pick)
    layers = alt.layer(bars, text, line)
    return bind(layers, controls) if controls else layers


def vendor_loop_chart(deal: Deal, gross_margin: float | None = None) -> alt.LayerChart:
    """Bars of the vendor's loop: equity in, chip revenue, gross profit, profit if its stake is lost.

    ``gross_margin`` defaults to the book's assumption, :data:`~gpu_finance.spv.VENDOR_GROSS_MARGIN`.
    """
    return _vendor_loop_figure(deal, vendor_loop(deal, spv.VENDOR_GROSS_MARGIN if gross_margin is None
                                                 else gross_margin))


def _vendor_loop_figure(deal: Deal, loop) -> alt.LayerChart:
    """:func:`vendor_loop_chart` from the solved :class:`~gpu_finance.VendorLoop` of ``deal``."""
    data, note = _loop_rows(loop)
    height = 130
    return finish(
        _loop_layers(data, note, [], height),
        _("The vendor puts in {equity} and sells {revenue} of chips").format(
            equity=usd(loop.vendor_equity_usd), revenue=usd(loop.chip_revenue_usd)),
        _("At a gross margin of {margin}").format(margin=percent(loop.gross_margin)),
        _("Bars of the chip vendor's side of {name}: equity put in {equity}, chip revenue {revenue}, gross profit "
          "{profit} at a {margin} margin, and {left} of profit left if its stake is lost.").format(
            name=shown_name(deal.name), equity=usd(loop.vendor_equity_usd), revenue=usd(loop.chip_revenue_usd),
            profit=usd(loop.gross_profit_usd), margin=percent(loop.gross_margin),
            left=usd(loop.profit_if_spv_fails_usd)),
        width=240, height=height,
    )


def vendor_loop_explorer(deal: Deal) -> alt.LayerChart:
    """Kernel-free vendor loop: sliders set the vendor's gross margin and its stake in the vehicle."""
    margin = Slider("gm", _("Vendor's gross margin (%)"), 0.0, 0.9, 0.1,
                    snap(spv.VENDOR_GROSS_MARGIN, 0.0, 0.9, 0.1), scale=100)
    most = math.floor(min(4e9, deal.equity_usd) / BN) * BN
    stake = Slider("ve", _("Vendor's equity in the SPV (USD billions)"), 0.0, most, BN,
                   snap(deal.vendor_equity_usd, 0.0, most, BN), scale=1 / BN * money_factor())
    controls = [margin, stake]
    bars, notes = [], []
    for gm in margin.values():
        for ve in stake.values():
            b, n = _loop_rows(vendor_loop(deal.replace(vendor_equity_usd=float(ve)), gm))
            bars.append(b.assign(gm=gm, ve=ve))
            notes.append(n.assign(gm=gm, ve=ve))
    height = 130
    return finish(
        _loop_layers(pd.concat(bars, ignore_index=True), pd.concat(notes, ignore_index=True), controls, height),
        _("The vendor's money comes straight back as chip revenue"),
        _("{name}: the chip vendor's side of the deal").format(name=shown_name(deal.name)),
        _("Interactive bars of the chip vendor's side of the deal: the equity it puts into the SPV, the chip "
          "revenue it gets from the SPV, its gross profit on those chips and the profit left if its stake is "
          "lost. Sliders set its gross margin (0% to 85%) and its equity in the SPV; a line of text gives the "
          "share of its own sale it funds and the margin at which it breaks even on a lost stake."),
        width=240, height=height,
    )


def circular_deals_table(deals: pd.DataFrame):
    """:func:`~gpu_finance.circular_deals` for reading: who funds whom, with what, and the source's confidence."""
    shown = pd.DataFrame({
        "date": deals["date"],
        "who": deals["funder"].map(_) + " → " + deals["customer"].map(_),
        "funder_gives": deals["funder_gives"].map(_),
        "amount_usd": deals["amount_usd"],
        "confidence": deals["confidence"],
    })
    return table(shown, formats={"amount_usd": _blank_or(usd)},
                 labels={"who": "Who funds whom", "funder_gives": "With what", "amount_usd": "Headline amount",
                         "confidence": "Conf."})


# ------------------------------------------------------------------------------------ money flows
def _flow_table(flows: pd.DataFrame) -> pd.DataFrame:
    """:func:`~gpu_finance.money_flows`' rows, and again as ``when="the whole deal"``."""
    return pd.concat([flows, flows.assign(when=N_("the whole deal"))], ignore_index=True)


def money_flow_chart(
    deal: Deal,
    target_equity_return: float | None = None,
    residual_value_fraction: float | None = None,
    when: str = "the whole deal",
) -> alt.LayerChart:
    """The deal's money flows (:func:`~gpu_finance.money_flows`) drawn by :func:`flow_chart`.

    The terms default to the book's calibration, :data:`~gpu_finance.spv.TARGET_EQUITY_RETURN` and
    :data:`~gpu_finance.spv.RESIDUAL_VALUE_FRACTION`.
    """
    periods = (*FLOW_PERIODS, "the whole deal")
    if when not in periods:
        raise ValueError(f"when={when!r} is not one of {', '.join(repr(p) for p in periods)}")
    return _money_flow_figure(deal, money_flows(deal, *spv_terms(target_equity_return, residual_value_fraction)), when)


def _money_flow_figure(deal: Deal, money: pd.DataFrame, when: str = "the whole deal") -> alt.LayerChart:
    """:func:`money_flow_chart` from the solved :func:`~gpu_finance.money_flows` table of ``deal``."""
    flows = _flow_table(money)
    flows = flows[flows["when"] == when]
    to_vendor = flows.loc[flows["to_party"] == "vendor", "amount_usd"].sum()
    from_vendor = flows.loc[flows["from_party"] == "vendor", "amount_usd"].sum()
    # English names the parties by their keys ("sponsor pays spv"); Chinese by their boxes' labels.
    party = (lambda key: _(NODE_LABELS.get(key, key)).replace("\n", "")) if is_chinese() else (lambda key: key)
    return flow_chart(
        flows,
        title=alt.TitleParams(
            _("The vendor puts in {equity} and is paid {paid}").format(equity=usd(from_vendor), paid=usd(to_vendor)),
            subtitle=_("Who pays whom, {when}; arrow width is proportional to the amount").format(when=_(when)),
        ),
        description=_("Money-flow diagram of {name}, {when}: {flows}.").format(
            name=shown_name(deal.name), when=_(when), flows=_("; ").join(
                _("{payer} pays {payee} {amount} ({what})").format(payer=party(a), payee=party(b), amount=usd(v),
                                                                   what=_(w))
                for a, b, v, w in zip(flows["from_party"], flows["to_party"], flows["amount_usd"], flows["what"]))),
    )


def money_flow_explorer(
    deal: Deal,
    target_equity_return: float | None = None,
    residual_value_fraction: float | None = None,
) -> alt.LayerChart:
    """Kernel-free money-flow diagram: a menu picks the moment, a slider the debt share.

    The terms default to the book's calibration, as for :func:`money_flow_chart`.
    """
    terms = spv_terms(target_equity_return, residual_value_fraction)
    share = Slider("ds", _("Debt share of the cost (%)"), 0.0, 0.875, 0.125,
                   snap(deal.debt_share, 0.0, 0.875, 0.125), scale=100, valid=Range(0.0, deal.max_debt_share))
    present = money_flows(deal, *terms)["when"].unique()
    options = ([(_(_PERIOD_LABELS[p]), p) for p in FLOW_PERIODS if p in present]
               + [(_("The whole deal"), "the whole deal")])
    moment = Dropdown("when", _("When"), tuple(options), "the whole deal")
    data = grid(lambda ds: _flow_table(money_flows(deal.with_debt_share(ds), *terms)), [share])
    controls = [moment, share]
    return flow_chart(
        data,
        controls=controls,
        title=alt.TitleParams(
            _("The vendor's equity comes back to it as the price of its chips"),
            subtitle=_("Who pays whom; arrow width is proportional to the amount"),
        ),
        description=_(
            "Interactive money-flow diagram: boxes for the sponsor, the SPV, its lenders, its outside equity "
            "investors and the chip vendor, arrows from payer to payee with widths proportional to the "
            "amount and labels giving it. A menu picks the moment (at signing, during the lease, or the whole "
            "deal) and a slider the share of the cost that is borrowed."
        ),
    )


def deal_comparison_table(
    deals: Sequence[Deal],
    target_equity_return: float | None = None,
    residual_value_fraction: float | None = None,
    incremental_borrowing_rate: float | None = None,
):
    """Several deals side by side, through the chapter's model: size, lease, DSCR, the ASC 842 liability.

    The terms default to the book's calibration (:data:`~gpu_finance.spv.TARGET_EQUITY_RETURN`,
    :data:`~gpu_finance.spv.RESIDUAL_VALUE_FRACTION`, :data:`~gpu_finance.INCREMENTAL_BORROWING_RATE`).
    """
    terms = spv_terms(target_equity_return, residual_value_fraction)
    rate = incremental_borrowing_rate
    if rate is None:
        rate = accounting_model.INCREMENTAL_BORROWING_RATE
    rows = []
    for deal in deals:
        flows = spv_cash_flows(deal, *terms)
        liability = lease_liability_schedule(deal, *terms, rate)["liability_usd"].iloc[0]
        dscr = flows["dscr"].iloc[1]
        rows.append({
            "deal": shown_name(deal.name),
            "total_cost_usd": deal.total_cost_usd,
            "debt_usd": deal.debt_usd,
            "vendor_equity_usd": deal.vendor_equity_usd,
            "lease_payment_usd": _lease(flows),
            "first_year_dscr": "" if dscr != dscr else f"{dscr:.2f}",
            "lease_liability_usd": liability,
            "lease_liability_to_debt": "" if deal.debt_usd == 0 else f"{liability / deal.debt_usd:.2f}",
        })
    frame = pd.DataFrame(rows)
    return table(frame, formats={c: usd for c in frame.columns if c.endswith("_usd")},
                 labels={"lease_payment_usd": "Lease a year", "first_year_dscr": "DSCR",
                         "lease_liability_usd": "ASC 842 liability",
                         "lease_liability_to_debt": "Liability / debt"})


# ------------------------------------------------------------------------------------ live panel
_PANEL_VIEWS = (
    (N_("(a) Buys the GPUs itself"), "own"),
    (N_("(b) Operating lease (ASC 842)"), "lease:operating"),
    (N_("(b) Finance lease (ASC 842)"), "lease:finance"),
    (N_("(c) Compute contract"), "service"),
    (N_("(d) Consolidates the SPV"), "consolidate"),
    (N_("(e) Failed sale-leaseback (ASC 842-40)"), "failed_sale"),
)

#: The menu's words for the moments of :data:`~gpu_finance.spv.FLOW_PERIODS`.
_PERIOD_LABELS = {"at signing": N_("At signing"), "during the lease": N_("During the lease"),
                  "at the end of the lease": N_("At the end of the lease")}


@dataclass
class _Solved:
    """One position of :func:`spv_panel`'s controls, solved: each model result is computed once, the
    first time a figure needs it, and every figure of every tab reads that one result."""

    deal: Deal
    terms: tuple[float, float]
    incremental_borrowing_rate: float
    lease_type: str | None
    pre_money_valuation_usd: float
    gross_margin: float

    @functools.cached_property
    def flows(self) -> pd.DataFrame:
        return spv_cash_flows(self.deal, *self.terms)

    @functools.cached_property
    def sheets(self) -> pd.DataFrame:
        return sponsor_balance_sheets(self.deal, *self.terms, self.incremental_borrowing_rate, self.lease_type)

    @functools.cached_property
    def money(self) -> pd.DataFrame:
        return money_flows(self.deal, *self.terms)

    @functools.cached_property
    def dilution(self) -> pd.DataFrame:
        return founder_dilution(self.deal, self.pre_money_valuation_usd)

    @functools.cached_property
    def loop(self):
        return vendor_loop(self.deal, self.gross_margin)


def spv_panel(deal: Deal) -> LivePanel:
    """Live panel for chapter 1: every assumption of the chapter, with its figures redrawn on change.

    Controls: debt share, interest rate, lease term (the loan runs as long), the equity's target
    return, the residual value, the incremental borrowing rate, the pre-money valuation, the
    vendor's stake and margin, and the accounting view. The debt share stops at 75% and the
    vendor's stake at a quarter of the cost, so every position is a valid deal. Each change solves
    the model once (for the tab in view) and hands the result to every figure.
    """
    most_vendor_bn = math.floor(deal.total_cost_usd * 0.25 / BN / 0.25) * 0.25
    controls: list[Control] = [
        Slider("debt_share", _("Debt share of the cost (%)"), FRACTION.low, 0.75, 0.025,
               snap(deal.debt_share, FRACTION.low, 0.75, 0.025), scale=100, valid=FRACTION),
        Slider("debt_rate", _("Interest rate on the debt (%)"), RATE.low, 0.20, 0.005,
               snap(deal.debt_rate, RATE.low, 0.20, 0.005), scale=100, valid=RATE),
        Slider("lease_term_years", _("Lease term, and loan term (years)"), TERM_YEARS.low, 10, 1,
               min(max(deal.lease_term_years, TERM_YEARS.low), 10), valid=TERM_YEARS),
        Slider("target_equity_return", _("Target equity return (%)"), RATE.low, 0.40, 0.01,
               snap(spv.TARGET_EQUITY_RETURN, RATE.low, 0.40, 0.01), scale=100, valid=RATE),
        Slider("residual_value_fraction", _("Residual value at lease end (% of cost)"), FRACTION.low, 0.8, 0.05,
               snap(spv.RESIDUAL_VALUE_FRACTION, FRACTION.low, 0.8, 0.05), scale=100, valid=FRACTION),
        Slider("incremental_borrowing_rate", _("Incremental borrowing rate (%)"), RATE.low, 0.25, 0.005,
               snap(accounting_model.INCREMENTAL_BORROWING_RATE, RATE.low, 0.25, 0.005), scale=100, valid=RATE),
        Slider("pre_money_bn", _("Pre-money valuation (USD billions)"), 10, 1000, 10,
               snap(spv.PRE_MONEY_VALUATION_USD / BN, 10, 1000, 10), scale=money_factor()),
        Slider("vendor_equity_bn", _("Chip vendor's equity (USD billions)"), 0.0, most_vendor_bn, 0.25,
               snap(deal.vendor_equity_usd / BN, 0.0, most_vendor_bn, 0.25), scale=money_factor()),
        Slider("gross_margin", _("Vendor's gross margin (%)"), 0.0, 0.95, 0.05,
               snap(spv.VENDOR_GROSS_MARGIN, 0.0, 0.95, 0.05), scale=100, valid=MARGIN),
        Dropdown("view", _("Accounting view"), tuple((_(label), key) for label, key in _PANEL_VIEWS),
                 "lease:" + lease_classification(deal).attrs["lease_type"]),
    ]

    def update(debt_share, debt_rate, lease_term_years, target_equity_return, residual_value_fraction,
               incremental_borrowing_rate, pre_money_bn, vendor_equity_bn, gross_margin, view):
        changed = deal.with_funding(debt_share, vendor_equity_bn * BN, debt_rate=debt_rate,
                                    debt_term_years=lease_term_years, lease_term_years=lease_term_years,
                                    name=f"{deal.name}, edited")
        view_key, _colon, kind = view.partition(":")
        label = dict((v, k) for k, v in _PANEL_VIEWS)[view]
        # A view other than (b) leaves the lease type to ASC 842's tests (None).
        solved = _Solved(changed, (target_equity_return, residual_value_fraction), incremental_borrowing_rate,
                         kind or None, pre_money_bn * BN, gross_margin)

        # Four tabs, each computed only when in view (see gpu_finance.viz.controls.LivePanel).
        return {
            _("Cash flows"): lambda: [_cash_flow_figure(changed, solved.flows), cash_flow_table(solved.flows)],
            _("The sponsor's books"): lambda: [balance_sheet_chart(solved.sheets, 0),
                                               _view_over_lease_chart(solved.sheets, view_key, label),
                                               views_table(solved.sheets, 0)],
            _("Dilution and the vendor"): lambda: [
                _dilution_figure(changed, solved.dilution, solved.pre_money_valuation_usd),
                _vendor_loop_figure(changed, solved.loop)],
            _("Money flows"): lambda: [_money_flow_figure(changed, solved.money)],
        }

    return live_panel(controls, update, title=_("The SPV, live: change any assumption"))
