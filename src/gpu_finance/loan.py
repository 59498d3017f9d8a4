"""The loan that closed: an amortising loan protected first by the rent, then by the GPUs.

Chapter 3 prices a guarantee as a put on the collateral with a single repayment at one horizon
(:func:`gpu_finance.guarantee_value`): the cleanest way to see that a guarantee is an option. The
vehicles that closed borrowed differently. The debt amortises over the lease (chapter 1's
schedule, :func:`gpu_finance.debt_schedule`), and the lessee's rent pays each instalment. The
lenders have two protections:

1. **The rent.** As long as the lessee pays, every instalment arrives in full, whatever the GPUs
   are worth. The lease is a fixed-dollar claim on the lessee, not a share of a falling asset.
2. **The GPUs.** If the lessee stops paying, the lenders seize the GPUs and sell them, losing a
   forced-sale discount; they recover the smaller of what they are still owed and what the sale
   brings.

The model (a reduced-form default of the lessee, a structural value of the collateral):

* the lessee defaults at a random time ``tau`` with a constant yearly intensity ``lambda``
  (the probability of defaulting within a short time ``dt`` is ``lambda * dt``), independent of
  the GPUs' value;
* the GPUs' value ``V_t`` follows a geometric Brownian motion with volatility ``sigma``;
* at default the lenders are owed the balance ``B(tau)`` (the schedule's balance after the last
  instalment, with interest accrued since) and recover ``min(B(tau), (1 - h) V_tau)``.

Today's value to the lenders of the promised instalments ``P`` at years ``1 .. n`` is then

.. math::

    L = \\sum_{k=1}^{n} P e^{-(r+\\lambda) k}
        + \\int_0^n \\lambda e^{-(r+\\lambda) s}
          \\Big( B(s) - \\operatorname{E}\\big[\\max(B(s) - (1-h) V_s, 0)\\big] \\Big)\\, ds,

where the expectation is a Black–Scholes put (closed form) and the integral is computed by
Gauss–Legendre quadrature, year by year. :func:`break_even_loan_rate` solves ``L = D`` (the amount
lent) for the loan rate; :func:`implied_collateral_volatility` inverts it: the volatility of the
GPUs' value that a reported loan rate implies, as an option's price implies a volatility.

**The two drifts, made consistent.** In the pricing (risk-neutral) world an asset's value grows at
the risk-free rate less what it pays out: ``r - q``. A GPU pays out as rent a share ``q`` of its
market value (rent a new lessee would pay, at market prices). For a GPU expected to lose value at
the real-world drift ``mu``, investors hold it only if ``q`` makes up the difference plus a reward
for risk ``pi >= 0``: ``mu = r - q + pi``. So the pricing-world drift of the collateral is
``r - q = mu - pi``: never above the real-world drift. The book takes ``pi = 0`` by default (no
reward for bearing the GPUs' risk), which makes the pricing world's drift the real world's. The
vehicle's lease payment is a different thing: a contract with one lessee, fixed in dollars.

**Mean or median?** Chapter 2's calibration is a log-linear fit of prices over time. For a value
following a geometric Brownian motion the slope of ``ln V`` is ``mu - sigma**2 / 2``: the drift of
the *median* path, not of the mean. The book's convention (``drift_convention="mean"``, chapter 3)
takes the calibrated fall as the expected path, the mean; ``drift_convention="median"`` reads the
same number as the median's drift, so the mean drift is ``drift + sigma**2 / 2``. The two differ
little at low volatility and a lot at high volatility.

Money is in US dollars (USD); rates, intensities, drifts and volatilities are fractions per year;
the loan rate is compounded yearly (instalments are yearly), the risk-free rate continuously.

References
----------
.. [1] D. Lando, *Credit Risk Modeling: Theory and Applications*, Princeton University Press,
   2004 (chapter 5: intensity models of default).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import assumptions
from ._lazy import lazy_constants
from ._validation import DRIFT, FRACTION, RATE, RISK_FREE_RATE, Range, check_choice, check_fraction
from .assumptions import DEFAULT_RISK_FREE_RATE, default_drift
from .backstop.merton import lognormal_below
from .datasets import fact
from .deal import Deal, annuity_payment, check_deal, colossus_2
from .depreciation import decline_cases

__all__ = [
    "REPORTED_LOAN_RATE",
    "LESSEE_RECOVERY_CONVENTION",
    "DEFAULT_LESSEE_DEFAULT_INTENSITY",
    "DEFAULT_FORCED_SALE_LOSS",
    "CALIBRATED_VOLATILITY",
    "CALIBRATED_LESSEE_DEFAULT_PROBABILITY",
    "DRIFT_CONVENTIONS",
    "LoanValuation",
    "lessee_default_intensity",
    "amortising_loan_value",
    "break_even_loan_rate",
    "implied_collateral_volatility",
    "decline_sensitivity",
]

#: The only rate reported for the xAI vehicles' debt: 9.5% a year on Apollo's second loan (one
#: relay of The Information; ``deal_facts.csv``, ``colossus2.debt_rate``). A fraction per year,
#: read on first use.
REPORTED_LOAN_RATE: float

#: The share of a defaulted bond's value that markets conventionally assume is recovered when they
#: turn a credit spread into a default intensity (the convention of credit-default-swap quotes on
#: senior unsecured debt). An assumption of this book, a fraction.
LESSEE_RECOVERY_CONVENTION: float = 0.4

#: The share of the GPUs' market value lost when the lenders seize and sell them: chapter 2's
#: assumed forced-sale loss (``depreciation_facts.csv``, ``chapter2.liquidation_cost_fraction``),
#: read on first use.
DEFAULT_FORCED_SALE_LOSS: float

# The loan's volatility stops short of zero (the implied volatility is searched between the ends).
_VOLATILITY = Range(1e-4, 2.0)
_INTENSITY = Range(0.0, 2.0)
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(48)


def lessee_default_intensity(
    yield_: float, risk_free_rate: float = DEFAULT_RISK_FREE_RATE, recovery: float = LESSEE_RECOVERY_CONVENTION
) -> float:
    """The yearly default intensity a borrower's bond yield implies: the "credit triangle".

    A bond that loses ``1 - recovery`` of its value at default, with default arriving at intensity
    ``lambda``, must pay ``lambda * (1 - recovery)`` a year above the risk-free rate. So

    .. math:: \\lambda = \\frac{\\ln(1 + y) - r}{1 - R}.

    Parameters
    ----------
    yield_ : float
        The borrower's yearly yield (compounded yearly), a fraction in [0, 1).
    risk_free_rate : float
        Continuously compounded, a fraction per year in [-0.05, 0.25].
    recovery : float
        The share recovered at default, a fraction in [0, 1).

    Returns
    -------
    float
        The default intensity, a fraction per year (zero if the yield is at or below the risk-free
        rate).

    Examples
    --------
    >>> round(lessee_default_intensity(math.expm1(0.10), 0.04, 0.4), 12)
    0.1
    """
    y = RATE.check("yield_", yield_)
    r = RISK_FREE_RATE.check("risk_free_rate", risk_free_rate)
    recovered = check_fraction("recovery", recovery, one_allowed=False)
    return max(math.log1p(y) - r, 0.0) / (1.0 - recovered)


#: The lessee's default intensity, a fraction per year: the credit triangle
#: (:func:`lessee_default_intensity`) applied to the 12.5% coupon of xAI's own senior secured notes
#: (``deal_facts.csv``, ``xai.secured_notes_rate``, read in SpaceX's 10-Q), taken as their yield, with the conventional
#: recovery :data:`LESSEE_RECOVERY_CONVENTION`. An assumption of this book: the lessee is an xAI
#: subsidiary, and xAI's own debt is the closest priced credit. Computed on first use.
DEFAULT_LESSEE_DEFAULT_INTENSITY: float

#: The same default intensity as a probability of default within each year:
#: ``1 - exp(-DEFAULT_LESSEE_DEFAULT_INTENSITY)``, the closing chapter's ``sponsor_default_rate``.
#: Computed on first use.
CALIBRATED_LESSEE_DEFAULT_PROBABILITY: float


@functools.cache
def reported_loan_rate() -> float:
    """:data:`REPORTED_LOAN_RATE`, read once."""
    return fact("colossus2.debt_rate")


@functools.cache
def default_lessee_default_intensity() -> float:
    """:data:`DEFAULT_LESSEE_DEFAULT_INTENSITY`, computed once."""
    return lessee_default_intensity(fact("xai.secured_notes_rate"))


@functools.cache
def calibrated_lessee_default_probability() -> float:
    """:data:`CALIBRATED_LESSEE_DEFAULT_PROBABILITY`, computed once."""
    return -math.expm1(-default_lessee_default_intensity())


@dataclass(frozen=True)
class LoanValuation:
    """What an amortising GPU loan is worth to its lenders, and what it may cost them.

    Attributes
    ----------
    loan_rate : float
        The loan's yearly rate (compounded yearly), a fraction.
    amount_usd : float
        What was lent, in USD.
    instalment_usd : float
        The level yearly instalment (interest and principal), in USD.
    value_usd : float
        Today's value to the lenders of the promised instalments, in the pricing world, counting
        the guarantee's payments if ``coverage > 0``, in USD. At the break-even rate it equals
        ``amount_usd``.
    riskless_value_usd : float
        The same instalments discounted at the risk-free rate, as if nobody could default, in USD.
    guarantee_value_usd : float
        Today's price of the guarantee of ``coverage`` of the lenders' loss (pricing world), in USD.
    expected_loss_usd : float
        The lenders' expected loss in the real world (before any guarantee), discounted at the
        risk-free rate, in USD.
    probability_of_loss : float
        Real-world probability that the lessee defaults before the loan is repaid *and* the sale
        of the GPUs does not cover the balance.
    probability_of_lessee_default : float
        Probability that the lessee defaults before the loan is repaid: ``1 - exp(-lambda n)``.
    """

    loan_rate: float
    amount_usd: float
    instalment_usd: float
    value_usd: float
    riskless_value_usd: float
    guarantee_value_usd: float
    expected_loss_usd: float
    probability_of_loss: float
    probability_of_lessee_default: float


def _schedule(amount: float, rate: float, years: int) -> tuple[float, np.ndarray]:
    """The level instalment (:func:`gpu_finance.annuity_payment`) and the balances after
    0 .. years-1 instalments."""
    instalment = annuity_payment(amount, rate, years)
    k = np.arange(years)
    growth = (1.0 + rate) ** k
    balances = amount * growth - (instalment * k if rate == 0.0 else instalment * (growth - 1.0) / rate)
    return instalment, np.maximum(balances, 0.0)


def _shortfall(owed: np.ndarray, proceeds: float, volatility: float, drift: float, times: np.ndarray):
    """E[max(owed - X, 0)] and P(X < owed) for X lognormal with mean ``proceeds * exp(drift * times)``:
    the lenders' loss on a forced sale at each time, and its probability (the lognormal kernel of
    :mod:`gpu_finance.backstop.merton`)."""
    if not proceeds > 0:  # nothing to sell (a total forced-sale loss): the whole balance is short
        return owed.copy(), np.ones_like(owed)
    below, sold_if_short = lognormal_below(proceeds, owed, volatility, drift, times)
    return np.maximum(owed * below - sold_if_short, 0.0), below


def _integrals(amount, value, rate, years, volatility, drift, intensity, discount_rate, haircut):
    """Sum over the years of the quadrature of: the recovery value, the loss, the probability of
    loss, each weighted by the density of default ``lambda exp(-lambda s)`` and discounted at
    ``discount_rate``."""
    instalment, balances = _schedule(amount, rate, years)
    loss = probability = owed_value = 0.0
    for year in range(years):
        s = year + 0.5 * (_NODES + 1.0)
        weight = 0.5 * _WEIGHTS * intensity * np.exp(-intensity * s)
        owed = balances[year] * (1.0 + rate) ** (s - year)
        put, below = _shortfall(owed, (1.0 - haircut) * value, volatility, drift, s)
        discount = np.exp(-discount_rate * s)
        owed_value += float(np.sum(weight * discount * owed))
        loss += float(np.sum(weight * discount * put))
        probability += float(np.sum(weight * below))
    return instalment, owed_value, loss, probability


DRIFT_CONVENTIONS: dict[str, str] = {
    "mean": "the drift is the expected (mean) path's: E[V_t] = V exp(drift * t)",
    "median": "the drift is the median path's, as a log-linear fit of prices measures it: "
              "the mean drift is drift + volatility**2 / 2",
}


def _mean_drift(drift: float, volatility: float, convention: str) -> float:
    return drift + 0.5 * volatility**2 if convention == "median" else drift


def _check_inputs(deal, volatility, drift, default_intensity, risk_free_rate, forced_sale_loss, risk_premium, coverage):
    """The checked ``(deal, sigma, mu, lambda, r, h, pi, c)``, with the book's defaults for ``None``
    (the prologue's deal, the calibrated drift, the lessee's default intensity, the forced-sale loss)."""
    deal = check_deal(colossus_2() if deal is None else deal)
    if deal.debt_usd <= 0:
        raise ValueError(f"deal.debt_usd={deal.debt_usd!r} must be greater than zero: there is no loan to value")
    sigma = _VOLATILITY.check("volatility", volatility)
    mu = DRIFT.check("drift", default_drift() if drift is None else drift)
    lam = _INTENSITY.check("default_intensity",
                           default_lessee_default_intensity() if default_intensity is None else default_intensity)
    r = RISK_FREE_RATE.check("risk_free_rate", risk_free_rate)
    h = FRACTION.check("forced_sale_loss",
                       assumptions.forced_sale_loss() if forced_sale_loss is None else forced_sale_loss)
    pi = FRACTION.check("risk_premium", risk_premium)
    c = FRACTION.check("coverage", coverage)
    return deal, sigma, mu, lam, r, h, pi, c


def _lenders_value(instalment, owed_value, loss, years, lam, r, c) -> float:
    """The instalments paid while the lessee survives, plus what is owed at default, less the part
    of the loss the guarantee does not cover: the lenders' pricing-world value, in USD."""
    paid = instalment * float(np.sum(np.exp(-(r + lam) * np.arange(1, years + 1))))
    return paid + owed_value - (1.0 - c) * loss


