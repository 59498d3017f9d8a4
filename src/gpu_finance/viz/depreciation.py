"""Figures and the live panel of chapter 2, "The depreciation game".

Every function here draws what :mod:`gpu_finance.asset_value` and :mod:`gpu_finance.depreciation`
compute; none holds any finance of its own. The ``*_explorer`` charts work on the website without
Python: the model is evaluated over every position of their controls (:func:`~.controls.grid`) and
Vega-Lite picks the rows that match.

The lender's charts live in :mod:`gpu_finance.viz.collateral` and the charts of the chapter's data
in :mod:`gpu_finance.viz.datasets`; both are importable from here too (the chapter draws all its
figures from this module).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .. import collateral as collateral_model
from .. import depreciation as depreciation_model
from ..asset_value import METHODS, book_versus_market, depreciation_schedule
from ..calibration import calibrated_annual_decline
from ..collateral import collateral_path
from ..datasets import depreciation_fact, generation_gap_years
from ..deal import Deal
from ..depreciation import (
    Fleet,
    impairment_year,
    owner_profit_comparison,
    peak_overstatement,
    profit_comparison,
    reversal_year,
)
from ..formatting import percent, table, usd, usd_billions, years
from ..i18n import N_, gettext as _, is_chinese
from ._chapter2 import WIDTH, YEAR_AXIS, decline_slider, estimate_amount, note_row, packed, step_slider
from ._common import billions, money_divisor, shown_name, vega_text
from .collateral import ltv_chart, ltv_explorer  # noqa: F401 (re-exported: the chapter's figures)
from .controls import Dropdown, LivePanel, Slider, bind, grid, live_panel, selected
from .datasets import (  # noqa: F401 (re-exported: the chapter's figures)
    bounds_sentence,
    contracts_table,
    facts_table,
    generations_chart,
    lives_chart,
    profit_effects_chart,
    rental_prices_chart,
    useful_lives_chart,
)
from .theme import LABEL_DARK, MIN_FONT_PX, OKABE_ITO

__all__ = [
    "METHOD_LABELS",
    "method_dropdown",
    "schedule_table",
    "methods_chart",
    "book_market_chart",
    "book_market_explorer",
    "profit_chart",
    "profit_explorer",
    "overstatement_heatmap",
    "owner_profit_explorer",
    "owner_overstatement_heatmap",
    "depreciation_panel",
]

#: Reader-facing names of the depreciation methods.
METHOD_LABELS: dict[str, str] = {
    "straight_line": N_("Straight-line"),
    "double_declining_balance": N_("Double-declining balance"),
    "sum_of_years_digits": N_("Sum-of-years' digits"),
}

_BOOK = N_("Book value")
_MARKET = N_("Market value")
_REPORTED = N_("Reported profit")
_ECONOMIC = N_("Economic profit")


def _value_scale() -> alt.Scale:
    return alt.Scale(domain=[_(_BOOK), _(_MARKET)], range=[OKABE_ITO["blue"], OKABE_ITO["vermillion"]])


def _profit_scale() -> alt.Scale:
    return alt.Scale(domain=[_(_REPORTED), _(_ECONOMIC)], range=[OKABE_ITO["blue"], OKABE_ITO["bluish_green"]])


def method_dropdown(default: str = "straight_line") -> Dropdown:
    """The depreciation-method menu, offering every method in :data:`METHODS`."""
    return Dropdown("method", _("Depreciation method"), tuple((_(METHOD_LABELS[m]), m) for m in METHODS), default)


def _owner_defaults(rent_decline: float | None, required_return: float | None) -> tuple[float, float]:
    """The owner's rent decline and required return, the book's when not given."""
    return (calibrated_annual_decline() if rent_decline is None else rent_decline,
            depreciation_model.OWNER_REQUIRED_RETURN if required_return is None else required_return)


# ------------------------------------------------------------------------- 1. the mechanics
def schedule_table(schedule: pd.DataFrame):
    """A depreciation schedule (:func:`depreciation_schedule`) styled for reading, in USD billions."""
    money = {c: usd_billions for c in ("expense", "accumulated", "book_value")}
    labels = {"expense": "Expense", "accumulated": "Accumulated depreciation", "book_value": "Book value"}
    return table(schedule, formats=money, labels=labels)


def methods_chart(cost: float, life_years: int, salvage_fraction: float = 0.0) -> alt.Chart:
    """Book value year by year under the three methods: the same total, written off at different speeds."""
    rows = []
    for method in METHODS:
        schedule = depreciation_schedule(cost, life_years, salvage_fraction, method)
        first = pd.DataFrame({"year": [0], "book_value": [cost], "expense": [0.0]})
        frame = pd.concat([first, schedule[["year", "book_value", "expense"]]], ignore_index=True)
        frame["method"] = _(METHOD_LABELS[method])
        rows.append(frame)
    data = pd.concat(rows, ignore_index=True)
    data["book_bn"] = billions(data["book_value"])
    year_one = data[data["year"] == 1].set_index("method")["expense"]
    fastest = year_one.idxmax()
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("year:Q", title=_("Years after purchase"), axis=YEAR_AXIS),
        y=alt.Y("book_bn:Q", title=_("Book value (USD billions)")),
        color=alt.Color("method:N", title=_("Method"), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("method:N", title=_("Method")), alt.Tooltip("year:Q", title=_("Year")),
                 alt.Tooltip("book_bn:Q", title=_("Book value (USD billions)"), format=".2f")],
    ).properties(
        title=alt.TitleParams(
            _("Same total, different timing: {expense} in year 1 at the fastest").format(expense=usd(year_one[fastest])),
            subtitle=_("{cost} over {life}, salvage {salvage}: {fastest} front-loads; straight-line charges {straight} "
                       "a year").format(cost=usd(cost), life=years(life_years), salvage=percent(salvage_fraction),
                                        fastest=fastest.lower(),
                                        straight=usd(year_one[_(METHOD_LABELS['straight_line'])])),
        ),
        width=WIDTH, height=240,
        description=_("Line chart of book value by year for {cost} depreciated over {life} by three methods. "
                      "{methods}. All three end at the salvage value.").format(
            cost=usd(cost), life=years(life_years), methods=_("; ").join(
                _("{method}: {expense} in year 1").format(method=m, expense=usd(e)) for m, e in year_one.items())),
    )


# --------------------------------------------------------------- 2. book versus market value
def _value_lines(base: alt.Chart) -> alt.Chart:
    """Rows of (year, series, value_bn) -> the book and market value lines (static and explorer)."""
    encode = dict(
        x=alt.X("year:Q", title=_("Years after purchase"), axis=YEAR_AXIS),
        y=alt.Y("value_bn:Q", title=_("Value of the GPUs (USD billions)")),
        color=alt.Color("series:N", title=None, scale=_value_scale(), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("series:N", title=_("Series")), alt.Tooltip("year:Q", title=_("Year")),
                 alt.Tooltip("value_bn:Q", title=_("USD billions"), format=".2f")],
    )
    return base.mark_line(point=True).encode(**encode)


def book_market_chart(frame: pd.DataFrame, *, description_note: str = "") -> alt.LayerChart:
    """Book value against market value from :func:`book_versus_market`, with the impairment year marked."""
    long = pd.concat([
        pd.DataFrame({"year": frame["year"], "series": _(_BOOK), "value_bn": billions(frame["book_value_usd"])}),
        pd.DataFrame({"year": frame["year"], "series": _(_MARKET), "value_bn": billions(frame["market_value_usd"])}),
    ], ignore_index=True)
    lines = _value_lines(alt.Chart(long))
    first = impairment_year(frame)
    widest = frame.loc[frame["gap_usd"].idxmax()]
    if first is None:
        title = _("Market value never falls below book value")
        layers = [lines]
    else:
        title = _("Market value falls below book value in year {year}").format(year=first)
        rule = alt.Chart(pd.DataFrame({"year": [first]})).mark_rule(strokeDash=[4, 3], color=OKABE_ITO["grey"]).encode(x=alt.X("year:Q"))
        layers = [lines, rule]
    subtitle = (_("The books overstate the GPUs by up to {gap} (year {year})").format(
                    gap=estimate_amount(widest['gap_usd']), year=int(widest['year']))
                if widest["gap_usd"] > 0 else _("The books never overstate what the GPUs would sell for"))
    return alt.layer(*layers).properties(
        title=alt.TitleParams(title, subtitle=subtitle),
        width=WIDTH, height=240,
        description=_("Line chart of the GPUs' book value and market value by year. {years}. {note}").format(
            years=_("; ").join(_("year {year}: book {book}, market {market}").format(
                year=int(y), book=usd(b), market=estimate_amount(m))
                for y, b, m in zip(frame["year"], frame["book_value_usd"], frame["market_value_usd"])),
            note=_(description_note)),
    )


def book_market_explorer(cost: float, *, horizon_years: int = 8) -> alt.VConcatChart:
    """Kernel-free book value against market value: sliders for the accounting life, the method, the
    yearly fall in market value and an extra drop per generation; a line of text gives the first
    year the market value is below the book value."""
    life = Slider("accounting_life_years", _("Accounting life (years)"), 2, horizon_years, 1,
                  depreciation_fact("chapter2.accounting_life_years"))
    method = method_dropdown()
    decline = decline_slider()
    step = step_slider()
    book_controls, market_controls = [life, method], [decline, step]

    def book_rows(accounting_life_years, method):
        frame = book_versus_market(cost, accounting_life_years, method, annual_decline=0.0, years=horizon_years)
        return packed(pd.DataFrame({"year": frame["year"], "value_bn": billions(frame["book_value_usd"])}))

    def market_rows(annual_decline, generation_step):
        frame = book_versus_market(cost, 2, annual_decline=annual_decline, generation_step=generation_step,
                                   generation_interval_years=int(generation_gap_years()), years=horizon_years)
        return packed(pd.DataFrame({"year": frame["year"], "value_bn": billions(frame["market_value_usd"])}))

    # One data set holds both series; a row's own controls pick it (the other columns hold -1 or "").
    book_name, market_name = _(_BOOK), _(_MARKET)
    book = grid(book_rows, book_controls).assign(series=book_name, annual_decline=-1.0, generation_step=-1.0)
    market = grid(market_rows, market_controls).assign(series=market_name, accounting_life_years=-1.0, method="")
    data = pd.concat([book, market], ignore_index=True)
    pick = (f"(datum.series == '{book_name}' && {selected(book_controls)}) || "
            f"(datum.series == '{market_name}' && {selected(market_controls)})")
    picked = alt.Chart(data).transform_filter(pick).transform_flatten(["year", "value_bn"])
    lines = bind(_value_lines(picked), book_controls + market_controls).properties(width=WIDTH, height=240)
    note = (
        picked
        .transform_pivot("series", value="value_bn", groupby=["year"])
        .transform_calculate(hit=f"datum.year >= 1 && datum['{market_name}'] < datum['{book_name}'] - 1e-9 ? "
                                 "datum.year : 99")
        .transform_aggregate(first="min(hit)")
        .transform_calculate(text=f"datum.first == 99 ? {vega_text(_('Market value stays at or above book value'))} : "
                                  + vega_text(_("Market value falls below book value in year {year}"),
                                              year="datum.first"))
    )
    return alt.vconcat(note_row(note), lines, spacing=4).properties(
        title=alt.TitleParams(
            _("Move the sliders: when do the books overstate the chips?"),
            subtitle=_("{cost} of GPUs; a new generation every {gap}; no salvage").format(
                cost=usd(cost), gap=years(generation_gap_years())),
        ),
        description=_(
            "Interactive line chart of book value and market value of {cost} of GPUs over {horizon} years. Sliders "
            "set the accounting life (2 to {horizon} years), the depreciation method, the yearly fall in market "
            "value (0% to 60%) and an extra drop when a new chip generation ships (0% to 30%). A line of text gives "
            "the first year the market value is below the book value.").format(cost=usd(cost), horizon=horizon_years),
    )


# ------------------------------------------------------------ 3. reported versus economic profit
def _profit_rows(comparison: pd.DataFrame) -> pd.DataFrame:
    """Year, reported and economic profit and the cumulative overstatement, in USD billions."""
    return pd.DataFrame({
        "year": comparison["year"],
        "reported_bn": billions(comparison["reported_profit_usd"]),
        "economic_bn": billions(comparison["economic_profit_usd"]),
        "cumulative_bn": billions(comparison["cumulative_overstatement_usd"]),
    })


_PRE_TAX = N_("Pre-tax profit")
_OPERATING = N_("Profit before interest and tax")


def _profit_panels(base: alt.Chart, width=WIDTH, profit_label: str = _PRE_TAX):
    """Rows of :func:`_profit_rows` -> (profit lines, cumulative overstatement bars)."""
    top = base.transform_fold(["reported_bn", "economic_bn"], as_=["key", "profit_bn"]).transform_calculate(
        series=f"datum.key == 'reported_bn' ? '{_(_REPORTED)}' : '{_(_ECONOMIC)}'"
    ).mark_line(point=True).encode(
        x=alt.X("year:O", title=_("Year")),
        y=alt.Y("profit_bn:Q", title=_("{profit} (USD billions)").format(profit=_(profit_label))),
        color=alt.Color("series:N", title=None, scale=_profit_scale(), legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("series:N", title=_("Series")), alt.Tooltip("year:O", title=_("Year")),
                 alt.Tooltip("profit_bn:Q", title=_("USD billions"), format=".2f")],
    ).properties(width=width, height=190)
    bottom = base.mark_bar().encode(
        x=alt.X("year:O", title=_("Year")),
        y=alt.Y("cumulative_bn:Q", title=_("Reported early (USD billions)")),
        color=alt.ColorValue(OKABE_ITO["sky_blue"], condition={"test": "datum.cumulative_bn >= 0", "value": OKABE_ITO["orange"]}),
        tooltip=[alt.Tooltip("year:O", title=_("Year")),
                 alt.Tooltip("cumulative_bn:Q", title=_("Cumulative overstatement (USD billions)"), format=".2f")],
    ).properties(width=width, height=120)
    return top, bottom


def _profit_finding(comparison: pd.DataFrame) -> tuple[str, str]:
    """(title, subtitle) stating how much profit is reported early and when it comes back."""
    peak = peak_overstatement(comparison)
    back = reversal_year(comparison)
    if peak > 0:
        title = _("{amount} of profit is reported before it is earned").format(amount=estimate_amount(peak))
        subtitle = (_("It comes back as extra expense from year {year}").format(year=back) if back
                    else _("It does not come back in this window"))
    elif peak < 0:
        title = _("The books hold back {amount} of profit").format(amount=estimate_amount(-peak))
        subtitle = (_("The accounting life is the shorter one; the profit comes back from year {year}").format(year=back)
                    if back else _("The accounting life is the shorter one"))
    else:
        title = _("Reported and economic profit agree every year")
        subtitle = _("The accounting life matches the economic life")
    return title, subtitle


def _profit_note(comparison: pd.DataFrame) -> str:
    """The finding in one short line, for the explorer."""
    peak = peak_overstatement(comparison)
    back = reversal_year(comparison)
    if peak == 0:
        return _("Reported and economic profit agree every year")
    what = _("reported early") if peak > 0 else _("held back")
    return (_("{amount} of profit {what}").format(amount=estimate_amount(abs(peak)), what=what)
            + (_("; it comes back from year {year}").format(year=back) if back else ""))


def profit_chart(comparison: pd.DataFrame, *, subject: str = "the SPV",
                 profit_label: str = _PRE_TAX) -> alt.VConcatChart:
    """Reported against economic profit by year (top) and the profit reported early, cumulated (bottom).

    ``comparison`` is a table from :func:`~gpu_finance.depreciation.profit_comparison` (the
    vehicle, pre-tax) or :func:`~gpu_finance.depreciation.owner_profit_comparison` (an owner; pass
    ``profit_label="Profit before interest and tax"``)."""
    top, bottom = _profit_panels(alt.Chart(_profit_rows(comparison)), profit_label=profit_label)
    title, subtitle = _profit_finding(comparison)
    return alt.vconcat(top, bottom).properties(
        title=alt.TitleParams(title, subtitle=subtitle),
        description=_("Two panels for {subject}. Top: {profit} by year as reported and with economic depreciation: "
                      "{years}. Bottom: cumulative difference, peaking at {peak}.").format(
            subject=shown_name(subject), profit=_(profit_label) if is_chinese() else profit_label.lower(),
            years=_("; ").join(_("year {year}: {reported} reported, {economic} economic").format(
                year=int(y), reported=estimate_amount(r), economic=estimate_amount(e)) for y, r, e in
                zip(comparison["year"], comparison["reported_profit_usd"], comparison["economic_profit_usd"])),
            peak=estimate_amount(peak_overstatement(comparison))),
    )


def _profit_explorer_chart(compare, low: int, high: int, accounting_default: int, *, title: str,
                           subtitle: str, description: str, profit_label: str) -> alt.VConcatChart:
    """The kernel-free explorer over (accounting life, economic life, method) for any comparison."""
    accounting = Slider("accounting_life_years", _("Accounting life (years)"), low, high, 1, accounting_default)
    economic = Slider("economic_life_years", _("Economic life (years)"), low, high, 1,
                      depreciation_fact("chapter2.economic_life_years"))
    controls = [accounting, economic, method_dropdown()]

    def rows(**chosen):
        table_ = compare(**chosen)
        row = packed(_profit_rows(table_))
        row["text"] = _profit_note(table_)
        return row

    data = grid(rows, controls)
    picked = alt.Chart(data).transform_filter(selected(controls))
    top, bottom = _profit_panels(picked.transform_flatten(["year", "reported_bn", "economic_bn", "cumulative_bn"]),
                                 profit_label=profit_label)
    return alt.vconcat(note_row(picked), bind(top, controls), bottom, spacing=6).properties(
        title=alt.TitleParams(title, subtitle=subtitle), description=description,
    )


def profit_explorer(deal: Deal, *, lives: tuple[int, int] = (2, 8)) -> alt.VConcatChart:
    """Kernel-free reported against economic profit of the vehicle: sliders for the accounting and
    economic lives and a menu for the accounting method (the economic benchmark is straight-line; no
    salvage, no operating cost)."""
    low, high = lives

    def compare(accounting_life_years, economic_life_years, method):
        return profit_comparison(deal, accounting_life_years, economic_life_years, method=method)

    return _profit_explorer_chart(
        compare, low, high, depreciation_fact("chapter2.accounting_life_years"),
        title=_("Move the sliders: a long life pulls profit forward"),
        subtitle=_("{name}; economic life straight-line; lease and interest from chapter 1").format(
            name=shown_name(deal.name)),
        description=_(
            "Interactive chart of the SPV's pre-tax profit by year, as reported and with depreciation over the "
            "economic life, and the cumulative difference. Sliders set the accounting and economic lives from "
            "{low} to {high} years and a menu the accounting method; a line of text gives the profit reported "
            "early and the year it comes back.").format(low=low, high=high),
        profit_label=_PRE_TAX,
    )


def owner_profit_explorer(fleet: Fleet, *, lives: tuple[int, int] = (2, 8),
                          rent_decline: float | None = None,
                          required_return: float | None = None) -> alt.VConcatChart:
    """Kernel-free reported against economic profit of an owner renting at market prices
    (:func:`~gpu_finance.depreciation.owner_profit_comparison`): sliders for the accounting and
    economic lives and a menu for the owner's depreciation method; rents fall by ``rent_decline`` a
    year and are discounted at ``required_return`` (default: the book's calibration and assumption,
    :data:`~gpu_finance.depreciation.CALIBRATED_ANNUAL_DECLINE` and
    :data:`~gpu_finance.depreciation.OWNER_REQUIRED_RETURN`)."""
    low, high = lives
    rent_decline, required_return = _owner_defaults(rent_decline, required_return)

    def compare(accounting_life_years, economic_life_years, method):
        return owner_profit_comparison(fleet, accounting_life_years, economic_life_years, method=method,
                                       rent_decline=rent_decline, required_return=required_return)

    return _profit_explorer_chart(
        compare, low, high, fleet.accounting_life_years,
        title=_("Move the sliders: a long life pulls profit forward"),
        subtitle=_("{name}, {cost}; rents fall {decline} a year; required return {required}").format(
            name=shown_name(fleet.name), cost=usd(fleet.cost_usd), decline=percent(rent_decline, 0),
            required=percent(required_return, 0)),
        description=_(
            "Interactive chart of the profit before interest and tax of {name}, which rents its GPUs out "
            "at market prices, by year, as reported and with economic depreciation (the fall in the value of "
            "the remaining rents), and the cumulative difference. Sliders set the accounting and economic lives "
            "from {low} to {high} years and a menu the accounting method; a line of text gives the profit "
            "reported early and the year it comes back.").format(name=shown_name(fleet.name), low=low, high=high),
        profit_label=_OPERATING,
    )


def _heatmap(peak_of, low: int, high: int, a_default: int, *, subject: str, diagonal_note: str) -> alt.LayerChart:
    """Heatmap of ``peak_of(a, e, method)`` over the two lives, with a method menu."""
    method = method_dropdown()
    span = range(low, high + 1)

    def cells(method):
        rows = [(a, e, peak_of(a, e, method)) for a in span for e in span]
        frame = pd.DataFrame(rows, columns=["accounting_life_years", "economic_life_years", "peak_usd"])
        frame["peak_bn"] = np.round(frame["peak_usd"] / money_divisor(), 2)
        return frame.drop(columns="peak_usd")

    data = grid(cells, [method])
    default = data[(data["method"] == method.default)]
    at = default.set_index(["accounting_life_years", "economic_life_years"])["peak_bn"]
    e_default = int(depreciation_fact("chapter2.economic_life_years"))
    largest = float(data["peak_bn"].abs().max())
    base = alt.Chart(data).transform_filter(selected([method])).encode(
        x=alt.X("accounting_life_years:O", title=_("Accounting life (years)"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("economic_life_years:O", title=_("Economic life (years)"), sort="descending"),
    )
    rect = base.mark_rect().encode(
        color=alt.Color("peak_bn:Q", title=_("USD billions"),
                        scale=alt.Scale(domain=[-largest, 0, largest],
                                        range=[OKABE_ITO["sky_blue"], "#f7f7f7", OKABE_ITO["orange"]])),
        tooltip=[alt.Tooltip("accounting_life_years:O", title=_("Accounting life (years)")),
                 alt.Tooltip("economic_life_years:O", title=_("Economic life (years)")),
                 alt.Tooltip("peak_bn:Q", title=_("Peak overstatement (USD billions)"), format=".2f")],
    )
    # Dark labels read at 9:1 or more on every fill of the scale (sky blue, near-white, orange).
    labels = base.mark_text(fontSize=MIN_FONT_PX).encode(
        text=alt.Text("peak_bn:Q", format=".0f" if is_chinese() else ".1f"), color=alt.ColorValue(LABEL_DARK),
    )
    peak = at[(a_default, e_default)] * money_divisor()
    finding = (_("report {amount} too early").format(amount=estimate_amount(peak)) if peak >= 0
               else _("hold back {amount}").format(amount=estimate_amount(-peak)))
    return alt.layer(bind(rect, [method]), labels).properties(
        title=alt.TitleParams(
            _("{accounting}-year books on {economic}-year chips {finding}").format(
                accounting=a_default, economic=e_default, finding=finding),
            subtitle=_("Peak profit reported early (orange) or held back (blue), USD billions"),
        ),
        width=330, height=300,
        description=_(
            "Heatmap of the largest cumulative overstatement of {subject}'s profit for accounting lives and "
            "economic lives from {low} to {high} years, with a menu for the accounting method. {note} "
            "With straight-line, {accounting} against {economic} years gives {peak}.").format(
            subject=shown_name(subject), low=low, high=high, note=diagonal_note, accounting=a_default,
            economic=e_default, peak=estimate_amount(peak)),
    )


def overstatement_heatmap(deal: Deal, *, lives: tuple[int, int] = (2, 8)) -> alt.LayerChart:
    """Kernel-free heatmap of the vehicle's peak cumulative profit overstatement over (accounting
    life, economic life), with a menu for the accounting method (the economic benchmark stays
    straight-line)."""
    low, high = lives
    return _heatmap(
        lambda a, e, method: peak_overstatement(profit_comparison(deal, a, e, method=method)),
        low, high, int(depreciation_fact("chapter2.accounting_life_years")), subject=N_("the SPV"),
        diagonal_note=_("Above the diagonal (accounting life longer than economic life) profit is overstated; "
                        "below it, understated."),
    )


def owner_overstatement_heatmap(fleet: Fleet, *, lives: tuple[int, int] = (2, 8),
                                rent_decline: float | None = None,
                                required_return: float | None = None) -> alt.LayerChart:
    """Kernel-free heatmap of an owner's peak cumulative profit overstatement over (accounting life,
    economic life), with a menu for the owner's depreciation method; rents fall by ``rent_decline`` a
    year and are discounted at ``required_return``, by default the book's
    (:func:`~gpu_finance.depreciation.owner_profit_comparison`)."""
    low, high = lives
    rent_decline, required_return = _owner_defaults(rent_decline, required_return)

    def peak_of(a, e, method):
        return peak_overstatement(owner_profit_comparison(fleet, a, e, method=method, rent_decline=rent_decline,
                                                          required_return=required_return))

    return _heatmap(
        peak_of, low, high, fleet.accounting_life_years, subject=fleet.name,
        diagonal_note=_("Rents fall {decline} a year, so the value is lost fastest while the chips are new: even on "
                        "the diagonal, where the lives agree, straight-line books report profit early; further above "
                        "it, more so; well below it, the books hold profit back.").format(
            decline=percent(rent_decline, 0)),
    )


# ------------------------------------------------------------------------ 4. the lender's view
# --------------------------------------------------------------------------- the live panel
def depreciation_panel(deal: Deal, *, fleet: Fleet | None = None) -> LivePanel:
    """Live panel: accounting life, method, salvage, economic life, yearly fall in market value,
    generation step, operating cost and covenant; redraws the book/market, profit and LTV charts.

    With ``fleet``, the profit tab shows that owner renting at market prices
    (:func:`~gpu_finance.depreciation.owner_profit_comparison`, its rents falling at the yearly fall
    in market value, the operating cost a share of its rent) instead of the vehicle ``deal``."""
    controls = [
        Slider("accounting_life_years", _("Accounting life (years)"), 1, 10, 1,
               depreciation_fact("chapter2.accounting_life_years")),
        method_dropdown(),
        Slider("salvage_fraction", _("Salvage value (% of cost)"), 0.0, 0.3, 0.05, 0.0, scale=100),
        Slider("economic_life_years", _("Economic life (years)"), 1, 10, 1,
               depreciation_fact("chapter2.economic_life_years")),
        decline_slider(),
        step_slider(step=0.05, maximum=0.5),
        Slider("operating_cost_fraction",
               _("SPV operating cost (% of lease income)") if fleet is None else _("Owner's running costs (% of rent)"),
               0.0, 0.5, 0.05, depreciation_fact("chapter2.operating_cost_fraction"), scale=100),
        Slider("covenant_max_ltv", _("Covenant: maximum loan-to-value (%)"), 0.5, 1.0, 0.05,
               collateral_model.COVENANT_MAX_LTV, scale=100),
    ]
    interval = int(generation_gap_years())

    def update(accounting_life_years, method, salvage_fraction, economic_life_years, annual_decline,
               generation_step, operating_cost_fraction, covenant_max_ltv):
        def book_and_market():
            values = book_versus_market(deal.total_cost_usd, accounting_life_years, method, salvage_fraction,
                                        annual_decline=annual_decline, generation_step=generation_step,
                                        generation_interval_years=interval,
                                        years=max(accounting_life_years, deal.debt_term_years))
            return [book_market_chart(values)]

        def profit():
            if fleet is not None:
                owned = owner_profit_comparison(fleet, accounting_life_years, economic_life_years, method=method,
                                                rent_decline=annual_decline, salvage_fraction=salvage_fraction,
                                                operating_cost_fraction=operating_cost_fraction)
                return [profit_chart(owned, subject=fleet.name, profit_label=_OPERATING)]
            profits = profit_comparison(deal, accounting_life_years, economic_life_years, method=method,
                                        salvage_fraction=salvage_fraction,
                                        operating_cost_fraction=operating_cost_fraction)
            return [profit_chart(profits)]

        def lender():
            path = collateral_path(deal, annual_decline, generation_step=generation_step,
                                   generation_interval_years=interval, salvage_fraction=salvage_fraction,
                                   covenant_max_ltv=covenant_max_ltv)
            return [ltv_chart(path, covenant_max_ltv)]

        # Three tabs, each computed only when in view (see gpu_finance.viz.controls.LivePanel).
        return {_("Book and market value"): book_and_market, _("Reported and economic profit"): profit,
                _("The lender's view"): lender}

    return live_panel(controls, update, title=_("The depreciation game, live: change the lives and the value"))


