"""The website as readers meet it (issue 17): a phone 390 px wide, dark mode, a screen reader, a
keyboard, a 720 px tall laptop screen, and charts drawn only as the reader reaches them.

Each page is opened once per setting and every check for that setting runs on it. Timings are not
tested here; total blocking time under a slowed CPU is measured by ``make bench``.
"""

from __future__ import annotations

import re

import pytest

from tests.website import (
    CHART_PAGES, CHART_TEXT_CONTRAST_JS, LIGHT_BACKGROUNDS_JS, MIN_CHART_FONT_PX, open_page, toc_pages, wait_for_charts,
)

pytestmark = pytest.mark.browser

PAGES = toc_pages()
#: WCAG 2.5.8: a control at least 24 CSS pixels tall.
MIN_CONTROL_PX = 24
DARK = "localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');"


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    yield context
    context.close()


@pytest.fixture(scope="module")
def dark(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(DARK)
    yield context
    context.close()


# ------------------------------------------------------------------------------------------ phone
_WIDTHS_JS = """() => {
  const root = document.documentElement;
  return {
    sideways: root.scrollWidth - root.clientWidth,
    charts: [...document.querySelectorAll('.sbs-chart')].map((c, i) => {
      const box = c.getBoundingClientRect();
      const svg = c.querySelector('svg');
      const drawn = svg ? svg.getBoundingClientRect() : null;
      return {i, overflow: c.scrollWidth - c.clientWidth,
              outside: drawn ? Math.round(drawn.right - box.right) : null,
              title: c.getAttribute('aria-label')};
    }),
    controls: [...document.querySelectorAll('.vega-bind input[type=range], .vega-bind select')]
      .map(e => Math.round(e.getBoundingClientRect().height)),
  };
}"""


@pytest.mark.parametrize("page_path", PAGES)
def test_on_a_phone_nothing_scrolls_sideways_and_every_chart_fits_its_box(phone, site_url, page_path):
    page, foreign, errors = open_page(phone, f"{site_url}/{page_path}")
    try:
        wait_for_charts(page)
        page.wait_for_timeout(200)
        measured = page.evaluate(_WIDTHS_JS)
    finally:
        page.close()
    assert measured["sideways"] <= 0, f"{page_path} scrolls {measured['sideways']} px sideways on a 390 px phone"
    cut = [c for c in measured["charts"] if c["overflow"] > 1 or (c["outside"] or 0) > 1]
    assert cut == [], f"{page_path}: charts wider than their box on a phone: {cut}"
    small = [h for h in measured["controls"] if h < MIN_CONTROL_PX]
    assert small == [], f"{page_path}: controls under {MIN_CONTROL_PX} px tall: {small}"
    assert errors == [] and foreign == [], (errors, foreign)


def test_a_phone_gets_stacked_views_and_wrapped_titles_not_a_shrunken_desktop_chart(phone, site_url):
    """Chapter 5's preset comparison (views side by side on a desktop) is redrawn for the column:
    its title wraps onto several lines and its drawing is at most a little wider than the column."""
    page, _, _ = open_page(phone, f"{site_url}/chapters/01-the-spv.html")
    try:
        wait_for_charts(page)
        first = page.locator(".sbs-chart").first
        lines = first.locator("svg g.role-title-text text tspan").count()  # one tspan per line
        natural = first.evaluate("c => Number(c.querySelector('svg').getAttribute('width'))")
        column = first.evaluate("c => c.clientWidth")
    finally:
        page.close()
    assert lines >= 2, "the first chart's title should wrap on a phone"
    assert natural <= column * 1.25, f"drawn {natural} px wide for a {column} px column"


# ------------------------------------------------------------------------------------------ dark mode
#: What counts as a light box: a background lighter than mid-grey (#808080, relative luminance 0.216).
MID_GREY_LUMINANCE = 0.216


_HEIGHTS_JS = """() => [...document.querySelectorAll('.sbs-chart')].map(c => ({
    reserved: parseFloat(c.style.minHeight) || 0, drawn: c.getBoundingClientRect().height}))"""


@pytest.mark.parametrize("page_path", CHART_PAGES)
def test_in_dark_mode_charts_and_tables_sit_on_the_page_and_their_text_reads(dark, site_url, page_path):
    """Also: each chart's reserved height (estimated from its spec; an undrawn chart holds it) is
    within 30% (or 60 px) of the drawn one, so the page barely moves when a chart is drawn above
    the reader (and scroll anchoring absorbs that)."""
    page, _, errors = open_page(dark, f"{site_url}/{page_path}")
    try:
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
        reserved = [h["reserved"] for h in page.evaluate(_HEIGHTS_JS)]
        wait_for_charts(page)
        drawn = [h["drawn"] for h in page.evaluate(_HEIGHTS_JS)]
        light = page.evaluate(LIGHT_BACKGROUNDS_JS, [".bd-article .sbs-chart, .bd-article table", MID_GREY_LUMINANCE])
        contrast = page.evaluate(CHART_TEXT_CONTRAST_JS, MIN_CHART_FONT_PX)
    finally:
        page.close()
    assert light == [], f"{page_path}: light boxes behind charts or tables in dark mode: {light[:5]}"
    assert contrast["checked"] > 0, "no chart text checked"
    assert contrast["failures"] == [], f"{page_path} (dark): {contrast['failures'][:5]}"
    assert errors == [], errors
    misses = [f"chart {i + 1}: reserved {r:.0f} px, drawn {d:.0f} px"
              for i, (r, d) in enumerate(zip(reserved, drawn)) if r and abs(r - d) > max(60, 0.30 * d)]
    assert misses == [], f"{page_path}: {misses}"


def test_switching_the_theme_redraws_charts_in_its_colours_and_keeps_the_sliders(browser, site_url):
    page, _, errors = open_page(browser, f"{site_url}/chapters/00-the-deal.html")
    try:
        wait_for_charts(page)
        chart = page.locator(".sbs-chart").filter(has=page.locator(".vega-bind", has_text="Debt share")).first
        slider = chart.locator(".vega-bind", has_text="Debt share").locator("input[type=range]")
        slider.fill("40")
        slider.dispatch_event("input")
        title_fill = "c => getComputedStyle(c.querySelector('svg g.role-title-text text')).fill"
        assert chart.evaluate(title_fill) == "rgb(0, 0, 0)"
        page.evaluate("() => document.documentElement.setAttribute('data-theme', 'dark')")
        page.wait_for_function(f"c => ({title_fill})(c) === 'rgb(232, 232, 232)'", arg=chart.element_handle(),
                               timeout=10_000)
        kept = chart.locator(".vega-bind", has_text="Debt share").locator("input[type=range]").input_value()
        text = chart.inner_text()
    finally:
        page.close()
    assert float(kept) == 40.0, "the slider went back to its default when the theme changed"
    assert "$8B (40% of the cost)" in text, text[:300]
    assert errors == []


# ------------------------------------------------------------------------------------------ drawing lazily
def test_charts_are_drawn_as_the_reader_reaches_them_in_a_reserved_height(browser, site_url):
    page, _, errors = open_page(browser, f"{site_url}/chapters/02-the-depreciation-game.html")
    try:
        page.wait_for_function("() => window.sbsCharts", timeout=20_000)
        page.wait_for_timeout(1500)
        state = page.evaluate("""() => [...document.querySelectorAll('.sbs-chart')].map(c => ({
            drawn: !!c.querySelector('svg'), reserved: parseFloat(c.style.minHeight) || 0,
            top: c.getBoundingClientRect().top}))""")
        last = page.locator(".sbs-chart").last
        last.scroll_into_view_if_needed()
        last.locator("svg.marks").wait_for(timeout=20_000)
    finally:
        page.close()
    far = [s for s in state if s["top"] > 900 + 1600]
    assert far, "the chapter should have charts far below the first screen"
    assert not any(s["drawn"] for s in far), "charts far below the viewport were drawn at load"
    assert all(s["reserved"] >= 150 for s in far), "an undrawn chart must reserve its height"
    near = [s for s in state if s["top"] < 900 + 600]
    assert all(s["drawn"] for s in near), "charts in or near the first screen must be drawn at load"
    assert errors == []


# ------------------------------------------------------------------------------------------ screen readers
def test_every_chart_is_described_and_a_control_change_is_read_out(browser, site_url):
    page, _, errors = open_page(browser, f"{site_url}/chapters/00-the-deal.html")
    try:
        wait_for_charts(page)
        described = page.evaluate("""() => [...document.querySelectorAll('.sbs-chart')].map(c => {
            const d = document.getElementById(c.getAttribute('aria-describedby') || '');
            const svg = c.querySelector('svg');
            return {label: c.getAttribute('aria-label'), description: d ? d.textContent.trim() : '',
                    svgHidden: svg ? svg.getAttribute('aria-hidden') : null};
        })""")
        chart = page.locator(".sbs-chart").filter(has=page.locator(".vega-bind", has_text="Debt share")).first
        live = page.locator("#" + chart.get_attribute("id") + "-live")
        assert live.get_attribute("aria-live") == "polite"
        slider = chart.locator(".vega-bind", has_text="Debt share").locator("input[type=range]")
        slider.fill("0")
        slider.dispatch_event("input")
        live.filter(has_text="$0 (0% of the cost)").wait_for(state="attached", timeout=10_000)
        spoken = live.text_content()
    finally:
        page.close()
    assert described and all(d["label"] and len(d["description"]) > 40 for d in described), described
    assert all(d["svgHidden"] == "true" for d in described), "the SVG's tick labels must not be read one by one"
    assert "Debt held by the SPV, not the sponsor: $0 (0% of the cost)" in spoken
    assert errors == []


# ------------------------------------------------------------------------------------------ laptop chrome
@pytest.fixture(scope="module")
def laptop(browser):
    """A 1280×720 screen; charts are not fetched (only the page's layout matters)."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.route(re.compile(r"(vega-bundle|charts\.js)", re.I), lambda route: route.abort())
    yield context
    context.close()


@pytest.mark.parametrize("page_path", PAGES)
def test_the_book_title_stays_readable_in_the_sidebar_on_a_720_px_screen(laptop, site_url, page_path):
    page = laptop.new_page()
    try:
        page.goto(f"{site_url}/{page_path}", wait_until="load")
        page.wait_for_timeout(100)  # the theme scrolls the sidebar to the current page after load
        box = page.evaluate("""() => { const b = document.querySelector('.bd-sidebar-primary .navbar-brand');
            const r = b.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return {top: r.top, bottom: r.bottom, text: b.innerText.trim(), onTop: b.contains(hit),
                    sidebarScrolled: document.querySelector('.bd-sidebar-primary').scrollTop}; }""")
    finally:
        page.close()
    assert box["text"] == "Shadow Balance Sheets" and box["onTop"], box
    assert box["top"] >= 0 and box["bottom"] <= 720, box
