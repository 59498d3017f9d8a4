"""Depreciation, market value and reported-versus-economic profit: hand-worked cases, closed forms,
an independent least-squares fit (scipy) and accounting identities checked with hypothesis."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from gpu_finance import (
    CALIBRATED_ANNUAL_DECLINE,
    COLOSSUS_2,
    METHODS,
    book_versus_market,
    debt_schedule,
    decimal_year,
    depreciation_fact,
    depreciation_schedule,
    depreciation_views,
    generation_gap_years,
    gpu_generations,
    implied_annual_decline,
    impairment_year,
    lease_payment,
    market_value_path,
    peak_overstatement,
    price_trend,
    profit_comparison,
    rental_prices,
    reversal_year,
    useful_life_changes,
)
from gpu_finance.datasets import load_dataset
from gpu_finance.depreciation import (
    HOURS_PER_MONTH,
    NEOCLOUD_FLEET,
    OWNER_REQUIRED_RETURN,
    PEAK_OBSERVATIONS,
    PRICE_BOUNDS,
    PRICE_KINDS,
    Fleet,
    calibrated_decline,
    calibration_prices,
    compute_contracts,
    decline_interval,
    decline_readings,
    owner_profit_comparison,
    usd_per_gpu_hour,
)

from .strategies import deals, declines, fractions, lives, methods, money, steps

SETTINGS = settings(max_examples=150, deadline=None)


# ----------------------------------------------------------------------- hand-worked schedules
def test_twenty_billion_over_six_years_straight_line_is_a_third_of_ten_billion_a_year():
    schedule = depreciation_schedule(20e9, 6)
    assert_allclose(schedule["expense"], 20e9 / 6, rtol=1e-15)
    assert schedule["expense"].iloc[0] == pytest.approx(3.3333333333e9)
    assert schedule["year"].tolist() == [1, 2, 3, 4, 5, 6]
    assert list(schedule.columns) == ["year", "expense", "accumulated", "book_value"]
    assert_allclose(schedule["book_value"], [20e9 * (6 - t) / 6 for t in range(1, 7)], atol=1e-3)


def test_double_declining_textbook_case_with_salvage():
    # $10,000, 5 years, $1,000 salvage: 40% of book value, last year capped at book minus salvage.
    schedule = depreciation_schedule(10_000, 5, 0.1, "double_declining_balance")
    assert_allclose(schedule["expense"], [4000, 2400, 1440, 864, 296])
    assert_allclose(schedule["book_value"], [6000, 3600, 2160, 1296, 1000])


def test_double_declining_switches_to_straight_line_without_salvage():
    # Year 4 book value 2,160 over 2 years left: 1,080 a year beats 40% (864), so it switches.
    schedule = depreciation_schedule(10_000, 5, 0.0, "double_declining_balance")
    assert_allclose(schedule["expense"], [4000, 2400, 1440, 1080, 1080])


def test_sum_of_years_digits_hand_case():
    # 1+2+3+4+5 = 15: 5/15, 4/15, ... of 15,000.
    schedule = depreciation_schedule(15_000, 5, 0.0, "sum_of_years_digits")
    assert_allclose(schedule["expense"], [5000, 4000, 3000, 2000, 1000])
    assert_allclose(schedule["accumulated"], [5000, 9000, 12000, 14000, 15000])


@pytest.mark.parametrize("method", METHODS)
def test_a_one_year_life_writes_everything_off_at_once(method):
    schedule = depreciation_schedule(500, 1, 0.2, method)
    assert schedule["expense"].tolist() == [400.0] and schedule["book_value"].tolist() == [100.0]


def test_double_declining_never_goes_below_a_high_salvage():
    # 2/4 of 100 = 50 would take book value to 50 < 60: capped at 40, then nothing.
    schedule = depreciation_schedule(100, 4, 0.6, "double_declining_balance")
    assert_allclose(schedule["expense"], [40, 0, 0, 0])
    assert (schedule["book_value"] >= 60).all()


# ------------------------------------------------------------------------ schedule identities
@SETTINGS
@given(money, lives, fractions, methods)
def test_every_method_writes_off_cost_minus_salvage_and_stays_above_salvage(cost, life, salvage, method):
    schedule = depreciation_schedule(cost, life, salvage, method)
    assert len(schedule) == life
    assert schedule["expense"].sum() == pytest.approx(cost * (1 - salvage), rel=1e-12, abs=1e-12 * cost)
    assert (schedule["book_value"] >= cost * salvage).all()  # exact: never below salvage
    assert schedule["book_value"].iloc[-1] == pytest.approx(cost * salvage, rel=1e-12, abs=1e-12 * cost)
    assert_allclose(schedule["book_value"] + schedule["accumulated"], cost, rtol=1e-12)
    assert (schedule["expense"] >= -1e-9 * cost).all()
    assert_allclose(schedule["accumulated"], np.cumsum(schedule["expense"]), rtol=1e-9, atol=1e-9 * cost)


@SETTINGS
@given(money, lives, fractions)
def test_straight_line_expense_is_constant(cost, life, salvage):
    expense = depreciation_schedule(cost, life, salvage)["expense"].to_numpy()
    assert np.all(expense == expense[0])


@SETTINGS
@given(money, lives, fractions)
def test_double_declining_expense_never_rises(cost, life, salvage):
    expense = depreciation_schedule(cost, life, salvage, "double_declining_balance")["expense"].to_numpy()
    assert np.all(np.diff(expense) <= 1e-9 * cost)


@SETTINGS
@given(money, lives, fractions)
def test_sum_of_years_digits_falls_by_the_same_amount_each_year(cost, life, salvage):
    expense = depreciation_schedule(cost, life, salvage, "sum_of_years_digits")["expense"].to_numpy()
    step = cost * (1 - salvage) / (life * (life + 1) / 2)
    assert_allclose(np.diff(expense), -step, atol=1e-9 * cost)


@SETTINGS
@given(money, st.integers(2, 15), fractions)
def test_accelerated_methods_front_load_the_expense(cost, life, salvage):
    straight = depreciation_schedule(cost, life, salvage)["accumulated"]
    for method in ("double_declining_balance", "sum_of_years_digits"):
        fast = depreciation_schedule(cost, life, salvage, method)["accumulated"]
        assert (fast >= straight - 1e-9 * cost).all()


# ------------------------------------------------- the per-method routines the chapter shows
def _declining_balance_by_the_textbook(cost, life, salvage_fraction, factor=2.0):
    """An independent declining balance at ``factor`` times the straight-line rate, with the switch,
    written as a student would (the chapter's build exercise)."""
    salvage, book, expenses = cost * salvage_fraction, cost, []
    for year in range(1, life + 1):
        charge = max(factor / life * book, (book - salvage) / (life - year + 1))
        charge = min(charge, book - salvage)
        expenses.append(charge)
        book -= charge
    return np.array(expenses)


@SETTINGS
@given(money, lives, fractions)
def test_double_declining_balance_matches_an_independent_textbook_routine(cost, life, salvage):
    ours = depreciation_schedule(cost, life, salvage, "double_declining_balance")["expense"].to_numpy()
    assert_allclose(ours, _declining_balance_by_the_textbook(cost, life, salvage), rtol=1e-9, atol=1e-9 * cost)


@SETTINGS
@given(money, lives, fractions)
def test_sum_of_years_digits_matches_the_digits_written_out(cost, life, salvage):
    digits = np.arange(life, 0, -1)  # life, life − 1, ..., 1
    expected = cost * (1 - salvage) * digits / digits.sum()
    ours = depreciation_schedule(cost, life, salvage, "sum_of_years_digits")["expense"].to_numpy()
    assert_allclose(ours, expected, rtol=1e-12, atol=1e-12 * cost)


@pytest.mark.parametrize("life", [1, 2, 5, 6, 15])
def test_each_method_routine_leaves_nothing_in_its_last_year(life):
    from gpu_finance.asset_value import _double_declining_balance, _straight_line, _sum_of_years_digits

    for expense, left in (_straight_line(90.0, life), _sum_of_years_digits(90.0, life),
                          _double_declining_balance(90.0, 10.0, life)):
        assert len(expense) == len(left) == life
        assert_allclose(expense.sum(), 90.0, rtol=1e-12)
        assert_allclose(left, 90.0 - np.cumsum(expense), atol=1e-9)
        assert left[-1] == pytest.approx(0.0, abs=1e-12)


def test_double_declining_switches_when_straight_line_over_the_years_left_is_larger():
    # Cost 81, six years, no salvage: a third of the book value a year (27, 18, 12). In year 4 a
    # third of the 24 left ties with 24 over the three years left (8); from year 5 straight-line
    # over the years left (16 / 2 = 8) beats a third of 16, so the schedule has switched.
    expense = depreciation_schedule(81.0, 6, 0.0, "double_declining_balance")["expense"].to_numpy()
    assert_allclose(expense, [27.0, 18.0, 12.0, 8.0, 8.0, 8.0])


def test_the_shown_routine_fits_on_one_screen():
    from gpu_finance.asset_value import _double_declining_balance
    from gpu_finance.viz import show_source

    shown = show_source(_double_declining_balance)
    assert "def _double_declining_balance(" in shown.data and "the switch" in shown.data


def test_a_bootstrap_by_hand_reproduces_the_calibrated_interval():
    # chapter 2's data exercise: the same draws, refitted with numpy's polyfit, give the same ends
    rows = calibration_prices()
    t, logs = rows["year_decimal"].to_numpy(), np.log(rows["price_usd_per_hour"].to_numpy())
    picks = np.random.default_rng(2025).integers(0, len(t), size=(2000, len(t)))
    declines = [-math.expm1(np.polyfit(t[i], logs[i], 1)[0]) for i in picks]
    low, high = np.quantile(declines, [0.05, 0.95])
    fit = calibrated_decline()
    assert fit.low == pytest.approx(min(low, fit.estimate), abs=1e-9)
    assert fit.high == pytest.approx(max(high, fit.estimate), abs=1e-9)


@pytest.mark.parametrize("kwargs, message", [
    ({"life_years": 0}, r"life_years=0 is outside \[1, 15\]"),
    ({"life_years": 2.5}, r"life_years=2.5 is not a whole number"),
    ({"life_years": 16}, r"life_years=16 is outside"),
    ({"salvage_fraction": 1.5}, r"salvage_fraction=1.5 is outside \[0, 1\]"),
    ({"salvage_fraction": -0.1}, r"salvage_fraction=-0.1 is outside"),
    ({"method": "units_of_production"}, r"method='units_of_production' is not one of"),
    ({"cost": 0}, r"cost=0 is outside \(0, inf\]"),
    ({"cost": float("nan")}, r"cost=nan is not a number"),
])
def test_bad_schedule_inputs_name_the_parameter(kwargs, message):
    arguments = {"cost": 100.0, "life_years": 5, **kwargs}
    with pytest.raises(ValueError, match=message):
        depreciation_schedule(**arguments)


# ---------------------------------------------------------------------------- market value
def test_market_value_falls_geometrically():
    path = market_value_path(1000, 4, 0.25)
    assert path["year"].tolist() == [0, 1, 2, 3, 4]
    assert_allclose(path["market_value_usd"], [1000 * 0.75**t for t in range(5)])
    assert path["new_generation"].tolist() == [False, False, True, False, True]  # every 2 years by default


def test_generation_steps_multiply_in_on_schedule():
    # a 10% yearly fall and a 20% step every 2 years, first at year 2
    path = market_value_path(1000, 5, 0.1, generation_step=0.2, generation_interval_years=2)
    expected = [1000 * 0.9**t * 0.8 ** (t // 2) for t in range(6)]
    assert_allclose(path["market_value_usd"], expected)
    assert path["new_generation"].tolist() == [False, False, True, False, True, False]


def test_market_value_never_falls_below_the_floor():
    path = market_value_path(100, 10, 0.5, salvage_fraction=0.05)
    assert path["market_value_usd"].min() == pytest.approx(5.0)
    assert path["market_value_usd"].iloc[4] == pytest.approx(6.25)  # 100 / 16, still above the floor


@SETTINGS
@given(money, lives, lives, fractions)
def test_linear_market_value_equals_straight_line_book_value_over_the_economic_life(cost, life, horizon, salvage):
    market = market_value_path(cost, horizon, economic_life_years=life, salvage_fraction=salvage)
    book = depreciation_schedule(cost, life, salvage)["book_value"].to_numpy()
    expected = np.concatenate([[cost], book, np.full(max(0, horizon - life), cost * salvage)])[: horizon + 1]
    assert_allclose(market["market_value_usd"], expected, rtol=1e-12, atol=1e-9 * cost)


@SETTINGS
@given(money, lives, declines, steps, st.integers(1, 15), fractions)
def test_market_value_is_positive_and_never_rises(cost, horizon, decline, step, interval, floor):
    values = market_value_path(cost, horizon, decline, generation_step=step, generation_interval_years=interval,
                               salvage_fraction=floor)["market_value_usd"].to_numpy()
    assert np.all(values > 0)  # a geometric fall never reaches zero: the LTV stays finite
    assert np.all(np.diff(values) <= 1e-12 * cost)
    assert np.all(values >= cost * floor * (1 - 1e-12))


@pytest.mark.parametrize("kwargs, message", [
    ({}, r"give exactly one of annual_decline=None and economic_life_years=None"),
    ({"annual_decline": 0.3, "economic_life_years": 4}, r"give exactly one of"),
    ({"annual_decline": 1.0}, r"annual_decline=1.0 is outside \[0, 1\)"),
    ({"annual_decline": -0.2}, r"annual_decline=-0.2 is outside"),
    ({"economic_life_years": 0}, r"economic_life_years=0 is outside"),
    ({"annual_decline": 0.3, "generation_step": 1.0}, r"generation_step=1.0 is outside \[0, 1\)"),
    ({"annual_decline": 0.3, "generation_interval_years": 0}, r"generation_interval_years=0 is outside"),
    ({"annual_decline": 0.3, "salvage_fraction": 2}, r"salvage_fraction=2 is outside"),
])
def test_bad_market_inputs_name_the_parameter(kwargs, message):
    with pytest.raises(ValueError, match=message):
        market_value_path(100, 5, **kwargs)


def test_book_versus_market_gap_and_impairment_year_by_hand():
    # straight-line over 5 years (80, 60, 40, 20, 0) against a 10% yearly fall (90, 81, 72.9, ...)
    frame = book_versus_market(100, 5, annual_decline=0.1)
    assert_allclose(frame["book_value_usd"], [100, 80, 60, 40, 20, 0])
    assert_allclose(frame["gap_usd"], frame["book_value_usd"] - frame["market_value_usd"])
    assert impairment_year(frame) is None  # the market value stays above the book value
    steep = book_versus_market(100, 5, annual_decline=0.3)  # 70 < 80 in year 1
    assert impairment_year(steep) == 1
    stepped = book_versus_market(100, 5, annual_decline=0.1, generation_step=0.3, generation_interval_years=2)
    assert impairment_year(stepped) == 2  # 81 * 0.7 = 56.7 < 60


def test_impairment_year_needs_a_book_versus_market_table():
    with pytest.raises(ValueError, match="frame must be a DataFrame"):
        impairment_year(pd.DataFrame({"year": [1]}))


# ------------------------------------------------------------- reported versus economic profit
def test_profit_comparison_adds_up_by_hand_for_colossus_2():
    table = profit_comparison(COLOSSUS_2, 6, 4)
    payment = lease_payment(COLOSSUS_2)
    interest = debt_schedule(COLOSSUS_2)["interest_usd"].to_numpy()
    assert table["year"].tolist() == [1, 2, 3, 4, 5, 6]
    assert_allclose(table["lease_income_usd"], [payment] * 5 + [0.0])
    assert_allclose(table["interest_usd"], list(interest) + [0.0])
    assert_allclose(table["reported_depreciation_usd"], 20e9 / 6)
    assert_allclose(table["economic_depreciation_usd"], [5e9] * 4 + [0.0, 0.0])
    assert_allclose(table["reported_profit_usd"],
                    table["lease_income_usd"] - table["interest_usd"] - table["reported_depreciation_usd"])
    # six-year books on four-year chips: 5 - 3.33 = 1.67B a year early, for four years
    assert_allclose(table["overstatement_usd"] / 1e9, [5 / 3] * 4 + [-10 / 3] * 2, rtol=1e-12)
    assert peak_overstatement(table) == pytest.approx(20e9 * (1 - 4 / 6))
    assert reversal_year(table) == 5


def test_operating_costs_are_a_share_of_lease_income_and_cancel_out():
    plain = profit_comparison(COLOSSUS_2, 6, 4)
    costly = profit_comparison(COLOSSUS_2, 6, 4, operating_cost_fraction=0.2)
    assert_allclose(costly["operating_cost_usd"], 0.2 * plain["lease_income_usd"])
    assert_allclose(costly["reported_profit_usd"], plain["reported_profit_usd"] - costly["operating_cost_usd"])
    assert_allclose(costly["overstatement_usd"], plain["overstatement_usd"])


@SETTINGS
@given(deals(), lives, lives, methods, methods, fractions)
def test_overstatement_sums_to_zero_over_the_whole_life(deal, accounting, economic, method, economic_method, salvage):
    table = profit_comparison(deal, accounting, economic, method=method, economic_method=economic_method,
                              salvage_fraction=salvage, target_equity_return=0.1)
    total = table["reported_profit_usd"].sum() - table["economic_profit_usd"].sum()
    assert abs(total) <= 1e-9 * deal.total_cost_usd
    assert table["cumulative_overstatement_usd"].iloc[-1] == pytest.approx(0.0, abs=1e-9 * deal.total_cost_usd)
    assert len(table) == max(accounting, economic, deal.lease_term_years, deal.debt_term_years)


@SETTINGS
@given(deals(), lives, lives, methods, fractions)
def test_cumulative_overstatement_is_the_gap_between_the_two_book_values(deal, accounting, economic, method, salvage):
    # Profit reported early so far = depreciation not yet charged = book value (accounting life)
    # minus book value (economic life).
    table = profit_comparison(deal, accounting, economic, method=method, economic_method=method,
                              salvage_fraction=salvage, target_equity_return=0.1)
    horizon = len(table)
    cost = deal.total_cost_usd
    reported = book_versus_market(cost, accounting, method, salvage, annual_decline=0.0, years=horizon)
    economic_ = book_versus_market(cost, economic, method, salvage, annual_decline=0.0, years=horizon)
    gap = (reported["book_value_usd"] - economic_["book_value_usd"]).to_numpy()[1:]
    assert_allclose(table["cumulative_overstatement_usd"], gap, atol=1e-9 * cost)


@SETTINGS
@given(lives, lives, st.floats(0.0, 0.9))
def test_straight_line_peak_and_reversal_have_closed_forms(accounting, economic, salvage):
    table = profit_comparison(COLOSSUS_2, accounting, economic, salvage_fraction=salvage)
    short, long_ = min(accounting, economic), max(accounting, economic)
    expected = 20e9 * (1 - salvage) * (1 - short / long_) * np.sign(accounting - economic)
    assert peak_overstatement(table) == pytest.approx(expected, abs=1e-6 * 20e9)
    if accounting == economic:
        assert reversal_year(table) is None
    else:
        assert reversal_year(table) == short + 1


@pytest.mark.parametrize("kwargs, message", [
    ({"accounting_life_years": 0}, r"accounting_life_years=0 is outside"),
    ({"economic_life_years": 3.5}, r"economic_life_years=3.5 is not a whole number"),
    ({"method": "fast"}, r"method='fast' is not one of"),
    ({"economic_method": "fast"}, r"economic_method='fast' is not one of"),
    ({"salvage_fraction": 1.1}, r"salvage_fraction=1.1 is outside"),
    ({"operating_cost_fraction": -0.5}, r"operating_cost_fraction=-0.5 is outside"),
    ({"target_equity_return": 1.0}, r"target_equity_return=1.0 is outside"),
])
def test_bad_profit_inputs_name_the_parameter(kwargs, message):
    arguments = {"accounting_life_years": 6, "economic_life_years": 4, **kwargs}
    with pytest.raises(ValueError, match=message):
        profit_comparison(COLOSSUS_2, **arguments)


def test_profit_comparison_needs_a_deal():
    with pytest.raises(ValueError, match="deal=.* is not a gpu_finance.Deal"):
        profit_comparison("Colossus 2", 6, 4)


def test_peak_and_reversal_need_a_comparison_table():
    with pytest.raises(ValueError, match="comparison must be a DataFrame"):
        peak_overstatement(pd.DataFrame({"year": [1]}))
    with pytest.raises(ValueError, match="comparison must be a DataFrame"):
        reversal_year([1, 2])


# ------------------------------------------------------ an owner renting at market prices
def _owner(cost=120.0, life=6):
    return Fleet("test", cost, life)


def test_owner_with_flat_rents_and_no_required_return_is_the_straight_line_case():
    # 120 over four economic years: rent 30 a year, economic depreciation 30, economic profit 0.
    # Six-year books charge 20, so 10 a year is reported early, then 20 a year comes back.
    table = owner_profit_comparison(_owner(), 6, 4, rent_decline=0.0, required_return=0.0)
    assert table["year"].tolist() == [1, 2, 3, 4, 5, 6]
    assert_allclose(table["rent_usd"], [30, 30, 30, 30, 0, 0])
    assert_allclose(table["economic_depreciation_usd"], [30, 30, 30, 30, 0, 0], atol=1e-12)
    assert_allclose(table["reported_depreciation_usd"], [20] * 6)
    assert_allclose(table["economic_profit_usd"], 0.0, atol=1e-12)
    assert_allclose(table["reported_profit_usd"], [10, 10, 10, 10, -20, -20], atol=1e-12)
    assert peak_overstatement(table) == pytest.approx(120 * (1 - 4 / 6))
    assert reversal_year(table) == 5


def test_owner_two_year_annuity_by_hand():
    # 100 at 10% over two years, flat rents: N (1/1.1 + 1/1.21) = 100, so N = 57.619...;
    # V_1 = N / 1.1 = 52.381; economic profit is 10% of the value at the start of each year.
    n = 100 / (1 / 1.1 + 1 / 1.21)
    table = owner_profit_comparison(_owner(100.0, 2), 2, 2, rent_decline=0.0, required_return=0.1)
    assert_allclose(table["rent_usd"], [n, n])
    assert_allclose(table["value_usd"], [n / 1.1, 0.0], atol=1e-9)
    assert_allclose(table["economic_depreciation_usd"], [100 - n / 1.1, n / 1.1])
    assert_allclose(table["economic_profit_usd"], [10.0, 0.1 * n / 1.1])
    assert_allclose(table["reported_profit_usd"], [n - 50, n - 50])
    # flat rents with a required return: economic depreciation rises, so straight-line books on the
    # right life are the cautious ones in year 1
    assert table["overstatement_usd"].iloc[0] == pytest.approx((100 - n / 1.1) - 50) and peak_overstatement(table) < 0


def test_owner_with_halving_rents_by_hand():
    # 90, rents halve each year over two years, no required return: rents 60 and 30 (they add up to
    # the cost), economic depreciation equals the rent; three-year books charge 30 a year.
    table = owner_profit_comparison(_owner(90.0, 3), 3, 2, rent_decline=0.5, required_return=0.0)
    assert_allclose(table["rent_usd"], [60, 30, 0])
    assert_allclose(table["economic_depreciation_usd"], [60, 30, 0], atol=1e-12)
    assert_allclose(table["reported_profit_usd"], [30, 0, -30], atol=1e-12)
    assert_allclose(table["overstatement_usd"], [30, 0, -30], atol=1e-12)
    assert peak_overstatement(table) == pytest.approx(30.0)
    assert reversal_year(table) == 3


def test_owner_with_salvage_and_running_costs_by_hand():
    # 100, salvage 20, two economic years, no return, flat: net rent (100 - 20) / 2 = 40, and with
    # running costs of half the rent the rent is 80. Four-year books charge 20 a year.
    table = owner_profit_comparison(_owner(100.0, 4), 4, 2, rent_decline=0.0, required_return=0.0,
                                    salvage_fraction=0.2, operating_cost_fraction=0.5)
    assert_allclose(table["rent_usd"], [80, 80, 0, 0])
    assert_allclose(table["operating_cost_usd"], [40, 40, 0, 0])
    assert_allclose(table["value_usd"], [60, 20, 20, 20])
    assert_allclose(table["book_value_usd"], [80, 60, 40, 20])
    assert_allclose(table["cumulative_overstatement_usd"], [20, 40, 20, 0], atol=1e-12)


def test_owner_matches_the_vehicles_overstatement_when_rents_are_flat_and_money_is_free():
    # With no required return and flat rents, the owner's economic depreciation is straight-line over
    # the economic life, as in profit_comparison: the overstatements agree year by year.
    fleet = Fleet("same cost as Colossus 2", COLOSSUS_2.total_cost_usd, 6)
    for accounting, economic in [(6, 4), (4, 6), (5, 5), (8, 3)]:
        owner = owner_profit_comparison(fleet, accounting, economic, rent_decline=0.0, required_return=0.0)
        vehicle = profit_comparison(COLOSSUS_2, accounting, economic)
        assert_allclose(owner["overstatement_usd"], vehicle["overstatement_usd"].iloc[: len(owner)],
                        atol=1e-6 * 20e9)


@SETTINGS
@given(money, lives, lives, methods, st.floats(-0.5, 0.9), st.floats(0.0, 0.3), st.floats(0.0, 0.9),
       st.floats(0.0, 0.9))
def test_owner_identities(cost, accounting, economic, method, decline, rate, salvage, running):
    table = owner_profit_comparison(Fleet("random", cost, accounting), accounting, economic, method=method,
                                    rent_decline=decline, required_return=rate, salvage_fraction=salvage,
                                    operating_cost_fraction=running)
    tolerance = 1e-9 * cost
    assert len(table) == max(accounting, economic)
    # the two profits have the same total: both depreciations add up to cost less salvage
    assert table["reported_profit_usd"].sum() == pytest.approx(table["economic_profit_usd"].sum(), abs=tolerance)
    assert table["economic_depreciation_usd"].sum() == pytest.approx(cost * (1 - salvage), abs=tolerance)
    # the profit reported early so far is the book value less the value of the remaining rents
    assert_allclose(table["cumulative_overstatement_usd"], table["book_value_usd"] - table["value_usd"], atol=tolerance)
    # the first rent is competitive: net rents and salvage, discounted, are worth the cost (summed here
    # independently of the model's backward recursion)
    net = (table["rent_usd"] - table["operating_cost_usd"]).to_numpy()[:economic]
    present = sum(n / (1 + rate) ** (k + 1) for k, n in enumerate(net)) + cost * salvage / (1 + rate) ** economic
    assert present == pytest.approx(cost, rel=1e-9)
    # the rent falls by rent_decline a year while the chips earn, and is zero after
    rent = table["rent_usd"].to_numpy()
    assert_allclose(rent[1:economic], rent[: economic - 1] * (1 - decline), rtol=1e-9)
    assert (rent[economic:] == 0).all()
    # economic profit is the required return on the value at the start of the year (Hotelling)
    start_value = np.concatenate([[cost], table["value_usd"].to_numpy()[:-1]])
    assert_allclose(table["economic_profit_usd"].to_numpy()[:economic], rate * start_value[:economic], atol=tolerance)
    assert_allclose(table["economic_profit_usd"].to_numpy()[economic:], 0.0, atol=tolerance)


@SETTINGS
@given(lives, lives, st.floats(0.0, 0.3))
def test_owner_with_flat_rents_has_no_value_left_at_the_end_of_the_economic_life(accounting, economic, rate):
    # With no salvage the chips are worth nothing once they stop earning, so the cumulative
    # overstatement then is the book value still carried: C (1 - L_e / L_a) for straight-line.
    table = owner_profit_comparison(_owner(1e9, accounting), accounting, economic, rent_decline=0.0,
                                    required_return=rate)
    expected = 1e9 * max(0.0, 1 - economic / accounting)
    assert table["cumulative_overstatement_usd"].iloc[economic - 1] == pytest.approx(expected, abs=1e-3)


def test_the_neocloud_fleet_is_built_from_the_disclosures():
    lives = useful_life_changes().set_index("change_id")
    assert NEOCLOUD_FLEET.cost_usd == depreciation_fact("coreweave.technology_equipment_usd") == 13e9
    assert NEOCLOUD_FLEET.accounting_life_years == lives.loc["crwv-2023", "life_to_years"] == 6
    # the same six years Microsoft and Alphabet disclose for their servers
    assert lives.loc["msft-2023", "life_to_years"] == lives.loc["googl-2023", "life_to_years"] == 6
    assert OWNER_REQUIRED_RETURN == depreciation_fact("chapter2.owner_required_return") == 0.1


def test_the_neocloud_example_reports_profit_early_at_the_calibrated_decline():
    table = owner_profit_comparison(NEOCLOUD_FLEET, 6, 4)
    assert peak_overstatement(table) > 13e9 * (1 - 4 / 6)  # falling rents add to the life gap
    # with the calibrated fall in rents, even the right life pulls profit forward under straight-line
    assert peak_overstatement(owner_profit_comparison(NEOCLOUD_FLEET, 6, 6)) > 0
    # with flat rents and the right life, the books are the cautious ones
    assert peak_overstatement(owner_profit_comparison(NEOCLOUD_FLEET, 6, 6, rent_decline=0.0)) < 0


@pytest.mark.parametrize("kwargs, message", [
    ({"accounting_life_years": 0}, r"accounting_life_years=0 is outside"),
    ({"economic_life_years": 16}, r"economic_life_years=16 is outside"),
    ({"method": "fast"}, r"method='fast' is not one of"),
    ({"rent_decline": 1.0}, r"rent_decline=1.0 is outside \[-1, 1\)"),
    ({"rent_decline": -1.5}, r"rent_decline=-1.5 is outside"),
    ({"required_return": 1.0}, r"required_return=1.0 is outside"),
    ({"salvage_fraction": 1.1}, r"salvage_fraction=1.1 is outside"),
    ({"operating_cost_fraction": 1.0}, r"operating_cost_fraction=1.0 is outside \[0, 1\)"),
])
def test_bad_owner_inputs_name_the_parameter(kwargs, message):
    arguments = {"accounting_life_years": 6, "economic_life_years": 4, **kwargs}
    with pytest.raises(ValueError, match=message):
        owner_profit_comparison(NEOCLOUD_FLEET, **arguments)


def test_owner_comparison_needs_a_fleet_and_a_fleet_checks_itself():
    with pytest.raises(ValueError, match=r"fleet=.* is not a gpu_finance.depreciation.Fleet"):
        owner_profit_comparison(COLOSSUS_2, 6, 4)
    with pytest.raises(ValueError, match=r"cost=0.0 is outside"):
        Fleet("empty", 0.0, 6)
    with pytest.raises(ValueError, match=r"accounting_life_years=20 is outside"):
        Fleet("long", 1e9, 20)


# ----------------------------------------------------------------------------- calibration
def test_implied_decline_matches_scipys_least_squares_fit():
    t = np.array([2023.2, 2023.5, 2024.8, 2025.8, 2026.2])
    p = np.array([4.7, 8.0, 2.0, 1.7, 2.35])
    slope = stats.linregress(t, np.log(p)).slope
    assert implied_annual_decline(t, p) == pytest.approx(1 - math.exp(slope), rel=1e-12)


def test_endpoints_use_only_the_first_and_last_dates():
    # 4.70 to 2.35 over exactly three years: half in three years.
    decline = implied_annual_decline([2026.0, 2023.0, 2024.0], [2.35, 4.70, 100.0], method="endpoints")
    assert decline == pytest.approx(1 - 0.5 ** (1 / 3))


@SETTINGS
@given(st.floats(0.0, 0.9), st.floats(0.01, 100.0), st.integers(2, 8), st.floats(0.1, 1e4))
def test_an_exact_geometric_series_gives_its_own_rate(decline, start, count, scale):
    t = 2020 + np.arange(count) * 0.75
    p = start * (1 - decline) ** (t - 2020)
    for method in ("log_linear", "endpoints"):
        assert implied_annual_decline(t, p, method) == pytest.approx(decline, abs=1e-9)
        assert implied_annual_decline(t, p * scale, method) == pytest.approx(decline, abs=1e-9)  # units do not matter


def test_rising_prices_give_a_negative_decline():
    assert implied_annual_decline([2020, 2021], [1.0, 1.5]) == pytest.approx(-0.5)


def test_price_trend_reads_the_fitted_line():
    t = [2023.0, 2024.0, 2025.0]
    p = [4.0, 3.0, 2.0]
    fit = stats.linregress(t, np.log(p))
    assert_allclose(price_trend(t, p, [2023.5, 2030]), np.exp(fit.intercept + fit.slope * np.array([2023.5, 2030])))


@pytest.mark.parametrize("years, prices, message", [
    ([2020], [1.0], r"years has 1 values; at least 2"),
    ([2020, 2020], [1.0, 2.0], r"are all the same date"),
    ([2020, 2021], [1.0, 0.0], r"must all be finite and greater than zero"),
    ([2020, 2021], [1.0, float("nan")], r"must all be finite"),
    ([2020, float("inf")], [1.0, 2.0], r"not finite numbers"),
    ([2020, 2021, 2022], [1.0, 2.0], r"equal length"),
])
def test_bad_price_series_are_clear_errors(years, prices, message):
    with pytest.raises(ValueError, match=message):
        implied_annual_decline(years, prices)


def test_unknown_fit_method_names_the_parameter():
    with pytest.raises(ValueError, match=r"method='median' is not one of 'log_linear', 'endpoints'"):
        implied_annual_decline([2020, 2021], [2.0, 1.0], method="median")


def test_the_preset_is_the_fit_to_the_h100_market_rents_of_the_data():
    prices = rental_prices()
    h100 = prices[prices["gpu"] == "H100"]
    assert set(h100["price_kind"]) == {"on-demand", "spot/index", "1-year contract"}
    # independent arithmetic: numpy's polynomial fit of ln(price) on the decimal year
    slope = np.polyfit(h100["year_decimal"], np.log(h100["price_usd_per_hour"]), 1)[0]
    assert CALIBRATED_ANNUAL_DECLINE == pytest.approx(-math.expm1(slope), rel=1e-9)
    assert CALIBRATED_ANNUAL_DECLINE == calibrated_decline().estimate
    assert calibrated_decline().n_observations == len(h100)
    # the peak above $8 and the trough below $2 bracket a steep fall; the 2026 rebound tempers it
    assert 0.2 < CALIBRATED_ANNUAL_DECLINE < 0.5


def test_the_presets_carry_the_calibrated_point_estimate():
    presets = load_dataset("scenario_presets")
    rows = presets[(presets["field"] == "annual_decline") & (presets["preset"].isin(["as_told", "what_closed"]))]
    assert len(rows) == 2
    assert (rows["value"].astype(float) == CALIBRATED_ANNUAL_DECLINE).all()


# ------------------------------------------------------------------------------ the interval
def test_a_series_with_an_exact_exponential_decline_has_no_spread():
    years = [2020.0, 2020.5, 2021.25, 2022.0, 2023.75]
    rate = 0.3
    prices = [5.0 * (1 - rate) ** (t - 2020.0) for t in years]
    fit = decline_interval(years, prices, 0.9, seed=7)
    assert fit.estimate == pytest.approx(rate, abs=1e-12)
    assert fit.estimate == fit.low == fit.high
    assert fit.n_observations == len(years) and fit.confidence == 0.9


def test_the_bootstrap_is_deterministic_under_a_seed_and_moves_with_it():
    first = decline_interval([2020, 2021, 2022, 2023, 2024], [8.0, 5.0, 4.5, 2.0, 2.2], seed=11)
    again = decline_interval([2020, 2021, 2022, 2023, 2024], [8.0, 5.0, 4.5, 2.0, 2.2], seed=11)
    other = decline_interval([2020, 2021, 2022, 2023, 2024], [8.0, 5.0, 4.5, 2.0, 2.2], seed=12)
    assert first == again
    assert (first.low, first.high) != (other.low, other.high)
    assert first.estimate == other.estimate  # the point estimate does not depend on the seed
    assert calibrated_decline(seed=3) == calibrated_decline(seed=3)


def test_the_interval_contains_the_estimate_and_widens_with_confidence():
    for include_peak in (True, False):
        narrow = calibrated_decline(0.5, include_peak=include_peak)
        wide = calibrated_decline(0.95, include_peak=include_peak)
        assert narrow.low <= narrow.estimate <= narrow.high
        assert wide.low <= narrow.low and narrow.high <= wide.high
        assert "bootstrap" in wide.method and "independent" in wide.method


def test_the_estimate_is_numpys_polyfit_on_the_rows_chosen():
    for include_peak in (True, False):
        rows = calibration_prices(include_peak=include_peak)
        slope = np.polyfit(rows["year_decimal"], np.log(rows["price_usd_per_hour"]), 1)[0]
        fit = calibrated_decline(include_peak=include_peak)
        assert fit.estimate == pytest.approx(-math.expm1(slope), rel=1e-9)
        assert fit.include_peak is include_peak


def test_leaving_out_the_peak_drops_exactly_the_peak_rows():
    prices = rental_prices()
    peak_rows = prices["observation_id"].isin(PEAK_OBSERVATIONS) & (prices["gpu"] == "H100")
    assert peak_rows.sum() == len(PEAK_OBSERVATIONS) == 1
    with_peak, without = calibrated_decline(), calibrated_decline(include_peak=False)
    assert with_peak.n_observations - without.n_observations == peak_rows.sum()
    assert without.estimate < with_peak.estimate  # the scarcity peak steepens the fall


def test_the_bootstrap_by_hand_for_one_resample():
    # with the same generator, the first resample's refit is the fit to the rows it picked
    years, prices = np.array([2020.0, 2021.0, 2022.0, 2023.0]), np.array([8.0, 5.0, 4.0, 1.5])
    picks = np.random.default_rng(5).integers(0, 4, size=(100, 4))[0]
    if np.ptp(years[picks]) > 0:
        expected = implied_annual_decline(years[picks], prices[picks])
        fit = decline_interval(years, prices, 0.98, seed=5, n_resamples=100)
        assert fit.low - 1e-9 <= expected <= fit.high + 1e-9


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"confidence": 1.0}, r"confidence=1.0 is outside \(0, 1\)"),
        ({"confidence": 0}, r"confidence=0 is outside \(0, 1\)"),
        ({"confidence": "90%"}, r"confidence="),
        ({"n_resamples": 10}, r"n_resamples=10 is outside \[100, 1000000\]"),
        ({"n_resamples": 2000.5}, r"n_resamples="),
        ({"seed": -1}, r"seed=-1 is outside"),
        ({"seed": True}, r"seed=True is not a whole number"),
        ({"include_peak": "no"}, r"include_peak='no' is not True or False"),
        ({"gpu": "TPU"}, r"gpu='TPU' is not one of"),
    ],
)
def test_calibrated_decline_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        calibrated_decline(**kwargs)


