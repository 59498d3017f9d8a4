"""The book in two languages: what the English and the Traditional Chinese (zh_TW) editions need.

Both editions load this extension (``_config.yml``: ``sbs_i18n: book/_ext``); the zh_TW edition is
the same book built with ``language: zh_TW`` and the catalogs in ``book/locales/``
(``tools/zh_edition.py``). It:

* tells the model's package which language to write (:envvar:`GPU_FINANCE_LANGUAGE`), before the
  data's substitutions are formatted and before any notebook runs, so numbers, charts and tables
  come out in the page's language;
* makes ``{glue:text}`` work inside translated text: Sphinx parses each translated paragraph as a
  small document of its own, which has none of the notebook's glue data, so the role reads the
  data myst-nb wrote beside the executed notebook (``<docname>.glue.json``) instead;
* gives sphinx-exercise's labels in Traditional Chinese (it ships Simplified only);
* puts a language switch on every page, landing on the same page in the other edition, with
  ``hreflang`` links in the page's head;
* hides what would hand a Chinese reader English files (the notebook and source downloads, the
  Binder, Colab and live buttons, the English PDF).
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx_exercise.nodes import exercise_subtitle
from myst_nb.core.variables import format_plain_text
from myst_nb.ext.glue.roles import PasteTextRole
from myst_nb.ext.glue.utils import glue_warning

from gpu_finance.i18n import LANGUAGE_ENV_VAR  # the variable the model's package reads

#: The languages the book is published in: Sphinx's code, the site's folder and ``lang``, and the
#: switch's label (in the language it leads to).
ENGLISH, CHINESE = "en", "zh_TW"
EDITION_FOLDER = {ENGLISH: "", CHINESE: "zh-TW"}
HTML_LANG = {ENGLISH: "en", CHINESE: "zh-TW"}
SWITCH_TEXT = {ENGLISH: "English", CHINESE: "中文"}
SWITCH_TOOLTIP = {ENGLISH: "Read this page in English", CHINESE: "以中文閱讀本頁"}
LOCALES = Path(__file__).resolve().parents[1] / "locales"


def book_language(config) -> str:
    """``en`` or ``zh_TW``: the edition being built (Sphinx's ``language``; English when unset)."""
    return CHINESE if (getattr(config, "language", None) or ENGLISH).replace("-", "_") == CHINESE else ENGLISH


#: The words no catalog translates: the theme's search box's placeholder (set by Jupyter Book) and
#: its sidebar's navigation name (written into its template), and the headings of myst-nb's table of
#: execution times (made after the page is translated).
SEARCH_BAR_TEXT_ZH = "搜尋本書…"
_THEME_WORDS_ZH = {'<nav class="bd-links bd-docs-nav" aria-label="Main">':
                   '<nav class="bd-links bd-docs-nav" aria-label="章節導覽">',
                   **{f'<th class="head"><p>{english}</p>': f'<th class="head"><p>{chinese}</p>' for english, chinese in (
                       ("Document", "頁面"), ("Modified", "執行時間"), ("Method", "方式"),
                       ("Run Time (s)", "耗時（秒）"), ("Status", "狀態"))}}


def _set_language(app, config) -> None:
    os.environ[LANGUAGE_ENV_VAR] = book_language(config)
    if book_language(config) == CHINESE:
        config.html_theme_options = {**(config.html_theme_options or {}), "search_bar_text": SEARCH_BAR_TEXT_ZH}


@functools.lru_cache(maxsize=4)
def _glue_data(path: Path, mtime_ns: int) -> dict:
    """A page's glue data as myst-nb wrote it (read once per version of the file)."""
    return json.loads(path.read_text(encoding="utf-8"))


class TranslatedPasteTextRole(PasteTextRole):
    """``{glue:text}`` that also works in a translated paragraph (see the module's docstring)."""

    def run(self):
        if "nb_renderer" in self.document:
            return super().run()
        key, fmt_spec = (self.text.rsplit(":", 1) + ["s"])[:2]  # key:format, as myst-nb reads it
        env = self.document.settings.env
        glue_file = Path(env.mystnb_config.output_folder) / f"{env.docname}.glue.json"
        try:
            data = _glue_data(glue_file, glue_file.stat().st_mtime_ns)[key]["data"]
            text = format_plain_text(data["text/plain"], fmt_spec)
        except (OSError, KeyError, ValueError) as exc:
            message = f"No glue data {key!r} for the translated text of {env.docname} ({type(exc).__name__}: {exc})"
            return [], [glue_warning(message, self.document, self.line)]
        node = nodes.inline(text, text, classes=["pasted-text"])
        self.set_source_info(node)
        return [node], []


def _override_glue_role(app, config) -> None:
    glue_domain = app.registry.domains.get("glue")
    if glue_domain is not None:
        glue_domain.roles = {**glue_domain.roles, "text": TranslatedPasteTextRole()}


class _TranslatableExerciseTitles(SphinxTransform):
    """An exercise's own title (``{exercise-start} ★☆☆ Concept: ...``) is a directive argument, kept
    with no source text, and a Markdown table's cells have no source position: Sphinx neither
    extracts nor translates them. Give them their text and page."""

    default_priority = 15  # before Sphinx's Locale transform (20)

    def apply(self) -> None:
        for subtitle in self.document.findall(exercise_subtitle):
            if not subtitle.source:
                subtitle.source = self.document["source"]
                subtitle.line = subtitle.parent.line or 1
            if not subtitle.rawsource:  # what Sphinx extracts (the titles are plain text)
                subtitle.rawsource = subtitle.astext()
        # A Markdown table's cells have no source position either (MyST's pipe tables).
        for table in self.document.findall(nodes.table):
            holder = table
            while holder is not None and not holder.line:
                holder = holder.parent
            line = holder.line if holder is not None else 1
            for cell_text in table.findall(nodes.paragraph):
                if not cell_text.source and cell_text.rawsource:
                    cell_text.source, cell_text.line = self.document["source"], line


class _OutputsAreNotTranslated(SphinxTransform):
    """What a notebook's code prints (the claims ledger's Markdown, tables) is written by the model's
    package, in the page's language (``gpu_finance.i18n``): it is neither extracted nor translated
    here, or the English edition's figures would be baked into the catalogs."""

    default_priority = 15  # before Sphinx's Locale transform (20)

    def apply(self) -> None:
        for output in self.document.findall(nodes.container):
            if output.get("nb_element") == "cell_code_output":
                for element in output.findall(nodes.TextElement):
                    element["translatable"] = False


def _extract_exercise_titles(app, doctree) -> None:
    """The same for the text extracted into the catalogs: sphinx-exercise's post-transforms fold the
    titles into plain ones before the gettext builder reads the page, so they are added here."""
    if app.builder.name != "gettext":
        return
    from sphinx.builders.gettext import MsgOrigin
    from sphinx.util.i18n import docname_to_domain

    catalog = app.builder.catalogs[docname_to_domain(app.env.docname, app.config.gettext_compact)]
    for subtitle in doctree.findall(exercise_subtitle):
        catalog.add(subtitle.rawsource, MsgOrigin(subtitle.source, subtitle.line))


class _TranslatedExerciseTitlesInRegistry(SphinxTransform):
    """A solution's title repeats its exercise's, from sphinx-exercise's registry, which keeps a
    copy of the exercise made before the translation: give that copy the translated title."""

    default_priority = 25  # after Sphinx's Locale transform (20)

    def apply(self) -> None:
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for subtitle in self.document.findall(exercise_subtitle):
            exercise = subtitle.parent.parent
            entry = registry.get(exercise.get("label", ""))
            if entry is None:
                continue
            for copied in entry["node"].findall(exercise_subtitle):
                copied.replace_self(subtitle.deepcopy())
                break


def _other_edition_url(app, pagename: str) -> str:
    """The same page in the other edition, relative to this page."""
    here = book_language(app.config)
    to_root = "../" * pagename.count("/")
    if here == ENGLISH:
        return f"{to_root}{EDITION_FOLDER[CHINESE]}/{pagename}.html"
    return f"{to_root}../{pagename}.html"


def has_other_edition(app) -> bool:
    """Whether this site has the other edition to switch to: not the student edition, nor an English
    build made alone (``SBS_ZH=0``, ``tools/build_book.py``)."""
    if getattr(app.config, "gpu_finance_edition", "full") == "student":
        return False
    return book_language(app.config) == CHINESE or os.environ.get("SBS_ZH") != "0"


def _reread_when_the_switch_comes_or_goes(app, env, added, changed, removed) -> list[str]:
    """Every page is written again when the other edition comes or goes (``SBS_ZH=0`` and back):
    Sphinx writes only the pages it reads, and the switch is in every page."""
    wanted = has_other_edition(app)
    if getattr(env, "sbs_language_switch", wanted) == wanted:
        env.sbs_language_switch = wanted
        return []
    env.sbs_language_switch = wanted
    return sorted(env.found_docs)


def _language_switch(app, pagename, templatename, context, doctree) -> None:
    """English ⇄ 中文 in the header, and the page's other-language twin in its head."""
    if app.builder.format != "html" or not has_other_edition(app):
        return
    here = book_language(app.config)
    there = CHINESE if here == ENGLISH else ENGLISH
    url = _other_edition_url(app, pagename)
    context.get("header_buttons", []).insert(0, {
        "type": "link", "url": url, "text": SWITCH_TEXT[there], "tooltip": SWITCH_TOOLTIP[there],
        "icon": "fas fa-language", "label": "language-switch-button"})
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{HTML_LANG[there]}" href="{url}" />'
        f'\n<link rel="alternate" hreflang="{HTML_LANG[here]}" href="{pagename.rsplit("/", 1)[-1]}.html" />')


