"""The lender's view: chapter 1's loan balance against the GPUs' market value, by hand and with
hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from gpu_finance import (
    CALIBRATED_ANNUAL_DECLINE,
    COLOSSUS_2,
    COVENANT_MAX_LTV,
    LIQUIDATION_COST_FRACTION,
    Deal,
    collateral_path,
    covenant_breach_year,
    debt_schedule,
    depreciation_fact,
    market_value_path,
)

from .strategies import deals, declines, fractions, steps

SETTINGS = settings(max_examples=150, deadline=None)

# A zero-rate loan of 60 repaid 20 a year over 3 years, on GPUs that cost 100.
SMALL = Deal(100, 40, 60, 0, 0.0, 3, 3)


def test_ltv_breach_and_recovery_by_hand():
    path = collateral_path(SMALL, 0.5, covenant_max_ltv=0.75, liquidation_cost_fraction=0.1)
    assert_allclose(path["loan_balance_usd"], [60, 40, 20, 0])
    assert_allclose(path["market_value_usd"], [100, 50, 25, 12.5])
    assert_allclose(path["ltv"], [0.6, 0.8, 0.8, 0.0])
    assert covenant_breach_year(path) == 1
    assert_allclose(path["recovery_usd"], [60, 40, 20, 0])  # 90% of 50 = 45 covers 40


def test_a_steeper_fall_leaves_lenders_short():
    path = collateral_path(SMALL, 0.6, liquidation_cost_fraction=0.1)
    assert_allclose(path["market_value_usd"], [100, 40, 16, 6.4])
    assert_allclose(path["ltv"], [0.6, 1.0, 1.25, 0.0])
    assert_allclose(path["recovery_usd"], [60, 36, 14.4, 0])  # 90% of the market value
    assert_allclose(path["lender_loss_usd"], [0, 4, 5.6, 0])
    assert_allclose(path["recovery_rate"], [1, 0.9, 0.72, 1])


def test_no_breach_when_the_value_holds_up():
    assert covenant_breach_year(collateral_path(SMALL, 0.0)) is None


def test_a_loan_above_the_covenant_at_signing_breaks_it_in_year_zero():
    assert covenant_breach_year(collateral_path(SMALL, 0.0, covenant_max_ltv=0.5)) == 0


def test_colossus_defaults_are_the_books_assumptions_and_calibration():
    path = collateral_path(COLOSSUS_2)
    assert COVENANT_MAX_LTV == depreciation_fact("chapter2.covenant_max_ltv") == 0.8
    assert LIQUIDATION_COST_FRACTION == depreciation_fact("chapter2.liquidation_cost_fraction") == 0.1
    expected = market_value_path(20e9, 5, CALIBRATED_ANNUAL_DECLINE)["market_value_usd"]
    assert_allclose(path["market_value_usd"], expected)
    assert path["ltv"].iloc[0] == pytest.approx(0.625)  # $12.5B of $20B at signing


@SETTINGS
@given(deals(), declines, steps, st.integers(1, 15), fractions)
def test_the_ltv_path_uses_chapter_ones_loan_balance(deal, decline, step, interval, haircut):
    path = collateral_path(deal, decline, generation_step=step, generation_interval_years=interval,
                           liquidation_cost_fraction=haircut)
    schedule = debt_schedule(deal)
    assert path["year"].tolist() == list(range(deal.debt_term_years + 1))
    assert path["loan_balance_usd"].iloc[0] == deal.debt_usd
    assert_allclose(path["loan_balance_usd"].iloc[1:], schedule["closing_balance_usd"],
                    atol=1e-9 * max(deal.debt_usd, 1.0))
    market = market_value_path(deal.total_cost_usd, deal.debt_term_years, decline, generation_step=step,
                               generation_interval_years=interval)["market_value_usd"]
    assert_allclose(path["market_value_usd"], market)
    assert_allclose(path["ltv"] * path["market_value_usd"], path["loan_balance_usd"], rtol=1e-12, atol=1e-6)
    assert np.all(np.isfinite(path["ltv"]))
    # what lenders recover plus what they lose is what they are owed, and recovery is capped twice
    assert_allclose(path["recovery_usd"] + path["lender_loss_usd"], path["loan_balance_usd"], rtol=1e-12)
    assert (path["recovery_usd"] <= path["loan_balance_usd"] + 1e-9).all()
    assert (path["recovery_usd"] <= path["market_value_usd"] * (1 - haircut) * (1 + 1e-12) + 1e-9).all()
    assert ((path["recovery_rate"] >= 0) & (path["recovery_rate"] <= 1 + 1e-12)).all()


@SETTINGS
@given(deals(), st.floats(0.0, 0.9), st.floats(0.0, 0.9))
def test_a_faster_fall_never_lowers_the_ltv(deal, slow, extra):
    fast = min(slow + extra, 0.95)
    assert (collateral_path(deal, fast)["ltv"] >= collateral_path(deal, slow)["ltv"] - 1e-12).all()


def test_an_all_equity_deal_owes_lenders_nothing():
    path = collateral_path(Deal(100, 100, 0, 0, 0.05, 3, 3), 0.5)
    assert (path["ltv"] == 0).all() and (path["recovery_rate"] == 1).all()
    assert covenant_breach_year(path) is None


@pytest.mark.parametrize("kwargs, message", [
    ({"annual_decline": 1.0}, r"annual_decline=1.0 is outside \[0, 1\)"),
    ({"covenant_max_ltv": 0}, r"covenant_max_ltv=0 is outside \(0, 1\]"),
    ({"covenant_max_ltv": 1.5}, r"covenant_max_ltv=1.5 is outside"),
    ({"liquidation_cost_fraction": 1.2}, r"liquidation_cost_fraction=1.2 is outside \[0, 1\]"),
    ({"generation_step": -0.1}, r"generation_step=-0.1 is outside"),
    ({"salvage_fraction": 1.01}, r"salvage_fraction=1.01 is outside"),
])
def test_bad_collateral_inputs_name_the_parameter(kwargs, message):
    with pytest.raises(ValueError, match=message):
        collateral_path(COLOSSUS_2, **kwargs)


def test_collateral_path_needs_a_deal_and_breach_year_a_path():
    with pytest.raises(ValueError, match="is not a gpu_finance.Deal"):
        collateral_path({"debt_usd": 1})
    with pytest.raises(ValueError, match="path must be a DataFrame from collateral_path"):
        covenant_breach_year([0.5, 0.9])
