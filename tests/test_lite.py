"""The live edition (``tools/lite.py``): every notebook of the book (the six chapters, the landing
page and "Since the essay") runs to the end in the reader's browser, offline, in JupyterLite, with
the same numbers as the website.

The browser tests open each notebook from its page's "Run in your browser" button on the built
site, run every cell in the Pyodide kernel and read the notebook back from JupyterLab's own model:
no cell raised, every code cell ran, every chart was drawn, no request left the local server, and
every value the page glues into its text equals the website build's. The prologue's live panel is
driven with the keyboard, as a reader would; a reader's edit is kept and deleting it restores the
book's notebook.

The other tests need no browser: the live copies of the notebooks, the ``glue`` that replaces
myst-nb's, the pins and the lock file the edition carries, and the book building without the live
edition when a piece cannot be had.
"""

from __future__ import annotations

import ast
import hashlib
import json
import math
import os
import tarfile
import types
from pathlib import Path

import pytest

from tests.website import LITE_KERNEL_IDLE_JS, ROOT, drive_the_deal_panel
from tools import lite

#: Every notebook of the book, by page: the chapters, the landing page and "Since the essay".
PAGES = sorted(lite.notebooks())
CHAPTERS = [page for page in PAGES if page.startswith("chapters/")]
#: Glued values that are measurements of this machine, not results of the model: how long a
#: computation took (chapter 3's Monte Carlo, chapter 5's scenario run). Only these may differ.
MEASURED_TIMES = {"chapters/03-the-guarantee": {"mc_seconds"}, "chapters/05-who-pays": {"run_ms"}}
EXECUTED = ROOT / "_build" / "jupyter_execute"

#: Every code cell of the open notebook: its execution count, its errors and its glued values.
_CELLS = """() => { const cells = window.jupyterapp.shell.currentWidget.content.model.cells; const out = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i).toJSON();
    if (cell.cell_type !== 'code') continue;
    out.push({count: cell.execution_count,
              errors: cell.outputs.filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue),
              glued: cell.outputs.filter(o => o.metadata && o.metadata.scrapbook).map(o => [
                o.metadata.scrapbook.name, o.data[o.metadata.scrapbook.mime_prefix + 'text/plain']])});
  }
  return out; }"""


# -- without a browser ---------------------------------------------------------------------------


def _notebook(*cells: dict) -> dict:
    return {"cells": list(cells), "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
            "nbformat": 4, "nbformat_minor": 5}


def _code(source: str, tags=()) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {"tags": list(tags)}, "outputs": [{"x": 1}],
            "execution_count": 3}


def test_live_copy_drops_the_install_cell_takes_glue_from_the_package_and_names_the_pyodide_kernel():
    live = lite.live_notebook(_notebook(
        _code("%pip install gpu-finance myst-nb", tags=["remove-cell", "install-if-missing"]),
        _code("import numpy as np\nfrom myst_nb import glue\nglue('x', 1)"),
        {"cell_type": "markdown", "source": "Text with {glue:text}`x`.", "metadata": {}},
    ))
    assert [c["cell_type"] for c in live["cells"]] == ["code", "markdown"]
    assert live["cells"][0]["source"].split("\n") == [
        "import numpy as np", "from gpu_finance.formatting import glue  # myst-nb's glue(), without myst-nb",
        "glue('x', 1)"]
    assert live["cells"][0]["outputs"] == [] and live["cells"][0]["execution_count"] is None
    assert live["metadata"]["kernelspec"]["name"] == "python"  # JupyterLite's Pyodide kernel: no dialog


def test_live_copy_refuses_a_use_of_myst_nb_it_cannot_replace():
    with pytest.raises(ValueError, match="myst_nb"):
        lite.live_notebook(_notebook(_code("import myst_nb\nmyst_nb.glue('x', 1)")))


