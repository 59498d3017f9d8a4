"""The closing chapter's presets for readers: each preset's figures with their confidence codes, and
the sources behind them (from ``scenario_presets.csv``, through :mod:`gpu_finance.scenario`).

Re-exported by :mod:`gpu_finance.viz.scenario`, the chapter's figures.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .. import scenario as scenario_model
from ..backstop import STRUCTURES
from ..formatting import percent, styled, usd, years
from ..scenario import DEAL_FIELDS, PRESET_LABELS, SCENARIO_FIELDS, Scenario, parse_field, scenario_presets

__all__ = ["presets_table", "sources_table"]


def _show(field_name: str, value) -> str:
    """A scenario field's value written for readers, in its unit."""
    unit = SCENARIO_FIELDS[field_name][1]
    if unit == "USD":
        return str(usd(value))
    if unit == "years":
        return str(years(value))
    if unit == "yes/no":
        return "yes" if value else "no"
    if unit == "choice":
        return STRUCTURES[value].split(":")[0]
    return str(percent(value, 1))


def presets_table(presets: Mapping[str, Scenario] | None = None):
    """The presets side by side, one row per field, each value with its confidence code in brackets
    (C confirmed, S second-hand, X conflicting, A an assumption), from ``scenario_presets.csv``."""
    chosen = dict(scenario_model.PRESETS if presets is None else presets)
    rows = scenario_presets().set_index(["preset", "field"])
    shown = pd.DataFrame({"Field": [label for label, _ in SCENARIO_FIELDS.values()]})
    for key, scenario in chosen.items():
        column = []
        for name in SCENARIO_FIELDS:
            value = getattr(scenario.deal, name) if name in DEAL_FIELDS else getattr(scenario, name)
            code = rows.loc[(key, name), "confidence"] if (key, name) in rows.index else "?"
            column.append(f"{_show(name, value)} [{code}]")
        shown[scenario.name] = column
    return styled(shown).hide(axis="index")


def sources_table():
    """The presets' sourced figures (confidence C, S or X), each once: the field, its value, the
    confidence code, the source and the presets that use it. The rest of the presets' numbers are
    the book's assumptions (confidence A)."""
    rows = scenario_presets()
    sourced = rows[rows["confidence"] != "A"].copy()
    sourced["shown"] = [_show(f, parse_field(f, v)) for f, v in zip(sourced["field"], sourced["value"])]
    grouped = (sourced.groupby(["field", "shown", "confidence", "source"], sort=False)["preset"]
               .agg(lambda keys: ", ".join(PRESET_LABELS[k] for k in keys)).reset_index())
    shown = pd.DataFrame({
        "Figure": grouped["field"].map(lambda f: SCENARIO_FIELDS[f][0]),
        "Value": grouped["shown"],
        "Conf.": grouped["confidence"],
        "Source": grouped["source"],
        "Used by": grouped["preset"],
    })
    return styled(shown).hide(axis="index")
