"""Figures, dashboard and live panel of the closing chapter, "Who pays?".

Everything here draws what :mod:`gpu_finance.scenario` computes; none of it holds any finance.
The ``*_explorer`` charts work on the website without Python: :func:`~gpu_finance.who_pays` is
evaluated ahead of time over every position of their controls, each time with the same small,
fixed number of seeded futures (:data:`GRID_PATHS`), so that the grid stays quick to build and the
page small. :func:`scenario_panel` recomputes the model live in a notebook.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from .. import scenario as scenario_model
from .._validation import ANNUAL_DECLINE, FRACTION, MARGIN, RATE, TERM_YEARS, VOLATILITY
from ..formatting import estimate_percent, estimate_usd, percent, styled, table, usd
from ..i18n import N_, gettext as _, is_chinese, translate_joined
from ..parties import PARTIES
from ..scenario import (
    DEAL_FIELDS,
    PRESET_LABELS,
    RISK_STEPS,
    SCENARIO_FIELDS,
    Scenario,
    WhoPays,
    risk_path,
    scenario_flows,
    who_pays,
)
from ..backstop import STRUCTURES
from ..depreciation import DECLINE_CASES
from ..deal import Deal
from ._common import BN, PANEL_WIDTH, WIDTH, billions, finish, money_divisor, money_factor, short_name, shown_name
from ._common import vega_money, vega_text
from .backstop import binned_histogram
from .controls import Control, Dropdown, LivePanel, Slider, bind, live_panel, selected, snap
from .flows import FLOW_LAYOUT, NODE_COLORS, NODE_LABELS, flow_chart
from .presets import _panel_scenario, _preset_values, _shown_value, presets_table, sources_table
from .theme import OKABE_ITO, party_scale

__all__ = [
    "GRID_PATHS",
    "EXTENDED_LAYOUT",
    "presets_table",
    "sources_table",
    "who_pays_chart",
    "comparison_table",
    "decline_table",
    "result_table",
    "outcomes_table",
    "loss_distribution_chart",
    "risk_path_chart",
    "risk_path_explorer",
    "extended_flow_chart",
    "dashboard_explorer",
    "scenario_panel",
]

#: Futures simulated at each grid point of the kernel-free charts: few enough to evaluate hundreds
#: of scenarios while the book builds, enough for a standard error of a few percent of the loss.
GRID_PATHS: int = 2_000

#: Where the parties sit in the extended money-flow diagram: chapter 1's layout, with the taxpayers
#: beside the lenders they would stand behind, and the chips' lost value at the bottom right.
EXTENDED_LAYOUT: dict[str, tuple[float, float]] = {**FLOW_LAYOUT, "taxpayers": (0.1, 0.8),
                                                   "obsolescence": (0.1, 0.16)}

_PARTY_KEYS = list(PARTIES)
_SHORT_PARTY = {"sponsor": N_("Sponsor"), "spv_equity": N_("Outside equity"), "vendor": N_("Chip vendor"),
                "lenders": N_("Lenders"), "taxpayers": N_("Taxpayers")}


def _party_names() -> list[str]:
    """The parties' names, in the order of :data:`~gpu_finance.parties.PARTIES`, in the reader's language."""
    return [_(PARTIES[k]) for k in _PARTY_KEYS]


def _short(party: str, *, lower: bool = False) -> str:
    """A party's short name (lower case inside an English sentence)."""
    name = _(_SHORT_PARTY[party])
    return name.lower() if lower and not is_chinese() else name


def _paths_and_seed(n_paths: int | None, seed: int | None) -> tuple[int, int]:
    """:func:`~gpu_finance.who_pays`' defaults for those not given, read from the model when called."""
    return (scenario_model.WHO_PAYS_PATHS if n_paths is None else n_paths,
            scenario_model.WHO_PAYS_SEED if seed is None else seed)


def _bears(party: str) -> str:
    """The party as the subject of a sentence, with its verb: "The sponsor bears", "Lenders bear"."""
    return _({"sponsor": N_("The sponsor bears"), "spv_equity": N_("Outside equity bears"),
              "vendor": N_("The chip vendor bears"), "lenders": N_("Lenders bear"),
              "taxpayers": N_("Taxpayers bear")}[party])


