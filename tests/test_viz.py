"""Charts and panels: the offline renderer, controls defined once for both kinds of figure, and the
prologue's figures drawn from the model."""

from __future__ import annotations

import json
import re

import altair as alt
import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest

from gpu_finance import COLOSSUS_2, capital_structure
from gpu_finance._validation import FRACTION, RATE, TERM_YEARS
from gpu_finance.viz import Dropdown, Slider, grid, selected
from gpu_finance.viz import deal as figures
from gpu_finance.viz import render


pytestmark = pytest.mark.usefixtures("book_renderer")  # tests/conftest.py


def _chart(title="A finding", description="A description"):
    data = pd.DataFrame({"x": [1, 2], "y": [3, 4]})
    chart = alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q")
    if title:
        chart = chart.properties(title=title)
    if description:
        chart = chart.properties(description=description)
    return chart


def _spec_from_html(text: str) -> dict:
    match = re.search(r"var spec = (\{.*?\});\n", text, flags=re.S)
    assert match, "no spec in the chart's HTML"
    return json.loads(match.group(1).replace("<\\/", "</"))


# --------------------------------------------------------------------------- the renderer
def test_site_mode_references_the_bundle_and_loads_nothing_from_a_cdn(monkeypatch):
    monkeypatch.setenv(render.SITE_ENV_VAR, "1")
    bundle = _chart()._repr_mimebundle_()
    html = bundle["text/html"] if isinstance(bundle, dict) else bundle[0]["text/html"]
    assert 'class="sbs-chart"' in html
    assert "window.sbsCharts.add" in html and "window.vegaEmbed" not in html
    assert len(html) < 20_000, "site mode must not inline the Vega bundle or the charts' script"
    # drawn lazily, in a reserved height: the line chart's 280 px view, a title and an x axis
    assert re.search(r"var args = \[id, spec, opts, true, vega\]", html)
    assert 'style="min-height: 345px"' in html
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs", "https://"):
        assert cdn not in html.replace("https://vega.github.io/schema", ""), cdn


def test_site_mode_carries_the_vega_spec_that_vl_convert_compiles_without_the_rows_twice(monkeypatch):
    import vl_convert

    monkeypatch.setenv(render.SITE_ENV_VAR, "1")
    slider = Slider("x", "X", 0.0, 1.0, 0.5, 0.5)
    html = render.render_spec(_chart().add_params(slider.param()).to_dict())["text/html"]
    spec = _spec_from_html(html)
    vega = json.loads(re.search(r"var vega = (\{.*?\});\n", html, flags=re.S).group(1).replace("<\\/", "</"))
    (name, rows), = spec["datasets"].items()
    assert rows == [{"x": 1, "y": 3}, {"x": 2, "y": 4}]
    assert [e for e in vega["data"] if e["name"] == name] == [{"name": name}], "the rows are on the page once"
    # what charts.js puts back (withRows): the named datasets' rows and the description
    restored = dict(vega, description=spec["description"],
                    data=[dict(e, values=spec["datasets"][e["name"]]) if e["name"] in spec["datasets"] else e
                          for e in vega["data"]])
    compiled = vl_convert.vegalite_to_vega(spec)
    compiled.pop("$schema")
    assert restored == compiled
    assert [s["name"] for s in vega["signals"] if "bind" in s] == ["x"]  # the slider survives compilation


def test_notebook_mode_carries_no_compiled_spec(monkeypatch):
    monkeypatch.delenv(render.SITE_ENV_VAR, raising=False)
    render.render_spec(_chart().to_dict())
    html = render.render_spec(_chart().to_dict())["text/html"]
    assert "var vega" not in html and re.search(r"var args = \[id, spec, opts, false\]", html)


@pytest.mark.parametrize("title, expected", [
    ("Short and to the point", "Short and to the point"),
    ({"text": "A finding " * 12, "subtitle": "a note"}, {"text": ["A finding " * 7 + "A", "finding " + "A finding " * 3 + "A finding"], "subtitle": "a note"}),
    ({"text": "x", "subtitle": "twelve px " * 14}, {"text": "x", "subtitle": ["twelve px " * 9 + "twelve", "px " + "twelve px " * 3 + "twelve px"]}),
])
def test_titles_longer_than_the_column_wrap_onto_lines(title, expected):
    """680 px hold 78 characters of a 15 px title and 97 of a 12 px subtitle (0.58 em a character)."""
    assert render.wrapped_titles({"title": title, "config": {}})["title"] == expected


