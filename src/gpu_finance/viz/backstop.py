"""Figures and the live panels of chapters 3 and 4, "The guarantee" and "The backstop".

Every function here draws what :mod:`gpu_finance.backstop` computes; none holds any finance of its
own. Kernel-free charts (:func:`guarantee_explorer`, :func:`waterfall_explorer`,
:func:`moral_hazard_explorer`) evaluate the model ahead of time over every position of their
controls; :func:`guarantee_panel` and :func:`backstop_panel` recompute it live in a notebook.
"""

from __future__ import annotations

import json
import math

import altair as alt
import numpy as np
import pandas as pd

from .._validation import DRIFT, FRACTION, HORIZON_YEARS, PATHS, VOLATILITY, Range, check_seed
from ..assumptions import (
    DEFAULT_COVERAGE,
    DEFAULT_HORIZON_YEARS,
    DEFAULT_RISK_FREE_RATE,
    DEFAULT_VOLATILITY,
    default_drift,
)
from ..backstop import (
    EQUITY_ORDERS,
    STRUCTURES,
    WATERFALL_ORDER,
    LeverageProblem,
    MonteCarloGuarantee,
    closed_form_comparison,
    expected_loss,
    expected_loss_by_party,
    guarantee_value,
    leverage_curve,
    loss_distribution,
    monte_carlo_guarantee,
    optimal_leverage,
    path_summary,
    waterfall_scenarios,
)
from ..deal import Deal
from ..depreciation import DECLINE_CASES
from ..formatting import english_cells, estimate_percent, estimate_usd, percent, styled, usd, years
from ..i18n import N_, gettext as _
from ..parties import PARTIES
from ._common import money_divisor, shown_name, short_name, vega_money, vega_text
from .controls import Dropdown, LivePanel, Slider, bind, grid, live_panel, selected, significant, snap
from .leverage import leverage_chart, moral_hazard_explorer  # chapter 4's moral-hazard figures
from .theme import INK, OKABE_ITO, PARTY_COLORS, party_scale

__all__ = [
    "paths_chart",
    "loss_histogram_chart",
    "comparison_table",
    "decline_sensitivity_table",
    "guarantee_explorer",
    "waterfall_chart",
    "waterfall_explorer",
    "expected_loss_by_party_chart",
    "leverage_chart",
    "moral_hazard_explorer",
    "quotes_table",
    "assumptions_table",
    "history_table",
    "design_table",
    "guarantee_panel",
    "backstop_panel",
]

_WORLD_LABELS = {"pricing": N_("Pricing world (grows at the risk-free rate)"),
                 "real": N_("Real world (obsolescence drift)")}


# ------------------------------------------------------------------------------------------------ helpers
def _party_labels(keys) -> list[str]:
    return [_(PARTIES[k]) for k in keys]


