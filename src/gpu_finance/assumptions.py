"""The book's assumptions for chapters 3 and 4, "The guarantee" and "The backstop".

Each default is an **assumption of this book**, not a reported figure; :func:`backstop_assumptions`
lists every one with its value, unit and reason. Plain numbers are written here as they are. The
ones that come from data or from a solve are computed on first use and cached (see
:mod:`gpu_finance._lazy`), so importing the package reads nothing and solves nothing:

* :data:`DEFAULT_DRIFT`, chapter 2's calibrated decline (a regression on rental prices) as a drift;
* :data:`DEFAULT_PAYOUT_RATE`, the prologue deal's lease payment (a solve) over its cost;
* :data:`DIRECT_BANKRUPTCY_COST_FRACTION` and :data:`DEFAULT_COST_OF_DEFAULT`, rows of the book's
  data files.

Code in other modules calls the cached factories (:func:`default_drift`, :func:`default_payout_rate`,
:func:`direct_bankruptcy_cost_fraction`, :func:`default_cost_of_default`, :func:`forced_sale_loss`)
or reads the constant when it runs, never ``from .assumptions import DEFAULT_DRIFT`` at the top of
a module.

Money is in US dollars (USD); rates, drifts and volatilities are fractions per year (0.04 = 4%),
continuously compounded; shares are fractions; times are in years.
"""

from __future__ import annotations

import functools
import math

import pandas as pd

from ._lazy import lazy_constants
from .calibration import calibrated_annual_decline
from .datasets import depreciation_fact, fact
from .deal import colossus_2
from .i18n import N_
from .spv import lease_payment

__all__ = [
    "DEFAULT_DRIFT",
    "DEFAULT_VOLATILITY",
    "DEFAULT_RISK_FREE_RATE",
    "DEFAULT_HORIZON_YEARS",
    "DEFAULT_COVERAGE",
    "DEFAULT_DEBT_ADVANTAGE",
    "DEFAULT_PAYOUT_RATE",
    "DIRECT_BANKRUPTCY_COST_FRACTION",
    "DEFAULT_COST_OF_DEFAULT",
    "backstop_assumptions",
]

#: Volatility of the GPUs' value, a fraction per year (the standard deviation of its yearly log
#: change). An assumption: rental prices of one chip have moved by a third within months.
DEFAULT_VOLATILITY: float = 0.35

#: Risk-free interest rate, continuously compounded, a fraction per year. An assumption.
DEFAULT_RISK_FREE_RATE: float = 0.04

#: Years until the lenders must look to the collateral for repayment. An assumption: a little less
#: than the 3.9-year median frontier life of recent Nvidia GPUs (Epoch AI).
DEFAULT_HORIZON_YEARS: float = 3.0

#: Share of the lenders' loss the guarantor pays. An assumption: no terms were ever proposed.
DEFAULT_COVERAGE: float = 0.8

#: What each dollar borrowed instead of raised as equity is worth to the sponsor, a fraction of
#: the debt per year (keeping its founders undiluted, tax deductions), earned while the vehicle
#: stays solvent. An assumption.
DEFAULT_DEBT_ADVANTAGE: float = 0.05


@functools.cache
def default_drift() -> float:
    """:data:`DEFAULT_DRIFT`, computed once: ``log(1 - calibrated yearly decline)``."""
    return math.log1p(-calibrated_annual_decline())


@functools.cache
def default_payout_rate() -> float:
    """:data:`DEFAULT_PAYOUT_RATE`, computed once: the prologue deal's lease payment over its cost."""
    deal = colossus_2()
    return lease_payment(deal) / deal.total_cost_usd


@functools.cache
def direct_bankruptcy_cost_fraction() -> float:
    """:data:`DIRECT_BANKRUPTCY_COST_FRACTION`, read once from ``backstop_history.csv``."""
    return fact("weiss_direct_bankruptcy_costs", table="backstop_history")


@functools.cache
def forced_sale_loss() -> float:
    """Chapter 2's assumed forced-sale loss on seized GPUs, a fraction of their market value, read
    once (``depreciation_facts.csv``, ``chapter2.liquidation_cost_fraction``)."""
    return depreciation_fact("chapter2.liquidation_cost_fraction")


@functools.cache
def default_cost_of_default() -> float:
    """:data:`DEFAULT_COST_OF_DEFAULT`, computed once: the forced-sale loss plus the direct costs of
    bankruptcy."""
    return forced_sale_loss() + direct_bankruptcy_cost_fraction()


