"""The Chinese edition (zh_TW): the language is chosen once, numbers are written the way Taiwan's
readers count, every message the package shows is in the catalog and translated, and every chart the
book draws has Chinese titles and axes in 億美元, with no dollar sign.

Expected texts are worked by hand: 1億 is 10^8, 1萬 is 10^4, 1兆 is 10^12.
"""

from __future__ import annotations

import json
import re

import altair as alt
import numpy as np
import pandas as pd
import pytest

from gpu_finance import i18n
from gpu_finance.formatting import date_text, estimate_usd, month_year, percent, usd, usd_billions, years
from gpu_finance.i18n import LANGUAGE_ENV_VAR, Message, language, set_language, translate


@pytest.fixture(autouse=True)
def english_by_default(monkeypatch):
    """Each test starts in English, with no language chosen, and leaves it so."""
    monkeypatch.delenv(LANGUAGE_ENV_VAR, raising=False)
    set_language(None)
    yield
    set_language(None)


@pytest.fixture
def chinese():
    set_language("zh_TW")
    i18n.clear_untranslated()
    yield
    set_language(None)


# ------------------------------------------------------------------------------------ the language
def test_english_unless_asked(monkeypatch):
    assert language() == "en"
    monkeypatch.setenv(LANGUAGE_ENV_VAR, "zh_TW")
    assert language() == "zh_TW"
    monkeypatch.setenv(LANGUAGE_ENV_VAR, "")
    assert language() == "en"


def test_an_explicit_choice_wins_over_the_variable(monkeypatch):
    monkeypatch.setenv(LANGUAGE_ENV_VAR, "zh_TW")
    set_language("en")
    assert language() == "en"
    set_language(None)
    assert language() == "zh_TW"


def test_an_unknown_language_is_refused_by_name_value_and_choices(monkeypatch):
    with pytest.raises(ValueError, match=r"^code='fr' is not one of 'en', 'zh_TW'$"):
        set_language("fr")
    monkeypatch.setenv(LANGUAGE_ENV_VAR, "zh-CN")
    with pytest.raises(ValueError, match=r"^GPU_FINANCE_LANGUAGE='zh-CN' is not one of 'en', 'zh_TW'$"):
        language()


def test_english_asks_the_catalog_nothing():
    assert i18n._("Year of the lease") == "Year of the lease"
    assert i18n.pgettext("money flow", "From") == "From"


def test_chinese_reads_the_catalog(chinese):
    assert i18n._("Year of the lease") == "租賃年度"
    assert i18n.pgettext("money flow", "From") == "付款方"
    assert i18n.pgettext("contract", "From") == "起"


def test_a_message_missing_from_the_catalog_is_recorded(chinese):
    assert i18n._("A sentence no catalog has") == "A sentence no catalog has"
    assert i18n.untranslated() == [(None, "A sentence no catalog has")]
    assert i18n._("一句已經是中文的話") == "一句已經是中文的話"  # already Chinese: not a gap
    assert i18n.untranslated() == [(None, "A sentence no catalog has")]


def test_a_models_message_stays_english_and_is_translated_where_shown(chinese):
    answer = Message("{answer}: {share}", answer=Message("Yes"), share="20%")
    assert answer == "Yes: 20%" and {answer: 1}["Yes: 20%"] == 1  # a table can be indexed by its English
    assert translate(answer) == "是：20%" and str(answer) == "是：20%"


# ------------------------------------------------------------------------------------ numbers
@pytest.mark.parametrize("amount, text", [
    (20e9, "200億美元"),        # 20 x 10^9 = 200 x 10^8
    (12.5e9, "125億美元"),
    (535e6, "5.35億美元"),      # 5.35 x 10^8
    (2e9, "20億美元"),
    (1.5e12, "1.5兆美元"),      # 1.5 x 10^12
    (40e6, "4,000萬美元"),      # 4,000 x 10^4: under 1億, counted in 萬
    (-2e9, "−20億美元"),
    (4_700, "4,700美元"),       # under a million: whole dollars, as in English
    (0, "0美元"),
])
def test_usd_counts_in_yi_and_wan(chinese, amount, text):
    assert usd(amount) == text


def test_the_digits_asked_for_are_those_english_shows(chinese):
    assert usd(12.25e9, 2) == "122.5億美元"   # $12.25B
    assert usd(12.34e9) == "123億美元"        # $12.3B
    assert usd(99.96e6, 1) == "1億美元"       # $100.0M rounds to 10^8
    assert usd_billions(7.5e9) == "75億美元" and usd_billions(40e6) == "0億美元"  # $7.5B; $0.0B


