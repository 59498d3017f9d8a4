"""The scenarios of the closing chapter: :class:`Scenario`, one story through all three tricks, and
the four named :data:`PRESETS`.

A :class:`Scenario` holds everything the chapters modelled separately: the deal (chapter 1), how
long the chips earn their keep and how fast they lose value (chapter 2), and the guarantee
(chapters 3 and 4), plus two things about the sponsor's behaviour that only matter once they are put
together. :data:`PRESETS` are four named scenarios built from the rows of
``scenario_presets.csv``, on first use. :func:`gpu_finance.who_pays` runs one through the simulation
(:mod:`gpu_finance.scenario.simulation`).

Money is in USD, rates and probabilities are fractions (0.05 = 5%), lives are whole years.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import pandas as pd

from .. import backstop, collateral, depreciation, incentives, spv
from .._lazy import lazy_constants
from .._validation import ANNUAL_DECLINE, FRACTION, MARGIN, RATE, TERM_YEARS, VOLATILITY, check_choice
from ..backstop import STRUCTURES
from ..datasets import load_dataset
from ..deal import Deal, check_deal
from ..i18n import N_
from ..depreciation import peak_overstatement, profit_comparison
from ..leases import check_flag
from ..spv import lease_payment

__all__ = [
    "Scenario",
    "PRESETS",
    "PRESET_LABELS",
    "PRESET_DESCRIPTIONS",
    "SCENARIO_FIELDS",
    "DEAL_FIELDS",
    "MAX_ANNUAL_DECLINE",
    "DEFAULT_SPONSOR_DEFAULT_RATE",
    "DEFAULT_WALK_AWAY_PROBABILITY",
    "preset",
    "scenario_presets",
]

#: Fastest yearly fall in value the simulation accepts: at a fall of ``1 - exp(-1)`` (about 63%)
#: the drift reaches chapter 3's limit of -1 a year. Kept to a round 60%.
MAX_ANNUAL_DECLINE: float = ANNUAL_DECLINE.high

#: The deal's fields, as :class:`~gpu_finance.Deal` names them.
DEAL_FIELDS: tuple[str, ...] = ("total_cost_usd", "equity_usd", "debt_usd", "vendor_equity_usd", "debt_rate",
                                "debt_term_years", "lease_term_years")

#: Every numeric or choice field of a :class:`Scenario` (the deal's fields first), with the label and
#: unit a reader sees; also the rows each preset has in ``scenario_presets.csv``.
SCENARIO_FIELDS: dict[str, tuple[str, str]] = {
    "total_cost_usd": (N_("Cost of the GPUs"), "USD"),
    "equity_usd": (N_("Equity of the vehicle"), "USD"),
    "debt_usd": (N_("Debt of the vehicle"), "USD"),
    "vendor_equity_usd": (N_("The chip vendor's part of the equity"), "USD"),
    "debt_rate": (N_("Interest rate on the debt"), "fraction per year"),
    "debt_term_years": (N_("Debt term"), "years"),
    "lease_term_years": (N_("Lease term"), "years"),
    "target_equity_return": (N_("Equity's target return"), "fraction per year"),
    "residual_value_fraction": (N_("Residual value at the end of the lease"), "fraction of cost"),
    "residual_value_guarantee": (N_("Sponsor guarantees the residual value"), "yes/no"),
    "vendor_gross_margin": (N_("Chip vendor's gross margin"), "fraction"),
    "accounting_life_years": (N_("Accounting life of the GPUs"), "years"),
    "economic_life_years": (N_("Economic life of the GPUs"), "years"),
    "annual_decline": (N_("Yearly fall in the GPUs' market value"), "fraction per year"),
    "volatility": (N_("Volatility of the GPUs' value"), "fraction per year"),
    "liquidation_cost_fraction": (N_("Lost in a forced sale of the GPUs"), "fraction"),
    "sponsor_default_rate": (N_("Chance the sponsor stops paying, each year"), "probability per year"),
    "walk_away_probability": (N_("Chance it walks away from obsolete chips"), "probability"),
    "coverage": (N_("Share of the debt guaranteed"), "fraction"),
    "structure": (N_("How the guarantee shares losses"), "choice"),
    "guarantee_fee": (N_("Guarantee fee"), "fraction per year"),
}

#: The presets' keys and the names readers see, in the order the book shows them.
PRESET_LABELS: dict[str, str] = {
    "as_told": N_("The article's story as told"),
    "what_closed": N_("What closed"),
    "six_years": N_("Chips last six years"),
    "every_year": N_("A new generation every year"),
}

#: What each preset is, in a sentence.
PRESET_DESCRIPTIONS: dict[str, str] = {
    "as_told": N_("The reported $20B plan; chips that earn their keep for four years and lose value at the rate "
                "H100 rents imply; a sponsor that walks away from obsolete chips; and the government "
                "guarantee the article describes."),
    "what_closed": N_("The $5.4B vehicle Apollo financed, the same chips, no guarantee (none was offered), and a "
                    "lessee that is an xAI subsidiary, which may or may not walk away."),
    "six_years": N_("The article's story, but the chips earn their keep for six years and lose value at the "
                  "slower rate of H100 rents from launch to 2026."),
    "every_year": N_("The article's story, but with a new generation every year: the chips earn their keep for "
                   "two years and lose value as fast as H100 rents fell from their 2023 peak."),
}


#: The presets' assumed yearly chance that the sponsor stops paying for reasons of its own (a row of
#: ``scenario_presets.csv`` marked as an assumption). Read on first use.
DEFAULT_SPONSOR_DEFAULT_RATE: float

#: The article's story: once the chips are obsolete the sponsor always walks away (a row of
#: ``scenario_presets.csv``, the book's reading of the article). Read on first use.
DEFAULT_WALK_AWAY_PROBABILITY: float

#: The four named scenarios, each built from its rows of ``scenario_presets.csv`` on first use:
#: ``"as_told"`` (the article's story as told: the reported plan, four-year chips, a sponsor that
#: walks away and a government guarantee), ``"what_closed"`` (the Valor vehicle Apollo financed,
#: no guarantee), ``"six_years"`` (the story with chips that last six years) and ``"every_year"``
#: (the story with a new generation every year).
PRESETS: dict[str, Scenario]


@functools.cache
def default(name: str) -> float:
    """The figure behind this module's constant ``name`` (``"DEFAULT_SPONSOR_DEFAULT_RATE"`` or
    ``"DEFAULT_WALK_AWAY_PROBABILITY"``): the ``as_told`` preset's row of ``scenario_presets.csv``,
    read on first use."""
    field = {"DEFAULT_SPONSOR_DEFAULT_RATE": "sponsor_default_rate",
             "DEFAULT_WALK_AWAY_PROBABILITY": "walk_away_probability"}[name]
    rows = load_dataset("scenario_presets").set_index(["preset", "field"])
    return float(rows.loc[("as_told", field), "value"])


#: Where a :class:`Scenario` field left out gets the book's figure, read when a scenario is made
#: (each is computed once and cached by its own module).
_BOOK_FIGURES = {
    "target_equity_return": lambda: spv.default("TARGET_EQUITY_RETURN"),
    "residual_value_fraction": lambda: spv.default("RESIDUAL_VALUE_FRACTION"),
    "vendor_gross_margin": lambda: incentives.default("VENDOR_GROSS_MARGIN"),
    "accounting_life_years": lambda: int(depreciation.depreciation_fact("chapter2.accounting_life_years")),
    "economic_life_years": lambda: int(depreciation.depreciation_fact("chapter2.economic_life_years")),
    "annual_decline": lambda: depreciation.CALIBRATED_ANNUAL_DECLINE,
    "volatility": lambda: backstop.DEFAULT_VOLATILITY,
    "liquidation_cost_fraction": lambda: collateral.LIQUIDATION_COST_FRACTION,
    "sponsor_default_rate": lambda: default("DEFAULT_SPONSOR_DEFAULT_RATE"),
    "walk_away_probability": lambda: default("DEFAULT_WALK_AWAY_PROBABILITY"),
}


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

    A field left out (or ``None``) takes the book's figure when the scenario is made: the target
    return, residual value and vendor margin of chapter 1 (:data:`~gpu_finance.TARGET_EQUITY_RETURN`,
    :data:`~gpu_finance.RESIDUAL_VALUE_FRACTION`, :data:`~gpu_finance.VENDOR_GROSS_MARGIN`), the two
    lives of chapter 2 (``depreciation_facts.csv``), the calibrated decline
    (:data:`~gpu_finance.CALIBRATED_ANNUAL_DECLINE`), chapter 3's
    :data:`~gpu_finance.DEFAULT_VOLATILITY`, the forced-sale cost
    :data:`~gpu_finance.LIQUIDATION_COST_FRACTION`, and the sponsor's behaviour of the presets
    (:data:`DEFAULT_SPONSOR_DEFAULT_RATE`, :data:`DEFAULT_WALK_AWAY_PROBABILITY`).

    Raises
    ------
    ValueError
        If any value is outside its range; the message names the field, the value and the range.

    Examples
    --------
    >>> from gpu_finance.scenario import PRESETS
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
    target_equity_return: float | None = None
    residual_value_fraction: float | None = None
    residual_value_guarantee: bool = False
    vendor_gross_margin: float | None = None
    accounting_life_years: int | None = None
    economic_life_years: int | None = None
    annual_decline: float | None = None
    volatility: float | None = None
    liquidation_cost_fraction: float | None = None
    sponsor_default_rate: float | None = None
    walk_away_probability: float | None = None
    coverage: float = 0.0
    structure: str = "pro_rata"
    guarantee_fee: float = 0.0

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: store the validated values
        if not isinstance(self.name, str):
            raise ValueError(f"name={self.name!r} is not a string")
        check_deal(self.deal)
        for name, book_figure in _BOOK_FIGURES.items():  # a field left out takes the book's figure
            if getattr(self, name) is None:
                set_(self, name, book_figure())
        set_(self, "target_equity_return", RATE.check("target_equity_return", self.target_equity_return))
        set_(self, "residual_value_fraction", FRACTION.check("residual_value_fraction", self.residual_value_fraction))
        set_(self, "residual_value_guarantee", check_flag("residual_value_guarantee", self.residual_value_guarantee))
        set_(self, "vendor_gross_margin",
             MARGIN.check("vendor_gross_margin", self.vendor_gross_margin))
        for life in ("accounting_life_years", "economic_life_years"):
            set_(self, life, TERM_YEARS.check(life, getattr(self, life)))
        set_(self, "annual_decline", ANNUAL_DECLINE.check("annual_decline", self.annual_decline))
        set_(self, "volatility", VOLATILITY.check("volatility", self.volatility))
        for share in ("liquidation_cost_fraction", "sponsor_default_rate", "walk_away_probability", "coverage",
                      "guarantee_fee"):
            set_(self, share, FRACTION.check(share, getattr(self, share)))
        set_(self, "structure", check_choice("structure", self.structure, tuple(STRUCTURES)))

    # -- changing it ----------------------------------------------------------------------------
    def replace(self, **changes) -> Scenario:
        """A copy with some scenario fields changed, validated again.

        Examples
        --------
        >>> from gpu_finance.scenario import PRESETS
        >>> PRESETS["as_told"].replace(coverage=0.0).coverage
        0.0
        """
        return dataclasses.replace(self, **changes)

    def with_deal(self, **changes) -> Scenario:
        """A copy whose deal has some fields changed (see :meth:`gpu_finance.Deal.replace`).

        Examples
        --------
        >>> from gpu_finance.scenario import PRESETS
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
        >>> from gpu_finance.scenario import PRESETS
        >>> PRESETS["what_closed"].summary().set_index("field").loc["debt_usd", "value"]
        3500000000.0
        """
        rows = []
        for name, (label, unit) in SCENARIO_FIELDS.items():
            value = getattr(self.deal, name) if name in DEAL_FIELDS else getattr(self, name)
            rows.append((name, label, value, unit))
        return pd.DataFrame(rows, columns=["field", "label", "value", "unit"])


def parse_field(field_name: str, text: str):
    """A value of ``scenario_presets.csv`` (stored as text) in its field's type: ``structure`` stays
    text, ``residual_value_guarantee`` is a bool, lives are whole numbers, the rest floats."""
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
    values = {name: parse_field(name, mine.loc[name, "value"]) for name in SCENARIO_FIELDS}
    deal = Deal(**{name: values.pop(name) for name in DEAL_FIELDS}, name=PRESET_LABELS[key])
    return Scenario(name=PRESET_LABELS[key], deal=deal, **values)


@functools.cache
def all_presets() -> dict[str, Scenario]:
    """:data:`PRESETS`, built from ``scenario_presets.csv`` on first use."""
    rows = scenario_presets()
    return {key: _build_preset(key, rows) for key in PRESET_LABELS}

__getattr__ = lazy_constants(
    globals(),
    PRESETS=all_presets,
    DEFAULT_SPONSOR_DEFAULT_RATE=functools.partial(default, "DEFAULT_SPONSOR_DEFAULT_RATE"),
    DEFAULT_WALK_AWAY_PROBABILITY=functools.partial(default, "DEFAULT_WALK_AWAY_PROBABILITY"),
)


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
    presets = all_presets()
    return presets[check_choice("key", key, tuple(presets))]