def _value(deal: Deal, rate: float, sigma, mu, lam, r, h, pi, c) -> float:
    """Lenders' pricing-world value (guarantee included) of the promised instalments, in USD."""
    years = deal.debt_term_years
    instalment, owed_value, loss, _ = _integrals(
        deal.debt_usd, deal.total_cost_usd, rate, years, sigma, mu - pi, lam, r, h
    )
    return _lenders_value(instalment, owed_value, loss, years, lam, r, c)


def amortising_loan_value(
    loan_rate: float,
    deal: Deal | None = None,
    *,
    volatility: float,
    drift: float | None = None,
    default_intensity: float | None = None,
    risk_free_rate: float = DEFAULT_RISK_FREE_RATE,
    forced_sale_loss: float | None = None,
    risk_premium: float = 0.0,
    coverage: float = 0.0,
    drift_convention: str = "mean",
) -> LoanValuation:
    """Value the vehicle's amortising loan: the rent first, the GPUs second.

    The loan is ``deal.debt_usd`` repaid in level yearly instalments over ``deal.debt_term_years``
    at ``loan_rate`` (chapter 1's schedule); the GPUs cost ``deal.total_cost_usd`` today. See the
    module's description for the model.

    Parameters
    ----------
    loan_rate : float
        The loan's yearly rate, compounded yearly, a fraction in [0, 1).
    deal : Deal, optional
        The vehicle (cost of the GPUs, debt, debt term); default (``None``): the prologue's deal,
        :data:`gpu_finance.COLOSSUS_2`.
    volatility : float
        ``sigma``: volatility of the GPUs' value, a fraction per year in [0.0001, 2].
    drift : float, optional
        ``mu``: the real-world drift of the GPUs' value, continuously compounded, a fraction per
        year in [-1, 1]; default (``None``): the book's calibration, chapter 2's
        (:data:`gpu_finance.DEFAULT_DRIFT`).
    default_intensity : float, optional
        ``lambda``: the lessee's yearly default intensity, in [0, 2] (same in both worlds: it is
        read off a market price); default (``None``): :data:`DEFAULT_LESSEE_DEFAULT_INTENSITY`.
    risk_free_rate : float
        ``r``: continuously compounded, a fraction per year in [-0.05, 0.25].
    forced_sale_loss : float, optional
        ``h``: share of the GPUs' market value lost in a forced sale, a fraction in [0, 1];
        default (``None``): chapter 2's assumption, :data:`DEFAULT_FORCED_SALE_LOSS`.
    risk_premium : float
        ``pi``: the reward investors demand for bearing the GPUs' risk, a fraction per year in
        [0, 1]; the pricing world's drift is ``drift - risk_premium``.
    coverage : float
        Share of the lenders' loss a guarantor pays, a fraction in [0, 1].
    drift_convention : str
        ``"mean"`` (the book's convention) or ``"median"``: which path ``drift`` describes (see
        :data:`DRIFT_CONVENTIONS`).

    Returns
    -------
    LoanValuation

    Examples
    --------
    A lessee that cannot default leaves the lenders a riskless loan:

    >>> from gpu_finance import Deal
    >>> deal = Deal(100.0, 40.0, 60.0, 0.0, 0.05, 5, 5)
    >>> v = amortising_loan_value(math.expm1(0.04), deal, volatility=0.5, default_intensity=0.0)
    >>> round(v.value_usd, 9), v.expected_loss_usd
    (60.0, 0.0)
    """
    rate = RATE.check("loan_rate", loan_rate)
    deal, sigma, mu, lam, r, h, pi, c = _check_inputs(
        deal, volatility, drift, default_intensity, risk_free_rate, forced_sale_loss, risk_premium, coverage
    )
    mu = _mean_drift(mu, sigma, check_choice("drift_convention", drift_convention, tuple(DRIFT_CONVENTIONS)))
    years = deal.debt_term_years
    instalment, owed_value, loss_q, probability = _integrals(
        deal.debt_usd, deal.total_cost_usd, rate, years, sigma, mu - pi, lam, r, h
    )
    loss_p = loss_q
    if pi != 0.0:  # the real world differs from the pricing world only through the reward for risk
        _, _, loss_p, probability = _integrals(deal.debt_usd, deal.total_cost_usd, rate, years, sigma, mu, lam, r, h)
    riskless = instalment * float(np.sum(np.exp(-r * np.arange(1, years + 1))))
    return LoanValuation(
        loan_rate=rate,
        amount_usd=deal.debt_usd,
        instalment_usd=instalment,
        value_usd=_lenders_value(instalment, owed_value, loss_q, years, lam, r, c),
        riskless_value_usd=riskless,
        guarantee_value_usd=c * loss_q,
        expected_loss_usd=loss_p,
        probability_of_loss=min(max(probability, 0.0), 1.0),
        probability_of_lessee_default=-math.expm1(-lam * years),
    )


