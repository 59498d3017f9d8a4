"""The book as one PDF (``make pdf``), printed by Chromium from the built website.

Every page of the table of contents is opened in headless Chromium, its charts drawn, and printed
with the website's own print stylesheet (``book/static/book.css``: no controls, code wrapped, each
chart with a caption that gives the values it is drawn at); the pages are then joined with pypdf
behind a title page and a table of contents with page numbers. This is Jupyter Book's "PDF from
HTML" route (its ``pdfhtml`` builder prints the site with a headless Chrome) done with the
Chromium the browser tests already use, so the PDF needs no TeX installation.

What the PDF keeps from the website:

* every chart as vector graphics, at the state the text describes (the sliders at their initial
  values), numbered through the book ("Figure 12" above it), its caption naming those values and
  the page of the website where they move;
* bookmarks: one per page of the book, with its headings under it;
* links: a link within the book (a glossary term, a citation, a section of another chapter) goes to
  its place in the PDF; a link to another file of the website goes to the published website (in
  the student edition's PDF, whose website's address the book does not know, it is left as text);
  links to other sites stay as they are;
* page numbers in the footer, counted through the whole book; the contents grouped as the
  website's sidebar groups them.

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
/* Each chart's number, above it (the figures are numbered through the book). */
p.sbs-figure-number { font: 600 9pt system-ui, sans-serif; color: #444; margin: 1.2em 0 0.2em;
                      break-after: avoid; }
"""
VIEWPORT = {"width": 1000, "height": 1400}


@dataclass(frozen=True)
class Printed:
    """One page of the website, printed: its path in the site, title and PDF (read once by pypdf)."""

    path: str
    title: str
    reader: object
    pages: int
    headings: tuple[str, ...]
    #: Where each id of the page is in its PDF: (page index within it, left, top), from Chromium's
    #: named destinations.
    places: dict


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


def _open(page, url: str, public_page: str | None, first_figure: int) -> int:
    """Open a page of the site ready for paper: charts drawn, numbered from ``first_figure`` (a label
    "Figure N" above each), captions written, with the address ``public_page`` where the charts'
    controls move (None: no address); returns how many charts it has."""
    page.goto(url, wait_until="load")
    page.emulate_media(media="print")
    charts = wait_for_charts(page)
    page.evaluate("""(first) => document.querySelectorAll('.sbs-chart').forEach((chart, i) => {
        const label = document.createElement('p');
        label.className = 'sbs-figure-number';
        label.textContent = 'Figure ' + (first + i);
        chart.parentNode.insertBefore(label, chart);
    })""", first_figure)
    # The captions are written again as printing starts (charts.js, "beforeprint"): the page's
    # address on the published website, as a link, is added after each writing.
    page.evaluate("""([publicPage]) => {
        if (!window.sbsCharts) { return; }
        const address = () => {
            if (!publicPage) { return; }
            for (const caption of document.querySelectorAll('.sbs-print-caption')) {
                const [before, after] = caption.textContent.split('On the website these are');
                if (after === undefined) { continue; }
                const link = document.createElement('a');
                link.href = publicPage;
                link.textContent = publicPage;
                caption.replaceChildren(before + 'On the website (', link, ') these are' + after);
            }
        };
        window.sbsCharts.printCaptions();
        address();
        window.addEventListener('beforeprint', address);
    }""", [public_page])
    # Code in a table's cell may break after "_", "." or "," (paper does not scroll; the cell keeps
    # an identifier whole where it fits). Not in the API pages' summaries, whose names are the
    # narrow first column already: breaking them there only makes the rows taller.
    page.evaluate("""() => {
        for (const code of document.querySelectorAll('.bd-content table:not(.autosummary) code')) {
            const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
            const texts = [];
            while (walker.nextNode()) { texts.push(walker.currentNode); }
            for (const text of texts) {
                const parts = text.textContent.split(/(?<=[_.,])/);
                if (parts.length < 2) { continue; }
                const pieces = [];
                parts.forEach((part, i) => { if (i) { pieces.push(document.createElement('wbr')); } pieces.push(part); });
                text.replaceWith(...pieces);
            }
        }
    }""")
    # Chromium writes a PDF destination only for an id that a link on the same page points to: an
    # empty link (no box, so nothing printed and no link area) to every id makes one for each, for
    # the links from other pages (a citation, a section) to land on.
    page.evaluate("""() => {
        const box = document.createElement('div');
        for (const el of document.querySelectorAll('[id]')) {
            const a = document.createElement('a');
            a.href = '#' + el.id;
            box.append(a);
        }
        document.body.append(box);
    }""")
    return charts


