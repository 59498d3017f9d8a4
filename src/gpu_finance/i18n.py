"""The reader's language: English, or Traditional Chinese as written in Taiwan (``zh_TW``).

Everything the package shows a reader (chart titles and axes, tooltips, table headings, party
names, the claims ledger, numbers written in words) is English unless the language is ``zh_TW``:
:func:`set_language` chooses it, else the environment variable :data:`LANGUAGE_ENV_VAR`
(``GPU_FINANCE_LANGUAGE``, which the book's Sphinx extension sets for the Chinese edition), else
English. In English nothing is translated and no catalog is read.

Strings are translated with gettext's conventions: :func:`_` (``_("Year of the lease")``),
:func:`pgettext` where one English word needs two Chinese ones, and :func:`N_`, which only marks a
string for the catalog where it is defined (a module-level table) and is translated where it is
shown. Text built with numbers uses a format string as its message:
``_("Debt of {amount}").format(amount=usd(x))``. Data text (an event in a CSV file, a verdict of the
claims ledger) is translated where it is shown, keyed by its English text.

The translations are one catalog, ``locale/zh_TW/LC_MESSAGES/gpu_finance.po`` in the package, read
with polib the first time a Chinese string is needed (no compiled ``.mo`` file is kept). A message
missing from it, or left fuzzy or empty, shows in English and is recorded: :func:`untranslated` lists
them, so a test that draws every chart in Chinese fails on any gap.

Regenerating the catalog when strings change
--------------------------------------------
::

    .venv/bin/python -m gpu_finance.i18n            # update the .po from the source and the data
    .venv/bin/python -m gpu_finance.i18n --check    # exit 1 if it is out of date or incomplete

The first command reads every ``_("...")``, ``N_("...")``, ``pgettext("...", "...")``,
``NP_("...", "...")`` and ``Message("...")`` with a literal argument in the package's source and in
the code of the book's notebooks and executed pages (with Python's :mod:`ast`, so the strings are
found exactly as Python reads them), and the data text the package shows (the CSV columns in
:data:`DATA_TEXT`). A notebook imports ``_`` from here for the sentences it writes itself. It keeps every translation whose message is
still used, adds the new messages untranslated and drops the ones no longer used; then translate
the new entries (``msgstr``) and run the tests (``tests/test_i18n.py``). A message whose English
changes is a new message: its old translation is dropped with it, as Sphinx's catalogs do.

Text that no literal spells (a table heading made from a column's name, a label a chapter passes
in, :data:`BOOK_TEXT`) is listed where it is used, marked with ``N_``; ``tests/test_i18n.py`` draws
every figure of the book in Chinese and fails on any message :func:`untranslated` records.
(``python -m`` warns that the module was imported before it ran: the package's formatting imports
it; the warning is harmless.)

The model's own tables stay English, so that code may index them by their text in either language;
text the model builds (a decision's steps, a test's answer) is a :class:`Message`, which
:func:`translate` shows in the reader's language.
"""

from __future__ import annotations

import os
import re
import sys
from functools import lru_cache
from pathlib import Path

from ._validation import check_choice

__all__ = [
    "LANGUAGE_ENV_VAR",
    "LANGUAGES",
    "DOMAIN",
    "DATA_TEXT",
    "BOOK_TEXT",
    "language",
    "set_language",
    "is_chinese",
    "gettext",
    "_",
    "N_",
    "pgettext",
    "NP_",
    "translate_joined",
    "Message",
    "translate",
    "untranslated",
    "clear_untranslated",
    "catalog_path",
    "extract_messages",
    "update_catalog",
]

#: The environment variable that chooses the language when :func:`set_language` has not.
LANGUAGE_ENV_VAR = "GPU_FINANCE_LANGUAGE"
#: The languages the package speaks: English (its source) and Traditional Chinese as in Taiwan.
LANGUAGES: tuple[str, ...] = ("en", "zh_TW")
#: The catalog's name (gettext's domain).
DOMAIN = "gpu_finance"

