"""tools/compare_builds.py: snapshots of a built site, and the diff that proves a refactor changed nothing.

Small synthetic sites written here (a page shaped like the book's: glued values in spans, a chart's
spec in its script, a pandas Styler table, a text output, a code cell), no build of the book.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools import compare_builds as cb

PAGE = "chapters/01-test.html"


def chart_spec(values: list[float], title: str = "The rent pays the lenders first") -> dict:
    name = "data-" + format(abs(hash(tuple(values))), "x")  # like Altair's hash of the data
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json",
        "title": {"text": title, "subtitle": "Base case"},
        "description": "Bars of the rent by year.",
        "data": {"name": name},
        "mark": {"type": "bar"},
        "encoding": {"x": {"field": "year", "type": "ordinal"},
                     "y": {"field": "amount_bn", "type": "quantitative"}},
        "datasets": {name: [{"year": i + 1, "amount_bn": v} for i, v in enumerate(values)]},
    }


def page_html(*, rate="9.5%", values=(1.1875, 0.99104), cell="$1.2B", sentence="The lenders are paid first.",
              chart_id="sbs-chart-1-025491abfc", table_id="T_5c73a14b1") -> str:
    spec = json.dumps(chart_spec(list(values)), sort_keys=True).replace("</", "<\\/")
    return f"""<!DOCTYPE html><html><head><title>Test</title></head><body>
<nav>Sidebar that is not part of the page's content</nav>
<main><article class="bd-article">
<section id="chapter-1-test"><h1>Chapter 1. Test<a class="headerlink" href="#chapter-1-test">#</a></h1>
<p>The loan costs <span class="pasted-text">{rate}</span> a year.
{sentence}</p>
<section id="the-cash-flows"><h2>1. The cash flows</h2>
<div class="cell docutils container">
<div class="cell_input docutils container"><div class="highlight"><pre><span></span>figures.cash_flow_table(flows)
</pre></div></div>
<div class="cell_output docutils container"><div class="output text_html"><style type="text/css">
</style>
<table id="{table_id}">
  <thead><tr><th id="{table_id}_level0_col0" class="col_heading">Year</th>
  <th id="{table_id}_level0_col1" class="col_heading">Interest</th></tr></thead>
  <tbody><tr><td id="{table_id}_row0_col0">1</td><td id="{table_id}_row0_col1">{cell}</td></tr></tbody>
