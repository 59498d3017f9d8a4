"""The Traditional Chinese (Taiwan) edition, ``_build/html/zh-TW``: complete, in Chinese, and linked
to the English edition page by page (``tools/zh_edition.py``, ``book/_ext/sbs_i18n.py``).

The browser checks every page also gets in English (no request off the site, no console error,
every chart drawn, axe) run on the Chinese pages in ``tests/test_site_browser.py``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.website import ROOT, open_page, toc_pages, wait_for_charts
from tools import po_tool, zh_edition

ZH = zh_edition.SITE_FOLDER
PAGES = toc_pages()

#: Latin-letter words a Chinese page may hold outside code: names, acronyms, units and the
#: standards' names, as Taiwan's financial press writes them.
ALLOWED_LATIN = {
    "ai", "gpu", "gpus", "spv", "spvs", "vie", "vies", "dscr", "irr", "ifrs", "tifrs", "gaap", "asc", "ias",
    "fin", "sec", "fasb", "cbo", "fcra", "sme", "smeg", "cdic", "capex", "nt", "usd", "hbm", "cpu",
    "nvidia", "xai", "openai", "spacex", "meta", "google", "coreweave", "apollo", "valor", "diameter",
    "capital", "colossus", "h100", "h200", "b200", "gb200", "gb300", "a100", "blackwell", "hopper", "rubin",
    "enron", "abcp", "siv", "sivs", "python", "jupyter", "jupyterlab", "jupyterlite", "pyodide",
    "altair", "vega", "numpy", "pandas", "scipy", "binder", "colab", "pdf", "csv", "html", "api",
    "merton", "black", "scholes", "monte", "carlo", "the", "information", "bloomberg", "reuters", "epoch",
}
#: The pages whose text is the book's own (the API pages show the package's docstrings, which stay in
#: English like the code; their own introductions are translated).
PROSE_PAGES = [page for page in PAGES if not page.startswith("book/api")]


def _page_text(html: str) -> str:
    """A page's main text as a reader reads it, without what stays in its original language: code,
    formulas, citations (authors and titles), text marked English (``lang-en``) and the glossary's
    terms (each gives the English term beside the Chinese one, by design)."""
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main") or soup
    for hidden in main.select("pre, code, math, .math, script, style, .cell_input, .bibtex, .bibtex-citation, "
                              "span.cite, a.cite, .citation, .sbs-chart, .headerlink, .lang-en, [lang=en], "
                              "dl.glossary > dt"):
        hidden.decompose()
    return main.get_text(" ", strip=True)


def english_runs(text: str, *, words: int = 4) -> list[str]:
    """Runs of ``words`` or more Latin-letter words in a row that are not names or acronyms:
    English sentences left in a Chinese page.

    >>> english_runs("這是 SPV 與 Nvidia 的交易")
    []
    >>> english_runs("租金 the lease payment that the vehicle earns 之後")
    ['the lease payment that the vehicle earns']
    """
    runs = re.findall(r"[A-Za-z][A-Za-z'’\-]*(?:[ ,;:]+[A-Za-z][A-Za-z'’\-]*){%d,}" % (words - 1), text)
    return [run for run in runs
            if sum(1 for w in re.findall(r"[A-Za-z][A-Za-z'’\-]*", run) if w.lower() not in ALLOWED_LATIN) >= words - 1]


def test_every_catalog_entry_is_translated():
    """0 untranslated and 0 fuzzy entries (``python tools/zh_edition.py stat``)."""
    assert zh_edition.untranslated() == {}


def test_every_translation_keeps_its_markup():
    """Glue keys, citations, glossary targets, substitutions, code and links as in the English."""
    catalogs = sorted(zh_edition.CATALOGS.rglob("*.po"))
    assert len(catalogs) >= 20
    assert po_tool.check(catalogs) == 0


@pytest.mark.parametrize(("english", "chinese", "problem"), [
    ("Debt of {glue:text}`debt` {cite:p}`a2025`.", "債務{glue:text}`dept`{cite:p}`a2025`。", "glue:text"),
    ("A {term}`special purpose vehicle`.", "一家特殊目的實體。", "{term}`special purpose vehicle`"),
    ("A {term}`special purpose vehicle`.", "一家{term}`特殊目的實體 <special purpose vehicle>`。", None),
    ("See [the list](https://example.org).", "見[清單](https://example.com)。", "link"),
    ("Use `usd()` here.", "在此使用 usd()。", "`usd()`"),
    ('Get <a href="book.pdf">the PDF</a>.', '下載<a href="other.pdf">PDF</a>。', "html"),
])
def test_the_markup_check_finds_a_translators_slip(english, chinese, problem):
    wanted, got = po_tool.markup(english), po_tool.markup(chinese)
    if problem is None:
        assert wanted == got
    else:
        assert wanted != got and any(problem in piece for piece in (wanted - got) | (got - wanted))


def test_the_catalogs_hold_the_current_english_text(tmp_path, monkeypatch):
    """Every paragraph of today's English text has its entry: a changed English paragraph fails
    here until ``python tools/zh_edition.py update`` is run and the entry translated again."""
    from babel.messages.pofile import read_po

    monkeypatch.setattr(zh_edition, "GETTEXT_OUTPUT", tmp_path / "gettext")
    monkeypatch.setattr(zh_edition, "TEMPLATES", tmp_path / "gettext" / "_build" / "gettext")
    templates = zh_edition.extract()
    missing = {}
    for template in sorted(templates.rglob("*.pot")):
        name = template.relative_to(templates).with_suffix(".po")
        with template.open("rb") as handle:
            wanted = {m.id for m in read_po(handle) if m.id}
        catalog = zh_edition.CATALOGS / name
        assert catalog.is_file(), f"no catalog {name}: run python tools/zh_edition.py update"
        with catalog.open("rb") as handle:
            have = {m.id for m in read_po(handle) if m.id and m.string and not m.fuzzy}
        if wanted - have:
            missing[str(name)] = sorted(wanted - have)[:3]
    assert missing == {}, f"English text without a translation (run tools/zh_edition.py update): {missing}"


def _zh(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / ZH / page).read_text(encoding="utf-8"), "html.parser")


def test_the_edition_has_every_page(built_site):
    missing = [page for page in PAGES if not (built_site / ZH / page).is_file()]
    assert missing == []


@pytest.mark.parametrize("page", PAGES)
def test_a_page_is_in_chinese_and_linked_to_its_english_twin(built_site, page):
    zh = _zh(built_site, page)
    assert zh.html["lang"] == "zh-TW"
    switch = zh.select_one("a[title='Read this page in English']")
    assert switch is not None and switch.get_text(strip=True) == "English"
    assert (switch.get("hreflang"), switch.get("lang"), switch.get("target")) == ("en", "en", None)
    depth = page.count("/") + 1
    assert switch["href"] == "../" * depth + page
    assert (built_site / page).is_file()
    alternates = {link["hreflang"]: link["href"] for link in zh.find_all("link", rel="alternate")}
    assert alternates.get("en") == switch["href"]

    english = BeautifulSoup((built_site / page).read_text(encoding="utf-8"), "html.parser")
    assert english.html["lang"] == "en"
    to_zh = english.select_one("a[title='以中文閱讀本頁']")
    assert to_zh is not None and to_zh.get_text(strip=True) == "中文"
    assert (to_zh.get("hreflang"), to_zh.get("lang"), to_zh.get("target")) == ("zh-TW", "zh-TW", None)
    assert (built_site / page).parent.joinpath(to_zh["href"]).resolve() == (built_site / ZH / page).resolve()


@pytest.mark.parametrize("page", PROSE_PAGES)
def test_a_page_has_no_english_sentence_outside_code(built_site, page):
    text = _page_text((built_site / ZH / page).read_text(encoding="utf-8"))
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 50
    assert english_runs(text) == []


@pytest.mark.parametrize("page", PAGES)
def test_every_link_of_a_chinese_page_leads_somewhere(built_site, page):
    """Relative links resolve to a file of the site (the one PDF, in English at the site's root, is
    made by make pdf, and checked there)."""
    here = built_site / ZH / page
    broken = []
    for link in _zh(built_site, page).find_all(["a", "link"], href=True):
        target = link["href"].split("#")[0].split("?")[0]
        if not target or ":" in target or target.endswith(".pdf"):
            continue
        if not (here.parent / target).resolve().exists():
            broken.append(link["href"])
    assert broken == []


def test_each_new_taiwan_dollar_figure_reads_once_as_about(built_site):
    """A chapter's first headline figure has its NT$ equivalent beside it, and the equivalent's own
    text says 約 (about): the sentence around it must not say it again."""
    found = 0
    for page in PAGES:
        html = (built_site / ZH / page).read_text(encoding="utf-8")
        assert '約<span class="pasted-text">約' not in html, page
        found += html.count('<span class="pasted-text">約新臺幣')
    assert found >= 6


def test_the_chinese_pages_offer_no_english_download_or_launch(built_site):
    zh = _zh(built_site, "chapters/01-the-spv.html")
    labels = {a.get("title", "") for a in zh.select(".article-header-buttons a, .dropdown-menu a, a.btn")}
    assert not any("Binder" in label or "Colab" in label or "browser" in label.lower() for label in labels)
    assert not zh.select("a[href$='.ipynb']"), "a download of the English notebook"
    english = BeautifulSoup((built_site / "chapters/01-the-spv.html").read_text(encoding="utf-8"), "html.parser")
    assert english.select("a[href$='.ipynb']"), "the check above must be able to find a download"


def _chart_specs(html: str) -> list[dict]:
    """The Vega-Lite specification of every chart on a page (``gpu_finance.viz.render.chart_html``)."""
    return [json.loads(spec) for spec in re.findall(r"\n  var spec = (\{.*?\});\n  var opts", html, flags=re.S)]


def _chart_titles(spec) -> list[str]:
    """Every title in a Vega spec: the chart's, its subtitle and every axis's and legend's."""
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in ("title", "subtitle"):
                if isinstance(value, dict):
                    found += _chart_titles({"text": value.get("text"), "sub": value.get("subtitle")})
                elif isinstance(value, list):
                    found += [str(v) for v in value]
                elif isinstance(value, str):
                    found.append(value)
            if key in ("text", "sub") and isinstance(value, (str, list)):
                found += [value] if isinstance(value, str) else [str(v) for v in value]
            elif isinstance(value, (dict, list)):
                found += _chart_titles(value)
    elif isinstance(spec, list):
        for item in spec:
            found += _chart_titles(item)
    return found


