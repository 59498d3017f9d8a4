"""A small Sphinx extension that makes the book's website work with no third-party requests.

Not part of the model package (``gpu_finance`` installs without Sphinx): Jupyter Book loads it
from this folder, ``_config.yml``'s ``sphinx.local_extensions`` (``sbs_sphinx: book/_ext``).
When the book builds it:

* sets :envvar:`GPU_FINANCE_SITE`, so the notebooks' kernels (started by the build) render charts
  for the website (see :mod:`gpu_finance.viz.render`);
* writes the Vega bundle made by ``vl_convert.javascript_bundle()`` and the charts' own script
  (``gpu_finance/viz/static/charts.js``: lazy drawing, narrow screens, dark mode, live regions)
  into the site's static files and adds them, deferred, only to pages that hold a chart;
* fills MyST substitutions such as ``{{ colossus2_debt_usd }}`` from the sourced data, so the
  Markdown pages never retype a number;
* cuts the theme's Font Awesome fonts down to the icons the site draws;
* drops duplicated inline scripts (one logs a console error on every page) and unused widget
  state;
* labels the reference list by author and year (``gpu_finance_author_year`` pybtex style), to
  match the author-year citations in the text, and fixes two ARIA roles there;
* makes sphinx-exercise's ``hide_solutions`` work with gated solutions (the student edition);
* leaves formulas to ``sbs_math`` (MathML made at build time: no math script on any page).
"""

from __future__ import annotations

import contextlib
import html as html_module
import json
import os
import re
import shutil
from pathlib import Path

import yaml
from docutils import nodes
from markupsafe import Markup
from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting.author_year_title import SortingStyle as AuthorYearTitleSorting

from sphinx.transforms import SphinxTransform
from sphinx.util import logging as sphinx_logging
from sphinx_exercise.directive import SolutionStartDirective
from sphinx_exercise.nodes import solution_end_node

from gpu_finance.datasets import FACTS_AS_OF, deal_facts
from gpu_finance.formatting import date_text, percent, twd, usd, years
from sbs_i18n import book_language  # the edition's language, decided in one place
from gpu_finance.viz.render import BUNDLE_FILENAME, RUNTIME_FILENAME, SITE_ENV_VAR, javascript_bundle, runtime_script


def fact_substitutions() -> dict[str, str]:
    """MyST substitutions for every row of ``deal_facts.csv``, formatted by its unit.

    The key ``colossus2.debt_usd`` becomes ``{{ colossus2_debt_usd }}`` (``$12.5B``), so the
    book's Markdown pages quote the data instead of retyping it.

    Examples
    --------
    >>> fact_substitutions()["colossus2_debt_usd"]
    '$12.5B'
    """
    from gpu_finance.viz.timeline import fact_value_text

    formats = {"USD": usd, "TWD": twd, "fraction per year": percent, "fraction": percent, "years": years,
               "TWD per USD": lambda rate: fact_value_text(rate, "TWD per USD")}
    facts = deal_facts()
    return {
        key.replace(".", "_"): str(formats[row["unit"]](float(row["value"])))
        for key, row in facts.iterrows()
    }


logger = sphinx_logging.getLogger(__name__)


def _configure(app, config) -> None:
    _theme_options_jupyter_book_drops(app, config)
    dated = {"facts_as_of": str(date_text(FACTS_AS_OF))}  # the date the data was last checked
    config.myst_substitutions = {**fact_substitutions(), **dated, **(config.myst_substitutions or {})}
    # The sentence the last build's live edition gave: Sphinx compares the configuration with the last
    # build's before the edition is assembled (builder-inited), so an unchanged edition re-reads nothing.
    _set_lite_sentence(app, _last_lite_megabytes(app))


def _theme_options_jupyter_book_drops(app, config) -> None:
    """Jupyter Book 1 hands only some of ``_config.yml``'s ``html:`` options to the theme; it drops
    ``use_fullscreen_button``. Pass it on, so the setting in ``_config.yml`` takes effect."""
    book_config = Path(app.confdir) / "_config.yml"
    if not book_config.is_file():
        return
    html = (yaml.safe_load(book_config.read_text(encoding="utf-8")) or {}).get("html") or {}
    if "use_fullscreen_button" in html:
        options = dict(config.html_theme_options or {})
        options["use_fullscreen_button"] = bool(html["use_fullscreen_button"])
        config.html_theme_options = options