def test_a_chart_is_described_for_screen_readers_and_speaks_only_if_it_has_controls(monkeypatch):
    monkeypatch.delenv(render.SITE_ENV_VAR, raising=False)
    render.render_spec(_chart().to_dict())  # the first chart of a kernel carries the scripts
    html = render.render_spec(_chart(description="Two points <rising>").to_dict())["text/html"]
    chart_id = re.search(r'<div id="([^"]+)" class="sbs-chart"', html).group(1)
    assert f'aria-describedby="{chart_id}-desc"' in html
    assert f'<p id="{chart_id}-desc" class="sbs-chart-description" hidden>Two points &lt;rising&gt;</p>' in html
    assert 'aria-live' not in html and "min-height" not in html  # no controls; notebooks draw at once
    slider = Slider("x", "X", 0.0, 1.0, 0.5, 0.5)
    bound = _chart().add_params(slider.param())
    html = render.render_spec(bound.to_dict())["text/html"]
    chart_id = re.search(r'<div id="([^"]+)" class="sbs-chart"', html).group(1)
    assert f'<p id="{chart_id}-live" class="sbs-chart-live" aria-live="polite"></p>' in html


X = {"encoding": {"x": {"field": "year", "type": "quantitative"}}}  # a view that draws an x axis


@pytest.mark.parametrize("spec, expected", [
    # one view: its height, one title line (21 + 6), the x axis (38)
    ({"title": "T", "height": 200, **X}, 200 + 21 + 6 + 38),
    # a line of text (no x axis) over a view, 5 px apart as the spec says
    ({"title": "T", "vconcat": [{"height": 18, "encoding": {"x": {"value": 0}}}, {"height": 90, **X}], "spacing": 5},
     21 + 6 + 18 + 5 + 90 + 38),
    # a title and subtitle over two stacked views of 100 and 150, 20 apart, each with an x axis
    ({"title": {"text": ["A", "B"], "subtitle": "S"}, "vconcat": [{"height": 100, **X}, {"height": 150, **X}]},
     2 * 21 + 16 + 6 + (100 + 38) + 20 + (150 + 38)),
    # side by side: the taller view; two bound controls (34 each) and their margin (12)
    ({"title": "T", "hconcat": [{"height": 100, **X}, {"height": 150, **X}],
      "params": [{"name": "a", "bind": {}}, {"name": "b", "bind": {}}, {"name": "c"}]},
     21 + 6 + 150 + 38 + 2 * 34 + 12),
    # a layer takes its layers' height; with none given, the theme's default view height
    ({"title": "T", "layer": [{"height": 90, **X}, {}]}, 21 + 6 + 90 + 38),
    ({"title": "T", "config": {"view": {"continuousHeight": 250}}, **X}, 21 + 6 + 250 + 38),
    # an axis switched off is not counted
    ({"title": "T", "height": 60, "encoding": {"x": {"field": "a", "type": "quantitative", "axis": None}}}, 21 + 6 + 60),
    # a height per category: 28 px for each of the 3 distinct y values in the named data set
    ({"title": "T", "height": {"step": 28}, "data": {"name": "d"},
      "datasets": {"d": [{"k": "a"}, {"k": "b"}, {"k": "a"}, {"k": "c"}]},
      "layer": [{"mark": "bar", "encoding": {"y": {"field": "k", "type": "nominal"}, **X["encoding"]}},
                {"mark": "text"}]},
     21 + 6 + 3 * 28 + 38),
    # two legends placed below the view (45 each); one on the right and one switched off add nothing
    ({"title": "T", "height": 100, "layer": [
        {"encoding": {"color": {"field": "a", "type": "nominal", "legend": {"orient": "bottom"}},
                      "shape": {"field": "b", "type": "nominal", "legend": {"orient": "bottom"}}, **X["encoding"]}},
        {"encoding": {"color": {"field": "a", "type": "nominal", "legend": {"orient": "bottom"}},
                      "strokeDash": {"field": "c", "type": "nominal", "legend": None},
                      "fill": {"field": "d", "type": "nominal"}}}]},
     21 + 6 + 100 + 38 + 2 * 45),
])
def test_estimated_height_adds_up_views_titles_axes_and_controls(spec, expected):
    assert render.estimated_height(spec) == expected


