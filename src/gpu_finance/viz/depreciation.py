"""Figures and the live panel of chapter 2, "The depreciation game".

Every function here draws what :mod:`gpu_finance.depreciation` and :mod:`gpu_finance.collateral`
compute; none holds any finance of its own. The ``*_explorer`` charts work on the website without
Python: the model is evaluated over every position of their controls (:func:`~.controls.grid`) and
Vega-Lite picks the rows that match.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from ..collateral import COVENANT_MAX_LTV, collateral_path, covenant_breach_year
from ..deal import Deal
from ..depreciation import (
    CALIBRATED_ANNUAL_DECLINE,
    METHODS,
    OWNER_REQUIRED_RETURN,
    DeclineEstimate,
    Fleet,
    book_versus_market,
    calibration_prices,
    depreciation_fact,
    depreciation_schedule,
    generation_gap_years,
    impairment_year,
    peak_overstatement,
    owner_profit_comparison,
    price_trend,
    profit_comparison,
    reversal_year,
)
from ..formatting import date_text, estimate_percent, estimate_usd, percent, table, usd, usd_billions, years
from .controls import Dropdown, LivePanel, Slider, bind, grid, live_panel, selected
from .theme import OKABE_ITO, PARTY_COLORS

__all__ = [
    "METHOD_LABELS",
    "bounds_sentence",
    "method_dropdown",
    "schedule_table",
    "facts_table",
    "contracts_table",
    "methods_chart",
    "book_market_chart",
    "book_market_explorer",
    "profit_chart",
    "profit_explorer",
    "overstatement_heatmap",
    "owner_profit_explorer",
    "owner_overstatement_heatmap",
    "ltv_chart",
    "ltv_explorer",
    "useful_lives_chart",
    "profit_effects_chart",
    "rental_prices_chart",
    "generations_chart",
    "lives_chart",
    "depreciation_panel",
]

#: Reader-facing names of the depreciation methods.
METHOD_LABELS: dict[str, str] = {
    "straight_line": "Straight-line",
    "double_declining_balance": "Double-declining balance",
    "sum_of_years_digits": "Sum-of-years' digits",
}

_BOOK = "Book value"
_MARKET = "Market value"
_VALUE_SCALE = alt.Scale(domain=[_BOOK, _MARKET], range=[OKABE_ITO["blue"], OKABE_ITO["vermillion"]])
_REPORTED = "Reported profit"
_ECONOMIC = "Economic profit"
_PROFIT_SCALE = alt.Scale(domain=[_REPORTED, _ECONOMIC], range=[OKABE_ITO["blue"], OKABE_ITO["bluish_green"]])
_YEAR_AXIS = alt.Axis(format="d", tickMinStep=1)
_WIDTH = 400

#: Significant digits of the model's estimates in chart texts (the precision rule of
#: :mod:`gpu_finance.formatting`): market values, profits under assumed rents, lenders' losses.
_ESTIMATE_DIGITS = 3


def _estimate(amount: float):
    """A dollar figure that depends on assumed or calibrated inputs, to three significant digits."""
    return estimate_usd(amount, _ESTIMATE_DIGITS)


def _reported_usd(amount: float):
    """A reported dollar figure with all its digits (``$1.25B``, ``$920M``, ``$3.7B``): the fewest
    decimals (up to three) that write it exactly, in billions or millions."""
    scale = 1e9 if abs(amount) >= 1e9 else 1e6
    for digits in range(4):
        if math.isclose(round(amount / scale, digits), amount / scale, rel_tol=0.0, abs_tol=1e-9):
            return usd(amount, digits)
    return usd(amount, 3)


def _note_row(chart: alt.Chart) -> alt.Chart:
    """A one-line text view above a chart: the finding for the controls' current position."""
    return chart.mark_text(align="left", baseline="middle", fontSize=12, fontWeight="bold",
                           color=OKABE_ITO["black"], limit=_WIDTH + 40).encode(
        x=alt.XValue(0), y=alt.YValue(9), text=alt.Text("text:N")).properties(width=_WIDTH, height=18)


def _packed(frame: pd.DataFrame) -> pd.DataFrame:
    """One row holding each column as a list: a grid stored this way is several times smaller in
    the page; the chart unpacks it with ``transform_flatten`` after picking the row."""
    return pd.DataFrame({column: [frame[column].tolist()] for column in frame.columns})


def _bn(values) -> np.ndarray:
    """USD to USD billions, rounded to keep the page's data small."""
    return np.round(np.asarray(values, dtype=float) / 1e9, 4)


def method_dropdown(default: str = "straight_line") -> Dropdown:
    """The depreciation-method menu, offering every method in :data:`METHODS`."""
    return Dropdown("method", "Depreciation method", tuple((METHOD_LABELS[m], m) for m in METHODS), default)


def _decline_slider(name: str = "annual_decline") -> Slider:
    default = round(round(CALIBRATED_ANNUAL_DECLINE / 0.01) * 0.01, 2)
    return Slider(name, "Yearly fall in market value (%)", 0.0, 0.6, 0.01, default, scale=100)


def _step_slider(step: float = 0.05, maximum: float = 0.3) -> Slider:
    return Slider("generation_step", "Extra drop per new generation (%)", 0.0, maximum, step,
                  depreciation_fact("chapter2.generation_step"), scale=100)


# ------------------------------------------------------------------------- 1. the mechanics
def schedule_table(schedule: pd.DataFrame):
    """A depreciation schedule (:func:`depreciation_schedule`) styled for reading, in USD billions."""
    money = {c: usd_billions for c in ("expense", "accumulated", "book_value")}
    labels = {"expense": "Expense", "accumulated": "Accumulated depreciation", "book_value": "Book value"}
    return table(schedule, formats=money, labels=labels)


def facts_table(facts: pd.DataFrame):
    """The chapter's single figures (:func:`depreciation_facts`), each written in its unit."""
    writers = {"USD": usd, "years": years}
    shown = facts.reset_index()
    shown["value"] = [writers.get(unit, percent)(value) for value, unit in zip(shown["value"], shown["unit"])]
    shown = shown[["description", "value", "date", "confidence", "source"]]
    return table(shown, labels={"description": "Figure"})


