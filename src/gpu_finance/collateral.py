"""The lender's view: the SPV's loan against what its GPUs would sell for, year by year.

The lenders are repaid from the lease; if the lease stops, they are left with the collateral, the
GPUs. :func:`collateral_path` follows the loan balance of chapter 1's debt schedule
(:func:`gpu_finance.deal.debt_schedule`) against the GPUs' market value
(:func:`gpu_finance.asset_value.market_value_path`): the loan-to-value ratio (LTV), the year a
covenant on it would break, and what the lenders would recover if the SPV defaulted then.

The assumed covenant and sale cost are rows of ``depreciation_facts.csv``, read on first use.

Money is in US dollars (USD); ratios and shares are fractions (0.8 = 80%).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._lazy import lazy_constants
from ._validation import FRACTION, Range
from .asset_value import market_value_path
from .assumptions import forced_sale_loss
from .calibration import calibrated_annual_decline
from .datasets import depreciation_fact
from .deal import Deal, check_deal, debt_schedule

__all__ = [
    "COVENANT_MAX_LTV",
    "LIQUIDATION_COST_FRACTION",
    "collateral_path",
    "covenant_breach_year",
]

#: Assumed covenant: the loan may not exceed this fraction of the GPUs' market value (no covenant
#: was reported). A row of ``depreciation_facts.csv`` marked as an assumption; read on first use.
COVENANT_MAX_LTV: float

#: Assumed share of the GPUs' market value lost when lenders seize and sell them (costs and a
#: forced-sale discount). A row of ``depreciation_facts.csv`` marked as an assumption; read on
#: first use.
LIQUIDATION_COST_FRACTION: float

_COVENANT_KEY = "chapter2.covenant_max_ltv"
__getattr__ = lazy_constants(
    globals(),
    COVENANT_MAX_LTV=lambda: depreciation_fact(_COVENANT_KEY),
    LIQUIDATION_COST_FRACTION=forced_sale_loss,  # the same assumption as chapter 3's forced-sale loss
)

#: A covenant's highest loan-to-value ratio: above zero, at most one.
_LTV_CAP = Range(0.0, 1.0, low_closed=False)


def collateral_path(
    deal: Deal,
    annual_decline: float | None = None,
    *,
    generation_step: float = 0.0,
    generation_interval_years: int = 2,
    salvage_fraction: float = 0.0,
    covenant_max_ltv: float | None = None,
    liquidation_cost_fraction: float | None = None,
) -> pd.DataFrame:
    """The SPV's loan against its collateral at the end of each year of the loan.

    The loan balance is chapter 1's: ``deal.debt_usd`` at signing (year 0), then the closing
    balance of :func:`gpu_finance.deal.debt_schedule` each year. The GPUs, bought for
    ``deal.total_cost_usd``, lose ``annual_decline`` of their value a year, and a further
    ``generation_step`` whenever a new generation ships
    (:func:`~gpu_finance.asset_value.market_value_path`).

    If the SPV stops paying just after year ``t``, the lenders are owed that year's balance; they
    seize the GPUs and sell them for their market value less ``liquidation_cost_fraction``, and
    recover the smaller of the two amounts.

    Parameters
    ----------
    deal : Deal
        The deal: cost of the GPUs, debt, rate and term.
    annual_decline : float, optional
        Fraction of the GPUs' value lost each year, in [0, 1). Default: the book's calibration,
        :data:`gpu_finance.calibration.CALIBRATED_ANNUAL_DECLINE`, implied by H100 rental prices.
    generation_step, generation_interval_years, salvage_fraction
        As for :func:`gpu_finance.asset_value.market_value_path`.
    covenant_max_ltv : float, optional
        The highest loan-to-value ratio the loan's covenant allows, a fraction in (0, 1]. Default:
        the book's assumption, :data:`COVENANT_MAX_LTV`.
    liquidation_cost_fraction : float, optional
        Share of the market value lost in a forced sale, in [0, 1]. Default: the book's
        assumption, :data:`LIQUIDATION_COST_FRACTION`.

    Returns
    -------
    pandas.DataFrame
        One row per year from 0 (signing) to ``deal.debt_term_years``: ``year``,
        ``loan_balance_usd``, ``market_value_usd``, ``ltv`` (balance over market value),
        ``covenant_breached`` (``ltv`` above ``covenant_max_ltv``), ``sale_proceeds_usd``,
        ``recovery_usd``, ``lender_loss_usd`` and ``recovery_rate`` (recovery over balance; 1 when
        nothing is owed).

    Examples
    --------
    >>> from gpu_finance import COLOSSUS_2
    >>> path = collateral_path(COLOSSUS_2, 0.3)
    >>> path["ltv"].round(3).tolist()
    [0.625, 0.745, 0.833, 0.829, 0.619, 0.0]
    >>> covenant_breach_year(path)
    2
    """
    check_deal(deal)
    if annual_decline is None:
        annual_decline = calibrated_annual_decline()
    if covenant_max_ltv is None:
        covenant_max_ltv = depreciation_fact(_COVENANT_KEY)
    if liquidation_cost_fraction is None:
        liquidation_cost_fraction = forced_sale_loss()
    cap = _LTV_CAP.check("covenant_max_ltv", covenant_max_ltv)
    haircut = FRACTION.check("liquidation_cost_fraction", liquidation_cost_fraction)
    years = deal.debt_term_years
    # The balance at signing, then at the end of each year; the schedule ends exactly at zero.
    schedule = debt_schedule(deal, horizon_years=years)
    balance = np.concatenate([[deal.debt_usd], schedule["closing_balance_usd"].to_numpy()])
    market = market_value_path(
        deal.total_cost_usd, years, annual_decline, salvage_fraction=salvage_fraction,
        generation_step=generation_step, generation_interval_years=generation_interval_years,
    )["market_value_usd"].to_numpy()
    ltv = balance / market  # market > 0: the decline and the step are below 1
    proceeds = market * (1.0 - haircut)
    recovery = np.minimum(balance, proceeds)
    owed = balance > 0
    rate = np.ones_like(balance)
    rate[owed] = recovery[owed] / balance[owed]
    return pd.DataFrame(
        {
            "year": np.arange(years + 1),
            "loan_balance_usd": balance,
            "market_value_usd": market,
            "ltv": ltv,
            "covenant_breached": ltv > cap,
            "sale_proceeds_usd": proceeds,
            "recovery_usd": recovery,
            "lender_loss_usd": balance - recovery,
            "recovery_rate": rate,
        }
    )


def covenant_breach_year(path: pd.DataFrame) -> int | None:
    """The first year in which the loan-to-value ratio is above the covenant's maximum.

    Parameters
    ----------
    path : pandas.DataFrame
        A table from :func:`collateral_path`.

    Returns
    -------
    int or None
        The year (0 means the loan breaks the covenant at signing), or None if it never does.

    Examples
    --------
    >>> from gpu_finance import COLOSSUS_2
    >>> covenant_breach_year(collateral_path(COLOSSUS_2, 0.1)) is None
    True
    """
    if not isinstance(path, pd.DataFrame) or not {"year", "covenant_breached"} <= set(path.columns):
        raise ValueError("path must be a DataFrame from collateral_path, with 'year' and 'covenant_breached'")
    hits = path.loc[path["covenant_breached"], "year"]
    return None if hits.empty else int(hits.iloc[0])
