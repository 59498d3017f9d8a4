"""Who pays? A :class:`~gpu_finance.Scenario` run through a seeded Monte Carlo simulation.

:func:`who_pays` says who bears the loss of one scenario (:mod:`gpu_finance.scenario.presets`), and
what each party earned on the way; :mod:`gpu_finance.scenario.comparisons` builds the chapter's
comparisons on it (:func:`~gpu_finance.risk_path`, :func:`~gpu_finance.compare_presets`, ...).

The model of :func:`who_pays` (the book's modelling choice)
-----------------------------------------------------------
Everything is in nominal US dollars over the lease, not discounted. Each simulated future has
two random parts:

* **The chips' market value** at the end of each lease year: chapter 3's geometric Brownian motion
  (:func:`~gpu_finance.simulate_asset_paths`, yearly steps) from the GPUs' cost, with the drift at
  which the value is expected to fall by the scenario's ``annual_decline`` a year
  (:func:`~gpu_finance.drift_from_annual_decline`) and the scenario's ``volatility``. Once the
  chips are past their **economic life** they earn nothing above their running costs, so they are
  worth nothing (chapter 2's definition of economic life).
* **Whether and when the lease stops.** The sponsor pays the lease (chapter 1's
  :func:`~gpu_finance.lease_payment`) year after year, unless (a) it stops for reasons of its own,
  with probability ``sponsor_default_rate`` at the end of each lease year but the last, or (b) the
  chips reach the end of their economic life before the lease ends, and it walks away from them,
  with probability ``walk_away_probability`` (a strategic default: the lessee may be a subsidiary
  that can hand the chips back).

Who loses what:

* **If the lease stops**, the vehicle sells the chips for their market value less a forced-sale
  cost (``liquidation_cost_fraction``). It still owes its lenders the debt outstanding (chapter 1's
  debt schedule) and its owners the capital not yet returned to them. The shortfall runs down
  chapter 4's loss waterfall (:func:`~gpu_finance.expected_loss_by_party`): the equity first, the
  outside investors and the chip vendor sharing it pari passu (in proportion to their stakes), then
  the lenders, with ``coverage`` of the lenders' loss passed to the taxpayers if there is a guarantee.
* **If the lease runs to its end**, the vehicle gets its residual value from the chips (the
  sponsor buys them for it if they are worth it); a shortfall is the sponsor's if it gave a
  residual value guarantee, and otherwise runs down the same waterfall.
* **The sponsor's shareholders lose** in two ways: every lease payment the sponsor makes for chips
  already past their economic life buys nothing, and a residual value guarantee makes it pay the
  difference when the chips are worth less than promised. The model does not count rent above the
  market rent while the chips still work, so the sponsor's loss is a lower bound; nor what the
  sponsor's own shareholders lose if it fails, which lies outside this deal.

What each party earned on the way (expected, nominal): interest for the lenders; for the equity,
cash beyond the capital it put in; for the chip vendor, its gross profit on the chips
(:func:`~gpu_finance.vendor_loop`) and its equity's profit; guarantee fees for the taxpayers
(paid by the sponsor, shown as negative earnings of the sponsor).

Money is in USD, rates and probabilities are fractions (0.05 = 5%), lives are whole years.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._validation import PATHS, check_choice, check_number, check_seed
from ..backstop import drift_from_annual_decline, expected_loss_by_party, loss_distribution, simulate_asset_paths
from ..deal import Deal
from ..parties import OUTCOMES, PARTIES
from ..spv import lease_year_debt, spv_cash_flows, vendor_loop
from .presets import Scenario

__all__ = ["WhoPays", "OUTCOMES", "WHO_PAYS_PATHS", "WHO_PAYS_SEED", "who_pays", "vehicle_claims"]

#: Paths :func:`who_pays` simulates by default, and the seed it draws them from. The same seed
#: gives the same futures to every scenario with the same lease term (common random numbers), so
#: two scenarios differ only by their assumptions, not by luck.
WHO_PAYS_PATHS: int = 20_000
WHO_PAYS_SEED: int = 2026


def check_scenario(scenario: object) -> Scenario:
    """Return ``scenario`` if it is a :class:`~gpu_finance.Scenario`; else raise ``ValueError``."""
    if not isinstance(scenario, Scenario):
        raise ValueError(f"scenario={scenario!r} is not a gpu_finance.Scenario")
    return scenario


# ------------------------------------------------------------------------------------------------
# Who pays
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class WhoPays:
    """What :func:`who_pays` found for one scenario.

    Attributes
    ----------
    scenario : Scenario
        The scenario simulated.
    parties : pandas.DataFrame
        One row per party of :data:`gpu_finance.parties.PARTIES`, in that order: ``party``,
        ``expected_loss_usd`` (the average over the simulated futures), ``share_of_loss`` (of the
        total expected loss; zero if there is none), ``tail_loss_usd`` (the average in the worst
        ``tail`` of futures, ranked by the total loss), ``earned_usd`` (expected earnings on the way:
        interest, equity profit, gross profit, fees; the sponsor's is minus the fees it pays) and
        ``net_usd`` (earned minus expected loss). All nominal USD.
    expected_loss_usd, expected_loss_se_usd : float
        The total expected loss and its Monte Carlo standard error, in USD.
    loss_probability : float
        Share of futures in which someone loses money.
    tail : float
        The share of worst futures averaged in ``tail_loss_usd``.
    tail_loss_usd : float
        The total loss averaged over the worst ``tail`` of futures: the expected shortfall.
    outcomes : pandas.DataFrame
        ``outcome`` (a key of :data:`OUTCOMES`), ``label`` and ``share_of_paths``.
    expected_value_lost_usd : float
        The GPUs' expected loss of market value over the lease (cost minus the average value at its
        end): their economic depreciation, in USD.
    losses_usd : numpy.ndarray
        The total loss in each simulated future, in USD.
    paths : pandas.DataFrame
        One row per future: ``stop_year`` (the last year the sponsor paid; the lease term if it ran
        to its end), ``outcome``, ``chips_value_usd`` (what the GPUs were worth then),
        ``vehicle_loss_usd`` (run down the waterfall) and ``sponsor_loss_usd``.
    n_paths : int
        How many futures were simulated.
    seed : int or numpy.random.Generator
        The seed they were drawn from, as given to :func:`who_pays`.
    """

    scenario: Scenario
    parties: pd.DataFrame
    expected_loss_usd: float
    expected_loss_se_usd: float
    loss_probability: float
    tail: float
    tail_loss_usd: float
    outcomes: pd.DataFrame
    expected_value_lost_usd: float
    losses_usd: np.ndarray = field(repr=False)
    paths: pd.DataFrame = field(repr=False)
    n_paths: int = 0
    seed: int | np.random.Generator = 0

    def loss_of(self, party: str) -> float:
        """One party's expected loss, in USD.

        Examples
        --------
        >>> from gpu_finance.scenario import PRESETS
        >>> who_pays(PRESETS["what_closed"], n_paths=2000).loss_of("taxpayers")
        0.0
        """
        key = check_choice("party", party, tuple(PARTIES))
        return float(self.parties.set_index("party").loc[key, "expected_loss_usd"])

    def loss_distribution(self, bins: int = 30) -> pd.DataFrame:
        """Histogram of the positive total losses (chapter 3's :func:`~gpu_finance.loss_distribution`)."""
        return loss_distribution(self.losses_usd, bins=bins)


def _schedule(scenario: Scenario) -> dict[str, np.ndarray]:
    """Chapter 1's cash flows as arrays indexed by year 0..L: what the vehicle still owes its lenders
    and its owners at the end of each year, and what each party has received by then."""
    deal = scenario.deal
    flows = spv_cash_flows(deal, scenario.target_equity_return, scenario.residual_value_fraction)
    lease = flows["lease_income_usd"].to_numpy()
    service = flows["debt_service_usd"].to_numpy()
    # Debt still owed after each year's payment; at the end of the lease, before any balloon.
    owed = flows["debt_outstanding_usd"].to_numpy() + flows["balloon_usd"].to_numpy()
    cash_to_equity = np.r_[0.0, lease[1:] - service[1:]]  # the lease years' cash, before the residual
    received_by_equity = np.cumsum(cash_to_equity)
    equity_outstanding = np.maximum(deal.equity_usd - received_by_equity, 0.0)
    # Guarantee fees on the debt outstanding during each lease year (its opening balance).
    opening_debt = lease_year_debt(deal)["opening_balance_usd"].to_numpy()
    fees = np.r_[0.0, scenario.guarantee_fee * scenario.coverage * opening_debt]
    return {
        "lease": float(lease[1]),
        "debt_owed": owed,
        "equity_outstanding": equity_outstanding,
        "claims": owed + equity_outstanding,
        "equity_received": received_by_equity,
        "interest_received": np.cumsum(flows["interest_usd"].to_numpy()),
        "fees_paid": np.cumsum(fees),
    }


def vehicle_claims(scenario: Scenario) -> pd.DataFrame:
    """What the vehicle still owes at the end of each lease year: the claims a sale of the chips must meet.

    The debt still owed to the lenders after that year's payment (chapter 1's debt schedule; in the
    last year, before any balloon is paid) and the capital the owners have not yet had back from the
    cash the lease leaves after debt service. When the lease stops after year ``t``, the vehicle is
    short of ``claims_usd`` at ``t`` less what the chips bring in, if that is positive
    (step 3 of :func:`who_pays`).

    Parameters
    ----------
    scenario : Scenario
        The scenario.

    Returns
    -------
    pandas.DataFrame
        One row per year 0..L: ``year``, ``debt_owed_usd``, ``equity_owed_usd`` and ``claims_usd``
        (their sum), in nominal USD.

    Examples
    --------
    At the start the vehicle owes its lenders the debt and its owners the equity, that is, the cost:

    >>> from gpu_finance.scenario import PRESETS
    >>> claims = vehicle_claims(PRESETS["what_closed"])
    >>> float(claims.loc[0, "claims_usd"]) == PRESETS["what_closed"].deal.total_cost_usd
    True
    """
    schedule = _schedule(check_scenario(scenario))
    return pd.DataFrame({"year": np.arange(len(schedule["claims"])), "debt_owed_usd": schedule["debt_owed"],
                         "equity_owed_usd": schedule["equity_outstanding"], "claims_usd": schedule["claims"]})


def _deal_at(scenario: Scenario, debt: float, equity: float) -> Deal:
    """The vehicle's claims at a moment of the lease, as a :class:`Deal` for chapter 4's waterfall:
    the debt still owed and the owners' capital not yet returned, the vendor's part pro rata."""
    deal = scenario.deal
    vendor_share = deal.vendor_share_of_equity
    return deal.replace(total_cost_usd=debt + equity, debt_usd=debt, equity_usd=equity,
                        vendor_equity_usd=min(equity * vendor_share, equity), name=f"{deal.name}, claims")


def _allocate(scenario: Scenario, stop: np.ndarray, vehicle_loss: np.ndarray, claims: np.ndarray,
              debt_owed: np.ndarray, equity_outstanding: np.ndarray, chosen: np.ndarray) -> dict[str, float]:
    """Average loss of each waterfall party over the ``chosen`` paths: chapter 4's
    :func:`~gpu_finance.expected_loss_by_party`, applied to the paths that stop in the same year."""
    totals = {party: 0.0 for party in PARTIES if party != "sponsor"}
    count = int(chosen.sum())
    if count == 0:
        return totals
    for year in np.unique(stop[chosen]):
        group = chosen & (stop == year)
        owed = float(claims[year])
        if owed <= 0.0 or not np.any(vehicle_loss[group] > 0.0):
            continue
        deal = _deal_at(scenario, float(debt_owed[year]), float(equity_outstanding[year]))
        left = np.clip(owed - vehicle_loss[group], 0.0, owed)  # what the claims are still worth
        shares = expected_loss_by_party(deal, left, scenario.coverage, scenario.structure)
        weight = group.sum() / count
        for party, loss in zip(shares["party"], shares["expected_loss_usd"]):
            totals[party] += weight * float(loss)
    return totals


# -- The six steps of who_pays, one function each. Every array has one entry per simulated future
# -- (or one row per future and a column per lease year 0..L); money is nominal USD.
def _chip_values(scenario: Scenario, n: int, rng: np.random.Generator) -> np.ndarray:
    """Step 1. The chips' market value at the end of each lease year, one row per future."""
    deal = scenario.deal
    years = deal.lease_term_years
    # Chapter 3's geometric Brownian motion from the GPUs' cost, with the drift at which the value
    # is expected to fall by `annual_decline` a year, drawn one year at a time.
    drift = drift_from_annual_decline(scenario.annual_decline)
    paths = simulate_asset_paths(deal.total_cost_usd, scenario.volatility, drift, years, n_paths=n,
                                 steps_per_year=1, seed=rng)
    # Past their economic life the chips earn nothing above their running costs: worth nothing.
    alive = np.arange(years + 1) < scenario.economic_life_years
    return paths * alive


def _stop_years(scenario: Scenario, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Step 2. The last year the sponsor pays in each future (the lease term if it pays to the end),
    and how that future ends (a key of :data:`OUTCOMES`)."""
    years = scenario.deal.lease_term_years
    life = scenario.economic_life_years
    # (a) At the end of each year but the last, a coin that lands "stop" with the yearly default chance.
    stops_own = rng.random((n, years - 1)) < scenario.sponsor_default_rate  # after years 1 .. L-1
    # (b) One coin per future: will the sponsor walk away if the chips die before the lease ends?
    walks = rng.random(n) < scenario.walk_away_probability
    default_year = np.full(n, years)
    if years > 1:  # the first "stop", if any
        default_year = np.where(stops_own.any(axis=1), stops_own.argmax(axis=1) + 1, years)
    walk_year = np.where(walks & (life < years), life, years)
    # Whichever comes first ends the lease; if both fall in the same year, it counts as a default.
    stop = np.minimum(default_year, walk_year)
    outcome = np.where(stop == years, "completed", np.where(default_year <= walk_year, "default", "walk_away"))
    return stop, outcome


def _vehicle_shortfall(scenario: Scenario, owed: np.ndarray, chips: np.ndarray,
                       completed: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step 3. The vehicle's shortfall against what it still ``owed`` when the lease stopped or ended,
    what the chips bring in beyond that (the owners' surplus), and any residual value top-up."""
    residual = scenario.residual_value_fraction * scenario.deal.total_cost_usd
    # At the lease's end the vehicle gets its residual value as far as the chips are worth it (the
    # sponsor buys them for it); a sponsor that guaranteed the residual pays the difference.
    top_up = np.where(completed & scenario.residual_value_guarantee, np.maximum(residual - chips, 0.0), 0.0)
    # If the lease stops early, the vehicle seizes the chips and sells them at a forced-sale discount h.
    brought_in = np.where(completed, np.minimum(chips, residual) + top_up,
                          chips * (1.0 - scenario.liquidation_cost_fraction))
    shortfall = np.clip(owed - brought_in, 0.0, owed)  # L = max(B + E - (1 - h) V, 0)
    surplus = np.maximum(brought_in - owed, 0.0)  # beyond every claim: profit for the owners
    return shortfall, surplus, top_up


def _sponsor_loss(scenario: Scenario, lease: float, stop: np.ndarray, top_up: np.ndarray) -> np.ndarray:
    """Step 4. What the sponsor's shareholders lose: every lease payment made for chips already past
    their economic life buys nothing, X max(stop - e, 0), plus any residual value top-up. A lower
    bound: rent above the market rent while the chips still work is not counted."""
    dead_years_paid = np.maximum(stop - scenario.economic_life_years, 0)
    return lease * dead_years_paid + top_up


def _worst_futures(total: np.ndarray, tail: float) -> np.ndarray:
    """The ``tail`` share of futures with the largest total loss (at least one), as a mask."""
    ranked = np.argsort(-total, kind="stable")
    worst = np.zeros(total.size, dtype=bool)
    worst[ranked[: max(1, math.ceil(tail * total.size))]] = True
    return worst


def _losses_by_party(scenario: Scenario, schedule: dict, stop: np.ndarray, vehicle_loss: np.ndarray,
                     sponsor_loss: np.ndarray, chosen: np.ndarray) -> dict[str, float]:
    """Step 5. Each party's average loss over the ``chosen`` futures: the vehicle's shortfall runs
    down chapter 4's waterfall (outside equity and the chip vendor pro rata, then the lenders, with
    the guaranteed share passed to the taxpayers); the sponsor's loss is its own."""
    losses = _allocate(scenario, stop, vehicle_loss, schedule["claims"], schedule["debt_owed"],
                       schedule["equity_outstanding"], chosen)
    losses["sponsor"] = float(sponsor_loss[chosen].mean())
    return losses


def _earned(scenario: Scenario, schedule: dict, stop: np.ndarray, surplus: np.ndarray) -> dict[str, float]:
    """Step 6. What each party earned on the way, on average over the futures (nominal)."""
    deal = scenario.deal
    # The owners: cash beyond the capital they put in, plus any surplus from the chips at the end.
    equity_profit = np.maximum(schedule["equity_received"][stop] - deal.equity_usd, 0.0) + surplus
    vendor_share = deal.vendor_share_of_equity
    fees = schedule["fees_paid"][stop]  # guarantee fees, paid by the sponsor to the taxpayers
    return {
        "sponsor": 0.0 - float(fees.mean()),  # minus the fees it pays (and never a negative zero)
        "spv_equity": float((1.0 - vendor_share) * equity_profit.mean()),
        # The vendor: its gross profit on the chips it sold, and its part of the owners' profit.
        "vendor": vendor_loop(deal, scenario.vendor_gross_margin).gross_profit_usd
        + float(vendor_share * equity_profit.mean()),
        "lenders": float(schedule["interest_received"][stop].mean()),
        "taxpayers": float(fees.mean()),
    }


def _result(scenario: Scenario, paths: pd.DataFrame, total: np.ndarray, worst: np.ndarray, mean_loss: dict,
            tail_loss: dict, earned: dict, value_lost: float, tail: float, seed: int) -> WhoPays:
    """The six steps' results as a :class:`WhoPays`: the parties' table, the outcomes, the tail."""
    n = total.size
    total_mean = float(total.mean())
    parties = pd.DataFrame({"party": list(PARTIES)})
    parties["expected_loss_usd"] = [mean_loss[p] for p in PARTIES]
    parties["share_of_loss"] = parties["expected_loss_usd"] / total_mean if total_mean > 0 else 0.0
    parties["tail_loss_usd"] = [tail_loss[p] for p in PARTIES]
    parties["earned_usd"] = [earned[p] for p in PARTIES]
    parties["net_usd"] = parties["earned_usd"] - parties["expected_loss_usd"]
    shares = paths["outcome"].value_counts(normalize=True)
    outcomes = pd.DataFrame({"outcome": list(OUTCOMES), "label": list(OUTCOMES.values()),
                             "share_of_paths": [float(shares.get(k, 0.0)) for k in OUTCOMES]})
    return WhoPays(
        scenario=scenario,
        parties=parties,
        expected_loss_usd=total_mean,
        expected_loss_se_usd=float(total.std(ddof=1) / math.sqrt(n)) if n > 1 else 0.0,
        loss_probability=float(np.mean(total > 1e-9 * scenario.deal.total_cost_usd)),
        tail=tail,
        tail_loss_usd=float(total[worst].mean()),
        outcomes=outcomes,
        expected_value_lost_usd=value_lost,
        losses_usd=total,
        paths=paths,
        n_paths=n,
        seed=seed,
    )


def who_pays(scenario: Scenario, *, n_paths: int = WHO_PAYS_PATHS,
             seed: int | np.random.Generator = WHO_PAYS_SEED, tail: float = 0.05) -> WhoPays:
    """Simulate a scenario's futures and say who bears the loss, and what each party earned.

    The model is the module's (:mod:`gpu_finance.scenario.simulation`), in six steps. By construction the
    parties' expected losses add up to the total, and, with no residual value guarantee and a lease
    that covers the debt service, a longer economic life never raises any future's loss.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    n_paths : int
        Futures to simulate, from 1 to 1,000,000.
    seed : int or numpy.random.Generator
        Where the randomness comes from: the same seed gives the same futures.
    tail : float
        Share of the worst futures averaged in ``tail_loss_usd`` (the expected shortfall), in (0, 1].

    Returns
    -------
    WhoPays

    Examples
    --------
    >>> from gpu_finance.scenario import PRESETS
    >>> result = who_pays(PRESETS["what_closed"], n_paths=2000)
    >>> result.loss_of("taxpayers")  # no guarantee
    0.0
    >>> bool(abs(result.parties["expected_loss_usd"].sum() - result.expected_loss_usd) < 1.0)  # they add up
    True
    """
    scenario = check_scenario(scenario)
    n = PATHS.check("n_paths", n_paths)
    tail = check_number("tail", tail, 0.0, 1.0, low_closed=False)
    rng = check_seed("seed", seed)  # every draw comes from here, in order: same seed, same futures
    seed = seed if rng is seed else int(seed)
    # 1. The chips' market value at the end of each lease year (chapter 3), zero once they are dead.
    value = _chip_values(scenario, n, rng)
    # 2. The last year the sponsor pays: it may stop for reasons of its own, or walk away from dead chips.
    stop, outcome = _stop_years(scenario, n, rng)
    completed = stop == scenario.deal.lease_term_years
    # 3. The vehicle's shortfall: what it still owes its lenders and owners, less what the chips bring in.
    schedule = _schedule(scenario)  # chapter 1's cash flows, year by year
    chips = value[np.arange(n), stop]
    vehicle_loss, surplus, top_up = _vehicle_shortfall(scenario, schedule["claims"][stop], chips, completed)
    # 4. The sponsor's loss: rent paid for dead chips, and what a residual value guarantee costs it.
    sponsor_loss = _sponsor_loss(scenario, schedule["lease"], stop, top_up)
    total = vehicle_loss + sponsor_loss
    # 5. Who bears it, on average and in the worst futures: the shortfall runs down chapter 4's waterfall.
    worst = _worst_futures(total, tail)
    mean_loss = _losses_by_party(scenario, schedule, stop, vehicle_loss, sponsor_loss, np.ones(n, dtype=bool))
    tail_loss = _losses_by_party(scenario, schedule, stop, vehicle_loss, sponsor_loss, worst)
    # 6. What each party earned on the way: interest, the owners' profit, the vendor's margin, fees.
    earned = _earned(scenario, schedule, stop, surplus)
    paths = pd.DataFrame({"stop_year": stop, "outcome": outcome, "chips_value_usd": chips,
                          "vehicle_loss_usd": vehicle_loss, "sponsor_loss_usd": sponsor_loss})
    value_lost = scenario.deal.total_cost_usd - float(value[:, -1].mean())  # the chips' economic depreciation
    return _result(scenario, paths, total, worst, mean_loss, tail_loss, earned, value_lost, tail, seed)