#: Data text a reader sees in a chart or a table: CSV file (in ``data/``) -> its columns. Their values
#: are messages of the catalog, translated where they are shown.
DATA_TEXT: dict[str, tuple[str, ...]] = {
    "accounting_history": ("event", "rule", "what_changed", "amount_is"),
    "backstop_history": ("event",),
    "backstop_quotes": ("role", "setting", "quote"),
    "circular_deals": ("funder", "customer", "funder_gives"),
    "compute_contracts": ("termination",),
    "depreciation_facts": ("description",),
    "depreciation_views": ("quote",),
    "essay_claims": ("why", "what_would_change_it"),
    "financing_events": ("deal", "event", "status"),
    "gpu_generations": ("kind", "event", "description"),
    "gpu_rental_prices": ("bound", "price_kind"),
    "useful_life_changes": ("assets", "effect_as_disclosed"),
}

_PACKAGE = Path(__file__).resolve().parent
_explicit: str | None = None
_missing: dict[tuple[str | None, str], None] = {}


def set_language(code: str | None) -> None:
    """Choose the language of everything the package shows: ``"en"`` or ``"zh_TW"``; ``None`` goes
    back to :data:`LANGUAGE_ENV_VAR` (else English).

    Examples
    --------
    >>> set_language("fr")
    Traceback (most recent call last):
    ...
    ValueError: code='fr' is not one of 'en', 'zh_TW'
    """
    global _explicit
    _explicit = None if code is None else check_choice("code", code, LANGUAGES)


def language() -> str:
    """The language in use: the one :func:`set_language` chose, else :data:`LANGUAGE_ENV_VAR`'s, else
    ``"en"``. An unknown value of the variable raises ``ValueError`` naming it.

    Examples
    --------
    >>> set_language("zh_TW"); language()
    'zh_TW'
    >>> set_language(None)
    """
    if _explicit is not None:
        return _explicit
    chosen = os.environ.get(LANGUAGE_ENV_VAR, "").strip()
    if not chosen:
        return "en"
    return check_choice(LANGUAGE_ENV_VAR, chosen, LANGUAGES)


def is_chinese() -> bool:
    """Whether the reader's language is Traditional Chinese (``zh_TW``)."""
    return language() == "zh_TW"


def catalog_path() -> Path:
    """The package's zh_TW catalog (a gettext ``.po`` file)."""
    return _PACKAGE / "locale" / "zh_TW" / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=1)
def _catalog() -> dict[tuple[str | None, str], str]:
    """(context, English) -> Chinese, for every entry translated and not fuzzy (read once)."""
    import polib

    return {(entry.msgctxt, entry.msgid): entry.msgstr
            for entry in polib.pofile(str(catalog_path()), encoding="utf-8")
            if entry.msgstr and not entry.fuzzy and not entry.obsolete}


