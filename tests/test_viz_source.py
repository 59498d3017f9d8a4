"""The "under the hood" sections show the package's own code."""

from __future__ import annotations

import html
import inspect
import re

import pytest

from gpu_finance import annuity_payment, debt_schedule
from gpu_finance.viz import show_source
from gpu_finance.viz.source import source_lines


def test_the_code_shown_is_the_code_that_runs():
    shown = show_source(annuity_payment)
    assert shown.data == inspect.getsource(annuity_payment).rstrip("\n")
    text = re.sub(r"<[^>]+>", "", shown._repr_html_())
    assert "def annuity_payment(" in html.unescape(text)


def test_a_routine_longer_than_a_screen_must_be_split():
    lines = len(source_lines(debt_schedule))
    with pytest.raises(ValueError, match=f"pass max_lines={lines}"):
        show_source(debt_schedule, max_lines=lines - 1)
    assert show_source(debt_schedule, max_lines=lines).data.count("\n") == lines - 1


@pytest.mark.parametrize("obj", [len, inspect.getsource, "annuity_payment", 3])
def test_only_the_packages_routines_can_be_shown(obj):
    with pytest.raises(ValueError, match="gpu_finance"):
        show_source(obj)


def _literalincludes():
    """Every routine a chapter shows with ``{literalinclude}`` and ``:pyobject:``."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    found = []
    for path in sorted((root / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            text = "".join(cell["source"])
            for match in re.finditer(r"```\{literalinclude\}\s+(\S+)\n(?:.*\n)*?:pyobject:\s*(\S+)", text):
                found.append((path.name, (path.parent / match.group(1)).resolve(), match.group(2)))
    return found


def test_every_routine_a_chapter_shows_exists_and_fits_on_a_screen():
    import importlib

    from gpu_finance.viz.source import MAX_SHOWN_LINES

    shown = _literalincludes()
    assert len({chapter for chapter, _, _ in shown}) >= 4, "every chapter from chapter 1 shows its core routine"
    for chapter, file, name in shown:
        assert file.exists(), f"{chapter}: {file} does not exist"
        module = "gpu_finance." + file.with_suffix("").name if file.parent.name == "gpu_finance" else \
            "gpu_finance." + file.parent.name + "." + file.with_suffix("").name
        obj = importlib.import_module(module)
        for part in name.split("."):
            obj = getattr(obj, part)
        assert len(source_lines(obj)) <= MAX_SHOWN_LINES, f"{chapter} shows {name}, longer than a screen"
