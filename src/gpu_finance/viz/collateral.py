"""Figures of the lender's view in chapter 2: the SPV's loan against what its GPUs would sell for.

Every function here draws what :mod:`gpu_finance.collateral` computes; none holds any finance of
its own. :func:`ltv_explorer` works on the website without Python: the model is evaluated over
every position of its controls (:func:`~.controls.grid`) and Vega-Lite picks the rows that match.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .. import collateral as collateral_model
from ..collateral import collateral_path, covenant_breach_year
from ..datasets import generation_gap_years
from ..deal import Deal
from ..formatting import percent
from ..i18n import gettext as _
from ._chapter2 import WIDTH, YEAR_AXIS, decline_slider, estimate_amount, note_row, packed, step_slider
from ._common import billions, shown_name, vega_text
from .controls import Slider, bind, grid, selected
from .theme import INK, OKABE_ITO, PARTY_COLORS

__all__ = ["ltv_chart", "ltv_explorer"]


def _ltv_rows(path: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "year": path["year"],
        "ltv": np.round(path["ltv"].to_numpy(dtype=float), 4),
        "balance_bn": billions(path["loan_balance_usd"]),
        "recovery_bn": billions(path["recovery_usd"]),
        "loss_bn": billions(path["lender_loss_usd"]),
    })


_LTV_TOP = 2.0


def _ltv_line(base: alt.Chart, top: float = _LTV_TOP) -> alt.Chart:
    return base.mark_line(point=alt.OverlayMarkDef(color=PARTY_COLORS["lenders"]),
                                     color=PARTY_COLORS["lenders"], clip=True).encode(
        x=alt.X("year:Q", title=_("Years after signing"), axis=YEAR_AXIS),
        y=alt.Y("ltv:Q", title=_("Loan-to-value ratio (%)"), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, top])),
        tooltip=[alt.Tooltip("year:Q", title=_("Year")), alt.Tooltip("ltv:Q", title=_("Loan-to-value"), format=".0%"),
                 alt.Tooltip("balance_bn:Q", title=_("Loan balance (USD billions)"), format=".2f")],
    )


def _recovery_bars(base: alt.Chart, last_year: int) -> alt.Chart:
    """Bars of what is owed and what selling the GPUs recovers, for defaults after years 1 to last_year - 1."""
    owed, recovered = _("Owed to lenders"), _("Recovered by selling the GPUs")
    long = base.transform_fold(["balance_bn", "recovery_bn"], as_=["what", "bn"]).transform_calculate(
        label=f"datum.what == 'balance_bn' ? {vega_text(owed)} : {vega_text(recovered)}"
    ).transform_filter(f"datum.year >= 1 && datum.year < {int(last_year)}")
    return long.mark_bar().encode(
        x=alt.X("year:O", title=_("SPV defaults just after year")),
        xOffset=alt.XOffset("label:N"),
        y=alt.Y("bn:Q", title=_("USD billions")),
        color=alt.Color("label:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=[owed, recovered],
                                        range=[PARTY_COLORS["lenders"], OKABE_ITO["grey"]])),
        tooltip=[alt.Tooltip("year:O", title=_("Default after year")), alt.Tooltip("label:N", title=_("What")),
                 alt.Tooltip("bn:Q", title=_("USD billions"), format=".2f")],
    ).properties(width=WIDTH, height=140)


def ltv_chart(path: pd.DataFrame, covenant_max_ltv: float | None = None) -> alt.VConcatChart:
    """The loan-to-value path from :func:`~gpu_finance.collateral.collateral_path` against the
    covenant (top), and what the lenders are owed and would recover if the SPV defaulted after each
    year (bottom). ``covenant_max_ltv`` default: the book's assumption,
    :data:`gpu_finance.collateral.COVENANT_MAX_LTV`."""
    if covenant_max_ltv is None:
        covenant_max_ltv = collateral_model.COVENANT_MAX_LTV
    data = _ltv_rows(path)
    breach = covenant_breach_year(path)
    ceiling = max(1.0, float(path["ltv"].max()), covenant_max_ltv) * 1.1
    line = _ltv_line(alt.Chart(data), ceiling)
    rule = alt.Chart(pd.DataFrame({"cap": [covenant_max_ltv]})).mark_rule(strokeDash=[5, 3], color=INK).encode(y=alt.Y("cap:Q"))
    top = alt.layer(line, rule).properties(width=WIDTH, height=200)
    bars = _recovery_bars(alt.Chart(data), int(path["year"].max()))
    worst = path.loc[path["lender_loss_usd"].idxmax()]
    cap = percent(covenant_max_ltv, 0)
    title = (_("The loan breaks the {cap} loan-to-value covenant in year {year}").format(cap=cap, year=breach)
             if breach is not None else _("The loan stays within the {cap} loan-to-value covenant").format(cap=cap))
    subtitle = (_("A default just after year {year} would cost the lenders {loss}").format(
                    year=int(worst['year']), loss=estimate_amount(worst['lender_loss_usd']))
                if worst["lender_loss_usd"] > 0 else _("Selling the GPUs would repay the lenders in full in every year"))
    return alt.vconcat(top, bars).properties(
        title=alt.TitleParams(title, subtitle=subtitle),
        description=_(
            "Two panels. Top: loan-to-value ratio by year, {years}, against a covenant at {cap} (dashed line). "
            "Bottom: loan balance and what selling the GPUs would recover if the SPV defaulted just after each "
            "year.").format(years=_("; ").join(_("year {year}: {value}").format(year=int(y), value=percent(v, 0))
                                               for y, v in zip(path["year"], path["ltv"])),
                            cap=percent(covenant_max_ltv, 0)),
    )


def ltv_explorer(deal: Deal) -> alt.VConcatChart:
    """Kernel-free loan-to-value path: sliders for the yearly fall in market value, the extra drop per
    generation and the covenant's maximum; a text line gives the year the covenant breaks."""
    decline = decline_slider()
    step = step_slider()
    covenant = Slider("covenant_max_ltv", _("Covenant: maximum loan-to-value (%)"), 0.5, 1.0, 0.05,
                      collateral_model.COVENANT_MAX_LTV, scale=100)
    path_controls = [decline, step]
    interval = int(generation_gap_years())

    def rows(annual_decline, generation_step):
        path = collateral_path(deal, annual_decline, generation_step=generation_step,
                               generation_interval_years=interval)
        return packed(_ltv_rows(path).drop(columns="loss_bn"))

    data = grid(rows, path_controls)
    picked = alt.Chart(data).transform_filter(selected(path_controls)).transform_flatten(
        ["year", "ltv", "balance_bn", "recovery_bn"])
    line = bind(_ltv_line(picked), path_controls + [covenant])
    rule = alt.Chart(pd.DataFrame({"one": [1]})).transform_calculate(cap="covenant_max_ltv / 100").mark_rule(
        strokeDash=[5, 3], color=INK).encode(y=alt.Y("cap:Q"))
    note = (
        picked
        .transform_calculate(hit="datum.ltv * 100 > covenant_max_ltv + 1e-9 ? datum.year : 99")
        .transform_aggregate(first="min(hit)", peak="max(ltv)")
        .transform_calculate(text=(f"(datum.first == 99 ? {vega_text(_('No covenant breach'))} : "
                                   f"{vega_text(_('The covenant breaks in year {year}'), year='datum.first')}) + "
                                   + vega_text(_("; peak loan-to-value {peak}"), peak="format(datum.peak, '.0%')")))
    )
    top = alt.layer(line, rule).properties(width=WIDTH, height=200)
    bars = _recovery_bars(picked, deal.debt_term_years)
    return alt.vconcat(note_row(note), top, bars, spacing=6).properties(
        title=alt.TitleParams(
            _("Move the sliders: can the collateral shrink faster than the loan?"),
            subtitle=_("{name}; a ratio above {top} runs off the chart").format(name=shown_name(deal.name),
                                                                              top=percent(_LTV_TOP, 0)),
        ),
        description=_(
            "Interactive chart of the loan-to-value ratio of {name} by year, with a dashed line at the "
            "covenant's maximum, and bars of what lenders are owed and would recover after a default in each "
            "year. Sliders set the yearly fall in the GPUs' market value (0% to 60%), an extra drop when a new "
            "generation ships (0% to 30%) and the covenant's maximum (50% to 100%).").format(name=shown_name(deal.name)),
    )
