"""The amortising loan (gpu_finance.loan): closed forms, an independent simulation, the round trip
of the implied volatility, and the calibrated base case against the reported rate."""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pytest
from scipy import integrate, stats

import gpu_finance as g
from gpu_finance import loan as L

SMALL = g.Deal(100.0, 40.0, 60.0, 0.0, 0.05, 5, 5, name="small")


def test_instalment_is_the_level_payment_of_numpy_financial():
    rate = 0.095
    value = L.amortising_loan_value(rate, volatility=0.5)
    assert value.instalment_usd == pytest.approx(-npf.pmt(rate, 5, g.COLOSSUS_2.debt_usd), rel=1e-12)


@pytest.mark.parametrize("volatility", [0.05, 0.5, 1.5])
def test_a_lessee_that_cannot_default_leaves_the_risk_free_rate(volatility):
    rate = L.break_even_loan_rate(volatility=volatility, default_intensity=0.0, risk_free_rate=0.04)
    assert rate == pytest.approx(math.expm1(0.04), abs=1e-12)


@pytest.mark.parametrize("volatility", [0.1, 0.9])
def test_with_nothing_recovered_only_the_rent_protects_the_lenders(volatility):
    # every dollar still owed is lost at default: the loan is a defaultable annuity, priced at r + lambda
    rate = L.break_even_loan_rate(volatility=volatility, default_intensity=0.08, forced_sale_loss=1.0, risk_free_rate=0.03)
    assert rate == pytest.approx(math.expm1(0.11), abs=1e-10)


def test_a_full_guarantee_leaves_the_risk_free_rate():
    rate = L.break_even_loan_rate(volatility=0.9, coverage=1.0)
    assert rate == pytest.approx(math.expm1(g.DEFAULT_RISK_FREE_RATE), abs=1e-12)


def test_break_even_rate_rises_with_volatility_and_falls_with_coverage():
    by_vol = [L.break_even_loan_rate(volatility=s) for s in (0.1, 0.3, 0.6, 1.0, 1.5)]
    assert all(a < b for a, b in zip(by_vol, by_vol[1:]))
    by_cover = [L.break_even_loan_rate(volatility=0.8, coverage=c) for c in (0.0, 0.5, 0.8)]
    assert all(a > b for a, b in zip(by_cover, by_cover[1:]))


def _simulate(rate, sigma, mu, lam, r, h, deal=g.COLOSSUS_2, paths=400_000, seed=7):
    """An independent simulation of the loan: the default time, the GPUs' value then, every cash
    flow discounted. Returns the lenders' present value, their discounted loss and whether they lost."""
    amount, cost, n = deal.debt_usd, deal.total_cost_usd, deal.debt_term_years
    instalment = -npf.pmt(rate, n, amount)
    rng = np.random.default_rng(seed)
    tau = rng.exponential(1.0 / lam, paths)
    z = rng.standard_normal(paths)
    pv = np.zeros(paths)
    for k in range(1, n + 1):
        pv += np.where(tau > k, instalment * np.exp(-r * k), 0.0)
    defaulted = tau < n
    t = np.where(defaulted, tau, 1.0)
    paid = np.floor(t)
    owed = -npf.fv(rate, paid, -instalment, amount) * (1 + rate) ** (t - paid)
    sale = (1 - h) * cost * np.exp((mu - 0.5 * sigma**2) * t + sigma * np.sqrt(t) * z)
    pv += np.where(defaulted, np.minimum(owed, sale) * np.exp(-r * t), 0.0)
    loss = np.where(defaulted, np.maximum(owed - sale, 0.0) * np.exp(-r * t), 0.0)
    return pv, loss, defaulted & (sale < owed)


def _within(model, sample, k=4.0):
    return abs(model - sample.mean()) < k * sample.std(ddof=1) / math.sqrt(len(sample))


def test_the_value_matches_an_independent_simulation():
    rate, sigma, mu, lam, r, h = 0.08, 0.7, -0.3, 0.15, 0.04, 0.1
    pv, loss, lost = _simulate(rate, sigma, mu, lam, r, h)
    model = L.amortising_loan_value(rate, volatility=sigma, drift=mu, default_intensity=lam,
                                    risk_free_rate=r, forced_sale_loss=h, coverage=0.6)
    assert _within(model.value_usd - 0.6 * model.expected_loss_usd, pv)  # the lenders' own value, without the guarantee
    assert _within(model.expected_loss_usd, loss)
    assert _within(model.guarantee_value_usd, 0.6 * loss)  # no reward for risk: priced at its expected cost
    assert _within(model.probability_of_loss, lost.astype(float))


def test_the_calibrated_base_case_reproduces_the_reported_rate():
    """The Done-when of issue 13, checked by simulation: at the calibrated volatility, lending at one
    percentage point below the reported rate loses money and one point above makes money."""
    assert L.REPORTED_LOAN_RATE == pytest.approx(0.095)
    sigma, mu, lam = L.CALIBRATED_VOLATILITY, g.DEFAULT_DRIFT, L.DEFAULT_LESSEE_DEFAULT_INTENSITY
    amount = g.COLOSSUS_2.debt_usd
    below, _, _ = _simulate(L.REPORTED_LOAN_RATE - 0.01, sigma, mu, lam, g.DEFAULT_RISK_FREE_RATE, L.DEFAULT_FORCED_SALE_LOSS)
    above, _, _ = _simulate(L.REPORTED_LOAN_RATE + 0.01, sigma, mu, lam, g.DEFAULT_RISK_FREE_RATE, L.DEFAULT_FORCED_SALE_LOSS)
    se = below.std(ddof=1) / math.sqrt(len(below))
    assert below.mean() + 4 * se < amount < above.mean() - 4 * se
    assert abs(L.break_even_loan_rate(volatility=sigma) - L.REPORTED_LOAN_RATE) < 0.01