def _solve_rate(deal, sigma, mu, lam, r, h, pi, c) -> float:
    amount = deal.debt_usd
    floor = math.expm1(r) if r > 0 else 0.0
    gap = lambda rate: _value(deal, rate, sigma, mu, lam, r, h, pi, c) - amount  # noqa: E731
    if gap(floor) >= -1e-9 * amount:
        return floor
    top = 0.99
    if gap(top) < 0:
        raise ValueError(
            f"no loan rate below {top:.0%} a year repays the lenders' expected losses for volatility={sigma!r}, "
            f"default_intensity={lam!r}"
        )
    from scipy import optimize

    return float(optimize.brentq(gap, floor, top, xtol=1e-13, rtol=1e-13))


def break_even_loan_rate(
    deal: Deal | None = None,
    *,
    volatility: float,
    drift: float | None = None,
    default_intensity: float | None = None,
    risk_free_rate: float = DEFAULT_RISK_FREE_RATE,
    forced_sale_loss: float | None = None,
    risk_premium: float = 0.0,
    coverage: float = 0.0,
    drift_convention: str = "mean",
) -> float:
    """The yearly loan rate at which the lenders' pricing-world value of the promised instalments
    equals the amount lent.

    Below it, lenders expect to lose money; a competitive lender charges at least this. With no
    risk of loss it is the risk-free rate written as a yearly rate, ``exp(r) - 1``. Parameters are
    as for :func:`amortising_loan_value`.

    Returns
    -------
    float
        The rate, compounded yearly, a fraction per year.

    Raises
    ------
    ValueError
        If no rate below 99% a year is enough.

    Examples
    --------
    If the GPUs are lost entirely at default, only the rent protects the lenders, and the rate is
    the risk-free rate plus the intensity of default (a closed form):

    >>> from gpu_finance import Deal
    >>> deal = Deal(100.0, 40.0, 60.0, 0.0, 0.05, 5, 5)
    >>> rate = break_even_loan_rate(deal, volatility=0.5, default_intensity=0.06, forced_sale_loss=1.0,
    ...                             risk_free_rate=0.04)
    >>> round(rate - math.expm1(0.10), 9)
    0.0
    """
    deal, sigma, mu, lam, r, h, pi, c = _check_inputs(
        deal, volatility, drift, default_intensity, risk_free_rate, forced_sale_loss, risk_premium, coverage
    )
    mu = _mean_drift(mu, sigma, check_choice("drift_convention", drift_convention, tuple(DRIFT_CONVENTIONS)))
    return _cached_rate(deal, sigma, mu, lam, r, h, pi, c)


