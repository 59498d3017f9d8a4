"""The chapter notebooks as files: stored without outputs, listed in the table of contents, and
shaped like the house style (a title first, set-up hidden, no model logic in the notebook)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tools.set_repository import INSTALL_TAG, install_cell_source, read_repository

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return files


def test_there_are_chapter_notebooks():
    assert NOTEBOOKS, "chapters/ holds no notebooks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    dirty = [i for i, cell in enumerate(notebook["cells"])
             if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))]
    assert dirty == [], f"{path.name}: code cells {dirty} have outputs or execution counts; strip them"
    assert "widgets" not in notebook.get("metadata", {}), f"{path.name} stores widget state"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_in_the_table_of_contents(path):
    assert f"chapters/{path.stem}" in _toc_files()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_house_layout(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    first = "".join(cells[0]["source"])
    assert cells[0]["cell_type"] == "markdown" and "\n# " in "\n" + first, "first cell: label and title"
    code = [c for c in cells if c["cell_type"] == "code"]
    setup = next(c for c in code if INSTALL_TAG not in c.get("metadata", {}).get("tags", []))
    assert "remove-input" in setup.get("metadata", {}).get("tags", []), "set-up cell is tagged remove-input"
    assert "viz.enable()" in "".join(setup["source"]), "set-up cell enables the book's renderer"
    in_solution = False  # a "build" exercise's solution writes a routine; everywhere else the model is imported
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            starts, ends = source.rfind("{solution-start}"), source.rfind("{solution-end}")
            if max(starts, ends) >= 0:
                in_solution = starts > ends
        elif not in_solution:
            assert "def " not in source and "class " not in source, "model logic belongs in src/gpu_finance"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_installs_the_package_from_the_configured_repository(path):
    """Colab has no gpu_finance: the hidden first code cell installs it from _config.yml's repository."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    first_code = next(c for c in cells if c["cell_type"] == "code")
    assert set(first_code["metadata"].get("tags", [])) >= {"remove-cell", INSTALL_TAG}
    url, branch = read_repository()
    assert "".join(first_code["source"]) == install_cell_source(url, branch), (
        f"{path.name}'s install cell does not match _config.yml; run `make set-repository`"
    )


def test_every_toc_entry_exists():
    for entry in _toc_files():
        matches = [p for p in (ROOT / f"{entry}.md", ROOT / f"{entry}.ipynb") if p.exists()]
        assert matches, f"_toc.yml lists {entry}, which does not exist"


def test_the_landing_page_runs_like_a_chapter():
    """The site's root page draws the money loop from the model: a MyST text notebook (so the build
    executes and caches it like the chapters) whose first code cell is hidden and enables the
    book's renderer, with the chart's cell showing its output only."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    text = (ROOT / f"{toc['root']}.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["jupytext"]["text_representation"]["format_name"] == "myst"
    assert front["kernelspec"]["name"] == "python3"
    cells = re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", text, flags=re.S | re.M)
    assert cells, "the landing page has no code cell"
    assert re.search(r"^:tags: \[remove-(?:cell|input)\]", cells[0], flags=re.M), "set-up cell is hidden"
    assert "viz.enable()" in cells[0], "set-up cell enables the book's renderer"
    charts = [c for c in cells if "flow_chart(" in c]
    assert len(charts) == 1 and ":tags: [remove-input]" in charts[0]


def test_build_settings_fail_on_errors():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["execute"]["execute_notebooks"] == "cache"
    assert config["execute"]["allow_errors"] is False
    assert config["sphinx"]["config"]["nb_execution_raise_on_error"] is True
    assert config["sphinx"]["config"]["nb_ipywidgets_js"] == {}
    assert "dollarmath" not in config["parse"]["myst_enable_extensions"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_live_panels_run_under_nbval_but_not_in_the_website_build(path):
    """A live panel needs a kernel, so the website shows none (``remove-output``), and the build does
    not run its cell (``skip-execution``): an ipywidgets cell sometimes leaves the build's notebook
    client waiting out the whole cell timeout for a reply that has arrived (jupyter/nbclient#312).
    nbval ignores that tag and still runs the panel."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    panels = [c for c in cells if c["cell_type"] == "code" and "panel(" in "".join(c["source"])]
    assert panels, f"{path.name} has no live panel"
    for cell in panels:
        assert {"remove-output", "skip-execution"} <= set(cell["metadata"].get("tags", [])), "".join(cell["source"])
