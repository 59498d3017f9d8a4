"""Prove that a change left the built website as it was: snapshot a build, then diff two snapshots.

A refactor of the model package should change no number the reader sees. This tool records, page
by page, what the reader sees of a built book (``_build/html``) and compares two such records:

* **glue**: every glued value by name, as the executed notebook stored it
  (``_build/jupyter_execute/<page>.glue.json``, written by myst-nb);
* **chart**: every chart's Vega-Lite specification, by title, from the ``var spec = {...}`` that
  :mod:`gpu_finance.viz.render` writes beside each ``div.sbs-chart``; stored with sorted keys and
  the dataset names (``data-<hash of the data>``) renamed ``data-0``, ``data-1`` ... in the order
  the spec uses them, so that a float changing in its last bit does not rename a dataset;
* **table**: the text of every table's cells (pandas Stylers, DataFrames and markdown tables), by
  section and caption (``the-vehicle-s-cash-flows/table-1`` when it has none); the tables' ids
  (``T_<digest><counter>``) are left out;
* **output**: the text of every plain-text output of a code cell (``text/plain`` and streams);
* **code**: the source of every code cell shown on the page;
* **prose**: the rest of the page's text, one line per block (paragraph, list item, heading ...),
  with whitespace collapsed; glued values in it are marked ``⟦...⟧``;
* **redirect**: where a redirect page points (the pages left behind by moved chapters).

Element ids (chart ``div`` ids, table ids, citation ids) are attributes, and no attribute is
recorded, so the numbering of a build does not show. Two snapshots of the same build are
byte-identical; ``diff`` of two builds of the same source reports only what is random per build,
which the default ``--ignore`` patterns name (the timings glued in chapters 3 and 5, the
execution-times table).

Numbers are compared with a tolerance (relative ``1e-9``, absolute ``1e-12``), in chart data and in
text alike: a refactor may move the last bit of a float, and a number the reader sees as text
(``$5.87B``) cannot hide a real change within that tolerance.

Usage::

    python tools/compare_builds.py snapshot _build/html -o before.json
    # ... change the code, rebuild the book ...
    python tools/compare_builds.py snapshot _build/html -o after.json
    python tools/compare_builds.py diff before.json after.json [--ignore 'PAGE:KIND:NAME' ...]

``diff`` also takes a site folder in place of a snapshot file (it snapshots it first). It prints,
page by page, what changed and exits with status 1 when anything did (0 when nothing did).
Each item is known by a key ``page:kind:name``, for example ``chapters/01-the-spv.html:glue:rate``
or ``chapters/01-the-spv.html:chart:Whatever the equity asks for, the lenders are paid first``;
a prose line's name is its text. ``--ignore`` takes shell-style patterns (``*``, ``?``, ``[...]``)
matched against these keys; a glued value that is ignored is also masked where the prose shows it.
"""

from __future__ import annotations

import argparse
import difflib
import fnmatch
import json
import math
import re
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

FORMAT = 1
KINDS = ("redirect", "glue", "chart", "table", "output", "code", "prose")

#: What differs between two builds of the same source: run times measured while the notebooks run
#: (glued as ``mc_seconds`` in chapter 3 and ``run_ms`` in chapter 5) and the execution-times table
#: (when each notebook ran and how long it took). ``--no-default-ignore`` switches these off.
DEFAULT_IGNORE = (
    "*:glue:mc_seconds",
    "*:glue:run_ms",
    "book/execution-times.html:table:*",
)

#: Tolerances for numbers, in chart data and in text.
RTOL = 1e-9
ATOL = 1e-12

#: Folders of the built site that hold no pages.
_SKIP_DIRS = {"_static", "_sources", "_images", "_downloads", ".doctrees", "lite"}  # lite: JupyterLite (tools/lite.py)

#: Elements that start a new line of prose.
_BLOCKS = {
    "p", "div", "section", "article", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4",
    "h5", "h6", "pre", "blockquote", "figure", "figcaption", "details", "summary", "aside", "br",
    "hr", "caption", "table", "tr", "header", "footer", "nav", "main",
}

#: Marks around a glued value in the prose (``<span class="pasted-text">``).
GLUE_OPEN, GLUE_CLOSE = "\u27e6", "\u27e7"
_BREAK = "\x00"

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_WHITESPACE = re.compile(r"\s+")
_SPEC_START = re.compile(r"\bvar\s+spec\s*=\s*")
_AUTO_NAME = re.compile(r"^(param|view|selector)_\d+$")


