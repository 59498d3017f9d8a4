"""The backstop model: the guarantee against an independent Black–Scholes put (scipy), closed forms
against numerical integration and simulation, the loss waterfall's accounting and order, and the
sponsor's choice of leverage with and without a guarantee."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import integrate, optimize, stats

import gpu_finance as g
from gpu_finance import (
    COLOSSUS_2,
    DEFAULT_DRIFT,
    Deal,
    LeverageProblem,
    backstop_assumptions,
    backstop_history,
    backstop_quotes,
    break_even_fee,
    claimable_value,
    closed_form_vs_monte_carlo,
    default_probability,
    design_comparison,
    drift_from_annual_decline,
    expected_loss,
    expected_loss_by_party,
    fair_fee,
    guarantee_value,
    leverage_curve,
    loss_distribution,
    loss_waterfall,
    monte_carlo_guarantee,
    optimal_leverage,
    path_summary,
    simulate_asset_paths,
    waterfall_scenarios,
)

from .strategies import collateral, deals, leverage_problems
from gpu_finance import LIQUIDATION_COST_FRACTION  # noqa: E402


# ------------------------------------------------------------------------------- an independent reference
def reference_put(spot, strike, sigma, rate, years):
    """Black–Scholes European put, written out from the textbook with scipy.stats.norm."""
    d1 = (math.log(spot / strike) + (rate + sigma**2 / 2) * years) / (sigma * math.sqrt(years))
    d2 = d1 - sigma * math.sqrt(years)
    return strike * math.exp(-rate * years) * stats.norm.cdf(-d2) - spot * stats.norm.cdf(-d1)


def reference_call(spot, strike, sigma, rate, years):
    d1 = (math.log(spot / strike) + (rate + sigma**2 / 2) * years) / (sigma * math.sqrt(years))
    d2 = d1 - sigma * math.sqrt(years)
    return spot * stats.norm.cdf(d1) - strike * math.exp(-rate * years) * stats.norm.cdf(d2)


def lognormal_at_horizon(value, sigma, drift, years):
    """The law of V_T for a geometric Brownian motion, as a scipy distribution."""
    return stats.lognorm(s=sigma * math.sqrt(years), scale=value * math.exp((drift - sigma**2 / 2) * years))


# ------------------------------------------------------------------------------- guarantee_value
def test_textbook_put():
    # Hull, Options, Futures and Other Derivatives: S=42, K=40, r=10%, sigma=20%, T=0.5 gives p = 0.81
    assert guarantee_value(42, 40, 0.2, 0.10, 0.5) == pytest.approx(0.8086, abs=1e-4)


@settings(max_examples=200, deadline=None)
@given(collateral(), st.floats(0.0, 1.0, allow_subnormal=False))
def test_guarantee_value_is_coverage_times_an_independent_black_scholes_put(inputs, coverage):
    value, debt, sigma, rate, _drift, years = inputs
    reference = reference_put(value, debt, sigma, rate, years)
    assume(reference > 1e-6 * debt)  # below that, both are rounding noise around zero
    assert_allclose(guarantee_value(value, debt, sigma, rate, years), reference, rtol=1e-9)
    assert_allclose(guarantee_value(value, debt, sigma, rate, years, coverage), coverage * reference, rtol=1e-9)


@settings(max_examples=100, deadline=None)
@given(collateral())
def test_put_call_parity(inputs):
    value, debt, sigma, rate, _drift, years = inputs
    put = guarantee_value(value, debt, sigma, rate, years)
    call = reference_call(value, debt, sigma, rate, years)
    assert_allclose(put, call - value + debt * math.exp(-rate * years), rtol=1e-8, atol=1e-9 * debt)


@settings(max_examples=150, deadline=None)
@given(collateral(), st.floats(1.05, 3.0))
def test_guarantee_rises_with_volatility_and_with_debt(inputs, factor):
    value, debt, sigma, rate, _drift, years = inputs
    base = guarantee_value(value, debt, sigma, rate, years)
    riskier = guarantee_value(value, debt, min(sigma * factor, 2.0), rate, years)
    bigger = guarantee_value(value, debt * factor, sigma, rate, years)
    # never lower, to rounding: deep in the money both equal F e^(-rT) - V to the last bit or so
    slack = 1e-12 * debt
    assert riskier >= base - slack and bigger >= base - slack
    # strictly, wherever the textbook sensitivities (vega and the strike delta) are not negligible
    d1 = (math.log(value / debt) + (rate + sigma**2 / 2) * years) / (sigma * math.sqrt(years))
    vega = value * stats.norm.pdf(d1) * math.sqrt(years)
    strike_delta = math.exp(-rate * years) * stats.norm.cdf(-(d1 - sigma * math.sqrt(years)))
    if vega * (min(sigma * factor, 2.0) - sigma) > 1e-6 * debt:
        assert riskier > base
    if strike_delta * (factor - 1) * debt > 1e-6 * debt:
        assert bigger > base


def test_guarantee_on_no_debt_is_worth_nothing():
    assert guarantee_value(100, 0, 0.3, 0.04, 2) == 0.0
    assert expected_loss(100, 0, 0.3, -0.2, 2) == 0.0
    assert default_probability(100, 0, 0.3, -0.2, 2) == 0.0


# ------------------------------------------------------------------------------- real-world closed forms
@settings(max_examples=100, deadline=None)
@given(collateral())
def test_default_probability_is_the_lognormal_cdf_at_the_debt(inputs):
    value, debt, sigma, _rate, drift, years = inputs
    expected = lognormal_at_horizon(value, sigma, drift, years).cdf(debt)
    assert_allclose(default_probability(value, debt, sigma, drift, years), expected, rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("value, debt, sigma, drift, years", [
    (20e9, 12.5e9, 0.35, -0.20, 3.0),
    (100.0, 80.0, 0.25, 0.05, 1.0),
    (100.0, 150.0, 0.6, -0.4, 5.0),
    (1.0, 0.3, 0.15, 0.0, 0.5),
])
def test_expected_loss_matches_numerical_integration(value, debt, sigma, drift, years):
    law = lognormal_at_horizon(value, sigma, drift, years)
    integral, _ = integrate.quad(lambda v: (debt - v) * law.pdf(v), 0.0, debt, limit=200)
    assert_allclose(expected_loss(value, debt, sigma, drift, years), integral, rtol=1e-7)
    assert_allclose(expected_loss(value, debt, sigma, drift, years, coverage=0.3), 0.3 * integral, rtol=1e-7)


@settings(max_examples=150, deadline=None)
@given(collateral())
def test_discounted_expected_loss_at_the_risk_free_drift_is_the_price(inputs):
    value, debt, sigma, rate, _drift, years = inputs
    assume(abs(rate) <= 0.25)
    assert_allclose(math.exp(-rate * years) * expected_loss(value, debt, sigma, rate, years),
                    guarantee_value(value, debt, sigma, rate, years), rtol=1e-9, atol=1e-12 * debt)


@settings(max_examples=150, deadline=None)
@given(collateral())
def test_price_of_collateral_that_pays_out_equals_the_discounted_expected_loss(inputs):
    # With a payout rate q = r - drift (no risk premium), the pricing and real worlds coincide.
    value, debt, sigma, rate, drift, years = inputs
    payout = rate - drift
    assume(0.0 <= payout <= 1.0)
    price = guarantee_value(claimable_value(value, payout, years), debt, sigma, rate, years)
    assert_allclose(price, math.exp(-rate * years) * expected_loss(value, debt, sigma, drift, years),
                    rtol=1e-8, atol=1e-9 * debt)


def test_lower_drift_means_more_defaults_and_larger_losses():
    args = (20e9, 12.5e9, 0.35)
    assert default_probability(*args, -0.3, 3) > default_probability(*args, -0.1, 3) > default_probability(*args, 0.1, 3)
    assert expected_loss(*args, -0.3, 3) > expected_loss(*args, -0.1, 3)


def test_drift_from_annual_decline():
    assert drift_from_annual_decline(0.0) == 0.0
    assert math.exp(drift_from_annual_decline(0.25)) == pytest.approx(0.75)


# ------------------------------------------------------------------------------- fees
def _annuity_by_quadrature(rate, years):
    return integrate.quad(lambda t: math.exp(-rate * t), 0.0, years)[0]


@pytest.mark.parametrize("rate", [0.0, 0.04, 0.1])
def test_fair_fee_pays_for_the_guarantee(rate):
    value, debt, sigma, years, coverage = 20e9, 12.5e9, 0.35, 3.0, 0.8
    fee = fair_fee(value, debt, sigma, rate, years)
    fees_today = fee * coverage * debt * _annuity_by_quadrature(rate, years)
    assert fees_today == pytest.approx(guarantee_value(value, debt, sigma, rate, years, coverage), rel=1e-9)


def test_break_even_fee_covers_the_expected_payment():
    value, debt, sigma, drift, rate, years = 20e9, 12.5e9, 0.35, -0.2, 0.04, 3.0
    fee = break_even_fee(value, debt, sigma, drift, rate, years)
    fees_today = fee * debt * _annuity_by_quadrature(rate, years)
    expected_today = math.exp(-rate * years) * expected_loss(value, debt, sigma, drift, years)
    assert fees_today == pytest.approx(expected_today, rel=1e-9)
    # the GPUs lose value faster than money grows, so covering the claims costs more than the price
    assert fee > fair_fee(value, debt, sigma, rate, years)


# ------------------------------------------------------------------------------- simulation
def test_paths_have_the_right_shape_start_and_seed_behaviour():
    first = simulate_asset_paths(50.0, 0.3, -0.1, 2, n_paths=10, steps_per_year=4, seed=5)
    again = simulate_asset_paths(50.0, 0.3, -0.1, 2, n_paths=10, steps_per_year=4, seed=5)
    other = simulate_asset_paths(50.0, 0.3, -0.1, 2, n_paths=10, steps_per_year=4, seed=6)
    assert first.shape == (10, 9) and (first[:, 0] == 50.0).all() and (first > 0).all()
    assert (first == again).all() and not (first == other).all()
    rng = np.random.default_rng(5)
    from_generator = simulate_asset_paths(50.0, 0.3, -0.1, 2, n_paths=10, steps_per_year=4, seed=rng)
    assert (from_generator == first).all()
    advanced = simulate_asset_paths(50.0, 0.3, -0.1, 2, n_paths=10, steps_per_year=4, seed=rng)
    assert not (advanced == first).all()  # the generator moved on


def test_path_increments_have_the_gbm_mean_and_volatility():
    sigma, drift, per_year = 0.4, -0.25, 12
    paths = simulate_asset_paths(1.0, sigma, drift, 5, n_paths=20_000, steps_per_year=per_year, seed=11)
    steps = np.diff(np.log(paths), axis=1).ravel()
    dt = 1 / per_year
    assert steps.mean() == pytest.approx((drift - sigma**2 / 2) * dt, abs=4 * sigma * math.sqrt(dt / steps.size))
    assert steps.std() == pytest.approx(sigma * math.sqrt(dt), rel=0.005)
    terminal = paths[:, -1]
    se = terminal.std(ddof=1) / math.sqrt(terminal.size)
    assert abs(terminal.mean() - math.exp(drift * 5)) < 3 * se


def test_100k_paths_of_60_monthly_steps():
    # How long this takes is measured by the benchmark (benchmarks/run.py), not asserted here.
    paths = simulate_asset_paths(20e9, 0.35, -0.2, 5, n_paths=100_000, steps_per_year=12, seed=0)
    assert paths.shape == (100_000, 61)
    assert (paths[:, 0] == 20e9).all() and np.isfinite(paths).all() and (paths > 0).all()


@pytest.mark.parametrize("value, debt, sigma, drift, rate, years, coverage, seed", [
    (20e9, 12.5e9, 0.35, -0.20, 0.04, 3.0, 0.8, 1),  # the chapter's base case
    (20e9, 12.5e9, 0.35, -0.20, 0.04, 5.0, 1.0, 2),
    (100.0, 60.0, 0.20, 0.08, 0.03, 1.0, 0.5, 3),
    (100.0, 120.0, 0.60, -0.40, 0.00, 2.0, 1.0, 4),
    (100.0, 40.0, 0.25, 0.00, 0.05, 4.0, 0.3, 5),
])
def test_monte_carlo_agrees_with_the_closed_forms_within_three_standard_errors(
    value, debt, sigma, drift, rate, years, coverage, seed
):
    table = closed_form_vs_monte_carlo(value, debt, sigma, drift, rate, years, coverage,
                                       n_paths=100_000, seed=seed)
    # recompute the closed-form column independently of the table
    reference = [
        coverage * reference_put(value, debt, sigma, rate, years),
        lognormal_at_horizon(value, sigma, rate, years).cdf(debt),
        lognormal_at_horizon(value, sigma, drift, years).cdf(debt),
    ]
    assert_allclose(table["closed_form"].iloc[:3], reference, rtol=1e-7)
    gaps = (table["monte_carlo"] - table["closed_form"]).abs()
    assert (gaps <= 3 * table["standard_error"]).all(), table


def test_monte_carlo_pricing_world_uses_the_risk_free_rate():
    mc = monte_carlo_guarantee(100, 90, 0.3, 0.04, 2, n_paths=1000, seed=0)
    assert mc.drift == 0.04 and mc.n_paths == 1000 and mc.steps == 24
    real = monte_carlo_guarantee(100, 90, 0.3, 0.04, 2, drift=-0.2, n_paths=1000, seed=0)
    assert real.default_probability > mc.default_probability


def test_monte_carlo_estimates_hand_worked():
    # Three paths end at 50, 100 and 150 against a debt of 100, half guaranteed: the guarantor pays
    # 25, 0 and 0, so the mean is 25/3 with a standard error of sd(25, 0, 0) / sqrt(3) = 25/3 too.
    from gpu_finance.backstop.montecarlo import _estimates_at_horizon

    est = _estimates_at_horizon(np.array([50.0, 100.0, 150.0]), 100.0, 0.5, discount=0.9)
    assert_allclose([est["expected_loss_usd"], est["expected_loss_se_usd"]], [25 / 3, 25 / 3])
    assert_allclose([est["value_usd"], est["value_se_usd"]], [0.9 * 25 / 3, 0.9 * 25 / 3])
    assert_allclose([est["default_probability"], est["default_probability_se"]], [1 / 3, 1 / 3])
    assert est["losses_usd"].tolist() == [25.0, 0.0, 0.0]


def test_monte_carlo_standard_error_falls_as_one_over_the_square_root_of_the_paths():
    few = monte_carlo_guarantee(100, 90, 0.3, 0.04, 2, drift=-0.2, n_paths=20_000, steps_per_year=1, seed=1)
    many = monte_carlo_guarantee(100, 90, 0.3, 0.04, 2, drift=-0.2, n_paths=80_000, steps_per_year=1, seed=2)
    assert_allclose(many.expected_loss_se_usd, few.expected_loss_se_usd / 2, rtol=0.05)


def test_loss_distribution_counts_every_positive_loss_once():
    mc = monte_carlo_guarantee(20e9, 12.5e9, 0.35, 0.04, 3, 0.8, drift=-0.2, n_paths=20_000, seed=9)
    histogram = loss_distribution(mc.losses_usd, bins=25)
    assert len(histogram) == 25
    assert histogram["paths"].sum() == np.count_nonzero(mc.losses_usd)
    assert histogram["share_of_paths"].sum() == pytest.approx(mc.default_probability)
    assert histogram["loss_to_usd"].iloc[-1] == pytest.approx(mc.losses_usd.max())
    assert loss_distribution([0.0, 0.0]).empty


def test_path_summary_quantiles():
    paths = simulate_asset_paths(1.0, 0.3, 0.0, 1, n_paths=2001, steps_per_year=2, seed=1)
    summary = path_summary(paths, 1)
    assert summary["year"].tolist() == [0.0, 0.5, 1.0]
    assert summary["q50_usd"].iloc[-1] == pytest.approx(np.median(paths[:, -1]))
    assert (summary["q5_usd"] <= summary["q50_usd"]).all() and (summary["q50_usd"] <= summary["q95_usd"]).all()


# ------------------------------------------------------------------------------- the loss waterfall
def test_waterfall_hand_worked():
    # $100 of GPUs: $30 outside equity, $10 vendor equity, $60 debt of which 50% guaranteed
    deal = Deal(100, 40, 60, 10, 0.08, 5, 5)
    first = loss_waterfall(deal, 55, coverage=0.5).set_index("party")["absorbed_usd"]
    assert first.to_dict() == {"spv_equity": 30, "vendor": 10, "lenders": 15, "taxpayers": 0}
    deeper = loss_waterfall(deal, 90, coverage=0.5).set_index("party")["absorbed_usd"]
    assert deeper.to_dict() == {"spv_equity": 30, "vendor": 10, "lenders": 30, "taxpayers": 20}
    shared = loss_waterfall(deal, 90, coverage=0.5, structure="pro_rata").set_index("party")["absorbed_usd"]
    assert shared.to_dict() == {"spv_equity": 30, "vendor": 10, "lenders": 25, "taxpayers": 25}
    none = loss_waterfall(deal, 90).set_index("party")["absorbed_usd"]
    assert none.to_dict() == {"spv_equity": 30, "vendor": 10, "lenders": 50, "taxpayers": 0}


@pytest.mark.parametrize("order, outside, vendor", [
    ("pari_passu", 15, 5),     # half of the equity is gone: half of each stake (30 and 10)
    ("vendor_last", 20, 0),    # the outside investors stand first
    ("vendor_first", 10, 10),  # the vendor's 10 goes first
])
def test_equity_orders_hand_worked(order, outside, vendor):
    deal = Deal(100, 40, 60, 10, 0.08, 5, 5)
    absorbed = loss_waterfall(deal, 20, coverage=0.5, equity_order=order).set_index("party")["absorbed_usd"]
    assert absorbed.to_dict() == {"spv_equity": outside, "vendor": vendor, "lenders": 0, "taxpayers": 0}


def test_equity_order_is_validated():
    with pytest.raises(ValueError, match="equity_order='senior'"):
        loss_waterfall(COLOSSUS_2, 1e9, equity_order="senior")


def test_colossus_lenders_are_safe_until_the_equity_is_gone():
    equity = COLOSSUS_2.equity_usd
    just_below = loss_waterfall(COLOSSUS_2, equity, coverage=0.8).set_index("party")["absorbed_usd"]
    assert just_below["lenders"] == 0 and just_below["taxpayers"] == 0
    assert just_below["spv_equity"] == COLOSSUS_2.outside_equity_usd
    # pari passu by default: a loss of a tenth of the equity costs each holder a tenth of its stake
    tenth = loss_waterfall(COLOSSUS_2, equity / 10).set_index("party")["share_of_stake"]
    assert tenth["spv_equity"] == pytest.approx(0.1) and tenth["vendor"] == pytest.approx(0.1)


@settings(max_examples=200, deadline=None)
@given(deals(), st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.sampled_from(["lenders_first", "pro_rata"]),
       st.sampled_from(["pari_passu", "vendor_last", "vendor_first"]))
def test_waterfall_shares_add_up_and_respect_the_order(deal, fraction, coverage, structure, order):
    loss = fraction * deal.total_cost_usd
    frame = loss_waterfall(deal, loss, coverage, structure, order).set_index("party")
    absorbed = frame["absorbed_usd"]
    tol = 1e-9 * deal.total_cost_usd
    assert list(frame.index) == ["spv_equity", "vendor", "lenders", "taxpayers"]
    assert abs(absorbed.sum() - loss) <= tol
    assert (absorbed >= -tol).all() and (absorbed <= frame["stake_usd"] + tol).all()
    if loss > 0:
        assert frame["share_of_loss"].sum() == pytest.approx(1.0)
    # each tranche is touched only when the ones before it are used up
    if order == "vendor_last" and absorbed["vendor"] > tol:
        assert absorbed["spv_equity"] >= deal.outside_equity_usd - tol
    if order == "vendor_first" and absorbed["spv_equity"] > tol:
        assert absorbed["vendor"] >= deal.vendor_equity_usd - tol
    if order == "pari_passu":  # each equity holder loses the same share of its stake
        equity_loss = absorbed["spv_equity"] + absorbed["vendor"]
        assert abs(absorbed["vendor"] * deal.equity_usd - equity_loss * deal.vendor_equity_usd) <= tol * deal.equity_usd
    debt_loss = absorbed["lenders"] + absorbed["taxpayers"]
    if debt_loss > tol:
        assert absorbed["spv_equity"] + absorbed["vendor"] >= deal.equity_usd - tol
    if structure == "lenders_first" and absorbed["taxpayers"] > tol:
        assert absorbed["lenders"] >= (1 - coverage) * deal.debt_usd - tol
    if structure == "pro_rata":
        assert abs(absorbed["taxpayers"] - coverage * debt_loss) <= tol
    assert absorbed["taxpayers"] <= coverage * deal.debt_usd + tol


@settings(max_examples=100, deadline=None)
@given(deals(), st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_a_bigger_loss_never_costs_any_party_less(deal, a, b, coverage):
    small, large = sorted([a, b])
    before = loss_waterfall(deal, small * deal.total_cost_usd, coverage)["absorbed_usd"].to_numpy()
    after = loss_waterfall(deal, large * deal.total_cost_usd, coverage)["absorbed_usd"].to_numpy()
    assert (after >= before - 1e-9 * deal.total_cost_usd).all()


def test_waterfall_scenarios_stack_the_waterfalls():
    table = waterfall_scenarios(COLOSSUS_2, [0.0, 0.5, 1.0], coverage=0.8)
    totals = table.groupby("decline")["absorbed_usd"].sum()
    assert_allclose(totals.to_numpy(), [0.0, 10e9, 20e9])
    everything = table[table["decline"] == 1.0].set_index("party")["absorbed_usd"]
    assert everything["taxpayers"] == pytest.approx(0.8 * COLOSSUS_2.debt_usd)


@pytest.mark.parametrize("structure", ["pro_rata", "lenders_first"])
def test_taxpayers_average_loss_is_the_option_formula(structure):
    # pro rata: coverage x put struck at the debt; lenders first: a put struck at the guaranteed debt
    deal, coverage, sigma, drift, years = COLOSSUS_2, 0.8, 0.35, -0.2, 3
    mc = monte_carlo_guarantee(deal.total_cost_usd, deal.debt_usd, sigma, 0.04, years, drift=drift,
                               n_paths=100_000, seed=21)
    by_party = expected_loss_by_party(deal, mc.terminal_usd, coverage, structure).set_index("party")
    if structure == "pro_rata":
        formula = expected_loss(deal.total_cost_usd, deal.debt_usd, sigma, drift, years, coverage)
    else:
        formula = expected_loss(deal.total_cost_usd, coverage * deal.debt_usd, sigma, drift, years)
    row = by_party.loc["taxpayers"]
    assert abs(row["expected_loss_usd"] - formula) < 3 * row["standard_error_usd"]
    # and the parties' average losses add up to the average fall below cost
    average_fall = np.maximum(deal.total_cost_usd - mc.terminal_usd, 0).mean()
    assert by_party["expected_loss_usd"].sum() == pytest.approx(average_fall)


# ------------------------------------------------------------------------------- moral hazard
def _by_integration(problem: LeverageProblem, ltv: float, coverage: float, structure: str) -> dict[str, float]:
    """The leverage model's expectations by numerical integration over the lognormal V_T, written
    from the model's description, independently of its closed forms."""
    v, s_, m, t, r = (problem.asset_value_usd, problem.volatility, problem.drift, problem.years,
                      problem.risk_free_rate)
    k, w, c = problem.default_cost_fraction, problem.debt_advantage, coverage
    debt = ltv * v
    law = stats.lognorm(s=s_ * math.sqrt(t), scale=v * math.exp((m - s_**2 / 2) * t))

    def expect(payoff):
        return integrate.quad(lambda x: payoff(x) * law.pdf(x), 0, debt, limit=200)[0]

    lenders = expect(lambda x: debt - (1 - k) * x)  # zero above the debt: no default there
    if structure == "pro_rata":
        taxpayers = c * lenders
    else:
        taxpayers = expect(lambda x: max(debt - (1 - k) * x - (1 - c) * debt, 0.0))
    discount = math.exp(-r * t)
    annuity = t if r == 0 else -math.expm1(-r * t) / r
    advantage = w * debt * annuity * (1 - law.cdf(debt))
    cost = discount * k * expect(lambda x: x)
    return {"surplus_usd": advantage - cost, "default_cost_usd": cost, "expected_loss_usd": discount * lenders,
            "taxpayer_cost_usd": discount * taxpayers, "default_probability": law.cdf(debt)}


