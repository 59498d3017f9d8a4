"""The built website as files: launch links from the one repository setting, page-size budget,
and no reference to another host in any script or style the pages load."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.website import REDIRECTS, site_pages, toc_pages
from tools.set_repository import read_repository

#: Largest HTML a page may have (the performance budget): 1.5 MB.
PAGE_BUDGET_BYTES = 1_500_000

CHAPTER_PAGES = [p for p in toc_pages() if p.startswith("chapters/")]
#: Every page of both editions (the Traditional Chinese one under zh-TW/).
BOTH_EDITIONS = toc_pages() + [f"zh-TW/{page}" for page in toc_pages()]


def test_the_site_has_exactly_the_pages_of_the_table_of_contents(built_site):
    assert sorted(site_pages(built_site)) == sorted(toc_pages())


@pytest.mark.parametrize("page_path", CHAPTER_PAGES)
def test_launch_and_download_links_come_from_the_repository_setting(built_site, page_path):
    html = (built_site / page_path).read_text(encoding="utf-8")
    url, branch = read_repository()
    owner_repo = url.removeprefix("https://github.com/")
    notebook = Path(page_path).with_suffix(".ipynb").as_posix()
    assert f"https://mybinder.org/v2/gh/{owner_repo}/{branch}?urlpath=lab/tree/{notebook}" in html
    assert f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{notebook}" in html
    assert f'href="../_sources/{notebook}"' in html, "the .ipynb download link"


@pytest.mark.parametrize("page_path", BOTH_EDITIONS)
def test_page_html_is_within_budget(built_site, page_path):
    size = (built_site / page_path).stat().st_size
    assert size <= PAGE_BUDGET_BYTES, f"{page_path} is {size:,} bytes, over the {PAGE_BUDGET_BYTES:,} budget"


def test_no_page_loads_scripts_styles_or_fonts_from_another_host(built_site):
    pattern = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(https?:)?//[^"]+"', re.I)
    offenders = {}
    for page in site_pages(built_site) + [f"zh-TW/{page}" for page in toc_pages()]:
        found = [m.group(0) for m in pattern.finditer((built_site / page).read_text(encoding="utf-8"))
                 if "rel=\"canonical\"" not in m.group(0)]
        if found:
            offenders[page] = found[:3]
    assert offenders == {}


@pytest.mark.parametrize("old", sorted(REDIRECTS))
def test_old_chapter_addresses_lead_to_the_new_chapters(built_site, old):
    """Links in the wild to the chapters' old addresses still work (chapter 3 was split in two)."""
    html = (built_site / old).read_text(encoding="utf-8")
    target = Path(REDIRECTS[old]).name
    assert f'http-equiv="refresh" content="0; url={target}"' in html
    assert f'<link rel="canonical" href="{target}">' in html
    assert (built_site / REDIRECTS[old]).is_file()
    for page in re.findall(r'"(\d\d-[a-z-]+\.html)"', html):  # every page the script may send a reader to
        assert (built_site / "chapters" / page).is_file(), page


def test_sections_of_the_old_chapter_3_are_sent_to_the_chapter_that_holds_them(built_site):
    html = (built_site / "chapters/03-the-backstop.html").read_text(encoding="utf-8")
    listed = re.search(r"var inChapter4 = \[(.*?)\];", html, re.S).group(1)
    ids = re.findall(r'"([^"]+)"', listed)
    chapter4 = (built_site / "chapters/04-the-backstop.html").read_text(encoding="utf-8")
    chapter3 = (built_site / "chapters/03-the-guarantee.html").read_text(encoding="utf-8")
    assert len(ids) >= 10
    for anchor in ids:
        assert f'id="{anchor}"' in chapter4, f"#{anchor} is not on chapter 4's page"
        assert f'id="{anchor}"' not in chapter3 or anchor in {"what-the-essay-claims-and-the-verdicts", "a-live-panel"}
    for anchor in ("a-guarantee-is-a-put-option", "loan-that-closed", "bs-ex-build-put"):  # stay in chapter 3
        assert anchor not in ids and f'id="{anchor}"' in chapter3



def _loads(html: str, script: str) -> bool:
    return re.search(r'<script[^>]*src="[^"]*' + re.escape(script), html) is not None


@pytest.mark.parametrize("page_path", BOTH_EDITIONS)
def test_no_page_loads_the_font_awesome_script_or_the_search_index(built_site, page_path):
    """The theme's 1.5 MB icon script is not needed (its icons render from web fonts), and the search
    index (with its tools) is loaded only by the search page (search-as-you-type is off)."""
    html = (built_site / page_path).read_text(encoding="utf-8")
    for script in ("fontawesome.js", "searchindex.js", "searchtools.js"):
        assert not _loads(html, script), f"{page_path} loads {script}"
    if not re.search(r'class="[^"]*\bsd-', html):  # no sphinx-design component on the page
        assert "sphinx-design" not in html and not _loads(html, "design-tabs.js"), f"{page_path} loads sphinx-design"


