"""Charts and tables of chapter 2's data: disclosed useful lives and their effect on profit, GPU
rental prices with the calibrated decline, Nvidia's generations, compute contracts and the
chapter's single figures.

Every function here draws rows that :mod:`gpu_finance.datasets` loads (and, for the rental
prices, the fit of :mod:`gpu_finance.calibration`); none holds any finance of its own.
"""

from __future__ import annotations

import datetime
import math

import altair as alt
import numpy as np
import pandas as pd

from ..calibration import DeclineEstimate, calibration_prices, price_trend
from ..datasets import depreciation_fact, generation_gap_years
from ..formatting import estimate_percent, month_year, percent, table, usd, years
from ..i18n import N_, gettext as _, is_chinese, pgettext
from ._chapter2 import WIDTH, reported_usd
from ._common import billions
from .theme import INK, OKABE_ITO

__all__ = [
    "bounds_sentence",
    "facts_table",
    "contracts_table",
    "useful_lives_chart",
    "profit_effects_chart",
    "rental_prices_chart",
    "generations_chart",
    "lives_chart",
]


# ------------------------------------------------------------------------------------ tables
def facts_table(facts: pd.DataFrame):
    """The chapter's single figures (:func:`~gpu_finance.datasets.depreciation_facts`), each written in its unit."""
    writers = {"USD": usd, "years": years}
    shown = facts.reset_index()
    shown["value"] = [writers.get(unit, percent)(value) for value, unit in zip(shown["value"], shown["unit"])]
    shown = shown[["description", "value", "date", "confidence", "source"]].assign(
        description=shown["description"].map(_))
    return table(shown, labels={"description": "Figure"})


def contracts_table(contracts: pd.DataFrame):
    """Disclosed compute contracts (:func:`~gpu_finance.datasets.compute_contracts`) for reading.

    The monthly fees are reported figures and keep their digits (``$1.25B``, ``$920M``); the
    price per GPU-hour is arithmetic on them, in dollars and cents.
    """
    columns = ["customer", "monthly_fee_usd", "gpu_count", "start", "end", "usd_per_gpu_hour", "confidence"]
    formats = {"monthly_fee_usd": reported_usd, "gpu_count": lambda x: f"{x:,.0f}",
               "usd_per_gpu_hour": _per_hour}
    labels = {"monthly_fee_usd": "Monthly fee", "gpu_count": "GPUs", "start": pgettext("contract", "From"),
              "end": pgettext("contract", "To"), "usd_per_gpu_hour": "USD per GPU-hour"}
    return table(contracts[columns], formats=formats, labels=labels)


def _per_hour(price: float) -> str:
    """A price per GPU-hour in dollars and cents: ``$2.10`` (in Chinese ``2.10美元``)."""
    return f"{price:.2f}美元" if is_chinese() else f"${price:.2f}"


def _month_year(date: str) -> str:
    """A data row's date in words: ``2024-10`` is ``October 2024``; a bare year stays as it is."""
    return date if len(date) == 4 else str(month_year(datetime.date(int(date[:4]), int(date[5:7]), 1)))


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
    for bound, one, many, word in (("at least", N_("a lower bound"), N_("lower bounds"), N_('"above"')),
                                   ("at most", N_("an upper bound"), N_("upper bounds"), N_('"below"'))):
        dates = [_month_year(str(d)) for d in prices.loc[prices["bound"] == bound, "date"]]
        if len(dates) == 1:
            parts.append(_("the price dated {date} is {bound} ({word})").format(date=dates[0], bound=_(one), word=_(word)))
        elif dates:
            parts.append(_("the prices dated {dates} and {last} are {bounds} ({word})").format(
                dates=_(", ").join(dates[:-1]), last=dates[-1], bounds=_(many), word=_(word)))
    return _("; ").join(parts)