# ---------------------------------------------------------------------------------------------
# Snapshot
# ---------------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _unique(names: dict, name: str) -> str:
    """``name``, or ``name (2)``, ``name (3)`` ... if the page already has it."""
    if name not in names:
        return name
    n = 2
    while f"{name} ({n})" in names:
        n += 1
    return f"{name} ({n})"


def _section_id(element: Tag) -> str:
    """Where an element sits: its section's id, or the exercise or solution it belongs to.

    sphinx-exercise numbers solutions' ids by a counter (``chapters/01-the-spv-solution-3``) and
    gives every solution's body the same section id, so a solution is known by its exercise's label.
    """
    for parent in element.parents:
        classes = parent.get("class", []) if isinstance(parent, Tag) else []
        if parent.name == "div" and "solution" in classes:
            link = parent.select_one(".admonition-title a[href^='#']")
            return "solution:" + (link["href"][1:] if link is not None else parent.get("id", ""))
        if parent.name == "div" and "exercise" in classes and parent.get("id"):
            return parent["id"]
        if parent.name == "section" and parent.get("id") and parent["id"] != "solution-content":
            return parent["id"]
    return "page"


def _counted_name(element: Tag, kind: str, counts: dict) -> str:
    section = _section_id(element)
    counts[(section, kind)] = counts.get((section, kind), 0) + 1
    return f"{section}/{kind}-{counts[(section, kind)]}"


def _title_text(spec: dict) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(str(t) for t in title)
    return _clean(str(title)) if title else "untitled chart"


def _sorted(obj):
    if isinstance(obj, dict):
        return {key: _sorted(obj[key]) for key in sorted(obj)}
    if isinstance(obj, list):
        return [_sorted(item) for item in obj]
    return obj


def canonical_spec(spec: dict) -> dict:
    """A Vega-Lite spec with sorted keys and names that do not depend on the build.

    Altair names each inline dataset ``data-<hash of its values>``; the datasets become ``data-0``,
    ``data-1`` ... in the order the spec (read with sorted keys) first uses them. Names Altair
    numbers by a session-wide counter (``param_3``, ``view_7``) are renumbered the same way.
    """
    spec = _sorted(spec)
    datasets = spec.get("datasets", {}) if isinstance(spec.get("datasets"), dict) else {}
    renames: dict[str, str] = {}
    counters: dict[str, int] = {}

    def note(value: str) -> None:
        if value in renames:
            return
        if value in datasets:
            renames[value] = f"data-{counters.setdefault('data', 0)}"
            counters["data"] += 1
        elif _AUTO_NAME.match(value):
            prefix = value.split("_")[0]
            renames[value] = f"{prefix}_{counters.setdefault(prefix, 0)}"
            counters[prefix] += 1

    def scan(obj) -> None:
        if isinstance(obj, dict):
            for key, value in obj.items():
                if obj is spec and key == "datasets":
                    continue
                scan(value)
        elif isinstance(obj, list):
            for item in obj:
                scan(item)
        elif isinstance(obj, str):
            note(obj)

    scan(spec)
    for name in datasets:  # datasets no mark uses, in the order of their (sorted) names
        note(name)

    def rename(obj):
        if isinstance(obj, dict):
            return {renames.get(key, key): rename(value) for key, value in obj.items()}
        if isinstance(obj, list):
            return [rename(item) for item in obj]
        if isinstance(obj, str):
            return renames.get(obj, obj)
        return obj

    if not renames:
        return spec
    renamed = rename(spec)
    if "datasets" in renamed:
        renamed["datasets"] = dict(sorted(renamed["datasets"].items(), key=lambda kv: _natural(kv[0])))
    return renamed