def test_estimates_keep_their_significant_digits(chinese):
    assert estimate_usd(249.7e6) == "2.5億美元"                                # $250M
    assert estimate_usd(10.22e9, 3) == "102億美元"                             # $10.2B
    assert estimate_usd(636.94e6, stderr=3.1e6) == "6.4億美元（± 310萬美元）"    # $640M (± $3.1M)
    assert estimate_usd(1.2e9, interval=(0.9e9, 1.6e9), confidence=0.9) == "12億美元（90%區間：9億美元至16億美元）"


def test_percentages_years_and_dates(chinese):
    assert percent(0.35) == "35%" and percent(0.095) == "9.5%"
    assert years(6) == "6年" and years(1) == "1年" and years(3.9) == "3.9年"
    assert date_text("2025-10-08") == "2025年10月8日"
    assert month_year(pd.Timestamp("2025-10-08")) == "2025年10月"


def test_english_numbers_are_unchanged():
    assert (usd(20e9), usd(535e6, 0), usd(-2e9), usd(4700)) == ("$20B", "$535M", "−$2B", "$4,700")
    assert years(6) == "6 years" and date_text("2025-10-08") == "8 October 2025"
    assert month_year(pd.Timestamp("2025-10-08"), short=True) == "Oct 2025"


# ------------------------------------------------------------------------------------ the catalog
def test_the_catalog_is_up_to_date_and_complete():
    """Every message of the source and of the data text is in the catalog, translated, not fuzzy, and
    the catalog holds nothing else (``python -m gpu_finance.i18n --check`` would say the same)."""
    assert i18n.update_catalog(check=True) == []


def test_translations_keep_the_fields_of_their_message():
    import polib

    field = re.compile(r"(?<!\{)\{([a-z_0-9]*)\}(?!\})")
    wrong = []
    for entry in polib.pofile(str(i18n.catalog_path()), encoding="utf-8"):
        used = set(field.findall(entry.msgstr))
        if not used <= set(field.findall(entry.msgid)):
            wrong.append((entry.msgid, sorted(used)))
        for token in re.findall(r"\{fact:[a-z0-9_.]+\}|\{\{ref\}\}|<\{label\}>", entry.msgid):
            if token not in entry.msgstr:
                wrong.append((entry.msgid, token))
    assert not wrong, wrong[:5]


def test_chinese_sentences_use_full_width_punctuation():
    import polib

    half = re.compile(r"[\u4e00-\u9fff][,;:?!]|[,;:?!][\u4e00-\u9fff]")
    wrong = [e.msgstr for e in polib.pofile(str(i18n.catalog_path()), encoding="utf-8") if half.search(e.msgstr)]
    assert not wrong, wrong[:5]


def test_the_catalog_ships_as_text_only():
    folder = i18n.catalog_path().parent
    assert i18n.catalog_path().is_file() and not list(folder.glob("*.mo"))


