"""The depreciation game: how long the books say a GPU lasts, what it is really worth, and the profit
in between.

A company that buys GPUs spreads their cost over an *accounting life* as depreciation
(:func:`~gpu_finance.asset_value.depreciation_schedule`). If the GPUs lose their value faster than
that, the books overstate two things. The yearly expense is too small, so reported profit is too
large (:func:`profit_comparison`); and the book value is above what the chips would sell for
(:func:`~gpu_finance.asset_value.book_versus_market`, :func:`impairment_year`), which matters to
lenders who hold them as collateral (:mod:`gpu_finance.collateral`).

How fast do GPUs lose value? :mod:`gpu_finance.calibration` fits a yearly decline to the rental
prices of one chip, Nvidia's H100, in the book's data (:data:`CALIBRATED_ANNUAL_DECLINE`); the
data themselves are loaded by :mod:`gpu_finance.datasets`.

Whose profit does this touch? Only an owner's that keeps the chips on its books: a hyperscaler or a
*neocloud* renting them out at market prices, or a lessor under an operating lease. A lessor whose
lease is a finance lease for the lessee (a *sales-type* lease under ASC 842, as chapter 1's model
classifies the Colossus 2 lease) derecognises the GPUs and books a net investment in the lease: it
charges no depreciation at all. :class:`Fleet` and :func:`owner_profit_comparison` model the owner,
whose rent falls as the chips age; :func:`profit_comparison` keeps the vehicle's view for the
lenders' chapter.

The schedules, the market value, the calibration and chapter 2's data loaders are importable from
here too, as the chapters import them.

Money is in US dollars (USD), lives in whole years, shares and rates are fractions (0.33 = 33%).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import spv
from ._lazy import lazy_constants
from ._validation import FRACTION, RATE, TERM_YEARS, check_choice, check_fraction, check_number
from .asset_value import COST_USD, METHODS, depreciation_schedule
from .calibration import calibrated_annual_decline
from .datasets import depreciation_fact, useful_life_changes
from .deal import Deal, check_deal, debt_schedule
from .i18n import N_

# Re-exported: the chapters, the problem sets and other modules import these from here.
from .asset_value import (  # noqa: F401
    MAX_LIFE_YEARS,
    book_versus_market,
    market_value_path,
)
from .calibration import (  # noqa: F401
    BOOTSTRAP_RESAMPLES,
    CALIBRATION_GPU,
    CALIBRATION_KINDS,
    DECLINE_CASES,
    PEAK_OBSERVATIONS,
    DeclineEstimate,
    calibrated_decline,
    calibration_prices,
    decline_cases,
    decline_interval,
    decline_readings,
    implied_annual_decline,
    price_trend,
)
from .datasets import (  # noqa: F401
    HOURS_PER_MONTH,
    PRICE_BOUNDS,
    PRICE_KINDS,
    compute_contracts,
    decimal_year,
    depreciation_facts,
    depreciation_views,
    generation_gap_years,
    gpu_generations,
    rental_prices,
    usd_per_gpu_hour,
)

__all__ = [
    "impairment_year",
    "profit_comparison",
    "peak_overstatement",
    "reversal_year",
    "Fleet",
    "NEOCLOUD_FLEET",
    "OWNER_REQUIRED_RETURN",
    "owner_profit_comparison",
]

#: The yearly fall in a GPU's value calibrated on H100 rental prices, a fraction per year: the same
#: figure as :data:`gpu_finance.calibration.CALIBRATED_ANNUAL_DECLINE`, computed on first use.
CALIBRATED_ANNUAL_DECLINE: float


# --------------------------------------------------------------------- book against market
def impairment_year(frame: pd.DataFrame) -> int | None:
    """The first year (1 or later) in which the GPUs' market value is below their book value.

    That is when an impairment test that compares book value with what the asset would sell for
    (fair value) would call for a write-down. Real tests are more lenient: under US GAAP (ASC 360)
    an asset in use is written down only if its book value exceeds the *undiscounted* cash it is
    expected to bring in, which a paying lease can cover for years.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table from :func:`~gpu_finance.asset_value.book_versus_market`.

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