@pytest.mark.parametrize("ltv, coverage, structure", [
    (0.1, 0.0, "pro_rata"), (0.3, 0.8, "pro_rata"), (0.6, 0.5, "pro_rata"),
    (0.3, 0.8, "lenders_first"), (0.6, 0.8, "lenders_first"), (0.9, 0.95, "lenders_first"),
])
def test_leverage_curve_matches_numerical_integration(ltv, coverage, structure):
    problem = LeverageProblem()
    row = leverage_curve(problem, coverage, 0.0, structure, ltv=[ltv]).iloc[0]
    for name, value in _by_integration(problem, ltv, coverage, structure).items():
        assert row[name] == pytest.approx(value, rel=1e-6, abs=1e-3), name


def test_sponsor_payoff_by_simulating_limited_liability():
    """The sponsor's payoff, built path by path from what it receives and pays: the debt advantage
    while solvent, minus the lenders' spread and the fees, plus the shortfall that limited liability
    leaves with the lenders. Equals the closed form within three standard errors."""
    problem, c, fee = LeverageProblem(), 0.8, 0.01
    ltv = 0.5
    row = leverage_curve(problem, c, fee, ltv=[ltv]).iloc[0]
    debt, r, t = row["debt_usd"], problem.risk_free_rate, problem.years
    annuity = -math.expm1(-r * t) / r
    v_t = monte_carlo_guarantee(problem.asset_value_usd, debt, problem.volatility, r, t, drift=problem.drift,
                                n_paths=200_000, seed=5).terminal_usd
    spread_paid = (row["loan_rate"] - r) * debt * annuity
    per_path = (problem.debt_advantage * debt * annuity * (v_t >= debt) - spread_paid - fee * c * debt * annuity
                + math.exp(-r * t) * np.maximum(debt - v_t, 0.0))
    error = per_path.std(ddof=1) / math.sqrt(per_path.size)
    assert abs(per_path.mean() - row["sponsor_payoff_usd"]) < 3 * error