#: Real-world drift of the GPUs' value, a continuously compounded fraction per year: the drift at
#: which the collateral is expected to fall by chapter 2's calibrated yearly decline
#: (:data:`gpu_finance.depreciation.CALIBRATED_ANNUAL_DECLINE`, a log-linear fit to H100 rental
#: prices), i.e. ``drift_from_annual_decline(CALIBRATED_ANNUAL_DECLINE)``, about -0.40. Taking the
#: fitted trend as the expected path is this book's estimate, not a reported figure. Computed on
#: first use.
DEFAULT_DRIFT: float

#: The share of their value the GPUs pay out each year as rent: the prologue deal's lease payment
#: (:func:`gpu_finance.lease_payment`) over its cost. Derived from the model, not reported.
#: Computed on first use.
DEFAULT_PAYOUT_RATE: float

#: Direct costs of bankruptcy (lawyers, accountants, the court), a fraction of the firm's value:
#: the average Weiss (1990) measured for 37 firms listed in New York that filed for bankruptcy
#: from 1979 to 1986, as a share of the book value of their debt plus the market value of their
#: equity. A row of ``backstop_history.csv`` (``weiss_direct_bankruptcy_costs``), read on first use.
DIRECT_BANKRUPTCY_COST_FRACTION: float

#: The share of the collateral's value lost when the vehicle defaults: what the economy loses, as
#: opposed to what passes from the owners to the lenders. Chapter 2's assumed forced-sale loss on
#: seized GPUs (``depreciation_facts.csv``, ``chapter2.liquidation_cost_fraction``) plus the direct
#: costs of bankruptcy (:data:`DIRECT_BANKRUPTCY_COST_FRACTION`). It leaves out the indirect costs
#: of distress (lost customers, managers' time), which matter more for an operating company than
#: for a vehicle that holds leased chips. Computed on first use.
DEFAULT_COST_OF_DEFAULT: float

__getattr__ = lazy_constants(
    globals(),
    DEFAULT_DRIFT=default_drift,
    DEFAULT_PAYOUT_RATE=default_payout_rate,
    DIRECT_BANKRUPTCY_COST_FRACTION=direct_bankruptcy_cost_fraction,
    DEFAULT_COST_OF_DEFAULT=default_cost_of_default,
)


def backstop_assumptions() -> pd.DataFrame:
    """The chapter's default inputs, each with its value, unit and reason; all are assumptions.

    Returns
    -------
    pandas.DataFrame
        Columns ``name`` (the constant), ``value``, ``unit``, ``description`` and ``confidence``
        (``"A"``: an assumption of this book that the reader can change).

    Examples
    --------
    >>> backstop_assumptions().set_index("name").loc["DEFAULT_DRIFT", "confidence"]
    'A'
    """
    rows = [
        ("DEFAULT_DRIFT", default_drift(), "fraction per year",
         N_("Real-world drift of the GPUs' value (obsolescence): chapter 2's calibration from H100 "
         "rental prices, taken as the expected path")),
        ("DEFAULT_VOLATILITY", DEFAULT_VOLATILITY, "fraction per year",
         N_("Volatility of the GPUs' value in the simplified model with a single repayment; the loan that "
         "closed uses the volatility its reported rate implies (CALIBRATED_VOLATILITY)")),
        ("DEFAULT_RISK_FREE_RATE", DEFAULT_RISK_FREE_RATE, "fraction per year",
         N_("Risk-free interest rate, continuously compounded")),
        ("DEFAULT_HORIZON_YEARS", DEFAULT_HORIZON_YEARS, "years",
         N_("Years until the lenders must be repaid from the collateral")),
        ("DEFAULT_COVERAGE", DEFAULT_COVERAGE, "fraction",
         N_("Share of the lenders' loss the guarantee covers")),
        ("DEFAULT_DEBT_ADVANTAGE", DEFAULT_DEBT_ADVANTAGE, "fraction per year",
         N_("Value to the sponsor of each dollar borrowed rather than raised as equity")),
        ("DEFAULT_PAYOUT_RATE", default_payout_rate(), "fraction per year",
         N_("Rent the GPUs pay out each year, as a share of their value (the prologue deal's lease "
         "payment over its cost)")),
        ("DEFAULT_COST_OF_DEFAULT", default_cost_of_default(), "fraction",
         N_("Share of the GPUs' value lost if the vehicle defaults: chapter 2's assumed forced-sale loss "
         "plus the direct costs of bankruptcy measured by Weiss (1990)")),
    ]
    frame = pd.DataFrame(rows, columns=["name", "value", "unit", "description"])
    frame["confidence"] = "A"
    return frame
