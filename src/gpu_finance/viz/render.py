"""An Altair renderer that needs no CDN: charts draw offline, on the website and in a notebook.

Altair's own HTML output loads Vega, Vega-Lite and vega-embed from a CDN, so offline (or behind a
firewall) every chart is blank. This renderer instead expects ``window.vegaEmbed`` from one
self-contained script made by :func:`vl_convert.javascript_bundle`:

* on the **website** (:envvar:`GPU_FINANCE_SITE` is set by the book's Sphinx extension, ``book/_ext/sbs_sphinx.py``, while the
  book builds), the page loads that script from the site's own static files;
* in a **live notebook** (JupyterLab, VS Code, Jupyter Notebook) the first chart a kernel shows
  carries the script inline, and later charts reuse it;
* in **Colab**, where each output sits in its own frame, every chart carries it.

Every chart is handed to one small script, ``static/charts.js`` (:func:`runtime_script`), that
draws it: on the website lazily, when the chart comes near the viewport (a height is reserved for
it, :func:`estimated_height`, so the page does not jump); fitted to a narrow column (views
stacked, legends below, titles wrapped, widths shrunk, and scaled down only as a last resort);
in the theme's colours, dark mode included (:data:`~gpu_finance.viz.theme.DARK_VARIANT`).
On the website each chart also carries its Vega specification, compiled from the Vega-Lite one
when the book is built (:func:`precompiled`), so the reader's browser skips the compilation for
the usual, wide drawing (measured on the first chart of a page, CPU slowed 4×: 450–800 ms with
the compilation, 280–500 ms without); a narrow column still starts from the Vega-Lite spec.

A title or subtitle longer than the book's column is wide is wrapped onto lines
(:func:`wrapped_titles`): a long line would widen the chart past the column, and the script would
then have to draw it a second time, narrower.

Each chart gets a stable id (a hash of its specification plus a counter), so building the book
twice gives the same HTML. A chart must have a title and a ``description`` or rendering fails:
the title labels the figure and the description describes it (``aria-describedby``) for screen
readers; a chart with controls also gets a live region that reads out what a control changed.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import os
import sys
import textwrap
import unicodedata
from functools import lru_cache
from importlib import resources

import altair as alt
import pandas as pd

from ..i18n import gettext as _, is_chinese
from .theme import DARK_VARIANT, enable_theme

__all__ = [
    "RENDERER_NAME",
    "SITE_ENV_VAR",
    "BUNDLE_FILENAME",
    "enable",
    "chart_html",
    "javascript_bundle",
    "runtime_script",
    "estimated_height",
    "render_spec",
    "precompiled",
    "wrapped_titles",
    "COLUMN_PX",
]

RENDERER_NAME = "shadow_balance_sheets"
SITE_ENV_VAR = "GPU_FINANCE_SITE"
#: Where the website keeps the bundle, relative to its ``_static`` folder.
BUNDLE_FILENAME = "gpu_finance/vega-bundle.js"
#: Where the website keeps the charts' script (:func:`runtime_script`), relative to ``_static``.
RUNTIME_FILENAME = "gpu_finance/charts.js"

#: Largest data set Altair may inline into one chart (rows), to keep pages small.
MAX_ROWS = 20_000

_EMBED_OPTIONS = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}

#: The width, in CSS pixels, of the book's text column on a laptop's screen (a chart's box at
#: 1280 px); titles are wrapped to fit it.
COLUMN_PX = 680
#: An average character of a chart's title, as a fraction of its font size (system-ui); ``charts.js``
#: gets it too (:func:`runtime_script`), to wrap titles in a narrow column.
_CHARACTER_EM = 0.58

_counter = itertools.count(1)
_bundle_shown = False


#: The Vega bundle as a file in the package, where vl-convert cannot be installed: the in-browser
#: edition (``tools/lite.py``) writes it into the wheel it builds.
SHIPPED_BUNDLE = "vega-bundle.js"


def javascript_bundle_body() -> str:
    """The text of :func:`vl_convert.javascript_bundle` (Vega, Vega-Lite and vega-embed), or, where
    vl-convert is not installed, of the package's shipped copy (:data:`SHIPPED_BUNDLE`)."""
    try:
        import vl_convert
    except ImportError:
        shipped = resources.files("gpu_finance.viz") / "static" / SHIPPED_BUNDLE
        if not shipped.is_file():
            raise ImportError("the charts need vl-convert-python for their Vega bundle "
                              "(pip install vl-convert-python)") from None
        return shipped.read_text(encoding="utf-8")
    return vl_convert.javascript_bundle()


