"""The closing chapter's scenario layer: the presets against their data rows, who_pays against
hand-worked cases, closed forms and an independent reconstruction of the waterfall, and the
properties the chapter relies on (losses add up, the waterfall's order, no guarantee means nothing
for the taxpayers, a longer economic life never raises the loss)."""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import integrate, stats

import gpu_finance as g
from gpu_finance import (
    COLOSSUS_2,
    PRESETS,
    RISK_STEPS,
    SCENARIO_FIELDS,
    VALOR_COMPUTE,
    Deal,
    Scenario,
    debt_schedule,
    implied_annual_decline,
    implied_default_rate,
    lease_payment,
    money_flows,
    peak_overstatement,
    preset,
    profit_comparison,
    rental_prices,
    risk_path,
    scenario_flows,
    scenario_presets,
    who_pays,
)
from gpu_finance.depreciation import depreciation_fact, depreciation_facts
from gpu_finance.scenario import DEAL_FIELDS

from .strategies import scenarios

PARTIES = ["sponsor", "spv_equity", "vendor", "lenders", "taxpayers"]
STORY = PRESETS["as_told"]


def _value(scenario: Scenario, name: str):
    return getattr(scenario.deal, name) if name in DEAL_FIELDS else getattr(scenario, name)


def _losses(result) -> pd.Series:
    return result.parties.set_index("party")["expected_loss_usd"]


# ------------------------------------------------------------------------------- presets and their rows
def test_every_preset_has_one_row_per_field():
    rows = scenario_presets()
    assert list(PRESETS) == ["as_told", "what_closed", "six_years", "every_year"]
    for key in PRESETS:
        fields = rows.loc[rows["preset"] == key, "field"].tolist()
        assert sorted(fields) == sorted(SCENARIO_FIELDS), key
        assert len(fields) == len(set(fields))


@pytest.mark.parametrize("key", list(PRESETS))
def test_preset_numbers_match_their_data_rows(key):
    rows = scenario_presets()
    mine = rows[rows["preset"] == key].set_index("field")
    scenario = PRESETS[key]
    for name in SCENARIO_FIELDS:
        stored, value = mine.loc[name, "value"], _value(scenario, name)
        if name == "structure":
            assert value == stored
        else:
            assert float(value) == float(stored), f"{key}.{name}: {value!r} is not the row's {stored!r}"


def _resolve(reference: str) -> float:
    """The figure a row says it repeats: ``deal_facts:<key>``, ``depreciation_facts:<key>`` or
    ``gpu_finance:<NAME>[.<attribute>]``."""
    where, _, key = reference.partition(":")
    if where == "deal_facts":
        return g.fact(key)
    if where == "depreciation_facts":
        return float(depreciation_facts().loc[key, "value"])
    assert where == "gpu_finance", reference
    obj = g
    for part in key.split("."):
        obj = getattr(obj, part)
    return float(obj)


def test_rows_that_repeat_a_figure_agree_with_it():
    rows = scenario_presets()
    repeated = rows[rows["same_as"] != ""]
    assert len(repeated) >= 40
    for _, row in repeated.iterrows():
        assert float(row["value"]) == _resolve(row["same_as"]), f"{row['preset']}.{row['field']} vs {row['same_as']}"


def test_derived_preset_rows_are_chapter_2s_figures_recomputed():
    prices = rental_prices()
    h100 = prices[prices["gpu"] == "H100"].set_index("observation_id")

    def endpoints(first, last):
        pick = h100.loc[[first, last]]
        return implied_annual_decline(pick["year_decimal"], pick["price_usd_per_hour"], "endpoints")

    assert PRESETS["six_years"].annual_decline == endpoints("h100-launch", "h100-2026")
    assert PRESETS["every_year"].annual_decline == endpoints("h100-peak", "h100-low")
    assert PRESETS["every_year"].economic_life_years == math.floor(depreciation_fact("epoch.frontier_life_low_years"))
    # the slow case is slower, the fast case faster, than the calibration
    assert PRESETS["six_years"].annual_decline < g.CALIBRATED_ANNUAL_DECLINE < PRESETS["every_year"].annual_decline


