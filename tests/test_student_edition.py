"""The student edition: the same book with every exercise's solution removed, and no
downloadable sources (which would hold the solutions)."""

from __future__ import annotations

import os

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


def _text(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())


def _distinctive_pieces(solution: str, elsewhere: str) -> list[str]:
    """Stretches of a solution (40 characters, on word boundaries) found nowhere else on the page."""
    words = solution.split()
    pieces = [" ".join(words[i:i + 8]) for i in range(0, max(len(words) - 7, 1), 4)]
    return [p for p in pieces if len(p) >= 30 and p not in elsewhere]


@pytest.mark.parametrize("page_path", CHAPTERS)
def test_student_edition_has_the_exercises_but_none_of_the_solutions(built_site, student_site, page_path):
    normal = _soup(built_site / page_path)
    student = _soup(student_site / page_path)
    exercises = normal.select("div.exercise")
    solutions = _solution_texts(normal)
    assert len(exercises) >= 3 and len(solutions) == len(exercises), "normal edition: an exercise and a solution each"
    assert len(student.select("div.exercise")) == len(exercises), "the student edition keeps every exercise"
    assert student.select("div.solution") == []
    for solution in normal.select("div.solution"):
        solution.decompose()
    elsewhere = _text(normal)  # the normal page without its solutions
    student_text = _text(student)
    for text in solutions:
        pieces = _distinctive_pieces(text, elsewhere)
        assert pieces, f"{page_path}: a solution with no text of its own cannot be checked: {text[:80]!r}"
        leaked = [p for p in pieces if p in student_text]
        assert leaked == [], f"{page_path}: solution text found in the student edition: {leaked[:2]}"


def test_student_edition_offers_no_notebook_sources(student_site):
    assert not (student_site / "_sources").exists()
    page = (student_site / CHAPTERS[0]).read_text(encoding="utf-8")
    assert "_sources/" not in page, "no download link to the notebook (it holds the solutions)"
    assert "(student edition)" in page


@pytest.mark.parametrize("page_path", CHAPTERS)
def test_student_edition_launches_no_notebook_with_solutions(built_site, student_site, page_path):
    """Binder, Colab and the live edition (``lite/``) would open the notebooks, which hold every
    solution."""
    normal = (built_site / page_path).read_text(encoding="utf-8")
    student = (student_site / page_path).read_text(encoding="utf-8")
    live = "lite/notebooks/index.html?path="
    # Without a network the normal edition is built without its live edition (test_lite.py fails
    # that under CI); the student edition must launch none of the three either way.
    has_live = (built_site / "lite").is_dir() or bool(os.environ.get("CI"))
    for host in ("mybinder.org", "colab.research.google.com", live):
        assert host in normal or (host == live and not has_live), f"the normal edition launches {page_path} on {host}"
        assert host not in student, f"the student edition launches {page_path} on {host}"
    assert not (student_site / "lite").exists(), "the student edition carries the live edition"



@pytest.fixture(scope="module")
def student_pdf_text(student_site, browser, tmp_path_factory):
    """The student edition printed as a PDF (``make pdf``: ``tools/pdf.py --student``), its text."""
    import pypdfium2 as pdfium

    from tests.test_pdf import _need_printing, words
    from tools import pdf

    _need_printing()
    out = tmp_path_factory.mktemp("student-pdf") / pdf.STUDENT_PDF
    pdf.build_pdf(student_site, out, student=True, browser=browser)
    document = pdfium.PdfDocument(str(out))
    try:
        return words(" ".join(document[i].get_textpage().get_text_bounded() for i in range(len(document))))
    finally:
        document.close()


@pytest.mark.browser
def test_the_student_pdf_has_every_exercise_and_none_of_the_solutions(built_site, student_pdf_text):
    """Read back from the student PDF: each exercise's own words, and none of its solution's (found
    nowhere else on the normal edition's page), as in the student website above."""
    assert "Student edition" in student_pdf_text.split(" Contents ")[0], "the title page says which edition"
    assert "github.io" not in student_pdf_text, "no address of the edition with the solutions"
    for page_path in CHAPTERS:
        normal = _soup(built_site / page_path)
        exercises = [" ".join(e.get_text(" ").split()) for e in normal.select("div.exercise")]
        solutions = _solution_texts(normal)
        for solution in normal.select("div.solution"):
            solution.decompose()
        elsewhere = _text(normal)
        for exercise in exercises:
            assert any(p in student_pdf_text for p in _distinctive_pieces(exercise, "")), \
                f"{page_path}: exercise {exercise[:60]!r} is not in the student PDF"
        for text in solutions:
            leaked = [p for p in _distinctive_pieces(text, elsewhere) if p in student_pdf_text]
            assert leaked == [], f"{page_path}: solution text in the student PDF: {leaked[:2]}"