def _headings(page) -> list[str]:
    """The text of every heading of the open page, as a reader sees it."""
    return [" ".join(t.replace("#", "").split()) for t in page.evaluate(
        "() => [...document.querySelectorAll('article h1, article h2, article h3, article h4, article h5, article h6')]"
        ".map(h => h.textContent)")]


def _retitle_bookmarks(reader, headings: list[str]) -> None:
    """Chromium titles a bookmark with its heading's lines run together ("where didthe debt go?"
    when the heading wraps after "did"), and now and then a line of it twice: give each the
    heading's own text, matched without spaces."""
    from pypdf.generic import NameObject, TextStringObject

    by_letters = {"".join(h.split()): h for h in headings}

    def written_from(letters: str, key: str) -> bool:
        """Whether ``letters`` is ``key`` with some stretches of it written again right after
        themselves ("abcbcd" from "abcd")."""
        from functools import lru_cache

        @lru_cache(maxsize=None)
        def match(i: int, j: int) -> bool:  # letters[i:] continues key, of which key[:j] is written
            if i == len(letters):
                return j == len(key)
            if j < len(key) and letters[i] == key[j] and match(i + 1, j + 1):
                return True
            return any(letters.startswith(key[k:j], i) and match(i + j - k, j) for k in range(j))

        return len(letters) >= len(key) and match(0, 0)

    def heading(title: str) -> str | None:
        # Chromium 156 sometimes writes a line of a heading twice ("ExercisesExercises",
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


def toc_parts(config: Path = ROOT / "_toc.yml") -> list[tuple[str, list[tuple[str, int]]]]:
    """The table of contents as the website's sidebar groups it: (caption, [(page, depth)]), the
    landing page first under an empty caption, a page's sections at depth 1."""
    import yaml

    toc = yaml.safe_load(config.read_text(encoding="utf-8"))

    def pages(entries: list[dict], depth: int) -> list[tuple[str, int]]:
        return [item for entry in entries
                for item in [(f"{entry['file']}.html", depth), *pages(entry.get("sections", []), depth + 1)]]

    return [("", [(f"{toc['root']}.html", 0)])] + [
        (part.get("caption", ""), pages(part.get("chapters", []), 0)) for part in toc.get("parts", [])]