def test_the_story_and_what_closed_are_chapter_1s_deals():
    for key, deal in (("as_told", COLOSSUS_2), ("what_closed", VALOR_COMPUTE)):
        for name in DEAL_FIELDS:
            assert getattr(PRESETS[key].deal, name) == getattr(deal, name), (key, name)
    # the chip cases change only the chips of the story
    for key in ("six_years", "every_year"):
        changed = {n for n in SCENARIO_FIELDS if _value(PRESETS[key], n) != _value(STORY, n)}
        assert changed == {"economic_life_years", "annual_decline"}, key


def test_what_closed_has_no_guarantee_and_the_story_has_one():
    assert PRESETS["what_closed"].coverage == 0.0
    assert STORY.coverage == g.DEFAULT_COVERAGE and STORY.walk_away_probability == 1.0


def test_sourced_rows_are_coded_and_assumptions_are_marked():
    rows = scenario_presets()
    assert set(rows["confidence"]) <= {"C", "S", "X", "A"}
    assert (rows.loc[rows["confidence"] != "A", "bibkey"] != "").all()
    assert (rows.loc[rows["confidence"] == "A", "source"] == "Assumption of this book").all()


def test_preset_lookup():
    # equal, not necessarily the same object: tests that count solves clear the model's caches
    # (conftest.py), after which the factory builds the presets anew while PRESETS keeps the old ones
    assert preset("six_years") == PRESETS["six_years"] and preset("six_years").economic_life_years == 6
    with pytest.raises(ValueError, match=r"key='x' is not one of"):
        preset("x")


# ------------------------------------------------------------------------------- the scenario object
def test_scenario_is_frozen_and_validated_on_replace():
    with pytest.raises(Exception):
        STORY.coverage = 0.5  # type: ignore[misc]
    assert STORY.replace(coverage=0.5).coverage == 0.5 and STORY.coverage == 0.8
    assert STORY.with_deal(debt_rate=0.1).deal.debt_rate == 0.1


@pytest.mark.parametrize("name, bad", [
    ("target_equity_return", 1.0), ("residual_value_fraction", 1.5), ("residual_value_guarantee", 1),
    ("vendor_gross_margin", 1.0), ("accounting_life_years", 0), ("economic_life_years", 2.5),
    ("economic_life_years", 16), ("annual_decline", 0.61), ("annual_decline", -0.1), ("volatility", 0.0),
    ("liquidation_cost_fraction", -0.01), ("sponsor_default_rate", 1.2), ("walk_away_probability", float("nan")),
    ("coverage", 2.0), ("structure", "first_come"), ("guarantee_fee", -0.01), ("name", 3),
])
def test_bad_fields_raise_value_errors_naming_the_field(name, bad):
    with pytest.raises(ValueError, match=name):
        STORY.replace(**{name: bad})


def test_deal_must_be_a_deal():
    with pytest.raises(ValueError, match="deal="):
        STORY.replace(deal="not a deal")


def test_summary_lists_every_field():
    summary = STORY.summary().set_index("field")
    assert list(summary.index) == list(SCENARIO_FIELDS)
    assert summary.loc["debt_usd", "value"] == 12.5e9 and summary.loc["economic_life_years", "unit"] == "years"


def test_lease_and_profit_reported_early_are_chapters_1_and_2():
    assert STORY.lease_payment_usd == lease_payment(COLOSSUS_2)
    # straight-line, six years in the books and four in reality: 20B x (1 - 4/6)
    assert STORY.profit_reported_early_usd == pytest.approx(20e9 * (1 - 4 / 6), rel=1e-12)
    assert STORY.profit_reported_early_usd == peak_overstatement(profit_comparison(COLOSSUS_2, 6, 4))
    assert PRESETS["six_years"].profit_reported_early_usd == pytest.approx(0.0, abs=1.0)


