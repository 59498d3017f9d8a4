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

#: The README's build command (``make book``), with warnings as errors.
BUILD_COMMAND = [
    str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT),
    "--builder", "html", "-W", "-n", "--keep-going",
]


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
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]
    return [f"{f}.html" for f in files]


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
    """Wait until every chart on a Playwright ``page`` holds an svg or canvas; return how many there are."""
    count = page.locator(".sbs-chart").count()
    if count:
        page.wait_for_function(
            """() => [...document.querySelectorAll('.sbs-chart')]
                   .every(el => el.querySelector('svg, canvas'))""",
            timeout=timeout_ms,
        )
    return count
