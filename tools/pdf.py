"""The book as one PDF (``make pdf``), printed by Chromium from the built website.

Every page of the table of contents is opened in headless Chromium, its charts drawn, and printed
with the website's own print stylesheet (``book/static/book.css``: no controls, code wrapped, each
chart with a caption that gives the values it is drawn at); the pages are then joined with pypdf
behind a title page and a table of contents with page numbers. This is Jupyter Book's "PDF from
HTML" route (its ``pdfhtml`` builder prints the site with a headless Chrome) done with the
Chromium the browser tests already use, so the PDF needs no TeX installation.

What the PDF keeps from the website:

* every chart as vector graphics, at the state the text describes (the sliders at their initial
  values), its caption naming those values and the page of the website where they move;
* bookmarks: one per page of the book, with its headings under it;
* links: a link to another page of the book goes to that page's first page in the PDF; a link to
  another page of the website (a notebook download) goes to the published website; links to other
  sites stay as they are;
* page numbers in the footer, counted through the whole book.

Usage::

    python tools/pdf.py                      # _build/html -> _build/pdf/shadow-balance-sheets.pdf
    python tools/pdf.py --student            # _build/student/_build/html -> _build/pdf/shadow-balance-sheets.student.pdf

Each PDF is also copied into its website as ``shadow-balance-sheets.pdf``, where the landing page
and the header's download menu link to it (the student edition's site gets the student PDF).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlparse

if __package__ in (None, ""):  # run as a script: make the project's root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.website import CHROMIUM_ARGS, ROOT, SITE, chromium_path, serve, toc_pages, wait_for_charts

#: Where ``make pdf`` writes the PDFs, and their file names (the website links to these names).
PDF_DIR = ROOT / "_build" / "pdf"
BOOK_PDF = "shadow-balance-sheets.pdf"
STUDENT_PDF = "shadow-balance-sheets.student.pdf"

#: The paper: A4 with the margins of a printed textbook; the viewport the pages are laid out in.
PAGE_CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm;
        @bottom-center { content: counter(page); font: 9pt system-ui, sans-serif; color: #444; } }
@page { counter-increment: page 1; }
@page :first { counter-increment: page %(first)d; }
/* The theme's list of the page's sections, printed above each page (no page numbers): the book's
   contents and the bookmarks do that job in the PDF. */
#jb-print-toc { display: none !important; }
"""
VIEWPORT = {"width": 1000, "height": 1400}


@dataclass(frozen=True)
class Printed:
    """One page of the website, printed: its path in the site, title and PDF."""

    path: str
    title: str
    pdf: bytes
    pages: int
    headings: tuple[str, ...]


def public_url(config: Path = ROOT / "_config.yml") -> str:
    """The published website's address (GitHub Pages of the repository in ``_config.yml``, which
    ``make set-repository`` sets): where a printed chart's controls can be moved."""
    import yaml

    repository = yaml.safe_load(config.read_text(encoding="utf-8"))["repository"]["url"]
    owner, name = urlparse(repository).path.strip("/").split("/")[:2]
    return f"https://{owner.lower()}.github.io/{name}/"


def _has_chinese(page: Path) -> bool:
    """Whether a page of the site contains Chinese characters (the essay's words)."""
    import re

    return bool(re.search(r"[\u4e00-\u9fff]", page.read_text(encoding="utf-8")))


def _has_chinese_font() -> bool:
    """Whether fontconfig knows a font for Traditional Chinese (Chromium prints with fontconfig's fonts)."""
    import shutil
    import subprocess

    if shutil.which("fc-list") is None:
        return False
    found = subprocess.run(["fc-list", ":lang=zh-tw", "family"], capture_output=True, text=True)
    return bool(found.stdout.strip())


