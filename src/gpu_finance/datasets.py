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

Nothing is fetched at run time: the files are read from the installed package, once each (the
loaders return fresh copies), and only when a loader is first called. Besides the generic
:func:`load_dataset` and the one lookup of a single figure, :func:`fact`, the module holds each
table's own loader: the deal facts and the financing record (chapters 0, 1 and the timeline), and
the data of chapter 2 (depreciation facts, rental prices, compute contracts, disclosed useful lives,
GPU generations and who says what about them).
"""

from __future__ import annotations

import functools
import math
import re
from importlib import resources

import numpy as np
import pandas as pd

from ._validation import check_choice, check_number, check_whole
from .i18n import N_

__all__ = [
    "FACTS_AS_OF",
    "CONFIDENCE_CODES",
    "REQUIRED_COLUMNS",
    "list_datasets",
    "load_dataset",
    "FACT_TABLES",
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
    "depreciation_facts",
    "depreciation_fact",
    "decimal_year",
    "PRICE_KINDS",
    "PRICE_BOUNDS",
    "HOURS_PER_MONTH",
    "rental_prices",
    "usd_per_gpu_hour",
    "compute_contracts",
    "useful_life_changes",
    "gpu_generations",
    "generation_gap_years",
    "depreciation_views",
]

#: The date the book's data was last checked against its sources, ``YYYY-MM-DD``. No row of any
#: data file is dated later (the tests check it). The landing page and every chapter show it.
FACTS_AS_OF: str = "2026-11-30"

#: Columns every data file must have, filled on every row (``url`` may be empty for assumptions).
REQUIRED_COLUMNS: tuple[str, ...] = ("source", "url", "date", "confidence")

#: What each confidence code means.
CONFIDENCE_CODES: dict[str, str] = {
    "C": N_("confirmed: the figure or quote is in the source text read"),
    "S": N_("second-hand: an outlet relaying Bloomberg, WSJ, FT, Reuters or The Information"),
    "X": N_("conflicting: sources disagree (see the note on the row)"),
    "A": N_("assumption of this book: not reported anywhere; change it and see what follows"),
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


@functools.cache
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


#: The tables of single figures that :func:`fact` reads, each with a unique ``key`` and a ``value``
#: (in the row's ``unit``).
FACT_TABLES: tuple[str, ...] = ("deal_facts", "depreciation_facts", "backstop_history")


def deal_facts() -> pd.DataFrame:
    """The figures behind the book's deals, one row per figure, indexed by ``key``.

    Keys look like ``colossus2.debt_usd``; ``value`` is in the row's ``unit``.
    """
    return load_dataset("deal_facts").set_index("key")


def fact_row(key: str, table: str = "deal_facts") -> pd.Series:
    """The whole data row behind one figure: value, unit, description, source, url, date, confidence.

    Parameters
    ----------
    key : str
        The figure's ``key``.
    table : str
        One of :data:`FACT_TABLES`; ``deal_facts`` by default.

    Examples
    --------
    >>> fact_row("colossus2.debt_usd")["confidence"]
    'S'
    """
    check_choice("table", table, FACT_TABLES)
    facts = load_dataset(table).set_index("key")
    check_choice("key", key, tuple(facts.index))
    return facts.loc[key]


@functools.cache
def _fact_values(table: str) -> dict[str, float]:
    """Every figure of one table of :data:`FACT_TABLES`, by key (read once)."""
    frame = _read(table)
    return {key: float(value) for key, value in zip(frame["key"], frame["value"])}


def fact(key: str, table: str = "deal_facts") -> float:
    """The value of one figure, as a float in the row's unit: the one lookup of a single figure.

    Each table is read once, on the first call that needs it.

    Parameters
    ----------
    key : str
        The figure's ``key``, e.g. ``colossus2.total_cost_usd``.
    table : str
        One of :data:`FACT_TABLES`; ``deal_facts`` by default.

    Raises
    ------
    ValueError
        If the table or the key is unknown; the message lists the allowed ones.

    Examples
    --------
    >>> fact("colossus2.total_cost_usd")
    20000000000.0
    >>> fact("epoch.frontier_life_median_years", table="depreciation_facts")
    3.9
    """
    check_choice("table", table, FACT_TABLES)
    values = _fact_values(table)
    if not isinstance(key, str) or key not in values:
        check_choice("key", key, tuple(values))
    return values[key]


class FactDefaults:
    """A module's constants that are figures of ``deal_facts.csv``, read on first use.

    ``default = FactDefaults(TARGET_EQUITY_RETURN="colossus2.target_equity_return")`` gives a
    function: ``default("TARGET_EQUITY_RETURN")`` returns the row's value (read once, then kept), and
    ``default.factories()`` what :func:`gpu_finance._lazy.lazy_constants` takes, so the module's
    ``TARGET_EQUITY_RETURN`` is the same figure without any data read at import time.

    Parameters
    ----------
    whole : tuple of str
        Names whose figure is a whole number (a life in years): returned as ``int``.
    **keys : str
        ``NAME="row.key"`` for each constant.

    Examples
    --------
    >>> default = FactDefaults(TOTAL_COST_USD="colossus2.total_cost_usd",
    ...                        LEASE_TERM_YEARS="colossus2.lease_term_years", whole=("LEASE_TERM_YEARS",))
    >>> default("TOTAL_COST_USD"), default("LEASE_TERM_YEARS")
    (20000000000.0, 5)
    """

    def __init__(self, whole: tuple[str, ...] = (), **keys: str) -> None:
        self.keys = dict(keys)
        self.whole = frozenset(whole)
        self._values: dict[str, float | int] = {}

    def __call__(self, name: str) -> float | int:
        if name not in self._values:
            value = fact(self.keys[name])
            self._values[name] = int(value) if name in self.whole else value
        return self._values[name]

    def factories(self) -> dict[str, functools.partial]:
        """``{NAME: function}``: each function, called without arguments, returns that figure."""
        return {name: functools.partial(self, name) for name in self.keys}


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


# ------------------------------------------------------------------------- chapter 2's data
def depreciation_facts() -> pd.DataFrame:
    """The figures of chapter 2 (sourced ones and its assumptions), indexed by ``key``.

    Keys look like ``epoch.frontier_life_median_years``; ``value`` is in the row's ``unit``.
    Rows with ``confidence`` ``A`` are this book's assumptions, which the reader can change.
    """
    return load_dataset("depreciation_facts").set_index("key")


def depreciation_fact(key: str) -> float:
    """The value of one figure from ``depreciation_facts.csv``: ``fact(key, table="depreciation_facts")``.

    Examples
    --------
    >>> depreciation_fact("epoch.frontier_life_median_years")
    3.9
    >>> depreciation_fact("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: key='nope' is not one of ...
    """
    return fact(key, table="depreciation_facts")


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def decimal_year(date: str) -> float:
    """A date written ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as a year with a fraction.

    A date that gives only the year is placed at mid-year, one that gives the month at the middle
    of the month: the data do not say more, and the middle is the least biased guess.

    Examples
    --------
    >>> decimal_year("2023"), decimal_year("2024-10"), decimal_year("2024-01-01")
    (2023.5, 2024.7917, 2024.0)
    """
    match = _DATE.match(str(date))
    if not match:
        raise ValueError(f"date={date!r} is not written YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    if month is None:
        return float(year) + 0.5
    month_number = check_whole("date month", int(month), 1, 12)
    if day is None:
        return round(float(year) + (month_number - 0.5) / 12, 4)
    stamp = pd.Timestamp(f"{year}-{month}-{day}")
    days_in_year = 366 if stamp.is_leap_year else 365
    return round(float(year) + (stamp.day_of_year - 1) / days_in_year, 4)


#: What kind of price a row of ``gpu_rental_prices.csv`` is, by ``price_kind``. Prices of one chip
#: differ by kind: a one-year contract is cheaper than renting by the hour on demand, and a spot or
#: index price is a market average of short rentals.
PRICE_KINDS: dict[str, str] = {
    "on-demand": "renting by the hour, with no commitment (a posted or open-market hourly price)",
    "spot/index": "a spot or interruptible price, or an index that averages short rentals across providers",
    "1-year contract": "capacity reserved for a year at a fixed hourly price",
    "multi-year contract": "capacity reserved for more than a year at a fixed price",
}

#: How a source gave a price, by ``bound``: a point (``about``), a bound (``at least``,
#: ``at most``) or one end of a quoted range (``low end``, ``high end``).
PRICE_BOUNDS: tuple[str, ...] = ("about", "at least", "at most", "low end", "high end")

#: Hours in an average month (365.25 × 24 / 12), to turn a monthly fee into an hourly price.
HOURS_PER_MONTH: float = 365.25 * 24 / 12


def _check_column_values(frame: pd.DataFrame, name: str, column: str, allowed, id_column: str) -> None:
    """Raise ``ValueError`` naming the row and column of the first value not in ``allowed``."""
    for row_id, value in zip(frame[id_column], frame[column]):
        if value not in allowed:
            raise ValueError(f"{name}.csv row {row_id!r}: {column}={value!r} is not one of "
                             + ", ".join(repr(a) for a in allowed))


def rental_prices() -> pd.DataFrame:
    """Reported GPU rental prices (USD per GPU-hour), with the date as a decimal year.

    Columns as in ``gpu_rental_prices.csv`` (``gpu``, ``price_usd_per_hour``, ``bound``,
    ``price_kind``, ``description`` and the source columns) plus ``year_decimal``
    (:func:`decimal_year` of ``date``). Sorted by GPU and date. ``price_kind`` is one of
    :data:`PRICE_KINDS` and ``bound`` one of :data:`PRICE_BOUNDS`; a row with another value
    raises ``ValueError`` naming the row and the column.

    Examples
    --------
    >>> sorted(set(rental_prices()["price_kind"])) == sorted(set(rental_prices()["price_kind"]) & set(PRICE_KINDS))
    True
    """
    prices = load_dataset("gpu_rental_prices")
    _check_column_values(prices, "gpu_rental_prices", "price_kind", tuple(PRICE_KINDS), "observation_id")
    _check_column_values(prices, "gpu_rental_prices", "bound", PRICE_BOUNDS, "observation_id")
    prices["year_decimal"] = prices["date"].map(decimal_year)
    return prices.sort_values(["gpu", "year_decimal"], ignore_index=True)


def usd_per_gpu_hour(monthly_fee_usd: float, gpu_count: float) -> float:
    """A monthly fee for a block of GPUs as dollars per GPU-hour.

    ``monthly_fee_usd / gpu_count / HOURS_PER_MONTH``: the fee spread over every GPU and every hour
    of an average month (:data:`HOURS_PER_MONTH`), as if the capacity were fully delivered.

    Parameters
    ----------
    monthly_fee_usd : float
        The fee per month, in USD; greater than zero.
    gpu_count : float
        How many GPUs the fee pays for; greater than zero.

    Returns
    -------
    float
        USD per GPU-hour.

    Examples
    --------
    >>> round(usd_per_gpu_hour(730.5, 1), 6)
    1.0
    >>> usd_per_gpu_hour(1e9, 0)
    Traceback (most recent call last):
    ...
    ValueError: gpu_count=0 is outside (0, inf)
    """
    fee = check_number("monthly_fee_usd", monthly_fee_usd, 0, math.inf, low_closed=False, high_closed=False)
    count = check_number("gpu_count", gpu_count, 0, math.inf, low_closed=False, high_closed=False)
    return fee / count / HOURS_PER_MONTH


def compute_contracts() -> pd.DataFrame:
    """Reported contracts that rent out frontier compute capacity, with a price per GPU-hour.

    One row per contract of ``compute_contracts.csv``: ``customer``, ``provider``,
    ``monthly_fee_usd``, ``gpu_count`` (empty when no source gives it), ``chips`` (what the
    sources say of the chip generation), ``start``, ``end``, ``termination`` and the source
    columns, plus ``usd_per_gpu_hour`` (:func:`usd_per_gpu_hour`; NaN where the GPU count is not
    given).

    A contract price is not a bare GPU rent: the fee pays for the chips together with the
    buildings, power, cooling and networking around them (and, in the Google contract, the CPUs
    and memory), for a mix of chip generations the sources do not break down. It is a market price
    for *frontier capacity*, above what a single GPU rents for.

    Examples
    --------
    >>> contracts = compute_contracts()
    >>> bool((contracts["usd_per_gpu_hour"] > 0).any())
    True
    """
    contracts = load_dataset("compute_contracts")
    prices = []
    for row in contracts.itertuples():
        count = row.gpu_count
        prices.append(usd_per_gpu_hour(row.monthly_fee_usd, count) if pd.notna(count) else math.nan)
    contracts["usd_per_gpu_hour"] = prices
    return contracts


def useful_life_changes() -> pd.DataFrame:
    """Useful lives that large buyers of servers and GPUs disclosed, and the changes to them.

    One row per change (or per stated life, for companies with no change on record): ``company``,
    ``assets`` as disclosed (mostly *servers and network equipment*, never GPUs alone, except
    Nebius), ``effective``, ``life_from_years`` (empty when not reported or disputed),
    ``life_to_years`` and ``profit_effect_usd``: the disclosed effect on pre-tax profit in the first
    year, positive when the change raised profit (empty when none was disclosed).
    """
    return load_dataset("useful_life_changes")


def gpu_generations() -> pd.DataFrame:
    """Nvidia's data-centre GPU generations: released, announced or planned, with decimal years.

    ``kind`` tells a new architecture from a refresh of one (H200, Blackwell Ultra, Rubin Ultra);
    ``event`` is ``released``, ``announced`` or ``planned``.
    """
    generations = load_dataset("gpu_generations")
    generations["year_decimal"] = generations["date"].map(decimal_year)
    return generations.sort_values("year_decimal", ignore_index=True)


def generation_gap_years(generations: pd.DataFrame | None = None, *, kind: str = "architecture") -> float:
    """The median time between successive Nvidia generations of one ``kind``, in years.

    Parameters
    ----------
    generations : pandas.DataFrame, optional
        Rows like :func:`gpu_generations` (the default); needs ``kind`` and ``year_decimal``.
    kind : str
        ``"architecture"`` (new designs: Volta, Ampere, Hopper, Blackwell, ...) or ``"any"``
        (refreshes included).

    Examples
    --------
    >>> generation_gap_years()
    2.0
    """
    frame = gpu_generations() if generations is None else generations
    check_choice("kind", kind, ("architecture", "any"))
    if kind == "architecture":
        frame = frame[frame["kind"] == "architecture"]
    years = np.sort(frame["year_decimal"].to_numpy(dtype=float))
    if len(years) < 2:
        raise ValueError(f"generations has {len(years)} rows of kind={kind!r}; at least 2 are needed")
    return float(round(np.median(np.diff(years))))


def depreciation_views() -> pd.DataFrame:
    """Who says GPUs last longer or shorter than the books assume, in their own words where quoted.

    ``side`` is ``shorter lives``, ``longer lives`` or ``neither``; ``quote`` holds the exact words
    as sourced (empty when the source gives no quote) and ``claim`` a plain summary.
    """
    views = load_dataset("depreciation_views")
    views["quote"] = views["quote"].fillna("")
    return views.set_index("view_id")

