"""Moral hazard: how much a sponsor borrows, with and without a guarantee.

A sponsor chooses how much of the GPUs' cost to borrow, as in the trade-off theory of capital
structure (:class:`LeverageProblem`, :func:`leverage_curve`, :func:`optimal_leverage`): debt has
an advantage, lost if the vehicle defaults, and default destroys a share of the collateral's value
(:data:`gpu_finance.assumptions.DEFAULT_COST_OF_DEFAULT`). Lenders charge for the expected loss
they bear; a guarantee takes part of that loss off them (and off the rate) and hands it to the
taxpayers, so the sponsor borrows more and the taxpayers' expected cost exceeds the sponsor's gain.
:func:`design_comparison` sets ways to design a guarantee side by side.

The outcomes at every leverage come from the lognormal kernel of
:mod:`gpu_finance.backstop.merton`, evaluated on whole arrays of debts.

Money is in US dollars (USD); rates, drifts and volatilities are fractions per year; times are in
years.

References
----------
.. [1] A. Kraus and R. H. Litzenberger, "A state-preference model of optimal financial leverage",
   *Journal of Finance* 28 (1973) 911–922.
.. [2] L. A. Weiss, "Bankruptcy resolution: direct costs and violation of priority of claims",
   *Journal of Financial Economics* 27 (1990) 285–314.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._validation import DRIFT, FRACTION, HORIZON_YEARS, RISK_FREE_RATE, VOLATILITY, Range, check_choice
from ..assumptions import (
    DEFAULT_COVERAGE,
    DEFAULT_DEBT_ADVANTAGE,
    DEFAULT_HORIZON_YEARS,
    DEFAULT_RISK_FREE_RATE,
    DEFAULT_VOLATILITY,
    default_cost_of_default,
    default_drift,
)
from ..deal import colossus_2
from ..i18n import N_
from .merton import POSITIVE_USD, _annuity, lognormal_below
from .waterfall import STRUCTURES

__all__ = [
    "FEE_RULES",
    "LeverageProblem",
    "LeverageChoice",
    "leverage_curve",
    "optimal_leverage",
    "design_comparison",
]

# The most a sponsor can borrow, a fraction of the cost.
_MAX_LTV = Range(0.0, 1.0, low_closed=False)

#: Fees a guarantor can charge besides a flat yearly rate (see :func:`leverage_curve`).
FEE_RULES: dict[str, str] = {
    "risk_based": N_("Risk-based: at each leverage, the yearly fee whose value covers the expected claims"),
}

#: The parties that can absorb a loss, in the order of the waterfall's layers (keys of


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
    asset_value_usd : float, optional
        What the GPUs cost, in USD; greater than zero. Default (``None``): the prologue deal's cost,
        ``COLOSSUS_2.total_cost_usd``, looked up when the problem is made.
    volatility : float
        A fraction per year in (0, 2].
    drift : float, optional
        Real-world drift of the GPUs' value, a fraction per year in [-1, 1]. Default (``None``):
        the book's calibration, :data:`gpu_finance.assumptions.DEFAULT_DRIFT` (chapter 2's).
    risk_free_rate : float
        A fraction per year in [-0.05, 0.25].
    years : float
        Years until the debt is repaid from the collateral, in (0, 30].
    debt_advantage : float
        Value to the sponsor of a dollar of debt rather than equity, a fraction per year in [0, 1].
    max_ltv : float, optional
        The most the sponsor can borrow, a fraction of the cost in (0, 1]. Default (``None``): what
        the prologue deal allows once the chip vendor's equity is in, ``COLOSSUS_2.max_debt_share``.
    default_cost_fraction : float, optional
        Share of the collateral's value at the horizon lost if the vehicle defaults, a fraction in
        [0, 1]. Default (``None``): the book's assumption,
        :data:`gpu_finance.assumptions.DEFAULT_COST_OF_DEFAULT` (a forced-sale loss plus bankruptcy
        costs).

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

    asset_value_usd: float | None = None
    volatility: float = DEFAULT_VOLATILITY
    drift: float | None = None
    risk_free_rate: float = DEFAULT_RISK_FREE_RATE
    years: float = DEFAULT_HORIZON_YEARS
    debt_advantage: float = DEFAULT_DEBT_ADVANTAGE
    max_ltv: float | None = None
    default_cost_fraction: float | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        # The defaults that come from data or a solve are looked up now, not when the module loads.
        defaults = {"asset_value_usd": lambda: colossus_2().total_cost_usd, "drift": default_drift,
                    "max_ltv": lambda: colossus_2().max_debt_share, "default_cost_fraction": default_cost_of_default}
        for name, default in defaults.items():
            if getattr(self, name) is None:
                set_(self, name, default())
        set_(self, "asset_value_usd", POSITIVE_USD.check("asset_value_usd", self.asset_value_usd))
        set_(self, "volatility", VOLATILITY.check("volatility", self.volatility))
        set_(self, "drift", DRIFT.check("drift", self.drift))
        set_(self, "risk_free_rate", RISK_FREE_RATE.check("risk_free_rate", self.risk_free_rate))
        set_(self, "years", HORIZON_YEARS.check("years", self.years))
        set_(self, "debt_advantage", FRACTION.check("debt_advantage", self.debt_advantage))
        set_(self, "max_ltv", _MAX_LTV.check("max_ltv", self.max_ltv))
        set_(self, "default_cost_fraction", FRACTION.check("default_cost_fraction", self.default_cost_fraction))

    def replace(self, **changes) -> LeverageProblem:
        """A copy with some inputs changed, validated again."""
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
    c = FRACTION.check("coverage", coverage)
    if isinstance(fee, str):
        phi: float | str = check_choice("fee", fee, tuple(FEE_RULES))
    else:
        phi = FRACTION.check("fee", fee)
    how = check_choice("structure", structure, tuple(STRUCTURES))
    return c, phi, how


def _outcomes(problem: LeverageProblem, ltv: np.ndarray, c: float, phi: float | str, how: str) -> dict[str, np.ndarray]:
    p = problem
    k = p.default_cost_fraction
    debt = ltv * p.asset_value_usd
    discount = math.exp(-p.risk_free_rate * p.years)
    annuity = _annuity(p.risk_free_rate, p.years)
    defaults, collateral_if_default = lognormal_below(p.asset_value_usd, debt, p.volatility, p.drift, p.years)
    # The lenders' loss at the horizon before any guarantee: D - (1 - k) V_T when V_T < D.
    lenders_loss = np.maximum(debt * defaults - (1.0 - k) * collateral_if_default, 0.0)
    if how == "pro_rata":
        to_taxpayers = c * lenders_loss
    else:
        # Lenders first: the guarantor pays max(L - (1 - c) D, 0) = max(c D - (1 - k) V_T, 0) on
        # default, which is positive only while V_T < min(D, c D / (1 - k)).
        reach = debt if k >= 1.0 else np.minimum(debt, c * debt / (1.0 - k))
        p_reach, m_reach = lognormal_below(p.asset_value_usd, reach, p.volatility, p.drift, p.years)
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
            Range(0.0, problem.max_ltv).check("ltv", float(value))
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
        from scipy import optimize

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
    c = FRACTION.check("coverage", coverage)
    capped = FRACTION.check("capped_coverage", capped_coverage)
    w = problem.debt_advantage
    designs = [
        (N_("No guarantee"), 0.0, 0.0, "pro_rata"),
        (N_("As asked: pro rata, no fee"), c, 0.0, "pro_rata"),
        (N_("Flat fee equal to the debt advantage"), c, w, "pro_rata"),
        (N_("Risk-based fee"), c, "risk_based", "pro_rata"),
        (N_("Lenders keep the first loss"), c, 0.0, "lenders_first"),
        (N_("Coverage capped"), capped, 0.0, "pro_rata"),
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
    rows.append((N_("Loan-to-value capped"), c if limit is not None else 0.0, choice.fee, "pro_rata", choice.ltv,
                 choice.default_probability, choice.sponsor_payoff_usd, choice.taxpayer_cost_usd,
                 choice.surplus_usd))
    frame = pd.DataFrame(rows, columns=["design", "coverage", "fee", "structure", "ltv", "default_probability",
                                        "sponsor_payoff_usd", "taxpayer_cost_usd", "surplus_usd"])
    frame["value_lost_usd"] = frame["surplus_usd"].iloc[0] - frame["surplus_usd"]
    return frame


