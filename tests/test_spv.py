"""The SPV's lease payment: hand-worked cases, the equity's IRR (numpy-financial) and hypothesis."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from gpu_finance import COLOSSUS_2, TARGET_EQUITY_RETURN, Deal, debt_schedule, equity_cash_flows, lease_payment, fact

from .strategies import deals


def test_equity_only_lease_is_the_annuity_at_the_target_return():
    # 100 of equity, no debt, 10% target over 2 years: 100 / (1/1.1 + 1/1.21) = 57.619...
    deal = Deal(100, 100, 0, 0, 0.05, 2, 2)
    assert lease_payment(deal, 0.10) == pytest.approx(100 / (1 / 1.1 + 1 / 1.21))


def test_residual_value_lowers_the_payment_by_its_annuity():
    deal = Deal(100, 100, 0, 0, 0.05, 2, 2)
    # a residual of 30 at year 2 is worth 30/1.21 today, spread over the 2-year annuity factor
    drop = (30 / 1.21) / (1 / 1.1 + 1 / 1.21)
    assert lease_payment(deal, 0.10, 0.3) == pytest.approx(lease_payment(deal, 0.10) - drop)


def test_zero_target_return_just_returns_the_money():
    deal = Deal(100, 40, 60, 0, 0.0, 4, 4)
    # debt service 15 a year, equity 40 back over 4 years: 10 a year
    assert lease_payment(deal, 0.0) == pytest.approx(25.0)


def test_colossus_lease_covers_debt_service_and_the_reported_target():
    payment = lease_payment(COLOSSUS_2)
    service = debt_schedule(COLOSSUS_2)["payment_usd"].iloc[0]
    assert payment > service
    assert TARGET_EQUITY_RETURN == fact("colossus2.target_equity_return") == 0.22
    assert npf.irr(equity_cash_flows(COLOSSUS_2)) == pytest.approx(0.22, abs=1e-9)


def test_debt_longer_than_the_lease_is_repaid_from_the_residual():
    deal = Deal(100, 20, 80, 0, 0.08, 10, 5)
    flows = equity_cash_flows(deal, 0.15, 0.6)
    still_owed = debt_schedule(deal)["closing_balance_usd"].iloc[4]
    payment = lease_payment(deal, 0.15, 0.6)
    service = debt_schedule(deal)["payment_usd"].iloc[0]
    assert flows[-1] == pytest.approx(payment - service + 60 - still_owed)
    assert npf.irr(flows) == pytest.approx(0.15, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(deals(), st.floats(0.0, 0.6), st.floats(0.0, 1.0))
def test_equity_irr_equals_the_target(deal, target, residual):
    assume(deal.equity_share >= 0.01)
    flows = equity_cash_flows(deal, target, residual)
    # the present value at the target return is zero (an exact identity)...
    years = np.arange(len(flows))
    assert abs(np.sum(flows / (1 + target) ** years)) <= 1e-9 * deal.total_cost_usd
    # ...and where the flows change sign once, numpy-financial's IRR finds the target
    signs = np.sign(flows[np.abs(flows) > 1e-9 * deal.total_cost_usd])
    if len(signs) > 1 and np.count_nonzero(np.diff(signs)) == 1:
        assert_allclose(npf.irr(flows), target, atol=1e-9)


@pytest.mark.parametrize("kwargs, message", [
    ({"target_equity_return": 1.0}, r"target_equity_return=1.0 is outside \[0, 1\)"),
    ({"target_equity_return": -0.1}, r"target_equity_return=-0.1 is outside"),
    ({"residual_value_fraction": 1.5}, r"residual_value_fraction=1.5 is outside \[0, 1\]"),
    ({"residual_value_fraction": float("nan")}, r"residual_value_fraction=nan is not a number"),
])
def test_bad_inputs_name_the_parameter(kwargs, message):
    with pytest.raises(ValueError, match=message):
        lease_payment(COLOSSUS_2, **kwargs)
