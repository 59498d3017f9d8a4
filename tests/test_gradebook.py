"""The rubrics of the written questions and the gradebook (``tools/gradebook.py``).

The rubrics are checked against the real masters. The gradebook is checked on a small master made
here (two autograded and two written questions, so the totals below can be worked by hand and do
not move when a problem set changes), with ``results.json`` files written in the shape ``otter run``
writes them. No notebook is graded here: these tests take well under a second.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from tools import assignments, gradebook
from tools.gradebook import GradebookError

ROOT = Path(__file__).resolve().parents[1]
MASTERS = assignments.masters()
IDS = [m.parent.name for m in MASTERS]


def _rubric_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# ------------------------------------------------------------------- the time each question takes
def test_time_estimates_cover_every_question_of_every_set():
    """The instructor guide's time estimates (``assignments/time-estimates.csv``) name every question
    of every master once, with its points and how it is graded, and a plausible number of minutes."""
    rows = _rubric_rows(ROOT / "assignments" / "time-estimates.csv")
    listed = [(r["set"], r["question"], float(r["points"]), r["graded"]) for r in rows]
    expected = [(m.parent.name, q.name, q.points, q.graded)
                for m in MASTERS for q in assignments.questions(assignments.read_notebook(m))]
    assert listed == expected
    for row in rows:
        assert 5 <= int(row["minutes"]) <= 90, row
    per_set: dict[str, int] = {}
    for row in rows:
        per_set[row["set"]] = per_set.get(row["set"], 0) + int(row["minutes"])
    assert all(60 <= minutes <= 180 for minutes in per_set.values()), per_set  # one to three hours a set


# ----------------------------------------------------------------------------------- the rubrics
@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_rubric_covers_the_written_questions_and_adds_up(master):
    rubric = master.parent / "rubric.csv"
    assert rubric.is_file(), f"{rubric} is missing: every problem set needs a rubric for its written questions"
    rows = _rubric_rows(rubric)
    assert list(rows[0]) == ["question", "item", "points", "earns"]
    written = {q.name: q.points for q in assignments.questions(assignments.read_notebook(master)) if q.manual}
    totals: dict[str, float] = {}
    for row in rows:
        totals[row["question"]] = totals.get(row["question"], 0.0) + float(row["points"])
    assert set(totals) == set(written), "the rubric must cover every written question, and only those"
    for name, points in written.items():
        assert totals[name] == pytest.approx(points), f"{name}: items add up to {totals[name]}, master {points}"
    gradebook.set_rubric(master)  # the tool's own check agrees


def test_memo_rubric_adds_up_to_its_total():
    rows = _rubric_rows(gradebook.MEMO_RUBRIC)
    assert {row["question"] for row in rows} == {"memo"}
    assert sum(float(row["points"]) for row in rows) == pytest.approx(gradebook.MEMO_POINTS)


@pytest.mark.parametrize("rubric", [m.parent / "rubric.csv" for m in MASTERS] + [gradebook.MEMO_RUBRIC],
                         ids=IDS + ["memo"])
def test_rubric_sentences_are_short_plain_text(rubric):
    """The rubrics are shown in the instructor guide with a csv-table directive."""
    items = gradebook.read_rubric(rubric)
    assert len({i.item for i in items if i.question == items[0].question}) == \
        sum(i.question == items[0].question for i in items)
    for i in items:
        assert i.earns.endswith("."), i
        assert len(i.earns) <= 320, f"{i.question} {i.item}: keep the sentence short"
        assert not set(i.earns) & set("`*#[]<>|"), f"{i.question} {i.item}: plain text, no Markdown"
        assert i.points % 0.25 == 0, f"{i.question} {i.item}: points in quarters"


# ----------------------------------------------------------------------------------- a small master
POINTS = {"q1_auto": 3.0, "q2_written": 3.0, "q3_auto": 2.0, "q4_written": 2.0}
RUBRIC = """question,item,points,earns
q2_written,a,1,"Quotes the figure, with its unit."
q2_written,b,1.5,"Explains why, half the points without a reason."
q2_written,c,0.5,"Names the counter-argument."
q4_written,a,1,"Labels the assumption."
q4_written,b,1,"Names the evidence that would settle it."
"""
ROSTER = "student,name\nalice,Alice\nbob,Bob\ncarol,Carol\n"
#: The autograded scores and the written marks, item by item, of three students.
SCORES = {"alice": {"q1_auto": 3, "q3_auto": 2.0},
          "bob": {"q1_auto": 1.5, "q3_auto": 2.0},
          "carol": {"q1_auto": 0, "q3_auto": 0.5}}
MARKS = {"alice": {("q2_written", "a"): "1", ("q2_written", "b"): "1.5", ("q2_written", "c"): "0.5",
                   ("q4_written", "a"): "1", ("q4_written", "b"): "1"},
         "bob": {("q2_written", "a"): "1", ("q2_written", "b"): "0.5", ("q2_written", "c"): "0",
                 ("q4_written", "a"): "0.5", ("q4_written", "b"): "1"},
         "carol": {("q2_written", "a"): "0", ("q2_written", "b"): "0", ("q2_written", "c"): "0.5",
                   ("q4_written", "a"): "0", ("q4_written", "b"): "0"}}
#: Worked by hand: the maximum is 3 + 3 + 2 + 2 = 10.
#: alice: 3 + 2 autograded, 3 + 2 written: 10 of 10.
#: bob: 1.5 + 2 = 3.5 autograded; (1 + 0.5 + 0) + (0.5 + 1) = 3 written; 6.5 of 10.
#: carol: 0 + 0.5 = 0.5 autograded; 0.5 + 0 written; 1 of 10.
EXPECTED = pd.DataFrame(
    [["alice", 3, 3, 2, 2, 5, 5, 10, 10, 100.0],
     ["bob", 1.5, 1.5, 2, 1.5, 3.5, 3, 6.5, 10, 65.0],
     ["carol", 0, 0.5, 0.5, 0, 0.5, 0.5, 1, 10, 10.0]],
    columns=["student", "q1_auto", "q2_written", "q3_auto", "q4_written", "autograded", "written",
             "total", "maximum", "percent"])


def _cell(kind: str, source: str, **extra) -> dict:
    cell = {"cell_type": kind, "metadata": {}, "source": source, **extra}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def make_master(folder: Path, name: str = "ps99-toy", points: dict[str, float] = POINTS,
                rubric: str | None = RUBRIC) -> Path:
    """A master in otter's assign format with the questions of ``points``, and its rubric."""
    cells = [_cell("raw", f"# ASSIGNMENT CONFIG\nname: {name}\n")]
    for question, value in points.items():
        manual = "written" in question
        cells += [_cell("raw", f"# BEGIN QUESTION\nname: {question}\npoints: {value:g}\n"
                               f"manual: {str(manual).lower()}"),
                  _cell("markdown", f"**{question}.** Answer it."),
                  _cell("raw", "# BEGIN SOLUTION"),
                  _cell("markdown" if manual else "code", "*A good answer.*" if manual else "x = 1"),
                  _cell("raw", "# END SOLUTION")]
        if not manual:
            cells += [_cell("raw", "# BEGIN TESTS"), _cell("code", "assert x == 1"), _cell("raw", "# END TESTS")]
        cells.append(_cell("raw", "# END QUESTION"))
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    folder.mkdir(parents=True, exist_ok=True)
    if rubric is not None:
        (folder / "rubric.csv").write_text(rubric, encoding="utf-8")
    master = folder / f"{name}.ipynb"
    master.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return master