def _mills_choice(problem: LeverageProblem) -> float:
    """The no-guarantee first-order condition, sigma sqrt(T) N(-z) / N'(z) = 1 + k exp(-rT) / (w a),
    solved for z with a root finder and turned into a loan-to-value."""
    r, t, s_, m = problem.risk_free_rate, problem.years, problem.volatility, problem.drift
    k, w = problem.default_cost_fraction, problem.debt_advantage
    annuity = t if r == 0 else -math.expm1(-r * t) / r
    target = 1 + k * math.exp(-r * t) / (w * annuity)
    z = optimize.brentq(lambda z: s_ * math.sqrt(t) * stats.norm.sf(z) / stats.norm.pdf(z) - target, -30, 30)
    return min(math.exp((m - s_**2 / 2) * t + s_ * math.sqrt(t) * z), problem.max_ltv)


@pytest.mark.parametrize("changes", [{}, {"default_cost_fraction": 0.0}, {"default_cost_fraction": 0.4},
                                     {"volatility": 0.6, "years": 5.0}, {"debt_advantage": 0.02}])
def test_optimal_leverage_without_a_guarantee_solves_the_first_order_condition(changes):
    problem = LeverageProblem().replace(**changes)
    assert optimal_leverage(problem).ltv == pytest.approx(_mills_choice(problem), abs=1e-6)


