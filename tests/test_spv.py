"""The SPV's lease payment: hand-worked cases, the equity's IRR (numpy-financial) and hypothesis."""

from __future__ import annotations

import numpy as np
import pandas as pd
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


# ================================================================== chapter 1: the whole vehicle
from gpu_finance import (  # noqa: E402
    FLOW_PERIODS,
    PARTIES,
    VALOR_COMPUTE,
    equity_irr,
    founder_dilution,
    money_flows,
    rate_implicit_in_lease,
    spv_cash_flows,
    summed_flows,
    vendor_loop,
)

from .strategies import funded_deals, residuals, target_returns  # noqa: E402

CASH_IN = ["debt_drawn_usd", "equity_in_usd", "lease_income_usd", "residual_value_usd"]
CASH_OUT = ["gpu_purchase_usd", "interest_usd", "principal_usd", "balloon_usd"]


def _cash_balance(flows):
    """Cash in minus cash out each year; the equity's part is counted where it is paid out."""
    inflow = flows[CASH_IN].sum(axis=1) - flows["equity_in_usd"]  # year 0's equity is -cash_to_equity
    outflow = flows[CASH_OUT].sum(axis=1) + flows["cash_to_equity_usd"]
    return inflow - outflow


def test_hand_worked_small_vehicle():
    # 60 borrowed at 10% over 2 years: 60 * 0.1 / (1 - 1.1**-2) a year. 40 of equity wanting 20%:
    # 40 / (1/1.2 + 1/1.44) a year. The lease is the sum of the two.
    deal = Deal(100, 40, 60, 0, 0.10, 2, 2)
    debt_service = 60 * 0.1 / (1 - 1.1 ** -2)
    to_equity = 40 / (1 / 1.2 + 1 / 1.44)
    flows = spv_cash_flows(deal, 0.20, 0.0)
    assert flows["year"].tolist() == [0, 1, 2]
    assert_allclose(flows["lease_income_usd"], [0, debt_service + to_equity, debt_service + to_equity])
    assert_allclose(flows["interest_usd"], [0, 6.0, 0.1 * (60 - (debt_service - 6.0))])
    assert_allclose(flows["cash_to_equity_usd"], [-40, to_equity, to_equity])
    assert_allclose(flows["dscr"].iloc[1:], (debt_service + to_equity) / debt_service)
    assert np.isnan(flows["dscr"].iloc[0])


def test_colossus_base_case_table():
    flows = spv_cash_flows(COLOSSUS_2)
    assert len(flows) == COLOSSUS_2.lease_term_years + 1
    assert flows["debt_outstanding_usd"].iloc[0] == COLOSSUS_2.debt_usd
    assert flows["debt_outstanding_usd"].iloc[-1] == 0.0
    assert flows["principal_usd"].sum() == pytest.approx(COLOSSUS_2.debt_usd, rel=1e-12)
    assert npf.irr(flows["cash_to_equity_usd"]) == pytest.approx(TARGET_EQUITY_RETURN, abs=1e-9)
    assert equity_irr(flows) == pytest.approx(0.22, abs=1e-9)
    # the DSCR is level, because both the lease and the annuity are level
    assert flows["dscr"].iloc[1:].std() < 1e-12 and flows["dscr"].iloc[1] > 1


def test_debt_amortises_as_numpy_financial_says():
    flows = spv_cash_flows(COLOSSUS_2).iloc[1:]
    rate, n, debt = COLOSSUS_2.debt_rate, COLOSSUS_2.debt_term_years, COLOSSUS_2.debt_usd
    periods = np.arange(1, n + 1)
    assert_allclose(flows["interest_usd"], -npf.ipmt(rate, periods, n, debt), rtol=1e-10)
    assert_allclose(flows["principal_usd"], -npf.ppmt(rate, periods, n, debt), rtol=1e-10)


def test_loan_longer_than_the_lease_ends_with_a_balloon_paid_from_the_residual():
    deal = Deal(100, 30, 70, 0, 0.08, 8, 5)
    flows = spv_cash_flows(deal, 0.15, 0.5)
    owed_after_five = debt_schedule(deal)["closing_balance_usd"].iloc[4]
    assert flows["balloon_usd"].iloc[-1] == pytest.approx(owed_after_five)
    assert flows["debt_outstanding_usd"].iloc[-1] == 0.0
    assert flows["residual_value_usd"].iloc[-1] == pytest.approx(50.0)


def test_loan_shorter_than_the_lease_leaves_years_without_debt_service():
    deal = Deal(100, 30, 70, 0, 0.08, 3, 6)
    flows = spv_cash_flows(deal, 0.15, 0.0)
    assert (flows["debt_outstanding_usd"].iloc[3:] == 0).all()
    assert flows["dscr"].iloc[4:].isna().all() and flows["dscr"].iloc[1:4].notna().all()