def test_the_bootstrap_seed_follows_the_one_seed_check_for_whole_numbers():
    # a whole number >= 0 of any integer type, as gpu_finance._validation.check_seed accepts; the
    # seed is recorded in the result, so a Generator (or a float) is refused with the parameter named
    assert calibrated_decline(seed=np.int64(3)) == calibrated_decline(seed=3)
    assert "seed 3;" in decline_interval([2020, 2021, 2022], [4.0, 3.0, 1.0], seed=np.uint8(3)).method
    for bad in (np.random.default_rng(3), 3.0, "3"):
        with pytest.raises(ValueError, match=r"seed=.* is not a whole number"):
            decline_interval([2020, 2021], [2.0, 1.0], seed=bad)


def test_decline_interval_rejects_a_series_without_a_trend():
    with pytest.raises(ValueError, match=r"all the same date"):
        decline_interval([2020, 2020], [2.0, 1.0])
    with pytest.raises(ValueError, match=r"prices=.* must all be finite and greater than zero"):
        decline_interval([2020, 2021], [2.0, 0.0])


# ------------------------------------------------------------------------------ the price data
def test_every_rental_row_has_a_known_kind_and_bound():
    prices = rental_prices()
    assert set(prices["price_kind"]) <= set(PRICE_KINDS)
    assert set(prices["bound"]) <= set(PRICE_BOUNDS)
    assert (prices[prices["date"] >= "2026"]["gpu"] == "H100").sum() >= 3  # the 2026 rebound is in the data