def contracts_table(contracts: pd.DataFrame):
    """Disclosed compute contracts (:func:`~gpu_finance.depreciation.compute_contracts`) for reading.

    The monthly fees are reported figures and keep their digits (``$1.25B``, ``$920M``); the
    price per GPU-hour is arithmetic on them, in dollars and cents.
    """
    columns = ["customer", "monthly_fee_usd", "gpu_count", "start", "end", "usd_per_gpu_hour", "confidence"]
    formats = {"monthly_fee_usd": _reported_usd, "gpu_count": lambda x: f"{x:,.0f}",
               "usd_per_gpu_hour": lambda x: f"${x:.2f}"}
    labels = {"monthly_fee_usd": "Monthly fee", "gpu_count": "GPUs", "start": "From", "end": "To",
              "usd_per_gpu_hour": "USD per GPU-hour"}
    return table(contracts[columns], formats=formats, labels=labels)


def methods_chart(cost: float, life_years: int, salvage_fraction: float = 0.0) -> alt.Chart:
    """Book value year by year under the three methods: the same total, written off at different speeds."""
    rows = []
    for method in METHODS:
        schedule = depreciation_schedule(cost, life_years, salvage_fraction, method)
        first = pd.DataFrame({"year": [0], "book_value": [cost], "expense": [0.0]})
        frame = pd.concat([first, schedule[["year", "book_value", "expense"]]], ignore_index=True)
        frame["method"] = METHOD_LABELS[method]
        rows.append(frame)
    data = pd.concat(rows, ignore_index=True)
    data["book_bn"] = _bn(data["book_value"])
    year_one = data[data["year"] == 1].set_index("method")["expense"]
    fastest = year_one.idxmax()
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("year:Q", title="Years after purchase", axis=_YEAR_AXIS),
        y=alt.Y("book_bn:Q", title="Book value (USD billions)"),
        color=alt.Color("method:N", title="Method", legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("method:N", title="Method"), alt.Tooltip("year:Q", title="Year"),
                 alt.Tooltip("book_bn:Q", title="Book value (USD billions)", format=".2f")],
    ).properties(
        title=alt.TitleParams(
            f"Same total, different timing: {usd(year_one[fastest])} in year 1 at the fastest",
            subtitle=f"{usd(cost)} over {years(life_years)}, salvage {percent(salvage_fraction)}: {fastest.lower()} "
                     f"front-loads; straight-line charges {usd(year_one[METHOD_LABELS['straight_line']])} a year",
        ),
        width=_WIDTH, height=240,
        description=(
            f"Line chart of book value by year for {usd(cost)} depreciated over {years(life_years)} by three "
            "methods. " + "; ".join(f"{m}: {usd(e)} in year 1" for m, e in year_one.items()) + ". All three "
            "end at the salvage value."
        ),
    )


# --------------------------------------------------------------- 2. book versus market value
def _value_lines(base: alt.Chart) -> alt.Chart:
    """Rows of (year, series, value_bn) -> the book and market value lines (static and explorer)."""
    encode = dict(
        x=alt.X("year:Q", title="Years after purchase", axis=_YEAR_AXIS),
        y=alt.Y("value_bn:Q", title="Value of the GPUs (USD billions)"),
        color=alt.Color("series:N", title=None, scale=_VALUE_SCALE, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("series:N", title="Series"), alt.Tooltip("year:Q", title="Year"),
                 alt.Tooltip("value_bn:Q", title="USD billions", format=".2f")],
    )
    return base.mark_line(point=True).encode(**encode)


def book_market_chart(frame: pd.DataFrame, *, description_note: str = "") -> alt.LayerChart:
    """Book value against market value from :func:`book_versus_market`, with the impairment year marked."""
    long = pd.concat([
        pd.DataFrame({"year": frame["year"], "series": _BOOK, "value_bn": _bn(frame["book_value_usd"])}),
        pd.DataFrame({"year": frame["year"], "series": _MARKET, "value_bn": _bn(frame["market_value_usd"])}),
    ], ignore_index=True)
    lines = _value_lines(alt.Chart(long))
    first = impairment_year(frame)
    widest = frame.loc[frame["gap_usd"].idxmax()]
    if first is None:
        title = "Market value never falls below book value"
        layers = [lines]
    else:
        title = f"Market value falls below book value in year {first}"
        rule = alt.Chart(pd.DataFrame({"year": [first]})).mark_rule(strokeDash=[4, 3], color=OKABE_ITO["grey"]).encode(x=alt.X("year:Q"))
        layers = [lines, rule]
    subtitle = (f"The books overstate the GPUs by up to {_estimate(widest['gap_usd'])} (year {int(widest['year'])})"
                if widest["gap_usd"] > 0 else "The books never overstate what the GPUs would sell for")
    return alt.layer(*layers).properties(
        title=alt.TitleParams(title, subtitle=subtitle),
        width=_WIDTH, height=240,
        description=(
            "Line chart of the GPUs' book value and market value by year. "
            + "; ".join(f"year {int(y)}: book {usd(b)}, market {_estimate(m)}"
                        for y, b, m in zip(frame["year"], frame["book_value_usd"], frame["market_value_usd"]))
            + ". " + description_note
        ),
    )


def book_market_explorer(cost: float, *, horizon_years: int = 8) -> alt.VConcatChart:
    """Kernel-free book value against market value: sliders for the accounting life, the method, the
    yearly fall in market value and an extra drop per generation; a line of text gives the first
    year the market value is below the book value."""
    life = Slider("accounting_life_years", "Accounting life (years)", 2, horizon_years, 1,
                  depreciation_fact("chapter2.accounting_life_years"))
    method = method_dropdown()
    decline = _decline_slider()
    step = _step_slider()
    book_controls, market_controls = [life, method], [decline, step]

    def book_rows(accounting_life_years, method):
        frame = book_versus_market(cost, accounting_life_years, method, annual_decline=0.0, years=horizon_years)
        return _packed(pd.DataFrame({"year": frame["year"], "value_bn": _bn(frame["book_value_usd"])}))

    def market_rows(annual_decline, generation_step):
        frame = book_versus_market(cost, 2, annual_decline=annual_decline, generation_step=generation_step,
                                   generation_interval_years=int(generation_gap_years()), years=horizon_years)
        return _packed(pd.DataFrame({"year": frame["year"], "value_bn": _bn(frame["market_value_usd"])}))

    # One data set holds both series; a row's own controls pick it (the other columns hold -1 or "").
    book = grid(book_rows, book_controls).assign(series=_BOOK, annual_decline=-1.0, generation_step=-1.0)
    market = grid(market_rows, market_controls).assign(series=_MARKET, accounting_life_years=-1.0, method="")
    data = pd.concat([book, market], ignore_index=True)
    pick = (f"(datum.series == '{_BOOK}' && {selected(book_controls)}) || "
            f"(datum.series == '{_MARKET}' && {selected(market_controls)})")
    picked = alt.Chart(data).transform_filter(pick).transform_flatten(["year", "value_bn"])
    lines = bind(_value_lines(picked), book_controls + market_controls).properties(width=_WIDTH, height=240)
    note = (
        picked
        .transform_pivot("series", value="value_bn", groupby=["year"])
        .transform_calculate(hit=f"datum.year >= 1 && datum['{_MARKET}'] < datum['{_BOOK}'] - 1e-9 ? datum.year : 99")
        .transform_aggregate(first="min(hit)")
        .transform_calculate(text="datum.first == 99 ? 'Market value stays at or above book value' : "
                                  "'Market value falls below book value in year ' + datum.first")
    )
    return alt.vconcat(_note_row(note), lines, spacing=4).properties(
        title=alt.TitleParams(
            "Move the sliders: when do the books overstate the chips?",
            subtitle=f"{usd(cost)} of GPUs; a new generation every {years(generation_gap_years())}; no salvage",
        ),
        description=(
            f"Interactive line chart of book value and market value of {usd(cost)} of GPUs over "
            f"{horizon_years} years. Sliders set the accounting life (2 to {horizon_years} years), the "
            "depreciation method, the yearly fall in market value (0% to 60%) and an extra drop when a new "
            "chip generation ships (0% to 30%). A line of text gives the first year the market value is "
            "below the book value."
        ),
    )