@functools.lru_cache(maxsize=4096)
def _cached_rate(deal, sigma, mu, lam, r, h, pi, c) -> float:
    return _solve_rate(deal, sigma, mu, lam, r, h, pi, c)


def implied_collateral_volatility(
    loan_rate: float,
    deal: Deal | None = None,
    *,
    drift: float | None = None,
    default_intensity: float | None = None,
    risk_free_rate: float = DEFAULT_RISK_FREE_RATE,
    forced_sale_loss: float | None = None,
    risk_premium: float = 0.0,
    drift_convention: str = "mean",
) -> float:
    """The volatility of the GPUs' value that makes ``loan_rate`` the break-even rate.

    Like an option's implied volatility: the one input of :func:`break_even_loan_rate` nobody
    observes, backed out of a price somebody paid. Other parameters as for
    :func:`amortising_loan_value`.

    Parameters
    ----------
    loan_rate : float
        A loan rate, compounded yearly, a fraction per year; at least the risk-free rate.

    Returns
    -------
    float
        The volatility, a fraction per year in [0.0001, 2].

    Raises
    ------
    ValueError
        Naming ``loan_rate`` if it is below the risk-free rate, or outside the range of rates any
        volatility in [0.0001, 2] gives.

    Examples
    --------
    >>> rate = break_even_loan_rate(volatility=0.5)
    >>> round(implied_collateral_volatility(rate), 6)
    0.5
    """
    rate = RATE.check("loan_rate", loan_rate)
    deal, _, mu, lam, r, h, pi, _ = _check_inputs(
        deal, 0.5, drift, default_intensity, risk_free_rate, forced_sale_loss, risk_premium, 0.0
    )
    convention = check_choice("drift_convention", drift_convention, tuple(DRIFT_CONVENTIONS))

    def rate_at(sigma: float) -> float:
        return _cached_rate(deal, sigma, _mean_drift(mu, sigma, convention), lam, r, h, pi, 0.0)

    floor = math.expm1(r) if r > 0 else 0.0
    if rate < floor:
        raise ValueError(
            f"loan_rate={loan_rate!r} is below the risk-free rate ({floor:.4%} a year, compounded yearly): "
            "no volatility makes lending at it break even"
        )
    least, most = _VOLATILITY.low, _VOLATILITY.high
    low, high = rate_at(least), rate_at(most)
    if not low <= rate <= high:
        raise ValueError(
            f"loan_rate={loan_rate!r} is outside [{low:.4%}, {high:.4%}], the break-even rates of volatilities "
            f"from {least} to {most} a year for these inputs"
        )
    from scipy import optimize

    gap = lambda s: rate_at(s) - rate  # noqa: E731
    return float(optimize.brentq(gap, least, most, xtol=1e-10, rtol=1e-12))


