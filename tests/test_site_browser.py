"""The built website in a real browser: every page loads only its own files, logs no console error,
and draws every chart, in both editions (English, and Traditional Chinese under ``zh-TW/``); the
prologue's bound slider redraws its chart.

Run with the rest of the suite (``pytest``); needs Debian's Chromium (see ``tests/website.py``).
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.website import (
    CHART_PAGES, CHART_TEXT_CONTRAST_JS, MIN_CHART_FONT_PX, assert_charts_and_no_live_panel_output,
    assert_control_redraws, open_page, site_pages, toc_pages, wait_for_charts,
)

pytestmark = pytest.mark.browser

#: Every page of both editions.
PAGES = toc_pages() + [f"zh-TW/{page}" for page in toc_pages()]
CHART_PAGES = CHART_PAGES + [f"zh-TW/{page}" for page in CHART_PAGES]


@pytest.fixture(scope="module")
def loaded(browser, site_url):
    """Each page opened once, charts drawn, shared by the checks below: ``loaded(path)`` returns
    ``(page, foreign, errors)``."""
    pages: dict = {}

    def load(page_path: str):
        if page_path not in pages:
            page, foreign, errors = open_page(browser, f"{site_url}/{page_path}")
            wait_for_charts(page)
            page.wait_for_timeout(300)  # let late scripts (search, charts) report errors too
            pages[page_path] = (page, foreign, errors)
        return pages[page_path]

    yield load
    for page, _, _ in pages.values():
        page.close()


def test_site_lists_the_expected_pages(built_site):
    pages = site_pages(built_site)
    for expected in ("book/intro.html", "book/how-to-use.html", "chapters/00-the-deal.html",
                     "book/glossary.html", "book/references.html"):
        assert expected in pages and expected in PAGES


@pytest.mark.parametrize("page_path", PAGES)
def test_page_is_self_contained_and_error_free(loaded, page_path):
    page, foreign, errors = loaded(page_path)
    charts = page.locator(".sbs-chart").count()
    assert foreign == [], f"{page_path} requested other hosts: {foreign}"
    assert errors == [], f"{page_path} logged console errors: {errors}"
    failed = page.locator(".sbs-chart:has-text('could not be drawn')").count()
    assert failed == 0, f"{page_path}: {failed} of {charts} charts could not be drawn"


@pytest.mark.parametrize("page_path", PAGES)
def test_page_has_no_serious_accessibility_violations(loaded, page_path):
    """axe-core (bundled by axe-playwright-python) on every page, charts drawn first."""
    from axe_playwright_python.sync_playwright import Axe

    page, _, _ = loaded(page_path)
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{page_path}: " + "; ".join(serious)


@pytest.mark.parametrize("page_path", CHART_PAGES)
def test_chart_text_reads_at_wcag_contrast(loaded, page_path):
    """Every text in every chart against what lies under it (4.5:1, 3:1 for large text), and none
    under 11 px; dark mode is checked in tests/test_site_reader.py."""
    page, _, _ = loaded(page_path)
    contrast = page.evaluate(CHART_TEXT_CONTRAST_JS, MIN_CHART_FONT_PX)
    assert contrast["checked"] > 0
    assert contrast["failures"] == [], f"{page_path}: {contrast['failures'][:5]}"


@pytest.mark.parametrize("page_path", CHART_PAGES)
def test_on_a_laptop_each_chart_is_drawn_once_from_its_compiled_spec(loaded, page_path):
    """At 1280 px every chart fits the column as built: drawn once, from the Vega spec compiled when
    the book was built (so the browser skips the Vega-Lite compiler), not redrawn narrower for a
    title or a view too wide, and not scaled down."""
    page, _, _ = loaded(page_path)
    drawn = page.evaluate("""() => [...document.querySelectorAll('.sbs-chart')].map(c => ({
        title: c.getAttribute('aria-label').slice(0, 60), from: c.getAttribute('data-sbs-drawn-from'),
        draws: c.getAttribute('data-sbs-draws'), scaled: c.classList.contains('sbs-scaled')}))""")
    assert drawn, f"{page_path} has no chart"
    wrong = [d for d in drawn if (d["from"], d["draws"], d["scaled"]) != ("vega", "1", False)]
    assert wrong == [], f"{page_path}: charts not drawn once from their compiled spec: {wrong}"


def test_prologue_has_charts_and_no_live_panel_output(loaded):
    page, _, _ = loaded("chapters/00-the-deal.html")
    assert_charts_and_no_live_panel_output(page, 3)


def test_prologue_slider_redraws_its_chart(browser, site_url):
    page, _, errors = open_page(browser, f"{site_url}/chapters/00-the-deal.html")
    try:
        wait_for_charts(page)
        before, after = assert_control_redraws(page, "Debt share of the cost", 0)
        assert "Debt held by the SPV, not the sponsor: $12.5B (62.5% of the cost)" in before
        assert "Debt held by the SPV, not the sponsor: $0 (0% of the cost)" in after
        assert errors == []
    finally:
        page.close()


@pytest.mark.parametrize(("old", "new"), [
    ("chapters/03-the-backstop.html", "chapters/03-the-guarantee.html"),
    ("chapters/03-the-backstop.html#the-loss-waterfall", "chapters/04-the-backstop.html#the-loss-waterfall"),
    ("chapters/03-the-backstop.html#loan-that-closed", "chapters/03-the-guarantee.html#loan-that-closed"),
    ("chapters/04-who-pays.html#who-pays", "chapters/05-who-pays.html#who-pays"),
    # the API was one page; its entries now live on pages by subject
    ("book/api.html#gpu_finance.lease_payment", "book/api/deal-and-spv.html#gpu_finance.lease_payment"),
    ("book/api.html#gpu_finance.viz.enable", "book/api/charts.html#gpu_finance.viz.enable"),
    ("book/api.html#api-accounting", "book/api/deal-and-spv.html#api-accounting"),  # a section
    ("book/api.html#api-collateral", "book/api/depreciation.html#api-collateral"),
])
def test_an_old_address_lands_on_the_new_page(browser, site_url, old, new):
    page = browser.new_page()
    page.goto(f"{site_url}/{old}")
    page.wait_for_url(f"{site_url}/{new}", timeout=10_000)
    assert page.url == f"{site_url}/{new}"
    page.close()



def test_theme_icons_render_from_the_web_fonts(loaded):
    """No Font Awesome script is loaded: the header's icons must still be drawn, by the theme's fonts."""
    page, _, _ = loaded("book/intro.html")
    icon = page.locator("i.fa-magnifying-glass >> visible=true").first
    style = icon.evaluate("""e => { const s = getComputedStyle(e, '::before');
        return {font: s.fontFamily, content: s.content, width: e.getBoundingClientRect().width}; }""")
    assert "Font Awesome" in style["font"] and style["content"] not in ("none", "normal", '""'), style
    assert style["width"] > 0, style
    loaded_fonts = page.evaluate("() => [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert any("Font Awesome" in family for family in loaded_fonts), loaded_fonts


def test_search_finds_words_from_the_search_page(browser, site_url):
    page = browser.new_page()
    try:
        page.goto(f"{site_url}/search.html?q=depreciation")
        page.wait_for_selector("#search-results ul.search li", timeout=15_000)
        assert page.locator("#search-results ul.search li").count() > 3
    finally:
        page.close()


def test_printed_pages_show_no_controls_and_wrap_code(browser, site_url):
    page = browser.new_page()
    try:
        page.goto(f"{site_url}/chapters/00-the-deal.html")
        wait_for_charts(page)
        assert page.locator(".sbs-print-caption").count() == 0
        page.evaluate("() => window.sbsCharts.printCaptions()")  # what the page does before printing
        page.emulate_media(media="print")
        shown = page.evaluate("""() => [...document.querySelectorAll(
            '.vega-bindings, .vega-embed details, button.toggle-button')].filter(e => e.offsetParent !== null).length""")
        assert shown == 0, f"{shown} controls would print"
        assert page.locator(".vega-bindings").count() > 0, "the page has bound controls on screen"
        # each chart with controls says on paper the values it is drawn at
        caption = page.locator(".sbs-print-caption", has_text="Debt share of the cost (%): 62.5")
        assert caption.count() == 1 and caption.is_visible()
        assert page.locator(".sbs-print-caption").count() == page.locator(".sbs-chart:has(.vega-bind)").count()
        wrap = page.evaluate("() => getComputedStyle(document.querySelector('div.highlight pre')).whiteSpace")
        assert wrap == "pre-wrap", wrap
        page.emulate_media(media="screen")
        assert page.evaluate("() => getComputedStyle(document.querySelector('.vega-bindings')).display") != "none"
        assert not page.locator(".sbs-print-caption").first.is_visible()
    finally:
        page.close()



#: Issue 17's byte goal for a page with charts (the landing page is one since it shows the money
#: loop): its HTML and every file it loads, cold cache. Text pages aim for 1.0 MB.
CHART_PAGE_GOAL_BYTES = 2_500_000


def test_the_landing_page_draws_the_money_loop_within_the_chart_page_goal(browser, site_url):
    """The site's root page, opened from a cold cache (its own browser context; the shared page has
    been through axe, whose probes log 404s), draws its one chart, the whole loop, with no console
    error and no request off the site, and loads no more than a chart page's byte goal."""
    context = browser.new_context()
    host = urlparse(site_url).netloc
    foreign: list[str] = []
    errors: list[str] = []
    sizes: list[int] = []

    def route(route_):
        if urlparse(route_.request.url).netloc == host:
            route_.continue_()
        else:
            foreign.append(route_.request.url)
            route_.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    page.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"]))
    try:
        page.goto(f"{site_url}/book/intro.html", wait_until="load")
        assert wait_for_charts(page) == 1
        page.wait_for_load_state("networkidle")
        chart = page.locator(".sbs-chart").first
        assert chart.locator("text=could not be drawn").count() == 0
        drawn = chart.locator("svg.marks").text_content()
    finally:
        context.close()
    assert foreign == [] and errors == [], (foreign, errors)
    for party in ("Chip vendor", "Lenders", "AI company", "Taxpayers", "The SPV"):
        assert party in drawn, f"the landing page's chart has no '{party}' box"
    assert "guarantee" in drawn and "loan" in drawn
    total = sum(sizes)
    assert total <= CHART_PAGE_GOAL_BYTES, f"book/intro.html loads {total:,} bytes, over {CHART_PAGE_GOAL_BYTES:,}"