def test_the_median_convention_adds_half_the_variance_to_the_drift():
    b, sigma = -0.3, 0.8
    median = L.amortising_loan_value(0.09, volatility=sigma, drift=b, drift_convention="median")
    mean = L.amortising_loan_value(0.09, volatility=sigma, drift=b + sigma**2 / 2)
    assert median == mean
    # read as the median's fall, the same calibration makes the GPUs safer collateral, so no
    # volatility the model allows reaches the reported rate
    top = L.break_even_loan_rate(volatility=2.0, drift_convention="median")
    assert top < L.REPORTED_LOAN_RATE
    with pytest.raises(ValueError, match="loan_rate"):
        L.implied_collateral_volatility(L.REPORTED_LOAN_RATE, drift_convention="median")
    rate = L.break_even_loan_rate(volatility=0.6, drift_convention="median")
    assert L.implied_collateral_volatility(rate, drift_convention="median") == pytest.approx(0.6, abs=1e-6)
    with pytest.raises(ValueError, match="drift_convention"):
        L.break_even_loan_rate(volatility=0.6, drift_convention="mode")


def test_the_quadrature_agrees_with_adaptive_integration():
    rate, sigma, mu, lam, r, h = 0.095, 0.9, -0.35, 0.13, 0.04, 0.1
    deal = g.COLOSSUS_2
    amount, cost, n = deal.debt_usd, deal.total_cost_usd, deal.debt_term_years
    instalment = -npf.pmt(rate, n, amount)

    def put(s):
        paid = math.floor(s)
        owed = -npf.fv(rate, paid, -instalment, amount) * (1 + rate) ** (s - paid)
        forward = (1 - h) * cost * math.exp(mu * s)
        sd = sigma * math.sqrt(s)
        d1 = (math.log(forward / owed) + sd**2 / 2) / sd
        return owed * stats.norm.cdf(-(d1 - sd)) - forward * stats.norm.cdf(-d1)

    loss = sum(integrate.quad(lambda s: lam * math.exp(-(r + lam) * s) * put(s), k, k + 1, epsabs=1e-3)[0] for k in range(n))
    model = L.amortising_loan_value(rate, deal, volatility=sigma, drift=mu, default_intensity=lam, risk_free_rate=r,
                                    forced_sale_loss=h)
    assert model.expected_loss_usd == pytest.approx(loss, rel=1e-7)


@pytest.mark.parametrize("volatility", [0.2, 0.6, 1.3])
def test_implied_volatility_round_trips(volatility):
    rate = L.break_even_loan_rate(volatility=volatility)
    assert L.implied_collateral_volatility(rate) == pytest.approx(volatility, abs=1e-6)


def test_the_default_intensity_is_the_credit_triangle_of_xais_notes():
    spread = math.log(1.125) - g.DEFAULT_RISK_FREE_RATE
    assert L.DEFAULT_LESSEE_DEFAULT_INTENSITY == pytest.approx(spread / (1 - 0.4), rel=1e-12)


def test_probabilities_are_ordered():
    v = L.amortising_loan_value(0.095, volatility=0.9)
    assert 0 < v.probability_of_loss < v.probability_of_lessee_default < 1
    assert v.probability_of_lessee_default == pytest.approx(-math.expm1(-5 * L.DEFAULT_LESSEE_DEFAULT_INTENSITY))


def test_a_risk_premium_lowers_the_pricing_worlds_collateral_and_raises_the_rate():
    assert L.break_even_loan_rate(volatility=0.5, risk_premium=0.2) > L.break_even_loan_rate(volatility=0.5)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: L.implied_collateral_volatility(0.01), "loan_rate"),
        (lambda: L.implied_collateral_volatility(0.5), "loan_rate"),
        (lambda: L.implied_collateral_volatility(1.5), "loan_rate"),
        (lambda: L.break_even_loan_rate(volatility=0.0), "volatility"),
        (lambda: L.break_even_loan_rate(volatility=2.5), "volatility"),
        (lambda: L.break_even_loan_rate(volatility=0.5, default_intensity=-0.1), "default_intensity"),
        (lambda: L.break_even_loan_rate(volatility=0.5, coverage=1.2), "coverage"),
        (lambda: L.amortising_loan_value(-0.01, volatility=0.5), "loan_rate"),
        (lambda: L.break_even_loan_rate(SMALL.replace(equity_usd=100.0, debt_usd=0.0), volatility=0.5), "debt_usd"),
    ],
)
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_decline_sensitivity_is_the_model_at_each_end():
    from gpu_finance.depreciation import DeclineEstimate

    estimate = DeclineEstimate(0.3, 0.15, 0.45, 0.9, 5, True, "test")
    frame = L.decline_sensitivity(estimate, volatility=0.8, coverage=0.5)
    assert list(frame["case"]) == ["low", "estimate", "high"]
    high = frame.set_index("case").loc["high"]
    assert high["drift"] == pytest.approx(math.log(0.55), rel=1e-12)
    assert high["break_even_rate"] == L.break_even_loan_rate(volatility=0.8, drift=math.log(0.55))
    direct = L.amortising_loan_value(L.REPORTED_LOAN_RATE, volatility=0.8, drift=math.log(0.55), coverage=0.5)
    assert high["guarantee_value_usd"] == direct.guarantee_value_usd
    # a faster fall makes lending riskier, and needs less volatility to explain the reported rate
    assert frame["break_even_rate"].is_monotonic_increasing
    assert frame["implied_volatility"].is_monotonic_decreasing
    with pytest.raises(ValueError, match="DeclineEstimate"):
        L.decline_sensitivity(0.3)