def profit_comparison(
    deal: Deal,
    accounting_life_years: int,
    economic_life_years: int,
    *,
    method: str = "straight_line",
    economic_method: str = "straight_line",
    salvage_fraction: float = 0.0,
    operating_cost_fraction: float = 0.0,
    target_equity_return: float | None = None,
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
        Depreciation methods (:data:`~gpu_finance.asset_value.METHODS`) for the reported and the
        economic profit.
    salvage_fraction : float
        Salvage value as a fraction of cost, in [0, 1], for both.
    operating_cost_fraction : float
        The SPV's own operating costs, as a fraction of its lease income, in [0, 1]. Zero for a
        triple-net lease, where the lessee pays power, maintenance and insurance.
    target_equity_return : float, optional
        The equity's target return that sets the lease payment, a fraction per year in [0, 1);
        default: the book's assumption, :data:`gpu_finance.spv.TARGET_EQUITY_RETURN`.

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
    check_deal(deal)
    accounting = TERM_YEARS.check("accounting_life_years", accounting_life_years)
    economic = TERM_YEARS.check("economic_life_years", economic_life_years)
    method = check_choice("method", method, METHODS)
    economic_method = check_choice("economic_method", economic_method, METHODS)
    salvage_share = FRACTION.check("salvage_fraction", salvage_fraction)
    cost_share = FRACTION.check("operating_cost_fraction", operating_cost_fraction)
    if target_equity_return is None:
        target_equity_return = spv.TARGET_EQUITY_RETURN
    payment = spv.lease_payment(deal, target_equity_return)
    horizon = max(accounting, economic, deal.lease_term_years, deal.debt_term_years)
    years = np.arange(1, horizon + 1)

    def padded(values: np.ndarray) -> np.ndarray:
        out = np.zeros(horizon)
        out[: len(values)] = values
        return out

    cost = deal.total_cost_usd
    income = np.where(years <= deal.lease_term_years, payment, 0.0)
    operating = cost_share * income
    interest = debt_schedule(deal, horizon_years=horizon)["interest_usd"].to_numpy()
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


# ------------------------------------------------------------ an owner renting at market prices
#: The return an owner of GPUs needs on the money tied up in them, a fraction per year: the
#: discount rate of :func:`owner_profit_comparison`. An assumption of this book (a row of
#: ``depreciation_facts.csv``), near the effective rates on a neocloud's debt. Read on first use.
OWNER_REQUIRED_RETURN: float


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
        object.__setattr__(self, "cost_usd", COST_USD.check("cost", self.cost_usd))
        object.__setattr__(self, "accounting_life_years",
                           TERM_YEARS.check("accounting_life_years", self.accounting_life_years))


def _require_fleet(fleet: object) -> Fleet:
    if not isinstance(fleet, Fleet):
        raise ValueError(f"fleet={fleet!r} is not a gpu_finance.depreciation.Fleet")
    return fleet


@functools.cache
def _neocloud_fleet() -> Fleet:
    lives = useful_life_changes().set_index("change_id")
    return Fleet(
        name=N_("A neocloud fleet the size of CoreWeave's"),
        cost_usd=depreciation_fact("coreweave.technology_equipment_usd"),
        accounting_life_years=int(lives.loc["crwv-2023", "life_to_years"]),
        source="depreciation_facts.csv coreweave.technology_equipment_usd; useful_life_changes.csv crwv-2023",
    )


#: The owner of chapter 2's profit example: GPUs costing what CoreWeave's technology equipment was
#: reported to be (row ``coreweave.technology_equipment_usd``), depreciated straight-line over the
#: six years CoreWeave discloses (row ``crwv-2023``; Microsoft and Alphabet use six years for their
#: servers too). The fleet's size and life are CoreWeave's; its rents are the model's. Built on
#: first use.
NEOCLOUD_FLEET: Fleet


def _owner_required_return() -> float:
    return depreciation_fact("chapter2.owner_required_return")


__getattr__ = lazy_constants(
    globals(),
    CALIBRATED_ANNUAL_DECLINE=calibrated_annual_decline,
    OWNER_REQUIRED_RETURN=_owner_required_return,
    NEOCLOUD_FLEET=_neocloud_fleet,
)


def owner_profit_comparison(
    fleet: Fleet,
    accounting_life_years: int,
    economic_life_years: int,
    *,
    method: str = "straight_line",
    rent_decline: float | None = None,
    required_return: float | None = None,
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
    schedule (:func:`~gpu_finance.asset_value.depreciation_schedule`, ``method`` over
    ``accounting_life_years``).

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
        The owner's depreciation method, one of :data:`~gpu_finance.asset_value.METHODS`.
    rent_decline : float, optional
        The fraction by which the market rent of the ageing chips falls each year, in [−1, 1);
        negative when rents rise. Default: the book's calibration,
        :data:`CALIBRATED_ANNUAL_DECLINE`.
    required_return : float, optional
        The owner's required return, a fraction per year in [0, 1). Default: the book's
        assumption, :data:`OWNER_REQUIRED_RETURN`.
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
    accounting = TERM_YEARS.check("accounting_life_years", accounting_life_years)
    economic = TERM_YEARS.check("economic_life_years", economic_life_years)
    method = check_choice("method", method, METHODS)
    if rent_decline is None:
        rent_decline = calibrated_annual_decline()
    if required_return is None:
        required_return = _owner_required_return()
    decline = check_number("rent_decline", rent_decline, -1.0, 1.0, high_closed=False)
    rate = RATE.check("required_return", required_return)
    salvage_share = FRACTION.check("salvage_fraction", salvage_fraction)
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