_SWITCH = re.compile(r'<a href="([^"]*)" target="_blank"(\s+class="btn btn-sm btn-language-switch-button")')


_ENGLISH_CLASS = re.compile(r'<[a-z]+\b(?:\s+[a-z-]+(?:="[^"]*")?)*?\s+class="(?:[^"]*\s)?lang-en(?:\s[^"]*)?"[^<>]*>')


#: A link to the whole book as a PDF: there is one PDF, in English, at the English site's root.
_PDF_LINK = re.compile(r'href="((?:\.\./)*)(shadow-balance-sheets\.pdf)"')


def mark_english(html: str) -> str:
    """Elements of class ``lang-en`` (a citation's title, a software label quoted as the reader will
    see it: ``[Restart Kernel]{.lang-en}`` in a translation) get ``lang="en"``, so a screen reader
    reads them in English.

    >>> mark_english('<td class="data lang-en">Bloomberg</td><span lang="en" class="lang-en">x</span>')
    '<td class="data lang-en" lang="en">Bloomberg</td><span lang="en" class="lang-en">x</span>'
    >>> mark_english('<div data-class="lang-en">x</div>')
    '<div data-class="lang-en">x</div>'
    """
    def marked(match: re.Match) -> str:
        tag = match.group(0)
        return tag if re.search(r'\slang="', tag) else f'{tag[:-1]} lang="en">'

    return _ENGLISH_CLASS.sub(marked, html)