def test_chart_titles_are_in_chinese(built_site):
    """Every chart's title, subtitle and axis and legend titles in the Chinese edition: none holds
    an English phrase, and the English edition's checks find English there."""
    checked, english = 0, []
    for page in PAGES:
        for spec in _chart_specs((built_site / ZH / page).read_text(encoding="utf-8")):
            for title in _chart_titles(spec):
                if not title or title.startswith("datum") or "{" in title:
                    continue
                checked += 1
                if english_runs(title, words=2):
                    english.append(f"{page}: {title}")
    assert checked > 50
    assert english == []
    english_titles = [t for page in PAGES
                      for spec in _chart_specs((built_site / page).read_text(encoding="utf-8"))
                      for t in _chart_titles(spec) if english_runs(t, words=2)]
    assert english_titles, "the same check on the English edition must find English titles"


def test_search_finds_chinese_words(built_site):
    index = (built_site / ZH / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1:index.rindex(")")])
    docnames = data["docnames"]
    for word in ("折舊", "擔保", "債務"):
        assert word in data["terms"], f"{word} is not in the search index"
        pages = data["terms"][word]
        pages = pages if isinstance(pages, list) else [pages]
        assert any(docnames[i].startswith("chapters/") for i in pages)


@pytest.mark.browser
def test_search_page_lists_chapters_for_a_chinese_word(browser, site_url):
    page, foreign, errors = open_page(browser, f"{site_url}/{ZH}/search.html?q=%E6%8A%98%E8%88%8A")
    try:
        page.wait_for_selector("#search-results li", timeout=20_000)
        results = page.locator("#search-results li").all_inner_texts()
        assert any("折舊" in r for r in results), results
        assert foreign == [] and errors == []
    finally:
        page.close()