# -------------------------------------------------------------------------------- charts
def useful_lives_chart(changes: pd.DataFrame) -> alt.LayerChart:
    """Disclosed useful lives and their changes, company by company (a dumbbell per change)."""
    data = changes.copy()
    data["assets"] = data["assets"].map(_)
    data["label"] = [_("{company} {effective} ({assets})").format(company=c, effective=e, assets=a)
                     for c, e, a in zip(data["company"], data["effective"].astype(str), data["assets"])]
    data["order"] = np.arange(len(data))
    stated, longer_name, shorter_name = _("Life as stated"), _("Lengthened"), _("Shortened")
    data["direction"] = np.select(
        [data["life_from_years"].isna(), data["life_to_years"] > data["life_from_years"]],
        [stated, longer_name], default=shorter_name,
    )
    data["start"] = data["life_from_years"].fillna(data["life_to_years"])
    colours = alt.Scale(domain=[longer_name, shorter_name, stated],
                        range=[OKABE_ITO["vermillion"], OKABE_ITO["blue"], OKABE_ITO["grey"]])
    base = alt.Chart(data).encode(y=alt.Y("label:N", title=None, sort=alt.SortField("order"),
                                          axis=alt.Axis(labelLimit=300)))
    bar = base.mark_rule(strokeWidth=2).encode(x=alt.X("start:Q", title=_("Useful life (years)"),
                                                       scale=alt.Scale(domain=[0, 7])), x2=alt.X2("life_to_years:Q"),
                                               color=alt.Color("direction:N", scale=colours, title=None,
                                                               legend=alt.Legend(orient="bottom")))
    end = base.mark_point(filled=True, size=70).encode(
        x=alt.X("life_to_years:Q"), color=alt.Color("direction:N", scale=colours),
        tooltip=[alt.Tooltip("company:N", title=_("Company")), alt.Tooltip("assets:N", title=_("Assets")),
                 alt.Tooltip("effective:N", title=pgettext("effective date", "From")),
                 alt.Tooltip("life_from_years:Q", title=_("Old life")),
                 alt.Tooltip("life_to_years:Q", title=_("New life")), alt.Tooltip("confidence:N", title=_("Confidence"))])
    longer = int((data["direction"] == longer_name).sum())
    shorter = data[data["direction"] == shorter_name]
    return alt.layer(bar, end).properties(
        title=alt.TitleParams(
            _("{longer} of the {total} changes on record lengthened lives").format(longer=longer,
                                                                                  total=longer + len(shorter))
            + (_("; {companies} cut some in {years}").format(companies=_(", ").join(shorter['company']),
                                                             years=_(", ").join(shorter['effective'].astype(str)))
               if len(shorter) else ""),
            subtitle=_("Most disclosures cover servers and network equipment, not GPUs alone"),
        ),
        width=260, height=alt.Step(20),
        description=_("Dumbbell chart of disclosed useful lives: {changes}.").format(changes=_("; ").join(
            _("{company} {effective} ({assets}): {lives}").format(
                company=r.company, effective=r.effective, assets=r.assets,
                lives=(_("{old} to {new} years").format(old=f"{r.life_from_years:g}", new=f"{r.life_to_years:g}")
                       if not math.isnan(r.life_from_years) else _("{new} years").format(new=f"{r.life_to_years:g}")))
            for r in data.itertuples())),
    )


