"""Chapter 4's moral-hazard figures: the sponsor's payoff against leverage, with and without a
guarantee, and what the taxpayers give away (:func:`leverage_chart`, :func:`moral_hazard_explorer`).

They draw :func:`gpu_finance.leverage_curve` and :func:`gpu_finance.optimal_leverage`; nothing here
computes any finance of its own.
"""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd

from .._validation import FRACTION
from ..assumptions import DEFAULT_COVERAGE
from ..backstop import LeverageProblem, leverage_curve, optimal_leverage
from ..formatting import percent, usd
from ..i18n import N_, gettext as _
from ._common import money_divisor, vega_money, vega_text
from .controls import Slider, bind, grid, selected, significant, snap
from .theme import PARTY_COLORS

__all__ = ["leverage_chart", "moral_hazard_explorer"]

_SERIES = [N_("Sponsor's payoff, no guarantee"), N_("Sponsor's payoff, with the guarantee"),
           N_("Taxpayers' expected cost, net of fees")]
_SERIES_COLORS = [PARTY_COLORS["sponsor"], PARTY_COLORS["sponsor"], PARTY_COLORS["taxpayers"]]


def _series() -> list[str]:
    return [_(name) for name in _SERIES]


def _curve_rows(problem: LeverageProblem, coverage: float, fee: float, ratios: np.ndarray,
                guaranteed_only: bool = False) -> pd.DataFrame:
    """Compact rows: ``l`` loan-to-value, ``k`` the series (index into ``_SERIES``), ``y`` USD billions."""
    with_ = leverage_curve(problem, coverage, fee, ltv=ratios)
    parts = [] if guaranteed_only else [(0, leverage_curve(problem, ltv=ratios)["sponsor_payoff_usd"])]
    parts += [(1, with_["sponsor_payoff_usd"]), (2, with_["taxpayer_cost_usd"])]
    return pd.concat([pd.DataFrame({"l": ratios, "k": k, "y": significant(values / money_divisor())})
                      for k, values in parts], ignore_index=True)


def _choice_rows(problem: LeverageProblem, coverage: float, fee: float, choices=None) -> pd.DataFrame:
    """The sponsor's choices without and with the guarantee (``choices``, if already solved)."""
    without, with_ = choices or (optimal_leverage(problem), optimal_leverage(problem, coverage, fee))
    return pd.DataFrame({
        "l": significant([without.ltv, with_.ltv]),
        "y": significant([without.sponsor_payoff_usd / money_divisor(), with_.sponsor_payoff_usd / money_divisor()]),
        "k": [0, 1],
        "w0": significant([without.ltv * 100] * 2, 3),
        "w1": significant([with_.ltv * 100] * 2, 3),
        "tax": significant([with_.taxpayer_cost_usd / money_divisor()] * 2),
        "gain": significant([(with_.sponsor_payoff_usd - without.sponsor_payoff_usd) / money_divisor()] * 2),
    })


def _leverage_layers(curves, choices, filter_expr: str | None, baseline=None):
    def maybe(chart):
        return chart.transform_filter(filter_expr) if filter_expr else chart

    series = _series()
    series_expr = f"{json.dumps(series)}[datum.k]"

    def named(chart):
        return chart.transform_calculate(series=series_expr)

    x = alt.X("l:Q", title=_("Loan-to-value chosen by the sponsor"), axis=alt.Axis(format="%"))
    color = alt.Color("series:N", title=None, scale=alt.Scale(domain=series, range=_SERIES_COLORS),
                      legend=alt.Legend(orient="bottom", direction="vertical"))
    dash = alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=series, range=[[6, 4], [1, 0], [1, 0]]))
    encoding = dict(
        x=x, y=alt.Y("y:Q", title=_("USD billions, today's value")), color=color, strokeDash=dash,
        tooltip=[alt.Tooltip("series:N", title=_("Series")), alt.Tooltip("l:Q", title=_("Loan-to-value"), format=".1%"),
                 alt.Tooltip("y:Q", title=_("USD billions"), format=".2f")])
    layers = [named(maybe(alt.Chart(curves))).mark_line(strokeWidth=2.5).encode(**encoding)]
    if baseline is not None:
        layers.insert(0, named(alt.Chart(baseline)).mark_line(strokeWidth=2.5).encode(**encoding))
    points = named(maybe(alt.Chart(choices))).mark_point(size=110, filled=True, shape="diamond").encode(
        x=alt.X("l:Q"), y=alt.Y("y:Q"), color=alt.Color("series:N", scale=alt.Scale(domain=series, range=_SERIES_COLORS),
                                          legend=None),
        tooltip=[alt.Tooltip("series:N", title=_("Sponsor's choice")),
                 alt.Tooltip("l:Q", title=_("Loan-to-value"), format=".1%")])
    note = maybe(alt.Chart(choices)).transform_filter("datum.k == 1").transform_calculate(
        text=vega_text(_("Chosen loan-to-value: {without}% without, {with_}% with the guarantee"),
                       without="format(datum.w0, '.0f')", with_="format(datum.w1, '.0f')"),
        text2=vega_text(_("Sponsor gains {gain}; taxpayers expect to pay {cost}"), gain=vega_money("datum.gain"),
                        cost=vega_money("datum.tax")),
    )
    text1 = note.mark_text(align="left", baseline="top", fontSize=12).encode(x=alt.XValue(4), y=alt.YValue(2),
                                                                            text=alt.Text("text:N"))
    text2 = note.mark_text(align="left", baseline="top", fontSize=12).encode(x=alt.XValue(4), y=alt.YValue(18),
                                                                            text=alt.Text("text2:N"))
    return layers + [points, text1, text2]