def test_default_cost_is_sourced_and_used():
    from gpu_finance.backstop import DEFAULT_COST_OF_DEFAULT, DIRECT_BANKRUPTCY_COST_FRACTION

    assert DIRECT_BANKRUPTCY_COST_FRACTION == pytest.approx(0.031)  # Weiss (1990)
    assert DEFAULT_COST_OF_DEFAULT == pytest.approx(LIQUIDATION_COST_FRACTION + 0.031)
    assert LeverageProblem().default_cost_fraction == DEFAULT_COST_OF_DEFAULT


def test_base_case_guarantee_raises_leverage_and_costs_taxpayers_more_than_the_sponsor_gains():
    problem = LeverageProblem()
    without, with_ = optimal_leverage(problem), optimal_leverage(problem, coverage=0.8)
    assert 0 < without.ltv < with_.ltv
    assert with_.ltv == pytest.approx(problem.max_ltv)  # a free guarantee: it borrows all it may
    assert with_.default_probability > without.default_probability
    gain = with_.sponsor_payoff_usd - without.sponsor_payoff_usd
    assert 0 < gain < with_.taxpayer_cost_usd
    assert without.taxpayer_cost_usd == 0.0
    assert with_.surplus_usd < without.surplus_usd  # value destroyed


@settings(max_examples=150, deadline=None)
@given(leverage_problems(), st.floats(0.0, 0.99), st.sampled_from(["pro_rata", "lenders_first"]))
def test_a_free_guarantee_never_lowers_leverage(problem, coverage, structure):
    # the taxpayers' expected payment never falls with the debt, so adding it cannot lower the choice
    without = optimal_leverage(problem)
    with_ = optimal_leverage(problem, coverage, 0.0, structure)
    assert with_.ltv >= without.ltv - 1e-6
    # and the sponsor's gain never exceeds what the taxpayers are expected to pay
    assert with_.sponsor_payoff_usd - without.sponsor_payoff_usd <= with_.taxpayer_cost_usd + 1e-6 * problem.asset_value_usd