# ------------------------------------------------------------------------------------ every figure
def _figures():
    """Every chart, table, text and live panel the book shows, built as the chapters build them."""
    from gpu_finance import (COLOSSUS_2, PRESETS, VALOR_COMPUTE, LeverageProblem, accounting_history,
                             backstop_assumptions, backstop_history, backstop_quotes, book_versus_market,
                             calibrated_decline, circular_deals, closed_form_vs_monte_carlo, collateral_path,
                             compare_presets, compute_contracts, consolidation_decision, decline_sensitivity,
                             depreciation_facts, depreciation_schedule, design_comparison, financing_events,
                             founder_dilution, gpu_generations, lease_classification, money_flows,
                             monte_carlo_guarantee, profit_comparison, rental_prices, risk_path, sale_leaseback_test,
                             simulate_asset_paths, sponsor_balance_sheets, spv_cash_flows, useful_life_changes,
                             who_pays_by_decline)
    from gpu_finance.depreciation import NEOCLOUD_FLEET, owner_profit_comparison
    from gpu_finance.viz import backstop, deal, depreciation, ledger, scenario, spv, timeline

    deal_ = COLOSSUS_2
    value, debt = deal_.total_cost_usd, deal_.debt_usd
    real = monte_carlo_guarantee(value, debt, 0.3, 0.04, 3, 0.8, drift=-0.2, n_paths=2_000, seed=1)
    problem = LeverageProblem(asset_value_usd=value, volatility=0.3, drift=-0.2, risk_free_rate=0.04, years=3,
                              max_ltv=deal_.max_debt_share)
    results = compare_presets(n_paths=2_000)
    sheets = sponsor_balance_sheets(deal_)
    changes = useful_life_changes()
    owner = owner_profit_comparison(NEOCLOUD_FLEET, 6, 4)
    return {
        # the prologue
        "capital_structure_chart": lambda: deal.capital_structure_chart(deal_),
        "capital_structure_explorer": lambda: deal.capital_structure_explorer(deal_),
        "debt_service_chart": lambda: deal.debt_service_chart(deal_),
        "financing_events_chart": lambda: deal.financing_events_chart(financing_events()),
        "deal_panel": lambda: deal.deal_panel(deal_),
        # chapter 1
        "cash_flow_chart": lambda: spv.cash_flow_chart(deal_),
        "cash_flow_explorer": lambda: spv.cash_flow_explorer(deal_),
        "cash_flow_table": lambda: spv.cash_flow_table(spv_cash_flows(deal_)),
        "classification_table": lambda: spv.classification_table(lease_classification(deal_)),
        "views_table": lambda: spv.views_table(sheets, 0),
        "balance_sheet_chart": lambda: spv.balance_sheet_chart(sheets, 0),
        "balance_sheet_explorer": lambda: spv.balance_sheet_explorer(deal_),
        "lease_liability_explorer": lambda: spv.lease_liability_explorer(deal_),
        "sale_leaseback_table": lambda: spv.sale_leaseback_table(sale_leaseback_test(deal_)),
        "filings_table": lambda: spv.filings_table(sheets, [("SpaceX 10-Q, Valor leases, 30 June 2026", 13.329e9)]),
        "accounting_history_chart": lambda: spv.accounting_history_chart(accounting_history()),
        "history_table": lambda: spv.history_table(accounting_history()),
        "consolidation_table": lambda: spv.consolidation_table(consolidation_decision(
            outside_equity_share=deal_.equity_share, equity_sufficient=True, equity_holders_have_power=False,
            sponsor_has_power=True, sponsor_loss_share=0.2)),
        "consolidation_explorer": lambda: spv.consolidation_explorer(deal_.equity_share),
        "dilution_chart": lambda: spv.dilution_chart(deal_),
        "dilution_explorer": lambda: spv.dilution_explorer(deal_),
        "dilution_table": lambda: spv.dilution_table(founder_dilution(deal_)),
        "vendor_loop_chart": lambda: spv.vendor_loop_chart(deal_),
        "vendor_loop_explorer": lambda: spv.vendor_loop_explorer(deal_),
        "circular_deals_table": lambda: spv.circular_deals_table(circular_deals()),
        "flows_table": lambda: spv.flows_table(money_flows(deal_)),
        "money_flow_chart": lambda: spv.money_flow_chart(deal_),
        "money_flow_explorer": lambda: spv.money_flow_explorer(deal_),
        "deal_comparison_table": lambda: spv.deal_comparison_table([deal_, VALOR_COMPUTE]),
        "spv_panel": lambda: spv.spv_panel(deal_),
        # chapter 2
        "schedule_table": lambda: depreciation.schedule_table(depreciation_schedule(value, 6)),
        "methods_chart": lambda: depreciation.methods_chart(value, 6),
        "book_market_chart": lambda: depreciation.book_market_chart(book_versus_market(value, 6, annual_decline=0.3)),
        "book_market_explorer": lambda: depreciation.book_market_explorer(value),
        "profit_chart": lambda: depreciation.profit_chart(profit_comparison(deal_, 6, 4)),
        "owner_profit_chart": lambda: depreciation.profit_chart(owner, subject=NEOCLOUD_FLEET.name,
                                                                profit_label="Profit before interest and tax"),
        "profit_explorer": lambda: depreciation.profit_explorer(deal_),
        "owner_profit_explorer": lambda: depreciation.owner_profit_explorer(NEOCLOUD_FLEET),
        "overstatement_heatmap": lambda: depreciation.overstatement_heatmap(deal_),
        "owner_overstatement_heatmap": lambda: depreciation.owner_overstatement_heatmap(NEOCLOUD_FLEET),
        "ltv_chart": lambda: depreciation.ltv_chart(collateral_path(deal_, 0.35)),
        "ltv_explorer": lambda: depreciation.ltv_explorer(deal_),
        "useful_lives_chart": lambda: depreciation.useful_lives_chart(changes),
        "profit_effects_chart": lambda: depreciation.profit_effects_chart(changes),
        "rental_prices_chart": lambda: depreciation.rental_prices_chart(
            rental_prices(), calibrated_decline(), without_peak=calibrated_decline(include_peak=False)),
        "rental_prices_trend_chart": lambda: depreciation.rental_prices_chart(rental_prices(), 0.3),
        "contracts_table": lambda: depreciation.contracts_table(compute_contracts()),
        "generations_chart": lambda: depreciation.generations_chart(gpu_generations()),
        "lives_chart": lambda: depreciation.lives_chart(changes),
        "facts_table": lambda: depreciation.facts_table(depreciation_facts()),
        "bounds_sentence": lambda: depreciation.bounds_sentence(rental_prices()),
        "depreciation_panel": lambda: depreciation.depreciation_panel(deal_, fleet=NEOCLOUD_FLEET),
        # chapters 3 and 4
        "assumptions_table": lambda: backstop.assumptions_table(backstop_assumptions()),
        "comparison_table": lambda: backstop.comparison_table(
            closed_form_vs_monte_carlo(value, debt, 0.3, -0.2, 0.04, 3, 0.8, n_paths=2_000, seed=1)),
        "paths_chart": lambda: backstop.paths_chart(simulate_asset_paths(value, 0.3, -0.2, 3, n_paths=200, seed=1),
                                                    debt, 3, 0.6),
        "loss_histogram_chart": lambda: backstop.loss_histogram_chart(real),
        "guarantee_explorer": lambda: backstop.guarantee_explorer(value, deal_.debt_share),
        "decline_sensitivity_table": lambda: backstop.decline_sensitivity_table(
            decline_sensitivity(calibrated_decline(), deal_, coverage=0.8)),
        "guarantee_panel": lambda: backstop.guarantee_panel(deal_),
        "quotes_table": lambda: backstop.quotes_table(backstop_quotes()),
        "waterfall_chart": lambda: backstop.waterfall_chart(deal_, 0.8),
        "waterfall_explorer": lambda: backstop.waterfall_explorer(deal_),
        "expected_loss_by_party_chart": lambda: backstop.expected_loss_by_party_chart(deal_, real.terminal_usd, 0.8),
        "leverage_chart": lambda: backstop.leverage_chart(problem, 0.8),
        "moral_hazard_explorer": lambda: backstop.moral_hazard_explorer(problem),
        "backstop_history_table": lambda: backstop.history_table(backstop_history()),
        "design_table": lambda: backstop.design_table(design_comparison(problem, coverage=0.8)),
        "backstop_panel": lambda: backstop.backstop_panel(deal_),
        # chapter 5
        "presets_table": lambda: scenario.presets_table(),
        "who_pays_chart": lambda: scenario.who_pays_chart(results),
        "scenario_comparison_table": lambda: scenario.comparison_table(results, "earned_usd"),
        "decline_table": lambda: scenario.decline_table(who_pays_by_decline(PRESETS["as_told"], calibrated_decline(),
                                                                            n_paths=2_000)),
        "result_table": lambda: scenario.result_table(results["as_told"]),
        "outcomes_table": lambda: scenario.outcomes_table(results["as_told"]),
        "loss_distribution_chart": lambda: scenario.loss_distribution_chart(results["as_told"]),
        "risk_path_chart": lambda: scenario.risk_path_chart(risk_path(PRESETS["as_told"], n_paths=2_000),
                                                            PRESETS["as_told"].name),
        "risk_path_explorer": lambda: scenario.risk_path_explorer(n_paths=2_000),
        "extended_flow_chart": lambda: scenario.extended_flow_chart(results["as_told"]),
        "dashboard_explorer": lambda: scenario.dashboard_explorer(n_paths=200),
        "sources_table": lambda: scenario.sources_table(),
        "scenario_panel": lambda: scenario.scenario_panel(),
        # the claims ledger and "Since the essay"
        "verdict_list": lambda: ledger.verdict_list(),
        "verdict_table": lambda: ledger.verdict_table(),
        "timeline_chart": lambda: timeline.timeline_chart(financing_events(None)),
        "timeline_markdown": lambda: timeline.timeline_markdown(financing_events(None)),
        "timeline_table": lambda: timeline.timeline_table(financing_events(None)),
        "claim_links": lambda: timeline.claim_links(financing_events(None)),
        "confidence_legend": lambda: timeline.confidence_legend(),
        "deal_facts_table": lambda: timeline.facts_table(keys=["colossus2.debt_usd", "colossus2.debt_rate"]),
    }


