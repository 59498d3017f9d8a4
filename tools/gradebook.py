"""The gradebook: a problem set's autograded scores and its hand-graded written marks, per student.

``otter run`` scores the autograded questions of a submission and writes one ``results.json`` per
student; the written questions (``manual: true`` in the master) are graded by hand against the
set's rubric, ``assignments/NN-slug/rubric.csv`` (columns ``question,item,points,earns``: one row
per rubric item; the items of a question add up to its points in the master). This tool makes the
CSV the grader fills in, one row per student and rubric item, and merges it with the
``results.json`` files into one gradebook CSV: one row per student, one column per question, the
total, the maximum and the percentage.

Usage::

    # 1. The sheet the grader fills in (columns student, question, item, points_max, points, comment)
    python tools/gradebook.py template assignments/01-the-spv --roster roster.csv -o written-marks.csv

    # 2. Grade the notebooks: otter run ... -o graded/<student>/   (one folder per student)

    # 3. The gradebook
    python tools/gradebook.py merge --results graded --written written-marks.csv \\
        --master assignments/01-the-spv/ps01-the-spv.ipynb -o gradebook.csv

The roster is a CSV with a ``student`` column (an id; other columns are ignored); the folders in
``graded/`` are named by the same ids. The memo, graded by hand alone, works the same way from its
rubric: ``template assignments/memo-rubric.csv --roster ...`` and ``merge --written memo-marks.csv
--rubric assignments/memo-rubric.csv -o memo.csv`` (no ``--results`` and no ``--master``).

Nothing is filled in silently: a blank mark (an item not yet graded), a mark above its item's
points or below zero, an unknown question or item, a student with results but no written marks
(or marks but no results), a missing or unreadable ``results.json`` or one from another problem set
are all reported, each naming the file, the line and the value, and no gradebook is written until
they are fixed.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make ``tools`` importable
    sys.path.insert(0, str(ROOT))

from tools.assignments import Question, questions, read_notebook  # noqa: E402

#: The rubric next to each master, and the memo's.
RUBRIC_NAME = "rubric.csv"
MEMO_RUBRIC = ROOT / "assignments" / "memo-rubric.csv"
#: The memo's points (the items of ``memo-rubric.csv`` add up to them).
MEMO_POINTS = 10.0
RUBRIC_COLUMNS = ("question", "item", "points", "earns")
MARKS_COLUMNS = ("student", "question", "item", "points_max", "points", "comment")
#: Entries otter writes into ``results.json`` that are not questions.
OTTER_ENTRIES = frozenset({"Public Tests", "PDF Generation Failed"})
OTTER_FAILED = frozenset({"Autograder Failed", "Autograder Exception"})
#: Points are compared to this precision (rubric items are halves or quarters of a point).
TOLERANCE = 1e-9


class GradebookError(ValueError):
    """One or more problems with a rubric, a roster, a marks sheet or the results; ``problems``
    lists them, each naming its file, line and value."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        count = len(self.problems)
        heading = "1 problem" if count == 1 else f"{count} problems"
        super().__init__(f"{heading}:\n" + "\n".join(f"- {p}" for p in self.problems))


@dataclass(frozen=True)
class RubricItem:
    """One item of a rubric: ``points`` earned by what ``earns`` says."""

    question: str
    item: str
    points: float
    earns: str


def _number(text: str) -> float | None:
    """``text`` as a finite float, or None if it is not one."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _read_csv(path: Path, required: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV as (line number, row), with every value stripped; the header must hold
    the ``required`` columns."""
    path = Path(path)
    if not path.is_file():
        raise GradebookError([f"{path}: no such file"])
    with path.open(newline="", encoding="utf-8-sig") as handle:  # -sig: a BOM from a spreadsheet
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [c for c in required if c not in header]
        if missing:
            raise GradebookError([f"{path}, line 1: the header {header} lacks the column(s) {missing}"])
        reader.fieldnames = header
        rows = []
        for row in reader:
            values = {k: (v or "").strip() for k, v in row.items() if k is not None}
            if any(values.values()):  # skip blank lines
                rows.append((reader.line_num, values))
    return rows


def _pts(x: float) -> str:
    return f"{x:g}"