# ------------------------------------------------------------ 3. reported versus economic profit
def _profit_rows(comparison: pd.DataFrame) -> pd.DataFrame:
    """Year, reported and economic profit and the cumulative overstatement, in USD billions."""
    return pd.DataFrame({
        "year": comparison["year"],
        "reported_bn": _bn(comparison["reported_profit_usd"]),
        "economic_bn": _bn(comparison["economic_profit_usd"]),
        "cumulative_bn": _bn(comparison["cumulative_overstatement_usd"]),
    })


_PRE_TAX = "Pre-tax profit"
_OPERATING = "Profit before interest and tax"


def _profit_panels(base: alt.Chart, width=_WIDTH, profit_label: str = _PRE_TAX):
    """Rows of :func:`_profit_rows` -> (profit lines, cumulative overstatement bars)."""
    top = base.transform_fold(["reported_bn", "economic_bn"], as_=["key", "profit_bn"]).transform_calculate(
        series=f"datum.key == 'reported_bn' ? '{_REPORTED}' : '{_ECONOMIC}'"
    ).mark_line(point=True).encode(
        x=alt.X("year:O", title="Year"),
        y=alt.Y("profit_bn:Q", title=f"{profit_label} (USD billions)"),
        color=alt.Color("series:N", title=None, scale=_PROFIT_SCALE, legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("series:N", title="Series"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("profit_bn:Q", title="USD billions", format=".2f")],
    ).properties(width=width, height=190)
    bottom = base.mark_bar().encode(
        x=alt.X("year:O", title="Year"),
        y=alt.Y("cumulative_bn:Q", title="Reported early (USD billions)"),
        color=alt.ColorValue(OKABE_ITO["sky_blue"], condition={"test": "datum.cumulative_bn >= 0", "value": OKABE_ITO["orange"]}),
        tooltip=[alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("cumulative_bn:Q", title="Cumulative overstatement (USD billions)", format=".2f")],
    ).properties(width=width, height=120)
    return top, bottom


def _profit_finding(comparison: pd.DataFrame) -> tuple[str, str]:
    """(title, subtitle) stating how much profit is reported early and when it comes back."""
    peak = peak_overstatement(comparison)
    back = reversal_year(comparison)
    if peak > 0:
        title = f"{_estimate(peak)} of profit is reported before it is earned"
        subtitle = f"It comes back as extra expense from year {back}" if back else "It does not come back in this window"
    elif peak < 0:
        title = f"The books hold back {_estimate(-peak)} of profit"
        subtitle = (f"The accounting life is the shorter one; the profit comes back from year {back}" if back
                    else "The accounting life is the shorter one")
    else:
        title = "Reported and economic profit agree every year"
        subtitle = "The accounting life matches the economic life"
    return title, subtitle


def _profit_note(comparison: pd.DataFrame) -> str:
    """The finding in one short line, for the explorer."""
    peak = peak_overstatement(comparison)
    back = reversal_year(comparison)
    if peak == 0:
        return "Reported and economic profit agree every year"
    what = "reported early" if peak > 0 else "held back"
    return f"{_estimate(abs(peak))} of profit {what}" + (f"; it comes back from year {back}" if back else "")


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
        description=(
            f"Two panels for {subject}. Top: {profit_label.lower()} by year as reported and with economic "
            "depreciation: " + "; ".join(
                f"year {int(y)}: {_estimate(r)} reported, {_estimate(e)} economic" for y, r, e in
                zip(comparison["year"], comparison["reported_profit_usd"], comparison["economic_profit_usd"]))
            + ". Bottom: cumulative difference, peaking at " + _estimate(peak_overstatement(comparison)) + "."
        ),
    )


def _profit_explorer_chart(compare, low: int, high: int, accounting_default: int, *, title: str,
                           subtitle: str, description: str, profit_label: str) -> alt.VConcatChart:
    """The kernel-free explorer over (accounting life, economic life, method) for any comparison."""
    accounting = Slider("accounting_life_years", "Accounting life (years)", low, high, 1, accounting_default)
    economic = Slider("economic_life_years", "Economic life (years)", low, high, 1,
                      depreciation_fact("chapter2.economic_life_years"))
    controls = [accounting, economic, method_dropdown()]

    def rows(**chosen):
        table_ = compare(**chosen)
        packed = _packed(_profit_rows(table_))
        packed["text"] = _profit_note(table_)
        return packed

    data = grid(rows, controls)
    picked = alt.Chart(data).transform_filter(selected(controls))
    top, bottom = _profit_panels(picked.transform_flatten(["year", "reported_bn", "economic_bn", "cumulative_bn"]),
                                 profit_label=profit_label)
    return alt.vconcat(_note_row(picked), bind(top, controls), bottom, spacing=6).properties(
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
        title="Move the sliders: a long life pulls profit forward",
        subtitle=f"{deal.name}; economic life straight-line; lease and interest from chapter 1",
        description=(
            "Interactive chart of the SPV's pre-tax profit by year, as reported and with depreciation over the "
            f"economic life, and the cumulative difference. Sliders set the accounting and economic lives from "
            f"{low} to {high} years and a menu the accounting method; a line of text gives the profit reported "
            "early and the year it comes back."
        ),
        profit_label=_PRE_TAX,
    )


