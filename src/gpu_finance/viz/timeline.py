"""The page "Since the essay": the record from the Colossus 2 reports to the latest filing.

A dated chart and a table drawn from :func:`gpu_finance.financing_events` (``kinds=None``: every
kind of event), and a list that links each essay claim an event bears on to that claim's verdict
(the labels :func:`gpu_finance.viz.ledger.claim_label` that the chapters' verdict lists carry).
Also the legend of the confidence codes and the table of deal facts that the pages listing their
data show (:func:`confidence_legend`, :func:`facts_table`), both drawn from the package's own
definitions. Nothing here holds finance of its own.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from IPython.display import Markdown

from ..claims import essay_claims
from ..datasets import CONFIDENCE_CODES, EVENT_KINDS, deal_facts, financing_events, load_dataset
from ..formatting import Prose, date_text, percent, styled, twd, usd, years
from ..formatting import english_cells, month_year, source_text
from ..i18n import N_, gettext as _, is_chinese
from .ledger import claim_label
from .theme import OKABE_ITO

__all__ = [
    "KIND_LABELS",
    "timeline_events",
    "timeline_chart",
    "timeline_table",
    "timeline_table_markdown",
    "claims_touched",
    "claim_links_markdown",
    "timeline_markdown",
    "claim_links",
    "confidence_legend_markdown",
    "confidence_legend",
    "FACT_UNITS",
    "fact_value_text",
    "facts_table",
]

#: How the chart and the table name each kind of event (:data:`gpu_finance.datasets.EVENT_KINDS`).
KIND_LABELS: dict[str, str] = {
    "vehicle": N_("The GPU vehicle"),
    "sponsor": N_("xAI (the sponsor)"),
    "parent": N_("SpaceX (xAI's parent)"),
    "vendor": N_("The chip vendor"),
    "credit": N_("GPU-backed credit"),
}

_KIND_COLORS: dict[str, str] = {
    "vehicle": OKABE_ITO["sky_blue"],
    "sponsor": OKABE_ITO["blue"],
    "parent": OKABE_ITO["vermillion"],
    "vendor": OKABE_ITO["bluish_green"],
    "credit": OKABE_ITO["orange"],
}

#: Short labels for the chart's legend and tooltips, from :data:`gpu_finance.CONFIDENCE_CODES`
#: (the words before its colon); S and X are what the book calls *reported*.
_CONFIDENCE_LABELS: dict[str, str] = {
    code: f"{code}: {text.split(':', 1)[0]}" + (" (reported)" if code in ("S", "X") else "")
    for code, text in CONFIDENCE_CODES.items()
}

#: The labels above, as messages of the catalog (:mod:`gpu_finance.i18n`).
_CONFIDENCE_MESSAGES = (N_("C: confirmed"), N_("S: second-hand (reported)"), N_("X: conflicting (reported)"),
                        N_("A: assumption of this book"))

_CONFIDENCE_SHAPES: dict[str, str] = {"C": "circle", "S": "triangle-up", "X": "diamond", "A": "square"}


def _kind_label(kind: str) -> str:
    return _(KIND_LABELS[kind])


def _confidence_label(code: str) -> str:
    return _(_CONFIDENCE_LABELS[code])


def timeline_events(events: pd.DataFrame | None = None) -> pd.DataFrame:
    """The events the page shows, in date order, with the labels the chart and table use.

    Parameters
    ----------
    events : pandas.DataFrame, optional
        Rows as returned by :func:`gpu_finance.financing_events`; by default every kind
        (``financing_events(None)``).

    Returns
    -------
    pandas.DataFrame
        The rows, plus ``who`` (the kind's label), ``when`` (the date as the reader reads it: a day,
        or a month for month-only dates), ``evidence`` (the confidence code's label) and ``amount``
        (the amount as text, empty where there is none).

    Examples
    --------
    >>> rows = timeline_events()
    >>> rows["date"].is_monotonic_increasing and set(rows["who"]) <= set(KIND_LABELS.values())
    True
    """
    frame = financing_events(None) if events is None else events.copy()
    if frame.empty:
        raise ValueError("events is empty: the timeline needs at least one event")
    unknown = sorted(set(frame["kind"]) - set(KIND_LABELS))
    if unknown:
        raise ValueError(f"events has kinds {unknown}; allowed: {sorted(KIND_LABELS)}")
    frame = frame.sort_values("date", kind="stable", ignore_index=True)
    raw = _raw_dates(frame)
    frame["who"] = frame["kind"].map(_kind_label)
    frame["when"] = [
        str(month_year(day)) if len(text) == 7 else str(date_text(text))
        for day, text in zip(frame["date"], raw)
    ]
    frame["evidence"] = frame["confidence"].map(_confidence_label)
    frame["amount"] = frame["amount_usd"].map(lambda x: "" if pd.isna(x) else usd(x))
    return frame


def _raw_dates(events: pd.DataFrame) -> list[str]:
    """The dates of ``events`` as the data file writes them (``YYYY-MM`` or ``YYYY-MM-DD``).

    The loader turns them into datetimes; the data file is read again to tell a month-only date
    (shown as a month) from a day.
    """
    raw = load_dataset("financing_events").set_index("event_id")["date"].astype(str)
    return [raw.get(event_id, when.strftime("%Y-%m-%d")) for event_id, when in zip(events["event_id"], events["date"])]


def _default_title(frame: pd.DataFrame) -> str:
    filed = frame[(frame["status"] == "filed") & frame["amount_usd"].notna()]
    plans = frame.loc[frame["status"] == "reported plan", "date"]
    first = plans.min() if len(plans) else frame["date"].min()
    last = frame["date"].max()
    if filed.empty or len(plans) == 0:
        return _("The record from {first} to {last}").format(first=month_year(first), last=month_year(last))
    latest = filed.iloc[-1]
    return _("From a reported plan in {first} to a filing in {filed}: {amount} of GPU lease debt on the parent's "
             "balance sheet").format(first=month_year(first), filed=month_year(latest['date']),
                                     amount=usd(latest['amount_usd']))


def timeline_chart(events: pd.DataFrame | None = None, *, title: str | None = None) -> alt.Chart:
    """A dated timeline: one point per event, a row per kind, coloured by kind, shaped by confidence.

    Parameters
    ----------
    events : pandas.DataFrame, optional
        Rows as returned by :func:`gpu_finance.financing_events`; every kind by default.
    title : str, optional
        The chart's title. By default it states the finding: from the first reported plan to the
        latest filing, and the amount that filing books.

    Returns
    -------
    altair.Chart
        One ``point`` mark per event, x = date, y = whose story it is; tooltips give the event,
        its status, amount, confidence and source.

    Examples
    --------
    >>> spec = timeline_chart().to_dict()
    >>> spec["mark"]["type"], spec["encoding"]["x"]["type"]
    ('point', 'temporal')
    """
    frame = timeline_events(events)
    kinds = [k for k in EVENT_KINDS if k in set(frame["kind"])]
    codes = [c for c in CONFIDENCE_CODES if c in set(frame["confidence"])]
    shown = frame[["event_id", "date", "who", "when", "event", "status", "amount", "evidence", "source"]].copy()
    shown["date"] = shown["date"].dt.strftime("%Y-%m-%d")
    shown["event"], shown["status"] = shown["event"].map(_), shown["status"].map(_)
    description = _(
        "Timeline of the financing record from {first} to {last}, one point per event, in rows by whose story it is "
        "({kinds}); the point's shape gives the confidence code. Events: {events}.").format(
        first=frame['when'].iloc[0], last=frame['when'].iloc[-1], kinds=_(", ").join(_kind_label(k) for k in kinds),
        events=_("; ").join(_("{when}, {who}: {status}").format(when=w, who=_kind_label(k), status=_(s))
                            for w, k, s in zip(frame["when"], frame["kind"], frame["status"])))
    return alt.Chart(shown).mark_point(size=140, filled=True, opacity=0.9).encode(
        x=alt.X("date:T", title=_("Date (month and year)"),
                axis=alt.Axis(format="%Y年%-m月" if is_chinese() else "%b %Y", labelAngle=0, tickCount=8)),
        y=alt.Y("who:N", title=_("Whose story"), sort=[_kind_label(k) for k in kinds]),
        color=alt.Color("who:N", title=_("Whose story"), legend=None,
                        scale=alt.Scale(domain=[_kind_label(k) for k in kinds],
                                        range=[_KIND_COLORS[k] for k in kinds])),
        shape=alt.Shape("evidence:N", title=_("Confidence"),
                        scale=alt.Scale(domain=[_confidence_label(c) for c in codes],
                                        range=[_CONFIDENCE_SHAPES[c] for c in codes]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("when:N", title=_("Date")), alt.Tooltip("event:N", title=_("What")),
                 alt.Tooltip("status:N", title=_("Status")), alt.Tooltip("amount:N", title=_("Amount")),
                 alt.Tooltip("evidence:N", title=_("Confidence")), alt.Tooltip("source:N", title=_("Source"))],
    ).properties(
        title=alt.TitleParams(_(title) if title else _default_title(frame),
                              subtitle=_("Hover over a point for the event and its source; circles are confirmed in "
                                         "the text read, triangles reported")),
        width=490,  # with the row labels, within the book's column (render.COLUMN_PX)
        height=40 * len(kinds) + 20,
        description=description,
    )


def timeline_table(events: pd.DataFrame | None = None) -> pd.DataFrame:
    """The timeline as a table: one row per event, with its date, status, confidence and source.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (as the reader reads it), ``who``, ``event``, ``amount``, ``status``,
        ``confidence``, ``source`` and ``url``.

    Examples
    --------
    >>> len(timeline_table()) == len(timeline_events())
    True
    """
    frame = timeline_events(events)
    return frame.assign(date=frame["when"], event=frame["event"].map(_), status=frame["status"].map(_))[
        ["date", "who", "event", "amount", "status", "confidence", "source", "url"]
    ].reset_index(drop=True)


def _cell(text: str) -> str:
    return " ".join(str(text).replace("|", "/").split())


def timeline_table_markdown(events: pd.DataFrame | None = None) -> str:
    """:func:`timeline_table` as a MyST Markdown table, the source a link to where it was read.

    Examples
    --------
    >>> lines = timeline_table_markdown().splitlines()
    >>> lines[0].startswith("| Date |") and len(lines) == len(timeline_events()) + 2
    True
    """
    rows = ["| " + " | ".join(_(h) for h in (N_("Date"), N_("Whose story"), N_("What happened"), N_("Amount"),
                                              N_("Status"), N_("Confidence"), N_("Source"))) + " |",
            "|---|---|---|---|---|---|---|"]
    # A citation stays in the language it was published in; a Chinese page marks it as English.
    english = "{.lang-en}" if is_chinese() else ""
    for _index, row in timeline_table(events).iterrows():
        source = (f"[{_cell(row['source'])}]({row['url']}){english}" if row["url"]
                  else f"[{_cell(row['source'])}]{english}" if english else _cell(row["source"]))
        rows.append(f"| {row['date']} | {row['who']} | {_cell(row['event'])} | {row['amount']} | "
                    f"{row['status']} | {row['confidence']} | {source} |")
    return "\n".join(rows) + "\n"


def claims_touched(events: pd.DataFrame | None = None) -> pd.DataFrame:
    """The essay's claims that at least one event bears on, in the essay's order.

    Returns
    -------
    pandas.DataFrame
        One row per claim: ``id``, ``claim_en``, ``verdict``, ``chapter``, ``label`` (the verdict's
        MyST label) and ``events`` (the ids of the events that bear on it, in date order).

    Examples
    --------
    >>> touched = claims_touched()
    >>> "debt-off-balance-sheet" in set(touched["id"])
    True
    """
    frame = timeline_events(events)
    by_claim: dict[str, list[str]] = {}
    for event_id, text in zip(frame["event_id"], frame["claims"].fillna("")):
        for claim_id in filter(None, str(text).split(";")):
            by_claim.setdefault(claim_id, []).append(event_id)
    claims = essay_claims()
    touched = claims[claims["id"].isin(list(by_claim))].copy()
    touched["label"] = touched["id"].map(claim_label)
    touched["events"] = touched["id"].map(by_claim)
    return touched[["id", "claim_en", "verdict", "chapter", "label", "events"]].reset_index(drop=True)


def claim_links_markdown(events: pd.DataFrame | None = None) -> str:
    """A MyST list: each claim an event bears on, its verdict, a link to it and the events' dates.

    Examples
    --------
    >>> text = claim_links_markdown()
    >>> "{ref}`" in text and "<claim-debt-off-balance-sheet>`" in text
    True
    """
    frame = timeline_events(events).set_index("event_id")
    essay = essay_claims().set_index("id")["claim_zh"] if is_chinese() else None
    items = []
    for _index, claim in claims_touched(events).iterrows():
        dates = _(", ").join(dict.fromkeys(frame.loc[e, "when"] for e in claim["events"]))
        # A Chinese reader reads the essay's own words, not their English rendering.
        said = f"「{_cell(essay[claim['id']])}」" if essay is not None else f"*{_cell(claim['claim_en'])}*"
        items.append(_("- {claim} **{verdict}**: {{ref}}`see the verdict <{label}>` (events of {dates})").format(
            claim=said, verdict=_(claim['verdict']), label=claim['label'], dates=dates))
    return "\n".join(items) + "\n"


def timeline_markdown(events: pd.DataFrame | None = None) -> Markdown:
    """:func:`timeline_table_markdown` for display in a notebook cell (``markdown_format: myst``)."""
    return Markdown(timeline_table_markdown(events))


def claim_links(events: pd.DataFrame | None = None) -> Markdown:
    """:func:`claim_links_markdown` for display in a notebook cell (``markdown_format: myst``)."""
    return Markdown(claim_links_markdown(events))


def confidence_legend_markdown(codes: str | None = None) -> str:
    """A MyST list defining the confidence codes, word for word from :data:`gpu_finance.CONFIDENCE_CODES`.

    Parameters
    ----------
    codes : str, optional
        The codes to list, e.g. ``"CS"``; all four (C, S, X, A) by default.

    Returns
    -------
    str
        One bullet per code: the code in bold, then its definition.

    Examples
    --------
    >>> print(confidence_legend_markdown("C"))
    - **C**: confirmed: the figure or quote is in the source text read.
    <BLANKLINE>
    """
    chosen = list(CONFIDENCE_CODES) if codes is None else list(dict.fromkeys(str(codes)))
    unknown = [c for c in chosen if c not in CONFIDENCE_CODES]
    if unknown or not chosen:
        raise ValueError(f"codes={codes!r} must be a non-empty string of the codes {''.join(CONFIDENCE_CODES)}")
    return "\n".join(_("- **{code}**: {meaning}.").format(code=c, meaning=_(CONFIDENCE_CODES[c])) for c in chosen) + "\n"


def confidence_legend(codes: str | None = None) -> Markdown:
    """:func:`confidence_legend_markdown` for display in a notebook cell (``markdown_format: myst``)."""
    return Markdown(confidence_legend_markdown(codes))


def _exact(value: float, most: int) -> int:
    """The fewest decimals (up to ``most``) that write ``value`` without rounding it."""
    for digits in range(most + 1):
        if abs(round(value, digits) - value) <= 1e-9 * max(1.0, abs(value)):
            return digits
    return most


#: How :func:`fact_value_text` writes each unit of ``deal_facts.csv``.
FACT_UNITS: tuple[str, ...] = ("USD", "TWD", "TWD per USD", "fraction", "fraction per year", "years")


def fact_value_text(value: float, unit: str) -> Prose:
    """One figure of the deal facts written in its unit, without losing a digit the data holds.

    Parameters
    ----------
    value : float
        The row's ``value``, in ``unit``.
    unit : str
        One of :data:`FACT_UNITS`: ``USD`` (dollars), ``TWD`` (New Taiwan dollars, ``NT$3M``),
        ``TWD per USD`` (an exchange rate, ``NT$31.408 per US$1``),
        ``fraction`` (shown as a percentage),
        ``fraction per year`` (a rate, shown as a percentage a year) or ``years``.

    Returns
    -------
    Prose
        E.g. ``$13.329B``, ``$327M``, ``$3,320``, ``5.855% a year``, ``40%``, ``5 years``.

    Examples
    --------
    >>> fact_value_text(13.329e9, "USD"), fact_value_text(0.05855, "fraction per year"), fact_value_text(5, "years")
    ($13.329B, 5.855% a year, 5 years)
    """
    if unit not in FACT_UNITS:
        raise ValueError(f"unit={unit!r} is not one of {list(FACT_UNITS)}")
    number = float(value)
    if unit in ("USD", "TWD"):
        write = usd if unit == "USD" else twd
        size = abs(number)
        scale = 1e9 if size >= 1e9 else 1e6 if size >= 1e6 else 1.0
        return write(number, _exact(size / scale, 3)) if scale > 1 else write(number)
    if unit == "years":
        return years(number)
    if unit == "TWD per USD":
        return Prose(_("NT${rate} per US$1").format(rate=f"{number:,.{_exact(number, 3)}f}"))
    shown = percent(number, _exact(number * 100, 3))
    return Prose(_("{value} a year").format(value=shown)) if unit == "fraction per year" else shown


def facts_table(facts: pd.DataFrame | None = None, keys=None):
    """The deal facts as a table for readers: each value written in its unit, with date, code and source.

    Parameters
    ----------
    facts : pandas.DataFrame, optional
        Rows as returned by :func:`gpu_finance.deal_facts` (indexed by key); all of them by default.
    keys : sequence of str, optional
        The keys to show, in this order; every row of ``facts`` by default.

    Returns
    -------
    pandas.io.formats.style.Styler
        Columns ``Key`` (the name :func:`gpu_finance.fact` takes), ``Value`` (text, e.g. ``$13.329B``
        or ``9.5% a year``), ``Date``, ``Confidence`` and ``Source``; no index.

    Examples
    --------
    >>> shown = facts_table(keys=["spacex.valor_related_party_debt_usd", "colossus2.debt_rate"]).data
    >>> shown["Value"].tolist()
    ['$13.329B', '9.5% a year']
    """
    rows = deal_facts() if facts is None else facts
    if keys is not None:
        keys = list(keys)
        missing = [k for k in keys if k not in rows.index]
        if missing:
            raise ValueError(f"keys has {missing}, which are not rows of the deal facts")
        rows = rows.loc[keys]
    if rows.empty:
        raise ValueError("facts is empty: the table needs at least one row")
    shown = pd.DataFrame({
        _("Key"): rows.index.astype(str),
        _("Value"): [str(fact_value_text(v, u)) for v, u in zip(rows["value"], rows["unit"])],
        _("Date"): rows["date"].astype(str).to_numpy(),
        _("Confidence"): rows["confidence"].to_numpy(),
        _("Source"): rows["source"].map(source_text).to_numpy(),
    })
    return english_cells(styled(shown).hide(axis="index"), [_("Source")])