# ----------------------------------------------------------------------------------- rubrics
def read_rubric(path: Path) -> list[RubricItem]:
    """The items of a rubric CSV (``question,item,points,earns``), checked on their own: every
    field filled, points a positive number, no item twice.

    >>> items = read_rubric(MEMO_RUBRIC)
    >>> {i.question for i in items}, sum(i.points for i in items) == MEMO_POINTS
    ({'memo'}, True)
    """
    path = Path(path)
    problems, items, seen = [], [], {}
    for line, row in _read_csv(path, RUBRIC_COLUMNS):
        blank = [c for c in RUBRIC_COLUMNS if not row[c]]
        if blank:
            problems.append(f"{path}, line {line}: empty {', '.join(blank)}")
            continue
        points = _number(row["points"])
        if points is None or points <= 0:
            problems.append(f"{path}, line {line}: points {row['points']!r} must be a number above zero")
            continue
        key = (row["question"], row["item"])
        if key in seen:
            problems.append(f"{path}, line {line}: item {row['item']!r} of {row['question']!r} "
                            f"is already on line {seen[key]}")
            continue
        seen[key] = line
        items.append(RubricItem(row["question"], row["item"], points, row["earns"]))
    if not items and not problems:
        problems.append(f"{path}: the rubric has no items")
    if problems:
        raise GradebookError(problems)
    return items


def check_rubric(items: Sequence[RubricItem], master_questions: Sequence[Question], path: Path) -> None:
    """Check a set's rubric against its master: it covers every written question and only those,
    and each question's items add up to its points."""
    written = {q.name: q for q in master_questions if q.manual}
    autograded = {q.name for q in master_questions if not q.manual}
    problems = []
    for name in dict.fromkeys(i.question for i in items):
        if name in autograded:
            problems.append(f"{path}: question {name!r} is autograded; a rubric is for written questions")
        elif name not in written:
            problems.append(f"{path}: unknown question {name!r}; the written questions are {sorted(written)}")
    for name, q in written.items():
        total = sum(i.points for i in items if i.question == name)
        if total == 0:
            problems.append(f"{path}: no items for the written question {name!r} ({_pts(q.points)} points)")
        elif abs(total - q.points) > TOLERANCE:
            problems.append(f"{path}: the items of {name!r} add up to {_pts(total)} points; "
                            f"the master gives it {_pts(q.points)}")
    if problems:
        raise GradebookError(problems)


def find_master(set_dir: Path) -> Path:
    """The master notebook of a problem set's folder (``psNN-slug.ipynb``)."""
    found = sorted(p for p in Path(set_dir).glob("ps[0-9][0-9]-*.ipynb"))
    if len(found) != 1:
        raise GradebookError([f"{set_dir}: expected one master notebook psNN-slug.ipynb, found "
                              f"{[p.name for p in found]}"])
    return found[0]


def set_rubric(master: Path, rubric: Path | None = None) -> tuple[list[Question], list[RubricItem]]:
    """A master's questions and its rubric (``rubric.csv`` beside it unless ``rubric`` is given),
    checked against each other."""
    rubric = Path(rubric) if rubric is not None else Path(master).parent / RUBRIC_NAME
    found = questions(read_notebook(master))
    if not rubric.exists() and not any(q.manual for q in found):
        return found, []  # a set graded by the autograder alone needs no rubric
    items = read_rubric(rubric)
    check_rubric(items, found, rubric)
    return found, items


# ----------------------------------------------------------------------------------- roster, template
def read_roster(path: Path) -> list[str]:
    """The student ids of a roster CSV (its ``student`` column), in order."""
    path = Path(path)
    problems, students, seen = [], [], {}
    for line, row in _read_csv(path, ["student"]):
        student = row["student"]
        if not student:
            problems.append(f"{path}, line {line}: empty student id")
        elif student in seen:
            problems.append(f"{path}, line {line}: student {student!r} is already on line {seen[student]}")
        else:
            seen[student] = line
            students.append(student)
    if not students and not problems:
        problems.append(f"{path}: the roster lists no student")
    if problems:
        raise GradebookError(problems)
    return students


def template(source: Path, students: Sequence[str]) -> pd.DataFrame:
    """The written-marks sheet: one row per student and rubric item, ``points`` and ``comment``
    empty for the grader to fill in.

    ``source`` is a problem set's folder (its master and ``rubric.csv``, checked against each
    other) or a rubric CSV alone (the memo's).
    """
    source = Path(source)
    items = set_rubric(find_master(source))[1] if source.is_dir() else read_rubric(source)
    rows = [(s, i.question, i.item, _pts(i.points), "", "") for s in students for i in items]
    return pd.DataFrame(rows, columns=list(MARKS_COLUMNS))


