"""Who pays? One scenario run through all three tricks: the vehicle, the depreciation, the backstop.

The closing chapter's model, in three modules, every public name re-exported here:

:mod:`~gpu_finance.scenario.presets`
    :class:`Scenario` (one story from the deal to the backstop) and the four named :data:`PRESETS`,
    built from ``scenario_presets.csv`` on first use.
:mod:`~gpu_finance.scenario.simulation`
    :func:`who_pays`: who bears the loss, by seeded Monte Carlo simulation, in six named steps; the
    model is described there.
:mod:`~gpu_finance.scenario.comparisons`
    What the chapter compares: :func:`compare_presets`, :func:`risk_path` (the loss as each trick
    is switched on), :func:`who_pays_by_decline`, :func:`scenario_flows` and
    :func:`implied_default_rate`.

Money is in USD, rates and probabilities are fractions (0.05 = 5%), lives are whole years.
"""

from __future__ import annotations

import functools

from .._lazy import lazy_constants
from . import presets as _presets
from .comparisons import (
    RISK_STEPS,
    compare_presets,
    implied_default_rate,
    risk_path,
    scenario_flows,
    who_pays_by_decline,
)
from .presets import (
    DEAL_FIELDS,
    MAX_ANNUAL_DECLINE,
    PRESET_DESCRIPTIONS,
    PRESET_LABELS,
    SCENARIO_FIELDS,
    Scenario,
    parse_field,
    preset,
    scenario_presets,
)
from .simulation import OUTCOMES, WHO_PAYS_PATHS, WHO_PAYS_SEED, WhoPays, vehicle_claims, who_pays

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

#: The four named scenarios (see :data:`gpu_finance.scenario.presets.PRESETS`), built on first use.
PRESETS: dict[str, Scenario]
#: See :data:`gpu_finance.scenario.presets.DEFAULT_SPONSOR_DEFAULT_RATE`; read on first use.
DEFAULT_SPONSOR_DEFAULT_RATE: float
#: See :data:`gpu_finance.scenario.presets.DEFAULT_WALK_AWAY_PROBABILITY`; read on first use.
DEFAULT_WALK_AWAY_PROBABILITY: float

# The lazy constants are computed by presets' cached factories, so both modules hold the same objects.
__getattr__ = lazy_constants(
    globals(),
    PRESETS=_presets.all_presets,
    DEFAULT_SPONSOR_DEFAULT_RATE=functools.partial(_presets.default, "DEFAULT_SPONSOR_DEFAULT_RATE"),
    DEFAULT_WALK_AWAY_PROBABILITY=functools.partial(_presets.default, "DEFAULT_WALK_AWAY_PROBABILITY"),
)