def test_the_search_page_keeps_its_index(built_site):
    html = (built_site / "search.html").read_text(encoding="utf-8")
    assert _loads(html, "searchindex.js") and _loads(html, "searchtools.js")


#: A formula's TeX left in a page for a script to typeset: the delimiters Sphinx's math renderers
#: write (``\\( \\)``, ``\\[ \\]``), outside code.
_TEX_DELIMITERS = re.compile(r"\\\(|\\\)|\\\[|\\\]")
_MATH = re.compile(r"<math\b[^>]*>(.*?)</math>", re.S)
_ANNOTATION = re.compile(r"<annotation\b.*?</annotation>", re.S)


def _prose(html: str) -> str:
    """The page's HTML without code, scripts, styles and the formulas' TeX annotations."""
    html = re.sub(r"<(pre|script|style|code)\b.*?</\1>", "", html, flags=re.S)
    return _ANNOTATION.sub("", html)


@pytest.mark.parametrize("page_path", BOTH_EDITIONS)
def test_formulas_are_mathml_made_at_build_time_and_no_page_loads_a_math_script(built_site, page_path):
    html = (built_site / page_path).read_text(encoding="utf-8")
    formulas = _MATH.findall(html)
    page = page_path.removeprefix("zh-TW/")
    if page.startswith("chapters/0") and not page.startswith("chapters/00"):
        assert len(formulas) >= 20, f"{page_path}: every chapter after the prologue has formulas"
    if page in ("book/intro.html", "book/how-to-use.html", "book/glossary.html"):
        assert formulas == [], f"{page_path} has no formulas"
    assert not re.search(r"<script[^>]*mathjax|MathJax\.js|mathjax-config", html, re.I), f"{page_path} loads MathJax"
    untypeset = _TEX_DELIMITERS.findall(_prose(html))
    assert untypeset == [], f"{page_path}: TeX left for a script to typeset: {untypeset[:5]}"
    for formula in formulas:
        assert '<annotation encoding="application/x-tex">' in formula, "each formula keeps its TeX"
        assert "<merror" not in formula


def test_the_site_ships_no_mathjax(built_site):
    assert not (built_site / "_static" / "mathjax").exists()


def _math_characters(built_site) -> dict[str, str]:
    """Every character the site's formulas draw, with a page it is on; a one-letter identifier is
    drawn in its mathematical italic form (MathML Core), so that form is listed too."""
    import html as html_module
    import unicodedata

    found: dict[str, str] = {}
    for page_path in toc_pages():
        for formula in _MATH.findall((built_site / page_path).read_text(encoding="utf-8")):
            formula = _ANNOTATION.sub("", formula)
            for tag, text in re.findall(r"<(m[ion]|mtext)\b[^>]*>([^<]*)</\1>", formula):
                text = html_module.unescape(text)
                for character in text:
                    found.setdefault(character, page_path)
                if tag == "mi" and len(text) == 1 and text.isalpha():
                    name = unicodedata.name(text).replace("LATIN ", "").replace("GREEK ", "").replace(" LETTER", "")
                    try:  # ℎ (U+210E) stands in the italic block's gap for h; ℓ has no italic form
                        italic = "\u210e" if text == "h" else unicodedata.lookup(f"MATHEMATICAL ITALIC {name}")
                    except KeyError:
                        continue
                    found.setdefault(italic, page_path)
    return found


def test_the_math_font_has_every_character_the_formulas_draw(built_site):
    """The site's subset of STIX Two Math (tools/math_font.py) covers every formula: a character it
    lacks would be drawn from another font, without the MATH table's layout."""
    from fontTools.ttLib import TTFont

    font = built_site / "_static" / "fonts" / "STIXTwoMath-subset.woff2"
    covered = set(TTFont(font).getBestCmap())
    used = _math_characters(built_site)
    assert len(used) > 40, "the formulas use letters, digits, Greek and operators"
    missing = {f"U+{ord(c):04X} {c!r}": page for c, page in used.items()
               if ord(c) not in covered and not c.isspace() and ord(c) not in (0x2061, 0x2062, 0x2063)}
    assert missing == {}, f"add these to tools/math_font.py's ranges and run it again: {missing}"