# ------------------------------------------------------------------------------- who_pays: hand-worked cases
def _quiet(scenario: Scenario, **changes) -> Scenario:
    """A scenario with no randomness left in who stops paying: no own default."""
    return scenario.replace(sponsor_default_rate=0.0, **changes)


def test_a_sponsor_that_honours_the_lease_pays_for_every_dead_year():
    scenario = _quiet(STORY, walk_away_probability=0.0, economic_life_years=2, coverage=0.0)
    result = who_pays(scenario, n_paths=500)
    losses = _losses(result)
    assert losses["sponsor"] == pytest.approx(3 * lease_payment(COLOSSUS_2), rel=1e-12)  # years 3, 4 and 5
    assert losses.drop("sponsor").abs().max() == 0.0
    assert (result.outcomes.set_index("outcome")["share_of_paths"] == [1.0, 0.0, 0.0]).all()


def test_a_sponsor_that_walks_away_leaves_the_vehicle_its_claims():
    """Worked with numpy-financial: after two annual payments of a 12.5B loan at 9.5% over five years,
    the balance is the future value of the loan less the payments; the equity has had two years of
    rent less debt service back."""
    scenario = _quiet(STORY, walk_away_probability=1.0, economic_life_years=2, coverage=0.0)
    result = who_pays(scenario, n_paths=300)
    payment = -npf.pmt(0.095, 5, 12.5e9)
    balance = -npf.fv(0.095, 2, -payment, 12.5e9)
    rent = lease_payment(COLOSSUS_2)
    equity_left = 7.5e9 - 2 * (rent - payment)
    losses = _losses(result)
    assert losses["lenders"] == pytest.approx(balance, rel=1e-9)
    assert losses["spv_equity"] == pytest.approx(equity_left * 5.5 / 7.5, rel=1e-9)
    assert losses["vendor"] == pytest.approx(equity_left * 2 / 7.5, rel=1e-9)
    assert losses["sponsor"] == 0.0 and losses["taxpayers"] == 0.0
    # the lenders were paid two years of interest on the way
    assert result.parties.set_index("party").loc["lenders", "earned_usd"] == pytest.approx(
        12.5e9 * 0.095 + (12.5e9 - (payment - 12.5e9 * 0.095)) * 0.095, rel=1e-9)
    # with a guarantee, 80% of the lenders' loss moves to the taxpayers (pro rata)
    backed = _losses(who_pays(scenario.replace(coverage=0.8), n_paths=300))
    assert backed["taxpayers"] == pytest.approx(0.8 * balance, rel=1e-9)
    assert backed["lenders"] == pytest.approx(0.2 * balance, rel=1e-9)


def _lognormal(value, sigma, drift, years):
    return stats.lognorm(s=sigma * math.sqrt(years), scale=value * math.exp((drift - sigma**2 / 2) * years))


def test_a_sponsor_that_stops_after_one_year_costs_what_the_put_formula_says():
    """With certain default after year 1, the vehicle loses E[max(claims - (1 - c) V_1, 0)]: checked
    against numerical integration over the lognormal law of V_1 (scipy), within three standard errors."""
    scenario = STORY.replace(sponsor_default_rate=1.0, coverage=0.0, volatility=0.5)
    result = who_pays(scenario, n_paths=40_000, seed=11)
    assert (result.paths["stop_year"] == 1).all()
    rent, payment = lease_payment(COLOSSUS_2), -npf.pmt(0.095, 5, 12.5e9)
    claims = -npf.fv(0.095, 1, -payment, 12.5e9) + 7.5e9 - (rent - payment)
    law = _lognormal(20e9, 0.5, math.log1p(-scenario.annual_decline), 1.0)
    haircut = 1 - scenario.liquidation_cost_fraction
    exact, _ = integrate.quad(lambda v: max(claims - haircut * v, 0.0) * law.pdf(v), 0, claims / haircut, limit=200)
    assert abs(result.expected_loss_usd - exact) < 3 * result.expected_loss_se_usd