# ------------------------------------------------------------------------------------------------ simulation
def paths_chart(paths: np.ndarray, debt_face: float, horizon_years: float, default_probability: float,
                n_show: int = 25) -> alt.LayerChart:
    """A fan of simulated collateral values: a few paths, the 5–95% band and the debt to repay.

    Parameters
    ----------
    paths : numpy.ndarray
        From :func:`gpu_finance.simulate_asset_paths`, shape ``(n_paths, steps + 1)``, in USD.
    debt_face : float
        The debt due at the horizon, in USD (drawn as a line).
    horizon_years : float
        The paths' length in years.
    default_probability : float
        Share of paths ending below the debt (for the title), from the model.
    n_show : int
        How many individual paths to draw.
    """
    summary = path_summary(paths, horizon_years)
    times = summary["year"].to_numpy()
    shown = paths[:n_show]
    unit = money_divisor()
    lines = pd.DataFrame({
        "path": np.repeat(np.arange(shown.shape[0]), shown.shape[1]),
        "year": np.tile(significant(times, 4), shown.shape[0]),
        "value_bn": significant(shown.ravel() / unit, 4),
    })
    band = pd.DataFrame({"year": significant(times, 4), "low_bn": significant(summary["q5_usd"] / unit),
                         "mid_bn": significant(summary["q50_usd"] / unit), "high_bn": significant(summary["q95_usd"] / unit)})
    x = alt.X("year:Q", title=_("Years from today"), axis=alt.Axis(tickMinStep=0.5))
    y_title = _("Value of the GPUs (USD billions)")
    area = alt.Chart(band).mark_area(opacity=0.18, color=OKABE_ITO["blue"]).encode(
        x=x, y=alt.Y("low_bn:Q", title=y_title), y2=alt.Y2("high_bn:Q"))
    median = alt.Chart(band).mark_line(color=OKABE_ITO["blue"], strokeWidth=2.5).encode(
        x=x, y=alt.Y("mid_bn:Q"), tooltip=[alt.Tooltip("year:Q", title=_("Year"), format=".2f"),
                                    alt.Tooltip("mid_bn:Q", title=_("Median, USD billions"), format=".2f")])
    walks = alt.Chart(lines).mark_line(strokeWidth=0.7, opacity=0.45, color=OKABE_ITO["grey"]).encode(
        x=x, y=alt.Y("value_bn:Q"), detail=alt.Detail("path:N"))
    debt = alt.Chart(pd.DataFrame({"debt_bn": [debt_face / unit],
                                   "label": [_("Debt due: {debt}").format(debt=usd(debt_face))]}))
    rule = debt.mark_rule(color=PARTY_COLORS["lenders"], strokeWidth=2).encode(y=alt.Y("debt_bn:Q"))
    label = debt.mark_text(align="left", dx=4, dy=-7, color=INK).encode(
        y=alt.Y("debt_bn:Q"), x=alt.XValue(0), text=alt.Text("label:N"))
    return alt.layer(area, walks, median, rule, label).properties(
        title=alt.TitleParams(
            _("{share} of the simulated paths end below the debt").format(share=percent(default_probability, 0)),
            subtitle=_("{shown} of {paths} paths, the median and the 5–95% band").format(
                shown=n_show, paths=f"{paths.shape[0]:,}"),
        ),
        width=440, height=260,
        description=_(
            "Simulated values of the GPUs over {horizon}: {shown} individual paths, their median and a band "
            "holding 90% of paths, falling over time, with a line at the debt of {debt}. {share} of paths end "
            "below it.").format(horizon=years(horizon_years), shown=n_show, debt=usd(debt_face),
                                share=percent(default_probability, 0)),
    )


def binned_histogram(frame: pd.DataFrame, *, color: str, x_title: str, noun: str) -> alt.Chart:
    """Bars of a pre-binned loss distribution: columns ``from_bn`` and ``to_bn`` (the bin's edges, USD
    billions) and ``share_pct`` (the share of all ``noun``, e.g. paths, in the bin, %). Title,
    size and description are the caller's."""
    return alt.Chart(frame).mark_bar(color=color).encode(
        x=alt.X("from_bn:Q", title=_(x_title), bin="binned"),
        x2=alt.X2("to_bn:Q"),
        y=alt.Y("share_pct:Q", title=_("Share of all {noun} (%)").format(noun=_(noun))),
        tooltip=[alt.Tooltip("from_bn:Q", title=_("From, USD billions"), format=".2f"),
                 alt.Tooltip("to_bn:Q", title=_("To, USD billions"), format=".2f"),
                 alt.Tooltip("share_pct:Q", title=_("Share of {noun} (%)").format(noun=_(noun)), format=".2f")],
    )