def _lines(text: str, width: int = 16) -> list[str]:
    """Break a label into lines of about ``width`` characters, at spaces (Chinese, which has none, into
    lines of ``width // 2`` characters, each as wide as two Latin ones)."""
    if is_chinese() and " " not in text.strip():
        step = max(1, width // 2)
        return [text[i:i + step] for i in range(0, len(text), step)]
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


# ------------------------------------------------------------------------------------------------ who pays
def _stack_rows(results: Mapping[str, WhoPays]) -> pd.DataFrame:
    rows = []
    for order, (key, result) in enumerate(results.items()):
        for k, (party, loss) in enumerate(zip(result.parties["party"], result.parties["expected_loss_usd"])):
            rows.append((order, shown_name(result.scenario.name), k, _(PARTIES[party]), float(loss)))
    frame = pd.DataFrame(rows, columns=["order", "scenario", "k", "party", "loss_usd"])
    frame["loss_bn"] = billions(frame["loss_usd"])
    return frame.drop(columns="loss_usd")


def who_pays_chart(results: Mapping[str, WhoPays]) -> alt.LayerChart:
    """One stacked bar per scenario: each party's expected loss, in the waterfall's colours, with the
    total above the bar."""
    if not results:
        raise ValueError("results must hold at least one who_pays() result")
    data = _stack_rows(results)
    names = [shown_name(r.scenario.name) for r in results.values()]
    totals = pd.DataFrame({"scenario": names, "total_bn": billions([r.expected_loss_usd for r in results.values()]),
                           "label": [estimate_usd(r.expected_loss_usd, 3) for r in results.values()]})
    low, high = min(results.values(), key=lambda r: r.expected_loss_usd), max(
        results.values(), key=lambda r: r.expected_loss_usd)
    wrapped = json.dumps({name: _lines(name) for name in names})
    x = alt.X("scenario:N", title=None, sort=names,
              axis=alt.Axis(labelAngle=0, labelLimit=120, labelExpr=f"{wrapped}[datum.label]"))
    bars = alt.Chart(data).mark_bar().encode(
        x=x,
        y=alt.Y("sum(loss_bn):Q", title=_("Expected loss (USD billions)")),
        color=alt.Color("party:N", title=_("Who bears it"), scale=party_scale(),
                        legend=alt.Legend(orient="bottom", columns=2)),
        order=alt.Order("k:Q"),
        tooltip=[alt.Tooltip("scenario:N", title=_("Scenario")), alt.Tooltip("party:N", title=_("Party")),
                 alt.Tooltip("loss_bn:Q", title=_("Expected loss, USD billions"), format=".2f")],
    )
    text = alt.Chart(totals).mark_text(dy=-6, baseline="bottom", fontSize=12).encode(
        x=alt.X("scenario:N", sort=names), y=alt.Y("total_bn:Q"), text=alt.Text("label:N"))

    def name(result: WhoPays) -> str:  # inside an English sentence, in lower case
        return shown_name(result.scenario.name) if is_chinese() else result.scenario.name.lower()

    return finish(
        alt.layer(bars, text),
        [_("Expected losses run from {low} ({low_name})").format(low=estimate_usd(low.expected_loss_usd, 3),
                                                                 low_name=name(low)),
         _("to {high} ({high_name})").format(high=estimate_usd(high.expected_loss_usd, 3), high_name=name(high))],
        _("Who bears the expected loss, scenario by scenario; the chips and the backstop decide"),
        _("Stacked bars, one per scenario, of each party's expected loss in USD billions: {scenarios}.").format(
            scenarios=_("; ").join(
                _("{name}: total {total} ({parties})").format(
                    name=shown_name(r.scenario.name), total=estimate_usd(r.expected_loss_usd, 3),
                    parties=_(", ").join(f"{_short(p, lower=True)} {estimate_usd(v, 3)}"
                                         for p, v in zip(r.parties["party"], r.parties["expected_loss_usd"])
                                         if v > 0.005 * BN))
                for r in results.values())),
        width=WIDTH, height=260,
    )


def comparison_table(results: Mapping[str, WhoPays], measure: str = "expected_loss_usd"):
    """One column per scenario, one row per party plus the total: ``measure`` (a money column of
    :attr:`WhoPays.parties`: ``expected_loss_usd``, ``tail_loss_usd``, ``earned_usd`` or ``net_usd``)."""
    allowed = ("expected_loss_usd", "tail_loss_usd", "earned_usd", "net_usd")
    if measure not in allowed:
        raise ValueError(f"measure={measure!r} is not one of {', '.join(repr(a) for a in allowed)}")
    shown = pd.DataFrame({_("Party"): _party_names() + [_("Total")]})
    for result in results.values():
        values = result.parties[measure].tolist()
        shown[shown_name(result.scenario.name)] = [str(estimate_usd(v, 3)) for v in values + [sum(values)]]
    return styled(shown).hide(axis="index")


def decline_table(frame: pd.DataFrame):
    """:func:`gpu_finance.who_pays_by_decline`'s table: the expected loss, and who bears it, at each
    end of the calibrated decline (estimates, to two significant digits)."""
    shown = pd.DataFrame({
        _("GPUs' value falls, a year"): [estimate_percent(v) for v in frame["annual_decline"]],
        _("Expected loss"): [estimate_usd(v, stderr=se) for v, se in zip(frame["expected_loss_usd"],
                                                                         frame["expected_loss_se_usd"])],
        **{name: [estimate_usd(v) for v in frame[f"{key}_usd"]] for key, name in zip(_PARTY_KEYS, _party_names())},
    }, index=pd.Index([_(DECLINE_CASES[c]) for c in frame["case"]], name=_("Calibration")))
    return styled(shown)


def result_table(result: WhoPays):
    """One scenario's parties: expected loss, its share, the worst futures, earnings on the way, net."""
    frame = result.parties.copy()
    labels = {"expected_loss_usd": "Expected loss", "share_of_loss": "Share of the loss",
              "tail_loss_usd": _("In the worst {share} of futures").format(share=percent(result.tail, 0)),
              "earned_usd": "Earned on the way", "net_usd": "Earned less expected loss"}
    money = {c: (lambda v: str(estimate_usd(v, 3))) for c in ("expected_loss_usd", "tail_loss_usd", "earned_usd", "net_usd")}
    return table(frame, formats={**money, "share_of_loss": lambda v: str(percent(v, 0))}, labels=labels)


def outcomes_table(result: WhoPays):
    """How the simulated futures end, as shares of all futures."""
    shown = pd.DataFrame({_("How the lease ends"): result.outcomes["label"].map(_),
                          _("Share of futures"): [str(percent(s, 1)) for s in result.outcomes["share_of_paths"]]})
    return styled(shown).hide(axis="index")


def loss_distribution_chart(result: WhoPays, bins: int = 30) -> alt.Chart:
    """Histogram of the total loss over the simulated futures (those with a loss), pre-binned."""
    frame = result.loss_distribution(bins)
    frame = pd.DataFrame({
        "from_bn": billions(frame["loss_from_usd"]), "to_bn": billions(frame["loss_to_usd"]),
        "share_pct": np.round(frame["share_of_paths"].astype(float).to_numpy() * 100, 3),
    })
    none = 1.0 - result.loss_probability
    return finish(
        binned_histogram(
            frame, color=OKABE_ITO["vermillion"], noun=N_("futures"), x_title=N_("Total loss in a future (USD billions)"),
        ),
        _("{mean} on average; {tail} in the worst {share} of futures").format(
            mean=estimate_usd(result.expected_loss_usd, 3), tail=estimate_usd(result.tail_loss_usd, 3),
            share=percent(result.tail, 0)),
        _("{name}: {share} of {paths} futures end with no loss").format(
            name=shown_name(result.scenario.name), share=percent(none, 0), paths=f"{result.n_paths:,}"),
        _("Histogram of the total loss over {paths} simulated futures of the scenario '{name}'. {share} of futures "
          "have no loss; the others spread up to {most}. The average is {mean} and the average of the worst {tail} "
          "is {tail_loss}.").format(
            paths=f"{result.n_paths:,}", name=shown_name(result.scenario.name), share=percent(none, 0),
            most=usd(float(result.losses_usd.max())), mean=estimate_usd(result.expected_loss_usd, 3),
            tail=percent(result.tail, 0), tail_loss=estimate_usd(result.tail_loss_usd, 3)),
        width=WIDTH, height=200,
    )


# ------------------------------------------------------------------------------------------------ path of risk
_STEP_LABELS = list(RISK_STEPS.values())
_STEP_SHORT = [N_("1. The SPV"), N_("2. Chips die early"), N_("3. The backstop")]


def _path_rows(path: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({
        "s": path["step"].map(list(RISK_STEPS).index).astype(int),
        "k": path["party"].map(_PARTY_KEYS.index).astype(int),
        "y": billions(path["expected_loss_usd"]),
    })
    return frame[frame["y"] != 0]


def _path_bars(data: pd.DataFrame, top: float) -> alt.Chart:
    steps = [_(step) for step in _STEP_SHORT]
    return alt.Chart(data).transform_calculate(
        party=f"{json.dumps(_party_names())}[datum.k]", step=f"{json.dumps(steps)}[datum.s]",
    ).mark_bar().encode(
        x=alt.X("step:N", title=None, sort=steps, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(y):Q", title=_("Expected loss (USD billions)"), scale=alt.Scale(domain=[0, top], nice=False)),
        color=alt.Color("party:N", title=_("Who bears it"), scale=party_scale(),
                        legend=alt.Legend(orient="bottom", columns=2)),
        order=alt.Order("k:Q"),
        tooltip=[alt.Tooltip("step:N", title=_("Step")), alt.Tooltip("party:N", title=_("Party")),
                 alt.Tooltip("y:Q", title=_("USD billions"), format=".2f")],
    )


def _path_finding(path: pd.DataFrame) -> str:
    by_step = path.pivot_table(index="step", columns="party", values="expected_loss_usd", sort=False)
    first = by_step.loc["spv"].idxmax()
    last = by_step.loc["backstop"].idxmax()
    if first == last:
        return _("{bears} most of it at every step").format(bears=_bears(first))
    return _("The tricks move most of the loss from the {first} to the {last}").format(
        first=_short(first, lower=True), last=_short(last, lower=True))


def risk_path_chart(path: pd.DataFrame, scenario_name: str) -> alt.Chart:
    """Stacked bars of who bears the expected loss as the tricks are switched on (:func:`~gpu_finance.risk_path`)."""
    data = _path_rows(path)
    top = float(data.groupby("s")["y"].sum().max()) * 1.1 if len(data) else 1.0
    totals = path.groupby("step", sort=False)["expected_loss_usd"].sum()
    name = shown_name(scenario_name)
    return finish(
        _path_bars(data, top),
        _path_finding(path),
        _("{name}: the three tricks, one after the other").format(name=name),
        _("Stacked bars of the expected loss by party in the scenario '{name}' at three steps: {steps}.").format(
            name=name, steps=_("; ").join(
                _("{name}: total {total} ({parties})").format(
                    name=_(label), total=estimate_usd(totals[step], 3),
                    parties=_(", ").join(f"{_short(p, lower=True)} {estimate_usd(v, 3)}" for p, v in
                                         zip(path.loc[path['step'] == step, 'party'],
                                             path.loc[path['step'] == step, 'expected_loss_usd'])
                                         if v > 0.005 * BN))
                for step, label in RISK_STEPS.items())),
        width=PANEL_WIDTH, height=240,
    )


def risk_path_explorer(presets: Mapping[str, Scenario] | None = None, *, n_paths: int | None = None,
                       seed: int | None = None) -> alt.LayerChart:
    """Kernel-free path of risk: a menu picks the preset; a line of text gives who bears most at each step.

    ``presets`` default to the book's (:data:`~gpu_finance.PRESETS`), ``n_paths`` and ``seed`` to
    :func:`~gpu_finance.who_pays`' own (:data:`~gpu_finance.scenario.WHO_PAYS_PATHS`, ``WHO_PAYS_SEED``).
    """
    n_paths, seed = _paths_and_seed(n_paths, seed)
    chosen = dict(scenario_model.PRESETS if presets is None else presets)
    keys = list(chosen)
    menu = Dropdown("sc", _("Preset"), tuple((shown_name(chosen[k].name), i) for i, k in enumerate(keys)), 0)
    pieces, notes = [], []
    for i, key in enumerate(keys):
        path = risk_path(chosen[key], n_paths=n_paths, seed=seed)
        pieces.append(_path_rows(path).assign(sc=i))
        notes.append((i, _path_finding(path)))
    data = pd.concat(pieces, ignore_index=True)
    top = float(data.groupby(["sc", "s"])["y"].sum().max()) * 1.1
    pick = selected([menu])
    bars = _path_bars(data, top).transform_filter(pick)
    note = alt.Chart(pd.DataFrame(notes, columns=["sc", "text"])).transform_filter(pick).mark_text(
        align="left", baseline="top", fontSize=12, fontWeight="bold").encode(
        x=alt.XValue(2), y=alt.YValue(-2), text=alt.Text("text:N"))
    return finish(
        bind(alt.layer(bars, note), [menu]),
        _("Each trick hands the loss to someone else"),
        _("Expected loss by party as the tricks are switched on; pick a preset"),
        _("Interactive stacked bars of each party's expected loss in USD billions at three steps: (1) the "
          "vehicle alone, with a sponsor that honours the lease; (2) chips that may die before the lease ends, "
          "with a sponsor that may walk away from them; (3) the government guarantee as well. A menu picks the "
          "preset; a line of text says who bears most of the loss at the first and the last step."),
        width=PANEL_WIDTH, height=250,
    )


# ------------------------------------------------------------------------------------------------ money flows
def extended_flow_chart(result: WhoPays, *, title: str | None = None) -> alt.LayerChart:
    """Chapter 1's money-flow diagram of the whole deal, with the chips' lost value and the guarantee
    (:func:`~gpu_finance.scenario_flows`), drawn by :func:`~gpu_finance.viz.flows.flow_chart`.

    ``title`` states the finding a page draws from the diagram (the landing page points at the
    vehicle's loan); by default, the value the chips lose against the rent that pays for them.
    """
    flows = scenario_flows(result)
    labels = {**NODE_LABELS, "obsolescence": N_("Lost to\nobsolescence"), "taxpayers": N_("Taxpayers")}
    colors = {**NODE_COLORS, "obsolescence": OKABE_ITO["reddish_purple"]}
    lost = flows.loc[flows["kind"] == "depreciation", "amount_usd"].sum()
    backed = flows.loc[(flows["from_party"] == "taxpayers"), "amount_usd"].sum()
    subtitle = (_("Whole deal, nominal; arrows ∝ amount; the guarantee's payment is its expected value")
                if backed > 0 else _("Whole deal, nominal; arrows ∝ amount; no guarantee in this scenario"))
    joiner = "" if is_chinese() else " "

    def box(key: str, names) -> str:
        return _(names.get(key, labels.get(key, key))).replace(chr(10), joiner)

    return flow_chart(
        flows, layout=EXTENDED_LAYOUT, labels=labels, colors=colors, width=440, height=360,
        title=alt.TitleParams(
            _(title) if title else _("The chips lose {lost} of value while {rent} of rent pays for them").format(
                lost=estimate_usd(lost, 3),
                rent=usd(float(flows.loc[flows['from_party'] == 'sponsor', 'amount_usd'].sum()))),
            subtitle=subtitle,
        ),
        description=_("Money-flow diagram of the scenario '{name}' over the whole deal: {flows}.").format(
            name=shown_name(result.scenario.name), flows=_("; ").join(
                _("{payer} to {payee}: {amount} ({what})").format(
                    payer=box(a, NODE_LABELS), payee=box(b, labels), amount=estimate_usd(v, 3),
                    what=translate_joined(w))
                for a, b, v, w in zip(flows["from_party"], flows["to_party"], flows["amount_usd"], flows["what"]))),
    )


# ------------------------------------------------------------------------------------------------ dashboard
def _dashboard_controls(keys: list[str], chosen: Mapping[str, Scenario]) -> list[Control]:
    return [
        Dropdown("p", _("Start from the preset"), tuple((shown_name(chosen[k].name), i) for i, k in enumerate(keys)), 0),
        Dropdown("l", _("Economic life of the chips"), ((_("As in the preset"), 0),) + tuple(
            (_("{count} years").format(count=n), n) for n in range(2, 8)), 0),
        Dropdown("w", _("If the chips die first, the sponsor"), ((_("As in the preset"), -1.0), (_("Keeps paying"), 0.0),
                                                                 (_("Walks away half the time"), 0.5),
                                                                 (_("Walks away"), 1.0)), -1.0),
        Dropdown("c", _("Government guarantee"), ((_("As in the preset"), -1.0), (_("None"), 0.0),
                                                  (_("{share} of the debt").format(share="40%"), 0.4),
                                                  (_("{share} of the debt").format(share="80%"), 0.8)), -1.0),
    ]


def _dashboard_row(result: WhoPays) -> dict:
    parties = result.parties
    text = _("Expected loss {mean} · a loss in {share} of futures · worst {tail}: {tail_loss}").format(
        mean=estimate_usd(result.expected_loss_usd, 3), share=percent(result.loss_probability, 0),
        tail=percent(result.tail, 0), tail_loss=estimate_usd(result.tail_loss_usd, 3))
    return {"k": list(range(len(parties))), "e": billions(parties["expected_loss_usd"], 3).tolist(),
            "t": billions(parties["tail_loss_usd"], 3).tolist(), "g": billions(parties["earned_usd"], 3).tolist(),
            "text": text}


def _loss_bar_encoding(measures: list[str], *, label_limit: int) -> dict:
    """Stacked bars of each party's loss (rows ``measure``, ``k``, ``party``, ``y`` in USD billions),
    one bar per measure: the encoding the dashboard and the panel's "who pays" bars share."""
    return dict(
        y=alt.Y("measure:N", title=None, sort=measures, axis=alt.Axis(labelLimit=label_limit)),
        x=alt.X("sum(y):Q", title=_("Loss (USD billions)")),
        color=alt.Color("party:N", title=_("Who bears it"), scale=party_scale(),
                        legend=alt.Legend(orient="bottom", columns=2)),
        order=alt.Order("k:Q"),
        tooltip=[alt.Tooltip("measure:N", title=_("Measure")), alt.Tooltip("party:N", title=_("Party")),
                 alt.Tooltip("y:Q", title=_("USD billions"), format=".2f")],
    )


def dashboard_explorer(presets: Mapping[str, Scenario] | None = None, *, n_paths: int = GRID_PATHS,
                       seed: int | None = None) -> alt.VConcatChart:
    """Kernel-free dashboard: a menu picks the preset and three menus override the assumptions that
    decide who pays (the chips' economic life, what the sponsor does when they die, the guarantee).
    Shows the expected loss and the loss in the worst 5% of futures by party, and a table with what
    each party earned on the way ("Earned"). Each grid point simulates ``n_paths`` seeded futures
    (``seed`` defaults to :func:`~gpu_finance.who_pays`' own)."""
    n_paths, seed = _paths_and_seed(n_paths, seed)
    chosen = dict(scenario_model.PRESETS if presets is None else presets)
    keys = list(chosen)
    controls = _dashboard_controls(keys, chosen)
    cache: dict[tuple, dict] = {}
    rows = []
    for p, key in enumerate(keys):
        base = chosen[key]
        for life in controls[1].values():
            for walk in controls[2].values():
                for cover in controls[3].values():
                    actual = (key, life or base.economic_life_years,
                              base.walk_away_probability if walk < 0 else walk,
                              base.coverage if cover < 0 else cover)
                    if actual not in cache:
                        scenario = base.replace(economic_life_years=actual[1], walk_away_probability=actual[2],
                                                coverage=actual[3])
                        cache[actual] = _dashboard_row(who_pays(scenario, n_paths=n_paths, seed=seed))
                    rows.append({"p": p, "l": life, "w": walk, "c": cover, **cache[actual]})
    data = pd.DataFrame(rows)
    pick = selected(controls)
    picked = alt.Chart(data).transform_filter(pick)
    flat = picked.transform_flatten(["k", "e", "t", "g"]).transform_calculate(
        party=f"{json.dumps(_party_names())}[datum.k]", short=f"{json.dumps([_short(k) for k in _PARTY_KEYS])}[datum.k]")
    width = 420
    note = picked.mark_text(align="left", baseline="middle", fontSize=12, fontWeight="bold", limit=width + 30).encode(
        x=alt.XValue(0), y=alt.YValue(9), text=alt.Text("text:N")).properties(width=width, height=18)
    measures = [_("On average"), _("Worst {share} of futures").format(share="5%")]
    bars = bind(flat.transform_fold(["e", "t"], as_=["m", "y"]).transform_calculate(
        measure=f"datum.m == 'e' ? '{measures[0]}' : '{measures[1]}'",
    ).mark_bar().encode(**_loss_bar_encoding(measures, label_limit=150)), controls).properties(width=width, height=90)
    header = pd.DataFrame({"col": [_("Party"), _("Expected loss"), _("Worst {share}").format(share="5%"), _("Earned")],
                           "x": [0, 215, 305, 420], "align": ["left", "right", "right", "right"]})
    heads = [alt.Chart(header[header["align"] == a]).mark_text(align=a, baseline="middle", fontWeight="bold",
                                                               fontSize=12).encode(
        x=alt.X("x:Q", scale=alt.Scale(domain=[0, width], range=[0, width]), axis=None), y=alt.YValue(8), text=alt.Text("col:N"))
        for a in ("left", "right")]
    if is_chinese():  # 億美元, not a dollar sign
        cells = flat.transform_calculate(**{name: vega_text("{v}", v=vega_money(f"datum.{field}"))
                                            for name, field in (("ev", "e"), ("tv", "t"), ("gv", "g"))})
    else:
        cells = flat.transform_calculate(
            ev="format(datum.e, '$.2f') + 'B'", tv="format(datum.t, '$.2f') + 'B'", gv="format(datum.g, '$.2f') + 'B'")
    row_y = alt.Y("k:O", axis=None, scale=alt.Scale(paddingOuter=0.2))
    columns = [cells.mark_text(align="left", baseline="middle", fontSize=12).encode(x=alt.XValue(0), y=row_y,
                                                                                      text=alt.Text("short:N"))]
    for field_name, x in (("ev", 215), ("tv", 305), ("gv", 420)):
        columns.append(cells.mark_text(align="right", baseline="middle", fontSize=12).encode(
            x=alt.XValue(x), y=row_y, text=alt.Text(f"{field_name}:N")))
    table_view = alt.vconcat(alt.layer(*heads).properties(width=width, height=16),
                             alt.layer(*columns).properties(width=width, height=110), spacing=0)
    return finish(
        alt.vconcat(note, bars, table_view, spacing=8),
        _("Change the chips, the sponsor and the backstop: the loss changes hands"),
        _("Who pays, by party; each setting simulates {paths} seeded futures").format(paths=f"{n_paths:,}"),
        _("Interactive dashboard. Menus pick one of the four scenarios and override three assumptions: the "
          "chips' economic life (2 to 7 years), what the sponsor does when the chips die before the lease "
          "ends (keeps paying, walks away half the time, or walks away), and the government guarantee (none, "
          "40% or 80% of the debt). A line of text gives the expected loss, the share of futures with a loss "
          "and the average loss in the worst 5% of futures; two stacked bars split the expected loss and the "
          "worst-5% loss by party (sponsor, outside equity, chip vendor, lenders, taxpayers); a table lists "
          "each party's expected loss, its loss in the worst 5% and what it earned on the way (Earned)."),
    )


# ------------------------------------------------------------------------------------------------ live panel
def _single_bars(result: WhoPays) -> alt.Chart:
    """Two stacked bars for one scenario: the expected loss and the worst futures, by party."""
    measures = [_("On average"), _("Worst {share} of futures").format(share=percent(result.tail, 0))]
    rows = []
    unit = money_divisor()
    for k, party in enumerate(result.parties["party"]):
        row = result.parties.iloc[k]
        rows += [(measures[0], k, _(PARTIES[party]), float(row["expected_loss_usd"]) / unit),
                 (measures[1], k, _(PARTIES[party]), float(row["tail_loss_usd"]) / unit)]
    frame = pd.DataFrame(rows, columns=["measure", "k", "party", "y"])
    top = result.parties.sort_values("expected_loss_usd").iloc[-1]
    finding = (_("Nobody expects to lose anything") if result.expected_loss_usd <= 0 else
               _("{bears} {share} of an expected {mean}").format(
                   bears=_bears(top['party']), share=percent(top['share_of_loss'], 0),
                   mean=estimate_usd(result.expected_loss_usd, 3)))
    name = shown_name(result.scenario.name)
    return finish(
        alt.Chart(frame).mark_bar().encode(**_loss_bar_encoding(measures, label_limit=160)),
        finding,
        _("{name}; {paths} simulated futures").format(name=name, paths=f"{result.n_paths:,}"),
        _("Two stacked bars for the scenario '{name}': the expected loss of {mean} and the average loss in the worst "
          "{share} of futures, {tail}, each split by party: {parties}.").format(
            name=name, mean=estimate_usd(result.expected_loss_usd, 3), share=percent(result.tail, 0),
            tail=estimate_usd(result.tail_loss_usd, 3), parties=_("; ").join(
                _("{party} {mean} and {tail}").format(party=_short(p, lower=True), mean=estimate_usd(e, 3),
                                                      tail=estimate_usd(t, 3))
                for p, e, t in zip(result.parties["party"], result.parties["expected_loss_usd"],
                                   result.parties["tail_loss_usd"]))),
        width=PANEL_WIDTH, height=90,
    )


def _panel_controls(start: Scenario) -> list[Control]:
    """The panel's controls, at the values of the scenario ``start``. Each slider that sets a field of
    the model carries the field's range (``valid=``), and its ends equal to the model's come from it."""
    deal = start.deal
    fraction, rate, term = FRACTION.low, RATE.low, TERM_YEARS.low

    def share(name, label, high, step, value, valid=FRACTION):
        return Slider(name, label, fraction, high, step, snap(value, fraction, high, step), scale=100, valid=valid)

    def whole(name, label, value):
        return Slider(name, label, term, 10, 1, min(value, 10), valid=TERM_YEARS)

    return [
        Dropdown("preset", _("Preset"), tuple((_(label), key) for key, label in PRESET_LABELS.items()), "as_told"),
        Slider("cost_bn", _("Cost of the GPUs (USD billions)"), 0.5, 40.0, 0.1,
               snap(deal.total_cost_usd / BN, 0.5, 40, 0.1), scale=money_factor()),
        Slider("debt_share", _("Debt share of the cost (%)"), fraction, 0.95, 0.001,
               snap(deal.debt_share, fraction, 0.95, 0.001), scale=100, valid=FRACTION),
        share("vendor_share", _("Chip vendor's share of the equity (%)"), FRACTION.high, 0.01, deal.vendor_share_of_equity),
        Slider("debt_rate", _("Interest rate on the debt (%)"), rate, 0.25, 0.005, snap(deal.debt_rate, rate, 0.25, 0.005),
               scale=100, valid=RATE),
        whole("debt_term_years", _("Debt term (years)"), deal.debt_term_years),
        whole("lease_term_years", _("Lease term (years)"), deal.lease_term_years),
        Slider("target_equity_return", _("Equity's target return (%)"), rate, 0.40, 0.01,
               snap(start.target_equity_return, rate, 0.4, 0.01), scale=100, valid=RATE),
        share("residual_value_fraction", _("Residual value at the end of the lease (% of cost)"), 0.8, 0.05,
              start.residual_value_fraction),
        Dropdown("residual_value_guarantee", _("Sponsor guarantees the residual value"),
                 ((_("No"), False), (_("Yes"), True)), start.residual_value_guarantee),
        Slider("vendor_gross_margin", _("Chip vendor's gross margin (%)"), 0.0, 0.95, 0.05,
               snap(start.vendor_gross_margin, 0, 0.95, 0.05), scale=100, valid=MARGIN),
        whole("accounting_life_years", _("Accounting life (years)"), start.accounting_life_years),
        whole("economic_life_years", _("Economic life (years)"), start.economic_life_years),
        Slider("annual_decline", _("Yearly fall in market value (%)"), ANNUAL_DECLINE.low, ANNUAL_DECLINE.high, 0.001,
               snap(start.annual_decline, ANNUAL_DECLINE.low, ANNUAL_DECLINE.high, 0.001), scale=100,
               valid=ANNUAL_DECLINE),
        Slider("volatility", _("Volatility of the GPUs' value (% a year)"), 0.05, 1.0, 0.05,
               snap(start.volatility, 0.05, 1.0, 0.05), scale=100, valid=VOLATILITY),
        share("liquidation_cost_fraction", _("Lost in a forced sale (%)"), 0.5, 0.05, start.liquidation_cost_fraction),
        share("sponsor_default_rate", _("Chance the sponsor stops paying, each year (%)"), 0.3, 0.01,
              start.sponsor_default_rate),
        share("walk_away_probability", _("Chance it walks away from dead chips (%)"), FRACTION.high, 0.05,
              start.walk_away_probability),
        share("coverage", _("Share of the debt guaranteed (%)"), FRACTION.high, 0.05, start.coverage),
        Dropdown("structure", _("How the guarantee shares losses"),
                 tuple((short_name(key, label), key) for key, label in STRUCTURES.items()), start.structure),
        share("guarantee_fee", _("Guarantee fee (% of the guaranteed debt a year)"), 0.1, 0.005, start.guarantee_fee),
        Dropdown("n_paths", _("Simulated futures"), (("2,000", 2_000), ("20,000", 20_000), ("100,000", 100_000)),
                 scenario_model.WHO_PAYS_PATHS),
    ]


def scenario_panel(seed: int | None = None) -> LivePanel:
    """Live panel: pick a preset, then change any field of the scenario. Four tabs, each computed
    only when in view: who pays (on average and in the worst futures, with the table and how the
    futures end), the loss distribution, the path of risk from trick to trick, and the extended
    money-flow diagram.

    Picking a preset moves every control to that preset's values (rounded to the controls' steps;
    while nothing else is moved, the panel shows the preset exactly). The path of risk uses a tenth
    of the paths chosen (at least 2,000), to keep the panel quick. ``seed`` defaults to
    :func:`~gpu_finance.who_pays`' own. Each change simulates the scenario once and hands the result to
    every figure of the tab in view.
    """
    seed = _paths_and_seed(None, seed)[1]
    controls = _panel_controls(scenario_model.PRESETS["as_told"])
    fields = [c for c in controls if c.name not in ("preset", "n_paths")]

    def update(preset, n_paths, **values):
        scenario = _panel_scenario(preset, values, fields)
        result = functools.cache(lambda: who_pays(scenario, n_paths=n_paths, seed=seed))  # shared by the tabs

        def path():
            return [risk_path_chart(risk_path(scenario, n_paths=max(2_000, n_paths // 10), seed=seed), scenario.name)]

        return {
            _("Who pays"): lambda: [_single_bars(result()), result_table(result()), outcomes_table(result())],
            _("The loss distribution"): lambda: [loss_distribution_chart(result())],
            _("The path of risk"): path,
            _("The money flows"): lambda: [extended_flow_chart(result())],
        }

    panel = live_panel(controls, update, title=_("Who pays? Pick a preset, then change any assumption"))
    widgets_by_name = panel.sliders
    loading = [False]

    def on_change(change) -> None:
        if loading[0]:
            return
        if change["owner"] is widgets_by_name["preset"]:
            loading[0] = True
            try:
                for control in fields:
                    widgets_by_name[control.name].value = _shown_value(control, _preset_values(change["new"])[control.name])
            finally:
                loading[0] = False
        panel.refresh()

    for widget in widgets_by_name.values():
        widget.unobserve(panel.refresh, names="value")
        widget.observe(on_change, names="value")
    return panel