def test_the_site_root_is_a_titled_english_page_that_opens_the_introduction(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "<title>Shadow Balance Sheets</title>" in html
    assert 'content="0; url=book/intro.html"' in html and 'href="book/intro.html"' in html


@pytest.mark.parametrize("page_path", ["book/intro.html", "chapters/01-the-spv.html"])
def test_the_fullscreen_button_is_off_as_the_configuration_says(built_site, page_path):
    html = (built_site / page_path).read_text(encoding="utf-8")
    assert "fa-expand" not in html and "fullscreen" not in html.lower()


def chart_specs(html: str) -> list[dict]:
    """The Vega-Lite specification of each ``.sbs-chart`` on a page, in order: the first JSON object
    with a ``$schema`` after each chart's ``div``."""
    decoder = json.JSONDecoder()
    specs = []
    for match in re.finditer(r'<div id="[^"]+" class="sbs-chart"', html):
        start = html.index('{"$schema"', match.end())
        specs.append(decoder.raw_decode(html, start)[0])
    return specs


def test_the_landing_page_draws_the_whole_money_loop(built_site):
    """The site's root page (issue 17) shows one chart: the book's money-flow diagram of the whole
    loop, with the vendor, the lenders, the AI company and the taxpayers' guarantee, titled by its finding."""
    html = (built_site / "book/intro.html").read_text(encoding="utf-8")
    assert html.count('class="sbs-chart"') == 1, "the landing page should hold exactly one chart"
    (spec,) = chart_specs(html)
    title = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]
    title = " ".join(title) if isinstance(title, list) else title  # a long title is on lines
    assert "loan" in title and "AI company" in title, title
    assert spec["description"].startswith("Money-flow diagram")
    nodes = [row for rows in spec["datasets"].values() for row in rows if {"party", "name"} <= set(row)]
    parties = {row["party"]: row["name"] for row in nodes}
    assert {"vendor", "lenders", "sponsor", "spv", "taxpayers"} <= set(parties), sorted(parties)
    assert "AI company" in parties["sponsor"]
    edges = {(row["from_party"], row["to_party"]) for rows in spec["datasets"].values() for row in rows
             if {"from_party", "to_party"} <= set(row)}
    assert {("lenders", "spv"), ("vendor", "spv"), ("spv", "vendor"), ("sponsor", "spv"),
            ("taxpayers", "lenders")} <= edges, sorted(edges)
    # the sentence under the chart quotes the diagram's numbers, through glue, so none is left unfilled
    assert "loop_loan" not in html and "loop_guarantee" not in html
    assert html.index('class="sbs-chart"') < html.index('id="the-three-tricks"'), "the chart comes first"


#: Each Font Awesome style class and the font that draws it.
_ICON_FONT_FILES = {"fa-solid": "fa-solid-900.woff2", "fa-brands": "fa-brands-400.woff2", "fa-regular": "fa-regular-400.woff2"}


def _theme_icon_code_point(css: str, name: str) -> int | None:
    """``name``'s code point in the theme's stylesheet (``.fa-name:before{content:"\\f09b"}``)."""
    match = re.search(r"\.%s:before[^{]*\{content:\"\\([0-9a-f]{4})\"" % re.escape(name), css)
    return int(match.group(1), 16) if match else None


def test_every_icon_on_every_page_is_in_the_cut_down_icon_fonts(built_site):
    """The extension cuts Font Awesome's fonts to the icons the site draws (0.27 MB less per page);
    an icon a page shows, or the theme's stylesheet draws itself (admonitions), must still be there."""
    from bs4 import BeautifulSoup
    from fontTools.ttLib import TTFont

    fonts_dir = built_site / "_static" / "vendor" / "fontawesome" / "webfonts"
    fonts = {style: set(TTFont(fonts_dir / name).getBestCmap()) for style, name in _ICON_FONT_FILES.items()}
    assert sum((fonts_dir / name).stat().st_size for name in _ICON_FONT_FILES.values()) < 30_000
    css = (built_site / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    missing, checked = [], 0
    for page_path in toc_pages():
        soup = BeautifulSoup((built_site / page_path).read_text(encoding="utf-8"), "html.parser")
        for icon in soup.select('[class*="fa-"]'):
            classes = icon.get("class", [])
            style = next((c for c in classes if c in fonts), None)
            names = [c for c in classes if c.startswith("fa-") and c not in fonts]
            points = [(n, _theme_icon_code_point(css, n)) for n in names]
            for name, point in points:
                if style and point is not None:
                    checked += 1
                    if point not in fonts[style]:
                        missing.append(f"{page_path}: {style} {name} U+{point:04X}")
    drawn_by_css = {ord(c) for c in re.findall("[\ue000-\uf8ff]", css)}  # admonition icons and the like
    missing += [f"stylesheet icon U+{p:04X}" for p in sorted(drawn_by_css - set().union(*fonts.values()))]
    assert checked > 50 and drawn_by_css, (checked, drawn_by_css)
    assert missing == [], missing[:10]
