"""Hypothesis strategies for random valid model inputs, shared by the test modules."""

from __future__ import annotations

from hypothesis import strategies as st

from gpu_finance import Deal

money = st.floats(min_value=1e6, max_value=1e11, allow_nan=False, allow_infinity=False)
fractions = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
rates = st.floats(min_value=0.0, max_value=0.5, allow_nan=False)
terms = st.integers(min_value=1, max_value=15)


@st.composite
def deals(draw) -> Deal:
    """A random valid deal: any size, any mix of debt and equity, any vendor stake, rate and terms."""
    total = draw(money)
    debt = total * draw(fractions)
    equity = total - debt
    return Deal(
        total_cost_usd=total,
        equity_usd=equity,
        debt_usd=debt,
        vendor_equity_usd=equity * draw(fractions),
        debt_rate=draw(rates),
        debt_term_years=draw(terms),
        lease_term_years=draw(terms),
        name="random",
    )


# ---------------------------------------------------------------- backstop (chapters 3 and 4)
@st.composite
def collateral(draw) -> tuple[float, float, float, float, float, float]:
    """Random valid collateral for a guarantee: (asset_value, debt_face, volatility,
    risk_free_rate, drift, years), with the debt from 5% to 300% of the collateral's value."""
    value = draw(money)
    debt = value * draw(st.floats(min_value=0.05, max_value=3.0))
    return (
        value,
        debt,
        draw(st.floats(min_value=0.05, max_value=1.0)),
        draw(st.floats(min_value=-0.05, max_value=0.25, allow_subnormal=False)),
        draw(st.floats(min_value=-0.8, max_value=0.3, allow_subnormal=False)),
        draw(st.floats(min_value=0.1, max_value=10.0)),
    )


@st.composite
def leverage_problems(draw):
    """A random valid sponsor's leverage problem (see gpu_finance.LeverageProblem)."""
    from gpu_finance import LeverageProblem

    return LeverageProblem(
        asset_value_usd=draw(st.floats(min_value=1e8, max_value=1e11)),
        volatility=draw(st.floats(min_value=0.1, max_value=0.8)),
        drift=draw(st.floats(min_value=-0.5, max_value=0.1, allow_subnormal=False)),
        risk_free_rate=draw(st.floats(min_value=0.0, max_value=0.1, allow_subnormal=False)),
        years=draw(st.floats(min_value=0.5, max_value=6.0)),
        # a borrowing advantage of at least 0.1% a year: below that the sponsor is all but
        # indifferent to leverage, and the optimum is a flat, ill-conditioned maximum
        debt_advantage=draw(st.floats(min_value=1e-3, max_value=0.15)),
        max_ltv=draw(st.floats(min_value=0.3, max_value=1.0)),
    )
# chapter 2: depreciation and collateral
from gpu_finance import METHODS  # noqa: E402

lives = st.integers(min_value=1, max_value=15)
methods = st.sampled_from(METHODS)
declines = st.floats(min_value=0.0, max_value=0.95, allow_nan=False)
steps = st.floats(min_value=0.0, max_value=0.9, allow_nan=False)
# ---------------------------------------------------------------- chapter 1 (the SPV)
target_returns = st.floats(min_value=0.0, max_value=0.6, allow_nan=False)
residuals = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
borrowing_rates = st.floats(min_value=0.0, max_value=0.4, allow_nan=False)


@st.composite
def funded_deals(draw, min_equity_share: float = 0.01) -> Deal:
    """A random valid deal with at least ``min_equity_share`` of equity (so its IRR is defined)."""
    deal = draw(deals())
    if deal.equity_share < min_equity_share:
        deal = deal.with_debt_share(1.0 - min_equity_share)
    return deal


# ---------------------------------------------------------------- closing chapter (scenario)
@st.composite
def scenarios(draw, residual_value_guarantee=None):
    """A random valid Scenario: any deal, lives, decline, volatility, sponsor behaviour and guarantee.

    ``residual_value_guarantee`` fixes that field (True or False); by default it is drawn too.
    """
    from gpu_finance import Scenario
    from gpu_finance.backstop import STRUCTURES

    guarantee = draw(st.booleans()) if residual_value_guarantee is None else residual_value_guarantee
    return Scenario(
        name="random",
        deal=draw(deals()),
        target_equity_return=draw(st.floats(min_value=0.0, max_value=0.5)),
        residual_value_fraction=draw(fractions),
        residual_value_guarantee=guarantee,
        vendor_gross_margin=draw(st.floats(min_value=0.0, max_value=0.95)),
        accounting_life_years=draw(lives),
        economic_life_years=draw(lives),
        annual_decline=draw(st.floats(min_value=0.0, max_value=0.6)),
        volatility=draw(st.floats(min_value=0.05, max_value=1.0)),
        liquidation_cost_fraction=draw(fractions),
        sponsor_default_rate=draw(fractions),
        walk_away_probability=draw(fractions),
        coverage=draw(fractions),
        structure=draw(st.sampled_from(sorted(STRUCTURES))),
        guarantee_fee=draw(st.floats(min_value=0.0, max_value=0.1)),
    )