def test_a_residual_value_guarantee_makes_the_sponsor_pay_the_shortfall():
    """A three-year lease expecting 40% of the cost back: with the sponsor's guarantee it pays
    E[max(0.4 C - V_3, 0)] (a put, integrated with scipy), and the vehicle loses nothing."""
    scenario = _quiet(STORY, economic_life_years=6, residual_value_fraction=0.4, residual_value_guarantee=True,
                      coverage=0.0).with_deal(lease_term_years=3, debt_term_years=3)
    result = who_pays(scenario, n_paths=40_000, seed=5)
    law = _lognormal(20e9, scenario.volatility, math.log1p(-scenario.annual_decline), 3.0)
    exact, _ = integrate.quad(lambda v: (8e9 - v) * law.pdf(v), 0, 8e9, limit=200)
    losses = _losses(result)
    sponsor_se = result.paths["sponsor_loss_usd"].std() / math.sqrt(result.n_paths)
    assert abs(losses["sponsor"] - exact) < 3 * sponsor_se
    assert losses.drop("sponsor").abs().max() == 0.0
    # without the guarantee the same shortfall falls on the vehicle's equity first; the debt is repaid
    unguaranteed = _losses(who_pays(scenario.replace(residual_value_guarantee=False), n_paths=40_000, seed=5))
    assert unguaranteed["sponsor"] == 0.0 and unguaranteed["lenders"] == 0.0
    assert unguaranteed["spv_equity"] + unguaranteed["vendor"] > 0


# ------------------------------------------------------------------------------- who_pays: properties
@pytest.mark.parametrize("key", list(PRESETS))
def test_allocated_losses_add_up_to_the_total_for_every_preset(key):
    result = who_pays(PRESETS[key], n_paths=5_000)
    assert result.parties["expected_loss_usd"].sum() == pytest.approx(result.expected_loss_usd, rel=1e-9, abs=1e-3)
    assert result.parties["tail_loss_usd"].sum() == pytest.approx(result.tail_loss_usd, rel=1e-9, abs=1e-3)
    assert result.expected_loss_usd == pytest.approx(result.losses_usd.mean(), rel=1e-12)
    assert (result.parties["expected_loss_usd"] >= 0).all()
    assert result.outcomes["share_of_paths"].sum() == pytest.approx(1.0)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 10_000))
def test_allocated_losses_add_up_to_the_total_for_random_scenarios(scenario, seed):
    result = who_pays(scenario, n_paths=200, seed=seed)
    total = result.expected_loss_usd
    scale = max(1.0, 1e-9 * scenario.deal.total_cost_usd)
    assert abs(result.parties["expected_loss_usd"].sum() - total) <= 1e-9 * max(total, 1.0) + scale
    assert abs(result.parties["tail_loss_usd"].sum() - result.tail_loss_usd) <= 1e-9 * max(total, 1.0) + scale
    assert (result.parties["expected_loss_usd"] >= -scale).all()
    assert np.isfinite(result.parties.drop(columns="party").to_numpy(dtype=float)).all()
    if scenario.coverage == 0.0:
        assert result.loss_of("taxpayers") == 0.0