</table></div></div></div>
<div class="cell docutils container">
<div class="cell_input docutils container"><div class="highlight"><pre><span></span>figures.cash_flow_explorer(COLOSSUS_2)
</pre></div></div>
<div class="cell_output docutils container"><div class="output text_html">
<div id="{chart_id}" class="sbs-chart" role="figure" aria-label="The rent pays the lenders first"></div>
<script>
(function () {{
  var id = "{chart_id}";
  var spec = {spec};
  var opts = {{"renderer": "svg"}};
}})();
</script></div></div></div>
<div class="cell docutils container">
<div class="cell_input docutils container"><div class="highlight"><pre><span></span>percent(irr)
</pre></div></div>
<div class="cell_output docutils container"><div class="output text_plain highlight-myst-ansi"><div class="highlight"><pre><span></span>22%
</pre></div></div></div></div>
<p>Timing: the simulation took <span class="pasted-text">0.41</span> seconds.</p>
</section></section>
</article></main></body></html>
"""


REDIRECT = """<!DOCTYPE html><html><head><meta http-equiv="refresh" content="0; url=01-test.html"></head>
<body><p>Moved.</p></body></html>"""


def glue_json(**values: str) -> str:
    return json.dumps({
        name: {"output_type": "display_data",
               "metadata": {"scrapbook": {"name": name, "mime_prefix": "application/papermill.record/"}},
               "data": {"text/plain": text}}
        for name, text in values.items()
    })


def write_site(root: Path, *, glue: dict | None = None, **page) -> Path:
    """A built site under root/_build: html/ with two pages, jupyter_execute/ with the glue."""
    html = root / "_build" / "html"
    (html / "chapters").mkdir(parents=True)
    (html / "_static").mkdir()
    (html / "_static" / "ignored.html").write_text("<p>not a page</p>", encoding="utf-8")
    (html / PAGE).write_text(page_html(**page), encoding="utf-8")
    (html / "chapters" / "00-old.html").write_text(REDIRECT, encoding="utf-8")
    executed = root / "_build" / "jupyter_execute" / "chapters"
    executed.mkdir(parents=True)
    glue = {"rate": "9.5%", "mc_seconds": "0.41", **(glue or {})}
    (executed / "01-test.glue.json").write_text(glue_json(**glue), encoding="utf-8")
    (executed / "00-old.glue.json").write_text(glue_json(stale="left from an old build"), encoding="utf-8")
    return html


def diff(old: dict, new: dict, ignore=cb.DEFAULT_IGNORE) -> tuple[str, dict]:
    report, counts = cb.diff_snapshots(old, new, ignore)
    return "\n".join(report), counts


@pytest.fixture
def base(tmp_path):
    return cb.snapshot_site(write_site(tmp_path / "old"))


def snapshot_of(tmp_path, **change) -> dict:
    return cb.snapshot_site(write_site(tmp_path / "new", **change))


def test_the_snapshot_holds_what_the_page_shows(base):
    assert set(base["pages"]) == {PAGE, "chapters/00-old.html"}
    page = base["pages"][PAGE]
    assert page["glue"] == {"mc_seconds": "0.41", "rate": "9.5%"}
    (title, spec), = page["chart"].items()
    assert title == "The rent pays the lenders first"
    assert spec["data"] == {"name": "data-0"} and list(spec["datasets"]) == ["data-0"]
    assert page["table"] == {"the-cash-flows/table-1": [["Year", "Interest"], ["1", "$1.2B"]]}
    assert page["output"] == {"the-cash-flows/output-1": "22%"}
    assert page["code"]["the-cash-flows/cell-2"] == "figures.cash_flow_explorer(COLOSSUS_2)"
    assert page["prose"] == [
        "Chapter 1. Test",
        "The loan costs ⟦9.5%⟧ a year. The lenders are paid first.",
        "1. The cash flows",
        "Timing: the simulation took ⟦0.41⟧ seconds.",
    ]
    # a redirect page: its target, and no glue from the stale notebook left beside it
    assert base["pages"]["chapters/00-old.html"]["redirect"] == {"target": "01-test.html"}
    assert base["pages"]["chapters/00-old.html"]["glue"] == {}


def test_an_identical_build_diffs_clean_even_with_other_ids(tmp_path, base):
    again = snapshot_of(tmp_path, chart_id="sbs-chart-7-ffffffffff", table_id="T_0123abcd9")
    assert again == base
    assert diff(base, again) == ("", {})


def test_two_snapshots_of_one_site_are_the_same_bytes(tmp_path, capsys):
    site = write_site(tmp_path)
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert cb.main(["snapshot", str(site), "-o", str(first)]) == 0
    assert cb.main(["snapshot", str(site), "-o", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert "1 chart" in capsys.readouterr().err
    assert cb.main(["diff", str(first), str(second)]) == 0
    assert cb.main(["diff", str(first), str(site)]) == 0  # a site folder in place of a snapshot
    assert "no change on 2 pages" in capsys.readouterr().out


def test_a_changed_glued_value_is_named(tmp_path, base):
    report, counts = diff(base, snapshot_of(tmp_path, glue={"rate": "9.6%"}))
    assert counts == {"glue": 1}
    assert PAGE in report and "glue 'rate': '9.5%' -> '9.6%'" in report


def test_a_changed_number_in_a_chart_is_found_by_title_and_path(tmp_path, base):
    report, counts = diff(base, snapshot_of(tmp_path, values=(1.1875, 0.99)))
    assert counts == {"chart": 1}
    assert PAGE in report
    assert "chart 'The rent pays the lenders first'" in report
    assert "datasets.data-0[1].amount_bn: 0.99104 -> 0.99" in report


def test_a_float_moving_in_its_15th_digit_is_no_change(tmp_path, base):
    moved = 0.99104 * (1 + 3e-15)
    assert moved != 0.99104
    new = snapshot_of(tmp_path, values=(1.1875, moved))
    assert new["pages"][PAGE]["chart"] != base["pages"][PAGE]["chart"]  # the data did change ...
    assert diff(base, new) == ("", {})  # ... within the tolerance
    assert cb.texts_match("x = 0.99104", f"x = {moved!r}")
    assert not cb.texts_match("$5.87B", "$5.88B")


def test_a_changed_table_cell_is_found_by_row_and_column(tmp_path, base):
    report, counts = diff(base, snapshot_of(tmp_path, cell="$1.3B"))
    assert counts == {"table": 1}
    assert PAGE in report
    assert "table 'the-cash-flows/table-1': row 1, column 1 ('Interest'): '$1.2B' -> '$1.3B'" in report


def test_a_changed_sentence_is_shown_as_a_diff(tmp_path, base):
    report, counts = diff(base, snapshot_of(tmp_path, sentence="The lenders are paid last."))
    assert counts == {"prose": 1}
    assert PAGE in report
    assert "-The loan costs ⟦9.5%⟧ a year. The lenders are paid first." in report
    assert "+The loan costs ⟦9.5%⟧ a year. The lenders are paid last." in report


def test_ignore_patterns(tmp_path, base):
    changed = snapshot_of(tmp_path, glue={"rate": "9.6%"}, rate="9.6%", cell="$1.3B")
    report, counts = diff(base, changed)
    assert counts == {"glue": 1, "table": 1, "prose": 1}
    # ignoring a glued value also hides it where the prose shows it
    report, counts = diff(base, changed, ignore=["*:glue:rate", f"{PAGE}:table:*"])
    assert (report, counts) == ("", {})
    # a prose line can be ignored by its text
    report, counts = diff(base, changed, ignore=["*:glue:rate", "*:table:*", "*:prose:The loan costs*"])
    assert (report, counts) == ("", {})


def test_the_run_times_are_ignored_by_default(tmp_path, base, capsys):
    slower = snapshot_of(tmp_path, glue={"mc_seconds": "0.52"})
    slower["pages"][PAGE]["prose"][-1] = "Timing: the simulation took ⟦0.52⟧ seconds."
    assert diff(base, slower) == ("", {})
    report, counts = diff(base, slower, ignore=[])
    assert counts == {"glue": 1, "prose": 1}
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(base), encoding="utf-8")
    new.write_text(json.dumps(slower), encoding="utf-8")
    assert cb.main(["diff", str(old), str(new)]) == 0
    assert cb.main(["diff", str(old), str(new), "--no-default-ignore"]) == 1
    assert "glue 'mc_seconds': '0.41' -> '0.52'" in capsys.readouterr().out


def test_pages_and_items_only_in_one_build(tmp_path, base):
    new = snapshot_of(tmp_path, values=(1.0,))
    new["pages"][PAGE]["chart"] = {"Another title": new["pages"][PAGE]["chart"].popitem()[1]}
    del new["pages"]["chapters/00-old.html"]
    report, counts = diff(base, new)
    assert counts == {"chart": 2, "page": 1}
    assert "chapters/00-old.html\n  page only in the old build" in report
    assert "chart 'The rent pays the lenders first': only in the old build" in report
    assert "chart 'Another title': only in the new build" in report


def test_canonical_spec_names_datasets_by_use():
    spec = {"layer": [{"data": {"name": "data-ffff"}}, {"data": {"name": "data-0000"}},
                      {"params": [{"name": "param_12"}], "mark": "bar"}],
            "datasets": {"data-0000": [{"a": 1}], "data-ffff": [{"a": 2}]}}
    canonical = cb.canonical_spec(spec)
    assert canonical["layer"][0]["data"]["name"] == "data-0"
    assert canonical["layer"][1]["data"]["name"] == "data-1"
    assert canonical["layer"][2]["params"][0]["name"] == "param_0"
    assert canonical["datasets"] == {"data-0": [{"a": 2}], "data-1": [{"a": 1}]}


def test_the_command_line_reports_and_fails(tmp_path, base, capsys):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(base), encoding="utf-8")
    new.write_text(json.dumps(snapshot_of(tmp_path, cell="$1.3B")), encoding="utf-8")
    assert cb.main(["diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(PAGE) and "1 item(s) changed on 1 of 2 pages: 1 table" in out
    assert cb.main(["diff", str(old), str(new), "--kinds", "glue,chart"]) == 0
    with pytest.raises(SystemExit):
        cb.main(["diff", str(old), str(new), "--kinds", "charts"])