def _write_assets(app) -> None:
    if app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    for filename, text in ((BUNDLE_FILENAME, javascript_bundle()), (RUNTIME_FILENAME, runtime_script())):
        target = static / filename
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")


#: Scripts the theme puts in every page's head that a page of this book does without: Font Awesome's
#: 1.5 MB script (the icons render from the theme's web fonts and CSS), and, except on the search page,
#: Sphinx's search tools and the whole search index (search-as-you-type is off).
_FONT_AWESOME = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
_SEARCH_SCRIPTS = re.compile(r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"></script>')


def trim_head(html: str, pagename: str) -> Markup:
    """The theme's head markup without the scripts this page does not need (a Jinja filter, ``sbs_trim``).

    >>> head = '<script defer src="../_static/scripts/fontawesome.js?digest=1"></script><script src="../searchindex.js"></script>'
    >>> str(trim_head(head, "book/intro")), str(trim_head(head, "search"))
    ('', '<script src="../searchindex.js"></script>')
    """
    trimmed = _FONT_AWESOME.sub("", str(html))
    if pagename != "search":
        trimmed = _SEARCH_SCRIPTS.sub("", trimmed)
    return Markup(trimmed)


#: Font Awesome's icon rules in the theme's CSS: ``.fa-github:before{content:"\\f09b"}`` (one or
#: more selectors, then the code point).
_ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?::)?before,?)+)\{content:"\\([0-9a-f]{4})"\}')
_ICON_CLASS = re.compile(r"\bfa-[a-z0-9]+(?:-[a-z0-9]+)*")
_ESCAPED_ICON = re.compile(r'"\\([ef][0-9a-f]{3})"')
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def icon_code_points(css: str, used_text: str) -> set[int]:
    r"""The Font Awesome code points a site draws: those of the icon classes in ``used_text`` (its
    pages and scripts), and every icon the stylesheets ``css`` draw themselves (admonition and
    dropdown icons, written as a character or as an escape outside the icon classes' rules).

    >>> css = '.fa-github:before{content:"\\f09b"}.fa-moon:before{content:"\\f186"}.x{--i:"\uf05a"}.y:after{content:"\\f107"}'
    >>> sorted(hex(c) for c in icon_code_points(css, '<i class="fa-brands fa-github"></i>'))
    ['0xf05a', '0xf09b', '0xf107']
    """
    by_class = {}
    for selectors, code in _ICON_RULE.findall(css):
        for name in re.findall(r"\.(fa-[a-z0-9-]+):", selectors):
            by_class[name] = int(code, 16)
    points = {by_class[name] for name in _ICON_CLASS.findall(used_text) if name in by_class}
    rest = _ICON_RULE.sub("", css)
    points |= {int(code, 16) for code in _ESCAPED_ICON.findall(rest)}
    points |= {ord(character) for character in _PRIVATE_USE.findall(rest)}
    return points


#: Where the theme's icon fonts are copied to, in the site.
ICON_FONTS = Path("_static") / "vendor" / "fontawesome" / "webfonts"


def _subset_icon_fonts(app, exception) -> None:
    """Font Awesome's fonts cut down to the icons the site draws (about 20 of 2,000): 0.27 MB less on
    every page. Made from the theme's own files each build, so an icon added later is never missing
    (``tests/test_site_html.py`` checks every icon of every page against the fonts)."""
    if exception is not None or app.builder.format != "html":
        return
    from fontTools import subset
    from fontTools.ttLib import TTFont
    import pydata_sphinx_theme

    out = Path(app.outdir)
    static = out / "_static"
    css = "".join(p.read_text(encoding="utf-8") for p in static.rglob("*.css"))
    used = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    used += "".join(p.read_text(encoding="utf-8") for p in static.rglob("*.js") if "vega-bundle" not in p.name)
    points = icon_code_points(css, used)
    theme_static = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
    source = theme_static / ICON_FONTS.relative_to("_static")
    for original in sorted(source.glob("*.woff2")):
        font = TTFont(original)
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["*"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=points & set(font.getBestCmap()))
        subsetter.subset(font)
        font.flavor = "woff2"
        font.save(out / ICON_FONTS / original.name)


def _register_filters(app) -> None:
    if app.builder.format == "html" and hasattr(app.builder, "templates"):
        app.builder.templates.environment.filters["sbs_trim"] = trim_head


