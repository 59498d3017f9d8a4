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
_MATHJAX_CONFIG = {
    "jax": ["input/TeX", "output/HTML-CSS"],
    "extensions": ["tex2jax.js"],
    "TeX": {"extensions": ["AMSmath.js", "AMSsymbols.js", "noErrors.js", "noUndefined.js"]},
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processEscapes": True,
        "processClass": "math|output_area",
        "ignoreClass": "document",
    },
    "HTML-CSS": {"availableFonts": ["TeX"], "imageFont": None},
    "showMathMenu": False,
    "messageStyle": "none",
}


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
    config.mathjax_path = f"{MATHJAX_DIR}/MathJax.js"
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
    app.connect("html-page-context", _tidy_scripts, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
