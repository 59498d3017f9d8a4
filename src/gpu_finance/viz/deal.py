"""Figures and the live panel of the prologue, "The deal at a glance".

Every function here draws what :mod:`gpu_finance.deal` and :mod:`gpu_finance.datasets` compute;
none holds any finance of its own.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from .._validation import FRACTION, RATE, TERM_YEARS, Range
from ..deal import Deal, capital_structure, debt_schedule
from ..formatting import month_year, percent, table, usd
from ..i18n import gettext as _
from ..parties import PARTIES
from ._common import BN, finish, money_divisor, money_factor, shown_name
from .controls import LivePanel, Slider, bind, grid, live_panel, selected, snap
from .theme import OKABE_ITO, party_scale

__all__ = [
    "debt_share_slider",
    "capital_structure_chart",
    "capital_structure_explorer",
    "financing_events_chart",
    "debt_service_chart",
    "deal_panel",
]

_STACK_ORDER = ["lenders", "spv_equity", "vendor"]


def debt_share_slider(deal: Deal, step: float = 0.025) -> Slider:
    """The debt-share control for ``deal``: from 0 to the most debt the vendor's equity allows
    (:attr:`~gpu_finance.Deal.max_debt_share`, on the slider's grid)."""
    most = _floor_to(deal.max_debt_share, step)
    return Slider("debt_share", _("Debt share of the cost (%)"), 0.0, most, step,
                  snap(deal.debt_share, 0.0, most, step), scale=100, valid=Range(0.0, deal.max_debt_share))


def _structure_rows(deal: Deal, structure: pd.DataFrame) -> pd.DataFrame:
    """The bar's rows from :func:`~gpu_finance.capital_structure` of ``deal`` (left unchanged)."""
    frame = structure.copy()
    frame["party_label"] = frame["party"].map(lambda key: _(PARTIES[key]))
    frame["order"] = frame["party"].map(_STACK_ORDER.index)
    frame["amount_bn"] = frame["amount_usd"] / money_divisor()
    frame["deal_name"] = shown_name(deal.name)
    frame["instrument"] = frame["instrument"].map(_)
    return frame


def _structure_bar(data: alt.Data | pd.DataFrame) -> alt.Chart:
    return alt.Chart(data).mark_bar(height=46).encode(
        x=alt.X("sum(amount_bn):Q", title=_("Money put into the SPV (USD billions)"), stack="zero"),
        y=alt.Y("deal_name:N", title=None, axis=None),
        color=alt.Color("party_label:N", title=_("Who puts it in"),
                        scale=party_scale(_STACK_ORDER), legend=alt.Legend(orient="bottom")),
        order=alt.Order("order:Q"),
        tooltip=[
            alt.Tooltip("party_label:N", title=_("Funder")),
            alt.Tooltip("instrument:N", title=_("As")),
            alt.Tooltip("amount_bn:Q", title=_("USD billions"), format=".2f"),
            alt.Tooltip("share_of_cost:Q", title=_("Share of cost"), format=".1%"),
        ],
    )


def capital_structure_chart(deal: Deal) -> alt.Chart:
    """A stacked bar of who funds the SPV: lenders, outside equity and the chip vendor."""
    return _capital_structure_figure(deal, capital_structure(deal))


def _capital_structure_figure(deal: Deal, structure: pd.DataFrame) -> alt.Chart:
    """:func:`capital_structure_chart` from the solved :func:`~gpu_finance.capital_structure` of ``deal``."""
    rows = _structure_rows(deal, structure)
    debt = usd(deal.debt_usd)
    vendor = usd(deal.vendor_equity_usd)
    name = shown_name(deal.name)
    return finish(
        _structure_bar(rows),
        _("{share} of the {cost} is borrowed").format(share=percent(deal.debt_share, 1), cost=usd(deal.total_cost_usd)),
        _("{name}: lenders {debt}; the chip vendor puts in {vendor} of the equity").format(
            name=name, debt=debt, vendor=vendor),
        _("Stacked bar of the SPV's funding for {name}: lenders {debt}, outside equity investors {outside}, "
          "chip vendor {vendor}, out of {cost}.").format(name=name, debt=debt, outside=usd(deal.outside_equity_usd),
                                                         vendor=vendor, cost=usd(deal.total_cost_usd)),
        height=90,
    )


def capital_structure_explorer(deal: Deal) -> alt.LayerChart:
    """Kernel-free version of the funding bar: a slider sets the debt share, Vega picks the rows.

    The total cost and the vendor's equity stay fixed; outside equity fills the rest. A text line
    under the bar states how much debt sits in the SPV rather than on the sponsor's balance sheet.
    """
    control = debt_share_slider(deal)

    def rows_at(debt_share):
        changed = deal.with_debt_share(debt_share)
        return _structure_rows(changed, capital_structure(changed))

    rows = grid(rows_at, [control])
    pick = selected([control])
    bars = _structure_bar(rows).transform_filter(pick)
    debt_rows = rows[rows["party"] == "lenders"].assign(
        note=lambda f: [_("Debt held by the SPV, not the sponsor: {amount} ({share} of the cost)").format(
            amount=usd(a), share=percent(s, 1)) for a, s in zip(f["amount_usd"], f["debt_share"])]
    )
    note = (
        alt.Chart(debt_rows)
        .mark_text(align="left", baseline="top", dy=36, fontSize=13)
        .encode(x=alt.XValue(0), y=alt.YValue(60), text=alt.Text("note:N"))
        .transform_filter(pick)
    )
    layered = finish(
        alt.layer(bind(bars, [control]), note),
        _("Move the slider: more debt means less equity, and the debt stays in the SPV"),
        _("{name}; total cost and the chip vendor's {vendor} held fixed").format(
            name=shown_name(deal.name), vendor=usd(deal.vendor_equity_usd)),
        _("Interactive stacked bar of the SPV's funding. A slider sets the debt share from {low} to {high}; the "
          "bar shows the split between lenders, outside equity investors and the chip vendor, and a line of "
          "text gives the debt held by the SPV.").format(low=percent(control.minimum, 0),
                                                          high=percent(control.maximum, 0)),
        height=110,
    )
    return layered


def financing_events_chart(events: pd.DataFrame) -> alt.Chart:
    """Bars of the amounts reported, closed and raised separately, by date (from the data)."""
    shown = events.dropna(subset=["amount_usd"]).copy()
    plan = shown.loc[shown["status"] == "reported plan", "amount_usd"].sum()
    closed = shown.loc[shown["status"] == "closed", "amount_usd"].sum()
    shown["amount_bn"] = shown["amount_usd"] / money_divisor()
    shown["label"] = shown["amount_usd"].map(usd)
    shown["when"] = shown["date"].map(lambda day: str(month_year(day, short=True)))
    shown["status"] = shown["status"].map(_)
    shown["what"] = [_("{when}: {status}").format(when=w, status=s) for w, s in zip(shown["when"], shown["status"])]
    for column in ("deal", "event"):
        shown[column] = shown[column].map(_)
    status_colors = alt.Scale(
        domain=[_(s) for s in ("reported plan", "closed", "reported loan", "separate deal")],
        range=[OKABE_ITO["grey"], OKABE_ITO["blue"], OKABE_ITO["sky_blue"], OKABE_ITO["reddish_purple"]],
    )
    base = alt.Chart(shown).encode(
        y=alt.Y("what:N", title=None, sort=alt.SortField("date")),
        x=alt.X("amount_bn:Q", title=_("Amount (USD billions)"),
                scale=alt.Scale(domain=[0, float(shown["amount_bn"].max()) * 1.15], nice=False)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("status:N", title=_("Status"), scale=status_colors, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("when:N", title=_("Date")), alt.Tooltip("deal:N", title=_("Deal")),
                 alt.Tooltip("event:N", title=_("What")), alt.Tooltip("label:N", title=_("Amount")),
                 alt.Tooltip("source:N", title=_("Source"))],
    )
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("label:N"))
    return finish(
        bars + labels,
        _("Reported as a {plan} plan; {closed} is known to have closed").format(plan=usd(plan), closed=usd(closed)),
        _("xAI's own Series E is a different deal from the GPU vehicle"),
        _("Bar chart of reported financing around xAI's Colossus 2: {events}.").format(events=_("; ").join(
            _("{what}, {amount} ({deal})").format(what=w, amount=lab, deal=d)
            for w, lab, d in zip(shown["what"], shown["label"], shown["deal"]))),
        height=170,
    )


def debt_service_chart(deal: Deal) -> alt.Chart:
    """Stacked bars of the SPV's yearly interest and principal, from :func:`debt_schedule`."""
    return _debt_service_figure(deal, debt_schedule(deal))


def _debt_service_figure(deal: Deal, schedule: pd.DataFrame) -> alt.Chart:
    """:func:`debt_service_chart` from the solved :func:`~gpu_finance.debt_schedule` of ``deal``."""
    long = schedule.melt(id_vars="year", value_vars=["interest_usd", "principal_usd"],
                         var_name="part", value_name="amount_usd")
    long["part"] = long["part"].map({"interest_usd": _("Interest"), "principal_usd": _("Principal")})
    long["amount_bn"] = long["amount_usd"] / money_divisor()
    payment = usd(schedule["payment_usd"].iloc[0])
    return finish(
        alt.Chart(long).mark_bar().encode(
            x=alt.X("year:O", title=_("Year of the loan")),
            y=alt.Y("sum(amount_bn):Q", title=_("Paid to lenders (USD billions)")),
            color=alt.Color("part:N", title=None,
                            scale=alt.Scale(domain=[_("Interest"), _("Principal")],
                                            range=[OKABE_ITO["vermillion"], OKABE_ITO["orange"]])),
            tooltip=[alt.Tooltip("year:O", title=_("Year")), alt.Tooltip("part:N", title=_("Part")),
                     alt.Tooltip("amount_bn:Q", title=_("USD billions"), format=".2f")],
        ),
        _("The SPV owes its lenders {payment} a year for {term} years").format(payment=payment,
                                                                              term=deal.debt_term_years),
        description=_("Stacked bars of yearly debt service on {debt} at {rate} over {term} years: interest "
                      "shrinks and principal grows each year; the payment is level.").format(
            debt=usd(deal.debt_usd), rate=percent(deal.debt_rate), term=deal.debt_term_years),
        width=360, height=220,
    )


def deal_panel(deal: Deal) -> LivePanel:
    """Live panel: debt share, the vendor's equity, the rate and the loan term, redrawn on change.

    The debt share stops at 75%, and the vendor's equity at a quarter of the cost, so the vendor's
    part always fits inside the equity: every position of the sliders is a valid deal. Each change
    solves the capital structure and the debt schedule once and hands them to the figures.
    """
    most_vendor_bn = _floor_to(deal.total_cost_usd * 0.25 / BN, 0.25)
    controls = [
        Slider("debt_share", _("Debt share of the cost (%)"), FRACTION.low, 0.75, 0.025,
               snap(deal.debt_share, FRACTION.low, 0.75, 0.025), scale=100, valid=FRACTION),
        Slider("vendor_equity_bn", _("Chip vendor's equity (USD billions)"), 0.0, most_vendor_bn, 0.25,
               snap(deal.vendor_equity_usd / BN, 0.0, most_vendor_bn, 0.25), scale=money_factor()),
        Slider("debt_rate", _("Interest rate on the debt (%)"), RATE.low, 0.20, 0.005,
               snap(deal.debt_rate, RATE.low, 0.2, 0.005), scale=100, valid=RATE),
        Slider("debt_term_years", _("Loan term (years)"), TERM_YEARS.low, TERM_YEARS.high, 1, deal.debt_term_years,
               valid=TERM_YEARS),
    ]

    def update(debt_share, vendor_equity_bn, debt_rate, debt_term_years):
        changed = deal.with_funding(debt_share, vendor_equity_bn * BN, debt_rate=debt_rate,
                                    debt_term_years=debt_term_years, name=f"{deal.name}, edited")
        structure = capital_structure(changed)
        return [_capital_structure_figure(changed, structure), table(structure),
                _debt_service_figure(changed, debt_schedule(changed))]

    return live_panel(controls, update, title=_("The deal, live: change the terms"))


def _floor_to(value: float, step: float) -> float:
    """The largest multiple of ``step`` not above ``value`` (forgiving float noise), 10 decimals."""
    return round(math.floor(value / step + 1e-9) * step, 10)