def _shown(item) -> list:
    """What a figure puts on the page: a chart's spec, a table's HTML, a text, or a live panel's every tab."""
    from gpu_finance.viz.controls import LivePanel

    if isinstance(item, LivePanel):
        shown = [[w.description for w in item.sliders.values()], item.children[0].value]
        for title in list(item.sections) or [None]:
            if title is not None:
                item._stale.add(title)
                item._draw_section(title)
            shown += [_shown(x) for x in item.shown]
        return shown
    if isinstance(item, alt.TopLevelMixin):
        return [item.to_dict()]
    if hasattr(item, "to_html"):
        return [item.to_html()]
    if hasattr(item, "data") and isinstance(getattr(item, "data"), str):  # IPython Markdown
        return [item.data]
    return [str(item)]


@pytest.fixture(scope="module")
def chinese_book():
    """Every figure of the book drawn in Chinese: name -> what it shows, and the messages it asked for
    that the catalog lacks."""
    set_language("zh_TW")
    i18n.clear_untranslated()
    try:
        shown = {name: _shown(build()) for name, build in _figures().items()}
        missing = i18n.untranslated()
    finally:
        set_language(None)
    return shown, missing


def test_every_public_figure_of_the_package_is_drawn_here():
    """A new chart, table or panel of gpu_finance.viz fails here until it is added to _figures()."""
    from gpu_finance.viz import backstop, deal, depreciation, scenario, spv, timeline

    public = {name for module in (deal, spv, depreciation, backstop, scenario, timeline) for name in module.__all__
              if name.endswith(("_chart", "_explorer", "_heatmap", "_panel", "_table", "_sentence"))}
    drawn = set(_figures())
    inside = {"flow_chart"}  # the generic money-flow diagram, drawn by money_flow_chart and extended_flow_chart
    assert public - drawn - inside == set()


