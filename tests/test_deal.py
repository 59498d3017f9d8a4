"""The SPV deal: validation, the Colossus 2 base case, and the debt schedule.

The schedule is checked against a hand-worked loan, the closed-form annuity formula and, with
hypothesis, the identities any amortising loan obeys.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import numpy_financial as npf
from hypothesis import assume, given, settings
from numpy.testing import assert_allclose

from gpu_finance import COLOSSUS_2, Deal, capital_structure, debt_schedule, fact, fact_row
from gpu_finance.deal import annuity_payment

from .strategies import deals

VALID = dict(total_cost_usd=10e9, equity_usd=4e9, debt_usd=6e9, vendor_equity_usd=1e9,
             debt_rate=0.08, debt_term_years=5, lease_term_years=5)


def make(**changes) -> Deal:
    return Deal(**{**VALID, **changes})


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize("field, bad, pattern", [
    ("total_cost_usd", 0.0, r"total_cost_usd=0.0 is outside \(0, inf\]"),
    ("total_cost_usd", -5.0, r"total_cost_usd=-5.0 is outside"),
    ("equity_usd", -1.0, r"equity_usd=-1.0 is outside \[0, inf\]"),
    ("debt_usd", float("nan"), r"debt_usd=nan is not a number"),
    ("debt_usd", "6e9", r"debt_usd='6e9' is not a number"),
    ("debt_rate", 1.0, r"debt_rate=1.0 is outside \[0, 1\)"),
    ("debt_rate", -0.01, r"debt_rate=-0.01 is outside \[0, 1\)"),
    ("debt_rate", math.inf, r"debt_rate=inf is outside \[0, 1\)"),
    ("debt_term_years", 0, r"debt_term_years=0 is outside \[1, 15\]"),
    ("debt_term_years", 16, r"debt_term_years=16 is outside \[1, 15\]"),
    ("lease_term_years", 4.5, r"lease_term_years=4.5 is not a whole number in \[1, 15\]"),
    ("lease_term_years", None, r"lease_term_years=None is not a whole number"),
])
def test_bad_value_names_field_value_and_range(field, bad, pattern):
    with pytest.raises(ValueError, match=pattern):
        make(**{field: bad})


def test_equity_plus_debt_must_equal_total_within_a_cent():
    make(debt_usd=6e9 + 0.004, total_cost_usd=10e9 + 0.004)  # within a cent: fine
    with pytest.raises(ValueError, match=r"equity_usd \+ debt_usd = 10,000,000,000.02 must equal total_cost_usd"):
        make(debt_usd=6e9 + 0.02)


def test_vendor_equity_cannot_exceed_equity():
    with pytest.raises(ValueError, match=r"vendor_equity_usd=4000000001.0 is outside \[0, 4e\+09\]"):
        make(vendor_equity_usd=4e9 + 1)
    with pytest.raises(ValueError, match=r"vendor_equity_usd=-1.0 is outside"):
        make(vendor_equity_usd=-1.0)


def test_deal_is_frozen_and_replace_revalidates():
    deal = make()
    with pytest.raises(AttributeError):
        deal.debt_rate = 0.2  # type: ignore[misc]
    with pytest.raises(ValueError, match="debt_rate"):
        deal.replace(debt_rate=2.0)


def test_terms_are_stored_as_ints():
    deal = make(debt_term_years=5.0)
    assert deal.debt_term_years == 5 and isinstance(deal.debt_term_years, int)


# --------------------------------------------------------------------------- the base case
def test_colossus_2_is_the_reported_structure_from_the_data():
    assert COLOSSUS_2.total_cost_usd == 20e9
    assert COLOSSUS_2.equity_usd == 7.5e9
    assert COLOSSUS_2.debt_usd == 12.5e9
    assert COLOSSUS_2.vendor_equity_usd == 2e9
    assert COLOSSUS_2.lease_term_years == 5
    for field, key in [("total_cost_usd", "colossus2.total_cost_usd"), ("debt_rate", "colossus2.debt_rate"),
                       ("debt_term_years", "colossus2.debt_term_years")]:
        assert getattr(COLOSSUS_2, field) == fact(key)
        assert fact_row(key)["confidence"] in {"C", "S", "X", "A"}


def test_assumed_terms_are_marked_as_assumptions():
    assert fact_row("colossus2.debt_term_years")["confidence"] == "A"
    assert fact_row("colossus2.debt_rate")["confidence"] == "S"


def test_with_debt_share_keeps_cost_and_vendor_and_respects_the_vendor_limit():
    deal = COLOSSUS_2.with_debt_share(0.5)
    assert deal.total_cost_usd == COLOSSUS_2.total_cost_usd
    assert deal.vendor_equity_usd == COLOSSUS_2.vendor_equity_usd
    assert deal.debt_usd == 10e9 and deal.equity_usd == 10e9
    assert COLOSSUS_2.with_debt_share(0.9).equity_usd == pytest.approx(2e9)
    with pytest.raises(ValueError, match=r"debt_share=0.95 is outside \[0, 0.9\]"):
        COLOSSUS_2.with_debt_share(0.95)


# --------------------------------------------------------------------------- capital structure
@settings(max_examples=100, deadline=None)
@given(deals())
def test_capital_structure_adds_up_to_the_cost(deal):
    frame = capital_structure(deal)
    assert_allclose(frame["amount_usd"].sum(), deal.total_cost_usd, rtol=1e-12)
    assert_allclose(frame["share_of_cost"].sum(), 1.0, rtol=1e-12)
    equity = frame.loc[frame["instrument"] == "equity", "amount_usd"].sum()
    assert_allclose(equity, deal.equity_usd, rtol=1e-12, atol=1e-6)
    assert (frame["amount_usd"] >= 0).all()


# --------------------------------------------------------------------------- debt schedule
def test_debt_schedule_hand_worked_two_year_loan():
    # $100 at 10% over 2 years: payment = 100 * 0.1 / (1 - 1.1**-2) = 57.6190...
    schedule = debt_schedule(Deal(100, 0, 100, 0, 0.10, 2, 2))
    payment = 100 * 0.1 / (1 - 1.1 ** -2)
    assert_allclose(schedule["payment_usd"], [payment, payment])
    assert_allclose(schedule["interest_usd"], [10.0, (100 - (payment - 10)) * 0.1])
    assert_allclose(schedule["principal_usd"], [payment - 10, 100 - (payment - 10)])
    assert_allclose(schedule["closing_balance_usd"], [100 - (payment - 10), 0.0], atol=1e-9)


def test_debt_schedule_zero_rate_repays_in_equal_parts():
    schedule = debt_schedule(Deal(120, 20, 100, 0, 0.0, 4, 4))
    assert_allclose(schedule["principal_usd"], [25.0] * 4)
    assert_allclose(schedule["interest_usd"], [0.0] * 4)


def test_colossus_payment_matches_the_annuity_formula():
    r, n, p = 0.095, 5, 12.5e9
    expected = p * r / (1 - (1 + r) ** -n)
    assert_allclose(debt_schedule(COLOSSUS_2)["payment_usd"], expected, rtol=1e-12)


@settings(max_examples=150, deadline=None)
@given(deals())
def test_debt_schedule_identities(deal):
    s = debt_schedule(deal)
    scale = max(deal.debt_usd, 1.0)
    assert list(s["year"]) == list(range(1, deal.debt_term_years + 1))
    # the balance reaches zero at term, and principal repaid sums to the debt
    assert abs(s["closing_balance_usd"].iloc[-1]) <= 1e-6 * scale
    atol = 1e-12 * scale  # float rounding on amounts up to $100B
    assert_allclose(s["principal_usd"].sum(), deal.debt_usd, rtol=1e-9, atol=atol)
    # each payment is interest on the opening balance plus principal
    assert_allclose(s["interest_usd"], s["opening_balance_usd"] * deal.debt_rate, rtol=1e-9, atol=atol)
    assert_allclose(s["payment_usd"], s["interest_usd"] + s["principal_usd"], rtol=1e-9, atol=atol)
    # balances roll forward
    assert_allclose(s["opening_balance_usd"] - s["principal_usd"], s["closing_balance_usd"], rtol=1e-9, atol=atol)
    assert_allclose(s["opening_balance_usd"].iloc[1:].to_numpy(), s["closing_balance_usd"].iloc[:-1].to_numpy())
    # the level payment is the closed-form annuity
    r, n = deal.debt_rate, deal.debt_term_years
    # the annuity: the debt over the sum of the discount factors (1 + r)**-k, k = 1..n
    expected = deal.debt_usd / sum((1 + r) ** -k for k in range(1, n + 1))
    assert_allclose(s["payment_usd"], expected, rtol=1e-9, atol=atol)
    assert not s.isna().any().any()
    assert np.all(np.diff(s["principal_usd"]) >= -1e-6 * scale)  # principal never shrinks


@settings(max_examples=150, deadline=None)
@given(deals())
def test_debt_schedule_matches_numpy_financial(deal):
    """numpy-financial as an independent reference, at rates where its formulas are accurate."""
    assume(deal.debt_rate == 0 or deal.debt_rate >= 1e-4)
    s = debt_schedule(deal)
    n, r, p = deal.debt_term_years, deal.debt_rate, deal.debt_usd
    periods = np.arange(1, n + 1)
    atol = 1e-9 * max(p, 1.0)
    assert_allclose(s["payment_usd"], -npf.pmt(r, n, p), rtol=1e-9, atol=atol)
    if r > 0:  # numpy-financial divides by the rate in ipmt/ppmt
        assert_allclose(s["interest_usd"], -npf.ipmt(r, periods, n, p), rtol=1e-9, atol=atol)
        assert_allclose(s["principal_usd"], -npf.ppmt(r, periods, n, p), rtol=1e-9, atol=atol)


def test_annuity_payment_rejects_bad_input():
    with pytest.raises(ValueError, match=r"rate=1.0 is outside \[0, 1\)"):
        annuity_payment(100, 1.0, 5)
    with pytest.raises(ValueError, match=r"years=0 is outside \[1, 15\]"):
        annuity_payment(100, 0.1, 0)
    with pytest.raises(ValueError, match=r"principal_usd=-1 is outside \[0, inf\]"):
        annuity_payment(-1, 0.1, 5)


def test_debt_schedule_rejects_a_non_deal():
    with pytest.raises(ValueError, match="deal=.* is not a gpu_finance.Deal"):
        debt_schedule({"debt_usd": 1})


@pytest.mark.parametrize("rate", [5e-324, 1e-320, 1e-300, 1e-16])
def test_subnormal_and_tiny_rates_still_repay_exactly_the_debt(rate):
    # found by hypothesis: at a rate of 5e-324 the closed form paid $382,812.00 on a $382,812.50 loan
    deal = Deal(1e6, 617187.5, 382812.5, 0, rate, 1, 1)
    assert annuity_payment(382812.5, rate, 1) == pytest.approx(382812.5, rel=1e-14)
    assert debt_schedule(deal)["principal_usd"].sum() == pytest.approx(382812.5, rel=1e-14)


@settings(max_examples=100, deadline=None)
@given(deals())
def test_debt_schedule_equals_the_spreadsheet_loop(deal):
    """Chapter 1's build exercise: the year-by-year loop a lender's spreadsheet runs (interest on the
    opening balance, the rest of the level payment as principal) gives the closed-form schedule."""
    s = debt_schedule(deal)
    payment = annuity_payment(deal.debt_usd, deal.debt_rate, deal.debt_term_years)
    balance, opening, interest, principal = deal.debt_usd, [], [], []
    for _ in range(deal.debt_term_years):
        opening.append(balance)
        interest.append(balance * deal.debt_rate)
        principal.append(payment - interest[-1])
        balance -= principal[-1]
    atol = 1e-9 * max(deal.debt_usd, 1.0)
    assert_allclose(s["opening_balance_usd"], opening, rtol=1e-9, atol=atol)
    assert_allclose(s["interest_usd"], interest, rtol=1e-9, atol=atol)
    assert_allclose(s["principal_usd"], principal, rtol=1e-9, atol=atol)
    assert abs(balance) <= atol


def test_with_funding_sets_the_split_the_vendor_and_other_terms_and_keeps_the_identity():
    changed = COLOSSUS_2.with_funding(0.6, 1.5e9, debt_rate=0.07, lease_term_years=4)
    assert changed.debt_usd == pytest.approx(12e9) and changed.equity_usd == pytest.approx(8e9)
    assert changed.debt_usd + changed.equity_usd == pytest.approx(changed.total_cost_usd, abs=0.01)
    assert (changed.vendor_equity_usd, changed.debt_rate, changed.lease_term_years) == (1.5e9, 0.07, 4)
    assert COLOSSUS_2.with_funding(0.25).vendor_equity_usd == COLOSSUS_2.vendor_equity_usd  # unchanged by default


def test_with_funding_refuses_a_vendor_stake_larger_than_the_equity():
    with pytest.raises(ValueError, match="vendor_equity_usd"):
        COLOSSUS_2.with_funding(0.95, 2e9)  # 5% of $20B is $1B of equity: the $2B stake does not fit
    with pytest.raises(ValueError, match="debt_share=1.2"):
        COLOSSUS_2.with_funding(1.2)