def test_a_bad_price_kind_names_the_row_and_the_column(monkeypatch):
    import gpu_finance.datasets as module

    real = module.load_dataset

    def broken(name):
        frame = real(name)
        if name == "gpu_rental_prices":
            frame.loc[frame["observation_id"] == "h100-peak", "price_kind"] = "rental"
        return frame

    monkeypatch.setattr(module, "load_dataset", broken)
    with pytest.raises(ValueError, match=r"gpu_rental_prices.csv row 'h100-peak': price_kind='rental' is not one of"):
        module.rental_prices()


def test_contract_prices_per_gpu_hour_by_hand():
    contracts = compute_contracts().set_index("contract_id")
    anthropic = contracts.loc["anthropic-colossus"]
    assert anthropic["monthly_fee_usd"] == 1.25e9 and anthropic["gpu_count"] == 325_000
    # $1.25B a month over 325,000 GPUs and 730.5 hours a month
    assert anthropic["usd_per_gpu_hour"] == pytest.approx(1.25e9 / 325_000 / (365.25 * 24 / 12))
    assert contracts.loc["google-colossus2", "usd_per_gpu_hour"] == pytest.approx(0.92e9 / 110_000 / 730.5)
    assert HOURS_PER_MONTH == 730.5
    assert (contracts["confidence"] == "S").all()
    for text in contracts["description"]:
        assert "not bare GPUs" in text
    with pytest.raises(ValueError, match=r"monthly_fee_usd=-1.0 is outside"):
        usd_per_gpu_hour(-1.0, 10)