def results_json(scores: dict[str, float], maxima: dict[str, float] = POINTS) -> dict:
    """What ``otter run`` writes (otter 7, the Gradescope format): a summary of the public tests,
    then one entry per autograded question."""
    tests = [{"name": "Public Tests", "visibility": "visible", "status": "passed",
              "output": "\n\n".join(f"{q} results: All test cases passed!" for q in scores)}]
    for question, score in scores.items():
        tests.append({"name": question, "score": score, "max_score": maxima[question], "visibility": "hidden",
                      "output": f"{question} results: All test cases passed!" if score == maxima[question]
                      else f"{question} results:\n    {question} - 1 result:\n        ❌ Test case failed"})
    return {"tests": tests}


def write_results(graded: Path, student: str, data: dict) -> Path:
    (graded / student).mkdir(parents=True, exist_ok=True)
    path = graded / student / "results.json"
    path.write_text(json.dumps(data, indent=4), encoding="utf-8")
    return path


@pytest.fixture
def course(tmp_path):
    """A master with its rubric, a roster, every student's results.json and a blank marks sheet."""
    master = make_master(tmp_path / "99-toy")
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    graded = tmp_path / "graded"
    for student, scores in SCORES.items():
        write_results(graded, student, results_json(scores))
    sheet = tmp_path / "written-marks.csv"
    assert gradebook.main(["template", str(master.parent), "--roster", str(roster), "-o", str(sheet)]) == 0
    return master, roster, graded, sheet