@lru_cache(maxsize=1)
def javascript_bundle() -> str:
    """The Vega, Vega-Lite and vega-embed libraries as one script that defines ``window.vegaEmbed``.

    The text of :func:`javascript_bundle_body`, wrapped in a function so that loading it twice
    declares nothing twice. It contains no ``</script`` and fetches nothing.
    """
    body = javascript_bundle_body()
    if "</script" in body.lower():  # pragma: no cover - guards an inline <script> against breakage
        raise RuntimeError("the vl-convert bundle contains '</script' and cannot be inlined")
    return "(function () {\n" + body + "\n})();\n"


def _is_wide(character: str) -> bool:
    """Whether a character is drawn about one em wide: Chinese, Japanese and Korean characters and
    the full-width punctuation around them (an average Latin one is :data:`_CHARACTER_EM` em)."""
    return unicodedata.east_asian_width(character) in ("W", "F")


def _width(text: str) -> float:
    """A line's width in average Latin characters (a wide character counts 1 / :data:`_CHARACTER_EM`)."""
    return sum(1 / _CHARACTER_EM if _is_wide(c) else 1.0 for c in text)


#: Punctuation that must not begin a line of Chinese (it is kept at the end of the line before).
_NO_BREAK_BEFORE = set("，。、：；？！）」』》〉％,.:;?!)%")


def _wrap_wide(line: str, max_chars: int) -> list[str]:
    """Lines of at most ``max_chars`` average characters from a line of Chinese (mixed with Latin words,
    numbers and acronyms): a break may fall between two wide characters or at a space, never inside a
    Latin word or number, and never before closing punctuation."""
    tokens: list[str] = []
    for character in line:
        if _is_wide(character) or character == " " or not tokens or _is_wide(tokens[-1][-1]) or tokens[-1] == " ":
            tokens.append(character)
        else:
            tokens[-1] += character
    lines, current = [], ""
    for token in tokens:
        if current and _width(current + token) > max_chars and token != " " and token[0] not in _NO_BREAK_BEFORE:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current += token
    if current.strip():
        lines.append(current.rstrip())
    return lines or [""]


def _wrap(text, max_chars: int):
    """``text`` (a line or a list of lines) unchanged if every line fits, else its lines wrapped."""
    lines = text if isinstance(text, list) else [text]
    if any(_is_wide(c) for line in lines for c in str(line)):  # Chinese: no spaces between words
        if all(_width(str(line)) <= max_chars for line in lines):
            return text
        return [part for line in lines for part in _wrap_wide(str(line), max_chars)]
    if all(len(str(line)) <= max_chars for line in lines):
        return text
    return [part for line in lines
            for part in (textwrap.wrap(str(line), max_chars, break_long_words=False, break_on_hyphens=False)
                         or [""])]


def wrapped_titles(spec: dict, column_px: int = COLUMN_PX) -> dict:
    """``spec`` with its title and subtitle wrapped onto lines that fit a column ``column_px`` wide.

    The number of characters a line may hold follows from the font sizes in the spec's config
    (15 and 12 px by default). A spec whose title fits is returned as it is; otherwise a copy.

    Examples
    --------
    >>> spec = {"title": {"text": "word " * 30, "subtitle": "short"}, "config": {}}
    >>> [len(line) for line in wrapped_titles(spec)["title"]["text"]]
    [74, 74]
    >>> wrapped_titles(spec)["title"]["subtitle"]
    'short'
    """
    title = spec.get("title")
    if not title:
        return spec
    config = (spec.get("config") or {}).get("title") or {}
    title_chars = int(column_px / (config.get("fontSize", 15) * _CHARACTER_EM))
    subtitle_chars = int(column_px / (config.get("subtitleFontSize", 12) * _CHARACTER_EM))
    if isinstance(title, dict):
        new = dict(title, text=_wrap(title.get("text", ""), title_chars))
        if "subtitle" in title:
            new["subtitle"] = _wrap(title["subtitle"], subtitle_chars)
    else:
        new = _wrap(title, title_chars)
    return spec if new == title else {**spec, "title": new}


def _embed_options() -> dict:
    """vega-embed's options: the actions menu, in the reader's language."""
    if not is_chinese():
        return _EMBED_OPTIONS
    words = {"CLICK_TO_VIEW_ACTIONS": _("Click to view actions"), "PNG_ACTION": _("Save as PNG"),
             "SVG_ACTION": _("Save as SVG")}
    return {**_EMBED_OPTIONS, "i18n": words}


