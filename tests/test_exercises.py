"""Every exercise in the chapters says how hard it is and what kind of work it asks for."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

#: The house style, explained in "How to use this book": one to three stars, then the type.
LABEL = re.compile(r"^(★☆☆|★★☆|★★★) (Concept|Compute|Build|Data): \S")
START = re.compile(r"```\{exercise-start\}(.*)\n:label: (\S+)")


def _exercises(path: Path) -> list[tuple[str, str]]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return [(label, title.strip()) for title, label in START.findall(text)]


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_every_exercise_has_a_difficulty_and_a_type(path):
    exercises = _exercises(path)
    assert exercises, f"{path.name} has no exercises"
    bad = [(label, title) for label, title in exercises if not LABEL.match(title)]
    assert bad == [], f"{path.name}: exercises without a '★★☆ Type: title' heading: {bad}"


def test_the_house_style_is_explained_to_readers():
    text = (ROOT / "book" / "how-to-use.md").read_text(encoding="utf-8")
    for word in ("★☆☆", "★★☆", "★★★", "Concept", "Compute", "Build", "Data"):
        assert word in text, f"how-to-use.md does not explain {word!r}"


def test_the_pattern_rejects_unlabelled_exercises():
    assert LABEL.match("★★☆ Build: the annuity payment")
    for title in ("", "The annuity payment", "★★ Build: x", "★★☆ build: x", "★★☆ Essay: x", "★★☆ Build:"):
        assert not LABEL.match(title), title


@pytest.mark.parametrize("path", CHAPTERS[1:], ids=[p.stem for p in CHAPTERS[1:]])
def test_each_chapter_asks_students_to_build_and_to_handle_uncertainty(path):
    """Two exercises per chapter in which the student writes a core routine, one that asks how
    uncertain an answer is (the prologue, an introduction, is exempt)."""
    kinds = [LABEL.match(title).group(2) for _, title in _exercises(path) if LABEL.match(title)]
    assert kinds.count("Build") >= 2, f"{path.name} has {kinds.count('Build')} Build exercises"
    assert kinds.count("Data") >= 1, f"{path.name} has no Data exercise"