def fill(sheet: Path, marks: dict = MARKS, out: Path | None = None, **changes) -> Path:
    """Fill the sheet's points from ``marks``; ``changes`` maps (student, question, item) to a new
    row dict (or None to drop the row)."""
    table = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    table["points"] = [marks[s][q, i] for s, q, i in zip(table.student, table.question, table.item)]
    rows = table.to_dict("records")
    for key, new in changes.get("rows", {}).items():
        index = next(n for n, r in enumerate(rows) if (r["student"], r["question"], r["item"]) == key)
        if new is None:
            rows.pop(index)
        else:
            rows[index].update(new)
    rows += changes.get("extra", [])
    out = out or sheet.with_name("filled.csv")
    pd.DataFrame(rows, columns=table.columns).to_csv(out, index=False)
    return out


def _line(student: str, question: str, item: str) -> int:
    """The line of a row in the sheet: header on line 1, then students in roster order, items in
    rubric order."""
    items = [(q, i) for q, i, *_ in csv.reader(RUBRIC.splitlines()[1:])]
    return 2 + list(SCORES).index(student) * len(items) + items.index((question, item))


def merge(course, written: Path) -> pd.DataFrame:
    master, _, graded, _ = course
    return gradebook.merge(written, results=graded, master=master)


# ----------------------------------------------------------------------------------- template and merge
def test_template_has_a_row_per_student_and_item(course):
    _, _, _, sheet = course
    table = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert list(table.columns) == ["student", "question", "item", "points_max", "points", "comment"]
    assert len(table) == 3 * 5
    assert list(table.student.unique()) == ["alice", "bob", "carol"]
    assert (table.points == "").all() and (table.comment == "").all()
    bob = table[table.student == "bob"]
    assert list(zip(bob.question, bob.item, bob.points_max)) == [
        ("q2_written", "a", "1"), ("q2_written", "b", "1.5"), ("q2_written", "c", "0.5"),
        ("q4_written", "a", "1"), ("q4_written", "b", "1")]


def test_template_for_a_real_set_and_the_memo(tmp_path):
    master = MASTERS[0]
    items = gradebook.read_rubric(master.parent / "rubric.csv")
    table = gradebook.template(master.parent, ["s1", "s2", "s3"])
    assert len(table) == 3 * len(items)
    memo = gradebook.template(gradebook.MEMO_RUBRIC, ["s1"])
    assert set(memo.question) == {"memo"}
    assert sum(float(p) for p in memo.points_max) == gradebook.MEMO_POINTS


def test_merge_gives_the_totals_worked_by_hand(course, capsys):
    master, _, graded, sheet = course
    written = fill(sheet)
    out = sheet.with_name("gradebook.csv")
    assert gradebook.main(["merge", "--results", str(graded), "--written", str(written),
                           "--master", str(master), "-o", str(out)]) == 0
    assert "3 students" in capsys.readouterr().out
    table = pd.read_csv(out)
    pd.testing.assert_frame_equal(table, EXPECTED, check_dtype=False)
    assert out.read_text().splitlines()[2] == "bob,1.5,1.5,2,1.5,3.5,3,6.5,10,65"


def test_memo_merges_without_results(tmp_path):
    sheet = tmp_path / "memo-marks.csv"
    gradebook.template(gradebook.MEMO_RUBRIC, ["alice", "bob"]).to_csv(sheet, index=False)
    table = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    table["points"] = [m if s == "alice" else "0" for s, m in zip(table.student, table.points_max)]
    table.to_csv(sheet, index=False)
    book = gradebook.merge(sheet, rubric=gradebook.MEMO_RUBRIC)
    assert list(book.columns) == ["student", "memo", "autograded", "written", "total", "maximum", "percent"]
    assert book.set_index("student").loc["alice", "percent"] == 100
    assert book.set_index("student").loc["bob", "total"] == 0


