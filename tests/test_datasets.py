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


def test_financing_events_agree_with_the_deal_facts():
    events = financing_events().set_index("event_id")
    assert events.loc["colossus2-plan", "amount_usd"] == fact("colossus2.total_cost_usd")
    assert events.loc["valor-close", "amount_usd"] == fact("valor.total_cost_usd")
    assert events.loc["apollo-loan-2", "amount_usd"] == fact("valor.second_loan_usd")
    assert pd.api.types.is_datetime64_any_dtype(events["date"])
    assert events["date"].is_monotonic_increasing
    assert set(events["status"]) == {"denial", "reported plan", "closed", "reported loan", "separate deal"}