def profit_effects_chart(changes: pd.DataFrame) -> alt.LayerChart:
    """Bars of the disclosed first-year effect of each useful-life change on pre-tax profit."""
    data = changes.dropna(subset=["profit_effect_usd"]).copy()
    data["label"] = data["company"] + " " + data["effective"].astype(str)
    data["effect_bn"] = billions(data["profit_effect_usd"])
    data["shown"] = data["profit_effect_usd"].map(reported_usd)
    data["effect_as_disclosed"] = data["effect_as_disclosed"].map(_)
    raised = data.loc[data["profit_effect_usd"] > 0, "profit_effect_usd"].sum()
    lowered = data.loc[data["profit_effect_usd"] < 0]
    order = data.sort_values("profit_effect_usd", ascending=False)["label"].tolist()
    base = alt.Chart(data).encode(y=alt.Y("label:N", title=None, sort=order))
    bars = base.mark_bar().encode(
        x=alt.X("effect_bn:Q", title=_("Effect on first-year pre-tax profit (USD billions)")),
        color=alt.ColorValue(OKABE_ITO["blue"], condition={"test": "datum.effect_bn > 0", "value": OKABE_ITO["vermillion"]}),
        tooltip=[alt.Tooltip("label:N", title=_("Change")), alt.Tooltip("effect_as_disclosed:N", title=_("As disclosed")),
                 alt.Tooltip("confidence:N", title=_("Confidence"))],
    )
    text = base.mark_text(align="left", dx=4).encode(
        x=alt.X("label_at:Q"), text=alt.Text("shown:N")).transform_calculate(label_at="max(datum.effect_bn, 0)")
    return alt.layer(bars, text).properties(
        title=alt.TitleParams(
            _("Longer lives added {amount} to one year's profits at three companies").format(amount=reported_usd(raised)),
            subtitle=(_("{companies}'s shorter life took {amount} off").format(
                companies=_(", ").join(lowered['company']), amount=reported_usd(-lowered['profit_effect_usd'].sum()))
                      if len(lowered) else ""),
        ),
        width=320, height=alt.Step(28),
        description=_("Bar chart of disclosed effects of useful-life changes on profit: {changes}.").format(
            changes=_("; ").join(_("{change}: {effect}").format(change=r.label, effect=r.effect_as_disclosed)
                                 for r in data.itertuples())),
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
    :class:`~gpu_finance.calibration.DeclineEstimate` from
    :func:`~gpu_finance.calibration.calibrated_decline`, drawn as its
    fitted line with the interval as a shaded band (the lines with the interval's two ends as
    slopes, through the centre of the observations). ``without_peak``, another estimate, adds the
    fit without the 2023 scarcity peak as a second line.
    """
    data = prices.copy()
    data["when"] = _as_date(data["year_decimal"]).dt.strftime("%Y-%m-%d")
    if is_chinese():
        data["bound"], data["price_kind"] = data["bound"].map(_), data["price_kind"].map(_)
    chip = data[data["gpu"] == gpu]
    span = np.linspace(chip["year_decimal"].min(), chip["year_decimal"].max(), 12)
    first, last = int(data["year_decimal"].min()), int(data["year_decimal"].max()) + 1
    x = alt.X("when:T", title=_("Date"), axis=alt.Axis(format="%Y", tickCount="year"),
              scale=alt.Scale(domain=[f"{first}-01-01", f"{last}-01-01"]))
    log_scale = alt.Scale(type="log", domain=[0.5, 12])
    y = alt.Y("price_usd_per_hour:Q", title=_("Rental price (USD per GPU-hour, log scale)"), scale=log_scale)
    points = alt.Chart(data).mark_point(filled=True, size=80).encode(
        x=x, y=y,
        color=alt.Color("gpu:N", title="GPU", legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(range=[OKABE_ITO["bluish_green"], OKABE_ITO["reddish_purple"], OKABE_ITO["blue"]])),
        shape=alt.Shape("price_kind:N", title=_("Price"), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("gpu:N", title="GPU"), alt.Tooltip("date:N", title=_("Date")),
                 alt.Tooltip("price_usd_per_hour:Q", title=_("USD per hour"), format=".2f"),
                 alt.Tooltip("bound:N", title=_("Reported as")), alt.Tooltip("price_kind:N", title=_("Price")),
                 alt.Tooltip("source:N", title=_("Source"))],
    )
    listing = _("; ").join(_("{gpu} {date}: {bound} {price} ({kind})").format(
        gpu=r.gpu, date=r.date, bound=r.bound, price=_per_hour(r.price_usd_per_hour), kind=r.price_kind)
        for r in data.itertuples())
    latest = chip.loc[chip["year_decimal"].idxmax()]
    rose = latest["price_usd_per_hour"] > chip["price_usd_per_hour"].min()
    if isinstance(decline, DeclineEstimate):
        every_price = _("All prices")
        fits = {every_price: (decline, calibration_prices(gpu, include_peak=True))}
        if without_peak is not None:
            fits[_("Without the 2023 peak")] = (without_peak, calibration_prices(gpu, include_peak=False))
        lines = _fit_lines(chip, fits, span)
        palette = alt.Scale(domain=list(fits), range=[OKABE_ITO["blue"], OKABE_ITO["vermillion"]][: len(fits)])
        wide = lines.pivot_table(index=["fit", "year_decimal", "when"], columns="part", values="price").reset_index()
        band = alt.Chart(wide[wide["fit"] == every_price]).mark_area(opacity=0.18, color=OKABE_ITO["blue"]).encode(
            x=x, y=alt.Y("low:Q", scale=log_scale), y2=alt.Y2("high:Q"))
        trend = alt.Chart(lines[lines["part"] == "estimate"]).mark_line(strokeDash=[6, 3]).encode(
            x=x, y=alt.Y("price:Q", scale=log_scale),
            color=alt.Color("fit:N", title=_("Log-linear fit"), scale=palette, legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("fit:N", title=_("Fit")), alt.Tooltip("price:Q", title=_("USD per hour"), format=".2f")])
        shown = estimate_percent(decline.estimate, interval=(decline.low, decline.high), confidence=decline.confidence)
        title = _("{gpu} rents fell about {decline} a year on the fit, with a wide interval").format(
            gpu=gpu, decline=estimate_percent(decline.estimate))
        if rose:
            title += _(", and rose again in {year}").format(year=int(latest['year_decimal']))
        subtitle = _("Dashed: log-linear fit to {count} {gpu} prices, {decline}; shaded: the interval's slopes").format(
            count=decline.n_observations, gpu=gpu, decline=shown)
        text = _(". A dashed line shows the fitted {gpu} trend, falling {decline} a year, and a shaded band the lines "
                 "with the interval's two ends as slopes").format(gpu=gpu, decline=shown)
        if without_peak is not None:
            text += _(", and a second dashed line the fit without the 2023 peak, falling {decline} a year").format(
                decline=estimate_percent(without_peak.estimate, interval=(without_peak.low, without_peak.high),
                                         confidence=without_peak.confidence))
        layers = [band, trend, points]
    else:
        trend = pd.DataFrame({"year_decimal": span})
        trend["price"] = np.round(price_trend(chip["year_decimal"], chip["price_usd_per_hour"], span), 3)
        trend["when"] = _as_date(trend["year_decimal"]).dt.strftime("%Y-%m-%d")
        line = alt.Chart(trend).mark_line(strokeDash=[6, 3], color=OKABE_ITO["blue"]).encode(
            x=x, y=alt.Y("price:Q", scale=log_scale))
        title = _("{gpu} rents fell about {decline} a year from launch to 2026").format(gpu=gpu,
                                                                                       decline=percent(decline, 0))
        subtitle = _("Dashed: log-linear fit to the {count} {gpu} prices; an A100 from 2020 still rents").format(
            count=len(chip), gpu=gpu)
        text = _(". A dashed line shows the fitted {gpu} trend, falling {decline} a year").format(
            gpu=gpu, decline=percent(decline, 0))
        layers = [line, points]
    return alt.layer(*layers).properties(
        title=alt.TitleParams(title, subtitle=subtitle),
        width=WIDTH, height=260,
        description=_("Scatter chart of reported GPU rental prices in USD per GPU-hour on a log scale: {prices}{trend}.").format(
            prices=listing, trend=text),
    )


def generations_chart(generations: pd.DataFrame) -> alt.LayerChart:
    """A timeline of Nvidia's data-centre GPU generations: released, announced or planned."""
    data = generations.copy()
    data["when"] = _as_date(data["year_decimal"]).dt.strftime("%Y-%m-%d")
    new, refresh = _("New architecture"), _("Refresh")
    planned, released = _("Planned"), _("Released or announced")
    data["kind_label"] = data["kind"].map({"architecture": new, "refresh": refresh})
    data["status"] = np.where(data["event"] == "planned", planned, released)
    data["description"] = data["description"].map(_)
    base = alt.Chart(data).encode(
        x=alt.X("when:T", title=_("Year"), axis=alt.Axis(format="%Y", tickCount="year"),
                scale=alt.Scale(domain=[f"{int(data['year_decimal'].min())}-01-01",
                                        f"{int(data['year_decimal'].max()) + 1}-01-01"])),
        y=alt.Y("kind_label:N", title=None, sort=[new, refresh]),
    )
    dots = base.mark_point(size=110, filled=True).encode(
        shape=alt.Shape("status:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=[released, planned], range=["circle", "triangle-up"])),
        color=alt.ColorValue(OKABE_ITO["blue"]),
        tooltip=[alt.Tooltip("generation:N", title=_("Generation")), alt.Tooltip("architecture:N", title=_("Architecture")),
                 alt.Tooltip("date:N", title=_("Date")), alt.Tooltip("description:N", title=_("What"))],
    )
    labels = base.mark_text(dy=-12, fontSize=11, angle=0).encode(text=alt.Text("generation:N"))
    gap = generation_gap_years(generations)
    return alt.layer(dots, labels).properties(
        title=alt.TitleParams(
            _("A new Nvidia architecture about every {gap}, with refreshes in between").format(gap=years(gap)),
            subtitle=_("Nvidia announced a yearly rhythm in 2024; 2025 onwards are plans"),
        ),
        width=WIDTH, height=120,
        description=_("Timeline of Nvidia data-centre GPUs: {generations}.").format(generations=_("; ").join(
            _("{generation} ({kind}, {event} {date})").format(generation=r.generation, kind=_(r.kind),
                                                              event=_(r.event), date=r.date)
            for r in data.itertuples())),
    )


def lives_chart(changes: pd.DataFrame) -> alt.LayerChart:
    """The accounting lives companies use now, against Epoch AI's frontier life and Bernstein's
    profitable life."""
    latest = changes.groupby("company", sort=False).tail(1)
    accounting, economic, frontier_kind = _("Accounting life"), _("Economic life (estimate)"), _("Frontier life (measured)")
    epoch = _("Epoch AI: median frontier life")
    rows = [(_("{company} ({assets})").format(company=r.company, assets=_(r.assets)), r.life_to_years, accounting,
             r.confidence) for r in latest.itertuples()]
    rows.append((_("Bernstein: profitable to run"), depreciation_fact("bernstein.profitable_life_years"),
                 economic, "S"))
    rows.append((epoch, depreciation_fact("epoch.frontier_life_median_years"), frontier_kind, "C"))
    data = pd.DataFrame(rows, columns=["what", "life_years", "kind", "confidence"])
    data["order"] = np.arange(len(data))
    band = pd.DataFrame({"what": [epoch],
                         "low": [depreciation_fact("epoch.frontier_life_low_years")],
                         "high": [depreciation_fact("epoch.frontier_life_high_years")]})
    colours = alt.Scale(domain=[accounting, economic, frontier_kind],
                        range=[OKABE_ITO["grey"], OKABE_ITO["bluish_green"], OKABE_ITO["vermillion"]])
    y = alt.Y("what:N", title=None, sort=list(data["what"]), axis=alt.Axis(labelLimit=320))
    bars = alt.Chart(data).mark_bar(height=14).encode(
        y=y, x=alt.X("life_years:Q", title=_("Years"), scale=alt.Scale(domain=[0, 7])),
        color=alt.Color("kind:N", title=None, scale=colours, legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=[alt.Tooltip("what:N", title=_("What")), alt.Tooltip("life_years:Q", title=_("Years")),
                 alt.Tooltip("confidence:N", title=_("Confidence"))],
    )
    whisker = alt.Chart(band).mark_rule(strokeWidth=2, color=INK).encode(y=y, x=alt.X("low:Q"), x2=alt.X2("high:Q"))
    frontier = depreciation_fact("epoch.frontier_life_median_years")
    return alt.layer(bars, whisker).properties(
        title=alt.TitleParams(
            _("The books say {low}–{high} years; the frontier lasted {frontier} (median)").format(
                low=f"{latest['life_to_years'].min():g}", high=f"{latest['life_to_years'].max():g}",
                frontier=years(frontier)),
            subtitle=_("Black line: the range of Epoch AI's frontier lives; frontier life is not economic life"),
        ),
        width=260, height=alt.Step(22),
        description=_("Bar chart of lives in years: {lives}. Epoch AI's frontier lives range from {low} to {high} "
                      "years.").format(lives=_("; ").join(f"{r.what}: {r.life_years:g}" for r in data.itertuples()),
                                       low=f"{band['low'].iloc[0]:g}", high=f"{band['high'].iloc[0]:g}"),
    )
