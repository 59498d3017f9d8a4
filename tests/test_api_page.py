"""The book's API pages (``book/api.md`` and its seven pages by subject, ``book/api/*.md``) document
every public name of the package, and only those.

The pages list names by subject, by hand; this test fails when a public name is added to
``gpu_finance`` (or ``gpu_finance.viz``) without a place on the page, or when the page names
something the package no longer exports. The page itself is built, warnings as errors, with the
book (``make book``).
"""

from __future__ import annotations

import re
from pathlib import Path

import gpu_finance
import gpu_finance.viz

BOOK = Path(__file__).resolve().parents[1] / "book"
PAGES = [BOOK / "api.md", *sorted((BOOK / "api").glob("*.md"))]
_DIRECTIVE = re.compile(r"^\.\. auto(?:function|class|data):: (gpu_finance(?:\.viz)?)\.(\w+)$", re.MULTILINE)


def _documented() -> dict[str, list[str]]:
    names: dict[str, list[str]] = {"gpu_finance": [], "gpu_finance.viz": []}
    for page in PAGES:
        for package, name in _DIRECTIVE.findall(page.read_text(encoding="utf-8")):
            names[package].append(name)
    return names


def test_every_public_name_is_on_the_api_page_once():
    documented = _documented()
    for package in (gpu_finance, gpu_finance.viz):
        names = documented[package.__name__]
        assert sorted(set(names)) == sorted(names), f"{package.__name__}: a name is documented twice"
        missing = sorted(set(package.__all__) - set(names))
        extra = sorted(set(names) - set(package.__all__))
        assert missing == [], f"book/api.md does not document {package.__name__}: {missing}"
        assert extra == [], f"book/api.md documents names {package.__name__} does not export: {extra}"


def test_the_api_page_is_in_the_table_of_contents():
    from tools.website import toc_pages

    pages = toc_pages()
    assert "book/api.html" in pages
    assert {f"book/api/{p.stem}.html" for p in PAGES[1:]} <= set(pages) and len(PAGES) == 8
