"""What the GPUs are worth: on the books (a depreciation schedule) and in the market.

A company that buys GPUs does not charge their cost as an expense at once: it spreads the cost,
less a *salvage value*, over an *accounting life* (its useful life), as depreciation
(:func:`depreciation_schedule`, by one of :data:`METHODS`). What the chips would sell for follows
another path (:func:`market_value_path`): a steady yearly decline, or a straight line over an
economic life, with a further drop when a new generation ships. :func:`book_versus_market` sets
the two side by side; :mod:`gpu_finance.depreciation` turns the difference into profit reported
early, and :mod:`gpu_finance.collateral` into the lenders' view.

Money is in US dollars (USD), lives in whole years, shares and declines are fractions (0.33 = 33%).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._validation import FRACTION, TERM_YEARS, Range, check_choice, check_fraction

__all__ = [
    "METHODS",
    "MAX_LIFE_YEARS",
    "depreciation_schedule",
    "market_value_path",
    "book_versus_market",
]

#: The depreciation methods :func:`depreciation_schedule` knows, by name.
METHODS: tuple[str, ...] = ("straight_line", "double_declining_balance", "sum_of_years_digits")

#: Longest accounting or economic life the model accepts, in years (the longest term,
#: :data:`gpu_finance._validation.TERM_YEARS`).
MAX_LIFE_YEARS = int(TERM_YEARS.high)

#: What an asset costs, in USD: any amount greater than zero.
COST_USD = Range(0.0, math.inf, low_closed=False)


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
    cost = COST_USD.check("cost", cost)
    life = TERM_YEARS.check("life_years", life_years)
    salvage_share = FRACTION.check("salvage_fraction", salvage_fraction)
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
    life = None if economic_life_years is None else TERM_YEARS.check("economic_life_years", economic_life_years)
    step = check_fraction("generation_step", generation_step, one_allowed=False)
    interval = TERM_YEARS.check("generation_interval_years", generation_interval_years)
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
      rental price that falls at a steady rate gives (see :func:`~gpu_finance.calibration.implied_annual_decline`);
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
    cost = COST_USD.check("cost", cost)
    horizon = TERM_YEARS.check("years", years)
    floor = FRACTION.check("salvage_fraction", salvage_fraction)
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
    cost = COST_USD.check("cost", cost)
    life = TERM_YEARS.check("accounting_life_years", accounting_life_years)
    horizon = life if years is None else TERM_YEARS.check("years", years)
    salvage_share = FRACTION.check("salvage_fraction", salvage_fraction)
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
