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
    "CONFIDENCE_CODES",
    "REQUIRED_COLUMNS",
    "list_datasets",
    "load_dataset",
    "deal_facts",
    "fact",
    "fact_row",
    "financing_events",
    "circular_deals",
    "accounting_history",
]

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


def financing_events() -> pd.DataFrame:
    """What was reported, denied and closed around the Colossus 2 vehicle, in date order.

    The ``status`` column tells a reported plan from a deal known to have closed, and marks xAI's
    separate Series E round, which some coverage mixes up with the vehicle.
    """
    events = load_dataset("financing_events")
    events["date"] = pd.to_datetime(events["date"])
    return events.sort_values("date", ignore_index=True)


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