def loss_histogram_chart(estimate: MonteCarloGuarantee, bins: int = 30) -> alt.Chart:
    """Histogram of the guarantor's payment at the horizon over the simulated paths (pre-binned)."""
    frame = loss_distribution(estimate.losses_usd, bins=bins)
    frame["from_bn"] = significant(frame["loss_from_usd"] / money_divisor())
    frame["to_bn"] = significant(frame["loss_to_usd"] / money_divisor())
    frame["share_pct"] = significant(frame["share_of_paths"].astype(float) * 100)
    no_loss = 1.0 - estimate.default_probability
    return binned_histogram(
        frame, color=PARTY_COLORS["taxpayers"], noun=N_("paths"),
        x_title=N_("The guarantor's payment at the horizon (USD billions)"),
    ).properties(
        title=alt.TitleParams(
            _("The guarantee pays on {share} of paths, {mean} on average").format(
                share=percent(estimate.default_probability, 0), mean=usd(estimate.expected_loss_usd)),
            subtitle=_("The other {share} of paths end above the debt and cost nothing").format(
                share=percent(no_loss, 0)),
        ),
        width=420, height=220,
        description=_(
            "Histogram of the guarantor's payment over {paths} simulated paths. {share} of paths need no payment; "
            "the rest spread from zero to {most}, with a mean over all paths of {mean}.").format(
            paths=f"{estimate.n_paths:,}", share=percent(no_loss, 0), most=usd(float(estimate.losses_usd.max())),
            mean=usd(estimate.expected_loss_usd)),
    )


def comparison_table(frame: pd.DataFrame):
    """:func:`gpu_finance.closed_form_vs_monte_carlo`'s table, each row in its unit."""
    def show(value: float, unit: str) -> str:
        return estimate_usd(value, 3) if unit == "USD" else estimate_percent(value, 3)

    shown = pd.DataFrame({
        _("Quantity"): frame["quantity"].map(_),
        _("World"): frame["world"].map({"pricing": _("Pricing"), "real": _("Real")}),
        _("Closed form"): [show(v, u) for v, u in zip(frame["closed_form"], frame["unit"])],
        _("Monte Carlo"): [show(v, u) for v, u in zip(frame["monte_carlo"], frame["unit"])],
        _("Standard error"): [show(v, u) for v, u in zip(frame["standard_error"], frame["unit"])],
        _("Gap (standard errors)"): [f"{g:+.2f}" for g in frame["gap_in_standard_errors"]],
    })
    return styled(shown).hide(axis="index")


def decline_sensitivity_table(frame: pd.DataFrame):
    """:func:`gpu_finance.decline_sensitivity`'s table: every figure an estimate, to two significant
    digits (the precision rule of :mod:`gpu_finance.formatting`)."""
    shown = pd.DataFrame({
        _("GPUs' value falls, a year"): [estimate_percent(v) for v in frame["annual_decline"]],
        _("Break-even loan rate"): [estimate_percent(v) for v in frame["break_even_rate"]],
        _("Volatility implied by the reported rate"): [estimate_percent(v) for v in frame["implied_volatility"]],
        _("Probability lenders lose"): [estimate_percent(v) for v in frame["probability_of_loss"]],
        _("Lenders' expected loss (today)"): [estimate_usd(v) for v in frame["expected_loss_usd"]],
        _("Guarantee's value"): [estimate_usd(v) for v in frame["guarantee_value_usd"]],
    }, index=pd.Index([_(DECLINE_CASES[c]) for c in frame["case"]], name=_("Calibration")))
    return styled(shown)


