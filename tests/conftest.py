"""Shared fixtures: the built site, a local server for it, a Chromium browser, and the book's chart
renderer for the chart tests.

The suite runs in parallel (pytest-xdist, ``-n 2`` in ``pyproject.toml``, whole files per process).
Two slow jobs overlap the other tests: building the book, which one test process starts in the
background as soon as the tests are collected, and every process's site tests wait for (they run
last); and grading the problem sets, which ``tests/test_assignments.py`` starts when its first
grading test needs it (or, in a single process, as the tests are collected).
"""

from __future__ import annotations

import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from tests.website import build_site
from tools.website import ROOT, SITE, chromium_path, serve

#: How long a test process waits for the background build before giving up.
BUILD_TIMEOUT_S = 20 * 60


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


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def _run_dir(config) -> Path:
    """A folder shared by every process of this test run (named by pytest-xdist's run id)."""
    uid = config.workerinput["testrunuid"] if _is_worker(config) else config.option.testrunuid
    return Path(tempfile.gettempdir()) / f"sbs-tests-{uid}"


def pytest_configure(config):
    if _is_worker(config):
        return
    if getattr(config.option, "testrunuid", None) is None:  # xdist passes it on to the workers
        config.option.testrunuid = uuid.uuid4().hex
    run_dir = _run_dir(config)
    run_dir.mkdir(parents=True, exist_ok=True)
    config.add_cleanup(lambda: shutil.rmtree(run_dir, ignore_errors=True))


def _start_build(config) -> None:
    """Start the book's build unless another process of this run has (an exclusive lock file)."""
    run_dir = _run_dir(config)
    try:
        os.close(os.open(run_dir / "build.lock", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return
    owner = os.getppid() if _is_worker(config) else os.getpid()  # the run's main process
    subprocess.Popen([sys.executable, "-m", "tests._background_build", str(run_dir), str(owner)], cwd=ROOT)


@pytest.fixture(scope="session")
def built_site(request):
    """The book's HTML, freshly built with warnings as errors (execution is cached)."""
    if _reuse_site():
        return SITE
    run_dir = _run_dir(request.config)
    if not (run_dir / "build.lock").exists():  # no background build (the tests were not collected)
        return build_site()
    status = run_dir / "build.status"
    deadline = time.monotonic() + BUILD_TIMEOUT_S
    while not status.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"the book's build took more than {BUILD_TIMEOUT_S} s")
        time.sleep(0.25)
    if status.read_text(encoding="utf-8").strip() != "0":
        log = (run_dir / "build.log").read_text(encoding="utf-8", errors="replace")
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

    from tools.website import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def book_renderer(monkeypatch):
    """Charts rendered as the book renders them (``gpu_finance.viz.render``), with the Vega bundle
    not yet shown, so each test sees the first chart of a notebook. A test module opts in with
    ``pytestmark = pytest.mark.usefixtures("book_renderer")``."""
    from gpu_finance.viz import render

    render.enable()
    monkeypatch.setattr(render, "_bundle_shown", False)


@pytest.fixture
def site_renderer(book_renderer, monkeypatch):
    """:func:`book_renderer`, rendering for the website (as during ``make book``: the extension sets
    the site's environment variable)."""
    from gpu_finance.viz import render

    monkeypatch.setenv(render.SITE_ENV_VAR, "1")


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected what will not run
def pytest_collection_modifyitems(config, items):
    """Start the book's build (and, in a single process, the problem sets' grading) in the
    background, and order the tests: those that need neither first, then the site's, then those
    waiting for the grading."""
    if config.option.collectonly:
        return
    on_site = [item for item in items if "built_site" in getattr(item, "fixturenames", ())]
    grading = [item for item in items if "coursework" in getattr(item, "fixturenames", ())]
    if on_site and not _reuse_site():
        _start_build(config)
    if grading and not _is_worker(config):
        from tests import test_assignments

        dist = Path(tempfile.mkdtemp(prefix="sbs-coursework-"))
        config.add_cleanup(lambda: shutil.rmtree(dist, ignore_errors=True))
        config.add_cleanup(test_assignments.stop_grading)  # runs first: cleanups run in reverse
        test_assignments.start_grading(dist)
    last = set(map(id, on_site)) | set(map(id, grading))
    items[:] = ([item for item in items if id(item) not in last]
                + [item for item in on_site if item not in grading] + grading)
    if _is_worker(config):
        # With two processes, the longest file first, whole (its tests in the order above): one
        # process runs it while the other runs the rest (pyproject.toml keeps this order:
        # --no-loadscope-reorder). Every process sorts alike, so they collect the same list.
        first = [item for item in items if item.nodeid.split("::")[0] in LONGEST_FIRST]
        items[:] = first + [item for item in items if item not in first]


#: Test files that take longest (``pytest --durations``): the live edition runs every notebook in
#: the browser (about 390 s of the suite's 750 s on a 2-core machine), so it starts as soon as
#: the site is built rather than after the files that happen to come before it.
LONGEST_FIRST = ("tests/test_lite.py",)


@pytest.fixture
def count_model_calls(monkeypatch):
    """``count_model_calls(names)`` counts, from then on, the calls of the model functions ``names``
    (a Counter): the tests that check a live panel solves its model once per update use it."""

    def count(names) -> collections.Counter:
        """Count calls of the model functions ``names``, wherever a module of the package holds them: the
        model's own calls to each other are counted too, so a test can compare an update with the model."""
        counts: collections.Counter = collections.Counter()
        for module in [m for name, m in sys.modules.items() if name.startswith("gpu_finance") and m is not None]:
            for name in names:
                function = vars(module).get(name)
                if callable(function) and not hasattr(function, "counted"):
                    def counted(*args, _name=name, _function=function, **kwargs):
                        counts[_name] += 1
                        return _function(*args, **kwargs)
                    counted.counted = True
                    monkeypatch.setattr(module, name, counted)
        return counts

    def clear_caches() -> None:
        """Forget the model's memoised results (``functools.cache``), so a count is of real solves."""
        for module in [m for name, m in sys.modules.items() if name.startswith("gpu_finance") and m is not None]:
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()

    count.clear_caches = clear_caches
    return count
