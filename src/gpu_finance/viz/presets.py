"""The closing chapter's presets for readers: each preset's figures with their confidence codes, and
the sources behind them (from ``scenario_presets.csv``, through :mod:`gpu_finance.scenario`).

Re-exported by :mod:`gpu_finance.viz.scenario`, the chapter's figures, whose live panel also takes
from here a preset's values in the panel's terms (the private helpers at the end).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .. import scenario as scenario_model
from ..backstop import STRUCTURES
from ..deal import Deal
from ..formatting import english_cells, percent, styled, usd, years
from ..i18n import gettext as _
from ..scenario import DEAL_FIELDS, PRESET_LABELS, SCENARIO_FIELDS, Scenario, parse_field, scenario_presets
from ._common import BN, short_name, shown_name
from .controls import Control, Dropdown, snap

__all__ = ["presets_table", "sources_table"]


def _show(field_name: str, value) -> str:
    """A scenario field's value written for readers, in its unit."""
    unit = SCENARIO_FIELDS[field_name][1]
    if unit == "USD":
        return str(usd(value))
    if unit == "years":
        return str(years(value))
    if unit == "yes/no":
        return _("yes") if value else _("no")
    if unit == "choice":
        return short_name(value, STRUCTURES[value])
    return str(percent(value, 1))


def presets_table(presets: Mapping[str, Scenario] | None = None):
    """The presets side by side, one row per field, each value with its confidence code in brackets
    (C confirmed, S second-hand, X conflicting, A an assumption), from ``scenario_presets.csv``."""
    chosen = dict(scenario_model.PRESETS if presets is None else presets)
    rows = scenario_presets().set_index(["preset", "field"])
    shown = pd.DataFrame({_("Field"): [_(label) for label, _unit in SCENARIO_FIELDS.values()]})
    for key, scenario in chosen.items():
        column = []
        for name in SCENARIO_FIELDS:
            value = getattr(scenario.deal, name) if name in DEAL_FIELDS else getattr(scenario, name)
            code = rows.loc[(key, name), "confidence"] if (key, name) in rows.index else "?"
            column.append(f"{_show(name, value)} [{code}]")
        shown[shown_name(scenario.name)] = column
    return styled(shown).hide(axis="index")


def sources_table():
    """The presets' sourced figures (confidence C, S or X), each once: the field, its value, the
    confidence code, the source and the presets that use it. The rest of the presets' numbers are
    the book's assumptions (confidence A)."""
    rows = scenario_presets()
    sourced = rows[rows["confidence"] != "A"].copy()
    sourced["shown"] = [_show(f, parse_field(f, v)) for f, v in zip(sourced["field"], sourced["value"])]
    grouped = (sourced.groupby(["field", "shown", "confidence", "source"], sort=False)["preset"]
               .agg(lambda keys: _(", ").join(_(PRESET_LABELS[k]) for k in keys)).reset_index())
    shown = pd.DataFrame({
        _("Figure"): grouped["field"].map(lambda f: _(SCENARIO_FIELDS[f][0])),
        _("Value"): grouped["shown"],
        _("Conf."): grouped["confidence"],
        _("Source"): grouped["source"],
        _("Used by"): grouped["preset"],
    })
    return english_cells(styled(shown).hide(axis="index"), [_("Source")])


# ------------------------------------------------------------------------- the live panel's presets
def _shown_value(control: Control, model_value) -> object:
    """What a control's widget shows for a model value (snapped to the control's grid)."""
    if isinstance(control, Dropdown):
        return model_value
    snapped = snap(float(model_value), control.minimum, control.maximum, control.step)
    if control.is_whole and control.scale == 1:
        return int(snapped)
    return snapped * control.scale


def _preset_values(key: str) -> dict[str, object]:
    """A preset's values in the panel's terms (model units, before snapping)."""
    scenario = scenario_model.PRESETS[key]
    deal = scenario.deal
    values = {name: getattr(scenario, name) for name in SCENARIO_FIELDS if name not in DEAL_FIELDS}
    values.update(cost_bn=deal.total_cost_usd / BN, debt_share=deal.debt_share, vendor_share=deal.vendor_share_of_equity,
                  debt_rate=deal.debt_rate, debt_term_years=deal.debt_term_years,
                  lease_term_years=deal.lease_term_years)
    return values


def _panel_scenario(preset: str, values: dict, controls: list[Control]) -> Scenario:
    """The preset itself while the controls show it; otherwise a scenario built from the controls."""
    base = scenario_model.PRESETS[preset]
    shown = _preset_values(preset)
    as_preset = all(
        c.from_widget(_shown_value(c, shown[c.name])) == values[c.name] for c in controls if c.name in shown)
    if as_preset:
        return base
    cost = values["cost_bn"] * BN
    debt = values["debt_share"] * cost
    equity = cost - debt
    deal = Deal(total_cost_usd=cost, equity_usd=equity, debt_usd=debt, vendor_equity_usd=values["vendor_share"] * equity,
                debt_rate=values["debt_rate"], debt_term_years=int(values["debt_term_years"]),
                lease_term_years=int(values["lease_term_years"]), name=f"{base.name}, edited")
    fields = {name: values[name] for name in SCENARIO_FIELDS if name not in DEAL_FIELDS}
    return Scenario(name=f"{base.name}, edited", deal=deal, **fields)