# ------------------------------------------------------------------------------------------------ guarantee explorer
def guarantee_explorer(asset_value: float, reported_ltv: float) -> alt.LayerChart:
    """Kernel-free: the guarantee's price and the real-world expected loss against the loan-to-value.

    Sliders set the volatility, the real-world drift, the horizon and the share guaranteed. The
    price (pricing world) ignores the drift; the expected loss (real world, valued today) follows
    it. A line of text gives both at the loan-to-value nearest ``reported_ltv``. The grid's columns
    have short names (``vol``, ``mu``, ``yrs``, ``l`` for the loan-to-value, ``p`` for the price
    and ``e`` for the expected loss, in USD billions) to keep the page small.
    """
    volatility = Slider("vol", _("Volatility of the GPUs' value (% a year)"), 0.15, 0.55, 0.10,
                                 snap(DEFAULT_VOLATILITY, 0.15, 0.55, 0.10), scale=100, valid=VOLATILITY)
    drift = Slider("mu", _("Real-world drift of their value (% a year)"), -0.44, 0.04, 0.08,
                            snap(default_drift(), -0.44, 0.04, 0.08), scale=100, valid=DRIFT)
    horizon = Slider("yrs", _("Years to the horizon"), 1, 5, 2, snap(DEFAULT_HORIZON_YEARS, 1, 5, 2), valid=HORIZON_YEARS)
    coverage = Slider("cov", _("Share guaranteed (%)"), FRACTION.low, FRACTION.high, 0.1,
                               snap(DEFAULT_COVERAGE, FRACTION.low, FRACTION.high, 0.1), scale=100, valid=FRACTION)
    ratios = np.arange(1, 17) / 16
    marked = float(ratios[np.argmin(np.abs(ratios - reported_ltv))])
    rate = DEFAULT_RISK_FREE_RATE

    def rows(vol, mu, yrs):
        debts = ratios * asset_value
        price = [guarantee_value(asset_value, d, vol, rate, yrs) for d in debts]
        loss = [math.exp(-rate * yrs) * expected_loss(asset_value, d, vol, mu, yrs) for d in debts]
        return pd.DataFrame({"l": ratios, "p": significant(np.array(price) / money_divisor()),
                             "e": significant(np.array(loss) / money_divisor())})

    sweep = [volatility, drift, horizon]
    data = grid(rows, sweep)
    share = f"{coverage.name} / {coverage.scale!r}"
    base = alt.Chart(data).transform_filter(selected(sweep)).transform_calculate(
        price=f"datum.p * {share}", loss=f"datum.e * {share}")
    labels = [_("Price of the guarantee (pricing world)"), _("Taxpayers' expected loss, valued today (real world)")]
    lines = base.transform_fold(["price", "loss"], as_=["measure", "usd_bn"]).transform_calculate(
        label=f"datum.measure == 'price' ? {json.dumps(labels[0])} : {json.dumps(labels[1])}"
    ).mark_line(point=True, strokeWidth=2.5).encode(
        x=alt.X("l:Q", title=_("Loan-to-value: debt as a share of the GPUs' value"), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("usd_bn:Q", title=_("USD billions, today's value")),
        color=alt.Color("label:N", title=None,
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=440),
                        scale=alt.Scale(domain=labels, range=[INK, PARTY_COLORS["taxpayers"]])),
        tooltip=[alt.Tooltip("l:Q", title=_("Loan-to-value"), format=".1%"),
                 alt.Tooltip("label:N", title=_("Measure")),
                 alt.Tooltip("usd_bn:Q", title=_("USD billions"), format=".3f")],
    )
    note = base.transform_filter(f"abs(datum.l - {marked!r}) < 1e-9").transform_calculate(
        text=vega_text(_("At {ltv} loan-to-value: price {price}, expected loss {loss}"),
                       ltv=[("text", str(percent(marked, 1)))], price=vega_money("datum.price"),
                       loss=vega_money("datum.loss"))
    ).mark_text(align="left", baseline="top", fontSize=13).encode(x=alt.XValue(4), y=alt.YValue(4), text=alt.Text("text:N"))
    return bind(alt.layer(lines, note), [volatility, drift, horizon, coverage]).properties(
        title=alt.TitleParams(
            _("The drift moves the expected loss, not the price"),
            subtitle=_("GPUs worth {value}; risk-free rate {rate}; move the sliders").format(
                value=usd(asset_value), rate=percent(rate)),
        ),
        width=440, height=280,
        description=_(
            "Interactive line chart against the loan-to-value, from 6% to 100%: the guarantee's price, "
            "computed as if the GPUs grew at the risk-free rate, and the taxpayers' expected loss valued "
            "today, computed with the real-world drift. Sliders set the volatility, the drift, the horizon "
            "and the share guaranteed; moving the drift changes only the expected loss. A line of text "
            "gives both at {ltv} loan-to-value.").format(ltv=percent(marked, 1)),
    )


# ------------------------------------------------------------------------------------------------ waterfall
_DECLINES = np.round(np.arange(0, 11) / 10, 10)