def test_the_charts_script_carries_the_dark_theme_and_is_safe_inline():
    from gpu_finance.viz.theme import DARK_VARIANT, INK

    text = render.runtime_script()
    assert "__DARK_VARIANT__" not in text and "__CHARACTER_EM__" not in text and "</script" not in text.lower()
    dark = json.loads(re.search(r"var DARK = (\{.*?\});", text).group(1))
    assert dark[INK.lower()] == DARK_VARIANT[INK] and len(dark) == len(DARK_VARIANT)


def test_notebook_mode_inlines_the_bundle_once(monkeypatch):
    monkeypatch.delenv(render.SITE_ENV_VAR, raising=False)
    first = render.render_spec(_chart().to_dict())["text/html"]
    second = render.render_spec(_chart().to_dict())["text/html"]
    assert first.startswith("<script>(function () {") and "window.vegaEmbed" in first
    assert "window.sbsCharts = {" in first and "window.sbsCharts = {" not in second
    assert len(first) > 500_000 and len(second) < 20_000


def test_chart_ids_are_stable_for_the_same_spec_and_order():
    spec = _chart().to_dict()
    ids = [re.search(r'id="(sbs-chart-\d+-[0-9a-f]{10})"', render.render_spec(spec)["text/html"]).group(1)
           for _ in range(2)]
    assert ids[0] != ids[1]  # two displays of one chart never share an id
    assert ids[0].split("-")[-1] == ids[1].split("-")[-1]  # the hash part depends only on the spec


def test_spec_survives_the_trip_through_html():
    chart = _chart(title="Quotes </script> and 'apostrophes'")
    html = render.render_spec(chart.to_dict())["text/html"]
    assert "</script> and" not in html.split("var spec = ")[1].split(";\n")[0]
    assert _spec_from_html(html)["title"] == "Quotes </script> and 'apostrophes'"


@pytest.mark.parametrize("title, description, message", [
    (None, "d", "title"),
    ("t", None, "description"),
])
def test_a_chart_needs_a_title_and_a_description(title, description, message):
    chart = _chart(title=title, description=description)
    with pytest.raises(ValueError, match=message):
        render.render_spec(chart.to_dict())


def test_the_bundle_defines_vega_embed_and_fetches_nothing_itself():
    text = render.javascript_bundle()
    assert "window.vegaEmbed" in text
    assert "</script" not in text.lower()
    assert text.startswith("(function () {") and text.rstrip().endswith("})();")


# --------------------------------------------------------------------------- controls
def test_slider_values_cover_the_range_on_the_step():
    slider = Slider("debt_share", "Debt share (%)", 0.0, 0.9, 0.025, 0.625, scale=100)
    values = slider.values()
    assert values[0] == 0.0 and values[-1] == 0.9 and len(values) == 37
    assert 0.625 in values


def test_slider_default_must_be_on_the_grid():
    with pytest.raises(ValueError, match=r"x.default=0.33 is not on the grid"):
        Slider("x", "X", 0.0, 1.0, 0.1, 0.33)


def test_widget_and_bound_parameter_offer_the_same_range():
    slider = Slider("debt_rate", "Rate (%)", 0.0, 0.2, 0.005, 0.095, scale=100)
    widget = slider.widget()
    param = alt.Chart(pd.DataFrame({"a": [1]})).mark_point().add_params(slider.param()).to_dict()["params"][0]
    assert (widget.min, widget.max, widget.step, widget.value) == pytest.approx(
        (param["bind"]["min"], param["bind"]["max"], param["bind"]["step"], param["value"]))
    assert slider.from_widget(widget.value) == 0.095
    # the parameter is the slider's: its name (what the filters test), a range input, in displayed units
    assert param["name"] == "debt_rate" and param["bind"]["input"] == "range"
    assert (param["bind"]["min"], param["bind"]["max"], param["value"]) == pytest.approx((0.0, 20.0, 9.5))
    assert slider.test_expression() == "abs(datum['debt_rate'] * 100 - debt_rate) < 0.25"


