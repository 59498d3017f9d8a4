"""Translators' helper for the zh_TW catalogs (book/locales/zh_TW/LC_MESSAGES/**.po).

    python tools/po_tool.py dump FILE [--all]        numbered entries still to translate (or all), as JSON
    python tools/po_tool.py fill FILE JSON           set msgstr of entries by number from a JSON object
    python tools/po_tool.py check FILE...            entries whose markup differs from the English
    python tools/po_tool.py stat FILE...             translated / untranslated / fuzzy per catalog

A translation must keep every piece of markup of its English entry: glue keys, citations,
substitutions, inline code, links' addresses, formulas, and the targets of {term}, {ref}, {numref}
and {doc} roles (their shown text may be translated: {term}`特殊目的實體 <special purpose vehicle>`).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from babel.messages.pofile import read_po, write_po

_ROLE = re.compile(r"\{([a-z:]+)\}`([^`]*)`")
_SUBSTITUTION = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
_URL = re.compile(r"\]\(([^)]+)\)|<(https?://[^>]+)>")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>`]*>")
_TARGETED = {"term", "ref", "numref", "doc", "eq", "download"}


def _role_target(role: str, text: str) -> str:
    if role in _TARGETED:
        match = re.search(r"<([^<>]+)>\s*$", text)
        return (match.group(1) if match else text).strip()
    return text


#: Glue keys only the Chinese edition shows: a headline figure's New Taiwan dollar equivalent
#: (``total_twd``), which a translation may add beside the dollar figure.
_CHINESE_ONLY_GLUE = re.compile(r"\{glue:text\}`[A-Za-z0-9_]+_twd`")


def markup(text: str) -> Counter:
    """The pieces of markup a translation must keep, counted (a Chinese-only ``…_twd`` glue key is
    not counted: a translation may add one)."""
    pieces: Counter = Counter()
    text = _CHINESE_ONLY_GLUE.sub("", text)
    without_roles = _ROLE.sub(" ", text)
    for role, body in _ROLE.findall(text):
        pieces[f"{{{role}}}`{_role_target(role, body)}`"] += 1
    for name in _SUBSTITUTION.findall(text):
        pieces[f"{{{{ {name} }}}}"] += 1
    for literal in re.findall(r"``[^`]+``|`[^`]+`", without_roles):
        pieces[literal] += 1
    for link, bare in _URL.findall(text):
        pieces[f"link {link or bare}"] += 1
    for tag in _HTML_TAG.findall(without_roles):  # raw HTML: every tag and attribute as it is
        pieces[f"html {tag}"] += 1
    if text.count("**") % 2:
        pieces["unbalanced **"] += 1
    return pieces


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def _write(path: Path, catalog) -> None:
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False)


def _entries(catalog):
    return [message for message in catalog if message.id]


def dump(path: Path, everything: bool = False) -> None:
    entries = _entries(_read(path))
    print(json.dumps({str(number): message.id for number, message in enumerate(entries)
                      if everything or not message.string or message.fuzzy}, ensure_ascii=False, indent=1))


def fill(path: Path, translations_path: Path) -> None:
    catalog = _read(path)
    entries = _entries(catalog)
    translations = json.loads(translations_path.read_text(encoding="utf-8"))
    problems = []
    for number, text in translations.items():
        message = entries[int(number)]
        wanted, got = markup(message.id), markup(text)
        if wanted != got:
            problems.append(f"#{number}: markup differs: missing {dict(wanted - got)}, extra {dict(got - wanted)}")
            continue
        message.string = text
        message.flags.discard("fuzzy")
    _write(path, catalog)
    print(f"{len(translations) - len(problems)} entries filled")
    for problem in problems:
        print(problem)
    if problems:
        raise SystemExit(1)


def check(paths: list[Path]) -> int:
    count = 0
    for path in paths:
        for number, message in enumerate(_entries(_read(path))):
            if message.string and markup(message.id) != markup(message.string):
                wanted, got = markup(message.id), markup(message.string)
                print(f"{path} #{number}: missing {dict(wanted - got)}, extra {dict(got - wanted)}")
                count += 1
    return count


def stat(paths: list[Path]) -> None:
    for path in paths:
        entries = _entries(_read(path))
        fuzzy = sum(1 for m in entries if m.fuzzy)
        untranslated = sum(1 for m in entries if not m.string)
        print(f"{path}: {len(entries) - fuzzy - untranslated} translated, {untranslated} untranslated, {fuzzy} fuzzy")


if __name__ == "__main__":
    action, *rest = sys.argv[1:]
    if action == "dump":
        dump(Path(rest[0]), everything="--all" in rest)
    elif action == "fill":
        fill(Path(rest[0]), Path(rest[1]))
    elif action == "check":
        sys.exit(1 if check([Path(p) for p in rest]) else 0)
    elif action == "stat":
        stat([Path(p) for p in rest])
    else:
        raise SystemExit(__doc__)
