"""The built website in a real browser: every page loads only its own files, logs no console error,
and draws every chart; the prologue's bound slider redraws its chart.

Run with the rest of the suite (``pytest``); needs Debian's Chromium (see ``tests/website.py``).
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.website import SITE, site_pages

pytestmark = pytest.mark.browser

# Collected from the tree that exists when pytest starts; the site fixture rebuilds it first.
PAGES = site_pages(SITE) if SITE.exists() else [
    "book/intro.html", "book/how-to-use.html", "chapters/00-the-deal.html",
    "book/glossary.html", "book/references.html",
]


def _open(browser, url: str):
    """Open ``url`` in a fresh page; return the page and the lists it fills as it loads."""
    page = browser.new_page()
    host = urlparse(url).netloc
    foreign: list[str] = []
    errors: list[str] = []

    def on_request(request):
        parsed = urlparse(request.url)
        if parsed.scheme in ("http", "https", "ws", "wss") and parsed.netloc != host:
            foreign.append(request.url)

    def block_foreign(route):
        if urlparse(route.request.url).netloc != host and route.request.url.startswith(("http", "ws")):
            route.abort()
        else:
            route.continue_()

    page.on("request", on_request)
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    page.route("**/*", block_foreign)
    page.goto(url, wait_until="load")
    return page, foreign, errors


def _wait_for_charts(page) -> int:
    """Wait until every chart container holds an svg or canvas; return how many charts there are."""
    count = page.locator(".sbs-chart").count()
    if count:
        page.wait_for_function(
            """() => [...document.querySelectorAll('.sbs-chart')]
                   .every(el => el.querySelector('svg, canvas'))""",
            timeout=20_000,
        )
    return count


def test_site_lists_the_expected_pages(built_site):
    pages = site_pages(built_site)
    for expected in ("book/intro.html", "book/how-to-use.html", "chapters/00-the-deal.html",
                     "book/glossary.html", "book/references.html"):
        assert expected in pages


@pytest.mark.parametrize("page_path", PAGES)
def test_page_is_self_contained_and_error_free(browser, site_url, page_path):
    page, foreign, errors = _open(browser, f"{site_url}/{page_path}")
    try:
        charts = _wait_for_charts(page)
        page.wait_for_timeout(300)  # let late scripts (search, MathJax) report errors too
        assert foreign == [], f"{page_path} requested other hosts: {foreign}"
        assert errors == [], f"{page_path} logged console errors: {errors}"
        failed = page.locator(".sbs-chart:has-text('could not be drawn')").count()
        assert failed == 0, f"{page_path}: {failed} of {charts} charts could not be drawn"
    finally:
        page.close()


def test_prologue_has_charts_and_no_live_panel_output(browser, site_url):
    page, _, _ = _open(browser, f"{site_url}/chapters/00-the-deal.html")
    try:
        assert _wait_for_charts(page) >= 3
        # Live panels need a kernel: their output must not be on the website.
        assert page.locator(".widget-vbox, .jupyter-widgets, .widget-slider").count() == 0
        assert page.locator(".live-panel").count() >= 1
    finally:
        page.close()


def test_prologue_slider_redraws_its_chart(browser, site_url):
    page, _, errors = _open(browser, f"{site_url}/chapters/00-the-deal.html")
    try:
        _wait_for_charts(page)
        slider = page.locator(".sbs-chart input[type=range]").first
        chart = slider.locator("xpath=ancestor::div[contains(@class,'sbs-chart')]")
        before = chart.locator("svg").first.inner_html()
        slider.fill(str(slider.get_attribute("min")))  # move to the far left: no debt
        slider.dispatch_event("input")
        page.wait_for_function(
            "([el, old]) => el.querySelector('svg').innerHTML !== old",
            arg=[chart.element_handle(), before],
            timeout=5_000,
        )
        after = chart.locator("svg").first.inner_html()
        assert after != before
        assert "Debt held by the SPV, not the sponsor: $0 (0% of the cost)" in chart.inner_text()
        assert errors == []
    finally:
        page.close()
