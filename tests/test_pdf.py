"""The book as one PDF (``make pdf``, ``tools/pdf.py``), printed from the test run's website and read
back with PDFium (pypdfium2): every page of the book in order, every chart drawn, the table of
contents' numbers and links right, nothing a reader of paper cannot use.

The expected titles come from the website's HTML (each page's heading, each chart's label), not
from the tool that prints it. The student edition's PDF is checked in ``test_student_edition.py``.
"""

from __future__ import annotations

import os
import re

import pytest
from bs4 import BeautifulSoup

from tests.website import toc_pages
from tools import pdf as book_pdf

pytestmark = pytest.mark.browser

PAGES = toc_pages()


def _need_printing() -> None:
    from tests.conftest import _need_browser

    _need_browser()
    if not book_pdf._has_chinese_font():
        message = "no Chinese font (apt-get install -y fonts-wqy-microhei): the PDF would print the essay's words as boxes"
        if os.environ.get("CI"):
            pytest.fail(message + " and CI is set, so the PDF must be printed", pytrace=False)
        pytest.skip(message)


def words(text: str) -> str:
    """Text with every run of white space (line breaks of the PDF included) as one space."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def printed(built_site, browser, tmp_path_factory):
    """The PDF printed from the test run's site: ``(report, document, texts, reader)``: PDFium's
    document, the text of each page, and pypdf's reader (for bookmarks and links)."""
    import pypdfium2 as pdfium

    _need_printing()
    out = tmp_path_factory.mktemp("pdf") / book_pdf.BOOK_PDF
    report = book_pdf.build_pdf(built_site, out, browser=browser)
    import pypdf

    document = pdfium.PdfDocument(str(out))
    texts = [words(document[i].get_textpage().get_text_bounded()) for i in range(len(document))]
    yield report, document, texts, pypdf.PdfReader(str(out))
    document.close()


def _heading(built_site, path: str) -> str:
    soup = BeautifulSoup((built_site / path).read_text(encoding="utf-8"), "html.parser")
    return words(soup.select_one("article h1, main h1").get_text(" ").replace("#", ""))


def _chart_titles(built_site, path: str) -> list[str]:
    soup = BeautifulSoup((built_site / path).read_text(encoding="utf-8"), "html.parser")
    return [words(chart["aria-label"]) for chart in soup.select(".sbs-chart[aria-label]")]


def _starts(reader) -> tuple[list[str], list[int]]:
    """The top-level bookmarks after "Contents" (one per page of the book) and the first PDF page
    (0-based) each opens."""
    top = [item for item in reader.outline if not isinstance(item, list)]
    titles = [str(item.title) for item in top]
    starts = [reader.get_destination_page_number(item) for item in top]
    assert titles[0] == "Contents"
    return titles[1:], starts[1:]


def test_the_contents_bookmark_opens_the_contents_after_a_title_page(built_site, printed):
    _, _, texts, reader = printed
    top = [item for item in reader.outline if not isinstance(item, list)]
    contents = reader.get_destination_page_number(top[0])
    assert contents == 1 and texts[1].startswith("Contents")
    assert texts[0].startswith("Shadow Balance Sheets") and "Contents" not in texts[0]


def test_every_page_of_the_book_is_in_the_pdf_in_order_with_a_bookmark(built_site, printed):
    _, document, texts, reader = printed
    titles, starts = _starts(reader)
    assert titles == [_heading(built_site, p) for p in PAGES], "one bookmark per page, in the order of the contents"
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for path, title, start in zip(PAGES, titles, starts):
        assert title.split(":")[0] in texts[start].replace("#", ""), f"{path}: its heading on its first PDF page"


def test_the_book_runs_to_a_printed_textbooks_length(printed):
    report, document, _, _ = printed
    assert 300 <= len(document) <= 900, f"{len(document)} pages"
    assert report["links"]["missing"] == 0, "every link to an id of the book finds it"


def test_every_chart_is_printed_drawn(built_site, printed):
    """Each chart's title, which only the drawn chart writes (an undrawn chart prints its description,
    which does not repeat it), is on a page of its own page's range, with the chart's number (the
    charts are numbered through the book in reading order), and that page, rendered, is not blank:
    ink on it and the palette's colours."""
    _, document, texts, reader = printed
    _, starts = _starts(reader)
    ends = starts[1:] + [len(document)]
    checked = 0
    for path, start, end in zip(PAGES, starts, ends):
        for title in _chart_titles(built_site, path):
            probe = " ".join(title.split()[:6])
            found = [i for i in range(start, end) if probe in texts[i]]
            assert found, f"{path}: chart {title!r} not in its pages {start + 1}-{end}"
            ink, colour = _shares(document[found[0]])
            assert ink >= 0.02 and colour >= 0.001, f"{path}: page {found[0] + 1}, with {title!r}, renders blank"
            checked += 1
            assert re.search(rf"\bFigure {checked}\b", texts[found[0]]), \
                f"{path}: the chart {title!r} is figure {checked} of the book, numbered on its page"
    assert checked >= 30, f"only {checked} charts"
    assert not re.search(rf"\bFigure {checked + 1}\b", " ".join(texts)), "one number per chart"
    failed = [i + 1 for i, t in enumerate(texts) if "This chart could not be drawn:" in t]  # charts.js's message
    assert failed == [], f"charts that could not be drawn on pages {failed}"


def _shares(page) -> tuple[float, float]:
    """A PDF page rendered at 72 dpi: the share of its pixels with ink (darker than light grey) and
    the share in colour (not white, grey or black)."""
    pixels = page.render(scale=1.0).to_numpy()[..., :3].astype(int)
    return float((pixels.min(-1) < 200).mean()), float(((pixels.max(-1) - pixels.min(-1)) > 60).mean())