#: The volatility of the GPUs' value implied by the reported 9.5% loan rate
#: (:func:`implied_collateral_volatility` of :data:`REPORTED_LOAN_RATE` for the prologue's deal,
#: with the default drift, default intensity and forced-sale loss), rounded to two significant
#: digits: the volatility of chapter 3's calibrated base case, a fraction per year. Solved on
#: first use.
CALIBRATED_VOLATILITY: float


@functools.cache
def calibrated_volatility() -> float:
    """:data:`CALIBRATED_VOLATILITY`, solved once."""
    return float(f"{implied_collateral_volatility(reported_loan_rate()):.2g}")


__getattr__ = lazy_constants(
    globals(),
    REPORTED_LOAN_RATE=reported_loan_rate,
    DEFAULT_FORCED_SALE_LOSS=assumptions.forced_sale_loss,
    DEFAULT_LESSEE_DEFAULT_INTENSITY=default_lessee_default_intensity,
    CALIBRATED_LESSEE_DEFAULT_PROBABILITY=calibrated_lessee_default_probability,
    CALIBRATED_VOLATILITY=calibrated_volatility,
)


def decline_sensitivity(
    estimate,
    deal: Deal | None = None,
    *,
    volatility: float | None = None,
    loan_rate: float | None = None,
    coverage: float = 0.8,
) -> pd.DataFrame:
    """What the low and high ends of the calibrated decline change in the loan's base case.

    Parameters
    ----------
    estimate : DeclineEstimate
        Chapter 2's calibration with its interval (:func:`gpu_finance.calibrated_decline`).
    deal : Deal, optional
        The vehicle; default (``None``): the prologue's deal, :data:`gpu_finance.COLOSSUS_2`.
    volatility : float, optional
        The GPUs' volatility for the break-even rate, the loss and the guarantee, a fraction per
        year; default (``None``): the book's calibration, :data:`CALIBRATED_VOLATILITY`.
    loan_rate : float, optional
        The rate at which the probability of loss, the expected loss and the guarantee are valued,
        and whose implied volatility is shown; default (``None``): :data:`REPORTED_LOAN_RATE`.
    coverage : float
        Share of the lenders' loss a guarantee would pay, for its value.

    Returns
    -------
    pandas.DataFrame
        One row per end of the interval and the estimate (``case``: ``"low"``, ``"estimate"``,
        ``"high"``), with ``annual_decline`` and ``drift`` (fractions per year),
        ``break_even_rate`` (at ``volatility``), ``implied_volatility`` (of ``loan_rate``),
        ``probability_of_loss``, ``expected_loss_usd`` and ``guarantee_value_usd``.
    """
    volatility = calibrated_volatility() if volatility is None else volatility
    loan_rate = reported_loan_rate() if loan_rate is None else loan_rate
    rows = []
    for case, decline in decline_cases(estimate, -1.0, 1.0, high_closed=False):
        drift = math.log1p(-decline)
        valued = amortising_loan_value(loan_rate, deal, volatility=volatility, drift=drift, coverage=coverage)
        rows.append({
            "case": case,
            "annual_decline": decline,
            "drift": drift,
            "break_even_rate": break_even_loan_rate(deal, volatility=volatility, drift=drift),
            "implied_volatility": implied_collateral_volatility(loan_rate, deal, drift=drift),
            "probability_of_loss": valued.probability_of_loss,
            "expected_loss_usd": valued.expected_loss_usd,
            "guarantee_value_usd": valued.guarantee_value_usd,
        })
    return pd.DataFrame(rows)