def owner_profit_explorer(fleet: Fleet, *, lives: tuple[int, int] = (2, 8),
                          rent_decline: float = CALIBRATED_ANNUAL_DECLINE,
                          required_return: float = OWNER_REQUIRED_RETURN) -> alt.VConcatChart:
    """Kernel-free reported against economic profit of an owner renting at market prices
    (:func:`~gpu_finance.depreciation.owner_profit_comparison`): sliders for the accounting and
    economic lives and a menu for the owner's depreciation method; rents fall by ``rent_decline`` a
    year and are discounted at ``required_return``."""
    low, high = lives

    def compare(accounting_life_years, economic_life_years, method):
        return owner_profit_comparison(fleet, accounting_life_years, economic_life_years, method=method,
                                       rent_decline=rent_decline, required_return=required_return)

    return _profit_explorer_chart(
        compare, low, high, fleet.accounting_life_years,
        title="Move the sliders: a long life pulls profit forward",
        subtitle=(f"{fleet.name}, {usd(fleet.cost_usd)}; rents fall {percent(rent_decline, 0)} a year; "
                  f"required return {percent(required_return, 0)}"),
        description=(
            f"Interactive chart of the profit before interest and tax of {fleet.name}, which rents its GPUs out "
            "at market prices, by year, as reported and with economic depreciation (the fall in the value of "
            "the remaining rents), and the cumulative difference. Sliders set the accounting and economic lives "
            f"from {low} to {high} years and a menu the accounting method; a line of text gives the profit "
            "reported early and the year it comes back."
        ),
        profit_label=_OPERATING,
    )


def _heatmap(peak_of, low: int, high: int, a_default: int, *, subject: str, diagonal_note: str) -> alt.LayerChart:
    """Heatmap of ``peak_of(a, e, method)`` over the two lives, with a method menu."""
    method = method_dropdown()
    span = range(low, high + 1)

    def cells(method):
        rows = [(a, e, peak_of(a, e, method)) for a in span for e in span]
        frame = pd.DataFrame(rows, columns=["accounting_life_years", "economic_life_years", "peak_usd"])
        frame["peak_bn"] = np.round(frame["peak_usd"] / 1e9, 2)
        return frame.drop(columns="peak_usd")

    data = grid(cells, [method])
    default = data[(data["method"] == method.default)]
    at = default.set_index(["accounting_life_years", "economic_life_years"])["peak_bn"]
    e_default = int(depreciation_fact("chapter2.economic_life_years"))
    largest = float(data["peak_bn"].abs().max())
    base = alt.Chart(data).transform_filter(selected([method])).encode(
        x=alt.X("accounting_life_years:O", title="Accounting life (years)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("economic_life_years:O", title="Economic life (years)", sort="descending"),
    )
    rect = base.mark_rect().encode(
        color=alt.Color("peak_bn:Q", title="USD billions",
                        scale=alt.Scale(domain=[-largest, 0, largest],
                                        range=[OKABE_ITO["blue"], "#f7f7f7", OKABE_ITO["vermillion"]])),
        tooltip=[alt.Tooltip("accounting_life_years:O", title="Accounting life (years)"),
                 alt.Tooltip("economic_life_years:O", title="Economic life (years)"),
                 alt.Tooltip("peak_bn:Q", title="Peak overstatement (USD billions)", format=".2f")],
    )
    labels = base.mark_text(fontSize=10).encode(
        text=alt.Text("peak_bn:Q", format=".1f"),
        color=alt.ColorValue("black", condition={"test": f"abs(datum.peak_bn) > {largest * 0.6!r}", "value": "white"}),
    )
    peak = at[(a_default, e_default)] * 1e9
    finding = f"report {_estimate(peak)} too early" if peak >= 0 else f"hold back {_estimate(-peak)}"
    return alt.layer(bind(rect, [method]), labels).properties(
        title=alt.TitleParams(
            f"{a_default}-year books on {e_default}-year chips {finding}",
            subtitle="Peak profit reported early (orange) or held back (blue), USD billions",
        ),
        width=330, height=300,
        description=(
            f"Heatmap of the largest cumulative overstatement of {subject}'s profit for accounting lives and "
            f"economic lives from {low} to {high} years, with a menu for the accounting method. {diagonal_note} "
            f"With straight-line, {a_default} against {e_default} years gives {_estimate(peak)}."
        ),
    )


def overstatement_heatmap(deal: Deal, *, lives: tuple[int, int] = (2, 8)) -> alt.LayerChart:
    """Kernel-free heatmap of the vehicle's peak cumulative profit overstatement over (accounting
    life, economic life), with a menu for the accounting method (the economic benchmark stays
    straight-line)."""
    low, high = lives
    return _heatmap(
        lambda a, e, method: peak_overstatement(profit_comparison(deal, a, e, method=method)),
        low, high, int(depreciation_fact("chapter2.accounting_life_years")), subject="the SPV",
        diagonal_note=("Above the diagonal (accounting life longer than economic life) profit is overstated; "
                       "below it, understated."),
    )


def owner_overstatement_heatmap(fleet: Fleet, *, lives: tuple[int, int] = (2, 8),
                                rent_decline: float = CALIBRATED_ANNUAL_DECLINE,
                                required_return: float = OWNER_REQUIRED_RETURN) -> alt.LayerChart:
    """Kernel-free heatmap of an owner's peak cumulative profit overstatement over (accounting life,
    economic life), with a menu for the owner's depreciation method; rents fall by ``rent_decline`` a
    year (:func:`~gpu_finance.depreciation.owner_profit_comparison`)."""
    low, high = lives

    def peak_of(a, e, method):
        return peak_overstatement(owner_profit_comparison(fleet, a, e, method=method, rent_decline=rent_decline,
                                                          required_return=required_return))

    return _heatmap(
        peak_of, low, high, fleet.accounting_life_years, subject=fleet.name,
        diagonal_note=(f"Rents fall {percent(rent_decline, 0)} a year, so the value is lost fastest while the "
                       "chips are new: even on the diagonal, where the lives agree, straight-line books report "
                       "profit early; further above it, more so; well below it, the books hold profit back."),
    )


# ------------------------------------------------------------------------ 4. the lender's view
def _ltv_rows(path: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "year": path["year"],
        "ltv": np.round(path["ltv"].to_numpy(dtype=float), 4),
        "balance_bn": _bn(path["loan_balance_usd"]),
        "recovery_bn": _bn(path["recovery_usd"]),
        "loss_bn": _bn(path["lender_loss_usd"]),
    })


_LTV_TOP = 2.0


