"""The closing chapter's comparisons, each built on :func:`~gpu_finance.who_pays`.

:func:`compare_presets` runs every preset with the same seed, :func:`risk_path` switches the three
tricks on one after the other, :func:`who_pays_by_decline` tries the ends of chapter 2's calibrated
decline, :func:`scenario_flows` extends chapter 1's money flows with depreciation and the guarantee,
and :func:`implied_default_rate` reads a default probability off a lender's rate.

Money is in nominal USD, rates and probabilities are fractions (0.05 = 5%).
"""

from __future__ import annotations

import pandas as pd

from .._validation import check_fraction, check_number
from ..depreciation import decline_cases, depreciation_schedule
from ..formatting import usd
from ..i18n import N_
from ..parties import PARTIES, RISK_STEPS, value_lost_label
from ..spv import money_flows, summed_flows
from .presets import MAX_ANNUAL_DECLINE, Scenario, all_presets
from .simulation import WHO_PAYS_PATHS, WHO_PAYS_SEED, WhoPays, check_scenario, who_pays

__all__ = [
    "RISK_STEPS",
    "compare_presets",
    "risk_path",
    "scenario_flows",
    "implied_default_rate",
    "who_pays_by_decline",
]


def compare_presets(
    presets: dict[str, Scenario] | None = None, *, n_paths: int = WHO_PAYS_PATHS, seed: int = WHO_PAYS_SEED
) -> dict[str, WhoPays]:
    """:func:`who_pays` for each preset (or each scenario of ``presets``), with the same seed.

    Examples
    --------
    >>> from gpu_finance.scenario import PRESETS
    >>> results = compare_presets(n_paths=500)
    >>> list(results) == list(PRESETS)
    True
    """
    chosen = all_presets() if presets is None else presets
    if not isinstance(chosen, dict) or not chosen:
        raise ValueError("presets must be a non-empty dict of name -> Scenario")
    return {key: who_pays(s, n_paths=n_paths, seed=seed) for key, s in chosen.items()}


def risk_path(scenario: Scenario, *, n_paths: int = WHO_PAYS_PATHS, seed: int = WHO_PAYS_SEED) -> pd.DataFrame:
    """Who bears the expected loss as the three tricks are switched on one after the other.

    Step ``"spv"``: the vehicle alone, with a sponsor that honours the lease even for obsolete chips
    (``walk_away_probability=0``) and no guarantee. Step ``"depreciation"``: the chips may die before
    the lease ends and the sponsor may walk away from them (the scenario's own
    ``walk_away_probability``), as the article says of the depreciation game. Step ``"backstop"``:
    the scenario's guarantee as well, that is, the scenario itself. Each step is :func:`who_pays`
    with the same seed.

    Returns
    -------
    pandas.DataFrame
        One row per step and party: ``step`` (a key of :data:`RISK_STEPS`), ``label``, ``party`` and
        ``expected_loss_usd``.

    Examples
    --------
    >>> from gpu_finance.scenario import PRESETS
    >>> path = risk_path(PRESETS["as_told"], n_paths=1000)
    >>> path.groupby("step", sort=False)["expected_loss_usd"].sum().index.tolist()
    ['spv', 'depreciation', 'backstop']
    """
    scenario = check_scenario(scenario)
    steps = {
        "spv": scenario.replace(walk_away_probability=0.0, coverage=0.0, guarantee_fee=0.0),
        "depreciation": scenario.replace(coverage=0.0, guarantee_fee=0.0),
        "backstop": scenario,
    }
    pieces = []
    for key, step in steps.items():
        parties = who_pays(step, n_paths=n_paths, seed=seed).parties
        pieces.append(pd.DataFrame({"step": key, "label": RISK_STEPS[key], "party": parties["party"],
                                    "expected_loss_usd": parties["expected_loss_usd"]}))
    return pd.concat(pieces, ignore_index=True)


