"""The page "Since the essay": its chart, table and links to the verdicts, drawn from the data."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from gpu_finance import essay_claims, financing_events
from gpu_finance.viz import render
from gpu_finance.viz import timeline as figures
from gpu_finance.viz.ledger import claim_label, ledger_markdown, verdict_list


pytestmark = pytest.mark.usefixtures("book_renderer")  # tests/conftest.py


def _rows(spec: dict) -> list[dict]:
    return next(iter(spec["datasets"].values()))


def test_the_chart_has_one_point_per_event_a_title_and_axes_with_units():
    events = financing_events(None)
    spec = figures.timeline_chart(events).to_dict()
    assert spec["mark"]["type"] == "point"  # a single layer: one mark per row
    assert len(_rows(spec)) == len(events)
    assert sorted(r["event_id"] for r in _rows(spec)) == sorted(events["event_id"])
    title = spec["title"]["text"]
    assert "$13.3B" in title and "October 2025" in title and "August 2026" in title
    assert spec["encoding"]["x"]["type"] == "temporal"
    assert spec["encoding"]["x"]["title"] == "Date (month and year)"
    assert spec["encoding"]["y"]["title"] == "Whose story"
    assert spec["description"].count(";") >= len(events) - 1  # every event is described in words
    render.render_spec(spec)  # passes the renderer's own accessibility checks


def test_the_chart_uses_the_books_palette_and_a_shape_per_confidence_code():
    spec = figures.timeline_chart().to_dict()
    colors = spec["encoding"]["color"]["scale"]["range"]
    assert set(colors) <= set(figures.OKABE_ITO.values())
    assert len(set(colors)) == len(colors)
    shapes = spec["encoding"]["shape"]["scale"]
    assert len(shapes["domain"]) == len(shapes["range"]) == len(set(shapes["range"]))
    assert any(d.startswith("C:") for d in shapes["domain"]) and any(d.startswith("S:") for d in shapes["domain"])


def test_a_subset_of_events_draws_only_those_points_and_its_own_title():
    events = financing_events(("vehicle",))
    spec = figures.timeline_chart(events, title="Only the vehicle").to_dict()
    assert len(_rows(spec)) == len(events)
    assert spec["title"]["text"] == "Only the vehicle"


def test_the_table_has_one_row_per_event_with_its_source_and_confidence():
    events = financing_events(None)
    table = figures.timeline_table(events)
    assert len(table) == len(events)
    assert list(table.columns) == ["date", "who", "event", "amount", "status", "confidence", "source", "url"]
    assert table["url"].str.startswith("http").all()
    assert table.loc[table["date"] == "4 August 2026", "status"].tolist() == ["filed"]
    assert "April 2026" in set(table["date"])  # a month-only date reads as a month, not the 1st
    markdown = figures.timeline_table_markdown(events).splitlines()
    assert len(markdown) == len(events) + 2
    assert all(re.search(r"\]\(https?://", line) for line in markdown[2:])


def test_every_claim_an_event_bears_on_links_to_its_verdict():
    touched = figures.claims_touched()
    linked = {c for text in financing_events(None)["claims"] for c in text.split(";") if c}
    assert set(touched["id"]) == linked
    text = figures.claim_links_markdown()
    for claim_id in linked:
        assert f"<{claim_label(claim_id)}>`" in text
    assert len(text.strip().splitlines()) == len(linked)


def test_every_link_target_is_a_label_the_chapters_write():
    chapters = set(essay_claims()["chapter"])
    labels = set()
    for chapter in chapters:
        labels |= set(re.findall(r"^\((claim-[\w-]+)\)=$", verdict_list(chapter).data, flags=re.M))
    assert labels == {claim_label(i) for i in essay_claims()["id"]}  # one label per claim, none twice
    targets = set(re.findall(r"<(claim-[\w-]+)>`", figures.claim_links_markdown()))
    assert targets <= labels
    assert "(claim-" not in ledger_markdown()  # the ledger elsewhere (e.g. tests) carries no labels


def test_bad_events_are_a_clear_error():
    with pytest.raises(ValueError, match=r"events is empty"):
        figures.timeline_chart(financing_events(None).iloc[0:0])
    odd = financing_events(None).assign(kind="gossip")
    with pytest.raises(ValueError, match=r"events has kinds \['gossip'\]"):
        figures.timeline_table(odd)


def test_the_chart_spec_is_valid_json():
    json.dumps(figures.timeline_chart().to_dict())
    assert pd.api.types.is_datetime64_any_dtype(figures.timeline_events()["date"])


def test_the_confidence_legend_is_the_packages_own_definition_of_every_code():
    from gpu_finance import CONFIDENCE_CODES

    text = figures.confidence_legend_markdown()
    assert text.strip().splitlines() == [f"- **{c}**: {d}." for c, d in CONFIDENCE_CODES.items()]
    assert figures.confidence_legend_markdown("SC").startswith("- **S**:")
    with pytest.raises(ValueError, match=r"codes='Z'"):
        figures.confidence_legend_markdown("Z")
    labels = figures.timeline_chart().to_dict()["encoding"]["shape"]["scale"]["domain"]
    assert all(CONFIDENCE_CODES[label[0]].startswith(label[3:].split(" (")[0]) for label in labels)


@pytest.mark.parametrize(("value", "unit", "text"), [
    (13.329e9, "USD", "$13.329B"), (20e9, "USD", "$20B"), (327e6, "USD", "$327M"), (3320, "USD", "$3,320"),
    (0.05855, "fraction per year", "5.855% a year"), (0.095, "fraction per year", "9.5% a year"),
    (0.4, "fraction", "40%"), (0.0, "fraction", "0%"), (5, "years", "5 years"),
    (3e6, "TWD", "NT$3M"), (1.25e9, "TWD", "NT$1.25B"), (0.00375, "fraction per year", "0.375% a year"),
    (31.408, "TWD per USD", "NT$31.408 per US$1"), (32.5, "TWD per USD", "NT$32.5 per US$1"),
])
def test_a_fact_is_written_in_its_unit_with_every_digit_the_data_holds(value, unit, text):
    assert figures.fact_value_text(value, unit) == text


def test_the_facts_table_writes_every_value_in_its_unit_never_in_scientific_notation():
    from gpu_finance import deal_facts

    facts = deal_facts()
    assert set(facts["unit"]) <= set(figures.FACT_UNITS)  # a new unit must be taught to fact_value_text
    shown = figures.facts_table().data
    assert list(shown.columns) == ["Key", "Value", "Date", "Confidence", "Source"]
    assert shown["Key"].tolist() == facts.index.tolist()
    assert not shown["Value"].str.contains(r"e[+-]\d", regex=True).any()
    assert shown["Value"].str.match(r"^(−?(NT)?\$[\d,.]+[BM]?|[\d.]+%( a year)?|[\d.]+ years?|NT\$[\d.]+ per US\$1)$").all()
    html = figures.facts_table(keys=["spacex.valor_related_party_debt_usd"]).to_html()
    assert "$13.329B" in html and "1.3329" not in html
    with pytest.raises(ValueError, match=r"keys has \['no.such_key'\]"):
        figures.facts_table(keys=["no.such_key"])
    with pytest.raises(ValueError, match=r"unit='furlongs'"):
        figures.fact_value_text(1.0, "furlongs")