def test_every_notebook_has_a_live_copy_without_myst_nb_or_the_install_cell():
    assert len(CHAPTERS) == 6 and {"book/intro", "book/since-the-essay"} <= set(PAGES)
    for name, path in lite.notebooks().items():
        notebook = lite.read_notebook(path)
        live = lite.live_notebook(notebook)
        sources = ["".join(c["source"]) for c in live["cells"] if c["cell_type"] == "code"]
        assert not any("myst_nb" in s or "%pip" in s for s in sources), name
        assert sum("glue(" in s for s in sources) > 0, name
        installs = sum("install-if-missing" in c.get("metadata", {}).get("tags", []) for c in notebook["cells"])
        assert len(live["cells"]) == len(notebook["cells"]) - installs, f"{name}: only the install cell goes"


def _glue_outputs(glue) -> list:
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from gpu_finance.formatting import Prose

    had_shell = InteractiveShell.initialized()
    InteractiveShell.instance()  # glue displays through IPython
    try:
        with capture_output() as captured:
            glue("figure", Prose("$12.5B"), display=False)
            glue("shown", 0.25)
    finally:
        if not had_shell:
            InteractiveShell.clear_instance()  # no shell left behind for the other tests of this process
    return [(o.data, o.metadata) for o in captured.outputs]


def test_glue_without_myst_nb_makes_the_same_outputs_as_myst_nb(monkeypatch):
    import myst_nb

    from gpu_finance import formatting

    expected = _glue_outputs(myst_nb.glue)
    assert expected[0][0] == {"application/papermill.record/text/plain": "$12.5B"}  # as the book reads it
    monkeypatch.setitem(__import__("sys").modules, "myst_nb", None)  # import myst_nb now fails
    assert _glue_outputs(formatting.glue) == expected