def _claims(scenario: Scenario, year: int) -> tuple[float, float]:
    """What the vehicle owes its lenders and its owners after ``year`` lease payments, rebuilt from the
    prologue's debt schedule and chapter 1's lease payment (independently of who_pays)."""
    deal = scenario.deal
    rent = lease_payment(deal, scenario.target_equity_return, scenario.residual_value_fraction)
    schedule = debt_schedule(deal).set_index("year")
    service = [schedule.loc[t, "payment_usd"] if t <= deal.debt_term_years else 0.0 for t in range(1, year + 1)]
    debt = schedule.loc[year, "closing_balance_usd"] if year <= deal.debt_term_years else 0.0
    debt = 0.0 if abs(debt) <= 1e-9 * deal.debt_usd else debt
    equity = max(deal.equity_usd - sum(rent - s for s in service), 0.0)
    return float(debt), float(equity)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_vehicle_claims_are_chapter_1s_debt_and_the_equity_not_yet_returned(scenario):
    """vehicle_claims, year by year, against the independent reconstruction from the debt schedule."""
    claims = g.scenario.vehicle_claims(scenario).set_index("year")
    assert list(claims.index) == list(range(scenario.deal.lease_term_years + 1))
    tolerance = 1e-6 * scenario.deal.total_cost_usd
    for year in range(1, scenario.deal.lease_term_years):  # the last year's debt is before any balloon
        debt, equity = _claims(scenario, int(year))
        assert claims.loc[year, "debt_owed_usd"] == pytest.approx(debt, abs=tolerance)
        assert claims.loc[year, "equity_owed_usd"] == pytest.approx(equity, abs=tolerance)
    assert_allclose(claims["claims_usd"], claims["debt_owed_usd"] + claims["equity_owed_usd"], rtol=0, atol=0)
    assert claims.loc[0, "claims_usd"] == pytest.approx(scenario.deal.total_cost_usd, rel=1e-12)


@pytest.mark.parametrize("key", list(PRESETS))
def test_an_early_stop_leaves_the_vehicle_its_claims_less_the_forced_sale(key):
    """Equation (vehicle loss) on every future that stops early: L = max(B + E - (1 - h) V, 0), with the
    claims from vehicle_claims; the check the chapter's build exercise asks the reader to make."""
    scenario = PRESETS[key]
    paths = who_pays(scenario, n_paths=3_000).paths
    stopped = paths[paths["outcome"] != "completed"]
    assert len(stopped) > 0
    owed = g.scenario.vehicle_claims(scenario)["claims_usd"].to_numpy()[stopped["stop_year"]]
    mine = np.maximum(owed - (1 - scenario.liquidation_cost_fraction) * stopped["chips_value_usd"], 0.0)
    assert_allclose(stopped["vehicle_loss_usd"], mine, rtol=1e-12, atol=1e-3)


def test_vehicle_claims_needs_a_scenario():
    with pytest.raises(ValueError, match="scenario="):
        g.scenario.vehicle_claims(COLOSSUS_2)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 100_000))
def test_one_future_runs_down_the_waterfall_in_order(scenario, seed):
    """On a single simulated future, the vehicle's loss is what it is owed less what the chips bring in,
    and it is absorbed in order: the equity (the outside investors and the vendor pari passu, in
    proportion to their stakes), the lenders, then (by the guarantee's structure) the taxpayers."""
    result = who_pays(scenario, n_paths=1, seed=seed)
    path = result.paths.iloc[0]
    deal, year = scenario.deal, int(path["stop_year"])
    debt, equity = _claims(scenario, year)
    owed = debt + equity
    chips = path["chips_value_usd"]
    if year < deal.lease_term_years:
        brought_in = chips * (1 - scenario.liquidation_cost_fraction)
    else:
        residual = scenario.residual_value_fraction * deal.total_cost_usd
        brought_in = min(chips, residual) + (max(residual - chips, 0.0) if scenario.residual_value_guarantee else 0.0)
    tolerance = 1e-6 * deal.total_cost_usd
    loss = min(max(owed - brought_in, 0.0), owed)
    assert path["vehicle_loss_usd"] == pytest.approx(loss, abs=tolerance)
    vendor_part = deal.vendor_equity_usd / deal.equity_usd if deal.equity_usd > 0 else 0.0
    to_equity = min(loss, equity)
    outside = to_equity * (1 - vendor_part)
    vendor = to_equity * vendor_part
    debt_loss = loss - to_equity
    c = scenario.coverage
    if scenario.structure == "pro_rata":
        taxpayers = c * debt_loss
    else:
        taxpayers = max(debt_loss - (1 - c) * debt, 0.0)
    expected = {"spv_equity": outside, "vendor": vendor, "lenders": debt_loss - taxpayers, "taxpayers": taxpayers,
                "sponsor": path["sponsor_loss_usd"]}
    losses = _losses(result)
    for party, value in expected.items():
        assert losses[party] == pytest.approx(value, abs=tolerance), party
    # nobody lower in the queue loses while someone above it still has something left
    if losses["lenders"] + losses["taxpayers"] > tolerance:
        assert losses["spv_equity"] + losses["vendor"] == pytest.approx(equity, abs=tolerance)
    # pari passu: each equity holder loses the same share of its stake
    if equity > tolerance:
        assert losses["spv_equity"] == pytest.approx((1 - vendor_part) * (losses["spv_equity"] + losses["vendor"]),
                                                     abs=tolerance)