def test_a_set_without_written_questions_needs_no_marks(tmp_path):
    master = make_master(tmp_path / "98-auto", "ps98-auto", {"q1_auto": 3.0, "q3_auto": 2.0}, rubric=None)
    for student, scores in SCORES.items():
        write_results(tmp_path / "graded", student, results_json(scores))
    book = gradebook.merge(None, results=tmp_path / "graded", master=master)
    assert list(book.total) == [5, 3.5, 0.5] and list(book.percent) == [100, 70, 10]
    with pytest.raises(GradebookError, match="ps99-toy has written questions: give --written"):
        gradebook.merge(None, results=tmp_path / "graded", master=make_master(tmp_path / "99-toy"))


def test_template_will_not_overwrite_a_sheet(course, capsys):
    master, roster, _, sheet = course
    assert gradebook.main(["template", str(master.parent), "--roster", str(roster), "-o", str(sheet)]) == 1
    assert "exists; give --force" in capsys.readouterr().err


# ----------------------------------------------------------------------------------- validation
def _problems(course, written: Path) -> str:
    with pytest.raises(GradebookError) as caught:
        merge(course, written)
    return str(caught.value)


def test_mark_above_the_item_maximum(course):
    written = fill(course[3], rows={("bob", "q2_written", "b"): {"points": "2"}})
    message = _problems(course, written)
    assert (f"filled.csv, line {_line('bob', 'q2_written', 'b')}: the mark 2 for student 'bob', "
            f"q2_written b is above the item's maximum of 1.5") in message


def test_mark_below_zero(course):
    written = fill(course[3], rows={("carol", "q4_written", "a"): {"points": "-0.5"}})
    assert (f"line {_line('carol', 'q4_written', 'a')}: the mark -0.5 for student 'carol', q4_written a "
            f"is below zero") in _problems(course, written)


def test_mark_that_is_not_a_number(course):
    written = fill(course[3], rows={("alice", "q2_written", "a"): {"points": "1,0"}})
    assert "the mark '1,0' for student 'alice', q2_written a is not a number" in _problems(course, written)


def test_blank_mark_is_an_ungraded_item(course):
    written = fill(course[3], rows={("bob", "q4_written", "b"): {"points": ""}})
    message = _problems(course, written)
    assert (f"line {_line('bob', 'q4_written', 'b')}: no mark for student 'bob', q4_written b "
            f"(an ungraded item: the points cell is blank)") in message
    assert message.startswith("1 problem:")


def test_unknown_question_and_item(course):
    extra = [{"student": "bob", "question": "q9_essay", "item": "a", "points_max": "1", "points": "1", "comment": ""},
             {"student": "bob", "question": "q1_auto", "item": "a", "points_max": "1", "points": "1", "comment": ""},
             {"student": "bob", "question": "q2_written", "item": "z", "points_max": "1", "points": "1", "comment": ""}]
    message = _problems(course, fill(course[3], extra=extra))
    assert "line 17: unknown question 'q9_essay' for student 'bob'" in message
    assert "line 18: unknown question 'q1_auto' for student 'bob': it is autograded, not graded by hand" in message
    assert "line 19: unknown item 'z' of 'q2_written' for student 'bob'; its items are a, b, c" in message


def test_duplicate_missing_and_edited_rows(course):
    duplicate = {"student": "carol", "question": "q4_written", "item": "b", "points_max": "1", "points": "1",
                 "comment": ""}
    written = fill(course[3], rows={("alice", "q2_written", "c"): None,
                                    ("bob", "q2_written", "a"): {"points_max": "2"}}, extra=[duplicate])
    message = _problems(course, written)
    assert "a second mark for student 'carol', q4_written b (the first is on line 15)" in message
    assert "no row for student 'alice', q2_written c" in message
    assert "points_max '2' for q2_written a differs from the rubric's 1" in message


def test_student_with_marks_but_no_results(course):
    extra = [{"student": "dave", "question": q, "item": i, "points_max": top, "points": "0", "comment": ""}
             for (q, i), top in MARKS["alice"].items()]  # alice has full marks
    message = _problems(course, fill(course[3], extra=extra))
    assert "student 'dave' has written marks but no results" in message
    assert str(Path("graded") / "dave" / "results.json") in message


