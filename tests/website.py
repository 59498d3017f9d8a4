"""Helpers for the tests of the built website: build it, open its pages, drive its controls.

The browser helpers shared with the benchmark and the tools (finding Chromium, serving the site,
waiting for its charts) live in ``tools/website.py`` and are imported from here. Without Chromium
the browser tests skip with a reason, except under CI (``$CI`` set), where a missing browser is an
error (``tests/conftest.py``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tools.website import (  # noqa: F401  (re-exported for the tests)
    BUILD_COMMAND,
    CHART_TEXT_CONTRAST_JS,
    CHROMIUM_ARGS,
    LIGHT_BACKGROUNDS_JS,
    LITE_KERNEL_IDLE_JS,
    ROOT,
    SITE,
    chromium_path,
    serve,
    toc_pages,
    wait_for_charts,
)


def build_site() -> Path:
    """Build the book (cached execution makes a rebuild quick) and return the HTML folder."""
    result = subprocess.run(BUILD_COMMAND, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"the book did not build:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return SITE


#: Pages that only send a reader on: the chapters' old addresses (``book/redirects``), and where
#: they lead when the link names no section.
REDIRECTS = {
    "chapters/03-the-backstop.html": "chapters/03-the-guarantee.html",
    "chapters/04-who-pays.html": "chapters/05-who-pays.html",
}


def site_pages(site: Path) -> list[str]:
    """Every content page of the site, as paths relative to its root (search, index, the
    redirects from old addresses, the live edition's JupyterLite under ``lite/`` and the Traditional
    Chinese edition under ``zh-TW/`` excluded)."""
    skip = {"search.html", "genindex.html", "index.html"}
    return sorted(
        path
        for p in site.rglob("*.html")
        if p.name not in skip
        and not any(part.startswith(("_", ".")) for part in p.relative_to(site).parts[:-1])
        and p.relative_to(site).parts[0] not in ("lite", "zh-TW")
        and (path := p.relative_to(site).as_posix()) not in REDIRECTS
    )


_CONTEXTS: dict = {}


def _shared_context(browser):
    """One browser context for every page a test process opens: pages stay separate, but Chromium's
    cache (and its compiled-script cache) is shared, so the site's scripts are not parsed anew each
    time. Each page still starts from the page's own initial state. Given a context (a phone's
    viewport, dark mode), the page opens in that context."""
    if not hasattr(browser, "new_context"):  # already a BrowserContext
        return browser
    if id(browser) not in _CONTEXTS:
        _CONTEXTS[id(browser)] = browser.new_context()
    return _CONTEXTS[id(browser)]


def open_page(browser, url: str):
    """Open ``url`` in a fresh page, blocking (and recording) any request to another host.

    Returns ``(page, foreign, errors)``: the Playwright page, the list of requests made to other
    hosts, and the list of console errors and uncaught exceptions, both filled as the page runs.
    """
    page = _shared_context(browser).new_page()
    host = urlparse(url).netloc
    foreign: list[str] = []
    errors: list[str] = []

    def route(route_):
        target = urlparse(route_.request.url)
        if target.scheme in ("http", "https", "ws", "wss") and target.netloc != host:
            foreign.append(route_.request.url)
            route_.abort()
        else:
            route_.continue_()

    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    page.route("**/*", route)
    page.goto(url, wait_until="load")
    return page, foreign, errors


def chapter_fixture(path: str):
    """A fixture for one page of the built site: it opens ``path``, waits for the charts, yields
    ``(page, foreign requests, errors)`` and closes the page after the test. In a test module:
    ``chapter = chapter_fixture("chapters/03-the-guarantee.html")``."""

    @pytest.fixture
    def chapter(browser, site_url):
        page, foreign, errors = open_page(browser, f"{site_url}/{path}")
        wait_for_charts(page)
        yield page, foreign, errors
        page.close()

    return chapter


#: The pages that draw charts: every chapter, the landing page and the story since the essay.
CHART_PAGES = [p for p in toc_pages() if p.startswith("chapters/")] + ["book/intro.html", "book/since-the-essay.html"]
#: Smallest text in a chart (issue 17: nothing under 11 px), in both themes.
MIN_CHART_FONT_PX = 11


#: Every formula on the page as the browser laid it out: the MathML is drawn (not shown as text),
#: fractions stacked, in the book's math font, and inline formulas on the line's baseline (an empty
#: ``<mspace>`` appended to the formula sits on its baseline; an empty inline block after it, on the
#: text's). Returns counts and the problems found.
FORMULAS_JS = """async () => {
  await document.fonts.ready;
  const problems = [];
  const tex = el => ((el.closest('math') || el).querySelector('annotation') || el).textContent.slice(0, 60);
  const all = [...document.querySelectorAll('article math')];
  const shown = all.filter(m => m.getClientRects().length > 0);
  for (const m of shown) {
    const box = m.getBoundingClientRect();
    if (box.width < 4 || box.height < 4) problems.push('not drawn: ' + tex(m));
  }
  for (const f of document.querySelectorAll('article mfrac')) {
    if (f.getClientRects().length === 0) continue;
    const [top, bottom] = [...f.children].map(c => c.getBoundingClientRect());
    if (!(top.bottom <= bottom.top + 1)) problems.push('fraction not stacked: ' + tex(f));
  }
  const font = getComputedStyle(shown[0] || document.body).fontFamily;
  if (shown.length && !(/Book Math/.test(font) && document.fonts.check('16px "Book Math"', 'x'))) {
    problems.push('math font not used or not loaded: ' + font);
  }
  const offsets = [];
  for (const m of shown.filter(m => m.getAttribute('display') !== 'block')) {
    const row = m.querySelector('semantics > *') || m;
    const space = document.createElementNS('http://www.w3.org/1998/Math/MathML', 'mspace');
    row.appendChild(space);
    const marker = document.createElement('span');
    marker.style.cssText = 'display:inline-block;width:0;height:0';
    m.after(marker);
    const offset = space.getBoundingClientRect().bottom - marker.getBoundingClientRect().bottom;
    space.remove(); marker.remove();
    offsets.push(offset);
    if (Math.abs(offset) > 1) problems.push('off the baseline by ' + offset.toFixed(1) + ' px: ' + tex(m));
  }
  return {displayed: shown.filter(m => m.getAttribute('display') === 'block').length,
          inline: offsets.length, problems: problems.slice(0, 10)};
}"""


def assert_formulas_render(page, displayed: int, inline: int = 0) -> None:
    """At least ``displayed`` displayed and ``inline`` inline formulas, each drawn by the browser as
    MathML (the site has no math script), in the book's math font, fractions stacked and inline
    formulas on the text's baseline (within 1 px)."""
    result = page.evaluate(FORMULAS_JS)
    assert result["problems"] == [], result["problems"]
    assert result["displayed"] >= displayed and result["inline"] >= inline, result