def _name_and_attributes(asset) -> tuple[str, dict]:
    """A page asset's file name ("" for an inline script) and its attributes."""
    return str(getattr(asset, "filename", asset) or ""), dict(getattr(asset, "attributes", {}) or {})


def _drop_assets(context, key: str, unwanted) -> None:
    """Remove from the page's ``key`` (``css_files`` or ``script_files``) every asset for which
    ``unwanted(name, attributes)`` is true."""
    assets = context.get(key)
    if assets:
        assets[:] = [asset for asset in assets if not unwanted(*_name_and_attributes(asset))]


def _design_assets_only_where_used(app, pagename, templatename, context, doctree) -> None:
    """sphinx-design's stylesheet (55 kB) and tab script only on pages that use its components."""
    if "sd-" not in (context.get("body") or ""):
        _drop_assets(context, "css_files", lambda name, _: "sphinx-design" in name)
        _drop_assets(context, "script_files", lambda name, _: "design-tabs.js" in name)


def _add_bundle_to_chart_pages(app, pagename, templatename, context, doctree) -> None:
    if 'class="sbs-chart"' in context.get("body", ""):
        app.add_js_file(BUNDLE_FILENAME, loading_method="defer")
        app.add_js_file(RUNTIME_FILENAME, loading_method="defer")


def _tidy_scripts(app, pagename, templatename, context, doctree) -> None:
    """Keep one copy of each script, and no widget state.

    Under Jupyter Book, sphinx-thebe and sphinx-togglebutton add their inline scripts twice (once
    with no file name, once with an empty one), and the second ``const THEBE_JS_URL`` throws
    "Identifier 'THEBE_JS_URL' has already been declared" in the console. Widget state is dropped
    because the website shows no live panels (their output is removed): it only adds weight.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        filename, attributes = _name_and_attributes(script)
        if attributes.get("type") == "application/vnd.jupyter.widget-state+json":
            continue
        key = (filename, tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    scripts[:] = kept


#: The sidebar's toggle for a page with sub-pages: the theme gives it only a chevron icon.
_UNNAMED_TOGGLE = re.compile(r'(<a class="[^"]*reference internal[^"]*" href="[^"]*">([^<]+)</a><details(?: open="open")?>)<summary>')


#: The toggle's name, by the book's language.
_TOGGLE_NAME = {"en": "Pages under {title}", "zh_TW": "「{title}」的子頁面"}


def name_sidebar_toggles(html: str, language: str = "en") -> Markup:
    """The sidebar's HTML with each sub-page toggle named after its page (axe: "summary-name").

    >>> str(name_sidebar_toggles('<a class="reference internal" href="api.html">The API</a><details><summary><i></i></summary>'))
    '<a class="reference internal" href="api.html">The API</a><details><summary aria-label="Pages under The API"><i></i></summary>'
    >>> str(name_sidebar_toggles('<a class="reference internal" href="api.html">API</a><details><summary>', "zh_TW"))
    '<a class="reference internal" href="api.html">API</a><details><summary aria-label="「API」的子頁面">'
    """
    def named(match: re.Match) -> str:
        title = html_module.escape(html_module.unescape(match.group(2)))
        return f'{match.group(1)}<summary aria-label="{_TOGGLE_NAME[language].format(title=title)}">'

    return Markup(_UNNAMED_TOGGLE.sub(named, str(html)))


def _name_sidebar_toggles(app, pagename, templatename, context, doctree) -> None:
    generate = context.get("generate_toctree_html")
    if generate is None:
        return

    language = book_language(app.config)

    def named(*args, **kwargs):
        return name_sidebar_toggles(generate(*args, **kwargs), language)

    context["generate_toctree_html"] = named


def _accessibility_fixes(app, pagename, templatename, context, doctree) -> None:
    """Repair markup that axe-core flags as serious on the reference list.

    docutils marks the list of citations ``role="list"`` although its children are not list
    items (axe: "aria-required-children", critical), and gives each entry the deprecated
    ``doc-biblioentry`` role. Both roles are dropped; the entries stay plain, labelled blocks.
    """
    body = context.get("body")
    if body and "citation-list" in body:
        context["body"] = body.replace('<div role="list" class="citation-list">', '<div class="citation-list">').replace(
            ' role="doc-biblioentry"', ""
        )


class _AuthorYearLabels(BaseLabelStyle):
    """Reference-list labels that match the author-year citations in the text: "Merton 1977".

    Two entries with the same author and year get "a", "b", ... after the year.
    """

    def format_labels(self, sorted_entries):
        labels = []
        for entry in sorted_entries:
            people = entry.persons.get("author") or entry.persons.get("editor") or []
            if not people:
                name = entry.fields.get("organization", entry.key)
            else:
                surnames = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in people]
                name = surnames[0] if len(surnames) == 1 else (
                    f"{surnames[0]} and {surnames[1]}" if len(surnames) == 2 else f"{surnames[0]} et al.")
            labels.append(f"{name} {entry.fields.get('year', 'n.d.')}")
        counts = {label: labels.count(label) for label in labels}
        seen: dict[str, int] = {}
        for label in labels:
            if counts[label] > 1:
                seen[label] = seen.get(label, 0) + 1
                yield f"{label}{'abcdefghijklmnopqrstuvwxyz'[seen[label] - 1]}"
            else:
                yield label


class _AuthorYearSorting(AuthorYearTitleSorting):
    """Sort by author, year and title, ignoring the braces that protect organisations' names."""

    def person_key(self, person):
        return super().person_key(person).replace("{", "").replace("}", "")


