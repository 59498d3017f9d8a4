"""A small Sphinx extension that makes the book's website work with no third-party requests.

Listed in ``_config.yml`` under ``sphinx.extra_extensions``. When the book builds it:

* sets :envvar:`GPU_FINANCE_SITE`, so the notebooks' kernels (started by the build) render charts
  for the website (see :mod:`gpu_finance.viz.render`);
* writes the Vega bundle made by ``vl_convert.javascript_bundle()`` into the site's static files
  and adds it, deferred, only to pages that hold a chart;
* fills MyST substitutions such as ``{{ colossus2_debt_usd }}`` from the sourced data, so the
  Markdown pages never retype a number;
* drops duplicated inline scripts (one logs a console error on every page) and unused widget
  state;
* serves MathJax 2 from the site itself (the copy shipped by ``jupyter-server-mathjax``) instead of
  a CDN, for pages with formulas.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .datasets import deal_facts
from .formatting import percent, usd, years
from .viz.render import BUNDLE_FILENAME, SITE_ENV_VAR, javascript_bundle

MATHJAX_DIR = "mathjax"
#: MathJax 2's combined configuration shipped with jupyter-server-mathjax: TeX input (with the AMS,
#: noErrors and noUndefined extensions) and HTML-CSS output in one file. The copy ships the
#: HTML-CSS output only inside these combined files, and only the STIX-Web fonts.
MATHJAX_COMBINED_CONFIG = "TeX-AMS-MML_HTMLorMML-full"
_MATHJAX_CONFIG = {
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processEscapes": True,
        "processClass": "math|output_area",
        "ignoreClass": "document",
    },
    "HTML-CSS": {"availableFonts": [], "preferredFont": None, "webFont": "STIX-Web", "imageFont": None},
    "showMathMenu": False,
    "messageStyle": "none",
}


#: Run before MathJax loads, on pages with formulas. MathJax 2 detects that a web font has loaded by
#: comparing it with a blank font served from ``url('about:blank')``, which Chromium refuses with a
#: console error; comparing with the browser's serif font, as MathJax itself does on some browsers,
#: works as well and loads nothing.
_MATHJAX_AUTHOR_INIT = """window.MathJax = {AuthorInit: function () {
  MathJax.Hub.Register.StartupHook("HTML-CSS Jax Ready", function () {
    MathJax.OutputJax["HTML-CSS"].webFontDefault = "serif";
  });
}};"""


def _mathjax_source() -> Path:
    import jupyter_server_mathjax

    return Path(jupyter_server_mathjax.__file__).parent / "static"


def fact_substitutions() -> dict[str, str]:
    """MyST substitutions for every row of ``deal_facts.csv``, formatted by its unit.

    The key ``colossus2.debt_usd`` becomes ``{{ colossus2_debt_usd }}`` (``$12.5B``), so the
    book's Markdown pages quote the data instead of retyping it.

    Examples
    --------
    >>> fact_substitutions()["colossus2_debt_usd"]
    '$12.5B'
    """
    formats = {"USD": usd, "fraction per year": percent, "fraction": percent, "years": years}
    facts = deal_facts()
    return {
        key.replace(".", "_"): str(formats[row["unit"]](float(row["value"])))
        for key, row in facts.iterrows()
    }


def _configure(app, config) -> None:
    config.mathjax_path = f"{MATHJAX_DIR}/MathJax.js?config={MATHJAX_COMBINED_CONFIG}"
    config.mathjax2_config = _MATHJAX_CONFIG
    config.mathjax3_config = None
    config.myst_substitutions = {**fact_substitutions(), **(config.myst_substitutions or {})}


def _write_assets(app) -> None:
    if app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    bundle = static / BUNDLE_FILENAME
    bundle.parent.mkdir(parents=True, exist_ok=True)
    text = javascript_bundle()
    if not bundle.exists() or bundle.read_text(encoding="utf-8") != text:
        bundle.write_text(text, encoding="utf-8")
    mathjax = static / MATHJAX_DIR
    if not (mathjax / "MathJax.js").exists():
        shutil.copytree(_mathjax_source(), mathjax, dirs_exist_ok=True)


def _add_bundle_to_chart_pages(app, pagename, templatename, context, doctree) -> None:
    if 'class="sbs-chart"' in context.get("body", ""):
        app.add_js_file(BUNDLE_FILENAME, loading_method="defer")


def _mathjax_fonts(app, pagename, templatename, context, doctree) -> None:
    if app.builder.format != "html" or getattr(app.builder, "math_renderer_name", None) != "mathjax":
        return
    if app.env.get_domain("math").has_equations(pagename):
        app.builder.add_js_file("", body=_MATHJAX_AUTHOR_INIT, priority=400)


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
        attributes = dict(getattr(script, "attributes", {}) or {})
        if attributes.get("type") == "application/vnd.jupyter.widget-state+json":
            continue
        filename = getattr(script, "filename", script) or ""
        key = (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    scripts[:] = kept


def setup(app):
    os.environ[SITE_ENV_VAR] = "1"
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _write_assets)
    app.connect("html-page-context", _add_bundle_to_chart_pages)
    app.connect("html-page-context", _mathjax_fonts)
    app.connect("html-page-context", _tidy_scripts, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