def test_a_slider_offers_only_what_the_model_accepts():
    assert Slider("debt_term_years", "Term", TERM_YEARS.low, TERM_YEARS.high, 1, 5, valid=TERM_YEARS).maximum == 15
    with pytest.raises(ValueError, match=r"debt_rate.maximum=1.0 is outside the model's range \[0, 1\)"):
        Slider("debt_rate", "Rate (%)", 0.0, 1.0, 0.05, 0.1, scale=100, valid=RATE)
    with pytest.raises(ValueError, match=r"share.minimum=-0.1 is outside the model's range \[0, 1\]"):
        Slider("share", "Share (%)", -0.1, 0.5, 0.1, 0.0, scale=100, valid=FRACTION)
    with pytest.raises(ValueError, match=r"years.maximum=16 is outside the model's range \[1, 15\]"):
        Slider("years", "Years", 1, 16, 1, 5, valid=TERM_YEARS)


def test_every_panel_slider_that_sets_a_model_parameter_carries_its_range():
    from gpu_finance.viz import scenario, spv

    # Sliders in other units than the model's (billions) are left out.
    unranged = {"cost_bn", "pre_money_bn", "vendor_equity_bn"}
    panels = {"deal": figures.deal_panel(COLOSSUS_2), "spv": spv.spv_panel(COLOSSUS_2),
              "scenario": scenario.scenario_panel()}
    for panel_name, panel in panels.items():
        sliders = [c for c in panel.controls if isinstance(c, Slider) and c.name not in unranged]
        assert sliders, panel_name
        for control in sliders:
            assert control.valid is not None, (panel_name, control.name)
            assert control.valid.contains(control.minimum) and control.valid.contains(control.maximum)


def test_whole_number_slider_is_an_int_slider():
    widget = Slider("debt_term_years", "Term (years)", 1, 15, 1, 5).widget()
    assert isinstance(widget, widgets.IntSlider) and (widget.min, widget.max) == (1, 15)


def test_dropdown_default_must_be_an_option():
    with pytest.raises(ValueError, match="method.default='x'"):
        Dropdown("method", "Method", (("Straight line", "straight_line"),), "x")


def test_grid_evaluates_every_combination():
    a = Slider("a", "A", 0, 2, 1, 0)
    b = Dropdown("b", "B", (("one", 1), ("two", 2)), 1)
    frame = grid(lambda a, b: pd.DataFrame({"product": [a * b]}), [a, b])
    assert len(frame) == 6
    assert sorted(frame["product"]) == [0, 0, 1, 2, 2, 4]
    assert selected([a, b]) == "abs(datum['a'] * 1.0 - a) < 0.5 && datum['b'] == b"


# --------------------------------------------------------------------------- prologue figures
def test_explorer_holds_every_slider_position_and_each_adds_up():
    spec = figures.capital_structure_explorer(COLOSSUS_2).to_dict()
    rows = pd.DataFrame(next(iter(spec["datasets"].values())))
    slider = figures.debt_share_slider(COLOSSUS_2)
    assert sorted(rows["debt_share"].unique()) == pytest.approx(list(slider.values()))
    assert slider.maximum == pytest.approx(0.9)  # the vendor's $2B must fit inside the equity
    totals = rows.groupby("debt_share")["amount_usd"].sum()
    np.testing.assert_allclose(totals, COLOSSUS_2.total_cost_usd)
    at_default = rows[np.isclose(rows["debt_share"], COLOSSUS_2.debt_share)].set_index("party")
    expected = capital_structure(COLOSSUS_2).set_index("party")
    np.testing.assert_allclose(at_default.loc[expected.index, "amount_usd"], expected["amount_usd"])
    assert spec["params"][0]["bind"]["input"] == "range"


