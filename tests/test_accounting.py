"""The sponsor's books: the ASC 842 liability against independent present values (numpy-financial),
the balance-sheet identity in all five views (hypothesis), the failed sale-leaseback's financing
liability (ASC 842-40), the lease and sale tests and the consolidation tree of three eras."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from gpu_finance import (
    COLOSSUS_2,
    CONSOLIDATION_RULES,
    INCREMENTAL_BORROWING_RATE,
    REPURCHASE_OPTIONS,
    SPONSOR_DEBT_USD,
    SPONSOR_EQUITY_USD,
    VIEWS,
    Deal,
    compare_views,
    consolidation_decision,
    fact,
    financing_liability_schedule,
    lease_classification,
    lease_liability_schedule,
    lease_payment,
    rate_implicit_in_lease,
    sale_leaseback_test,
    spv_cash_flows,
    sponsor_balance_sheets,
)

from .strategies import borrowing_rates, funded_deals, residuals, target_returns


def _view(sheets, view):
    return sheets[sheets["view"] == view].set_index("year")


# ------------------------------------------------------------------ the ASC 842 liability
def test_defaults_are_the_labelled_data_rows():
    assert INCREMENTAL_BORROWING_RATE == fact("sponsor.incremental_borrowing_rate") == 0.125
    assert INCREMENTAL_BORROWING_RATE == fact("xai.corporate_debt_rate")  # the proxy it is set to
    assert SPONSOR_DEBT_USD == fact("xai.corporate_debt_usd")
    assert SPONSOR_EQUITY_USD == fact("sponsor.book_equity_usd")


def test_liability_is_the_present_value_of_the_payments_numpy_financial():
    payment = lease_payment(COLOSSUS_2)
    schedule = lease_liability_schedule(COLOSSUS_2, incremental_borrowing_rate=0.125)
    # numpy-financial's pv of an ordinary annuity, and its npv of [0, X, X, X, X, X]
    assert schedule["liability_usd"].iloc[0] == pytest.approx(-npf.pv(0.125, 5, payment), rel=1e-12)
    assert schedule["liability_usd"].iloc[0] == pytest.approx(npf.npv(0.125, [0] + [payment] * 5), rel=1e-12)
    # and each later year, the payments still to come
    for year in range(1, 6):
        expected = -npf.pv(0.125, 5 - year, payment) if year < 5 else 0.0
        assert schedule["liability_usd"].iloc[year] == pytest.approx(expected, rel=1e-12, abs=1e-3)


def test_hand_worked_liability():
    # two payments of 100 / (1/1.1 + 1/1.21) at 10% are worth exactly 100
    deal = Deal(100, 100, 0, 0, 0.0, 2, 2)
    schedule = lease_liability_schedule(deal, 0.10, 0.0, 0.10)
    assert_allclose(schedule["liability_usd"], [100.0, 100 * 1.1 - 100 / (1 / 1.1 + 1 / 1.21), 0.0], atol=1e-9)
    assert_allclose(schedule["remaining_payments_usd"], [2 * 57.6190476, 57.6190476, 0], rtol=1e-7)


def test_discounting_at_the_implicit_rate_gives_back_the_cost():
    rate = rate_implicit_in_lease(COLOSSUS_2)
    liability = lease_liability_schedule(COLOSSUS_2, incremental_borrowing_rate=rate)["liability_usd"].iloc[0]
    assert liability == pytest.approx(COLOSSUS_2.total_cost_usd, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(funded_deals(), target_returns, residuals, borrowing_rates)
def test_liability_runs_off_by_interest_less_payment(deal, target, residual, rate):
    schedule = lease_liability_schedule(deal, target, residual, rate)
    payment = lease_payment(deal, target, residual)
    liability = schedule["liability_usd"].to_numpy()
    scale = deal.total_cost_usd * (1 + rate) ** deal.lease_term_years
    assert_allclose(liability[1:], liability[:-1] * (1 + rate) - payment, atol=1e-9 * scale)
    assert abs(liability[-1]) <= 1e-9 * scale
    # numpy-financial's npv (its pv loses precision as the rate nears zero)
    expected = npf.npv(rate, [0.0] + [payment] * deal.lease_term_years)
    assert liability[0] == pytest.approx(expected, rel=1e-9, abs=1e-6)


# ------------------------------------------------------------------ the five views
def test_four_views_at_signing_of_the_base_case():
    sheets = sponsor_balance_sheets(COLOSSUS_2)
    assert list(sheets["view"].unique()) == list(VIEWS)
    signing = sheets[sheets["year"] == 0].set_index("view")
    pv = -npf.pv(0.125, 5, lease_payment(COLOSSUS_2))
    own, lease, service, consolidated = (signing.loc[v] for v in ("own", "lease", "service", "consolidate"))
    assert own["borrowings_usd"] == pytest.approx(5e9 + 12.5e9)
    assert own["shareholders_equity_usd"] == pytest.approx(20e9 + 7.5e9)
    assert lease["lease_liability_usd"] == pytest.approx(pv) and lease["right_of_use_asset_usd"] == pytest.approx(pv)
    # Worked by hand: a five-year lease of GPUs with a six-year life (5/6 >= 75%) whose payments are
    # worth pv >= 90% of the $20B cost is a finance lease, so by default view (b) counts the
    # liability as debt in the headlines.
    assert 5 / 6 >= 0.75 and pv / 20e9 >= 0.90
    assert sheets.attrs["lease_type"] == "finance"
    assert lease["headline_debt_usd"] == pytest.approx(5e9 + pv)
    assert lease["adjusted_debt_usd"] == pytest.approx(5e9 + pv)
    assert service["total_liabilities_usd"] == pytest.approx(5e9)
    assert service["commitments_in_notes_usd"] == pytest.approx(5 * lease_payment(COLOSSUS_2))
    assert service["adjusted_debt_usd"] == pytest.approx(lease["adjusted_debt_usd"])
    assert consolidated["noncontrolling_interest_usd"] == pytest.approx(7.5e9)
    assert consolidated["shareholders_equity_usd"] == pytest.approx(20e9)
    assert consolidated["debt_to_equity"] == pytest.approx(17.5 / 27.5)
    # the discovery: the capitalised lease is larger than the vehicle's debt
    assert lease["lease_liability_usd"] > COLOSSUS_2.debt_usd


def test_finance_lease_counts_as_headline_debt_and_its_cost_is_front_loaded():
    sheets = sponsor_balance_sheets(COLOSSUS_2, lease_type="finance")
    lease = _view(sheets, "lease")
    assert_allclose(lease["headline_debt_usd"], lease["borrowings_usd"] + lease["lease_liability_usd"])
    # straight-line amortisation plus interest on a falling balance: equity dips, then comes back
    equity = lease["shareholders_equity_usd"]
    assert equity.iloc[1] < SPONSOR_EQUITY_USD
    # over the whole lease, amortisation plus interest add up to the payments: equity is back where it was
    assert equity.iloc[-1] == pytest.approx(SPONSOR_EQUITY_USD, rel=1e-12)
    assert lease["right_of_use_asset_usd"].iloc[-1] == pytest.approx(0.0, abs=1e-3)


def test_default_lease_type_follows_the_classification():
    # The reported terms: a finance lease, so the default equals lease_type="finance".
    default = sponsor_balance_sheets(COLOSSUS_2)
    pd.testing.assert_frame_equal(default, sponsor_balance_sheets(COLOSSUS_2, lease_type="finance"))
    # A three-year lease whose vehicle keeps 40% of the cost: PV well under 90% of the cost and
    # 3/6 of the life, no test met, so the default equals lease_type="operating".
    short = COLOSSUS_2.replace(lease_term_years=3, debt_term_years=3)
    by_default = sponsor_balance_sheets(short, residual_value_fraction=0.4)
    assert by_default.attrs["lease_type"] == "operating"
    pd.testing.assert_frame_equal(by_default, sponsor_balance_sheets(short, residual_value_fraction=0.4,
                                                                     lease_type="operating"))
    lease = _view(by_default, "lease")
    assert_allclose(lease["headline_debt_usd"], lease["borrowings_usd"])  # operating: not headline debt


def test_operating_lease_asset_equals_its_liability_every_year():
    lease = _view(sponsor_balance_sheets(COLOSSUS_2, lease_type="operating"), "lease")
    assert_allclose(lease["right_of_use_asset_usd"], lease["lease_liability_usd"])
    assert_allclose(lease["shareholders_equity_usd"], SPONSOR_EQUITY_USD)


def test_consolidated_minority_interest_is_the_vehicles_own_book_equity():
    sheets = sponsor_balance_sheets(COLOSSUS_2.replace(debt_term_years=7), residual_value_fraction=0.2)
    consolidated = _view(sheets, "consolidate")
    vehicle_debt = consolidated["borrowings_usd"] - SPONSOR_DEBT_USD
    assert_allclose(consolidated["noncontrolling_interest_usd"], consolidated["gpus_usd"] - vehicle_debt, rtol=1e-12)
    assert consolidated["gpus_usd"].iloc[-1] == pytest.approx(0.2 * COLOSSUS_2.total_cost_usd)


def test_owning_accumulates_the_cash_the_vehicle_would_pay_its_equity():
    own = _view(sponsor_balance_sheets(COLOSSUS_2), "own")
    flows = spv_cash_flows(COLOSSUS_2)
    gained = own["cash_and_other_assets_usd"] - (SPONSOR_DEBT_USD + SPONSOR_EQUITY_USD)
    assert_allclose(gained.iloc[1:], flows["cash_to_equity_usd"].iloc[1:].cumsum(), rtol=1e-12)


def test_every_view_ends_the_lease_with_only_the_sponsors_own_debt():
    sheets = sponsor_balance_sheets(COLOSSUS_2)
    end = sheets[sheets["year"] == COLOSSUS_2.lease_term_years]
    assert_allclose(end["total_liabilities_usd"], SPONSOR_DEBT_USD, atol=1e-3)


@settings(max_examples=120, deadline=None)
@given(funded_deals(), target_returns, residuals, borrowing_rates, st.sampled_from(["operating", "finance"]),
       st.floats(0, 1e11), st.floats(1e8, 1e11))
def test_assets_equal_liabilities_plus_equity_in_every_view(deal, target, residual, rate, kind, debt, equity):
    sheets = sponsor_balance_sheets(deal, target, residual, rate, kind, debt, equity)
    scale = deal.total_cost_usd * (1 + max(rate, target)) ** deal.lease_term_years + debt + equity
    gap = sheets["total_assets_usd"] - sheets["total_liabilities_usd"] - sheets["total_equity_usd"]
    assert np.abs(gap).max() <= 1e-9 * scale
    parts = sheets[["cash_and_other_assets_usd", "gpus_usd", "right_of_use_asset_usd"]].sum(axis=1)
    assert_allclose(parts, sheets["total_assets_usd"])
    claims = sheets[["borrowings_usd", "lease_liability_usd", "financing_liability_usd"]].sum(axis=1)
    assert_allclose(claims, sheets["total_liabilities_usd"])
    assert len(sheets) == 5 * (deal.lease_term_years + 1)
    money = [c for c in sheets.columns if c.endswith("_usd")]
    assert sheets[money].notna().all().all()
    # what a credit analyst counts never falls short of what headlines count
    assert (sheets["adjusted_debt_usd"] >= sheets["headline_debt_usd"] - 1e-9 * scale).all()


# ------------------------------------------------------------------ (e) the failed sale-leaseback
def test_failed_sale_liability_at_signing_is_the_vehicles_whole_price():
    sheets = sponsor_balance_sheets(COLOSSUS_2)
    signing = sheets[sheets["year"] == 0].set_index("view")
    failed, consolidated = signing.loc["failed_sale"], signing.loc["consolidate"]
    # the cash received is what the vehicle paid: its debt AND its equity, 12.5 + 7.5 = 20
    assert failed["financing_liability_usd"] == pytest.approx(12.5e9 + 7.5e9)
    assert failed["financing_liability_usd"] == pytest.approx(COLOSSUS_2.debt_usd + COLOSSUS_2.equity_usd)
    assert failed["borrowings_usd"] == pytest.approx(SPONSOR_DEBT_USD)
    assert failed["headline_debt_usd"] == pytest.approx(5e9 + 20e9)
    assert failed["adjusted_debt_usd"] == pytest.approx(5e9 + 20e9)
    assert failed["right_of_use_asset_usd"] == 0 and failed["lease_liability_usd"] == 0
    assert failed["noncontrolling_interest_usd"] == 0 and failed["commitments_in_notes_usd"] == 0
    assert failed["shareholders_equity_usd"] == pytest.approx(SPONSOR_EQUITY_USD)
    assert failed["debt_to_equity"] == pytest.approx(25 / 20)
    # more debt than consolidating the vehicle, by exactly the vehicle's equity
    assert failed["headline_debt_usd"] - consolidated["headline_debt_usd"] == pytest.approx(COLOSSUS_2.equity_usd)


@pytest.mark.parametrize("residual", [0.0, 0.2])
def test_failed_sale_gpus_are_the_owned_view_s_gpus(residual):
    sheets = sponsor_balance_sheets(COLOSSUS_2, residual_value_fraction=residual)
    failed, own = _view(sheets, "failed_sale"), _view(sheets, "own")
    assert_allclose(failed["gpus_usd"], own["gpus_usd"], rtol=0, atol=0)
    # straight-line from the cost to the residual over the lease, worked by hand
    assert_allclose(failed["gpus_usd"], [20e9 - t * 20e9 * (1 - residual) / 5 for t in range(6)], rtol=1e-12)


@pytest.mark.parametrize("residual", [0.0, 0.2])
def test_failed_sale_liability_amortises_to_the_end_value_numpy_financial(residual):
    schedule = financing_liability_schedule(COLOSSUS_2, residual_value_fraction=residual)
    payment, cost = lease_payment(COLOSSUS_2, residual_value_fraction=residual), 20e9
    rate = schedule.attrs["interest_rate"]
    # the rate implicit in the lease (numpy-financial's irr of -cost, X, ..., X + residual) is above
    # the 12.5% borrowing rate, so ASC 842-40-30-6 raises the rate to it: no built-in loss
    assert rate == pytest.approx(npf.irr([-cost] + [payment] * 4 + [payment + residual * cost]), abs=1e-10)
    assert rate == pytest.approx(rate_implicit_in_lease(COLOSSUS_2, residual_value_fraction=residual), abs=1e-10)
    assert rate > INCREMENTAL_BORROWING_RATE and schedule.attrs["rate_basis"] == "raised: no built-in loss"
    for year in range(6):  # numpy-financial's future value of the cost less the payments so far
        expected = npf.fv(rate, year, payment, -cost)
        assert schedule["liability_usd"].iloc[year] == pytest.approx(expected, rel=1e-9, abs=1e-3)
    assert schedule["liability_usd"].iloc[-1] == pytest.approx(residual * cost, abs=1e-3)
    assert schedule["principal_usd"].sum() == pytest.approx(cost * (1 - residual), rel=1e-12)


def test_hand_worked_failed_sale_at_each_bound_of_asc_842_40_30_6():
    deal = Deal(100, 100, 0, 0, 0.0, 2, 2)  # all equity, two years, nothing left at the end
    payment = 100 / (1 / 1.131 + 1 / 1.131 ** 2)  # 60.0263...: repays 100 at 13.1%
    # a 10% borrowing rate would leave 100*1.1**2 - X*(1.1 + 1) = -5.06 owed at the end: a built-in
    # loss, so the rate is raised to 13.1%
    low = financing_liability_schedule(deal, 0.131, 0.0, 0.10)
    assert low.attrs["interest_rate"] == pytest.approx(0.131, abs=1e-12)
    assert_allclose(low["liability_usd"], [100, 113.1 - payment, 0.0], atol=1e-9)
    assert_allclose(low["interest_usd"], [0, 13.1, (113.1 - payment) * 0.131], atol=1e-9)
    # 20% lies between 13.1% and payment / cost = 60%: kept; 144 - 2.2 X = 11.94 left, a gain at the end
    mid = financing_liability_schedule(deal, 0.131, 0.0, 0.20)
    assert mid.attrs["rate_basis"] == "incremental borrowing rate"
    assert_allclose(mid["liability_usd"], [100, 120 - payment, 144 - 2.2 * payment], atol=1e-9)
    assert mid["interest_usd"].sum() <= mid["payment_usd"].sum()
    # a five-year lease at 5% pays X = 23.10 a year; at 40% interest (40) would outrun it: lowered to
    # X / cost, where interest equals the payment and the liability stays at 100
    long = Deal(100, 100, 0, 0, 0.0, 5, 5)
    high = financing_liability_schedule(long, 0.05, 0.0, 0.40)
    flat = lease_payment(long, 0.05)
    assert flat == pytest.approx(-npf.pmt(0.05, 5, 100), rel=1e-12)
    assert high.attrs["rate_basis"] == "lowered: no negative amortisation"
    assert high.attrs["interest_rate"] == pytest.approx(flat / 100)
    assert_allclose(high["liability_usd"], 100, rtol=1e-12)


def test_failed_sale_books_no_gain_or_loss_when_the_lease_ends():
    # at the rate that amortises the liability to the GPUs' carrying amount, the sponsor's equity
    # is back where it started: depreciation plus interest add up to the rent
    for residual in (0.0, 0.3):
        failed = _view(sponsor_balance_sheets(COLOSSUS_2, residual_value_fraction=residual), "failed_sale")
        assert failed["shareholders_equity_usd"].iloc[-1] == pytest.approx(SPONSOR_EQUITY_USD, rel=1e-12)
        assert failed["financing_liability_usd"].iloc[-1] == pytest.approx(failed["gpus_usd"].iloc[-1], abs=1e-3)
        assert_allclose(failed["cash_and_other_assets_usd"], SPONSOR_DEBT_USD + SPONSOR_EQUITY_USD)


@settings(max_examples=100, deadline=None)
@given(funded_deals(), target_returns, residuals, borrowing_rates)
def test_failed_sale_rate_obeys_asc_842_40_30_6(deal, target, residual, rate):
    schedule = financing_liability_schedule(deal, target, residual, rate)
    payment = lease_payment(deal, target, residual)
    r = schedule.attrs["interest_rate"]
    liability = schedule["liability_usd"].to_numpy()
    scale = deal.total_cost_usd * (1 + max(r, 0.0)) ** deal.lease_term_years + payment * deal.lease_term_years
    assert liability[0] == deal.total_cost_usd
    assert_allclose(liability[1:], liability[:-1] * (1 + r) - payment, atol=1e-9 * scale)
    # (a) interest over the term no more than the payments; (b) no built-in loss at the end
    assert schedule["interest_usd"].sum() <= schedule["payment_usd"].sum() + 1e-9 * scale
    assert liability[-1] >= residual * deal.total_cost_usd - 1e-9 * scale
    if schedule.attrs["rate_basis"] == "incremental borrowing rate":
        assert r == rate
    elif schedule.attrs["rate_basis"] == "raised: no built-in loss":
        assert r > rate and liability[-1] == pytest.approx(residual * deal.total_cost_usd, abs=1e-9 * scale)
    else:
        assert r < rate and r == pytest.approx(payment / deal.total_cost_usd)


@settings(max_examples=60, deadline=None)
@given(funded_deals(), target_returns, residuals, borrowing_rates)
def test_failed_sale_view_keeps_the_owned_assets_and_balances(deal, target, residual, rate):
    sheets = sponsor_balance_sheets(deal, target, residual, rate)
    failed, own = _view(sheets, "failed_sale"), _view(sheets, "own")
    assert_allclose(failed["gpus_usd"], own["gpus_usd"], rtol=0, atol=0)
    schedule = financing_liability_schedule(deal, target, residual, rate)
    assert_allclose(failed["financing_liability_usd"], schedule["liability_usd"].to_numpy(), rtol=0, atol=0)
    assert failed["financing_liability_usd"].iloc[0] == deal.total_cost_usd
    assert sheets.attrs["financing_rate"] == schedule.attrs["interest_rate"]


# ------------------------------------------------------------------ ASC 842-40: is it a sale?
def test_the_reported_terms_are_a_failed_sale_leaseback():
    test = sale_leaseback_test(COLOSSUS_2).set_index("test")
    # the leaseback meets ASC 842's finance-lease tests (5/6 of the life, PV >= 90% of cost) ...
    assert test["precludes_sale"].iloc[0] and lease_classification(COLOSSUS_2).attrs["lease_type"] == "finance"
    assert "Lease term / economic life" in test["answer"].iloc[0]
    # ... so ASC 842-40-25-2 rules out a sale, whatever the repurchase terms
    assert test.attrs == {"is_sale": False, "lease_type": "finance", "view": "failed_sale"}


@pytest.mark.parametrize("option, available, is_sale", [
    ("none", True, True),
    ("fair_value", True, True),    # at fair value, with similar GPUs on the market: still a sale
    ("fair_value", False, False),  # no substantially similar asset readily available
    ("fixed_price", True, False),  # a price set in advance keeps control with the seller-lessee
])
def test_repurchase_options_under_asc_842_40_25_3(option, available, is_sale):
    short = COLOSSUS_2.replace(lease_term_years=3, debt_term_years=3)
    test = sale_leaseback_test(short, residual_value_fraction=0.4, repurchase_option=option,
                               alternative_assets_available=available)
    assert test.attrs["lease_type"] == "operating"
    assert test.attrs["is_sale"] is is_sale
    assert test.attrs["view"] == ("lease" if is_sale else "failed_sale")
    assert test["precludes_sale"].tolist() == [False, not is_sale]


def test_a_successful_sale_leaves_the_operating_lease_view():
    # A sale needs an operating leaseback, so the sponsor's books are view (b), as an operating lease.
    short = COLOSSUS_2.replace(lease_term_years=3, debt_term_years=3)
    test = sale_leaseback_test(short, residual_value_fraction=0.4)
    sheets = sponsor_balance_sheets(short, residual_value_fraction=0.4)
    assert test.attrs["view"] == "lease" and sheets.attrs["lease_type"] == test.attrs["lease_type"] == "operating"
    lease = _view(sheets, test.attrs["view"])
    assert_allclose(lease["headline_debt_usd"], SPONSOR_DEBT_USD)  # the GPUs and the debt are gone
    assert (lease["gpus_usd"] == 0).all() and (lease["financing_liability_usd"] == 0).all()
    assert set(REPURCHASE_OPTIONS) == {"none", "fair_value", "fixed_price"}


# ------------------------------------------------------------------ compare_views
def test_compare_views_lays_the_views_side_by_side():
    table = compare_views(sponsor_balance_sheets(COLOSSUS_2), year=0)
    assert list(table.columns) == list(VIEWS.values())
    assert table.loc["Total assets"].tolist() == pytest.approx(
        (table.loc["Total liabilities"] + table.loc["Total equity"]).tolist())
    assert table.loc["Financing liability (failed sale)", VIEWS["failed_sale"]] == pytest.approx(20e9)


# ------------------------------------------------------------------ lease classification
def test_the_reported_terms_make_a_finance_lease():
    tests = lease_classification(COLOSSUS_2).set_index("test")
    assert tests.loc["Lease term / economic life", "measure"] == pytest.approx(5 / 6)
    pv = -npf.pv(0.125, 5, lease_payment(COLOSSUS_2))
    assert tests.loc["Present value of payments / fair value", "measure"] == pytest.approx(pv / 20e9)
    assert tests.attrs["lease_type"] == "finance"


def test_a_short_lease_with_a_large_residual_is_an_operating_lease():
    deal = COLOSSUS_2.replace(lease_term_years=3, debt_term_years=3)
    tests = lease_classification(deal, residual_value_fraction=0.6, economic_life_years=6)
    assert not tests["met"].any() and tests.attrs["lease_type"] == "operating"
    assert lease_classification(deal, residual_value_fraction=0.6, economic_life_years=6,
                                purchase_option_reasonably_certain=True).attrs["lease_type"] == "finance"


# ------------------------------------------------------------------ consolidation
XAI_LIKE = dict(outside_equity_share=0.375, equity_sufficient=True)


@pytest.mark.parametrize("rule, inputs, entity, consolidate", [
    # before 2003: only the 3% of outside equity mattered
    ("pre_2003", dict(outside_equity_share=0.03, equity_sufficient=False, equity_holders_have_power=False,
                      sponsor_has_power=True, sponsor_loss_share=0.97), "special purpose entity", False),
    ("pre_2003", dict(outside_equity_share=0.01, equity_sufficient=False, equity_holders_have_power=False,
                      sponsor_has_power=True, sponsor_loss_share=0.99), "special purpose entity", True),
    # FIN 46(R): a VIE goes to whoever takes the majority of expected losses
    ("fin_46r", dict(**XAI_LIKE, equity_holders_have_power=False, sponsor_has_power=True,
                     sponsor_loss_share=0.3), "variable interest entity", False),
    ("fin_46r", dict(**XAI_LIKE, equity_holders_have_power=False, sponsor_has_power=False,
                     sponsor_loss_share=0.6), "variable interest entity", True),
    # ASC 810 after FAS 167: power and a potentially significant exposure
    ("asc_810", dict(**XAI_LIKE, equity_holders_have_power=False, sponsor_has_power=True,
                     sponsor_loss_share=0.3), "variable interest entity", True),
    ("asc_810", dict(**XAI_LIKE, equity_holders_have_power=False, sponsor_has_power=False,
                     sponsor_loss_share=0.6), "variable interest entity", False),
    ("asc_810", dict(**XAI_LIKE, equity_holders_have_power=False, sponsor_has_power=True,
                     sponsor_loss_share=0.05), "variable interest entity", False),
    # not a VIE: votes decide, and the sponsor holds none
    ("asc_810", dict(**XAI_LIKE, equity_holders_have_power=True, sponsor_has_power=False,
                     sponsor_loss_share=0.9), "voting interest entity", False),
    ("asc_810", dict(**XAI_LIKE, equity_holders_have_power=True, sponsor_has_power=False,
                     sponsor_loss_share=0.0, sponsor_voting_share=0.6), "voting interest entity", True),
])
def test_consolidation_tree(rule, inputs, entity, consolidate):
    decision = consolidation_decision(rule=rule, **inputs)
    assert decision.entity == entity
    assert decision.consolidate is consolidate
    assert decision.verdict.startswith("Consolidate" if consolidate else "Do not consolidate")
    table = decision.table()
    assert table["step"].tolist() == list(range(1, len(table) + 1))
    assert len(table) >= 2  # every path asks at least two questions


def test_every_rule_has_a_label():
    assert set(CONSOLIDATION_RULES) == {"pre_2003", "fin_46r", "asc_810"}


# ------------------------------------------------------------------ bad inputs
GOOD = dict(outside_equity_share=0.375, equity_sufficient=True, equity_holders_have_power=False,
            sponsor_has_power=True, sponsor_loss_share=0.2)


@pytest.mark.parametrize("call, message", [
    (lambda: lease_liability_schedule(COLOSSUS_2, incremental_borrowing_rate=1.0),
     r"incremental_borrowing_rate=1.0 is outside \[0, 1\)"),
    (lambda: sponsor_balance_sheets(COLOSSUS_2, incremental_borrowing_rate=-0.01),
     r"incremental_borrowing_rate=-0.01 is outside"),
    (lambda: sponsor_balance_sheets(COLOSSUS_2, lease_type="capital"), r"lease_type='capital' is not one of"),
    (lambda: sponsor_balance_sheets(COLOSSUS_2, sponsor_equity_usd=0), r"sponsor_equity_usd=0 is outside"),
    (lambda: sponsor_balance_sheets(COLOSSUS_2, sponsor_debt_usd=-1), r"sponsor_debt_usd=-1 is outside"),
    (lambda: sponsor_balance_sheets(COLOSSUS_2, target_equity_return=2), r"target_equity_return=2 is outside"),
    (lambda: sponsor_balance_sheets(COLOSSUS_2, residual_value_fraction=1.1), r"residual_value_fraction=1.1"),
    (lambda: compare_views(sponsor_balance_sheets(COLOSSUS_2), year=6), r"year=6 is outside \[0, 5\]"),
    (lambda: compare_views(pd.DataFrame()), r"sheets must be a DataFrame from sponsor_balance_sheets"),
    (lambda: lease_classification(COLOSSUS_2, economic_life_years=0), r"economic_life_years=0 is outside"),
    (lambda: financing_liability_schedule(COLOSSUS_2, incremental_borrowing_rate=1.0),
     r"incremental_borrowing_rate=1.0 is outside \[0, 1\)"),
    (lambda: financing_liability_schedule(COLOSSUS_2, residual_value_fraction=-0.1), r"residual_value_fraction=-0.1"),
    (lambda: sale_leaseback_test(COLOSSUS_2, repurchase_option="call"), r"repurchase_option='call' is not one of"),
    (lambda: sale_leaseback_test(COLOSSUS_2, alternative_assets_available="yes"),
     r"alternative_assets_available='yes' is not True"),
    (lambda: sale_leaseback_test(COLOSSUS_2, economic_life_years=16), r"economic_life_years=16 is outside"),
    (lambda: lease_classification(COLOSSUS_2, transfers_ownership="yes"), r"transfers_ownership='yes' is not True"),
    (lambda: consolidation_decision(rule="ifrs", **GOOD), r"rule='ifrs' is not one of"),
    (lambda: consolidation_decision(**{**GOOD, "outside_equity_share": 1.5}), r"outside_equity_share=1.5"),
    (lambda: consolidation_decision(**{**GOOD, "sponsor_loss_share": -0.2}), r"sponsor_loss_share=-0.2"),
    (lambda: consolidation_decision(**{**GOOD, "sponsor_has_power": 1}), r"sponsor_has_power=1 is not True"),
    (lambda: consolidation_decision(**{**GOOD, "equity_sufficient": None}), r"equity_sufficient=None"),
    (lambda: consolidation_decision(**GOOD, sponsor_voting_share=2), r"sponsor_voting_share=2 is outside"),
    (lambda: consolidation_decision(**GOOD, significance_threshold=0), r"significance_threshold=0 is outside"),
])
def test_bad_inputs_name_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
