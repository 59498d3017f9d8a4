"""The backstop: what a guarantee of GPU loans is worth, who absorbs a loss, and what it does to
the borrower's choices (chapters 3 and 4).

Three models, each a set of plain functions, one module each:

**A guarantee is a put option** (:mod:`~gpu_finance.backstop.merton`, Merton 1977). The lenders
are owed ``debt_face`` at a horizon ``years`` from now; the collateral (the GPUs) is worth
``asset_value`` today and follows a geometric Brownian motion with a drift and a volatility. If
the collateral is worth less than the debt at the horizon, the guarantor pays ``coverage`` of the
shortfall. Today's value of that promise is a Black–Scholes put on the collateral struck at the
debt (:func:`guarantee_value`). Its price uses the *pricing-world* (risk-neutral) drift, the
risk-free rate; how often it is called and what it costs on average (:func:`default_probability`,
:func:`expected_loss`) use the *real-world* drift, the GPUs' expected loss of value to
obsolescence. :func:`simulate_asset_paths` and :func:`monte_carlo_guarantee`
(:mod:`~gpu_finance.backstop.montecarlo`) check both by simulation.

**The loss waterfall** (:mod:`~gpu_finance.backstop.waterfall`, :func:`loss_waterfall`): a loss
is absorbed first by the SPV's equity, then by the lenders, then by the guarantor, that is the
taxpayers, up to the guaranteed share of the debt. By default the equity holders (the outside
investors and the chip vendor) share losses pari passu, in proportion to their stakes, because no
source says one stands behind the other; :data:`EQUITY_ORDERS` lists the alternatives.

**Moral hazard** (:mod:`~gpu_finance.backstop.leverage`: :class:`LeverageProblem`,
:func:`leverage_curve`, :func:`optimal_leverage`): a sponsor chooses how much of the GPUs' cost to
borrow, as in the trade-off theory of capital structure: debt has an advantage, lost if the
vehicle defaults, and default destroys a share of the collateral's value
(:data:`DEFAULT_COST_OF_DEFAULT`). Lenders charge for the expected loss they bear; a guarantee
takes part of that loss off them (and off the rate) and hands it to the taxpayers, so the sponsor
borrows more and the taxpayers' expected cost exceeds the sponsor's gain.

Money is in US dollars (USD); rates, drifts, volatilities and fees are fractions per year
(0.04 = 4%); shares are fractions; times are in years. Drifts and rates are continuously
compounded: a drift of ``m`` means the collateral is expected to be worth ``exp(m * years)`` times
its value today.

The default values are **assumptions of this book**, not reported figures; they live in
:mod:`gpu_finance.assumptions`, each listed with its reason by :func:`backstop_assumptions`, and are
re-exported here. :data:`DEFAULT_DRIFT` is chapter 2's calibration ("The depreciation game") of
how fast GPUs lose value, turned into a drift; it and the other defaults that need data or a solve
are computed on first use.
"""

from __future__ import annotations

from .. import assumptions as _assumptions
from .._lazy import lazy_constants
from ..assumptions import (
    DEFAULT_COVERAGE,
    DEFAULT_DEBT_ADVANTAGE,
    DEFAULT_HORIZON_YEARS,
    DEFAULT_RISK_FREE_RATE,
    DEFAULT_VOLATILITY,
    backstop_assumptions,
)
from . import leverage, merton, montecarlo, sources, waterfall
from .leverage import FEE_RULES, LeverageChoice, LeverageProblem, design_comparison, leverage_curve, optimal_leverage
from .merton import (
    break_even_fee,
    claimable_value,
    default_probability,
    drift_from_annual_decline,
    expected_loss,
    fair_fee,
    guarantee_value,
)
from .montecarlo import (
    MonteCarloGuarantee,
    closed_form_comparison,
    closed_form_vs_monte_carlo,
    loss_distribution,
    monte_carlo_guarantee,
    path_summary,
    simulate_asset_paths,
)
from .sources import backstop_history, backstop_quotes
from .waterfall import EQUITY_ORDERS, STRUCTURES, WATERFALL_ORDER, expected_loss_by_party, loss_waterfall, waterfall_scenarios

#: Every public name of the five modules, and the assumptions they use (from gpu_finance.assumptions).
__all__ = [*_assumptions.__all__, *merton.__all__, *montecarlo.__all__, *waterfall.__all__, *leverage.__all__,
           *sources.__all__]

# The assumptions that need data or a solve, re-exported lazily: computed on first access.
__getattr__ = lazy_constants(
    globals(),
    DEFAULT_DRIFT=_assumptions.default_drift,
    DEFAULT_PAYOUT_RATE=_assumptions.default_payout_rate,
    DIRECT_BANKRUPTCY_COST_FRACTION=_assumptions.direct_bankruptcy_cost_fraction,
    DEFAULT_COST_OF_DEFAULT=_assumptions.default_cost_of_default,
)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