def scenario_flows(result: WhoPays) -> pd.DataFrame:
    """Chapter 1's money flows over the whole deal, extended with depreciation and the guarantee.

    The flows of :func:`~gpu_finance.money_flows` (what everyone pays if the lease runs its course),
    summed over the deal, plus: the GPUs' expected loss of market value over the lease, drawn as a
    flow from the vehicle to ``"obsolescence"`` (with the depreciation the books charge over the
    same years, :func:`~gpu_finance.depreciation_schedule`, in its description); the taxpayers'
    expected payments to the lenders under the guarantee; and the fees the sponsor pays the
    guarantor. Amounts are nominal USD; flows of zero are left out.

    Parameters
    ----------
    result : WhoPays
        A result of :func:`who_pays`.

    Returns
    -------
    pandas.DataFrame
        Columns ``from_party``, ``to_party``, ``amount_usd``, ``what`` and ``kind`` (``"money"`` for
        chapter 1's flows, ``"depreciation"`` or ``"guarantee"`` for the new ones).

    Examples
    --------
    >>> from gpu_finance.scenario import PRESETS
    >>> flows = scenario_flows(who_pays(PRESETS["as_told"], n_paths=1000))
    >>> sorted(set(flows["kind"]))
    ['depreciation', 'guarantee', 'money']
    """
    if not isinstance(result, WhoPays):
        raise ValueError(f"result={result!r} is not a gpu_finance.WhoPays from who_pays()")
    scenario = result.scenario
    deal = scenario.deal
    base = money_flows(deal, scenario.target_equity_return, scenario.residual_value_fraction)
    summed = summed_flows(base)
    summed["kind"] = "money"
    years = deal.lease_term_years
    booked = depreciation_schedule(deal.total_cost_usd, scenario.accounting_life_years)["expense"].iloc[:years].sum()
    parties = result.parties.set_index("party")
    fees = parties.loc["taxpayers", "earned_usd"]
    extra = [
        ("spv", "obsolescence", result.expected_value_lost_usd, value_lost_label(usd(booked)), "depreciation"),
        ("taxpayers", "lenders", parties.loc["taxpayers", "expected_loss_usd"], N_("guarantee"), "guarantee"),
        ("sponsor", "taxpayers", fees, N_("guarantee fees"), "guarantee"),
    ]
    flows = pd.concat([summed, pd.DataFrame(extra, columns=summed.columns)], ignore_index=True)
    flows = flows[flows["amount_usd"] > 1e-9 * deal.total_cost_usd]
    return flows.reset_index(drop=True)


def implied_default_rate(loan_rate: float, risk_free_rate: float, recovery_rate: float) -> float:
    """The yearly default probability a lender's rate implies, by the "credit triangle".

    A lender who expects to lose ``1 - recovery_rate`` of the loan with probability ``p`` a year,
    and wants only the risk-free rate on average, charges a spread of about ``p (1 - recovery)``:

    .. math::

        p \\approx \\frac{y - r}{1 - R}.

    Because real lenders also charge for bearing risk and for illiquidity, the figure is an upper
    bound on the default probability they expect.

    Parameters
    ----------
    loan_rate : float
        ``y``: the borrower's interest rate, a fraction per year in [0, 1).
    risk_free_rate : float
        ``r``: a fraction per year in [0, ``loan_rate``].
    recovery_rate : float
        ``R``: share of the loan recovered after a default, in [0, 1).

    Returns
    -------
    float
        A probability per year, capped at 1.

    Examples
    --------
    A 12.5% coupon over a 4% risk-free rate, with 40% recovered after a default:

    >>> round(implied_default_rate(0.125, 0.04, 0.4), 4)
    0.1417
    """
    y = check_fraction("loan_rate", loan_rate, one_allowed=False)
    r = check_number("risk_free_rate", risk_free_rate, 0.0, y)
    recovery = check_fraction("recovery_rate", recovery_rate, one_allowed=False)
    return min((y - r) / (1.0 - recovery), 1.0)



def who_pays_by_decline(
    scenario: Scenario,
    estimate,
    *,
    n_paths: int = WHO_PAYS_PATHS,
    seed: int = WHO_PAYS_SEED,
) -> pd.DataFrame:
    """Who pays in ``scenario`` at the low end, the centre and the high end of a calibrated decline.

    Parameters
    ----------
    scenario : Scenario
        The scenario; only its ``annual_decline`` is changed.
    estimate : DeclineEstimate
        Chapter 2's calibration with its interval (:func:`gpu_finance.calibrated_decline`). An end
        outside what a scenario accepts (a rise in value, or a fall of more than
        :data:`MAX_ANNUAL_DECLINE`) is a ``ValueError`` naming it.
    n_paths, seed
        As for :func:`who_pays` (the same seed gives every row the same futures).

    Returns
    -------
    pandas.DataFrame
        One row per case (``"low"``, ``"estimate"``, ``"high"``) with ``annual_decline``,
        ``expected_loss_usd``, ``expected_loss_se_usd`` and one ``<party>_usd`` column per party of
        :data:`gpu_finance.parties.PARTIES` (its expected loss).
    """
    scenario = check_scenario(scenario)
    rows = []
    for case, decline in decline_cases(estimate, 0.0, MAX_ANNUAL_DECLINE):
        result = who_pays(scenario.replace(annual_decline=decline), n_paths=n_paths, seed=seed)
        row = {"case": case, "annual_decline": decline, "expected_loss_usd": result.expected_loss_usd,
               "expected_loss_se_usd": result.expected_loss_se_usd}
        row.update({f"{party}_usd": result.loss_of(party) for party in PARTIES})
        rows.append(row)
    return pd.DataFrame(rows)