def _page_count(pdf: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _print(page, first_number: int) -> bytes:
    """The open page as PDF, its page numbers starting at ``first_number`` (0: no number)."""
    css = PAGE_CSS % {"first": first_number}
    if first_number == 0:
        css = css.replace("content: counter(page);", "content: none;")
    handle = page.add_style_tag(content=css)
    try:
        return page.pdf(prefer_css_page_size=True, print_background=True, outline=True, tagged=True)
    finally:
        handle.evaluate("(el) => el.remove()")


def _open(page, url: str, site_url: str, public: str, path: str) -> str:
    """Open a page of the site ready for paper: charts drawn, captions written; returns its title."""
    page.goto(url, wait_until="load")
    page.emulate_media(media="print")
    wait_for_charts(page)
    # The captions are written again as printing starts (charts.js, "beforeprint"): the page's
    # address on the published website is added after each writing.
    page.evaluate("""([publicPage]) => {
        if (!window.sbsCharts) { return; }
        const address = () => {
            for (const caption of document.querySelectorAll('.sbs-print-caption')) {
                caption.textContent = caption.textContent.replace(
                    'On the website these are', 'On the website (' + publicPage + ') these are');
            }
        };
        window.sbsCharts.printCaptions();
        address();
        window.addEventListener('beforeprint', address);
    }""", [urljoin(public, path)])
    title = page.evaluate("() => (document.querySelector('article h1, main h1') || {}).textContent || document.title")
    return " ".join(title.replace("#", "").split())


def _headings(page) -> list[str]:
    """The text of every heading of the open page, as a reader sees it."""
    return [" ".join(t.replace("#", "").split()) for t in page.evaluate(
        "() => [...document.querySelectorAll('article h1, article h2, article h3, article h4, article h5, article h6')]"
        ".map(h => h.textContent)")]


def _retitle_bookmarks(reader, headings: list[str]) -> None:
    """Chromium titles a bookmark with its heading's lines run together ("where didthe debt go?"
    when the heading wraps after "did"), a line of it sometimes twice: give each the heading's own
    text, matched without spaces."""
    from pypdf.generic import NameObject, TextStringObject

    by_letters = {"".join(h.split()): h for h in headings}

    def written_from(letters: str, key: str) -> bool:
        """Whether ``letters`` is ``key`` with at most one stretch of it written twice in a row."""
        extra = len(letters) - len(key)
        return extra >= 0 and any(letters[:end] == key[:end] and letters[end:] == key[end - extra:]
                                  for end in range(extra, len(key) + 1))

    def heading(title: str) -> str | None:
        # Chromium 156 sometimes writes one line of a heading twice ("ExercisesExercises",
        # "Numbers, sources andNumbers, sources andassumptions").
        letters = "".join(title.replace("#", "").split())
        found = [h for key, h in by_letters.items() if key and written_from(letters, key)]
        return max(found, key=len) if found else None

    def walk(node) -> None:
        while node is not None:
            node = node.get_object()
            title = heading(str(node.get("/Title", "")))
            if title:
                node[NameObject("/Title")] = TextStringObject(title)
            walk(node.get("/First"))
            node = node.get("/Next")

    outlines = reader.trailer["/Root"].get("/Outlines")
    if outlines is not None:
        walk(outlines.get_object().get("/First"))


def _front_matter(title: str, subtitle: str, entries: list[tuple[str, str, int]], url: str, edition: str) -> str:
    """The title page and the table of contents, as HTML: ``entries`` are (path, title, page)."""
    rows = "\n".join(
        f'<li><a href="{html.escape(path)}"><span>{html.escape(name)}</span>'
        f'<span class="dots"></span><span>{number}</span></a></li>' for path, name, number in entries)
    today = dt.date.today().isoformat()
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; color: #222; }}
.title {{ height: 240mm; display: flex; flex-direction: column; justify-content: center; break-after: page; }}
.title h1 {{ font-size: 34pt; margin: 0 0 8mm; }}
.title p {{ font-size: 13pt; max-width: 140mm; line-height: 1.45; }}
.title .small {{ font-size: 10pt; color: #444; }}
h2 {{ font-size: 20pt; }}
ol {{ list-style: none; padding: 0; font-size: 11pt; }}
li {{ margin: 0 0 2.2mm; }}
li a {{ display: flex; color: inherit; text-decoration: none; }}
li .dots {{ flex: 1; border-bottom: 1px dotted #888; margin: 0 2mm 1.2mm; }}
</style></head><body>
<section class="title"><h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p>{edition}
<p class="small">Printed from the website {html.escape(url)} on {today}. The website's charts respond to their
controls; here each chart is drawn at the values the text describes, named under it.</p></section>
<h2>Contents</h2><ol>{rows}</ol></body></html>"""


def _relink(writer, starts: dict[str, int], site_url: str, public: str) -> dict[str, int]:
    """Point the links of the joined PDF where a reader of paper can follow them: to the first page
    of another page of the book, or to the published website; returns how many of each."""
    from pypdf.generic import ArrayObject, NameObject, TextStringObject

    counts = {"internal": 0, "website": 0}
    for page in writer.pages:
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            action = link.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if uri is None or not str(uri).startswith(site_url):
                continue
            path = urlparse(str(uri)).path.lstrip("/")
            if path in starts:
                del link[NameObject("/A")]
                target = writer.pages[starts[path]].indirect_reference
                link[NameObject("/Dest")] = ArrayObject([target, NameObject("/Fit")])
                counts["internal"] += 1
            else:
                action.get_object()[NameObject("/URI")] = TextStringObject(urljoin(public, path))
                counts["website"] += 1
    return counts


def build_pdf(site: Path = SITE, out: Path = PDF_DIR / BOOK_PDF, *, student: bool = False, browser=None) -> dict:
    """Print every page of the built ``site`` into one PDF at ``out``, and copy it into the site as
    :data:`BOOK_PDF` (where its pages link to it); ``student``: the site is the student edition
    (``make student``), said on the title page; ``browser``: a Playwright Chromium to print with
    (the tests share theirs), else one is started. Returns what was made: pages per page of the
    book, links rewritten, seconds."""
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
    if not (site / "index.html").exists():
        raise FileNotFoundError(f"no website at {site}: run `make book` first")
    if browser is None and chromium_path() is None:
        raise RuntimeError("Chromium is not installed (apt-get install -y chromium); the PDF is printed with it")
    paths = toc_pages()
    if not _has_chinese_font() and any(_has_chinese(site / p) for p in paths):
        raise RuntimeError("the book quotes the essay in Chinese and no Chinese font is installed, so those "
                           "words would print as empty boxes: apt-get install -y fonts-wqy-microhei")
    with serve(site) as site_url:
        if browser is not None:
            book = _print_book(browser, site_url, paths, student)
        else:
            with sync_playwright() as playwright:
                own = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                try:
                    book = _print_book(own, site_url, paths, student)
                finally:
                    own.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as handle:
        book["writer"].write(handle)
    (site / BOOK_PDF).write_bytes(out.read_bytes())
    printed = book["printed"]
    return {"pdf": str(out), "pages": book["front_pages"] + sum(p.pages for p in printed),
            "front_pages": book["front_pages"], "by_page": {p.path: p.pages for p in printed},
            "titles": {p.path: p.title for p in printed}, "links": book["links"],
            "seconds": round(time.perf_counter() - start, 1)}


def _print_book(browser, site_url: str, paths: list[str], student: bool) -> dict:
    """Print the pages ``paths`` of the site served at ``site_url`` and join them (see the module's
    docstring): a pypdf writer and what it holds."""
    import pypdf

    public = public_url()
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(f"{site_url}/{paths[0]}", wait_until="load")
        book_title = page.evaluate("() => (document.querySelector('.navbar-brand') || {}).textContent || ''")
        book_title = " ".join(book_title.split()) or "Shadow Balance Sheets"
        subtitle = page.evaluate("() => (document.querySelector('article p em, main p em') || {}).textContent || ''")
        edition = ('<p class="small"><strong>Student edition:</strong> every exercise, without its solution.</p>'
                   if student else "")
        # The front matter's length first (its page numbers have a fixed width), then each page of
        # the book numbered from there, then the front matter again with the numbers.
        placeholder = [(f"{site_url}/{p}", p, 888) for p in paths]
        page.set_content(_front_matter(book_title, subtitle, placeholder, public, edition))
        front_pages = _page_count(_print(page, 0))
        printed, number = [], front_pages + 1
        for path in paths:
            name = _open(page, f"{site_url}/{path}", site_url, public, path)
            pdf = _print(page, number)
            printed.append(Printed(path, name, pdf, _page_count(pdf), tuple(_headings(page))))
            number += printed[-1].pages
        entries, number = [], front_pages + 1
        for item in printed:
            entries.append((f"{site_url}/{item.path}", item.title, number))
            number += item.pages
        page.set_content(_front_matter(book_title, subtitle, entries, public, edition))
        front = _print(page, 0)
    finally:
        page.close()
    if _page_count(front) != front_pages:  # pragma: no cover - the numbers have the placeholder's width
        raise RuntimeError("the table of contents changed length when its page numbers were filled in")
    writer = pypdf.PdfWriter()
    writer.append(pypdf.PdfReader(io.BytesIO(front)), outline_item="Contents", import_outline=False)
    starts = {}
    for item in printed:
        starts[item.path] = len(writer.pages)
        reader = pypdf.PdfReader(io.BytesIO(item.pdf))
        _retitle_bookmarks(reader, list(item.headings))
        # Chromium's bookmarks of a page start with its title (its one h1), the sections under it.
        headed = sum(not isinstance(entry, list) for entry in reader.outline) == 1
        writer.append(reader, outline_item=None if headed else item.title, import_outline=True)
    links = _relink(writer, starts, site_url, public)
    writer.add_metadata({"/Title": book_title, "/Author": "The Shadow Balance Sheets authors", "/Subject": subtitle})
    writer.page_mode = "/UseOutlines"
    return {"writer": writer, "printed": printed, "front_pages": front_pages, "links": links}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the built website into one PDF.")
    parser.add_argument("--student", action="store_true",
                        help="the student edition (make student): _build/student/_build/html into " + STUDENT_PDF)
    parser.add_argument("--site", type=Path, help="the built website (default: _build/html)")
    parser.add_argument("--out", type=Path, help="the PDF to write (default: _build/pdf/" + BOOK_PDF + ")")
    args = parser.parse_args(argv)
    from tools import student_edition

    site = args.site or (student_edition.HTML if args.student else SITE)
    out = args.out or PDF_DIR / (STUDENT_PDF if args.student else BOOK_PDF)
    try:
        report = build_pdf(site, out, student=args.student)
    except (FileNotFoundError, RuntimeError) as error:
        print(f"pdf: {error}", file=sys.stderr)
        return 2
    print(f"pdf: {report['pdf']}: {report['pages']} pages in {report['seconds']} s "
          f"(links: {json.dumps(report['links'])})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