@settings(max_examples=60, deadline=None)
@given(leverage_problems(), st.floats(0.0, 0.5), st.floats(0.0, 0.5))
def test_dearer_default_means_less_debt(problem, k1, k2):
    low, high = sorted([k1, k2])
    cheap = optimal_leverage(problem.replace(default_cost_fraction=low))
    dear = optimal_leverage(problem.replace(default_cost_fraction=high))
    assert dear.ltv <= cheap.ltv + 1e-6


@settings(max_examples=60, deadline=None)
@given(leverage_problems(), st.floats(0.01, 1.0), st.sampled_from(["pro_rata", "lenders_first"]))
def test_a_risk_based_fee_makes_the_guarantee_neutral(problem, coverage, structure):
    curve = leverage_curve(problem, coverage, "risk_based", structure)
    assert_allclose(curve["taxpayer_cost_usd"], 0.0, atol=1e-9 * problem.asset_value_usd)
    chosen = optimal_leverage(problem, coverage, "risk_based", structure)
    assert chosen.ltv == pytest.approx(optimal_leverage(problem).ltv, abs=1e-6)


def test_a_high_enough_flat_fee_lowers_leverage():
    # The inequality above needs the fee to be free: price the guarantee high enough and it reverses.
    problem = LeverageProblem()
    without = optimal_leverage(problem)
    expensive = optimal_leverage(problem, coverage=0.8, fee=0.5)
    assert expensive.ltv < without.ltv