@pytest.mark.parametrize("key", list(PRESETS))
def test_no_guarantee_means_the_taxpayers_pay_nothing(key):
    result = who_pays(PRESETS[key].replace(coverage=0.0), n_paths=3_000)
    assert result.loss_of("taxpayers") == 0.0
    assert result.parties.set_index("party").loc["taxpayers", "tail_loss_usd"] == 0.0


@pytest.mark.parametrize("key", list(PRESETS))
def test_a_longer_economic_life_never_raises_the_expected_loss_of_a_preset(key):
    results = [who_pays(PRESETS[key].replace(economic_life_years=life), n_paths=3_000) for life in range(1, 13)]
    expected = [r.expected_loss_usd for r in results]
    assert all(later <= earlier for earlier, later in zip(expected, expected[1:])), expected
    # ... future by future, since the same seed gives the same futures
    for shorter, longer in zip(results, results[1:]):
        assert (longer.losses_usd <= shorter.losses_usd + 1e-6).all()
    assert expected[0] > expected[-1]


def _claims_never_grow(scenario: Scenario) -> bool:
    deal = scenario.deal
    rent = lease_payment(deal, scenario.target_equity_return, scenario.residual_value_fraction)
    schedule = debt_schedule(deal)
    service = schedule.loc[schedule["year"] <= deal.lease_term_years, "payment_usd"]
    return bool((rent >= service - 1e-9 * deal.total_cost_usd).all())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(scenarios(residual_value_guarantee=False), st.integers(1, 14), st.integers(0, 10_000))
def test_a_longer_economic_life_never_raises_any_futures_loss(scenario, life, seed):
    """The documented property: with no residual value guarantee and a lease that covers the debt
    service every year, one more year of economic life never raises the loss of any future."""
    assume(_claims_never_grow(scenario))
    shorter = who_pays(scenario.replace(economic_life_years=life), n_paths=300, seed=seed)
    longer = who_pays(scenario.replace(economic_life_years=life + 1), n_paths=300, seed=seed)
    slack = 1e-9 * scenario.deal.total_cost_usd
    assert (longer.losses_usd <= shorter.losses_usd + slack).all()
    assert longer.expected_loss_usd <= shorter.expected_loss_usd + slack


def test_the_same_seed_gives_the_same_futures_and_seeds_agree_within_their_errors():
    first, again = who_pays(STORY, n_paths=4_000, seed=1), who_pays(STORY, n_paths=4_000, seed=1)
    assert_allclose(first.losses_usd, again.losses_usd)
    other = who_pays(STORY, n_paths=4_000, seed=2)
    assert not np.array_equal(first.losses_usd, other.losses_usd)
    gap = abs(first.expected_loss_usd - other.expected_loss_usd)
    assert gap < 4 * math.hypot(first.expected_loss_se_usd, other.expected_loss_se_usd)