def _ltv_line(base: alt.Chart, top: float = _LTV_TOP) -> alt.Chart:
    return base.mark_line(point=alt.OverlayMarkDef(color=PARTY_COLORS["lenders"]),
                                     color=PARTY_COLORS["lenders"], clip=True).encode(
        x=alt.X("year:Q", title="Years after signing", axis=_YEAR_AXIS),
        y=alt.Y("ltv:Q", title="Loan-to-value ratio (%)", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, top])),
        tooltip=[alt.Tooltip("year:Q", title="Year"), alt.Tooltip("ltv:Q", title="Loan-to-value", format=".0%"),
                 alt.Tooltip("balance_bn:Q", title="Loan balance (USD billions)", format=".2f")],
    )


def _recovery_bars(base: alt.Chart, last_year: int) -> alt.Chart:
    """Bars of what is owed and what selling the GPUs recovers, for defaults after years 1 to last_year - 1."""
    long = base.transform_fold(["balance_bn", "recovery_bn"], as_=["what", "bn"]).transform_calculate(
        label="datum.what == 'balance_bn' ? 'Owed to lenders' : 'Recovered by selling the GPUs'"
    ).transform_filter(f"datum.year >= 1 && datum.year < {int(last_year)}")
    return long.mark_bar().encode(
        x=alt.X("year:O", title="SPV defaults just after year"),
        xOffset=alt.XOffset("label:N"),
        y=alt.Y("bn:Q", title="USD billions"),
        color=alt.Color("label:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=["Owed to lenders", "Recovered by selling the GPUs"],
                                        range=[PARTY_COLORS["lenders"], OKABE_ITO["grey"]])),
        tooltip=[alt.Tooltip("year:O", title="Default after year"), alt.Tooltip("label:N", title="What"),
                 alt.Tooltip("bn:Q", title="USD billions", format=".2f")],
    ).properties(width=_WIDTH, height=140)


def ltv_chart(path: pd.DataFrame, covenant_max_ltv: float = COVENANT_MAX_LTV) -> alt.VConcatChart:
    """The loan-to-value path from :func:`collateral_path` against the covenant (top), and what the
    lenders are owed and would recover if the SPV defaulted after each year (bottom)."""
    data = _ltv_rows(path)
    breach = covenant_breach_year(path)
    ceiling = max(1.0, float(path["ltv"].max()), covenant_max_ltv) * 1.1
    line = _ltv_line(alt.Chart(data), ceiling)
    rule = alt.Chart(pd.DataFrame({"cap": [covenant_max_ltv]})).mark_rule(strokeDash=[5, 3], color=OKABE_ITO["black"]).encode(y=alt.Y("cap:Q"))
    top = alt.layer(line, rule).properties(width=_WIDTH, height=200)
    bars = _recovery_bars(alt.Chart(data), int(path["year"].max()))
    worst = path.loc[path["lender_loss_usd"].idxmax()]
    cap = percent(covenant_max_ltv, 0)
    title = (f"The loan breaks the {cap} loan-to-value covenant in year {breach}" if breach is not None
             else f"The loan stays within the {cap} loan-to-value covenant")
    subtitle = (f"A default just after year {int(worst['year'])} would cost the lenders {_estimate(worst['lender_loss_usd'])}"
                if worst["lender_loss_usd"] > 0 else "Selling the GPUs would repay the lenders in full in every year")
    return alt.vconcat(top, bars).properties(
        title=alt.TitleParams(title, subtitle=subtitle),
        description=(
            "Two panels. Top: loan-to-value ratio by year, "
            + "; ".join(f"year {int(y)}: {percent(v, 0)}" for y, v in zip(path["year"], path["ltv"]))
            + f", against a covenant at {percent(covenant_max_ltv, 0)} (dashed line). Bottom: loan balance and "
            "what selling the GPUs would recover if the SPV defaulted just after each year."
        ),
    )


def ltv_explorer(deal: Deal) -> alt.VConcatChart:
    """Kernel-free loan-to-value path: sliders for the yearly fall in market value, the extra drop per
    generation and the covenant's maximum; a text line gives the year the covenant breaks."""
    decline = _decline_slider()
    step = _step_slider()
    covenant = Slider("covenant_max_ltv", "Covenant: maximum loan-to-value (%)", 0.5, 1.0, 0.05,
                      COVENANT_MAX_LTV, scale=100)
    path_controls = [decline, step]
    interval = int(generation_gap_years())

    def rows(annual_decline, generation_step):
        path = collateral_path(deal, annual_decline, generation_step=generation_step,
                               generation_interval_years=interval)
        return _packed(_ltv_rows(path).drop(columns="loss_bn"))

    data = grid(rows, path_controls)
    picked = alt.Chart(data).transform_filter(selected(path_controls)).transform_flatten(
        ["year", "ltv", "balance_bn", "recovery_bn"])
    line = bind(_ltv_line(picked), path_controls + [covenant])
    rule = alt.Chart(pd.DataFrame({"one": [1]})).transform_calculate(cap="covenant_max_ltv / 100").mark_rule(
        strokeDash=[5, 3], color=OKABE_ITO["black"]).encode(y=alt.Y("cap:Q"))
    note = (
        picked
        .transform_calculate(hit="datum.ltv * 100 > covenant_max_ltv + 1e-9 ? datum.year : 99")
        .transform_aggregate(first="min(hit)", peak="max(ltv)")
        .transform_calculate(text="(datum.first == 99 ? 'No covenant breach' : "
                                  "'The covenant breaks in year ' + datum.first) + '; peak loan-to-value ' + "
                                  "format(datum.peak, '.0%')")
    )
    top = alt.layer(line, rule).properties(width=_WIDTH, height=200)
    bars = _recovery_bars(picked, deal.debt_term_years)
    return alt.vconcat(_note_row(note), top, bars, spacing=6).properties(
        title=alt.TitleParams(
            "Move the sliders: can the collateral shrink faster than the loan?",
            subtitle=f"{deal.name}; a ratio above {percent(_LTV_TOP, 0)} runs off the chart",
        ),
        description=(
            f"Interactive chart of the loan-to-value ratio of {deal.name} by year, with a dashed line at the "
            "covenant's maximum, and bars of what lenders are owed and would recover after a default in each "
            "year. Sliders set the yearly fall in the GPUs' market value (0% to 60%), an extra drop when a new "
            "generation ships (0% to 30%) and the covenant's maximum (50% to 100%)."
        ),
    )


