"""The backstop: what a guarantee of GPU loans is worth, who absorbs a loss, and what it does to
the borrower's choices.

Three models, each a set of plain functions:

**A guarantee is a put option** (Merton, 1977). The lenders are owed ``debt_face`` at a horizon
``years`` from now; the collateral (the GPUs) is worth ``asset_value`` today and follows a
geometric Brownian motion with a drift and a volatility. If the collateral is worth less than the
debt at the horizon, the guarantor pays ``coverage`` of the shortfall. Today's value of that promise
is a Black–Scholes put on the collateral struck at the debt (:func:`guarantee_value`). Its price
uses the *pricing-world* (risk-neutral) drift, the risk-free rate; how often it is called and what
it costs on average (:func:`default_probability`, :func:`expected_loss`) use the *real-world*
drift, the GPUs' expected loss of value to obsolescence. :func:`simulate_asset_paths` and
:func:`monte_carlo_guarantee` check both by simulation.

**The loss waterfall** (:func:`loss_waterfall`): a loss is absorbed first by the SPV's equity,
then by the lenders, then by the guarantor, that is the taxpayers, up to the guaranteed share of
the debt. By default the equity holders (the outside investors and the chip vendor) share losses
pari passu, in proportion to their stakes, because no source says one stands behind the other;
:data:`EQUITY_ORDERS` lists the alternatives.

**Moral hazard** (:class:`LeverageProblem`, :func:`leverage_curve`, :func:`optimal_leverage`): a
sponsor chooses how much of the GPUs' cost to borrow, as in the trade-off theory of capital
structure: debt has an advantage, lost if the vehicle defaults, and default destroys a share of the
collateral's value (:data:`DEFAULT_COST_OF_DEFAULT`). Lenders charge for the expected loss they
bear; a guarantee takes part of that loss off them (and off the rate) and hands it to the
taxpayers, so the sponsor borrows more and the taxpayers' expected cost exceeds the sponsor's gain.

Money is in US dollars (USD); rates, drifts, volatilities and fees are fractions per year
(0.04 = 4%); shares are fractions; times are in years. Drifts and rates are continuously
compounded: a drift of ``m`` means the collateral is expected to be worth ``exp(m * years)`` times
its value today.

The default values below are **assumptions of this book**, not reported figures; each is listed
with its reason by :func:`backstop_assumptions`. :data:`DEFAULT_DRIFT` is chapter 2's calibration
("The depreciation game") of how fast GPUs lose value, turned into a drift.

References
----------
.. [1] R. C. Merton, "An analytic derivation of the cost of deposit insurance and loan guarantees:
   an application of modern option pricing theory", *Journal of Banking & Finance* 1 (1977) 3–11.
.. [2] F. Black and M. Scholes, "The pricing of options and corporate liabilities", *Journal of
   Political Economy* 81 (1973) 637–654.
.. [3] A. Kraus and R. H. Litzenberger, "A state-preference model of optimal financial leverage",
   *Journal of Finance* 28 (1973) 911–922.
.. [4] L. A. Weiss, "Bankruptcy resolution: direct costs and violation of priority of claims",
   *Journal of Financial Economics* 27 (1990) 285–314.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special

from ._validation import check_choice, check_fraction, check_number, check_whole
from .datasets import load_dataset
from .deal import COLOSSUS_2, Deal, _require_deal
from .depreciation import CALIBRATED_ANNUAL_DECLINE, depreciation_fact
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
    "STRUCTURES",
    "EQUITY_ORDERS",
    "FEE_RULES",
    "WATERFALL_ORDER",
    "backstop_assumptions",
    "drift_from_annual_decline",
    "guarantee_value",
    "default_probability",
    "expected_loss",
    "fair_fee",
    "break_even_fee",
    "claimable_value",
    "simulate_asset_paths",
    "MonteCarloGuarantee",
    "monte_carlo_guarantee",
    "closed_form_vs_monte_carlo",
    "loss_distribution",
    "path_summary",
    "loss_waterfall",
    "waterfall_scenarios",
    "expected_loss_by_party",
    "LeverageProblem",
    "LeverageChoice",
    "leverage_curve",
    "optimal_leverage",
    "design_comparison",
    "backstop_quotes",
    "backstop_history",
]

# ------------------------------------------------------------------------------------------------
# Assumptions (each one is listed, with its reason, by backstop_assumptions())
# ------------------------------------------------------------------------------------------------

#: Real-world drift of the GPUs' value, a continuously compounded fraction per year: the drift at
#: which the collateral is expected to fall by chapter 2's calibrated yearly decline
#: (:data:`gpu_finance.depreciation.CALIBRATED_ANNUAL_DECLINE`, a log-linear fit to H100 rental
#: prices), i.e. ``drift_from_annual_decline(CALIBRATED_ANNUAL_DECLINE)``, about -0.40. Taking the
#: fitted trend as the expected path is this book's estimate, not a reported figure.
DEFAULT_DRIFT: float = math.log1p(-CALIBRATED_ANNUAL_DECLINE)

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

#: The share of their value the GPUs pay out each year as rent: the prologue deal's lease payment
#: (:func:`gpu_finance.lease_payment`) over its cost. Derived from the model, not reported.
DEFAULT_PAYOUT_RATE: float = lease_payment(COLOSSUS_2) / COLOSSUS_2.total_cost_usd

#: Direct costs of bankruptcy (lawyers, accountants, the court), a fraction of the firm's value:
#: the average Weiss (1990) measured for 37 firms listed in New York that filed for bankruptcy
#: from 1979 to 1986, as a share of the book value of their debt plus the market value of their
#: equity. A row of ``backstop_history.csv`` (``weiss_direct_bankruptcy_costs``).
DIRECT_BANKRUPTCY_COST_FRACTION: float = float(
    load_dataset("backstop_history").set_index("key").loc["weiss_direct_bankruptcy_costs", "value"]
)

#: The share of the collateral's value lost when the vehicle defaults: what the economy loses, as
#: opposed to what passes from the owners to the lenders. Chapter 2's assumed forced-sale loss on
#: seized GPUs (``depreciation_facts.csv``, ``chapter2.liquidation_cost_fraction``) plus the direct
#: costs of bankruptcy (:data:`DIRECT_BANKRUPTCY_COST_FRACTION`). It leaves out the indirect costs
#: of distress (lost customers, managers' time), which matter more for an operating company than
#: for a vehicle that holds leased chips.
DEFAULT_COST_OF_DEFAULT: float = depreciation_fact("chapter2.liquidation_cost_fraction") + DIRECT_BANKRUPTCY_COST_FRACTION

#: How a guarantee shares the lenders' losses (see :func:`loss_waterfall`).
STRUCTURES: dict[str, str] = {
    "lenders_first": "Lenders first: the guarantor pays only after the unguaranteed debt is lost",
    "pro_rata": "Pro rata: the guarantor pays its share of every dollar the lenders lose",
}

#: How the SPV's two equity holders, the outside investors and the chip vendor, share the equity's
#: part of a loss (see :func:`loss_waterfall`). No source says the vendor's equity is senior or junior
#: to the other equity, so the default is ``"pari_passu"``.
EQUITY_ORDERS: dict[str, str] = {
    "pari_passu": "Pari passu: the equity holders share losses in proportion to their stakes",
    "vendor_last": "Vendor last: the outside equity absorbs losses before the chip vendor's",
    "vendor_first": "Vendor first: the chip vendor's equity absorbs losses before the outside equity",
}

#: Fees a guarantor can charge besides a flat yearly rate (see :func:`leverage_curve`).
FEE_RULES: dict[str, str] = {
    "risk_based": "Risk-based: at each leverage, the yearly fee whose value covers the expected claims",
}

#: The parties that can absorb a loss, in the order of the waterfall's layers (keys of
#: :data:`gpu_finance.parties.PARTIES`): the equity (outside investors and vendor), the lenders,
#: the taxpayers.
WATERFALL_ORDER: tuple[str, ...] = ("spv_equity", "vendor", "lenders", "taxpayers")

# Ranges the model accepts.
_MAX_YEARS = 30.0
_MAX_VOLATILITY = 2.0
_RATE_RANGE = (-0.05, 0.25)
_DRIFT_RANGE = (-1.0, 1.0)
_MAX_PATHS = 1_000_000
_MAX_STEPS_PER_YEAR = 365
_MAX_CELLS = 30_000_000  # paths x steps: about 240 MB of float64


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
        ("DEFAULT_DRIFT", DEFAULT_DRIFT, "fraction per year",
         "Real-world drift of the GPUs' value (obsolescence): chapter 2's calibration from H100 "
         "rental prices, taken as the expected path"),
        ("DEFAULT_VOLATILITY", DEFAULT_VOLATILITY, "fraction per year",
         "Volatility of the GPUs' value in the simplified model with a single repayment; the loan that "
         "closed uses the volatility its reported rate implies (CALIBRATED_VOLATILITY)"),
        ("DEFAULT_RISK_FREE_RATE", DEFAULT_RISK_FREE_RATE, "fraction per year",
         "Risk-free interest rate, continuously compounded"),
        ("DEFAULT_HORIZON_YEARS", DEFAULT_HORIZON_YEARS, "years",
         "Years until the lenders must be repaid from the collateral"),
        ("DEFAULT_COVERAGE", DEFAULT_COVERAGE, "fraction",
         "Share of the lenders' loss the guarantee covers"),
        ("DEFAULT_DEBT_ADVANTAGE", DEFAULT_DEBT_ADVANTAGE, "fraction per year",
         "Value to the sponsor of each dollar borrowed rather than raised as equity"),
        ("DEFAULT_PAYOUT_RATE", DEFAULT_PAYOUT_RATE, "fraction per year",
         "Rent the GPUs pay out each year, as a share of their value (the prologue deal's lease "
         "payment over its cost)"),
        ("DEFAULT_COST_OF_DEFAULT", DEFAULT_COST_OF_DEFAULT, "fraction",
         "Share of the GPUs' value lost if the vehicle defaults: chapter 2's assumed forced-sale loss "
         "plus the direct costs of bankruptcy measured by Weiss (1990)"),
    ]
    frame = pd.DataFrame(rows, columns=["name", "value", "unit", "description"])
    frame["confidence"] = "A"
    return frame


# ------------------------------------------------------------------------------------------------
# Checks shared by the functions below
# ------------------------------------------------------------------------------------------------
def _asset(asset_value: float) -> float:
    return check_number("asset_value", asset_value, 0.0, math.inf, low_closed=False)


def _debt(debt_face: float) -> float:
    return check_number("debt_face", debt_face, 0.0, math.inf)


def _volatility(volatility: float) -> float:
    return check_number("volatility", volatility, 0.0, _MAX_VOLATILITY, low_closed=False)


def _rate(risk_free_rate: float) -> float:
    return check_number("risk_free_rate", risk_free_rate, *_RATE_RANGE)


def _drift(drift: float) -> float:
    return check_number("drift", drift, *_DRIFT_RANGE)


def _years(years: float) -> float:
    return check_number("years", years, 0.0, _MAX_YEARS, low_closed=False)


def _annuity(rate: float, years: float) -> float:
    """Present value of 1 USD a year paid continuously for ``years`` at ``rate``:
    ``(1 - exp(-rate * years)) / rate``, and ``years`` at a zero rate."""
    x = rate * years
    if abs(x) < 1e-9:  # the series, exact to double precision (and safe for tiny rates)
        return years * (1.0 - x / 2.0)
    return -math.expm1(-x) / rate


def _d1_d2(asset_value: float, debt_face: float, volatility: float, growth: float, years: float):
    """The two standardised distances of Black–Scholes for a collateral growing at ``growth``."""
    spread = volatility * math.sqrt(years)  # sigma sqrt(T): the spread of ln(V_T) around its centre
    # d1 and d2 measure, in units of that spread, how far the collateral is expected to stay above the
    # debt; N(-d2) is then the chance that it ends below the debt (the guarantee is called).
    d1 = (math.log(asset_value / debt_face) + (growth + 0.5 * volatility**2) * years) / spread
    return d1, d1 - spread


def _expected_shortfall(asset_value, debt_face, volatility, growth, years) -> float:
    """E[max(debt_face - V_T, 0)] for V_T lognormal with E[V_T] = asset_value * exp(growth * years).

    The heart of the chapter's closed forms: with ``growth`` the risk-free rate it is the put's
    payoff in the pricing world (discount it for the price); with the real-world drift, the
    expected shortfall the guarantor forecasts.
    """
    if debt_face == 0.0:
        return 0.0  # nothing is owed, so nothing can be short
    d1, d2 = _d1_d2(asset_value, debt_face, volatility, growth, years)
    forward = asset_value * math.exp(growth * years)  # E[V_T], the collateral's expected value at T
    # F N(-d2): the debt, times the chance it is not covered; forward N(-d1): what the collateral is
    # expected to be worth on exactly those paths. Their difference is the average shortfall.
    return max(float(debt_face * special.ndtr(-d2) - forward * special.ndtr(-d1)), 0.0)


# ------------------------------------------------------------------------------------------------
# A guarantee is a put option
# ------------------------------------------------------------------------------------------------
def drift_from_annual_decline(decline: float) -> float:
    """The drift at which a value is expected to fall by ``decline`` each year: ``log(1 - decline)``.

    Chapter 2 measures how fast GPUs lose value as a yearly fall (0.2 = 20% a year); the models
    here use a continuously compounded drift.

    Parameters
    ----------
    decline : float
        Expected fall in value per year, a fraction in [0, 1).

    Returns
    -------
    float
        The drift, a fraction per year (zero or negative).

    Examples
    --------
    >>> round(drift_from_annual_decline(0.2), 4)
    -0.2231
    """
    fall = check_fraction("decline", decline, one_allowed=False)
    return math.log1p(-fall)


def guarantee_value(
    asset_value: float,
    debt_face: float,
    volatility: float,
    risk_free_rate: float,
    years: float,
    coverage: float = 1.0,
) -> float:
    """Today's value of a guarantee of ``coverage`` of the lenders' shortfall: a put option.

    At the horizon the lenders are owed ``debt_face`` and hold collateral worth ``V_T``; the
    guarantor pays ``coverage * max(debt_face - V_T, 0)``. Merton (1977) showed that this promise
    is worth ``coverage`` times a European put on the collateral struck at the debt, given by the
    Black–Scholes formula

    .. math::

        G = c \\left[ F e^{-rT} N(-d_2) - V N(-d_1) \\right],\\quad
        d_1 = \\frac{\\ln(V/F) + (r + \\sigma^2/2) T}{\\sigma\\sqrt{T}},\\quad d_2 = d_1 - \\sigma\\sqrt{T}.

    The collateral's real-world drift does not appear: the price is computed as if the collateral
    grew at the risk-free rate (risk-neutral pricing). ``asset_value`` is the market value today of
    what the lenders can claim at the horizon; for collateral that pays out rent before then, see
    :func:`claimable_value`.

    Parameters
    ----------
    asset_value : float
        ``V``: value of the collateral today, in USD; greater than zero.
    debt_face : float
        ``F``: what the lenders are owed at the horizon, in USD; at least zero.
    volatility : float
        ``sigma``: volatility of the collateral's value, a fraction per year in (0, 2].
    risk_free_rate : float
        ``r``: continuously compounded, a fraction per year in [-0.05, 0.25].
    years : float
        ``T``: years to the horizon, in (0, 30].
    coverage : float
        ``c``: share of the shortfall the guarantor pays, a fraction in [0, 1].

    Returns
    -------
    float
        The guarantee's value today, in USD.

    Examples
    --------
    Collateral worth 100, debt of 100, 20% volatility, 5% rate, one year: the textbook put is 5.57.

    >>> round(guarantee_value(100, 100, 0.2, 0.05, 1.0), 2)
    5.57
    >>> round(guarantee_value(100, 100, 0.2, 0.05, 1.0, coverage=0.5), 3)
    2.787
    """
    v, f, s, r, t = _asset(asset_value), _debt(debt_face), _volatility(volatility), _rate(risk_free_rate), _years(years)
    c = check_fraction("coverage", coverage)
    return c * math.exp(-r * t) * _expected_shortfall(v, f, s, r, t)


def default_probability(asset_value: float, debt_face: float, volatility: float, drift: float, years: float) -> float:
    """The probability that the collateral is worth less than the debt at the horizon.

    ``N(-d2)`` with the collateral growing at ``drift``: pass the real-world drift (obsolescence)
    for how often a default happens, or the risk-free rate for the pricing world's probability.

    Parameters
    ----------
    asset_value, debt_face, volatility, years
        As in :func:`guarantee_value`.
    drift : float
        Expected growth of the collateral's value, continuously compounded, a fraction per year in
        [-1, 1]; negative when it is expected to lose value.

    Returns
    -------
    float
        A probability in [0, 1].

    Examples
    --------
    A debt equal to the collateral's median value at the horizon defaults half the time:

    >>> round(default_probability(100, 100 * math.exp((-0.2 - 0.5 * 0.3**2) * 2), 0.3, -0.2, 2), 12)
    0.5
    """
    v, f, s, m, t = _asset(asset_value), _debt(debt_face), _volatility(volatility), _drift(drift), _years(years)
    if f == 0.0:
        return 0.0
    return float(special.ndtr(-_d1_d2(v, f, s, m, t)[1]))


def expected_loss(
    asset_value: float,
    debt_face: float,
    volatility: float,
    drift: float,
    years: float,
    coverage: float = 1.0,
) -> float:
    """The guarantor's average payment at the horizon: ``coverage * E[max(F - V_T, 0)]``.

    With ``V_T`` growing at ``drift``:

    .. math::

        c \\left[ F N(-d_2) - V e^{\\mu T} N(-d_1) \\right],\\quad
        d_1 = \\frac{\\ln(V/F) + (\\mu + \\sigma^2/2) T}{\\sigma\\sqrt{T}},\\quad d_2 = d_1 - \\sigma\\sqrt{T}.

    Not discounted: multiply by ``exp(-risk_free_rate * years)`` for today's value. With
    ``drift = risk_free_rate`` the discounted expected loss is :func:`guarantee_value`.

    Parameters
    ----------
    asset_value, debt_face, volatility, years, coverage
        As in :func:`guarantee_value`.
    drift : float
        As in :func:`default_probability`.

    Returns
    -------
    float
        Expected payment at the horizon, in USD.

    Examples
    --------
    >>> v, f, s, r, t = 100, 100, 0.2, 0.05, 1.0
    >>> bool(abs(math.exp(-r * t) * expected_loss(v, f, s, r, t) - guarantee_value(v, f, s, r, t)) < 1e-12)
    True
    """
    v, f, s, m, t = _asset(asset_value), _debt(debt_face), _volatility(volatility), _drift(drift), _years(years)
    c = check_fraction("coverage", coverage)
    return c * _expected_shortfall(v, f, s, m, t)


def fair_fee(asset_value: float, debt_face: float, volatility: float, risk_free_rate: float, years: float) -> float:
    """The yearly fee, as a share of the guaranteed debt, whose present value equals the guarantee's.

    The fee is paid continuously until the horizon on the guaranteed amount ``coverage * F``, so
    its present value is ``fee * c * F * (1 - exp(-rT)) / r``; setting that equal to
    :func:`guarantee_value` gives a rate that does not depend on ``coverage`` (both scale with it).

    Parameters
    ----------
    asset_value, debt_face, volatility, risk_free_rate, years
        As in :func:`guarantee_value`; ``debt_face`` must be greater than zero.

    Returns
    -------
    float
        The fee, a fraction of the guaranteed debt per year.

    Examples
    --------
    >>> fair_fee(100, 100, 0.2, 0.0, 1.0) == guarantee_value(100, 100, 0.2, 0.0, 1.0) / 100
    True
    """
    f = check_number("debt_face", debt_face, 0.0, math.inf, low_closed=False)
    value = guarantee_value(asset_value, f, volatility, risk_free_rate, years)
    return value / (f * _annuity(risk_free_rate, years))


def break_even_fee(
    asset_value: float, debt_face: float, volatility: float, drift: float, risk_free_rate: float, years: float
) -> float:
    """The yearly fee, as a share of the guaranteed debt, that covers the guarantor's expected payment.

    Like :func:`fair_fee`, but the present value matched is the real-world expected loss
    (:func:`expected_loss` at ``drift``, discounted at ``risk_free_rate``): the fee at which the
    guarantor breaks even on average.

    Returns
    -------
    float
        The fee, a fraction of the guaranteed debt per year.

    Examples
    --------
    With the drift at the risk-free rate it is the fair fee:

    >>> break_even_fee(100, 90, 0.3, 0.04, 0.04, 3) == fair_fee(100, 90, 0.3, 0.04, 3)
    True
    """
    f = check_number("debt_face", debt_face, 0.0, math.inf, low_closed=False)
    r, t = _rate(risk_free_rate), _years(years)
    loss_today = math.exp(-r * t) * expected_loss(asset_value, f, volatility, drift, t)
    return loss_today / (f * _annuity(r, t))


def claimable_value(asset_value: float, payout_rate: float, years: float) -> float:
    """Today's value of the collateral as it will be at the horizon, when it pays out rent meanwhile.

    A GPU earns its return partly as rent. If that rent leaves the vehicle before the debt is due
    (to pay interest and the equity), the lenders can claim only the GPUs at the horizon, which
    are worth less today than the GPUs with their rent: ``asset_value * exp(-payout_rate * years)``.
    This is the ``asset_value`` to give :func:`guarantee_value` for such collateral (the
    Black–Scholes–Merton formula for an asset with a continuous payout).

    Parameters
    ----------
    asset_value : float
        Market value of the collateral today, in USD; greater than zero.
    payout_rate : float
        What the collateral pays out each year as a share of its value, in [0, 1].
    years : float
        Years to the horizon, in (0, 30].

    Returns
    -------
    float
        Value today of what will be left at the horizon, in USD.

    Examples
    --------
    >>> round(claimable_value(100, 0.25, 2), 2)
    60.65
    """
    v, t = _asset(asset_value), _years(years)
    q = check_number("payout_rate", payout_rate, 0.0, 1.0)
    return v * math.exp(-q * t)


# ------------------------------------------------------------------------------------------------
# Monte Carlo
# ------------------------------------------------------------------------------------------------
def _generator(seed: object) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed={seed!r} is not a whole number >= 0 or a numpy.random.Generator")
    return np.random.default_rng(int(seed))


def _steps(years: float, steps_per_year: int) -> int:
    count = years * steps_per_year
    if abs(count - round(count)) > 1e-9 or round(count) < 1:
        raise ValueError(
            f"years={years!r} times steps_per_year={steps_per_year!r} is not a whole number of steps"
        )
    return int(round(count))


def simulate_asset_paths(
    asset_value: float,
    volatility: float,
    drift: float,
    years: float,
    *,
    n_paths: int = 100_000,
    steps_per_year: int = 12,
    seed: int | np.random.Generator,
) -> np.ndarray:
    """Simulated paths of the collateral's value: a geometric Brownian motion, sampled exactly.

    Each step multiplies the value by ``exp((drift - volatility**2 / 2) dt + volatility sqrt(dt) Z)``
    with ``Z`` standard normal, so ``E[V_T] = asset_value * exp(drift * years)`` and the paths'
    values at the horizon have the lognormal law the closed forms assume. Vectorised: 100,000
    paths of 60 monthly steps take a fraction of a second.

    Parameters
    ----------
    asset_value : float
        Value today, in USD; greater than zero.
    volatility : float
        A fraction per year in (0, 2].
    drift : float
        Expected growth, continuously compounded, a fraction per year in [-1, 1]: the risk-free
        rate for the pricing world, the obsolescence drift for the real world.
    years : float
        Length of the paths, in (0, 30]; ``years * steps_per_year`` must be a whole number.
    n_paths : int
        Number of paths, from 1 to 1,000,000.
    steps_per_year : int
        Steps per year, from 1 to 365 (12: monthly).
    seed : int or numpy.random.Generator
        Where the randomness comes from: a whole number (the same number gives the same paths) or a
        generator (which the call advances). Required, so that results can be reproduced.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_paths, steps + 1)``, in USD; column 0 is ``asset_value``, column ``k`` the value
        after ``k`` steps.

    Examples
    --------
    >>> paths = simulate_asset_paths(100.0, 0.3, -0.2, 5, n_paths=4, seed=1)
    >>> paths.shape, float(paths[0, 0])
    ((4, 61), 100.0)
    """
    v, s, m, t = _asset(asset_value), _volatility(volatility), _drift(drift), _years(years)
    n = check_whole("n_paths", n_paths, 1, _MAX_PATHS)
    per_year = check_whole("steps_per_year", steps_per_year, 1, _MAX_STEPS_PER_YEAR)
    steps = _steps(t, per_year)
    if n * steps > _MAX_CELLS:
        raise ValueError(
            f"n_paths={n!r} with {steps} steps is {n * steps:,} values, more than {_MAX_CELLS:,}; "
            "use fewer paths or steps"
        )
    rng = _generator(seed)
    dt = t / steps
    shocks = rng.standard_normal((n, steps))
    shocks *= s * math.sqrt(dt)
    shocks += (m - 0.5 * s * s) * dt
    paths = np.empty((n, steps + 1))
    paths[:, 0] = 0.0
    np.cumsum(shocks, axis=1, out=paths[:, 1:])
    np.exp(paths, out=paths)
    paths *= v
    return paths


@dataclass(frozen=True, eq=False)
class MonteCarloGuarantee:
    """What a simulation says about a guarantee (see :func:`monte_carlo_guarantee`).

    Attributes
    ----------
    drift : float
        The drift the paths were simulated with, a fraction per year.
    value_usd, value_se_usd : float
        Mean of the discounted payment ``exp(-rT) * c * max(F - V_T, 0)`` and its standard error,
        in USD. With ``drift`` equal to the risk-free rate this estimates :func:`guarantee_value`.
    default_probability, default_probability_se : float
        Share of paths ending below the debt, and its standard error.
    expected_loss_usd, expected_loss_se_usd : float
        Mean payment at the horizon (not discounted) and its standard error, in USD.
    losses_usd : numpy.ndarray
        The guarantor's payment on each path at the horizon, in USD.
    terminal_usd : numpy.ndarray
        The collateral's value on each path at the horizon, in USD.
    n_paths, steps : int
        Paths simulated and steps per path.
    """

    drift: float
    value_usd: float
    value_se_usd: float
    default_probability: float
    default_probability_se: float
    expected_loss_usd: float
    expected_loss_se_usd: float
    losses_usd: np.ndarray = field(repr=False)
    terminal_usd: np.ndarray = field(repr=False)
    n_paths: int = 0
    steps: int = 0


def _standard_error(sample: np.ndarray) -> float:
    """The standard error of a sample's mean: its standard deviation over the square root of its size.

    The paths are independent draws, so the error of their average shrinks as ``1 / sqrt(n)``: four
    times the paths halve it.
    """
    if sample.size < 2:
        return 0.0  # one draw says nothing about its own spread
    return float(sample.std(ddof=1) / math.sqrt(sample.size))


def _estimates_at_horizon(terminal: np.ndarray, debt_face: float, coverage: float, discount: float) -> dict:
    """The Monte Carlo estimates of :class:`MonteCarloGuarantee`, from simulated values at the horizon.

    Each estimate is the mean of one number per path, and comes with that mean's standard error.
    ``discount`` is ``exp(-r T)``, today's value of a dollar paid at the horizon.
    """
    losses = coverage * np.maximum(debt_face - terminal, 0.0)  # what the guarantor pays on each path
    discounted = discount * losses  # the same payment, valued today
    defaults = (terminal < debt_face).astype(float)  # 1 on a path that ends below the debt, else 0
    return dict(
        value_usd=float(discounted.mean()), value_se_usd=_standard_error(discounted),
        # The mean of the 0/1 indicator is the share of paths in default: a probability.
        default_probability=float(defaults.mean()), default_probability_se=_standard_error(defaults),
        expected_loss_usd=float(losses.mean()), expected_loss_se_usd=_standard_error(losses),
        losses_usd=losses, terminal_usd=terminal,
    )


def monte_carlo_guarantee(
    asset_value: float,
    debt_face: float,
    volatility: float,
    risk_free_rate: float,
    years: float,
    coverage: float = 1.0,
    *,
    drift: float | None = None,
    n_paths: int = 100_000,
    steps_per_year: int = 12,
    seed: int | np.random.Generator,
) -> MonteCarloGuarantee:
    """Estimate a guarantee's value, default probability and expected loss by simulating paths.

    The paths come from :func:`simulate_asset_paths`; the guarantor pays
    ``coverage * max(debt_face - V_T, 0)`` at the horizon. Every estimate carries its standard
    error, so it can be compared with the closed forms (:func:`guarantee_value`,
    :func:`default_probability`, :func:`expected_loss`).

    Parameters
    ----------
    asset_value, debt_face, volatility, risk_free_rate, years, coverage
        As in :func:`guarantee_value`.
    drift : float, optional
        Growth of the collateral in the simulation. ``None`` (the default) uses the risk-free rate:
        the pricing world, in which the discounted mean payment is the guarantee's price. Pass the
        real-world drift to estimate how often it is called and what it pays on average.
    n_paths, steps_per_year, seed
        As in :func:`simulate_asset_paths`.

    Returns
    -------
    MonteCarloGuarantee

    Examples
    --------
    >>> mc = monte_carlo_guarantee(100, 100, 0.2, 0.05, 1.0, n_paths=20_000, seed=7)
    >>> bool(abs(mc.value_usd - guarantee_value(100, 100, 0.2, 0.05, 1.0)) < 3 * mc.value_se_usd)
    True
    """
    f, r = _debt(debt_face), _rate(risk_free_rate)
    c = check_fraction("coverage", coverage)
    growth = r if drift is None else _drift(drift)  # no drift given: the pricing world
    paths = simulate_asset_paths(asset_value, volatility, growth, years,
                                 n_paths=n_paths, steps_per_year=steps_per_year, seed=seed)
    # The guarantee pays on the value at the horizon alone: keep the last column, free the rest.
    terminal, steps = paths[:, -1].copy(), paths.shape[1] - 1
    del paths
    estimates = _estimates_at_horizon(terminal, f, c, discount=math.exp(-r * float(years)))
    return MonteCarloGuarantee(drift=growth, n_paths=int(terminal.size), steps=steps, **estimates)


def closed_form_vs_monte_carlo(
    asset_value: float,
    debt_face: float,
    volatility: float,
    drift: float,
    risk_free_rate: float,
    years: float,
    coverage: float = 1.0,
    *,
    n_paths: int = 100_000,
    steps_per_year: int = 12,
    seed: int | np.random.Generator,
) -> pd.DataFrame:
    """The closed forms next to a simulation of each world, with the gap in standard errors.

    Two simulations: one in the pricing world (the collateral grows at the risk-free rate) and one
    in the real world (it grows at ``drift``), each with ``n_paths`` paths.

    Returns
    -------
    pandas.DataFrame
        One row per quantity, columns ``quantity``, ``world`` (``"pricing"`` or ``"real"``),
        ``unit`` (``"USD"`` or ``"fraction"``), ``closed_form``, ``monte_carlo``,
        ``standard_error`` and ``gap_in_standard_errors`` (``(monte_carlo - closed_form) /
        standard_error``; within ±3 nearly always).

    Examples
    --------
    >>> table = closed_form_vs_monte_carlo(100, 80, 0.3, -0.1, 0.04, 2, n_paths=20_000, seed=3)
    >>> bool((table["gap_in_standard_errors"].abs() < 3).all())
    True
    """
    rng = _generator(seed)
    common = dict(n_paths=n_paths, steps_per_year=steps_per_year, seed=rng)
    pricing = monte_carlo_guarantee(asset_value, debt_face, volatility, risk_free_rate, years, coverage, **common)
    real = monte_carlo_guarantee(asset_value, debt_face, volatility, risk_free_rate, years, coverage,
                                 drift=drift, **common)
    r = float(risk_free_rate)
    rows = [
        ("Value of the guarantee today", "pricing", "USD",
         guarantee_value(asset_value, debt_face, volatility, r, years, coverage),
         pricing.value_usd, pricing.value_se_usd),
        ("Probability of default", "pricing", "fraction",
         default_probability(asset_value, debt_face, volatility, r, years),
         pricing.default_probability, pricing.default_probability_se),
        ("Probability of default", "real", "fraction",
         default_probability(asset_value, debt_face, volatility, drift, years),
         real.default_probability, real.default_probability_se),
        ("Expected payment at the horizon", "real", "USD",
         expected_loss(asset_value, debt_face, volatility, drift, years, coverage),
         real.expected_loss_usd, real.expected_loss_se_usd),
        ("Expected payment, valued today", "real", "USD",
         math.exp(-r * float(years)) * expected_loss(asset_value, debt_face, volatility, drift, years, coverage),
         real.value_usd, real.value_se_usd),
    ]
    frame = pd.DataFrame(rows, columns=["quantity", "world", "unit", "closed_form", "monte_carlo", "standard_error"])
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = (frame["monte_carlo"] - frame["closed_form"]) / frame["standard_error"]
    frame["gap_in_standard_errors"] = gap.where(frame["standard_error"] > 0, 0.0)
    return frame


def loss_distribution(losses_usd, bins: int = 30) -> pd.DataFrame:
    """Histogram of the positive losses of a simulation, pre-binned for a chart.

    Parameters
    ----------
    losses_usd : array-like
        One loss per path, in USD, each at least zero (e.g. ``MonteCarloGuarantee.losses_usd``).
    bins : int
        Number of equal-width bins between zero and the largest loss, from 1 to 200.

    Returns
    -------
    pandas.DataFrame
        One row per bin: ``loss_from_usd``, ``loss_to_usd``, ``paths`` (count) and
        ``share_of_paths`` (a fraction of *all* paths, so the shares add up to the share of paths
        with a loss). Empty when no path has a loss.

    Examples
    --------
    >>> loss_distribution([0.0, 0.0, 0.5, 2.0], bins=2)["paths"].tolist()
    [1, 1]
    """
    count = check_whole("bins", bins, 1, 200)
    losses = np.asarray(losses_usd, dtype=float).ravel()
    if losses.size == 0 or not np.all(np.isfinite(losses)) or (losses < 0).any():
        raise ValueError("losses_usd must be a non-empty array of finite losses, each at least zero")
    positive = losses[losses > 0]
    columns = ["loss_from_usd", "loss_to_usd", "paths", "share_of_paths"]
    if positive.size == 0:
        return pd.DataFrame(columns=columns)
    counts, edges = np.histogram(positive, bins=count, range=(0.0, float(positive.max())))
    return pd.DataFrame({
        "loss_from_usd": edges[:-1],
        "loss_to_usd": edges[1:],
        "paths": counts,
        "share_of_paths": counts / losses.size,
    })[columns]


def path_summary(paths: np.ndarray, years: float, quantiles=(0.05, 0.5, 0.95)) -> pd.DataFrame:
    """Quantiles of simulated values at each step, for a fan chart.

    Parameters
    ----------
    paths : numpy.ndarray
        As returned by :func:`simulate_asset_paths`, shape ``(n_paths, steps + 1)``.
    years : float
        The paths' length in years.
    quantiles : sequence of float
        Fractions in [0, 1].

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` and one ``q<percent>_usd`` column per quantile (``q5_usd``, ``q50_usd``...).

    Examples
    --------
    >>> path_summary(np.array([[1.0, 2.0], [1.0, 4.0]]), 1.0, quantiles=(0.5,))["q50_usd"].tolist()
    [1.0, 3.0]
    """
    values = np.asarray(paths, dtype=float)
    if values.ndim != 2 or values.shape[1] < 2:
        raise ValueError(f"paths of shape {values.shape} is not (n_paths, steps + 1) with a step or more")
    t = _years(years)
    qs = [check_fraction("quantiles", q) for q in quantiles]
    frame = pd.DataFrame({"year": np.linspace(0.0, t, values.shape[1])})
    for q, row in zip(qs, np.quantile(values, qs, axis=0)):
        frame[f"q{100 * q:g}_usd"] = row
    return frame


# ------------------------------------------------------------------------------------------------
# The loss waterfall
# ------------------------------------------------------------------------------------------------
def _allocate(losses: np.ndarray, deal: Deal, coverage: float, structure: str, equity_order: str) -> np.ndarray:
    """Split each loss among the parties of :data:`WATERFALL_ORDER`; shape ``(n, 4)``."""
    outside, vendor, debt = deal.outside_equity_usd, deal.vendor_equity_usd, deal.debt_usd
    # 1. The equity absorbs the loss first, up to all of it; its two holders split their part.
    to_equity = np.minimum(losses, outside + vendor)
    if equity_order == "pari_passu":
        to_outside = to_equity * (outside / (outside + vendor)) if outside + vendor > 0 else np.zeros_like(losses)
        to_vendor = to_equity - to_outside
    elif equity_order == "vendor_last":
        to_outside = np.minimum(to_equity, outside)
        to_vendor = to_equity - to_outside
    else:  # vendor_first
        to_vendor = np.minimum(to_equity, vendor)
        to_outside = to_equity - to_vendor
    # 2. What the equity cannot absorb falls on the debt, at most the whole debt.
    debt_loss = np.clip(losses - to_equity, 0.0, debt)
    # 3. A guarantee splits the debt's loss between the lenders and the guarantor (the taxpayers).
    if structure == "pro_rata":  # the guarantor pays its share of every dollar
        to_taxpayers = coverage * debt_loss
        to_lenders = debt_loss - to_taxpayers
    else:  # lenders_first: the unguaranteed part of the debt absorbs losses before the guarantor
        to_lenders = np.minimum(debt_loss, (1.0 - coverage) * debt)
        to_taxpayers = debt_loss - to_lenders
    return np.column_stack([to_outside, to_vendor, to_lenders, to_taxpayers])


def _waterfall_inputs(deal: Deal, coverage: float, structure: str, equity_order: str) -> tuple[float, str, str]:
    _require_deal(deal)
    return (check_fraction("coverage", coverage), check_choice("structure", structure, tuple(STRUCTURES)),
            check_choice("equity_order", equity_order, tuple(EQUITY_ORDERS)))


def loss_waterfall(
    deal: Deal,
    loss_usd: float,
    coverage: float = 0.0,
    structure: str = "lenders_first",
    equity_order: str = "pari_passu",
) -> pd.DataFrame:
    """Who absorbs a loss, in order: the equity, then the lenders, then the taxpayers.

    A loss is a fall in the value of the SPV's assets below what was put in (``deal.total_cost_usd``).
    The SPV's equity absorbs it first, up to the whole equity; then the debt. The equity has two
    holders, the outside investors and the chip vendor, who share the equity's part in one of three
    ways (``equity_order``, :data:`EQUITY_ORDERS`):

    ``"pari_passu"`` (default)
        In proportion to their stakes: a loss of a fifth of the equity costs each holder a fifth of
        its stake. No source says the vendor's equity ranks above or below the other equity.
    ``"vendor_last"``
        The outside equity first, then the vendor's: the vendor, an anchor investor, stands behind
        the other owners (it would have to have negotiated a senior class of shares).
    ``"vendor_first"``
        The vendor's equity first, then the outside equity's: the vendor takes a first loss to
        attract the other investors.

    A guarantee of ``coverage`` of the debt splits the debt's loss between the lenders and the
    guarantor, standing for the taxpayers, in one of two ways (``structure``):

    ``"lenders_first"``
        The lenders absorb losses up to the unguaranteed part of the debt, ``(1 - coverage) *
        debt``; the guarantor pays only beyond that, up to ``coverage * debt``. The guarantor is
        last in line.
    ``"pro_rata"``
        The guarantor pays ``coverage`` of every dollar the debt loses, the lenders the rest: the
        guarantee that :func:`guarantee_value` prices.

    Parameters
    ----------
    deal : Deal
        The SPV's funding: outside equity, vendor equity and debt.
    loss_usd : float
        The loss, in USD, from zero to ``deal.total_cost_usd``.
    coverage : float
        Share of the debt guaranteed, a fraction in [0, 1]; 0 means no guarantee.
    structure : str
        ``"lenders_first"`` (default) or ``"pro_rata"``.
    equity_order : str
        ``"pari_passu"`` (default), ``"vendor_last"`` or ``"vendor_first"``.

    Returns
    -------
    pandas.DataFrame
        One row per party in :data:`WATERFALL_ORDER`: ``party``, ``stake_usd`` (what it put in or
        guaranteed), ``absorbed_usd``, ``share_of_loss`` (fractions adding up to 1 when the loss is
        positive) and ``share_of_stake`` (how much of its own stake it lost).

    Examples
    --------
    Outside equity of 30 and vendor equity of 10: a loss of 20 costs each half of its stake.

    >>> deal = Deal(100, 40, 60, 10, 0.08, 5, 5)
    >>> loss_waterfall(deal, 20)["absorbed_usd"].tolist()
    [15.0, 5.0, 0.0, 0.0]
    >>> loss_waterfall(deal, 20, equity_order="vendor_last")["absorbed_usd"].tolist()
    [20.0, 0.0, 0.0, 0.0]
    >>> loss_waterfall(deal, 70, coverage=0.5)["absorbed_usd"].tolist()
    [30.0, 10.0, 30.0, 0.0]
    >>> loss_waterfall(deal, 70, coverage=0.5, structure="pro_rata")["absorbed_usd"].tolist()
    [30.0, 10.0, 15.0, 15.0]
    """
    c, how, order = _waterfall_inputs(deal, coverage, structure, equity_order)
    loss = check_number("loss_usd", loss_usd, 0.0, deal.total_cost_usd)
    absorbed = _allocate(np.array([loss]), deal, c, how, order)[0]
    stakes = np.array([deal.outside_equity_usd, deal.vendor_equity_usd, deal.debt_usd, c * deal.debt_usd])
    frame = pd.DataFrame({"party": list(WATERFALL_ORDER), "stake_usd": stakes, "absorbed_usd": absorbed})
    frame["share_of_loss"] = absorbed / loss if loss > 0 else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["share_of_stake"] = np.where(stakes > 0, absorbed / np.where(stakes > 0, stakes, 1.0), 0.0)
    return frame


def waterfall_scenarios(
    deal: Deal, declines, coverage: float = 0.0, structure: str = "lenders_first", equity_order: str = "pari_passu"
) -> pd.DataFrame:
    """:func:`loss_waterfall` for several falls in the GPUs' value, stacked into one long table.

    Parameters
    ----------
    deal : Deal
        The SPV's funding.
    declines : sequence of float
        Falls in the value of the SPV's assets, each a fraction of its cost in [0, 1].
    coverage, structure, equity_order
        As in :func:`loss_waterfall`.

    Returns
    -------
    pandas.DataFrame
        Columns ``decline``, ``loss_usd``, ``party``, ``absorbed_usd`` and ``share_of_loss``; one
        row per decline and party.

    Examples
    --------
    >>> table = waterfall_scenarios(Deal(100, 40, 60, 10, 0.08, 5, 5), [0.2, 0.5], coverage=0.5)
    >>> table.groupby("decline")["absorbed_usd"].sum().tolist()
    [20.0, 50.0]
    """
    c, how, order = _waterfall_inputs(deal, coverage, structure, equity_order)
    falls = [check_fraction("declines", d) for d in np.atleast_1d(np.asarray(declines, dtype=float))]
    pieces = []
    for fall in falls:
        piece = loss_waterfall(deal, fall * deal.total_cost_usd, c, how, order)
        piece.insert(0, "loss_usd", fall * deal.total_cost_usd)
        piece.insert(0, "decline", fall)
        pieces.append(piece[["decline", "loss_usd", "party", "absorbed_usd", "share_of_loss"]])
    return pd.concat(pieces, ignore_index=True)


def expected_loss_by_party(
    deal: Deal, terminal_usd, coverage: float = 0.0, structure: str = "lenders_first",
    equity_order: str = "pari_passu",
) -> pd.DataFrame:
    """Each party's average loss over simulated values of the SPV's assets at the horizon.

    The loss on a path is ``max(deal.total_cost_usd - V_T, 0)``, split by :func:`loss_waterfall`.
    The taxpayers' average equals :func:`expected_loss` with ``debt_face = deal.debt_usd`` (pro
    rata), or with ``debt_face = coverage * deal.debt_usd`` and full coverage (lenders first).

    Parameters
    ----------
    deal : Deal
        The SPV's funding; the simulation should start from ``deal.total_cost_usd``.
    terminal_usd : array-like
        Simulated values at the horizon, in USD (``MonteCarloGuarantee.terminal_usd``).
    coverage, structure, equity_order
        As in :func:`loss_waterfall`.

    Returns
    -------
    pandas.DataFrame
        One row per party: ``party``, ``expected_loss_usd`` (mean at the horizon) and
        ``standard_error_usd``.

    Examples
    --------
    >>> deal = Deal(100, 40, 60, 10, 0.08, 5, 5)
    >>> expected_loss_by_party(deal, [100.0, 30.0], coverage=0.5)["expected_loss_usd"].tolist()
    [15.0, 5.0, 15.0, 0.0]
    """
    c, how, order = _waterfall_inputs(deal, coverage, structure, equity_order)
    values = np.asarray(terminal_usd, dtype=float).ravel()
    if values.size == 0 or not np.all(np.isfinite(values)) or (values < 0).any():
        raise ValueError("terminal_usd must be a non-empty array of finite values, each at least zero")
    losses = np.clip(deal.total_cost_usd - values, 0.0, deal.total_cost_usd)
    shares = _allocate(losses, deal, c, how, order)
    errors = [_standard_error(shares[:, k]) for k in range(shares.shape[1])]
    return pd.DataFrame({"party": list(WATERFALL_ORDER), "expected_loss_usd": shares.mean(axis=0),
                         "standard_error_usd": errors})


# ------------------------------------------------------------------------------------------------
# Moral hazard: the sponsor's choice of leverage
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LeverageProblem:
    """The sponsor's choice of how much of the GPUs' cost to borrow: the inputs.

    The model is the trade-off theory of capital structure in its one-period form (Kraus and
    Litzenberger, 1973), kept as simple as it can be while still showing moral hazard:

    * The sponsor's vehicle buys GPUs worth ``asset_value_usd`` and borrows a share ``ltv`` of it
      (the loan-to-value ratio), ``D = ltv * V``, repaid in one payment at the horizon ``years``;
      interest is paid along the way from the lease.
    * At the horizon the GPUs are worth ``V_T`` (real-world drift ``drift``, volatility
      ``volatility``). The vehicle defaults if ``V_T < D``; the lenders then take the GPUs and
      recover ``(1 - default_cost_fraction) * V_T``: the rest of the collateral's value is lost to
      forced-sale discounts and the costs of bankruptcy. That loss, not the lenders' shortfall, is
      what default costs the economy.
    * Each dollar borrowed instead of raised as equity is worth ``debt_advantage`` a year to the
      sponsor, earned only if the vehicle does not default (as an interest deduction is worth
      nothing to a borrower with no profit to deduct it from).
    * Lenders are competitive and price risk: the loan's rate is the risk-free rate plus a spread
      whose present value equals the expected loss *they* bear. The sponsor's equity is protected
      by limited liability: in default it loses the GPUs, not more.
    * A guarantee of ``coverage`` takes part of the lenders' loss off them (and off the rate) and
      puts it on the taxpayers, in return for a yearly ``fee`` on the guaranteed debt.

    All values are today's, discounted at ``risk_free_rate``; flows are paid continuously.

    Parameters
    ----------
    asset_value_usd : float
        What the GPUs cost, in USD; greater than zero. Defaults to the prologue deal's cost.
    volatility : float
        A fraction per year in (0, 2].
    drift : float
        Real-world drift of the GPUs' value, a fraction per year in [-1, 1] (:data:`DEFAULT_DRIFT`,
        chapter 2's calibration).
    risk_free_rate : float
        A fraction per year in [-0.05, 0.25].
    years : float
        Years until the debt is repaid from the collateral, in (0, 30].
    debt_advantage : float
        Value to the sponsor of a dollar of debt rather than equity, a fraction per year in [0, 1].
    max_ltv : float
        The most the sponsor can borrow, a fraction of the cost in (0, 1]. Defaults to what the
        prologue deal allows once the chip vendor's equity is in.
    default_cost_fraction : float
        Share of the collateral's value at the horizon lost if the vehicle defaults, a fraction in
        [0, 1] (:data:`DEFAULT_COST_OF_DEFAULT`: a forced-sale loss plus bankruptcy costs).

    Examples
    --------
    >>> LeverageProblem(years=2).years
    2.0
    >>> LeverageProblem(max_ltv=1.2)
    Traceback (most recent call last):
    ...
    ValueError: max_ltv=1.2 is outside (0, 1]
    >>> LeverageProblem(default_cost_fraction=-0.1)
    Traceback (most recent call last):
    ...
    ValueError: default_cost_fraction=-0.1 is outside [0, 1]
    """

    asset_value_usd: float = COLOSSUS_2.total_cost_usd
    volatility: float = DEFAULT_VOLATILITY
    drift: float = DEFAULT_DRIFT
    risk_free_rate: float = DEFAULT_RISK_FREE_RATE
    years: float = DEFAULT_HORIZON_YEARS
    debt_advantage: float = DEFAULT_DEBT_ADVANTAGE
    max_ltv: float = round(1.0 - COLOSSUS_2.vendor_share_of_cost, 10)
    default_cost_fraction: float = DEFAULT_COST_OF_DEFAULT

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "asset_value_usd", check_number("asset_value_usd", self.asset_value_usd, 0.0, math.inf,
                                                   low_closed=False))
        set_(self, "volatility", _volatility(self.volatility))
        set_(self, "drift", _drift(self.drift))
        set_(self, "risk_free_rate", _rate(self.risk_free_rate))
        set_(self, "years", _years(self.years))
        set_(self, "debt_advantage", check_number("debt_advantage", self.debt_advantage, 0.0, 1.0))
        set_(self, "max_ltv", check_number("max_ltv", self.max_ltv, 0.0, 1.0, low_closed=False))
        set_(self, "default_cost_fraction", check_fraction("default_cost_fraction", self.default_cost_fraction))

    def replace(self, **changes) -> LeverageProblem:
        """A copy with some inputs changed, validated again."""
        import dataclasses

        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class LeverageChoice:
    """The leverage a sponsor chooses, and what follows from it (see :func:`optimal_leverage`).

    Attributes
    ----------
    ltv : float
        Loan-to-value chosen, a fraction.
    debt_usd : float
        Debt borrowed, in USD.
    loan_rate : float
        The rate lenders charge, a fraction per year.
    default_probability : float
        Real-world probability that the GPUs are worth less than the debt at the horizon.
    sponsor_payoff_usd : float
        The sponsor's gain from borrowing, against all-equity funding, today's USD.
    taxpayer_cost_usd : float
        The taxpayers' expected payments less the fees they collect, today's USD.
    surplus_usd : float
        The debt advantage less the expected cost of default, today's USD: what the economy as a
        whole gains from the borrowing (the sponsor's, the lenders' and the taxpayers' results).
    default_cost_usd : float
        The expected value destroyed by default, today's USD.
    coverage, fee : float
        The guarantee's terms; ``fee`` is the yearly rate charged at the chosen leverage.
    structure : str
        How the guarantee shares losses (:data:`STRUCTURES`).
    """

    ltv: float
    debt_usd: float
    loan_rate: float
    default_probability: float
    sponsor_payoff_usd: float
    taxpayer_cost_usd: float
    surplus_usd: float
    default_cost_usd: float
    coverage: float
    fee: float
    structure: str


def _guarantee_terms(coverage: float, fee: float | str, structure: str) -> tuple[float, float | str, str]:
    c = check_fraction("coverage", coverage)
    if isinstance(fee, str):
        phi: float | str = check_choice("fee", fee, tuple(FEE_RULES))
    else:
        phi = check_number("fee", fee, 0.0, 1.0)
    how = check_choice("structure", structure, tuple(STRUCTURES))
    return c, phi, how


def _below(problem: LeverageProblem, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``P(V_T < x)`` and ``E[V_T; V_T < x]`` (USD, at the horizon) in the real world, for each
    level ``x`` in ``levels`` (vectorised; zero for ``x <= 0``)."""
    p = problem
    spread = p.volatility * math.sqrt(p.years)
    probability = np.zeros_like(levels, dtype=float)
    partial = np.zeros_like(levels, dtype=float)
    positive = levels > 0
    if positive.any():
        z = (np.log(levels[positive] / p.asset_value_usd) - (p.drift - 0.5 * p.volatility**2) * p.years) / spread
        probability[positive] = special.ndtr(z)
        partial[positive] = p.asset_value_usd * math.exp(p.drift * p.years) * special.ndtr(z - spread)
    return probability, partial


def _outcomes(problem: LeverageProblem, ltv: np.ndarray, c: float, phi: float | str, how: str) -> dict[str, np.ndarray]:
    p = problem
    k = p.default_cost_fraction
    debt = ltv * p.asset_value_usd
    discount = math.exp(-p.risk_free_rate * p.years)
    annuity = _annuity(p.risk_free_rate, p.years)
    defaults, collateral_if_default = _below(p, debt)
    # The lenders' loss at the horizon before any guarantee: D - (1 - k) V_T when V_T < D.
    lenders_loss = np.maximum(debt * defaults - (1.0 - k) * collateral_if_default, 0.0)
    if how == "pro_rata":
        to_taxpayers = c * lenders_loss
    else:
        # Lenders first: the guarantor pays max(L - (1 - c) D, 0) = max(c D - (1 - k) V_T, 0) on
        # default, which is positive only while V_T < min(D, c D / (1 - k)).
        reach = debt if k >= 1.0 else np.minimum(debt, c * debt / (1.0 - k))
        p_reach, m_reach = _below(p, reach)
        to_taxpayers = np.clip(c * debt * p_reach - (1.0 - k) * m_reach, 0.0, lenders_loss)
    to_lenders = lenders_loss - to_taxpayers
    guaranteed = c * debt * annuity  # today's value of 1 a year on the guaranteed debt
    if isinstance(phi, str):  # risk-based: the fee's value covers the expected claims at each leverage
        fees = discount * to_taxpayers
        with np.errstate(divide="ignore", invalid="ignore"):
            rate_charged = np.where(guaranteed > 0, fees / np.where(guaranteed > 0, guaranteed, 1.0), 0.0)
    else:
        fees = phi * guaranteed
        rate_charged = np.full_like(debt, phi, dtype=float)
    advantage = p.debt_advantage * debt * annuity * (1.0 - defaults)
    default_cost = discount * k * collateral_if_default
    taxpayer_cost = discount * to_taxpayers - fees
    surplus = advantage - default_cost
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.where(debt > 0, discount * to_lenders / np.where(debt > 0, debt, 1.0) / annuity, 0.0)
    return {
        "ltv": ltv,
        "debt_usd": debt,
        "loan_rate": p.risk_free_rate + spread,
        "default_probability": defaults,
        "debt_advantage_usd": advantage,
        "default_cost_usd": default_cost,
        "expected_loss_usd": discount * lenders_loss,
        "lenders_expected_loss_usd": discount * to_lenders,
        "fee": rate_charged,
        "fee_income_usd": fees,
        "taxpayer_cost_usd": taxpayer_cost,
        "sponsor_payoff_usd": surplus + taxpayer_cost,
        "surplus_usd": surplus,
    }


def leverage_curve(
    problem: LeverageProblem,
    coverage: float = 0.0,
    fee: float | str = 0.0,
    structure: str = "pro_rata",
    ltv=None,
) -> pd.DataFrame:
    """The sponsor's payoff, the loan's rate and the taxpayers' expected cost at each leverage.

    For a loan-to-value ``l`` (debt ``D = l V``), with ``a = (1 - exp(-rT)) / r`` the value of 1 USD
    a year until the horizon, ``k`` the share of the collateral lost in default, and the lenders'
    loss ``L = D - (1 - k) V_T`` when ``V_T < D`` (zero otherwise):

    .. math::

        \\text{surplus} = w D a \\, P(V_T \\ge D) - e^{-rT} k \\, E[V_T; V_T < D],\\qquad
        \\text{taxpayers} = e^{-rT} E[L_{\\text{taxpayers}}] - \\varphi c D a,

    and the sponsor's payoff is their sum. It is the debt advantage, less the spread it pays the
    lenders for their share of ``L`` and the fees, plus the shortfall ``max(D - V_T, 0)`` that
    limited liability leaves with the lenders: the shortfall passes from the owners to the lenders
    and costs the economy nothing; only the share ``k`` of the collateral lost in default does. So
    whatever the taxpayers are expected to pay, the sponsor gains, on top of the surplus.

    Parameters
    ----------
    problem : LeverageProblem
        The collateral and the sponsor's debt advantage.
    coverage : float
        Share guaranteed, in [0, 1]; 0 means no guarantee.
    fee : float or str
        Yearly fee on the guaranteed debt, a fraction in [0, 1]; or ``"risk_based"``
        (:data:`FEE_RULES`): at each leverage, the fee whose value equals the expected claims.
    structure : str
        ``"pro_rata"`` (default) or ``"lenders_first"`` (see :func:`loss_waterfall`).
    ltv : array-like, optional
        Loan-to-value ratios, each in [0, ``problem.max_ltv``]; 91 evenly spaced by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``ltv``, ``debt_usd``, ``loan_rate``, ``default_probability``,
        ``debt_advantage_usd``, ``default_cost_usd``, ``expected_loss_usd`` (the lenders' whole
        expected loss before the guarantee), ``lenders_expected_loss_usd`` (after it), ``fee`` (the
        yearly rate charged), ``fee_income_usd``, ``taxpayer_cost_usd``, ``sponsor_payoff_usd`` and
        ``surplus_usd`` (values in today's USD).

    Examples
    --------
    >>> curve = leverage_curve(LeverageProblem(), coverage=0.8, ltv=[0.0, 0.5])
    >>> float(curve["taxpayer_cost_usd"].iloc[0]), bool(curve["taxpayer_cost_usd"].iloc[1] > 0)
    (0.0, True)
    >>> risk_based = leverage_curve(LeverageProblem(), coverage=0.8, fee="risk_based", ltv=[0.5])
    >>> bool(abs(risk_based["taxpayer_cost_usd"].iloc[0]) < 1e-3)
    True
    """
    _require_problem(problem)
    c, phi, how = _guarantee_terms(coverage, fee, structure)
    if ltv is None:
        ratios = np.linspace(0.0, problem.max_ltv, 91)
    else:
        ratios = np.atleast_1d(np.asarray(ltv, dtype=float))
        for value in ratios:
            check_number("ltv", float(value), 0.0, problem.max_ltv)
    return pd.DataFrame(_outcomes(problem, ratios, c, phi, how))


def optimal_leverage(
    problem: LeverageProblem, coverage: float = 0.0, fee: float | str = 0.0, structure: str = "pro_rata"
) -> LeverageChoice:
    """The loan-to-value that maximises the sponsor's payoff, with or without a guarantee.

    Without a guarantee the sponsor's payoff is the surplus of :func:`leverage_curve`: it borrows
    until one more dollar of debt adds as much expected cost of default as advantage,

    .. math::

        w a \\left[ P(V_T \\ge D) - D f(D) \\right] = e^{-rT} k \\, D f(D),

    with ``f`` the density of ``V_T``: the marginal dollar earns ``w a`` if the vehicle stays
    solvent, but it tips the vehicle into default a little more often, losing the advantage on the
    whole debt and a share ``k`` of the collateral. For the lognormal ``V_T`` the condition reads
    ``sigma sqrt(T) N(-z) / N'(z) = 1 + k exp(-rT) / (w a)``, with ``z`` the standardised log
    distance of the debt from the collateral's median, so the optimum is unique. A guarantee adds
    the taxpayers' expected cost to the payoff, which rises with the debt: unless the fee rises with
    it (``fee="risk_based"``), the sponsor borrows more. Found numerically (a grid of 2,001 points,
    then a bounded search around the best), for either structure; ties go to the smaller leverage.

    Parameters
    ----------
    problem, coverage, fee, structure
        As in :func:`leverage_curve`.

    Returns
    -------
    LeverageChoice

    Examples
    --------
    >>> without = optimal_leverage(LeverageProblem())
    >>> with_guarantee = optimal_leverage(LeverageProblem(), coverage=0.8)
    >>> with_guarantee.ltv > without.ltv
    True
    >>> round(optimal_leverage(LeverageProblem(), coverage=0.8, fee="risk_based").ltv - without.ltv, 6)
    0.0
    """
    _require_problem(problem)
    c, phi, how = _guarantee_terms(coverage, fee, structure)

    def payoff(x: np.ndarray) -> np.ndarray:
        return _outcomes(problem, x, c, phi, how)["sponsor_payoff_usd"]

    grid = np.linspace(0.0, problem.max_ltv, 2001)
    values = payoff(grid)
    best = int(np.argmax(values))
    chosen, chosen_value = float(grid[best]), float(values[best])
    low, high = grid[max(best - 1, 0)], grid[min(best + 1, grid.size - 1)]
    if high > low:
        found = optimize.minimize_scalar(lambda x: -float(payoff(np.array([x]))[0]), bounds=(low, high),
                                         method="bounded", options={"xatol": 1e-10})
        # Keep the refined point only if it is strictly better (ties stay at the smaller leverage).
        if found.success and -found.fun > chosen_value + 1e-12 * problem.asset_value_usd:
            chosen = float(found.x)
    row = _outcomes(problem, np.array([chosen]), c, phi, how)
    return LeverageChoice(
        ltv=chosen,
        debt_usd=float(row["debt_usd"][0]),
        loan_rate=float(row["loan_rate"][0]),
        default_probability=float(row["default_probability"][0]),
        sponsor_payoff_usd=float(row["sponsor_payoff_usd"][0]),
        taxpayer_cost_usd=float(row["taxpayer_cost_usd"][0]),
        surplus_usd=float(row["surplus_usd"][0]),
        default_cost_usd=float(row["default_cost_usd"][0]),
        coverage=c,
        fee=float(row["fee"][0]),
        structure=how,
    )


def _require_problem(problem: object) -> None:
    if not isinstance(problem, LeverageProblem):
        raise ValueError(f"problem={problem!r} is not a gpu_finance.LeverageProblem")


def design_comparison(
    problem: LeverageProblem, coverage: float = DEFAULT_COVERAGE, capped_coverage: float = 0.5
) -> pd.DataFrame:
    """Ways to design a guarantee, side by side: the leverage each leads to and who pays.

    Rows: no guarantee; the guarantee as asked for (``coverage`` pro rata, no fee); the same with a
    flat fee equal to the sponsor's debt advantage; with a risk-based fee that covers the expected
    claims at every leverage; with the lenders keeping the first loss (the guarantor pays last);
    with coverage capped at ``capped_coverage``; and with the loan-to-value the guarantee supports
    capped at what the sponsor would choose without it. For each, the sponsor chooses its leverage
    with :func:`optimal_leverage`.

    Returns
    -------
    pandas.DataFrame
        Columns ``design``, ``coverage``, ``fee`` (the yearly rate charged at the chosen leverage),
        ``structure``, ``ltv``, ``default_probability``, ``sponsor_payoff_usd``,
        ``taxpayer_cost_usd``, ``surplus_usd`` and ``value_lost_usd`` (the surplus lost against no
        guarantee: what the design's distortion destroys).

    Examples
    --------
    >>> table = design_comparison(LeverageProblem())
    >>> table["design"].iloc[0], float(table["value_lost_usd"].iloc[0])
    ('No guarantee', 0.0)
    """
    _require_problem(problem)
    c = check_fraction("coverage", coverage)
    capped = check_fraction("capped_coverage", capped_coverage)
    w = problem.debt_advantage
    designs = [
        ("No guarantee", 0.0, 0.0, "pro_rata"),
        ("As asked: pro rata, no fee", c, 0.0, "pro_rata"),
        ("Flat fee equal to the debt advantage", c, w, "pro_rata"),
        ("Risk-based fee", c, "risk_based", "pro_rata"),
        ("Lenders keep the first loss", c, 0.0, "lenders_first"),
        ("Coverage capped", capped, 0.0, "pro_rata"),
    ]
    rows = []
    for name, cov, phi, how in designs:
        choice = optimal_leverage(problem, cov, phi, how)
        rows.append((name, cov, choice.fee, how, choice.ltv, choice.default_probability,
                     choice.sponsor_payoff_usd, choice.taxpayer_cost_usd, choice.surplus_usd))
    # The guarantee supports no more debt than the sponsor would borrow without it.
    unguaranteed_ltv = rows[0][4]
    limit = problem.replace(max_ltv=unguaranteed_ltv) if unguaranteed_ltv > 0 else None
    choice = optimal_leverage(limit, c) if limit is not None else optimal_leverage(problem)
    rows.append(("Loan-to-value capped", c if limit is not None else 0.0, choice.fee, "pro_rata", choice.ltv,
                 choice.default_probability, choice.sponsor_payoff_usd, choice.taxpayer_cost_usd,
                 choice.surplus_usd))
    frame = pd.DataFrame(rows, columns=["design", "coverage", "fee", "structure", "ltv", "default_probability",
                                        "sponsor_payoff_usd", "taxpayer_cost_usd", "surplus_usd"])
    frame["value_lost_usd"] = frame["surplus_usd"].iloc[0] - frame["surplus_usd"]
    return frame


# ------------------------------------------------------------------------------------------------
# What was said, and history: the sourced data
# ------------------------------------------------------------------------------------------------
def backstop_quotes() -> pd.DataFrame:
    """What was said about a government backstop, exactly as sourced, in the order it was said.

    Returns
    -------
    pandas.DataFrame
        One row per quote: ``quote_id``, ``fact_id`` (the research note's id), ``date``,
        ``speaker``, ``role``, ``setting`` (our description, not a quote), ``quote`` (the words as
        the source gives them), ``bibkey``, ``source``, ``url`` and ``confidence``.

    Examples
    --------
    >>> backstop_quotes().set_index("quote_id").loc["friar-exactly", "quote"]
    'Exactly.'
    """
    quotes = load_dataset("backstop_quotes")
    return quotes.sort_values("order", ignore_index=True).drop(columns="order")


def backstop_history() -> pd.DataFrame:
    """Guarantees and backstops from history, with figures and sources, indexed by ``key``.

    Returns
    -------
    pandas.DataFrame
        Columns ``date``, ``event``, ``value``, ``unit``, ``bibkey``, ``source``, ``url`` and
        ``confidence``; ``value`` is empty for events without a figure.

    Examples
    --------
    >>> float(backstop_history().loc["solyndra_guarantee", "value"])
    535000000.0
    """
    return load_dataset("backstop_history").set_index("key")
