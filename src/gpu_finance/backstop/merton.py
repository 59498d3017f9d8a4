"""A guarantee is a put option (Merton, 1977): the closed forms of chapter 3.

The lenders are owed ``debt_face`` at a horizon ``years`` from now; the collateral (the GPUs) is
worth ``asset_value`` today and follows a geometric Brownian motion with a drift and a volatility.
If the collateral is worth less than the debt at the horizon, the guarantor pays ``coverage`` of
the shortfall. Today's value of that promise is a Black–Scholes put on the collateral struck at the
debt (:func:`guarantee_value`). Its price uses the *pricing-world* (risk-neutral) drift, the
risk-free rate; how often it is called and what it costs on average (:func:`default_probability`,
:func:`expected_loss`) use the *real-world* drift, the GPUs' expected loss of value to
obsolescence.

Every closed form here, and the sponsor's outcomes in :mod:`gpu_finance.backstop.leverage`, rest
on one vectorised kernel: the lognormal shortfall ``E[max(F - V_T, 0)]`` and its two parts
(:func:`_d1_d2`, :func:`lognormal_below`, :func:`_expected_shortfall`).

Money is in US dollars (USD); rates, drifts, volatilities and fees are fractions per year
(0.04 = 4%); shares are fractions; times are in years. Drifts and rates are continuously
compounded: a drift of ``m`` means the collateral is expected to be worth ``exp(m * years)`` times
its value today.

References
----------
.. [1] R. C. Merton, "An analytic derivation of the cost of deposit insurance and loan guarantees:
   an application of modern option pricing theory", *Journal of Banking & Finance* 1 (1977) 3–11.
.. [2] F. Black and M. Scholes, "The pricing of options and corporate liabilities", *Journal of
   Political Economy* 81 (1973) 637–654.
"""

from __future__ import annotations

import math

import numpy as np

from .._validation import DRIFT, FRACTION, HORIZON_YEARS, RISK_FREE_RATE, VOLATILITY, Range, check_fraction

__all__ = [
    "drift_from_annual_decline",
    "guarantee_value",
    "default_probability",
    "expected_loss",
    "fair_fee",
    "break_even_fee",
    "claimable_value",
]

#: An amount of money that must be greater than zero (a collateral's value), in USD.
POSITIVE_USD = Range(0.0, math.inf, low_closed=False)
#: An amount of money of zero or more (a debt), in USD.
USD = Range(0.0, math.inf)


def _annuity(rate: float, years: float) -> float:
    """Present value of 1 USD a year paid continuously for ``years`` at ``rate``:
    ``(1 - exp(-rate * years)) / rate``, and ``years`` at a zero rate."""
    x = rate * years
    if abs(x) < 1e-9:  # the series, exact to double precision (and safe for tiny rates)
        return years * (1.0 - x / 2.0)
    return -math.expm1(-x) / rate


def _d1_d2(asset_value, debt_face, volatility, growth, years):
    """The two standardised distances of Black–Scholes for a collateral growing at ``growth``.

    Vectorised: any argument may be an array (``debt_face`` greater than zero)."""
    spread = volatility * np.sqrt(years)  # sigma sqrt(T): the spread of ln(V_T) around its centre
    # d1 and d2 measure, in units of that spread, how far the collateral is expected to stay above the
    # debt; N(-d2) is then the chance that it ends below the debt (the guarantee is called).
    # -d2 is how far the debt lies above the collateral's median at T, ln(F/V) - (g - sigma^2/2) T.
    d2 = -(np.log(debt_face / asset_value) - (growth - 0.5 * volatility**2) * years) / spread
    return d2 + spread, d2


def lognormal_below(asset_value, debt_face, volatility, growth, years):
    """``P(V_T < F)`` and ``E[V_T; V_T < F]`` (USD, at the horizon) for ``V_T`` lognormal with
    ``E[V_T] = asset_value * exp(growth * years)``: the chance that the collateral ends below the
    debt, and what it is expected to be worth on exactly those paths.

    Vectorised (arrays broadcast); both are zero where ``debt_face`` is zero or less.
    """
    from scipy import special

    debt = np.asarray(debt_face, dtype=float)
    owed = debt > 0  # nothing is owed, so nothing can be short
    d1, d2 = _d1_d2(asset_value, np.where(owed, debt, 1.0), volatility, growth, years)
    forward = asset_value * np.exp(growth * years)  # E[V_T], the collateral's expected value at T
    return np.where(owed, special.ndtr(-d2), 0.0), np.where(owed, forward * special.ndtr(-d1), 0.0)


def _expected_shortfall(asset_value, debt_face, volatility, growth, years):
    """E[max(debt_face - V_T, 0)] for V_T lognormal with E[V_T] = asset_value * exp(growth * years).

    The heart of the chapter's closed forms: with ``growth`` the risk-free rate it is the put's
    payoff in the pricing world (discount it for the price); with the real-world drift, the
    expected shortfall the guarantor forecasts. A float for numbers, an array for arrays.
    """
    defaults, collateral_if_default = lognormal_below(asset_value, debt_face, volatility, growth, years)
    # F N(-d2): the debt, times the chance it is not covered; forward N(-d1): what the collateral is
    # expected to be worth on exactly those paths. Their difference is the average shortfall.
    shortfall = np.maximum(debt_face * defaults - collateral_if_default, 0.0)
    return float(shortfall) if shortfall.ndim == 0 else shortfall


def _closed_form_inputs(asset_value, debt_face, volatility, drift, years) -> tuple[float, ...]:
    """The checked ``(V, F, sigma, mu, T)`` of :func:`default_probability` and :func:`expected_loss`."""
    return (POSITIVE_USD.check("asset_value", asset_value), USD.check("debt_face", debt_face),
            VOLATILITY.check("volatility", volatility), DRIFT.check("drift", drift), HORIZON_YEARS.check("years", years))


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
    v, f = POSITIVE_USD.check("asset_value", asset_value), USD.check("debt_face", debt_face)
    s, r = VOLATILITY.check("volatility", volatility), RISK_FREE_RATE.check("risk_free_rate", risk_free_rate)
    t, c = HORIZON_YEARS.check("years", years), FRACTION.check("coverage", coverage)
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
    v, f, s, m, t = _closed_form_inputs(asset_value, debt_face, volatility, drift, years)
    return float(lognormal_below(v, f, s, m, t)[0])


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
    v, f, s, m, t = _closed_form_inputs(asset_value, debt_face, volatility, drift, years)
    c = FRACTION.check("coverage", coverage)
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
    f = POSITIVE_USD.check("debt_face", debt_face)
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
    f = POSITIVE_USD.check("debt_face", debt_face)
    r, t = RISK_FREE_RATE.check("risk_free_rate", risk_free_rate), HORIZON_YEARS.check("years", years)
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
    v, t = POSITIVE_USD.check("asset_value", asset_value), HORIZON_YEARS.check("years", years)
    q = FRACTION.check("payout_rate", payout_rate)
    return v * math.exp(-q * t)