@settings(max_examples=150, deadline=None)
@given(leverage_problems(), st.floats(0.0, 1.0), st.floats(0.0, 0.2),
       st.sampled_from(["pro_rata", "lenders_first"]), st.floats(0.0, 1.0))
def test_sponsor_payoff_is_surplus_plus_taxpayers_cost(problem, coverage, fee, structure, k):
    problem = problem.replace(default_cost_fraction=k)
    curve = leverage_curve(problem, coverage, fee, structure)
    scale = problem.asset_value_usd
    assert_allclose(curve["sponsor_payoff_usd"], curve["surplus_usd"] + curve["taxpayer_cost_usd"],
                    atol=1e-9 * scale)
    assert_allclose(curve["surplus_usd"], curve["debt_advantage_usd"] - curve["default_cost_usd"], atol=1e-9 * scale)
    # the lenders' spread pays exactly for the expected loss they keep
    r, t = problem.risk_free_rate, problem.years
    annuity = t if r == 0 else -math.expm1(-r * t) / r
    spread_value = (curve["loan_rate"] - r) * curve["debt_usd"] * annuity
    assert_allclose(spread_value, curve["lenders_expected_loss_usd"], atol=1e-9 * scale)
    # the taxpayers never pay more than the lenders' whole loss, nor less than nothing
    paid = curve["taxpayer_cost_usd"] + curve["fee_income_usd"]
    assert (paid >= -1e-9 * scale).all() and (paid <= curve["expected_loss_usd"] + 1e-9 * scale).all()
    # without a guarantee the surplus peaks at the sponsor's own choice
    best = optimal_leverage(problem)
    assert best.surplus_usd >= curve["surplus_usd"].max() - 1e-6 * scale


