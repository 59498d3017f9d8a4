"""Charts and tables of chapter 2's data: disclosed useful lives and their effect on profit, GPU
rental prices with the calibrated decline, Nvidia's generations, compute contracts and the
chapter's single figures.

Every function here draws rows that :mod:`gpu_finance.datasets` loads (and, for the rental
prices, the fit of :mod:`gpu_finance.calibration`); none holds any finance of its own.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from ..calibration import DeclineEstimate, calibration_prices, price_trend
from ..datasets import depreciation_fact, generation_gap_years
from ..formatting import date_text, estimate_percent, percent, table, usd, years
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
    shown = shown[["description", "value", "date", "confidence", "source"]]
    return table(shown, labels={"description": "Figure"})


def contracts_table(contracts: pd.DataFrame):
    """Disclosed compute contracts (:func:`~gpu_finance.datasets.compute_contracts`) for reading.

    The monthly fees are reported figures and keep their digits (``$1.25B``, ``$920M``); the
    price per GPU-hour is arithmetic on them, in dollars and cents.
    """
    columns = ["customer", "monthly_fee_usd", "gpu_count", "start", "end", "usd_per_gpu_hour", "confidence"]
    formats = {"monthly_fee_usd": reported_usd, "gpu_count": lambda x: f"{x:,.0f}",
               "usd_per_gpu_hour": lambda x: f"${x:.2f}"}
    labels = {"monthly_fee_usd": "Monthly fee", "gpu_count": "GPUs", "start": "From", "end": "To",
              "usd_per_gpu_hour": "USD per GPU-hour"}
    return table(contracts[columns], formats=formats, labels=labels)


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


# -------------------------------------------------------------------------------- charts
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
    data["effect_bn"] = billions(data["profit_effect_usd"])
    data["shown"] = data["profit_effect_usd"].map(reported_usd)
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
            f"Longer lives added {reported_usd(raised)} to one year's profits at three companies",
            subtitle=(f"{', '.join(lowered['company'])}'s shorter life took {reported_usd(-lowered['profit_effect_usd'].sum())} off"
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
    :class:`~gpu_finance.calibration.DeclineEstimate` from
    :func:`~gpu_finance.calibration.calibrated_decline`, drawn as its
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
        width=WIDTH, height=260,
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
        width=WIDTH, height=120,
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
    whisker = alt.Chart(band).mark_rule(strokeWidth=2, color=INK).encode(y=y, x=alt.X("low:Q"), x2=alt.X2("high:Q"))
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