def test_decimal_years_by_hand():
    assert decimal_year("2023") == 2023.5
    assert decimal_year("2023-03") == pytest.approx(2023 + 2.5 / 12, abs=1e-4)
    assert decimal_year("2024-03-18") == pytest.approx(2024 + 77 / 366, abs=1e-4)  # a leap year
    with pytest.raises(ValueError, match=r"date='March 2023' is not written"):
        decimal_year("March 2023")
    with pytest.raises(ValueError, match=r"date month=13 is outside"):
        decimal_year("2023-13")


def test_generation_gap_by_hand_and_from_the_data():
    frame = pd.DataFrame({"kind": ["architecture", "refresh", "architecture", "architecture"],
                          "year_decimal": [2017.5, 2019.0, 2020.5, 2022.5]})
    assert generation_gap_years(frame) == 2.0  # median of 3 and 2, rounded
    assert generation_gap_years(frame, kind="any") == 2.0  # median of 1.5, 1.5, 2 -> 1.5 -> 2
    assert generation_gap_years() == 2.0  # Volta 2017 ... Feynman 2028: about every two years
    with pytest.raises(ValueError, match=r"kind='chip' is not one of"):
        generation_gap_years(frame, kind="chip")
    with pytest.raises(ValueError, match=r"at least 2 are needed"):
        generation_gap_years(frame.iloc[:1])