@settings(max_examples=150, deadline=None)
@given(funded_deals(), target_returns, residuals)
def test_cash_flow_identities_hold_for_any_deal(deal, target, residual):
    flows = spv_cash_flows(deal, target, residual)
    scale = deal.total_cost_usd
    # cash in equals cash out, every year
    assert np.abs(_cash_balance(flows)).max() <= 1e-9 * scale
    # the debt is repaid, and only once
    assert abs(flows["principal_usd"].sum() + flows["balloon_usd"].sum() - deal.debt_usd) <= 1e-9 * scale
    assert flows["debt_outstanding_usd"].iloc[-1] == 0.0 or deal.debt_term_years > deal.lease_term_years
    assert abs(flows["debt_outstanding_usd"].iloc[-1]) <= 1e-9 * scale
    # the equity earns exactly its target: zero NPV at the target, and numpy-financial's IRR
    cash = flows["cash_to_equity_usd"].to_numpy()
    assert abs(np.sum(cash / (1 + target) ** np.arange(len(cash)))) <= 1e-9 * scale
    assert_allclose(cash, equity_cash_flows(deal, target, residual), atol=1e-9 * scale)
    signs = np.sign(cash[np.abs(cash) > 1e-9 * scale])
    if len(signs) > 1 and np.count_nonzero(np.diff(signs)) == 1:
        assert equity_irr(flows) == pytest.approx(target, abs=1e-9)
    # no NaN except the DSCR where there is no debt service
    assert flows.drop(columns="dscr").notna().all().all()
    assert (flows["dscr"].isna() == (flows["debt_service_usd"] <= 1e-12 * scale)).all()