def test_what_each_party_earned_when_the_lease_runs_its_course():
    scenario = _quiet(STORY, economic_life_years=6, coverage=0.5, guarantee_fee=0.01)
    result = who_pays(scenario, n_paths=200)
    earned = result.parties.set_index("party")["earned_usd"]
    schedule = debt_schedule(COLOSSUS_2)
    assert earned["lenders"] == pytest.approx(schedule["interest_usd"].sum(), rel=1e-9)
    fees = 0.01 * 0.5 * schedule["opening_balance_usd"].sum()
    assert earned["taxpayers"] == pytest.approx(fees, rel=1e-9) and earned["sponsor"] == pytest.approx(-fees)
    # the equity gets all the rent left after debt service, in proportion to what each owner put in
    profit = 5 * lease_payment(COLOSSUS_2) - schedule["payment_usd"].sum() - 7.5e9
    assert earned["spv_equity"] == pytest.approx(profit * 5.5 / 7.5, rel=1e-9)
    assert earned["vendor"] == pytest.approx(0.7 * 20e9 + profit * 2 / 7.5, rel=1e-9)
    assert result.expected_loss_usd == 0.0 and result.loss_probability == 0.0


def test_the_story_s_verdict_in_numbers():
    """The chapter's main findings, as properties of the presets rather than typed numbers."""
    results = {key: who_pays(s, n_paths=5_000) for key, s in PRESETS.items()}
    story = _losses(results["as_told"])
    assert story.idxmax() == "taxpayers" and story["sponsor"] == 0.0  # as told: the parent is unharmed
    closed = _losses(results["what_closed"])
    # what closed, at chapter 3's calibrated base case: no guarantee, the lenders bear the most, and the
    # sponsor, which keeps paying for dead chips when it does not walk away, bears some of it
    assert closed["taxpayers"] == 0.0 and closed.idxmax() == "lenders" and closed["sponsor"] > 0
    assert results["six_years"].expected_loss_usd < results["as_told"].expected_loss_usd < results[
        "every_year"].expected_loss_usd
    # the vendor earns far more than it can expect to lose, in every preset
    for result in results.values():
        vendor = result.parties.set_index("party").loc["vendor"]
        assert vendor["earned_usd"] > 10 * vendor["expected_loss_usd"]


# ------------------------------------------------------------------------------- the path of risk and the flows
def test_risk_path_switches_the_tricks_on_one_by_one():
    path = risk_path(STORY, n_paths=3_000)
    assert list(dict.fromkeys(path["step"])) == list(RISK_STEPS)
    by_step = path.pivot_table(index="step", columns="party", values="expected_loss_usd", sort=False)
    assert by_step.loc["spv", "taxpayers"] == 0.0 and by_step.loc["depreciation", "taxpayers"] == 0.0
    # step 1: the sponsor honours the lease, so it pays for the dead fifth year (unless it defaulted first)
    assert by_step.loc["spv", "sponsor"] > 0 and by_step.loc["depreciation", "sponsor"] == 0.0
    # a free pro-rata guarantee only moves the lenders' loss to the taxpayers
    assert by_step.loc["backstop"].sum() == pytest.approx(by_step.loc["depreciation"].sum(), rel=1e-12)
    assert by_step.loc["backstop", "lenders"] + by_step.loc["backstop", "taxpayers"] == pytest.approx(
        by_step.loc["depreciation", "lenders"], rel=1e-12)
    final = who_pays(STORY, n_paths=3_000).parties.set_index("party")["expected_loss_usd"]
    assert_allclose(by_step.loc["backstop", PARTIES].to_numpy(dtype=float), final[PARTIES].to_numpy())


def test_scenario_flows_extend_chapter_1s_flows():
    result = who_pays(STORY, n_paths=2_000)
    flows = scenario_flows(result)
    money = flows[flows["kind"] == "money"].groupby(["from_party", "to_party"])["amount_usd"].sum()
    base = money_flows(COLOSSUS_2).groupby(["from_party", "to_party"])["amount_usd"].sum()
    assert_allclose(money.sort_index().to_numpy(), base.sort_index().to_numpy())
    lost = flows.loc[flows["to_party"] == "obsolescence", "amount_usd"].iloc[0]
    assert lost == pytest.approx(20e9)  # four-year chips are worth nothing after a five-year lease
    guarantee = flows.loc[(flows["from_party"] == "taxpayers") & (flows["to_party"] == "lenders"), "amount_usd"]
    assert guarantee.iloc[0] == pytest.approx(result.loss_of("taxpayers"))
    assert "16.7B" in flows.loc[flows["to_party"] == "obsolescence", "what"].iloc[0]  # 5/6 of $20B in the books
    closed = scenario_flows(who_pays(PRESETS["what_closed"], n_paths=500))
    assert "taxpayers" not in set(closed["from_party"]) | set(closed["to_party"])