class _AuthorYearStyle(PlainStyle):
    """pybtex's plain style, sorted by author and year, with :class:`_AuthorYearLabels`."""

    default_label_style = "gpu_finance_author_year"
    default_sorting_style = "gpu_finance_author_year"


register_plugin("pybtex.style.labels", "gpu_finance_author_year", _AuthorYearLabels)
register_plugin("pybtex.style.sorting", "gpu_finance_author_year", _AuthorYearSorting)
register_plugin("pybtex.style.formatting", "gpu_finance_author_year", _AuthorYearStyle)


def _student_edition_buttons(app, pagename, templatename, context, doctree) -> None:
    """In the student edition, offer no download of the page's source or notebook, and no launch.

    The sources hold the exercises' solutions, and the student edition does not copy them
    (``html_copy_source = False``), so those buttons would lead nowhere; printing stays. The launch
    buttons (Binder, Colab) would open the repository's notebooks, solutions included, so they go
    too: students get their notebooks from the instructor.
    """
    if app.config.gpu_finance_edition != "student":
        return
    buttons = context.get("header_buttons", [])
    buttons[:] = [b for b in buttons if b.get("label") != "launch-buttons"]
    for button in buttons:
        if button.get("label") == "download-buttons":
            button["buttons"] = [b for b in button["buttons"]
                                 if b.get("label") not in ("download-notebook-button", "download-source-button")]


#: The whole book as one PDF, at the site's root (``make pdf``, ``tools/pdf.py``; in the student
#: edition the student PDF under the same name).
BOOK_PDF = "shadow-balance-sheets.pdf"


def _book_pdf_button(app, pagename, templatename, context, doctree) -> None:
    """First in the header's download menu: the whole book as a PDF (the theme's own ".pdf" entry
    prints the page being read, and stays)."""
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].insert(0, {
                "type": "link", "url": context["pathto"](BOOK_PDF, 1), "text": "Book .pdf",
                "tooltip": "Download the whole book as one PDF", "icon": "fas fa-file-pdf",
                "label": "download-book-pdf-button"})


#: The live edition (``tools/lite.py``): JupyterLite at ``lite/`` in the site, every chapter runnable
#: in the reader's browser. Set ``SBS_LITE=0`` to build without it.
LITE_FOLDER = "lite"


def _lite_sentence(megabytes: int | None) -> str:
    """How-to-use's sentence on the first launch (the MyST substitution ``lite_first_launch``)."""
    if megabytes is None:
        return ("This copy of the website was built without it (the build's log says why), so the "
                "menu does not offer it.")
    return (f"The first launch downloads about {megabytes} MB (Python and the packages the chapters "
            "use) from this website, once; your browser keeps them for the next time.")


def _lite_wanted(app) -> bool:
    return app.config.gpu_finance_edition != "student" and os.environ.get("SBS_LITE") != "0"


def _lite_module(app):
    import sys

    root = str(Path(app.srcdir).resolve())
    if root not in sys.path:
        sys.path.insert(0, root)
    from tools import lite

    return lite