def test_implicit_rate_is_the_equity_return_without_debt_and_the_loan_rate_without_equity():
    assert rate_implicit_in_lease(Deal(100, 100, 0, 0, 0.07, 4, 4), 0.18, 0.0) == pytest.approx(0.18, abs=1e-9)
    all_debt = Deal(100, 0, 100, 0, 0.07, 4, 4)
    assert rate_implicit_in_lease(all_debt, 0.18, 0.0) == pytest.approx(0.07, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(funded_deals(), st.floats(0.0, 0.5))
def test_implicit_rate_lies_between_the_loan_rate_and_the_equity_return(deal, target):
    deal = deal.replace(debt_term_years=deal.lease_term_years)
    rate = rate_implicit_in_lease(deal, target, 0.0)
    low, high = sorted([deal.debt_rate, target])
    assert low - 1e-7 <= rate <= high + 1e-7


# ------------------------------------------------------------------ money flows
@settings(max_examples=100, deadline=None)
@given(funded_deals(), target_returns, residuals)
def test_the_vehicle_passes_on_every_dollar_in_each_period(deal, target, residual):
    flows = money_flows(deal, target, residual)
    assert set(flows["from_party"]) | set(flows["to_party"]) <= set(PARTIES) | {"spv"}
    assert set(flows["when"]) <= set(FLOW_PERIODS)
    assert (flows["amount_usd"] > 0).all()
    for when, part in flows.groupby("when"):
        into = part.loc[part["to_party"] == "spv", "amount_usd"].sum()
        out = part.loc[part["from_party"] == "spv", "amount_usd"].sum()
        # money_flows leaves out flows of at most 1e-9 of the cost (rounding noise), so a period
        # balances to within a few of those
        assert abs(into - out) <= 4e-9 * deal.total_cost_usd, when


def test_money_flows_of_the_base_case():
    flows = money_flows(COLOSSUS_2)
    table = spv_cash_flows(COLOSSUS_2)
    to_lenders = flows.loc[flows["to_party"] == "lenders", "amount_usd"].sum()
    assert to_lenders == pytest.approx(COLOSSUS_2.debt_usd + table["interest_usd"].sum())
    rent = flows.loc[flows["from_party"] == "sponsor", "amount_usd"].sum()
    assert rent == pytest.approx(5 * lease_payment(COLOSSUS_2))
    # the vendor gets back its share (2 of 7.5) of what the equity receives
    to_vendor = flows.loc[(flows["to_party"] == "vendor") & (flows["what"] == "cash to equity"), "amount_usd"].sum()
    assert to_vendor == pytest.approx(table["cash_to_equity_usd"].iloc[1:].sum() * 2 / 7.5)
    assert list(flows["when"].unique()) == ["at signing", "during the lease"]  # no residual, no balloon


def test_summed_flows_agree_with_a_pandas_groupby_and_keep_the_order_and_the_names():
    flows = money_flows(COLOSSUS_2)
    summed = summed_flows(flows, by=["when"])
    expected = (flows.groupby(["from_party", "to_party", "when"], sort=False)
                .agg(amount_usd=("amount_usd", "sum"), what=("what", lambda w: " + ".join(dict.fromkeys(w))))
                .reset_index())
    pd.testing.assert_frame_equal(summed, expected, check_exact=False, rtol=1e-12)
    whole = summed_flows(flows)
    assert whole["amount_usd"].sum() == pytest.approx(flows["amount_usd"].sum())  # nothing lost or doubled
    assert len(whole) == len(flows[["from_party", "to_party"]].drop_duplicates())
    with pytest.raises(ValueError, match=r"no column \['when'\]"):
        summed_flows(flows.drop(columns="when"), by=["when"])
    with pytest.raises(ValueError, match=r"by='when' must be a list of column names"):
        summed_flows(flows, by="when")


def test_equity_that_must_top_up_flows_into_the_vehicle():
    # a big residual lets the lease undercut debt service; the equity pays in during the lease
    deal = Deal(100, 20, 80, 5, 0.10, 5, 5)
    flows = money_flows(deal, 0.10, 1.0)
    top_ups = flows[flows["what"] == "more equity"]
    assert set(top_ups["to_party"]) == {"spv"} and set(top_ups["when"]) == {"during the lease"}


# ------------------------------------------------------------------ dilution and the vendor loop
def test_dilution_hand_worked():
    # $7.5B of new shares at a $200B pre-money valuation: new investors own 7.5 / 207.5
    frame = founder_dilution(COLOSSUS_2, 200e9).set_index("route")
    assert frame.loc["parent raises the equity", "new_investors_share"] == pytest.approx(7.5 / 207.5)
    assert frame.loc["parent raises the equity", "stake_after"] == pytest.approx(200 / 207.5)
    assert frame.loc["through the SPV", "stake_after"] == 1.0
    assert frame.loc["through the SPV", "dilution"] == 0.0


@settings(max_examples=100, deadline=None)
@given(funded_deals(), st.floats(1e6, 1e13), st.floats(0.001, 1.0))
def test_dilution_takes_a_share_but_not_value(deal, valuation, stake):
    frame = founder_dilution(deal, valuation, stake).set_index("route")
    parent = frame.loc["parent raises the equity"]
    assert parent["stake_after"] <= stake
    assert parent["stake_after"] + parent["new_investors_share"] * stake == pytest.approx(stake)
    assert parent["stake_value_usd"] == pytest.approx(stake * valuation, rel=1e-12)


def test_vendor_loop_of_the_base_case():
    loop = vendor_loop(COLOSSUS_2, 0.7)
    assert loop.vendor_funded_share == pytest.approx(2 / 20)
    assert loop.gross_profit_usd == pytest.approx(14e9)
    assert loop.net_cash_at_signing_usd == pytest.approx(18e9)
    assert loop.profit_if_spv_fails_usd == pytest.approx(12e9)
    at_breakeven = vendor_loop(COLOSSUS_2, loop.breakeven_gross_margin)
    assert at_breakeven.profit_if_spv_fails_usd == pytest.approx(0.0, abs=1e-3)
    assert loop.table()["amount_usd"].tolist() == [2e9, 20e9, pytest.approx(14e9), pytest.approx(12e9)]


def test_valor_compute_is_built_from_its_data_rows():
    assert VALOR_COMPUTE.total_cost_usd == fact("valor.total_cost_usd")
    assert VALOR_COMPUTE.debt_usd == fact("valor.apollo_debt_usd")
    assert VALOR_COMPUTE.vendor_equity_usd == 0.0


@pytest.mark.parametrize("call, message", [
    (lambda: spv_cash_flows(COLOSSUS_2, target_equity_return=1.2), r"target_equity_return=1.2 is outside"),
    (lambda: spv_cash_flows(COLOSSUS_2, residual_value_fraction=-0.1), r"residual_value_fraction=-0.1"),
    (lambda: spv_cash_flows("deal"), r"deal='deal' is not a gpu_finance.Deal"),
    (lambda: money_flows(COLOSSUS_2, residual_value_fraction=2), r"residual_value_fraction=2 is outside"),
    (lambda: rate_implicit_in_lease(COLOSSUS_2, target_equity_return=float("nan")), r"target_equity_return=nan"),
    (lambda: founder_dilution(COLOSSUS_2, 0), r"pre_money_valuation_usd=0 is outside \(0, inf\]"),
    (lambda: founder_dilution(COLOSSUS_2, 1e9, existing_stake=0), r"existing_stake=0 is outside \(0, 1\]"),
    (lambda: founder_dilution(COLOSSUS_2, "big"), r"pre_money_valuation_usd='big' is not a number"),
    (lambda: vendor_loop(COLOSSUS_2, 1.0), r"gross_margin=1.0 is outside \[0, 1\)"),
    (lambda: vendor_loop(None, 0.5), r"deal=None is not a gpu_finance.Deal"),
    (lambda: equity_irr(pd.DataFrame({"x": [1]})), r"flows must be a DataFrame from spv_cash_flows"),
    (lambda: equity_irr(pd.DataFrame({"cash_to_equity_usd": [1.0, 2.0]})), r"flows has no internal rate"),
])
def test_chapter_one_bad_inputs_name_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