# ------------------------------------------------------------------------------- the credit triangle
def test_implied_default_rate_hand_worked():
    assert implied_default_rate(0.125, 0.04, 0.4) == pytest.approx(0.085 / 0.6)
    assert implied_default_rate(0.04, 0.04, 0.0) == 0.0
    assert implied_default_rate(0.9, 0.0, 0.5) == 1.0


@pytest.mark.parametrize("args, name", [((1.0, 0.0, 0.0), "loan_rate"), ((0.1, 0.2, 0.0), "risk_free_rate"),
                                        ((0.1, 0.0, 1.0), "recovery_rate")])
def test_implied_default_rate_rejects_bad_inputs(args, name):
    with pytest.raises(ValueError, match=name):
        implied_default_rate(*args)


# ------------------------------------------------------------------------------- inputs
@pytest.mark.parametrize("kwargs, name", [({"n_paths": 0}, "n_paths"), ({"n_paths": 2.5}, "n_paths"),
                                          ({"seed": -1}, "seed"), ({"seed": True}, "seed"), ({"tail": 0.0}, "tail"),
                                          ({"tail": 1.5}, "tail")])
def test_who_pays_rejects_bad_inputs_by_name(kwargs, name):
    with pytest.raises(ValueError, match=name):
        who_pays(STORY, **kwargs)


def test_who_pays_needs_a_scenario():
    with pytest.raises(ValueError, match="scenario="):
        who_pays(COLOSSUS_2)
    with pytest.raises(ValueError, match="result="):
        scenario_flows(STORY)
    with pytest.raises(ValueError, match="party="):
        who_pays(STORY, n_paths=10).loss_of("banks")


def test_a_one_year_lease_and_an_all_debt_deal_work():
    short = STORY.with_deal(lease_term_years=1, debt_term_years=1)
    assert who_pays(short, n_paths=100).outcomes.set_index("outcome").loc["completed", "share_of_paths"] == 1.0
    all_debt = STORY.replace(deal=Deal(100e6, 0.0, 100e6, 0.0, 0.08, 3, 3), economic_life_years=2)
    result = who_pays(all_debt, n_paths=500)
    assert result.loss_of("spv_equity") == 0.0 and result.loss_of("vendor") == 0.0 and result.loss_of("lenders") > 0


def test_who_pays_by_decline_moves_only_the_decline():
    from gpu_finance.depreciation import DeclineEstimate

    estimate = DeclineEstimate(0.3, 0.1, 0.5, 0.9, 5, True, "test")
    frame = g.who_pays_by_decline(STORY, estimate, n_paths=2_000)
    assert list(frame["case"]) == ["low", "estimate", "high"]
    assert frame["annual_decline"].tolist() == [0.1, 0.3, 0.5]
    # each row is who_pays with that decline and the same futures
    direct = who_pays(STORY.replace(annual_decline=0.5), n_paths=2_000)
    assert frame["expected_loss_usd"].iloc[2] == direct.expected_loss_usd
    assert frame["taxpayers_usd"].iloc[2] == direct.loss_of("taxpayers")
    party_columns = [c for c in frame.columns if c.endswith("_usd") and c not in ("expected_loss_usd", "expected_loss_se_usd")]
    assert np.allclose(frame[party_columns].sum(axis=1), frame["expected_loss_usd"], rtol=1e-9)
    with pytest.raises(ValueError, match="estimate.low"):
        g.who_pays_by_decline(STORY, DeclineEstimate(0.3, -0.1, 0.5, 0.9, 5, True, "test"), n_paths=100)
    with pytest.raises(ValueError, match="DeclineEstimate"):
        g.who_pays_by_decline(STORY, 0.3)