def _last_lite_megabytes(app) -> int | None:
    """The first launch's size in the live edition the last build assembled, if there is one."""
    if not _lite_wanted(app):
        return None
    try:
        lite = _lite_module(app)
        return lite.download_megabytes(lite.OUTPUT) if (lite.OUTPUT / lite.PAGES).is_file() else None
    except Exception:  # noqa: BLE001 - only a guess; _build_lite decides
        return None


def _build_lite(app) -> None:
    """Assemble the live edition before the pages are read (priority 400: before MyST freezes its
    substitutions), so that the chapters can link to it and the text can say how large it is. A
    failure (no network, a changed download, a full disk, ...) never fails the book: the site is
    built without the live edition and the log says why."""
    before = (bool(getattr(app.env, "sbs_lite", None)), getattr(app.env, "sbs_lite_megabytes", None))
    app.env.sbs_lite, app.env.sbs_lite_megabytes = None, None
    guessed = app.config.myst_substitutions.get("lite_first_launch")
    megabytes = None
    lite = _lite_module(app)
    left_out = Path(app.outdir).parent / lite.LEFT_OUT  # why, for the tests
    with contextlib.suppress(OSError):  # only a note for the tests; never fails the book
        left_out.unlink(missing_ok=True)
    if app.builder.format == "html" and _lite_wanted(app):
        try:
            folder = lite.build()
            pages = json.loads((folder / lite.PAGES).read_text(encoding="utf-8"))
            megabytes = lite.download_megabytes(folder)
        except Exception as error:  # noqa: BLE001 - lite.build() raises LiteUnavailable; reading may fail too
            logger.info(f"[sbs] the live edition (Run in your browser) is left out of this build: {error}")
            with contextlib.suppress(OSError):
                left_out.write_text(f"{error}\n", encoding="utf-8")
        else:
            app.env.sbs_lite, app.env.sbs_lite_pages, app.env.sbs_lite_megabytes = str(folder), pages, megabytes
    _set_lite_sentence(app, megabytes)
    # Sphinx took the configuration as unchanged if the guess at config-inited was right. The pages
    # that depend on the edition are read again (_reread_lite_pages) if it was wrong, or if the
    # edition came or went or changed size since the last build: the notebooks' pages carry the
    # button and its size, and Sphinx writes only the pages it reads again.
    app.env.sbs_lite_sentence_changed = app.config.myst_substitutions["lite_first_launch"] != guessed
    app.env.sbs_lite_changed = before != (bool(app.env.sbs_lite), app.env.sbs_lite_megabytes)


def _reread_lite_pages(app, env, added, changed, removed) -> list[str]:
    """``env-get-outdated``: the pages that say how large the live edition is, when that changed,
    and the notebooks' pages (the button), when the edition came, went or changed size."""
    pages = []
    if getattr(env, "sbs_lite_sentence_changed", False) or getattr(env, "sbs_lite_changed", False):
        pages += [docname for docname in env.found_docs
                  if "lite_first_launch" in Path(env.doc2path(docname)).read_text(encoding="utf-8")]
    if getattr(env, "sbs_lite_changed", False):
        pages += [docname for docname in _lite_module(app).notebooks() if docname in env.found_docs]
    return sorted(set(pages))


#: How-to-use's sentence in the Traditional Chinese edition, which has no live edition (it would
#: open the English notebooks).
LITE_SENTENCE_ZH = "中文版不提供這個選項（它會開啟英文的筆記本）；請在英文版的章節頁面使用。"


def _set_lite_sentence(app, megabytes: int | None) -> None:
    chinese = book_language(app.config) == "zh_TW"
    app.config.myst_substitutions = {**(app.config.myst_substitutions or {}),
                                     "lite_first_launch": LITE_SENTENCE_ZH if chinese else _lite_sentence(megabytes)}


def _lite_notebook(app, pagename: str) -> str | None:
    """The notebook a page opens in the live edition (``01-the-spv.ipynb``), or None."""
    if not getattr(app.env, "sbs_lite", None):
        return None
    return app.env.sbs_lite_pages.get(pagename)


def _lite_button(app, pagename, templatename, context, doctree) -> None:
    """"Run in your browser" in the launch menu of a page that is a notebook, beside Binder and Colab."""
    notebook = _lite_notebook(app, pagename)
    if notebook is None:
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "launch-buttons":
            tooltip = ("Run this page's notebook in your browser, with no install and nothing from other "
                       f"websites (JupyterLite; the first launch downloads about {app.env.sbs_lite_megabytes} MB "
                       "from this one, once)")
            button["buttons"].insert(0, {
                "type": "link", "text": "Run in your browser", "tooltip": tooltip,
                "url": context["pathto"](f"{LITE_FOLDER}/notebooks/index.html", 1) + f"?path={notebook}",
                "icon": "fas fa-play", "label": "launch-lite-button"})