# ----------------------------------------------------------------------- 5. the real world
def useful_lives_chart(changes: pd.DataFrame) -> alt.LayerChart:
    """Disclosed useful lives and their changes, company by company (a dumbbell per change)."""
    data = changes.copy()
    data["label"] = data["company"] + " " + data["effective"].astype(str) + " (" + data["assets"] + ")"
    data["order"] = np.arange(len(data))
    data["direction"] = np.select(
        [data["life_from_years"].isna(), data["life_to_years"] > data["life_from_years"]],
        ["Life as stated", "Lengthened"], default="Shortened",
    )
    data["start"] = data["life_from_years"].fillna(data["life_to_years"])
    colours = alt.Scale(domain=["Lengthened", "Shortened", "Life as stated"],
                        range=[OKABE_ITO["vermillion"], OKABE_ITO["blue"], OKABE_ITO["grey"]])
    base = alt.Chart(data).encode(y=alt.Y("label:N", title=None, sort=alt.SortField("order"),
                                          axis=alt.Axis(labelLimit=300)))
    bar = base.mark_rule(strokeWidth=2).encode(x=alt.X("start:Q", title="Useful life (years)",
                                                       scale=alt.Scale(domain=[0, 7])), x2=alt.X2("life_to_years:Q"),
                                               color=alt.Color("direction:N", scale=colours, title=None,
                                                               legend=alt.Legend(orient="bottom")))
    end = base.mark_point(filled=True, size=70).encode(
        x=alt.X("life_to_years:Q"), color=alt.Color("direction:N", scale=colours),
        tooltip=[alt.Tooltip("company:N", title="Company"), alt.Tooltip("assets:N", title="Assets"),
                 alt.Tooltip("effective:N", title="From"), alt.Tooltip("life_from_years:Q", title="Old life"),
                 alt.Tooltip("life_to_years:Q", title="New life"), alt.Tooltip("confidence:N", title="Confidence")])
    longer = int((data["direction"] == "Lengthened").sum())
    shorter = data[data["direction"] == "Shortened"]
    return alt.layer(bar, end).properties(
        title=alt.TitleParams(
            f"{longer} of the {longer + len(shorter)} changes on record lengthened lives"
            + (f"; {', '.join(shorter['company'])} cut some in {', '.join(shorter['effective'].astype(str))}"
               if len(shorter) else ""),
            subtitle="Most disclosures cover servers and network equipment, not GPUs alone",
        ),
        width=260, height=alt.Step(20),
        description="Dumbbell chart of disclosed useful lives: " + "; ".join(
            f"{r.company} {r.effective} ({r.assets}): "
            + (f"{r.life_from_years:g} to {r.life_to_years:g} years" if not math.isnan(r.life_from_years)
               else f"{r.life_to_years:g} years")
            for r in data.itertuples()) + ".",
    )


def profit_effects_chart(changes: pd.DataFrame) -> alt.LayerChart:
    """Bars of the disclosed first-year effect of each useful-life change on pre-tax profit."""
    data = changes.dropna(subset=["profit_effect_usd"]).copy()
    data["label"] = data["company"] + " " + data["effective"].astype(str)
    data["effect_bn"] = _bn(data["profit_effect_usd"])
    data["shown"] = data["profit_effect_usd"].map(_reported_usd)
    raised = data.loc[data["profit_effect_usd"] > 0, "profit_effect_usd"].sum()
    lowered = data.loc[data["profit_effect_usd"] < 0]
    order = data.sort_values("profit_effect_usd", ascending=False)["label"].tolist()
    base = alt.Chart(data).encode(y=alt.Y("label:N", title=None, sort=order))
    bars = base.mark_bar().encode(
        x=alt.X("effect_bn:Q", title="Effect on first-year pre-tax profit (USD billions)"),
        color=alt.ColorValue(OKABE_ITO["blue"], condition={"test": "datum.effect_bn > 0", "value": OKABE_ITO["vermillion"]}),
        tooltip=[alt.Tooltip("label:N", title="Change"), alt.Tooltip("effect_as_disclosed:N", title="As disclosed"),
                 alt.Tooltip("confidence:N", title="Confidence")],
    )
    text = base.mark_text(align="left", dx=4).encode(
        x=alt.X("label_at:Q"), text=alt.Text("shown:N")).transform_calculate(label_at="max(datum.effect_bn, 0)")
    return alt.layer(bars, text).properties(
        title=alt.TitleParams(
            f"Longer lives added {_reported_usd(raised)} to one year's profits at three companies",
            subtitle=(f"{', '.join(lowered['company'])}'s shorter life took {_reported_usd(-lowered['profit_effect_usd'].sum())} off"
                      if len(lowered) else ""),
        ),
        width=320, height=alt.Step(28),
        description="Bar chart of disclosed effects of useful-life changes on profit: " + "; ".join(
            f"{r.label}: {r.effect_as_disclosed}" for r in data.itertuples()) + ".",
    )


def _as_date(year_decimal: pd.Series) -> pd.Series:
    """Decimal years as dates, for a time axis."""
    whole = np.floor(year_decimal).astype(int)
    start = pd.to_datetime(whole.astype(str) + "-01-01")
    return start + pd.to_timedelta((year_decimal - whole) * 365.25, unit="D")


def _fit_lines(chip: pd.DataFrame, fits: dict, span: np.ndarray) -> pd.DataFrame:
    """Each fit as a line through the centre of its observations (mean date, mean log price)."""
    rows = []
    for label, (fit, chosen) in fits.items():
        centre_t = float(chosen["year_decimal"].mean())
        centre_log = float(np.log(chosen["price_usd_per_hour"]).mean())
        for rate, part in ((fit.estimate, "estimate"), (fit.low, "low"), (fit.high, "high")):
            slope = math.log1p(-rate)
            rows += [{"fit": label, "part": part, "year_decimal": t,
                      "price": round(math.exp(centre_log + slope * (t - centre_t)), 3)} for t in span]
    frame = pd.DataFrame(rows)
    frame["when"] = _as_date(frame["year_decimal"]).dt.strftime("%Y-%m-%d")
    return frame


