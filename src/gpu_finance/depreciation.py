"""The depreciation game: how long the books say a GPU lasts, what it is really worth, and the profit
in between.

A company that buys GPUs does not charge their cost as an expense at once: it spreads the cost,
less a *salvage value*, over an *accounting life* (its useful life), as depreciation
(:func:`depreciation_schedule`). If the GPUs lose their value faster than that, the books overstate
two things. The yearly expense is too small, so reported profit is too large
(:func:`profit_comparison`); and the book value is above what the chips would sell for
(:func:`market_value_path`, :func:`book_versus_market`), which matters to lenders who hold them as
collateral (:mod:`gpu_finance.collateral`).

How fast do GPUs lose value? The module calibrates a yearly decline from the rental prices of one
chip, Nvidia's H100, in the book's data (:func:`implied_annual_decline`,
:data:`CALIBRATED_ANNUAL_DECLINE`). Later chapters use that figure as the collateral's drift.

Whose profit does this touch? Only an owner's that keeps the chips on its books: a hyperscaler or a
*neocloud* renting them out at market prices, or a lessor under an operating lease. A lessor whose
lease is a finance lease for the lessee (a *sales-type* lease under ASC 842, as chapter 1's model
classifies the Colossus 2 lease) derecognises the GPUs and books a net investment in the lease: it
charges no depreciation at all. :class:`Fleet` and :func:`owner_profit_comparison` model the owner,
whose rent falls as the chips age; :func:`profit_comparison` keeps the vehicle's view for the
lenders' chapter.

Money is in US dollars (USD), lives in whole years, shares and rates are fractions (0.33 = 33%).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ._validation import check_choice, check_fraction, check_number, check_whole
from .datasets import load_dataset
from .deal import Deal, _require_deal, debt_schedule
from .spv import TARGET_EQUITY_RETURN, lease_payment

__all__ = [
    "METHODS",
    "MAX_LIFE_YEARS",
    "CALIBRATED_ANNUAL_DECLINE",
    "depreciation_schedule",
    "market_value_path",
    "book_versus_market",
    "impairment_year",
    "profit_comparison",
    "Fleet",
    "NEOCLOUD_FLEET",
    "OWNER_REQUIRED_RETURN",
    "owner_profit_comparison",
    "peak_overstatement",
    "reversal_year",
    "implied_annual_decline",
    "price_trend",
    "decimal_year",
    "PRICE_KINDS",
    "PRICE_BOUNDS",
    "HOURS_PER_MONTH",
    "rental_prices",
    "compute_contracts",
    "usd_per_gpu_hour",
    "DeclineEstimate",
    "DECLINE_CASES",
    "decline_cases",
    "decline_interval",
    "BOOTSTRAP_RESAMPLES",
    "calibrated_decline",
    "calibration_prices",
    "decline_readings",
    "PEAK_OBSERVATIONS",
    "useful_life_changes",
    "gpu_generations",
    "generation_gap_years",
    "depreciation_views",
    "depreciation_facts",
    "depreciation_fact",
]

#: The depreciation methods :func:`depreciation_schedule` knows, by name.
METHODS: tuple[str, ...] = ("straight_line", "double_declining_balance", "sum_of_years_digits")

#: Longest accounting or economic life the model accepts, in years.
MAX_LIFE_YEARS = 15

#: The GPU in the rental-price data whose history calibrates the yearly value decline.
CALIBRATION_GPU = "H100"


# ----------------------------------------------------------------------------------- data
def depreciation_facts() -> pd.DataFrame:
    """The chapter's single figures (sourced ones and its assumptions), indexed by ``key``.

    Keys look like ``epoch.frontier_life_median_years``; ``value`` is in the row's ``unit``.
    Rows with ``confidence`` ``A`` are this book's assumptions, which the reader can change.
    """
    return load_dataset("depreciation_facts").set_index("key")


def depreciation_fact(key: str) -> float:
    """The value of one figure from ``depreciation_facts.csv``, as a float in the row's unit.

    Examples
    --------
    >>> depreciation_fact("epoch.frontier_life_median_years")
    3.9
    >>> depreciation_fact("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: key='nope' is not one of ...
    """
    facts = depreciation_facts()
    check_choice("key", key, tuple(facts.index))
    return float(facts.loc[key, "value"])


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


# --------------------------------------------------------------------------- depreciation
def _check_life(name: str, value: object) -> int:
    return check_whole(name, value, 1, MAX_LIFE_YEARS)


def _check_cost(cost: object) -> float:
    return check_number("cost", cost, 0, math.inf, low_closed=False)


def depreciation_schedule(
    cost: float,
    life_years: int,
    salvage_fraction: float = 0.0,
    method: str = "straight_line",
) -> pd.DataFrame:
    """Year-by-year depreciation of an asset: expense, accumulated depreciation and book value.

    Every method spreads the same total, ``cost × (1 − salvage_fraction)``, over ``life_years``;
    they differ in when:

    ``"straight_line"``
        The same expense every year: ``(cost − salvage) / life``.
    ``"double_declining_balance"``
        Twice the straight-line rate, ``2 / life``, times the book value at the start of the year,
        switching to straight-line over the years left when that is larger (so the book value
        reaches the salvage value exactly in the last year) and never taking the book value below
        salvage.
    ``"sum_of_years_digits"``
        ``(cost − salvage)`` times the years left, divided by ``1 + 2 + … + life``: the largest
        share first, falling by the same amount each year.

    Parameters
    ----------
    cost : float
        What the asset cost, in USD; greater than zero.
    life_years : int
        The accounting (useful) life, a whole number of years from 1 to 15.
    salvage_fraction : float
        The value expected at the end of the life, as a fraction of cost, in [0, 1].
    method : str
        One of :data:`METHODS`.

    Returns
    -------
    pandas.DataFrame
        One row per year, year 1 first, with columns ``year``, ``expense`` (that year's
        depreciation, USD), ``accumulated`` (depreciation to date, USD) and ``book_value`` (cost
        minus accumulated depreciation, USD, at the end of the year). The expenses add up to cost
        minus salvage; the book value never falls below salvage and ends on it.

    Raises
    ------
    ValueError
        If a value is out of range or the method is unknown; the message names the parameter.

    References
    ----------
    The three methods as taught in intermediate accounting texts (e.g. Kieso, Weygandt and
    Warfield, *Intermediate Accounting*, chapter 11).

    Examples
    --------
    $20B of GPUs over six years, straight-line:

    >>> depreciation_schedule(20e9, 6)["expense"].round(-6).tolist()
    [3333000000.0, 3333000000.0, 3333000000.0, 3333000000.0, 3333000000.0, 3333000000.0]

    A textbook double-declining-balance case: $10,000, five years, $1,000 salvage:

    >>> depreciation_schedule(10_000, 5, 0.1, "double_declining_balance")["expense"].round(2).tolist()
    [4000.0, 2400.0, 1440.0, 864.0, 296.0]
    >>> depreciation_schedule(10_000, 0)
    Traceback (most recent call last):
    ...
    ValueError: life_years=0 is outside [1, 15]
    """
    cost = _check_cost(cost)
    life = _check_life("life_years", life_years)
    salvage_share = check_fraction("salvage_fraction", salvage_fraction)
    method = check_choice("method", method, METHODS)
    salvage = cost * salvage_share
    base = cost - salvage  # the amount to depreciate
    # Each method returns the year's expense and ``left``, the part of ``base`` not yet
    # depreciated at the end of each year (never below zero, exactly zero in the last year).
    if method == "straight_line":
        expense, left = _straight_line(base, life)
    elif method == "sum_of_years_digits":
        expense, left = _sum_of_years_digits(base, life)
    else:
        expense, left = _double_declining_balance(base, salvage, life)
    left[-1] = 0.0
    return pd.DataFrame(
        {"year": np.arange(1, life + 1), "expense": expense, "accumulated": base - left,
         "book_value": salvage + left}
    )


def _straight_line(base: float, life: int) -> tuple[np.ndarray, np.ndarray]:
    """Straight-line: the same share of ``base`` (USD) each of ``life`` years.

    Returns the expense of each year and the part of ``base`` left at its end, both in USD.
    """
    years = np.arange(1, life + 1)
    expense = np.full(life, base / life)
    left = base * (life - years) / life  # written from the years left, so the last is exactly zero
    return expense, left


def _sum_of_years_digits(base: float, life: int) -> tuple[np.ndarray, np.ndarray]:
    """Sum-of-years' digits: year ``t`` takes ``(life − t + 1) / (1 + 2 + … + life)`` of ``base``.

    Returns the expense of each year and the part of ``base`` left at its end, both in USD.
    """
    years = np.arange(1, life + 1)
    total_digits = life * (life + 1) / 2  # 1 + 2 + ... + life
    remaining_digits = (life - years) * (life - years + 1) / 2  # the digits of the years still to come
    expense = base * (life - years + 1) / total_digits
    left = base * remaining_digits / total_digits
    return expense, left


def _double_declining_balance(base: float, salvage: float, life: int) -> tuple[np.ndarray, np.ndarray]:
    """Double-declining balance, switching to straight-line when that charges more.

    Parameters
    ----------
    base : float
        The amount to depreciate, cost minus salvage value, in USD.
    salvage : float
        The value kept at the end of the life, in USD; the book value is ``salvage + remaining``.
    life : int
        The accounting life, in years.

    Returns
    -------
    tuple of numpy.ndarray
        The expense of each year and the part of ``base`` left at its end, both in USD.
    """
    rate = 2.0 / life  # twice the straight-line rate, a fraction per year
    expense = np.zeros(life)
    left = np.zeros(life)
    remaining = base  # not yet depreciated at the start of the year
    for index in range(life):
        # The declining charge: the rate times the book value at the start of the year. It
        # shrinks as the book value does.
        declining = rate * (salvage + remaining)
        # The straight-line charge: what is left, spread evenly over the years left (this one
        # included). Late in the life it can be the larger; taking it then is "the switch".
        straight = remaining / (life - index)
        # Charge the larger of the two, but never more than is left, so the book value
        # never falls below salvage and reaches it in the last year.
        charge = min(max(declining, straight), remaining)
        expense[index] = charge
        remaining = remaining - charge if charge < remaining else 0.0
        left[index] = remaining
    return expense, left


def _book_values(cost: float, life: int, salvage_share: float, method: str, horizon: int) -> np.ndarray:
    """Book value at the end of years 0..horizon (salvage after the life ends)."""
    schedule = depreciation_schedule(cost, life, salvage_share, method)
    values = np.full(horizon + 1, cost * salvage_share)
    values[0] = cost
    shown = min(life, horizon)
    values[1 : shown + 1] = schedule["book_value"].to_numpy()[:shown]
    return values


# ---------------------------------------------------------------------------- market value
def _check_market(
    annual_decline: object,
    economic_life_years: object,
    generation_step: object,
    generation_interval_years: object,
) -> tuple[float | None, int | None, float, int]:
    if (annual_decline is None) == (economic_life_years is None):
        raise ValueError(
            f"give exactly one of annual_decline={annual_decline!r} and "
            f"economic_life_years={economic_life_years!r}"
        )
    decline = None if annual_decline is None else check_fraction("annual_decline", annual_decline, one_allowed=False)
    life = None if economic_life_years is None else _check_life("economic_life_years", economic_life_years)
    step = check_fraction("generation_step", generation_step, one_allowed=False)
    interval = check_whole("generation_interval_years", generation_interval_years, 1, MAX_LIFE_YEARS)
    return decline, life, step, interval


def market_value_path(
    cost: float,
    years: int,
    annual_decline: float | None = None,
    *,
    economic_life_years: int | None = None,
    salvage_fraction: float = 0.0,
    generation_step: float = 0.0,
    generation_interval_years: int = 2,
) -> pd.DataFrame:
    """What the GPUs would sell for at the end of each year, from purchase (year 0) on.

    Give exactly one of two ways the value falls:

    * ``annual_decline``: by the same fraction every year, ``cost × (1 − d)**t``, the shape a
      rental price that falls at a steady rate gives (see :func:`implied_annual_decline`);
    * ``economic_life_years``: in a straight line from the cost to the salvage value over the
      economic life, then flat: the value of a chip that earns the same every year until it is no
      longer worth running.

    On top of either, when a new chip generation ships (every ``generation_interval_years``, the
    first one that many years after purchase) the value drops by a further ``generation_step``.
    The value never falls below ``salvage_fraction`` of the cost (a resale or scrap floor).

    Parameters
    ----------
    cost : float
        Purchase price, in USD; greater than zero.
    years : int
        How many years to follow, a whole number from 1 to 15.
    annual_decline : float, optional
        Fraction of value lost each year, in [0, 1).
    economic_life_years : int, optional
        Years until the chip is worth only its salvage value, a whole number from 1 to 15.
    salvage_fraction : float
        The floor, as a fraction of cost, in [0, 1].
    generation_step : float
        Fraction of value lost when a new generation ships, in [0, 1). Zero by default: the
        calibrated decline already includes the generations launched in its sample.
    generation_interval_years : int
        Years between generations, a whole number from 1 to 15.

    Returns
    -------
    pandas.DataFrame
        ``years + 1`` rows, year 0 (the purchase) first, with ``year``, ``market_value_usd`` and
        ``new_generation`` (True in the years a generation ships).

    Examples
    --------
    >>> market_value_path(100, 3, 0.5)["market_value_usd"].tolist()
    [100.0, 50.0, 25.0, 12.5]
    >>> market_value_path(100, 3, economic_life_years=2)["market_value_usd"].tolist()
    [100.0, 50.0, 0.0, 0.0]
    >>> market_value_path(100, 2, 0.5, generation_step=0.2, generation_interval_years=1)["market_value_usd"].round(9).tolist()
    [100.0, 40.0, 16.0]
    """
    cost = _check_cost(cost)
    horizon = check_whole("years", years, 1, MAX_LIFE_YEARS)
    floor = check_fraction("salvage_fraction", salvage_fraction)
    decline, life, step, interval = _check_market(
        annual_decline, economic_life_years, generation_step, generation_interval_years
    )
    t = np.arange(horizon + 1)
    if decline is not None:
        smooth = (1.0 - decline) ** t
    else:
        smooth = 1.0 - (1.0 - floor) * np.minimum(t, life) / life
    generations = t // interval
    share = np.maximum(floor, smooth * (1.0 - step) ** generations)
    return pd.DataFrame(
        {
            "year": t,
            "market_value_usd": cost * share,
            "new_generation": (t > 0) & (t % interval == 0),
        }
    )


def book_versus_market(
    cost: float,
    accounting_life_years: int,
    method: str = "straight_line",
    salvage_fraction: float = 0.0,
    *,
    annual_decline: float | None = None,
    economic_life_years: int | None = None,
    generation_step: float = 0.0,
    generation_interval_years: int = 2,
    years: int | None = None,
) -> pd.DataFrame:
    """Book value (from :func:`depreciation_schedule`) beside market value (from
    :func:`market_value_path`), year by year from the purchase.

    Parameters
    ----------
    cost, accounting_life_years, method, salvage_fraction
        As for :func:`depreciation_schedule`; the salvage value is also the market value's floor.
    annual_decline, economic_life_years, generation_step, generation_interval_years
        As for :func:`market_value_path` (give exactly one of the first two).
    years : int, optional
        How many years to show; the accounting life by default. After the accounting life the
        book value stays at the salvage value.

    Returns
    -------
    pandas.DataFrame
        Year 0 first: ``year``, ``book_value_usd``, ``market_value_usd``, ``gap_usd`` (book minus
        market: positive when the books say the chips are worth more than they would sell for) and
        ``market_below_book``.

    Examples
    --------
    Straight-line over 4 years against a value that halves each year:

    >>> frame = book_versus_market(100, 4, annual_decline=0.5)
    >>> frame["gap_usd"].tolist()
    [0.0, 25.0, 25.0, 12.5, -6.25]
    """
    cost = _check_cost(cost)
    life = _check_life("accounting_life_years", accounting_life_years)
    horizon = life if years is None else check_whole("years", years, 1, MAX_LIFE_YEARS)
    salvage_share = check_fraction("salvage_fraction", salvage_fraction)
    method = check_choice("method", method, METHODS)
    book = _book_values(cost, life, salvage_share, method, horizon)
    market = market_value_path(
        cost, horizon, annual_decline, economic_life_years=economic_life_years,
        salvage_fraction=salvage_share, generation_step=generation_step,
        generation_interval_years=generation_interval_years,
    )["market_value_usd"].to_numpy()
    gap = book - market
    tolerance = 1e-9 * cost  # equal values computed two ways are not a gap
    return pd.DataFrame(
        {
            "year": np.arange(horizon + 1),
            "book_value_usd": book,
            "market_value_usd": market,
            "gap_usd": np.where(np.abs(gap) <= tolerance, 0.0, gap),
            "market_below_book": gap > tolerance,
        }
    )


def impairment_year(frame: pd.DataFrame) -> int | None:
    """The first year (1 or later) in which the GPUs' market value is below their book value.

    That is when an impairment test that compares book value with what the asset would sell for
    (fair value) would call for a write-down. Real tests are more lenient: under US GAAP (ASC 360)
    an asset in use is written down only if its book value exceeds the *undiscounted* cash it is
    expected to bring in, which a paying lease can cover for years.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table from :func:`book_versus_market`.

    Returns
    -------
    int or None
        The year, or None if market value never falls below book value.

    Examples
    --------
    >>> impairment_year(book_versus_market(100, 4, annual_decline=0.5))
    1
    >>> impairment_year(book_versus_market(100, 4, economic_life_years=4)) is None
    True
    """
    _require_columns("frame", frame, ("year", "market_below_book"))
    hits = frame.loc[(frame["year"] >= 1) & frame["market_below_book"], "year"]
    return None if hits.empty else int(hits.iloc[0])


def _require_columns(name: str, frame: object, columns: tuple[str, ...]) -> None:
    if not isinstance(frame, pd.DataFrame) or not set(columns) <= set(frame.columns):
        raise ValueError(f"{name} must be a DataFrame with the columns {list(columns)}")


# ------------------------------------------------------------------- reported vs economic
def profit_comparison(
    deal: Deal,
    accounting_life_years: int,
    economic_life_years: int,
    *,
    method: str = "straight_line",
    economic_method: str = "straight_line",
    salvage_fraction: float = 0.0,
    operating_cost_fraction: float = 0.0,
    target_equity_return: float = TARGET_EQUITY_RETURN,
) -> pd.DataFrame:
    """The SPV's profit as reported (depreciation over the accounting life) and as it is
    economically (depreciation over the economic life), year by year.

    Both profits are pre-tax: lease income, less the SPV's operating costs, less interest on its
    debt, less depreciation of the GPUs (which cost ``deal.total_cost_usd``). Only the depreciation
    differs: ``method`` over ``accounting_life_years`` for the reported profit, ``economic_method``
    over ``economic_life_years`` for the economic one. Lease income is
    :func:`gpu_finance.spv.lease_payment` (no residual value) in each year of the lease and zero
    after it; interest comes from :func:`gpu_finance.deal.debt_schedule`. The table runs until the
    longer life, the lease and the loan have all ended, so with the same salvage value both
    depreciations add up to the same total and the overstatements sum to zero.

    Parameters
    ----------
    deal : Deal
        The SPV's deal (chapter 1's :data:`gpu_finance.COLOSSUS_2` by default in the book).
    accounting_life_years, economic_life_years : int
        The lives in the accounts and in reality, whole numbers of years from 1 to 15.
    method, economic_method : str
        Depreciation methods (:data:`METHODS`) for the reported and the economic profit.
    salvage_fraction : float
        Salvage value as a fraction of cost, in [0, 1], for both.
    operating_cost_fraction : float
        The SPV's own operating costs, as a fraction of its lease income, in [0, 1]. Zero for a
        triple-net lease, where the lessee pays power, maintenance and insurance.
    target_equity_return : float
        The equity's target return that sets the lease payment, a fraction per year in [0, 1).

    Returns
    -------
    pandas.DataFrame
        One row per year, year 1 first: ``year``, ``lease_income_usd``, ``operating_cost_usd``,
        ``interest_usd``, ``reported_depreciation_usd``, ``economic_depreciation_usd``,
        ``reported_profit_usd``, ``economic_profit_usd``, ``overstatement_usd`` (reported minus
        economic profit) and ``cumulative_overstatement_usd``.

    Examples
    --------
    >>> from gpu_finance import COLOSSUS_2
    >>> table = profit_comparison(COLOSSUS_2, 6, 4)
    >>> (table["overstatement_usd"] / 1e9).round(2).tolist()
    [1.67, 1.67, 1.67, 1.67, -3.33, -3.33]
    """
    _require_deal(deal)
    accounting = _check_life("accounting_life_years", accounting_life_years)
    economic = _check_life("economic_life_years", economic_life_years)
    method = check_choice("method", method, METHODS)
    economic_method = check_choice("economic_method", economic_method, METHODS)
    salvage_share = check_fraction("salvage_fraction", salvage_fraction)
    cost_share = check_fraction("operating_cost_fraction", operating_cost_fraction)
    payment = lease_payment(deal, target_equity_return)
    horizon = max(accounting, economic, deal.lease_term_years, deal.debt_term_years)
    years = np.arange(1, horizon + 1)

    def padded(values: np.ndarray) -> np.ndarray:
        out = np.zeros(horizon)
        out[: len(values)] = values
        return out

    cost = deal.total_cost_usd
    income = np.where(years <= deal.lease_term_years, payment, 0.0)
    operating = cost_share * income
    interest = padded(debt_schedule(deal)["interest_usd"].to_numpy())
    reported_dep = padded(depreciation_schedule(cost, accounting, salvage_share, method)["expense"].to_numpy())
    economic_dep = padded(depreciation_schedule(cost, economic, salvage_share, economic_method)["expense"].to_numpy())
    before_depreciation = income - operating - interest
    reported = before_depreciation - reported_dep
    economic_profit = before_depreciation - economic_dep
    over = economic_dep - reported_dep
    return pd.DataFrame(
        {
            "year": years,
            "lease_income_usd": income,
            "operating_cost_usd": operating,
            "interest_usd": interest,
            "reported_depreciation_usd": reported_dep,
            "economic_depreciation_usd": economic_dep,
            "reported_profit_usd": reported,
            "economic_profit_usd": economic_profit,
            "overstatement_usd": over,
            "cumulative_overstatement_usd": np.cumsum(over),
        }
    )


_COMPARISON_COLUMNS = ("year", "overstatement_usd", "cumulative_overstatement_usd")


def peak_overstatement(comparison: pd.DataFrame) -> float:
    """The largest cumulative overstatement of profit, signed, in USD.

    Positive when profit is reported before it is earned (an accounting life longer than the
    economic life); negative when it is reported later (a shorter, more cautious life); zero when
    the two agree every year.

    Parameters
    ----------
    comparison : pandas.DataFrame
        A table from :func:`profit_comparison` or :func:`owner_profit_comparison`.

    Examples
    --------
    With straight-line on both sides, six years against four on $20B: ``20 × (1 − 4/6)``:

    >>> from gpu_finance import COLOSSUS_2
    >>> round(peak_overstatement(profit_comparison(COLOSSUS_2, 6, 4)) / 1e9, 3)
    6.667
    """
    _require_columns("comparison", comparison, _COMPARISON_COLUMNS)
    cumulative = comparison["cumulative_overstatement_usd"].to_numpy(dtype=float)
    return float(cumulative[np.argmax(np.abs(cumulative))])


def reversal_year(comparison: pd.DataFrame) -> int | None:
    """The year the overstatement starts to come back: the first year whose difference between
    reported and economic profit has the opposite sign to the cumulative difference so far.

    With an accounting life longer than the economic life, profit is overstated in the early years
    and understated afterwards, when the books still charge depreciation on chips that have
    already lost their value: the earlier profit comes back as a loss.

    Parameters
    ----------
    comparison : pandas.DataFrame
        A table from :func:`profit_comparison` or :func:`owner_profit_comparison`.

    Returns
    -------
    int or None
        The year, or None if the two profits never part (or never come back together).

    Examples
    --------
    >>> from gpu_finance import COLOSSUS_2
    >>> reversal_year(profit_comparison(COLOSSUS_2, 6, 4))
    5
    >>> reversal_year(profit_comparison(COLOSSUS_2, 5, 5)) is None
    True
    """
    _require_columns("comparison", comparison, _COMPARISON_COLUMNS)
    yearly = comparison["overstatement_usd"].to_numpy(dtype=float)
    cumulative = comparison["cumulative_overstatement_usd"].to_numpy(dtype=float)
    tolerance = 1e-9 * max(1.0, float(np.max(np.abs(cumulative), initial=0.0)))
    for index in range(1, len(yearly)):
        before = cumulative[index - 1]
        if abs(before) > tolerance and abs(yearly[index]) > tolerance and np.sign(yearly[index]) != np.sign(before):
            return int(comparison["year"].iloc[index])
    return None


# ---------------------------------------------------------------------------- calibration
def _check_series(years: object, prices: object) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(years, dtype=float)
    p = np.asarray(prices, dtype=float)
    if t.ndim != 1 or p.ndim != 1 or len(t) != len(p):
        raise ValueError(f"years and prices must be 1-D and of equal length (got {t.shape} and {p.shape})")
    if len(t) < 2:
        raise ValueError(f"years has {len(t)} values; at least 2 are needed")
    if not np.all(np.isfinite(t)):
        raise ValueError(f"years={t.tolist()!r} holds values that are not finite numbers")
    if not np.all(np.isfinite(p)) or np.any(p <= 0):
        raise ValueError(f"prices={p.tolist()!r} must all be finite and greater than zero")
    if np.ptp(t) == 0:
        raise ValueError(f"years={t.tolist()!r} are all the same date; a trend needs two dates")
    return t, p


def _log_linear(t: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """Least-squares line through (t, ln p): returns (slope per year, intercept at mean t)."""
    centre = t.mean()
    dt = t - centre
    logs = np.log(p)
    slope = float(np.sum(dt * (logs - logs.mean())) / np.sum(dt * dt))
    return slope, float(logs.mean()) - slope * centre


def implied_annual_decline(years, prices, method: str = "log_linear") -> float:
    """The yearly rate at which a price series falls, as a fraction per year.

    ``"log_linear"``
        Fit a straight line to the logarithm of the price against time by least squares; a slope
        ``b`` per year means the price is multiplied by ``exp(b)`` each year, a decline of
        ``1 − exp(b)``. Every observation counts, and no single one decides the answer.
    ``"endpoints"``
        Compare the first and the last observation only:
        ``1 − (p_last / p_first) ** (1 / (t_last − t_first))``.

    A negative result means the price rose. To use the decline as the drift of a continuous-time
    model of the collateral's value, take ``math.log1p(-decline)`` (per year).

    Parameters
    ----------
    years : array-like of float
        When each price was observed, as decimal years (see :func:`decimal_year`); at least two
        distinct dates.
    prices : array-like of float
        The prices, all greater than zero (any currency or unit: only ratios matter).
    method : str
        ``"log_linear"`` or ``"endpoints"``.

    Returns
    -------
    float
        The fraction of the price lost per year (0.3 = 30%).

    Examples
    --------
    A price that halves every year falls 50% a year by either method:

    >>> implied_annual_decline([2020, 2021, 2022], [8.0, 4.0, 2.0])
    0.5
    >>> implied_annual_decline([2020, 2022], [8.0, 2.0], method="endpoints")
    0.5
    """
    t, p = _check_series(years, prices)
    method = check_choice("method", method, ("log_linear", "endpoints"))
    if method == "endpoints":
        order = np.argsort(t, kind="stable")
        first, last = order[0], order[-1]
        slope = math.log(p[last] / p[first]) / (t[last] - t[first])
    else:
        slope, _ = _log_linear(t, p)
    return float(round(-math.expm1(slope), 12))


def price_trend(years, prices, at) -> np.ndarray:
    """The log-linear trend of :func:`implied_annual_decline` evaluated at the dates ``at``.

    Parameters
    ----------
    years, prices : array-like of float
        The observations, as for :func:`implied_annual_decline`.
    at : array-like of float
        Decimal years at which to read the fitted line.

    Returns
    -------
    numpy.ndarray
        Fitted prices, in the unit of ``prices``.

    Examples
    --------
    >>> price_trend([2020, 2021, 2022], [8.0, 4.0, 2.0], [2023]).round(6).tolist()
    [1.0]
    """
    t, p = _check_series(years, prices)
    points = np.asarray(at, dtype=float)
    if not np.all(np.isfinite(points)):
        raise ValueError(f"at={points.tolist()!r} holds values that are not finite numbers")
    slope, intercept = _log_linear(t, p)
    return np.exp(intercept + slope * points)


#: The rows of ``gpu_rental_prices.csv`` that record the 2023 scarcity peak, which
#: ``calibrated_decline(include_peak=False)`` leaves out.
PEAK_OBSERVATIONS: tuple[str, ...] = ("h100-peak",)

#: The kinds of price that enter the calibration: every market rent of the chip, on demand, spot
#: or index, and one-year contracts. Multi-year contracts (which fix a price for years ahead) are
#: left out.
CALIBRATION_KINDS: tuple[str, ...] = ("on-demand", "spot/index", "1-year contract")


def calibration_prices(gpu: str = CALIBRATION_GPU, *, include_peak: bool = True) -> pd.DataFrame:
    """The rental-price rows that :func:`calibrated_decline` fits, in date order.

    Every row of ``gpu`` whose ``price_kind`` is in :data:`CALIBRATION_KINDS`; with
    ``include_peak=False``, without the rows of :data:`PEAK_OBSERVATIONS`.

    Examples
    --------
    >>> len(calibration_prices()) - len(calibration_prices(include_peak=False))
    1
    """
    if not isinstance(include_peak, bool):
        raise ValueError(f"include_peak={include_peak!r} is not True or False")
    prices = rental_prices()
    check_choice("gpu", gpu, tuple(sorted(set(prices["gpu"]))))
    chosen = prices[(prices["gpu"] == gpu) & prices["price_kind"].isin(CALIBRATION_KINDS)]
    if not include_peak:
        chosen = chosen[~chosen["observation_id"].isin(PEAK_OBSERVATIONS)]
    return chosen.reset_index(drop=True)


@dataclass(frozen=True)
class DeclineEstimate:
    """A yearly decline in price, estimated from observations, with an interval around it.

    Attributes
    ----------
    estimate : float
        The fraction lost per year (0.33 = 33%): the log-linear least-squares fit on all the
        observations included (:func:`implied_annual_decline`).
    low, high : float
        The ends of the interval, fractions per year; ``low`` may be negative (prices rising).
    confidence : float
        The interval's nominal coverage, e.g. 0.9.
    n_observations : int
        How many observations the fit used.
    include_peak : bool
        Whether the 2023 scarcity peak was among them.
    method : str
        A sentence saying what the interval is and what it assumes.
    """

    estimate: float
    low: float
    high: float
    confidence: float
    n_observations: int
    include_peak: bool
    method: str


#: The three readings of a calibrated decline, in the order tables show them, with their labels.
DECLINE_CASES: dict[str, str] = {
    "low": "Slowest fall (low end)",
    "estimate": "Central estimate",
    "high": "Fastest fall (high end)",
}


def decline_cases(estimate, low: float, high: float, *, high_closed: bool = True) -> list[tuple[str, float]]:
    """The low end, the estimate and the high end of a calibrated decline, each checked.

    Parameters
    ----------
    estimate : DeclineEstimate
        A calibration with its interval (:func:`calibrated_decline`).
    low, high : float
        The declines the caller's model accepts, fractions per year.
    high_closed : bool
        Whether ``high`` itself is accepted.

    Returns
    -------
    list of (str, float)
        ``(case, decline)`` for the cases of :data:`DECLINE_CASES`, in order.

    Raises
    ------
    ValueError
        If ``estimate`` is not a calibration, or one of its values (named ``estimate.low`` and so
        on) is outside ``[low, high]``.

    Examples
    --------
    >>> decline_cases(DeclineEstimate(0.3, 0.1, 0.5, 0.9, 5, True, "test"), 0.0, 1.0)
    [('low', 0.1), ('estimate', 0.3), ('high', 0.5)]
    """
    if not all(hasattr(estimate, case) for case in DECLINE_CASES):
        raise ValueError(f"estimate={estimate!r} must be a DeclineEstimate (with estimate, low and high)")
    return [(case, check_number(f"estimate.{case}", getattr(estimate, case), low, high, high_closed=high_closed))
            for case in DECLINE_CASES]


#: Bootstrap samples :func:`decline_interval`, :func:`calibrated_decline` and
#: :func:`decline_readings` draw by default (a whole number). Chapter 2 quotes it.
BOOTSTRAP_RESAMPLES: int = 2000


def _check_bootstrap(confidence: object, seed: object, n_resamples: object) -> tuple[float, int, int]:
    level = check_number("confidence", confidence, 0.0, 1.0, low_closed=False, high_closed=False)
    if isinstance(seed, bool):
        raise ValueError(f"seed={seed!r} is not a whole number")
    seed_ = check_whole("seed", seed, 0, 2**63 - 1)
    if isinstance(n_resamples, bool):
        raise ValueError(f"n_resamples={n_resamples!r} is not a whole number")
    count = check_whole("n_resamples", n_resamples, 100, 1_000_000)
    return level, seed_, count


def decline_interval(
    years,
    prices,
    confidence: float = 0.9,
    *,
    seed: int = 2025,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    include_peak: bool = True,
) -> DeclineEstimate:
    """The log-linear yearly decline of a price series, with a bootstrap interval.

    The estimate is :func:`implied_annual_decline` (``"log_linear"``) on all the observations.
    The interval is a *percentile bootstrap* over the observations: draw ``n_resamples`` samples
    of the (date, price) pairs with replacement, each as large as the data; refit the line to each
    (skipping samples whose dates are all the same, which fix no slope); and take the
    ``(1 − confidence) / 2`` and ``(1 + confidence) / 2`` quantiles of the refitted declines.

    It assumes the observations are independent draws, representative of the market, around a
    log-linear trend that is the right shape. With few observations the interval is wide, and
    its coverage is only approximate: the bootstrap cannot see errors the sample does not show.

    Parameters
    ----------
    years, prices : array-like of float
        The observations, as for :func:`implied_annual_decline` (at least two distinct dates;
        prices greater than zero).
    confidence : float
        The interval's coverage, in (0, 1).
    seed : int
        Seeds ``numpy.random.default_rng``: the same seed gives the same interval.
    n_resamples : int
        Bootstrap samples to draw, a whole number from 100 to 1,000,000.
    include_peak : bool
        Recorded in the result: whether the series holds the 2023 scarcity peak.

    Returns
    -------
    DeclineEstimate

    Examples
    --------
    A price that halves every year: every resample finds the same 50% decline.

    >>> result = decline_interval([2020, 2021, 2022, 2023], [8.0, 4.0, 2.0, 1.0])
    >>> result.estimate, result.low, result.high, result.n_observations
    (0.5, 0.5, 0.5, 4)
    >>> decline_interval([2020, 2021], [2.0, 1.0], confidence=1.0)
    Traceback (most recent call last):
    ...
    ValueError: confidence=1.0 is outside (0, 1)
    """
    t, p = _check_series(years, prices)
    level, seed_, count = _check_bootstrap(confidence, seed, n_resamples)
    if not isinstance(include_peak, bool):
        raise ValueError(f"include_peak={include_peak!r} is not True or False")
    estimate = implied_annual_decline(t, p)
    rng = np.random.default_rng(seed_)
    n = len(t)
    picks = rng.integers(0, n, size=(count, n))
    ts, logs = t[picks], np.log(p)[picks]
    dt = ts - ts.mean(axis=1, keepdims=True)
    spread = np.sum(dt * dt, axis=1)
    usable = spread > 1e-12 * max(1.0, float(np.ptp(t))) ** 2
    slopes = np.sum(dt[usable] * (logs[usable] - logs[usable].mean(axis=1, keepdims=True)), axis=1) / spread[usable]
    declines = -np.expm1(slopes)
    low, high = np.quantile(declines, [(1 - level) / 2, (1 + level) / 2])
    method = (
        f"A {level:.0%} percentile bootstrap: {count} resamples of the {n} (date, price) observations "
        f"with replacement (seed {seed_}; {count - int(usable.sum())} with a single date skipped), each "
        "refitted by log-linear least squares. It assumes the observations are independent, "
        "representative of the market, and scattered around a log-linear trend of the right shape; "
        "with so few points the interval is wide and its coverage only approximate."
    )
    return DeclineEstimate(
        estimate=float(estimate),
        low=float(round(min(low, estimate), 12)),
        high=float(round(max(high, estimate), 12)),
        confidence=level,
        n_observations=n,
        include_peak=include_peak,
        method=method,
    )


@lru_cache(maxsize=64)
def _calibrated(confidence: float, include_peak: bool, seed: int, n_resamples: int, gpu: str) -> DeclineEstimate:
    chosen = calibration_prices(gpu, include_peak=include_peak)
    return decline_interval(chosen["year_decimal"], chosen["price_usd_per_hour"], confidence,
                            seed=seed, n_resamples=n_resamples, include_peak=include_peak)


def calibrated_decline(
    confidence: float = 0.9,
    *,
    include_peak: bool = True,
    seed: int = 2025,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    gpu: str = CALIBRATION_GPU,
) -> DeclineEstimate:
    """How fast a GPU's rent falls each year, estimated from the book's rental prices, with an interval.

    The observations are every market rent of ``gpu`` in ``gpu_rental_prices.csv``
    (:func:`calibration_prices`): on-demand prices, spot and index prices, and one-year contracts,
    mixed. One kind alone is too few points over too short a span (the one-year contract index
    has two, both from 2025-26), and chapter 2 shows the on-demand prices alone beside the mix.
    Mixing has a cost the reader should know: a one-year contract rents for less than on demand,
    and the contract prices come late in the record, so the mix tilts the fit towards a faster
    fall. ``include_peak=False`` leaves out the 2023 scarcity peak (:data:`PEAK_OBSERVATIONS`).

    The point estimate is the log-linear least-squares fit, :func:`implied_annual_decline`; the
    interval is :func:`decline_interval`'s seeded bootstrap over the observations, which assumes
    them independent, representative and scattered around a log-linear trend; with so few points
    the interval is wide. Results are cached: the chapters call this often.

    Parameters
    ----------
    confidence : float
        The interval's coverage, in (0, 1).
    include_peak : bool
        Whether the 2023 scarcity peak enters the fit.
    seed : int
        The bootstrap's seed; the same seed gives the same interval.
    n_resamples : int
        Bootstrap samples, a whole number from 100 to 1,000,000.
    gpu : str
        The chip whose rents are fitted (a ``gpu`` of the data); the H100 by default.

    Returns
    -------
    DeclineEstimate
        Fractions per year; ``low`` is negative if rents may be rising.

    Examples
    --------
    >>> fit = calibrated_decline()
    >>> fit.low < fit.estimate < fit.high, fit.n_observations
    (True, 8)
    >>> calibrated_decline(include_peak=False).n_observations
    7
    >>> calibrated_decline(0)
    Traceback (most recent call last):
    ...
    ValueError: confidence=0 is outside (0, 1)
    """
    level, seed_, count = _check_bootstrap(confidence, seed, n_resamples)
    if not isinstance(include_peak, bool):
        raise ValueError(f"include_peak={include_peak!r} is not True or False")
    if not isinstance(gpu, str):
        raise ValueError(f"gpu={gpu!r} is not the name of a GPU in the data")
    check_choice("gpu", gpu, tuple(sorted(set(rental_prices()["gpu"]))))
    return _calibrated(level, include_peak, seed_, count, gpu)


def decline_readings(confidence: float = 0.9, *, seed: int = 2025, n_resamples: int = BOOTSTRAP_RESAMPLES,
                     gpu: str = CALIBRATION_GPU) -> pd.DataFrame:
    """The calibration read four ways, each with its bootstrap interval (:func:`decline_interval`).

    ``all prices`` is :func:`calibrated_decline`; ``without the 2023 peak`` leaves out
    :data:`PEAK_OBSERVATIONS`; ``before the 2026 rebound`` keeps the observations dated before
    2026; ``on-demand prices only`` keeps one kind of price. The subsets show how much the answer
    depends on the points chosen.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``reading``: ``estimate``, ``low``, ``high`` (fractions per year) and
        ``n_observations``.

    Examples
    --------
    >>> readings = decline_readings()
    >>> bool(readings.loc["all prices", "estimate"] == calibrated_decline().estimate)
    True
    """
    level, seed_, count = _check_bootstrap(confidence, seed, n_resamples)
    rows = calibration_prices(gpu)
    subsets = {
        "all prices": rows,
        "without the 2023 peak": calibration_prices(gpu, include_peak=False),
        "before the 2026 rebound": rows[rows["year_decimal"] < 2026],
        "on-demand prices only": rows[rows["price_kind"] == "on-demand"],
    }
    table = []
    for reading, chosen in subsets.items():
        fit = decline_interval(chosen["year_decimal"], chosen["price_usd_per_hour"], level, seed=seed_,
                               n_resamples=count, include_peak=bool(chosen["observation_id"].isin(PEAK_OBSERVATIONS).any()))
        table.append({"reading": reading, "estimate": fit.estimate, "low": fit.low, "high": fit.high,
                      "n_observations": fit.n_observations})
    return pd.DataFrame(table).set_index("reading")


#: The yearly fall in a GPU's value implied by the rental-price history of Nvidia's H100 in the
#: book's data: the point estimate of :func:`calibrated_decline` (its default call), a log-linear
#: least-squares fit of ln(price) on time over every market rent of the H100 (launch, 2023 peak,
#: 2024 prices, the 2025 low and the 2026 rebound; on-demand, index and one-year contract prices
#: mixed). A fraction per year. Later chapters use it as the collateral's drift,
#: ``log1p(-decline)``. It is uncertain: :func:`calibrated_decline` gives the interval, and
#: chapter 2 discusses its limits (few, mixed points; rent is not resale value).
CALIBRATED_ANNUAL_DECLINE: float = calibrated_decline().estimate


# ------------------------------------------------------------ an owner renting at market prices
#: The return an owner of GPUs needs on the money tied up in them, a fraction per year: the
#: discount rate of :func:`owner_profit_comparison`. An assumption of this book (a row of
#: ``depreciation_facts.csv``), near the effective rates on a neocloud's debt.
OWNER_REQUIRED_RETURN: float = depreciation_fact("chapter2.owner_required_return")


@dataclass(frozen=True)
class Fleet:
    """A fleet of GPUs owned by a company that rents them out at market prices.

    Parameters
    ----------
    name : str
        How the book refers to the fleet.
    cost_usd : float
        What the GPUs cost, in USD; greater than zero.
    accounting_life_years : int
        The useful life the owner discloses and depreciates over, whole years from 1 to 15.
    source : str
        Where the cost and the life come from (data rows), for the reader.

    Examples
    --------
    >>> Fleet("test", 100.0, 6).accounting_life_years
    6
    >>> Fleet("test", -1.0, 6)
    Traceback (most recent call last):
    ...
    ValueError: cost=-1.0 is outside (0, inf]
    """

    name: str
    cost_usd: float
    accounting_life_years: int
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "cost_usd", _check_cost(self.cost_usd))
        object.__setattr__(self, "accounting_life_years", _check_life("accounting_life_years",
                                                                      self.accounting_life_years))


def _require_fleet(fleet: object) -> Fleet:
    if not isinstance(fleet, Fleet):
        raise ValueError(f"fleet={fleet!r} is not a gpu_finance.depreciation.Fleet")
    return fleet


def _neocloud_fleet() -> Fleet:
    lives = useful_life_changes().set_index("change_id")
    return Fleet(
        name="A neocloud fleet the size of CoreWeave's",
        cost_usd=depreciation_fact("coreweave.technology_equipment_usd"),
        accounting_life_years=int(lives.loc["crwv-2023", "life_to_years"]),
        source="depreciation_facts.csv coreweave.technology_equipment_usd; useful_life_changes.csv crwv-2023",
    )


#: The owner of chapter 2's profit example: GPUs costing what CoreWeave's technology equipment was
#: reported to be (row ``coreweave.technology_equipment_usd``), depreciated straight-line over the
#: six years CoreWeave discloses (row ``crwv-2023``; Microsoft and Alphabet use six years for their
#: servers too). The fleet's size and life are CoreWeave's; its rents are the model's.
NEOCLOUD_FLEET: Fleet = _neocloud_fleet()


def owner_profit_comparison(
    fleet: Fleet,
    accounting_life_years: int,
    economic_life_years: int,
    *,
    method: str = "straight_line",
    rent_decline: float = CALIBRATED_ANNUAL_DECLINE,
    required_return: float = OWNER_REQUIRED_RETURN,
    salvage_fraction: float = 0.0,
    operating_cost_fraction: float = 0.0,
) -> pd.DataFrame:
    """An owner's profit as reported and as it is economically, for GPUs it rents out at market prices.

    The owner buys the fleet for ``fleet.cost_usd`` (year 0) and rents the chips out each year at
    the market price, paid at the end of the year. The rent falls as the chips age: each year's
    rent is ``1 − rent_decline`` times the last. The chips earn rent for ``economic_life_years``,
    then are retired and worth their salvage value, ``salvage_fraction × cost``.

    The first year's rent is the one a competitive market would set: the rent at which the
    rents, less running costs, plus the salvage value, discounted at ``required_return``, are worth
    exactly the cost. The fleet's *value* at the end of year ``t`` is what its remaining rents and
    salvage are worth then (discounted at the same rate)::

        V_t = sum over k = t+1..L of N_k / (1 + r)**(k − t)  +  s·C / (1 + r)**(L − t),  V_0 = C

    where ``N_k`` is year ``k``'s rent less running costs and ``L`` the economic life. *Economic
    depreciation* is the fall in that value, ``V_{t−1} − V_t`` (Hotelling's definition), so
    economic profit, net rent less economic depreciation, is ``r · V_{t−1}``: exactly the required
    return on the value still invested. Reported profit charges instead the owner's depreciation
    schedule (:func:`depreciation_schedule`, ``method`` over ``accounting_life_years``).

    Both depreciations add up to ``C(1 − s)``, so over the table (which runs until the longer life
    ends) the two profits have the same total, and the cumulative overstatement at the end of year
    ``t`` equals the book value less the value ``V_t``. Profit here is before interest and tax: how
    the owner pays for the chips does not change the difference.

    Parameters
    ----------
    fleet : Fleet
        The owner's fleet (:data:`NEOCLOUD_FLEET` in the book); only its cost is used here.
    accounting_life_years : int
        The life in the accounts, whole years from 1 to 15 (``fleet.accounting_life_years`` for
        the disclosed one).
    economic_life_years : int
        The years the chips earn rent, whole years from 1 to 15.
    method : str
        The owner's depreciation method, one of :data:`METHODS`.
    rent_decline : float
        The fraction by which the market rent of the ageing chips falls each year, in [−1, 1);
        negative when rents rise. Defaults to :data:`CALIBRATED_ANNUAL_DECLINE`.
    required_return : float
        The owner's required return, a fraction per year in [0, 1). Defaults to
        :data:`OWNER_REQUIRED_RETURN`.
    salvage_fraction : float
        Value left when the chips retire, as a fraction of cost, in [0, 1]; the books' salvage too.
    operating_cost_fraction : float
        Running costs (power, staff, upkeep) as a fraction of the rent, in [0, 1). They are the
        same in both profits and cancel from the difference.

    Returns
    -------
    pandas.DataFrame
        One row per year, year 1 first: ``year``, ``rent_usd``, ``operating_cost_usd``,
        ``reported_depreciation_usd``, ``economic_depreciation_usd``, ``reported_profit_usd``,
        ``economic_profit_usd``, ``overstatement_usd`` (reported minus economic profit),
        ``cumulative_overstatement_usd``, ``book_value_usd`` and ``value_usd`` (``V_t``), both at
        the end of the year.

    Raises
    ------
    ValueError
        If a value is out of range; the message names the parameter.

    References
    ----------
    H. Hotelling (1925), "A general mathematical theory of depreciation", *Journal of the American
    Statistical Association* 20(151): 340–353: depreciation as the fall in the present value of
    the asset's remaining services.

    Examples
    --------
    With no required return and rents that do not fall, the rent is the cost spread evenly over
    the economic life, economic depreciation is straight-line over that life, and economic profit
    is zero; six-year books on four-year chips report 100 × (1/4 − 1/6) a year too much:

    >>> table = owner_profit_comparison(Fleet("test", 120.0, 6), 6, 4, rent_decline=0.0, required_return=0.0)
    >>> table["rent_usd"].round(6).tolist()
    [30.0, 30.0, 30.0, 30.0, 0.0, 0.0]
    >>> table["overstatement_usd"].round(6).tolist()
    [10.0, 10.0, 10.0, 10.0, -20.0, -20.0]

    With a 10% required return over two years and flat rents, economic profit is 10% of the value
    at the start of each year:

    >>> table = owner_profit_comparison(Fleet("test", 100.0, 2), 2, 2, rent_decline=0.0, required_return=0.1)
    >>> table["economic_profit_usd"].round(3).tolist()
    [10.0, 5.238]
    """
    cost = _require_fleet(fleet).cost_usd
    accounting = _check_life("accounting_life_years", accounting_life_years)
    economic = _check_life("economic_life_years", economic_life_years)
    method = check_choice("method", method, METHODS)
    decline = check_number("rent_decline", rent_decline, -1.0, 1.0, high_closed=False)
    rate = check_number("required_return", required_return, 0.0, 1.0, high_closed=False)
    salvage_share = check_fraction("salvage_fraction", salvage_fraction)
    cost_share = check_fraction("operating_cost_fraction", operating_cost_fraction, one_allowed=False)

    horizon = max(accounting, economic)
    years_ = np.arange(1, horizon + 1)
    salvage = cost * salvage_share
    # Net rent (after running costs) in the years the chips earn, relative to the first year's.
    shape = (1.0 - decline) ** np.arange(economic)
    discount = (1.0 + rate) ** -np.arange(1, economic + 1)
    first_net = (cost - salvage * (1.0 + rate) ** -economic) / float(np.sum(shape * discount))
    net = np.zeros(horizon)
    net[:economic] = first_net * shape
    # V_t by backward recursion from V_L = salvage: V_{t-1} = (N_t + V_t) / (1 + r).
    value = np.full(horizon + 1, salvage)
    for t in range(economic, 0, -1):
        value[t - 1] = (net[t - 1] + value[t]) / (1.0 + rate)
    value[0] = cost  # equal by construction of the first rent; set exactly
    rent = net / (1.0 - cost_share)
    operating = rent - net
    economic_dep = value[:-1] - value[1:]
    reported_dep = np.zeros(horizon)
    reported_dep[:accounting] = depreciation_schedule(cost, accounting, salvage_share, method)["expense"].to_numpy()
    book = cost - np.cumsum(reported_dep)
    reported = net - reported_dep
    economic_profit = net - economic_dep
    over = reported - economic_profit
    return pd.DataFrame(
        {
            "year": years_,
            "rent_usd": rent,
            "operating_cost_usd": operating,
            "reported_depreciation_usd": reported_dep,
            "economic_depreciation_usd": economic_dep,
            "reported_profit_usd": reported,
            "economic_profit_usd": economic_profit,
            "overstatement_usd": over,
            "cumulative_overstatement_usd": np.cumsum(over),
            "book_value_usd": book,
            "value_usd": value[1:],
        }
    )
