"""No figure typed by hand into the book's prose.

Every quantity a reader sees in the text (money, percentages, lives in years, rates, counts that come
from data) must come from code, through a ``{glue:text}`` role, or from a data row. This test reads
every markdown cell of ``chapters/*.ipynb`` and every page of ``book/*.md``, removes what may hold
digits (roles, inline code, code and math blocks, citations, headings, labels, link targets,
directive options, exercise statements, whose inputs may be typed), and fails on any digit that is
left, unless it is on the short allowlist below. The claims ledger's own texts are held to the same
rule (their figures are ``{fact:KEY}`` tokens).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gpu_finance import essay_claims

ROOT = Path(__file__).resolve().parents[1]
MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
          "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")

#: What may stay typed, each with the reason. Patterns are matched against the stripped text; what
#: they match is removed before digits are looked for.
ALLOWED = [
    # Calendar dates: a day next to a month, a year (1900-2099), a year range, a quarter or half.
    (rf"\b\d{{1,2}}\s+(?:{MONTHS})\b", "a day of a month"),
    (rf"\b(?:{MONTHS})\s+\d{{1,2}}\b", "a day of a month"),
    (r"\b(?:19|20)\d{2}(?:\s*[–-]\s*(?:19|20)?\d{2})?s?\b", "a calendar year or range of years"),
    (r"\b[QH][1-4](?:[–-][1-4])?\b", "a quarter or half of a year"),
    (r"\b(?:first|second|third|fourth) quarter\b", "a quarter"),
    # Standard names of rules, filings and products.
    (r"\b(?:ASC|FAS|SFAS|FIN|IFRS|IAS|TIFRS)\s*\d+(?:[-/]\d+)*(?:\s*\(R\))?", "an accounting standard's name"),
    (r"\b(?:Form\s+)?(?:10-Q|10-K|8-K|S-1(?:/A)?|424B4)\b", "an SEC form's name"),
    (r"\b(?:GB|[VAHB])\d{2,3}\b", "a GPU model's name"),
    (r"\bColossus\s+(?:2|II)\b|\bCOS\s+2\b", "the project's name"),
    (r"\b\d+\s+U\.S\.C\.\s+\d+\w*", "a US Code citation"),
    (r"\bSOFR\b", "a benchmark's name"),
    # Numbering of the book itself: chapters, sections, steps, exercises, problem sets, questions.
    (r"\b(?:[Cc]hapters?|[Ss]ections?|[Ss]teps?|[Pp]arts?|[Ee]xercises?|[Qq]uestions?|[Pp]roblem sets?|[Nn]otes?|[Cc]laims?)"
     r"\s+\d+(?:\s*(?:[–-]|and|to|or|,)\s*\d+)*", "a chapter, section, step or question number"),
    (r"\bps\d{2}\b|\bQ\d+\b", "a problem set's or question's number"),
    (r"\b\d+(?:\.\d+)*\s+(?:ps|problem set)\b", "a problem set's number"),
    (r"\*\*\d+\.", "a bold item's number"),
    (r"^\|\s*\d+\s*\|", "a table row's number"),
    # Course logistics in the instructor's guide: weeks and sessions of a syllabus, not figures of
    # the model.
    (r"\b\d+-week\b|\bweek-\d+\b|\b[Ww]eeks?\s+\d+(?:\s*[–-]\s*\d+)?\b", "a week of a syllabus"),
    (r"\b[Ss]essions?\s+\d+\b|\b\d+\s+(?:to|–)\s+\d+\s+minutes\b", "a session of a syllabus"),
    # Software and courses by name.
    (r"\bPython\s+3(?:\.\d+)?\b|\bData\s+8\b", "a program's or course's name"),
    # How the model writes units: the one worked example, in "How to use this book".
    (r"\b0\.095 for 9\.5%", "the units convention's example"),
    # Keyboard and file names.
    (r"\b[\w./-]*\d[\w./-]*\.(?:ipynb|md|csv|py|html|zip|json|yml|toml|txt)\b", "a file name"),
    (r"\bShift\+\w+|\bCtrl\+\w+", "a keyboard shortcut"),
]


def strip_markdown(text: str) -> str:
    """The prose of one MyST markdown text, without the parts that may hold digits."""
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    # A MyST text notebook's front matter (jupytext and kernel settings), not prose.
    text = re.sub(r"\A---\n.*?\n---\n", " ", text, flags=re.S)
    # Exercise statements may type their inputs; solutions may not.
    text = re.sub(r"```\{exercise-start\}.*?```\{exercise-end\}\s*```", " ", text, flags=re.S)
    text = re.sub(r"````\{exercise\}.*?````", " ", text, flags=re.S)
    # Code and math blocks, whatever the fence.
    text = re.sub(r"^(`{3,}|~{3,})\s*(?:\{(?:math|code-cell|code|literalinclude|glue:figure|glue)\}|python|bash|text|console|ini|yaml|toml|csv)?[^\n]*\n.*?^\1\s*$",
                  " ", text, flags=re.S | re.M)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or re.match(r"^\([\w:-]+\)=\s*$", stripped):
            continue  # headings and labels
        if re.match(r"^:[\w-]+:", stripped) or re.match(r"^`{3,}\{", stripped) or re.match(r"^`{3,}\s*$", stripped):
            continue  # directive options and fences
        line = re.sub(r"^\s*(?:\d+\.|[-*+])\s+", " ", line)  # list markers
        lines.append(line)
    text = "\n".join(lines)
    text = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", text)  # roles: glue, cite, ref, term, math, eq, doc
    text = re.sub(r"`[^`]*`", " ", text)  # inline code
    text = re.sub(r"\{\{[^}]*\}\}", " ", text)  # substitutions
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    text = re.sub(r"<[^>]+>", " ", text)  # HTML tags
    text = re.sub(r"https?://\S+", " ", text)  # bare addresses
    return text


def typed_figures(text: str) -> list[str]:
    """Each digit left in the prose of ``text``, with a little context, after the allowlist."""
    prose = strip_markdown(text)
    for pattern, _reason in ALLOWED:
        prose = re.sub(pattern, " ", prose, flags=re.M)
    found = []
    for match in re.finditer(r"\d[\d,.]*", prose):
        start, end = max(0, match.start() - 30), min(len(prose), match.end() + 30)
        found.append(" ".join(prose[start:end].split()))
    return found


def _markdown_sources():
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells):
            if cell["cell_type"] == "markdown":
                yield f"{path.name} cell {number}", "".join(cell["source"])
    for path in sorted((ROOT / "book").glob("*.md")):
        yield path.name, path.read_text(encoding="utf-8")


SOURCES = dict(_markdown_sources())


def test_the_scanner_sees_every_page():
    names = {name.split(" cell ")[0] for name in SOURCES}
    assert {"intro.md", "glossary.md", "how-to-use.md"} <= names
    assert sum(name.endswith(".ipynb") for name in names) >= 5


@pytest.mark.parametrize("typed", ["12.5%", "$12.5B", "six years and 4 months", "a 1,000-GPU cluster", "0.22"])
def test_a_typed_figure_is_found(typed):
    assert typed_figures(f"The vehicle borrows {typed} of the cost, as reported.") != []


@pytest.mark.parametrize(
    "allowed",
    [
        "The debt is {glue:text}`debt` {cite:p}`bloomberg2025xaispv`.",
        "Under ASC 842 and FIN 46(R), since 2019, see chapter 2 and section 7.",
        "SpaceX's 10-Q for the quarter to 30 June 2026 names the H100 and GB200.",
        "```{math}\nE = \\sum_{t=1}^{L} X\n```",
        "```{exercise-start}\n:label: x\n```\nRaise the debt share to 80%.\n```{exercise-end}\n```",
    ],
)
def test_what_may_stay_typed_is_not_flagged(allowed):
    assert typed_figures(allowed) == []


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_no_hand_typed_figures_in_prose(name):
    assert typed_figures(SOURCES[name]) == [], (
        f"{name} has figures typed into its prose: glue them from the model or a data row "
        "(or, for a date, a standard's name or a chapter number, extend the allowlist with a reason)"
    )


def test_ledger_texts_type_no_figures():
    claims = essay_claims()
    for column in ("why", "what_would_change_it"):
        for claim_id, text in zip(claims["id"], claims[column]):
            assert typed_figures(re.sub(r"\{fact:[\w.]+\}", " ", text)) == [], (claim_id, column)


def test_a_text_notebooks_front_matter_is_not_prose():
    page = "---\nkernelspec:\n  name: python3\n---\n\n# A page\n\nIt costs 12 dollars.\n"
    assert typed_figures(page) == ["It costs 12 dollars."]