def rental_prices_chart(prices: pd.DataFrame, decline, *, gpu: str = "H100", without_peak=None) -> alt.LayerChart:
    """Reported rental prices on a log scale, with the log-linear trend fitted to one GPU's history.

    ``decline`` is either a yearly decline (a float, drawn as one dashed trend) or a
    :class:`~gpu_finance.depreciation.DeclineEstimate` from :func:`calibrated_decline`, drawn as its
    fitted line with the interval as a shaded band (the lines with the interval's two ends as
    slopes, through the centre of the observations). ``without_peak``, another estimate, adds the
    fit without the 2023 scarcity peak as a second line.
    """
    data = prices.copy()
    data["when"] = _as_date(data["year_decimal"]).dt.strftime("%Y-%m-%d")
    chip = data[data["gpu"] == gpu]
    span = np.linspace(chip["year_decimal"].min(), chip["year_decimal"].max(), 12)
    first, last = int(data["year_decimal"].min()), int(data["year_decimal"].max()) + 1
    x = alt.X("when:T", title="Date", axis=alt.Axis(format="%Y", tickCount="year"),
              scale=alt.Scale(domain=[f"{first}-01-01", f"{last}-01-01"]))
    log_scale = alt.Scale(type="log", domain=[0.5, 12])
    y = alt.Y("price_usd_per_hour:Q", title="Rental price (USD per GPU-hour, log scale)", scale=log_scale)
    points = alt.Chart(data).mark_point(filled=True, size=80).encode(
        x=x, y=y,
        color=alt.Color("gpu:N", title="GPU", legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(range=[OKABE_ITO["bluish_green"], OKABE_ITO["reddish_purple"], OKABE_ITO["blue"]])),
        shape=alt.Shape("price_kind:N", title="Price", legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("gpu:N", title="GPU"), alt.Tooltip("date:N", title="Date"),
                 alt.Tooltip("price_usd_per_hour:Q", title="USD per hour", format=".2f"),
                 alt.Tooltip("bound:N", title="Reported as"), alt.Tooltip("price_kind:N", title="Price"),
                 alt.Tooltip("source:N", title="Source")],
    )
    listing = "; ".join(f"{r.gpu} {r.date}: {r.bound} ${r.price_usd_per_hour:.2f} ({r.price_kind})"
                        for r in data.itertuples())
    latest = chip.loc[chip["year_decimal"].idxmax()]
    rose = latest["price_usd_per_hour"] > chip["price_usd_per_hour"].min()
    if isinstance(decline, DeclineEstimate):
        fits = {"All prices": (decline, calibration_prices(gpu, include_peak=True))}
        if without_peak is not None:
            fits["Without the 2023 peak"] = (without_peak, calibration_prices(gpu, include_peak=False))
        lines = _fit_lines(chip, fits, span)
        palette = alt.Scale(domain=list(fits), range=[OKABE_ITO["blue"], OKABE_ITO["vermillion"]][: len(fits)])
        wide = lines.pivot_table(index=["fit", "year_decimal", "when"], columns="part", values="price").reset_index()
        band = alt.Chart(wide[wide["fit"] == "All prices"]).mark_area(opacity=0.18, color=OKABE_ITO["blue"]).encode(
            x=x, y=alt.Y("low:Q", scale=log_scale), y2=alt.Y2("high:Q"))
        trend = alt.Chart(lines[lines["part"] == "estimate"]).mark_line(strokeDash=[6, 3]).encode(
            x=x, y=alt.Y("price:Q", scale=log_scale),
            color=alt.Color("fit:N", title="Log-linear fit", scale=palette, legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("fit:N", title="Fit"), alt.Tooltip("price:Q", title="USD per hour", format=".2f")])
        shown = estimate_percent(decline.estimate, interval=(decline.low, decline.high), confidence=decline.confidence)
        title = f"{gpu} rents fell about {estimate_percent(decline.estimate)} a year on the fit, with a wide interval"
        if rose:
            title += f", and rose again in {int(latest['year_decimal'])}"
        subtitle = (f"Dashed: log-linear fit to {decline.n_observations} {gpu} prices, {shown}; "
                    "shaded: the interval's slopes")
        text = (f". A dashed line shows the fitted {gpu} trend, falling {shown} a year, and a shaded band the "
                "lines with the interval's two ends as slopes")
        if without_peak is not None:
            text += (", and a second dashed line the fit without the 2023 peak, falling "
                     + str(estimate_percent(without_peak.estimate, interval=(without_peak.low, without_peak.high),
                                            confidence=without_peak.confidence)) + " a year")
        layers = [band, trend, points]
    else:
        trend = pd.DataFrame({"year_decimal": span})
        trend["price"] = np.round(price_trend(chip["year_decimal"], chip["price_usd_per_hour"], span), 3)
        trend["when"] = _as_date(trend["year_decimal"]).dt.strftime("%Y-%m-%d")
        line = alt.Chart(trend).mark_line(strokeDash=[6, 3], color=OKABE_ITO["blue"]).encode(
            x=x, y=alt.Y("price:Q", scale=log_scale))
        title = f"{gpu} rents fell about {percent(decline, 0)} a year from launch to 2026"
        subtitle = f"Dashed: log-linear fit to the {len(chip)} {gpu} prices; an A100 from 2020 still rents"
        text = f". A dashed line shows the fitted {gpu} trend, falling {percent(decline, 0)} a year"
        layers = [line, points]
    return alt.layer(*layers).properties(
        title=alt.TitleParams(title, subtitle=subtitle),
        width=_WIDTH, height=260,
        description="Scatter chart of reported GPU rental prices in USD per GPU-hour on a log scale: " + listing
        + text + ".",
    )