def _waterfall_rows(deal: Deal, coverage: float, structure: str, equity_order: str = "pari_passu") -> pd.DataFrame:
    """Compact rows: ``d`` the fall in value (%), ``k`` the party's place in the waterfall, ``y`` USD billions."""
    frame = waterfall_scenarios(deal, _DECLINES, coverage, structure, equity_order)
    return pd.DataFrame({
        "d": np.round(frame["decline"] * 100).astype(int),
        "k": frame["party"].map(list(WATERFALL_ORDER).index),
        "y": significant(frame["absorbed_usd"] / money_divisor()),
    })


def _waterfall_bars(data, total_bn: float) -> alt.Chart:
    names = json.dumps(_party_labels(WATERFALL_ORDER))
    return alt.Chart(data).transform_calculate(party=f"{names}[datum.k]").mark_bar().encode(
        x=alt.X("d:O", title=_("Fall in the GPUs' value (% of what they cost)")),
        y=alt.Y("sum(y):Q", title=_("Loss absorbed (USD billions)"), stack="zero",
                scale=alt.Scale(domain=[0, total_bn * 1.15], nice=False)),
        color=alt.Color("party:N", title=_("Who absorbs it"),
                        scale=party_scale(list(WATERFALL_ORDER)), legend=alt.Legend(orient="bottom", columns=2)),
        order=alt.Order("k:Q"),
        tooltip=[alt.Tooltip("d:O", title=_("Fall in value (%)")),
                 alt.Tooltip("party:N", title=_("Party")),
                 alt.Tooltip("y:Q", title=_("USD billions"), format=".2f")],
    )


def _equity_sentence(deal: Deal, equity_order: str) -> str:
    outside, vendor = usd(deal.outside_equity_usd), usd(deal.vendor_equity_usd)
    if equity_order == "pari_passu":
        return _("the equity absorbs losses first, the outside investors ({outside}) and the chip vendor "
                 "({vendor}) in proportion to their stakes").format(outside=outside, vendor=vendor)
    if equity_order == "vendor_last":
        return _("outside equity ({outside}) absorbs losses first, then the chip vendor's equity ({vendor})").format(
            outside=outside, vendor=vendor)
    return _("the chip vendor's equity ({vendor}) absorbs losses first, then the outside equity ({outside})").format(
        outside=outside, vendor=vendor)


def waterfall_chart(deal: Deal, coverage: float = 0.0, structure: str = "lenders_first",
                    equity_order: str = "pari_passu") -> alt.Chart:
    """Stacked bars: for each fall in the GPUs' value, who absorbs the loss, in order."""
    rows = _waterfall_rows(deal, coverage, structure, equity_order)
    guarantee = (_("no guarantee") if coverage == 0 else
                 _("{share} of the debt guaranteed, {structure}").format(
                     share=percent(coverage, 0), structure=short_name(structure, STRUCTURES[structure], lower=True)))
    equity = short_name(equity_order, EQUITY_ORDERS[equity_order], lower=True)
    return _waterfall_bars(rows, deal.total_cost_usd / money_divisor()).properties(
        title=alt.TitleParams(
            _("The lenders lose nothing until the GPUs lose {share} of their value").format(
                share=percent(deal.equity_share, 1)),
            subtitle=_("{name}; equity {equity}; {guarantee}").format(name=shown_name(deal.name), equity=equity,
                                                                      guarantee=guarantee),
        ),
        width=420, height=260,
        description=_(
            "Stacked bars for falls in the GPUs' value from 0% to 100% of their cost {cost}: {equity}; then the "
            "lenders and, with a guarantee, the taxpayers; {guarantee}.").format(
            cost=usd(deal.total_cost_usd), equity=_equity_sentence(deal, equity_order), guarantee=guarantee),
    )


