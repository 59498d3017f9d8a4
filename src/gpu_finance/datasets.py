"""The sourced data the book cites: small CSV files shipped inside the package.

Every row of every file carries where it comes from:

``source``
    The outlet or document, and where it was relayed from when the original is paywalled.
``url``
    The address where the text was read (empty only for the book's own assumptions).
``date``
    When the fact was published or applies: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
``confidence``
    One of the codes in :data:`CONFIDENCE_CODES`. A figure coded ``S`` or ``X`` is shown to readers
    as *reported*, never as settled fact; ``A`` marks an assumption the reader can change.

Nothing is fetched at run time: the files are read from the installed package.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import pandas as pd

from ._validation import check_choice

__all__ = [
    "FACTS_AS_OF",
    "CONFIDENCE_CODES",
    "REQUIRED_COLUMNS",
    "list_datasets",
    "load_dataset",
    "deal_facts",
    "fact",
    "fact_row",
    "financing_events",
    "EVENT_KINDS",
    "EVENT_STATUSES",
    "CHAPTER_EVENT_KINDS",
    "check_financing_events",
    "circular_deals",
    "accounting_history",
]

#: The date the book's data was last checked against its sources, ``YYYY-MM-DD``. No row of any
#: data file is dated later (the tests check it). The landing page and every chapter show it.
FACTS_AS_OF: str = "2026-11-30"

#: Columns every data file must have, filled on every row (``url`` may be empty for assumptions).
REQUIRED_COLUMNS: tuple[str, ...] = ("source", "url", "date", "confidence")

#: What each confidence code means.
CONFIDENCE_CODES: dict[str, str] = {
    "C": "confirmed: the figure or quote is in the source text read",
    "S": "second-hand: an outlet relaying Bloomberg, WSJ, FT, Reuters or The Information",
    "X": "conflicting: sources disagree (see the note on the row)",
    "A": "assumption of this book: not reported anywhere; change it and see what follows",
}

DATE_PATTERN = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _data_dir():
    return resources.files("gpu_finance") / "data"


def list_datasets() -> list[str]:
    """Names of the data files shipped with the package (without ``.csv``), sorted.

    Examples
    --------
    >>> "deal_facts" in list_datasets()
    True
    """
    return sorted(p.name[: -len(".csv")] for p in _data_dir().iterdir() if p.name.endswith(".csv"))


@lru_cache(maxsize=None)
def _read(name: str) -> pd.DataFrame:
    with (_data_dir() / f"{name}.csv").open("r", encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype={"date": str, "url": str}, keep_default_na=True)
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"data file {name}.csv lacks the required columns {missing}")
    frame["url"] = frame["url"].fillna("")
    return frame


def load_dataset(name: str) -> pd.DataFrame:
    """Load one shipped data file as a DataFrame (a fresh copy each call).

    Parameters
    ----------
    name : str
        One of :func:`list_datasets`.

    Returns
    -------
    pandas.DataFrame
        The rows as stored, with the columns of :data:`REQUIRED_COLUMNS` among them.

    Examples
    --------
    >>> load_dataset("deal_facts").loc[0, "confidence"] in CONFIDENCE_CODES
    True
    """
    check_choice("name", name, tuple(list_datasets()))
    return _read(name).copy()


def deal_facts() -> pd.DataFrame:
    """The figures behind the book's deals, one row per figure, indexed by ``key``.

    Keys look like ``colossus2.debt_usd``; ``value`` is in the row's ``unit``.
    """
    return load_dataset("deal_facts").set_index("key")


def fact_row(key: str) -> pd.Series:
    """The whole data row behind one figure: value, unit, description, source, url, date, confidence.

    Examples
    --------
    >>> fact_row("colossus2.debt_usd")["confidence"]
    'S'
    """
    facts = deal_facts()
    check_choice("key", key, tuple(facts.index))
    return facts.loc[key]


def fact(key: str) -> float:
    """The value of one figure from ``deal_facts.csv``, as a float in the row's unit.

    Examples
    --------
    >>> fact("colossus2.total_cost_usd")
    20000000000.0
    """
    return float(fact_row(key)["value"])


#: What the ``kind`` column of ``financing_events.csv`` may say: whose story an event belongs to.
EVENT_KINDS: dict[str, str] = {
    "vehicle": "the GPU vehicle's own financing: plans, loans and closings",
    "sponsor": "xAI's own corporate financing, before SpaceX acquired it",
    "parent": "SpaceX, xAI's parent from February 2026: its filings, debt and listing",
    "vendor": "the chip vendor's investments, commitments and support for its customers",
    "credit": "the wider market for loans backed by GPUs and the contracts that use them",
}

#: The kinds the chapters' tables of "what was reported, and what closed" show by default: the
#: vehicle and its sponsor as the essay described them. The timeline page shows every kind.
CHAPTER_EVENT_KINDS: tuple[str, ...] = ("vehicle", "sponsor")

#: What the ``status`` column of ``financing_events.csv`` may say, and what each means.
EVENT_STATUSES: dict[str, str] = {
    "denial": "a party denied the report",
    "reported plan": "a plan reported by the press, not known to have closed",
    "reported loan": "a loan reported by the press, not confirmed by a party to it",
    "closed": "a deal known to have closed (a party's release or filing says so)",
    "separate deal": "a different deal that coverage mixed up with the vehicle",
    "walked back": "a headline figure a party later said was not a commitment",
    "announced": "a deal its parties announced, with parts still conditional",
    "repaid": "debt repaid in full",
    "filed": "a figure or fact stated in a filing with the SEC",
    "reported support": "support for lenders or customers reported, terms not public",
}


def check_financing_events(events: pd.DataFrame) -> pd.DataFrame:
    """Check the vocabulary and links of ``financing_events`` rows; return them unchanged.

    Every ``status`` must be in :data:`EVENT_STATUSES`, every ``kind`` in :data:`EVENT_KINDS`, every
    ``event_id`` unique, and every id in ``claims`` (semicolon-separated, may be empty) a claim of
    ``essay_claims.csv``.

    Parameters
    ----------
    events : pandas.DataFrame
        Rows as in ``financing_events.csv``.

    Returns
    -------
    pandas.DataFrame
        ``events`` itself.

    Raises
    ------
    ValueError
        Naming the column, the row and the value that is not allowed.

    Examples
    --------
    >>> rows = load_dataset("financing_events")
    >>> check_financing_events(rows) is rows
    True
    >>> check_financing_events(rows.assign(status="rumoured"))
    Traceback (most recent call last):
    ...
    ValueError: status='rumoured' (event 'xai-deny') is not one of 'denial', 'reported plan', 'reported loan', 'closed', 'separate deal', 'walked back', 'announced', 'repaid', 'filed', 'reported support'
    """
    duplicated = events.loc[events["event_id"].duplicated(), "event_id"].tolist()
    if duplicated:
        raise ValueError(f"event_id values {duplicated} appear more than once in financing_events")
    claim_ids = set(load_dataset("essay_claims")["id"])
    for _, row in events.iterrows():
        for column, allowed in (("status", EVENT_STATUSES), ("kind", EVENT_KINDS)):
            if row[column] not in allowed:
                options = ", ".join(repr(c) for c in allowed)
                raise ValueError(f"{column}={row[column]!r} (event {row['event_id']!r}) is not one of {options}")
        claims = row["claims"] if isinstance(row["claims"], str) else ""
        unknown = [c for c in claims.split(";") if c and c not in claim_ids]
        if unknown:
            raise ValueError(
                f"claims={claims!r} (event {row['event_id']!r}) names {unknown}, not ids of essay_claims.csv"
            )
    return events


def financing_events(kinds: tuple[str, ...] | list[str] | None = CHAPTER_EVENT_KINDS) -> pd.DataFrame:
    """What was reported, denied, closed, filed and repaid around the Colossus 2 vehicle, in date order.

    The ``status`` column (:data:`EVENT_STATUSES`) tells a reported plan from a deal known to have
    closed, and marks xAI's separate Series E round, which some coverage mixes up with the vehicle.
    The ``kind`` column (:data:`EVENT_KINDS`) says whose story the event belongs to; ``claims`` lists
    the ids of the essay's claims (``essay_claims.csv``) the event bears on, separated by ``;``.

    Parameters
    ----------
    kinds : sequence of str or None, default :data:`CHAPTER_EVENT_KINDS`
        Keep the events of these kinds. The default keeps the vehicle and its sponsor, the story
        the chapters tell; ``None`` keeps the whole record since the essay (the timeline page).

    Returns
    -------
    pandas.DataFrame
        One row per event; ``date`` is a datetime (a month-only date, ``YYYY-MM``, falls on the
        first of the month).

    Examples
    --------
    >>> set(financing_events()["kind"]) == {"vehicle", "sponsor"}
    True
    >>> len(financing_events(None)) > len(financing_events())
    True
    """
    events = check_financing_events(load_dataset("financing_events"))
    if kinds is not None:
        if isinstance(kinds, str):
            kinds = (kinds,)
        for kind in kinds:
            check_choice("kinds", kind, tuple(EVENT_KINDS))
        events = events[events["kind"].isin(list(kinds))]
    events = events.assign(claims=events["claims"].fillna(""))
    events["date"] = pd.to_datetime(events["date"], format="mixed")
    return events.sort_values("date", kind="stable", ignore_index=True)


def circular_deals() -> pd.DataFrame:
    """Reported deals in which a supplier funds, guarantees or rents back from its own customer.

    One row per deal, in date order: who gives what (``funder_gives``), what the customer buys
    (``customer_buys``), a headline ``amount_usd`` (empty where the payment is not in dollars, as
    with AMD's warrants) and what that amount measures (``amount_is``).

    Examples
    --------
    >>> "nvidia-openai" in set(circular_deals()["deal_id"])
    True
    """
    deals = load_dataset("circular_deals")
    order = pd.to_datetime(deals["date"], format="mixed")
    return deals.assign(_order=order).sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)


def accounting_history() -> pd.DataFrame:
    """The accounting rules on off-balance-sheet vehicles and leases, and the events behind them.

    From Enron's special purpose entities and the 3% rule to FIN 46(R), the SIVs of 2007,
    FAS 166/167 and ASC 842, in date order; ``amount_usd`` is the figure each event is known by.

    Examples
    --------
    >>> accounting_history()["event_id"].iloc[0]
    'enron-spe'
    """
    history = load_dataset("accounting_history")
    order = pd.to_datetime(history["date"], format="mixed")
    return history.assign(_order=order).sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