def generations_chart(generations: pd.DataFrame) -> alt.LayerChart:
    """A timeline of Nvidia's data-centre GPU generations: released, announced or planned."""
    data = generations.copy()
    data["when"] = _as_date(data["year_decimal"]).dt.strftime("%Y-%m-%d")
    data["kind_label"] = data["kind"].map({"architecture": "New architecture", "refresh": "Refresh"})
    data["status"] = np.where(data["event"] == "planned", "Planned", "Released or announced")
    base = alt.Chart(data).encode(
        x=alt.X("when:T", title="Year", axis=alt.Axis(format="%Y", tickCount="year"),
                scale=alt.Scale(domain=[f"{int(data['year_decimal'].min())}-01-01",
                                        f"{int(data['year_decimal'].max()) + 1}-01-01"])),
        y=alt.Y("kind_label:N", title=None, sort=["New architecture", "Refresh"]),
    )
    dots = base.mark_point(size=110, filled=True).encode(
        shape=alt.Shape("status:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=["Released or announced", "Planned"], range=["circle", "triangle-up"])),
        color=alt.ColorValue(OKABE_ITO["blue"]),
        tooltip=[alt.Tooltip("generation:N", title="Generation"), alt.Tooltip("architecture:N", title="Architecture"),
                 alt.Tooltip("date:N", title="Date"), alt.Tooltip("description:N", title="What")],
    )
    labels = base.mark_text(dy=-12, fontSize=11, angle=0).encode(text=alt.Text("generation:N"))
    gap = generation_gap_years(generations)
    return alt.layer(dots, labels).properties(
        title=alt.TitleParams(
            f"A new Nvidia architecture about every {years(gap)}, with refreshes in between",
            subtitle="Nvidia announced a yearly rhythm in 2024; 2025 onwards are plans",
        ),
        width=_WIDTH, height=120,
        description="Timeline of Nvidia data-centre GPUs: " + "; ".join(
            f"{r.generation} ({r.kind}, {r.event} {r.date})" for r in data.itertuples()) + ".",
    )


def lives_chart(changes: pd.DataFrame) -> alt.LayerChart:
    """The accounting lives companies use now, against Epoch AI's frontier life and Bernstein's
    profitable life."""
    latest = changes.groupby("company", sort=False).tail(1)
    rows = [(f"{r.company} ({r.assets})", r.life_to_years, "Accounting life", r.confidence) for r in latest.itertuples()]
    rows.append(("Bernstein: profitable to run", depreciation_fact("bernstein.profitable_life_years"),
                 "Economic life (estimate)", "S"))
    rows.append(("Epoch AI: median frontier life", depreciation_fact("epoch.frontier_life_median_years"),
                 "Frontier life (measured)", "C"))
    data = pd.DataFrame(rows, columns=["what", "life_years", "kind", "confidence"])
    data["order"] = np.arange(len(data))
    band = pd.DataFrame({"what": ["Epoch AI: median frontier life"],
                         "low": [depreciation_fact("epoch.frontier_life_low_years")],
                         "high": [depreciation_fact("epoch.frontier_life_high_years")]})
    colours = alt.Scale(domain=["Accounting life", "Economic life (estimate)", "Frontier life (measured)"],
                        range=[OKABE_ITO["grey"], OKABE_ITO["bluish_green"], OKABE_ITO["vermillion"]])
    y = alt.Y("what:N", title=None, sort=list(data["what"]), axis=alt.Axis(labelLimit=320))
    bars = alt.Chart(data).mark_bar(height=14).encode(
        y=y, x=alt.X("life_years:Q", title="Years", scale=alt.Scale(domain=[0, 7])),
        color=alt.Color("kind:N", title=None, scale=colours, legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=[alt.Tooltip("what:N", title="What"), alt.Tooltip("life_years:Q", title="Years"),
                 alt.Tooltip("confidence:N", title="Confidence")],
    )
    whisker = alt.Chart(band).mark_rule(strokeWidth=2, color=OKABE_ITO["black"]).encode(y=y, x=alt.X("low:Q"), x2=alt.X2("high:Q"))
    frontier = depreciation_fact("epoch.frontier_life_median_years")
    return alt.layer(bars, whisker).properties(
        title=alt.TitleParams(
            f"The books say {latest['life_to_years'].min():g}–{latest['life_to_years'].max():g} years; "
            f"the frontier lasted {years(frontier)} (median)",
            subtitle="Black line: the range of Epoch AI's frontier lives; frontier life is not economic life",
        ),
        width=260, height=alt.Step(22),
        description="Bar chart of lives in years: " + "; ".join(f"{r.what}: {r.life_years:g}" for r in data.itertuples())
        + f". Epoch AI's frontier lives range from {band['low'].iloc[0]:g} to {band['high'].iloc[0]:g} years.",
    )


# --------------------------------------------------------------------------- the live panel
def depreciation_panel(deal: Deal, *, fleet: Fleet | None = None) -> LivePanel:
    """Live panel: accounting life, method, salvage, economic life, yearly fall in market value,
    generation step, operating cost and covenant; redraws the book/market, profit and LTV charts.

    With ``fleet``, the profit tab shows that owner renting at market prices
    (:func:`~gpu_finance.depreciation.owner_profit_comparison`, its rents falling at the yearly fall
    in market value, the operating cost a share of its rent) instead of the vehicle ``deal``."""
    controls = [
        Slider("accounting_life_years", "Accounting life (years)", 1, 10, 1,
               depreciation_fact("chapter2.accounting_life_years")),
        method_dropdown(),
        Slider("salvage_fraction", "Salvage value (% of cost)", 0.0, 0.3, 0.05, 0.0, scale=100),
        Slider("economic_life_years", "Economic life (years)", 1, 10, 1, depreciation_fact("chapter2.economic_life_years")),
        _decline_slider(),
        _step_slider(step=0.05, maximum=0.5),
        Slider("operating_cost_fraction",
               "SPV operating cost (% of lease income)" if fleet is None else "Owner's running costs (% of rent)",
               0.0, 0.5, 0.05, depreciation_fact("chapter2.operating_cost_fraction"), scale=100),
        Slider("covenant_max_ltv", "Covenant: maximum loan-to-value (%)", 0.5, 1.0, 0.05, COVENANT_MAX_LTV, scale=100),
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
        return {"Book and market value": book_and_market, "Reported and economic profit": profit,
                "The lender's view": lender}

    return live_panel(controls, update, title="The depreciation game, live: change the lives and the value")


def _month_year(date: str) -> str:
    """A data row's date in words: ``2024-10`` is ``October 2024``; a bare year stays as it is."""
    return date if len(date) == 4 else date_text(f"{date[:7]}-01").split(" ", 1)[1]


def bounds_sentence(prices: pd.DataFrame) -> str:
    """Which rental prices are bounds rather than quotes, in words, from the data rows.

    Parameters
    ----------
    prices : pandas.DataFrame
        Rows of :func:`gpu_finance.rental_prices` (columns ``bound`` and ``date``).

    Returns
    -------
    str
        For example ``the prices dated 2023 and February 2024 are lower bounds ("above"); the
        price dated October 2024 is an upper bound ("below")``, or ``""`` if no row is a bound.

    Examples
    --------
    >>> rows = pd.DataFrame({"bound": ["at least", "about", "at most"], "date": ["2023", "2024-02", "2024-10"]})
    >>> bounds_sentence(rows)
    'the price dated 2023 is a lower bound ("above"); the price dated October 2024 is an upper bound ("below")'
    """
    missing = {"bound", "date"} - set(getattr(prices, "columns", []))
    if missing:
        raise ValueError(f"prices lacks the columns {sorted(missing)}")
    parts = []
    for bound, one, many, word in (("at least", "a lower bound", "lower bounds", '"above"'),
                                   ("at most", "an upper bound", "upper bounds", '"below"')):
        dates = [_month_year(str(d)) for d in prices.loc[prices["bound"] == bound, "date"]]
        if len(dates) == 1:
            parts.append(f"the price dated {dates[0]} is {one} ({word})")
        elif dates:
            parts.append(f"the prices dated {', '.join(dates[:-1])} and {dates[-1]} are {many} ({word})")
    return "; ".join(parts)