@pytest.mark.browser
def test_a_chinese_chart_slider_redraws(browser, site_url):
    from tests.website import assert_control_redraws

    page, foreign, errors = open_page(browser, f"{site_url}/{ZH}/chapters/00-the-deal.html")
    try:
        wait_for_charts(page)
        before, after = assert_control_redraws(page, "債務占成本比例", 0)
        assert "125億美元" in before and "125億美元" not in after
        assert foreign == [] and errors == []
    finally:
        page.close()


GLUE_PROJECT = {
    "conf.py": """
        extensions = ["myst_nb", "sbs_i18n_probe"]
        language = "zh_TW"
        locale_dirs = ["locales"]
        gettext_compact = False
        nb_execution_mode = "force"
        nb_ipywidgets_js = {}
        import sys; sys.path.insert(0, "EXT")
        """,
    "sbs_i18n_probe.py": """
        from sbs_i18n import TranslatedPasteTextRole, _override_glue_role
        def setup(app):
            app.connect("config-inited", _override_glue_role)
        """,
    "index.md": """
        ---
        file_format: mystnb
        kernelspec:
          name: python3
          display_name: Python 3
        ---
        # Title

        ```{code-cell} python
        from myst_nb import glue
        glue("debt", "125億美元", display=False)
        ```

        The debt is {glue:text}`debt`.
        """,
}


def _glue_project(tmp_path: Path, translation: str) -> subprocess.CompletedProcess:
    for name, text in GLUE_PROJECT.items():
        (tmp_path / name).write_text(textwrap.dedent(text).replace("EXT", str(ROOT / "book" / "_ext")).lstrip(),
                                     encoding="utf-8")
    catalogs = tmp_path / "locales" / "zh_TW" / "LC_MESSAGES"
    catalogs.mkdir(parents=True)
    (catalogs / "index.po").write_text(
        f'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        f'msgid "The debt is {{glue:text}}`debt`."\nmsgstr "{translation}"\n', encoding="utf-8")
    command = [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(tmp_path), str(tmp_path / "_build" / "html")]
    return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)


def test_glue_works_in_translated_text(tmp_path):
    result = _glue_project(tmp_path, "債務為{glue:text}`debt`。")
    assert result.returncode == 0, result.stderr[-2000:]
    html = (tmp_path / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    assert "債務為<span class=\"pasted-text\">125億美元</span>。" in html


def test_a_wrong_glue_key_in_a_translation_fails_the_build(tmp_path):
    result = _glue_project(tmp_path, "債務為{glue:text}`dept`。")
    assert result.returncode != 0
    assert "dept" in result.stderr