def waterfall_explorer(deal: Deal, note_fall: float = 0.7) -> alt.LayerChart:
    """Kernel-free waterfall: a slider sets the share guaranteed, a menu how the guarantee shares losses.

    A line of text gives what the lenders and the taxpayers absorb when the GPUs lose ``note_fall``
    of their value.
    """
    coverage = Slider("cov", _("Share of the debt guaranteed (%)"), FRACTION.low, FRACTION.high, 0.2,
                               snap(DEFAULT_COVERAGE, FRACTION.low, FRACTION.high, 0.2), scale=100, valid=FRACTION)
    structure = Dropdown("how", _("How the guarantee shares losses"),
                         tuple((short_name(key, label), key) for key, label in sorted(STRUCTURES.items())),
                         "lenders_first")
    order = Dropdown("eq", _("How the equity holders share losses"),
                     tuple((short_name(key, label), key) for key, label in EQUITY_ORDERS.items()), "pari_passu")
    controls = [coverage, structure, order]
    data = grid(lambda cov, how, eq: _waterfall_rows(deal, cov, how, eq), controls)
    pick = selected(controls)
    bars = _waterfall_bars(data, deal.total_cost_usd / money_divisor()).transform_filter(pick)
    fall = int(round(note_fall * 100))
    lenders, taxpayers = WATERFALL_ORDER.index("lenders"), WATERFALL_ORDER.index("taxpayers")
    note = (
        alt.Chart(data).transform_filter(pick).transform_filter(f"datum.d == {fall}")
        .transform_calculate(lenders=f"datum.k == {lenders} ? datum.y : 0",
                             taxpayers=f"datum.k == {taxpayers} ? datum.y : 0")
        .transform_aggregate(lenders="sum(lenders)", taxpayers="sum(taxpayers)")
        .transform_calculate(
            text=vega_text(_("If the GPUs lose {fall}: lenders absorb {lenders}, taxpayers {taxpayers}"),
                           fall=[("text", f"{fall}%")], lenders=vega_money("datum.lenders"),
                           taxpayers=vega_money("datum.taxpayers"))
        )
        .mark_text(align="left", baseline="top", fontSize=13)
        .encode(x=alt.XValue(4), y=alt.YValue(4), text=alt.Text("text:N"))
    )
    return bind(alt.layer(bars, note), controls).properties(
        title=alt.TitleParams(
            _("A guarantee decides who is last in line: the lenders or the taxpayers"),
            subtitle=_("{name}; move the slider and pick the structures").format(name=shown_name(deal.name)),
        ),
        width=420, height=280,
        description=_(
            "Interactive stacked bars of who absorbs the loss for falls in the GPUs' value from 0% to 100%. "
            "A slider sets the share of the debt guaranteed; a menu chooses whether the lenders absorb their "
            "unguaranteed part first or share every loss with the guarantor pro rata; another whether the "
            "outside investors and the chip vendor share the equity's losses pari passu (the default) or "
            "one of them stands first. A line of text gives the lenders' and the taxpayers' losses when the GPUs "
            "lose {fall}.").format(fall=f"{fall}%"),
    )


def expected_loss_by_party_chart(deal: Deal, terminal_usd, coverage: float,
                                 structure: str = "lenders_first", equity_order: str = "pari_passu") -> alt.Chart:
    """Bars of each party's average loss over simulated values of the GPUs at the horizon."""
    frame = expected_loss_by_party(deal, terminal_usd, coverage, structure, equity_order)
    frame["party_label"] = frame["party"].map(lambda key: _(PARTIES[key]))
    frame["loss_bn"] = significant(frame["expected_loss_usd"] / money_divisor())
    total = float(frame["expected_loss_usd"].sum())
    taxpayers = float(frame.loc[frame["party"] == "taxpayers", "expected_loss_usd"].iloc[0])
    return alt.Chart(frame).mark_bar().encode(
        y=alt.Y("party_label:N", title=None, sort=_party_labels(WATERFALL_ORDER)),
        x=alt.X("loss_bn:Q", title=_("Average loss at the horizon (USD billions)")),
        color=alt.Color("party_label:N", scale=party_scale(list(WATERFALL_ORDER)), legend=None),
        tooltip=[alt.Tooltip("party_label:N", title=_("Party")),
                 alt.Tooltip("loss_bn:Q", title=_("USD billions"), format=".2f")],
    ).properties(
        title=alt.TitleParams(
            _("Taxpayers bear {taxpayers} of an average loss of {total}").format(taxpayers=usd(taxpayers),
                                                                                total=usd(total)),
            subtitle=_("{share} of the debt guaranteed, {structure}; real-world simulation").format(
                share=percent(coverage, 0), structure=short_name(structure, STRUCTURES[structure], lower=True)),
        ),
        width=380, height=150,
        description=_("Horizontal bars of each party's average loss over the simulated paths: {losses}.").format(
            losses=_("; ").join(f"{lab} {usd(v)}" for lab, v in zip(frame["party_label"], frame["expected_loss_usd"]))),
    )