def test_with_no_cost_of_default_the_shortfall_is_a_pure_transfer():
    # k = 0: default destroys nothing, so the surplus is the debt advantage alone
    problem = LeverageProblem(default_cost_fraction=0.0)
    curve = leverage_curve(problem, 0.8, ltv=[0.2, 0.5])
    assert_allclose(curve["default_cost_usd"], 0.0)
    assert_allclose(curve["surplus_usd"], curve["debt_advantage_usd"])


def test_guarantee_lowers_the_rate_at_a_given_leverage():
    problem = LeverageProblem()
    alone = leverage_curve(problem, ltv=[0.625])
    guaranteed = leverage_curve(problem, coverage=0.8, ltv=[0.625])
    assert guaranteed["loan_rate"].iloc[0] < alone["loan_rate"].iloc[0]
    assert guaranteed["expected_loss_usd"].iloc[0] == pytest.approx(alone["expected_loss_usd"].iloc[0])


def test_leverage_inputs_are_validated():
    with pytest.raises(ValueError, match="fee='cheap'"):
        leverage_curve(LeverageProblem(), 0.8, "cheap")
    with pytest.raises(ValueError, match="default_cost_fraction=1.5"):
        LeverageProblem(default_cost_fraction=1.5)


def test_design_comparison():
    table = design_comparison(LeverageProblem()).set_index("design")
    asked = table.loc["As asked: pro rata, no fee"]
    assert asked["value_lost_usd"] > 0 and asked["taxpayer_cost_usd"] > 0
    # a flat fee at the debt advantage does not stop the extra borrowing; a risk-based fee does
    assert table.loc["Flat fee equal to the debt advantage", "ltv"] > table.loc["No guarantee", "ltv"]
    assert table.loc["Risk-based fee", "ltv"] == pytest.approx(table.loc["No guarantee", "ltv"], abs=1e-6)
    assert table.loc["Risk-based fee", "taxpayer_cost_usd"] == pytest.approx(0.0, abs=1.0)
    for design in ("Lenders keep the first loss", "Coverage capped", "Loan-to-value capped"):
        assert table.loc[design, "taxpayer_cost_usd"] < asked["taxpayer_cost_usd"]
    capped = table.loc["Loan-to-value capped"]
    assert capped["ltv"] == pytest.approx(table.loc["No guarantee", "ltv"], abs=1e-6)
    assert capped["value_lost_usd"] == pytest.approx(0.0, abs=1.0) and capped["taxpayer_cost_usd"] > 0


# ------------------------------------------------------------------------------- data and assumptions
# The quotes exactly as the research notes give them (facts D1, D3, D4, D5, D6, D7).
SOURCED_QUOTES = {
    "friar-backstop": "…ecosystem of banks, private equity, maybe even governmental… the backstop, the guarantee "
                      "that allows the financing to happen… drop the cost of the financing but also increase the "
                      "loan to value…",
    "friar-exactly": "Exactly.",
    "friar-walkback": "OpenAI is not seeking a government backstop for our infrastructure commitments. I used the "
                      "word 'backstop,' and it muddied the point.",
    "altman-no-guarantees": "we do not have or want government guarantees for OpenAI datacenters…",
    "altman-fail": "If we screw up and cannot fix it, we should fail.",
    "altman-insurer": "the government ends up as the insurer of last resort.",
    "openai-ostp-letter": "AI server production; and AI data centers",
    "sacks-no-bailout": "There will be no federal bailout for AI. The U.S. has at least 5 major frontier model "
                        "companies. If one fails, others will take its place.",
}


def test_quotes_are_exactly_as_sourced():
    quotes = backstop_quotes().set_index("quote_id")
    assert quotes["quote"].to_dict() == SOURCED_QUOTES
    assert set(quotes["fact_id"]) == {"D1", "D3", "D4", "D5", "D6", "D7"}
    assert quotes.loc["altman-insurer", "confidence"] == "S"  # second-hand: shown as reported
    assert not quotes["quote"].str.contains("timeline on the chip").any()  # could not be confirmed
    assert backstop_quotes()["quote_id"].iloc[0] == "openai-ostp-letter"  # the letter came first
    assert backstop_quotes()["quote_id"].iloc[-1] == "sacks-no-bailout"


def test_history_figures():
    history = backstop_history()
    assert history.loc["solyndra_guarantee", "value"] == 535e6
    assert history.loc["solyndra_drawn", "value"] == 528e6
    assert history.loc["citi_siv_assets", "value"] == 49e9
    assert history.loc["citi_siv_count", "value"] == 7


