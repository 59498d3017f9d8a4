"""Shared fixtures: the built site, a local server for it, and a Chromium browser; and the start of the
problem sets' grading, which runs alongside the other tests."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.website import CHROMIUM_ARGS, SITE, build_site, chromium_path, serve


def _need_browser() -> str:
    path = chromium_path()
    if path is None:
        message = "Chromium is not installed (apt-get install -y chromium); the browser tests need it"
        if os.environ.get("CI"):
            pytest.fail(message + " and CI is set, so they must run", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def built_site():
    """The book's HTML, freshly built with warnings as errors (execution is cached)."""
    if os.environ.get("SBS_REUSE_SITE") and (SITE / "index.html").exists():
        return SITE
    return build_site()


@pytest.fixture(scope="session")
def site_url(built_site):
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    executable = _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected what will not run
def pytest_collection_modifyitems(config, items):
    """Grading the problem sets (tests/test_assignments.py) runs notebooks in two worker processes:
    start it now, and run the tests that wait for it last, so that it overlaps the rest of the suite."""
    waiting = [item for item in items if "coursework" in getattr(item, "fixturenames", ())]
    if not waiting or config.option.collectonly:
        return
    from tests import test_assignments

    dist = Path(tempfile.mkdtemp(prefix="sbs-coursework-"))
    config.add_cleanup(lambda: shutil.rmtree(dist, ignore_errors=True))
    config.add_cleanup(test_assignments.stop_grading)  # runs first: cleanups run in reverse
    test_assignments.start_grading(dist)
    items[:] = [item for item in items if item not in waiting] + waiting