# ------------------------------------------------------------------------------------------------ tables
def quotes_table(quotes: pd.DataFrame):
    """The sourced quotes as a table: date, who and where, the words, the source and its confidence."""
    shown = pd.DataFrame({
        _("Date"): quotes["date"],
        _("Who, and where (our description)"): [
            _("{speaker} ({role}). {setting}").format(speaker=s, role=_(r), setting=_(t))
            for s, r, t in zip(quotes["speaker"], quotes["role"], quotes["setting"])],
        _("Words, as sourced"): [_("“{quote}”").format(quote=_(q)) for q in quotes["quote"]],
        _("Source"): quotes["source"] + " [" + quotes["confidence"] + "]",
    })
    return english_cells(styled(shown).hide(axis="index"), [_("Source")])


def assumptions_table(frame: pd.DataFrame):
    """:func:`gpu_finance.backstop_assumptions` written for readers: each value in its unit."""
    def show(value: float, unit: str) -> str:
        return years(value) if unit == "years" else percent(value, 1)

    shown = pd.DataFrame({
        _("Assumption"): frame["description"].map(_),
        _("Value"): [_("{value} a year").format(value=show(v, u)) if u == "fraction per year" else show(v, u)
                     for v, u in zip(frame["value"], frame["unit"])],
        _("Name in the model"): frame["name"],
        _("Confidence"): frame["confidence"],
    })
    return styled(shown).hide(axis="index")


def history_table(history: pd.DataFrame):
    """:func:`gpu_finance.backstop_history`'s events as a table: date, what happened, source.

    Rows that only qualify an event with a count or a share (their figure is in the event's
    text) are left out.
    """
    events = history[~history["unit"].isin(["count", "fraction"])]
    shown = pd.DataFrame({
        _("Date"): events["date"],
        _("What happened"): events["event"].map(_),
        _("Source"): events["source"] + " [" + events["confidence"] + "]",
    })
    return english_cells(styled(shown).hide(axis="index"), [_("Source")])


def design_table(frame: pd.DataFrame):
    """:func:`gpu_finance.design_comparison`'s table, written for readers."""
    shown = pd.DataFrame({
        _("Design"): frame["design"].map(_),
        _("Share guaranteed"): [percent(c, 0) for c in frame["coverage"]],
        _("Fee a year (at the leverage chosen)"): [percent(f, 1) for f in frame["fee"]],
        _("Loan-to-value chosen"): [percent(x, 0) for x in frame["ltv"]],
        _("Sponsor's payoff"): [estimate_usd(v, 3) for v in frame["sponsor_payoff_usd"]],
        _("Taxpayers' expected cost"): [estimate_usd(v, 3) for v in frame["taxpayer_cost_usd"]],
        _("Value destroyed"): [estimate_usd(v, 3) for v in frame["value_lost_usd"]],
    })
    return styled(shown).hide(axis="index")