# ------------------------------------------------------------------------------ sourced data
def test_useful_life_rows_match_the_disclosures():
    changes = useful_life_changes().set_index("change_id")
    assert changes.loc["msft-2023", ["life_from_years", "life_to_years", "profit_effect_usd"]].tolist() == [4, 6, 3.7e9]
    assert changes.loc["googl-2023", "profit_effect_usd"] == 3.9e9
    assert changes.loc["meta-2025", ["life_to_years", "profit_effect_usd"]].tolist() == [5.5, 2.92e9]
    assert changes.loc["meta-2025", "confidence"] == "C"  # read in Meta's 10-K for 2025
    assert changes.loc["amzn-2025", ["life_from_years", "life_to_years", "profit_effect_usd"]].tolist() == [6, 5, -0.7e9]
    assert changes.loc["nbis-2025", "life_to_years"] == 4 and changes.loc["crwv-2023", "life_to_years"] == 6
    assert changes.loc["crwv-2023", "confidence"] == "X"  # the earlier life is disputed
    # the disclosures are about servers and network equipment; only Nebius speaks of GPUs
    assert set(changes.loc[changes["assets"] == "GPUs"].index) == {"nbis-2025"}


def test_rental_rows_keep_the_bounds_the_sources_give():
    prices = rental_prices().set_index("observation_id")
    assert prices.loc["h100-peak", ["price_usd_per_hour", "bound"]].tolist() == [8.0, "at least"]
    assert prices.loc["h100-2024", ["price_usd_per_hour", "bound"]].tolist() == [2.0, "at most"]
    assert prices.loc["h100-low", ["price_usd_per_hour", "price_kind"]].tolist() == [1.70, "1-year contract"]