def test_the_contents_page_numbers_and_links_lead_to_each_page(built_site, printed):
    """Each line of the contents, in the order of the website's contents and under its part's
    caption, is the page's title and the number printed at the foot of its first page, and its link
    opens that page; every page after the front matter has its number at its foot."""
    _, _, texts, reader = printed
    titles, starts = _starts(reader)
    contents = " ".join(texts[1: starts[0]])
    assert contents == _expected_contents(built_site, dict(zip(PAGES, starts)))
    links = [target for index in range(starts[0]) for target in _links(reader, index)]
    assert links == starts, "each line's link opens its page"
    for index in range(starts[0], len(texts)):
        tokens = texts[index].split()
        assert str(index + 1) in (tokens[0], tokens[-1]), f"page {index + 1} has its number at its foot"


def _expected_contents(built_site, starts: dict[str, int]) -> str:
    """The contents as ``_toc.yml`` orders and groups them: each part's caption, then each page's
    heading and the number of its first page."""
    import yaml

    from tools.website import ROOT

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    lines = ["Contents"]

    def add(entries: list[dict]) -> None:
        for entry in entries:
            path = f"{entry['file']}.html"
            lines.append(f"{_heading(built_site, path)} {starts[path] + 1}")
            add(entry.get("sections", []))

    add([{"file": toc["root"]}])
    for part in toc["parts"]:
        lines.append(part["caption"])
        add(part["chapters"])
    return " ".join(lines)


@pytest.mark.parametrize("target", ["Glossary", "References"])
def test_links_to_a_term_or_a_reference_land_on_it(printed, target):
    """The links to the glossary's terms and to the references (citations), from every chapter, open
    the page where the term or the reference is, with it at the top of the view (the link's first
    word in the 120 points under the destination's top), not the glossary's or the references' first
    page."""
    document, texts, reader = printed[1], printed[2], printed[3]
    titles, starts = _starts(reader)
    first = starts[titles.index(target)]
    last = starts[titles.index(target) + 1]
    landed, links, missed = 0, 0, []
    for index in range(starts[0], len(texts)):
        if first <= index < last:
            continue
        for annotation in reader.pages[index].get("/Annots") or []:
            link = annotation.get_object()
            destination = link.get("/Dest")
            if not isinstance(destination, list):
                continue
            page = reader.get_page_number(destination[0].get_object())
            if not first <= page < last:
                continue
            if str(destination[1]) != "/XYZ":  # a link to the page as a whole ("see the glossary");
                continue  # a link to an id that fell back to it is counted as missing by the tool
            x0, y0, x1, y1 = (float(v) for v in link["/Rect"])
            said = words(document[index].get_textpage().get_text_bounded(x0, y0, x1, y1)).lower()
            top = float(destination[3])
            view = words(document[page].get_textpage().get_text_bounded(0, top - 120, 600, top + 2)).lower()
            links += 1
            key = re.sub(r"\W", "", said)[:5]  # letters only: "Esty, 2004" is "[Esty 2004]" there
            if key and key in re.sub(r"\W", "", view):
                landed += 1
            else:
                missed.append((said, page + 1))
    assert links >= 50, f"only {links} links to the {target.lower()}"
    assert landed >= 0.95 * links, f"{links - landed} of {links} links do not show their target: {missed[:5]}"


def _links(reader, index: int) -> list[int]:
    """The pages (0-based) that the links on page ``index`` open, top to bottom."""
    found = []
    for annotation in reader.pages[index].get("/Annots") or []:
        link = annotation.get_object()
        if link.get("/Subtype") == "/Link" and "/Dest" in link:
            top = float(link["/Rect"][3])
            found.append((-top, reader.get_page_number(link["/Dest"][0].get_object())))
    return [page for _, page in sorted(found)]


def test_no_dead_control_unresolved_reference_or_local_address(printed):
    _, _, texts, reader = printed
    text = " ".join(texts)
    assert "??" not in text, "an unresolved reference"
    assert "Click to hide" not in text and "Click to show" not in text
    assert "127.0.0.1" not in text
    assert re.search(r"On the website \(https://[^)]+\.html\) these are controls you can move", text), \
        "a chart with controls says where they move"
    local = [str(action.get_object().get("/URI")) for page in reader.pages for annotation in page.get("/Annots") or []
             if (action := annotation.get_object().get("/A")) is not None
             and "127.0.0.1" in str(action.get_object().get("/URI", ""))]
    assert local == [], f"links to the local server that printed the book: {local[:3]}"


def test_bookmarks_take_the_headings_own_text():
    """Chromium runs a wrapped heading's lines together in its bookmark, and writes one of them twice
    now and then; the bookmarks get the heading's text back, and a bookmark that matches no heading
    is left alone."""
    import io

    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=100, height=100)
    for title in ("ExercisesExercises", "Chapter 1. The SPV: where didthe debt go?",
                  "Numbers, sources andNumbers, sources andassumptions",
                  "what aguarantee would be worthguarantee would be worth", "Exercises Exercises Extra"):
        writer.add_outline_item(title=title, page_number=0)
    buffer = io.BytesIO()
    writer.write(buffer)
    reader = pypdf.PdfReader(buffer)
    book_pdf._retitle_bookmarks(reader, ["Exercises", "Chapter 1. The SPV: where did the debt go?",
                                         "Numbers, sources and assumptions", "what a guarantee would be worth"])
    assert [item.title for item in reader.outline] == [
        "Exercises", "Chapter 1. The SPV: where did the debt go?", "Numbers, sources and assumptions",
        "what a guarantee would be worth", "Exercises Exercises Extra"]