def _finish_pages(app, exception) -> None:
    """The theme opens a header link in a new tab; the language switch replaces the page, and says
    which language it leads to (``hreflang``, and ``lang`` for its label). In the Chinese edition,
    the theme's last English words."""
    if exception is not None or app.builder.format != "html":
        return
    there = HTML_LANG[ENGLISH if book_language(app.config) == CHINESE else CHINESE]
    for page in Path(app.outdir).rglob("*.html"):
        if page.relative_to(app.outdir).parts[0] in ("lite", EDITION_FOLDER[CHINESE]):
            continue
        text = page.read_text(encoding="utf-8")
        fixed = _SWITCH.sub(rf'<a href="\1" hreflang="{there}" lang="{there}"\2', text)
        if book_language(app.config) == CHINESE:
            for english, chinese in _THEME_WORDS_ZH.items():
                fixed = fixed.replace(english, chinese)
            fixed = mark_english(_PDF_LINK.sub(r'href="../\1\2" hreflang="en"', fixed))
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def _chinese_edition_buttons(app, pagename, templatename, context, doctree) -> None:
    """In the zh_TW edition, no button hands the reader an English file: the notebook and source
    downloads, Binder, Colab and the live edition (they open the English notebooks) and the English
    PDF go; printing the page stays."""
    if book_language(app.config) != CHINESE:
        return
    buttons = context.get("header_buttons", [])
    buttons[:] = [b for b in buttons if b.get("label") != "launch-buttons"]
    for button in buttons:
        if button.get("label") == "download-buttons":
            button["buttons"] = [b for b in button["buttons"] if b.get("label") not in (
                "download-notebook-button", "download-source-button", "download-book-pdf-button")]


def setup(app):
    app.connect("config-inited", _set_language, priority=100)  # before sbs_sphinx formats the data
    app.connect("config-inited", _override_glue_role)
    if book_language(app.config) == CHINESE:  # compiled by tools/zh_edition.py before the build
        app.add_message_catalog("exercise", str(LOCALES))
    app.add_transform(_TranslatableExerciseTitles)
    app.add_transform(_OutputsAreNotTranslated)
    app.add_transform(_TranslatedExerciseTitlesInRegistry)
    app.connect("doctree-read", _extract_exercise_titles)
    app.connect("html-page-context", _chinese_edition_buttons, priority=700)  # after the book's buttons
    app.connect("html-page-context", _language_switch, priority=710)
    app.connect("env-get-outdated", _reread_when_the_switch_comes_or_goes)
    app.connect("build-finished", _finish_pages)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
