"""Browser helpers for the built website: find Chromium, serve the site, wait for its charts.

One copy, used by the tests of the site (``tests/website.py`` adds the test-only helpers), the
performance budget (``benchmarks/run.py``) and the written answers' PDF (``tools/assignments.py``).
The browser is Debian's ``/usr/bin/chromium`` (or ``$CHROMIUM``), driven by Python Playwright;
nothing here downloads a browser.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Where ``make book`` writes the website.
SITE = ROOT / "_build" / "html"

#: Headless Chromium with no sandbox (containers), no GPU and no network of its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

#: The README's build command (``make book``): both editions, with warnings as errors.
BUILD_COMMAND = [sys.executable, str(ROOT / "tools" / "build_book.py")]


#: In the live edition (``tools/lite.py``, JupyterLite with ``exposeAppInBrowser``): the open
#: notebook's kernel is idle, i.e. started, or done running.
LITE_KERNEL_IDLE_JS = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return Boolean(k && k.status === 'idle'); }"""


def chromium_path() -> str | None:
    """Chromium's executable: ``$CHROMIUM``, ``chromium`` or ``chromium-browser`` on the ``PATH``, or
    Debian's ``/usr/bin/chromium``; None if none of them exists (Playwright may then use its own)."""
    candidate = (os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
                 or "/usr/bin/chromium")
    return candidate if Path(candidate).exists() else None


def toc_pages() -> list[str]:
    """Every page the table of contents lists, as HTML paths relative to the site's root."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))

    def files(entries: list[dict]) -> list[str]:  # each entry, then its sections, in reading order
        return [name for entry in entries for name in [entry["file"], *files(entry.get("sections", []))]]

    return [f"{f}.html" for f in [toc["root"], *files([c for part in toc.get("parts", []) for c in part.get("chapters", [])])]]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the output readable
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """Serve ``folder`` on 127.0.0.1 on a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def wait_for_charts(page, timeout_ms: int = 20_000) -> int:
    """Draw every chart on a Playwright ``page`` (the website draws a chart only when it comes near
    the viewport; ``sbsCharts.drawAll()`` draws the rest) and wait until each holds an svg or
    canvas; return how many there are."""
    count = page.locator(".sbs-chart").count()
    if count:
        page.wait_for_function("() => document.readyState !== 'loading'", timeout=timeout_ms)
        page.evaluate("() => window.sbsCharts && window.sbsCharts.drawAll().then(() => null)")
        page.wait_for_function(
            """() => [...document.querySelectorAll('.sbs-chart')]
                   .every(el => el.querySelector('svg, canvas'))""",
            timeout=timeout_ms,
        )
    return count


#: Colour helpers shared by the browser checks below (statements for the body of a JS function):
#: ``parse`` a computed CSS colour, lay a colour ``over`` another, WCAG relative luminance ``lum``
#: and contrast ``ratio``, and ``pageBackground``: what is behind an element, its ancestors'
#: backgrounds blended down to the first opaque one (white if none).
_COLOUR_JS = r"""
  const parse = (c) => {
    const m = String(c).match(/rgba?\(([^)]+)\)/);
    if (!m) { return null; }
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, alpha, under) => ({r: top.r * alpha + under.r * (1 - alpha),
    g: top.g * alpha + under.g * (1 - alpha), b: top.b * alpha + under.b * (1 - alpha), a: 1});
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const pageBackground = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) { break; } }
    }
    let colour = {r: 255, g: 255, b: 255, a: 1};
    for (let i = layers.length - 1; i >= 0; i--) { colour = over(layers[i], layers[i].a, colour); }
    return colour;
  };
"""

#: For every text in every drawn chart of a page: its colour against what lies under it (the
#: topmost filled shape of the chart under the text's centre, else the page's background, with
#: opacity blended), the WCAG 2 contrast ratio, and the font size. Returns the texts that fail:
#: under 4.5:1 (3:1 for large text: 24 px, or 18.66 px bold) or under ``minPx`` pixels.
CHART_TEXT_CONTRAST_JS = "(minPx) => {" + _COLOUR_JS + r"""
  const style = document.createElement('style');
  style.textContent = '.sbs-chart svg * { pointer-events: auto !important; }';
  document.head.appendChild(style);
  const failures = [];
  let checked = 0;
  for (const chart of document.querySelectorAll('.sbs-chart')) {
    const svg = chart.querySelector('svg');
    if (!svg) { continue; }
    const base = pageBackground(chart);
    for (const text of svg.querySelectorAll('text')) {
      const content = text.textContent.trim();
      const box = text.getBoundingClientRect();
      if (!content || box.width === 0 || box.height === 0) { continue; }
      const cs = getComputedStyle(text);
      const fill = parse(cs.fill);
      if (!fill) { continue; }
      const x = box.left + box.width / 2, y = box.top + box.height / 2;
      if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) {
        text.scrollIntoView({block: 'center'});
      }
      const b2 = text.getBoundingClientRect();
      const cx = b2.left + b2.width / 2, cy = b2.top + b2.height / 2;
      let under = base;
      for (const el of document.elementsFromPoint(cx, cy)) {
        if (el === text || el.closest('text')) { continue; }
        if (!svg.contains(el)) { break; }
        const s = getComputedStyle(el);
        const f = parse(s.fill);
        const alpha = (f ? f.a : 0) * Number(s.fillOpacity || 1) * Number(s.opacity || 1);
        if (f && alpha > 0 && el.tagName !== 'svg' && el.tagName !== 'g') { under = over(f, alpha, base); break; }
      }
      let alpha = fill.a * Number(cs.fillOpacity || 1);
      for (let e = text; e && e !== svg; e = e.parentElement) { alpha *= Number(getComputedStyle(e).opacity || 1); }
      if (alpha === 0) { continue; }  // hidden (e.g. an axis label Vega hides where labels overlap)
      const colour = over(fill, alpha, under);
      const size = parseFloat(text.getAttribute('font-size') || cs.fontSize);
      const bold = Number(cs.fontWeight) >= 700 || cs.fontWeight === 'bold';
      const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
      const r = ratio(colour, under);
      checked += 1;
      if (r < needed || size < minPx) {
        failures.push({text: content.slice(0, 60), ratio: Math.round(r * 100) / 100, needed, size,
                       fill: cs.fill, under: `rgb(${Math.round(under.r)}, ${Math.round(under.g)}, ${Math.round(under.b)})`});
      }
    }
  }
  style.remove();
  return {checked, failures};
}
"""

#: The elements matching ``selector`` whose background (``pageBackground``) has a relative
#: luminance above ``maxLuminance``, as ``"TAG.class"`` strings: in dark mode, charts and
#: tables must sit on the dark page, not in a light box.
LIGHT_BACKGROUNDS_JS = "([selector, maxLuminance]) => {" + _COLOUR_JS + r"""
  return [...document.querySelectorAll(selector)]
    .filter(el => lum(pageBackground(el)) > maxLuminance)
    .map(el => `${el.tagName}.${el.className}`);
}
"""