def _json_for_script(obj: object) -> str:
    """JSON safe to place inside a <script> element."""
    return json.dumps(obj, sort_keys=True).replace("</", "<\\/").replace("<!--", "<\\!--")


def _title_text(spec: dict) -> str:
    """The chart's title as one line of text (its lines joined), or "" if it has none."""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(str(line) for line in title)
    return str(title) if title else ""


def _check_accessible(spec: dict) -> None:
    if not _title_text(spec):
        raise ValueError("every chart needs a title that states its finding (chart.properties(title=...))")
    if not spec.get("description"):
        raise ValueError(
            "every chart needs a text description for screen readers (chart.properties(description=...))"
        )


def runtime_script() -> str:
    """The script that draws the book's charts (``static/charts.js``), with the dark-theme colours and
    the width of a title's average character (``_CHARACTER_EM``), its words for readers in the
    reader's language (:func:`_runtime_words`).

    It defines ``window.sbsCharts`` (``add``, ``drawAll``, ``pending``) once, however often it is
    loaded, and draws the charts queued before it loaded. It contains no ``</script``.
    """
    return _runtime_script(is_chinese())


@lru_cache(maxsize=2)
def _runtime_script(chinese: bool) -> str:
    text = resources.files(__package__).joinpath("static/charts.js").read_text(encoding="utf-8")
    dark = {light.lower(): dark for light, dark in DARK_VARIANT.items()}
    text = (text.replace("__DARK_VARIANT__", json.dumps(dark, sort_keys=True))
            .replace("__CHARACTER_EM__", repr(_CHARACTER_EM)))
    if chinese:
        for english, words in _runtime_words().items():
            if text.count(english) != 1:  # pragma: no cover - guards the script against a silent change
                raise RuntimeError(f"static/charts.js no longer holds {english!r} once: update _runtime_words")
            text = text.replace(english, words)
    return text


def _js(text: str) -> str:
    """A JavaScript string literal of ``text`` (JSON's, safe inside a <script>)."""
    return json.dumps(text, ensure_ascii=False).replace("</", "<\\/")


def _runtime_words() -> dict[str, str]:
    """What ``charts.js`` tells a reader (in its English source) -> the same in the reader's language:
    a control's announcement, the menu's name, why a chart is missing and, on paper, the values a chart
    was drawn at."""
    failed_before, failed_after = _("This chart could not be drawn: {error}").split("{error}", 1)
    drawn_before, drawn_after = _("Drawn at {values}. On the website these are controls you can move.").split(
        "{values}", 1)
    return {
        "'Chart redrawn.'": _js(_("Chart redrawn.")),
        "'Chart menu: save the chart as an image'": _js(_("Chart menu: save the chart as an image")),
        ("'This chart could not be drawn: its script (vega-embed) did not load. '\n"
         "        + 'In a notebook, restart the kernel and run all cells.'"): _js(_(
            "This chart could not be drawn: its script (vega-embed) did not load. In a notebook, restart the "
            "kernel and run all cells.")),
        "'This chart could not be drawn: ' + err": f"{_js(failed_before)} + err + {_js(failed_after)}",
        "name.textContent.trim() + ': ' + value": f"name.textContent.trim() + {_js(_(': '))} + value",
        "caption.textContent = 'Drawn at ' + parts.join('; ') + '. On the website these are controls you can move.';":
            f"caption.textContent = {_js(drawn_before)} + parts.join({_js(_('; '))}) + {_js(drawn_after)};",
    }


#: Pixels the estimate allows for a title line, a subtitle line, an x axis, a bound control, the
#: gap between stacked views and a legend below a view (Vega-Lite's defaults with the book's theme).
_TITLE_LINE, _SUBTITLE_LINE, _AXIS, _CONTROL, _SPACING, _LEGEND_BELOW = 21, 16, 38, 34, 20, 45
_LEGEND_CHANNELS = ("color", "fill", "stroke", "shape", "size", "strokeDash", "opacity")


def _bound_controls(spec: dict) -> int:
    """How many of the chart's parameters are bound to a control (a slider, a menu)."""
    return sum(1 for p in spec.get("params", []) if "bind" in p)


def _lines(text) -> int:
    return len(text) if isinstance(text, list) else (1 if text else 0)