def _html_title(page: Path) -> str:
    """A built page's heading (its first h1), as text."""
    import re

    found = re.search(r"<h1[^>]*>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S)
    text = re.sub(r"<[^>]+>", "", found.group(1)) if found else page.stem
    return " ".join(html.unescape(text).replace("#", "").split())


def _front_matter(title: str, subtitle: str, entries: dict[str, tuple[str, str, int]], url: str | None,
                  edition: str) -> str:
    """The title page (one page) and the table of contents, as HTML: ``entries`` maps each page of
    the book to (its link, its title, its first page number), grouped as :func:`toc_parts`."""
    rows = []
    for caption, pages in toc_parts():
        if caption:
            rows.append(f'<li class="part">{html.escape(caption)}</li>')
        for path, depth in pages:
            link, name, number = entries[path]
            rows.append(f'<li class="depth-{depth}"><a href="{html.escape(link)}"><span>{html.escape(name)}</span>'
                        f'<span class="dots"></span><span>{number}</span></a></li>')
    where = f"the website {html.escape(url)}" if url else "the book's website"
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
li.part {{ font-weight: 600; margin-top: 5mm; }}
li.depth-1 {{ padding-left: 6mm; font-size: 10pt; }}
li a {{ display: flex; color: inherit; text-decoration: none; }}
li .dots {{ flex: 1; border-bottom: 1px dotted #888; margin: 0 2mm 1.2mm; }}
</style></head><body>
<section class="title"><h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p>{edition}
<p class="small">Printed from {where} on {today}. The website's charts respond to their controls; here
each chart is drawn at the values the text describes, named under it.</p></section>
<h2>Contents</h2><ol>{"".join(rows)}</ol></body></html>"""


def _places(reader) -> dict[str, tuple[int, float, float]]:
    """Chromium's named destinations of one printed page: id -> (page index, left, top)."""
    places = {}
    for name, destination in reader.named_destinations.items():
        try:
            index = reader.get_destination_page_number(destination)
        except Exception:  # pragma: no cover - a destination to no page
            continue
        places[str(name).lstrip("/")] = (index, float(destination.left or 0), float(destination.top or 0))
    return places


def _relink(writer, printed: list[Printed], starts: dict[str, int], site_url: str, public: str | None) -> dict[str, int]:
    """Point the links of the joined PDF where a reader of paper can follow them, and returns how
    many of each kind:

    * ``internal``: to an id of the book (a link within a page, which Chromium writes as a named
      destination, or to a section of another page): to that place, given as a page and position
      (the names alone would clash: many pages have an ``#exercises``);
    * ``page``: to another page of the book as a whole: to its first page;
    * ``missing``: to an id of another page that is not in its PDF: to that page's first page;
    * ``website``: to another file of the site: to the published website (``public``), or, if
      None, the link is taken off and its text stays.
    """
    from pypdf.generic import ArrayObject, FloatObject, NameObject, NumberObject, TextStringObject

    counts = {"internal": 0, "page": 0, "missing": 0, "website": 0}
    places = {item.path: item.places for item in printed}
    owners = sorted((start, path) for path, start in starts.items())

    def owner(index: int) -> str | None:
        found = [path for start, path in owners if start <= index]
        return found[-1] if found else None

    def place(path: str, anchor: str):
        index, left, top = places[path][anchor]
        return ArrayObject([writer.pages[starts[path] + index].indirect_reference, NameObject("/XYZ"),
                            FloatObject(left), FloatObject(top), NumberObject(0)])

    for page_index, page in enumerate(writer.pages):
        here = owner(page_index)
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            destination = link.get("/Dest")
            if isinstance(destination, (NameObject, TextStringObject)) and here is not None:
                anchor = str(destination).lstrip("/")
                if anchor in places[here]:
                    link[NameObject("/Dest")] = place(here, anchor)
                    counts["internal"] += 1
                else:  # a name the joined PDF does not resolve: to the page's first page
                    link[NameObject("/Dest")] = ArrayObject([writer.pages[starts[here]].indirect_reference,
                                                             NameObject("/Fit")])
                    counts["missing"] += 1
                continue
            action = link.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if uri is None or not str(uri).startswith(site_url):
                continue
            parts = urlparse(str(uri))
            path = parts.path.lstrip("/")
            if path in starts:
                del link[NameObject("/A")]
                if parts.fragment and parts.fragment in places[path]:
                    link[NameObject("/Dest")] = place(path, parts.fragment)
                    counts["internal"] += 1
                else:
                    link[NameObject("/Dest")] = ArrayObject([writer.pages[starts[path]].indirect_reference,
                                                             NameObject("/Fit")])
                    counts["page" if not parts.fragment else "missing"] += 1
            elif public:
                outside = urljoin(public, path) + (f"?{parts.query}" if parts.query else "") + (
                    f"#{parts.fragment}" if parts.fragment else "")
                action.get_object()[NameObject("/URI")] = TextStringObject(outside)
                counts["website"] += 1
            else:
                del link[NameObject("/A")]
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
        raise FileNotFoundError(f"no website at {site}: run `make {'student' if student else 'book'}` first")
    if browser is None and chromium_path() is None:
        raise RuntimeError("Chromium is not installed (apt-get install -y chromium); the PDF is printed with it")
    paths = toc_pages()
    if not _has_chinese_font() and any(_has_chinese(site / p) for p in paths):
        raise RuntimeError("the book quotes the essay in Chinese and no Chinese font is installed, so those "
                           "words would print as empty boxes: apt-get install -y fonts-wqy-microhei")
    with serve(site) as site_url:
        if browser is not None:
            book = _print_book(browser, site, site_url, paths, student)
        else:
            with sync_playwright() as playwright:
                own = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                try:
                    book = _print_book(own, site, site_url, paths, student)
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


def _print_book(browser, site: Path, site_url: str, paths: list[str], student: bool) -> dict:
    """Print the pages ``paths`` of ``site``, served at ``site_url``, and join them (see the module's
    docstring): a pypdf writer and what it holds."""
    import pypdf
    from pypdf.generic import NameObject

    # The student edition's own address is not in the configuration (an instructor publishes it
    # where they like); the configured one is the edition with the solutions, so none is given.
    public = None if student else public_url()
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(f"{site_url}/{paths[0]}", wait_until="load")
        book_title = page.evaluate("() => (document.querySelector('.navbar-brand') || {}).textContent || ''")
        book_title = " ".join(book_title.split()) or "Shadow Balance Sheets"
        subtitle = page.evaluate("() => (document.querySelector('article p em, main p em') || {}).textContent || ''")
        edition = ('<p class="small"><strong>Student edition:</strong> every exercise, without its solution.</p>'
                   if student else "")
        # The front matter's length first, with the pages' titles and three-digit numbers (the
        # final numbers are no wider, and do not wrap a line: a changed length raises below), then
        # each page of the book numbered from there, then the front matter again with the numbers.
        titles = {p: _html_title(site / p) for p in paths}
        entries = {p: (f"{site_url}/{p}", titles[p], 888) for p in paths}  # up to 999 pages
        page.set_content(_front_matter(book_title, subtitle, entries, public, edition))
        front_pages = _page_count(_print(page, 0))
        printed, number, figure = [], front_pages + 1, 1
        for path in paths:
            figure += _open(page, f"{site_url}/{path}", urljoin(public, path) if public else None, figure)
            reader = pypdf.PdfReader(io.BytesIO(_print(page, number)))
            printed.append(Printed(path, titles[path], reader, len(reader.pages), tuple(_headings(page)),
                                   _places(reader)))
            number += printed[-1].pages
        number = front_pages + 1
        for item in printed:
            entries[item.path] = (f"{site_url}/{item.path}", item.title, number)
            number += item.pages
        page.set_content(_front_matter(book_title, subtitle, entries, public, edition))
        front = _print(page, 0)
    finally:
        page.close()
    if _page_count(front) != front_pages:
        raise RuntimeError(f"the front matter took {_page_count(front)} pages with its page numbers, "
                           f"{front_pages} without: the page numbers would be wrong")
    writer = pypdf.PdfWriter()
    writer.append(pypdf.PdfReader(io.BytesIO(front)), import_outline=False)
    writer.add_outline_item(title="Contents", page_number=1)  # after the title page
    starts = {}
    for item in printed:
        starts[item.path] = len(writer.pages)
        reader = item.reader
        _retitle_bookmarks(reader, list(item.headings))
        # Chromium's bookmarks of a page start with its title (its one h1), the sections under it.
        headed = sum(not isinstance(entry, list) for entry in reader.outline) == 1
        writer.append(reader, outline_item=None if headed else item.title, import_outline=True)
    links = _relink(writer, printed, starts, site_url, public)
    # Every link now gives its place; the pages' names, merged, would only clash (the first page with
    # an #exercises would win for a reader who opens book.pdf#exercises).
    names = writer._root_object.get("/Names")
    if names is not None and "/Dests" in names.get_object():
        del names.get_object()[NameObject("/Dests")]
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