def test_student_with_results_but_no_marks_is_missing_marks(course):
    _, _, graded, sheet = course
    write_results(graded, "erin", results_json({"q1_auto": 3, "q3_auto": 2.0}))
    message = _problems(course, fill(sheet))
    assert "results.json: student 'erin' has results but no written marks in" in message
    assert "(missing marks)" in message


def test_results_of_another_problem_set(course):
    _, _, graded, sheet = course
    other = {"q1_build_annuity": 3.0, "q2_lease": 3.0}
    path = write_results(graded, "carol", results_json(other, other))
    message = _problems(course, fill(sheet))
    assert (f"{path}: results for another problem set: its questions ['q1_build_annuity', 'q2_lease'] are "
            f"not autograded questions of ps99-toy (q1_auto, q3_auto)") in message


def test_results_that_disagree_with_the_master(course):
    _, _, graded, sheet = course
    write_results(graded, "alice", results_json({"q1_auto": 3}))
    write_results(graded, "bob", results_json({"q1_auto": 2, "q3_auto": 2}, {"q1_auto": 2, "q3_auto": 2}))
    write_results(graded, "carol", results_json({"q1_auto": 4, "q3_auto": 0}))
    message = _problems(course, fill(sheet))
    assert "alice/results.json: no score for ['q3_auto']" in message
    assert "bob/results.json: 'q1_auto' has max_score 2 but the master gives it 3 points" in message
    assert "carol/results.json: the score 4 of 'q1_auto' is outside 0 to 3" in message


def test_results_otter_could_not_produce(course):
    _, _, graded, sheet = course
    failed = {"tests": [{"name": "Autograder Failed", "visibility": "visible", "status": "failed",
                         "output": "The autograder failed to produce any results."}], "score": 0}
    write_results(graded, "bob", failed)
    (graded / "carol" / "results.json").unlink()
    (graded / "alice" / "results.json").write_text("{not json", encoding="utf-8")
    message = _problems(course, fill(sheet))
    assert "bob/results.json: otter could not grade this submission ('Autograder Failed')" in message
    assert "carol: no results.json (was this submission graded?)" in message
    assert "alice/results.json: not a results.json written by otter run" in message


def test_rubric_that_does_not_match_its_master(course):
    master = course[0]
    rubric = master.parent / "rubric.csv"
    rubric.write_text(RUBRIC.replace("q2_written,c,0.5", "q2_written,c,1").replace("q4_written", "q5_essay")
                      + 'q1_auto,a,1,"Anything."\n', encoding="utf-8")
    with pytest.raises(GradebookError) as caught:
        gradebook.set_rubric(master)
    message = str(caught.value)
    assert "the items of 'q2_written' add up to 3.5 points; the master gives it 3" in message
    assert "unknown question 'q5_essay'" in message
    assert "no items for the written question 'q4_written' (2 points)" in message
    assert "question 'q1_auto' is autograded" in message


def test_rubric_and_roster_rows_are_checked(tmp_path):
    rubric = tmp_path / "rubric.csv"
    rubric.write_text('question,item,points,earns\nq,a,0,"Zero."\nq,b,1,\nq,c,1,"One."\nq,c,1,"Again."\n')
    message = str(pytest.raises(GradebookError, gradebook.read_rubric, rubric).value)
    assert "rubric.csv, line 2: points '0' must be a number above zero" in message
    assert "rubric.csv, line 3: empty earns" in message
    assert "rubric.csv, line 5: item 'c' of 'q' is already on line 4" in message
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\nalice,Alice\n")
    with pytest.raises(GradebookError, match=r"roster.csv, line 1: the header \['id', 'name'\] lacks the column"):
        gradebook.read_roster(roster)
    roster.write_text("student\nalice\n\nbob\nalice\n")
    with pytest.raises(GradebookError, match="roster.csv, line 5: student 'alice' is already on line 2"):
        gradebook.read_roster(roster)


def test_command_line_reports_problems_and_fails(course, capsys):
    master, _, graded, sheet = course
    code = gradebook.main(["merge", "--results", str(graded), "--written", str(sheet), "--master", str(master),
                           "-o", str(sheet.with_name("gradebook.csv"))])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("gradebook merge: 15 problems:")
    assert "ungraded item" in err
    assert not sheet.with_name("gradebook.csv").exists()
