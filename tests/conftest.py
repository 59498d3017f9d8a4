"""Shared fixtures: the built site, a local server for it, and a Chromium browser.

Two slow jobs start in the background as soon as the tests are collected, and the tests that
need them run last, so that the machine's second core works while the model tests and nbval run:
building the book (for the tests of the site) and grading the problem sets."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

import subprocess

from tests.website import BUILD_COMMAND, CHROMIUM_ARGS, ROOT, SITE, build_site, chromium_path, serve

_BACKGROUND_BUILD: dict = {}


def _need_browser() -> str:
    path = chromium_path()
    if path is None:
        message = "Chromium is not installed (apt-get install -y chromium); the browser tests need it"
        if os.environ.get("CI"):
            pytest.fail(message + " and CI is set, so they must run", pytrace=False)
        pytest.skip(message)
    return path


def _reuse_site() -> bool:
    return bool(os.environ.get("SBS_REUSE_SITE")) and (SITE / "index.html").exists()


@pytest.fixture(scope="session")
def built_site():
    """The book's HTML, freshly built with warnings as errors (execution is cached)."""
    if _reuse_site():
        return SITE
    process = _BACKGROUND_BUILD.get("process")
    if process is None:
        return build_site()
    process.wait()
    _BACKGROUND_BUILD["log"].close()
    if process.returncode != 0:
        log = Path(_BACKGROUND_BUILD["log"].name).read_text(encoding="utf-8", errors="replace")
        raise AssertionError(f"the book did not build:\n{log[-6000:]}")
    return SITE


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
    """Start the book's build and the problem sets' grading in the background, and order the tests:
    those that need neither first, then the site's, then those waiting for the grading."""
    if config.option.collectonly:
        return
    on_site = [item for item in items if "built_site" in getattr(item, "fixturenames", ())]
    grading = [item for item in items if "coursework" in getattr(item, "fixturenames", ())]
    if on_site and not _reuse_site():
        log = tempfile.NamedTemporaryFile("w", prefix="sbs-build-", suffix=".log", delete=False)
        _BACKGROUND_BUILD.update(log=log, process=subprocess.Popen(
            BUILD_COMMAND, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
        config.add_cleanup(lambda: Path(log.name).unlink(missing_ok=True))
        config.add_cleanup(lambda: _BACKGROUND_BUILD["process"].poll() is None and _BACKGROUND_BUILD["process"].kill())
    if grading:
        from tests import test_assignments

        dist = Path(tempfile.mkdtemp(prefix="sbs-coursework-"))
        config.add_cleanup(lambda: shutil.rmtree(dist, ignore_errors=True))
        config.add_cleanup(test_assignments.stop_grading)  # runs first: cleanups run in reverse
        test_assignments.start_grading(dist)
    last = set(map(id, on_site)) | set(map(id, grading))
    items[:] = ([item for item in items if id(item) not in last]
                + [item for item in on_site if item not in grading] + grading)