# ------------------------------------------------------------------------------------------------ live panel
def _panel_controls(deal: Deal, *, with_fee: bool) -> list:
    """The live panels' sliders, each within the model's valid range; the leverage stops where the
    chip vendor's equity would no longer fit in the deal."""
    most_ltv = math.floor(deal.max_debt_share / 0.025 + 1e-9) * 0.025
    fee = [Slider("fee", _("Guarantee fee (% a year)"), 0.0, 0.12, 0.005, 0.0, scale=100, valid=FRACTION)
           ] if with_fee else []
    paths = (("1,000", 1_000), ("10,000", 10_000), ("100,000", 100_000))
    if not all(PATHS.contains(n) for _label, n in paths):
        raise ValueError(f"n_paths: a choice of {paths!r} is outside the model's {PATHS}")
    return [
        Slider("coverage", _("Share guaranteed (%)"), FRACTION.low, FRACTION.high, 0.05,
                        snap(DEFAULT_COVERAGE, 0, 1, 0.05), scale=100, valid=FRACTION),
        *fee,
        Slider("volatility", _("Volatility (% a year)"), 0.05, 1.0, 0.05,
                        snap(DEFAULT_VOLATILITY, 0.05, 1.0, 0.05), scale=100, valid=VOLATILITY),
        Slider("drift", _("Real-world drift (% a year)"), -0.6, 0.2, 0.02,
                        snap(default_drift(), -0.6, 0.2, 0.02), scale=100, valid=DRIFT),
        Slider("ltv", _("Loan-to-value (%)"), 0.05, round(most_ltv, 10), 0.025,
               snap(deal.debt_share, 0.05, most_ltv, 0.025), scale=100),
        Slider("years", _("Horizon (years)"), 1, 10, 1, int(snap(DEFAULT_HORIZON_YEARS, 1, 10, 1)), valid=HORIZON_YEARS),
        # 10,000 paths by default keep each move quick; 100,000 give the chapters' precision.
        Dropdown("n_paths", _("Simulated paths"), paths, 10_000),
    ]


def guarantee_panel(deal: Deal, seed: int = 0) -> LivePanel:
    """Live panel of chapter 3: the share guaranteed, the volatility, the drift, the leverage, the
    horizon and the number of paths; redraws the closed forms against the simulation (with its
    standard errors) and the histogram of the guarantor's payments.
    """
    rate = DEFAULT_RISK_FREE_RATE

    def update(coverage, volatility, drift, ltv, years, n_paths):
        changed = deal.with_debt_share(ltv)
        value, debt = changed.total_cost_usd, changed.debt_usd
        # Each world simulated once, as closed_form_vs_monte_carlo does (one stream from the seed);
        # the real world's simulation feeds both the table and the histogram.
        common = dict(n_paths=n_paths, seed=check_seed("seed", seed))
        pricing = monte_carlo_guarantee(value, debt, volatility, rate, years, coverage, **common)
        real = monte_carlo_guarantee(value, debt, volatility, rate, years, coverage, drift=drift, **common)
        table = closed_form_comparison(value, debt, volatility, drift, rate, years, coverage,
                                       pricing=pricing, real=real)
        histogram = [loss_histogram_chart(real)] if real.default_probability > 0 else []
        return [comparison_table(table), *histogram]

    return live_panel(_panel_controls(deal, with_fee=False), update,
                      title=_("The guarantee, live: its price, its expected cost and the simulation"))


def backstop_panel(deal: Deal, seed: int = 0) -> LivePanel:
    """Live panel of chapter 4: the share guaranteed, the fee, the volatility, the drift, the
    leverage, the horizon and the number of paths; redraws who bears the average loss and the
    sponsor's choice of leverage.
    """
    rate = DEFAULT_RISK_FREE_RATE

    def update(coverage, fee, volatility, drift, ltv, years, n_paths):
        changed = deal.with_debt_share(ltv)
        value, debt = changed.total_cost_usd, changed.debt_usd

        def who_bears():
            real = monte_carlo_guarantee(value, debt, volatility, rate, years, coverage, drift=drift,
                                         n_paths=n_paths, seed=seed)
            return [expected_loss_by_party_chart(changed, real.terminal_usd, coverage, "pro_rata")]

        def moral_hazard():
            problem = LeverageProblem(asset_value_usd=value, volatility=volatility, drift=drift,
                                      risk_free_rate=rate, years=years,
                                      max_ltv=changed.max_debt_share)
            return [leverage_chart(problem, coverage, fee)]

        # Two tabs, each computed only when in view (see gpu_finance.viz.controls.LivePanel).
        return {_("Who bears the loss"): who_bears, _("Moral hazard"): moral_hazard}

    return live_panel(_panel_controls(deal, with_fee=True), update,
                      title=_("The backstop, live: who bears the loss, and how much the sponsor borrows"))