def leverage_chart(problem: LeverageProblem, coverage: float = DEFAULT_COVERAGE, fee: float | str = 0.0) -> alt.LayerChart:
    """The sponsor's payoff with and without the guarantee, and the taxpayers' expected cost, by leverage."""
    ratios = np.round(np.linspace(0.0, problem.max_ltv, 46), 10)
    curves = _curve_rows(problem, coverage, fee, ratios)
    without, with_ = optimal_leverage(problem), optimal_leverage(problem, coverage, fee)
    choices = _choice_rows(problem, coverage, fee, (without, with_))
    return alt.layer(*_leverage_layers(curves, choices, None)).properties(
        title=alt.TitleParams(
            _("With the guarantee the sponsor borrows {with_} of the cost, not {without}").format(
                with_=percent(with_.ltv, 0), without=percent(without.ltv, 0)),
            subtitle=_("{share} guaranteed pro rata, fee {fee} a year; diamonds mark the sponsor's choices").format(
                share=percent(coverage, 0), fee=percent(with_.fee, 1)),
        ),
        width=440, height=300,
        description=_(
            "Line chart against the loan-to-value: the sponsor's payoff without a guarantee (dashed), with the "
            "guarantee (solid), and the taxpayers' expected cost net of fees. The sponsor chooses {without} without "
            "and {with_} with the guarantee; there its payoff is {gain} higher and the taxpayers expect to pay "
            "{cost}.").format(without=percent(without.ltv, 0), with_=percent(with_.ltv, 0),
                              gain=usd(with_.sponsor_payoff_usd - without.sponsor_payoff_usd),
                              cost=usd(with_.taxpayer_cost_usd)),
    )


def moral_hazard_explorer(problem: LeverageProblem) -> alt.LayerChart:
    """Kernel-free version of :func:`leverage_chart`: sliders set the share guaranteed and the fee."""
    coverage = Slider("cov", _("Share guaranteed, pro rata (%)"), FRACTION.low, FRACTION.high, 0.2,
                               snap(DEFAULT_COVERAGE, FRACTION.low, FRACTION.high, 0.2), scale=100, valid=FRACTION)
    fee = Slider("fee", _("Guarantee fee (% of the guaranteed debt a year)"), 0.0, 0.3, 0.1, 0.0, scale=100,
                 valid=FRACTION)
    controls = [coverage, fee]
    ratios = np.round(np.linspace(0.0, problem.max_ltv, 31), 10)
    baseline = _curve_rows(problem, 0.0, 0.0, ratios).query("k == 0")
    curves = grid(lambda cov, fee: _curve_rows(problem, cov, fee, ratios, guaranteed_only=True), controls)
    choices = grid(lambda cov, fee: _choice_rows(problem, cov, fee), controls)
    layers = _leverage_layers(curves, choices, selected(controls), baseline=baseline)
    return bind(alt.layer(*layers), controls).properties(
        title=alt.TitleParams(
            _("A cheap guarantee buys more borrowing"),
            subtitle=_("Move the sliders: a flat fee either leaves the guarantee a gift "
                       "or makes it a tax that stops the borrowing"),
        ),
        width=440, height=300,
        description=_(
            "Interactive line chart against the loan-to-value of the sponsor's payoff without a guarantee "
            "(dashed), with it (solid), and the taxpayers' expected cost net of fees. Sliders set the share "
            "guaranteed and the yearly fee; diamonds mark the sponsor's choices and two lines of text give "
            "the chosen loan-to-values, the sponsor's gain and the taxpayers' expected cost."
        ),
    )
