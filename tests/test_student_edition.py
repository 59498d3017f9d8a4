"""The student edition: the same book with every exercise's solution removed, and no
downloadable sources (which would hold the solutions)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.website import toc_pages
from tools import student_edition

CHAPTERS = [p for p in toc_pages() if p.startswith("chapters/")]


@pytest.fixture(scope="session")
def student_site(built_site):  # built after the normal edition, whose execution cache it reuses
    return student_edition.build()


def _soup(path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _solution_texts(soup: BeautifulSoup) -> list[str]:
    """The text of each solution's body (without its "Solution to ..." title)."""
    texts = []
    for solution in soup.select("div.solution"):
        body = solution.select_one("section") or solution
        text = " ".join(body.get_text(" ").split())
        if text:
            texts.append(text)
    return texts


@pytest.mark.parametrize("page_path", CHAPTERS)
def test_student_edition_has_the_exercises_but_none_of_the_solutions(built_site, student_site, page_path):
    normal = _soup(built_site / page_path)
    student = _soup(student_site / page_path)
    exercises = normal.select("div.exercise")
    solutions = _solution_texts(normal)
    assert len(exercises) >= 3 and len(solutions) == len(exercises), "normal edition: an exercise and a solution each"
    assert len(student.select("div.exercise")) == len(exercises), "the student edition keeps every exercise"
    assert student.select("div.solution") == []
    student_text = " ".join(student.get_text(" ").split())
    for text in solutions:
        # a distinctive stretch of each solution must not survive anywhere on the page
        snippet = text[len(text) // 3: len(text) // 3 + 60]
        assert snippet not in student_text, f"{page_path}: solution text found in the student edition: {snippet!r}"


def test_student_edition_offers_no_notebook_sources(student_site):
    assert not (student_site / "_sources").exists()
    page = (student_site / CHAPTERS[0]).read_text(encoding="utf-8")
    assert "_sources/" not in page, "no download link to the notebook (it holds the solutions)"
    assert "(student edition)" in page