def _natural(name: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def spec_from_script(script: str) -> dict | None:
    """The Vega-Lite spec in a chart's script (``var spec = {...};``), or ``None``."""
    match = _SPEC_START.search(script)
    if match is None:
        return None
    text = script[match.end():].replace("<\\!--", "<!--")
    spec, _ = json.JSONDecoder().raw_decode(text)
    return spec


def _table_rows(table: Tag) -> list[list[str]]:
    rows = []
    for row in table.find_all("tr"):
        if row.find_parent("table") is not table:
            continue
        cells = [_clean(cell.get_text(" ")) for cell in row.find_all(["th", "td"], recursive=False)]
        rows.append(cells)
    return rows


def _pre_text(element: Tag) -> str:
    lines = element.get_text().split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _prose_lines(article: Tag) -> list[str]:
    for span in article.select("span.pasted-text"):
        span.insert(0, NavigableString(GLUE_OPEN))
        span.append(NavigableString(GLUE_CLOSE))
    for link in article.select("a.headerlink"):
        link.decompose()
    for text in list(article.find_all(string=True)):
        if text.parent is not None and text.parent.name in ("script", "style"):
            continue
        text.replace_with(NavigableString(_WHITESPACE.sub(" ", str(text))))
    for element in article.find_all(_BLOCKS):
        element.insert_before(NavigableString(_BREAK))
        element.insert_after(NavigableString(_BREAK))
    lines = (_clean(line) for line in article.get_text().split(_BREAK))
    return [line for line in lines if line]


def snapshot_page(html: str, glue: dict | None = None) -> dict:
    """What a reader sees of one page: redirect, glue, charts, tables, outputs, code, prose."""
    soup = BeautifulSoup(html, "html.parser")
    page: dict = {kind: {} for kind in KINDS if kind not in ("redirect", "prose")}
    page["prose"] = []
    article = soup.find("article")
    if article is None:
        refresh = soup.find("meta", attrs={"http-equiv": re.compile("refresh", re.I)})
        if refresh is not None:
            target = refresh.get("content", "").split("url=", 1)[-1].strip()
            page["redirect"] = {"target": target}
        return page
    page["glue"] = dict(sorted((glue or {}).items()))
    counts: dict = {}

    for chart_div in article.select("div.sbs-chart"):
        container = chart_div.parent
        script = next((s for s in container.find_all("script") if _SPEC_START.search(s.get_text())), None)
        if script is None:
            continue
        spec = spec_from_script(script.get_text())
        page["chart"][_unique(page["chart"], _title_text(spec))] = canonical_spec(spec)
    for script in article.find_all("script"):  # charts from another renderer (vegaEmbed elsewhere)
        if script.find_parent(class_="output") and _SPEC_START.search(script.get_text()):
            if not script.parent.select("div.sbs-chart"):
                spec = spec_from_script(script.get_text())
                page["chart"][_unique(page["chart"], _title_text(spec))] = canonical_spec(spec)

    for table in article.find_all("table"):
        if table.find_parent("table") is not None:
            continue
        caption = table.find("caption")
        name = _clean(caption.get_text(" ")) if caption is not None else ""
        name = f"{_section_id(table)}/{name}" if name else _counted_name(table, "table", counts)
        page["table"][_unique(page["table"], name)] = _table_rows(table)

    for output in article.select("div.output"):
        classes = output.get("class", [])
        if "text_plain" in classes or "stream" in classes:
            text = _pre_text(output)
        elif "text_html" in classes and not output.find("table") and not output.select(".sbs-chart"):
            text = _clean(output.get_text(" "))
        else:
            continue
        page["output"][_counted_name(output, "output", counts)] = text

    for cell_input in article.select("div.cell_input"):
        page["code"][_counted_name(cell_input, "cell", counts)] = _pre_text(cell_input)

    for element in article.select("div.cell, table, script, style"):
        if not element.decomposed:
            element.decompose()
    page["prose"] = _prose_lines(article)
    return page


def site_pages(site: Path) -> list[Path]:
    """The site's HTML pages, in a stable order (relative paths)."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site)
        if relative.parts[0] in _SKIP_DIRS:
            continue
        pages.append(relative)
    return pages


def snapshot_site(site: Path, execute_dir: Path | None = None) -> dict:
    """The snapshot of a built site: ``{"format", "pages": {page: ...}}``.

    Parameters
    ----------
    site : pathlib.Path
        The built HTML (``_build/html``).
    execute_dir : pathlib.Path, optional
        Where the executed notebooks and their ``.glue.json`` files are
        (default: ``jupyter_execute`` beside ``site``).
    """
    site = Path(site)
    if not site.is_dir():
        raise FileNotFoundError(f"no built site at {site}")
    execute_dir = Path(execute_dir) if execute_dir is not None else site.parent / "jupyter_execute"
    pages = {}
    for relative in site_pages(site):
        glue_file = execute_dir / relative.with_suffix(".glue.json")
        glue = read_glue(glue_file) if glue_file.is_file() else {}
        pages[relative.as_posix()] = snapshot_page((site / relative).read_text(encoding="utf-8"), glue)
    return {"format": FORMAT, "pages": pages}


def read_glue(path: Path) -> dict[str, str]:
    """Glued values by name from myst-nb's ``<page>.glue.json``: the text each one renders."""
    outputs = json.loads(Path(path).read_text(encoding="utf-8"))
    values = {}
    for name, output in outputs.items():
        data = output.get("data", {})
        if "text/plain" in data:
            value = data["text/plain"]
        elif "text/html" in data:
            value = _clean(BeautifulSoup(data["text/html"], "html.parser").get_text(" "))
        else:
            value = json.dumps(_sorted(data), sort_keys=True)
        values[name] = "".join(value) if isinstance(value, list) else value
    return values


def load(source: str | Path, execute_dir: Path | None = None) -> dict:
    """A snapshot from a ``.json`` file, or made now from a built site's folder."""
    source = Path(source)
    if source.is_dir():
        return snapshot_site(source, execute_dir)
    snapshot = json.loads(source.read_text(encoding="utf-8"))
    if snapshot.get("format") != FORMAT:
        raise ValueError(f"{source} is not a snapshot of format {FORMAT}")
    return snapshot


# ---------------------------------------------------------------------------------------------
# Diff
# ---------------------------------------------------------------------------------------------


def numbers_close(a: float, b: float, rtol: float = RTOL, atol: float = ATOL) -> bool:
    return a == b or math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


def texts_match(a: str, b: str, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Whether two texts are equal, numbers in them allowed to differ within the tolerances."""
    if a == b:
        return True
    if _NUMBER.split(a) != _NUMBER.split(b):
        return False
    return all(numbers_close(float(x), float(y), rtol, atol)
               for x, y in zip(_NUMBER.findall(a), _NUMBER.findall(b)))


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _path(path: str, step) -> str:
    if isinstance(step, int):
        return f"{path}[{step}]"
    return f"{path}.{step}" if path else str(step)


def spec_differences(old, new, rtol: float = RTOL, atol: float = ATOL, path: str = "") -> Iterator[tuple]:
    """Yield ``(path, old, new)`` for every leaf where two specs differ (``...`` for missing)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            if key not in old or key not in new:
                yield _path(path, key), old.get(key, ...), new.get(key, ...)
            else:
                yield from spec_differences(old[key], new[key], rtol, atol, _path(path, key))
    elif isinstance(old, list) and isinstance(new, list):
        for i, (a, b) in enumerate(zip(old, new)):
            yield from spec_differences(a, b, rtol, atol, _path(path, i))
        if len(old) != len(new):
            yield f"{path} (length)", len(old), len(new)
    elif _is_number(old) and _is_number(new):
        if not numbers_close(old, new, rtol, atol):
            yield path, old, new
    elif old != new:
        yield path, old, new


def _short(value, width: int = 80) -> str:
    if value is ...:
        text = "(missing)"
    else:
        text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 3] + "..."


class Matcher:
    """Shell-style ignore patterns, matched against ``page:kind:name``."""

    def __init__(self, patterns: Iterable[str]):
        self.patterns = list(patterns)

    def __call__(self, page: str, kind: str, name: str) -> bool:
        key = f"{page}:{kind}:{name}"
        return any(fnmatch.fnmatchcase(key, pattern) for pattern in self.patterns)


def _mask_prose(lines: list[str], hidden: set[str]) -> list[str]:
    if not hidden:
        return lines
    # a glued str shows without the quotes of its text/plain repr
    hidden = hidden | {h[1:-1] for h in hidden if len(h) > 1 and h[0] == h[-1] and h[0] in "'\""}
    pattern = re.compile(
        re.escape(GLUE_OPEN) + "(" + "|".join(re.escape(h) for h in sorted(hidden, key=len, reverse=True))
        + ")" + re.escape(GLUE_CLOSE)
    )
    return [pattern.sub(GLUE_OPEN + "ignored" + GLUE_CLOSE, line) for line in lines]


def _text_diff(old: str | list[str], new: str | list[str], rtol: float, atol: float, limit: int) -> list[str]:
    old_lines = old.split("\n") if isinstance(old, str) else list(old)
    new_lines = new.split("\n") if isinstance(new, str) else list(new)
    # a line whose numbers moved only within the tolerance counts as the same line
    new_lines = [old_lines[i] if i < len(old_lines) and texts_match(old_lines[i], line, rtol, atol) else line
                 for i, line in enumerate(new_lines)]
    if old_lines == new_lines:
        return []
    diff = [line for line in difflib.unified_diff(old_lines, new_lines, "old", "new", n=1, lineterm="")
            if not line.startswith(("---", "+++"))]
    if len(diff) > limit:
        diff = diff[:limit] + [f"... ({len(diff) - limit} more diff lines)"]
    return diff


def _table_changes(old: list[list[str]], new: list[list[str]], rtol: float, atol: float) -> str | None:
    if [len(r) for r in old] != [len(r) for r in new]:
        return f"shape changed: {len(old)} rows -> {len(new)} rows " \
               f"(cells per row {[len(r) for r in old][:8]} -> {[len(r) for r in new][:8]})"
    changed = [(i, j, a, b) for i, (ro, rn) in enumerate(zip(old, new))
               for j, (a, b) in enumerate(zip(ro, rn)) if not texts_match(a, b, rtol, atol)]
    if not changed:
        return None
    i, j, a, b = changed[0]
    heading = old[0][j] if old and j < len(old[0]) and i > 0 else ""
    where = f"row {i}, column {j}" + (f" ({heading!r})" if heading else "")
    more = f" ({len(changed)} cells differ)" if len(changed) > 1 else ""
    return f"{where}: {a!r} -> {b!r}{more}"


def diff_snapshots(old: dict, new: dict, ignore: Iterable[str] = (), kinds: Iterable[str] = KINDS,
                   rtol: float = RTOL, atol: float = ATOL, limit: int = 20) -> tuple[list[str], dict]:
    """Compare two snapshots; return the report's lines and the number of changes by kind.

    Every change is one item (a glued value, a chart, a table, an output, a code cell, a page's
    prose, a page only in one snapshot); ``counts`` is ``{kind: number of changed items}``.
    """
    ignored = Matcher(ignore)
    kinds = tuple(kinds)
    report: list[str] = []
    counts: dict[str, int] = {}
    old_pages, new_pages = old["pages"], new["pages"]

    def changed(kind: str) -> None:
        counts[kind] = counts.get(kind, 0) + 1

    for page in sorted(set(old_pages) | set(new_pages)):
        lines: list[str] = []
        if page not in new_pages or page not in old_pages:
            if not ignored(page, "page", ""):
                report += [page, f"  page only in the {'old' if page in old_pages else 'new'} build"]
                changed("page")
            continue
        a, b = old_pages[page], new_pages[page]
        for kind in ("redirect", "glue", "chart", "table", "output", "code"):
            if kind not in kinds:
                continue
            items_a, items_b = a.get(kind, {}), b.get(kind, {})
            for name in list(items_a) + [n for n in items_b if n not in items_a]:
                if ignored(page, kind, name):
                    continue
                label = f"{kind} {name!r}"
                if name not in items_b or name not in items_a:
                    lines.append(f"  {label}: only in the {'old' if name in items_a else 'new'} build")
                    changed(kind)
                    continue
                x, y = items_a[name], items_b[name]
                if kind == "chart":
                    found = list(spec_differences(x, y, rtol, atol))
                    if found:
                        where, u, v = found[0]
                        more = f" ({len(found)} places differ)" if len(found) > 1 else ""
                        lines.append(f"  {label}: first at {where}: {_short(u)} -> {_short(v)}{more}")
                        changed(kind)
                elif kind == "table":
                    message = _table_changes(x, y, rtol, atol)
                    if message:
                        lines.append(f"  {label}: {message}")
                        changed(kind)
                elif kind in ("glue", "redirect"):
                    if isinstance(x, dict):
                        x, y = json.dumps(x, sort_keys=True), json.dumps(y, sort_keys=True)
                    if not texts_match(x, y, rtol, atol):
                        lines.append(f"  {label}: {_short(x)} -> {_short(y)}")
                        changed(kind)
                else:
                    diff = _text_diff(x, y, rtol, atol, limit)
                    if diff:
                        lines.append(f"  {label}:")
                        lines += ["    " + line for line in diff]
                        changed(kind)
        if "prose" in kinds:
            hide_a = {v for n, v in a.get("glue", {}).items() if ignored(page, "glue", n)}
            hide_b = {v for n, v in b.get("glue", {}).items() if ignored(page, "glue", n)}
            prose_a = [p for p in _mask_prose(a.get("prose", []), hide_a) if not ignored(page, "prose", p)]
            prose_b = [p for p in _mask_prose(b.get("prose", []), hide_b) if not ignored(page, "prose", p)]
            diff = _text_diff(prose_a, prose_b, rtol, atol, limit)
            if diff:
                lines.append("  prose:")
                lines += ["    " + line for line in diff]
                changed("prose")
        if lines:
            report += [page] + lines
    return report, counts


def summary(snapshot: dict) -> list[str]:
    """One line per page: how many glued values, charts, tables, outputs, code cells, prose lines."""
    rows = []
    totals = dict.fromkeys(("glue", "chart", "table", "output", "code", "prose"), 0)
    for page, content in snapshot["pages"].items():
        if "redirect" in content:
            rows.append(f"{page:45} redirect to {content['redirect']['target']}")
            continue
        numbers = {kind: len(content.get(kind, {})) for kind in totals}
        for kind, n in numbers.items():
            totals[kind] += n
        rows.append(f"{page:45} " + "  ".join(f"{n:4d} {kind}" for kind, n in numbers.items()))
    rows.append(f"{'total (' + str(len(snapshot['pages'])) + ' pages)':45} "
                + "  ".join(f"{n:4d} {kind}" for kind, n in totals.items()))
    return rows


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    snap = commands.add_parser("snapshot", help="record what a built site shows")
    snap.add_argument("site", type=Path, help="the built HTML, e.g. _build/html")
    snap.add_argument("-o", "--output", type=Path, help="where to write the snapshot (default: stdout)")
    snap.add_argument("--execute-dir", type=Path,
                      help="the executed notebooks and .glue.json files (default: SITE/../jupyter_execute)")
    snap.add_argument("--summary", action="store_true", help="print the counts per page (on stderr)")

    diff = commands.add_parser("diff", help="compare two snapshots (or built sites)")
    diff.add_argument("old", help="a snapshot .json, or a built site's folder")
    diff.add_argument("new", help="a snapshot .json, or a built site's folder")
    diff.add_argument("--ignore", action="append", default=[], metavar="PAGE:KIND:NAME",
                      help="a shell-style pattern of items expected to differ (repeatable); kinds: "
                           + ", ".join(KINDS) + "; a prose line's name is its text")
    diff.add_argument("--no-default-ignore", action="store_true",
                      help="do not ignore " + ", ".join(DEFAULT_IGNORE))
    diff.add_argument("--kinds", default=",".join(KINDS),
                      help="compare only these kinds (comma-separated; default: all)")
    diff.add_argument("--rtol", type=float, default=RTOL, help=f"relative tolerance for numbers ({RTOL:g})")
    diff.add_argument("--atol", type=float, default=ATOL, help=f"absolute tolerance for numbers ({ATOL:g})")
    diff.add_argument("--limit", type=int, default=20, help="most diff lines shown per item (20)")
    args = parser.parse_args(argv)

    if args.command == "snapshot":
        start = time.perf_counter()
        snapshot = snapshot_site(args.site, args.execute_dir)
        text = json.dumps(snapshot, ensure_ascii=False, indent=1) + "\n"
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        if args.summary or args.output:
            print("\n".join(summary(snapshot)), file=sys.stderr)
            print(f"snapshot of {args.site} in {time.perf_counter() - start:.1f} s"
                  + (f" -> {args.output}" if args.output else ""), file=sys.stderr)
        return 0

    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        parser.error(f"unknown kind(s) {unknown}; the kinds are {', '.join(KINDS)}")
    ignore = ([] if args.no_default_ignore else list(DEFAULT_IGNORE)) + args.ignore
    old, new = load(args.old), load(args.new)
    report, counts = diff_snapshots(old, new, ignore, kinds, args.rtol, args.atol, args.limit)
    pages = len(set(old["pages"]) | set(new["pages"]))
    if report:
        print("\n".join(report))
        total = sum(counts.values())
        print(f"\n{total} item(s) changed on {len({l for l in report if not l.startswith(' ')})} of "
              f"{pages} pages: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
        return 1
    print(f"no change on {pages} pages (ignored: {', '.join(ignore) or 'nothing'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