@pytest.mark.parametrize("make", [
    lambda: figures.capital_structure_chart(COLOSSUS_2),
    lambda: figures.capital_structure_explorer(COLOSSUS_2),
    lambda: figures.debt_service_chart(COLOSSUS_2),
    lambda: figures.financing_events_chart(__import__("gpu_finance").financing_events()),
])
def test_prologue_charts_have_title_description_and_axis_units(make):
    spec = make().to_dict()
    assert spec.get("title") and spec.get("description")
    text = json.dumps(spec)
    assert "USD billions" in text  # money axes say their unit
    render.render_spec(spec)  # passes the renderer's own accessibility checks


def _first_title(panel) -> str:
    title = panel.shown[0].to_dict()["title"]
    return title["text"] if isinstance(title, dict) else title


def test_live_panel_recomputes_when_a_slider_moves():
    panel = figures.deal_panel(COLOSSUS_2)
    assert _first_title(panel) == "62.5% of the $20B is borrowed"
    panel.sliders["debt_share"].value = 50.0  # the widget shows percent
    assert _first_title(panel) == "50% of the $20B is borrowed"
    panel.sliders["debt_rate"].value = 12.5
    schedule_chart = panel.shown[2].to_dict()
    assert "12.5%" in schedule_chart["description"]


@pytest.mark.parametrize("debt_end, vendor_end", [("min", "min"), ("min", "max"), ("max", "min"), ("max", "max")])
def test_every_corner_of_the_live_panel_is_a_valid_deal(debt_end, vendor_end):
    panel = figures.deal_panel(COLOSSUS_2)
    debt, vendor = panel.sliders["debt_share"], panel.sliders["vendor_equity_bn"]
    debt.value, vendor.value = getattr(debt, debt_end), getattr(vendor, vendor_end)
    assert panel.message == "" and len(panel.shown) == 3


def test_live_panel_solves_the_deal_once_per_update(monkeypatch, count_model_calls):
    panel = figures.deal_panel(COLOSSUS_2)
    counts = count_model_calls(["capital_structure", "debt_schedule"])
    panel.sliders["debt_rate"].value = 12.5
    assert counts == {"capital_structure": 1, "debt_schedule": 1}
    assert len(panel.shown) == 3  # the bar, the table and the schedule: all three from those two solves


def test_live_panel_reports_model_errors_instead_of_raising():
    def update(x):
        raise ValueError("x=3 is outside [0, 2]")

    from gpu_finance.viz import live_panel

    panel = live_panel([Slider("x", "X", 0, 3, 1, 3)], update)
    assert panel.message == "Not a valid combination: x=3 is outside [0, 2]" and panel.shown == []


def _slow_encodings(source: str) -> list[str]:
    """Encodings written as shorthand strings, ``alt.value(...)`` or ``alt.condition(...)``: Altair turns
    each into a channel object by searching its whole schema (about 3 ms each), which made the live
    panels miss their 50 ms budget. Channel objects (``alt.X("year:Q")``, ``alt.XValue(0)``) skip it."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "encode"):
            continue
        for keyword in node.keywords:
            values = keyword.value.elts if isinstance(keyword.value, (ast.List, ast.Tuple)) else [keyword.value]
            for value in values:
                slow = (isinstance(value, (ast.Constant, ast.JoinedStr))
                        or (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                            and value.func.attr in ("value", "condition")))
                if slow:
                    found.append(f"line {node.lineno}: {keyword.arg}={ast.unparse(value)}")
    return found


def test_the_guard_for_slow_encodings_can_fail():
    assert _slow_encodings('alt.Chart(d).encode(x="a:Q", y=alt.value(2), color=alt.condition("t", a, b))') == [
        "line 1: x='a:Q'", "line 1: y=alt.value(2)", "line 1: color=alt.condition('t', a, b)"]
    assert _slow_encodings('alt.Chart(d).encode(x=alt.X("a:Q"), y=alt.YValue(2))') == []


def test_charts_use_channel_objects_not_shorthand():
    from pathlib import Path

    import gpu_finance.viz

    folder = Path(gpu_finance.viz.__file__).parent
    found = {path.name: _slow_encodings(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.py"))}
    assert not {name: lines for name, lines in found.items() if lines}