def test_a_piece_that_does_not_match_its_pin_stops_the_live_edition(tmp_path, monkeypatch):
    fake = tmp_path / "pyodide.tgz"
    fake.write_bytes(b"not pyodide")
    monkeypatch.setattr(lite, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(lite, "PYODIDE", (fake.as_uri(), lite.PYODIDE[1]))
    with pytest.raises(lite.LiteUnavailable, match="sha256"):
        lite._pyodide_folder(tmp_path / "pyodide")


def _fake_app(tmp_path, substitutions, env=None):
    (tmp_path / "html").mkdir(exist_ok=True)
    return types.SimpleNamespace(builder=types.SimpleNamespace(format="html"), srcdir=str(ROOT),
                                 outdir=str(tmp_path / "html"), env=env or types.SimpleNamespace(),
                                 config=types.SimpleNamespace(gpu_finance_edition="full", myst_substitutions=substitutions))


@pytest.mark.parametrize("failure", [
    lite.LiteUnavailable("could not download https://registry.npmjs.org/pyodide (test)"),
    RuntimeError("pip wheel failed for https://registry.npmjs.org/pyodide (test)"),  # e.g. building the model's wheel offline
    OSError(28, "No space left on device: https://registry.npmjs.org/pyodide (test)"),
])
def test_the_book_builds_without_the_live_edition_whatever_stops_it(monkeypatch, tmp_path, failure):
    """The Sphinx extension's hook logs why and leaves the button out; it raises nothing. Any error
    while assembling reaches it as LiteUnavailable, with the reason."""
    monkeypatch.syspath_prepend(str(ROOT / "book" / "_ext"))
    import sbs_sphinx

    def fails(output):
        raise failure

    monkeypatch.setattr(lite, "_build", fails)
    with pytest.raises(lite.LiteUnavailable, match="registry.npmjs.org"):
        lite.build()
    messages = []
    monkeypatch.setattr(sbs_sphinx.logger, "info", messages.append)
    app = _fake_app(tmp_path, {"x": "y", "lite_first_launch": sbs_sphinx._lite_sentence(55)})
    (tmp_path / "html" / "lite").mkdir()  # an earlier build's live edition, in the site
    sbs_sphinx._build_lite(app)
    assert app.env.sbs_lite is None
    assert len(messages) == 1 and "left out" in messages[0] and "registry.npmjs.org" in messages[0]
    assert "registry.npmjs.org" in (tmp_path / lite.LEFT_OUT).read_text(encoding="utf-8")  # for the tests
    assert "built without it" in app.config.myst_substitutions["lite_first_launch"]  # how-to-use says so
    assert app.config.myst_substitutions["x"] == "y"
    context = {"header_buttons": [{"label": "launch-buttons", "buttons": []}], "pathto": lambda *a: "x"}
    sbs_sphinx._lite_button(app, "chapters/01-the-spv", "page.html", context, None)
    assert context["header_buttons"][0]["buttons"] == []
    sbs_sphinx._copy_lite(app, None)
    assert not (tmp_path / "html" / "lite").exists(), "the site keeps a live edition this build left out"
    monkeypatch.setenv("SBS_LITE", "0")  # the next build leaves it out on purpose: no old reason kept
    sbs_sphinx._build_lite(app)
    assert not (tmp_path / lite.LEFT_OUT).exists()


def test_pages_are_read_again_when_the_live_edition_comes_goes_or_changes_size_and_only_then(monkeypatch, tmp_path):
    """Sphinx writes only the pages it reads again. The sentence on the first launch is guessed at
    config-inited from the last edition, so an unchanged edition re-reads nothing; when the guess
    was wrong, the pages that give the sentence are read again; when the edition came, went or
    changed size since the last build, the notebooks' pages too (their button and its tooltip)."""
    monkeypatch.syspath_prepend(str(ROOT / "book" / "_ext"))
    import sbs_sphinx

    folder = tmp_path / "edition"
    (folder / "static" / "pyodide").mkdir(parents=True)
    (folder / "static" / "pyodide" / "python.wasm").write_bytes(b"x" * 12_000_000)  # 12 MB: "about 15 MB"
    (folder / lite.PAGES).write_text(json.dumps({"chapters/01-the-spv": "01-the-spv.ipynb"}), encoding="utf-8")
    monkeypatch.setattr(lite, "OUTPUT", folder)
    monkeypatch.setattr(lite, "notebooks", lambda: {"chapters/01-the-spv": ROOT / "x.ipynb", "book/intro": ROOT / "x.md"})
    sources = {"book/how-to-use": "Intro. {{ lite_first_launch }}", "book/glossary": "No sentence here.",
               "chapters/01-the-spv": "A chapter.", "book/intro": "The landing page."}
    for name, text in sources.items():
        (tmp_path / f"{name.replace('/', '-')}.md").write_text(text, encoding="utf-8")

    def fails():
        raise lite.LiteUnavailable("offline (test)")

    def reread(last: tuple, build) -> list[str]:
        """A build after one that had ``last`` (has the edition, its size), with ``lite.build`` = build."""
        env = types.SimpleNamespace(found_docs=set(sources), sbs_lite="x" if last[0] else None, sbs_lite_megabytes=last[1],
                                    doc2path=lambda name: tmp_path / f"{name.replace('/', '-')}.md")
        app = _fake_app(tmp_path, {}, env)
        monkeypatch.setattr(lite, "build", build)
        sbs_sphinx._set_lite_sentence(app, sbs_sphinx._last_lite_megabytes(app))  # config-inited
        sbs_sphinx._build_lite(app)  # builder-inited
        return sbs_sphinx._reread_lite_pages(app, env, set(), set(), set())

    notebook_pages = ["book/how-to-use", "book/intro", "chapters/01-the-spv"]
    assert reread((True, 15), lambda: folder) == []  # the same edition as last time
    assert reread((False, None), lambda: folder) == notebook_pages  # it came (e.g. after SBS_LITE=0)
    assert reread((True, 15), fails) == notebook_pages  # it went: no button to a missing edition
    assert reread((True, 55), lambda: folder) == notebook_pages  # it changed size (the tooltip says it)
    (folder / "static" / "pyodide" / "python.wasm").write_bytes(b"x" * 22_000_000)  # the guess is now wrong
    monkeypatch.setattr(lite, "OUTPUT", tmp_path / "no-edition-yet")
    assert reread((True, 25), lambda: folder) == ["book/how-to-use"]


def test_the_editions_stamp_is_the_same_for_the_same_inputs_and_changes_with_a_notebook(monkeypatch, tmp_path):
    """The stamp decides whether make book assembles the edition again (and copies 75 MB into the
    site): the same for the same notebooks (a Markdown page's cells get new random ids from
    jupytext each time), different when a cell changes; a chapter's stored outputs do not count."""
    assert lite.inputs_digest() == lite.inputs_digest()
    page = tmp_path / "page.md"
    page.write_text("---\nkernelspec:\n  name: python3\n  display_name: Python 3\njupytext:\n  text_representation:\n"
                    "    format_name: myst\n---\n\n# A page\n\n```{code-cell} ipython3\nx = 1\n```\n", encoding="utf-8")
    chapter = tmp_path / "chapter.ipynb"
    chapter.write_text(json.dumps(_notebook(_code("y = 2"))), encoding="utf-8")
    monkeypatch.setattr(lite, "notebooks", lambda: {"book/page": page, "chapters/chapter": chapter})
    before = lite.inputs_digest()
    assert lite.inputs_digest() == before
    with_outputs = _notebook(_code("y = 2"))
    with_outputs["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "run"}]
    chapter.write_text(json.dumps(with_outputs), encoding="utf-8")
    assert lite.inputs_digest() == before
    page.write_text(page.read_text(encoding="utf-8").replace("x = 1", "x = 2"), encoding="utf-8")
    assert lite.inputs_digest() != before


def test_a_cached_file_that_does_not_match_its_pin_is_fetched_again_and_pip_checks_every_hash(monkeypatch, tmp_path):
    """A corrupt cached copy is removed before pip runs, and pip runs in hash-checking mode with
    every file's pin (it takes no file with another sha256)."""
    monkeypatch.setattr(lite, "CACHE", tmp_path)
    good = b"the real wheel"
    name = "narwhals-2.29.0-py3-none-any.whl"
    (tmp_path / name).write_bytes(b"cut short")
    calls = []

    def pip(command, **kwargs):
        requirements = Path(command[command.index("-r") + 1]).read_text(encoding="utf-8")
        calls.append((command, requirements, (tmp_path / name).exists()))
        (tmp_path / name).write_bytes(good)
        return types.SimpleNamespace(returncode=0, stderr="")

    monkeypatch.setattr(lite.subprocess, "run", pip)
    sha = hashlib.sha256(good).hexdigest()
    assert lite._pip_download({name: sha}) == {name: tmp_path / name}
    [(command, requirements, corrupt_still_there)] = calls
    assert "--require-hashes" in command and requirements.strip() == f"narwhals==2.29.0 --hash=sha256:{sha}"
    assert not corrupt_still_there
    assert lite._pip_download({name: sha}) == {name: tmp_path / name} and len(calls) == 1  # cached now


# -- the built live edition ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_site(built_site):
    folder = built_site / "lite"
    if not (folder / "notebooks" / "index.html").is_file():
        reason = built_site.parent / lite.LEFT_OUT
        why = reason.read_text(encoding="utf-8").strip() if reason.is_file() else "its build log says why"
        message = f"the site was built without the live edition ({why})"
        if os.environ.get("CI"):
            pytest.fail(message + ", and CI is set, so it must be there", pytrace=False)
        pytest.skip(message)
    return folder


def test_the_live_edition_carries_only_pinned_files_and_pyodides_own_builds(live_site):
    folder = live_site / "static" / "pyodide"
    lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))
    with tarfile.open(lite.CACHE / "pyodide-0.27.7.tgz") as archive:
        official = json.load(archive.extractfile("package/pyodide-lock.json"))["packages"]
    pinned = {**lite.PINS}
    own_builds = set()
    for name, entry in lock["packages"].items():
        served = hashlib.sha256((folder / entry["file_name"]).read_bytes()).hexdigest()  # the file a browser gets
        assert served == entry["sha256"], entry["file_name"]  # else Pyodide refuses it
        if name in official and official[name]["file_name"] == entry["file_name"]:
            assert served == official[name]["sha256"], f"{name} is not Pyodide's own build"
            own_builds.add(name)
        elif entry["file_name"] in pinned:
            assert served == pinned[entry["file_name"]]
        else:  # made here: MarkupSafe's pure-Python wheel and the model package
            assert name in ("markupsafe", "gpu-finance"), f"{name} is neither Pyodide's, pinned nor made here"
    assert {"numpy", "scipy", "openblas"} <= own_builds  # the browser builds from the third-party mirror
    assert lock["packages"]["gpu-finance"]["depends"]  # preloading it loads the chapters' packages
    config = json.loads((live_site / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True and kernel["pyodideUrl"].startswith("./static/pyodide/")


def _open_from_page(page, site_url: str, name: str) -> str:
    """The web page, then the address its "Run in your browser" button gives."""
    page.goto(f"{site_url}/{name}.html")
    button = page.locator("a.btn-launch-lite-button")
    assert button.count() == 1, "the page has no Run in your browser button"
    assert button.get_attribute("target") == "_blank"
    href = button.get_attribute("href")
    assert href == f"../lite/notebooks/index.html?path={lite.live_filename(name)}"
    return f"{site_url}/{name.split('/')[0]}/{href}"


def _as_shown(glued: str) -> str:
    """A glued value's text as ``{glue:text}`` shows it (myst-nb's ``format_plain_text``: the text
    read as a Python literal, then ``str``): a text that would read as another value, "1.40", is
    glued as the quoted literal ``'1.40'`` (gpu_finance.formatting._glue_safe)."""
    try:
        return str(ast.literal_eval(glued))
    except (ValueError, SyntaxError):
        return glued


def test_a_glued_text_is_compared_as_the_page_shows_it():
    from gpu_finance.formatting import Prose

    assert _as_shown(repr(Prose("1.40"))) == "1.40" and float(_as_shown(repr(Prose("1.37")))) == 1.37
    assert _same(repr(Prose("9.50")), repr(Prose("9.50"))) and not _same(repr(Prose("9.50")), "9.60")
    assert _same("0.30000000000000004", "0.3") and not _same("0.3001", "0.3")


def _same(live: str, website: str) -> bool:
    """The same text; or, for a glued number (the text formats it, e.g. ``{glue:text}`x:.2f```), the
    same number to 12 significant digits (browser Python's NumPy and SciPy are older: the last
    binary digit of a float may differ)."""
    live, website = _as_shown(live), _as_shown(website)
    if live == website:
        return True
    try:
        return math.isclose(float(live), float(website), rel_tol=1e-12)
    except (TypeError, ValueError):
        return False


def _site_glue(name: str) -> dict:
    data = json.loads((EXECUTED / f"{name}.glue.json").read_text(encoding="utf-8"))
    return {key: value["data"].get("text/plain") for key, value in data.items()}


#: Notebooks run at the same time, each in its own tab with its own Pyodide kernel (a web worker):
#: two keep both cores busy while the other test process waits on its browser.
AT_ONCE = 2
#: Set when the open notebook's "Run All" has finished every cell (JupyterLab's promise resolves).
_RUN_ALL = """() => { window.sbsRunDone = false;
  window.jupyterapp.commands.execute('notebook:run-all-cells').then(() => { window.sbsRunDone = true; }); }"""
_RUN_DONE = "() => window.sbsRunDone === true"
_CHARTS = """() => [...document.querySelectorAll('.jp-Notebook .sbs-chart')].map(
  c => Boolean(c.querySelector('svg')) && !c.textContent.includes('could not be drawn'))"""


class _LiveRun:
    """One notebook opened from its page's button in a fresh browser context, its kernel started,
    then every cell run; what the checks need is read back when it has finished."""

    def __init__(self, browser, site_url: str, name: str):
        self.name, self.context = name, browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.host = site_url.rstrip("/")
        self.off_site, self.page_errors, self.failure, self.panel = [], [], None, None
        self.not_found = []  # the site's answers >= 400 (a file the edition lacks)
        self.page.on("response", lambda response: self.not_found.append(f"{response.status} {response.url}")
                     if response.status >= 400 else None)
        self.pyodide_files = set()  # what the kernel fetched from static/pyodide/ (its web worker's requests too)
        self.page.on("request", self._request)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.started = False
        self.page.goto(_open_from_page(self.page, site_url, name))

    def _request(self, request) -> None:
        url = request.url
        if not url.startswith((self.host, "data:", "blob:")):
            self.off_site.append(url)
        elif "/lite/static/pyodide/" in url:
            self.pyodide_files.add(url.split("?")[0].rsplit("/", 1)[1])

    def step(self) -> bool:
        """Move on if the kernel is ready or the run has finished; True when done."""
        if not self.started:
            if self.page.evaluate(LITE_KERNEL_IDLE_JS):
                self.page.evaluate(_RUN_ALL)
                self.started = True
            return False
        if not (self.page.evaluate(_RUN_DONE) and self.page.evaluate(LITE_KERNEL_IDLE_JS)):
            return False
        self.cells, self.charts = self.page.evaluate(_CELLS), self.page.evaluate(_CHARTS)
        if self.name == "chapters/00-the-deal":
            try:
                drive_the_deal_panel(self.page)
                self.panel = "responds"
            except Exception as error:  # noqa: BLE001 - reported by the test
                self.panel = f"did not respond: {error}"
        return True

    def close(self, failure: str | None = None) -> None:
        self.failure = failure
        if failure:
            self.page.screenshot(path=str(ROOT / "_build" / f"lite-failure-{self.name.replace('/', '-')}.png"))
        self.context.close()


@pytest.fixture(scope="module")
def live_runs(browser, site_url, live_site) -> dict:
    """Every notebook of the book run in the live edition, :data:`AT_ONCE` at a time."""
    import time

    waiting, running, done = list(PAGES), [], {}
    deadline = time.monotonic() + 240 * len(PAGES)
    while waiting or running:
        while waiting and len(running) < AT_ONCE:
            running.append(_LiveRun(browser, site_url, waiting.pop(0)))
        for run in list(running):
            finished = run.step()
            if finished or time.monotonic() > deadline:
                run.close(None if finished else "did not finish in time")
                running.remove(run)
                done[run.name] = run
        time.sleep(0.5)
    return done


@pytest.mark.browser
@pytest.mark.parametrize("name", PAGES)
def test_each_notebook_runs_to_the_end_in_the_browser_offline_with_the_websites_numbers(live_runs, name):
    run = live_runs[name]
    assert run.failure is None, run.failure
    cells = run.cells
    assert [c["errors"] for c in cells if c["errors"]] == []
    assert [i for i, c in enumerate(cells) if c["count"] is None] == [], "cells that did not run"
    assert run.charts and all(run.charts), f"charts not drawn: {run.charts}"
    glued = {key: value for cell in cells for key, value in cell["glued"]}
    expected = _site_glue(name)
    assert set(glued) == set(expected)
    times = MEASURED_TIMES.get(name, set())
    assert all(float(_as_shown(glued[key])) > 0 for key in times), {key: glued[key] for key in times}
    different = {key: (glued[key], expected[key]) for key in expected
                 if key not in times and not _same(glued[key], expected[key])}
    assert different == {}, "glued values that differ from the website's (live, website)"
    if name == "chapters/00-the-deal":
        assert run.panel == "responds", f"the prologue's live panel {run.panel}"
    assert run.off_site == [], f"requests that left the site: {run.off_site[:5]}"
    assert run.page_errors == [], f"uncaught errors: {run.page_errors}"
    assert run.not_found == [], f"files the live edition lacks: {run.not_found[:5]}"


_READY = "() => Boolean(window.jupyterapp && window.jupyterapp.serviceManager)"
_CELL_COUNT = """async path => (await window.jupyterapp.serviceManager.contents.get(path, {content: true}))
  .content.cells.length"""


@pytest.mark.browser
def test_the_first_launch_downloads_what_the_book_says_it_does(live_runs, live_site):
    """How-to-use and the button's tooltip give the size of what a first launch downloads
    (:func:`tools.lite.download_megabytes`): every file it counts is fetched, and no other."""
    folder = live_site / "static" / "pyodide"
    counted = {p.name for p in folder.iterdir() if p.is_file() and p.name not in lite.NOT_LOADED}
    for name, run in live_runs.items():
        assert run.pyodide_files == counted, (name, sorted(counted ^ run.pyodide_files))


def test_without_vl_convert_the_charts_take_the_bundle_shipped_in_the_package(monkeypatch, tmp_path):
    """The live edition has no vl-convert: the renderer reads the Vega bundle that tools/lite.py ships
    in the package; without either, it says what to install."""
    import sys

    from gpu_finance.viz import render

    monkeypatch.setitem(sys.modules, "vl_convert", None)
    shipped = tmp_path / "static" / render.SHIPPED_BUNDLE
    monkeypatch.setattr(render.resources, "files", lambda package: tmp_path)
    with pytest.raises(ImportError, match="vl-convert-python"):
        render.javascript_bundle_body()
    shipped.parent.mkdir()
    shipped.write_text("window.vegaEmbed = function () {};", encoding="utf-8")
    assert render.javascript_bundle_body() == "window.vegaEmbed = function () {};"


@pytest.mark.browser
def test_a_readers_changes_stay_in_the_browser_and_deleting_them_restores_the_books_notebook(
        browser, site_url, live_site):
    """As "How to use this book" says: an edited notebook is still there after the tab is reloaded,
    and File > Open..., select, Delete brings back the book's version."""
    chapter = lite.live_filename(CHAPTERS[0])
    original = len(json.loads((live_site / "files" / chapter).read_text(encoding="utf-8"))["cells"])
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{site_url}/lite/notebooks/index.html?path={chapter}")
        page.wait_for_function(_READY, timeout=60_000)
        assert page.evaluate(_CELL_COUNT, chapter) == original
        page.evaluate("""async path => { const contents = window.jupyterapp.serviceManager.contents;
            const model = await contents.get(path, {content: true});
            model.content.cells.push({cell_type: 'markdown', source: "A reader's note", metadata: {}});
            await contents.save(path, {type: 'notebook', format: 'json', content: model.content}); }""", chapter)
        page.reload()
        page.wait_for_function(_READY, timeout=60_000)
        assert page.evaluate(_CELL_COUNT, chapter) == original + 1  # kept in the browser's storage
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)  # the notebook is shown
        open_item = page.locator("li.lm-Menu-item:has-text('Open…')").first
        for _ in range(5):  # the menu bar can take a moment to answer after a reload
            page.click("div.lm-MenuBar-itemLabel:has-text('File')")
            try:
                open_item.wait_for(timeout=3_000)
                break
            except Exception:  # noqa: BLE001
                page.keyboard.press("Escape")
        with context.expect_page() as opened:
            open_item.click()
        files = opened.value
        files.wait_for_function(_READY, timeout=60_000)
        files.locator(f".jp-DirListing-item:has-text('{chapter}')").click()
        files.locator("jp-button:has-text('Delete'), button:has-text('Delete')").first.click()  # the toolbar's
        files.locator(".jp-Dialog button:has-text('Delete')").click()
        files.wait_for_function(f"async () => ({_CELL_COUNT})({json.dumps(chapter)}) === {original}", timeout=30_000)
    finally:
        context.close()