def _rows(node: dict, datasets: dict, inherited: list | None) -> list | None:
    data = node.get("data")
    if isinstance(data, dict) and "name" in data:
        return datasets.get(data["name"])
    if isinstance(data, dict) and "values" in data:
        return data["values"]
    return inherited


def _categories(node: dict, rows: list | None, datasets: dict) -> int | None:
    """How many distinct values the view's nominal or ordinal y field takes in its data."""
    for part in [node, *node.get("layer", [])]:
        y = (part.get("encoding") or {}).get("y") or {}
        values = _rows(part, datasets, rows)
        if y.get("type") in ("nominal", "ordinal") and y.get("field") and values:
            return len({str(row.get(y["field"])) for row in values})
    return None


def _legends_below(node: dict, config: dict) -> int:
    """Legends drawn under the view (orient "bottom"), each channel and field counted once."""
    below = set()
    default_bottom = (config.get("legend") or {}).get("orient") == "bottom"
    for part in [node, *node.get("layer", [])]:
        for channel, encoding in (part.get("encoding") or {}).items():
            if channel not in _LEGEND_CHANNELS or not isinstance(encoding, dict) or encoding.get("legend", {}) is None:
                continue
            if encoding.get("type") == "quantitative" and channel == "size":
                continue
            orient = (encoding.get("legend") or {}).get("orient", "bottom" if default_bottom else "right")
            if orient == "bottom":
                below.add((channel, encoding.get("field")))
    return len(below)


def _has_x_axis(node: dict) -> bool:
    """Whether a view draws an x axis: some layer encodes a field on x without ``axis: null``."""
    for part in [node, *node.get("layer", [])]:
        x = (part.get("encoding") or {}).get("x")
        if isinstance(x, dict) and x.get("field") and x.get("axis", {}) is not None:
            return True
    return False


def _view_height(node: dict, default: float, datasets: dict, config: dict, rows: list | None = None) -> float:
    """Height in pixels of one view (or composition) of a spec, titles of inner views included."""
    rows = _rows(node, datasets, rows)
    inner_title = 0.0
    title = node.get("title")
    if title:
        text, subtitle = (title.get("text"), title.get("subtitle")) if isinstance(title, dict) else (title, None)
        inner_title = _lines(text) * _TITLE_LINE + _lines(subtitle) * _SUBTITLE_LINE + 6

    def height_of(part):
        return _view_height(part, default, datasets, config, rows)

    spacing = node.get("spacing", _SPACING)
    if "vconcat" in node:
        parts = node["vconcat"]
        return inner_title + sum(height_of(p) for p in parts) + spacing * (len(parts) - 1)
    if "hconcat" in node:
        return inner_title + max((height_of(p) for p in node["hconcat"]), default=0.0)
    if "concat" in node:
        parts, columns = node["concat"], max(1, int(node.get("columns") or len(node["concat"]) or 1))
        grid = [parts[i:i + columns] for i in range(0, len(parts), columns)]
        return inner_title + sum(max(height_of(p) for p in row) for row in grid) + spacing * (len(grid) - 1)
    height = node.get("height")
    if isinstance(height, dict) and "step" in height:
        height = height["step"] * (_categories(node, rows, datasets) or 10)
    elif not isinstance(height, (int, float)):
        layered = [float(p["height"]) for p in node.get("layer", []) if isinstance(p.get("height"), (int, float))]
        height = max(layered) if layered else default
    axis = _AXIS if _has_x_axis(node) else 0
    return inner_title + float(height) + axis + _LEGEND_BELOW * _legends_below(node, config)


def estimated_height(spec: dict) -> int:
    """About how tall, in CSS pixels, a chart will be once drawn: the height its box reserves.

    From the spec alone: the views' heights (stacked views added up, side-by-side ones the
    tallest; a height given per category counts the categories in the data), a title and an x
    axis per view, legends placed below, and one row per bound control. Charts are drawn only
    when they come near the viewport (on the website), and a reserved height close to the drawn
    one keeps the page from jumping.
    """
    config = spec.get("config") or {}
    default = float((config.get("view") or {}).get("continuousHeight", 300))
    controls = _bound_controls(spec)
    body = _view_height(spec, default, spec.get("datasets") or {}, config)
    return int(round(body + controls * _CONTROL + (12 if controls else 0)))