def _copy_lite(app, exception) -> None:
    """The live edition into the site, unless the site already has this one (same inputs stamp); a
    live edition left in the site by an earlier build is removed when this build is without it."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / LITE_FOLDER
    if not getattr(app.env, "sbs_lite", None):
        if target.exists():
            shutil.rmtree(target)
        return
    source, stamp = Path(app.env.sbs_lite), _lite_module(app).STAMP
    if (target / stamp).is_file() and (target / stamp).read_text() == (source / stamp).read_text():
        return
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("pages.json"))


class _hidden_solution(nodes.Element):
    """Marks where a gated solution began in an edition that hides solutions."""


class _SolutionStart(SolutionStartDirective):
    """sphinx-exercise's ``solution-start``, fixed for ``hide_solutions``.

    sphinx-exercise 1.2 drops a hidden gated solution's start but keeps its end marker and the
    content between them, so the build crashes ("unknown node type: solution_end_node") and the
    solution's code would show. Here the start leaves a marker, and
    :class:`_RemoveHiddenSolutions` removes everything from it to the end marker.
    """

    def run(self):
        shown = super().run()
        if not self.env.app.config.hide_solutions:
            return shown
        return [_hidden_solution()]


class _RemoveHiddenSolutions(SphinxTransform):
    default_priority = 5  # before sphinx-exercise merges gated solutions (priority 10)

    def apply(self) -> None:
        for marker in list(self.document.findall(_hidden_solution)):
            parent = marker.parent
            start = parent.index(marker)
            end = next(i for i in range(start, len(parent.children))
                       if isinstance(parent.children[i], solution_end_node))
            for child in list(parent.children[start:end + 1]):
                parent.remove(child)


def _remember_read_doctrees() -> None:
    """Load each page's stored doctree once per version of its file, for the callers that only read
    it. Sphinx unpickles a page's whole doctree (charts included) for every numbered reference to it:
    the exercises' 93 references cost about 40 s of a build. Writing a page does not go through
    here (Sphinx keeps that doctree itself), so no caller changes a remembered one."""
    from sphinx.environment import BuildEnvironment

    if getattr(BuildEnvironment.get_doctree, "sbs_remembered", False):
        return
    load = BuildEnvironment.get_doctree
    remembered: dict = {}

    def get_doctree(env, docname: str):
        path = Path(env.doctreedir) / f"{docname}.doctree"
        key = (str(path), path.stat().st_mtime_ns if path.exists() else None)
        if key not in remembered:
            remembered.clear() if len(remembered) > 64 else None
            remembered[key] = load(env, docname)
        return remembered[key]

    get_doctree.sbs_remembered = True
    BuildEnvironment.get_doctree = get_doctree


def setup(app):
    os.environ[SITE_ENV_VAR] = "1"
    _remember_read_doctrees()
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _write_assets)
    app.connect("html-page-context", _add_bundle_to_chart_pages)
    app.connect("html-page-context", _tidy_scripts, priority=900)
    app.connect("html-page-context", _design_assets_only_where_used, priority=910)
    app.connect("builder-inited", _register_filters)
    app.connect("build-finished", _subset_icon_fonts)
    app.connect("html-page-context", _accessibility_fixes)
    app.connect("html-page-context", _name_sidebar_toggles, priority=950)  # after the theme adds it
    app.add_config_value("gpu_finance_edition", "full", "html", types=[str])
    app.connect("html-page-context", _student_edition_buttons, priority=600)  # after the theme's
    app.connect("html-page-context", _book_pdf_button, priority=610)
    app.connect("builder-inited", _build_lite, priority=400)  # before MyST reads its substitutions
    app.connect("env-get-outdated", _reread_lite_pages)
    app.connect("html-page-context", _lite_button, priority=620)
    app.connect("build-finished", _copy_lite, priority=900)  # after the icon fonts read the pages
    app.add_node(_hidden_solution)
    app.add_directive("solution-start", _SolutionStart, override=True)
    app.add_transform(_RemoveHiddenSolutions)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