def test_generations_and_frontier_life():
    generations = gpu_generations().set_index("generation")
    assert generations.loc["H200", "date"] == "2023-11-13" and generations.loc["B200", "date"] == "2024-03-18"
    assert depreciation_fact("epoch.frontier_life_median_years") == 3.9
    assert depreciation_fact("burry.understatement_usd") == 176e9


def test_the_cfo_is_quoted_from_the_transcript_not_the_paraphrase():
    quote = depreciation_views().loc["friar-frontier", "quote"]
    assert quote.startswith("So the question is, how long does a chip remain on the frontier?")
    assert "three years, four years, five years, or even longer?" in quote
    assert "timeline" not in quote  # the essay's "If the timeline on the chip stays short" is not in it


def test_depreciation_fact_rejects_unknown_keys():
    with pytest.raises(ValueError, match=r"key='epoch.nope' is not one of"):
        depreciation_fact("epoch.nope")


def test_the_h100_launch_agrees_between_the_two_files():
    # gpu_generations dates the H100 by its announcement (March 2022) and says when it entered
    # production; the rental row dates the first rental price, which its source puts in March 2023.
    # One story: announced, then produced, then rented, within about a year.
    generation = gpu_generations().set_index("generation").loc["H100"]
    launch = rental_prices().set_index("observation_id").loc["h100-launch"]
    assert generation["event"] == "announced" and generation["date"] == "2022-03"
    produced = pd.Timestamp(re.search(r"in production from (\w+ \d{4})", generation["description"]).group(1))
    assert decimal_year(produced.strftime("%Y-%m")) < launch["year_decimal"]
    assert 0 < launch["year_decimal"] - generation["year_decimal"] <= 1.5
    assert launch["date"] == "2023-03" and "March 2023" in launch["description"]
    assert "March 2022" in launch["description"] and "September 2022" in launch["description"]


