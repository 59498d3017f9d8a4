"""Helpers for the tests of the built website: find or build it, serve it, drive Chromium.

The browser is Debian's ``/usr/bin/chromium`` (or ``$CHROMIUM``), driven by Python Playwright; the
tests never download a browser. Without Chromium they skip with a reason, except under CI
(``$CI`` set), where a missing browser is an error.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"

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

#: The build command of the README, with warnings as errors.
BUILD_COMMAND = [
    sys.executable, "-m", "jupyter_book", "build", str(ROOT),
    "--builder", "html", "-W", "-n", "--keep-going",
]


def chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else None


def build_site() -> Path:
    """Build the book (cached execution makes a rebuild quick) and return the HTML folder."""
    result = subprocess.run(BUILD_COMMAND, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"the book did not build:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return SITE


def site_pages(site: Path) -> list[str]:
    """Every content page of the site, as paths relative to its root (search and index excluded)."""
    skip = {"search.html", "genindex.html", "index.html"}
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if p.name not in skip
        and not any(part.startswith(("_", ".")) for part in p.relative_to(site).parts[:-1])
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
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