#: Chinese characters and full-width punctuation: a text with one is already in Chinese.
_CHINESE = re.compile("[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def _lookup(context: str | None, message):
    if not isinstance(message, str) or not message or not is_chinese():
        return message
    found = _catalog().get((context, message))
    if found is None:
        # A text translated once already (a model's label, a sentence built from translations) is shown
        # as it is; only English missing from the catalog is recorded.
        if not _CHINESE.search(message):
            _missing[(context, message)] = None
        return message
    return found


def gettext(message: str) -> str:
    """``message`` in the reader's language: its translation in the catalog when the language is
    ``zh_TW``, else ``message`` itself. Anything but a non-empty string (a missing value in a data
    column) is returned as it is. The package's modules call it ``_``
    (``from .i18n import gettext as _``), the name gettext's tools look for.

    Examples
    --------
    >>> gettext("Year of the lease")
    'Year of the lease'
    """
    return _lookup(None, message)


#: :func:`gettext` under its conventional name: ``_("Year of the lease")``.
_ = gettext


def pgettext(context: str, message: str) -> str:
    """Like :func:`_`, for a message whose translation depends on where it is shown (gettext's
    ``msgctxt``): ``pgettext("money flow", "From")``."""
    return _lookup(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it (gettext's ``gettext_noop``): for
    tables defined when a module is imported, translated with :func:`_` where they are shown."""
    return message


#: Text the book's pages pass to the package's display functions, which translate it (a filing's
#: label in :func:`gpu_finance.viz.accounting.filings_table`): messages of the catalog, so that the
#: Chinese edition shows them in Chinese although the pages' code passes English. Text a page writes
#: itself is marked where it is written, ``_("...")``, and read from the page (:func:`_book_code`).
BOOK_TEXT: tuple[str, ...] = (
    N_("SpaceX 10-Q, Valor leases, 30 June 2026"),
    N_("SpaceX 10-Q, Valor leases, 31 December 2025"),
)


def NP_(context: str, message: str) -> str:
    """Mark ``message`` with its ``context`` for the catalog without translating it (for
    :func:`pgettext` where it is shown)."""
    return message


class Message(str):
    """English text made from a message of the catalog and its fields, for the model's own output.

    It is the English string (``Message("Yes: {reasons}", reasons=...)`` equals ``"Yes: ..."``), so
    tables of the model stay English and can be indexed by their text in every language; where it is
    shown, :func:`translate` (and ``str()``, so ``print``) writes it in the reader's language, field by
    field. A field that is itself a :class:`Message` is translated; any other value is shown as it is
    (a number, a percentage already written).

    Examples
    --------
    >>> answer = Message("{answer}: {share}", answer=Message("Yes"), share="20%")
    >>> answer == "Yes: 20%", answer.msgid
    (True, '{answer}: {share}')
    """

    msgid: str
    fields: dict

    def __new__(cls, msgid: str, **fields):
        english = {k: str.__str__(v) if isinstance(v, str) else v for k, v in fields.items()}  # not str(): that translates
        self = super().__new__(cls, msgid.format(**english) if fields else msgid)
        self.msgid, self.fields = msgid, fields
        return self

    def __reduce__(self):
        return (_message, (self.msgid, self.fields))

    def __str__(self) -> str:
        return str.__str__(translate(self))


def _message(msgid: str, fields: dict) -> Message:
    return Message(msgid, **fields)


def translate(text):
    """``text`` in the reader's language: a :class:`Message` field by field, any other string as a
    message of the catalog (:func:`_`)."""
    if isinstance(text, Message):
        if not text.fields:
            return _(text.msgid)
        return _(text.msgid).format(**{k: translate(v) if isinstance(v, Message) else v
                                       for k, v in text.fields.items()})
    return _(text)


def translate_joined(text, separator: str = " + "):
    """``text`` made of messages joined by ``separator`` (a sum of flows, ``"loan + equity"``), each
    part in the reader's language."""
    if isinstance(text, str) and not isinstance(text, Message) and separator in text:
        return separator.join(_(part) for part in text.split(separator))
    return translate(text)


def untranslated() -> list[tuple[str | None, str]]:
    """The messages asked for in Chinese that the catalog does not translate, as (context, English),
    in the order first asked for, since the start or :func:`clear_untranslated`."""
    return list(_missing)


def clear_untranslated() -> None:
    """Forget the messages :func:`untranslated` has recorded."""
    _missing.clear()


# ------------------------------------------------------------------------------------ the catalog
_KEYWORDS = {"_": (None, 0), "N_": (None, 0), "pgettext": (0, 1), "NP_": (0, 1), "Message": (None, 0)}


def _calls(tree):
    import ast

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _KEYWORDS:
            context_at, message_at = _KEYWORDS[node.func.id]
            args = node.args
            if len(args) <= message_at:
                continue
            literal = [a for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if args[message_at] not in literal or (context_at is not None and args[context_at] not in literal):
                continue  # a variable: data text, or a message marked where it is defined
            context = None if context_at is None else args[context_at].value
            yield context, args[message_at].value, node.lineno


def _book_code(package: Path):
    """The code of the book's pages, (where, source) per cell, when the package runs from the book's
    repository (``src/gpu_finance`` beside ``chapters/`` and ``book/``): the pages write some of their
    sentences themselves (``_("stays above the book value throughout")``), and those are messages of
    the catalog too. An installed package has no pages: nothing."""
    import json

    book = package.parents[1]
    if package.parent.name != "src" or not (book / "chapters").is_dir():
        return
    for path in sorted((book / "chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells):
            if cell["cell_type"] == "code":
                yield f"{path.relative_to(book).as_posix()}#cell{number}", "".join(cell["source"])
    for path in sorted((book / "book").glob("*.md")):
        blocks = re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```", path.read_text(encoding="utf-8"), re.M | re.S)
        for number, block in enumerate(blocks):
            code = "\n".join(line for line in block.splitlines() if not line.startswith(":"))
            yield f"{path.relative_to(book).as_posix()}#cell{number}", code


def extract_messages(package: Path = _PACKAGE) -> dict[tuple[str | None, str], list[str]]:
    """Every message of the package: the literal arguments of ``_``, ``N_`` and ``pgettext`` in its
    source and in the book's pages' code (:func:`_book_code`), then the values of the data columns in
    :data:`DATA_TEXT`; (context, English) -> where
    each is used (``path:line``, or ``data/file.csv:column``)."""
    import ast
    import csv

    found: dict[tuple[str | None, str], list[str]] = {}
    for path in sorted(package.rglob("*.py")):
        where = path.relative_to(package.parent).as_posix()
        for context, message, line in _calls(ast.parse(path.read_text(encoding="utf-8"), where)):
            found.setdefault((context, message), []).append(f"{where}:{line}")
    for where, source in _book_code(package):
        try:
            tree = ast.parse(source, where)
        except SyntaxError:  # a cell with IPython syntax (%magic): no messages there
            continue
        for context, message, line in _calls(tree):
            found.setdefault((context, message), []).append(f"{where}:{line}")
    for name, columns in DATA_TEXT.items():
        with open(package / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for column in columns:
            for row in rows:
                text = (row.get(column) or "").strip()
                if text:
                    found.setdefault((None, text), []).append(f"gpu_finance/data/{name}.csv:{column}")
    return found


def update_catalog(path: Path | None = None, *, check: bool = False) -> list[str]:
    """Bring the catalog up to date with :func:`extract_messages`; return what is wrong with it.

    New messages are added untranslated, messages no longer used are dropped, translations are kept.
    With ``check``, the file is not written: the problems listed are the messages added or dropped,
    and those untranslated or fuzzy.
    """
    import polib

    path = catalog_path() if path is None else Path(path)
    wanted = extract_messages()
    old = polib.pofile(str(path), encoding="utf-8") if path.exists() else polib.POFile()
    kept = {(e.msgctxt, e.msgid): e for e in old if not e.obsolete}
    problems = [f"new: {m!r}" for m in wanted if m not in kept]
    problems += [f"no longer used: {m!r}" for m in kept if m not in wanted]
    catalog = polib.POFile(wrapwidth=100)
    catalog.metadata = old.metadata or {
        "Project-Id-Version": "gpu-finance",
        "Language": "zh_TW",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    for (context, message), places in wanted.items():
        entry = kept.get((context, message))
        files = list(dict.fromkeys(p.rsplit(":", 1)[0] for p in places))[:3]  # no line numbers: fewer changes
        new = polib.POEntry(msgctxt=context, msgid=message, msgstr=entry.msgstr if entry else "",
                            occurrences=[(f, "") for f in files],
                            flags=list(entry.flags) if entry else [],
                            comment=entry.comment if entry else "")
        if "python-brace-format" not in new.flags and re.search(r"\{[a-z_0-9]*\}", message):
            new.flags.append("python-brace-format")
        catalog.append(new)
        if not new.msgstr or new.fuzzy:
            problems.append(f"untranslated: {message!r}" if not new.msgstr else f"fuzzy: {message!r}")
    if not check:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog.save(str(path))
    return problems


def main(argv: list[str] | None = None) -> int:
    """``python -m gpu_finance.i18n [--check]``: update (or only check) the zh_TW catalog."""
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    problems = update_catalog(check=check)
    untranslated_count = sum(p.startswith(("untranslated", "fuzzy")) for p in problems)
    print(f"{catalog_path()}: {len(extract_messages())} messages, {untranslated_count} untranslated or fuzzy"
          + ("" if not check else f", {len(problems) - untranslated_count} added or dropped"))
    for problem in problems[:40] if check else []:
        print("  " + problem)
    return 1 if check and problems else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