def test_every_default_is_listed_as_an_assumption():
    table = backstop_assumptions().set_index("name")
    constants = {name for name in dir(g.backstop) if name.startswith("DEFAULT_")}
    assert set(table.index) == constants
    assert (table["confidence"] == "A").all()
    assert table.loc["DEFAULT_DRIFT", "value"] == DEFAULT_DRIFT < 0
    assert "chapter 2" in table.loc["DEFAULT_DRIFT", "description"]


def test_default_drift_is_chapter_2s_calibrated_decline():
    """The collateral is expected to keep exp(drift) of its value a year: 1 - the calibrated fall."""
    assert math.exp(DEFAULT_DRIFT) == pytest.approx(1 - g.CALIBRATED_ANNUAL_DECLINE, rel=1e-12)
    assert g.DEFAULT_PAYOUT_RATE == pytest.approx(g.lease_payment(COLOSSUS_2) / COLOSSUS_2.total_cost_usd)


# ------------------------------------------------------------------------------- bad inputs
GOOD = dict(asset_value=100.0, debt_face=80.0, volatility=0.3, risk_free_rate=0.04, years=2.0)


@pytest.mark.parametrize("name, bad", [
    ("asset_value", 0.0), ("asset_value", -5.0), ("asset_value", float("nan")),
    ("debt_face", -1.0), ("debt_face", float("inf")),
    ("volatility", 0.0), ("volatility", 2.5),
    ("risk_free_rate", 0.3), ("risk_free_rate", -0.1),
    ("years", 0.0), ("years", 31.0), ("years", "3"),
    ("coverage", 1.5), ("coverage", -0.1),
])
def test_guarantee_value_rejects_bad_inputs_by_name(name, bad):
    kwargs = {**GOOD, "coverage": 0.5, name: bad}
    with pytest.raises(ValueError, match=rf"^{name}="):
        guarantee_value(**kwargs)


@pytest.mark.parametrize("call, name", [
    (lambda: default_probability(100, 80, 0.3, 1.5, 2), "drift"),
    (lambda: expected_loss(100, 80, 0.3, -1.2, 2), "drift"),
    (lambda: expected_loss(100, 80, 0.3, -0.2, 2, coverage=2), "coverage"),
    (lambda: fair_fee(100, 0, 0.3, 0.04, 2), "debt_face"),
    (lambda: break_even_fee(100, 80, 0.3, -0.2, 0.04, -1), "years"),
    (lambda: claimable_value(100, 1.5, 2), "payout_rate"),
    (lambda: drift_from_annual_decline(1.0), "decline"),
    (lambda: simulate_asset_paths(100, 0.3, -0.2, 1, n_paths=0, seed=0), "n_paths"),
    (lambda: simulate_asset_paths(100, 0.3, -0.2, 1, n_paths=2.5, seed=0), "n_paths"),
    (lambda: simulate_asset_paths(100, 0.3, -0.2, 1, steps_per_year=0, seed=0), "steps_per_year"),
    (lambda: simulate_asset_paths(100, 0.3, -0.2, 1.05, seed=0), "years"),
    (lambda: simulate_asset_paths(100, 0.3, -0.2, 1, seed=-1), "seed"),
    (lambda: simulate_asset_paths(100, 0.3, -0.2, 1, seed="x"), "seed"),
    (lambda: simulate_asset_paths(100, 0.3, -0.2, 1, seed=1.5), "seed"),
    (lambda: simulate_asset_paths(100, 0.3, -0.2, 30, n_paths=1_000_000, seed=0), "n_paths"),
    (lambda: monte_carlo_guarantee(100, 80, 0.3, 0.04, 2, drift=3.0, seed=0), "drift"),
    (lambda: loss_waterfall(COLOSSUS_2, -1.0), "loss_usd"),
    (lambda: loss_waterfall(COLOSSUS_2, 21e9), "loss_usd"),
    (lambda: loss_waterfall(COLOSSUS_2, 1e9, coverage=1.2), "coverage"),
    (lambda: loss_waterfall(COLOSSUS_2, 1e9, structure="senior"), "structure"),
    (lambda: loss_waterfall("deal", 1e9), "deal"),
    (lambda: waterfall_scenarios(COLOSSUS_2, [0.5, 1.2]), "declines"),
    (lambda: loss_distribution([1.0], bins=0), "bins"),
    (lambda: LeverageProblem(volatility=-0.1), "volatility"),
    (lambda: LeverageProblem(debt_advantage=1.5), "debt_advantage"),
    (lambda: LeverageProblem(asset_value_usd=0), "asset_value_usd"),
    (lambda: optimal_leverage(LeverageProblem(), coverage=1.1), "coverage"),
    (lambda: optimal_leverage(LeverageProblem(), fee=-0.01), "fee"),
    (lambda: optimal_leverage(LeverageProblem(), structure="x"), "structure"),
    (lambda: optimal_leverage("problem"), "problem"),
    (lambda: leverage_curve(LeverageProblem(), ltv=[0.5, 0.95]), "ltv"),
    (lambda: design_comparison(LeverageProblem(), capped_coverage=2), "capped_coverage"),
])
def test_bad_inputs_raise_value_errors_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=rf"{name}="):
        call()


@pytest.mark.parametrize("bad", [[-1.0, 2.0], [float("nan")], []])
def test_loss_arrays_must_be_non_negative_and_finite(bad):
    with pytest.raises(ValueError, match="losses_usd"):
        loss_distribution(bad)
    with pytest.raises(ValueError, match="terminal_usd"):
        expected_loss_by_party(COLOSSUS_2, bad)
