"""An Altair renderer that needs no CDN: charts draw offline, on the website and in a notebook.

Altair's own HTML output loads Vega, Vega-Lite and vega-embed from a CDN, so offline (or behind a
firewall) every chart is blank. This renderer instead expects ``window.vegaEmbed`` from one
self-contained script made by :func:`vl_convert.javascript_bundle`:

* on the **website** (:envvar:`GPU_FINANCE_SITE` is set by the book's Sphinx extension, ``book/_ext/sbs_sphinx.py``, while the
  book builds), the page loads that script from the site's own static files;
* in a **live notebook** (JupyterLab, VS Code, Jupyter Notebook) the first chart a kernel shows
  carries the script inline, and later charts reuse it;
* in **Colab**, where each output sits in its own frame, every chart carries it.

Each chart gets a stable id (a hash of its specification plus a counter), so building the book
twice gives the same HTML. A chart must have a title and a ``description`` (the text screen readers
announce), or rendering fails.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import os
import sys
from functools import lru_cache

import altair as alt
import pandas as pd

from .theme import enable_theme

__all__ = [
    "RENDERER_NAME",
    "SITE_ENV_VAR",
    "BUNDLE_FILENAME",
    "enable",
    "chart_html",
    "javascript_bundle",
    "render_spec",
]

RENDERER_NAME = "shadow_balance_sheets"
SITE_ENV_VAR = "GPU_FINANCE_SITE"
#: Where the website keeps the bundle, relative to its ``_static`` folder.
BUNDLE_FILENAME = "gpu_finance/vega-bundle.js"

#: Largest data set Altair may inline into one chart (rows), to keep pages small.
MAX_ROWS = 20_000

_EMBED_OPTIONS = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}

_counter = itertools.count(1)
_bundle_shown = False


@lru_cache(maxsize=1)
def javascript_bundle() -> str:
    """The Vega, Vega-Lite and vega-embed libraries as one script that defines ``window.vegaEmbed``.

    The text of :func:`vl_convert.javascript_bundle`, wrapped in a function so that loading it
    twice declares nothing twice. It contains no ``</script`` and fetches nothing.
    """
    import vl_convert

    body = vl_convert.javascript_bundle()
    if "</script" in body.lower():  # pragma: no cover - guards an inline <script> against breakage
        raise RuntimeError("the vl-convert bundle contains '</script' and cannot be inlined")
    return "(function () {\n" + body + "\n})();\n"


def _json_for_script(obj: object) -> str:
    """JSON safe to place inside a <script> element."""
    return json.dumps(obj, sort_keys=True).replace("</", "<\\/").replace("<!--", "<\\!--")


def _check_accessible(spec: dict) -> None:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if not title:
        raise ValueError("every chart needs a title that states its finding (chart.properties(title=...))")
    if not spec.get("description"):
        raise ValueError(
            "every chart needs a text description for screen readers (chart.properties(description=...))"
        )


def chart_html(spec: dict, *, chart_id: str, inline_bundle: bool) -> str:
    """HTML for one chart: a ``div`` and a script that draws the spec into it with ``vegaEmbed``.

    Parameters
    ----------
    spec : dict
        A Vega-Lite specification (``chart.to_dict()``).
    chart_id : str
        The ``id`` of the chart's ``div``.
    inline_bundle : bool
        Whether to put the whole Vega bundle before the chart (a live notebook's first chart).
    """
    _check_accessible(spec)
    title = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]
    title_text = " ".join(title) if isinstance(title, list) else str(title)
    prefix = f"<script>{javascript_bundle()}</script>\n" if inline_bundle else ""
    return (
        prefix
        + f'<div id="{chart_id}" class="sbs-chart" role="figure" '
        f'aria-label="{html.escape(title_text, quote=True)}"></div>\n'
        "<script>\n(function () {\n"
        f"  var id = {json.dumps(chart_id)};\n"
        f"  var spec = {_json_for_script(spec)};\n"
        f"  var opts = {_json_for_script(_EMBED_OPTIONS)};\n"
        "  function draw() {\n"
        "    var el = document.getElementById(id);\n"
        "    if (!el) { return; }\n"
        "    if (!window.vegaEmbed) {\n"
        "      el.textContent = 'This chart could not be drawn: its script (vega-embed) did not load. '\n"
        "        + 'In a notebook, restart the kernel and run all cells.';\n"
        "      return;\n"
        "    }\n"
        "    window.vegaEmbed(el, spec, opts).then(function () {\n"
        "      var menu = el.querySelector('details > summary');\n"
        "      if (menu) { menu.setAttribute('aria-label', 'Chart menu: save the chart as an image'); }\n"
        "    }).catch(function (err) {\n"
        "      el.textContent = 'This chart could not be drawn: ' + err;\n"
        "    });\n"
        "  }\n"
        "  if (window.vegaEmbed || document.readyState !== 'loading') { draw(); }\n"
        "  else { document.addEventListener('DOMContentLoaded', draw); }\n"
        "})();\n</script>"
    )


def _chart_id(spec: dict) -> str:
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:10]
    return f"sbs-chart-{next(_counter)}-{digest}"


def render_spec(spec: dict, **metadata) -> dict:
    """Altair renderer: turn a Vega-Lite spec into a MIME bundle (``text/html`` and ``text/plain``)."""
    global _bundle_shown
    on_site = bool(os.environ.get(SITE_ENV_VAR))
    in_colab = "google.colab" in sys.modules
    inline = not on_site and (in_colab or not _bundle_shown)
    html_text = chart_html(spec, chart_id=_chart_id(spec), inline_bundle=inline)
    if inline:
        _bundle_shown = True
    title = spec.get("title")
    title = title.get("text") if isinstance(title, dict) else title
    return {"text/html": html_text, "text/plain": f"<Chart: {title}>"}


alt.renderers.register(RENDERER_NAME, render_spec)


def inline_values(data, max_rows: int = MAX_ROWS) -> dict:
    """Altair data transformer: a DataFrame becomes inline records, in one fast pass.

    Altair's default transformer cleans a DataFrame column by column in pandas, which is most of
    the time a chart with several layers takes to serialise (measured: 64% for the money-flow
    chart). The book's data are plain numbers, strings and dates, so ``DataFrame.to_json`` (in C)
    does the same job: NaN becomes null, numpy numbers plain numbers, dates ISO strings, floats
    keep 15 significant digits. Other data go through Altair's own ``to_values``.
    """
    if isinstance(data, pd.DataFrame):
        if len(data) > max_rows:
            raise ValueError(f"data has {len(data)} rows; a chart may inline at most {max_rows}")
        frame = data.reset_index(drop=True)
        frame.columns = [str(c) for c in frame.columns]
        return {"values": json.loads(frame.to_json(orient="records", date_format="iso", double_precision=15))}
    return alt.utils.data.to_values(alt.utils.data.limit_rows(data, max_rows=max_rows))


alt.data_transformers.register(RENDERER_NAME, inline_values)


def enable() -> None:
    """Switch on the book's theme and offline renderer (the first cell of every chapter calls this).

    Also switches on :func:`inline_values`, which lets a chart inline up to :data:`MAX_ROWS`
    rows of data.
    """
    enable_theme()
    alt.renderers.enable(RENDERER_NAME)
    alt.data_transformers.enable(RENDERER_NAME, max_rows=MAX_ROWS)