def precompiled(spec: dict) -> dict:
    """The chart's Vega specification, compiled from its Vega-Lite ``spec`` by vl-convert (the
    compiler of the same Vega-Lite version as the bundle), without what the Vega-Lite spec beside
    it already carries: the named datasets' rows and the description (the script puts them back
    from ``spec``), and the ``$schema`` (the script names the mode). A page does not carry the data
    twice.

    A data entry is emptied only where it is one of ``spec["datasets"]`` with the same rows.
    """
    import vl_convert

    vega = vl_convert.vegalite_to_vega(spec)
    vega.pop("$schema", None)
    if vega.get("description") == spec.get("description"):
        vega.pop("description", None)
    datasets = spec.get("datasets") or {}
    vega["data"] = [
        {k: v for k, v in entry.items() if k != "values"}
        if entry.get("name") in datasets and entry.get("values") == datasets[entry["name"]] else entry
        for entry in vega.get("data", [])
    ]
    return vega


def chart_html(spec: dict, *, chart_id: str, inline_bundle: bool, lazy: bool = False) -> str:
    """HTML for one chart: a ``div``, its description and a script that hands it to the runtime.

    Parameters
    ----------
    spec : dict
        A Vega-Lite specification (``chart.to_dict()``).
    chart_id : str
        The ``id`` of the chart's ``div``.
    inline_bundle : bool
        Whether to put the whole Vega bundle and the charts' script before the chart (a live
        notebook's first chart).
    lazy : bool
        Draw the chart only when it comes near the viewport (the website), in a reserved height,
        and carry its Vega specification too (:func:`precompiled`).
    """
    _check_accessible(spec)
    title_text = _title_text(spec)
    prefix = f"<script>{javascript_bundle()}</script>\n<script>{runtime_script()}</script>\n" if inline_bundle else ""
    reserved = f' style="min-height: {estimated_height(spec)}px"' if lazy else ""
    live = (f'<p id="{chart_id}-live" class="sbs-chart-live" aria-live="polite"></p>\n'
            if _bound_controls(spec) else "")
    if is_chinese():  # what a reader sees when the chart's script did not load
        missing = "      el.textContent = " + json.dumps(_(
            "This chart could not be drawn: its script (vega-embed) did not load. In a notebook, restart the "
            "kernel and run all cells."), ensure_ascii=False) + ";\n"
    else:
        missing = ("      el.textContent = 'This chart could not be drawn: its script (vega-embed) did not load. '\n"
                   "        + 'In a notebook, restart the kernel and run all cells.';\n")
    return (
        prefix
        + f'<div id="{chart_id}" class="sbs-chart" role="figure" '
        f'aria-label="{html.escape(title_text, quote=True)}" aria-describedby="{chart_id}-desc"{reserved}></div>\n'
        f'<p id="{chart_id}-desc" class="sbs-chart-description" hidden>{html.escape(str(spec["description"]))}</p>\n'
        + live
        + "<script>\n(function () {\n"
        f"  var id = {json.dumps(chart_id)};\n"
        f"  var spec = {_json_for_script(spec)};\n"
        f"  var opts = {_json_for_script(_embed_options())};\n"
        + (f"  var vega = {_json_for_script(precompiled(spec))};\n" if lazy else "")
        + f"  var args = [id, spec, opts, {'true, vega' if lazy else 'false'}];\n"
        "  if (window.sbsCharts) { window.sbsCharts.add.apply(null, args); return; }\n"
        "  (window.sbsChartQueue = window.sbsChartQueue || []).push(args);\n"
        "  function missing() {\n"
        "    var el = document.getElementById(id);\n"
        "    if (el && !window.sbsCharts) {\n"
        "      el.style.minHeight = '';\n"
        + missing
        + "    }\n"
        "  }\n"
        "  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', missing); }\n"
        "  else { setTimeout(missing, 0); }\n"
        "})();\n</script>"
    )


def _chart_id(spec: dict) -> str:
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:10]
    return f"sbs-chart-{next(_counter)}-{digest}"


def render_spec(spec: dict, **metadata) -> dict:
    """Altair renderer: turn a Vega-Lite spec into a MIME bundle (``text/html`` and ``text/plain``),
    its title wrapped to the book's column (:func:`wrapped_titles`)."""
    global _bundle_shown
    on_site = bool(os.environ.get(SITE_ENV_VAR))
    in_colab = "google.colab" in sys.modules
    inline = not on_site and (in_colab or not _bundle_shown)
    spec = wrapped_titles(spec)
    html_text = chart_html(spec, chart_id=_chart_id(spec), inline_bundle=inline, lazy=on_site)
    if inline:
        _bundle_shown = True
    return {"text/html": html_text, "text/plain": f"<Chart: {_title_text(spec)}>"}


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
