"""Who pays? One scenario run through all three tricks: the vehicle, the depreciation, the backstop.

A :class:`Scenario` holds everything the chapters modelled separately: the deal (chapter 1), how
long the chips earn their keep and how fast they lose value (chapter 2), and the guarantee
(chapters 3 and 4), plus two things about the sponsor's behaviour that only matter once they are put
together. :data:`PRESETS` are four named scenarios built from the rows of
``scenario_presets.csv``; :func:`who_pays` runs one through a seeded Monte Carlo simulation and
says who bears the loss.

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

import dataclasses
import math
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._validation import check_choice, check_fraction, check_number, check_whole
from .backstop import (
    DEFAULT_VOLATILITY,
    STRUCTURES,
    drift_from_annual_decline,
    expected_loss_by_party,
    loss_distribution,
    simulate_asset_paths,
)
from .collateral import LIQUIDATION_COST_FRACTION
from .datasets import load_dataset
from .deal import Deal
from .depreciation import (
    CALIBRATED_ANNUAL_DECLINE,
    MAX_LIFE_YEARS,
    decline_cases,
    depreciation_fact,
    depreciation_schedule,
    peak_overstatement,
    profit_comparison,
)
from .formatting import usd
from .parties import PARTIES
from .spv import (
    RESIDUAL_VALUE_FRACTION,
    TARGET_EQUITY_RETURN,
    VENDOR_GROSS_MARGIN,
    lease_payment,
    money_flows,
    spv_cash_flows,
    vendor_loop,
)

__all__ = [
    "Scenario",
    "WhoPays",
    "PRESETS",
    "PRESET_LABELS",
    "PRESET_DESCRIPTIONS",
    "SCENARIO_FIELDS",
    "DEAL_FIELDS",
    "OUTCOMES",
    "RISK_STEPS",
    "MAX_ANNUAL_DECLINE",
    "DEFAULT_SPONSOR_DEFAULT_RATE",
    "DEFAULT_WALK_AWAY_PROBABILITY",
    "WHO_PAYS_PATHS",
    "WHO_PAYS_SEED",
    "preset",
    "scenario_presets",
    "who_pays",
    "vehicle_claims",
    "compare_presets",
    "risk_path",
    "scenario_flows",
    "implied_default_rate",
    "who_pays_by_decline",
]

#: Fastest yearly fall in value the simulation accepts: at a fall of ``1 - exp(-1)`` (about 63%)
#: the drift reaches chapter 3's limit of -1 a year. Kept to a round 60%.
MAX_ANNUAL_DECLINE: float = 0.6

#: Paths :func:`who_pays` simulates by default, and the seed it draws them from. The same seed
#: gives the same futures to every scenario with the same lease term (common random numbers), so
#: two scenarios differ only by their assumptions, not by luck.
WHO_PAYS_PATHS: int = 20_000
WHO_PAYS_SEED: int = 2026

#: How a simulated future ends: the lease runs to its end, the sponsor stops paying for reasons of
#: its own, or it walks away from chips past their economic life.
OUTCOMES: dict[str, str] = {
    "completed": "The lease runs to its end",
    "default": "The sponsor stops paying",
    "walk_away": "The sponsor walks away from obsolete chips",
}

#: The deal's fields, as :class:`~gpu_finance.Deal` names them.
DEAL_FIELDS: tuple[str, ...] = ("total_cost_usd", "equity_usd", "debt_usd", "vendor_equity_usd", "debt_rate",
                                "debt_term_years", "lease_term_years")

#: Every numeric or choice field of a :class:`Scenario` (the deal's fields first), with the label and
#: unit a reader sees; also the rows each preset has in ``scenario_presets.csv``.
SCENARIO_FIELDS: dict[str, tuple[str, str]] = {
    "total_cost_usd": ("Cost of the GPUs", "USD"),
    "equity_usd": ("Equity of the vehicle", "USD"),
    "debt_usd": ("Debt of the vehicle", "USD"),
    "vendor_equity_usd": ("The chip vendor's part of the equity", "USD"),
    "debt_rate": ("Interest rate on the debt", "fraction per year"),
    "debt_term_years": ("Debt term", "years"),
    "lease_term_years": ("Lease term", "years"),
    "target_equity_return": ("Equity's target return", "fraction per year"),
    "residual_value_fraction": ("Residual value at the end of the lease", "fraction of cost"),
    "residual_value_guarantee": ("Sponsor guarantees the residual value", "yes/no"),
    "vendor_gross_margin": ("Chip vendor's gross margin", "fraction"),
    "accounting_life_years": ("Accounting life of the GPUs", "years"),
    "economic_life_years": ("Economic life of the GPUs", "years"),
    "annual_decline": ("Yearly fall in the GPUs' market value", "fraction per year"),
    "volatility": ("Volatility of the GPUs' value", "fraction per year"),
    "liquidation_cost_fraction": ("Lost in a forced sale of the GPUs", "fraction"),
    "sponsor_default_rate": ("Chance the sponsor stops paying, each year", "probability per year"),
    "walk_away_probability": ("Chance it walks away from obsolete chips", "probability"),
    "coverage": ("Share of the debt guaranteed", "fraction"),
    "structure": ("How the guarantee shares losses", "choice"),
    "guarantee_fee": ("Guarantee fee", "fraction per year"),
}

#: The presets' keys and the names readers see, in the order the book shows them.
PRESET_LABELS: dict[str, str] = {
    "as_told": "The article's story as told",
    "what_closed": "What closed",
    "six_years": "Chips last six years",
    "every_year": "A new generation every year",
}

#: What each preset is, in a sentence.
PRESET_DESCRIPTIONS: dict[str, str] = {
    "as_told": ("The reported $20B plan; chips that earn their keep for four years and lose value at the rate "
                "H100 rents imply; a sponsor that walks away from obsolete chips; and the government "
                "guarantee the article describes."),
    "what_closed": ("The $5.4B vehicle Apollo financed, the same chips, no guarantee (none was offered), and a "
                    "lessee that is an xAI subsidiary, which may or may not walk away."),
    "six_years": ("The article's story, but the chips earn their keep for six years and lose value at the "
                  "slower rate of H100 rents from launch to 2026."),
    "every_year": ("The article's story, but with a new generation every year: the chips earn their keep for "
                   "two years and lose value as fast as H100 rents fell from their 2023 peak."),
}


def _row_value(key: str) -> float:
    return float(load_dataset("scenario_presets").set_index(["preset", "field"]).loc[("as_told", key), "value"])


#: The presets' assumed yearly chance that the sponsor stops paying for reasons of its own (a row of
#: ``scenario_presets.csv`` marked as an assumption).
DEFAULT_SPONSOR_DEFAULT_RATE: float = _row_value("sponsor_default_rate")

#: The article's story: once the chips are obsolete the sponsor always walks away (a row of
#: ``scenario_presets.csv``, the book's reading of the article).
DEFAULT_WALK_AWAY_PROBABILITY: float = _row_value("walk_away_probability")


# ------------------------------------------------------------------------------------------------
# The scenario
# ------------------------------------------------------------------------------------------------
def _require_deal(deal: object) -> Deal:
    if not isinstance(deal, Deal):
        raise ValueError(f"deal={deal!r} is not a gpu_finance.Deal")
    return deal


@dataclass(frozen=True)
class Scenario:
    """One story about a GPU vehicle, from the deal to the backstop. Frozen: change it with
    :meth:`replace` (scenario fields) or :meth:`with_deal` (the deal's fields).

    Parameters
    ----------
    name : str
        A label for tables and charts.
    deal : Deal
        The vehicle's funding and terms (chapter 1).
    target_equity_return : float
        The return the vehicle's equity asks for, which sets the lease payment; a fraction per year in
        [0, 1).
    residual_value_fraction : float
        What the vehicle expects the GPUs to be worth when the lease ends, a fraction of their cost in
        [0, 1]; zero for a lease-to-own whose payments repay the whole cost.
    residual_value_guarantee : bool
        Whether the sponsor guarantees that residual value (pays the vehicle any shortfall).
    vendor_gross_margin : float
        The chip vendor's gross margin on the GPUs, a fraction of revenue in [0, 1).
    accounting_life_years : int
        The life over which the books depreciate the GPUs, whole years from 1 to 15 (chapter 2).
    economic_life_years : int
        The years the GPUs earn more than they cost to run, whole years from 1 to 15; after that they
        are worth nothing (chapter 2).
    annual_decline : float
        The expected fall in the GPUs' market value each year, a fraction in [0, 0.6]; the drift of
        the simulation (chapter 2's calibration is about a third).
    volatility : float
        Volatility of the GPUs' value, a fraction per year in (0, 2] (chapter 3).
    liquidation_cost_fraction : float
        Share of the GPUs' market value lost when they are seized and sold, in [0, 1] (chapter 2).
    sponsor_default_rate : float
        The chance, at the end of each lease year, that the sponsor stops paying for reasons of its
        own, a probability in [0, 1].
    walk_away_probability : float
        The chance that the sponsor stops paying when the GPUs reach the end of their economic life
        before the lease ends, a probability in [0, 1].
    coverage : float
        Share of the lenders' loss a government guarantee pays, in [0, 1]; 0 means no guarantee
        (chapter 3).
    structure : str
        How the guarantee shares losses: ``"pro_rata"`` or ``"lenders_first"`` (chapter 4).
    guarantee_fee : float
        Yearly fee on the guaranteed debt, paid by the sponsor to the guarantor, a fraction in [0, 1].

    Raises
    ------
    ValueError
        If any value is outside its range; the message names the field, the value and the range.

    Examples
    --------
    >>> story = PRESETS["as_told"]
    >>> story.deal.debt_usd, story.economic_life_years
    (12500000000.0, 4)
    >>> story.replace(economic_life_years=6).economic_life_years
    6
    >>> story.replace(annual_decline=0.9)
    Traceback (most recent call last):
    ...
    ValueError: annual_decline=0.9 is outside [0, 0.6]
    """

    name: str
    deal: Deal
    target_equity_return: float = TARGET_EQUITY_RETURN
    residual_value_fraction: float = RESIDUAL_VALUE_FRACTION
    residual_value_guarantee: bool = False
    vendor_gross_margin: float = VENDOR_GROSS_MARGIN
    accounting_life_years: int = int(depreciation_fact("chapter2.accounting_life_years"))
    economic_life_years: int = int(depreciation_fact("chapter2.economic_life_years"))
    annual_decline: float = CALIBRATED_ANNUAL_DECLINE
    volatility: float = DEFAULT_VOLATILITY
    liquidation_cost_fraction: float = LIQUIDATION_COST_FRACTION
    sponsor_default_rate: float = DEFAULT_SPONSOR_DEFAULT_RATE
    walk_away_probability: float = DEFAULT_WALK_AWAY_PROBABILITY
    coverage: float = 0.0
    structure: str = "pro_rata"
    guarantee_fee: float = 0.0

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: store the validated values
        if not isinstance(self.name, str):
            raise ValueError(f"name={self.name!r} is not a string")
        _require_deal(self.deal)
        set_(self, "target_equity_return",
             check_number("target_equity_return", self.target_equity_return, 0.0, 1.0, high_closed=False))
        set_(self, "residual_value_fraction", check_fraction("residual_value_fraction", self.residual_value_fraction))
        if not isinstance(self.residual_value_guarantee, (bool, np.bool_)):
            raise ValueError(f"residual_value_guarantee={self.residual_value_guarantee!r} is not True or False")
        set_(self, "residual_value_guarantee", bool(self.residual_value_guarantee))
        set_(self, "vendor_gross_margin",
             check_fraction("vendor_gross_margin", self.vendor_gross_margin, one_allowed=False))
        for life in ("accounting_life_years", "economic_life_years"):
            set_(self, life, check_whole(life, getattr(self, life), 1, MAX_LIFE_YEARS))
        set_(self, "annual_decline", check_number("annual_decline", self.annual_decline, 0.0, MAX_ANNUAL_DECLINE))
        set_(self, "volatility", check_number("volatility", self.volatility, 0.0, 2.0, low_closed=False))
        for share in ("liquidation_cost_fraction", "sponsor_default_rate", "walk_away_probability", "coverage",
                      "guarantee_fee"):
            set_(self, share, check_fraction(share, getattr(self, share)))
        set_(self, "structure", check_choice("structure", self.structure, tuple(STRUCTURES)))

    # -- changing it ----------------------------------------------------------------------------
    def replace(self, **changes) -> Scenario:
        """A copy with some scenario fields changed, validated again.

        Examples
        --------
        >>> PRESETS["as_told"].replace(coverage=0.0).coverage
        0.0
        """
        return dataclasses.replace(self, **changes)

    def with_deal(self, **changes) -> Scenario:
        """A copy whose deal has some fields changed (see :meth:`gpu_finance.Deal.replace`).

        Examples
        --------
        >>> PRESETS["as_told"].with_deal(debt_rate=0.125).deal.debt_rate
        0.125
        """
        return self.replace(deal=self.deal.replace(**changes))

    # -- what chapters 1 and 2 say about it -------------------------------------------------------
    @property
    def lease_payment_usd(self) -> float:
        """The yearly lease payment (chapter 1's :func:`~gpu_finance.lease_payment`), in USD."""
        return lease_payment(self.deal, self.target_equity_return, self.residual_value_fraction)

    @property
    def profit_reported_early_usd(self) -> float:
        """The vehicle's profit reported before it is earned, at its peak, in USD: chapter 2's
        :func:`~gpu_finance.peak_overstatement` of :func:`~gpu_finance.profit_comparison` between the
        accounting and the economic life (negative when the books are the more cautious)."""
        comparison = profit_comparison(self.deal, self.accounting_life_years, self.economic_life_years,
                                       target_equity_return=self.target_equity_return)
        return peak_overstatement(comparison)

    def summary(self) -> pd.DataFrame:
        """Every field as a row for readers: ``field`` (the name in the model), ``label``, ``value``
        (in the field's unit: USD, fractions, years) and ``unit``.

        Examples
        --------
        >>> PRESETS["what_closed"].summary().set_index("field").loc["debt_usd", "value"]
        3500000000.0
        """
        rows = []
        for name, (label, unit) in SCENARIO_FIELDS.items():
            value = getattr(self.deal, name) if name in DEAL_FIELDS else getattr(self, name)
            rows.append((name, label, value, unit))
        return pd.DataFrame(rows, columns=["field", "label", "value", "unit"])


def _parse(field_name: str, text: str):
    if field_name == "structure":
        return str(text)
    value = float(text)
    if field_name == "residual_value_guarantee":
        return bool(value)
    if field_name.endswith("_years"):
        return int(value)
    return value


def scenario_presets() -> pd.DataFrame:
    """The data behind the presets: one row per number of each preset, with its source.

    Returns
    -------
    pandas.DataFrame
        Columns ``preset`` (a key of :data:`PRESET_LABELS`), ``field`` (a key of
        :data:`SCENARIO_FIELDS`), ``value`` (as stored: text), ``unit``, ``description``,
        ``same_as`` (where the row repeats another figure of the book: ``deal_facts:<key>``,
        ``depreciation_facts:<key>`` or ``gpu_finance:<name>``; empty otherwise), ``bibkey``,
        ``source``, ``url``, ``date`` and ``confidence``.

    Examples
    --------
    >>> rows = scenario_presets()
    >>> rows.groupby("preset").size().tolist()
    [21, 21, 21, 21]
    """
    rows = load_dataset("scenario_presets")
    for column in ("same_as", "bibkey"):
        rows[column] = rows[column].fillna("")
    return rows


def _build_preset(key: str, rows: pd.DataFrame) -> Scenario:
    mine = rows[rows["preset"] == key].set_index("field")
    missing = sorted(set(SCENARIO_FIELDS) - set(mine.index))
    if missing:
        raise ValueError(f"scenario_presets.csv lacks rows {missing} for preset {key!r}")
    values = {name: _parse(name, mine.loc[name, "value"]) for name in SCENARIO_FIELDS}
    deal = Deal(**{name: values.pop(name) for name in DEAL_FIELDS}, name=PRESET_LABELS[key])
    return Scenario(name=PRESET_LABELS[key], deal=deal, **values)


def _build_presets() -> dict[str, Scenario]:
    rows = scenario_presets()
    return {key: _build_preset(key, rows) for key in PRESET_LABELS}


#: The four named scenarios, each built from its rows of ``scenario_presets.csv``:
#: ``"as_told"`` (the article's story as told: the reported plan, four-year chips, a sponsor that
#: walks away and a government guarantee), ``"what_closed"`` (the Valor vehicle Apollo financed,
#: no guarantee), ``"six_years"`` (the story with chips that last six years) and ``"every_year"``
#: (the story with a new generation every year).
PRESETS: dict[str, Scenario] = _build_presets()


def preset(key: str) -> Scenario:
    """The preset named ``key``, with a clear error for an unknown name.

    Examples
    --------
    >>> preset("six_years").economic_life_years
    6
    >>> preset("nope")
    Traceback (most recent call last):
    ...
    ValueError: key='nope' is not one of 'as_told', 'what_closed', 'six_years', 'every_year'
    """
    return PRESETS[check_choice("key", key, tuple(PRESETS))]


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
    n_paths, seed : int
        How many futures were simulated, and from which seed.
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
    seed: int = 0

    def loss_of(self, party: str) -> float:
        """One party's expected loss, in USD.

        Examples
        --------
        >>> who_pays(PRESETS["what_closed"], n_paths=2000).loss_of("taxpayers")
        0.0
        """
        key = check_choice("party", party, tuple(PARTIES))
        return float(self.parties.set_index("party").loc[key, "expected_loss_usd"])

    def loss_distribution(self, bins: int = 30) -> pd.DataFrame:
        """Histogram of the positive total losses (chapter 3's :func:`~gpu_finance.loss_distribution`)."""
        return loss_distribution(self.losses_usd, bins=bins)


def _seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed={seed!r} is not a whole number >= 0")
    return int(seed)


def _require_scenario(scenario: object) -> Scenario:
    if not isinstance(scenario, Scenario):
        raise ValueError(f"scenario={scenario!r} is not a gpu_finance.Scenario")
    return scenario


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
    opening_debt = np.r_[deal.debt_usd, owed[:-1]]
    fees = np.r_[0.0, scenario.guarantee_fee * scenario.coverage * opening_debt[1:]]
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

    >>> claims = vehicle_claims(PRESETS["what_closed"])
    >>> float(claims.loc[0, "claims_usd"]) == PRESETS["what_closed"].deal.total_cost_usd
    True
    """
    schedule = _schedule(_require_scenario(scenario))
    return pd.DataFrame({"year": np.arange(len(schedule["claims"])), "debt_owed_usd": schedule["debt_owed"],
                         "equity_owed_usd": schedule["equity_outstanding"], "claims_usd": schedule["claims"]})


def _deal_at(scenario: Scenario, debt: float, equity: float) -> Deal:
    """The vehicle's claims at a moment of the lease, as a :class:`Deal` for chapter 4's waterfall:
    the debt still owed and the owners' capital not yet returned, the vendor's part pro rata."""
    deal = scenario.deal
    vendor_share = deal.vendor_equity_usd / deal.equity_usd if deal.equity_usd > 0 else 0.0
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
    vendor_share = deal.vendor_equity_usd / deal.equity_usd if deal.equity_usd > 0 else 0.0
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


def who_pays(scenario: Scenario, *, n_paths: int = WHO_PAYS_PATHS, seed: int = WHO_PAYS_SEED,
             tail: float = 0.05) -> WhoPays:
    """Simulate a scenario's futures and say who bears the loss, and what each party earned.

    The model is the module's (:mod:`gpu_finance.scenario`), in six steps. By construction the
    parties' expected losses add up to the total, and, with no residual value guarantee and a lease
    that covers the debt service, a longer economic life never raises any future's loss.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    n_paths : int
        Futures to simulate, from 1 to 1,000,000.
    seed : int
        Where the randomness comes from: the same seed gives the same futures.
    tail : float
        Share of the worst futures averaged in ``tail_loss_usd`` (the expected shortfall), in (0, 1].

    Returns
    -------
    WhoPays

    Examples
    --------
    >>> result = who_pays(PRESETS["what_closed"], n_paths=2000)
    >>> result.loss_of("taxpayers")  # no guarantee
    0.0
    >>> bool(abs(result.parties["expected_loss_usd"].sum() - result.expected_loss_usd) < 1.0)  # they add up
    True
    """
    scenario = _require_scenario(scenario)
    n = check_whole("n_paths", n_paths, 1, 1_000_000)
    seed, tail = _seed(seed), check_number("tail", tail, 0.0, 1.0, low_closed=False)
    rng = np.random.default_rng(seed)  # every draw comes from here, in order: same seed, same futures
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


def compare_presets(
    presets: dict[str, Scenario] | None = None, *, n_paths: int = WHO_PAYS_PATHS, seed: int = WHO_PAYS_SEED
) -> dict[str, WhoPays]:
    """:func:`who_pays` for each preset (or each scenario of ``presets``), with the same seed.

    Examples
    --------
    >>> results = compare_presets(n_paths=500)
    >>> list(results) == list(PRESETS)
    True
    """
    chosen = PRESETS if presets is None else presets
    if not isinstance(chosen, dict) or not chosen:
        raise ValueError("presets must be a non-empty dict of name -> Scenario")
    return {key: who_pays(s, n_paths=n_paths, seed=seed) for key, s in chosen.items()}


#: The path of risk from trick to trick: what each step of :func:`risk_path` switches on.
RISK_STEPS: dict[str, str] = {
    "spv": "1. The vehicle: the sponsor honours the lease",
    "depreciation": "2. Chips die early: the sponsor may walk away",
    "backstop": "3. The backstop: taxpayers stand behind the lenders",
}


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
    >>> path = risk_path(PRESETS["as_told"], n_paths=1000)
    >>> path.groupby("step", sort=False)["expected_loss_usd"].sum().index.tolist()
    ['spv', 'depreciation', 'backstop']
    """
    scenario = _require_scenario(scenario)
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
    >>> flows = scenario_flows(who_pays(PRESETS["as_told"], n_paths=1000))
    >>> sorted(set(flows["kind"]))
    ['depreciation', 'guarantee', 'money']
    """
    if not isinstance(result, WhoPays):
        raise ValueError(f"result={result!r} is not a gpu_finance.WhoPays from who_pays()")
    scenario = result.scenario
    deal = scenario.deal
    base = money_flows(deal, scenario.target_equity_return, scenario.residual_value_fraction)
    summed = (base.groupby(["from_party", "to_party"], sort=False)
              .agg(amount_usd=("amount_usd", "sum"), what=("what", lambda w: " + ".join(dict.fromkeys(w))))
              .reset_index())
    summed["kind"] = "money"
    years = deal.lease_term_years
    booked = depreciation_schedule(deal.total_cost_usd, scenario.accounting_life_years)["expense"].iloc[:years].sum()
    parties = result.parties.set_index("party")
    fees = parties.loc["taxpayers", "earned_usd"]
    extra = [
        ("spv", "obsolescence", result.expected_value_lost_usd, f"value lost\n(books: {usd(booked)})", "depreciation"),
        ("taxpayers", "lenders", parties.loc["taxpayers", "expected_loss_usd"], "guarantee", "guarantee"),
        ("sponsor", "taxpayers", fees, "guarantee fees", "guarantee"),
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
    scenario = _require_scenario(scenario)
    rows = []
    for case, decline in decline_cases(estimate, 0.0, MAX_ANNUAL_DECLINE):
        result = who_pays(scenario.replace(annual_decline=decline), n_paths=n_paths, seed=seed)
        row = {"case": case, "annual_decline": decline, "expected_loss_usd": result.expected_loss_usd,
               "expected_loss_se_usd": result.expected_loss_se_usd}
        row.update({f"{party}_usd": result.loss_of(party) for party in PARTIES})
        rows.append(row)
    return pd.DataFrame(rows)
