"""The claims ledger: complete, faithful to the essay, well formed, and in agreement with the model."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from gpu_finance import COLOSSUS_2, PRESETS, VERDICTS, essay_claim, essay_claims, fact, who_pays
from gpu_finance.accounting import lease_classification
from gpu_finance.backstop import LeverageProblem, optimal_leverage
from gpu_finance.claims import CHAPTERS, CLAIM_COLUMNS, _validate, render_claim_text
from gpu_finance.depreciation import depreciation_fact
from gpu_finance.spv import vendor_loop
from gpu_finance.viz.ledger import ledger_markdown, ledger_table_markdown

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT.parent / "shared" / "seed" / "source-article.zh-TW.txt"
BIB_KEYS = set(re.findall(r"^@\w+\{([^,]+),", (ROOT / "book" / "references.bib").read_text(encoding="utf-8"), re.M))
AGREEING = {"supported", "supported with qualification"}

#: The claims the ledger must hold, each its own row (issue "claims ledger").
REQUIRED = {
    "shadow-banking-analogy", "xai-set-up-vehicle", "raised-20b", "debt-off-balance-sheet", "lease-not-own",
    "nvidia-2b", "vendor-loop", "clean-asset-fundraising", "no-dilution", "risk-isolated", "six-year-lives",
    "frontier-life", "profit-inflated", "cfo-quote", "xai-unharmed", "credit-tightening", "lenders-hesitant",
    "cfo-backstop", "moral-hazard", "one-system", "taxpayers-last",
}


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return essay_claims()


def test_the_ledger_holds_every_required_claim(claims):
    assert len(claims) >= 20
    assert REQUIRED <= set(claims["id"])
    assert claims["id"].is_unique
    assert list(claims.columns[: len(CLAIM_COLUMNS)]) == list(CLAIM_COLUMNS)


def test_every_claim_quotes_the_essay_verbatim(claims):
    if not ARTICLE.exists():
        pytest.skip(f"the essay is not in the repository; it is read from {ARTICLE} (present in CI)")
    article = ARTICLE.read_text(encoding="utf-8")
    missing = [cid for cid, zh in zip(claims["id"], claims["claim_zh"]) if zh not in article]
    assert missing == [], f"claims whose claim_zh is not a substring of the essay: {missing}"


def test_verdicts_chapters_and_evidence_are_well_formed(claims):
    assert set(claims["verdict"]) <= set(VERDICTS)
    assert set(claims["chapter"]) <= set(CHAPTERS)
    cited = {key for keys in claims["evidence"] for key in keys}
    assert cited - BIB_KEYS == set(), f"evidence keys missing from references.bib: {sorted(cited - BIB_KEYS)}"
    assert all(len(keys) >= 1 for keys in claims["evidence"])
    assert pd.to_datetime(claims["as_of"], format="%Y-%m-%d").notna().all()


def test_every_chapter_that_judges_claims_shows_them_from_the_ledger(claims):
    """Each chapter with claims draws its verdicts from the ledger (no typed verdict list)."""
    code_by_label = {}
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        label = re.match(r"\(([\w-]+)\)=", text)
        code_by_label[label.group(1)] = [c for c in cells if c["cell_type"] == "code"]
    for chapter in set(claims["chapter"]):
        cells = code_by_label[chapter]
        shown = [c for c in cells if f'verdict_list("{chapter}")' in "".join(c["source"])]
        assert shown, f"chapter {chapter} does not show its verdicts with verdict_list({chapter!r})"
        assert all(c["metadata"].get("mystnb", {}).get("markdown_format") == "myst" for c in shown)
    assert any("verdict_table()" in "".join(c["source"]) for c in code_by_label["who-pays"])


# --- Agreement with the model and the record ---------------------------------------------------------------


def test_balance_sheet_verdict_follows_the_lease_classification():
    """While the model calls the reported lease a finance lease, 'never on xAI's balance sheet' cannot be
    supported: a finance lease's liability is debt on the lessee's books. Only an operating lease or a
    service contract keeps it off, and then only for the debt line."""
    verdict = essay_claim("debt-off-balance-sheet")["verdict"]
    lease_type = lease_classification(COLOSSUS_2).attrs["lease_type"]
    assert lease_type == "finance"
    assert verdict not in AGREEING
    # The record agrees with the model: the parent books the GPU leases as its own debt.
    assert fact("spacex.valor_related_party_debt_usd") > 0
    assert verdict == "contradicted"


def test_a_short_lease_with_a_residual_would_be_the_case_the_claim_needs():
    """The ledger's condition for the claim to hold is real in the model: a short lease with a residual the
    lessor keeps is an operating lease."""
    short = COLOSSUS_2.replace(lease_term_years=3, debt_term_years=3)
    assert lease_classification(short, residual_value_fraction=0.4).attrs["lease_type"] == "operating"
    assert "operating lease" in essay_claim("debt-off-balance-sheet")["why"]


def test_vendor_loop_verdict_follows_the_funded_share():
    share = vendor_loop(COLOSSUS_2).vendor_funded_share
    assert abs(share - COLOSSUS_2.vendor_equity_usd / COLOSSUS_2.total_cost_usd) < 1e-12
    assert share < 0.5
    assert essay_claim("vendor-loop")["verdict"] in {"overstated", "contradicted"}


def test_taxpayers_pay_nothing_without_a_guarantee_so_the_last_claim_is_not_supported():
    closed = who_pays(PRESETS["what_closed"]).parties.set_index("party")
    assert PRESETS["what_closed"].coverage == 0
    assert closed.loc["taxpayers", "expected_loss_usd"] == 0.0
    assert essay_claim("taxpayers-last")["verdict"] not in AGREEING


def test_a_sponsor_that_cannot_walk_away_bears_the_loss_so_it_is_not_unharmed():
    story = PRESETS["as_told"]
    bound = who_pays(story.replace(walk_away_probability=0.0, coverage=0.0)).parties.set_index("party")
    assert bound.loc["sponsor", "expected_loss_usd"] > 0
    for claim_id in ("xai-unharmed", "risk-isolated"):
        assert essay_claim(claim_id)["verdict"] not in AGREEING


def test_moral_hazard_verdict_follows_the_leverage_model():
    problem = LeverageProblem()
    cheap = optimal_leverage(problem, coverage=0.8)
    assert cheap.ltv > optimal_leverage(problem).ltv  # a guarantee priced below the debt advantage
    assert essay_claim("moral-hazard")["verdict"] in AGREEING


def test_frontier_life_verdict_follows_epoch_median():
    median = depreciation_fact("epoch.frontier_life_median_years")
    assert 3 <= median <= 4
    assert essay_claim("frontier-life")["verdict"] in AGREEING


# --- Validation: a bad row is a clear error -------------------------------------------------------------


def _raw() -> pd.DataFrame:
    from gpu_finance import load_dataset

    return load_dataset("essay_claims")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("verdict", "maybe", r"row 2 \(id='xai-set-up-vehicle'\), column 'verdict': 'maybe' is not one of"),
        ("chapter", "ch9", r"row 2 \(id='xai-set-up-vehicle'\), column 'chapter': 'ch9' is not one of"),
        ("as_of", "30/11/2026", r"column 'as_of': '30/11/2026' is not an ISO date"),
        ("evidence", "a key with spaces", r"column 'evidence': .* is not BibTeX keys"),
        ("confidence", "Z", r"column 'confidence': 'Z' is not one of"),
        ("claim_zh", "", r"column 'claim_zh': is empty"),
        ("why", "It is {fact:nope.usd}.", r"column 'why': names facts that do not exist: \['nope.usd'\]"),
        ("id", "shadow-banking-analogy", r"column 'id': repeats an earlier row's id"),
    ],
)
def test_a_bad_row_names_the_row_and_the_column(column, value, message):
    frame = _raw()
    frame.loc[1, column] = value
    with pytest.raises(ValueError, match=message):
        _validate(frame)


def test_a_missing_column_is_named():
    with pytest.raises(ValueError, match=r"lacks the columns \['verdict'\]"):
        _validate(_raw().drop(columns="verdict"))


def test_unknown_chapter_or_claim_is_a_clear_error():
    with pytest.raises(ValueError, match=r"chapter='ch9' is not one of"):
        essay_claims("ch9")
    with pytest.raises(ValueError, match=r"claim_id='nope' is not one of"):
        essay_claim("nope")


# --- What readers see ---------------------------------------------------------------------------------


def test_fact_tokens_are_filled_from_the_data():
    assert render_claim_text("{fact:valor.total_cost_usd} and {fact:colossus2.debt_rate}") == "$5.4B and 9.5%"
    assert render_claim_text("{fact:epoch.frontier_life_median_years}") == "3.9 years"
    rendered = [render_claim_text(t) for t in essay_claims()["why"]]
    assert not any("{fact:" in t for t in rendered)


def test_each_chapter_block_shows_the_chinese_beside_the_english(claims):
    for chapter in set(claims["chapter"]):
        text = ledger_markdown(chapter)
        own = claims[claims["chapter"] == chapter]
        for zh, en, verdict in zip(own["claim_zh"], own["claim_en"], own["verdict"]):
            assert f"「{zh}」" in text and en in text and f"**Verdict: {verdict}**" in text
        others = claims[claims["chapter"] != chapter]["claim_zh"]
        assert not any(f"「{zh}」" in text for zh in others)


def test_the_whole_ledger_table_has_a_row_per_claim(claims):
    lines = ledger_table_markdown().strip().splitlines()
    assert len(lines) == 2 + len(claims)
    assert all(line.count(" | ") == 3 for line in lines[2:])