def test_every_message_the_book_shows_is_translated(chinese_book):
    _, missing = chinese_book
    assert missing == []


#: Latin words a Chinese title or axis may keep: acronyms, and the names of companies, people, chips
#: and standards, which Taiwan's financial press writes as they are.
KEPT_AS_THEY_ARE = {
    "SPV", "GPU", "GPUs", "DSCR", "IRR", "LTV", "ASC", "FIN", "FAS", "IFRS", "GAAP", "AI", "xAI", "Nvidia", "H100",
    "A100", "B200", "SpaceX", "Valor", "Compute", "Infrastructure", "Colossus", "CoreWeave", "Epoch", "Bernstein",
    "Amazon", "Microsoft", "Alphabet", "Meta", "Nebius", "Oracle", "FY2023", "SVG", "PNG",
}


def _charts(shown) -> list[dict]:
    found = []

    def walk(value):
        if isinstance(value, dict) and "$schema" in value:
            found.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(shown)
    return found


def _titles_and_axes(spec: dict) -> list[str]:
    texts = []
    title = spec.get("title")
    if isinstance(title, dict):
        for key in ("text", "subtitle"):
            part = title.get(key)
            texts += part if isinstance(part, list) else [part] if part else []
    elif title:
        texts += title if isinstance(title, list) else [title]

    def walk(node):
        if isinstance(node, dict):
            for channel, encoding in (node.get("encoding") or {}).items():
                if isinstance(encoding, dict) and isinstance(encoding.get("title"), str):
                    texts.append(encoding["title"])
                for tip in (encoding if isinstance(encoding, list) else []):
                    if isinstance(tip, dict) and tip.get("title"):
                        texts.append(tip["title"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return texts


def test_chinese_charts_have_chinese_titles_axes_and_tooltips_and_no_dollar_sign(chinese_book):
    shown, _ = chinese_book
    wrong = []
    for name, items in shown.items():
        for spec in _charts(items):
            for text in _titles_and_axes(spec):
                words = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9]+", text) if w not in KEPT_AS_THEY_ARE]
                if words or "$" in text:
                    wrong.append((name, text))
    assert not wrong, wrong[:10]


def test_chinese_charts_use_no_dollar_format(chinese_book):
    """Vega's "$" formats (d3's currency) write US dollars: a Chinese chart writes 億美元 itself."""
    shown, _ = chinese_book
    wrong = []

    def walk(name, node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in ("datasets", "$schema", "data"):
                    walk(name, v, k)
        elif isinstance(node, list):
            for v in node:
                walk(name, v, key)
        elif isinstance(node, str) and key in ("format", "calculate", "expr", "labelExpr", "text") and "$" in node:
            wrong.append((name, node))

    for name, items in shown.items():
        for spec in _charts(items):
            walk(name, spec)
    assert not wrong, wrong[:5]


def test_money_axes_are_in_yi(chinese):
    """The prologue's bar: $12.5B of debt is 125億, drawn on an axis titled in 億美元."""
    from gpu_finance import COLOSSUS_2
    from gpu_finance.viz import deal

    spec = deal.capital_structure_chart(COLOSSUS_2).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert {r["party_label"]: r["amount_bn"] for r in rows} == {"放款人": 125.0, "外部股權投資人": 55.0,
                                                                "晶片供應商": 20.0}
    assert spec["encoding"]["x"]["title"] == "投入SPV的資金（億美元）"


def test_a_slider_in_usd_billions_moves_in_yi(chinese):
    """Chapter 1's valuation slider runs from $25B to $500B in steps of $25B: 250 to 5,000億 by 250."""
    from gpu_finance import COLOSSUS_2
    from gpu_finance.viz import spv

    spec = spv.dilution_explorer(COLOSSUS_2).to_dict()
    (param,) = [p for p in spec["params"] if p["name"] == "pmv"]
    assert (param["bind"]["min"], param["bind"]["max"], param["bind"]["step"]) == (250, 5000, 250)
    assert param["bind"]["name"] == "投資前估值（億美元） "


def test_a_chart_draws_the_same_numbers_in_both_languages_up_to_the_unit():
    """English billions are ten times fewer than Chinese 億: the same bars."""
    from gpu_finance import COLOSSUS_2
    from gpu_finance.viz import deal

    english = next(iter(deal.debt_service_chart(COLOSSUS_2).to_dict()["datasets"].values()))
    set_language("zh_TW")
    chinese = next(iter(deal.debt_service_chart(COLOSSUS_2).to_dict()["datasets"].values()))
    np.testing.assert_allclose([r["amount_bn"] * 10 for r in english], [r["amount_bn"] for r in chinese])


def test_the_claims_ledger_quotes_the_essay_and_judges_in_chinese(chinese):
    from gpu_finance.viz.ledger import ledger_markdown

    text = ledger_markdown("the-spv")
    assert "> 「XAI創立了一個獨立的空殼公司」" in text and "xAI set up an independent shell company" not in text
    assert "**判定：有條件成立**（截至2026年11月30日；可信度C）。" in text
    assert "{cite:p}`apollo2026valor,spacex2026q2tenq`" in text  # citations untouched


# ------------------------------------------------------------------------------------ titles on lines
def test_a_long_chinese_title_wraps_by_width():
    """680 px hold 78 average characters of a 15 px title; a Chinese character is one em, 1/0.58 of
    an average one, so a line holds 45 of them (45 / 0.58 = 77.6; 46 would be 79.3)."""
    from gpu_finance.viz import render

    assert render.wrapped_titles({"title": "字" * 60, "config": {}})["title"] == ["字" * 45, "字" * 15]


def test_closing_punctuation_and_latin_words_are_not_split():
    from gpu_finance.viz import render

    wrapped = render.wrapped_titles({"title": "字" * 45 + "。" + "字" * 5, "config": {}})["title"]
    assert wrapped == ["字" * 45 + "。", "字" * 5]
    # 44 characters are 75.9 average ones; "Nvidia" (6 more) would end the line at 81.9: it starts the next
    wrapped = render.wrapped_titles({"title": "字" * 44 + "Nvidia" + "字" * 20, "config": {}})["title"]
    assert wrapped == ["字" * 44, "Nvidia" + "字" * 20]


def test_an_english_title_wraps_as_before():
    from gpu_finance.viz import render

    spec = {"title": {"text": "word " * 30, "subtitle": "short"}, "config": {}}
    assert [len(line) for line in render.wrapped_titles(spec)["title"]["text"]] == [74, 74]


def test_the_renderer_speaks_chinese_when_a_chart_cannot_be_drawn(chinese):
    from gpu_finance.viz import render

    html = render.chart_html({"title": "標題", "description": "說明"}, chart_id="c", inline_bundle=False)
    assert "無法繪製此圖表" in html and "This chart could not be drawn" not in html
    options = json.loads(re.search(r"var opts = (\{.*?\});\n", html).group(1))
    assert options["i18n"] == {"CLICK_TO_VIEW_ACTIONS": "點選檢視動作", "PNG_ACTION": "另存為PNG", "SVG_ACTION": "另存為SVG"}
