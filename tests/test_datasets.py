"""Every row of the book's data names its source, date and confidence, and cites a real entry."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from gpu_finance import CONFIDENCE_CODES, fact, financing_events, list_datasets, load_dataset
from gpu_finance.datasets import DATE_PATTERN, REQUIRED_COLUMNS

BIB = Path(__file__).resolve().parents[1] / "book" / "references.bib"
BIB_KEYS = set(re.findall(r"^@\w+\{([^,]+),", BIB.read_text(encoding="utf-8"), flags=re.M))


def test_there_is_data():
    assert {"deal_facts", "financing_events"} <= set(list_datasets())


@pytest.mark.parametrize("name", list_datasets())
def test_every_row_has_source_date_and_confidence(name):
    frame = load_dataset(name)
    assert len(frame) > 0
    for column in REQUIRED_COLUMNS:
        assert column in frame.columns, f"{name}.csv lacks {column}"
    for column in ("source", "date", "confidence"):
        blank = frame[column].isna() | (frame[column].astype(str).str.strip() == "")
        assert not blank.any(), f"{name}.csv rows {list(frame.index[blank])} lack a {column}"
    assert set(frame["confidence"]) <= set(CONFIDENCE_CODES), f"{name}.csv has unknown confidence codes"
    bad_dates = [d for d in frame["date"] if not DATE_PATTERN.match(str(d))]
    assert bad_dates == [], f"{name}.csv has dates not in YYYY[-MM[-DD]] form: {bad_dates}"
    # Only the book's own assumptions may lack an address.
    sourced = frame["confidence"] != "A"
    assert (frame.loc[sourced, "url"].str.startswith(("http://", "https://"))).all()


@pytest.mark.parametrize("name", list_datasets())
def test_bibkeys_name_real_references(name):
    frame = load_dataset(name)
    if "bibkey" not in frame.columns:
        pytest.fail(f"{name}.csv has no bibkey column to link its rows to book/references.bib")
    keys = frame.loc[frame["confidence"] != "A", "bibkey"]
    missing = sorted(set(keys) - BIB_KEYS)
    assert missing == [], f"{name}.csv cites keys missing from references.bib: {missing}"


def test_load_dataset_returns_a_fresh_copy():
    first = load_dataset("deal_facts")
    first.loc[0, "value"] = -1
    assert load_dataset("deal_facts").loc[0, "value"] != -1


def test_unknown_dataset_is_a_clear_error():
    with pytest.raises(ValueError, match=r"name='nope' is not one of"):
        load_dataset("nope")


def test_unknown_fact_is_a_clear_error():
    with pytest.raises(ValueError, match=r"key='colossus2.nope' is not one of"):
        fact("colossus2.nope")
    with pytest.raises(ValueError, match=r"table='essay_claims' is not one of"):
        fact("colossus2.debt_usd", table="essay_claims")


@pytest.mark.parametrize("table", ["deal_facts", "depreciation_facts", "backstop_history"])
def test_fact_reads_every_row_of_each_table_of_single_figures(table):
    from gpu_finance.datasets import FACT_TABLES, fact_row

    assert table in FACT_TABLES
    rows = load_dataset(table)
    for key, value in zip(rows["key"], rows["value"]):
        got = [fact(key, table=table), float(fact_row(key, table=table)["value"])]
        assert got == [float(value)] * 2 or (pd.isna(value) and all(pd.isna(g) for g in got))  # an event with no figure


def test_financing_events_agree_with_the_deal_facts():
    events = financing_events().set_index("event_id")
    assert events.loc["colossus2-plan", "amount_usd"] == fact("colossus2.total_cost_usd")
    assert events.loc["valor-close", "amount_usd"] == fact("valor.total_cost_usd")
    assert events.loc["apollo-loan-2", "amount_usd"] == fact("valor.second_loan_usd")
    assert pd.api.types.is_datetime64_any_dtype(events["date"])
    assert events["date"].is_monotonic_increasing
    assert set(events["status"]) == {"denial", "reported plan", "closed", "reported loan", "separate deal"}


# --------------------------------------------------------------------------- the record to FACTS_AS_OF
def _as_date(text: str) -> pd.Timestamp:
    """The first day a ``YYYY[-MM[-DD]]`` date can mean (a year is its 1 January)."""
    return pd.Timestamp(text if len(text) > 7 else (f"{text}-01" if len(text) == 7 else f"{text}-01-01"))


def test_facts_as_of_is_a_full_date():
    from gpu_finance import FACTS_AS_OF

    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", FACTS_AS_OF)
    pd.Timestamp(FACTS_AS_OF)  # a real calendar date


@pytest.mark.parametrize("name", list_datasets())
def test_no_row_is_dated_after_the_facts_were_checked(name):
    from gpu_finance import FACTS_AS_OF

    frame = load_dataset(name)
    if "event" in frame.columns:
        # A planned product launch is dated when it is planned for (gpu_generations.csv): a forecast
        # read before FACTS_AS_OF, not a fact from after it.
        frame = frame[frame["event"] != "planned"]
    late = [d for d in frame["date"].astype(str) if _as_date(d) > pd.Timestamp(FACTS_AS_OF)]
    assert late == [], f"{name}.csv has rows dated after FACTS_AS_OF={FACTS_AS_OF}: {late}"


def test_the_date_check_can_fail():
    assert _as_date("2026-12") > pd.Timestamp("2026-11-30")
    assert _as_date("2027") > pd.Timestamp("2026-11-30")
    assert not _as_date("2026-11") > pd.Timestamp("2026-11-30")


def test_the_chapters_default_is_the_vehicle_and_its_sponsor():
    from gpu_finance.datasets import CHAPTER_EVENT_KINDS

    chapters = financing_events()
    assert set(chapters["kind"]) == set(CHAPTER_EVENT_KINDS)
    everything = financing_events(None)
    assert len(everything) > len(chapters)
    assert everything["event_id"].is_unique
    assert everything["date"].is_monotonic_increasing
    assert (everything["date"].dt.year == 2026).sum() >= 10  # the 2026 record is in the data
    assert set(financing_events("parent")["kind"]) == {"parent"}


def test_the_timeline_reaches_the_latest_filing():
    events = financing_events(None).set_index("event_id")
    latest = events.loc["spacex-10q-valor"]
    assert latest["date"] == pd.Timestamp("2026-08-04") and latest["status"] == "filed"
    assert latest["amount_usd"] == fact("spacex.valor_related_party_debt_usd")
    assert latest["date"] == events["date"].max()
    assert events.loc["colossus2-plan", "date"] == pd.Timestamp("2025-10-08")


def test_what_was_read_in_the_filing_is_coded_confirmed():
    for name in ("deal_facts", "financing_events"):
        frame = load_dataset(name)
        tenq = frame[frame["bibkey"] == "spacex2026q2tenq"]
        assert len(tenq) > 0
        assert set(tenq["confidence"]) == {"C"}, f"{name}.csv: rows read in the 10-Q must be C"
        relayed = frame[frame["source"].str.contains("relayed by", case=False, na=False)]
        assert "C" not in set(relayed.loc[relayed["bibkey"].str.startswith("spacex2026s1", na=False), "confidence"])


def test_every_event_links_only_to_real_claims():
    from gpu_finance import essay_claims

    ids = set(essay_claims()["id"]) if "id" in essay_claims().columns else set(essay_claims().index)
    linked = {c for text in financing_events(None)["claims"] for c in text.split(";") if c}
    assert linked and linked <= ids
    assert "debt-off-balance-sheet" in linked and "taxpayers-last" in linked


@pytest.mark.parametrize("column, value, message", [
    ("status", "rumoured", r"status='rumoured' \(event 'xai-deny'\) is not one of"),
    ("kind", "gossip", r"kind='gossip' \(event 'xai-deny'\) is not one of"),
    ("claims", "no-such-claim", r"names \['no-such-claim'\], not ids of essay_claims.csv"),
])
def test_event_vocabulary_is_checked(column, value, message):
    from gpu_finance.datasets import check_financing_events

    rows = load_dataset("financing_events")
    rows.loc[0, column] = value
    with pytest.raises(ValueError, match=message):
        check_financing_events(rows)


def test_duplicate_events_are_refused():
    from gpu_finance.datasets import check_financing_events

    rows = load_dataset("financing_events")
    with pytest.raises(ValueError, match=r"event_id values \['xai-deny'\] appear more than once"):
        check_financing_events(pd.concat([rows, rows.iloc[[0]]], ignore_index=True))


def test_unknown_event_kind_is_a_clear_error():
    with pytest.raises(ValueError, match=r"kinds='nope' is not one of"):
        financing_events(("vehicle", "nope"))