def assert_charts_and_no_live_panel_output(page, at_least: int) -> None:
    """At least ``at_least`` charts drawn, none showing the could-not-draw message, and the live
    panels (they need a kernel) present only as their note: no widget output on the website."""
    assert wait_for_charts(page) >= at_least
    assert page.locator(".sbs-chart:has-text('could not be drawn')").count() == 0
    assert page.locator(".widget-vbox, .jupyter-widgets, .widget-slider").count() == 0
    assert page.locator(".live-panel").count() >= 1


def set_control(chart, label: str, value) -> None:
    """Set a chart's bound control (slider or menu) whose label contains ``label``.

    ``chart`` is a locator for one ``.sbs-chart``; ``value`` is in the control's displayed units.
    """
    control = chart.locator(".vega-bind", has_text=label).locator("input, select").first
    if control.evaluate("el => el.tagName") == "SELECT":
        control.select_option(str(value))
    else:
        control.fill(str(value))
        control.dispatch_event("input")


def chart_with_control(page, label: str):
    """The first chart on the page that has a bound control whose label contains ``label``."""
    return page.locator(".sbs-chart").filter(has=page.locator(".vega-bind", has_text=label)).first


def assert_control_redraws(page, label: str, value) -> tuple[str, str]:
    """Move the control labelled ``label`` to ``value`` and wait for its chart's SVG to change.

    Returns the chart's text before and after, for further checks.
    """
    chart = chart_with_control(page, label)
    before_svg = chart.locator("svg").first.inner_html()
    before_text = chart.inner_text()
    set_control(chart, label, value)
    page.wait_for_function(
        "([el, old]) => el.querySelector('svg').innerHTML !== old",
        arg=[chart.element_handle(), before_svg],
        timeout=5_000,
    )
    return before_text, chart.inner_text()


def drive_the_deal_panel(page) -> None:
    """The prologue's live panel in a running notebook (JupyterLab or the live edition): move the
    debt-share slider to zero with the keyboard and wait until its chart says so."""
    panel = page.locator(".widget-vbox").filter(has_text="The deal, live").first
    panel.scroll_into_view_if_needed()
    panel.locator(".sbs-chart svg").first.wait_for(timeout=30_000)
    page.wait_for_function("el => el.innerText.includes('62.5% of the $20B is borrowed')",
                           arg=panel.element_handle(), timeout=30_000)
    handle = panel.locator(".widget-slider").filter(has_text="Debt share").locator(".noUi-handle").first
    handle.focus()
    page.keyboard.press("Home")
    page.wait_for_function(
        "el => el.innerText.includes('0% of the $20B is borrowed') && !el.innerText.includes('62.5%')",
        arg=panel.element_handle(), timeout=30_000,
    )