def test_rbcs_changes_are_year_to_date_not_yearly_rates():
    changes = load_dataset("gpu_price_changes").set_index("change_id")
    for key, change in [("rbc-h100-ytd", -0.22), ("rbc-h200-ytd", -0.29)]:
        row = changes.loc[key]
        assert row["change_fraction"] == change and row["period_months"] < 12
        assert "year-to-date" in row["description"] and "not a yearly rate" in row["description"]
    # at a yearly rate, nine months' fall of 22% is steeper: 1 - 0.78 ** (12 / 9)
    h100 = changes.loc["rbc-h100-ytd"]
    yearly = implied_annual_decline([0, h100["period_months"] / 12], [1, 1 + h100["change_fraction"]], "endpoints")
    assert yearly == pytest.approx(1 - 0.78 ** (12 / 9))


def test_the_four_readings_of_the_calibration():
    readings = decline_readings()
    assert list(readings.index) == ["all prices", "without the 2023 peak", "before the 2026 rebound",
                                    "on-demand prices only"]
    assert readings.loc["all prices", "estimate"] == calibrated_decline().estimate
    assert readings.loc["without the 2023 peak", "high"] == calibrated_decline(include_peak=False).high
    rows = calibration_prices()
    before = rows[rows["year_decimal"] < 2026]
    slope = np.polyfit(before["year_decimal"], np.log(before["price_usd_per_hour"]), 1)[0]
    assert readings.loc["before the 2026 rebound", "estimate"] == pytest.approx(-math.expm1(slope), rel=1e-9)
    # the 2026 rebound slows the fitted fall
    assert readings.loc["before the 2026 rebound", "estimate"] > readings.loc["all prices", "estimate"]
    assert (readings["low"] <= readings["estimate"]).all() and (readings["estimate"] <= readings["high"]).all()


def test_the_default_resample_count_is_the_module_constant():
    # chapter 2 quotes BOOTSTRAP_RESAMPLES: every bootstrap must use it by default
    import inspect

    from gpu_finance.depreciation import BOOTSTRAP_RESAMPLES, decline_readings

    for function in (decline_interval, calibrated_decline, decline_readings):
        assert inspect.signature(function).parameters["n_resamples"].default == BOOTSTRAP_RESAMPLES
    assert f"{BOOTSTRAP_RESAMPLES} resamples" in calibrated_decline().method