# ----------------------------------------------------------------------------------- reading marks
def read_marks(path: Path, items: Sequence[RubricItem],
               autograded: Iterable[str] = ()) -> dict[str, dict[tuple[str, str], float]]:
    """The filled-in written marks, ``{student: {(question, item): points}}``, in the sheet's order.

    Every row is checked against the rubric: a known question and item, a mark that is a number
    from zero to the item's points, ``points_max`` (if the column is there) equal to the rubric's,
    no row twice; and every student has a mark for every item.
    """
    marks, problems = _read_marks(path, items, autograded)
    if problems:
        raise GradebookError(problems)
    return marks


def _read_marks(path: Path, items: Sequence[RubricItem], autograded: Iterable[str] = ()
                ) -> tuple[dict[str, dict[tuple[str, str], float]], list[str]]:
    """(marks, problems): :func:`read_marks` without raising."""
    path = Path(path)
    rubric = {(i.question, i.item): i for i in items}
    by_question: dict[str, list[str]] = {}
    for i in items:
        by_question.setdefault(i.question, []).append(i.item)
    autograded = set(autograded)
    problems: list[str] = []
    marks: dict[str, dict[tuple[str, str], float]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in _read_csv(path, ["student", "question", "item", "points"]):
        where = f"{path}, line {line}"
        student, question, item, text = row["student"], row["question"], row["item"], row["points"]
        if not student:
            problems.append(f"{where}: empty student id")
            continue
        marks.setdefault(student, {})
        if question not in by_question:
            why = ("is autograded, not graded by hand" if question in autograded
                   else f"is not a written question of the rubric ({', '.join(by_question)})")
            problems.append(f"{where}: unknown question {question!r} for student {student!r}: it {why}")
            continue
        if (question, item) not in rubric:
            problems.append(f"{where}: unknown item {item!r} of {question!r} for student {student!r}; "
                            f"its items are {', '.join(by_question[question])}")
            continue
        maximum = rubric[question, item].points
        key = (student, question, item)
        if key in seen:
            problems.append(f"{where}: a second mark for student {student!r}, {question} {item} "
                            f"(the first is on line {seen[key]})")
            continue
        seen[key] = line
        if "points_max" in row and row["points_max"] and _number(row["points_max"]) != maximum:
            problems.append(f"{where}: points_max {row['points_max']!r} for {question} {item} differs from "
                            f"the rubric's {_pts(maximum)}; do not edit points_max")
        label = f"student {student!r}, {question} {item}"
        if not text:
            problems.append(f"{where}: no mark for {label} (an ungraded item: the points cell is blank)")
            continue
        points = _number(text)
        if points is None:
            problems.append(f"{where}: the mark {text!r} for {label} is not a number")
        elif points < 0:
            problems.append(f"{where}: the mark {text} for {label} is below zero")
        elif points > maximum + TOLERANCE:
            problems.append(f"{where}: the mark {text} for {label} is above the item's maximum of "
                            f"{_pts(maximum)}")
        else:
            marks[student][question, item] = points
    for student in marks:
        for key in rubric:
            if (student, *key) not in seen:
                problems.append(f"{path}: no row for student {student!r}, {key[0]} {key[1]} "
                                f"(every rubric item needs a row)")
    return marks, problems


# ----------------------------------------------------------------------------------- reading results
def read_results(path: Path, autograded: Sequence[Question], set_name: str) -> dict[str, float]:
    """The autograded scores of one ``results.json`` that ``otter run`` wrote, ``{question: score}``.

    Checked against the master's autograded questions: each has exactly one entry, with a score
    from zero to its points and the master's points as its maximum; an entry that no question of
    the master has (a results file of another problem set) is an error.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise GradebookError([f"{path}: not a results.json written by otter run ({error})"]) from None
    tests = data.get("tests") if isinstance(data, dict) else None
    if not isinstance(tests, list):
        raise GradebookError([f"{path}: not a results.json written by otter run (no list of 'tests')"])
    expected = {q.name: q.points for q in autograded}
    problems, scores, foreign, reported = [], {}, [], set()
    failed = [str(e.get("name")) for e in tests if isinstance(e, dict) and e.get("name") in OTTER_FAILED]
    if failed:
        raise GradebookError([f"{path}: otter could not grade this submission ({failed[0]!r}): grade it "
                              f"again, or enter its scores in a results.json by hand"])
    for entry in tests:
        if not isinstance(entry, dict) or entry.get("name") in OTTER_ENTRIES or "score" not in entry:
            continue
        name = str(entry.get("name", ""))
        if name not in expected:
            foreign.append(name)
            continue
        if name in scores or name in reported:
            problems.append(f"{path}: question {name!r} appears twice")
            continue
        reported.add(name)
        score, maximum = _number(entry.get("score")), _number(entry.get("max_score"))
        if score is None:
            problems.append(f"{path}: the score {entry.get('score')!r} of {name!r} is not a number")
        elif maximum is not None and abs(maximum - expected[name]) > TOLERANCE:
            problems.append(f"{path}: {name!r} has max_score {entry.get('max_score')!r} but the master gives it "
                            f"{_pts(expected[name])} points (an autograder built from another version?)")
        elif not -TOLERANCE <= score <= expected[name] + TOLERANCE:
            problems.append(f"{path}: the score {entry.get('score')!r} of {name!r} is outside 0 to "
                            f"{_pts(expected[name])}")
        else:
            scores[name] = score
    if foreign and not reported:
        problems.append(f"{path}: results for another problem set: its questions {foreign} are not "
                        f"autograded questions of {set_name} ({', '.join(expected)})")
    else:
        if foreign:
            problems.append(f"{path}: question(s) {foreign} are not autograded questions of {set_name} "
                            f"(graded with an autograder built from an older master? run make assignments "
                            f"and grade again)")
        missing = [n for n in expected if n not in reported]
        if missing:
            problems.append(f"{path}: no score for {missing}")
    if problems:
        raise GradebookError(problems)
    return scores


def read_results_dir(results_dir: Path, autograded: Sequence[Question],
                     set_name: str) -> dict[str, dict[str, float]]:
    """``{student: {question: score}}`` from ``results_dir/<student>/results.json``."""
    found, problems = _read_results_dir(results_dir, autograded, set_name)
    if problems:
        raise GradebookError(problems)
    return found


def _read_results_dir(results_dir: Path, autograded: Sequence[Question], set_name: str
                      ) -> tuple[dict[str, dict[str, float]], list[str]]:
    """(scores, problems): :func:`read_results_dir` without raising."""
    results_dir = Path(results_dir)
    if not results_dir.is_dir():
        return {}, [f"{results_dir}: no such folder of graded submissions"]
    problems, found = [], {}
    for folder in sorted(p for p in results_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        path = folder / "results.json"
        if not path.is_file():
            problems.append(f"{folder}: no results.json (was this submission graded?)")
            continue
        try:
            found[folder.name] = read_results(path, autograded, set_name)
        except GradebookError as error:
            problems.extend(error.problems)
    if not found and not problems:
        problems.append(f"{results_dir}: no graded submissions (expected one folder per student, "
                        f"each with a results.json)")
    return found, problems


# ----------------------------------------------------------------------------------- the gradebook
def merge(written: Path | None, *, results: Path | None = None, master: Path | None = None,
          rubric: Path | None = None) -> pd.DataFrame:
    """The gradebook: one row per student, with a column per question (the autograded score, or
    the sum of the question's rubric items), ``autograded``, ``written``, ``total``, ``maximum``
    and ``percent``.

    Parameters
    ----------
    written : Path or None
        The filled-in written-marks CSV (from :func:`template`); None for a set without written
        questions.
    results : Path, optional
        The folder of graded submissions, ``<student>/results.json`` each; needed with ``master``.
    master : Path, optional
        The problem set's master notebook: its questions, their points and which are written.
        Without it (the memo), the questions are the rubric's.
    rubric : Path, optional
        The rubric; ``rubric.csv`` beside the master by default.
    """
    written = Path(written) if written is not None else None
    if master is None:
        if rubric is None or results is not None:
            raise GradebookError(["give --master (and --results) for a problem set, or --rubric "
                                  "alone for a hand-graded piece such as the memo"])
        items = read_rubric(rubric)
        all_questions = [Question(name, sum(i.points for i in items if i.question == name), True,
                                  "", (), (), (), ()) for name in dict.fromkeys(i.question for i in items)]
        set_name = Path(rubric).stem
    else:
        if results is None:
            raise GradebookError(["--master needs --results, the folder of graded submissions"])
        all_questions, items = set_rubric(master, rubric)
        set_name = Path(master).stem
    autograded = [q for q in all_questions if not q.manual]
    if written is None and items:
        raise GradebookError([f"{set_name} has written questions: give --written, the filled-in marks"])
    marks, problems = _read_marks(written, items, [q.name for q in autograded]) if items else ({}, [])
    scores: dict[str, dict[str, float]] = {}
    if results is not None:
        scores, more = _read_results_dir(results, autograded, set_name)
        problems += more
    if results is not None and Path(results).is_dir():
        graded = {p.name for p in Path(results).iterdir() if p.is_dir() and not p.name.startswith(".")}
        if not items:  # nothing graded by hand: every graded student is in the gradebook
            marks = {student: {} for student in sorted(scores)}
        for student in marks:
            if student not in graded:
                problems.append(f"{written}: student {student!r} has written marks but no results "
                                f"({Path(results) / student / 'results.json'} does not exist)")
        for student in sorted(graded):
            if student not in marks and (Path(results) / student / "results.json").is_file():
                problems.append(f"{Path(results) / student / 'results.json'}: student {student!r} has "
                                f"results but no written marks in {written} (missing marks)")
    if problems:
        raise GradebookError(problems)
    maximum = sum(q.points for q in all_questions)
    rows = []
    for student in marks:
        row: dict[str, object] = {"student": student}
        for q in all_questions:
            if q.manual:
                row[q.name] = sum(v for (question, _), v in marks[student].items() if question == q.name)
            else:
                row[q.name] = scores[student][q.name]
        auto = sum(row[q.name] for q in autograded)
        total = sum(row[q.name] for q in all_questions)
        row.update(autograded=auto, written=total - auto, total=total, maximum=maximum,
                   percent=100 * total / maximum)
        rows.append(row)
    table = pd.DataFrame(rows, columns=["student", *(q.name for q in all_questions),
                                        "autograded", "written", "total", "maximum", "percent"])
    numbers = table.columns[1:]
    table[numbers] = table[numbers].astype(float).round(5)
    table["percent"] = table["percent"].round(2)
    return table


# ----------------------------------------------------------------------------------- command line
def _write(table: pd.DataFrame, output: Path, force: bool) -> None:
    output = Path(output)
    if output.exists() and not force:
        raise GradebookError([f"{output} exists; give --force to overwrite it (is it a filled-in sheet?)"])
    output.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(output, index=False, float_format="%g", lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("template", help="write the written-marks sheet the grader fills in")
    make.add_argument("source", type=Path, help="a problem set's folder (assignments/NN-slug) or a rubric CSV")
    make.add_argument("--roster", type=Path, required=True, help="a CSV with a 'student' column")
    make.add_argument("-o", "--output", type=Path, required=True)
    make.add_argument("--force", action="store_true", help="overwrite the output if it exists")
    join = commands.add_parser("merge", help="merge results.json files and written marks into a gradebook")
    join.add_argument("--results", type=Path, help="folder of graded submissions, <student>/results.json")
    join.add_argument("--written", type=Path, help="the filled-in written-marks CSV")
    join.add_argument("--master", type=Path, help="the problem set's master notebook")
    join.add_argument("--rubric", type=Path, help="the rubric (default: rubric.csv beside the master)")
    join.add_argument("-o", "--output", type=Path, required=True)
    join.add_argument("--force", action="store_true", help="overwrite the output if it exists")
    args = parser.parse_args(argv)
    try:
        if args.command == "template":
            table = template(args.source, read_roster(args.roster))
            _write(table, args.output, args.force)
            print(f"{args.output}: {len(table)} rows to fill in ({table['student'].nunique()} students)")
        else:
            table = merge(args.written, results=args.results, master=args.master, rubric=args.rubric)
            _write(table, args.output, args.force)
            print(f"{args.output}: {len(table)} students, mean {table['percent'].mean():.1f}%")
    except GradebookError as error:
        print(f"gradebook {args.command}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
