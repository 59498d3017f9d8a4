"""The closing chapter's figures: drawn from the model, accessible, small enough for the page; the
kernel-free dashboard holds every position of its controls, each the model's own result; the live
panel recomputes, loads presets and is valid at every corner."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from gpu_finance import PRESET_LABELS, PRESETS, compare_presets, risk_path, usd, who_pays
from gpu_finance.viz import render
from gpu_finance.viz import scenario as figures


STORY = PRESETS["as_told"]


pytestmark = pytest.mark.usefixtures("book_renderer")  # tests/conftest.py


@pytest.fixture(scope="module")
def results():
    return compare_presets(n_paths=3_000)


@pytest.fixture(scope="module")
def dashboard():
    return figures.dashboard_explorer().to_dict()


def _datasets(spec: dict) -> list[pd.DataFrame]:
    return [pd.DataFrame(rows) for rows in spec.get("datasets", {}).values()]


CHARTS = {
    "who_pays": lambda r: figures.who_pays_chart(r),
    "distribution": lambda r: figures.loss_distribution_chart(r["as_told"]),
    "risk_path": lambda r: figures.risk_path_chart(risk_path(STORY, n_paths=2_000), STORY.name),
    "risk_path_explorer": lambda r: figures.risk_path_explorer(n_paths=2_000),
    "flows_story": lambda r: figures.extended_flow_chart(r["as_told"]),
    "flows_closed": lambda r: figures.extended_flow_chart(r["what_closed"]),
}


@pytest.mark.parametrize("name", CHARTS)
def test_charts_have_title_description_units_and_stay_small(name, results):
    chart = CHARTS[name](results)
    spec = chart.to_dict()
    assert spec.get("title") and spec.get("description")
    render.render_spec(spec)  # the renderer's own accessibility checks
    if not name.startswith("flows"):
        assert "USD billions" in json.dumps(spec)
    assert len(json.dumps(spec)) < 60_000
    assert spec.get("width", 440) <= 460


def test_dashboard_is_accessible_small_and_bound(dashboard):
    render.render_spec(dashboard)
    assert "USD billions" in json.dumps(dashboard)
    assert len(json.dumps(dashboard)) < 250_000
    names = {p["name"] for p in dashboard["params"]}
    assert names == {"p", "l", "w", "c"}


def test_dashboard_holds_every_position_and_each_is_the_model_s(dashboard):
    rows = next(f for f in _datasets(dashboard) if "p" in f.columns)
    assert len(rows) == len(PRESETS) * 7 * 4 * 4
    assert not rows.duplicated(["p", "l", "w", "c"]).any()
    # "as in the scenario" is the scenario's own value ...
    story = rows[rows["p"] == 0].set_index(["l", "w", "c"])
    as_is = story.loc[(0, -1.0, -1.0)]
    explicit = story.loc[(STORY.economic_life_years, STORY.walk_away_probability, STORY.coverage)]
    assert as_is["e"] == explicit["e"] and as_is["text"] == explicit["text"]
    # ... and every row is who_pays at the grid's paths and seed
    for (life, walk, cover) in [(0, -1.0, -1.0), (6, 0.0, 0.8), (2, 0.5, 0.0)]:
        row = story.loc[(life, walk, cover)]
        scenario = STORY.replace(economic_life_years=life or STORY.economic_life_years,
                                 walk_away_probability=STORY.walk_away_probability if walk < 0 else walk,
                                 coverage=STORY.coverage if cover < 0 else cover)
        result = who_pays(scenario, n_paths=figures.GRID_PATHS)
        assert row["e"] == pytest.approx(np.round(result.parties["expected_loss_usd"] / 1e9, 3).tolist())
        assert row["t"] == pytest.approx(np.round(result.parties["tail_loss_usd"] / 1e9, 3).tolist())
        assert row["g"] == pytest.approx(np.round(result.parties["earned_usd"] / 1e9, 3).tolist())
    # no guarantee anywhere means nothing for the taxpayers
    none = rows[rows["c"] == 0.0]
    assert all(e[4] == 0.0 for e in none["e"])


def test_risk_path_explorer_rows_are_the_model_s():
    spec = figures.risk_path_explorer(n_paths=2_000).to_dict()
    frames = _datasets(spec)
    bars = next(f for f in frames if "y" in f.columns)
    notes = next(f for f in frames if "text" in f.columns)
    assert sorted(notes["sc"]) == list(range(len(PRESETS)))
    for index, key in enumerate(PRESETS):
        path = risk_path(PRESETS[key], n_paths=2_000)
        totals = path.groupby("step", sort=False)["expected_loss_usd"].sum().to_numpy() / 1e9
        mine = bars[bars["sc"] == index].groupby("s")["y"].sum().reindex(range(3), fill_value=0.0).to_numpy()
        assert mine == pytest.approx(totals, abs=2e-3)


def test_who_pays_chart_stacks_each_scenario_s_losses(results):
    spec = figures.who_pays_chart(results).to_dict()
    frames = _datasets(spec)
    bars = next(f for f in frames if "party" in f.columns)
    sums = bars.groupby("scenario")["loss_bn"].sum()
    for result in results.values():
        assert sums[result.scenario.name] == pytest.approx(result.expected_loss_usd / 1e9, abs=1e-3)
    assert "run from" in json.dumps(spec["title"])


def test_tables_are_written_for_readers(results):
    html = figures.presets_table().to_html()
    for label in PRESET_LABELS.values():
        assert label in html
    assert "$20B [S]" in html and "$5.4B [C]" in html and "[A]" in html
    sources = figures.sources_table().data
    assert set(sources["Conf."]) <= {"C", "S", "X"} and not sources.duplicated(["Figure", "Value", "Source"]).any()
    assert "Bernstein" in " ".join(sources["Source"]) and "What closed" in " ".join(sources["Used by"])
    table = figures.result_table(results["as_told"]).to_html()
    assert "Taxpayers" in table and "Earned on the way" in table and "worst 5%" in table
    compare = figures.comparison_table(results).to_html()
    assert "Total" in compare and "What closed" in compare
    with pytest.raises(ValueError, match="measure="):
        figures.comparison_table(results, "loss")
    assert "The sponsor walks away from obsolete chips" in figures.outcomes_table(results["as_told"]).to_html()


def test_extended_flows_draw_depreciation_and_the_guarantee(results):
    story = json.dumps(figures.extended_flow_chart(results["as_told"]).to_dict())
    assert "Lost to" in story and "guarantee" in story and "Taxpayers" in story
    closed = json.dumps(figures.extended_flow_chart(results["what_closed"]).to_dict())
    assert "no guarantee in this scenario" in closed


def test_a_page_may_give_the_extended_flows_its_own_finding(results):
    """The landing page titles the same diagram by the loan it points at: only the title changes."""
    default = figures.extended_flow_chart(results["as_told"]).to_dict()
    titled = figures.extended_flow_chart(results["as_told"], title="The vehicle owes the loan").to_dict()
    assert titled["title"]["text"] == "The vehicle owes the loan" != default["title"]["text"]
    assert titled["title"]["subtitle"] == default["title"]["subtitle"]
    assert {k: v for k, v in titled.items() if k != "title"} == {k: v for k, v in default.items() if k != "title"}


def _title(chart) -> str:
    title = chart.to_dict()["title"]
    return title["text"] if isinstance(title, dict) else title


def test_live_panel_recomputes_and_loads_presets():
    panel = figures.scenario_panel()
    panel.sliders["n_paths"].value = 2_000
    assert panel.message == ""
    story = who_pays(STORY, n_paths=2_000)
    assert str(usd(story.expected_loss_usd, 2)) in _title(panel.shown[0])
    panel.sliders["economic_life_years"].value = 6
    assert "edited" in panel.shown[0].to_dict()["title"]["subtitle"]
    # picking a preset moves every control to it, and the panel shows the preset itself
    panel.sliders["preset"].value = "what_closed"
    assert panel.sliders["cost_bn"].value == pytest.approx(5.4)
    assert panel.sliders["economic_life_years"].value == PRESETS["what_closed"].economic_life_years
    closed = who_pays(PRESETS["what_closed"], n_paths=2_000)
    assert panel.shown[0].to_dict()["title"]["subtitle"].startswith("What closed;")
    assert str(usd(closed.expected_loss_usd, 2)) in _title(panel.shown[0])


@pytest.mark.parametrize("tab, count", [("Who pays", 3), ("The loss distribution", 1), ("The path of risk", 1),
                                        ("The money flows", 1)])
def test_live_panel_tabs(tab, count):
    panel = figures.scenario_panel()
    panel.sliders["n_paths"].value = 2_000
    panel.select(tab)
    assert panel.message == "" and len(panel.shown) == count
    # a change redraws the tab in view with the new scenario
    before = [item.to_dict(validate=False) if hasattr(item, "to_dict") else item.to_html() for item in panel.shown]
    panel.sliders["economic_life_years"].value = 6
    after = [item.to_dict(validate=False) if hasattr(item, "to_dict") else item.to_html() for item in panel.shown]
    assert panel.message == "" and len(after) == count and after != before


@pytest.mark.parametrize("corner", ["min", "max"])
def test_every_corner_of_the_live_panel_is_a_valid_scenario(corner):
    panel = figures.scenario_panel()
    panel.sliders["n_paths"].value = 2_000
    for name, widget in panel.sliders.items():
        if hasattr(widget, "min") and name != "n_paths":
            widget.value = getattr(widget, corner)
    assert panel.message == "", panel.message
    assert len(panel.shown) == 3


@pytest.mark.parametrize("tab, solves", [("Who pays", {"who_pays": 1}), ("The loss distribution", {"who_pays": 1}),
                                         ("The money flows", {"who_pays": 1, "scenario_flows": 1})])
def test_live_panel_solves_the_scenario_once_per_update(monkeypatch, tab, solves, count_model_calls):
    panel = figures.scenario_panel()
    panel.sliders["n_paths"].value = 2_000
    panel.select(tab)
    counts = count_model_calls(["who_pays", "scenario_flows"])
    panel.sliders["economic_life_years"].value = 6
    assert panel.message == "" and panel.shown
    assert dict(counts) == solves  # every figure of the tab drew from one simulation
